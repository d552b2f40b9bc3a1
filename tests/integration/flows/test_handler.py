"""The ``agency_tasks`` function as Lambda runs it: the blueprint's SQS handler answers the
partial failures of a batch (infra turns on ReportBatchItemFailures for its event source)."""

from __future__ import annotations

import json

from chalice.test import Client

from chalicelib.flows import handler
from tests.integration.flows.conftest import World


def test_a_bad_message_fails_alone(world: World) -> None:
    from app import app  # registers the agency_tasks blueprint (a blueprint belongs to one app)

    previous = getattr(handler.bp, "_current_app", None)
    try:
        with Client(app) as client:
            event = client.events.generate_sqs_event(queue_name="agency-tasks", message_bodies=[
                json.dumps({"code": "000.00.13.H26-260101-9999", "seq": 1}),  # a dossier that is not there: done
                json.dumps({"kind": "handover", "execution": "x"}),  # incomplete: fails, comes back, then DLQ
            ])  # fmt: skip
            answer = client.lambda_.invoke("agency_tasks", event).payload
    finally:
        handler.bp._current_app = previous
    second = event["Records"][1]["messageId"]
    assert answer == {"batchItemFailures": [{"itemIdentifier": second}]}
