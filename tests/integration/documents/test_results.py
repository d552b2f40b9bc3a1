"""Result issuance and PAdES signing through the eSign gateway, verification (FR-10, 11, 18)."""

from __future__ import annotations

import hashlib
import io
import unicodedata

import pytest
import requests
from pypdf import PdfReader

from chalicelib.documents import service as documents
from chalicelib.documents import signing
from chalicelib.documents import store as docstore
from chalicelib.errors import HosoError
from chalicelib.store import dossiers
from tests.integration.documents.conftest import APPLICANT, World, officer


def pdf_text(content: bytes) -> str:
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages))


def stored(world: World, code: str, doc_id: str) -> bytes:
    dossier = dossiers.get(code)
    assert dossier is not None
    ref = next(d for d in dossier.documents if d.id == doc_id)
    body = world.s3.get_object(Bucket="hoso-dev-results", Key=ref.s3_key)["Body"].read()
    assert hashlib.sha256(body).hexdigest() == ref.sha256
    return bytes(body)


def test_result_is_rendered_numbered_stored_and_attached(world: World) -> None:
    dossier = world.to_approval()
    record = documents.issue_result(dossier.code, officer("appraiser"), "Đồng ý đăng ký khai sinh.")
    assert record.number.endswith("/TLKS") and record.number.split("/")[0] == "1"
    after = dossiers.get(dossier.code)
    assert after is not None
    [result] = [d for d in after.documents if d.kind == "result"]
    assert result.id == record.id and result.content_type == "application/pdf" and not result.deleted
    text = pdf_text(stored(world, dossier.code, record.id))
    assert APPLICANT in text  # real, extractable Vietnamese text
    assert "TRÍCH LỤC KHAI SINH" in text and f"Số: {record.number}" in text and dossier.code in text
    assert "Đồng ý đăng ký khai sinh." in text
    assert dossiers.events(dossier.code)[-1].action == "issue_result_document"
    # a second draft replaces the first (kept, marked deleted) and takes the next number
    again = documents.issue_result(dossier.code, officer("appraiser"))
    assert again.number.split("/")[0] == "2"
    refs = [d for d in dossiers.get(dossier.code).documents if d.kind == "result"]  # type: ignore[union-attr]
    assert [(d.id, d.deleted) for d in refs] == [(record.id, True), (again.id, False)]


def test_result_only_while_processing(world: World) -> None:
    dossier = world.desk_dossier()
    with pytest.raises(HosoError) as err:
        documents.issue_result(dossier.code, officer("appraiser"))
    assert err.value.code == "RESULT_NOT_ALLOWED"
    with pytest.raises(HosoError) as other:
        documents.issue_result(dossier.code, officer("appraiser", "000.00.13.H26"))
    assert other.value.status == 404


def test_two_signatures_validate_and_one_changed_byte_fails(world: World) -> None:
    dossier = world.to_approval()
    record = documents.issue_result(dossier.code, officer("appraiser"))
    documents.sign(dossier.code, record.id, officer("leader"))
    signed = documents.sign(dossier.code, record.id, officer("clerk"), "Đóng dấu phát hành")
    assert [s.role for s in signed.signatures] == ["leader", "clerk"] and len(signed.versions) == 3
    report = documents.verify_document(dossier.code, record.id, officer("desk"))
    assert report["ok"] and report["stored_hash_matches"]
    assert [s["signer"] for s in report["signatures"]] == [officer("leader").name, officer("clerk").name]
    for s in report["signatures"]:
        assert s["intact"] and s["valid"] and s["trusted"] and not s["revoked"] and s["revocation_checked"]
        assert s["timestamp"] is not None
    assert report["signatures"][-1]["covers_whole_file"]
    with pytest.raises(HosoError) as twice:
        documents.sign(dossier.code, record.id, officer("leader"))
    assert twice.value.code == "ALREADY_SIGNED"

    content = stored(world, dossier.code, record.id)
    first_revision = content.index(b"/Contents")  # a byte inside the signed range of both signatures
    tampered = bytearray(content)
    tampered[first_revision // 2] ^= 0x01
    broken = documents.verify_bytes(bytes(tampered))
    assert not broken.ok and not all(s.intact for s in broken.signatures)
    assert documents.verify_bytes(content + b"\n% appended\n").ok is False


def test_signature_from_an_untrusted_root_is_flagged(world: World) -> None:
    dossier = world.to_approval()
    record = documents.issue_result(dossier.code, officer("appraiser"))
    rogue = signing.Gateway(world.sims.rogue_esign.url)
    leader = officer("leader")
    signed = signing.sign_pdf(stored(world, dossier.code, record.id), signing.SignerIdentity(
        leader.sub, leader.name, "Đơn vị giả mạo"), document_id="x", reason="Giả mạo", location="Hà Nội", via=rogue)
    report = documents.verify_bytes(signed.pdf)
    assert not report.ok
    [sig] = report.signatures
    assert sig.intact and sig.valid and not sig.trusted
    assert any("tin cậy" in p for p in sig.problems)


def test_revoked_certificate_is_reported(world: World) -> None:
    dossier = world.to_approval()
    record = documents.issue_result(dossier.code, officer("appraiser"))
    documents.sign(dossier.code, record.id, officer("leader"))
    credential = signing.gateway().credential(signing.SignerIdentity(officer("leader").sub, "", ""))
    requests.post(f"{world.sims.esign.url}/_sim/revoke/{credential.credential_id}", timeout=5).raise_for_status()
    report = documents.verify_document(dossier.code, record.id, officer("leader"))
    assert not report["ok"] and report["signatures"][0]["revoked"]


def test_batch_signing_tells_the_signer_each_outcome(world: World) -> None:
    first, second = world.to_approval(), world.to_approval()
    r1 = documents.issue_result(first.code, officer("appraiser"))
    r2 = documents.issue_result(second.code, officer("appraiser"))
    requests.post(f"{world.sims.esign.url}/_sim/mode", json={"decline_next": 1}, timeout=5).raise_for_status()
    outcomes = documents.sign_batch([(first.code, r1.id), (second.code, r2.id), (second.code, "no-such-doc")],
                                    officer("leader"))
    assert [(o.ok, o.error_code) for o in outcomes] == [(False, "SIGNER_DECLINED"), (True, ""), (False, "NOT_FOUND")]
    assert docstore.get_record(first.code, r1.id).signatures == []  # type: ignore[union-attr]
    assert len(docstore.get_record(second.code, r2.id).signatures) == 1  # type: ignore[union-attr]
    assert documents.sign_batch([(first.code, r1.id)], officer("leader"))[0].ok


def test_signing_routes_and_public_verification(world: World) -> None:
    dossier = world.to_approval()
    issued = world.call("POST", f"/v1/dossiers/{dossier.code}/results", "leader", body={"content": "Chấp thuận."})
    assert issued.status_code == 201, issued.body
    doc_id = issued.json_body["id"]
    assert world.call("POST", f"/v1/dossiers/{dossier.code}/documents/{doc_id}/sign", "appraiser").status_code == 403
    signed = world.call("POST", f"/v1/dossiers/{dossier.code}/documents/{doc_id}/sign", "leader")
    assert signed.status_code == 200 and len(signed.json_body["signatures"]) == 1
    batch = world.call("POST", "/v1/documents/sign-batch", "clerk",
                       body={"items": [{"code": dossier.code, "doc_id": doc_id}, {"code": "X", "doc_id": "Y"}]})
    assert batch.json_body["signed"] == 1 and batch.json_body["failed"] == 1
    import base64

    content = stored(world, dossier.code, doc_id)
    public = world.call("POST", "/v1/documents/verify", body={"pdf_base64": base64.b64encode(content).decode()})
    assert public.status_code == 200 and public.json_body["ok"] and len(public.json_body["signatures"]) == 2
    unsigned = world.call("POST", "/v1/documents/verify", body={"pdf_base64": base64.b64encode(b"%PDF-1.4").decode()})
    assert unsigned.status_code == 200 and not unsigned.json_body["ok"]
