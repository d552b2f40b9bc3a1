"""The public postal service (SPEC §7.5): orders for collecting dossiers and delivering
results, tracking numbers, and tracking callbacks.

``POST /v1/orders`` —
``{"orderNumber": <dossier code>, "sender": party, "receiver": party, "codAmount": int (VND,
≥ 0), "callbackUrl": "http(s)://…", "note"?: str}`` with party = ``{"name", "phone"
(0[35789]xxxxxxxx or +84…), "address", "provinceCode" (2 digits), "communeCode" (5 digits)}``
→ 201 ``{"orderNumber", "trackingNumber" (UPU S10, e.g. EB000000015VN), "status": "created",
"statusText"}``; the same order again → 200 with the same answer; the same ``orderNumber``
with other data → 409 ``DUPLICATE_ORDER``; invalid → 400 ``INVALID_ORDER`` with ``errors``.
``service`` (optional, default ``BD``) is one of :data:`SERVICES`; the answer carries its
``fee`` (VND). ``POST /v1/quotes`` ``{"service", "sender": {"provinceCode"}, "receiver":
{"provinceCode"}, "weightGram"?}`` → ``{"service", "serviceName", "fee", "estimatedDays"}``
(the same tariff the order is charged; 400 ``INVALID_QUOTE``).
``GET /v1/orders/{orderNumber}`` → the order with its status history.

``POST /_sim/orders/{orderNumber}/status`` ``{"status", "note"?}`` moves the shipment
(created → picked_up | cancelled; picked_up → in_transit → out_for_delivery →
delivered | failed_delivery; failed_delivery → out_for_delivery | returned; anything else
is 409) and POSTs ``{"orderNumber", "trackingNumber", "status", "statusText", "occurredAt"
(ISO 8601, +07:00), "note"}`` to the order's ``callbackUrl`` with
``Authorization: Bearer <SIM_POST_CLIENT_TOKEN>`` (default ``dev-post-token``).
"""

from __future__ import annotations

import itertools
import re
from typing import Any, Final
from urllib.parse import urlsplit

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from local.simulators.base import Simulator, iso_now, json_response, post_json, read_json_object

STATUS_TEXT: Final = {
    "created": "Đã tạo đơn",
    "picked_up": "Đã nhận hàng (thu gom)",
    "in_transit": "Đang vận chuyển",
    "out_for_delivery": "Đang phát",
    "delivered": "Phát thành công",
    "failed_delivery": "Phát không thành công",
    "returned": "Đã chuyển hoàn",
    "cancelled": "Đã hủy",
}
NEXT_STATUSES: Final = {
    "created": frozenset({"picked_up", "cancelled"}),
    "picked_up": frozenset({"in_transit"}),
    "in_transit": frozenset({"out_for_delivery"}),
    "out_for_delivery": frozenset({"delivered", "failed_delivery"}),
    "failed_delivery": frozenset({"out_for_delivery", "returned"}),
}
SERVICES: Final = {  # code: (name, fee within a province, fee between provinces, days within, days between)
    "BD": ("Bưu phẩm bảo đảm", 16_000, 22_000, 2, 4),
    "EMS": ("Chuyển phát nhanh EMS", 25_000, 38_000, 1, 2),
}
STEP_GRAMS: Final = 500  # each further 500 g (or part of it) beyond the first: +5 000 đồng
_PHONE: Final = re.compile(r"^(0|\+84)[35789]\d{8}$")
_PARTY_FIELDS: Final = ("name", "phone", "address", "provinceCode", "communeCode")
_ORDER_FIELDS: Final = ("orderNumber", "sender", "receiver", "codAmount", "callbackUrl", "note", "service")


def tariff(service: str, from_province: str, to_province: str, grams: int = 200) -> tuple[int, int]:
    """The fee (đồng) and the days it takes."""
    _, within, between, days_within, days_between = SERVICES[service]
    same = from_province == to_province
    extra = max(0, -(-grams // STEP_GRAMS) - 1) * 5_000
    return (within if same else between) + extra, days_within if same else days_between


def _quote_errors(body: dict[str, Any]) -> list[dict[str, str]]:
    errors = []
    if body.get("service") not in SERVICES:
        errors.append({"field": "service", "message": f"Một trong {sorted(SERVICES)}"})
    for where in ("sender", "receiver"):
        party = body.get(where)
        if not isinstance(party, dict) or not re.fullmatch(r"\d{2}", str(party.get("provinceCode", ""))):
            errors.append({"field": f"{where}.provinceCode", "message": "Mã tỉnh gồm 2 chữ số"})
    grams = body.get("weightGram", 200)
    if not isinstance(grams, int) or isinstance(grams, bool) or not 1 <= grams <= 30_000:
        errors.append({"field": "weightGram", "message": "Khối lượng (gam) từ 1 đến 30000"})
    return errors


def s10_tracking_number(serial: int, prefix: str = "EB") -> str:
    """A UPU S10 item identifier: 2 letters, 8 digits, a check digit (weights 8,6,4,2,3,5,9,7), "VN"."""
    digits = f"{serial:08d}"
    total = sum(int(d) * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    check = {10: 0, 11: 5}.get(check, check)
    return f"{prefix}{digits}{check}VN"


def _party_errors(party: Any, where: str) -> list[dict[str, str]]:
    if not isinstance(party, dict):
        return [{"field": where, "message": "Bắt buộc, là đối tượng"}]
    errors = [{"field": f"{where}.{k}", "message": "Trường không có trong đặc tả"} for k in party
              if k not in _PARTY_FIELDS]  # fmt: skip
    for name in ("name", "address"):
        if not isinstance(party.get(name), str) or not party[name].strip():
            errors.append({"field": f"{where}.{name}", "message": "Bắt buộc, là chuỗi"})
    checks = (("phone", _PHONE, "Số điện thoại di động không hợp lệ"),
              ("provinceCode", re.compile(r"^\d{2}$"), "Mã tỉnh gồm 2 chữ số"),
              ("communeCode", re.compile(r"^\d{5}$"), "Mã xã gồm 5 chữ số"))  # fmt: skip
    for name, pattern, message in checks:
        value = party.get(name)
        if not isinstance(value, str) or not pattern.match(value):
            errors.append({"field": f"{where}.{name}", "message": message})
    return errors


def _order_errors(body: dict[str, Any]) -> list[dict[str, str]]:
    errors = [{"field": k, "message": "Trường không có trong đặc tả"} for k in body if k not in _ORDER_FIELDS]
    if not isinstance(body.get("orderNumber"), str) or not body["orderNumber"].strip():
        errors.append({"field": "orderNumber", "message": "Bắt buộc: mã hồ sơ"})
    errors += _party_errors(body.get("sender"), "sender") + _party_errors(body.get("receiver"), "receiver")
    cod = body.get("codAmount")
    if not isinstance(cod, int) or isinstance(cod, bool) or cod < 0:
        errors.append({"field": "codAmount", "message": "Số tiền thu hộ (đồng) là số nguyên không âm"})
    callback = urlsplit(body["callbackUrl"]) if isinstance(body.get("callbackUrl"), str) else None
    if callback is None or callback.scheme not in ("http", "https") or not callback.netloc:
        errors.append({"field": "callbackUrl", "message": "Phải là địa chỉ http(s) đầy đủ"})
    if "service" in body and body["service"] not in SERVICES:
        errors.append({"field": "service", "message": f"Một trong {sorted(SERVICES)}"})
    if "note" in body and not isinstance(body["note"], str):
        errors.append({"field": "note", "message": "Phải là chuỗi"})
    return errors


class PostSimulator(Simulator):
    def __init__(self, name: str, client_token: str) -> None:
        self.client_token = client_token
        self.orders: dict[str, dict[str, Any]] = {}
        self._serials = itertools.count(1)
        super().__init__(name)

    def routes(self) -> list[Rule]:
        return [
            Rule("/v1/orders", endpoint="create", methods=["POST"]),
            Rule("/v1/quotes", endpoint="quote", methods=["POST"]),
            Rule("/v1/orders/<number>", endpoint="order", methods=["GET"]),
            Rule("/_sim/orders/<number>/status", endpoint="sim_status", methods=["POST"]),
        ]

    def on_quote(self, request: Request) -> Response:
        body = read_json_object(request)
        errors = _quote_errors(body)
        if errors:
            return self.error(400, "INVALID_QUOTE", "Yêu cầu báo giá không hợp lệ", errors=errors)
        service = body["service"]
        fee, days = tariff(service, body["sender"]["provinceCode"], body["receiver"]["provinceCode"],
                           body.get("weightGram", 200))
        return json_response({"service": service, "serviceName": SERVICES[service][0], "fee": fee,
                              "estimatedDays": days})  # fmt: skip

    def on_create(self, request: Request) -> Response:
        body = read_json_object(request)
        errors = _order_errors(body)
        if errors:
            return self.error(400, "INVALID_ORDER", "Đơn hàng không hợp lệ", errors=errors)
        number = body["orderNumber"]
        with self.lock:
            order = self.orders.get(number)
            if order is not None and order["request"] != body:
                return self.error(409, "DUPLICATE_ORDER", f"Mã đơn {number} đã dùng cho đơn hàng khác")
            status = 200
            if order is None:
                status = 201
                service = body.get("service", "BD")
                order = {
                    "orderNumber": number,
                    "trackingNumber": s10_tracking_number(next(self._serials)),
                    "service": service,
                    "fee": tariff(service, body["sender"]["provinceCode"], body["receiver"]["provinceCode"])[0],
                    "status": "created",
                    "request": body,
                    "history": [{"status": "created", "at": iso_now(), "note": ""}],
                    "deliveries": [],
                }
                self.orders[number] = order
            answer = {"orderNumber": number, "trackingNumber": order["trackingNumber"], "status": "created",
                      "statusText": STATUS_TEXT["created"], "service": order["service"],
                      "fee": order["fee"]}  # fmt: skip
        return json_response(answer, status)

    def on_order(self, request: Request, number: str) -> Response:
        with self.lock:
            order = self.orders.get(number)
            if order is None:
                return self.error(404, "NOT_FOUND", f"Không có đơn hàng {number}")
            return json_response({k: v for k, v in order.items() if k != "deliveries"})

    def on_sim_status(self, request: Request, number: str) -> Response:
        body = read_json_object(request)
        status, note = body.get("status"), body.get("note", "")
        if status not in STATUS_TEXT or not isinstance(note, str):
            return self.error(400, "BAD_REQUEST", f"status phải là một trong {sorted(STATUS_TEXT)}; note là chuỗi")
        with self.lock:
            order = self.orders.get(number)
            if order is None:
                return self.error(404, "NOT_FOUND", f"Không có đơn hàng {number}")
            if status not in NEXT_STATUSES.get(order["status"], frozenset()):
                return self.error(409, "BAD_TRANSITION", f"Không thể chuyển từ {order['status']} sang {status}")
            event = {"status": status, "at": iso_now(), "note": note}
            order["status"] = status
            order["history"].append(event)
            callback = {"orderNumber": number, "trackingNumber": order["trackingNumber"], "status": status,
                        "statusText": STATUS_TEXT[status], "occurredAt": event["at"], "note": note}  # fmt: skip
            url = order["request"]["callbackUrl"]
        delivery = post_json(url, callback, {"Authorization": f"Bearer {self.client_token}"})
        with self.lock:
            order["deliveries"].append({"at": iso_now(), **delivery})
        return json_response({"sent": callback, "callback": delivery}, 200 if delivery["status"] is not None else 502)

    def snapshot(self) -> dict[str, Any]:
        return {"orders": list(self.orders.values())}

    def clear(self) -> None:
        self.orders.clear()
