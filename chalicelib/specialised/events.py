"""The reports a specialised software sent, by its ``event_id`` (items in the dossiers table):

  SPECIALISED#<client id>#<event id> / EVENT   ``fingerprint`` of the report, ``state`` pending
                                                (being applied since ``claimed_at``) → done (with
                                                the ``answer`` given), TTL ``expires_at``.
  SPECIALISED#specialised-push#<code> / EVENT   the dossier's hand-over to its software (``push``),
                                                claimed the same way (fingerprint: the software).

A report is applied by whoever claims its id first; the same report again gets the stored
answer; a claim older than ``CLAIM_EXPIRY_S`` was left by a crashed request and may be taken
over. A report refused by the rules releases its claim (nothing was changed).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError

from chalicelib.store.models import DossiersTable

CLAIM_EXPIRY_S = 120  # longer than any API request (API Gateway stops at 29 s)
EVENT_TTL_S = 400 * 24 * 3600


class SpecialisedEventItem(DossiersTable):
    code = UnicodeAttribute()
    fingerprint = UnicodeAttribute()
    state = UnicodeAttribute()
    claimed_at = NumberAttribute()
    answer = JSONAttribute(null=True)
    expires_at = NumberAttribute()


def reset_connections() -> None:
    """Forget the cached connection (tests and the local stack change endpoints)."""
    SpecialisedEventItem._connection = None


def _pk(client_id: str, event_id: str) -> str:
    return f"SPECIALISED#{client_id}#{event_id}"


@dataclass(frozen=True)
class Claim:
    outcome: Literal["claimed", "taken_over", "done", "busy", "reused"]
    claimed_at: float = 0.0
    answer: dict[str, Any] | None = None


def claim(client_id: str, event_id: str, code: str, fingerprint: str) -> Claim:
    now = time.time()
    item = SpecialisedEventItem(_pk(client_id, event_id), "EVENT", code=code, fingerprint=fingerprint,
                                state="pending", claimed_at=now, expires_at=int(now) + EVENT_TTL_S)  # fmt: skip
    try:
        item.save(condition=SpecialisedEventItem.pk.does_not_exist())
        return Claim("claimed", now)
    except PutError as err:
        if err.cause_response_code != "ConditionalCheckFailedException":
            raise
    try:
        known = SpecialisedEventItem.get(_pk(client_id, event_id), "EVENT", consistent_read=True)
    except DoesNotExist:  # released meanwhile: the caller may send it again
        return Claim("busy")
    if known.fingerprint != fingerprint:
        return Claim("reused")
    if known.state == "done":
        return Claim("done", answer=known.answer)
    if now - known.claimed_at < CLAIM_EXPIRY_S:
        return Claim("busy")
    try:
        known.update(actions=[SpecialisedEventItem.claimed_at.set(now)],
                     condition=SpecialisedEventItem.claimed_at == known.claimed_at)  # fmt: skip
    except UpdateError as err:
        if err.cause_response_code != "ConditionalCheckFailedException":
            raise
        return Claim("busy")
    return Claim("taken_over", now)


def complete(client_id: str, event_id: str, answer: dict[str, Any]) -> None:
    item = SpecialisedEventItem(_pk(client_id, event_id), "EVENT")
    item.update(actions=[SpecialisedEventItem.state.set("done"), SpecialisedEventItem.answer.set(answer)])


def release(client_id: str, event_id: str, claimed_at: float) -> None:
    """Forget a claim that changed nothing (unless another request took it over meanwhile)."""
    item = SpecialisedEventItem(_pk(client_id, event_id), "EVENT")
    try:
        item.delete(condition=(SpecialisedEventItem.state == "pending")
                    & (SpecialisedEventItem.claimed_at == claimed_at))  # fmt: skip
    except DeleteError as err:
        if err.cause_response_code != "ConditionalCheckFailedException":
            raise
