"""Separation of duties (a procedure's option): the appraiser, the reviewer (head of department)
and the approver (leader) of one dossier are different people when the procedure requires it."""

from __future__ import annotations

import pytest

from chalicelib.domain import engine
from chalicelib.domain.dossier import Actor, Dossier
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.domain.roles import Role
from chalicelib.errors import HosoError
from tests.unit.engine.test_engine import UNIT, new_dossier, timing

EVERY_ROLE = set(Role)


def by(d: Dossier, sub: str, action_id: str, role: Role, separate: bool = True, **kw: object) -> Dossier:
    after, _ = engine.apply(d, DEFAULT_PROCESS, engine.ActionRequest(action_id=action_id, **kw),
                            actor=Actor(sub=sub, name=sub, role=role.value, unit_code=UNIT), roles=EVERY_ROLE,
                            timing=timing(), separate_duties=separate)
    return after


def at_review(appraiser: str, head: str, separate: bool = True) -> Dossier:
    d = by(new_dossier(direct=True), "mot-cua", "chuyen_phong", Role.DESK, separate)
    d = by(d, head, "phan_cong", Role.HEAD, separate, assignee=appraiser)
    return by(d, appraiser, "trinh", Role.APPRAISER, separate)


def test_who_held_each_duty_is_recorded_on_the_dossier() -> None:
    d = at_review("chuyen-vien", "truong-phong")
    assert d.duty_holders == {"head": ["truong-phong"], "appraiser": ["chuyen-vien"]}


def test_three_different_people_pass() -> None:
    d = by(at_review("chuyen-vien", "truong-phong"), "truong-phong", "trinh_lanh_dao", Role.HEAD)
    d = by(d, "lanh-dao", "phe_duyet", Role.LEADER)
    assert d.step_id == "phat_hanh"
    assert d.duty_holders["leader"] == ["lanh-dao"]


def test_the_appraiser_cannot_review() -> None:
    d = at_review("ca-hai", "truong-phong")
    with pytest.raises(HosoError) as caught:
        by(d, "ca-hai", "trinh_lanh_dao", Role.HEAD)
    assert (caught.value.status, caught.value.code) == (403, "SEPARATION_OF_DUTIES")
    assert "thẩm định" in caught.value.message and "khác nhau" in caught.value.message


def test_the_reviewer_cannot_approve_and_the_appraiser_cannot_approve() -> None:
    d = by(at_review("chuyen-vien", "truong-phong"), "truong-phong", "trinh_lanh_dao", Role.HEAD)
    for sub in ("truong-phong", "chuyen-vien"):
        with pytest.raises(HosoError) as caught:
            by(d, sub, "phe_duyet", Role.LEADER)
        assert caught.value.code == "SEPARATION_OF_DUTIES"
    assert "phe_duyet" not in engine.available_actions(d, DEFAULT_PROCESS, EVERY_ROLE, "truong-phong",
                                                       separate_duties=True)
    assert "phe_duyet" in engine.available_actions(d, DEFAULT_PROCESS, EVERY_ROLE, "lanh-dao", separate_duties=True)


def test_the_head_who_assigned_cannot_appraise() -> None:
    d = by(new_dossier(direct=True), "mot-cua", "chuyen_phong", Role.DESK)
    d = by(d, "truong-phong", "phan_cong", Role.HEAD, assignee="truong-phong")
    with pytest.raises(HosoError) as caught:
        by(d, "truong-phong", "trinh", Role.APPRAISER)
    assert caught.value.code == "SEPARATION_OF_DUTIES"


def test_without_the_option_one_person_may_hold_every_duty() -> None:
    d = at_review("mot-nguoi", "mot-nguoi", separate=False)
    d = by(d, "mot-nguoi", "trinh_lanh_dao", Role.HEAD, separate=False)
    d = by(d, "mot-nguoi", "phe_duyet", Role.LEADER, separate=False)
    assert d.step_id == "phat_hanh"
    # the record is kept either way: turning the option on applies to dossiers under way
    assert d.duty_holders == {"head": ["mot-nguoi"], "appraiser": ["mot-nguoi"], "leader": ["mot-nguoi"]}


def test_the_same_duty_twice_is_fine() -> None:
    """A dossier returned to its appraiser comes back to the same reviewer: no conflict."""
    d = by(at_review("chuyen-vien", "truong-phong"), "truong-phong", "tra_lai", Role.HEAD, reason="Thiếu căn cứ")
    d = by(d, "chuyen-vien", "trinh", Role.APPRAISER)
    d = by(d, "truong-phong", "trinh_lanh_dao", Role.HEAD)
    assert d.duty_holders == {"head": ["truong-phong"], "appraiser": ["chuyen-vien"]}
