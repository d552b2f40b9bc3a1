"""Locally specific processes (SPEC §6, FR-7): what a province's proposal may change, and which
process a new dossier follows (property-based over procedures, units and variants)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.calendar import VN_TZ, Duration
from chalicelib.domain.catalogue import Procedure, Unit
from chalicelib.domain.eform import FormField
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.domain.variants import (
    ADDITIONS_SECTION,
    LocalVariant,
    ProposalStatus,
    VariantIn,
    VariantProposal,
    applicable,
    approved,
    check_proposal,
    compare,
    is_variant_code,
    variant_code,
    with_additions,
)
from local.eform_samples import KHAI_SINH

AT = dt.datetime(2026, 12, 7, 9, 0, tzinfo=VN_TZ)
BIRTH = Procedure(code="1.001193", name="Đăng ký khai sinh", field_code="HT", field_name="Hộ tịch",
                  legal_deadline=Duration.of_working_days(15), eform_code=KHAI_SINH.code,
                  process_code=DEFAULT_PROCESS.code)
EXTRA = FormField(key="so_phieu_khu_pho", label="Số phiếu xác nhận của khu phố", type="text", required=True)


def document(**step_changes: dict[str, Any]) -> dict[str, Any]:
    data = DEFAULT_PROCESS.model_dump(mode="json")
    data["steps"] = [{**s, **step_changes.get(s["id"], {})} for s in data["steps"]]
    return data


def proposal_in(process: dict[str, Any] | None = None, additions: list[FormField] | None = None) -> VariantIn:
    return VariantIn(procedure_code=BIRTH.code, province_code="79", base_version=1,
                     process=process if process is not None else document(),
                     eform_additions=additions or [], note="Quyết định 12/2026/QĐ-UBND")


def codes(body: VariantIn, procedure: Procedure = BIRTH) -> list[str]:
    _, errors = check_proposal(body, procedure, DEFAULT_PROCESS, KHAI_SINH)
    return [e.code for e in errors]


def test_a_copy_with_shorter_deadlines_and_a_field_added_is_a_valid_variant_under_its_own_code() -> None:
    body = proposal_in(document(tham_dinh={"name": "Thẩm định, xác minh tại khu phố",
                                           "deadline": {"value": 5, "unit": "working_days"}}), [EXTRA])
    definition, errors = check_proposal(body, BIRTH, DEFAULT_PROCESS, KHAI_SINH)
    assert errors == []
    assert definition is not None
    assert definition.code == variant_code("1.001193", "79") == "DP79.1.001193"
    assert is_variant_code(definition.code) and not is_variant_code(DEFAULT_PROCESS.code)
    assert definition.procedure_codes == ("1.001193",)
    assert definition.legal_deadline == DEFAULT_PROCESS.legal_deadline  # never the province's to choose
    assert definition.step("tham_dinh").deadline == Duration.of_working_days(5)


def test_the_province_cannot_set_the_legal_deadline_or_the_code() -> None:
    process = {**document(), "code": "QT-MAC-DINH", "legal_deadline": {"value": 99, "unit": "working_days"}}
    definition, errors = check_proposal(proposal_in(process), BIRTH, DEFAULT_PROCESS, KHAI_SINH)
    assert errors == [] and definition is not None
    assert definition.code == "DP79.1.001193"
    assert definition.legal_deadline == DEFAULT_PROCESS.legal_deadline


def test_steps_longer_than_the_law_and_the_standard_are_refused() -> None:
    longer = document(tham_dinh={"deadline": {"value": 20, "unit": "working_days"}})
    assert "DEADLINE_EXCEEDS_LEGAL" in codes(proposal_in(longer))
    # a procedure with a shorter legal deadline than the standard's steps: the variant may not run longer
    short = BIRTH.model_copy(update={"legal_deadline": Duration.of_working_days(1)})
    assert codes(proposal_in(document()), short) == []  # as long as the standard: allowed
    slower = document(phe_duyet={"deadline": {"value": 3, "unit": "working_days"}})
    assert codes(proposal_in(slower), short) == ["DEADLINE_LONGER_THAN_ALLOWED"]


def test_the_entry_statuses_and_processing_roles_are_kept() -> None:
    assert "ENTRY_STATUS_CHANGED" in codes(proposal_in({**document(), "direct_start_step": "phan_cong"}))
    assert "ROLE_NOT_PROCESSING" in codes(proposal_in(document(phan_cong={"role": "province_admin"})))


def test_a_broken_process_is_refused_with_the_process_validators_errors() -> None:
    broken = document(phe_duyet={"actions": []})
    assert "NO_TERMINAL_REACHABLE" in codes(proposal_in(broken))
    assert "INVALID_FIELD" in codes(proposal_in(document(tham_dinh={"status": 42})))


def test_eform_additions_are_added_never_changing_the_ministrys_fields() -> None:
    assert codes(proposal_in(additions=[EXTRA, EXTRA])) == ["DUPLICATE_FIELD", "INVALID_FIELD"]
    bad = FormField(key="chon", label="Chọn", type="radio", options=[])
    assert codes(proposal_in(additions=[bad])) == ["INVALID_FIELD"]
    _, errors = check_proposal(proposal_in(additions=[EXTRA]), BIRTH, DEFAULT_PROCESS, None)
    assert [e.code for e in errors] == ["NO_EFORM"]
    merged = with_additions(KHAI_SINH, [EXTRA])
    assert merged.sections[:-1] == KHAI_SINH.sections
    assert merged.sections[-1].key == ADDITIONS_SECTION and merged.sections[-1].fields == [EXTRA]
    assert with_additions(KHAI_SINH, []) is KHAI_SINH


def test_approval_publishes_the_next_version_and_records_the_decision() -> None:
    definition, _ = check_proposal(proposal_in(additions=[EXTRA]), BIRTH, DEFAULT_PROCESS, KHAI_SINH)
    assert definition is not None
    proposal = VariantProposal(procedure_code=BIRTH.code, province_code="79", number=3, base_code="QT-MAC-DINH",
                               base_version=1, process=definition, eform_additions=[EXTRA], note="x",
                               proposed_by="tinh", proposed_at=AT)
    decided, variant, process = approved(proposal, 2, "bo", AT)
    assert decided.status is ProposalStatus.APPROVED and decided.approved_version == 2
    assert (process.version, process.published_by, process.published) == (2, "bo", True)
    assert (variant.version, variant.process_code, variant.proposal_number) == (2, "DP79.1.001193", 3)
    assert variant.eform_additions == [EXTRA]


def test_the_comparison_marks_changed_and_new_steps() -> None:
    data = document(tham_dinh={"name": "Thẩm định tại khu phố"})
    definition, _ = check_proposal(proposal_in(data), BIRTH, DEFAULT_PROCESS, KHAI_SINH)
    assert definition is not None
    changes = {c.step_id: c for c in compare(DEFAULT_PROCESS, definition)}
    assert [sid for sid, c in changes.items() if c.changed] == ["tham_dinh"]
    assert changes["tham_dinh"].variant is not None and "khu phố" in changes["tham_dinh"].variant


PROVINCES = st.sampled_from(["", "01", "79", "48"])
PROCEDURES = st.sampled_from(["1.001193", "1.004222"])
PROCESSES = st.sampled_from(["QT-MAC-DINH", "QT-KHAC"])


@given(procedure_code=PROCEDURES, process_code=PROCESSES, unit_province=PROVINCES,
       variant=st.none() | st.builds(
           lambda proc, prov, base, v: LocalVariant(
               procedure_code=proc, province_code=prov, version=v, process_code=variant_code(proc, prov),
               base_code=base, base_version=1, proposal_number=v, approved_by="bo", approved_at=AT),
           PROCEDURES, st.sampled_from(["01", "79", "48"]), PROCESSES, st.integers(1, 5)))
def test_a_variant_applies_only_at_its_provinces_units_for_its_procedure_on_its_standard(
        procedure_code: str, process_code: str, unit_province: str, variant: LocalVariant | None) -> None:
    procedure = BIRTH.model_copy(update={"code": procedure_code, "process_code": process_code})
    unit = Unit(code="000.00.13.H29", name="Đơn vị", province_code=unit_province)
    found = applicable(procedure, unit, variant)
    expected = (variant is not None and unit_province == variant.province_code
                and variant.procedure_code == procedure_code and variant.base_code == process_code)
    assert (found is not None) == expected
    if found is not None:
        assert found is variant
    assert applicable(procedure, None, variant) is None  # an unknown unit follows the standard
