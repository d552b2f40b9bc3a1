"""The postal service simulator (SPEC §7.5): orders, tracking numbers, tracking callbacks."""

from __future__ import annotations

import json
from typing import Any

import requests

from local.simulators.post import s10_tracking_number
from tests.integration.simulators.conftest import Receiver


def order(callback: str, **fields: Any) -> dict[str, Any]:
    return {
        "orderNumber": "000.00.13.H26-260115-0001",
        "sender": {"name": "Sở Khoa học và Công nghệ thành phố Hà Nội", "phone": "0912004101",
                   "address": "Số 5 phố Nguyễn Trãi", "provinceCode": "01", "communeCode": "00070"},
        "receiver": {"name": "Nguyễn Văn An", "phone": "0912345678", "address": "Số 12 phố Lý Thường Kiệt",
                     "provinceCode": "01", "communeCode": "00070"},
        "codAmount": 0,
        "callbackUrl": f"{callback}/v1/post/callback",
        **fields,
    }  # fmt: skip


def test_s10_check_digit() -> None:
    # Weights 8,6,4,2,3,5,9,7: 4·8+7·6+3·4+1·2+2·3+4·5+8·9+2·7 = 200, 11 − 200 mod 11 = 9.
    assert s10_tracking_number(47312482, "EE") == "EE473124829VN"
    assert s10_tracking_number(8) == "EB000000080VN"  # 11 − sum mod 11 = 10 → 0
    assert s10_tracking_number(15) == "EB000000155VN"  # = 11 → 5


def test_order_then_status_change_reaches_the_callback(sims: dict[str, str], receiver: Receiver) -> None:
    url = sims["post"]
    body = order(receiver.url)
    created = requests.post(f"{url}/v1/orders", json=body, timeout=5)
    assert created.status_code == 201
    tracking = created.json()["trackingNumber"]
    assert tracking.startswith("EB") and tracking.endswith("VN") and len(tracking) == 13
    again = requests.post(f"{url}/v1/orders", json=body, timeout=5)
    assert again.status_code == 200 and again.json()["trackingNumber"] == tracking

    moved = requests.post(f"{url}/_sim/orders/{body['orderNumber']}/status", json={"status": "picked_up"}, timeout=5)
    assert moved.status_code == 200
    (request,) = receiver.wait_for(1)
    assert request["path"] == "/v1/post/callback"
    assert request["headers"]["Authorization"] == "Bearer dev-post-token"
    callback = json.loads(request["raw"])
    assert callback["orderNumber"] == body["orderNumber"] and callback["trackingNumber"] == tracking
    assert callback["status"] == "picked_up" and callback["statusText"] == "Đã nhận hàng (thu gom)"

    skipped = requests.post(f"{url}/_sim/orders/{body['orderNumber']}/status", json={"status": "delivered"},
                            timeout=5)  # fmt: skip
    assert skipped.status_code == 409
    history = requests.get(f"{url}/v1/orders/{body['orderNumber']}", timeout=5).json()["history"]
    assert [h["status"] for h in history] == ["created", "picked_up"]


def test_invalid_and_conflicting_orders(sims: dict[str, str], receiver: Receiver) -> None:
    url = sims["post"]
    bad = order(receiver.url, codAmount=-5)
    bad["receiver"] = {**bad["receiver"], "phone": "12345", "communeCode": "7"}
    answer = requests.post(f"{url}/v1/orders", json=bad, timeout=5)
    assert answer.status_code == 400
    assert {e["field"] for e in answer.json()["errors"]} == {"codAmount", "receiver.phone", "receiver.communeCode"}
    assert requests.post(f"{url}/v1/orders", json=order(receiver.url), timeout=5).status_code == 201
    assert requests.post(f"{url}/v1/orders", json=order(receiver.url, codAmount=30000), timeout=5).status_code == 409
    assert requests.get(f"{url}/v1/orders/unknown", timeout=5).status_code == 404
