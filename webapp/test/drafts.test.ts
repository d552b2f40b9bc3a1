import { describe, expect, it } from "vitest";

import { newDraftId } from "../src/drafts";
import { draftValues, emptyRow, emptyValues, mergeValues, type Row } from "../src/eform/model";
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
    max_rows: 10,
    ...partial,
  };
}

const MEMBERS = f({
  key: "thanh_vien",
  label: "Thành viên",
  type: "table",
  columns: [f({ key: "ho_ten", label: "Họ tên", type: "text" }), f({ key: "ngay_sinh", label: "Ngày sinh", type: "date" })],
});
const SCHEMA: EFormSchema = {
  code: "T",
  version: 1,
  title: "Tờ khai",
  legal_basis: "",
  rules: [],
  sections: [
    { key: "me", title: "Người khai", guidance: "", fields: [f({ key: "ho_ten", label: "Họ tên", type: "text" })] },
    {
      key: "ho",
      title: "Hộ",
      guidance: "",
      fields: [MEMBERS, f({ key: "cam_doan", label: "Cam đoan", type: "checkbox" }), f({ key: "loai", label: "Loại", type: "checkboxes" })],
    },
  ],
};

describe("server drafts", () => {
  it("keeps what was typed, rows as plain objects, and reads it back into the form", () => {
    const values = emptyValues(SCHEMA);
    values.me.ho_ten = "Đoàn Văn Hải";
    const first = emptyRow(MEMBERS);
    first.values = { ho_ten: "Đoàn Thị Lan", ngay_sinh: "1/2/2001" };
    values.ho.thanh_vien = [first];
    values.ho.cam_doan = true;
    values.ho.loai = ["a", "b"];

    const kept = JSON.parse(JSON.stringify(draftValues(values)));
    expect(kept).toEqual({
      me: { ho_ten: "Đoàn Văn Hải" },
      ho: { thanh_vien: [{ ho_ten: "Đoàn Thị Lan", ngay_sinh: "1/2/2001" }], cam_doan: true, loai: ["a", "b"] },
    });
    const back = mergeValues(SCHEMA, kept);
    expect(back.me.ho_ten).toBe("Đoàn Văn Hải");
    expect((back.ho.thanh_vien as Row[]).map((r) => r.values)).toEqual([{ ho_ten: "Đoàn Thị Lan", ngay_sinh: "1/2/2001" }]);
    expect(back.ho.cam_doan).toBe(true);
    expect(back.ho.loai).toEqual(["a", "b"]);
  });

  it("names a new draft after its procedure with a random part the API accepts", () => {
    const a = newDraftId("1.004222");
    expect(a).toMatch(/^1-004222-[0-9a-f]{12}$/);
    expect(a).not.toBe(newDraftId("1.004222"));
  });
});
