// FR-23/24/25: the report builder — scope, period, grouping and filters; the figures as a table
// and a chart; exports to .xlsx, .docx and .pdf; the officer's saved report templates. The
// applied query lives in the URL, so a report is a link and a template is a saved query.

import { type FormEvent, useCallback, useEffect, useState } from "react";

import { errorMessage } from "../api";
import { getOfficers, getProcedures } from "../catalogue";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { href, navigate } from "../router";
import { STATUSES, statusLabel } from "../statuses";
import type { OfficerSummary, Procedure } from "../types";
import { BarChart } from "./Chart";
import { ScopePicker } from "./Dashboard";
import { defaultScope, deleteTemplate, exportReport, fetchReport, listTemplates, saveTemplate, type Scope, scopeValue, useScopes } from "./data";
import {
  CHANNELS,
  COLUMNS,
  type ExportLink,
  figureText,
  fromParams,
  type Group,
  GROUPS,
  LEVELS,
  parseMonth,
  type PeriodKind,
  PERIODS,
  type Report,
  type ReportQuery,
  showMonth,
  type Template,
  toParams,
  vnNow,
} from "./model";

const FORMATS = [
  ["xlsx", "Bảng tính Excel (.xlsx)"],
  ["docx", "Văn bản Word (.docx)"],
  ["pdf", "PDF (.pdf)"],
] as const;
const TIMELINESS = [
  { key: "early", label: "Trước hạn", color: "#0f5b2a" },
  { key: "on_time", label: "Đúng hạn", color: "#0b4f8a", texture: "dots" as const },
  { key: "late", label: "Quá hạn", color: "#a4000f", texture: "hatch" as const },
];

interface FormState {
  scope: string;
  period: PeriodKind;
  from: string; // MM/YYYY as typed
  to: string;
  query: ReportQuery;
}

function ResultTable({ report }: { report: Report }) {
  const grouped = report.query.group !== "none";
  return (
    <div className="table-scroll" role="region" tabIndex={0} aria-labelledby="report-table-caption">
      <table className="report-table">
        <caption id="report-table-caption">
          {report.title} — {report.scope_name}
          {grouped ? `, theo ${report.group_label.toLowerCase()}` : ""}
        </caption>
        <thead>
          <tr>
            <th scope="col">{grouped ? report.group_label : "Chỉ tiêu"}</th>
            {COLUMNS.map(([key, label]) => (
              <th key={key} scope="col" className="report-num">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.label}</th>
              {COLUMNS.map(([key]) => (
                <td key={key} className="report-num">
                  {figureText(row.figures, key)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Tổng cộng</th>
            {COLUMNS.map(([key]) => (
              <td key={key} className="report-num">
                {figureText(report.total, key)}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

export function Builder({ params }: { params: URLSearchParams }) {
  const { unit, units, announce } = useApp();
  const { scopes, error: scopesError } = useScopes();
  const now = vnNow();
  const applied = fromParams(params, now);
  const appliedKey = params.toString();
  const [form, setForm] = useState<FormState | null>(null);
  const [formError, setFormError] = useState<{ field: "from" | "to"; message: string } | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState("");
  const [procedures, setProcedures] = useState<Procedure[]>([]);
  const [officers, setOfficers] = useState<OfficerSummary[]>([]);
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [templateName, setTemplateName] = useState("");
  const [templateError, setTemplateError] = useState("");
  const [exported, setExported] = useState<ExportLink | null>(null);
  const [busy, setBusy] = useState("");

  const scope: Scope | null = scopes
    ? (scopes.find((s) => s.kind === applied.scope && s.code === applied.code) ?? defaultScope(scopes, unit))
    : null;

  useEffect(() => {
    getProcedures()
      .then(setProcedures)
      .catch(() => setProcedures([]));
  }, []);
  useEffect(() => {
    if (scope?.kind !== "unit") {
      setOfficers([]);
      return;
    }
    getOfficers(scope.code, "appraiser")
      .then(setOfficers)
      .catch(() => setOfficers([]));
  }, [scope?.kind, scope?.code]);

  const reloadTemplates = useCallback(() => {
    listTemplates()
      .then(setTemplates)
      .catch((e: unknown) => setTemplateError(errorMessage(e)));
  }, []);
  useEffect(reloadTemplates, [reloadTemplates]);

  // The form follows the applied query (a new link, a template applied, back/forward).
  useEffect(() => {
    if (!scope) return;
    setForm({
      scope: scopeValue(scope),
      period: applied.period,
      from: showMonth(applied.query.period_from),
      to: showMonth(applied.query.period_to),
      query: applied.query,
    });
    setFormError(null);
  }, [appliedKey, scope?.kind, scope?.code]);

  useEffect(() => {
    if (!scope) return;
    const controller = new AbortController();
    setReport(null);
    setError("");
    setExported(null);
    fetchReport(scope.kind, scope.code, applied.query, controller.signal)
      .then(setReport)
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(errorMessage(e));
      });
    return () => controller.abort();
  }, [appliedKey, scope?.kind, scope?.code]);

  if (scopesError) return <ErrorMessage>{scopesError}</ErrorMessage>;
  if (!scopes || !form) return <Loading what="trình lập báo cáo" />;
  if (!scope) return <p className="empty">Bạn chưa được giao phạm vi báo cáo nào.</p>;

  const formScope = scopes.find((s) => scopeValue(s) === form.scope) ?? scope;
  const fields = [...new Map(procedures.map((p) => [p.field_code, p.field_name])).entries()];
  const provinceUnits = formScope.kind === "province" ? units.filter((u) => (u.province_code || "00") === formScope.code) : [];
  const setQuery = (patch: Partial<ReportQuery>) => setForm({ ...form, query: { ...form.query, ...patch } });
  const appliedTemplate = templates?.find((t) => t.id === applied.template) ?? null;

  const fail = (field: "from" | "to", message: string) => {
    setFormError({ field, message });
    document.getElementById(`report-${field}`)?.focus();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    let query = form.query;
    if (form.period === "custom") {
      const from = parseMonth(form.from);
      const to = parseMonth(form.to);
      if (!from) return fail("from", "Từ tháng phải theo định dạng MM/YYYY, ví dụ 01/2026.");
      if (!to) return fail("to", "Đến tháng phải theo định dạng MM/YYYY, ví dụ 03/2026.");
      if (to < from) return fail("to", "Đến tháng không được trước Từ tháng.");
      query = { ...query, period_from: from, period_to: to };
    }
    setFormError(null);
    const target = scopes.find((s) => scopeValue(s) === form.scope) ?? scope;
    const clean = target.kind === "unit" ? { ...query, unit: "" } : { ...query, officer: "" };
    navigate(href(["bao-cao", "lap-bao-cao"], toParams(target.kind, target.code, form.period, clean, applied.template)));
  };

  const runExport = async (format: "xlsx" | "docx" | "pdf") => {
    setBusy(format);
    setExported(null);
    try {
      const link = await exportReport(scope.kind, scope.code, applied.query, format);
      setExported(link);
      announce(`Tệp ${link.name} đã sẵn sàng để tải về.`);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy("");
    }
  };

  const storeTemplate = async (update: boolean) => {
    const name = update && appliedTemplate ? appliedTemplate.name : templateName.trim();
    if (!name) {
      setTemplateError("Vui lòng nhập tên mẫu báo cáo.");
      document.getElementById("template-name")?.focus();
      return;
    }
    setTemplateError("");
    try {
      const saved = await saveTemplate(
        { name, scope: scope.kind, scope_code: scope.code, period: applied.period, query: applied.query },
        update ? appliedTemplate?.id : undefined,
      );
      setTemplateName("");
      reloadTemplates();
      announce(update ? `Đã cập nhật mẫu “${saved.name}”.` : `Đã lưu mẫu “${saved.name}”.`);
    } catch (e) {
      setTemplateError(errorMessage(e));
    }
  };

  const removeTemplate = async (template: Template) => {
    try {
      await deleteTemplate(template.id);
      reloadTemplates();
      announce(`Đã xóa mẫu “${template.name}”.`);
    } catch (e) {
      setTemplateError(errorMessage(e));
    }
  };

  const select = (id: string, label: string, value: string, options: [string, string][], onChange: (v: string) => void, all = "Tất cả") => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {all && <option value="">{all}</option>}
        {options.map(([code, name]) => (
          <option key={code} value={code}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );

  const monthInput = (field: "from" | "to", label: string) => (
    <div className={`field${formError?.field === field ? " field-invalid" : ""}`}>
      <label htmlFor={`report-${field}`}>{label}</label>
      <p className="hint" id={`report-${field}-hint`}>
        Định dạng MM/YYYY
      </p>
      <input
        id={`report-${field}`}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        value={form[field]}
        aria-invalid={formError?.field === field ? true : undefined}
        aria-describedby={`report-${field}-hint${formError?.field === field ? ` report-${field}-error` : ""}`}
        onChange={(event) => setForm({ ...form, [field]: event.target.value })}
      />
      {formError?.field === field && (
        <p className="error" id={`report-${field}-error`}>
          <span aria-hidden="true">⚠ </span>
          {formError.message}
        </p>
      )}
    </div>
  );

  return (
    <>
      <PageHeading title="Lập báo cáo, thống kê">Lập báo cáo, thống kê</PageHeading>
      <p className="report-no-print">
        <a href={href(["bao-cao"])}>← Tổng quan</a>
      </p>
      <form className="search-form report-no-print" onSubmit={submit} noValidate aria-labelledby="report-form-title">
        <h2 id="report-form-title">Tiêu chí báo cáo</h2>
        <p className="hint">Số liệu là các hồ sơ nộp trong kỳ và tình trạng giải quyết của chúng đến thời điểm lập báo cáo.</p>
        {formError && <ErrorMessage>Vui lòng sửa tiêu chí được đánh dấu.</ErrorMessage>}
        <div className="grid">
          <ScopePicker id="report-scope" scopes={scopes} value={formScope} onChange={(s) => setForm({ ...form, scope: scopeValue(s) })} />
          {select("report-period", "Kỳ báo cáo", form.period, PERIODS, (v) => setForm({ ...form, period: v as PeriodKind }), "")}
          {form.period === "custom" && monthInput("from", "Từ tháng")}
          {form.period === "custom" && monthInput("to", "Đến tháng")}
          {select("report-group", "Nhóm theo", form.query.group, GROUPS, (v) => setQuery({ group: v as Group }), "")}
          {formScope.kind === "province" &&
            select(
              "report-unit",
              "Đơn vị",
              form.query.unit,
              provinceUnits.map((u) => [u.code, u.name]),
              (v) => setQuery({ unit: v }),
            )}
          {select("report-field", "Lĩnh vực", form.query.field_code, fields, (v) => setQuery({ field_code: v }))}
          {select(
            "report-procedure",
            "Thủ tục",
            form.query.procedure,
            procedures.map((p) => [p.code, `${p.code} — ${p.name}`]),
            (v) => setQuery({ procedure: v }),
          )}
          {formScope.kind === "unit" &&
            select(
              "report-officer",
              "Cán bộ xử lý",
              form.query.officer,
              [["-", "Chưa phân công"], ...officers.map((o): [string, string] => [o.sub, o.name])],
              (v) => setQuery({ officer: v }),
            )}
          {select(
            "report-status",
            "Trạng thái",
            form.query.status === null ? "" : String(form.query.status),
            STATUSES.map((s) => [String(s), `${s}. ${statusLabel(s)}`]),
            (v) => setQuery({ status: v ? Number(v) : null }),
          )}
          {select("report-channel", "Kênh tiếp nhận", form.query.channel, CHANNELS, (v) => setQuery({ channel: v }))}
          {select("report-level", "Mức độ dịch vụ công", form.query.level, LEVELS, (v) => setQuery({ level: v }))}
        </div>
        <p className="actions">
          <button type="submit">Xem báo cáo</button>
          <a className="button-link" href={href(["bao-cao", "lap-bao-cao"])}>
            Đặt lại tiêu chí
          </a>
        </p>
      </form>

      <section aria-labelledby="report-result" className="report-result report-print-root">
        <h2 id="report-result">Kết quả</h2>
        {error && <ErrorMessage>{error}</ErrorMessage>}
        {!report && !error && <Loading what="báo cáo" />}
        {report && (
          <>
            <p>
              {report.scope_name} — kỳ {showMonth(report.months[0])} đến {showMonth(report.months[report.months.length - 1])}.
            </p>
            <ResultTable report={report} />
            {report.rows.length === 0 && report.query.group !== "none" && <p className="empty">Không có hồ sơ nào khớp với tiêu chí trong kỳ.</p>}
            {report.rows.length > 0 && (
              <BarChart
                id="chart-report"
                title={`Kết quả giải quyết theo ${report.group_label.toLowerCase()}`}
                summary={`Tổng cộng ${report.total.resolved} hồ sơ đã giải quyết: ${report.total.early} trước hạn, ${report.total.on_time} đúng hạn, ${report.total.late} quá hạn.`}
                categories={report.rows.map((r) => ({ key: r.key, label: r.label }))}
                series={TIMELINESS}
                value={(c, s) => Number((report.rows.find((r) => r.key === c.key)?.figures as unknown as Record<string, number>)[s.key] ?? 0)}
                stacked
                categoryHeader={report.group_label}
              />
            )}
            <section aria-labelledby="report-export" className="card report-no-print">
              <h3 id="report-export">In, kết xuất báo cáo</h3>
              <p className="actions">
                <button type="button" className="button-secondary" onClick={() => window.print()}>
                  In báo cáo
                </button>
                {FORMATS.map(([format, label]) => (
                  <button key={format} type="button" className="button-secondary" disabled={busy !== ""} onClick={() => void runExport(format)}>
                    {busy === format ? `Đang tạo ${label}…` : `Tải ${label}`}
                  </button>
                ))}
              </p>
              {exported && (
                <p className="alert alert-success" role="status">
                  Tệp đã sẵn sàng (liên kết có hiệu lực {Math.round(exported.expires_in / 60)} phút):{" "}
                  <a href={exported.url} download={exported.name}>
                    {exported.name}
                  </a>
                </p>
              )}
            </section>
          </>
        )}
      </section>

      <section aria-labelledby="report-templates" className="card report-no-print">
        <h2 id="report-templates">Mẫu báo cáo của tôi</h2>
        {templateError && <ErrorMessage id="template-error">{templateError}</ErrorMessage>}
        {!templates && !templateError && <Loading what="mẫu báo cáo" />}
        {templates && templates.length === 0 && <p className="empty">Bạn chưa lưu mẫu báo cáo nào.</p>}
        {templates && templates.length > 0 && (
          <ul className="report-templates">
            {templates.map((t) => (
              <li key={t.id}>
                <a href={href(["bao-cao", "lap-bao-cao"], toParams(t.scope, t.scope_code, t.period, t.query, t.id))} aria-current={t.id === applied.template ? "true" : undefined}>
                  {t.name}
                </a>
                <span className="muted"> — {PERIODS.find(([p]) => p === t.period)?.[1]}</span>{" "}
                <button type="button" className="button-link" onClick={() => void removeTemplate(t)} aria-label={`Xóa mẫu ${t.name}`}>
                  Xóa
                </button>
              </li>
            ))}
          </ul>
        )}
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            void storeTemplate(false);
          }}
        >
          <div className="field">
            <label htmlFor="template-name">Tên mẫu mới (lưu tiêu chí đang xem)</label>
            <input id="template-name" type="text" maxLength={120} value={templateName} onChange={(event) => setTemplateName(event.target.value)} />
          </div>
          <p className="actions">
            <button type="submit">Lưu thành mẫu</button>
            {appliedTemplate && (
              <button type="button" className="button-secondary" onClick={() => void storeTemplate(true)}>
                Cập nhật mẫu “{appliedTemplate.name}”
              </button>
            )}
          </p>
        </form>
      </section>
    </>
  );
}
