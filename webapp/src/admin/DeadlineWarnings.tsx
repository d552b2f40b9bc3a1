import "./deadlines.css";

import { useQuery } from "@tanstack/react-query";

import { api } from "../api";
import type { Schema } from "../query";

type Warning = Schema<"DeadlineWarning">;

/**
 * The process checker's warnings: procedures using the process whose legal deadline is shorter
 * than its steps add up to (their dossiers' step deadlines are cut to the appointment).
 */
export function DeadlineWarnings({ warnings }: { warnings: readonly Warning[] }) {
  if (warnings.length === 0) return null;
  return (
    <div className="alert alert-warning" role="status">
      <p>
        <span className="alert-icon" aria-hidden="true">
          ⚠
        </span>
        <strong>
          Cảnh báo thời hạn: {warnings.length} thủ tục dùng quy trình này có thời hạn giải quyết ngắn hơn tổng thời hạn các bước.
        </strong>
      </p>
      <ul>
        {warnings.map((w) => (
          <li key={w.procedure_code}>{w.message}</li>
        ))}
      </ul>
    </div>
  );
}

interface ProcedureDeadline {
  code: string;
  name: string;
  process_code: string;
  legal_deadline: Schema<"Duration"> | null;
}

/** In the procedure editor: whether the chosen process's steps fit the legal deadline being edited. */
export function ProcedureDeadlineFit({ procedure }: { procedure: ProcedureDeadline }) {
  const { code, name, process_code: process, legal_deadline: deadline } = procedure;
  const ready = Boolean(code.trim() && process && deadline && deadline.value > 0);
  const query = useQuery<Schema<"DeadlineCheck">, Error>({
    queryKey: ["admin", "deadline-check", code, process, deadline?.value, deadline?.unit],
    queryFn: ({ signal }) =>
      api<Schema<"DeadlineCheck">>("/v1/admin/procedures/deadline-check", {
        method: "POST",
        body: { code: code.trim(), name, process_code: process, legal_deadline: deadline },
        signal,
      }),
    enabled: ready,
  });
  const warning = ready ? query.data?.warning : null;
  if (!warning) return null;
  return (
    <div className="alert alert-warning" role="status" id="t-deadline-fit">
      <span className="alert-icon" aria-hidden="true">
        ⚠
      </span>
      <strong>Các bước của quy trình không vừa thời hạn giải quyết.</strong> {warning.message}
    </div>
  );
}
