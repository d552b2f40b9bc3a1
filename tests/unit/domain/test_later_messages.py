"""DVCQG's later messages (SPEC §7.1): the bodies are checked like the first post; a supplement
only answers an open supplement round; a withdrawal request waits for the desk; a fee paid on
DVCQG must be an unpaid fee of the dossier, for exactly its amount; the supplement's files and
fees reach DVCQG in ``DanhSachGiayToBoSung`` / ``DanhSachLePhiBoSung``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from chalicelib.domain import engine
from chalicelib.domain import later_messages as rules
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.dossier import DocumentRef, Dossier, Fee
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.errors import HosoError
from chalicelib.notifications import counters
from chalicelib.sync import payloads
from local.simulators.dvcqg_schema import check_dossier
from tests.unit.engine.test_engine import ALL_ROLES, act, actor, new_dossier, timing

AT = dt.datetime(2026, 8, 4, 10, 0, tzinfo=VN_TZ)
FILE = DocumentRef(id="BS-1", name="giay-chung-sinh.pdf", component_code="GCS", s3_key="documents/x", sha256="0" * 64,
                   content_type="application/pdf", size=10)
FEE = Fee(code="LP-BS", name="Lệ phí cấp bản sao", amount=8000, kind="1", collection="Trực tuyến")


def awaiting_supplement() -> Dossier:
    """Received, assigned, and the appraiser asks for a supplement (status 5, paused)."""
    d = act(act(new_dossier(), "tiep_nhan"), "chuyen_phong")
    d = act(d, "phan_cong", assignee="officer-1", assignee_name="Chuyên viên")
    return act(d, "yeu_cau_bo_sung", reason="Thiếu giấy chứng sinh")


def supplemented() -> Dossier:
    d = awaiting_supplement()
    return d.model_copy(update=rules.supplement_update(d, docs=[FILE], fees=[FEE], note="Đã bổ sung",
                                                       form_data=None, at=AT))


def test_the_message_bodies_name_every_bad_field_in_vietnamese() -> None:
    with pytest.raises(HosoError) as err:
        rules.parse(rules.WithdrawalIn, {"MaYeuCau": "có dấu", "NgayYeuCau": "2026"})
    fields = {e.field: e.message for e in err.value.errors}
    assert err.value.status == 422 and err.value.code == "INVALID_DATA"
    assert set(fields) == {"MaYeuCau", "NgayYeuCau", "LyDo"}
    assert fields["LyDo"] == "Lý do rút hồ sơ là trường bắt buộc."
    with pytest.raises(HosoError) as err:
        rules.parse(rules.SupplementIn, {"MaYeuCau": "BS-1", "NgayBoSung": "20260804100000"})
    assert [e.field for e in err.value.errors] == ["TaiLieuNop"]
    with pytest.raises(HosoError) as err:
        rules.parse(rules.DvcqgPaymentIn, {**rules.PAYMENT_EXAMPLE, "MaPhiLePhi": [], "SoTien": "-1"})
    assert {e.field for e in err.value.errors} == {"MaPhiLePhi", "SoTien"}
    assert rules.parse(rules.DvcqgPaymentIn, rules.PAYMENT_EXAMPLE).SoTien == 8000
    assert rules.parse(rules.SupplementIn, rules.SUPPLEMENT_EXAMPLE).TaiLieuNop[0].TepDinhKemId == "BS-TEP-1"


def test_a_message_naming_another_dossier_is_refused() -> None:
    d = new_dossier()
    message = rules.parse(rules.WithdrawalIn, {**rules.WITHDRAWAL_EXAMPLE, "MaHoSo": "000.00.13.H29-260803-0002"})
    with pytest.raises(HosoError) as err:
        rules.check_names(d, message)
    assert err.value.code == "DOSSIER_MISMATCH"
    rules.check_names(d, rules.parse(rules.WithdrawalIn, {**rules.WITHDRAWAL_EXAMPLE, "MaHoSo": d.code}))


def test_a_supplement_answers_only_an_open_round_and_only_once() -> None:
    with pytest.raises(HosoError) as err:
        rules.open_round(new_dossier())
    assert err.value.code == "NOT_AWAITING_SUPPLEMENT"
    d = supplemented()
    last = d.supplements[-1]
    assert last.submitted_at == AT and last.submitted_via == "dvcqg" and last.submitted_documents == ["BS-1"]
    assert d.documents[-1].source == "dvcqg" and d.documents[-1].supplement_id == last.id
    assert d.fees == [FEE] and d.status == 5, "recorded, not received: the desk receives it"
    with pytest.raises(HosoError) as err:
        rules.open_round(d)
    assert err.value.code == "SUPPLEMENT_ALREADY_SUBMITTED"


def test_an_online_supplement_is_in_the_desks_supplemented_count_until_received() -> None:
    d = awaiting_supplement()
    assert not counters.supplemented(d) and not rules.awaiting_desk(d)
    d = supplemented()
    assert rules.awaiting_desk(d) and "BS#R#desk" in counters.keys_of(d)
    received = act(d, "nhan_bo_sung", at=AT + dt.timedelta(hours=1))
    assert not rules.awaiting_desk(received) and received.supplements[-1].received_at is not None


def test_the_supplement_fills_the_supplement_lists_of_the_sync_record() -> None:
    record = payloads.dossier_record(supplemented(), unit_name="Sở", link=lambda doc: f"https://hoso/{doc.id}")
    round_ = record["DanhSachHoSoBoSung"][-1]
    assert round_["DanhSachGiayToBoSung"] == [{"TepDinhKemId": "BS-1", "TenTepDinhKem": "giay-chung-sinh.pdf",
                                               "IsDeleted": "False", "MaThanhPhanHoSo": "GCS",
                                               "DuongDanTaiTepTin": "https://hoso/BS-1"}]
    assert round_["DanhSachLePhiBoSung"] == [{"TenPhiLePhi": FEE.name, "MaPhiLePhi": "LP-BS",
                                              "HinhThucThu": "Trực tuyến", "Gia": "8000", "LoaiPhiLePhi": "1"}]
    assert check_dossier(record, "data[0]") == []


def _withdrawal(**over: Any) -> rules.WithdrawalIn:
    return rules.parse(rules.WithdrawalIn, {**rules.WITHDRAWAL_EXAMPLE, **over})


def test_a_withdrawal_request_waits_pending_and_only_one_at_a_time() -> None:
    d = new_dossier()
    requests = rules.request_withdrawal(d, _withdrawal(), AT, AT)
    d = d.model_copy(update={"withdrawal_requests": requests})
    assert d.status == 1 and rules.pending_withdrawal(d) is not None
    with pytest.raises(HosoError) as err:
        rules.request_withdrawal(d, _withdrawal(MaYeuCau="RUT-2"), AT, AT)
    assert err.value.code == "WITHDRAWAL_PENDING"


def test_a_finished_dossier_cannot_be_withdrawn() -> None:
    d = act(new_dossier(), "tu_choi_tiep_nhan", reason="Sai thủ tục")
    with pytest.raises(HosoError) as err:
        rules.request_withdrawal(d, _withdrawal(), AT, AT)
    assert err.value.code == "WITHDRAWAL_NOT_ALLOWED"


def test_the_desk_confirms_or_refuses_with_a_reason() -> None:
    d = new_dossier()
    d = d.model_copy(update={"withdrawal_requests": rules.request_withdrawal(d, _withdrawal(), AT, AT)})
    with pytest.raises(HosoError) as err:
        rules.decide_withdrawal(d, confirm=False, officer_name="Cán bộ", reason=" ", at=AT)
    assert err.value.code == "REASON_REQUIRED"
    refused = rules.decide_withdrawal(d, confirm=False, officer_name="Cán bộ", reason="Đã có kết quả", at=AT)
    assert refused[0].state == "refused" and refused[0].refusal_reason == "Đã có kết quả"
    confirmed = rules.decide_withdrawal(d, confirm=True, officer_name="Cán bộ", reason="", at=AT)
    assert confirmed[0].state == "confirmed" and confirmed[0].decided_by == "Cán bộ"
    after, _ = engine.apply(d.model_copy(update={"withdrawal_requests": confirmed}), DEFAULT_PROCESS,
                            engine.ActionRequest(action_id="rut_ho_so", reason="Theo yêu cầu"), actor=actor(),
                            roles=ALL_ROLES, timing=timing())
    assert after.status == 7 and rules.pending_withdrawal(after) is None
    with pytest.raises(HosoError) as err:
        rules.decide_withdrawal(after, confirm=True, officer_name="Cán bộ", reason="", at=AT)
    assert err.value.code == "NO_PENDING_WITHDRAWAL"


def _payment(**over: Any) -> rules.DvcqgPaymentIn:
    return rules.parse(rules.DvcqgPaymentIn, {**rules.PAYMENT_EXAMPLE, **over})


def test_a_fee_paid_on_dvcqg_must_be_an_unpaid_fee_for_exactly_its_amount() -> None:
    other = Fee(code="PHI-2", name="Phí thẩm định", amount=50000)
    paid = rules.paid_fees([FEE, other], _payment())
    assert [f.paid for f in paid] == [True, False]
    for over, code in (({"MaPhiLePhi": ["KHONG-CO"]}, "INVALID_DATA"), ({"SoTien": 9000}, "INVALID_DATA")):
        with pytest.raises(HosoError) as err:
            rules.paid_fees([FEE, other], _payment(**over))
        assert err.value.code == code
    with pytest.raises(HosoError) as err:
        rules.paid_fees(paid, _payment())
    assert err.value.code == "FEE_ALREADY_PAID"
