"""Result templates as administered, versioned data through hoso's API on moto (issue 17 item 6):
the ministry's administrator publishes the birth registration's next template version (checked
first), a province's administrator cannot; the result drafted for a dossier then follows it."""

from __future__ import annotations

from typing import Any

from chalicelib.documents import service as documents
from chalicelib.documents.results import TEMPLATES
from chalicelib.store import catalogue
from local.simulators.accounts import HCMC_UNIT, MINISTRY_UNIT
from tests.integration.reports.conftest import World, answer, officer

PATH = "/v1/admin/result-templates/1.001193"


def _template(label: str, source: str = "form.nguoi_duoc_khai_sinh.ho_ten") -> dict[str, Any]:
    built_in = TEMPLATES["1.001193"].model_dump()
    return {**built_in, "lines": [{"label": label, "source": source}, *built_in["lines"][1:]]}


def test_the_ministry_publishes_the_next_version_and_results_follow_it(world: World) -> None:
    shown = answer(world.call("GET", PATH, "province_admin", HCMC_UNIT))
    assert (shown["version"], shown["versions"], shown["template"]["symbol"]) == (0, [], "TLKS")

    refused = world.call("POST", PATH, "province_admin", HCMC_UNIT, {"version": 1, "template": _template("Tên")})
    assert refused.status_code == 403
    bad = world.call("POST", PATH, "admin", MINISTRY_UNIT, {"version": 1, "template": _template("Tên", "form.x.y")})
    assert bad.status_code == 422 and answer(bad)["errors"][0]["field"] == "template.lines[0].source"
    skipped = world.call("POST", PATH, "admin", MINISTRY_UNIT, {"version": 2, "template": _template("Tên")})
    assert skipped.status_code == 409
    catalogue.clear_cache()
    assert answer(world.call("GET", PATH, "admin", MINISTRY_UNIT))["version"] == 0  # nothing was stored

    published = world.call("POST", PATH, "admin", MINISTRY_UNIT,
                           {"version": 1, "template": _template("Họ và tên người được khai sinh")})
    assert published.status_code == 201, published.body
    again = world.call("POST", PATH, "admin", MINISTRY_UNIT, {"version": 1, "template": _template("Khác")})
    assert again.status_code == 409  # a published version never changes
    shown = answer(world.call("GET", PATH, "admin", MINISTRY_UNIT))
    assert shown["version"] == 1 and [v["version"] for v in shown["versions"]] == [1]

    dossier = world.desk_dossier()
    drafted = documents.draft_result(dossier.code, officer("leader"))
    assert drafted["fields"][0]["label"] == "Họ và tên người được khai sinh"
