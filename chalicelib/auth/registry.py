"""Integration clients as the catalogue keeps them (``CLIENT#<id>`` / ``META``; SPEC §7.3, §7.6):
agencies' systems, specialised software, the coordinator, kiosks — and their administration
(register, rotate the key, revoke, change the grants). The catalogue keeps only a SHA-256 of a
client's secret."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Collection
from typing import Any

from pydantic import BaseModel, Field
from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.domain.clients import Capability, ClientKind, Grants
from chalicelib.domain.process import ActionKind
from chalicelib.errors import HosoError, conflict
from chalicelib.store.models import CatalogueItem

CLIENT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"


class IntegrationClient(BaseModel):
    """An integration client as the catalogue keeps it (``CLIENT#<id>`` / ``META``).

    What it may do is its ``kind`` and the ``capabilities`` (client routes), ``actions`` and
    ``leader_actions`` (process actions, specialised software only) an administrator granted it
    (``chalicelib.domain.clients``). A client stored without a kind may do nothing.

    Key rotation: the secret replaced by :func:`rotate_client` stays valid until
    ``previous_valid_until`` (a grace period for the client to deploy its new key); a second
    rotation within that period retires the older key at once. Every change after creation is a
    conditional write on the record as it was read (:func:`_replace_client`), so a rotation
    racing a revocation cannot bring a revoked client back."""

    client_id: str = Field(pattern=CLIENT_ID_PATTERN)
    name: str
    procedure_codes: list[str] = Field(default_factory=list)
    secret_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    active: bool = True
    kind: ClientKind | None = None
    capabilities: list[Capability] = Field(default_factory=list)
    actions: list[ActionKind] = Field(default_factory=list)
    leader_actions: bool = False
    unit_code: str | None = Field(None, description="A kiosk's unit (the one it serves); None for other kinds")
    created_at: dt.datetime | None = None
    rotated_at: dt.datetime | None = None
    previous_secret_sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
    previous_valid_until: dt.datetime | None = None
    revoked_at: dt.datetime | None = None

    def previous_valid(self, now: dt.datetime) -> bool:
        return (self.previous_secret_sha256 is not None and self.previous_valid_until is not None
                and now < self.previous_valid_until)

    @property
    def grants(self) -> Grants:
        return Grants(kind=self.kind, capabilities=frozenset(self.capabilities), actions=frozenset(self.actions),
                      leader_actions=self.leader_actions)  # fmt: skip


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _client_item(client: IntegrationClient) -> CatalogueItem:
    return CatalogueItem(pk=f"CLIENT#{client.client_id}", sk="META", data=client.model_dump(mode="json"),
                         gsi1pk="TYPE#client", gsi1sk=client.client_id)  # fmt: skip


def put_client(client: IntegrationClient) -> None:
    """Create or replace a client, unconditionally (seeding and tests only; the admin routes
    use :func:`create_client` and the conditional changes below)."""
    _client_item(client).save()


def _read_client(client_id: str) -> tuple[IntegrationClient, Any] | None:
    """The client and its stored ``data`` exactly as read (what a conditional replace compares)."""
    try:
        item = CatalogueItem.get(f"CLIENT#{client_id}", "META", consistent_read=True)
    except DoesNotExist:
        return None
    return IntegrationClient.model_validate(item.data), item.data


def _client_to_change(client_id: str, *, active: bool) -> tuple[IntegrationClient, Any]:
    """The client as read for a conditional replace: 404 if unknown; with ``active``, 409
    ``CLIENT_REVOKED`` if it was revoked."""
    read = _read_client(client_id)
    if read is None:
        raise _unknown_client()
    if active and not read[0].active:
        raise _revoked()
    return read


def get_client(client_id: str) -> IntegrationClient | None:
    read = _read_client(client_id)
    return read[0] if read else None


def list_clients() -> list[IntegrationClient]:
    """Every integration client, by id (the ``TYPE#client`` index, no Scan)."""
    return [IntegrationClient.model_validate(i.data) for i in CatalogueItem.by_kind.query("TYPE#client")]


def _changed_meanwhile() -> HosoError:
    return conflict("Hệ thống tích hợp vừa được thay đổi bởi thao tác khác; vui lòng tải lại và thử lại.",
                    "CLIENT_CHANGED")  # fmt: skip


def _replace_client(client: IntegrationClient, read_data: Any) -> None:
    """Store ``client`` only if its record is still what was read (409 ``CLIENT_CHANGED`` otherwise)."""
    try:
        _client_item(client).save(condition=CatalogueItem.data == read_data)
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            raise _changed_meanwhile() from None
        raise


def create_client(client_id: str, name: str, procedure_codes: list[str], now: dt.datetime | None = None, *,
                  kind: ClientKind, capabilities: Collection[Capability], actions: Collection[ActionKind] = (),
                  leader_actions: bool = False, unit_code: str | None = None) -> str:  # fmt: skip
    """Register a new client and return its bearer token ``<client_id>.<secret>`` — shown once,
    never stored (the catalogue keeps its SHA-256). 409 ``CLIENT_EXISTS`` if the id is taken.
    The grants are checked by the caller (``chalicelib.domain.clients.check_grants``)."""
    secret = secrets.token_urlsafe(32)
    client = IntegrationClient(
        client_id=client_id, name=name, procedure_codes=procedure_codes, secret_sha256=hash_secret(secret),
        created_at=now, kind=kind, capabilities=sorted(set(capabilities)), actions=sorted(set(actions)),
        leader_actions=leader_actions, unit_code=unit_code,
    )
    try:
        _client_item(client).save(condition=CatalogueItem.pk.does_not_exist())
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            raise conflict("Mã hệ thống tích hợp đã tồn tại.", "CLIENT_EXISTS") from None
        raise
    return f"{client_id}.{secret}"


def _unknown_client() -> HosoError:
    return HosoError("NOT_FOUND", "Không tìm thấy hệ thống tích hợp.", 404)


def _revoked() -> HosoError:
    return conflict("Hệ thống tích hợp đã bị thu hồi quyền truy cập, không thể thay đổi.", "CLIENT_REVOKED")


def rotate_client(client_id: str, grace: dt.timedelta, now: dt.datetime) -> tuple[IntegrationClient, str]:
    """A new secret for ``client_id``: returns the client and its new bearer token (shown once).
    The old secret keeps working for ``grace``. 404 unknown client, 409 ``CLIENT_REVOKED``, 409
    ``CLIENT_CHANGED`` if the client changed since it was read (e.g. revoked meanwhile)."""
    client, data = _client_to_change(client_id, active=True)
    secret = secrets.token_urlsafe(32)
    rotated = client.model_copy(update={
        "secret_sha256": hash_secret(secret),
        "rotated_at": now,
        "previous_secret_sha256": client.secret_sha256 if grace > dt.timedelta(0) else None,
        "previous_valid_until": now + grace if grace > dt.timedelta(0) else None,
    })
    _replace_client(rotated, data)
    return rotated, f"{client_id}.{secret}"


def revoke_client(client_id: str, now: dt.datetime) -> IntegrationClient:
    """Refuse every key of ``client_id`` from now on (current and in grace). 404 unknown client;
    409 ``CLIENT_CHANGED`` if it changed since it was read (the administrator revokes again)."""
    client, data = _client_to_change(client_id, active=False)
    revoked = client.model_copy(update={
        "active": False, "revoked_at": client.revoked_at or now,
        "previous_secret_sha256": None, "previous_valid_until": None,
    })
    _replace_client(revoked, data)
    return revoked


def set_grants(client_id: str, kind: ClientKind, capabilities: Collection[Capability],
               actions: Collection[ActionKind], leader_actions: bool) -> IntegrationClient:  # fmt: skip
    """Replace what ``client_id`` may do (checked by the caller). 404 unknown, 409 ``CLIENT_REVOKED``
    / ``CLIENT_CHANGED``."""
    client, data = _client_to_change(client_id, active=True)
    updated = client.model_copy(update={"kind": kind, "capabilities": sorted(set(capabilities)),
                                        "actions": sorted(set(actions)), "leader_actions": leader_actions})
    _replace_client(updated, data)
    return updated
