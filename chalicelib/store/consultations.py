"""The consulted units' lists of consultations (xin ý kiến, chalicelib.domain.consultation), kept in
the dossiers table by the dossier's own transaction (``dossiers.transition`` calls :func:`index`), so
a list can never disagree with the dossiers:

  CONSULT#<unit>#OPEN / <due>#<code>#<id>       awaiting the unit's opinion, nearest deadline first
  CONSULT#<unit>#DONE / <answered or closed>#<code>#<id>   answered, or closed unanswered

An answered or closed request's open item is marked ``done`` and expires (TTL) rather than being
deleted: the dossier's transaction sends its puts and updates after its own three items, whose
positions its conflict handling reads (a delete would go first); readers skip ``done`` items.

An item carries what the consulted unit may know of the request: the dossier's code, the asking
unit and the consultation itself (question, deadline, the ids of the documents it may read) — never
the dossier. Every read is a Query of one partition.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute
from pynamodb.transactions import TransactWrite

from chalicelib.domain.dossier import Consultation, Dossier
from chalicelib.errors import bad_request
from chalicelib.store.models import DossiersTable

OPEN, DONE = "OPEN", "DONE"
DONE_TTL_S = 7 * 24 * 3600


class ConsultationItem(DossiersTable):
    data = JSONAttribute()
    done = BooleanAttribute(null=True)
    expires_at = NumberAttribute(null=True)


def _pk(unit_code: str, state: str) -> str:
    return f"CONSULT#{unit_code}#{state}"


def _sk(c: Consultation, code: str) -> str:
    if c.open:
        when = c.due_at.isoformat() if c.due_at else "9999"
    else:
        moment = c.answered_at or c.closed_at
        when = moment.isoformat() if moment else "9999"
    return f"{when}#{code}#{c.id}"


def _item(dossier: Dossier, c: Consultation) -> ConsultationItem:
    return ConsultationItem(pk=_pk(c.unit_code, OPEN if c.open else DONE), sk=_sk(c, dossier.code), data={
        "code": dossier.code, "asking_unit": dossier.unit_code, "consultation": c.model_dump(mode="json")})


def index(tx: TransactWrite, before: Dossier | None, after: Dossier) -> None:
    """The list items that change with ``before`` → ``after``: a new request enters the unit's open
    list; an answered or closed one leaves it for the done list."""
    old = {c.id: c for c in before.consultations} if before is not None else {}
    for c in after.consultations:
        was = old.get(c.id)
        if was is not None and was.open == c.open:
            continue
        if was is not None:
            tx.update(ConsultationItem(pk=_pk(was.unit_code, OPEN), sk=_sk(was, after.code)), actions=[
                ConsultationItem.done.set(True),
                ConsultationItem.expires_at.set(int(after.updated_at.timestamp()) + DONE_TTL_S)])
        tx.save(_item(after, c))


@dataclass(frozen=True)
class Listed:
    code: str
    asking_unit: str
    consultation: Consultation


@dataclass(frozen=True)
class Page:
    items: list[Listed]
    cursor: str | None


def _listed(item: ConsultationItem) -> Listed:
    return Listed(code=item.data["code"], asking_unit=item.data["asking_unit"],
                  consultation=Consultation.model_validate(item.data["consultation"]))


def page(unit_code: str, state: str, limit: int = 20, cursor: str | None = None) -> Page:
    """A unit's open (nearest deadline first) or done (latest first) consultations."""
    pk = _pk(unit_code, state)
    start = None
    if cursor:
        try:
            sk = str(json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["sk"])
        except (ValueError, KeyError, TypeError):
            raise bad_request("Con trỏ phân trang không hợp lệ.", "INVALID_CURSOR") from None
        start = {"pk": {"S": pk}, "sk": {"S": sk}}  # rebuilt here: a cursor cannot reach another unit's list
    result = ConsultationItem.query(pk, scan_index_forward=state == OPEN, limit=limit, page_size=limit,
                                    last_evaluated_key=start, filter_condition=ConsultationItem.done.does_not_exist())
    items = [_listed(i) for i in result]
    last = result.last_evaluated_key
    out = base64.urlsafe_b64encode(json.dumps({"sk": last["sk"]["S"]}).encode()).decode().rstrip("=") if last else None
    return Page(items, out)


def due_by(unit_code: str, until: str, limit: int, after: dict[str, Any] | None) -> tuple[list[Listed],
                                                                                           dict[str, Any] | None]:
    """The unit's open consultations due up to ``until`` (ISO), for the deadline sweep's reminders."""
    result = ConsultationItem.query(_pk(unit_code, OPEN), ConsultationItem.sk <= f"{until}#~", limit=limit,
                                    page_size=limit, last_evaluated_key=after,
                                    filter_condition=ConsultationItem.done.does_not_exist())
    items = [_listed(i) for i in result]
    return items, result.last_evaluated_key
