"""Consultation between units (xin ý kiến, FR-6, FR-15.7): the rules, pure.

The appraiser asks one or more units of hoso's catalogue (any ministry or province unit other than
the dossier's own) for their opinion, with a question, a deadline in working time and the documents
of the dossier each consulted unit may read — nothing else of the dossier. The dossier waits at the
process's consultation step; the consulted units see the request in their list and answer with an
opinion, attachments and a signed opinion letter; the appraiser continues when every opinion is in,
or — their decision — once the deadline of the missing ones has passed (those are closed unanswered).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from chalicelib.domain.calendar import Duration, DurationUnit, WorkingCalendar
from chalicelib.domain.dossier import Actor, Consultation, DocumentRef, Dossier
from chalicelib.errors import FieldError, HosoError

MAX_UNITS = 10
MAX_DAYS = 60


@dataclass(frozen=True)
class Asked:
    """What the appraiser asks: units (code → name, from the catalogue), question, deadline, documents."""

    units: dict[str, str]
    content: str
    deadline: Duration | None
    documents: Sequence[str]
    # outside agencies among ``units``, reached through the coordinator: code → the coordinator's
    # integration client that may answer for it
    outside: Mapping[str, str] = field(default_factory=dict)


def _refuse(code: str, field: str, message: str, status: int = 422) -> HosoError:
    return HosoError(code, message, status, errors=[FieldError(field, message)])


def request(dossier: Dossier, asked: Asked, *, actor: Actor, now: dt.datetime,
            calendar: WorkingCalendar) -> list[Consultation]:
    """The new consultations, one per consulted unit, or a refusal naming the first wrong field."""
    if not asked.units:
        raise _refuse("CONSULT_UNIT_REQUIRED", "consult_units", "Vui lòng chọn đơn vị được xin ý kiến.")
    if len(asked.units) > MAX_UNITS:
        raise _refuse("TOO_MANY_UNITS", "consult_units", f"Mỗi lần xin ý kiến tối đa {MAX_UNITS} đơn vị.")
    if dossier.unit_code in asked.units:
        raise _refuse("CONSULT_OWN_UNIT", "consult_units", "Không xin ý kiến chính đơn vị đang giải quyết hồ sơ.")
    waiting = {c.unit_code for c in dossier.consultations if c.open}
    if again := sorted(waiting & set(asked.units)):
        raise _refuse("CONSULTATION_OPEN", "consult_units",
                      f"Đơn vị {asked.units[again[0]]} đang được xin ý kiến về hồ sơ này.", 409)
    content = asked.content.strip()
    if not content:
        raise _refuse("CONSULT_CONTENT_REQUIRED", "reason", "Vui lòng nhập nội dung xin ý kiến.")
    deadline = asked.deadline
    if deadline is None:
        raise _refuse("CONSULT_DEADLINE_REQUIRED", "consult_deadline", "Vui lòng nhập thời hạn trả lời.")
    if deadline.unit is not DurationUnit.WORKING_DAYS or not 1 <= deadline.value <= MAX_DAYS:
        raise _refuse("INVALID_CONSULT_DEADLINE", "consult_deadline",
                      f"Thời hạn trả lời là số ngày làm việc từ 1 đến {MAX_DAYS}.")
    readable = {d.id for d in dossier.documents if not d.deleted}
    chosen = list(dict.fromkeys(asked.documents))
    if unknown := [d for d in chosen if d not in readable]:
        raise _refuse("CONSULT_DOCUMENT_UNKNOWN", "consult_documents",
                      f"Tài liệu {unknown[0]} không thuộc hồ sơ.")
    due = calendar.add(now, deadline)
    return [Consultation(id=uuid.uuid4().hex[:12], unit_code=code, unit_name=name, content=content,
                         requested_by=actor.sub, requested_by_name=actor.name, requested_at=now, due_at=due,
                         documents=chosen, via="coordinator" if code in asked.outside else "hoso",
                         coordinator_client=asked.outside.get(code, ""))
            for code, name in asked.units.items()]


def find(dossier: Dossier, consultation_id: str) -> Consultation | None:
    return next((c for c in dossier.consultations if c.id == consultation_id), None)


def readable_by(dossier: Dossier, consultation: Consultation) -> list[DocumentRef]:
    """What the consulted unit may read: the documents the appraiser chose, and its own answer's."""
    allowed = {*consultation.documents, *consultation.opinion_documents}
    return [d for d in dossier.documents if d.id in allowed and not d.deleted]


def answer(consultation: Consultation, opinion: str, *, actor: Actor, now: dt.datetime,
           documents: Sequence[str], signed_document: str) -> Consultation:
    """The consultation answered by ``actor`` of the consulted unit."""
    if consultation.answered_at is not None:
        raise HosoError("CONSULTATION_ANSWERED", "Đơn vị đã trả lời yêu cầu xin ý kiến này.", 409)
    if consultation.closed_at is not None:
        raise HosoError("CONSULTATION_CLOSED",
                        "Yêu cầu xin ý kiến đã kết thúc: hồ sơ đã được tiếp tục xử lý khi quá hạn trả lời.", 409)
    text = opinion.strip()
    if not text:
        raise _refuse("OPINION_REQUIRED", "opinion", "Vui lòng nhập nội dung ý kiến.")
    return consultation.model_copy(update={
        "opinion": text, "answered_by": actor.sub, "answered_by_name": actor.name, "answered_at": now,
        "opinion_documents": [*documents, signed_document], "signed_document": signed_document,
    })


def to_hand_over(dossier: Dossier) -> list[Consultation]:
    """Requests to outside agencies not yet handed to the coordinator (closed ones are not sent)."""
    return [c for c in dossier.consultations if c.via == "coordinator" and c.open and c.handed_over_at is None]


def answer_outside(consultation: Consultation, opinion: str, *, actor: Actor, now: dt.datetime,
                   documents: Sequence[str]) -> Consultation:
    """The consultation answered by the outside agency (through the coordinator): its opinion and its
    files (signed at the agency), as a hoso unit's answer but with no letter drawn up by hoso."""
    answered = answer(consultation, opinion, actor=actor, now=now, documents=documents, signed_document="")
    return answered.model_copy(update={"opinion_documents": list(documents)})


def resume(dossier: Dossier, now: dt.datetime) -> list[Consultation]:
    """The consultations once the appraiser continues: every open one must be past its deadline
    (those are closed unanswered); otherwise the dossier keeps waiting. A request without a deadline
    (recorded before requests carried one) never holds the dossier."""
    waiting = [c for c in dossier.consultations if c.open and c.due_at is not None and c.due_at >= now]
    if waiting:
        names = ", ".join(c.unit_name or c.unit_code for c in waiting)
        raise HosoError("OPINIONS_PENDING",
                        f"Chưa thể tiếp tục: còn chờ ý kiến của {names} (chưa đến hạn trả lời).", 409)
    return [c.model_copy(update={"closed_at": now}) if c.open else c for c in dossier.consultations]
