"""Specialised software's callbacks against moto (in-process), through hoso's app over
``chalice.test.Client``: the dossiers, catalogue and counters tables, both buckets (results
under Object Lock, as infra declares it), the demo catalogue from ``local.seed``, and two
integration clients — one scoped to birth registration, one to another procedure. Officers act
through the services with their catalogue profiles."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib.auth import registry
from chalicelib.domain import engine
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.clients import Capability, ClientKind
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.services import dossiers as dossier_service
from chalicelib.services import intake
from chalicelib.store import catalogue, dossiers
from local import seed
from local.eform_samples import SAMPLE_FILLED
from local.simulators.accounts import DEMO_ACCOUNTS, HCMC_UNIT
from local.simulators.pdf import minimal_pdf
from tests.world import aws_world, seed_catalogue

REGION = "ap-southeast-1"
UNIT = HCMC_UNIT
PROCEDURE = "1.001193"
PDF = minimal_pdf("Trích lục khai sinh", ["TRICH LUC KHAI SINH"])
# The test software may report its officers' actions (as the seeded one), not a leader's.
SOFTWARE: dict[str, Any] = {"kind": ClientKind.SPECIALISED_SOFTWARE,
                            "capabilities": [Capability.SPECIALISED_STATUS, Capability.SPECIALISED_RESULTS],
                            "actions": seed.SPECIALISED_ACTIONS}


def officer(role: str, unit: str = UNIT) -> OfficerProfile:
    account = next(a for a in DEMO_ACCOUNTS if a["role"] == role and a["unit_code"] == unit)
    profile = catalogue.get_officer(account["sub"])
    assert profile is not None
    return profile


def pdf_document(name: str = "trich-luc-khai-sinh.pdf") -> dict[str, str]:
    return {"name": name, "component_code": "KQ-TLKS", "content_base64": base64.b64encode(PDF).decode()}


class World:
    def __init__(self, client: Client, token: str, other_token: str, death_token: str) -> None:
        self.client = client
        self.token = token  # scoped to 1.001193
        self.other_token = other_token  # scoped to another procedure
        self.death_token = death_token  # scoped to 1.000656 (the death chain's parent)

    def dossier(self) -> Dossier:
        """A birth registration received at the desk (status 2, step ``chuyen_xu_ly``)."""
        return self.dossier_of(PROCEDURE)

    def dossier_of(self, procedure_code: str) -> Dossier:
        procedure = catalogue.get_procedure(procedure_code)
        assert procedure is not None and procedure.eform_code is not None
        payload = {**DESK_EXAMPLE, "MaTTHC": procedure_code, "MaDonViTiepNhan": UNIT,
                   "DuLieuBieuMau": SAMPLE_FILLED[procedure.eform_code]}  # fmt: skip
        return intake.receive_at_desk(payload, officer("desk"))

    def act(self, code: str, role: str, action: str, **fields: Any) -> Dossier:
        return dossier_service.act(code, engine.ActionRequest(action_id=action, **fields), officer(role))

    def get(self, code: str) -> Dossier:
        dossier = dossiers.get(code)
        assert dossier is not None
        return dossier

    def post(self, path: str, body: Any, token: str | None = None) -> Any:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token or self.token}"}
        return self.client.http.post(path, headers=headers, body=json.dumps(body, ensure_ascii=False).encode())

    def status(self, code: str, body: dict[str, Any], token: str | None = None) -> Any:
        return self.post(f"/v1/specialised/dossiers/{code}/status", body, token)

    def results(self, code: str, body: dict[str, Any], token: str | None = None) -> Any:
        return self.post(f"/v1/specialised/dossiers/{code}/results", body, token)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with aws_world(monkeypatch, locked_results=True, seeded=False):
        seed_catalogue()
        token = registry.create_client("ho-tich-sw", "Phần mềm đăng ký, quản lý hộ tịch", [PROCEDURE], **SOFTWARE)
        other = registry.create_client("dat-dai-sw", "Phần mềm đất đai", ["1.004222"], **SOFTWARE)
        death = registry.create_client("khai-tu-sw", "Phần mềm hộ tịch (khai tử)", ["1.000656"], **SOFTWARE)
        with Client(app) as client:
            yield World(client, token, other, death)
