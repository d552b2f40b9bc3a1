"""Use cases of the access log: record an access before the data is read, limit an officer's
population look-ups, answer a subject's "who looked at my data" (see the package docstring)."""

from __future__ import annotations

import datetime as dt

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.roles import Role
from chalicelib.errors import HosoError
from chalicelib.observability import logger
from chalicelib.privacy import model
from chalicelib.privacy import store as access_log
from chalicelib.store import catalogue


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _unavailable() -> HosoError:
    return HosoError("ACCESS_LOG_UNAVAILABLE", "Chưa ghi được nhật ký truy cập dữ liệu cá nhân nên chưa thể truy cập. "
                     "Vui lòng thử lại sau.", 503)


def province_of(unit_code: str) -> str:
    unit = catalogue.get_unit(unit_code)
    return unit.province_code if unit is not None else ""


def subject_key(subject: str) -> str:
    """The access log's key for a person (HMAC of the personal number: the number itself is never stored)."""
    return model.subject_key(access_log.hmac_key(), subject)


def record(officer: OfficerProfile, what: model.What, subject: str, unit_code: str, *, dossier_code: str = "",
           detail: str = "") -> None:
    """Record an access to ``subject``'s data before it happens: no entry, no access (503)."""
    entry = model.AccessEntry(at=_now(), what=what, what_label=model.WHAT[what], officer_sub=officer.sub,
                              officer_name=officer.name, unit_code=unit_code, province_code=province_of(unit_code),
                              dossier_code=dossier_code, detail=detail)
    try:
        access_log.append(model.subject_key(access_log.hmac_key(), subject), entry)
    except (ClientError, BotoCoreError, KeyError, TypeError, ValueError):
        logger.exception("access log not written", extra={"officer": officer.sub, "what": what,
                                                          "code": dossier_code})
        raise _unavailable() from None
    logger.info("personal data accessed", extra={"officer": officer.sub, "what": what, "code": dossier_code,
                                                 "unit": unit_code})


def allow_population_lookup(officer: OfficerProfile) -> None:
    """429 ``POPULATION_RATE_LIMITED`` once the officer has used up the current window."""
    at = _now()
    if not access_log.count_lookup(officer.sub, model.window_of(at), model.LOOKUPS_PER_WINDOW, at):
        logger.warning("population look-ups over the limit", extra={"officer": officer.sub})
        raise HosoError("POPULATION_RATE_LIMITED",
                        f"Bạn đã tra cứu CSDL quốc gia về dân cư quá {model.LOOKUPS_PER_WINDOW} lần trong "
                        f"{model.LOOKUP_WINDOW_S // 60} phút. Vui lòng thử lại sau ít phút.", 429)


def admin_unit(officer: OfficerProfile) -> str:
    """The unit an administrator acts in, for the access log."""
    return _admin_scope(officer)[0]


def _admin_scope(officer: OfficerProfile) -> tuple[str, str | None]:
    """(the unit the administrator acts in, the province they may see — None: everywhere)."""
    admin = sorted(a.unit_code for a in officer.assignments if a.role == Role.ADMIN)
    if admin:
        return admin[0], None
    units = sorted(a.unit_code for a in officer.assignments if a.role == Role.PROVINCE_ADMIN)
    if not units or not officer.province_code:
        raise HosoError("FORBIDDEN", "Chỉ quản trị hệ thống được tra cứu nhật ký truy cập dữ liệu cá nhân.", 403)
    return units[0], officer.province_code


def accesses(officer: OfficerProfile, subject: str) -> model.AccessReport:
    """Who accessed ``subject``'s data: every access for the ministry's administrator, those made
    in their province for a province's administrator. The query is recorded first."""
    unit_code, province = _admin_scope(officer)
    record(officer, "access_log_query", subject, unit_code,
           detail="toàn hệ thống" if province is None else f"tỉnh {province}")
    try:
        found, more = access_log.entries(model.subject_key(access_log.hmac_key(), subject), model.MAX_ANSWERED)
    except (ClientError, BotoCoreError) as err:
        logger.warning("access log not readable", extra={"error": str(err)})
        raise HosoError("ACCESS_LOG_UNAVAILABLE", "Chưa đọc được nhật ký truy cập. Vui lòng thử lại sau.", 503) \
            from None
    if province is not None:
        found = [e for e in found if e.province_code == province]
    return model.AccessReport(accesses=found, truncated=more,
                              scope="Toàn hệ thống" if province is None else f"Tỉnh {province}")
