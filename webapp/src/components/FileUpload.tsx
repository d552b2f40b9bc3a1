// Attaching files, reusable anywhere an officer adds documents (intake, supplement receipt, opinions,
// results, fee receipts). The officer drops files on the zone or picks them with the file input
// (keyboard: Tab to it, Space/Enter opens the picker). Each file is
//   1. checked in the browser — size and type by its first bytes (the same magic numbers the
//      server sniffs), so a renamed .exe never leaves the computer;
//   2. uploaded straight to S3 with the presigned POST from POST /v1/uploads, with a progress bar
//      (XMLHttpRequest upload progress);
//   3. checked again by the server (S3 Object Created → size, SHA-256, type by content): the
//      component polls GET /v1/uploads/{id} until the upload is "ready" (the server's type and size
//      are shown) or "rejected" (its Vietnamese reason is shown);
//   4. previewed from the officer's own copy (images, the first pages of a PDF) and removable
//      until the form that holds it is submitted.
// The parent gets the checked uploads through onChange and sends their ids with its own request
// (e.g. ActionIn.attachments, the desk intake's uploads), which attaches them to the dossier.
//
// Usage:
//   <FileUpload id="bo-sung" label="Tệp bổ sung" onChange={setFiles} onPendingChange={setUploading} />
//   …submit disabled while `uploading`; send files.map((f) => f.upload_id).
// To reset it (after a successful submit), give it a new React `key`.

import { useEffect, useRef, useState } from "react";

import { api, errorMessage } from "../api";
import { formatBytes } from "../format";
import { type PageImage, pdfPages } from "../pages/DocumentPreview";
import { ACCEPTED_TYPES, EXTENSIONS, MAX_UPLOAD_BYTES, PDF, TYPE_NAMES, problemWith } from "./fileChecks";
import "./FileUpload.css";

export { ACCEPTED_TYPES, MAX_UPLOAD_BYTES } from "./fileChecks";

/** A file the server has checked and accepted: send `upload_id` with the form. */
export interface UploadedFile {
  upload_id: string;
  name: string;
  /** The type the server found in the content (never the declared one). */
  content_type: string;
  size: number;
  sha256: string;
}

export interface FileUploadProps {
  /** Unique in the page: prefixes the ids of the input, hint and list. */
  id: string;
  /** The visible label of the file input. */
  label: string;
  /** Extra help under the label (what to attach). */
  hint?: string;
  /** Several files (default) or one. */
  multiple?: boolean;
  /** Accepted types (MIME); default every type the server accepts. */
  accept?: readonly string[];
  /** Largest file in bytes; default (and at most) the server's 10 MB. */
  maxBytes?: number;
  /** Marked required (the parent still checks that a file was given). */
  required?: boolean;
  disabled?: boolean;
  /** Called with every checked, accepted file whenever that list changes. */
  onChange: (files: UploadedFile[]) => void;
  /** Called with true while a file is being checked or uploaded, false when none is. */
  onPendingChange?: (pending: boolean) => void;
}

const POLL_MS = 400;
const CHECK_TIMEOUT_MS = 60_000;

interface Upload {
  id: string;
  status: "pending" | "ready" | "rejected";
  content_type: string | null;
  size: number | null;
  sha256: string | null;
  reason: string | null;
}

interface Started {
  upload: Upload;
  post: { url: string; fields: Record<string, string> };
}

type Stage = "checking" | "uploading" | "verifying" | "ready" | "error";

interface Item {
  key: string;
  file: File;
  stage: Stage;
  progress: number; // 0..100
  error?: string;
  uploaded?: UploadedFile;
}

function postToStorage(started: Started, file: File, onProgress: (percent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(started.post.fields)) form.append(name, value);
    form.append("file", file); // S3 wants the file last
    const request = new XMLHttpRequest();
    request.open("POST", started.post.url);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    };
    request.onload = () =>
      request.status >= 200 && request.status < 300
        ? resolve()
        : reject(new Error(`Kho lưu trữ từ chối tệp (HTTP ${request.status}). Vui lòng thử lại.`));
    request.onerror = () => reject(new Error("Không tải được tệp lên kho lưu trữ. Vui lòng kiểm tra mạng và thử lại."));
    request.send(form);
  });
}

async function serverCheck(id: string): Promise<Upload> {
  const until = Date.now() + CHECK_TIMEOUT_MS;
  for (;;) {
    const { upload } = await api<{ upload: Upload }>(`/v1/uploads/${encodeURIComponent(id)}`);
    if (upload.status !== "pending") return upload;
    if (Date.now() > until) throw new Error("Máy chủ chưa kiểm tra xong tệp. Vui lòng thử lại sau ít phút.");
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error("read failed"));
    reader.readAsDataURL(file);
  });
}

/** The officer's own copy shown before submitting: an image, or the first pages of a PDF. */
function LocalPreview({ item, onClose }: { item: Item; onClose: () => void }) {
  const [pages, setPages] = useState<PageImage[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const type = item.uploaded?.content_type ?? "";
  useEffect(() => {
    headingRef.current?.focus();
    let live = true;
    const load = async () => {
      if (type === PDF) return (await pdfPages(new Uint8Array(await item.file.arrayBuffer()))).pages.slice(0, 2);
      return [{ src: await readAsDataUrl(item.file), text: "" }];
    };
    load()
      .then((shown) => live && setPages(shown))
      .catch(() => live && setError("Không hiển thị được tệp này."));
    return () => {
      live = false;
    };
  }, [item.file, type]);
  const titleId = `xem-truoc-tai-len-${item.key}`;
  return (
    <section className="file-upload-preview" aria-labelledby={titleId}>
      <h4 id={titleId} ref={headingRef} tabIndex={-1} className="focus-target">
        Xem trước: {item.file.name}
      </h4>
      {error && <p className="error">{error}</p>}
      {!pages && !error && <p role="status">Đang tải bản xem trước…</p>}
      {pages?.map((page, index) => (
        <img key={index} src={page.src} alt={type === PDF ? `Trang ${index + 1} của ${item.file.name}` : item.file.name} />
      ))}
      <button type="button" className="button-secondary" onClick={onClose}>
        Đóng xem trước
      </button>
    </section>
  );
}

const PREVIEWABLE = new Set([PDF, "image/jpeg", "image/png"]);

/** Drop zone + file input, progress, the server's verdict, preview and removal per file. */
export function FileUpload({
  id,
  label,
  hint,
  multiple = true,
  accept = ACCEPTED_TYPES,
  maxBytes = MAX_UPLOAD_BYTES,
  required = false,
  disabled = false,
  onChange,
  onPendingChange,
}: FileUploadProps) {
  const [items, setItems] = useState<Item[]>([]);
  const [dragging, setDragging] = useState(false);
  const [announcement, setAnnouncement] = useState("");
  const [previewing, setPreviewing] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const counter = useRef(0);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const onPendingRef = useRef(onPendingChange);
  onPendingRef.current = onPendingChange;
  const limit = Math.min(maxBytes, MAX_UPLOAD_BYTES);

  const ready = items.filter((i) => i.stage === "ready").map((i) => i.uploaded as UploadedFile);
  const readyIds = ready.map((f) => f.upload_id).join(",");
  const pending = items.some((i) => i.stage === "checking" || i.stage === "uploading" || i.stage === "verifying");
  useEffect(() => {
    onChangeRef.current(ready);
  }, [readyIds]);
  useEffect(() => {
    onPendingRef.current?.(pending);
  }, [pending]);

  const update = (key: string, change: Partial<Item>) =>
    setItems((current) => current.map((i) => (i.key === key ? { ...i, ...change } : i)));

  const send = async (item: Item) => {
    const problem = problemWith(item.file, new Uint8Array(await item.file.slice(0, 8).arrayBuffer()), accept, limit);
    if (problem) {
      update(item.key, { stage: "error", error: problem });
      setAnnouncement(problem);
      return;
    }
    try {
      update(item.key, { stage: "uploading" });
      const started = await api<Started>("/v1/uploads", { method: "POST", body: { file_name: item.file.name } });
      await postToStorage(started, item.file, (progress) => update(item.key, { progress }));
      update(item.key, { stage: "verifying", progress: 100 });
      const checked = await serverCheck(started.upload.id);
      if (checked.status === "rejected") {
        const error = `Máy chủ từ chối tệp “${item.file.name}”: ${checked.reason ?? "tệp không hợp lệ."}`;
        update(item.key, { stage: "error", error });
        setAnnouncement(error);
        return;
      }
      if (!accept.includes(checked.content_type ?? "")) {
        const error = `Máy chủ xác định tệp “${item.file.name}” là ${TYPE_NAMES[checked.content_type ?? ""] ?? checked.content_type}, không thuộc định dạng được phép ở đây.`;
        update(item.key, { stage: "error", error });
        setAnnouncement(error);
        return;
      }
      const uploaded: UploadedFile = {
        upload_id: checked.id,
        name: item.file.name,
        content_type: checked.content_type ?? "",
        size: checked.size ?? 0,
        sha256: checked.sha256 ?? "",
      };
      update(item.key, { stage: "ready", uploaded });
      setAnnouncement(`Đã tải lên và kiểm tra xong tệp “${item.file.name}”.`);
    } catch (caught) {
      const error = errorMessage(caught);
      update(item.key, { stage: "error", error });
      setAnnouncement(`Tệp “${item.file.name}”: ${error}`);
    }
  };

  const add = (files: FileList | File[]) => {
    const chosen = Array.from(files).slice(0, multiple ? undefined : 1);
    if (!chosen.length || disabled) return;
    const added = chosen.map((file) => {
      counter.current += 1;
      return { key: `${id}-${counter.current}`, file, stage: "checking" as Stage, progress: 0 };
    });
    setItems((current) => [...(multiple ? current : []), ...added]);
    setPreviewing(null);
    for (const item of added) void send(item);
    if (inputRef.current) inputRef.current.value = "";
  };

  const remove = (item: Item) => {
    setItems((current) => current.filter((i) => i.key !== item.key));
    if (previewing === item.key) setPreviewing(null);
    setAnnouncement(`Đã bỏ tệp “${item.file.name}”.`);
    inputRef.current?.focus();
  };

  const accepted = accept.map((t) => TYPE_NAMES[t] ?? t).join(", ");
  const stageText = (item: Item) =>
    ({
      checking: "Đang kiểm tra trên máy…",
      uploading: `Đang tải lên ${item.progress}%`,
      verifying: "Đang chờ máy chủ kiểm tra…",
      ready: `Đã kiểm tra: ${TYPE_NAMES[item.uploaded?.content_type ?? ""] ?? item.uploaded?.content_type}, ${formatBytes(item.uploaded?.size ?? 0)}`,
      error: "Không đính kèm được",
    })[item.stage];
  const shown = items.find((i) => i.key === previewing && i.stage === "ready");

  return (
    <div className="file-upload">
      <div
        className={`file-upload-zone${dragging ? " file-upload-dragging" : ""}`}
        data-testid={`${id}-zone`}
        onDragOver={(event) => {
          event.preventDefault();
          if (!disabled) setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          add(event.dataTransfer.files);
        }}
      >
        <label htmlFor={`${id}-input`}>
          {label}
          {required && (
            <span className="required" aria-hidden="true">
              {" "}
              *
            </span>
          )}
        </label>
        <p className="hint" id={`${id}-hint`}>
          {hint ? `${hint} ` : ""}Kéo thả tệp vào đây hoặc chọn tệp. Định dạng: {accepted}; tối đa {formatBytes(limit)} mỗi tệp.
        </p>
        <input
          ref={inputRef}
          id={`${id}-input`}
          type="file"
          multiple={multiple}
          disabled={disabled}
          accept={accept.map((t) => `${t},${EXTENSIONS[t] ?? ""}`).join(",")}
          aria-describedby={`${id}-hint`}
          onChange={(event) => event.target.files && add(event.target.files)}
        />
      </div>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
      {items.length > 0 && (
        <ul className="plain file-upload-list" aria-label={`Tệp đã chọn: ${label}`}>
          {items.map((item) => (
            <li key={item.key} className={`file-upload-item file-upload-${item.stage}`}>
              <span className="file-upload-name">
                {item.file.name} <span className="muted">({formatBytes(item.file.size)})</span>
              </span>
              {(item.stage === "uploading" || item.stage === "verifying" || item.stage === "checking") && (
                <progress max={100} value={item.progress} aria-label={`Tiến độ tải lên ${item.file.name}`} />
              )}
              <span className="file-upload-stage">{stageText(item)}</span>
              {item.error && (
                <span className="error">
                  <span aria-hidden="true">⚠ </span>
                  {item.error}
                </span>
              )}
              <span className="actions">
                {item.stage === "ready" && PREVIEWABLE.has(item.uploaded?.content_type ?? "") && (
                  <button type="button" id={`${item.key}-preview`} className="button-secondary" onClick={() => setPreviewing(item.key)}>
                    Xem trước<span className="visually-hidden"> {item.file.name}</span>
                  </button>
                )}
                {item.stage !== "uploading" && item.stage !== "verifying" && (
                  <button type="button" className="button-secondary" onClick={() => remove(item)}>
                    Bỏ tệp<span className="visually-hidden"> {item.file.name}</span>
                  </button>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
      {shown && (
        <LocalPreview
          item={shown}
          onClose={() => {
            setPreviewing(null); // back to the button that opened it
            window.setTimeout(() => document.getElementById(`${shown.key}-preview`)?.focus(), 0);
          }}
        />
      )}
    </div>
  );
}
