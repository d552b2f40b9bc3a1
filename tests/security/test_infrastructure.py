"""The deployed template, read from the security angle (``build/cdk.out/hoso-dev.template.json``,
synthesised again when infra/ or app.py changed): least privilege for every role, every table
encrypted with the customer key and recoverable, no public bucket and TLS only, a dead-letter
queue behind every queue a function consumes. (tests/infra checks how infra builds them.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from local.stack import ensure_template

# Actions AWS only grants on "*": they have no resource-level permissions (IAM service
# authorization reference). Anything else on "*" fails.
RESOURCE_STAR_ALLOWED = {
    "xray:PutTraceSegments": "X-Ray has no resource-level permissions",
    "xray:PutTelemetryRecords": "X-Ray has no resource-level permissions",
    "xray:GetSamplingRules": "X-Ray has no resource-level permissions",
    "xray:GetSamplingTargets": "X-Ray has no resource-level permissions",
    "dynamodb:ListStreams": "ListStreams is not resource-scoped (the stream reads are)",
    "logs:CreateLogDelivery": "Step Functions' vended log delivery requires '*'",
    "logs:GetLogDelivery": "Step Functions' vended log delivery requires '*'",
    "logs:UpdateLogDelivery": "Step Functions' vended log delivery requires '*'",
    "logs:DeleteLogDelivery": "Step Functions' vended log delivery requires '*'",
    "logs:ListLogDeliveries": "Step Functions' vended log delivery requires '*'",
    "logs:PutResourcePolicy": "Step Functions' vended log delivery requires '*'",
    "logs:DescribeResourcePolicies": "Step Functions' vended log delivery requires '*'",
    "logs:DescribeLogGroups": "Step Functions' vended log delivery requires '*'",
}
# AWS-managed policies a role may carry, and why.
MANAGED_POLICIES_ALLOWED = {
    "AmazonAPIGatewayPushToCloudWatchLogs": "API Gateway's account-level logging role (one per account and region)",
    # AWS Backup's own role (infra/backup.py): the AWS-documented policies for backing up and restoring
    # DynamoDB and S3; AWS keeps them in step with the service's needs
    "AWSBackupServiceRolePolicyForBackup": "AWS Backup: back up the tables",
    "AWSBackupServiceRolePolicyForRestores": "AWS Backup: restore the tables",
    "AWSBackupServiceRolePolicyForS3Backup": "AWS Backup: back up the data buckets",
    "AWSBackupServiceRolePolicyForS3Restore": "AWS Backup: restore the data buckets",
}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return json.loads(ensure_template("dev").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v["Properties"] for k, v in template["Resources"].items() if v["Type"] == kind}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _key_arn(template: dict[str, Any]) -> dict[str, Any]:
    (key_id,) = _of_type(template, "AWS::KMS::Key")
    return {"Fn::GetAtt": [key_id, "Arn"]}


def test_every_role_is_least_privilege(template: dict[str, Any]) -> None:
    roles = _of_type(template, "AWS::IAM::Role")
    assert roles
    problems = []
    for name, role in roles.items():
        for arn in role.get("ManagedPolicyArns", []):
            text = json.dumps(arn)
            if not any(allowed in text for allowed in MANAGED_POLICIES_ALLOWED):
                problems.append(f"{name}: managed policy {text}")
        for policy in role.get("Policies", []):
            for statement in _as_list(policy["PolicyDocument"]["Statement"]):
                actions = _as_list(statement.get("Action", []))
                if statement.get("Effect") != "Allow":
                    continue
                if "NotAction" in statement or "NotResource" in statement:
                    problems.append(f"{name}: NotAction/NotResource")
                for action in actions:
                    if "*" in action:
                        problems.append(f"{name}: wildcard action {action}")
                if "*" in _as_list(statement.get("Resource", [])):
                    problems += [f"{name}: {a} on Resource '*'" for a in actions if a not in RESOURCE_STAR_ALLOWED]
    assert not problems, "\n".join(problems)


def test_no_function_shares_a_role(template: dict[str, Any]) -> None:
    functions = _of_type(template, "AWS::Serverless::Function")
    roles = [json.dumps(f.get("Role"), sort_keys=True) for f in functions.values()]
    assert all(f.get("Role") for f in functions.values()), "a function without its own role"
    assert len(set(roles)) == len(roles), "two functions share a role"
    assert not any(f.get("Policies") for f in functions.values()), "SAM policies beside the role"


def test_every_table_is_encrypted_with_the_customer_key_and_recoverable(template: dict[str, Any]) -> None:
    key = _key_arn(template)
    for name, table in _of_type(template, "AWS::DynamoDB::Table").items():
        sse = table.get("SSESpecification", {})
        assert sse.get("SSEEnabled") is True and sse.get("SSEType") == "KMS", name
        assert sse.get("KMSMasterKeyId") == key, f"{name} is not encrypted with the stack's customer key"
        assert table.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled") is True, name


def test_no_bucket_is_public_and_every_bucket_refuses_plain_http(template: dict[str, Any]) -> None:
    bucket_policies = _of_type(template, "AWS::S3::BucketPolicy").values()
    policies = {json.dumps(p["Bucket"]): p["PolicyDocument"] for p in bucket_policies}
    for name, bucket in _of_type(template, "AWS::S3::Bucket").items():
        block = bucket.get("PublicAccessBlockConfiguration", {})
        assert all(block.get(k) is True for k in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
                                                   "RestrictPublicBuckets")), name
        assert bucket.get("BucketEncryption"), f"{name} is not encrypted"
        document = policies.get(json.dumps({"Ref": name}))
        assert document is not None, f"{name} has no bucket policy"
        statements = _as_list(document["Statement"])
        assert any(s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")
                   == "false" for s in statements), f"{name} accepts plain HTTP"
        for s in statements:
            if s["Effect"] == "Allow":
                assert s.get("Principal") not in ("*", {"AWS": "*"}), f"{name} allows everyone"


def test_every_queue_a_function_reads_has_a_dead_letter_queue_and_the_key(template: dict[str, Any]) -> None:
    queues = _of_type(template, "AWS::SQS::Queue")
    key = _key_arn(template)
    consumed = set()
    for function in _of_type(template, "AWS::Serverless::Function").values():
        for event in (function.get("Events") or {}).values():
            if event["Type"] == "SQS":
                consumed.add(event["Properties"]["Queue"]["Fn::GetAtt"][0])
    assert consumed, "no function reads a queue"
    for name in consumed:
        redrive = queues[name].get("RedrivePolicy")
        assert redrive and redrive["deadLetterTargetArn"]["Fn::GetAtt"][0] in queues, f"{name} has no DLQ"
        assert 1 <= redrive["maxReceiveCount"] <= 10, name
    for name, queue in queues.items():
        assert queue.get("KmsMasterKeyId") == key, f"{name} is not encrypted with the customer key"


def test_state_machines_log_no_execution_data(template: dict[str, Any]) -> None:
    machines = _of_type(template, "AWS::StepFunctions::StateMachine")
    for name, machine in machines.items():
        assert machine["LoggingConfiguration"]["IncludeExecutionData"] is False, name
