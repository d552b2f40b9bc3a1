"""The coordinator's contract (SPEC §7.7) as pure rules: who may return a liên thông result, which
agency goes through the coordinator, and what the coordinator simulator accepts."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.clients import Capability, ClientKind, Grants, check_grants, require_capability
from chalicelib.errors import HosoError
from chalicelib.flows import agencies
from local.simulators.coordinator import handover_problems, result_problems

REF = "a" * 64


def test_only_a_coordinator_client_may_be_granted_the_results_route() -> None:
    assert check_grants(ClientKind.COORDINATOR, [Capability.COORDINATOR_RESULTS], [], False) == []
    for kind in ClientKind:
        if kind is not ClientKind.COORDINATOR:
            assert check_grants(kind, [Capability.COORDINATOR_RESULTS], [], False), kind
    assert check_grants(ClientKind.COORDINATOR, [Capability.FLOW_CALLBACK], [], False)
    with pytest.raises(HosoError) as refused:  # granted by a tampered record: still refused
        require_capability(Grants(ClientKind.AGENCY, frozenset({Capability.COORDINATOR_RESULTS})),
                           Capability.COORDINATOR_RESULTS)  # fmt: skip
    assert refused.value.code == "FORBIDDEN_CAPABILITY"


def test_an_agency_goes_through_the_coordinator_only_when_its_entry_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    entries = {"bhxh": {"via": "coordinator", "client_id": "dieu-phoi"}, "cong_an_xa": {"client_id": "agency-sim"},
               "khac": {"via": "something-else"}}  # fmt: skip
    monkeypatch.setattr(agencies, "configured", lambda: entries)
    assert agencies.connection("bhxh").through_coordinator
    assert not agencies.connection("cong_an_xa").through_coordinator
    assert not agencies.connection("khac").through_coordinator
    assert not agencies.connection("unknown").through_coordinator


def _handover(**changes: Any) -> dict[str, Any]:
    record = {"LoaiChuyen": "BuocLienThong", "MaBuocLienThong": REF, "HoSo": {"MaHoSo": "X-1"},
              "BuocLienThong": {"MaBuoc": "bhyt", "MaCoQuan": "bhxh", "MaTTHC": "LT.BHYT-TE6"},
              "TaiLieu": [{"TenTep": "a.pdf", "DuongDan": "https://s3/a.pdf"}],
              "DiaChiTraKetQua": "https://hoso/v1/coordinator/lien-thong/results"}  # fmt: skip
    return {**record, **changes}


def test_the_simulator_accepts_a_complete_hand_over_and_names_every_fault() -> None:
    assert handover_problems(_handover()) == []
    faults = handover_problems(_handover(MaBuocLienThong="not-hex", TaiLieu=[{"TenTep": "a.pdf"}],
                                         DiaChiTraKetQua="ftp://x", BuocLienThong={"MaBuoc": "bhyt"}))  # fmt: skip
    assert {p.field for p in faults} == {"MaBuocLienThong", "TaiLieu", "DiaChiTraKetQua", "BuocLienThong.MaCoQuan",
                                         "BuocLienThong.MaTTHC"}  # fmt: skip
    assert [p.field for p in handover_problems("x")] == ["data[0]"]


def _result(**changes: Any) -> dict[str, Any]:
    record = {"LoaiChuyen": "KetQuaBuoc", "MaBuocLienThong": "DP-1", "HoSo": {"MaHoSo": "X-1"}, "KetQua": "success",
              "LyDo": "", "DanhSachGiayToKetQua": [{"TenGiayTo": "kq.pdf", "DuongDan": "https://s3/kq.pdf"}]}
    return {**record, **changes}


def test_the_simulator_takes_a_result_only_for_a_step_it_sent_and_complete() -> None:
    assert result_problems(_result(), {"DP-1"}) == []
    refused = _result(KetQua="failure", LyDo="Không đủ điều kiện", DanhSachGiayToKetQua=[])
    assert result_problems(refused, {"DP-1"}) == []
    assert [p.field for p in result_problems(_result(), {"DP-2"})] == ["MaBuocLienThong"]
    assert [p.field for p in result_problems(_result(DanhSachGiayToKetQua=[]), {"DP-1"})] == ["DanhSachGiayToKetQua"]
    assert [p.field for p in result_problems(_result(KetQua="failure"), {"DP-1"})] == ["LyDo"]
    assert [p.field for p in result_problems(_result(KetQua="maybe"), {"DP-1"})] == ["KetQua"]


def test_an_administrator_cannot_change_roles_the_coordinator_pushes() -> None:
    from chalicelib.domain.catalogue import OfficerProfile, RoleAssignment, Unit
    from chalicelib.services.admin_access import Administrator, check_officer_write

    units = {"000.00.13.H29": Unit(code="000.00.13.H29", name="TP HCM", province_code="79", roles_source="coordinator"),
             "000.00.13.H26": Unit(code="000.00.13.H26", name="Hà Nội", province_code="01")}
    old = OfficerProfile(sub="s", name="Cán bộ", assignments=[RoleAssignment(role="desk", unit_code="000.00.13.H29")])
    ministry = Administrator(sub="admin", ministry=True)
    # roles in a unit administered in hoso: the administrator's to change
    check_officer_write(ministry, old, old.model_copy(update={"assignments": [
        *old.assignments, RoleAssignment(role="clerk", unit_code="000.00.13.H26")]}), units)
    for changed in ([], [RoleAssignment(role="desk", unit_code="000.00.13.H29"),
                         RoleAssignment(role="leader", unit_code="000.00.13.H29")]):
        with pytest.raises(HosoError) as refused:
            check_officer_write(ministry, old, old.model_copy(update={"assignments": changed}), units)
        assert (refused.value.code, refused.value.status) == ("ROLES_FROM_COORDINATOR", 409)
