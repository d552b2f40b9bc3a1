import { describe, expect, it } from "vitest";

import { paymentOffer, type Payment } from "../src/pages/payments";
import type { Fee } from "../src/types";

const FEE: Fee = { code: "LP-KS", name: "Lệ phí", amount: 16000, paid: false };
const FEE2: Fee = { code: "PHI-TD", name: "Phí thẩm định", amount: 50000, paid: false };

function payment(fees: Fee[], initiated = true): Payment {
  return {
    ref: "HS1", code: "X", amount: 16000, fees, status: "pending", requested_at: "2026-01-01T00:00:00+07:00",
    requested_by: "a", payment_url: initiated ? "http://pay/HS1" : "", initiated, applied: false, duplicate: false,
    transaction_id: null, paid_at: null,
  };
}

describe("paymentOffer", () => {
  it("shows the open request instead of offering another", () => {
    expect(paymentOffer(6, [FEE], [payment([FEE])], ["desk"])).toEqual({ kind: "pending", resend: [] });
  });
  it("offers to send again a request the platform never confirmed", () => {
    const open = payment([FEE], false);
    expect(paymentOffer(6, [FEE], [open], ["head"])).toEqual({ kind: "pending", resend: [open] });
  });
  it("offers a request only for fees no open request covers", () => {
    expect(paymentOffer(6, [FEE, FEE2], [payment([FEE])], ["appraiser"])).toEqual({ kind: "request", fees: [FEE2] });
  });
  it("offers a request when the dossier has no fee list yet (the procedure's catalogue applies)", () => {
    expect(paymentOffer(6, [], [], ["desk"])).toEqual({ kind: "request", fees: [] });
  });
  it("offers nothing outside status 6, when everything is paid, or to other roles", () => {
    expect(paymentOffer(4, [FEE], [], ["desk"])).toEqual({ kind: "none" });
    expect(paymentOffer(6, [{ ...FEE, paid: true }], [], ["desk"])).toEqual({ kind: "none" });
    expect(paymentOffer(6, [FEE], [], ["leader", "clerk"])).toEqual({ kind: "none" });
  });
});
