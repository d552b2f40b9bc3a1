"""The unit's "Việc cần làm" counters through the route, against moto: due soon and overdue by the
role holding each dossier (read from the deadline-sorted worklist index), supplemented dossiers
waiting for the officer and the month's resolved dossiers (counters moved in each dossier's
own transaction)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from chalicelib.documents import service as documents
from chalicelib.notifications.counters import partition, shard_of
from chalicelib.services import dossiers as dossier_service
from chalicelib.store.models import CounterItem
from tests.integration.notifications.conftest import UNIT, World, account, answer, officer


def counters(world: World, at: dt.datetime, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(dossier_service, "now", lambda: at)
    response = world.call("GET", "/v1/units/000.00.13.H29/counters", role="head")
    assert response.status_code == 200
    return answer(response)


def test_the_counters_follow_a_dossier_from_due_soon_to_resolved(world: World,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    dossier = world.desk_dossier()  # 1.001193: one working day, at the desk's forwarding step
    assert dossier.due_at is not None
    before, after = dossier.due_at - dt.timedelta(minutes=1), dossier.due_at + dt.timedelta(minutes=1)
    soon = counters(world, before, monkeypatch)
    assert soon["deadlines"] == {"2#desk": {"due_soon": 1, "overdue": 0}}
    assert soon["due_soon_in_process"] == 0 and soon["overdue_in_process"] == 0, "status 2 is not in process"

    world.act(dossier.code, "desk", "chuyen_phong")
    late = counters(world, after, monkeypatch)
    assert late["deadlines"] == {"4#head": {"due_soon": 0, "overdue": 1}} and late["overdue_in_process"] == 1
    assert counters(world, before, monkeypatch)["due_soon_in_process"] == 1
    far = counters(world, dossier.due_at - dt.timedelta(days=7), monkeypatch)
    assert far["deadlines"] == {} and far["due_soon_in_process"] == 0

    world.act(dossier.code, "head", "phan_cong", assignee=account("appraiser")["sub"])
    world.act(dossier.code, "appraiser", "yeu_cau_bo_sung", reason="Thiếu giấy chứng sinh")
    assert counters(world, before, monkeypatch)["supplemented_by_role"] == {}
    world.act(dossier.code, "desk", "nhan_bo_sung")
    waiting = counters(world, before, monkeypatch)
    assert waiting["supplemented_by_role"] == {"appraiser": 1}
    assert waiting["by_status_and_role"] == {"4#appraiser": 1}

    documents.issue_result(dossier.code, officer("appraiser"))  # no result, no issue; the approval signs it
    for role, action in (("appraiser", "trinh"), ("head", "trinh_lanh_dao"), ("leader", "phe_duyet"),
                         ("clerk", "phat_hanh")):
        world.act(dossier.code, role, action)
    now = dossier_service.dossiers.get(dossier.code).finished_at  # type: ignore[union-attr]
    assert now is not None
    done = counters(world, now, monkeypatch)
    assert done["supplemented_by_role"] == {}
    resolved = done["resolved_this_month"]
    assert resolved["month"] == f"{now.astimezone(dt.timezone(dt.timedelta(hours=7))):%Y-%m}"
    assert resolved["early"] + resolved["on_time"] == 1 and resolved["late"] == 0
    assert done["by_status"] == {"9": 1} and done["deadlines"] == {}
    next_month = counters(world, now + dt.timedelta(days=32), monkeypatch)["resolved_this_month"]
    assert (next_month["early"], next_month["on_time"], next_month["late"]) == (0, 0, 0)


def test_dossiers_in_different_shards_count_in_different_items_and_the_route_sums_them(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    first = world.desk_dossier()
    made = [first, world.desk_dossier()]
    while shard_of(made[-1].code) == shard_of(first.code):
        made.append(world.desk_dossier())
    second = made[-1]
    key = f"S#{first.status:02d}#R#{first.step_role}"
    assert partition(UNIT, first.code) != partition(UNIT, second.code)
    for d in (first, second):
        in_shard = sum(shard_of(m.code) == shard_of(d.code) for m in made)
        assert CounterItem.get(partition(UNIT, d.code), key, consistent_read=True).n == in_shard, "its shard's item"
    # the legacy unsharded item (written before the sharding, never again) is part of the sum
    CounterItem(pk=f"AGG#{UNIT}", sk=key, n=5).save()
    total = counters(world, first.submitted_at, monkeypatch)["by_status_and_role"]
    assert total == {f"{first.status}#{first.step_role}": 5 + len(made)}
