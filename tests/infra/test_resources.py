"""The stateful resources of the synthesised stack: tables, buckets, queues, secrets, the
web app's distribution, state machines, alarms and outputs."""

from __future__ import annotations

import json
from typing import Any

from infra.access import FUNCTION_ACCESS, VISIBILITY_FACTOR
from infra.config import CONFIG_KEYS, LOCAL_ONLY
from infra.resources import (
    QUEUES,
    SECRETS,
    STREAM_FAILURE_QUEUE,
    SYNC_QUEUES,
    TABLES,
    dlq_name,
    physical_name,
    secret_name,
)
from infra.stack import RESULT_RETENTION_DAYS, STEP_TIMEOUT_SECONDS
from infra.wiring import python_name
from tests.infra.conftest import BIRTH_FLOW_ASL, STAGE, Synth


def _one(resources: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    assert len(resources) == 1, list(resources)
    return next(iter(resources.items()))


def _key_ref(s: Synth) -> dict[str, Any]:
    key_id, _ = _one(s.resources("AWS::KMS::Key"))
    return {"Fn::GetAtt": [key_id, "Arn"]}


def _by_prop(s: Synth, type_: str, prop: str, value: Any) -> tuple[str, dict[str, Any]]:
    return _one({k: r for k, r in s.resources(type_).items() if r["Properties"].get(prop) == value})


def _bucket(s: Synth, name: str) -> tuple[str, dict[str, Any]]:
    prefix = f"{physical_name(STAGE, name)}-"
    return _one(
        {
            k: r
            for k, r in s.resources("AWS::S3::Bucket").items()
            if r["Properties"]["BucketName"]["Fn::Join"][1][0] == prefix
        }
    )


def test_one_customer_managed_key_with_rotation(full: Synth) -> None:
    _, key = _one(full.resources("AWS::KMS::Key"))
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain"


def test_tables_keys_indexes_and_protection(full: Synth) -> None:
    key = _key_ref(full)
    tables = full.resources("AWS::DynamoDB::Table")
    assert {r["Properties"]["TableName"] for r in tables.values()} == {physical_name(STAGE, n) for n in TABLES}
    for spec in TABLES.values():
        _, table = _by_prop(full, "AWS::DynamoDB::Table", "TableName", physical_name(STAGE, spec.name))
        p = table["Properties"]
        assert p["KeySchema"] == [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ]
        assert p["BillingMode"] == "PAY_PER_REQUEST"
        assert p["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert p["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": key}
        assert p["DeletionProtectionEnabled"] is True
        assert table["DeletionPolicy"] == "Retain"
        gsis = {g["IndexName"]: g for g in p.get("GlobalSecondaryIndexes", [])}
        assert set(gsis) == set(spec.gsis)
        for name, gsi in gsis.items():
            assert gsi["KeySchema"] == [
                {"AttributeName": f"{name}pk", "KeyType": "HASH"},
                {"AttributeName": f"{name}sk", "KeyType": "RANGE"},
            ]
            assert gsi["Projection"]["ProjectionType"] in ("ALL", "KEYS_ONLY", "INCLUDE")  # test_cost_levers.py
        attrs = {a["AttributeName"]: a["AttributeType"] for a in p["AttributeDefinitions"]}
        assert set(attrs.values()) == {"S"}
        if spec.stream:
            assert p["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
        else:
            assert "StreamSpecification" not in p
        if spec.ttl:
            assert p["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
        else:
            assert "TimeToLiveSpecification" not in p
        if spec.append_only:  # nobody updates or deletes an entry, whatever their IAM grants
            (statement,) = p["ResourcePolicy"]["PolicyDocument"]["Statement"]
            assert statement["Effect"] == "Deny" and statement["Principal"] == {"AWS": "*"}
            assert set(statement["Action"]) == {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
        else:
            assert "ResourcePolicy" not in p


def test_the_access_log_is_append_only_for_every_function() -> None:
    # TTL: only the day index items (CHAINDAY#…) carry expires_at, never an entry (tests/integration/integrity)
    assert TABLES["accesslog"].append_only and TABLES["accesslog"].ttl
    users = {fn: a.tables["accesslog"].level for fn, a in FUNCTION_ACCESS.items() if "accesslog" in a.tables}
    assert {fn: level for fn, level in users.items() if level != "read"} == {"api_handler": "append"}


def test_dossiers_stream_and_sync_ttl_as_specified() -> None:
    assert TABLES["dossiers"].stream and TABLES["dossiers"].ttl
    assert TABLES["dossiers"].gsis == ("gsi1", "gsi2", "gsi3", "gsi4")  # gsi4: by applicant (HMAC)
    assert TABLES["catalogue"].gsis == ("gsi1",)
    assert TABLES["sync"].gsis == ("gsi1",) and TABLES["sync"].ttl
    assert TABLES["counters"].gsis == ()


def _tls_only(s: Synth, type_: str, target_key: str, logical_id: str) -> bool:
    for policy in s.resources(type_).values():
        p = policy["Properties"]
        targets = p[target_key] if isinstance(p[target_key], list) else [p[target_key]]
        if {"Ref": logical_id} not in targets:
            continue
        for st in p["PolicyDocument"]["Statement"]:
            if st["Effect"] == "Deny" and st.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}:
                return True
    return False


def test_every_queue_has_its_dlq_and_tls_only_policy(full: Synth) -> None:
    key = _key_ref(full)
    functions = {
        python_name(r["Properties"]["Handler"]): r for r in full.resources("AWS::Serverless::Function").values()
    }
    for name in QUEUES:
        qid, q = _by_prop(full, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, name))
        did, d = _by_prop(full, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, dlq_name(name)))
        assert q["Properties"]["RedrivePolicy"] == {
            "deadLetterTargetArn": {"Fn::GetAtt": [did, "Arn"]},
            "maxReceiveCount": 5,
        }
        assert d["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
        for props in (q["Properties"], d["Properties"]):
            assert props["KmsMasterKeyId"] == key
        assert _tls_only(full, "AWS::SQS::QueuePolicy", "Queues", qid)
        assert _tls_only(full, "AWS::SQS::QueuePolicy", "Queues", did)
        consumer = next(fn for fn, a in FUNCTION_ACCESS.items() if a.consumes == name)
        timeout = functions[consumer]["Properties"]["Timeout"]
        assert q["Properties"]["VisibilityTimeout"] >= VISIBILITY_FACTOR * timeout


def test_stream_failure_queue_is_encrypted_and_tls_only(full: Synth) -> None:
    qid, q = _by_prop(full, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, STREAM_FAILURE_QUEUE))
    assert q["Properties"]["KmsMasterKeyId"] == _key_ref(full)
    assert _tls_only(full, "AWS::SQS::QueuePolicy", "Queues", qid)


def test_buckets_versioned_private_tls_only_logged(full: Synth) -> None:
    logs_id, _ = _bucket(full, "logs")
    for name in ("attachments", "results", "webapp", "logs"):
        bid, b = _bucket(full, name)
        p = b["Properties"]
        assert p["BucketName"]["Fn::Join"][1][1:] == [{"Ref": "AWS::AccountId"}, "-ap-southeast-1"]
        assert p["VersioningConfiguration"] == {"Status": "Enabled"}
        assert p["PublicAccessBlockConfiguration"] == dict.fromkeys(
            ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
        )
        assert _tls_only(full, "AWS::S3::BucketPolicy", "Bucket", bid)
        rules = p["LifecycleConfiguration"]["Rules"]
        assert any("NoncurrentVersionExpiration" in r for r in rules)
        assert any("AbortIncompleteMultipartUpload" in r for r in rules)
        assert b["DeletionPolicy"] == "Retain"
        if name != "logs":
            assert p["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": logs_id}


def test_data_buckets_use_the_key(full: Synth) -> None:
    for name in ("attachments", "results"):
        _, b = _bucket(full, name)
        (rule,) = b["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": _key_ref(full)}
        assert rule["BucketKeyEnabled"] is True


def test_results_are_object_locked_in_governance_mode(full: Synth) -> None:
    _, b = _bucket(full, "results")
    p = b["Properties"]
    assert p["ObjectLockEnabled"] is True
    assert p["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": RESULT_RETENTION_DAYS}},
    }
    _, attachments = _bucket(full, "attachments")
    assert "ObjectLockConfiguration" not in attachments["Properties"]


def test_browsers_may_only_post_presigned_uploads_to_the_attachments_bucket(full: Synth) -> None:
    _, attachments = _bucket(full, "attachments")
    assert attachments["Properties"]["CorsConfiguration"] == {
        "CorsRules": [{"AllowedMethods": ["POST"], "AllowedOrigins": ["*"], "MaxAge": 3600}]}
    for name in ("results", "logs", "webapp"):
        _, other = _bucket(full, name)
        assert "CorsConfiguration" not in other["Properties"]


def test_attachments_send_events_to_eventbridge(full: Synth) -> None:
    _, b = _bucket(full, "attachments")
    assert b["Properties"]["NotificationConfiguration"] == {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}
    # natively: no CDK custom resource for notifications (the only custom resources upload the web app)
    assert {r["Type"] for r in full.template["Resources"].values() if r["Type"].startswith("Custom::")} == {
        "Custom::CDKBucketDeployment"
    }


def test_secrets_named_per_stage_and_encrypted(full: Synth) -> None:
    secrets = full.resources("AWS::SecretsManager::Secret")
    assert {s["Properties"]["Name"] for s in secrets.values()} == {secret_name(STAGE, n) for n in SECRETS}
    for s in secrets.values():
        assert s["Properties"]["KmsKeyId"] == _key_ref(full)
    _, clients = _by_prop(full, "AWS::SecretsManager::Secret", "Name", secret_name(STAGE, "integration-clients"))
    assert json.loads(clients["Properties"]["SecretString"]) == {}  # nobody may call until registered


def test_config_in_ssm_for_operators(full: Synth) -> None:
    names = {p["Properties"]["Name"] for p in full.resources("AWS::SSM::Parameter").values()}
    # a local synth (this one) also carries the local stack's own keys; a deployment refuses them
    assert names == {f"/hoso/{STAGE}/config/{k}" for k in (*CONFIG_KEYS, *LOCAL_ONLY)}


def test_state_machine_from_the_folder(full: Synth) -> None:
    sm_id, sm = _one(full.resources("AWS::StepFunctions::StateMachine"))
    p = sm["Properties"]
    assert p["StateMachineName"] == physical_name(STAGE, "birth_flow")
    assert p["StateMachineType"] == "STANDARD"
    assert p["DefinitionString"] == BIRTH_FLOW_ASL
    subs = p["DefinitionSubstitutions"]
    assert set(subs) == {"AgencyTasksQueueUrl", "DossiersTableName", "StepTimeoutSeconds", "HeartbeatSeconds"}
    agency_id, _ = _by_prop(full, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, "agency-tasks"))
    assert subs["AgencyTasksQueueUrl"] == {"Ref": agency_id}
    assert subs["StepTimeoutSeconds"] == str(STEP_TIMEOUT_SECONDS)
    assert p["LoggingConfiguration"]["Level"] == "ALL"
    assert p["LoggingConfiguration"]["IncludeExecutionData"] is False
    assert p["TracingConfiguration"] == {"Enabled": True}
    for fn in full.resources("AWS::Serverless::Function").values():
        assert fn["Properties"]["Environment"]["Variables"]["HOSO_BIRTH_FLOW_ARN"] == {"Fn::GetAtt": [sm_id, "Arn"]}


def test_repo_state_machines_match_the_folder(repo: Synth) -> None:
    from infra.resources import REPO_ROOT
    from infra.state_machines import load

    stems = {f.stem for f in load(REPO_ROOT / "state_machines")}
    names = {r["Properties"]["StateMachineName"] for r in repo.resources("AWS::StepFunctions::StateMachine").values()}
    assert names == {physical_name(STAGE, s) for s in stems}


def _alarms(s: Synth) -> list[dict[str, Any]]:
    return [r["Properties"] for r in s.resources("AWS::CloudWatch::Alarm").values()]


def test_every_dlq_has_an_alarm_to_the_encrypted_topic(full: Synth) -> None:
    topic_id = full.alarm_topic()
    topic = full.resources("AWS::SNS::Topic")[topic_id]
    assert topic["Properties"]["TopicName"] == physical_name(STAGE, "alarms")
    assert topic["Properties"]["KmsMasterKeyId"] == _key_ref(full)
    alarms = _alarms(full)
    assert all(a["AlarmActions"] == [{"Ref": topic_id}] for a in alarms)
    watched = {
        json.dumps(a["Dimensions"][0]["Value"])
        for a in alarms
        if a.get("MetricName") == "ApproximateNumberOfMessagesVisible" and a["Threshold"] == 0
    }
    for name in (*[dlq_name(q) for q in QUEUES], STREAM_FAILURE_QUEUE):
        qid, _ = _by_prop(full, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, name))
        assert json.dumps({"Fn::GetAtt": [qid, "QueueName"]}) in watched, name


def test_operational_alarms(full: Synth) -> None:
    alarms = _alarms(full)
    oldest = [a for a in alarms if a.get("MetricName") == "ApproximateAgeOfOldestMessage"]
    assert len(oldest) == len(SYNC_QUEUES) and all(a["Threshold"] == 300 for a in oldest)
    states = {a["MetricName"] for a in alarms if a.get("Namespace") == "AWS/States"}
    assert states == {"ExecutionsFailed", "ExecutionsTimedOut"}
    (api,) = [a for a in alarms if a.get("AlarmName") == physical_name(STAGE, "api-5xx")]
    assert api["MetricName"] == "5XXError"
    assert api["Period"] == 300 and api["Threshold"] == 0
    assert {d["Value"] for d in api["Dimensions"]} == {physical_name(STAGE, "api"), "api"}
    lambda_alarms = {
        (a["Dimensions"][0]["Value"], a["MetricName"]) for a in alarms
        if a.get("Namespace") == "AWS/Lambda" and len(a.get("Dimensions", [])) == 1  # per function
    }
    for fn in full.resources("AWS::Serverless::Function").values():
        name = fn["Properties"]["FunctionName"]
        assert {(name, "Errors"), (name, "Throttles")} <= lambda_alarms
    throttled = [a for a in alarms if "Metrics" in a]
    assert len(throttled) == len(TABLES)
    for a in throttled:
        metrics = {m["MetricStat"]["Metric"]["MetricName"] for m in a["Metrics"] if "MetricStat" in m}
        assert metrics == {"ReadThrottleEvents", "WriteThrottleEvents"}


def test_outputs(full: Synth) -> None:
    outputs = set(full.template["Outputs"])
    assert {
        "EndpointURL",
        "WebappDomain",
        "AttachmentsBucketName",
        "ResultsBucketName",
        "BirthFlowStateMachineArn",
    } <= outputs
    assert {f"{''.join(p.capitalize() for p in q.split('-'))}QueueUrl" for q in QUEUES} <= outputs
