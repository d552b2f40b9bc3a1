"""``tra-ket-qua``: the delivery slip (Phiếu giao nhận kết quả giải quyết hồ sơ) printed when the
one-stop desk hands the result over (FR-18.4, FR-19) — built from the desk's delivery record
(``documents.delivery``): who received it (the applicant or the proxy with the authorisation),
their identity paper checked, the originals compared, the fee receipt and the time, with the
results handed over. Offered only after the delivery; reprinted later with the same content."""

from __future__ import annotations

from typing import Any

from chalicelib.documents import delivery
from chalicelib.documents.forms import FormContext, FormNotAvailable, _applicant, _head, _lookup, pdf


def build(ctx: FormContext) -> list[Any]:
    d = ctx.dossier
    desk = delivery.get_desk(d.code)
    attempt = next((a for a in reversed(desk.attempts) if a.outcome == "delivered"), None) if desk else None
    if desk is None or attempt is None:
        raise FormNotAvailable("not delivered at the desk")
    r = attempt.receiver
    names = {doc.code: doc.name for doc in (ctx.procedure.required_documents if ctx.procedure else [])}
    results = [doc for doc in d.documents if doc.kind == "result" and not doc.deleted]
    rows = [[str(i), pdf.text(doc.name), "Bản giấy và bản điện tử"] for i, doc in enumerate(results, 1)]
    receipts = [f"Biên lai số {pdf.text(f'{x.symbol} {x.number}'.strip())}: {delivery.money(x.amount)} "
                f"({delivery.PAYMENT_METHODS[x.method]})" for x in desk.receipts]
    paid = [f for f in d.fees if f.paid]
    flow: list[Any] = [
        pdf.letterhead(_head(ctx, f"Số: {d.code}/TKQ")),
        *pdf.title("Phiếu giao nhận kết quả giải quyết hồ sơ", f"Mã hồ sơ: {d.code}"),
        pdf.para(f"Bộ phận tiếp nhận và trả kết quả {pdf.text(ctx.agency)} trả kết quả giải quyết hồ sơ:", "left"),
        *_applicant(ctx),
        pdf.para("1. Kết quả giải quyết hồ sơ đã giao:", "left"),
        pdf.grid(["TT", "Tên kết quả", "Hình thức"], rows or [["1", pdf.text(d.procedure_name), "—"]],
                 [0.08, 0.62, 0.30]),
        pdf.para(f"2. Người nhận kết quả: <b>{pdf.text(r.name)}</b>, số định danh cá nhân {pdf.text(r.id_number)}"
                 + (f", điện thoại {pdf.text(r.phone)}" if r.phone else ""), "left"),
        pdf.para("   Nhận thay chủ hồ sơ theo: " + pdf.text(r.authorisation) if attempt.proxy
                 else "   Chủ hồ sơ trực tiếp nhận kết quả.", "left"),
        pdf.para("3. Giấy tờ tùy thân của người nhận: " + ("đã kiểm tra" if attempt.id_checked else "—"), "left"),
        pdf.para("4. Đối chiếu bản chính: " + ("; ".join(pdf.text(names.get(c, c)) for c in attempt.originals)
                                               if attempt.originals else "đã đối chiếu"), "left"),
        pdf.para("5. Phí, lệ phí: " + ("; ".join(receipts) if receipts else
                                      "đã nộp" if paid else "không phải nộp khi nhận kết quả"), "left"),
        pdf.para(f"6. Thời gian trả kết quả: <b>{pdf.time_vn(attempt.at)}</b> (ngày hẹn trả: "
                 f"{pdf.time_vn(d.due_at)})", "left"),
    ]
    if attempt.note:
        flow.append(pdf.para(f"Ghi chú: {pdf.text(attempt.note)}", "left"))
    flow += [
        pdf.signatures(("Người nhận kết quả", "(Ký và ghi rõ họ tên)", r.name),
                       ("Người trả kết quả", "(Ký và ghi rõ họ tên)", attempt.by_name)),
        _lookup(ctx),
    ]
    return flow
