"""Chains as configuration: the shipped ones are valid, a broken one is refused with the reason,
and the liên thông process offers the actions the flows take on a parent dossier."""

from __future__ import annotations

import pytest

from chalicelib.domain.calendar import Duration
from chalicelib.domain.process import ActionKind, validate_process
from chalicelib.domain.roles import Role
from chalicelib.flows import chains
from chalicelib.flows.chains import Agency, ChainStep, Flow, Stage

STEP = ChainStep(id="a", name="Cơ quan A: việc A", agency="bhxh", procedure_code="X.1", procedure_name="Việc A",
                 deadline=Duration.of_working_days(2))  # fmt: skip


def test_shipped_flows_are_valid_and_cover_the_three_state_machines() -> None:
    assert {f.state_machine for f in chains.FLOWS.values()} == {"birth_flow", "death_flow", "chain_flow"}
    for flow in chains.FLOWS.values():
        assert chains.problems(flow) == []
    parallel = chains.FLOWS["khai_sinh_song_song"]
    assert [len(stage.steps) for stage in parallel.stages] == [1, 2]


def test_a_new_chain_is_configuration() -> None:
    chain = Flow(id="chuoi_moi", name="Chuỗi mới", state_machine="chain_flow", stages=(
        Stage(name="Một", steps=(STEP,)),
        Stage(name="Hai (song song)", steps=(STEP.model_copy(update={"id": "b"}), STEP.model_copy(update={"id": "c"}))),
    ))  # fmt: skip
    assert chains.problems(chain) == []


@pytest.mark.parametrize(
    ("flow", "expected"),
    [
        (Flow(id="f", name="F", state_machine="chain_flow", stages=(Stage(name="S", steps=(STEP, STEP)),)),
         "mã bước \"a\" bị trùng"),
        (Flow(id="f", name="F", state_machine="chain_flow",
              stages=(Stage(name="S", steps=(STEP.model_copy(update={"agency": "khong_co"}),)),)),
         "cơ quan \"khong_co\" chưa được khai báo"),
        (Flow(id="f", name="F", state_machine="birth_flow",
              stages=(Stage(name="S", steps=(STEP, STEP.model_copy(update={"id": "b"}))),)),
         "nhóm bước song song chỉ chạy trên chain_flow"),
        (Flow(id="f", name="F", state_machine="death_flow",
              stages=(Stage(name="S", steps=(STEP.model_copy(update={"optional": True}),)),)),
         "bước tùy chọn cần trường chọn thủ tục"),
        (Flow(id="f", name="F", state_machine="chain_flow",
              stages=(Stage(name="S", steps=(STEP.model_copy(update={"id": chains.COMPLETE_STEP}),)),)),
         "dành cho bước hoàn thành"),
        (Flow(id="f", name="F", state_machine="chain_flow",
              stages=(Stage(name="S", steps=(STEP.model_copy(update={"process_code": "QT-MAC-DINH"}),)),)),
         "chỉ bước của đơn vị hoso có quy trình hồ sơ con"),
        (Flow(id="f", name="F", state_machine="chain_flow",
              stages=(Stage(name="S", steps=(STEP.model_copy(update={"agency": "tu_phap_xa",
                                                                     "process_code": chains.LIEN_THONG_PROCESS}),)),)),
         "hồ sơ con không theo quy trình liên thông"),
    ],
)  # fmt: skip
def test_a_broken_chain_says_why(flow: Flow, expected: str) -> None:
    assert any(expected in p for p in chains.problems(flow)), chains.problems(flow)


def test_broken_configuration_fails_at_load() -> None:
    bad = Flow(id="f", name="F", state_machine="chain_flow",
               stages=(Stage(name="S", steps=(STEP.model_copy(update={"agency": "?"}),)),))  # fmt: skip
    with pytest.raises(chains.ChainConfigError, match="chưa được khai báo"):
        chains._validated((bad,))
    with pytest.raises(chains.ChainConfigError, match="bị trùng"):
        chains._validated((chains.FLOWS["birth_flow"], chains.FLOWS["birth_flow"]))


def test_external_agencies_have_no_hoso_unit() -> None:
    agencies = {**chains.AGENCIES, "x": Agency(id="x", name="X", kind="external", unit="000.00.00.G12")}
    assert any("không có mã đơn vị hoso" in p for p in chains.problems(chains.FLOWS["birth_flow"], agencies))


def test_the_lien_thong_process_offers_what_the_flows_do() -> None:
    process = chains.lien_thong_process()
    assert process.code == chains.LIEN_THONG_PROCESS
    assert validate_process(process) == []

    def action(step_id: str, action_id: str) -> tuple[ActionKind, int, Role]:
        step = process.step(step_id)
        a = step.action(action_id)
        return a.kind, int(process.step(a.to_step).status), step.performer(a)

    entry = process.entry_step(direct=True)
    assert (entry.id, int(entry.status)) == ("chuyen_lien_thong", 2)
    assert process.step(process.step("cho_tiep_nhan").action("tiep_nhan").to_step) == entry
    assert action("chuyen_lien_thong", chains.START_ACTION) == (ActionKind.SUBMIT, 4, Role.DESK)
    # The flow's own actions are not the desk's: only the flow (or an operator repairing it) takes them
    assert action("lien_thong", chains.SUPPLEMENT_ACTION) == (ActionKind.REQUEST_SUPPLEMENT, 5, Role.OPERATOR)
    assert action("lien_thong", chains.COMPLETE_ACTION) == (ActionKind.ISSUE_RESULT, 9, Role.OPERATOR)
    assert action("lien_thong", chains.STOP_ACTION) == (ActionKind.STOP, 8, Role.OPERATOR)
    assert action("cho_bo_sung", "nhan_bo_sung") == (ActionKind.RECEIVE_SUPPLEMENT, 4, Role.DESK)
