"""A dossier that passed intake's checks, in hoso's own terms (:class:`IntakeDossier`), and what
intake needs to know about a procedure and a unit to check one (:class:`ProcedureIntake`, the
lookups)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from chalicelib.domain.eform import EFormSchema
from chalicelib.domain.intake import APPLICANT_KINDS


class Attachment(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    component_code: str | None = None
    url: str | None = None  # to download (DuongDanTaiTepTin)
    content: bytes | None = None  # decoded NoiDungBase64

    @property
    def size(self) -> int | None:
        return len(self.content) if self.content is not None else None


class ReceivedComponentIn(BaseModel):
    """A component the desk officer ticked as received: original or copy, and its uploads."""

    model_config = ConfigDict(frozen=True)

    code: str
    copy_kind: Literal["original", "copy"]
    upload_ids: tuple[str, ...] = ()
    edata_ids: tuple[str, ...] = ()  # the applicant's stored documents reused for it


class FeeLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    amount: int  # đồng
    kind: str | None = None
    collection: str | None = None


class IntakeDossier(BaseModel):
    """A dossier that passed intake checks, in hoso's own terms."""

    model_config = ConfigDict(frozen=True)

    dvcqg_ref: str | None
    procedure_code: str
    unit_code: str
    applicant_name: str
    applicant_kind: Literal["1", "2", "3", "4"]
    applicant_id: str
    dvcqg_tech_id: str | None
    email: str | None
    phone: str | None
    address: str | None
    summary: str | None
    channel: Literal["online", "desk", "post", "authorised", "mobile"]
    dvcqg_channel: Literal["1", "2", "3"]
    result_delivery: Literal["0", "1", "2"]
    submitted_at: dt.datetime
    eform_code: str | None
    eform_version: int | None
    form_data: dict[str, Any]
    attachments: tuple[Attachment, ...] = ()
    fees: tuple[FeeLine, ...] = ()
    components: tuple[ReceivedComponentIn, ...] = ()  # desk intake's checklist


@dataclass(frozen=True)
class ProcedureIntake:
    """What intake needs to know about a procedure: its eForm (None when the procedure has
    none) and the applicant kinds (LoaiDoiTuong) it serves."""

    eform: EFormSchema | None
    applicant_types: frozenset[str] = frozenset(APPLICANT_KINDS)


ProcedureLookup = Callable[[str], ProcedureIntake | None]
UnitLookup = Callable[[str], bool]
