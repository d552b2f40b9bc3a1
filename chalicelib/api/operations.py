"""Operators' sync API: a dossier's sync state and ledger per destination ("did DVCQG get step X
of dossier Y, and when?"), a forced resync, and the redrive of a destination's DLQ."""

from __future__ import annotations

from typing import Any, Literal

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth.caller import current_principal
from chalicelib.errors import HosoError, not_found
from chalicelib.store import dossiers
from chalicelib.sync import redrive, store
from chalicelib.sync.destinations import SYNC as DESTINATIONS
from chalicelib.sync.destinations import SYNC_TITLES as DESTINATION_NAMES
from chalicelib.sync.queues import QueueNotConfigured

bp = Blueprint(__name__)
TAGS = ("Vận hành",)

Destination = Literal["dvcqg", "coordinator", "province"]


class LedgerEntryOut(BaseModel):
    seq: int = Field(description="Số thứ tự bước xử lý (nhật ký) của hồ sơ")
    service: str = Field(description="DongBoHoSoMC (thông tin hồ sơ tại bước này) hoặc CapNhatTienDoHoSoMC (bước)")
    status: str = Field(description='Trạng thái DVCQG "1".."10"')
    label: str
    first_sent_at: str
    first_acked_at: str = Field(description="Lần đầu hệ thống nhận xác nhận đã nhận bản ghi (UTC, ISO 8601)")
    last_acked_at: str
    sends: int = Field(description="Số lần bản ghi được gửi và được xác nhận")
    lag_ms: int = Field(description="Từ lúc ghi nhận bước đến lần xác nhận đầu tiên (ms)")
    answer: dict[str, Any]


class DestinationSyncOut(BaseModel):
    destination: Destination
    name: str
    acked_seq: int = Field(description="Bước cuối cùng hệ thống nhận đã xác nhận")
    seen: bool = Field(description="Hệ thống nhận đã có hồ sơ (lần đồng bộ sau gửi isUpdating = True)")
    pending: int = Field(description="Số bước chưa được xác nhận")
    updated_at: str | None
    ledger: list[LedgerEntryOut]


class AuditOut(BaseModel):
    at: str
    destination: str
    action: str
    by: str
    details: dict[str, Any]


class DossierSyncOut(BaseModel):
    code: str
    seq: int = Field(description="Số bước xử lý của hồ sơ trên hoso")
    status: str
    destinations: list[DestinationSyncOut]
    audit: list[AuditOut]


class ResyncIn(BaseModel):
    destination: Literal["dvcqg", "coordinator", "province", "all"]
    from_start: bool = Field(False, description="Gửi lại từ bước đầu tiên (đưa con trỏ về 0)")

    model_config = {"extra": "forbid"}


class ResyncedOut(BaseModel):
    destination: Destination
    acked_before: int
    acked_after: int
    enqueued_seq: int


class ResyncOut(BaseModel):
    code: str
    destinations: list[ResyncedOut]


class RedriveOut(BaseModel):
    destination: Destination
    moved: int = Field(description="Số thông điệp đã chuyển từ hàng đợi lỗi (DLQ) về hàng đợi đồng bộ")
    remaining: int = Field(description="Số thông điệp còn lại trong DLQ (ước lượng của SQS)")


def _dossier_missing() -> HosoError:
    return not_found("Không tìm thấy hồ sơ.")


def _queue_missing() -> HosoError:
    return HosoError("SYNC_QUEUE_NOT_CONFIGURED", "Hàng đợi đồng bộ của hệ thống nhận chưa được cấu hình.", 503)


def sync_state(code: str) -> DossierSyncOut:
    dossier = dossiers.get(code)
    if dossier is None:
        raise _dossier_missing()
    cursors = store.cursors(code)
    entries = store.ledger(code)
    out = []
    for destination in DESTINATIONS:
        cursor = cursors.get(destination, store.Cursor(destination))
        out.append(DestinationSyncOut(
            destination=destination,  # type: ignore[arg-type]
            name=DESTINATION_NAMES[destination],
            acked_seq=cursor.acked,
            seen=cursor.seen,
            pending=max(0, dossier.seq - cursor.acked),
            updated_at=cursor.updated_at,
            ledger=[LedgerEntryOut(**{k: v for k, v in e.__dict__.items() if k != "destination"})
                    for e in entries if e.destination == destination],
        ))  # fmt: skip
    return DossierSyncOut(code=code, seq=dossier.seq, status=str(dossier.status), destinations=out,
                          audit=[AuditOut.model_validate(a) for a in store.audits(code)])  # fmt: skip


@route(bp, "/v1/ops/dossiers/{code}/sync", "GET", summary="Tình trạng đồng bộ của hồ sơ với từng hệ thống nhận",
       access=Access.OPERATOR, tags=TAGS, responses={200: DossierSyncOut}, errors=(404,))  # fmt: skip
def get_sync(code: str) -> Any:
    return json_response(200, sync_state(code).model_dump(mode="json"))


@route(bp, "/v1/ops/dossiers/{code}/resync", "POST", summary="Đồng bộ lại hồ sơ tới một hoặc mọi hệ thống nhận",
       access=Access.OPERATOR, tags=TAGS, request=ResyncIn, responses={202: ResyncOut},
       errors=(404, 422, 503))  # fmt: skip
def post_resync(code: str) -> Any:
    _, payload = read_json(bp, 4096)
    body = parse_model(ResyncIn, payload)
    principal = current_principal()
    try:
        done = redrive.resync(code, body.destination, from_start=body.from_start,
                              by=f"{principal.name} ({principal.sub})")  # fmt: skip
    except redrive.NoSuchDossier:
        raise _dossier_missing() from None
    except QueueNotConfigured:
        raise _queue_missing() from None
    out = ResyncOut(code=code, destinations=[ResyncedOut(**r.__dict__) for r in done])
    return json_response(202, out.model_dump(mode="json"))


@route(bp, "/v1/ops/sync/{destination}/redrive", "POST",
       summary="Chuyển các thông điệp trong hàng đợi lỗi (DLQ) của một hệ thống nhận về hàng đợi đồng bộ",
       access=Access.OPERATOR, tags=TAGS, responses={200: RedriveOut}, errors=(404, 503))  # fmt: skip
def post_redrive(destination: str) -> Any:
    if destination not in DESTINATIONS:
        raise not_found("Không có hệ thống nhận này (dvcqg, coordinator, province).")
    try:
        result = redrive.redrive(destination)
    except QueueNotConfigured:
        raise _queue_missing() from None
    return json_response(200, RedriveOut(**result.__dict__).model_dump(mode="json"))
