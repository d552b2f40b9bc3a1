"""Integration clients: ``Bearer <client_id>.<secret>``, a hashed secret, a procedure scope."""

from __future__ import annotations

import pytest

from chalicelib.auth import clients as clients_auth
from chalicelib.auth import registry
from chalicelib.domain.clients import ClientKind
from chalicelib.errors import HosoError
from chalicelib.store.models import CatalogueItem
from tests.unit.auth.conftest import new_client

pytestmark = pytest.mark.usefixtures("catalogue")


def refusal(authorization: str | None) -> HosoError:
    with pytest.raises(HosoError) as caught:
        clients_auth.authenticate_client(authorization)
    return caught.value


def test_a_created_client_authenticates_with_its_token() -> None:
    token = new_client("land-sw", "Phần mềm đất đai", ["1.004227", "1.001193"])
    client = clients_auth.authenticate_client(f"Bearer {token}")
    assert (client.client_id, client.name, client.procedure_codes) == ("land-sw", "Phần mềm đất đai",
                                                                       ["1.004227", "1.001193"])
    assert client.grants.kind is ClientKind.SPECIALISED_SOFTWARE


def test_only_a_hash_of_the_secret_is_stored() -> None:
    token = new_client("land-sw", "Phần mềm đất đai", ["1.004227"])
    secret = token.split(".", 1)[1]
    item = CatalogueItem.get("CLIENT#land-sw", "META")
    assert item.gsi1pk == "TYPE#client"
    assert secret not in str(item.data)
    assert item.data["secret_sha256"] == registry.hash_secret(secret)


def test_a_client_is_listed_under_its_kind() -> None:
    new_client("land-sw", "Phần mềm đất đai", [])
    assert [i.pk for i in CatalogueItem.by_kind.query("TYPE#client")] == ["CLIENT#land-sw"]


def test_a_client_id_is_created_once() -> None:
    new_client("land-sw", "Phần mềm đất đai", [])
    with pytest.raises(HosoError) as caught:
        new_client("land-sw", "Kẻ mạo danh", [])
    assert (caught.value.status, caught.value.code) == (409, "CLIENT_EXISTS")


def test_a_wrong_secret_is_refused() -> None:
    token = new_client("land-sw", "Phần mềm đất đai", [])
    err = refusal(f"Bearer {token[:-1]}{'A' if token[-1] != 'A' else 'B'}")
    assert (err.status, err.code) == (401, "INVALID_CLIENT")


def test_an_unknown_client_is_refused() -> None:
    assert refusal("Bearer ghost.c2VjcmV0c2VjcmV0").code == "INVALID_CLIENT"


def test_an_inactive_client_is_refused() -> None:
    token = new_client("land-sw", "Phần mềm đất đai", ["1.004227"])
    client = registry.get_client("land-sw")
    assert client is not None
    registry.put_client(client.model_copy(update={"active": False}))
    assert refusal(f"Bearer {token}").code == "INVALID_CLIENT"


def test_a_seeded_client_with_a_known_secret_authenticates() -> None:
    registry.put_client(
        registry.IntegrationClient(
            client_id="agency-sim", name="Cơ quan phối hợp", procedure_codes=["2.000001"],
            secret_sha256=registry.hash_secret("local-secret"),
        )
    )
    assert clients_auth.authenticate_client("Bearer agency-sim.local-secret").client_id == "agency-sim"


@pytest.mark.parametrize(
    "header",
    ["Basic bGFuZC1zdzpzZWNyZXQ=", "Bearer land-sw", "Bearer land-sw.", "Bearer .secret", "Bearer ../x.y",
     "Bearer " + "a" * 300 + ".s"],
)
def test_malformed_credentials_are_refused(header: str) -> None:
    new_client("land-sw", "Phần mềm đất đai", [])
    assert refusal(header).code == "INVALID_CLIENT"


def test_a_missing_header_asks_for_credentials() -> None:
    assert (refusal(None).status, refusal(None).code) == (401, "AUTH_REQUIRED")


def test_the_scope_is_the_clients_procedures() -> None:
    client = clients_auth.ClientPrincipal("land-sw", "Phần mềm đất đai", ["1.004227"])
    clients_auth.require_procedure(client, "1.004227")
    with pytest.raises(HosoError) as caught:
        clients_auth.require_procedure(client, "1.001193")
    assert (caught.value.status, caught.value.code) == (403, "FORBIDDEN_PROCEDURE")
