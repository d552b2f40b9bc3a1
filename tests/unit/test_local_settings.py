"""The local stack's settings resolution (item 9 of issue 13): a stage setting given in the
environment wins over the simulator's URL and the template's value, and a simulator nobody
would reach stays off."""

from __future__ import annotations

import json

from infra.config import CONFIG_KEYS
from infra.provinces import secret_ids
from local.simulators import DEFAULT_PORTS
from local.stack import explicit_settings, function_settings, local_template_config, simulators_off, synth_command

TEMPLATE = {"DVCQG_BASE_URL": "http://127.0.0.1:8101", "HOSO_DVCQG_HMAC_SECRET_ID": "hoso/dev/dvcqg-hmac-keys"}
SIMULATORS = {
    "dvcqg": "http://127.0.0.1:50101",
    "coordinator": "http://127.0.0.1:50102",
    "province01": "http://127.0.0.1:50103",
    "province79": "http://127.0.0.1:50179",
    "vneid": "http://127.0.0.1:50104",
}


def test_without_explicit_settings_hoso_talks_to_the_simulators() -> None:
    settings = function_settings(TEMPLATE, SIMULATORS, explicit_settings({"HOME": "/root"}))

    assert settings["DVCQG_BASE_URL"] == SIMULATORS["dvcqg"]
    assert settings["COORDINATOR_BASE_URL"] == SIMULATORS["coordinator"]
    assert settings["VNEID_ISSUER"] == SIMULATORS["vneid"]
    assert settings["VNEID_JWKS_URL"] == f"{SIMULATORS['vneid']}/.well-known/jwks.json"
    assert settings["HOSO_DVCQG_HMAC_SECRET_ID"] == TEMPLATE["HOSO_DVCQG_HMAC_SECRET_ID"]
    # each running provincial simulator is its province's endpoint, with its own secret
    assert json.loads(settings["HOSO_PROVINCES"]) == {
        "01": {"url": SIMULATORS["province01"], "secret": "hoso/dev/province-01"},
        "79": {"url": SIMULATORS["province79"], "secret": "hoso/dev/province-79"},
    }


def test_the_local_template_grants_the_simulated_provinces_and_the_running_ones_are_used() -> None:
    """The local template is synthesised with the provincial simulators configured (the province
    sync function's role may read their accounts); the stack then names only the running ones."""
    config = local_template_config("dev")

    assert secret_ids("dev", config) == ["hoso/dev/province-01", "hoso/dev/province-48", "hoso/dev/province-79"]
    command = synth_command("dev")
    assert json.loads(command[command.index("--config-json") + 1]) == config
    running_one = {"province79": "http://127.0.0.1:50179"}
    settings = function_settings({**TEMPLATE, **config}, running_one, {})
    assert json.loads(settings["HOSO_PROVINCES"]) == {
        "79": {"url": running_one["province79"], "secret": "hoso/dev/province-79"}
    }
    assert json.loads(function_settings({**TEMPLATE, **config}, {}, {})["HOSO_PROVINCES"]) == {}


def test_an_explicit_url_wins_over_the_simulator_and_the_template() -> None:
    env = {
        "DVCQG_BASE_URL": "https://dvcqg-test.example.vn/api",
        "COORDINATOR_BASE_URL": "https://dieuphoi-test.example.vn",
        "HOSO_PROVINCES": '{"79": {"url": "https://tinh-test.example.vn", "secret": "hoso/dev/province-79"}}',
        "HOSO_PUBLIC_BASE_URL": "https://hoso-tunnel.example.vn/",
        "PATH": "/usr/bin",
    }
    explicit = explicit_settings(env)
    settings = function_settings({**TEMPLATE, "HOSO_PUBLIC_BASE_URL": "http://127.0.0.1:8000"}, SIMULATORS, explicit)

    assert explicit == {k: v for k, v in env.items() if k != "PATH"}
    for key in ("DVCQG_BASE_URL", "COORDINATOR_BASE_URL", "HOSO_PROVINCES", "HOSO_PUBLIC_BASE_URL"):
        assert settings[key] == env[key], key
    assert settings["VNEID_ISSUER"] == SIMULATORS["vneid"]  # not given: still the simulator


def test_every_stage_setting_can_be_given_and_empty_values_do_not_count() -> None:
    given = {key: f"https://{key.lower()}.example.vn" for key in CONFIG_KEYS}

    assert explicit_settings(given) == given
    assert explicit_settings({"DVCQG_BASE_URL": ""}) == {}


def test_a_simulator_whose_urls_are_all_given_stays_off_but_dvcqg_and_vneid_run() -> None:
    everything = {key: "https://partner.example.vn" for key in CONFIG_KEYS}

    assert simulators_off(explicit_settings({"COORDINATOR_BASE_URL": "https://x.vn"})) == {"coordinator"}
    assert simulators_off(explicit_settings({"VNEID_ISSUER": "https://x.vn"})) == set()
    assert simulators_off(explicit_settings({"HOSO_PROVINCES": "{}"})) == {"province01", "province79", "province48"}
    # DVCQG's posts the dossiers and VNeID's logs officers in; specialised software has no URL setting,
    # nor has the kiosk (it calls hoso, hoso never calls it)
    assert simulators_off(everything) == set(DEFAULT_PORTS) - {"dvcqg", "vneid", "specialised", "kiosk"}
