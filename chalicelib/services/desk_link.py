"""The coordinator's redirected desk intake (SPEC §7.7): the web app checks the deep link here
before it opens the eForm — the officer is a desk officer of the unit, the procedure exists and is
received there, and the return URL is on the stage's allow-list (``chalicelib.domain.desk_link``)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.desk_link import ReturnUrlRefused, check_return_url, parse_origins
from chalicelib.domain.roles import Role
from chalicelib.errors import FieldError, HosoError, invalid
from chalicelib.settings import get_settings
from chalicelib.store import catalogue

MAX_REFERENCE = 100


class DeskLinkOut(BaseModel):
    unit_code: str = Field(description="Đơn vị tiếp nhận (donvi)", examples=["000.00.13.H29"])
    procedure_code: str = Field(description="Thủ tục (thutuc)", examples=["1.004222"])
    procedure_name: str = Field(examples=["Đăng ký thường trú"])
    reference: str | None = Field(None, description="Mã tham chiếu của Hệ thống điều phối (thamchieu)",
                                  examples=["DP-261207-0042"])  # fmt: skip
    return_url: str = Field(description="Địa chỉ quay lại Hệ thống điều phối (quaylai), đã kiểm tra",
                            examples=["https://dieuphoi.example.gov.vn/tiep-nhan/ket-qua"])  # fmt: skip


def check(officer: OfficerProfile, unit_code: str, params: dict[str, str]) -> DeskLinkOut:
    """The deep link's parameters, checked; 403 when the officer is not a desk officer of ``unit_code``."""
    if Role.DESK not in officer.roles_in(unit_code):
        raise HosoError("FORBIDDEN_UNIT", f"Bạn không phải cán bộ một cửa của đơn vị {unit_code} nên không tiếp nhận "
                                          "được hồ sơ do Hệ thống điều phối chuyển đến.", 403)  # fmt: skip
    procedure_code = (params.get("thutuc") or "").strip()
    reference = (params.get("thamchieu") or "").strip() or None
    return_url = params.get("quaylai") or ""
    problems: list[FieldError] = []
    procedure = catalogue.get_procedure(procedure_code) if procedure_code else None
    if procedure is None:
        problems.append(FieldError("thutuc", "Không có thủ tục này trong danh mục."))
    elif procedure.unit_codes and unit_code not in procedure.unit_codes:
        problems.append(FieldError("thutuc", "Đơn vị không tiếp nhận thủ tục này."))
    if reference is not None and len(reference) > MAX_REFERENCE:
        problems.append(FieldError("thamchieu", f"Mã tham chiếu dài quá {MAX_REFERENCE} ký tự."))
    try:
        check_return_url(return_url, parse_origins(get_settings().coordinator_return_origins))
    except ReturnUrlRefused:
        problems.append(FieldError("quaylai", "Địa chỉ quay lại không thuộc Hệ thống điều phối được phép."))
    if problems or procedure is None:
        raise invalid(problems, "Đường dẫn tiếp nhận từ Hệ thống điều phối không hợp lệ.")
    return DeskLinkOut(unit_code=unit_code, procedure_code=procedure.code, procedure_name=procedure.name,
                       reference=reference, return_url=return_url)  # fmt: skip
