"""The migration run's resources in the synthesised template (docs/migration-run.md): the
``migration_run`` state machine is a distributed Map over the export's chunks in S3 that hands each
chunk to ``migration-chunks``; its role can do that and nothing else; the functions' grants are the
migration's (the export read-only, the backup of the dossiers table only); the chunks' DLQ is
alarmed. (moto enforces no IAM: these assertions and ``python -m infra.iam_check`` are the proof.)"""

from __future__ import annotations

import json
from typing import Any

from infra.capacity import MIGRATION_CHUNKS_CONCURRENCY
from infra.resources import physical_name
from infra.wiring import python_name as handler_name
from tests.infra.conftest import STAGE, Synth


def _by_name(s: Synth, type_: str, prop: str, name: str) -> tuple[str, dict[str, Any]]:
    (found,) = [(lid, r) for lid, r in s.resources(type_).items() if r["Properties"].get(prop) == name]
    return found


def _bucket(s: Synth, stem: str) -> str:
    (lid,) = [lid for lid, r in s.resources("AWS::S3::Bucket").items()
              if r["Properties"]["BucketName"]["Fn::Join"][1][0] == f"{physical_name(STAGE, stem)}-"]
    return lid


def _statements(role: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {st["Sid"]: st for pol in role["Properties"]["Policies"] for st in pol["PolicyDocument"]["Statement"]}


def _actions(statement: dict[str, Any]) -> set[str]:
    actions = statement["Action"]
    return {actions} if isinstance(actions, str) else set(actions)


def _function_role(s: Synth, python_name: str) -> dict[str, Any]:
    (fn,) = [r for r in s.resources("AWS::Serverless::Function").values()
             if handler_name(r["Properties"]["Handler"]) == python_name]
    return s.template["Resources"][fn["Properties"]["Role"]["Fn::GetAtt"][0]]


def test_the_run_is_a_distributed_map_over_the_chunks_handing_each_to_the_queue(repo: Synth) -> None:
    _, machine = _by_name(repo, "AWS::StepFunctions::StateMachine", "StateMachineName",
                          physical_name(STAGE, "migration_run"))
    (state,) = json.loads(machine["Properties"]["DefinitionString"])["States"].values()
    assert state["Type"] == "Map" and state["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED"
    assert state["ItemReader"]["Resource"] == "arn:aws:states:::s3:listObjectsV2"
    assert state["MaxConcurrency"] == MIGRATION_CHUNKS_CONCURRENCY and state["ToleratedFailureCount"] == 0
    (task,) = state["ItemProcessor"]["States"].values()
    assert task["Resource"] == "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    queue, _ = _by_name(repo, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, "migration-chunks"))
    assert machine["Properties"]["DefinitionSubstitutions"] == {"MigrationChunksQueueUrl": {"Ref": queue}}


def test_the_run_role_lists_the_export_and_sends_chunks_only(repo: Synth) -> None:
    _, machine = _by_name(repo, "AWS::StepFunctions::StateMachine", "StateMachineName",
                          physical_name(STAGE, "migration_run"))
    role = repo.template["Resources"][machine["Properties"]["RoleArn"]["Fn::GetAtt"][0]]
    statements = _statements(role)
    assert set(statements) == {"Logs", "XRay", "Chunks", "ListExports", "MapRun", "MapRunExecutions",
                               "MapRunState", "Key"}
    queue, _ = _by_name(repo, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, "migration-chunks"))
    assert _actions(statements["Chunks"]) == {"sqs:SendMessage"}
    assert statements["Chunks"]["Resource"] == {"Fn::GetAtt": [queue, "Arn"]}
    assert _actions(statements["ListExports"]) == {"s3:ListBucket"}
    assert statements["ListExports"]["Resource"] == {"Fn::GetAtt": [_bucket(repo, "migration"), "Arn"]}
    granted = set().union(*(_actions(st) for st in statements.values()))
    assert not {a for a in granted if a.startswith(("dynamodb:", "s3:Get", "s3:Put", "secretsmanager:"))}
    # the liên thông flows' shared role cannot hand anything to the migration queue
    others = [r for lid, r in repo.resources("AWS::StepFunctions::StateMachine").items() if r is not machine]
    assert others and all(o["Properties"]["RoleArn"] != machine["Properties"]["RoleArn"] for o in others)


def test_the_functions_read_the_export_and_back_up_only_the_dossiers_table(repo: Synth) -> None:
    migration = _bucket(repo, "migration")
    chunks = _statements(_function_role(repo, "migration_chunks"))
    assert "MigrationWrite" not in chunks and "AttachmentsWrite" in chunks and "ResultsWrite" in chunks
    assert chunks["MigrationList"]["Resource"] == {"Fn::GetAtt": [migration, "Arn"]}
    assert "TaskResponse" in chunks and "Send" not in chunks
    api = _statements(_function_role(repo, "api_handler"))
    assert "MigrationRead" in api and "MigrationWrite" not in api
    (table,) = [lid for lid, r in repo.resources("AWS::DynamoDB::Table").items()
                if r["Properties"]["TableName"] == physical_name(STAGE, "dossiers")]
    assert _actions(api["Backup"]) == {"dynamodb:CreateBackup"}
    assert api["Backup"]["Resource"] == {"Fn::GetAtt": [table, "Arn"]}


def test_the_chunks_dlq_is_alarmed(repo: Synth) -> None:
    names = {r["Properties"].get("AlarmName", "") for r in repo.resources("AWS::CloudWatch::Alarm").values()}
    assert any(n.endswith("migration-chunks-dlq-not-empty") for n in names), sorted(names)
