"""The process engine: who may do what, reasons, once-only supplements, the clock, and —
property-based — that random action sequences stay inside the status chart and never lose
an audit event."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import engine
from chalicelib.domain.calendar import VN_TZ, Duration, WorkingCalendar
from chalicelib.domain.dossier import Actor, Applicant, Channel, Dossier
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.domain.roles import Role
from chalicelib.domain.statuses import DEFAULT_CHART
from chalicelib.errors import HosoError

T0 = dt.datetime(2026, 8, 3, 9, 0, tzinfo=VN_TZ)  # a Monday
CAL = WorkingCalendar()
UNIT = "000.00.13.H29"
OTHER_UNIT = "000.00.13.H26"
ALL_ROLES = set(Role)


def timing(at: dt.datetime = T0) -> engine.Timing:
    return engine.Timing(now=at, calendar=CAL, legal_deadline=Duration.of_working_days(15))


def actor(role: Role = Role.DESK, sub: str = "officer-1") -> Actor:
    return Actor(sub=sub, name="Cán bộ", role=role.value, unit_code=UNIT)


def new_dossier(direct: bool = False) -> Dossier:
    blank = Dossier(
        code=f"{UNIT}-260803-0001", procedure_code="1.000105", procedure_name="Cấp giấy phép", unit_code=UNIT,
        channel=Channel.DESK if direct else Channel.ONLINE,
        applicant=Applicant(name="Nguyễn Văn An", kind="1", id_number="079203001234"),
        status=1, step_id="", process_code="", process_version=0,
        submitted_at=T0, step_started_at=T0, created_at=T0, updated_at=T0,
    )
    placed, _ = engine.start(blank, DEFAULT_PROCESS, direct=direct, actor=actor(), timing=timing())
    return placed


def act(d: Dossier, action_id: str, roles: set[Role] = ALL_ROLES, at: dt.datetime = T0, **kw: object) -> Dossier:
    after, event = engine.apply(d, DEFAULT_PROCESS, engine.ActionRequest(action_id=action_id, **kw),
                                actor=actor(), roles=roles, timing=timing(at))
    assert event.seq == d.seq + 1 and after.seq == event.seq and after.version == d.version + 1
    return after


def test_online_dossier_starts_new_without_appointment_and_desk_dossier_starts_received_with_one():
    online, desk = new_dossier(direct=False), new_dossier(direct=True)
    assert online.status == 1 and online.due_at is None and online.received_at is None
    assert desk.status == 2 and desk.received_at == T0
    assert desk.due_at == CAL.appointment(T0, Duration.of_working_days(15))


def test_receiving_sets_the_appointment_date():
    d = act(new_dossier(), "tiep_nhan")
    assert d.status == 2 and d.due_at == CAL.appointment(T0, Duration.of_working_days(15))


def test_an_action_not_offered_at_the_current_step_is_refused():
    with pytest.raises(HosoError) as err:
        act(new_dossier(), "phe_duyet")
    assert err.value.code == "ACTION_NOT_ALLOWED" and err.value.status == 409


def test_wrong_role_is_refused():
    with pytest.raises(HosoError) as err:
        act(new_dossier(), "tiep_nhan", roles={Role.APPRAISER})
    assert err.value.code == "FORBIDDEN_ROLE" and err.value.status == 403


def test_refusal_needs_a_reason():
    with pytest.raises(HosoError) as err:
        act(new_dossier(), "tu_choi_tiep_nhan", reason="   ")
    assert err.value.code == "REASON_REQUIRED" and err.value.errors[0].field == "reason"
    assert act(new_dossier(), "tu_choi_tiep_nhan", reason="Hồ sơ không thuộc thẩm quyền").status == 3


def _in_appraisal() -> Dossier:
    d = act(new_dossier(), "tiep_nhan")
    d = act(d, "chuyen_phong")
    return act(d, "phan_cong", assignee="officer-1", assignee_name="Chuyên viên A")


def test_assignment_needs_an_assignee_and_only_the_assignee_appraises():
    d = act(new_dossier(), "tiep_nhan")
    d = act(d, "chuyen_phong")
    with pytest.raises(HosoError) as err:
        act(d, "phan_cong")
    assert err.value.code == "ASSIGNEE_REQUIRED"
    d = act(d, "phan_cong", assignee="appraiser-1", assignee_name="Chuyên viên A")
    with pytest.raises(HosoError) as err:
        engine.apply(d, DEFAULT_PROCESS, engine.ActionRequest(action_id="trinh"), actor=actor(sub="someone-else"),
                     roles={Role.APPRAISER}, timing=timing())
    assert err.value.code == "NOT_ASSIGNEE"


def test_supplement_pauses_the_clock_is_asked_once_and_recomputes_or_resumes_the_deadline():
    d = _in_appraisal()
    due_before = d.due_at
    d = act(d, "yeu_cau_bo_sung", reason="Thiếu báo cáo đánh giá an toàn")
    assert d.status == 5 and d.paused_at == T0 and d.supplements[-1].due_before == due_before
    back_at = T0 + dt.timedelta(days=7)  # next Monday
    d = act(d, "nhan_bo_sung", at=back_at)
    assert d.status == 4 and d.paused_at is None and d.supplements[-1].received_at == back_at
    action = DEFAULT_PROCESS.step("cho_bo_sung").action("nhan_bo_sung")
    expected = (CAL.recompute_after_supplement(back_at, Duration.of_working_days(15)) if action.recompute_deadline
                else CAL.resume_deadline(due_before, T0, back_at))
    assert d.due_at == expected and d.due_at > due_before
    with pytest.raises(HosoError) as err:
        act(d, "yeu_cau_bo_sung", reason="Lần hai")
    assert err.value.code == "ACTION_LIMIT_REACHED"


def test_full_lifecycle_reaches_delivered_and_records_finish_and_delivery():
    d = _in_appraisal()
    for action_id in ("trinh", "trinh_lanh_dao", "phe_duyet", "phat_hanh", "tra_ket_qua"):
        d = act(d, action_id)
    assert d.status == 10 and d.finished_at == T0 and d.delivered_at == T0


def test_display_info_carries_position_department_handler_and_deadline_label():
    d = _in_appraisal()
    info = engine.display_info(d, DEFAULT_PROCESS, CAL, T0)
    assert info["handler"] == "Chuyên viên A"
    assert info["deadline"].startswith("Hạn xử lý ")


def test_the_handler_is_the_appraiser_only_while_the_appraiser_holds_the_dossier():
    d = act(_in_appraisal(), "trinh")
    assert d.assignee_name == "Chuyên viên A" and d.step_role == "head"
    assert engine.display_info(d, DEFAULT_PROCESS, CAL, T0)["handler"] == "", "the head's queue holds it now"
    back = act(d, "tra_lai", reason="Bổ sung căn cứ pháp lý")
    assert engine.display_info(back, DEFAULT_PROCESS, CAL, T0)["handler"] == "Chuyên viên A"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=50), max_size=25), st.booleans())
def test_random_action_sequences_stay_inside_the_chart_and_keep_every_event(choices: list[int], direct: bool):
    d = new_dossier(direct=direct)
    events = 1
    at = T0
    for choice in choices:
        step = DEFAULT_PROCESS.step(d.step_id)
        options = engine.available_actions(d, DEFAULT_PROCESS, ALL_ROLES, "officer-1")
        if not options:
            assert DEFAULT_CHART.is_terminal(step.status)
            break
        action_id = options[choice % len(options)]
        at = at + dt.timedelta(hours=3)
        before_status = d.status
        try:
            d = act(d, action_id, at=at, reason="Lý do", assignee="officer-1", assignee_name="A",
                    consult_units={OTHER_UNIT: "UBND Thành phố Hà Nội"}, consult_deadline=Duration.of_working_days(1),
                    extension=Duration.of_working_days(2))
        except HosoError as err:  # continuing while the consulted unit's deadline runs: the dossier waits
            assert err.code == "OPINIONS_PENDING"
            continue
        events += 1
        assert d.status == before_status or DEFAULT_CHART.allows(before_status, d.status)
        assert d.seq == events
