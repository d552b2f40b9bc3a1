"""A report from the aggregate cells (pure): the FR-25 figures of a period, overall and grouped by
month, unit, field, procedure, handling officer, status, intake channel or service level, with
the filters of the report builder (FR-23, FR-24).

The figures (Circular 11/2025 item 25; the columns of the periodic evaluation sheet of FR-19):
dossiers submitted in the period (``total``), of which waiting for intake, received, refused at
intake, in progress, resolved — early, on time, late —, withdrawn, stopped, delivered, asked for
a supplement, extended; the on-time rate (early and on time over resolved) and the number of
online services (procedures) used.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from chalicelib.domain.dossier import Channel
from chalicelib.domain.statuses import STATUS_LABELS, DossierStatus
from chalicelib.reports.aggregates import EARLY, LATE, ON_TIME, RESOLVED, Cell

MAX_MONTHS = 24
IN_PROGRESS = frozenset({DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.SUPPLEMENT_REQUESTED,
                         DossierStatus.AWAITING_PAYMENT})
GROUPS = ("none", "month", "unit", "field", "procedure", "officer", "status", "channel", "level")
GROUP_LABELS = {"none": "Tổng hợp", "month": "Tháng", "unit": "Đơn vị", "field": "Lĩnh vực", "procedure": "Thủ tục",
                "officer": "Cán bộ xử lý", "status": "Trạng thái", "channel": "Kênh tiếp nhận",
                "level": "Mức độ dịch vụ công"}
CHANNEL_LABELS = {Channel.ONLINE.value: "Trực tuyến", Channel.DESK.value: "Trực tiếp",
                  Channel.POST.value: "Bưu chính công ích", Channel.AUTHORISED.value: "Qua người được ủy quyền",
                  Channel.MOBILE.value: "Lưu động, tại chỗ"}
LEVEL_LABELS = {"full": "Dịch vụ công trực tuyến toàn trình", "partial": "Dịch vụ công trực tuyến một phần",
                "info": "Dịch vụ cung cấp thông tin trực tuyến"}
UNASSIGNED = "Chưa phân công"
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class ReportQuery(BaseModel):
    """What a report shows: the months, the grouping and the filters (empty: no filter)."""

    model_config = {"extra": "forbid"}

    period_from: str = Field(pattern=_MONTH.pattern, description="Tháng đầu kỳ, YYYY-MM")
    period_to: str = Field(pattern=_MONTH.pattern, description="Tháng cuối kỳ, YYYY-MM")
    group: str = Field("none", pattern="^(" + "|".join(GROUPS) + ")$", description="Nhóm theo")
    unit: str = Field("", max_length=40, description="Lọc theo đơn vị (báo cáo cấp tỉnh)")
    field_code: str = Field("", max_length=40, description="Lọc theo lĩnh vực")
    procedure: str = Field("", max_length=40, description="Lọc theo thủ tục")
    officer: str = Field("", max_length=80, description="Lọc theo cán bộ xử lý (sub); '-' chưa phân công")
    status: int | None = Field(None, ge=1, le=10, description="Lọc theo trạng thái (1–10)")
    channel: str = Field("", pattern="^(|" + "|".join(CHANNEL_LABELS) + ")$", description="Lọc theo kênh")
    level: str = Field("", pattern="^(|full|partial|info)$", description="Lọc theo mức độ dịch vụ công")


class PeriodError(ValueError):
    """The period is reversed or too long."""


def months(period_from: str, period_to: str) -> list[str]:
    """The months from…to inclusive (``YYYY-MM``); at most :data:`MAX_MONTHS`."""
    y0, m0 = (int(x) for x in period_from.split("-"))
    y1, m1 = (int(x) for x in period_to.split("-"))
    first, last = y0 * 12 + m0 - 1, y1 * 12 + m1 - 1
    if last < first:
        raise PeriodError("Tháng cuối kỳ không được trước tháng đầu kỳ.")
    if last - first + 1 > MAX_MONTHS:
        raise PeriodError(f"Kỳ báo cáo dài tối đa {MAX_MONTHS} tháng.")
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(first, last + 1)]


def month_label(month: str) -> str:
    year, mon = month.split("-")
    return f"{mon}/{year}"


class Figures(BaseModel):
    total: int = Field(0, description="Số hồ sơ nộp trong kỳ")
    waiting: int = Field(0, description="Chờ tiếp nhận (trực tuyến)")
    received: int = Field(0, description="Đã tiếp nhận")
    refused_intake: int = Field(0, description="Không được tiếp nhận")
    in_progress: int = Field(0, description="Đang giải quyết")
    resolved: int = Field(0, description="Đã giải quyết")
    early: int = Field(0, description="Giải quyết trước hạn")
    on_time: int = Field(0, description="Giải quyết đúng hạn")
    late: int = Field(0, description="Giải quyết quá hạn")
    withdrawn: int = Field(0, description="Rút hồ sơ")
    stopped: int = Field(0, description="Dừng xử lý")
    delivered: int = Field(0, description="Đã trả kết quả")
    supplemented: int = Field(0, description="Phải bổ sung, hoàn thiện")
    extended: int = Field(0, description="Được gia hạn")
    services_used: int = Field(0, description="Số dịch vụ công (thủ tục) được dùng")
    on_time_rate: float | None = Field(None, description="Tỷ lệ giải quyết trước hạn và đúng hạn, %")


FIGURE_LABELS: dict[str, str] = {name: str(info.description) for name, info in Figures.model_fields.items()}


@dataclass
class _Tally:
    figures: Figures = field(default_factory=Figures)
    procedures: set[str] = field(default_factory=set)

    def add(self, cell: Cell, n: int) -> None:
        f, status = self.figures, DossierStatus(cell.status)
        f.total += n
        f.waiting += n * (status == DossierStatus.NEW)
        f.received += n * cell.received
        f.refused_intake += n * (status == DossierStatus.NOT_RECEIVED)
        f.in_progress += n * (status in IN_PROGRESS)
        f.withdrawn += n * (status == DossierStatus.WITHDRAWN)
        f.stopped += n * (status == DossierStatus.STOPPED)
        f.delivered += n * (status == DossierStatus.DELIVERED)
        f.supplemented += n * cell.supplemented
        f.extended += n * cell.extended
        if status in RESOLVED and cell.outcome:
            f.resolved += n
            f.early += n * (cell.outcome == EARLY)
            f.on_time += n * (cell.outcome == ON_TIME)
            f.late += n * (cell.outcome == LATE)
        self.procedures.add(cell.procedure)

    def done(self) -> Figures:
        f = self.figures
        f.services_used = len(self.procedures)
        f.on_time_rate = round((f.early + f.on_time) * 100 / f.resolved, 1) if f.resolved else None
        return f


class Row(BaseModel):
    key: str
    label: str
    figures: Figures


class Report(BaseModel):
    title: str
    scope: str = Field(description="unit | province")
    scope_code: str
    scope_name: str
    query: ReportQuery
    months: list[str]
    group_label: str
    total: Figures
    rows: list[Row]
    generated_at: dt.datetime


@dataclass(frozen=True)
class Names:
    """Display names for the codes in cells: from the cells' labels and the catalogue."""

    fields: Mapping[str, str]
    procedures: Mapping[str, str]
    officers: Mapping[str, str]
    units: Mapping[str, str]
    levels: Mapping[str, str]  # procedure code → online level (full | partial | info)


def _matches(cell: Cell, q: ReportQuery, names: Names) -> bool:
    return ((not q.unit or cell.unit == q.unit)
            and (not q.field_code or cell.field == q.field_code)
            and (not q.procedure or cell.procedure == q.procedure)
            and (not q.officer or cell.officer == ("" if q.officer == "-" else q.officer))
            and (q.status is None or cell.status == q.status)
            and (not q.channel or cell.channel == q.channel)
            and (not q.level or names.levels.get(cell.procedure, "full") == q.level))


def _group_key(cell: Cell, group: str, names: Names) -> tuple[str, str]:
    if group == "month":
        return cell.month, month_label(cell.month)
    if group == "unit":
        return cell.unit, names.units.get(cell.unit, cell.unit)
    if group == "field":
        return cell.field, names.fields.get(cell.field) or cell.field or "Chưa phân loại"
    if group == "procedure":
        return cell.procedure, names.procedures.get(cell.procedure) or cell.procedure
    if group == "officer":
        return (cell.officer or "-"), (names.officers.get(cell.officer) or cell.officer) if cell.officer else UNASSIGNED
    if group == "status":
        return f"{cell.status:02d}", f"{cell.status}. {STATUS_LABELS[DossierStatus(cell.status)]}"
    if group == "channel":
        return cell.channel, CHANNEL_LABELS.get(cell.channel, cell.channel)
    level = names.levels.get(cell.procedure, "full")
    return level, LEVEL_LABELS.get(level, level)


def figures(counts: Mapping[Cell, int], query: ReportQuery, names: Names) -> tuple[Figures, list[Row]]:
    """The period's figures overall and per group (rows in the group's natural order: months and
    statuses ascending, names alphabetically)."""
    overall = _Tally()
    groups: dict[str, tuple[str, _Tally]] = {}
    for cell, n in counts.items():
        if n == 0 or not _matches(cell, query, names):
            continue
        overall.add(cell, n)
        if query.group != "none":
            key, label = _group_key(cell, query.group, names)
            groups.setdefault(key, (label, _Tally()))[1].add(cell, n)
    ordered = sorted(groups.items(), key=lambda kv: kv[0] if query.group in ("month", "status") else kv[1][0])
    rows = [Row(key=key, label=label, figures=tally.done()) for key, (label, tally) in ordered]
    return overall.done(), rows
