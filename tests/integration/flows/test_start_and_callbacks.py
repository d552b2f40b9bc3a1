"""Starting is idempotent (one execution per dossier and flow, whoever starts it how often);
redelivered hand-overs do not duplicate anything; callbacks are answered only by the agency the
step was handed to, once."""

from __future__ import annotations

import base64
import json

from chalicelib.flows import adapter, chains, model, sfn, store
from chalicelib.store import dossiers
from tests.integration.flows.conftest import World, timing


def test_starting_twice_is_one_execution(world: World) -> None:
    parent = world.open_parent()
    first = world.until("started by the hook", lambda: (s := store.get_state(parent.code)) and s.started and s)
    again = world.start(parent.code, timing("birth_flow"))  # another input: still the same flow
    assert again.execution_arn == first.execution_arn
    machine = world.machines["birth_flow"]
    other_input = model.execution_input(chains.FLOWS["birth_flow"], parent.code,
                                        list(chains.FLOWS["birth_flow"].steps), timing("birth_flow"))  # fmt: skip
    assert sfn.start(machine, first.execution_name, other_input) == first.execution_arn
    runs = world.sfn.list_executions(stateMachineArn=machine)["executions"]
    assert [r["name"] for r in runs].count(first.execution_name) == 1
    assert world.labels(parent.code).count("Chuyển xử lý liên thông") == 1

    # The child (same procedure, a flow procedure) never starts a flow of its own
    child = world.until("child", lambda: world.child_of(parent.code, "khai_sinh"))
    world.act(child, "chuyen_phong", "desk")
    world.until("queue drained", lambda: True)
    assert store.get_state(child) is None


def test_a_redelivered_handover_makes_one_child(world: World) -> None:
    parent = world.open_parent()
    world.start(parent.code, timing("birth_flow"))
    world.relay()
    message = None
    while message is None:  # read the hand-over itself, as a redelivering queue would show it twice
        for m in world.sqs.receive_message(QueueUrl=world.queue_url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=1).get("Messages", []):  # fmt: skip
            world.sqs.delete_message(QueueUrl=world.queue_url, ReceiptHandle=m["ReceiptHandle"])
            if json.loads(m["Body"]).get("kind") == "handover":
                message = json.loads(m["Body"])
    adapter.handle(message)
    child = world.child_of(parent.code, "khai_sinh")
    adapter.handle(message)
    assert world.child_of(parent.code, "khai_sinh") == child
    assert world.labels(parent.code).count("Chuyển hồ sơ liên thông") == 1
    assert [e.label for e in dossiers.events(child)][:1] == ["Tiếp nhận hồ sơ"]
    assert store.get_link(child) == store.ChildLink(child=child, parent=parent.code, step="khai_sinh",
                                                    task=model.token_hash(message["task_token"]))  # fmt: skip


def test_withdrawal_stops_the_flow(world: World) -> None:
    # moto ends a stopped execution only when its current wait wakes up, and then as FAILED with
    # States.Timeout (AWS: ABORTED at once). Short heartbeats make that soon; without the stop the
    # same timeout would be caught and escalate, and the execution would stay RUNNING.
    short = model.StepTiming(timeout_seconds=60, heartbeat_seconds=3)
    flow_timing = model.FlowTiming(steps={s.id: short for s in chains.FLOWS["birth_flow"].steps},
                                   waits=model.Waits(supplement=short, decision=short, system=short))  # fmt: skip
    parent = world.open_parent()
    world.start(parent.code, flow_timing)
    world.until("child", lambda: world.child_of(parent.code, "khai_sinh"))
    world.act(parent.code, "rut_ho_so", "desk", reason="Công dân rút hồ sơ.")
    execution = world.until("stopped", lambda: world.finished(parent.code))
    assert execution["status"] in ("ABORTED", "FAILED")
    history = world.sfn.get_execution_history(executionArn=execution["executionArn"])["events"]
    entered = [e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e]
    assert entered == ["Tư pháp xã: đăng ký khai sinh"]
    state = store.get_state(parent.code)
    assert state is not None and state.finished


def test_callbacks_only_from_the_right_agency_and_once(world: World) -> None:
    parent = world.open_parent()
    world.start(parent.code, timing("birth_flow"))
    child = world.until("child", lambda: world.child_of(parent.code, "khai_sinh"))
    world.finish_child(child)
    token = world.handover(parent.code, "thuong_tru")["task_token"]

    def refused(answer: object, status: int, code: str) -> None:
        assert (answer.status_code, answer.json()["error_code"]) == (status, code), answer.text  # type: ignore[attr-defined]

    refused(world.callback("3f2b6c1e-0000-4000-8000-000000000000", "success"), 403, "FLOW_TOKEN_UNKNOWN")
    refused(world.api.post("/v1/flows/callback", {"task_token": token, "outcome": "success"}, "khong.hop-le"),
            401, "INVALID_CLIENT")  # fmt: skip
    refused(world.callback(token, "success", client_token=world.other_client_token), 403, "FLOW_TASK_NOT_YOURS")
    link = store.get_link(child)
    internal = store.get_task(link.task) if link else None
    assert internal is not None  # a hoso step's token is answered by its child dossier, never by a callback
    refused(world.callback(internal.task.token, "success"), 403, "FLOW_TOKEN_UNKNOWN")
    refused(world.callback(token, "failure"), 422, "INVALID_DATA")
    not_a_pdf = [{"name": "ket-qua.exe", "content_base64": base64.b64encode(b"MZ\x90\x00").decode()}]
    refused(world.callback(token, "success", documents=not_a_pdf), 422, "INVALID_DATA")

    progress = world.callback(token, "progress", reason="Đang xác minh chỗ ở.")
    assert progress.status_code == 200
    assert world.labels(parent.code)[-1] == "Cơ quan phối hợp cập nhật tiến độ"
    assert world.callback(token, "success").status_code == 200  # the refused attempts left it open
    refused(world.callback(token, "success"), 409, "FLOW_TASK_ALREADY_ANSWERED")
    refused(world.callback(token, "failure", reason="Đổi ý"), 409, "FLOW_TASK_ALREADY_ANSWERED")
    results = [d for d in dossiers.events(parent.code) if d.label == "Nhận kết quả bước liên thông"]
    assert len(results) == 2  # khai_sinh and one thuong_tru: the replays recorded nothing
