import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";

import { ApiError, api, errorMessage } from "../api";
import { Dialog } from "../components/Dialog";
import { FileUpload, type UploadedFile } from "../components/FileUpload";
import { useApp } from "../context";
import { AssigneeField, DepartmentField, useDepartments } from "../finding/ActionChoices";
import type { ActionOption, DocumentRef, DossierView } from "../types";

const REASON_MAX = 2000;

const REASON_LABELS: Record<string, string> = {
  request_supplement: "Nội dung yêu cầu bổ sung",
  request_correction: "Nội dung cần chỉnh sửa, bổ sung",
  consult: "Nội dung xin ý kiến",
  record_opinion: "Ghi chú khi tiếp tục xử lý",
  extend: "Lý do gia hạn",
};

// Acts that take files (chalicelib/services/attachments.py): the citizen's papers at receipt and
// supplement receipt; the officers' working papers with an opinion or a decision.
const ATTACHMENT_LABELS: Record<string, string> = {
  receive: "Giấy tờ của công dân",
  receive_supplement: "Giấy tờ bổ sung",
  submit: "Tờ trình, dự thảo kèm theo",
  appraise: "Tài liệu thẩm định",
  propose_refusal: "Tài liệu kèm đề xuất",
  record_opinion: "Tài liệu tổng hợp ý kiến",
  approve: "Văn bản kèm quyết định",
  refuse: "Văn bản kèm quyết định",
};

type FieldName = "reason" | "assignee" | "department" | "consult_units" | "consult_deadline" | "consult_documents" | "extension";
const FIELDS: FieldName[] = ["assignee", "department", "consult_units", "consult_deadline", "consult_documents", "extension", "reason"];

/**
 * Confirms one process action on a dossier and asks for what it needs: the reason (required
 * where the process says so), the appraiser (assignment), the unit and deadline (consultation),
 * the extra time (extension). On success the API's new view of the dossier goes to ``onDone``.
 */
export function ActionDialog({
  code,
  documents = [],
  action,
  onClose,
  onDone,
}: {
  code: string;
  /** The dossier's documents: a consultation shares the ones the appraiser ticks, and only those. */
  documents?: DocumentRef[];
  action: ActionOption;
  onClose: () => void;
  onDone: (view: DossierView) => void;
}) {
  const { unit, units } = useApp();
  const needsAssignee = action.kind === "assign" || action.kind === "reassign";
  const isConsult = action.kind === "consult";
  const isExtension = action.kind === "extend";
  const isTransfer = action.id === "chuyen_phong";
  const reasonRequired = action.requires_reason || isConsult;
  const [reason, setReason] = useState("");
  const [assignee, setAssignee] = useState("");
  const [consultUnits, setConsultUnits] = useState<string[]>([]);
  const [shared, setShared] = useState<string[]>([]);
  const toggle = (list: string[], value: string, on: boolean) => (on ? [...list, value] : list.filter((v) => v !== value));
  const [days, setDays] = useState(isConsult ? "3" : isExtension ? "5" : "");
  const [department, setDepartment] = useState("");
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const attachmentLabel = ATTACHMENT_LABELS[action.kind];
  const [files, setFiles] = useState<UploadedFile[]>([]);
  const [uploading, setUploading] = useState(false);

  const { departments, problem: departmentsProblem } = useDepartments(unit, isTransfer);
  // Agencies outside hoso (other ministries' systems), asked through the coordination system.
  const outside = useQuery<{ items: { code: string; name: string }[] }, Error>({
    queryKey: ["consultations", "outside-agencies"],
    queryFn: ({ signal }) => api<{ items: { code: string; name: string }[] }>("/v1/consultations/outside-agencies", { signal }),
    enabled: isConsult,
  });

  const focusFirstError = (found: Partial<Record<FieldName, string>>) => {
    const first = FIELDS.find((f) => found[f]);
    const field = first ? formRef.current?.querySelector<HTMLElement>(`#action-${first}`) : null;
    // a group of checkboxes: its first box
    (field?.matches("fieldset") ? field.querySelector<HTMLElement>("input") : field)?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const problems: Partial<Record<FieldName, string>> = {};
    if (needsAssignee && !assignee) problems.assignee = "Vui lòng chọn chuyên viên thụ lý.";
    if (isTransfer && departments && departments.length > 1 && !department) problems.department = "Vui lòng chọn phòng chuyên môn nhận hồ sơ.";
    if (isConsult && consultUnits.length === 0) problems.consult_units = "Vui lòng chọn đơn vị được xin ý kiến.";
    const dayCount = Number(days);
    if ((isConsult || isExtension) && !(Number.isInteger(dayCount) && dayCount >= 1 && dayCount <= 60)) {
      problems[isConsult ? "consult_deadline" : "extension"] = "Số ngày làm việc phải là số nguyên từ 1 đến 60.";
    }
    if (reasonRequired && !reason.trim()) problems.reason = `Vui lòng nhập ${(REASON_LABELS[action.kind] ?? "lý do").toLowerCase()}.`;
    if (reason.length > REASON_MAX) problems.reason = `Nội dung không được dài quá ${REASON_MAX} ký tự.`;
    setErrors(problems);
    setGeneral(uploading ? "Vui lòng chờ tải lên và kiểm tra xong các tệp đính kèm." : null);
    if (uploading) return;
    if (Object.keys(problems).length) {
      focusFirstError(problems);
      return;
    }
    const body: Record<string, unknown> = { action: action.id, reason: reason.trim() };
    if (needsAssignee) body.assignee = assignee;
    if (isTransfer && department) body.department = department;
    if (isConsult) {
      body.consult_units = consultUnits;
      body.consult_deadline = { value: dayCount, unit: "working_days" };
      body.consult_documents = shared;
    }
    if (isExtension) body.extension = { value: dayCount, unit: "working_days" };
    if (files.length) body.attachments = files.map((f) => f.upload_id);
    setBusy(true);
    try {
      const view = await api<DossierView>(`/v1/dossiers/${encodeURIComponent(code)}/actions`, { method: "POST", body });
      onDone(view);
    } catch (caught) {
      setBusy(false);
      if (caught instanceof ApiError && caught.fieldErrors.length) {
        const mapped: Partial<Record<FieldName, string>> = {};
        const rest: string[] = [];
        for (const fieldError of caught.fieldErrors) {
          const name = fieldError.field.split(".")[0] as FieldName;
          if (FIELDS.includes(name)) mapped[name] = fieldError.message;
          else rest.push(fieldError.message);
        }
        setErrors(mapped);
        setGeneral(rest.length ? rest.join(" ") : caught.message);
        focusFirstError(mapped);
      } else {
        setGeneral(errorMessage(caught));
      }
    }
  };

  const described = (name: FieldName, hint?: string) =>
    [hint ?? "", errors[name] ? `action-${name}-error` : ""].filter(Boolean).join(" ") || undefined;
  const errorLine = (name: FieldName) =>
    errors[name] ? (
      <p className="error" id={`action-${name}-error`}>
        <span aria-hidden="true">⚠ </span>
        {errors[name]}
      </p>
    ) : null;
  const required = (
    <span className="required" aria-hidden="true">
      {" "}
      *
    </span>
  );

  return (
    <Dialog title={action.label} onClose={onClose} describedBy="action-dialog-help">
      <form ref={formRef} onSubmit={(event) => void submit(event)} noValidate>
        <p id="action-dialog-help" className="hint">
          Hồ sơ {code}. {reasonRequired ? "Các trường có dấu * là bắt buộc." : "Kiểm tra rồi bấm “Xác nhận”."}
        </p>
        {general && (
          <div className="alert alert-error" role="alert">
            <span className="alert-icon" aria-hidden="true">
              ⚠
            </span>
            <strong>{general}</strong>
          </div>
        )}
        {isTransfer && departments?.length !== 0 && (
          <DepartmentField departments={departments} value={department} onChange={setDepartment} error={errors.department ?? departmentsProblem ?? undefined} describedBy={described("department")} />
        )}
        {needsAssignee && <AssigneeField unit={unit} value={assignee} onChange={setAssignee} error={errors.assignee} describedBy={described("assignee")} />}
        {isConsult && (
          <fieldset id="action-consult_units" className={`field${errors.consult_units ? " field-invalid" : ""}`} aria-describedby={described("consult_units")}>
            <legend>
              Đơn vị được xin ý kiến{required}
            </legend>
            <ul className="plain checkbox-list">
              {units
                .filter((u) => u.code !== unit)
                .map((u) => (
                  <li key={u.code}>
                    <label>
                      <input
                        type="checkbox"
                        name="consult_units"
                        value={u.code}
                        checked={consultUnits.includes(u.code)}
                        onChange={(event) => setConsultUnits(toggle(consultUnits, u.code, event.target.checked))}
                      />{" "}
                      {u.name}
                    </label>
                  </li>
                ))}
            </ul>
            {(outside.data?.items.length ?? 0) > 0 && (
              <>
                <p className="hint" id="action-consult_outside-hint">
                  Cơ quan ngoài hoso (nhận yêu cầu qua Hệ thống điều phối):
                </p>
                <ul className="plain checkbox-list" aria-describedby="action-consult_outside-hint">
                  {outside.data?.items.map((a) => (
                    <li key={a.code}>
                      <label>
                        <input
                          type="checkbox"
                          name="consult_units"
                          value={a.code}
                          checked={consultUnits.includes(a.code)}
                          onChange={(event) => setConsultUnits(toggle(consultUnits, a.code, event.target.checked))}
                        />{" "}
                        {a.name} (qua Hệ thống điều phối)
                      </label>
                    </li>
                  ))}
                </ul>
              </>
            )}
            {outside.error && <p className="hint">Không tải được danh sách cơ quan ngoài hoso: {errorMessage(outside.error)}</p>}
            {errorLine("consult_units")}
          </fieldset>
        )}
        {isConsult && (
          <fieldset id="action-consult_documents" className={`field${errors.consult_documents ? " field-invalid" : ""}`} aria-describedby={described("consult_documents", "action-consult_documents-hint")}>
            <legend>Tài liệu đơn vị được xem</legend>
            <p className="hint" id="action-consult_documents-hint">
              Đơn vị được xin ý kiến chỉ xem được các tài liệu được chọn, không xem được phần còn lại của hồ sơ.
            </p>
            {documents.length === 0 ? (
              <p>Hồ sơ chưa có tài liệu.</p>
            ) : (
              <ul className="plain checkbox-list">
                {documents.map((d) => (
                  <li key={d.id}>
                    <label>
                      <input
                        type="checkbox"
                        name="consult_documents"
                        value={d.id}
                        checked={shared.includes(d.id)}
                        onChange={(event) => setShared(toggle(shared, d.id, event.target.checked))}
                      />{" "}
                      {d.name}
                    </label>
                  </li>
                ))}
              </ul>
            )}
            {errorLine("consult_documents")}
          </fieldset>
        )}
        {(isConsult || isExtension) && (
          <div className={`field${errors[isConsult ? "consult_deadline" : "extension"] ? " field-invalid" : ""}`}>
            <label htmlFor={`action-${isConsult ? "consult_deadline" : "extension"}`}>
              {isConsult ? "Thời hạn trả lời (ngày làm việc)" : "Thời gian gia hạn (ngày làm việc)"}
              {required}
            </label>
            <input
              id={`action-${isConsult ? "consult_deadline" : "extension"}`}
              type="number"
              min={1}
              max={60}
              step={1}
              required
              value={days}
              aria-invalid={errors[isConsult ? "consult_deadline" : "extension"] ? true : undefined}
              aria-describedby={described(isConsult ? "consult_deadline" : "extension")}
              onChange={(event) => setDays(event.target.value)}
            />
            {errorLine(isConsult ? "consult_deadline" : "extension")}
          </div>
        )}
        <div className={`field${errors.reason ? " field-invalid" : ""}`}>
          <label htmlFor="action-reason">
            {REASON_LABELS[action.kind] ?? (reasonRequired ? "Lý do" : "Ghi chú")}
            {reasonRequired && required}
          </label>
          <textarea
            id="action-reason"
            rows={4}
            value={reason}
            maxLength={REASON_MAX}
            required={reasonRequired}
            aria-invalid={errors.reason ? true : undefined}
            aria-describedby={described("reason", "action-reason-count")}
            onChange={(event) => setReason(event.target.value)}
          />
          <p className="counter-text" id="action-reason-count">
            {reason.length}/{REASON_MAX} ký tự
          </p>
          {errorLine("reason")}
        </div>
        {attachmentLabel && (
          <FileUpload id="action-attachments" label={`${attachmentLabel} (nếu có)`} onChange={setFiles} onPendingChange={setUploading} />
        )}
        <div className="dialog-actions">
          <button type="submit" aria-disabled={busy || undefined}>
            {busy ? "Đang xử lý…" : "Xác nhận"}
          </button>
          <button type="button" className="button-secondary" onClick={onClose}>
            Hủy
          </button>
        </div>
      </form>
    </Dialog>
  );
}
