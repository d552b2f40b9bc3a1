"""What one intake reads from the catalogue, read once (:class:`IntakeContext`): the procedure, its
eForm as filled at the receiving unit, the process a new dossier follows there, the unit and its
working calendar. The intake paths (DVCQG's post, the desk, the coordinator's inbound liên thông
dossiers) load it once from the body's ``MaTTHC`` and ``MaDonViTiepNhan`` and pass it down: the
checks (``chalicelib.domain.intake_parse``, through :meth:`IntakeContext.procedure_lookup` and
:meth:`IntakeContext.unit_known`), the received components and the new dossier all read it."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.body_fields import PROCEDURE_CODE
from chalicelib.domain.calendar import WorkingCalendar
from chalicelib.domain.catalogue import Procedure, Unit
from chalicelib.domain.eform import EFormSchema
from chalicelib.domain.identifiers import clean_text, is_unit_code
from chalicelib.domain.intake_result import ProcedureIntake
from chalicelib.domain.process import ProcessDefinition
from chalicelib.services import variants
from chalicelib.services.dossiers import calendar_at
from chalicelib.store import catalogue


@dataclass(frozen=True)
class IntakeContext:
    procedure: Procedure | None  # None: the body's MaTTHC is no procedure of the catalogue
    unit: Unit | None  # None: the body's MaDonViTiepNhan is no unit of the catalogue
    eform: EFormSchema | None  # the procedure's eForm at the unit (its province's additions)
    process: ProcessDefinition | None  # the process a new dossier follows at the unit
    calendar: WorkingCalendar  # the unit's

    @classmethod
    def load(cls, procedure_code: object, unit_code: object) -> IntakeContext:
        """The context of a body naming ``procedure_code`` and ``unit_code`` (as given: a value that
        is not a well-formed code reads nothing and is refused by the checks)."""
        code = clean_text(procedure_code) if isinstance(procedure_code, str) else ""
        unit_text = clean_text(unit_code) if isinstance(unit_code, str) else ""
        procedure = catalogue.get_procedure(code) if PROCEDURE_CODE.fullmatch(code) else None
        unit = catalogue.get_unit(unit_text) if is_unit_code(unit_text) else None
        if procedure is None:
            return cls(procedure=None, unit=unit, eform=None, process=None, calendar=calendar_at(unit))
        variant = variants.variant_at(procedure, unit)
        eform = catalogue.get_eform(procedure.eform_code) if procedure.eform_code else None
        return cls(procedure=procedure, unit=unit, eform=variants.eform_under(variant, eform),
                   process=variants.process_under(variant, procedure.process_code), calendar=calendar_at(unit))

    def procedure_lookup(self, code: str) -> ProcedureIntake | None:
        """The intake facts of procedure ``code`` (the checks' lookup): None unless it is this one."""
        if self.procedure is None or self.procedure.code != code:
            return None
        return ProcedureIntake(eform=self.eform, applicant_types=frozenset(self.procedure.applicant_types))

    def unit_known(self, code: str) -> bool:
        """Whether ``code`` is this context's unit (the checks' lookup)."""
        return self.unit is not None and self.unit.code == code
