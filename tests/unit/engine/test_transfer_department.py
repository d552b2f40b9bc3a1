"""The desk's transfer names the department: it is kept on the dossier, recorded on the event (DVCQG's
PhongBanXuLy) and shown for the department's steps; only a transfer to a head of department takes one."""

from __future__ import annotations

import pytest

from chalicelib.domain import engine
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.errors import HosoError
from tests.unit.engine.test_engine import ALL_ROLES, CAL, T0, act, actor, new_dossier, timing

DEPARTMENT = "Phòng Hành chính - Tư pháp"


def test_the_chosen_department_is_kept_recorded_and_shown_at_the_departments_steps() -> None:
    received = act(new_dossier(direct=True), "chuyen_phong", department=DEPARTMENT)
    assert received.department == DEPARTMENT
    _, event = engine.apply(new_dossier(direct=True), DEFAULT_PROCESS,
                            engine.ActionRequest(action_id="chuyen_phong", department=DEPARTMENT),
                            actor=actor(), roles=ALL_ROLES, timing=timing())
    assert event.department == DEPARTMENT
    assert engine.display_info(received, DEFAULT_PROCESS, CAL, T0)["department"] == DEPARTMENT
    assigned = act(received, "phan_cong", assignee="officer-1", assignee_name="Chuyên viên A")
    assert engine.display_info(assigned, DEFAULT_PROCESS, CAL, T0)["department"] == DEPARTMENT


def test_without_a_choice_the_process_says_which_department() -> None:
    received = act(new_dossier(direct=True), "chuyen_phong")
    assert received.department == ""
    assert engine.display_info(received, DEFAULT_PROCESS, CAL, T0)["department"] == "Phòng chuyên môn"


def test_only_a_transfer_to_a_head_of_department_takes_a_department() -> None:
    with pytest.raises(HosoError) as err:
        act(new_dossier(), "tiep_nhan", department=DEPARTMENT)
    assert err.value.code == "DEPARTMENT_NOT_ALLOWED" and err.value.errors[0].field == "department"
