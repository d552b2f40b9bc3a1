"""FR-19's evaluation sheet and the unit's registers, from fixed dossiers and audit trails: office
time per department (waiting for the applicant counts for nobody), the period's figures, the
ledger's columns and page orientation, real text in the PDFs."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

from pypdf import PdfReader

from chalicelib.documents import forms
from chalicelib.domain.calendar import VN_TZ, WorkingCalendar
from chalicelib.domain.catalogue import Unit
from chalicelib.domain.dossier import Actor, Applicant, AuditEvent, Channel, Dossier, SupplementRound

TUESDAY = dt.datetime(2026, 3, 10, tzinfo=VN_TZ)
UNIT = Unit(code="000.00.13.H29", name="Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh", province_code="79")
ACTOR = Actor(sub="s", name="Lê Thị Hoa", role="desk", unit_code=UNIT.code)


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return TUESDAY.replace(day=day, hour=hour, minute=minute)


def _event(seq: int, at: dt.datetime, action: str, from_status: int | None, to_status: int, department: str,
           to_step: str = "s") -> AuditEvent:
    return AuditEvent(seq=seq, at=at, actor=ACTOR, action=action, label=action, from_step="x", to_step=to_step,
                      from_status=from_status, to_status=to_status, department=department)


TRAIL = [
    _event(1, _at(10, 8), "receive", None, 2, "Bộ phận Một cửa"),
    _event(2, _at(10, 9), "submit", 2, 4, "Phòng chuyên môn"),
    _event(3, _at(10, 10), "request_supplement", 4, 5, "Bộ phận Một cửa"),  # waiting for the applicant
    _event(4, _at(11, 8), "receive_supplement", 5, 4, "Phòng chuyên môn"),
    _event(5, _at(11, 10), "issue_result", 4, 9, "Văn phòng"),
    _event(6, _at(12, 9), "deliver_result", 9, 10, "Bộ phận Một cửa"),
]


def _dossier(**update: object) -> Dossier:
    base = Dossier(code="000.00.13.H29-260310-0001", procedure_code="1.001193", procedure_name="Đăng ký khai sinh",
                   unit_code=UNIT.code, channel=Channel.DESK, status=10, step_id="da_tra_ket_qua", process_code="P",
                   process_version=1, submitted_at=_at(10, 8), received_at=_at(10, 8), step_started_at=_at(12, 9),
                   created_at=_at(10, 8), updated_at=_at(12, 9), due_at=_at(12, 17), finished_at=_at(11, 10),
                   delivered_at=_at(12, 9),
                   applicant=Applicant(name="Trần Thị Ánh Tuyết", kind="1", id_number="079190001234",
                                       address="Số 7 Nguyễn Đình Chiểu", phone="0987654321"),
                   supplements=[SupplementRound(id="r", requested_by="x", content="c", requested_at=_at(10, 10))])
    return base.model_copy(update=update)


def _context(dossier: Dossier, events: list[AuditEvent] = TRAIL) -> forms.FormContext:
    return forms.FormContext(dossier=dossier, events=events, unit=UNIT, parent_agency="", place="Thành phố Hồ Chí Minh",
                             procedure=None, process=None, lookup_url="http://hoso.local/x", check_token="ABCD1234",
                             printed_at=_at(12, 10), calendar=WorkingCalendar([]))


def _text(content: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(content))
    text = unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))
    return " ".join(text.split()), reader


def test_office_time_per_department_leaves_out_the_applicants_time() -> None:
    spent, total = forms.time_by_department(_context(_dossier()))
    # 08:00–09:00 at the desk; 09:00–10:00 and (next day) 08:00–10:00 in the department; the
    # supplement wait and everything after processing finished count for nobody
    assert spent == {"Bộ phận Một cửa": 60, "Phòng chuyên môn": 180}
    assert total == 240
    assert forms.working(240, 450) == "4 giờ" and forms.working(1000, 450) == "2 ngày 1 giờ 40 phút"
    assert forms.working(0, 450) == "0 phút"


def test_the_evaluation_sheet_reads_the_trace() -> None:
    text, _ = _text(forms.render("danh-gia", _context(_dossier())))
    assert "PHIẾU ĐÁNH GIÁ VIỆC GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text and "Trần Thị Ánh Tuyết" in text
    assert "Trước hạn" in text and "4 giờ" in text
    assert "Bộ phận Một cửa: 1 giờ; Phòng chuyên môn: 3 giờ" in text
    assert "Hài lòng" in text and "Không hài lòng" in text
    late = _dossier(due_at=_at(10, 17))
    assert "Quá hạn 1 ngày làm việc" in _text(forms.render("danh-gia", _context(late)))[0]
    unfinished = _dossier(status=4, finished_at=None)
    try:
        forms.render("danh-gia", _context(unfinished))
    except forms.FormNotAvailable:
        pass
    else:
        raise AssertionError("an unfinished dossier has no evaluation sheet yet")


def _register(dossiers: list[Dossier]) -> forms.RegisterContext:
    return forms.RegisterContext(unit=UNIT, parent_agency="Ủy ban nhân dân Thành phố Hồ Chí Minh",
                                 place="Thành phố Hồ Chí Minh", start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31),
                                 dossiers=dossiers, transfers={_dossier().code: _at(10, 9)},
                                 printed_at=_at(31, 16))


def test_the_periods_figures() -> None:
    now = _at(31, 16)
    dossiers = [
        _dossier(),  # early (finished the day before the appointment), delivered
        _dossier(code="b", status=9, finished_at=_at(12, 16), due_at=_at(12, 17)),  # on time, waiting at the desk
        _dossier(code="c", status=9, finished_at=_at(13, 8), due_at=_at(12, 17)),  # late
        _dossier(code="d", status=4, finished_at=None, due_at=_at(20, 17), supplements=[],
                 action_counts={"extend": 1}),  # in progress, overdue by now
        _dossier(code="e", status=3, finished_at=_at(10, 9), supplements=[], channel=Channel.ONLINE),
        _dossier(code="f", status=1, finished_at=None, supplements=[], channel=Channel.ONLINE,
                 procedure_name="Đăng ký thường trú"),
    ]
    overall, by_procedure, channels = forms.figures(dossiers, now)
    assert (overall.total, overall.resolved, overall.early, overall.on_time, overall.late) == (6, 3, 1, 1, 1)
    assert (overall.in_progress, overall.in_progress_overdue, overall.refused_intake, overall.not_received) == (
        1, 1, 1, 1)
    assert (overall.delivered, overall.supplemented, overall.extended) == (1, 3, 1)
    assert overall.timely_rate == "66,7%" and forms.Figures().timely_rate == "—"
    assert set(by_procedure) == {"Đăng ký khai sinh", "Đăng ký thường trú"}
    assert by_procedure["Đăng ký thường trú"].total == 1
    assert channels == {"Trực tiếp tại Bộ phận Một cửa": 4, "Trực tuyến (Cổng Dịch vụ công quốc gia)": 2}
    text, _ = _text(forms.render_register("danh-gia-dinh-ky", _register(dossiers)))
    assert "PHIẾU ĐÁNH GIÁ ĐỊNH KỲ VIỆC GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in text and "66,7%" in text


def test_the_ledger_lists_each_dossier_across_the_page() -> None:
    other = _dossier(code="000.00.13.H29-260311-0002", status=4, finished_at=None, delivered_at=None,
                     applicant=Applicant(name="Lê Văn Bình", kind="1", id_number="079085001122"))
    text, reader = _text(forms.render_register("so-theo-doi", _register([_dossier(), other])))
    page = reader.pages[0].mediabox
    assert page.width > page.height  # landscape
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Lê Văn Bình" in text and "Trần Thị Ánh Tuyết" in text
    assert "000.00.13.H29-260310-0001" in text and "000.00.13.H29-260311-0002" in text
    assert "09:00 10/03/2026" in text  # handed over to the department
    assert "Đã trả kết quả" in text and "Đang xử lý" in text
    assert "Không có hồ sơ trong kỳ" in _text(forms.render_register("so-theo-doi", _register([])))[0]


def test_handed_over_is_the_first_move_out_of_received() -> None:
    assert forms.transferred_at(TRAIL) == _at(10, 9)
    assert forms.transferred_at(TRAIL[:1]) is None
