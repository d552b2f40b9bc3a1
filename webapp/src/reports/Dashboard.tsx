// FR-27 executive view: this month's figures, the on-time rate over twelve months, and the
// trends month by month — from one report request (the last twelve months grouped by month).

import { useEffect, useState } from "react";

import { api, errorMessage } from "../api";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { href } from "../router";
import type { UnitCounters } from "../types";
import { BarChart, type Category } from "./Chart";
import { defaultScope, fetchReport, type Scope, scopeLabel, scopeValue, useScopes } from "./data";
import { blankQuery, type Figures, formatNumber, monthKey, periodMonths, type Report, showMonth, toParams, vnNow } from "./model";

const RESOLUTION = [
  { key: "early", label: "Trước hạn", color: "#0f5b2a" },
  { key: "on_time", label: "Đúng hạn", color: "#0b4f8a", texture: "dots" as const },
  { key: "late", label: "Quá hạn", color: "#a4000f", texture: "hatch" as const },
];
const FLOW = [
  { key: "total", label: "Hồ sơ nộp", color: "#0b4f8a" },
  { key: "resolved", label: "Đã giải quyết", color: "#0f5b2a", texture: "hatch" as const },
  { key: "in_progress", label: "Đang giải quyết", color: "#6b4b00", texture: "dots" as const },
];

export function ScopePicker({ scopes, value, onChange, id }: { scopes: Scope[]; value: Scope; onChange: (s: Scope) => void; id: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>Phạm vi báo cáo</label>
      <select
        id={id}
        value={scopeValue(value)}
        onChange={(event) => {
          const next = scopes.find((s) => scopeValue(s) === event.target.value);
          if (next) onChange(next);
        }}
      >
        {scopes.map((s) => (
          <option key={scopeValue(s)} value={scopeValue(s)}>
            {scopeLabel(s)}
          </option>
        ))}
      </select>
    </div>
  );
}

function Tile({ value, label, alert = false, to }: { value: string; label: string; alert?: boolean; to?: string }) {
  const body = (
    <>
      <span className="report-tile-value">{value}</span>
      <span className="report-tile-label">{label}</span>
    </>
  );
  return (
    <li className={`report-tile${alert ? " report-tile-alert" : ""}`}>
      {to ? (
        <a href={to} className="report-tile-link">
          {body}
        </a>
      ) : (
        body
      )}
    </li>
  );
}

export function Dashboard() {
  const { unit } = useApp();
  const { scopes, error: scopesError } = useScopes();
  const [scope, setScope] = useState<Scope | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState("");
  const [overdue, setOverdue] = useState<number | null>(null);
  const now = vnNow();
  const [from, to] = periodMonths("last12", now);

  useEffect(() => {
    if (scopes && !scope) setScope(defaultScope(scopes, unit));
  }, [scopes, scope, unit]);

  useEffect(() => {
    if (!scope) return;
    const controller = new AbortController();
    setReport(null);
    setError("");
    fetchReport(scope.kind, scope.code, { ...blankQuery(from, to), group: "month" }, controller.signal)
      .then(setReport)
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(errorMessage(e));
      });
    return () => controller.abort();
  }, [scope, from, to]);

  // FR-27: what is overdue right now in the unit (the FR-20 counters; worklists sorted by deadline).
  useEffect(() => {
    setOverdue(null);
    if (scope?.kind !== "unit") return;
    const controller = new AbortController();
    api<UnitCounters>(`/v1/units/${encodeURIComponent(scope.code)}/counters`, { signal: controller.signal })
      .then((counters) => setOverdue(counters.overdue_in_process))
      .catch(() => setOverdue(null));
    return () => controller.abort();
  }, [scope]);

  const months: Category[] = report ? report.months.map((m) => ({ key: m, label: showMonth(m) })) : [];
  const byMonth = new Map(report?.rows.map((r) => [r.key, r.figures]) ?? []);
  const figure = (month: string, key: string) => Number((byMonth.get(month) as Record<string, number> | undefined)?.[key] ?? 0);
  const current: Figures | undefined = byMonth.get(monthKey(now.year, now.month));
  const builder = scope ? href(["bao-cao", "lap-bao-cao"], toParams(scope.kind, scope.code, "last12", { ...blankQuery(from, to), group: "month" })) : "";

  return (
    <>
      <PageHeading title="Báo cáo, thống kê">Báo cáo, thống kê</PageHeading>
      <p className="lead">
        Tình hình giải quyết hồ sơ 12 tháng gần nhất ({showMonth(from)} – {showMonth(to)}): hồ sơ nộp trong từng tháng và tình trạng
        giải quyết đến nay.
      </p>
      {scopesError && <ErrorMessage>{scopesError}</ErrorMessage>}
      {!scopes && !scopesError && <Loading what="phạm vi báo cáo" />}
      {scopes && scopes.length === 0 && <p className="empty">Bạn chưa được giao phạm vi báo cáo nào.</p>}
      {scopes && scope && (
        <div className="report-toolbar">
          <ScopePicker id="dashboard-scope" scopes={scopes} value={scope} onChange={setScope} />
          <a className="button-link" href={builder}>
            Lập báo cáo chi tiết, kết xuất
          </a>
        </div>
      )}
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {scope && !report && !error && <Loading what="số liệu báo cáo" />}
      {report && (
        <>
          <section aria-labelledby="dashboard-now">
            <h2 id="dashboard-now">Tháng {showMonth(monthKey(now.year, now.month))}</h2>
            <ul className="report-tiles">
              <Tile value={formatNumber(current?.total ?? 0)} label="Hồ sơ nộp trong tháng" />
              <Tile value={formatNumber(current?.received ?? 0)} label="Đã tiếp nhận" />
              <Tile value={formatNumber(current?.in_progress ?? 0)} label="Đang giải quyết" />
              <Tile value={formatNumber(current?.resolved ?? 0)} label="Đã giải quyết" />
              <Tile value={formatNumber(current?.late ?? 0)} label="Giải quyết quá hạn" alert={(current?.late ?? 0) > 0} />
              {overdue !== null && scope?.kind === "unit" && (
                <Tile
                  value={formatNumber(overdue)}
                  label="Đang xử lý đã quá hạn (hiện tại)"
                  alert={overdue > 0}
                  to={scope.code === unit ? href(["danh-sach", 4]) : undefined}
                />
              )}
            </ul>
          </section>
          <section aria-labelledby="dashboard-year">
            <h2 id="dashboard-year">12 tháng gần nhất</h2>
            <ul className="report-tiles">
              <Tile value={formatNumber(report.total.total)} label="Hồ sơ nộp" />
              <Tile value={formatNumber(report.total.resolved)} label="Đã giải quyết" />
              <Tile value={formatNumber(report.total.early + report.total.on_time)} label="Trước hạn và đúng hạn" />
              <Tile value={formatNumber(report.total.late)} label="Quá hạn" alert={report.total.late > 0} />
              <Tile value={report.total.on_time_rate === null ? "—" : `${formatNumber(report.total.on_time_rate, 1)}%`} label="Tỷ lệ đúng hạn" />
              <Tile value={formatNumber(report.total.services_used)} label="Dịch vụ công được dùng" />
            </ul>
            <div className="report-charts">
              <BarChart
                id="chart-timeliness"
                title="Kết quả giải quyết theo tháng: trước hạn, đúng hạn, quá hạn"
                summary={`Trong 12 tháng: ${report.total.early} hồ sơ trước hạn, ${report.total.on_time} đúng hạn, ${report.total.late} quá hạn.`}
                categories={months}
                series={RESOLUTION}
                value={(c, s) => figure(c.key, s.key)}
                stacked
                categoryHeader="Tháng"
              />
              <BarChart
                id="chart-flow"
                title="Hồ sơ nộp, đã giải quyết và đang giải quyết theo tháng"
                summary={`Trong 12 tháng: ${report.total.total} hồ sơ nộp, ${report.total.resolved} đã giải quyết, ${report.total.in_progress} đang giải quyết.`}
                categories={months}
                series={FLOW}
                value={(c, s) => figure(c.key, s.key)}
                categoryHeader="Tháng"
              />
            </div>
          </section>
        </>
      )}
    </>
  );
}
