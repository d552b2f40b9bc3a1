"""The appointment date synced to DVCQG (``NgayHenTra``) is never before the receipt date
(``NgayTiepNhan``): DVCQG, the coordination system and the provinces refuse such a record.
Property-based over random lifecycles of the default process — receipt (also after a correction
asked before receipt), supplement and fee pauses, extensions, consultations, transfers to the
competent unit — at random moments (nights, weekends) and under every kind of legal deadline."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given, settings
from hypothesis import strategies as st

from chalicelib.domain import competence, engine
from chalicelib.domain.calendar import VN_TZ, Duration, DurationUnit, WorkingCalendar
from chalicelib.domain.catalogue import Unit
from chalicelib.domain.dossier import Actor, Applicant, Channel, Dossier
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.domain.roles import Role
from chalicelib.errors import HosoError
from chalicelib.sync import payloads
from local.simulators.dvcqg_schema import check_dossier
from tests.unit.sync import samples

T0 = dt.datetime(2026, 8, 3, 9, 0, tzinfo=VN_TZ)  # a Monday
CAL = WorkingCalendar()
UNIT = "000.00.13.H29"
COMPETENT = Unit(code="000.00.13.H26", name="Sở Tư pháp thành phố Hà Nội", province_code="01")
ACTOR = Actor(sub="officer-1", name="Cán bộ A", role=Role.DESK.value, unit_code=UNIT)
TRANSFER = -1  # a choice that transfers the dossier to the competent unit instead of an action

deadlines = st.builds(Duration, value=st.sampled_from([0, 1, 2, 5, 15, 30]), unit=st.sampled_from(DurationUnit))
# A moment of the week after T0 (office hours, evenings, nights, the weekend), and the time between two moves.
moments = st.builds(lambda day, minute: T0.replace(hour=0) + dt.timedelta(days=day, minutes=minute),
                    st.integers(min_value=0, max_value=6), st.integers(min_value=0, max_value=24 * 60 - 1))
gaps = st.integers(min_value=0, max_value=4 * 24 * 60).map(lambda m: dt.timedelta(minutes=m))
moves = st.lists(st.tuples(st.integers(min_value=TRANSFER, max_value=20), gaps), max_size=20)


def _start(direct: bool, timing: engine.Timing) -> Dossier:
    blank = Dossier(
        code=f"{UNIT}-260803-0001", procedure_code="1.000105", procedure_name="Cấp giấy phép", unit_code=UNIT,
        channel=Channel.DESK if direct else Channel.ONLINE,
        applicant=Applicant(name="Nguyễn Văn An", kind="1", id_number="079203001234"),
        status=1, step_id="", process_code="", process_version=0,
        submitted_at=timing.now, step_started_at=timing.now, created_at=timing.now, updated_at=timing.now,
    )  # fmt: skip
    placed, _ = engine.start(blank, DEFAULT_PROCESS, direct=direct, actor=ACTOR, timing=timing)
    return placed


def _next(d: Dossier, choice: int, timing: engine.Timing) -> Dossier:
    if choice == TRANSFER:
        if not competence.may_transfer(d, {Role.DESK}) or d.unit_code == COMPETENT.code:
            return d
        after, _ = competence.transferred(d, DEFAULT_PROCESS, to_unit=COMPETENT, reason="Không thuộc thẩm quyền",
                                          actor=ACTOR, calendar=timing.calendar, now=timing.now)  # fmt: skip
        return after
    options = engine.available_actions(d, DEFAULT_PROCESS, set(Role), ACTOR.sub)
    if not options:
        return d
    request = engine.ActionRequest(
        action_id=options[choice % len(options)], reason="Lý do", assignee=ACTOR.sub, assignee_name=ACTOR.name,
        consult_units={"000.00.00.G12": "Bộ Tư pháp"}, consult_deadline=Duration.of_working_days(1),
        extension=Duration.of_working_days(2),
    )  # fmt: skip
    try:
        after, _ = engine.apply(d, DEFAULT_PROCESS, request, actor=ACTOR, roles=set(Role), timing=timing)
    except HosoError as err:  # continuing while the consulted unit's deadline runs: the dossier waits
        assert err.code == "OPINIONS_PENDING", err
        return d
    return after


@settings(max_examples=300, deadline=None)
@given(moves, st.booleans(), deadlines, st.booleans(), moments)
# the two causes found: receipt after a correction asked before it (the appointment was lost), and
# a same-day procedure in calendar days received after the close of office (due at that close)
@example([(1, dt.timedelta(hours=1)), (0, dt.timedelta(days=1))], False, Duration.of_working_days(5), False, T0)
@example([], True, Duration.of_calendar_days(0), False, T0.replace(hour=18))
def test_the_synced_appointment_is_never_before_the_receipt(
    walk: list[tuple[int, dt.timedelta]], direct: bool, legal: Duration, cutoff_15h: bool, at: dt.datetime
) -> None:
    d = _start(direct, engine.Timing(now=at, calendar=CAL, legal_deadline=legal, cutoff_15h=cutoff_15h))
    _assert_synced_appointment_after_receipt(d)
    for choice, gap in walk:
        at += gap
        d = _next(d, choice, engine.Timing(now=at, calendar=CAL, legal_deadline=legal, cutoff_15h=cutoff_15h))
        _assert_synced_appointment_after_receipt(d)


def _assert_synced_appointment_after_receipt(d: Dossier) -> None:
    if d.received_at is not None:
        assert d.due_at is not None, f"received at {d.received_at} without an appointment"
    record = payloads.dossier_record(d, unit_name=samples.UNIT_NAME, link=samples.fake_link)
    problems = [p for p in check_dossier(record, "data[0]") if p.field.endswith(".NgayHenTra")]
    assert problems == [], (record["NgayTiepNhan"], record["NgayHenTra"])


@settings(max_examples=500, deadline=None)
@given(moments, deadlines, st.booleans())
def test_an_appointment_is_never_before_its_receipt(received: dt.datetime, legal: Duration, cutoff_15h: bool) -> None:
    assert CAL.appointment(received, legal, cutoff_15h) >= received
