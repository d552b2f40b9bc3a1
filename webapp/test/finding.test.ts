import { describe, expect, it } from "vitest";

import { idNumberProblem } from "../src/finding/rules";
import { fold, matchesWords } from "../src/fold";

describe("fold", () => {
  it("drops diacritics and case, and reads đ as d", () => {
    expect(fold("Đăng ký khai sinh")).toBe("dang ky khai sinh");
    expect(fold("ĐĂNG KÝ  KHAI SINH")).toBe("dang ky khai sinh");
    expect(fold("Trợ cấp mai táng")).toBe("tro cap mai tang");
    expect(fold("đ")).toBe("d");
    expect(fold("  Xóa   đăng ký thường trú ")).toBe("xoa dang ky thuong tru");
  });

  it("folds precomposed and decomposed text alike", () => {
    expect(fold("Nguyễn")).toBe(fold("Nguye\u0302\u0303n"));
  });
});

describe("matchesWords", () => {
  const name = "1.001193 Đăng ký khai sinh Hộ tịch";
  it("matches typed words with or without diacritics, đ typed as d", () => {
    expect(matchesWords(name, "dang ky")).toBe(true);
    expect(matchesWords(name, "đăng ký")).toBe(true);
    expect(matchesWords(name, "khai sinh dang")).toBe(true);
    expect(matchesWords(name, "ho tich")).toBe(true);
    expect(matchesWords(name, "1.001193")).toBe(true);
    expect(matchesWords(name, "")).toBe(true);
  });
  it("needs every word", () => {
    expect(matchesWords(name, "dang ky khai tu")).toBe(false);
    expect(matchesWords("Đăng ký khai tử", "dang ky khai sinh")).toBe(false);
  });
});

describe("idNumberProblem", () => {
  it("accepts 12 digits, 10 digits and a branch code", () => {
    expect(idNumberProblem("079190012345")).toBeNull();
    expect(idNumberProblem("0100109106")).toBeNull();
    expect(idNumberProblem("0100109106-001")).toBeNull();
    expect(idNumberProblem("")).toBeNull();
  });
  it("explains a wrong length", () => {
    expect(idNumberProblem("07919001234")).toMatch(/12 chữ số/);
    expect(idNumberProblem("abc")).toMatch(/mã số thuế/);
  });
});
