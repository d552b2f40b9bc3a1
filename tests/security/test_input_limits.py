"""Hostile input through HTTP on the local stack, over every route that takes a body (from the
route table): oversized bodies get a 413, deeply nested JSON and wrong content types a clear
4xx — never a 5xx or a 2xx; then, on the main write paths, string lengths, Unicode normalisation
(NFD in, NFC stored), control characters and file types judged by content.

(§7.1's own cases — bad JSON, a 6 MB DVCQG body, an executable in ``NoiDungBase64`` — are in
``tests/e2e/test_intake_contract.py``.)"""

from __future__ import annotations

import re
import time
import unicodedata
from typing import Any

import pytest
import requests

from chalicelib.api.routing import MAX_BODY_BYTES, RouteSpec
from chalicelib.domain.intake import DESK_EXAMPLE
from local.simulators.accounts import HCMC_UNIT
from local.simulators.dvcqg import build_dossier
from tests.security.conftest import CLIENT_FOR, World
from tests.security.stack import Caller
from tests.security.test_authorisation_matrix import DEFAULT_PATH, RULES, served_routes

NAME_NFC = "Nguyễn Thị Hoà Ánh Tuyết"


def body_routes() -> list[RouteSpec]:
    """Routes with a JSON body and a rule (a route without one fails the authorisation matrix)."""
    return [s for s in served_routes() if s.request is not None and (s.method, s.path) in RULES]


def _caller_and_path(world: World, spec: RouteSpec) -> tuple[Caller, str]:
    """A caller the route's rule allows, and the route's path for the own unit's target."""
    rule = RULES[(spec.method, spec.path)]
    target = world.targets["own"]
    name = "desk" if "desk" in rule.allowed else sorted(rule.allowed)[0]
    if spec.capability is not None:  # the client holding that route's capability
        name = CLIENT_FOR[spec.capability]

    def fill(match: re.Match[str]) -> str:
        builder = rule.path.get(match.group(1)) or DEFAULT_PATH[match.group(1)]
        return str(builder(world, target))

    return world.callers[name], re.sub(r"{(\w+)}", fill, spec.path)


def _refused_cleanly(answer: requests.Response, *allowed: int) -> str | None:
    """None when the answer is one of ``allowed`` (any 4xx when none is given) or the public
    routes' rate limit; else what came back."""
    status = answer.status_code
    if (status in allowed if allowed else 400 <= status < 500) or (status == 429 and "RATE_LIMITED" in answer.text):
        return None
    return f"{status} {answer.text[:200]}"


@pytest.mark.parametrize("spec", body_routes(), ids=lambda s: f"{s.method} {s.path}")
def test_hostile_bodies_are_refused_with_a_4xx(world: World, spec: RouteSpec) -> None:
    caller, path = _caller_and_path(world, spec)
    problems = {}
    huge = b'{"x": "' + b"a" * (MAX_BODY_BYTES + 1) + b'"}'
    problems["6 MB + 1 body"] = _refused_cleanly(caller.request(spec.method, path, raw=huge), 413)
    deep = b"[" * 100_000 + b"]" * 100_000
    problems["100 000 levels of nesting"] = _refused_cleanly(caller.request(spec.method, path, raw=deep))
    nested = '{"a": [' * 300 + '"x"' + "]}" * 300
    inside = f'{{"action": "x", "TaiLieuNop": {nested}, "items": {nested}}}'.encode()
    problems["600 levels inside an object"] = _refused_cleanly(caller.request(spec.method, path, raw=inside))
    for content_type, raw in (("text/plain", b"{}"), ("application/xml", b"<a/>"),
                              ("multipart/form-data; boundary=x", b"--x--")):
        problems[content_type] = _refused_cleanly(
            caller.request(spec.method, path, raw=raw, headers={"Content-Type": content_type}))
    failed = {k: v for k, v in problems.items() if v}
    assert not failed, f"{spec.method} {spec.path}: {failed}"


def test_strings_beyond_their_limits_are_422(world: World) -> None:
    desk = world.callers["desk"]
    own = world.targets["own"]
    too_long_name = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT, "ChuHoSo": "A" * 256})
    assert too_long_name.status_code == 422 and "ChuHoSo" in {e["field"] for e in too_long_name.json()["errors"]}
    online = world.callers["dvcqg"].post("/v1/dvcqg/dossiers", build_dossier(overrides={"TrichYeuHoSo": "x" * 1001}))
    assert online.status_code == 422 and "TrichYeuHoSo" in {e["field"] for e in online.json()["errors"]}
    reason = desk.act(own.dossier, "tiep_nhan", reason="x" * 2001)
    assert reason.status_code == 422 and reason.json()["errors"][0]["field"] == "reason"
    file_name = desk.post("/v1/uploads", {"file_name": "a" * 256 + ".pdf"})
    assert file_name.status_code == 422


def test_names_arrive_in_nfd_and_are_stored_and_found_in_nfc(world: World) -> None:
    desk = world.callers["desk"]
    nfd = unicodedata.normalize("NFD", NAME_NFC)
    assert nfd != NAME_NFC
    created = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT, "ChuHoSo": nfd,
                                         "DiaChi": unicodedata.normalize("NFD", "Phường Bến Thành")})
    assert created.status_code == 201, created.text
    dossier = desk.get(f"/v1/dossiers/{created.json()['dossier']['code']}").json()["dossier"]
    assert dossier["applicant"]["name"] == NAME_NFC
    assert dossier["applicant"]["address"] == "Phường Bến Thành"
    online = build_dossier(overrides={"ChuHoSo": nfd})
    posted = world.callers["dvcqg"].post("/v1/dvcqg/dossiers", online)
    assert posted.status_code == 201, posted.text
    stored = desk.get(f"/v1/dossiers/{posted.json()['MaHoSo']}")
    if stored.status_code == 200:  # the simulator's citizen may live in the other demo province
        assert stored.json()["dossier"]["applicant"]["name"] == NAME_NFC
    found = desk.get(f"/v1/units/{HCMC_UNIT}/search", chu_ho_so=nfd, limit="100")
    assert found.status_code == 200
    assert created.json()["dossier"]["code"] in [d["code"] for d in found.json()["items"]]


@pytest.mark.parametrize("bad", ["\x00", "\x1b[2J", "\u202e", "\u2066"], ids=["NUL", "ESC", "RLO", "LRI"])
def test_control_characters_in_names_are_refused(world: World, bad: str) -> None:
    desk = world.callers["desk"]
    answer = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT, "ChuHoSo": f"Nguyễn{bad}An"})
    assert answer.status_code == 422 and "ChuHoSo" in {e["field"] for e in answer.json()["errors"]}
    online = world.callers["dvcqg"].post("/v1/dvcqg/dossiers", build_dossier(overrides={"ChuHoSo": f"Lê{bad}Bình"}))
    assert online.status_code == 422 and "ChuHoSo" in {e["field"] for e in online.json()["errors"]}


# Free text officers type is cleaned like the intake's (chalicelib/api/text.py).
def test_an_action_reason_is_stored_in_nfc(world: World) -> None:
    desk = world.callers["desk"]
    created = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT})
    code = created.json()["dossier"]["code"]
    moved = desk.act(code, "rut_ho_so", reason=unicodedata.normalize("NFD", "Công dân xin rút hồ sơ"))
    assert moved.status_code == 200, moved.text
    assert moved.json()["events"][-1]["note"] == "Công dân xin rút hồ sơ"


@pytest.mark.parametrize("bad", ["\x00", "\u202e"], ids=["NUL", "RLO"])
def test_control_characters_in_a_reason_or_a_file_name_are_refused(world: World, bad: str) -> None:
    desk = world.callers["desk"]
    created = desk.post("/v1/dossiers", {**DESK_EXAMPLE, "MaDonViTiepNhan": HCMC_UNIT})
    code = created.json()["dossier"]["code"]
    reason = desk.act(code, "rut_ho_so", reason=f"Công dân{bad} xin rút")
    assert reason.status_code == 422, reason.text
    name = desk.post("/v1/uploads", {"file_name": f"hoa-don{bad}fdp.exe"})
    assert name.status_code == 422, name.text


def _wait_checked(caller: Caller, upload_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        upload = caller.get(f"/v1/uploads/{upload_id}").json()["upload"]
        if upload["status"] != "pending":
            return dict(upload)
        time.sleep(0.2)
    raise AssertionError(f"upload {upload_id} was never checked")


def upload_file(caller: Caller, file_name: str, content: bytes, content_type: str) -> dict[str, Any]:
    """A presigned upload as the browser does it; returns the upload once the S3 event checked it."""
    started = caller.post("/v1/uploads", {"file_name": file_name})
    assert started.status_code == 201, started.text
    post = started.json()["post"]
    sent = requests.post(post["url"], data=post["fields"], files={"file": (file_name, content, content_type)},
                         timeout=30)
    assert sent.status_code in (200, 201, 204), sent.text
    return _wait_checked(caller, started.json()["upload"]["id"])


@pytest.mark.parametrize(("content", "declared"), [
    (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "application/pdf"),
    (b"<html><script>alert(1)</script></html>", "application/pdf"),
    (b"PK\x03\x04" + b"\x00" * 40, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
], ids=["executable", "html", "broken-zip"])
def test_a_file_is_judged_by_its_content_not_its_name_or_declared_type(world: World, content: bytes,
                                                                      declared: str) -> None:
    desk = world.callers["desk"]
    own = world.targets["own"]
    checked = upload_file(desk, "giay-to.pdf", content, declared)
    assert checked["status"] == "rejected" and checked["reason"]
    attached = desk.post(f"/v1/dossiers/{own.dossier}/documents", {"upload_id": checked["id"]})
    assert attached.status_code == 409 and attached.json()["error_code"] == "UPLOAD_NOT_READY"
