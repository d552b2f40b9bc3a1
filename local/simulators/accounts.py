"""Demo units and officer accounts of the local stack.

The VNeID simulator lets people log in as these accounts, and hoso's own role catalogue is
seeded from the same list (a VNeID login alone grants nothing: ``role`` and ``unit_code``
are what hoso's catalogue will say about the person). Keep the values stable: tests and
seed data refer to them.

Units use QCVN 102:2016 codes: the ministry ``000.00.00.G12`` and, in each of the two demo
provinces (Hà Nội "01", TP. Hồ Chí Minh "79"), the provincial department (Sở) receiving the
ministry's procedures, ``000.00.13.H26`` and ``000.00.13.H29``. The ministry has every
processing role plus the ministry-wide ``admin`` and ``operator``; each province has every
processing role plus its own ``province_admin``.
"""

from __future__ import annotations

import uuid
from typing import Final

MINISTRY_UNIT: Final = "000.00.00.G12"
HANOI_UNIT: Final = "000.00.13.H26"
HCMC_UNIT: Final = "000.00.13.H29"

DEMO_UNITS: Final[list[dict[str, str]]] = [
    {"code": MINISTRY_UNIT, "name": "Bộ Khoa học và Công nghệ", "province_code": ""},
    {"code": HANOI_UNIT, "name": "Sở Khoa học và Công nghệ thành phố Hà Nội", "province_code": "01"},
    {"code": HCMC_UNIT, "name": "Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh", "province_code": "79"},
]

# VNeID subjects are opaque identifiers; derive them from the personal number so they
# never change between runs.
_SUB_NAMESPACE: Final = uuid.UUID("5b0c3f57-52a4-4d1e-9a52-0c1f6b7e2a10")


def _account(so_dinh_danh: str, name: str, email: str, phone: str, role: str, unit_code: str) -> dict[str, str]:
    province = next(u["province_code"] for u in DEMO_UNITS if u["code"] == unit_code)
    return {
        "sub": str(uuid.uuid5(_SUB_NAMESPACE, so_dinh_danh)),
        "SoDinhDanh": so_dinh_danh,
        "HoVaTen": name,
        "ThuDienTu": email,
        "SoDienThoai": phone,
        "role": role,
        "unit_code": unit_code,
        "province_code": province,
    }


DEMO_ACCOUNTS: Final[list[dict[str, str]]] = [
    # Bộ Khoa học và Công nghệ
    _account("001185004101", "Nguyễn Thị Thu Hà", "ntt.ha@most.gov.vn", "0912004101", "desk", MINISTRY_UNIT),
    _account("001082004102", "Trần Quốc Bảo", "tq.bao@most.gov.vn", "0912004102", "head", MINISTRY_UNIT),
    _account("034190004103", "Lê Minh Châu", "lm.chau@most.gov.vn", "0912004103", "appraiser", MINISTRY_UNIT),
    _account("036075004104", "Phạm Văn Đức", "pv.duc@most.gov.vn", "0912004104", "leader", MINISTRY_UNIT),
    _account("030188004105", "Hoàng Thị Lan", "ht.lan@most.gov.vn", "0912004105", "clerk", MINISTRY_UNIT),
    _account("001087004106", "Vũ Đình Khôi", "vd.khoi@most.gov.vn", "0912004106", "admin", MINISTRY_UNIT),
    _account("040192004107", "Đặng Ngọc Ánh", "dn.anh@most.gov.vn", "0912004107", "operator", MINISTRY_UNIT),
    # Hà Nội
    _account("001191012201", "Bùi Thị Hồng Nhung", "bth.nhung@hanoi.gov.vn", "0983012201", "desk", HANOI_UNIT),
    _account("001080012202", "Đỗ Mạnh Hùng", "dm.hung@hanoi.gov.vn", "0983012202", "head", HANOI_UNIT),
    _account("001193012203", "Ngô Thị Phương Thảo", "ntp.thao@hanoi.gov.vn", "0983012203", "appraiser", HANOI_UNIT),
    _account("022074012204", "Dương Văn Tiến", "dv.tien@hanoi.gov.vn", "0983012204", "leader", HANOI_UNIT),
    _account("001186012205", "Lý Thị Mai", "lt.mai@hanoi.gov.vn", "0983012205", "clerk", HANOI_UNIT),
    _account("001084012206", "Phan Anh Tuấn", "pa.tuan@hanoi.gov.vn", "0983012206", "province_admin", HANOI_UNIT),
    # TP. Hồ Chí Minh
    _account("079190023301", "Huỳnh Thị Kim Ngân", "htk.ngan@tphcm.gov.vn", "0908023301", "desk", HCMC_UNIT),
    _account("079083023302", "Võ Thành Phát", "vt.phat@tphcm.gov.vn", "0908023302", "head", HCMC_UNIT),
    _account("083194023303", "Trương Ngọc Trâm", "tn.tram@tphcm.gov.vn", "0908023303", "appraiser", HCMC_UNIT),
    _account("079072023304", "Lâm Quang Vinh", "lq.vinh@tphcm.gov.vn", "0908023304", "leader", HCMC_UNIT),
    _account("079187023305", "Hồ Thị Yến", "ht.yen@tphcm.gov.vn", "0908023305", "clerk", HCMC_UNIT),
    _account("079085023306", "Nguyễn Hoàng Long", "nh.long@tphcm.gov.vn", "0908023306", "province_admin", HCMC_UNIT),
]
