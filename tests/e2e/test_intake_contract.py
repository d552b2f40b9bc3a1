"""SPEC §7.1 case by case, through HTTP on the local stack: every answer carries the
contract's codes, and none is a 500."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from local.simulators.dvcqg import build_dossier
from local.stack import LocalStack
from tests.e2e.conftest import Officer, post_signed


def test_new_then_same_request_then_same_reference_with_another_body(stack: LocalStack) -> None:
    body = build_dossier()
    first = post_signed(stack.api_url, body)
    assert first.status_code == 201, first.text
    again = post_signed(stack.api_url, body)
    assert again.status_code == 200 and again.json()["MaHoSo"] == first.json()["MaHoSo"]
    changed = post_signed(stack.api_url, {**body, "TrichYeuHoSo": "Nội dung khác"})
    assert changed.status_code == 409 and changed.json()["error_code"] == "DUPLICATE_DVCQG_REF"


def test_a_rotated_second_key_is_accepted(stack: LocalStack) -> None:
    assert post_signed(stack.api_url, build_dossier(), key_id="dvcqg-2025").status_code == 201


def test_signature_attacks_get_401_with_their_codes(stack: LocalStack) -> None:
    body = build_dossier()
    raw = json.dumps(body).encode()
    stale = post_signed(stack.api_url, body, ts=int(time.time()) - 301)
    assert (stale.status_code, stale.json()["error_code"]) == (401, "STALE_TIMESTAMP")
    # Well past the window: the server reads its clock a request later, so +301 passed under load.
    future = post_signed(stack.api_url, body, ts=int(time.time()) + 330)
    assert (future.status_code, future.json()["error_code"]) == (401, "STALE_TIMESTAMP")
    unknown = post_signed(stack.api_url, body, key_id="not-a-key")
    assert (unknown.status_code, unknown.json()["error_code"]) == (401, "UNKNOWN_KEY_ID")
    signed_for = post_signed(stack.api_url, body, raw=raw)
    assert signed_for.status_code == 201
    tampered_headers = dict(signed_for.request.headers)
    tampered = requests.post(f"{stack.api_url}/v1/dvcqg/dossiers", data=raw.replace(b"1.001193", b"1.001194"),
                             headers=tampered_headers, timeout=10)
    assert (tampered.status_code, tampered.json()["error_code"]) == (401, "BAD_SIGNATURE")
    bare = requests.post(f"{stack.api_url}/v1/dvcqg/dossiers", json=body, timeout=10)
    assert (bare.status_code, bare.json()["error_code"]) == (401, "MISSING_SIGNATURE")


def test_invalid_data_names_every_bad_field(stack: LocalStack) -> None:
    bad = {"SoGiayToChuHoSo": "12345", "Email": "không-phải-email", "NgayNopHoSo": "2026-13-01"}
    body = build_dossier(overrides=bad)
    answer = post_signed(stack.api_url, body)
    assert answer.status_code == 422, answer.text
    fields = {e["field"] for e in answer.json()["errors"]}
    assert {"SoGiayToChuHoSo", "Email", "NgayNopHoSo"} <= fields
    assert all(e["message"] for e in answer.json()["errors"])


def test_unknown_procedure_and_unit_are_422_with_their_codes(stack: LocalStack) -> None:
    proc = post_signed(stack.api_url, build_dossier(overrides={"MaTTHC": "1.999999"}))
    assert (proc.status_code, proc.json()["error_code"]) == (422, "UNKNOWN_PROCEDURE")
    unit = post_signed(stack.api_url, build_dossier(overrides={"MaDonViTiepNhan": "000.00.99.H99"}))
    assert (unit.status_code, unit.json()["error_code"]) == (422, "UNKNOWN_UNIT")


def test_bad_json_and_oversized_bodies(stack: LocalStack) -> None:
    broken = post_signed(stack.api_url, {}, raw=b"{not json")
    assert (broken.status_code, broken.json()["error_code"]) == (400, "INVALID_JSON")
    huge = post_signed(stack.api_url, {}, raw=b'{"x": "' + b"a" * (6 * 1024 * 1024 + 1) + b'"}')
    assert huge.status_code == 413


def test_a_file_that_is_not_an_accepted_type_is_refused_and_nothing_is_registered(stack: LocalStack) -> None:
    body = build_dossier()
    body["TaiLieuNop"][0]["NoiDungBase64"] = "TVqQAAMAAAAEAAAA"  # an MZ executable header
    answer = post_signed(stack.api_url, body)
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "TaiLieuNop[0]"
    fixed = build_dossier(overrides={"MaHoSoDVCQG": body["MaHoSoDVCQG"]})
    assert post_signed(stack.api_url, fixed).status_code == 201, "the refused attempt left nothing behind"


def test_one_hundred_concurrent_identical_posts_make_one_dossier(stack: LocalStack) -> None:
    body = build_dossier()
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda _: post_signed(stack.api_url, body), range(100)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(201) == 1 and statuses.count(200) == 99, statuses
    assert len({a.json()["MaHoSo"] for a in answers}) == 1


def test_the_new_dossier_is_in_the_desk_queue(stack: LocalStack) -> None:
    answer = post_signed(stack.api_url, build_dossier())
    code = answer.json()["MaHoSo"]
    unit = code.split("-")[0]
    desk = Officer(stack, "desk", unit)
    assert code in [d["code"] for d in desk.all_pages(f"/v1/units/{unit}/worklist", status=1)]
    tampered = desk.get(f"/v1/units/{unit}/worklist", status=1, cursor="eyJzayI6IngiLCJjb2RlIjoiVU5JVCMxIn0")
    assert (tampered.status_code, tampered.json()["error_code"]) == (400, "INVALID_CURSOR")
