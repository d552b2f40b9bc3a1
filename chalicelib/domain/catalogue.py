"""The catalogue (danh mục) as data: units, procedures, officers and their roles,
integration clients. Processes live in ``chalicelib.domain.process``."""

from __future__ import annotations

import enum
from typing import Literal

from pydantic import BaseModel, Field

from chalicelib.domain.calendar import DEFAULT_OFFICE_HOURS, Duration, OfficeHours
from chalicelib.domain.roles import Role


class Unit(BaseModel):
    """A receiving/processing unit, identified by its QCVN 102:2016 code."""

    code: str
    name: str
    province_code: str = Field("", description="Mã tỉnh (2 số); rỗng với đơn vị cấp bộ")
    parent_code: str | None = None
    office_hours: OfficeHours = DEFAULT_OFFICE_HOURS
    roles_source: Literal["hoso", "coordinator"] = Field(
        "hoso", description="Vai trò cán bộ của đơn vị do quản trị hoso cấp (hoso) hay do Hệ thống điều phối gửi sang "
        "sau đăng nhập (coordinator, SPEC §7.7)")
    intake_system: Literal["hoso", "old"] = Field(
        "hoso", description="Hồ sơ mới của đơn vị được tiếp nhận trên hoso, hay còn trên hệ thống cũ của tỉnh (chuyển "
        "đổi dữ liệu: hoso từ chối tiếp nhận mới, vẫn nhập và xử lý hồ sơ chuyển sang; docs/migration-run.md)")


class RequiredDocument(BaseModel):
    code: str  # MaThanhPhanHoSo
    name: str
    required: bool = True
    copies: str = "01 bản chính hoặc bản sao"


class FeeItem(BaseModel):
    code: str
    name: str
    amount: int  # VND
    kind: str = "1"  # LoaiPhiLePhi: 1 lệ phí, 2 phí
    collected: str = "on_receipt"  # on_receipt | after_appraisal | on_delivery


class ResultKind(enum.StrEnum):
    """What a procedure's result (kết quả giải quyết) is."""

    TEMPLATE = "template"  # a document drawn up from the procedure's result template, numbered by the unit
    UPLOAD = "upload"  # a document made elsewhere and uploaded (or delivered by the specialised software)
    NONE = "none"  # no document of its own (said explicitly: a liên thông parent returns its steps' results)


class Procedure(BaseModel):
    """A procedure (thủ tục hành chính) of the national procedure database."""

    code: str  # e.g. 1.001193
    name: str
    field_code: str
    field_name: str
    applicant_types: list[str] = Field(default_factory=lambda: ["1"])  # LoaiDoiTuong
    online_level: str = "full"  # full | partial | info
    legal_deadline: Duration | None = None
    cutoff_15h: bool = False
    required_documents: list[RequiredDocument] = Field(default_factory=list)
    fees: list[FeeItem] = Field(default_factory=list)
    legal_basis: list[str] = Field(default_factory=list, description="Căn cứ pháp lý: văn bản quy phạm pháp luật "
                                                                     "quy định thủ tục (số, ký hiệu, tên)")
    eform_code: str | None = None
    unit_codes: list[str] = Field(default_factory=list)
    process_code: str
    flow: str | None = None  # liên thông flow this procedure starts, if any
    separation_of_duties: bool = Field(
        False, description="Tách biệt nhiệm vụ: người thẩm định, người xem xét (lãnh đạo phòng) và người phê duyệt "
                           "một hồ sơ phải là những người khác nhau")
    result_kind: ResultKind = Field(
        ResultKind.TEMPLATE, description="Kết quả giải quyết: template (văn bản soạn từ mẫu của thủ tục), upload "
                                         "(văn bản tải lên), none (không có văn bản riêng — nói rõ)")
    result_signed: bool = Field(True, description="Văn bản kết quả phải được ký số trước khi phê duyệt, phát hành")
    sign_on_approval: bool = Field(
        False, description="Lãnh đạo phê duyệt là ký số văn bản kết quả trong cùng một thao tác")


class RoleAssignment(BaseModel):
    role: Role
    unit_code: str


class OfficerProfile(BaseModel):
    """An officer as hoso knows them: a VNeID login alone grants nothing."""

    sub: str  # VNeID subject ("pending-<key>" until the officer's first login, see chalicelib.domain.officers)
    name: str
    title: str = ""
    department: str = ""
    province_code: str = ""
    active: bool = True
    assignments: list[RoleAssignment] = Field(default_factory=list)
    pending: bool = Field(False, description="Thêm theo số định danh cá nhân, chờ đăng nhập lần đầu (chưa có quyền)")
    personal_number_key: str = Field("", description="HMAC của số định danh cá nhân (không bao giờ lưu số gốc)")
    roles_version: int | None = Field(None, description="Phiên bản danh mục vai trò Hệ thống điều phối đã gửi "
                                      "và được áp dụng (chỉ áp dụng phiên bản mới hơn)")

    def roles_in(self, unit_code: str) -> set[Role]:
        return {a.role for a in self.assignments if a.unit_code == unit_code}

    def units_with(self, role: Role) -> set[str]:
        return {a.unit_code for a in self.assignments if a.role == role}

    @property
    def roles(self) -> set[Role]:
        return {a.role for a in self.assignments}
