"""Safe rollouts in the synthesised template (issue 13 item 4, infra/rollout.py): every function
is published behind the alias ``live`` and deployed by CodeDeploy with the stage's traffic
shifting and its own rollback alarms; whatever invokes a function invokes the alias.

The event sources (SQS and stream mappings, schedules, EventBridge rules) are SAM ``Events`` of
a function with ``AutoPublishAlias``, which the AWS::Serverless transform points at the alias
(checked once with aws-sam-translator's transform: every mapping, rule target and permission
named ``<Function>Aliaslive``); the API's integrations, its invoke permissions and the
asynchronous invoke configurations are hoso's own and checked here."""

from __future__ import annotations

import re
from typing import Any

import pytest

from infra import rollout
from infra.resources import STAGES, physical_name
from infra.wiring import API_HANDLER, python_name
from tests.infra.conftest import STAGE, Synth

WHICH = ["repo", "full"]


def _synth(which: str, request: pytest.FixtureRequest) -> Synth:
    synth: Synth = request.getfixturevalue(which)
    return synth


def _functions(s: Synth) -> dict[str, tuple[str, dict[str, Any]]]:
    """python name → (logical id, properties)."""
    return {python_name(r["Properties"]["Handler"]): (lid, r["Properties"])
            for lid, r in s.resources("AWS::Serverless::Function").items()}


def _alarm(s: Synth, ref: Any) -> dict[str, Any]:
    assert isinstance(ref, dict) and set(ref) == {"Ref"}, ref
    resource = s.template["Resources"][ref["Ref"]]
    assert resource["Type"] == "AWS::CloudWatch::Alarm"
    props: dict[str, Any] = resource["Properties"]
    return props


def _dimensions(alarm: dict[str, Any]) -> dict[str, Any]:
    return {d["Name"]: d["Value"] for d in alarm["Dimensions"]}


def _alarm_topic(s: Synth) -> dict[str, str]:
    return {"Ref": s.alarm_topic()}


def test_every_stage_has_a_deployment_type_and_production_shifts_gradually() -> None:
    assert set(rollout.DEPLOYMENT_TYPES) == set(STAGES)
    assert rollout.deployment_type("dev") == "AllAtOnce"
    for stage in ("staging", "production"):
        kind = rollout.deployment_type(stage)
        assert kind.startswith(("Canary", "Linear")), kind  # a share of traffic first, then the rest


@pytest.mark.parametrize("which", WHICH)
def test_every_function_is_published_behind_the_alias_with_a_deployment_preference(
        which: str, request: pytest.FixtureRequest) -> None:
    s = _synth(which, request)
    functions = _functions(s)
    assert API_HANDLER in functions and len(functions) > 5
    for name, (_, props) in functions.items():
        assert props.get("AutoPublishAlias") == rollout.ALIAS, name
        assert props.get("AutoPublishAliasAllProperties") is True, name  # a new setting is a new version too
        preference = props.get("DeploymentPreference")
        assert preference is not None, name
        assert preference["Type"] == rollout.deployment_type(STAGE)
        assert preference.get("Enabled", True) is True
        assert preference["Alarms"], f"{name}: no rollback alarm"


@pytest.mark.parametrize("which", WHICH)
def test_rollback_alarms_watch_the_version_being_deployed(which: str, request: pytest.FixtureRequest) -> None:
    s = _synth(which, request)
    for name, (lid, props) in _functions(s).items():
        function_name = props["FunctionName"]
        alarms = [_alarm(s, ref) for ref in props["DeploymentPreference"]["Alarms"]]
        errors = [a for a in alarms if a["Namespace"] == "AWS/Lambda" and a["MetricName"] == "Errors"]
        assert len(errors) == 1, name
        (alarm,) = errors
        assert _dimensions(alarm) == {
            "FunctionName": function_name,
            "Resource": f"{function_name}:{rollout.ALIAS}",
            "ExecutedVersion": {"Fn::GetAtt": [f"{lid}.Version", "Version"]},
        }
        assert alarm["Period"] <= 60 and alarm["EvaluationPeriods"] == 1 and alarm["Threshold"] == 0
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold" and alarm["Statistic"] == "Sum"
        assert alarm["TreatMissingData"] == "notBreaching"  # no invocation is no failure
        for a in alarms:
            assert _alarm_topic(s) in a["AlarmActions"]  # people learn of a rollback
        if name == API_HANDLER:
            (api,) = [a for a in alarms if a["Namespace"] == "AWS/ApiGateway"]
            assert api["MetricName"] == "5XXError" and api["Threshold"] == 0 and api["Period"] <= 60
            assert _dimensions(api)["ApiName"] == physical_name(STAGE, "api")


def _subs(node: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every ``Fn::Sub`` under ``node``: (string, variables)."""
    if isinstance(node, dict):
        if set(node) == {"Fn::Sub"}:
            sub = node["Fn::Sub"]
            return [(sub, {})] if isinstance(sub, str) else [(sub[0], sub[1])]
        return [s for v in node.values() for s in _subs(v)]
    if isinstance(node, list):
        return [s for v in node for s in _subs(v)]
    return []


def _invoked(sub: str, variables: dict[str, Any]) -> str:
    """What an integration/authorizer URI invokes: ``<LogicalId>.Alias``, ``<LogicalId>.Arn``…"""
    (name,) = re.findall(r"\$\{([^}]+)\}", sub.split("/functions/")[1])
    value = variables.get(name, {"Ref": name})
    return str(value["Ref"])


@pytest.mark.parametrize("which", WHICH)
def test_the_api_invokes_the_alias(which: str, request: pytest.FixtureRequest) -> None:
    s = _synth(which, request)
    functions = _functions(s)
    lids = {lid for lid, _ in functions.values()}
    (api,) = s.resources("AWS::Serverless::Api").values()
    invocations = [_invoked(sub, variables) for sub, variables in _subs(api["Properties"]["DefinitionBody"])
                   if sub.endswith("/invocations")]
    assert f"{functions[API_HANDLER][0]}.Alias" in invocations
    assert set(invocations) <= {f"{lid}.Alias" for lid in lids}, set(invocations)
    permissions = [r["Properties"] for r in s.resources("AWS::Lambda::Permission").values()
                   if r["Properties"].get("Principal") == "apigateway.amazonaws.com"]
    assert permissions
    for p in permissions:
        ref = p["FunctionName"]["Ref"]
        assert ref.endswith(".Alias") and ref.removesuffix(".Alias") in lids


@pytest.mark.parametrize("which", WHICH)
def test_asynchronous_invocations_are_configured_on_the_alias(which: str, request: pytest.FixtureRequest) -> None:
    s = _synth(which, request)
    by_name = {props["FunctionName"]: lid for lid, props in _functions(s).values()}
    configs = s.resources("AWS::Lambda::EventInvokeConfig")
    assert configs
    for config in configs.values():
        lid = by_name[config["Properties"]["FunctionName"]]
        assert config["Properties"]["Qualifier"] == rollout.ALIAS  # what schedules and rules invoke
        assert rollout.alias_logical_id(lid) in config["DependsOn"]  # created once the alias exists


def test_the_alias_logical_id_is_sams() -> None:
    # AWS::Serverless::Function with AutoPublishAlias "live" creates "<LogicalId>Aliaslive".
    assert rollout.alias_logical_id("SyncDvcqg") == "SyncDvcqgAliaslive"
