"""DVCQG's later messages about a dossier it posted (SPEC §7.1), sent on demand by the ``dvcqg``
simulator: ``POST /_sim/send/{kind}/{MaHoSoDVCQG}`` with ``kind`` one of

* ``supplement`` — the citizen's supplement: a small PDF (``TaiLieuNop``), a note and, with
  ``{"fee": <amount>}``, one more fee (``DanhSachLePhi``, code ``LP-BS``);
* ``withdrawal`` — the citizen's withdrawal request (``LyDo``);
* ``payment`` — a fee paid on DVCQG's payment page: the payment platform simulator is told first
  (``POST /_sim/external/{MaThamChieu}``: the transaction paid there), then hoso, which checks
  it with the platform. ``{"MaPhiLePhi": [...], "SoTien": n}`` say what was paid.

The optional JSON body's other top-level fields replace the message's (``null`` drops one), so
malformed messages can be sent too; ``{"resend": true}`` sends the last message of that kind for
that dossier again, unchanged (hoso answers it as before, recording nothing twice). Each message
is signed as DVCQG signs (:func:`local.simulators.dvcqg.signed_headers`) and POSTed to
``{HOSO_API_URL}/v1/dvcqg/dossiers/{MaHoSoDVCQG}/{supplements|withdrawal|payments}``; the answer
``{"kind", "MaHoSoDVCQG", "MaYeuCau", "sent", "status" (None: hoso unreachable), "body"}`` is also
kept in the simulator's records (``sent``). Sending the same ``MaYeuCau`` again is a resend.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Callable, Mapping
from typing import Any, Final

from local.simulators.base import now_vn, post_bytes, post_json
from local.simulators.dvcqg_schema import DATE_FORMAT
from local.simulators.pdf import minimal_pdf

KINDS: Final = {"supplement": "supplements", "withdrawal": "withdrawal", "payment": "payments"}
SUPPLEMENT_FEE_CODE: Final = "LP-BS"


def _ref(prefix: str) -> str:
    return f"{prefix}-{now_vn():%y%m%d%H%M%S}-{secrets.token_hex(3).upper()}"


def supplement(options: Mapping[str, Any]) -> dict[str, Any]:
    pdf = minimal_pdf("Ho so bo sung", ["BAN SAO GIAY CHUNG SINH", "Nop bo sung tren Cong DVCQG"])
    message: dict[str, Any] = {
        "MaYeuCau": _ref("BS"), "NgayBoSung": now_vn().strftime(DATE_FORMAT),
        "GhiChu": "Bổ sung bản sao giấy chứng sinh theo yêu cầu.",
        "TaiLieuNop": [{"TepDinhKemId": _ref("TEP-BS"), "TenTepDinhKem": "giay-chung-sinh-bo-sung.pdf",
                        "MaThanhPhanHoSo": "GCS", "NoiDungBase64": base64.b64encode(pdf).decode("ascii")}],
    }
    if isinstance(options.get("fee"), int):
        message["DanhSachLePhi"] = [{"MaPhiLePhi": SUPPLEMENT_FEE_CODE, "TenPhiLePhi": "Lệ phí cấp bản sao trích lục",
                                     "Gia": options["fee"], "LoaiPhiLePhi": "1", "HinhThucThu": "Trực tuyến"}]
    return message


def withdrawal(options: Mapping[str, Any]) -> dict[str, Any]:
    return {"MaYeuCau": _ref("RUT"), "NgayYeuCau": now_vn().strftime(DATE_FORMAT),
            "LyDo": "Tôi đã nộp nhầm thủ tục, xin rút hồ sơ."}


def payment(options: Mapping[str, Any]) -> dict[str, Any]:
    return {"MaYeuCau": _ref("TT"), "MaThamChieu": _ref("DVCQGTT").replace("-", ""),
            "MaGiaoDich": _ref("GD").replace("-", ""), "SoTien": options.get("SoTien", 0),
            "ThoiGianThanhToan": now_vn().strftime(DATE_FORMAT),
            "MaPhiLePhi": options.get("MaPhiLePhi", [SUPPLEMENT_FEE_CODE])}


BUILDERS: Final[dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]]] = {
    "supplement": supplement, "withdrawal": withdrawal, "payment": payment}


class LaterMessenger:
    """Builds, signs and POSTs DVCQG's later messages to hoso; tells the payment platform first."""

    def __init__(self, hoso_api_url: str, sign: Callable[[bytes], dict[str, str]]) -> None:
        self.base = hoso_api_url.rstrip("/") + "/v1/dvcqg/dossiers"
        self.sign = sign
        self.payment_url: str | None = None  # the payment platform simulator, when one runs beside
        self.last: dict[tuple[str, str], dict[str, Any]] = {}

    def send(self, kind: str, dvcqg_ref: str, options: Mapping[str, Any]) -> dict[str, Any]:
        """``{"resend": true}``: the last message of this kind for this dossier again, byte for byte."""
        message = self.last.get((kind, dvcqg_ref)) if options.get("resend") is True else None
        if message is None:
            message = BUILDERS[kind](options)
            for key, value in options.items():
                if key in ("fee", "resend"):
                    continue
                if value is None:
                    message.pop(key, None)
                else:
                    message[key] = value
            self.last[(kind, dvcqg_ref)] = message
        platform = None
        if kind == "payment" and self.payment_url and isinstance(message.get("MaThamChieu"), str):
            platform = post_json(f"{self.payment_url}/_sim/external/{message['MaThamChieu']}", {
                "SoTien": message.get("SoTien"), "MaGiaoDich": message.get("MaGiaoDich")})
        raw = json.dumps(message, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", **self.sign(raw)}
        answer = post_bytes(f"{self.base}/{dvcqg_ref}/{KINDS[kind]}", raw, headers)
        return {"kind": kind, "MaHoSoDVCQG": dvcqg_ref, "MaYeuCau": message.get("MaYeuCau"), "sent": message,
                **answer, **({"platform": platform} if platform is not None else {})}
