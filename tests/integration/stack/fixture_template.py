"""A small template in the shapes the real one uses (CDK + Chalice's SAM), with fast timings.

Same resource types, intrinsic functions and event-source shapes as
``build/cdk.out/hoso-dev.template.json`` (CDK-generated logical ids, bucket names built with
``Fn::Join`` and ``AWS::AccountId``, ``Fn::GetAtt`` queue ARNs in SQS events, SSE-KMS
everywhere, skipped types such as IAM roles and alarms), plus what the real template does not
have yet: a state machine with ``DefinitionSubstitutions`` and one function of each event type.
Visibility and function timeouts are a second or two so that redelivery tests take seconds.
The physical names use the stage ``fx`` so they never collide with the real template's.
"""

from __future__ import annotations

import json
from typing import Any

STAGE = "fx"
VISIBILITY_S = 1
MAX_RECEIVE_COUNT = 2
FAST_TIMEOUT_S = 2
SLOW_TIMEOUT_S = 1

_KEY_ARN = {"Fn::GetAtt": ["Key961B73FD", "Arn"]}

STEP_ASL = {
    "Comment": "Hands a step to the agency queue with a task token and waits",
    "StartAt": "Handover",
    "States": {
        "Handover": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {
                "QueueUrl": "${AgencyTasksQueueUrl}",
                "MessageBody": {"token.$": "$$.Task.Token", "table": "${DossiersTableName}"},
            },
            "TimeoutSeconds": "${StepTimeoutSeconds}",
            "End": True,
        }
    },
}


def _name(short: str) -> str:
    return f"hoso-{STAGE}-{short}"


def _table(short: str, gsis: int, *, stream: bool = False, ttl: bool = False) -> dict[str, Any]:
    attributes = [{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")]
    indexes = []
    for i in range(1, gsis + 1):
        attributes += [{"AttributeName": f"gsi{i}{k}", "AttributeType": "S"} for k in ("pk", "sk")]
        indexes.append(
            {
                "IndexName": f"gsi{i}",
                "KeySchema": [
                    {"AttributeName": f"gsi{i}pk", "KeyType": "HASH"},
                    {"AttributeName": f"gsi{i}sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        )
    props: dict[str, Any] = {
        "AttributeDefinitions": attributes,
        "BillingMode": "PAY_PER_REQUEST",
        "DeletionProtectionEnabled": True,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"KMSMasterKeyId": _KEY_ARN, "SSEEnabled": True, "SSEType": "KMS"},
        "TableName": _name(short),
    }
    if indexes:
        props["GlobalSecondaryIndexes"] = indexes
    if stream:
        props["StreamSpecification"] = {"StreamViewType": "NEW_IMAGE"}
    if ttl:
        props["TimeToLiveSpecification"] = {"AttributeName": "expires_at", "Enabled": True}
    return {"Type": "AWS::DynamoDB::Table", "Properties": props, "DeletionPolicy": "Retain"}


def _queue(short: str, dlq_logical_id: str | None, visibility_s: int = VISIBILITY_S) -> dict[str, Any]:
    props: dict[str, Any] = {
        "KmsDataKeyReusePeriodSeconds": 3600,
        "KmsMasterKeyId": _KEY_ARN,
        "MessageRetentionPeriod": 1209600,
        "QueueName": _name(short),
    }
    if dlq_logical_id:
        props["VisibilityTimeout"] = visibility_s
        props["RedrivePolicy"] = {
            "deadLetterTargetArn": {"Fn::GetAtt": [dlq_logical_id, "Arn"]},
            "maxReceiveCount": MAX_RECEIVE_COUNT,
        }
    return {"Type": "AWS::SQS::Queue", "Properties": props}


def _bucket(short: str, **extra: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::S3::Bucket",
        "Properties": {
            "BucketName": {"Fn::Join": ["", [f"hoso-{STAGE}-{short}-", {"Ref": "AWS::AccountId"}, "-ap-southeast-1"]]},
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "RestrictPublicBuckets": True},
            "VersioningConfiguration": {"Status": "Enabled"},
            **extra,
        },
    }


def _function(handler: str, timeout_s: int, events: dict[str, Any] | None = None) -> dict[str, Any]:
    python_name = handler.rpartition(".")[2]
    props: dict[str, Any] = {
        "Architectures": ["x86_64"],
        "CodeUri": {"Bucket": {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-ap-southeast-1"}, "Key": "x.zip"},
        "Environment": {"Variables": _ENVIRONMENT},
        "FunctionName": _name(python_name.replace("_", "-")),
        "Handler": handler,
        "MemorySize": 512,
        "Role": {"Fn::GetAtt": [f"Role{python_name.title().replace('_', '')}", "Arn"]},
        "Runtime": "python3.11",
        "Timeout": timeout_s,
        "Tracing": "Active",
    }
    if events:
        props["Events"] = events
    return {"Type": "AWS::Serverless::Function", "Properties": props}


_ENVIRONMENT: dict[str, Any] = {
    "HOSO_STAGE": STAGE,
    "HOSO_DOSSIERS_TABLE": {"Ref": "TableDossiersC0061235"},
    "HOSO_CATALOGUE_TABLE": {"Ref": "TableCatalogue88FCE642"},
    "HOSO_COUNTERS_TABLE": {"Ref": "TableCounters179720A7"},
    "HOSO_SYNC_TABLE": {"Ref": "TableSync58F59B9E"},
    "HOSO_ATTACHMENTS_BUCKET": {"Ref": "BucketAttachments825AFB0B"},
    "HOSO_RESULTS_BUCKET": {"Ref": "BucketResultsCFC4C5CF"},
    "HOSO_SYNC_DVCQG_QUEUE_URL": {"Ref": "QueueSyncDvcqg13C172CB"},
    "HOSO_AGENCY_TASKS_QUEUE_URL": {"Ref": "QueueAgencyTasksF3B33076"},
    "HOSO_BIRTH_FLOW_ARN": {"Fn::GetAtt": ["StateMachineBirthFlow1A2B3C4D", "Arn"]},
    "HOSO_DVCQG_HMAC_SECRET_ID": f"hoso/{STAGE}/dvcqg-hmac-keys",
    "HOSO_PUBLIC_BASE_URL": {"Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api/"},
    "LOG_LEVEL": "INFO",
}


def template() -> dict[str, Any]:
    resources: dict[str, Any] = {
        "Key961B73FD": {
            "Type": "AWS::KMS::Key",
            "Properties": {"Description": "hoso fx key", "EnableKeyRotation": True, "KeyPolicy": {"Statement": []}},
        },
        "KeyAlias910D852D": {
            "Type": "AWS::KMS::Alias",
            "Properties": {"AliasName": f"alias/hoso-{STAGE}", "TargetKeyId": _KEY_ARN},
        },
        "TableDossiersC0061235": _table("dossiers", 3, stream=True, ttl=True),
        "TableCatalogue88FCE642": _table("catalogue", 1),
        "TableCounters179720A7": _table("counters", 0),
        "TableSync58F59B9E": _table("sync", 1, ttl=True),
        "BucketLogs9C0DCA97": _bucket("logs"),
        "BucketAttachments825AFB0B": _bucket(
            "attachments",
            NotificationConfiguration={"EventBridgeConfiguration": {"EventBridgeEnabled": True}},
            LoggingConfiguration={"DestinationBucketName": {"Ref": "BucketLogs9C0DCA97"}},
            CorsConfiguration={
                "CorsRules": [
                    {"AllowedMethods": ["PUT"], "AllowedOrigins": ["*"], "ExposedHeaders": ["ETag"], "MaxAge": 300}
                ]
            },
        ),
        "BucketResultsCFC4C5CF": _bucket(
            "results",
            ObjectLockEnabled=True,
            ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Days": 3650, "Mode": "GOVERNANCE"}},
            },
        ),
        "BucketAttachmentsPolicy1A2B3C4D": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {"Bucket": {"Ref": "BucketAttachments825AFB0B"}, "PolicyDocument": {"Statement": []}},
        },
        "DlqSyncDvcqg72F15C24": _queue("sync-dvcqg-dlq", None),
        "QueueSyncDvcqg13C172CB": _queue("sync-dvcqg", "DlqSyncDvcqg72F15C24"),
        "DlqAgencyTasksB99D851F": _queue("agency-tasks-dlq", None),
        "QueueAgencyTasksF3B33076": _queue("agency-tasks", "DlqAgencyTasksB99D851F"),
        "DlqSlowB99D851F": _queue("slow-dlq", None),
        "QueueSlowF3B33076": _queue("slow", "DlqSlowB99D851F"),
        "QueueOutboxRelayFailures9A3D8886": _queue("outbox-relay-failures", None),
        "SecretDvcqgHmacKeysC989FD99": {
            "Type": "AWS::SecretsManager::Secret",
            "Properties": {
                "GenerateSecretString": {
                    "ExcludePunctuation": True,
                    "GenerateStringKey": "k1",
                    "PasswordLength": 64,
                    "SecretStringTemplate": "{}",
                },
                "KmsKeyId": _KEY_ARN,
                "Name": f"hoso/{STAGE}/dvcqg-hmac-keys",
            },
        },
        "SecretDvcqgCredentialsB2D61092": {
            "Type": "AWS::SecretsManager::Secret",
            "Properties": {
                "GenerateSecretString": {
                    "ExcludePunctuation": True,
                    "GenerateStringKey": "password",
                    "PasswordLength": 32,
                    "SecretStringTemplate": json.dumps({"username": ""}),
                },
                "Name": f"hoso/{STAGE}/dvcqg-credentials",
            },
        },
        "SecretIntegrationClientsD72E7DF6": {
            "Type": "AWS::SecretsManager::Secret",
            "Properties": {"Name": f"hoso/{STAGE}/integration-clients", "SecretString": "{}"},
        },
        "ConfigDVCQGBASEURLE2044E1D": {
            "Type": "AWS::SSM::Parameter",
            "Properties": {
                "Name": f"/hoso/{STAGE}/config/DVCQG_BASE_URL",
                "Type": "String",
                "Value": "http://127.0.0.1:8101",
            },
        },
        "Alarms04B5A0BF": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"DisplayName": "hoso fx alarms", "KmsMasterKeyId": _KEY_ARN, "TopicName": _name("alarms")},
        },
        "AlarmSyncDvcqgDlqNotEmpty": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {"AlarmActions": [{"Ref": "Alarms04B5A0BF"}], "Threshold": 0},
        },
        "StateMachineRole0C7E7A7B": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}},
        "StateMachineBirthFlow1A2B3C4D": {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "DefinitionString": json.dumps(STEP_ASL, indent=1).replace(
                    '"${StepTimeoutSeconds}"', "${StepTimeoutSeconds}"
                ),
                "DefinitionSubstitutions": {
                    "AgencyTasksQueueUrl": {"Ref": "QueueAgencyTasksF3B33076"},
                    "DossiersTableName": {"Ref": "TableDossiersC0061235"},
                    "StepTimeoutSeconds": "2",
                },
                "RoleArn": {"Fn::GetAtt": ["StateMachineRole0C7E7A7B", "Arn"]},
                "StateMachineName": _name("birth_flow"),
                "StateMachineType": "STANDARD",
            },
            "DependsOn": ["StateMachineRole0C7E7A7B"],
        },
        "APIHandler": _function("app.app", 29),
        "RestAPI": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "api", "DefinitionBody": {}}},
        "SyncDvcqg": _function(
            "app.sync_dvcqg",
            FAST_TIMEOUT_S,
            {
                "SyncDvcqgSqsEventSource": {
                    "Type": "SQS",
                    "Properties": {
                        "Queue": {"Fn::GetAtt": ["QueueSyncDvcqg13C172CB", "Arn"]},
                        "BatchSize": 5,
                        "MaximumBatchingWindowInSeconds": 0,
                        "FunctionResponseTypes": ["ReportBatchItemFailures"],
                    },
                }
            },
        ),
        "Slow": _function(
            "app.slow",
            SLOW_TIMEOUT_S,
            {
                "SlowSqsEventSource": {
                    "Type": "SQS",
                    "Properties": {
                        "Queue": {"Fn::GetAtt": ["QueueSlowF3B33076", "Arn"]},
                        "BatchSize": 1,
                        "FunctionResponseTypes": ["ReportBatchItemFailures"],
                    },
                }
            },
        ),
        "DeadlineSweep": _function(
            "app.deadline_sweep",
            FAST_TIMEOUT_S,
            {"DeadlineSweepEvent": {"Type": "Schedule", "Properties": {"Schedule": "rate(1 minute)"}}},
        ),
        "NightlyReport": _function(
            "app.nightly_report",
            FAST_TIMEOUT_S,
            {"NightlyReportEvent": {"Type": "Schedule", "Properties": {"Schedule": "cron(0 17 * * ? *)"}}},
        ),
        "AttachmentUploaded": _function(
            "app.attachment_uploaded",
            FAST_TIMEOUT_S,
            {
                "AttachmentUploadedEvent": {
                    "Type": "CloudWatchEvent",
                    "Properties": {
                        "Pattern": {
                            "source": ["aws.s3"],
                            "detail-type": ["Object Created"],
                            "detail": {"bucket": {"name": [{"Ref": "BucketAttachments825AFB0B"}]}},
                        }
                    },
                }
            },
        ),
        "OutboxRelay": _function(
            "app.outbox_relay",
            FAST_TIMEOUT_S,
            {
                "OutboxRelayDynamodbEventSource": {
                    "Type": "DynamoDB",
                    "Properties": {
                        "Stream": {"Fn::GetAtt": ["TableDossiersC0061235", "StreamArn"]},
                        "BatchSize": 10,
                        "StartingPosition": "TRIM_HORIZON",
                        "MaximumBatchingWindowInSeconds": 0,
                        "FunctionResponseTypes": ["ReportBatchItemFailures"],
                        "BisectBatchOnFunctionError": True,
                        "MaximumRetryAttempts": 2,
                        "DestinationConfig": {
                            "OnFailure": {
                                "Type": "SQS",
                                "Destination": {"Fn::GetAtt": ["QueueOutboxRelayFailures9A3D8886", "Arn"]},
                            }
                        },
                    },
                }
            },
        ),
    }
    for python_name in (
        "app",
        "sync_dvcqg",
        "slow",
        "deadline_sweep",
        "nightly_report",
        "attachment_uploaded",
        "outbox_relay",
    ):
        resources[f"Role{python_name.title().replace('_', '')}"] = {
            "Type": "AWS::IAM::Role",
            "Properties": {"AssumeRolePolicyDocument": {}},
        }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Parameters": {
            "BootstrapVersion": {
                "Type": "AWS::SSM::Parameter::Value<String>",
                "Default": "/cdk-bootstrap/hnb659fds/version",
            }
        },
        "Resources": resources,
        "Outputs": {"DossiersTableName": {"Value": {"Ref": "TableDossiersC0061235"}}},
    }
