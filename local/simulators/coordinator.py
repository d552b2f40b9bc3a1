"""The coordination system (SPEC §7.7): DVCQG's sync protocol (:mod:`.dvcqg`) plus the liên
thông hand-over, playing the other ministries' systems behind it.

``POST /service`` with ``service`` ``ChuyenHoSoLienThong`` (same session and envelope as the
other services): ``data`` is one hand-over ``{"LoaiChuyen": "BuocLienThong", "MaBuocLienThong":
<64 hex>, "HoSo": {"MaHoSo", ...}, "BuocLienThong": {"MaBuoc", "MaCoQuan", "MaTTHC", ...},
"TaiLieu": [{"TenTep", "DuongDan", ...}], "DiaChiTraKetQua": <URL>}`` → ``error_code`` 0; a
malformed one → 422 with ``errors`` (a violation, nothing kept). The same ``MaBuocLienThong``
again is kept once (``duplicates_ignored``). The failure modes of every simulator apply
(``down``, ``fail_next``, ``error_code``, ``lose_next``).

``POST /_sim/lien-thong/complete/<MaHoSo>`` ``{"KetQua": "success" | "failure" |
"supplement" | "progress", "LyDo"?: str}`` answers the dossier's latest hand-over: POSTs
``{"MaBuocLienThong", "KetQua", "LyDo", "DanhSachGiayToKetQua"}`` (a success carries one
generated PDF) to the hand-over's ``DiaChiTraKetQua`` with ``Authorization: Bearer
<client token>`` (``SIM_COORDINATOR_CLIENT_TOKEN``, default
``coordinator-sim.dev-coordinator-token``), and answers ``{"sent", "result": {"status",
"body"}}`` (502 when hoso could not be reached). Mode ``auto_result`` (``success`` /
``failure``) answers every new hand-over by itself ``delay_ms`` after it arrived.
"""

from __future__ import annotations

import base64
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Final

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from local.simulators.base import iso_now, json_response, post_json, read_json_object
from local.simulators.dvcqg import ERR_SESSION_EXPIRED, OK, DvcqgMode, DvcqgSimulator
from local.simulators.dvcqg_schema import Problem
from local.simulators.pdf import minimal_pdf

HANDOVER_SERVICE: Final = "ChuyenHoSoLienThong"
OUTCOMES: Final = ("success", "failure", "supplement", "progress")
_REF: Final = re.compile(r"^[0-9a-f]{64}$")
DEFAULT_CLIENT_TOKEN: Final = "coordinator-sim.dev-coordinator-token"


@dataclass
class CoordinatorMode(DvcqgMode):
    auto_result: str = field(default="", metadata={"choices": ("", "success", "failure")})


def handover_problems(record: Any) -> list[Problem]:
    """What is wrong with one ``ChuyenHoSoLienThong`` record (empty: nothing)."""
    if not isinstance(record, dict):
        return [Problem("data[0]", "Phải là một đối tượng")]
    problems = []
    if record.get("LoaiChuyen") != "BuocLienThong":
        problems.append(Problem("LoaiChuyen", 'Phải là "BuocLienThong"'))
    if not isinstance(record.get("MaBuocLienThong"), str) or not _REF.match(record["MaBuocLienThong"]):
        problems.append(Problem("MaBuocLienThong", "Phải là 64 ký tự hex"))
    dossier = record.get("HoSo")
    if not isinstance(dossier, dict) or not isinstance(dossier.get("MaHoSo"), str) or not dossier["MaHoSo"]:
        problems.append(Problem("HoSo.MaHoSo", "Bắt buộc"))
    step = record.get("BuocLienThong")
    for name in ("MaBuoc", "MaCoQuan", "MaTTHC"):
        if not isinstance(step, dict) or not isinstance(step.get(name), str) or not step[name]:
            problems.append(Problem(f"BuocLienThong.{name}", "Bắt buộc, là chuỗi"))
    documents = record.get("TaiLieu")
    if not isinstance(documents, list) or not all(
            isinstance(d, dict) and isinstance(d.get("TenTep"), str) and isinstance(d.get("DuongDan"), str)
            for d in documents):  # fmt: skip
        problems.append(Problem("TaiLieu", "Danh sách giấy tờ, mỗi giấy tờ có TenTep và DuongDan"))
    url = record.get("DiaChiTraKetQua")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        problems.append(Problem("DiaChiTraKetQua", "Phải là địa chỉ http(s)"))
    return problems


class CoordinatorSimulator(DvcqgSimulator):
    mode_class = CoordinatorMode

    def __init__(self, name: str, username: str, password: str, session_ttl_s: float,
                 client_token: str = DEFAULT_CLIENT_TOKEN) -> None:  # fmt: skip
        self.client_token = client_token
        self.handovers: dict[str, dict[str, Any]] = {}  # by MaBuocLienThong
        self.timers: list[threading.Timer] = []
        super().__init__(name, username, password, session_ttl_s)

    def routes(self) -> list[Rule]:
        return [*super().routes(),
                Rule("/_sim/lien-thong/complete/<code>", endpoint="sim_lien_thong_complete", methods=["POST"])]

    def _service(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("service") != HANDOVER_SERVICE or self.mode.error_code is not None:
            return super()._service(body)
        expiry = self.sessions.get(str(body.get("session")))
        if expiry is None:
            return {"error_code": ERR_SESSION_EXPIRED, "message": "Phiên làm việc đã hết hạn, vui lòng đăng nhập lại"}
        data = body.get("data")
        if not isinstance(data, list) or len(data) != 1:
            return self._reject(HANDOVER_SERVICE, [(None, Problem("data", "Một bản ghi chuyển hồ sơ mỗi lần gọi"))])
        record = data[0]
        problems = handover_problems(record)
        if problems:
            code = record.get("HoSo", {}).get("MaHoSo") if isinstance(record, dict) and isinstance(
                record.get("HoSo"), dict) else None  # fmt: skip
            return self._reject(HANDOVER_SERVICE, [(code, p) for p in problems])
        ref = record["MaBuocLienThong"]
        known = self.handovers.get(ref)
        if known is not None:
            known["duplicates_ignored"] += 1
            return {"error_code": OK, "message": "Đã nhận hồ sơ liên thông này trước đó"}
        handover = {"MaBuocLienThong": ref, "MaHoSo": record["HoSo"]["MaHoSo"],
                    "MaBuoc": record["BuocLienThong"]["MaBuoc"], "MaCoQuan": record["BuocLienThong"]["MaCoQuan"],
                    "received_at": iso_now(), "request": record, "result": None, "deliveries": [],
                    "duplicates_ignored": 0}  # fmt: skip
        self.handovers[ref] = handover
        mode = self.mode
        if isinstance(mode, CoordinatorMode) and mode.auto_result:
            timer = threading.Timer(mode.delay_ms / 1000, self._send_result, (handover, mode.auto_result, None))
            timer.daemon = True
            self.timers.append(timer)
            timer.start()
        return {"error_code": OK, "message": "Đã nhận hồ sơ liên thông, chuyển đến hệ thống của bộ, ngành xử lý"}

    def on_sim_lien_thong_complete(self, request: Request, code: str) -> Response:
        body = read_json_object(request, optional=True)
        outcome, reason = body.get("KetQua", "success"), body.get("LyDo")
        if outcome not in OUTCOMES:
            return self.error(400, "BAD_REQUEST", f"KetQua phải là một trong {list(OUTCOMES)}")
        if outcome != "success" and not (isinstance(reason, str) and reason.strip()):
            return self.error(400, "BAD_REQUEST", "Cần LyDo khi KetQua không phải success")
        with self.lock:
            latest = [h for h in self.handovers.values() if h["MaHoSo"] == code]
            if not latest:
                return self.error(404, "NOT_FOUND", f"Chưa nhận hồ sơ liên thông {code}")
            handover = latest[-1]
        result = self._send_result(handover, outcome, reason)
        return json_response(result, 200 if result["result"]["status"] is not None else 502)

    def _send_result(self, handover: dict[str, Any], outcome: str, reason: str | None) -> dict[str, Any]:
        documents = []
        if outcome == "success":
            pdf = minimal_pdf(f"Kết quả bước {handover['MaBuoc']} — hồ sơ {handover['MaHoSo']}",
                              ["KET QUA GIAI QUYET", f"Ho so: {handover['MaHoSo']}", f"Buoc: {handover['MaBuoc']}"])
            documents = [{"TenGiayTo": f"ket-qua-{handover['MaBuoc']}.pdf",
                          "NoiDungBase64": base64.b64encode(pdf).decode("ascii")}]  # fmt: skip
        sent = {"MaBuocLienThong": handover["MaBuocLienThong"], "KetQua": outcome, "LyDo": reason,
                "DanhSachGiayToKetQua": documents}  # fmt: skip
        answer = post_json(handover["request"]["DiaChiTraKetQua"], sent,
                           {"Authorization": f"Bearer {self.client_token}"})  # fmt: skip
        with self.lock:
            handover["result"] = sent
            handover["deliveries"].append({"at": iso_now(), **answer})
        return {"sent": sent, "result": answer}

    def snapshot(self) -> dict[str, Any]:
        return {**super().snapshot(), "handovers": list(self.handovers.values())}

    def clear(self) -> None:
        self.close()
        super().clear()
        self.handovers.clear()

    def close(self) -> None:
        with self.lock:
            for timer in self.timers:
                timer.cancel()
            self.timers.clear()
