// Procedures (FR-3): required documents, fees, the legal deadline and its unit, the 15:00 cut-off,
// the eForm, the units that receive it and the process it follows (a published one).

import { type FormEvent, useEffect, useState } from "react";

import { api } from "../api";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { formatDuration, formatMoney } from "../format";
import { href, navigate } from "../router";
import { APPLICANT_KINDS } from "../statuses";
import type { Duration, FeeItem, RequiredDocument } from "../types";
import { ProcedureDeadlineFit } from "./DeadlineWarnings";
import { DURATION_UNIT_LABELS, ErrorSummary, Field, fieldError, type FormErrors, type ProcedureFull, type ProcessSummary, toFormErrors, useLoad } from "./common";

const LEVELS: Record<string, string> = { full: "Toàn trình", partial: "Một phần", info: "Cung cấp thông tin" };
const COLLECTED: Record<string, string> = { on_receipt: "Khi tiếp nhận", after_appraisal: "Sau thẩm định", on_delivery: "Khi trả kết quả" };

export function ProceduresScreen({ rest }: { rest: string[] }) {
  const list = useLoad<{ items: ProcedureFull[] }>("/v1/procedures");
  const [first] = rest;
  const { reload } = list;
  // Back on the list after an edit: fetch it again.
  useEffect(() => {
    if (!first) reload();
  }, [first, reload]);
  if (list.error) return <ErrorMessage>{list.error}</ErrorMessage>;
  if (!list.data) return <Loading what="danh mục thủ tục" />;
  if (first) {
    const existing = first === "moi" ? null : (list.data.items.find((p) => p.code === first) ?? null);
    if (first !== "moi" && !existing) return <ErrorMessage>Không tìm thấy thủ tục.</ErrorMessage>;
    return <ProcedureEditor key={first} existing={existing} />;
  }
  return (
    <>
      <PageHeading title="Thủ tục hành chính">Thủ tục hành chính</PageHeading>
      <p>
        <a className="button-link" href={href(["quan-tri", "thu-tuc", "moi"])}>
          Thêm thủ tục
        </a>
      </p>
      <div className="table-scroll">
        <table>
          <caption>{list.data.items.length} thủ tục</caption>
          <thead>
            <tr>
              <th scope="col">Mã</th>
              <th scope="col">Tên thủ tục</th>
              <th scope="col">Thời hạn</th>
              <th scope="col">Quy trình</th>
              <th scope="col">Thao tác</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((p) => (
              <tr key={p.code}>
                <th scope="row">{p.code}</th>
                <td>
                  {p.name}
                  <span className="muted" style={{ display: "block", fontSize: "0.85em" }}>
                    {p.field_name} · {p.required_documents.length} giấy tờ · {p.fees.length ? p.fees.map((f) => formatMoney(f.amount)).join(", ") : "không thu phí"}
                  </span>
                </td>
                <td>
                  {formatDuration(p.legal_deadline)}
                  {p.cutoff_15h ? <span style={{ display: "block" }}>Nhận sau 15 giờ tính từ ngày làm việc tiếp theo</span> : null}
                </td>
                <td>
                  {p.process_code}
                  {p.separation_of_duties ? <span style={{ display: "block" }}>Tách biệt nhiệm vụ</span> : null}
                </td>
                <td>
                  <a href={href(["quan-tri", "thu-tuc", p.code])}>
                    Sửa<span className="visually-hidden"> thủ tục {p.code}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

const EMPTY: ProcedureFull = {
  code: "",
  name: "",
  field_code: "",
  field_name: "",
  applicant_types: ["1"],
  online_level: "full",
  legal_deadline: { value: 10, unit: "working_days" },
  cutoff_15h: false,
  separation_of_duties: false,
  required_documents: [],
  fees: [],
  eform_code: null,
  unit_codes: [],
  process_code: "",
  flow: null,
};

function ProcedureEditor({ existing }: { existing: ProcedureFull | null }) {
  const { units, announce } = useApp();
  const processes = useLoad<{ items: ProcessSummary[] }>("/v1/admin/processes");
  const [p, setP] = useState<ProcedureFull>(existing ?? EMPTY);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  // Căn cứ pháp lý, one document a line (the assistant cites them, FR-22)
  const [legalBasis, setLegalBasis] = useState((existing?.legal_basis ?? []).join("\n"));
  const back = href(["quan-tri", "thu-tuc"]);
  const err = (field: string) => fieldError(errors, field);
  const setDoc = (i: number, d: RequiredDocument) => setP({ ...p, required_documents: p.required_documents.map((x, j) => (j === i ? d : x)) });
  const setFee = (i: number, f: FeeItem) => setP({ ...p, fees: p.fees.map((x, j) => (j === i ? f : x)) });
  const deadline: Duration | null = p.legal_deadline;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setErrors(null);
    try {
      await api(`/v1/admin/procedures/${encodeURIComponent(p.code.trim())}`, {
        method: "PUT",
        body: { ...p, code: p.code.trim(), legal_basis: legalBasis.split("\n").map((line) => line.trim()).filter(Boolean) },
      });
      announce(`Đã lưu thủ tục ${p.code}.`, back);
      navigate(back);
    } catch (e) {
      setErrors(toFormErrors(e));
    }
  };
  const ids: Record<string, string> = { code: "t-code", name: "t-name", process_code: "t-process", eform_code: "t-eform" };
  p.unit_codes.forEach((_, i) => (ids[`unit_codes[${i}]`] = "t-units"));

  return (
    <>
      <PageHeading title={existing ? `Sửa thủ tục ${existing.code}` : "Thêm thủ tục"}>{existing ? `Thủ tục ${existing.code}` : "Thêm thủ tục"}</PageHeading>
      <p>
        <a href={back}>← Quay lại danh mục thủ tục</a>
      </p>
      <form onSubmit={save} noValidate>
        <ErrorSummary errors={errors} fieldIds={ids} />
        <fieldset className="group">
          <legend>Thông tin thủ tục</legend>
          <div className="grid">
            <Field id="t-code" label="Mã thủ tục" required hint="Mã trên CSDL quốc gia về TTHC, ví dụ 1.001193" error={err("code")}>
              {(aria) => <input type="text" {...aria} value={p.code} readOnly={!!existing} onChange={(e) => setP({ ...p, code: e.target.value })} />}
            </Field>
            <Field id="t-name" label="Tên thủ tục" required error={err("name")} wide>
              {(aria) => <input type="text" {...aria} value={p.name} onChange={(e) => setP({ ...p, name: e.target.value })} />}
            </Field>
            <Field id="t-field-code" label="Mã lĩnh vực" required error={err("field_code")}>
              {(aria) => <input type="text" {...aria} value={p.field_code} onChange={(e) => setP({ ...p, field_code: e.target.value })} />}
            </Field>
            <Field id="t-field-name" label="Tên lĩnh vực" required error={err("field_name")}>
              {(aria) => <input type="text" {...aria} value={p.field_name} onChange={(e) => setP({ ...p, field_name: e.target.value })} />}
            </Field>
            <Field id="t-level" label="Mức độ dịch vụ công trực tuyến">
              {(aria) => (
                <select {...aria} value={p.online_level} onChange={(e) => setP({ ...p, online_level: e.target.value })}>
                  {Object.entries(LEVELS).map(([k, v]) => (
                    <option key={k} value={k}>
                      {v}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <fieldset className="field field-checkboxes" style={{ border: 0, padding: 0 }}>
              <legend>Đối tượng thực hiện</legend>
              {Object.entries(APPLICANT_KINDS).map(([k, v]) => (
                <div className="choice" key={k}>
                  <input
                    type="checkbox"
                    id={`t-applicant-${k}`}
                    checked={p.applicant_types.includes(k)}
                    onChange={(e) => setP({ ...p, applicant_types: e.target.checked ? [...p.applicant_types, k].sort() : p.applicant_types.filter((x) => x !== k) })}
                  />{" "}
                  <label htmlFor={`t-applicant-${k}`}>{v}</label>
                </div>
              ))}
            </fieldset>
          </div>
        </fieldset>
        <fieldset className="group">
          <legend>Thời hạn giải quyết</legend>
          <div className="grid">
            <Field id="t-deadline" label="Thời hạn" hint="Để trống nếu thủ tục không quy định thời hạn." error={err("legal_deadline.value")}>
              {(aria) => (
                <input
                  type="number"
                  min={0}
                  {...aria}
                  value={deadline ? deadline.value : ""}
                  onChange={(e) => setP({ ...p, legal_deadline: e.target.value === "" ? null : { value: Math.max(0, Number(e.target.value)), unit: deadline?.unit ?? "working_days" } })}
                />
              )}
            </Field>
            <Field id="t-deadline-unit" label="Đơn vị thời hạn">
              {(aria) => (
                <select {...aria} value={deadline?.unit ?? "working_days"} onChange={(e) => setP({ ...p, legal_deadline: { value: deadline?.value ?? 0, unit: e.target.value as Duration["unit"] } })}>
                  {Object.entries(DURATION_UNIT_LABELS).map(([k, v]) => (
                    <option key={k} value={k}>
                      {v}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <div className="field field-checkbox">
              <div className="choice">
                <input id="t-cutoff" type="checkbox" checked={p.cutoff_15h} onChange={(e) => setP({ ...p, cutoff_15h: e.target.checked })} />{" "}
                <label htmlFor="t-cutoff">Hồ sơ nhận sau 15 giờ được tính từ ngày làm việc tiếp theo</label>
              </div>
            </div>
          </div>
        </fieldset>
        <fieldset className="group">
          <legend>Kiểm soát xử lý</legend>
          <div className="field field-checkbox">
            <div className="choice">
              <input
                id="t-sod"
                type="checkbox"
                aria-describedby="t-sod-hint"
                checked={p.separation_of_duties ?? false}
                onChange={(e) => setP({ ...p, separation_of_duties: e.target.checked })}
              />{" "}
              <label htmlFor="t-sod">Tách biệt nhiệm vụ: người thẩm định, người xem xét và người phê duyệt phải là những người khác nhau</label>
            </div>
            <p id="t-sod-hint" className="hint">
              Một cán bộ đã thẩm định, xem xét (lãnh đạo phòng) hoặc phê duyệt một hồ sơ sẽ không được thực hiện nhiệm vụ còn lại trên chính hồ sơ đó.
            </p>
          </div>
        </fieldset>
        <fieldset className="group">
          <legend>Kết quả giải quyết</legend>
          <div className="field">
            <label htmlFor="t-result-kind">Kết quả của thủ tục</label>
            <select
              id="t-result-kind"
              aria-describedby="t-result-hint"
              value={p.result_kind ?? "template"}
              onChange={(e) => setP({ ...p, result_kind: e.target.value as ProcedureFull["result_kind"] })}
            >
              <option value="template">Văn bản soạn từ mẫu kết quả của thủ tục</option>
              <option value="upload">Văn bản tải lên (hoặc do phần mềm chuyên ngành trả)</option>
              <option value="none">Không có văn bản kết quả riêng</option>
            </select>
            <p id="t-result-hint" className="hint">
              Lãnh đạo không phê duyệt và văn thư không phát hành được hồ sơ khi chưa có kết quả được cấp số (và ký số nếu bắt buộc).
            </p>
          </div>
          <div className="field field-checkbox">
            <div className="choice">
              <input id="t-result-signed" type="checkbox" checked={p.result_signed ?? true} onChange={(e) => setP({ ...p, result_signed: e.target.checked })} />{" "}
              <label htmlFor="t-result-signed">Văn bản kết quả phải được ký số</label>
            </div>
            <div className="choice">
              <input id="t-sign-on-approval" type="checkbox" checked={p.sign_on_approval ?? false} onChange={(e) => setP({ ...p, sign_on_approval: e.target.checked })} />{" "}
              <label htmlFor="t-sign-on-approval">Lãnh đạo phê duyệt là ký số văn bản kết quả (cùng một thao tác)</label>
            </div>
          </div>
        </fieldset>
        <fieldset className="group">
          <legend>Thành phần hồ sơ ({p.required_documents.length})</legend>
          {p.required_documents.map((d, i) => (
            <fieldset key={i} className="table-row">
              <legend>Giấy tờ {i + 1}</legend>
              <div className="grid">
                <Field id={`t-doc-${i}-code`} label="Mã thành phần" required error={err(`required_documents.${i}.code`)}>
                  {(aria) => <input type="text" {...aria} value={d.code} onChange={(e) => setDoc(i, { ...d, code: e.target.value })} />}
                </Field>
                <Field id={`t-doc-${i}-name`} label="Tên giấy tờ" required error={err(`required_documents.${i}.name`)}>
                  {(aria) => <input type="text" {...aria} value={d.name} onChange={(e) => setDoc(i, { ...d, name: e.target.value })} />}
                </Field>
                <Field id={`t-doc-${i}-copies`} label="Số lượng, loại bản">
                  {(aria) => <input type="text" {...aria} value={d.copies} onChange={(e) => setDoc(i, { ...d, copies: e.target.value })} />}
                </Field>
                <div className="field field-checkbox">
                  <div className="choice">
                    <input id={`t-doc-${i}-required`} type="checkbox" checked={d.required} onChange={(e) => setDoc(i, { ...d, required: e.target.checked })} />{" "}
                    <label htmlFor={`t-doc-${i}-required`}>Bắt buộc</label>
                  </div>
                </div>
              </div>
              <button type="button" className="button-secondary button-remove" onClick={() => setP({ ...p, required_documents: p.required_documents.filter((_, j) => j !== i) })}>
                Xóa dòng giấy tờ {i + 1}
              </button>
            </fieldset>
          ))}
          <button type="button" className="button-secondary" onClick={() => setP({ ...p, required_documents: [...p.required_documents, { code: "", name: "", required: true, copies: "01 bản chính hoặc bản sao" }] })}>
            Thêm dòng giấy tờ
          </button>
        </fieldset>
        <fieldset className="group">
          <legend>Căn cứ pháp lý</legend>
          <Field id="t-legal" label="Văn bản quy định thủ tục (mỗi dòng một văn bản)" wide error={err("legal_basis")}
            hint="Số, ký hiệu và tên văn bản, ví dụ: Luật Hộ tịch số 60/2014/QH13. Trợ lý ảo trích dẫn đúng các dòng này.">
            {(aria) => <textarea rows={3} {...aria} value={legalBasis} onChange={(e) => setLegalBasis(e.target.value)} />}
          </Field>
        </fieldset>
        <fieldset className="group">
          <legend>Phí, lệ phí ({p.fees.length})</legend>
          {p.fees.map((f, i) => (
            <fieldset key={i} className="table-row">
              <legend>Khoản thu {i + 1}</legend>
              <div className="grid">
                <Field id={`t-fee-${i}-code`} label="Mã phí, lệ phí" required error={err(`fees.${i}.code`)}>
                  {(aria) => <input type="text" {...aria} value={f.code} onChange={(e) => setFee(i, { ...f, code: e.target.value })} />}
                </Field>
                <Field id={`t-fee-${i}-name`} label="Tên khoản thu" required error={err(`fees.${i}.name`)}>
                  {(aria) => <input type="text" {...aria} value={f.name} onChange={(e) => setFee(i, { ...f, name: e.target.value })} />}
                </Field>
                <Field id={`t-fee-${i}-amount`} label="Số tiền (đồng)" required error={err(`fees.${i}.amount`)}>
                  {(aria) => <input type="number" min={0} step={1000} {...aria} value={f.amount} onChange={(e) => setFee(i, { ...f, amount: Number(e.target.value) })} />}
                </Field>
                <Field id={`t-fee-${i}-kind`} label="Loại">
                  {(aria) => (
                    <select {...aria} value={f.kind} onChange={(e) => setFee(i, { ...f, kind: e.target.value })}>
                      <option value="1">Lệ phí</option>
                      <option value="2">Phí</option>
                    </select>
                  )}
                </Field>
                <Field id={`t-fee-${i}-collected`} label="Thời điểm thu">
                  {(aria) => (
                    <select {...aria} value={f.collected} onChange={(e) => setFee(i, { ...f, collected: e.target.value })}>
                      {Object.entries(COLLECTED).map(([k, v]) => (
                        <option key={k} value={k}>
                          {v}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              </div>
              <button type="button" className="button-secondary button-remove" onClick={() => setP({ ...p, fees: p.fees.filter((_, j) => j !== i) })}>
                Xóa khoản thu {i + 1}
              </button>
            </fieldset>
          ))}
          <button type="button" className="button-secondary" onClick={() => setP({ ...p, fees: [...p.fees, { code: "", name: "", amount: 0, kind: "1", collected: "on_receipt" }] })}>
            Thêm khoản thu
          </button>
        </fieldset>
        <fieldset className="group">
          <legend>Xử lý</legend>
          <div className="grid">
            <Field id="t-process" label="Quy trình áp dụng" required error={err("process_code")}>
              {(aria) => (
                <select {...aria} value={p.process_code} onChange={(e) => setP({ ...p, process_code: e.target.value })}>
                  <option value="">— Chọn quy trình —</option>
                  {processes.data?.items.some((x) => x.code === p.process_code) || !p.process_code ? null : <option value={p.process_code}>{p.process_code}</option>}
                  {processes.data?.items.map((x) => (
                    <option key={x.code} value={x.code}>
                      {x.code} — {x.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="t-eform" label="Mã biểu mẫu điện tử (eForm)" hint="Để trống nếu thủ tục không có biểu mẫu." error={err("eform_code")}>
              {(aria) => <input type="text" {...aria} value={p.eform_code ?? ""} onChange={(e) => setP({ ...p, eform_code: e.target.value || null })} />}
            </Field>
            <fieldset className="field field-checkboxes" id="t-units" tabIndex={-1} style={{ border: 0, padding: 0 }}>
              <legend>Đơn vị tiếp nhận</legend>
              {units.map((u) => (
                <div className="choice" key={u.code}>
                  <input
                    type="checkbox"
                    id={`t-unit-${u.code}`}
                    checked={p.unit_codes.includes(u.code)}
                    onChange={(e) => setP({ ...p, unit_codes: e.target.checked ? [...p.unit_codes, u.code] : p.unit_codes.filter((x) => x !== u.code) })}
                  />{" "}
                  <label htmlFor={`t-unit-${u.code}`}>{u.name}</label>
                </div>
              ))}
            </fieldset>
          </div>
        </fieldset>
        <ProcedureDeadlineFit procedure={p} />
        <div className="form-actions">
          <button type="submit">Lưu thủ tục</button>
        </div>
      </form>
    </>
  );
}
