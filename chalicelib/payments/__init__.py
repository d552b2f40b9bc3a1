"""Fees and charges through the central payment platform (SPEC §7.4, FR-18.4, FR-30).

- :func:`request_payment`: an officer asks the applicant to pay the dossier's fees (the
  procedure's fee catalogue, ``Procedure.fees``, unless the dossier already lists its own)
  while the dossier waits in status 6. One open request per fee: the request is first
  reserved — its record and a lock per fee (``DOSSIER#<code>`` / ``PAYFEE#<fee>``, taken
  conditionally) in one transaction —, then sent to the platform signed with ``MaXacThuc``,
  then recorded on the dossier together with the platform's answer in one transaction. A
  second request for the same fees answers the open one (no second charge); one for some of
  them is 409 ``PAYMENT_PENDING``. A request interrupted after its reservation is finished by
  the next one (the same init body is re-sent; the platform answers a repeat the same).
- :func:`handle_callback`: the platform's result callback. ``MaXacThuc`` is verified first
  (constant time) and the amount must be the one requested; a forged or altered callback is
  refused (401) and logged as a warning, and changes nothing. A paid callback records the
  receipt data (transaction id, time, amount, fees), marks the fees paid, releases the fee
  locks and moves the dossier on from status 6 with the process's ``confirm_payment`` action,
  as the system actor "Cổng thanh toán tập trung" — all in ONE DynamoDB transaction
  (``store.dossiers.transition`` with the payment's writes), so a paid result is never
  recorded without its step. A redelivery of a result already applied changes nothing; of a
  result recorded but not applied (a record from before), applies it. A payment for a fee
  already paid is recorded as a duplicate (to refund) and moves nothing.
- :func:`pay_cash`: the only manual confirmation — cash at the one-stop desk: the amount must
  equal the catalogue's unpaid fees and the paper receipt's number is required (422
  ``INVALID_CASH_PAYMENT``); refused while an online request is open for the fees (409
  ``PAYMENT_PENDING``). The payment, the fees marked paid and ``confirm_payment`` are one
  transaction. The process's ``confirm_payment`` action is not offered as a bare officer action.
- :func:`dossier_payments`: every payment of a dossier (``DOSSIER#<code>`` / ``PAYREQ#<ref>``
  pointers written with each payment), with the e-receipt the platform issued (``SoBienLai``,
  ``UrlBienLai`` of the callback; a link is kept only on the platform's own address).
- E-receipts (``chalicelib.ereceipts``): a paid payment's transaction (callback, cash, the
  reconciliation applying one) also writes its pending e-receipt — the outbox of the receipt the
  unit's provider then issues; a double payment gets none (it is refunded).
- :func:`reconcile`: the daily reconciliation: every payment started that day compared with
  the platform's own state; differences are reported (and the report stored), payments paid
  on the platform but not applied are applied (when the platform confirms the transaction
  and the amount) and listed, double payments of one fee are listed; paid payments without an
  e-receipt get one, receipts that match no payment (or another amount) are flagged
  (``chalicelib.ereceipts.service``).

Field order of ``MaXacThuc`` (lowercase hex HMAC-SHA256 over the values joined with ``|``):
init ``MaDoiTac|MaThamChieu|SoTien|ThoiGianGD|MaDichVu|MaHoSo|MaTTHC|TKThuHuong|MaNHThuHuong|
UrlCallback``; callback ``MaDoiTac|MaThamChieu|MaGiaoDich|SoTien|MaLoi|ThoiGianThanhToan``
(:data:`INIT_MAC_FIELDS`, :data:`CALLBACK_MAC_FIELDS`; keep them in step with the platform's
current specification). The key and the partner's codes (``MaDoiTac``, beneficiary account
and bank) come from the ``payment-hmac-key`` secret: ``{"key", "partner_code"?,
"beneficiary_account"?, "beneficiary_bank"?}``.

Records: ``PAYMENT#<MaThamChieu>`` / ``META`` in the dossiers table, listed per day through
``gsi1`` (``PAYDAY#<yyyyMMdd>`` / ``<MaThamChieu>``).
"""
