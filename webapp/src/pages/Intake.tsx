import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";

import { ApiError, api, errorMessage } from "../api";
import { getProcedure, getProcedures, proceduresOf } from "../catalogue";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { DRAFT_TTL_DAYS, type Draft, deleteDraft, listDrafts, loadDraft, saveDraft } from "../drafts";
import { APPLICANT_DEFAULTS, type ApplicantValues, applicantFields } from "../eform/applicant";
import { FieldInput, TableInput } from "../eform/Fields";
import { emptyValues, FORM_PREFIX, fieldPath, type FormValues, inputId, mergeValues, type Row, type Scalar } from "../eform/model";
import { conditionallyRequired, type FieldError, fieldProblem, toPayload, validateForm } from "../eform/validate";
import { formatDateTime, formatDuration, formatMoney, todayVn } from "../format";
import { href, navigate } from "../router";
import type { DossierView, Procedure, ProcedureDetail } from "../types";

const SEARCH_DELAY_MS = 300;

function matches(procedure: Procedure, words: string[]): boolean {
  const text = `${procedure.code} ${procedure.name} ${procedure.field_name}`.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  return words.every((w) => text.includes(w));
}

/** Step 1 of desk intake: the officer's drafts, and the procedures this unit receives. */
export function ProcedurePicker() {
  const { unit, session } = useApp();
  const [procedures, setProcedures] = useState<Procedure[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState("");
  const [applied, setApplied] = useState("");
  const drafts = useMemo(() => listDrafts(session.sub, unit), [session.sub, unit]);

  useEffect(() => {
    getProcedures()
      .then((all) => setProcedures(proceduresOf(unit, all)))
      .catch((caught: unknown) => setError(errorMessage(caught)));
  }, [unit]);
  useEffect(() => {
    const timer = window.setTimeout(() => setApplied(filter), SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [filter]);

  const words = applied
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);
  const shown = (procedures ?? []).filter((p) => matches(p, words));

  return (
    <>
      <PageHeading title="Tiếp nhận hồ sơ trực tiếp">Tiếp nhận hồ sơ trực tiếp</PageHeading>
      {drafts.length > 0 && (
        <section aria-labelledby="drafts-title" className="card">
          <h2 id="drafts-title">Bản nháp đang lưu</h2>
          <ul className="plain">
            {drafts.map((draft) => (
              <li key={draft.procedureCode}>
                <a href={href(["tiep-nhan", draft.procedureCode])}>
                  {draft.procedureName} — lưu lúc {formatDateTime(draft.savedAt)}
                </a>
              </li>
            ))}
          </ul>
          <p className="hint">Bản nháp được lưu trên máy này trong {DRAFT_TTL_DAYS} ngày.</p>
        </section>
      )}
      <section aria-labelledby="procedures-title">
        <h2 id="procedures-title">Chọn thủ tục hành chính</h2>
        <div className="field">
          <label htmlFor="procedure-filter">Tìm thủ tục</label>
          <p className="hint" id="procedure-filter-hint">
            Gõ mã hoặc tên thủ tục, có dấu hoặc không dấu.
          </p>
          <input
            id="procedure-filter"
            type="search"
            value={filter}
            autoComplete="off"
            aria-describedby="procedure-filter-hint procedure-count"
            onChange={(event) => setFilter(event.target.value)}
          />
        </div>
        {error && <ErrorMessage>{error}</ErrorMessage>}
        {!procedures && !error && <Loading what="danh mục thủ tục" />}
        {procedures && (
          <>
            <p id="procedure-count" role="status" className="muted">
              {shown.length} thủ tục
            </p>
            <ul className="procedure-list">
              {shown.map((procedure) => (
                <li key={procedure.code}>
                  <a href={href(["tiep-nhan", procedure.code])}>
                    <span className="procedure-name">{procedure.name}</span>
                    <span className="muted">
                      {" "}
                      — mã {procedure.code}, lĩnh vực {procedure.field_name}
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  );
}

interface DraftData {
  applicant: ApplicantValues;
  values: unknown;
}

/** Step 2: the applicant and the procedure's eForm, checked here and by the API. */
export function IntakeForm({ procedureCode }: { procedureCode: string }) {
  const { unit, session, announce } = useApp();
  const [detail, setDetail] = useState<ProcedureDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [applicant, setApplicant] = useState<ApplicantValues>(APPLICANT_DEFAULTS);
  const [values, setValues] = useState<FormValues>({});
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [general, setGeneral] = useState<string | null>(null);
  const [pendingDraft, setPendingDraft] = useState<Draft<DraftData> | null>(null);
  const [busy, setBusy] = useState(false);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setDetail(null);
    setLoadError(null);
    getProcedure(procedureCode)
      .then((answer) => {
        setDetail(answer);
        setValues(answer.eform ? emptyValues(answer.eform) : {});
        setApplicant(APPLICANT_DEFAULTS);
        setPendingDraft(loadDraft<DraftData>(session.sub, unit, procedureCode));
      })
      .catch((caught: unknown) => setLoadError(errorMessage(caught)));
  }, [procedureCode, session.sub, unit]);

  const schema = detail?.eform ?? null;
  const requiredPaths = useMemo(() => (schema ? conditionallyRequired(schema, values) : new Set<string>()), [schema, values]);
  const errorByPath = useMemo(() => Object.fromEntries(errors.map((e) => [e.path, e.message])), [errors]);
  const applicantSchema = applicantFields(applicant.LoaiDoiTuong);

  if (loadError) {
    return (
      <>
        <PageHeading title="Tiếp nhận hồ sơ">Tiếp nhận hồ sơ</PageHeading>
        <ErrorMessage>{loadError}</ErrorMessage>
        <p>
          <a href={href(["tiep-nhan"])}>Chọn thủ tục khác</a>
        </p>
      </>
    );
  }
  if (!detail) {
    return (
      <>
        <PageHeading title="Tiếp nhận hồ sơ">Tiếp nhận hồ sơ</PageHeading>
        <Loading what="biểu mẫu" />
      </>
    );
  }
  const { procedure } = detail;

  const checkAll = (): FieldError[] => {
    const today = todayVn();
    const found: FieldError[] = [];
    for (const field of applicantSchema) {
      const problem = fieldProblem(field, applicant[field.key] ?? "", today, field.required);
      if (problem) found.push({ path: field.key, message: problem });
    }
    return schema ? [...found, ...validateForm(schema, values, today)] : found;
  };

  const showErrors = (found: FieldError[], message: string) => {
    setErrors(found);
    setGeneral(message);
    const ordered = orderByPage(found);
    window.setTimeout(() => {
      const target = ordered.map((e) => document.getElementById(inputId(e.path))).find(Boolean);
      (target ?? summaryRef.current)?.focus();
    }, 0);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const found = checkAll();
    if (found.length) {
      showErrors(found, `Hồ sơ chưa hợp lệ: có ${found.length} lỗi cần sửa.`);
      return;
    }
    const body: Record<string, unknown> = {
      MaTTHC: procedure.code,
      MaDonViTiepNhan: unit,
      DuLieuBieuMau: schema ? toPayload(schema, values) : {},
    };
    for (const [key, value] of Object.entries(applicant)) if (value.trim()) body[key] = value.trim();
    setBusy(true);
    setGeneral(null);
    try {
      const view = await api<DossierView>("/v1/dossiers", { method: "POST", body });
      deleteDraft(session.sub, unit, procedure.code);
      const target = href(["ho-so", view.dossier.code]);
      navigate(target);
      announce(`Đã tiếp nhận hồ sơ ${view.dossier.code}. Ngày hẹn trả kết quả: ${formatDateTime(view.dossier.due_at) || "chưa có"}.`, target);
    } catch (caught) {
      setBusy(false);
      if (caught instanceof ApiError && caught.fieldErrors.length) {
        showErrors(
          caught.fieldErrors.map((e) => ({ path: e.field, message: e.message })),
          `${caught.message} Có ${caught.fieldErrors.length} lỗi cần sửa.`,
        );
      } else {
        setErrors([]);
        setGeneral(errorMessage(caught));
        window.setTimeout(() => summaryRef.current?.focus(), 0);
      }
    }
  };

  const save = () => {
    const at = new Date().toISOString();
    saveDraft<DraftData>(session.sub, unit, {
      savedAt: at,
      procedureCode: procedure.code,
      procedureName: procedure.name,
      eformCode: schema?.code ?? null,
      eformVersion: schema?.version ?? null,
      data: { applicant, values },
    });
    setSavedAt(at);
    setPendingDraft(null);
    announce(`Đã lưu nháp lúc ${formatDateTime(at)}.`);
  };

  const resume = (draft: Draft<DraftData>) => {
    setApplicant({ ...APPLICANT_DEFAULTS, ...draft.data.applicant });
    if (schema) setValues(mergeValues(schema, draft.data.values));
    setPendingDraft(null);
    setErrors([]);
    setGeneral(null);
    announce(`Đã khôi phục bản nháp lưu lúc ${formatDateTime(draft.savedAt)}.`);
    window.setTimeout(() => document.getElementById(inputId("ChuHoSo"))?.focus(), 0);
  };

  const discard = () => {
    deleteDraft(session.sub, unit, procedure.code);
    setPendingDraft(null);
    announce("Đã xóa bản nháp.");
    window.setTimeout(() => document.getElementById(inputId("LoaiDoiTuong"))?.focus(), 0);
  };

  const setApplicantValue = (key: string, value: Scalar) => setApplicant((previous) => ({ ...previous, [key]: String(value) }));
  const setFormValue = (section: string, key: string, value: Scalar | Row[]) =>
    setValues((previous) => ({ ...previous, [section]: { ...previous[section], [key]: value } }));

  return (
    <>
      <PageHeading title={`Tiếp nhận hồ sơ: ${procedure.name}`}>Tiếp nhận hồ sơ: {procedure.name}</PageHeading>
      <p className="lead">
        Mã thủ tục {procedure.code} — lĩnh vực {procedure.field_name}. Thời hạn giải quyết: {formatDuration(procedure.legal_deadline)}.
      </p>

      {pendingDraft && (
        <div className="alert alert-info" role="region" aria-labelledby="draft-found">
          <p id="draft-found">
            <strong>Có bản nháp lưu lúc {formatDateTime(pendingDraft.savedAt)}.</strong>
          </p>
          <p className="actions">
            <button type="button" onClick={() => resume(pendingDraft)}>
              Tiếp tục bản nháp
            </button>
            <button type="button" className="button-secondary" onClick={discard}>
              Xóa bản nháp
            </button>
          </p>
        </div>
      )}

      <section aria-labelledby="required-docs" className="card">
        <h2 id="required-docs">Thành phần hồ sơ cần kiểm tra</h2>
        {procedure.required_documents.length === 0 ? (
          <p>Thủ tục không quy định thành phần hồ sơ.</p>
        ) : (
          <ul className="plain">
            {procedure.required_documents.map((doc) => (
              <li key={doc.code}>
                {doc.name} — {doc.copies}
                {doc.required ? "" : " (không bắt buộc)"}
              </li>
            ))}
          </ul>
        )}
        {procedure.fees.length > 0 && (
          <>
            <h3>Phí, lệ phí</h3>
            <ul className="plain">
              {procedure.fees.map((fee) => (
                <li key={fee.code}>
                  {fee.name}: {formatMoney(fee.amount)}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <form className="eform" onSubmit={(event) => void submit(event)} noValidate aria-describedby="form-legend">
        <p id="form-legend" className="hint">
          Các trường có dấu <span className="required">*</span> là bắt buộc.
        </p>
        <div ref={summaryRef} tabIndex={-1} className="focus-target">
          {general && (
            <div className="alert alert-error" role="alert">
              <p>
                <span className="alert-icon" aria-hidden="true">
                  ⚠
                </span>
                <strong>{general}</strong>
              </p>
              {errors.length > 0 && (
                <ul className="error-list">
                  {orderByPage(errors).map((e) => (
                    <li key={`${e.path}-${e.message}`}>
                      <button
                        type="button"
                        className="button-link"
                        onClick={() => document.getElementById(inputId(e.path))?.focus()}
                      >
                        {e.message}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>

        <fieldset className="group">
          <legend>Thông tin chủ hồ sơ</legend>
          <div className="grid">
            {applicantSchema.map((field) => (
              <FieldInput
                key={`${field.key}-${field.type}`}
                field={field}
                path={field.key}
                value={applicant[field.key] ?? ""}
                onChange={(value) => setApplicantValue(field.key, value)}
                error={errorByPath[field.key]}
                required={field.required}
              />
            ))}
          </div>
        </fieldset>

        {schema && (
          <>
            <h2 className="form-title">{schema.title}</h2>
            {schema.legal_basis && <p className="muted">{schema.legal_basis}</p>}
            {schema.sections.map((section) => (
              <fieldset key={section.key} className="group">
                <legend>{section.title}</legend>
                {section.guidance && <p className="hint">{section.guidance}</p>}
                <div className="grid">
                  {section.fields.map((field) => {
                    const path = fieldPath(section.key, field.key);
                    const value = values[section.key]?.[field.key];
                    if (field.type === "table") {
                      return (
                        <TableInput
                          key={field.key}
                          field={field}
                          path={path}
                          rows={(value as Row[] | undefined) ?? []}
                          onChange={(rows) => setFormValue(section.key, field.key, rows)}
                          errors={errorByPath}
                          requiredPaths={requiredPaths}
                          required={field.required}
                          announce={announce}
                        />
                      );
                    }
                    return (
                      <FieldInput
                        key={field.key}
                        field={field}
                        path={path}
                        value={(value as Scalar | undefined) ?? ""}
                        onChange={(next) => setFormValue(section.key, field.key, next)}
                        error={errorByPath[path]}
                        required={field.required || requiredPaths.has(path)}
                      />
                    );
                  })}
                </div>
              </fieldset>
            ))}
          </>
        )}

        <div className="form-actions">
          <button type="submit" aria-disabled={busy || undefined}>
            {busy ? "Đang gửi…" : "Tiếp nhận hồ sơ"}
          </button>
          <button type="button" className="button-secondary" onClick={save}>
            Lưu nháp
          </button>
          <button type="button" className="button-secondary" onClick={() => window.print()}>
            In tờ khai
          </button>
          {savedAt && <span className="muted">Đã lưu nháp lúc {formatDateTime(savedAt)}.</span>}
        </div>
      </form>
    </>
  );
}

/** Errors in the order their inputs appear on the page (applicant first, then the form). */
function orderByPage(errors: FieldError[]): FieldError[] {
  const position = (path: string) => {
    const element = document.getElementById(inputId(path));
    return element ? element : null;
  };
  return [...errors].sort((a, b) => {
    const [x, y] = [position(a.path), position(b.path)];
    if (x && y) return x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    if (x) return -1;
    if (y) return 1;
    return Number(a.path.startsWith(FORM_PREFIX)) - Number(b.path.startsWith(FORM_PREFIX));
  });
}
