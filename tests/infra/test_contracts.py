"""The contracts infra enforces before anything is synthesised: the ASL placeholder
contract, the app ↔ FUNCTION_ACCESS wiring, FUNCTION_ACCESS itself and the stage config."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from infra import config
from infra.access import FUNCTION_ACCESS, AccessError, FunctionAccess, TableAccess, validate
from infra.state_machines import StateMachineError, arn_env_var, load
from infra.wiring import API_HANDLER, WiringError, check, packaged_functions, queue_name_of
from tests.infra.conftest import BIRTH_FLOW_ASL, STAGE, Synth

# ---------------------------------------------------------------- state machines


def test_loader_reads_definitions_and_their_placeholders(tmp_path: Path) -> None:
    (tmp_path / "birth_flow.asl.json").write_text(BIRTH_FLOW_ASL)
    (tmp_path / "notes.json").write_text("{}")  # not a definition
    (f,) = load(tmp_path)
    assert f.stem == "birth_flow"
    assert f.text == BIRTH_FLOW_ASL
    assert f.placeholders == {"AgencyTasksQueueUrl", "DossiersTableName", "StepTimeoutSeconds", "HeartbeatSeconds"}
    assert f.arn_env_var == "HOSO_BIRTH_FLOW_ARN"


def test_loader_rejects_a_placeholder_the_stack_does_not_provide(tmp_path: Path) -> None:
    (tmp_path / "death_flow.asl.json").write_text(BIRTH_FLOW_ASL.replace("${DossiersTableName}", "${CitizensTable}"))
    with pytest.raises(StateMachineError, match=r"death_flow\.asl\.json.*\$\{CitizensTable\}"):
        load(tmp_path)


def test_loader_rejects_broken_json_and_missing_start(tmp_path: Path) -> None:
    (tmp_path / "chain_flow.asl.json").write_text(BIRTH_FLOW_ASL.replace('"End": true', '"End": true,'))
    with pytest.raises(StateMachineError, match="not valid JSON"):
        load(tmp_path)
    (tmp_path / "chain_flow.asl.json").write_text('{"StartAt": "Nowhere", "States": {"A": {"Type": "Succeed"}}}')
    with pytest.raises(StateMachineError, match="StartAt"):
        load(tmp_path)


def test_loader_rejects_names_that_cannot_become_env_vars(tmp_path: Path) -> None:
    (tmp_path / "Birth-Flow.asl.json").write_text(BIRTH_FLOW_ASL)
    with pytest.raises(StateMachineError, match="snake_case"):
        load(tmp_path)


def test_loader_on_a_missing_folder_finds_nothing(tmp_path: Path) -> None:
    assert load(tmp_path / "absent") == []


def test_arn_env_vars_match_the_settings_contract() -> None:
    assert [arn_env_var(s) for s in ("birth_flow", "death_flow", "chain_flow")] == [
        "HOSO_BIRTH_FLOW_ARN",
        "HOSO_DEATH_FLOW_ARN",
        "HOSO_CHAIN_FLOW_ARN",
    ]


# ---------------------------------------------------------------- wiring (on real `chalice package` output)


def _sam(full: Synth) -> dict[str, Any]:
    return copy.deepcopy(full.packaged_sam)


def _function(sam: dict[str, Any], handler: str) -> dict[str, Any]:
    (fn,) = [r for r in sam["Resources"].values() if r.get("Properties", {}).get("Handler") == handler]
    return fn


def test_chalice_names_and_events_as_infra_expects(full: Synth) -> None:
    functions = {f.python_name: f for f in packaged_functions(full.packaged_sam)}
    assert set(functions) == set(FUNCTION_ACCESS)
    assert functions[API_HANDLER].logical_id == "APIHandler"
    assert functions["sync_dvcqg"].logical_id == "SyncDvcqg"
    assert functions["officer_authorizer"].logical_id == "OfficerAuthorizer"
    assert functions["officer_authorizer"].events == ()
    assert [e.kind for e in functions["outbox_relay"].events] == ["DynamoDB"]
    assert queue_name_of(functions["sync_dvcqg"].events[0]) == "sync-dvcqg"
    assert queue_name_of(functions["sync_province"].events[0]) == "hoso-dev-sync-province"
    check(list(functions.values()), FUNCTION_ACCESS, STAGE)


def test_a_function_without_access_entry_fails(full: Synth) -> None:
    sam = _sam(full)
    _function(sam, "app.deadline_sweep")["Properties"]["Handler"] = "app.purge_everything"
    with pytest.raises(WiringError, match="'purge_everything'.*no FUNCTION_ACCESS entry"):
        check(packaged_functions(sam), FUNCTION_ACCESS, STAGE)


def test_a_consumer_on_the_wrong_queue_fails(full: Synth) -> None:
    sam = _sam(full)
    (event,) = _function(sam, "app.sync_dvcqg")["Properties"]["Events"].values()
    event["Properties"]["Queue"]["Fn::Sub"] = event["Properties"]["Queue"]["Fn::Sub"].replace(
        "sync-dvcqg", "sync-province"
    )
    with pytest.raises(WiringError, match="sync_dvcqg.*'sync-province'.*consumes 'sync-dvcqg'"):
        check(packaged_functions(sam), FUNCTION_ACCESS, STAGE)


def test_a_consumer_without_its_event_and_an_unwired_event_fail(full: Synth) -> None:
    sam = _sam(full)
    _function(sam, "chalicelib.handlers.agency_tasks")["Properties"].pop("Events")
    (event,) = _function(sam, "app.deadline_sweep")["Properties"]["Events"].values()
    event["Type"] = "SNS"
    with pytest.raises(WiringError) as e:
        check(packaged_functions(sam), FUNCTION_ACCESS, STAGE)
    assert "agency_tasks" in str(e.value) and "on_sqs_message" in str(e.value)
    assert "SNS event" in str(e.value)


def test_a_stream_or_pattern_naming_something_else_fails(full: Synth) -> None:
    sam = _sam(full)
    (stream,) = _function(sam, "app.outbox_relay")["Properties"]["Events"].values()
    stream["Properties"]["Stream"] = "catalogue"
    (cw,) = _function(sam, "app.attachment_uploaded")["Properties"]["Events"].values()
    cw["Properties"]["Pattern"]["source"] = ["aws.ec2"]
    with pytest.raises(WiringError) as e:
        check(packaged_functions(sam), FUNCTION_ACCESS, STAGE)
    assert "'catalogue'" in str(e.value) and "Object Created" in str(e.value)


# ---------------------------------------------------------------- FUNCTION_ACCESS


def test_function_access_is_consistent() -> None:
    validate(FUNCTION_ACCESS)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (FunctionAccess(60, 256, tables={"citizens": TableAccess("read")}), "unknown table 'citizens'"),
        (FunctionAccess(60, 256, tables={"counters": TableAccess("read", ("gsi1",))}), "has no index"),
        (FunctionAccess(60, 256, send=("sync-moon",)), "unknown queue 'sync-moon'"),
        (FunctionAccess(60, 256, secrets=("root-password",)), "unknown secret"),
        (FunctionAccess(60, 256, stream_of="catalogue"), "has no stream"),
        (FunctionAccess(60, 256, consumes="sync-dvcqg"), "several consumers"),
    ],
)
def test_function_access_mistakes_are_caught(entry: FunctionAccess, message: str) -> None:
    with pytest.raises(AccessError, match=message):
        validate({**FUNCTION_ACCESS, "extra": entry})


# ---------------------------------------------------------------- stage configuration


def _deployable() -> dict[str, str]:
    values = {k: f"https://{k.lower().replace('_', '-')}.example.gov.vn" for k in config.CONFIG_KEYS}
    return values | {"HOSO_MINISTRY_UNIT_CODE": "000.00.00.G12", "VNEID_AUDIENCE": "hoso-officers",
                     "HOSO_PROVINCES": PROVINCES, "HOSO_SYNC_ENVELOPES": '{"dvcqg": "direct"}'}


PROVINCES = '{"79": {"url": "https://lgsp.tphcm.gov.vn/dvcqg", "secret": "hoso/dev/province-79", "envelope": "lgsp"}}'


def test_a_deployment_reaches_each_province_over_https_with_a_known_code_and_envelope() -> None:
    with pytest.raises(config.ConfigError, match="HOSO_PROVINCES not https: \\['79'\\]"):
        config.resolve(_deployable() | {"HOSO_PROVINCES": PROVINCES.replace("https", "http")}, require=True)
    with pytest.raises(config.ConfigError, match="not one of the 34 province codes"):
        config.resolve(_deployable() | {"HOSO_PROVINCES": PROVINCES.replace('"79"', '"99"')}, require=True)
    with pytest.raises(config.ConfigError, match="envelope must be one of"):
        config.resolve(_deployable() | {"HOSO_SYNC_ENVELOPES": '{"dvcqg": "soap"}'}, require=True)
    with pytest.raises(config.ConfigError, match="is not JSON"):
        config.resolve(_deployable() | {"HOSO_PROVINCES": "https://tinh.example.vn"}, require=True)


def test_local_synth_falls_back_to_the_simulators() -> None:
    values = config.resolve({}, require=False)
    assert list(values) == [*config.CONFIG_KEYS, *config.LOCAL_ONLY]
    assert values["DVCQG_BASE_URL"].startswith("http://127.0.0.1")


def test_a_deployment_needs_every_key_over_https() -> None:
    assert config.resolve(_deployable(), require=True) == _deployable()
    with pytest.raises(config.ConfigError, match="missing.*POST_BASE_URL"):
        config.resolve({k: v for k, v in _deployable().items() if k != "POST_BASE_URL"}, require=True)
    with pytest.raises(config.ConfigError, match="not https.*DVCQG_BASE_URL"):
        config.resolve(_deployable() | {"DVCQG_BASE_URL": "http://10.0.0.1:8080"}, require=True)
    with pytest.raises(config.ConfigError, match="unknown configuration keys"):
        config.resolve({"DVCQG_PASSWORD": "x"}, require=False)


def test_config_json_is_an_object_of_strings() -> None:
    assert config.parse('{"DVCQG_BASE_URL": "https://a"}') == {"DVCQG_BASE_URL": "https://a"}
    assert config.parse(None) == {}
    with pytest.raises(config.ConfigError):
        config.parse('{"DVCQG_BASE_URL": 1}')
    with pytest.raises(config.ConfigError):
        config.parse("not json")
