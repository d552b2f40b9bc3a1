"""DVCQG posting an online dossier to hoso (SPEC §7.1), received by a stand-in for hoso."""

from __future__ import annotations

import base64
import hmac
import json
import time
from datetime import datetime, timedelta

import requests

from local.simulators.base import VN_TZ
from local.simulators.citizens import DEMO_CITIZENS
from local.simulators.dvcqg import DossierPoster, build_dossier, sign_request, signed_headers
from local.simulators.dvcqg_schema import DATE_FORMAT
from tests.integration.simulators.conftest import Receiver

SECRET = "dev-secret-change-me"
REQUIRED = ("MaHoSoDVCQG", "MaTTHC", "MaDonViTiepNhan", "ChuHoSo", "LoaiDoiTuong", "SoGiayToChuHoSo", "NgayNopHoSo",
            "DuLieuBieuMau")  # fmt: skip


def test_sign_request_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = '{"ChuHoSo": "Nguyễn Văn An"}'.encode()
    # Computed here independently of the helper, as hoso will check it.
    expected = hmac.new(b"k", b"1767225600." + body, "sha256").hexdigest()
    assert sign_request("k", body, 1767225600) == expected == sign_request(b"k", body, "1767225600")
    headers = signed_headers("dvcqg-2026", "k", body, ts=1767225600)
    assert headers == {"X-Hoso-Key-Id": "dvcqg-2026", "X-Hoso-Timestamp": "1767225600", "X-Hoso-Signature": expected}


def test_posted_dossier_is_signed_and_complete(sims: dict[str, str], receiver: Receiver) -> None:
    receiver.status, receiver.answer = 201, {"error_code": 0, "MaHoSo": "000.00.13.H26-260115-0001"}
    answer = requests.post(f"{sims['dvcqg']}/_sim/post-dossier", timeout=10)
    assert answer.status_code == 200
    result = answer.json()
    assert result["status"] == 201 and result["body"]["MaHoSo"] == "000.00.13.H26-260115-0001"

    (request,) = receiver.wait_for(1)
    assert request["path"] == "/v1/dvcqg/dossiers"
    headers = request["headers"]
    assert headers["X-Hoso-Key-Id"] == "dvcqg-2026"
    assert abs(int(headers["X-Hoso-Timestamp"]) - time.time()) < 60
    assert headers["X-Hoso-Signature"] == sign_request(SECRET, request["raw"], headers["X-Hoso-Timestamp"])

    body = json.loads(request["raw"].decode("utf-8"))
    assert body == result["sent"]
    assert all(body.get(name) for name in REQUIRED)
    assert body["LoaiDoiTuong"] == "1" and body["KenhThucHien"] == "2"
    assert len(body["SoGiayToChuHoSo"]) == 12 and body["SoGiayToChuHoSo"].isdigit()
    assert not body["ChuHoSo"].isascii()  # Vietnamese name with diacritics
    submitted = datetime.strptime(body["NgayNopHoSo"], DATE_FORMAT).replace(tzinfo=VN_TZ)
    assert abs(submitted - datetime.now(VN_TZ)) < timedelta(minutes=1)
    assert body["DuLieuBieuMau"]["nguoi_yeu_cau"]["so_dinh_danh"] == body["SoGiayToChuHoSo"]
    (document,) = body["TaiLieuNop"]
    assert {"TepDinhKemId", "TenTepDinhKem", "MaThanhPhanHoSo", "NoiDungBase64"} <= document.keys()
    assert base64.b64decode(document["NoiDungBase64"]).startswith(b"%PDF-")

    posted = requests.get(f"{sims['dvcqg']}/_sim/records", timeout=5).json()["posted"]
    assert [(p["MaHoSoDVCQG"], p["status"]) for p in posted] == [(body["MaHoSoDVCQG"], 201)]


def test_overrides_replace_and_drop_fields(sims: dict[str, str], receiver: Receiver) -> None:
    overrides = {"MaTTHC": "1.000656", "MaDonViTiepNhan": "000.00.00.G12", "Email": None}
    result = requests.post(f"{sims['dvcqg']}/_sim/post-dossier", json=overrides, timeout=10).json()
    (request,) = receiver.wait_for(1)
    body = json.loads(request["raw"])
    assert body["MaTTHC"] == "1.000656" and body["MaDonViTiepNhan"] == "000.00.00.G12"
    assert "Email" not in body
    assert result["status"] == 200  # whatever hoso answered is passed back


def test_successive_posts_are_distinct_dossiers_of_demo_citizens(sims: dict[str, str], receiver: Receiver) -> None:
    for _ in range(2):
        requests.post(f"{sims['dvcqg']}/_sim/post-dossier", timeout=10).raise_for_status()
    bodies = [json.loads(r["raw"]) for r in receiver.wait_for(2)]
    assert bodies[0]["MaHoSoDVCQG"] != bodies[1]["MaHoSoDVCQG"]
    known = {c["SoDinhDanh"] for c in DEMO_CITIZENS}
    assert {b["SoGiayToChuHoSo"] for b in bodies} <= known


def test_hoso_unreachable_is_reported() -> None:
    poster = DossierPoster("http://127.0.0.1:9", {"k1": "s"}, "k1")
    result = poster.post({})
    assert result["status"] is None and "could not send" in result["body"]


def test_every_demo_citizen_gives_a_consistent_birth_registration() -> None:
    for citizen in DEMO_CITIZENS:
        form = build_dossier(citizen)["DuLieuBieuMau"]
        parent = form["cha"] if citizen["GioiTinh"] == "Nam" else form["me"]
        assert parent["so_dinh_danh"] == citizen["SoDinhDanh"]
        assert form["cha"]["so_dinh_danh"] != form["me"]["so_dinh_danh"]
        assert form["nguoi_duoc_khai_sinh"]["ho_ten"].split()[0] == form["cha"]["ho_ten"].split()[0]
