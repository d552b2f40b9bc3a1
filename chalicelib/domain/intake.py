"""The intake contract (SPEC §7.1): the body of ``POST /v1/dvcqg/dossiers`` in DVCQG's naming
(:class:`DvcqgDossierIn`) and what a one-stop officer submits at the desk (:class:`DeskDossierIn`,
same applicant and form fields), with Vietnamese titles, descriptions and an example for the
OpenAPI document.

The intake's jobs, one module each:

* the fields' cleaning and checks and the string types — ``chalicelib.domain.body_fields``;
* pydantic's errors in Vietnamese — ``chalicelib.domain.body_errors``;
* the cross-field checks (applicant's identifier, procedure, unit, eForm data, dates, files) and
  the entry points that turn a body into an :class:`~chalicelib.domain.intake_result.IntakeDossier`
  — ``chalicelib.domain.intake_parse``;
* the checked dossier in hoso's own terms — ``chalicelib.domain.intake_result``.

Decisions: unknown top-level fields from DVCQG are ignored (DVCQG's payloads carry more fields
than §7.1 lists, e.g. ``TenTTHC``; they still count in the body hash) while the desk body, which
is ours, rejects them. ``KenhThucHien`` accepts DVCQG's channel codes "1" desk, "2" online (the
default), "3" post (§7.2) and is kept as given. ``HinhThucNhanKetQua`` defaults to "0" (at the
desk). ``Gia`` accepts a JSON integer or a string of digits.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from chalicelib.domain.body_errors import field_titles
from chalicelib.domain.body_fields import (
    DOSSIER_REF,
    MAX_FILE_BYTES,
    PROCEDURE_CODE,
    Line,
    Optional10,
    Optional20,
    Optional50,
    Optional100,
    Optional254,
    Optional500,
    Optional2048,
    OptionalText1000,
    Required50,
    Required100,
    Required255,
    check_base64,
    check_dvcqg_datetime,
    check_email,
    check_file_name,
    check_https_url,
    check_phone,
    check_unit_code,
    line,
    matches,
    optional_line,
    vnd,
)

MAX_FILES = 20
MAX_FEES = 50

APPLICANT_KINDS: dict[str, str] = {
    "1": "công dân",
    "2": "doanh nghiệp",
    "3": "cơ quan nhà nước",
    "4": "tổ chức khác",
}
DVCQG_CHANNELS: dict[str, str] = {"1": "desk", "2": "online", "3": "post"}


# -- the request bodies --------------------------------------------------------------------------


class TaiLieuNopIn(BaseModel):
    """Tài liệu nộp kèm hồ sơ: đường dẫn tải tệp hoặc nội dung tệp (đúng một trong hai)."""

    model_config = ConfigDict(extra="ignore")

    TepDinhKemId: Annotated[
        Required100,
        Field(title="Mã tệp đính kèm", description="Mã tệp trên DVCQG, duy nhất trong hồ sơ"),
    ]
    TenTepDinhKem: Annotated[Required255, AfterValidator(check_file_name), Field(title="Tên tệp đính kèm")]
    MaThanhPhanHoSo: Annotated[Optional100, Field(title="Mã thành phần hồ sơ")] = None
    DuongDanTaiTepTin: Annotated[
        Optional2048,
        AfterValidator(check_https_url),
        Field(title="Đường dẫn tải tệp tin", description="URL HTTPS để hoso tải tệp về"),
    ] = None
    NoiDungBase64: Annotated[
        str | None,
        AfterValidator(check_base64),
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
        BeforeValidator(vnd),
        Field(title="Số tiền", description="Số tiền (đồng), số nguyên không âm; nhận cả chuỗi chữ số"),
    ]
    LoaiPhiLePhi: Annotated[Optional10, Field(title="Loại phí, lệ phí", description="1: lệ phí, 2: phí")] = None
    HinhThucThu: Annotated[Optional50, Field(title="Hình thức thu")] = None


class DossierCore(BaseModel):
    """Fields shared by the DVCQG body and the desk body."""

    MaTTHC: Annotated[
        Line,
        matches(PROCEDURE_CODE, "phải là mã thủ tục hành chính, ví dụ 1.001193"),
        Field(title="Mã thủ tục hành chính", description="Mã thủ tục trên CSDL quốc gia về TTHC, ví dụ 1.001193"),
    ]
    MaDonViTiepNhan: Annotated[
        Line,
        AfterValidator(check_unit_code),
        Field(
            title="Mã đơn vị tiếp nhận", description="Mã định danh đơn vị theo QCVN 102:2016/BTTTT, ví dụ 000.00.00.G12"
        ),
    ]
    ChuHoSo: Annotated[Required255, Field(title="Tên chủ hồ sơ", description="Họ tên công dân hoặc tên tổ chức")]
    LoaiDoiTuong: Annotated[
        Literal["1", "2", "3", "4"],
        BeforeValidator(line),
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
    Email: Annotated[Optional254, AfterValidator(check_email), Field(title="Thư điện tử")] = None
    SoDienThoai: Annotated[Optional20, AfterValidator(check_phone), Field(title="Số điện thoại")] = None
    DiaChi: Annotated[Optional500, Field(title="Địa chỉ")] = None
    TrichYeuHoSo: Annotated[OptionalText1000, Field(title="Trích yếu hồ sơ")] = None
    HinhThucNhanKetQua: Annotated[
        Literal["0", "1", "2"] | None,
        BeforeValidator(optional_line),
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


class DvcqgDossierIn(DossierCore):
    """Hồ sơ trực tuyến do Cổng Dịch vụ công quốc gia gửi sang (SPEC §7.1)."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [DVCQG_EXAMPLE]})

    MaHoSoDVCQG: Annotated[
        Line,
        matches(DOSSIER_REF, "chỉ gồm chữ cái không dấu, chữ số và các ký tự . _ / -, tối đa 100 ký tự"),
        Field(title="Mã hồ sơ trên DVCQG", description="Mã tham chiếu của DVCQG; dùng để nhận biết gửi lặp"),
    ]
    NgayNopHoSo: Annotated[
        Line,
        AfterValidator(check_dvcqg_datetime),
        Field(title="Ngày nộp hồ sơ", description="yyyyMMddHHmmss, giờ Việt Nam"),
    ]
    KenhThucHien: Annotated[
        Literal["1", "2", "3"] | None,
        BeforeValidator(optional_line),
        Field(title="Kênh thực hiện", description="1: trực tiếp, 2: trực tuyến (mặc định), 3: bưu chính"),
    ] = None
    TaiLieuNop: Annotated[list[TaiLieuNopIn], Field(max_length=MAX_FILES, title="Tài liệu nộp")] = []
    DanhSachLePhi: Annotated[list[LePhiIn], Field(max_length=MAX_FEES, title="Danh sách phí, lệ phí")] = []


DESK_EXAMPLE: dict[str, Any] = {
    **{k: v for k, v in DVCQG_EXAMPLE.items() if k in DossierCore.model_fields},
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


class DeskDossierIn(DossierCore):
    """Hồ sơ do cán bộ một cửa nhập khi tiếp nhận trực tiếp, qua bưu chính, ủy quyền hoặc lưu động."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [DESK_EXAMPLE]})

    KenhThucHien: Annotated[
        Literal["desk", "post", "authorised", "mobile"],
        BeforeValidator(line),
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


# The fields' titles, to start the messages of intake's errors with.
TITLES = field_titles(DvcqgDossierIn, DeskDossierIn, TaiLieuNopIn, LePhiIn)
