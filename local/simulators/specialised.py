"""A specialised software (phần mềm chuyên ngành, SPEC §7.3): receives the dossiers of its
procedures from hoso and reports back what its officers did.

``POST /v1/dossiers`` (hoso's push, ``chalicelib.specialised.push``) ``{"dossier_code": str,
"procedure_code": str, "step": str, "status": int, "callbacks": {"status": str, "results":
str}, ...}`` → 202 ``{"status": "received"}``; the same dossier again → 200 (kept once);
invalid → 400 ``INVALID_DOSSIER`` with ``errors``.
``POST /v1/dossiers/{code}/state`` (after an outage, a dossier officers continued in hoso:
``{"dossier_code", "step", "status", "continued_in_hoso", "events"}``) → 200, recorded under the
dossier's ``states``; a dossier never received → 404. With ``SIM_SPECIALISED_TOKEN`` set, the
push must carry ``Authorization: Bearer <it>`` (401 otherwise).

``POST /_sim/report/{dossier_code}`` ``{"kind": "status" | "results", ...}`` sends one report
to hoso as its officers would: ``kind`` status with ``action``, ``from_step``, ``status``
(+ ``reason``, ``assignee``, ``handler``); ``kind`` results with ``result_documents``
(default: one generated PDF) and ``note``. ``event_id`` defaults to a new one (give it to send
a report again). The report goes to the callback URL hoso gave with the dossier, with
``Authorization: Bearer <client token>`` → ``{"sent": report, "answer": {"status", "body"}}``
(502 when hoso cannot be reached; 404 for a dossier never received).
"""

from __future__ import annotations

import base64
import uuid
from typing import Any, Final

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from local.simulators.base import Simulator, iso_now, json_response, post_json, read_json_object
from local.simulators.pdf import minimal_pdf

KINDS: Final = ("status", "results")


def _dossier_errors(body: dict[str, Any]) -> list[dict[str, str]]:
    errors = [{"field": name, "message": "Bắt buộc, là chuỗi"} for name in ("dossier_code", "procedure_code", "step")
              if not isinstance(body.get(name), str) or not body[name].strip()]  # fmt: skip
    callbacks = body.get("callbacks")
    if not (isinstance(callbacks, dict) and all(isinstance(callbacks.get(k), str) for k in KINDS)):
        errors.append({"field": "callbacks", "message": "Cần địa chỉ status và results"})
    return errors


class SpecialisedSimulator(Simulator):
    def __init__(self, name: str, client_token: str, push_token: str | None = None) -> None:
        self.client_token = client_token
        self.push_token = push_token
        self.dossiers: dict[str, dict[str, Any]] = {}  # by dossier code
        self.reports: list[dict[str, Any]] = []
        super().__init__(name)

    def routes(self) -> list[Rule]:
        return [
            Rule("/v1/dossiers", endpoint="dossier", methods=["POST"]),
            Rule("/v1/dossiers/<code>/state", endpoint="state", methods=["POST"]),
            Rule("/_sim/report/<code>", endpoint="sim_report", methods=["POST"]),
        ]

    def on_dossier(self, request: Request) -> Response:
        if self.push_token and request.headers.get("Authorization") != f"Bearer {self.push_token}":
            return self.error(401, "UNAUTHORIZED", "Thiếu hoặc sai thông tin xác thực")
        body = read_json_object(request)
        errors = _dossier_errors(body)
        if errors:
            return self.error(400, "INVALID_DOSSIER", "Hồ sơ không hợp lệ", errors=errors)
        with self.lock:
            if body["dossier_code"] in self.dossiers:
                self.dossiers[body["dossier_code"]]["pushes"] += 1
                return json_response({"status": "received"})
            self.dossiers[body["dossier_code"]] = {"received_at": iso_now(), "pushes": 1, "request": body}
        return json_response({"status": "received"}, 202)

    def on_state(self, request: Request, code: str) -> Response:
        """hoso, after an outage, tells where a dossier officers continued in hoso stands (recorded)."""
        if self.push_token and request.headers.get("Authorization") != f"Bearer {self.push_token}":
            return self.error(401, "UNAUTHORIZED", "Thiếu hoặc sai thông tin xác thực")
        body = read_json_object(request)
        if body.get("dossier_code") != code or not isinstance(body.get("status"), int):
            return self.error(400, "INVALID_STATE", "Cần dossier_code (trùng đường dẫn) và status")
        with self.lock:
            dossier = self.dossiers.get(code)
            if dossier is None:
                return self.error(404, "NOT_FOUND", f"Chưa nhận hồ sơ {code}")
            dossier.setdefault("states", []).append({"received_at": iso_now(), "state": body})
        return json_response({"status": "reconciled"})

    def on_sim_report(self, request: Request, code: str) -> Response:
        body = read_json_object(request)
        kind = body.pop("kind", None)
        if kind not in KINDS:
            return self.error(400, "BAD_REQUEST", f"kind phải là một trong {list(KINDS)}")
        with self.lock:
            dossier = self.dossiers.get(code)
        if dossier is None:
            return self.error(404, "NOT_FOUND", f"Chưa nhận hồ sơ {code}")
        report = {"event_id": f"SIM-{uuid.uuid4().hex[:12]}", **body}
        if kind == "results" and "result_documents" not in report:
            pdf = minimal_pdf(f"Kết quả hồ sơ {code}", ["KET QUA GIAI QUYET", f"Ho so: {code}"])
            report["result_documents"] = [{"name": "ket-qua.pdf",
                                           "content_base64": base64.b64encode(pdf).decode("ascii")}]  # fmt: skip
        answer = post_json(dossier["request"]["callbacks"][kind], report,
                           {"Authorization": f"Bearer {self.client_token}"})  # fmt: skip
        with self.lock:
            self.reports.append({"at": iso_now(), "dossier_code": code, "kind": kind, "sent": report,
                                 "answer": answer})  # fmt: skip
        return json_response({"sent": report, "answer": answer}, 200 if answer["status"] is not None else 502)

    def snapshot(self) -> dict[str, Any]:
        return {"dossiers": self.dossiers, "reports": self.reports}

    def clear(self) -> None:
        self.dossiers.clear()
        self.reports.clear()
