"""Consulting an outside agency through the coordinator (issue 17 item 1, SPEC §7.7), the pure parts:
which agencies may be consulted, the request recorded for the coordinator, what is handed over (the
question, the deadline and the shared documents only), the agency's answer, who may return it, and
what the coordinator simulator accepts."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain import consultation
from chalicelib.domain.catalogue import Unit
from chalicelib.domain.clients import Capability, ClientKind, check_grants
from chalicelib.errors import HosoError
from chalicelib.flows import agencies, outside_consultations
from local.simulators.coordinator import consultation_problems
from tests.unit.domain.test_consultation import ANSWERER, APPRAISER, CAL, T0, _appraising, _asked

BHXH = "Cơ quan Bảo hiểm xã hội"


def test_only_agencies_reached_through_the_coordinator_with_a_client_may_be_consulted(
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr(agencies, "configured", lambda: {
        "bhxh": {"via": "coordinator", "client_id": "dieu-phoi"}, "cong_an_xa": {"client_id": "agency-sim"}})
    assert agencies.consultable() == {"bhxh": agencies.OutsideAgency("bhxh", BHXH, "dieu-phoi")}
    monkeypatch.setattr(agencies, "configured", lambda: {"bhxh": {"via": "coordinator"}})  # nobody may answer
    assert agencies.consultable() == {}
    monkeypatch.setattr(agencies, "configured", lambda: {"tu_phap_xa": {"via": "coordinator", "client_id": "x"}})
    assert agencies.consultable() == {}  # one of hoso's own units: consulted as a unit, not an agency


def test_only_a_coordinator_client_may_be_granted_the_opinions_route() -> None:
    assert check_grants(ClientKind.COORDINATOR, [Capability.COORDINATOR_OPINIONS], [], False) == []
    for kind in ClientKind:
        if kind is not ClientKind.COORDINATOR:
            assert check_grants(kind, [Capability.COORDINATOR_OPINIONS], [], False), kind


def _outside_request() -> tuple[Any, consultation.Consultation]:
    d = _appraising()
    [c] = consultation.request(d, _asked(units={"bhxh": BHXH}, outside={"bhxh": "dieu-phoi"}), actor=APPRAISER,
                               now=T0, calendar=CAL)  # fmt: skip
    return d.model_copy(update={"consultations": [c]}), c


def test_a_request_to_an_outside_agency_waits_for_its_hand_over_once() -> None:
    d, c = _outside_request()
    assert (c.via, c.coordinator_client, c.handed_over_at) == ("coordinator", "dieu-phoi", None)
    [hoso_unit] = consultation.request(_appraising(), _asked(), actor=APPRAISER, now=T0, calendar=CAL)
    assert (hoso_unit.via, hoso_unit.coordinator_client) == ("hoso", "")
    both = d.model_copy(update={"consultations": [c, hoso_unit]})
    assert consultation.to_hand_over(both) == [c]  # never a hoso unit's
    handed = c.model_copy(update={"handed_over_at": T0})
    assert consultation.to_hand_over(d.model_copy(update={"consultations": [handed]})) == []
    closed = c.model_copy(update={"closed_at": T0})
    assert consultation.to_hand_over(d.model_copy(update={"consultations": [closed]})) == []


def test_the_hand_over_carries_the_question_the_deadline_and_the_shared_documents_only(
        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    d, c = _outside_request()
    monkeypatch.setattr(outside_consultations.catalogue, "get_unit",
                        lambda code: Unit(code=code, name="UBND TP Hồ Chí Minh", province_code="79"))
    monkeypatch.setattr(outside_consultations, "document_link", lambda doc: f"https://s3/{doc.s3_key}")
    call = outside_consultations.request_call(d, c)
    assert call["service"] == "ChuyenHoSoLienThong"
    [record] = call["data"]
    assert consultation_problems(record) == []
    assert (record["LoaiChuyen"], record["MaYeuCau"], record["MaHoSo"], record["MaCoQuan"]) == (
        "XinYKien", c.id, d.code, "bhxh")
    assert record["NoiDung"] == "Đề nghị cho ý kiến" and record["HanTraLoi"] == c.due_at.isoformat()  # type: ignore[union-attr]
    assert [t["TenTep"] for t in record["TaiLieu"]] == ["d1.pdf"]  # d2 was not shared
    text = str(record)
    assert d.applicant.name not in text and d.applicant.id_number not in text and "HoSo" not in record


def test_the_agency_answers_once_with_its_files_and_no_letter_of_hoso() -> None:
    _, c = _outside_request()
    answered = consultation.answer_outside(c, " Thống nhất. ", actor=ANSWERER, now=T0, documents=["op-1"])
    assert (answered.opinion, answered.opinion_documents, answered.signed_document) == ("Thống nhất.", ["op-1"], "")
    with pytest.raises(HosoError) as again:
        consultation.answer_outside(answered, "Khác", actor=ANSWERER, now=T0, documents=[])
    assert again.value.code == "CONSULTATION_ANSWERED"
    with pytest.raises(HosoError) as closed:
        consultation.answer_outside(c.model_copy(update={"closed_at": T0}), "Muộn", actor=ANSWERER, now=T0,
                                    documents=[])  # fmt: skip
    assert closed.value.code == "CONSULTATION_CLOSED"


def _request(**changes: Any) -> dict[str, Any]:
    record = {"LoaiChuyen": "XinYKien", "MaYeuCau": "a1b2", "MaHoSo": "X-1", "MaCoQuan": "bhxh",
              "TenCoQuan": BHXH, "NoiDung": "Cho ý kiến", "HanTraLoi": "2026-08-06T09:00:00+07:00",
              "DonViXinYKien": {"MaDonVi": "U", "TenDonVi": "Đơn vị"},
              "TaiLieu": [{"TenTep": "a.pdf", "DuongDan": "https://s3/a.pdf"}],
              "DiaChiTraYKien": "https://hoso/v1/coordinator/consultations/opinions"}  # fmt: skip
    return {**record, **changes}


def test_the_simulator_refuses_a_request_carrying_more_than_it_should_or_missing_fields() -> None:
    assert consultation_problems(_request()) == []
    faults = consultation_problems(_request(HoSo={"MaHoSo": "X-1"}, NoiDung="", TaiLieu=[{"TenTep": "a.pdf"}],
                                            DiaChiTraYKien="ftp://x"))  # fmt: skip
    assert {p.field for p in faults} == {"HoSo", "NoiDung", "TaiLieu", "DiaChiTraYKien"}
