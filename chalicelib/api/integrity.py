"""Tamper evidence (issue 15): verify a dossier's hash chain — administrators (any dossier of their
scope, with a printable report for an inspector) and the dossier's own officers (the dossier page's
"Nhật ký toàn vẹn" panel). Logic in ``chalicelib.integrity``."""

from __future__ import annotations

import uuid
from typing import Any

from chalice import Blueprint

from chalicelib.api.documents import Link
from chalicelib.api.routing import Access, json_response, route
from chalicelib.auth import current_principal
from chalicelib.documents import store as docstore
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.errors import not_found
from chalicelib.integrity import printed
from chalicelib.integrity.model import IntegrityReport
from chalicelib.integrity.service import verify_dossier
from chalicelib.services import admin_access
from chalicelib.services import dossiers as dossier_service
from chalicelib.settings import get_settings
from chalicelib.store import dossiers as repo

bp = Blueprint(__name__)
TAGS = ("Toàn vẹn nhật ký",)
ROLES = tuple(r.value for r in PROCESSING_ROLES)


def _admin_report(code: str) -> IntegrityReport:
    """The report, for an administrator whose scope holds the dossier (a province's: its province's dossiers;
    a dossier whose META is gone: the ministry's only)."""
    actor = admin_access.Administrator.of(current_principal().profile)
    dossier = repo.get(code)
    if dossier is None:
        admin_access.require_ministry(actor)
    else:
        admin_access.require_province(actor, dossier.province_code)
    report = verify_dossier(code)
    if report is None:
        raise not_found("Không tìm thấy hồ sơ.")
    return report


@route(bp, "/v1/admin/integrity/dossiers/{code}", "GET",
       summary="Kiểm tra tính toàn vẹn nhật ký xử lý của một hồ sơ: tính lại chuỗi băm, đối chiếu đầu chuỗi và "
               "các ngày đã neo; nêu những gì đã kiểm tra và từng sai lệch (mã ổn định)",
       access=Access.ADMIN, tags=TAGS, responses={200: IntegrityReport}, errors=(403, 404))
def admin_dossier_integrity(code: str) -> Any:
    return json_response(200, _admin_report(code).model_dump(mode="json"))


@route(bp, "/v1/admin/integrity/dossiers/{code}/report", "GET",
       summary="Biên bản kiểm tra tính toàn vẹn (PDF, để in cho thanh tra) — trả link PDF",
       access=Access.ADMIN, tags=TAGS, responses={200: Link}, errors=(403, 404))
def admin_dossier_integrity_report(code: str) -> Any:
    content = printed.render(_admin_report(code))
    bucket, key = get_settings().attachments_bucket, f"integrity/{code}/{uuid.uuid4().hex}.pdf"
    sha256, size = docstore.put_pdf(bucket, key, content)
    name = f"Kiểm tra toàn vẹn — {code}.pdf"
    return json_response(200, {"url": docstore.presigned_link(bucket, key, name, docstore.PDF),
                               "expires_in": docstore.LINK_TTL_S, "name": name, "sha256": sha256, "size": size})


@route(bp, "/v1/dossiers/{code}/integrity", "GET",
       summary="Nhật ký toàn vẹn của hồ sơ: chuỗi băm còn nguyên vẹn không, ngày neo gần nhất",
       access=Access.OFFICER, roles=ROLES, tags=("Hồ sơ",), responses={200: IntegrityReport}, errors=(404,))
def dossier_integrity(code: str) -> Any:
    dossier_service.visible_dossier(code, current_principal().profile)
    report = verify_dossier(code)
    if report is None:
        raise not_found("Không tìm thấy hồ sơ.")
    return json_response(200, report.model_dump(mode="json"))
