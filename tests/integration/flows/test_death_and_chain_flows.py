"""The death chain with the 2, 3 or 4 procedures the applicant chose, and a configured chain
whose second stage is a parallel group — on the generic state machine, from configuration."""

from __future__ import annotations

import pytest

from chalicelib.flows import store
from chalicelib.store import dossiers
from tests.integration.flows.conftest import CHAIN_PROCEDURE, World, timing


def _handed_over(world: World, code: str) -> list[str]:
    state = store.get_state(code)
    return sorted(state.steps) if state else []


@pytest.mark.parametrize(
    ("chosen", "steps"),
    [
        ([], ["khai_tu", "xoa_thuong_tru"]),
        (["tu_tuat"], ["khai_tu", "tu_tuat", "xoa_thuong_tru"]),
        (["mai_tang", "tu_tuat"], ["khai_tu", "mai_tang", "tu_tuat", "xoa_thuong_tru"]),
    ],
    ids=["2-procedures", "3-procedures", "4-procedures"],
)
def test_death_chain_runs_the_chosen_procedures(world: World, chosen: list[str], steps: list[str]) -> None:
    parent = world.open_parent("1.000656")
    world.start(parent.code, timing("death_flow"), chosen=chosen)
    world.finish_child(world.until("death registration", lambda: world.child_of(parent.code, "khai_tu")))
    assert world.callback(world.handover(parent.code, "xoa_thuong_tru")["task_token"], "success").status_code == 200
    if "mai_tang" in chosen:
        funeral = world.until("funeral allowance", lambda: world.child_of(parent.code, "mai_tang"))
        child = dossiers.get(funeral)
        assert child is not None and (child.procedure_code, child.process_code) == ("1.002076", "QT-MAC-DINH")
        world.finish_child(funeral, "quyet-dinh-ho-tro-mai-tang.pdf")
    if "tu_tuat" in chosen:
        assert world.callback(world.handover(parent.code, "tu_tuat")["task_token"], "success").status_code == 200

    execution = world.until("finished", lambda: world.finished(parent.code))
    assert execution["status"] == "SUCCEEDED"
    assert _handed_over(world, parent.code) == steps
    assert [h["step"] for h in world.handovers(parent.code)] == [s for s in ("xoa_thuong_tru", "tu_tuat")
                                                                 if s in steps]  # fmt: skip
    done = dossiers.get(parent.code)
    assert done is not None and done.status == 9
    assert len([d for d in done.documents if d.kind == "result"]) == len(steps)


def test_a_configured_chain_runs_a_parallel_group(world: World) -> None:
    parent = world.open_parent(CHAIN_PROCEDURE)
    state = world.start(parent.code, timing("khai_sinh_song_song"))
    assert state.state_machine == "chain_flow"
    assert world.execution(parent.code)["stateMachineArn"] == world.machines["chain_flow"]
    world.finish_child(world.until("birth registration", lambda: world.child_of(parent.code, "khai_sinh")))

    # Both steps of the second stage are handed over before either answers
    both = world.until("both hand-overs", lambda: len(world.handovers(parent.code)) == 2 and world.handovers(
        parent.code))  # fmt: skip
    assert sorted(h["step"] for h in both) == ["bhyt", "thuong_tru"]
    assert world.finished(parent.code) is None
    by_step = {h["step"]: h for h in both}
    assert world.callback(by_step["bhyt"]["task_token"], "success").status_code == 200
    state = world.until("bhyt done", lambda: (s := store.get_state(parent.code)) and s.steps["bhyt"].status == "done"
                        and s)  # fmt: skip
    assert state.steps["thuong_tru"].status == "handed_over"  # the group waits for its other step
    assert world.finished(parent.code) is None
    assert world.callback(by_step["thuong_tru"]["task_token"], "success").status_code == 200

    assert world.until("finished", lambda: world.finished(parent.code))["status"] == "SUCCEEDED"
    done = dossiers.get(parent.code)
    assert done is not None and done.status == 9
    assert len([d for d in done.documents if d.kind == "result"]) == 3
