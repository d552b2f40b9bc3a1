"""Consultation between units through hoso's API on moto (issue 17 item 1): the appraiser of TP.HCM asks
Hà Nội's unit with a question, a working-day deadline and one of the dossier's two documents; the
request is in Hà Nội's list, its officers read that document and nothing else of the dossier, answer
with a file and a signed opinion letter (eSign simulator); the appraiser continues; every step is an
audit event of the dossier's hash chain with its outbox record (synced like every step)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from chalicelib.documents import store as docstore
from chalicelib.domain.calendar import VN_TZ
from chalicelib.notifications import store as notification_store
from chalicelib.notifications import sweep
from chalicelib.services import dossiers as dossier_service
from chalicelib.store import dossiers
from chalicelib.store import uploads as upload_store
from chalicelib.store.models import OutboxItem
from tests.integration.documents.conftest import OTHER_UNIT, UNIT, World, officer
from tests.integration.documents.test_attachments import PDF, uploaded


def _answer(response) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(response.body)


def _consulted(world: World) -> tuple[str, str, str, str]:
    """A dossier at appraisal with two documents, consulted on the first: (code, shared, kept, id)."""
    dossier = world.desk_dossier()
    world.act(dossier.code, "desk", "chuyen_phong")
    world.act(dossier.code, "head", "phan_cong", assignee=officer("appraiser").sub)
    shared = uploaded(world, PDF, role="appraiser", name="ban-ve.pdf")
    kept = uploaded(world, PDF + b"% rieng\n", role="appraiser", name="ho-so-noi-bo.pdf")
    for upload in (shared, kept):
        added = world.call("POST", f"/v1/dossiers/{dossier.code}/documents", role="appraiser",
                           body={"upload_id": upload.id})
        assert added.status_code in (200, 201), added.body
    asked = world.call("POST", f"/v1/dossiers/{dossier.code}/actions", role="appraiser", body={
        "action": "xin_y_kien", "reason": "Đề nghị cho ý kiến về bản vẽ mặt bằng.",
        "consult_units": [OTHER_UNIT], "consult_deadline": {"value": 2, "unit": "working_days"},
        "consult_documents": [shared.id]})
    assert asked.status_code == 200, asked.body
    [consultation] = _answer(asked)["dossier"]["consultations"]
    return dossier.code, shared.id, kept.id, consultation["id"]


def test_the_consulted_unit_sees_the_request_reads_only_the_shared_document_and_answers(world: World) -> None:
    code, shared, kept, cid = _consulted(world)
    stored = dossiers.get(code)
    assert stored is not None and stored.step_id == "cho_y_kien"
    [c] = stored.consultations
    assert c.unit_code == OTHER_UNIT and c.unit_name and c.documents == [shared] and c.due_at is not None

    listed = world.call("GET", f"/v1/units/{OTHER_UNIT}/consultations", role="appraiser", unit=OTHER_UNIT)
    assert listed.status_code == 200, listed.body
    assert [(i["code"], i["consultation"]["id"]) for i in _answer(listed)["items"]] == [(code, cid)]
    assert "applicant" not in json.dumps(_answer(listed), ensure_ascii=False)
    assert _answer(world.call("GET", f"/v1/units/{UNIT}/consultations", role="appraiser"))["items"] == []

    view = world.call("GET", f"/v1/dossiers/{code}/consultations/{cid}", role="appraiser", unit=OTHER_UNIT)
    assert view.status_code == 200, view.body
    seen = _answer(view)
    assert [d["id"] for d in seen["documents"]] == [shared]
    text = json.dumps(seen, ensure_ascii=False)
    assert stored.applicant.name not in text and stored.applicant.id_number not in text and kept not in text
    link = world.call("GET", f"/v1/dossiers/{code}/consultations/{cid}/documents/{shared}/link", role="head",
                      unit=OTHER_UNIT)
    assert link.status_code == 200 and _answer(link)["name"] == "ban-ve.pdf"
    for hidden in (f"/v1/dossiers/{code}/consultations/{cid}/documents/{kept}/link",
                   f"/v1/dossiers/{code}", f"/v1/dossiers/{code}/documents/{shared}/link"):
        assert world.call("GET", hidden, role="appraiser", unit=OTHER_UNIT).status_code == 404, hidden

    attached = uploaded(world, PDF + b"% y kien\n", role="appraiser", name="phu-luc.pdf")
    # uploads belong to the officer who started them: this one is TP.HCM's appraiser's, not Hà Nội's
    foreign = world.call("POST", f"/v1/dossiers/{code}/consultations/{cid}/opinion", role="appraiser",
                         unit=OTHER_UNIT, body={"opinion": "Đồng ý", "attachments": [attached.id]})
    assert foreign.status_code == 422 and _answer(foreign)["error_code"] == "UPLOAD_NOT_FOUND"
    hanoi_upload = _hanoi_upload(world)
    answered = world.call("POST", f"/v1/dossiers/{code}/consultations/{cid}/opinion", role="appraiser",
                          unit=OTHER_UNIT, body={"opinion": "Bản vẽ phù hợp quy chuẩn.",
                                                 "attachments": [hanoi_upload]})
    assert answered.status_code == 200, answered.body
    again = world.call("POST", f"/v1/dossiers/{code}/consultations/{cid}/opinion", role="head", unit=OTHER_UNIT,
                       body={"opinion": "Lần nữa"})
    assert again.status_code == 409 and _answer(again)["error_code"] == "CONSULTATION_ANSWERED"

    after = dossiers.get(code)
    assert after is not None
    [c] = after.consultations
    assert c.opinion == "Bản vẽ phù hợp quy chuẩn." and c.answered_by == officer("appraiser", OTHER_UNIT).sub
    letter = next(d for d in after.documents if d.id == c.signed_document)
    assert letter.kind == "opinion" and letter.signers == [c.answered_by]
    body = world.s3.get_object(Bucket=docstore.bucket_of(letter), Key=letter.s3_key)["Body"].read()
    assert b"/ByteRange" in body  # a PAdES signature
    assert hanoi_upload in c.opinion_documents and {d.id for d in after.documents} >= set(c.opinion_documents)
    # the asking unit reads the opinion, its file and letter on the dossier's own page
    page = _answer(world.call("GET", f"/v1/dossiers/{code}", role="appraiser"))
    assert page["dossier"]["consultations"][0]["opinion"] == "Bản vẽ phù hợp quy chuẩn."
    assert world.call("GET", f"/v1/dossiers/{code}/documents/{letter.id}/link", role="appraiser").status_code == 200
    assert _answer(world.call("GET", f"/v1/units/{OTHER_UNIT}/consultations", role="head", unit=OTHER_UNIT))[
        "items"] == []
    done = _answer(world.call("GET", f"/v1/units/{OTHER_UNIT}/consultations?state=done", role="head", unit=OTHER_UNIT))
    assert [i["consultation"]["opinion"] for i in done["items"]] == ["Bản vẽ phù hợp quy chuẩn."]

    resumed = world.call("POST", f"/v1/dossiers/{code}/actions", role="appraiser", body={"action": "ghi_y_kien"})
    assert resumed.status_code == 200, resumed.body
    final = dossiers.get(code)
    assert final is not None and final.step_id == "tham_dinh"
    events = dossiers.events(code)
    assert [e.action for e in events[-3:]] == ["consult", "consultation_opinion", "record_opinion"]
    assert events[-2].actor.unit_code == OTHER_UNIT and events[-2].note == "Bản vẽ phù hợp quy chuẩn."
    for before, event in zip(events, events[1:], strict=False):  # one unbroken hash chain
        assert event.prev_hash == before.hash
    assert final.chain_head == events[-1].hash
    outbox = {i.sk for i in OutboxItem.query(dossiers.dossier_pk(code), OutboxItem.sk.startswith("OUTBOX#"))}
    assert {f"OUTBOX#{e.seq:06d}" for e in events[-3:]} <= outbox  # each step synced as progress


def _hanoi_upload(world: World) -> str:
    upload, _ = upload_store.start("hoso-dev-attachments", officer("appraiser", OTHER_UNIT).sub, "phu-luc.pdf",
                                   dossier_service.now())
    world.s3.put_object(Bucket="hoso-dev-attachments", Key=upload.key, Body=PDF + b"% ha noi\n")
    checked = upload_store.inspect("hoso-dev-attachments", upload.key)
    assert checked is not None and checked.status == "ready"
    return checked.id


def test_officers_of_a_third_unit_and_the_asking_unit_see_nothing_of_the_request(world: World) -> None:
    code, shared, _, cid = _consulted(world)
    for role, unit in (("desk", OTHER_UNIT), ("clerk", OTHER_UNIT)):  # the consulted unit's non-answering roles
        answer = world.call("POST", f"/v1/dossiers/{code}/consultations/{cid}/opinion", role=role, unit=unit,
                            body={"opinion": "Không có quyền"})
        assert answer.status_code in (403, 404), (role, answer.body)
    for role in ("appraiser", "head", "leader"):  # the asking unit: its dossier page, never this route
        assert world.call("GET", f"/v1/dossiers/{code}/consultations/{cid}", role=role).status_code == 404
        assert world.call("GET", f"/v1/units/{OTHER_UNIT}/consultations", role=role).status_code == 403
    assert world.call("GET", f"/v1/dossiers/{code}/consultations/khong-co", role="appraiser",
                      unit=OTHER_UNIT).status_code == 404
    stored = dossiers.get(code)
    assert stored is not None and stored.consultations[0].opinion is None


def test_continuing_waits_for_the_deadline_and_the_sweep_reminds_the_consulted_unit(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, _, cid = _consulted(world)
    early = world.call("POST", f"/v1/dossiers/{code}/actions", role="appraiser", body={"action": "ghi_y_kien"})
    assert early.status_code == 409 and _answer(early)["error_code"] == "OPINIONS_PENDING"
    assert "Hà Nội" in _answer(early)["message"]
    stored = dossiers.get(code)
    assert stored is not None and stored.step_id == "cho_y_kien"
    due = stored.consultations[0].due_at
    assert due is not None

    assert sweep.run(due - dt.timedelta(days=3)).notifications == 0  # not near yet: nobody is reminded
    sweep.run(due + dt.timedelta(hours=1))
    hanoi, asker = officer("appraiser", OTHER_UNIT), officer("appraiser")
    notified = notification_store.page(hanoi.sub).items
    assert [(n.kind, n.dossier_code) for n in notified] == [("consultation_overdue", code)]
    assert stored.applicant.name not in notified[0].message and stored.procedure_name not in notified[0].message
    assert ("consultation_overdue", code) in {(n.kind, n.dossier_code)
                                              for n in notification_store.page(asker.sub).items}
    sweep.run(due + dt.timedelta(hours=2))  # once a day
    assert len(notification_store.page(hanoi.sub).items) == 1

    # past the deadline the appraiser decides to continue: the missing opinion is closed unanswered
    monkeypatch.setattr(dossier_service, "now", lambda: (due + dt.timedelta(hours=3)).astimezone(VN_TZ))
    resumed = world.call("POST", f"/v1/dossiers/{code}/actions", role="appraiser", body={"action": "ghi_y_kien"})
    assert resumed.status_code == 200, resumed.body
    after = dossiers.get(code)
    assert after is not None and after.step_id == "tham_dinh" and after.consultations[0].closed_at is not None
    assert _answer(world.call("GET", f"/v1/units/{OTHER_UNIT}/consultations", role="head", unit=OTHER_UNIT))[
        "items"] == []
    late = world.call("POST", f"/v1/dossiers/{code}/consultations/{cid}/opinion", role="head", unit=OTHER_UNIT,
                      body={"opinion": "Trả lời muộn"})
    assert late.status_code == 409 and _answer(late)["error_code"] == "CONSULTATION_CLOSED"
    sweep.run(due + dt.timedelta(days=2))  # closed: no reminder on the next days
    assert len(notification_store.page(hanoi.sub).items) == 1
