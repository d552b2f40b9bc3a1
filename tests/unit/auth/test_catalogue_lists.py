"""The administration's lists read the catalogue by key or index: officers of one province
(the ministry's own under ""), the published versions of a process, the overrides of a year."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.domain.calendar import CalendarOverride
from chalicelib.domain.process import DEFAULT_PROCESS, next_version, publish
from chalicelib.domain.roles import Role
from chalicelib.store import catalogue
from tests.unit.auth.conftest import officer

pytestmark = pytest.mark.usefixtures("catalogue")

AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_officers_are_listed_by_province_only() -> None:
    officer("ha-noi-1", (Role.DESK, "000.00.13.H26"), province="01")
    officer("ha-noi-2", (Role.HEAD, "000.00.13.H26"), province="01")
    officer("hcm-1", (Role.DESK, "000.00.13.H29"), province="79")
    officer("bo-1", (Role.ADMIN, "000.00.00.G12"), province="")
    assert sorted(o.sub for o in catalogue.list_officers_of_province("01")) == ["ha-noi-1", "ha-noi-2"]
    assert [o.sub for o in catalogue.list_officers_of_province("79")] == ["hcm-1"]
    assert [o.sub for o in catalogue.list_officers_of_province("")] == ["bo-1"]
    assert catalogue.list_officers_of_province("02") == []


def test_an_officer_moved_to_another_province_is_listed_there_only() -> None:
    officer("di-chuyen", (Role.DESK, "000.00.13.H26"), province="01")
    officer("di-chuyen", (Role.DESK, "000.00.13.H29"), province="79")
    assert catalogue.list_officers_of_province("01") == []
    assert [o.sub for o in catalogue.list_officers_of_province("79")] == ["di-chuyen"]


def test_process_versions_in_order_and_every_process_listed() -> None:
    first = publish(DEFAULT_PROCESS, AT, "admin")
    catalogue.publish_process(first)
    catalogue.publish_process(publish(next_version(first), AT, "admin"))
    other = DEFAULT_PROCESS.model_copy(update={"code": "QT-KHAC"})
    catalogue.publish_process(publish(other, AT, "admin"))
    assert [p.version for p in catalogue.list_process_versions(DEFAULT_PROCESS.code)] == [1, 2]
    assert catalogue.list_process_versions("QT-KHONG-CO") == []
    assert sorted((p.code, p.version) for p in catalogue.list_processes()) == sorted(
        [(DEFAULT_PROCESS.code, 1), (DEFAULT_PROCESS.code, 2), ("QT-KHAC", 1)])


def test_calendar_overrides_of_a_year_and_their_removal() -> None:
    for day, kind in (("2026-01-03", "working_day"), ("2026-12-31", "day_off"), ("2027-01-01", "day_off")):
        catalogue.put_calendar_override(CalendarOverride(date=dt.date.fromisoformat(day), kind=kind, decision="QĐ 1"))
    assert [o.date.isoformat() for o in catalogue.list_calendar_overrides_of_year(2026)] == ["2026-01-03",
                                                                                             "2026-12-31"]
    assert catalogue.get_calendar_override("2026-01-03") is not None
    catalogue.delete_calendar_override("2026-01-03")
    assert catalogue.get_calendar_override("2026-01-03") is None
    assert [o.date.isoformat() for o in catalogue.list_calendar_overrides()] == ["2026-12-31", "2027-01-01"]
