"""Integration clients' keys administered: rotation with a grace period for the old key, revocation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from chalicelib.auth import clients as clients_auth
from chalicelib.auth import registry
from chalicelib.errors import HosoError
from chalicelib.store.models import CatalogueItem
from tests.unit.auth.conftest import new_client

pytestmark = pytest.mark.usefixtures("catalogue")

NOW = dt.datetime.now(dt.UTC)


def accepted(token: str) -> bool:
    try:
        clients_auth.authenticate_client(f"Bearer {token}")
    except HosoError as err:
        assert (err.status, err.code) == (401, "INVALID_CLIENT")
        return False
    return True


def test_after_a_rotation_both_keys_work_during_the_grace_period() -> None:
    old = new_client("land-sw", "Phần mềm đất đai", ["1.004227"], NOW)
    client, new = registry.rotate_client("land-sw", dt.timedelta(hours=24), NOW)
    assert new != old and new.startswith("land-sw.")
    assert accepted(new) and accepted(old)
    assert client.previous_valid_until == NOW + dt.timedelta(hours=24) and client.rotated_at == NOW
    stored = CatalogueItem.get("CLIENT#land-sw", "META").data
    assert new.split(".", 1)[1] not in str(stored) and old.split(".", 1)[1] not in str(stored)


def test_the_old_key_stops_working_when_the_grace_period_is_over() -> None:
    old = new_client("land-sw", "Phần mềm đất đai", [], NOW)
    _, new = registry.rotate_client("land-sw", dt.timedelta(hours=1), NOW - dt.timedelta(hours=2))
    assert accepted(new) and not accepted(old)


def test_a_rotation_without_grace_retires_the_old_key_at_once() -> None:
    old = new_client("land-sw", "Phần mềm đất đai", [], NOW)
    client, new = registry.rotate_client("land-sw", dt.timedelta(0), NOW)
    assert client.previous_secret_sha256 is None
    assert accepted(new) and not accepted(old)


def test_a_second_rotation_retires_the_first_key() -> None:
    first = new_client("land-sw", "Phần mềm đất đai", [], NOW)
    _, second = registry.rotate_client("land-sw", dt.timedelta(hours=24), NOW)
    _, third = registry.rotate_client("land-sw", dt.timedelta(hours=24), NOW)
    assert accepted(third) and accepted(second) and not accepted(first)


def test_revocation_refuses_every_key_and_forbids_rotation() -> None:
    old = new_client("land-sw", "Phần mềm đất đai", [], NOW)
    _, new = registry.rotate_client("land-sw", dt.timedelta(hours=24), NOW)
    revoked = registry.revoke_client("land-sw", NOW)
    assert not revoked.active and revoked.revoked_at == NOW and revoked.previous_secret_sha256 is None
    assert not accepted(new) and not accepted(old)
    with pytest.raises(HosoError) as caught:
        registry.rotate_client("land-sw", dt.timedelta(hours=1), NOW)
    assert (caught.value.status, caught.value.code) == (409, "CLIENT_REVOKED")


def test_unknown_clients_are_404() -> None:
    for call in (lambda: registry.rotate_client("ghost", dt.timedelta(0), NOW),
                 lambda: registry.revoke_client("ghost", NOW)):
        with pytest.raises(HosoError) as caught:
            call()
        assert caught.value.status == 404


def test_clients_are_listed_from_their_index() -> None:
    new_client("b-sw", "B", [], NOW)
    new_client("a-sw", "A", [], NOW)
    assert [c.client_id for c in registry.list_clients()] == ["a-sw", "b-sw"]


def test_a_rotation_racing_a_revocation_cannot_reactivate_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    # the rotation reads the client (still active), the revocation commits, then the rotation
    # writes: unconditionally it would store an active client with a fresh key
    new_client("land-sw", "Phần mềm đất đai", [], NOW)
    read = registry._read_client

    def read_then_revoked(client_id: str) -> Any:
        seen = read(client_id)
        monkeypatch.setattr(registry, "_read_client", read)
        registry.revoke_client(client_id, NOW)
        return seen

    monkeypatch.setattr(registry, "_read_client", read_then_revoked)
    with pytest.raises(HosoError) as caught:
        registry.rotate_client("land-sw", dt.timedelta(hours=24), NOW)
    assert (caught.value.status, caught.value.code) == (409, "CLIENT_CHANGED")
    stored = registry.get_client("land-sw")
    assert stored is not None and not stored.active and stored.revoked_at == NOW


def test_a_revocation_racing_a_rotation_is_not_lost_silently(monkeypatch: pytest.MonkeyPatch) -> None:
    # the revocation read the client before a rotation committed: it must not write back the
    # pre-rotation record (nor pretend it revoked); the administrator revokes again
    new_client("land-sw", "Phần mềm đất đai", [], NOW)
    read = registry._read_client

    def read_then_rotated(client_id: str) -> Any:
        seen = read(client_id)
        monkeypatch.setattr(registry, "_read_client", read)
        registry.rotate_client(client_id, dt.timedelta(hours=24), NOW)
        return seen

    monkeypatch.setattr(registry, "_read_client", read_then_rotated)
    with pytest.raises(HosoError) as caught:
        registry.revoke_client("land-sw", NOW)
    assert caught.value.code == "CLIENT_CHANGED"
    assert registry.revoke_client("land-sw", NOW).active is False
    stored = registry.get_client("land-sw")
    assert stored is not None and not stored.active and stored.previous_secret_sha256 is None
