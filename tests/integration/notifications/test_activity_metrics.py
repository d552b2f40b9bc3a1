"""The operations dashboard's intake rate and transitions (infra/monitoring.py) come from metrics
the use cases write the moment they complete — one EMF line each on the function's output,
which CloudWatch turns into metrics — since nothing flushes a buffer at the end of an API
request."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.errors import HosoError
from infra import monitoring
from tests.integration.notifications.conftest import World


def emitted(out: str) -> list[dict[str, Any]]:
    """The CloudWatch embedded-metric-format records among the captured output lines."""
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{") and '"_aws"' in line]
    return [r for r in records if "CloudWatchMetrics" in r["_aws"]]


def counts(out: str) -> dict[str, float]:
    totals: dict[str, float] = {}
    for record in emitted(out):
        (directive,) = record["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == monitoring.NAMESPACE
        assert directive["Dimensions"] == [["service"]] and record["service"] == monitoring.SERVICE
        for metric in directive["Metrics"]:
            value = record[metric["Name"]]
            totals[metric["Name"]] = totals.get(metric["Name"], 0) + sum(value if isinstance(value, list) else [value])
    return totals


def test_intakes_and_steps_are_counted_when_they_commit(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    dossier = world.desk_dossier()
    assert counts(capsys.readouterr().out) == {"DossierReceived": 1}
    world.online_dossier("G22.99.99-260101-000777")
    assert counts(capsys.readouterr().out) == {"DossierReceived": 1}
    world.act(dossier.code, "desk", "chuyen_phong")
    assert counts(capsys.readouterr().out) == {"DossierTransition": 1}


def test_a_refused_step_is_not_counted(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    dossier = world.desk_dossier()
    capsys.readouterr()
    with pytest.raises(HosoError):
        world.act(dossier.code, "desk", "no_such_action")
    assert "DossierTransition" not in counts(capsys.readouterr().out)
