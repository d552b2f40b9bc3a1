"""Report aggregates (FR-23…25): the counters a change moves equal a recount of the dossiers over
random real lifecycles (the process engine with the default process), and the report's figures
equal the FR-19 periodic evaluation's own count over the same dossiers."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.documents import forms
from chalicelib.domain import engine
from chalicelib.domain.calendar import VN_TZ, Duration, WorkingCalendar
from chalicelib.domain.dossier import Actor, Applicant, Channel, Dossier
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.domain.roles import Role
from chalicelib.errors import HosoError
from chalicelib.reports import aggregates
from chalicelib.reports.aggregates import Cell, cell_of, deltas, outcome_of, recount
from chalicelib.reports.report import Names, PeriodError, ReportQuery, figures, months

CAL = WorkingCalendar()
UNIT, PROVINCE = "000.00.13.H29", "79"
T0 = dt.datetime(2026, 7, 30, 9, 0, tzinfo=VN_TZ)
OFFICERS = ("chuyen-vien-1", "chuyen-vien-2")
PROCEDURES = (("1.001193", "HT", "Đăng ký khai sinh"), ("1.000105", "KHCN", "Cấp giấy phép"))


def new_dossier(seq: int, direct: bool, procedure: int, submitted: dt.datetime, legal: Duration | None) -> Dossier:
    code, field_code, name = PROCEDURES[procedure]
    blank = Dossier(
        code=f"{UNIT}-260730-{seq:04d}", procedure_code=code, procedure_name=name, field_code=field_code,
        field_name=f"Lĩnh vực {field_code}", unit_code=UNIT, province_code=PROVINCE,
        channel=Channel.DESK if direct else Channel.ONLINE,
        applicant=Applicant(name="Nguyễn Thị Ánh", kind="1", id_number="079203001234"),
        status=1, step_id="", process_code="", process_version=0,
        submitted_at=submitted, step_started_at=submitted, created_at=submitted, updated_at=submitted,
    )
    actor = Actor(sub="desk-1", name="Cán bộ một cửa", role="desk", unit_code=UNIT)
    placed, _ = engine.start(blank, DEFAULT_PROCESS, direct=direct, actor=actor,
                             timing=engine.Timing(now=submitted, calendar=CAL, legal_deadline=legal))
    return placed


def request_for(action_id: str, officer: str) -> engine.ActionRequest:
    return engine.ActionRequest(action_id=action_id, reason="Lý do xử lý", assignee=officer,
                                assignee_name=f"Cán bộ {officer}", consult_units={"000.00.00.G12": "Bộ"},
                                consult_deadline=Duration.of_working_days(2),
                                extension=Duration.of_working_days(2))


# (which dossier, which action — beyond the list: the step's first, forward action —, which officer, minutes later)
lifecycle = st.lists(st.tuples(st.integers(0, 50), st.integers(0, 15), st.integers(0, 1), st.integers(1, 60 * 24 * 6)),
                     min_size=0, max_size=70)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Dossier], Counter[tuple[str, str]], list[Dossier]]:
    """Several dossiers driven through random available actions, interleaved; returns the final
    dossiers, the counters as the deltas left them, and every intermediate state."""
    n = draw(st.integers(1, 5))
    dossiers: list[Dossier] = []
    counters: Counter[tuple[str, str]] = Counter()
    seen: list[Dossier] = []
    for i in range(n):
        submitted = T0 + dt.timedelta(days=draw(st.integers(0, 40)), minutes=draw(st.integers(0, 600)))
        legal = draw(st.sampled_from([Duration.of_working_days(1), Duration.of_working_days(15), None]))
        d = new_dossier(i + 1, draw(st.booleans()), draw(st.integers(0, 1)), submitted, legal)
        for delta in deltas(None, d):
            counters[(delta.pk, delta.sk)] += delta.n
        dossiers.append(d)
        seen.append(d)
    for pick, choice, officer, minutes in draw(lifecycle):
        index = pick % len(dossiers)
        d = dossiers[index]
        choices = engine.available_actions(d, DEFAULT_PROCESS, set(Role), OFFICERS[officer])
        if not choices:
            continue
        action_id = choices[choice] if choice < len(choices) else choices[0]  # mostly forward: many get resolved
        when = d.updated_at + dt.timedelta(minutes=minutes)
        actor = Actor(sub=OFFICERS[officer], name="Cán bộ", role="appraiser", unit_code=UNIT)
        try:
            after, _ = engine.apply(d, DEFAULT_PROCESS, request_for(action_id, OFFICERS[officer]), actor=actor,
                                    roles=set(Role), timing=engine.Timing(now=when, calendar=CAL,
                                                                          legal_deadline=Duration.of_working_days(1)))
        except HosoError:
            continue  # the process refused (a missing consultation…): nothing changes
        for delta in deltas(d, after):
            counters[(delta.pk, delta.sk)] += delta.n
        dossiers[index] = after
        seen.append(after)
    return dossiers, counters, seen


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_counters_equal_a_recount_after_any_lifecycle(history: tuple[list[Dossier], Counter[tuple[str, str]],
                                                                      list[Dossier]]) -> None:
    final, counters, _ = history
    assert +counters == recount(final)  # nothing negative, nothing missing, nothing extra
    assert all(n >= 0 for n in counters.values())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_the_report_from_counters_equals_the_periodic_evaluation_count(
        history: tuple[list[Dossier], Counter[tuple[str, str]], list[Dossier]]) -> None:
    final, counters, _ = history
    unit_cells = {Cell.parse(pk.rsplit("#", 1)[1], sk): n for (pk, sk), n in counters.items()
                  if pk.startswith(f"AGG#{UNIT}#")}
    names = Names(fields={}, procedures={}, officers={}, units={}, levels={})
    query = ReportQuery(period_from="2026-07", period_to="2026-09")
    total, _ = figures(unit_cells, query, names)
    expected, _, _ = forms.figures(final, T0)
    assert (total.total, total.resolved, total.early, total.on_time, total.late, total.in_progress,
            total.refused_intake, total.stopped, total.withdrawn, total.delivered, total.supplemented,
            total.extended, total.waiting) == (
        expected.total, expected.resolved, expected.early, expected.on_time, expected.late, expected.in_progress,
        expected.refused_intake, expected.stopped, expected.withdrawn, expected.delivered, expected.supplemented,
        expected.extended, expected.not_received)
    assert total.received == sum(d.received_at is not None for d in final)
    assert total.services_used == len({d.procedure_code for d in final})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.sampled_from(["month", "field", "procedure", "officer", "status", "channel"]))
def test_groups_add_up_to_the_total_and_filters_select_their_group(
        history: tuple[list[Dossier], Counter[tuple[str, str]], list[Dossier]], group: str) -> None:
    final, counters, _ = history
    unit_cells = {Cell.parse(pk.rsplit("#", 1)[1], sk): n for (pk, sk), n in counters.items()
                  if pk.startswith(f"AGG#{UNIT}#")}
    names = Names(fields={}, procedures={}, officers={}, units={}, levels={})
    total, rows = figures(unit_cells, ReportQuery(period_from="2026-07", period_to="2026-09", group=group), names)
    assert sum(r.figures.total for r in rows) == total.total == len(final)
    assert sum(r.figures.late for r in rows) == total.late
    if group == "officer":
        for row in rows:
            only, _ = figures(unit_cells, ReportQuery(period_from="2026-07", period_to="2026-09", officer=row.key),
                              names)
            assert only.total == row.figures.total == sum((d.assignee or "-") == row.key for d in final)


def test_the_province_partition_counts_the_same_cells() -> None:
    d = new_dossier(1, True, 0, T0, Duration.of_working_days(15))
    moved = deltas(None, d)
    assert [x.pk for x in moved] == [f"AGG#{UNIT}#2026-07", f"AGG#P#{PROVINCE}#2026-07"]
    assert moved[0].sk == moved[1].sk and moved[0].labels == {"field": "Lĩnh vực HT", "procedure": "Đăng ký khai sinh",
                                                               "officer": ""}
    ministry = d.model_copy(update={"province_code": ""})
    assert deltas(None, ministry)[1].pk == f"AGG#P#{aggregates.MINISTRY_PROVINCE}#2026-07"


def test_a_change_that_leaves_the_cell_moves_nothing_and_a_move_is_minus_one_plus_one() -> None:
    d = new_dossier(1, True, 0, T0, Duration.of_working_days(15))
    assert deltas(d, d.model_copy(update={"version": 2, "summary": "khác"})) == []
    assigned = d.model_copy(update={"assignee": "chuyen-vien-1", "assignee_name": "Trương Ngọc Trâm"})
    moved = deltas(d, assigned)
    assert [x.n for x in moved] == [-1, -1, 1, 1]
    assert moved[2].labels == {"field": "Lĩnh vực HT", "procedure": "Đăng ký khai sinh", "officer": "Trương Ngọc Trâm"}


def test_cells_round_trip_whatever_the_codes_contain() -> None:
    cell = Cell(month="2026-11", unit="000.00.13.H29", status=4, outcome="", received=True, supplemented=False,
                extended=True, field="A#B", procedure="1.0%1", officer="sub#with#hashes", channel="online")
    assert Cell.parse("2026-11", cell.sort_key()) == cell
    with pytest.raises(ValueError, match="not a report cell"):
        Cell.parse("2026-11", "S#04#R#desk")


def test_outcome_is_early_on_time_or_late_by_vietnam_dates() -> None:
    d = new_dossier(1, True, 0, T0, Duration.of_working_days(15))
    due = dt.datetime(2026, 8, 20, 17, 0, tzinfo=VN_TZ)
    done = d.model_copy(update={"status": 9, "due_at": due})
    assert outcome_of(done.model_copy(update={"finished_at": due - dt.timedelta(days=1)})) == "early"
    # 16:59 on the due day, written in UTC (09:59Z): the same Vietnamese day → on time, not early
    assert outcome_of(done.model_copy(update={"finished_at": dt.datetime(2026, 8, 20, 9, 59, tzinfo=dt.UTC)})) == \
        "on_time"
    assert outcome_of(done.model_copy(update={"finished_at": due + dt.timedelta(minutes=1)})) == "late"
    assert outcome_of(done.model_copy(update={"finished_at": due, "due_at": None})) == "on_time"
    assert outcome_of(done.model_copy(update={"status": 8, "finished_at": due})) == ""


def test_the_cohort_month_is_the_month_of_submission_in_vietnam() -> None:
    d = new_dossier(1, True, 0, dt.datetime(2026, 7, 31, 18, 30, tzinfo=dt.UTC), None)  # 01:30 on 1 August in VN
    assert cell_of(d).month == "2026-08"


def test_periods_are_month_lists_of_at_most_24_months() -> None:
    assert months("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    with pytest.raises(PeriodError):
        months("2026-03", "2026-02")
    with pytest.raises(PeriodError):
        months("2024-01", "2026-01")
