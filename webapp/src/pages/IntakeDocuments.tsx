// Desk intake's checklist of the procedure's components (FR-12: "show required documents, check
// completeness"): for each one the officer says whether the original or a copy was handed in,
// ticks the paper as received and/or attaches its scan; attaching a file ticks it. What was
// received goes with the intake (DeskDossierIn.ThanhPhanHoSo), its files recorded as the
// dossier's documents in the intake's own transaction.

import { useEffect, useState } from "react";

import { FileUpload, type UploadedFile } from "../components/FileUpload";
import type { RequiredDocument } from "../types";
import "./IntakeDocuments.css";

export type CopyKind = "original" | "copy";

/** One received component, as the desk intake's body carries it. */
export interface ReceivedComponentIn {
  MaThanhPhanHoSo: string;
  LoaiBan: CopyKind;
  MaTepTaiLen: string[];
}

interface Entry {
  paper: boolean;
  copyKind: CopyKind;
  files: UploadedFile[];
}

const domId = (code: string) => `tp-${code.replace(/[^A-Za-z0-9_-]/g, "_")}`;

/** The components received so far, in the procedure's order. */
export function receivedComponents(documents: RequiredDocument[], entries: Record<string, Entry>): ReceivedComponentIn[] {
  return documents
    .filter((d) => entries[d.code]?.paper || entries[d.code]?.files.length)
    .map((d) => ({ MaThanhPhanHoSo: d.code, LoaiBan: entries[d.code].copyKind, MaTepTaiLen: entries[d.code].files.map((f) => f.upload_id) }));
}

export function IntakeDocuments({
  documents,
  onChange,
  onPendingChange,
}: {
  documents: RequiredDocument[];
  /** The received components whenever they change (send as ThanhPhanHoSo). */
  onChange: (components: ReceivedComponentIn[]) => void;
  /** True while a file is still being uploaded or checked (do not submit then). */
  onPendingChange: (pending: boolean) => void;
}) {
  const [entries, setEntries] = useState<Record<string, Entry>>(() =>
    Object.fromEntries(documents.map((d) => [d.code, { paper: false, copyKind: "original", files: [] }])),
  );
  const [pending, setPending] = useState<Record<string, boolean>>({});

  useEffect(() => onChange(receivedComponents(documents, entries)), [documents, entries, onChange]);
  const anyPending = Object.values(pending).some(Boolean);
  useEffect(() => onPendingChange(anyPending), [anyPending, onPendingChange]);

  if (documents.length === 0) return <p>Thủ tục không quy định thành phần hồ sơ.</p>;

  const change = (code: string, update: Partial<Entry>) =>
    setEntries((current) => ({ ...current, [code]: { ...current[code], ...update } }));
  const received = (code: string) => Boolean(entries[code]?.paper || entries[code]?.files.length);
  const missing = documents.filter((d) => d.required && !received(d.code));
  const requiredCount = documents.filter((d) => d.required).length;

  return (
    <div className="intake-documents">
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
                    disabled={entry.files.length > 0}
                    aria-describedby={entry.files.length ? `${id}-paper-hint` : undefined}
                    onChange={(event) => change(doc.code, { paper: event.target.checked })}
                  />
                  <label htmlFor={`${id}-paper`}>Đã nhận</label>
                </div>
                {entry.files.length > 0 && (
                  <p className="hint" id={`${id}-paper-hint`}>
                    Đã đánh dấu vì có tệp đính kèm.
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
