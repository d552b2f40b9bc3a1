"""The status chart as administered, versioned data through hoso's API on moto (FR-4.2): the
ministry's administrator publishes version 2 (checked first; a province's administrator cannot);
new process versions are checked against it; a dossier on a process checked against version 1
still moves under version 1."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.domain.statuses import DEFAULT_CHART
from chalicelib.store import catalogue
from local.simulators.accounts import HCMC_UNIT, MINISTRY_UNIT
from tests.integration.reports.conftest import World, answer

PATH = "/v1/admin/status-chart"


def chart_v2() -> dict[str, Any]:
    """Version 2: a received dossier no longer goes straight to processing (2 → 4 removed)."""
    data = DEFAULT_CHART.model_dump(mode="json")
    kept = [t for t in data["transitions"] if (t["source"], t["target"]) != (2, 4)]
    return {**data, "version": 2, "transitions": kept}


def test_the_ministry_publishes_a_chart_version_and_dossiers_keep_their_processs_chart(world: World) -> None:
    shown = answer(world.call("GET", PATH, "province_admin", HCMC_UNIT))
    assert shown["latest_version"] == 1 and shown["chart"]["version"] == 1
    assert world.call("POST", PATH, "province_admin", HCMC_UNIT, chart_v2()).status_code == 403
    broken = {**chart_v2(), "terminal": [3, 7, 8, 10, 9]}
    refused = world.call("POST", PATH, "admin", MINISTRY_UNIT, broken)
    assert refused.status_code == 422, refused.body
    assert [p["code"] for p in answer(refused)["chart_problems"]] == ["TERMINAL_HAS_TRANSITION"]
    assert world.call("POST", PATH, "admin", MINISTRY_UNIT, {**chart_v2(), "version": 3}).status_code == 422
    catalogue.clear_cache()
    assert answer(world.call("GET", PATH, "admin", MINISTRY_UNIT))["latest_version"] == 1

    dossier = world.desk_dossier()  # on the default process, checked against chart 1
    published = world.call("POST", PATH, "admin", MINISTRY_UNIT, chart_v2())
    assert published.status_code == 201, published.body
    again = world.call("POST", PATH, "admin", MINISTRY_UNIT, chart_v2())  # version 2 exists: the next is 3
    assert again.status_code == 422 and [p["code"] for p in answer(again)["chart_problems"]] == ["CHART_VERSION"]
    shown = answer(world.call("GET", PATH, "admin", MINISTRY_UNIT))
    assert shown["latest_version"] == 2 and [v["version"] for v in shown["versions"]] == [1, 2]
    assert answer(world.call("GET", f"{PATH}?version=1", "admin", MINISTRY_UNIT))["chart"]["version"] == 1

    # the received dossier moves on to processing under its process's chart (version 1)
    assert world.act(dossier.code, "desk", "chuyen_phong").status == 4

    # a new process version is checked against version 2: the same move is refused there
    process = {**DEFAULT_PROCESS.model_dump(mode="json"), "code": "QT-THEO-LUU-DO-2", "version": 1,
               "published_at": None, "published_by": None}
    stale = world.call("POST", "/v1/admin/processes", "admin", MINISTRY_UNIT, process)
    assert stale.status_code == 422
    assert "CHART_VERSION_MISMATCH" in [e["code"] for e in answer(stale)["process_errors"]]
    current = world.call("POST", "/v1/admin/processes", "admin", MINISTRY_UNIT, {**process, "chart_version": 2})
    assert current.status_code == 422
    assert [e["code"] for e in answer(current)["process_errors"]] == ["TRANSITION_NOT_ALLOWED"]
