"""The cut-over switch per unit: never two intakes in parallel (guide 7753 §c, docs/migration-run.md).

A unit's new dossiers are taken either on the province's old system (``intake_system = "old"``: hoso
refuses new intake for it — DVCQG 409 ``INTAKE_ON_OLD_SYSTEM``, the desk the same message — while
imports and officers' work on imported dossiers go on) or on hoso (the default of every unit).
Switching a unit to hoso needs a reconcile run of that unit that finished with 0 differences (the
records validate refused are in its report, for the province to settle), unless forced with a written
reason; every switch is recorded (who, when, why, the
run) and logged."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from chalicelib.domain.catalogue import Unit
from chalicelib.errors import FieldError, HosoError, invalid, not_found
from chalicelib.migration import runs, runs_store
from chalicelib.migration.report import DIFFERENCE
from chalicelib.observability import logger
from chalicelib.services.admin_access import Administrator, require_province
from chalicelib.store import catalogue

System = Literal["hoso", "old"]


class IntakeSwitch(BaseModel):
    system: System = Field(description="old: đơn vị còn tiếp nhận trên hệ thống cũ; hoso: tiếp nhận trên hoso")
    run_id: str = Field("", max_length=64, description="Lần đối soát (reconcile) chứng minh dữ liệu khớp")
    force: bool = Field(False, description="Chuyển dù chưa đối soát khớp (bắt buộc ghi lý do)")
    reason: str = Field("", max_length=1000, description="Lý do (bắt buộc khi force)")


class CutoverEntry(BaseModel):
    unit: str
    at: str
    by: str
    system: System
    run_id: str = ""
    forced: bool = False
    reason: str = ""


class IntakeState(BaseModel):
    unit: str
    name: str
    system: System
    history: list[CutoverEntry]


def _reconciled(actor: Administrator, run_id: str, unit: str) -> None:
    if not run_id:
        raise HosoError("CUTOVER_NOT_RECONCILED", "Cần một lần đối soát khớp (0 khác biệt) của đơn vị trước khi chuyển "
                        "tiếp nhận sang hoso, hoặc chuyển bắt buộc kèm lý do.", 409)
    run = runs.get(actor, run_id)
    report, _ = runs.merged(run_id, run.mode)
    why = ("lần chạy không phải đối soát" if run.mode != "reconcile"
           else "đơn vị không thuộc lần đối soát" if unit not in run.units
           else "lần đối soát chưa chạy xong" if run.status != "succeeded" or run.chunks_done < run.chunks_total
           else f"còn {report.differences_count + report.outcomes.get(DIFFERENCE, 0)} khác biệt"
           if report.differences_count or report.outcomes.get(DIFFERENCE, 0)
           else "")
    if why:
        raise HosoError("CUTOVER_NOT_RECONCILED", f"Chưa chuyển được tiếp nhận sang hoso: {why}.", 409)


def state(actor: Administrator, unit_code: str) -> IntakeState:
    unit = catalogue.read_unit_for_update(unit_code).value
    if unit is None:
        raise not_found("Không có đơn vị này.")
    require_province(actor, unit.province_code)
    history = [CutoverEntry.model_validate(e) for e in runs_store.cutovers(unit_code)]
    return IntakeState(unit=unit.code, name=unit.name, system=unit.intake_system, history=history)


def switch(actor: Administrator, unit_code: str, request: IntakeSwitch, at: str) -> IntakeState:
    seen = catalogue.read_unit_for_update(unit_code)
    unit: Unit | None = seen.value
    if unit is None:
        raise not_found("Không có đơn vị này.")
    require_province(actor, unit.province_code)
    if unit.intake_system == request.system:
        raise HosoError("INTAKE_ALREADY", "Đơn vị đã tiếp nhận trên hệ thống này.", 409)
    if request.force and len(request.reason.strip()) < 10:
        raise invalid([FieldError("reason", "Chuyển bắt buộc cần ghi rõ lý do (ít nhất 10 ký tự).")])
    if request.system == "hoso" and not request.force:
        _reconciled(actor, request.run_id, unit_code)
    try:
        catalogue.replace_unit(unit.model_copy(update={"intake_system": request.system}), seen)
    except catalogue.Changed:
        raise HosoError("CHANGED", "Dữ liệu vừa được người khác thay đổi, vui lòng tải lại rồi thử lại.", 409) from None
    entry = CutoverEntry(unit=unit_code, at=at, by=actor.sub, system=request.system, run_id=request.run_id,
                         forced=request.force, reason=request.reason.strip())
    runs_store.put_cutover(unit_code, at, entry.model_dump(exclude={"unit", "at"}))
    logger.info("unit intake switched", extra={"unit": unit_code, "system": request.system, "by": actor.sub,
                                               "forced": request.force, "run": request.run_id})
    return state(actor, unit_code)
