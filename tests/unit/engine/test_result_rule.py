"""No result, no issue: "Phê duyệt, ký kết quả" and "Phát hành" are refused until the result the
procedure states exists, is numbered and (where required) signed; a result issued by another
system counts as its issuer's; a procedure without a result says so and is not held up."""

from __future__ import annotations

import pytest

from chalicelib.domain import engine
from chalicelib.domain.catalogue import Procedure, ResultKind
from chalicelib.domain.dossier import DocumentRef, Dossier
from chalicelib.domain.process import DEFAULT_PROCESS
from chalicelib.domain.result_rule import ResultRule, to_sign_on_approval
from chalicelib.errors import HosoError
from tests.unit.engine.test_engine import ALL_ROLES, _in_appraisal, act, actor, timing

TEMPLATE = ResultRule(ResultKind.TEMPLATE, signed=True, sign_on_approval=False)
ON_APPROVAL = ResultRule(ResultKind.TEMPLATE, signed=True, sign_on_approval=True)


def _result(number: str = "1/2026/TB-KQ", signers: tuple[str, ...] = (), issuer: str = "",
            deleted: bool = False) -> DocumentRef:
    return DocumentRef(id=f"kq-{number}-{len(signers)}-{issuer}", name="Kết quả.pdf", s3_key="results/x.pdf",
                       sha256="0" * 64, content_type="application/pdf", size=10, kind="result", number=number,
                       signers=list(signers), issuer=issuer, deleted=deleted)


def _at_approval(*documents: DocumentRef) -> Dossier:
    d = act(act(_in_appraisal(), "trinh"), "trinh_lanh_dao")
    assert d.step_id == "phe_duyet"
    return d.model_copy(update={"documents": list(documents)})


def _apply(d: Dossier, action_id: str, rule: ResultRule, signs_now: bool = False, reason: str = "") -> Dossier:
    request = engine.ActionRequest(action_id=action_id, reason=reason)
    return engine.apply(d, DEFAULT_PROCESS, request, actor=actor(), roles=ALL_ROLES,
                        timing=timing(), result_rule=rule, signs_now=signs_now)[0]


def _refused(d: Dossier, action_id: str, rule: ResultRule, signs_now: bool = False) -> str:
    with pytest.raises(HosoError) as err:
        _apply(d, action_id, rule, signs_now)
    assert err.value.status == 409 and err.value.message
    return err.value.code


def test_approval_and_issue_are_refused_without_a_result():
    assert _refused(_at_approval(), "phe_duyet", TEMPLATE) == "RESULT_MISSING"
    assert _refused(_at_approval(_result(deleted=True)), "phe_duyet", TEMPLATE) == "RESULT_MISSING"
    issuing = _apply(_at_approval(_result(signers=("lanh-dao",))), "phe_duyet", TEMPLATE)
    assert _refused(issuing.model_copy(update={"documents": []}), "phat_hanh", TEMPLATE) == "RESULT_MISSING"


def test_the_result_must_be_numbered_and_signed_where_required():
    assert _refused(_at_approval(_result(number="", signers=("a",))), "phe_duyet", TEMPLATE) == "RESULT_NOT_NUMBERED"
    assert _refused(_at_approval(_result()), "phe_duyet", TEMPLATE) == "RESULT_NOT_SIGNED"
    unsigned_allowed = ResultRule(ResultKind.UPLOAD, signed=False)
    assert _apply(_at_approval(_result()), "phe_duyet", unsigned_allowed).step_id == "phat_hanh"
    signed = _apply(_at_approval(_result(signers=("lanh-dao",))), "phe_duyet", TEMPLATE)
    assert _apply(signed, "phat_hanh", TEMPLATE).status == 9


def test_an_approval_that_signs_passes_unsigned_but_issuing_does_not():
    unsigned = _at_approval(_result())
    approved = _apply(unsigned, "phe_duyet", ON_APPROVAL, signs_now=True)
    assert approved.step_id == "phat_hanh"
    # a system's approval cannot sign, and issuing never signs: the unsigned result is refused
    assert _refused(unsigned, "phe_duyet", ON_APPROVAL, signs_now=False) == "RESULT_NOT_SIGNED"
    assert _refused(approved, "phat_hanh", ON_APPROVAL, signs_now=True) == "RESULT_NOT_SIGNED"
    assert to_sign_on_approval(unsigned, ON_APPROVAL, "lanh-dao") == unsigned.documents
    assert to_sign_on_approval(unsigned, TEMPLATE, "lanh-dao") == []
    assert to_sign_on_approval(_at_approval(_result(signers=("lanh-dao",))), ON_APPROVAL, "lanh-dao") == []


def test_a_result_issued_by_another_system_is_its_issuers_and_none_is_said_explicitly():
    external = _at_approval(_result(number="", issuer="Phần mềm chuyên ngành"))
    assert _apply(external, "phe_duyet", TEMPLATE).step_id == "phat_hanh"
    assert to_sign_on_approval(external, ON_APPROVAL, "lanh-dao") == []
    assert _apply(_at_approval(), "phe_duyet", ResultRule(ResultKind.NONE, signed=False)).step_id == "phat_hanh"


def test_other_actions_are_not_held_up_and_the_refusal_path_stays_open():
    d = _at_approval()
    assert _apply(d, "tra_lai_phong", TEMPLATE, reason="Xem lại").step_id == "duyet_phong"
    assert _apply(d, "tu_choi", TEMPLATE, reason="Không đủ điều kiện").status == 8


def test_the_rule_comes_from_the_procedure_and_an_unknown_procedure_gets_the_strictest():
    procedure = Procedure(code="1.1", name="T", field_code="F", field_name="F", process_code="QT",
                          result_kind=ResultKind.UPLOAD, result_signed=False, sign_on_approval=True)
    assert ResultRule.of(procedure) == ResultRule(ResultKind.UPLOAD, False, True)
    assert ResultRule.of(None) == ResultRule(ResultKind.TEMPLATE, True, False)
    assert Procedure(code="1.1", name="T", field_code="F", field_name="F", process_code="QT").result_kind \
        is ResultKind.TEMPLATE
