// Desk intake's checklist of the procedure's components (FR-12: "show required documents, check
// completeness"): for each one the officer says whether the original or a copy was handed in,
// ticks the paper as received and/or attaches its scan; attaching a file ticks it. What was
// received goes with the intake (DeskDossierIn.ThanhPhanHoSo), its files recorded as the
// dossier's documents in the intake's own transaction. The applicant's e-data store (FR-29) is
// searched on request — only the types this procedure asks for, each search in the access log —
// and a stored document reused for a component instead of asking for the paper again.

import { useMutation } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { api, errorMessage } from "../api";
import { FileUpload, type UploadedFile } from "../components/FileUpload";
import { ErrorMessage } from "../components/Page";
import { formatDateTime } from "../format";
import type { Schema } from "../query";
import type { RequiredDocument } from "../types";
import "./IntakeDocuments.css";

type StoredDocument = Schema<"StoredDocument">;

export type CopyKind = "original" | "copy";

/** One received component, as the desk intake's body carries it. */
export interface ReceivedComponentIn {
  MaThanhPhanHoSo: string;
  LoaiBan: CopyKind;
  MaTepTaiLen: string[];
  MaGiayToKho: string[];
}

interface Entry {
  paper: boolean;
  copyKind: CopyKind;
  files: UploadedFile[];
  stored: StoredDocument[];
}

const domId = (code: string) => `tp-${code.replace(/[^A-Za-z0-9_-]/g, "_")}`;

/** The components received so far, in the procedure's order. */
export function receivedComponents(documents: RequiredDocument[], entries: Record<string, Entry>): ReceivedComponentIn[] {
  return documents
    .filter((d) => entries[d.code]?.paper || entries[d.code]?.files.length || entries[d.code]?.stored.length)
    .map((d) => ({
      MaThanhPhanHoSo: d.code,
      LoaiBan: entries[d.code].copyKind,
      MaTepTaiLen: entries[d.code].files.map((f) => f.upload_id),
      MaGiayToKho: entries[d.code].stored.map((s) => s.id),
    }));
}

export function IntakeDocuments({
  documents,
  procedureCode,
  unit,
  owner,
  onChange,
  onPendingChange,
}: {
  documents: RequiredDocument[];
  procedureCode: string;
  unit: string;
  /** The applicant's personal number or tax code as entered so far. */
  owner: string;
  /** The received components whenever they change (send as ThanhPhanHoSo). */
  onChange: (components: ReceivedComponentIn[]) => void;
  /** True while a file is still being uploaded or checked (do not submit then). */
  onPendingChange: (pending: boolean) => void;
}) {
  const [entries, setEntries] = useState<Record<string, Entry>>(() =>
    Object.fromEntries(documents.map((d) => [d.code, { paper: false, copyKind: "original", files: [], stored: [] }])),
  );
  const [pending, setPending] = useState<Record<string, boolean>>({});
  const [searchError, setSearchError] = useState<string | null>(null);
  const search = useMutation({
    mutationFn: (number: string) =>
      api<Schema<"OwnerStore">>("/v1/edata/intake", { method: "POST", body: { don_vi: unit, thu_tuc: procedureCode, chu_ho_so: number } }),
    onMutate: () => setSearchError(null),
    onError: (caught) => setSearchError(errorMessage(caught)),
  });

  useEffect(() => onChange(receivedComponents(documents, entries)), [documents, entries, onChange]);
  const anyPending = Object.values(pending).some(Boolean);
  useEffect(() => onPendingChange(anyPending), [anyPending, onPendingChange]);

  if (documents.length === 0) return <p>Thủ tục không quy định thành phần hồ sơ.</p>;

  const change = (code: string, update: Partial<Entry>) =>
    setEntries((current) => ({ ...current, [code]: { ...current[code], ...update } }));
  const received = (code: string) => Boolean(entries[code]?.paper || entries[code]?.files.length || entries[code]?.stored.length);
  const found = search.data?.owner === owner.trim() ? search.data.documents : null;
  const lookUp = () => {
    if (!/^(\d{12}|\d{10}(-\d{3})?)$/.test(owner.trim())) {
      setSearchError("Vui lòng nhập đúng số định danh cá nhân hoặc mã số doanh nghiệp của chủ hồ sơ trước khi tìm trong kho.");
      return;
    }
    search.mutate(owner.trim());
  };
  const missing = documents.filter((d) => d.required && !received(d.code));
  const requiredCount = documents.filter((d) => d.required).length;

  return (
    <div className="intake-documents">
      <div className="intake-edata" role="group" aria-labelledby="intake-edata-title">
        <p id="intake-edata-title">
          <strong>Kho dữ liệu điện tử của chủ hồ sơ</strong>
        </p>
        <p className="hint" id="intake-edata-hint">
          Giấy tờ chủ hồ sơ đã nộp hoặc được cấp trước đây, chỉ các loại thủ tục này yêu cầu; dùng lại thay vì yêu cầu nộp lại. Mỗi lần
          tìm được ghi vào nhật ký truy cập dữ liệu cá nhân.
        </p>
        <p>
          <button type="button" className="button-secondary" aria-describedby="intake-edata-hint" onClick={lookUp}>
            {search.isPending ? "Đang tìm…" : "Tìm trong kho dữ liệu điện tử"}
          </button>
        </p>
        {searchError && <ErrorMessage>{searchError}</ErrorMessage>}
        <div role="status">
          {found && (found.length ? `Kho có ${found.length} giấy tờ dùng lại được.` : "Kho không có giấy tờ nào thủ tục này yêu cầu.")}
        </div>
      </div>
      <p role="status" className={missing.length ? "intake-documents-missing" : "intake-documents-complete"}>
        Đã nhận {requiredCount - missing.length}/{requiredCount} thành phần bắt buộc
        {missing.length ? `; còn thiếu: ${missing.map((d) => d.name).join("; ")}.` : " — đủ thành phần hồ sơ."}
      </p>
      <ol className="plain intake-documents-list">
        {documents.map((doc) => {
          const id = domId(doc.code);
          const entry = entries[doc.code];
          const done = received(doc.code);
          return (
            <li key={doc.code} className={`intake-document${done ? " intake-document-received" : ""}`}>
              <fieldset>
                <legend>
                  <span aria-hidden="true" className="intake-document-tick">
                    {done ? "☑" : "☐"}{" "}
                  </span>
                  {doc.name}
                  <span className="muted">
                    {" "}
                    ({doc.code}; {doc.copies}
                    {doc.required ? "" : "; không bắt buộc"})
                  </span>
                  <span className="visually-hidden">{done ? " — đã nhận" : " — chưa nhận"}</span>
                </legend>
                <div className="choice">
                  <input
                    id={`${id}-paper`}
                    type="checkbox"
                    checked={done}
                    disabled={entry.files.length > 0 || entry.stored.length > 0}
                    aria-describedby={entry.files.length || entry.stored.length ? `${id}-paper-hint` : undefined}
                    onChange={(event) => change(doc.code, { paper: event.target.checked })}
                  />
                  <label htmlFor={`${id}-paper`}>Đã nhận</label>
                </div>
                {(entry.files.length > 0 || entry.stored.length > 0) && (
                  <p className="hint" id={`${id}-paper-hint`}>
                    Đã đánh dấu vì có tệp đính kèm hoặc giấy tờ dùng lại từ kho.
                  </p>
                )}
                <div className="choices intake-document-kind" role="radiogroup" aria-label={`Loại bản: ${doc.name}`}>
                  {(["original", "copy"] as const).map((kind) => (
                    <div className="choice" key={kind}>
                      <input
                        id={`${id}-${kind}`}
                        type="radio"
                        name={`${id}-kind`}
                        checked={entry.copyKind === kind}
                        onChange={() => change(doc.code, { copyKind: kind })}
                      />
                      <label htmlFor={`${id}-${kind}`}>{kind === "original" ? "Bản chính" : "Bản sao"}</label>
                    </div>
                  ))}
                </div>
                {found
                  ?.filter((s) => s.doc_type === doc.code)
                  .map((s) => {
                    const used = entry.stored.some((u) => u.id === s.id);
                    return (
                      <p key={s.id} className="intake-edata-item">
                        <span>
                          Trong kho: {s.name}{" "}
                          <span className="muted">
                            (từ hồ sơ {s.dossier_code}
                            {s.number ? `, số ${s.number}` : ""}; cập nhật {formatDateTime(s.updated_at)})
                          </span>
                        </span>{" "}
                        <button
                          type="button"
                          className="button-secondary"
                          aria-pressed={used}
                          onClick={() => change(doc.code, { stored: used ? entry.stored.filter((u) => u.id !== s.id) : [...entry.stored, s] })}
                        >
                          {used ? "Đang dùng lại" : "Dùng lại"}
                          <span className="visually-hidden"> {s.name}</span>
                        </button>
                      </p>
                    );
                  })}
                <FileUpload
                  id={`${id}-file`}
                  label={`Tệp scan: ${doc.name}`}
                  hint="Không bắt buộc nếu chỉ nhận bản giấy."
                  onChange={(files) => change(doc.code, { files })}
                  onPendingChange={(busy) => setPending((current) => ({ ...current, [doc.code]: busy }))}
                />
              </fieldset>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
