"""Liên thông steps at another ministry's system, through the coordination system (SPEC §7.7):
the step is handed over with ``ChuyenHoSoLienThong`` (the coordinator simulator, over real HTTP,
playing the ministry's system), the task token waits, and the result comes back at
``POST /v1/coordinator/lien-thong/results`` from the coordinator's client — or the coordinator
fails and the hand-over is repeated or escalated."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests

from chalicelib import auth
from chalicelib.domain.clients import Capability, ClientKind
from chalicelib.flows import store
from chalicelib.integrations import dvcqg, secrets
from chalicelib.settings import reset_settings_cache
from chalicelib.store import dossiers
from local.simulators.base import RunningServer, serve
from local.simulators.coordinator import CoordinatorSimulator
from tests.integration.flows.conftest import AGENCY_BINDINGS, BIRTH_CHAIN, PDF, REGION, STAGE, World

COORDINATOR_CLIENT = "dieu-phoi"
RESULTS = "/v1/coordinator/lien-thong/results"


class Coordinator:
    def __init__(self, server: RunningServer, sim: CoordinatorSimulator, token: str, other_token: str) -> None:
        self.server, self.sim, self.token, self.other_token = server, sim, token, other_token

    def mode(self, **modes: Any) -> None:
        requests.post(f"{self.server.url}/_sim/mode", json=modes, timeout=10).raise_for_status()

    def handovers(self, code: str) -> list[dict[str, Any]]:
        records = requests.get(f"{self.server.url}/_sim/records", timeout=10).json()["handovers"]
        return [h for h in records if h["MaHoSo"] == code]

    def complete(self, code: str, outcome: str, reason: str | None = None) -> dict[str, Any]:
        body = {"KetQua": outcome, **({"LyDo": reason} if reason else {})}
        return dict(requests.post(f"{self.server.url}/_sim/lien-thong/complete/{code}", json=body, timeout=30).json())


@pytest.fixture(scope="module")
def coordinator(world_once: World) -> Iterator[Coordinator]:
    """The coordinator simulator; social insurance (``bhxh``) reached through it, answered for by
    the coordinator's client; hoso's account there in the credentials secret."""
    token = auth.create_client(COORDINATOR_CLIENT, "Hệ thống điều phối (thử nghiệm)", ["LT.BHYT-TE6"],
                               kind=ClientKind.COORDINATOR, capabilities=[Capability.COORDINATOR_RESULTS])
    other = auth.create_client("dieu-phoi-khac", "Hệ thống điều phối khác", ["LT.BHYT-TE6"],
                               kind=ClientKind.COORDINATOR, capabilities=[Capability.COORDINATOR_RESULTS])
    sim = CoordinatorSimulator("coordinator", "hoso", "hoso-dev", 1800, token)
    server = serve(sim, 0)
    sm = boto3.client("secretsmanager", region_name=REGION)
    credentials = f"hoso/{STAGE}/dvcqg-credentials"
    sm.create_secret(Name=credentials, SecretString=json.dumps({"username": "hoso", "password": "hoso-dev"}))
    bindings = {**AGENCY_BINDINGS, "bhxh": {"via": "coordinator", "client_id": COORDINATOR_CLIENT}}
    sm.put_secret_value(SecretId=f"hoso/{STAGE}/integration-clients", SecretString=json.dumps(bindings))
    saved = {k: os.environ.get(k) for k in ("COORDINATOR_BASE_URL", "HOSO_DVCQG_CREDENTIALS_SECRET_ID")}
    os.environ.update({"COORDINATOR_BASE_URL": server.url, "HOSO_DVCQG_CREDENTIALS_SECRET_ID": credentials})
    reset_settings_cache()
    secrets.clear_cache()
    dvcqg.reset_clients()
    try:
        yield Coordinator(server, sim, token, other)
    finally:
        server.stop()
        sm.put_secret_value(SecretId=f"hoso/{STAGE}/integration-clients", SecretString=json.dumps(AGENCY_BINDINGS))
        sm.delete_secret(SecretId=credentials, ForceDeleteWithoutRecovery=True)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        reset_settings_cache()
        secrets.clear_cache()
        dvcqg.reset_clients()


@pytest.fixture
def coord(coordinator: Coordinator, world: World) -> Iterator[Coordinator]:
    requests.post(f"{coordinator.server.url}/_sim/reset", timeout=10).raise_for_status()
    yield coordinator
    requests.post(f"{coordinator.server.url}/_sim/reset", timeout=10).raise_for_status()


def _to_social_insurance(world: World) -> str:
    """A birth chain through its first two steps (the unit's child dossier, the police's system)."""
    parent = world.open_parent(BIRTH_CHAIN)
    world.finish_child(world.until("child", lambda: world.child_of(parent.code, "khai_sinh")))
    world.handover(parent.code, "thuong_tru")
    assert world.agency_sim_complete(parent.code, "success")["callback"]["status"] == 200
    return parent.code


def _result(world: World, token: str | None, ref: str, outcome: str = "success", **extra: Any) -> requests.Response:
    documents = [{"TenGiayTo": "the-bhyt.pdf", "NoiDungBase64": base64.b64encode(PDF).decode()}]
    body = {"MaBuocLienThong": ref, "KetQua": outcome,
            "DanhSachGiayToKetQua": documents if outcome == "success" else [], **extra}  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{world.api.url}{RESULTS}", json=body, headers=headers, timeout=20)


def test_a_step_of_another_ministry_goes_through_the_coordinator_and_its_result_comes_back(
        world: World, coord: Coordinator) -> None:  # fmt: skip
    code = _to_social_insurance(world)
    handover = world.until("handed to the coordinator", lambda: (h := coord.handovers(code)) and h[0])
    request = handover["request"]
    assert request["BuocLienThong"]["MaBuoc"] == "bhyt" and request["BuocLienThong"]["MaTTHC"] == "LT.BHYT-TE6"
    assert request["HoSo"]["MaHoSo"] == code and request["HoSo"]["TrangThaiHoSo"] == "4"
    assert request["DiaChiTraKetQua"] == f"{world.api.url}{RESULTS}"
    names = [d["TenTep"] for d in request["TaiLieu"]]
    assert "giay-chung-sinh.pdf" in names and "ket-qua-thuong_tru.pdf" in names
    downloaded = requests.get(request["TaiLieu"][0]["DuongDan"], timeout=10)
    assert downloaded.status_code == 200 and downloaded.content.startswith(b"%PDF")
    assert world.agency_sim.handovers and not world.handovers(code, "bhyt")  # not the agency's direct route
    state = store.get_state(code)
    assert state is not None and state.steps["bhyt"].status == "handed_over"
    assert world.finished(code) is None  # the task token waits

    sent = coord.complete(code, "success")
    assert sent["result"]["status"] == 200, sent
    assert sent["result"]["body"]["MaHoSo"] == code and sent["result"]["body"]["replayed"] is False
    execution = world.until("execution finished", lambda: world.finished(code))
    assert execution["status"] == "SUCCEEDED"
    done = dossiers.get(code)
    assert done is not None and done.status == 9
    assert [d.name for d in done.documents if d.kind == "result"][-1] == "ket-qua-bhyt.pdf"
    labels = world.labels(code)
    assert any(e.note.endswith("qua Hệ thống điều phối") for e in dossiers.events(code)
               if e.label == "Chuyển hồ sơ liên thông")  # fmt: skip

    # Idempotent: the same result again is answered the same way, nothing recorded twice
    again = _result(world, coord.token, handover["MaBuocLienThong"])
    assert again.status_code == 200 and again.json()["replayed"] is True, again.text
    assert world.labels(code) == labels
    # Another result for the answered step is a conflict
    other = _result(world, coord.token, handover["MaBuocLienThong"], "failure", LyDo="Sai thông tin")
    assert other.status_code == 409 and other.json()["error_code"] == "FLOW_TASK_ALREADY_ANSWERED"


def test_only_the_bound_coordinator_answers_and_a_refused_call_writes_nothing(
        world: World, coord: Coordinator) -> None:  # fmt: skip
    code = _to_social_insurance(world)
    ref = world.until("handed to the coordinator", lambda: (h := coord.handovers(code)) and h[0])["MaBuocLienThong"]
    before = (world.labels(code), dossiers.get(code))
    refusals = {
        "no credential": (_result(world, None, ref), 401, "AUTH_REQUIRED"),
        "wrong secret": (_result(world, f"{COORDINATOR_CLIENT}.sai-bi-mat", ref), 401, "INVALID_CLIENT"),
        "the agency's client": (_result(world, world.agency_token, ref), 403, "FORBIDDEN_CAPABILITY"),
        "another coordinator": (_result(world, coord.other_token, ref), 403, "FLOW_TASK_NOT_YOURS"),
        "unknown step": (_result(world, coord.token, "0" * 64), 404, "LIEN_THONG_STEP_UNKNOWN"),
        "no reason": (_result(world, coord.token, ref, "failure"), 422, "INVALID_DATA"),
    }
    for why, (answer, status, error) in refusals.items():
        assert (answer.status_code, answer.json().get("error_code")) == (status, error), f"{why}: {answer.text}"
    # Nothing was written: the step still waits, the dossier and its trail are as they were
    record = store.get_task(ref)
    assert record is not None and record.status == "pending"
    assert (world.labels(code), dossiers.get(code)) == before
    assert world.finished(code) is None

    # The bound coordinator's refusal escalates the step (an operator decides)
    refused = coord.complete(code, "failure", "Trẻ đã có thẻ BHYT")
    assert refused["result"]["status"] == 200, refused
    world.until("escalated", lambda: (s := store.get_state(code)) and s.steps["bhyt"].status == "escalated")
    assert "Cơ quan phối hợp từ chối giải quyết" in world.labels(code)


def test_the_coordinator_failing_the_hand_over_is_retried_then_escalated(world: World, coord: Coordinator) -> None:
    # Down: the message comes back and the hand-over is repeated until the coordinator answers
    coord.mode(fail_next=2)
    code = _to_social_insurance(world)
    handover = world.until("handed over after the failures", lambda: (h := coord.handovers(code)) and h[0])
    calls = [c for c in coord.sim.calls if c["service"] == "ChuyenHoSoLienThong"]
    assert handover["duplicates_ignored"] == 0 and len(calls) == 1  # the failed ones never got through
    assert world.labels(code).count("Chuyển hồ sơ liên thông") == 3  # recorded once per step

    # Refused (a non-zero error_code): the step escalates at once
    coord.mode(error_code=422)
    second = _to_social_insurance(world)
    world.until("escalated", lambda: (s := store.get_state(second)) and s.steps.get("bhyt")
                and s.steps["bhyt"].status == "escalated")  # fmt: skip
    assert "Không chuyển được hồ sơ liên thông" in world.labels(second)
    assert not coord.handovers(second)
