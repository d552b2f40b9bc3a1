// The dossier's papers (FR-5, FR-12, FR-15): what the desk received for each component (original
// or copy), and digitising — a citizen's scan signed by the desk officer or the appraiser as its
// certified digitised copy (PAdES through eSign), shown with its signature's state.

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

import { api, errorMessage } from "../api";
import { ErrorMessage } from "../components/Page";
import { useApp } from "../context";
import { formatDateTime } from "../format";
import { queryKeys, type Schema, useApiQuery, useRefreshDossier } from "../query";
import "./DossierPapers.css";

type DocumentRef = Schema<"DocumentRef">;

const SCANS = new Set(["application/pdf", "image/jpeg", "image/png", "image/tiff"]);
const COPY_KINDS: Record<string, string> = { original: "Bản chính", copy: "Bản sao" };

interface SignatureState {
  signer: string;
  signed_at: string | null;
  timestamp: string | null;
  valid: boolean;
  trusted: boolean;
}

interface Verification {
  ok: boolean;
  stored_hash_matches: boolean;
  signatures: SignatureState[];
}

function SignatureLine({ code, document }: { code: string; document: DocumentRef }) {
  const path = `/v1/dossiers/${encodeURIComponent(code)}/documents/${encodeURIComponent(document.id)}/verification`;
  const query = useApiQuery<Verification>(queryKeys.dossierPart(code, "verification", document.id), path);
  if (query.error) return <span className="error">Không kiểm tra được chữ ký: {errorMessage(query.error)}</span>;
  if (!query.data) return <span className="muted">Đang kiểm tra chữ ký số…</span>;
  const signature = query.data.signatures[0];
  if (!signature) return <span className="error">Chưa có chữ ký số.</span>;
  return (
    <span className={query.data.ok ? "signature-ok" : "error"}>
      {query.data.ok ? "✔ Chữ ký số hợp lệ" : "⚠ Chữ ký số không hợp lệ"}: {signature.signer}
      {signature.timestamp || signature.signed_at ? `, ký lúc ${formatDateTime(signature.timestamp ?? signature.signed_at)}` : ""}
      {query.data.stored_hash_matches ? "" : " — tệp lưu trữ không khớp giá trị băm"}
    </span>
  );
}

/** Received components, scans to digitise and digitised copies of one dossier. */
export function DossierPapers({ code }: { code: string }) {
  const { roles, announce } = useApp();
  const path = `/v1/dossiers/${encodeURIComponent(code)}`;
  const view = useApiQuery<Schema<"DossierView">>(queryKeys.dossier(code), path).data;
  const refresh = useRefreshDossier(code);
  const [error, setError] = useState<string | null>(null);
  const digitise = useMutation({
    mutationFn: (document: DocumentRef) => api<DocumentRef>(`${path}/documents/${encodeURIComponent(document.id)}/digitise`, { method: "POST" }),
    onSuccess: (copy) => {
      setError(null);
      void refresh();
      announce(`Đã số hóa và ký số “${copy.name}”.`);
    },
    onError: (caught) => setError(errorMessage(caught)),
  });
  if (!view) return null;
  const { dossier } = view;
  const documents = (dossier.documents ?? []).filter((d) => !d.deleted);
  const received = dossier.received_components ?? [];
  const canDigitise = roles.some((r) => r === "desk" || r === "appraiser");
  const scans = documents.filter((d) => d.kind === "submitted" && !d.digitised_from && SCANS.has(d.content_type));
  const digitised = documents.filter((d) => d.digitised_from);
  if (!received.length && !digitised.length && !(canDigitise && scans.length)) return null;

  return (
    <section aria-labelledby="dossier-papers" className="card">
      <h2 id="dossier-papers">Thành phần hồ sơ giấy và bản số hóa</h2>
      {received.length > 0 && (
        <>
          <h3>Đã nhận tại bộ phận một cửa</h3>
          <ul className="plain">
            {received.map((c) => (
              <li key={c.code}>
                <span aria-hidden="true">☑ </span>
                {c.name} — {COPY_KINDS[c.copy_kind] ?? c.copy_kind}
                {documents.some((d) => d.component_code === c.code) ? ", có tệp đính kèm" : ", bản giấy"}
              </li>
            ))}
          </ul>
        </>
      )}
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {canDigitise && scans.length > 0 && (
        <>
          <h3>Bản chụp, bản quét chờ số hóa</h3>
          <p className="hint">Số hóa: hệ thống ký số (PAdES) bản quét bằng chứng thư của bạn, thành bản số hóa có giá trị thay bản quét.</p>
          <ul className="plain document-list">
            {scans.map((doc) => (
              <li key={doc.id}>
                <span>{doc.name}</span>{" "}
                <button type="button" className="button-secondary" aria-disabled={digitise.isPending || undefined} onClick={() => !digitise.isPending && digitise.mutate(doc)}>
                  {digitise.isPending && digitise.variables?.id === doc.id ? "Đang ký số…" : "Số hóa và ký số"}
                  <span className="visually-hidden"> {doc.name}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {digitised.length > 0 && (
        <>
          <h3>Bản số hóa có ký số</h3>
          <ul className="plain">
            {digitised.map((doc) => (
              <li key={doc.id}>
                {doc.name} — <SignatureLine code={code} document={doc} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
