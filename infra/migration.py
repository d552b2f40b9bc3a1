"""The migration run's own resources (SPEC §7.10, docs/migration-run.md): the ``migration_run`` state
machine's role. Its queue (``migration-chunks`` + DLQ, alarmed like every queue's DLQ), the
``migration`` bucket and the ``migration_chunks`` function come from the shared lists
(infra/resources.py, infra/access.py).

The role is the state machine's alone (not the liên thông flows' shared role): list the migration
bucket (the distributed map's ItemReader), hand a chunk to ``migration-chunks`` with a task token, and
run its own map's child executions. Nothing else: it never reads a dossier or an object.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra import nag
from infra.resources import MIGRATION_QUEUE, physical_name
from infra.roles import KMS_DECRYPT, KMS_ENCRYPT, WHY_EXECUTIONS, WHY_XRAY, XRAY, Resources

STATE_MACHINE = "migration_run"  # state_machines/migration_run.asl.json
BUCKET = "migration"


def state_machine_role(scope: Construct, res: Resources, stage: str) -> iam.Role:
    stack = cdk.Stack.of(scope)
    name = physical_name(stage, STATE_MACHINE)
    arn = stack.format_arn(service="states", resource="stateMachine", resource_name=name,
                           arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME)
    # the map run's child executions: ``execution:<state machine>/<map run label>:<id>``
    executions = stack.format_arn(service="states", resource="execution", resource_name=f"{name}/*",
                                  arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME)
    map_runs = stack.format_arn(service="states", resource="mapRun", resource_name=f"{name}/*",
                                arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME)
    bucket = res.buckets[BUCKET]
    statements = [
        iam.PolicyStatement(sid="Logs", actions=[
            "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
            "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
            "logs:DescribeLogGroups"], resources=["*"]),
        iam.PolicyStatement(sid="XRay", actions=[*XRAY, "xray:GetSamplingRules", "xray:GetSamplingTargets"],
                            resources=["*"]),
        iam.PolicyStatement(sid="Chunks", actions=["sqs:SendMessage"],
                            resources=[res.queues[MIGRATION_QUEUE].queue_arn]),
        iam.PolicyStatement(sid="ListExports", actions=["s3:ListBucket"], resources=[bucket.bucket_arn]),
        iam.PolicyStatement(sid="MapRun", actions=["states:StartExecution"], resources=[arn]),
        iam.PolicyStatement(sid="MapRunExecutions", actions=["states:DescribeExecution", "states:StopExecution"],
                            resources=[executions]),
        iam.PolicyStatement(sid="MapRunState", actions=["states:DescribeMapRun", "states:UpdateMapRun"],
                            resources=[map_runs]),
        iam.PolicyStatement(sid="Key", actions=KMS_DECRYPT + KMS_ENCRYPT, resources=[res.key.key_arn]),
    ]
    role = iam.Role(
        scope,
        "StateMachineRoleMigrationRun",
        assumed_by=iam.ServicePrincipal("states.amazonaws.com"),
        description="hoso migration_run: list the migration bucket, hand chunks to migration-chunks, its map run",
        inline_policies={"access": iam.PolicyDocument(statements=statements)},
    )
    nag.acknowledge_wildcard(role, "*", "CloudWatch Logs delivery and X-Ray accept only Resource '*' "
                                        f"(AWS documented policy); {WHY_XRAY}")
    for resource in (executions, map_runs):
        nag.acknowledge_wildcard(role, resource, WHY_EXECUTIONS)
    return role
