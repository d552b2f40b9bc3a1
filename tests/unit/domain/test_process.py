"""Process definitions, their validator, publication and the default process."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from chalicelib.domain.calendar import VN_TZ, Duration
from chalicelib.domain.process import (
    DEFAULT_PROCESS,
    DEFAULT_PROCESS_PATH,
    ONCE_ONLY_KINDS,
    REASON_REQUIRED_KINDS,
    ActionKind,
    ProcessDefinition,
    ProcessError,
    check_process_document,
    next_version,
    publish,
    validate_process,
)
from chalicelib.domain.roles import Role
from chalicelib.domain.statuses import DEFAULT_CHART, DossierStatus
from chalicelib.errors import HosoError

NOW = dt.datetime(2026, 3, 2, 9, tzinfo=VN_TZ)


def doc() -> dict[str, Any]:
    """The default process as the admin UI would send it back."""
    return json.loads(DEFAULT_PROCESS.model_dump_json())


def step_of(d: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(s for s in d["steps"] if s["id"] == step_id)


def action_of(d: dict[str, Any], step_id: str, action_id: str) -> dict[str, Any]:
    return next(a for a in step_of(d, step_id)["actions"] if a["id"] == action_id)


def errors_of(d: dict[str, Any]) -> list[ProcessError]:
    return validate_process(ProcessDefinition.model_validate(d), DEFAULT_CHART)


def codes(errors: list[ProcessError]) -> set[tuple[str, str | None, str | None]]:
    return {(e.code, e.step_id, e.action_id) for e in errors}


def new_action(action_id: str, kind: str, to: str, **extra: Any) -> dict[str, Any]:
    return {"id": action_id, "kind": kind, "label": "Thao tác thử", "to_step": to, **extra}


# -- the default process ----------------------------------------------------------------------


def test_default_process_is_valid() -> None:
    assert validate_process(DEFAULT_PROCESS, DEFAULT_CHART) == []


def test_default_process_shape() -> None:
    p = DEFAULT_PROCESS
    assert p.entry_step(direct=False).status is DossierStatus.NEW
    assert p.entry_step(direct=True).status is DossierStatus.RECEIVED
    assert p.legal_deadline == Duration.of_working_days(15)
    assert p.is_timed
    roles = {s.role for s in p.steps}
    assert {Role.DESK, Role.HEAD, Role.APPRAISER, Role.LEADER, Role.CLERK} <= roles
    kinds = {a.kind for s in p.steps for a in s.actions}
    assert {
        ActionKind.RECEIVE, ActionKind.REFUSE_INTAKE, ActionKind.REQUEST_CORRECTION, ActionKind.ASSIGN,
        ActionKind.REASSIGN, ActionKind.CONSULT, ActionKind.RECORD_OPINION, ActionKind.REQUEST_SUPPLEMENT,
        ActionKind.RECEIVE_SUPPLEMENT, ActionKind.REQUEST_PAYMENT, ActionKind.CONFIRM_PAYMENT,
        ActionKind.PROPOSE_REFUSAL, ActionKind.APPROVE, ActionKind.RETURN, ActionKind.REFUSE, ActionKind.STOP,
        ActionKind.WITHDRAW, ActionKind.EXTEND, ActionKind.ISSUE_RESULT, ActionKind.DELIVER_RESULT,
    } <= kinds
    supplement = p.step("tham_dinh").action("yeu_cau_bo_sung")
    assert supplement.max_times == 1 and supplement.requires_reason
    assert p.step("cho_bo_sung").action("nhan_bo_sung").recompute_deadline
    reassign = p.step("tham_dinh").action("phan_cong_lai")
    assert p.step("tham_dinh").performer(reassign) is Role.HEAD
    assert p.step("tham_dinh").tt11.department == "Phòng chuyên môn"


def test_default_process_file_is_the_loaded_model() -> None:
    raw = json.loads(DEFAULT_PROCESS_PATH.read_text(encoding="utf-8"))
    assert ProcessDefinition.model_validate(raw) == DEFAULT_PROCESS
    assert ProcessDefinition.model_validate_json(DEFAULT_PROCESS.model_dump_json()) == DEFAULT_PROCESS


def test_default_process_step_deadlines_fit_15_working_days_with_margin() -> None:
    # The longest path holds 5 880 office minutes: 13 working days and 30 minutes.
    tight = doc() | {"legal_deadline": {"value": 14, "unit": "working_days"}}
    assert errors_of(tight) == []
    too_tight = doc() | {"legal_deadline": {"value": 13, "unit": "working_days"}}
    assert [e.code for e in errors_of(too_tight)] == ["DEADLINE_EXCEEDS_LEGAL"]


def test_step_lookup_errors() -> None:
    with pytest.raises(KeyError):
        DEFAULT_PROCESS.step("khong_co")
    with pytest.raises(KeyError):
        DEFAULT_PROCESS.step("tham_dinh").action("khong_co")


# -- one test per kind of bad definition ----------------------------------------------------------


def test_dangling_target() -> None:
    d = doc()
    action_of(d, "tham_dinh", "trinh")["to_step"] = "buoc_ma"
    assert ("UNKNOWN_TARGET_STEP", "tham_dinh", "trinh") in codes(errors_of(d))


def test_unknown_start_step() -> None:
    d = doc() | {"direct_start_step": "khong_co"}
    assert [e.code for e in errors_of(d)] == ["UNKNOWN_START_STEP"]


def test_unreachable_step() -> None:
    d = doc()
    d["steps"].append({
        "id": "mo_coi", "name": "Bước mồ côi", "role": "appraiser", "status": 4,
        "actions": [new_action("trinh", "submit", "duyet_phong")],
    })
    assert codes(errors_of(d)) == {("UNREACHABLE_STEP", "mo_coi", None)}


def test_no_terminal_reachable() -> None:
    d = doc()
    d["steps"].append({
        "id": "vong_lap", "name": "Vòng lặp", "role": "appraiser", "status": 4,
        "actions": [new_action("lap", "appraise", "vong_lap")],
    })
    step_of(d, "tham_dinh")["actions"].append(new_action("vao_vong", "appraise", "vong_lap"))
    assert codes(errors_of(d)) == {("NO_TERMINAL_REACHABLE", "vong_lap", None)}


def test_process_without_terminal_step() -> None:
    d = doc()
    d["steps"] = [s for s in d["steps"] if s["status"] not in (3, 7, 8, 10)]
    found = errors_of(d)
    assert {e.step_id for e in found if e.code == "NO_TERMINAL_REACHABLE"} == {s["id"] for s in d["steps"]}


def test_chart_forbidden_transition() -> None:
    d = doc()
    step_of(d, "cho_tiep_nhan")["actions"].append(new_action("nhay_coc", "submit", "phan_cong"))
    assert codes(errors_of(d)) == {("TRANSITION_NOT_ALLOWED", "cho_tiep_nhan", "nhay_coc")}


def test_missing_reason_for_a_reason_kind() -> None:
    d = doc()
    action_of(d, "duyet_phong", "tra_lai")["requires_reason"] = False
    assert codes(errors_of(d)) == {("REASON_REQUIRED", "duyet_phong", "tra_lai")}


def test_missing_reason_for_a_reason_status() -> None:
    d = doc()
    # An innocuous kind that still moves the dossier into "Dừng xử lý" needs a reason.
    step_of(d, "phe_duyet")["actions"].append(new_action("ket_thuc", "submit", "dung_xu_ly"))
    assert codes(errors_of(d)) == {("REASON_REQUIRED", "phe_duyet", "ket_thuc")}


def test_over_the_legal_deadline() -> None:
    d = doc()
    step_of(d, "tham_dinh")["deadline"] = {"value": 12, "unit": "working_days"}
    found = errors_of(d)
    assert [(e.code, e.step_id) for e in found] == [("DEADLINE_EXCEEDS_LEGAL", None)]
    assert "Thẩm định hồ sơ" in found[0].message and "15 ngày làm việc" in found[0].message


def test_minute_deadlines_count() -> None:
    d = doc()
    step_of(d, "phat_hanh")["deadline"] = {"value": 450 + 870 + 1, "unit": "minutes"}
    assert [e.code for e in errors_of(d)] == ["DEADLINE_EXCEEDS_LEGAL"]
    step_of(d, "phat_hanh")["deadline"] = {"value": 450 + 870, "unit": "minutes"}
    assert errors_of(d) == []


def test_paused_and_pre_receipt_steps_do_not_count() -> None:
    d = doc()
    step_of(d, "cho_tiep_nhan")["deadline"] = {"value": 30, "unit": "working_days"}
    step_of(d, "cho_bo_sung")["deadline"] = {"value": 30, "unit": "working_days"}
    step_of(d, "tra_ket_qua")["deadline"] = {"value": 30, "unit": "working_days"}
    assert errors_of(d) == []


def test_calendar_day_legal_deadline() -> None:
    assert errors_of(doc() | {"legal_deadline": {"value": 21, "unit": "calendar_days"}}) == []  # ≥ 15 weekdays
    found = errors_of(doc() | {"legal_deadline": {"value": 14, "unit": "calendar_days"}})  # ≥ 10 weekdays
    assert [e.code for e in found] == ["DEADLINE_EXCEEDS_LEGAL"]


def test_untimed_process_is_exempt() -> None:
    d = doc() | {"legal_deadline": {"value": 1, "unit": "working_days"}}
    for s in d["steps"]:
        s.pop("deadline", None)
    assert errors_of(d) == []


def test_step_deadline_must_be_working_time() -> None:
    d = doc()
    step_of(d, "phan_cong")["deadline"] = {"value": 1, "unit": "calendar_days"}
    assert ("STEP_DEADLINE_NOT_WORKING_TIME", "phan_cong", None) in codes(errors_of(d))


def test_duplicate_step_ids() -> None:
    d = doc()
    d["steps"].append(dict(step_of(d, "phat_hanh")))
    assert ("DUPLICATE_STEP_ID", "phat_hanh", None) in codes(errors_of(d))


def test_duplicate_action_ids() -> None:
    d = doc()
    step_of(d, "tham_dinh")["actions"].append(new_action("trinh", "submit", "duyet_phong"))
    assert codes(errors_of(d)) == {("DUPLICATE_ACTION_ID", "tham_dinh", "trinh")}


def test_unknown_role() -> None:
    d = doc()
    step_of(d, "phe_duyet")["role"] = "boss"
    definition, found = check_process_document(d, DEFAULT_CHART)
    assert definition is None
    assert codes(found) == {("INVALID_FIELD", "phe_duyet", None)}
    assert "danh sách cho phép" in found[0].message
    with pytest.raises(ValidationError):
        ProcessDefinition.model_validate(d)


def test_malformed_fields_are_located() -> None:
    d = doc()
    action_of(d, "tham_dinh", "trinh")["kind"] = "teleport"
    step_of(d, "duyet_phong")["status"] = 11
    d["steps"].append({"id": "Bước Sai", "name": "x", "role": "desk", "status": 4})
    _, found = check_process_document(d, DEFAULT_CHART)
    assert ("INVALID_FIELD", "tham_dinh", "trinh") in codes(found)
    assert ("INVALID_FIELD", "duyet_phong", None) in codes(found)
    assert ("INVALID_FIELD", "Bước Sai", None) in codes(found)
    _, found = check_process_document({"code": "x"}, DEFAULT_CHART)
    assert {e.code for e in found} == {"INVALID_FIELD"} and len(found) >= 4


def test_check_process_document_validates_a_parsed_definition() -> None:
    d = doc()
    action_of(d, "tham_dinh", "trinh")["to_step"] = "buoc_ma"
    definition, found = check_process_document(d, DEFAULT_CHART)
    assert definition is not None
    assert ("UNKNOWN_TARGET_STEP", "tham_dinh", "trinh") in codes(found)


def test_terminal_step_with_actions() -> None:
    d = doc()
    step_of(d, "da_tra_ket_qua")["actions"] = [new_action("mo_lai", "submit", "tham_dinh")]
    assert codes(errors_of(d)) == {("TERMINAL_STEP_HAS_ACTIONS", "da_tra_ket_qua", None)}


def test_supplement_is_asked_once() -> None:
    d = doc()
    action_of(d, "tham_dinh", "yeu_cau_bo_sung")["max_times"] = None
    assert codes(errors_of(d)) == {("ONCE_ONLY", "tham_dinh", "yeu_cau_bo_sung")}


def test_max_times_are_per_kind() -> None:
    d = doc()
    action_of(d, "phe_duyet", "tra_lai_phong")["max_times"] = 3
    assert codes(errors_of(d)) == {("MAX_TIMES_MISMATCH", "phe_duyet", "tra_lai_phong")}


def test_recompute_only_when_leaving_a_pause() -> None:
    d = doc()
    action_of(d, "tham_dinh", "trinh")["recompute_deadline"] = True
    assert codes(errors_of(d)) == {("RECOMPUTE_WITHOUT_PAUSE", "tham_dinh", "trinh")}


def test_chart_version_mismatch() -> None:
    assert [e.code for e in errors_of(doc() | {"chart_version": 2})] == ["CHART_VERSION_MISMATCH"]


def test_bad_ids_are_refused_by_the_model() -> None:
    d = doc()
    action_of(d, "tham_dinh", "trinh")["id"] = "Trình"
    with pytest.raises(ValidationError):
        ProcessDefinition.model_validate(d)


# -- publication and versions -------------------------------------------------------------------


def test_publish_freezes_a_valid_draft() -> None:
    published = publish(DEFAULT_PROCESS, at=NOW, by="admin-1", chart=DEFAULT_CHART)
    assert published.published and published.published_by == "admin-1" and published.published_at == NOW
    assert published.steps == DEFAULT_PROCESS.steps
    with pytest.raises(ValidationError):
        published.name = "Đổi tên"  # type: ignore[misc]
    with pytest.raises(HosoError) as info:
        publish(published, at=NOW, by="admin-1")
    assert info.value.code == "PROCESS_ALREADY_PUBLISHED" and info.value.status == 409


def test_publish_refuses_an_invalid_draft() -> None:
    d = doc()
    action_of(d, "tham_dinh", "trinh")["to_step"] = "buoc_ma"
    with pytest.raises(HosoError) as info:
        publish(ProcessDefinition.model_validate(d), at=NOW, by="admin-1")
    assert info.value.code == "PROCESS_INVALID" and info.value.status == 422
    assert info.value.body()["process_errors"][0]["code"] == "UNKNOWN_TARGET_STEP"


def test_publish_needs_an_aware_time() -> None:
    with pytest.raises(ValueError, match="time zone"):
        publish(DEFAULT_PROCESS, at=dt.datetime(2026, 3, 2, 9), by="admin-1")


def test_next_version_is_an_unpublished_copy() -> None:
    published = publish(DEFAULT_PROCESS, at=NOW, by="admin-1")
    draft = next_version(published)
    assert draft.version == published.version + 1
    assert not draft.published and draft.published_by is None
    assert draft.steps == published.steps and draft.code == published.code
    assert published.published  # the published version itself is untouched


# -- properties -----------------------------------------------------------------------------------

KINDS = [k for k in ActionKind if k not in ONCE_ONLY_KINDS]
DURATIONS = st.none() | st.builds(
    lambda v, u: {"value": v, "unit": u},
    st.integers(0, 20),
    st.sampled_from(["working_days", "working_hours", "minutes", "calendar_days"]),
)


def _action(draw: st.DrawFn, action_id: str, to: str) -> dict[str, Any]:
    return {
        "id": action_id,
        "kind": draw(st.sampled_from(KINDS)).value,
        "label": "Thao tác",
        "to_step": to,
        "requires_reason": True,
    }


@st.composite
def random_definitions(draw: st.DrawFn) -> dict[str, Any]:
    """A definition generated from the chart — a walk over its statuses to a terminal one,
    plus random extra edges the chart allows — then, usually, damaged at random."""
    walk = [draw(st.sampled_from([DossierStatus.NEW, DossierStatus.RECEIVED]))]
    while not DEFAULT_CHART.is_terminal(walk[-1]) and len(walk) < 8:
        walk.append(draw(st.sampled_from(DEFAULT_CHART.successors(walk[-1]))))
    if not DEFAULT_CHART.is_terminal(walk[-1]):
        walk.append(DossierStatus.STOPPED)
    steps: list[dict[str, Any]] = []
    for i, status in enumerate(walk):
        deadline = draw(DURATIONS.filter(lambda d: d is None or d["unit"] != "calendar_days"))
        steps.append({
            "id": f"b{i}", "name": f"Bước {i}", "role": draw(st.sampled_from(list(Role))).value,
            "status": status.value, "deadline": deadline, "actions": [],
        })
    for i, step in enumerate(steps[:-1]):
        step["actions"].append(_action(draw, "tiep", steps[i + 1]["id"]))
        for j, other in enumerate(steps):
            if draw(st.integers(0, 3)) == 0 and DEFAULT_CHART.allows(step["status"], other["status"]):
                step["actions"].append(_action(draw, f"sang-{j}", other["id"]))
    data: dict[str, Any] = {
        "code": "QT-THU", "version": 1, "name": "Quy trình thử", "legal_deadline": draw(DURATIONS),
        "steps": steps, "start_step": "b0",
        "direct_start_step": draw(st.none() | st.sampled_from([s["id"] for s in steps])),
    }
    for _ in range(draw(st.integers(0, 3))):
        _damage(draw, data)
    return data


def _damage(draw: st.DrawFn, data: dict[str, Any]) -> None:
    steps = data["steps"]
    step = draw(st.sampled_from(steps))
    ids = [s["id"] for s in steps]
    damage = draw(st.sampled_from(
        ["target", "status", "reason", "duplicate-step", "duplicate-action", "start", "new-action", "recompute",
         "once", "drop-step", "deadline"]
    ))
    actions = step["actions"]
    if damage == "target" and actions:
        draw(st.sampled_from(actions))["to_step"] = draw(st.sampled_from([*ids, "ma"]))
    elif damage == "status":
        step["status"] = draw(st.sampled_from(list(DossierStatus))).value
    elif damage == "reason" and actions:
        draw(st.sampled_from(actions))["requires_reason"] = False
    elif damage == "duplicate-step":
        steps.append(json.loads(json.dumps(step)))
    elif damage == "duplicate-action" and actions:
        actions.append(dict(draw(st.sampled_from(actions))))
    elif damage == "start":
        data["start_step"] = draw(st.sampled_from([*ids, "ma"]))
    elif damage == "new-action":
        actions.append({**_action(draw, "moi", draw(st.sampled_from([*ids, "ma"]))),
                        "kind": draw(st.sampled_from(list(ActionKind))).value,
                        "max_times": draw(st.sampled_from([None, 1, 2]))})
    elif damage == "recompute" and actions:
        draw(st.sampled_from(actions))["recompute_deadline"] = True
    elif damage == "once" and actions:
        draw(st.sampled_from(actions))["kind"] = draw(st.sampled_from(sorted(ONCE_ONLY_KINDS))).value
    elif damage == "drop-step" and len(steps) > 1:
        steps.remove(step)
    elif damage == "deadline":
        step["deadline"] = draw(DURATIONS)


@settings(max_examples=150, deadline=None)
@given(random_definitions())
def test_random_definitions_validate_or_name_real_places(data: dict[str, Any]) -> None:
    definition = ProcessDefinition.model_validate(data)
    found = validate_process(definition, DEFAULT_CHART)
    actions_by_step: dict[str, set[str]] = {}
    for s in definition.steps:
        actions_by_step.setdefault(s.id, set()).update(a.id for a in s.actions)
    for error in found:
        assert error.message
        if error.step_id is not None:
            assert error.step_id in actions_by_step
        if error.action_id is not None:
            assert error.action_id in actions_by_step[error.step_id]
    if not found:
        # An independent check of what "valid" promises.
        steps = {s.id: s for s in definition.steps}
        assert len(steps) == len(definition.steps)
        assert definition.start_step in steps
        for s in definition.steps:
            assert not (DEFAULT_CHART.is_terminal(s.status) and s.actions)
            for a in s.actions:
                assert a.to_step in steps
                assert DEFAULT_CHART.allows(s.status, steps[a.to_step].status)
                assert a.requires_reason or a.kind not in REASON_REQUIRED_KINDS
                assert a.kind not in ONCE_ONLY_KINDS or a.max_times == 1
        assert any(DEFAULT_CHART.is_terminal(s.status) for s in definition.steps)


@settings(max_examples=100, deadline=None)
@given(st.randoms(use_true_random=False), st.booleans())
def test_random_walks_over_the_default_process_respect_the_chart(rng: random.Random, direct: bool) -> None:
    step = DEFAULT_PROCESS.entry_step(direct=direct)
    counts: dict[str, int] = {}
    for _ in range(200):
        if DEFAULT_CHART.is_terminal(step.status):
            assert not step.actions
            return
        allowed = [
            a for a in step.actions if a.max_times is None or counts.get(a.kind.value, 0) < a.max_times
        ]
        assert allowed, f"stuck in {step.id}"
        action = rng.choice(allowed)
        counts[action.kind.value] = counts.get(action.kind.value, 0) + 1
        target = DEFAULT_PROCESS.step(action.to_step)
        assert DEFAULT_CHART.allows(step.status, target.status), (step.id, action.id, target.id)
        if DEFAULT_CHART.requires_reason(target.status) and target.status != step.status:
            assert action.requires_reason
        step = target
