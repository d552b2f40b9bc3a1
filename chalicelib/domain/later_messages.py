"""DVCQG's later messages about a dossier it posted (SPEC §7.1): the citizen's supplement, the
citizen's withdrawal request and a fee paid on DVCQG's payment page. Pure: the request bodies
(checked like the first post: every bad field named, in Vietnamese) and the rules that say what
each message does to the dossier. ``chalicelib.services.dvcqg_messages`` loads and writes.

- a supplement counts only while the dossier waits for one (status 5, its round still open and
  not yet answered online); its files and fees are recorded on the round — the desk receives it
  with the process's own "receive supplement" action, as for a supplement brought to the desk;
- a withdrawal request never withdraws by itself: it waits, pending, for the desk to confirm it
  (the process's withdrawal action) or refuse it with a reason; one pending at a time;
- a fee paid on DVCQG marks the named unpaid fees paid when the amount is exactly theirs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError

from chalicelib.domain.body_errors import field_titles, path
from chalicelib.domain.body_errors import message as error_message
from chalicelib.domain.body_fields import (
    DOSSIER_REF,
    Required50,
    Required100,
    check_body,
    check_dvcqg_datetime,
    line,
    matches,
    optional_line,
    optional_text,
    vnd,
)
from chalicelib.domain.dossier import Dossier, Fee, SupplementRound, WithdrawalRequest
from chalicelib.domain.intake import MAX_FEES, MAX_FILES, LePhiIn, TaiLieuNopIn
from chalicelib.domain.statuses import DEFAULT_CHART, DossierStatus, StatusChart
from chalicelib.errors import FieldError, HosoError, invalid

MAX_NOTE = 2000
DVCQG_SOURCE = "dvcqg"

# The messages' strings, as in the first post (chalicelib.domain.body_fields): blank counts as absent.
Required14 = Annotated[str, StringConstraints(min_length=1, max_length=14), BeforeValidator(line)]
RequiredNote = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NOTE), BeforeValidator(line)]
Optional40 = Annotated[Annotated[str, StringConstraints(max_length=40)] | None, BeforeValidator(optional_line)]
OptionalNote = Annotated[Annotated[str, StringConstraints(max_length=MAX_NOTE)] | None, BeforeValidator(optional_text)]

MessageRef = Annotated[
    Required100,
    matches(DOSSIER_REF, "chỉ gồm chữ cái không dấu, chữ số và các ký tự . _ / -, tối đa 100 ký tự"),
    Field(title="Mã yêu cầu", description="Mã tham chiếu của thông điệp trên DVCQG; gửi lại cùng mã: cùng câu trả "
                                          "lời, không ghi nhận lần hai"),
]
DvcqgTime = Annotated[Required14, AfterValidator(check_dvcqg_datetime)]


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore")

    MaYeuCau: MessageRef
    MaHoSo: Annotated[Optional40, Field(title="Mã hồ sơ do hoso cấp",
                                           description="Nếu có, phải đúng mã hồ sơ của MaHoSoDVCQG")] = None


SUPPLEMENT_EXAMPLE: dict[str, Any] = {
    "MaYeuCau": "BS-2026-000123", "MaHoSo": "G22.99.01.M01-261207-0001", "NgayBoSung": "20261207093000",
    "GhiChu": "Bổ sung bản sao giấy chứng sinh theo yêu cầu.",
    "TaiLieuNop": [{"TepDinhKemId": "BS-TEP-1", "TenTepDinhKem": "giay-chung-sinh.pdf",
                    "MaThanhPhanHoSo": "GCS", "NoiDungBase64": "JVBERi0xLjQKJSVFT0YK"}],
    "DanhSachLePhi": [{"MaPhiLePhi": "LP-BS", "TenPhiLePhi": "Lệ phí cấp bản sao", "Gia": 8000,
                       "LoaiPhiLePhi": "1", "HinhThucThu": "Trực tuyến"}],
}
WITHDRAWAL_EXAMPLE: dict[str, Any] = {"MaYeuCau": "RUT-2026-000045", "NgayYeuCau": "20261207100000",
                                      "LyDo": "Tôi đã nộp nhầm thủ tục, xin rút hồ sơ."}
PAYMENT_EXAMPLE: dict[str, Any] = {"MaYeuCau": "TT-2026-000078", "MaThamChieu": "DVCQG2612070001",
                                   "MaGiaoDich": "GD261207100501123456", "SoTien": 8000,
                                   "ThoiGianThanhToan": "20261207100501", "MaPhiLePhi": ["LP-BS"]}


class SupplementIn(_Message):
    """Hồ sơ bổ sung công dân nộp trên Cổng DVCQG theo yêu cầu bổ sung."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [SUPPLEMENT_EXAMPLE]})

    NgayBoSung: Annotated[DvcqgTime, Field(title="Ngày bổ sung", description="yyyyMMddHHmmss, giờ Việt Nam")]
    GhiChu: Annotated[OptionalNote, Field(title="Ghi chú của công dân")] = None
    DuLieuBieuMau: Annotated[dict[str, Any] | None, Field(title="Dữ liệu biểu mẫu đã sửa",
                                                          description="Toàn bộ dữ liệu eForm sau khi sửa")] = None
    TaiLieuNop: Annotated[list[TaiLieuNopIn], Field(max_length=MAX_FILES, title="Tài liệu bổ sung")] = []
    DanhSachLePhi: Annotated[list[LePhiIn], Field(max_length=MAX_FEES, title="Phí, lệ phí bổ sung")] = []


class WithdrawalIn(_Message):
    """Yêu cầu rút hồ sơ công dân gửi trên Cổng DVCQG (chờ Bộ phận Một cửa xác nhận)."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [WITHDRAWAL_EXAMPLE]})

    NgayYeuCau: Annotated[DvcqgTime, Field(title="Ngày yêu cầu", description="yyyyMMddHHmmss, giờ Việt Nam")]
    LyDo: Annotated[RequiredNote, Field(title="Lý do rút hồ sơ")]


class DvcqgPaymentIn(_Message):
    """Phí, lệ phí công dân đã nộp trên trang thanh toán của Cổng DVCQG (đối chiếu với cổng thanh toán)."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [PAYMENT_EXAMPLE]})

    MaThamChieu: Annotated[MessageRef, Field(title="Mã tham chiếu trên cổng thanh toán")]
    MaGiaoDich: Annotated[Required100, Field(title="Mã giao dịch của cổng thanh toán")]
    SoTien: Annotated[int, BeforeValidator(vnd), Field(title="Số tiền", description="Số tiền (đồng)")]
    ThoiGianThanhToan: Annotated[DvcqgTime, Field(title="Thời gian thanh toán")]
    MaPhiLePhi: Annotated[list[Required50], Field(min_length=1, max_length=MAX_FEES,
                                                     title="Các khoản phí, lệ phí đã nộp")]


_TITLES = field_titles(SupplementIn, WithdrawalIn, DvcqgPaymentIn, TaiLieuNopIn, LePhiIn)


def parse(model: type[_Message], raw: Any) -> Any:
    """The message, or 422 naming every bad field (the first post's wording)."""
    try:
        body = model.model_validate(check_body(raw))
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if any(e["type"] == "hoso_file_too_large" for e in errors):
            raise HosoError("PAYLOAD_TOO_LARGE", "Tệp đính kèm vượt quá kích thước cho phép.", 413,
                            errors=[FieldError(path(e["loc"]), error_message(e, _TITLES)) for e in errors]) from None
        raise invalid([FieldError(path(e["loc"]), error_message(e, _TITLES)) for e in errors],
                      "Dữ liệu thông điệp không hợp lệ.") from None
    if isinstance(body, SupplementIn) and not body.TaiLieuNop and body.DuLieuBieuMau is None:
        raise invalid([FieldError("TaiLieuNop", "Hồ sơ bổ sung phải có tài liệu hoặc dữ liệu biểu mẫu đã sửa.")],
                      "Dữ liệu thông điệp không hợp lệ.")
    return body


def check_names(dossier: Dossier, message: _Message) -> None:
    """A message naming hoso's code must name this dossier's (it never reaches another one)."""
    if message.MaHoSo is not None and message.MaHoSo != dossier.code:
        raise HosoError("DOSSIER_MISMATCH", "Mã hồ sơ (MaHoSo) không khớp hồ sơ của MaHoSoDVCQG.", 409)


def fee_lines(lines: list[LePhiIn]) -> list[Fee]:
    return [Fee(code=f.MaPhiLePhi, name=f.TenPhiLePhi, amount=f.Gia, kind=f.LoaiPhiLePhi or "",
                collection=f.HinhThucThu or "") for f in lines]


# -- supplement -------------------------------------------------------------------------------------


def open_round(dossier: Dossier) -> SupplementRound:
    """The round the citizen may answer online now; 409 otherwise."""
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED or not dossier.supplements \
            or dossier.supplements[-1].received_at is not None:
        raise HosoError("NOT_AWAITING_SUPPLEMENT", "Hồ sơ không ở trạng thái chờ bổ sung.", 409)
    last = dossier.supplements[-1]
    if last.submitted_at is not None:
        raise HosoError("SUPPLEMENT_ALREADY_SUBMITTED",
                        "Công dân đã nộp hồ sơ bổ sung cho yêu cầu này; đang chờ Bộ phận Một cửa tiếp nhận.", 409)
    return last


def supplement_update(dossier: Dossier, *, docs: list[Any], fees: list[Fee], note: str,
                      form_data: dict[str, Any] | None, at: dt.datetime) -> dict[str, Any]:
    """The dossier's fields after the online supplement: the round answered (files, fees, note),
    the files among the dossier's documents (from DVCQG), new fees among its fees."""
    last = open_round(dossier)
    answered = last.model_copy(update={
        "submitted_at": at, "submitted_via": DVCQG_SOURCE, "submitted_note": note,
        "submitted_documents": [d.id for d in docs], "submitted_fees": fees})
    known = {f.code for f in dossier.fees}
    update: dict[str, Any] = {
        "supplements": [*dossier.supplements[:-1], answered],
        "documents": [*dossier.documents, *(d.model_copy(update={"source": DVCQG_SOURCE, "supplement_id": last.id})
                                             for d in docs)],
        "fees": [*dossier.fees, *(f for f in fees if f.code not in known)],
    }
    if form_data is not None:
        update["form_data"] = form_data
    return update


def awaiting_desk(dossier: Dossier) -> bool:
    """Supplemented online, waiting for the desk to receive it (the desk's "supplemented" list)."""
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED or not dossier.supplements:
        return False
    last = dossier.supplements[-1]
    return last.submitted_at is not None and last.received_at is None


# -- withdrawal ---------------------------------------------------------------------------------------


def pending_withdrawal(dossier: Dossier) -> WithdrawalRequest | None:
    return next((w for w in dossier.withdrawal_requests if w.state == "pending"), None)


def request_withdrawal(dossier: Dossier, message: WithdrawalIn, requested_at: dt.datetime, at: dt.datetime,
                       chart: StatusChart = DEFAULT_CHART) -> list[WithdrawalRequest]:
    """The dossier's withdrawal requests with this one pending; 409 when it cannot be withdrawn."""
    if chart.is_terminal(dossier.status) or not chart.allows(dossier.status, DossierStatus.WITHDRAWN):
        raise HosoError("WITHDRAWAL_NOT_ALLOWED", "Hồ sơ ở trạng thái này không thể rút.", 409)
    if pending_withdrawal(dossier) is not None:
        raise HosoError("WITHDRAWAL_PENDING", "Hồ sơ đang có yêu cầu rút chờ Bộ phận Một cửa xác nhận.", 409)
    request = WithdrawalRequest(id=message.MaYeuCau, reason=message.LyDo, requested_at=requested_at, received_at=at)
    return [*dossier.withdrawal_requests, request]


def decide_withdrawal(dossier: Dossier, *, confirm: bool, officer_name: str, reason: str,
                      at: dt.datetime) -> list[WithdrawalRequest]:
    """The withdrawal requests with the pending one confirmed or refused (a refusal needs a reason)."""
    pending = pending_withdrawal(dossier)
    if pending is None:
        raise HosoError("NO_PENDING_WITHDRAWAL", "Hồ sơ không có yêu cầu rút đang chờ xác nhận.", 409)
    if not confirm and not reason.strip():
        raise HosoError("REASON_REQUIRED", "Vui lòng nhập lý do từ chối.", 422,
                        errors=[FieldError("reason", "Vui lòng nhập lý do từ chối.")])
    decided = pending.model_copy(update={"state": "confirmed" if confirm else "refused", "decided_by": officer_name,
                                         "decided_at": at, "refusal_reason": "" if confirm else reason.strip()})
    return [decided if w.id == pending.id else w for w in dossier.withdrawal_requests]


# -- fee paid on DVCQG ------------------------------------------------------------------------------------


def paid_fees(fees: list[Fee], message: DvcqgPaymentIn) -> list[Fee]:
    """``fees`` with the message's fees marked paid: each must be an unpaid fee of the dossier and
    the amount exactly theirs (422 / 409 otherwise)."""
    by_code: Mapping[str, Fee] = {f.code: f for f in fees}
    codes = list(dict.fromkeys(message.MaPhiLePhi))
    unknown = [c for c in codes if c not in by_code]
    if unknown:
        raise invalid([FieldError("MaPhiLePhi", f"Hồ sơ không có khoản phí, lệ phí: {', '.join(unknown)}.")],
                      "Dữ liệu thông điệp không hợp lệ.")
    already = [c for c in codes if by_code[c].paid]
    if already:
        raise HosoError("FEE_ALREADY_PAID", f"Khoản phí, lệ phí đã được nộp trước đó: {', '.join(already)}.", 409)
    due = sum(by_code[c].amount for c in codes)
    if message.SoTien != due:
        raise invalid([FieldError("SoTien", f"Số tiền phải bằng tổng các khoản đã nộp ({due} đồng).")],
                      "Dữ liệu thông điệp không hợp lệ.")
    return [f.model_copy(update={"paid": True}) if f.code in codes else f for f in fees]
