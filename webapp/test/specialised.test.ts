import { describe, expect, it } from "vitest";

import { type Incident, incidentOf, incidentsOfUnit } from "../src/specialised";

const HCMC = "000.00.13.H29";
const HANOI = "000.00.13.H26";

function incident(state: "open" | "resolved", dossiers: Incident["dossiers"]): Incident {
  return { id: `sw-${state}`, system: "sw", kind: "handover_failed", state, since: "2026-12-07T09:00:00Z", resolved_at: null, last_error: "", message: "…", dossiers };
}

describe("specialised software's incidents", () => {
  const open = incident("open", [
    { code: "A", unit_code: HCMC, continued: false },
    { code: "B", unit_code: HCMC, continued: true },
  ]);
  const resolved = incident("resolved", [{ code: "C", unit_code: HANOI, continued: false }]);

  it("shows the banner only to the units an open incident affects", () => {
    expect(incidentsOfUnit([open, resolved], HCMC)).toEqual([open]);
    expect(incidentsOfUnit([open, resolved], HANOI)).toEqual([]);
  });

  it("marks a dossier while it waits, not once continued in hoso nor after the incident", () => {
    expect(incidentOf([open, resolved], "A")).toBe(open);
    expect(incidentOf([open, resolved], "B")).toBeUndefined();
    expect(incidentOf([open, resolved], "C")).toBeUndefined();
  });
});
