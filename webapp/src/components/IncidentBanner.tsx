import "./incidents.css";

import { useApp } from "../context";
import { incidentsOfUnit, useIncidents } from "../specialised";

/** Shown on every page while a specialised software's incident affects a dossier of the unit the officer works in. */
export function IncidentBanner() {
  const { unit } = useApp();
  const incidents = incidentsOfUnit(useIncidents(), unit);
  if (incidents.length === 0) return null;
  return (
    <section className="alert alert-warning incident-banner" aria-label="Sự cố phần mềm chuyên ngành">
      <span className="alert-icon" aria-hidden="true">
        ⚠
      </span>
      <div>
        {incidents.map((incident) => {
          const waiting = incident.dossiers.filter((d) => d.unit_code === unit && !d.continued).length;
          return (
            <p key={incident.id}>
              <strong>{incident.message}</strong>{" "}
              {waiting > 0
                ? `${waiting} hồ sơ của đơn vị đang chờ phần mềm này (được đánh dấu “Chờ phần mềm chuyên ngành” trong danh sách).`
                : "Các hồ sơ bị ảnh hưởng của đơn vị đã được tiếp tục xử lý trên hoso."}
            </p>
          );
        })}
      </div>
    </section>
  );
}
