import { useEffect, useState } from "react";

import { api, errorMessage } from "../api";
import { getProcedure } from "../catalogue";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { formatDate, formatDateTime, formatDuration } from "../format";
import { href } from "../router";
import { DELIVERY_LABELS } from "../statuses";
import type { DossierView, ProcedureDetail } from "../types";

/**
 * FR-19: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", printable at any time (the printed page
 * leaves the application's chrome out).
 */
export function Receipt({ code }: { code: string }) {
  const { unitName, me } = useApp();
  const [view, setView] = useState<DossierView | null>(null);
  const [detail, setDetail] = useState<ProcedureDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<DossierView>(`/v1/dossiers/${encodeURIComponent(code)}`)
      .then((answer) => {
        setView(answer);
        return getProcedure(answer.dossier.procedure_code).then(setDetail);
      })
      .catch((caught: unknown) => setError(errorMessage(caught)));
  }, [code]);

  const title = `Giấy tiếp nhận hồ sơ ${code}`;
  if (error || !view) {
    return (
      <>
        <PageHeading title={title}>{title}</PageHeading>
        {error ? <ErrorMessage>{error}</ErrorMessage> : <Loading what="hồ sơ" />}
      </>
    );
  }
  const { dossier, events } = view;
  const receiver = events.find((e) => e.action === "receive")?.actor.name ?? me.profile.name;

  return (
    <>
      <p className="no-print">
        <a href={href(["ho-so", code])}>← Quay lại hồ sơ {code}</a>
      </p>
      <article className="paper" aria-labelledby="receipt-title">
        <header className="paper-header">
          <div>
            <p className="paper-agency">{unitName(dossier.unit_code).toUpperCase()}</p>
            <p>BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ</p>
          </div>
          <div>
            <p className="paper-motto">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p>
            <p>Độc lập - Tự do - Hạnh phúc</p>
          </div>
        </header>
        <p className="paper-code">Mã hồ sơ: {dossier.code}</p>
        <PageHeading title={title}>
          <span id="receipt-title">GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ</span>
        </PageHeading>
        <p>
          {unitName(dossier.unit_code)} đã tiếp nhận hồ sơ của: <strong>{dossier.applicant.name}</strong>
        </p>
        <p>Số giấy tờ: {dossier.applicant.id_number}</p>
        <p>Địa chỉ: {dossier.applicant.address || "…"}</p>
        <p>
          Số điện thoại: {dossier.applicant.phone || "…"} — Thư điện tử: {dossier.applicant.email || "…"}
        </p>
        <p>
          Nội dung yêu cầu giải quyết: <strong>{dossier.procedure_name}</strong>
        </p>
        <p>1. Thành phần hồ sơ nộp gồm:</p>
        <table>
          <caption className="visually-hidden">Thành phần hồ sơ đã nộp</caption>
          <thead>
            <tr>
              <th scope="col">STT</th>
              <th scope="col">Tên giấy tờ</th>
              <th scope="col">Hình thức</th>
            </tr>
          </thead>
          <tbody>
            {(detail?.procedure.required_documents ?? []).map((doc, index) => (
              <tr key={doc.code}>
                <td>{index + 1}</td>
                <td>{doc.name}</td>
                <td>{doc.copies}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>2. Số lượng hồ sơ: 01 bộ.</p>
        <p>3. Thời gian giải quyết hồ sơ theo quy định: {formatDuration(detail?.procedure.legal_deadline)}.</p>
        <p>4. Thời gian nhận hồ sơ: {formatDateTime(dossier.received_at ?? dossier.submitted_at)}.</p>
        <p>
          5. Thời gian trả kết quả giải quyết hồ sơ: <strong>{formatDateTime(dossier.due_at) || "…"}</strong>.
        </p>
        <p>6. Nhận kết quả tại: {DELIVERY_LABELS[dossier.result_delivery] ?? dossier.result_delivery}.</p>
        <p>Vào Sổ theo dõi hồ sơ ngày {formatDate(dossier.received_at ?? dossier.submitted_at)}.</p>
        <div className="paper-signatures">
          <div>
            <p>
              <strong>NGƯỜI NỘP HỒ SƠ</strong>
            </p>
            <p className="muted">(Ký và ghi rõ họ tên)</p>
            <p className="signature-name">{dossier.applicant.name}</p>
          </div>
          <div>
            <p>
              <strong>NGƯỜI TIẾP NHẬN HỒ SƠ</strong>
            </p>
            <p className="muted">(Ký và ghi rõ họ tên)</p>
            <p className="signature-name">{receiver}</p>
          </div>
        </div>
      </article>
      <p className="no-print">
        <button type="button" onClick={() => window.print()}>
          In giấy tiếp nhận
        </button>
      </p>
    </>
  );
}
