"""Specialised software's outages (chalicelib/specialised, docs/specialised-outage.md): operators are
alarmed while a software has an open incident — a failed hand-over or a silent software. The watch
(``specialised_watch``, every 5 minutes) writes the gauge ``SpecialisedIncidentsOpen``; the alarm is
in ALARM while it is above zero and returns to OK by itself when the incident resolves."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk

from infra import monitoring

OPEN_METRIC = "SpecialisedIncidentsOpen"  # chalicelib/specialised/watch.py
ALARM_ID = "specialised-incident-open"
RUNBOOK = "docs/runbooks/specialised-outage.md"
PERIOD = cdk.Duration.minutes(5)  # the watch's rate


def add_incident_alarms(stack: Any) -> None:
    monitoring.Alarms(stack).alarm(
        ALARM_ID, monitoring.app_metric(OPEN_METRIC, "Maximum", PERIOD),
        "A specialised software is down or silent: hoso keeps its dossiers (queued or held) and officers see a "
        "banner; they may continue the affected dossiers in hoso.",
        "Open Vận hành → Sự cố phần mềm chuyên ngành (GET /v1/ops/specialised/incidents), tell the software's "
        "operator; nothing to redrive — the watch catches up and resolves the incident when it answers again.",
        RUNBOOK)
