"""E-mail and SMS through the messaging gateway (FR-30; the integration platform's gateway in
production, ``local.simulators.messaging`` locally).

``POST {MESSAGING_BASE_URL}/v1/email`` ``{"to", "subject", "text", "reference"}`` and
``POST …/v1/sms`` ``{"to", "text", "reference"}`` with ``Authorization: Bearer <token>`` →
200/202 ``{"message_id", ...}``. The token is the ``token`` of the JSON secret
``HOSO_MESSAGING_SECRET_ID``. ``reference`` makes a send idempotent at the gateway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib import outbound
from chalicelib.integrations import secrets
from chalicelib.settings import get_settings

TIMEOUT_S = 10.0


class DeliveryError(Exception):
    """The gateway could not be reached, or refused the message."""


@dataclass(frozen=True)
class MessagingGateway:
    base_url: str
    token: str
    timeout_s: float = TIMEOUT_S

    def send_email(self, to: str, subject: str, text: str, reference: str) -> str:
        return self._send("/v1/email", {"to": to, "subject": subject, "text": text, "reference": reference})

    def send_sms(self, to: str, text: str, reference: str) -> str:
        return self._send("/v1/sms", {"to": to, "text": text, "reference": reference})

    def _send(self, path: str, body: dict[str, Any]) -> str:
        """The gateway's message id."""
        try:
            answer = outbound.post_json(f"{self.base_url.rstrip('/')}{path}", body,
                                    {"Authorization": f"Bearer {self.token}"}, self.timeout_s)
            payload = answer.json()
        except outbound.GatewayError as err:
            raise DeliveryError(str(err)) from None
        if answer.status not in (200, 202) or not isinstance(payload, dict) or not payload.get("message_id"):
            code = payload.get("error_code") if isinstance(payload, dict) else None
            raise DeliveryError(f"{path}: HTTP {answer.status} {code or ''}".strip())
        return str(payload["message_id"])


def connect() -> MessagingGateway:
    """The gateway as configured (endpoint in the settings, credential in Secrets Manager)."""
    settings = get_settings()
    secret = secrets.get_json(settings.messaging_secret_id)
    return MessagingGateway(base_url=settings.messaging_base_url, token=str(secret["token"]))
