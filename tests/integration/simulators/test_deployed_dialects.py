"""Issue 17 item 8 and §7.11 on the simulators: success written "00", the LGSP envelope, the
receipt number, and one simulator per province with its own account."""

from __future__ import annotations

from typing import Any

import requests

from local.simulators import LOCAL_PROVINCES, province_simulator
from tests.integration.simulators.test_dvcqg import CODE, UNIT, call, dossier, login, sync


def mode(url: str, **modes: Any) -> None:
    requests.post(f"{url}/_sim/mode", json=modes, timeout=5).raise_for_status()


def lgsp(url: str, session: str, service: str, records: Any, **query: str) -> requests.Response:
    return requests.post(f"{url}/lgsp/{service}", params={"MaDinhDanhDV": UNIT, **query}, json=records,
                         headers={"Authorization": f"Bearer {session}"}, timeout=5)  # fmt: skip


def test_success_is_written_00_on_demand(sims: dict[str, str]) -> None:
    url = sims["coordinator"]
    mode(url, success_code="00")
    answer = requests.post(f"{url}/login", json={"username": "hoso", "password": "hoso-dev"}, timeout=5).json()
    assert answer["error_code"] == "00"
    assert sync(url, answer["session"], "False", dossier())["error_code"] == "00"
    assert sync(url, answer["session"], "False", dossier())["error_code"] == 422  # failures stay integers
    mode(url, success_code="0")
    assert sync(url, login(url), "True", dossier())["error_code"] == 0
    assert requests.post(f"{url}/_sim/mode", json={"success_code": "000"}, timeout=5).status_code == 400


def test_the_lgsp_envelope_is_accepted_only_in_lgsp_mode(sims: dict[str, str]) -> None:
    url = sims["coordinator"]
    session = login(url)
    assert lgsp(url, session, "DongBoHoSoMC", [dossier()], isUpdating="False").json()["error_code"] == 422
    mode(url, envelope="lgsp")
    assert call(url, session, "DongBoHoSoMC", isUpdating="False", data=[dossier()]).json()["error_code"] == 422
    assert lgsp(url, session, "DongBoHoSoMC", [dossier()], isUpdating="False").json()["error_code"] == 0
    looked_up = lgsp(url, session, "TraCuuHoSo", [], MaHoSo=CODE).json()
    assert looked_up["data"]["HoSo"]["MaHoSo"] == CODE
    assert lgsp(url, session, "DongBoHoSoMC", {"data": [dossier()]}, isUpdating="True").status_code == 400
    assert lgsp(url, "not-a-session", "DongBoHoSoMC", [dossier()], isUpdating="True").json()["error_code"] == 401
    calls = requests.get(f"{url}/_sim/records", timeout=5).json()["calls"]
    assert [c["envelope"] for c in calls if c["service"] == "DongBoHoSoMC"] == ["lgsp", "direct", "lgsp", "lgsp"]
    violations = requests.get(f"{url}/_sim/violations", timeout=5).json()
    assert [v["field"] for v in violations] == ["envelope", "envelope"]


def test_a_received_dossier_needs_its_receipt_number(sims: dict[str, str]) -> None:
    url = sims["dvcqg"]
    answer = sync(url, login(url), "False", dossier(SoBienNhan=""))
    assert answer["error_code"] == 422
    assert [e["field"] for e in answer["errors"]] == ["data[0].SoBienNhan"]


def test_each_province_has_its_own_simulator_and_account(sims: dict[str, str]) -> None:
    assert len(LOCAL_PROVINCES) >= 3
    for code in LOCAL_PROVINCES:
        url = sims[province_simulator(code)]
        assert requests.post(f"{url}/login", json={"username": "hoso", "password": "hoso-dev"},
                             timeout=5).json()["error_code"] == 403  # fmt: skip
        answer = requests.post(f"{url}/login", json={"username": f"tinh-{code}", "password": f"tinh-{code}-dev"},
                               timeout=5).json()  # fmt: skip
        assert answer["error_code"] == 0
    assert len({sims[province_simulator(c)] for c in LOCAL_PROVINCES}) == len(LOCAL_PROVINCES)
