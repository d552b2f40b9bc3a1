"""The DVCQG records built from dossiers and audit events (SPEC §7.2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.catalogue import Procedure
from chalicelib.domain.dossier import Channel, DocumentRef
from chalicelib.sync import payloads
from local.simulators.dvcqg_schema import DOSSIER, PROGRESS, check_dossier, check_progress
from tests.unit.sync import samples


def record_of(dossier: Any, events: list[Any] | None = None, **kw: Any) -> dict[str, Any]:
    kw.setdefault("unit_name", samples.UNIT_NAME)
    kw.setdefault("link", samples.fake_link)
    return payloads.dossier_record(dossier, last_event=events[-1] if events else None, **kw)


def strings_only(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and strings_only(v) for k, v in value.items())
    if isinstance(value, list):
        return all(isinstance(v, dict) and strings_only(v) for v in value)
    return isinstance(value, str)


@pytest.mark.parametrize("status", range(1, 11))
def test_every_status_gives_records_with_exactly_the_protocol_fields(status: int) -> None:
    dossier, events = samples.walk(samples.new_dossier(samples.dossier_code(status), samples.START),
                                   samples.PATHS[status], samples.START)  # fmt: skip
    record = record_of(dossier, events)
    progress = [payloads.progress_record(dossier.code, e) for e in events]
    assert list(record) == list(DOSSIER.fields)
    assert all(list(p) == list(PROGRESS.fields) for p in progress)
    assert strings_only(record) and all(strings_only(p) for p in progress)
    assert record["TrangThaiHoSo"] == str(status) and progress[-1]["TrangThai"] == str(status)
    assert check_dossier(record, "data[0]") == []
    assert [p for i, r in enumerate(progress) for p in check_progress(r, f"data[{i}]")] == []


def test_nested_lists_use_the_protocol_fields() -> None:
    dossier, events = samples.full_dossier()
    record = record_of(dossier, events)
    for name, spec in DOSSIER.lists.items():
        assert record[name], name
        # in the protocol's order; a fee's e-receipt fields (the spec's last four) only once one is issued
        assert all(list(item) == list(spec.fields)[: len(item)] and spec.required <= set(item)
                   for item in record[name]), name
    assert check_dossier(record, "data[0]") == []


def test_dates_are_vietnam_time_to_the_second_whatever_the_zone() -> None:
    moment = datetime(2026, 1, 15, 1, 30, 5, 999_000, tzinfo=UTC)
    assert payloads.vn_time(moment) == "20260115083005"
    assert payloads.vn_time(datetime(2026, 1, 15, 20, 0, tzinfo=UTC)) == "20260116030000"  # next day in Hà Nội
    assert payloads.vn_time(None) == ""
    with pytest.raises(ValueError, match="naive"):
        payloads.vn_time(datetime(2026, 1, 15, 8, 30))


def test_dossier_fields_come_from_the_dossier() -> None:
    dossier, events = samples.walk(samples.new_dossier(samples.dossier_code(1), samples.START),
                                   samples.PATHS[4], samples.START)  # fmt: skip
    record = record_of(dossier, events)
    assert record["MaHoSo"] == dossier.code
    assert (record["MaTTHC"], record["TenTTHC"], record["MaLinhVuc"], record["TenLinhVuc"]) == (
        "1.001193", "Đăng ký khai sinh", "G03-HT", "Hộ tịch")  # fmt: skip
    assert (record["ChuHoSo"], record["LoaiDoiTuong"], record["SoGiayToChuHoSo"]) == ("Nguyễn Văn An", "1",
                                                                                     "001090012345")  # fmt: skip
    assert record["MaDoiTuong"] == dossier.applicant.dvcqg_tech_id
    assert (record["Email"], record["SoDienThoai"]) == ("an.nguyen@example.com", "0912345678")
    assert record["NgayNopHoSo"] == "20260115083000"
    assert record["NgayTiepNhan"] == "20260115113000"  # received at the second step, 3 h later
    assert record["NgayHenTra"] == "20260125113000"
    assert record["DonViXuLy"] == samples.UNIT_NAME
    assert record["GhiChu"] == "Giao chuyên viên Lê Văn Cường thụ lý"
    assert (record["NgayTra"], record["NgayKetThucXuLy"], record["ThongTinTra"]) == ("", "", "")


def test_missing_names_come_from_the_procedure_and_unit_code_stands_in_for_an_unknown_unit() -> None:
    dossier = samples.new_dossier(samples.dossier_code(1), samples.START, procedure_name="", field_code="",
                                  field_name="")  # fmt: skip
    procedure = Procedure(code="1.001193", name="Đăng ký khai sinh", field_code="G03-HT", field_name="Hộ tịch",
                          process_code="QT-MOT-CUA")  # fmt: skip
    record = record_of(dossier, procedure=procedure, unit_name="")
    assert (record["TenTTHC"], record["MaLinhVuc"], record["TenLinhVuc"]) == ("Đăng ký khai sinh", "G03-HT",
                                                                             "Hộ tịch")  # fmt: skip
    assert record["DonViXuLy"] == samples.UNIT


def test_summary_is_cut_at_1000_characters() -> None:
    dossier = samples.new_dossier(samples.dossier_code(1), samples.START, summary="Đăng ký khai sinh " * 80)
    assert len(dossier.summary) > 1000
    assert record_of(dossier)["TrichYeuHoSo"] == dossier.summary[:1000]


@pytest.mark.parametrize(("channel", "code"), [
    (Channel.DESK, "1"), (Channel.ONLINE, "2"), (Channel.POST, "3"), (Channel.AUTHORISED, "1"), (Channel.MOBILE, "1"),
])  # fmt: skip
def test_channel_is_dvcqgs_code(channel: Channel, code: str) -> None:
    dossier = samples.new_dossier(samples.dossier_code(1), samples.START, channel=channel)
    assert record_of(dossier)["KenhThucHien"] == code


@pytest.mark.parametrize(("delivery", "hinh_thuc", "info"), [
    ("0", "0", "Đã trả kết quả tại Bộ phận Một cửa"),
    ("1", "1", "Đã trả kết quả qua dịch vụ bưu chính công ích"),
    ("2", "0", "Đã trả kết quả bằng hình thức điện tử"),
])  # fmt: skip
def test_result_delivery(delivery: str, hinh_thuc: str, info: str) -> None:
    start = samples.new_dossier(samples.dossier_code(1), samples.START, result_delivery=delivery)
    dossier, events = samples.walk(start, samples.PATHS[10], samples.START)
    record = record_of(dossier, events)
    assert (record["HinhThuc"], record["ThongTinTra"]) == (hinh_thuc, info)
    assert record["NgayTra"] == payloads.vn_time(events[-1].at)
    assert record["NgayKetThucXuLy"] == payloads.vn_time(events[-2].at)  # finished when issued (status 9)


def test_documents_results_fees_and_supplement_rounds() -> None:
    dossier, events = samples.full_dossier()
    record = record_of(dossier, events)
    assert record["TaiLieuNop"] == [
        {"TepDinhKemId": "a1f0c2d4e5", "TenTepDinhKem": "Giấy chứng sinh.pdf", "IsDeleted": "False",
         "MaThanhPhanHoSo": "GCS", "DuongDanTaiTepTin": samples.fake_link(samples.BIRTH_CERTIFICATE)},
        {"TepDinhKemId": "b2e1d3c5f6", "TenTepDinhKem": "Giấy chứng nhận kết hôn (bản cũ).pdf", "IsDeleted": "True",
         "MaThanhPhanHoSo": "GCNKH", "DuongDanTaiTepTin": ""},
        {"TepDinhKemId": "c3d2e4f6a7", "TenTepDinhKem": "Giấy chứng nhận kết hôn.pdf", "IsDeleted": "False",
         "MaThanhPhanHoSo": "GCNKH", "DuongDanTaiTepTin": samples.fake_link(samples.MARRIAGE_CERTIFICATE_NEW)},
    ]  # fmt: skip
    assert record["DanhSachGiayToKetQua"] == [
        {"TenGiayTo": "Trích lục khai sinh.pdf", "MaThanhPhanHoSo": "KQ-TLKS", "GiayToId": "d4c3f5a7b8",
         "DuongDanTepTinKetQua": samples.fake_link(samples.BIRTH_EXTRACT)},
    ]  # fmt: skip
    assert record["DanhSachLePhi"] == [
        {"TenPhiLePhi": "Lệ phí cấp bản sao Trích lục khai sinh", "MaPhiLePhi": "LPKS", "HinhThucThu": "2",
         "Gia": "8000", "LoaiPhiLePhi": "1"},
    ]  # fmt: skip
    round_ = dossier.supplements[0]
    assert record["DanhSachHoSoBoSung"] == [{
        "HoSoBoSungId": round_.id, "NguoiYeuCauBoSung": samples.APPRAISER,
        "NoiDungBoSung": "Bổ sung bản sao Giấy chứng sinh có chứng thực", "NgayBoSung": "20260115203000",
        "NguoiTiepNhanBoSung": samples.DESK, "ThongTinTiepNhan": "Đã tiếp nhận hồ sơ bổ sung",
        "NgayTiepNhanBoSung": "20260115233000", "TrangThaiBoSung": "1", "DanhSachGiayToBoSung": [],
        "DanhSachLePhiBoSung": [], "NgayHenTraTruoc": "20260125113000", "NgayHenTraMoi": "20260128113000",
    }]  # fmt: skip


def test_an_open_supplement_round_is_waiting() -> None:
    dossier, events = samples.walk(samples.new_dossier(samples.dossier_code(1), samples.START),
                                   samples.PATHS[5], samples.START)  # fmt: skip
    (round_,) = record_of(dossier, events)["DanhSachHoSoBoSung"]
    assert (round_["TrangThaiBoSung"], round_["NgayTiepNhanBoSung"], round_["NguoiTiepNhanBoSung"]) == ("0", "", "")
    assert record_of(dossier, events)["GhiChu"] == "Bổ sung bản sao Giấy chứng sinh có chứng thực"


def test_the_note_is_that_of_the_step_that_made_the_current_status() -> None:
    dossier, events = samples.walk(samples.new_dossier(samples.dossier_code(1), samples.START),
                                   samples.PATHS[4], samples.START)  # fmt: skip
    assert record_of(dossier, events[:-1])["GhiChu"] == ""  # an older event says nothing about now


def test_a_link_is_asked_for_each_live_document() -> None:
    asked: list[DocumentRef] = []

    def link(document: DocumentRef) -> str:
        asked.append(document)
        return f"https://example.test/{document.id}"

    dossier, events = samples.full_dossier()
    record_of(dossier, events, link=link)
    assert [d.id for d in asked] == ["a1f0c2d4e5", "c3d2e4f6a7", "d4c3f5a7b8"]


def test_progress_record_of_a_step() -> None:
    _, events = samples.walk(samples.new_dossier(samples.dossier_code(1), samples.START),
                             samples.PATHS[5], samples.START)  # fmt: skip
    assert payloads.progress_record(samples.dossier_code(1), events[-1]) == {
        "MaHoSo": samples.dossier_code(1),
        "NguoiXuLy": samples.APPRAISER,
        "ChucDanh": "Chuyên viên thẩm định",
        "ThoiDiemXuLy": "20260115203000",
        "PhongBanXuLy": "Bộ phận Một cửa",
        "NoiDungXuLy": "Yêu cầu bổ sung hồ sơ: Bổ sung bản sao Giấy chứng sinh có chứng thực",
        "TrangThai": "5",
        "NgayBatDau": "20260115203000",
        "NgayKetThucTheoQuyDinh": "20260130203000",
    }
    assert payloads.progress_record("x", events[2])["NoiDungXuLy"] == "Chuyển phòng chuyên môn xử lý"


@pytest.mark.parametrize(("role", "title"), [("desk", "Cán bộ một cửa"), ("head", "Trưởng phòng"),
                                             ("leader", "Lãnh đạo"), ("clerk", "Văn thư"), ("system", "")])  # fmt: skip
def test_title_is_the_role_label(role: str, title: str) -> None:
    assert payloads.role_title(role) == title


def test_step_deadline_falls_back_to_the_appointment_but_never_before_the_step() -> None:
    _, events = samples.walk(samples.new_dossier(samples.dossier_code(1), samples.START),
                             samples.PATHS[10], samples.START)  # fmt: skip
    delivered = events[-1]  # the last step has no deadline of its own
    assert delivered.step_due_at is None and delivered.due_at is not None
    assert payloads.progress_record("x", delivered)["NgayKetThucTheoQuyDinh"] == payloads.vn_time(delivered.due_at)
    overdue = delivered.model_copy(update={"due_at": delivered.at - timedelta(days=1)})
    assert payloads.progress_record("x", overdue)["NgayKetThucTheoQuyDinh"] == ""
    assert payloads.progress_record("x", delivered.model_copy(update={"due_at": None}))["NgayKetThucTheoQuyDinh"] == ""


def test_a_nameless_actor_is_the_system_and_a_step_is_always_the_same_record() -> None:
    _, events = samples.walk(samples.new_dossier(samples.dossier_code(1), samples.START),
                             samples.PATHS[2], samples.START)  # fmt: skip
    anonymous = events[0].model_copy(update={"actor": events[0].actor.model_copy(update={"name": " "})})
    assert payloads.progress_record("x", anonymous)["NguoiXuLy"] == "Hệ thống hoso"
    again = events[1].model_validate_json(events[1].model_dump_json())
    assert payloads.progress_record("x", again) == payloads.progress_record("x", events[1])


def test_calls() -> None:
    assert payloads.dossier_call({"MaHoSo": "x"}, is_updating=False) == {
        "service": "DongBoHoSoMC", "isUpdating": "False", "data": [{"MaHoSo": "x"}]}  # fmt: skip
    assert payloads.dossier_call({"MaHoSo": "x"}, is_updating=True)["isUpdating"] == "True"
    assert payloads.progress_call([{"MaHoSo": "x"}]) == {"service": "CapNhatTienDoHoSoMC", "data": [{"MaHoSo": "x"}]}
