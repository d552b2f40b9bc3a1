"""Safe rollouts: every function is published as a version behind the alias ``live``, and
CodeDeploy shifts traffic to a new version gradually, rolling back on its alarms.

The functions are Chalice's ``AWS::Serverless::Function`` resources, so SAM does the work:

- ``AutoPublishAlias: live`` publishes a version on every change (``AutoPublishAliasAllProperties``:
  a changed setting counts, not only new code) and points the alias at it; SAM points the
  function's own event sources (SQS and stream mappings, schedules, EventBridge rules) at the
  alias, not at ``$LATEST``.
- ``DeploymentPreference`` makes the alias update a CodeDeploy deployment of the stage's type
  (:data:`DEPLOYMENT_TYPES`) that watches the function's rollback alarms; one going off during
  the shift stops it and points the alias back at the previous version.
- What SAM does not rewrite is rewritten here: the REST API's integrations and authorizers
  (Chalice's swagger names ``${Function.Arn}``; here the alias, ``Ref: Function.Alias``) and the
  API's invoke permissions, so API traffic goes through the alias too and the canary is real.

Rollback alarms of a function: errors (exceptions, timeouts) of the version being deployed,
and for the API handler also the API's 5xx answers (Chalice turns an exception into a 500
without a Lambda error). docs/runbooks/rollback.md says what an operator does when one fires.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_sns as sns
from chalice.cdk import Chalice
from constructs import IConstruct

from infra.resources import physical_name
from infra.wiring import API_HANDLER, PackagedFunction

ALIAS = "live"
# Dev deploys at once (alarms still watched); staging rehearses production's canary.
DEPLOYMENT_TYPES = {
    "dev": "AllAtOnce",
    "staging": "Canary10Percent5Minutes",
    "production": "Canary10Percent5Minutes",
}
ALARM_PERIOD = cdk.Duration.minutes(1)
ROLLBACK_ERRORS = 0  # more errors than this in a minute, on the new version, rolls back
ROLLBACK_API_5XX = 0
SAM_REFERENCE_CHECK = "CloudFormation-Validate::F1020"
ALIAS_VARIABLE = "FunctionAlias"


class RolloutStack(Protocol):
    """What of HosoStack this module uses."""

    stage: str
    api: Chalice
    alarm_topic: sns.Topic
    api_name: str

    def _function_name(self, python_name: str) -> str: ...


def deployment_type(stage: str) -> str:
    return DEPLOYMENT_TYPES[stage]


def alias_logical_id(function_logical_id: str) -> str:
    """The ``AWS::Lambda::Alias`` SAM creates for ``AutoPublishAlias`` (``<Function>Alias<alias>``)."""
    return f"{function_logical_id}Alias{ALIAS}"


def gradual_deployment(stack: RolloutStack, fn: PackagedFunction, cfn: cdk.CfnResource, api_stage: str) -> None:
    """Publish ``fn`` behind the alias, deploy it with the stage's CodeDeploy preference and
    its rollback alarms, and make the API call the alias."""
    alarms = _rollback_alarms(stack, fn, api_stage)
    cfn.add_property_override("AutoPublishAlias", ALIAS)
    cfn.add_property_override("AutoPublishAliasAllProperties", True)
    cfn.add_property_override(
        "DeploymentPreference",
        {"Type": deployment_type(stack.stage), "Alarms": [a.alarm_name for a in alarms]},
    )
    _api_through_alias(stack, fn.logical_id)


def _rollback_alarms(stack: RolloutStack, fn: PackagedFunction, api_stage: str) -> list[cloudwatch.Alarm]:
    name = stack._function_name(fn.python_name)
    dashed = fn.python_name.replace("_", "-")
    errors = cloudwatch.Metric(
        namespace="AWS/Lambda",
        metric_name="Errors",
        dimensions_map={
            "FunctionName": name,
            "Resource": f"{name}:{ALIAS}",
            # SAM's reference to the version being published (resolved by the transform)
            "ExecutedVersion": cdk.Fn.get_att(f"{fn.logical_id}.Version", "Version").to_string(),
        },
        period=ALARM_PERIOD,
        statistic="Sum",
    )
    alarms = [
        _alarm(stack, f"Rollback{fn.logical_id}Errors", f"{dashed}-new-version-errors", errors,
               ROLLBACK_ERRORS, f"Lambda {name}: the version being deployed failed; CodeDeploy rolls the alias back. "
               "What to do: check the rollback finished and why the version failed. "
               "Runbook: docs/runbooks/rollback.md#1-decide-in-two-minutes")
    ]
    if fn.python_name == API_HANDLER:
        api_5xx = cloudwatch.Metric(
            namespace="AWS/ApiGateway",
            metric_name="5XXError",
            dimensions_map={"ApiName": stack.api_name, "Stage": api_stage},
            period=ALARM_PERIOD,
            statistic="Sum",
        )
        alarms.append(
            _alarm(stack, "RollbackApi5xx", "api-5xx-during-deployment", api_5xx, ROLLBACK_API_5XX,
                   "The API answered 5xx while a new API handler version took traffic; CodeDeploy rolls it "
                   "back. What to do: check the rollback finished and why the version failed. "
                   "Runbook: docs/runbooks/rollback.md#1-decide-in-two-minutes")
        )
    return alarms


def _alarm(stack: RolloutStack, id_: str, name: str, metric: cloudwatch.IMetric, threshold: float,
           description: str) -> cloudwatch.Alarm:
    alarm = cloudwatch.Alarm(
        cdk.Stack.of(stack.api),
        id_,
        alarm_name=physical_name(stack.stage, name),
        alarm_description=description,
        metric=metric,
        threshold=threshold,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )
    alarm.add_alarm_action(cw_actions.SnsAction(stack.alarm_topic))
    _sam_reference(alarm)
    return alarm


def _sam_reference(construct: IConstruct) -> None:
    """CDK's template check does not know SAM's ``<Function>.Version``/``.Alias`` references."""
    cdk.Validations.of(construct).acknowledge(
        cdk.Acknowledgment(id=SAM_REFERENCE_CHECK, reason="a SAM reference (<Function>.Version/.Alias), "
                           "resolved by the AWS::Serverless transform")
    )


def _api_through_alias(stack: RolloutStack, logical_id: str) -> None:
    """Integrations/authorizers naming ``${<logical_id>.Arn}`` name ``${<logical_id>.Alias}``;
    invoke permissions on the function are on the alias."""
    sam = json.loads((Path(stack.api._sam_package_dir) / "sam.json").read_text())
    unqualified = f"${{{logical_id}.Arn}}"
    alias = {ALIAS_VARIABLE: {"Ref": f"{logical_id}.Alias"}}  # a Sub variable: cfn-lint knows the Ref form
    for resource_id, resource in sam.get("Resources", {}).items():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Api":
            api = stack.api.get_resource(resource_id)
            calls = [(path, sub) for path, sub in _subs(props.get("DefinitionBody", {}), ("DefinitionBody",))
                     if unqualified in sub]
            for path, sub in calls:
                override = ".".join(p.replace(".", "\\.") for p in path)
                api.add_property_override(
                    override, {"Fn::Sub": [sub.replace(unqualified, f"${{{ALIAS_VARIABLE}}}"), alias]}
                )
            if calls:
                _sam_reference(api)
        elif resource.get("Type") == "AWS::Lambda::Permission" and _names_function(props.get("FunctionName"),
                                                                                   logical_id):
            permission = stack.api.get_resource(resource_id)
            permission.add_property_override("FunctionName", {"Ref": f"{logical_id}.Alias"})
            _sam_reference(permission)


def _names_function(value: Any, logical_id: str) -> bool:
    return value in ({"Ref": logical_id}, {"Fn::GetAtt": [logical_id, "Arn"]})


def _subs(node: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every ``{"Fn::Sub": "<string>"}`` under ``node``, with its path of keys."""
    if isinstance(node, Mapping):
        if set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
            yield path, node["Fn::Sub"]
            return
        for key, value in node.items():
            yield from _subs(value, (*path, str(key)))
