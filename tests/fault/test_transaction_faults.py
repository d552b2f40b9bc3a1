"""A failure between the steps of a transition or an intake leaves no partial state.

The fault is injected into the very botocore client the app's transactions go through
(``chalicelib.store.models.transaction_connection``), only for requests naming the dossier or
DVCQG reference under test: a condition that fails on the *last* item of the transaction (moto
has already applied the earlier ones and must roll them back), a service error on every attempt,
and an answer lost after the commit. After each: the dossier, its audit events, its outbox
records and the unit's counters are exactly as before (or exactly one step further, never in
between), and the officer's retry behaves.

100 concurrent identical DVCQG posts make one dossier and 50 concurrent transitions have one
winner: ``tests/e2e/test_intake_contract.py`` and ``tests/e2e/test_concurrency.py``. An agency
that never answers is escalated: ``tests/integration/flows/test_escalation.py``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError

from chalicelib.domain.codes import parse_dossier_code
from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.notifications.counters import read_partitions
from chalicelib.settings import get_settings
from chalicelib.store import dossiers
from chalicelib.store.models import CounterItem, EventItem, OutboxItem, transaction_connection
from local.simulators.accounts import HCMC_UNIT
from local.simulators.dvcqg import build_dossier
from local.stack import LocalStack
from tests.security.stack import Caller

OPERATION = "TransactWriteItems"


@dataclass(frozen=True)
class Snapshot:
    version: int
    status: int
    step: str
    events: tuple[str, ...]
    outbox: tuple[str, ...]
    counters: tuple[tuple[str, int], ...]


def snapshot(code: str) -> Snapshot:
    dossier = dossiers.get(code)
    assert dossier is not None
    pk = dossiers.dossier_pk(code)
    return Snapshot(
        version=dossier.version, status=dossier.status, step=dossier.step_id,
        events=tuple(i.sk for i in EventItem.query(pk, EventItem.sk.startswith("EVENT#"), consistent_read=True)),
        outbox=tuple(i.sk for i in OutboxItem.query(pk, OutboxItem.sk.startswith("OUTBOX#"), consistent_read=True)),
        counters=unit_counters(dossier.unit_code),
    )


def unit_counters(unit: str) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((pk, i.sk, int(i.n)) for pk in read_partitions(unit)
                        for i in CounterItem.query(pk, consistent_read=True)))


@contextmanager
def injected(event: str, handler: Callable[..., Any], marker: str) -> Iterator[list[str]]:
    """``handler`` on ``<event>.dynamodb.TransactWriteItems`` of the app's transaction client, for
    requests whose parameters contain ``marker``; yields the list of faults injected. (An
    ``after-call`` handler sees no parameters: the request is marked in its context before the call.)"""
    events = transaction_connection().client.meta.events
    fired: list[str] = []
    unique = f"fault-{marker}"

    def ours(kwargs: dict[str, Any]) -> bool:
        params = kwargs.get("params")
        return params is not None and marker in json.dumps(params, default=str)

    def mark(**kwargs: Any) -> None:
        if ours(kwargs):
            kwargs["context"]["hoso_fault"] = True

    def fault(**kwargs: Any) -> Any:
        if not (kwargs.get("context", {}).get("hoso_fault") if event == "after-call" else ours(kwargs)):
            return None
        fired.append(event)
        return handler(**kwargs)

    registered = [(f"{event}.dynamodb.{OPERATION}", fault)]
    if event == "after-call":
        registered.append((f"before-call.dynamodb.{OPERATION}", mark))
    for name, function in registered:
        events.register(name, function, unique_id=f"{unique}-{name}")
    try:
        yield fired
    finally:
        for name, _ in registered:
            events.unregister(name, unique_id=f"{unique}-{name}")


def fail_last_item(params: dict[str, Any], **_: Any) -> None:
    """The transaction's last item gets a condition that never holds."""
    last = params["TransactItems"][-1]
    item = next(iter(last.values()))
    never = "attribute_exists(#fault)"
    existing = item.get("ConditionExpression")
    item["ConditionExpression"] = f"({existing}) AND {never}" if existing else never
    item.setdefault("ExpressionAttributeNames", {})["#fault"] = "injected_fault_never_set"


def service_error(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
    """DynamoDB answers 500 InternalServerError (a before-call answer: no request is sent)."""
    response = AWSResponse("https://dynamodb.invalid", 500, {}, None)
    return response, {"Error": {"Code": "InternalServerError", "Message": "injected fault"},
                      "ResponseMetadata": {"HTTPStatusCode": 500}}


def lost_answer(**_: Any) -> None:
    """The transaction is committed, then its answer never arrives."""
    raise ReadTimeoutError(endpoint_url="https://dynamodb.invalid")


def _new_dossier(staff: dict[str, Caller]) -> str:
    created = staff["desk"].post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT})
    assert created.status_code == 201, created.text
    return str(created.json()["dossier"]["code"])


def test_a_transaction_failing_on_its_last_item_leaves_the_dossier_as_it_was(staff: dict[str, Caller]) -> None:
    code = _new_dossier(staff)
    before = snapshot(code)
    with injected("provide-client-params", fail_last_item, code) as fired:
        answer = staff["desk"].act(code, "chuyen_phong")
    assert fired, "the fault was not injected"
    assert answer.status_code == 409 and answer.json()["error_code"] == "VERSION_CONFLICT", answer.text
    assert snapshot(code) == before, "a cancelled transaction left part of its writes behind"
    retried = staff["desk"].act(code, "chuyen_phong")
    assert retried.status_code == 200, retried.text
    after = snapshot(code)
    assert after.version == before.version + 1 and len(after.events) == len(before.events) + 1
    assert len(after.outbox) == len(before.outbox) + 1


def test_a_service_error_on_every_attempt_is_a_500_and_changes_nothing(staff: dict[str, Caller]) -> None:
    code = _new_dossier(staff)
    staff["desk"].act(code, "chuyen_phong")
    before = snapshot(code)
    with injected("before-call", service_error, code) as fired:
        answer = staff["head"].act(code, "phan_cong", assignee=staff["appraiser"].sub)
    assert fired
    assert answer.status_code == 500 and answer.json()["error_code"] == "INTERNAL", answer.text
    assert "injected" not in answer.text, "internals leaked into the answer"
    assert snapshot(code) == before
    assert staff["head"].act(code, "phan_cong", assignee=staff["appraiser"].sub).status_code == 200


def test_an_answer_lost_after_the_commit_leaves_the_whole_step_and_no_duplicate(staff: dict[str, Caller]) -> None:
    code = _new_dossier(staff)
    before = snapshot(code)
    with injected("after-call", lost_answer, code) as fired:
        answer = staff["desk"].act(code, "chuyen_phong")
    assert fired
    assert answer.status_code == 500, answer.text
    after = snapshot(code)
    assert after.version == before.version + 1 and after.step != before.step, "the committed step is all there"
    assert len(after.events) == len(before.events) + 1 and len(after.outbox) == len(before.outbox) + 1
    assert after.counters != before.counters
    again = staff["desk"].act(code, "chuyen_phong")  # the officer tries again
    assert again.status_code == 409 and again.json()["error_code"] == "ACTION_NOT_ALLOWED", again.text
    assert snapshot(code) == after, "the retry added nothing"


def conflict_on(position: int, times: int) -> Callable[..., Any]:
    """DynamoDB cancels the transaction because another transaction was writing its item at
    ``position`` at that moment (TransactionConflict), ``times`` times; then lets requests through."""
    left = [times]

    def answer(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if left[0] == 0:
            return None
        left[0] -= 1
        items = json.loads(params["body"])["TransactItems"]  # a before-call sees the request as sent
        reasons = [{"Code": "None"} for _ in items]
        reasons[position] = {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
        return AWSResponse("https://dynamodb.invalid", 400, {}, None), {
            "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
            "CancellationReasons": reasons, "ResponseMetadata": {"HTTPStatusCode": 400}}

    return answer


def test_a_transition_meeting_another_on_a_shared_counter_is_retried_not_refused(staff: dict[str, Caller]) -> None:
    code = _new_dossier(staff)
    before = snapshot(code)
    with injected("before-call", conflict_on(position=-1, times=2), code) as fired:
        answer = staff["desk"].act(code, "chuyen_phong")
    assert len(fired) == 3, "two conflicts, then the attempt that went through"
    assert answer.status_code == 200, answer.text
    after = snapshot(code)
    assert after.version == before.version + 1 and len(after.events) == len(before.events) + 1
    assert len(after.outbox) == len(before.outbox) + 1


def test_a_conflict_on_the_dossier_itself_is_a_version_conflict(staff: dict[str, Caller]) -> None:
    code = _new_dossier(staff)
    before = snapshot(code)
    with injected("before-call", conflict_on(position=0, times=1), code) as fired:
        answer = staff["desk"].act(code, "chuyen_phong")
    assert len(fired) == 1
    assert answer.status_code == 409 and answer.json()["error_code"] == "VERSION_CONFLICT", answer.text
    assert snapshot(code) == before


def _counter(unit: str, code: str) -> int:
    parsed = parse_dossier_code(code)
    key = f"CODE#{unit}#{parsed.received_on:%y%m%d}"
    try:
        return int(CounterItem.get(key, "SEQ", consistent_read=True).n)
    except CounterItem.DoesNotExist:
        return 0


def _attachment_keys(stack: LocalStack) -> set[str]:
    s3 = boto3.client("s3", endpoint_url=stack.moto_url, region_name=stack.region)
    keys: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=get_settings().attachments_bucket,
                                                            Prefix="documents/"):
        keys |= {o["Key"] for o in page.get("Contents", [])}
    return keys


def _failed_intake(stack: LocalStack, staff: dict[str, Caller]) -> tuple[dict[str, Any], set[str], set[str]]:
    """A DVCQG intake whose transaction fails on every attempt; the attachment keys before and after."""
    first = staff["dvcqg"].post("/v1/dvcqg/dossiers", build_dossier(overrides={"MaDonViTiepNhan": HCMC_UNIT}))
    assert first.status_code == 201, first.text
    body = build_dossier(overrides={"MaDonViTiepNhan": HCMC_UNIT})
    keys_before = _attachment_keys(stack)
    counter_before, aggregates_before = _counter(HCMC_UNIT, first.json()["MaHoSo"]), unit_counters(HCMC_UNIT)
    with injected("before-call", service_error, body["MaHoSoDVCQG"]) as fired:
        answer = staff["dvcqg"].post("/v1/dvcqg/dossiers", body)
    assert fired and answer.status_code == 500, answer.text
    assert dossiers.find_reference(body["MaHoSoDVCQG"]) is None, "no idempotency record of a failed intake"
    assert _counter(HCMC_UNIT, first.json()["MaHoSo"]) == counter_before, "the failed intake consumed no code"
    assert unit_counters(HCMC_UNIT) == aggregates_before
    retried = staff["dvcqg"].post("/v1/dvcqg/dossiers", body)
    assert retried.status_code == 201, retried.text
    sequence = parse_dossier_code(retried.json()["MaHoSo"]).sequence
    assert sequence == parse_dossier_code(first.json()["MaHoSo"]).sequence + 1 or sequence > counter_before
    return body, keys_before, _attachment_keys(stack)


def test_a_failed_intake_writes_nothing_and_its_retry_gets_the_next_code(stack: LocalStack,
                                                                         staff: dict[str, Caller]) -> None:
    _failed_intake(stack, staff)


def test_a_failed_intake_leaves_no_orphan_file(stack: LocalStack, staff: dict[str, Caller]) -> None:
    _, keys_before, keys_after = _failed_intake(stack, staff)
    # the retry stores its own copy (one new key, referenced by the new dossier); the failed attempt's must be gone
    assert len(keys_after - keys_before) == 1, f"orphan objects: {sorted(keys_after - keys_before)}"
