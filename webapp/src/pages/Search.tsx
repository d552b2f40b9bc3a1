import { type FormEvent, useEffect, useState } from "react";

import { query } from "../api";
import { getProcedures } from "../catalogue";
import { DossierList } from "../components/DossierList";
import { ErrorMessage, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { parseDate, tidyDate } from "../eform/validate";
import { href, navigate } from "../router";
import { STATUSES, statusLabel } from "../statuses";
import type { Procedure } from "../types";

const CRITERIA = ["tu_ngay", "den_ngay", "status", "thu_tuc", "linh_vuc", "chu_ho_so"] as const;
type Criteria = Record<(typeof CRITERIA)[number], string>;

function fromParams(params: URLSearchParams): Criteria {
  return Object.fromEntries(CRITERIA.map((key) => [key, params.get(key) ?? ""])) as Criteria;
}

/** FR-21: combinable search over the unit's dossiers (receipt period, status, procedure, field, applicant). */
export function Search({ params }: { params: URLSearchParams }) {
  const { unit } = useApp();
  const applied = fromParams(params);
  const [form, setForm] = useState<Criteria>(applied);
  const [errors, setErrors] = useState<Partial<Record<keyof Criteria, string>>>({});
  const [procedures, setProcedures] = useState<Procedure[]>([]);
  const searched = CRITERIA.some((key) => applied[key]);

  useEffect(() => {
    getProcedures()
      .then(setProcedures)
      .catch(() => setProcedures([]));
  }, []);
  useEffect(() => setForm(fromParams(params)), [params]);

  const fields = [...new Map(procedures.map((p) => [p.field_code, p.field_name])).entries()];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = { ...form, tu_ngay: tidyDate(form.tu_ngay), den_ngay: tidyDate(form.den_ngay) };
    const problems: Partial<Record<keyof Criteria, string>> = {};
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
    navigate(href(["tim-kiem"], next));
  };

  const input = (key: keyof Criteria, label: string, hint?: string) => (
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
        inputMode={hint ? "numeric" : undefined}
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
        <div className="grid">
          {input("tu_ngay", "Tiếp nhận từ ngày", "Định dạng DD/MM/YYYY")}
          {input("den_ngay", "Đến ngày", "Định dạng DD/MM/YYYY")}
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
          {input("chu_ho_so", "Tên chủ hồ sơ")}
        </div>
        <p className="actions">
          <button type="submit">Tìm kiếm</button>
          {searched && (
            <a className="button-link" href={href(["tim-kiem"])}>
              Xóa tiêu chí
            </a>
          )}
        </p>
      </form>
      <section aria-labelledby="search-results">
        <h2 id="search-results">{searched ? "Kết quả tìm kiếm" : "Hồ sơ của đơn vị"}</h2>
        <DossierList
          path={`/v1/units/${encodeURIComponent(unit)}/search${query(applied)}`}
          caption={searched ? "Hồ sơ khớp với tiêu chí tìm kiếm" : "Hồ sơ của đơn vị"}
          emptyText="Không tìm thấy hồ sơ nào khớp với tiêu chí."
        />
      </section>
    </>
  );
}
