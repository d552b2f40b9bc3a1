// Specialised software's outages (docs/specialised-outage.md): the incidents affecting the officer's
// units, shared by the banner, the worklists' marks and the dossier page (one query, refreshed each minute).

import { queryKeys, type Schema, useApiQuery } from "./query";

export type Incident = Schema<"Incident">;
export type IncidentsOut = Schema<"IncidentsOut">;

export const INCIDENTS_KEY = queryKeys.me("specialised-incidents");

export function useIncidents(): Incident[] {
  const query = useApiQuery<IncidentsOut>(INCIDENTS_KEY, "/v1/specialised/incidents", { refetchInterval: 60_000 });
  return query.data?.incidents ?? [];
}

/** The open incidents that affect a dossier of ``unit``. */
export function incidentsOfUnit(incidents: Incident[], unit: string): Incident[] {
  return incidents.filter((i) => i.state === "open" && i.dossiers.some((d) => d.unit_code === unit));
}

/** The open incident a dossier still waits under (not continued in hoso), if any. */
export function incidentOf(incidents: Incident[], code: string): Incident | undefined {
  return incidents.find((i) => i.state === "open" && i.dossiers.some((d) => d.code === code && !d.continued));
}
