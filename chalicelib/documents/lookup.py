"""Public status lookup (FR-26): the check token, the answer and the per-IP rate limit.

Dossier codes are predictable (unit, date, daily sequence), so the code alone must not open
a dossier's status to anyone: a lookup needs the code **and** its check token (mã tra cứu,
8 characters, 40 random bits), printed on the receipt and inside the QR code of every printed
form. A wrong token and an unknown code get the same 404 after the same work (one read of
the token item, one constant-time compare against the stored or a dummy token), so a prober
learns nothing about which codes exist; the per-client limit (:data:`LIMIT_PER_MINUTE`, keyed
on the client's address as :mod:`chalicelib.api.caller` finds it behind the integration
gateway) and the per-dossier limit (:data:`CODE_LIMIT_PER_MINUTE`, whatever the addresses)
make guessing tokens hopeless (2^40 tokens, at most 60 tries a minute on one dossier).

The answer carries no personal data: the status label, the current step's name, the
appointment date, whether the result is ready, and the finish/delivery dates.

Items: ``DOSSIER#<code>`` / ``LOOKUP`` in the dossiers table (the token, created once on the
first print); ``RATE#ip:<address>#<yyyyMMddHHmm>`` and ``RATE#code:<code>#<yyyyMMddHHmm>`` /
``N`` in the counters table (expire after two minutes through the table's TTL attribute
``expires_at``).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.models import Model

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.process import ProcessDefinition
from chalicelib.domain.statuses import DossierStatus
from chalicelib.errors import HosoError
from chalicelib.settings import get_settings
from chalicelib.store.dossiers import dossier_pk
from chalicelib.store.models import DossiersTable, _Region, _TableName

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
TOKEN_LENGTH = 8
LIMIT_PER_MINUTE = 30  # per client address
CODE_LIMIT_PER_MINUTE = 60  # per dossier code, from all addresses together
MAX_CODE_LENGTH = 64
RATE_TTL_S = 120
_DUMMY = "0" * TOKEN_LENGTH


class LookupItem(DossiersTable):
    token = UnicodeAttribute()


class RateItem(Model):
    class Meta:
        table_name = _TableName("counters_table")
        region = _Region()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    n = NumberAttribute(default=0)
    expires_at = NumberAttribute(null=True)


def new_token() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(TOKEN_LENGTH))


def normalise(token: str) -> str:
    """Tokens are read off paper: case and the look-alike letters don't matter."""
    return token.strip().upper().replace("O", "0").replace("I", "1").replace("L", "1")


def token_for(code: str) -> str:
    """The dossier's check token, created on first use (concurrent first uses agree)."""
    try:
        return str(LookupItem.get(dossier_pk(code), "LOOKUP", consistent_read=True).token)
    except DoesNotExist:
        pass
    token = new_token()
    try:
        LookupItem(pk=dossier_pk(code), sk="LOOKUP", token=token).save(condition=LookupItem.pk.does_not_exist())
    except PutError:
        return str(LookupItem.get(dossier_pk(code), "LOOKUP", consistent_read=True).token)
    return token


def lookup_url(code: str, token: str) -> str:
    base = get_settings().public_base_url.rstrip("/")
    return f"{base}/v1/public/dossiers/{urllib.parse.quote(code, safe='')}?token={token}"


def token_matches(code: str, token: str) -> bool:
    """Same work whether the code exists or not."""
    try:
        stored = str(LookupItem.get(dossier_pk(code), "LOOKUP").token)
        known = True
    except DoesNotExist:
        stored, known = _DUMMY, False
    same = hmac.compare_digest(stored.encode(), normalise(token).encode()[:64])
    return known and same


def allow(key: str, now: float | None = None, limit: int = LIMIT_PER_MINUTE) -> bool:
    """Count this request against ``key``'s minute; False past ``limit``."""
    at = now if now is not None else time.time()
    minute = dt.datetime.fromtimestamp(at, dt.UTC).strftime("%Y%m%d%H%M")
    item = RateItem(pk=f"RATE#{key}#{minute}", sk="N")
    item.update(actions=[RateItem.n.add(1), RateItem.expires_at.set(int(at) + RATE_TTL_S)])
    return int(item.n) <= limit


def client_ip(request_context: Mapping[str, Any] | None) -> str:
    """The address that opened the connection, as API Gateway saw it (never a client-sent header)."""
    identity = (request_context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


def limits(client: str, code: str | None = None) -> list[tuple[str, int]]:
    """The (key, limit per minute) a public request counts against: its client's address (as the
    routes find it, chalicelib/api/caller.py) and, for a dossier lookup, the dossier code."""
    keys = [(f"ip:{client}", LIMIT_PER_MINUTE)]
    if code is not None and len(code) <= MAX_CODE_LENGTH:
        keys.append((f"code:{code}", CODE_LIMIT_PER_MINUTE))
    return keys


def enforce_limit(client: str, code: str | None = None) -> None:
    now = time.time()
    for key, limit in limits(client, code):
        if not allow(key, now, limit):
            raise HosoError("RATE_LIMITED", "Bạn gửi quá nhiều yêu cầu, vui lòng thử lại sau ít phút.", 429)


class PublicStatus(BaseModel):
    code: str = Field(description="Mã hồ sơ")
    status: int = Field(description="Trạng thái DVCQG (1–10)")
    status_label: str
    current_step: str = Field(description="Bước xử lý hiện tại")
    appointment_date: str | None = Field(None, description="Ngày hẹn trả kết quả (DD/MM/YYYY)")
    result_ready: bool = Field(description="Đã có kết quả (đang trả hoặc đã trả)")
    finished_date: str | None = None
    delivered_date: str | None = None


def _date(value: dt.datetime | None) -> str | None:
    return value.astimezone(VN_TZ).strftime("%d/%m/%Y") if value else None


def public_status(dossier: Dossier, process: ProcessDefinition | None) -> PublicStatus:
    step_name = dossier.step_id
    if process is not None:
        try:
            step_name = process.step(dossier.step_id).name
        except KeyError:
            step_name = dossier.step_id
    status = DossierStatus(dossier.status)
    return PublicStatus(
        code=dossier.code, status=int(status), status_label=status.label, current_step=step_name,
        appointment_date=_date(dossier.due_at),
        result_ready=status in (DossierStatus.PROCESSED, DossierStatus.DELIVERED),
        finished_date=_date(dossier.finished_at), delivered_date=_date(dossier.delivered_at),
    )
