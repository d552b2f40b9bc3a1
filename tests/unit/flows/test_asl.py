"""Structural check of every ASL file: what moto and cfn-lint do not check (dangling ``Next``,
unreachable states, heartbeats, catches), and the contract with the code (placeholders, step
ids, state names, message fields)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib.flows import chains
from infra import migration, state_machines

FOLDER = Path(__file__).resolve().parents[3] / "state_machines"
FILES = sorted(FOLDER.glob("*.asl.json"))
# The liên thông flows; the migration run (its own contract: tests/infra/test_migration.py) is not one.
FLOWS = [p for p in FILES if p.name != f"{migration.STATE_MACHINE}.asl.json"]
WAIT = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
SEND = "arn:aws:states:::sqs:sendMessage"
TYPES = {"Task", "Choice", "Map", "Parallel", "Pass", "Wait", "Succeed", "Fail"}
TERMINAL = {"Succeed", "Fail"}
MESSAGE_FIELDS = {"kind", "task_token.$", "execution.$", "dossier.$", "flow.$", "step", "step.$", "agency.$",
                  "error.$"}  # fmt: skip
KINDS = {"handover", "supplement", "escalation", "complete", "abandoned"}


def _load(path: Path) -> dict[str, Any]:
    return json.loads(re.sub(r"\$\{[A-Za-z]+\}", "0", path.read_text(encoding="utf-8")))


def _scopes(doc: dict[str, Any], where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """The document and every nested state machine (Map processors, Parallel branches)."""
    yield where or "top", doc
    for name, state in doc["States"].items():
        if state["Type"] == "Map":
            yield from _scopes(state["ItemProcessor"], f"{where}/{name}")
        for i, branch in enumerate(state.get("Branches", [])):
            yield from _scopes(branch, f"{where}/{name}[{i}]")


def _targets(state: dict[str, Any]) -> list[str]:
    out = [state[k] for k in ("Next", "Default") if k in state]
    out += [c["Next"] for c in state.get("Choices", [])]
    out += [c["Next"] for c in state.get("Catch", [])]
    return out


def _tasks(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for _, scope in _scopes(doc):
        for name, state in scope["States"].items():
            if state["Type"] == "Task":
                yield name, state


def test_the_three_flows_and_the_migration_run_are_there() -> None:
    assert [p.name for p in FLOWS] == ["birth_flow.asl.json", "chain_flow.asl.json", "death_flow.asl.json"]
    assert len(FILES) == len(FLOWS) + 1


def test_placeholders_are_the_stacks_own() -> None:
    loaded = state_machines.load(FOLDER)  # raises on an unknown placeholder or bad JSON
    assert {f.stem for f in loaded} == {"birth_flow", "death_flow", "chain_flow", migration.STATE_MACHINE}
    assert all(f.placeholders == {"AgencyTasksQueueUrl"} for f in loaded if f.stem != migration.STATE_MACHINE)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_graph_start_next_reachability(path: Path) -> None:
    for where, scope in _scopes(_load(path)):
        states = scope["States"]
        assert scope["StartAt"] in states, where
        for name, state in states.items():
            assert state["Type"] in TYPES, (where, name)
            for target in _targets(state):
                assert target in states, f"{where}: {name} → {target} does not exist"
            ends = state.get("End") is True
            if state["Type"] in TERMINAL or state["Type"] == "Choice":
                assert "Next" not in state and not ends, (where, name)
            else:
                assert ends != ("Next" in state), f"{where}: {name} needs exactly one of Next and End"
        seen, todo = set(), [scope["StartAt"]]
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo += _targets(states[name])
        assert seen == set(states), f"{where}: unreachable {sorted(set(states) - seen)}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_states_are_named_and_commented_for_operators(path: Path) -> None:
    doc = _load(path)
    assert doc.get("Comment")
    for where, scope in _scopes(doc):
        for name, state in scope["States"].items():
            assert state.get("Comment"), f"{where}: {name} has no Comment"
            assert 1 <= len(name) <= 80, name
            assert re.search(r"[À-ỹ]", name), f"{name!r} is not Vietnamese"
            if state["Type"] == "Choice":
                assert state.get("Default"), (where, name)
            if state["Type"] == "Map":  # an inline map reads its items from the input, a distributed one from S3
                distributed = state["ItemProcessor"].get("ProcessorConfig", {}).get("Mode") == "DISTRIBUTED"
                assert ("ItemReader" if distributed else "ItemsPath") in state and "ItemSelector" in state, name


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: p.stem)
def test_every_wait_has_timeouts_heartbeats_and_catches(path: Path) -> None:
    waits = 0
    for name, state in _tasks(_load(path)):
        assert state["Resource"] in (WAIT, SEND), name
        message = state["Parameters"]["MessageBody"]
        assert state["Parameters"]["QueueUrl"] == "0"  # ${AgencyTasksQueueUrl}
        assert set(message) <= MESSAGE_FIELDS, f"{name}: {set(message) - MESSAGE_FIELDS}"
        assert message["kind"] in KINDS
        if state["Resource"] == SEND:
            assert message["kind"] == "abandoned" and "task_token.$" not in message, name
            continue
        waits += 1
        assert message["task_token.$"] == "$$.Task.Token", name
        timeout = state.get("TimeoutSeconds", state.get("TimeoutSecondsPath"))
        heartbeat = state.get("HeartbeatSeconds", state.get("HeartbeatSecondsPath"))
        assert timeout is not None and heartbeat is not None, f"{name}: a wait needs a timeout and a heartbeat"
        if isinstance(timeout, int) and isinstance(heartbeat, int):
            assert heartbeat < timeout, name
        else:  # from the input: the same object holds both, whose model checks heartbeat < timeout
            assert timeout.rsplit(".", 1) == [heartbeat.rsplit(".", 1)[0], "timeout_seconds"], name
            assert heartbeat.endswith(".heartbeat_seconds"), name
        caught = {e for c in state.get("Catch", []) for e in c["ErrorEquals"]}
        assert "States.ALL" in caught or {"States.Timeout", "States.TaskFailed"} <= caught, f"{name}: silent failure"
    assert waits


@pytest.mark.parametrize("stem", ["birth_flow", "death_flow"])
def test_fixed_flows_hand_over_the_configured_steps_under_their_names(stem: str) -> None:
    doc = _load(FOLDER / f"{stem}.asl.json")
    handovers = {s["Parameters"]["MessageBody"]["step"]: name for name, s in _tasks(doc)
                 if s["Parameters"]["MessageBody"]["kind"] == "handover"}  # fmt: skip
    flow = chains.FLOWS[stem]
    assert handovers == {s.id: s.name for s in flow.steps}
    for step in flow.steps:
        state = doc["States"][step.name]
        assert state["Parameters"]["MessageBody"]["agency.$"] == f"$.steps.{step.id}.agency"
        assert state["TimeoutSecondsPath"] == f"$.steps.{step.id}.timeout_seconds"
        assert state["ResultPath"] == f"$.results.{step.id}"


def test_death_flow_asks_before_each_optional_step() -> None:
    doc = _load(FOLDER / "death_flow.asl.json")
    optional = [s for s in chains.FLOWS["death_flow"].steps if s.optional]
    assert [s.id for s in optional] == ["mai_tang", "tu_tuat"]
    for step in optional:
        (choice,) = [s for s in doc["States"].values() if s["Type"] == "Choice"
                     and s["Choices"][0].get("Variable") == f"$.steps.{step.id}"]  # fmt: skip
        assert choice["Choices"][0] == {"Variable": f"$.steps.{step.id}", "IsPresent": True, "Next": step.name}


def test_chain_runs_stages_in_order_and_steps_of_a_stage_in_parallel() -> None:
    doc = _load(FOLDER / "chain_flow.asl.json")
    outer = doc["States"][doc["StartAt"]]
    assert (outer["Type"], outer["ItemsPath"], outer["MaxConcurrency"]) == ("Map", "$.stages", 1)
    inner = outer["ItemProcessor"]["States"][outer["ItemProcessor"]["StartAt"]]
    assert (inner["Type"], inner["ItemsPath"], inner["MaxConcurrency"]) == ("Map", "$.stage.steps", 0)
    assert outer["Next"] == "Một cửa: hoàn thành, trả kết quả cho công dân"
