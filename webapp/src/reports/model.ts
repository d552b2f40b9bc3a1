// The report builder's model: what the API takes (POST /v1/units/{unit}/reports,
// /v1/provinces/{province}/reports) and answers, periods in months, and the URL form of a query
// (so a report is a link that can be shared, bookmarked and saved as a template).

export type PeriodKind = "month" | "quarter" | "year" | "ytd" | "last12" | "custom";
export type Group = "none" | "month" | "unit" | "field" | "procedure" | "officer" | "status" | "channel" | "level";
export type ScopeKind = "unit" | "province";

export interface ReportQuery {
  period_from: string; // YYYY-MM
  period_to: string;
  group: Group;
  unit: string;
  field_code: string;
  procedure: string;
  officer: string;
  status: number | null;
  channel: string;
  level: string;
}

export interface Figures {
  total: number;
  waiting: number;
  received: number;
  refused_intake: number;
  in_progress: number;
  resolved: number;
  early: number;
  on_time: number;
  late: number;
  withdrawn: number;
  stopped: number;
  delivered: number;
  supplemented: number;
  extended: number;
  services_used: number;
  on_time_rate: number | null;
}

export interface ReportRow {
  key: string;
  label: string;
  figures: Figures;
}

export interface Report {
  title: string;
  scope: ScopeKind;
  scope_code: string;
  scope_name: string;
  query: ReportQuery;
  months: string[];
  group_label: string;
  total: Figures;
  rows: ReportRow[];
  generated_at: string;
}

export interface ScopeItem {
  code: string;
  name: string;
}

export interface ReportScopes {
  units: ScopeItem[];
  provinces: ScopeItem[];
}

export interface Template {
  id: string;
  name: string;
  scope: ScopeKind;
  scope_code: string;
  period: PeriodKind;
  query: ReportQuery;
  created_at: string;
  updated_at: string;
}

export interface ExportLink {
  url: string;
  expires_in: number;
  name: string;
  size: number;
}

export const GROUPS: [Group, string][] = [
  ["none", "Không nhóm (chỉ tổng hợp)"],
  ["month", "Tháng"],
  ["unit", "Đơn vị"],
  ["field", "Lĩnh vực"],
  ["procedure", "Thủ tục"],
  ["officer", "Cán bộ xử lý"],
  ["status", "Trạng thái"],
  ["channel", "Kênh tiếp nhận"],
  ["level", "Mức độ dịch vụ công"],
];

export const PERIODS: [PeriodKind, string][] = [
  ["month", "Tháng này"],
  ["quarter", "Quý này"],
  ["year", "Năm nay"],
  ["ytd", "Từ đầu năm đến nay"],
  ["last12", "12 tháng gần nhất"],
  ["custom", "Tùy chọn (từ tháng… đến tháng…)"],
];

export const CHANNELS: [string, string][] = [
  ["online", "Trực tuyến"],
  ["desk", "Trực tiếp"],
  ["post", "Bưu chính công ích"],
  ["authorised", "Qua người được ủy quyền"],
  ["mobile", "Lưu động, tại chỗ"],
];

export const LEVELS: [string, string][] = [
  ["full", "Dịch vụ công trực tuyến toàn trình"],
  ["partial", "Dịch vụ công trực tuyến một phần"],
  ["info", "Dịch vụ cung cấp thông tin trực tuyến"],
];

/** The columns of the report table, in the order of the exported files. */
export const COLUMNS: [keyof Figures, string][] = [
  ["total", "Tổng số hồ sơ"],
  ["received", "Đã tiếp nhận"],
  ["in_progress", "Đang giải quyết"],
  ["resolved", "Đã giải quyết"],
  ["early", "Trước hạn"],
  ["on_time", "Đúng hạn"],
  ["late", "Quá hạn"],
  ["on_time_rate", "Tỷ lệ đúng hạn (%)"],
  ["refused_intake", "Không tiếp nhận"],
  ["withdrawn", "Rút hồ sơ"],
  ["stopped", "Dừng xử lý"],
  ["delivered", "Đã trả kết quả"],
  ["supplemented", "Phải bổ sung"],
  ["extended", "Gia hạn"],
  ["services_used", "Dịch vụ công được dùng"],
];

/** Year and month (1–12) now, in Vietnam. */
export function vnNow(now: Date = new Date()): { year: number; month: number } {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh", year: "numeric", month: "2-digit" }).formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month") };
}

export function monthKey(year: number, month: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}

function shift(year: number, month: number, by: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + by;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** The months (from, to) a period kind means at ``now``; ``custom`` keeps the given ones. */
export function periodMonths(kind: PeriodKind, now: { year: number; month: number }, custom?: [string, string]): [string, string] {
  const { year, month } = now;
  switch (kind) {
    case "month":
      return [monthKey(year, month), monthKey(year, month)];
    case "quarter": {
      const first = Math.floor((month - 1) / 3) * 3 + 1;
      return [monthKey(year, first), monthKey(year, first + 2)];
    }
    case "year":
      return [monthKey(year, 1), monthKey(year, 12)];
    case "ytd":
      return [monthKey(year, 1), monthKey(year, month)];
    case "last12": {
      const start = shift(year, month, -11);
      return [monthKey(start.year, start.month), monthKey(year, month)];
    }
    case "custom":
      return custom ?? [monthKey(year, month), monthKey(year, month)];
  }
}

/** "MM/YYYY" typed by a person → "YYYY-MM", or null. */
export function parseMonth(text: string): string | null {
  const match = /^\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$/.exec(text);
  if (!match) return null;
  const month = Number(match[1]);
  if (month < 1 || month > 12) return null;
  return monthKey(Number(match[2]), month);
}

/** "YYYY-MM" → "MM/YYYY". */
export function showMonth(key: string): string {
  const [year, month] = key.split("-");
  return `${month}/${year}`;
}

export function blankQuery(from: string, to: string): ReportQuery {
  return { period_from: from, period_to: to, group: "none", unit: "", field_code: "", procedure: "", officer: "", status: null, channel: "", level: "" };
}

const TEXT_KEYS = ["unit", "field_code", "procedure", "officer", "channel", "level"] as const;

/** The query as URL parameters (empty filters left out). */
export function toParams(scope: ScopeKind, code: string, period: PeriodKind, q: ReportQuery, template?: string): Record<string, string> {
  const out: Record<string, string> = { pham_vi: scope, ma: code, ky: period, tu: q.period_from, den: q.period_to, nhom: q.group };
  for (const key of TEXT_KEYS) if (q[key]) out[key] = q[key];
  if (q.status !== null) out.status = String(q.status);
  if (template) out.mau = template;
  return out;
}

export interface ParsedParams {
  scope: ScopeKind | null;
  code: string;
  period: PeriodKind;
  query: ReportQuery;
  template: string;
}

const GROUP_KEYS = new Set(GROUPS.map(([g]) => g));
const PERIOD_KEYS = new Set(PERIODS.map(([p]) => p));

/** URL parameters → the query; relative periods are recomputed at ``now``. */
export function fromParams(params: URLSearchParams, now: { year: number; month: number }): ParsedParams {
  const scopeText = params.get("pham_vi");
  const scope: ScopeKind | null = scopeText === "unit" || scopeText === "province" ? scopeText : null;
  const periodText = params.get("ky") ?? "month";
  const period = (PERIOD_KEYS.has(periodText as PeriodKind) ? periodText : "month") as PeriodKind;
  const custom: [string, string] | undefined =
    period === "custom" && /^\d{4}-\d{2}$/.test(params.get("tu") ?? "") && /^\d{4}-\d{2}$/.test(params.get("den") ?? "")
      ? [params.get("tu") as string, params.get("den") as string]
      : undefined;
  const [from, to] = periodMonths(period, now, custom);
  const query = blankQuery(from, to);
  const group = params.get("nhom") ?? "none";
  query.group = (GROUP_KEYS.has(group as Group) ? group : "none") as Group;
  for (const key of TEXT_KEYS) query[key] = params.get(key) ?? "";
  const status = Number(params.get("status"));
  query.status = Number.isInteger(status) && status >= 1 && status <= 10 ? status : null;
  return { scope, code: params.get("ma") ?? "", period, query, template: params.get("mau") ?? "" };
}

/** Vietnamese number formatting: 1.234 and 96,5. */
export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined) return "—";
  return value.toLocaleString("vi-VN", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function figureText(figures: Figures, key: keyof Figures): string {
  return key === "on_time_rate" ? formatNumber(figures.on_time_rate, 1) : formatNumber(figures[key] as number);
}
