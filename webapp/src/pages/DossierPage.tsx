import { useCallback, useEffect, useRef, useState } from "react";

import { api, errorMessage } from "../api";
import { getProcedure } from "../catalogue";
import { isOverdue } from "../components/DossierList";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { FormDataView } from "../eform/FormDataView";
import { formatBytes, formatDateTime, formatMoney } from "../format";
import { href } from "../router";
import { APPLICANT_KINDS, CHANNEL_LABELS, DELIVERY_LABELS, statusLabel } from "../statuses";
import type { ActionOption, DossierView, ProcedureDetail } from "../types";
import { ActionDialog } from "./ActionDialog";

/** The dossier page: where it stands, what the officer may do now, its data and its trail. */
export function DossierPage({ code }: { code: string }) {
  const { announce, roleLabel, unitName } = useApp();
  const [view, setView] = useState<DossierView | null>(null);
  const [detail, setDetail] = useState<ProcedureDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [acting, setActing] = useState<ActionOption | null>(null);
  const stateRef = useRef<HTMLHeadingElement>(null);

  const load = useCallback(
    (signal?: AbortSignal) =>
      api<DossierView>(`/v1/dossiers/${encodeURIComponent(code)}`, { signal })
        .then((answer) => {
          setView(answer);
          getProcedure(answer.dossier.procedure_code)
            .then(setDetail)
            .catch(() => setDetail(null));
        })
        .catch((caught: unknown) => {
          if (!(caught instanceof DOMException && caught.name === "AbortError")) setError(errorMessage(caught));
        }),
    [code],
  );

  useEffect(() => {
    const controller = new AbortController();
    setView(null);
    setError(null);
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const finished = (label: string) => (next: DossierView) => {
    setActing(null);
    setView(next);
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
          <dd>{display.handler || dossier.assignee_name || "Chưa phân công"}</dd>
          <dt>Đơn vị tiếp nhận</dt>
          <dd>{unitName(dossier.unit_code)}</dd>
          <dt>Ngày nộp</dt>
          <dd>{formatDateTime(dossier.submitted_at)}</dd>
          <dt>Ngày tiếp nhận</dt>
          <dd>{formatDateTime(dossier.received_at) || "Chưa tiếp nhận"}</dd>
          <dt>Ngày hẹn trả kết quả</dt>
          <dd className={overdue ? "overdue" : undefined}>{formatDateTime(dossier.due_at) || "Chưa có"}</dd>
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
        <p>
          <a href={href(["ho-so", dossier.code, "phieu-tiep-nhan"])}>In giấy tiếp nhận hồ sơ và hẹn trả kết quả</a>
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
                <p>
                  {round.received_at
                    ? `Đã nhận hồ sơ bổ sung lúc ${formatDateTime(round.received_at)} (${round.received_by ?? ""}).`
                    : "Đang chờ công dân bổ sung; thời hạn xử lý tạm dừng."}
                </p>
              </li>
            ))}
          </ol>
        </section>
      )}

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
        {dossier.documents.filter((d) => !d.deleted).length === 0 ? (
          <p>Chưa có tài liệu đính kèm.</p>
        ) : (
          <ul className="plain">
            {dossier.documents
              .filter((d) => !d.deleted)
              .map((document) => (
                <li key={document.id}>
                  {document.name} <span className="muted">({document.content_type}, {formatBytes(document.size)})</span>
                  {document.kind === "result" && <span className="badge">Kết quả</span>}
                </li>
              ))}
          </ul>
        )}
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
      </section>

      {dossier.fees.length > 0 && (
        <section aria-labelledby="dossier-fees" className="card">
          <h2 id="dossier-fees">Phí, lệ phí</h2>
          <ul className="plain">
            {dossier.fees.map((fee) => (
              <li key={fee.code}>
                {fee.name}: {formatMoney(fee.amount)} — {fee.paid ? "đã nộp" : "chưa nộp"}
              </li>
            ))}
          </ul>
        </section>
      )}

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

      {acting && <ActionDialog code={dossier.code} action={acting} onClose={() => setActing(null)} onDone={finished(acting.label)} />}
    </>
  );
}
