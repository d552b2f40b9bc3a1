"""What ``local.provision`` creates in moto equals what the template defines.

Every check reads its expectation from the template itself, so the same tests run on the
fixture template (tests/integration/stack/fixture_template.py) and on the real one,
synthesised from infra/.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from local.provision import SERVERLESS_FUNCTION, ProvisionError, ProvisionResult, provision
from tests.integration.stack import fixture_template

EMULATED = {
    "AWS::DynamoDB::Table",
    "AWS::SQS::Queue",
    "AWS::S3::Bucket",
    "AWS::KMS::Key",
    "AWS::KMS::Alias",
    "AWS::SecretsManager::Secret",
    "AWS::SSM::Parameter",
    "AWS::SNS::Topic",
    "AWS::SNS::Subscription",
    "AWS::StepFunctions::StateMachine",
}


def _renamed(template: dict[str, Any], stage: str) -> dict[str, Any]:
    """The real template with its physical names moved to another stage: the same shapes in a
    namespace of its own (moto's state is shared with whatever else runs in this process)."""
    text = json.dumps(template).replace("hoso-dev", f"hoso-{stage}").replace("hoso/dev/", f"hoso/{stage}/")
    return json.loads(text)  # type: ignore[no-any-return]


@pytest.fixture(scope="module", params=["fixture", "real"])
def case(request: pytest.FixtureRequest, moto_url: str) -> Iterator[tuple[dict[str, Any], ProvisionResult]]:
    if request.param == "fixture":
        template, stack = fixture_template.template(), "hoso-fx"
    else:
        template, stack = _renamed(request.getfixturevalue("real_template"), "rt"), "hoso-rt"
    yield template, provision(template, moto_url, stack_name=stack)


def _of_type(template: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return {lid: r.get("Properties", {}) for lid, r in template["Resources"].items() if r["Type"] == rtype}


def test_every_resource_is_created_or_listed_as_skipped(case: tuple[dict[str, Any], ProvisionResult]) -> None:
    template, result = case
    for lid, resource in template["Resources"].items():
        if resource["Type"] in EMULATED:
            assert lid in result.resources and lid not in result.skipped, lid
        elif resource["Type"] == SERVERLESS_FUNCTION:
            assert lid in result.functions
        else:
            assert result.skipped[lid] == resource["Type"]
    assert set(result.skipped.values()).isdisjoint(EMULATED)


def test_tables_have_the_templates_keys_indexes_stream_and_ttl(
    case: tuple[dict[str, Any], ProvisionResult], aws: Any
) -> None:
    template, result = case
    tables = _of_type(template, "AWS::DynamoDB::Table")
    assert tables
    for lid, props in tables.items():
        name = result.resources[lid].ref
        assert name == props["TableName"]
        table = aws("dynamodb").describe_table(TableName=name)["Table"]
        assert table["KeySchema"] == props["KeySchema"]
        assert {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]} == {
            a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]
        }
        expected_gsis = {
            g["IndexName"]: (g["KeySchema"], g["Projection"]) for g in props.get("GlobalSecondaryIndexes", [])
        }
        actual_gsis = {
            g["IndexName"]: (g["KeySchema"], g["Projection"]) for g in table.get("GlobalSecondaryIndexes", [])
        }
        assert actual_gsis == expected_gsis
        stream = props.get("StreamSpecification")
        if stream:
            assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
            assert result.resources[lid].attributes["StreamArn"] == table["LatestStreamArn"]
        else:
            assert "StreamSpecification" not in table
        ttl = aws("dynamodb").describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        if "TimeToLiveSpecification" in props:
            assert ttl == {
                "TimeToLiveStatus": "ENABLED",
                "AttributeName": props["TimeToLiveSpecification"]["AttributeName"],
            }
        else:
            assert ttl["TimeToLiveStatus"] == "DISABLED"


def test_queues_exist_with_their_dead_letter_queues_wired(
    case: tuple[dict[str, Any], ProvisionResult], aws: Any
) -> None:
    template, result = case
    queues = _of_type(template, "AWS::SQS::Queue")
    assert queues
    for lid, props in queues.items():
        url = result.resources[lid].ref
        attributes = aws("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert attributes["QueueArn"].endswith(":" + props["QueueName"])
        if "VisibilityTimeout" in props:
            assert attributes["VisibilityTimeout"] == str(props["VisibilityTimeout"])
        if "MessageRetentionPeriod" in props:
            assert attributes["MessageRetentionPeriod"] == str(props["MessageRetentionPeriod"])
        if "RedrivePolicy" in props:
            dlq_lid = props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
            dlq_name = template["Resources"][dlq_lid]["Properties"]["QueueName"]
            redrive = json.loads(attributes["RedrivePolicy"])
            assert redrive["deadLetterTargetArn"].endswith(":" + dlq_name)
            assert int(redrive["maxReceiveCount"]) == props["RedrivePolicy"]["maxReceiveCount"]
        else:
            assert "RedrivePolicy" not in attributes


def test_buckets_exist_with_versioning_lock_and_eventbridge(
    case: tuple[dict[str, Any], ProvisionResult], aws: Any
) -> None:
    template, result = case
    buckets = _of_type(template, "AWS::S3::Bucket")
    assert buckets
    s3 = aws("s3")
    for lid, props in buckets.items():
        name = result.resources[lid].ref
        assert name.endswith("-123456789012-ap-southeast-1")  # Fn::Join of AWS::AccountId resolved
        s3.head_bucket(Bucket=name)
        if "VersioningConfiguration" in props:
            assert s3.get_bucket_versioning(Bucket=name)["Status"] == props["VersioningConfiguration"]["Status"]
        wants_eventbridge = props.get("NotificationConfiguration", {}).get("EventBridgeConfiguration", {})
        assert _eventbridge_enabled(name) == bool(wants_eventbridge.get("EventBridgeEnabled"))
        if props.get("ObjectLockEnabled"):
            lock = s3.get_object_lock_configuration(Bucket=name)["ObjectLockConfiguration"]
            assert lock["ObjectLockEnabled"] == "Enabled"
            expected = props["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]
            assert {k: v for k, v in lock["Rule"]["DefaultRetention"].items() if v} == expected


def _eventbridge_enabled(bucket: str) -> bool:
    # moto's GetBucketNotificationConfiguration leaves EventBridgeConfiguration out of its
    # answer, so read the server's state (same process); the dispatcher tests show the events flow.
    from moto.s3.models import s3_backends

    configuration = s3_backends["123456789012"]["aws"].get_bucket(bucket).notification_configuration
    return configuration is not None and configuration.event_bridge is not None


def test_secrets_parameters_topics_and_keys_exist(case: tuple[dict[str, Any], ProvisionResult], aws: Any) -> None:
    template, result = case
    for lid, props in _of_type(template, "AWS::SecretsManager::Secret").items():
        value = aws("secretsmanager").get_secret_value(SecretId=props["Name"])["SecretString"]
        generated = props.get("GenerateSecretString")
        if generated and "GenerateStringKey" in generated:
            document = json.loads(value)
            assert set(document) == set(json.loads(generated["SecretStringTemplate"])) | {
                generated["GenerateStringKey"]
            }
            assert len(document[generated["GenerateStringKey"]]) == generated.get("PasswordLength", 32)
            assert document[generated["GenerateStringKey"]].isalnum() == bool(generated.get("ExcludePunctuation"))
        elif "SecretString" in props:
            assert value == props["SecretString"]
        assert result.resources[lid].ref.startswith("arn:aws:secretsmanager:")
    for lid, props in _of_type(template, "AWS::SSM::Parameter").items():
        assert aws("ssm").get_parameter(Name=props["Name"])["Parameter"]["Value"] == props["Value"]
        assert result.resources[lid].ref == props["Name"]
    topics = {t["TopicArn"] for t in aws("sns").list_topics()["Topics"]}
    for lid in _of_type(template, "AWS::SNS::Topic"):
        assert result.resources[lid].ref in topics
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in aws("kms").list_aliases()["Aliases"]}
    for lid, props in _of_type(template, "AWS::KMS::Alias").items():
        key_lid = props["TargetKeyId"]["Fn::GetAtt"][0]
        assert aliases[props["AliasName"]] == result.resources[key_lid].ref
        assert result.resources[lid].ref == props["AliasName"]


def test_state_machines_exist_with_placeholders_substituted(
    case: tuple[dict[str, Any], ProvisionResult], aws: Any
) -> None:
    template, result = case
    machines = _of_type(template, "AWS::StepFunctions::StateMachine")
    for lid, props in machines.items():
        described = aws("stepfunctions").describe_state_machine(stateMachineArn=result.resources[lid].ref)
        assert described["name"] == props["StateMachineName"]
        assert "${" not in described["definition"]
        json.loads(described["definition"])
        for key in props.get("DefinitionSubstitutions", {}):
            assert "${" + key + "}" in props["DefinitionString"]


def test_functions_get_their_resolved_environment_and_events(case: tuple[dict[str, Any], ProvisionResult]) -> None:
    template, result = case
    functions = _of_type(template, SERVERLESS_FUNCTION)
    assert any(p["Handler"] == "app.app" for p in functions.values())
    for lid, props in functions.items():
        spec = result.functions[lid]
        assert spec.handler == props["Handler"]
        assert spec.timeout_s == props["Timeout"]
        assert spec.function_name == props.get("FunctionName", spec.function_name)
        assert set(spec.environment) == set(props.get("Environment", {}).get("Variables", {}))
        assert all(isinstance(v, str) and "Fn::" not in v and "{'Ref'" not in v for v in spec.environment.values())
        assert {e.name for e in spec.events} == set(props.get("Events", {}))
        for event in spec.events_of("SQS", "CloudWatchEvent"):
            assert event.queue_url and event.queue_url.startswith(result.endpoint_url)
    api = result.api_function
    assert api is not None
    for variable, value in api.environment.items():
        if variable.endswith("_QUEUE_URL"):
            assert value.startswith(result.endpoint_url)
        if variable.endswith("_TABLE"):
            assert value in {r.ref for r in result.of_type("AWS::DynamoDB::Table").values()}
        if variable.endswith("_BUCKET"):
            assert value in {r.ref for r in result.of_type("AWS::S3::Bucket").values()}


def test_provisioning_twice_gives_the_same_resources(case: tuple[dict[str, Any], ProvisionResult]) -> None:
    template, first = case
    second = provision(template, first.endpoint_url, stack_name=first.stack_name)
    assert {lid: r.ref for lid, r in second.resources.items()} == {lid: r.ref for lid, r in first.resources.items()}
    assert second.functions.keys() == first.functions.keys()


def _fixture_subset(*logical_ids: str) -> dict[str, Any]:
    full = fixture_template.template()
    return {**full, "Resources": {lid: full["Resources"][lid] for lid in logical_ids}}


def test_the_state_machine_runs_with_its_substituted_queue_and_table(moto_url: str, aws: Any) -> None:
    """The fixture's flow hands a task token to the agency queue named by a substitution."""
    result = provision(
        _fixture_subset(
            "Key961B73FD",
            "TableDossiersC0061235",
            "DlqAgencyTasksB99D851F",
            "QueueAgencyTasksF3B33076",
            "StateMachineRole0C7E7A7B",
            "StateMachineBirthFlow1A2B3C4D",
        ),
        moto_url,
        stack_name="hoso-fx",
    )
    machine = result.resources["StateMachineBirthFlow1A2B3C4D"].ref
    queue = result.resources["QueueAgencyTasksF3B33076"].ref
    sfn = aws("stepfunctions")
    execution = sfn.start_execution(stateMachineArn=machine, name=f"G12-{uuid.uuid4().hex[:8]}", input="{}")
    [message] = aws("sqs").receive_message(QueueUrl=queue, WaitTimeSeconds=5)["Messages"]
    body = json.loads(message["Body"])
    assert body["table"] == "hoso-fx-dossiers"
    sfn.send_task_success(taskToken=body["token"], output=json.dumps({"ket_qua": "đã xử lý"}))
    deadline = time.monotonic() + 10
    while (described := sfn.describe_execution(executionArn=execution["executionArn"]))["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"ket_qua": "đã xử lý"}


def test_given_secret_values_replace_generated_ones(moto_url: str, aws: Any) -> None:
    template = _fixture_subset("SecretDvcqgHmacKeysC989FD99", "Key961B73FD")
    provision(template, moto_url, stack_name="hoso-fx")
    keys = json.dumps({"dvcqg-2026": "khóa-bí-mật"})

    provision(template, moto_url, stack_name="hoso-fx", secret_values={"hoso/fx/dvcqg-hmac-keys": keys})

    assert aws("secretsmanager").get_secret_value(SecretId="hoso/fx/dvcqg-hmac-keys")["SecretString"] == keys


def _ssm_template(value: Any, **extra: Any) -> dict[str, Any]:
    return {
        "Resources": {
            "Param": {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/hoso/fx/test", "Value": value}}
        },
        **extra,
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Fn::Sub": ["${AWS::Region}-${Ten}-${!Literal}", {"Ten": "hồ sơ"}]}, "ap-southeast-1-hồ sơ-${Literal}"),
        ({"Fn::Sub": "${AWS::StackName}:${Stage}"}, "hoso-dev:dev"),
        ({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}, "b"),
        ({"Fn::Join": ["-", ["hoso", {"Ref": "AWS::AccountId"}, {"Ref": "Stage"}]]}, "hoso-123456789012-dev"),
        ({"Fn::If": ["IsDev", "phát triển", "thật"]}, "phát triển"),
        ({"Fn::If": ["IsProduction", "thật", {"Fn::GetAtt": ["Topic", "TopicName"]}]}, "hoso-fx-alarms"),
        ({"Fn::FindInMap": ["Sizes", "dev", "Memory"]}, "512"),
    ],
)
def test_intrinsic_functions_resolve(moto_url: str, aws: Any, value: Any, expected: str) -> None:
    template = _ssm_template(
        value,
        Parameters={"Stage": {"Type": "String", "Default": "dev"}},
        Conditions={
            "IsDev": {"Fn::Equals": [{"Ref": "Stage"}, "dev"]},
            "IsProduction": {"Fn::Not": [{"Condition": "IsDev"}]},
        },
        Mappings={"Sizes": {"dev": {"Memory": "512"}}},
    )
    template["Resources"]["Topic"] = {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "hoso-fx-alarms"}}
    provision(template, moto_url)
    assert aws("ssm").get_parameter(Name="/hoso/fx/test")["Parameter"]["Value"] == expected


def test_a_reference_to_nothing_is_an_error(moto_url: str) -> None:
    with pytest.raises(ProvisionError, match="NoSuchQueue"):
        provision(_ssm_template({"Ref": "NoSuchQueue"}), moto_url)


def test_subscriptions_have_the_templates_filter_policy_and_raw_delivery(
    case: tuple[dict[str, Any], ProvisionResult], aws: Any
) -> None:
    template, result = case
    for lid, props in _of_type(template, "AWS::SNS::Subscription").items():
        attributes = aws("sns").get_subscription_attributes(SubscriptionArn=result.resources[lid].ref)["Attributes"]
        assert attributes["Protocol"] == props["Protocol"]
        assert json.loads(attributes.get("FilterPolicy", "null")) == props.get("FilterPolicy"), lid
        assert attributes.get("RawMessageDelivery", "false") == str(props.get("RawMessageDelivery", False)).lower()
