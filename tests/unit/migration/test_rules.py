"""The migration's rules (chalicelib/migration/rules.py, report.py) on the sample province, with no AWS: every
good record places and converts (finished as finished, in flight at its step), every bad one is refused with
its stable code and a Vietnamese message; the report merges exactly and round-trips through JSON."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache

import pytest

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalogue import Unit
from chalicelib.migration import rules
from chalicelib.migration.mapping import MappingTables
from chalicelib.migration.report import MAX_PROBLEMS, ChunkReport, Problem, empty
from local import migration_sample, seed
from local.simulators.accounts import DEMO_UNITS

NOW = dt.datetime(2026, 7, 1, 9, 0, tzinfo=VN_TZ)


@cache
def targets() -> rules.Targets:
    process = seed.default_process()
    return rules.Targets(
        units={u["code"]: Unit(code=u["code"], name=u["name"], province_code=u["province_code"]) for u in DEMO_UNITS},
        procedures={p.code: p for p in seed.procedures(process.code)}, processes={process.code: process},
        officers={o.sub: o.name for o in seed.officers()})


@cache
def sample() -> migration_sample.Sample:
    return migration_sample.generate(150, chunk_size=150)


def mapping() -> MappingTables:
    return MappingTables.model_validate(sample().mapping)


def records() -> list[str]:
    return [line for lines in sample().chunks.values() for line in lines]


def test_every_good_record_converts_and_every_bad_one_is_refused_with_its_code() -> None:
    bad = dict(sample().bad)
    seen: set[str] = set()
    refused: list[tuple[str, str]] = []
    for line in records():
        record = rules.parse(line)
        if record.old_code in seen:
            refused.append((record.old_code, "MIGRATION_DUPLICATE_CODE"))
            continue
        seen.add(record.old_code)
        try:
            placed = rules.place(record, mapping(), targets())
        except rules.Refused as err:
            assert err.message and err.code.startswith("MIGRATION_")
            refused.append((record.old_code, err.code))
            continue
        converted = rules.convert(record, placed, mapping(), targets(), run_id="t", now=NOW, id_key="k")
        dossier = converted.build("000.00.13.H29-260101-0001")
        assert (dossier.status, dossier.step_id) == (placed.status.status, placed.step.id)
        assert dossier.seq == len(record.history) + 1 == converted.migration_event.seq
        if dossier.status in rules.FINISHED:
            assert dossier.finished_at == record.finished_at and converted.remaining_minutes is None
        elif dossier.received_at is not None and dossier.status != 5 and dossier.status != 6:
            assert converted.remaining_minutes is not None and dossier.due_at is not None
        assert [e.to_step for e in converted.history][-1:] in ([], [placed.step.id])
    # the checksum-bad record places (its file is checked where files are read: service.py)
    expected = {(code, error) for code, error in bad.items() if error != "MIGRATION_DOCUMENT_CHECKSUM"}
    assert set(refused) == expected


def _first(status: str) -> dict[str, object]:
    return next(json.loads(line) for line in records() if json.loads(line)["status"] == status)


@pytest.mark.parametrize(("change", "code"), [
    (lambda r: r.update(unit="KHONG-CO"), "MIGRATION_UNKNOWN_UNIT"),
    (lambda r: r.update(received_at=None), "MIGRATION_INCONSISTENT"),
    (lambda r: r.update(officer="CB-KHONG-CO"), "MIGRATION_UNMAPPED_OFFICER"),
    (lambda r: r["history"].reverse(), "MIGRATION_INCONSISTENT"),
    (lambda r: r.update(submitted_at="2026-06-01T08:00:00"), "MIGRATION_BAD_RECORD"),  # a time without its offset
    (lambda r: r["applicant"].update(id_number="079999001234"), "MIGRATION_INVALID_PERSONAL_NUMBER"),  # 2099
])
def test_each_inconsistency_has_its_code(change: object, code: str) -> None:
    record = _first("DANG_THAM_DINH")
    change(record)  # type: ignore[operator]
    with pytest.raises(rules.Refused) as err:
        rules.place(rules.parse(json.dumps(record)), mapping(), targets())
    assert err.value.code == code


def test_a_step_of_another_status_is_refused() -> None:
    tables = mapping().model_copy(deep=True)
    tables.statuses["DANG_THAM_DINH"].status = 5
    with pytest.raises(rules.Refused) as err:
        rules.place(rules.parse(json.dumps(_first("DANG_THAM_DINH"))), tables, targets())
    assert err.value.code == "MIGRATION_STEP_STATUS"


def test_national_codes_are_kept_others_allocated() -> None:
    assert rules.keeps_old_code("000.00.13.H29-260302-0012")
    assert rules.keeps_old_code("000.00.13.H29-260302-012")  # an older sequence width
    assert not rules.keeps_old_code("HCM-2026-000123")
    assert not rules.keeps_old_code("000.00.13.H29-261399-0012")  # no 99th of month 13


def test_the_report_merges_exactly_and_keeps_its_problems_capped() -> None:
    def chunk(n: int) -> ChunkReport:
        r = ChunkReport(mode="validate")
        for i in range(n):
            r.records += 1
            r.problem(Problem(chunk="c", line=i + 1, old_code=str(i), code="MIGRATION_X", message="x"))
            r.count("U", 4, "2026-05")
        return r

    total = empty("validate").merge(chunk(150)).merge(chunk(100))
    assert total.chunks == 2 and total.records == 250 and total.refused == {"MIGRATION_X": 250}
    assert len(total.problems) == MAX_PROBLEMS and total.problems_dropped == 50
    assert total.by_unit_status == {"U|4": 250}
    assert ChunkReport.from_dict(json.loads(json.dumps(total.to_dict()))) == total
