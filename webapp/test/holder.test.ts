import { describe, expect, it } from "vitest";

import { holderLabel } from "../src/holder";

const labels: Record<string, string> = { appraiser: "Chuyên viên thẩm định", head: "Trưởng phòng", desk: "Cán bộ một cửa" };
const roleLabel = (role: string) => labels[role] ?? role;

describe("holderLabel", () => {
  it("names the appraiser only while the appraiser's step holds the dossier", () => {
    expect(holderLabel({ status: 4, step_role: "appraiser", assignee_name: "Lê Thị Thu" }, roleLabel)).toBe("Lê Thị Thu");
    expect(holderLabel({ status: 4, step_role: "head", assignee_name: "Lê Thị Thu" }, roleLabel, "Phòng Tư pháp")).toBe(
      "Trưởng phòng, Phòng Tư pháp (chưa giao cho cá nhân)",
    );
  });

  it("gives the applicant while the clock is paused for them, nobody once finished", () => {
    expect(holderLabel({ status: 5, step_role: "desk", assignee_name: "Lê Thị Thu" }, roleLabel)).toBe(
      "Người nộp hồ sơ (đang bổ sung giấy tờ)",
    );
    expect(holderLabel({ status: 10, step_role: "desk", assignee_name: null }, roleLabel)).toBe("Không còn (hồ sơ đã kết thúc)");
    expect(holderLabel({ status: 1, step_role: "desk", assignee_name: null }, roleLabel)).toBe("Cán bộ một cửa (chưa giao cho cá nhân)");
  });
});
