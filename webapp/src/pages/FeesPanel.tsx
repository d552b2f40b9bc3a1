import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";

import { api, errorMessage } from "../api";
import { getProcedure } from "../catalogue";
import { ErrorMessage } from "../components/Page";
import { useApp } from "../context";
import { formatDateTime, formatMoney } from "../format";
import { queryKeys, useRefreshDossier } from "../query";
import type { Dossier, FeeItem, Role } from "../types";
import { apiErrors, type Errors, focusFirst, TextField } from "./panelForm";
import { ReceiptsPanel } from "./ReceiptsPanel";
import { AWAITING_PAYMENT, canTakeCash, type DossierPayments, feesDue, type Payment, paymentOffer, paymentState } from "./payments";

const POLL_MS = 3000; // while a request waits for the applicant, its state is asked again this often

/** The dossier's fees (from the procedure's catalogue until the dossier has its own lines), its
 * payments with their live state and receipts, and in status 6: the payment request through the
 * payment platform — never a second one for fees that already have one — or, at the desk only,
 * the cash payment with its amount and receipt number. */
export function FeesPanel({ dossier, roles }: { dossier: Dossier; roles: Role[] }) {
  const { announce } = useApp();
  const path = `/v1/dossiers/${encodeURIComponent(dossier.code)}/payments`;
  const [catalogue, setCatalogue] = useState<FeeItem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const refresh = useRefreshDossier(dossier.code);
  const query = useQuery<DossierPayments, Error>({
    queryKey: queryKeys.dossierPart(dossier.code, "payments"),
    queryFn: ({ signal }) => api<DossierPayments>(path, { signal }),
    refetchInterval: (q) => ((q.state.data?.open.length ?? 0) > 0 ? POLL_MS : false),
  });
  const open = query.data?.open ?? null;
  const all = query.data?.payments ?? [];
  const waiting = useRef<Set<string>>(new Set());

  useEffect(() => {
    getProcedure(dossier.procedure_code)
      .then((detail) => setCatalogue(detail.procedure.fees))
      .catch(() => setCatalogue([]));
  }, [dossier.procedure_code]);

  // A request that was open and is no longer: the platform answered — the dossier moved on.
  useEffect(() => {
    if (!open) return;
    const now = new Set(open.map((p) => p.ref));
    const settled = [...waiting.current].filter((ref) => !now.has(ref));
    waiting.current = now;
    if (settled.length === 0) return;
    const results = all.filter((p) => settled.includes(p.ref));
    const paid = results.find((p) => p.status === "paid");
    setNotice(null);
    announce(
      paid
        ? `Cổng thanh toán báo đã thanh toán ${formatMoney(paid.amount)} (mã tham chiếu ${paid.ref}).`
        : `Cổng thanh toán báo kết quả của yêu cầu ${settled.join(", ")}: ${results.map(paymentState).join(", ")}.`,
    );
    void refresh();
  }, [open, all, announce, refresh]);

  const due = feesDue(dossier.fees, catalogue);
  if (dossier.status !== AWAITING_PAYMENT && dossier.fees.length === 0 && all.length === 0) return null;
  const offer = paymentOffer(dossier.status, dossier.fees, open ?? [], roles);
  const dueTotal = due.reduce((n, f) => n + f.amount, 0);

  const send = (feeCodes: string[] | null) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    api<Payment>(path, { method: "POST", body: feeCodes && feeCodes.length > 0 ? { fee_codes: feeCodes } : {} })
      .then((payment) => setNotice(`Yêu cầu thanh toán ${payment.ref} (${formatMoney(payment.amount)}) đang chờ người nộp thanh toán.`))
      .catch((caught: unknown) => setError(errorMessage(caught))) // e.g. 409 PAYMENT_PENDING: the open one is shown
      .finally(() => {
        setBusy(false);
        void refresh();
      });
  };

  const lines = dossier.fees.length > 0 ? dossier.fees : catalogue.map((f) => ({ ...f, paid: false }));
  return (
    <section aria-labelledby="dossier-fees" className="card">
      <h2 id="dossier-fees">Phí, lệ phí</h2>
      {lines.length > 0 ? (
        <>
          {dossier.fees.length === 0 && <p className="hint">Theo danh mục phí, lệ phí của thủ tục:</p>}
          <ul className="plain">
            {lines.map((fee) => (
              <li key={fee.code}>
                {fee.name}: {formatMoney(fee.amount)} — {fee.paid ? "đã nộp" : "chưa nộp"}
              </li>
            ))}
          </ul>
        </>
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
          <p className="hint">Trạng thái thanh toán được cập nhật tự động.</p>
        </>
      )}
      {all.length > 0 && <PaymentList payments={all} />}
      {all.some((p) => p.status === "paid") && <ReceiptsPanel code={dossier.code} roles={roles} />}
      {query.error && <ErrorMessage>{errorMessage(query.error)}</ErrorMessage>}
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {notice && (
        <p role="status" className="alert alert-success">
          {notice}
        </p>
      )}
      {offer.kind === "request" && (
        <p>
          <button type="button" disabled={busy || open === null} onClick={() => send(offer.fees.map((f) => f.code))}>
            Gửi yêu cầu thanh toán{dueTotal > 0 ? ` (${formatMoney(dueTotal)})` : ""}
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
      {open !== null && canTakeCash(dossier.status, due, open, roles) && (
        <CashForm code={dossier.code} due={dueTotal} onPaid={(p) => {
          announce(`Đã ghi nhận nộp tiền mặt ${formatMoney(p.amount)}, biên lai số ${p.receipt_number ?? ""}.`);
          void refresh();
        }} />
      )}
    </section>
  );
}

function PaymentList({ payments }: { payments: Payment[] }) {
  return (
    <>
      <h3>Các lần thanh toán</h3>
      <ul className="plain payment-list">
        {payments.map((p) => (
          <li key={p.ref}>
            <strong>{paymentState(p)}</strong> — {formatMoney(p.amount)}, {p.method === "cash" ? "tiền mặt tại Bộ phận Một cửa" : "qua Cổng thanh toán"}
            {p.paid_at ? `, lúc ${formatDateTime(p.paid_at)}` : `, yêu cầu lúc ${formatDateTime(p.requested_at)}`} (mã {p.ref})
            {p.status === "paid" && (
              <>
                . Biên lai{p.method === "cash" ? "" : " điện tử"} số <strong>{[p.receipt_symbol, p.receipt_number].filter(Boolean).join(" ") || "—"}</strong>
                {p.transaction_id && `, mã giao dịch ${p.transaction_id}`}
                {p.receipt_url && (
                  <>
                    {" "}
                    — <a href={p.receipt_url}>Xem biên lai điện tử<span className="visually-hidden"> {p.receipt_number}</span></a>
                  </>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

const CASH_FIELDS: Record<string, string> = { amount: "cash-amount", receipt_number: "cash-receipt-number", receipt_symbol: "cash-receipt-symbol" };

/** Cash at the desk: the amount (the catalogue's, checked again by the server) and the paper receipt. */
function CashForm({ code, due, onPaid }: { code: string; due: number; onPaid: (p: Payment) => void }) {
  const [amount, setAmount] = useState(String(due));
  const [symbol, setSymbol] = useState("");
  const [number, setNumber] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Errors = {};
    if (!/^\d+$/.test(amount.trim())) found["cash-amount"] = "Số tiền là số nguyên (đồng).";
    else if (Number(amount) !== due) found["cash-amount"] = `Số tiền phải bằng tổng phí, lệ phí phải nộp (${formatMoney(due)}).`;
    if (!number.trim()) found["cash-receipt-number"] = "Vui lòng nhập số biên lai thu tiền.";
    setErrors(found);
    setGeneral(null);
    if (Object.keys(found).length) {
      focusFirst(form.current, found);
      return;
    }
    setBusy(true);
    api<Payment>(`/v1/dossiers/${encodeURIComponent(code)}/payments/cash`, {
      method: "POST",
      body: { amount: Number(amount), receipt_number: number.trim(), receipt_symbol: symbol.trim() },
    })
      .then(onPaid)
      .catch((caught: unknown) => {
        const mapped = apiErrors(caught, CASH_FIELDS);
        setErrors(mapped.fields);
        setGeneral(mapped.general);
        focusFirst(form.current, mapped.fields);
      })
      .finally(() => setBusy(false));
  };

  return (
    <form ref={form} className="panel-form" onSubmit={submit} noValidate aria-labelledby="cash-heading">
      <h3 id="cash-heading">Nộp tiền mặt tại Bộ phận Một cửa</h3>
      <p className="hint">Chỉ dùng khi người nộp trả tiền mặt tại quầy; ghi đúng số tiền và số biên lai đã giao.</p>
      {general && <ErrorMessage>{general}</ErrorMessage>}
      <div className="grid">
        <TextField id="cash-amount" label="Số tiền đã thu (đồng)" value={amount} onChange={setAmount} required inputMode="numeric"
          hint={`Phải nộp: ${formatMoney(due)}`} error={errors["cash-amount"]} />
        <TextField id="cash-receipt-symbol" label="Ký hiệu biên lai" value={symbol} onChange={setSymbol} maxLength={50}
          error={errors["cash-receipt-symbol"]} />
        <TextField id="cash-receipt-number" label="Số biên lai" value={number} onChange={setNumber} required maxLength={50}
          error={errors["cash-receipt-number"]} />
      </div>
      <p>
        <button type="submit" disabled={busy}>
          Xác nhận đã thu tiền mặt
        </button>
      </p>
    </form>
  );
}
