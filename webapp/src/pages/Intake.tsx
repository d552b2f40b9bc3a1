import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";

import { ApiError, api, errorMessage } from "../api";
import { getProcedure, getProcedures, proceduresOf } from "../catalogue";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import {
  AUTOFILLED_KEY,
  type DraftSummary,
  deleteDraft,
  forgetBrowserDrafts,
  getDraft,
  listDrafts,
  newDraftId,
  saveDraft,
} from "../drafts";
import { APPLICANT_DEFAULTS, type ApplicantValues, applicantFields } from "../eform/applicant";
import { FieldInput, TableInput } from "../eform/Fields";
import {
  draftValues,
  emptyValues,
  FORM_PREFIX,
  fieldPath,
  type FormValues,
  inputId,
  isEmpty,
  mergeValues,
  type Row,
  type Scalar,
} from "../eform/model";
import { conditionallyRequired, type FieldError, fieldProblem, toPayload, validateForm } from "../eform/validate";
import { matchesWords } from "../fold";
import { DraftList } from "../finding/DraftList";
import { NameMismatch } from "../finding/IntakeNotes";
import { PrintDeclaration } from "../finding/PrintDeclaration";
import { formatDateTime, formatDuration, formatMoney, todayVn } from "../format";
import type { Schema } from "../query";
import { href, navigate, useRoute } from "../router";
import type { DossierView, EFormSchema, Procedure, ProcedureDetail } from "../types";
import { IntakeDocuments, type ReceivedComponentIn } from "./IntakeDocuments";

const SEARCH_DELAY_MS = 300;

/** Step 1 of desk intake: the officer's drafts, and the procedures this unit receives. */
export function ProcedurePicker() {
  const { unit } = useApp();
  const [procedures, setProcedures] = useState<Procedure[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState("");
  const [applied, setApplied] = useState("");
  const [drafts, setDrafts] = useState<DraftSummary[]>([]);
  const [draftError, setDraftError] = useState<string | null>(null);

  useEffect(() => {
    forgetBrowserDrafts();
    listDrafts()
      .then((all) => setDrafts(all.filter((d) => d.unit_code === unit && d.procedure_code)))
      .catch((caught: unknown) => setDraftError(errorMessage(caught)));
  }, [unit]);

  useEffect(() => {
    getProcedures()
      .then((all) => setProcedures(proceduresOf(unit, all)))
      .catch((caught: unknown) => setError(errorMessage(caught)));
  }, [unit]);
  useEffect(() => {
    const timer = window.setTimeout(() => setApplied(filter), SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [filter]);

  const shown = (procedures ?? []).filter((p) => matchesWords(`${p.code} ${p.name} ${p.field_name}`, applied));

  return (
    <>
      <PageHeading title="Tiếp nhận hồ sơ trực tiếp">Tiếp nhận hồ sơ trực tiếp</PageHeading>
      {draftError && <ErrorMessage>Không tải được bản nháp: {draftError}</ErrorMessage>}
      <DraftList drafts={drafts} procedures={procedures} onDeleted={(id) => setDrafts((all) => all.filter((d) => d.id !== id))} />
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

interface Restored {
  applicant: ApplicantValues;
  values: FormValues;
  autofilled: Set<string>;
}

/** A server draft read back into the form (what no longer fits the schema is dropped). */
function restore(schema: EFormSchema | null, data: Record<string, unknown>): Restored {
  const applicant: ApplicantValues = { ...APPLICANT_DEFAULTS };
  for (const key of Object.keys(APPLICANT_DEFAULTS)) {
    const value = data[key];
    if (typeof value === "string") applicant[key] = value;
  }
  const marked = Array.isArray(data[AUTOFILLED_KEY]) ? (data[AUTOFILLED_KEY] as unknown[]) : [];
  return {
    applicant,
    values: schema ? mergeValues(schema, data.DuLieuBieuMau) : {},
    autofilled: new Set(marked.filter((p): p is string => typeof p === "string")),
  };
}

function hasPopulationFields(schema: EFormSchema | null): boolean {
  return Boolean(schema?.sections.some((s) => s.fields.some((f) => f.autofill_source?.startsWith("population."))));
}

type AutofillAnswer = Omit<Schema<"AutofillOut">, "values"> & { values: Record<string, string> };

/** Step 2: the applicant and the procedure's eForm, checked here and by the API. */
/** ``notice`` and ``onReceived``: the coordinator's deep-link intake (DeskLinkIntake) says where the
 * dossier came from and sends the officer back instead of opening the dossier. */
export function IntakeForm({
  procedureCode,
  notice,
  onReceived,
}: {
  procedureCode: string;
  notice?: string;
  onReceived?: (code: string) => void;
}) {
  const { unit, announce } = useApp();
  const route = useRoute();
  const requestedDraft = route.params.get("ban-nhap");
  const [detail, setDetail] = useState<ProcedureDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [applicant, setApplicant] = useState<ApplicantValues>(APPLICANT_DEFAULTS);
  const [values, setValues] = useState<FormValues>({});
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [general, setGeneral] = useState<string | null>(null);
  const [pendingDraft, setPendingDraft] = useState<DraftSummary | null>(null);
  const [draftId, setDraftId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saving, setSaving] = useState(false);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [draftProblem, setDraftProblem] = useState<string | null>(null);
  const [autofilled, setAutofilled] = useState<Set<string>>(new Set());
  const [filling, setFilling] = useState(false);
  const [fillResult, setFillResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [nameMatches, setNameMatches] = useState<boolean | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const [components, setComponents] = useState<ReceivedComponentIn[]>([]);
  const [uploading, setUploading] = useState(false);

  useEffect(() => {
    let live = true;
    setDetail(null);
    setLoadError(null);
    setPendingDraft(null);
    setDraftId(null);
    setSavedAt(null);
    setAutofilled(new Set());
    setFillResult(null);
    forgetBrowserDrafts();
    getProcedure(procedureCode, unit)
      .then(async (answer) => {
        if (!live) return;
        setDetail(answer);
        setValues(answer.eform ? emptyValues(answer.eform) : {});
        setApplicant(APPLICANT_DEFAULTS);
        if (requestedDraft) {
          const draft = await getDraft(requestedDraft);
          if (!live) return;
          const back = restore(answer.eform, draft.data);
          setApplicant(back.applicant);
          setValues(back.values);
          setAutofilled(back.autofilled);
          setDraftId(draft.id);
          setSavedAt(draft.updated_at);
          announce(`Đã mở bản nháp lưu lúc ${formatDateTime(draft.updated_at)}.`);
          return;
        }
        const mine = (await listDrafts()).filter((d) => d.procedure_code === procedureCode && d.unit_code === unit && d.source !== "kiosk");
        if (live) setPendingDraft(mine[0] ?? null);
      })
      .catch((caught: unknown) => {
        if (live) setLoadError(errorMessage(caught));
      });
    return () => {
      live = false;
    };
  }, [procedureCode, unit, requestedDraft, announce]);

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
    if (found.length || uploading) {
      showErrors(found, uploading ? "Vui lòng chờ tải lên và kiểm tra xong các tệp đính kèm." : `Hồ sơ chưa hợp lệ: có ${found.length} lỗi cần sửa.`);
      return;
    }
    const body: Record<string, unknown> = {
      MaTTHC: procedure.code,
      MaDonViTiepNhan: unit,
      DuLieuBieuMau: schema ? toPayload(schema, values) : {},
      ThanhPhanHoSo: components,
    };
    for (const [key, value] of Object.entries(applicant)) if (value.trim()) body[key] = value.trim();
    setBusy(true);
    setGeneral(null);
    try {
      const view = await api<DossierView>("/v1/dossiers", { method: "POST", body });
      // The draft has served its purpose; one left behind (network gone) expires on its own.
      if (draftId) await deleteDraft(draftId).catch(() => undefined);
      if (onReceived) {
        onReceived(view.dossier.code);
        return;
      }
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

  const draftData = (): Record<string, unknown> => ({
    ...applicant,
    MaTTHC: procedure.code,
    MaDonViTiepNhan: unit,
    DuLieuBieuMau: draftValues(values),
    [AUTOFILLED_KEY]: [...autofilled],
  });

  const save = async () => {
    if (saving) return;
    const id = draftId ?? newDraftId(procedure.code);
    setSaving(true);
    setDraftProblem(null);
    try {
      const saved = await saveDraft(id, draftData());
      setDraftId(saved.id);
      setSavedAt(saved.updated_at);
      setPendingDraft(null);
      announce(`Đã lưu nháp lúc ${formatDateTime(saved.updated_at)}. Có thể tiếp tục trên máy khác.`);
    } catch (caught) {
      setDraftProblem(`Chưa lưu được bản nháp: ${errorMessage(caught)}`);
    } finally {
      setSaving(false);
    }
  };

  const resume = async (summary: DraftSummary) => {
    setDraftProblem(null);
    try {
      const draft = await getDraft(summary.id);
      const back = restore(schema, draft.data);
      setApplicant(back.applicant);
      setValues(back.values);
      setAutofilled(back.autofilled);
      setDraftId(draft.id);
      setSavedAt(draft.updated_at);
      setPendingDraft(null);
      setErrors([]);
      setGeneral(null);
      announce(`Đã khôi phục bản nháp lưu lúc ${formatDateTime(draft.updated_at)}.`);
      window.setTimeout(() => document.getElementById(inputId("ChuHoSo"))?.focus(), 0);
    } catch (caught) {
      setDraftProblem(`Không mở được bản nháp: ${errorMessage(caught)}`);
    }
  };

  const discard = async (summary: DraftSummary) => {
    setDraftProblem(null);
    try {
      await deleteDraft(summary.id);
      setPendingDraft(null);
      announce("Đã xóa bản nháp.");
      window.setTimeout(() => document.getElementById(inputId("LoaiDoiTuong"))?.focus(), 0);
    } catch (caught) {
      setDraftProblem(`Không xóa được bản nháp: ${errorMessage(caught)}`);
    }
  };

  const dropCurrentDraft = async () => {
    if (!draftId) return;
    setDraftProblem(null);
    try {
      await deleteDraft(draftId);
      setDraftId(null);
      setSavedAt(null);
      announce("Đã xóa bản nháp. Nội dung đang nhập vẫn còn trên màn hình.");
    } catch (caught) {
      setDraftProblem(`Không xóa được bản nháp: ${errorMessage(caught)}`);
    }
  };

  const autofill = async () => {
    if (filling) return;
    const number = (applicant.SoGiayToChuHoSo ?? "").trim();
    setFillResult(null);
    setNameMatches(null);
    if (!number) {
      setFillResult({ ok: false, text: "Vui lòng nhập Số định danh cá nhân của chủ hồ sơ trước khi điền tự động." });
      window.setTimeout(() => document.getElementById(inputId("SoGiayToChuHoSo"))?.focus(), 0);
      return;
    }
    setFilling(true);
    try {
      const found = await api<AutofillAnswer>("/v1/autofill/citizens", {
        method: "POST",
        body: {
          so_dinh_danh: number,
          thu_tuc: procedure.code,
          don_vi: unit,
          ho_ten: (applicant.ChuHoSo ?? "").trim(),
          ...(draftId ? { ban_nhap: draftId } : {}),
        },
      });
      const filled = new Set(autofilled);
      const applied = new Set<string>();
      let kept = 0;
      const next: FormValues = { ...values };
      for (const [key, value] of Object.entries(found.values)) {
        const [section, name] = key.split(".", 2);
        const path = fieldPath(section, name);
        const current = next[section]?.[name];
        if (!isEmpty(current) && !filled.has(path) && current !== value) {
          kept += 1;
          continue;
        }
        next[section] = { ...next[section], [name]: value };
        filled.add(path);
        applied.add(path);
      }
      setValues(next);
      setAutofilled(filled);
      // A field the database has just filled is no longer wrong: its error goes with it.
      setErrors((previous) => previous.filter((e) => !applied.has(e.path)));
      setNameMatches(found.name_matches ?? null);
      const count = Object.keys(found.values).length - kept;
      const text =
        count > 0
          ? `Đã điền tự động ${count} trường từ CSDL quốc gia về dân cư; các trường này được đánh dấu “Tự động điền” và vẫn sửa được.` +
            (kept ? ` Giữ nguyên ${kept} trường bạn đã nhập.` : "")
          : "Công dân có trong CSDL quốc gia về dân cư nhưng không có trường nào của tờ khai được điền thêm.";
      setFillResult({ ok: true, text });
    } catch (caught) {
      setFillResult({ ok: false, text: errorMessage(caught) });
      if (caught instanceof ApiError && caught.code === "INVALID_PERSONAL_NUMBER") {
        window.setTimeout(() => document.getElementById(inputId("SoGiayToChuHoSo"))?.focus(), 0);
      }
    } finally {
      setFilling(false);
    }
  };

  const setApplicantValue = (key: string, value: Scalar) => setApplicant((previous) => ({ ...previous, [key]: String(value) }));
  const setFormValue = (section: string, key: string, value: Scalar | Row[]) => {
    setValues((previous) => ({ ...previous, [section]: { ...previous[section], [key]: value } }));
    const path = fieldPath(section, key);
    if (autofilled.has(path)) setAutofilled((previous) => new Set([...previous].filter((p) => p !== path)));
  };

  return (
    <>
      <PageHeading title={`Tiếp nhận hồ sơ: ${procedure.name}`}>Tiếp nhận hồ sơ: {procedure.name}</PageHeading>
      <p className="lead">
        Mã thủ tục {procedure.code} — lĩnh vực {procedure.field_name}. Thời hạn giải quyết: {formatDuration(procedure.legal_deadline)}.
      </p>
      {notice && (
        <p className="flash" role="note">
          {notice}
        </p>
      )}

      {pendingDraft && (
        <div className="alert alert-info" role="region" aria-labelledby="draft-found">
          <p id="draft-found">
            <strong>
              Có bản nháp lưu lúc {formatDateTime(pendingDraft.updated_at)}
              {pendingDraft.applicant ? ` (chủ hồ sơ ${pendingDraft.applicant})` : ""}.
            </strong>
          </p>
          <p className="actions">
            <button type="button" onClick={() => void resume(pendingDraft)}>
              Tiếp tục bản nháp
            </button>
            <button type="button" className="button-secondary" onClick={() => void discard(pendingDraft)}>
              Xóa bản nháp
            </button>
          </p>
        </div>
      )}
      {draftProblem && <ErrorMessage>{draftProblem}</ErrorMessage>}

      <section aria-labelledby="required-docs" className="card">
        <h2 id="required-docs">Thành phần hồ sơ cần kiểm tra</h2>
        <IntakeDocuments
          key={procedure.code}
          documents={procedure.required_documents}
          procedureCode={procedure.code}
          unit={unit}
          owner={applicant.SoGiayToChuHoSo ?? ""}
          onChange={setComponents}
          onPendingChange={setUploading}
        />
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

        {schema && applicant.LoaiDoiTuong === "1" && hasPopulationFields(schema) && (
          <div className="autofill-box" role="group" aria-labelledby="autofill-title">
            <p id="autofill-title">
              <strong>Điền tự động từ Cơ sở dữ liệu quốc gia về dân cư</strong>
            </p>
            <p className="hint" id="autofill-hint">
              Tra cứu theo Số định danh cá nhân của chủ hồ sơ ở trên; thông tin được điền vào tờ khai, đánh dấu “Tự động điền” và
              vẫn sửa được.
            </p>
            <p>
              <button type="button" className="button-secondary" aria-describedby="autofill-hint" onClick={() => void autofill()}>
                {filling ? "Đang tra cứu…" : "Điền tự động từ CSDL dân cư"}
              </button>
            </p>
            <div role="status">{fillResult?.ok && <p>{fillResult.text}</p>}</div>
            {fillResult && !fillResult.ok && <ErrorMessage>{fillResult.text}</ErrorMessage>}
            {nameMatches === false && <NameMismatch typed={applicant.ChuHoSo ?? ""} />}
          </div>
        )}

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
                        autofilled={autofilled.has(path)}
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
          <button type="button" className="button-secondary" onClick={() => void save()} aria-disabled={saving || undefined}>
            {saving ? "Đang lưu nháp…" : "Lưu nháp"}
          </button>
          {schema && <PrintDeclaration procedure={procedure.code} declarant={applicant.ChuHoSo ?? ""} data={() => toPayload(schema, values)} />}
          {draftId && (
            <button type="button" className="button-secondary" onClick={() => void dropCurrentDraft()}>
              Xóa bản nháp
            </button>
          )}
          {savedAt && <span className="muted">Bản nháp lưu lúc {formatDateTime(savedAt)}.</span>}
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
