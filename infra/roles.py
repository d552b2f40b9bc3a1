"""One IAM role per Chalice function, built from its ``FUNCTION_ACCESS`` entry.

Policies are inline in the role (not a separate AWS::IAM::Policy) so that they exist when
CloudFormation creates the function's event source mappings, which Lambda validates
against the role at creation time. Every wildcard resource is acknowledged to cdk-nag
with the reason it cannot be narrower.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import nag
from infra.access import APPEND, RW, FunctionAccess

# What hoso's code calls (python -m infra.iam_check proves it against the tests' recorded calls;
# infra/access.py NOT_EXERCISED gives the reason for each grant a run may not use).
TABLE_READ = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"]  # BatchGetItem: a day's verification
TABLE_APPEND = ["dynamodb:PutItem", "dynamodb:Query"]  # an append-only table: no Get/Update/Delete/BatchWrite
TABLE_WRITE = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"]
STREAM_READ = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
OBJECT_READ = ["s3:GetObject", "s3:GetObjectVersion"]
OBJECT_WRITE = ["s3:PutObject", "s3:DeleteObject"]  # single-request puts (≤ 10 MB): no multipart upload to abort
QUEUE_SEND = ["sqs:SendMessage"]
QUEUE_RECEIVE = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
TASK_RESPONSE = ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"]
# SSE-KMS (S3, SQS, DynamoDB, Secrets Manager) decrypts and generates data keys; nothing encrypts directly.
KMS_DECRYPT = ["kms:Decrypt"]
KMS_ENCRYPT = ["kms:GenerateDataKey"]
XRAY = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]

WHY_XRAY = "X-Ray accepts trace segments only on Resource '*'"
WHY_OBJECTS = "object keys are generated per dossier and document; access is scoped to this one bucket's objects"
WHY_LIST_STREAMS = "dynamodb:ListStreams has no resource-level permissions (Lambda's stream poller needs it)"
WHY_EXECUTIONS = "executions are named per dossier at start time; scoped to this state machine's executions"


@dataclass
class Resources:
    """What the roles may point at, built by the stack."""

    key: kms.IKey
    tables: dict[str, dynamodb.Table]
    buckets: dict[str, s3.Bucket]
    queues: dict[str, sqs.Queue]
    dlqs: dict[str, sqs.Queue]
    stream_failures: sqs.Queue
    secrets: dict[str, secretsmanager.Secret]
    state_machines: dict[str, str] = field(default_factory=dict)  # state machine name → ARN
    topics: dict[str, sns.Topic] = field(default_factory=dict)  # the dossier events (infra/fanout.py)


class _Policy:
    """Collects statements and the wildcard resources to acknowledge."""

    def __init__(self) -> None:
        self.statements: list[iam.PolicyStatement] = []
        self.wildcards: dict[str, str] = {}
        self.decrypt = False
        self.encrypt = False

    def allow(self, sid: str, actions: list[str], resources: list[str], wildcard_reason: str = "") -> None:
        self.statements.append(iam.PolicyStatement(sid=sid, actions=actions, resources=resources))
        if wildcard_reason:
            for r in resources:
                self.wildcards[r] = wildcard_reason


def function_role(
    scope: Construct,
    python_name: str,
    access: FunctionAccess,
    res: Resources,
    log_group: logs.ILogGroup,
    failure_queue: sqs.IQueue | None = None,
) -> iam.Role:
    """``failure_queue``: where Lambda puts the function's failed asynchronous events (its role
    writes there)."""
    p = _Policy()
    p.allow("Logs", ["logs:CreateLogStream", "logs:PutLogEvents"], [log_group.log_group_arn])
    p.allow("XRay", XRAY, ["*"], WHY_XRAY)
    for name, t in sorted(access.tables.items()):
        table = res.tables[name]
        sid = name.capitalize()
        if t.level == APPEND:
            p.allow(f"{sid}Append", TABLE_APPEND, [table.table_arn])
            p.decrypt = p.encrypt = True
            continue
        read = TABLE_READ + (["dynamodb:DescribeTable"] if access.health_check else [])
        p.allow(f"{sid}Read", read, [table.table_arn, *(f"{table.table_arn}/index/{i}" for i in t.indexes)])
        p.decrypt = True
        if t.level == RW:
            p.allow(f"{sid}Write", TABLE_WRITE, [table.table_arn])
            p.encrypt = True
    if access.stream_of:
        table = res.tables[access.stream_of]
        assert table.table_stream_arn is not None
        p.allow("StreamRead", STREAM_READ, [table.table_stream_arn])
        p.allow("StreamList", ["dynamodb:ListStreams"], ["*"], WHY_LIST_STREAMS)
        p.allow("StreamFailures", QUEUE_SEND, [res.stream_failures.queue_arn])
        p.decrypt = p.encrypt = True
    for name, level in sorted(access.buckets.items()):
        bucket = res.buckets[name]
        sid = name.capitalize()
        p.allow(f"{sid}List", ["s3:ListBucket"], [bucket.bucket_arn])  # so a missing key is a 404, not a 403
        p.allow(f"{sid}Read", OBJECT_READ, [bucket.arn_for_objects("*")], WHY_OBJECTS)
        p.decrypt = True
        if level == RW:
            p.allow(f"{sid}Write", OBJECT_WRITE, [bucket.arn_for_objects("*")], WHY_OBJECTS)
            p.encrypt = True
    for name in sorted(access.object_retention):
        bucket = res.buckets[name]
        p.allow(f"{name.capitalize()}Retention", ["s3:PutObjectRetention"], [bucket.arn_for_objects("*")], WHY_OBJECTS)
    for name in sorted(access.purge):
        bucket = res.buckets[name]
        sid = f"{name.capitalize()}Purge"
        p.allow(f"{sid}Versions", ["s3:ListBucketVersions"], [bucket.bucket_arn])
        p.allow(sid, ["s3:DeleteObjectVersion"], [bucket.arn_for_objects("*")], WHY_OBJECTS)
    if access.send:
        send = QUEUE_SEND + (["sqs:GetQueueAttributes"] if access.health_check else [])
        p.allow("Send", send, [res.queues[q].queue_arn for q in access.send])
        p.decrypt = p.encrypt = True
    if access.publish:
        p.allow("Publish", ["sns:Publish"], [res.topics[t].topic_arn for t in access.publish])
        p.decrypt = p.encrypt = True  # the topic is encrypted with the stack's key
    if failure_queue is not None:
        p.allow("AsyncFailures", QUEUE_SEND, [failure_queue.queue_arn])
        p.decrypt = p.encrypt = True
    if access.consumes:
        p.allow("Consume", QUEUE_RECEIVE, [res.queues[access.consumes].queue_arn])
        p.decrypt = True
    if access.read_dlqs:
        p.allow("Redrive", QUEUE_RECEIVE, [res.dlqs[q].queue_arn for q in access.read_dlqs])
        p.decrypt = True
    if res.state_machines and access.start_executions:
        arns = list(res.state_machines.values())
        p.allow("StartExecutions", ["states:StartExecution"], arns)
        executions = [_executions_arn(scope, name) for name in res.state_machines]
        p.allow("Executions", ["states:DescribeExecution", "states:StopExecution"], executions, WHY_EXECUTIONS)
    if access.backup_tables:
        p.allow("Backup", ["dynamodb:CreateBackup"], [res.tables[t].table_arn for t in access.backup_tables])
    if res.state_machines and access.execution_history:
        executions = [_executions_arn(scope, name) for name in res.state_machines]
        p.allow("ExecutionHistory", ["states:GetExecutionHistory"], executions, WHY_EXECUTIONS)
    if res.state_machines and access.task_response:
        p.allow("TaskResponse", TASK_RESPONSE, list(res.state_machines.values()))
    if access.secrets:
        p.allow(
            "Secrets",
            ["secretsmanager:GetSecretValue"],
            [res.secrets[s].secret_arn for s in access.secrets],
        )
        p.decrypt = True
    if p.decrypt or p.encrypt:
        p.allow("Key", KMS_DECRYPT + (KMS_ENCRYPT if p.encrypt else []), [res.key.key_arn])
    role = iam.Role(
        scope,
        f"Role{_camel(python_name)}",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=f"hoso function {python_name}: only what infra/access.py FUNCTION_ACCESS allows",
        inline_policies={"access": iam.PolicyDocument(statements=p.statements)},
    )
    for resource, reason in p.wildcards.items():
        nag.acknowledge_wildcard(role, resource, reason)
    return role


def state_machine_role(scope: Construct, res: Resources, actions: frozenset[str] = frozenset()) -> iam.Role:
    """The role every hoso state machine runs with: hand tasks to agencies, and the dossiers
    table only for the DynamoDB calls a definition makes (``actions``, from
    :func:`infra.state_machines.service_actions`)."""
    p = _Policy()
    p.allow(
        "Logs",
        [
            "logs:CreateLogDelivery",
            "logs:GetLogDelivery",
            "logs:UpdateLogDelivery",
            "logs:DeleteLogDelivery",
            "logs:ListLogDeliveries",
            "logs:PutResourcePolicy",
            "logs:DescribeResourcePolicies",
            "logs:DescribeLogGroups",
        ],
        ["*"],
        "CloudWatch Logs delivery for Step Functions is configured on Resource '*' only (AWS documented policy)",
    )
    p.allow("XRay", [*XRAY, "xray:GetSamplingRules", "xray:GetSamplingTargets"], ["*"], WHY_XRAY)
    p.allow("AgencyTasks", ["sqs:SendMessage"], [res.queues["agency-tasks"].queue_arn])
    table_actions = sorted(a for a in actions if a.startswith("dynamodb:"))
    if table_actions:
        p.allow("Dossiers", table_actions, [res.tables["dossiers"].table_arn])
    p.allow("Key", KMS_DECRYPT + KMS_ENCRYPT, [res.key.key_arn])
    role = iam.Role(
        scope,
        "StateMachineRole",
        assumed_by=iam.ServicePrincipal("states.amazonaws.com"),
        description="hoso state machines: the agency hand-over queue (and the dossiers table if a state calls it)",
        inline_policies={"access": iam.PolicyDocument(statements=p.statements)},
    )
    for resource, reason in p.wildcards.items():
        nag.acknowledge_wildcard(role, resource, reason)
    return role


def _executions_arn(scope: Construct, state_machine_name: str) -> str:
    stack = cdk.Stack.of(scope)
    return stack.format_arn(
        service="states",
        resource="execution",
        resource_name=f"{state_machine_name}:*",
        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
    )


def _camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))

