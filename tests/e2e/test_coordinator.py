"""The coordination system on the local stack (SPEC §7.7), over HTTP: a step of a chain another
ministry heads arrives from the coordinator simulator (signed), becomes a dossier of TP HCM's unit with
its own code, is handled by the unit's officers, and its result goes back to the coordinator with
``ChuyenHoSoLienThong`` (KetQuaBuoc) — once, with a result file the coordinator can download."""

from __future__ import annotations

from typing import Any

import requests

from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer, simulator
from tests.e2e.test_lien_thong import _handle_child, _ok, _until


def _results(stack: LocalStack, ref: str) -> list[dict[str, Any]]:
    records = requests.get(f"{simulator(stack, 'coordinator')}/_sim/records", timeout=10).json()["results"]
    return [r for r in records if r["MaBuocLienThong"] == ref]


def test_an_inbound_lien_thong_dossier_is_handled_and_its_result_goes_back(stack: LocalStack) -> None:
    coordinator = simulator(stack, "coordinator")
    sent = _ok(requests.post(f"{coordinator}/_sim/lien-thong/send-dossier", json={"MaDonViTiepNhan": HCMC_UNIT},
                             timeout=60))  # fmt: skip
    assert sent["status"] == 201, sent
    code, ref = sent["body"]["MaHoSo"], sent["MaBuocLienThong"]
    assert code.startswith(HCMC_UNIT)

    desk = Officer(stack, "desk", HCMC_UNIT)
    listed = desk.all_pages(f"/v1/units/{HCMC_UNIT}/worklist", status=1)  # other tests' dossiers wait too
    assert next(d for d in listed if d["code"] == code)["lien_thong_origin"]["ref"] == ref
    _ok(desk.act(code, "tiep_nhan"))
    _handle_child(stack, code, "Đồng ý đăng ký khai sinh (bước liên thông).")

    back = _until("the result back at the coordinator", lambda: _results(stack, ref))[0]
    assert (back["MaHoSo"], back["KetQua"]) == (code, "success")
    documents = back["request"]["DanhSachGiayToKetQua"]
    assert documents and requests.get(documents[0]["DuongDan"], timeout=10).content.startswith(b"%PDF")
    view = _until("recorded on the dossier",
                  lambda: (v := _ok(desk.get(f"/v1/dossiers/{code}/lien-thong")))["origin"]["returned_at"] and v)
    assert view["origin"]["returned_outcome"] == "success"
    events = _ok(desk.get(f"/v1/dossiers/{code}"))["events"]
    assert [e["label"] for e in events].count("Chuyển kết quả bước liên thông về Hệ thống điều phối") == 1
    assert _results(stack, ref)[0]["duplicates_ignored"] == 0
    violations = requests.get(f"{coordinator}/_sim/violations", timeout=10).json()
    assert not [v for v in violations if v.get("MaHoSo") == code], violations
