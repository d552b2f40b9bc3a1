"""No result, no issue (issue 12, item 1), through the API on moto with the real eSign simulator:
approval and issue are refused until the procedure's result exists, is numbered and signed; the
result is drafted from the template with fields the officer edits, or uploaded; the leader's
approval signs it in the same act — and when eSign fails mid-approval nothing changes."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
import requests

from chalicelib.documents import service as documents
from chalicelib.documents import store as docstore
from chalicelib.domain.catalogue import ResultKind
from chalicelib.settings import get_settings
from chalicelib.store import catalogue, dossiers, uploads
from tests.integration.documents.conftest import REGION, World, officer
from tests.integration.documents.test_results import pdf_text, stored


def _act(world: World, code: str, role: str, action: str) -> Any:
    return world.call("POST", f"/v1/dossiers/{code}/actions", role, body={"action": action})


def _refused(answer: Any, code: str) -> None:
    assert answer.status_code == 409, answer.body
    assert answer.json_body["error_code"] == code and answer.json_body["message"]


def _procedure(**update: Any) -> None:
    procedure = catalogue.get_procedure("1.001193")
    assert procedure is not None
    catalogue.put_procedure(procedure.model_copy(update=update))


def _tables() -> dict[str, list[dict[str, Any]]]:
    ddb = boto3.client("dynamodb", region_name=REGION)
    return {t: sorted(ddb.scan(TableName=t)["Items"], key=repr) for t in ("hoso-dev-dossiers", "hoso-dev-counters")}


def test_draft_with_edited_fields_then_the_approval_signs_it_in_the_same_act(world: World) -> None:
    dossier = world.to_approval()
    _refused(_act(world, dossier.code, "leader", "phe_duyet"), "RESULT_MISSING")
    assert dossiers.get(dossier.code).version == dossier.version  # type: ignore[union-attr]

    draft = world.call("GET", f"/v1/dossiers/{dossier.code}/results/draft", "appraiser")
    assert draft.status_code == 200 and draft.json_body["result_kind"] == "template"
    assert draft.json_body["sign_on_approval"] and draft.json_body["document_name"] == "Trích lục khai sinh"
    fields = {f["key"]: f for f in draft.json_body["fields"]}
    name = fields["form.nguoi_duoc_khai_sinh.ho_ten"]
    assert name["label"] == "Họ, chữ đệm, tên" and name["value"] not in ("", "—")  # prefilled from the eForm
    assert fields["dossier.code"]["value"] == dossier.code
    bad = world.call("POST", f"/v1/dossiers/{dossier.code}/results", "appraiser", body={"fields": {"nope": "x"}})
    assert bad.status_code == 422 and bad.json_body["errors"][0]["field"] == "fields.nope"
    issued = world.call("POST", f"/v1/dossiers/{dossier.code}/results", "appraiser",
                        body={"fields": {name["key"]: "NGUYỄN AN KHANG"}})
    assert issued.status_code == 201, issued.body
    doc_id, number = issued.json_body["id"], issued.json_body["number"]
    assert "NGUYỄN AN KHANG" in pdf_text(stored(world, dossier.code, doc_id))
    ref = next(d for d in dossiers.get(dossier.code).documents if d.id == doc_id)  # type: ignore[union-attr]
    assert ref.number == number and ref.issued_at is not None and ref.signers == []

    before = dossiers.get(dossier.code)
    approved = _act(world, dossier.code, "leader", "phe_duyet")
    assert approved.status_code == 200, approved.body
    after = dossiers.get(dossier.code)
    assert after is not None and after.step_id == "phat_hanh" and after.version == before.version + 1  # type: ignore[union-attr]
    ref = next(d for d in after.documents if d.id == doc_id)
    assert ref.signers == [officer("leader").sub]
    record = docstore.get_record(dossier.code, doc_id)
    assert record is not None and [(s.signer_sub, s.role) for s in record.signatures] == [(officer("leader").sub,
                                                                                            "leader")]
    assert dossiers.events(dossier.code)[-1].action == "approve"  # one act: no separate signing event
    report = documents.verify_document(dossier.code, doc_id, officer("clerk"))
    assert report["ok"] and report["signatures"][0]["signer"]

    issued_to_desk = _act(world, dossier.code, "clerk", "phat_hanh")
    assert issued_to_desk.status_code == 200 and issued_to_desk.json_body["dossier"]["status"] == 9


def test_without_signing_on_approval_the_result_is_signed_first(world: World) -> None:
    _procedure(sign_on_approval=False)
    dossier = world.to_approval()
    record = documents.issue_result(dossier.code, officer("appraiser"))
    _refused(_act(world, dossier.code, "leader", "phe_duyet"), "RESULT_NOT_SIGNED")
    assert docstore.get_record(dossier.code, record.id).signatures == []  # type: ignore[union-attr]
    documents.sign(dossier.code, record.id, officer("head"))
    assert _act(world, dossier.code, "leader", "phe_duyet").status_code == 200
    # the head's signature stands; the approval adds none when the procedure doesn't say so
    assert len(docstore.get_record(dossier.code, record.id).signatures) == 1  # type: ignore[union-attr]
    assert _act(world, dossier.code, "clerk", "phat_hanh").json_body["dossier"]["status"] == 9


def test_an_uploaded_result_with_its_number_and_a_procedure_without_one(world: World) -> None:
    _procedure(result_kind=ResultKind.UPLOAD)
    dossier = world.to_approval()
    _refused(_act(world, dossier.code, "leader", "phe_duyet"), "RESULT_MISSING")
    bucket = get_settings().attachments_bucket
    upload, _ = uploads.start(bucket, officer("appraiser").sub, "Quyết định.pdf", documents.dossier_service.now())
    other = world.processed()  # any PDF will do: another dossier's result
    content = stored(world, other.code, next(d.id for d in other.documents if d.kind == "result" and not d.deleted))
    world.s3.put_object(Bucket=bucket, Key=upload.key, Body=content)
    uploads.inspect(bucket, upload.key)
    body = {"upload_id": upload.id, "number": "15/2026/QĐ-UBND", "issued_on": "2026-12-01"}
    assert world.call("POST", f"/v1/dossiers/{dossier.code}/results/upload", "desk", body=body).status_code == 403
    answer = world.call("POST", f"/v1/dossiers/{dossier.code}/results/upload", "appraiser", body=body)
    assert answer.status_code == 201, answer.body
    ref = next(d for d in dossiers.get(dossier.code).documents if d.kind == "result" and not d.deleted)  # type: ignore[union-attr]
    assert ref.number == "15/2026/QĐ-UBND" and ref.issued_at is not None and ref.issued_at.day == 1
    assert _act(world, dossier.code, "leader", "phe_duyet").status_code == 200  # signed by the approval
    assert ref.id in {d.id for d in dossiers.get(dossier.code).documents if d.signers}  # type: ignore[union-attr]

    _procedure(result_kind=ResultKind.NONE, result_signed=False)
    said_none = world.to_approval()
    assert _act(world, said_none.code, "leader", "phe_duyet").status_code == 200
    assert _act(world, said_none.code, "clerk", "phat_hanh").json_body["dossier"]["status"] == 9


@pytest.mark.parametrize("mode, error", [({"down": True}, "ESIGN_UNAVAILABLE"),
                                         ({"decline_next": 1}, "SIGNER_DECLINED")])
def test_esign_failing_mid_approval_leaves_the_dossier_untouched(world: World, mode: dict[str, Any],
                                                                  error: str) -> None:
    dossier = world.to_approval()
    record = documents.issue_result(dossier.code, officer("appraiser"))
    before = _tables()
    requests.post(f"{world.sims.esign.url}/_sim/mode", json=mode, timeout=5).raise_for_status()
    answer = _act(world, dossier.code, "leader", "phe_duyet")
    assert answer.status_code in (409, 502) and answer.json_body["error_code"] == error, answer.body
    # the dossier, its events, outbox and counters, the result's record: exactly as before
    assert _tables() == before
    requests.post(f"{world.sims.esign.url}/_sim/reset", timeout=5).raise_for_status()
    assert _act(world, dossier.code, "leader", "phe_duyet").status_code == 200
    assert len(docstore.get_record(dossier.code, record.id).signatures) == 1  # type: ignore[union-attr]


def test_a_file_that_only_starts_like_a_pdf_is_refused_as_the_result_and_nothing_is_written(world: World) -> None:
    # it passes the upload's magic-byte check, but could never be signed: refused at upload, not a 500 at approval
    _procedure(result_kind=ResultKind.UPLOAD)
    dossier = world.to_approval()
    bucket = get_settings().attachments_bucket
    upload, _ = uploads.start(bucket, officer("appraiser").sub, "Quyết định.pdf", documents.dossier_service.now())
    world.s3.put_object(Bucket=bucket, Key=upload.key, Body=b"%PDF-1.4\n% khong phai cau truc PDF\n" * 20)
    uploads.inspect(bucket, upload.key)
    before = dossiers.get(dossier.code)
    body = {"upload_id": upload.id, "number": "16/2026/QĐ-UBND"}
    answer = world.call("POST", f"/v1/dossiers/{dossier.code}/results/upload", "appraiser", body=body)
    assert answer.status_code == 422, answer.body
    assert [e["field"] for e in answer.json_body["errors"]] == ["upload_id"]
    assert "không đọc được cấu trúc PDF" in answer.json_body["errors"][0]["message"]
    assert dossiers.get(dossier.code) == before
