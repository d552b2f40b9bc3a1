"""DVCQG's sync protocol (SPEC §7.2) as the simulator speaks and polices it."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

UNIT = "000.00.00.G12"
CODE = "000.00.13.H26-260115-0001"


def login(url: str) -> str:
    answer = requests.post(f"{url}/login", json={"username": "hoso", "password": "hoso-dev"}, timeout=5).json()
    assert answer["error_code"] == 0
    return answer["session"]


def call(url: str, session: str, service: str, **fields: Any) -> requests.Response:
    return requests.post(
        f"{url}/service", json={"session": session, "madonvi": UNIT, "service": service, **fields}, timeout=5
    )


def dossier(code: str = CODE, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "MaHoSo": code,
        "SoBienNhan": code,
        "MaTTHC": "1.001193",
        "TenTTHC": "Đăng ký khai sinh",
        "MaLinhVuc": "G03-HT",
        "TenLinhVuc": "Hộ tịch",
        "KenhThucHien": "2",
        "ChuHoSo": "Nguyễn Văn An",
        "LoaiDoiTuong": "1",
        "SoGiayToChuHoSo": "001090012345",
        "NgayNopHoSo": "20260115083000",
        "NgayTiepNhan": "20260115090000",
        "NgayHenTra": "20260120170000",
        "TrangThaiHoSo": "2",
        "DonViXuLy": "Sở Khoa học và Công nghệ thành phố Hà Nội",
        "TaiLieuNop": [
            {"TepDinhKemId": "f-1", "TenTepDinhKem": "giay-chung-sinh.pdf", "IsDeleted": "False",
             "MaThanhPhanHoSo": "GCS", "DuongDanTaiTepTin": "https://hoso.example/files/f-1"}
        ],
        "DanhSachLePhi": [
            {"TenPhiLePhi": "Phí cấp bản sao Trích lục khai sinh", "MaPhiLePhi": "PBSTL", "HinhThucThu": "2",
             "Gia": "8000", "LoaiPhiLePhi": "2"}
        ],
    }  # fmt: skip
    record.update(fields)
    return record


def step(at: str, status: str = "4", code: str = CODE, **fields: Any) -> dict[str, Any]:
    return {
        "MaHoSo": code,
        "NguoiXuLy": "Đỗ Mạnh Hùng",
        "ChucDanh": "Trưởng phòng",
        "ThoiDiemXuLy": at,
        "PhongBanXuLy": "Phòng Quản lý công nghệ",
        "NoiDungXuLy": "Phân công thẩm định",
        "TrangThai": status,
        "NgayBatDau": at,
        "NgayKetThucTheoQuyDinh": "20260120170000",
        **fields,
    }


def sync(url: str, session: str, flag: str, *records: dict[str, Any]) -> dict[str, Any]:
    return call(url, session, "DongBoHoSoMC", isUpdating=flag, data=list(records)).json()


def violations(url: str) -> list[dict[str, Any]]:
    return requests.get(f"{url}/_sim/violations", timeout=5).json()


def test_login_with_right_and_wrong_credentials(sims: dict[str, str]) -> None:
    url = sims["dvcqg"]
    assert login(url)
    wrong = requests.post(f"{url}/login", json={"username": "hoso", "password": "nope"}, timeout=5).json()
    assert wrong["error_code"] == 403
    assert "session" not in wrong


def test_first_sync_then_update_are_recorded_and_looked_up(sims: dict[str, str]) -> None:
    url = sims["dvcqg"]
    session = login(url)
    assert sync(url, session, "False", dossier())["error_code"] == 0
    assert sync(url, session, "True", dossier(TrangThaiHoSo="4"))["error_code"] == 0
    progress = [step("20260115100000"), step("20260116080000", NoiDungXuLy="Thẩm định hồ sơ")]
    assert call(url, session, "CapNhatTienDoHoSoMC", data=progress).json()["error_code"] == 0

    entry = requests.get(f"{url}/_sim/records/{CODE}", timeout=5).json()
    assert entry["dossier"]["TrangThaiHoSo"] == "4"
    assert [h["service"] for h in entry["history"]] == ["DongBoHoSoMC", "DongBoHoSoMC", "CapNhatTienDoHoSoMC",
                                                        "CapNhatTienDoHoSoMC"]  # fmt: skip
    assert [h.get("isUpdating") for h in entry["history"][:2]] == ["False", "True"]
    assert entry["progress"] == progress
    records = requests.get(f"{url}/_sim/records", timeout=5).json()
    assert [c["service"] for c in records["calls"]] == ["login", "DongBoHoSoMC", "DongBoHoSoMC",
                                                        "CapNhatTienDoHoSoMC"]  # fmt: skip
    assert all(c["at"] and "session" not in c["request"] for c in records["calls"])
    assert violations(url) == []

    found = call(url, session, "TraCuuHoSo", MaHoSo=CODE).json()
    assert found["error_code"] == 0
    assert found["data"]["HoSo"]["TrangThaiHoSo"] == "4"
    assert found["data"]["TienDo"] == progress
    assert call(url, session, "TraCuuHoSo", MaHoSo="000.00.13.H26-260115-9999").json()["error_code"] == 404


def test_updating_flag_true_first_is_a_violation(sims: dict[str, str]) -> None:
    url = sims["dvcqg"]
    answer = sync(url, login(url), "True", dossier())
    assert answer["error_code"] == 422
    assert answer["errors"][0]["field"] == "data[0].isUpdating"
    assert [(v["service"], v["MaHoSo"]) for v in violations(url)] == [("DongBoHoSoMC", CODE)]
    assert requests.get(f"{url}/_sim/records/{CODE}", timeout=5).status_code == 404


def test_updating_flag_false_twice_is_a_violation(sims: dict[str, str]) -> None:
    url = sims["dvcqg"]
    session = login(url)
    assert sync(url, session, "False", dossier())["error_code"] == 0
    again = sync(url, session, "False", dossier(TrangThaiHoSo="4"))
    assert again["error_code"] == 422
    assert "isUpdating" in again["errors"][0]["field"]
    entry = requests.get(f"{url}/_sim/records/{CODE}", timeout=5).json()
    assert entry["dossier"]["TrangThaiHoSo"] == "2"  # the rejected call changed nothing
    assert len(violations(url)) == 1


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"TrangThaiHoSo": 2}, "data[0].TrangThaiHoSo"),
        ({"TrangThaiHoSo": "11"}, "data[0].TrangThaiHoSo"),
        ({"NgayNopHoSo": "2026-01-15 08:30"}, "data[0].NgayNopHoSo"),
        ({"NgayHenTra": "20260230170000"}, "data[0].NgayHenTra"),
        ({"ChuHoSo": ""}, "data[0].ChuHoSo"),
        ({"TrichYeuHoSo": "x" * 1001}, "data[0].TrichYeuHoSo"),
        ({"KenhThucHien": "9"}, "data[0].KenhThucHien"),
        ({"MaHoSoCu": "abc"}, "data[0].MaHoSoCu"),
        ({"SoGiayToChuHoSo": "12345"}, "data[0].SoGiayToChuHoSo"),
        ({"NgayTiepNhan": ""}, "data[0].NgayTiepNhan"),
        ({"NgayTiepNhan": "20260114090000"}, "data[0].NgayTiepNhan"),
        ({"TaiLieuNop": [{"TepDinhKemId": "f-1", "FileName": "a.pdf"}]}, "data[0].TaiLieuNop[0].FileName"),
        ({"DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "Gia": 8000}]}, "data[0].DanhSachLePhi[0].Gia"),
        ({"DanhSachGiayToKetQua": {"GiayToId": "k"}}, "data[0].DanhSachGiayToKetQua"),
        ({"TrangThaiHoSo": "10", "NgayTra": ""}, "data[0].NgayTra"),
    ],
)
def test_malformed_dossier_records_are_refused_and_recorded(
    sims: dict[str, str], fields: dict[str, Any], bad_field: str
) -> None:
    url = sims["dvcqg"]
    answer = sync(url, login(url), "False", dossier(**fields))
    assert answer["error_code"] == 422
    assert bad_field in [e["field"] for e in answer["errors"]]
    assert all(e["message"] for e in answer["errors"])
    assert bad_field in [v["field"] for v in violations(url)]
    assert requests.get(f"{url}/_sim/records/{CODE}", timeout=5).status_code == 404


def test_valid_long_summary_and_nested_supplement_lists_are_accepted(sims: dict[str, str]) -> None:
    url = sims["dvcqg"]
    supplement = {
        "HoSoBoSungId": "bs-1",
        "NguoiYeuCauBoSung": "Ngô Thị Phương Thảo",
        "NoiDungBoSung": "Bổ sung bản sao giấy chứng sinh",
        "NgayBoSung": "20260116100000",
        "DanhSachGiayToBoSung": [{"TepDinhKemId": "f-2", "TenTepDinhKem": "ban-sao.pdf"}],
        "DanhSachLePhiBoSung": [],
    }
    record = dossier(TrichYeuHoSo="Đ" * 1000, TrangThaiHoSo="5", DanhSachHoSoBoSung=[supplement])
    assert sync(url, login(url), "False", record)["error_code"] == 0


def test_progress_rules(sims: dict[str, str]) -> None:
    url = sims["dvcqg"]
    session = login(url)
    unknown = call(url, session, "CapNhatTienDoHoSoMC", data=[step("20260115100000")]).json()
    assert unknown["error_code"] == 422 and unknown["errors"][0]["field"] == "data[0].MaHoSo"

    assert sync(url, session, "False", dossier())["error_code"] == 0
    first, second = step("20260115100000"), step("20260116080000", TrangThai="5")
    assert call(url, session, "CapNhatTienDoHoSoMC", data=[first, second]).json()["error_code"] == 0
    backwards = call(url, session, "CapNhatTienDoHoSoMC", data=[step("20260115120000")]).json()
    assert backwards["error_code"] == 422
    assert backwards["errors"][0]["field"] == "data[0].ThoiDiemXuLy"
    within_call = call(url, session, "CapNhatTienDoHoSoMC",
                       data=[step("20260117080000"), step("20260116090000")]).json()  # fmt: skip
    assert within_call["error_code"] == 422
    bad_status = call(url, session, "CapNhatTienDoHoSoMC", data=[step("20260118080000", TrangThai="0")]).json()
    assert bad_status["errors"][0]["field"] == "data[0].TrangThai"
    missing = {k: v for k, v in step("20260118080000").items() if k != "NguoiXuLy"}
    assert call(url, session, "CapNhatTienDoHoSoMC", data=[missing]).json()["errors"][0]["field"] == (
        "data[0].NguoiXuLy"
    )

    # A redelivered step (same record again) is acknowledged and kept once.
    assert call(url, session, "CapNhatTienDoHoSoMC", data=[first]).json()["error_code"] == 0
    entry = requests.get(f"{url}/_sim/records/{CODE}", timeout=5).json()
    assert entry["progress"] == [first, second]
    assert entry["duplicates_ignored"] == 1
    assert len(violations(url)) == 5


def test_unknown_and_expired_sessions_answer_401(sims: dict[str, str]) -> None:
    url = sims["dvcqg"]
    assert sync(url, "not-a-session", "False", dossier())["error_code"] == 401
    session = login(url)
    assert requests.post(f"{url}/_sim/mode", json={"expire_sessions": True}, timeout=5).status_code == 200
    assert sync(url, session, "False", dossier())["error_code"] == 401
    assert sync(url, login(url), "False", dossier())["error_code"] == 0


def test_down_answers_503_except_control_routes(sims: dict[str, str]) -> None:
    url = sims["dvcqg"]
    session = login(url)
    requests.post(f"{url}/_sim/mode", json={"down": True}, timeout=5).raise_for_status()
    credentials = {"username": "hoso", "password": "hoso-dev"}
    assert requests.post(f"{url}/login", json=credentials, timeout=5).status_code == 503
    assert call(url, session, "TraCuuHoSo", MaHoSo=CODE).status_code == 503
    assert requests.get(f"{url}/_sim/records", timeout=5).status_code == 200
    assert requests.get(f"{url}/", timeout=5).status_code == 200
    requests.post(f"{url}/_sim/mode", json={"down": False}, timeout=5).raise_for_status()
    assert call(url, session, "TraCuuHoSo", MaHoSo=CODE).json()["error_code"] == 404


def test_fail_next_fails_only_that_many_service_calls(sims: dict[str, str]) -> None:
    url = sims["dvcqg"]
    requests.post(f"{url}/_sim/mode", json={"fail_next": 2}, timeout=5).raise_for_status()
    session = login(url)  # a login is not a service call
    assert [call(url, session, "TraCuuHoSo", MaHoSo=CODE).status_code for _ in range(3)] == [500, 500, 200]
    assert requests.get(f"{url}/_sim/mode", timeout=5).json()["fail_next"] == 0


def test_error_code_mode_and_delay(sims: dict[str, str]) -> None:
    url = sims["dvcqg"]
    session = login(url)
    requests.post(f"{url}/_sim/mode", json={"error_code": 99, "delay_ms": 150}, timeout=5).raise_for_status()
    started = time.monotonic()
    assert sync(url, session, "False", dossier())["error_code"] == 99
    assert time.monotonic() - started >= 0.15
    requests.post(f"{url}/_sim/mode", json={"error_code": None, "delay_ms": 0}, timeout=5).raise_for_status()
    assert sync(url, session, "False", dossier())["error_code"] == 0


def test_lost_answer_then_retry_keeps_each_step_once(sims: dict[str, str]) -> None:
    url = sims["dvcqg"]
    session = login(url)
    assert sync(url, session, "False", dossier())["error_code"] == 0
    requests.post(f"{url}/_sim/mode", json={"lose_next": 1}, timeout=5).raise_for_status()
    steps = [step("20260115100000")]
    assert call(url, session, "CapNhatTienDoHoSoMC", data=steps).status_code == 502
    assert call(url, session, "CapNhatTienDoHoSoMC", data=steps).json()["error_code"] == 0
    assert requests.get(f"{url}/_sim/records/{CODE}", timeout=5).json()["progress"] == steps


def test_bad_envelope_and_mode_requests(sims: dict[str, str]) -> None:
    url = sims["dvcqg"]
    session = login(url)
    assert call(url, session, "XoaHoSo").json()["error_code"] == 501
    no_unit = requests.post(f"{url}/service", json={"session": session, "service": "TraCuuHoSo"}, timeout=5)
    assert no_unit.json()["errors"][0]["field"] == "madonvi"
    not_json = requests.post(f"{url}/service", data=b"{oops", timeout=5)
    assert not_json.status_code == 400 and not_json.json()["error_code"] == 400
    for bad in ({"bogus": 1}, {"delay_ms": -1}, {"down": "yes"}, {"expire_sessions": "now"}):
        assert requests.post(f"{url}/_sim/mode", json=bad, timeout=5).status_code == 400


def test_instances_are_separate(sims: dict[str, str]) -> None:
    dvcqg, coordinator = sims["dvcqg"], sims["coordinator"]
    assert sync(dvcqg, login(dvcqg), "False", dossier())["error_code"] == 0
    coordinator_session = login(coordinator)
    assert call(coordinator, coordinator_session, "TraCuuHoSo", MaHoSo=CODE).json()["error_code"] == 404
    assert sync(coordinator, coordinator_session, "False", dossier())["error_code"] == 0
    assert sync(coordinator, login(dvcqg), "True", dossier())["error_code"] == 401  # sessions are per instance


def test_concurrent_first_syncs_of_one_dossier_accept_exactly_one(sims: dict[str, str]) -> None:
    url = sims["coordinator"]
    session = login(url)
    others = [dossier(f"000.00.13.H29-260115-{n:04d}") for n in range(1, 13)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        same = list(pool.map(lambda _: sync(url, session, "False", dossier()), range(8)))
        distinct = list(pool.map(lambda record: sync(url, session, "False", record), others))
    assert sorted(a["error_code"] for a in same) == [0] + [422] * 7
    assert all(a["error_code"] == 0 for a in distinct)
    assert len(requests.get(f"{url}/_sim/records", timeout=5).json()["dossiers"]) == 13


def test_status_page_shows_dossiers_and_violations(sims: dict[str, str]) -> None:
    url = sims["dvcqg"]
    session = login(url)
    sync(url, session, "False", dossier())
    sync(url, session, "False", dossier("000.00.13.H26-260115-0002", TrangThaiHoSo="11"))
    page = requests.get(f"{url}/", timeout=5)
    assert page.headers["Content-Type"].startswith("text/html")
    assert CODE in page.text and "Nguyễn Văn An" in page.text
    assert "Được tiếp nhận" in page.text and "000.00.13.H26-260115-0002" in page.text
