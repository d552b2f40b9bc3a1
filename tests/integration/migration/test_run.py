"""Migration runs on the distributed map (docs/migration-run.md), in-process on moto: the
``migration_run`` state machine from state_machines/ really executes (its ItemReader lists the
export's chunks in S3, each chunk goes to the ``migration-chunks`` queue with a task token), and
:func:`pump` plays the ``migration_chunks`` function until the execution ends. One small export of its
own (a namespace of its own: its old codes are not the session sample's).

Import (backup taken first) → reconcile 0 differences → the cut-over switch; an interrupted import
resumed counts every chunk once and imports nothing twice; undo removes the run's dossiers except one
an officer acted on."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.core.config import default_user_config

from chalicelib.domain import engine
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.errors import HosoError
from chalicelib.migration import cutover, runs, runs_store, undo_store
from chalicelib.migration.report import ALREADY_IMPORTED, IMPORTED
from chalicelib.services import dossiers as dossier_service
from chalicelib.services import intake
from chalicelib.services.admin_access import Administrator
from chalicelib.settings import reset_settings_cache
from chalicelib.store import catalogue
from infra.resources import REPO_ROOT
from local import migration_sample, moto_patches
from local.simulators.accounts import DEMO_ACCOUNTS, HANOI_UNIT
from local.simulators.dvcqg import build_dossier
from tests.integration.migration.conftest import EXPORT_BUCKET, REGION, UNIT, World

PREFIX = "runs/distributed"
DOSSIERS = 45
CHUNK = 15
MINISTRY = Administrator(sub="admin-bo", ministry=True)
HANOI_ADMIN = Administrator(sub="admin-hn", ministry=False, province_code="01")
HCM_ADMIN = Administrator(sub="admin-hcm", ministry=False, province_code="79")


class Run:
    def __init__(self) -> None:
        self.sfn = boto3.client("stepfunctions", region_name=REGION)
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.queue = self.sqs.create_queue(QueueName="hoso-dev-migration-chunks")["QueueUrl"]
        text = (REPO_ROOT / "state_machines" / "migration_run.asl.json").read_text(encoding="utf-8")
        self.arn = self.sfn.create_state_machine(
            name="hoso-dev-migration_run", definition=text.replace("${MigrationChunksQueueUrl}", self.queue),
            roleArn="arn:aws:iam::123456789012:role/hoso-dev-migration-run")["stateMachineArn"]

    def pump(self, run_id: str, limit: int = 400) -> runs.Run:
        """Deliver the chunks' messages to the function (a batch of one, as app.py declares) until the run ends."""
        for _ in range(limit):
            for m in self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10,
                                              WaitTimeSeconds=0).get("Messages", []):
                answer = runs.handle_batch({"Records": [{"messageId": m["MessageId"], "body": m["Body"]}]})
                assert answer == {"batchItemFailures": []}
                self.sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=m["ReceiptHandle"])
            run = runs.get(MINISTRY, run_id)
            if run.status != "running":
                return run
            time.sleep(0.2)
        raise AssertionError(f"run {run_id} still running")


@pytest.fixture(scope="module")
def machine(world: World) -> Iterator[Run]:
    moto_patches.apply()  # a distributed Map fails once more items failed than tolerated, as on AWS
    saved = dict(default_user_config["stepfunctions"])
    default_user_config["stepfunctions"]["execute_state_machine"] = True
    run = Run()
    patch = pytest.MonkeyPatch()
    patch.setenv("HOSO_MIGRATION_RUN_ARN", run.arn)
    patch.setenv("HOSO_MIGRATION_BUCKET", EXPORT_BUCKET)
    reset_settings_cache()
    sample = migration_sample.generate(DOSSIERS, chunk_size=CHUNK, namespace="dm")
    world.upload(sample, PREFIX)
    run.sample = sample  # type: ignore[attr-defined]
    yield run
    patch.undo()
    reset_settings_cache()
    default_user_config["stepfunctions"].update(saved)  # type: ignore[typeddict-item]


def _start(mode: str, actor: Administrator = MINISTRY, **extra: Any) -> runs.Run:
    return runs.start(actor, runs.RunRequest(mode=mode, prefix=PREFIX, units=[UNIT], **extra))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def imported(machine: Run) -> runs.Run:
    """The export imported on the map, its second chunk failing until resumed."""
    original = runs.process_chunk
    failing = {"left": 3}  # the first delivery and both retries of the ASL's Retry

    def flaky(mode: str, bucket: str, key: str, *args: Any, **kwargs: Any) -> Any:
        if key.endswith("dossiers-00002.jsonl") and failing["left"]:
            failing["left"] -= 1
            raise ConnectionError("S3 unreachable (injected)")
        return original(mode, bucket, key, *args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runs, "process_chunk", flaky)
        run = _start("import")
        assert run.backup_arn, "an import takes a backup before it writes"
        failed = machine.pump(run.run_id)
    assert failed.status == "failed" and failed.error == "States.ExceedToleratedFailureThreshold"
    assert failed.chunks_done == 2 and failed.chunks_total == 3
    resumed = runs.resume(MINISTRY, run.run_id)
    assert resumed.attempts == 2
    return machine.pump(run.run_id)


def test_an_import_on_the_map_resumed_after_a_failure_counts_each_chunk_once(machine: Run, imported: runs.Run) -> None:
    sample = machine.sample  # type: ignore[attr-defined]
    assert imported.status == "succeeded" and imported.chunks_done == imported.chunks_total == 3
    backup = boto3.client("dynamodb", region_name=REGION).describe_backup(BackupArn=imported.backup_arn)
    assert backup["BackupDescription"]["BackupDetails"]["BackupStatus"] == "AVAILABLE"
    progress = runs.progress(MINISTRY, imported.run_id)
    assert progress.report["outcomes"][IMPORTED] == sample.good
    assert progress.report["outcomes"].get(ALREADY_IMPORTED, 0) == 0  # the resumed chunk 2 started afresh
    assert {p["old_code"] for p in progress.problems} == {code for code, _ in sample.bad}
    # a chunk delivered again (SQS at-least-once) is answered without running or counting twice
    key = f"{PREFIX}/dossiers-00001.jsonl"
    body = {"task_token": "gone", "run_id": imported.run_id, "mode": "import", "bucket": EXPORT_BUCKET, "key": key}
    assert runs.handle_batch({"Records": [{"messageId": "again", "body": json.dumps(body)}]}) \
        == {"batchItemFailures": []}
    assert runs.get(MINISTRY, imported.run_id).chunks_done == 3
    with pytest.raises(runs_store.AlreadyCounted):  # two deliveries racing past that read: the count is conditional
        runs_store.record_chunk(imported.run_id, key, {"mode": "import"}, "2026-07-01T00:00:00+07:00")
    assert runs.get(MINISTRY, imported.run_id).chunks_done == 3
    csv = runs.report_csv(MINISTRY, imported.run_id).decode("utf-8-sig")
    assert f"Kết quả,{IMPORTED},{sample.good}" in csv.replace("\r", "")


def test_a_province_admin_runs_only_their_own_province(machine: Run) -> None:
    with pytest.raises(HosoError) as refused:
        _start("validate", HANOI_ADMIN)
    assert refused.value.code == "FORBIDDEN_PROVINCE"
    assert all(r.created_by != HANOI_ADMIN.sub for r in runs.list_runs(MINISTRY))
    with pytest.raises(HosoError) as outside:
        runs.start(MINISTRY, runs.RunRequest(mode="validate", prefix=PREFIX, units=[HANOI_UNIT]))
    assert outside.value.code == "MIGRATION_UNITS_OUTSIDE"  # the mapping writes into TP HCM's unit
    with pytest.raises(HosoError) as bucket:
        runs.start(MINISTRY, runs.RunRequest(mode="validate", prefix="../other-bucket", units=[UNIT]))
    assert bucket.value.status == 422
    run = _start("validate", HCM_ADMIN)
    assert run.province_codes == ["79"] and machine.pump(run.run_id).status == "succeeded"
    assert [r.run_id for r in runs.list_runs(HANOI_ADMIN)] == []


def _unit_intake(system: str) -> None:
    seen = catalogue.read_unit_for_update(UNIT)
    catalogue.replace_unit(seen.value.model_copy(update={"intake_system": system}), seen)  # type: ignore[union-attr]


def test_cut_over_needs_a_clean_reconcile_and_closes_intake_until_then(machine: Run, imported: runs.Run) -> None:
    cutover.switch(MINISTRY, UNIT, cutover.IntakeSwitch(system="old"), "2026-07-01T08:00:00+07:00")
    try:
        with pytest.raises(HosoError) as closed:
            intake.receive_from_dvcqg(json.dumps(build_dossier(overrides={"MaDonViTiepNhan": UNIT})).encode())
        assert closed.value.code == "INTAKE_ON_OLD_SYSTEM" and closed.value.status == 409
        with pytest.raises(HosoError) as unproven:
            cutover.switch(MINISTRY, UNIT, cutover.IntakeSwitch(system="hoso"), "2026-07-01T08:01:00+07:00")
        assert unproven.value.code == "CUTOVER_NOT_RECONCILED"
        with pytest.raises(HosoError) as wrong_mode:
            cutover.switch(MINISTRY, UNIT, cutover.IntakeSwitch(system="hoso", run_id=imported.run_id), "x")
        assert "đối soát" in wrong_mode.value.message
        reconcile = machine.pump(_start("reconcile").run_id)
        report = runs.progress(MINISTRY, reconcile.run_id).report
        assert reconcile.status == "succeeded" and report["differences_count"] == 0, report["differences"]
        with pytest.raises(HosoError) as other_province:
            cutover.switch(HANOI_ADMIN, UNIT, cutover.IntakeSwitch(system="hoso", run_id=reconcile.run_id), "x")
        assert other_province.value.code == "FORBIDDEN_PROVINCE"
        assert catalogue.read_unit_for_update(UNIT).value.intake_system == "old"  # type: ignore[union-attr]
        state = cutover.switch(HCM_ADMIN, UNIT, cutover.IntakeSwitch(system="hoso", run_id=reconcile.run_id),
                               "2026-07-01T09:00:00+07:00")
        assert state.system == "hoso" and [h.system for h in state.history] == ["old", "hoso"]
        assert state.history[-1].run_id == reconcile.run_id and state.history[-1].by == HCM_ADMIN.sub
    finally:
        _unit_intake("hoso")


def _officer(role: str) -> OfficerProfile:
    account = next(a for a in DEMO_ACCOUNTS if a["role"] == role and a["unit_code"] == UNIT)
    profile = catalogue.get_officer(str(account["sub"]))
    assert profile is not None
    return profile


def test_undo_removes_the_run_dossiers_but_not_one_an_officer_acted_on(machine: Run, imported: runs.Run) -> None:
    first = next(runs_store.chunk_records(EXPORT_BUCKET, f"{PREFIX}/dossiers-00001.jsonl"))
    codes = [undo_store.imported_code(str(r["unit"]), str(r["old_code"]), imported.run_id)
             for key in (f"{PREFIX}/dossiers-0000{i}.jsonl" for i in (1, 2, 3))
             for r in runs_store.chunk_records(EXPORT_BUCKET, key)]
    kept = sorted({c for c in codes if c})  # the duplicate old code names one dossier twice
    received = next(c for c in kept if (d := undo_store.read(c)) and d.dossier.status == 2 and d.dossier.step_id)
    dossier_service.act(received, engine.ActionRequest(action_id="chuyen_phong"), _officer("desk"))
    result = runs.undo(MINISTRY, imported.run_id)
    assert result.refused == [received] and result.removed == len(kept) - 1
    assert undo_store.read(received) is not None
    assert all(undo_store.read(c) is None for c in kept if c != received)
    assert undo_store.imported_code(str(first["unit"]), str(first["old_code"]), imported.run_id) in (None, received)
