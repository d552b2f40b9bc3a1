"""The payment platform simulator (SPEC §7.4): HMAC-checked init, signed result callback."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import requests

from local.simulators.payment import payment_callback_mac, payment_init_mac
from tests.integration.simulators.conftest import Receiver

KEY = "dev-payment-key"


def init_body(callback: str, ref: str = "TT-000.00.13.H26-260115-0001-1", **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "MaDoiTac": "HOSO",
        "MaThamChieu": ref,
        "SoTien": "2020000",
        "ThoiGianGD": "20260115093000",
        "ThongTinBienLai": {
            "MaDichVu": "2",
            "MaHoSo": "000.00.13.H26-260115-0001",
            "MaTTHC": "1.000105",
            "TKThuHuong": "0011001234567",
            "MaNHThuHuong": "970436",
            "PhiLePhi": [
                {"MaPhiLePhi": "PTD-BX", "TenPhiLePhi": "Phí thẩm định cấp giấy phép", "SoTien": "2000000"},
                {"MaPhiLePhi": "LP-CP", "TenPhiLePhi": "Lệ phí cấp giấy phép", "SoTien": "20000"},
            ],
        },
        "UrlCallback": f"{callback}/v1/payments/callback",
        **fields,
    }
    body["MaXacThuc"] = payment_init_mac(KEY, body)
    return body


def test_mac_is_hmac_of_the_documented_fields_joined_with_pipes() -> None:
    body = init_body("http://127.0.0.1:1")
    message = "HOSO|TT-000.00.13.H26-260115-0001-1|2020000|20260115093000|2|000.00.13.H26-260115-0001|1.000105|" \
              "0011001234567|970436|http://127.0.0.1:1/v1/payments/callback"
    assert body["MaXacThuc"] == hmac.new(KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def test_good_init_then_payment_sends_a_verifiable_callback(sims: dict[str, str], receiver: Receiver) -> None:
    url = sims["payment"]
    body = init_body(receiver.url)
    answer = requests.post(f"{url}/v1/payments/init", json=body, timeout=5)
    assert answer.status_code == 200 and answer.json()["MaLoi"] == "00"
    pay_url = answer.json()["UrlThanhToan"]
    page = requests.get(pay_url, timeout=5)
    assert page.status_code == 200 and "2.020.000 đ" in page.text
    assert requests.post(f"{url}/v1/payments/init", json=body, timeout=5).json()["UrlThanhToan"] == pay_url

    paid = requests.post(f"{url}/_sim/pay/{body['MaThamChieu']}", timeout=5)
    assert paid.status_code == 200 and paid.json()["callback"]["status"] == 200
    (request,) = receiver.wait_for(1)
    assert request["path"] == "/v1/payments/callback"
    callback = json.loads(request["raw"])
    assert callback["MaLoi"] == "00" and callback["MaThamChieu"] == body["MaThamChieu"]
    assert callback["SoTien"] == "2020000" and callback["MaGiaoDich"]
    assert callback["MaXacThuc"] == payment_callback_mac(KEY, callback)
    assert payment_callback_mac("other-key", callback) != callback["MaXacThuc"]
    status = requests.get(f"{url}/v1/payments/{body['MaThamChieu']}", timeout=5).json()
    assert status["TrangThai"] == "paid" and status["MaGiaoDich"] == callback["MaGiaoDich"]

    # Paying again re-sends the same result (a redelivery), never a second transaction.
    requests.post(f"{url}/_sim/pay/{body['MaThamChieu']}", timeout=5).raise_for_status()
    assert json.loads(receiver.wait_for(2)[1]["raw"]) == callback


def test_forged_or_tampered_init_is_refused(sims: dict[str, str], receiver: Receiver) -> None:
    url = sims["payment"]
    forged = {**init_body(receiver.url), "MaXacThuc": "0" * 64}
    answer = requests.post(f"{url}/v1/payments/init", json=forged, timeout=5)
    assert answer.status_code == 401 and answer.json()["MaLoi"] == "02"
    tampered = init_body(receiver.url)
    tampered["UrlCallback"] = "http://127.0.0.1:1/steal"
    assert requests.post(f"{url}/v1/payments/init", json=tampered, timeout=5).json()["MaLoi"] == "02"
    assert requests.get(f"{url}/v1/payments/{forged['MaThamChieu']}", timeout=5).status_code == 404
    assert requests.post(f"{url}/_sim/pay/{forged['MaThamChieu']}", timeout=5).status_code == 404
    assert receiver.received == []


def test_invalid_and_conflicting_inits(sims: dict[str, str], receiver: Receiver) -> None:
    url = sims["payment"]
    wrong_sum = init_body(receiver.url, SoTien="100")
    answer = requests.post(f"{url}/v1/payments/init", json=wrong_sum, timeout=5)
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "SoTien"
    assert requests.post(f"{url}/v1/payments/init", json=init_body(receiver.url), timeout=5).status_code == 200
    other = init_body(receiver.url, ThoiGianGD="20260115100000")
    assert requests.post(f"{url}/v1/payments/init", json=other, timeout=5).status_code == 409


def test_citizen_pays_on_the_payment_page(sims: dict[str, str], receiver: Receiver) -> None:
    url = sims["payment"]
    body = init_body(receiver.url)
    pay_url = requests.post(f"{url}/v1/payments/init", json=body, timeout=5).json()["UrlThanhToan"]
    page = requests.post(pay_url, timeout=5)
    assert page.status_code == 200 and "Thanh toán thành công" in page.text
    assert json.loads(receiver.wait_for(1)[0]["raw"])["MaLoi"] == "00"


def test_failed_payment_result(sims: dict[str, str], receiver: Receiver) -> None:
    url = sims["payment"]
    body = init_body(receiver.url)
    requests.post(f"{url}/v1/payments/init", json=body, timeout=5).raise_for_status()
    requests.post(f"{url}/_sim/pay/{body['MaThamChieu']}", json={"MaLoi": "24"}, timeout=5).raise_for_status()
    assert json.loads(receiver.wait_for(1)[0]["raw"])["MaLoi"] == "24"
    assert requests.get(f"{url}/v1/payments/{body['MaThamChieu']}", timeout=5).json()["TrangThai"] == "failed"
