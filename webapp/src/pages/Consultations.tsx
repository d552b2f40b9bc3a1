import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

import { ApiError, api, errorMessage } from "../api";
import { FileUpload, type UploadedFile } from "../components/FileUpload";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { formatBytes, formatDateTime } from "../format";
import { queryKeys, useApiQuery } from "../query";
import { href } from "../router";
import type { Consultation, ConsultationPage, ConsultedView, Dossier } from "../types";

const REFRESH_MS = 60_000;
const OPINION_MAX = 4000;

function state(c: Consultation): string {
  if (c.answered_at) return `Đã trả lời lúc ${formatDateTime(c.answered_at)}`;
  if (c.closed_at) return `Kết thúc không có ý kiến (quá hạn) lúc ${formatDateTime(c.closed_at)}`;
  if (c.due_at && new Date(c.due_at) < new Date()) return "Quá hạn trả lời";
  return "Chờ trả lời";
}

/** The consultations sent to the unit ("Xin ý kiến" on the dashboard): those waiting for its opinion. */
export function ConsultationsSection({ unit }: { unit: string }) {
  const query = useApiQuery<ConsultationPage>(
    queryKeys.unit(unit, "consultations"),
    `/v1/units/${encodeURIComponent(unit)}/consultations?state=open`,
    { refetchInterval: REFRESH_MS },
  );
  const items = query.data?.items;
  return (
    <section aria-labelledby="consultations-open" className="counter-group">
      <h2 id="consultations-open">Xin ý kiến: chờ đơn vị trả lời{items ? ` (${items.length})` : ""}</h2>
      {query.error && <ErrorMessage>{errorMessage(query.error)}</ErrorMessage>}
      {!items && !query.error && <Loading what="yêu cầu xin ý kiến" />}
      {items && items.length === 0 && <p>Không có yêu cầu xin ý kiến nào đang chờ đơn vị trả lời.</p>}
      {items && items.length > 0 && (
        <ul className="plain" aria-labelledby="consultations-open">
          {items.map(({ code, consultation }) => (
            <li key={consultation.id}>
              <a href={href(["xin-y-kien", code, consultation.id])}>Hồ sơ {code}</a> — {consultation.content}
              {consultation.due_at && ` · hạn trả lời ${formatDateTime(consultation.due_at)}`} · {state(consultation)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The consulted unit's page for one request: its question, deadline and shared documents — nothing
 * else of the dossier — and the answer (opinion, files; the system draws up the letter and signs it). */
export function ConsultationScreen({ code, id }: { code: string; id: string }) {
  const path = `/v1/dossiers/${encodeURIComponent(code)}/consultations/${encodeURIComponent(id)}`;
  const query = useApiQuery<ConsultedView>(queryKeys.dossierPart(code, "consultation", id), path);
  const [opinion, setOpinion] = useState("");
  const [files, setFiles] = useState<UploadedFile[]>([]);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [answered, setAnswered] = useState<ConsultedView | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const view = answered ?? query.data;
  const client = useQueryClient();

  const download = (docId: string) => {
    setDownloadError(null);
    api<{ url: string }>(`${path}/documents/${encodeURIComponent(docId)}/link`)
      .then((link) => window.location.assign(link.url))
      .catch((caught: unknown) => setDownloadError(errorMessage(caught)));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setError(null);
    if (!opinion.trim()) {
      setFieldError("Vui lòng nhập nội dung ý kiến.");
      document.getElementById("opinion-text")?.focus();
      return;
    }
    setFieldError(null);
    if (uploading) {
      setError("Vui lòng chờ tải lên và kiểm tra xong các tệp đính kèm.");
      return;
    }
    setBusy(true);
    try {
      const done = await api<ConsultedView>(`${path}/opinion`, { method: "POST", body: { opinion: opinion.trim(), attachments: files.map((f) => f.upload_id) } });
      setAnswered(done);
      // the unit's list no longer holds it
      void client.invalidateQueries({ queryKey: queryKeys.unit(done.consultation.unit_code, "consultations") });
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading title={`Xin ý kiến về hồ sơ ${code}`}>Xin ý kiến về hồ sơ {code}</PageHeading>
      {query.error && <ErrorMessage>{errorMessage(query.error)}</ErrorMessage>}
      {!view && !query.error && <Loading what="yêu cầu xin ý kiến" />}
      {view && (
        <>
          <section aria-labelledby="consult-request" className="card">
            <h2 id="consult-request">Nội dung xin ý kiến</h2>
            <dl className="facts">
              <dt>Đơn vị xin ý kiến</dt>
              <dd>{view.asking_unit_name}</dd>
              <dt>Người xin ý kiến</dt>
              <dd>{view.consultation.requested_by_name || "—"}</dd>
              <dt>Ngày gửi</dt>
              <dd>{formatDateTime(view.consultation.requested_at)}</dd>
              <dt>Hạn trả lời</dt>
              <dd>{view.consultation.due_at ? formatDateTime(view.consultation.due_at) : "—"}</dd>
              <dt>Nội dung</dt>
              <dd>{view.consultation.content}</dd>
              <dt>Trạng thái</dt>
              <dd>{state(view.consultation)}</dd>
            </dl>
          </section>
          <section aria-labelledby="consult-documents" className="card">
            <h2 id="consult-documents">Tài liệu được chia sẻ</h2>
            {downloadError && <ErrorMessage>{downloadError}</ErrorMessage>}
            {view.documents.length === 0 ? (
              <p>Đơn vị xin ý kiến không chia sẻ tài liệu nào.</p>
            ) : (
              <ul className="plain document-list">
                {view.documents.map((doc) => (
                  <li key={doc.id}>
                    <span>
                      {doc.name} <span className="muted">({doc.content_type}, {formatBytes(doc.size)})</span>
                    </span>{" "}
                    <button type="button" className="button-secondary" onClick={() => download(doc.id)}>
                      Tải xuống<span className="visually-hidden"> {doc.name}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="consult-answer" className="card">
            <h2 id="consult-answer">Ý kiến của đơn vị</h2>
            {view.consultation.answered_at ? (
              <p>
                {view.consultation.answered_by_name} đã trả lời lúc {formatDateTime(view.consultation.answered_at)}: {view.consultation.opinion}
              </p>
            ) : view.consultation.closed_at ? (
              <p>Đơn vị xin ý kiến đã tiếp tục xử lý hồ sơ khi quá hạn trả lời; không nhận ý kiến nữa.</p>
            ) : (
              <form onSubmit={(event) => void submit(event)} noValidate>
                {error && (
                  <div className="alert alert-error" role="alert">
                    <span className="alert-icon" aria-hidden="true">
                      ⚠
                    </span>
                    <strong>{error}</strong>
                  </div>
                )}
                <div className={`field${fieldError ? " field-invalid" : ""}`}>
                  <label htmlFor="opinion-text">
                    Nội dung ý kiến
                    <span className="required" aria-hidden="true">
                      {" "}
                      *
                    </span>
                  </label>
                  <textarea
                    id="opinion-text"
                    rows={5}
                    value={opinion}
                    maxLength={OPINION_MAX}
                    required
                    aria-invalid={fieldError ? true : undefined}
                    aria-describedby={fieldError ? "opinion-hint opinion-error" : "opinion-hint"}
                    onChange={(event) => setOpinion(event.target.value)}
                  />
                  <p className="hint" id="opinion-hint">
                    Hệ thống lập văn bản ý kiến từ nội dung này và ký số bằng chữ ký của bạn.
                  </p>
                  {fieldError && (
                    <p className="error" id="opinion-error">
                      <span aria-hidden="true">⚠ </span>
                      {fieldError}
                    </p>
                  )}
                </div>
                <FileUpload id="opinion-attachments" label="Tệp kèm ý kiến (nếu có)" onChange={setFiles} onPendingChange={setUploading} />
                <p>
                  <button type="submit" aria-disabled={busy || undefined}>
                    {busy ? "Đang ký số và gửi…" : "Ký số và gửi ý kiến"}
                  </button>
                </p>
              </form>
            )}
          </section>
        </>
      )}
    </>
  );
}

/** The dossier's consultations on its own page: who was asked what, until when, and their answers. */
export function DossierConsultations({ dossier, onDownload }: { dossier: Dossier; onDownload: (docId: string) => void }) {
  if (!dossier.consultations?.length) return null;
  const name = (id: string) => dossier.documents.find((d) => d.id === id)?.name ?? id;
  return (
    <section aria-labelledby="dossier-consultations" className="card">
      <h2 id="dossier-consultations">Xin ý kiến</h2>
      <ol className="plain">
        {dossier.consultations.map((c) => (
          <li key={c.id}>
            <p>
              <strong>{c.unit_name || c.unit_code}</strong>
              {c.via === "coordinator" && <span className="badge">Cơ quan ngoài hoso, qua Hệ thống điều phối</span>} — {state(c)}
              {c.due_at && ` · hạn trả lời ${formatDateTime(c.due_at)}`}
            </p>
            {c.via === "coordinator" && !c.answered_at && !c.closed_at && (
              <p>{c.handed_over_at ? `Đã chuyển đến Hệ thống điều phối lúc ${formatDateTime(c.handed_over_at)}` : "Đang chuyển đến Hệ thống điều phối"}</p>
            )}
            <p>Nội dung xin ý kiến: {c.content}</p>
            <p>Tài liệu chia sẻ: {(c.documents ?? []).map(name).join(", ") || "không có"}</p>
            {c.opinion && (
              <p>
                Ý kiến ({c.answered_by_name}): {c.opinion}
              </p>
            )}
            {(c.opinion_documents ?? []).length > 0 && (
              <ul className="plain">
                {(c.opinion_documents ?? []).map((id) => (
                  <li key={id}>
                    {name(id)}
                    {id === c.signed_document && <span className="badge">Văn bản ý kiến đã ký số</span>}{" "}
                    <button type="button" className="button-secondary" onClick={() => onDownload(id)}>
                      Tải xuống<span className="visually-hidden"> {name(id)}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
