"""The migration suite (issue 14 item 1) on moto, in-process: ONE world for the whole session — the
dossiers, catalogue and counters tables as infra declares them, hoso's buckets, the export bucket, the
demo catalogue (local.seed), the VNeID simulator for officers' tokens — and the sample province
(local.migration_sample) generated and uploaded ONCE under ``s3://<EXPORT_BUCKET>/<SAMPLE_PREFIX>``.

The sample's size: ``HOSO_MIGRATION_SAMPLE_DOSSIERS`` (default 160, in chunks of 60). Tests that import
use :func:`imported` (the sample imported once); tests that need a fresh export of their own upload
another sample under another prefix with another ``namespace`` (their old codes are distinct).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import requests
from chalice.test import Client
from moto import mock_aws

from app import app as hoso_app
from chalicelib import aws
from chalicelib.integrations import secrets
from chalicelib.migration.mapping import MappingTables, load_mapping
from chalicelib.migration.report import ChunkReport, empty
from chalicelib.migration.service import list_chunks, mapping_key, process_chunk
from chalicelib.settings import reset_settings_cache
from chalicelib.store import catalogue
from chalicelib.store.models import reset_connections
from local import migration_sample, moto_patches, seed
from local.simulators.accounts import DEMO_ACCOUNTS, HCMC_UNIT
from local.simulators.base import RunningServer, serve
from local.simulators.esign import EsignSimulator
from local.simulators.vneid import VneidSimulator
from tests.moto_tables import create_table

REGION = "ap-southeast-1"
TABLES = {"hoso-dev-dossiers": 4, "hoso-dev-catalogue": 1, "hoso-dev-counters": 0}
EXPORT_BUCKET = "hoso-dev-migration"
SAMPLE_PREFIX = "runs/hcm-2026-06"
SAMPLE_DOSSIERS = int(os.environ.get("HOSO_MIGRATION_SAMPLE_DOSSIERS", "160"))
CHUNK_SIZE = 60
UNIT = HCMC_UNIT


class World:
    def __init__(self, vneid: RunningServer, client: Client, sample: migration_sample.Sample) -> None:
        self.vneid = vneid
        self.client = client
        self.sample = sample
        self.s3 = boto3.client("s3", region_name=REGION)

    def token(self, role: str, unit: str = UNIT) -> str:
        account = next(a for a in DEMO_ACCOUNTS if a["role"] == role and a["unit_code"] == unit)
        answer = requests.post(f"{self.vneid.url}/_sim/token", json={"SoDinhDanh": account["SoDinhDanh"]}, timeout=10)
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    def call(self, method: str, path: str, role: str | None = None, unit: str = UNIT, body: Any = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if role:
            headers["Authorization"] = f"Bearer {self.token(role, unit)}"
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
        return self.client.http.request(method, path, headers=headers, body=data)

    def mapping(self, prefix: str = SAMPLE_PREFIX) -> MappingTables:
        return load_mapping(EXPORT_BUCKET, mapping_key(prefix))

    def run(self, mode: str, prefix: str = SAMPLE_PREFIX, *, run_id: str = "test", sync: bool = False) \
            -> ChunkReport:
        """Every chunk of the run, one after the other (what the operator command and the map do)."""
        mapping, total = self.mapping(prefix), empty(mode)
        for key in list_chunks(EXPORT_BUCKET, prefix):
            total = total.merge(process_chunk(mode, EXPORT_BUCKET, key, mapping, run_id=run_id, sync=sync))  # type: ignore[arg-type]
        return total

    def upload(self, sample: migration_sample.Sample, prefix: str) -> None:
        migration_sample.upload(sample, EXPORT_BUCKET, prefix, self.s3)


@pytest.fixture(scope="session")
def world() -> Iterator[World]:
    moto_patches.apply()  # moto's transactions cost O(the touched items), not O(the table): see the module
    vneid = serve(VneidSimulator("vneid", "hoso-officers", [dict(a) for a in DEMO_ACCOUNTS], []), 0)
    esign = serve(EsignSimulator("esign"), 0)  # the seed trusts its root
    patch = pytest.MonkeyPatch()
    env = {
        "VNEID_ISSUER": vneid.url, "VNEID_JWKS_URL": f"{vneid.url}/.well-known/jwks.json",
        "VNEID_AUDIENCE": "hoso-officers", "ESIGN_BASE_URL": esign.url,
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION,
    }
    for key, value in env.items():
        patch.setenv(key, value)
    patch.delenv("AWS_ENDPOINT_URL", raising=False)
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
            for bucket in ("hoso-dev-attachments", "hoso-dev-results", EXPORT_BUCKET):
                s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
            boto3.client("secretsmanager", region_name=REGION).create_secret(
                Name="hoso/dev/access-log-key", SecretString=json.dumps({"key": "access-log-test-key"}))
            seed.seed()
            sample = migration_sample.generate(SAMPLE_DOSSIERS, chunk_size=CHUNK_SIZE)
            with Client(hoso_app) as client:
                w = World(vneid, client, sample)
                w.upload(sample, SAMPLE_PREFIX)
                yield w
            aws.reset_clients()
            reset_connections()
            catalogue.clear_cache()
    finally:
        patch.undo()
        reset_settings_cache()
        vneid.stop()
        esign.stop()


@dataclass
class Imported:
    first: ChunkReport


@pytest.fixture(scope="session")
def imported(world: World) -> Imported:
    """The sample province imported once (no sync)."""
    return Imported(first=world.run("import", run_id="first"))
