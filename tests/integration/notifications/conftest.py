"""Reminders, the unit's counters, private notes, drafts and auto-fill against moto (in-process)
and the real simulators over HTTP.

Each test gets fresh AWS state (the dossiers, catalogue and counters tables as infra declares
them; the DVCQG HMAC, population and messaging secrets) and the demo catalogue of
``local.seed``. The simulators (VNeID for officers' tokens, population, messaging) live for the
package. Routes are driven with ``chalice.test.Client`` on an app holding this work's
blueprints.

Where the population database and the messaging gateway are and which secrets hold their
credentials is configuration (``population_base_url``, ``population_secret_id``,
``messaging_base_url``, ``messaging_secret_id``): the fixture gives the adapters' ``connect()``
those values, pointing at the simulators and at secrets created here, the way the settings do
on a stack.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from chalice import Chalice
from chalice.test import Client

from chalicelib.api import dossiers as dossiers_api
from chalicelib.api import drafts as drafts_api
from chalicelib.api import notes as notes_api
from chalicelib.api import notifications as notifications_api
from chalicelib.domain import engine
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.intake import DESK_EXAMPLE, DVCQG_EXAMPLE
from chalicelib.integrations import population
from chalicelib.notifications import gateway
from chalicelib.services import dossiers as dossier_service
from chalicelib.services import intake
from chalicelib.settings import get_settings
from chalicelib.store import catalogue
from local.eform_samples import PROCEDURE_EFORMS, SAMPLE_FILLED
from local.simulators.accounts import DEMO_ACCOUNTS, HCMC_UNIT
from local.simulators.base import RunningServer, serve
from local.simulators.esign import EsignSimulator
from local.simulators.messaging import MessagingSimulator
from local.simulators.population import PopulationSimulator
from local.simulators.vneid import VneidSimulator
from tests.world import ACCESS_LOG_KEY as ACCESS_LOG_KEY  # the tests' HMAC key of the access log
from tests.world import aws_world

REGION = "ap-southeast-1"
UNIT = HCMC_UNIT
POPULATION_KEY = "test-population-key"
MESSAGING_TOKEN = "test-messaging-token"
HMAC_KEY_ID, HMAC_SECRET = "dvcqg-test", "test-hmac-secret"
POPULATION_SECRET, MESSAGING_SECRET = "hoso/test/population-api-key", "hoso/test/messaging-credentials"


@dataclass
class Sims:
    vneid: RunningServer
    population: RunningServer
    messaging: RunningServer
    esign: RunningServer  # the seed trusts its root


@pytest.fixture(scope="package")
def sims() -> Iterator[Sims]:
    servers = Sims(
        vneid=serve(VneidSimulator("vneid", "hoso-officers", [dict(a) for a in DEMO_ACCOUNTS], []), 0),
        population=serve(PopulationSimulator("population", POPULATION_KEY), 0),
        messaging=serve(MessagingSimulator("messaging", MESSAGING_TOKEN), 0),
        esign=serve(EsignSimulator("esign"), 0),
    )
    yield servers
    for server in (servers.vneid, servers.population, servers.messaging, servers.esign):
        server.stop()


def account(role: str, unit: str = UNIT) -> dict[str, str]:
    return next(a for a in DEMO_ACCOUNTS if a["role"] == role and a["unit_code"] == unit)


def officer(role: str, unit: str = UNIT) -> OfficerProfile:
    profile = catalogue.get_officer(account(role, unit)["sub"])
    assert profile is not None
    return profile


def _app() -> Chalice:
    app = Chalice(app_name="hoso-notifications-test")
    for blueprint in (drafts_api.bp, notifications_api.bp, notes_api.bp, dossiers_api.bp):
        app.register_blueprint(blueprint)
    return app


APP = _app()


class World:
    def __init__(self, sims: Sims, client: Client) -> None:
        self.sims = sims
        self.client = client

    # --- dossiers --------------------------------------------------------------------------
    def desk_dossier(self, procedure: str = "1.001193") -> Dossier:
        """A dossier received at the desk: 1.001193 is due in one working day, 1.000105 (an
        enterprise's licence, no eForm) in fifteen."""
        payload = {**DESK_EXAMPLE, "MaTTHC": procedure, "MaDonViTiepNhan": UNIT}
        if procedure == "1.000105":
            payload.update(ChuHoSo="Công ty TNHH Thiết bị Y tế Sài Gòn", LoaiDoiTuong="2",
                           SoGiayToChuHoSo="0100109106", DuLieuBieuMau={})
        else:
            payload["DuLieuBieuMau"] = SAMPLE_FILLED[PROCEDURE_EFORMS[procedure]]
        return intake.receive_at_desk(payload, officer("desk"))

    def online_dossier(self, ref: str) -> Dossier:
        body = {k: v for k, v in DVCQG_EXAMPLE.items() if k != "TaiLieuNop"}  # no files to download here
        raw = json.dumps({**body, "MaHoSoDVCQG": ref, "MaDonViTiepNhan": UNIT}, ensure_ascii=False).encode()
        status, body = intake.receive_from_dvcqg(raw)  # as the route runs it, its signature verified
        assert status == 201, body
        found = dossier_service.dossiers.get(body["MaHoSo"])
        assert found is not None
        return found

    def act(self, code: str, role: str, action: str, **fields: Any) -> Dossier:
        return dossier_service.act(code, engine.ActionRequest(action_id=action, **fields), officer(role))

    # --- messages ----------------------------------------------------------------------------
    def messages(self, **params: str) -> list[dict[str, Any]]:
        answer = requests.get(f"{self.sims.messaging.url}/_sim/messages", params=params, timeout=5)
        answer.raise_for_status()
        return list(answer.json()["messages"])

    def mode(self, sim: RunningServer, **mode: Any) -> None:
        requests.post(f"{sim.url}/_sim/mode", json=mode, timeout=5).raise_for_status()

    # --- HTTP ------------------------------------------------------------------------------
    def token(self, role: str, unit: str = UNIT) -> str:
        number = account(role, unit)["SoDinhDanh"]
        answer = requests.post(f"{self.sims.vneid.url}/_sim/token", json={"SoDinhDanh": number}, timeout=10)
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    def call(self, method: str, path: str, role: str | None = None, unit: str = UNIT, body: Any = None,
             raw: bytes | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if role:
            headers["Authorization"] = f"Bearer {self.token(role, unit)}"
        data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
        return self.client.http.request(method, path, headers=headers, body=data)


def answer(response: Any) -> Any:
    return json.loads(response.body) if response.body else None


@pytest.fixture
def world(sims: Sims, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    env = {
        "VNEID_ISSUER": sims.vneid.url, "VNEID_JWKS_URL": f"{sims.vneid.url}/.well-known/jwks.json",
        "VNEID_AUDIENCE": "hoso-officers", "HOSO_DVCQG_HMAC_SECRET_ID": "hoso/test/dvcqg-hmac-keys",
        "ESIGN_BASE_URL": sims.esign.url,
    }
    own_secrets = {"hoso/test/dvcqg-hmac-keys": {HMAC_KEY_ID: HMAC_SECRET},
                   POPULATION_SECRET: {"api_key": POPULATION_KEY}, MESSAGING_SECRET: {"token": MESSAGING_TOKEN}}
    with aws_world(monkeypatch, env, secrets=own_secrets):
        configured = SimpleNamespace(**{
            **get_settings().model_dump(), "population_base_url": sims.population.url,
            "population_secret_id": POPULATION_SECRET, "messaging_base_url": sims.messaging.url,
            "messaging_secret_id": MESSAGING_SECRET,
        })
        monkeypatch.setattr(population, "get_settings", lambda: configured)
        monkeypatch.setattr(gateway, "get_settings", lambda: configured)
        for server in (sims.population, sims.messaging):
            requests.post(f"{server.url}/_sim/reset", timeout=5).raise_for_status()
        with Client(APP) as client:
            yield World(sims, client)
