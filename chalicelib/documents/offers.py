"""Which FR-19 forms a dossier offers, and why not the others (issue 12, item 3: only legally
right documents print). A plain rule over the dossier and its audit trail: the print route
refuses (409 ``FORM_NOT_AVAILABLE``) what it does not offer, and the web app shows only what it
offers. Once offered a form stays offered — printed at its step and reprinted later — except
that nothing undoes a refusal: a dossier refused at intake never gets the receipt that says
"đã tiếp nhận hồ sơ".

========================  ==============================================================
form                      offered when
========================  ==============================================================
``tiep-nhan``             the dossier was received (``received_at``) and not refused at intake
``yeu-cau-bo-sung``       a supplement or correction was requested
``tu-choi``               intake or the result was refused (its title says which)
``gia-han``               the deadline was extended (the ``extend`` action, "gia_han")
``xin-loi``               the dossier is late — finished after its appointment, or still
                          open past it — or its deadline was extended
``kiem-soat``             the dossier was received
``danh-gia``              processing finished (received, then a finishing status)
========================  ==============================================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chalicelib.documents.forms import FORMS, is_late
from chalicelib.domain.dossier import AuditEvent, Dossier
from chalicelib.domain.process import ActionKind
from chalicelib.domain.statuses import DossierStatus

SUPPLEMENT = frozenset({ActionKind.REQUEST_SUPPLEMENT.value, ActionKind.REQUEST_CORRECTION.value})
REFUSAL = frozenset({ActionKind.REFUSE_INTAKE.value, ActionKind.REFUSE.value})
EXTENSION = frozenset({ActionKind.EXTEND.value})
DELIVERED = frozenset({ActionKind.DELIVER_RESULT.value})
BY_POST = "1"  # result_delivery: nhận qua dịch vụ bưu chính công ích


@dataclass(frozen=True)
class Offer:
    """One form and whether this dossier offers it now; ``since`` is the moment it became due
    (its step), ``why`` says in Vietnamese why it is offered or why not."""

    form: str
    name: str
    offered: bool
    why: str
    since: dt.datetime | None = None


def _last(events: Sequence[AuditEvent], kinds: frozenset[str]) -> AuditEvent | None:
    return next((e for e in reversed(events) if e.action in kinds), None)


def _receipt(d: Dossier, events: Sequence[AuditEvent], now: dt.datetime) -> tuple[bool, str, dt.datetime | None]:
    if d.status == DossierStatus.NOT_RECEIVED or _last(events, frozenset({ActionKind.REFUSE_INTAKE.value})):
        return False, "Hồ sơ đã bị từ chối tiếp nhận: không có Giấy tiếp nhận; in Phiếu từ chối tiếp nhận.", None
    if d.received_at is None:
        return False, "Hồ sơ chưa được tiếp nhận: Giấy tiếp nhận chỉ in sau khi tiếp nhận hồ sơ.", None
    return True, "Hồ sơ đã được tiếp nhận.", d.received_at


def _after(kinds: frozenset[str], missing: str, present: str) -> Callable[
        [Dossier, Sequence[AuditEvent], dt.datetime], tuple[bool, str, dt.datetime | None]]:
    def rule(d: Dossier, events: Sequence[AuditEvent], now: dt.datetime) -> tuple[bool, str, dt.datetime | None]:
        event = _last(events, kinds)
        return (True, present, event.at) if event else (False, missing, None)
    return rule


def _apology(d: Dossier, events: Sequence[AuditEvent], now: dt.datetime) -> tuple[bool, str, dt.datetime | None]:
    extension = _last(events, EXTENSION)
    if extension is not None:
        return True, "Hồ sơ đã được gia hạn: xin lỗi và hẹn lại ngày trả kết quả.", extension.at
    if d.received_at is not None and d.status != DossierStatus.NOT_RECEIVED and is_late(d, now):
        return True, "Hồ sơ quá hạn giải quyết.", d.due_at
    return False, "Hồ sơ chưa quá hạn và chưa được gia hạn.", None


def _refusal(d: Dossier, events: Sequence[AuditEvent], now: dt.datetime) -> tuple[bool, str, dt.datetime | None]:
    event = _last(events, REFUSAL)
    if event is None:
        return False, "Hồ sơ không bị từ chối.", None
    at_intake = event.action == ActionKind.REFUSE_INTAKE.value
    return True, "Hồ sơ đã bị từ chối tiếp nhận." if at_intake else "Hồ sơ đã bị từ chối giải quyết.", event.at


def _control(d: Dossier, events: Sequence[AuditEvent], now: dt.datetime) -> tuple[bool, str, dt.datetime | None]:
    if d.received_at is None:
        return False, "Phiếu kiểm soát đi kèm Giấy tiếp nhận: hồ sơ chưa được tiếp nhận.", None
    return True, "Hồ sơ đã được tiếp nhận.", d.received_at


def _evaluation(d: Dossier, events: Sequence[AuditEvent], now: dt.datetime) -> tuple[bool, str, dt.datetime | None]:
    if d.received_at is None or d.finished_at is None:
        return False, "Phiếu đánh giá in khi hồ sơ đã giải quyết xong.", None
    return True, "Hồ sơ đã giải quyết xong.", d.finished_at


def _delivery_slip(d: Dossier, events: Sequence[AuditEvent], now: dt.datetime) -> tuple[bool, str, dt.datetime | None]:
    event = _last(events, DELIVERED)
    if event is None:
        return False, "Phiếu giao nhận in khi Bộ phận Một cửa đã trả kết quả.", None
    if d.result_delivery == BY_POST:
        return False, "Kết quả đã gửi qua bưu chính: bưu điện giữ chứng từ giao nhận.", None
    return True, "Đã trả kết quả tại Bộ phận Một cửa.", event.at


RULES: dict[str, Callable[[Dossier, Sequence[AuditEvent], dt.datetime], tuple[bool, str, dt.datetime | None]]] = {
    "tiep-nhan": _receipt,
    "yeu-cau-bo-sung": _after(SUPPLEMENT, "Chưa có yêu cầu bổ sung, hoàn thiện hồ sơ.",
                              "Đã yêu cầu bổ sung, hoàn thiện hồ sơ."),
    "tu-choi": _refusal,
    "gia-han": _after(EXTENSION, "Hồ sơ chưa được gia hạn thời gian giải quyết.",
                      "Đã gia hạn thời gian giải quyết."),
    "xin-loi": _apology,
    "kiem-soat": _control,
    "danh-gia": _evaluation,
    "tra-ket-qua": _delivery_slip,
}


def _name(form: str, events: Sequence[AuditEvent]) -> str:
    if form == "tu-choi":
        refused = _last(events, REFUSAL)
        if refused is not None and refused.action == ActionKind.REFUSE.value:
            return "Thông báo từ chối giải quyết hồ sơ"
    return FORMS[form][0]


def offer(form: str, dossier: Dossier, events: Sequence[AuditEvent], now: dt.datetime) -> Offer:
    """Whether ``dossier`` offers ``form`` now. A form without a rule here is offered, and its
    own builder refuses it (``FormNotAvailable``) until the dossier reaches its step."""
    rule = RULES.get(form)
    if rule is None:
        return Offer(form, FORMS[form][0], True, "")
    offered, why, since = rule(dossier, events, now)
    return Offer(form, _name(form, events), offered, why, since)


def offers(dossier: Dossier, events: Sequence[AuditEvent], now: dt.datetime) -> list[Offer]:
    """Every form of ``FORMS`` with its verdict, in ``FORMS`` order."""
    return [offer(form, dossier, events, now) for form in FORMS]
