"""Step deadlines add up to the dossier's: a step's due moment never lies after the dossier's
legal due moment while the legal clock runs (issue 12, item 2). The default process gives its
appraisal 8 working days; a 1-working-day procedure (Đăng ký khai sinh) running on it must have
its appraisal due with the dossier, not 9 days later."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import engine
from chalicelib.domain.calendar import VN_TZ, Duration, WorkingCalendar
from chalicelib.domain.dossier import Actor, Applicant, Channel, Dossier
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.domain.roles import Role
from chalicelib.domain.statuses import DEFAULT_CHART
from chalicelib.errors import HosoError

CAL = WorkingCalendar()
UNIT = "000.00.13.H29"
MONDAY = dt.datetime(2026, 8, 3, 9, 0, tzinfo=VN_TZ)


def _actor() -> Actor:
    return Actor(sub="officer-1", name="Cán bộ", role=Role.DESK.value, unit_code=UNIT)


def _timing(at: dt.datetime, legal: Duration) -> engine.Timing:
    return engine.Timing(now=at, calendar=CAL, legal_deadline=legal)


def _placed(at: dt.datetime, legal: Duration, direct: bool) -> Dossier:
    blank = Dossier(
        code=f"{UNIT}-260803-0001", procedure_code="1.001193", procedure_name="Đăng ký khai sinh", unit_code=UNIT,
        channel=Channel.DESK if direct else Channel.ONLINE,
        applicant=Applicant(name="Nguyễn Văn An", kind="1", id_number="079203001234"),
        status=1, step_id="", process_code="", process_version=0,
        submitted_at=at, step_started_at=at, created_at=at, updated_at=at,
    )
    placed, _ = engine.start(blank, DEFAULT_PROCESS, direct=direct, actor=_actor(), timing=_timing(at, legal))
    return placed


def _act(d: Dossier, action_id: str, at: dt.datetime, legal: Duration) -> Dossier:
    after, event = engine.apply(d, DEFAULT_PROCESS, engine.ActionRequest(
        action_id=action_id, reason="Lý do", assignee="officer-1", assignee_name="A",
        consult_units={"000.00.00.G12": "Bộ"},
        consult_deadline=Duration.of_working_days(2), extension=Duration.of_working_days(2)),
        actor=_actor(), roles=set(Role), timing=_timing(at, legal))
    assert event.step_due_at == after.step_due_at
    return after


def test_the_appraisal_of_a_one_day_procedure_is_due_with_the_dossier_not_eight_days_later():
    legal = Duration.of_working_days(1)
    d = _placed(MONDAY, legal, direct=True)
    for action in ("chuyen_phong", "phan_cong"):
        d = _act(d, action, MONDAY + dt.timedelta(hours=1), legal)
    assert d.step_id == "tham_dinh" and d.due_at is not None
    assert d.step_due_at == d.due_at  # capped: its own 8 working days would end on 13 August
    assert CAL.add(MONDAY + dt.timedelta(hours=1), Duration.of_working_days(8)) > d.due_at


def test_a_step_that_fits_keeps_its_own_deadline():
    legal = Duration.of_working_days(15)
    d = _placed(MONDAY, legal, direct=True)
    assert d.step_due_at == CAL.add(MONDAY, Duration.of_working_hours(4))


def test_where_the_clock_stands_still_the_step_is_not_capped_by_the_frozen_due_moment():
    supplement = DEFAULT_PROCESS.step("cho_bo_sung").model_copy(update={"deadline": Duration.of_working_days(30)})
    due = MONDAY + dt.timedelta(days=1)
    assert engine.step_due(MONDAY, supplement, due, CAL) == CAL.add(MONDAY, Duration.of_working_days(30))


@settings(max_examples=80, deadline=None)
@given(
    legal_value=st.integers(min_value=1, max_value=20),
    legal_hours=st.booleans(),
    start_hours=st.integers(min_value=0, max_value=24 * 14),
    direct=st.booleans(),
    choices=st.lists(st.tuples(st.integers(min_value=0, max_value=50), st.integers(min_value=1, max_value=72)),
                     max_size=20),
)
def test_a_steps_due_moment_never_exceeds_the_dossiers_due_moment_while_the_clock_runs(
        legal_value: int, legal_hours: bool, start_hours: int, direct: bool, choices: list[tuple[int, int]]):
    legal = Duration.of_working_hours(legal_value) if legal_hours else Duration.of_working_days(legal_value)
    at = MONDAY + dt.timedelta(hours=start_hours)
    d = _placed(at, legal, direct)
    _check(d)
    for choice, hours in choices:
        options = engine.available_actions(d, DEFAULT_PROCESS, set(Role), "officer-1")
        if not options:
            break
        at = at + dt.timedelta(hours=hours)
        try:
            d = _act(d, options[choice % len(options)], at, legal)
        except HosoError as err:  # continuing while the consulted unit's deadline runs: the dossier waits
            assert err.code == "OPINIONS_PENDING", err
            continue
        _check(d)


def _check(d: Dossier) -> None:
    if d.step_due_at is not None and d.due_at is not None and DEFAULT_CHART.counts_time(d.status):
        assert d.step_due_at <= d.due_at
