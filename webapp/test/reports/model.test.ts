import { describe, expect, it } from "vitest";

import { blankQuery, fromParams, parseMonth, periodMonths, toParams, vnNow } from "../../src/reports/model";

const NOW = { year: 2026, month: 11 };

describe("report periods", () => {
  it("turns period kinds into months", () => {
    expect(periodMonths("month", NOW)).toEqual(["2026-11", "2026-11"]);
    expect(periodMonths("quarter", NOW)).toEqual(["2026-10", "2026-12"]);
    expect(periodMonths("quarter", { year: 2026, month: 2 })).toEqual(["2026-01", "2026-03"]);
    expect(periodMonths("year", NOW)).toEqual(["2026-01", "2026-12"]);
    expect(periodMonths("ytd", NOW)).toEqual(["2026-01", "2026-11"]);
    expect(periodMonths("last12", { year: 2026, month: 3 })).toEqual(["2025-04", "2026-03"]);
    expect(periodMonths("custom", NOW, ["2025-02", "2025-05"])).toEqual(["2025-02", "2025-05"]);
  });

  it("reads months typed as MM/YYYY", () => {
    expect(parseMonth("3/2026")).toBe("2026-03");
    expect(parseMonth(" 12 / 2025 ")).toBe("2025-12");
    expect(parseMonth("13/2026")).toBeNull();
    expect(parseMonth("2026-03")).toBeNull();
  });

  it("is the month in Vietnam, not in UTC", () => {
    expect(vnNow(new Date("2026-10-31T18:30:00Z"))).toEqual({ year: 2026, month: 11 });
  });
});

describe("report links", () => {
  it("round-trip a query through URL parameters, relative periods recomputed", () => {
    const query = { ...blankQuery("2026-10", "2026-12"), group: "officer" as const, procedure: "1.001193", status: 4, officer: "-" };
    const params = new URLSearchParams(toParams("unit", "000.00.13.H29", "quarter", query, "abc123abc123"));
    const parsed = fromParams(params, NOW);
    expect(parsed).toEqual({ scope: "unit", code: "000.00.13.H29", period: "quarter", query, template: "abc123abc123" });
    expect(fromParams(params, { year: 2027, month: 2 }).query.period_from).toBe("2027-01");
  });

  it("ignores values it does not know", () => {
    const parsed = fromParams(new URLSearchParams("pham_vi=x&ky=tuan&nhom=abc&status=11"), NOW);
    expect(parsed.scope).toBeNull();
    expect(parsed.period).toBe("month");
    expect(parsed.query.group).toBe("none");
    expect(parsed.query.status).toBeNull();
  });
});
