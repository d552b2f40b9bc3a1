"""The IAM call check itself (infra.iam_check) on a tiny hand-written template: an allowed call
passes; a missing action, a wrong resource, a missing KMS grant or a resource policy's Deny
fails — so the check cannot silently pass everything. And the recorder (local.aws_calls):
the IAM actions and ARNs it derives from botocore calls, and that only a function's calls
are recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra import iam_check
from local import aws_calls

REGION = "ap-southeast-1"
ACCOUNT = "123456789012"
KEY = {"Fn::GetAtt": ["Key", "Arn"]}
TABLE = {"Fn::GetAtt": ["Table", "Arn"]}
BUCKET_OBJECTS = {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]}


def template(statements: list[dict[str, Any]], key_policy: list[dict[str, Any]] | None = None,
             bucket_policy: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    root = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"]]}
    resources: dict[str, Any] = {
        "Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": key_policy if key_policy is not None
                else [{"Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"}]}}},
        "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "TableName": "t-items", "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": KEY}}},
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {
            "BucketName": {"Fn::Sub": "t-files-${AWS::AccountId}"},
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY}}]}}},
        "Plain": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "t-plain"}},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {
            "Policies": [{"PolicyName": "access", "PolicyDocument": {"Statement": statements}}]}},
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": {
            "FunctionName": "t-fn", "Handler": "app.fn", "Role": {"Fn::GetAtt": ["Role", "Arn"]}}},
    }
    if bucket_policy is not None:
        resources["BucketPolicy"] = {"Type": "AWS::S3::BucketPolicy", "Properties": {
            "Bucket": {"Ref": "Bucket"}, "PolicyDocument": {"Statement": bucket_policy}}}
    return {"Resources": resources}


def allow(sid: str, actions: list[str], resource: Any) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resource}


GET_ITEM = {"function": "t-fn", "service": "dynamodb", "operation": "GetItem", "action": "dynamodb:GetItem",
            "resource": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/t-items"}
PUT_OBJECT = {"function": "t-fn", "service": "s3", "operation": "PutObject", "action": "s3:PutObject",
              "resource": f"arn:aws:s3:::t-files-{ACCOUNT}/uploads/a.pdf"}
KEY_USE = allow("Key", ["kms:Decrypt", "kms:GenerateDataKey"], KEY)


def denied(report: iam_check.Report) -> list[tuple[str, str, str]]:
    return [(n.action, n.resource, why) for n, why in report.denied]


def test_an_allowed_call_passes_and_its_kms_use_counts() -> None:
    t = template([allow("Read", ["dynamodb:GetItem", "dynamodb:Query"], TABLE), KEY_USE])
    report = iam_check.check(t, [GET_ITEM])
    assert report.denied == []
    assert ("dynamodb:Query", "Read") in report.unused["t-fn"]  # granted, never used: listed
    assert ("dynamodb:GetItem", "Read") not in report.unused["t-fn"]
    assert ("kms:Decrypt", "Key") not in report.unused["t-fn"]  # the table's key was used


def test_a_missing_action_fails() -> None:
    t = template([allow("Read", ["dynamodb:Query"], TABLE), KEY_USE])
    assert denied(iam_check.check(t, [GET_ITEM])) == [
        ("dynamodb:GetItem", GET_ITEM["resource"], "no statement of the role allows it")]


def test_a_wrong_resource_fails() -> None:
    other_index = {"Fn::Join": ["", [TABLE, "/index/gsi1"]]}
    t = template([allow("Read", ["dynamodb:GetItem", "dynamodb:Query"], other_index), KEY_USE])
    query_gsi2 = {**GET_ITEM, "action": "dynamodb:Query", "resource": GET_ITEM["resource"] + "/index/gsi2"}
    assert [d[:2] for d in denied(iam_check.check(t, [GET_ITEM, query_gsi2]))] == [
        ("dynamodb:GetItem", GET_ITEM["resource"]), ("dynamodb:Query", query_gsi2["resource"])]


def test_a_missing_kms_grant_fails_for_an_sse_kms_object() -> None:
    t = template([allow("Write", ["s3:PutObject"], BUCKET_OBJECTS), allow("Key", ["kms:Decrypt"], KEY)])
    assert denied(iam_check.check(t, [PUT_OBJECT])) == [
        ("kms:GenerateDataKey", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/Key", "no statement of the role allows it")]
    plain = {**PUT_OBJECT, "resource": "arn:aws:s3:::t-plain/a.pdf"}  # not encrypted with a key: no KMS needed
    t_plain = template([allow("Write", ["s3:PutObject"], "arn:aws:s3:::t-plain/*")])
    assert iam_check.check(t_plain, [plain]).denied == []


def test_the_key_policy_must_let_iam_decide() -> None:
    t = template([allow("Read", ["dynamodb:GetItem"], TABLE), KEY_USE], key_policy=[])
    assert denied(iam_check.check(t, [GET_ITEM]))[0][0] == "kms:Decrypt"


def test_conditions_are_evaluated_or_taken_conservatively() -> None:
    via = {**KEY_USE, "Condition": {"StringEquals": {"kms:ViaService": f"dynamodb.{REGION}.amazonaws.com"}}}
    assert iam_check.check(template([allow("Read", ["dynamodb:GetItem"], TABLE), via]), [GET_ITEM]).denied == []
    via_s3 = {**KEY_USE, "Condition": {"StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}}}
    assert denied(iam_check.check(template([allow("Read", ["dynamodb:GetItem"], TABLE), via_s3]), [GET_ITEM]))
    unknown = {**allow("Read", ["dynamodb:GetItem"], TABLE), "Condition": {"StringEquals": {"aws:PrincipalTag/x": "y"}}}
    assert denied(iam_check.check(template([unknown, KEY_USE]), [GET_ITEM]))


def test_a_resource_policy_deny_fails_but_not_the_https_only_one() -> None:
    https_only = {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": BUCKET_OBJECTS,
                  "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    grants = [allow("Write", ["s3:PutObject"], BUCKET_OBJECTS), KEY_USE]
    assert iam_check.check(template(grants, bucket_policy=[https_only]), [PUT_OBJECT]).denied == []
    no_put = {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:PutObject", "Resource": BUCKET_OBJECTS}
    assert denied(iam_check.check(template(grants, bucket_policy=[no_put]), [PUT_OBJECT]))[0][2].startswith("denied")


def test_a_function_the_template_lacks_fails() -> None:
    t = template([allow("Read", ["dynamodb:GetItem"], TABLE), KEY_USE])
    assert denied(iam_check.check(t, [{**GET_ITEM, "function": "t-other"}]))[0][2] == "no such function in the template"


def test_the_command_fails_on_a_denied_call_and_on_nothing_recorded(tmp_path: Path) -> None:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template([allow("Read", ["dynamodb:GetItem"], TABLE), KEY_USE])))
    calls = tmp_path / "calls"
    calls.mkdir()
    assert iam_check.main([str(calls), "--template", str(path)]) == 1  # nothing recorded
    (calls / "calls-1.jsonl").write_text(json.dumps(GET_ITEM) + "\n")
    assert iam_check.main([str(calls), "--template", str(path)]) == 0
    (calls / "calls-2.jsonl").write_text(json.dumps({**GET_ITEM, "action": "dynamodb:PutItem"}) + "\n")
    assert iam_check.main([str(calls), "--template", str(path)]) == 1


# --- the recorder ----------------------------------------------------------------------------
@pytest.mark.parametrize(("service", "operation", "params", "expected"), [
    ("dynamodb", "TransactWriteItems", {"TransactItems": [{"Put": {"TableName": "a"}}, {"ConditionCheck": {
        "TableName": "b"}}]}, [("dynamodb:PutItem", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/a"),
                               ("dynamodb:ConditionCheckItem", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/b")]),
    ("dynamodb", "Query", {"TableName": "a", "IndexName": "gsi1"},
     [("dynamodb:Query", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/a/index/gsi1")]),
    ("s3", "DeleteObject", {"Bucket": "b", "Key": "k", "VersionId": "v"},
     [("s3:DeleteObjectVersion", "arn:aws:s3:::b/k")]),
    ("s3", "HeadObject", {"Bucket": "b", "Key": "k"}, [("s3:GetObject", "arn:aws:s3:::b/k")]),
    # a put with its own Object Lock retention (the daily anchors) needs s3:PutObjectRetention too
    ("s3", "PutObject", {"Bucket": "b", "Key": "k", "ObjectLockMode": "COMPLIANCE"},
     [("s3:PutObject", "arn:aws:s3:::b/k"), ("s3:PutObjectRetention", "arn:aws:s3:::b/k")]),
    ("s3", "PutObject", {"Bucket": "b", "Key": "k"}, [("s3:PutObject", "arn:aws:s3:::b/k")]),
    ("s3", "ListObjectVersions", {"Bucket": "b"}, [("s3:ListBucketVersions", "arn:aws:s3:::b")]),
    ("s3", "CopyObject", {"Bucket": "b", "Key": "k", "CopySource": {"Bucket": "s", "Key": "x"}},
     [("s3:PutObject", "arn:aws:s3:::b/k"), ("s3:GetObject", "arn:aws:s3:::s/x")]),
    ("sqs", "SendMessageBatch", {"QueueUrl": "http://127.0.0.1:5000/123456789012/q"},
     [("sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:q")]),
    ("sns", "PublishBatch", {"TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:t"},
     [("sns:Publish", f"arn:aws:sns:{REGION}:{ACCOUNT}:t")]),
    ("secretsmanager", "GetSecretValue", {"SecretId": "hoso/dev/x"},
     [("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:hoso/dev/x-XXXXXX")]),
    ("states", "SendTaskSuccess", {"taskToken": "t"},
     [("states:SendTaskSuccess", f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:*")]),
])
def test_the_recorder_names_the_iam_action_and_resource(
    service: str, operation: str, params: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert aws_calls.permissions(service, operation, params, REGION) == expected


def test_only_a_functions_calls_are_recorded(tmp_path: Path) -> None:
    aws_calls.uninstall()  # a recording of the whole session (HOSO_RECORD_AWS_CALLS) resumes below
    assert aws_calls.install(tmp_path)
    try:
        with mock_aws():
            s3 = boto3.client("s3", region_name=REGION)
            s3.create_bucket(Bucket="bkt", CreateBucketConfiguration={"LocationConstraint": REGION})  # setup: nobody's
            with aws_calls.invoking("t-fn"):
                s3.put_object(Bucket="bkt", Key="k", Body=b"x")
                s3.put_object(Bucket="bkt", Key="k", Body=b"y")  # the same permission: written once
                s3.generate_presigned_post("bkt", "uploads/1")
    finally:
        aws_calls.uninstall()
        aws_calls.install()
    lines = [json.loads(line) for f in tmp_path.glob("*.jsonl") for line in f.read_text().splitlines()]
    assert [(c["function"], c["action"], c["resource"]) for c in lines] == [
        ("t-fn", "s3:PutObject", "arn:aws:s3:::bkt/k"), ("t-fn", "s3:PutObject", "arn:aws:s3:::bkt/*")]


def test_an_unnamed_resource_has_the_local_stacks_name() -> None:
    t = template([allow("Send", ["sqs:SendMessage"], {"Fn::GetAtt": ["Jobs", "Arn"]})])
    t["Resources"]["Jobs"] = {"Type": "AWS::SQS::Queue", "Properties": {}}  # local.provision: <stack>-<logical id>
    send = {"function": "t-fn", "service": "sqs", "operation": "SendMessage", "action": "sqs:SendMessage",
            "resource": f"arn:aws:sqs:{REGION}:{ACCOUNT}:hoso-dev-Jobs"}
    assert iam_check.check(t, [send]).denied == []
    assert denied(iam_check.check(t, [{**send, "resource": send["resource"] + "-other"}]))
