"""The published API document: generated from the code, committed, served, never drifting."""

from __future__ import annotations

import json

from chalice.test import Client

from app import app
from chalicelib.api.openapi import registered
from chalicelib.api.routing import ROUTES
from local.openapi import DOCUMENT, render


def test_the_committed_document_matches_the_code() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == render(), "docs/openapi.json is stale: run `make openapi`"


def test_every_route_is_documented_with_its_access_rule_and_a_vietnamese_summary() -> None:
    spec = json.loads(render())
    assert spec["openapi"] == "3.1.0"
    served = registered(app)
    assert served, "the app serves routes"
    for r in ROUTES:
        if (r.path, r.method) not in served:
            continue
        op = spec["paths"][r.path][r.method.lower()]
        assert op["summary"] and op["x-hoso-access"] == r.access.value
        if r.access.value != "public":
            assert "401" in op["responses"] and op["security"]


def test_the_api_serves_the_document_and_a_readable_page() -> None:
    with Client(app) as client:
        served = client.http.get("/openapi.json")
        assert served.status_code == 200 and json.loads(served.body) == json.loads(render())
        page = client.http.get("/docs")
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
        assert "/v1/dvcqg/dossiers" in page.body.decode()
