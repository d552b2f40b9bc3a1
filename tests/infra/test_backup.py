"""Backups and recovery (issue 13 item 8, infra/backup.py and infra/dr.py), read from the
synthesised templates: every table and data bucket in the plan, the retention, the copy to the
DR vault, the results' replication under the DR key, the DR stack itself and, for production,
Vault Lock on both vaults with cdk-nag passing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from infra import backup, nag
from infra.backup import (
    DAILY_RETENTION_DAYS,
    DR_REGION,
    MONTHLY_RETENTION_DAYS,
    REPLICATION_MINUTES,
    dr_key_alias,
    dr_stack_name,
    dr_vault_name,
    vault_name,
)
from infra.dr import DrStack
from infra.resources import physical_name
from infra.stack import RESULT_RETENTION_DAYS
from infra.synth import synthesize_checked
from tests.infra.conftest import STAGE, Synth

# Buckets that hold no data to recover: access logs, and the web app (rebuilt by every deploy).
NOT_DATA_BUCKETS = ("logs", "webapp")


def _of_type(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == type_}


def _one(resources: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    assert len(resources) == 1, list(resources)
    return next(iter(resources.items()))


def _bucket_stem(bucket: dict[str, Any], stage: str = STAGE) -> str:
    """``results`` for ``hoso-dev-results-<account>-<region>``."""
    prefix = bucket["Properties"]["BucketName"]["Fn::Join"][1][0]
    return prefix.removeprefix(f"{physical_name(stage, '')}").removesuffix("-")


def _dr_template(s: Synth) -> dict[str, Any]:
    return json.loads((s.path.parent / f"{dr_stack_name(STAGE)}.template.json").read_text())


def _joined(value: Any) -> str:
    """A ``Fn::Join`` as text, references as ``{Ref}``, the partition as ``aws`` (CDK writes it as a
    literal where it knows the region), for comparing ARNs built from parts."""
    if isinstance(value, dict) and "Fn::Join" in value:
        delimiter, parts = value["Fn::Join"]
        return delimiter.join(_joined(p) for p in parts)
    if value == {"Ref": "AWS::Partition"}:
        return "aws"
    if isinstance(value, dict) and "Ref" in value:
        return "{" + value["Ref"] + "}"
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return "{" + ".".join(value["Fn::GetAtt"]) + "}"
    assert isinstance(value, str), value
    return value


def _dr_vault_arn() -> str:
    return f"arn:aws:backup:{DR_REGION}:{{AWS::AccountId}}:backup-vault:{dr_vault_name(STAGE)}"


def test_the_plan_covers_every_table_and_every_data_bucket(repo: Synth) -> None:
    t = repo.template
    tables = set(_of_type(t, "AWS::DynamoDB::Table"))
    buckets = {k for k, b in _of_type(t, "AWS::S3::Bucket").items() if _bucket_stem(b) not in NOT_DATA_BUCKETS}
    _, selection = _one(_of_type(t, "AWS::Backup::BackupSelection"))
    covered = {r["Fn::GetAtt"][0] for r in selection["Properties"]["BackupSelection"]["Resources"]}

    assert tables and {_bucket_stem(t["Resources"][b]) for b in buckets} == {"attachments", "results", "migration"}
    assert covered == tables | buckets
    # S3 in AWS Backup needs versioning and its own service-role policies
    for b in buckets:
        assert t["Resources"][b]["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    role_id = selection["Properties"]["BackupSelection"]["IamRoleArn"]["Fn::GetAtt"][0]
    role = t["Resources"][role_id]
    assert t["Outputs"]["BackupRoleArn"]["Value"] == {"Fn::GetAtt": [role_id, "Arn"]}  # the runbook's restores
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "backup.amazonaws.com"
    }
    policies = {_joined(p).rsplit(":", 1)[1] for p in role["Properties"]["ManagedPolicyArns"]}
    assert policies == {
        "policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "policy/service-role/AWSBackupServiceRolePolicyForRestores",
        "policy/AWSBackupServiceRolePolicyForS3Backup",
        "policy/AWSBackupServiceRolePolicyForS3Restore",
    }


def test_daily_and_monthly_backups_are_kept_and_copied_to_the_dr_vault(repo: Synth) -> None:
    t = repo.template
    vault_id, vault = _one(_of_type(t, "AWS::Backup::BackupVault"))
    key_id, _ = _one(_of_type(t, "AWS::KMS::Key"))
    _, plan = _one(_of_type(t, "AWS::Backup::BackupPlan"))
    rules = {r["RuleName"]: r for r in plan["Properties"]["BackupPlan"]["BackupPlanRule"]}

    assert vault["Properties"]["BackupVaultName"] == vault_name(STAGE)
    assert vault["Properties"]["EncryptionKeyArn"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert vault["DeletionPolicy"] == "Retain"
    assert "LockConfiguration" not in vault["Properties"]  # dev: recovery points stay deletable
    assert {name: r["Lifecycle"]["DeleteAfterDays"] for name, r in rules.items()} == {
        "daily": DAILY_RETENTION_DAYS,
        "monthly": MONTHLY_RETENTION_DAYS,
    }
    assert DAILY_RETENTION_DAYS >= 35  # at least DynamoDB PITR's window
    assert MONTHLY_RETENTION_DAYS >= RESULT_RETENTION_DAYS  # the results' legal retention
    for name, rule in rules.items():
        assert rule["TargetBackupVault"] == {"Fn::GetAtt": [vault_id, "BackupVaultName"]}
        (copy,) = rule["CopyActions"]
        assert _joined(copy["DestinationBackupVaultArn"]) == _dr_vault_arn(), name
        assert copy["Lifecycle"]["DeleteAfterDays"] == rule["Lifecycle"]["DeleteAfterDays"]


def test_the_results_bucket_replicates_to_the_dr_replica_under_the_dr_key(repo: Synth) -> None:
    t = repo.template
    buckets = {_bucket_stem(b): b for b in _of_type(t, "AWS::S3::Bucket").values()}
    replicated = {stem for stem, b in buckets.items() if "ReplicationConfiguration" in b["Properties"]}
    config = buckets["results"]["Properties"]["ReplicationConfiguration"]
    (rule,) = config["Rules"]
    destination = rule["Destination"]
    replica = f"arn:aws:s3:::{physical_name(STAGE, 'results-replica')}-{{AWS::AccountId}}-{DR_REGION}"

    assert replicated == {"results"}
    assert buckets["results"]["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    assert rule["Status"] == "Enabled" and rule["Filter"] == {"Prefix": ""}
    assert rule["SourceSelectionCriteria"] == {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    assert rule["DeleteMarkerReplication"] == {"Status": "Disabled"}
    assert _joined(destination["Bucket"]) == replica
    assert _joined(destination["EncryptionConfiguration"]["ReplicaKmsKeyID"]) == (
        f"arn:aws:kms:{DR_REGION}:{{AWS::AccountId}}:{dr_key_alias(STAGE)}"
    )
    assert destination["ReplicationTime"] == {"Status": "Enabled", "Time": {"Minutes": REPLICATION_MINUTES}}

    role_id = config["Role"]["Fn::GetAtt"][0]
    (policy,) = [p for p in _of_type(t, "AWS::IAM::Policy").values() if p["Properties"]["Roles"] == [{"Ref": role_id}]]
    grants = {a: st for st in policy["Properties"]["PolicyDocument"]["Statement"]
              for a in (st["Action"] if isinstance(st["Action"], list) else [st["Action"]])}  # fmt: skip
    assert set(grants) == {
        "s3:GetReplicationConfiguration", "s3:ListBucket", "s3:GetObjectVersionForReplication",
        "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold",
        "s3:ReplicateObject", "s3:ReplicateTags", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey",
    }  # fmt: skip
    key_id, _ = _one(_of_type(t, "AWS::KMS::Key"))
    assert grants["kms:Decrypt"]["Resource"] == {"Fn::GetAtt": [key_id, "Arn"]}
    encrypt = grants["kms:Encrypt"]
    assert _joined(encrypt["Resource"]).startswith(f"arn:aws:kms:{DR_REGION}:")
    assert encrypt["Condition"]["ForAnyValue:StringEquals"] == {"kms:ResourceAliases": dr_key_alias(STAGE)}
    assert encrypt["Condition"]["StringEquals"] == {"kms:ViaService": f"s3.{DR_REGION}.amazonaws.com"}
    assert _joined(grants["s3:ReplicateObject"]["Resource"]) == f"{replica}/*"


def test_the_dr_stack_holds_the_vault_and_the_replica_in_the_dr_region(repo: Synth) -> None:
    dr = _dr_template(repo)
    manifest = json.loads((repo.path.parent / "manifest.json").read_text())
    key_id, key = _one(_of_type(dr, "AWS::KMS::Key"))
    _, alias = _one(_of_type(dr, "AWS::KMS::Alias"))
    _, vault = _one(_of_type(dr, "AWS::Backup::BackupVault"))
    (replica,) = [b for b in _of_type(dr, "AWS::S3::Bucket").values()
                  if _bucket_stem(b) == "results-replica"]  # fmt: skip
    p = replica["Properties"]

    assert manifest["artifacts"][dr_stack_name(STAGE)]["environment"].endswith(f"/{DR_REGION}")
    assert dr_stack_name(STAGE) in manifest["artifacts"][f"hoso-{STAGE}"]["dependencies"]  # deployed first
    assert key["Properties"]["EnableKeyRotation"] is True and key["DeletionPolicy"] == "Retain"
    assert alias["Properties"] == {"AliasName": dr_key_alias(STAGE), "TargetKeyId": {"Fn::GetAtt": [key_id, "Arn"]}}
    assert vault["Properties"]["BackupVaultName"] == dr_vault_name(STAGE)
    assert vault["Properties"]["EncryptionKeyArn"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert p["VersioningConfiguration"] == {"Status": "Enabled"}
    assert p["ObjectLockEnabled"] is True
    assert p["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]["Days"] == RESULT_RETENTION_DAYS
    (encryption,) = p["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]}
    }
    assert replica["DeletionPolicy"] == "Retain"


def test_production_locks_both_vaults_in_compliance_mode_and_passes_cdk_nag(tmp_path: Path) -> None:
    """The same two functions the stage's stack and synth call, for production, beside a stand-in
    of the stage's data (a table, the two data buckets) rather than a whole Chalice package."""
    stage = "production"
    app = cdk.App(outdir=str(tmp_path))
    main = cdk.Stack(app, "hoso-production", env=cdk.Environment(region="ap-southeast-1"))
    key = kms.Key(main, "Key", enable_key_rotation=True)
    logs = s3.Bucket(main, "Logs", enforce_ssl=True, versioned=True)
    table = dynamodb.Table(
        main, "Table", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True),
    )  # fmt: skip
    buckets = {
        name: s3.Bucket(main, name, encryption_key=key, versioned=True, enforce_ssl=True,
                        server_access_logs_bucket=logs, object_lock_enabled=name == "results")
        for name in ("attachments", "results")
    }  # fmt: skip
    backup.add_backups(main, stage, key, {"t": table}, buckets)
    main.add_stack_dependency(DrStack(app, stage))
    nag.acknowledge(logs, "S1", "the stand-in's log bucket itself")
    nag.enable(app)

    assert synthesize_checked(app, dr_stack_name(stage)) == []
    for stack_id in ("hoso-production", dr_stack_name(stage)):
        template = json.loads((tmp_path / f"{stack_id}.template.json").read_text())
        _, vault = _one(_of_type(template, "AWS::Backup::BackupVault"))
        assert vault["Properties"]["LockConfiguration"] == {
            "ChangeableForDays": 3,  # then compliance mode: nobody can delete or shorten
            "MinRetentionDays": DAILY_RETENTION_DAYS,
            "MaxRetentionDays": MONTHLY_RETENTION_DAYS,
        }, stack_id
