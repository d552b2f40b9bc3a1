"""An e-receipt provider (biên lai điện tử, SPEC §7.8; the contract is docs/ereceipts.md).

Every protocol call is signed: ``X-Client-Id`` and ``X-Signature`` = lowercase hex
HMAC-SHA256(key, ``METHOD\\nPATH\\nBODY``) with the client's key (``SIM_ERECEIPT_CLIENTS``,
JSON ``{"client_id": "key"}``, default ``{"hoso": "dev-ereceipt-key"}``). A wrong or missing
signature is 401 ``UNAUTHORIZED`` and nothing is recorded as done.

* ``POST /v1/receipts`` with ``Idempotency-Key`` — issue: ``{"payment_ref", "dossier_code",
  "procedure_code", "unit_code", "method" ("online"|"cash"), "paid_at" (yyyyMMddHHmmss),
  "payer": {"name", "id_number"?, "address"?}, "lines": [{"code", "name", "amount"}], "amount"}``
  (amounts whole đồng, ``amount`` the lines' sum) → 201 ``{"receipt": {...}, "pdf": base64,
  "xml": base64}``; the same key and body again → 200 and the same receipt; the same key with
  another body → 409 ``IDEMPOTENCY_MISMATCH``; a malformed body → 400 ``INVALID`` with ``errors``.
* ``POST /v1/receipts/{lookup_code}/replace`` with ``Idempotency-Key`` — the issue body plus
  ``"reason"``: a new receipt (``"replaces"``: the original's lookup code); the original's
  status becomes ``replaced``. Only an issued receipt can be replaced (409 ``NOT_ISSUED``).
* ``POST /v1/receipts/{lookup_code}/cancel`` ``{"reason"}`` → 200 ``{"receipt"}`` status
  ``cancelled`` (cancelling a cancelled receipt answers the same).
* ``GET /v1/receipts?date=yyyyMMdd`` → ``{"receipts": [...]}`` the client's receipts issued that day.

A receipt: ``number`` (7 digits, per series), ``template`` ``"01BLP0-001"``, ``series``
``"HS-26E"``, ``issued_at``, ``lookup_code``, ``amount``, ``status``, ``payment_ref``,
``dossier_code``, ``unit_code``, ``payer``, ``lines``, ``replaces``, ``reason``.

Modes besides the common ones: ``"lose_next": int`` — issue the next N receipts, then answer
502 as if the answer got lost (a retry must get the same receipt back). Control:
``GET /_sim/records`` (every request with its answer status, and the receipts);
``POST /_sim/receipts`` adds a receipt outright (``{"payment_ref", "amount", ...}``: one the
provider has but hoso never asked for — the reconciliation's "receipt without a payment").
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any, Final

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from local.simulators.base import BadInput, Mode, Simulator, iso_now, json_response, now_vn, read_json_object
from local.simulators.pdf import ascii_fold, minimal_pdf

TEMPLATE: Final = "01BLP0-001"
SERIES: Final = "HS-26E"
DEFAULT_CLIENTS: Final = '{"hoso": "dev-ereceipt-key"}'
_ISSUE_FIELDS: Final = ("payment_ref", "dossier_code", "procedure_code", "unit_code", "method", "paid_at", "payer",
                        "lines", "amount")


@dataclass
class EreceiptMode(Mode):
    lose_next: int = 0


def sign(key: str, method: str, path: str, body: bytes) -> str:
    return hmac.new(key.encode(), method.encode() + b"\n" + path.encode() + b"\n" + body, hashlib.sha256).hexdigest()


def _problems(body: dict[str, Any], *, replacing: bool = False) -> list[str]:
    problems = [f"{name}: bắt buộc / required" for name in _ISSUE_FIELDS if name not in body]
    allowed = set(_ISSUE_FIELDS) | ({"reason"} if replacing else set())
    problems += [f"{name}: không có trường này / unknown field" for name in sorted(set(body) - allowed)]
    if problems:
        return problems
    for name in ("payment_ref", "dossier_code", "procedure_code", "unit_code"):
        if not isinstance(body[name], str) or not body[name].strip():
            problems.append(f"{name}: chuỗi khác rỗng / non-empty string")
    if body["method"] not in ("online", "cash"):
        problems.append('method: "online" hoặc "cash"')
    if not isinstance(body["paid_at"], str) or (body["paid_at"] and not (len(body["paid_at"]) == 14
                                                                         and body["paid_at"].isdigit())):
        problems.append("paid_at: yyyyMMddHHmmss")
    payer = body["payer"]
    if not isinstance(payer, dict) or not isinstance(payer.get("name"), str) or not payer["name"].strip():
        problems.append("payer.name: bắt buộc / required")
    lines = body["lines"]
    amount = body["amount"]
    if not isinstance(lines, list) or not lines:
        problems.append("lines: ít nhất một khoản / at least one line")
    else:
        for i, line in enumerate(lines):
            ok = (isinstance(line, dict) and isinstance(line.get("name"), str) and line["name"].strip()
                  and isinstance(line.get("amount"), int) and not isinstance(line["amount"], bool)
                  and line["amount"] > 0)
            if not ok:
                problems.append(f"lines[{i}]: name và amount (số nguyên dương) / name and a positive whole amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        problems.append("amount: số nguyên dương / a positive whole number")
    elif not problems and amount != sum(line["amount"] for line in lines):
        problems.append("amount: phải bằng tổng các khoản / must equal the lines' sum")
    if replacing and (not isinstance(body.get("reason"), str) or len(body["reason"].strip()) < 5):
        problems.append("reason: bắt buộc / required")
    return problems


class EreceiptSimulator(Simulator):
    mode_class = EreceiptMode
    failable = frozenset({"issue", "replace", "cancel", "day"})

    def __init__(self, name: str, clients: dict[str, str]) -> None:
        self.clients = clients
        self.receipts: dict[str, dict[str, Any]] = {}  # lookup code → receipt
        self.by_key: dict[tuple[str, str], tuple[str, str]] = {}  # (client, idempotency key) → (body hash, lookup)
        self.requests: list[dict[str, Any]] = []
        self.next_number = 1
        super().__init__(name)

    def routes(self) -> list[Rule]:
        return [
            Rule("/v1/receipts", endpoint="issue", methods=["POST"]),
            Rule("/v1/receipts", endpoint="day", methods=["GET"]),
            Rule("/v1/receipts/<lookup>/cancel", endpoint="cancel", methods=["POST"]),
            Rule("/v1/receipts/<lookup>/replace", endpoint="replace", methods=["POST"]),
            Rule("/_sim/receipts", endpoint="sim_add", methods=["POST"]),
        ]

    def snapshot(self) -> dict[str, Any]:
        return {"requests": list(self.requests), "receipts": list(self.receipts.values())}

    def clear(self) -> None:
        self.receipts.clear()
        self.by_key.clear()
        self.requests.clear()
        self.next_number = 1

    # --- plumbing --------------------------------------------------------------------------
    def _answer(self, request: Request, client: str, status: int, data: Any) -> Response:
        with self.lock:
            self.requests.append({"at": iso_now(), "method": request.method, "path": request.full_path.rstrip("?"),
                                  "client": client, "idempotency_key": request.headers.get("Idempotency-Key", ""),
                                  "body": request.get_data(as_text=True)[:4000], "status": status})
        return json_response(data, status)

    def _client(self, request: Request) -> str | None:
        client = request.headers.get("X-Client-Id", "")
        key = self.clients.get(client)
        given = request.headers.get("X-Signature", "")
        if key is None or not given:
            return None
        expected = sign(key, request.method, request.path, request.get_data(cache=True))
        return client if hmac.compare_digest(given.encode(), expected.encode()) else None

    def _refuse(self, request: Request, client: str, status: int, code: str, message: str, **extra: Any) -> Response:
        return self._answer(request, client, status, {"error_code": code, "message": message, **extra})

    def _body(self, request: Request, client: str) -> dict[str, Any] | Response:
        try:
            return read_json_object(request)
        except BadInput as exc:
            return self._refuse(request, client, 400, "INVALID", exc.message)

    def _files(self, receipt: dict[str, Any]) -> dict[str, str]:
        lines = [f"Mau so {receipt['template']} Ky hieu {receipt['series']} So {receipt['number']}",
                 f"Nguoi nop: {ascii_fold(receipt['payer']['name'])}",
                 f"Ho so: {receipt['dossier_code']}", f"So tien: {receipt['amount']} dong",
                 f"Ma tra cuu: {receipt['lookup_code']}"]
        pdf = minimal_pdf("BIEN LAI THU PHI, LE PHI", lines)
        xml = (f'<?xml version="1.0" encoding="UTF-8"?><BienLai><MauSo>{receipt["template"]}</MauSo>'
               f'<KyHieu>{receipt["series"]}</KyHieu><So>{receipt["number"]}</So>'
               f'<SoTien>{receipt["amount"]}</SoTien><MaTraCuu>{receipt["lookup_code"]}</MaTraCuu></BienLai>')
        return {"pdf": base64.b64encode(pdf).decode(), "xml": base64.b64encode(xml.encode()).decode()}

    def _new(self, client: str, body: dict[str, Any], replaces: str | None = None) -> dict[str, Any]:
        number = f"{self.next_number:07d}"
        self.next_number += 1
        lookup = hashlib.sha256(f"{client}|{number}|{body.get('payment_ref')}".encode()).hexdigest()[:12].upper()
        receipt = {"number": number, "template": TEMPLATE, "series": SERIES,
                   "issued_at": now_vn().strftime("%Y%m%d%H%M%S"), "lookup_code": lookup,
                   "amount": body.get("amount"), "status": "issued", "payment_ref": body.get("payment_ref", ""),
                   "dossier_code": body.get("dossier_code", ""), "unit_code": body.get("unit_code", ""),
                   "payer": body.get("payer", {"name": ""}), "lines": body.get("lines", []), "replaces": replaces,
                   "reason": body.get("reason"), "client": client}
        self.receipts[lookup] = receipt
        return receipt

    def _issue(self, request: Request, client: str, body: dict[str, Any], replaces: str | None) -> Response:
        key = request.headers.get("Idempotency-Key", "")
        if not key:
            return self._refuse(request, client, 400, "INVALID", "Idempotency-Key: bắt buộc / required")
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        with self.lock:
            known = self.by_key.get((client, key))
            if known is not None:
                if known[0] != digest:
                    return self._refuse(request, client, 409, "IDEMPOTENCY_MISMATCH",
                                        "Khoá đã dùng cho yêu cầu khác / key used with another body")
                receipt = self.receipts[known[1]]
                return self._answer(request, client, 200, {"receipt": _public(receipt), **self._files(receipt)})
            if replaces is not None:
                original = self.receipts.get(replaces)
                if original is None or original["client"] != client:
                    return self._refuse(request, client, 404, "NOT_FOUND", "Không có biên lai này / no such receipt")
                if original["status"] != "issued":
                    return self._refuse(request, client, 409, "NOT_ISSUED", "Biên lai không còn hiệu lực")
                original["status"] = "replaced"
            receipt = self._new(client, body, replaces)
            self.by_key[(client, key)] = (digest, receipt["lookup_code"])
            lose = self.mode.lose_next > 0
            if lose:
                self.mode = dataclasses.replace(self.mode, lose_next=self.mode.lose_next - 1)
        if lose:
            return self._refuse(request, client, 502, "LOST", "Câu trả lời bị mất (mô phỏng) / answer lost")
        return self._answer(request, client, 201, {"receipt": _public(receipt), **self._files(receipt)})

    # --- protocol --------------------------------------------------------------------------
    def on_issue(self, request: Request) -> Response:
        client = self._client(request)
        if client is None:
            return self._refuse(request, "", 401, "UNAUTHORIZED", "Sai chữ ký / bad signature")
        body = self._body(request, client)
        if isinstance(body, Response):
            return body
        problems = _problems(body)
        if problems:
            return self._refuse(request, client, 400, "INVALID", "Dữ liệu không hợp lệ / invalid", errors=problems)
        return self._issue(request, client, body, None)

    def on_replace(self, request: Request, lookup: str) -> Response:
        client = self._client(request)
        if client is None:
            return self._refuse(request, "", 401, "UNAUTHORIZED", "Sai chữ ký / bad signature")
        body = self._body(request, client)
        if isinstance(body, Response):
            return body
        problems = _problems(body, replacing=True)
        if problems:
            return self._refuse(request, client, 400, "INVALID", "Dữ liệu không hợp lệ / invalid", errors=problems)
        return self._issue(request, client, body, lookup)

    def on_cancel(self, request: Request, lookup: str) -> Response:
        client = self._client(request)
        if client is None:
            return self._refuse(request, "", 401, "UNAUTHORIZED", "Sai chữ ký / bad signature")
        body = self._body(request, client)
        if isinstance(body, Response):
            return body
        if set(body) != {"reason"} or not isinstance(body["reason"], str) or len(body["reason"].strip()) < 5:
            return self._refuse(request, client, 400, "INVALID", "reason: bắt buộc / required")
        with self.lock:
            receipt = self.receipts.get(lookup)
            if receipt is None or receipt["client"] != client:
                return self._refuse(request, client, 404, "NOT_FOUND", "Không có biên lai này / no such receipt")
            if receipt["status"] not in ("issued", "cancelled"):
                return self._refuse(request, client, 409, "NOT_ISSUED", "Biên lai không còn hiệu lực")
            if receipt["status"] == "issued":
                receipt["status"], receipt["reason"] = "cancelled", body["reason"]
        return self._answer(request, client, 200, {"receipt": _public(receipt)})

    def on_day(self, request: Request) -> Response:
        client = self._client(request)
        if client is None:
            return self._refuse(request, "", 401, "UNAUTHORIZED", "Sai chữ ký / bad signature")
        date = request.args.get("date", "")
        if len(date) != 8 or not date.isdigit():
            return self._refuse(request, client, 400, "INVALID", "date: yyyyMMdd")
        with self.lock:
            found = [_public(r) for r in self.receipts.values()
                     if r["client"] == client and r["issued_at"].startswith(date)]
        return self._answer(request, client, 200, {"receipts": found})

    def on_sim_add(self, request: Request) -> Response:
        body = read_json_object(request)
        client = str(body.pop("client", next(iter(self.clients))))
        with self.lock:
            receipt = self._new(client, {"payer": {"name": "Không rõ"}, **body})
        return json_response({"receipt": _public(receipt)}, 201)


def _public(receipt: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in receipt.items() if k != "client"}


def parse_clients(text: str) -> dict[str, str]:
    value = json.loads(text)
    if not isinstance(value, dict) or not value or not all(isinstance(v, str) for v in value.values()):
        raise ValueError('SIM_ERECEIPT_CLIENTS: {"client_id": "key"} / a JSON object of keys is expected')
    return {str(k): v for k, v in value.items()}
