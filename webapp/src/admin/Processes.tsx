// Processes (FR-4.2, FR-7, FR-9): the list of published processes, and an editor that works on a
// draft of the next version. The draft is drawn as a diagram; "Kiểm tra" asks the server's
// validator (POST /v1/admin/processes/check) and its errors appear on the step or transition they
// concern, in the diagram, in its table and beside the fields; "Ban hành" publishes the version
// (immutable once published).

import { useEffect, useMemo, useState } from "react";

import { api } from "../api";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { errorKey, groupErrors, ProcessDiagram } from "../components/ProcessDiagram";
import { useApp } from "../context";
import { formatDateTime } from "../format";
import type { Schema } from "../query";
import { href, navigate } from "../router";
import { STATUS_LABELS } from "../statuses";
import type { Duration } from "../types";
import {
  type ActionDef,
  DURATION_UNIT_LABELS,
  ErrorSummary,
  Field,
  type FormErrors,
  type ProcessDef,
  type ProcessErrorItem,
  type ProcessSummary,
  type ProcessVersion,
  type StepDef,
  toFormErrors,
  useLoad,
} from "./common";
import { DeadlineWarnings } from "./DeadlineWarnings";

export const ACTION_KIND_LABELS: Record<string, string> = {
  receive: "Tiếp nhận",
  refuse_intake: "Từ chối tiếp nhận",
  request_correction: "Yêu cầu chỉnh sửa, bổ sung trước khi tiếp nhận",
  assign: "Phân công",
  reassign: "Phân công lại",
  submit: "Chuyển bước / trình",
  appraise: "Thẩm định",
  consult: "Xin ý kiến",
  record_opinion: "Tiếp tục xử lý sau khi xin ý kiến",
  request_supplement: "Yêu cầu bổ sung hồ sơ",
  receive_supplement: "Tiếp nhận hồ sơ bổ sung",
  request_payment: "Yêu cầu thực hiện nghĩa vụ tài chính",
  confirm_payment: "Xác nhận đã thực hiện nghĩa vụ tài chính",
  propose_refusal: "Đề xuất từ chối giải quyết",
  approve: "Phê duyệt",
  return: "Trả lại bước trước",
  refuse: "Từ chối giải quyết",
  stop: "Dừng xử lý",
  withdraw: "Rút hồ sơ theo yêu cầu",
  extend: "Gia hạn thời gian xử lý",
  sign: "Ký số",
  issue_result: "Phát hành kết quả",
  deliver_result: "Trả kết quả",
};

const STEP_ROLES = ["desk", "head", "appraiser", "leader", "clerk"];

export function ProcessesScreen({ rest, params, ministry }: { rest: string[]; params: URLSearchParams; ministry: boolean }) {
  const [first] = rest;
  if (!first) return <ProcessList ministry={ministry} />;
  if (first === "moi") return <ProcessEditor key={`new-${params.get("tu") ?? ""}`} code={params.get("tu") ?? ""} fresh ministry={ministry} />;
  const version = params.get("phien-ban");
  return <ProcessEditor key={`${first}-${version ?? ""}`} code={first} version={version ? Number(version) : undefined} ministry={ministry} />;
}

function ProcessList({ ministry }: { ministry: boolean }) {
  const { data, error } = useLoad<{ items: ProcessSummary[] }>("/v1/admin/processes");
  return (
    <>
      <PageHeading title="Quy trình">Quy trình xử lý và sơ đồ</PageHeading>
      <p className="lead">
        Mỗi phiên bản đã ban hành không thay đổi: hồ sơ giữ phiên bản quy trình lúc bắt đầu. Sửa một quy trình là soạn phiên bản tiếp theo.
      </p>
      {error ? <ErrorMessage>{error}</ErrorMessage> : null}
      {!data && !error ? <Loading what="danh sách quy trình" /> : null}
      {data ? (
        <div className="table-scroll">
          <table>
            <caption>Các quy trình đã ban hành ({data.items.length})</caption>
            <thead>
              <tr>
                <th scope="col">Mã</th>
                <th scope="col">Tên quy trình</th>
                <th scope="col">Phiên bản mới nhất</th>
                <th scope="col">Ban hành lúc</th>
                <th scope="col">Thao tác</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((p) => (
                <tr key={p.code}>
                  <th scope="row">{p.code}</th>
                  <td>{p.name}</td>
                  <td>
                    {p.latest_version} <span className="muted">(các phiên bản: {p.versions.join(", ")})</span>
                  </td>
                  <td>{formatDateTime(p.published_at)}</td>
                  <td>
                    <a href={href(["quan-tri", "quy-trinh", p.code])}>
                      {ministry ? "Xem, sửa" : "Xem"}
                      <span className="visually-hidden"> quy trình {p.name}</span>
                    </a>
                    {ministry ? (
                      <>
                        {" · "}
                        <a href={href(["quan-tri", "quy-trinh", "moi"], { tu: p.code })}>
                          Tạo quy trình mới từ quy trình này<span className="visually-hidden"> ({p.name})</span>
                        </a>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

function withoutPublication(p: ProcessDef): ProcessDef {
  const copy: ProcessDef = JSON.parse(JSON.stringify(p));
  delete copy.published_at;
  delete copy.published_by;
  return copy;
}

function ProcessEditor({ code, version, fresh = false, ministry }: { code: string; version?: number; fresh?: boolean; ministry: boolean }) {
  const { announce } = useApp();
  const path = code ? `/v1/admin/processes/${encodeURIComponent(code)}${version ? `?version=${version}` : ""}` : null;
  const loaded = useLoad<ProcessDef>(path);
  const versions = useLoad<{ items: ProcessVersion[] }>(code && !fresh ? `/v1/admin/processes/${encodeURIComponent(code)}/versions` : null);
  const latest = versions.data ? Math.max(...versions.data.items.map((v) => v.version)) : null;
  const [draft, setDraft] = useState<ProcessDef | null>(null);
  const [selected, setSelected] = useState<string>("");
  const [checked, setChecked] = useState<ProcessErrorItem[] | null>(null);
  const [warnings, setWarnings] = useState<Schema<"DeadlineWarning">[]>([]);
  const [formErrors, setFormErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const [published, setPublished] = useState<string | null>(null);

  useEffect(() => {
    if (!loaded.data) return;
    const base = withoutPublication(loaded.data);
    if (fresh) {
      base.code = "";
      base.version = 1;
      base.name = `${base.name} (bản sao)`;
      base.procedure_codes = [];
    }
    setDraft(base);
    setSelected(base.steps[0]?.id ?? "");
  }, [loaded.data, fresh]);

  useEffect(() => {
    if (draft && !fresh && latest !== null && draft.version <= latest && !version) setDraft({ ...draft, version: latest + 1 });
  }, [latest, draft, fresh, version]);

  // A new version is checked against the latest status chart (FR-4.2): the draft names it.
  const chart = useLoad<Schema<"CurrentChart">>(ministry ? "/v1/admin/status-chart" : null);
  const chartVersion = chart.data?.latest_version ?? null;
  useEffect(() => {
    if (draft && chartVersion !== null && draft.chart_version !== chartVersion) setDraft({ ...draft, chart_version: chartVersion });
  }, [chartVersion, draft]);

  // Checked and published against the latest chart: until its version is known, nothing is sent.
  const chartPending = ministry && chartVersion === null && !chart.error;
  const againstChart = (def: ProcessDef): ProcessDef => (chartVersion === null ? def : { ...def, chart_version: chartVersion });

  const grouped = useMemo(() => groupErrors(checked ?? []), [checked]);
  if (loaded.error) return <ErrorMessage>{loaded.error}</ErrorMessage>;
  if (!draft) return <Loading what="quy trình" />;

  const readOnly = !ministry || (version !== undefined && latest !== null && version !== latest + 1 && !fresh);
  const update = (next: ProcessDef) => {
    setDraft(next);
    setPublished(null);
  };
  const step = draft.steps.find((s) => s.id === selected) ?? null;
  const stepIndex = step ? draft.steps.indexOf(step) : -1;
  const setStep = (changed: StepDef) => {
    const steps = draft.steps.map((s, i) => (i === stepIndex ? changed : s));
    const renamed = step && changed.id !== step.id;
    update({
      ...draft,
      steps: renamed ? steps.map((s) => ({ ...s, actions: s.actions.map((a) => (a.to_step === step.id ? { ...a, to_step: changed.id } : a)) })) : steps,
      start_step: renamed && draft.start_step === step.id ? changed.id : draft.start_step,
      direct_start_step: renamed && draft.direct_start_step === step.id ? changed.id : draft.direct_start_step,
    });
    if (renamed) setSelected(changed.id);
  };

  const check = async () => {
    setBusy(true);
    setFormErrors(null);
    try {
      const answer = await api<Schema<"ProcessCheck">>("/v1/admin/processes/check", { method: "POST", body: againstChart(draft) });
      setChecked(answer.errors);
      setWarnings(answer.warnings ?? []);
      // Valid: the success message below is a live region of its own; errors are announced here.
      if (!answer.ok) announce(`Quy trình có ${answer.errors.length} lỗi, xem trên sơ đồ.`);
    } catch (e) {
      setFormErrors(toFormErrors(e));
    } finally {
      setBusy(false);
    }
  };

  const publish = async () => {
    setBusy(true);
    setFormErrors(null);
    try {
      const answer = await api<ProcessDef>("/v1/admin/processes", { method: "POST", body: againstChart(draft) });
      const done = `Đã ban hành quy trình ${answer.code} phiên bản ${answer.version}.`;
      setChecked([]);
      if (fresh || answer.code !== code) {
        const target = href(["quan-tri", "quy-trinh", answer.code]);
        announce(done, target);
        navigate(target);
      } else {
        setPublished(done);
        versions.reload();
        setDraft({ ...withoutPublication(answer), version: answer.version + 1 });
      }
    } catch (e) {
      setFormErrors(toFormErrors(e));
      // The server repeats the validator's errors: draw them where they are.
      const again = await api<{ ok: boolean; errors: ProcessErrorItem[] }>("/v1/admin/processes/check", { method: "POST", body: draft }).catch(() => null);
      if (again) setChecked(again.errors);
    } finally {
      setBusy(false);
    }
  };

  const stepOptions = draft.steps.map((s) => (
    <option key={s.id} value={s.id}>
      {s.name} ({s.id})
    </option>
  ));

  return (
    <>
      <PageHeading title={`Quy trình ${draft.name}`}>
        {fresh ? "Quy trình mới" : `Quy trình ${draft.code}`}: {draft.name}
      </PageHeading>
      {readOnly ? (
        <p className="alert alert-info">
          {ministry ? `Đang xem phiên bản ${version} đã ban hành (không sửa được). ` : "Quản trị cấp tỉnh chỉ xem quy trình. "}
          {ministry && code ? <a href={href(["quan-tri", "quy-trinh", code])}>Soạn phiên bản tiếp theo</a> : null}
        </p>
      ) : (
        <p className="lead">
          Đang soạn phiên bản {draft.version}
          {latest ? ` (phiên bản hiện hành: ${latest})` : ""}. Sửa các bước bên dưới, bấm “Kiểm tra quy trình” để xem lỗi trên sơ đồ, rồi “Ban hành”.
        </p>
      )}
      {published ? (
        <div className="alert alert-success" role="status">
          <strong>{published}</strong>
        </div>
      ) : null}
      <ErrorSummary errors={formErrors} />
      {checked && checked.length === 0 && !published ? (
        <div className="alert alert-success" role="status">
          <strong>Quy trình hợp lệ, có thể ban hành.</strong>
        </div>
      ) : null}

      <DeadlineWarnings warnings={warnings} />

      <ProcessDiagram
        process={draft}
        errors={grouped}
        selected={selected}
        onSelectStep={(id) => {
          setSelected(id);
          const picker = document.getElementById("step-pick");
          picker?.scrollIntoView({ block: "start" });
          picker?.focus();
        }}
        title="Sơ đồ quy trình"
      />

      <fieldset className="group" disabled={readOnly}>
        <legend>Thông tin chung</legend>
        <div className="grid">
          <Field id="p-code" label="Mã quy trình" required hint="Chữ, số, dấu chấm, gạch ngang; không đổi sau khi ban hành.">
            {(aria) => <input type="text" {...aria} value={draft.code} readOnly={!fresh} onChange={(e) => update({ ...draft, code: e.target.value })} />}
          </Field>
          <Field id="p-name" label="Tên quy trình" required>
            {(aria) => <input type="text" {...aria} value={draft.name} onChange={(e) => update({ ...draft, name: e.target.value })} />}
          </Field>
          <DurationField id="p-deadline" label="Thời hạn giải quyết theo quy định" value={draft.legal_deadline} onChange={(d) => update({ ...draft, legal_deadline: d })} />
          <Field id="p-start" label="Bước bắt đầu (hồ sơ trực tuyến)" required>
            {(aria) => (
              <select {...aria} value={draft.start_step} onChange={(e) => update({ ...draft, start_step: e.target.value })}>
                {stepOptions}
              </select>
            )}
          </Field>
          <Field id="p-direct" label="Bước bắt đầu (hồ sơ trực tiếp, bưu chính)">
            {(aria) => (
              <select {...aria} value={draft.direct_start_step ?? ""} onChange={(e) => update({ ...draft, direct_start_step: e.target.value || null })}>
                <option value="">Như hồ sơ trực tuyến</option>
                {stepOptions}
              </select>
            )}
          </Field>
          <Field id="p-procedures" label="Mã thủ tục áp dụng" hint="Cách nhau bởi dấu phẩy, ví dụ: 1.001193, 1.004222">
            {(aria) => (
              <input
                type="text"
                {...aria}
                value={draft.procedure_codes.join(", ")}
                onChange={(e) => update({ ...draft, procedure_codes: e.target.value.split(",").map((s) => s.trim()).filter(Boolean) })}
              />
            )}
          </Field>
          <Field id="p-description" label="Mô tả" wide>
            {(aria) => <textarea {...aria} rows={2} value={draft.description} onChange={(e) => update({ ...draft, description: e.target.value })} />}
          </Field>
        </div>
      </fieldset>

      <section id="step-editor" aria-labelledby="step-editor-title" style={{ scrollMarginTop: "1rem" }}>
        <h2 id="step-editor-title">Các bước của quy trình</h2>
        <div className="inline-form" style={{ display: "flex", flexWrap: "wrap", gap: "0.5rem", alignItems: "end" }}>
          <Field id="step-pick" label="Bước đang xem, sửa">
            {(aria) => (
              <select {...aria} value={selected} onChange={(e) => setSelected(e.target.value)}>
                {stepOptions}
              </select>
            )}
          </Field>
          {!readOnly ? (
            <button
              type="button"
              className="button-secondary"
              onClick={() => {
                let n = draft.steps.length + 1;
                while (draft.steps.some((s) => s.id === `buoc_moi_${n}`)) n += 1;
                const id = `buoc_moi_${n}`;
                update({ ...draft, steps: [...draft.steps, { id, name: `Bước mới ${n}`, role: "appraiser", status: 4, deadline: null, actions: [], tt11: { position: "", department: "" } }] });
                setSelected(id);
              }}
            >
              Thêm bước
            </button>
          ) : null}
        </div>
        {step ? (
          <StepEditor
            key={stepIndex}
            step={step}
            steps={draft.steps}
            readOnly={readOnly}
            errors={grouped}
            onChange={setStep}
            onRemove={() => {
              update({ ...draft, steps: draft.steps.filter((_, i) => i !== stepIndex) });
              setSelected(draft.steps.find((_, i) => i !== stepIndex)?.id ?? "");
            }}
          />
        ) : null}
      </section>

      {!readOnly ? (
        <div className="form-actions">
          <button type="button" className="button-secondary" onClick={check} disabled={busy || chartPending}>
            Kiểm tra quy trình
          </button>
          <button type="button" onClick={publish} disabled={busy || chartPending}>
            Ban hành phiên bản {draft.version}
          </button>
        </div>
      ) : null}

      {versions.data ? (
        <section aria-labelledby="versions-title">
          <h2 id="versions-title">Các phiên bản đã ban hành</h2>
          <div className="table-scroll">
            <table>
              <caption>Lịch sử phiên bản của quy trình {code}</caption>
              <thead>
                <tr>
                  <th scope="col">Phiên bản</th>
                  <th scope="col">Tên</th>
                  <th scope="col">Số bước</th>
                  <th scope="col">Ban hành lúc</th>
                </tr>
              </thead>
              <tbody>
                {versions.data.items.map((v) => (
                  <tr key={v.version}>
                    <th scope="row">
                      <a href={href(["quan-tri", "quy-trinh", v.code], { "phien-ban": v.version })}>Phiên bản {v.version}</a>
                    </th>
                    <td>{v.name}</td>
                    <td>{v.steps}</td>
                    <td>{formatDateTime(v.published_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </>
  );
}

function DurationField({ id, label, value, onChange }: { id: string; label: string; value: Duration | null; onChange: (d: Duration | null) => void }) {
  return (
    <fieldset className="field" style={{ border: 0, padding: 0, margin: "0.5rem 0" }}>
      <legend>{label}</legend>
      <div style={{ display: "flex", gap: "0.5rem", flexWrap: "wrap" }}>
        <label htmlFor={`${id}-value`} className="visually-hidden">
          Số lượng
        </label>
        <input
          id={`${id}-value`}
          type="number"
          min={0}
          style={{ width: "6rem" }}
          value={value ? value.value : ""}
          placeholder="Không"
          onChange={(e) => onChange(e.target.value === "" ? null : { value: Math.max(0, Number(e.target.value)), unit: value?.unit ?? "working_days" })}
        />
        <label htmlFor={`${id}-unit`} className="visually-hidden">
          Đơn vị thời gian
        </label>
        <select id={`${id}-unit`} style={{ width: "auto" }} value={value?.unit ?? "working_days"} onChange={(e) => onChange({ value: value?.value ?? 0, unit: e.target.value as Duration["unit"] })}>
          {Object.entries(DURATION_UNIT_LABELS).map(([unit, text]) => (
            <option key={unit} value={unit}>
              {text}
            </option>
          ))}
        </select>
      </div>
      <p className="hint">Để trống nếu không tính thời hạn.</p>
    </fieldset>
  );
}

interface StepEditorProps {
  step: StepDef;
  steps: StepDef[];
  readOnly: boolean;
  errors: Record<string, string[]>;
  onChange: (step: StepDef) => void;
  onRemove: () => void;
}

function StepEditor({ step, steps, readOnly, errors, onChange, onRemove }: StepEditorProps) {
  const { roleLabel } = useApp();
  const stepErrors = errors[step.id] ?? [];
  const setAction = (index: number, action: ActionDef) => onChange({ ...step, actions: step.actions.map((a, i) => (i === index ? action : a)) });
  return (
    <fieldset className="group" disabled={readOnly} data-step-editor={step.id}>
      <legend>Bước “{step.name}”</legend>
      {stepErrors.length ? (
        <ul className="error-list" aria-label="Lỗi của bước này">
          {stepErrors.map((m, i) => (
            <li key={i} className="error">
              <span aria-hidden="true">⚠ </span>
              {m}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="grid">
        <Field id="s-id" label="Mã bước" required hint="Chữ thường không dấu, số, “_” hoặc “-”.">
          {(aria) => <input type="text" {...aria} value={step.id} onChange={(e) => onChange({ ...step, id: e.target.value })} />}
        </Field>
        <Field id="s-name" label="Tên bước" required>
          {(aria) => <input type="text" {...aria} value={step.name} onChange={(e) => onChange({ ...step, name: e.target.value })} />}
        </Field>
        <Field id="s-role" label="Vai trò xử lý" required>
          {(aria) => (
            <select {...aria} value={step.role} onChange={(e) => onChange({ ...step, role: e.target.value })}>
              {STEP_ROLES.map((r) => (
                <option key={r} value={r}>
                  {roleLabel(r)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="s-status" label="Trạng thái hiển thị trên Cổng DVCQG" required>
          {(aria) => (
            <select {...aria} value={step.status} onChange={(e) => onChange({ ...step, status: Number(e.target.value) })}>
              {Object.entries(STATUS_LABELS).map(([code, text]) => (
                <option key={code} value={code}>
                  {code} — {text}
                </option>
              ))}
            </select>
          )}
        </Field>
        <DurationField id="s-deadline" label="Thời hạn của bước" value={step.deadline} onChange={(d) => onChange({ ...step, deadline: d })} />
        <Field id="s-position" label="Vị trí xử lý (hiển thị trên DVCQG)">
          {(aria) => <input type="text" {...aria} value={step.tt11.position} onChange={(e) => onChange({ ...step, tt11: { ...step.tt11, position: e.target.value } })} />}
        </Field>
        <Field id="s-department" label="Phòng ban">
          {(aria) => <input type="text" {...aria} value={step.tt11.department} onChange={(e) => onChange({ ...step, tt11: { ...step.tt11, department: e.target.value } })} />}
        </Field>
      </div>

      <h3>Thao tác chuyển bước ({step.actions.length})</h3>
      {step.actions.length === 0 ? <p className="muted">Không có thao tác: đây là bước kết thúc.</p> : null}
      {step.actions.map((action, index) => {
        const problems = errors[errorKey(step.id, action.id)] ?? [];
        const id = (name: string) => `a-${index}-${name}`;
        return (
          <fieldset key={index} className="table-row" data-action={action.id} data-error={problems.length ? "true" : undefined} style={problems.length ? { borderColor: "var(--danger)", borderWidth: 2 } : undefined}>
            <legend>
              Thao tác {index + 1}: {action.label}
            </legend>
            {problems.length ? (
              <ul className="error-list" aria-label={`Lỗi của thao tác ${action.label}`}>
                {problems.map((m, i) => (
                  <li key={i} className="error">
                    <span aria-hidden="true">⚠ </span>
                    {m}
                  </li>
                ))}
              </ul>
            ) : null}
            <div className="grid">
              <Field id={id("id")} label="Mã thao tác" required>
                {(aria) => <input type="text" {...aria} value={action.id} onChange={(e) => setAction(index, { ...action, id: e.target.value })} />}
              </Field>
              <Field id={id("label")} label="Tên hiển thị" required>
                {(aria) => <input type="text" {...aria} value={action.label} onChange={(e) => setAction(index, { ...action, label: e.target.value })} />}
              </Field>
              <Field id={id("kind")} label="Loại thao tác" required>
                {(aria) => (
                  <select {...aria} value={action.kind} onChange={(e) => setAction(index, { ...action, kind: e.target.value })}>
                    {Object.entries(ACTION_KIND_LABELS).map(([kind, text]) => (
                      <option key={kind} value={kind}>
                        {text}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field id={id("to")} label="Chuyển tới bước" required>
                {(aria) => (
                  <select {...aria} value={action.to_step} onChange={(e) => setAction(index, { ...action, to_step: e.target.value })}>
                    {steps.some((s) => s.id === action.to_step) ? null : <option value={action.to_step}>(không tồn tại: {action.to_step})</option>}
                    {steps.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field id={id("role")} label="Người thực hiện">
                {(aria) => (
                  <select {...aria} value={action.role ?? ""} onChange={(e) => setAction(index, { ...action, role: e.target.value || null })}>
                    <option value="">Vai trò của bước</option>
                    {STEP_ROLES.map((r) => (
                      <option key={r} value={r}>
                        {roleLabel(r)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field id={id("max")} label="Số lần tối đa mỗi hồ sơ" hint="Để trống: không giới hạn.">
                {(aria) => (
                  <input
                    type="number"
                    min={1}
                    {...aria}
                    value={action.max_times ?? ""}
                    onChange={(e) => setAction(index, { ...action, max_times: e.target.value === "" ? null : Number(e.target.value) })}
                  />
                )}
              </Field>
              <div className="field field-checkbox">
                <div className="choice">
                  <input id={id("reason")} type="checkbox" checked={action.requires_reason} onChange={(e) => setAction(index, { ...action, requires_reason: e.target.checked })} />{" "}
                  <label htmlFor={id("reason")}>Bắt buộc nhập lý do</label>
                </div>
                <div className="choice">
                  <input id={id("recompute")} type="checkbox" checked={action.recompute_deadline} onChange={(e) => setAction(index, { ...action, recompute_deadline: e.target.checked })} />{" "}
                  <label htmlFor={id("recompute")}>Tính lại toàn bộ thời hạn khi rời trạng thái tạm dừng</label>
                </div>
              </div>
            </div>
            {!readOnly ? (
              <button type="button" className="button-secondary button-remove" onClick={() => onChange({ ...step, actions: step.actions.filter((_, i) => i !== index) })}>
                Xóa thao tác “{action.label}”
              </button>
            ) : null}
          </fieldset>
        );
      })}
      {!readOnly ? (
        <div className="form-actions">
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              let n = step.actions.length + 1;
              while (step.actions.some((a) => a.id === `thao_tac_${n}`)) n += 1;
              onChange({
                ...step,
                actions: [...step.actions, { id: `thao_tac_${n}`, kind: "submit", label: "Chuyển bước", to_step: steps[0]?.id ?? "", role: null, requires_reason: false, max_times: null, recompute_deadline: false }],
              });
            }}
          >
            Thêm thao tác
          </button>
          <button type="button" className="button-danger" onClick={onRemove}>
            Xóa bước “{step.name}”
          </button>
        </div>
      ) : null}
    </fieldset>
  );
}
