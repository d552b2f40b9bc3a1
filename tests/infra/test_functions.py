"""The Chalice functions in the synthesised stack: one least-privilege role each, exactly
what FUNCTION_ACCESS says; event sources wired to the real resources; every setting of
chalicelib/settings.py in the environment."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.settings import Settings
from infra.access import APPEND, FUNCTION_ACCESS, RW
from infra.edge import ASYNC_EVENT_KINDS
from infra.resources import REPO_ROOT, STREAM_FAILURE_QUEUE, dlq_name, physical_name
from infra.state_machines import arn_env_var, load
from infra.wiring import API_HANDLER, python_name
from tests.infra.conftest import STAGE, Synth


def _python_name(fn: dict[str, Any]) -> str:
    return python_name(fn["Properties"]["Handler"])


def _functions(s: Synth) -> dict[str, dict[str, Any]]:
    return {_python_name(fn): fn for fn in s.resources("AWS::Serverless::Function").values()}


def _logical_ids(value: Any) -> set[str]:
    """Logical ids a CloudFormation value refers to (Ref / Fn::GetAtt, at any depth)."""
    if isinstance(value, dict):
        if "Ref" in value and not str(value["Ref"]).startswith("AWS::"):
            return {value["Ref"]}
        if "Fn::GetAtt" in value:
            return {value["Fn::GetAtt"][0]}
        return set().union(*(_logical_ids(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_logical_ids(v) for v in value)) if value else set()
    return set()


def _names(s: Synth) -> dict[str, tuple[str, str]]:
    """logical id → (kind, short name) for tables, queues, buckets, secrets, state machines."""
    out: dict[str, tuple[str, str]] = {}
    prefix = physical_name(STAGE, "")
    for lid, r in s.template["Resources"].items():
        p = r.get("Properties", {})
        if r["Type"] == "AWS::DynamoDB::Table":
            out[lid] = ("table", p["TableName"].removeprefix(prefix))
        elif r["Type"] == "AWS::SQS::Queue":
            out[lid] = ("queue", p["QueueName"].removeprefix(prefix))
        elif r["Type"] == "AWS::S3::Bucket":
            out[lid] = ("bucket", p["BucketName"]["Fn::Join"][1][0].removeprefix(prefix).rstrip("-"))
        elif r["Type"] == "AWS::SecretsManager::Secret":
            out[lid] = ("secret", p["Name"].rsplit("/", 1)[-1])
        elif r["Type"] == "AWS::StepFunctions::StateMachine":
            out[lid] = ("state machine", p["StateMachineName"])
    return out


def _grants(s: Synth, fn: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    """(action, kind, name, index-or-'') for every statement of the function's role."""
    role_id = fn["Properties"]["Role"]["Fn::GetAtt"][0]
    role = s.template["Resources"][role_id]
    names = _names(s)
    out = set()
    for policy in role["Properties"]["Policies"]:
        for st in policy["PolicyDocument"]["Statement"]:
            actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
            resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
            for res in resources:
                index = ""
                if isinstance(res, dict) and "Fn::Join" in res:
                    tail = res["Fn::Join"][1][-1]
                    index = tail.removeprefix("/index/") if str(tail).startswith("/index/") else ""
                for lid in _logical_ids(res):
                    if lid in names:
                        out |= {(a, *names[lid], index) for a in actions}
    return out


def _touched(grants: set[tuple[str, str, str, str]], action: str, kind: str) -> set[str]:
    return {name for a, k, name, _ in grants if a == action and k == kind}


def test_real_app_functions_all_have_access_entries(repo: Synth) -> None:
    functions = _functions(repo)
    assert API_HANDLER in functions
    assert set(functions) <= set(FUNCTION_ACCESS)


@pytest.mark.parametrize("which", ["repo", "full"])
def test_each_function_has_its_own_role_name_and_settings(which: str, request: pytest.FixtureRequest) -> None:
    s: Synth = request.getfixturevalue(which)
    functions = _functions(s)
    if which == "full":
        assert set(functions) == set(FUNCTION_ACCESS)
    roles = [fn["Properties"]["Role"]["Fn::GetAtt"][0] for fn in functions.values()]
    assert len(set(roles)) == len(roles)
    for name, fn in functions.items():
        p = fn["Properties"]
        access = FUNCTION_ACCESS[name]
        assert p["FunctionName"] == physical_name(STAGE, name.replace("_", "-"))
        assert (p["Timeout"], p["MemorySize"]) == (access.timeout_s, access.memory_mb)
        assert p["Tracing"] == "Active"
        role = s.template["Resources"][p["Role"]["Fn::GetAtt"][0]]
        (assume,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert assume["Principal"] == {"Service": "lambda.amazonaws.com"}
        log_group_id = _log_group_of(s, p["FunctionName"])
        assert log_group_id in fn["DependsOn"]
        log_group = s.template["Resources"][log_group_id]["Properties"]
        assert log_group["RetentionInDays"] == 400 and "KmsKeyId" in log_group
        statements = [st for pol in role["Properties"]["Policies"] for st in pol["PolicyDocument"]["Statement"]]
        (logs,) = [st for st in statements if st["Sid"] == "Logs"]
        assert logs["Resource"] == {"Fn::GetAtt": [log_group_id, "Arn"]}


def _log_group_of(s: Synth, function_name: str) -> str:
    (lid,) = [
        lid
        for lid, r in s.resources("AWS::Logs::LogGroup").items()
        if r["Properties"]["LogGroupName"] == f"/aws/lambda/{function_name}"
    ]
    return lid


@pytest.mark.parametrize("name", sorted(FUNCTION_ACCESS))
def test_role_grants_exactly_function_access(name: str, full: Synth) -> None:
    access = FUNCTION_ACCESS[name]
    grants = _grants(full, _functions(full)[name])
    read_tables = {t for t, a in access.tables.items() if a.level != APPEND}
    appended = {t for t, a in access.tables.items() if a.level == APPEND}
    assert _touched(grants, "dynamodb:GetItem", "table") == read_tables
    writes = {t for t, a in access.tables.items() if a.level == RW}
    assert _touched(grants, "dynamodb:PutItem", "table") == writes | appended
    # an append-only table is put to and queried, never read by key, updated or deleted from
    for action in ("dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"):
        assert _touched(grants, action, "table") == writes, action
    assert appended <= _touched(grants, "dynamodb:Query", "table")
    queried = {(n, i) for a, k, n, i in grants if a == "dynamodb:Query" and k == "table" and i}
    assert queried == {(t, i) for t, a in access.tables.items() for i in a.indexes}
    streamed = _touched(grants, "dynamodb:GetRecords", "table")
    assert streamed == ({access.stream_of} if access.stream_of else set())
    assert _touched(grants, "s3:GetObject", "bucket") == set(access.buckets)
    assert _touched(grants, "s3:PutObject", "bucket") == {b for b, lvl in access.buckets.items() if lvl == RW}
    sends = set(access.send) | ({STREAM_FAILURE_QUEUE} if access.stream_of else set())
    if name in _async_invoked(full):
        sends.add(f"{name.replace('_', '-')}-failures")  # its own on-failure destination (infra/edge.py)
    assert _touched(grants, "sqs:SendMessage", "queue") == sends
    receives = ({access.consumes} if access.consumes else set()) | {dlq_name(q) for q in access.read_dlqs}
    assert _touched(grants, "sqs:ReceiveMessage", "queue") == receives
    assert _touched(grants, "secretsmanager:GetSecretValue", "secret") == set(access.secrets)
    machine = {physical_name(STAGE, "birth_flow")}
    assert _touched(grants, "states:StartExecution", "state machine") == (machine if access.start_executions else set())
    assert _touched(grants, "states:SendTaskSuccess", "state machine") == (machine if access.task_response else set())


def _async_invoked(s: Synth) -> set[str]:
    return {name for name, fn in _functions(s).items()
            if any(e["Type"] in ASYNC_EVENT_KINDS for e in fn["Properties"].get("Events", {}).values())}


def _role_statements(s: Synth) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for lid, role in s.resources("AWS::IAM::Role").items():
        for pol in role["Properties"].get("Policies", []):
            out += [(lid, st) for st in pol["PolicyDocument"]["Statement"]]
    for lid, pol in s.resources("AWS::IAM::Policy").items():
        out += [(lid, st) for st in pol["Properties"]["PolicyDocument"]["Statement"]]
    return out


@pytest.mark.parametrize("which", ["repo", "full"])
def test_no_role_has_wildcard_actions(which: str, request: pytest.FixtureRequest) -> None:
    s: Synth = request.getfixturevalue(which)
    statements = _role_statements(s)
    assert statements
    for lid, st in statements:
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        assert st["Effect"] == "Allow"
        assert not [a for a in actions if a == "*" or a.endswith(":*")], (lid, st)
        if st["Resource"] == "*":
            # the only unscoped grants: services without resource-level permissions
            assert all(a.startswith(("xray:", "logs:", "dynamodb:ListStreams")) for a in actions), (lid, st)


def _settings_aliases() -> set[str]:
    return {f.alias for f in Settings.model_fields.values() if f.alias} - {"AWS_DEFAULT_REGION"}


def test_environment_carries_every_setting(repo: Synth, full: Synth) -> None:
    stems = {f.stem for f in load(REPO_ROOT / "state_machines")}
    sm_vars = {a for a in _settings_aliases() if a.startswith("HOSO_") and a.endswith("_ARN")}
    expected = (_settings_aliases() - sm_vars) | {arn_env_var(s) for s in stems}
    for fn in _functions(repo).values():
        env = fn["Properties"]["Environment"]["Variables"]
        assert expected <= set(env), sorted(expected - set(env))
        assert env["HOSO_STAGE"] == STAGE
        assert env["POWERTOOLS_SERVICE_NAME"] == env["POWERTOOLS_METRICS_NAMESPACE"] == "hoso"
    for fn in _functions(full).values():  # the fixture app's stack has one state machine: birth_flow
        env = fn["Properties"]["Environment"]["Variables"]
        assert ((_settings_aliases() - sm_vars) | {"HOSO_BIRTH_FLOW_ARN"}) <= set(env)


def test_environment_points_at_the_stack_resources(full: Synth) -> None:
    names = _names(full)
    env = _functions(full)[API_HANDLER]["Properties"]["Environment"]["Variables"]
    assert names[env["HOSO_DOSSIERS_TABLE"]["Ref"]] == ("table", "dossiers")
    assert names[env["HOSO_SYNC_DVCQG_QUEUE_URL"]["Ref"]] == ("queue", "sync-dvcqg")
    assert names[env["HOSO_AGENCY_TASKS_QUEUE_URL"]["Ref"]] == ("queue", "agency-tasks")
    assert names[env["HOSO_RESULTS_BUCKET"]["Ref"]] == ("bucket", "results")
    assert env["HOSO_DVCQG_HMAC_SECRET_ID"] == f"hoso/{STAGE}/dvcqg-hmac-keys"


def _event(s: Synth, name: str) -> dict[str, Any]:
    (event,) = _functions(s)[name]["Properties"]["Events"].values()
    return event


@pytest.mark.parametrize("name", ["sync_dvcqg", "sync_coordinator", "sync_province", "agency_tasks"])
def test_sqs_consumers_are_wired_to_their_queue(name: str, full: Synth) -> None:
    event = _event(full, name)
    assert event["Type"] == "SQS"
    (queue_id,) = _logical_ids(event["Properties"]["Queue"])
    assert _names(full)[queue_id] == ("queue", FUNCTION_ACCESS[name].consumes)
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_outbox_relay_reads_the_dossiers_stream(full: Synth) -> None:
    event = _event(full, "outbox_relay")
    p = event["Properties"]
    assert event["Type"] == "DynamoDB"
    (table_id,) = _logical_ids(p["Stream"])
    assert p["Stream"] == {"Fn::GetAtt": [table_id, "StreamArn"]}
    assert _names(full)[table_id] == ("table", "dossiers")
    (failures,) = _logical_ids(p["DestinationConfig"])
    assert _names(full)[failures] == ("queue", STREAM_FAILURE_QUEUE)
    assert p["BisectBatchOnFunctionError"] is True and p["MaximumRetryAttempts"] > 0
    assert p["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_attachment_uploaded_matches_object_created_in_attachments(full: Synth) -> None:
    event = _event(full, "attachment_uploaded")
    pattern = event["Properties"]["Pattern"]
    assert event["Type"] == "CloudWatchEvent"
    assert pattern["source"] == ["aws.s3"] and pattern["detail-type"] == ["Object Created"]
    ((bucket_id,),) = [_logical_ids(pattern["detail"]["bucket"]["name"])]
    assert _names(full)[bucket_id] == ("bucket", "attachments")


def test_schedules(full: Synth) -> None:
    assert _event(full, "deadline_sweep")["Properties"]["Schedule"] == "rate(15 minutes)"
    assert _event(full, "reconcile_dvcqg")["Properties"]["Schedule"] == "rate(1 hour)"


def test_rest_api_named_traced_and_access_logged(repo: Synth) -> None:
    api = repo.template["Resources"]["RestAPI"]["Properties"]
    assert api["Name"] == physical_name(STAGE, "api")
    assert api["TracingEnabled"] is True
    fmt = json.loads(api["AccessLogSetting"]["Format"])
    assert fmt["requestId"] == "$context.requestId"
    assert api["MethodSettings"] and all(
        m["DataTraceEnabled"] is False and m["MetricsEnabled"] is True for m in api["MethodSettings"])
