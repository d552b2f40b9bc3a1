import { type FormEvent, useRef, useState } from "react";

import { api, ApiError, errorMessage } from "../api";
import { FileUpload, type UploadedFile } from "../components/FileUpload";
import { ErrorMessage } from "../components/Page";

// Uploading the dossier's result (issue 12 item 4) when the procedure's result is a document the
// unit signs off elsewhere (result_kind "upload"): the PDF (checked by the upload flow), the number
// and the date printed on it. POST /v1/dossiers/{code}/results/upload; its field errors are shown
// at their fields and the first one gets the focus.

type Field = "upload_id" | "number" | "issued_on";
const FIELDS: Field[] = ["upload_id", "number", "issued_on"];
const INPUT_IDS: Record<Field, string> = {
  upload_id: "result-upload-file-input",
  number: "result-upload-number",
  issued_on: "result-upload-date",
};

function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function ResultUploadForm({ code, onDone, onCancel }: { code: string; onDone: (number: string) => void; onCancel: () => void }) {
  const [files, setFiles] = useState<UploadedFile[]>([]);
  const [pending, setPending] = useState(false);
  const [number, setNumber] = useState("");
  const [issuedOn, setIssuedOn] = useState(today);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const problemRef = useRef<HTMLDivElement>(null);

  const showErrors = (found: Partial<Record<Field, string>>) => {
    setErrors(found);
    const first = FIELDS.find((f) => found[f]);
    if (first) window.setTimeout(() => document.getElementById(INPUT_IDS[first])?.focus(), 0);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setProblem(null);
    if (pending) {
      showErrors({ upload_id: "Tệp đang được tải lên và kiểm tra; vui lòng chờ." });
      return;
    }
    const missing: Partial<Record<Field, string>> = {};
    if (files.length === 0) missing.upload_id = "Vui lòng chọn tệp PDF của văn bản kết quả.";
    if (!number.trim()) missing.number = "Vui lòng nhập số, ký hiệu ghi trên văn bản.";
    if (Object.keys(missing).length) {
      showErrors(missing);
      return;
    }
    setErrors({});
    setBusy(true);
    const body: Record<string, string> = { upload_id: files[0].upload_id, number: number.trim() };
    if (issuedOn) body.issued_on = issuedOn;
    api<{ number: string }>(`/v1/dossiers/${encodeURIComponent(code)}/results/upload`, { method: "POST", body })
      .then((record) => onDone(record.number))
      .catch((caught: unknown) => {
        setBusy(false);
        const found: Partial<Record<Field, string>> = {};
        const rest: string[] = [];
        for (const e of caught instanceof ApiError ? caught.fieldErrors : []) {
          const name = e.field.split(".")[0] as Field;
          if (FIELDS.includes(name)) found[name] = e.message;
          else rest.push(e.message);
        }
        if (Object.keys(found).length) showErrors(found);
        if (rest.length || !Object.keys(found).length) {
          setProblem(rest.length ? rest.join(" ") : errorMessage(caught));
          if (!Object.keys(found).length) window.setTimeout(() => problemRef.current?.focus(), 0);
        }
      });
  };

  const errorLine = (name: Field) =>
    errors[name] ? (
      <p className="error" id={`result-upload-${name}-error`}>
        <span aria-hidden="true">⚠ </span>
        {errors[name]}
      </p>
    ) : null;
  const describedBy = (name: Field, hint?: string) =>
    [hint ?? "", errors[name] ? `result-upload-${name}-error` : ""].filter(Boolean).join(" ") || undefined;

  return (
    <form onSubmit={submit} noValidate aria-labelledby="result-upload-title" className="result-draft">
      <h3 id="result-upload-title">Tải lên văn bản kết quả</h3>
      <p className="hint">Tệp PDF của văn bản đã ban hành, với số và ngày ghi trên văn bản; sau đó văn bản được ký số như kết quả soạn từ mẫu.</p>
      <div className={errors.upload_id ? "field-invalid" : undefined}>
        <FileUpload
          id="result-upload-file"
          label="Tệp văn bản kết quả (PDF)"
          multiple={false}
          accept={["application/pdf"]}
          required
          onChange={setFiles}
          onPendingChange={setPending}
        />
        {errorLine("upload_id")}
      </div>
      <div className={`field${errors.number ? " field-invalid" : ""}`}>
        <label htmlFor={INPUT_IDS.number}>
          Số văn bản
          <span className="required" aria-hidden="true">
            {" "}*
          </span>
        </label>
        <input
          id={INPUT_IDS.number}
          type="text"
          maxLength={64}
          required
          placeholder="Ví dụ: 15/2026/QĐ-UBND"
          value={number}
          aria-invalid={errors.number ? true : undefined}
          aria-describedby={describedBy("number")}
          onChange={(event) => setNumber(event.target.value)}
        />
        {errorLine("number")}
      </div>
      <div className={`field${errors.issued_on ? " field-invalid" : ""}`}>
        <label htmlFor={INPUT_IDS.issued_on}>Ngày ban hành</label>
        <input
          id={INPUT_IDS.issued_on}
          type="date"
          value={issuedOn}
          aria-invalid={errors.issued_on ? true : undefined}
          aria-describedby={describedBy("issued_on", "result-upload-date-hint")}
          onChange={(event) => setIssuedOn(event.target.value)}
        />
        <p className="hint" id="result-upload-date-hint">
          Ngày ghi trên văn bản; để trống là hôm nay.
        </p>
        {errorLine("issued_on")}
      </div>
      <div ref={problemRef} tabIndex={-1} className="focus-target">
        {problem && <ErrorMessage>{problem}</ErrorMessage>}
      </div>
      <div className="button-row">
        <button type="submit" aria-disabled={busy || undefined}>
          {busy ? "Đang tải lên văn bản…" : "Lưu văn bản kết quả"}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          Hủy
        </button>
      </div>
    </form>
  );
}
