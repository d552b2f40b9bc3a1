"""Consultation between units (chalicelib.domain.consultation): what a request must carry, what the
consulted unit may read, its answer, and when the appraiser may continue — through the engine too."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.domain import consultation, engine
from chalicelib.domain.calendar import VN_TZ, Duration, WorkingCalendar
from chalicelib.domain.dossier import Actor, Applicant, Channel, DocumentRef, Dossier
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.domain.roles import Role
from chalicelib.errors import HosoError
from chalicelib.notifications import reminders

T0 = dt.datetime(2026, 8, 3, 9, 0, tzinfo=VN_TZ)  # a Monday
CAL = WorkingCalendar()
UNIT, HANOI, MINISTRY = "000.00.13.H29", "000.00.13.H26", "000.00.00.G12"
APPRAISER = Actor(sub="appraiser-1", name="Chuyên viên A", role="appraiser", unit_code=UNIT)
ANSWERER = Actor(sub="hn-1", name="Chuyên viên Hà Nội", role="appraiser", unit_code=HANOI)


def _doc(doc_id: str, deleted: bool = False) -> DocumentRef:
    return DocumentRef(id=doc_id, name=f"{doc_id}.pdf", s3_key=f"k/{doc_id}", sha256="0" * 64,
                       content_type="application/pdf", size=10, deleted=deleted)


def _timing(at: dt.datetime) -> engine.Timing:
    return engine.Timing(now=at, calendar=CAL, legal_deadline=Duration.of_working_days(15))


def _appraising() -> Dossier:
    blank = Dossier(
        code=f"{UNIT}-260803-0001", procedure_code="1.000105", procedure_name="Cấp giấy phép", unit_code=UNIT,
        channel=Channel.DESK, applicant=Applicant(name="Nguyễn Văn An", kind="1", id_number="079203001234"),
        status=1, step_id="", process_code="", process_version=0, submitted_at=T0, step_started_at=T0,
        created_at=T0, updated_at=T0, documents=[_doc("d1"), _doc("d2"), _doc("gone", deleted=True)],
    )
    d, _ = engine.start(blank, DEFAULT_PROCESS, direct=True, actor=APPRAISER, timing=_timing(T0))
    for action in ("chuyen_phong", "phan_cong"):
        d, _ = engine.apply(d, DEFAULT_PROCESS, engine.ActionRequest(action_id=action, assignee="appraiser-1"),
                            actor=APPRAISER, roles=set(Role), timing=_timing(T0))
    assert d.step_id == "tham_dinh"
    return d


def _asked(**kw: object) -> consultation.Asked:
    base: dict[str, object] = {"units": {HANOI: "UBND Thành phố Hà Nội"}, "content": "Đề nghị cho ý kiến",
                               "deadline": Duration.of_working_days(3), "documents": ["d1"]}
    return consultation.Asked(**{**base, **kw})  # type: ignore[arg-type]


def _refusal(d: Dossier, asked: consultation.Asked) -> str:
    with pytest.raises(HosoError) as err:
        consultation.request(d, asked, actor=APPRAISER, now=T0, calendar=CAL)
    return err.value.code


def test_a_request_names_units_question_deadline_in_working_days_and_the_documents_shared() -> None:
    d = _appraising()
    friday = dt.datetime(2026, 8, 7, 9, 0, tzinfo=VN_TZ)
    [c] = consultation.request(d, _asked(), actor=APPRAISER, now=friday, calendar=CAL)
    assert c.unit_code == HANOI and c.unit_name == "UBND Thành phố Hà Nội" and c.content == "Đề nghị cho ý kiến"
    assert c.due_at == dt.datetime(2026, 8, 12, 9, 0, tzinfo=VN_TZ)  # 3 working days: the weekend does not count
    assert c.documents == ["d1"] and c.open and c.requested_by == "appraiser-1"


@pytest.mark.parametrize(("change", "code"), [
    ({"units": {}}, "CONSULT_UNIT_REQUIRED"),
    ({"units": {UNIT: "Chính đơn vị"}}, "CONSULT_OWN_UNIT"),
    ({"content": "   "}, "CONSULT_CONTENT_REQUIRED"),
    ({"deadline": None}, "CONSULT_DEADLINE_REQUIRED"),
    ({"deadline": Duration.of_working_days(0)}, "INVALID_CONSULT_DEADLINE"),
    ({"deadline": Duration.of_working_days(61)}, "INVALID_CONSULT_DEADLINE"),
    ({"deadline": Duration(value=2, unit="calendar_days")}, "INVALID_CONSULT_DEADLINE"),
    ({"documents": ["nope"]}, "CONSULT_DOCUMENT_UNKNOWN"),
    ({"documents": ["gone"]}, "CONSULT_DOCUMENT_UNKNOWN"),
])
def test_a_request_missing_or_wrong_is_refused_with_its_code(change: dict[str, object], code: str) -> None:
    assert _refusal(_appraising(), _asked(**change)) == code


def test_a_unit_asked_already_and_not_answered_is_not_asked_again() -> None:
    d = _appraising()
    d = d.model_copy(update={"consultations": consultation.request(d, _asked(), actor=APPRAISER, now=T0,
                                                                   calendar=CAL)})
    assert _refusal(d, _asked(units={HANOI: "Hà Nội", MINISTRY: "Bộ"})) == "CONSULTATION_OPEN"


def test_the_consulted_unit_reads_the_chosen_documents_and_its_own_answer_only() -> None:
    d = _appraising()
    [c] = consultation.request(d, _asked(documents=["d2"]), actor=APPRAISER, now=T0, calendar=CAL)
    assert [x.id for x in consultation.readable_by(d, c)] == ["d2"]
    answered = consultation.answer(c, "Đồng ý", actor=ANSWERER, now=T0, documents=["att"], signed_document="sig")
    d = d.model_copy(update={"documents": [*d.documents, _doc("att"), _doc("sig"), _doc("other")]})
    assert [x.id for x in consultation.readable_by(d, answered)] == ["d2", "att", "sig"]


def test_an_answer_is_recorded_once_with_its_signed_letter_and_never_after_closing() -> None:
    d = _appraising()
    [c] = consultation.request(d, _asked(), actor=APPRAISER, now=T0, calendar=CAL)
    with pytest.raises(HosoError) as empty:
        consultation.answer(c, "  ", actor=ANSWERER, now=T0, documents=[], signed_document="sig")
    assert empty.value.code == "OPINION_REQUIRED"
    answered = consultation.answer(c, " Đồng ý ", actor=ANSWERER, now=T0, documents=[], signed_document="sig")
    assert answered.opinion == "Đồng ý" and answered.answered_by == "hn-1" and answered.signed_document == "sig"
    assert not answered.open
    with pytest.raises(HosoError) as twice:
        consultation.answer(answered, "Lại", actor=ANSWERER, now=T0, documents=[], signed_document="x")
    assert twice.value.code == "CONSULTATION_ANSWERED"
    closed = c.model_copy(update={"closed_at": T0})
    with pytest.raises(HosoError) as late:
        consultation.answer(closed, "Muộn", actor=ANSWERER, now=T0, documents=[], signed_document="x")
    assert late.value.code == "CONSULTATION_CLOSED"


def _consulted() -> Dossier:
    d, _ = engine.apply(_appraising(), DEFAULT_PROCESS, engine.ActionRequest(
        action_id="xin_y_kien", reason="Đề nghị cho ý kiến", consult_units={HANOI: "Hà Nội", MINISTRY: "Bộ"},
        consult_deadline=Duration.of_working_days(2), consult_documents=("d1",)),
        actor=APPRAISER, roles={Role.APPRAISER}, timing=_timing(T0))
    return d


def _continue(d: Dossier, at: dt.datetime) -> Dossier:
    after, _ = engine.apply(d, DEFAULT_PROCESS, engine.ActionRequest(action_id="ghi_y_kien"), actor=APPRAISER,
                            roles={Role.APPRAISER}, timing=_timing(at))
    return after


def test_the_dossier_waits_for_every_opinion_then_continues() -> None:
    d = _consulted()
    assert d.step_id == "cho_y_kien" and len(d.consultations) == 2
    with pytest.raises(HosoError) as err:
        _continue(d, T0 + dt.timedelta(hours=1))
    assert err.value.code == "OPINIONS_PENDING" and "Hà Nội" in err.value.message
    answered = [consultation.answer(c, "Đồng ý", actor=ANSWERER, now=T0, documents=[], signed_document="s")
                for c in d.consultations]
    after = _continue(d.model_copy(update={"consultations": answered}), T0 + dt.timedelta(hours=1))
    assert after.step_id == "tham_dinh" and all(c.closed_at is None for c in after.consultations)


def test_once_the_deadline_passed_the_appraiser_may_continue_and_the_missing_opinion_is_closed() -> None:
    d = _consulted()
    first = consultation.answer(d.consultations[0], "Đồng ý", actor=ANSWERER, now=T0, documents=[],
                                signed_document="s")
    d = d.model_copy(update={"consultations": [first, d.consultations[1]]})
    due = d.consultations[1].due_at
    assert due is not None
    with pytest.raises(HosoError):
        _continue(d, due)  # at the deadline itself the unit may still answer
    after = _continue(d, due + dt.timedelta(minutes=1))
    assert after.step_id == "tham_dinh"
    assert after.consultations[0].closed_at is None and after.consultations[1].closed_at is not None


def test_a_request_recorded_without_a_deadline_never_holds_the_dossier() -> None:
    d = _consulted()
    legacy = [c.model_copy(update={"due_at": None}) for c in d.consultations]
    after = _continue(d.model_copy(update={"consultations": legacy}), T0 + dt.timedelta(minutes=5))
    assert after.step_id == "tham_dinh" and all(c.closed_at is not None for c in after.consultations)


def test_the_consulted_unit_is_reminded_as_the_deadline_nears_and_once_it_passed_without_the_applicant() -> None:
    [c] = consultation.request(_appraising(), _asked(deadline=Duration.of_working_days(2)), actor=APPRAISER,
                               now=T0, calendar=CAL)
    assert c.due_at is not None
    assert reminders.consultation_reminder("X-1", c, CAL, T0) is None  # 2 working days ahead: not yet
    near = reminders.consultation_reminder("X-1", c, CAL, c.due_at - dt.timedelta(hours=3))
    assert near is not None and near.kind is reminders.ReminderKind.CONSULTATION_NEAR_DUE
    assert "Nguyễn" not in near.message and "Cấp giấy phép" not in near.line and "X-1" in near.message
    late = reminders.consultation_reminder("X-1", c, CAL, c.due_at + dt.timedelta(hours=1))
    assert late is not None and late.kind is reminders.ReminderKind.CONSULTATION_OVERDUE and late.kind.urgent
    answered = consultation.answer(c, "Ý kiến", actor=ANSWERER, now=T0, documents=[], signed_document="s")
    assert reminders.consultation_reminder("X-1", answered, CAL, c.due_at + dt.timedelta(hours=1)) is None
