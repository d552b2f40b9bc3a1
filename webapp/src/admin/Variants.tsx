// Locally specific processes (SPEC §6, FR-7). A province's administrator copies a procedure's
// standard process, edits its steps' names and deadlines, adds fields to the eForm and sends the
// proposal; the ministry's administrator compares each pending proposal with the standard, step by
// step, and approves it (intake at the province's units follows it from then on) or rejects it
// with a reason. Both see the history (every proposal, every approved version).

import { useEffect, useState } from "react";

import { api } from "../api";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { formatDateTime } from "../format";
import { provinceName } from "../provinces";
import type { Schema } from "../query";
import { href, navigate } from "../router";
import type { Duration } from "../types";
import { DURATION_UNIT_LABELS, ErrorSummary, Field, type FormErrors, type ProcedureFull, type ProcessDef, Success, toFormErrors, useLoad } from "./common";

type Proposal = Schema<"VariantProposal">;
type Detail = Schema<"ProposalDetail">;

const STATUS_LABELS: Record<string, string> = { pending: "Chờ bộ phê duyệt", approved: "Đã phê duyệt", rejected: "Bị từ chối" };
const FIELD_TYPES: Record<string, string> = { text: "Văn bản ngắn", textarea: "Văn bản dài", number: "Số", date: "Ngày" };

interface Addition {
  key: string;
  label: string;
  type: string;
  required: boolean;
}

function proposalPath(p: { procedure_code: string; province_code: string; number: number }): string[] {
  return ["quan-tri", "quy-trinh-dia-phuong", p.procedure_code, p.province_code, String(p.number)];
}

export function VariantsScreen({ rest, ministry }: { rest: string[]; ministry: boolean }) {
  const [procedure, province, number] = rest;
  if (procedure === "de-xuat") return <ProposeForm />;
  if (procedure && province && number) return <ProposalView key={rest.join("/")} procedure={procedure} province={province} number={Number(number)} ministry={ministry} />;
  return <ProposalLists ministry={ministry} />;
}

function ProposalTable({ caption, items }: { caption: string; items: Proposal[] }) {
  return (
    <div className="table-scroll">
      <table>
        <caption>
          {caption} ({items.length})
        </caption>
        <thead>
          <tr>
            <th scope="col">Thủ tục</th>
            <th scope="col">Tỉnh</th>
            <th scope="col">Đề xuất số</th>
            <th scope="col">Gửi lúc</th>
            <th scope="col">Trạng thái</th>
            <th scope="col">Thao tác</th>
          </tr>
        </thead>
        <tbody>
          {items.map((p) => (
            <tr key={`${p.procedure_code}-${p.province_code}-${p.number}`}>
              <th scope="row">
                {p.procedure_code} — {p.process.name}
              </th>
              <td>{provinceName(p.province_code)}</td>
              <td>{p.number}</td>
              <td>{formatDateTime(p.proposed_at)}</td>
              <td>
                {STATUS_LABELS[p.status]}
                {p.approved_version ? ` (phiên bản ${p.approved_version})` : ""}
              </td>
              <td>
                <a href={href(proposalPath(p))}>
                  Xem, so sánh<span className="visually-hidden"> đề xuất số {p.number} của {provinceName(p.province_code)} cho thủ tục {p.procedure_code}</span>
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ProposalLists({ ministry }: { ministry: boolean }) {
  const pending = useLoad<{ items: Proposal[] }>("/v1/admin/variants?status=pending");
  const decided = useLoad<{ items: Proposal[] }>("/v1/admin/variants?status=decided");
  return (
    <>
      <PageHeading title="Quy trình riêng của địa phương">Quy trình riêng của địa phương</PageHeading>
      <p className="lead">
        {ministry
          ? "Tỉnh đề xuất quy trình riêng cho một thủ tục (bước, thời hạn, trường bổ sung vào biểu mẫu); quy trình chỉ áp dụng tại các đơn vị của tỉnh sau khi cấp bộ phê duyệt."
          : "Đề xuất quy trình riêng cho các đơn vị của tỉnh: sao chép quy trình chuẩn của bộ, sửa bước, thời hạn, thêm trường vào biểu mẫu. Quy trình chỉ áp dụng sau khi cấp bộ phê duyệt."}
      </p>
      {!ministry ? (
        <p>
          <a className="button" href={href(["quan-tri", "quy-trinh-dia-phuong", "de-xuat"])}>
            Đề xuất quy trình riêng
          </a>
        </p>
      ) : null}
      {pending.error ? <ErrorMessage>{pending.error}</ErrorMessage> : null}
      {pending.data ? <ProposalTable caption="Đề xuất chờ phê duyệt" items={pending.data.items} /> : <Loading what="đề xuất chờ phê duyệt" />}
      {decided.data ? <ProposalTable caption="Đề xuất đã quyết định" items={decided.data.items} /> : null}
    </>
  );
}

function ProposeForm() {
  const { me, announce } = useApp();
  const province = me.profile.province_code;
  const procedures = useLoad<{ items: ProcedureFull[] }>("/v1/procedures");
  const [code, setCode] = useState("");
  const chosen = procedures.data?.items.find((p) => p.code === code) ?? null;
  const standard = useLoad<ProcessDef>(chosen ? `/v1/admin/processes/${encodeURIComponent(chosen.process_code)}` : null);
  const [draft, setDraft] = useState<ProcessDef | null>(null);
  const [additions, setAdditions] = useState<Addition[]>([]);
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!standard.data) return setDraft(null);
    const copy = JSON.parse(JSON.stringify(standard.data)) as ProcessDef;
    setDraft({ ...copy, name: `${copy.name} — ${provinceName(province)}` });
  }, [standard.data, province]);

  const setStep = (index: number, name: string, deadline: Duration | null) => {
    if (!draft) return;
    setDraft({ ...draft, steps: draft.steps.map((s, i) => (i === index ? { ...s, name, deadline } : s)) });
  };
  const setAddition = (index: number, changed: Partial<Addition>) => setAdditions(additions.map((a, i) => (i === index ? { ...a, ...changed } : a)));

  const send = async () => {
    if (!draft || !chosen || !standard.data) return;
    setBusy(true);
    setErrors(null);
    try {
      const created = await api<Proposal>("/v1/admin/variants", {
        method: "POST",
        body: { procedure_code: chosen.code, province_code: province, base_version: standard.data.version, process: draft, eform_additions: additions, note },
      });
      announce(`Đã gửi đề xuất số ${created.number} cho cấp bộ phê duyệt.`);
      navigate(href(proposalPath(created)));
    } catch (e) {
      setErrors(toFormErrors(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading title="Đề xuất quy trình riêng">Đề xuất quy trình riêng của {provinceName(province)}</PageHeading>
      <ErrorSummary errors={errors} />
      {procedures.error ? <ErrorMessage>{procedures.error}</ErrorMessage> : null}
      <div className="form-grid">
        <Field id="variant-procedure" label="Thủ tục" required>
          {(aria) => (
            <select {...aria} value={code} onChange={(e) => setCode(e.target.value)}>
              <option value="">— Chọn thủ tục —</option>
              {(procedures.data?.items ?? []).map((p) => (
                <option key={p.code} value={p.code}>
                  {p.code} — {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {chosen && !draft ? <Loading what="quy trình chuẩn" /> : null}
      {draft && standard.data ? (
        <>
          <p>
            Bản sao của quy trình chuẩn <strong>{standard.data.code}</strong> phiên bản {standard.data.version}: {standard.data.name}.
          </p>
          <div className="form-grid">
            <Field id="variant-name" label="Tên quy trình riêng" required wide>
              {(aria) => <input {...aria} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />}
            </Field>
          </div>
          <div className="table-scroll">
            <table>
              <caption>Các bước (sửa tên, thời hạn)</caption>
              <thead>
                <tr>
                  <th scope="col">Bước</th>
                  <th scope="col">Tên bước</th>
                  <th scope="col">Thời hạn</th>
                  <th scope="col">Đơn vị thời hạn</th>
                </tr>
              </thead>
              <tbody>
                {draft.steps.map((s, i) => (
                  <tr key={s.id}>
                    <th scope="row">{s.id}</th>
                    <td>
                      <label className="visually-hidden" htmlFor={`step-name-${s.id}`}>
                        Tên bước {s.id}
                      </label>
                      <input id={`step-name-${s.id}`} value={s.name} onChange={(e) => setStep(i, e.target.value, s.deadline)} />
                    </td>
                    <td>
                      <label className="visually-hidden" htmlFor={`step-deadline-${s.id}`}>
                        Thời hạn bước {s.id}
                      </label>
                      <input
                        id={`step-deadline-${s.id}`}
                        type="number"
                        min={0}
                        inputMode="numeric"
                        value={s.deadline?.value ?? ""}
                        onChange={(e) => setStep(i, s.name, e.target.value === "" ? null : { value: Number(e.target.value), unit: s.deadline?.unit ?? "working_days" })}
                      />
                    </td>
                    <td>
                      <label className="visually-hidden" htmlFor={`step-unit-${s.id}`}>
                        Đơn vị thời hạn bước {s.id}
                      </label>
                      <select id={`step-unit-${s.id}`} value={s.deadline?.unit ?? "working_days"} disabled={!s.deadline} onChange={(e) => s.deadline && setStep(i, s.name, { value: s.deadline.value, unit: e.target.value as Duration["unit"] })}>
                        {Object.entries(DURATION_UNIT_LABELS).map(([value, label]) => (
                          <option key={value} value={value}>
                            {label}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <fieldset>
            <legend>Trường bổ sung vào biểu mẫu điện tử</legend>
            {additions.length === 0 ? <p className="muted">Chưa có trường bổ sung.</p> : null}
            {additions.map((a, i) => (
              <div key={i} className="form-grid" role="group" aria-label={`Trường bổ sung ${i + 1}`}>
                <Field id={`add-label-${i}`} label="Nhãn trường" required>
                  {(aria) => <input {...aria} value={a.label} onChange={(e) => setAddition(i, { label: e.target.value })} />}
                </Field>
                <Field id={`add-key-${i}`} label="Mã trường" hint="chữ thường không dấu, số, dấu _" required>
                  {(aria) => <input {...aria} value={a.key} onChange={(e) => setAddition(i, { key: e.target.value })} />}
                </Field>
                <Field id={`add-type-${i}`} label="Kiểu">
                  {(aria) => (
                    <select {...aria} value={a.type} onChange={(e) => setAddition(i, { type: e.target.value })}>
                      {Object.entries(FIELD_TYPES).map(([value, label]) => (
                        <option key={value} value={value}>
                          {label}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <div className="field">
                  <label>
                    <input type="checkbox" checked={a.required} onChange={(e) => setAddition(i, { required: e.target.checked })} /> Bắt buộc
                  </label>
                  <button type="button" onClick={() => setAdditions(additions.filter((_, j) => j !== i))}>
                    Xóa trường {i + 1}
                  </button>
                </div>
              </div>
            ))}
            <button type="button" onClick={() => setAdditions([...additions, { key: "", label: "", type: "text", required: false }])}>
              Thêm trường
            </button>
          </fieldset>
          <Field id="variant-note" label="Lý do, căn cứ pháp lý của địa phương" required wide>
            {(aria) => <textarea {...aria} rows={3} value={note} onChange={(e) => setNote(e.target.value)} />}
          </Field>
          <p>
            <button type="button" className="primary" disabled={busy} onClick={() => void send()}>
              Gửi đề xuất
            </button>
          </p>
        </>
      ) : null}
    </>
  );
}

function ProposalView({ procedure, province, number, ministry }: { procedure: string; province: string; number: number; ministry: boolean }) {
  const path = `/v1/admin/variants/${encodeURIComponent(procedure)}/${encodeURIComponent(province)}/proposals/${number}`;
  const { data, error, reload } = useLoad<Detail>(path);
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const decide = async (decision: "approve" | "reject") => {
    setBusy(true);
    setErrors(null);
    try {
      const decided = await api<Proposal>(`${path}/${decision}`, { method: "POST", body: decision === "reject" ? { reason } : undefined });
      const message = decision === "approve" ? `Đã phê duyệt: quy trình riêng phiên bản ${decided.approved_version} áp dụng từ nay.` : "Đã từ chối đề xuất.";
      setDone(message); // a live region of its own (role=status)
      reload();
    } catch (e) {
      setErrors(toFormErrors(e));
    } finally {
      setBusy(false);
    }
  };

  if (error) return <ErrorMessage>{error}</ErrorMessage>;
  if (!data) return <Loading what="đề xuất" />;
  const p = data.proposal;
  const added = p.eform_additions ?? [];
  return (
    <>
      <PageHeading title={`Đề xuất quy trình riêng số ${p.number}`}>
        Đề xuất số {p.number}: {p.procedure_code} — {provinceName(p.province_code)}
      </PageHeading>
      {done ? <Success>{done}</Success> : null}
      <ErrorSummary errors={errors} />
      <dl className="facts">
        <dt>Trạng thái</dt>
        <dd>
          {STATUS_LABELS[p.status]}
          {p.approved_version ? ` — quy trình ${p.process.code} phiên bản ${p.approved_version}` : ""}
        </dd>
        <dt>Quy trình chuẩn</dt>
        <dd>
          {p.base_code} phiên bản {p.base_version}
          {data.standard_latest_version !== p.base_version ? ` (hiện nay bộ đã ban hành phiên bản ${data.standard_latest_version})` : ""}
        </dd>
        <dt>Lý do, căn cứ</dt>
        <dd>{p.note}</dd>
        {p.reason ? (
          <>
            <dt>Lý do từ chối</dt>
            <dd>{p.reason}</dd>
          </>
        ) : null}
      </dl>
      <div className="table-scroll">
        <table>
          <caption>So sánh với quy trình chuẩn</caption>
          <thead>
            <tr>
              <th scope="col">Bước</th>
              <th scope="col">Quy trình chuẩn</th>
              <th scope="col">Đề xuất của tỉnh</th>
              <th scope="col">Thay đổi</th>
            </tr>
          </thead>
          <tbody>
            {data.changes.map((c) => (
              <tr key={c.step_id} className={c.changed ? "row-changed" : undefined}>
                <th scope="row">{c.step_id}</th>
                <td>{c.standard ?? "—"}</td>
                <td>{c.variant ?? "— (bỏ bước này)"}</td>
                <td>{c.changed ? <strong>Có thay đổi</strong> : "Giữ nguyên"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Trường bổ sung vào biểu mẫu</h2>
      {added.length ? (
        <ul>
          {added.map((f) => (
            <li key={f.key}>
              {f.label} ({f.key}, {FIELD_TYPES[f.type] ?? f.type}
              {f.required ? ", bắt buộc" : ""})
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">Không bổ sung trường nào.</p>
      )}
      {ministry && p.status === "pending" ? (
        <section aria-labelledby="decide-heading">
          <h2 id="decide-heading">Quyết định</h2>
          <p>
            <button type="button" className="primary" disabled={busy} onClick={() => void decide("approve")}>
              Phê duyệt
            </button>
          </p>
          <Field id="reject-reason" label="Lý do từ chối" hint="Bắt buộc khi từ chối" wide>
            {(aria) => <textarea {...aria} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          <p>
            <button type="button" disabled={busy} onClick={() => void decide("reject")}>
              Từ chối
            </button>
          </p>
        </section>
      ) : null}
      <p>
        <a href={href(["quan-tri", "quy-trinh-dia-phuong"])}>Về danh sách đề xuất</a>
      </p>
    </>
  );
}
