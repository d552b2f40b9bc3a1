"""The status transition chart (FR-4.2) as administered, versioned data: a chart document checked
before it is published (:func:`check_chart`). Version 1 is :data:`statuses.DEFAULT_CHART`, built in;
each published version is immutable and processes name the version they were checked against
(``ProcessDefinition.chart_version``), so a dossier always moves under its own process's chart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chalicelib.domain.statuses import ChartProblem, DossierStatus, StatusChart, Transition


class _ChartFields(BaseModel):
    """A chart's fields, parsed without the chart's own consistency check (to list its problems)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    transitions: tuple[Transition, ...]
    terminal: frozenset[DossierStatus]
    reason_required: frozenset[DossierStatus]
    clock_paused: frozenset[DossierStatus]
    clock_counted: frozenset[DossierStatus]


def check_chart(data: Mapping[str, Any], expected_version: int) -> tuple[StatusChart | None, list[ChartProblem]]:
    """The chart ``data`` describes and every problem of it (empty: it may be published as
    ``expected_version``)."""
    try:
        fields = _ChartFields.model_validate(data)
    except ValidationError as exc:
        return None, [ChartProblem(code="INVALID_FIELD",
                                   message=f"Giá trị không hợp lệ: {'.'.join(str(p) for p in e['loc'])}.")
                      for e in exc.errors()]
    problems = StatusChart.model_construct(**dict(fields)).problems()
    if fields.version != expected_version:
        problems.append(ChartProblem(code="CHART_VERSION",
                                     message=f"Phiên bản tiếp theo của lưu đồ trạng thái phải là {expected_version}."))
    if problems:
        return None, problems
    return StatusChart.model_validate(dict(fields)), []
