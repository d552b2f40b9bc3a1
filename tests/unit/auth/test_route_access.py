"""The ``route`` wrapper enforces each route's declared access — through ``chalice.test.Client``,
through a raw Lambda event (no gateway in front), and through the ``chalice local`` server."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from chalice import Blueprint, Chalice
from chalice.config import Config
from chalice.local import LocalDevServer
from chalice.test import Client

from chalicelib.api import routing
from chalicelib.api.routing import Access, json_response, route
from chalicelib.auth import authorizer as authorizer_auth
from chalicelib.auth import caller, clients, registry
from chalicelib.domain.clients import Capability, ClientKind
from chalicelib.domain.hmac_auth import KEY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from chalicelib.domain.roles import Role
from chalicelib.integrations import secrets as integration_secrets
from tests.unit.auth.conftest import UNIT, Issuer, new_client, officer

pytestmark = pytest.mark.usefixtures("catalogue")


def _build_app() -> Chalice:
    bp = Blueprint(__name__)
    tags = ("Thử nghiệm",)

    def who() -> dict[str, Any]:
        p = caller.current_principal()
        return {"sub": p.sub, "name": p.name, "roles": sorted(r.value for r in p.roles)}

    @route(bp, "/t/public", "GET", summary="công khai", access=Access.PUBLIC, tags=tags)
    def t_public() -> Any:
        return json_response(200, {"ok": True})

    @route(bp, "/t/public-asks-principal", "GET", summary="sai", access=Access.PUBLIC, tags=tags)
    def t_public_asks() -> Any:
        return json_response(200, who())

    @route(bp, "/t/officer", "GET", summary="cán bộ", access=Access.OFFICER, tags=tags)
    def t_officer() -> Any:
        return json_response(200, who())

    @route(bp, "/t/appraise", "POST", summary="thẩm định", access=Access.OFFICER, tags=tags,
           roles=("appraiser", "head"))
    def t_appraise() -> Any:
        return json_response(200, who())

    @route(bp, "/t/admin", "GET", summary="quản trị", access=Access.ADMIN, tags=tags)
    def t_admin() -> Any:
        return json_response(200, who())

    @route(bp, "/t/ministry-admin", "GET", summary="quản trị bộ", access=Access.ADMIN, tags=tags, roles=("admin",))
    def t_ministry_admin() -> Any:
        return json_response(200, who())

    @route(bp, "/t/operator", "GET", summary="vận hành", access=Access.OPERATOR, tags=tags)
    def t_operator() -> Any:
        return json_response(200, who())

    @route(bp, "/t/client/{procedure}", "POST", summary="tích hợp", access=Access.CLIENT, tags=tags,
           capability=Capability.SPECIALISED_STATUS)
    def t_client(procedure: str) -> Any:
        client = caller.current_client()
        clients.require_procedure(client, procedure)
        return json_response(200, {"client_id": client.client_id})

    @route(bp, "/t/dvcqg", "POST", summary="DVCQG", access=Access.DVCQG_HMAC, tags=tags)
    def t_dvcqg() -> Any:
        return json_response(202, {"reached": "view"})

    @route(bp, "/t/edge", "GET", summary="biên", access=Access.OFFICER, tags=tags,
           authorizer=authorizer_auth.officer_authorizer)
    def t_edge() -> Any:
        return json_response(200, who())

    app = Chalice(app_name="hoso-auth-test")
    app.register_blueprint(bp)
    app.register_blueprint(authorizer_auth.bp)
    return app


@pytest.fixture(scope="module")
def app() -> Iterator[Chalice]:
    """The test routes are added to the shared route table only while this module runs."""
    saved = list(routing.ROUTES)
    yield _build_app()
    routing.ROUTES[:] = saved


@pytest.fixture
def client(app: Chalice) -> Iterator[Client]:
    with Client(app) as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def body(response: Any) -> dict[str, Any]:
    return json.loads(response.body)


def test_a_public_route_needs_nothing(client: Client) -> None:
    assert client.http.get("/t/public").status_code == 200


@pytest.mark.parametrize("path", ["/t/officer", "/t/admin", "/t/operator"])
def test_officer_routes_refuse_anonymous_requests(client: Client, path: str) -> None:
    response = client.http.get(path)
    assert response.status_code == 401
    assert body(response)["error_code"] == "AUTH_REQUIRED"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="hoso"'


def test_a_token_attack_is_a_401_with_a_stable_code(client: Client, issuer: Issuer, other_rsa_key: Any) -> None:
    officer("sub-1", (Role.ADMIN, UNIT))
    forged = issuer.token("sub-1", key=other_rsa_key)
    response = client.http.get("/t/admin", headers=bearer(forged))
    assert response.status_code == 401
    assert body(response) == {
        "error_code": "INVALID_TOKEN",
        "message": "Mã xác thực không hợp lệ. Vui lòng đăng nhập lại.",
    }
    assert forged not in response.body.decode()


def test_headers_claiming_an_identity_are_not_trusted(client: Client) -> None:
    """OpenCPS's lesson: an auth filter that trusted client headers."""
    officer("sub-admin", (Role.ADMIN, UNIT))
    headers = {"X-User-Id": "sub-admin", "X-Hoso-Sub": "sub-admin", "X-Roles": "admin", "X-Forwarded-User": "sub-admin"}
    assert client.http.get("/t/admin", headers=headers).status_code == 401


def test_a_valid_token_without_a_profile_is_a_403(client: Client, issuer: Issuer) -> None:
    response = client.http.get("/t/officer", headers=bearer(issuer.token("stranger")))
    assert (response.status_code, body(response)["error_code"]) == (403, "NO_ROLE")
    assert "WWW-Authenticate" not in response.headers


def test_an_officer_reaches_the_view_as_themselves(client: Client, issuer: Issuer) -> None:
    officer("sub-1", (Role.DESK, UNIT))
    response = client.http.get("/t/officer", headers=bearer(issuer.token("sub-1")))
    assert response.status_code == 200
    assert body(response) == {"sub": "sub-1", "name": "Cán bộ sub-1", "roles": ["desk"]}


def test_declared_roles_are_required_in_some_unit(client: Client, issuer: Issuer) -> None:
    officer("desk", (Role.DESK, UNIT))
    officer("head", (Role.HEAD, UNIT))
    refused = client.http.post("/t/appraise", headers=bearer(issuer.token("desk")))
    assert (refused.status_code, body(refused)["error_code"]) == (403, "FORBIDDEN")
    assert client.http.post("/t/appraise", headers=bearer(issuer.token("head"))).status_code == 200


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        (Role.DESK, "/t/admin", 403),
        (Role.OPERATOR, "/t/admin", 403),
        (Role.PROVINCE_ADMIN, "/t/admin", 200),
        (Role.ADMIN, "/t/admin", 200),
        (Role.PROVINCE_ADMIN, "/t/ministry-admin", 403),
        (Role.ADMIN, "/t/ministry-admin", 200),
        (Role.LEADER, "/t/operator", 403),
        (Role.PROVINCE_ADMIN, "/t/operator", 403),
        (Role.OPERATOR, "/t/operator", 200),
        (Role.ADMIN, "/t/operator", 200),
    ],
)
def test_admin_and_operator_routes_take_their_roles(
    client: Client, issuer: Issuer, role: Role, path: str, status: int
) -> None:
    officer("sub-1", (role, UNIT))
    assert client.http.get(path, headers=bearer(issuer.token("sub-1"))).status_code == status


def test_a_client_route_takes_a_client_token_within_its_scope(client: Client, issuer: Issuer) -> None:
    token = new_client("land-sw", "Phần mềm đất đai", ["1.004227"])
    ok = client.http.post("/t/client/1.004227", headers=bearer(token))
    assert (ok.status_code, body(ok)) == (200, {"client_id": "land-sw"})
    out_of_scope = client.http.post("/t/client/1.001193", headers=bearer(token))
    assert (out_of_scope.status_code, body(out_of_scope)["error_code"]) == (403, "FORBIDDEN_PROCEDURE")
    assert client.http.post("/t/client/1.004227", headers=bearer(token + "x")).status_code == 401
    assert client.http.post("/t/client/1.004227").status_code == 401
    officer("sub-1", (Role.ADMIN, UNIT))
    officer_token = client.http.post("/t/client/1.004227", headers=bearer(issuer.token("sub-1")))
    assert (officer_token.status_code, body(officer_token)["error_code"]) == (401, "INVALID_CLIENT")


def test_an_officer_token_is_not_a_client_credential_nor_the_reverse(client: Client) -> None:
    token = new_client("land-sw", "Phần mềm đất đai", ["1.004227"])
    response = client.http.get("/t/officer", headers=bearer(token))
    assert (response.status_code, body(response)["error_code"]) == (401, "INVALID_TOKEN")


def test_dvcqg_routes_reach_the_view_only_with_a_valid_hmac_signature(client: Client,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(integration_secrets, "get_json", lambda _secret_id: {"dvcqg-1": "hmac-secret"})
    unsigned = client.http.post("/t/dvcqg", body=b"{}")
    assert (unsigned.status_code, body(unsigned)["error_code"]) == (401, "MISSING_SIGNATURE")
    ts = int(time.time())
    headers = {KEY_ID_HEADER: "dvcqg-1", TIMESTAMP_HEADER: str(ts), SIGNATURE_HEADER: sign("hmac-secret", b"{}", ts)}
    signed = client.http.post("/t/dvcqg", body=b"{}", headers=headers)
    assert (signed.status_code, body(signed)) == (202, {"reached": "view"})


def test_a_view_asking_for_a_principal_on_a_public_route_is_a_500(client: Client) -> None:
    assert client.http.get("/t/public-asks-principal").status_code == 500


def test_the_principal_is_cleared_after_the_request(client: Client, issuer: Issuer) -> None:
    officer("sub-1", (Role.DESK, UNIT))
    assert client.http.get("/t/officer", headers=bearer(issuer.token("sub-1"))).status_code == 200
    with pytest.raises(RuntimeError):
        caller.current_principal()


# --- no gateway in front: a raw Lambda event with a forged authorizer context --------------


def rest_event(path: str, headers: dict[str, str]) -> dict[str, Any]:
    return {
        "resource": path,
        "path": path,
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "body": None,
        "isBase64Encoded": False,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": "GET",
            "path": f"/api{path}",
            "stage": "api",
            "identity": {"sourceIp": "203.0.113.9"},
            "authorizer": {"principalId": "sub-admin", "sub": "sub-admin", "roles": "admin"},
        },
    }


def test_a_forged_gateway_context_grants_nothing(app: Chalice) -> None:
    officer("sub-admin", (Role.ADMIN, UNIT))
    response = app(rest_event("/t/admin", {"x-hoso-sub": "sub-admin"}), None)
    assert response["statusCode"] == 401
    assert json.loads(response["body"])["error_code"] == "AUTH_REQUIRED"


def test_a_raw_event_with_a_valid_token_passes(app: Chalice, issuer: Issuer) -> None:
    officer("sub-admin", (Role.ADMIN, UNIT))
    response = app(rest_event("/t/admin", {"authorization": f"Bearer {issuer.token('sub-admin')}"}), None)
    assert response["statusCode"] == 200


# --- the built-in authorizer (API Gateway), as the test client and chalice local run it ----


def test_the_builtin_authorizer_lets_valid_tokens_through(client: Client, issuer: Issuer) -> None:
    officer("sub-1", (Role.DESK, UNIT))
    assert client.http.get("/t/edge", headers=bearer(issuer.token("sub-1"))).status_code == 200


def test_the_builtin_authorizer_refuses_bad_tokens_at_the_edge(client: Client, issuer: Issuer) -> None:
    assert client.http.get("/t/edge").status_code == 401
    # a deny policy: API Gateway (and chalice's emulation of it) answer 403 with their own body
    response = client.http.get("/t/edge", headers=bearer("garbage"))
    assert response.status_code == 403
    assert "error_code" not in body(response)


def test_the_builtin_authorizer_does_not_check_roles_the_wrapper_does(client: Client, issuer: Issuer) -> None:
    response = client.http.get("/t/edge", headers=bearer(issuer.token("stranger")))
    assert (response.status_code, body(response)["error_code"]) == (403, "NO_ROLE")


def test_the_builtin_authorizer_is_registered_by_its_blueprint(app: Chalice) -> None:
    (config,) = app.builtin_auth_handlers
    assert config.name == "officer_authorizer"
    assert config.handler_string == "chalicelib.auth.authorizer.officer_authorizer"
    assert authorizer_auth.officer_authorizer.config is config


# --- the same code under the chalice local server --------------------------------------------


@pytest.fixture
def local_server(app: Chalice) -> Iterator[str]:
    config = Config.create(chalice_stage="dev", chalice_app=app, app_name="hoso-auth-test")
    server = LocalDevServer(app, config, "127.0.0.1", 0)
    thread = threading.Thread(target=server.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server.server_address[1]}"
    server.shutdown()
    server.server.server_close()


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_chalice_local_enforces_the_same_rules(local_server: str, issuer: Issuer) -> None:
    officer("sub-1", (Role.DESK, UNIT))
    officer("sub-ops", (Role.OPERATOR, UNIT))
    assert http_get(f"{local_server}/t/operator")[0] == 401
    assert http_get(f"{local_server}/t/operator", bearer("nonsense")) == (
        401,
        {"error_code": "INVALID_TOKEN", "message": "Mã xác thực không hợp lệ. Vui lòng đăng nhập lại."},
    )
    assert http_get(f"{local_server}/t/operator", bearer(issuer.token("sub-1")))[0] == 403
    status, who = http_get(f"{local_server}/t/operator", bearer(issuer.token("sub-ops")))
    assert (status, who["sub"]) == (200, "sub-ops")


# --- route declarations are checked when they are made -----------------------------------


@pytest.mark.parametrize(
    ("access", "roles"),
    [
        (Access.PUBLIC, ("desk",)),
        (Access.CLIENT, ("admin",)),
        (Access.DVCQG_HMAC, ("desk",)),
        (Access.OFFICER, ("chief",)),
        (Access.ADMIN, ("desk",)),
        (Access.OPERATOR, ("province_admin",)),
    ],
)
def test_a_wrong_role_declaration_fails_at_import(access: Access, roles: tuple[str, ...]) -> None:
    saved = list(routing.ROUTES)
    with pytest.raises(ValueError):
        route(Blueprint("x"), "/x", "GET", summary="x", access=access, tags=("x",), roles=roles)
    assert routing.ROUTES == saved


# --- client capabilities (issue 11, High 1) -----------------------------------------------


def test_a_client_route_refuses_a_client_not_granted_its_capability(client: Client) -> None:
    postal = new_client("post", "Bưu chính", ["1.004227"], kind=ClientKind.POSTAL_SERVICE,
                        capabilities=[Capability.POST_TRACKING])  # fmt: skip
    answer = client.http.post("/t/client/1.004227", headers=bearer(postal))
    assert (answer.status_code, body(answer)["error_code"]) == (403, "FORBIDDEN_CAPABILITY")
    results_only = new_client("kq-sw", "Phần mềm", ["1.004227"], capabilities=[Capability.SPECIALISED_RESULTS])
    answer = client.http.post("/t/client/1.004227", headers=bearer(results_only))
    assert (answer.status_code, body(answer)["error_code"]) == (403, "FORBIDDEN_CAPABILITY")


def test_a_client_stored_without_a_kind_is_refused_by_every_client_route(client: Client) -> None:
    # a record from before kinds: it authenticates, and may do nothing until an administrator
    # sets its kind and capabilities
    registry.put_client(registry.IntegrationClient(client_id="old-sw", name="Phần mềm cũ", procedure_codes=["1.004227"],
                                           secret_sha256=registry.hash_secret("s3cret")))  # fmt: skip
    answer = client.http.post("/t/client/1.004227", headers=bearer("old-sw.s3cret"))
    assert (answer.status_code, body(answer)["error_code"]) == (403, "FORBIDDEN_CAPABILITY")


def test_a_client_route_without_a_capability_fails_at_import() -> None:
    saved = list(routing.ROUTES)
    with pytest.raises(ValueError):
        route(Blueprint("x"), "/x", "POST", summary="x", access=Access.CLIENT, tags=("x",))
    with pytest.raises(ValueError):
        route(Blueprint("x"), "/x", "GET", summary="x", access=Access.OFFICER, tags=("x",),
              capability=Capability.POST_TRACKING)  # fmt: skip
    assert routing.ROUTES == saved
