"""The central payment platform (SPEC §7.4): payment initialisation with an HMAC, a payment
page for the citizen, and the signed result callback.

``POST /v1/payments/init`` — JSON, every value a string:
``MaDoiTac``, ``MaThamChieu`` (unique reference), ``SoTien`` (VND, digits), ``ThoiGianGD``
(``yyyyMMddHHmmss``), ``ThongTinBienLai`` {``MaDichVu`` ("2": procedure fees), ``MaHoSo``,
``MaTTHC``, ``TKThuHuong``, ``MaNHThuHuong``, ``PhiLePhi``: [{``MaPhiLePhi``?, ``TenPhiLePhi``,
``SoTien``}] summing to ``SoTien``}, ``UrlCallback`` (where the result goes) and ``MaXacThuc``.

``MaXacThuc`` = lowercase hex HMAC-SHA256(key, the values below joined with ``|``), key from
``SIM_PAYMENT_HMAC_KEY`` (default ``dev-payment-key``):

* init: ``MaDoiTac|MaThamChieu|SoTien|ThoiGianGD|MaDichVu|MaHoSo|MaTTHC|TKThuHuong|MaNHThuHuong|UrlCallback``
  (the middle five from ``ThongTinBienLai``) — :data:`INIT_MAC_FIELDS`;
* callback: ``MaDoiTac|MaThamChieu|MaGiaoDich|SoTien|MaLoi|ThoiGianThanhToan`` —
  :data:`CALLBACK_MAC_FIELDS`.

Answers carry ``MaLoi`` and ``MoTaLoi``: 200 ``"00"`` with ``UrlThanhToan`` (the same request
again answers the same); 400 ``"01"`` invalid data (``errors``); 401 ``"02"`` wrong
``MaXacThuc`` (nothing recorded); 409 ``"03"`` reference already used with other data.

The result callback is ``POST UrlCallback`` with ``{"MaDoiTac", "MaThamChieu", "MaGiaoDich",
"SoTien", "MaLoi" ("00" paid), "ThoiGianThanhToan", "MaXacThuc"}``. It is sent when the
citizen pays on ``GET /pay/{MaThamChieu}`` or on ``POST /_sim/pay/{MaThamChieu}``
(``{"MaLoi": "00"}`` by default; any other two-digit code is a failed payment). Paying a
finished transaction again re-sends the same callback (a redelivery).
``GET /v1/payments/{MaThamChieu}`` answers the transaction's state (for reconciliation).
A paid callback also carries the e-receipt (biên lai điện tử) the platform issues —
``SoBienLai`` and ``UrlBienLai`` (``GET /bien-lai/{MaThamChieu}``, the receipt page); they are
outside ``MaXacThuc``'s fields.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import secrets
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from local.simulators.base import (
    Simulator,
    html_response,
    iso_now,
    json_response,
    now_vn,
    post_json,
    read_json_object,
)
from local.simulators.dvcqg_schema import DATE_FORMAT, parse_date

INIT_MAC_FIELDS: Final = (
    "MaDoiTac", "MaThamChieu", "SoTien", "ThoiGianGD", "ThongTinBienLai.MaDichVu", "ThongTinBienLai.MaHoSo",
    "ThongTinBienLai.MaTTHC", "ThongTinBienLai.TKThuHuong", "ThongTinBienLai.MaNHThuHuong", "UrlCallback",
)  # fmt: skip
CALLBACK_MAC_FIELDS: Final = ("MaDoiTac", "MaThamChieu", "MaGiaoDich", "SoTien", "MaLoi", "ThoiGianThanhToan")
_RECEIPT_FIELDS: Final = ("MaDichVu", "MaHoSo", "MaTTHC", "TKThuHuong", "MaNHThuHuong")


def _value(body: Mapping[str, Any], dotted: str) -> str:
    current: Any = body
    for part in dotted.split("."):
        current = current.get(part) if isinstance(current, Mapping) else None
    return current if isinstance(current, str) else ""


def _mac(key: str, body: Mapping[str, Any], fields: tuple[str, ...]) -> str:
    message = "|".join(_value(body, f) for f in fields)
    return hmac.new(key.encode(), message.encode("utf-8"), hashlib.sha256).hexdigest()


def payment_init_mac(key: str, body: Mapping[str, Any]) -> str:
    """``MaXacThuc`` of a payment initialisation."""
    return _mac(key, body, INIT_MAC_FIELDS)


def payment_callback_mac(key: str, body: Mapping[str, Any]) -> str:
    """``MaXacThuc`` of a result callback."""
    return _mac(key, body, CALLBACK_MAC_FIELDS)


def _init_errors(body: dict[str, Any]) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []

    def bad(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    for name in ("MaDoiTac", "MaThamChieu", "MaXacThuc"):
        if not _value(body, name):
            bad(name, "Bắt buộc, là chuỗi")
    amount = _value(body, "SoTien")
    if not amount.isdigit() or int(amount) <= 0:
        bad("SoTien", "Số tiền phải là chuỗi chữ số, lớn hơn 0")
    if parse_date(_value(body, "ThoiGianGD")) is None:
        bad("ThoiGianGD", "Phải đúng định dạng yyyyMMddHHmmss")
    callback = urlsplit(_value(body, "UrlCallback"))
    if callback.scheme not in ("http", "https") or not callback.netloc:
        bad("UrlCallback", "Phải là địa chỉ http(s) đầy đủ")
    receipt = body.get("ThongTinBienLai")
    if not isinstance(receipt, dict):
        bad("ThongTinBienLai", "Bắt buộc, là đối tượng")
        return errors
    for name in _RECEIPT_FIELDS:
        if not _value(receipt, name):
            bad(f"ThongTinBienLai.{name}", "Bắt buộc, là chuỗi")
    fees = receipt.get("PhiLePhi")
    if not isinstance(fees, list) or not fees:
        bad("ThongTinBienLai.PhiLePhi", "Phải là danh sách phí, lệ phí không rỗng")
        return errors
    total = 0
    for index, fee in enumerate(fees):
        where = f"ThongTinBienLai.PhiLePhi[{index}]"
        fee_amount = _value(fee, "SoTien") if isinstance(fee, dict) else ""
        if not isinstance(fee, dict) or not _value(fee, "TenPhiLePhi") or not fee_amount.isdigit():
            bad(where, "Mỗi khoản cần TenPhiLePhi và SoTien (chuỗi chữ số)")
        else:
            total += int(fee_amount)
    if amount.isdigit() and not errors and total != int(amount):
        bad("SoTien", f"Tổng các khoản phí, lệ phí ({total}) khác SoTien ({amount})")
    return errors


class PaymentSimulator(Simulator):
    def __init__(self, name: str, key: str) -> None:
        self.key = key
        self.transactions: dict[str, dict[str, Any]] = {}
        self.refused: list[dict[str, Any]] = []
        self._receipts = itertools.count(1)
        super().__init__(name)

    def routes(self) -> list[Rule]:
        return [
            Rule("/v1/payments/init", endpoint="init", methods=["POST"]),
            Rule("/v1/payments/<ref>", endpoint="status", methods=["GET"]),
            Rule("/pay/<ref>", endpoint="pay_page", methods=["GET", "POST"]),
            Rule("/bien-lai/<ref>", endpoint="receipt_page", methods=["GET"]),
            Rule("/_sim/pay/<ref>", endpoint="sim_pay", methods=["POST"]),
            Rule("/_sim/external/<ref>", endpoint="sim_external", methods=["POST"]),
        ]

    def _refuse(self, status: int, code: str, message: str, body: dict[str, Any], **extra: Any) -> Response:
        with self.lock:
            self.refused.append({"at": iso_now(), "MaLoi": code, "MoTaLoi": message, "request": body, **extra})
        return json_response({"MaLoi": code, "MoTaLoi": message, **extra}, status)

    def on_init(self, request: Request) -> Response:
        body = read_json_object(request)
        errors = _init_errors(body)
        if errors:
            return self._refuse(400, "01", "Dữ liệu khởi tạo giao dịch không hợp lệ", body, errors=errors)
        if not hmac.compare_digest(_value(body, "MaXacThuc"), payment_init_mac(self.key, body)):
            return self._refuse(401, "02", "Sai mã xác thực MaXacThuc", body)
        ref = body["MaThamChieu"]
        with self.lock:
            known = self.transactions.get(ref)
            if known is not None and known["request"] != body:
                return json_response({"MaLoi": "03", "MoTaLoi": "MaThamChieu đã được dùng cho giao dịch khác"}, 409)
            if known is None:
                self.transactions[ref] = {"MaThamChieu": ref, "request": body, "TrangThai": "pending",
                                          "created_at": iso_now(), "callback": None, "deliveries": []}  # fmt: skip
        return json_response(
            {"MaLoi": "00", "MoTaLoi": "Khởi tạo giao dịch thành công", "MaThamChieu": ref,
             "UrlThanhToan": f"{self.url}/pay/{ref}"}
        )  # fmt: skip

    def on_status(self, request: Request, ref: str) -> Response:
        with self.lock:
            tx = self.transactions.get(ref)
            if tx is None:
                return json_response({"MaLoi": "04", "MoTaLoi": "Không có giao dịch này"}, 404)
            callback = tx["callback"] or {}
            return json_response(
                {"MaLoi": "00", "MaThamChieu": ref, "SoTien": tx["request"]["SoTien"], "TrangThai": tx["TrangThai"],
                 "MaGiaoDich": callback.get("MaGiaoDich"), "MaLoiThanhToan": callback.get("MaLoi")}
            )  # fmt: skip

    def _pay(self, ref: str, code: str) -> dict[str, Any] | None:
        """Settle (once) and send the result callback; None if there is no such transaction."""
        with self.lock:
            tx = self.transactions.get(ref)
            if tx is None:
                return None
            if tx["callback"] is None:
                now = now_vn()
                request = tx["request"]
                callback = {
                    "MaDoiTac": request["MaDoiTac"],
                    "MaThamChieu": ref,
                    "MaGiaoDich": f"GD{now:%y%m%d%H%M%S}{secrets.randbelow(10**6):06d}",
                    "SoTien": request["SoTien"],
                    "MaLoi": code,
                    "ThoiGianThanhToan": now.strftime(DATE_FORMAT),
                }
                callback["MaXacThuc"] = payment_callback_mac(self.key, callback)
                if code == "00":
                    callback["SoBienLai"] = f"BLĐT-{now:%Y}-{next(self._receipts):07d}"
                    callback["UrlBienLai"] = f"{self.url}/bien-lai/{ref}"
                tx["callback"] = callback
                tx["TrangThai"] = "paid" if code == "00" else "failed"
            callback, url = tx["callback"], tx["request"]["UrlCallback"]
        delivery = post_json(url, callback)
        with self.lock:
            tx["deliveries"].append({"at": iso_now(), **delivery})
        return {"sent": callback, "callback": delivery}

    def on_sim_pay(self, request: Request, ref: str) -> Response:
        body = read_json_object(request, optional=True)
        code = body.get("MaLoi", "00")
        if not (isinstance(code, str) and len(code) == 2 and code.isdigit()):
            return self.error(400, "BAD_REQUEST", "MaLoi phải là hai chữ số, \"00\" là thanh toán thành công")
        result = self._pay(ref, code)
        if result is None:
            return self.error(404, "NOT_FOUND", "Không có giao dịch này")
        return json_response(result, 200 if result["callback"]["status"] is not None else 502)

    def on_sim_external(self, request: Request, ref: str) -> Response:
        """A transaction paid on another portal's payment page (DVCQG's): known here as paid, with
        its ``MaGiaoDich`` and ``SoTien``, and no callback to hoso (the portal tells hoso itself)."""
        body = read_json_object(request)
        amount, transaction = body.get("SoTien"), body.get("MaGiaoDich")
        if not isinstance(amount, int) or amount < 0 or not isinstance(transaction, str) or not transaction:
            return self.error(400, "BAD_REQUEST", "Cần SoTien (số nguyên không âm) và MaGiaoDich")
        now = now_vn()
        with self.lock:
            if ref in self.transactions:
                return self.error(409, "CONFLICT", "MaThamChieu đã có")
            self.transactions[ref] = {
                "MaThamChieu": ref, "request": {"SoTien": str(amount), "MaThamChieu": ref}, "TrangThai": "paid",
                "created_at": iso_now(), "external": True, "deliveries": [],
                "callback": {"MaGiaoDich": transaction, "MaLoi": "00", "ThoiGianThanhToan": now.strftime(DATE_FORMAT)}}
        return json_response({"MaThamChieu": ref, "MaGiaoDich": transaction, "SoTien": amount, "TrangThai": "paid"})

    def on_pay_page(self, request: Request, ref: str) -> Response:
        with self.lock:
            tx = self.transactions.get(ref)
            details = dict(tx["request"]) if tx else None
        if details is None:
            return html_response(_page("Không tìm thấy giao dịch", ""), 404)
        e = html.escape
        if request.method == "POST":
            result = self._pay(ref, "00")
            delivered = result is not None and result["callback"]["status"] == 200
            note = "Đã báo kết quả cho cơ quan thu." if delivered else "Chưa báo được kết quả cho cơ quan thu."
            return html_response(_page("Thanh toán thành công", f"<p>{e(note)}</p>"))
        receipt = details["ThongTinBienLai"]
        rows = "".join(
            f"<tr><td>{e(f['TenPhiLePhi'])}</td><td>{_vnd(f['SoTien'])}</td></tr>" for f in receipt["PhiLePhi"]
        )
        body = (
            f"<p>Hồ sơ <strong>{e(receipt['MaHoSo'])}</strong> — thủ tục {e(receipt['MaTTHC'])}</p>"
            f"<table>{rows}</table><p>Tổng: <strong>{_vnd(details['SoTien'])}</strong></p>"
            f'<form method="post" action="/pay/{e(ref)}"><button type="submit">Thanh toán</button></form>'
        )
        return html_response(_page("Cổng thanh toán tập trung (mô phỏng)", body))

    def on_receipt_page(self, request: Request, ref: str) -> Response:
        with self.lock:
            tx = self.transactions.get(ref)
            paid = dict(tx["callback"]) if tx and tx["TrangThai"] == "paid" else None
            details = dict(tx["request"]) if tx else None
        if paid is None or details is None:
            return html_response(_page("Không có biên lai", "<p>Giao dịch chưa được thanh toán.</p>"), 404)
        e, receipt = html.escape, details["ThongTinBienLai"]
        rows = "".join(
            f"<tr><td>{e(f['TenPhiLePhi'])}</td><td>{_vnd(f['SoTien'])}</td></tr>" for f in receipt["PhiLePhi"]
        )
        body = (
            f"<p>Số biên lai: <strong>{e(paid['SoBienLai'])}</strong></p>"
            f"<p>Hồ sơ {e(receipt['MaHoSo'])} — mã giao dịch {e(paid['MaGiaoDich'])}, thời gian "
            f"{e(paid['ThoiGianThanhToan'])}</p><table>{rows}</table>"
            f"<p>Tổng đã thu: <strong>{_vnd(paid['SoTien'])}</strong></p>"
        )
        return html_response(_page("Biên lai thu phí, lệ phí điện tử (mô phỏng)", body))

    def snapshot(self) -> dict[str, Any]:
        return {"transactions": list(self.transactions.values()), "refused": self.refused}

    def clear(self) -> None:
        self.transactions.clear()
        self.refused.clear()


def _vnd(amount: str) -> str:
    return f"{int(amount):,} đ".replace(",", ".")


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
