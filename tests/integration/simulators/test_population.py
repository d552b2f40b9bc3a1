"""The population database simulator: auto-fill data by personal number."""

from __future__ import annotations

import re

import requests

from local.simulators.accounts import DEMO_ACCOUNTS
from local.simulators.citizens import DEMO_CITIZENS

KEY = {"X-Api-Key": "dev-population-key"}
FIELDS = {"SoDinhDanh", "HoVaTen", "NgaySinh", "GioiTinh", "QuocTich", "QueQuan", "NoiThuongTru"}


def get(url: str, number: str, headers: dict[str, str] | None = None) -> requests.Response:
    """The look-up: the number in the body, never in the URL."""
    return requests.post(f"{url}/v1/citizens/search", json={"SoDinhDanh": number},
                         headers=KEY if headers is None else headers, timeout=5)


def test_the_number_is_taken_from_the_body_only(sims: dict[str, str]) -> None:
    url = sims["population"]
    number = DEMO_CITIZENS[0]["SoDinhDanh"]
    assert requests.get(f"{url}/v1/citizens/{number}", headers=KEY, timeout=5).status_code == 404
    assert requests.post(f"{url}/v1/citizens/search?SoDinhDanh={number}", headers=KEY, timeout=5).json()[
        "error_code"] == "INVALID_ID"
    assert requests.post(f"{url}/v1/citizens/search", data="khong-phai-json", headers=KEY, timeout=5).json()[
        "error_code"] == "INVALID_ID"


def test_demo_citizens_and_officers_are_found_as_they_are_elsewhere(sims: dict[str, str]) -> None:
    url = sims["population"]
    for citizen in DEMO_CITIZENS:
        assert get(url, citizen["SoDinhDanh"]).json() == citizen
    officer = DEMO_ACCOUNTS[3]
    found = get(url, officer["SoDinhDanh"]).json()
    assert found["HoVaTen"] == officer["HoVaTen"] and found["SoDienThoai"] == officer["SoDienThoai"]


def test_other_numbers_give_deterministic_consistent_data(sims: dict[str, str]) -> None:
    url = sims["population"]
    first = get(url, "038302123456")
    assert first.status_code == 200
    person = first.json()
    assert person == get(url, "038302123456").json()
    assert FIELDS <= person.keys()
    assert person["SoDinhDanh"] == "038302123456"
    assert re.fullmatch(r"\d{2}/\d{2}/2002", person["NgaySinh"])  # G=3: born in the 2000s, YY=02
    assert person["GioiTinh"] == "Nữ"  # odd G: female
    assert person["QueQuan"] == "Tỉnh Thanh Hóa"  # PPP 038
    assert not person["HoVaTen"].isascii()
    assert get(url, "038002123456").json()["GioiTinh"] == "Nam"


def test_unknown_bad_and_unauthorised_requests(sims: dict[str, str]) -> None:
    url = sims["population"]
    unknown = get(url, "001090000000")
    assert unknown.status_code == 404 and unknown.json()["error_code"] == "NOT_FOUND"
    assert get(url, "003090123456").status_code == 404  # 003 is no province code
    assert get(url, "001299123456").status_code == 404  # born in 2099
    assert get(url, "12345").json()["error_code"] == "INVALID_ID"
    wrong = get(url, "001090012345", {"X-Api-Key": "guess"})
    assert wrong.status_code == 401 and wrong.json()["error_code"] == "UNAUTHORIZED"
    assert get(url, "001090012345", {}).status_code == 401
    lookups = requests.get(f"{url}/_sim/records", timeout=5).json()["lookups"]
    assert [entry["status"] for entry in lookups] == [404, 404, 404, 400, 401, 401]


def test_failure_modes(sims: dict[str, str]) -> None:
    url = sims["population"]
    requests.post(f"{url}/_sim/mode", json={"fail_next": 1}, timeout=5).raise_for_status()
    assert get(url, "001090012345").status_code == 500
    assert get(url, "001090012345").status_code == 200
    requests.post(f"{url}/_sim/mode", json={"down": True}, timeout=5).raise_for_status()
    assert get(url, "001090012345").status_code == 503
