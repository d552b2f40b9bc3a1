import { ErrorMessage, Loading } from "../components/Page";
import { formatDateTime } from "../format";
import { useApiQuery } from "../query";
import type { IncidentsOut } from "../specialised";

const KINDS: Record<string, string> = {
  handover_failed: "Không nhận hồ sơ chuyển sang",
  silent: "Không phản hồi",
};

/** Operators: every specialised software's open incident and the latest resolved ones (runbook: docs/runbooks/specialised-outage.md). */
export function SpecialisedIncidents() {
  const query = useApiQuery<IncidentsOut>(["ops", "specialised-incidents"], "/v1/ops/specialised/incidents", { refetchInterval: 60_000 });
  const incidents = query.data?.incidents ?? [];
  const open = incidents.filter((i) => i.state === "open").length;
  return (
    <section aria-labelledby="ops-incidents" className="card">
      <h2 id="ops-incidents">Sự cố phần mềm chuyên ngành</h2>
      {query.error && <ErrorMessage>{query.error.message}</ErrorMessage>}
      {query.isPending && <Loading what="sự cố phần mềm chuyên ngành" />}
      {query.data && (
        <>
          <p>{open === 0 ? "Không có sự cố nào đang mở." : `${open} sự cố đang mở: hồ sơ được giữ lại và gửi sang khi phần mềm hoạt động trở lại.`}</p>
          {incidents.length > 0 && (
            <div className="table-scroll" tabIndex={0} role="region" aria-label="Bảng sự cố phần mềm chuyên ngành">
              <table>
                <caption>Sự cố đang mở và đã khắc phục gần đây</caption>
                <thead>
                  <tr>
                    <th scope="col">Phần mềm</th>
                    <th scope="col">Loại sự cố</th>
                    <th scope="col">Tình trạng</th>
                    <th scope="col">Từ</th>
                    <th scope="col">Khắc phục lúc</th>
                    <th scope="col">Hồ sơ bị ảnh hưởng</th>
                    <th scope="col">Lỗi gần nhất</th>
                  </tr>
                </thead>
                <tbody>
                  {incidents.map((i) => (
                    <tr key={`${i.id}-${i.state}`}>
                      <th scope="row">{i.system}</th>
                      <td>{KINDS[i.kind] ?? i.kind}</td>
                      <td>{i.state === "open" ? "Đang mở" : "Đã khắc phục"}</td>
                      <td>{formatDateTime(i.since)}</td>
                      <td>{i.resolved_at ? formatDateTime(i.resolved_at) : "—"}</td>
                      <td>{i.dossiers.map((d) => d.code).join(", ")}</td>
                      <td>{i.last_error || "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
