"""The published API document: generated from the code, committed, served, never drifting."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice.test import Client
from pydantic import BaseModel, create_model

from app import app
from chalicelib.api import openapi
from chalicelib.api.openapi import registered
from chalicelib.api.routing import ROUTES, Access, RouteSpec
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


def _named(class_name: str, /, **fields: Any) -> type[BaseModel]:
    """A fresh model class called ``class_name`` (as if declared in another module)."""
    return create_model(class_name, **fields)


def _spec(path: str, request: type[BaseModel] | None, response: type[BaseModel] | None = None) -> RouteSpec:
    return RouteSpec(path=path, method="POST", name=path.strip("/"), summary="Thử", access=Access.PUBLIC,
                     tags=("thu",), request=request, responses={200: response})  # fmt: skip


def _build(monkeypatch: pytest.MonkeyPatch, *specs: RouteSpec) -> dict[str, Any]:
    monkeypatch.setattr(openapi, "ROUTES", list(specs))
    return openapi.build_openapi({(s.path, s.method) for s in specs})


def test_two_different_models_never_share_a_component_name(monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = _named("DocumentIn", name=(str, ...)), _named("DocumentIn", number=(int, ...))
    with pytest.raises(openapi.SchemaNameCollision, match="DocumentIn"):
        _build(monkeypatch, _spec("/a", first), _spec("/b", second))


def test_nested_models_of_the_same_name_collide_too(monkeypatch: pytest.MonkeyPatch) -> None:
    outer_a = _named("ReportA", items=(list[_named("Item", name=(str, ...))], ...))  # type: ignore[misc]
    outer_b = _named("ReportB", item=(_named("Item", code=(int, ...)) | None, None))
    with pytest.raises(openapi.SchemaNameCollision, match="Item"):
        _build(monkeypatch, _spec("/a", outer_a), _spec("/b", None, outer_b))


def test_one_model_used_by_several_routes_is_one_component(monkeypatch: pytest.MonkeyPatch) -> None:
    item = _named("Item", name=(str, ...))
    shared = _named("Shared", items=(list[item], ...))  # type: ignore[valid-type]
    doc = _build(monkeypatch, _spec("/a", shared), _spec("/b", item, shared))
    assert set(doc["components"]["schemas"]) == {"Error", "Item", "Shared"}
