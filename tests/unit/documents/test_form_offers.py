"""Only legally right documents print (issue 12, item 3): which FR-19 forms a dossier offers,
walked through the default process with the engine (every audit event kept)."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from chalicelib.documents import forms, offers
from chalicelib.domain import engine
from chalicelib.domain.calendar import VN_TZ, Duration, WorkingCalendar
from chalicelib.domain.dossier import Actor, Applicant, AuditEvent, Channel, Dossier
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.domain.roles import Role

T0 = dt.datetime(2026, 8, 3, 9, 0, tzinfo=VN_TZ)  # a Monday
CAL = WorkingCalendar()
UNIT = "000.00.13.H29"


class Walk:
    """A dossier moved through the default process, with its audit trail."""

    def __init__(self, direct: bool) -> None:
        blank = Dossier(
            code=f"{UNIT}-260803-0001", procedure_code="1.001193", procedure_name="Đăng ký khai sinh", unit_code=UNIT,
            channel=Channel.DESK if direct else Channel.ONLINE,
            applicant=Applicant(name="Nguyễn Văn An", kind="1", id_number="079203001234"),
            status=1, step_id="", process_code="", process_version=0,
            submitted_at=T0, step_started_at=T0, created_at=T0, updated_at=T0,
        )
        self.at = T0
        self.dossier, event = engine.start(blank, DEFAULT_PROCESS, direct=direct, actor=self._actor(),
                                           timing=self._timing())
        self.events: list[AuditEvent] = [event]

    def _actor(self) -> Actor:
        return Actor(sub="officer-1", name="Cán bộ", role=Role.DESK.value, unit_code=UNIT)

    def _timing(self) -> engine.Timing:
        return engine.Timing(now=self.at, calendar=CAL, legal_deadline=Duration.of_working_days(5))

    def act(self, *actions: str) -> Walk:
        for action in actions:
            self.at += dt.timedelta(hours=1)
            self.dossier, event = engine.apply(
                self.dossier, DEFAULT_PROCESS, engine.ActionRequest(
                    action_id=action, reason="Lý do", assignee="officer-1", assignee_name="A",
                    extension=Duration.of_working_days(3)),
                actor=self._actor(), roles=set(Role), timing=self._timing())
            self.events.append(event)
        return self

    def offered(self, now: dt.datetime | None = None) -> dict[str, bool]:
        return {o.form: o.offered for o in offers.offers(self.dossier, self.events, now or self.at)}


PROCESSING = ("chuyen_phong", "phan_cong")


def test_an_online_dossier_not_yet_received_offers_no_receipt_and_says_why():
    walk = Walk(direct=False)
    assert not any(walk.offered().values())
    receipt = offers.offer("tiep-nhan", walk.dossier, walk.events, walk.at)
    assert not receipt.offered and "chưa được tiếp nhận" in receipt.why


def test_a_dossier_refused_at_intake_offers_the_refusal_form_and_never_the_receipt():
    walk = Walk(direct=False).act("tu_choi_tiep_nhan")
    offered = walk.offered()
    assert offered["tu-choi"] and not offered["tiep-nhan"] and not offered["kiem-soat"]
    refusal = offers.offer("tu-choi", walk.dossier, walk.events, walk.at)
    assert refusal.name == "Phiếu từ chối tiếp nhận giải quyết hồ sơ" and refusal.since == walk.at
    assert refusal.why == "Hồ sơ đã bị từ chối tiếp nhận."
    assert "từ chối tiếp nhận" in offers.offer("tiep-nhan", walk.dossier, walk.events, walk.at).why


def test_a_received_dossier_offers_the_receipt_and_the_control_sheet_only():
    walk = Walk(direct=False).act("tiep_nhan")
    assert {f for f, ok in walk.offered().items() if ok} == {"tiep-nhan", "kiem-soat"}
    assert offers.offer("tiep-nhan", walk.dossier, walk.events, walk.at).since == walk.dossier.received_at


def test_a_supplement_request_stays_reprintable_after_the_supplement_came_in():
    walk = Walk(direct=True).act(*PROCESSING, "yeu_cau_bo_sung")
    assert walk.offered()["yeu-cau-bo-sung"]
    walk.act("nhan_bo_sung")
    assert walk.offered()["yeu-cau-bo-sung"]


def test_an_extension_offers_the_extension_request_and_the_apology():
    walk = Walk(direct=True).act(*PROCESSING)
    assert not walk.offered()["gia-han"] and not walk.offered()["xin-loi"]
    walk.act("gia_han")
    assert walk.offered()["gia-han"] and walk.offered()["xin-loi"]


def test_a_late_dossier_offers_the_apology_without_an_extension():
    walk = Walk(direct=True).act(*PROCESSING)
    assert walk.dossier.due_at is not None
    assert not walk.offered(walk.dossier.due_at)["xin-loi"]
    late = walk.offered(walk.dossier.due_at + dt.timedelta(minutes=1))
    assert late["xin-loi"] and not late["gia-han"]


def test_a_refusal_after_processing_is_named_as_such_and_the_evaluation_comes_with_the_end():
    walk = Walk(direct=True).act(*PROCESSING, "trinh", "trinh_lanh_dao")
    assert not walk.offered()["danh-gia"] and not walk.offered()["tu-choi"]
    walk.act("tu_choi")
    assert walk.offered()["danh-gia"] and walk.offered()["tu-choi"] and walk.offered()["tiep-nhan"]
    refusal = offers.offer("tu-choi", walk.dossier, walk.events, walk.at)
    assert refusal.name == "Thông báo từ chối giải quyết hồ sơ" and refusal.why == "Hồ sơ đã bị từ chối giải quyết."


def _context(walk: Walk, printed_at: dt.datetime) -> forms.FormContext:
    return forms.FormContext(
        dossier=walk.dossier, events=walk.events, unit=None, parent_agency="", place="Thành phố Hồ Chí Minh",
        procedure=None, process=DEFAULT_PROCESS, lookup_url="http://127.0.0.1:9/v1/public/dossiers/x",
        check_token="ABCD2345", printed_at=printed_at, calendar=CAL)


def _text(content: bytes) -> str:
    return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())


def test_the_apology_of_a_late_dossier_leaves_the_new_appointment_to_be_written_in():
    walk = Walk(direct=True).act(*PROCESSING)
    assert walk.dossier.due_at is not None
    late = walk.dossier.due_at + dt.timedelta(hours=1)
    text = _text(forms.render("xin-loi", _context(walk, late)))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and "…… giờ …… ngày" in text
    assert f"{walk.dossier.due_at:%d/%m/%Y}" in text  # the appointment missed


def test_the_extension_request_names_the_step_the_reason_and_both_appointments():
    walk = Walk(direct=True).act(*PROCESSING)
    before = walk.dossier.due_at
    walk.act("gia_han")
    assert before is not None and walk.dossier.due_at is not None
    text = _text(forms.render("gia-han", _context(walk, walk.at)))
    assert "PHIẾU ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text and "Thẩm định hồ sơ đề nghị gia hạn" in text
    assert "Lý do đề nghị gia hạn: Lý do" in text and "3 ngày làm việc" in text
    assert f"{before:%d/%m/%Y}" in text and f"{walk.dossier.due_at:%d/%m/%Y}" in text


def test_the_delivery_slip_comes_with_the_desk_delivery_and_never_with_the_post():
    walk = Walk(direct=True).act(*PROCESSING, "trinh", "trinh_lanh_dao", "phe_duyet", "phat_hanh")
    assert not walk.offered()["tra-ket-qua"]
    walk.act("tra_ket_qua")
    slip = offers.offer("tra-ket-qua", walk.dossier, walk.events, walk.at)
    assert slip.offered and slip.since == walk.at
    walk.dossier = walk.dossier.model_copy(update={"result_delivery": offers.BY_POST})
    assert "bưu chính" in offers.offer("tra-ket-qua", walk.dossier, walk.events, walk.at).why
