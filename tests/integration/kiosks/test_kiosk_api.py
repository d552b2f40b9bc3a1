"""The kiosk API (SPEC §7.9) against moto: what a registered device may do, what the citizen must
prove for it, the desk taking a kiosk draft, and the device's limits."""

from __future__ import annotations

import urllib.parse

from chalicelib.documents import lookup
from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.kiosks import model
from chalicelib.store import catalogue
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT
from tests.integration.documents.conftest import APPLICANT, World
from tests.integration.kiosks.conftest import as_kiosk, kiosk_token


def test_the_kiosk_lists_its_units_procedures_with_their_guidance(world: World) -> None:
    token = kiosk_token(world)
    listed = as_kiosk(world, token, "GET", "/v1/kiosk/procedures")
    assert listed.status_code == 200, listed.body
    assert listed.json_body["unit_code"] == HCMC_UNIT
    codes = {p["code"] for p in listed.json_body["items"]}
    offered = {p.code for p in catalogue.list_procedures() if model.offered_by(p, HCMC_UNIT)}
    assert codes == offered and "1.001193" in codes

    detail = as_kiosk(world, token, "GET", "/v1/kiosk/procedures/1.001193")
    assert detail.status_code == 200, detail.body
    procedure = catalogue.get_procedure("1.001193")
    assert procedure is not None
    body = detail.json_body
    assert [d["name"] for d in body["documents"]] == [d.name for d in procedure.required_documents]
    assert body["deadline"] == (procedure.legal_deadline.label if procedure.legal_deadline else None)
    assert body["eform"]["code"] == procedure.eform_code
    assert any("Bộ phận Một cửa" in step for step in body["guidance"])

    missing = as_kiosk(world, token, "GET", "/v1/kiosk/procedures/9.999999")
    assert missing.status_code == 404 and missing.json_body["error_code"] == "NOT_FOUND"


def test_status_by_code_and_token_or_by_the_receipts_qr_without_personal_data(world: World) -> None:
    token = kiosk_token(world)
    dossier = world.desk_dossier()
    check = lookup.token_for(dossier.code)
    by_code = as_kiosk(world, token, "POST", "/v1/kiosk/lookups", {"code": dossier.code, "token": check.lower()})
    assert by_code.status_code == 200, by_code.body
    assert by_code.json_body["code"] == dossier.code and by_code.json_body["status"] == dossier.status
    qr = lookup.lookup_url(dossier.code, check)  # what the receipt's QR code holds
    by_qr = as_kiosk(world, token, "POST", "/v1/kiosk/lookups", {"qr": qr})
    assert by_qr.status_code == 200 and by_qr.json_body == by_code.json_body
    text = by_code.body.decode()
    assert APPLICANT not in text and DESK_EXAMPLE["SoGiayToChuHoSo"] not in text


def test_a_wrong_token_reads_nothing_and_looks_like_an_unknown_dossier(world: World) -> None:
    token = kiosk_token(world)
    dossier = world.desk_dossier()
    check = lookup.token_for(dossier.code)
    wrong = "0000000Z" if check != "0000000Z" else "0000000Y"
    answers = [
        as_kiosk(world, token, "POST", "/v1/kiosk/lookups", {"code": dossier.code, "token": wrong}),
        as_kiosk(world, token, "POST", "/v1/kiosk/lookups", {"code": f"{HCMC_UNIT}-260101-9999", "token": check}),
        as_kiosk(world, token, "POST", "/v1/kiosk/receipts", {"code": dossier.code, "token": wrong}),
        as_kiosk(world, token, "POST", "/v1/kiosk/lookups",
                 {"qr": lookup.lookup_url(dossier.code, wrong)}),
    ]
    for answer in answers:
        assert answer.status_code == 404, answer.body
        assert answer.json_body == answers[0].json_body
    assert APPLICANT not in "".join(a.body.decode() for a in answers)
    # no receipt was printed for the wrong token
    stored = world.s3.list_objects_v2(Bucket="hoso-dev-attachments", Prefix=f"forms/{dossier.code}/")
    assert stored.get("KeyCount", 0) == 0
    bad_qr = as_kiosk(world, token, "POST", "/v1/kiosk/lookups", {"qr": "https://example.com/khac"})
    assert bad_qr.status_code == 422 and bad_qr.json_body["error_code"] == "INVALID_QR"
    both = as_kiosk(world, token, "POST", "/v1/kiosk/lookups", {"code": dossier.code, "qr": "x"})
    assert both.status_code == 422 and both.json_body["error_code"] == "INVALID_DATA"


def test_the_receipt_is_reprinted_for_the_proven_dossier(world: World) -> None:
    token = kiosk_token(world)
    dossier = world.desk_dossier()
    check = lookup.token_for(dossier.code)
    answer = as_kiosk(world, token, "POST", "/v1/kiosk/receipts", {"qr": lookup.lookup_url(dossier.code, check)})
    assert answer.status_code == 200, answer.body
    link = answer.json_body
    assert link["name"].startswith("Giấy tiếp nhận hồ sơ") and dossier.code in link["name"]
    url = urllib.parse.urlsplit(link["url"])
    path = urllib.parse.unquote(url.path).lstrip("/")
    key = path if url.hostname and url.hostname.startswith("hoso-dev-attachments.") else path.split("/", 1)[1]
    pdf = world.s3.get_object(Bucket="hoso-dev-attachments", Key=key)["Body"].read()
    assert pdf.startswith(b"%PDF") and link["expires_in"] > 0 and len(link["sha256"]) == 64


def test_a_kiosk_draft_waits_at_its_units_desk_and_one_officer_takes_it(world: World) -> None:
    token = kiosk_token(world)
    sent = {"MaTTHC": "1.001193", "LoaiDoiTuong": "1", "ChuHoSo": "Trần Văn Bình", "SoGiayToChuHoSo": "079190000123",
            "SoDienThoai": "0903000123", "DuLieuBieuMau": {"nguoi_yeu_cau": {"ho_ten": "Trần Văn Bình"}}}
    made = as_kiosk(world, token, "POST", "/v1/kiosk/drafts", sent)
    assert made.status_code == 201, made.body
    ticket = made.json_body["ticket"]
    assert model.TICKET.fullmatch(ticket)
    assert "079190000123" not in made.body.decode() and "Trần Văn Bình" not in made.body.decode()

    mine = world.call("GET", "/v1/drafts", "desk")
    assert mine.status_code == 200, mine.body
    waiting = [d for d in mine.json_body["items"] if d["source"] == "kiosk"]
    assert [(d["id"], d["procedure_code"], d["unit_code"], d["applicant"], d["kiosk_name"]) for d in waiting] == [
        (ticket, "1.001193", HCMC_UNIT, "Trần Văn Bình", "Ki-ốt sảnh A")]
    other = world.call("GET", "/v1/drafts", "desk", HANOI_UNIT)  # another unit's desk
    assert [d for d in other.json_body["items"] if d["source"] == "kiosk"] == []
    refused = world.call("POST", f"/v1/units/{HCMC_UNIT}/kiosk-drafts/{ticket}/take", "desk", HANOI_UNIT)
    assert refused.status_code == 403 and refused.json_body["error_code"] == "FORBIDDEN_UNIT"

    taken = world.call("POST", f"/v1/units/{HCMC_UNIT}/kiosk-drafts/{ticket.lower()}/take", "desk")
    assert taken.status_code == 200, taken.body
    draft = taken.json_body
    assert draft["id"] == f"kiosk-{ticket}" and draft["source"] == "officer"
    assert draft["data"]["ChuHoSo"] == "Trần Văn Bình" and draft["data"]["MaDonViTiepNhan"] == HCMC_UNIT
    assert draft["data"]["DuLieuBieuMau"] == sent["DuLieuBieuMau"]
    again = world.call("POST", f"/v1/units/{HCMC_UNIT}/kiosk-drafts/{ticket}/take", "desk")
    assert again.status_code == 404, again.body
    after = world.call("GET", "/v1/drafts", "desk").json_body["items"]
    assert [d["id"] for d in after if d["source"] == "kiosk"] == []
    assert f"kiosk-{ticket}" in [d["id"] for d in after if d["source"] == "officer"]


def test_a_draft_for_a_procedure_the_unit_does_not_receive_is_refused(world: World) -> None:
    token = kiosk_token(world)
    procedure = catalogue.get_procedure("1.001193")
    assert procedure is not None
    catalogue.put_procedure(procedure.model_copy(update={"code": "9.000001", "unit_codes": [HANOI_UNIT]}))
    answer = as_kiosk(world, token, "POST", "/v1/kiosk/drafts", {"MaTTHC": "9.000001", "ChuHoSo": "A"})
    assert answer.status_code == 422 and answer.json_body["errors"][0]["field"] == "MaTTHC"
    extra = as_kiosk(world, token, "POST", "/v1/kiosk/drafts", {"MaTTHC": "1.001193", "MaDonViTiepNhan": HANOI_UNIT})
    assert extra.status_code == 422, extra.body  # the unit is the kiosk's, never the body's


def test_each_device_has_its_own_limits_with_a_stable_code(world: World) -> None:
    token, other = kiosk_token(world), kiosk_token(world, "kiosk-sanh-b")
    dossier = world.desk_dossier()
    proof = {"code": dossier.code, "token": lookup.token_for(dossier.code)}
    for _ in range(model.LOOKUPS_PER_MINUTE):
        assert as_kiosk(world, token, "POST", "/v1/kiosk/lookups", proof).status_code == 200
    limited = as_kiosk(world, token, "POST", "/v1/kiosk/lookups", proof)
    assert limited.status_code == 429 and limited.json_body["error_code"] == "KIOSK_RATE_LIMITED"
    assert "quá nhiều" in limited.json_body["message"]
    assert as_kiosk(world, other, "POST", "/v1/kiosk/lookups", proof).status_code == 200  # its own budget
    # every route together: the device's overall limit
    used = model.LOOKUPS_PER_MINUTE  # the refused lookup counted in no bucket but the device's
    for _ in range(model.DEVICE_PER_MINUTE - used - 1):
        assert as_kiosk(world, token, "GET", "/v1/kiosk/procedures").status_code == 200
    over = as_kiosk(world, token, "GET", "/v1/kiosk/procedures")
    assert over.status_code == 429 and over.json_body["error_code"] == "KIOSK_RATE_LIMITED"


def test_drafts_are_limited_per_device(world: World) -> None:
    token = kiosk_token(world)
    for _ in range(model.DRAFTS_PER_MINUTE):
        assert as_kiosk(world, token, "POST", "/v1/kiosk/drafts", {"MaTTHC": "1.001193"}).status_code == 201
    over = as_kiosk(world, token, "POST", "/v1/kiosk/drafts", {"MaTTHC": "1.001193"})
    assert over.status_code == 429 and over.json_body["error_code"] == "KIOSK_RATE_LIMITED"

