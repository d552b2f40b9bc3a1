import "./pages.css";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";

import { errorMessage } from "../api";
import { getProcedure } from "../catalogue";
import { isOverdue } from "../components/DossierList";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { ProcessDiagram } from "../components/ProcessDiagram";
import { useApp } from "../context";
import { FormDataView } from "../eform/FormDataView";
import { formatBytes, formatDateTime } from "../format";
import { holderLabel } from "../holder";
import { queryKeys, useApiQuery, useRefreshDossier } from "../query";
import { href } from "../router";
import { APPLICANT_KINDS, CHANNEL_LABELS, DELIVERY_LABELS, statusLabel } from "../statuses";
import type { ActionOption, DocumentRef, DossierProcess, DossierSyncState, DossierView, ProcedureDetail, SyncState } from "../types";
import { ActionDialog } from "./ActionDialog";
import { DossierConsultations } from "./Consultations";
import { canPreview, DocumentPreview, downloadDocument } from "./DocumentPreview";
import { DeliveryPanel } from "./DeliveryPanel";
import { DossierPapers } from "./DossierPapers";
import { EDataPanel } from "./EDataPanel";
import { FeesPanel } from "./FeesPanel";
import { AssistantPanel } from "./Assistant";
import { IntegrityPanel } from "./IntegrityPanel";
import { LienThongPanel } from "./LienThongPanel";
import { NotePanel } from "./NotePanel";
import { sourceLabel, WithdrawalPanel } from "./WithdrawalPanel";
import { PostPanel } from "./PostPanel";
import { PrintPanel } from "./PrintPanel";
import { ResultsPanel } from "./ResultsPanel";
import { SpecialisedOutagePanel } from "./SpecialisedOutagePanel";
import { TransferUnitPanel } from "./TransferUnitPanel";

const SYNC_LABELS: Record<SyncState, string> = {
  synced: "Đã đồng bộ đủ",
  pending: "Đang chờ đồng bộ",
  not_started: "Chưa đồng bộ",
};

function isLate(moment: string | null, finished: string | null): boolean {
  return Boolean(moment && !finished && Date.parse(moment) < Date.now());
}

/** The dossier page: where it stands, what the officer may do now, its data and its trail. */
export function DossierPage({ code }: { code: string }) {
  const { announce, me, roleLabel, unitName, roles } = useApp();
  const [detail, setDetail] = useState<ProcedureDetail | null>(null);
  const [acting, setActing] = useState<ActionOption | null>(null);
  const [previewing, setPreviewing] = useState<DocumentRef | null>(null);
  const [documentError, setDocumentError] = useState<string | null>(null);
  const stateRef = useRef<HTMLHeadingElement>(null);
  const queryClient = useQueryClient();
  const path = `/v1/dossiers/${encodeURIComponent(code)}`;
  const dossierQuery = useApiQuery<DossierView>(queryKeys.dossier(code), path);
  const processQuery = useApiQuery<DossierProcess>(queryKeys.dossierPart(code, "process"), `${path}/process`);
  const syncQuery = useApiQuery<DossierSyncState>(queryKeys.dossierPart(code, "sync"), `${path}/sync`);
  const view = dossierQuery.data ?? null;
  const error = dossierQuery.error ? errorMessage(dossierQuery.error) : null;
  const process = processQuery.data ?? null;
  const processError = processQuery.error ? errorMessage(processQuery.error) : null;
  const sync = syncQuery.data ?? null;
  const syncError = syncQuery.error ? errorMessage(syncQuery.error) : null;
  const procedureCode = view?.dossier.procedure_code;

  useEffect(() => {
    setPreviewing(null);
  }, [code]);
  useEffect(() => {
    if (!procedureCode) return;
    getProcedure(procedureCode)
      .then(setDetail)
      .catch(() => setDetail(null));
  }, [procedureCode]);
  const refresh = useRefreshDossier(code);

  const finished = (label: string) => (next: DossierView) => {
    setActing(null);
    queryClient.setQueryData(queryKeys.dossier(code), next);
    void queryClient.invalidateQueries({ queryKey: queryKeys.dossier(code) });
    announce(`Đã thực hiện “${label}”. Hồ sơ hiện ở trạng thái “${statusLabel(next.dossier.status)}”.`);
    // The button that opened the dialog may be gone with the step: continue from the state.
    window.setTimeout(() => stateRef.current?.focus(), 0);
  };

  if (error) {
    return (
      <>
        <PageHeading title={`Hồ sơ ${code}`}>Hồ sơ {code}</PageHeading>
        <ErrorMessage>{error}</ErrorMessage>
        <p>
          <a href={href([])}>Về trang Việc cần làm</a>
        </p>
      </>
    );
  }
  if (!view) {
    return (
      <>
        <PageHeading title={`Hồ sơ ${code}`}>Hồ sơ {code}</PageHeading>
        <Loading what="hồ sơ" />
      </>
    );
  }

  const { dossier, display, available_actions: actions, events } = view;
  const overdue = isOverdue(dossier);
  const deadlineIsLate = /quá hạn/i.test(display.deadline);
  const stepLate = isLate(dossier.step_due_at, dossier.finished_at);
  const documents = dossier.documents.filter((d) => !d.deleted);
  const unitRoles = me.profile.assignments.filter((a) => a.unit_code === dossier.unit_code).map((a) => a.role);

  const closePreview = () => {
    const id = previewing?.id;
    setPreviewing(null);
    if (id) window.setTimeout(() => document.getElementById(`xem-truoc-nut-${id}`)?.focus(), 0);
  };
  const download = (doc: DocumentRef) => {
    setDocumentError(null);
    downloadDocument(dossier.code, doc.id).catch((caught: unknown) => setDocumentError(errorMessage(caught)));
  };

  return (
    <>
      <PageHeading title={`Hồ sơ ${code}`}>Hồ sơ {code}</PageHeading>
      <p className="lead">
        {dossier.procedure_name} <span className={`badge status-${dossier.status}`}>{statusLabel(dossier.status)}</span>
      </p>

      <section aria-labelledby="dossier-state" className="card">
        <h2 id="dossier-state" ref={stateRef} tabIndex={-1} className="focus-target">
          Tình trạng xử lý
        </h2>
        <dl className="facts">
          <dt>Trạng thái</dt>
          <dd>
            {dossier.status}. {statusLabel(dossier.status)}
          </dd>
          <dt>Vị trí hiện tại</dt>
          <dd>{display.position || "—"}</dd>
          <dt>Phòng ban</dt>
          <dd>{display.department || "—"}</dd>
          <dt>Người xử lý</dt>
          <dd>{holderLabel(dossier, roleLabel, display.department)}</dd>
          <dt>Đơn vị tiếp nhận</dt>
          <dd>{unitName(dossier.unit_code)}</dd>
          <dt>Ngày nộp</dt>
          <dd>{formatDateTime(dossier.submitted_at)}</dd>
          <dt>Ngày tiếp nhận</dt>
          <dd>{formatDateTime(dossier.received_at) || "Chưa tiếp nhận"}</dd>
          <dt>Ngày hẹn trả kết quả</dt>
          <dd className={overdue ? "overdue" : undefined}>
            {overdue && <span aria-hidden="true">⚠ </span>}
            {formatDateTime(dossier.due_at) || "Chưa có"}
            {overdue && <strong> (quá hạn)</strong>}
          </dd>
          {dossier.step_due_at && !dossier.finished_at && (
            <>
              <dt>Hạn xử lý của bước hiện tại</dt>
              <dd className={stepLate ? "overdue" : undefined}>
                {stepLate && <span aria-hidden="true">⚠ </span>}
                {formatDateTime(dossier.step_due_at)}
                {stepLate && <strong> (bước đã quá hạn)</strong>}
              </dd>
            </>
          )}
          <dt>Thời hạn xử lý</dt>
          <dd>
            {display.deadline ? (
              <span className={deadlineIsLate ? "overdue" : undefined}>
                {deadlineIsLate && <span aria-hidden="true">⚠ </span>}
                {display.deadline}
              </span>
            ) : dossier.finished_at ? (
              `Đã xử lý xong lúc ${formatDateTime(dossier.finished_at)}`
            ) : (
              "—"
            )}
          </dd>
          {dossier.paused_at && (
            <>
              <dt>Tạm dừng tính thời hạn từ</dt>
              <dd>{formatDateTime(dossier.paused_at)}</dd>
            </>
          )}
          <dt>Kênh tiếp nhận</dt>
          <dd>{CHANNEL_LABELS[dossier.channel] ?? dossier.channel}</dd>
          <dt>Hình thức nhận kết quả</dt>
          <dd>{DELIVERY_LABELS[dossier.result_delivery] ?? dossier.result_delivery}</dd>
          {dossier.dvcqg_ref && (
            <>
              <dt>Mã hồ sơ trên Cổng DVCQG</dt>
              <dd>{dossier.dvcqg_ref}</dd>
            </>
          )}
        </dl>
      </section>

      <SpecialisedOutagePanel code={dossier.code} onContinued={refresh} />

      <section aria-labelledby="dossier-actions" className="card">
        <h2 id="dossier-actions">Thao tác</h2>
        {actions.length === 0 ? (
          <p>Không có thao tác nào dành cho bạn ở bước hiện tại của hồ sơ.</p>
        ) : (
          <ul className="action-buttons">
            {actions.map((action) => (
              <li key={action.id}>
                <button
                  type="button"
                  className={/tu_choi|dung|rut/.test(action.id) ? "button-danger" : undefined}
                  onClick={() => setActing(action)}
                >
                  {action.label}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>

      <LienThongPanel code={dossier.code} />
      <TransferUnitPanel code={dossier.code} />
      <PrintPanel code={dossier.code} />

      <section aria-labelledby="dossier-process" className="card">
        <h2 id="dossier-process">Vị trí trên quy trình xử lý</h2>
        {processError && <ErrorMessage>{processError}</ErrorMessage>}
        {!process && !processError && <Loading what="quy trình" />}
        {process && (
          <>
            <p>
              Quy trình “{process.process.name}” (phiên bản {process.process.version}). Hồ sơ đang ở bước{" "}
              <strong>“{process.process.steps.find((s) => s.id === process.current_step)?.name ?? process.current_step}”</strong>
              {process.passed_steps.length > 0 && `, đã qua ${process.passed_steps.length} bước`}.
            </p>
            <ProcessDiagram
              process={process.process}
              current={process.current_step}
              visited={process.passed_steps}
              title={`Sơ đồ quy trình của hồ sơ ${dossier.code}`}
            />
          </>
        )}
      </section>

      <section aria-labelledby="dossier-sync" className="card">
        <h2 id="dossier-sync">Đồng bộ với các hệ thống</h2>
        {syncError && <ErrorMessage>{syncError}</ErrorMessage>}
        {!sync && !syncError && <Loading what="tình trạng đồng bộ" />}
        {sync && (
          <div className="table-scroll" role="region" aria-label="Tình trạng đồng bộ theo hệ thống nhận" tabIndex={0}>
            <table>
              <caption>
                Tình trạng đồng bộ của {sync.seq} bước xử lý tới từng hệ thống nhận
              </caption>
              <thead>
                <tr>
                  <th scope="col">Hệ thống nhận</th>
                  <th scope="col">Tình trạng</th>
                  <th scope="col">Số bước đã nhận</th>
                  <th scope="col">Bước gần nhất đã nhận</th>
                  <th scope="col">Xác nhận lúc</th>
                </tr>
              </thead>
              <tbody>
                {sync.destinations.map((d) => (
                  <tr key={d.destination}>
                    <th scope="row">{d.name}</th>
                    <td className={`sync-${d.state}`}>
                      <span aria-hidden="true">{d.state === "synced" ? "✓ " : "… "}</span>
                      {SYNC_LABELS[d.state]}
                      {d.pending > 0 && ` (${d.pending} bước)`}
                    </td>
                    <td>
                      {d.acked_seq}/{sync.seq}
                    </td>
                    <td>{d.last_label ?? "—"}</td>
                    <td>{formatDateTime(d.last_acked_at) || "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p>
          <button type="button" className="button-secondary" onClick={() => void syncQuery.refetch()}>
            Cập nhật tình trạng đồng bộ
          </button>
        </p>
      </section>

      <section aria-labelledby="dossier-applicant" className="card">
        <h2 id="dossier-applicant">Chủ hồ sơ</h2>
        <dl className="facts">
          <dt>Tên</dt>
          <dd>{dossier.applicant.name}</dd>
          <dt>Loại đối tượng</dt>
          <dd>{APPLICANT_KINDS[dossier.applicant.kind] ?? dossier.applicant.kind}</dd>
          <dt>Số giấy tờ</dt>
          <dd>{dossier.applicant.id_number}</dd>
          <dt>Số điện thoại</dt>
          <dd>{dossier.applicant.phone || "—"}</dd>
          <dt>Thư điện tử</dt>
          <dd>{dossier.applicant.email || "—"}</dd>
          <dt>Địa chỉ</dt>
          <dd>{dossier.applicant.address || "—"}</dd>
          {dossier.summary && (
            <>
              <dt>Trích yếu</dt>
              <dd>{dossier.summary}</dd>
            </>
          )}
        </dl>
      </section>

      {dossier.supplements.length > 0 && (
        <section aria-labelledby="dossier-supplements" className="card">
          <h2 id="dossier-supplements">Yêu cầu bổ sung</h2>
          <ol className="plain">
            {dossier.supplements.map((round) => (
              <li key={round.id}>
                <p>
                  <strong>{formatDateTime(round.requested_at)}</strong> — {round.requested_by} yêu cầu: {round.content}
                </p>
                {round.submitted_at && (
                  <p>
                    Công dân đã nộp hồ sơ bổ sung trên Cổng DVCQG lúc {formatDateTime(round.submitted_at)}
                    {round.submitted_note ? ` — ghi chú: ${round.submitted_note}` : ""}. Tài liệu:{" "}
                    {dossier.documents
                      .filter((d) => round.submitted_documents?.includes(d.id))
                      .map((d) => d.name)
                      .join(", ") || "không có"}
                    .
                  </p>
                )}
                <p>
                  {round.received_at
                    ? `Đã nhận hồ sơ bổ sung lúc ${formatDateTime(round.received_at)} (${round.received_by ?? ""}).`
                    : round.submitted_at
                      ? "Chờ Bộ phận Một cửa tiếp nhận hồ sơ bổ sung."
                      : "Đang chờ công dân bổ sung; thời hạn xử lý tạm dừng."}
                </p>
              </li>
            ))}
          </ol>
        </section>
      )}

      <DossierConsultations
        dossier={dossier}
        onDownload={(id) => {
          setDocumentError(null);
          downloadDocument(dossier.code, id).catch((caught: unknown) => setDocumentError(errorMessage(caught)));
        }}
      />

      <WithdrawalPanel dossier={dossier} roles={unitRoles} />

      <section aria-labelledby="dossier-form" className="card">
        <h2 id="dossier-form">Tờ khai</h2>
        {detail?.eform ? (
          <FormDataView schema={detail.eform} data={dossier.form_data} />
        ) : (
          <pre className="raw-data">{JSON.stringify(dossier.form_data, null, 2)}</pre>
        )}
      </section>

      <section aria-labelledby="dossier-documents" className="card">
        <h2 id="dossier-documents">Tài liệu</h2>
        {documentError && <ErrorMessage>{documentError}</ErrorMessage>}
        {documents.length === 0 ? (
          <p>Chưa có tài liệu đính kèm.</p>
        ) : (
          <ul className="plain document-list">
            {documents.map((doc) => (
              <li key={doc.id}>
                <span>
                  {doc.name} <span className="muted">({doc.content_type}, {formatBytes(doc.size)})</span>
                  {doc.kind === "result" && <span className="badge">Kết quả</span>}
                  {doc.kind === "internal" && <span className="badge">Tài liệu nội bộ</span>}
                  {doc.kind === "opinion" && <span className="badge">Văn bản ý kiến (đã ký số)</span>}
                  {doc.digitised_from && <span className="badge">Bản số hóa có ký số</span>}
                  {sourceLabel(doc.source) && <span className="badge">{sourceLabel(doc.source)}</span>}
                </span>{" "}
                <span className="actions">
                  {canPreview(doc) && (
                    <button
                      type="button"
                      id={`xem-truoc-nut-${doc.id}`}
                      className="button-secondary"
                      aria-expanded={previewing?.id === doc.id}
                      onClick={() => setPreviewing(previewing?.id === doc.id ? null : doc)}
                    >
                      Xem trước<span className="visually-hidden"> {doc.name}</span>
                    </button>
                  )}
                  <button type="button" className="button-secondary" onClick={() => download(doc)}>
                    Tải xuống<span className="visually-hidden"> {doc.name}</span>
                  </button>
                </span>
              </li>
            ))}
          </ul>
        )}
        {previewing && <DocumentPreview key={previewing.id} code={dossier.code} document={previewing} onClose={closePreview} />}
        {detail && detail.procedure.required_documents.length > 0 && (
          <>
            <h3>Thành phần hồ sơ theo quy định</h3>
            <ul className="plain">
              {detail.procedure.required_documents.map((doc) => (
                <li key={doc.code}>
                  {doc.name} — {doc.copies}
                  {doc.required ? "" : " (không bắt buộc)"}
                </li>
              ))}
            </ul>
          </>
        )}
        <EDataPanel
          key={dossier.code}
          code={dossier.code}
          status={dossier.status}
          canReuse={roles.some((r) => r === "desk" || r === "appraiser" || r === "head")}
          typeName={(docType) => detail?.procedure.required_documents.find((d) => d.code === docType)?.name ?? docType}
          onAttached={(name) => {
            void refresh();
            announce(`Đã dùng lại “${name}” từ kho dữ liệu điện tử cho hồ sơ.`);
          }}
        />
      </section>

      <ResultsPanel key={dossier.code} dossier={dossier} roles={unitRoles} me={me.profile.sub} announce={announce} />

      <DossierPapers code={dossier.code} />

      <FeesPanel dossier={dossier} roles={unitRoles} />
      <PostPanel dossier={dossier} roles={unitRoles} />
      <DeliveryPanel dossier={dossier} roles={unitRoles} />

      <AssistantPanel key={`assistant-${dossier.code}`} dossierCode={dossier.code} />
      <NotePanel code={dossier.code} />
      <IntegrityPanel code={dossier.code} />

      <section aria-labelledby="dossier-trail" className="card">
        <h2 id="dossier-trail">Nhật ký xử lý</h2>
        <ol className="timeline">
          {events.map((event) => (
            <li key={event.seq}>
              <p className="timeline-when">{formatDateTime(event.at)}</p>
              <p className="timeline-what">
                <strong>{event.label}</strong>
                {event.from_status !== null && event.from_status !== event.to_status
                  ? ` — từ “${statusLabel(event.from_status)}” sang “${statusLabel(event.to_status)}”`
                  : ` — ${statusLabel(event.to_status)}`}
              </p>
              <p className="timeline-who">
                {event.actor.name} ({roleLabel(event.actor.role)})
              </p>
              {event.note && <p className="timeline-note">Nội dung: {event.note}</p>}
            </li>
          ))}
        </ol>
      </section>

      {acting && <ActionDialog code={dossier.code} documents={documents} action={acting} onClose={() => setActing(null)} onDone={finished(acting.label)} />}
    </>
  );
}
