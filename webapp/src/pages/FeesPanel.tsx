import { useCallback, useEffect, useState } from "react";

import { api, errorMessage } from "../api";
import { ErrorMessage } from "../components/Page";
import { formatDateTime, formatMoney } from "../format";
import type { Dossier, Role } from "../types";
import { AWAITING_PAYMENT, type OpenPayments, type Payment, paymentOffer } from "./payments";

/** The dossier's fees, its open payment request (with the link the applicant pays at) and, in
 * status 6, the request button — never a second request for fees that already have one. */
export function FeesPanel({ dossier, roles, onChanged }: { dossier: Dossier; roles: Role[]; onChanged: () => void }) {
  const [open, setOpen] = useState<Payment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const path = `/v1/dossiers/${encodeURIComponent(dossier.code)}/payments`;

  const load = useCallback(
    (signal?: AbortSignal) =>
      api<OpenPayments>(path, { signal })
        .then((answer) => setOpen(answer.open))
        .catch((caught: unknown) => {
          if (!(caught instanceof DOMException && caught.name === "AbortError")) setError(errorMessage(caught));
        }),
    [path],
  );
  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load, dossier.version]);

  if (dossier.status !== AWAITING_PAYMENT && dossier.fees.length === 0) return null;
  const offer = paymentOffer(dossier.status, dossier.fees, open ?? [], roles);

  const send = (feeCodes: string[] | null) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    api<Payment>(path, { method: "POST", body: feeCodes && feeCodes.length > 0 ? { fee_codes: feeCodes } : {} })
      .then((payment) => {
        setNotice(`Yêu cầu thanh toán ${payment.ref} (${formatMoney(payment.amount)}) đang chờ người nộp thanh toán.`);
        onChanged();
        return load();
      })
      .catch((caught: unknown) => {
        setError(errorMessage(caught));
        return load(); // e.g. 409 PAYMENT_PENDING: show the request that is open
      })
      .finally(() => setBusy(false));
  };

  return (
    <section aria-labelledby="dossier-fees" className="card">
      <h2 id="dossier-fees">Phí, lệ phí</h2>
      {dossier.fees.length > 0 ? (
        <ul className="plain">
          {dossier.fees.map((fee) => (
            <li key={fee.code}>
              {fee.name}: {formatMoney(fee.amount)} — {fee.paid ? "đã nộp" : "chưa nộp"}
            </li>
          ))}
        </ul>
      ) : (
        <p>Theo danh mục phí, lệ phí của thủ tục.</p>
      )}
      {open && open.length > 0 && (
        <>
          <h3>Yêu cầu thanh toán đang chờ kết quả</h3>
          <ul className="plain">
            {open.map((p) => (
              <li key={p.ref}>
                Mã tham chiếu <strong>{p.ref}</strong>, {formatMoney(p.amount)} ({p.fees.map((f) => f.name).join(", ")}),
                gửi lúc {formatDateTime(p.requested_at)}.{" "}
                {p.initiated && p.payment_url ? (
                  <>
                    Đường dẫn thanh toán cho người nộp: <a href={p.payment_url}>{p.payment_url}</a>
                  </>
                ) : (
                  "Cổng thanh toán chưa xác nhận yêu cầu này."
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {notice && (
        <p role="status" className="alert alert-success">
          {notice}
        </p>
      )}
      {offer.kind === "request" && (
        <p>
          <button type="button" disabled={busy || open === null} onClick={() => send(offer.fees.map((f) => f.code))}>
            Gửi yêu cầu thanh toán{offer.fees.length > 0 ? ` (${formatMoney(offer.fees.reduce((n, f) => n + f.amount, 0))})` : ""}
          </button>
        </p>
      )}
      {offer.kind === "pending" &&
        offer.resend.map((p) => (
          <p key={p.ref}>
            <button type="button" disabled={busy} onClick={() => send(p.fees.map((f) => f.code))}>
              Gửi lại yêu cầu {p.ref} tới Cổng thanh toán
            </button>
          </p>
        ))}
    </section>
  );
}
