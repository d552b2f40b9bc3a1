"""The daily anchor (issue 15) as deployed: the real app runs it hourly (it anchors each finished day
once, resuming an unfinished one), and its role may read the day index (dossiers), query the
append-only access log (never write it) and write the results bucket — the one with Object Lock
(tests/infra/test_resources.py) — and nothing else."""

from __future__ import annotations

from tests.infra.conftest import Synth
from tests.infra.test_functions import _event, _functions, _grants, _touched


def test_the_anchor_runs_every_hour_to_finish_any_day_left_unfinished(repo: Synth) -> None:
    assert _event(repo, "integrity_anchor_day")["Properties"]["Schedule"] == "rate(1 hour)"


def test_the_anchor_writes_only_the_results_bucket(full: Synth) -> None:
    grants = _grants(full, _functions(full)["integrity_anchor_day"])
    assert _touched(grants, "s3:PutObject", "bucket") == {"results"}
    assert _touched(grants, "dynamodb:PutItem", "table") == set(), "it only reads the day indexes"
    assert _touched(grants, "dynamodb:Query", "table") == {"dossiers", "accesslog"}
