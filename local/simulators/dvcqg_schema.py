"""The record formats of DVCQG's synchronisation protocol (SPEC §7.2), checked field by field.

Stateless checks only (fields, types, formats, required fields); what depends on what
DVCQG saw before (``isUpdating``, known dossiers, order of progress) lives in
:mod:`local.simulators.dvcqg`.

Rules enforced on every record:

* only the fields of the protocol; every value a string (nested lists: lists of objects
  whose values are strings); an empty string counts as "not given";
* required fields present and non-empty (see ``DOSSIER.required`` / ``PROGRESS.required``);
* ``TrangThaiHoSo`` / ``TrangThai`` in "1".."10"; dates exactly ``yyyyMMddHHmmss`` and a
  real date and time; ``TrichYeuHoSo`` at most 1000 characters;
* codes: ``KenhThucHien`` "1"/"2"/"3", ``LoaiDoiTuong`` "1".."4", ``HinhThuc`` "0"/"1",
  ``IsDeleted`` "True"/"False", ``Gia`` digits only; ``MaHoSo`` looks like a dossier code
  (``000.00.00.G12-260115-0001``, date 6–8 and sequence 4–6 digits); a citizen's
  (``LoaiDoiTuong`` "1") ``SoGiayToChuHoSo`` has 12 digits;
* consistency: a dossier in status 2, 4, 5, 6, 9 or 10 has ``NgayTiepNhan`` and ``SoBienNhan``
  (the receipt's number); status 10 has
  ``NgayTra``; ``NgayTiepNhan`` is not before ``NgayNopHoSo`` and ``NgayHenTra`` not before
  ``NgayTiepNhan``; a step's ``NgayKetThucTheoQuyDinh`` is not before its ``NgayBatDau``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

DATE_FORMAT: Final = "%Y%m%d%H%M%S"
STATUSES: Final = frozenset(str(n) for n in range(1, 11))
STATUS_LABELS: Final = {
    "1": "Mới đăng ký",
    "2": "Được tiếp nhận",
    "3": "Không được tiếp nhận",
    "4": "Đang xử lý",
    "5": "Yêu cầu bổ sung giấy tờ",
    "6": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "7": "Công dân yêu cầu rút hồ sơ",
    "8": "Dừng xử lý",
    "9": "Đã xử lý xong",
    "10": "Đã trả kết quả",
}
MAX_SUMMARY: Final = 1000
DOSSIER_CODE: Final = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6,8}-\d{4,6}$")
UNIT_CODE: Final = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")

DATE_FIELDS: Final = frozenset(
    {
        "NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy",
        "NgayBoSung", "NgayTiepNhanBoSung", "NgayHenTraTruoc", "NgayHenTraMoi",
        "ThoiDiemXuLy", "NgayBatDau", "NgayKetThucTheoQuyDinh", "NgayBienLai",
    }
)  # fmt: skip
STATUS_FIELDS: Final = frozenset({"TrangThaiHoSo", "TrangThai"})
CODE_LISTS: Final[dict[str, frozenset[str]]] = {
    "KenhThucHien": frozenset({"1", "2", "3"}),
    "LoaiDoiTuong": frozenset({"1", "2", "3", "4"}),
    "HinhThuc": frozenset({"0", "1"}),
    "IsDeleted": frozenset({"True", "False"}),
}
RECEIVED_STATUSES: Final = frozenset({"2", "4", "5", "6", "9", "10"})


@dataclass(frozen=True)
class RecordSpec:
    fields: tuple[str, ...]
    required: frozenset[str]
    lists: Mapping[str, RecordSpec] = field(default_factory=dict)


TAI_LIEU: Final = RecordSpec(
    ("TepDinhKemId", "TenTepDinhKem", "IsDeleted", "MaThanhPhanHoSo", "DuongDanTaiTepTin"),
    frozenset({"TepDinhKemId", "TenTepDinhKem"}),
)
LE_PHI: Final = RecordSpec(
    # + the fee's e-receipt (SPEC §7.8, "listed in DVCQG's DanhSachLePhi"), present once issued
    ("TenPhiLePhi", "MaPhiLePhi", "HinhThucThu", "Gia", "LoaiPhiLePhi", "SoBienLai", "KyHieuBienLai", "NgayBienLai",
     "MaTraCuuBienLai"),
    frozenset({"TenPhiLePhi", "Gia"}),
)
HO_SO_BO_SUNG: Final = RecordSpec(
    (
        "HoSoBoSungId", "NguoiYeuCauBoSung", "NoiDungBoSung", "NgayBoSung", "NguoiTiepNhanBoSung",
        "ThongTinTiepNhan", "NgayTiepNhanBoSung", "TrangThaiBoSung", "DanhSachGiayToBoSung",
        "DanhSachLePhiBoSung", "NgayHenTraTruoc", "NgayHenTraMoi",
    ),
    frozenset({"HoSoBoSungId", "NoiDungBoSung", "NgayBoSung"}),
    {"DanhSachGiayToBoSung": TAI_LIEU, "DanhSachLePhiBoSung": LE_PHI},
)  # fmt: skip
GIAY_TO_KET_QUA: Final = RecordSpec(
    ("TenGiayTo", "MaThanhPhanHoSo", "GiayToId", "DuongDanTepTinKetQua"),
    frozenset({"GiayToId", "TenGiayTo"}),
)
DOSSIER: Final = RecordSpec(
    (
        "MaHoSo", "SoBienNhan", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "KenhThucHien", "ChuHoSo",
        "LoaiDoiTuong", "MaDoiTuong", "SoGiayToChuHoSo", "Email", "SoDienThoai", "TrichYeuHoSo",
        "NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "TrangThaiHoSo", "NgayTra", "ThongTinTra",
        "HinhThuc", "NgayKetThucXuLy", "DonViXuLy", "GhiChu", "TaiLieuNop", "DanhSachLePhi",
        "DanhSachHoSoBoSung", "DanhSachGiayToKetQua",
    ),
    frozenset({"MaHoSo", "MaTTHC", "TenTTHC", "KenhThucHien", "ChuHoSo", "LoaiDoiTuong", "NgayNopHoSo",
               "TrangThaiHoSo"}),
    {
        "TaiLieuNop": TAI_LIEU,
        "DanhSachLePhi": LE_PHI,
        "DanhSachHoSoBoSung": HO_SO_BO_SUNG,
        "DanhSachGiayToKetQua": GIAY_TO_KET_QUA,
    },
)  # fmt: skip
PROGRESS: Final = RecordSpec(
    (
        "MaHoSo", "NguoiXuLy", "ChucDanh", "ThoiDiemXuLy", "PhongBanXuLy", "NoiDungXuLy", "TrangThai",
        "NgayBatDau", "NgayKetThucTheoQuyDinh",
    ),
    frozenset({"MaHoSo", "NguoiXuLy", "ThoiDiemXuLy", "NoiDungXuLy", "TrangThai"}),
)  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """One violation of the protocol: where (``data[0].TrangThaiHoSo``) and what (Vietnamese)."""

    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


def parse_date(value: str) -> datetime | None:
    if len(value) != 14 or not value.isdigit():
        return None
    try:
        return datetime.strptime(value, DATE_FORMAT)
    except ValueError:
        return None


def _check_value(name: str, value: str, path: str) -> list[Problem]:
    if name in DATE_FIELDS and parse_date(value) is None:
        return [Problem(path, f"Ngày giờ {value!r} phải đúng định dạng yyyyMMddHHmmss và là ngày giờ có thật")]
    if name in STATUS_FIELDS and value not in STATUSES:
        return [Problem(path, f'Trạng thái {value!r} không hợp lệ: phải là một trong "1".."10"')]
    if name in CODE_LISTS and value not in CODE_LISTS[name]:
        allowed = ", ".join(f'"{c}"' for c in sorted(CODE_LISTS[name]))
        return [Problem(path, f"Giá trị {value!r} không thuộc danh mục ({allowed})")]
    if name == "Gia" and not value.isdigit():
        return [Problem(path, f"Giá {value!r} phải là số tiền (chỉ gồm chữ số, đơn vị đồng)")]
    if name == "TrichYeuHoSo" and len(value) > MAX_SUMMARY:
        return [Problem(path, f"Trích yếu dài {len(value)} ký tự, tối đa {MAX_SUMMARY} ký tự")]
    return []


def check_record(record: Any, spec: RecordSpec, path: str) -> list[Problem]:
    """Field list, string values, required fields and value formats of one record."""
    if not isinstance(record, dict):
        return [Problem(path, "Bản ghi phải là một đối tượng JSON")]
    problems: list[Problem] = []
    for name, value in record.items():
        where = f"{path}.{name}"
        if name not in spec.fields:
            problems.append(Problem(where, "Trường không có trong đặc tả DVCQG"))
        elif name in spec.lists:
            if not isinstance(value, list):
                problems.append(Problem(where, "Phải là một danh sách (mảng JSON)"))
                continue
            for index, item in enumerate(value):
                problems.extend(check_record(item, spec.lists[name], f"{where}[{index}]"))
        elif not isinstance(value, str):
            problems.append(Problem(where, f"Giá trị phải là chuỗi (string), nhận được {type(value).__name__}"))
        elif value:
            problems.extend(_check_value(name, value, where))
    for name in sorted(spec.required):
        if record.get(name) in (None, ""):
            problems.append(Problem(f"{path}.{name}", "Thiếu trường bắt buộc"))
    return problems


def _text(record: dict[str, Any], name: str) -> str:
    value = record.get(name)
    return value if isinstance(value, str) else ""


def check_dossier(record: Any, path: str) -> list[Problem]:
    """A ``DongBoHoSoMC`` dossier: :func:`check_record` plus codes and cross-field consistency."""
    problems = check_record(record, DOSSIER, path)
    if not isinstance(record, dict):
        return problems
    code = _text(record, "MaHoSo")
    if code and not DOSSIER_CODE.match(code):
        problems.append(Problem(f"{path}.MaHoSo", f"Mã hồ sơ {code!r} không đúng cấu trúc mã đơn vị-YYMMDD-XXXX"))
    holder = _text(record, "SoGiayToChuHoSo")
    if holder and _text(record, "LoaiDoiTuong") == "1" and not (len(holder) == 12 and holder.isdigit()):
        problems.append(Problem(f"{path}.SoGiayToChuHoSo", "Số định danh cá nhân phải gồm đúng 12 chữ số"))
    status = _text(record, "TrangThaiHoSo")
    if status in RECEIVED_STATUSES and not _text(record, "NgayTiepNhan"):
        problems.append(Problem(f"{path}.NgayTiepNhan", f"Hồ sơ ở trạng thái {status} phải có ngày tiếp nhận"))
    if status in RECEIVED_STATUSES and not _text(record, "SoBienNhan"):
        problems.append(Problem(f"{path}.SoBienNhan", f"Hồ sơ ở trạng thái {status} phải có số biên nhận"))
    if status == "10" and not _text(record, "NgayTra"):
        problems.append(Problem(f"{path}.NgayTra", "Hồ sơ đã trả kết quả phải có ngày trả"))
    for earlier, later in (("NgayNopHoSo", "NgayTiepNhan"), ("NgayTiepNhan", "NgayHenTra")):
        first, second = parse_date(_text(record, earlier)), parse_date(_text(record, later))
        if first and second and second < first:
            problems.append(Problem(f"{path}.{later}", f"{later} không được sớm hơn {earlier}"))
    return problems


def check_progress(record: Any, path: str) -> list[Problem]:
    """A ``CapNhatTienDoHoSoMC`` record (one processing step); its deadline is not before its start."""
    problems = check_record(record, PROGRESS, path)
    if isinstance(record, dict):
        start = parse_date(_text(record, "NgayBatDau"))
        deadline = parse_date(_text(record, "NgayKetThucTheoQuyDinh"))
        if start and deadline and deadline < start:
            problems.append(Problem(f"{path}.NgayKetThucTheoQuyDinh", "Hạn xử lý không được sớm hơn ngày bắt đầu"))
    return problems
