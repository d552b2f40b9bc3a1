"""What a verification answers (admin API, operator command, dossier page, printed report)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class IntegrityFinding(BaseModel):
    code: str = Field(description="Mã lỗi ổn định: EVENT_ALTERED, EVENT_MISSING, EVENT_REORDERED, CHAIN_BROKEN, "
                                  "EVENT_UNCHAINED, HEAD_MISMATCH, CHAIN_EMPTY, ANCHOR_… (docs/integrity.md)")
    seq: int = Field(description="Số thứ tự sự kiện liên quan (0: cả chuỗi)")
    message: str


class IntegrityReport(BaseModel):
    subject: str = Field(description="Đối tượng được kiểm tra, ví dụ «Hồ sơ 000.00.01.H01-261207-0001»")
    chain: str = Field(description="Mã chuỗi: DOSSIER#<mã hồ sơ>")
    holds: bool = Field(description="Chuỗi toàn vẹn: không phát hiện thay đổi nào")
    summary: str = Field(description="Kết luận bằng một câu")
    events: int = Field(description="Số sự kiện đã tính lại")
    head: str = Field(description="Mã băm SHA-256 của sự kiện cuối (đầu chuỗi)")
    checked: list[str] = Field(description="Những gì đã được kiểm tra")
    findings: list[IntegrityFinding]
    last_anchored_day: str | None = Field(None, description="Ngày gần nhất có dấu thời gian neo chuỗi (YYYY-MM-DD)")
    checked_at: dt.datetime
