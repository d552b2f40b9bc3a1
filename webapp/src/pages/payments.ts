// Fees of a dossier and its payment requests (SPEC §7.4). The server keeps at most one open
// request per fee: asking again for the same fees answers the open one, asking for some of them
// is refused (409 PAYMENT_PENDING). The page therefore shows the open request, with its payment
// link, instead of offering to create another.

import type { Fee, Role } from "../types";

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
}

export interface OpenPayments {
  open: Payment[];
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
