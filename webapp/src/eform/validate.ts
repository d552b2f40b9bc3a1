// Client-side checks of an eForm (SPEC §5: validation on the client and on the server). The
// messages and paths are the server's (chalicelib/domain/eform.py) so that an officer reads
// the same sentence whichever side caught the problem; the server stays the authority (it
// alone knows the birth-place codes of personal numbers: one list, kept on the server).
// tests/cases/eform_cases.json holds the cases both validators must answer alike.

import type { DateOrderRule, EFormSchema, FormField, RequiredIfRule, SumEqualsRule } from "../types";
import { cellPath, fieldPath, type FormValues, isEmpty, type Row, type Scalar } from "./model";

export interface FieldError {
  path: string;
  message: string;
}

export interface Day {
  year: number;
  month: number;
  day: number;
}

const TEXT_MAX_LENGTH = 255;
const TEXTAREA_DEFAULT_MAX_LENGTH = 2000;
const MONEY_MAX = 10 ** 13;
const CHOICE_TYPES = new Set(["select", "radio", "checkboxes"]);
const TAX_WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3];
// Control characters a text may not hold (the server's control_characters): C0/C1 controls and
// bidirectional overrides; a textarea may hold line breaks and tabs.
const CONTROL = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
const CONTROL_MULTILINE = /[^\P{Cc}\n\t]|[\u202a-\u202e\u2066-\u2069]/u;

export function maxLength(field: FormField): number {
  if (field.max_length != null) return field.max_length;
  return field.type === "textarea" ? TEXTAREA_DEFAULT_MAX_LENGTH : TEXT_MAX_LENGTH;
}

function sentence(subject: string, fragment: string): string {
  return `${subject} ${fragment}.`;
}

/** A typed text as the server reads it: NFC, stripped, CR LF → LF in a textarea. */
export function cleanText(field: FormField, text: string): string {
  const nfc = text.normalize("NFC");
  return (field.type === "textarea" ? nfc.replace(/\r\n/g, "\n") : nfc).trim();
}

function formatDay(d: Day): string {
  return `${String(d.day).padStart(2, "0")}/${String(d.month).padStart(2, "0")}/${String(d.year).padStart(4, "0")}`;
}

function compareDays(a: Day, b: Day): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** DD/MM/YYYY → the day, or null (31/02 is not a day). */
export function parseDate(text: string): Day | null {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (!match) return null;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return null;
  const last = new Date(Date.UTC(2000, month, 0)).getUTCDate(); // days in month (leap-agnostic)
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 ? (leap ? 29 : 28) : last)) return null;
  return { year, month, day };
}

/** DD/MM/YYYY HH:mm → [day, minutes of the day], or null. */
export function parseDateTime(text: string): [Day, number] | null {
  const match = /^(\d{2}\/\d{2}\/\d{4}) (\d{2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const day = parseDate(match[1]);
  const [hour, minute] = [Number(match[2]), Number(match[3])];
  if (!day || hour > 23 || minute > 59) return null;
  return [day, hour * 60 + minute];
}

/**
 * What an officer typed into a date box, tidied when unambiguous: "1/8/2025" → "01/08/2025",
 * "01082025" → "01/08/2025"; anything else is left as typed (and then reported).
 */
export function tidyDate(text: string): string {
  const trimmed = text.trim();
  const digits = /^(\d{2})(\d{2})(\d{4})$/.exec(trimmed);
  if (digits) return `${digits[1]}/${digits[2]}/${digits[3]}`;
  const loose = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(trimmed);
  if (loose) return `${loose[1].padStart(2, "0")}/${loose[2].padStart(2, "0")}/${loose[3]}`;
  return trimmed;
}

export function tidyDateTime(text: string): string {
  const match = /^(\S+)\s+(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return text.trim();
  return `${tidyDate(match[1])} ${match[2].padStart(2, "0")}:${match[3]}`;
}

export function normalisePhone(text: string): string | null {
  let compact = text.replace(/[\s.\-()]/g, "");
  if (compact.startsWith("+84")) compact = `0${compact.slice(3)}`;
  if (/^0[35789]\d{8}$/.test(compact) || /^02\d{9}$/.test(compact)) return compact;
  return null;
}

const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const EMAIL_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function isEmail(text: string): boolean {
  if (text.length > 254 || text.split("@").length !== 2) return false;
  const [local, domain] = text.split("@");
  const labels = domain.split(".");
  return (
    local.length <= 64 &&
    EMAIL_LOCAL.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => EMAIL_LABEL.test(label)) &&
    /^[A-Za-z]{2,63}$/.test(labels[labels.length - 1])
  );
}

/** Problems of a 12-digit personal number the browser can see (format, birth year). */
export function personalNumberProblems(text: string, today: Day): string[] {
  if (!/^\d{12}$/.test(text)) return ["phải gồm đúng 12 chữ số"];
  const g = Number(text[3]);
  const birthYear = 1900 + Math.floor(g / 2) * 100 + Number(text.slice(4, 6));
  return birthYear > today.year ? [`có năm sinh ${birthYear} ở tương lai`] : [];
}

export function taxCodeProblems(text: string, today: Day): string[] {
  if (/^\d{12}$/.test(text)) return personalNumberProblems(text, today);
  const match = /^(\d{10})(?:-(\d{3}))?$/.exec(text);
  if (!match) {
    return [
      "phải gồm 10 chữ số, hoặc 10 chữ số, dấu “-” và 3 chữ số (đơn vị phụ thuộc), hoặc số định danh cá nhân 12 chữ số",
    ];
  }
  const base = match[1];
  const sum = TAX_WEIGHTS.reduce((acc, weight, i) => acc + weight * Number(base[i]), 0);
  const check = 10 - (sum % 11);
  const problems: string[] = [];
  if (check === 10 || check !== Number(base[9])) problems.push("không đúng (sai chữ số kiểm tra)");
  if (match[2] === "000") problems.push("có số thứ tự đơn vị phụ thuộc phải từ 001 đến 999");
  return problems;
}

function asNumber(text: string): number | null {
  const trimmed = text.trim().replace(",", "."); // what is typed may use the decimal comma
  if (!/^-?\d{1,15}(\.\d{1,15})?$/.test(trimmed)) return null;
  return Number(trimmed);
}

function asMoney(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,14}$/.test(trimmed)) return null;
  const amount = Number(trimmed);
  return amount <= MONEY_MAX ? amount : null;
}

/** Vietnamese notation as the server writes it: 1.234.567 and 1.234,5 (shortest decimals). */
function formatNumber(value: number): string {
  const [whole, fraction] = String(value).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return fraction ? `${grouped},${fraction}` : grouped;
}

/** One value's own problem (or null); ``value`` is what the input holds. */
export function fieldProblem(field: FormField, value: Scalar | Row[], today: Day, required: boolean): string | null {
  if (field.type === "checkbox") {
    return required && value !== true ? `Vui lòng đánh dấu “${field.label}”.` : null;
  }
  if (field.type === "table") {
    const rows = Array.isArray(value) ? (value as Row[]) : [];
    if (rows.length === 0 && (required || field.min_rows > 0)) {
      return `Vui lòng nhập ít nhất ${Math.max(field.min_rows, 1)} dòng ${field.label}.`;
    }
    if (rows.length < field.min_rows) return sentence(field.label, `cần ít nhất ${field.min_rows} dòng`);
    if (rows.length > field.max_rows) return sentence(field.label, `không được quá ${field.max_rows} dòng`);
    return null;
  }
  const text = typeof value === "string" ? cleanText(field, value) : "";
  if (isEmpty(typeof value === "string" ? text : value)) {
    if (!required) return null;
    return `Vui lòng ${CHOICE_TYPES.has(field.type) ? "chọn" : "nhập"} ${field.label}.`;
  }
  switch (field.type) {
    case "text":
    case "textarea":
    case "email":
    case "phone":
    case "personal_number":
    case "tax_code": {
      if ((field.type === "textarea" ? CONTROL_MULTILINE : CONTROL).test(text)) {
        return sentence(field.label, "chứa ký tự điều khiển không hợp lệ");
      }
      if ([...text].length > maxLength(field)) return sentence(field.label, `không được dài quá ${maxLength(field)} ký tự`);
      if (field.pattern && !new RegExp(`^(?:${field.pattern})$`).test(text)) {
        return sentence(field.label, field.pattern_message || "không đúng định dạng");
      }
      if (field.type === "email" && !isEmail(text)) return sentence(field.label, "không phải địa chỉ thư điện tử hợp lệ");
      if (field.type === "phone" && !normalisePhone(text)) {
        return sentence(field.label, "không phải số điện thoại hợp lệ (ví dụ 0912345678)");
      }
      if (field.type === "personal_number") {
        const problems = personalNumberProblems(text, today);
        if (problems.length) return sentence(field.label, problems.join("; "));
      }
      if (field.type === "tax_code") {
        const problems = taxCodeProblems(text, today);
        if (problems.length) return sentence(field.label, problems.join("; "));
      }
      return null;
    }
    case "number":
    case "money": {
      const number = field.type === "number" ? asNumber(text) : asMoney(text);
      if (number === null) {
        return sentence(field.label, field.type === "number" ? "phải là số" : "phải là số tiền nguyên không âm, tính bằng đồng");
      }
      if (field.minimum != null && number < field.minimum) {
        return sentence(field.label, `không được nhỏ hơn ${formatNumber(field.minimum)}`);
      }
      if (field.maximum != null && number > field.maximum) {
        return sentence(field.label, `không được lớn hơn ${formatNumber(field.maximum)}`);
      }
      return null;
    }
    case "date":
    case "datetime": {
      const day = field.type === "date" ? parseDate(text) : (parseDateTime(text)?.[0] ?? null);
      if (!day) {
        const shape = field.type === "date" ? "DD/MM/YYYY" : "DD/MM/YYYY HH:mm";
        return sentence(field.label, `phải là ngày hợp lệ theo định dạng ${shape}`);
      }
      if (field.date_limit === "past" && compareDays(day, today) > 0) {
        return sentence(field.label, `không được sau ngày hiện tại (${formatDay(today)})`);
      }
      if (field.date_limit === "future" && compareDays(day, today) < 0) {
        return sentence(field.label, `không được trước ngày hiện tại (${formatDay(today)})`);
      }
      return null;
    }
    case "select":
    case "radio":
      return field.options.some((o) => o.value === text) ? null : sentence(field.label, "có giá trị không thuộc danh sách lựa chọn");
    case "checkboxes": {
      const values = Array.isArray(value) ? (value as string[]) : [];
      if (!values.every((v) => field.options.some((o) => o.value === v))) {
        return sentence(field.label, "có giá trị không thuộc danh sách lựa chọn");
      }
      return new Set(values).size === values.length ? null : sentence(field.label, "có lựa chọn bị lặp");
    }
  }
}

// -- rules -----------------------------------------------------------------------------------

interface Ref {
  section: string;
  sectionTitle: string;
  field: FormField; // the table for a column reference
  column: FormField | null;
}

function resolve(schema: EFormSchema, ref: string): Ref | null {
  const match = /^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)(?:\[\]\.([a-z][a-z0-9_]*))?$/.exec(ref);
  if (!match) return null;
  const section = schema.sections.find((s) => s.key === match[1]);
  const field = section?.fields.find((f) => f.key === match[2]);
  if (!section || !field) return null;
  if (!match[3]) return { section: section.key, sectionTitle: section.title, field, column: null };
  const column = field.columns.find((c) => c.key === match[3]);
  return column ? { section: section.key, sectionTitle: section.title, field, column } : null;
}

function target(ref: Ref): FormField {
  return ref.column ?? ref.field;
}

function qualifiedLabel(ref: Ref): string {
  return ref.column ? `${ref.column.label} (${ref.field.label})` : `${ref.field.label} (${ref.sectionTitle})`;
}

/** Where a rule is checked: the whole form once, or each row of the table it talks about. */
function scopes(values: FormValues, ref: Ref): { get: (r: Ref) => unknown; path: (r: Ref) => string }[] {
  if (!ref.column) {
    return [
      {
        get: (r) => values[r.section]?.[r.field.key],
        path: (r) => fieldPath(r.section, r.field.key),
      },
    ];
  }
  const rows = (values[ref.section]?.[ref.field.key] as Row[] | undefined) ?? [];
  return rows.map((row, index) => ({
    get: (r: Ref) => (r.column ? row.values[r.column.key] : undefined),
    path: (r: Ref) => cellPath(r.section, r.field.key, index, r.column ? r.column.key : ""),
  }));
}

function conditionMet(actual: unknown, equals: string | boolean): boolean {
  if (Array.isArray(actual)) return typeof equals === "string" && actual.includes(equals);
  if (typeof actual === "string") return actual.trim() === equals;
  return actual === equals;
}

/** Paths that a required_if rule makes required with the values as they are now. */
export function conditionallyRequired(schema: EFormSchema, values: FormValues): Set<string> {
  const out = new Set<string>();
  for (const rule of schema.rules) {
    if (rule.kind !== "required_if") continue;
    const condition = resolve(schema, rule.field);
    const targets = rule.then_required.map((r) => resolve(schema, r));
    if (!condition || targets.some((t) => t === null)) continue;
    for (const scope of scopes(values, condition)) {
      if (!conditionMet(scope.get(condition), rule.equals)) continue;
      for (const t of targets) if (t) out.add(scope.path(t));
    }
  }
  return out;
}

function checkRequiredIf(schema: EFormSchema, rule: RequiredIfRule, values: FormValues, errors: FieldError[], invalid: Set<string>): void {
  const condition = resolve(schema, rule.field);
  if (!condition) return;
  for (const scope of scopes(values, condition)) {
    if (!conditionMet(scope.get(condition), rule.equals)) continue;
    const shown =
      typeof rule.equals === "string"
        ? (target(condition).options.find((o) => o.value === rule.equals)?.label ?? rule.equals)
        : rule.equals
          ? "có"
          : "không";
    for (const ref of rule.then_required) {
      const t = resolve(schema, ref);
      if (!t) continue;
      const path = scope.path(t);
      const value = scope.get(t);
      if (isEmpty(typeof value === "string" ? value.trim() : value) && !invalid.has(path)) {
        const verb = CHOICE_TYPES.has(target(t).type) ? "chọn" : "nhập";
        errors.push({ path, message: `Vui lòng ${verb} ${target(t).label} (bắt buộc khi ${qualifiedLabel(condition)} là “${shown}”).` });
        invalid.add(path);
      }
    }
  }
}

function moment(field: FormField, text: string): number | null {
  if (field.type === "date") {
    const day = parseDate(text);
    return day ? Date.UTC(day.year, day.month - 1, day.day) : null;
  }
  const parsed = parseDateTime(text);
  return parsed ? Date.UTC(parsed[0].year, parsed[0].month - 1, parsed[0].day) + parsed[1] * 60000 : null;
}

function checkDateOrder(schema: EFormSchema, rule: DateOrderRule, values: FormValues, errors: FieldError[], invalid: Set<string>): void {
  const earlier = resolve(schema, rule.earlier);
  const later = resolve(schema, rule.later);
  if (!earlier || !later) return;
  for (const scope of scopes(values, earlier)) {
    const [pathA, pathB] = [scope.path(earlier), scope.path(later)];
    const [a, b] = [scope.get(earlier), scope.get(later)];
    if (invalid.has(pathA) || invalid.has(pathB) || typeof a !== "string" || typeof b !== "string" || !a.trim() || !b.trim()) continue;
    let first = moment(target(earlier), a.trim());
    let second = moment(target(later), b.trim());
    if (first === null || second === null) continue;
    if (target(earlier).type !== target(later).type) {
      first -= first % 86400000;
      second -= second % 86400000;
    }
    if (second < first || (second === first && !rule.allow_equal)) {
      const relation = rule.allow_equal ? "không được trước" : "phải sau";
      errors.push({ path: pathB, message: sentence(qualifiedLabel(later), `${relation} ${qualifiedLabel(earlier)}`) });
      invalid.add(pathB);
    }
  }
}

function checkSumEquals(schema: EFormSchema, rule: SumEqualsRule, values: FormValues, errors: FieldError[], invalid: Set<string>): void {
  const total = resolve(schema, rule.total);
  const column = resolve(schema, rule.column);
  if (!total || !column?.column) return;
  const totalPath = fieldPath(total.section, total.field.key);
  const declaredText = values[total.section]?.[total.field.key];
  const tablePath = fieldPath(column.section, column.field.key);
  if (typeof declaredText !== "string" || !declaredText.trim() || invalid.has(totalPath)) return;
  if ([...invalid].some((p) => p === tablePath || p.startsWith(`${tablePath}[`))) return; // a broken row or too many rows
  const parse = target(total).type === "money" ? asMoney : asNumber;
  const declared = parse(declaredText);
  if (declared === null) return;
  const rows = (values[column.section]?.[column.field.key] as Row[] | undefined) ?? [];
  const key = column.column.key;
  const computed = rows.reduce((acc, row) => {
    const cell = row.values[key];
    const n = typeof cell === "string" && cell.trim() ? ((column.column?.type === "money" ? asMoney : asNumber)(cell) ?? 0) : 0;
    return acc + n;
  }, 0);
  if (computed !== declared) {
    errors.push({
      path: totalPath,
      message: sentence(`${target(total).label} (${formatNumber(declared)})`, `phải bằng tổng ${qualifiedLabel(column)}: ${formatNumber(computed)}`),
    });
    invalid.add(totalPath);
  }
}

/** Every problem of the form, in the order of the form (then cross-field rules). */
export function validateForm(schema: EFormSchema, values: FormValues, today: Day): FieldError[] {
  const errors: FieldError[] = [];
  const invalid = new Set<string>();
  const note = (path: string, message: string | null) => {
    if (message) {
      errors.push({ path, message });
      invalid.add(path);
    }
  };
  for (const section of schema.sections) {
    for (const field of section.fields) {
      const value = values[section.key]?.[field.key] ?? "";
      note(fieldPath(section.key, field.key), fieldProblem(field, value, today, field.required));
      const tooManyRows = Array.isArray(value) && value.length > field.max_rows; // rows not checked, as on the server
      if (field.type === "table" && Array.isArray(value) && !tooManyRows) {
        (value as Row[]).forEach((row, index) => {
          for (const column of field.columns) {
            note(
              cellPath(section.key, field.key, index, column.key),
              fieldProblem(column, row.values[column.key] ?? "", today, column.required),
            );
          }
        });
      }
    }
  }
  for (const rule of schema.rules) {
    if (rule.kind === "required_if") checkRequiredIf(schema, rule, values, errors, invalid);
    else if (rule.kind === "date_order") checkDateOrder(schema, rule, values, errors, invalid);
    else checkSumEquals(schema, rule, values, errors, invalid);
  }
  return errors;
}

function payloadValue(field: FormField, value: Scalar): unknown {
  if (field.type === "checkbox") return value === true;
  if (field.type === "checkboxes") return Array.isArray(value) && value.length ? value : undefined;
  const text = typeof value === "string" ? value.trim() : "";
  if (!text) return undefined;
  if (field.type === "number") return asNumber(text) ?? text;
  if (field.type === "money") return asMoney(text) ?? text;
  if (field.type === "date") return tidyDate(text);
  if (field.type === "datetime") return tidyDateTime(text);
  return text;
}

/** The form data as the API takes it (DuLieuBieuMau): empty values left out. */
export function toPayload(schema: EFormSchema, values: FormValues): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const section of schema.sections) {
    const group: Record<string, unknown> = {};
    for (const field of section.fields) {
      const value = values[section.key]?.[field.key];
      if (field.type === "table") {
        const rows = ((value as Row[] | undefined) ?? []).map((row) => {
          const cells: Record<string, unknown> = {};
          for (const column of field.columns) {
            const cell = payloadValue(column, row.values[column.key] ?? "");
            if (cell !== undefined) cells[column.key] = cell;
          }
          return cells;
        });
        if (rows.length) group[field.key] = rows;
      } else {
        const scalar = payloadValue(field, (value as Scalar | undefined) ?? "");
        if (scalar !== undefined) group[field.key] = scalar;
      }
    }
    out[section.key] = group;
  }
  return out;
}

