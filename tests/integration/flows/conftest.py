"""Liên thông flows end to end, in one process: the real ASL executed by moto, the real
agency-tasks handler, the real routes over HTTP, and the outside parties as real HTTP servers.

Made once for the package (creating clients and servers is what costs):

- moto in-process with Step Functions executions on (``local.moto_patches`` applied): the
  dossiers, catalogue and counters tables, both buckets, the agency-tasks and dossier-changes
  queues and the three state machines created from ``state_machines/*.asl.json`` with the
  placeholders substituted as infra does;
- the demo catalogue (``local.seed``'s units, procedures, officers), with the liên thông process published and the flow
  procedures pointed at it (what the seed should do), and an integration client for the
  agency simulator;
- the agency simulator (hand-overs in, callbacks out to our API) and the VNeID simulator
  (operators' tokens);
- the flows' routes on a Chalice app served over HTTP (``chalice.local``).

The Lambda side is played by :meth:`World.pump`: like the outbox relay and its topic's
subscription, it turns every committed dossier change (its outbox record) into a
``{"code", "seq"}`` signal on the dossier-changes queue, then — like Lambda's poller — hands
that queue's messages to ``chalicelib.flows.changes.handle_batch`` and the agency-tasks
queue's (the state machines' task tokens) to ``chalicelib.flows.adapter.handle_batch``, and
deletes what succeeded.
Tests move dossiers through the real services (officers' actions), never by writing items.

Every test ends with no execution left running (stopped in teardown) and empty queues.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from chalice.config import Config
from chalice.local import CustomLocalChalice, LocalChalice, LocalDevServer, ThreadedHTTPServer
from moto import mock_aws

from chalicelib.api import flows as flow_routes
from chalicelib.auth import registry
from chalicelib.domain.calendar import Duration
from chalicelib.domain.catalogue import Procedure, ResultKind
from chalicelib.domain.clients import Capability, ClientKind
from chalicelib.domain.dossier import Actor, DocumentRef, Dossier
from chalicelib.domain.engine import ActionRequest
from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.flows import adapter, chains, changes, model, store
from chalicelib.flows.start import start_flow
from chalicelib.handlers.outbox import outbox_signals
from chalicelib.services import dossiers as service
from chalicelib.services import intake
from chalicelib.store import catalogue, dossiers, files
from local import moto_patches, seed
from local.dispatcher import sqs_record
from local.eform_samples import KHAI_SINH, KHAI_TU, SAMPLE_FILLED
from local.reset import reset_app_caches
from local.simulators.accounts import DEMO_ACCOUNTS, HANOI_UNIT, MINISTRY_UNIT
from local.simulators.agency import AgencySimulator
from local.simulators.base import RunningServer, serve
from local.simulators.vneid import VneidSimulator
from tests.world import create_resources, seed_catalogue

REGION = "ap-southeast-1"
ACCOUNT = "123456789012"
STAGE = "dev"
ROOT = Path(__file__).resolve().parents[3]
QUEUE = f"hoso-{STAGE}-agency-tasks"
CHANGES_QUEUE = f"hoso-{STAGE}-dossier-changes"
BIRTH_CHAIN = seed.BIRTH_CHAIN_CODE  # the birth chain's own procedure (parent dossiers)
CHAIN_PROCEDURE = "9.999001"  # test-only code of a procedure configured with the chain "khai_sinh_song_song"
AGENCY_CLIENT = "agency-sim"
# Each external agency is answered for by the agency client only (the integration-clients secret).
AGENCY_BINDINGS = {a.id: {"client_id": AGENCY_CLIENT} for a in chains.AGENCIES.values() if a.kind == "external"}
AGENCY_PROCEDURES = ["1.004222", "1.003197", "LT.BHYT-TE6", "LT.TRO-CAP-TUAT"]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# Limits of the tests' executions (in the input, as the state machines read them): steps that
# are answered at once get room; FAST ones time out within a couple of seconds.
ROOMY = model.StepTiming(timeout_seconds=60, heartbeat_seconds=59)
FAST = model.StepTiming(timeout_seconds=2, heartbeat_seconds=1)


def timing(flow_id: str, fast: tuple[str, ...] = (), waits: model.StepTiming = ROOMY) -> model.FlowTiming:
    flow = chains.FLOWS[flow_id]
    return model.FlowTiming(
        steps={s.id: FAST if s.id in fast else ROOMY for s in flow.steps},
        waits=model.Waits(supplement=waits, decision=waits, system=ROOMY),
    )


def account(role: str, unit: str = HANOI_UNIT) -> dict[str, str]:
    return next(a for a in DEMO_ACCOUNTS if a["role"] == role and a["unit_code"] == unit)


class _QuietServer(ThreadedHTTPServer):
    daemon_threads = True


@dataclass
class Api:
    url: str
    server: Any
    previous_app: Any

    def post(self, path: str, body: Any, token: str) -> requests.Response:
        return requests.post(f"{self.url}{path}", json=body, headers={"Authorization": f"Bearer {token}"},
                             timeout=20)  # fmt: skip

    def get(self, path: str, token: str) -> requests.Response:
        return requests.get(f"{self.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=20)


def _serve_api() -> Api:
    """hoso's app (app.py registers the flows' blueprint), over HTTP as ``chalice local`` serves
    it. Not a second app: a Chalice blueprint registered on two apps loses its routes' methods."""
    from app import app

    previous = getattr(flow_routes.bp, "_current_app", None)
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    server = LocalDevServer(app, Config.create(chalice_stage=STAGE, app_name=app.app_name, lambda_timeout=29),
                            "127.0.0.1", 0, server_cls=_QuietServer)  # fmt: skip
    threading.Thread(target=server.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return Api(f"http://127.0.0.1:{server.server.server_address[1]}", server, previous)


class World:
    """AWS state, the simulators, the API, and what the tests do with them."""

    def __init__(self) -> None:
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.sfn = boto3.client("stepfunctions", region_name=REGION)
        self.ddb = boto3.client("dynamodb", region_name=REGION)
        self.queue_url = ""
        self.queue_arn = ""
        self.changes_url = ""
        self.changes_arn = ""
        self.machines: dict[str, str] = {}
        self.api: Api
        self.agency: RunningServer
        self.agency_sim = AgencySimulator("agency", "http://127.0.0.1:9", "set-after-seeding")
        self.vneid: RunningServer
        self.agency_token = ""
        self.other_client_token = ""
        self._relayed: set[tuple[str, str]] = set()
        self._codes: set[str] = set()  # the test's parent dossiers
        self.env: dict[str, str] = {}

    # --- set-up ------------------------------------------------------------------------------
    def provision(self) -> None:
        create_resources(STAGE, secrets={f"hoso/{STAGE}/integration-clients": AGENCY_BINDINGS})
        self.queue_url = self.sqs.create_queue(QueueName=QUEUE, Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
        self.queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]  # fmt: skip
        self.changes_url = self.sqs.create_queue(QueueName=CHANGES_QUEUE, Attributes={"VisibilityTimeout": "30"})[
            "QueueUrl"]  # fmt: skip
        self.changes_arn = self.sqs.get_queue_attributes(QueueUrl=self.changes_url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]  # fmt: skip
        for path in sorted((ROOT / "state_machines").glob("*.asl.json")):
            stem = path.name.removesuffix(".asl.json")
            definition = path.read_text(encoding="utf-8").replace("${AgencyTasksQueueUrl}", self.queue_url)
            self.machines[stem] = self.sfn.create_state_machine(
                name=f"hoso-{STAGE}-{stem}", definition=definition, type="STANDARD",
                roleArn=f"arn:aws:iam::{ACCOUNT}:role/hoso-{STAGE}-state-machines")["stateMachineArn"]  # fmt: skip

    def seed(self) -> None:
        """The demo catalogue (``local.seed``'s data), the liên thông process published and the flow
        procedures following it."""
        seed_catalogue(uploaded_results=True)  # no eSign here: results uploaded, numbered, unsigned
        process = chains.lien_thong_process()
        catalogue.put_procedure(Procedure(
            code=CHAIN_PROCEDURE, name="Liên thông khai sinh, thường trú và thẻ BHYT (song song)", field_code="HT",
            field_name="Hộ tịch", legal_deadline=Duration.of_working_days(10), eform_code=KHAI_SINH.code,
            unit_codes=[HANOI_UNIT], process_code=process.code, flow="khai_sinh_song_song",
            result_kind=ResultKind.NONE, result_signed=False))  # fmt: skip
        self.agency_token = registry.create_client(AGENCY_CLIENT, "Cơ quan phối hợp (mô phỏng)", AGENCY_PROCEDURES,
                                                   kind=ClientKind.AGENCY, capabilities=[Capability.FLOW_CALLBACK])
        self.other_client_token = registry.create_client("phan-mem-khac", "Cơ quan khác", ["1.000105"],
                                                         kind=ClientKind.AGENCY,
                                                         capabilities=[Capability.FLOW_CALLBACK])

    # --- the Lambda side ---------------------------------------------------------------------------
    def relay(self) -> int:
        """The outbox relay for flows: committed transitions (``OUTBOX#`` items, each written in
        the transaction of its change) → signals on the dossier-changes queue. Reads the outbox of
        the test's dossiers (its parents and their children): moto's in-process DynamoDB Streams
        API is not reachable (its endpoint is routed to DynamoDB)."""
        codes = set(self._codes)
        for code in self._codes:
            state = store.get_state(code)
            codes |= {s.child for s in state.steps.values() if s.child} if state else set()
        records = []
        for code in sorted(codes):
            for item in self._outbox(code):
                key = (item["pk"]["S"], item["sk"]["S"])
                if key not in self._relayed:
                    self._relayed.add(key)
                    records.append({"eventName": "INSERT", "dynamodb": {"NewImage": item}})
        signals = outbox_signals(records)
        for signal in signals:
            self.sqs.send_message(QueueUrl=self.changes_url, MessageBody=json.dumps(signal))
        return len(signals)

    def _outbox(self, code: str) -> list[dict[str, Any]]:
        return list(self.ddb.query(
            TableName=f"hoso-{STAGE}-dossiers", KeyConditionExpression="pk = :p AND begins_with(sk, :o)",
            ExpressionAttributeValues={":p": {"S": f"DOSSIER#{code}"}, ":o": {"S": "OUTBOX#"}},
        )["Items"])  # fmt: skip

    def drop_signals(self, code: str) -> None:
        """Lose the signals of ``code``'s changes so far (a lost message)."""
        self._relayed |= {(item["pk"]["S"], item["sk"]["S"]) for item in self._outbox(code)}

    def pump(self) -> int:
        """One round: relay, then one batch of each queue through its handler (Lambda's poller)."""
        self.relay()
        return (self._drain(self.changes_url, self.changes_arn, changes.handle_batch)
                + self._drain(self.queue_url, self.queue_arn, adapter.handle_batch))

    def _drain(self, url: str, arn: str, handler: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
        messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                            MessageSystemAttributeNames=["All"]).get("Messages", [])  # fmt: skip
        if not messages:
            return 0
        result = handler({"Records": [sqs_record(m, arn, REGION) for m in messages]})
        failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self.sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])  # fmt: skip
        for m in messages:
            if m["MessageId"] in failed:  # back at once: the tests do not wait out visibility timeouts
                self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"],
                                                   VisibilityTimeout=0)  # fmt: skip
        return len(messages)

    def until(self, what: str, check: Callable[[], Any], timeout_s: float = 60.0) -> Any:
        """Pump until ``check()`` answers something truthy; fail with ``what`` otherwise. The
        default bound is generous (a hand-over took over 20 s while `make test` ran its suites side
        by side at load 30); a check that holds returns at once, so passing runs are no slower."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.pump() == 0:
                value = check()
                if value:
                    return value
                time.sleep(0.05)
        raise AssertionError(f"timed out waiting for: {what}")

    # --- dossiers ----------------------------------------------------------------------------------
    def open_parent(self, procedure: str = BIRTH_CHAIN, with_document: bool = True) -> Dossier:
        """A dossier received at the Hà Nội desk (desk intake, the real service)."""
        form = SAMPLE_FILLED[KHAI_TU.code if procedure == "1.000656" else KHAI_SINH.code]
        payload = {**DESK_EXAMPLE, "MaTTHC": procedure, "MaDonViTiepNhan": HANOI_UNIT, "DuLieuBieuMau": form}
        dossier = intake.receive_at_desk(payload, self.officer("desk"))
        self._codes.add(dossier.code)
        if with_document:
            self.attach(dossier.code, "giay-chung-sinh.pdf", "submitted")
        return dossier

    def attach(self, code: str, name: str, kind: str) -> DocumentRef:
        """A document attached; a result with its number (``1/2026/KQ``)."""
        bucket = os.environ["HOSO_RESULTS_BUCKET" if kind == "result" else "HOSO_ATTACHMENTS_BUCKET"]
        stored = files.put_document(bucket, PDF)
        doc = DocumentRef(id=f"{kind}-{stored.key[-8:]}", name=name, s3_key=stored.key, sha256=stored.sha256,
                          content_type=stored.content_type, size=stored.size, kind=kind,
                          number="1/2026/KQ" if kind == "result" else "")  # fmt: skip
        d = dossiers.get(code)
        assert d is not None
        actor = Actor(sub="test", name="Cán bộ một cửa", role="desk", unit_code=d.unit_code)
        service.record(code, actor=actor, action="attach", label="Đính kèm giấy tờ", note=name,
                       change=lambda x: {"documents": [*x.documents, doc]})  # fmt: skip
        return doc

    def officer(self, role: str, unit: str = HANOI_UNIT) -> Any:
        profile = catalogue.get_officer(account(role, unit)["sub"])
        assert profile is not None
        return profile

    def act(self, code: str, action: str, role: str, **fields: Any) -> Dossier:
        d = dossiers.get(code)
        assert d is not None
        return service.act(code, ActionRequest(action_id=action, **fields), self.officer(role, d.unit_code))

    def finish_child(self, code: str, result_name: str = "trich-luc.pdf") -> Dossier:
        """The unit handles a child dossier through its ordinary process, up to "result ready"."""
        self.act(code, "chuyen_phong", "desk")
        d = dossiers.get(code)
        assert d is not None
        self.act(code, "phan_cong", "head", assignee=account("appraiser", d.unit_code)["sub"])
        self.act(code, "trinh", "appraiser")
        self.act(code, "trinh_lanh_dao", "head")
        self.attach(code, result_name, "result")
        self.act(code, "phe_duyet", "leader")
        return self.act(code, "phat_hanh", "clerk")

    def child_of(self, parent: str, step: str) -> str:
        state = store.get_state(parent)
        child = state.steps[step].child if state and step in state.steps else None
        return child or ""

    def start(self, code: str, flow_timing: model.FlowTiming, chosen: list[str] | None = None) -> model.FlowState:
        return start_flow(code, timing=flow_timing, chosen=chosen)

    # --- the agency and the operators --------------------------------------------------------------
    def agency_mode(self, **modes: Any) -> None:
        requests.post(f"{self.agency.url}/_sim/mode", json=modes, timeout=10).raise_for_status()

    def handovers(self, code: str, step: str | None = None) -> list[dict[str, Any]]:
        records = requests.get(f"{self.agency.url}/_sim/records", timeout=10).json()["handovers"]
        return [h for h in records if h["dossier_code"] == code and (step is None or h["step"] == step)]

    def handover(self, code: str, step: str, count: int = 1) -> dict[str, Any]:
        """Wait for the ``count``-th hand-over of ``step`` and answer it."""
        found = self.until(f"hand-over {count} of {step} for {code}",
                           lambda: (h := self.handovers(code, step)) and len(h) >= count and h)  # fmt: skip
        return found[count - 1]  # type: ignore[no-any-return]

    def agency_sim_complete(self, code: str, outcome: str, reason: str | None = None) -> dict[str, Any]:
        """The agency simulator finishes its latest hand-over of ``code`` and calls us back itself."""
        body = {"outcome": outcome, **({"reason": reason} if reason else {})}
        return dict(requests.post(f"{self.agency.url}/_sim/complete/{code}", json=body, timeout=30).json())

    def callback(self, token: str, outcome: str, *, reason: str | None = None, client_token: str | None = None,
                 documents: list[dict[str, str]] | None = None) -> requests.Response:  # fmt: skip
        if documents is None:
            pdf = {"name": "ket-qua.pdf", "content_type": "application/pdf",
                   "content_base64": base64.b64encode(PDF).decode()}  # fmt: skip
            documents = [pdf] if outcome == "success" else []
        body = {"task_token": token, "outcome": outcome, "result_documents": documents, "reason": reason}
        return self.api.post("/v1/flows/callback", body, client_token or self.agency_token)

    def token(self, sub: str) -> str:
        answer = requests.post(f"{self.vneid.url}/_sim/token", json={"sub": sub}, timeout=10)
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    def operator_token(self) -> str:
        return self.token(account("operator", MINISTRY_UNIT)["sub"])

    def desk_token(self) -> str:
        return self.token(account("desk")["sub"])

    def execution(self, code: str) -> dict[str, Any]:
        state = store.get_state(code)
        assert state is not None
        return dict(self.sfn.describe_execution(executionArn=state.execution_arn))

    def finished(self, code: str) -> dict[str, Any] | None:
        execution = self.execution(code)
        return execution if execution["status"] != "RUNNING" else None

    def labels(self, code: str) -> list[str]:
        return [e.label for e in dossiers.events(code)]

    # --- teardown ----------------------------------------------------------------------------------
    def clean(self) -> None:
        self.agency_mode(down=False, auto_complete=False)
        for arn in self.machines.values():
            for e in self.sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]:
                self.sfn.stop_execution(executionArn=e["executionArn"], error="Test.Teardown")
        self.relay()
        self._codes.clear()
        for url in (self.changes_url, self.queue_url):
            while messages := self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                       VisibilityTimeout=0).get("Messages", []):  # fmt: skip
                self.sqs.delete_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])  # fmt: skip


@pytest.fixture(scope="package")
def world_once() -> Iterator[World]:
    moto_patches.apply()
    saved = dict(os.environ)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        reset_app_caches()
        world = World()
        world.provision()
        world.api = _serve_api()
        world.agency_sim.callback_url = f"{world.api.url}/v1/flows/callback"
        world.agency = serve(world.agency_sim, 0)
        world.vneid = serve(VneidSimulator("vneid", "hoso-officers", [dict(a) for a in DEMO_ACCOUNTS], []), 0)
        world.env = {
            "HOSO_STAGE": STAGE,
            "HOSO_DOSSIERS_TABLE": f"hoso-{STAGE}-dossiers",
            "HOSO_CATALOGUE_TABLE": f"hoso-{STAGE}-catalogue",
            "HOSO_COUNTERS_TABLE": f"hoso-{STAGE}-counters",
            "HOSO_ATTACHMENTS_BUCKET": f"hoso-{STAGE}-attachments",
            "HOSO_RESULTS_BUCKET": f"hoso-{STAGE}-results",
            "HOSO_AGENCY_TASKS_QUEUE_URL": world.queue_url,
            "HOSO_DOSSIER_CHANGES_QUEUE_URL": world.changes_url,
            "HOSO_INTEGRATION_CLIENTS_SECRET_ID": f"hoso/{STAGE}/integration-clients",
            "AGENCY_BASE_URL": world.agency.url,
            "HOSO_PUBLIC_BASE_URL": world.api.url,
            "VNEID_ISSUER": world.vneid.url,
            "VNEID_JWKS_URL": f"{world.vneid.url}/.well-known/jwks.json",
            "VNEID_AUDIENCE": "hoso-officers",
            **{f"HOSO_{stem.upper()}_ARN": arn for stem, arn in world.machines.items()},
        }
        os.environ.update(world.env)
        reset_app_caches()
        world.seed()
        world.agency_sim.client_token = world.agency_token
        try:
            yield world
        finally:
            world.clean()
            world.agency.stop()
            world.vneid.stop()
            world.api.server.server.shutdown()
            world.api.server.server.server_close()
            flow_routes.bp._current_app = world.api.previous_app
            os.environ.clear()
            os.environ.update(saved)
            reset_app_caches()


@pytest.fixture
def world(world_once: World) -> Iterator[World]:
    world_once.clean()
    yield world_once
    world_once.clean()
