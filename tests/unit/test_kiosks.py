"""Kiosks' pure rules (chalicelib.kiosks.model): the receipt's QR read back, what the citizen must
prove, the guidance built from the catalogue only, a draft's data bound to the kiosk's unit."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chalicelib.documents.lookup import lookup_url
from chalicelib.domain.calendar import Duration
from chalicelib.domain.catalogue import FeeItem, Procedure, RequiredDocument
from chalicelib.domain.clients import KIND_CAPABILITIES, Capability, ClientKind, check_grants
from chalicelib.errors import HosoError
from chalicelib.kiosks import model

CODE = "000.00.13.H29-260105-0001"


def test_the_qr_printed_on_the_receipt_gives_back_code_and_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_PUBLIC_BASE_URL", "https://hoso.example.gov.vn")
    from chalicelib.settings import reset_settings_cache

    reset_settings_cache()
    try:
        assert model.parse_qr(lookup_url(CODE, "7K3QX9MA")) == (CODE, "7K3QX9MA")
    finally:
        reset_settings_cache()
    assert model.parse_qr(f"  http://127.0.0.1:8000/v1/public/dossiers/{CODE}?token=AB  ") == (CODE, "AB")


@pytest.mark.parametrize("text", [
    "https://example.com/",
    f"https://x/v1/public/dossiers/{CODE}",  # no token
    f"https://x/v1/public/dossiers/{CODE}?token=A&token=B",
    f"https://x/v1/public/dossiers/{CODE}/forms?token=A",
    f"https://x/v1/public/dossiers/{'9' * 65}?token=A",
    "không phải đường dẫn",
])
def test_anything_else_is_not_a_receipts_qr(text: str) -> None:
    with pytest.raises(HosoError) as err:
        model.parse_qr(text)
    assert err.value.code == "INVALID_QR" and err.value.status == 422


@pytest.mark.parametrize("body", [{}, {"code": CODE}, {"token": "A"}, {"qr": "x", "code": CODE},
                                  {"qr": "x", "token": "A"}, {"code": CODE, "token": "A", "x": 1}])
def test_the_citizen_proves_code_and_token_or_the_qr_never_half_of_it(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        model.ProofIn.model_validate(body)


def test_a_proof_of_code_and_token() -> None:
    assert model.ProofIn(code=f" {CODE} ", token="ab").proof() == (CODE, "ab")


def _procedure(**update: object) -> Procedure:
    base = Procedure(code="1.001193", name="Đăng ký khai sinh", field_name="Hộ tịch", field_code="HT",
                     process_code="p", legal_deadline=Duration.of_working_days(3),
                     required_documents=[RequiredDocument(code="TK", name="Tờ khai đăng ký khai sinh"),
                                         RequiredDocument(code="GCS", name="Giấy chứng sinh", required=False)],
                     fees=[FeeItem(code="LP", name="Lệ phí", amount=8000)])
    return base.model_copy(update=update)


def test_the_guidance_says_only_what_the_catalogue_holds() -> None:
    steps = model.guidance(_procedure(), "Sở KH&CN TP HCM")
    text = "\n".join(steps)
    assert "Tờ khai đăng ký khai sinh" in text and "Giấy chứng sinh" not in steps[0]  # the optional one is not required
    assert "Lệ phí: 8.000 đồng (nộp khi tiếp nhận hồ sơ)" in text
    assert "3 ngày làm việc" in text and "Sở KH&CN TP HCM" in text
    free = "\n".join(model.guidance(_procedure(fees=[], legal_deadline=None, required_documents=[]), "U"))
    assert "không thu phí" in free and "Thời hạn" not in free
    detail = model.detail(_procedure(), "U", None)
    assert [(f.amount, f.when) for f in detail.fees] == [(8000, "Nộp khi tiếp nhận hồ sơ")]
    assert detail.deadline == "3 ngày làm việc" and [d.required for d in detail.documents] == [True, False]


def test_a_unit_offers_the_procedures_naming_it_or_naming_none() -> None:
    assert model.offered_by(_procedure(unit_codes=[]), "U1")
    assert model.offered_by(_procedure(unit_codes=["U1"]), "U1")
    assert not model.offered_by(_procedure(unit_codes=["U2"]), "U1")


def test_a_drafts_unit_channel_and_origin_are_the_kiosks_not_the_bodys() -> None:
    with pytest.raises(ValidationError):
        model.KioskDraftIn.model_validate({"MaTTHC": "1.001193", "MaDonViTiepNhan": "OTHER"})
    body = model.KioskDraftIn.model_validate({"MaTTHC": "1.001193", "ChuHoSo": "An", "Email": ""})
    data = body.draft_data("U1", "kiosk-a", "Ki-ốt A", "ABCDEFGH")
    assert data["MaDonViTiepNhan"] == "U1" and data["KenhThucHien"] == "desk" and "Email" not in data
    assert data[model.KIOSK_KEY] == {"ma": "kiosk-a", "ten": "Ki-ốt A", "phieu": "ABCDEFGH"}


def test_tickets_are_read_off_paper() -> None:
    ticket = model.new_ticket()
    assert model.TICKET.fullmatch(ticket)
    assert model.normalise_ticket("ab-cd ef0o") == "ABCDEF00"
    assert model.normalise_ticket("il") == "11"


def test_a_kiosk_may_be_granted_the_kiosk_routes_only_and_no_other_kind_may() -> None:
    assert KIND_CAPABILITIES[ClientKind.KIOSK] == frozenset({Capability.KIOSK})
    assert check_grants(ClientKind.KIOSK, [Capability.KIOSK], [], False) == []
    assert check_grants(ClientKind.KIOSK, [Capability.SPECIALISED_STATUS], [], False)
    for kind in ClientKind:
        if kind is not ClientKind.KIOSK:
            assert check_grants(kind, [Capability.KIOSK], [], False), kind
