import { describe, expect, it } from "vitest";

import { cellPath, emptyRow, emptyValues, fieldPath, inputId, mergeValues, type Row } from "../src/eform/model";
import {
  conditionallyRequired,
  normalisePhone,
  parseDate,
  tidyDate,
  toPayload,
} from "../src/eform/validate";
import type { EFormSchema, FormField } from "../src/types";

function f(partial: Partial<FormField> & Pick<FormField, "key" | "label" | "type">): FormField {
  return {
    required: false,
    max_length: null,
    pattern: null,
    pattern_message: null,
    options: [],
    guidance: "",
    placeholder: "",
    minimum: null,
    maximum: null,
    date_limit: "any",
    autofill_source: null,
    columns: [],
    min_rows: 0,
    max_rows: 50,
    ...partial,
  };
}

// A small form shaped like the seeded birth registration (chalicelib/domain/eform_samples.py).
const SCHEMA: EFormSchema = {
  code: "TEST",
  version: 1,
  title: "Tờ khai thử",
  legal_basis: "",
  sections: [
    {
      key: "me",
      title: "Thông tin người mẹ",
      guidance: "",
      fields: [
        f({ key: "ho_ten", label: "Họ, chữ đệm và tên", type: "text", required: true, max_length: 100 }),
        f({ key: "ngay_sinh", label: "Ngày, tháng, năm sinh", type: "date", required: true, date_limit: "past" }),
      ],
    },
    {
      key: "con",
      title: "Người được khai sinh",
      guidance: "",
      fields: [f({ key: "ngay_sinh", label: "Ngày, tháng, năm sinh", type: "date", required: true, date_limit: "past" })],
    },
    {
      key: "cha",
      title: "Thông tin người cha",
      guidance: "",
      fields: [
        f({
          key: "xac_dinh_cha",
          label: "Đã xác định được cha",
          type: "radio",
          required: true,
          options: [
            { value: "co", label: "Đã xác định" },
            { value: "chua", label: "Chưa xác định" },
          ],
        }),
        f({ key: "ho_ten", label: "Họ, chữ đệm và tên", type: "text" }),
      ],
    },
    {
      key: "ho",
      title: "Hộ gia đình",
      guidance: "",
      fields: [
        f({
          key: "thanh_vien",
          label: "Thành viên",
          type: "table",
          columns: [
            f({ key: "ho_ten", label: "Họ tên", type: "text", required: true }),
            f({ key: "so_dinh_danh", label: "Số định danh cá nhân", type: "personal_number" }),
          ],
        }),
        f({ key: "cam_doan", label: "Tôi cam đoan", type: "checkbox", required: true }),
      ],
    },
  ],
  rules: [
    { kind: "required_if", field: "cha.xac_dinh_cha", equals: "co", then_required: ["cha.ho_ten"] },
    { kind: "date_order", earlier: "me.ngay_sinh", later: "con.ngay_sinh", allow_equal: false },
  ],
};

describe("dates", () => {
  it("reads DD/MM/YYYY and refuses days that do not exist", () => {
    expect(parseDate("29/02/2024")).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseDate("29/02/2025")).toBeNull();
    expect(parseDate("31/04/2025")).toBeNull();
    expect(parseDate("2025-04-01")).toBeNull();
  });

  it("tidies what people type when it is unambiguous", () => {
    expect(tidyDate("1/8/2025")).toBe("01/08/2025");
    expect(tidyDate("01082025")).toBe("01/08/2025");
    expect(tidyDate("1.8.2025")).toBe("01/08/2025");
    expect(tidyDate("tháng 8")).toBe("tháng 8");
  });
});

describe("identifiers", () => {
  it("accepts Vietnamese mobile and fixed-line numbers only", () => {
    expect(normalisePhone("+84 912 345 678")).toBe("0912345678");
    expect(normalisePhone("024.3825.1234")).toBe("02438251234");
    expect(normalisePhone("0123456789")).toBeNull();
  });
});

// What the form's values make of errors is in the cases shared with the server
// (tests/cases/eform_cases.json, eformCases.test.ts).
describe("conditionallyRequired", () => {
  it("marks fields a rule makes required", () => {
    const values = emptyValues(SCHEMA);
    expect(conditionallyRequired(SCHEMA, values).has("DuLieuBieuMau.cha.ho_ten")).toBe(false);
    values.cha = { xac_dinh_cha: "co", ho_ten: "" };
    expect(conditionallyRequired(SCHEMA, values).has("DuLieuBieuMau.cha.ho_ten")).toBe(true);
  });
});

describe("payload and drafts", () => {
  it("leaves empty values out and keeps rows in order", () => {
    const values = emptyValues(SCHEMA);
    const table = SCHEMA.sections[3].fields[0];
    const [a, b] = [emptyRow(table), emptyRow(table)];
    a.values.ho_ten = " An ";
    b.values.ho_ten = "Bình";
    b.values.so_dinh_danh = "001090012345";
    values.me = { ho_ten: "Mai", ngay_sinh: "1/2/1990" };
    values.ho = { thanh_vien: [a, b], cam_doan: true };
    expect(toPayload(SCHEMA, values)).toEqual({
      me: { ho_ten: "Mai", ngay_sinh: "01/02/1990" },
      con: {},
      cha: {},
      ho: { thanh_vien: [{ ho_ten: "An" }, { ho_ten: "Bình", so_dinh_danh: "001090012345" }], cam_doan: true },
    });
  });

  it("restores a draft only where it still fits the form", () => {
    const restored = mergeValues(SCHEMA, {
      me: { ho_ten: "Mai", ngay_sinh: 5 },
      ho: { thanh_vien: [{ id: "x", values: { ho_ten: "An", unknown: "?" } }], cam_doan: "yes" },
      gone: { a: 1 },
    });
    expect(restored.me).toEqual({ ho_ten: "Mai", ngay_sinh: "" });
    expect(restored.ho.cam_doan).toBe(false);
    expect((restored.ho.thanh_vien as Row[]).map((r) => r.values)).toEqual([{ ho_ten: "An", so_dinh_danh: "" }]);
  });

  it("gives every value an element id derived from its API path", () => {
    expect(inputId(fieldPath("me", "ho_ten"))).toBe("f-DuLieuBieuMau--me--ho_ten");
    expect(inputId(cellPath("ho", "thanh_vien", 2, "ho_ten"))).toBe("f-DuLieuBieuMau--ho--thanh_vien-2--ho_ten");
    expect(inputId("ChuHoSo")).toBe("f-ChuHoSo");
  });
});
