"""The birth chain (Decree 63): birth registration by the commune's justice officer (a child
dossier in hoso) → permanent residence at the commune police (another system) → health-insurance
card at social security (another system); results gathered on the parent at the desk."""

from __future__ import annotations

import json

from chalicelib.flows import store
from chalicelib.store import dossiers
from tests.integration.flows.conftest import BIRTH_CHAIN, World


def test_every_step_succeeds_and_the_results_reach_the_parent(world: World) -> None:
    # Given a birth registration received at the desk: the hook starts its flow (legal deadlines)
    parent = world.open_parent(BIRTH_CHAIN)
    state = world.until("flow started", lambda: (s := store.get_state(parent.code)) and s.started and s)
    assert state.execution_name == parent.code.replace(".", "_") + "_birth_flow"
    shown = dossiers.get(parent.code)
    assert shown is not None and (shown.status, shown.step_id) == (4, "lien_thong")

    # Step 1: a child dossier in the unit's own process, handled by its officers
    child = world.until("child dossier", lambda: world.child_of(parent.code, "khai_sinh"))
    child_dossier = dossiers.get(child)
    assert child_dossier is not None
    assert (child_dossier.status, child_dossier.process_code, child_dossier.procedure_code) == (
        2, "QT-MAC-DINH", "1.001193")
    assert [d.name for d in child_dossier.documents] == ["giay-chung-sinh.pdf"]
    world.finish_child(child, "trich-luc-khai-sinh.pdf")

    # Step 2: handed to the police's system; its simulator answers through our callback
    residence = world.handover(parent.code, "thuong_tru")
    assert residence["request"]["procedure_code"] == "1.004222"
    names = [d["name"] for d in residence["request"]["documents"]]
    assert names == ["giay-chung-sinh.pdf", "trich-luc-khai-sinh.pdf"]  # the birth certificate goes along
    sent = world.agency_sim_complete(parent.code, "success")
    assert sent["callback"]["status"] == 200, sent

    # Step 3: social security answers with its own call
    card = world.handover(parent.code, "bhyt")
    answer = world.callback(card["task_token"], "success")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"status": "accepted", "dossier": parent.code, "step": "bhyt", "outcome": "success"}

    execution = world.until("execution finished", lambda: world.finished(parent.code))
    assert execution["status"] == "SUCCEEDED"
    done = dossiers.get(parent.code)
    assert done is not None and done.status == 9 and done.step_id == "tra_ket_qua"
    results = [d for d in done.documents if d.kind == "result"]
    assert [d.name for d in results] == ["trich-luc-khai-sinh.pdf", "ket-qua-thuong_tru.pdf", "ket-qua.pdf"]
    labels = world.labels(parent.code)
    assert labels.count("Chuyển hồ sơ liên thông") == 3
    assert labels.count("Nhận kết quả bước liên thông") == 3
    assert labels[-1] == "Hoàn thành liên thông, kết quả chuyển về bộ phận một cửa"

    # Only identifiers and durations went through Step Functions
    applicant = done.applicant
    history = json.dumps(world.sfn.get_execution_history(executionArn=execution["executionArn"])["events"],
                         default=str, ensure_ascii=False)  # fmt: skip
    for personal in (applicant.name, applicant.id_number, applicant.phone or "", "NGUYỄN MINH KHÔI"):
        assert personal and personal not in execution["input"] + execution.get("output", "") + history


def test_agencies_answering_at_once(world: World) -> None:
    # The agency's system answers while hoso is still handing over: nothing is lost or overwritten
    world.agency_mode(auto_complete=True)
    parent = world.open_parent(BIRTH_CHAIN)
    world.finish_child(world.until("child", lambda: world.child_of(parent.code, "khai_sinh")))
    assert world.until("finished", lambda: world.finished(parent.code))["status"] == "SUCCEEDED"
    state = store.get_state(parent.code)
    assert state is not None and state.finished
    assert {s: (v.status, v.attempts) for s, v in state.steps.items()} == {
        "khai_sinh": ("done", 1), "thuong_tru": ("done", 1), "bhyt": ("done", 1)}
    done = dossiers.get(parent.code)
    assert done is not None and done.status == 9
