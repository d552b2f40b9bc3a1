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

from app import app as hoso_app
from chalicelib.documents import service as documents
from chalicelib.documents import trust
from chalicelib.domain import engine
from chalicelib.domain.catalogue import FeeItem, OfficerProfile
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.edata import service as edata_service
from chalicelib.services import dossiers as dossier_service
from chalicelib.services import intake
from chalicelib.store import catalogue, dossiers
from infra.access import FUNCTION_ACCESS
from local.filters import passes
from local.simulators.accounts import DEMO_ACCOUNTS, HANOI_UNIT, HCMC_UNIT
from local.simulators.base import RunningServer, serve
from local.simulators.esign import EsignSimulator
from local.simulators.payment import PaymentSimulator
from local.simulators.post import PostSimulator
from local.simulators.vneid import VneidSimulator
from tests.world import ACCESS_LOG_KEY as ACCESS_LOG_KEY  # the tests' HMAC key of the access log
from tests.world import aws_world

REGION = "ap-southeast-1"
PAYMENT_KEY = "test-payment-key"
POST_TOKEN = "test-post-token"
APPLICANT = "Nguyễn Thị Ánh"
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
        """Run the e-data store's stream consumer over the new records its stream mapping lets
        through (the template's filter patterns, as Lambda applies them); answer them."""
        criteria = {"Filters": [{"Pattern": json.dumps(p)} for p in FUNCTION_ACCESS["edata_capture"].stream_filters]}
        records = [r for r in self.stream_records() if passes(criteria, r)]
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
    }
    with aws_world(monkeypatch, env, locked_results=True, secrets={"hoso/dev/payment-hmac-key": {"key": PAYMENT_KEY}}):
        trust.trust_gateway_root()
        for server in (sims.esign, sims.rogue_esign, sims.payment, sims.post):
            requests.post(f"{server.url}/_sim/reset", timeout=5).raise_for_status()
        with Client(APP) as client:
            yield World(sims, client)


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
