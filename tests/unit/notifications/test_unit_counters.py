"""The unit's "Việc cần làm" counters (FR-20): what a dossier counts in — supplemented and waiting
for the officer, resolved early / on time / late in its month — and, over random real lifecycles,
that the counters the transactions move always equal a recount of the dossiers."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from itertools import pairwise

from hypothesis import HealthCheck, given, settings

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.roles import Role
from chalicelib.notifications.counters import (
    SHARDS,
    DeadlineCounts,
    UnitCounts,
    clock_statuses,
    deadline_counts,
    deltas,
    keys_of,
    partition,
    read_partitions,
    recount,
    shard_of,
    supplemented,
)
from tests.unit.engine.test_engine import T0, act, new_dossier
from tests.unit.test_reports_aggregates import histories


def in_appraisal() -> Dossier:
    d = act(new_dossier(direct=True), "chuyen_phong")
    return act(d, "phan_cong", assignee="officer-1", assignee_name="Chuyên viên A")


def test_a_received_supplement_counts_until_someone_acts_on_the_dossier() -> None:
    asked = act(in_appraisal(), "yeu_cau_bo_sung", reason="Thiếu bản sao giấy chứng sinh")
    assert not supplemented(asked) and "BS#R#appraiser" not in keys_of(asked), "the applicant has it"
    received = act(asked, "nhan_bo_sung", at=T0 + dt.timedelta(days=2))
    assert supplemented(received)
    assert keys_of(received) == {"S#04#R#appraiser", "BS#R#appraiser"}
    assert deltas(asked, received) == [("S#05#R#desk", -1), ("BS#R#appraiser", 1), ("S#04#R#appraiser", 1)]
    examined = act(received, "trinh", at=T0 + dt.timedelta(days=3))
    assert not supplemented(examined)
    assert deltas(received, examined) == [("BS#R#appraiser", -1), ("S#04#R#appraiser", -1), ("S#04#R#head", 1)]


def test_a_corrected_online_dossier_counts_as_supplemented_at_the_desk() -> None:
    asked = act(new_dossier(direct=False), "yeu_cau_chinh_sua", reason="Ảnh chụp tờ khai bị mờ")
    received = act(asked, "tiep_nhan", at=T0 + dt.timedelta(hours=3))
    assert keys_of(received) == {"S#02#R#desk", "BS#R#desk"}


def test_a_resolved_dossier_counts_in_its_month_by_outcome_and_delivery_moves_nothing() -> None:
    d = in_appraisal()
    for action_id in ("trinh", "trinh_lanh_dao", "phe_duyet"):
        d = act(d, action_id)
    issued = act(d, "phat_hanh", at=dt.datetime(2026, 8, 10, 10, 0, tzinfo=VN_TZ))
    assert "KQ#2026-08#early" in keys_of(issued)
    delivered = act(issued, "tra_ket_qua", at=dt.datetime(2026, 9, 1, 8, 0, tzinfo=VN_TZ))
    assert deltas(issued, delivered) == [("S#09#R#desk", -1), ("S#10#R#desk", 1)], "the outcome stays"
    late = act(d, "phat_hanh", at=dt.datetime(2026, 9, 1, 0, 30, tzinfo=VN_TZ))  # still 31 August in UTC
    assert "KQ#2026-09#late" in keys_of(late)


def test_stored_counters_read_back_by_kind() -> None:
    counts = UnitCounts()
    for key, n in (("S#04#R#head", 3), ("S#05#R#desk", 0), ("BS#R#appraiser", 2), ("KQ#2026-08#late", 1),
                   ("KQ#2026-08#on_time", 4), ("KQ#2026-08#bogus", 9)):
        counts.add(key, n)
    assert counts.by_status_and_role == {"4#head": 3}
    assert counts.supplemented_by_role == {"appraiser": 2}
    assert counts.resolved == {"2026-08": {"late": 1, "on_time": 4}}


def test_due_soon_and_overdue_are_split_by_status_and_the_role_holding_the_dossier() -> None:
    base = in_appraisal()
    now = T0 + dt.timedelta(days=1)
    horizon = now + dt.timedelta(hours=8)
    late = base.model_copy(update={"due_at": now - dt.timedelta(minutes=1)})
    soon = base.model_copy(update={"due_at": now + dt.timedelta(hours=2)})
    at_head = soon.model_copy(update={"step_role": Role.HEAD.value})
    far = base.model_copy(update={"due_at": horizon + dt.timedelta(minutes=1)})
    no_deadline = base.model_copy(update={"due_at": None})
    counts = deadline_counts([late, soon, soon, at_head, far, no_deadline], now, horizon)
    assert counts == {"4#appraiser": DeadlineCounts(due_soon=2, overdue=1), "4#head": DeadlineCounts(due_soon=1)}
    assert clock_statuses() == [2, 4]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_counters_equal_a_recount_after_any_lifecycle(history: tuple[list[Dossier], Counter, list[Dossier]]) -> None:
    final, _, seen = history
    counters: Counter[str] = Counter()
    states: dict[str, list[Dossier]] = {}
    for state in seen:
        states.setdefault(state.code, []).append(state)
    for path in states.values():
        for key, n in deltas(None, path[0]):
            counters[key] += n
        for before, after in pairwise(path):
            for key, n in deltas(before, after):
                counters[key] += n
    assert +counters == recount(final) and all(n >= 0 for n in counters.values())


def test_shards_are_summed_on_read_and_a_dossier_always_counts_in_the_same_shard() -> None:
    counts = UnitCounts()
    for key, n in (("S#04#R#head", 2), ("S#04#R#head", 1), ("S#04#R#head", -3), ("S#02#R#desk", 1),
                   ("S#02#R#desk", 4), ("KQ#2026-08#late", 1), ("KQ#2026-08#late", -1)):
        counts.add(key, n)  # one item per shard (and the legacy partition), as the store reads them
    assert counts.by_status_and_role == {"2#desk": 5}, "a bucket summing to zero is left out"
    assert counts.resolved == {}
    assert partition("000.00.13.H29", "000.00.13.H29-261207-0001") == partition(
        "000.00.13.H29", "000.00.13.H29-261207-0001")
    assert {shard_of(f"000.00.13.H29-261207-{i:04d}") for i in range(200)} == set(range(SHARDS))
    assert read_partitions("U")[-1] == "AGG#U" and len(read_partitions("U")) == SHARDS + 1
