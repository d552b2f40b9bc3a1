"""The integration tests' world, built one way: :func:`aws_world` gives a test moto with hoso's
tables (shaped as infra declares them, the dossiers table with its stream), both buckets (results
under Object Lock when asked), the secrets every intake needs plus the suite's own, the demo
catalogue, and :func:`local.reset.reset_app_caches` before and after — the one reset every suite
uses. :func:`seed_catalogue` is ``local.seed``'s catalogue without its calls to the simulators
(for worlds that run none)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.domain.catalogue import ResultKind, Unit
from chalicelib.flows import chains
from chalicelib.store import catalogue
from local import seed
from local.eform_samples import SAMPLE_EFORMS
from local.reset import reset_app_caches
from local.simulators.accounts import DEMO_UNITS
from tests.moto_tables import create_table

REGION = "ap-southeast-1"
ACCESS_LOG_KEY = "access-log-test-key"  # intake keys the applicant index with an HMAC under it
# Each table and its indexes, as infra declares them.
TABLES = {"dossiers": 4, "catalogue": 1, "counters": 0, "accesslog": 0}
AWS_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}


def create_resources(stage: str = "dev", *, locked_results: bool = False,
                     secrets: Mapping[str, Mapping[str, Any]] | None = None) -> None:
    """hoso's tables, buckets and secrets in the moto of the moment (``secrets``: the suite's own, by name)."""
    ddb = boto3.client("dynamodb", region_name=REGION)
    for name, gsis in TABLES.items():
        create_table(ddb, f"hoso-{stage}-{name}", gsis, stream=name == "dossiers")
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in ("attachments", "results"):
        s3.create_bucket(Bucket=f"hoso-{stage}-{bucket}", CreateBucketConfiguration={"LocationConstraint": REGION},
                         ObjectLockEnabledForBucket=locked_results and bucket == "results")
    if locked_results:  # as infra declares it: results under Object Lock retention by default
        s3.put_object_lock_configuration(Bucket=f"hoso-{stage}-results", ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 3650}}})
    sm = boto3.client("secretsmanager", region_name=REGION)
    for name, value in {f"hoso/{stage}/access-log-key": {"key": ACCESS_LOG_KEY}, **(secrets or {})}.items():
        sm.create_secret(Name=name, SecretString=json.dumps(value))


@contextmanager
def aws_world(monkeypatch: pytest.MonkeyPatch, env: Mapping[str, str] | None = None, *, locked_results: bool = False,
              secrets: Mapping[str, Mapping[str, Any]] | None = None, seeded: bool = True) -> Iterator[None]:
    """A test's AWS: ``env`` (the simulators' URLs…) set, then moto with :func:`create_resources`
    and (``seeded``) ``local.seed``'s demo catalogue; the app's caches reset on the way in and out."""
    for key, value in {**AWS_ENV, **(env or {})}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    reset_app_caches()
    with mock_aws():
        reset_app_caches()
        create_resources(locked_results=locked_results, secrets=secrets)
        if seeded:
            seed.seed()
        try:
            yield
        finally:
            reset_app_caches()
    reset_app_caches()


def seed_catalogue(*, uploaded_results: bool = False) -> None:
    """``local.seed``'s catalogue (units, eForms, the unit process and the liên thông process
    published, procedures — those with a flow following the liên thông process —, officers)
    without its calls to the simulators; ``uploaded_results``: results uploaded, numbered and not
    signed (no eSign)."""
    for unit in DEMO_UNITS:
        catalogue.put_unit(Unit(code=unit["code"], name=unit["name"], province_code=unit["province_code"]))
    for schema in SAMPLE_EFORMS.values():
        catalogue.put_eform(schema)
    published = {"published_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "published_by": "test"}
    unit_process, lien_thong = seed.default_process(), chains.lien_thong_process()
    for definition in (unit_process, lien_thong):
        catalogue.publish_process(definition.model_copy(update=published))
    for procedure in seed.procedures(unit_process.code):
        if procedure.flow:
            procedure = procedure.model_copy(update={"process_code": lien_thong.code})
        if uploaded_results and procedure.result_kind is not ResultKind.NONE:
            procedure = procedure.model_copy(update={"result_kind": ResultKind.UPLOAD, "result_signed": False})
        catalogue.put_procedure(procedure)
    for profile in seed.officers():
        catalogue.put_officer(profile)
