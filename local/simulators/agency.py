"""Another agency's one-stop system in a multi-agency (liên thông) chain (SPEC §7.3).

``POST /v1/handover`` ``{"task_token": str, "dossier_code": str, "step": str, "documents":
[{"name": str, ...string fields}]}`` (other fields are kept as received) → 202
``{"status": "received", "handover_id"}``; the same ``task_token`` again → 200, same id;
invalid → 400 ``INVALID_HANDOVER`` with ``errors``.

``POST /_sim/complete/{dossier_code}`` ``{"outcome": "success" | "failure" | "supplement",
"reason"?: str (required unless success), "result_documents"?: [...]}`` finishes the
dossier's latest hand-over and POSTs ``{"task_token", "outcome", "result_documents",
"reason"}`` to ``{HOSO_API_URL}/v1/flows/callback`` with ``Authorization: Bearer
<SIM_AGENCY_CLIENT_TOKEN>`` (default ``dev-agency-token``). Without
``result_documents``, a success returns one generated PDF ``{"name", "content_type", "content_base64"}``.
Completing an already finished hand-over re-sends the same callback (a redelivery).

Mode ``auto_complete`` (with ``auto_outcome``, default ``success``) finishes every new
hand-over by itself ``delay_ms`` after recording it.
"""

from __future__ import annotations

import base64
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Final

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from local.simulators.base import Mode, Simulator, iso_now, json_response, post_json, read_json_object
from local.simulators.pdf import minimal_pdf

OUTCOMES: Final = ("success", "failure", "supplement")
CALLBACK_PATH: Final = "/v1/flows/callback"


@dataclass
class AgencyMode(Mode):
    auto_complete: bool = False
    auto_outcome: str = field(default="success", metadata={"choices": OUTCOMES})


def _handover_errors(body: dict[str, Any]) -> list[dict[str, str]]:
    errors = [
        {"field": name, "message": "Bắt buộc, là chuỗi"}
        for name in ("task_token", "dossier_code", "step")
        if not isinstance(body.get(name), str) or not body[name].strip()
    ]
    documents = body.get("documents")
    if not isinstance(documents, list):
        return [*errors, {"field": "documents", "message": "Bắt buộc, là danh sách"}]
    for index, document in enumerate(documents):
        if not (
            isinstance(document, dict)
            and isinstance(document.get("name"), str)
            and document["name"].strip()
            and all(isinstance(v, str) for v in document.values())
        ):
            errors.append({"field": f"documents[{index}]", "message": "Mỗi giấy tờ có name và các giá trị chuỗi"})
    return errors


def _result_document(handover: dict[str, Any]) -> dict[str, str]:
    pdf = minimal_pdf(
        f"Kết quả bước {handover['step']} — hồ sơ {handover['dossier_code']}",
        ["KET QUA GIAI QUYET", f"Ho so: {handover['dossier_code']}", f"Buoc: {handover['step']}"],
    )
    return {
        "name": f"ket-qua-{handover['step']}.pdf",
        "content_type": "application/pdf",
        "content_base64": base64.b64encode(pdf).decode("ascii"),
    }


class AgencySimulator(Simulator):
    mode_class = AgencyMode

    def __init__(self, name: str, hoso_api_url: str, client_token: str) -> None:
        self.callback_url = hoso_api_url.rstrip("/") + CALLBACK_PATH
        self.client_token = client_token
        self.handovers: dict[str, dict[str, Any]] = {}  # by task token
        self.timers: list[threading.Timer] = []
        super().__init__(name)

    def routes(self) -> list[Rule]:
        return [
            Rule("/v1/handover", endpoint="handover", methods=["POST"]),
            Rule("/_sim/complete/<code>", endpoint="sim_complete", methods=["POST"]),
        ]

    def on_handover(self, request: Request) -> Response:
        body = read_json_object(request)
        errors = _handover_errors(body)
        if errors:
            return self.error(400, "INVALID_HANDOVER", "Hồ sơ chuyển giao không hợp lệ", errors=errors)
        token = body["task_token"]
        with self.lock:
            known = self.handovers.get(token)
            if known is not None:
                return json_response({"status": "received", "handover_id": known["handover_id"]})
            handover = {
                "handover_id": str(uuid.uuid4()),
                "task_token": token,
                "dossier_code": body["dossier_code"],
                "step": body["step"],
                "request": body,
                "received_at": iso_now(),
                "status": "received",
                "callback": None,
                "deliveries": [],
            }
            self.handovers[token] = handover
            mode = self.mode
            if isinstance(mode, AgencyMode) and mode.auto_complete:
                timer = threading.Timer(mode.delay_ms / 1000, self._complete, (handover, mode.auto_outcome, None, None))
                timer.daemon = True
                self.timers.append(timer)
                timer.start()
        return json_response({"status": "received", "handover_id": handover["handover_id"]}, 202)

    def on_sim_complete(self, request: Request, code: str) -> Response:
        body = read_json_object(request, optional=True)
        outcome, reason = body.get("outcome", "success"), body.get("reason")
        documents = body.get("result_documents")
        if outcome not in OUTCOMES:
            return self.error(400, "BAD_REQUEST", f"outcome phải là một trong {list(OUTCOMES)}")
        if outcome != "success" and not (isinstance(reason, str) and reason.strip()):
            return self.error(400, "BAD_REQUEST", "Cần reason (lý do) khi kết quả không phải success")
        if documents is not None and not isinstance(documents, list):
            return self.error(400, "BAD_REQUEST", "result_documents phải là danh sách")
        with self.lock:
            latest = [h for h in self.handovers.values() if h["dossier_code"] == code]
            if not latest:
                return self.error(404, "NOT_FOUND", f"Chưa nhận hồ sơ {code}")
            handover = latest[-1]
        result = self._complete(handover, outcome, reason, documents)
        return json_response(result, 200 if result["callback"]["status"] is not None else 502)

    def _complete(
        self, handover: dict[str, Any], outcome: str, reason: str | None, documents: list[Any] | None
    ) -> dict[str, Any]:
        with self.lock:
            if handover["callback"] is None:
                if documents is None:
                    documents = [_result_document(handover)] if outcome == "success" else []
                handover["callback"] = {"task_token": handover["task_token"], "outcome": outcome,
                                        "result_documents": documents, "reason": reason}  # fmt: skip
                handover["status"] = "completed"
                handover["completed_at"] = iso_now()
            callback = handover["callback"]
        delivery = post_json(self.callback_url, callback, {"Authorization": f"Bearer {self.client_token}"})
        with self.lock:
            handover["deliveries"].append({"at": iso_now(), **delivery})
        return {"sent": callback, "callback": delivery}

    def snapshot(self) -> dict[str, Any]:
        return {"handovers": list(self.handovers.values())}

    def clear(self) -> None:
        self.close()
        self.handovers.clear()

    def close(self) -> None:
        with self.lock:
            for timer in self.timers:
                timer.cancel()
            self.timers.clear()
