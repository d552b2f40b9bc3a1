"""Officer roles (vai trò). A VNeID login alone grants nothing: roles and units come from
hoso's own role catalogue, administered per province (SPEC §7.6)."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    DESK = "desk"  # Cán bộ một cửa (tiếp nhận, trả kết quả)
    HEAD = "head"  # Trưởng phòng / lãnh đạo phòng (phân công, trình ký)
    APPRAISER = "appraiser"  # Chuyên viên thẩm định / xử lý
    LEADER = "leader"  # Lãnh đạo đơn vị (phê duyệt, ký)
    CLERK = "clerk"  # Văn thư (vào sổ, đóng dấu, phát hành)
    ADMIN = "admin"  # Quản trị cấp bộ
    PROVINCE_ADMIN = "province_admin"  # Quản trị cấp tỉnh (chỉ tỉnh của mình)
    OPERATOR = "operator"  # Vận hành (hàng đợi, luồng liên thông, cảnh báo)

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.DESK: "Cán bộ một cửa",
    Role.HEAD: "Trưởng phòng",
    Role.APPRAISER: "Chuyên viên thẩm định",
    Role.LEADER: "Lãnh đạo",
    Role.CLERK: "Văn thư",
    Role.ADMIN: "Quản trị hệ thống",
    Role.PROVINCE_ADMIN: "Quản trị cấp tỉnh",
    Role.OPERATOR: "Vận hành",
}

PROCESSING_ROLES = (Role.DESK, Role.HEAD, Role.APPRAISER, Role.LEADER, Role.CLERK)
