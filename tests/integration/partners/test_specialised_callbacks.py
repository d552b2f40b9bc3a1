"""``POST /v1/specialised/dossiers/{code}/status`` and ``.../results`` (SPEC §7.3): a specialised
software reports what it did with a dossier of its procedures; hoso applies it through its own
process, audited and synced like an officer's action, once per ``event_id``."""

from __future__ import annotations

import boto3
import pytest

from chalicelib.specialised import events, reports, service
from chalicelib.store import dossiers
from chalicelib.store.dossiers import dossier_pk
from chalicelib.store.models import OutboxItem
from tests.integration.partners.conftest import PDF, REGION, World, officer, pdf_document

HANDLER = {"name": "Lê Thị Hồng"}


def _outbox_seqs(code: str) -> list[int]:
    return [int(i.data["seq"]) for i in OutboxItem.query(dossier_pk(code), OutboxItem.sk.startswith("OUTBOX#"))]


def test_status_reports_move_the_dossier_through_its_process_audited_and_synced(world: World) -> None:
    code = world.dossier().code
    head, appraiser = officer("head"), officer("appraiser")

    answer = world.status(code, {"event_id": "HT-1", "action": "chuyen_phong", "from_step": "chuyen_xu_ly",
                                 "status": 4, "handler": HANDLER})  # fmt: skip
    assert answer.status_code == 200, answer.body
    assert answer.json_body == {"status": "accepted", "dossier": code, "dossier_status": 4, "step": "phan_cong",
                                "documents": [], "replayed": False}  # fmt: skip
    event = dossiers.events(code)[-1]
    assert (event.actor.sub, event.actor.name, event.actor.role) == (
        "client:ho-tich-sw", "Phần mềm đăng ký, quản lý hộ tịch (người xử lý theo hệ thống khai báo: Lê Thị Hồng)",
        "desk")
    assert event.actor.asserted is not None and (event.actor.asserted.name, event.actor.asserted.sub) == (
        "Lê Thị Hồng", None)
    assert event.seq in _outbox_seqs(code)  # on its way to DVCQG, like every step

    # the head assigns in the software: the appraiser must be one of the unit's
    refused = world.status(code, {"event_id": "HT-2", "action": "phan_cong", "from_step": "phan_cong", "status": 4,
                                  "assignee": "khong-co"})  # fmt: skip
    assert refused.status_code == 422 and refused.json_body["errors"][0]["field"] == "assignee"
    assigned = world.status(code, {"event_id": "HT-2", "action": "phan_cong", "from_step": "phan_cong", "status": 4,
                                   "assignee": appraiser.sub, "handler": {"name": head.name, "sub": head.sub}})
    assert assigned.status_code == 200, assigned.body
    dossier = world.get(code)
    assert (dossier.step_id, dossier.assignee, dossier.assignee_name) == ("tham_dinh", appraiser.sub, appraiser.name)
    # the head named by the software is recorded as the software's assertion, not as the head's own act
    actor = dossiers.events(code)[-1].actor
    assert actor.sub == "client:ho-tich-sw" and actor.asserted is not None and actor.asserted.sub == head.sub

    # an appraiser's action on an assigned dossier is the assignee's: the software names them
    anonymous = {"event_id": "HT-3", "action": "trinh", "from_step": "tham_dinh", "status": 4}
    assert world.status(code, anonymous).json_body["error_code"] == "NOT_ASSIGNEE"
    named = world.status(code, {**anonymous, "handler": {"name": appraiser.name, "sub": appraiser.sub}})
    assert named.status_code == 200, named.body
    assert world.get(code).step_id == "duyet_phong"


def test_the_same_report_again_changes_nothing_and_a_used_event_id_is_not_reused(world: World) -> None:
    code = world.dossier().code
    report = {"event_id": "HT-7", "action": "chuyen_phong", "from_step": "chuyen_xu_ly", "status": 4}
    first = world.status(code, report)
    assert first.status_code == 200
    again = world.status(code, report)
    assert again.status_code == 200 and again.json_body == {**first.json_body, "replayed": True}
    assert [e.action for e in dossiers.events(code)].count("submit") == 1

    other = world.status(code, {**report, "action": "phan_cong", "from_step": "phan_cong"})
    assert other.status_code == 409 and other.json_body["error_code"] == "SPECIALISED_EVENT_REUSED"


def test_reports_that_do_not_fit_the_process_are_refused_and_change_nothing(world: World) -> None:
    code = world.dossier().code
    version = world.get(code).version
    base = {"event_id": "HT-9", "action": "chuyen_phong", "from_step": "chuyen_xu_ly", "status": 4}

    elsewhere = world.status(code, {**base, "from_step": "tham_dinh"})
    assert elsewhere.status_code == 409 and elsewhere.json_body["error_code"] == "SPECIALISED_STEP_MISMATCH"
    assert elsewhere.json_body["current"] == {"step": "chuyen_xu_ly", "status": 2}
    unknown = world.status(code, {**base, "action": "phe_duyet"})
    assert unknown.status_code == 409 and unknown.json_body["error_code"] == "SPECIALISED_ACTION_NOT_AT_STEP"
    assert unknown.json_body["available"] == ["chuyen_phong", "rut_ho_so"]
    wrong_status = world.status(code, {**base, "status": 9})
    assert wrong_status.status_code == 422 and wrong_status.json_body["errors"][0]["field"] == "status"
    # a withdrawal is the applicant's: never reported by a software, with or without a reason
    withdrawal = world.status(code, {**base, "action": "rut_ho_so", "status": 7, "reason": "Công dân rút hồ sơ."})
    assert withdrawal.status_code == 403 and withdrawal.json_body["error_code"] == "FORBIDDEN_CAPABILITY"
    assert world.get(code).version == version

    # every refusal released the event id: the corrected report goes through
    fixed = world.status(code, base)
    assert fixed.status_code == 200 and fixed.json_body["dossier_status"] == 4


def test_the_flow_actions_of_a_lien_thong_dossier_are_not_the_softwares(world: World) -> None:
    # a liên thông parent in the flow step: its actions are the coordinator's (role operator)
    parent = world.dossier_of("1.000656")
    world.act(parent.code, "desk", "chuyen_lien_thong")
    answer = world.status(parent.code, {"event_id": "LT-1", "action": "hoan_thanh_lien_thong",
                                        "from_step": "lien_thong", "status": 9}, token=world.death_token)  # fmt: skip
    assert answer.status_code == 409 and answer.json_body["error_code"] == "SPECIALISED_ACTION_NOT_ALLOWED"


def test_only_an_authenticated_client_of_the_procedure_reports(world: World) -> None:
    code = world.dossier().code
    report = {"event_id": "HT-11", "action": "chuyen_phong", "from_step": "chuyen_xu_ly", "status": 4}
    outsider = world.status(code, report, token=world.other_token)
    assert outsider.status_code == 403 and outsider.json_body["error_code"] == "FORBIDDEN_PROCEDURE"
    assert world.status(code, report, token="ho-tich-sw.sai-mat-khau").status_code == 401
    missing = world.status("000.00.13.H29-260101-9999", report)
    assert missing.status_code == 404 and missing.json_body["error_code"] == "NOT_FOUND"
    bad = world.status(code, {**report, "event_id": "có dấu cách", "extra": 1})
    assert bad.status_code == 422 and {e["field"] for e in bad.json_body["errors"]} == {"event_id", "extra"}
    assert world.get(code).seq == 1  # nothing recorded


def test_results_are_stored_attached_once_and_refused_when_the_dossier_is_closed(world: World) -> None:
    code = world.dossier().code
    report = {"event_id": "HT-KQ", "result_documents": [pdf_document()], "note": "Đã ký số.", "handler": HANDLER}
    answer = world.results(code, report)
    assert answer.status_code == 200, answer.body
    [doc_id] = answer.json_body["documents"]
    dossier = world.get(code)
    [result] = [d for d in dossier.documents if d.kind == "result"]
    assert (result.id, result.name, result.component_code) == (doc_id, "trich-luc-khai-sinh.pdf", "KQ-TLKS")
    stored = boto3.client("s3", region_name=REGION).get_object(Bucket="hoso-dev-results", Key=result.s3_key)
    assert stored["Body"].read() == PDF
    event = dossiers.events(code)[-1]
    assert (event.action, event.note) == ("specialised_result", "trich-luc-khai-sinh.pdf. Đã ký số.")

    again = world.results(code, report)
    assert again.status_code == 200 and again.json_body["replayed"] is True
    assert [d.id for d in world.get(code).documents if d.kind == "result"] == [doc_id]

    not_a_file = world.results(code, {"event_id": "HT-KQ2", "result_documents": [
        {"name": "ghi-chu.txt", "content_base64": "SGVsbG8="}]})  # fmt: skip
    assert not_a_file.status_code == 422 and not_a_file.json_body["errors"][0]["field"] == "result_documents[0]"

    world.act(code, "desk", "rut_ho_so", reason="Công dân rút hồ sơ.")
    closed = world.results(code, {**report, "event_id": "HT-KQ3"})
    assert closed.status_code == 409 and closed.json_body["error_code"] == "SPECIALISED_RESULTS_NOT_ALLOWED"


def test_a_report_being_applied_is_not_applied_twice_and_a_crashed_one_completes(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    code = world.dossier().code
    body = {"event_id": "HT-20", "action": "chuyen_phong", "from_step": "chuyen_xu_ly", "status": 4}
    report = reports.StatusReportIn.model_validate(body)
    events.claim("ho-tich-sw", "HT-20", code, reports.fingerprint("status", code, report))
    busy = world.status(code, body)
    assert busy.status_code == 409 and busy.json_body["error_code"] == "SPECIALISED_EVENT_IN_PROGRESS"

    # the claimer crashed before applying: once its claim is stale, the report is applied
    monkeypatch.setattr(events, "CLAIM_EXPIRY_S", 0)
    assert world.status(code, body).json_body["step"] == "phan_cong"

    # a request that crashed after the change but before keeping its answer: the change is found
    crashing = {"event_id": "HT-21", "action": "phan_cong", "from_step": "phan_cong", "status": 4,
                "assignee": officer("appraiser").sub, "handler": {"name": "Trưởng phòng", "sub": officer("head").sub}}

    def crash(*args: object) -> None:
        raise RuntimeError("Lambda timed out")

    with monkeypatch.context() as patched:
        patched.setattr(service.events, "complete", crash)
        assert world.status(code, crashing).status_code == 500
    seq = world.get(code).seq
    again = world.status(code, crashing)
    assert again.status_code == 200 and again.json_body["step"] == "tham_dinh"
    assert world.get(code).seq == seq  # not applied twice
