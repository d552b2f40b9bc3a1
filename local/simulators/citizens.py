"""Citizens the population database simulator knows, and how it knows them.

A 12-digit personal number is ``PPP G YY NNNNNN`` (SPEC §8): PPP the old 63-province code
of the birth registration, G century and gender (0/1: 1900s male/female, 2/3: 2000s, …),
YY the birth year. The simulator knows:

* the demo citizens below (the DVCQG simulator posts dossiers in their names);
* the demo officers of :mod:`local.simulators.accounts` (same names as on VNeID);
* every other well-formed number, with data derived deterministically from it — except
  numbers whose serial ``NNNNNN`` is ``000000``, an unknown PPP code, or a birth year in
  the future: those are "not in the database" (404), so tests can ask for a miss.
"""

from __future__ import annotations

import hashlib
from typing import Final

from local.simulators.accounts import DEMO_ACCOUNTS
from local.simulators.base import now_vn

OLD_PROVINCES: Final[dict[str, str]] = {
    "001": "Thành phố Hà Nội", "002": "Tỉnh Hà Giang", "004": "Tỉnh Cao Bằng", "006": "Tỉnh Bắc Kạn",
    "008": "Tỉnh Tuyên Quang", "010": "Tỉnh Lào Cai", "011": "Tỉnh Điện Biên", "012": "Tỉnh Lai Châu",
    "014": "Tỉnh Sơn La", "015": "Tỉnh Yên Bái", "017": "Tỉnh Hòa Bình", "019": "Tỉnh Thái Nguyên",
    "020": "Tỉnh Lạng Sơn", "022": "Tỉnh Quảng Ninh", "024": "Tỉnh Bắc Giang", "025": "Tỉnh Phú Thọ",
    "026": "Tỉnh Vĩnh Phúc", "027": "Tỉnh Bắc Ninh", "030": "Tỉnh Hải Dương", "031": "Thành phố Hải Phòng",
    "033": "Tỉnh Hưng Yên", "034": "Tỉnh Thái Bình", "035": "Tỉnh Hà Nam", "036": "Tỉnh Nam Định",
    "037": "Tỉnh Ninh Bình", "038": "Tỉnh Thanh Hóa", "040": "Tỉnh Nghệ An", "042": "Tỉnh Hà Tĩnh",
    "044": "Tỉnh Quảng Bình", "045": "Tỉnh Quảng Trị", "046": "Tỉnh Thừa Thiên Huế", "048": "Thành phố Đà Nẵng",
    "049": "Tỉnh Quảng Nam", "051": "Tỉnh Quảng Ngãi", "052": "Tỉnh Bình Định", "054": "Tỉnh Phú Yên",
    "056": "Tỉnh Khánh Hòa", "058": "Tỉnh Ninh Thuận", "060": "Tỉnh Bình Thuận", "062": "Tỉnh Kon Tum",
    "064": "Tỉnh Gia Lai", "066": "Tỉnh Đắk Lắk", "067": "Tỉnh Đắk Nông", "068": "Tỉnh Lâm Đồng",
    "070": "Tỉnh Bình Phước", "072": "Tỉnh Tây Ninh", "074": "Tỉnh Bình Dương", "075": "Tỉnh Đồng Nai",
    "077": "Tỉnh Bà Rịa - Vũng Tàu", "079": "Thành phố Hồ Chí Minh", "080": "Tỉnh Long An",
    "082": "Tỉnh Tiền Giang", "083": "Tỉnh Bến Tre", "084": "Tỉnh Trà Vinh", "086": "Tỉnh Vĩnh Long",
    "087": "Tỉnh Đồng Tháp", "089": "Tỉnh An Giang", "091": "Tỉnh Kiên Giang", "092": "Thành phố Cần Thơ",
    "093": "Tỉnh Hậu Giang", "094": "Tỉnh Sóc Trăng", "095": "Tỉnh Bạc Liêu", "096": "Tỉnh Cà Mau",
}  # fmt: skip

# Addresses after 1 July 2025: commune/ward + one of the 34 provinces, no district.
_ADDRESSES: Final[list[tuple[str, str]]] = [
    ("Phường Hoàn Kiếm", "Thành phố Hà Nội"),
    ("Phường Ba Đình", "Thành phố Hà Nội"),
    ("Phường Cầu Giấy", "Thành phố Hà Nội"),
    ("Phường Đống Đa", "Thành phố Hà Nội"),
    ("Phường Sài Gòn", "Thành phố Hồ Chí Minh"),
    ("Phường Bến Thành", "Thành phố Hồ Chí Minh"),
    ("Phường Tân Định", "Thành phố Hồ Chí Minh"),
    ("Phường Hải Châu", "Thành phố Đà Nẵng"),
]
_STREETS: Final = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Điện Biên Phủ"]
_FAMILY: Final = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô"]
_MIDDLE: Final = {"Nam": ["Văn", "Đức", "Minh", "Hữu", "Quang"], "Nữ": ["Thị", "Ngọc", "Thu", "Thanh", "Kim"]}
_GIVEN: Final = {
    "Nam": ["An", "Bình", "Cường", "Dũng", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quân", "Sơn", "Tuấn"],
    "Nữ": ["Anh", "Chi", "Dung", "Giang", "Hà", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Thảo", "Trang"],
}

DEMO_CITIZENS: Final[list[dict[str, str]]] = [
    {
        "SoDinhDanh": "001090012345",
        "HoVaTen": "Nguyễn Văn An",
        "NgaySinh": "12/03/1990",
        "GioiTinh": "Nam",
        "QuocTich": "Việt Nam",
        "QueQuan": "Thành phố Hà Nội",
        "NoiThuongTru": "Số 12 phố Lý Thường Kiệt, Phường Hoàn Kiếm, Thành phố Hà Nội",
        "SoDienThoai": "0912345678",
    },
    {
        "SoDinhDanh": "079195001234",
        "HoVaTen": "Trần Thị Bích Ngọc",
        "NgaySinh": "25/08/1995",
        "GioiTinh": "Nữ",
        "QuocTich": "Việt Nam",
        "QueQuan": "Thành phố Hồ Chí Minh",
        "NoiThuongTru": "Số 45 đường Nguyễn Huệ, Phường Sài Gòn, Thành phố Hồ Chí Minh",
        "SoDienThoai": "0903123456",
    },
    {
        "SoDinhDanh": "036088007890",
        "HoVaTen": "Lê Hoàng Nam",
        "NgaySinh": "02/11/1988",
        "GioiTinh": "Nam",
        "QuocTich": "Việt Nam",
        "QueQuan": "Tỉnh Nam Định",
        "NoiThuongTru": "Số 7 phố Trần Hưng Đạo, Phường Cầu Giấy, Thành phố Hà Nội",
        "SoDienThoai": "0987654321",
    },
    {
        "SoDinhDanh": "046301004567",
        "HoVaTen": "Phạm Thị Hồng Nhung",
        "NgaySinh": "19/05/2001",
        "GioiTinh": "Nữ",
        "QuocTich": "Việt Nam",
        "QueQuan": "Tỉnh Thừa Thiên Huế",
        "NoiThuongTru": "Số 88 đường Điện Biên Phủ, Phường Bến Thành, Thành phố Hồ Chí Minh",
        "SoDienThoai": "0778123456",
    },
]

_BY_NUMBER: Final = {c["SoDinhDanh"]: c for c in DEMO_CITIZENS}
_OFFICERS: Final = {a["SoDinhDanh"]: a for a in DEMO_ACCOUNTS}


def birth_year(so_dinh_danh: str) -> int:
    century = 1900 + 100 * (int(so_dinh_danh[3]) // 2)
    return century + int(so_dinh_danh[4:6])


def gender(so_dinh_danh: str) -> str:
    return "Nam" if int(so_dinh_danh[3]) % 2 == 0 else "Nữ"


def _pick(digest: bytes, index: int, options: list[str]) -> str:
    return options[digest[index] % len(options)]


def _derived(number: str) -> dict[str, str]:
    digest = hashlib.sha256(number.encode()).digest()
    sex = gender(number)
    officer = _OFFICERS.get(number)
    name = (
        officer["HoVaTen"]
        if officer
        else (f"{_pick(digest, 0, _FAMILY)} {_pick(digest, 1, _MIDDLE[sex])} {_pick(digest, 2, _GIVEN[sex])}")
    )
    ward, province = _ADDRESSES[digest[3] % len(_ADDRESSES)]
    citizen = {
        "SoDinhDanh": number,
        "HoVaTen": name,
        "NgaySinh": f"{1 + digest[4] % 28:02d}/{1 + digest[5] % 12:02d}/{birth_year(number)}",
        "GioiTinh": sex,
        "QuocTich": "Việt Nam",
        "QueQuan": OLD_PROVINCES[number[:3]],
        "NoiThuongTru": f"Số {1 + digest[6] % 200} đường {_pick(digest, 7, _STREETS)}, {ward}, {province}",
    }
    if officer:
        citizen["SoDienThoai"] = officer["SoDienThoai"]
    elif digest[8] % 4:  # most people gave the registry a phone number, some did not
        citizen["SoDienThoai"] = "09" + str(int.from_bytes(digest[9:13], "big") % 10**8).zfill(8)
    return citizen


def lookup_citizen(number: str) -> dict[str, str] | None:
    """The population record of ``number``, or None when the database has no such person."""
    if number in _BY_NUMBER:
        return dict(_BY_NUMBER[number])
    if len(number) != 12 or not number.isdigit():
        return None
    if number[:3] not in OLD_PROVINCES or number[6:] == "000000" or birth_year(number) > now_vn().year:
        return None
    return _derived(number)
