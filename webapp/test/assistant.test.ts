import { describe, expect, it } from "vitest";

import { proseParts } from "../src/pages/assistant";

describe("proseParts", () => {
  it("turns each [n] of an existing fact into a citation", () => {
    expect(proseParts("Lệ phí 20.000 đồng. [1] Thời hạn 7 ngày. [2]", 2)).toEqual([
      { kind: "text", text: "Lệ phí 20.000 đồng. " },
      { kind: "cite", n: 1, text: "[1]" },
      { kind: "text", text: " Thời hạn 7 ngày. " },
      { kind: "cite", n: 2, text: "[2]" },
    ]);
  });

  it("leaves a number that names no fact as text", () => {
    expect(proseParts("Xem [0] và [3].", 2)).toEqual([
      { kind: "text", text: "Xem " },
      { kind: "text", text: "[0]" },
      { kind: "text", text: " và " },
      { kind: "text", text: "[3]" },
      { kind: "text", text: "." },
    ]);
    expect(proseParts("Không tìm thấy thủ tục.", 0)).toEqual([{ kind: "text", text: "Không tìm thấy thủ tục." }]);
  });
});
