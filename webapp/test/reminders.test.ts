import { describe, expect, it } from "vitest";

import { countText, unreadSentence } from "../src/components/NotificationBell";
import { checkPreferences } from "../src/components/NotificationSettings";
import { deadlineLine } from "../src/pages/Dashboard";
import type { Schema } from "../src/query";

function counters(partial: Partial<Schema<"UnitCounters">>): Schema<"UnitCounters"> {
  return {
    unit_code: "000.00.13.H29",
    by_status_and_role: {},
    by_status: {},
    overdue_in_process: 0,
    due_soon_in_process: 0,
    deadlines: {},
    supplemented_by_role: {},
    resolved_this_month: { month: "2026-12", early: 0, on_time: 0, late: 0 },
    ...partial,
  };
}

describe("the bell's count", () => {
  it("stops at 99+ where the server stops counting", () => {
    expect(countText(3)).toBe("3");
    expect(countText(100)).toBe("99+");
    expect(unreadSentence(0)).toBe("Không có thông báo chưa đọc");
    expect(unreadSentence(2)).toBe("2 thông báo chưa đọc");
    expect(unreadSentence(100)).toBe("Hơn 99 thông báo chưa đọc");
  });
});

describe("notification settings", () => {
  it("accepts empty channels, an e-mail address and a Vietnamese mobile number", () => {
    expect(checkPreferences("", "")).toEqual({});
    expect(checkPreferences("ha@most.gov.vn", "+84 912 004 101")).toEqual({});
    expect(checkPreferences("ha@", "0241234567")).toEqual({
      email: "Địa chỉ thư điện tử không hợp lệ.",
      phone: "Số điện thoại di động không hợp lệ (ví dụ 0912345678).",
    });
  });
});

describe("a role's deadline line on the dashboard", () => {
  const appraisal = { label: "Đang thẩm định", status: 4, stepRole: "appraiser" as const };

  it("splits the role's queue into on time and overdue, with what is due soon", () => {
    const c = counters({ by_status_and_role: { "4#appraiser": 5 }, deadlines: { "4#appraiser": { due_soon: 2, overdue: 1 } } });
    expect(deadlineLine(c, appraisal)).toBe("Trong hạn 4 · quá hạn 1 · 2 sắp đến hạn");
    const calm = counters({ by_status_and_role: { "4#appraiser": 3 } });
    expect(deadlineLine(calm, appraisal)).toBe("Trong hạn 3 · quá hạn 0");
  });

  it("says nothing for an empty queue, a status without a running clock or a whole status", () => {
    expect(deadlineLine(counters({}), appraisal)).toBeNull();
    const waiting = counters({ by_status_and_role: { "5#desk": 2 } });
    expect(deadlineLine(waiting, { label: "Chờ bổ sung", status: 5, stepRole: "desk" })).toBeNull();
    expect(deadlineLine(waiting, { label: "Chờ bổ sung", status: 5 })).toBeNull();
  });
});
