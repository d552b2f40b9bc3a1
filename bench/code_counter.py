"""``python -m bench.code_counter`` (part of ``make bench``): the dossier-code counter
``CODE#<unit>#<yymmdd>`` under concurrent intakes on one unit.

Intakes arrive at a fixed rate on one unit (the busiest unit's planned 3/s, then 15/s and 30/s)
for ``SECONDS`` seconds (5), each in its own thread, through the real allocation
(``chalicelib.store.dossiers.create``: a consistent read of the counter, then one transaction
conditional on it, retried with jitter when another intake won). Against moto in this process,
with ``AWS_LATENCY_S`` added before every DynamoDB call, the round trip a Lambda in the region
sees (moto alone answers in a fraction of a millisecond, which would hide every collision).
Printed per rate: intakes, transactions per intake (1.0 = no retry), the share of intakes that
retried at least once, the worst number of attempts, latency p50/p95/max.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.client import BaseClient

from bench.inprocess import REGION, mocked_aws
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.dossier import Actor, Applicant, AuditEvent, Dossier
from chalicelib.store import dossiers as repo

UNIT = "000.00.13.H29"
RATES = (3, 15, 30)  # intakes/s on one unit: the busiest unit's planned peak (2.8/s), 5× and 10× it
SECONDS = 5
AWS_LATENCY_S = 0.008  # one DynamoDB round trip from Lambda in the region (single-digit ms)


@dataclass
class RateRun:
    rate: int
    intakes: int
    transactions: int
    retried: int
    worst: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    failed: int

    def row(self) -> str:
        return (f"{self.rate:>5}/s {self.intakes:>7} {self.transactions / max(1, self.intakes):>8.2f} "
                f"{100 * self.retried / max(1, self.intakes):>8.1f} % {self.worst:>6} {self.p50_ms:>7.0f} "
                f"{self.p95_ms:>7.0f} {self.max_ms:>7.0f} {self.failed:>6}")


HEADER = (f"{'rate':>7} {'intakes':>7} {'tx/intake':>8} {'retried':>10} {'worst':>6} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'max ms':>7} {'failed':>6}")


@contextmanager
def _world() -> Iterator[None]:
    with mocked_aws():
        ddb = boto3.client("dynamodb", region_name=REGION)
        for name, gsis in (("dossiers", 4), ("counters", 0)):
            keys = ["pk", "sk"] + [f"gsi{i}{k}" for i in range(1, gsis + 1) for k in ("pk", "sk")]
            request: dict[str, Any] = {
                "TableName": f"hoso-dev-{name}", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": k, "AttributeType": "S"} for k in keys],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                              {"AttributeName": "sk", "KeyType": "RANGE"}]}
            if gsis:
                request["GlobalSecondaryIndexes"] = [
                    {"IndexName": f"gsi{i}", "Projection": {"ProjectionType": "ALL"},
                     "KeySchema": [{"AttributeName": f"gsi{i}pk", "KeyType": "HASH"},
                                   {"AttributeName": f"gsi{i}sk", "KeyType": "RANGE"}]}
                    for i in range(1, gsis + 1)]
            ddb.create_table(**request)
        yield


_tries = threading.local()  # the TransactWriteItems calls of the intake running in this thread


@contextmanager
def _aws_latency(transactions: list[int]) -> Iterator[None]:
    """Every DynamoDB call takes ``AWS_LATENCY_S`` more; TransactWriteItems calls are counted (in all
    and by the calling thread's intake).
    moto's in-process store is not thread-safe: each call runs under one lock (as the local
    stack's moto server does), the added latency outside it."""
    original = BaseClient._make_api_call
    lock = threading.Lock()

    def slow(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if client.meta.service_model.service_name != "dynamodb":
            return original(client, operation, params)
        time.sleep(AWS_LATENCY_S)
        with lock:
            if operation == "TransactWriteItems":
                transactions[0] += 1
                _tries.n += 1
            return original(client, operation, params)

    BaseClient._make_api_call = slow  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]


def _intake(at: dt.datetime) -> tuple[float, int]:
    _tries.n = 0
    actor = Actor(sub="bench", name="Bench", role="desk", unit_code=UNIT)

    dossier = Dossier(code="", procedure_code="1.000105", procedure_name="Giấy phép", unit_code=UNIT,
                      channel="online", applicant=Applicant(name="Nguyễn Văn Thử", kind="1", id_number="079203001234"),
                      status=1, step_id="tiep_nhan", step_role="desk", process_code="", process_version=0,
                      submitted_at=at, step_started_at=at, created_at=at, updated_at=at)
    event = AuditEvent(seq=1, at=at, actor=actor, action="nop", label="Nộp hồ sơ", from_step="", to_step="tiep_nhan",
                       from_status=0, to_status=1)
    started = time.perf_counter()
    repo.create(dossier, event)  # its code: the unit's next on the day of ``at``
    return time.perf_counter() - started, _tries.n


def run_rate(rate: int, day: dt.date) -> RateRun:
    transactions = [0]
    latencies: list[float] = []
    attempts: list[int] = []
    failed: list[str] = []
    with _aws_latency(transactions), ThreadPoolExecutor(max_workers=rate * 4) as pool:
        futures = []
        start = time.perf_counter()
        for n in range(rate * SECONDS):
            time.sleep(max(0.0, start + n / rate - time.perf_counter()))
            now = dt.datetime.now(VN_TZ)
            futures.append(pool.submit(_intake, dt.datetime.combine(day, now.time(), VN_TZ)))
        for f in futures:
            try:
                seconds, tries = f.result()
                latencies.append(seconds)
                attempts.append(tries)
            except Exception as err:  # CodeAllocationContention: the intake was refused
                failed.append(f"{type(err).__name__}: {err}"[:300])
    if failed:
        print(f"  {rate}/s: {len(failed)} intakes failed, e.g. {failed[0]}", flush=True)
    latencies.sort()
    return RateRun(rate, len(latencies), transactions[0], sum(1 for a in attempts if a > 1), max(attempts, default=0),
                   1000 * statistics.median(latencies) if latencies else 0,
                   1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0,
                   1000 * latencies[-1] if latencies else 0, len(failed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rates", default=",".join(str(r) for r in RATES))
    args = parser.parse_args(argv)
    import logging

    logging.getLogger().setLevel(logging.WARNING)
    print(HEADER, flush=True)
    with _world():
        for i, rate in enumerate(int(r) for r in args.rates.split(",")):
            day = dt.date(2026, 1, 5) + dt.timedelta(days=i)  # a fresh counter per rate
            print(run_rate(rate, day).row(), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
