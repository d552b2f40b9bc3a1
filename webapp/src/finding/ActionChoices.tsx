// The transfer's and the assignment's choices in the action dialog (issue 12 item 11): the
// department the desk sends the dossier to, and the appraiser with how many dossiers each holds.

import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";

import { api, errorMessage } from "../api";
import { queryKeys, type Schema } from "../query";

type Officer = Schema<"OfficerSummary">;

/** The unit's officers in a role, asked afresh each time a dialog opens (loads change with every assignment). */
function useOfficers(unit: string, role: string, enabled = true) {
  return useQuery<{ items: Officer[] }, Error>({
    queryKey: queryKeys.unit(unit, "officers", role),
    queryFn: ({ signal }) => api<{ items: Officer[] }>(`/v1/units/${encodeURIComponent(unit)}/officers?role=${encodeURIComponent(role)}`, { signal }),
    enabled,
    gcTime: 0,
  });
}

interface ChoiceProps {
  value: string;
  onChange: (value: string) => void;
  error?: string;
  describedBy?: string;
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

/** The unit's departments (null while loading): those its heads of department lead, as the API checks the choice. */
export function useDepartments(unit: string, wanted: boolean): { departments: string[] | null; problem: string | null } {
  const heads = useOfficers(unit, "head", wanted);
  const departments = heads.data ? [...new Set(heads.data.items.map((h) => h.department ?? "").filter(Boolean))].sort() : null;
  return { departments, problem: heads.error ? errorMessage(heads.error) : null };
}

/** "Phòng chuyên môn nhận hồ sơ": where the transfer sends the dossier (chosen already when the unit has one). */
export function DepartmentField({ departments, value, onChange, error, describedBy }: ChoiceProps & { departments: string[] | null }) {
  const only = departments?.length === 1 ? departments[0] : null;
  useEffect(() => {
    if (only && !value) onChange(only);
  }, [only, value, onChange]);
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

function loadText(officer: Officer): string {
  if (officer.load === null || officer.load === undefined) return "";
  return officer.load === 0 ? "chưa thụ lý hồ sơ nào" : `đang thụ lý ${officer.load} hồ sơ`;
}

/** "Chuyên viên thụ lý", each with the number of dossiers they hold now, the least loaded first. */
export function AssigneeField({ unit, value, onChange, error, describedBy }: ChoiceProps & { unit: string }) {
  const appraisers = useOfficers(unit, "appraiser");
  const officers = appraisers.data
    ? [...appraisers.data.items].sort((a, b) => (a.load ?? 0) - (b.load ?? 0) || a.name.localeCompare(b.name, "vi"))
    : null;
  const problem = appraisers.error ? `Không tải được danh sách chuyên viên: ${errorMessage(appraisers.error)}` : undefined;
  return (
    <div className={`field${error || problem ? " field-invalid" : ""}`}>
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
        aria-describedby={["action-assignee-hint", describedBy, problem ? "action-assignee-problem" : ""].filter(Boolean).join(" ")}
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
      <ErrorLine id="action-assignee-problem" error={problem} />
    </div>
  );
}
