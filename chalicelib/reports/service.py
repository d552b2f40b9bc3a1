"""Reports for the people allowed to see them (FR-23…25, 27).

Who sees what:
- a unit's report: its heads of department and leaders (``head``, ``leader`` in that unit);
- a province's roll-up (every unit of the province, groupable and filterable by unit): the
  ministry administrator for any province, a province administrator for their own; ``00`` is
  the ministry-level units' roll-up (ministry administrator only).

Anyone may read a province's public figures (FR-23.3, FR-27.2: received, resolved early / on
time / late, in progress, per unit; at most :data:`PUBLIC_MAX_MONTHS` months) — no officer, no
personal data.

A report reads one Query per month of the period (``store.read_unit`` / ``read_province``) and
the catalogue's names (cached); it never reads dossiers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pydantic import BaseModel, Field

from chalicelib.auth.officers import Principal, require_province
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.provinces import province_name
from chalicelib.domain.roles import Role
from chalicelib.errors import FieldError, HosoError, invalid, not_found
from chalicelib.reports import store
from chalicelib.reports.aggregates import MINISTRY_PROVINCE
from chalicelib.reports.report import (
    GROUP_LABELS,
    Figures,
    Names,
    PeriodError,
    Report,
    ReportQuery,
    figures,
    months,
)
from chalicelib.store import catalogue

REPORT_ROLES = (Role.HEAD, Role.LEADER)
ADMIN_ROLES = (Role.ADMIN, Role.PROVINCE_ADMIN)
ALL_ROLES = (*REPORT_ROLES, *ADMIN_ROLES)
_PROVINCE = re.compile(r"^\d{2}$")
PUBLIC_MAX_MONTHS = 12


def province_label(code: str) -> str:
    return "Các đơn vị cấp bộ" if code == MINISTRY_PROVINCE else province_name(code)


@dataclass(frozen=True)
class Scope:
    kind: str  # unit | province
    code: str
    name: str


def require_unit_scope(officer: OfficerProfile, unit_code: str) -> Scope:
    if not officer.roles_in(unit_code) & set(REPORT_ROLES):
        raise HosoError("FORBIDDEN_UNIT", "Bạn không có vai trò lãnh đạo tại đơn vị này để xem báo cáo.", 403)
    unit = catalogue.get_unit(unit_code)
    if unit is None:
        raise not_found("Không tìm thấy đơn vị.")
    return Scope("unit", unit_code, unit.name)


def provinces() -> set[str]:
    return {u.province_code or MINISTRY_PROVINCE for u in catalogue.list_units()}


def require_province_scope(principal: Principal, province_code: str) -> Scope:
    if not _PROVINCE.match(province_code):
        raise not_found("Không tìm thấy tỉnh, thành phố.")
    require_province(principal, province_code)
    if province_code not in provinces():
        raise not_found("Không tìm thấy tỉnh, thành phố.")
    return Scope("province", province_code, province_label(province_code))


def scopes_of(officer: OfficerProfile) -> dict[str, list[dict[str, str]]]:
    """The units and provinces this officer may report on (for the report builder)."""
    units = {u.code: u for u in catalogue.list_units()}
    own = sorted(c for r in REPORT_ROLES for c in officer.units_with(r) if c in units)
    roles = officer.roles
    if Role.ADMIN in roles:
        allowed = sorted(provinces())
    elif Role.PROVINCE_ADMIN in roles and officer.province_code:
        allowed = [officer.province_code]
    else:
        allowed = []
    return {
        "units": [{"code": c, "name": units[c].name} for c in dict.fromkeys(own)],
        "provinces": [{"code": p, "name": province_label(p)} for p in allowed],
    }


def check_query(query: ReportQuery) -> list[str]:
    try:
        return months(query.period_from, query.period_to)
    except PeriodError as err:
        raise invalid([FieldError("period_to", str(err))]) from None


def build(scope: Scope, query: ReportQuery, now: dt.datetime) -> Report:
    period = check_query(query)
    cells = store.read_unit(scope.code, period) if scope.kind == "unit" else store.read_province(scope.code, period)
    procedures = {p.code: p for p in catalogue.list_procedures()}
    names = Names(
        fields={**{p.field_code: p.field_name for p in procedures.values()}, **cells.fields},
        procedures={**{c: p.name for c, p in procedures.items()}, **cells.procedures},
        officers=cells.officers,
        units={u.code: u.name for u in catalogue.list_units()},
        levels={c: p.online_level for c, p in procedures.items()},
    )
    total, rows = figures(cells.counts, query, names)
    first, last = period[0], period[-1]
    span = f"tháng {first[5:]}/{first[:4]}" + ("" if first == last else f" đến tháng {last[5:]}/{last[:4]}")
    return Report(
        title=f"Báo cáo tình hình giải quyết thủ tục hành chính {span}",
        scope=scope.kind, scope_code=scope.code, scope_name=scope.name, query=query, months=period,
        group_label=GROUP_LABELS[query.group], total=total, rows=rows, generated_at=now,
    )


class PublicFigures(BaseModel):
    code: str = Field(description="Mã đơn vị (hoặc mã tỉnh cho dòng tổng)")
    name: str
    received: int = Field(description="Số hồ sơ đã tiếp nhận")
    in_progress: int = Field(description="Đang giải quyết")
    resolved: int = Field(description="Đã giải quyết")
    early: int = Field(description="Trước hạn")
    on_time: int = Field(description="Đúng hạn")
    late: int = Field(description="Quá hạn")
    on_time_rate: float | None = Field(description="Tỷ lệ giải quyết trước hạn và đúng hạn, %")


class PublicStatistics(BaseModel):
    province_code: str
    name: str
    months: list[str]
    total: PublicFigures
    units: list[PublicFigures]
    generated_at: dt.datetime


def _public(code: str, name: str, f: Figures) -> PublicFigures:
    return PublicFigures(code=code, name=name, received=f.received, in_progress=f.in_progress, resolved=f.resolved,
                         early=f.early, on_time=f.on_time, late=f.late, on_time_rate=f.on_time_rate)


def public_statistics(province_code: str, period_from: str, period_to: str, now: dt.datetime) -> PublicStatistics:
    """A province's periodic public figures, per unit (FR-23.3, FR-27.2)."""
    if not _PROVINCE.match(province_code) or province_code not in provinces():
        raise not_found("Không tìm thấy tỉnh, thành phố.")
    try:
        query = ReportQuery(period_from=period_from, period_to=period_to, group="unit")
    except ValueError:
        raise invalid([FieldError("from", "Tháng theo định dạng YYYY-MM.")]) from None
    period = check_query(query)
    if len(period) > PUBLIC_MAX_MONTHS:
        raise invalid([FieldError("to", f"Kỳ công khai dài tối đa {PUBLIC_MAX_MONTHS} tháng.")])
    report = build(Scope("province", province_code, province_label(province_code)), query, now)
    return PublicStatistics(
        province_code=province_code, name=report.scope_name, months=report.months,
        total=_public(province_code, report.scope_name, report.total),
        units=[_public(r.key, r.label, r.figures) for r in report.rows], generated_at=now,
    )
