// Catalogue data read once per page load and shared by the screens.

import { api } from "./api";
import type { OfficerSummary, Procedure, ProcedureDetail } from "./types";

let procedures: Promise<Procedure[]> | null = null;
const details = new Map<string, Promise<ProcedureDetail>>();

export function getProcedures(): Promise<Procedure[]> {
  procedures ??= api<{ items: Procedure[] }>("/v1/procedures")
    .then((answer) => answer.items)
    .catch((error: unknown) => {
      procedures = null;
      throw error;
    });
  return procedures;
}

/** A procedure and its eForm; with ``unit``, the eForm as filled at that unit (with the fields its
 * province's approved local process adds). */
export function getProcedure(code: string, unit?: string): Promise<ProcedureDetail> {
  const key = unit ? `${code}@${unit}` : code;
  let found = details.get(key);
  if (!found) {
    found = api<ProcedureDetail>(`/v1/procedures/${encodeURIComponent(code)}${unit ? `?unit=${encodeURIComponent(unit)}` : ""}`);
    found.catch(() => details.delete(key));
    details.set(key, found);
  }
  return found;
}

export function getOfficers(unit: string, role: string): Promise<OfficerSummary[]> {
  return api<{ items: OfficerSummary[] }>(`/v1/units/${encodeURIComponent(unit)}/officers?role=${encodeURIComponent(role)}`).then(
    (answer) => answer.items,
  );
}

/** Procedures this unit receives (a procedure without units is received everywhere). */
export function proceduresOf(unit: string, all: Procedure[]): Procedure[] {
  return all.filter((p) => p.unit_codes.length === 0 || p.unit_codes.includes(unit));
}
