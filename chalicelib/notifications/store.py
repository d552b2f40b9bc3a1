"""Officers' notifications, their once-markers and contact preferences, in the dossiers table
(one partition per officer, read by key only), plus the index reads the sweep needs.

  NOTIFY#<sub> / N#<id>          a notification (TTL ``NOTIFICATION_TTL_S``); ids sort by time
  NOTIFY#<sub> / U#<id>          "not read yet" marker of that notification (same TTL): the unread
                                 count is a Query of these small items only, however many were read
  NOTIFY#<sub> / ONCE#<key>      "already notified" marker of a reminder's once-key (TTL)
  NOTIFY#<sub> / PREFS           where the officer wants e-mail and SMS reminders

A notification, its once-marker and its unread marker are written in one transaction
conditional on the once-marker not existing: however many sweeps overlap or retry, a reminder
reaches an officer once. Marking it read sets ``read_at`` and deletes the unread marker in one
transaction, so the count never drifts from the notifications.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.dossier import Dossier
from chalicelib.errors import bad_request
from chalicelib.notifications.reminders import Reminder, ReminderKind
from chalicelib.store.models import DossierItem, DossiersTable, batch_fetch, transaction_connection

NOTIFICATION_TTL_S = 90 * 24 * 3600
MARKER_TTL_S = 3 * 24 * 3600  # longer than a day (daily kinds) and than new work's look-back
ID_PATTERN = re.compile(r"[0-9]{8}T[0-9]{12}-[0-9a-f]{8}")
MAX_ATTEMPTS = 3
UNREAD_COUNT_CAP = 100  # the bell shows "99+" beyond this; counting stops reading there
MARK_ALL_LIMIT = 200  # unread notifications one "mark all read" request marks


class NotificationItem(DossiersTable):
    data = JSONAttribute()
    read_at = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)


class MarkerItem(DossiersTable):
    expires_at = NumberAttribute(null=True)


class PreferencesItem(DossiersTable):
    data = JSONAttribute()


_MODELS: tuple[type[Model], ...] = (NotificationItem, MarkerItem, PreferencesItem)


def _unread_sk(notification_id: str) -> str:
    return f"U#{notification_id}"


def reset_connections() -> None:
    """Forget cached connections (tests and the local stack change endpoints)."""
    for model in _MODELS:
        model._connection = None


class Notification(BaseModel):
    id: str
    kind: ReminderKind
    title: str
    message: str
    dossier_code: str
    unit_code: str
    step_id: str
    deadline: dt.datetime | None = None
    created_at: dt.datetime
    read_at: dt.datetime | None = None


class Preferences(BaseModel):
    """Contact addresses for reminders; none given: in-app notifications only."""

    email: str | None = None
    phone: str | None = None


def _pk(sub: str) -> str:
    return f"NOTIFY#{sub}"


def new_id(now: dt.datetime) -> str:
    """Sortable by creation time (UTC, to the microsecond), unique by its random tail."""
    return f"{now.astimezone(dt.UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}"


def _notification(item: NotificationItem) -> Notification:
    return Notification.model_validate({**item.data, "read_at": item.read_at})


def deliver(sub: str, reminder: Reminder, now: dt.datetime) -> Notification | None:
    """Notify ``sub`` of ``reminder`` unless its once-key was notified already (then None)."""
    notification = Notification(
        id=new_id(now), kind=reminder.kind, title=reminder.title, message=reminder.message,
        dossier_code=reminder.dossier_code, unit_code=reminder.unit_code, step_id=reminder.step_id,
        deadline=reminder.deadline, created_at=now,
    )
    expires = int(now.timestamp())
    attempt = 0
    while True:
        attempt += 1
        try:
            with TransactWrite(connection=transaction_connection()) as tx:
                tx.save(MarkerItem(pk=_pk(sub), sk=f"ONCE#{reminder.once}", expires_at=expires + MARKER_TTL_S),
                        condition=MarkerItem.pk.does_not_exist())
                tx.save(NotificationItem(pk=_pk(sub), sk=f"N#{notification.id}",
                                         data=notification.model_dump(mode="json", exclude={"read_at"}),
                                         expires_at=expires + NOTIFICATION_TTL_S))
                tx.save(MarkerItem(pk=_pk(sub), sk=_unread_sk(notification.id),
                                   expires_at=expires + NOTIFICATION_TTL_S))
            return notification
        except TransactWriteError as err:
            reasons = [r.code if r else None for r in (err.cancellation_reasons or [])]
            if "ConditionalCheckFailed" in reasons:
                return None
            if "TransactionConflict" not in reasons or attempt >= MAX_ATTEMPTS:
                raise


@dataclass(frozen=True)
class Page:
    items: list[Notification]
    cursor: str | None


def _cursor(last_key: dict[str, dict[str, str]] | None) -> str | None:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(last_key["sk"]["S"].encode()).decode().rstrip("=")


def _start(sub: str, cursor: str | None) -> dict[str, dict[str, str]] | None:
    """The cursor carries only the sort key; the partition is always the caller's own."""
    if not cursor:
        return None
    try:
        sk = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        sk = ""
    if not (sk.startswith("N#") and ID_PATTERN.fullmatch(sk[2:])):
        raise bad_request("Con trỏ phân trang không hợp lệ.", "INVALID_CURSOR")
    return {"pk": {"S": _pk(sub)}, "sk": {"S": sk}}


def page(sub: str, *, limit: int = 20, cursor: str | None = None, unread_only: bool = False) -> Page:
    """The officer's notifications, newest first."""
    result = NotificationItem.query(
        _pk(sub), NotificationItem.sk.startswith("N#"), scan_index_forward=False, limit=limit, page_size=limit,
        last_evaluated_key=_start(sub, cursor),
        filter_condition=NotificationItem.read_at.does_not_exist() if unread_only else None,
    )
    items = [_notification(i) for i in result]
    return Page(items, _cursor(result.last_evaluated_key))


def mark_read(sub: str, notification_id: str, now: dt.datetime) -> Notification | None:
    """Mark one of the officer's notifications read (once; again is harmless). None: no such
    notification of this officer."""
    if not ID_PATTERN.fullmatch(notification_id):
        return None
    _mark(sub, notification_id, now)
    try:
        return _notification(NotificationItem.get(_pk(sub), f"N#{notification_id}", consistent_read=True))
    except DoesNotExist:
        return None


def _mark(sub: str, notification_id: str, now: dt.datetime) -> bool:
    """Set ``read_at`` and drop the unread marker together; False if it was read already (or
    does not exist)."""
    try:
        with TransactWrite(connection=transaction_connection()) as tx:
            tx.update(NotificationItem(pk=_pk(sub), sk=f"N#{notification_id}"),
                      actions=[NotificationItem.read_at.set(now.isoformat())],
                      condition=NotificationItem.pk.exists() & NotificationItem.read_at.does_not_exist())
            tx.delete(MarkerItem(pk=_pk(sub), sk=_unread_sk(notification_id)))
        return True
    except TransactWriteError as err:
        if "ConditionalCheckFailed" not in [r.code if r else None for r in (err.cancellation_reasons or [])]:
            raise
        return False


def mark_all_read(sub: str, now: dt.datetime) -> int:
    """Mark up to ``MARK_ALL_LIMIT`` of the officer's unread notifications read (oldest first);
    how many are still unread afterwards."""
    for marker in MarkerItem.query(_pk(sub), MarkerItem.sk.startswith("U#"), limit=MARK_ALL_LIMIT,
                                   consistent_read=True):
        _mark(sub, marker.sk[2:], now)
    return unread_count(sub, now)


def unread_count(sub: str, now: dt.datetime) -> int:
    """The officer's unread notifications, up to ``UNREAD_COUNT_CAP`` (reads only the unread
    markers; one whose notification expired does not count)."""
    markers = MarkerItem.query(_pk(sub), MarkerItem.sk.startswith("U#"), limit=UNREAD_COUNT_CAP,
                               filter_condition=MarkerItem.expires_at > int(now.timestamp()))
    return sum(1 for _ in markers)


def get_preferences(sub: str) -> Preferences:
    try:
        return Preferences.model_validate(PreferencesItem.get(_pk(sub), "PREFS").data)
    except DoesNotExist:
        return Preferences()


def put_preferences(sub: str, preferences: Preferences) -> None:
    PreferencesItem(pk=_pk(sub), sk="PREFS", data=preferences.model_dump(mode="json")).save()


# -- what the sweep reads: the dossiers table's indexes, never a Scan -----------------------------


def _status_query(unit_code: str, status: int, due_until: dt.datetime | None, **page: Any) -> Any:
    # The index holds deadlines as Asia/Ho_Chi_Minh ISO strings: compare in the same zone.
    bound = f"{due_until.astimezone(VN_TZ).isoformat()}#~" if due_until is not None else None
    condition = DossierItem.gsi1sk <= bound if bound is not None else None
    return DossierItem.by_unit_status.query(f"UNIT#{unit_code}#S#{status}", condition, **page)


def dossiers_in(unit_code: str, status: int, due_until: dt.datetime | None = None) -> Iterator[Dossier]:
    """A unit's dossiers in a status (``gsi1``, sorted by legal deadline); with ``due_until``
    only those due by then — the query stops at that point of the index."""
    for item in batch_fetch(DossierItem, _status_query(unit_code, status, due_until)):  # gsi1: keys only
        yield Dossier.model_validate(item.data)


Cursor = dict[str, Any] | None


def _page(result: Any) -> tuple[list[Dossier], Cursor]:
    dossiers = [Dossier.model_validate(item.data) for item in batch_fetch(DossierItem, result)]  # keys-only index
    return dossiers, result.last_evaluated_key


def dossiers_page(unit_code: str, status: int, limit: int, after: Cursor,
                  due_until: dt.datetime | None = None) -> tuple[list[Dossier], Cursor]:
    """At most ``limit`` of :func:`dossiers_in`, from ``after``; and where they stopped (None: the end)."""
    return _page(_status_query(unit_code, status, due_until, limit=limit, last_evaluated_key=after))


def assigned_page(sub: str, limit: int, after: Cursor) -> tuple[list[Dossier], Cursor]:
    """At most ``limit`` of an appraiser's own worklist (``gsi2``) from ``after``; where they stopped."""
    return _page(DossierItem.by_assignee.query(f"ASSIGNEE#{sub}", limit=limit, last_evaluated_key=after))
