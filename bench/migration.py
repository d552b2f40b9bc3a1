"""The migration's benchmark (issue 14 item 1): time and AWS cost of importing the sample province.

    python -m bench.migration --dossiers N [--threads 4] [--chunk-size 500]

Measured: an ``import`` of N sample dossiers (local/migration_sample.py) on moto, in-process, through the
same ``process_chunk`` the Step Functions distributed map's chunk Lambda calls, with every AWS call
recorded (bench/awscalls.py) and billed by bench/units.py's rules at bench/prices.py's prices: DynamoDB
write/read units (the dossier's transaction: reference, META, history, events, counters, aggregates; the
lookups), S3 requests (the chunk, each file read and written) and the files' storage for a month.

Extrapolated to 100,000 dossiers, by formula (not measured — moto runs no distributed map):

- Step Functions: a Standard distributed map over the chunks (one S3 object = one item): the parent's
  :data:`PARENT_TRANSITIONS` plus :data:`CHILD_TRANSITIONS` per chunk (its child execution's start, its
  one Task state, its end);
- the chunk Lambda: one invocation per chunk, :data:`CHUNK_MEMORY_MB` MB, lasting the chunk's AWS calls
  at :data:`AWS_CALL_MS` ms each (the calls per dossier are measured; moto's own speed is not AWS's);
- time on AWS: the chunks run :data:`MAX_CONCURRENCY` at a time.
The DynamoDB, S3 and call counts scale linearly with the dossiers (each record is written alone; nothing
reads the whole table), so the per-dossier figures × 100,000 are the extrapolation.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3

from bench.awscalls import AwsCallRecorder
from bench.prices import PRICES
from bench.units import KB, GsiKeys, dynamodb_units, s3_requests
from infra.capacity import MIGRATION_CHUNKS_CONCURRENCY

PER = 100_000
PARENT_TRANSITIONS = 6  # list the chunks, the map state, its end, the report's merge and store, the end
CHILD_TRANSITIONS = 3  # each chunk's child execution: start, the chunk Task, end
CHUNK_MEMORY_MB = 1024
AWS_CALL_MS = 12.0  # one DynamoDB/S3 call from Lambda in the same region (p50 a few ms; transactions more)
MAX_CONCURRENCY = MIGRATION_CHUNKS_CONCURRENCY  # the migration_run map's MaxConcurrency (tests/infra/test_migration.py)
REGION = "ap-southeast-1"
BUCKET = "hoso-dev-migration"
PREFIX = "bench/run"
TABLES = {"hoso-dev-dossiers": 4, "hoso-dev-catalogue": 1, "hoso-dev-counters": 0}


@dataclass
class Figures:
    dossiers: int
    imported: int
    seconds: float
    chunks: int
    calls: int
    write_units: float
    read_units: float
    s3_puts: int
    s3_gets: int
    s3_bytes: int

    def per_100k(self) -> dict[str, float]:
        """USD per 100,000 dossiers, by line (see the module docstring for what is extrapolated)."""
        k = PER / self.imported
        chunks = PER / (self.imported / self.chunks)
        chunk_seconds = (self.calls / self.chunks) * AWS_CALL_MS / 1000
        return {
            "DynamoDB writes": self.write_units * k * PRICES["dynamodb_write_request_unit"],
            "DynamoDB reads": self.read_units * k * PRICES["dynamodb_read_request_unit"],
            "S3 requests": (self.s3_puts * PRICES["s3_put_request"] + self.s3_gets * PRICES["s3_get_request"]) * k,
            "S3 storage (1 month)": self.s3_bytes * k / KB**3 * PRICES["s3_gb_month"],
            "Step Functions (formula)": (PARENT_TRANSITIONS + CHILD_TRANSITIONS * chunks)
            * PRICES["step_functions_transition"],
            "Lambda (formula)": chunks * (PRICES["lambda_request"] + chunk_seconds * CHUNK_MEMORY_MB / 1024
                                          * PRICES["lambda_gb_second"]),
        }

    def aws_minutes_per_100k(self) -> float:
        chunks = PER / (self.imported / self.chunks)
        chunk_seconds = (self.calls / self.chunks) * AWS_CALL_MS / 1000
        waves = -(-int(chunks) // MAX_CONCURRENCY)
        return waves * chunk_seconds / 60


@contextmanager
def _world() -> Iterator[None]:
    """moto in-process with hoso's tables, buckets, the access log's key and the demo catalogue."""
    from moto import mock_aws

    from chalicelib import aws
    from chalicelib.integrations import secrets
    from chalicelib.settings import reset_settings_cache
    from chalicelib.store import catalogue
    from chalicelib.store.models import reset_connections
    from local import moto_patches, seed
    from local.simulators.base import serve
    from local.simulators.esign import EsignSimulator
    from tests.moto_tables import create_table

    moto_patches.apply()
    esign = serve(EsignSimulator("esign"), 0)
    saved = dict(os.environ)
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": REGION, "ESIGN_BASE_URL": esign.url})
    os.environ.pop("AWS_ENDPOINT_URL", None)
    reset_settings_cache()
    try:
        with mock_aws():
            aws.reset_clients()
            reset_connections()
            secrets.clear_cache()
            catalogue.clear_cache()
            ddb = boto3.client("dynamodb", region_name=REGION)
            for name, gsis in TABLES.items():
                create_table(ddb, name, gsis)
            s3 = boto3.client("s3", region_name=REGION)
            for bucket in ("hoso-dev-attachments", "hoso-dev-results", BUCKET):
                s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
            boto3.client("secretsmanager", region_name=REGION).create_secret(
                Name="hoso/dev/access-log-key", SecretString=json.dumps({"key": "bench-key"}))
            seed.seed()
            yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        reset_settings_cache()
        esign.stop()


def _gsi_keys() -> GsiKeys:
    ddb = boto3.client("dynamodb", region_name=REGION)
    out: dict[str, list[tuple[str, str | None]]] = {}
    for name in ddb.list_tables()["TableNames"]:
        for index in ddb.describe_table(TableName=name)["Table"].get("GlobalSecondaryIndexes", []):
            keys = {k["KeyType"]: k["AttributeName"] for k in index["KeySchema"]}
            out.setdefault(name, []).append((keys["HASH"], keys.get("RANGE")))
    return out


def measure(dossiers: int, *, threads: int = 4, chunk_size: int = 500) -> Figures:
    from chalicelib.migration.__main__ import run
    from local import migration_sample

    with _world():
        sample = migration_sample.generate(dossiers, chunk_size=chunk_size)
        migration_sample.upload(sample, BUCKET, PREFIX, boto3.client("s3", region_name=REGION))
        gsi = _gsi_keys()
        with AwsCallRecorder() as recorder:
            started = time.perf_counter()
            report = run("import", BUCKET, PREFIX, threads=threads, run_id="bench", progress=lambda line: None)
            seconds = time.perf_counter() - started
        calls = [c for c in recorder.calls if c.service in ("dynamodb", "s3")]
        units = dynamodb_units(calls, gsi)
        puts, gets, stored = s3_requests(calls)
        return Figures(dossiers=dossiers, imported=report.outcomes.get("imported", 0), seconds=seconds,
                       chunks=report.chunks, calls=len(calls), write_units=units.write, read_units=units.read,
                       s3_puts=puts, s3_gets=gets, s3_bytes=stored)


def render(f: Figures) -> str:
    costs = f.per_100k()
    lines = [
        f"Migration import (bench.migration): {f.imported} of {f.dossiers} sample dossiers imported "
        f"({f.dossiers - f.imported} deliberately bad) in {f.chunks} chunks",
        f"  measured on moto, in-process: {f.seconds:.1f} s → {f.seconds / f.imported * PER / 60:.0f} min per "
        f"100,000 (one process; moto's speed, not AWS's)",
        f"  per dossier: {f.calls / f.imported:.1f} AWS calls, {f.write_units / f.imported:.1f} WRU, "
        f"{f.read_units / f.imported:.1f} RRU, {f.s3_puts / f.imported:.2f} S3 PUT, "
        f"{f.s3_gets / f.imported:.2f} S3 GET, "
        f"{f.s3_bytes / f.imported / KB:.1f} KB of files",
        f"  on AWS, extrapolated: ≈ {f.aws_minutes_per_100k():.1f} min per 100,000 (chunks of "
        f"{f.imported // max(1, f.chunks)}, {MAX_CONCURRENCY} at a time, {AWS_CALL_MS:.0f} ms a call)",
        "  AWS cost per 100,000 dossiers (USD):",
    ]
    lines += [f"    {name:<28} {usd:>9.4f}" for name, usd in costs.items()]
    lines.append(f"    {'total':<28} {sum(costs.values()):>9.4f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.migration")
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = measure(args.dossiers, threads=args.threads, chunk_size=args.chunk_size)
    out: Any = {**figures.__dict__, "usd_per_100k": figures.per_100k(),
                "aws_minutes_per_100k": figures.aws_minutes_per_100k()}
    print(json.dumps(out, indent=2) if args.json else render(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
