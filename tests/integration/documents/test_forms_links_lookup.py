"""Download links (expiry, scope), the FR-19 printed forms, and the public status lookup (FR-26)."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from chalice.local import LambdaEventConverter

from chalicelib.documents import lookup
from chalicelib.documents import service as documents
from chalicelib.documents import store as docstore
from chalicelib.store import dossiers
from tests.integration.documents.conftest import APPLICANT, OTHER_UNIT, World, officer
from tests.integration.documents.test_results import pdf_text


def _query(url: str) -> tuple[urllib.parse.SplitResult, dict[str, str]]:
    parts = urllib.parse.urlsplit(url)
    return parts, dict(urllib.parse.parse_qsl(parts.query))


def _object_key(parts: urllib.parse.SplitResult, bucket: str) -> str:
    path = urllib.parse.unquote(parts.path)
    if parts.netloc.startswith(f"{bucket}."):
        return path.lstrip("/")
    assert path.startswith(f"/{bucket}/")
    return path[len(bucket) + 2:]


def test_download_link_is_short_lived_bound_to_the_document_and_unit(world: World) -> None:
    dossier = world.to_approval()
    record = documents.issue_result(dossier.code, officer("appraiser"))
    answer = world.call("GET", f"/v1/dossiers/{dossier.code}/documents/{record.id}/link", "desk")
    assert answer.status_code == 200
    parts, query = _query(answer.json_body["url"])
    assert answer.json_body["expires_in"] == docstore.LINK_TTL_S == 300
    assert query["X-Amz-Expires"] == "300" and query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert "X-Amz-Signature" in query and "host" in query["X-Amz-SignedHeaders"]
    ref = next(d for d in dossiers.get(dossier.code).documents if d.id == record.id)  # type: ignore[union-attr]
    assert _object_key(parts, "hoso-dev-results") == ref.s3_key  # exactly this object, nothing wider
    assert "attachment" in query["response-content-disposition"]
    # another unit's officer, an unknown document: the same 404
    other = world.call("GET", f"/v1/dossiers/{dossier.code}/documents/{record.id}/link", "leader", OTHER_UNIT)
    unknown = world.call("GET", f"/v1/dossiers/{dossier.code}/documents/nope/link", "desk")
    assert other.status_code == unknown.status_code == 404
    assert world.call("GET", f"/v1/dossiers/{dossier.code}/documents/{record.id}/link").status_code == 401


def _download(world: World, url: str) -> bytes:
    parts, _ = _query(url)
    body = world.s3.get_object(Bucket="hoso-dev-attachments", Key=_object_key(parts, "hoso-dev-attachments"))
    return bytes(body["Body"].read())


def test_receipt_prints_the_applicant_code_and_appointment(world: World) -> None:
    dossier = world.desk_dossier()
    answer = world.call("GET", f"/v1/dossiers/{dossier.code}/forms/tiep-nhan", "desk")
    assert answer.status_code == 200, answer.body
    assert _query(answer.json_body["url"])[1]["X-Amz-Expires"] == "300"
    text = pdf_text(_download(world, answer.json_body["url"]))
    assert APPLICANT in text and dossier.code in text
    assert dossier.due_at is not None
    assert dossier.due_at.astimezone(lookup.VN_TZ).strftime("%d/%m/%Y") in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert lookup.token_for(dossier.code) in text  # the check token for the public lookup
    # printable later with the same content
    again = pdf_text(documents.render_form(dossier.code, "tiep-nhan", officer("desk")))
    assert again.split("Số:")[1] == text.split("Số:")[1]


def test_forms_follow_the_dossier(world: World) -> None:
    dossier = world.desk_dossier()
    assert world.call("GET", f"/v1/dossiers/{dossier.code}/forms/yeu-cau-bo-sung", "desk").status_code == 409
    assert world.call("GET", f"/v1/dossiers/{dossier.code}/forms/khong-co", "desk").status_code == 404
    world.act(dossier.code, "desk", "chuyen_phong")
    world.act(dossier.code, "head", "phan_cong", assignee=officer("appraiser").sub)
    world.act(dossier.code, "appraiser", "yeu_cau_bo_sung", reason="Bổ sung bản sao Giấy chứng sinh có chứng thực")
    supplement = pdf_text(documents.render_form(dossier.code, "yeu-cau-bo-sung", officer("desk")))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in supplement
    assert "Bổ sung bản sao Giấy chứng sinh có chứng thực" in supplement and APPLICANT in supplement
    control = " ".join(pdf_text(documents.render_form(dossier.code, "kiem-soat", officer("head"))).split())
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control
    for event in dossiers.events(dossier.code):
        assert event.actor.name in control
    assert "Phân công chuyên viên thụ lý" in control and "Yêu cầu bổ sung hồ sơ" in control


def test_refusal_form(world: World) -> None:
    dossier = world.to_approval()
    world.act(dossier.code, "leader", "tu_choi", reason="Hồ sơ không đủ điều kiện theo quy định")
    text = pdf_text(documents.render_form(dossier.code, "tu-choi", officer("desk")))
    assert "Hồ sơ không đủ điều kiện theo quy định" in text and APPLICANT in text


def _lookup(world: World, code: str, token: str) -> tuple[int, dict[str, object]]:
    answer = world.call("GET", f"/v1/public/dossiers/{urllib.parse.quote(code, safe='')}?token={token}")
    return answer.status_code, answer.json_body


def test_public_lookup_shows_status_without_personal_data(world: World) -> None:
    dossier = world.desk_dossier()
    token = lookup.token_for(dossier.code)
    status, body = _lookup(world, dossier.code, token.lower())
    assert status == 200
    assert body["code"] == dossier.code and body["status"] == 2 and body["status_label"] == "Được tiếp nhận"
    assert body["appointment_date"] == dossier.due_at.astimezone(lookup.VN_TZ).strftime("%d/%m/%Y")  # type: ignore[union-attr]
    assert body["result_ready"] is False and body["current_step"]
    raw = json.dumps(body, ensure_ascii=False)
    for personal in (APPLICANT, dossier.applicant.id_number, dossier.applicant.phone, dossier.applicant.email):
        assert personal and personal not in raw
    assert lookup.lookup_url(dossier.code, token).endswith(f"?token={token}")


def test_lookup_cannot_tell_unknown_codes_from_wrong_tokens(world: World) -> None:
    dossier = world.desk_dossier()
    token = lookup.token_for(dossier.code)
    wrong = _lookup(world, dossier.code, "ZZZZZZZZ" if token != "ZZZZZZZZ" else "00000000")
    unknown = _lookup(world, dossier.code[:-4] + "9999", token)
    no_token = _lookup(world, dossier.code, "")
    assert wrong == unknown == no_token
    assert wrong[0] == 404


def test_lookup_is_rate_limited_per_client(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    dossier = world.desk_dossier()
    token = lookup.token_for(dossier.code)
    # a client of its own: other tests' public calls this minute don't spend its budget
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "203.0.113.8")
    for _ in range(lookup.LIMIT_PER_MINUTE):
        assert _lookup(world, dossier.code, token)[0] == 200
    status, body = _lookup(world, dossier.code, token)
    assert status == 429 and body["error_code"] == "RATE_LIMITED"
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "203.0.113.9")
    assert _lookup(world, dossier.code, token)[0] == 200  # another client has its own budget
    item = lookup.RateItem.get(next(i.pk for i in lookup.RateItem.scan() if "203.0.113.9" in i.pk), "N")
    assert item.expires_at is not None and item.n == 1
