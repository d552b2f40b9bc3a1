"""Alarms that reach people: the topic's subscriptions (required for a deployment), every alarm
kind on every function, state machine, queue and destination, each with an action to the topic
and a runbook; the dashboard's widgets naming real resources and metrics the app emits."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib.integrations.dvcqg import DESTINATIONS
from infra import capacity, monitoring, synth
from infra.config import CONFIG_KEYS
from infra.resources import QUEUES, REPO_ROOT, STREAM_FAILURE_QUEUE, SYNC_QUEUES, dlq_name, physical_name
from infra.wiring import python_name
from tests.infra import production
from tests.infra.conftest import STAGE, Synth


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    return production.production(tmp_path_factory)


def _topic(s: Synth) -> str:
    return s.alarm_topic()


def _alarms(s: Synth) -> list[dict[str, Any]]:
    return [r["Properties"] for r in s.resources("AWS::CloudWatch::Alarm").values()]


def _dims(alarm: dict[str, Any]) -> dict[str, Any]:
    return {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])}


def _queue_ref(s: Synth, name: str, stage: str) -> dict[str, Any]:
    (qid,) = [k for k, r in s.resources("AWS::SQS::Queue").items()
              if r["Properties"]["QueueName"] == physical_name(stage, name)]
    return {"Fn::GetAtt": [qid, "QueueName"]}


# ------------------------------------------------------------------------------ subscriptions
def test_a_deployment_has_its_stages_subscriptions(prod: Synth) -> None:
    subs = {(p["Protocol"], p["Endpoint"]) for p in
            (r["Properties"] for r in prod.alarm_subscriptions().values())}
    assert subs == {("email", e) for e in production.ALARMS["emails"]} | {
        ("https", u) for u in production.ALARMS["https"]}
    topic = _topic(prod)
    assert all(r["Properties"]["TopicArn"] == {"Ref": topic}
               for r in prod.alarm_subscriptions().values())


def test_a_local_synth_subscribes_nobody(full: Synth) -> None:
    assert full.alarm_subscriptions() == {}


def test_a_deployment_without_a_subscription_fails_the_synth(capsys: pytest.CaptureFixture[str],
                                                             tmp_path: Path) -> None:
    config = json.dumps({k: "https://partner.example.gov.vn" for k in CONFIG_KEYS}
                        | {"HOSO_PROVINCES": "{}", "HOSO_SYNC_ENVELOPES": "{}"})  # fmt: skip
    argv = ["--stage", "production", "--require-config", "--config-json", config, "--outdir", str(tmp_path / "out"),
            "--work-dir", str(tmp_path)]
    assert synth.main([*argv, "--alarms-json", ""]) == 2
    assert "at least one alarm subscription" in capsys.readouterr().err
    assert synth.main([*argv, "--alarms-json", '{"emails": []}']) == 2
    assert "HOSO_ALARMS" in capsys.readouterr().err


@pytest.mark.parametrize("text", ['{"emails": ["not an address"]}', '{"https": ["http://plain.example"]}',
                                  '{"sms": ["+84900000000"]}', '["ops@example.gov.vn"]', "{"])
def test_malformed_subscriptions_are_refused(text: str) -> None:
    with pytest.raises(monitoring.SubscriptionError):
        monitoring.parse(text)


# ------------------------------------------------------------------------------ alarms
def _runbook_targets(description: str) -> Iterator[tuple[Path, str]]:
    (ref,) = re.findall(r"Runbook: (\S+)$", description)
    path, _, anchor = ref.partition("#")
    yield REPO_ROOT / path, anchor


def _anchors(path: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            out.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return out


@pytest.mark.parametrize("which", ["full", "prod"])
def test_every_alarm_goes_to_the_topic_and_says_what_to_do(which: str, request: pytest.FixtureRequest) -> None:
    s: Synth = request.getfixturevalue(which)
    topic = _topic(s)
    for alarm in _alarms(s):
        assert alarm["AlarmActions"] == [{"Ref": topic}], alarm["AlarmName"]
        description = alarm["AlarmDescription"]
        assert "What to do: " in description, alarm["AlarmName"]
        for path, anchor in _runbook_targets(description):
            assert path.is_file(), description
            assert not anchor or anchor in _anchors(path), f"{path.name} has no heading #{anchor}"


def _check_alarm_kinds(s: Synth, stage: str) -> None:
    alarms = _alarms(s)
    by = {(a.get("Namespace"), a.get("MetricName"), json.dumps(_dims(a), sort_keys=True)): a
          for a in alarms if "MetricName" in a}

    def one(namespace: str, metric: str, **dims: Any) -> dict[str, Any]:
        key = (namespace, metric, json.dumps(dims, sort_keys=True))
        assert key in by, key
        return by[key]

    functions = {python_name(r["Properties"]["Handler"]): r["Properties"]["FunctionName"]
                 for r in s.resources("AWS::Serverless::Function").values()}
    for function in functions.values():
        one("AWS/Lambda", "Errors", FunctionName=function)
        one("AWS/Lambda", "Throttles", FunctionName=function)
    for name in ("outbox_relay", "edata_capture"):
        age = one("AWS/Lambda", "IteratorAge", FunctionName=functions[name])
        assert age["Statistic"] == "Maximum" and age["Threshold"] == monitoring.ITERATOR_AGE_ALARM_MS
    quota = capacity.of(stage).account_concurrency
    assert one("AWS/Lambda", "ConcurrentExecutions")["Threshold"] == int(quota * monitoring.CONCURRENCY_ALARM_SHARE)
    reserved = capacity.of(stage).api_reserved
    api_concurrency = [a for a in alarms if a.get("MetricName") == "ConcurrentExecutions" and _dims(a)]
    assert [a["Threshold"] for a in api_concurrency] == (
        [int(reserved * monitoring.CONCURRENCY_ALARM_SHARE)] if reserved else [])
    for sm_id in s.resources("AWS::StepFunctions::StateMachine"):
        for metric in ("ExecutionsFailed", "ExecutionsTimedOut"):
            one("AWS/States", metric, StateMachineArn={"Fn::GetAtt": [sm_id, "Arn"]})
    for queue, destination in zip(SYNC_QUEUES, monitoring.DESTINATIONS, strict=True):
        ref = _queue_ref(s, queue, stage)
        assert one("AWS/SQS", "ApproximateAgeOfOldestMessage", QueueName=ref)["Threshold"] == 300
        lag = one("hoso", "SyncLag", service="hoso", destination=destination)
        assert lag["ExtendedStatistic"] == "p95" and lag["EvaluationPeriods"] == 3
    for name in (*(dlq_name(q) for q in QUEUES), STREAM_FAILURE_QUEUE):
        assert one("AWS/SQS", "ApproximateNumberOfMessagesVisible", QueueName=_queue_ref(s, name, stage))[
            "Threshold"] == 0
    api_dims = {"ApiName": physical_name(stage, "api"), "Stage": "api"}
    one("AWS/ApiGateway", "5XXError", **api_dims)
    assert one("AWS/ApiGateway", "Latency", **api_dims)["ExtendedStatistic"] == "p99"
    one("hoso", monitoring.API_THROTTLED_METRIC)
    (metric_filter,) = s.resources("AWS::Logs::MetricFilter").values()
    assert metric_filter["Properties"]["FilterPattern"] == '{ $.errorType = "THROTTLED" }'
    assert metric_filter["Properties"]["MetricTransformations"][0]["MetricName"] == monitoring.API_THROTTLED_METRIC


def test_every_alarm_kind_on_every_resource_dev(full: Synth) -> None:
    _check_alarm_kinds(full, STAGE)


def test_every_alarm_kind_on_every_resource_production(prod: Synth) -> None:
    _check_alarm_kinds(prod, "production")


def test_the_access_log_records_api_gateways_throttles(full: Synth) -> None:
    (api,) = full.resources("AWS::Serverless::Api").values()
    assert json.loads(api["Properties"]["AccessLogSetting"]["Format"])["errorType"] == "$context.error.responseType"


# ------------------------------------------------------------------------------ dashboard
def _dashboard(s: Synth) -> dict[str, Any]:
    (board,) = s.resources("AWS::CloudWatch::Dashboard").values()
    parts = board["Properties"]["DashboardBody"]["Fn::Join"][1]
    tokens: list[Any] = []
    text = ""
    for part in parts:
        if isinstance(part, str):
            text += part
        else:
            tokens.append(part)
            text += f"@@{len(tokens) - 1}@@"

    def restore(value: Any) -> Any:
        if isinstance(value, str) and (m := re.fullmatch(r"@@(\d+)@@", value)):
            return tokens[int(m.group(1))]
        if isinstance(value, list):
            return [restore(v) for v in value]
        if isinstance(value, dict):
            return {k: restore(v) for k, v in value.items()}
        return value

    return restore(json.loads(text))


def _metrics(widget: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for m in widget["properties"].get("metrics", []):
        plain = [x for x in m if not isinstance(x, dict) or "Fn::GetAtt" in x or "Ref" in x]
        namespace, name, *dims = plain
        out.append((namespace, name, dict(zip(dims[::2], dims[1::2], strict=True))))
    return out


APP_METRICS = {"DossierReceived", "DossierTransition", "SyncLag", "SyncDelivered", "SyncFailed"}


@pytest.mark.parametrize("which", ["full", "prod"])
def test_the_dashboard_shows_real_resources_and_emitted_metrics(which: str, request: pytest.FixtureRequest) -> None:
    s: Synth = request.getfixturevalue(which)
    stage = "production" if which == "prod" else STAGE
    widgets = _dashboard(s)["widgets"]
    titles = " | ".join(w["properties"].get("title", "") for w in widgets).lower()
    for needed in ("intake", "transitions", "sync lag", "sync backlog", "dead-letter", "errors", "alarms"):
        assert needed in titles, needed
    resources = s.template["Resources"]
    functions = {r["Properties"]["FunctionName"] for r in s.resources("AWS::Serverless::Function").values()}
    seen: set[str] = set()
    for widget in widgets:
        for namespace, name, dims in _metrics(widget):
            seen.add(name)
            if namespace == "AWS/SQS":
                qid, attribute = dims["QueueName"]["Fn::GetAtt"]
                assert resources[qid]["Type"] == "AWS::SQS::Queue" and attribute == "QueueName"
            elif namespace == "AWS/Lambda" and dims:
                assert dims["FunctionName"] in functions
            elif namespace == "AWS/States":
                sm_id, attribute = dims["StateMachineArn"]["Fn::GetAtt"]
                assert resources[sm_id]["Type"] == "AWS::StepFunctions::StateMachine" and attribute == "Arn"
            elif namespace == "AWS/ApiGateway":
                assert dims == {"ApiName": physical_name(stage, "api"), "Stage": "api"}
            elif namespace == monitoring.NAMESPACE and name == monitoring.API_THROTTLED_METRIC:
                assert dims == {} and s.resources("AWS::Logs::MetricFilter")  # the access log's THROTTLED
            elif namespace == monitoring.NAMESPACE:
                assert name in APP_METRICS and dims.get("service") == monitoring.SERVICE, name
                assert dims.get("destination", DESTINATIONS[0]) in DESTINATIONS
            else:
                assert namespace == "AWS/Lambda" and name == "ConcurrentExecutions", (namespace, name)
    assert APP_METRICS | {"ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage", "Errors"} <= seen
    alarms_widget = next(w for w in widgets if w["type"] == "alarm")
    assert len(alarms_widget["properties"]["alarms"]) == len(_alarms(s))


def test_the_app_emits_the_dashboards_metrics() -> None:
    """The dashboard's own-metric names are the ones chalicelib writes (by name, in its source)."""
    assert set(monitoring.DESTINATIONS) == set(DESTINATIONS)
    source = "\n".join(p.read_text(encoding="utf-8") for p in (REPO_ROOT / "chalicelib").rglob("*.py"))
    for name in APP_METRICS:
        assert f'"{name}"' in source, name
