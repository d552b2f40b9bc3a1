"""The status transition chart (FR-4.2) as administered, versioned data: the ministry's
administrator publishes the next version (checked first: ``domain.charts.check_chart``); new
process versions are checked against the latest; a dossier moves under its process's version."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from chalicelib.domain.charts import check_chart
from chalicelib.domain.statuses import DEFAULT_CHART, ChartProblem, StatusChart
from chalicelib.errors import FieldError, HosoError
from chalicelib.services import admin_access
from chalicelib.store import charts as store


class PublishedChart(BaseModel):
    version: int = Field(ge=2)
    chart: StatusChart
    published_by: str
    published_at: dt.datetime


class ChartVersion(BaseModel):
    version: int
    published_by: str | None = Field(description="Trống: phiên bản 1, có sẵn của hệ thống")
    published_at: dt.datetime | None


class CurrentChart(BaseModel):
    chart: StatusChart = Field(description="Phiên bản được hỏi (?version=N) hoặc mới nhất")
    latest_version: int
    versions: list[ChartVersion]


def get(version: int) -> StatusChart | None:
    """The chart of that version (1: the built-in one); None when there is no such version."""
    if version == DEFAULT_CHART.version:
        return DEFAULT_CHART
    raw = store.get(version)
    return None if raw is None else PublishedChart.model_validate(raw).chart


def of_process(chart_version: int) -> StatusChart:
    """The chart a process was checked against (a stored process always names a published one)."""
    return get(chart_version) or DEFAULT_CHART


def current() -> StatusChart:
    raw = store.latest()
    return DEFAULT_CHART if raw is None else PublishedChart.model_validate(raw).chart


def show(version: int | None) -> CurrentChart:
    chart = current() if version is None else get(version)
    if chart is None:
        raise HosoError("NOT_FOUND", "Không có phiên bản lưu đồ trạng thái này.", 404)
    published = [PublishedChart.model_validate(raw) for raw in store.versions()]
    versions = [ChartVersion(version=1, published_by=None, published_at=None),
                *(ChartVersion(version=p.version, published_by=p.published_by, published_at=p.published_at)
                  for p in published)]
    return CurrentChart(chart=chart, latest_version=versions[-1].version, versions=versions)


def _invalid(problems: list[ChartProblem]) -> HosoError:
    return HosoError("CHART_INVALID", "Lưu đồ trạng thái chưa hợp lệ.", 422,
                     errors=[FieldError(f"status.{p.status.value}" if p.status else "chart", p.message)
                             for p in problems],
                     extra={"chart_problems": [p.model_dump(mode="json") for p in problems]})


def publish(actor: admin_access.Administrator, data: Any, at: dt.datetime) -> PublishedChart:
    admin_access.require_ministry(actor)
    if not isinstance(data, dict):
        raise _invalid([ChartProblem(code="INVALID_FIELD", message="Lưu đồ phải là một đối tượng JSON.")])
    chart, problems = check_chart(data, current().version + 1)
    if chart is None:
        raise _invalid(problems)
    published = PublishedChart(version=chart.version, chart=chart, published_by=actor.sub, published_at=at)
    try:
        store.publish(chart.version, published.model_dump(mode="json"))
    except store.AlreadyPublished:
        raise HosoError("CHART_VERSION", "Phiên bản này vừa được ban hành.", 409) from None
    return published
