"""E-receipts' alarm (chalicelib/ereceipts): the daily reconciliation flagged a receipt that does
not match a payment (no payment, another amount, a receipt the provider refused to issue, a
provider it could not reach) — officers and operators see the list; someone must act on it."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk

from infra import monitoring

FLAGGED_METRIC = "ReceiptsFlagged"  # chalicelib/ereceipts/service.py
REFUSED_METRIC = "ReceiptRefused"
RUNBOOK = "docs/ereceipts.md#flagged"


def add_ereceipt_alarms(stack: Any) -> None:
    alarms = monitoring.Alarms(stack)
    alarms.alarm(
        "ReceiptsFlagged", monitoring.app_metric(FLAGGED_METRIC, period=cdk.Duration.hours(1)),
        "The daily reconciliation found e-receipts that do not match the payments.",
        "Open the flagged list (web app: Vận hành → Sai lệch biên lai, or GET /v1/ops/receipts/flagged); "
        "issue, cancel or replace each with the unit's officers.", RUNBOOK)
    alarms.alarm(
        "ReceiptRefused", monitoring.app_metric(REFUSED_METRIC, period=cdk.Duration.hours(1)),
        "The e-receipt provider refused to issue a receipt for a paid fee.",
        "Read the receipt's last_error in the dossier's fees panel; fix the data or the unit's provider settings "
        "(HOSO_ERECEIPT_UNITS) and let the next reconciliation issue it.", RUNBOOK)
