"""Locally specific processes through hoso's API on moto (SPEC §6, FR-7): TP.HCM's administrator
proposes a variant of the birth registration's process, the ministry approves it, and desk
dossiers at TP.HCM's unit follow it (steps, deadlines, the eForm's added field) while Hà Nội's
keep the standard; a province administrator can neither approve nor propose for another
province, and a rejected proposal changes nothing but its history."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import boto3
import pytest
from pypdf import PdfReader

from chalicelib.documents import declaration
from chalicelib.domain.intake import DESK_EXAMPLE
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.errors import HosoError
from chalicelib.services import intake, variants
from chalicelib.store import catalogue
from chalicelib.store import variants as store
from local.eform_samples import PROCEDURE_EFORMS, SAMPLE_FILLED
from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT, MINISTRY_UNIT
from tests.integration.reports.conftest import REGION, World, answer, officer

BIRTH = "1.001193"
VARIANT = "DP79.1.001193"
EXTRA = {"key": "so_phieu_khu_pho", "label": "Số phiếu xác nhận của khu phố", "type": "text", "required": True}


def proposal(province: str = "79", step_name: str = "Thẩm định, xác minh tại khu phố") -> dict[str, Any]:
    process = DEFAULT_PROCESS.model_dump(mode="json")
    process["steps"] = [{**s, "name": step_name, "deadline": {"value": 6, "unit": "working_days"}}
                        if s["id"] == "tham_dinh" else s for s in process["steps"]]
    return {"procedure_code": BIRTH, "province_code": province, "base_version": 1, "process": process,
            "eform_additions": [EXTRA], "note": "Quyết định số 12/2026/QĐ-UBND của UBND TP. Hồ Chí Minh"}


def desk(unit: str, extra: dict[str, Any] | None = None) -> Any:
    form = {**SAMPLE_FILLED[PROCEDURE_EFORMS[BIRTH]], **(extra or {})}
    payload = {**DESK_EXAMPLE, "MaTTHC": BIRTH, "MaDonViTiepNhan": unit, "DuLieuBieuMau": form}
    return intake.receive_at_desk(payload, officer("desk", unit))


def propose(world: World, body: dict[str, Any] | None = None, unit: str = HCMC_UNIT) -> Any:
    return world.call("POST", "/v1/admin/variants", "province_admin", unit, body or proposal())


def decide(world: World, decision: str, role: str, unit: str, number: int = 1, body: Any = None) -> Any:
    return world.call("POST", f"/v1/admin/variants/{BIRTH}/79/proposals/{number}/{decision}", role, unit, body)


def stored() -> Any:
    proposals, versions = store.history(BIRTH, "79")
    return [(p.number, p.status.value, p.decided_by) for p in proposals], [v.version for v in versions]


def test_an_approved_variant_is_followed_at_the_provinces_units_only(world: World) -> None:
    created = propose(world)
    assert created.status_code == 201, created.body
    assert answer(created)["status"] == "pending" and answer(created)["process"]["code"] == VARIANT
    assert desk(HCMC_UNIT).process_code == DEFAULT_PROCESS.code  # not before the ministry approves

    pending = answer(world.call("GET", "/v1/admin/variants", "admin", MINISTRY_UNIT))["items"]
    assert [(p["procedure_code"], p["province_code"], p["number"]) for p in pending] == [(BIRTH, "79", 1)]
    assert answer(world.call("GET", "/v1/admin/variants", "province_admin", HANOI_UNIT))["items"] == []
    detail = answer(world.call("GET", f"/v1/admin/variants/{BIRTH}/79/proposals/1", "admin", MINISTRY_UNIT))
    assert [c["step_id"] for c in detail["changes"] if c["changed"]] == ["tham_dinh"]
    assert detail["eform"]["sections"][-1]["fields"][0]["key"] == "so_phieu_khu_pho"
    hanoi_reads = world.call("GET", f"/v1/admin/variants/{BIRTH}/79/proposals/1", "province_admin", HANOI_UNIT)
    assert hanoi_reads.status_code == 403

    # a province administrator cannot approve — their own province's proposal included
    for unit in (HCMC_UNIT, HANOI_UNIT):
        refused = decide(world, "approve", "province_admin", unit)
        assert refused.status_code == 403, refused.body
    assert stored() == ([(1, "pending", None)], [])

    approved = decide(world, "approve", "admin", MINISTRY_UNIT)
    assert approved.status_code == 200, approved.body
    assert answer(approved)["approved_version"] == 1
    assert decide(world, "approve", "admin", MINISTRY_UNIT).status_code == 409  # decided once
    catalogue.clear_cache()

    with pytest.raises(HosoError) as missing:  # the province's added field is required at its units
        desk(HCMC_UNIT)
    assert "so_phieu_khu_pho" in str(missing.value.errors)
    dossier = desk(HCMC_UNIT, {"dia_phuong": {"so_phieu_khu_pho": "KP-2026-0042"}})
    assert (dossier.process_code, dossier.process_version) == (VARIANT, 1)
    variant_process = catalogue.get_process(VARIANT, 1)
    assert variant_process is not None
    assert variant_process.step("tham_dinh").name == "Thẩm định, xác minh tại khu phố"
    hanoi = desk(HANOI_UNIT)
    assert hanoi.process_code == DEFAULT_PROCESS.code  # Hà Nội keeps the standard

    # a received dossier's eForm (e.g. for DVCQG's later supplement) is the one of the version it follows
    standard_form = catalogue.get_eform(PROCEDURE_EFORMS[BIRTH])
    ours = variants.eform_of_dossier(BIRTH, dossier.process_code, dossier.process_version, standard_form)
    theirs = variants.eform_of_dossier(BIRTH, hanoi.process_code, hanoi.process_version, standard_form)
    assert ours is not None and ours.sections[-1].key == "dia_phuong"
    assert theirs == standard_form

    form = answer(world.call("GET", f"/v1/procedures/{BIRTH}?unit={HCMC_UNIT}", "desk", HCMC_UNIT))["eform"]
    assert form["sections"][-1]["key"] == "dia_phuong"
    form = answer(world.call("GET", f"/v1/procedures/{BIRTH}?unit={HANOI_UNIT}", "desk", HANOI_UNIT))["eform"]
    assert all(s["key"] != "dia_phuong" for s in form["sections"])


def test_a_province_admin_proposes_only_for_their_province_and_a_rejection_keeps_the_standard(
        world: World) -> None:
    other = propose(world, proposal(province="01"))
    assert other.status_code == 403 and answer(other)["error_code"] == "FORBIDDEN_PROVINCE"
    assert store.history(BIRTH, "01") == ([], [])
    ministry = world.call("POST", "/v1/admin/variants", "admin", MINISTRY_UNIT, proposal())
    assert ministry.status_code == 403
    assert store.history(BIRTH, "79") == ([], [])

    assert propose(world).status_code == 201
    no_reason = decide(world, "reject", "admin", MINISTRY_UNIT, body={"reason": ""})
    assert no_reason.status_code == 422
    refused = decide(world, "reject", "province_admin", HCMC_UNIT, body={"reason": "Tự từ chối"})
    assert refused.status_code == 403
    rejected = decide(world, "reject", "admin", MINISTRY_UNIT, body={"reason": "Chưa có căn cứ pháp lý."})
    assert rejected.status_code == 200, rejected.body
    assert answer(rejected)["reason"] == "Chưa có căn cứ pháp lý."
    assert decide(world, "approve", "admin", MINISTRY_UNIT).status_code == 409
    assert desk(HCMC_UNIT).process_code == DEFAULT_PROCESS.code

    # the second proposal becomes version 1 (the first was rejected); the history keeps both
    assert propose(world, proposal(step_name="Thẩm định lần hai")).status_code == 201
    assert decide(world, "approve", "admin", MINISTRY_UNIT, number=2).status_code == 200
    history = answer(world.call("GET", f"/v1/admin/variants/{BIRTH}/79", "province_admin", HCMC_UNIT))
    assert [(p["number"], p["status"]) for p in history["proposals"]] == [(1, "rejected"), (2, "approved")]
    assert [(v["version"], v["proposal_number"]) for v in history["versions"]] == [(1, 2)]


def test_invalid_proposals_are_refused_with_located_errors_and_variant_codes_are_reserved(world: World) -> None:
    body = proposal()
    body["process"]["steps"] = [{**s, "deadline": {"value": 40, "unit": "working_days"}}
                                if s["id"] == "tham_dinh" else s for s in body["process"]["steps"]]
    refused = propose(world, body)
    assert refused.status_code == 422
    assert "DEADLINE_EXCEEDS_LEGAL" in [e["code"] for e in answer(refused)["process_errors"]]
    unknown = propose(world, {**proposal(), "base_version": 9})
    assert unknown.status_code == 422 and answer(unknown)["errors"][0]["field"] == "base_version"
    assert store.history(BIRTH, "79") == ([], [])

    squat = {**DEFAULT_PROCESS.model_dump(mode="json"), "code": VARIANT, "version": 1, "published_at": None}
    published = world.call("POST", "/v1/admin/processes", "admin", MINISTRY_UNIT, squat)
    assert published.status_code == 422, published.body
    assert catalogue.get_process(VARIANT) is None


def test_the_declaration_printed_at_the_provinces_desk_carries_its_added_field(world: World) -> None:
    assert propose(world).status_code == 201
    assert decide(world, "approve", "admin", MINISTRY_UNIT).status_code == 200
    catalogue.clear_cache()
    data = {**SAMPLE_FILLED[PROCEDURE_EFORMS[BIRTH]], "dia_phuong": {"so_phieu_khu_pho": "KP-2026-0042"}}
    declaration.print_declaration(BIRTH, HCMC_UNIT, data, "Nguyễn Văn An", dt.date(2026, 12, 7))
    s3 = boto3.client("s3", region_name=REGION)
    key = s3.list_objects_v2(Bucket="hoso-dev-attachments", Prefix="declarations/")["Contents"][0]["Key"]
    reader = PdfReader(io.BytesIO(s3.get_object(Bucket="hoso-dev-attachments", Key=key)["Body"].read()))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "Số phiếu xác nhận của khu phố: KP-2026-0042" in text
