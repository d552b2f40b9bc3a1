// The search screen's rules (FR-21, issue 12 item 11): the applicant's identifier checked before
// asking, and the channels a dossier comes by.

/** A personal number (12 digits), a tax code (10 digits) or a branch's (10 digits-3 digits). */
const ID_NUMBER = /^(\d{12}|\d{10}(-\d{3})?)$/;

/** Why a typed personal number or tax code cannot be one (null: it can), as the API says it. */
export function idNumberProblem(typed: string): string | null {
  const compact = typed.replace(/\s+/g, "");
  if (!compact) return null;
  if (!ID_NUMBER.test(compact)) {
    return "Số định danh cá nhân gồm 12 chữ số; mã số thuế gồm 10 chữ số (đơn vị phụ thuộc thêm “-” và 3 chữ số).";
  }
  return null;
}

export const CHANNELS: ReadonlyArray<readonly [string, string]> = [
  ["online", "Trực tuyến"],
  ["desk", "Trực tiếp tại Bộ phận Một cửa"],
  ["post", "Qua bưu chính"],
  ["authorised", "Qua người được ủy quyền"],
  ["mobile", "Lưu động"],
];
