"""``DrStack`` (``hoso-<stage>-dr``, in ``infra.backup.DR_REGION``): what must survive the loss of
the main region — the vault the backups are copied to and the replica of the results bucket,
each under the DR region's own key. Deployed before the stage's stack, which names these
resources by their fixed names (``infra.backup``). Runbook: docs/runbooks/restore.md."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_backup as backup
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.backup import DR_REGION, dr_key_alias, dr_stack_name, dr_vault_name, replica_bucket_name, vault_lock
from infra.stack import ABORT_MULTIPART_DAYS, RESULT_RETENTION_DAYS, access_log_lifecycle


class DrStack(cdk.Stack):
    def __init__(self, scope: Construct, stage: str) -> None:
        super().__init__(
            scope,
            dr_stack_name(stage),
            stack_name=dr_stack_name(stage),
            env=cdk.Environment(region=DR_REGION),
            description=f"hoso {stage}: disaster recovery copies in {DR_REGION} (infra/dr.py)",
            termination_protection=stage == "production",
        )
        cdk.Tags.of(self).add("project", "hoso")
        cdk.Tags.of(self).add("stage", stage)
        self.key = kms.Key(
            self,
            "Key",
            alias=dr_key_alias(stage),
            description="hoso: disaster recovery copies (backup copies, results replica)",
            enable_key_rotation=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.vault = backup.BackupVault(
            self,
            "BackupVault",
            backup_vault_name=dr_vault_name(stage),
            encryption_key=self.key,
            lock_configuration=vault_lock(stage),
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        logs = s3.Bucket(
            self,
            "BucketLogs",
            bucket_name=f"{dr_stack_name(stage)}-logs-{self.account}-{DR_REGION}",
            encryption=s3.BucketEncryption.S3_MANAGED,  # server access log delivery supports only SSE-S3
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            lifecycle_rules=[access_log_lifecycle()],
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        # Object Lock like the source: replicated versions keep their retention date.
        self.replica = s3.Bucket(
            self,
            "BucketResultsReplica",
            bucket_name=replica_bucket_name(stage, self.account),
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            object_lock_enabled=True,
            object_lock_default_retention=s3.ObjectLockRetention.governance(cdk.Duration.days(RESULT_RETENTION_DAYS)),
            server_access_logs_bucket=logs,
            server_access_logs_prefix="s3/results-replica/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="old-versions-and-unfinished-uploads",
                    noncurrent_version_expiration=cdk.Duration.days(RESULT_RETENTION_DAYS),
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(ABORT_MULTIPART_DAYS),
                )
            ],
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        for key, value in {
            "BackupVaultArn": self.vault.backup_vault_arn,
            "ResultsReplicaBucketName": self.replica.bucket_name,
            "KeyArn": self.key.key_arn,
        }.items():
            cdk.CfnOutput(self, key, value=value)
