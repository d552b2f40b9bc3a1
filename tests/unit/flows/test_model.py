"""The execution's name and input, its limits from legal deadlines, the applicant's choice of
procedures, what a child dossier's status means."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import ValidationError

from chalicelib.domain.calendar import VN_TZ, Duration, WorkingCalendar
from chalicelib.flows import chains, model
from chalicelib.flows.model import StepTiming

CALENDAR = WorkingCalendar([])
FRIDAY_4PM = dt.datetime(2026, 3, 6, 16, 0, tzinfo=VN_TZ)


def test_execution_name_is_the_dossier_code_and_the_flow() -> None:
    name = model.execution_name("000.00.13.H26-260115-0001", "birth_flow")
    assert name == "000_00_13_H26-260115-0001_birth_flow"
    assert model.execution_name("000.00.13.H26-260115-0001", "birth_flow") == name
    assert model.execution_name("000.00.13.H26-260115-0001", "death_flow") != name
    assert set(name) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-")
    with pytest.raises(ValueError, match="longer than 80"):
        model.execution_name("X" * 70, "khai_sinh_song_song")


def test_heartbeat_is_shorter_than_the_timeout() -> None:
    with pytest.raises(ValidationError, match="heartbeat_seconds must be shorter"):
        StepTiming(timeout_seconds=10, heartbeat_seconds=10)
    assert StepTiming.of(100) == StepTiming(timeout_seconds=100, heartbeat_seconds=99)
    assert StepTiming.of(100, 30) == StepTiming(timeout_seconds=100, heartbeat_seconds=30)
    assert StepTiming.of(100, 500) == StepTiming(timeout_seconds=100, heartbeat_seconds=99)
    assert StepTiming.of(0) == StepTiming(timeout_seconds=2, heartbeat_seconds=1)


def test_timeouts_come_from_legal_deadlines_on_the_working_calendar() -> None:
    flow = chains.FLOWS["birth_flow"]
    timing = model.legal_timing(flow, CALENDAR, FRIDAY_4PM, {"bhyt": Duration.of_working_hours(8)})
    # 1 working day from Friday 16:00 ends Monday 16:00: three calendar days
    assert timing.steps["khai_sinh"] == StepTiming(timeout_seconds=3 * 86400, heartbeat_seconds=3 * 86400 - 1)
    # 5 working days → next Friday 16:00; 8 working hours of silence (7.5 per day) → Monday 16:30
    assert timing.steps["bhyt"] == StepTiming(timeout_seconds=7 * 86400, heartbeat_seconds=3 * 86400 + 1800)
    assert timing.waits.supplement.timeout_seconds > timing.waits.decision.timeout_seconds
    assert timing.waits.system == model.SYSTEM_WAIT


def test_optional_steps_are_the_applicants_choice() -> None:
    flow = chains.FLOWS["death_flow"]
    ids = [s.id for s in model.selected_steps(flow, {})]
    assert ids == ["khai_tu", "xoa_thuong_tru"]
    form = {"lien_thong": {"thu_tuc_chon": ["tu_tuat", "khong_co"]}}
    assert [s.id for s in model.selected_steps(flow, form)] == ["khai_tu", "xoa_thuong_tru", "tu_tuat"]
    assert [s.id for s in model.selected_steps(flow, form, chosen=["mai_tang", "tu_tuat"])] == [
        "khai_tu", "xoa_thuong_tru", "mai_tang", "tu_tuat"]
    assert [s.id for s in model.selected_steps(flow, {"lien_thong": "sai kiểu"})] == ["khai_tu", "xoa_thuong_tru"]


def _timing(flow: chains.Flow) -> model.FlowTiming:
    t = StepTiming(timeout_seconds=10, heartbeat_seconds=5)
    return model.FlowTiming(steps={s.id: t for s in flow.steps}, waits=model.Waits(supplement=t, decision=t, system=t))


def test_input_of_a_fixed_flow_holds_identifiers_and_seconds_only() -> None:
    flow = chains.FLOWS["death_flow"]
    data = model.execution_input(flow, "D-1", model.selected_steps(flow, {}, ["mai_tang"]), _timing(flow))
    assert data == {
        "dossier": "D-1",
        "flow": "death_flow",
        "waits": {k: {"timeout_seconds": 10, "heartbeat_seconds": 5} for k in ("supplement", "decision", "system")},
        "steps": {
            "khai_tu": {"agency": "tu_phap_xa", "timeout_seconds": 10, "heartbeat_seconds": 5},
            "xoa_thuong_tru": {"agency": "cong_an_xa", "timeout_seconds": 10, "heartbeat_seconds": 5},
            "mai_tang": {"agency": "lao_dong_xa", "timeout_seconds": 10, "heartbeat_seconds": 5},
        },
    }


def test_input_of_a_configured_chain_lists_its_stages() -> None:
    flow = chains.FLOWS["khai_sinh_song_song"]
    data = model.execution_input(flow, "D-2", list(flow.steps), _timing(flow))
    assert [[x["id"] for x in s["steps"]] for s in data["stages"]] == [["khai_sinh"], ["thuong_tru", "bhyt"]]
    assert [s["name"] for s in data["stages"]] == [s.name for s in flow.stages]
    assert "steps" not in data
    json.dumps(data)


def test_child_status_answers_the_step() -> None:
    assert [model.child_outcome(s) for s in range(1, 11)] == [
        "progress", "progress", "refused", "progress", "supplement", "progress", "refused", "refused", "success",
        "success"]  # fmt: skip


def test_tokens_are_found_by_their_hash() -> None:
    assert model.token_hash("abc") == model.token_hash("abc") != model.token_hash("abd")
    assert len(model.token_hash("abc")) == 64 and "abc" not in model.token_hash("abc")
