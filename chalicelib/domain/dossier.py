"""The dossier (hồ sơ) and its audit event (nhật ký xử lý) as plain typed data."""

from __future__ import annotations

import enum
import unicodedata
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class Channel(enum.StrEnum):
    """How the dossier reached hoso (FR-12.3b). DVCQG's KenhThucHien: 1 desk, 2 online, 3 post."""

    ONLINE = "online"
    DESK = "desk"
    POST = "post"
    AUTHORISED = "authorised"  # nộp qua người được ủy quyền
    MOBILE = "mobile"  # tiếp nhận lưu động / ứng dụng di động

    @property
    def dvcqg_code(self) -> str:
        return {"online": "2", "post": "3"}.get(self.value, "1")


class Applicant(BaseModel):
    name: str
    kind: str = Field(description='LoaiDoiTuong: "1" công dân, "2" doanh nghiệp, "3" cơ quan nhà nước, "4" khác')
    id_number: str
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    dvcqg_tech_id: str | None = None
    # HMAC of id_number (chalicelib.domain.finding.applicant_id_key): the applicant index's key
    id_key: str = ""


class FeeReceipt(BaseModel):
    """The e-receipt issued for a paid fee (chalicelib/ereceipts): listed in DVCQG's fee records."""

    id: str
    number: str = Field(description="Số biên lai")
    template: str = Field(description="Mẫu số")
    series: str = Field(description="Ký hiệu")
    issued_at: datetime
    lookup_code: str = Field(description="Mã tra cứu tại nhà cung cấp biên lai điện tử")


class Fee(BaseModel):
    code: str
    name: str
    amount: int
    kind: str = ""
    collection: str = ""
    paid: bool = False
    receipt: FeeReceipt | None = Field(None, description="Biên lai điện tử của khoản đã nộp")


class DocumentRef(BaseModel):
    id: str
    name: str
    component_code: str = ""  # MaThanhPhanHoSo
    s3_key: str
    sha256: str
    content_type: str
    size: int
    kind: str = "submitted"  # submitted | result | internal (officer's working paper) | opinion (consulted unit's)
    copy_kind: str = ""  # a submitted paper: "original" (bản chính) | "copy" (bản sao) | "" (not said)
    digitised_from: str = ""  # a certified digitised copy (signed): the id of the scan it was made from
    deleted: bool = False
    number: str = Field("", description="Số/ký hiệu của văn bản kết quả (kind result)")
    issued_at: datetime | None = Field(None, description="Ngày cấp số văn bản kết quả")
    signers: list[str] = Field(default_factory=list, description="Người đã ký số văn bản kết quả trong hệ thống")
    issuer: str = Field("", description="Hệ thống khác đã cấp văn bản kết quả (phần mềm chuyên ngành, cơ quan liên "
                                        "thông); rỗng: đơn vị của hồ sơ")
    source: str = Field("", description='Nơi gửi tệp: "dvcqg" (công dân nộp trên Cổng DVCQG); rỗng: trong hoso')
    supplement_id: str = Field("", description="Tệp của lần bổ sung này (SupplementRound.id)")


class ReceivedComponent(BaseModel):
    """A component of the dossier the desk received (its checklist, FR-12): original or copy, on
    paper and/or as the files attached under its code."""

    code: str  # MaThanhPhanHoSo
    name: str
    copy_kind: str  # "original" (bản chính) | "copy" (bản sao)


class SupplementRound(BaseModel):
    id: str
    requested_by: str
    content: str
    requested_at: datetime
    due_before: datetime | None = None
    received_at: datetime | None = None
    received_by: str | None = None
    due_after: datetime | None = None
    # the citizen's supplement as it arrived online from DVCQG (SPEC §7.1), before the desk receives it
    submitted_at: datetime | None = None
    submitted_via: str = ""  # "dvcqg"
    submitted_note: str = ""
    submitted_documents: list[str] = Field(default_factory=list)  # DocumentRef ids
    submitted_fees: list[Fee] = Field(default_factory=list)


class WithdrawalRequest(BaseModel):
    """The citizen's withdrawal request received from DVCQG (SPEC §7.1): the desk confirms it (the
    dossier is withdrawn) or refuses it with a reason."""

    id: str  # DVCQG's MaYeuCau
    reason: str
    requested_at: datetime
    received_at: datetime
    state: str = "pending"  # pending | confirmed | refused
    decided_by: str | None = None
    decided_at: datetime | None = None
    refusal_reason: str = ""


class Consultation(BaseModel):
    """A request for another unit's opinion (xin ý kiến, FR-6, FR-15): the consulted unit's officers
    read only ``documents`` of the dossier (chalicelib.domain.consultation) and answer with a signed
    opinion; the appraiser continues once every opinion is in or its deadline passed."""

    id: str
    unit_code: str
    unit_name: str = ""
    content: str
    requested_by: str
    requested_by_name: str = ""
    requested_at: datetime
    due_at: datetime | None = None
    documents: list[str] = Field(default_factory=list, description="Tài liệu của hồ sơ đơn vị được hỏi được xem")
    opinion: str | None = None
    answered_by: str | None = None
    answered_by_name: str = ""
    answered_at: datetime | None = None
    opinion_documents: list[str] = Field(default_factory=list, description="Tệp kèm ý kiến và văn bản ý kiến đã ký")
    signed_document: str = Field("", description="Văn bản ý kiến (PDF) đã ký số của người trả lời")
    closed_at: datetime | None = Field(None, description="Thẩm định viên tiếp tục xử lý khi chưa có ý kiến (quá hạn)")
    via: Literal["hoso", "coordinator"] = Field(
        "hoso", description="hoso: đơn vị trong danh mục của hoso; coordinator: cơ quan ngoài hoso, qua Hệ thống "
                            "điều phối")
    coordinator_client: str = Field("", description="Cơ quan ngoài hoso: khách tích hợp của Hệ thống điều phối được "
                                                    "trả lời yêu cầu này")
    handed_over_at: datetime | None = Field(None, description="Cơ quan ngoài hoso: lúc yêu cầu đã chuyển đến Hệ thống "
                                                              "điều phối")

    @property
    def open(self) -> bool:
        return self.answered_at is None and self.closed_at is None


class LienThongOrigin(BaseModel):
    """A step of a liên thông chain another ministry heads, handed to hoso by the coordination
    system (SPEC §7.7): where it came from, and when its result went back."""

    ref: str  # the coordinator's reference of the step (MaBuocLienThong), sent back with the result
    head_code: str  # the dossier's code at the ministry heading the chain (MaHoSoGoc)
    head_agency: str  # that ministry's agency (CoQuanChuTri)
    step_name: str  # what hoso is asked to do (TenBuoc)
    returned_at: datetime | None = None
    returned_outcome: str = ""  # success | failure, once returned


class Dossier(BaseModel):
    code: str
    dvcqg_ref: str | None = None
    procedure_code: str
    procedure_name: str
    field_code: str = ""
    field_name: str = ""
    unit_code: str
    province_code: str = ""
    channel: Channel
    result_delivery: str = "0"  # HinhThucNhanKetQua: 0 tại quầy, 1 bưu chính, 2 điện tử
    applicant: Applicant
    summary: str = ""
    form_data: dict[str, Any] = Field(default_factory=dict)
    status: int
    step_id: str
    step_role: str = ""  # the role that acts at the current step
    process_code: str
    process_version: int
    assignee: str | None = None
    assignee_name: str | None = None
    department: str = ""  # the department the desk transferred the dossier to (phòng chuyên môn)
    submitted_at: datetime
    received_at: datetime | None = None
    due_at: datetime | None = None  # ngày hẹn trả
    step_started_at: datetime
    step_due_at: datetime | None = None
    paused_at: datetime | None = None
    finished_at: datetime | None = None
    delivered_at: datetime | None = None
    fees: list[Fee] = Field(default_factory=list)
    documents: list[DocumentRef] = Field(default_factory=list)
    received_components: list[ReceivedComponent] = Field(default_factory=list)
    supplements: list[SupplementRound] = Field(default_factory=list)
    consultations: list[Consultation] = Field(default_factory=list)
    withdrawal_requests: list[WithdrawalRequest] = Field(default_factory=list)
    lien_thong_origin: LienThongOrigin | None = None  # a step of another ministry's chain (SPEC §7.7)
    action_counts: dict[str, int] = Field(default_factory=dict)  # e.g. supplement asked once
    # who performed each duty (appraiser, head, leader → officers' subjects): separation of duties
    duty_holders: dict[str, list[str]] = Field(default_factory=dict)
    version: int = 0
    seq: int = 0  # number of audit events so far
    chain_head: str = ""  # hash of audit event ``seq`` (chalicelib.integrity: the chain's head)
    created_at: datetime
    updated_at: datetime


class AssertedPerson(BaseModel):
    """The person an integration client says acted for it — the client's word, recorded as such,
    never as that person's own act (``Actor.sub`` stays the client's identity)."""

    name: str
    sub: str | None = None  # the hoso account the client named, if any


class Actor(BaseModel):
    sub: str  # an officer's VNeID subject, or ``client:<id>`` for an integration client
    name: str
    role: str
    unit_code: str
    asserted: AssertedPerson | None = None  # integration clients: the person the client names

    @property
    def acting_for(self) -> str:
        """Whose assignment the act is checked against: the officer, or the account the client names."""
        return self.asserted.sub if self.asserted is not None and self.asserted.sub else self.sub


class AuditEvent(BaseModel):
    seq: int
    at: datetime
    actor: Actor
    action: str
    label: str
    from_step: str | None
    to_step: str
    from_status: int | None
    to_status: int
    note: str = ""
    attachments: list[str] = Field(default_factory=list)
    due_at: datetime | None = None
    step_due_at: datetime | None = None
    department: str = ""
    # the dossier's hash chain (chalicelib.integrity.canonical), set by the store when it writes the event
    prev_hash: str = ""
    hash: str = ""


def search_key(text: str) -> str:
    """Accent-free lowercase form for name search ("Nguyễn Văn Ân" → "nguyen van an")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())
