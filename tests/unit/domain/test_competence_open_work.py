"""Transfer to the competent unit while other units work on the dossier (chalicelib.domain.competence):
refused with a stable code and a Vietnamese message while its liên thông flow runs, while it is a
step of another dossier's flow, and while a consultation waits for an opinion; allowed once the
flow has finished and every opinion is in or closed."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.domain import competence, consultation
from chalicelib.domain.calendar import Duration
from chalicelib.domain.dossier import Actor, Dossier
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.domain.roles import Role
from chalicelib.errors import HosoError
from tests.unit.domain.test_competence import OTHER, PROCEDURE, REASON
from tests.unit.engine.test_engine import CAL, T0, UNIT, act, new_dossier

ASKED = "000.00.00.G12"
DESK = Actor(sub="officer-1", name="Cán bộ A", role=Role.DESK.value, unit_code=UNIT)


def _refusal(d: Dossier, lien_thong: competence.LienThong = competence.NOT_IN_LIEN_THONG) -> HosoError:
    with pytest.raises(HosoError) as err:
        competence.check(d, {Role.DESK}, PROCEDURE, OTHER.code, REASON, lien_thong)
    return err.value


def _received() -> Dossier:
    return act(new_dossier(direct=True), "chuyen_phong")


def _consulting() -> Dossier:
    d = act(_received(), "phan_cong", assignee="officer-1", assignee_name="A")
    return act(d, "xin_y_kien", reason="Đề nghị cho ý kiến", consult_units={ASKED: "Bộ Tư pháp"},
               consult_deadline=Duration.of_working_days(2))


def test_a_step_of_another_dossiers_flow_stays_with_the_unit_the_flow_gave_it_to() -> None:
    err = _refusal(_received(), competence.LienThong(parent="000.00.13.H29-260803-0001"))
    assert (err.code, err.status) == ("TRANSFER_LIEN_THONG", 409)
    assert "bước liên thông của hồ sơ 000.00.13.H29-260803-0001" in err.message


def test_a_dossier_whose_flow_runs_is_refused_naming_the_steps_still_out() -> None:
    err = _refusal(_received(), competence.LienThong(running=True, waiting_steps=("Công an xã: đăng ký thường trú",)))
    assert (err.code, err.status) == ("TRANSFER_LIEN_THONG", 409)
    assert "đang chờ: Công an xã: đăng ký thường trú" in err.message and "kết thúc" in err.message


def test_a_dossier_waiting_for_an_opinion_is_refused_naming_the_unit() -> None:
    d = _consulting()
    assert d.status in competence.TRANSFERABLE_STATUSES and d.consultations[0].open
    err = _refusal(d)
    assert (err.code, err.status) == ("TRANSFER_CONSULTATION_OPEN", 409)
    assert "Bộ Tư pháp" in err.message


def test_once_the_opinions_are_in_or_closed_and_the_flow_is_over_the_dossier_may_go() -> None:
    d = _consulting()
    answered = d.consultations[0].model_copy(update={"opinion": "Thống nhất", "answered_at": T0,
                                                     "answered_by": "officer-9"})  # fmt: skip
    competence.check(d.model_copy(update={"consultations": [answered]}), {Role.DESK}, PROCEDURE, OTHER.code, REASON)
    late = T0 + dt.timedelta(days=14)  # past the consulted unit's deadline: the appraiser continues without it
    closed = d.model_copy(update={"consultations": consultation.resume(d, late)})
    competence.check(closed, {Role.DESK}, PROCEDURE, OTHER.code, REASON, competence.LienThong(running=False))
    after, _ = competence.transferred(closed, DEFAULT_PROCESS, to_unit=OTHER, reason=REASON, actor=DESK,
                                      calendar=CAL, now=late)  # fmt: skip
    assert after.unit_code == OTHER.code and after.consultations == closed.consultations
