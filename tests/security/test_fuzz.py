"""Schemathesis against the OpenAPI document the stack serves (``/openapi.json``), over every
operation, with every kind of caller's credential: each officer role (a VNeID token), the
ministry's and the province's administrators, the operator, the test's integration client and
every integration client the stack seeds, and DVCQG signing its requests (HMAC over the exact
bytes sent, by a requests session that signs what it sends). DVCQG's own route is always signed.

Per operation a bounded number of generated requests (``FUZZ_EXAMPLES``, no shrinking: a
failure is reported with the caller and a curl line to reproduce it), spread over the callers
in turn (each operation starts with a different one, so every caller meets every kind of
route): no 5xx, every response's body conforming to the schema of its documented status, and
no undocumented status."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from chalicelib.api.routing import RouteSpec
from tests.security.conftest import World
from tests.security.stack import signed_headers
from tests.security.test_authorisation_matrix import served_routes

FUZZ_EXAMPLES = int(os.environ.get("HOSO_FUZZ_EXAMPLES", "12"))
SIGNED_PATHS = {"/v1/dvcqg/dossiers"}
SIGN_EVERYTHING = "X-Fuzz-Sign"  # marks the DVCQG caller's requests (removed before sending)
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
OFFICERS = ("desk", "head", "appraiser", "leader", "clerk", "admin", "province_admin", "operator")


class SigningSession(requests.Session):
    """Signs DVCQG's requests (SPEC §7.1) over the body exactly as it goes on the wire: those to
    DVCQG's route, and every request of the DVCQG caller."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        everything = request.headers.pop(SIGN_EVERYTHING, None) is not None
        if everything or urlsplit(request.url or "").path in SIGNED_PATHS:
            body = request.body or b""
            raw = body.encode() if isinstance(body, str) else body
            request.headers.pop("Authorization", None)
            request.headers.update(signed_headers(raw))
        return super().send(request, **kwargs)


def credentials(world: World) -> list[tuple[str, dict[str, str]]]:
    """(caller, headers) for every kind of caller."""
    out = [(name, {"Authorization": world.callers[name].session.headers["Authorization"]}) for name in OFFICERS]
    out.append(("client", {"Authorization": world.callers["client"].session.headers["Authorization"]}))
    out += [(c.name, {"Authorization": c.session.headers["Authorization"]}) for c in world.seeded_clients.values()]
    out.append(("dvcqg", {SIGN_EVERYTHING: "1"}))
    return out


def _routes() -> list[Any]:
    return [pytest.param(i, spec, id=f"{spec.method} {spec.path}") for i, spec in enumerate(served_routes())]


@pytest.fixture(scope="module")
def api_schema(world: World) -> Any:
    """The document the stack serves (loaded as a document: schemathesis leaves the operation that
    serves a schema URL out of that schema)."""
    answer = requests.get(f"{world.stack.api_url}/openapi.json", timeout=30)
    assert answer.status_code == 200, answer.text
    return schemathesis.openapi.from_dict(answer.json())


def test_every_kind_of_caller_takes_part(world: World) -> None:
    names = [name for name, _ in credentials(world)]
    assert {*OFFICERS, "client", "dvcqg"} <= set(names)
    assert len(world.seeded_clients) >= 1 and all(c.name in names for c in world.seeded_clients.values())
    assert len(names) <= FUZZ_EXAMPLES + 4, "more callers than examples: some would never meet a route"


@pytest.mark.parametrize(("index", "spec"), _routes())
def test_fuzz_operation(world: World, api_schema: Any, index: int, spec: RouteSpec) -> None:
    operation = next((r.ok() for r in api_schema.get_all_operations()
                      if r.ok().method.upper() == spec.method and r.ok().path == spec.path), None)
    assert operation is not None, f"{spec.method} {spec.path} is served but not in /openapi.json"
    session = SigningSession()
    callers = credentials(world)
    turn = iter(range(index, 10**9))
    failures: list[str] = []

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def fuzz(case: Any) -> None:
        name, headers = callers[next(turn) % len(callers)]
        response = case.call(base_url=world.stack.api_url, session=session, headers=headers, timeout=60)
        try:
            case.validate_response(response, checks=CHECKS)
        except AssertionError as failure:
            if len(failures) < 3:
                failures.append(f"as {name}: {failure}\n  reproduce: {case.as_curl_command(headers=headers)}")

    fuzz()
    assert not failures, f"{spec.method} {spec.path}:\n" + "\n".join(failures)
