"""When the specialised software is down, processing goes on (issue 17 item 7): the simulator (a real
HTTP server) goes down → the hand-over fails its retries → an incident opens with the dossiers →
officers see it and continue a dossier in hoso → the software comes back → the watch probes, pushes
what waited, sends the continued dossier's state → the incident resolves. Then a silent software."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests

from chalicelib.errors import HosoError
from chalicelib.flows import hooks
from chalicelib.specialised import model, outage, push, store, watch
from chalicelib.store import dossiers
from local.simulators.accounts import HANOI_UNIT
from local.simulators.base import RunningServer
from tests.integration.partners.conftest import UNIT, World, officer
from tests.integration.partners.test_push import hoso_url, software  # noqa: F401 (fixtures)


@pytest.fixture
def sim(software: RunningServer) -> RunningServer:  # noqa: F811 (the fixture imported above)
    return software


def _mode(sim: RunningServer, **mode: Any) -> None:
    requests.post(f"{sim.url}/_sim/mode", json=mode, timeout=10).raise_for_status()


def _records(sim: RunningServer) -> dict[str, Any]:
    return dict(requests.get(f"{sim.url}/_sim/records", timeout=10).json()["dossiers"])


def _labels(code: str) -> list[str]:
    return [e.label for e in dossiers.events(code)]


def test_down_incident_continue_back_caught_up_resolved(world: World, sim: RunningServer) -> None:
    _mode(sim, down=True)
    first = world.dossier().code
    for _ in range(model.HANDOVER_ATTEMPTS - 1):  # the signal fails and the queue redelivers it
        with pytest.raises(push.agencies.AgencyUnavailable):
            hooks.on_dossier_changed(first)
    hooks.on_dossier_changed(first)  # the last retry: queued, the signal acknowledged (no DLQ)
    assert store.get_handover(first).state == "queued"
    assert outage.QUEUED_LABEL in _labels(first)
    hooks.on_dossier_changed(first)  # its own note's signal: nothing pushed while queued

    second = world.dossier().code
    hooks.on_dossier_changed(second)  # the software has an open incident: queued at the first failure
    (incident,) = outage.for_operators()
    assert (incident["system"], incident["kind"], incident["state"]) == ("ho-tich-sw", "handover_failed", "open")
    assert {d["code"] for d in incident["dossiers"]} == {first, second}

    # officers of the unit see it; another unit's do not
    (seen,) = outage.for_officer(officer("desk"))
    assert "đang gặp sự cố" in seen["message"] and {d["unit_code"] for d in seen["dossiers"]} == {UNIT}
    assert outage.for_officer(officer("desk", HANOI_UNIT)) == []

    # the held dossier waits for a decision; the officer continues it in hoso with a reason
    with pytest.raises(HosoError) as held:
        world.act(second, "desk", "chuyen_phong")
    assert held.value.code == "SPECIALISED_INCIDENT"
    with pytest.raises(HosoError) as no_reason:
        outage.continue_in_hoso(second, "  ", officer("desk"))
    assert no_reason.value.status == 422
    outage.continue_in_hoso(second, "Người nộp cần kết quả đúng hẹn.", officer("desk"))
    assert world.act(second, "desk", "chuyen_phong").step_id == "phan_cong"
    (seen,) = outage.for_officer(officer("desk"))  # still affected (the software is down), no longer waiting
    assert {d["code"]: d["continued"] for d in seen["dossiers"]} == {first: False, second: True}
    with pytest.raises(HosoError) as again:
        outage.continue_in_hoso(second, "lần hai", officer("desk"))
    assert again.value.code == "SPECIALISED_ALREADY_CONTINUED"

    # still down: the watch's probe fails, the incident stays open
    assert watch.run()["open"] == 1
    assert store.get_handover(first).state == "queued"

    # back: the probe pushes the oldest queued dossier, the incident resolves, the catch-up reconciles
    _mode(sim, down=False)
    summary = watch.run()
    assert summary["open"] == 0 and (summary["pushed"], summary["reconciled"]) == (1, 1)
    records = _records(sim)
    assert records[first]["pushes"] == 1 and store.get_handover(first).state == "waiting"
    (state,) = records[second]["states"]
    assert state["state"]["step"] == "phan_cong"  # the officers' work, not undone
    assert state["state"]["continued_in_hoso"]["reason"] == "Người nộp cần kết quả đúng hẹn."
    assert store.get_handover(second).state == "reconciled"
    assert watch.RECONCILED_LABEL in _labels(second)
    hooks.on_dossier_changed(second)  # reconciled: never pushed again as new
    assert _records(sim)[second]["pushes"] == 1
    assert [i["state"] for i in outage.for_operators()] == ["resolved"]
    assert outage.for_officer(officer("desk")) == []
    assert world.act(first, "desk", "chuyen_phong").step_id == "phan_cong"  # no longer held


def test_a_silent_software_opens_an_incident_until_it_reports_again(world: World, sim: RunningServer) -> None:
    code = world.dossier().code
    hooks.on_dossier_changed(code)
    assert store.get_handover(code).state == "waiting"
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=model.DEFAULT_SILENT_AFTER_MINUTES + 1)
    assert watch.run(later)["silent"] == 1
    (incident,) = outage.for_operators()
    assert incident["kind"] == "silent" and [d["code"] for d in incident["dossiers"]] == [code]
    assert outage.SILENT_LABEL in _labels(code)
    watch.run(later)  # idempotent: no second incident, no second note
    assert len(outage.for_operators()) == 1 and _labels(code).count(outage.SILENT_LABEL) == 1

    # a dossier officers process in hoso does not wait for the software's word: never silent
    other = world.dossier().code
    hooks.on_dossier_changed(other)
    world.act(other, "desk", "chuyen_phong")
    assert store.get_handover(other).state == "answered"
    assert watch.run(later)["silent"] == 0

    # it answers again: a report resolves the incident
    answer = requests.post(f"{sim.url}/_sim/report/{code}", json={"kind": "results", "note": "Đã ký."}, timeout=30)
    assert answer.json()["answer"]["status"] == 200, answer.text
    assert [i["state"] for i in outage.for_operators()] == ["resolved"]
    assert store.get_handover(code).state == "answered"
