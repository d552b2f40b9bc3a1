"""Consultation of an outside agency through the coordination system (issue 17 item 1, SPEC §7.7):
the appraiser asks social insurance (``bhxh``, another ministry's system reached through the
coordinator); the request leaves through the outbox and the agency-tasks queue to the coordinator
simulator over real HTTP (retried while it fails) carrying only the question, the deadline and the
shared document; the simulator answers through ``POST /v1/coordinator/consultations/opinions``; the
opinion lands like a hoso unit's (audited, hash chain, outbox) and the appraiser continues. Other
clients and other consultations are refused with nothing written."""

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
from chalicelib.integrations import dvcqg, secrets
from chalicelib.settings import reset_settings_cache
from chalicelib.store import dossiers
from chalicelib.store.models import OutboxItem
from local.simulators.base import RunningServer, serve
from local.simulators.coordinator import CoordinatorSimulator
from tests.integration.flows.conftest import AGENCY_BINDINGS, PDF, REGION, STAGE, World, account

CLIENT = "dieu-phoi-y-kien"
OPINIONS = "/v1/coordinator/consultations/opinions"
BIRTH = "1.001193"  # an ordinary procedure of the unit's own process (no flow)


class Coordinator:
    def __init__(self, server: RunningServer, token: str, other_token: str) -> None:
        self.server, self.token, self.other_token = server, token, other_token

    def mode(self, **modes: Any) -> None:
        requests.post(f"{self.server.url}/_sim/mode", json=modes, timeout=10).raise_for_status()

    def consultations(self, code: str) -> list[dict[str, Any]]:
        records = requests.get(f"{self.server.url}/_sim/records", timeout=10).json()
        return [c for c in records["consultations"] if c["MaHoSo"] == code]

    def violations(self) -> list[Any]:
        return list(requests.get(f"{self.server.url}/_sim/records", timeout=10).json()["violations"])

    def answer(self, code: str, **body: Any) -> dict[str, Any]:
        answer = requests.post(f"{self.server.url}/_sim/consultations/answer/{code}", json=body, timeout=30)
        return dict(answer.json())


@pytest.fixture(scope="module")
def coordinator(world_once: World) -> Iterator[Coordinator]:
    token = registry.create_client(CLIENT, "Hệ thống điều phối (thử nghiệm)", [], kind=ClientKind.COORDINATOR,
                                   capabilities=[Capability.COORDINATOR_OPINIONS])  # fmt: skip
    other = registry.create_client("dieu-phoi-khac-y-kien", "Hệ thống điều phối khác", [], kind=ClientKind.COORDINATOR,
                                   capabilities=[Capability.COORDINATOR_OPINIONS])  # fmt: skip
    server = serve(CoordinatorSimulator("coordinator", "hoso", "hoso-dev", 1800, token), 0)
    sm = boto3.client("secretsmanager", region_name=REGION)
    credentials = f"hoso/{STAGE}/dvcqg-credentials"
    sm.create_secret(Name=credentials, SecretString=json.dumps({"username": "hoso", "password": "hoso-dev"}))
    bindings = {**AGENCY_BINDINGS, "bhxh": {"via": "coordinator", "client_id": CLIENT}}
    sm.put_secret_value(SecretId=f"hoso/{STAGE}/integration-clients", SecretString=json.dumps(bindings))
    saved = {k: os.environ.get(k) for k in ("COORDINATOR_BASE_URL", "HOSO_DVCQG_CREDENTIALS_SECRET_ID")}
    os.environ.update({"COORDINATOR_BASE_URL": server.url, "HOSO_DVCQG_CREDENTIALS_SECRET_ID": credentials})
    reset_settings_cache()
    secrets.clear_cache()
    dvcqg.reset_clients()
    try:
        yield Coordinator(server, token, other)
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


def _asked(world: World, coord: Coordinator) -> tuple[str, str, str, str]:
    """A dossier at appraisal with two documents; social insurance asked about the first one, through
    the API: (code, shared document, kept document, consultation id)."""
    dossier = world.open_parent(BIRTH)  # with giay-chung-sinh.pdf
    kept = world.attach(dossier.code, "ghi-chu-noi-bo.pdf", "internal")
    world.act(dossier.code, "chuyen_phong", "desk")
    world.act(dossier.code, "phan_cong", "head", assignee=account("appraiser")["sub"])
    stored = dossiers.get(dossier.code)
    assert stored is not None
    shared = next(d.id for d in stored.documents if d.name == "giay-chung-sinh.pdf")
    appraiser = world.token(account("appraiser")["sub"])
    offered = world.api.get("/v1/consultations/outside-agencies", appraiser)
    assert offered.status_code == 200 and {"code": "bhxh", "name": "Cơ quan Bảo hiểm xã hội"} in offered.json()["items"]
    assert "cong_an_xa" not in {a["code"] for a in offered.json()["items"]}  # reached directly: not offered
    asked = world.api.post(f"/v1/dossiers/{dossier.code}/actions", {
        "action": "xin_y_kien", "reason": "Đề nghị cho ý kiến về việc cấp thẻ BHYT cho trẻ.",
        "consult_units": ["bhxh"], "consult_deadline": {"value": 3, "unit": "working_days"},
        "consult_documents": [shared]}, appraiser)  # fmt: skip
    assert asked.status_code == 200, asked.text
    [c] = asked.json()["dossier"]["consultations"]
    assert c["via"] == "coordinator" and c["unit_name"] == "Cơ quan Bảo hiểm xã hội" and c["handed_over_at"] is None
    return dossier.code, shared, kept.id, c["id"]


def _opinion(code: str, cid: str, text: str = "Thống nhất cấp thẻ BHYT.") -> dict[str, Any]:
    return {"MaHoSo": code, "MaYeuCau": cid, "YKien": text, "NguoiKy": "Giám đốc BHXH (thử nghiệm)",
            "DanhSachTepDinhKem": [{"TenTep": "cong-van.pdf", "NoiDungBase64": base64.b64encode(PDF).decode()}]}


def _post(world: World, body: dict[str, Any], token: str | None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{world.api.url}{OPINIONS}", json=body, headers=headers, timeout=20)


def test_an_outside_agency_is_asked_through_the_coordinator_and_its_opinion_lands(
        world: World, coordinator: Coordinator) -> None:  # fmt: skip
    coordinator.mode(fail_next=2)  # the coordinator fails twice: the signal comes back, the hand-over is repeated
    code, shared, kept, cid = _asked(world, coordinator)
    [sent] = world.until("asked at the coordinator", lambda: coordinator.consultations(code))
    request = sent["request"]
    assert (request["LoaiChuyen"], request["MaYeuCau"], request["MaCoQuan"]) == ("XinYKien", cid, "bhxh")
    assert request["NoiDung"] == "Đề nghị cho ý kiến về việc cấp thẻ BHYT cho trẻ." and request["HanTraLoi"]
    assert request["DiaChiTraYKien"] == f"{world.api.url}{OPINIONS}"
    assert [d["TenTep"] for d in request["TaiLieu"]] == ["giay-chung-sinh.pdf"]  # only the shared one
    downloaded = requests.get(request["TaiLieu"][0]["DuongDan"], timeout=10)
    assert downloaded.status_code == 200 and downloaded.content == PDF
    stored = dossiers.get(code)
    assert stored is not None and stored.applicant.name not in json.dumps(request, ensure_ascii=False)
    assert "HoSo" not in request and not coordinator.violations()
    world.until("hand-over recorded", lambda: (d := dossiers.get(code)) and d.consultations[0].handed_over_at)
    world.pump()  # the hand-over's own change: nothing more to send
    assert [e.action for e in dossiers.events(code)].count("consultation_handed_over") == 1
    assert len(coordinator.consultations(code)) == 1

    answered = coordinator.answer(code, YKien="Thống nhất cấp thẻ BHYT.")
    assert answered["result"]["status"] == 200, answered
    assert answered["result"]["body"]["replayed"] is False
    after = dossiers.get(code)
    assert after is not None
    [c] = after.consultations
    assert c.opinion == "Thống nhất cấp thẻ BHYT." and c.answered_by == f"client:{CLIENT}" and not c.open
    [file] = [d for d in after.documents if d.id in c.opinion_documents]
    assert file.kind == "opinion" and file.name == "van-ban-y-kien.pdf"
    appraiser = world.token(account("appraiser")["sub"])
    link = world.api.get(f"/v1/dossiers/{code}/documents/{file.id}/link", appraiser)
    assert link.status_code == 200 and requests.get(link.json()["url"], timeout=10).content.startswith(b"%PDF")
    assert kept not in c.documents and shared in c.documents

    again = _post(world, answered["sent"], coordinator.token)  # the coordinator sends it again
    assert again.status_code == 200 and again.json()["replayed"] is True
    other = _post(world, {**answered["sent"], "YKien": "Không thống nhất."}, coordinator.token)
    assert other.status_code == 409 and other.json()["error_code"] == "CONSULTATION_ANSWERED"
    assert [e.action for e in dossiers.events(code)].count("consultation_opinion") == 1

    resumed = world.api.post(f"/v1/dossiers/{code}/actions", {"action": "ghi_y_kien"}, appraiser)
    assert resumed.status_code == 200, resumed.text
    events = dossiers.events(code)
    assert [e.action for e in events[-3:]] == ["consultation_handed_over", "consultation_opinion", "record_opinion"]
    opinion = events[-2]
    assert opinion.actor.unit_code == "bhxh" and opinion.note == "Thống nhất cấp thẻ BHYT."
    assert opinion.label == "Ý kiến tham gia của Cơ quan Bảo hiểm xã hội"
    for before, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == before.hash
    outbox = {i.sk for i in OutboxItem.query(dossiers.dossier_pk(code), OutboxItem.sk.startswith("OUTBOX#"))}
    assert {f"OUTBOX#{e.seq:06d}" for e in events[-3:]} <= outbox  # each step synced as progress


def test_only_the_bound_coordinator_client_answers_its_own_consultation(
        world: World, coordinator: Coordinator) -> None:  # fmt: skip
    code, _, _, cid = _asked(world, coordinator)
    world.until("asked at the coordinator", lambda: coordinator.consultations(code))
    before = dossiers.get(code)
    assert before is not None
    hoso_unit = world.open_parent(BIRTH)  # a dossier without a request to an outside agency
    refused = {
        "no credential": (None, _opinion(code, cid), 401, None),
        "wrong secret": (f"{CLIENT}.not-the-secret", _opinion(code, cid), 401, None),
        "agency client": (world.agency_token, _opinion(code, cid), 403, "FORBIDDEN_CAPABILITY"),
        "other coordinator": (coordinator.other_token, _opinion(code, cid), 403, "CONSULTATION_NOT_YOURS"),
        "unknown request": (coordinator.token, _opinion(code, "khongco"), 404, "CONSULTATION_UNKNOWN"),
        "another dossier": (coordinator.token, _opinion(hoso_unit.code, cid), 404, "CONSULTATION_UNKNOWN"),
        "bad file": (coordinator.token, {**_opinion(code, cid), "DanhSachTepDinhKem": [
            {"TenTep": "x.pdf", "NoiDungBase64": "không phải base64"}]}, 422, "INVALID_DATA"),
        "extra field": (coordinator.token, {**_opinion(code, cid), "HoSo": {}}, 422, None),
    }
    for name, (token, body, status, error) in refused.items():
        answer = _post(world, body, token)
        assert answer.status_code == status, (name, answer.text)
        if error:
            assert answer.json()["error_code"] == error, (name, answer.text)
    after = dossiers.get(code)
    assert after is not None and after.version == before.version and after.consultations[0].opinion is None
    assert dossiers.events(code)[-1].seq == before.seq  # no event recorded
    assert len(after.documents) == len(before.documents)
    assert _post(world, _opinion(code, cid), coordinator.token).status_code == 200  # the bound client: yes
