"""The mapping tables (bảng đối sánh): the old system's unit, procedure, status and officer codes →
hoso's. One JSON object beside the chunks (``<prefix>/mapping.json``, docs/migration.md)."""

from __future__ import annotations

import json

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from chalicelib.aws import client


class StatusMapping(BaseModel):
    """Where an old status lands in hoso: the DVCQG status and the step of the procedure's process
    (a finished dossier: the process's final step of that status; an in-flight one: the step an
    officer continues from)."""

    model_config = ConfigDict(extra="forbid")

    status: int = Field(ge=1, le=10, description="Trạng thái hồ sơ theo DVCQG (1–10)")
    step: str = Field(min_length=1, description="Bước của quy trình điện tử trong hoso")


class MappingTables(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(description="Hệ thống cũ (tên), ghi vào nhật ký của hồ sơ được chuyển")
    province_code: str = Field("", description="Mã tỉnh (2 số) của hệ thống cũ")
    exported_at: AwareDatetime = Field(
        description="Thời điểm trích xuất (hệ thống cũ đã dừng tiếp nhận và xử lý các hồ sơ này): thời hạn còn lại "
                    "của hồ sơ đang xử lý tính từ đây")
    units: dict[str, str] = Field(description="Mã đơn vị cũ → mã đơn vị trong hoso (QCVN 102)")
    procedures: dict[str, str] = Field(description="Mã thủ tục cũ → mã thủ tục trong hoso")
    statuses: dict[str, StatusMapping] = Field(description="Mã trạng thái cũ → trạng thái và bước trong hoso")
    officers: dict[str, str] = Field(default_factory=dict, description="Mã cán bộ cũ → định danh (sub) trong hoso")


def load_mapping(bucket: str, key: str) -> MappingTables:
    """The mapping tables stored at ``s3://bucket/key`` (pydantic's ValidationError if malformed)."""
    body = client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    return MappingTables.model_validate(json.loads(body))
