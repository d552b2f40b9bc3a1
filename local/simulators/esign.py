"""The eSign portal (remote digital signature) — the request side of the protocol: it checks
and records what hoso sends and answers a transaction id; producing PAdES signatures is
not its job yet.

``POST /v1/sign`` ``{"document_id": str, "pdf_base64": str (a PDF), "signer": str | object of
strings}`` → 202 ``{"status": "accepted", "transaction_id"}``; 400 ``{"error_code":
"INVALID_REQUEST", "errors": [...]}`` otherwise. ``GET /v1/sign/{transaction_id}`` → the
transaction (``status``, ``document_id``, ``signer``, ``pdf_sha256``, ``pdf_bytes``,
``received_at``) or 404.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from local.simulators.base import Simulator, iso_now, json_response, read_json_object


def _signer_ok(signer: Any) -> bool:
    if isinstance(signer, str):
        return bool(signer.strip())
    return isinstance(signer, dict) and bool(signer) and all(isinstance(v, str) and v for v in signer.values())


class EsignSimulator(Simulator):
    def __init__(self, name: str) -> None:
        self.transactions: dict[str, dict[str, Any]] = {}
        super().__init__(name)

    def routes(self) -> list[Rule]:
        return [
            Rule("/v1/sign", endpoint="sign", methods=["POST"]),
            Rule("/v1/sign/<transaction_id>", endpoint="transaction", methods=["GET"]),
        ]

    def on_sign(self, request: Request) -> Response:
        body = read_json_object(request)
        errors: list[dict[str, str]] = []
        document_id = body.get("document_id")
        if not isinstance(document_id, str) or not document_id.strip():
            errors.append({"field": "document_id", "message": "Bắt buộc, là chuỗi"})
        pdf = b""
        try:
            pdf = base64.b64decode(str(body.get("pdf_base64", "")), validate=True)
        except (binascii.Error, ValueError):
            errors.append({"field": "pdf_base64", "message": "Không phải base64 hợp lệ"})
        else:
            if not pdf.startswith(b"%PDF-"):
                errors.append({"field": "pdf_base64", "message": "Nội dung không phải tệp PDF"})
        if not _signer_ok(body.get("signer")):
            errors.append({"field": "signer", "message": "Bắt buộc: định danh người ký hoặc đối tượng chuỗi"})
        if errors:
            return self.error(400, "INVALID_REQUEST", "Yêu cầu ký số không hợp lệ", errors=errors)
        transaction_id = str(uuid.uuid4())
        with self.lock:
            self.transactions[transaction_id] = {
                "transaction_id": transaction_id,
                "status": "accepted",
                "document_id": document_id,
                "signer": body["signer"],
                "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
                "pdf_bytes": len(pdf),
                "received_at": iso_now(),
            }
        return json_response({"status": "accepted", "transaction_id": transaction_id}, 202)

    def on_transaction(self, request: Request, transaction_id: str) -> Response:
        with self.lock:
            transaction = self.transactions.get(transaction_id)
            if transaction is None:
                return self.error(404, "NOT_FOUND", "Không có giao dịch ký số này")
            return json_response(transaction)

    def snapshot(self) -> dict[str, Any]:
        return {"transactions": list(self.transactions.values())}

    def clear(self) -> None:
        self.transactions.clear()
