// E-receipts (biên lai điện tử, SPEC §7.8): issued by the unit's provider after each payment. The
// fees panel lists them (number, template and series, date, amount, status), opens the PDF to print
// or download, and lets the unit's desk officers and heads cancel or replace one with a reason. The
// daily reconciliation's findings (receipts that do not match a payment) are listed for officers
// and, on the operations page, for operators.

import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";

import { api, errorMessage } from "../api";
import type { components } from "../api-schema";
import { Dialog } from "../components/Dialog";
import { ErrorMessage } from "../components/Page";
import { useApp } from "../context";
import { formatDate, formatMoney } from "../format";
import { queryKeys, useRefreshDossier } from "../query";
import type { Role } from "../types";
import { apiErrors, type Errors, focusFirst, TextField } from "./panelForm";

export type Receipt = components["schemas"]["Receipt"];
export type ReceiptFlag = components["schemas"]["Flag"];

const POLL_MS = 3000; // while a receipt is being issued, ask again this often
const CANCELLERS: readonly Role[] = ["desk", "head"];

const STATUS: Record<string, string> = {
  pending: "Đang phát hành",
  issued: "Đã phát hành",
  cancelled: "Đã huỷ",
  replaced: "Đã bị thay thế",
};

export function receiptStatus(r: Receipt): string {
  if (r.status === "pending" && r.last_error) return "Chưa phát hành được, hệ thống sẽ thử lại";
  return STATUS[r.status ?? "pending"] ?? String(r.status);
}

export function ReceiptsPanel({ code, roles }: { code: string; roles: Role[] }) {
  const path = `/v1/dossiers/${encodeURIComponent(code)}/receipts`;
  const query = useQuery<{ receipts: Receipt[] }, Error>({
    queryKey: queryKeys.dossierPart(code, "receipts"),
    queryFn: ({ signal }) => api<{ receipts: Receipt[] }>(path, { signal }),
    refetchInterval: (q) => (q.state.data?.receipts.some((r) => r.status === "pending") ? POLL_MS : false),
  });
  const [acting, setActing] = useState<{ receipt: Receipt; kind: "cancel" | "replace" } | null>(null);
  const [linkError, setLinkError] = useState<string | null>(null);
  const receipts = query.data?.receipts ?? [];
  if (receipts.length === 0 && !query.error) return null;
  const mayChange = roles.some((r) => CANCELLERS.includes(r));

  const open = (r: Receipt) => {
    setLinkError(null);
    api<{ url: string }>(`${path}/${encodeURIComponent(r.id)}/file/pdf`)
      .then((link) => window.open(link.url, "_blank", "noopener"))
      .catch((caught: unknown) => setLinkError(errorMessage(caught)));
  };

  return (
    <div className="receipts">
      <h3 id="receipts-heading">Biên lai điện tử</h3>
      {query.error && <ErrorMessage>{errorMessage(query.error)}</ErrorMessage>}
      {linkError && <ErrorMessage>{linkError}</ErrorMessage>}
      <div className="table-scroll" role="region" aria-labelledby="receipts-heading" tabIndex={0}>
        <table aria-labelledby="receipts-heading">
          <thead>
            <tr>
              <th scope="col">Số biên lai</th>
              <th scope="col">Ký hiệu</th>
              <th scope="col">Ngày</th>
              <th scope="col">Số tiền</th>
              <th scope="col">Trạng thái</th>
              <th scope="col">Thao tác</th>
            </tr>
          </thead>
          <tbody>
            {receipts.map((r) => (
              <tr key={r.id}>
                <th scope="row">{r.number ?? "—"}</th>
                <td>{r.template && r.series ? `${r.template} ${r.series}` : "—"}</td>
                <td>{r.issued_at ? formatDate(r.issued_at) : "—"}</td>
                <td>{formatMoney(r.amount)}</td>
                <td>
                  {receiptStatus(r)}
                  {r.replaces && <span className="hint"> (thay thế biên lai {receipts.find((x) => x.id === r.replaces)?.number ?? r.replaces})</span>}
                  {r.reason && r.status === "cancelled" && <span className="hint"> — lý do: {r.reason}</span>}
                </td>
                <td>
                  {r.status !== "pending" && r.pdf_key && (
                    <button type="button" onClick={() => open(r)}>
                      In / tải biên lai<span className="visually-hidden"> số {r.number}</span>
                    </button>
                  )}
                  {mayChange && r.status === "issued" && !r.replaced_by && (
                    <>
                      {" "}
                      <button type="button" onClick={() => setActing({ receipt: r, kind: "replace" })}>
                        Thay thế<span className="visually-hidden"> biên lai số {r.number}</span>
                      </button>{" "}
                      <button type="button" onClick={() => setActing({ receipt: r, kind: "cancel" })}>
                        Huỷ<span className="visually-hidden"> biên lai số {r.number}</span>
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {acting && <ReceiptDialog code={code} receipt={acting.receipt} kind={acting.kind} onClose={() => setActing(null)} />}
    </div>
  );
}

const FIELDS: Record<string, string> = { reason: "receipt-reason", payer_name: "receipt-payer-name" };

function ReceiptDialog({ code, receipt, kind, onClose }: { code: string; receipt: Receipt; kind: "cancel" | "replace"; onClose: () => void }) {
  const { announce } = useApp();
  const refresh = useRefreshDossier(code);
  const [reason, setReason] = useState("");
  const [payerName, setPayerName] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const title = kind === "cancel" ? `Huỷ biên lai số ${receipt.number}` : `Thay thế biên lai số ${receipt.number}`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Errors = {};
    if (reason.trim().length < 5) found["receipt-reason"] = "Vui lòng nêu lý do (ít nhất 5 ký tự).";
    setErrors(found);
    setGeneral(null);
    if (Object.keys(found).length) {
      focusFirst(form.current, found);
      return;
    }
    setBusy(true);
    const body = kind === "cancel" ? { reason: reason.trim() } : { reason: reason.trim(), payer_name: payerName.trim() || null };
    api<Receipt>(`/v1/dossiers/${encodeURIComponent(code)}/receipts/${encodeURIComponent(receipt.id)}/${kind}`, { method: "POST", body })
      .then(() => {
        announce(kind === "cancel" ? `Đã huỷ biên lai số ${receipt.number}.` : `Đã gửi yêu cầu thay thế biên lai số ${receipt.number}.`);
        onClose();
        void refresh();
      })
      .catch((caught: unknown) => {
        const mapped = apiErrors(caught, FIELDS);
        setErrors(mapped.fields);
        setGeneral(mapped.general);
        focusFirst(form.current, mapped.fields);
      })
      .finally(() => setBusy(false));
  };

  return (
    <Dialog title={title} onClose={onClose}>
      <form ref={form} className="panel-form" onSubmit={submit} noValidate>
        {general && <ErrorMessage>{general}</ErrorMessage>}
        <TextField id="receipt-reason" label="Lý do" value={reason} onChange={setReason} required maxLength={500} error={errors["receipt-reason"]} />
        {kind === "replace" && (
          <TextField id="receipt-payer-name" label="Tên người nộp (nếu cần sửa)" value={payerName} onChange={setPayerName} maxLength={200}
            error={errors["receipt-payer-name"]} />
        )}
        <p>
          <button type="submit" disabled={busy}>
            {kind === "cancel" ? "Xác nhận huỷ biên lai" : "Xác nhận thay thế biên lai"}
          </button>{" "}
          <button type="button" onClick={onClose}>
            Đóng
          </button>
        </p>
      </form>
    </Dialog>
  );
}

/** The daily reconciliation's findings: an officer's units' (``scope`` officer) or every unit's (operator). */
export function ReceiptFlags({ scope }: { scope: "officer" | "operator" }) {
  const [flags, setFlags] = useState<ReceiptFlag[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ flags: ReceiptFlag[] }>(scope === "operator" ? "/v1/ops/receipts/flagged" : "/v1/receipts/flagged")
      .then((answer) => setFlags(answer.flags))
      .catch((caught: unknown) => setError(errorMessage(caught)));
  }, [scope]);
  return (
    <section aria-labelledby="receipt-flags" className="card">
      <h2 id="receipt-flags">Sai lệch biên lai điện tử</h2>
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {flags && flags.length === 0 && <p>Đối soát hằng ngày không phát hiện sai lệch nào.</p>}
      {flags && flags.length > 0 && (
        <div className="table-scroll" role="region" aria-labelledby="receipt-flags" tabIndex={0}>
          <table aria-labelledby="receipt-flags">
            <thead>
              <tr>
                <th scope="col">Ngày đối soát</th>
                <th scope="col">Hồ sơ</th>
                <th scope="col">Mã thanh toán</th>
                <th scope="col">Biên lai</th>
                <th scope="col">Sai lệch</th>
              </tr>
            </thead>
            <tbody>
              {flags.map((f) => (
                <tr key={`${f.day}-${f.kind}-${f.payment_ref}-${f.receipt}`}>
                  <td>{formatDate(f.day)}</td>
                  <td>{f.code || "—"}</td>
                  <td>{f.payment_ref || "—"}</td>
                  <td>{f.receipt || "—"}</td>
                  <td>{f.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
