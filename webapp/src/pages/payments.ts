// Fees of a dossier and its payment requests (SPEC §7.4). The server keeps at most one open
// request per fee: asking again for the same fees answers the open one, asking for some of them
// is refused (409 PAYMENT_PENDING). The page therefore shows the open request, with its payment
// link, instead of offering to create another.

import type { Fee, FeeItem, Role } from "../types";

/** AWAITING_PAYMENT: the dossier waits for its fees. */
export const AWAITING_PAYMENT = 6;

const PAYERS: readonly Role[] = ["desk", "appraiser", "head"];

export interface Payment {
  ref: string;
  code: string;
  amount: number;
  fees: Fee[];
  status: string;
  requested_at: string;
  requested_by: string;
  payment_url: string;
  initiated: boolean;
  applied: boolean;
  duplicate: boolean;
  transaction_id: string | null;
  paid_at: string | null;
  method?: "online" | "cash";
  result_code?: string | null;
  receipt_number?: string | null;
  receipt_symbol?: string | null;
  receipt_url?: string | null;
}

export interface DossierPayments {
  open: Payment[];
  payments: Payment[];
}

/** The fees to pay: the dossier's own lines once it has them, else the procedure's catalogue. */
export function feesDue(fees: Fee[], catalogue: readonly FeeItem[]): Fee[] {
  const lines = fees.length > 0 ? fees : catalogue.map((f) => ({ code: f.code, name: f.name, amount: f.amount, paid: false }));
  return lines.filter((f) => !f.paid);
}

/** Cash at the desk: only the one-stop officer, in status 6, with something due and no online request open. */
export function canTakeCash(status: number, due: Fee[], open: Payment[], roles: readonly Role[]): boolean {
  return status === AWAITING_PAYMENT && roles.includes("desk") && due.length > 0 && open.length === 0;
}

const STATES: Record<string, string> = {
  pending: "Đang chờ người nộp thanh toán",
  paid: "Đã thanh toán",
  failed: "Thanh toán không thành công",
  refused: "Cổng thanh toán từ chối yêu cầu",
};

export function paymentState(p: Payment): string {
  if (p.status === "pending" && !p.initiated) return "Cổng thanh toán chưa xác nhận yêu cầu";
  return STATES[p.status] ?? p.status;
}

export type PaymentOffer =
  /** nothing to ask: not waiting for fees, nothing unpaid, or not this officer's to ask */
  | { kind: "none" }
  /** the officer may send a request for these fees */
  | { kind: "request"; fees: Fee[] }
  /** a request is open for every unpaid fee: show it; if the platform never confirmed it, offer to send it again */
  | { kind: "pending"; resend: Payment[] };

/** What the fees panel offers: the open requests first, a new request only for fees none covers. */
export function paymentOffer(status: number, fees: Fee[], open: Payment[], roles: readonly Role[]): PaymentOffer {
  if (status !== AWAITING_PAYMENT || !roles.some((r) => PAYERS.includes(r))) return { kind: "none" };
  const covered = new Set(open.flatMap((p) => p.fees.map((f) => f.code)));
  const unpaid = fees.filter((f) => !f.paid);
  const free = unpaid.filter((f) => !covered.has(f.code));
  const resend = open.filter((p) => !p.initiated);
  if (open.length > 0 && free.length === 0) return { kind: "pending", resend };
  if (fees.length > 0 && free.length === 0) return { kind: "none" };
  // no fee list on the dossier yet: the server takes the procedure's fee catalogue
  return { kind: "request", fees: free };
}
