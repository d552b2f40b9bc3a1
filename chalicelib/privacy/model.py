"""Access-log entries and the rules on them, as plain data (no AWS here)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Final, Literal

from pydantic import BaseModel, Field

What = Literal["population_lookup", "edata_list", "edata_attach", "edata_stats", "access_log_query"]
WHAT: Final[dict[str, str]] = {
    "population_lookup": "Tra cứu CSDL quốc gia về dân cư (tự động điền)",
    "edata_list": "Xem kho dữ liệu điện tử của chủ hồ sơ",
    "edata_attach": "Sử dụng lại giấy tờ trong kho dữ liệu điện tử",
    "edata_stats": "Xem thống kê kho dữ liệu điện tử",
    "access_log_query": "Tra cứu nhật ký truy cập dữ liệu cá nhân",
}
# Population look-ups one officer may make per window (a desk serves one applicant every few minutes).
LOOKUP_WINDOW_S: Final = 600
LOOKUPS_PER_WINDOW: Final = 30
MAX_ANSWERED: Final = 500  # entries answered per request, newest first


def subject_key(key: bytes, subject: str) -> str:
    """The keyed hash that stands for a personal number (or tax code) in the access log."""
    return hmac.new(key, subject.strip().encode(), hashlib.sha256).hexdigest()


def window_of(at: dt.datetime) -> int:
    return int(at.timestamp()) // LOOKUP_WINDOW_S


class AccessEntry(BaseModel):
    at: dt.datetime
    what: What
    what_label: str = Field(description="Nội dung truy cập")
    officer_sub: str = Field(description="Mã định danh VNeID của cán bộ")
    officer_name: str
    unit_code: str = Field(description="Đơn vị cán bộ thực hiện truy cập")
    province_code: str = Field("", description="Tỉnh của đơn vị (rỗng: cấp bộ)")
    dossier_code: str = Field("", description="Hồ sơ (hoặc bản nháp tiếp nhận) mà truy cập phục vụ")
    detail: str = Field("", description="Thủ tục, loại giấy tờ…")


class AccessReport(BaseModel):
    accesses: list[AccessEntry] = Field(description="Các lần truy cập, mới nhất trước")
    truncated: bool = Field(description="Còn lần truy cập cũ hơn chưa hiển thị")
    scope: str = Field(description="Phạm vi: toàn hệ thống hoặc một tỉnh")
