"""The intake contract (SPEC §7.1): a dossier posted by DVCQG, or entered at the desk, checked
field by field — every error at once — and turned into one typed :class:`IntakeDossier`.

* :class:`DvcqgDossierIn` is the body of ``POST /v1/dvcqg/dossiers`` in DVCQG's naming, with
  Vietnamese titles, descriptions and an example for the OpenAPI document;
  :class:`DeskDossierIn` is what a one-stop officer submits (same applicant and form fields).
* :func:`parse_dvcqg_dossier` / :func:`parse_desk_dossier` return an :class:`IntakeDossier`
  or raise :class:`~chalicelib.errors.HosoError` naming every bad field
  (``TaiLieuNop[1].NoiDungBase64``, ``DuLieuBieuMau.me.ngay_sinh``) in Vietnamese.
* :func:`canonical_body_hash` is the idempotency fingerprint of a body.

Error codes (all with ``errors: [{field, message}]``):

* ``INVALID_DATA`` 422 — anything wrong with the data;
* ``UNKNOWN_PROCEDURE`` 422 / ``UNKNOWN_UNIT`` 422 — when the *only* problems are that the
  procedure (``MaTTHC``) or the receiving unit (``MaDonViTiepNhan``) is well formed but not
  known here (the procedure wins when both are unknown; any other error makes it
  ``INVALID_DATA`` with these two listed among the others);
* ``PAYLOAD_TOO_LARGE`` 413 — a ``NoiDungBase64`` file decodes to more than
  :data:`MAX_FILE_BYTES` (the other errors are listed too).

Decisions: strings are NFC-normalised and stripped, control characters rejected; empty
optional strings count as absent. Unknown top-level fields from DVCQG are ignored (DVCQG's
payloads carry more fields than §7.1 lists, e.g. ``TenTTHC``; they still count in the body
hash) while the desk body, which is ours, rejects them. ``KenhThucHien`` accepts DVCQG's
channel codes "1" desk, "2" online (the default), "3" post (§7.2) and is kept as given.
``HinhThucNhanKetQua`` defaults to "0" (at the desk). ``Gia`` accepts a JSON integer or a
string of digits. A procedure without an eForm accepts any JSON object of at most
:data:`MAX_FREEFORM_FORM_BYTES` (strings normalised and checked for control characters).
A body may nest at most :data:`MAX_JSON_DEPTH` levels (checked without recursion, so no
crafted body can exhaust the stack). A file URL must be public HTTPS: no credentials, no
``localhost`` and no loopback/private/link-local IP literal — the downloader still has to
check where a host name resolves to.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

from chalicelib.domain.eform import EFormSchema, validate_eform
from chalicelib.domain.identifiers import (
    VN_TZ,
    check_personal_number,
    check_tax_code,
    clean_text,
    control_characters,
    is_unit_code,
    nfc,
    normalise_email,
    normalise_phone,
    parse_dvcqg_datetime,
    sentence,
)
from chalicelib.errors import FieldError, HosoError

MAX_FILE_BYTES = 10 * 1024 * 1024  # decoded size of one NoiDungBase64 file
MAX_FILES = 20
MAX_FEES = 50
MAX_FEE_AMOUNT = 10**13  # đồng
MAX_FREEFORM_FORM_BYTES = 256 * 1024
MAX_JSON_DEPTH = 32  # nesting of objects/arrays in a body; eForm data needs about 6
SUBMISSION_CLOCK_SKEW = dt.timedelta(minutes=5)  # NgayNopHoSo may be this far ahead of our clock

APPLICANT_KINDS: dict[str, str] = {
    "1": "công dân",
    "2": "doanh nghiệp",
    "3": "cơ quan nhà nước",
    "4": "tổ chức khác",
}
DVCQG_CHANNELS: dict[str, str] = {"1": "desk", "2": "online", "3": "post"}

_DOSSIER_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")
_PROCEDURE_CODE = re.compile(r"[0-9]\.[0-9]{6}(?:\.[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2})?")
_BUDGET_CODE = re.compile(r"[0-9]{7}")  # mã đơn vị có quan hệ với ngân sách
_ORGANISATION_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z./-]{2,49}")
_TAX_SHAPED = re.compile(r"[0-9]{10}(?:-[0-9]{3})?|[0-9]{12}")
_BASE64_WHITESPACE = re.compile(r"[ \t\r\n]")


# -- field-level cleaning and checks (pydantic validators) ------------------------------------


def _invalid(fragment: str) -> PydanticCustomError:
    return PydanticCustomError("hoso_invalid", fragment)


def _clean(value: Any, *, multiline: bool, optional: bool) -> Any:
    if not isinstance(value, str):
        return value
    text = clean_text(value, multiline=multiline)
    if control_characters(text, multiline=multiline):
        raise _invalid("chứa ký tự điều khiển không hợp lệ")
    return None if optional and not text else text


def _line(value: Any) -> Any:
    return _clean(value, multiline=False, optional=False)


def _optional_line(value: Any) -> Any:
    return _clean(value, multiline=False, optional=True)


def _optional_text(value: Any) -> Any:
    return _clean(value, multiline=True, optional=True)


def _matches(regex: re.Pattern[str], fragment: str) -> AfterValidator:
    def check(value: str | None) -> str | None:
        if value is not None and not regex.fullmatch(value):
            raise _invalid(fragment)
        return value

    return AfterValidator(check)


def _unit_code(value: str) -> str:
    if not is_unit_code(value):
        raise _invalid("phải là mã định danh đơn vị theo QCVN 102:2016/BTTTT, ví dụ 000.00.00.G12")
    return value


def _dvcqg_datetime(value: str) -> str:
    try:
        parse_dvcqg_datetime(value)
    except ValueError:
        raise _invalid("phải là thời điểm theo định dạng yyyyMMddHHmmss (giờ Việt Nam), ví dụ 20250915093000") from None
    return value


def _email(value: str | None) -> str | None:
    if value is None:
        return None
    email = normalise_email(value)
    if email is None:
        raise _invalid("không phải địa chỉ thư điện tử hợp lệ")
    return email


def _phone(value: str | None) -> str | None:
    if value is None:
        return None
    phone = normalise_phone(value)
    if phone is None:
        raise _invalid("không phải số điện thoại hợp lệ (di động 0xxxxxxxxx hoặc +84xxxxxxxxx, cố định 02xxxxxxxxx)")
    return phone


def _file_name(value: str) -> str:
    if "/" in value or "\\" in value:
        raise _invalid("không được chứa ký tự “/” hoặc “\\”")
    return value


def _https_url(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        raise _invalid("không phải địa chỉ URL hợp lệ") from None
    if parts.scheme.lower() != "https" or not host:
        raise _invalid("phải là địa chỉ HTTPS (https://…)")
    if parts.username is not None or parts.password is not None:
        raise _invalid("không được chứa tên đăng nhập hoặc mật khẩu")
    if host == "localhost" or host.endswith(".localhost") or _is_internal_ip(host):
        raise _invalid("phải trỏ tới máy chủ công khai")
    return value


def _is_internal_ip(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def _decoded_size(text: str) -> int:
    return len(text) * 3 // 4 - text[-2:].count("=")


def _base64_content(value: str | None) -> str | None:
    if value is None:
        return None
    compact = _BASE64_WHITESPACE.sub("", value)
    if len(compact) % 4 or not compact:
        raise _invalid("không phải dữ liệu base64 hợp lệ")
    if _decoded_size(compact) > MAX_FILE_BYTES:
        raise PydanticCustomError(
            "hoso_file_too_large", f"vượt quá dung lượng cho phép ({MAX_FILE_BYTES // (1024 * 1024)} MiB mỗi tệp)"
        )
    try:
        content = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise _invalid("không phải dữ liệu base64 hợp lệ") from None
    if not content:
        raise _invalid("là tệp rỗng")
    return compact


def _vnd(value: Any) -> Any:
    if isinstance(value, bool):
        raise _invalid("phải là số tiền nguyên không âm, tính bằng đồng")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,14}", value.strip()):
        value = int(value.strip())
    if not isinstance(value, int) or not 0 <= value <= MAX_FEE_AMOUNT:
        raise _invalid("phải là số tiền nguyên không âm, tính bằng đồng")
    return value


Line = Annotated[str, BeforeValidator(_line)]


# The request bodies' strings: ``RequiredN`` a non-blank string of at most N characters,
# ``OptionalN`` an optional one (blank counts as absent); ``OptionalText1000`` keeps line breaks.
Required50 = Annotated[str, StringConstraints(min_length=1, max_length=50), BeforeValidator(_line)]
Required100 = Annotated[str, StringConstraints(min_length=1, max_length=100), BeforeValidator(_line)]
Required255 = Annotated[str, StringConstraints(min_length=1, max_length=255), BeforeValidator(_line)]
Optional10 = Annotated[Annotated[str, StringConstraints(max_length=10)] | None, BeforeValidator(_optional_line)]
Optional20 = Annotated[Annotated[str, StringConstraints(max_length=20)] | None, BeforeValidator(_optional_line)]
Optional50 = Annotated[Annotated[str, StringConstraints(max_length=50)] | None, BeforeValidator(_optional_line)]
Optional100 = Annotated[Annotated[str, StringConstraints(max_length=100)] | None, BeforeValidator(_optional_line)]
Optional254 = Annotated[Annotated[str, StringConstraints(max_length=254)] | None, BeforeValidator(_optional_line)]
Optional500 = Annotated[Annotated[str, StringConstraints(max_length=500)] | None, BeforeValidator(_optional_line)]
Optional2048 = Annotated[Annotated[str, StringConstraints(max_length=2048)] | None, BeforeValidator(_optional_line)]
OptionalText1000 = Annotated[Annotated[str, StringConstraints(max_length=1000)] | None, BeforeValidator(_optional_text)]


# -- the request bodies --------------------------------------------------------------------------


class TaiLieuNopIn(BaseModel):
    """Tài liệu nộp kèm hồ sơ: đường dẫn tải tệp hoặc nội dung tệp (đúng một trong hai)."""

    model_config = ConfigDict(extra="ignore")

    TepDinhKemId: Annotated[
        Required100,
        Field(title="Mã tệp đính kèm", description="Mã tệp trên DVCQG, duy nhất trong hồ sơ"),
    ]
    TenTepDinhKem: Annotated[Required255, AfterValidator(_file_name), Field(title="Tên tệp đính kèm")]
    MaThanhPhanHoSo: Annotated[Optional100, Field(title="Mã thành phần hồ sơ")] = None
    DuongDanTaiTepTin: Annotated[
        Optional2048,
        AfterValidator(_https_url),
        Field(title="Đường dẫn tải tệp tin", description="URL HTTPS để hoso tải tệp về"),
    ] = None
    NoiDungBase64: Annotated[
        str | None,
        AfterValidator(_base64_content),
        Field(
            title="Nội dung tệp (base64)",
            description=f"Nội dung tệp mã hóa base64, tối đa {MAX_FILE_BYTES // (1024 * 1024)} MiB sau giải mã",
        ),
    ] = None


class LePhiIn(BaseModel):
    """Một khoản phí, lệ phí của hồ sơ."""

    model_config = ConfigDict(extra="ignore")

    MaPhiLePhi: Annotated[Required50, Field(title="Mã phí, lệ phí")]
    TenPhiLePhi: Annotated[Required255, Field(title="Tên phí, lệ phí")]
    Gia: Annotated[
        int,
        BeforeValidator(_vnd),
        Field(title="Số tiền", description="Số tiền (đồng), số nguyên không âm; nhận cả chuỗi chữ số"),
    ]
    LoaiPhiLePhi: Annotated[Optional10, Field(title="Loại phí, lệ phí", description="1: lệ phí, 2: phí")] = None
    HinhThucThu: Annotated[Optional50, Field(title="Hình thức thu")] = None


class _DossierCore(BaseModel):
    """Fields shared by the DVCQG body and the desk body."""

    MaTTHC: Annotated[
        Line,
        _matches(_PROCEDURE_CODE, "phải là mã thủ tục hành chính, ví dụ 1.001193"),
        Field(title="Mã thủ tục hành chính", description="Mã thủ tục trên CSDL quốc gia về TTHC, ví dụ 1.001193"),
    ]
    MaDonViTiepNhan: Annotated[
        Line,
        AfterValidator(_unit_code),
        Field(
            title="Mã đơn vị tiếp nhận", description="Mã định danh đơn vị theo QCVN 102:2016/BTTTT, ví dụ 000.00.00.G12"
        ),
    ]
    ChuHoSo: Annotated[Required255, Field(title="Tên chủ hồ sơ", description="Họ tên công dân hoặc tên tổ chức")]
    LoaiDoiTuong: Annotated[
        Literal["1", "2", "3", "4"],
        BeforeValidator(_line),
        Field(title="Loại đối tượng", description="1: công dân, 2: doanh nghiệp, 3: cơ quan nhà nước, 4: tổ chức khác"),
    ]
    SoGiayToChuHoSo: Annotated[
        Line,
        Field(
            min_length=1,
            max_length=50,
            title="Số giấy tờ chủ hồ sơ",
            description=(
                "Công dân: số định danh cá nhân 12 chữ số; doanh nghiệp: mã số doanh nghiệp/mã số thuế "
                "(10 chữ số hoặc 10 chữ số-3 chữ số); cơ quan, tổ chức: mã số thuế, mã định danh đơn vị "
                "hoặc mã số khác"
            ),
        ),
    ]
    MaDoiTuong: Annotated[
        Optional100, Field(title="Mã đối tượng", description="Mã định danh tài khoản (TechID) trên DVCQG")
    ] = None
    Email: Annotated[Optional254, AfterValidator(_email), Field(title="Thư điện tử")] = None
    SoDienThoai: Annotated[Optional20, AfterValidator(_phone), Field(title="Số điện thoại")] = None
    DiaChi: Annotated[Optional500, Field(title="Địa chỉ")] = None
    TrichYeuHoSo: Annotated[OptionalText1000, Field(title="Trích yếu hồ sơ")] = None
    HinhThucNhanKetQua: Annotated[
        Literal["0", "1", "2"] | None,
        BeforeValidator(_optional_line),
        Field(
            title="Hình thức nhận kết quả",
            description="0: tại bộ phận một cửa (mặc định), 1: qua bưu chính, 2: trực tuyến",
        ),
    ] = None
    DuLieuBieuMau: Annotated[
        dict[str, Any],
        Field(title="Dữ liệu biểu mẫu", description="Dữ liệu tờ khai điện tử, kiểm tra theo biểu mẫu của thủ tục"),
    ]


# The OpenAPI example's form: the birth-registration sample (local/eform_samples.py, seed data kept out of the
# package; tests/unit/intake/test_eform_samples.py keeps the two equal).
_EXAMPLE_FORM: dict[str, Any] = {
    "nguoi_yeu_cau": {
        "ho_ten": "NGUYỄN VĂN AN",
        "so_dinh_danh": "001090012345",
        "noi_cu_tru": "Số 12 ngõ 34 phố Kim Mã, phường Giảng Võ, thành phố Hà Nội",
        "quan_he": "Cha",
        "so_dien_thoai": "0912345678"
    },
    "nguoi_duoc_khai_sinh": {
        "ho_ten": "NGUYỄN MINH KHÔI",
        "ngay_sinh": "15/08/2025",
        "ngay_sinh_bang_chu": "Ngày mười lăm tháng tám năm hai nghìn không trăm hai mươi lăm",
        "gioi_tinh": "nam",
        "dan_toc": "01",
        "quoc_tich": "Việt Nam",
        "noi_sinh": "Bệnh viện Phụ sản Hà Nội, số 929 đường La Thành, phường Giảng Võ, thành phố Hà Nội",
        "que_quan": "Xã Hoằng Hóa, tỉnh Thanh Hóa"
    },
    "me": {
        "ho_ten": "TRẦN THỊ BÌNH",
        "ngay_sinh": "20/03/1992",
        "dan_toc": "01",
        "quoc_tich": "Việt Nam",
        "so_dinh_danh": "038192004567",
        "noi_cu_tru": "Số 12 ngõ 34 phố Kim Mã, phường Giảng Võ, thành phố Hà Nội"
    },
    "cha": {
        "xac_dinh_cha": "co",
        "ho_ten": "NGUYỄN VĂN AN",
        "ngay_sinh": "05/11/1990",
        "dan_toc": "01",
        "quoc_tich": "Việt Nam",
        "so_dinh_danh": "001090012345",
        "noi_cu_tru": "Số 12 ngõ 34 phố Kim Mã, phường Giảng Võ, thành phố Hà Nội"
    },
    "ban_sao": {
        "de_nghi_cap": "co",
        "so_luong": 2
    },
    "cam_doan": {
        "cam_doan": True
    }
}

DVCQG_EXAMPLE: dict[str, Any] = {
    "MaHoSoDVCQG": "G22.99-250915-0012",
    "MaTTHC": "1.001193",
    "MaDonViTiepNhan": "000.00.13.H29",
    "ChuHoSo": "Nguyễn Văn An",
    "LoaiDoiTuong": "1",
    "SoGiayToChuHoSo": "001090012345",
    "MaDoiTuong": "b1f3c0de-5a7e-4c1e-9d2a-0c6f2e8a9b10",
    "Email": "nguyenvanan@example.vn",
    "SoDienThoai": "0912345678",
    "DiaChi": "Số 12 ngõ 34 phố Kim Mã, phường Giảng Võ, thành phố Hà Nội",
    "TrichYeuHoSo": "Đăng ký khai sinh cho cháu Nguyễn Minh Khôi",
    "NgayNopHoSo": "20250915093000",
    "KenhThucHien": "2",
    "HinhThucNhanKetQua": "2",
    "DuLieuBieuMau": _EXAMPLE_FORM,
    "TaiLieuNop": [
        {
            "TepDinhKemId": "TEP-001",
            "TenTepDinhKem": "giay-chung-sinh.pdf",
            "MaThanhPhanHoSo": "GIAY_CHUNG_SINH",
            "DuongDanTaiTepTin": "https://dichvucong.gov.vn/files/TEP-001",
        }
    ],
    "DanhSachLePhi": [
        {
            "MaPhiLePhi": "LP-KS-BS",
            "TenPhiLePhi": "Phí cấp bản sao trích lục",
            "Gia": 16000,
            "LoaiPhiLePhi": "2",
            "HinhThucThu": "Trực tuyến",
        }
    ],
}


class DvcqgDossierIn(_DossierCore):
    """Hồ sơ trực tuyến do Cổng Dịch vụ công quốc gia gửi sang (SPEC §7.1)."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [DVCQG_EXAMPLE]})

    MaHoSoDVCQG: Annotated[
        Line,
        _matches(_DOSSIER_REF, "chỉ gồm chữ cái không dấu, chữ số và các ký tự . _ / -, tối đa 100 ký tự"),
        Field(title="Mã hồ sơ trên DVCQG", description="Mã tham chiếu của DVCQG; dùng để nhận biết gửi lặp"),
    ]
    NgayNopHoSo: Annotated[
        Line, AfterValidator(_dvcqg_datetime), Field(title="Ngày nộp hồ sơ", description="yyyyMMddHHmmss, giờ Việt Nam")
    ]
    KenhThucHien: Annotated[
        Literal["1", "2", "3"] | None,
        BeforeValidator(_optional_line),
        Field(title="Kênh thực hiện", description="1: trực tiếp, 2: trực tuyến (mặc định), 3: bưu chính"),
    ] = None
    TaiLieuNop: Annotated[list[TaiLieuNopIn], Field(max_length=MAX_FILES, title="Tài liệu nộp")] = []
    DanhSachLePhi: Annotated[list[LePhiIn], Field(max_length=MAX_FEES, title="Danh sách phí, lệ phí")] = []


DESK_EXAMPLE: dict[str, Any] = {
    **{k: v for k, v in DVCQG_EXAMPLE.items() if k in _DossierCore.model_fields},
    "MaDoiTuong": None,
    "HinhThucNhanKetQua": "0",
    "KenhThucHien": "desk",
}


MAX_DESK_COMPONENTS = 50
MAX_FILES_PER_COMPONENT = 10
CopyKind = Literal["original", "copy"]


class ThanhPhanNhanIn(BaseModel):
    """Một thành phần hồ sơ cán bộ một cửa đã nhận: bản chính hay bản sao, và các tệp đã tải lên
    (POST /v1/uploads) — không có tệp: chỉ nhận bản giấy."""

    model_config = ConfigDict(extra="forbid")

    MaThanhPhanHoSo: Annotated[Required100, Field(title="Mã thành phần hồ sơ")]
    LoaiBan: Annotated[CopyKind, Field(title="Loại bản", description="original: bản chính, copy: bản sao")]
    MaTepTaiLen: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=32)]],
        Field(max_length=MAX_FILES_PER_COMPONENT, title="Tệp đã tải lên",
              description="Mã các tệp đã tải lên và được kiểm tra (POST /v1/uploads)"),
    ] = []
    MaGiayToKho: Annotated[
        list[Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{20}$")]],
        Field(max_length=MAX_FILES_PER_COMPONENT, title="Giấy tờ dùng lại từ kho dữ liệu điện tử",
              description="Mã mục giấy tờ của chủ hồ sơ trong kho (loại giấy tờ là mã thành phần này)"),
    ] = []


class DeskDossierIn(_DossierCore):
    """Hồ sơ do cán bộ một cửa nhập khi tiếp nhận trực tiếp, qua bưu chính, ủy quyền hoặc lưu động."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [DESK_EXAMPLE]})

    KenhThucHien: Annotated[
        Literal["desk", "post", "authorised", "mobile"],
        BeforeValidator(_line),
        Field(
            title="Kênh thực hiện",
            description="desk: trực tiếp, post: bưu chính, authorised: người được ủy quyền, mobile: lưu động/di động",
        ),
    ] = "desk"
    ThanhPhanHoSo: Annotated[
        list[ThanhPhanNhanIn],
        Field(max_length=MAX_DESK_COMPONENTS, title="Thành phần hồ sơ đã nhận",
              description="Danh mục kiểm tra thành phần hồ sơ: mỗi thành phần đã nhận, bản chính hay bản sao, tệp"),
    ] = []


# -- the result ------------------------------------------------------------------------------------


class Attachment(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    component_code: str | None = None
    url: str | None = None  # to download (DuongDanTaiTepTin)
    content: bytes | None = None  # decoded NoiDungBase64

    @property
    def size(self) -> int | None:
        return len(self.content) if self.content is not None else None


class ReceivedComponentIn(BaseModel):
    """A component the desk officer ticked as received: original or copy, and its uploads."""

    model_config = ConfigDict(frozen=True)

    code: str
    copy_kind: Literal["original", "copy"]
    upload_ids: tuple[str, ...] = ()
    edata_ids: tuple[str, ...] = ()  # the applicant's stored documents reused for it


class FeeLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    amount: int  # đồng
    kind: str | None = None
    collection: str | None = None


class IntakeDossier(BaseModel):
    """A dossier that passed intake checks, in hoso's own terms."""

    model_config = ConfigDict(frozen=True)

    dvcqg_ref: str | None
    procedure_code: str
    unit_code: str
    applicant_name: str
    applicant_kind: Literal["1", "2", "3", "4"]
    applicant_id: str
    dvcqg_tech_id: str | None
    email: str | None
    phone: str | None
    address: str | None
    summary: str | None
    channel: Literal["online", "desk", "post", "authorised", "mobile"]
    dvcqg_channel: Literal["1", "2", "3"]
    result_delivery: Literal["0", "1", "2"]
    submitted_at: dt.datetime
    eform_code: str | None
    eform_version: int | None
    form_data: dict[str, Any]
    attachments: tuple[Attachment, ...] = ()
    fees: tuple[FeeLine, ...] = ()
    components: tuple[ReceivedComponentIn, ...] = ()  # desk intake's checklist


@dataclass(frozen=True)
class ProcedureIntake:
    """What intake needs to know about a procedure: its eForm (None when the procedure has
    none) and the applicant kinds (LoaiDoiTuong) it serves."""

    eform: EFormSchema | None
    applicant_types: frozenset[str] = frozenset(APPLICANT_KINDS)


ProcedureLookup = Callable[[str], ProcedureIntake | None]
UnitLookup = Callable[[str], bool]


# -- pydantic errors in Vietnamese -----------------------------------------------------------------


def _titles(*models: type[BaseModel]) -> dict[str, str]:
    return {name: f.title or name for model in models for name, f in model.model_fields.items()}


_LABELS = _titles(DvcqgDossierIn, DeskDossierIn, TaiLieuNopIn, LePhiIn)


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _label(loc: tuple[int | str, ...]) -> str:
    names = [p for p in loc if isinstance(p, str)]
    label = _LABELS.get(names[-1], names[-1]) if names else "Dữ liệu"
    if loc and isinstance(loc[-1], int):
        return f"Phần tử thứ {loc[-1] + 1} của {label}"
    return label


def _choices(expected: str) -> str:
    return ", ".join(re.findall(r"'([^']*)'", expected))


def _fragment(error: Mapping[str, Any]) -> str:
    kind: str = error["type"]
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind.startswith("hoso_"):
        return str(error["msg"])
    if kind == "missing":
        return "là trường bắt buộc"
    if kind == "string_type":
        return "phải là chuỗi ký tự"
    if kind in {"string_too_short", "too_short"}:
        least = ctx.get("min_length")
        if kind == "too_short" and not isinstance(error.get("input"), str):
            return f"phải có ít nhất {least} phần tử"
        return "không được để trống" if least == 1 else f"phải có ít nhất {least} ký tự"
    if kind in {"string_too_long", "too_long"}:
        most = ctx.get("max_length")
        if kind == "too_long" and not isinstance(error.get("input"), str):
            return f"không được quá {most} phần tử"
        return f"không được dài quá {most} ký tự"
    if kind == "literal_error":
        return f"phải là một trong các giá trị: {_choices(str(ctx.get('expected', '')))}"
    if kind == "list_type":
        return "phải là một danh sách"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "phải là một đối tượng JSON"
    if kind.startswith("int_"):
        return "phải là số nguyên"
    return "không hợp lệ"


@dataclass(frozen=True)
class _Problem:
    error: FieldError
    loc: tuple[int | str, ...] = ()
    too_large: bool = False
    unknown: Literal["procedure", "unit"] | None = None


def _message(error: Mapping[str, Any]) -> str:
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        return f"Trường “{_path(loc)}” không có trong mẫu dữ liệu."
    return sentence(_label(loc), _fragment(error))


def _pydantic_errors(model: type[BaseModel], raw: Mapping[str, Any]) -> tuple[BaseModel | None, list[_Problem]]:
    try:
        return model.model_validate(raw), []
    except ValidationError as exc:
        problems = [
            _Problem(
                FieldError(_path(e["loc"]), _message(e)),
                too_large=e["type"] == "hoso_file_too_large",
                loc=tuple(e["loc"]),
            )
            for e in exc.errors(include_url=False)
        ]
        return None, problems


# -- cross-field checks -----------------------------------------------------------------------------


def _holder_id_problem(kind: str, value: str, today: dt.date) -> str | None:
    """Why ``value`` cannot identify an applicant of LoaiDoiTuong ``kind`` (a fragment), or None."""
    if kind == "1":
        check = check_personal_number(value, today=today)
        return "; ".join(check.problems) + " (công dân dùng số định danh cá nhân)" if check.problems else None
    if kind == "2" or _TAX_SHAPED.fullmatch(value):
        tax = check_tax_code(value, today=today)
        return "; ".join(tax.errors) if tax.errors else None
    if is_unit_code(value) or (kind == "3" and _BUDGET_CODE.fullmatch(value)):
        return None
    if kind == "4" and _ORGANISATION_ID.fullmatch(value):
        return None
    if kind == "3":
        return "phải là mã số thuế, mã định danh đơn vị (QCVN 102) hoặc mã đơn vị quan hệ ngân sách 7 chữ số"
    return "phải là mã số thuế hoặc mã số của tổ chức (3–50 chữ cái không dấu, chữ số, “.”, “/”, “-”)"


def _nfc_deep(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, Mapping):
        return {nfc(str(k)): _nfc_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nfc_deep(v) for v in value]
    return value


class _Intake:
    def __init__(
        self,
        raw: Mapping[str, Any],
        model: type[BaseModel],
        procedure_lookup: ProcedureLookup,
        unit_lookup: UnitLookup,
        now: dt.datetime,
    ) -> None:
        self.raw = raw
        self.now = now
        self.today = now.astimezone(VN_TZ).date()
        self.body, self.problems = _pydantic_errors(model, raw)
        self.failed = {p.loc[0] for p in self.problems if p.loc}
        self.procedure: ProcedureIntake | None = None
        self.form_data: dict[str, Any] = {}
        self.procedure_lookup = procedure_lookup
        self.unit_lookup = unit_lookup

    def ok(self, name: str) -> bool:
        return name not in self.failed

    def text(self, name: str) -> str:
        return clean_text(str(self.raw[name]))

    def add(self, field: str, message: str, **kw: Any) -> None:
        self.problems.append(_Problem(FieldError(field, message), **kw))

    def check_core(self) -> None:
        if self.ok("LoaiDoiTuong") and self.ok("SoGiayToChuHoSo"):
            kind = self.text("LoaiDoiTuong")
            problem = _holder_id_problem(kind, self.text("SoGiayToChuHoSo"), self.today)
            if problem:
                self.add("SoGiayToChuHoSo", sentence(_LABELS["SoGiayToChuHoSo"], problem))
        if self.ok("MaTTHC"):
            self.check_procedure(self.text("MaTTHC"))
        if self.ok("MaDonViTiepNhan"):
            code = self.text("MaDonViTiepNhan")
            if not self.unit_lookup(code):
                self.add(
                    "MaDonViTiepNhan",
                    f"Đơn vị tiếp nhận {code} không có trong danh mục đơn vị của hệ thống.",
                    unknown="unit",
                )

    def check_procedure(self, code: str) -> None:
        self.procedure = self.procedure_lookup(code)
        if self.procedure is None:
            self.add(
                "MaTTHC",
                f"Thủ tục hành chính {code} không có trong danh mục thủ tục của hệ thống.",
                unknown="procedure",
            )
            return
        if self.ok("LoaiDoiTuong"):
            kind = self.text("LoaiDoiTuong")
            if kind not in self.procedure.applicant_types:
                self.add(
                    "LoaiDoiTuong", f"Thủ tục {code} không áp dụng cho loại đối tượng {kind} ({APPLICANT_KINDS[kind]})."
                )
        if not self.ok("DuLieuBieuMau"):
            return
        data = self.raw["DuLieuBieuMau"]
        if self.procedure.eform is not None:
            result = validate_eform(self.procedure.eform, data, prefix="DuLieuBieuMau", today=self.today)
            self.problems.extend(_Problem(e) for e in result.errors)
            self.form_data = result.data
        else:
            self.form_data = self.freeform(data)

    def freeform(self, data: dict[str, Any]) -> dict[str, Any]:
        size = len(json.dumps(data, ensure_ascii=False).encode())
        if size > MAX_FREEFORM_FORM_BYTES:
            self.add(
                "DuLieuBieuMau",
                sentence(_LABELS["DuLieuBieuMau"], f"không được vượt quá {MAX_FREEFORM_FORM_BYTES // 1024} KiB"),
            )
            return {}
        normalised: dict[str, Any] = _nfc_deep(data)
        for path, text in _strings(normalised, "DuLieuBieuMau"):
            if control_characters(text, multiline=True):
                self.add(path, "Giá trị chứa ký tự điều khiển không hợp lệ.")
        return normalised

    def check_dvcqg(self) -> None:
        if self.ok("NgayNopHoSo"):
            submitted = parse_dvcqg_datetime(self.text("NgayNopHoSo"))
            if submitted > self.now + SUBMISSION_CLOCK_SKEW:
                self.add("NgayNopHoSo", sentence(_LABELS["NgayNopHoSo"], "không được ở thời điểm tương lai"))
        files = self.raw.get("TaiLieuNop")
        if not isinstance(files, list):
            return
        seen: dict[str, int] = {}
        for index, item in enumerate(files):
            if not isinstance(item, Mapping):
                continue
            given = [k for k in ("DuongDanTaiTepTin", "NoiDungBase64") if not _blank(item.get(k))]
            if len(given) != 1:
                self.add(
                    f"TaiLieuNop[{index}]",
                    f"Tài liệu nộp thứ {index + 1} phải có đúng một trong hai trường "
                    "DuongDanTaiTepTin (đường dẫn tải tệp) hoặc NoiDungBase64 (nội dung tệp).",
                )
            file_id = item.get("TepDinhKemId")
            if isinstance(file_id, str) and file_id.strip():
                key = clean_text(file_id)
                if key in seen:
                    self.add(
                        f"TaiLieuNop[{index}].TepDinhKemId",
                        f"Mã tệp đính kèm {key} trùng với tài liệu nộp thứ {seen[key] + 1}.",
                    )
                seen.setdefault(key, index)

    def raise_if_invalid(self) -> None:
        if not self.problems:
            return
        errors = [p.error for p in self.problems]
        if any(p.too_large for p in self.problems):
            raise HosoError(
                "PAYLOAD_TOO_LARGE",
                f"Tệp đính kèm vượt quá dung lượng cho phép ({MAX_FILE_BYTES // (1024 * 1024)} MiB mỗi tệp).",
                413,
                errors=errors,
            )
        unknown = {p.unknown for p in self.problems}
        if None not in unknown and "procedure" in unknown:
            raise HosoError(
                "UNKNOWN_PROCEDURE", "Thủ tục hành chính không có trong danh mục của hệ thống.", 422, errors=errors
            )
        if None not in unknown:
            raise HosoError(
                "UNKNOWN_UNIT", "Đơn vị tiếp nhận không có trong danh mục của hệ thống.", 422, errors=errors
            )
        raise HosoError("INVALID_DATA", "Dữ liệu hồ sơ không hợp lệ.", 422, errors=errors)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _strings(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in _strings(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [item for i, v in enumerate(value) for item in _strings(v, f"{path}[{i}]")]
    return []


def _body_error(message: str) -> HosoError:
    return HosoError("INVALID_DATA", "Dữ liệu hồ sơ không hợp lệ.", 422, errors=[FieldError("body", message)])


def _nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` nests objects/arrays more than ``limit`` levels (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping | list | tuple):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, Mapping) else item))
    return False


def _check_body(raw: Any) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise _body_error("Nội dung yêu cầu phải là một đối tượng JSON.")
    if _nested_deeper_than(raw, MAX_JSON_DEPTH):
        raise _body_error(f"Nội dung yêu cầu lồng nhau quá {MAX_JSON_DEPTH} cấp.")
    return raw


def _now(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(VN_TZ)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now


def _dossier(
    body: _DossierCore,
    intake: _Intake,
    *,
    dvcqg_ref: str | None,
    channel: Literal["online", "desk", "post", "authorised", "mobile"],
    dvcqg_channel: Literal["1", "2", "3"],
    submitted_at: dt.datetime,
    attachments: tuple[Attachment, ...] = (),
    fees: tuple[FeeLine, ...] = (),
) -> IntakeDossier:
    eform = intake.procedure.eform if intake.procedure else None
    return IntakeDossier(
        dvcqg_ref=dvcqg_ref,
        procedure_code=body.MaTTHC,
        unit_code=body.MaDonViTiepNhan,
        applicant_name=body.ChuHoSo,
        applicant_kind=body.LoaiDoiTuong,
        applicant_id=body.SoGiayToChuHoSo,
        dvcqg_tech_id=body.MaDoiTuong,
        email=body.Email,
        phone=body.SoDienThoai,
        address=body.DiaChi,
        summary=body.TrichYeuHoSo,
        channel=channel,
        dvcqg_channel=dvcqg_channel,
        result_delivery=body.HinhThucNhanKetQua or "0",
        submitted_at=submitted_at,
        eform_code=eform.code if eform else None,
        eform_version=eform.version if eform else None,
        form_data=intake.form_data,
        attachments=attachments,
        fees=fees,
    )


# -- entry points ----------------------------------------------------------------------------------


def parse_dvcqg_dossier(
    raw: Any,
    *,
    procedure_lookup: ProcedureLookup,
    unit_lookup: UnitLookup,
    now: dt.datetime | None = None,
) -> IntakeDossier:
    """Check a DVCQG body (SPEC §7.1) and return it as an :class:`IntakeDossier`.

    ``procedure_lookup(MaTTHC)`` gives the procedure's intake facts or None when hoso does not
    handle it; ``unit_lookup(MaDonViTiepNhan)`` tells whether the unit exists. Raises
    :class:`HosoError` (see the module docstring for codes) naming every bad field.
    """
    raw = _check_body(raw)
    intake = _Intake(raw, DvcqgDossierIn, procedure_lookup, unit_lookup, _now(now))
    intake.check_core()
    intake.check_dvcqg()
    intake.raise_if_invalid()
    body = intake.body
    assert isinstance(body, DvcqgDossierIn)
    code = body.KenhThucHien or "2"
    return _dossier(
        body,
        intake,
        dvcqg_ref=body.MaHoSoDVCQG,
        channel=DVCQG_CHANNELS[code],  # type: ignore[arg-type]
        dvcqg_channel=code,
        submitted_at=parse_dvcqg_datetime(body.NgayNopHoSo),
        attachments=tuple(
            Attachment(
                id=f.TepDinhKemId,
                name=f.TenTepDinhKem,
                component_code=f.MaThanhPhanHoSo,
                url=f.DuongDanTaiTepTin,
                content=base64.b64decode(f.NoiDungBase64) if f.NoiDungBase64 else None,
            )
            for f in body.TaiLieuNop
        ),
        fees=tuple(
            FeeLine(code=f.MaPhiLePhi, name=f.TenPhiLePhi, amount=f.Gia, kind=f.LoaiPhiLePhi, collection=f.HinhThucThu)
            for f in body.DanhSachLePhi
        ),
    )


def parse_desk_dossier(
    raw: Any,
    *,
    procedure_lookup: ProcedureLookup,
    unit_lookup: UnitLookup,
    now: dt.datetime | None = None,
) -> IntakeDossier:
    """Check what a one-stop officer entered (:class:`DeskDossierIn`) with the same rules as
    DVCQG's body; the dossier is submitted ``now``. Files are uploaded separately."""
    raw = _check_body(raw)
    moment = _now(now)
    intake = _Intake(raw, DeskDossierIn, procedure_lookup, unit_lookup, moment)
    intake.check_core()
    intake.raise_if_invalid()
    body = intake.body
    assert isinstance(body, DeskDossierIn)
    return _dossier(
        body,
        intake,
        dvcqg_ref=None,
        channel=body.KenhThucHien,
        dvcqg_channel="3" if body.KenhThucHien == "post" else "1",
        submitted_at=moment.astimezone(VN_TZ),
    ).model_copy(update={"components": tuple(
        ReceivedComponentIn(code=c.MaThanhPhanHoSo, copy_kind=c.LoaiBan, upload_ids=tuple(c.MaTepTaiLen),
                            edata_ids=tuple(c.MaGiayToKho))
        for c in body.ThanhPhanHoSo)})


def canonical_body_hash(body: bytes | str | Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of a body: keys sorted, strings (and keys) in NFC,
    no insignificant whitespace. Same ``MaHoSoDVCQG`` + same hash → the same answer again;
    same ``MaHoSoDVCQG`` + another hash → 409. Raises ``ValueError`` on bytes that are not JSON
    and the 422 :class:`HosoError` of intake on a body nested deeper than :data:`MAX_JSON_DEPTH`.
    """
    value = json.loads(body) if isinstance(body, bytes | str) else body
    if _nested_deeper_than(value, MAX_JSON_DEPTH):
        raise _body_error(f"Nội dung yêu cầu lồng nhau quá {MAX_JSON_DEPTH} cấp.")
    canonical = json.dumps(_nfc_deep(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
