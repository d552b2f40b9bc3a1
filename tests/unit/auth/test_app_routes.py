"""Every route of the real app: declared through ``route`` (so its access rule is enforced), and
refusing anonymous callers unless it is public or HMAC-signed. Written over the route table, so
routes added later are covered without touching this file."""

from __future__ import annotations

import re

from chalice.test import Client

from app import app
from chalicelib.api.routing import ROUTES, Access

OPEN = (Access.PUBLIC, Access.DVCQG_HMAC)


def app_routes() -> list[tuple[str, str]]:
    return [(path, method) for path, methods in app.routes.items() for method in methods]


def test_every_app_route_is_declared_through_route() -> None:
    declared = {(spec.path, spec.method) for spec in ROUTES}
    undeclared = [r for r in app_routes() if r not in declared]
    assert app_routes(), "the app has no routes"
    assert undeclared == [], f"routes registered without chalicelib.api.routing.route (no access rule): {undeclared}"


def test_every_protected_app_route_refuses_anonymous_requests() -> None:
    routes = set(app_routes())
    protected = [s for s in ROUTES if (s.path, s.method) in routes and s.access not in OPEN]
    with Client(app) as client:
        for spec in protected:
            path = re.sub(r"{\w+}", "X", spec.path)
            response = client.http.request(spec.method, path, headers={}, body=b"")
            assert response.status_code == 401, f"{spec.method} {spec.path} ({spec.access.value})"


def test_every_authorizer_an_app_route_uses_is_registered_on_the_app() -> None:
    """A route referencing a built-in authorizer whose blueprint app.py did not register would
    package without it (``chalicelib.auth`` explains how to attach one)."""
    registered = {c.name for c in app.builtin_auth_handlers}
    for methods in app.routes.values():
        for entry in methods.values():
            if entry.authorizer is not None and hasattr(entry.authorizer, "config"):
                assert entry.authorizer.config is not None and entry.authorizer.name in registered, entry.path
