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

from chalicelib.auth import registry
from chalicelib.domain.clients import Capability, ClientKind
from chalicelib.flows import store
from chalicelib.integrations import dvcqg, secrets
from chalicelib.settings import reset_settings_cache
from chalicelib.store import dossiers
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT
from local.simulators.base import RunningServer, serve
from local.simulators.coordinator import CoordinatorSimulator
from local.simulators.dvcqg import DossierPoster, build_dossier, signed_headers
from tests.integration.flows.conftest import AGENCY_BINDINGS, BIRTH_CHAIN, PDF, REGION, STAGE, World, account

COORDINATOR_CLIENT = "dieu-phoi"
HMAC_SECRET = f"hoso/{STAGE}/dvcqg-hmac-keys"  # the settings' default id: the coordinator signs with DVCQG's keys
HMAC_KEYS = {"dvcqg-2026": "khoa-ky-thu-nghiem"}
RESULTS = "/v1/coordinator/lien-thong/results"


class Coordinator:
    def __init__(self, server: RunningServer, sim: CoordinatorSimulator, token: str, other_token: str) -> None:
        self.server, self.sim, self.token, self.other_token = server, sim, token, other_token

    def mode(self, **modes: Any) -> None:
        requests.post(f"{self.server.url}/_sim/mode", json=modes, timeout=10).raise_for_status()

    def handovers(self, code: str) -> list[dict[str, Any]]:
        records = requests.get(f"{self.server.url}/_sim/records", timeout=10).json()["handovers"]
        return [h for h in records if h["MaHoSo"] == code]

    def send_dossier(self, **body: Any) -> dict[str, Any]:
        answer = requests.post(f"{self.server.url}/_sim/lien-thong/send-dossier", json=body, timeout=30)
        return dict(answer.json())

    def results(self) -> list[dict[str, Any]]:
        return list(requests.get(f"{self.server.url}/_sim/records", timeout=10).json()["results"])

    def complete(self, code: str, outcome: str, reason: str | None = None) -> dict[str, Any]:
        body = {"KetQua": outcome, **({"LyDo": reason} if reason else {})}
        return dict(requests.post(f"{self.server.url}/_sim/lien-thong/complete/{code}", json=body, timeout=30).json())


@pytest.fixture(scope="module")
def coordinator(world_once: World) -> Iterator[Coordinator]:
    """The coordinator simulator; social insurance (``bhxh``) reached through it, answered for by
    the coordinator's client; hoso's account there in the credentials secret."""
    token = registry.create_client(COORDINATOR_CLIENT, "Hệ thống điều phối (thử nghiệm)", ["LT.BHYT-TE6"],
                                   kind=ClientKind.COORDINATOR, capabilities=[Capability.COORDINATOR_RESULTS])
    other = registry.create_client("dieu-phoi-khac", "Hệ thống điều phối khác", ["LT.BHYT-TE6"],
                                   kind=ClientKind.COORDINATOR, capabilities=[Capability.COORDINATOR_RESULTS])
    sim = CoordinatorSimulator("coordinator", "hoso", "hoso-dev", 1800, token,
                               DossierPoster(world_once.api.url, HMAC_KEYS, "dvcqg-2026"))  # fmt: skip
    server = serve(sim, 0)
    sm = boto3.client("secretsmanager", region_name=REGION)
    sm.create_secret(Name=HMAC_SECRET, SecretString=json.dumps(HMAC_KEYS))
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
        sm.delete_secret(SecretId=HMAC_SECRET, ForceDeleteWithoutRecovery=True)
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


def _lien_thong_view(world: World, code: str) -> dict[str, Any]:
    answer = world.api.get(f"/v1/dossiers/{code}/lien-thong", world.desk_token())
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_the_officers_see_where_each_step_was_handed(world: World, coord: Coordinator) -> None:
    code = _to_social_insurance(world)
    world.until("handed to the coordinator", lambda: coord.handovers(code))
    view = _lien_thong_view(world, code)
    steps = {s["step"]: (s["route"], s["status"]) for s in view["steps"]}
    assert steps == {"khai_sinh": ("hoso", "done"), "thuong_tru": ("direct", "done"),
                     "bhyt": ("coordinator", "handed_over")}
    assert view["origin"] is None
    other = world.api.get(f"/v1/dossiers/{code}/lien-thong", world.token(account("desk", HCMC_UNIT)["sub"]))
    assert other.status_code == 404  # another unit's officer cannot even learn it exists


def _process(world: World, code: str) -> None:
    """The Hà Nội unit receives the inbound dossier and handles it to "result ready" (status 9)."""
    world.act(code, "tiep_nhan", "desk")
    world.act(code, "chuyen_phong", "desk")
    world.act(code, "phan_cong", "head", assignee=account("appraiser")["sub"])
    world.act(code, "trinh", "appraiser")
    world.act(code, "trinh_lanh_dao", "head")
    world.attach(code, "trich-luc-khai-sinh.pdf", "result")
    world.act(code, "phe_duyet", "leader")
    world.act(code, "phat_hanh", "clerk")


def test_a_dossier_of_another_ministrys_chain_is_handled_and_its_result_goes_back(
        world: World, coord: Coordinator) -> None:  # fmt: skip
    sent = coord.send_dossier(MaDonViTiepNhan=HANOI_UNIT)
    assert sent["status"] == 201, sent
    code, ref = sent["body"]["MaHoSo"], sent["MaBuocLienThong"]
    world._codes.add(code)
    dossier = dossiers.get(code)
    assert dossier is not None and dossier.status == 1 and dossier.unit_code == HANOI_UNIT
    assert dossier.lien_thong_origin is not None and dossier.lien_thong_origin.ref == ref
    assert code.startswith(HANOI_UNIT)  # its own code at the competent unit

    # Idempotent: the same signed body again → 200 and the same code
    raw = json.dumps(sent["sent"], ensure_ascii=False).encode()
    url = f"{world.api.url}/v1/coordinator/lien-thong/dossiers"
    again = requests.post(url, data=raw, headers={"Content-Type": "application/json",
                                                   **signed_headers("dvcqg-2026", HMAC_KEYS["dvcqg-2026"], raw)},
                          timeout=20)  # fmt: skip
    assert (again.status_code, again.json()["MaHoSo"]) == (200, code), again.text

    # In the desk's worklist (status 1), marked as liên thông
    listed = world.api.get(f"/v1/units/{HANOI_UNIT}/worklist?status=1", world.desk_token()).json()["items"]
    row = next(d for d in listed if d["code"] == code)
    assert row["lien_thong_origin"]["head_agency"] == "Bộ Công an (mô phỏng)"

    # Processed; the coordinator is down once when the result is ready: it goes back once it is up
    coord.mode(fail_next=1)
    _process(world, code)
    back = world.until("the result back at the coordinator", lambda: (r := coord.results()) and r[0])
    assert back["MaBuocLienThong"] == ref and back["MaHoSo"] == code and back["KetQua"] == "success"
    links = back["request"]["DanhSachGiayToKetQua"]
    assert [d["TenGiayTo"] for d in links] == ["trich-luc-khai-sinh.pdf"]
    assert requests.get(links[0]["DuongDan"], timeout=10).content.startswith(b"%PDF")
    world.until("recorded on the dossier", lambda: (d := dossiers.get(code)) and d.lien_thong_origin
                and d.lien_thong_origin.returned_at)  # fmt: skip
    for _ in range(3):
        world.pump()
    assert world.labels(code).count("Chuyển kết quả bước liên thông về Hệ thống điều phối") == 1
    assert coord.results()[0]["duplicates_ignored"] == 0  # sent once in effect
    view = _lien_thong_view(world, code)
    assert view["steps"] == [] and view["origin"]["returned_outcome"] == "success"


def test_an_unsigned_or_wrongly_signed_inbound_dossier_is_refused_and_nothing_is_written(
        world: World, coord: Coordinator) -> None:  # fmt: skip
    ref = "DP-THU-QUYEN-1"
    body = {**build_dossier(overrides={"MaDonViTiepNhan": HANOI_UNIT}),
            "LienThong": {"MaBuocLienThong": ref, "MaHoSoGoc": "X-1", "CoQuanChuTri": "Bộ khác", "TenBuoc": "Bước"}}
    raw = json.dumps(body, ensure_ascii=False).encode()
    url = f"{world.api.url}/v1/coordinator/lien-thong/dossiers"
    attempts = {
        "unsigned": ({}, "MISSING_SIGNATURE"),
        "another key": (signed_headers("dvcqg-2026", "khoa-khac", raw), "BAD_SIGNATURE"),
        "unknown key id": (signed_headers("khong-co", "khoa-khac", raw), "UNKNOWN_KEY_ID"),
        "a client's bearer": ({"Authorization": f"Bearer {coord.token}"}, "MISSING_SIGNATURE"),
    }
    for why, (headers, error) in attempts.items():
        answer = requests.post(url, data=raw, headers={"Content-Type": "application/json", **headers}, timeout=20)
        assert (answer.status_code, answer.json()["error_code"]) == (401, error), f"{why}: {answer.text}"
    assert dossiers.find_reference("LT-" + ref) is None  # no dossier, no reference
    listed = world.api.get(f"/v1/units/{HANOI_UNIT}/worklist?status=1", world.desk_token()).json()["items"]
    assert not [d for d in listed if (d.get("lien_thong_origin") or {}).get("ref") == ref]
    # Signed but without its step: 422 naming it
    raw = json.dumps({k: v for k, v in body.items() if k != "LienThong"}).encode()
    answer = requests.post(url, data=raw, headers={"Content-Type": "application/json",
                                                    **signed_headers("dvcqg-2026", HMAC_KEYS["dvcqg-2026"], raw)},
                           timeout=20)  # fmt: skip
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"].startswith("LienThong"), answer.text
