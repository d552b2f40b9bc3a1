"""Auto-fill at the desk (SPEC §5, FR-12.1): the applicant's personal number looks the citizen up
in the national population database — the pre-check that the person exists — and the fields
of the procedure's eForm that declare ``autofill_source = "population.<Attribute>"`` get the
database's values, marked so the web app can show them as auto-filled (and the officer can
still edit them).

A value is proposed only if it passes the form's own server-side checks for that field
(length, format, options — a select or radio takes the option whose value or label the
database's value is); one that would not is left for the officer to enter. Fields inside
dynamic rows (tables) are not filled: their rows are the officer's to create.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.eform import EFormSchema, FormField, validate_eform
from chalicelib.domain.identifiers import check_personal_number, sentence
from chalicelib.domain.roles import Role
from chalicelib.errors import FieldError, HosoError
from chalicelib.integrations import population
from chalicelib.observability import logger
from chalicelib.privacy import service as access_log
from chalicelib.store import catalogue

SOURCE = "population"
_FILLABLE = frozenset({"text", "textarea", "date", "email", "phone", "personal_number", "select", "radio"})


@dataclass(frozen=True)
class Autofill:
    values: dict[str, Any]  # "section.field" → value
    autofilled: list[str]  # the paths filled, in form order
    name_matches: bool | None = None  # the name typed at the desk is the record's (None: none typed)


def same_name(typed: str, recorded: str) -> bool:
    """Whether the name typed is the name on record: case and spacing aside, diacritics count
    ("Nguyễn Văn An" is not "Nguyễn Văn Ân")."""
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())
    return norm(typed) == norm(recorded)


def population_fields(schema: EFormSchema) -> Iterator[tuple[str, FormField, str]]:
    """``(path, field, attribute)`` of every top-level field filled from the population database."""
    for section in schema.sections:
        for f in section.fields:
            source, _, attribute = (f.autofill_source or "").partition(".")
            if source == SOURCE and f.type in _FILLABLE:
                yield f"{section.key}.{f.key}", f, attribute


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def _candidate(f: FormField, value: str) -> str | None:
    if f.type in ("select", "radio"):
        return next((o.value for o in f.options if o.value == value or _fold(o.label) == _fold(value)), None)
    return value


def fill(schema: EFormSchema, citizen: population.Citizen) -> Autofill:
    """The citizen's data on the form's auto-fill fields, each as the form's checks normalise it."""
    proposed: dict[str, tuple[str, str]] = {}  # path → (section, key)
    data: dict[str, dict[str, Any]] = {}
    for path, f, attribute in population_fields(schema):
        raw = citizen.attribute(attribute)
        value = _candidate(f, raw) if raw is not None else None
        if value is None:
            continue
        section, key = path.split(".", 1)
        data.setdefault(section, {})[key] = value
        proposed[path] = (section, key)
    checked = validate_eform(schema, data, prefix="")
    rejected = {e.field for e in checked.errors}
    values = {path: checked.data[section][key] for path, (section, key) in proposed.items()
              if path not in rejected and key in checked.data.get(section, {})}
    return Autofill(values=values, autofilled=list(values))


def _invalid_number(problems: tuple[str, ...]) -> HosoError:
    message = sentence("Số định danh cá nhân", "; ".join(problems))
    return HosoError("INVALID_PERSONAL_NUMBER", message, 422, errors=[FieldError("so_dinh_danh", message)])


def _unavailable() -> HosoError:
    return HosoError("POPULATION_UNAVAILABLE", "Chưa kết nối được Cơ sở dữ liệu quốc gia về dân cư. Vui lòng thử lại "
                     "sau hoặc nhập thông tin trực tiếp.", 503)


def autofill(so_dinh_danh: str, procedure_code: str,
             connect: Callable[[], population.PopulationClient] | None = None,
             before_lookup: Callable[[], None] | None = None, typed_name: str = "") -> Autofill:
    """422 ``INVALID_PERSONAL_NUMBER``, 404 ``PROCEDURE_NOT_FOUND`` / ``CITIZEN_NOT_FOUND``,
    503 ``POPULATION_UNAVAILABLE``. ``before_lookup`` runs once the request is valid, just
    before the database is asked (the rate limit and the access log)."""
    check = check_personal_number(so_dinh_danh)
    if check.problems:
        raise _invalid_number(check.problems)
    procedure = catalogue.get_procedure(procedure_code)
    if procedure is None:
        raise HosoError("PROCEDURE_NOT_FOUND", f"Không tìm thấy thủ tục {procedure_code}.", 404)
    schema = catalogue.get_eform(procedure.eform_code) if procedure.eform_code else None
    if before_lookup is not None:
        before_lookup()
    try:
        citizen = (connect or population.connect)().citizen(so_dinh_danh)
    except population.PopulationUnavailable as err:
        logger.warning("population database unavailable", extra={"error": str(err)})
        raise _unavailable() from None
    except (ClientError, BotoCoreError, KeyError, TypeError, ValueError):
        logger.exception("population database not configured")
        raise _unavailable() from None
    if citizen is None:
        raise HosoError("CITIZEN_NOT_FOUND",
                        "Không tìm thấy công dân có số định danh này trong Cơ sở dữ liệu quốc gia về dân cư.", 404)
    filled = fill(schema, citizen) if schema else Autofill(values={}, autofilled=[])
    if not typed_name.strip():
        return filled
    return replace(filled, name_matches=same_name(typed_name, citizen.attribute("HoVaTen") or ""))


def desk_unit(officer: OfficerProfile, unit_code: str | None) -> str:
    """The unit whose desk the look-up serves: the one named (where the officer is a desk
    officer), or the officer's only desk unit."""
    units = officer.units_with(Role.DESK)
    if unit_code is not None:
        if unit_code not in units:
            raise HosoError("FORBIDDEN_UNIT", "Bạn không phải cán bộ một cửa của đơn vị này.", 403)
        return unit_code
    if len(units) != 1:
        message = "Chọn đơn vị tiếp nhận (don_vi) mà việc tra cứu phục vụ."
        raise HosoError("UNIT_REQUIRED", message, 422, errors=[FieldError("don_vi", message)])
    return next(iter(units))


def autofill_at_desk(officer: OfficerProfile, unit_code: str | None, draft_id: str | None, so_dinh_danh: str,
                     procedure_code: str, typed_name: str = "") -> Autofill:
    """Auto-fill for a desk officer: at most :data:`privacy.model.LOOKUPS_PER_WINDOW` look-ups per
    window (429 ``POPULATION_RATE_LIMITED``), each recorded in the access log before it is made
    (who, which unit and intake, which procedure) — 503 ``ACCESS_LOG_UNAVAILABLE`` if it cannot be."""
    unit = desk_unit(officer, unit_code)

    def gate() -> None:
        access_log.allow_population_lookup(officer)
        access_log.record(officer, "population_lookup", so_dinh_danh.strip(), unit,
                          dossier_code=f"bản nháp {draft_id}" if draft_id else "", detail=f"thủ tục {procedure_code}")

    return autofill(so_dinh_danh, procedure_code, before_lookup=gate, typed_name=typed_name)
