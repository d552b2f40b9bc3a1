"""The printed forms of FR-19, following the annex forms of Circular 01/2018/TT-VPCP (the
one-stop mechanism's forms, kept by Decree 118/2025/NĐ-CP's practice):

========================  =========  ====================================================
form                      annex      printable when
========================  =========  ====================================================
``tiep-nhan``             Mẫu số 01  the dossier was received (receipt and appointment slip)
``yeu-cau-bo-sung``       Mẫu số 02  a supplement or correction was requested
``tu-choi``               Mẫu số 03  intake or the result was refused
``xin-loi``               Mẫu số 04  the deadline was extended (apology, new appointment)
``kiem-soat``             Mẫu số 05  the dossier was received (process control sheet,
                                     built from the dossier's real audit trail)
========================  =========  ====================================================

Each is rendered from the stored dossier and its events whenever asked — printed at the step
and reprinted later with the same content — and carries a QR code to the public lookup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.documents import pdf
from chalicelib.domain.catalogue import Procedure, Unit
from chalicelib.domain.dossier import AuditEvent, Dossier
from chalicelib.domain.process import ActionKind, ProcessDefinition
from chalicelib.domain.roles import Role

DELIVERY_PLACES = {"0": "Bộ phận Một cửa (nhận trực tiếp)", "1": "Nhận qua dịch vụ bưu chính công ích",
                   "2": "Nhận kết quả điện tử (Cổng Dịch vụ công quốc gia)"}


class FormNotAvailable(Exception):
    """The dossier has not reached the step this form belongs to."""


@dataclass(frozen=True)
class FormContext:
    dossier: Dossier
    events: Sequence[AuditEvent]
    unit: Unit | None
    parent_agency: str
    place: str
    procedure: Procedure | None
    process: ProcessDefinition | None
    lookup_url: str
    check_token: str
    printed_at: dt.datetime

    @property
    def agency(self) -> str:
        return self.unit.name if self.unit else self.dossier.unit_code

    def last(self, *kinds: ActionKind) -> AuditEvent | None:
        wanted = {k.value for k in kinds}
        return next((e for e in reversed(self.events) if e.action in wanted), None)

    def step_name(self, step_id: str | None) -> str:
        if not step_id or self.process is None:
            return step_id or ""
        try:
            return self.process.step(step_id).name
        except KeyError:
            return step_id


def _head(ctx: FormContext, number: str) -> pdf.Letterhead:
    return pdf.Letterhead(ctx.parent_agency, ctx.agency, number, ctx.place, ctx.printed_at)


def _applicant(ctx: FormContext) -> list[Any]:
    a = ctx.dossier.applicant
    return [
        pdf.para(f"Hồ sơ của: <b>{pdf.text(a.name)}</b>", "left"),
        pdf.para(f"Số định danh cá nhân / mã số doanh nghiệp: {pdf.text(a.id_number)}", "left"),
        pdf.para(f"Địa chỉ: {pdf.text(a.address or '—')}", "left"),
        pdf.para(f"Số điện thoại: {pdf.text(a.phone or '—')}     Email: {pdf.text(a.email or '—')}", "left"),
        pdf.para(f"Nội dung yêu cầu giải quyết: {pdf.text(ctx.dossier.procedure_name)}"
                 + (f" — {pdf.text(ctx.dossier.summary)}" if ctx.dossier.summary
                    and ctx.dossier.summary != ctx.dossier.procedure_name else ""), "left"),
    ]


def _lookup(ctx: FormContext) -> Any:
    return pdf.lookup_box(ctx.lookup_url, f"Tra cứu tình trạng hồ sơ: quét mã QR hoặc nhập mã hồ sơ "
                                          f"{ctx.dossier.code} và mã tra cứu {ctx.check_token} tại {ctx.lookup_url}")


def _officer(event: AuditEvent | None) -> str:
    return event.actor.name if event else ""


def receipt(ctx: FormContext) -> list[Any]:
    d = ctx.dossier
    if d.received_at is None:
        raise FormNotAvailable("not received")
    received = ctx.last(ActionKind.RECEIVE) or (ctx.events[0] if ctx.events else None)
    documents = ctx.procedure.required_documents if ctx.procedure else []
    submitted = {doc.component_code for doc in d.documents if doc.kind == "submitted" and not doc.deleted}
    rows = [[str(i), doc.name, doc.copies, "01" if doc.code in submitted or not submitted else "—"]
            for i, doc in enumerate(documents, 1)]
    rows += [[str(len(rows) + i), doc.name, "Bản điện tử", "01"] for i, doc in enumerate(
        [x for x in d.documents if x.kind == "submitted" and not x.deleted
         and x.component_code not in {r.code for r in documents}], 1)]
    deadline = ctx.procedure.legal_deadline if ctx.procedure else None
    flow: list[Any] = [
        pdf.letterhead(_head(ctx, f"Số: {d.code}")),
        *pdf.title("Giấy tiếp nhận hồ sơ và hẹn trả kết quả", f"Mã hồ sơ: {d.code}"),
        pdf.para(f"Bộ phận tiếp nhận và trả kết quả {pdf.text(ctx.agency)} đã tiếp nhận hồ sơ:", "left"),
        *_applicant(ctx),
        pdf.para("1. Thành phần hồ sơ nộp gồm:", "left"),
        pdf.grid(["TT", "Tên giấy tờ", "Hình thức (bản chính, bản sao, bản điện tử)", "Số lượng"],
                 rows or [["1", "Hồ sơ theo quy định", "—", "01"]], [0.07, 0.53, 0.28, 0.12]),
        pdf.para("2. Số lượng hồ sơ: 01 (bộ)", "left"),
        pdf.para("3. Thời gian giải quyết hồ sơ theo quy định là: "
                 + (pdf.text(deadline.label) if deadline else "—"), "left"),
        pdf.para(f"4. Thời gian nhận hồ sơ: {pdf.time_vn(d.received_at)}", "left"),
        pdf.para(f"5. Thời gian trả kết quả giải quyết hồ sơ: <b>{pdf.time_vn(d.due_at)}</b>", "left"),
        pdf.para(f"6. Đăng ký nhận kết quả tại: {pdf.text(DELIVERY_PLACES.get(d.result_delivery, '—'))}", "left"),
        pdf.para(f"Mã tra cứu hồ sơ: <b>{pdf.text(ctx.check_token)}</b>", "left"),
        pdf.signatures(("Người nộp hồ sơ", "(Ký và ghi rõ họ tên)", d.applicant.name),
                       ("Người tiếp nhận hồ sơ", "(Ký và ghi rõ họ tên)", _officer(received))),
        _lookup(ctx),
    ]
    return flow


def supplement(ctx: FormContext) -> list[Any]:
    event = ctx.last(ActionKind.REQUEST_SUPPLEMENT, ActionKind.REQUEST_CORRECTION)
    if event is None:
        raise FormNotAvailable("no supplement request")
    return [
        pdf.letterhead(_head(ctx, f"Số: {ctx.dossier.code}/BS")),
        *pdf.title("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", f"Mã hồ sơ: {ctx.dossier.code}"),
        *_applicant(ctx),
        pdf.para(f"Ngày yêu cầu: {pdf.time_vn(event.at)}", "left"),
        pdf.para("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", "left"),
        pdf.para(f"<b>{pdf.text(event.note)}</b>"),
        pdf.para("Thời hạn giải quyết tạm dừng trong thời gian chờ bổ sung và được tính lại kể từ khi nhận đủ hồ sơ "
                 "theo quy định."),
        pdf.para(f"Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, ông/bà liên hệ {pdf.text(event.actor.name)} "
                 f"({pdf.text(ctx.agency)}) để được hướng dẫn."),
        pdf.signatures(("Người hướng dẫn", "(Ký và ghi rõ họ tên)", event.actor.name)),
        _lookup(ctx),
    ]


def refusal(ctx: FormContext) -> list[Any]:
    event = ctx.last(ActionKind.REFUSE_INTAKE, ActionKind.REFUSE)
    if event is None:
        raise FormNotAvailable("not refused")
    at_intake = event.action == ActionKind.REFUSE_INTAKE.value
    return [
        pdf.letterhead(_head(ctx, f"Số: {ctx.dossier.code}/TC")),
        *pdf.title("Phiếu từ chối tiếp nhận giải quyết hồ sơ" if at_intake
                   else "Thông báo từ chối giải quyết hồ sơ", f"Mã hồ sơ: {ctx.dossier.code}"),
        pdf.para(f"{pdf.text(ctx.agency)} tiếp nhận hồ sơ của:", "left"),
        *_applicant(ctx),
        pdf.para(f"Qua xem xét, {pdf.text(ctx.agency)} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ "
                 "thể như sau:"),
        pdf.para(f"<b>{pdf.text(event.note)}</b>"),
        pdf.para("Xin thông báo để ông/bà được biết và thực hiện./."),
        pdf.signatures(("Người tiếp nhận hồ sơ" if at_intake else "Người có thẩm quyền", "(Ký và ghi rõ họ tên)",
                        event.actor.name)),
        _lookup(ctx),
    ]


def apology(ctx: FormContext) -> list[Any]:
    event = ctx.last(ActionKind.EXTEND)
    if event is None:
        raise FormNotAvailable("no extension")
    previous = next((e.due_at for e in reversed(ctx.events) if e.seq < event.seq and e.due_at), None)
    return [
        pdf.letterhead(_head(ctx, f"Số: {ctx.dossier.code}/XL")),
        *pdf.title("Phiếu xin lỗi và hẹn lại ngày trả kết quả", f"Mã hồ sơ: {ctx.dossier.code}"),
        pdf.para(f"Ngày {pdf.date_vn(ctx.dossier.received_at)}, {pdf.text(ctx.agency)} tiếp nhận giải quyết hồ sơ "
                 f"của ông/bà {pdf.text(ctx.dossier.applicant.name)}.", "left"),
        pdf.para(f"Nội dung yêu cầu giải quyết: {pdf.text(ctx.dossier.procedure_name)}", "left"),
        pdf.para(f"Thời hạn trả kết quả hẹn trước đây: {pdf.time_vn(previous)}", "left"),
        pdf.para(f"Tuy nhiên đến nay, {pdf.text(ctx.agency)} chưa trả kết quả giải quyết hồ sơ của ông/bà. Lý do: "
                 f"<b>{pdf.text(event.note)}</b>"),
        pdf.para(f"Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của ông/bà. {pdf.text(ctx.agency)} "
                 "xin lỗi ông/bà và sẽ trả kết quả giải quyết hồ sơ vào: "
                 f"<b>{pdf.time_vn(ctx.dossier.due_at)}</b>."),
        pdf.para(f"{pdf.text(ctx.agency)} xin trân trọng thông báo./."),
        pdf.signatures(("Thủ trưởng cơ quan", "(Ký, ghi rõ họ tên và đóng dấu)", "")),
        _lookup(ctx),
    ]


def _role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role  # a system actor (payment platform, flow step…)


def _timeliness(at: dt.datetime, due: dt.datetime | None) -> str:
    if due is None:
        return "—"
    if at.date() < due.date():
        return "Trước hạn"
    return "Đúng hạn" if at <= due else "Quá hạn"


def control_sheet(ctx: FormContext) -> list[Any]:
    d = ctx.dossier
    if d.received_at is None:
        raise FormNotAvailable("not received")
    rows = []
    previous: AuditEvent | None = None
    for event in ctx.events:
        step_due = previous.step_due_at if previous else None
        giver = f"{event.actor.name} ({_role_label(event.actor.role)})"
        receiver = ctx.step_name(event.to_step) + (f" — {event.department}" if event.department else "")
        note = event.label + (f": {event.note}" if event.note else "")
        rows.append([str(event.seq), pdf.time_vn(event.at), giver, receiver, _timeliness(event.at, step_due), note])
        previous = event
    return [
        pdf.letterhead(_head(ctx, f"Số: {d.code}/KS")),
        *pdf.title("Phiếu kiểm soát quá trình giải quyết hồ sơ",
                   f"Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả — mã hồ sơ: {d.code}"),
        pdf.para(f"Cơ quan (bộ phận) giải quyết hồ sơ: {pdf.text(ctx.agency)}", "left"),
        pdf.para(f"Cơ quan phối hợp giải quyết hồ sơ: "
                 f"{pdf.text(', '.join(sorted({c.unit_code for c in d.consultations})) or '—')}", "left"),
        pdf.para(f"Ngày hẹn trả kết quả: {pdf.time_vn(d.due_at)}", "left"),
        pdf.grid(["TT", "Thời gian giao, nhận hồ sơ", "Bên giao", "Bên nhận (bước xử lý)",
                  "Kết quả (trước hạn / đúng hạn / quá hạn)", "Ghi chú"],
                 rows, [0.05, 0.17, 0.22, 0.22, 0.13, 0.21]),
        _lookup(ctx),
    ]


FORMS: dict[str, tuple[str, Callable[[FormContext], list[Any]]]] = {
    "tiep-nhan": ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả", receipt),
    "yeu-cau-bo-sung": ("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", supplement),
    "tu-choi": ("Phiếu từ chối tiếp nhận giải quyết hồ sơ", refusal),
    "xin-loi": ("Phiếu xin lỗi và hẹn lại ngày trả kết quả", apology),
    "kiem-soat": ("Phiếu kiểm soát quá trình giải quyết hồ sơ", control_sheet),
}


def render(form: str, ctx: FormContext) -> bytes:
    name, build = FORMS[form]
    return pdf.build(build(ctx), title_text=f"{name} — {ctx.dossier.code}", subject=ctx.dossier.procedure_name,
                     author=ctx.agency)
