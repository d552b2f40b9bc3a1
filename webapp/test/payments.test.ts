import { describe, expect, it } from "vitest";

import { canTakeCash, feesDue, paymentOffer, paymentState, type Payment } from "../src/pages/payments";
import type { Fee, FeeItem } from "../src/types";

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

describe("fees due and cash at the desk", () => {
  const CATALOGUE: FeeItem[] = [{ code: "PHI", name: "Phí thẩm định", amount: 2000000, kind: "2", collected: "" }];
  it("takes the catalogue until the dossier has its own fee lines", () => {
    expect(feesDue([], CATALOGUE)).toEqual([{ code: "PHI", name: "Phí thẩm định", amount: 2000000, paid: false }]);
    expect(feesDue([FEE, { ...FEE2, paid: true }], CATALOGUE)).toEqual([FEE]);
  });
  it("offers cash only to the desk, in status 6, with something due and no online request open", () => {
    expect(canTakeCash(6, [FEE], [], ["desk"])).toBe(true);
    expect(canTakeCash(6, [FEE], [], ["appraiser", "head"])).toBe(false);
    expect(canTakeCash(4, [FEE], [], ["desk"])).toBe(false);
    expect(canTakeCash(6, [], [], ["desk"])).toBe(false);
    expect(canTakeCash(6, [FEE], [payment([FEE])], ["desk"])).toBe(false);
  });
  it("names a payment's state", () => {
    expect(paymentState(payment([FEE]))).toBe("Đang chờ người nộp thanh toán");
    expect(paymentState(payment([FEE], false))).toBe("Cổng thanh toán chưa xác nhận yêu cầu");
    expect(paymentState({ ...payment([FEE]), status: "paid" })).toBe("Đã thanh toán");
  });
});
