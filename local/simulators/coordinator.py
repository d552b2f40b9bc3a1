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

Chains another ministry heads: ``POST /_sim/lien-thong/send-dossier`` ``{<§7.1 overrides>,
"LienThong"?: {...}}`` builds a §7.1 dossier (:func:`.dvcqg.build_dossier`) with a ``LienThong``
step (``MaBuocLienThong`` ``DP-<yymmdd>-<hex>``, ``MaHoSoGoc``, ``CoQuanChuTri``, ``TenBuoc``),
signs it with the §7.1 keys and POSTs it to ``{HOSO_API_URL}/v1/coordinator/lien-thong/dossiers``;
answers ``{"MaBuocLienThong", "status", "body", "sent"}``. hoso returns the step's result with
``ChuyenHoSoLienThong`` ``LoaiChuyen`` ``KetQuaBuoc`` (``MaBuocLienThong`` of a dossier sent,
``KetQua`` success | failure, ``LyDo`` for a failure, ``DanhSachGiayToKetQua`` [{``TenGiayTo``,
``DuongDan``}] — at least one for a success): kept once per reference in ``results``; anything
else is a violation (422).

Consultation of an outside agency (xin ý kiến): ``ChuyenHoSoLienThong`` with ``LoaiChuyen``
``XinYKien`` ``{"MaYeuCau", "MaHoSo", "DonViXinYKien", "MaCoQuan", "TenCoQuan", "NoiDung",
"HanTraLoi", "TaiLieu": [{"TenTep", "DuongDan", ...}], "DiaChiTraYKien"}`` — only the question, the
deadline and the shared documents: a request carrying the dossier record (``HoSo``) or anything
else is a violation (422). Kept once per ``(MaHoSo, MaYeuCau)`` in ``consultations``.
``POST /_sim/consultations/answer/<MaHoSo>`` ``{"YKien"?, "NguoiKy"?, "MaYeuCau"?}`` answers the
dossier's latest request (or the one named): POSTs ``{"MaHoSo", "MaYeuCau", "YKien", "NguoiKy",
"DanhSachTepDinhKem": [one generated PDF]}`` to its ``DiaChiTraYKien`` with the client token.

Roles after login: ``POST /_sim/officer-roles`` ``{"SoDinhDanh", "HoVaTen"?, "assignments": [{"MaDonVi",
"VaiTro"}], "version"}`` is POSTed as given to ``{HOSO_API_URL}/v1/coordinator/officer-roles`` with the
client token; hoso's answer is returned and recorded (``roles_pushed``).
"""

from __future__ import annotations

import base64
import html
import json
import re
import secrets
import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Final

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from local.simulators.base import html_response, iso_now, json_response, now_vn, post_bytes, post_json, read_json_object
from local.simulators.dvcqg import (
    ERR_SESSION_EXPIRED,
    INTAKE_PATH,
    OK,
    DossierPoster,
    DvcqgMode,
    DvcqgSimulator,
    build_dossier,
    signed_headers,
)
from local.simulators.dvcqg_schema import Problem
from local.simulators.pdf import minimal_pdf

HANDOVER_SERVICE: Final = "ChuyenHoSoLienThong"
OUTCOMES: Final = ("success", "failure", "supplement", "progress")
_REF: Final = re.compile(r"^[0-9a-f]{64}$")
DEFAULT_CLIENT_TOKEN: Final = "coordinator-sim.dev-coordinator-token"
INBOUND_PATH: Final = "/v1/coordinator/lien-thong/dossiers"
ROLES_PATH: Final = "/v1/coordinator/officer-roles"


@dataclass
class CoordinatorMode(DvcqgMode):
    auto_result: str = field(default="", metadata={"choices": ("", "success", "failure")})


def handover_problems(record: Any) -> list[Problem]:
    """What is wrong with one ``ChuyenHoSoLienThong`` hand-over (``BuocLienThong``; empty: nothing)."""
    if not isinstance(record, dict):
        return [Problem("data[0]", "Phải là một đối tượng")]
    problems = _common_problems(record)
    if record.get("LoaiChuyen") != "BuocLienThong":
        problems.append(Problem("LoaiChuyen", 'Phải là "BuocLienThong" hoặc "KetQuaBuoc"'))
    if isinstance(record.get("MaBuocLienThong"), str) and not _REF.match(record["MaBuocLienThong"]):
        problems.append(Problem("MaBuocLienThong", "Mã bước do hoso cấp: 64 ký tự hex"))
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


CONSULTATION_FIELDS: Final = frozenset({"LoaiChuyen", "MaYeuCau", "MaHoSo", "DonViXinYKien", "MaCoQuan",
                                        "TenCoQuan", "NoiDung", "HanTraLoi", "TaiLieu", "DiaChiTraYKien"})


def consultation_problems(record: dict[str, Any]) -> list[Problem]:
    """What is wrong with one consultation request (``XinYKien``); it carries nothing of the dossier
    but the question, the deadline and the documents shared."""
    problems = [Problem(name, "Yêu cầu xin ý kiến không được mang dữ liệu này của hồ sơ")
                for name in sorted(set(record) - CONSULTATION_FIELDS)]
    for name in ("MaYeuCau", "MaHoSo", "MaCoQuan", "NoiDung", "HanTraLoi"):
        if not isinstance(record.get(name), str) or not record[name].strip():
            problems.append(Problem(name, "Bắt buộc, là chuỗi"))
    documents = record.get("TaiLieu")
    if not isinstance(documents, list) or not all(
            isinstance(d, dict) and isinstance(d.get("TenTep"), str)
            and isinstance(d.get("DuongDan"), str) and d["DuongDan"].startswith(("http://", "https://"))
            for d in documents):  # fmt: skip
        problems.append(Problem("TaiLieu", "Danh sách tài liệu, mỗi tài liệu có TenTep và DuongDan http(s)"))
    url = record.get("DiaChiTraYKien")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        problems.append(Problem("DiaChiTraYKien", "Phải là địa chỉ http(s)"))
    return problems


def result_problems(record: Any, known_refs: Collection[str]) -> list[Problem]:
    """What is wrong with one ``ChuyenHoSoLienThong`` result (``KetQuaBuoc``) of a step the
    coordinator handed to hoso (its reference among ``known_refs``)."""
    if not isinstance(record, dict):
        return [Problem("data[0]", "Phải là một đối tượng")]
    problems = _common_problems(record)
    if record.get("MaBuocLienThong") not in known_refs:
        problems.append(Problem("MaBuocLienThong", "Hệ thống điều phối không chuyển bước này cho hoso"))
    outcome = record.get("KetQua")
    if outcome not in ("success", "failure"):
        problems.append(Problem("KetQua", 'Phải là "success" hoặc "failure"'))
    reason = record.get("LyDo")
    if outcome == "failure" and not (isinstance(reason, str) and reason.strip()):
        problems.append(Problem("LyDo", "Bắt buộc khi không giải quyết được"))
    documents = record.get("DanhSachGiayToKetQua")
    if not isinstance(documents, list) or not all(
            isinstance(d, dict) and isinstance(d.get("TenGiayTo"), str) and isinstance(d.get("DuongDan"), str)
            and d["DuongDan"].startswith(("http://", "https://")) for d in documents):  # fmt: skip
        problems.append(Problem("DanhSachGiayToKetQua", "Danh sách giấy tờ kết quả, mỗi giấy tờ có TenGiayTo và "
                                "DuongDan http(s)"))  # fmt: skip
    elif outcome == "success" and not documents:
        problems.append(Problem("DanhSachGiayToKetQua", "Kết quả giải quyết phải có ít nhất một giấy tờ"))
    return problems


def _common_problems(record: dict[str, Any]) -> list[Problem]:
    problems = []
    ref = record.get("MaBuocLienThong")
    if not isinstance(ref, str) or not ref:
        problems.append(Problem("MaBuocLienThong", "Bắt buộc, là chuỗi"))
    dossier = record.get("HoSo")
    if not isinstance(dossier, dict) or not isinstance(dossier.get("MaHoSo"), str) or not dossier["MaHoSo"]:
        problems.append(Problem("HoSo.MaHoSo", "Bắt buộc"))
    return problems


class CoordinatorSimulator(DvcqgSimulator):
    mode_class = CoordinatorMode

    def __init__(self, name: str, username: str, password: str, session_ttl_s: float,
                 client_token: str = DEFAULT_CLIENT_TOKEN, poster: DossierPoster | None = None) -> None:  # fmt: skip
        self.client_token = client_token
        self.handovers: dict[str, dict[str, Any]] = {}  # by MaBuocLienThong
        self.inbound: list[dict[str, Any]] = []  # dossiers of other ministries' chains sent to hoso
        self.results: dict[str, dict[str, Any]] = {}  # their results back from hoso, by MaBuocLienThong
        self.roles_pushed: list[dict[str, Any]] = []  # officers' roles pushed to hoso and its answers
        self.desk_returns: list[dict[str, Any]] = []  # desk officers sent back after a deep-link intake
        self.consultations: dict[str, dict[str, Any]] = {}  # outside agencies consulted, by MaHoSo#MaYeuCau
        self.timers: list[threading.Timer] = []
        super().__init__(name, username, password, session_ttl_s)
        self.signer = poster  # signs the dossiers it posts (§7.1 keys); not DVCQG's own intake routes

    def routes(self) -> list[Rule]:
        return [*super().routes(),
                Rule("/_sim/lien-thong/complete/<code>", endpoint="sim_lien_thong_complete", methods=["POST"]),
                Rule("/_sim/lien-thong/send-dossier", endpoint="sim_lien_thong_send_dossier", methods=["POST"]),
                Rule("/_sim/officer-roles", endpoint="sim_officer_roles", methods=["POST"]),
                Rule("/_sim/desk-intake/return", endpoint="sim_desk_intake_return", methods=["GET"]),
                Rule("/_sim/consultations/answer/<code>", endpoint="sim_consultation_answer", methods=["POST"])]

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
        if isinstance(record, dict) and record.get("LoaiChuyen") == "KetQuaBuoc":
            return self._result_back(record)
        if isinstance(record, dict) and record.get("LoaiChuyen") == "XinYKien":
            return self._consultation(record)
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

    def _result_back(self, record: dict[str, Any]) -> dict[str, Any]:
        """The result of a step the coordinator handed to hoso (``KetQuaBuoc``): kept once per reference."""
        problems = result_problems(record, {d["MaBuocLienThong"] for d in self.inbound})
        if problems:
            code = record.get("HoSo", {}).get("MaHoSo") if isinstance(record.get("HoSo"), dict) else None
            return self._reject(HANDOVER_SERVICE, [(code, p) for p in problems])
        ref = record["MaBuocLienThong"]
        if ref in self.results:
            self.results[ref]["duplicates_ignored"] += 1
        else:
            self.results[ref] = {"MaBuocLienThong": ref, "MaHoSo": record["HoSo"]["MaHoSo"],
                                 "KetQua": record["KetQua"], "received_at": iso_now(), "request": record,
                                 "duplicates_ignored": 0}  # fmt: skip
        return {"error_code": OK, "message": "Đã nhận kết quả bước liên thông, chuyển về bộ, ngành chủ trì"}

    def _consultation(self, record: dict[str, Any]) -> dict[str, Any]:
        """A request for an outside agency's opinion: kept once per dossier and request."""
        problems = consultation_problems(record)
        if problems:
            code = record.get("MaHoSo") if isinstance(record.get("MaHoSo"), str) else None
            return self._reject(HANDOVER_SERVICE, [(code, p) for p in problems])
        key = f"{record['MaHoSo']}#{record['MaYeuCau']}"
        with self.lock:
            known = self.consultations.get(key)
            if known is not None:
                known["duplicates_ignored"] += 1
                return {"error_code": OK, "message": "Đã nhận yêu cầu xin ý kiến này trước đó"}
            self.consultations[key] = {"MaHoSo": record["MaHoSo"], "MaYeuCau": record["MaYeuCau"],
                                       "MaCoQuan": record["MaCoQuan"], "received_at": iso_now(), "request": record,
                                       "answer": None, "deliveries": [], "duplicates_ignored": 0}  # fmt: skip
        return {"error_code": OK, "message": "Đã nhận yêu cầu xin ý kiến, chuyển đến cơ quan được hỏi"}

    def on_sim_consultation_answer(self, request: Request, code: str) -> Response:
        """The consulted agency answers the dossier's latest request (or ``MaYeuCau``) through hoso's route."""
        body = read_json_object(request, optional=True)
        with self.lock:
            asked = [c for c in self.consultations.values() if c["MaHoSo"] == code
                     and body.get("MaYeuCau") in (None, c["MaYeuCau"])]  # fmt: skip
            if not asked:
                return self.error(404, "NOT_FOUND", f"Chưa nhận yêu cầu xin ý kiến về hồ sơ {code}")
            consultation = asked[-1]
        pdf = minimal_pdf(f"Ý kiến về hồ sơ {code}", ["Y KIEN THAM GIA", f"Ho so: {code}",
                                                      f"Co quan: {consultation['MaCoQuan']}"])  # fmt: skip
        sent = {"MaHoSo": code, "MaYeuCau": consultation["MaYeuCau"],
                "YKien": body.get("YKien") or f"{consultation['request'].get('TenCoQuan', '')} thống nhất.",
                "NguoiKy": body.get("NguoiKy") or "Lãnh đạo cơ quan (mô phỏng)",
                "DanhSachTepDinhKem": [{"TenTep": "van-ban-y-kien.pdf",
                                        "NoiDungBase64": base64.b64encode(pdf).decode("ascii")}]}  # fmt: skip
        answer = post_json(consultation["request"]["DiaChiTraYKien"], sent,
                           {"Authorization": f"Bearer {self.client_token}"})  # fmt: skip
        with self.lock:
            consultation["answer"] = sent
            consultation["deliveries"].append({"at": iso_now(), **answer})
        return json_response({"sent": sent, "result": answer}, 200 if answer["status"] is not None else 502)

    def on_sim_lien_thong_send_dossier(self, request: Request) -> Response:
        """Post a dossier of a chain another ministry heads to hoso, signed (§7.1 headers)."""
        signer = self.signer
        if signer is None:
            return self.error(404, "NOT_FOUND", "Trình mô phỏng không có khóa ký để gửi hồ sơ sang hoso")
        body = read_json_object(request, optional=True)
        overrides = {k: v for k, v in body.items() if k != "LienThong"}
        ref = f"DP-{now_vn():%y%m%d}-{secrets.token_hex(4).upper()}"
        step = {"MaBuocLienThong": ref, "MaHoSoGoc": f"000.00.00.G09-{now_vn():%y%m%d}-0001",
                "CoQuanChuTri": "Bộ Công an (mô phỏng)", "TenBuoc": "Đăng ký khai sinh",
                **(body.get("LienThong") if isinstance(body.get("LienThong"), dict) else {})}  # fmt: skip
        dossier = {**build_dossier(overrides=overrides), "LienThong": step}
        raw = json.dumps(dossier, ensure_ascii=False).encode("utf-8")
        key_id = signer.active_key_id
        headers = {"Content-Type": "application/json; charset=utf-8",
                   **signed_headers(key_id, signer.keys[key_id], raw)}  # fmt: skip
        url = signer.url.replace(INTAKE_PATH, INBOUND_PATH)
        answer = post_bytes(url, raw, headers)
        with self.lock:
            self.inbound.append({"at": iso_now(), "MaBuocLienThong": step["MaBuocLienThong"],
                                 "status": answer["status"], "response": answer["body"]})  # fmt: skip
        return json_response({"MaBuocLienThong": step["MaBuocLienThong"], **answer, "sent": dossier},
                             200 if answer["status"] is not None else 502)  # fmt: skip

    def on_sim_officer_roles(self, request: Request) -> Response:
        """Push an officer's roles to hoso (``{"SoDinhDanh", "HoVaTen"?, "assignments", "version"}`` as given)."""
        if self.signer is None:
            return self.error(404, "NOT_FOUND", "Trình mô phỏng không biết địa chỉ của hoso")
        body = read_json_object(request)
        answer = post_json(self.signer.url.replace(INTAKE_PATH, ROLES_PATH), body,
                           {"Authorization": f"Bearer {self.client_token}"})  # fmt: skip
        with self.lock:
            self.roles_pushed.append({"at": iso_now(), "sent": body, **answer})
        return json_response(answer, 200 if answer["status"] is not None else 502)

    def on_sim_desk_intake_return(self, request: Request) -> Response:
        """Where hoso sends the desk officer back after a deep-link intake (SPEC §7.7): ``mahoso`` (and
        ``thamchieu``) recorded; a return without the dossier code is a violation, recorded too."""
        code, reference = request.args.get("mahoso", ""), request.args.get("thamchieu")
        valid = bool(re.fullmatch(r"[0-9A-Za-z.\-]{5,60}", code))
        with self.lock:
            self.desk_returns.append({"at": iso_now(), "mahoso": code, "thamchieu": reference, "valid": valid,
                                      "query": request.query_string.decode("utf-8", "replace")})  # fmt: skip
        if not valid:
            return html_response(_page("Thiếu mã hồ sơ", "hoso không gửi kèm mã hồ sơ hợp lệ (mahoso)."), 400)
        said = f"Đã nhận hồ sơ {html.escape(code)}" + (f" (tham chiếu {html.escape(reference)})" if reference else "")
        return html_response(_page("Hệ thống điều phối (mô phỏng): đã tiếp nhận", f"{said}."))

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
        return {**super().snapshot(), "handovers": list(self.handovers.values()), "inbound": self.inbound,
                "results": list(self.results.values()), "roles_pushed": self.roles_pushed,
                "desk_returns": self.desk_returns, "consultations": list(self.consultations.values())}

    def clear(self) -> None:
        self.close()
        super().clear()
        self.handovers.clear()
        self.inbound.clear()
        self.results.clear()
        self.roles_pushed.clear()
        self.desk_returns.clear()
        self.consultations.clear()

    def close(self) -> None:
        with self.lock:
            for timer in self.timers:
                timer.cancel()
            self.timers.clear()


def _page(title: str, text: str) -> str:
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><main><h1>{title}</h1><p>{text}</p></main></body></html>")
