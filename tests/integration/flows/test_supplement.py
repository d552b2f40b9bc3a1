"""A downstream agency asks for a supplement: the applicant is asked through the parent
(status 5, synced to DVCQG), and once the desk receives the supplement the flow hands the step
over again — to the agency's system, or to the same child dossier."""

from __future__ import annotations

from chalicelib.flows import store
from chalicelib.store import dossiers
from tests.integration.flows.conftest import World, timing


def _in_state(world: World, code: str, name: str) -> bool:
    history = world.sfn.get_execution_history(executionArn=world.execution(code)["executionArn"])["events"]
    entered = [e["stateEnteredEventDetails"]["name"] for e in sorted(history, key=lambda e: e["id"])
               if "stateEnteredEventDetails" in e]  # fmt: skip
    return bool(entered) and entered[-1] == name


def test_an_agency_supplement_reaches_the_applicant_and_the_flow_resumes(world: World) -> None:
    parent = world.open_parent()
    world.start(parent.code, timing("birth_flow"))
    world.finish_child(world.until("child", lambda: world.child_of(parent.code, "khai_sinh")))
    first = world.handover(parent.code, "thuong_tru")

    answer = world.callback(first["task_token"], "supplement", reason="Bổ sung giấy tờ chứng minh chỗ ở hợp pháp.")
    assert answer.status_code == 200, answer.text
    waiting = dossiers.get(parent.code)
    assert waiting is not None and (waiting.status, waiting.step_id) == (5, "cho_bo_sung")
    reason = "Công an xã: đăng ký thường trú: Bổ sung giấy tờ chứng minh chỗ ở hợp pháp."
    assert waiting.supplements[-1].content == reason
    world.until("waiting for the supplement",
                lambda: _in_state(world, parent.code, "Chờ bổ sung (Công an xã: đăng ký thường trú)"))  # fmt: skip
    state = store.get_state(parent.code)
    assert state is not None and state.steps["thuong_tru"].status == "waiting_supplement"

    # The applicant supplements on DVCQG; the desk receives it: the police get the dossier again
    world.attach(parent.code, "hop-dong-thue-nha.pdf", "submitted")
    world.act(parent.code, "nhan_bo_sung", "desk")
    second = world.handover(parent.code, "thuong_tru", count=2)
    assert second["task_token"] != first["task_token"]
    assert "hop-dong-thue-nha.pdf" in [d["name"] for d in second["request"]["documents"]]
    assert world.callback(second["task_token"], "success").status_code == 200
    assert world.callback(world.handover(parent.code, "bhyt")["task_token"], "success").status_code == 200

    assert world.until("finished", lambda: world.finished(parent.code))["status"] == "SUCCEEDED"
    done = dossiers.get(parent.code)
    assert done is not None and done.status == 9
    assert done.supplements[-1].received_at is not None
    # The old token was used up by the supplement request: answering it again is a replay
    assert world.callback(first["task_token"], "success").json()["error_code"] == "FLOW_TASK_ALREADY_ANSWERED"


def test_a_child_dossiers_supplement_resumes_the_same_child(world: World) -> None:
    parent = world.open_parent()
    world.start(parent.code, timing("birth_flow"))
    child = world.until("child", lambda: world.child_of(parent.code, "khai_sinh"))
    world.act(child, "chuyen_phong", "desk")
    world.act(child, "phan_cong", "head", assignee=world.officer("appraiser").sub)
    world.act(child, "yeu_cau_bo_sung", "appraiser", reason="Thiếu giấy chứng sinh bản chính.")

    waiting = world.until("parent asks the applicant",
                          lambda: (d := dossiers.get(parent.code)) and d.status == 5 and d)  # fmt: skip
    assert waiting.supplements[-1].content == "Tư pháp xã: đăng ký khai sinh: Thiếu giấy chứng sinh bản chính."

    world.attach(parent.code, "giay-chung-sinh-ban-chinh.pdf", "submitted")
    world.act(parent.code, "nhan_bo_sung", "desk")
    resumed = world.until("the same child carries on",
                          lambda: (d := dossiers.get(child)) and d.status == 4 and d)  # fmt: skip
    assert resumed.step_id == "tham_dinh"
    assert "giay-chung-sinh-ban-chinh.pdf" in [d.name for d in resumed.documents]
    assert world.child_of(parent.code, "khai_sinh") == child

    world.act(child, "trinh", "appraiser")
    world.act(child, "trinh_lanh_dao", "head")
    world.attach(child, "trich-luc.pdf", "result")
    world.act(child, "phe_duyet", "leader")
    world.act(child, "phat_hanh", "clerk")
    world.handover(parent.code, "thuong_tru")  # the chain went on with the same child's result
    state = store.get_state(parent.code)
    assert state is not None and state.steps["khai_sinh"].status == "done"
