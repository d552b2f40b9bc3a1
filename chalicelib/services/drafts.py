"""Desk-intake drafts (SPEC §5 "lưu nháp và tiếp tục"): an officer's partly filled desk dossier
(the ``DeskDossierIn`` JSON, unvalidated) kept server-side for ``DRAFT_TTL_S`` after its last
save, so intake can resume on another day or another computer.

``DRAFT#<officer sub> / <draft id>`` in the dossiers table (``DraftItem``): an officer reaches
only their own drafts (another officer's id is simply not in their partition), every read is
by key, and DynamoDB's TTL removes abandoned drafts (until it does, an expired draft is
treated as gone).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, Field
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError

from chalicelib.domain.calendar import VN_TZ
from chalicelib.errors import HosoError
from chalicelib.store.models import DraftItem

DRAFT_TTL_S = 30 * 24 * 3600
MAX_DRAFT_BYTES = 128 * 1024  # a desk dossier's data (files go through presigned uploads); DynamoDB allows 400 KB
MAX_DRAFTS = 20  # per officer: listing reads them all
DRAFT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
SUMMARY_MAX = 255


class DraftSummary(BaseModel):
    id: str
    procedure_code: str | None = Field(None, description="MaTTHC của bản nháp, nếu đã nhập")
    unit_code: str | None = Field(None, description="MaDonViTiepNhan, nếu đã nhập")
    applicant: str | None = Field(None, description="ChuHoSo, nếu đã nhập")
    updated_at: dt.datetime
    expires_at: dt.datetime
    source: Literal["officer", "kiosk"] = Field("officer", description="officer: bản nháp của cán bộ; kiosk: tờ khai "
                                                "công dân khai trước tại ki-ốt, chờ một cửa tiếp nhận (id là số phiếu)")
    kiosk_name: str | None = Field(None, description="Ki-ốt đã tạo (chỉ với source=kiosk)")


class Draft(DraftSummary):
    data: dict[str, Any] = Field(description="Dữ liệu hồ sơ đang nhập (DeskDossierIn, chưa kiểm tra)")


def valid_id(draft_id: str) -> bool:
    return bool(DRAFT_ID.fullmatch(draft_id))


def _pk(sub: str) -> str:
    return f"DRAFT#{sub}"


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return (value.strip()[:SUMMARY_MAX] or None) if isinstance(value, str) else None


def _draft(item: DraftItem) -> Draft:
    data = item.data if isinstance(item.data, dict) else {}
    return Draft(
        id=item.sk, procedure_code=_text(data, "MaTTHC"), unit_code=_text(data, "MaDonViTiepNhan"),
        applicant=_text(data, "ChuHoSo"), updated_at=item.updated_at.astimezone(VN_TZ),
        expires_at=dt.datetime.fromtimestamp(item.expires_at or 0, VN_TZ), data=data,
    )


def _live(item: DraftItem, now: dt.datetime) -> bool:
    return item.expires_at is not None and item.expires_at > now.timestamp()


def save(sub: str, draft_id: str, data: dict[str, Any], now: dt.datetime) -> tuple[Draft, bool]:
    """Create or replace a draft; ``(draft, created)``. 409 ``DRAFT_LIMIT`` when a new draft
    would exceed ``MAX_DRAFTS``."""
    item = DraftItem(pk=_pk(sub), sk=draft_id, data=data, updated_at=now,
                     expires_at=int(now.timestamp()) + DRAFT_TTL_S)
    if get(sub, draft_id, now) is not None:
        item.save()
        return _draft(item), False
    live = sum(1 for i in DraftItem.query(_pk(sub), attributes_to_get=["pk", "sk", "expires_at"]) if _live(i, now))
    if live >= MAX_DRAFTS:
        raise HosoError("DRAFT_LIMIT", f"Bạn đã có {MAX_DRAFTS} bản nháp. Vui lòng xóa bớt bản nháp không dùng.", 409)
    try:
        item.save(condition=DraftItem.pk.does_not_exist() | (DraftItem.expires_at <= int(now.timestamp())))
    except PutError as err:
        if err.cause_response_code != "ConditionalCheckFailedException":
            raise
        item.save()  # saved by a concurrent request of the same officer meanwhile: last write wins
        return _draft(item), False
    return _draft(item), True


def list_drafts(sub: str, now: dt.datetime) -> list[DraftSummary]:
    """The officer's drafts, most recently saved first."""
    drafts = [_draft(i) for i in DraftItem.query(_pk(sub)) if _live(i, now)]
    drafts.sort(key=lambda d: d.updated_at, reverse=True)
    return [DraftSummary.model_validate(d.model_dump(exclude={"data"})) for d in drafts]


def get(sub: str, draft_id: str, now: dt.datetime) -> Draft | None:
    if not valid_id(draft_id):
        return None
    try:
        item = DraftItem.get(_pk(sub), draft_id, consistent_read=True)
    except DoesNotExist:
        return None
    return _draft(item) if _live(item, now) else None


def delete(sub: str, draft_id: str, now: dt.datetime) -> bool:
    """False when the officer has no such (live) draft."""
    if not valid_id(draft_id):
        return False
    try:
        DraftItem(pk=_pk(sub), sk=draft_id).delete(
            condition=DraftItem.pk.exists() & (DraftItem.expires_at > int(now.timestamp())))
    except DeleteError as err:
        if err.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
    return True
