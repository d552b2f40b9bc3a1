"""Transfer to the competent unit (chalicelib.domain.competence): who, when, where, with a reason;
the code, the appointment date and the history stay; the old unit's assignment goes; the dossier
lands where the competent unit receives or assigns it. Property-based over random walks of the
default process, every role set and every target unit."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import competence, engine
from chalicelib.domain.calendar import Duration
from chalicelib.domain.catalogue import Procedure, Unit
from chalicelib.domain.dossier import Actor, Dossier
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.domain.roles import Role
from chalicelib.domain.statuses import DEFAULT_CHART
from chalicelib.errors import HosoError
from tests.unit.engine.test_engine import ALL_ROLES, CAL, T0, UNIT, act, new_dossier

OTHER = Unit(code="000.00.13.H26", name="Sở Tư pháp thành phố Hà Nội", province_code="01")
THIRD = "000.00.00.G12"
PROCEDURE = Procedure(code="1.000105", name="Cấp giấy phép", field_code="F", field_name="Lĩnh vực",
                      process_code=DEFAULT_PROCESS.code, unit_codes=[UNIT, OTHER.code])
REASON = "Người nộp cư trú tại Hà Nội."


def _actor(role: Role = Role.DESK) -> Actor:
    return Actor(sub="officer-1", name="Cán bộ A", role=role.value, unit_code=UNIT)


def transfer(d: Dossier, at: dt.datetime = T0) -> tuple[Dossier, object]:
    competence.check(d, {Role.DESK}, PROCEDURE, OTHER.code, REASON)
    return competence.transferred(d, DEFAULT_PROCESS, to_unit=OTHER, reason=REASON, actor=_actor(),
                                  calendar=CAL, now=at)


def _walk(choices: list[int], direct: bool) -> Dossier:
    d, at = new_dossier(direct=direct), T0
    for choice in choices:
        options = engine.available_actions(d, DEFAULT_PROCESS, ALL_ROLES, "officer-1")
        if not options:
            break
        at += dt.timedelta(hours=3)
        try:
            d = act(d, options[choice % len(options)], at=at, reason="Lý do", assignee="officer-1",
                    assignee_name="A", consult_units={"000.00.00.G12": "Bộ"},
                    consult_deadline=Duration.of_working_days(2), extension=Duration.of_working_days(2))
        except HosoError:  # an action the walk cannot fill in here (e.g. an extension without a due date)
            continue
    return d


def _refusal(d: Dossier, roles: set[Role], to_unit: str, reason: str) -> str | None:
    try:
        competence.check(d, roles, PROCEDURE, to_unit, reason)
    except HosoError as err:
        return err.code
    return None


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=50), max_size=14), st.booleans(),
       st.sets(st.sampled_from(list(Role))), st.sampled_from([UNIT, OTHER.code, THIRD, ""]),
       st.sampled_from(["", "   ", REASON]))
def test_a_transfer_is_allowed_exactly_by_the_rules(choices: list[int], direct: bool, roles: set[Role],
                                                     to_unit: str, reason: str) -> None:
    d = _walk(choices, direct)
    refused = _refusal(d, roles, to_unit, reason)
    awaiting = any(c.open for c in d.consultations)
    allowed = (bool(roles & {Role.DESK, Role.LEADER}) and d.status in {1, 2, 4} and not awaiting
               and to_unit == OTHER.code and reason.strip() != "")
    assert (refused is None) == allowed
    assert competence.may_transfer(d, roles) == (bool(roles & {Role.DESK, Role.LEADER}) and d.status in {1, 2, 4})
    if not roles & {Role.DESK, Role.LEADER}:
        assert refused == "TRANSFER_FORBIDDEN"
    elif d.status not in {1, 2, 4}:
        assert refused == "TRANSFER_NOT_ALLOWED"
    elif awaiting:
        assert refused == "TRANSFER_CONSULTATION_OPEN"


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=50), max_size=14), st.booleans(), st.integers(0, 500))
def test_a_transfer_keeps_code_deadline_and_history_and_hands_the_dossier_over(
        choices: list[int], direct: bool, hours: int) -> None:
    d = _walk(choices, direct)
    if d.status not in competence.TRANSFERABLE_STATUSES or any(c.open for c in d.consultations):
        return  # refused (test_a_transfer_is_allowed_exactly_by_the_rules)
    at = T0 + dt.timedelta(hours=hours)
    after, event = transfer(d, at)
    assert after.code == d.code and after.due_at == d.due_at and after.received_at == d.received_at
    assert after.unit_code == OTHER.code and after.province_code == "01"
    assert after.assignee is None and after.department == "" and after.step_started_at == at
    assert (after.version, after.seq, event.seq) == (d.version + 1, d.seq + 1, d.seq + 1)  # type: ignore[attr-defined]
    assert after.documents == d.documents and after.supplements == d.supplements
    step = DEFAULT_PROCESS.step(after.step_id)
    if d.status == 1:  # not received yet: the competent unit's desk receives it
        assert (after.step_id, after.status) == (d.step_id, 1)
    else:  # received: the competent unit's head assigns it (status 4, the seed's "Đang xử lý")
        assert (after.step_id, after.status, step.role) == ("phan_cong", 4, Role.HEAD)
        assert DEFAULT_CHART.allows(d.status, after.status) or d.status == after.status
    if after.due_at is not None and after.step_due_at is not None:
        assert after.step_due_at <= after.due_at  # the step never runs past the legal due date
    assert event.action == "transfer_unit" and OTHER.name in event.note and REASON in event.note  # type: ignore[attr-defined]
    assert (event.from_status, event.to_status) == (d.status, after.status)  # type: ignore[attr-defined]
    # the competent unit carries on with the process's own actions
    assert engine.available_actions(after, DEFAULT_PROCESS, ALL_ROLES, "officer-2")


def test_the_units_offered_handle_the_procedure_and_exclude_the_holder() -> None:
    d = new_dossier(direct=True)
    assert competence.candidates(d, PROCEDURE) == [OTHER.code]
    assert competence.candidates(d, None) == []


@pytest.mark.parametrize(("to_unit", "reason", "field"), [
    (OTHER.code, "  ", "reason"), (UNIT, REASON, "unit_code"), (THIRD, REASON, "unit_code")])
def test_a_bad_request_names_its_field(to_unit: str, reason: str, field: str) -> None:
    with pytest.raises(HosoError) as err:
        competence.check(new_dossier(direct=True), {Role.LEADER}, PROCEDURE, to_unit, reason)
    assert err.value.status == 422 and err.value.errors[0].field == field


def test_an_appraiser_or_head_cannot_transfer() -> None:
    with pytest.raises(HosoError) as err:
        competence.check(new_dossier(direct=True), {Role.APPRAISER, Role.HEAD, Role.CLERK}, PROCEDURE,
                         OTHER.code, REASON)
    assert (err.value.status, err.value.code) == (403, "TRANSFER_FORBIDDEN")
