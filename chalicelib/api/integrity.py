"""Tamper evidence (issue 15): verify a dossier's hash chain — administrators (any dossier of their
scope, with a printable report for an inspector) and the dossier's own officers (the dossier page's
"Nhật ký toàn vẹn" panel); an anchored day (administrators: the admin screen's "Toàn vẹn" section, with
a printable report) and one person's personal-data access log (beside "Truy cập dữ liệu cá nhân").
Logic in ``chalicelib.integrity``."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from chalice import Blueprint

from chalicelib.api.documents import Link
from chalicelib.api.edata import SubjectIn
from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth.caller import current_principal
from chalicelib.documents import store as docstore
from chalicelib.domain.roles import PROCESSING_ROLES
from chalicelib.errors import HosoError, not_found
from chalicelib.integrity import printed
from chalicelib.integrity.days import DayIntegrityReport, verify_day
from chalicelib.integrity.model import IntegrityReport
from chalicelib.integrity.service import verify_dossier, verify_subject
from chalicelib.privacy import service as access_log
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


def _day_report(day: str) -> DayIntegrityReport:
    """The day's verification, for an administrator: a province's sees its province's dossiers and subjects."""
    try:
        dt.date.fromisoformat(day)
        valid = len(day) == 10
    except ValueError:
        valid = False
    if not valid:
        raise HosoError("INVALID_DAY", "Ngày không hợp lệ: nhập theo dạng NNNN-TT-NN, ví dụ 2026-12-07.", 422)
    actor = admin_access.Administrator.of(current_principal().profile)
    if not actor.ministry and actor.province_code is None:
        admin_access.require_ministry(actor)
    report = verify_day(day, None if actor.ministry else actor.province_code)
    if report is None:
        raise not_found(f"Ngày {day} chưa được neo (việc neo chạy sau khi ngày kết thúc).")
    return report


@route(bp, "/v1/admin/integrity/days/{day}", "GET",
       summary="Kiểm tra tính toàn vẹn một ngày đã neo: dựng lại các lá từ sự kiện đang lưu, tính lại gốc Merkle, so "
               "với gốc đã neo, kiểm tra dấu thời gian RFC 3161; nêu những gì đã kiểm tra, từng sai lệch và các hồ sơ, "
               "chủ thể trong ngày (quản trị cấp tỉnh: của tỉnh mình)",
       access=Access.ADMIN, tags=TAGS, responses={200: DayIntegrityReport}, errors=(403, 404, 422))
def admin_day_integrity(day: str) -> Any:
    return json_response(200, _day_report(day).model_dump(mode="json"))


@route(bp, "/v1/admin/integrity/days/{day}/report", "GET",
       summary="Biên bản kiểm tra tính toàn vẹn một ngày đã neo (PDF, để in cho thanh tra) — trả link PDF",
       access=Access.ADMIN, tags=TAGS, responses={200: Link}, errors=(403, 404, 422))
def admin_day_integrity_report(day: str) -> Any:
    content = printed.render_day(_day_report(day))
    bucket, key = get_settings().attachments_bucket, f"integrity/days/{day}/{uuid.uuid4().hex}.pdf"
    sha256, size = docstore.put_pdf(bucket, key, content)
    name = f"Kiểm tra toàn vẹn — ngày {day}.pdf"
    return json_response(200, {"url": docstore.presigned_link(bucket, key, name, docstore.PDF),
                               "expires_in": docstore.LINK_TTL_S, "name": name, "sha256": sha256, "size": size})


@route(bp, "/v1/admin/integrity/subjects", "POST",
       summary="Kiểm tra tính toàn vẹn nhật ký truy cập dữ liệu cá nhân của một người: tính lại chuỗi băm của họ và "
               "đối chiếu với các ngày đã neo; chính lần kiểm tra này cũng được ghi nhật ký",
       access=Access.ADMIN, tags=TAGS, request=SubjectIn, responses={200: IntegrityReport}, errors=(403, 422, 503))
def admin_subject_integrity() -> Any:
    body = parse_model(SubjectIn, read_json(bp, 4096)[1])
    officer = current_principal().profile
    # reading a person's access log is itself an access (recorded first; 403 for a non-administrator)
    access_log.record(officer, "access_log_query", body.so_dinh_danh, access_log.admin_unit(officer),
                      detail="kiểm tra toàn vẹn nhật ký")
    report = verify_subject(access_log.subject_key(body.so_dinh_danh))
    return json_response(200, report.model_dump(mode="json"))
