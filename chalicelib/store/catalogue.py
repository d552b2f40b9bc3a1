"""Catalogue repository: units, procedures, eForm schemas, processes (versioned),
officers, calendar overrides. Lists use the ``TYPE#<kind>`` index — never a Scan."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel
from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.domain.calendar import CalendarOverride
from chalicelib.domain.catalogue import OfficerProfile, Procedure, Unit
from chalicelib.domain.eform import EFormSchema, validate_schema
from chalicelib.domain.process import ProcessDefinition
from chalicelib.store.models import CatalogueItem

M = TypeVar("M", bound=BaseModel)


class AlreadyPublished(Exception):
    """A process version, once published, never changes (dossiers keep the version they started with)."""


def _put(kind: str, pk: str, sk: str, model: BaseModel, sort: str, *, once: bool = False) -> None:
    item = CatalogueItem(pk=pk, sk=sk, data=model.model_dump(mode="json"), gsi1pk=f"TYPE#{kind}", gsi1sk=sort)
    try:
        item.save(condition=CatalogueItem.pk.does_not_exist() if once else None)
    except PutError as err:
        if once and err.cause_response_code == "ConditionalCheckFailedException":
            raise AlreadyPublished(f"{pk}/{sk}") from None
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


def get_unit(code: str) -> Unit | None:
    return _get(f"UNIT#{code}", "META", Unit)


def list_units() -> list[Unit]:
    return _list("unit", Unit)


def put_procedure(procedure: Procedure) -> None:
    _put("procedure", f"PROC#{procedure.code}", "META", procedure, procedure.code)


def get_procedure(code: str) -> Procedure | None:
    return _get(f"PROC#{code}", "META", Procedure)


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
    return _get(f"EFORM#{code}", "META", EFormSchema)


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
        return _get(f"PROCESS#{code}", f"V#{version:04d}", ProcessDefinition)
    latest = list(CatalogueItem.query(f"PROCESS#{code}", CatalogueItem.sk.startswith("V#"), scan_index_forward=False,
                                      limit=1))
    return ProcessDefinition.model_validate(latest[0].data) if latest else None


def put_officer(officer: OfficerProfile) -> None:
    _put("officer", f"USER#{officer.sub}", "PROFILE", officer, f"{officer.province_code}#{officer.sub}")


def get_officer(sub: str) -> OfficerProfile | None:
    return _get(f"USER#{sub}", "PROFILE", OfficerProfile)


def list_officers() -> list[OfficerProfile]:
    return _list("officer", OfficerProfile)


def put_calendar_override(override: CalendarOverride) -> None:
    _put("calendar", "CALENDAR", override.date.isoformat(), override, override.date.isoformat())


def list_calendar_overrides() -> list[CalendarOverride]:
    return [CalendarOverride.model_validate(i.data) for i in CatalogueItem.query("CALENDAR")]
