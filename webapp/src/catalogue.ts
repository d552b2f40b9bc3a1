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

export function getProcedure(code: string): Promise<ProcedureDetail> {
  let found = details.get(code);
  if (!found) {
    found = api<ProcedureDetail>(`/v1/procedures/${encodeURIComponent(code)}`);
    found.catch(() => details.delete(code));
    details.set(code, found);
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
