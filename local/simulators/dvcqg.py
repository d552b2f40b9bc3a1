"""DVCQG's synchronisation protocol (SPEC §7.2) — one class, three instances: the national
portal (``dvcqg``), the coordination system (``coordinator``) and the provincial system
(``province``). The ``dvcqg`` instance can also post online dossiers to hoso (SPEC §7.1).

Protocol
--------
``POST /login`` ``{"username", "password"}`` → ``{"error_code": 0, "session": "<token>"}``.
``POST /service`` ``{"session", "madonvi", "service", ...}`` with ``service`` one of
``DongBoHoSoMC`` (``isUpdating``, ``data``), ``CapNhatTienDoHoSoMC`` (``data``) and
``TraCuuHoSo`` (``MaHoSo``) → ``{"error_code": 0, "message": ...}``; ``TraCuuHoSo`` adds
``"data": {"HoSo": <latest DongBoHoSoMC record>, "TienDo": [<progress records in order>]}``.

Error codes (``error_code`` in an HTTP 200 answer unless said otherwise):

=====  ==========================================================================
0      success
400    request not understood (not JSON, no object) — HTTP 400
401    session unknown or expired: log in again and repeat the call
403    wrong user name or password (``/login``)
404    ``TraCuuHoSo``: DVCQG has no such dossier
422    the data violate the protocol; ``errors`` lists ``{"MaHoSo", "field", "message"}``
       and nothing of the call is kept (all or nothing)
501    unknown ``service``
500    simulated failure (``fail_next``) — HTTP 500; 502: answer lost (``lose_next``) —
       HTTP 502; 503: ``down`` — HTTP 503
=====  ==========================================================================

Besides the field checks of :mod:`local.simulators.dvcqg_schema`, the simulator enforces
what depends on history: ``isUpdating`` "False" only the first time it sees a dossier and
"True" afterwards; a progress record only for a dossier it received through
``DongBoHoSoMC``; ``ThoiDiemXuLy`` never earlier than the dossier's previous accepted step.
A progress record identical to one already accepted is a redelivery: acknowledged, kept
once (``duplicates_ignored`` counts them) — "every step, in order, once each in effect".

Deployed systems differ in two ways, each a mode: ``success_code`` "00" writes success as the
string ``"00"`` (most OpenCPS versions) instead of the integer 0; ``envelope`` "lgsp" accepts
the province's integration platform's style instead of ``/service`` — ``POST /lgsp/<service>
?MaDinhDanhDV=<unit>&isUpdating=...`` with the records as a bare JSON array and the session as
``Authorization: Bearer`` (login at ``/lgsp/login``); a call in the other envelope is refused
(422, a violation on ``envelope``). Every call records which envelope it came in.

Sessions live ``SIM_DVCQG_SESSION_TTL_S`` seconds (default 1800). Credentials: env
``SIM_<NAME>_USERNAME`` / ``SIM_<NAME>_PASSWORD`` (NAME = DVCQG, COORDINATOR, PROVINCE); the
coordinator and the provincial system fall back to DVCQG's, which default to
``hoso`` / ``hoso-dev``.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import html
import itertools
import json
import secrets
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

import requests
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT
from local.simulators.base import (
    BadInput,
    Mode,
    Simulator,
    html_response,
    iso_now,
    json_response,
    now_vn,
    post_bytes,
    read_json,
    read_json_object,
)
from local.simulators.citizens import DEMO_CITIZENS, lookup_citizen
from local.simulators.dvcqg_later import KINDS, LaterMessenger
from local.simulators.dvcqg_schema import (
    DATE_FORMAT,
    STATUS_LABELS,
    UNIT_CODE,
    Problem,
    check_dossier,
    check_progress,
    parse_date,
)
from local.simulators.pdf import ascii_fold, minimal_pdf

OK: Final = 0
ERR_BAD_REQUEST: Final = 400
ERR_SESSION_EXPIRED: Final = 401
ERR_BAD_CREDENTIALS: Final = 403
ERR_NOT_FOUND: Final = 404
ERR_INVALID_DATA: Final = 422
ERR_UNKNOWN_SERVICE: Final = 501

_HTTP_CODES: Final = {"BAD_REQUEST": ERR_BAD_REQUEST, "NOT_FOUND": 404, "METHOD_NOT_ALLOWED": 405, "INTERNAL": 500,
                      "UNAVAILABLE": 503, "BAD_MODE": 400}  # fmt: skip
SERVICES: Final = ("DongBoHoSoMC", "CapNhatTienDoHoSoMC", "TraCuuHoSo")
INTAKE_PATH: Final = "/v1/dvcqg/dossiers"
RESULT_STATUSES: Final = ("9", "10")  # the dossier has its result: DVCQG fetches it for the citizen
LINK_TIMEOUT_S: Final = 10
DEFAULT_HMAC_KEYS: Final = '{"dvcqg-2026": "dev-secret-change-me"}'


@dataclass
class DvcqgMode(Mode):
    error_code: int | None = None  # answer this error_code to every /service call
    # how "success" is written: "0" the integer 0, "00" the string "00" (most OpenCPS versions)
    success_code: str = field(default="0", metadata={"choices": ("0", "00")})
    # the envelope accepted: "direct" (POST /service) or "lgsp" (POST /lgsp/<service>?MaDinhDanhDV=…,
    # records as a bare array, session as a bearer token); the other is refused as malformed
    envelope: str = field(default="direct", metadata={"choices": ("direct", "lgsp")})
    lose_next: int = 0  # process the next N /service calls, then answer 502 as if the answer was lost
    check_result_links: bool = True  # at statuses 9 and 10, download every result link (off: links are stand-ins)


Issue = tuple[str | None, Problem]  # (MaHoSo, problem)


class DvcqgSimulator(Simulator):
    mode_class = DvcqgMode
    failable = frozenset({"service", "lgsp"})
    inspection = frozenset({"index"})
    mode_actions = frozenset({"expire_sessions"})

    def __init__(
        self, name: str, username: str, password: str, session_ttl_s: float, poster: DossierPoster | None = None
    ) -> None:
        self.username = username
        self.password = password
        self.session_ttl_s = session_ttl_s
        self.poster = poster
        self.sessions: dict[str, float] = {}
        self.dossiers: dict[str, dict[str, Any]] = {}
        self.calls: list[dict[str, Any]] = []
        self.violations: list[dict[str, Any]] = []
        self.posted: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []  # later messages (supplement, withdrawal, payment) and hoso's answers
        super().__init__(name)

    def routes(self) -> list[Rule]:
        rules = [
            Rule("/", endpoint="index", methods=["GET"]),
            Rule("/login", endpoint="login", methods=["POST"]),
            Rule("/service", endpoint="service", methods=["POST"]),
            Rule("/lgsp/login", endpoint="login", methods=["POST"]),
            Rule("/lgsp/<service>", endpoint="lgsp", methods=["POST"]),
            Rule("/_sim/records/<code>", endpoint="sim_dossier", methods=["GET"]),
            Rule("/_sim/violations", endpoint="sim_violations", methods=["GET"]),
        ]
        if self.poster is not None:
            rules.append(Rule("/_sim/post-dossier", endpoint="sim_post_dossier", methods=["POST"]))
            rules.append(Rule("/_sim/send/<kind>/<ref>", endpoint="sim_send", methods=["POST"]))
        return rules

    def error(self, status: int, code: str, message: str, **extra: Any) -> Response:
        return json_response({"error_code": _HTTP_CODES.get(code, status), "message": message, **extra}, status)

    # --- protocol ----------------------------------------------------------------------
    def on_login(self, request: Request) -> Response:
        body = read_json_object(request)
        envelope = "lgsp" if request.path.startswith("/lgsp/") else "direct"
        username, password = body.get("username"), body.get("password")
        good = (
            isinstance(username, str)
            and isinstance(password, str)
            and hmac.compare_digest(username.encode(), self.username.encode())
            and hmac.compare_digest(password.encode(), self.password.encode())
        )
        with self.lock:
            if not good:
                self._log_call("login", ERR_BAD_CREDENTIALS, 200, {"username": username}, envelope)
                return json_response(
                    {"error_code": ERR_BAD_CREDENTIALS, "message": "Sai tên đăng nhập hoặc mật khẩu"}
                )
            token = secrets.token_urlsafe(24)
            self.sessions[token] = time.monotonic() + self.session_ttl_s
            self._log_call("login", OK, 200, {"username": username}, envelope)
        success = "00" if self.mode.success_code == "00" else OK
        return json_response({"error_code": success, "message": "Đăng nhập thành công", "session": token})

    def on_service(self, request: Request) -> Response:
        body = read_json_object(request)
        return self._answer(body, "direct")

    def on_lgsp(self, request: Request, service: str) -> Response:
        """The LGSP envelope: ``MaDinhDanhDV`` and the other fields as query parameters, the
        records as a bare JSON array, the session as ``Authorization: Bearer``."""
        data = read_json(request)
        if not isinstance(data, list):
            raise BadInput("Thân yêu cầu LGSP phải là mảng JSON các bản ghi / LGSP body must be a JSON array")
        query = {k: v for k, v in request.args.items() if k != "MaDinhDanhDV"}
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        body = {**query, "session": bearer, "madonvi": request.args.get("MaDinhDanhDV"), "service": service}
        if data:
            body["data"] = data
        return self._answer(body, "lgsp")

    def _answer(self, body: dict[str, Any], envelope: str) -> Response:
        with self.lock:
            if envelope != self.mode.envelope:
                answer = self._reject(str(body.get("service")), [(None, Problem(
                    "envelope", f"Hệ thống nhận theo khuôn dạng {self.mode.envelope}, không phải {envelope}"))])
            else:
                answer = self._service(body)
            if answer["error_code"] == OK and self.mode.success_code == "00":
                answer = {**answer, "error_code": "00"}
            lost = self.mode.lose_next > 0
            if lost:
                self.mode = dataclasses.replace(self.mode, lose_next=self.mode.lose_next - 1)
            request_log = {k: v for k, v in body.items() if k != "session"}
            self._log_call(str(body.get("service")), answer["error_code"], 502 if lost else 200, request_log,
                           envelope)  # fmt: skip
        if lost:
            return self.error(502, "BAD_GATEWAY", "Mất phản hồi trên đường truyền (mô phỏng lose_next)")
        return json_response(answer)

    def _service(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.mode.error_code is not None:
            return {"error_code": self.mode.error_code, "message": "Lỗi do trình mô phỏng đặt (error_code)"}
        expiry = self.sessions.get(str(body.get("session")))
        if expiry is None or expiry < time.monotonic():
            return {"error_code": ERR_SESSION_EXPIRED, "message": "Phiên làm việc đã hết hạn, vui lòng đăng nhập lại"}
        service = body.get("service")
        if service not in SERVICES:
            return {"error_code": ERR_UNKNOWN_SERVICE, "message": f"Dịch vụ {service!r} không được hỗ trợ"}
        madonvi = body.get("madonvi")
        if not isinstance(madonvi, str) or not UNIT_CODE.match(madonvi):
            return self._reject(str(service), [(None, Problem("madonvi", "Mã đơn vị phải theo QCVN 102"))])
        if service == "DongBoHoSoMC":
            return self._sync_dossiers(body)
        if service == "CapNhatTienDoHoSoMC":
            return self._update_progress(body)
        return self._look_up(body)

    def _sync_dossiers(self, body: dict[str, Any]) -> dict[str, Any]:
        flag = body.get("isUpdating")
        issues: list[Issue] = []
        if flag not in ("False", "True"):
            issues.append((None, Problem("isUpdating", 'Phải là chuỗi "False" hoặc "True"')))
        records = _data_list(body, issues)
        seen: set[str] = set()
        for index, record in enumerate(records):
            path = f"data[{index}]"
            code = _code_of(record)
            issues.extend((code, p) for p in check_dossier(record, path))
            if code is None:
                continue
            if code in seen:
                issues.append((code, Problem(f"{path}.MaHoSo", "Hồ sơ xuất hiện hai lần trong cùng một lần gọi")))
            seen.add(code)
            known = code in self.dossiers
            if flag == "False" and known:
                message = 'DVCQG đã nhận hồ sơ này trước đó: các lần đồng bộ sau phải gửi isUpdating = "True"'
                issues.append((code, Problem(f"{path}.isUpdating", message)))
            if flag == "True" and not known:
                message = 'DVCQG chưa từng nhận hồ sơ này: lần đồng bộ đầu tiên phải gửi isUpdating = "False"'
                issues.append((code, Problem(f"{path}.isUpdating", message)))
        if issues:
            return self._reject("DongBoHoSoMC", issues)
        at = iso_now()
        for record in records:
            code = record["MaHoSo"]
            entry = self.dossiers.setdefault(
                code,
                {"MaHoSo": code, "first_seen": at, "dossier": {}, "progress": [], "history": [],
                 "duplicates_ignored": 0},
            )  # fmt: skip
            entry["dossier"] = record
            entry["updated_at"] = at
            if self.mode.check_result_links and str(record.get("TrangThaiHoSo")) in RESULT_STATUSES:
                entry["results"] = self._fetch_results(code, record)
            entry["history"].append(
                {"at": at, "service": "DongBoHoSoMC", "isUpdating": flag, "TrangThaiHoSo": record["TrangThaiHoSo"]}
            )
        return {"error_code": OK, "message": f"Đã đồng bộ {len(records)} hồ sơ"}

    def _fetch_results(self, code: str, record: dict[str, Any]) -> list[dict[str, Any]]:
        """At statuses 9 and 10 DVCQG shows the citizen the result: every DuongDanTepTinKetQua must
        download a PDF. What each link gave is recorded; a broken one is a violation (the record
        itself is kept: the portal cannot refuse a step that happened)."""
        fetched = []
        for item in record.get("DanhSachGiayToKetQua") or []:
            url = str(item.get("DuongDanTepTinKetQua", ""))
            check: dict[str, Any] = {"GiayToId": item.get("GiayToId"), "TenGiayTo": item.get("TenGiayTo"), "url": url}
            try:
                answer = requests.get(url, timeout=LINK_TIMEOUT_S)
                content = answer.content
                check.update(http_status=answer.status_code, size=len(content), is_pdf=content.startswith(b"%PDF-"),
                             sha256=hashlib.sha256(content).hexdigest(), signed=b"/ByteRange" in content)
            except requests.RequestException as err:
                check.update(http_status=None, is_pdf=False, error=type(err).__name__)
            fetched.append(check)
            if check["http_status"] != 200 or not check["is_pdf"]:
                self.violations.append({"at": iso_now(), "service": "DongBoHoSoMC", "MaHoSo": code,
                                        "field": "DanhSachGiayToKetQua.DuongDanTepTinKetQua",
                                        "message": "Đường dẫn tệp kết quả không tải được tệp PDF"})
        return fetched

    def _update_progress(self, body: dict[str, Any]) -> dict[str, Any]:
        issues: list[Issue] = []
        records = _data_list(body, issues)
        accepted: list[tuple[str, dict[str, Any]]] = []
        latest: dict[str, datetime] = {}
        for index, record in enumerate(records):
            path = f"data[{index}]"
            code = _code_of(record)
            problems = check_progress(record, path)
            issues.extend((code, p) for p in problems)
            if code is None or problems:
                continue
            entry = self.dossiers.get(code)
            if entry is None:
                message = "DVCQG chưa nhận hồ sơ này qua DongBoHoSoMC: không thể cập nhật tiến độ"
                issues.append((code, Problem(f"{path}.MaHoSo", message)))
                continue
            if record in entry["progress"] or (code, record) in accepted:
                accepted.append((code, record))
                continue
            moment = parse_date(record["ThoiDiemXuLy"])
            previous = latest.get(code) or _last_step_time(entry)
            if moment is not None and previous is not None and moment < previous:
                message = (
                    f"ThoiDiemXuLy {record['ThoiDiemXuLy']} sớm hơn bước đã nhận trước đó "
                    f"({previous.strftime(DATE_FORMAT)}): tiến độ không được đi lùi"
                )
                issues.append((code, Problem(f"{path}.ThoiDiemXuLy", message)))
                continue
            if moment is not None:
                latest[code] = moment
            accepted.append((code, record))
        if issues:
            return self._reject("CapNhatTienDoHoSoMC", issues)
        at = iso_now()
        for code, record in accepted:
            entry = self.dossiers[code]
            if record in entry["progress"]:
                entry["duplicates_ignored"] += 1
                continue
            entry["progress"].append(record)
            entry["updated_at"] = at
            entry["history"].append(
                {"at": at, "service": "CapNhatTienDoHoSoMC", "TrangThai": record["TrangThai"]}
            )
        return {"error_code": OK, "message": f"Đã cập nhật {len(records)} bước xử lý"}

    def _look_up(self, body: dict[str, Any]) -> dict[str, Any]:
        code = body.get("MaHoSo")
        entry = self.dossiers.get(code) if isinstance(code, str) else None
        if entry is None:
            return {"error_code": ERR_NOT_FOUND, "message": f"Không tìm thấy hồ sơ {code!r} trên hệ thống"}
        return {
            "error_code": OK,
            "message": "Thành công",
            "data": {"HoSo": entry["dossier"], "TienDo": entry["progress"]},
        }

    def _reject(self, service: str, issues: list[Issue]) -> dict[str, Any]:
        at = iso_now()
        errors = [{"MaHoSo": code, **problem.as_dict()} for code, problem in issues]
        self.violations.extend({"at": at, "service": service, **error} for error in errors)
        return {
            "error_code": ERR_INVALID_DATA,
            "message": f"Dữ liệu không đúng đặc tả DVCQG ({len(errors)} lỗi); không ghi nhận bản ghi nào",
            "errors": errors,
        }

    def _log_call(self, service: str, error_code: Any, http_status: int, request: dict[str, Any],
                  envelope: str = "direct") -> None:  # fmt: skip
        self.calls.append(
            {"at": iso_now(), "service": service, "error_code": error_code, "http_status": http_status,
             "request": request, "envelope": envelope}
        )  # fmt: skip

    # --- control -------------------------------------------------------------------------
    def apply_mode_action(self, key: str, value: Any) -> str | None:
        if not isinstance(value, bool):
            return f"{key}: phải là true/false"
        if value:
            self.sessions.clear()
        return None

    def snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dossiers": self.dossiers,
            "calls": self.calls,
            "violations": self.violations,
            "posted": self.posted,
            "sent": self.sent,
        }

    def clear(self) -> None:
        self.dossiers.clear()
        self.calls.clear()
        self.violations.clear()
        self.posted.clear()
        self.sent.clear()

    def on_sim_dossier(self, request: Request, code: str) -> Response:
        with self.lock:
            entry = self.dossiers.get(code)
            if entry is None:
                return self.error(404, "NOT_FOUND", f"Chưa nhận hồ sơ {code}")
            return json_response(entry)

    def on_sim_violations(self, request: Request) -> Response:
        with self.lock:
            return json_response(self.violations)

    def on_sim_post_dossier(self, request: Request) -> Response:
        assert self.poster is not None  # the route exists only with a poster
        overrides = read_json_object(request, optional=True)
        result = self.poster.post(overrides)
        with self.lock:
            self.posted.append(
                {"at": iso_now(), "MaHoSoDVCQG": result["MaHoSoDVCQG"], "status": result["status"],
                 "response": result["body"]}
            )  # fmt: skip
        return json_response(result, 200 if result["status"] is not None else 502)

    def on_sim_send(self, request: Request, kind: str, ref: str) -> Response:
        """A later message about dossier ``ref`` (MaHoSoDVCQG) to hoso: :mod:`local.simulators.dvcqg_later`."""
        assert self.poster is not None  # the route exists only with a poster
        if kind not in KINDS:
            return self.error(404, "NOT_FOUND", f"Loại thông điệp phải là một trong: {', '.join(KINDS)}")
        result = self.poster.later.send(kind, ref, read_json_object(request, optional=True))
        with self.lock:
            self.sent.append({"at": iso_now(), **{k: v for k, v in result.items() if k != "sent"},
                              "message": result["sent"]})
        return json_response(result, 200 if result["status"] is not None else 502)

    def on_index(self, request: Request) -> Response:
        with self.lock:
            return html_response(self._page())

    def _page(self) -> str:
        e = html.escape
        rows = []
        for code, entry in self.dossiers.items():
            dossier = entry["dossier"]
            status = dossier.get("TrangThaiHoSo", "")
            steps = "".join(
                f"<li>{e(p.get('ThoiDiemXuLy', ''))} — {e(p.get('NguoiXuLy', ''))}: {e(p.get('NoiDungXuLy', ''))} "
                f"(trạng thái {e(p.get('TrangThai', ''))})</li>"
                for p in entry["progress"]
            )
            rows.append(
                f"<tr><td>{e(code)}</td><td>{e(dossier.get('ChuHoSo', ''))}</td>"
                f"<td>{e(status)} — {e(STATUS_LABELS.get(status, ''))}</td><td><ol>{steps}</ol></td>"
                f"<td>{e(entry.get('updated_at', ''))}</td></tr>"
            )
        violations = "".join(
            f"<tr><td>{e(v['at'])}</td><td>{e(v['service'])}</td><td>{e(str(v['MaHoSo'] or ''))}</td>"
            f"<td>{e(v['field'])}</td><td>{e(v['message'])}</td></tr>"
            for v in reversed(self.violations[-200:])
        )
        posted = "".join(
            f"<tr><td>{e(p['at'])}</td><td>{e(p['MaHoSoDVCQG'])}</td><td>{e(str(p['status']))}</td>"
            f"<td><code>{e(json.dumps(p['response'], ensure_ascii=False)[:300])}</code></td></tr>"
            for p in reversed(self.posted[-50:])
        )
        mode = e(json.dumps(dataclasses.asdict(self.mode)))
        return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Mô phỏng {e(self.name)}</title>
<style>body{{font-family:sans-serif;margin:1.5rem}}table{{border-collapse:collapse;margin-bottom:2rem}}
td,th{{border:1px solid #999;padding:.3rem .5rem;vertical-align:top;text-align:left}}ol{{margin:0}}</style>
</head><body>
<h1>Trình mô phỏng {e(self.name)} — giao thức đồng bộ DVCQG</h1>
<p>Chế độ: <code>{mode}</code> · {len(self.calls)} lần gọi · {len(self.violations)} vi phạm</p>
<h2>Hồ sơ đã nhận ({len(self.dossiers)})</h2>
<table><tr><th>Mã hồ sơ</th><th>Chủ hồ sơ</th><th>Trạng thái</th><th>Tiến độ xử lý</th><th>Cập nhật</th></tr>
{"".join(rows)}</table>
<h2>Vi phạm đặc tả</h2>
<table><tr><th>Lúc</th><th>Dịch vụ</th><th>Mã hồ sơ</th><th>Trường</th><th>Lỗi</th></tr>{violations}</table>
<h2>Hồ sơ đã gửi sang hoso</h2>
<table><tr><th>Lúc</th><th>MaHoSoDVCQG</th><th>HTTP</th><th>Phản hồi</th></tr>{posted}</table>
</body></html>"""


def _data_list(body: dict[str, Any], issues: list[Issue]) -> list[Any]:
    data = body.get("data")
    if not isinstance(data, list) or not data:
        issues.append((None, Problem("data", "Phải là danh sách bản ghi không rỗng")))
        return []
    return data


def _code_of(record: Any) -> str | None:
    code = record.get("MaHoSo") if isinstance(record, dict) else None
    return code if isinstance(code, str) and code else None


def _last_step_time(entry: dict[str, Any]) -> datetime | None:
    if not entry["progress"]:
        return None
    return parse_date(entry["progress"][-1]["ThoiDiemXuLy"])


# --- SPEC §7.1: DVCQG posts online dossiers to hoso -------------------------------------------
def sign_request(secret: str | bytes, body_bytes: bytes, ts: int | str) -> str:
    """``X-Hoso-Signature``: lowercase hex HMAC-SHA256(secret, timestamp + "." + raw body)."""
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, str(ts).encode() + b"." + body_bytes, hashlib.sha256).hexdigest()


def signed_headers(key_id: str, secret: str | bytes, body_bytes: bytes, ts: int | None = None) -> dict[str, str]:
    """The three authentication headers of SPEC §7.1 (timestamp: now unless given)."""
    timestamp = int(time.time()) if ts is None else ts
    return {
        "X-Hoso-Key-Id": key_id,
        "X-Hoso-Timestamp": str(timestamp),
        "X-Hoso-Signature": sign_request(secret, body_bytes, timestamp),
    }


def parse_hmac_keys(raw: str, active: str | None) -> tuple[dict[str, str], str]:
    """``HOSO_DVCQG_HMAC_KEYS`` (JSON object key id → secret) and the active key id."""
    try:
        keys = json.loads(raw)
    except ValueError:
        keys = None
    if not isinstance(keys, dict) or not keys or not all(isinstance(v, str) and v for v in keys.values()):
        raise ValueError(
            'HOSO_DVCQG_HMAC_KEYS phải là JSON dạng {"key_id": "secret", ...} / '
            'HOSO_DVCQG_HMAC_KEYS must be a JSON object {"key_id": "secret", ...}'
        )
    key_id = active or next(iter(keys))
    if key_id not in keys:
        raise ValueError(
            f"HOSO_DVCQG_ACTIVE_KEY_ID={key_id!r} không có trong HOSO_DVCQG_HMAC_KEYS / "
            f"HOSO_DVCQG_ACTIVE_KEY_ID={key_id!r} is not among HOSO_DVCQG_HMAC_KEYS"
        )
    return keys, key_id


def _spouse(person: Mapping[str, str]) -> dict[str, str]:
    """The other parent: a person of the other gender, same birth year, living at the same place."""
    number = person["SoDinhDanh"]
    other = f"{number[:3]}{int(number[3]) ^ 1}{number[4:6]}9{number[7:]}"
    spouse = lookup_citizen(other)
    if spouse is None:
        raise ValueError(f"no spouse can be derived for {number}")
    return {**spouse, "NoiThuongTru": person["NoiThuongTru"]}


def _parent_section(parent: Mapping[str, str]) -> dict[str, str]:
    return {
        "ho_ten": parent["HoVaTen"].upper(),
        "ngay_sinh": parent["NgaySinh"],
        "dan_toc": "01",
        "quoc_tich": parent["QuocTich"],
        "so_dinh_danh": parent["SoDinhDanh"],
        "noi_cu_tru": parent["NoiThuongTru"],
    }


def birth_registration_form(person: Mapping[str, str], child: str, birth: str) -> dict[str, Any]:
    """``DuLieuBieuMau`` of the birth registration eForm (Tờ khai đăng ký khai sinh, Circular
    04/2020/TT-BTP) as hoso's form ``HT-TK-KHAI-SINH`` defines it; ``person`` is a parent."""
    is_father = person["GioiTinh"] == "Nam"
    spouse = _spouse(person)
    father, mother = (person, spouse) if is_father else (spouse, person)
    requester = {
        "ho_ten": person["HoVaTen"].upper(),
        "so_dinh_danh": person["SoDinhDanh"],
        "noi_cu_tru": person["NoiThuongTru"],
        "quan_he": "Cha" if is_father else "Mẹ",
    }
    if person.get("SoDienThoai"):
        requester["so_dien_thoai"] = person["SoDienThoai"]
    in_hcmc = "Hồ Chí Minh" in person["NoiThuongTru"]
    hospital = (
        "Bệnh viện Từ Dũ, số 284 đường Cống Quỳnh, Phường Bến Thành, Thành phố Hồ Chí Minh"
        if in_hcmc
        else "Bệnh viện Phụ sản Hà Nội, số 929 đường La Thành, Phường Giảng Võ, Thành phố Hà Nội"
    )
    return {
        "nguoi_yeu_cau": requester,
        "nguoi_duoc_khai_sinh": {
            "ho_ten": child.upper(),
            "ngay_sinh": birth,
            "gioi_tinh": "nam" if is_father else "nu",
            "dan_toc": "01",
            "quoc_tich": "Việt Nam",
            "noi_sinh": hospital,
            "que_quan": father["QueQuan"],
        },
        "me": _parent_section(mother),
        "cha": {"xac_dinh_cha": "co", **_parent_section(father)},
        "ban_sao": {"de_nghi_cap": "co", "so_luong": 1},
        "cam_doan": {"cam_doan": True},
    }


def build_dossier(
    citizen: Mapping[str, str] | None = None,
    *,
    now: datetime | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A realistic online dossier as DVCQG posts it (SPEC §7.1): birth registration
    (``1.001193``, no fee) filed by a parent living in Hà Nội or TP.HCM, with the eForm data
    and the birth certificate as a small PDF (``NoiDungBase64``, component ``GCS``).
    ``overrides`` replace top-level fields (None removes one)."""
    person = dict(citizen or DEMO_CITIZENS[0])
    moment = now or now_vn()
    is_father = person["GioiTinh"] == "Nam"
    father_family = (person if is_father else _spouse(person))["HoVaTen"].split()[0]
    child = f"{father_family} Minh Khang" if is_father else f"{father_family} Ngọc Diệp"
    birth = (moment - timedelta(days=12)).strftime("%d/%m/%Y")
    pdf = minimal_pdf(
        f"Giấy chứng sinh — {child}",
        ["GIAY CHUNG SINH", f"Ho ten tre: {child}", f"Ngay sinh: {birth}", f"Nguoi yeu cau: {person['HoVaTen']}"],
    )
    dossier: dict[str, Any] = {
        "MaHoSoDVCQG": f"DVCQG-{moment:%y%m%d}-{secrets.token_hex(4).upper()}",
        "MaTTHC": "1.001193",
        "MaDonViTiepNhan": HCMC_UNIT if "Hồ Chí Minh" in person["NoiThuongTru"] else HANOI_UNIT,
        "ChuHoSo": person["HoVaTen"],
        "LoaiDoiTuong": "1",
        "SoGiayToChuHoSo": person["SoDinhDanh"],
        "MaDoiTuong": str(uuid.uuid5(uuid.NAMESPACE_URL, f"dvcqg:{person['SoDinhDanh']}")),
        "Email": ascii_fold(person["HoVaTen"]).lower().replace(" ", ".") + "@example.com",
        "DiaChi": person["NoiThuongTru"],
        "NgayNopHoSo": moment.strftime(DATE_FORMAT),
        "TrichYeuHoSo": f"Đăng ký khai sinh cho {child}, sinh ngày {birth}",
        "KenhThucHien": "2",
        "HinhThucNhanKetQua": "0",
        "DuLieuBieuMau": birth_registration_form(person, child, birth),
        "TaiLieuNop": [
            {
                "TepDinhKemId": str(uuid.uuid4()),
                "TenTepDinhKem": "giay-chung-sinh.pdf",
                "MaThanhPhanHoSo": "GCS",
                "NoiDungBase64": base64.b64encode(pdf).decode("ascii"),
            }
        ],
    }
    if person.get("SoDienThoai"):
        dossier["SoDienThoai"] = person["SoDienThoai"]
    for key, value in (overrides or {}).items():
        if value is None:
            dossier.pop(key, None)
        else:
            dossier[key] = value
    return dossier


class DossierPoster:
    """Builds, signs and POSTs online dossiers to ``{hoso_api_url}/v1/dvcqg/dossiers``."""

    def __init__(self, hoso_api_url: str, keys: dict[str, str], active_key_id: str) -> None:
        self.url = hoso_api_url.rstrip("/") + INTAKE_PATH
        self.keys = keys
        self.active_key_id = active_key_id
        self._turns = itertools.count()
        self.later = LaterMessenger(hoso_api_url, lambda raw: signed_headers(active_key_id, keys[active_key_id], raw))

    def post(self, overrides: Mapping[str, Any]) -> dict[str, Any]:
        """Answer ``{"MaHoSoDVCQG", "status" (hoso's HTTP status, None if unreachable), "body", "sent"}``."""
        citizen = DEMO_CITIZENS[next(self._turns) % len(DEMO_CITIZENS)]
        dossier = build_dossier(citizen, overrides=overrides)
        raw = json.dumps(dossier, ensure_ascii=False).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            **signed_headers(self.active_key_id, self.keys[self.active_key_id], raw),
        }
        result = post_bytes(self.url, raw, headers)
        return {"MaHoSoDVCQG": dossier.get("MaHoSoDVCQG"), **result, "sent": dossier}
