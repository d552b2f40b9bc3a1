"""Catalogue repository: units, procedures, eForm schemas, processes (versioned),
officers, calendar overrides. Lists use the ``TYPE#<kind>`` index — never a Scan."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.domain.calendar import CalendarOverride
from chalicelib.domain.catalogue import OfficerProfile, Procedure, Unit
from chalicelib.domain.eform import EFormSchema, validate_schema
from chalicelib.domain.process import ProcessDefinition
from chalicelib.store.models import CatalogueItem

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

# Catalogue reads sit on every intake and transition; the catalogue changes rarely. Entries
# live CACHE_TTL_S in each process (a warm Lambda): an administrator's change is seen by every
# function within that time. Published process versions never change, so they are cached too.
CACHE_TTL_S = 60.0
_cache: dict[tuple[Any, ...], tuple[float, Any]] = {}
_cache_lock = threading.Lock()


def _cached(key: tuple[Any, ...], load: Callable[[], T]) -> T:
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit and now - hit[0] < CACHE_TTL_S:
        return hit[1]
    value = load()
    with _cache_lock:
        _cache[key] = (now, value)
    return value


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


class AlreadyPublished(Exception):
    """A process version, once published, never changes (dossiers keep the version they started with)."""


def _put(kind: str, pk: str, sk: str, model: BaseModel, sort: str, *, once: bool = False) -> None:
    clear_cache()
    item = CatalogueItem(pk=pk, sk=sk, data=model.model_dump(mode="json"), gsi1pk=f"TYPE#{kind}", gsi1sk=sort)
    try:
        item.save(condition=CatalogueItem.pk.does_not_exist() if once else None)
    except PutError as err:
        if once and err.cause_response_code == "ConditionalCheckFailedException":
            raise AlreadyPublished(f"{pk}/{sk}") from None
        raise


class Changed(Exception):
    """The record changed between reading it and writing it (another administrator's write)."""


@dataclass(frozen=True)
class Seen(Generic[M]):
    """A record as read for an update (``value`` None: there was none); the write that follows is
    conditional on the record being still exactly this (``raw``, the stored data)."""

    value: M | None
    raw: Any = None


def _read(pk: str, sk: str, cls: type[M]) -> Seen[M]:
    try:
        data = CatalogueItem.get(pk, sk, consistent_read=True).data
    except DoesNotExist:
        return Seen(None)
    return Seen(cls.model_validate(data), data)


def _replace(kind: str, pk: str, sk: str, model: BaseModel, sort: str, seen: Seen[Any]) -> None:
    """Store ``model`` only if the record is still as ``seen``; :class:`Changed` otherwise."""
    clear_cache()
    item = CatalogueItem(pk=pk, sk=sk, data=model.model_dump(mode="json"), gsi1pk=f"TYPE#{kind}", gsi1sk=sort)
    condition = CatalogueItem.pk.does_not_exist() if seen.value is None else CatalogueItem.data == seen.raw
    try:
        item.save(condition=condition)
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            raise Changed(f"{pk}/{sk}") from None
        raise


def _get(pk: str, sk: str, cls: type[M]) -> M | None:
    try:
        return cls.model_validate(CatalogueItem.get(pk, sk).data)
    except DoesNotExist:
        return None


def _list(kind: str, cls: type[M]) -> list[M]:
    return [cls.model_validate(i.data) for i in CatalogueItem.by_kind.query(f"TYPE#{kind}")]


def put_unit(unit: Unit) -> None:
    _put("unit", f"UNIT#{unit.code}", "META", unit, unit.code)


def read_unit_for_update(code: str) -> Seen[Unit]:
    return _read(f"UNIT#{code}", "META", Unit)


def replace_unit(unit: Unit, seen: Seen[Unit]) -> None:
    _replace("unit", f"UNIT#{unit.code}", "META", unit, unit.code, seen)


def get_unit(code: str) -> Unit | None:
    return _cached(("unit", code), lambda: _get(f"UNIT#{code}", "META", Unit))


def list_units() -> list[Unit]:
    return _list("unit", Unit)


def put_procedure(procedure: Procedure) -> None:
    _put("procedure", f"PROC#{procedure.code}", "META", procedure, procedure.code)


def get_procedure(code: str) -> Procedure | None:
    return _cached(("procedure", code), lambda: _get(f"PROC#{code}", "META", Procedure))


def list_procedures() -> list[Procedure]:
    return _list("procedure", Procedure)


class InvalidSchema(Exception):
    """An eForm schema with problems is never stored: intake would fail on it."""


def put_eform(schema: EFormSchema) -> None:
    problems = validate_schema(schema)
    if problems:
        raise InvalidSchema("; ".join(problems))
    _put("eform", f"EFORM#{schema.code}", "META", schema, schema.code)


def get_eform(code: str) -> EFormSchema | None:
    return _cached(("eform", code), lambda: _get(f"EFORM#{code}", "META", EFormSchema))


def publish_process(definition: ProcessDefinition) -> None:
    """Store a validated process version; versions are immutable once published."""
    _put(
        "process",
        f"PROCESS#{definition.code}",
        f"V#{definition.version:04d}",
        definition,
        f"{definition.code}#{definition.version:04d}",
        once=True,
    )


def get_process(code: str, version: int | None = None) -> ProcessDefinition | None:
    if version is not None:
        return _cached(("process", code, version),
                       lambda: _get(f"PROCESS#{code}", f"V#{version:04d}", ProcessDefinition))

    def load() -> ProcessDefinition | None:
        latest = list(CatalogueItem.query(f"PROCESS#{code}", CatalogueItem.sk.startswith("V#"),
                                          scan_index_forward=False, limit=1))
        return ProcessDefinition.model_validate(latest[0].data) if latest else None

    return _cached(("process-latest", code), load)


def put_officer(officer: OfficerProfile) -> None:
    _put("officer", f"USER#{officer.sub}", "PROFILE", officer, f"{officer.province_code}#{officer.sub}")


def read_officer_for_update(sub: str) -> Seen[OfficerProfile]:
    return _read(f"USER#{sub}", "PROFILE", OfficerProfile)


def replace_officer(officer: OfficerProfile, seen: Seen[OfficerProfile]) -> None:
    _replace("officer", f"USER#{officer.sub}", "PROFILE", officer, f"{officer.province_code}#{officer.sub}", seen)


def get_officer(sub: str) -> OfficerProfile | None:
    return _get(f"USER#{sub}", "PROFILE", OfficerProfile)


def list_officers() -> list[OfficerProfile]:
    return _list("officer", OfficerProfile)


def put_calendar_override(override: CalendarOverride) -> None:
    _put("calendar", "CALENDAR", override.date.isoformat(), override, override.date.isoformat())


def list_calendar_overrides() -> list[CalendarOverride]:
    return _cached(("calendar",), lambda: [CalendarOverride.model_validate(i.data)
                                           for i in CatalogueItem.query("CALENDAR")])


# --- administration's lists: each one index or key access, never a Scan --------------------


def list_officers_of_province(province_code: str) -> list[OfficerProfile]:
    """Officers whose profile belongs to ``province_code`` ("" for the ministry's own)."""
    query = CatalogueItem.by_kind.query("TYPE#officer", CatalogueItem.gsi1sk.startswith(f"{province_code}#"))
    return [OfficerProfile.model_validate(i.data) for i in query]


def list_process_versions(code: str) -> list[ProcessDefinition]:
    """Every published version of a process, oldest first."""
    query = CatalogueItem.query(f"PROCESS#{code}", CatalogueItem.sk.startswith("V#"))
    return [ProcessDefinition.model_validate(i.data) for i in query]


def list_processes() -> list[ProcessDefinition]:
    """Every published version of every process, by code then version."""
    return _list("process", ProcessDefinition)


def list_calendar_overrides_of_year(year: int) -> list[CalendarOverride]:
    query = CatalogueItem.query("CALENDAR", CatalogueItem.sk.startswith(f"{year:04d}-"))
    return [CalendarOverride.model_validate(i.data) for i in query]


def get_calendar_override(day: str) -> CalendarOverride | None:
    return _get("CALENDAR", day, CalendarOverride)


def delete_calendar_override(day: str) -> None:
    clear_cache()
    CatalogueItem(pk="CALENDAR", sk=day).delete()
