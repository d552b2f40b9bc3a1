"""The security suite runs against the whole local stack (one per process, shared with the e2e
tier when it runs first; see ``tests/security/stack.py``).

``world`` sets up, once per session, what the authorisation matrix and the IDOR tests need:

- three targets, each with a unit, an online dossier carrying a document, and an upload
  started by that unit's one-stop officer: **own** (TP.HCM's department, where the officers
  under test work), **other_unit** (a second unit of the same province, created here) and
  **other_province** (Hà Nội's department);
- a caller for every role (the TP.HCM officers, the province's admin, the ministry's admin and
  operator), an integration client scoped to one procedure, DVCQG signing its requests, and
  an anonymous caller; and each integration client the local stack seeds, with its credential.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from chalicelib.auth import registry
from chalicelib.domain.catalogue import OfficerProfile, RoleAssignment, Unit
from chalicelib.domain.clients import Capability, ClientKind
from chalicelib.store import catalogue
from local.simulators.accounts import DEMO_ACCOUNTS, HANOI_UNIT, HCMC_UNIT, MINISTRY_UNIT
from local.simulators.dvcqg import build_dossier
from local.stack import LocalStack
from tests.security.stack import Caller, DvcqgCaller, officer, shared_stack, simulator_url

SIBLING_UNIT = "000.00.14.H29"  # a second unit of TP.HCM (province 79), created by the fixture
PROCESSING = ("desk", "head", "appraiser", "leader", "clerk")
SCOPES = ("own", "other_unit", "other_province")
CLIENT_PROCEDURE = "1.001193"


@dataclass(frozen=True)
class Target:
    scope: str
    unit: str
    province: str
    dossier: str
    doc_id: str
    upload_id: str


@dataclass
class World:
    stack: LocalStack
    callers: dict[str, Caller]
    targets: dict[str, Target]
    desks: dict[str, Caller] = field(default_factory=dict)  # unit → its one-stop officer
    not_found_body: dict[str, Any] = field(default_factory=dict)  # GET of a dossier that does not exist
    seeded_clients: dict[str, Caller] = field(default_factory=dict)  # client id → the stack's seeded client


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    with shared_stack() as running:
        yield running


def _demo(role: str, unit: str) -> dict[str, str]:
    return next(a for a in DEMO_ACCOUNTS if a["role"] == role and a["unit_code"] == unit)


def _add_sibling_unit(stack: LocalStack) -> Caller:
    """The second TP.HCM unit and its one-stop officer (in hoso's catalogue and in VNeID)."""
    catalogue.put_unit(Unit(code=SIBLING_UNIT, name="Trung tâm Phục vụ hành chính công (thử nghiệm bảo mật)",
                            province_code="79"))
    number = "079190" + f"{secrets.randbelow(10**6):06d}"
    sub = str(uuid.uuid5(uuid.NAMESPACE_URL, f"hoso-security:{SIBLING_UNIT}:desk"))
    account = {"sub": sub, "SoDinhDanh": number, "HoVaTen": "Mai Thị Thu Sương", "ThuDienTu": "mtt.suong@tphcm.gov.vn",
               "SoDienThoai": "0908023399", "role": "desk", "unit_code": SIBLING_UNIT, "province_code": "79"}
    requests.post(f"{simulator_url(stack, 'vneid')}/_sim/accounts", json=account, timeout=10).raise_for_status()
    catalogue.put_officer(OfficerProfile(sub=sub, name=account["HoVaTen"], title="Chuyên viên",
                                         department="Bộ phận Một cửa", province_code="79",
                                         assignments=[RoleAssignment(role="desk", unit_code=SIBLING_UNIT)]))
    return officer(stack, "desk@other_unit", sub, SIBLING_UNIT)


def _seeded_clients(stack: LocalStack) -> dict[str, Caller]:
    """The integration clients the local stack seeds (local/seed.py), each with the credential its
    simulator uses (``<client_id>.<secret>`` among the stack's shared secrets)."""
    registered = {c.client_id for c in registry.list_clients()}
    found = {}
    for value in stack._shared_secrets().values():
        client_id, _, secret = value.partition(".")
        if client_id in registered and secret:
            found[client_id] = Caller(stack.api_url, f"client:{client_id}", f"Bearer {value}", sub=client_id)
    assert found, "the local stack seeds no integration client with a known credential"
    return found


def online_dossier(dvcqg: Caller, unit: str) -> tuple[str, str]:
    body = build_dossier(overrides={"MaDonViTiepNhan": unit})
    answer = dvcqg.post("/v1/dvcqg/dossiers", body)
    assert answer.status_code == 201, answer.text
    return answer.json()["MaHoSo"], body["TaiLieuNop"][0]["TepDinhKemId"]


def _upload(desk: Caller) -> str:
    answer = desk.post("/v1/uploads", {"file_name": "don-de-nghi.pdf"})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["upload"]["id"])


# The caller holding each client route's capability.
CLIENT_FOR = {Capability.SPECIALISED_STATUS: "client", Capability.SPECIALISED_RESULTS: "client",
              Capability.FLOW_CALLBACK: "client@agency", Capability.POST_TRACKING: "client@postal",
              Capability.KIOSK: "client@kiosk", Capability.COORDINATOR_RESULTS: "client@coordinator",
              Capability.COORDINATOR_ROLES: "client@coordinator", Capability.COORDINATOR_OPINIONS: "client@coordinator"}


@pytest.fixture(scope="session")
def world(stack: LocalStack) -> World:
    api = stack.api_url
    callers: dict[str, Caller] = {}
    for role in PROCESSING:
        callers[role] = officer(stack, role, _demo(role, HCMC_UNIT)["sub"], HCMC_UNIT)
    callers["province_admin"] = officer(stack, "province_admin", _demo("province_admin", HCMC_UNIT)["sub"], HCMC_UNIT)
    callers["admin"] = officer(stack, "admin", _demo("admin", MINISTRY_UNIT)["sub"], MINISTRY_UNIT)
    callers["operator"] = officer(stack, "operator", _demo("operator", MINISTRY_UNIT)["sub"], MINISTRY_UNIT)
    client_id = f"sec-{secrets.token_hex(4)}"
    token = registry.create_client(client_id, "Phần mềm chuyên ngành (thử nghiệm bảo mật)", [CLIENT_PROCEDURE],
                                   kind=ClientKind.SPECIALISED_SOFTWARE,
                                   capabilities=[Capability.SPECIALISED_STATUS, Capability.SPECIALISED_RESULTS])
    callers["client"] = Caller(api, "client", f"Bearer {token}", sub=client_id)
    # one client of each other kind that calls hoso, each with its own route (issue 11): they
    # are not in the matrix's callers; tests that need a given client route use them
    for kind, capability in ((ClientKind.AGENCY, Capability.FLOW_CALLBACK),
                             (ClientKind.POSTAL_SERVICE, Capability.POST_TRACKING)):
        other = registry.create_client(f"{client_id}-{kind.value}", f"{kind.label} (thử nghiệm bảo mật)",
                                       [CLIENT_PROCEDURE], kind=kind, capabilities=[capability])  # fmt: skip
        callers[CLIENT_FOR[capability]] = Caller(api, CLIENT_FOR[capability], f"Bearer {other}")
    kiosk = registry.create_client(f"{client_id}-kiosk", "Ki-ốt (thử nghiệm bảo mật)", [], kind=ClientKind.KIOSK,
                                   capabilities=[Capability.KIOSK], unit_code=HCMC_UNIT)  # fmt: skip
    callers[CLIENT_FOR[Capability.KIOSK]] = Caller(api, CLIENT_FOR[Capability.KIOSK], f"Bearer {kiosk}")
    coordinator = registry.create_client(f"{client_id}-coordinator", "Hệ thống điều phối (thử nghiệm bảo mật)", [],
                                         kind=ClientKind.COORDINATOR,
                                         capabilities=[Capability.COORDINATOR_RESULTS, Capability.COORDINATOR_ROLES,
                                                       Capability.COORDINATOR_OPINIONS])
    callers["client@coordinator"] = Caller(api, "client@coordinator", f"Bearer {coordinator}")
    callers["dvcqg"] = DvcqgCaller(api, "dvcqg")
    callers["anonymous"] = Caller(api, "anonymous")

    desks = {
        HCMC_UNIT: callers["desk"],
        SIBLING_UNIT: _add_sibling_unit(stack),
        HANOI_UNIT: officer(stack, "desk@other_province", _demo("desk", HANOI_UNIT)["sub"], HANOI_UNIT),
    }
    targets = {}
    for scope, unit, province in (("own", HCMC_UNIT, "79"), ("other_unit", SIBLING_UNIT, "79"),
                                  ("other_province", HANOI_UNIT, "01")):
        code, doc_id = online_dossier(callers["dvcqg"], unit)
        targets[scope] = Target(scope, unit, province, code, doc_id, _upload(desks[unit]))
    missing = callers["desk"].get(f"/v1/dossiers/{HCMC_UNIT}-000101-9999")
    assert missing.status_code == 404, missing.text
    return World(stack, callers, targets, desks, missing.json(), seeded_clients=_seeded_clients(stack))


def pdf_base64() -> str:
    """A small well-formed PDF, base64 (for bodies that carry a file)."""
    pdf = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
           b"trailer<</Root 1 0 R>>\n%%EOF\n")
    return base64.b64encode(pdf).decode()
