"""Fees and charges through the central payment platform (SPEC §7.4, FR-18.4, FR-30).

- :func:`request_payment`: an officer asks the applicant to pay the dossier's fees (the
  procedure's fee catalogue, ``Procedure.fees``, unless the dossier already lists its own)
  while the dossier waits in status 6; hoso sends the platform an init request signed with
  ``MaXacThuc`` and keeps a payment record.
- :func:`handle_callback`: the platform's result callback. ``MaXacThuc`` is verified first
  (constant time) and the amount must be the one requested; a forged or altered callback is
  refused (401) and logged as a warning, and changes nothing. A paid callback records the
  receipt data (transaction id, time, amount, fees), marks the fees paid and moves the
  dossier on from status 6 with the process's ``confirm_payment`` action, as the system
  actor "Cổng thanh toán tập trung". Redelivered callbacks are answered the same, once applied.
- :func:`reconcile`: the daily reconciliation: every payment started that day compared with
  the platform's own state; differences are reported (and the report stored).

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
