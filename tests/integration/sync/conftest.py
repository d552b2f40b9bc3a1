"""The sync against moto (in-process) and the real DVCQG-protocol simulators over HTTP.

Each test gets fresh AWS state — the dossiers, catalogue, counters and sync tables as infra
declares them, the three sync queues with their DLQs (``maxReceiveCount`` 5), the buckets and
the credentials secret — and three simulator instances (DVCQG, coordinator, province), reset.
Dossiers are written with the repository (one transaction per step, outbox included), their
outbox records are relayed to the queues by the real relay, and the queues are drained the way
Lambda's poller does it: receive → handler → delete what did not fail.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3
import pytest
import requests
from moto import mock_aws

from chalicelib.domain.catalogue import OfficerProfile, Procedure, RoleAssignment, Unit
from chalicelib.domain.dossier import AuditEvent, Dossier
from chalicelib.domain.roles import Role
from chalicelib.handlers.outbox import relay
from chalicelib.settings import reset_settings_cache
from chalicelib.store import catalogue, dossiers
from chalicelib.store.catalogue import put_officer
from chalicelib.store.models import DossierItem, EventItem, OutboxItem
from chalicelib.sync import queues
from chalicelib.sync.handler import Backoff, handle_batch
from chalicelib.sync.payloads import progress_record
from local.dispatcher import sqs_record
from local.reset import reset_app_caches
from local.simulators.accounts import DEMO_ACCOUNTS, MINISTRY_UNIT
from local.simulators.base import RunningServer, serve
from local.simulators.dvcqg import DvcqgSimulator
from local.simulators.vneid import VneidSimulator
from tests.fanout import subscribe
from tests.moto_tables import create_table
from tests.unit.sync import samples
from tests.world import create_resources

REGION = "ap-southeast-1"
DESTINATIONS = ("dvcqg", "coordinator", "province")
# Province code → simulator: "province" is Hà Nội's (the samples' unit is in province 01).
PROVINCE_SIMS = {"01": "province", "79": "province-79", "48": "province-48"}
MAX_RECEIVE = 5
SECRET_ID = "hoso/dev/dvcqg-credentials"
FAST = Backoff(base_s=0, cap_s=0)  # failed messages come straight back (tests that count receives)
SLOW = Backoff(base_s=600, cap_s=600)  # failed messages stay away (tests that fast-forward the clock)


@dataclass
class Sim:
    name: str
    simulator: DvcqgSimulator
    server: RunningServer

    @property
    def url(self) -> str:
        return self.server.url

    def mode(self, **modes: Any) -> None:
        requests.post(f"{self.url}/_sim/mode", json=modes, timeout=5).raise_for_status()

    def record(self, code: str) -> dict[str, Any] | None:
        answer = requests.get(f"{self.url}/_sim/records/{code}", timeout=5)
        return answer.json() if answer.status_code == 200 else None

    def records(self) -> dict[str, Any]:
        return requests.get(f"{self.url}/_sim/records", timeout=5).json()

    def violations(self) -> list[dict[str, Any]]:
        return requests.get(f"{self.url}/_sim/violations", timeout=5).json()

    def calls(self, service: str | None = None) -> list[dict[str, Any]]:
        return [c for c in self.records()["calls"] if service is None or c["service"] == service]


@pytest.fixture(scope="package")
def servers() -> Iterator[dict[str, Sim]]:
    sims = {}
    for name in (*DESTINATIONS, *PROVINCE_SIMS.values()):
        if name in sims:
            continue
        simulator = DvcqgSimulator(name, "hoso", "hoso-dev", 1800)
        sims[name] = Sim(name, simulator, serve(simulator, 0))
    yield sims
    for sim in sims.values():
        sim.server.stop()


@dataclass
class Drained:
    """What a drain did: messages handled, and the last receipt of each message whose last
    handling failed."""

    batches: int = 0
    handled: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # message id → receipt handle
    results: list[dict[str, Any]] = field(default_factory=list)


class World:
    """AWS state, the simulators and the moves of the test's dossiers."""

    def __init__(self, sims: dict[str, Sim]) -> None:
        self.sims = sims
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.urls: dict[str, str] = {}
        self.dlqs: dict[str, str] = {}
        self.arns: dict[str, str] = {}
        self._day = 0
        self.topic = ""

    # --- resources ---------------------------------------------------------------------
    def provision(self) -> None:
        credentials = {"username": "hoso", "password": "hoso-dev"}
        create_resources(secrets={SECRET_ID: credentials,
                                  **{province_secret(code): credentials for code in PROVINCE_SIMS}})
        create_table(boto3.client("dynamodb", region_name=REGION), "hoso-dev-sync", 1)  # the sync state's own table
        for name in DESTINATIONS:
            dlq = self.sqs.create_queue(QueueName=f"hoso-dev-sync-{name}-dlq")["QueueUrl"]
            dlq_arn = self.sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            url = self.sqs.create_queue(
                QueueName=f"hoso-dev-sync-{name}",
                Attributes={"VisibilityTimeout": "360", "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVE)})},
            )["QueueUrl"]  # fmt: skip
            self.urls[name], self.dlqs[name] = url, dlq
            self.arns[name] = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
                "Attributes"]["QueueArn"]  # fmt: skip
        self.topic = subscribe(self.urls, REGION)  # the outbox relay's fan-out to the three queues
        catalogue.put_unit(Unit(code=samples.UNIT, name=samples.UNIT_NAME, province_code="01"))
        catalogue.put_procedure(Procedure(code="1.001193", name="Đăng ký khai sinh", field_code="G03-HT",
                                          field_name="Hộ tịch", process_code="QT-MOT-CUA"))  # fmt: skip

    def environment(self) -> dict[str, str]:
        return {
            "HOSO_SYNC_DVCQG_QUEUE_URL": self.urls["dvcqg"],
            "HOSO_SYNC_COORDINATOR_QUEUE_URL": self.urls["coordinator"],
            "HOSO_SYNC_PROVINCE_QUEUE_URL": self.urls["province"],
            "HOSO_DOSSIER_EVENTS_TOPIC_ARN": self.topic,
            "DVCQG_BASE_URL": self.sims["dvcqg"].url,
            "COORDINATOR_BASE_URL": self.sims["coordinator"].url,
            "HOSO_PROVINCES": json.dumps({code: {"url": self.sims[name].url, "secret": province_secret(code)}
                                          for code, name in PROVINCE_SIMS.items()}),  # fmt: skip
            "HOSO_DVCQG_CREDENTIALS_SECRET_ID": SECRET_ID,
            "HOSO_MINISTRY_UNIT_CODE": "000.00.00.G12",
        }

    # --- dossiers ----------------------------------------------------------------------
    def open(self, at: datetime, **update: Any) -> Dossier:
        """A new online dossier (code from the unit's counter), after its first step."""
        update.setdefault("dvcqg_ref", f"G22.99-{uuid.uuid4().hex[:11]}")
        return dossiers.create(*samples.apply(samples.new_dossier("", at, **update), samples.SUBMIT, at))

    def move(self, dossier: Dossier, move: samples.Move, at: datetime) -> Dossier:
        after, event = samples.apply(dossier, move, at)
        return dossiers.transition(dossier, after, event)

    def write(self, dossier: Dossier, events: list[AuditEvent]) -> None:
        """Commit steps without the repository's transactions (moto's transactions copy the
        whole table, which hundreds of steps cannot afford): the events, their outbox records
        and the dossier as the repository lays them out."""
        pk = dossiers.dossier_pk(dossier.code)
        with EventItem.batch_write() as batch:
            for e in events:
                batch.save(EventItem(pk=pk, sk=f"EVENT#{e.seq:06d}", data=e.model_dump(mode="json")))
        with OutboxItem.batch_write() as batch:
            for e in events:
                batch.save(OutboxItem(pk=pk, sk=f"OUTBOX#{e.seq:06d}", kind="transition",
                                      data={"code": dossier.code, "seq": e.seq}))  # fmt: skip
        DossierItem(pk=pk, sk="META", code=dossier.code, data=dossier.model_dump(mode="json"), status=dossier.status,
                    procedure_code=dossier.procedure_code, version=dossier.version).save()  # fmt: skip

    def relay(self, signals: list[tuple[str, int]]) -> None:
        """The outbox relay over the stream records of these steps' OUTBOX items."""
        records = []
        for code, seq in signals:
            item = OutboxItem.get(dossiers.dossier_pk(code), f"OUTBOX#{seq:06d}")
            records.append({"eventName": "INSERT", "dynamodb": {"NewImage": {
                "pk": {"S": item.pk}, "sk": {"S": item.sk}, "data": {"S": json.dumps(item.data)}}}})  # fmt: skip
        relay(records)

    # --- queues ------------------------------------------------------------------------
    def receive(self, destination: str) -> list[dict[str, Any]]:
        return self.sqs.receive_message(
            QueueUrl=self.urls[destination], MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])  # fmt: skip

    def event(self, destination: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
        return {"Records": [sqs_record(m, self.arns[destination], REGION) for m in messages]}

    def messages(self, destination: str, signals: list[tuple[str, int]]) -> list[dict[str, Any]]:
        """Put these signals on the queue and receive them, in the order given."""
        for code, seq in signals:
            queues.enqueue(destination, code, seq)
        got: list[dict[str, Any]] = []
        while len(got) < len(signals):
            batch = self.receive(destination)
            assert batch, "the queue lost messages"
            got += batch
        bodies = [json.dumps({"code": code, "seq": seq}) for code, seq in signals]
        return sorted(got, key=lambda m: bodies.index(m["Body"]))

    def drain(self, destination: str, backoff: Backoff, max_batches: int = 10_000) -> Drained:
        """Lambda's poller until the queue shows nothing: receive → handler → delete successes."""
        out = Drained()
        for _ in range(max_batches):
            messages = self.receive(destination)
            if not messages:
                break
            result = handle_batch(destination, self.event(destination, messages), backoff=backoff)
            failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
            done = [m for m in messages if m["MessageId"] not in failed]
            if done:
                self.sqs.delete_message_batch(QueueUrl=self.urls[destination], Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])  # fmt: skip
            out.batches += 1
            out.handled += len(messages)
            out.failed.update({m["MessageId"]: m["ReceiptHandle"] for m in messages if m["MessageId"] in failed})
            for m in done:
                out.failed.pop(m["MessageId"], None)
            out.results.append(result)
        return out

    def fast_forward(self, destination: str, drained: Drained) -> None:
        """The backoff of these failed messages has passed (stands in for waiting the clock out)."""
        for receipt in drained.failed.values():
            self.sqs.change_message_visibility(QueueUrl=self.urls[destination], ReceiptHandle=receipt,
                                               VisibilityTimeout=0)  # fmt: skip

    def counts(self, url: str) -> tuple[int, int]:
        attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]  # fmt: skip
        return int(attributes["ApproximateNumberOfMessages"]), int(attributes["ApproximateNumberOfMessagesNotVisible"])


def province_secret(code: str) -> str:
    return f"hoso/dev/province-{code}"


def emitted_metrics(output: str) -> list[dict[str, Any]]:
    """The CloudWatch EMF documents printed to stdout."""
    return [json.loads(line) for line in output.splitlines() if line.startswith('{"_aws"')]


def metric_values(output: str, name: str, destination: str) -> list[float]:
    return [v for doc in emitted_metrics(output) if doc.get("destination") == destination and name in doc
            for v in (doc[name] if isinstance(doc[name], list) else [doc[name]])]  # fmt: skip


def expected_progress(code: str) -> list[dict[str, str]]:
    """hoso's own records of every step of ``code``, in order."""
    return [progress_record(code, e) for e in dossiers.events(code)]


@pytest.fixture
def world(servers: dict[str, Sim], monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    for sim in servers.values():
        requests.post(f"{sim.url}/_sim/reset", timeout=5).raise_for_status()
        with sim.simulator.lock:
            sim.simulator.sessions.clear()
    with mock_aws():
        reset_app_caches()
        w = World(servers)
        w.provision()
        for name, value in w.environment().items():
            monkeypatch.setenv(name, value)
        reset_app_caches()
        yield w
    reset_app_caches()


# --- officers for the operators' routes (VNeID simulator, an operator and a desk officer) ----------

OPERATOR = next(a for a in DEMO_ACCOUNTS if a["role"] == "operator")
DESK = next(a for a in DEMO_ACCOUNTS if a["role"] == "desk" and a["unit_code"] == MINISTRY_UNIT)


@pytest.fixture(scope="module")
def vneid() -> Iterator[RunningServer]:
    server = serve(VneidSimulator("vneid", "hoso-officers", [dict(a) for a in DEMO_ACCOUNTS], []), 0)
    yield server
    server.stop()


@pytest.fixture
def officers(world: World, vneid: RunningServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """hoso trusts the VNeID simulator, and the operator and the desk officer have their roles."""
    monkeypatch.setenv("VNEID_ISSUER", vneid.url)
    monkeypatch.setenv("VNEID_AUDIENCE", "hoso-officers")
    monkeypatch.setenv("VNEID_JWKS_URL", f"{vneid.url}/.well-known/jwks.json")
    reset_settings_cache()
    for account in (OPERATOR, DESK):
        put_officer(OfficerProfile(sub=account["sub"], name=account["HoVaTen"], assignments=[
            RoleAssignment(role=Role(account["role"]), unit_code=account["unit_code"])]))  # fmt: skip


def bearer(vneid: RunningServer, account: dict[str, str]) -> dict[str, str]:
    answer = requests.post(f"{vneid.url}/_sim/token", json={"sub": account["sub"]}, timeout=5).json()
    return {"Authorization": f"Bearer {answer['access_token']}", "Content-Type": "application/json"}
