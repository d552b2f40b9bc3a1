"""Sync lag: commit → received, per destination, read from both ends after the fact.

The commit of step ``seq`` is the time of its audit event (written in the dossier's own
transaction). The destination's receipt is the simulator's own record of the
``CapNhatTienDoHoSoMC`` call that brought the step (its ``history``, timestamped to the
millisecond by the simulator when it accepted the call). The simulator accepts a dossier's
progress records in order and keeps each step once, so its k-th accepted progress record is
step k + 1; a dossier whose steps have not all arrived is counted apart (``incomplete``).

This is what the ``SyncLag`` metric approximates from hoso's side (commit → acknowledgement,
one round trip later)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import requests

from local.simulators import province_simulator
from local.simulators.accounts import DEMO_UNITS, HCMC_UNIT

# The bench's dossiers are TP HCM's (000.00.13.H29): its province's system is the third destination.
DESTINATIONS = ("dvcqg", "coordinator",
                province_simulator(next(u["province_code"] for u in DEMO_UNITS if u["code"] == HCMC_UNIT)))
PROGRESS = "CapNhatTienDoHoSoMC"


@dataclass
class Lags:
    ms: list[float] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)


def received(simulator_url: str, code: str) -> list[datetime]:
    """When the destination accepted each progress record of ``code``, in step order."""
    answer = requests.get(f"{simulator_url}/_sim/records/{code}", timeout=10)
    if answer.status_code == 404:
        return []
    answer.raise_for_status()
    return [datetime.fromisoformat(h["at"]) for h in answer.json()["history"] if h["service"] == PROGRESS]


def measure(simulators: dict[str, str], codes: list[str],
            commits_of: Callable[[str], list[datetime]]) -> dict[str, Lags]:
    """Lags of every step of ``codes`` at each destination (``simulators``: name → base URL;
    ``commits_of(code)``: the commit time of each step, in order)."""
    out = {name: Lags() for name in simulators}
    for code in codes:
        commits = commits_of(code)
        for name, url in simulators.items():
            arrivals = received(url, code)
            if len(arrivals) < len(commits):
                out[name].incomplete.append(code)
            out[name].ms += [(got - at).total_seconds() * 1000 for at, got in zip(commits, arrivals, strict=False)]
    return out


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50": round(statistics.median(values), 1), "p95": round(percentile(values, 95), 1),
            "max": round(max(values), 1)}
