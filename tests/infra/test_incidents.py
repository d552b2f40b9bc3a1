"""Specialised software's outages as deployed (infra/incidents.py): the watch runs every 5 minutes with
what it needs and nothing more, and an open incident alarms the operators, pointing at the runbook."""

from __future__ import annotations

from pathlib import Path

from infra.incidents import ALARM_ID, OPEN_METRIC, RUNBOOK
from infra.resources import REPO_ROOT, physical_name
from tests.infra.conftest import STAGE, Synth
from tests.infra.test_functions import _event


def test_the_watch_runs_every_five_minutes(repo: Synth) -> None:
    assert _event(repo, "specialised_watch")["Properties"]["Schedule"] == "rate(5 minutes)"


def test_an_open_incident_alarms_the_operators_with_the_runbook(repo: Synth) -> None:
    (alarm,) = [r["Properties"] for r in repo.resources("AWS::CloudWatch::Alarm").values()
                if r["Properties"].get("MetricName") == OPEN_METRIC]
    assert alarm["AlarmName"] == physical_name(STAGE, ALARM_ID)
    assert (alarm["Namespace"], alarm["Statistic"], alarm["Period"]) == ("hoso", "Maximum", 300)
    assert alarm["Threshold"] == 0 and alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["TreatMissingData"] == "notBreaching"
    topic = repo.alarm_topic()
    assert alarm["AlarmActions"] == [{"Ref": topic}]
    assert RUNBOOK in alarm["AlarmDescription"] and (REPO_ROOT / Path(RUNBOOK)).is_file()
