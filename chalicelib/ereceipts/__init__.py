"""E-receipts (biên lai điện tử, SPEC §7.8; docs/ereceipts.md is the provider contract).

- :mod:`.records` — the receipt record (``DOSSIER#<code>`` / ``RECEIPT#<id>``) and the outbox
  write a payment's transaction makes: a paid payment (the platform's callback, cash at the
  desk, the daily reconciliation) and its *pending* receipt commit together; the dossiers
  stream relays each pending receipt to the ``ereceipts`` queue.
- :mod:`.provider` — the unit's e-receipt provider over HTTP (timeouts, no redirects, a size
  cap, retries; every call idempotent by the receipt's id), configured per unit.
- :mod:`.service` — the ``issue_receipts`` worker (issue → PDF/XML in S3 → the receipt and the
  dossier's fee record in one transaction → the applicant told), cancel and replace with a
  reason, the daily reconciliation of receipts against payments and its flagged list.
"""
