"""Officers' own notifications (FR-20 reminders) and where reminders reach them by e-mail/SMS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, Field

from chalicelib.api.routing import Access, json_response, parse_model, read_json, route
from chalicelib.auth.caller import current_principal
from chalicelib.domain.identifiers import normalise_email, normalise_mobile
from chalicelib.errors import FieldError, bad_request, invalid, not_found
from chalicelib.notifications import store
from chalicelib.services.dossiers import now

bp = Blueprint(__name__)
TAGS = ("Thông báo",)


class NotificationPage(BaseModel):
    items: list[store.Notification]
    cursor: str | None = None
    unread: int = Field(description=f"Số thông báo chưa đọc (tối đa {store.UNREAD_COUNT_CAP})")


class ReadAllOut(BaseModel):
    unread: int = Field(description="Số thông báo còn chưa đọc sau khi đánh dấu")


class PreferencesIn(BaseModel):
    model_config = {"extra": "forbid"}

    email: str | None = Field(None, max_length=254, description="Nhận nhắc việc qua thư điện tử; null: không nhận")
    phone: str | None = Field(None, max_length=20, description="Nhận SMS khi có việc quá hạn; null: không nhận")


def _limit(params: dict[str, str]) -> int:
    try:
        return max(1, min(100, int(params.get("limit", "20"))))
    except ValueError:
        raise bad_request("Tham số limit không hợp lệ.", "INVALID_QUERY") from None


def _address(value: str | None, normalise: Callable[[str], str | None], name: str, message: str,
             errors: list[FieldError]) -> str | None:
    """The normalised address, None when not given; a problem is added to ``errors``."""
    if value is None or not value.strip():
        return None
    normalised = normalise(value.strip())
    if normalised is None:
        errors.append(FieldError(name, message))
    return normalised


@route(bp, "/v1/me/notifications", "GET", summary="Thông báo nhắc việc của tôi (mới nhất trước)",
       access=Access.OFFICER, tags=TAGS, responses={200: NotificationPage})
def my_notifications() -> Any:
    params = bp.current_request.query_params or {}
    unread = params.get("unread", "").lower()
    if unread not in ("", "0", "1", "true", "false"):
        raise bad_request("Tham số unread phải là true hoặc false.", "INVALID_QUERY")
    sub = current_principal().sub
    page = store.page(sub, limit=_limit(params), cursor=params.get("cursor"), unread_only=unread in ("1", "true"))
    return json_response(200, NotificationPage(items=page.items, cursor=page.cursor,
                                               unread=store.unread_count(sub, now())).model_dump(mode="json"))


@route(bp, "/v1/me/notifications/{notification_id}/read", "POST", summary="Đánh dấu thông báo đã đọc",
       access=Access.OFFICER, tags=TAGS, responses={200: store.Notification}, errors=(404,))
def mark_read(notification_id: str) -> Any:
    notification = store.mark_read(current_principal().sub, notification_id, now())
    if notification is None:
        raise not_found("Không tìm thấy thông báo.")
    return json_response(200, notification.model_dump(mode="json"))


@route(bp, "/v1/me/notifications/read-all", "POST", summary="Đánh dấu mọi thông báo của tôi là đã đọc",
       access=Access.OFFICER, tags=TAGS, responses={200: ReadAllOut})
def mark_all_read() -> Any:
    return json_response(200, ReadAllOut(unread=store.mark_all_read(current_principal().sub, now())).model_dump())


@route(bp, "/v1/me/notification-settings", "GET", summary="Địa chỉ nhận nhắc việc qua thư điện tử và SMS",
       access=Access.OFFICER, tags=TAGS, responses={200: store.Preferences})
def my_notification_settings() -> Any:
    return json_response(200, store.get_preferences(current_principal().sub).model_dump(mode="json"))


@route(bp, "/v1/me/notification-settings", "PUT", summary="Đặt địa chỉ nhận nhắc việc qua thư điện tử và SMS",
       access=Access.OFFICER, tags=TAGS, request=PreferencesIn, responses={200: store.Preferences}, errors=(422,))
def set_my_notification_settings() -> Any:
    _, payload = read_json(bp, 4 * 1024)
    body = parse_model(PreferencesIn, payload)
    errors: list[FieldError] = []
    email = _address(body.email, normalise_email, "email", "Địa chỉ thư điện tử không hợp lệ.", errors)
    phone = _address(body.phone, normalise_mobile, "phone", "Số điện thoại di động không hợp lệ (ví dụ 0912345678).",
                     errors)
    if errors:
        raise invalid(errors)
    preferences = store.Preferences(email=email, phone=phone)
    store.put_preferences(current_principal().sub, preferences)
    return json_response(200, preferences.model_dump(mode="json"))
