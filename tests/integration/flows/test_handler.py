"""The ``agency_tasks`` and ``dossier_changes`` functions as Lambda runs them: each blueprint's
SQS handler answers the partial failures of a batch (infra turns on ReportBatchItemFailures for
their event sources); agency-tasks carries the state machines' task tokens only."""

from __future__ import annotations

import json
from typing import Any

from chalice.test import Client

from chalicelib.flows import changes, handler
from tests.integration.flows.conftest import World

SIGNAL = json.dumps({"code": "000.00.13.H26-260101-9999", "seq": 1})  # a dossier that is not there


def _invoke(function: str, queue: str, bodies: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    from app import app  # registers the blueprints (a blueprint belongs to one app)

    previous = {bp: getattr(bp, "_current_app", None) for bp in (handler.bp, changes.bp)}
    try:
        with Client(app) as client:
            event = client.events.generate_sqs_event(queue_name=queue, message_bodies=bodies)
            return event, client.lambda_.invoke(function, event).payload
    finally:
        for bp, app_ in previous.items():
            bp._current_app = app_


def test_a_bad_task_fails_alone_and_a_signal_is_no_task(world: World) -> None:
    event, answer = _invoke("agency_tasks", "agency-tasks", [
        json.dumps({"kind": "handover", "execution": "x"}),  # incomplete: fails, comes back, then DLQ
        SIGNAL,  # a dossier change has its own queue now: not a task, fails (then the DLQ)
    ])  # fmt: skip
    assert answer == {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"]]}


def test_a_bad_signal_fails_alone(world: World) -> None:
    event, answer = _invoke("dossier_changes", "dossier-changes", [
        SIGNAL,  # a dossier that is not there: done
        json.dumps({"code": "", "seq": 0}),  # invalid: fails, comes back, then DLQ
    ])  # fmt: skip
    second = event["Records"][1]["messageId"]
    assert answer == {"batchItemFailures": [{"itemIdentifier": second}]}
