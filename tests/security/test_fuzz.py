"""Schemathesis against the OpenAPI document the stack serves (``/openapi.json``), over every
operation, authenticated as a one-stop officer (a VNeID token) — and DVCQG's route with each
request HMAC-signed over the exact bytes sent (a requests session that signs what it sends).

Per operation a bounded number of generated requests (``FUZZ_EXAMPLES``, no shrinking: a
failure is reported with a curl line to reproduce it): no 5xx, every response's body conforming
to the schema of its documented status, and no undocumented status."""

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
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


class SigningSession(requests.Session):
    """Signs DVCQG's requests (SPEC §7.1) over the body exactly as it goes on the wire."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if urlsplit(request.url or "").path in SIGNED_PATHS:
            body = request.body or b""
            raw = body.encode() if isinstance(body, str) else body
            request.headers.pop("Authorization", None)
            request.headers.update(signed_headers(raw))
        return super().send(request, **kwargs)


def _routes() -> list[Any]:
    return [pytest.param(spec, id=f"{spec.method} {spec.path}") for spec in served_routes()]


@pytest.fixture(scope="module")
def api_schema(world: World) -> Any:
    """The document the stack serves (loaded as a document: schemathesis leaves the operation that
    serves a schema URL out of that schema)."""
    answer = requests.get(f"{world.stack.api_url}/openapi.json", timeout=30)
    assert answer.status_code == 200, answer.text
    return schemathesis.openapi.from_dict(answer.json())


@pytest.mark.parametrize("spec", _routes())
def test_fuzz_operation(world: World, api_schema: Any, spec: RouteSpec) -> None:
    operation = next((r.ok() for r in api_schema.get_all_operations()
                      if r.ok().method.upper() == spec.method and r.ok().path == spec.path), None)
    assert operation is not None, f"{spec.method} {spec.path} is served but not in /openapi.json"
    session = SigningSession()
    auth = {"Authorization": world.callers["desk"].session.headers["Authorization"]}
    failures: list[str] = []

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def fuzz(case: Any) -> None:
        response = case.call(base_url=world.stack.api_url, session=session, headers=auth, timeout=60)
        try:
            case.validate_response(response, checks=CHECKS)
        except AssertionError as failure:
            if len(failures) < 3:
                failures.append(f"{failure}\n  reproduce: {case.as_curl_command(headers=auth)}")

    fuzz()
    assert not failures, f"{spec.method} {spec.path}:\n" + "\n".join(failures)
