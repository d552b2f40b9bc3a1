"""Reports against moto (in-process): fresh tables (dossiers, catalogue, counters as infra
declares them) and both buckets per test, the demo catalogue of ``local.seed``, the
VNeID simulator for officers' tokens and the eSign simulator the seed trusts. Officers act
through the services (the dossiers' real transactions); routes are driven on hoso's app with
``chalice.test.Client``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from chalice.test import Client

from app import app as hoso_app
from chalicelib.domain import engine
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.services import dossiers as dossier_service
from chalicelib.services import intake
from chalicelib.store import catalogue
from local.eform_samples import PROCEDURE_EFORMS, SAMPLE_FILLED
from local.simulators.accounts import DEMO_ACCOUNTS, HCMC_UNIT
from local.simulators.base import RunningServer, serve
from local.simulators.esign import EsignSimulator
from local.simulators.vneid import VneidSimulator
from tests.world import aws_world

REGION = "ap-southeast-1"
UNIT = HCMC_UNIT


@dataclass
class Sims:
    vneid: RunningServer
    esign: RunningServer


@pytest.fixture(scope="package")
def sims() -> Iterator[Sims]:
    servers = Sims(vneid=serve(VneidSimulator("vneid", "hoso-officers", [dict(a) for a in DEMO_ACCOUNTS], []), 0),
                   esign=serve(EsignSimulator("esign"), 0))
    yield servers
    servers.vneid.stop()
    servers.esign.stop()


def account(role: str, unit: str = UNIT) -> dict[str, str]:
    return next(a for a in DEMO_ACCOUNTS if a["role"] == role and a["unit_code"] == unit)


def officer(role: str, unit: str = UNIT) -> OfficerProfile:
    profile = catalogue.get_officer(account(role, unit)["sub"])
    assert profile is not None
    return profile


class World:
    def __init__(self, sims: Sims, client: Client) -> None:
        self.sims = sims
        self.client = client

    def desk_dossier(self, procedure: str = "1.001193", unit: str = UNIT) -> Dossier:
        payload = {**DESK_EXAMPLE, "MaTTHC": procedure, "MaDonViTiepNhan": unit}
        if procedure == "1.000105":
            payload.update(ChuHoSo="Công ty TNHH Thiết bị Y tế Sài Gòn", LoaiDoiTuong="2",
                           SoGiayToChuHoSo="0100109106", DuLieuBieuMau={})
        else:
            payload["DuLieuBieuMau"] = SAMPLE_FILLED[PROCEDURE_EFORMS[procedure]]
        return intake.receive_at_desk(payload, officer("desk", unit))

    def act(self, code: str, role: str, action: str, **fields: Any) -> Dossier:
        return dossier_service.act(code, engine.ActionRequest(action_id=action, **fields), officer(role))

    def token(self, role: str, unit: str = UNIT) -> str:
        number = account(role, unit)["SoDinhDanh"]
        answer = requests.post(f"{self.sims.vneid.url}/_sim/token", json={"SoDinhDanh": number}, timeout=10)
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    def call(self, method: str, path: str, role: str, unit: str = UNIT, body: Any = None) -> Any:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.token(role, unit)}"}
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
        return self.client.http.request(method, path, headers=headers, body=data)


def answer(response: Any) -> Any:
    return json.loads(response.body) if response.body else None


@pytest.fixture
def world(sims: Sims, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    env = {"VNEID_ISSUER": sims.vneid.url, "VNEID_JWKS_URL": f"{sims.vneid.url}/.well-known/jwks.json",
           "VNEID_AUDIENCE": "hoso-officers", "ESIGN_BASE_URL": sims.esign.url}
    with aws_world(monkeypatch, env), Client(hoso_app) as client:
        yield World(sims, client)
