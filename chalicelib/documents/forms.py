"""The printed forms of FR-19, following the annex forms of Circular 01/2018/TT-VPCP (the
one-stop mechanism's forms, kept by Decree 118/2025/NĐ-CP's practice):

========================  =========  ====================================================
form                      annex      printable when
========================  =========  ====================================================
``tiep-nhan``             Mẫu số 01  the dossier was received (receipt and appointment slip)
``yeu-cau-bo-sung``       Mẫu số 02  a supplement or correction was requested
``tu-choi``               Mẫu số 03  intake or the result was refused
``xin-loi``               Mẫu số 04  the dossier is late or its deadline was extended (apology,
                                     new appointment)
``gia-han``               TT 21/2023 the deadline was extended (extension request, with the
                                     reason and the appointment before and after)
``kiem-soat``             Mẫu số 05  the dossier was received (process control sheet,
                                     built from the dossier's real audit trail)
``danh-gia``              FR-5/19    processing finished (evaluation sheet, "thường xuyên":
                                     the figures of the trace, and the applicant's part)
``tra-ket-qua``           FR-18.4    the desk handed the result over (delivery slip, from
                                     the delivery record: ``documents.delivery_slip``)
========================  =========  ====================================================

and the unit's registers over a period (:data:`UNIT_FORMS`):

========================  =========  ====================================================
``so-theo-doi``           Mẫu số 06  the tracking ledger (sổ theo dõi hồ sơ) of the dossiers
                                     received in the period, printed across the page
``danh-gia-dinh-ky``      FR-5/19    the periodic evaluation sheet: received, resolved
                                     early/on time/late, in progress, refused, by procedure
========================  =========  ====================================================

Each is rendered from the stored dossiers and their events whenever asked — printed at the
step and reprinted later with the same content —; the dossier's forms carry a QR code to the
public lookup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.domain.calendar import VN_TZ, WorkingCalendar
from chalicelib.domain.catalogue import Procedure, Unit
from chalicelib.domain.dossier import AuditEvent, Channel, Dossier
from chalicelib.domain.process import ActionKind, ProcessDefinition
from chalicelib.domain.roles import Role
from chalicelib.domain.statuses import DEFAULT_CHART, DossierStatus
from chalicelib.lazy import lazy_import

if TYPE_CHECKING:
    from chalicelib.documents import pdf
else:
    pdf = lazy_import("chalicelib.documents.pdf")  # reportlab: loaded by the first form printed

CHANNELS = {Channel.ONLINE: "Trực tuyến (Cổng Dịch vụ công quốc gia)", Channel.DESK: "Trực tiếp tại Bộ phận Một cửa",
            Channel.POST: "Qua dịch vụ bưu chính công ích", Channel.AUTHORISED: "Qua người được ủy quyền",
            Channel.MOBILE: "Tiếp nhận lưu động, tại chỗ"}
OPINIONS = ("Thời gian giải quyết hồ sơ", "Thái độ, trách nhiệm của cán bộ tiếp nhận, trả kết quả",
            "Hướng dẫn kê khai, hoàn thiện hồ sơ", "Kết quả giải quyết thủ tục hành chính")
BOX = "☐"
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
    calendar: WorkingCalendar

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


def _due_before(ctx: FormContext, event: AuditEvent) -> dt.datetime | None:
    """The appointment the dossier had before ``event`` (the last one recorded earlier)."""
    return next((e.due_at for e in reversed(ctx.events) if e.seq < event.seq and e.due_at), None)


def apology(ctx: FormContext) -> list[Any]:
    """Mẫu số 04: for a dossier that is (or will be) late — with the new appointment when the
    deadline was extended, with a blank one to be written in otherwise."""
    d = ctx.dossier
    event = ctx.last(ActionKind.EXTEND)
    if event is None and not is_late(d, ctx.printed_at):
        raise FormNotAvailable("not late")
    previous = _due_before(ctx, event) if event else d.due_at
    reason = event.note if event else "…" * 40
    new_date = f"<b>{pdf.time_vn(d.due_at)}</b>" if event else "…… giờ …… ngày …… tháng …… năm ……"
    return [
        pdf.letterhead(_head(ctx, f"Số: {d.code}/XL")),
        *pdf.title("Phiếu xin lỗi và hẹn lại ngày trả kết quả", f"Mã hồ sơ: {d.code}"),
        pdf.para(f"Ngày {pdf.date_vn(d.received_at)}, {pdf.text(ctx.agency)} tiếp nhận giải quyết hồ sơ "
                 f"của ông/bà {pdf.text(d.applicant.name)}.", "left"),
        pdf.para(f"Nội dung yêu cầu giải quyết: {pdf.text(d.procedure_name)}", "left"),
        pdf.para(f"Thời hạn trả kết quả hẹn trước đây: {pdf.time_vn(previous)}", "left"),
        pdf.para(f"Tuy nhiên đến nay, {pdf.text(ctx.agency)} chưa trả kết quả giải quyết hồ sơ của ông/bà. Lý do: "
                 f"<b>{pdf.text(reason)}</b>"),
        pdf.para(f"Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của ông/bà. {pdf.text(ctx.agency)} "
                 f"xin lỗi ông/bà và sẽ trả kết quả giải quyết hồ sơ vào: {new_date}."),
        pdf.para(f"{pdf.text(ctx.agency)} xin trân trọng thông báo./."),
        pdf.signatures(("Thủ trưởng cơ quan", "(Ký, ghi rõ họ tên và đóng dấu)", "")),
        _lookup(ctx),
    ]


def extension_request(ctx: FormContext) -> list[Any]:
    """Phiếu đề nghị gia hạn thời gian giải quyết (TT 21/2023/TT-BTTTT as amended by TT
    11/2025/TT-BKHCN, the minimum forms of the system): the processing officer's request to
    extend the time to resolve a dossier, with the reason, the appointment before and after and
    the extension in working days, for the head of the agency to approve."""
    d = ctx.dossier
    event = ctx.last(ActionKind.EXTEND)
    if event is None:
        raise FormNotAvailable("no extension")
    previous = _due_before(ctx, event)
    extended = ctx.calendar.working_days_between(previous, event.due_at) if previous and event.due_at else None
    deadline = ctx.procedure.legal_deadline if ctx.procedure else None
    return [
        pdf.letterhead(_head(ctx, f"Số: {d.code}/GH")),
        *pdf.title("Phiếu đề nghị gia hạn thời gian giải quyết", f"Mã hồ sơ: {d.code}"),
        pdf.para(f"Kính gửi: Thủ trưởng {pdf.text(ctx.agency)}", "left"),
        pdf.para(f"{pdf.text(ctx.step_name(event.from_step) or 'Bộ phận giải quyết')} đề nghị gia hạn thời gian "
                 "giải quyết hồ sơ sau:", "left"),
        *_applicant(ctx),
        pdf.para(f"Ngày tiếp nhận hồ sơ: {pdf.time_vn(d.received_at)}", "left"),
        pdf.para("Thời hạn giải quyết theo quy định: " + (pdf.text(deadline.label) if deadline else "—"), "left"),
        pdf.para(f"Ngày hẹn trả kết quả trước khi gia hạn: {pdf.time_vn(previous)}", "left"),
        pdf.para(f"Lý do đề nghị gia hạn: <b>{pdf.text(event.note)}</b>", "left"),
        pdf.para("Thời gian đề nghị gia hạn: "
                 + (f"<b>{extended} ngày làm việc</b>" if extended is not None else "—"), "left"),
        pdf.para(f"Ngày hẹn trả kết quả mới: <b>{pdf.time_vn(event.due_at)}</b>", "left"),
        pdf.para(f"Ngày đề nghị: {pdf.time_vn(event.at)}", "left"),
        pdf.signatures(("Người đề nghị", "(Ký và ghi rõ họ tên)", event.actor.name),
                       ("Thủ trưởng cơ quan", "(Ký, ghi rõ họ tên và đóng dấu)", "")),
        _lookup(ctx),
    ]


def _role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role  # a system actor (payment platform, flow step…)


def is_late(dossier: Dossier, now: dt.datetime) -> bool:
    """Past its appointment: finished after it, or still open after it."""
    if dossier.due_at is None:
        return False
    return (dossier.finished_at or now) > dossier.due_at


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


def working(minutes: int, per_day: int) -> str:
    """Office time in the officers' words: "2 ngày 3 giờ 15 phút" (days of ``per_day`` minutes)."""
    if minutes <= 0:
        return "0 phút"
    days, rest = divmod(minutes, per_day)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} ngày"] * bool(days) + [f"{hours} giờ"] * bool(hours) + [f"{mins} phút"] * bool(mins)
    return " ".join(parts)


def time_by_department(ctx: FormContext) -> tuple[dict[str, int], int]:
    """Office minutes each department held the dossier between receipt and the end of
    processing, and the total; time waiting for the applicant (supplement, fees) counts for
    nobody — the legal deadline stands still then."""
    d = ctx.dossier
    end = d.finished_at or ctx.printed_at
    spent: dict[str, int] = {}
    events = list(ctx.events)
    for event, following in zip(events, [*events[1:], None], strict=True):
        if event.to_status == DossierStatus.NEW or DEFAULT_CHART.pauses_clock(event.to_status):
            continue
        start, stop = event.at, min(following.at if following else end, end)
        if stop <= start:
            continue
        who = event.department or ctx.step_name(event.to_step)
        spent[who] = spent.get(who, 0) + ctx.calendar.working_minutes_between(start, stop)
    return spent, sum(spent.values())


def evaluation(ctx: FormContext) -> list[Any]:
    d = ctx.dossier
    if d.finished_at is None or d.received_at is None:
        raise FormNotAvailable("not finished")
    per_day = ctx.calendar.minutes_per_day
    spent, total = time_by_department(ctx)
    verdict = _timeliness(d.finished_at, d.due_at)
    if verdict == "Quá hạn" and d.due_at is not None:
        verdict += f" {ctx.calendar.working_days_between(d.due_at, d.finished_at)} ngày làm việc"
    extensions = sum(e.action == ActionKind.EXTEND.value for e in ctx.events)
    corrections = sum(e.action in (ActionKind.REQUEST_SUPPLEMENT.value, ActionKind.REQUEST_CORRECTION.value)
                      for e in ctx.events)
    deadline = ctx.procedure.legal_deadline if ctx.procedure else None
    rows = [
        ["1", "Thời hạn giải quyết theo quy định", deadline.label if deadline else "—"],
        ["2", "Ngày tiếp nhận / ngày hẹn trả / ngày hoàn thành",
         f"{pdf.date_vn(d.received_at)} / {pdf.date_vn(d.due_at)} / {pdf.date_vn(d.finished_at)}"],
        ["3", "Tổng thời gian giải quyết (giờ hành chính, không tính thời gian chờ bổ sung, nộp phí)",
         working(total, per_day)],
        ["4", "Kết quả so với thời hạn", verdict],
        ["5", "Thời gian thực hiện của từng bộ phận",
         "; ".join(f"{who}: {working(m, per_day)}" for who, m in spent.items()) or "—"],
        ["6", "Số lần yêu cầu bổ sung, hoàn thiện hồ sơ", str(corrections)],
        ["7", "Số cơ quan, đơn vị phối hợp giải quyết", str(len({c.unit_code for c in d.consultations}))],
        ["8", "Số lần gia hạn (có phiếu xin lỗi, hẹn lại)", str(extensions)],
        ["9", "Hình thức nộp hồ sơ / nhận kết quả",
         f"{CHANNELS[d.channel]} / {DELIVERY_PLACES.get(d.result_delivery, '—')}"],
    ]
    return [
        pdf.letterhead(_head(ctx, f"Số: {d.code}/ĐG")),
        *pdf.title("Phiếu đánh giá việc giải quyết thủ tục hành chính", f"Mã hồ sơ: {d.code}"),
        *_applicant(ctx),
        pdf.para("<b>I. Kết quả giải quyết theo dữ liệu của hệ thống</b>", "left"),
        pdf.grid(["TT", "Tiêu chí", "Kết quả"], rows, [0.06, 0.5, 0.44]),
        pdf.para("<b>II. Ý kiến đánh giá của tổ chức, cá nhân</b> (đánh dấu vào ô phù hợp)", "left"),
        pdf.grid(["TT", "Nội dung", "Hài lòng", "Bình thường", "Không hài lòng"],
                 [[str(i), item, BOX, BOX, BOX] for i, item in enumerate(OPINIONS, 1)],
                 [0.06, 0.52, 0.14, 0.14, 0.14]),
        pdf.para("Ý kiến khác: " + "." * 150, "left"),
        pdf.signatures(("Người đánh giá", "(Ký và ghi rõ họ tên)", d.applicant.name)),
        _lookup(ctx),
    ]


FORMS: dict[str, tuple[str, Callable[[FormContext], list[Any]]]] = {
    "tiep-nhan": ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả", receipt),
    "yeu-cau-bo-sung": ("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", supplement),
    "tu-choi": ("Phiếu từ chối tiếp nhận giải quyết hồ sơ", refusal),
    "xin-loi": ("Phiếu xin lỗi và hẹn lại ngày trả kết quả", apology),
    "gia-han": ("Phiếu đề nghị gia hạn thời gian giải quyết", extension_request),
    "kiem-soat": ("Phiếu kiểm soát quá trình giải quyết hồ sơ", control_sheet),
    "danh-gia": ("Phiếu đánh giá việc giải quyết thủ tục hành chính", evaluation),
    # after the desk handed the result over (documents.delivery_slip, built from the delivery record)
    "tra-ket-qua": ("Phiếu giao nhận kết quả giải quyết hồ sơ",
                    lambda ctx: lazy_import("chalicelib.documents.delivery_slip").build(ctx)),
}


def render(form: str, ctx: FormContext) -> bytes:
    name, build = FORMS[form]
    return pdf.build(build(ctx), title_text=f"{name} — {ctx.dossier.code}", subject=ctx.dossier.procedure_name,
                     author=ctx.agency)


# --- the unit's registers over a period --------------------------------------------------------
@dataclass(frozen=True)
class RegisterContext:
    unit: Unit
    parent_agency: str
    place: str
    start: dt.date
    end: dt.date
    dossiers: Sequence[Dossier]  # submitted or received in the period, oldest first
    transfers: Mapping[str, dt.datetime]  # when the desk handed each dossier over for processing
    printed_at: dt.datetime

    @property
    def period(self) -> str:
        return f"Từ ngày {pdf.date_vn(self.start)} đến ngày {pdf.date_vn(self.end)}"


def transferred_at(events: Sequence[AuditEvent]) -> dt.datetime | None:
    """When a received dossier left the desk for the processing unit (its first move out of
    status 2)."""
    return next((e.at for e in events if e.from_status == DossierStatus.RECEIVED
                 and e.to_status != DossierStatus.RECEIVED), None)


def _register_head(ctx: RegisterContext, number: str, width: float) -> Any:
    return pdf.letterhead(pdf.Letterhead(ctx.parent_agency, ctx.unit.name, number, ctx.place, ctx.printed_at), width)


def _short(moment: dt.datetime | None) -> str:
    return moment.astimezone(VN_TZ).strftime("%H:%M\n%d/%m/%Y") if moment else ""


def ledger(ctx: RegisterContext) -> list[Any]:
    rows = []
    for i, d in enumerate(ctx.dossiers, 1):
        a = d.applicant
        contact = ", ".join(x for x in (a.address, a.phone) if x)
        note = DossierStatus(d.status).label
        if d.finished_at and d.due_at and d.finished_at > d.due_at:
            note += " (quá hạn)"
        rows.append([str(i), d.code, d.procedure_name, "01", a.name, contact, ctx.unit.name, _short(d.received_at),
                     _short(d.due_at), _short(ctx.transfers.get(d.code)), _short(d.finished_at),
                     _short(d.delivered_at), "", note])
    width = pdf.LANDSCAPE_WIDTH
    return [
        _register_head(ctx, "", width),
        *pdf.title("Sổ theo dõi hồ sơ", ctx.period),
        pdf.grid(["TT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)", "Tên cá nhân, tổ chức",
                  "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Nhận hồ sơ", "Hẹn trả kết quả",
                  "Chuyển hồ sơ đến cơ quan giải quyết", "Nhận kết quả từ cơ quan giải quyết",
                  "Trả kết quả cho cá nhân, tổ chức", "Ký nhận", "Ghi chú"],
                 rows or [["", "Không có hồ sơ trong kỳ", "", "", "", "", "", "", "", "", "", "", "", ""]],
                 [0.025, 0.17, 0.09, 0.03, 0.08, 0.09, 0.065, 0.072, 0.072, 0.072, 0.072, 0.072, 0.035, 0.055],
                 width, small=True),
    ]


@dataclass
class Figures:
    total: int = 0
    not_received: int = 0
    resolved: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    in_progress: int = 0
    in_progress_overdue: int = 0
    refused_intake: int = 0
    stopped: int = 0
    withdrawn: int = 0
    delivered: int = 0
    supplemented: int = 0
    extended: int = 0

    @property
    def timely_rate(self) -> str:
        """The share resolved early or on time ("tỷ lệ đúng hạn"), in per cent."""
        return f"{(self.early + self.on_time) * 100 / self.resolved:.1f}%".replace(".", ",") if self.resolved else "—"


IN_PROGRESS = frozenset({DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.SUPPLEMENT_REQUESTED,
                         DossierStatus.AWAITING_PAYMENT})


def figures(dossiers: Iterable[Dossier], now: dt.datetime) -> tuple[Figures, dict[str, Figures], dict[str, int]]:
    """The period's figures: overall, by procedure, and the number received by each channel."""
    overall = Figures()
    by_procedure: dict[str, Figures] = {}
    channels: dict[str, int] = {}
    for d in dossiers:
        status = DossierStatus(d.status)
        for f in (overall, by_procedure.setdefault(d.procedure_name, Figures())):
            f.total += 1
            f.not_received += status == DossierStatus.NEW
            f.refused_intake += status == DossierStatus.NOT_RECEIVED
            f.stopped += status == DossierStatus.STOPPED
            f.withdrawn += status == DossierStatus.WITHDRAWN
            f.delivered += status == DossierStatus.DELIVERED
            f.supplemented += bool(d.supplements)
            f.extended += d.action_counts.get(ActionKind.EXTEND.value, 0) > 0
            if status in (DossierStatus.PROCESSED, DossierStatus.DELIVERED) and d.finished_at is not None:
                f.resolved += 1
                verdict = _timeliness(d.finished_at, d.due_at)
                f.early += verdict == "Trước hạn"
                f.on_time += verdict in ("Đúng hạn", "—")  # a procedure without a deadline is never late
                f.late += verdict == "Quá hạn"
            elif status in IN_PROGRESS:
                f.in_progress += 1
                f.in_progress_overdue += d.due_at is not None and d.due_at < now
        channels[CHANNELS[d.channel]] = channels.get(CHANNELS[d.channel], 0) + 1
    return overall, by_procedure, channels


def periodic(ctx: RegisterContext) -> list[Any]:
    overall, by_procedure, channels = figures(ctx.dossiers, ctx.printed_at)
    f = overall
    rows = [
        ["1", "Tổng số hồ sơ trong kỳ", str(f.total)],
        ["", "— theo kênh: " + "; ".join(f"{k}: {v}" for k, v in sorted(channels.items())), ""],
        ["", "— chưa tiếp nhận (trực tuyến)", str(f.not_received)],
        ["2", "Số hồ sơ đã giải quyết", str(f.resolved)],
        ["", "— trước hạn", str(f.early)],
        ["", "— đúng hạn", str(f.on_time)],
        ["", "— quá hạn", str(f.late)],
        ["", "Tỷ lệ giải quyết trước hạn và đúng hạn", f.timely_rate],
        ["3", "Số hồ sơ đang giải quyết", str(f.in_progress)],
        ["", "— trong đó đã quá hạn", str(f.in_progress_overdue)],
        ["4", "Số hồ sơ từ chối tiếp nhận", str(f.refused_intake)],
        ["5", "Số hồ sơ dừng xử lý, từ chối giải quyết", str(f.stopped)],
        ["6", "Số hồ sơ rút theo yêu cầu", str(f.withdrawn)],
        ["7", "Số hồ sơ đã trả kết quả", str(f.delivered)],
        ["8", "Số hồ sơ phải bổ sung, hoàn thiện", str(f.supplemented)],
        ["9", "Số hồ sơ được gia hạn", str(f.extended)],
    ]
    per_procedure = [[name, str(x.total), str(x.resolved), str(x.early + x.on_time), str(x.late),
                      str(x.in_progress), x.timely_rate] for name, x in sorted(by_procedure.items())]
    return [
        _register_head(ctx, "", pdf.PAGE_WIDTH),
        *pdf.title("Phiếu đánh giá định kỳ việc giải quyết thủ tục hành chính", ctx.period),
        pdf.para(f"Đơn vị: {pdf.text(ctx.unit.name)}", "left"),
        pdf.grid(["TT", "Chỉ tiêu", "Số lượng"], rows, [0.07, 0.73, 0.2]),
        pdf.para("<b>Theo thủ tục hành chính</b>", "left"),
        pdf.grid(["Thủ tục hành chính", "Tổng số", "Đã giải quyết", "Trước hạn, đúng hạn", "Quá hạn",
                  "Đang giải quyết", "Tỷ lệ đúng hạn"],
                 per_procedure or [["Không có hồ sơ trong kỳ", "", "", "", "", "", ""]],
                 [0.34, 0.1, 0.11, 0.12, 0.09, 0.12, 0.12]),
        pdf.signatures(("Người lập phiếu", "(Ký và ghi rõ họ tên)", ""),
                       ("Thủ trưởng đơn vị", "(Ký, ghi rõ họ tên và đóng dấu)", "")),
    ]


UNIT_FORMS: dict[str, tuple[str, Callable[[RegisterContext], list[Any]], bool]] = {
    "so-theo-doi": ("Sổ theo dõi hồ sơ", ledger, True),
    "danh-gia-dinh-ky": ("Phiếu đánh giá định kỳ việc giải quyết thủ tục hành chính", periodic, False),
}


def render_register(form: str, ctx: RegisterContext) -> bytes:
    name, build, across = UNIT_FORMS[form]
    return pdf.build(build(ctx), title_text=f"{name} — {ctx.unit.name} — {ctx.period}", subject=name,
                     author=ctx.unit.name, across=across)
