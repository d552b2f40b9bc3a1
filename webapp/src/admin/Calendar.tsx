// The working-day calendar (SPEC §9): statutory holidays (from the holidays package, read only)
// and the overrides the ministry's administrator keeps — extra days off and make-up working days,
// each with the decision that ordered it.

import { type FormEvent, useState } from "react";

import { api } from "../api";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { todayVn } from "../format";
import { href } from "../router";
import { type CalendarOverride, type CalendarYear, ErrorSummary, Field, fieldError, type FormErrors, toFormErrors, useLoad } from "./common";

function dmy(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}/${m}/${y}`;
}

function isoFromDmy(text: string): string | null {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  if (!match) return null;
  const [, d, m, y] = match;
  const iso = `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso ? null : iso;
}

const KIND_LABELS = { day_off: "Ngày nghỉ bổ sung", working_day: "Ngày làm bù" };

export function CalendarScreen({ params, ministry }: { params: URLSearchParams; ministry: boolean }) {
  const { announce } = useApp();
  const year = Number(params.get("nam")) || todayVn().year;
  const data = useLoad<CalendarYear>(`/v1/admin/calendar?year=${year}`);
  const [form, setForm] = useState({ date: "", kind: "working_day" as CalendarOverride["kind"], decision: "", note: "" });
  const [errors, setErrors] = useState<FormErrors | null>(null);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setErrors(null);
    const iso = isoFromDmy(form.date);
    if (!iso) {
      setErrors({ message: "Vui lòng kiểm tra lại thông tin.", fields: [{ field: "date", message: "Ngày phải theo dạng DD/MM/YYYY." }] });
      return;
    }
    try {
      await api(`/v1/admin/calendar/${iso}`, { method: "PUT", body: { ...form, date: iso } });
      announce(`Đã lưu ngày ${dmy(iso)}.`);
      setForm({ ...form, date: "", decision: "", note: "" });
      data.reload();
    } catch (e) {
      setErrors(toFormErrors(e));
    }
  };
  const remove = async (day: string) => {
    try {
      await api(`/v1/admin/calendar/${day}`, { method: "DELETE" });
      announce(`Đã bỏ ngày điều chỉnh ${dmy(day)}.`);
      data.reload();
    } catch (e) {
      setErrors(toFormErrors(e));
    }
  };

  return (
    <>
      <PageHeading title={`Lịch làm việc năm ${year}`}>Lịch làm việc năm {year}</PageHeading>
      <nav aria-label="Chọn năm" style={{ display: "flex", gap: "1rem" }}>
        <a href={href(["quan-tri", "lich"], { nam: year - 1 })}>← Năm {year - 1}</a>
        <a href={href(["quan-tri", "lich"], { nam: year + 1 })}>Năm {year + 1} →</a>
      </nav>
      {data.error ? <ErrorMessage>{data.error}</ErrorMessage> : null}
      {!data.data && !data.error ? <Loading what="lịch làm việc" /> : null}
      {data.data ? (
        <>
          <section aria-labelledby="overrides-title">
            <h2 id="overrides-title">Ngày điều chỉnh ({data.data.overrides.length})</h2>
            <div className="table-scroll">
              <table>
                <caption>Ngày nghỉ bổ sung và ngày làm bù năm {year}</caption>
                <thead>
                  <tr>
                    <th scope="col">Ngày</th>
                    <th scope="col">Loại</th>
                    <th scope="col">Văn bản quyết định</th>
                    <th scope="col">Ghi chú</th>
                    {ministry ? <th scope="col">Thao tác</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {data.data.overrides.length === 0 ? (
                    <tr>
                      <td colSpan={ministry ? 5 : 4}>Chưa có ngày điều chỉnh.</td>
                    </tr>
                  ) : null}
                  {data.data.overrides.map((o) => (
                    <tr key={o.date}>
                      <th scope="row">{dmy(o.date)}</th>
                      <td>{KIND_LABELS[o.kind]}</td>
                      <td>{o.decision}</td>
                      <td>{o.note || "—"}</td>
                      {ministry ? (
                        <td>
                          <button type="button" className="button-secondary" onClick={() => remove(o.date)}>
                            Bỏ ngày {dmy(o.date)}
                          </button>
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          {ministry ? (
            <form onSubmit={add} noValidate aria-labelledby="add-title">
              <h2 id="add-title">Thêm ngày điều chỉnh</h2>
              <ErrorSummary errors={errors} fieldIds={{ date: "c-date", decision: "c-decision" }} />
              <div className="grid">
                <Field id="c-date" label="Ngày" required hint="Dạng DD/MM/YYYY, ví dụ 04/01/2031" error={fieldError(errors, "date")}>
                  {(aria) => <input type="text" inputMode="numeric" {...aria} value={form.date} onChange={(e) => setForm({ ...form, date: e.target.value })} />}
                </Field>
                <fieldset className="field field-radio" style={{ border: 0, padding: 0 }}>
                  <legend>Loại ngày</legend>
                  {(Object.keys(KIND_LABELS) as CalendarOverride["kind"][]).map((k) => (
                    <div className="choice" key={k}>
                      <input type="radio" id={`c-kind-${k}`} name="c-kind" checked={form.kind === k} onChange={() => setForm({ ...form, kind: k })} />{" "}
                      <label htmlFor={`c-kind-${k}`}>{KIND_LABELS[k]}</label>
                    </div>
                  ))}
                </fieldset>
                <Field id="c-decision" label="Văn bản quyết định" required hint="Ví dụ: Thông báo số 6150/TB-BLĐTBXH" error={fieldError(errors, "decision")}>
                  {(aria) => <input type="text" {...aria} value={form.decision} onChange={(e) => setForm({ ...form, decision: e.target.value })} />}
                </Field>
                <Field id="c-note" label="Ghi chú">
                  {(aria) => <input type="text" {...aria} value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} />}
                </Field>
              </div>
              <div className="form-actions">
                <button type="submit">Lưu ngày điều chỉnh</button>
              </div>
            </form>
          ) : (
            <p className="muted">Chỉ quản trị cấp bộ được thêm hoặc bỏ ngày điều chỉnh.</p>
          )}
          <section aria-labelledby="holidays-title">
            <h2 id="holidays-title">Ngày nghỉ theo quy định ({data.data.holidays.length})</h2>
            <ul>
              {data.data.holidays.map((h) => (
                <li key={h.date}>
                  {dmy(h.date)} — {h.name}
                </li>
              ))}
            </ul>
          </section>
        </>
      ) : null}
    </>
  );
}
