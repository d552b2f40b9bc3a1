"""Documents, payments, post and the e-data store against moto (in-process) and the real
simulators over HTTP.

Each test gets fresh AWS state (the dossiers table with its stream, the catalogue and counters
tables as infra declares them, both buckets — results under Object Lock —, the payment HMAC
secret), the demo catalogue from ``local.seed`` and the eSign simulator's root registered as
trusted. The simulators (eSign — a second instance is
an untrusted CA —, VNeID, payment, post) live for the package. Officers act through the
services with their catalogue profiles; routes are driven with ``chalice.test.Client`` and
VNeID tokens from the simulator.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import requests
from chalice.test import Client
from moto import mock_aws

from app import app as hoso_app
from chalicelib import aws, presign
from chalicelib.documents import service as documents
from chalicelib.documents import signing, trust
from chalicelib.domain import engine
from chalicelib.domain.catalogue import FeeItem, OfficerProfile
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.edata import service as edata_service
from chalicelib.integrations import secrets
from chalicelib.services import dossiers as dossier_service
from chalicelib.services import intake
from chalicelib.settings import reset_settings_cache
from chalicelib.store import catalogue, dossiers
from chalicelib.store.models import reset_connections
from local import seed
from local.simulators.accounts import DEMO_ACCOUNTS, HANOI_UNIT, HCMC_UNIT
from local.simulators.base import RunningServer, serve
from local.simulators.esign import EsignSimulator
from local.simulators.payment import PaymentSimulator
from local.simulators.post import PostSimulator
from local.simulators.vneid import VneidSimulator
from tests.moto_tables import create_table

REGION = "ap-southeast-1"
PAYMENT_KEY = "test-payment-key"
POST_TOKEN = "test-post-token"
APPLICANT = "Nguyễn Thị Ánh"
TABLES = {"hoso-dev-dossiers": 3, "hoso-dev-catalogue": 1, "hoso-dev-counters": 0, "hoso-dev-accesslog": 0}
ACCESS_LOG_KEY = "access-log-test-key"
UNIT = HCMC_UNIT
LOOPBACK_HOSO = "http://127.0.0.1:9"  # where links point; nothing listens, so callbacks fail fast
OTHER_UNIT = HANOI_UNIT


@dataclass
class Sims:
    esign: RunningServer
    rogue_esign: RunningServer
    vneid: RunningServer
    payment: RunningServer
    post: RunningServer
    payment_sim: PaymentSimulator
    post_sim: PostSimulator


@pytest.fixture(scope="package")
def sims() -> Iterator[Sims]:
    payment = PaymentSimulator("payment", PAYMENT_KEY)
    post = PostSimulator("post", POST_TOKEN)
    servers = Sims(
        esign=serve(EsignSimulator("esign"), 0), rogue_esign=serve(EsignSimulator("rogue"), 0),
        vneid=serve(VneidSimulator("vneid", "hoso-officers", [dict(a) for a in DEMO_ACCOUNTS], []), 0),
        payment=serve(payment, 0), post=serve(post, 0), payment_sim=payment, post_sim=post,
    )
    yield servers
    for server in (servers.esign, servers.rogue_esign, servers.vneid, servers.payment, servers.post):
        server.stop()


def officer(role: str, unit: str = UNIT) -> OfficerProfile:
    account = next(a for a in DEMO_ACCOUNTS if a["role"] == role and a["unit_code"] == unit)
    profile = catalogue.get_officer(account["sub"])
    assert profile is not None
    return profile


class World:
    def __init__(self, sims: Sims, client: Client) -> None:
        self.sims = sims
        self.client = client
        self.s3 = boto3.client("s3", region_name=REGION)
        self._stream: Any = None
        self._shard_iterator: str | None = None

    # --- the dossiers table's stream, as a stream consumer reads it ------------------------------
    def stream_records(self) -> list[dict[str, Any]]:
        """The stream records written since the last call (Lambda's record shape)."""
        if self._stream is None:
            # moto (in-process) routes the streams API only when the endpoint is given explicitly
            self._stream = boto3.client("dynamodbstreams", region_name=REGION,
                                        endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com")
            arn = boto3.client("dynamodb", region_name=REGION).describe_table(
                TableName="hoso-dev-dossiers")["Table"]["LatestStreamArn"]
            shard = self._stream.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
            self._shard_iterator = self._stream.get_shard_iterator(
                StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        answer = self._stream.get_records(ShardIterator=self._shard_iterator)
        self._shard_iterator = answer["NextShardIterator"]
        return list(answer["Records"])

    def capture(self) -> list[dict[str, Any]]:
        """Run the e-data store's stream consumer over the new records; answer them."""
        records = self.stream_records()
        assert edata_service.capture(records) == {"batchItemFailures": []}
        return records

    # --- dossiers --------------------------------------------------------------------------
    def desk_dossier(self, **overrides: Any) -> Dossier:
        payload = {**DESK_EXAMPLE, "MaDonViTiepNhan": UNIT, "ChuHoSo": APPLICANT, **overrides}
        return intake.receive_at_desk(payload, officer("desk"))

    def act(self, code: str, role: str, action: str, **fields: Any) -> Dossier:
        return dossier_service.act(code, engine.ActionRequest(action_id=action, **fields), officer(role))

    def to_approval(self, **overrides: Any) -> Dossier:
        """A received dossier moved to the leader's approval step (status 4)."""
        dossier = self.desk_dossier(**overrides)
        self.act(dossier.code, "desk", "chuyen_phong")
        self.act(dossier.code, "head", "phan_cong", assignee=officer("appraiser").sub)
        self.act(dossier.code, "appraiser", "trinh")
        return self.act(dossier.code, "head", "trinh_lanh_dao")

    def processed(self, **overrides: Any) -> Dossier:
        """A dossier issued (status 9): its result drawn up from the template, signed by the leader's
        approval (the demo procedures say so) and issued by the clerk."""
        dossier = self.to_approval(**overrides)
        documents.issue_result(dossier.code, officer("appraiser"))
        self.act(dossier.code, "leader", "phe_duyet")
        return self.act(dossier.code, "clerk", "phat_hanh")

    # --- HTTP ------------------------------------------------------------------------------
    def token(self, role: str, unit: str = UNIT) -> str:
        account = next(a for a in DEMO_ACCOUNTS if a["role"] == role and a["unit_code"] == unit)
        answer = requests.post(f"{self.sims.vneid.url}/_sim/token", json={"SoDinhDanh": account["SoDinhDanh"]},
                               timeout=10)
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    def call(self, method: str, path: str, role: str | None = None, unit: str = UNIT, body: Any = None,
             headers: dict[str, str] | None = None) -> Any:
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if role:
            all_headers["Authorization"] = f"Bearer {self.token(role, unit)}"
        raw = json.dumps(body, ensure_ascii=False) if body is not None else ""
        return self.client.http.request(method, path, headers=all_headers, body=raw.encode())


# hoso's app, which registers these blueprints: a Chalice blueprint registered on a second
# app loses its routes' methods (the registration options are consumed by the first app).
APP = hoso_app


@pytest.fixture
def world(sims: Sims, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    env = {
        "ESIGN_BASE_URL": sims.esign.url, "PAYMENT_BASE_URL": sims.payment.url, "POST_BASE_URL": sims.post.url,
        "VNEID_ISSUER": sims.vneid.url, "VNEID_JWKS_URL": f"{sims.vneid.url}/.well-known/jwks.json",
        "VNEID_AUDIENCE": "hoso-officers", "HOSO_PUBLIC_BASE_URL": LOOPBACK_HOSO,
        "HOSO_PAYMENT_HMAC_SECRET_ID": "hoso/dev/payment-hmac-key",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    reset_settings_cache()
    with mock_aws():
        aws.reset_clients()
        reset_connections()
        secrets.clear_cache()
        ddb = boto3.client("dynamodb", region_name=REGION)
        for name, gsis in TABLES.items():
            create_table(ddb, name, gsis, stream=name == "hoso-dev-dossiers")
        s3 = boto3.client("s3", region_name=REGION)
        for bucket in ("hoso-dev-attachments", "hoso-dev-results"):
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION},
                             ObjectLockEnabledForBucket=bucket == "hoso-dev-results")
        # as infra declares it: results under Object Lock retention by default
        s3.put_object_lock_configuration(Bucket="hoso-dev-results", ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 3650}}})
        sm = boto3.client("secretsmanager", region_name=REGION)
        sm.create_secret(Name="hoso/dev/payment-hmac-key", SecretString=json.dumps({"key": PAYMENT_KEY}))
        sm.create_secret(Name="hoso/dev/access-log-key", SecretString=json.dumps({"key": ACCESS_LOG_KEY}))
        seed.seed()
        signing.reset_gateways()
        presign.reset()
        trust.trust_gateway_root()
        for server in (sims.esign, sims.rogue_esign, sims.payment, sims.post):
            requests.post(f"{server.url}/_sim/reset", timeout=5).raise_for_status()
        with Client(APP) as client:
            yield World(sims, client)
        trust.clear_cache()
        aws.reset_clients()
        reset_connections()
    reset_settings_cache()


# --- payments ------------------------------------------------------------------------------------


def awaiting_payment(world: World, fees: list[FeeItem]) -> str:
    """A desk dossier of 1.001193 (charging ``fees``) moved on to status 6, waiting for the fee."""
    procedure = catalogue.get_procedure("1.001193")
    assert procedure is not None
    catalogue.put_procedure(procedure.model_copy(update={"fees": fees}))
    dossier = world.desk_dossier()
    world.act(dossier.code, "desk", "chuyen_phong")
    world.act(dossier.code, "head", "phan_cong", assignee=officer("appraiser").sub)
    world.act(dossier.code, "appraiser", "yeu_cau_nop_phi")
    assert dossiers.get(dossier.code).status == 6  # type: ignore[union-attr]
    return dossier.code


def pay_on_platform(world: World, ref: str, result: str = "00") -> dict[str, Any]:
    """The citizen pays on the platform; the (signed) callback the platform sent to hoso."""
    answer = requests.post(f"{world.sims.payment.url}/_sim/pay/{ref}", json={"MaLoi": result}, timeout=10)
    return dict(answer.json()["sent"])


def payment_callback(world: World, body: dict[str, Any]) -> Any:
    return world.call("POST", "/v1/payments/callback", body=body)
