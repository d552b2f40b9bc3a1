"""Intake reads its context once (issue 16 item 3): one desk intake and one DVCQG intake each ask
the catalogue for the procedure, its eForm, the process, the unit, the province's variant and the
calendar once — never the same thing twice — and place the new dossier on its process once
(``engine.start``), the store allocating its code."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.domain import engine
from chalicelib.store import catalogue
from tests.integration.notifications.conftest import UNIT, World

# What one intake of 1.001193 at UNIT (a unit of a province) reads, by the catalogue cache's key kind.
CONTEXT = {"procedure", "eform", "process-latest", "unit", "variant", "calendar"}


def _counting(monkeypatch: pytest.MonkeyPatch) -> tuple[Counter[tuple[Any, ...]], list[str]]:
    """Every catalogue read (all go through ``catalogue._cached``, the variants' too) and every
    ``engine.start``, counted from now on."""
    reads: Counter[tuple[Any, ...]] = Counter()
    starts: list[str] = []
    cached, start = catalogue._cached, engine.start

    def counting_cached(key: tuple[Any, ...], load: Callable[[], Any]) -> Any:
        reads[key] += 1
        return cached(key, load)

    def counting_start(dossier: Any, *args: Any, **kwargs: Any) -> Any:
        starts.append(dossier.procedure_code)
        return start(dossier, *args, **kwargs)

    monkeypatch.setattr(catalogue, "_cached", counting_cached)
    monkeypatch.setattr(engine, "start", counting_start)
    return reads, starts


def _assert_read_once(reads: Counter[tuple[Any, ...]]) -> None:
    twice = {key: n for key, n in reads.items() if n > 1}
    assert twice == {}, f"read more than once in one intake: {twice}"
    assert {key[0] for key in reads} == CONTEXT


def test_a_desk_intake_reads_its_context_once_and_starts_the_process_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads, starts = _counting(monkeypatch)
    dossier = world.desk_dossier()
    _assert_read_once(reads)
    assert ("unit", UNIT) in reads and ("procedure", "1.001193") in reads
    assert starts == ["1.001193"]
    assert dossier.code.startswith(f"{UNIT}-") and dossier.status == 2


def test_a_dvcqg_intake_reads_its_context_once_and_starts_the_process_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads, starts = _counting(monkeypatch)
    dossier = world.online_dossier("G22.99-READS-0001")
    _assert_read_once(reads)
    assert starts == ["1.001193"]
    assert dossier.code.startswith(f"{UNIT}-") and dossier.dvcqg_ref == "G22.99-READS-0001"
