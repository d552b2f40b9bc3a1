"""Migration runs on AWS's own distributed engine (docs/migration-run.md): an administrator starts a
run (validate, dry-run, import or reconcile) over one export in the migration bucket; the
``migration_run`` state machine's distributed map hands each chunk to :func:`handle_batch` (the
``migration_chunks`` function) with a task token; each chunk's report is recorded once; the run's
progress and report are the merge of its chunks'. A run that failed is resumed: a new execution of
the same run skips the chunks done, and ``process_chunk`` the records imported before (by old code).

Before an import writes, an on-demand backup of the dossiers table is taken and its ARN kept on the
run (docs/runbooks/migration-restore.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import secrets
from typing import Any, Literal

from pydantic import BaseModel, Field

from chalicelib.domain.calendar import VN_TZ
from chalicelib.errors import FieldError, HosoError, invalid, not_found
from chalicelib.flows import sfn
from chalicelib.migration import runs_store, undo_store
from chalicelib.migration.mapping import MappingTables, load_mapping
from chalicelib.migration.report import ChunkReport, empty
from chalicelib.migration.service import list_chunks, process_chunk
from chalicelib.observability import logger
from chalicelib.services.admin_access import Administrator, require_province
from chalicelib.settings import get_settings
from chalicelib.store import catalogue

Mode = Literal["validate", "dry-run", "import", "reconcile"]
STATE_MACHINE = "migration_run"
CHUNK_FAILED = "Migration.ChunkFailed"  # the ASL retries it, then the map (ToleratedFailureCount 0) fails the run
_PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*(/[A-Za-z0-9][A-Za-z0-9._\-]*)*$")
MAX_PREFIX = 512


class RunRequest(BaseModel):
    mode: Mode = Field(description="validate: kiểm tra và báo cáo; dry-run: chạy thử mọi bước trừ ghi; "
                                   "import: nhập; reconcile: đối soát hệ thống cũ với hoso")
    prefix: str = Field(min_length=1, max_length=MAX_PREFIX,
                        description="Tiền tố S3 của bản trích xuất trong bucket chuyển đổi (không gồm tên bucket)")
    units: list[str] = Field(min_length=1, max_length=500,
                             description="Các đơn vị hoso của lần chuyển đổi; phải gồm mọi đơn vị trong bảng đối sánh")
    sync: bool = Field(False, description="Đồng bộ hồ sơ được nhập sang DVCQG (mặc định không: DVCQG đã có)")


class Run(BaseModel):
    run_id: str
    mode: Mode
    prefix: str
    units: list[str]
    province_codes: list[str] = Field(description="Tỉnh của các đơn vị (quản trị tỉnh chỉ thấy lượt của tỉnh mình)")
    sync: bool
    status: Literal["running", "succeeded", "failed", "undone"]
    created_by: str
    created_at: str
    chunks_total: int
    chunks_done: int = 0
    attempts: int = 1
    execution_arn: str = ""
    backup_arn: str = Field("", description="Bản sao lưu bảng hồ sơ trước khi nhập (chế độ import)")
    error: str = ""
    undone_at: str = ""
    undo_refused: list[str] = Field(default_factory=list,
                                    description="Hồ sơ không gỡ được vì cán bộ đã xử lý trên hoso sau khi nhập")


class Progress(BaseModel):
    run: Run
    report: dict[str, Any] = Field(description="Báo cáo gộp của các phần đã xong (ChunkReport)")
    problems: list[dict[str, Any]] = Field(description="Một trang các vấn đề (dòng, mã cũ, mã lỗi, mô tả)")
    problems_total: int
    offset: int


def _now() -> str:
    return dt.datetime.now(VN_TZ).isoformat(timespec="seconds")


def _new_id() -> str:
    return f"{dt.datetime.now(VN_TZ):%Y%m%d%H%M%S}-{secrets.token_hex(3)}"


def _prefix(raw: str) -> str:
    prefix = raw.strip().strip("/")
    if not _PREFIX.match(prefix) or ".." in prefix:
        raise invalid([FieldError("prefix", "Tiền tố S3 chỉ gồm chữ, số, '.', '_', '-' và '/', không có '..'.")])
    return prefix


def _mapping(prefix: str) -> MappingTables:
    try:
        return load_mapping(get_settings().migration_bucket, f"{prefix}/mapping.json")
    except Exception as err:  # missing object or malformed tables: the operator's input, never a 500
        logger.info("mapping unreadable", extra={"prefix": prefix, "error": type(err).__name__})
        raise HosoError("MIGRATION_MAPPING_MISSING", "Không đọc được bảng đối sánh (mapping.json) dưới tiền tố này.",
                        422, errors=[FieldError("prefix", "Thiếu hoặc sai mapping.json.")]) from None


def _scope(actor: Administrator, units: list[str], mapping: MappingTables) -> list[str]:
    """The provinces of ``units``; refused unless ``actor`` administers every one of them and they cover
    every unit the mapping imports into (a run cannot write into a unit it did not declare)."""
    problems = [FieldError(f"units[{i}]", "Không có đơn vị này.") for i, u in enumerate(units)
                if catalogue.get_unit(u) is None]
    if problems:
        raise invalid(problems)
    provinces = sorted({catalogue.get_unit(u).province_code for u in units})  # type: ignore[union-attr]
    for province in provinces:
        require_province(actor, province)
    outside = sorted(set(mapping.units.values()) - set(units))
    if outside:
        raise HosoError("MIGRATION_UNITS_OUTSIDE", "Bảng đối sánh chuyển hồ sơ vào đơn vị không thuộc lần chuyển đổi: "
                        + ", ".join(outside), 422, errors=[FieldError("units", "Thiếu đơn vị của bảng đối sánh.")])
    return provinces


def _visible(actor: Administrator, run: dict[str, Any]) -> bool:
    return actor.ministry or (actor.province_code is not None
                              and set(run.get("province_codes") or [""]) == {actor.province_code})


def get(actor: Administrator, run_id: str) -> Run:
    run = runs_store.get_run(run_id)
    if run is None or not _visible(actor, run):
        raise not_found("Không tìm thấy lần chuyển đổi này.")
    return _refreshed(Run.model_validate(run))


def _refreshed(run: Run) -> Run:
    """The run with the state of its current execution (running → succeeded/failed when it ended)."""
    if run.status != "running" or not run.execution_arn:
        return run
    described = sfn.describe(run.execution_arn)
    state = (described or {}).get("status", "FAILED")
    if state == "RUNNING":
        return run
    status: Literal["succeeded", "failed"] = "succeeded" if state == "SUCCEEDED" else "failed"
    error = "" if status == "succeeded" else str((described or {}).get("error") or state)
    try:
        runs_store.update_run(run.run_id, {"status": status, "error": error}, expect_attempts=run.attempts)
    except Exception:  # another attempt started meanwhile: its state wins
        return run
    return run.model_copy(update={"status": status, "error": error})


def _chunks(prefix: str) -> list[str]:
    """The run's chunks: ``<prefix>/dossiers-*.jsonl``, exactly what the map's ItemReader lists."""
    return [k for k in list_chunks(get_settings().migration_bucket, prefix) if k.startswith(f"{prefix}/dossiers-")]


def _execute(run: Run) -> str:
    bucket = get_settings().migration_bucket
    name = f"{run.run_id}-{run.attempts}"
    return sfn.start(sfn.state_machine_arn(STATE_MACHINE), name, {
        "run_id": run.run_id, "mode": run.mode, "bucket": bucket, "prefix": f"{run.prefix}/dossiers-",
        "sync": run.sync})


def start(actor: Administrator, request: RunRequest) -> Run:
    prefix = _prefix(request.prefix)
    mapping = _mapping(prefix)
    provinces = _scope(actor, sorted(set(request.units)), mapping)
    total = len(_chunks(prefix))
    if total == 0:
        raise HosoError("MIGRATION_NO_CHUNKS", "Không có tệp dữ liệu (dossiers-*.jsonl) dưới tiền tố này.", 422,
                        errors=[FieldError("prefix", "Không có tệp dữ liệu.")])
    run = Run(run_id=_new_id(), mode=request.mode, prefix=prefix, units=sorted(set(request.units)),
              province_codes=provinces, sync=request.sync, status="running", created_by=actor.sub,
              created_at=_now(), chunks_total=total)
    if run.mode == "import":  # before anything is written: the restore point (docs/runbooks/migration-restore.md)
        run.backup_arn = runs_store.create_backup(f"migration-{run.run_id}")
    runs_store.put_run(run.model_dump())
    run.execution_arn = _execute(run)
    runs_store.update_run(run.run_id, {"execution_arn": run.execution_arn})
    logger.info("migration run started", extra={"run": run.run_id, "mode": run.mode, "by": actor.sub,
                                                "chunks": total, "backup": run.backup_arn})
    return run


def resume(actor: Administrator, run_id: str) -> Run:
    """A new execution of a run that failed: the chunks done are skipped, imported records not written again."""
    run = get(actor, run_id)
    if run.status != "failed":
        raise HosoError("MIGRATION_NOT_FAILED", "Chỉ chạy lại được lần chuyển đổi đã dừng vì lỗi.", 409)
    resumed = run.model_copy(update={"attempts": run.attempts + 1, "status": "running", "error": ""})
    try:
        runs_store.update_run(run_id, {"attempts": resumed.attempts, "status": "running", "error": ""},
                              expect_attempts=run.attempts)
    except Exception:
        raise HosoError("CHANGED", "Lần chuyển đổi vừa được chạy lại, vui lòng tải lại.", 409) from None
    resumed.execution_arn = _execute(resumed)
    runs_store.update_run(run_id, {"execution_arn": resumed.execution_arn})
    logger.info("migration run resumed", extra={"run": run_id, "attempt": resumed.attempts, "by": actor.sub})
    return resumed


def list_runs(actor: Administrator) -> list[Run]:
    return [_refreshed(Run.model_validate(r)) for r in runs_store.list_runs() if _visible(actor, r)]


def merged(run_id: str, mode: str) -> tuple[ChunkReport, list[dict[str, Any]]]:
    """The run's report (every chunk done, merged) and all the problems kept, in chunk order."""
    report = empty(mode)
    problems: list[dict[str, Any]] = []
    for chunk in runs_store.chunks(run_id):
        part = ChunkReport.from_dict(chunk["report"])
        report = report.merge(part)
        problems.extend(p.model_dump(mode="json") for p in part.problems)
    return report, problems


def progress(actor: Administrator, run_id: str, offset: int = 0, limit: int = 50) -> Progress:
    run = get(actor, run_id)
    report, problems = merged(run_id, run.mode)
    return Progress(run=run, report=report.to_dict(), problems=problems[offset:offset + limit],
                    problems_total=len(problems), offset=offset)


def report_csv(actor: Administrator, run_id: str) -> bytes:
    """The run's report for a spreadsheet (UTF-8 with BOM: Excel reads Vietnamese right): the counts by
    outcome, refusal reason, unit, status, month, then every problem kept."""
    run = get(actor, run_id)
    report, problems = merged(run_id, run.mode)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["Lần chuyển đổi", run.run_id, "Chế độ", run.mode, "Tiền tố", run.prefix])
    w.writerow(["Trạng thái", run.status, "Phần đã xong", f"{run.chunks_done}/{run.chunks_total}",
                "Số bản ghi", report.records])
    w.writerow([])
    w.writerow(["Nhóm", "Khóa", "Số lượng"])
    for group, counts in (("Kết quả", report.outcomes), ("Lý do từ chối", report.refused),
                          ("Đơn vị", report.by_unit), ("Trạng thái", report.by_status), ("Tháng nộp", report.by_month)):
        for key, count in counts.items():
            w.writerow([group, key, count])
    if report.differences_count:
        w.writerow(["Khác biệt (đối soát)", "", report.differences_count])
    w.writerow([])
    w.writerow(["Tệp", "Dòng", "Mã hồ sơ cũ", "Mã lỗi", "Mô tả"])
    for p in problems:
        w.writerow([p["chunk"], p["line"], p["old_code"], p["code"], p["message"]])
    if report.problems_dropped:
        w.writerow(["", "", "", "", f"… và {report.problems_dropped} vấn đề khác (chỉ được đếm)"])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


class UndoResult(BaseModel):
    run: Run
    removed: int = Field(description="Số hồ sơ đã gỡ")
    refused: list[str] = Field(description="Mã các hồ sơ không gỡ: cán bộ đã xử lý trên hoso sau khi nhập")


def _acted_on(found: undo_store.Imported, run_id: str) -> bool:
    """Has anyone acted on the dossier in hoso since this run imported it (an event after the import's)?"""
    imported = [e.seq for e in found.events if e.actor.sub == f"migration:{run_id}"]
    return not imported or any(e.seq > max(imported) for e in found.events)


def undo(actor: Administrator, run_id: str) -> UndoResult:
    """Remove every dossier this import run wrote, found through its references (never a Scan); a dossier an
    officer has acted on since is left and listed. Repeating an undo that stopped half-way finishes it."""
    run = get(actor, run_id)
    if run.mode != "import":
        raise HosoError("MIGRATION_NOT_IMPORT", "Chỉ gỡ được lần chuyển đổi ở chế độ nhập.", 409)
    if run.status in ("running", "undone"):
        raise HosoError("MIGRATION_UNDO_REFUSED", "Lần chuyển đổi đang chạy hoặc đã được gỡ.", 409)
    bucket = get_settings().migration_bucket
    removed, refused = 0, []
    for key in _chunks(run.prefix):
        for record in runs_store.chunk_records(bucket, key):
            old_unit, old_code = str(record.get("unit", "")), str(record.get("old_code", ""))
            code = undo_store.imported_code(old_unit, old_code, run_id) if old_unit and old_code else None
            found = undo_store.read(code) if code else None
            if found is None:
                continue
            if _acted_on(found, run_id):
                refused.append(found.dossier.code)
                continue
            try:
                undo_store.remove(found, old_unit, old_code)
                removed += 1
            except undo_store.Changed:
                refused.append(found.dossier.code)
    done = run.model_copy(update={"status": "undone" if not refused else run.status, "undone_at": _now(),
                                  "undo_refused": sorted(refused)})
    runs_store.update_run(run_id, {"status": done.status, "undone_at": done.undone_at,
                                   "undo_refused": done.undo_refused})
    logger.info("migration run undone", extra={"run": run_id, "by": actor.sub, "removed": removed,
                                               "refused": len(refused)})
    return UndoResult(run=done, removed=removed, refused=sorted(refused))


# ---------------------------------------------------------------- the migration_chunks function
def _run_chunk(message: dict[str, Any]) -> dict[str, Any]:
    run_id, key, mode = str(message["run_id"]), str(message["key"]), str(message["mode"])
    bucket = get_settings().migration_bucket
    if message.get("bucket") != bucket or not key.endswith(".jsonl"):
        raise ValueError(f"not a chunk of the migration bucket: {key}")
    if runs_store.get_chunk(run_id, key) is not None:
        return {"key": key, "done_before": True}
    prefix = key.rsplit("/", 1)[0]
    report = process_chunk(mode, bucket, key, load_mapping(bucket, f"{prefix}/mapping.json"),  # type: ignore[arg-type]
                           run_id=run_id, sync=bool(message.get("sync")))
    try:
        runs_store.record_chunk(run_id, key, report.to_dict(), _now())
    except runs_store.AlreadyCounted:  # a concurrent delivery of the same chunk recorded it first
        return {"key": key, "done_before": True}
    return {"key": key, "records": report.records}


def handle_batch(event: dict[str, Any]) -> dict[str, Any]:
    """Each message: run the chunk, answer its task token. A chunk that fails is answered with
    ``Migration.ChunkFailed`` (the state machine retries it); a message that cannot be answered at all is
    reported failed and comes back (then the DLQ, alarmed)."""
    failures = []
    for record in event["Records"]:
        try:
            message = json.loads(record["body"])
            token = str(message["task_token"])
        except (ValueError, TypeError, KeyError):  # no task message at all: nothing to answer, to the DLQ (alarmed)
            logger.error("not a migration chunk message", extra={"message_id": record.get("messageId")})
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        try:
            answer = _run_chunk(message)
        except Exception as err:
            logger.exception("migration chunk failed", extra={"run": message.get("run_id"), "key": message.get("key")})
            try:
                sfn.fail(token, CHUNK_FAILED, f"{message.get('key')}: {type(err).__name__}")
            except sfn.TaskOver:
                pass  # the execution no longer waits (stopped or timed out): a resume runs the chunk again
            except Exception:
                failures.append({"itemIdentifier": record["messageId"]})
            continue
        try:
            sfn.succeed(token, answer)
        except sfn.TaskOver:
            logger.info("migration chunk answered late", extra={"run": message.get("run_id")})
        except Exception:
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
