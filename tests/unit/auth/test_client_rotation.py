"""Integration clients' keys administered: rotation with a grace period for the old key, revocation."""

from __future__ import annotations

import datetime as dt

import pytest

from chalicelib import auth
from chalicelib.errors import HosoError
from chalicelib.store.models import CatalogueItem

pytestmark = pytest.mark.usefixtures("catalogue")

NOW = dt.datetime.now(dt.UTC)


def accepted(token: str) -> bool:
    try:
        auth.authenticate_client(f"Bearer {token}")
    except HosoError as err:
        assert (err.status, err.code) == (401, "INVALID_CLIENT")
        return False
    return True


def test_after_a_rotation_both_keys_work_during_the_grace_period() -> None:
    old = auth.create_client("land-sw", "Phần mềm đất đai", ["1.004227"], NOW)
    client, new = auth.rotate_client("land-sw", dt.timedelta(hours=24), NOW)
    assert new != old and new.startswith("land-sw.")
    assert accepted(new) and accepted(old)
    assert client.previous_valid_until == NOW + dt.timedelta(hours=24) and client.rotated_at == NOW
    stored = CatalogueItem.get("CLIENT#land-sw", "META").data
    assert new.split(".", 1)[1] not in str(stored) and old.split(".", 1)[1] not in str(stored)


def test_the_old_key_stops_working_when_the_grace_period_is_over() -> None:
    old = auth.create_client("land-sw", "Phần mềm đất đai", [], NOW)
    _, new = auth.rotate_client("land-sw", dt.timedelta(hours=1), NOW - dt.timedelta(hours=2))
    assert accepted(new) and not accepted(old)


def test_a_rotation_without_grace_retires_the_old_key_at_once() -> None:
    old = auth.create_client("land-sw", "Phần mềm đất đai", [], NOW)
    client, new = auth.rotate_client("land-sw", dt.timedelta(0), NOW)
    assert client.previous_secret_sha256 is None
    assert accepted(new) and not accepted(old)


def test_a_second_rotation_retires_the_first_key() -> None:
    first = auth.create_client("land-sw", "Phần mềm đất đai", [], NOW)
    _, second = auth.rotate_client("land-sw", dt.timedelta(hours=24), NOW)
    _, third = auth.rotate_client("land-sw", dt.timedelta(hours=24), NOW)
    assert accepted(third) and accepted(second) and not accepted(first)


def test_revocation_refuses_every_key_and_forbids_rotation() -> None:
    old = auth.create_client("land-sw", "Phần mềm đất đai", [], NOW)
    _, new = auth.rotate_client("land-sw", dt.timedelta(hours=24), NOW)
    revoked = auth.revoke_client("land-sw", NOW)
    assert not revoked.active and revoked.revoked_at == NOW and revoked.previous_secret_sha256 is None
    assert not accepted(new) and not accepted(old)
    with pytest.raises(HosoError) as caught:
        auth.rotate_client("land-sw", dt.timedelta(hours=1), NOW)
    assert (caught.value.status, caught.value.code) == (409, "CLIENT_REVOKED")


def test_unknown_clients_are_404() -> None:
    for call in (lambda: auth.rotate_client("ghost", dt.timedelta(0), NOW), lambda: auth.revoke_client("ghost", NOW)):
        with pytest.raises(HosoError) as caught:
            call()
        assert caught.value.status == 404


def test_clients_are_listed_from_their_index() -> None:
    auth.create_client("b-sw", "B", [], NOW)
    auth.create_client("a-sw", "A", [], NOW)
    assert [c.client_id for c in auth.list_clients()] == ["a-sw", "b-sw"]
