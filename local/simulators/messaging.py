"""The e-mail and SMS gateway hoso sends officers' reminders through (SPEC FR-20, FR-30:
e-mail and SMS integrations; through the integration platform in production).

Both routes take ``Authorization: Bearer <token>`` (env ``SIM_MESSAGING_TOKEN``, default
``dev-messaging-token``) and a JSON body:

* ``POST /v1/email`` — ``{"to": "<address>", "subject": str (≤ 200), "text": str (≤ 20000),
  "reference"?: str (≤ 100)}``;
* ``POST /v1/sms`` — ``{"to": "0[35789]xxxxxxxx" | "+84[35789]xxxxxxxx", "text": str,
  "reference"?: str (≤ 100)}``; the text is sent as GSM-7 when it fits that alphabet (160
  characters a segment, 153 when concatenated), otherwise as UCS-2 (Vietnamese with
  diacritics: 70, or 67 when concatenated); at most 10 segments.

→ 202 ``{"message_id": "EM000001" | "SM000001", "status": "accepted"}`` (SMS also
``"segments"``, ``"encoding"``). ``reference`` makes a send idempotent: the same reference
with the same message again → 200 with the same ``message_id`` (nothing sent twice); with
another message → 409 ``DUPLICATE_REFERENCE``. Errors: 401 ``UNAUTHORIZED``, 400
``INVALID_MESSAGE`` with ``errors: [{"field", "message"}]``.

``GET /_sim/messages`` (optionally ``?channel=email|sms`` and ``?to=``) → ``{"messages":
[{"message_id", "channel", "to", "subject"?, "text", "reference", "segments"?, "encoding"?,
"at"}]}`` in the order they were accepted; ``/_sim/records`` holds the same list.
"""

from __future__ import annotations

import hmac
import itertools
import math
import re
from collections.abc import Callable
from typing import Any, Final

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from local.simulators.base import Simulator, iso_now, json_response, read_json_object

SUBJECT_MAX: Final = 200
EMAIL_TEXT_MAX: Final = 20_000
REFERENCE_MAX: Final = 100
MAX_SEGMENTS: Final = 10
_EMAIL: Final = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_MOBILE: Final = re.compile(r"^(0|\+84)[35789]\d{8}$")
# GSM 03.38 basic character set (the extension table's characters count double; not needed here).
_GSM7: Final = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def sms_encoding(text: str) -> tuple[str, int]:
    """``("GSM-7" | "UCS-2", segments)`` for an SMS text."""
    if all(c in _GSM7 for c in text):
        single, part, encoding = 160, 153, "GSM-7"
    else:
        single, part, encoding = 70, 67, "UCS-2"
    length = len(text)
    return encoding, 1 if length <= single else math.ceil(length / part)


def _text_errors(body: dict[str, Any], allowed: tuple[str, ...]) -> list[dict[str, str]]:
    errors = [{"field": k, "message": "Trường không có trong đặc tả"} for k in body if k not in allowed]
    if not isinstance(body.get("text"), str) or not body["text"].strip():
        errors.append({"field": "text", "message": "Bắt buộc, là chuỗi khác rỗng"})
    reference = body.get("reference")
    if reference is not None and (not isinstance(reference, str) or not 1 <= len(reference) <= REFERENCE_MAX):
        errors.append({"field": "reference", "message": f"Chuỗi 1–{REFERENCE_MAX} ký tự"})
    return errors


def email_errors(body: dict[str, Any]) -> list[dict[str, str]]:
    errors = _text_errors(body, ("to", "subject", "text", "reference"))
    if not isinstance(body.get("to"), str) or not _EMAIL.match(body["to"]):
        errors.append({"field": "to", "message": "Địa chỉ thư điện tử không hợp lệ"})
    subject = body.get("subject")
    if not isinstance(subject, str) or not subject.strip() or len(subject) > SUBJECT_MAX:
        errors.append({"field": "subject", "message": f"Bắt buộc, tối đa {SUBJECT_MAX} ký tự"})
    if isinstance(body.get("text"), str) and len(body["text"]) > EMAIL_TEXT_MAX:
        errors.append({"field": "text", "message": f"Tối đa {EMAIL_TEXT_MAX} ký tự"})
    return errors


def sms_errors(body: dict[str, Any]) -> list[dict[str, str]]:
    errors = _text_errors(body, ("to", "text", "reference"))
    if not isinstance(body.get("to"), str) or not _MOBILE.match(body["to"]):
        errors.append({"field": "to", "message": "Số điện thoại di động không hợp lệ"})
    if isinstance(body.get("text"), str) and sms_encoding(body["text"])[1] > MAX_SEGMENTS:
        errors.append({"field": "text", "message": f"Tin nhắn dài quá {MAX_SEGMENTS} phần"})
    return errors


class MessagingSimulator(Simulator):
    failable = frozenset({"email", "sms"})

    def __init__(self, name: str, token: str) -> None:
        self.token = token
        self.messages: list[dict[str, Any]] = []
        self._by_reference: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] = {}
        self._serials = itertools.count(1)
        super().__init__(name)

    def routes(self) -> list[Rule]:
        return [
            Rule("/v1/email", endpoint="email", methods=["POST"]),
            Rule("/v1/sms", endpoint="sms", methods=["POST"]),
            Rule("/_sim/messages", endpoint="sim_messages", methods=["GET"]),
        ]

    def _authorised(self, request: Request) -> bool:
        scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(credential.strip().encode(), self.token.encode())

    def on_email(self, request: Request) -> Response:
        return self._accept(request, "email", "EM", email_errors)

    def on_sms(self, request: Request) -> Response:
        return self._accept(request, "sms", "SM", sms_errors)

    def _accept(self, request: Request, channel: str, prefix: str,
                check: Callable[[dict[str, Any]], list[dict[str, str]]]) -> Response:
        if not self._authorised(request):
            return self.error(401, "UNAUTHORIZED", "Thiếu hoặc sai mã truy cập (Bearer)")
        body = read_json_object(request)
        errors = check(body)
        if errors:
            return self.error(400, "INVALID_MESSAGE", "Tin gửi không hợp lệ", errors=errors)
        reference = body.get("reference")
        with self.lock:
            if reference is not None:
                known = self._by_reference.get((channel, reference))
                if known is not None:
                    sent, answer = known
                    if sent != body:
                        return self.error(409, "DUPLICATE_REFERENCE", "Mã tham chiếu đã dùng cho một tin khác")
                    return json_response(answer, 200)
            message_id = f"{prefix}{next(self._serials):06d}"
            answer: dict[str, Any] = {"message_id": message_id, "status": "accepted"}
            record: dict[str, Any] = {"message_id": message_id, "channel": channel, "to": body["to"],
                                      "text": body["text"], "reference": reference, "at": iso_now()}
            if channel == "email":
                record["subject"] = body["subject"]
            else:
                encoding, segments = sms_encoding(body["text"])
                answer.update(segments=segments, encoding=encoding)
                record.update(segments=segments, encoding=encoding)
            self.messages.append(record)
            if reference is not None:
                self._by_reference[(channel, reference)] = (body, answer)
        return json_response(answer, 202)

    def on_sim_messages(self, request: Request) -> Response:
        channel, to = request.args.get("channel"), request.args.get("to")
        with self.lock:
            found = [m for m in self.messages
                     if (channel is None or m["channel"] == channel) and (to is None or m["to"] == to)]
        return json_response({"messages": found})

    def snapshot(self) -> dict[str, Any]:
        return {"messages": list(self.messages)}

    def clear(self) -> None:
        self.messages.clear()
        self._by_reference.clear()
