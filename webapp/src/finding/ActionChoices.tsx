// The transfer's and the assignment's choices in the action dialog (issue 12 item 11): the
// department the desk sends the dossier to, and the appraiser with how many dossiers each holds.

import { useEffect, useState } from "react";

import { errorMessage } from "../api";
import { getOfficers } from "../catalogue";
import type { OfficerSummary } from "../types";

interface ChoiceProps {
  unit: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  describedBy?: string;
  onProblem: (message: string) => void;
}

function Required() {
  return (
    <span className="required" aria-hidden="true">
      {" "}
      *
    </span>
  );
}

function ErrorLine({ id, error }: { id: string; error?: string }) {
  return error ? (
    <p className="error" id={id}>
      <span aria-hidden="true">⚠ </span>
      {error}
    </p>
  ) : null;
}

/** The unit's departments: those its heads of department lead (as the API checks the choice). */
export function useDepartments(unit: string, wanted: boolean, onProblem: (message: string) => void): string[] | null {
  const [departments, setDepartments] = useState<string[] | null>(null);
  useEffect(() => {
    if (!wanted) return;
    getOfficers(unit, "head")
      .then((heads) => setDepartments([...new Set(heads.map((h) => h.department).filter(Boolean))].sort()))
      .catch((caught: unknown) => onProblem(errorMessage(caught)));
  }, [unit, wanted, onProblem]);
  return departments;
}

/** "Phòng chuyên môn nhận hồ sơ": where the transfer sends the dossier. */
export function DepartmentField({ departments, value, onChange, error, describedBy }: Omit<ChoiceProps, "unit" | "onProblem"> & { departments: string[] | null }) {
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor="action-department">
        Phòng chuyên môn nhận hồ sơ
        <Required />
      </label>
      <select
        id="action-department"
        value={value}
        required
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(event) => onChange(event.target.value)}
      >
        <option value="">{departments ? "— Chọn phòng —" : "Đang tải danh sách…"}</option>
        {(departments ?? []).map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </select>
      <ErrorLine id="action-department-error" error={error} />
    </div>
  );
}

function loadText(officer: OfficerSummary): string {
  if (officer.load === null || officer.load === undefined) return "";
  return officer.load === 0 ? "chưa thụ lý hồ sơ nào" : `đang thụ lý ${officer.load} hồ sơ`;
}

/** "Chuyên viên thụ lý", each with the number of dossiers they hold now, the least loaded first. */
export function AssigneeField({ unit, value, onChange, error, describedBy, onProblem }: ChoiceProps) {
  const [officers, setOfficers] = useState<OfficerSummary[] | null>(null);
  useEffect(() => {
    getOfficers(unit, "appraiser")
      .then((all) => setOfficers([...all].sort((a, b) => (a.load ?? 0) - (b.load ?? 0) || a.name.localeCompare(b.name, "vi"))))
      .catch((caught: unknown) => onProblem(errorMessage(caught)));
  }, [unit, onProblem]);
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor="action-assignee">
        Chuyên viên thụ lý
        <Required />
      </label>
      <p className="hint" id="action-assignee-hint">
        Kèm số hồ sơ mỗi chuyên viên đang thụ lý; người ít việc nhất đứng đầu.
      </p>
      <select
        id="action-assignee"
        value={value}
        required
        aria-invalid={error ? true : undefined}
        aria-describedby={["action-assignee-hint", describedBy].filter(Boolean).join(" ")}
        onChange={(event) => onChange(event.target.value)}
      >
        <option value="">{officers ? "— Chọn chuyên viên —" : "Đang tải danh sách…"}</option>
        {(officers ?? []).map((o) => (
          <option key={o.sub} value={o.sub}>
            {[o.name, o.title, loadText(o)].filter(Boolean).join(" — ")}
          </option>
        ))}
      </select>
      <ErrorLine id="action-assignee-error" error={error} />
    </div>
  );
}
