"""No result, no issue: the actions that finish a dossier ("Phê duyệt, ký kết quả", "Phát hành")
are refused until the result the procedure states exists, is numbered and — where the procedure
requires it — signed. Pure: the engine calls :func:`check` with the dossier and the procedure's
:class:`ResultRule`.

A result delivered by another system (the specialised software, an agency of a liên thông chain)
is that system's act, numbered and signed by its issuer: hoso does not number or sign it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.catalogue import Procedure, ResultKind
from chalicelib.domain.dossier import DocumentRef, Dossier
from chalicelib.domain.process import ActionKind
from chalicelib.errors import HosoError

GATED = frozenset({ActionKind.APPROVE, ActionKind.ISSUE_RESULT})


@dataclass(frozen=True)
class ResultRule:
    kind: ResultKind = ResultKind.TEMPLATE
    signed: bool = True
    sign_on_approval: bool = False

    @classmethod
    def of(cls, procedure: Procedure | None) -> ResultRule:
        """A procedure missing from the catalogue gets the strictest rule."""
        if procedure is None:
            return cls()
        return cls(procedure.result_kind, procedure.result_signed, procedure.sign_on_approval)


def current_results(dossier: Dossier) -> list[DocumentRef]:
    return [d for d in dossier.documents if d.kind == "result" and not d.deleted]


def to_sign_on_approval(dossier: Dossier, rule: ResultRule, signer_sub: str) -> list[DocumentRef]:
    """The unit's own results the leader's approval signs (none unless the procedure says so)."""
    if not (rule.sign_on_approval and rule.signed) or rule.kind is ResultKind.NONE:
        return []
    return [d for d in current_results(dossier) if not d.issuer and signer_sub not in d.signers]


def check(dossier: Dossier, action: ActionKind, rule: ResultRule, *, signs_now: bool) -> None:
    """409 ``RESULT_MISSING`` / ``RESULT_NOT_NUMBERED`` / ``RESULT_NOT_SIGNED`` when ``action``
    would finish the dossier without its result. ``signs_now``: the actor is an officer whose
    approval signs the result in the same act (the procedure's ``sign_on_approval``)."""
    if action not in GATED or rule.kind is ResultKind.NONE:
        return
    results = current_results(dossier)
    if not results:
        what = "soạn văn bản kết quả từ mẫu" if rule.kind is ResultKind.TEMPLATE else "tải lên văn bản kết quả"
        raise HosoError("RESULT_MISSING", f"Hồ sơ chưa có kết quả giải quyết: vui lòng {what} trước khi phê duyệt "
                                          f"hoặc phát hành.", 409)
    own = [d for d in results if not d.issuer]
    if any(not d.number for d in own):
        raise HosoError("RESULT_NOT_NUMBERED", "Văn bản kết quả chưa được cấp số, ký hiệu.", 409)
    if not rule.signed:
        return
    if signs_now and action is ActionKind.APPROVE and rule.sign_on_approval:
        return
    if any(not d.signers for d in own):
        raise HosoError("RESULT_NOT_SIGNED", "Văn bản kết quả chưa được ký số: vui lòng ký số trước khi phê duyệt "
                                             "hoặc phát hành.", 409)
