"""Transfer to the competent unit (chuyển hồ sơ đến đơn vị có thẩm quyền giải quyết, FR-6, FR-12).

A dossier received by a unit that is not competent for it is handed, with a reason, to a unit
that handles its procedure. Not to be confused with the desk's hand-over to a department of its
own unit (the process's "chuyển phòng" action): this moves the dossier to another unit.

The rules, from the seeds (Circular 11/2025, FR-4 item 1 b and FR-12 item 3 a/c):

- **Who**: the holding unit's one-stop officer (the seed: "Cán bộ một cửa" transfers) or its
  leader — nobody of another unit, and nobody of the competent unit "pulls" a dossier.
- **When**: while the dossier is still to be received (1) or received/being processed (2, 4).
  Not while it waits for the applicant (5 supplement, 6 fees), nor once it has an outcome
  (3, 7, 8, 9, 10).
- **Where**: a unit that handles the procedure (``Procedure.unit_codes``), other than the holder.
- **The code is kept**: "Mã số hồ sơ ... được sử dụng thống nhất trong hoạt động giao dịch giữa
  các cơ quan, đơn vị với tổ chức, cá nhân; giữa các cơ quan, đơn vị và giữa các hệ thống với
  nhau" — one code for every party, all along. Its unit part names the unit that *received* the
  dossier (SPEC §3.1), which stays true after the transfer; no new code is allocated.
- **The clock does not restart**: the seeds recompute the legal deadline only after a complete
  supplement; the appointment date (``due_at``) given at receipt stays. The step the dossier
  lands on gets its own step deadline in the competent unit's calendar, capped by ``due_at``.
- **Status**: "Bộ phận một cửa chuyển hồ sơ: Trạng thái: Đang xử lý. Thông tin: Cơ quan có thẩm
  quyền giải quyết" — a received dossier lands where the competent unit assigns it (the head's
  step after the desk's hand-over, status 4); DVCQG gets the progress record with the competent
  unit in its content and the dossier record with the new ``DonViXuLy``. A dossier not yet
  received stays at the receipt step (status 1), now at the competent unit's desk.
- The assignment at the old unit (appraiser, department) is cleared: the old unit's officers no
  longer hold it, see it or its documents; its history travels with it.
- **Not while other units work on it** (409, the dossier unchanged): a liên thông flow runs for it
  (``TRANSFER_LIEN_THONG``: its steps are handed to other agencies, whose results come back to
  this dossier — finish or stop the flow first), or it is itself a step of another dossier's flow
  (a child: the flow handed it to this unit); a consultation still waits for another unit's
  opinion (``TRANSFER_CONSULTATION_OPEN``: the consulted unit answers the unit that asked — get
  the opinions, or continue once their deadline has passed, then transfer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chalicelib.domain.calendar import WorkingCalendar
from chalicelib.domain.catalogue import Procedure, Unit
from chalicelib.domain.dossier import Actor, AuditEvent, Dossier
from chalicelib.domain.engine import department_at, enters_department, step_due
from chalicelib.domain.process import ActionKind, ProcessDefinition, Step
from chalicelib.domain.roles import Role
from chalicelib.errors import FieldError, HosoError

TRANSFERABLE_STATUSES = frozenset({1, 2, 4})
TRANSFERRERS = frozenset({Role.DESK, Role.LEADER})
ACTION = "transfer_unit"
LABEL = "Chuyển hồ sơ đến đơn vị có thẩm quyền giải quyết"
MAX_REASON = 2000


@dataclass(frozen=True)
class LienThong:
    """The dossier's part in a liên thông flow of hoso (``chalicelib.flows``), as the service read it."""

    running: bool = False  # the dossier is a flow's parent and the flow has not finished
    waiting_steps: tuple[str, ...] = ()  # names of the parent's steps still with another agency
    parent: str | None = None  # the dossier is a step (child) of this parent's flow


NOT_IN_LIEN_THONG = LienThong()


def may_transfer(dossier: Dossier, roles: set[Role]) -> bool:
    """Whether an officer with ``roles`` in the dossier's unit may transfer it now."""
    return bool(roles & TRANSFERRERS) and dossier.status in TRANSFERABLE_STATUSES


def candidates(dossier: Dossier, procedure: Procedure | None) -> list[str]:
    """The units the dossier may go to: those handling its procedure, except the holder."""
    units = procedure.unit_codes if procedure else []
    return [u for u in dict.fromkeys(units) if u != dossier.unit_code]


def check(dossier: Dossier, roles: set[Role], procedure: Procedure | None, to_unit: str, reason: str,
          lien_thong: LienThong = NOT_IN_LIEN_THONG) -> None:
    """Refuse the transfer with a stable code and a Vietnamese message, or return."""
    if not roles & TRANSFERRERS:
        raise HosoError("TRANSFER_FORBIDDEN", "Chỉ cán bộ một cửa hoặc lãnh đạo đơn vị đang giữ hồ sơ được chuyển "
                                              "hồ sơ đến đơn vị có thẩm quyền.", 403)
    if dossier.status not in TRANSFERABLE_STATUSES:
        raise HosoError("TRANSFER_NOT_ALLOWED", "Hồ sơ ở trạng thái này không thể chuyển đơn vị (chỉ hồ sơ chờ "
                                                "tiếp nhận, đã tiếp nhận hoặc đang xử lý).", 409)
    check_open_work(dossier, lien_thong)
    problems = []
    if not reason.strip():
        problems.append(FieldError("reason", "Vui lòng nhập lý do chuyển hồ sơ."))
    if to_unit == dossier.unit_code:
        problems.append(FieldError("unit_code", "Hồ sơ đang ở đơn vị này; vui lòng chọn đơn vị khác."))
    elif to_unit not in candidates(dossier, procedure):
        problems.append(FieldError("unit_code", "Đơn vị được chọn không giải quyết thủ tục của hồ sơ."))
    if problems:
        code = "REASON_REQUIRED" if problems[0].field == "reason" and len(problems) == 1 else "INVALID_TRANSFER"
        raise HosoError(code, problems[0].message, 422, errors=problems)


def check_open_work(dossier: Dossier, lien_thong: LienThong) -> None:
    """409 while other units work on the dossier: its liên thông flow, its flow's parent, an
    opinion it waits for. Their answers come back to the unit holding it, which must not change."""
    if lien_thong.parent is not None:
        raise HosoError("TRANSFER_LIEN_THONG", f"Hồ sơ này là một bước liên thông của hồ sơ {lien_thong.parent}, "
                        "được giao cho đơn vị theo quy trình liên thông: không chuyển sang đơn vị khác được. "
                        "Đơn vị giải quyết hoặc từ chối bước này để luồng liên thông xử lý tiếp.", 409)  # fmt: skip
    if lien_thong.running:
        waiting = f" (đang chờ: {', '.join(lien_thong.waiting_steps)})" if lien_thong.waiting_steps else ""
        raise HosoError("TRANSFER_LIEN_THONG", f"Hồ sơ đang trong quy trình liên thông{waiting}: kết quả của các cơ "
                        "quan phối hợp sẽ trả về đơn vị đang giữ hồ sơ. Chỉ chuyển đơn vị được khi quy trình liên "
                        "thông đã kết thúc hoặc đã dừng.", 409)  # fmt: skip
    awaited = [c.unit_name or c.unit_code for c in dossier.consultations if c.open]
    if awaited:
        raise HosoError("TRANSFER_CONSULTATION_OPEN", f"Hồ sơ đang chờ ý kiến của {', '.join(awaited)}. Chỉ chuyển "
                        "đơn vị được khi đã nhận đủ ý kiến, hoặc khi đã quá hạn trả lời và chuyên viên đã tiếp tục "
                        "xử lý.", 409)  # fmt: skip


def landing_step(dossier: Dossier, process: ProcessDefinition) -> Step:
    """Where the dossier continues at the competent unit: not yet received — the same receipt
    step; received — the step the desk's hand-over to a department leads to (the head assigns),
    or the received step itself if the process has no such hand-over."""
    if dossier.status == 1:
        return process.step(dossier.step_id)
    received = _received_step(process)
    for action in received.actions:
        target = process.step(action.to_step)
        if enters_department(received, target):
            return target
    return received


def _received_step(process: ProcessDefinition) -> Step:
    direct = process.entry_step(direct=True)
    if direct.status != 1:
        return direct
    receive = next(a for a in direct.actions if a.kind is ActionKind.RECEIVE)
    return process.step(receive.to_step)


def transferred(dossier: Dossier, process: ProcessDefinition, *, to_unit: Unit, reason: str, actor: Actor,
                calendar: WorkingCalendar, now: dt.datetime) -> tuple[Dossier, AuditEvent]:
    """The dossier at the competent unit and the audit event of the transfer (not written yet).
    ``calendar`` is the competent unit's; the caller has passed :func:`check`."""
    step = landing_step(dossier, process)
    seq = dossier.seq + 1
    after = dossier.model_copy(update={
        "unit_code": to_unit.code,
        "province_code": to_unit.province_code,
        "status": int(step.status),
        "step_id": step.id,
        "step_role": step.role.value,
        "assignee": None,
        "assignee_name": None,
        "department": "",
        "step_started_at": now,
        "step_due_at": step_due(now, step, dossier.due_at, calendar),
        "version": dossier.version + 1,
        "seq": seq,
        "updated_at": now,
    })
    note = f"{to_unit.name} ({to_unit.code}). Lý do: {reason.strip()}"
    event = AuditEvent(seq=seq, at=now, actor=actor, action=ACTION, label=LABEL, from_step=dossier.step_id,
                       to_step=step.id, from_status=dossier.status, to_status=after.status, note=note,
                       due_at=after.due_at, step_due_at=after.step_due_at, department=department_at(after, step))
    return after, event
