"""Self-service kiosks (SPEC §7.9) — the pure rules: what a kiosk sends and gets, its limits.

A kiosk is an integration client of kind ``kiosk`` registered to one unit. What it may show is
public already (the unit's procedures: documents, fees, deadlines, the eForm) or proven by the
citizen standing at it: a dossier's status or receipt needs the dossier's code **and** its check
token (typed from the receipt, or the receipt's QR code scanned), exactly like the public lookup.
What it sends (an intake draft) it never reads back: the desk officer completes it.
"""

from __future__ import annotations

import re
import secrets
import urllib.parse
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.domain.calendar import Duration
from chalicelib.domain.catalogue import FeeItem, Procedure, RequiredDocument
from chalicelib.domain.eform import EFormSchema
from chalicelib.errors import HosoError

# Requests per minute, per device (stored counters, ``chalicelib.kiosks.store.consume``).
DEVICE_PER_MINUTE = 60  # every kiosk route together
LOOKUPS_PER_MINUTE = 10  # status lookups and receipt reprints (each tries a check token)
DRAFTS_PER_MINUTE = 3  # intake drafts (each lands in the desk's list)
MAX_UNIT_DRAFTS = 200  # kiosk drafts waiting at one unit's desk
DRAFT_TTL_S = 7 * 24 * 3600  # a kiosk draft nobody took is gone after a week
MAX_DRAFT_BYTES = 64 * 1024
TICKET_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: read aloud, typed at the desk
TICKET_LENGTH = 8
TICKET = re.compile(rf"[{TICKET_ALPHABET}]{{{TICKET_LENGTH}}}")
KIOSK_KEY = "_KiOt"  # in a draft's data: which kiosk made it, its ticket
OFFICER_DRAFT_PREFIX = "kiosk-"  # the officer's draft id of a ticket taken at the desk

FEE_COLLECTED = {"on_receipt": "Nộp khi tiếp nhận hồ sơ", "after_appraisal": "Nộp sau khi thẩm định hồ sơ",
                 "on_delivery": "Nộp khi nhận kết quả"}
ONLINE_LEVELS = {"full": "Dịch vụ công trực tuyến toàn trình", "partial": "Dịch vụ công trực tuyến một phần",
                 "info": "Chỉ cung cấp thông tin"}


def rate_limited(what: str) -> HosoError:
    return HosoError("KIOSK_RATE_LIMITED", f"Ki-ốt này đã gửi quá nhiều {what} trong một phút. Vui lòng chờ một "
                                           "phút rồi thử lại.", 429)


def not_a_kiosk() -> HosoError:
    return HosoError("FORBIDDEN_CAPABILITY", "Chỉ ki-ốt tự phục vụ đã đăng ký với một đơn vị được gọi API này.", 403)


def new_ticket() -> str:
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))


def normalise_ticket(text: str) -> str:
    """Tickets are read off paper: case, spaces, dashes and look-alike letters don't matter."""
    return re.sub(r"[\s-]", "", text).upper().replace("O", "0").replace("I", "1").replace("L", "1")


# --- guidance -------------------------------------------------------------------------------


class KioskProcedureSummary(BaseModel):
    code: str = Field(description="Mã thủ tục")
    name: str
    field_name: str = Field(description="Lĩnh vực")
    deadline: str | None = Field(None, description="Thời hạn giải quyết, ví dụ “5 ngày làm việc”")


class KioskDocument(BaseModel):
    name: str
    copies: str = Field(description="Số lượng, bản chính hay bản sao")
    required: bool


class KioskFee(BaseModel):
    name: str
    amount: int = Field(description="Số tiền (đồng)")
    when: str = Field(description="Thời điểm nộp")


class KioskProcedure(KioskProcedureSummary):
    legal_deadline: Duration | None
    online_level: str = Field(description="Mức độ dịch vụ công trực tuyến")
    documents: list[KioskDocument] = Field(description="Thành phần hồ sơ phải nộp")
    fees: list[KioskFee] = Field(description="Phí, lệ phí")
    guidance: list[str] = Field(description="Hướng dẫn thực hiện, từng bước, để hiển thị trên ki-ốt")
    eform: EFormSchema | None = Field(description="Biểu mẫu điện tử (tờ khai) của thủ tục")


class KioskProcedures(BaseModel):
    unit_code: str
    unit_name: str
    items: list[KioskProcedureSummary]


def offered_by(procedure: Procedure, unit_code: str) -> bool:
    """A unit receives a procedure that names it, or one that names no unit (every unit)."""
    return not procedure.unit_codes or unit_code in procedure.unit_codes


def summary(procedure: Procedure) -> KioskProcedureSummary:
    return KioskProcedureSummary(code=procedure.code, name=procedure.name, field_name=procedure.field_name,
                                 deadline=procedure.legal_deadline.label if procedure.legal_deadline else None)


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def _document(doc: RequiredDocument) -> KioskDocument:
    return KioskDocument(name=doc.name, copies=doc.copies, required=doc.required)


def _fee(fee: FeeItem) -> KioskFee:
    return KioskFee(name=fee.name, amount=fee.amount, when=FEE_COLLECTED.get(fee.collected, "Theo hướng dẫn của "
                                                                                           "cán bộ một cửa"))


def guidance(procedure: Procedure, unit_name: str) -> list[str]:
    """The steps a citizen follows, from the catalogue alone (nothing invented)."""
    required = [d.name for d in procedure.required_documents if d.required]
    steps = [f"Chuẩn bị hồ sơ gồm: {'; '.join(required)}." if required else
             "Thủ tục không yêu cầu giấy tờ bắt buộc; mang theo giấy tờ tùy thân."]
    steps.append("Khai tờ khai trên ki-ốt (mục “Khai trước tờ khai”) để nhận phiếu; hoặc khai tại quầy.")
    steps.append(f"Nộp hồ sơ tại Bộ phận Một cửa — {unit_name}; cán bộ kiểm tra và cấp Giấy tiếp nhận hồ sơ và hẹn "
                 "trả kết quả (có mã tra cứu và mã QR).")
    fees = [f"{f.name}: {_money(f.amount)} ({FEE_COLLECTED.get(f.collected, '').lower() or 'theo hướng dẫn'})"
            for f in procedure.fees]
    steps.append(f"Nộp phí, lệ phí — {'; '.join(fees)}." if fees else "Thủ tục không thu phí, lệ phí.")
    if procedure.legal_deadline:
        steps.append(f"Thời hạn giải quyết: {procedure.legal_deadline.label} kể từ khi nhận đủ hồ sơ hợp lệ.")
    steps.append("Tra cứu tình trạng hồ sơ, in lại giấy tiếp nhận trên ki-ốt bằng mã hồ sơ và mã tra cứu, hoặc quét "
                 "mã QR trên giấy tiếp nhận.")
    return steps


def detail(procedure: Procedure, unit_name: str, eform: EFormSchema | None) -> KioskProcedure:
    return KioskProcedure(
        **summary(procedure).model_dump(), legal_deadline=procedure.legal_deadline,
        online_level=ONLINE_LEVELS.get(procedure.online_level, procedure.online_level),
        documents=[_document(d) for d in procedure.required_documents], fees=[_fee(f) for f in procedure.fees],
        guidance=guidance(procedure, unit_name), eform=eform,
    )


# --- what the citizen proves: code + token, or the receipt's QR -----------------------------

MAX_CODE = 64
MAX_TOKEN = 32
MAX_QR = 1024


def _invalid_qr() -> HosoError:
    return HosoError("INVALID_QR", "Mã QR không phải mã tra cứu hồ sơ in trên giấy tiếp nhận.", 422)


def parse_qr(text: str) -> tuple[str, str]:
    """``(code, token)`` from the QR printed on every form: the public lookup link
    ``…/v1/public/dossiers/<code>?token=<token>`` (``chalicelib.documents.lookup.lookup_url``)."""
    parts = urllib.parse.urlsplit(text.strip())
    match = re.search(r"/v1/public/dossiers/([^/?#]+)$", parts.path)
    tokens = urllib.parse.parse_qs(parts.query).get("token", [])
    if match is None or len(tokens) != 1:
        raise _invalid_qr()
    code = urllib.parse.unquote(match.group(1))
    if not code or len(code) > MAX_CODE or not tokens[0] or len(tokens[0]) > MAX_TOKEN:
        raise _invalid_qr()
    return code, tokens[0]


class ProofIn(BaseModel):
    """What the citizen brought: the dossier code and check token from the receipt, or the receipt's
    QR code as the kiosk's scanner read it. Never in the URL (paths and queries are logged)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"code": "000.00.13.H29-260105-0001", "token": "7K3QX9MA"},
        {"qr": "https://hoso.example.gov.vn/v1/public/dossiers/000.00.13.H29-260105-0001?token=7K3QX9MA"},
    ]})

    code: str | None = Field(None, min_length=1, max_length=MAX_CODE, description="Mã hồ sơ (trên giấy tiếp nhận)")
    token: str | None = Field(None, min_length=1, max_length=MAX_TOKEN, description="Mã tra cứu (8 ký tự)")
    qr: str | None = Field(None, min_length=1, max_length=MAX_QR, description="Nội dung mã QR trên giấy tiếp nhận")

    @model_validator(mode="after")
    def _one_proof(self) -> ProofIn:
        if (self.qr is None) == (self.code is None or self.token is None) or (self.qr and (self.code or self.token)):
            raise ValueError("code + token, or qr")
        return self

    def proof(self) -> tuple[str, str]:
        if self.qr is not None:
            return parse_qr(self.qr)
        assert self.code is not None and self.token is not None  # the validator above
        return self.code.strip(), self.token


# --- intake drafts made at the kiosk --------------------------------------------------------

_Short = Field(None, max_length=255)


class KioskDraftIn(BaseModel):
    """The desk body as the citizen typed it at the kiosk (``DeskDossierIn``'s applicant fields and
    the eForm's data, unchecked: the desk officer checks and completes it). The unit is the kiosk's."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "MaTTHC": "1.001193", "LoaiDoiTuong": "1", "ChuHoSo": "Nguyễn Văn An", "SoGiayToChuHoSo": "079190000001",
        "SoDienThoai": "0903000001", "DuLieuBieuMau": {"nguoi_yeu_cau": {"ho_ten": "Nguyễn Văn An"}},
    }]})

    MaTTHC: str = Field(min_length=1, max_length=32, description="Mã thủ tục")
    LoaiDoiTuong: str | None = Field(None, pattern=r"^[1-3]$")
    ChuHoSo: str | None = _Short
    SoGiayToChuHoSo: str | None = Field(None, max_length=32)
    SoDienThoai: str | None = Field(None, max_length=32)
    Email: str | None = _Short
    DiaChi: str | None = Field(None, max_length=500)
    TrichYeuHoSo: str | None = Field(None, max_length=1000)
    HinhThucNhanKetQua: str | None = Field(None, pattern=r"^[0-2]$")
    DuLieuBieuMau: dict[str, Any] = Field(default_factory=dict, description="Dữ liệu tờ khai như đã nhập")

    def draft_data(self, unit_code: str, kiosk_id: str, kiosk_name: str, ticket: str) -> dict[str, Any]:
        data = {k: v for k, v in self.model_dump().items() if v not in (None, "")}
        data.update(MaDonViTiepNhan=unit_code, KenhThucHien="desk",
                    **{KIOSK_KEY: {"ma": kiosk_id, "ten": kiosk_name, "phieu": ticket}})
        return data


class KioskTicket(BaseModel):
    """What the kiosk prints for the citizen to bring to the desk (never the data it sent)."""

    ticket: str = Field(description="Số phiếu: đọc cho cán bộ một cửa để mở tờ khai đã khai trước")
    procedure_code: str
    procedure_name: str
    unit_name: str
    expires_at: str = Field(description="Phiếu còn hiệu lực đến (DD/MM/YYYY)")
