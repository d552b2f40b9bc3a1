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

Requests in the matrix that would change data when allowed are shaped to stop short of it (an
unknown action, a body the view rejects after its access checks, the unit's own data written back
unchanged); the writes themselves are completed by the probes at the end of this file, which
read the stored record back: a denied caller changes nothing, an allowed caller's write lands.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app import app
from chalicelib.api.openapi import registered
from chalicelib.api.routing import ROUTES, RouteSpec
from chalicelib.documents import templates as result_templates
from chalicelib.documents import trust
from chalicelib.domain.calendar import CalendarOverride
from chalicelib.domain.catalogue import OfficerProfile, RoleAssignment, Unit
from chalicelib.domain.officers import NewOfficer, officer_number_key
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.domain.variants import VariantIn
from chalicelib.post import service as post_service
from chalicelib.privacy import store as privacy_store
from chalicelib.services import variants as variant_service
from chalicelib.store import catalogue
from chalicelib.store import dossiers as dossier_store
from chalicelib.store import variants as variant_store
from local.eform_samples import SAMPLE_EFORMS
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT, MINISTRY_UNIT
from local.simulators.dvcqg import build_dossier
from tests.security.conftest import (
    CLIENT_PROCEDURE,
    PROCESSING,
    SCOPES,
    SIBLING_UNIT,
    Target,
    World,
    online_dossier,
)

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


_VARIANT_PATH: dict[str, Builder] = {"procedure_code": _const("9.999999"), "province_code": _const("79"),
                                     "number": _const("1")}

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
    # the coordinator signs like DVCQG (SPEC §7.7); a body without its step is refused after the signature
    ("POST", "/v1/coordinator/lien-thong/dossiers"): Rule(frozenset({"dvcqg"}), body=lambda w, t: build_dossier()),
    # DVCQG's later messages (an empty body: refused after the signature; escalations in test_dvcqg_messages.py)
    **{("POST", f"/v1/dvcqg/dossiers/{{dvcqg_ref}}/{kind}"): Rule(
        frozenset({"dvcqg"}), body=_const({}), path={"dvcqg_ref": _const("DVCQG-KHONG-CO")})
       for kind in ("supplements", "withdrawal", "payments")},
    ("POST", "/v1/specialised/dossiers/{code}/status"): Rule(frozenset({"client"}), body=_const({
        "event_id": "thu-quyen", "action": "khong_co_thao_tac_nay", "from_step": "khong_co", "status": 4})),
    ("POST", "/v1/specialised/dossiers/{code}/results"): Rule(frozenset({"client"}), body=_const({
        "event_id": "thu-quyen", "result_documents": [{"name": "kq.txt", "content_base64": "SGVsbG8="}]})),
    ("POST", "/v1/flows/callback"): Rule(frozenset({"client"}),
                                         body=_const({"task_token": "khong-co", "outcome": "progress"})),
    ("POST", "/v1/flows/documents"): Rule(frozenset({"client"}), body=_const({"task_token": "khong-co"})),
    # the coordination system (kind coordinator; the specialised "client" here lacks the capability: 403)
    ("POST", "/v1/coordinator/lien-thong/results"): Rule(frozenset({"client"}), body=_const({
        "MaBuocLienThong": "0" * 64, "KetQua": "progress"})),
    ("POST", "/v1/coordinator/consultations/opinions"): Rule(frozenset({"client"}), body=_const({
        "MaHoSo": "khong-co", "MaYeuCau": "khong-co", "YKien": "Thống nhất."})),
    ("POST", "/v1/coordinator/officer-roles"): Rule(frozenset({"client"}), body=_const({
        "SoDinhDanh": "không-hợp-lệ", "assignments": [], "version": 0})),
    ("POST", "/v1/post/tracking"): Rule(frozenset({"client"}), body=lambda w, t: {
        "orderNumber": t.dossier, "trackingNumber": "EB000000000VN", "status": "delivered"}),
    # every officer
    ("GET", "/v1/me"): Rule(OFFICERS),
    ("GET", "/v1/units"): Rule(OFFICERS),
    ("GET", "/v1/procedures"): Rule(OFFICERS),
    # self-service kiosks (SPEC §7.9): the kiosk caller of tests/security/conftest.py (``client@kiosk``)
    # holds the capability; the matrix's "client" (specialised software) is refused with 403
    # FORBIDDEN_CAPABILITY, everyone else with 401 (tests/integration/kiosks: what each gets)
    ("GET", "/v1/kiosk/procedures"): Rule(frozenset({"client"})),
    ("GET", "/v1/kiosk/procedures/{code}"): Rule(frozenset({"client"}), path={"code": _const(CLIENT_PROCEDURE)}),
    ("POST", "/v1/kiosk/lookups"): Rule(frozenset({"client"}), body=lambda w, t: {"code": t.dossier,
                                                                                 "token": "00000000"}),
    ("POST", "/v1/kiosk/receipts"): Rule(frozenset({"client"}), body=lambda w, t: {"code": t.dossier,
                                                                                  "token": "00000000"}),
    ("POST", "/v1/kiosk/drafts"): Rule(frozenset({"client"}), body=_const({"MaTTHC": ""})),
    ("POST", "/v1/units/{unit_code}/kiosk-drafts/{ticket}/take"): Rule(frozenset({"desk"}), UNIT,
                                                                      path={"ticket": _const("00000000")}),
    ("GET", "/v1/admin/kiosks"): Rule(ADMINS),
    ("POST", "/v1/admin/kiosks"): Rule(ADMINS, PROVINCE, body=lambda w, t: {
        "kiosk_id": f"sec-kiosk-{secrets.token_hex(4)}", "name": "Ki-ốt thử quyền", "unit_code": t.unit}),
    ("POST", "/v1/admin/kiosks/{kiosk_id}/revoke"): Rule(ADMINS, path={"kiosk_id": _const("khong-co")}),
    ("GET", "/v1/procedures/{code}"): Rule(OFFICERS, path={"code": _const(CLIENT_PROCEDURE)}),
    # processing officers, in their unit
    ("GET", "/v1/units/{unit_code}/officers"): Rule(P, UNIT),
    ("GET", "/v1/units/{unit_code}/worklist"): Rule(P, UNIT),
    ("GET", "/v1/units/{unit_code}/dvcqg-requests"): Rule(P, UNIT),
    ("GET", "/v1/units/{unit_code}/counters"): Rule(P, UNIT),
    ("GET", "/v1/units/{unit_code}/search"): Rule(P, UNIT),
    ("POST", "/v1/units/{unit_code}/search"): Rule(P, UNIT, body=_const({"so_giay_to": "079190023301",
                                                                         "criteria": {"qua_han": "1"}})),
    ("GET", "/v1/me/dossiers"): Rule(P),
    ("POST", "/v1/dossiers"): Rule(frozenset({"desk"}), UNIT, body=lambda w, t: {"MaDonViTiepNhan": t.unit}),
    ("POST", "/v1/uploads"): Rule(P, body=_const({"file_name": "to-khai.pdf"})),
    ("GET", "/v1/uploads/{upload_id}"): Rule(frozenset({"desk"}), OWNER),  # the own desk officer started it
    ("POST", "/v1/documents/sign-batch"): Rule(frozenset({"head", "leader", "clerk"}), body=lambda w, t: {
        "items": [{"code": t.dossier, "doc_id": t.doc_id}]}),
    # processing officers, on a dossier of their unit
    ("GET", "/v1/dossiers/{code}"): Rule(P, DOSSIER),
    ("GET", "/v1/dossiers/{code}/integrity"): Rule(P, DOSSIER),
    ("GET", "/v1/dossiers/{code}/lien-thong"): Rule(P, DOSSIER),
    ("GET", "/v1/units/{unit_code}/desk-link"): Rule(frozenset({"desk"}), UNIT, query={
        "thutuc": "1.004222", "quaylai": "http://127.0.0.1:8102/_sim/desk-intake/return"}),
    ("POST", "/v1/dossiers/{code}/actions"): Rule(P, DOSSIER, body=_const({"action": "khong_co_thao_tac_nay"})),
    # no withdrawal request is pending on the targets: the desk's decision stops there (409)
    ("POST", "/v1/dossiers/{code}/withdrawal-request"): Rule(frozenset({"desk"}), DOSSIER,
                                                             body=_const({"decision": "confirm"})),
    ("POST", "/v1/dossiers/{code}/documents"): Rule(P, DOSSIER, body=lambda w, t: {"upload_id": t.upload_id}),
    ("POST", "/v1/dossiers/{code}/results"): Rule(frozenset({"appraiser", "head", "leader", "clerk"}), DOSSIER,
                                                  body=_const({})),
    ("POST", "/v1/dossiers/{code}/documents/{doc_id}/sign"): Rule(frozenset({"head", "leader", "clerk"}), DOSSIER,
                                                                  body=_const({})),
    # digitising signs and replaces a scan: probed on a document id that is not there (the target's own
    # document stays for the other routes); tests/integration/documents/test_attachments.py completes it
    ("POST", "/v1/dossiers/{code}/documents/{doc_id}/digitise"): Rule(frozenset({"desk", "appraiser"}), DOSSIER,
                                                                      path={"doc_id": _const("khong-co")}),
    ("GET", "/v1/dossiers/{code}/results/draft"): Rule(P, DOSSIER),
    # an upload nobody started: refused after the access checks (404 for the upload, not the dossier)
    ("POST", "/v1/dossiers/{code}/results/upload"): Rule(frozenset({"appraiser", "head", "leader", "clerk"}),
                                                         DOSSIER, body=_const({"upload_id": "0" * 32,
                                                                               "number": "1/2026/QĐ"})),
    ("GET", "/v1/dossiers/{code}/documents/{doc_id}/verification"): Rule(P, DOSSIER),
    ("GET", "/v1/dossiers/{code}/documents/{doc_id}/link"): Rule(P, DOSSIER),
    ("GET", "/v1/dossiers/{code}/documents/{doc_id}/preview"): Rule(P, DOSSIER),
    ("GET", "/v1/dossiers/{code}/process"): Rule(P, DOSSIER),
    ("GET", "/v1/dossiers/{code}/sync"): Rule(P, DOSSIER),
    ("GET", "/v1/dossiers/{code}/forms/{form}"): Rule(P, DOSSIER, path={"form": _const("tiep-nhan")}),
    ("GET", "/v1/dossiers/{code}/forms"): Rule(P, DOSSIER),
    ("GET", "/v1/dossiers/{code}/payments"): Rule(P, DOSSIER),
    ("POST", "/v1/dossiers/{code}/payments"): Rule(frozenset({"desk", "appraiser", "head"}), DOSSIER,
                                                   body=_const({})),
    ("POST", "/v1/dossiers/{code}/post-order"): Rule(frozenset({"desk"}), DOSSIER,
                                                     body=_const({"sender": _PARTY, "receiver": _PARTY})),
    ("POST", "/v1/dossiers/{code}/delivery"): Rule(frozenset({"desk"}), DOSSIER, body=_const({
        "receiver": {"name": "Nguyễn Văn An", "id_number": "079203001234"}, "originals_checked": True})),
    ("GET", "/v1/dossiers/{code}/delivery"): Rule(P, DOSSIER),
    ("POST", "/v1/dossiers/{code}/payments/cash"): Rule(frozenset({"desk"}), DOSSIER,
                                                        body=_const({"amount": 0, "receipt_number": "1"})),
    # e-receipts: officers of the dossier's unit read them; its desk officers and heads cancel or replace
    ("GET", "/v1/dossiers/{code}/receipts"): Rule(P, DOSSIER),
    ("GET", "/v1/dossiers/{code}/receipts/{receipt_id}/file/{kind}"): Rule(
        P, DOSSIER, path={"receipt_id": _const("khong-co-1"), "kind": _const("pdf")}),
    ("POST", "/v1/dossiers/{code}/receipts/{receipt_id}/cancel"): Rule(
        frozenset({"desk", "head"}), DOSSIER, body=_const({"reason": "x"}), path={"receipt_id": _const("khong-co-1")}),
    ("POST", "/v1/dossiers/{code}/receipts/{receipt_id}/replace"): Rule(
        frozenset({"desk", "head"}), DOSSIER, body=_const({"reason": "x"}), path={"receipt_id": _const("khong-co-1")}),
    ("GET", "/v1/receipts/flagged"): Rule(frozenset({"desk", "head", "leader"})),
    ("GET", "/v1/ops/receipts/flagged"): Rule(OPERATORS),
    ("POST", "/v1/dossiers/{code}/post-quote"): Rule(frozenset({"desk"}), DOSSIER,
                                                     body=_const({"sender": _PARTY, "receiver": _PARTY})),
    ("GET", "/v1/units/{unit_code}/forms/{form}"): Rule(P, UNIT, path={"form": _const("so-theo-doi")},
                                                        query={"from": "2026-01-01", "to": "2026-01-02"}),
    ("GET", "/v1/dossiers/{code}/edata"): Rule(P, DOSSIER),
    # transfer to the competent unit: the holding unit's desk or leader; the matrix names the dossier's own unit
    # (refused after the access checks); tests/security/test_transfer_unit.py completes the write
    ("GET", "/v1/dossiers/{code}/competent-units"): Rule(P, DOSSIER),
    ("POST", "/v1/dossiers/{code}/transfer-unit"): Rule(frozenset({"desk", "leader"}), DOSSIER, body=lambda w, t: {
        "unit_code": t.unit, "reason": "Thử quyền"}),
    # a specialised software down (docs/specialised-outage.md): any officer sees the incidents of their own units;
    # continuing a held dossier in hoso is for the processing roles of its unit (the matrix's dossier waits for
    # no software: refused after the access checks with 409; tests/integration/partners/test_outage.py writes)
    ("GET", "/v1/specialised/incidents"): Rule(OFFICERS),
    ("POST", "/v1/dossiers/{code}/specialised/continue"): Rule(P, DOSSIER, body=_const({"reason": "Thử quyền"})),
    ("POST", "/v1/dossiers/{code}/edata/attach"): Rule(frozenset({"desk", "appraiser", "head"}), DOSSIER,
                                                       body=_const({"doc_type": "GCS", "item_id": "0" * 20})),
    # one-stop officers' drafts and national-database auto-fill (a draft belongs to its officer)
    ("GET", "/v1/drafts"): Rule(frozenset({"desk"})),
    ("PUT", "/v1/drafts/{draft_id}"): Rule(frozenset({"desk"}), body=_const({}),
                                           path={"draft_id": _const("ban-nhap-thu-quyen")}),
    ("GET", "/v1/drafts/{draft_id}"): Rule(frozenset({"desk"}), path={"draft_id": _const("khong-co")}),
    ("DELETE", "/v1/drafts/{draft_id}"): Rule(frozenset({"desk"}), path={"draft_id": _const("khong-co")}),
    ("POST", "/v1/edata/intake"): Rule(frozenset({"desk"}), UNIT, body=lambda w, t: {
        "don_vi": t.unit, "thu_tuc": "1.001193", "chu_ho_so": "001090012345"}),
    ("POST", "/v1/autofill/citizens"): Rule(frozenset({"desk"}),
                                            body=_const({"so_dinh_danh": "001090012345", "thu_tuc": "1.001193"})),
    ("POST", "/v1/declarations"): Rule(frozenset({"desk"}),
                                       body=lambda w, t: {"thu_tuc": "1.001193", "don_vi": t.unit}),
    # consultation between units: the consulted unit's processing officers (its list: UNIT); on a dossier the
    # request decides, not the dossier's unit — an unknown request is 404 for every officer allowed to ask;
    # tests/security/test_consultation_access.py completes the reads and the answer across units
    ("GET", "/v1/units/{unit_code}/consultations"): Rule(P, UNIT),
    ("GET", "/v1/consultations/outside-agencies"): Rule(P),
    ("GET", "/v1/dossiers/{code}/consultations/{consultation_id}"): Rule(
        P, path={"consultation_id": _const("khong-co")}),
    ("GET", "/v1/dossiers/{code}/consultations/{consultation_id}/documents/{doc_id}/link"): Rule(
        P, path={"consultation_id": _const("khong-co")}),
    ("POST", "/v1/dossiers/{code}/consultations/{consultation_id}/opinion"): Rule(
        P, body=_const({"opinion": "Thử quyền"}), path={"consultation_id": _const("khong-co")}),
    # every officer's own reminders
    ("GET", "/v1/me/notifications"): Rule(OFFICERS),
    ("POST", "/v1/me/notifications/{notification_id}/read"): Rule(OFFICERS,
                                                                  path={"notification_id": _const("khong-co")}),
    ("GET", "/v1/me/notification-settings"): Rule(OFFICERS),
    ("PUT", "/v1/me/notification-settings"): Rule(OFFICERS, body=_const({"email": None, "phone": None})),
    ("POST", "/v1/me/notifications/read-all"): Rule(OFFICERS),  # only ever the caller's own
    # an officer's private note: the key is the caller's own subject; body {} stops short of a write
    ("GET", "/v1/dossiers/{code}/note"): Rule(P, DOSSIER),
    # the assistant (FR-22): a question about a dossier reads it as GET /v1/dossiers/{code} does (the body names it)
    ("POST", "/v1/assistant/questions"): Rule(P, DOSSIER, body=lambda w, t: {
        "question": "Hồ sơ này còn thiếu gì, còn bao lâu?", "dossier_code": t.dossier}),
    ("GET", "/v1/assistant/procedures/{code}"): Rule(P, path={"code": _const("1.001193")}),
    ("PUT", "/v1/dossiers/{code}/note"): Rule(P, DOSSIER, body=_const({})),
    # administrators
    ("POST", "/v1/admin/edata/stats"): Rule(MINISTRY_ADMIN, body=_const({"owner": "0101243150"})),
    ("POST", "/v1/admin/personal-data/accesses"): Rule(ADMINS, body=_const({"so_dinh_danh": "079190000123"})),
    ("POST", "/v1/admin/processes/check"): Rule(ADMINS, body=_const({})),
    ("POST", "/v1/admin/procedures/deadline-check"): Rule(ADMINS, body=_const({
        "code": "1.001193", "process_code": "QT-MAC-DINH", "legal_deadline": {"value": 1, "unit": "working_days"}})),
    ("POST", "/v1/admin/processes"): Rule(MINISTRY_ADMIN, body=_const({})),
    ("GET", "/v1/admin/processes/{code}"): Rule(ADMINS, path={"code": _const("QT-MAC-DINH")}),
    ("PUT", "/v1/admin/eforms/{code}"): Rule(MINISTRY_ADMIN, body=_const({}), path={"code": _const("khong-co")}),
    ("PUT", "/v1/admin/procedures/{code}"): Rule(MINISTRY_ADMIN, body=_const({}), path={"code": _const("9.999999")}),
    ("PUT", "/v1/admin/calendar/{day}"): Rule(MINISTRY_ADMIN, body=_const({}), path={"day": _const("2030-01-02")}),
    ("GET", "/v1/admin/calendar"): Rule(ADMINS, query={"year": "2026"}),
    ("DELETE", "/v1/admin/calendar/{day}"): Rule(MINISTRY_ADMIN, path={"day": _const("2030-01-02")}),
    ("GET", "/v1/admin/officers"): Rule(ADMINS),  # a province admin: their own province (tests/e2e/test_admin.py)
    ("GET", "/v1/admin/processes"): Rule(ADMINS),
    # tamper evidence: a province admin verifies their province's dossiers, the ministry's any
    ("GET", "/v1/admin/integrity/dossiers/{code}"): Rule(ADMINS, PROVINCE),
    ("GET", "/v1/admin/integrity/dossiers/{code}/report"): Rule(ADMINS, PROVINCE),
    # a day's verdict is the country's; a province's administrator is shown only their province's chains
    # (tests/integration/integrity/test_day_verification.py); a day never anchored: 404 for the allowed
    ("GET", "/v1/admin/integrity/days/{day}"): Rule(ADMINS, path={"day": _const("2001-01-01")}),
    ("GET", "/v1/admin/integrity/days/{day}/report"): Rule(ADMINS, path={"day": _const("2001-01-01")}),
    ("POST", "/v1/admin/integrity/subjects"): Rule(ADMINS, body=_const({"so_dinh_danh": "079190000123"})),
    ("GET", "/v1/admin/processes/{code}/versions"): Rule(ADMINS, path={"code": _const("QT-MAC-DINH")}),
    # result templates: read by both administrators, published by the ministry's (the write completes in WRITE_PROBES)
    ("GET", "/v1/admin/result-templates/{procedure_code}"): Rule(
        ADMINS, path={"procedure_code": _const(CLIENT_PROCEDURE)}),
    ("POST", "/v1/admin/result-templates/{procedure_code}"): Rule(
        MINISTRY_ADMIN, path={"procedure_code": _const(CLIENT_PROCEDURE)}, body=_const({})),
    # the status chart: read by both administrators, published by the ministry's (an empty body: refused after
    # the access checks; the completed write is tested in tests/integration/store/test_status_chart.py)
    ("GET", "/v1/admin/status-chart"): Rule(ADMINS),
    ("POST", "/v1/admin/status-chart"): Rule(MINISTRY_ADMIN, body=_const({})),
    # locally specific processes: TP.HCM's administrator proposes for TP.HCM, the ministry's decides
    # (an empty body: refused by the view after the access checks; the writes complete in WRITE_PROBES)
    ("POST", "/v1/admin/variants"): Rule(frozenset({"province_admin"}), body=_const({})),
    ("GET", "/v1/admin/variants"): Rule(ADMINS),
    ("GET", "/v1/admin/variants/{procedure_code}/{province_code}"): Rule(ADMINS, path=_VARIANT_PATH),
    ("GET", "/v1/admin/variants/{procedure_code}/{province_code}/proposals/{number}"): Rule(
        ADMINS, path=_VARIANT_PATH),
    ("POST", "/v1/admin/variants/{procedure_code}/{province_code}/proposals/{number}/approve"): Rule(
        MINISTRY_ADMIN, path=_VARIANT_PATH),
    ("POST", "/v1/admin/variants/{procedure_code}/{province_code}/proposals/{number}/reject"): Rule(
        MINISTRY_ADMIN, path=_VARIANT_PATH, body=_const({})),
    ("GET", "/v1/admin/clients"): Rule(MINISTRY_ADMIN),
    ("POST", "/v1/admin/clients"): Rule(MINISTRY_ADMIN, body=_const({})),
    ("POST", "/v1/admin/clients/{client_id}/rotate"): Rule(MINISTRY_ADMIN, body=_const({}),
                                                           path={"client_id": _const("khong-co")}),
    ("POST", "/v1/admin/clients/{client_id}/revoke"): Rule(MINISTRY_ADMIN, path={"client_id": _const("khong-co")}),
    ("PUT", "/v1/admin/clients/{client_id}/grants"): Rule(MINISTRY_ADMIN, body=_const({}),
                                                          path={"client_id": _const("khong-co")}),
    ("GET", "/v1/admin/trust-roots"): Rule(MINISTRY_ADMIN),
    ("POST", "/v1/admin/trust-roots"): Rule(MINISTRY_ADMIN, body=_const({"pem": "khong-phai-pem"})),
    ("PUT", "/v1/admin/units/{code}"): Rule(ADMINS, PROVINCE, body=_unit_as_is,
                                            path={"code": lambda w, t: t.unit}),
    ("PUT", "/v1/admin/officers/{sub}"): Rule(ADMINS, PROVINCE, body=_probe_officer,
                                              path={"sub": lambda w, t: f"sec-probe-{t.scope}"}),
    ("POST", "/v1/admin/officers"): Rule(ADMINS, PROVINCE, body=lambda w, t: {
        **_probe_officer(w, t), "personal_number": _officer_number()}),
    # migration from provincial systems (docs/migration-run.md): runs over a province's units, a unit's intake switch
    ("POST", "/v1/admin/migration/runs"): Rule(ADMINS, body=_const({})),
    ("GET", "/v1/admin/migration/runs"): Rule(ADMINS),
    **{(method, f"/v1/admin/migration/runs/{{run_id}}{tail}"): Rule(ADMINS, path={"run_id": _const("khong-co")})
       for method, tail in (("GET", ""), ("GET", "/report"), ("POST", "/resume"), ("POST", "/undo"))},
    ("GET", "/v1/admin/migration/units/{code}/intake"): Rule(ADMINS, PROVINCE, path={"code": lambda w, t: t.unit}),
    # every unit takes intake on hoso already: the allowed get 409 INTAKE_ALREADY after the access checks
    ("PUT", "/v1/admin/migration/units/{code}/intake"): Rule(ADMINS, PROVINCE, body=_const({"system": "hoso"}),
                                                             path={"code": lambda w, t: t.unit}),
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
    ("GET", "/v1/ops/health"): Rule(OPERATORS),
    ("GET", "/v1/ops/flows/{code}"): Rule(OPERATORS),
    ("POST", "/v1/ops/flows/{code}/decision"): Rule(OPERATORS, body=_const({})),
    ("GET", "/v1/ops/specialised/incidents"): Rule(OPERATORS),
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


# --- writes that complete ------------------------------------------------------------------
#
# The matrix above proves who is *refused*; a request shaped to stop short of writing cannot show
# that an allowed-looking write did not escalate (a province admin rewriting a unit of another
# province with their own province code was "refused" as-is and accepted as rewritten). Each
# probe below is a real, valid write with a stored record behind it, made by every caller: a
# denied caller's attempt leaves the record exactly as it was (read back from the store), an
# allowed caller's write lands as written. Every admin write route needs a probe (or a reason
# in ``NOT_PROBED``), so a new one cannot ship without deciding who may change what.

_serial = iter(range(secrets.randbelow(800) * 100, 10**6))


@dataclass(frozen=True)
class Prepared:
    """One caller's attempt: the request, how to read the record back, and what an allowed write stores."""

    method: str
    path: str
    body: Any
    read: Callable[[], Any]
    wanted: Any


@dataclass(frozen=True)
class WriteProbe:
    name: str
    route: tuple[str, str]  # (method, route path) this probe covers
    allowed: frozenset[str]
    prepare: Callable[[World, str], Prepared]


def _unit_code(province: str) -> str:
    n = next(_serial)
    return f"{900 + n // 10000:03d}.{n // 100 % 100:02d}.{n % 100:02d}.{'G12' if not province else 'H' + province[-2:]}"


def _stored_unit(code: str) -> Callable[[], Any]:
    return lambda: catalogue.read_unit_for_update(code).value


def _unit_probe(old_province: str | None, new_province: str, parent: str | None = None) -> Callable[..., Prepared]:
    """Rewrite (or create, ``old_province`` None) a unit: rename it in place, or move it."""

    def prepare(world: World, caller: str) -> Prepared:
        code = _unit_code(old_province if old_province is not None else new_province)
        if old_province is not None:
            catalogue.put_unit(Unit(code=code, name="Đơn vị thử quyền", province_code=old_province))
        new = Unit(code=code, name=f"Đơn vị đã sửa bởi {caller}", province_code=new_province, parent_code=parent)
        return Prepared("PUT", f"/v1/admin/units/{code}", new.model_dump(mode="json"), _stored_unit(code), new)

    return prepare


def _officer_probe(stored: tuple[str, list[tuple[str, str]]] | None,
                   written: tuple[str, list[tuple[str, str]]]) -> Callable[..., Prepared]:
    """Rewrite (or create) an officer: (province, [(role, unit)]) as stored → as written."""

    def profile(sub: str, name: str, spec: tuple[str, list[tuple[str, str]]]) -> OfficerProfile:
        province, assignments = spec
        return OfficerProfile(sub=sub, name=name, province_code=province,
                              assignments=[RoleAssignment(role=r, unit_code=u) for r, u in assignments])

    def prepare(world: World, caller: str) -> Prepared:
        sub = f"sec-write-{next(_serial)}"
        if stored is not None:
            catalogue.put_officer(profile(sub, "Cán bộ thử quyền", stored))
        new = profile(sub, f"Cán bộ sửa bởi {caller}", written)
        return Prepared("PUT", f"/v1/admin/officers/{sub}", new.model_dump(mode="json"),
                        lambda: catalogue.get_officer(sub), new)

    return prepare


def _officer_number() -> str:
    """A fresh, valid personal number (born in TP.HCM, 1990)."""
    return f"079090{next(_serial):06d}"


def _officer_by_number_probe(province: str, role: str, unit: str) -> Callable[..., Prepared]:
    """Add an officer by personal number: a pending officer stored under the number's key."""

    def prepare(world: World, caller: str) -> Prepared:
        new = NewOfficer(personal_number=_officer_number(), name=f"Cán bộ thêm bởi {caller}", province_code=province,
                         assignments=[RoleAssignment(role=role, unit_code=unit)])
        pending = new.pending_profile(officer_number_key(new.personal_number, privacy_store.hmac_key()))
        return Prepared("POST", "/v1/admin/officers", new.model_dump(mode="json"),
                        lambda: catalogue.get_officer(pending.sub), pending)

    return prepare


def _procedure_probe(world: World, caller: str) -> Prepared:
    base = catalogue.get_procedure(CLIENT_PROCEDURE)
    assert base is not None
    code = f"9.9{next(_serial):05d}"
    catalogue.put_procedure(base.model_copy(update={"code": code, "name": "Thủ tục thử quyền"}))
    new = base.model_copy(update={"code": code, "name": f"Thủ tục sửa bởi {caller}", "separation_of_duties": True})
    return Prepared("PUT", f"/v1/admin/procedures/{code}", new.model_dump(mode="json"),
                    lambda: catalogue.get_procedure(code), new)


def _eform_probe(world: World, caller: str) -> Prepared:
    base = next(iter(SAMPLE_EFORMS.values()))
    code = f"TK-THU-QUYEN-{next(_serial)}"
    new = base.model_copy(update={"code": code})
    return Prepared("PUT", f"/v1/admin/eforms/{code}", new.model_dump(mode="json"),
                    lambda: catalogue.get_eform(code), new)


def _process_probe(world: World, caller: str) -> Prepared:
    code = f"QT-THU-QUYEN-{next(_serial)}"
    doc = {**DEFAULT_PROCESS.model_dump(mode="json"), "code": code, "version": 1, "published_at": None,
           "published_by": None}

    def read() -> Any:
        found = catalogue.get_process(code)
        return None if found is None else (found.code, found.version, found.published_by)

    return Prepared("POST", "/v1/admin/processes", doc, read, (code, 1, world.callers[caller].sub))


def _day(base: dt.date) -> dt.date:
    return base + dt.timedelta(days=next(_serial) % 3000)


def _intake_probe(province: str) -> Callable[..., Prepared]:
    """Close a (fresh) unit's intake on hoso: its new dossiers stay on the province's old system."""

    def prepare(world: World, caller: str) -> Prepared:
        code = _unit_code(province)
        catalogue.put_unit(Unit(code=code, name="Đơn vị thử quyền", province_code=province))
        return Prepared("PUT", f"/v1/admin/migration/units/{code}/intake", {"system": "old"},
                        lambda: catalogue.read_unit_for_update(code).value.intake_system, "old")  # type: ignore[union-attr]

    return prepare


def _calendar_put_probe(world: World, caller: str) -> Prepared:
    day = _day(dt.date(2040, 1, 1))
    new = CalendarOverride(date=day, kind="day_off", decision=f"Quyết định thử quyền ({caller})")
    return Prepared("PUT", f"/v1/admin/calendar/{day.isoformat()}", new.model_dump(mode="json"),
                    lambda: catalogue.get_calendar_override(day.isoformat()), new)


def _calendar_delete_probe(world: World, caller: str) -> Prepared:
    day = _day(dt.date(2050, 1, 1))
    catalogue.put_calendar_override(CalendarOverride(date=day, kind="working_day", decision="Quyết định thử quyền"))
    return Prepared("DELETE", f"/v1/admin/calendar/{day.isoformat()}", None,
                    lambda: catalogue.get_calendar_override(day.isoformat()), None)


def _trust_root_probe(world: World, caller: str) -> Prepared:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"CA thu quyen {next(_serial)}")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(key, hashes.SHA256()))
    fingerprint = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return Prepared("POST", "/v1/admin/trust-roots", {"pem": pem},
                    lambda: fingerprint in {r.fingerprint for r in trust.list_roots()}, True)


def _variant_procedure() -> str:
    """A fresh procedure (a copy of the birth registration, on the default process) per attempt."""
    base = catalogue.get_procedure(CLIENT_PROCEDURE)
    assert base is not None
    code = f"9.8{next(_serial):05d}"
    catalogue.put_procedure(base.model_copy(update={"code": code, "name": "Thủ tục thử quy trình riêng"}))
    return code


def _variant_body(procedure_code: str, province_code: str) -> dict[str, Any]:
    return {"procedure_code": procedure_code, "province_code": province_code, "base_version": 1,
            "process": DEFAULT_PROCESS.model_dump(mode="json"), "note": "Quyết định thử quyền"}


def _variant_propose_probe(province_code: str) -> Callable[..., Prepared]:
    def prepare(world: World, caller: str) -> Prepared:
        code = _variant_procedure()

        def read() -> Any:
            proposals, _ = variant_store.history(code, province_code)
            return [(p.number, p.status.value, p.proposed_by) for p in proposals]

        return Prepared("POST", "/v1/admin/variants", _variant_body(code, province_code), read,
                        [(1, "pending", world.callers[caller].sub)])

    return prepare


def _variant_decision_probe(decision: str) -> Callable[..., Prepared]:
    def prepare(world: World, caller: str) -> Prepared:
        code = _variant_procedure()
        proposer = variant_service.Administrator(sub="quan-tri-tinh", ministry=False, province_code="79")
        variant_service.propose(proposer, VariantIn.model_validate(_variant_body(code, "79")),
                                dt.datetime.now(dt.UTC))

        def read() -> Any:
            proposals, versions = variant_store.history(code, "79")
            return ([(p.status.value, p.decided_by, p.reason) for p in proposals],
                    [(v.version, v.approved_by) for v in versions])

        sub = world.callers[caller].sub
        wanted = ([("approved", sub, "")], [(1, sub)]) if decision == "approve" else (
            [("rejected", sub, "Chưa đủ căn cứ")], [])
        return Prepared("POST", f"/v1/admin/variants/{code}/79/proposals/1/{decision}",
                        {"reason": "Chưa đủ căn cứ"} if decision == "reject" else None, read, wanted)

    return prepare


def _result_template_probe(world: World, caller: str) -> Prepared:
    code = _variant_procedure()  # a fresh procedure: its template starts at the built-in (version 0)
    _, built_in = result_templates.current(code)
    template = built_in.model_copy(update={"title": f"Thông báo kết quả ({caller})"})

    def read() -> Any:
        catalogue.clear_cache()  # read the stored versions, not this process's cache
        return result_templates.current(code)

    return Prepared("POST", f"/v1/admin/result-templates/{code}", {"version": 1, "template": template.model_dump()},
                    read, (1, template))


# Admin write routes without a probe here, and why.
NOT_PROBED = {
    ("POST", "/v1/admin/processes/check"): "reads only: validates a document and stores nothing",
    ("POST", "/v1/admin/status-chart"): "a published chart version changes every later process check of this shared "
                                        "stack; tests/integration/store/test_status_chart.py completes the write (a "
                                        "province administrator's refused, nothing stored; the ministry's lands)",
    ("POST", "/v1/admin/procedures/deadline-check"): "reads only: compares a deadline with a process, stores nothing",
    ("POST", "/v1/admin/edata/stats"): "reads only: counts an owner's e-data",
    ("POST", "/v1/admin/clients"): "integration clients: their capabilities are tested by the clients' own suite",
    ("POST", "/v1/admin/clients/{client_id}/rotate"): "integration clients (as above)",
    ("POST", "/v1/admin/clients/{client_id}/revoke"): "integration clients (as above)",
    ("PUT", "/v1/admin/clients/{client_id}/grants"): "integration clients (as above)",
    ("POST", "/v1/admin/kiosks"): "kiosks: a province's administrator registering another province's kiosk stores "
                                  "nothing (tests/integration/kiosks/test_kiosk_authorisation.py)",
    ("POST", "/v1/admin/kiosks/{kiosk_id}/revoke"): "kiosks: another province's kiosk stays active (as above)",
    ("POST", "/v1/admin/personal-data/accesses"): "reads only: who accessed a person's data (the query is itself "
                                                  "logged; tests/integration/documents/test_personal_data_access.py)",
    ("POST", "/v1/admin/migration/runs"): "a run needs an export in the migration bucket and the migration_run state "
                                          "machine: tests/integration/migration/test_run.py completes it (another "
                                          "province's administrator refused, nothing listed; the own province's lands)",
    ("POST", "/v1/admin/migration/runs/{run_id}/resume"): "resumes a failed run (as above: test_run.py)",
    ("POST", "/v1/admin/migration/runs/{run_id}/undo"): "removes a run's dossiers (as above: test_run.py)",
    ("POST", "/v1/admin/integrity/subjects"): "reads only: verifies a person's access-log chain (the check is itself "
                                              "logged; tests/integration/integrity/test_day_verification.py)",
}

ADMIN_ONLY = frozenset({"admin"})
BOTH_ADMINS = frozenset({"admin", "province_admin"})
UNIT_ROUTE, OFFICER_ROUTE = ("PUT", "/v1/admin/units/{code}"), ("PUT", "/v1/admin/officers/{sub}")
INTAKE_ROUTE = ("PUT", "/v1/admin/migration/units/{code}/intake")
HANOI, SIBLING, HCMC = HANOI_UNIT, SIBLING_UNIT, HCMC_UNIT
WRITE_PROBES = [
    # units: the stored unit's province governs; moving one between provinces is the ministry's act
    WriteProbe("rename a unit of the province", UNIT_ROUTE, BOTH_ADMINS, _unit_probe("79", "79")),
    WriteProbe("create a unit in the province, under one of its units", UNIT_ROUTE, BOTH_ADMINS,
               _unit_probe(None, "79", HCMC)),
    WriteProbe("create a unit in another province", UNIT_ROUTE, ADMIN_ONLY, _unit_probe(None, "01")),
    WriteProbe("rename another province's unit", UNIT_ROUTE, ADMIN_ONLY, _unit_probe("01", "01")),
    WriteProbe("take over another province's unit", UNIT_ROUTE, ADMIN_ONLY, _unit_probe("01", "79")),
    WriteProbe("take over a ministry unit", UNIT_ROUTE, ADMIN_ONLY, _unit_probe("", "79")),
    WriteProbe("move a unit of the province to another", UNIT_ROUTE, ADMIN_ONLY, _unit_probe("79", "01")),
    WriteProbe("move a unit of the province to the ministry", UNIT_ROUTE, ADMIN_ONLY, _unit_probe("79", "")),
    WriteProbe("hang a unit of the province under another province's", UNIT_ROUTE, ADMIN_ONLY,
               _unit_probe("79", "79", HANOI)),
    # officers and their roles: both the officer as stored and as written must be the caller's to manage
    WriteProbe("create an officer of the province", OFFICER_ROUTE, BOTH_ADMINS,
               _officer_probe(None, ("79", [("desk", HCMC)]))),
    WriteProbe("grant a processing role in another unit of the province", OFFICER_ROUTE, BOTH_ADMINS,
               _officer_probe(("79", [("desk", HCMC)]), ("79", [("desk", HCMC), ("appraiser", SIBLING)]))),
    WriteProbe("grant a role in another province's unit", OFFICER_ROUTE, ADMIN_ONLY,
               _officer_probe(("79", [("desk", HCMC)]), ("79", [("desk", HCMC), ("leader", HANOI)]))),
    WriteProbe("grant a role in a ministry unit", OFFICER_ROUTE, ADMIN_ONLY,
               _officer_probe(("79", [("desk", HCMC)]), ("79", [("desk", HCMC), ("leader", MINISTRY_UNIT)]))),
    WriteProbe("grant an administrator's role", OFFICER_ROUTE, ADMIN_ONLY,
               _officer_probe(("79", [("desk", HCMC)]), ("79", [("desk", HCMC), ("province_admin", HCMC)]))),
    WriteProbe("revoke a role held in a ministry unit", OFFICER_ROUTE, ADMIN_ONLY,
               _officer_probe(("79", [("desk", HCMC), ("appraiser", MINISTRY_UNIT)]), ("79", [("desk", HCMC)]))),
    WriteProbe("move an officer of the province to another", OFFICER_ROUTE, ADMIN_ONLY,
               _officer_probe(("79", [("desk", HCMC)]), ("01", [("desk", HANOI)]))),
    WriteProbe("take over another province's officer", OFFICER_ROUTE, ADMIN_ONLY,
               _officer_probe(("01", [("desk", HANOI)]), ("79", [("desk", HCMC)]))),
    WriteProbe("strip a fellow province administrator's role", OFFICER_ROUTE, ADMIN_ONLY,
               _officer_probe(("79", [("province_admin", HCMC)]), ("79", []))),
    # officers added by personal number (pending until their first login): the same limits
    WriteProbe("add an officer of the province by personal number", ("POST", "/v1/admin/officers"), BOTH_ADMINS,
               _officer_by_number_probe("79", "desk", HCMC)),
    WriteProbe("add an officer of another province by personal number", ("POST", "/v1/admin/officers"),
               ADMIN_ONLY, _officer_by_number_probe("01", "desk", HANOI)),
    WriteProbe("add an administrator by personal number", ("POST", "/v1/admin/officers"), ADMIN_ONLY,
               _officer_by_number_probe("79", "province_admin", HCMC)),
    # the ministry's catalogue
    WriteProbe("change a procedure", ("PUT", "/v1/admin/procedures/{code}"), ADMIN_ONLY, _procedure_probe),
    WriteProbe("create an eForm", ("PUT", "/v1/admin/eforms/{code}"), ADMIN_ONLY, _eform_probe),
    WriteProbe("publish a process", ("POST", "/v1/admin/processes"), ADMIN_ONLY, _process_probe),
    WriteProbe("publish a result template", ("POST", "/v1/admin/result-templates/{procedure_code}"), ADMIN_ONLY,
               _result_template_probe),
    # locally specific processes: proposed by the province's own administrator, decided by the ministry's
    WriteProbe("propose a variant for the own province", ("POST", "/v1/admin/variants"),
               frozenset({"province_admin"}), _variant_propose_probe("79")),
    WriteProbe("propose a variant for another province", ("POST", "/v1/admin/variants"), frozenset(),
               _variant_propose_probe("01")),
    WriteProbe("approve a province's variant",
               ("POST", "/v1/admin/variants/{procedure_code}/{province_code}/proposals/{number}/approve"),
               ADMIN_ONLY, _variant_decision_probe("approve")),
    WriteProbe("reject a province's variant",
               ("POST", "/v1/admin/variants/{procedure_code}/{province_code}/proposals/{number}/reject"),
               ADMIN_ONLY, _variant_decision_probe("reject")),
    # migration: a unit's intake switch (never two intakes in parallel), the province's own units only
    WriteProbe("close the intake of a unit of the province", INTAKE_ROUTE, BOTH_ADMINS, _intake_probe("79")),
    WriteProbe("close the intake of another province's unit", INTAKE_ROUTE, ADMIN_ONLY, _intake_probe("01")),
    WriteProbe("add a day off", ("PUT", "/v1/admin/calendar/{day}"), ADMIN_ONLY, _calendar_put_probe),
    WriteProbe("remove a make-up day", ("DELETE", "/v1/admin/calendar/{day}"), ADMIN_ONLY, _calendar_delete_probe),
    WriteProbe("trust a root CA", ("POST", "/v1/admin/trust-roots"), ADMIN_ONLY, _trust_root_probe),
]


def _status_of(answer: requests.Response) -> str:
    return f"{answer.status_code} {answer.text[:160]}"


def test_every_admin_write_route_has_a_completed_write_probe() -> None:
    writes = {(s.method, s.path) for s in served_routes() if s.path.startswith("/v1/admin/") and s.method != "GET"}
    probed = {p.route for p in WRITE_PROBES}
    missing = sorted(writes - probed - set(NOT_PROBED))
    assert not missing, f"admin write routes without a completed-write probe (WRITE_PROBES) or a reason: {missing}"
    assert not (probed | set(NOT_PROBED)) - writes, "probes or reasons for routes the app no longer serves"


@pytest.mark.parametrize("probe", WRITE_PROBES, ids=lambda p: p.name)
def test_admin_write_lands_only_for_the_allowed(world: World, probe: WriteProbe) -> None:
    problems = []
    for caller in CALLERS:
        prepared = probe.prepare(world, caller)
        before = prepared.read()
        answer = world.callers[caller].request(prepared.method, prepared.path, body=prepared.body)
        after = prepared.read()
        if answer.status_code >= 500:
            problems.append(f"{caller}: server error {_status_of(answer)}")
        elif caller in probe.allowed:
            if not 200 <= answer.status_code < 300 or after != prepared.wanted:
                problems.append(f"{caller}: the allowed write did not land: {_status_of(answer)}; stored {after!r}")
        elif 200 <= answer.status_code < 300 or after != before:
            problems.append(f"ESCALATION {caller}: {_status_of(answer)}; stored {before!r} → {after!r}")
    assert not problems, f"{probe.name} ({' '.join(probe.route)}):\n" + "\n".join(problems)


@pytest.mark.parametrize("scope", SCOPES)
def test_a_dossier_action_lands_only_for_an_officer_of_its_unit_with_the_role(world: World, scope: str) -> None:
    """Receiving an online dossier (tiếp nhận): every caller tries, the refused first; the dossier
    stays exactly as it was until the own unit's one-stop officer receives it."""
    target = world.targets[scope]
    code, _ = online_dossier(world.callers["dvcqg"], target.unit)
    allowed = {"desk"} if scope == "own" else set()
    problems = []
    for caller in sorted(CALLERS, key=lambda c: (c in allowed, c)):
        before = dossier_store.get(code)
        answer = world.callers[caller].act(code, "tiep_nhan")
        after = dossier_store.get(code)
        assert before is not None and after is not None
        if answer.status_code >= 500:
            problems.append(f"{caller}: server error {_status_of(answer)}")
        elif caller in allowed:
            if answer.status_code != 200 or (after.status, after.version) != (2, before.version + 1):
                problems.append(f"{caller}: the allowed action did not land: {_status_of(answer)}")
        elif 200 <= answer.status_code < 300 or after != before:
            problems.append(f"ESCALATION {caller}: {_status_of(answer)}; status {before.status} → {after.status}")
    assert not problems, f"tiếp nhận on the {scope} dossier:\n" + "\n".join(problems)


def _dossier_changing_routes() -> list[RouteSpec]:
    """Officers' routes that change a dossier: every non-GET route on ``/v1/dossiers/{code}/…``,
    and batch signing (its body names the dossier)."""
    return [s for s in served_routes() if s.method != "GET" and (
        s.path.startswith("/v1/dossiers/{code}/") or s.path == "/v1/documents/sign-batch")]


# A real request where the matrix's body stops short of writing.
REAL_BODIES: dict[tuple[str, str], Builder] = {
    ("POST", "/v1/dossiers/{code}/actions"): _const({"action": "tiep_nhan"}),
    ("PUT", "/v1/dossiers/{code}/note"): _const({"text": "Ghi chú thử quyền"}),
    ("POST", "/v1/dossiers/{code}/transfer-unit"): lambda w, t: {
        "unit_code": HCMC_UNIT if t.unit == HANOI_UNIT else HANOI_UNIT, "reason": "Thử quyền"},
}


def _stored_dossier(code: str) -> tuple[Any, ...]:
    """A dossier as stored: its record, its audit trail, its postal order."""
    return dossier_store.get(code), dossier_store.events(code), post_service.get_order(code)


def test_the_dossier_changing_routes_are_found() -> None:
    found = {(s.method, s.path) for s in _dossier_changing_routes()}
    assert {("POST", "/v1/dossiers/{code}/actions"), ("POST", "/v1/dossiers/{code}/results"),
            ("POST", "/v1/documents/sign-batch")} <= found


@pytest.mark.parametrize("spec", _dossier_changing_routes(), ids=lambda s: f"{s.method} {s.path}")
def test_a_refused_dossier_change_leaves_the_dossier_as_it_was(world: World, spec: RouteSpec) -> None:
    """Every caller the rules refuse tries the route on a fresh dossier of each scope (own unit,
    another unit of the province, another province); the dossier, its audit trail and its postal
    order read back exactly as before: nothing is written before the access checks."""
    rule = RULES[(spec.method, spec.path)]
    real = REAL_BODIES.get((spec.method, spec.path))
    problems = []
    for scope in SCOPES:
        base = world.targets[scope]
        code, doc_id = online_dossier(world.callers["dvcqg"], base.unit)
        target = Target(scope, base.unit, base.province, code, doc_id, base.upload_id)
        sent = Rule(rule.allowed, rule.scope, real or rule.body, rule.path, rule.query)
        for caller in CALLERS:
            if expected_allowed(rule, caller, target):
                continue
            before = _stored_dossier(code)
            answer = request_for(world, spec, sent, caller, target)
            if 200 <= answer.status_code < 300 or _stored_dossier(code) != before:
                problems.append(f"ESCALATION {caller} × {scope}: {_status_of(answer)}")
    assert not problems, f"{spec.method} {spec.path}:\n" + "\n".join(problems)
