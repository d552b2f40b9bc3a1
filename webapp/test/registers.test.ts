import { describe, expect, it } from "vitest";

import { periodDays } from "../src/pages/Registers";

describe("the registers' periods", () => {
  it("spans a whole month, leap February included", () => {
    expect(periodDays(2026, "month", 8)).toEqual({ from: "2026-08-01", to: "2026-08-31" });
    expect(periodDays(2028, "month", 2)).toEqual({ from: "2028-02-01", to: "2028-02-29" });
    expect(periodDays(2026, "month", 12)).toEqual({ from: "2026-12-01", to: "2026-12-31" });
  });

  it("spans a whole quarter", () => {
    expect(periodDays(2026, "quarter", 1)).toEqual({ from: "2026-01-01", to: "2026-03-31" });
    expect(periodDays(2026, "quarter", 3)).toEqual({ from: "2026-07-01", to: "2026-09-30" });
    expect(periodDays(2026, "quarter", 4)).toEqual({ from: "2026-10-01", to: "2026-12-31" });
  });
});
