// FR-28/29 reuse of documents: the applicant's e-data store, as the officer handling this dossier
// may see it — only the document types the procedure asks for, only while the dossier is being
// received or processed. The store is read on request (each read is recorded in the access log of
// personal data), never when the page opens.

import { useState } from "react";

import { api, errorMessage } from "../api";
import { ErrorMessage } from "../components/Page";
import { formatBytes, formatDateTime } from "../format";

interface StoredDocument {
  id: string;
  doc_type: string;
  name: string;
  source: "result" | "submitted";
  dossier_code: string;
  procedure_name: string;
  number: string;
  size: number;
  updated_at: string;
}

interface RefusedDossier {
  dossier_code: string;
  procedure_name: string;
  refused_at: string;
  reason: string;
}

interface OwnerStore {
  wanted_types: string[];
  documents: StoredDocument[];
  refused_dossiers: RefusedDossier[];
}

const OPEN = new Set([1, 2, 4, 5]);

export function EDataPanel({ code, status, canReuse, typeName, onAttached }: {
  code: string;
  status: number;
  canReuse: boolean;
  typeName: (docType: string) => string;
  onAttached: (name: string) => void;
}) {
  const [store, setStore] = useState<OwnerStore | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!OPEN.has(status)) return null;

  const open = async () => {
    setBusy(true);
    setError(null);
    try {
      setStore(await api<OwnerStore>(`/v1/dossiers/${encodeURIComponent(code)}/edata`));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  const reuse = async (doc: StoredDocument) => {
    setBusy(true);
    setError(null);
    try {
      await api(`/v1/dossiers/${encodeURIComponent(code)}/edata/attach`, { method: "POST", body: { doc_type: doc.doc_type, item_id: doc.id } });
      setStore((previous) => (previous ? { ...previous, documents: previous.documents.filter((d) => d.id !== doc.id) } : previous));
      onAttached(doc.name);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="edata">
      <h3 id="dossier-edata">Kho dữ liệu điện tử của chủ hồ sơ</h3>
      <p className="hint">Chỉ hiển thị giấy tờ thuộc thành phần hồ sơ mà thủ tục này yêu cầu. Mỗi lần xem được ghi vào nhật ký truy cập dữ liệu cá nhân.</p>
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {!store ? (
        <button type="button" className="button-secondary" disabled={busy} onClick={() => void open()}>
          Tìm giấy tờ trong kho dữ liệu điện tử
        </button>
      ) : store.documents.length === 0 ? (
        <p role="status">Kho dữ liệu điện tử không có giấy tờ nào thủ tục này yêu cầu.</p>
      ) : (
        <ul className="plain edata-list" aria-labelledby="dossier-edata">
          {store.documents.map((doc) => (
            <li key={doc.id}>
              <span>
                {doc.name} <span className="muted">({typeName(doc.doc_type)}; từ hồ sơ {doc.dossier_code}{doc.number ? `, số ${doc.number}` : ""}; {formatBytes(doc.size)}; cập nhật {formatDateTime(doc.updated_at)})</span>
              </span>{" "}
              {canReuse && (
                <span className="actions">
                  <button type="button" className="button-secondary" disabled={busy} onClick={() => void reuse(doc)}>
                    Dùng lại<span className="visually-hidden"> {doc.name}</span>
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {store && store.refused_dossiers.length > 0 && (
        <>
          <h4>Hồ sơ cùng thủ tục đã bị từ chối</h4>
          <ul className="plain">
            {store.refused_dossiers.map((r) => (
              <li key={r.dossier_code}>
                {r.dossier_code} — {formatDateTime(r.refused_at)}: {r.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
