"""The coordinator's deep-link desk intake (SPEC §7.7): the return URL's allow-list, the address the
officer is sent back to, and the stage setting that holds the list."""

from __future__ import annotations

import pytest

from chalicelib.domain.desk_link import ReturnUrlRefused, check_return_url, origin_of, parse_origins, return_target
from chalicelib.settings import Settings
from infra.config import ConfigError, _check_return_origins, resolve

ALLOWED = parse_origins("https://dieuphoi.example.gov.vn, http://127.0.0.1:8102")


@pytest.mark.parametrize("url", [
    "https://dieuphoi.example.gov.vn/tiep-nhan/ket-qua?phien=7",
    "https://DIEUPHOI.example.gov.vn:443/ket-qua",
    "http://127.0.0.1:8102/_sim/desk-intake/return",
])  # fmt: skip
def test_a_return_url_on_an_allowed_origin_is_kept_as_given(url: str) -> None:
    assert check_return_url(url, ALLOWED) == url


@pytest.mark.parametrize("url", [
    "https://evil.example.com/ket-qua",  # another site
    "https://dieuphoi.example.gov.vn.evil.example.com/",  # the allowed name as a prefix
    "https://dieuphoi.example.gov.vn@evil.example.com/",  # the allowed name as credentials
    "https://hoso:secret@dieuphoi.example.gov.vn/ket-qua",  # credentials in the address
    "https://evil.example.com\\@dieuphoi.example.gov.vn/",  # a backslash browsers read as a slash
    "http://dieuphoi.example.gov.vn/ket-qua",  # http where https is allowed
    "https://dieuphoi.example.gov.vn:8443/",  # another port
    "http://127.0.0.1:8103/",
    "//dieuphoi.example.gov.vn/ket-qua",  # scheme-relative
    "/ho-so",  # relative
    "javascript:alert(1)",
    "https://dieuphoi.example.gov.vn/ket qua",
    "https://dieuphoi.example.gov.vn:99999/",
    "",
])  # fmt: skip
def test_a_foreign_or_ambiguous_return_url_is_refused(url: str) -> None:
    with pytest.raises(ReturnUrlRefused):
        check_return_url(url, ALLOWED)


def test_the_return_carries_the_dossier_code_and_the_reference() -> None:
    assert return_target("https://dieuphoi.example.gov.vn/ket-qua?phien=7#top", "000.00.13.H29-261207-0001",
                         "DP 42") == ("https://dieuphoi.example.gov.vn/ket-qua?phien=7&mahoso=000.00.13.H29-261207-0001"
                                      "&thamchieu=DP+42#top")  # fmt: skip
    assert return_target("http://127.0.0.1:8102/r", "X-1", None) == "http://127.0.0.1:8102/r?mahoso=X-1"
    assert origin_of(return_target("http://127.0.0.1:8102/r", "a&b=c", "@evil.example.com")) == "http://127.0.0.1:8102"


def test_the_allow_list_setting_holds_origins_only_and_defaults_to_the_local_coordinator_simulator() -> None:
    assert parse_origins(Settings().coordinator_return_origins) == {"http://127.0.0.1:8102", "http://localhost:8102"}
    assert parse_origins(" ,") == frozenset()
    for text in ("https://dieuphoi.example.gov.vn/ket-qua", "dieuphoi.example.gov.vn", "https://a@b.vn"):
        with pytest.raises(ValueError, match="not an origin"):
            parse_origins(text)


def test_a_stage_configuration_checks_the_allow_list() -> None:
    assert resolve({}, require=False)["HOSO_COORDINATOR_RETURN_ORIGINS"] == Settings().coordinator_return_origins
    with pytest.raises(ConfigError, match="HOSO_COORDINATOR_RETURN_ORIGINS"):
        resolve({"HOSO_COORDINATOR_RETURN_ORIGINS": "https://dieuphoi.example.gov.vn/path"}, require=False)
    with pytest.raises(ConfigError, match="HOSO_COORDINATOR_RETURN_ORIGINS not https"):
        _check_return_origins("http://dieuphoi.example.gov.vn", require=True)


def test_the_coordinator_simulator_records_the_return_and_flags_one_without_a_dossier_code() -> None:
    from werkzeug.test import Client

    from local.simulators.coordinator import CoordinatorSimulator

    sim = CoordinatorSimulator("coordinator", "hoso", "hoso-dev", 1800)
    client = Client(sim)
    answer = client.get("/_sim/desk-intake/return?mahoso=000.00.13.H29-261207-0001&thamchieu=DP-1")
    assert answer.status_code == 200 and "Đã nhận hồ sơ 000.00.13.H29-261207-0001 (tham chiếu DP-1)" in answer.text
    assert client.get("/_sim/desk-intake/return?thamchieu=DP-2").status_code == 400
    assert client.get("/_sim/desk-intake/return?mahoso=<script>").status_code == 400
    returns = sim.snapshot()["desk_returns"]
    assert [(r["mahoso"], r["thamchieu"], r["valid"]) for r in returns] == [
        ("000.00.13.H29-261207-0001", "DP-1", True), ("", "DP-2", False), ("<script>", None, False)]
    sim.clear()
    assert sim.snapshot()["desk_returns"] == []


def test_the_local_stack_allows_the_running_coordinator_simulator_unless_told_otherwise() -> None:
    from local.stack import function_settings

    running = {"coordinator": "http://127.0.0.1:50102"}
    assert function_settings({}, running, {})["HOSO_COORDINATOR_RETURN_ORIGINS"] == "http://127.0.0.1:50102"
    given = {"HOSO_COORDINATOR_RETURN_ORIGINS": "https://dieuphoi-test.example.vn"}
    assert function_settings({}, running, given)["HOSO_COORDINATOR_RETURN_ORIGINS"] == "https://dieuphoi-test.example.vn"
    assert "HOSO_COORDINATOR_RETURN_ORIGINS" not in function_settings({}, {}, {})
