"""The authorisation matrix: every route the app serves × every caller (the eight officer roles,
an integration client, DVCQG signing, anonymous) × own unit / other unit of the province /
other province, through HTTP on the local stack, against the expectations declared in
``RULES`` below.

The matrix is generated from ``chalicelib.api.routing.ROUTES``: a route the app serves without
a rule here fails its test, so a new route cannot ship without someone deciding who may call it.

What "denied" means: no 2xx ever; 401 for callers without the right kind of credential, 403 for
a role or a unit that is not allowed — and, for a dossier of another unit, 404 with exactly the
body a dossier that does not exist gets (another unit's officer cannot even learn the code
exists). What "allowed" means: the request passes every access check (it may still be refused
for the dossier's state or the body's content); never a 5xx.

Requests that would change data when allowed are shaped to stop short of it (an unknown action,
a body the view rejects after its access checks, the unit's own data written back unchanged).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from app import app
from chalicelib.api.openapi import registered
from chalicelib.api.routing import ROUTES, RouteSpec
from chalicelib.store import catalogue
from local.simulators.dvcqg import build_dossier
from tests.security.conftest import CLIENT_PROCEDURE, PROCESSING, SCOPES, Target, World

GLOBAL, UNIT, DOSSIER, OWNER, PROVINCE = "global", "unit", "dossier", "owner", "province"
P = frozenset(PROCESSING)
OFFICERS = P | {"admin", "province_admin", "operator"}
ADMINS = frozenset({"admin", "province_admin"})
MINISTRY_ADMIN = frozenset({"admin"})
OPERATORS = frozenset({"operator", "admin"})
REPORTERS = frozenset({"head", "leader", "admin", "province_admin"})
EVERYONE = OFFICERS | {"client", "dvcqg", "anonymous"}
CALLERS = sorted(EVERYONE)
# 403 codes that mean "an access check refused you" (others are the process refusing an action).
ACCESS_CODES = frozenset({"FORBIDDEN", "NO_ROLE", "FORBIDDEN_UNIT", "FORBIDDEN_PROVINCE", "FORBIDDEN_PROCEDURE"})

Builder = Callable[[World, Target], Any]


@dataclass(frozen=True)
class Rule:
    """Who may call a route, and how its scope is decided.

    ``scope``: GLOBAL (no unit involved), UNIT (the ``unit_code`` in the path or body), DOSSIER
    (the dossier ``code`` in the path: another unit's dossier is a 404), OWNER (something one
    officer started, e.g. an upload: anyone else gets a 404), PROVINCE (administration of a
    unit's data: a province admin only in their province). ``path`` gives path parameters
    the default resolution (``code``, ``unit_code``, ``doc_id``, ``upload_id``) does not cover;
    ``query`` the query parameters a view checks before its access checks.
    """

    allowed: frozenset[str]
    scope: str = GLOBAL
    body: Builder | None = None
    path: dict[str, Builder] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)


def _unit_as_is(world: World, target: Target) -> dict[str, Any]:
    unit = catalogue.get_unit(target.unit)
    assert unit is not None
    return unit.model_dump(mode="json")


def _probe_officer(world: World, target: Target) -> dict[str, Any]:
    return {"sub": f"sec-probe-{target.scope}", "name": "Cán bộ thử quyền", "province_code": target.province,
            "assignments": [{"role": "desk", "unit_code": target.unit}]}


_PARTY = {"name": "Nguyễn Văn An", "phone": "0903829000", "address": "244 Điện Biên Phủ", "provinceCode": "79",
          "communeCode": "26740"}


def _const(value: Any) -> Builder:
    return lambda world, target: value


RULES: dict[tuple[str, str], Rule] = {
    # public
    ("GET", "/health"): Rule(EVERYONE),
    ("GET", "/openapi.json"): Rule(EVERYONE),
    ("GET", "/docs"): Rule(EVERYONE),
    ("GET", "/v1/public/dossiers/{code}"): Rule(EVERYONE),
    ("POST", "/v1/documents/verify"): Rule(EVERYONE, body=_const({"pdf_base64": "JVBERi0xLjQK"})),
    # the payment platform's callback carries its own MAC (MaXacThuc) in the body: nobody here can forge it
    ("POST", "/v1/payments/callback"): Rule(frozenset(), body=_const({})),
    # DVCQG and integration clients
    ("POST", "/v1/dvcqg/dossiers"): Rule(frozenset({"dvcqg"}), body=lambda w, t: build_dossier()),
    ("POST", "/v1/specialised/dossiers/{code}/status"): Rule(frozenset({"client"}), body=_const({
        "event_id": "thu-quyen", "action": "khong_co_thao_tac_nay", "from_step": "khong_co", "status": 4})),
    ("POST", "/v1/specialised/dossiers/{code}/results"): Rule(frozenset({"client"}), body=_const({
        "event_id": "thu-quyen", "result_documents": [{"name": "kq.txt", "content_base64": "SGVsbG8="}]})),
    ("POST", "/v1/flows/callback"): Rule(frozenset({"client"}),
                                         body=_const({"task_token": "khong-co", "outcome": "progress"})),
    ("POST", "/v1/post/tracking"): Rule(frozenset({"client"}), body=lambda w, t: {
        "orderNumber": t.dossier, "trackingNumber": "EB000000000VN", "status": "delivered"}),
    # every officer
    ("GET", "/v1/me"): Rule(OFFICERS),
    ("GET", "/v1/units"): Rule(OFFICERS),
    ("GET", "/v1/procedures"): Rule(OFFICERS),
    ("GET", "/v1/procedures/{code}"): Rule(OFFICERS, path={"code": _const(CLIENT_PROCEDURE)}),
    # processing officers, in their unit
    ("GET", "/v1/units/{unit_code}/officers"): Rule(P, UNIT),
    ("GET", "/v1/units/{unit_code}/worklist"): Rule(P, UNIT),
    ("GET", "/v1/units/{unit_code}/counters"): Rule(P, UNIT),
    ("GET", "/v1/units/{unit_code}/search"): Rule(P, UNIT),
    ("GET", "/v1/me/dossiers"): Rule(P),
    ("POST", "/v1/dossiers"): Rule(frozenset({"desk"}), UNIT, body=lambda w, t: {"MaDonViTiepNhan": t.unit}),
    ("POST", "/v1/uploads"): Rule(P, body=_const({"file_name": "to-khai.pdf"})),
    ("GET", "/v1/uploads/{upload_id}"): Rule(frozenset({"desk"}), OWNER),  # the own desk officer started it
    ("POST", "/v1/documents/sign-batch"): Rule(frozenset({"head", "leader", "clerk"}), body=lambda w, t: {
        "items": [{"code": t.dossier, "doc_id": t.doc_id}]}),
    # processing officers, on a dossier of their unit
    ("GET", "/v1/dossiers/{code}"): Rule(P, DOSSIER),
    ("POST", "/v1/dossiers/{code}/actions"): Rule(P, DOSSIER, body=_const({"action": "khong_co_thao_tac_nay"})),
    ("POST", "/v1/dossiers/{code}/documents"): Rule(P, DOSSIER, body=lambda w, t: {"upload_id": t.upload_id}),
    ("POST", "/v1/dossiers/{code}/results"): Rule(frozenset({"appraiser", "head", "leader", "clerk"}), DOSSIER,
                                                  body=_const({})),
    ("POST", "/v1/dossiers/{code}/documents/{doc_id}/sign"): Rule(frozenset({"head", "leader", "clerk"}), DOSSIER,
                                                                  body=_const({})),
    ("GET", "/v1/dossiers/{code}/documents/{doc_id}/verification"): Rule(P, DOSSIER),
    ("GET", "/v1/dossiers/{code}/documents/{doc_id}/link"): Rule(P, DOSSIER),
    ("GET", "/v1/dossiers/{code}/documents/{doc_id}/preview"): Rule(P, DOSSIER),
    ("GET", "/v1/dossiers/{code}/process"): Rule(P, DOSSIER),
    ("GET", "/v1/dossiers/{code}/sync"): Rule(P, DOSSIER),
    ("GET", "/v1/dossiers/{code}/forms/{form}"): Rule(P, DOSSIER, path={"form": _const("tiep-nhan")}),
    ("POST", "/v1/dossiers/{code}/payments"): Rule(frozenset({"desk", "appraiser", "head"}), DOSSIER,
                                                   body=_const({})),
    ("POST", "/v1/dossiers/{code}/post-order"): Rule(frozenset({"desk"}), DOSSIER,
                                                     body=_const({"sender": _PARTY, "receiver": _PARTY})),
    ("POST", "/v1/dossiers/{code}/delivery"): Rule(frozenset({"desk"}), DOSSIER, body=_const({
        "receiver": {"name": "Nguyễn Văn An", "id_number": "079203001234"}, "originals_checked": True})),
    ("GET", "/v1/dossiers/{code}/delivery"): Rule(P, DOSSIER),
    ("GET", "/v1/units/{unit_code}/forms/{form}"): Rule(P, UNIT, path={"form": _const("so-theo-doi")},
                                                        query={"from": "2026-01-01", "to": "2026-01-02"}),
    ("GET", "/v1/dossiers/{code}/edata"): Rule(P, DOSSIER),
    ("POST", "/v1/dossiers/{code}/edata/attach"): Rule(frozenset({"desk", "appraiser", "head"}), DOSSIER,
                                                       body=_const({"doc_type": "GCS", "item_id": "0" * 20})),
    # one-stop officers' drafts and national-database auto-fill (a draft belongs to its officer)
    ("GET", "/v1/drafts"): Rule(frozenset({"desk"})),
    ("PUT", "/v1/drafts/{draft_id}"): Rule(frozenset({"desk"}), body=_const({}),
                                           path={"draft_id": _const("ban-nhap-thu-quyen")}),
    ("GET", "/v1/drafts/{draft_id}"): Rule(frozenset({"desk"}), path={"draft_id": _const("khong-co")}),
    ("DELETE", "/v1/drafts/{draft_id}"): Rule(frozenset({"desk"}), path={"draft_id": _const("khong-co")}),
    ("POST", "/v1/autofill/citizens"): Rule(frozenset({"desk"}),
                                            body=_const({"so_dinh_danh": "001090012345", "thu_tuc": "1.001193"})),
    # every officer's own reminders
    ("GET", "/v1/me/notifications"): Rule(OFFICERS),
    ("POST", "/v1/me/notifications/{notification_id}/read"): Rule(OFFICERS,
                                                                  path={"notification_id": _const("khong-co")}),
    ("GET", "/v1/me/notification-settings"): Rule(OFFICERS),
    ("PUT", "/v1/me/notification-settings"): Rule(OFFICERS, body=_const({"email": None, "phone": None})),
    # administrators
    ("POST", "/v1/admin/edata/stats"): Rule(MINISTRY_ADMIN, body=_const({"owner": "0101243150"})),
    ("POST", "/v1/admin/personal-data/accesses"): Rule(ADMINS, body=_const({"so_dinh_danh": "079190000123"})),
    ("POST", "/v1/admin/processes/check"): Rule(ADMINS, body=_const({})),
    ("POST", "/v1/admin/processes"): Rule(MINISTRY_ADMIN, body=_const({})),
    ("GET", "/v1/admin/processes/{code}"): Rule(ADMINS, path={"code": _const("QT-MAC-DINH")}),
    ("PUT", "/v1/admin/eforms/{code}"): Rule(MINISTRY_ADMIN, body=_const({}), path={"code": _const("khong-co")}),
    ("PUT", "/v1/admin/procedures/{code}"): Rule(MINISTRY_ADMIN, body=_const({}), path={"code": _const("9.999999")}),
    ("PUT", "/v1/admin/calendar/{day}"): Rule(MINISTRY_ADMIN, body=_const({}), path={"day": _const("2030-01-02")}),
    ("GET", "/v1/admin/calendar"): Rule(ADMINS, query={"year": "2026"}),
    ("DELETE", "/v1/admin/calendar/{day}"): Rule(MINISTRY_ADMIN, path={"day": _const("2030-01-02")}),
    ("GET", "/v1/admin/officers"): Rule(ADMINS),  # a province admin: their own province (tests/e2e/test_admin.py)
    ("GET", "/v1/admin/processes"): Rule(ADMINS),
    ("GET", "/v1/admin/processes/{code}/versions"): Rule(ADMINS, path={"code": _const("QT-MAC-DINH")}),
    ("GET", "/v1/admin/clients"): Rule(MINISTRY_ADMIN),
    ("POST", "/v1/admin/clients"): Rule(MINISTRY_ADMIN, body=_const({})),
    ("POST", "/v1/admin/clients/{client_id}/rotate"): Rule(MINISTRY_ADMIN, body=_const({}),
                                                           path={"client_id": _const("khong-co")}),
    ("POST", "/v1/admin/clients/{client_id}/revoke"): Rule(MINISTRY_ADMIN, path={"client_id": _const("khong-co")}),
    ("GET", "/v1/admin/trust-roots"): Rule(MINISTRY_ADMIN),
    ("POST", "/v1/admin/trust-roots"): Rule(MINISTRY_ADMIN, body=_const({"pem": "khong-phai-pem"})),
    ("PUT", "/v1/admin/units/{code}"): Rule(ADMINS, PROVINCE, body=_unit_as_is,
                                            path={"code": lambda w, t: t.unit}),
    ("PUT", "/v1/admin/officers/{sub}"): Rule(ADMINS, PROVINCE, body=_probe_officer,
                                              path={"sub": lambda w, t: f"sec-probe-{t.scope}"}),
    # reports (FR-23…25, 27): a unit's heads and leaders; province roll-ups for administrators
    ("GET", "/v1/me/report-scopes"): Rule(REPORTERS),
    ("POST", "/v1/units/{unit_code}/reports"): Rule(frozenset({"head", "leader"}), UNIT,
                                                    body=_const({"period_from": "2026-01", "period_to": "2026-01"})),
    ("POST", "/v1/units/{unit_code}/reports/export"): Rule(frozenset({"head", "leader"}), UNIT, body=_const(
        {"period_from": "2026-01", "period_to": "2026-01", "format": "pdf"})),
    ("POST", "/v1/provinces/{province_code}/reports"): Rule(ADMINS, PROVINCE, body=_const(
        {"period_from": "2026-01", "period_to": "2026-01"}), path={"province_code": lambda w, t: t.province}),
    ("POST", "/v1/provinces/{province_code}/reports/export"): Rule(ADMINS, PROVINCE, body=_const(
        {"period_from": "2026-01", "period_to": "2026-01", "format": "xlsx"}),
        path={"province_code": lambda w, t: t.province}),
    ("GET", "/v1/me/report-templates"): Rule(REPORTERS),
    ("POST", "/v1/me/report-templates"): Rule(REPORTERS, body=_const({})),
    ("PUT", "/v1/me/report-templates/{template_id}"): Rule(REPORTERS, body=_const({}),
                                                           path={"template_id": _const("khong-co")}),
    ("DELETE", "/v1/me/report-templates/{template_id}"): Rule(REPORTERS, path={"template_id": _const("khong-co")}),
    ("GET", "/v1/public/statistics/{province_code}"): Rule(EVERYONE, path={"province_code": _const("79")}),
    # operators
    ("GET", "/v1/ops/flows/{code}"): Rule(OPERATORS),
    ("POST", "/v1/ops/flows/{code}/decision"): Rule(OPERATORS, body=_const({})),
    ("GET", "/v1/ops/dossiers/{code}/sync"): Rule(OPERATORS),
    ("POST", "/v1/ops/dossiers/{code}/resync"): Rule(OPERATORS, body=_const({"destination": "khong-co"})),
    ("POST", "/v1/ops/sync/{destination}/redrive"): Rule(OPERATORS, path={"destination": _const("khong-co")}),
}

DEFAULT_PATH: dict[str, Builder] = {
    "code": lambda w, t: t.dossier,
    "unit_code": lambda w, t: t.unit,
    "doc_id": lambda w, t: t.doc_id,
    "upload_id": lambda w, t: t.upload_id,
}


def served_routes() -> list[RouteSpec]:
    served = registered(app)
    return sorted((s for s in ROUTES if (s.path, s.method) in served), key=lambda s: (s.path, s.method))


def expected_allowed(rule: Rule, caller: str, target: Target) -> bool:
    if caller not in rule.allowed:
        return False
    if rule.scope in (UNIT, DOSSIER, OWNER):
        return target.scope == "own"
    if rule.scope == PROVINCE:
        return caller == "admin" or target.province == "79"  # the province admin under test is TP.HCM's
    return True


def request_for(world: World, spec: RouteSpec, rule: Rule, caller: str, target: Target) -> requests.Response:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        builder = rule.path.get(name) or DEFAULT_PATH.get(name)
        assert builder is not None, f"{spec.method} {spec.path}: no value for path parameter {{{name}}} in RULES"
        return str(builder(world, target))

    path = re.sub(r"{(\w+)}", fill, spec.path)
    body = rule.body(world, target) if rule.body else None
    return world.callers[caller].request(spec.method, path, body=body, params=rule.query or None)


def _verdict(world: World, rule: Rule, caller: str, allowed: bool, answer: requests.Response) -> str | None:
    """None when the answer is what the matrix expects, else why not."""
    status = answer.status_code
    try:
        payload = answer.json()
    except ValueError:
        payload = {}
    code = payload.get("error_code") if isinstance(payload, dict) else None
    if status >= 500:
        return f"server error {status}"
    if allowed:
        if status == 401 or (status == 403 and code in ACCESS_CODES):
            return f"refused an allowed caller: {status} {code}"
        if rule.scope == DOSSIER and status == 404 and payload == world.not_found_body:
            return "own unit's dossier answered as not found"
        return None
    if 200 <= status < 300:
        return f"LEAK: {status} where denial was expected"
    if caller in ("anonymous", "client", "dvcqg") and rule.allowed != frozenset({caller}):
        return None if status == 401 else f"expected 401 for {caller}, got {status} {code}"
    if rule.scope == OWNER:
        return None if status in (401, 403, 404) else f"expected 401/403/404, got {status} {code}"
    if caller not in rule.allowed:
        return None if status in (401, 403) else f"expected 401/403, got {status} {code}"
    if rule.scope == DOSSIER:
        return None if status == 404 and payload == world.not_found_body else (
            f"another unit's dossier must look like a missing one (404 {world.not_found_body}), got {status} {payload}")
    return None if status == 403 and code in ACCESS_CODES else f"expected an access 403, got {status} {code}"


def test_the_app_serves_routes_and_every_one_has_a_rule() -> None:
    routes = served_routes()
    assert len(routes) >= 40, "the route table looks empty"
    missing = [f"{s.method} {s.path}" for s in routes if (s.method, s.path) not in RULES]
    assert not missing, f"routes without an authorisation rule in tests/security RULES: {missing}"


@pytest.mark.parametrize("spec", served_routes(), ids=lambda s: f"{s.method} {s.path}")
def test_route_access_matrix(world: World, spec: RouteSpec) -> None:
    rule = RULES.get((spec.method, spec.path))
    assert rule is not None, f"{spec.method} {spec.path} has no rule in RULES: decide who may call it"
    scopes = SCOPES if rule.scope != GLOBAL else ("own",)
    problems = []
    for scope in scopes:
        target = world.targets[scope]
        for caller in CALLERS:
            allowed = expected_allowed(rule, caller, target)
            answer = request_for(world, spec, rule, caller, target)
            why = _verdict(world, rule, caller, allowed, answer)
            if why:
                problems.append(f"{caller} × {scope}: {why} — {answer.text[:200]}")
    assert not problems, f"{spec.method} {spec.path}:\n" + "\n".join(problems)
