"""Refusals and timeouts never fail silently: the step escalates (recorded on the parent, the
flow waits), and an operator decides — retry, skip or abort — through an audited action."""

from __future__ import annotations

from typing import Any

from chalicelib.flows import store
from chalicelib.store import dossiers
from tests.integration.flows.conftest import World, account, timing


def _escalated(world: World, code: str, step: str) -> Any:
    state = store.get_state(code)
    return state is not None and step in state.steps and state.steps[step].status == "escalated"


def _to_step_2(world: World, fast: tuple[str, ...] = ()) -> tuple[str, dict[str, Any]]:
    parent = world.open_parent()
    world.start(parent.code, timing("birth_flow", fast=fast))
    world.finish_child(world.until("child", lambda: world.child_of(parent.code, "khai_sinh")))
    return parent.code, world.handover(parent.code, "thuong_tru")


def test_refusal_at_step_2_escalates_and_the_operator_stops_the_flow(world: World) -> None:
    code, residence = _to_step_2(world)
    refused = world.agency_sim_complete(code, "failure", "Chỗ ở không đủ điều kiện đăng ký thường trú.")
    assert refused["callback"]["status"] == 200

    world.until("escalation", lambda: _escalated(world, code, "thuong_tru"))
    labels = world.labels(code)
    assert "Cơ quan phối hợp từ chối giải quyết" in labels
    escalation = dossiers.events(code)[-1]
    assert escalation.label == "Cảnh báo liên thông: Cơ quan phối hợp từ chối giải quyết bước liên thông"
    assert "Chỗ ở không đủ điều kiện" in escalation.note  # the agency's reason, for the officers

    operator = world.operator_token()
    view = world.api.get(f"/v1/ops/flows/{code}", operator)
    assert view.status_code == 200, view.text
    shown = view.json()
    assert shown["execution_status"] == "RUNNING"
    assert shown["execution_name"] == code.replace(".", "_") + "_birth_flow"
    (step,) = [s for s in shown["steps"] if s["step"] == "thuong_tru"]
    assert (step["status"], step["error"]) == ("escalated", "Flow.Refused")
    assert shown["history"][-1]["state"] == "Cảnh báo vận hành (Công an xã: đăng ký thường trú)"

    decided = world.api.post(f"/v1/ops/flows/{code}/decision",
                             {"decision": "abort", "reason": "Công dân không đủ điều kiện."}, operator)  # fmt: skip
    assert decided.status_code == 200, decided.text
    execution = world.until("stopped", lambda: world.finished(code))
    assert (execution["status"], execution["error"]) == ("FAILED", "Flow.Aborted")
    stopped = dossiers.get(code)
    assert stopped is not None and (stopped.status, stopped.step_id) == (8, "dung_xu_ly")
    decision, stop = dossiers.events(code)[-2:]
    operator_sub = account("operator", "000.00.00.G12")["sub"]
    assert (decision.label, decision.actor.sub, decision.actor.role) == (
        "Quyết định của người vận hành", operator_sub, "operator")
    assert decision.note == "Công an xã: đăng ký thường trú: dừng luồng liên thông. Lý do: Công dân không đủ điều kiện."
    assert (stop.to_status, stop.actor.sub) == (8, operator_sub)
    again = world.api.post(f"/v1/ops/flows/{code}/decision", {"decision": "retry", "reason": "Lần nữa"}, operator)
    assert (again.status_code, again.json()["error_code"]) == (409, "FLOW_NO_ESCALATION")


def test_retry_hands_the_step_over_again(world: World) -> None:
    code, first = _to_step_2(world)
    assert world.callback(first["task_token"], "failure", reason="Hệ thống đang bảo trì.").status_code == 200
    world.until("escalation", lambda: _escalated(world, code, "thuong_tru"))
    operator = world.operator_token()
    retry = {"decision": "retry", "reason": "Hệ thống Công an xã đã hoạt động lại."}
    answer = world.api.post(f"/v1/ops/flows/{code}/decision", retry, operator)
    assert answer.status_code == 200, answer.text
    second = world.handover(code, "thuong_tru", count=2)
    assert world.callback(second["task_token"], "success").status_code == 200
    assert world.callback(world.handover(code, "bhyt")["task_token"], "success").status_code == 200
    assert world.until("finished", lambda: world.finished(code))["status"] == "SUCCEEDED"
    state = store.get_state(code)
    assert state is not None and state.steps["thuong_tru"].attempts == 2


def test_timeout_escalates_then_skip_goes_on(world: World) -> None:
    code, late = _to_step_2(world, fast=("thuong_tru",))  # the police never answer in time
    world.until("escalation", lambda: _escalated(world, code, "thuong_tru"), timeout_s=10)
    overdue = dossiers.events(code)[-1]
    assert overdue.label == "Cảnh báo liên thông: Quá hạn xử lý bước liên thông"
    state = store.get_state(code)
    assert state is not None and state.steps["thuong_tru"].error == "States.Timeout"

    # The agency answering after the deadline is told the step is closed
    answer = world.callback(late["task_token"], "success")
    assert (answer.status_code, answer.json()["error_code"]) == (409, "FLOW_TASK_CLOSED")

    operator = world.operator_token()
    missing = world.api.post(f"/v1/ops/flows/{code}/decision", {"decision": "skip"}, operator)
    assert missing.status_code == 422
    officer = world.api.post(f"/v1/ops/flows/{code}/decision", {"decision": "skip", "reason": "x"},
                             world.desk_token())  # fmt: skip
    assert officer.status_code == 403
    skip = {"decision": "skip", "reason": "Công an xã xác nhận xử lý ngoài hệ thống."}
    skipped = world.api.post(f"/v1/ops/flows/{code}/decision", skip, operator)
    assert skipped.status_code == 200, skipped.text
    assert world.callback(world.handover(code, "bhyt")["task_token"], "success").status_code == 200
    assert world.until("finished", lambda: world.finished(code))["status"] == "SUCCEEDED"
    done = dossiers.get(code)
    assert done is not None and done.status == 9
    state = store.get_state(code)
    assert state is not None and state.steps["thuong_tru"].status == "skipped"


def test_a_lost_child_signal_is_repaired_by_retry(world: World) -> None:
    parent = world.open_parent()
    world.start(parent.code, timing("birth_flow", fast=("khai_sinh",)))
    child = world.until("child", lambda: world.child_of(parent.code, "khai_sinh"))
    world.finish_child(child)
    world.drop_signals(child)  # the finished child's signals never arrive
    world.until("escalation", lambda: _escalated(world, code := parent.code, "khai_sinh") and code, timeout_s=10)
    operator = world.operator_token()
    retry = {"decision": "retry", "reason": "Hồ sơ con đã xong."}
    assert world.api.post(f"/v1/ops/flows/{parent.code}/decision", retry, operator).status_code == 200
    world.handover(parent.code, "thuong_tru")  # the retry found the finished child and went on
    assert world.child_of(parent.code, "khai_sinh") == child
    state = store.get_state(parent.code)
    assert state is not None and state.steps["khai_sinh"].status == "done"


def test_an_agency_that_is_down_gets_the_handover_when_it_is_back(world: World) -> None:
    parent = world.open_parent()
    world.start(parent.code, timing("birth_flow"))
    world.agency_mode(down=True)
    world.finish_child(world.until("child", lambda: world.child_of(parent.code, "khai_sinh")))
    for _ in range(5):  # the queue redelivers the hand-over while the agency answers 503
        world.pump()
    assert world.handovers(parent.code) == []
    world.agency_mode(down=False)
    assert world.callback(world.handover(parent.code, "thuong_tru")["task_token"], "success").status_code == 200
    assert world.labels(parent.code).count("Chuyển hồ sơ liên thông") == 2  # khai_sinh, thuong_tru once
