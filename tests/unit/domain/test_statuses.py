"""The 10 DVCQG statuses, the transition chart as data, and the deadline label."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain.calendar import VN_TZ, CalendarOverride, WorkingCalendar
from chalicelib.domain.statuses import (
    DEFAULT_CHART,
    DossierStatus,
    StatusChart,
    StatusInfo,
    overdue_label,
)

S = DossierStatus
CAL = WorkingCalendar()


def vn(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=VN_TZ)


def test_the_ten_statuses_and_their_labels() -> None:
    assert [(s.value, s.label) for s in DossierStatus] == [
        (1, "Mới đăng ký"),
        (2, "Được tiếp nhận"),
        (3, "Không được tiếp nhận"),
        (4, "Đang xử lý"),
        (5, "Yêu cầu bổ sung giấy tờ"),
        (6, "Yêu cầu thực hiện nghĩa vụ tài chính"),
        (7, "Công dân yêu cầu rút hồ sơ"),
        (8, "Dừng xử lý"),
        (9, "Đã xử lý xong"),
        (10, "Đã trả kết quả"),
    ]


def test_what_each_status_carries() -> None:
    assert StatusInfo.RECEIVED_AT in S.RECEIVED.carries
    assert StatusInfo.REASON in S.NOT_RECEIVED.carries
    assert {StatusInfo.REASON, StatusInfo.SUPPLEMENT_CONTENT} <= set(S.SUPPLEMENT_REQUESTED.carries)
    assert {StatusInfo.CURRENT_POSITION, StatusInfo.DEADLINE} <= set(S.PROCESSING.carries)
    assert StatusInfo.REASON in S.STOPPED.carries
    assert StatusInfo.DELIVERY in S.PROCESSED.carries
    assert all(s.carries for s in DossierStatus)
    assert StatusInfo.CURRENT_POSITION.label == "Vị trí, phòng ban, người xử lý hiện tại"


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (S.NEW, S.RECEIVED),
        (S.NEW, S.NOT_RECEIVED),
        (S.NEW, S.SUPPLEMENT_REQUESTED),
        (S.RECEIVED, S.PROCESSING),
        (S.PROCESSING, S.SUPPLEMENT_REQUESTED),
        (S.SUPPLEMENT_REQUESTED, S.PROCESSING),
        (S.PROCESSING, S.AWAITING_PAYMENT),
        (S.AWAITING_PAYMENT, S.PROCESSING),
        (S.PROCESSING, S.STOPPED),
        (S.PROCESSING, S.WITHDRAWN),
        (S.PROCESSING, S.PROCESSED),
        (S.PROCESSED, S.DELIVERED),
        (S.PROCESSING, S.PROCESSING),  # internal steps
    ],
)
def test_default_chart_allows(source: DossierStatus, target: DossierStatus) -> None:
    assert DEFAULT_CHART.allows(source, target)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (S.NEW, S.PROCESSING),  # an online dossier must be received first
        (S.PROCESSING, S.NOT_RECEIVED),  # refusal after receipt is a stop (TT11 item 4b)
        (S.DELIVERED, S.PROCESSING),  # terminal
        (S.DELIVERED, S.DELIVERED),  # not even to itself
        (S.NOT_RECEIVED, S.RECEIVED),
        (S.PROCESSED, S.PROCESSING),
        (S.RECEIVED, S.PROCESSED),  # not without processing
    ],
)
def test_default_chart_forbids(source: DossierStatus, target: DossierStatus) -> None:
    assert not DEFAULT_CHART.allows(source, target)


def test_default_chart_properties() -> None:
    assert DEFAULT_CHART.terminal == {S.NOT_RECEIVED, S.WITHDRAWN, S.STOPPED, S.DELIVERED}
    assert {S.NOT_RECEIVED, S.SUPPLEMENT_REQUESTED, S.STOPPED} <= DEFAULT_CHART.reason_required
    assert DEFAULT_CHART.pauses_clock(5) and DEFAULT_CHART.pauses_clock(6)
    assert not DEFAULT_CHART.pauses_clock(4)
    assert DEFAULT_CHART.counts_time(4) and not DEFAULT_CHART.counts_time(1)
    assert DEFAULT_CHART.problems() == []
    assert all(t.note for t in DEFAULT_CHART.transitions)


def _chart_doc(**changes: Any) -> dict[str, Any]:
    doc = json.loads(DEFAULT_CHART.model_dump_json())
    doc.update(changes)
    return doc


def test_chart_round_trips_through_json() -> None:
    assert StatusChart.model_validate_json(DEFAULT_CHART.model_dump_json()) == DEFAULT_CHART
    assert StatusChart.model_validate(_chart_doc()) == DEFAULT_CHART


def test_chart_rejects_unknown_status() -> None:
    doc = _chart_doc()
    doc["transitions"].append({"source": 4, "target": 11, "note": "?"})
    with pytest.raises(ValidationError):
        StatusChart.model_validate(doc)


def test_chart_rejects_transition_out_of_terminal() -> None:
    doc = _chart_doc()
    doc["transitions"].append({"source": 10, "target": 4, "note": "mở lại"})
    with pytest.raises(ValidationError, match="TERMINAL_HAS_TRANSITION"):
        StatusChart.model_validate(doc)


def test_chart_rejects_dead_end() -> None:
    doc = _chart_doc()
    doc["transitions"] = [t for t in doc["transitions"] if t["source"] != 9]
    with pytest.raises(ValidationError, match="NO_TERMINAL_REACHABLE") as info:
        StatusChart.model_validate(doc)
    assert "Đã xử lý xong" in str(info.value)


def test_chart_rejects_duplicates_and_inconsistent_clocks() -> None:
    doc = _chart_doc()
    doc["transitions"].append(doc["transitions"][0])
    with pytest.raises(ValidationError, match="DUPLICATE_TRANSITION"):
        StatusChart.model_validate(doc)
    with pytest.raises(ValidationError, match="PAUSED_AND_COUNTED"):
        StatusChart.model_validate(_chart_doc(clock_counted=[2, 4, 5]))
    with pytest.raises(ValidationError, match="TERMINAL_TIMED"):
        StatusChart.model_validate(_chart_doc(clock_paused=[5, 6, 8]))


def test_an_administered_chart_changes_what_is_allowed() -> None:
    doc = _chart_doc()
    doc["transitions"].append({"source": 6, "target": 9, "note": "Đã nộp phí, trả kết quả"})
    chart = StatusChart.model_validate(doc | {"version": 2})
    assert chart.allows(6, 9) and not DEFAULT_CHART.allows(6, 9)


# -- the deadline label (TT11 item 4) -------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "now", "label"),
    [
        (vn(2026, 8, 14, 17), vn(2026, 8, 19, 10), "Hạn xử lý 14/08/2026 - Quá hạn 3 ngày"),
        (vn(2026, 8, 14, 17), vn(2026, 8, 12, 10), "Hạn xử lý 14/08/2026 - Còn 2 ngày"),
        (vn(2026, 8, 28, 17), vn(2026, 9, 3, 9), "Hạn xử lý 28/08/2026 - Quá hạn 1 ngày"),  # 31/8–2/9 off
        (vn(2026, 8, 14, 17), vn(2026, 8, 14, 10), "Hạn xử lý 14/08/2026 - Còn 5 giờ"),
        (vn(2026, 8, 14, 10), vn(2026, 8, 14, 15, 5), "Hạn xử lý 14/08/2026 - Quá hạn 3 giờ 5 phút"),
        (vn(2026, 8, 14, 11), vn(2026, 8, 14, 10, 15), "Hạn xử lý 14/08/2026 - Còn 45 phút"),
        (vn(2026, 8, 14, 17), vn(2026, 8, 14, 17), "Hạn xử lý 14/08/2026 - Đến hạn"),
        (vn(2026, 8, 14, 17), vn(2026, 8, 15, 9), "Hạn xử lý 14/08/2026 - Đã quá hạn"),  # Saturday
    ],
)
def test_overdue_label(deadline: dt.datetime, now: dt.datetime, label: str) -> None:
    assert overdue_label(deadline, now, CAL) == label


def test_overdue_label_counts_make_up_saturdays() -> None:
    cal = WorkingCalendar(overrides=[CalendarOverride(date=dt.date(2026, 8, 22), kind="working_day", decision="x")])
    assert overdue_label(vn(2026, 8, 21, 17), vn(2026, 8, 24, 9), cal) == "Hạn xử lý 21/08/2026 - Quá hạn 2 ngày"
    assert overdue_label(vn(2026, 8, 21, 17), vn(2026, 8, 24, 9), CAL) == "Hạn xử lý 21/08/2026 - Quá hạn 1 ngày"


def test_overdue_label_uses_vietnam_dates() -> None:
    deadline = dt.datetime(2026, 8, 14, 17, 30, tzinfo=dt.UTC)  # 00:30 on 15/08 in Hà Nội
    assert overdue_label(deadline, vn(2026, 8, 10, 9), CAL).startswith("Hạn xử lý 15/08/2026")
