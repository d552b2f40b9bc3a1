"""A VNeID-like issuer for the tests: real RSA/EC keys, real signed tokens, and its JWKS served
over HTTP by a small local server (the JWKS is an outside party: we talk to it for real)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from moto import mock_aws

from chalicelib.auth import registry
from chalicelib.domain.catalogue import OfficerProfile, RoleAssignment
from chalicelib.domain.clients import Capability, ClientKind
from chalicelib.domain.roles import Role
from chalicelib.settings import reset_settings_cache
from chalicelib.store.catalogue import put_officer
from chalicelib.store.models import reset_connections

ISSUER = "https://sso.vneid.test"
AUDIENCE = "hoso-officers"
UNIT = "000.00.01.G12"
OTHER_UNIT = "000.00.02.G12"
CATALOGUE_TABLE = "hoso-dev-catalogue"


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def other_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def public_jwk(private_key: Any, kid: str) -> dict[str, Any]:
    is_rsa = isinstance(private_key, rsa.RSAPrivateKey)
    algorithm = jwt.algorithms.RSAAlgorithm if is_rsa else jwt.algorithms.ECAlgorithm
    jwk = json.loads(algorithm.to_jwk(private_key.public_key()))
    return {**jwk, "kid": kid, "use": "sig"}


class JwksServer:
    """Serves ``document`` at ``/.well-known/jwks.json``; counts requests; can be made to fail."""

    def __init__(self) -> None:
        self.document: dict[str, Any] = {"keys": []}
        self.hits = 0
        self.failing = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.hits += 1
                if server.failing or self.path != "/.well-known/jwks.json":
                    self.send_response(503 if server.failing else 404)
                    self.end_headers()
                    return
                body = json.dumps(server.document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/.well-known/jwks.json"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class Issuer:
    """Mints tokens the way the VNeID simulator does; ``kid`` "k1" is published by default."""

    def __init__(self, server: JwksServer, key: rsa.RSAPrivateKey) -> None:
        self.server = server
        self.key = key
        server.document = {"keys": [public_jwk(key, "k1")]}

    def claims(self, sub: str = "vneid-sub-001", **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": sub,
            "iat": now,
            "exp": now + 600,
            "HoVaTen": "Nguyễn Văn An",
            "SoDinhDanh": "001203004567",
            "token_use": "access",
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def token(
        self,
        sub: str = "vneid-sub-001",
        *,
        key: Any = None,
        kid: str | None = "k1",
        algorithm: str = "RS256",
        **overrides: Any,
    ) -> str:
        headers = {"kid": kid} if kid is not None else {}
        return jwt.encode(self.claims(sub, **overrides), key or self.key, algorithm=algorithm, headers=headers)


@pytest.fixture
def jwks_server() -> Iterator[JwksServer]:
    server = JwksServer()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def vneid_settings(monkeypatch: pytest.MonkeyPatch, jwks_server: JwksServer) -> Iterator[None]:
    """Each test has its own JWKS server, so its own URL and hence its own key cache."""
    monkeypatch.setenv("VNEID_ISSUER", ISSUER)
    monkeypatch.setenv("VNEID_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("VNEID_JWKS_URL", jwks_server.url)
    reset_settings_cache()
    yield
    monkeypatch.undo()
    reset_settings_cache()


@pytest.fixture
def issuer(jwks_server: JwksServer, rsa_key: rsa.RSAPrivateKey) -> Issuer:
    return Issuer(jwks_server, rsa_key)


@pytest.fixture(scope="package")
def catalogue_table() -> Iterator[Any]:
    """The catalogue table as infra defines it (pk/sk, gsi1), in-process moto, made once for
    this package (creating botocore clients is what costs; items are cleared per test)."""
    with mock_aws():
        reset_connections()
        ddb = boto3.client("dynamodb")
        ddb.create_table(
            TableName=CATALOGUE_TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "gsi1pk", "gsi1sk")
            ],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "gsi1",
                    "KeySchema": [
                        {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                        {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
        # a first login binds an officer added by personal number: the number's key is an HMAC
        # under the access log's key (chalicelib.domain.officers)
        boto3.client("secretsmanager").create_secret(Name="hoso/dev/access-log-key",
                                                     SecretString=json.dumps({"key": "auth-test-key"}))
        yield ddb
        reset_connections()


@pytest.fixture
def catalogue(catalogue_table: Any) -> Iterator[None]:
    """An empty catalogue for the test."""
    yield
    for key in catalogue_table.scan(TableName=CATALOGUE_TABLE, ProjectionExpression="pk, sk")["Items"]:
        catalogue_table.delete_item(TableName=CATALOGUE_TABLE, Key=key)


def officer(sub: str, *assignments: tuple[Role, str], active: bool = True, province: str = "01") -> OfficerProfile:
    profile = OfficerProfile(
        sub=sub,
        name=f"Cán bộ {sub}",
        province_code=province,
        active=active,
        assignments=[RoleAssignment(role=role, unit_code=unit) for role, unit in assignments],
    )
    put_officer(profile)
    return profile


def new_client(client_id: str, name: str, procedure_codes: list[str], now: Any = None, **grants: Any) -> str:
    """``registry.create_client`` for a specialised software allowed both its routes (unless told otherwise)."""
    grants = {"kind": ClientKind.SPECIALISED_SOFTWARE,
              "capabilities": [Capability.SPECIALISED_STATUS, Capability.SPECIALISED_RESULTS], **grants}
    return registry.create_client(client_id, name, procedure_codes, now, **grants)
