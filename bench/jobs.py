"""``python -m bench.jobs`` (part of ``make bench``): the scheduled jobs at scale.

For each size (``--dossiers``; default 200 and 1,000 so that ``make bench`` stays quick — the
issue's figures are ``--dossiers 5000,50000 --max-pages 60``, docs/capacity.md §4a) the
dossiers are spread over ``UNITS`` units of ten provinces, each unit with a desk officer, a head
and an appraiser, and the three jobs run the way they run on AWS — the schedule plans its tasks
on the job's queue, the worker takes batches from the queue (its own batch size), works a page
per task and sends the continuation — against moto in this process, the queue pumped as
Lambda's poller does. ``--max-pages N`` works only a job's first N pages (every task is still
planned over the whole seeded table; the rest of the queue is dropped, unrecorded): per-page
figures at 50,000 dossiers without walking all of them on a slow machine.

Printed per job: tasks planned, pages, moto's wall time (total, per invocation, slowest),
the busiest invocation's AWS calls and its time on AWS (``AWS_CALL_S`` a call) against the
worker's timeout, and per page: AWS calls, DynamoDB read/write units, SQS requests and the cost;
per item (dossier, or payment) when every chain ran to its end. The cost is counted requests ×
``bench.prices``: DynamoDB units (``bench.units``), SQS requests, Lambda requests, and Lambda
GB-s from the calls × ``AWS_CALL_S`` — not from moto's wall time, which grows with moto's
in-memory scans and with this machine's load, not with anything AWS bills. Flat per-page
figures from the small to the big size are the point: no invocation grows with the country.
moto runs with ``local.moto_patches`` (as the local stack does): a Query reads its partition,
not a sort of the whole table, and a transaction copies the items it touches, not the tables.

Seeded straight into moto's store (its own item layout, ``chalicelib.store``), not through the
API: 50,000 intakes would take an hour here. 10 % of the dossiers are overdue (the sweep
reminds their desk officer and head: notifications, transactions), all were changed in the
last two hours (``CHANGED#<hour>``: the DVCQG reconciliation checks each; DVCQG answers at once,
a stub — on AWS each look-up is 0.5–1 s through NDXP, see docs/capacity.md) and one dossier in
ten paid a fee yesterday (the payment platform answers at once, a stub).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from bench.awscalls import AwsCallRecorder, Call
from bench.inprocess import REGION, mocked_aws
from bench.prices import PRICES
from bench.units import dynamodb_units
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalogue import OfficerProfile, RoleAssignment, Unit
from chalicelib.domain.dossier import Applicant, Dossier, Fee
from chalicelib.jobs import runner
from chalicelib.jobs.runner import Page, Task
from chalicelib.notifications import sweep
from chalicelib.payments import service as payments
from chalicelib.settings import get_settings, reset_settings_cache
from chalicelib.store import catalogue
from chalicelib.store import dossiers as repo
from chalicelib.sync import reconcile
from chalicelib.sync import store as sync_store
from infra.access import FUNCTION_ACCESS
from local import moto_patches

UNITS = 100
SIZES = (200, 1_000)  # quick, for ``make bench``; the figures: --dossiers 5000,50000 (docs/capacity.md §4a)
AWS_CALL_S = 0.010  # one AWS call from Lambda in the region: the invocation's time on AWS is about calls × this
TABLES = {"dossiers": 4, "catalogue": 1, "counters": 0, "sync": 1}
QUEUES = {"deadline_sweep": "job-deadline-sweep", "reconcile_dvcqg": "job-reconcile-dvcqg",
          "reconcile_payments": "job-reconcile-payments"}
BATCH = {"deadline_sweep": 10, "reconcile_dvcqg": 1, "reconcile_payments": 1}  # as app.py declares them


@dataclass
class JobRun:
    job: str
    items: int  # dossiers (payments) the job had to walk
    tasks: int
    pages: int
    invocations: int
    seconds: float
    max_invocation_s: float  # moto's: grows with moto's table scans and the machine's load, not DynamoDB's
    timeout_s: int
    max_calls: int  # AWS calls of the busiest invocation: its time on AWS is about this × AWS_CALL_S
    calls: int
    rru: float
    wru: float
    sqs_requests: int
    cost: float
    complete: bool = True  # every chain ran to its end (else: the first ``--max-pages`` pages only)

    def row(self) -> str:
        pages = max(1, self.pages)
        per_item = (f"{self.calls / max(1, self.items):>7.2f} {self.cost / max(1, self.items) * 1e6:>8.2f}"
                    if self.complete else f"{'—':>7} {'—':>8}")
        return (f"{self.job:<19} {self.items:>7,} {self.tasks:>6,} {self.pages:>6,} {self.seconds:>8.1f} "
                f"{self.seconds / max(1, self.invocations):>6.2f} {self.max_invocation_s:>6.2f} "
                f"{self.max_calls * AWS_CALL_S:>5.2f}/{self.timeout_s:<4} {self.max_calls:>6} "
                f"{self.calls / pages:>7.1f} {self.rru / pages:>7.1f} {self.wru / pages:>7.1f} "
                f"{self.sqs_requests / pages:>6.1f} {self.cost / pages * 1e6:>8.2f} {per_item}")


HEADER = (f"{'job':<19} {'items':>7} {'tasks':>6} {'pages':>6} {'wall s':>8} {'s/inv':>6} {'max s':>6} "
          f"{'AWS s/limit':>10} {'calls':>6} "
          f"{'calls/pg':>7} {'RRU/pg':>7} {'WRU/pg':>7} {'SQS/pg':>6} {'µ$/page':>8} {'calls/it':>7} {'µ$/item':>8}")


def _create_tables() -> None:
    ddb = boto3.client("dynamodb", region_name=REGION)
    for name, gsis in TABLES.items():
        keys = ["pk", "sk"] + [f"gsi{i}{k}" for i in range(1, gsis + 1) for k in ("pk", "sk")]
        request: dict[str, Any] = {
            "TableName": f"hoso-dev-{name}", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": k, "AttributeType": "S"} for k in keys],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]}
        if gsis:
            request["GlobalSecondaryIndexes"] = [
                {"IndexName": f"gsi{i}", "Projection": {"ProjectionType": "ALL"},
                 "KeySchema": [{"AttributeName": f"gsi{i}pk", "KeyType": "HASH"},
                               {"AttributeName": f"gsi{i}sk", "KeyType": "RANGE"}]} for i in range(1, gsis + 1)]
        ddb.create_table(**request)


def _queues() -> dict[str, str]:
    sqs = boto3.client("sqs", region_name=REGION)
    urls = {}
    for job, name in QUEUES.items():
        urls[job] = sqs.create_queue(QueueName=f"hoso-dev-{name}")["QueueUrl"]
        os.environ[f"HOSO_{name.replace('-', '_').upper()}_QUEUE_URL"] = urls[job]
    os.environ["HOSO_SYNC_DVCQG_QUEUE_URL"] = sqs.create_queue(QueueName="hoso-dev-sync-dvcqg")["QueueUrl"]
    return urls


def _units() -> list[Unit]:
    return [Unit(code=f"000.{p:02d}.{u:02d}.H{p:02d}", name=f"Đơn vị {p}-{u}", province_code=f"{p:02d}")
            for p in range(1, 11) for u in range(UNITS // 10)]


def _seed(size: int, now: dt.datetime) -> None:
    units = _units()
    for unit in units:
        catalogue.put_unit(unit)
        for role in ("desk", "head", "appraiser"):
            catalogue.put_officer(OfficerProfile(
                sub=f"{role}-{unit.code}", name=f"Cán bộ {role}", province_code=unit.province_code,
                assignments=[RoleAssignment(role=role, unit_code=unit.code)]))
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
    settings = get_settings()
    yesterday = now.astimezone(VN_TZ).date() - dt.timedelta(days=1)
    for i in range(size):
        unit = units[i % len(units)]
        at = now - dt.timedelta(minutes=(i % 100) + 1)
        status, overdue = (2, True) if i % 10 == 0 else (4, False) if i % 2 else (2, False)
        due = now - dt.timedelta(hours=1) if overdue else now + dt.timedelta(days=20)
        d = Dossier(code=f"{unit.code}-{at:%y%m%d}-{i:06d}", procedure_code="1.000105", procedure_name="Giấy phép",
                    unit_code=unit.code, channel="desk",
                    applicant=Applicant(name=f"Nguyễn Văn {i}", kind="1", id_number=f"079203{i:06d}"),
                    status=status, step_id="xu_ly", step_role="desk" if status == 2 else "head",
                    process_code="", process_version=0, submitted_at=at, received_at=at, step_started_at=at,
                    created_at=at, updated_at=at, due_at=due, step_due_at=due)
        backend.put_item(settings.dossiers_table, repo._to_item(d).serialize())  # noqa: SLF001 — its own layout
        hour = at.astimezone(dt.UTC).strftime("%Y%m%d%H")
        backend.put_item(settings.sync_table, sync_store.ChangedItem(
            pk=f"SYNC#{d.code}", sk=f"CHANGED#{hour}", gsi1pk=f"CHANGED#{hour}", gsi1sk=d.code,
            data={"at": at.isoformat()}).serialize())
        if i % 10 == 5:
            payment = payments.Payment(ref=f"P{i:08d}", code=d.code, amount=50_000,
                                       fees=[Fee(code="LP", name="Lệ phí", amount=50_000)],
                                       requested_at=dt.datetime.combine(yesterday, dt.time(9), tzinfo=VN_TZ),
                                       requested_by="desk")
            backend.put_item(settings.dossiers_table, payments._item(payment, 1, None).serialize())  # noqa: SLF001


class _Answer:
    status = 200

    def json(self) -> dict[str, Any]:
        return {"TrangThai": "pending"}


class _Dvcqg:
    def look_up(self, code: str) -> None:
        return None  # not there and never sent: nothing to do (the common case)


def _pump(job: str, url: str, page: Callable[[Task], Page], recorder: AwsCallRecorder,
          max_pages: int | None = None) -> tuple[int, list[float], list[int], bool]:
    """Work the queue as Lambda's poller does; with ``max_pages``, stop after that many pages
    and drop what is left (unrecorded): answers pages, durations, calls, whether it drained."""
    sqs = boto3.client("sqs", region_name=REGION)
    pages, durations, calls = 0, [], []
    while True:
        if max_pages is not None and pages >= max_pages:
            with recorder.unrecorded():
                left = int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
                           ["Attributes"]["ApproximateNumberOfMessages"])
                sqs.purge_queue(QueueUrl=url)
            return pages, durations, calls, left == 0
        with recorder.unrecorded():
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=BATCH[job]).get("Messages", [])
        if not got:
            return pages, durations, calls, True
        started, before = time.perf_counter(), len(recorder.calls)
        result = runner.handle_batch({"Records": [{"messageId": m["MessageId"], "body": m["Body"]} for m in got]},
                                     page)
        durations.append(time.perf_counter() - started)
        calls.append(len(recorder.calls) - before)
        if result["batchItemFailures"]:
            raise RuntimeError(f"{job}: pages failed: {result}")
        pages += len(got)
        with recorder.unrecorded():
            for m in got:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def _gsi() -> dict[str, list[tuple[str, str | None]]]:
    return {f"hoso-dev-{name}": [(f"gsi{i}pk", f"gsi{i}sk") for i in range(1, n + 1)] for name, n in TABLES.items()}


def _measure(job: str, items: int, plan: Callable[[], list[Task]], page: Callable[[Task], Page], url: str,
             worker: str, memory_mb: int, max_pages: int | None = None) -> JobRun:
    with AwsCallRecorder() as recorder:
        started = time.perf_counter()
        tasks = runner.start(plan())
        pages, durations, per_invocation, complete = _pump(job, url, page, recorder, max_pages)
        seconds = time.perf_counter() - started
    calls: list[Call] = recorder.calls
    units = dynamodb_units(calls, _gsi())
    sqs_requests = sum(1 for c in calls if c.service == "sqs") + 2 * len(durations)  # + receive, delete per batch
    gb_s = sum(per_invocation) * AWS_CALL_S * memory_mb / 1024  # AWS's duration, from the calls (not moto's)
    cost = (units.read * PRICES["dynamodb_read_request_unit"] + units.write * PRICES["dynamodb_write_request_unit"]
            + sqs_requests * PRICES["sqs_request"] + (len(durations) + 1) * PRICES["lambda_request"]
            + gb_s * PRICES["lambda_gb_second"])
    return JobRun(job, items, tasks, pages, len(durations), seconds, max(durations, default=0.0),
                  FUNCTION_ACCESS[worker].timeout_s, max(per_invocation, default=0), len(calls), units.read,
                  units.write, sqs_requests, cost, complete)


@contextmanager
def _world(size: int, now: dt.datetime) -> Iterator[dict[str, str]]:
    moto_patches.apply()  # as the local stack: transactions and Queries cost what they touch, not the table
    with mocked_aws():
        _create_tables()
        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket=get_settings().attachments_bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        urls = _queues()
        reset_settings_cache()
        _seed(size, now)
        yield urls


def run_size(size: int, progress: Callable[[str], None] = print, max_pages: int | None = None) -> list[JobRun]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    out = []
    with _world(size, now) as urls, \
            mock.patch.object(reconcile, "client_for", lambda destination: _Dvcqg()), \
            mock.patch.object(payments.http, "call", lambda *a, **k: _Answer()):
        progress(f"{size:,} dossiers seeded")

        def quiet_sweep(task: Task) -> Page:
            return sweep.page(task, connect=lambda: None)  # type: ignore[arg-type,return-value]

        out.append(_measure("deadline_sweep", size, lambda: sweep.plan(now), quiet_sweep, urls["deadline_sweep"],
                            "deadline_sweep_pages", 512, max_pages))
        progress(out[-1].row())
        out.append(_measure("reconcile_dvcqg", size, lambda: reconcile.plan(now), reconcile.page,
                            urls["reconcile_dvcqg"], "reconcile_dvcqg_pages", 512, max_pages))
        progress(out[-1].row())
        yesterday = now.astimezone(VN_TZ).date() - dt.timedelta(days=1)
        out.append(_measure("reconcile_payments", size // 10, lambda: payments.reconcile_plan(yesterday),
                            payments.reconcile_page, urls["reconcile_payments"], "reconcile_payments_pages", 512,
                            max_pages))
        progress(out[-1].row())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dossiers", "--sizes", dest="sizes", default=",".join(str(s) for s in SIZES),
                        help="dossier counts, comma-separated (default %(default)s; the issue's: 5000,50000)")
    parser.add_argument("--max-pages", type=int, help="work only the first N pages of each job (every task is "
                        "still planned on the seeded table; per-page figures only): for big sizes on a slow machine")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    import logging

    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("hoso").setLevel(logging.WARNING)
    results: dict[int, list[JobRun]] = {}
    print(HEADER)
    for size in (int(s) for s in args.sizes.split(",")):
        results[size] = run_size(size, max_pages=args.max_pages)
        if args.json:  # after each size: a long run's first sizes are kept if it is stopped
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump({str(k): [r.__dict__ for r in v] for k, v in results.items()}, f, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
