// Building blocks shared by the administration screens: loading data, labelled fields with their
// errors (aria-invalid, aria-describedby, red bold text with an icon), a summary of errors that
// takes the focus, and the shapes of the admin API.

import { type MouseEvent, type ReactNode, useCallback, useEffect, useRef, useState } from "react";

import { api, ApiError, errorMessage, type FieldMessage } from "../api";
import type { Duration, OfficerProfile, Procedure } from "../types";

export type { FieldMessage };

export interface ProcedureFull extends Procedure {
  online_level: string;
  cutoff_15h: boolean;
  /** Separation of duties: the appraiser, the reviewer and the approver of a dossier are different people. */
  separation_of_duties: boolean;
  /** The result: template | upload | none; whether it must be signed; whether the leader's approval signs it. */
  result_kind?: "template" | "upload" | "none";
  result_signed?: boolean;
  sign_on_approval?: boolean;
  /** Căn cứ pháp lý: the documents that rule the procedure (the assistant cites them). */
  legal_basis?: string[];
  process_code: string;
  flow: string | null;
}

export interface Interval {
  start: string;
  end: string;
}

export interface UnitFull {
  code: string;
  name: string;
  province_code: string;
  parent_code: string | null;
  office_hours?: unknown;
  roles_source?: RolesSource;
}

/** Where a unit's officers' roles come from (SPEC §7.7): hoso's administration or the coordination system. */
export type RolesSource = "hoso" | "coordinator";

export interface ProcessSummary {
  code: string;
  name: string;
  latest_version: number;
  published_at: string | null;
  versions: number[];
}

export interface ProcessVersion {
  code: string;
  version: number;
  name: string;
  procedure_codes: string[];
  steps: number;
  published_at: string | null;
  published_by: string | null;
}

export interface ActionDef {
  id: string;
  kind: string;
  label: string;
  to_step: string;
  role: string | null;
  requires_reason: boolean;
  max_times: number | null;
  recompute_deadline: boolean;
}

export interface StepDef {
  id: string;
  name: string;
  role: string;
  status: number;
  deadline: Duration | null;
  actions: ActionDef[];
  tt11: { position: string; department: string };
}

export interface ProcessDef {
  code: string;
  version: number;
  name: string;
  description: string;
  procedure_codes: string[];
  legal_deadline: Duration | null;
  steps: StepDef[];
  start_step: string;
  direct_start_step: string | null;
  chart_version: number;
  published_at?: string | null;
  published_by?: string | null;
}

export interface ProcessErrorItem {
  code: string;
  message: string;
  step_id: string | null;
  action_id: string | null;
}

export interface OfficerList {
  province_code: string | null;
  items: OfficerProfile[];
}

export interface CalendarOverride {
  date: string;
  kind: "day_off" | "working_day";
  decision: string;
  note: string;
}

export interface CalendarYear {
  year: number;
  holidays: { date: string; name: string }[];
  overrides: CalendarOverride[];
}

export type ClientKind = "specialised_software" | "agency" | "postal_service" | "payment_platform" | "kiosk" | "coordinator";
export type Capability = "specialised_status" | "specialised_results" | "flow_callback" | "post_tracking" | "kiosk" | "coordinator_results" | "coordinator_roles" | "coordinator_opinions";

export interface ClientGrants {
  kind: ClientKind;
  capabilities: Capability[];
  actions: string[];
  leader_actions: boolean;
}

export interface ClientOut extends Omit<ClientGrants, "kind"> {
  client_id: string;
  name: string;
  procedure_codes: string[];
  // null: registered before kinds existed; every client API refuses it until its kind is set
  kind: ClientKind | null;
  active: boolean;
  created_at: string | null;
  rotated_at: string | null;
  previous_valid_until: string | null;
  revoked_at: string | null;
}

export const DURATION_UNIT_LABELS: Record<Duration["unit"], string> = {
  working_days: "ngày làm việc",
  working_hours: "giờ làm việc",
  minutes: "phút làm việc",
  calendar_days: "ngày (theo lịch)",
};

export const ASSIGNABLE_BY_PROVINCE = ["desk", "head", "appraiser", "leader", "clerk"];
export const ALL_ROLES = [...ASSIGNABLE_BY_PROVINCE, "province_admin", "admin", "operator"];

/** GET a resource; ``reload`` fetches it again (after a change). */
export function useLoad<T>(path: string | null): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return undefined;
    const controller = new AbortController();
    setError(null);
    api<T>(path, { signal: controller.signal })
      .then(setData)
      .catch((e: unknown) => {
        if (!(e instanceof DOMException && e.name === "AbortError")) setError(errorMessage(e));
      });
    return () => controller.abort();
  }, [path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, reload };
}

/** Errors of a form sent to the API: the message, and the fields it names. */
export interface FormErrors {
  message: string;
  fields: FieldMessage[];
}

export function toFormErrors(error: unknown): FormErrors {
  if (error instanceof ApiError) return { message: error.message, fields: error.fieldErrors };
  return { message: errorMessage(error), fields: [] };
}

export function fieldError(errors: FormErrors | null, field: string): string | undefined {
  return errors?.fields.find((f) => f.field === field)?.message;
}

/** The summary of a failed submission: an alert that takes the focus, each field error linked to its field. */
export function ErrorSummary({ errors, fieldIds = {} }: { errors: FormErrors | null; fieldIds?: Record<string, string> }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors) ref.current?.focus();
  }, [errors]);
  if (!errors) return null;
  return (
    <div ref={ref} tabIndex={-1} className="alert alert-error" role="alert" style={{ display: "block" }}>
      <p style={{ margin: 0 }}>
        <span className="alert-icon" aria-hidden="true">
          ⚠
        </span>{" "}
        <strong>{errors.message}</strong>
      </p>
      {errors.fields.length ? (
        <ul className="error-list">
          {errors.fields.map((f, i) => (
            <li key={`${f.field}-${i}`}>
              {fieldIds[f.field] ? <a href={`#${fieldIds[f.field]}`} onClick={(e) => focusField(e, fieldIds[f.field])}>{f.field}</a> : f.field}: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function focusField(event: MouseEvent, id: string): void {
  event.preventDefault();
  document.getElementById(id)?.focus();
}

interface FieldProps {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  required?: boolean;
  children: (aria: { id: string; "aria-invalid"?: true; "aria-describedby"?: string; required?: boolean }) => ReactNode;
  wide?: boolean;
}

/** A labelled control with its hint and its error (SPEC §5: red asterisk, red bold message with an icon). */
export function Field({ id, label, error, hint, required, children, wide }: FieldProps) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className={`field${error ? " field-invalid" : ""}`} style={wide ? { gridColumn: "1 / -1" } : undefined}>
      <label htmlFor={id}>
        {label}
        {required ? (
          <span className="required" aria-hidden="true">
            {" "}
            *
          </span>
        ) : null}
      </label>
      {children({ id, "aria-invalid": error ? true : undefined, "aria-describedby": described || undefined, required })}
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function Success({ children }: { children: ReactNode }) {
  return (
    <div className="alert alert-success" role="status">
      <strong>{children}</strong>
    </div>
  );
}
