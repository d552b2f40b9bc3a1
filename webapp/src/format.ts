// How things read in Vietnamese (SPEC §8): dates DD/MM/YYYY, 24-hour times, Asia/Ho_Chi_Minh,
// money in đồng.

import type { Duration } from "./types";

export const VN_TIME_ZONE = "Asia/Ho_Chi_Minh";

const PARTS = new Intl.DateTimeFormat("en-GB", {
  timeZone: VN_TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

function parts(moment: string | Date): Record<string, string> {
  const date = typeof moment === "string" ? new Date(moment) : moment;
  const out: Record<string, string> = {};
  for (const part of PARTS.formatToParts(date)) out[part.type] = part.value;
  return out;
}

/** 15/08/2025 (in Vietnam's time zone). */
export function formatDate(moment: string | Date | null | undefined): string {
  if (!moment) return "";
  const p = parts(moment);
  return `${p.day}/${p.month}/${p.year}`;
}

/** 15/08/2025 09:30 (24 h, Vietnam's time zone). */
export function formatDateTime(moment: string | Date | null | undefined): string {
  if (!moment) return "";
  const p = parts(moment);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** Today in Vietnam as {year, month, day}. */
export function todayVn(now: Date = new Date()): { year: number; month: number; day: number } {
  const p = parts(now);
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day) };
}

const MONEY = new Intl.NumberFormat("vi-VN");

export function formatMoney(amount: number): string {
  return `${MONEY.format(amount)} đồng`;
}

export function formatNumber(value: number): string {
  return MONEY.format(value);
}

const DURATION_UNITS: Record<Duration["unit"], string> = {
  working_days: "ngày làm việc",
  working_hours: "giờ làm việc",
  minutes: "phút làm việc",
  calendar_days: "ngày",
};

export function formatDuration(duration: Duration | null | undefined): string {
  if (!duration) return "Không quy định";
  return `${duration.value} ${DURATION_UNITS[duration.unit]}`;
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1).replace(".", ",")} KB`;
  return `${(size / (1024 * 1024)).toFixed(1).replace(".", ",")} MB`;
}
