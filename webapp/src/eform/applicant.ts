// The desk body's own fields (DeskDossierIn, chalicelib/domain/intake.py) described as eForm
// fields, so they are rendered and checked exactly like the procedure's form.

import type { FormField } from "../types";

function field(partial: Partial<FormField> & Pick<FormField, "key" | "label" | "type">): FormField {
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

export type ApplicantValues = Record<string, string>;

export const APPLICANT_DEFAULTS: ApplicantValues = {
  LoaiDoiTuong: "1",
  ChuHoSo: "",
  SoGiayToChuHoSo: "",
  SoDienThoai: "",
  Email: "",
  DiaChi: "",
  TrichYeuHoSo: "",
  KenhThucHien: "desk",
  HinhThucNhanKetQua: "0",
};

function idField(kind: string): FormField {
  if (kind === "1") {
    return field({
      key: "SoGiayToChuHoSo",
      label: "Số định danh cá nhân",
      type: "personal_number",
      required: true,
      guidance: "12 chữ số trên thẻ căn cước / căn cước công dân.",
    });
  }
  if (kind === "2") {
    return field({
      key: "SoGiayToChuHoSo",
      label: "Mã số doanh nghiệp",
      type: "tax_code",
      required: true,
      guidance: "10 chữ số, hoặc 10 chữ số-3 chữ số với đơn vị phụ thuộc.",
    });
  }
  return field({
    key: "SoGiayToChuHoSo",
    label: "Mã số thuế hoặc mã định danh của tổ chức",
    type: "text",
    required: true,
    max_length: 50,
  });
}

/** The applicant fields, the identity number's kind following the applicant's kind. */
export function applicantFields(kind: string): FormField[] {
  return [
    field({
      key: "LoaiDoiTuong",
      label: "Loại đối tượng",
      type: "radio",
      required: true,
      options: [
        { value: "1", label: "Công dân" },
        { value: "2", label: "Doanh nghiệp" },
        { value: "3", label: "Cơ quan nhà nước" },
        { value: "4", label: "Tổ chức khác" },
      ],
    }),
    field({
      key: "ChuHoSo",
      label: "Tên chủ hồ sơ",
      type: "text",
      required: true,
      guidance: "Họ tên công dân hoặc tên tổ chức, có dấu.",
    }),
    idField(kind),
    field({ key: "SoDienThoai", label: "Số điện thoại", type: "phone" }),
    field({ key: "Email", label: "Thư điện tử", type: "email", max_length: 254 }),
    field({ key: "DiaChi", label: "Địa chỉ", type: "textarea", max_length: 500 }),
    field({
      key: "KenhThucHien",
      label: "Kênh tiếp nhận",
      type: "radio",
      required: true,
      options: [
        { value: "desk", label: "Trực tiếp" },
        { value: "post", label: "Qua bưu chính" },
        { value: "authorised", label: "Người được ủy quyền" },
        { value: "mobile", label: "Lưu động" },
      ],
    }),
    field({
      key: "HinhThucNhanKetQua",
      label: "Hình thức nhận kết quả",
      type: "radio",
      required: true,
      options: [
        { value: "0", label: "Tại bộ phận một cửa" },
        { value: "1", label: "Qua bưu chính" },
        { value: "2", label: "Trực tuyến" },
      ],
    }),
    field({
      key: "TrichYeuHoSo",
      label: "Trích yếu hồ sơ",
      type: "textarea",
      max_length: 1000,
      guidance: "Tóm tắt nội dung yêu cầu, ví dụ “Đăng ký khai sinh cho cháu Nguyễn Minh Khôi”.",
    }),
  ];
}
