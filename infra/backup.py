"""Backups and cross-region recovery of one stage (issue 13 item 8; runbook docs/runbooks/restore.md).

In the stage's own stack (``add_backups``):

- an AWS Backup vault ``hoso-<stage>`` under the stack's customer-managed key, locked in
  production (compliance mode: after ``LOCK_CHANGEABLE_DAYS`` nobody, root included, can delete
  a recovery point before its retention ends or shorten the lock);
- a plan: a daily backup kept ``DAILY_RETENTION_DAYS`` and a monthly one kept
  ``MONTHLY_RETENTION_DAYS`` of every DynamoDB table and every data bucket, each copied to the
  DR vault in ``DR_REGION`` with the same retention;
- replication of the results bucket (the signed decisions the law keeps) to its replica in
  ``DR_REGION``, object by object, within 15 minutes (S3 Replication Time Control).

The DR vault, its key and the replica bucket are in the DR stack (``infra/dr.py``,
``hoso-<stage>-dr``), deployed first; this stack names them by their fixed names (below)
rather than by cross-region references, which CDK would implement with custom-resource Lambdas.

Why ``ap-northeast-1`` (Tokyo): AWS has no region in Vietnam (the stage already runs in
Singapore), so the copy is a cross-border transfer of personal data either way — under Decree
13/2023/NĐ-CP it needs the transfer impact assessment kept by the ministry whatever the
region; neither SPEC.md nor the seeds impose a region. Tokyo is a standard (not opt-in) region
with every feature used here (DynamoDB and S3 in AWS Backup, cross-region copy, Vault Lock,
S3 RTC), on a different tectonic plate and power grid from Singapore, and 60–80 ms from Hà Nội
and TP. HCM, about half of Sydney's, which matters if hoso has to run there after a disaster.
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import aws_backup as backup
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from infra import nag
from infra.resources import physical_name, stack_name

DR_REGION = "ap-northeast-1"

DAILY_RETENTION_DAYS = 35  # as long as DynamoDB PITR: a month of daily restore points in both regions
# Recovery copies of the records the archives law keeps (results, the dossiers and their audit
# trail): as long as the results' Object Lock (infra/stack.py RESULT_RETENTION_DAYS). The record
# itself is kept by the live store (no expiry of current versions, Object Lock); a procedure
# whose records must be kept longer raises both.
MONTHLY_RETENTION_DAYS = 3650
LOCK_CHANGEABLE_DAYS = 3  # Vault Lock's grace period before compliance mode is final
REPLICATION_MINUTES = 15  # S3 RTC: 99.99 % of objects replicated within this (the replica's RPO)

# 02:00 in Vietnam (UTC+7), before the working day, outside the 15:00 cut-off and the sweeps
DAILY_SCHEDULE = events.Schedule.cron(minute="0", hour="19")
MONTHLY_SCHEDULE = events.Schedule.cron(minute="0", hour="20", day="1")

MANAGED_POLICIES = (
    "service-role/AWSBackupServiceRolePolicyForBackup",  # DynamoDB (and the vault's key via grants)
    "service-role/AWSBackupServiceRolePolicyForRestores",
    "AWSBackupServiceRolePolicyForS3Backup",  # S3 needs its own two (no service-role/ path)
    "AWSBackupServiceRolePolicyForS3Restore",
)


def dr_stack_name(stage: str) -> str:
    return f"{stack_name(stage)}-dr"


def vault_name(stage: str) -> str:
    return stack_name(stage)


def dr_vault_name(stage: str) -> str:
    return dr_stack_name(stage)


def dr_key_alias(stage: str) -> str:
    return f"alias/{dr_stack_name(stage)}"


def replica_bucket_name(stage: str, account: str) -> str:
    return f"{physical_name(stage, 'results-replica')}-{account}-{DR_REGION}"


def vault_lock(stage: str) -> backup.LockConfiguration | None:
    """Compliance-mode Vault Lock in production; other stages' recovery points stay deletable."""
    if stage != "production":
        return None
    return backup.LockConfiguration(
        min_retention=cdk.Duration.days(DAILY_RETENTION_DAYS),
        max_retention=cdk.Duration.days(MONTHLY_RETENTION_DAYS),
        changeable_for=cdk.Duration.days(LOCK_CHANGEABLE_DAYS),
    )


def add_backups(
    stack: cdk.Stack,
    stage: str,
    key: kms.IKey,
    tables: Mapping[str, dynamodb.Table],
    buckets: Mapping[str, s3.Bucket],
) -> backup.BackupPlan:
    """The vault, the plan over every table and data bucket, and the results' replication."""
    vault = backup.BackupVault(
        stack,
        "BackupVault",
        backup_vault_name=vault_name(stage),
        encryption_key=key,
        lock_configuration=vault_lock(stage),
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    dr_vault = backup.BackupVault.from_backup_vault_arn(
        stack,
        "DrBackupVault",
        stack.format_arn(
            service="backup",
            region=DR_REGION,
            resource="backup-vault",
            resource_name=dr_vault_name(stage),
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        ),
    )
    plan = backup.BackupPlan(stack, "BackupPlan", backup_plan_name=physical_name(stage, "backups"), backup_vault=vault)
    for name, schedule, days in (
        ("daily", DAILY_SCHEDULE, DAILY_RETENTION_DAYS),
        ("monthly", MONTHLY_SCHEDULE, MONTHLY_RETENTION_DAYS),
    ):
        plan.add_rule(
            backup.BackupPlanRule(
                rule_name=name,
                schedule_expression=schedule,
                start_window=cdk.Duration.hours(1),
                completion_window=cdk.Duration.hours(8),
                delete_after=cdk.Duration.days(days),
                copy_actions=[
                    backup.BackupPlanCopyActionProps(
                        destination_backup_vault=dr_vault, delete_after=cdk.Duration.days(days)
                    )
                ],
            )
        )
    role = iam.Role(
        stack,
        "BackupRole",
        assumed_by=iam.ServicePrincipal("backup.amazonaws.com"),
        description=f"hoso {stage}: AWS Backup backs up, copies and restores the tables and data buckets",
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name(p) for p in MANAGED_POLICIES],
    )
    for policy in MANAGED_POLICIES:
        nag.acknowledge(
            role,
            f"IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{policy}]",
            "AWS Backup's documented service-role policies: AWS keeps them current with what each service's "
            "backup, copy and restore APIs need (S3 backup has its own pair)",
        )
    plan.add_selection(
        "TablesAndBuckets",
        backup_selection_name=physical_name(stage, "data"),
        role=role,
        resources=[backup.BackupResource.from_dynamo_db_table(t) for t in tables.values()]
        + [backup.BackupResource.from_arn(b.bucket_arn) for b in buckets.values()],
    )
    replicate_results(stack, stage, key, buckets["results"])
    # what the restore runbook's commands need (start-restore-job takes the role)
    cdk.CfnOutput(stack, "BackupVaultName", value=vault.backup_vault_name)
    cdk.CfnOutput(stack, "BackupRoleArn", value=role.role_arn)
    return plan


def replicate_results(stack: cdk.Stack, stage: str, key: kms.IKey, bucket: s3.Bucket) -> iam.Role:
    """Every new version of a result, with its Object Lock retention, copied to the replica under
    the DR region's key. Deletions are not replicated (delete markers neither): the replica
    is the copy that survives a mistake or an attacker in the main region."""
    partition = cdk.Aws.PARTITION
    replica_arn = f"arn:{partition}:s3:::{replica_bucket_name(stage, stack.account)}"
    dr_key_arns = f"arn:{partition}:kms:{DR_REGION}:{stack.account}:key/*"
    role = iam.Role(
        stack,
        "ReplicationRoleResults",
        assumed_by=iam.ServicePrincipal("s3.amazonaws.com"),
        description=f"hoso {stage}: S3 replicates the results bucket to its replica in {DR_REGION}",
    )
    role.add_to_policy(
        iam.PolicyStatement(actions=["s3:GetReplicationConfiguration", "s3:ListBucket"], resources=[bucket.bucket_arn])
    )
    role.add_to_policy(
        iam.PolicyStatement(
            actions=[
                "s3:GetObjectVersionForReplication",
                "s3:GetObjectVersionAcl",
                "s3:GetObjectVersionTagging",
                "s3:GetObjectRetention",  # Object Lock retention and legal holds travel with the version
                "s3:GetObjectLegalHold",
            ],
            resources=[bucket.arn_for_objects("*")],
        )
    )
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["s3:ReplicateObject", "s3:ReplicateTags"], resources=[f"{replica_arn}/*"]
        )
    )
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["kms:Decrypt"],
            resources=[key.key_arn],
            conditions={
                "StringEquals": {"kms:ViaService": f"s3.{stack.region}.amazonaws.com"},
                # S3 Bucket Keys: the encryption context is the bucket's ARN, not the object's
                "StringLike": {"kms:EncryptionContext:aws:s3:arn": [bucket.bucket_arn, bucket.arn_for_objects("*")]},
            },
        )
    )
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["kms:Encrypt", "kms:GenerateDataKey"],
            resources=[dr_key_arns],
            conditions={
                "StringEquals": {"kms:ViaService": f"s3.{DR_REGION}.amazonaws.com"},
                "ForAnyValue:StringEquals": {"kms:ResourceAliases": dr_key_alias(stage)},
                "StringLike": {"kms:EncryptionContext:aws:s3:arn": [replica_arn, f"{replica_arn}/*"]},
            },
        )
    )
    policy = role.node.try_find_child("DefaultPolicy")
    assert policy is not None
    for resource, reason in (
        (bucket.arn_for_objects("*"), "every version of every result is replicated (S3's documented grant)"),
        (f"{replica_arn}/*", "the replica in the DR region receives every version of every result"),
        (dr_key_arns, f"the DR key, named only by its alias {dr_key_alias(stage)} (condition kms:ResourceAliases): "
                      "its id is made in the DR stack and is not known here"),
    ):
        nag.acknowledge_wildcard(policy, resource, reason)
    cfn = bucket.node.default_child
    assert isinstance(cfn, s3.CfnBucket)
    minutes = {"Minutes": REPLICATION_MINUTES}
    cfn.add_property_override(
        "ReplicationConfiguration",
        {
            "Role": role.role_arn,
            "Rules": [
                {
                    "Id": "results-to-dr",
                    "Status": "Enabled",
                    "Priority": 1,
                    "Filter": {"Prefix": ""},
                    "DeleteMarkerReplication": {"Status": "Disabled"},
                    "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
                    "Destination": {
                        "Bucket": replica_arn,
                        # the alias ARN: the key's id is the DR stack's; same account, so no ambiguity
                        "EncryptionConfiguration": {
                            "ReplicaKmsKeyID": f"arn:{partition}:kms:{DR_REGION}:{stack.account}:{dr_key_alias(stage)}"
                        },
                        "StorageClass": "STANDARD_IA",  # read only after a disaster
                        "ReplicationTime": {"Status": "Enabled", "Time": minutes},
                        "Metrics": {"Status": "Enabled", "EventThreshold": minutes},
                    },
                }
            ],
        },
    )
    return role
