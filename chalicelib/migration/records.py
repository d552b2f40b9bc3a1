"""The input shape: one old dossier per JSON Lines record (docs/migration.md, "Dạng dữ liệu vào").

Field names are the old system's facts, in hoso's words; codes are the OLD system's (unit, procedure,
status, officer) and are translated by the mapping tables (:mod:`chalicelib.migration.mapping`). Times
carry their offset (ISO 8601, e.g. ``2026-03-02T08:15:00+07:00``); a naive time is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LegacyApplicant(_Record):
    """Người nộp hồ sơ (chủ hồ sơ)."""

    name: str = Field(min_length=1, description="Họ và tên / tên tổ chức")
    kind: Literal["1", "2", "3", "4"] = Field("1", description="LoaiDoiTuong: 1 công dân, 2 doanh nghiệp, 3 cơ quan "
                                                             "nhà nước, 4 khác")
    id_number: str = Field(description="Số định danh cá nhân (12 số) hoặc mã số thuế")
    phone: str | None = None
    email: str | None = None
    address: str | None = None


class LegacyStep(_Record):
    """One entry of the old system's processing history (nhật ký xử lý)."""

    at: AwareDatetime = Field(description="Thời điểm")
    officer: str = Field("", description="Mã cán bộ trên hệ thống cũ (rỗng: hệ thống, công dân)")
    officer_name: str = Field("", description="Họ tên cán bộ như hệ thống cũ ghi")
    action: str = Field(min_length=1, description="Thao tác trên hệ thống cũ (mã hoặc tên)")
    status: str = Field(description="Mã trạng thái của hệ thống cũ SAU thao tác")
    note: str = ""


class LegacyDocument(_Record):
    """A file of the dossier (thành phần hồ sơ or kết quả), placed in the export's bucket."""

    name: str = Field(min_length=1)
    component_code: str = Field("", description="Mã thành phần hồ sơ")
    kind: Literal["submitted", "result"] = "submitted"
    s3_key: str = Field(min_length=1, description="Khóa của tệp, tương đối với thư mục (prefix) của lần chuyển "
                                                     "đổi, ví dụ files/HCM-2026-000123/1.pdf")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    content_type: str = "application/pdf"


class LegacyResult(_Record):
    """The result issued (kết quả giải quyết), for a finished dossier."""

    number: str = Field("", description="Số/ký hiệu văn bản kết quả")
    issued_at: AwareDatetime | None = None


class LegacyDossier(_Record):
    """One dossier of the old system (one JSON Lines record)."""

    old_code: str = Field(min_length=1, max_length=64, description="Mã hồ sơ trên hệ thống cũ")
    unit: str = Field(min_length=1, description="Mã đơn vị tiếp nhận trên hệ thống cũ")
    procedure: str = Field(min_length=1, description="Mã thủ tục trên hệ thống cũ")
    status: str = Field(min_length=1, description="Mã trạng thái hiện tại trên hệ thống cũ")
    channel: Literal["desk", "online", "post"] = Field("desk", description="Kênh nộp")
    dvcqg_ref: str | None = Field(None, description="Mã hồ sơ trên Cổng DVCQG, nếu có")
    applicant: LegacyApplicant
    summary: str = Field("", description="Trích yếu")
    form_data: dict[str, Any] = Field(default_factory=dict, description="Dữ liệu eForm (tờ khai)")
    submitted_at: AwareDatetime = Field(description="Ngày nộp")
    received_at: AwareDatetime | None = Field(None, description="Ngày tiếp nhận")
    due_at: AwareDatetime | None = Field(None, description="Ngày hẹn trả trên hệ thống cũ (để đối chiếu)")
    finished_at: AwareDatetime | None = Field(None, description="Ngày kết thúc xử lý (có kết quả, từ chối, rút, dừng)")
    delivered_at: AwareDatetime | None = Field(None, description="Ngày trả kết quả")
    officer: str = Field("", description="Mã cán bộ đang thụ lý trên hệ thống cũ")
    history: list[LegacyStep] = Field(default_factory=list)
    documents: list[LegacyDocument] = Field(default_factory=list)
    result: LegacyResult | None = None

    def moments(self) -> list[dt.datetime]:
        """The record's own times in the order they must come (for the consistency check)."""
        return [t for t in (self.submitted_at, self.received_at, self.finished_at, self.delivered_at) if t]
