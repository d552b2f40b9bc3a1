import { type FormEvent, useEffect, useState } from "react";

import { query } from "../api";
import { getProcedures } from "../catalogue";
import { DossierList } from "../components/DossierList";
import { ErrorMessage, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { parseDate, tidyDate } from "../eform/validate";
import "../finding/finding.css";
import { CHANNELS, idNumberProblem } from "../finding/rules";
import { href, navigate } from "../router";
import { STATUSES, statusLabel } from "../statuses";
import type { Procedure } from "../types";

const CRITERIA = ["ma_ho_so", "so_giay_to", "chu_ho_so", "tu_ngay", "den_ngay", "han_den", "qua_han", "status", "kenh", "thu_tuc", "linh_vuc"] as const;
type Criteria = Record<(typeof CRITERIA)[number], string>;

/** The criteria in the URL: all but the personal number, which never goes in a URL (history,
 * access logs) — it stays in the page and is POSTed. */
function fromParams(params: URLSearchParams): Criteria {
  return Object.fromEntries(CRITERIA.map((key) => [key, key === "so_giay_to" ? "" : (params.get(key) ?? "")])) as Criteria;
}

function criteriaWithout(applied: Criteria): Record<string, string> {
  return Object.fromEntries(Object.entries(applied).filter(([key, value]) => key !== "so_giay_to" && value));
}

/**
 * FR-21: combinable search over the unit's dossiers — by code, by the applicant's personal number
 * or tax code (the desk's most common question), name, receipt period, deadline or overdue,
 * status, channel, procedure and field.
 */
export function Search({ params }: { params: URLSearchParams }) {
  const { unit } = useApp();
  const [idNumber, setIdNumber] = useState("");
  const applied = { ...fromParams(params), so_giay_to: idNumber };
  const [form, setForm] = useState<Criteria>(applied);
  const [errors, setErrors] = useState<Partial<Record<keyof Criteria, string>>>({});
  const [procedures, setProcedures] = useState<Procedure[]>([]);
  const searched = CRITERIA.some((key) => applied[key]);

  useEffect(() => {
    getProcedures()
      .then(setProcedures)
      .catch(() => setProcedures([]));
  }, []);
  useEffect(() => setForm((current) => ({ ...fromParams(params), so_giay_to: current.so_giay_to })), [params]);

  const fields = [...new Map(procedures.map((p) => [p.field_code, p.field_name])).entries()];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = {
      ...form,
      ma_ho_so: form.ma_ho_so.trim().toUpperCase(),
      so_giay_to: form.so_giay_to.replace(/\s+/g, ""),
      tu_ngay: tidyDate(form.tu_ngay),
      den_ngay: tidyDate(form.den_ngay),
      han_den: tidyDate(form.han_den),
    };
    const problems: Partial<Record<keyof Criteria, string>> = {};
    const idProblem = idNumberProblem(next.so_giay_to);
    if (idProblem) problems.so_giay_to = idProblem;
    if (next.han_den && !parseDate(next.han_den)) problems.han_den = "Hạn trả đến ngày phải là ngày hợp lệ theo định dạng DD/MM/YYYY.";
    const from = next.tu_ngay ? parseDate(next.tu_ngay) : null;
    const to = next.den_ngay ? parseDate(next.den_ngay) : null;
    if (next.tu_ngay && !from) problems.tu_ngay = "Từ ngày phải là ngày hợp lệ theo định dạng DD/MM/YYYY.";
    if (next.den_ngay && !to) problems.den_ngay = "Đến ngày phải là ngày hợp lệ theo định dạng DD/MM/YYYY.";
    if (from && to && Date.UTC(to.year, to.month, to.day) < Date.UTC(from.year, from.month, from.day)) {
      problems.den_ngay = "Đến ngày không được trước Từ ngày.";
    }
    setForm(next);
    setErrors(problems);
    const first = CRITERIA.find((key) => problems[key]);
    if (first) {
      document.getElementById(`search-${first}`)?.focus();
      return;
    }
    setIdNumber(next.so_giay_to);
    navigate(href(["tim-kiem"], { ...next, so_giay_to: "" }));
  };

  const input = (key: keyof Criteria, label: string, hint?: string, numeric = false) => (
    <div className={`field${errors[key] ? " field-invalid" : ""}`}>
      <label htmlFor={`search-${key}`}>{label}</label>
      {hint && (
        <p className="hint" id={`search-${key}-hint`}>
          {hint}
        </p>
      )}
      <input
        id={`search-${key}`}
        type="text"
        value={form[key]}
        inputMode={numeric ? "numeric" : undefined}
        autoComplete="off"
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={[hint ? `search-${key}-hint` : "", errors[key] ? `search-${key}-error` : ""].filter(Boolean).join(" ") || undefined}
        onChange={(event) => setForm({ ...form, [key]: event.target.value })}
      />
      {errors[key] && (
        <p className="error" id={`search-${key}-error`}>
          <span aria-hidden="true">⚠ </span>
          {errors[key]}
        </p>
      )}
    </div>
  );

  return (
    <>
      <PageHeading title="Tìm kiếm hồ sơ">Tìm kiếm hồ sơ</PageHeading>
      <form className="search-form" onSubmit={submit} noValidate aria-describedby="search-help">
        <p id="search-help" className="hint">
          Kết hợp một hoặc nhiều tiêu chí; để trống tiêu chí không cần lọc.
        </p>
        {Object.keys(errors).length > 0 && <ErrorMessage>Vui lòng sửa các tiêu chí được đánh dấu.</ErrorMessage>}
        <p className="hint">Tìm theo mã hồ sơ thì các tiêu chí khác không được xét.</p>
        <div className="grid">
          {input("ma_ho_so", "Mã hồ sơ", "Ví dụ 000.00.13.H29-261206-0001")}
          {input("so_giay_to", "Số định danh cá nhân hoặc mã số thuế của chủ hồ sơ", "12 chữ số (CCCD) hoặc mã số thuế 10 chữ số", true)}
          {input("chu_ho_so", "Tên chủ hồ sơ", "Có dấu hoặc không dấu")}
          {input("tu_ngay", "Tiếp nhận từ ngày", "Định dạng DD/MM/YYYY", true)}
          {input("den_ngay", "Đến ngày", "Định dạng DD/MM/YYYY", true)}
          {input("han_den", "Hạn trả kết quả đến ngày", "Định dạng DD/MM/YYYY", true)}
          <div className="field field-check">
            <input
              id="search-qua_han"
              type="checkbox"
              checked={form.qua_han === "1"}
              onChange={(event) => setForm({ ...form, qua_han: event.target.checked ? "1" : "" })}
            />
            <label htmlFor="search-qua_han">Chỉ hồ sơ đã quá hạn</label>
          </div>
          <div className="field">
            <label htmlFor="search-status">Trạng thái</label>
            <select id="search-status" value={form.status} onChange={(event) => setForm({ ...form, status: event.target.value })}>
              <option value="">Tất cả</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {statusLabel(s)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="search-kenh">Kênh tiếp nhận</label>
            <select id="search-kenh" value={form.kenh} onChange={(event) => setForm({ ...form, kenh: event.target.value })}>
              <option value="">Tất cả</option>
              {CHANNELS.map(([code, label]) => (
                <option key={code} value={code}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="search-thu_tuc">Thủ tục</label>
            <select id="search-thu_tuc" value={form.thu_tuc} onChange={(event) => setForm({ ...form, thu_tuc: event.target.value })}>
              <option value="">Tất cả</option>
              {procedures.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.code} — {p.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="search-linh_vuc">Lĩnh vực</label>
            <select id="search-linh_vuc" value={form.linh_vuc} onChange={(event) => setForm({ ...form, linh_vuc: event.target.value })}>
              <option value="">Tất cả</option>
              {fields.map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <p className="actions">
          <button type="submit">Tìm kiếm</button>
          {searched && (
            <a
              className="button-link"
              href={href(["tim-kiem"])}
              onClick={() => {
                setIdNumber("");
                setForm((current) => ({ ...current, so_giay_to: "" }));
              }}
            >
              Xóa tiêu chí
            </a>
          )}
        </p>
      </form>
      <section aria-labelledby="search-results">
        <h2 id="search-results">{searched ? "Kết quả tìm kiếm" : "Hồ sơ của đơn vị"}</h2>
        <DossierList
          key={query(applied)}
          path={`/v1/units/${encodeURIComponent(unit)}/search${idNumber ? "" : query(applied)}`}
          posted={idNumber ? { so_giay_to: idNumber, criteria: criteriaWithout(applied) } : undefined}
          caption={searched ? "Hồ sơ khớp với tiêu chí tìm kiếm" : "Hồ sơ của đơn vị"}
          emptyText="Không tìm thấy hồ sơ nào khớp với tiêu chí."
        />
      </section>
    </>
  );
}
