"""Edge protection in the synthesised template (issue 11, Medium 10 and Low): the WAF on the
API stage with AWS's managed rule groups and per-address rate rules (public routes tighter);
throttles per client kind (public, machine, officer) from each stage's settings; an on-failure
destination and an alarm for every asynchronously invoked function; and a state machine role
that may write DynamoDB only if a state does."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from infra import edge, migration, rollout
from infra.resources import REPO_ROOT, STAGES, physical_name
from infra.state_machines import load, service_actions
from infra.wiring import python_name
from tests.infra.conftest import STAGE, Synth

SETTINGS = edge.STAGE_EDGE[STAGE]
ROUTE_ACCESS = edge.route_access(REPO_ROOT)


def _one(resources: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    assert len(resources) == 1, list(resources)
    return next(iter(resources.items()))


def _functions(s: Synth) -> dict[str, dict[str, Any]]:
    return {python_name(r["Properties"]["Handler"]): r for r in s.resources("AWS::Serverless::Function").values()}


def _deployed(s: Synth) -> list[tuple[str, str]]:
    return edge.deployed_routes(s.template)


def _sample(path: str, stage_prefix: bool) -> str:
    return ("/api" if stage_prefix else "") + re.sub(r"\{[^}]+\}", "000.00.13.H29-260730-0001", path)


# ------------------------------------------------------------------------------------ WAF
def test_the_api_stage_has_a_web_acl_with_the_managed_rule_groups(repo: Synth) -> None:
    acl_id, acl = _one(repo.resources("AWS::WAFv2::WebACL"))
    p = acl["Properties"]
    assert p["Scope"] == "REGIONAL" and p["DefaultAction"] == {"Allow": {}}
    managed = {r["Statement"]["ManagedRuleGroupStatement"]["Name"]: r for r in p["Rules"]
               if "ManagedRuleGroupStatement" in r["Statement"]}
    assert set(managed) == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                            "AWSManagedRulesAmazonIpReputationList"}
    for rule in managed.values():
        assert rule["Statement"]["ManagedRuleGroupStatement"]["VendorName"] == "AWS"
        assert rule["OverrideAction"] == {"None": {}}  # the groups block; only named rules are counted
    overrides = managed["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"]
    assert [o["Name"] for o in overrides.get("RuleActionOverrides", [])] == ["SizeRestrictions_BODY"]
    priorities = [r["Priority"] for r in p["Rules"]]
    assert len(set(priorities)) == len(priorities)
    _, association = _one(repo.resources("AWS::WAFv2::WebACLAssociation"))
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    arn = association["Properties"]["ResourceArn"]["Fn::Sub"]
    assert arn.endswith("::/restapis/${RestAPI}/stages/${RestAPI.Stage}")  # Chalice's REST API, its stage


def _rate_rules(s: Synth) -> dict[str, dict[str, Any]]:
    _, acl = _one(s.resources("AWS::WAFv2::WebACL"))
    return {r["Name"]: r for r in acl["Properties"]["Rules"] if "RateBasedStatement" in r["Statement"]}


def _excludes_trusted_proxies(s: Synth, statement: dict[str, Any]) -> bool:
    ip_set_id, _ = _one(s.resources("AWS::WAFv2::IPSet"))
    excluded = {"NotStatement": {"Statement": {"IPSetReferenceStatement": {"Arn": {"Fn::GetAtt": [ip_set_id, "Arn"]}}}}}
    return statement == excluded or excluded in statement.get("AndStatement", {}).get("Statements", [])


def test_rate_rules_per_address_public_routes_tighter(repo: Synth) -> None:
    rules = _rate_rules(repo)
    assert set(rules) == {"public-per-ip", "per-ip"}
    public, rest = (rules[n]["Statement"]["RateBasedStatement"] for n in ("public-per-ip", "per-ip"))
    assert rules["public-per-ip"]["Action"] == rules["per-ip"]["Action"] == {"Block": {}}
    assert (public["Limit"], rest["Limit"]) == (SETTINGS.public_per_ip, SETTINGS.per_ip)
    assert public["Limit"] < rest["Limit"]
    assert public["AggregateKeyType"] == rest["AggregateKeyType"] == "IP"
    assert public["EvaluationWindowSec"] == rest["EvaluationWindowSec"] == 300
    assert rules["public-per-ip"]["Priority"] < rules["per-ip"]["Priority"]
    # the integration gateway's addresses carry many citizens: left to the app's per-client limits
    assert _excludes_trusted_proxies(repo, public["ScopeDownStatement"])
    assert _excludes_trusted_proxies(repo, rest["ScopeDownStatement"])


def test_the_public_rate_rule_matches_exactly_the_public_routes(repo: Synth) -> None:
    (public,) = [st for st in _rate_rules(repo)["public-per-ip"]["Statement"]["RateBasedStatement"]
                 ["ScopeDownStatement"]["AndStatement"]["Statements"] if "RegexMatchStatement" in st]
    regex = public["RegexMatchStatement"]["RegexString"]
    assert public["RegexMatchStatement"]["FieldToMatch"] == {"UriPath": {}}
    assert len(regex) <= 512  # WAF's limit
    pattern = re.compile(regex)
    routes = _deployed(repo)
    public_routes = [r for r in routes if edge.group_of(ROUTE_ACCESS[r]) == edge.PUBLIC]
    assert ("GET", "/v1/public/dossiers/{code}") in public_routes and ("GET", "/health") in public_routes
    others = {path for m, path in routes} - {path for m, path in public_routes}
    for _, path in public_routes:
        assert pattern.match(_sample(path, True)) and pattern.match(_sample(path, False)), path
    for path in others:
        assert not pattern.match(_sample(path, True)) and not pattern.match(_sample(path, False)), path


# ------------------------------------------------------------------------------ throttles
def _method_settings(s: Synth) -> list[dict[str, Any]]:
    return list(s.template["Resources"]["RestAPI"]["Properties"]["MethodSettings"])


def _throttle(entry: dict[str, Any]) -> edge.Throttle:
    return edge.Throttle(entry["ThrottlingRateLimit"], entry["ThrottlingBurstLimit"])


def test_every_route_is_classified_by_its_access_rule(repo: Synth) -> None:
    routes = _deployed(repo)
    assert routes and set(routes) == set(ROUTE_ACCESS)  # docs/openapi.json knows every deployed route
    assert {edge.group_of(ROUTE_ACCESS[r]) for r in routes} == {edge.PUBLIC, edge.MACHINE, edge.OFFICER}
    assert set(ROUTE_ACCESS.values()) <= set(edge.GROUP_OF_ACCESS)


def test_throttles_per_client_kind(repo: Synth) -> None:
    settings = _method_settings(repo)
    default = settings[0]
    assert (default["ResourcePath"], default["HttpMethod"]) == ("/*", "*")
    assert _throttle(default) == SETTINGS.throttles[edge.OFFICER]
    by_method = {(m["HttpMethod"], m["ResourcePath"]): m for m in settings[1:]}
    assert len(by_method) == len(settings) - 1
    for method, path in _deployed(repo):
        group = edge.group_of(ROUTE_ACCESS[(method, path)])
        entry = by_method.get((method, "/" + path.replace("/", "~1")))
        if group == edge.OFFICER:
            assert entry is None  # the stage default
        else:
            assert entry is not None and _throttle(entry) == SETTINGS.throttles[group], (method, path)
    assert by_method[("GET", "/~1v1~1public~1dossiers~1{code}")]["ThrottlingRateLimit"] == \
        SETTINGS.throttles[edge.PUBLIC].rate
    assert by_method[("POST", "/~1v1~1dvcqg~1dossiers")]["ThrottlingRateLimit"] == \
        SETTINGS.throttles[edge.MACHINE].rate


def test_trusted_proxies_that_waf_cannot_hold_fail_the_synth() -> None:
    base = edge.STAGE_EDGE[STAGE]
    for wrong in ("gateway.gov.vn", "10.0.0.1/8", "2001:db8::/32"):
        with pytest.raises(ValueError):
            edge.proxy_cidrs(edge.EdgeSettings(base.throttles, base.public_per_ip, base.per_ip, (wrong,)))
    good = edge.EdgeSettings(base.throttles, base.public_per_ip, base.per_ip, ("198.51.100.7/32", "10.20.0.0/16"))
    assert edge.proxy_cidrs(good) == ["198.51.100.7/32", "10.20.0.0/16"]


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_has_its_own_separate_limits(stage: str) -> None:
    settings = edge.STAGE_EDGE[stage]
    t = settings.throttles
    assert set(t) == {edge.PUBLIC, edge.MACHINE, edge.OFFICER}
    assert t[edge.PUBLIC].rate < t[edge.MACHINE].rate <= t[edge.OFFICER].rate
    assert all(x.burst >= x.rate for x in t.values())
    assert 100 <= settings.public_per_ip < settings.per_ip
    assert len(edge.proxy_cidrs(settings)) == len(settings.trusted_proxies)  # a typo fails here, not when deployed
    routes = [("GET", "/v1/public/dossiers/{code}"), ("POST", "/v1/dvcqg/dossiers"), ("GET", "/v1/me")]
    entries = edge.method_settings(routes, ROUTE_ACCESS, settings)
    assert [_throttle(e) for e in entries] == [t[edge.OFFICER], t[edge.PUBLIC], t[edge.MACHINE]]


def test_the_trusted_proxies_reach_the_app(repo: Synth) -> None:
    for fn in _functions(repo).values():
        env = fn["Properties"]["Environment"]["Variables"]
        assert env["HOSO_TRUSTED_PROXIES"] == ",".join(SETTINGS.trusted_proxies)


# ------------------------------------------------------------------- asynchronous functions
def _async_invoked(s: Synth) -> dict[str, dict[str, Any]]:
    return {name: fn for name, fn in _functions(s).items()
            if any(e["Type"] in edge.ASYNC_EVENT_KINDS for e in fn["Properties"].get("Events", {}).values())}


def _invoke_configs(s: Synth) -> dict[str, dict[str, Any]]:
    return {r["Properties"]["FunctionName"]: r for r in s.resources("AWS::Lambda::EventInvokeConfig").values()}


@pytest.mark.parametrize("which", ["repo", "full"])
def test_every_async_function_has_a_failure_destination_and_an_alarm(which: str,
                                                                     request: pytest.FixtureRequest) -> None:
    s: Synth = request.getfixturevalue(which)
    invoked = _async_invoked(s)
    expected = {"attachment_uploaded", "reconcile_payments", "reconcile_dvcqg"}
    assert expected <= set(invoked)  # the upload check and the schedules
    if which == "full":
        assert set(invoked) == expected | {"deadline_sweep", "integrity_anchor_day", "specialised_watch"}
    configs = _invoke_configs(s)
    key = _one(s.resources("AWS::KMS::Key"))[0]
    alarms = [r["Properties"] for r in s.resources("AWS::CloudWatch::Alarm").values()]
    for name, fn in invoked.items():
        function_name = fn["Properties"]["FunctionName"]
        config = configs[function_name]
        assert fn_logical_id(s, name) in config["DependsOn"]
        p = config["Properties"]
        assert p["Qualifier"] == rollout.ALIAS and 0 <= p["MaximumRetryAttempts"] <= 2
        assert p["MaximumEventAgeInSeconds"] <= 6 * 3600
        (queue_id, attribute) = p["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"]
        assert attribute == "Arn"
        queue = s.template["Resources"][queue_id]
        assert queue["Type"] == "AWS::SQS::Queue"
        assert queue["Properties"]["QueueName"] == physical_name(STAGE, f"{name.replace('_', '-')}-failures")
        assert queue["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
        assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
        watched = [a for a in alarms if a.get("MetricName") == "ApproximateNumberOfMessagesVisible"
                   and a["Dimensions"][0]["Value"] == {"Fn::GetAtt": [queue_id, "QueueName"]}]
        assert len(watched) == 1 and watched[0]["Threshold"] == 0 and watched[0]["AlarmActions"], name
        delivery = [a for a in alarms if a.get("MetricName") == "DestinationDeliveryFailures"
                    and a["Dimensions"][0]["Value"] == function_name]
        assert len(delivery) == 1, name
        role = s.template["Resources"][fn["Properties"]["Role"]["Fn::GetAtt"][0]]
        statements = [st for pol in role["Properties"]["Policies"] for st in pol["PolicyDocument"]["Statement"]]
        (send,) = [st for st in statements if st["Sid"] == "AsyncFailures"]
        assert "sqs:SendMessage" in send["Action"] and send["Resource"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    # nothing else is configured as if it were asynchronous
    assert set(configs) == {fn["Properties"]["FunctionName"] for fn in invoked.values()}


def fn_logical_id(s: Synth, name: str) -> str:
    (lid,) = [lid for lid, r in s.resources("AWS::Serverless::Function").items()
              if python_name(r["Properties"]["Handler"]) == name]
    return lid


# ---------------------------------------------------------------------- state machine role
def _state_machine_actions(s: Synth) -> set[str]:
    # the liên thông flows' shared role (the migration run has its own: tests/infra/test_migration.py)
    (role_id,) = {sm["Properties"]["RoleArn"]["Fn::GetAtt"][0]
                  for sm in s.resources("AWS::StepFunctions::StateMachine").values()
                  if not sm["Properties"]["StateMachineName"].endswith(migration.STATE_MACHINE)}
    role = s.template["Resources"][role_id]
    out: set[str] = set()
    for policy in role["Properties"]["Policies"]:
        for st in policy["PolicyDocument"]["Statement"]:
            out |= set(st["Action"] if isinstance(st["Action"], list) else [st["Action"]])
    return out


def test_the_state_machine_role_writes_dynamodb_only_if_a_state_does(repo: Synth, full: Synth) -> None:
    repo_uses = service_actions(load(REPO_ROOT / "state_machines"))
    assert not [a for a in repo_uses if a.startswith("dynamodb:")]  # today's flows only hand over by SQS
    assert not [a for a in _state_machine_actions(repo) if a.startswith("dynamodb:")]
    # the fixture's flow records its outcome with dynamodb:updateItem: exactly that, nothing more
    assert {a for a in _state_machine_actions(full) if a.startswith("dynamodb:")} == {"dynamodb:UpdateItem"}


def test_service_actions_read_every_state_of_a_definition(tmp_path: Any) -> None:
    doc = {"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "End": True}}}], "Next": "M"},
        "M": {"Type": "Map", "ItemProcessor": {"StartAt": "B", "States": {
            "B": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": True}}},
              "End": True}}}
    (tmp_path / "x_flow.asl.json").write_text(json.dumps(doc))
    assert service_actions(load(tmp_path)) == {"dynamodb:PutItem", "sqs:SendMessage"}
