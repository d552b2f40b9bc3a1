"""Result delivery by the public postal service (SPEC §7.5, FR-18).

- :func:`service.create_order`: when the result is ready (status 9) and the applicant chose
  postal return, the one-stop officer books a delivery: ``orderNumber`` = the dossier code,
  sender (the unit's desk) and receiver (the applicant, with province and commune codes), COD
  = the fees still to collect on delivery. The applicant's choice becomes ``HinhThucNhanKetQua``
  "1", which the DVCQG sync sends as ``HinhThuc`` "1".
- :func:`service.quote`: the postal service's price for the chosen service (``BD`` bưu phẩm
  bảo đảm, ``EMS`` chuyển phát nhanh) before booking; the order records the service and the
  fee the postal service charged.
- :func:`service.handle_tracking`: the postal service's tracking callbacks (an integration
  client's bearer credential, scoped to the dossier's procedure) are recorded on the order and
  in the dossier's audit trail; "delivered" moves the dossier to status 10 with the process's
  ``deliver_result`` action, as the system actor "Bưu chính công ích". The order and the
  dossier change in one transaction, each conditional on being as read (the order's ``rev``,
  the dossier's version). Events are ordered by ``occurredAt``: a late event joins the history
  in its place and never moves the status backwards; nothing changes a shipment after it was
  delivered, returned or cancelled; a delivery is recorded once; a replay changes nothing
  (and finishes a delivery on the order that never reached the dossier).

The order itself and the dossier's record of it are one transaction too: an order booked with
the postal service but not recorded is recorded by the officer's retry (the service answers
the same order the same).

Records: ``DOSSIER#<code>`` / ``POST#ORDER`` in the dossiers table (the order, its tracking
number and every status received).
"""
