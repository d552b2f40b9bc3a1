"""Pure parts of documents: dates in the paper forms' wording, template values, lookup tokens,
on-time classification of the control sheet, the payment MAC field order."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from chalicelib.documents import delivery, forms, lookup, pdf, results
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.dossier import Applicant, Channel, Dossier
from chalicelib.payments.service import CALLBACK_MAC_FIELDS, INIT_MAC_FIELDS, mac
from local.eform_samples import KHAI_SINH
from local.simulators import payment as payment_sim

AT = dt.datetime(2026, 3, 5, 2, 30, tzinfo=dt.UTC)  # 09:30 in Hà Nội


def _dossier(**update: object) -> Dossier:
    base = Dossier(code="000.00.13.H29-260305-0001", procedure_code="1.001193", procedure_name="Đăng ký khai sinh",
                   unit_code="000.00.13.H29", channel=Channel.DESK, status=4, step_id="tham_dinh", process_code="P",
                   process_version=1, submitted_at=AT, received_at=AT, step_started_at=AT, created_at=AT, updated_at=AT,
                   applicant=Applicant(name="Nguyễn Thị Ánh", kind="1", id_number="079190000001", address="Q.1"),
                   form_data={"nguoi_duoc_khai_sinh": {"ho_ten": "NGUYỄN MINH KHÔI", "gioi_tinh": "nam",
                                                        "ngay_sinh": "2026-02-14"}})
    return base.model_copy(update=update)


def test_dates_follow_the_paper_forms() -> None:
    assert pdf.date_vn(AT) == "05/03/2026"
    assert pdf.time_vn(AT) == "09 giờ 30 phút, ngày 05/03/2026"
    assert pdf.place_date("Hà Nội", AT) == "Hà Nội, ngày 05 tháng 03 năm 2026"
    assert delivery.money(2_000_000) == "2.000.000 đồng"
    assert pdf.text("<b>A & B</b>\nC") == "&lt;b&gt;A &amp; B&lt;/b&gt;<br/>C"


def test_template_values_come_from_the_dossier_and_the_eform() -> None:
    dossier = _dossier()
    assert results.resolve("applicant.name", dossier, None) == "Nguyễn Thị Ánh"
    assert results.resolve("form.nguoi_duoc_khai_sinh.gioi_tinh", dossier, KHAI_SINH) == "Nam"  # option label
    assert results.resolve("form.nguoi_duoc_khai_sinh.ngay_sinh", dossier, KHAI_SINH) == "14/02/2026"
    assert results.resolve("form.me.ho_ten", dossier, KHAI_SINH) == "—"
    assert results.resolve("dossier.received_at", dossier, None) == "05/03/2026"
    assert results.template_for("9.999999") is results.DEFAULT_TEMPLATE
    assert results.template_for("1.001193").symbol == "TLKS"


def test_rendered_text_is_extractable_vietnamese() -> None:
    head = pdf.Letterhead("", "Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh", "Số: 7/2026/TLKS",
                          "Thành phố Hồ Chí Minh", AT)
    content = results.render(results.template_for("1.001193"), _dossier(), head=head, signer_name="Phạm Văn Đức",
                             content="", schema=KHAI_SINH, lookup_url="http://127.0.0.1:9/v1/public/dossiers/x")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    for expected in ("Nguyễn Thị Ánh", "NGUYỄN MINH KHÔI", "Giới tính: Nam", "Số: 7/2026/TLKS", "Phạm Văn Đức",
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"):
        assert expected in text


def test_lookup_tokens() -> None:
    tokens = {lookup.new_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(t) == lookup.TOKEN_LENGTH and set(t) <= set(lookup.ALPHABET) for t in tokens)
    assert lookup.normalise(" ab0o1il ") == "AB00111"


def test_public_status_has_no_personal_data() -> None:
    status = lookup.public_status(_dossier(due_at=AT + dt.timedelta(days=3)), None)
    assert status.appointment_date == "08/03/2026" and status.status_label == "Đang xử lý" and not status.result_ready
    dumped = status.model_dump_json()
    assert "Ánh" not in dumped and "079190000001" not in dumped


def test_control_sheet_timeliness() -> None:
    due = dt.datetime(2026, 3, 10, 17, 0, tzinfo=VN_TZ)
    assert forms._timeliness(dt.datetime(2026, 3, 9, 8, 0, tzinfo=VN_TZ), due) == "Trước hạn"
    assert forms._timeliness(dt.datetime(2026, 3, 10, 16, 0, tzinfo=VN_TZ), due) == "Đúng hạn"
    assert forms._timeliness(dt.datetime(2026, 3, 10, 17, 1, tzinfo=VN_TZ), due) == "Quá hạn"
    assert forms._timeliness(due, None) == "—"


def test_payment_mac_matches_the_platform() -> None:
    body = {"MaDoiTac": "HOSO", "MaThamChieu": "R1", "SoTien": "16000", "ThoiGianGD": "20260305093000",
            "ThongTinBienLai": {"MaDichVu": "2", "MaHoSo": "C", "MaTTHC": "1.001193", "TKThuHuong": "1",
                                "MaNHThuHuong": "KBNN"}, "UrlCallback": "http://127.0.0.1:9/cb"}
    assert mac("k", body, INIT_MAC_FIELDS) == payment_sim.payment_init_mac("k", body)
    callback = {"MaDoiTac": "HOSO", "MaThamChieu": "R1", "MaGiaoDich": "GD1", "SoTien": "16000", "MaLoi": "00",
                "ThoiGianThanhToan": "20260305093500"}
    assert mac("k", callback, CALLBACK_MAC_FIELDS) == payment_sim.payment_callback_mac("k", callback)
    assert mac("k", {**callback, "SoTien": "1"}, CALLBACK_MAC_FIELDS) != mac("k", callback, CALLBACK_MAC_FIELDS)
