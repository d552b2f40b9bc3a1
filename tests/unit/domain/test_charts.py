"""The status chart as administered data (FR-4.2): a chart document is checked before it is
published — its fields, its consistency (the chart's own rules) and its version."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.charts import check_chart
from chalicelib.domain.statuses import DEFAULT_CHART


def document(**changes: Any) -> dict[str, Any]:
    return {**DEFAULT_CHART.model_dump(mode="json"), "version": 2, **changes}


def codes(data: dict[str, Any], expected: int = 2) -> list[str]:
    return [p.code for p in check_chart(data, expected)[1]]


def test_the_next_version_of_a_consistent_chart_is_accepted() -> None:
    no_payment_stop = [t for t in document()["transitions"] if (t["source"], t["target"]) != (6, 8)]
    chart, problems = check_chart(document(transitions=no_payment_stop), 2)
    assert problems == [] and chart is not None
    assert chart.version == 2 and not chart.allows(6, 8) and DEFAULT_CHART.allows(6, 8)


def test_the_charts_rules_and_the_version_are_checked() -> None:
    assert codes(document(), expected=3) == ["CHART_VERSION"]
    only_forward = [t for t in document()["transitions"] if t["source"] != 4]
    assert codes(document(transitions=only_forward)) == ["NO_TERMINAL_REACHABLE"]
    twice = document()["transitions"][:1] * 2 + document()["transitions"][1:]
    assert codes(document(transitions=twice)) == ["DUPLICATE_TRANSITION"]
    assert codes(document(clock_paused=[5, 6, 4])) == ["PAUSED_AND_COUNTED"]
    assert codes(document(terminal=[3, 7, 8, 10, 9])) == ["TERMINAL_HAS_TRANSITION"]


def test_malformed_fields_are_listed_not_raised() -> None:
    assert codes(document(terminal=[11])) == ["INVALID_FIELD"]
    assert codes({"version": 2}) == ["INVALID_FIELD"] * 5
