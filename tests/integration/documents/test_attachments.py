"""Attachments everywhere (issue 12 item 5): the upload check by content and size, and files given
with a dossier's act — supplement receipt, appraisal and consultation opinions, decisions — that
become the dossier's documents in the act's own transaction (a refused or failed act leaves no
document and no transition)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from chalicelib.documents import store as docstore
from chalicelib.domain import engine
from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.edata import store as edata_store
from chalicelib.edata.model import documents_to_store
from chalicelib.errors import HosoError
from chalicelib.services import dossiers as dossier_service
from chalicelib.store import dossiers
from chalicelib.store import uploads as upload_store
from chalicelib.store.files import MAX_FILE_BYTES
from chalicelib.sync.payloads import _submitted
from local.simulators.accounts import HCMC_UNIT, MINISTRY_UNIT
from tests.fault.test_transaction_faults import fail_last_item, injected, service_error, snapshot
from tests.integration.documents.conftest import OTHER_UNIT, World, officer
from tests.integration.documents.test_edata import _approved

BUCKET = "hoso-dev-attachments"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% giay to bo sung\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def uploaded(world: World, content: bytes, role: str = "desk", name: str = "giay-to.pdf") -> upload_store.Upload:
    """An officer's presigned upload of ``content`` after S3's Object Created event was handled."""
    upload, _ = upload_store.start(BUCKET, officer(role).sub, name, dossier_service.now())
    world.s3.put_object(Bucket=BUCKET, Key=upload.key, Body=content)
    checked = upload_store.inspect(BUCKET, upload.key)
    assert checked is not None
    return checked


def _objects(world: World) -> list[str]:
    return [o["Key"] for o in world.s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.mark.parametrize(("content", "code", "message"), [
    (EXE, "UNSUPPORTED_FILE_TYPE", "Định dạng tệp không được chấp nhận"),  # a program named .pdf: wrong magic bytes
    (b"PK\x03\x04not really a zip", "UNSUPPORTED_FILE_TYPE", "Định dạng tệp không được chấp nhận"),
    (b"%PDF-" + b"0" * MAX_FILE_BYTES, "FILE_TOO_LARGE", "Tệp vượt quá 10 MB."),
])
def test_the_upload_check_rejects_by_content_and_size_and_keeps_nothing(
        world: World, content: bytes, code: str, message: str) -> None:
    checked = uploaded(world, content)
    assert checked.status == "rejected" and checked.reason_code == code and checked.reason is not None
    assert checked.reason.startswith(message)
    assert _objects(world) == []  # neither the upload nor a checked copy is left
    answer = world.call("GET", f"/v1/uploads/{checked.id}", role="desk")
    assert answer.json_body["upload"]["reason_code"] == code


def test_the_upload_check_takes_the_type_from_the_content_not_the_name(world: World) -> None:
    checked = uploaded(world, PDF, name="anh-chup.png")
    assert checked.status == "ready" and checked.content_type == "application/pdf" and checked.size == len(PDF)
    assert _objects(world) == [f"checked/{checked.sha256}"]


def _awaiting_supplement(world: World) -> str:
    dossier = world.desk_dossier()
    world.act(dossier.code, "desk", "chuyen_phong")
    world.act(dossier.code, "head", "phan_cong", assignee=officer("appraiser").sub)
    world.act(dossier.code, "appraiser", "yeu_cau_bo_sung", reason="Bổ sung bản sao giấy chứng sinh.")
    return dossier.code


def test_files_received_with_a_supplement_become_submitted_documents_with_the_transition(world: World) -> None:
    code = _awaiting_supplement(world)
    files = [uploaded(world, PDF), uploaded(world, PDF + b"% 2\n")]
    answer = world.call("POST", f"/v1/dossiers/{code}/actions", role="desk",
                        body={"action": "nhan_bo_sung", "attachments": [f.id for f in files]})
    assert answer.status_code == 200, answer.body
    dossier = dossiers.get(code)
    assert dossier is not None and dossier.status == 4
    added = [d for d in dossier.documents if d.id in {f.id for f in files}]
    assert [(d.kind, d.s3_key, d.content_type) for d in added] == [
        ("submitted", f.checked_key, "application/pdf") for f in files]
    event = dossiers.events(code)[-1]
    assert event.action == "receive_supplement" and event.attachments == [f.id for f in files]
    assert {d["TepDinhKemId"] for d in _submitted(dossier, lambda d: "")} >= {f.id for f in files}


def test_an_appraisal_opinion_file_is_an_internal_paper_kept_from_dvcqg_and_the_e_data_store(world: World) -> None:
    dossier = world.desk_dossier()
    world.act(dossier.code, "desk", "chuyen_phong")
    world.act(dossier.code, "head", "phan_cong", assignee=officer("appraiser").sub)
    opinion = uploaded(world, PDF, role="appraiser", name="to-trinh.pdf")
    after = world.act(dossier.code, "appraiser", "trinh", attachments=(opinion.id,))
    ref = next(d for d in after.documents if d.id == opinion.id)
    assert ref.kind == "internal" and ref.name == "to-trinh.pdf"
    assert opinion.id not in {d["TepDinhKemId"] for d in _submitted(after, lambda d: "")}
    assert opinion.id not in {d.id for _, d in documents_to_store(after)}


def _refusal(world: World, code: str, role: str, action: str, ids: list[str], **fields: Any) -> HosoError:
    before = snapshot(code)
    with pytest.raises(HosoError) as refused:
        world.act(code, role, action, attachments=tuple(ids), **fields)
    after = dossiers.get(code)
    assert snapshot(code) == before and after is not None and not {d.id for d in after.documents} & set(ids)
    return refused.value


def test_files_that_cannot_be_attached_refuse_the_whole_act(world: World) -> None:
    code = _awaiting_supplement(world)
    mine = uploaded(world, PDF)
    theirs = uploaded(world, PDF, role="appraiser")
    rejected = uploaded(world, EXE)
    pending, _ = upload_store.start(BUCKET, officer("desk").sub, "chua-xong.pdf", dossier_service.now())
    cases = [
        ([theirs.id], "UPLOAD_NOT_FOUND", 422),  # another officer's upload
        ([mine.id, "f" * 32], "UPLOAD_NOT_FOUND", 422),
        ([rejected.id], "UPLOAD_REJECTED", 422),
        ([pending.id], "UPLOAD_NOT_READY", 409),
        ([mine.id, mine.id], "ALREADY_ATTACHED", 409),
    ]
    for ids, error_code, status in cases:
        error = _refusal(world, code, "desk", "nhan_bo_sung", ids)
        assert (error.code, error.status) == (error_code, status), ids
        assert error.errors and error.errors[0].field.startswith("attachments[")
    attached = world.call("POST", f"/v1/dossiers/{code}/documents", role="desk", body={"upload_id": mine.id})
    assert attached.status_code == 201
    before = snapshot(code)
    with pytest.raises(HosoError, match="ALREADY_ATTACHED"):
        world.act(code, "desk", "nhan_bo_sung", attachments=(mine.id,))
    assert snapshot(code) == before


def test_an_act_that_takes_no_files_refuses_them(world: World) -> None:
    dossier = world.desk_dossier()
    world.act(dossier.code, "desk", "chuyen_phong")
    mine = uploaded(world, PDF, role="head")
    error = _refusal(world, dossier.code, "head", "phan_cong", [mine.id], assignee=officer("appraiser").sub)
    assert error.code == "ATTACHMENTS_NOT_ALLOWED" and error.status == 422


@pytest.mark.parametrize("fault", [fail_last_item, service_error])
def test_a_failed_transaction_leaves_neither_the_documents_nor_the_transition(world: World, fault: Any) -> None:
    code = _awaiting_supplement(world)
    file = uploaded(world, PDF)
    before = snapshot(code)
    with injected("before-call" if fault is service_error else "provide-client-params", fault, code) as fired, \
            pytest.raises(Exception):  # noqa: B017 - whichever way the transaction fails
        dossier_service.act(code, engine.ActionRequest(action_id="nhan_bo_sung", attachments=(file.id,)),
                            officer("desk"))
    assert fired
    after = dossiers.get(code)
    assert snapshot(code) == before and after is not None and file.id not in {d.id for d in after.documents}
    # the officer's retry succeeds with the same file
    assert file.id in {d.id for d in world.act(code, "desk", "nhan_bo_sung", attachments=(file.id,)).documents}


def test_desk_intake_records_each_received_component_original_or_copy_with_its_files(world: World) -> None:
    form = uploaded(world, PDF, name="to-khai.pdf")
    answer = world.call("POST", "/v1/dossiers", role="desk", body={
        **DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT,
        "ThanhPhanHoSo": [{"MaThanhPhanHoSo": "TK-KS", "LoaiBan": "original", "MaTepTaiLen": [form.id]},
                          {"MaThanhPhanHoSo": "GCS", "LoaiBan": "copy"}]})  # the paper only
    assert answer.status_code == 201, answer.body
    dossier = dossiers.get(answer.json_body["dossier"]["code"])
    assert dossier is not None and dossiers.worklist(HCMC_UNIT, 2, 10, None).items == [dossier]
    assert [(c.code, c.copy_kind) for c in dossier.received_components] == [("TK-KS", "original"), ("GCS", "copy")]
    assert dossier.received_components[1].name == "Giấy chứng sinh hoặc văn bản xác nhận việc sinh"
    [ref] = dossier.documents
    assert (ref.id, ref.component_code, ref.copy_kind, ref.kind, ref.s3_key) == (
        form.id, "TK-KS", "original", "submitted", form.checked_key)


@pytest.mark.parametrize(("components", "code", "field"), [
    ([{"MaThanhPhanHoSo": "CMCO", "LoaiBan": "copy"}], "INVALID_DATA", "ThanhPhanHoSo[0].MaThanhPhanHoSo"),
    ([{"MaThanhPhanHoSo": "GCS", "LoaiBan": "copy"}, {"MaThanhPhanHoSo": "GCS", "LoaiBan": "original"}],
     "INVALID_DATA", "ThanhPhanHoSo[1].MaThanhPhanHoSo"),
    ([{"MaThanhPhanHoSo": "GCS", "LoaiBan": "copy", "MaTepTaiLen": ["REJECTED"]}], "UPLOAD_REJECTED",
     "ThanhPhanHoSo[0].MaTepTaiLen[0]"),
    ([{"MaThanhPhanHoSo": "GCS", "LoaiBan": "ban_sao"}], "INVALID_DATA", "ThanhPhanHoSo[0].LoaiBan"),
])
def test_desk_intake_with_a_wrong_component_or_file_registers_nothing(
        world: World, components: list[dict[str, Any]], code: str, field: str) -> None:
    rejected = uploaded(world, EXE)
    for component in components:
        component["MaTepTaiLen"] = [rejected.id for _ in component.get("MaTepTaiLen", [])]
    answer = world.call("POST", "/v1/dossiers", role="desk",
                        body={**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT, "ThanhPhanHoSo": components})
    assert answer.status_code == 422 and answer.json_body["error_code"] == code, answer.body
    assert field in [e["field"] for e in answer.json_body["errors"]]
    assert dossiers.worklist(HCMC_UNIT, 2, 10, None).items == []


def _with_scan(world: World, content: bytes, name: str) -> tuple[str, upload_store.Upload]:
    scan = uploaded(world, content, name=name)
    answer = world.call("POST", "/v1/dossiers", role="desk", body={
        **DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT,
        "ThanhPhanHoSo": [{"MaThanhPhanHoSo": "GCS", "LoaiBan": "original", "MaTepTaiLen": [scan.id]}]})
    assert answer.status_code == 201, answer.body
    return answer.json_body["dossier"]["code"], scan


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 200), (240, 240, 230)).save(out, format="PNG")
    return out.getvalue()


def test_a_scanned_paper_is_digitised_as_a_signed_copy_that_replaces_the_scan(world: World) -> None:
    code, scan = _with_scan(world, _png(), "giay-chung-sinh.png")
    refused = world.call("POST", f"/v1/dossiers/{code}/documents/{scan.id}/digitise", role="head")
    assert refused.status_code == 403

    answer = world.call("POST", f"/v1/dossiers/{code}/documents/{scan.id}/digitise", role="desk")
    assert answer.status_code == 201, answer.body
    copy = answer.json_body
    assert copy["digitised_from"] == scan.id and copy["content_type"] == "application/pdf"
    assert (copy["component_code"], copy["copy_kind"], copy["kind"]) == ("GCS", "original", "submitted")
    dossier = dossiers.get(code)
    assert dossier is not None
    assert {d.id: d.deleted for d in dossier.documents} == {scan.id: True, copy["id"]: False}
    assert dossiers.events(code)[-1].action == "digitise_document"
    report = world.call("GET", f"/v1/dossiers/{code}/documents/{copy['id']}/verification", role="appraiser").json_body
    assert report["ok"] and report["stored_hash_matches"]
    [signature] = report["signatures"]
    assert signature["valid"] and signature["trusted"] and officer("desk").name in signature["signer"]
    assert docstore.get_record(code, copy["id"]).signatures[0].signer_sub == officer("desk").sub  # type: ignore[union-attr]
    assert copy["id"] in {d.id for _, d in documents_to_store(dossier)}  # the applicant's store gets the copy

    again = world.call("POST", f"/v1/dossiers/{code}/documents/{scan.id}/digitise", role="desk")
    assert again.status_code == 404  # the scan was replaced
    twice = world.call("POST", f"/v1/dossiers/{code}/documents/{copy['id']}/digitise", role="appraiser")
    assert twice.status_code == 409 and twice.json_body["error_code"] == "NOT_DIGITISABLE"


def test_only_a_citizens_scan_is_digitised(world: World) -> None:
    dossier = world.desk_dossier()
    world.act(dossier.code, "desk", "chuyen_phong")
    world.act(dossier.code, "head", "phan_cong", assignee=officer("appraiser").sub)
    opinion = uploaded(world, PDF, role="appraiser", name="to-trinh.pdf")
    world.act(dossier.code, "appraiser", "trinh", attachments=(opinion.id,))
    answer = world.call("POST", f"/v1/dossiers/{dossier.code}/documents/{opinion.id}/digitise", role="appraiser")
    assert answer.status_code == 409 and answer.json_body["error_code"] == "NOT_DIGITISABLE"
    other_unit = world.call("POST", f"/v1/dossiers/{dossier.code}/documents/{opinion.id}/digitise", role="desk",
                            unit=OTHER_UNIT)
    assert other_unit.status_code == 404


def _stored_birth_certificate(world: World) -> str:
    """The applicant's store holds the birth certificate of an earlier, issued dossier: its item id."""
    dossier, _ = _approved(world)
    world.act(dossier.code, "clerk", "phat_hanh")
    world.capture()
    return next(d.id for d in edata_store.documents(DESK_EXAMPLE["SoGiayToChuHoSo"], "GCS"))


def test_the_desk_sees_and_reuses_the_applicants_e_data_at_intake(world: World) -> None:
    item = _stored_birth_certificate(world)
    owner = DESK_EXAMPLE["SoGiayToChuHoSo"]
    body = {"don_vi": HCMC_UNIT, "thu_tuc": "1.001193", "chu_ho_so": owner}
    listed = world.call("POST", "/v1/edata/intake", role="desk", body=body)
    assert listed.status_code == 200, listed.body
    assert [(d["id"], d["doc_type"]) for d in listed.json_body["documents"]] == [(item, "GCS")]
    accesses = world.call("POST", "/v1/admin/personal-data/accesses", "admin", MINISTRY_UNIT,
                          body={"so_dinh_danh": owner}).json_body["accesses"]
    assert ("edata_list", officer("desk").sub, "tiếp nhận") in [
        (a["what"], a["officer_sub"], a["dossier_code"]) for a in accesses]
    # another unit's desk, another role, a procedure that asks for nothing of it: not this way
    assert world.call("POST", "/v1/edata/intake", role="desk", unit=OTHER_UNIT, body=body).status_code == 403
    assert world.call("POST", "/v1/edata/intake", role="appraiser", body=body).status_code == 403
    other = world.call("POST", "/v1/edata/intake", role="desk", body={**body, "thu_tuc": "1.004222"})
    assert other.status_code == 200 and other.json_body["documents"] == []

    answer = world.call("POST", "/v1/dossiers", role="desk", body={
        **DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT,
        "ThanhPhanHoSo": [{"MaThanhPhanHoSo": "GCS", "LoaiBan": "copy", "MaGiayToKho": [item]}]})
    assert answer.status_code == 201, answer.body
    dossier = dossiers.get(answer.json_body["dossier"]["code"])
    assert dossier is not None
    [ref] = dossier.documents
    stored = edata_store.get_document(owner, "GCS", item)
    assert stored is not None and stored.reuse_count == 1
    assert (ref.component_code, ref.copy_kind, ref.sha256) == ("GCS", "copy", stored.sha256)
    assert world.s3.get_object(Bucket=BUCKET, Key=ref.s3_key)["Body"].read().startswith(b"%PDF")


def test_a_reuse_at_intake_of_another_type_or_owner_registers_nothing(world: World) -> None:
    item = _stored_birth_certificate(world)
    before = set(_objects(world))
    cases: list[tuple[str, dict[str, str]]] = [("TK-KS", {}), ("GCS", {"SoGiayToChuHoSo": "079190012345"})]
    for component, overrides in cases:  # the item is a GCS; the other applicant does not own it
        answer = world.call("POST", "/v1/dossiers", role="desk", body={
            **DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT, **overrides,
            "ThanhPhanHoSo": [{"MaThanhPhanHoSo": component, "LoaiBan": "copy", "MaGiayToKho": [item]}]})
        assert answer.status_code == 422 and answer.json_body["error_code"] == "EDATA_NOT_FOUND", answer.body
        assert answer.json_body["errors"][0]["field"] == "ThanhPhanHoSo[0].MaGiayToKho[0]"
    assert set(_objects(world)) == before  # no copy left behind
    stored = edata_store.get_document(DESK_EXAMPLE["SoGiayToChuHoSo"], "GCS", item)
    assert stored is not None and stored.reuse_count == 0
