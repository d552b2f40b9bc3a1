"""The migration's core on the sample province (issue 14 item 1): validate names every bad record and
counts the rest; import → reconcile shows no difference; a second import writes nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from chalicelib.domain.calendar import WorkingCalendar
from chalicelib.domain.dossier import Dossier
from chalicelib.integrity.service import verify_dossier
from chalicelib.migration import __main__ as command
from chalicelib.migration import rules
from chalicelib.migration import store as migration_store
from chalicelib.migration.service import list_chunks, process_chunk
from chalicelib.store import catalogue
from chalicelib.store.models import DossierItem, OutboxItem, batch_fetch
from chalicelib.sync.destinations import outbox_data
from local import migration_sample
from local.simulators.accounts import DEMO_ACCOUNTS
from tests.integration.migration.conftest import EXPORT_BUCKET, SAMPLE_PREFIX, UNIT, Imported, World


def account(role: str) -> dict[str, str]:
    return next(a for a in DEMO_ACCOUNTS if a["role"] == role and a["unit_code"] == UNIT)


def test_validate_counts_the_sample_and_names_every_bad_record(world: World) -> None:
    """Through the operator command's runner (threads, a progress line per chunk, the printed report)."""
    progress: list[str] = []
    report = command.run("validate", EXPORT_BUCKET, SAMPLE_PREFIX, threads=2, progress=progress.append)
    sample = world.sample
    assert len(progress) == len(sample.chunks) and progress[-1].startswith(f"[{len(sample.chunks)}/")
    printed = command.render(report)
    assert all(f"{old} [{code}]" in printed for old, code in sample.bad)
    assert command.main(["validate", "--bucket", EXPORT_BUCKET, "--prefix", "runs/none"]) == 2
    assert report.records == sample.records
    assert report.outcomes == {"mapped": sample.good, "refused": len(sample.bad)}
    assert {(p.old_code, p.code) for p in report.problems} == set(sample.bad)
    assert {int(k): v for k, v in report.by_status.items()} == sample.statuses
    assert sum(report.by_month.values()) == sample.good and len(report.by_month) >= 5


def test_a_dry_run_converts_everything_and_writes_nothing(world: World) -> None:
    first = list_chunks(EXPORT_BUCKET, SAMPLE_PREFIX)[0]  # the chunk holding the bad records
    before = world.s3.list_objects_v2(Bucket="hoso-dev-attachments").get("KeyCount", 0)
    report = process_chunk("dry-run", EXPORT_BUCKET, first, world.mapping(), run_id="dry")
    lines = world.sample.chunks[first.rsplit("/", 1)[1]]
    assert report.outcomes == {"mapped": len(lines) - len(world.sample.bad), "refused": len(world.sample.bad)}
    assert all(migration_store.find_reference(json.loads(line)["unit"], json.loads(line)["old_code"]) is None
               for line in lines)
    assert world.s3.list_objects_v2(Bucket="hoso-dev-attachments").get("KeyCount", 0) == before


def test_import_then_reconcile_shows_no_difference(world: World, imported: Imported) -> None:
    sample = world.sample
    assert imported.first.outcomes == {"imported": sample.good, "refused": len(sample.bad)}
    reconciled = world.run("reconcile")
    assert reconciled.differences == [] and reconciled.differences_count == 0
    assert reconciled.outcomes.get("matched") == sample.good
    assert {int(k): v for k, v in reconciled.by_status.items()} == sample.statuses


def test_a_second_import_writes_nothing(world: World, imported: Imported) -> None:
    again = world.run("import", run_id="second")
    assert again.outcomes == {"already_imported": world.sample.good, "refused": len(world.sample.bad)}


def _record(world: World, status: str) -> dict[str, Any]:
    """The first good record of the sample in old status ``status``."""
    bad = {code for code, _ in world.sample.bad}
    for lines in world.sample.chunks.values():
        for line in lines:
            record = json.loads(line)
            if record["status"] == status and record["old_code"] not in bad:
                return dict(record)
    raise AssertionError(f"no record in status {status}")


def _hoso_code(record: dict[str, Any]) -> str:
    reference = migration_store.find_reference(record["unit"], record["old_code"])
    assert reference is not None
    return reference.code


def _unit_dossiers() -> list[Dossier]:
    found = DossierItem.by_unit_received.query(f"UNIT#{UNIT}")  # the index carries keys: the dossiers by key
    return [Dossier.model_validate(i.data) for i in batch_fetch(DossierItem, found)]


def test_an_in_flight_dossier_continues_in_hoso_with_its_remaining_deadline(world: World, imported: Imported) -> None:
    record = _record(world, "DANG_THAM_DINH")
    code = _hoso_code(record)
    dossier = migration_store.get_dossier(code)
    assert dossier is not None and (dossier.status, dossier.step_id) == (4, "tham_dinh")
    # the deadline: the procedure's legal one from the receipt, on hoso's calendar (no pause in this history)
    procedure = catalogue.get_procedure(dossier.procedure_code)
    assert procedure is not None and procedure.legal_deadline is not None
    calendar = WorkingCalendar(catalogue.list_calendar_overrides())
    received = dt.datetime.fromisoformat(record["received_at"])
    assert dossier.due_at == calendar.appointment(received, procedure.legal_deadline, procedure.cutoff_15h)
    assert dossier.assignee == account("appraiser")["sub"]
    # the history kept: the old steps, then the migration's own event; the chain holds
    events = world.call("GET", f"/v1/dossiers/{code}", "appraiser").json_body["events"]
    assert [e["action"] for e in events] == [f"legacy:{h['action']}" for h in record["history"]] + ["migrate"]
    # the appraiser continues it: submitted to the head, the legal deadline unchanged
    answer = world.call("POST", f"/v1/dossiers/{code}/actions", "appraiser", body={"action": "trinh"})
    assert answer.status_code == 200, answer.body
    after = migration_store.get_dossier(code)
    assert after is not None and (after.step_id, after.due_at) == ("duyet_phong", dossier.due_at)
    report = verify_dossier(code)
    assert report is not None and report.holds, report


def test_finished_dossiers_count_in_the_statistics(world: World, imported: Imported) -> None:
    months = sorted(imported.first.by_month)
    answer = world.call("GET", f"/v1/public/statistics/79?from={months[0]}&to={months[-1]}")
    assert answer.status_code == 200, answer.body
    held = [d for d in _unit_dossiers() if months[0] <= d.submitted_at.strftime("%Y-%m") <= months[-1]]
    resolved = sum(d.status in (9, 10) for d in held)
    assert resolved >= world.sample.statuses[9] + world.sample.statuses[10]
    assert answer.json_body["total"]["resolved"] == resolved
    assert answer.json_body["total"]["received"] == sum(d.received_at is not None for d in held)


def test_nothing_is_sent_to_sync_without_sync_and_everything_with_it(world: World, imported: Imported) -> None:
    # dossiers no test acts on (an officer's action is a transition: it has its outbox record, as it should)
    quiet = [_hoso_code(_record(world, s)) for s in ("DA_TRA_KET_QUA", "CHO_PHE_DUYET", "CHO_BO_SUNG", "DA_RUT")]
    for code in quiet:
        assert list(OutboxItem.query(f"DOSSIER#{code}", OutboxItem.sk.startswith("OUTBOX#"))) == []
    sample = migration_sample.generate(15, namespace="S", chunk_size=15)
    world.upload(sample, "runs/sync")
    report = world.run("import", "runs/sync", run_id="sync", sync=True)
    assert report.outcomes["imported"] == sample.good
    synced = [d for d in _unit_dossiers() if d.form_data.get("migration", {}).get("run_id") == "sync"]
    assert len(synced) == sample.good
    for d in synced:
        assert [i.data for i in OutboxItem.query(f"DOSSIER#{d.code}", OutboxItem.sk.startswith("OUTBOX#"))] == [
            outbox_data(d.code, d.seq, d.province_code)]  # the signal and its fan-out attributes


def _of_namespace(namespace: str) -> list[Dossier]:
    """The imported dossiers of a sample generated with ``namespace`` (its old codes carry it)."""
    def old(d: Dossier) -> str:
        return str(d.form_data.get("migration", {}).get("old_code", ""))
    return [d for d in _unit_dossiers() if old(d).startswith(f"{namespace}HCM-") or f"-{namespace}" in old(d)]


class _Failing(Exception):
    pass


@pytest.mark.parametrize("fault", ["s3", "dynamodb"])
def test_an_interrupted_import_resumes_with_no_duplicate(world: World, fault: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    namespace = f"I{fault[0].upper()}"
    prefix = f"runs/interrupted-{fault}"
    sample = migration_sample.generate(30, namespace=namespace, chunk_size=30)
    world.upload(sample, prefix)
    calls = {"n": 0}
    if fault == "s3":  # S3 fails on the 17th file written: a record's files half copied, its dossier unwritten
        real_put = migration_store.put_file

        def put_file(*args: Any, **kwargs: Any) -> None:
            calls["n"] += 1
            if calls["n"] == 17:
                raise _Failing("S3 is down")
            real_put(*args, **kwargs)
        monkeypatch.setattr(migration_store, "put_file", put_file)
    else:  # DynamoDB fails on the 12th record's transaction
        real_write = migration_store.TransactWrite

        class FailingWrite(real_write):  # type: ignore[misc,valid-type]
            def __exit__(self, *exc: Any) -> None:
                calls["n"] += 1
                if calls["n"] == 12 and exc[0] is None:
                    raise _Failing("DynamoDB is down")
                super().__exit__(*exc)
        monkeypatch.setattr(migration_store, "TransactWrite", FailingWrite)
    with pytest.raises(_Failing):
        world.run("import", prefix, run_id=f"broken-{fault}")
    monkeypatch.undo()
    partly = _of_namespace(namespace)
    assert 0 < len(partly) < sample.good
    resumed = world.run("import", prefix, run_id=f"resumed-{fault}")
    assert resumed.outcomes == {"already_imported": len(partly), "imported": sample.good - len(partly),
                                "refused": len(sample.bad)}
    held = [d.form_data["migration"]["old_code"] for d in _of_namespace(namespace)]
    assert len(held) == len(set(held)) == sample.good
    reconciled = world.run("reconcile", prefix)
    assert reconciled.differences_count == 0 and reconciled.outcomes["matched"] == sample.good


def test_an_old_national_code_hoso_already_uses_gets_a_code_of_its_own(world: World, imported: Imported) -> None:
    kept = next(json.loads(line) for lines in world.sample.chunks.values() for line in lines
                if rules.keeps_old_code(json.loads(line)["old_code"]))
    assert _hoso_code(kept) == kept["old_code"]  # kept: DVCQG knows the dossier by it
    other = {**kept, "unit": "SKHCN-TD" if kept["unit"] != "SKHCN-TD" else "SKHCN-HCM"}  # another old unit, same code
    sample = migration_sample.Sample(chunks={"dossiers-00001.jsonl": [json.dumps(other, ensure_ascii=False)]},
                                     files={d["s3_key"]: world.sample.files[d["s3_key"]] for d in other["documents"]},
                                     mapping=world.sample.mapping)
    world.upload(sample, "runs/taken")
    assert world.run("import", "runs/taken", run_id="taken").outcomes == {"imported": 1}
    code = _hoso_code(other)
    assert code != kept["old_code"] and code.startswith(f"{UNIT}-")  # allocated from the unit's counter
    stored = migration_store.get_dossier(code)
    assert stored is not None and stored.form_data["migration"]["old_code"] == kept["old_code"]
