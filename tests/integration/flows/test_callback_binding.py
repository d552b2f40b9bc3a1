"""Who may answer a step handed to another agency, and a crashed answer's retry (issue 11,
High 1 and Medium 8).

The attacks: any integration client scoped to the step's procedure could answer for an agency
no client was bound to (the ``integration-clients`` secret binds none by default: fail open);
and an answer that crashed after claiming the task left it ``claimed`` for ever, so the
agency's retry was told "already answered" and the flow never moved."""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from chalicelib.auth import clients as clients_auth
from chalicelib.auth import registry
from chalicelib.domain.clients import Capability, ClientKind
from chalicelib.flows import answers, callbacks, store
from chalicelib.flows.model import token_hash
from chalicelib.integrations import secrets
from tests.integration.flows.conftest import AGENCY_BINDINGS, AGENCY_PROCEDURES, PDF, REGION, STAGE, World, timing


def _at_thuong_tru(world: World) -> tuple[str, str]:
    """A birth chain whose second step (thường trú, Công an xã: external) is handed over."""
    parent = world.open_parent()
    world.start(parent.code, timing("birth_flow"))
    child = world.until("child", lambda: world.child_of(parent.code, "khai_sinh"))
    world.finish_child(child)
    return parent.code, world.handover(parent.code, "thuong_tru")["task_token"]


def _unchanged(world: World, code: str, token: str, labels: list[str]) -> None:
    record = store.get_task(token_hash(token))
    assert record is not None and record.status == "pending"
    assert world.labels(code) == labels
    state = store.get_state(code)
    assert state is not None and state.steps["thuong_tru"].status == "handed_over"


def test_a_client_not_bound_to_the_agency_cannot_answer_its_step(world: World) -> None:
    # another agency's system, scoped to the very same procedures, with the callback capability
    other = registry.create_client("co-quan-khac", "Hệ thống của cơ quan khác", AGENCY_PROCEDURES,
                                   kind=ClientKind.AGENCY, capabilities=[Capability.FLOW_CALLBACK])  # fmt: skip
    code, token = _at_thuong_tru(world)
    labels = world.labels(code)
    answer = world.callback(token, "success", client_token=other)
    assert (answer.status_code, answer.json()["error_code"]) == (403, "FLOW_TASK_NOT_YOURS"), answer.text
    refusal = world.callback(token, "failure", reason="Từ chối giả mạo", client_token=other)
    assert refusal.status_code == 403
    _unchanged(world, code, token, labels)
    assert world.callback(token, "success").status_code == 200  # the bound agency still can


def _bind(bindings: dict[str, Any]) -> None:
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(
        SecretId=f"hoso/{STAGE}/integration-clients", SecretString=json.dumps(bindings))
    secrets.clear_cache()


def test_a_step_of_an_agency_bound_to_no_client_is_answered_by_nobody(world: World) -> None:
    _bind({})  # the secret as infra creates it
    try:
        code, token = _at_thuong_tru(world)
    finally:
        _bind(AGENCY_BINDINGS)
    labels = world.labels(code)
    for outcome, reason in (("success", None), ("failure", "Không xác minh được"), ("progress", "Đang xử lý")):
        answer = world.callback(token, outcome, reason=reason)
        assert (answer.status_code, answer.json()["error_code"]) == (403, "FLOW_TASK_NOT_YOURS"), answer.text
    _unchanged(world, code, token, labels)


def test_a_crashed_answers_claim_is_taken_over_by_the_agencys_retry(world: World) -> None:
    code, token = _at_thuong_tru(world)
    hashed = token_hash(token)
    assert store.claim(hashed)  # an answer claimed the task, then its Lambda died
    fresh = world.callback(token, "success")
    assert (fresh.status_code, fresh.json()["error_code"]) == (409, "FLOW_TASK_ALREADY_ANSWERED")

    store.FlowTaskItem(pk=f"FLOWTASK#{hashed}", sk="TASK").update(
        actions=[store.FlowTaskItem.claimed_at.set(time.time() - store.CLAIM_EXPIRY_S - 5)])
    retry = world.callback(token, "success")
    assert retry.status_code == 200, retry.text
    record = store.get_task(hashed)
    assert record is not None and (record.status, record.outcome) == ("answered", "success")
    assert world.labels(code).count("Nhận kết quả bước liên thông") == 2  # khai_sinh, and thuong_tru once
    assert world.callback(token, "success").json()["error_code"] == "FLOW_TASK_ALREADY_ANSWERED"


def test_the_binding_is_read_from_the_secret(world: World) -> None:
    value = json.loads(boto3.client("secretsmanager", region_name=REGION).get_secret_value(
        SecretId=f"hoso/{STAGE}/integration-clients")["SecretString"])  # fmt: skip
    assert value["cong_an_xa"] == {"client_id": "agency-sim"}


# --- the hand-over's documents: short links, fresh ones on request (issue 11, Low) --------------


def _expires_in(url: str) -> int:
    query = parse_qs(urlsplit(url).query)
    if "X-Amz-Expires" in query:
        return int(query["X-Amz-Expires"][0])
    return int(query["Expires"][0]) - int(time.time())


def test_handover_links_are_short_lived_and_the_bound_agency_fetches_fresh_ones(world: World) -> None:
    code, token = _at_thuong_tru(world)
    handover = world.handover(code, "thuong_tru")["request"]
    assert handover["documents"] and handover["documents_url"].endswith("/v1/flows/documents")
    assert all(_expires_in(d["url"]) <= 15 * 60 for d in handover["documents"])  # not a week

    fetched = world.api.post("/v1/flows/documents", {"task_token": token}, world.agency_token)
    assert fetched.status_code == 200, fetched.text
    body = fetched.json()
    assert (body["dossier"], body["step"], body["expires_in"]) == (code, "thuong_tru", 900)
    assert [d["sha256"] for d in body["documents"]] == [d["sha256"] for d in handover["documents"]]
    assert all(_expires_in(d["url"]) <= 900 for d in body["documents"])

    other = registry.create_client("co-quan-khac-2", "Hệ thống của cơ quan khác", AGENCY_PROCEDURES,
                                   kind=ClientKind.AGENCY, capabilities=[Capability.FLOW_CALLBACK])  # fmt: skip
    refused = world.api.post("/v1/flows/documents", {"task_token": token}, other)
    assert (refused.status_code, refused.json()["error_code"]) == (403, "FLOW_TASK_NOT_YOURS")
    assert "documents" not in refused.json()
    forged = world.api.post("/v1/flows/documents", {"task_token": "khong-co"}, world.agency_token)
    assert (forged.status_code, forged.json()["error_code"]) == (403, "FLOW_TOKEN_UNKNOWN")

    assert world.callback(token, "success").status_code == 200
    closed = world.api.post("/v1/flows/documents", {"task_token": token}, world.agency_token)
    assert (closed.status_code, closed.json()["error_code"]) == (409, "FLOW_TASK_CLOSED")


def test_an_answer_that_died_after_recording_its_result_is_completed_once_by_the_retry(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    # the Lambda dies between recording the result on the parent and answering Step Functions:
    # no release runs, the claim stays; the agency's retry (after the claim's expiry) must move
    # the flow on without recording the result a second time
    code, token = _at_thuong_tru(world)
    hashed = token_hash(token)

    def died(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt("Lambda timed out")  # not an error the code handles: the process is gone

    with monkeypatch.context() as patched:
        patched.setattr(answers.sfn, "succeed", died)
        patched.setattr(store, "release", lambda *a: None)
        with pytest.raises(KeyboardInterrupt):
            callbacks.receive(clients_auth.authenticate_client(f"Bearer {world.agency_token}"), callbacks.CallbackIn(
                task_token=token, outcome="success", result_documents=[callbacks.ResultDocumentIn(
                    name="ket-qua.pdf", content_base64=base64.b64encode(PDF).decode())]))
    record = store.get_task(hashed)
    assert record is not None and record.status == "claimed"
    assert world.labels(code).count("Nhận kết quả bước liên thông") == 2

    store.FlowTaskItem(pk=f"FLOWTASK#{hashed}", sk="TASK").update(
        actions=[store.FlowTaskItem.claimed_at.set(time.time() - store.CLAIM_EXPIRY_S - 5)])
    retry = world.callback(token, "success")
    assert retry.status_code == 200, retry.text
    assert world.labels(code).count("Nhận kết quả bước liên thông") == 2  # recorded once
    record = store.get_task(hashed)
    assert record is not None and record.status == "answered"
    world.until("the flow moved on to bhyt", lambda: world.handovers(code, "bhyt"))
