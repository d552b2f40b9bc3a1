"""Issue 17 item 6 through HTTP on the local stack: TP.HCM's administrator proposes a locally
specific process for the funeral allowance (1.002076: a step renamed, a shorter deadline, a field
added to the eForm); Hà Nội's administrator can neither see nor approve it, TP.HCM's cannot
approve it; the ministry's administrator compares it with the standard and approves it; from then
on a desk dossier at TP.HCM follows the variant (its process, its eForm field required) while one
at Hà Nội keeps the standard."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.domain.process import DEFAULT_PROCESS
from local.eform_samples import MAI_TANG, SAMPLE_FILLED
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT, MINISTRY_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import Officer

PROCEDURE = "1.002076"
EXTRA = {"key": "xac_nhan_to_dan_pho", "label": "Số xác nhận của tổ dân phố", "type": "text", "required": True}


def _proposal() -> dict[str, Any]:
    process = DEFAULT_PROCESS.model_dump(mode="json")
    process["steps"] = [{**s, "name": "Thẩm định, xác minh với tổ dân phố",
                         "deadline": {"value": 2, "unit": "working_days"}} if s["id"] == "tham_dinh" else s
                        for s in process["steps"]]
    return {"procedure_code": PROCEDURE, "province_code": "79", "base_version": DEFAULT_PROCESS.version,
            "process": process, "eform_additions": [EXTRA],
            "note": "Quyết định số 34/2026/QĐ-UBND: xác minh với tổ dân phố trước khi chi trả."}


def _desk(officer: Officer, unit: str, extra: dict[str, Any] | None = None) -> Any:
    form = {**SAMPLE_FILLED[MAI_TANG.code], **(extra or {})}
    return officer.post("/v1/dossiers", {**DESK_EXAMPLE, "MaTTHC": PROCEDURE, "MaDonViTiepNhan": unit,
                                         "DuLieuBieuMau": form})


def test_a_province_proposes_the_ministry_approves_and_the_provinces_desk_follows_the_variant(
        stack: LocalStack) -> None:
    hcmc, hanoi = Officer(stack, "province_admin", HCMC_UNIT), Officer(stack, "province_admin", HANOI_UNIT)
    ministry = Officer(stack, "admin", MINISTRY_UNIT)
    desk_hcmc, desk_hanoi = Officer(stack, "desk", HCMC_UNIT), Officer(stack, "desk", HANOI_UNIT)

    assert hanoi.post("/v1/admin/variants", _proposal()).status_code == 403  # not their province
    created = hcmc.post("/v1/admin/variants", _proposal())
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    base = f"/v1/admin/variants/{PROCEDURE}/79/proposals/{number}"

    mine = hcmc.get("/v1/admin/variants").json()["items"]
    assert (PROCEDURE, number) in [(p["procedure_code"], p["number"]) for p in mine]
    assert all(p["province_code"] == "01" for p in hanoi.get("/v1/admin/variants").json()["items"])
    assert hanoi.get(base).status_code == 403
    for officer in (hcmc, hanoi):  # a province administrator never approves
        assert officer.post(f"{base}/approve", {}).status_code == 403
    assert ministry.get(base).json()["proposal"]["status"] == "pending"
    before = _desk(desk_hcmc, HCMC_UNIT)
    assert before.status_code == 201, before.text
    assert before.json()["dossier"]["process_code"] == DEFAULT_PROCESS.code

    detail = ministry.get(base).json()
    assert [c["step_id"] for c in detail["changes"] if c["changed"]] == ["tham_dinh"]
    approved = ministry.post(f"{base}/approve", {})
    assert approved.status_code == 200, approved.text
    version = approved.json()["approved_version"]

    missing = _desk(desk_hcmc, HCMC_UNIT)
    assert missing.status_code == 422, missing.text
    assert "xac_nhan_to_dan_pho" in missing.text
    followed = _desk(desk_hcmc, HCMC_UNIT, {"dia_phuong": {"xac_nhan_to_dan_pho": "TDP-12/2026"}})
    assert followed.status_code == 201, followed.text
    dossier = followed.json()["dossier"]
    assert (dossier["process_code"], dossier["process_version"]) == (f"DP79.{PROCEDURE}", version)
    process = desk_hcmc.get(f"/v1/dossiers/{dossier['code']}/process").json()["process"]
    assert {s["id"]: s["name"] for s in process["steps"]}["tham_dinh"] == "Thẩm định, xác minh với tổ dân phố"

    standard = _desk(desk_hanoi, HANOI_UNIT)
    assert standard.status_code == 201, standard.text
    assert standard.json()["dossier"]["process_code"] == DEFAULT_PROCESS.code

    history = hcmc.get(f"/v1/admin/variants/{PROCEDURE}/79").json()
    assert [v["version"] for v in history["versions"]][-1] == version
