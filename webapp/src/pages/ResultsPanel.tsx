import "./results.css";

import { type FormEvent, useRef, useState } from "react";

import { api, ApiError, errorMessage } from "../api";
import { ErrorMessage, Loading } from "../components/Page";
import { ResultUploadForm } from "./ResultUploadForm";
import { formatDate, formatDateTime } from "../format";
import { queryKeys, type Schema, useApiQuery, useRefreshDossier } from "../query";
import type { DocumentRef, Dossier, Role } from "../types";
import { DocumentPreview } from "./DocumentPreview";

// The dossier's result (kết quả giải quyết, issue 12 items 1 and 4): what the procedure says it is,
// the result drawn up from the procedure's template with its fields prefilled from the dossier and
// editable, its number and date, a preview, and its signatures (signer, time, state) — signing is
// offered to the roles that sign (head, leader, clerk), drafting to those who prepare it. When the
// procedure's result is an uploaded document (result_kind "upload"), they upload it instead.

type Draft = Schema<"ResultDraft">;

interface SignatureReport {
  field: string;
  signer: string;
  signed_at: string | null;
  timestamp: string | null;
  intact: boolean;
  trusted: boolean;
  revoked: boolean;
  ok: boolean;
}

interface Verification {
  ok: boolean;
  signatures: SignatureReport[];
  stored_hash_matches: boolean;
}

const DRAFTERS: Role[] = ["appraiser", "head", "leader", "clerk"];
const SIGNERS: Role[] = ["head", "leader", "clerk"];
const OPEN_STATUSES = [4, 9];

function signatureState(s: SignatureReport): string {
  if (s.revoked) return "chứng thư đã bị thu hồi";
  if (!s.intact) return "văn bản đã bị thay đổi sau khi ký";
  if (!s.trusted) return "chứng thư không thuộc tổ chức cung cấp dịch vụ tin cậy";
  return s.ok ? "hợp lệ" : "không hợp lệ";
}

function Signatures({ code, result }: { code: string; result: DocumentRef }) {
  const path = `/v1/dossiers/${encodeURIComponent(code)}/documents/${encodeURIComponent(result.id)}/verification`;
  const query = useApiQuery<Verification>(queryKeys.dossierPart(code, "verification", result.id, result.sha256 ?? ""), path);
  if (query.error) return <ErrorMessage>{errorMessage(query.error)}</ErrorMessage>;
  if (!query.data) return <Loading what="chữ ký số" />;
  const { signatures } = query.data;
  if (signatures.length === 0) return <p>Văn bản chưa được ký số.</p>;
  return (
    <ul className="plain result-signatures" aria-label="Chữ ký số trên văn bản kết quả">
      {signatures.map((s) => (
        <li key={s.field} className={s.ok ? "signature-ok" : "signature-bad"}>
          <span aria-hidden="true">{s.ok ? "✓ " : "✕ "}</span>
          Ký bởi <strong>{s.signer}</strong>
          {s.signed_at ? <> lúc {formatDateTime(s.timestamp ?? s.signed_at)}</> : null} — chữ ký {signatureState(s)}
        </li>
      ))}
    </ul>
  );
}

function DraftForm({ code, onDone, onCancel }: { code: string; onDone: (number: string) => void; onCancel: () => void }) {
  const path = `/v1/dossiers/${encodeURIComponent(code)}/results/draft`;
  const query = useApiQuery<Draft>(queryKeys.dossierPart(code, "result-draft"), path);
  const [values, setValues] = useState<Record<string, string>>({});
  const [content, setContent] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const problemRef = useRef<HTMLDivElement>(null);
  if (query.error) return <ErrorMessage>{errorMessage(query.error)}</ErrorMessage>;
  const draft = query.data;
  if (!draft) return <Loading what="mẫu kết quả" />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const fields = Object.fromEntries(
      draft.fields.filter((f) => values[f.key] !== undefined && values[f.key] !== f.value).map((f) => [f.key, values[f.key]]),
    );
    setBusy(true);
    setProblem(null);
    api<{ number: string }>(`/v1/dossiers/${encodeURIComponent(code)}/results`, { method: "POST", body: { content: content.trim(), fields } })
      .then((record) => onDone(record.number))
      .catch((caught: unknown) => {
        setProblem(errorMessage(caught));
        window.setTimeout(() => problemRef.current?.focus(), 0);
      })
      .finally(() => setBusy(false));
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="result-draft-title" className="result-draft">
      <h3 id="result-draft-title">Soạn {draft.document_name.toLowerCase()} từ mẫu</h3>
      <p className="hint" id="result-draft-hint">
        Các trường đã điền sẵn từ hồ sơ; sửa nếu cần. Văn bản được cấp số khi tạo.
      </p>
      {draft.fields.map((f, index) => (
        <div className="field" key={f.key}>
          <label htmlFor={`result-field-${index}`}>{f.label}</label>
          <input
            id={`result-field-${index}`}
            type="text"
            maxLength={500}
            value={values[f.key] ?? f.value}
            onChange={(event) => setValues({ ...values, [f.key]: event.target.value })}
          />
        </div>
      ))}
      <div className="field">
        <label htmlFor="result-content">Nội dung quyết định, kết luận (không bắt buộc)</label>
        <textarea id="result-content" rows={3} maxLength={4000} value={content} onChange={(event) => setContent(event.target.value)} />
      </div>
      <div ref={problemRef} tabIndex={-1} className="focus-target">
        {problem && <ErrorMessage>{problem}</ErrorMessage>}
      </div>
      <div className="button-row">
        <button type="submit" aria-disabled={busy || undefined}>
          {busy ? "Đang tạo văn bản…" : "Tạo văn bản kết quả"}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          Hủy
        </button>
      </div>
    </form>
  );
}

/** The result panel of the dossier page. */
export function ResultsPanel({ dossier, roles, me, announce }: { dossier: Dossier; roles: Role[]; me: string; announce: (message: string) => void }) {
  const [drafting, setDrafting] = useState(false);
  const [uploading, setUploading] = useState(false);
  const [previewing, setPreviewing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const refresh = useRefreshDossier(dossier.code);
  const results = dossier.documents.filter((d) => d.kind === "result" && !d.deleted);
  const own = results.find((d) => !d.issuer);
  const fromOthers = results.filter((d) => d.issuer);
  const open = OPEN_STATUSES.includes(dossier.status);
  const prepares = open && roles.some((r) => DRAFTERS.includes(r)) && !(own?.signers?.length ?? 0);
  const rule = useApiQuery<Draft>(
    queryKeys.dossierPart(dossier.code, "result-draft"),
    `/v1/dossiers/${encodeURIComponent(dossier.code)}/results/draft`,
    { enabled: prepares },
  );
  if (!open && results.length === 0) return null;

  const kind = rule.data?.result_kind;
  const signedByMe = Boolean(own?.signers?.includes(me));
  const canDraft = prepares && kind !== "upload" && kind !== "none";
  const canUpload = prepares && kind === "upload";
  const canSign = open && own !== undefined && roles.some((r) => SIGNERS.includes(r)) && !signedByMe;
  const backToPanel = () => window.setTimeout(() => headingRef.current?.focus(), 0);

  const drafted = (number: string) => {
    setDrafting(false);
    void refresh();
    announce(`Đã tạo văn bản kết quả số ${number}.`);
    backToPanel();
  };
  const uploaded = (number: string) => {
    setUploading(false);
    void refresh();
    announce(`Đã tải lên văn bản kết quả số ${number}.`);
    backToPanel();
  };
  const sign = () => {
    if (!own || busy) return;
    setBusy(true);
    setProblem(null);
    api(`/v1/dossiers/${encodeURIComponent(dossier.code)}/documents/${encodeURIComponent(own.id)}/sign`, { method: "POST", body: {} })
      .then(() => {
        void refresh();
        announce(`Đã ký số văn bản kết quả số ${own.number ?? ""}.`);
        backToPanel();
      })
      .catch((caught: unknown) => setProblem(caught instanceof ApiError ? caught.message : errorMessage(caught)))
      .finally(() => setBusy(false));
  };

  return (
    <section aria-labelledby="dossier-result" className="card">
      <h2 id="dossier-result" ref={headingRef} tabIndex={-1} className="focus-target">
        Kết quả giải quyết
      </h2>
      {own ? (
        <div className="result-current">
          <p>
            <strong>{own.name}</strong>
          </p>
          <dl className="result-facts">
            <dt>Số, ký hiệu</dt>
            <dd>{own.number || "chưa cấp số"}</dd>
            <dt>Ngày ban hành</dt>
            <dd>{formatDate(own.issued_at ?? null) || "—"}</dd>
            <dt>Ký số</dt>
            <dd>{own.signers && own.signers.length > 0 ? `${own.signers.length} chữ ký${signedByMe ? " (có chữ ký của bạn)" : ""}` : "chưa ký"}</dd>
          </dl>
          <Signatures code={dossier.code} result={own} />
          <div className="button-row">
            <button type="button" className="button-secondary" id="result-preview-button" aria-expanded={previewing} onClick={() => setPreviewing(!previewing)}>
              {previewing ? "Đóng xem trước kết quả" : "Xem trước kết quả"}
            </button>
            {canSign && (
              <button type="button" onClick={sign} aria-disabled={busy || undefined}>
                {busy ? "Đang ký số…" : "Ký số văn bản kết quả"}
              </button>
            )}
          </div>
          {previewing && (
            <DocumentPreview
              key={`${own.id}-${own.sha256 ?? ""}`}
              code={dossier.code}
              document={own}
              onClose={() => {
                setPreviewing(false);
                window.setTimeout(() => document.getElementById("result-preview-button")?.focus(), 0);
              }}
            />
          )}
        </div>
      ) : (
        <p>Hồ sơ chưa có văn bản kết quả. Lãnh đạo chỉ phê duyệt và văn thư chỉ phát hành khi đã có kết quả được cấp số và ký số.</p>
      )}
      {fromOthers.length > 0 && (
        <>
          <h3>Kết quả do cơ quan, hệ thống khác cấp</h3>
          <ul className="plain">
            {fromOthers.map((d) => (
              <li key={d.id}>
                {d.name}
                {d.number ? ` — số ${d.number}` : ""} ({d.issuer})
              </li>
            ))}
          </ul>
        </>
      )}
      {problem && <ErrorMessage>{problem}</ErrorMessage>}
      {canDraft && !drafting && (
        <p>
          <button type="button" className={own ? "button-secondary" : undefined} onClick={() => setDrafting(true)}>
            {own ? "Soạn lại kết quả từ mẫu" : "Soạn kết quả từ mẫu"}
          </button>
        </p>
      )}
      {canUpload && !uploading && (
        <p>
          <button type="button" className={own ? "button-secondary" : undefined} onClick={() => setUploading(true)}>
            {own ? "Tải lên lại văn bản kết quả" : "Tải lên văn bản kết quả"}
          </button>
        </p>
      )}
      {canUpload && uploading && (
        <ResultUploadForm
          code={dossier.code}
          onDone={uploaded}
          onCancel={() => {
            setUploading(false);
            backToPanel();
          }}
        />
      )}
      {drafting && (
        <DraftForm
          code={dossier.code}
          onDone={drafted}
          onCancel={() => {
            setDrafting(false);
            backToPanel();
          }}
        />
      )}
    </section>
  );
}
