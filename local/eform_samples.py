"""Demo eForms of real procedures (seed data), each faithful to its legal paper form, with a
realistic filled example.

``SAMPLE_EFORMS`` maps the eForm code to its schema; ``PROCEDURE_EFORMS`` maps national
procedure codes (CSDL quốc gia về TTHC) to eForm codes; ``SAMPLE_FILLED`` holds one filled
example per eForm (it passes :func:`chalicelib.domain.eform.validate_eform`).

Procedure codes: 1.001193 (đăng ký khai sinh), 1.004222 (đăng ký thường trú), 1.003197 (xóa
đăng ký thường trú) and 1.000656 (đăng ký khai tử) are the codes published for these
procedures. The national codes of the three other procedures (BHYT card for children under 6,
funeral allowance, trademark registration) could not be checked while writing this seed, so
they are deliberately absent from ``PROCEDURE_EFORMS`` (see the comment there) instead of
guessed.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.eform import (
    DateOrder,
    EFormSchema,
    FormField,
    FormSection,
    Option,
    RequiredIf,
    SumEquals,
)

# 54 ethnic groups with the General Statistics Office codes (Decision 121-TCTK/PPCĐ, 1979).
ETHNIC_GROUPS: tuple[tuple[str, str], ...] = (
    ("01", "Kinh"), ("02", "Tày"), ("03", "Thái"), ("04", "Hoa"), ("05", "Khmer"), ("06", "Mường"),
    ("07", "Nùng"), ("08", "Hmông"), ("09", "Dao"), ("10", "Gia Rai"), ("11", "Ngái"), ("12", "Ê Đê"),
    ("13", "Ba Na"), ("14", "Xơ Đăng"), ("15", "Sán Chay"), ("16", "Cơ Ho"), ("17", "Chăm"), ("18", "Sán Dìu"),
    ("19", "Hrê"), ("20", "Mnông"), ("21", "Raglay"), ("22", "Xtiêng"), ("23", "Bru Vân Kiều"), ("24", "Thổ"),
    ("25", "Giáy"), ("26", "Cơ Tu"), ("27", "Gié Triêng"), ("28", "Mạ"), ("29", "Khơ Mú"), ("30", "Co"),
    ("31", "Tà Ôi"), ("32", "Chơ Ro"), ("33", "Kháng"), ("34", "Xinh Mun"), ("35", "Hà Nhì"), ("36", "Chu Ru"),
    ("37", "Lào"), ("38", "La Chí"), ("39", "La Ha"), ("40", "Phù Lá"), ("41", "La Hủ"), ("42", "Lự"),
    ("43", "Lô Lô"), ("44", "Chứt"), ("45", "Mảng"), ("46", "Pà Thẻn"), ("47", "Cơ Lao"), ("48", "Cống"),
    ("49", "Bố Y"), ("50", "Si La"), ("51", "Pu Péo"), ("52", "Brâu"), ("53", "Ơ Đu"), ("54", "Rơ Măm"),
)  # fmt: skip

_ETHNIC_OPTIONS = [Option(value=code, label=name) for code, name in ETHNIC_GROUPS]
_GENDER_OPTIONS = [Option(value="nam", label="Nam"), Option(value="nu", label="Nữ")]
_YES_NO = [Option(value="co", label="Có"), Option(value="khong", label="Không")]


def _name(key: str = "ho_ten", label: str = "Họ, chữ đệm và tên", **kw: Any) -> FormField:
    return FormField(key=key, label=label, type="text", max_length=100, guidance="Ghi bằng chữ in hoa, có dấu", **kw)


def _birth_date(key: str = "ngay_sinh", label: str = "Ngày, tháng, năm sinh", **kw: Any) -> FormField:
    return FormField(key=key, label=label, type="date", date_limit="past", **kw)


def _gender(**kw: Any) -> FormField:
    return FormField(key="gioi_tinh", label="Giới tính", type="radio", options=_GENDER_OPTIONS, **kw)


def _ethnicity(**kw: Any) -> FormField:
    return FormField(key="dan_toc", label="Dân tộc", type="select", options=_ETHNIC_OPTIONS, **kw)


def _nationality(**kw: Any) -> FormField:
    return FormField(key="quoc_tich", label="Quốc tịch", type="text", max_length=100, placeholder="Việt Nam", **kw)


def _personal_number(key: str = "so_dinh_danh", label: str = "Số định danh cá nhân", **kw: Any) -> FormField:
    kw.setdefault("guidance", "12 chữ số trên thẻ căn cước / căn cước công dân")
    return FormField(key=key, label=label, type="personal_number", **kw)


def _residence(key: str = "noi_cu_tru", label: str = "Nơi cư trú", **kw: Any) -> FormField:
    return FormField(
        key=key,
        label=label,
        type="textarea",
        max_length=500,
        guidance="Số nhà, đường/thôn, xã/phường, tỉnh/thành phố (theo đơn vị hành chính hiện hành)",
        **kw,
    )


def _relationship(key: str, label: str, **kw: Any) -> FormField:
    return FormField(key=key, label=label, type="text", max_length=50, **kw)


def _declaration(text: str) -> FormSection:
    return FormSection(
        key="cam_doan",
        title="Cam đoan",
        fields=[FormField(key="cam_doan", label=text, type="checkbox", required=True)],
    )


# -- 1. Đăng ký khai sinh (1.001193) -----------------------------------------------------------

KHAI_SINH = EFormSchema(
    code="HT-TK-KHAI-SINH",
    version=1,
    title="Tờ khai đăng ký khai sinh",
    legal_basis="Mẫu Tờ khai đăng ký khai sinh ban hành kèm theo Thông tư số 04/2020/TT-BTP",
    sections=[
        FormSection(
            key="nguoi_yeu_cau",
            title="Người yêu cầu",
            guidance="Thông tin được tự động điền từ Cơ sở dữ liệu quốc gia về dân cư; kiểm tra và sửa nếu cần.",
            fields=[
                _name(required=True, autofill_source="population.HoVaTen"),
                _personal_number(required=True, autofill_source="population.SoDinhDanh"),
                _residence(required=True, autofill_source="population.NoiThuongTru"),
                _relationship("quan_he", "Quan hệ với người được khai sinh", required=True, placeholder="Cha, mẹ…"),
                FormField(
                    key="so_dien_thoai", label="Số điện thoại", type="phone", autofill_source="vneid.SoDienThoai"
                ),
            ],
        ),
        FormSection(
            key="nguoi_duoc_khai_sinh",
            title="Người được khai sinh",
            fields=[
                _name(required=True),
                _birth_date(required=True),
                FormField(
                    key="ngay_sinh_bang_chu",
                    label="Ngày, tháng, năm sinh ghi bằng chữ",
                    type="text",
                    max_length=200,
                    placeholder="Ngày mười lăm tháng tám năm hai nghìn không trăm hai mươi lăm",
                ),
                _gender(required=True),
                _ethnicity(required=True),
                _nationality(required=True),
                FormField(
                    key="noi_sinh",
                    label="Nơi sinh",
                    type="textarea",
                    max_length=500,
                    required=True,
                    guidance="Tên cơ sở y tế và địa chỉ; nếu sinh ngoài cơ sở y tế thì ghi địa chỉ nơi sinh",
                ),
                FormField(key="que_quan", label="Quê quán", type="text", max_length=255),
            ],
        ),
        FormSection(
            key="me",
            title="Thông tin người mẹ",
            fields=[
                _name(required=True),
                _birth_date(required=True),
                _ethnicity(required=True),
                _nationality(required=True),
                _personal_number(),
                _residence(required=True),
            ],
        ),
        FormSection(
            key="cha",
            title="Thông tin người cha",
            guidance="Bỏ trống nếu chưa xác định được cha.",
            fields=[
                FormField(
                    key="xac_dinh_cha",
                    label="Đã xác định được cha",
                    type="radio",
                    required=True,
                    options=[Option(value="co", label="Đã xác định"), Option(value="chua", label="Chưa xác định")],
                ),
                _name(),
                _birth_date(),
                _ethnicity(),
                _nationality(),
                _personal_number(),
                _residence(),
            ],
        ),
        FormSection(
            key="ban_sao",
            title="Bản sao trích lục khai sinh",
            fields=[
                FormField(key="de_nghi_cap", label="Đề nghị cấp bản sao", type="radio", options=_YES_NO, required=True),
                FormField(key="so_luong", label="Số lượng bản sao", type="number", minimum=1, maximum=10),
            ],
        ),
        _declaration(
            "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa thuận "
            "nhất trí của các bên liên quan và chịu trách nhiệm trước pháp luật về cam đoan của mình."
        ),
    ],
    rules=[
        RequiredIf(
            field="cha.xac_dinh_cha",
            equals="co",
            then_required=["cha.ho_ten", "cha.ngay_sinh", "cha.dan_toc", "cha.quoc_tich", "cha.noi_cu_tru"],
        ),
        RequiredIf(field="ban_sao.de_nghi_cap", equals="co", then_required=["ban_sao.so_luong"]),
        DateOrder(earlier="me.ngay_sinh", later="nguoi_duoc_khai_sinh.ngay_sinh", allow_equal=False),
        DateOrder(earlier="cha.ngay_sinh", later="nguoi_duoc_khai_sinh.ngay_sinh", allow_equal=False),
    ],
)

# -- 2. Đăng ký thường trú (1.004222) ----------------------------------------------------------

_HOUSEHOLD_MEMBERS = FormField(
    key="thanh_vien",
    label="Những thành viên trong hộ gia đình cùng thay đổi",
    type="table",
    max_rows=20,
    guidance="Bấm “Thêm dòng” cho mỗi người cùng đăng ký.",
    columns=[
        _name(required=True),
        _birth_date(required=True),
        _gender(required=True),
        _personal_number(),
        _relationship("quan_he_chu_ho", "Mối quan hệ với chủ hộ", required=True),
    ],
)

THUONG_TRU = EFormSchema(
    code="CT01",
    version=1,
    title="Tờ khai thay đổi thông tin cư trú (đăng ký thường trú)",
    legal_basis="Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA",
    sections=[
        FormSection(
            key="nguoi_de_nghi",
            title="Người đề nghị",
            fields=[
                _name(required=True, autofill_source="population.HoVaTen"),
                _birth_date(required=True, autofill_source="population.NgayThangNamSinh"),
                _gender(required=True),
                _personal_number(required=True, autofill_source="population.SoDinhDanh"),
                FormField(key="so_dien_thoai", label="Số điện thoại liên hệ", type="phone", required=True),
                FormField(key="email", label="Email", type="email"),
            ],
        ),
        FormSection(
            key="chu_ho",
            title="Chủ hộ",
            fields=[
                _name(required=True),
                _relationship("quan_he_chu_ho", "Mối quan hệ với chủ hộ", required=True, placeholder="Chủ hộ, con…"),
                _personal_number(required=True),
            ],
        ),
        FormSection(
            key="noi_dung",
            title="Nội dung đề nghị",
            fields=[
                _residence("dia_chi_dang_ky", "Địa chỉ đăng ký thường trú", required=True),
                FormField(
                    key="cho_o",
                    label="Chỗ ở hợp pháp",
                    type="radio",
                    required=True,
                    options=[
                        Option(value="so_huu", label="Thuộc quyền sở hữu của người đề nghị"),
                        Option(value="nguoi_than", label="Về ở với người thân (không thuộc sở hữu)"),
                        Option(value="thue_muon", label="Thuê, mượn, ở nhờ"),
                    ],
                ),
                FormField(
                    key="y_kien_chu_ho",
                    label="Ý kiến đồng ý của chủ hộ / chủ sở hữu chỗ ở hợp pháp",
                    type="textarea",
                    max_length=500,
                    guidance="Ghi rõ họ tên và ý kiến đồng ý cho đăng ký thường trú, trừ khi đã có văn bản đồng ý.",
                ),
                FormField(
                    key="dien_tich_nha_o", label="Diện tích nhà ở (m²)", type="number", minimum=1, maximum=100000
                ),
                FormField(
                    key="noi_dung_de_nghi", label="Nội dung đề nghị", type="textarea", max_length=1000, required=True
                ),
            ],
        ),
        FormSection(key="thanh_vien_ho", title="Thành viên hộ gia đình cùng thay đổi", fields=[_HOUSEHOLD_MEMBERS]),
    ],
    rules=[
        RequiredIf(field="noi_dung.cho_o", equals="nguoi_than", then_required=["noi_dung.y_kien_chu_ho"]),
        RequiredIf(
            field="noi_dung.cho_o",
            equals="thue_muon",
            then_required=["noi_dung.y_kien_chu_ho", "noi_dung.dien_tich_nha_o"],
        ),
    ],
)

# -- 3. Cấp thẻ BHYT cho trẻ em dưới 6 tuổi (step 3 of the birth chain) -----------------------

BHYT_TRE_EM = EFormSchema(
    code="TK1-TS",
    version=1,
    title="Tờ khai tham gia, điều chỉnh thông tin bảo hiểm xã hội, bảo hiểm y tế (trẻ em dưới 6 tuổi)",
    legal_basis="Mẫu TK1-TS (Tờ khai tham gia, điều chỉnh thông tin BHXH, BHYT) của Bảo hiểm xã hội Việt Nam",
    sections=[
        FormSection(
            key="tre_em",
            title="Thông tin trẻ em",
            fields=[
                _name(required=True),
                _birth_date(required=True),
                _gender(required=True),
                _nationality(required=True),
                _ethnicity(required=True),
                FormField(key="noi_dang_ky_khai_sinh", label="Nơi đăng ký khai sinh", type="text", required=True),
                _personal_number(guidance="12 chữ số, nếu trẻ đã được cấp số định danh cá nhân"),
                FormField(
                    key="ma_so_bhxh",
                    label="Mã số BHXH (nếu có)",
                    type="text",
                    max_length=10,
                    pattern=r"[0-9]{10}",
                    pattern_message="phải gồm 10 chữ số",
                ),
            ],
        ),
        FormSection(
            key="cha_me",
            title="Cha, mẹ hoặc người giám hộ",
            fields=[
                _name(required=True),
                _personal_number(required=True),
                _relationship("quan_he", "Quan hệ với trẻ em", required=True, placeholder="Cha, mẹ, người giám hộ"),
                FormField(key="so_dien_thoai", label="Số điện thoại", type="phone", required=True),
            ],
        ),
        FormSection(
            key="dang_ky",
            title="Nội dung đăng ký",
            fields=[
                FormField(
                    key="noi_kham_chua_benh",
                    label="Nơi đăng ký khám bệnh, chữa bệnh ban đầu",
                    type="text",
                    required=True,
                    guidance="Tên cơ sở khám bệnh, chữa bệnh BHYT ban đầu",
                ),
                _residence("dia_chi_nhan_the", "Địa chỉ nhận thẻ BHYT", required=True),
            ],
        ),
    ],
)

# -- 4. Đăng ký khai tử (1.000656) ---------------------------------------------------------------

KHAI_TU = EFormSchema(
    code="HT-TK-KHAI-TU",
    version=1,
    title="Tờ khai đăng ký khai tử",
    legal_basis="Mẫu Tờ khai đăng ký khai tử ban hành kèm theo Thông tư số 04/2020/TT-BTP",
    sections=[
        FormSection(
            key="nguoi_yeu_cau",
            title="Người yêu cầu",
            fields=[
                _name(required=True, autofill_source="population.HoVaTen"),
                _personal_number(required=True, autofill_source="population.SoDinhDanh"),
                _residence(required=True, autofill_source="population.NoiThuongTru"),
                _relationship("quan_he", "Quan hệ với người đã chết", required=True),
            ],
        ),
        FormSection(
            key="nguoi_chet",
            title="Người đã chết",
            fields=[
                _name(required=True),
                _birth_date(required=True),
                _gender(required=True),
                _ethnicity(required=True),
                _nationality(required=True),
                _personal_number(required=True),
                _residence("noi_cu_tru_cuoi_cung", "Nơi cư trú cuối cùng", required=True),
                FormField(
                    key="thoi_diem_chet",
                    label="Đã chết vào lúc",
                    type="datetime",
                    required=True,
                    date_limit="past",
                    guidance="Giờ, phút, ngày, tháng, năm theo Giấy báo tử",
                ),
                FormField(key="noi_chet", label="Nơi chết", type="textarea", max_length=500, required=True),
                FormField(key="nguyen_nhan_chet", label="Nguyên nhân chết", type="text", required=True),
            ],
        ),
        FormSection(
            key="giay_bao_tu",
            title="Giấy báo tử hoặc giấy tờ thay thế",
            fields=[
                FormField(key="so", label="Số giấy báo tử", type="text", max_length=50, required=True),
                FormField(key="ngay_cap", label="Ngày cấp", type="date", date_limit="past", required=True),
                FormField(key="co_quan_cap", label="Cơ quan cấp", type="text", required=True),
            ],
        ),
        FormSection(
            key="ban_sao",
            title="Bản sao trích lục khai tử",
            fields=[
                FormField(key="de_nghi_cap", label="Đề nghị cấp bản sao", type="radio", options=_YES_NO, required=True),
                FormField(key="so_luong", label="Số lượng bản sao", type="number", minimum=1, maximum=10),
            ],
        ),
        FormSection(
            key="lien_thong",
            title="Thủ tục liên thông đề nghị giải quyết cùng",
            fields=[
                FormField(
                    key="thu_tuc_chon",
                    label="Đề nghị giải quyết thêm",
                    type="checkboxes",
                    options=[Option(value="mai_tang", label="Hỗ trợ chi phí mai táng"),
                             Option(value="tu_tuat", label="Giải quyết chế độ tử tuất")],
                    guidance="Khai tử và xóa đăng ký thường trú luôn được giải quyết liên thông; "
                    "chọn thêm nếu người yêu cầu đề nghị",
                ),
            ],
        ),
        _declaration(
            "Tôi cam đoan nội dung đề nghị đăng ký khai tử trên đây là đúng sự thật và chịu trách nhiệm "
            "trước pháp luật về cam đoan của mình."
        ),
    ],
    rules=[
        DateOrder(earlier="nguoi_chet.ngay_sinh", later="nguoi_chet.thoi_diem_chet"),
        DateOrder(earlier="nguoi_chet.thoi_diem_chet", later="giay_bao_tu.ngay_cap"),
        RequiredIf(field="ban_sao.de_nghi_cap", equals="co", then_required=["ban_sao.so_luong"]),
    ],
)

# -- 5. Xóa đăng ký thường trú (1.003197) -----------------------------------------------------------

XOA_THUONG_TRU = EFormSchema(
    code="CT01-XOA",
    version=1,
    title="Tờ khai thay đổi thông tin cư trú (xóa đăng ký thường trú)",
    legal_basis="Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA; căn cứ xóa theo Điều 24 Luật Cư trú 2020",
    sections=[
        FormSection(
            key="nguoi_ke_khai",
            title="Người kê khai",
            fields=[
                _name(required=True, autofill_source="population.HoVaTen"),
                _personal_number(required=True, autofill_source="population.SoDinhDanh"),
                FormField(key="so_dien_thoai", label="Số điện thoại liên hệ", type="phone", required=True),
                _relationship("quan_he", "Quan hệ với người bị xóa đăng ký thường trú", required=True),
            ],
        ),
        FormSection(
            key="nguoi_bi_xoa",
            title="Người bị xóa đăng ký thường trú",
            fields=[
                _name(required=True),
                _birth_date(required=True),
                _gender(required=True),
                _personal_number(required=True),
                _residence("noi_thuong_tru", "Nơi thường trú", required=True),
            ],
        ),
        FormSection(
            key="can_cu",
            title="Căn cứ xóa đăng ký thường trú",
            fields=[
                FormField(
                    key="truong_hop",
                    label="Trường hợp xóa đăng ký thường trú",
                    type="select",
                    required=True,
                    options=[
                        Option(value="chet", label="Chết, bị Tòa án tuyên bố mất tích hoặc đã chết"),
                        Option(value="dinh_cu_nuoc_ngoai", label="Ra nước ngoài để định cư"),
                        Option(value="huy_dang_ky", label="Đã có quyết định hủy bỏ đăng ký thường trú"),
                        Option(
                            value="vang_mat_12_thang", label="Vắng mặt liên tục tại nơi thường trú từ 12 tháng trở lên"
                        ),
                        Option(
                            value="thoi_quoc_tich", label="Được thôi quốc tịch, bị tước hoặc hủy quốc tịch Việt Nam"
                        ),
                        Option(value="thuong_tru_moi", label="Đã được đăng ký thường trú tại nơi cư trú mới"),
                    ],
                ),
                FormField(key="so_trich_luc_khai_tu", label="Số trích lục khai tử", type="text", max_length=50),
                FormField(key="ngay_chet", label="Ngày chết", type="date", date_limit="past"),
                FormField(key="ghi_chu", label="Ghi chú", type="textarea", max_length=1000),
            ],
        ),
    ],
    rules=[
        RequiredIf(
            field="can_cu.truong_hop", equals="chet", then_required=["can_cu.so_trich_luc_khai_tu", "can_cu.ngay_chet"]
        ),
        DateOrder(earlier="nguoi_bi_xoa.ngay_sinh", later="can_cu.ngay_chet"),
    ],
)

# -- 6. Trợ cấp mai táng (step 3 of the death chain) -------------------------------------------------

MAI_TANG = EFormSchema(
    code="09-HSB",
    version=1,
    title="Tờ khai của thân nhân (hưởng trợ cấp mai táng, trợ cấp tuất)",
    legal_basis="Mẫu số 09-HSB ban hành kèm theo Quyết định số 166/QĐ-BHXH của Bảo hiểm xã hội Việt Nam",
    sections=[
        FormSection(
            key="nguoi_khai",
            title="Người khai (thân nhân)",
            fields=[
                _name(required=True, autofill_source="population.HoVaTen"),
                _birth_date(required=True),
                _personal_number(required=True, autofill_source="population.SoDinhDanh"),
                _relationship("quan_he", "Quan hệ với người chết", required=True),
                _residence("dia_chi", "Địa chỉ liên hệ", required=True),
                FormField(key="so_dien_thoai", label="Số điện thoại", type="phone", required=True),
            ],
        ),
        FormSection(
            key="nguoi_chet",
            title="Người chết",
            fields=[
                _name(required=True),
                _personal_number(required=True),
                FormField(
                    key="ma_so_bhxh",
                    label="Mã số BHXH",
                    type="text",
                    max_length=10,
                    required=True,
                    pattern=r"[0-9]{10}",
                    pattern_message="phải gồm 10 chữ số",
                ),
                FormField(key="ngay_chet", label="Ngày chết", type="date", date_limit="past", required=True),
                FormField(
                    key="so_trich_luc_khai_tu", label="Số trích lục khai tử", type="text", max_length=50, required=True
                ),
            ],
        ),
        FormSection(
            key="de_nghi",
            title="Đề nghị giải quyết",
            fields=[
                FormField(
                    key="che_do",
                    label="Chế độ đề nghị",
                    type="checkboxes",
                    required=True,
                    options=[
                        Option(value="mai_tang", label="Trợ cấp mai táng"),
                        Option(value="tuat_hang_thang", label="Trợ cấp tuất hằng tháng"),
                        Option(value="tuat_mot_lan", label="Trợ cấp tuất một lần"),
                    ],
                ),
                FormField(
                    key="than_nhan",
                    label="Thân nhân hưởng trợ cấp tuất",
                    type="table",
                    max_rows=10,
                    columns=[
                        _name(required=True),
                        _birth_date(required=True),
                        _personal_number(required=True),
                        _relationship("quan_he", "Quan hệ với người chết", required=True),
                        FormField(
                            key="suy_giam_kha_nang_lao_dong",
                            label="Suy giảm khả năng lao động từ 81% trở lên",
                            type="checkbox",
                        ),
                    ],
                ),
            ],
        ),
        FormSection(
            key="nhan_tien",
            title="Hình thức nhận trợ cấp",
            fields=[
                FormField(
                    key="hinh_thuc",
                    label="Hình thức nhận",
                    type="radio",
                    required=True,
                    options=[
                        Option(value="tai_khoan", label="Qua tài khoản cá nhân"),
                        Option(value="tien_mat", label="Nhận tiền mặt tại cơ quan BHXH hoặc bưu điện"),
                    ],
                ),
                FormField(
                    key="so_tai_khoan",
                    label="Số tài khoản",
                    type="text",
                    max_length=30,
                    pattern=r"[0-9]{6,30}",
                    pattern_message="chỉ gồm 6 đến 30 chữ số",
                ),
                FormField(key="ngan_hang", label="Ngân hàng, chi nhánh", type="text"),
            ],
        ),
    ],
    rules=[
        RequiredIf(field="de_nghi.che_do", equals="tuat_hang_thang", then_required=["de_nghi.than_nhan"]),
        RequiredIf(field="de_nghi.che_do", equals="tuat_mot_lan", then_required=["de_nghi.than_nhan"]),
        RequiredIf(
            field="nhan_tien.hinh_thuc",
            equals="tai_khoan",
            then_required=["nhan_tien.so_tai_khoan", "nhan_tien.ngan_hang"],
        ),
    ],
)

# -- 7. Đăng ký nhãn hiệu — a ministry-level procedure with fees (Cục Sở hữu trí tuệ, Bộ KH&CN) ---

_FEE_KINDS = [
    Option(value="le_phi_nop_don", label="Lệ phí nộp đơn (150.000 đồng/đơn)"),
    Option(value="phi_tra_cuu", label="Phí tra cứu (180.000 đồng/nhóm)"),
    Option(value="phi_tham_dinh", label="Phí thẩm định nội dung (550.000 đồng/nhóm, ≤ 6 sản phẩm/dịch vụ)"),
    Option(value="phi_tham_dinh_bo_sung", label="Phí thẩm định cho mỗi sản phẩm/dịch vụ từ thứ 7 trở đi"),
    Option(value="phi_uu_tien", label="Phí thẩm định yêu cầu hưởng quyền ưu tiên"),
]

NHAN_HIEU = EFormSchema(
    code="SHCN-TK-NHAN-HIEU",
    version=1,
    title="Tờ khai đăng ký nhãn hiệu",
    legal_basis="Mẫu tờ khai tại Phụ lục I Nghị định số 65/2023/NĐ-CP; phí, lệ phí theo Thông tư số 263/2016/TT-BTC",
    sections=[
        FormSection(
            key="chu_don",
            title="Chủ đơn",
            fields=[
                FormField(
                    key="loai_chu_don",
                    label="Chủ đơn là",
                    type="radio",
                    required=True,
                    options=[Option(value="ca_nhan", label="Cá nhân"), Option(value="to_chuc", label="Tổ chức")],
                ),
                FormField(
                    key="ten", label="Tên đầy đủ", type="text", required=True, autofill_source="business.TenDoanhNghiep"
                ),
                FormField(
                    key="ma_so_thue",
                    label="Mã số thuế / mã số doanh nghiệp",
                    type="tax_code",
                    autofill_source="business.MaSoDoanhNghiep",
                ),
                _personal_number(),
                _residence("dia_chi", "Địa chỉ", required=True),
                FormField(key="so_dien_thoai", label="Điện thoại", type="phone", required=True),
                FormField(key="email", label="Email", type="email", required=True),
            ],
        ),
        FormSection(
            key="dai_dien",
            title="Đại diện của chủ đơn",
            guidance="Chỉ khai khi nộp đơn thông qua tổ chức dịch vụ đại diện sở hữu công nghiệp.",
            fields=[
                FormField(key="ten_to_chuc", label="Tên tổ chức dịch vụ đại diện SHCN", type="text"),
                FormField(key="ma_dai_dien", label="Mã số đại diện", type="text", max_length=20),
            ],
        ),
        FormSection(
            key="nhan_hieu",
            title="Nhãn hiệu",
            fields=[
                FormField(
                    key="loai",
                    label="Loại nhãn hiệu",
                    type="radio",
                    required=True,
                    options=[
                        Option(value="thong_thuong", label="Nhãn hiệu thông thường"),
                        Option(value="tap_the", label="Nhãn hiệu tập thể"),
                        Option(value="chung_nhan", label="Nhãn hiệu chứng nhận"),
                    ],
                ),
                FormField(
                    key="mo_ta",
                    label="Mô tả nhãn hiệu",
                    type="textarea",
                    max_length=2000,
                    required=True,
                    guidance="Mô tả các yếu tố cấu thành và ý nghĩa tổng thể của nhãn hiệu",
                ),
                FormField(key="mau_sac", label="Màu sắc", type="text", placeholder="Đỏ, trắng, xanh lam"),
                FormField(key="phien_am", label="Phiên âm / dịch nghĩa (nếu có yếu tố chữ nước ngoài)", type="text"),
            ],
        ),
        FormSection(
            key="hang_hoa_dich_vu",
            title="Danh mục hàng hóa, dịch vụ mang nhãn hiệu",
            fields=[
                FormField(
                    key="nhom",
                    label="Nhóm hàng hóa, dịch vụ",
                    type="table",
                    required=True,
                    min_rows=1,
                    max_rows=45,
                    guidance="Phân loại theo Bảng phân loại quốc tế Nice; mỗi nhóm một dòng.",
                    columns=[
                        FormField(key="so_nhom", label="Số nhóm", type="number", required=True, minimum=1, maximum=45),
                        FormField(
                            key="danh_muc",
                            label="Danh mục sản phẩm, dịch vụ",
                            type="textarea",
                            max_length=2000,
                            required=True,
                        ),
                        FormField(
                            key="so_san_pham",
                            label="Số sản phẩm, dịch vụ",
                            type="number",
                            required=True,
                            minimum=1,
                            maximum=1000,
                        ),
                    ],
                ),
            ],
        ),
        FormSection(
            key="uu_tien",
            title="Yêu cầu hưởng quyền ưu tiên",
            fields=[
                FormField(key="yeu_cau", label="Yêu cầu hưởng quyền ưu tiên theo đơn đầu tiên", type="checkbox"),
                FormField(key="so_don", label="Số đơn đầu tiên", type="text", max_length=50),
                FormField(key="ngay_nop", label="Ngày nộp đơn đầu tiên", type="date", date_limit="past"),
                FormField(key="quoc_gia", label="Nước nộp đơn đầu tiên", type="text", max_length=100),
            ],
        ),
        FormSection(
            key="phi_le_phi",
            title="Phí, lệ phí",
            fields=[
                FormField(
                    key="khoan_phi",
                    label="Các khoản phí, lệ phí",
                    type="table",
                    required=True,
                    min_rows=1,
                    max_rows=10,
                    columns=[
                        FormField(
                            key="loai", label="Loại phí, lệ phí", type="select", options=_FEE_KINDS, required=True
                        ),
                        FormField(
                            key="so_doi_tuong",
                            label="Số đối tượng tính phí",
                            type="number",
                            required=True,
                            minimum=1,
                            maximum=1000,
                        ),
                        FormField(key="so_tien", label="Số tiền (đồng)", type="money", required=True),
                    ],
                ),
                FormField(key="tong_so", label="Tổng số phí, lệ phí nộp theo đơn", type="money", required=True),
            ],
        ),
        _declaration(
            "Tôi cam đoan mọi thông tin trong tờ khai trên đây là trung thực, đúng sự thật và hoàn toàn "
            "chịu trách nhiệm trước pháp luật."
        ),
    ],
    rules=[
        RequiredIf(field="chu_don.loai_chu_don", equals="to_chuc", then_required=["chu_don.ma_so_thue"]),
        RequiredIf(field="chu_don.loai_chu_don", equals="ca_nhan", then_required=["chu_don.so_dinh_danh"]),
        RequiredIf(
            field="uu_tien.yeu_cau",
            equals=True,
            then_required=["uu_tien.so_don", "uu_tien.ngay_nop", "uu_tien.quoc_gia"],
        ),
        SumEquals(total="phi_le_phi.tong_so", column="phi_le_phi.khoan_phi[].so_tien"),
    ],
)

SAMPLE_EFORMS: dict[str, EFormSchema] = {
    form.code: form for form in (KHAI_SINH, THUONG_TRU, BHYT_TRE_EM, KHAI_TU, XOA_THUONG_TRU, MAI_TANG, NHAN_HIEU)
}

PROCEDURE_EFORMS: dict[str, str] = {
    "1.001193": KHAI_SINH.code,  # Đăng ký khai sinh
    "1.004222": THUONG_TRU.code,  # Đăng ký thường trú
    "1.003197": XOA_THUONG_TRU.code,  # Xóa đăng ký thường trú
    "1.000656": KHAI_TU.code,  # Đăng ký khai tử
    # Mã chưa đối chiếu — not listed rather than guessed: "Cấp thẻ BHYT cho trẻ em dưới 6 tuổi"
    # (BHXH Việt Nam, form TK1-TS), "Giải quyết hưởng trợ cấp mai táng, trợ cấp tuất" (BHXH Việt
    # Nam, form 09-HSB) and "Đăng ký nhãn hiệu" (Cục Sở hữu trí tuệ). Add their national codes
    # here when the catalogue entry is made from the national procedure database.
}

SAMPLE_FILLED: dict[str, dict[str, Any]] = {
    KHAI_SINH.code: {
        "nguoi_yeu_cau": {
            "ho_ten": "NGUYỄN VĂN AN",
            "so_dinh_danh": "001090012345",
            "noi_cu_tru": "Số 12 ngõ 34 phố Kim Mã, phường Giảng Võ, thành phố Hà Nội",
            "quan_he": "Cha",
            "so_dien_thoai": "0912345678",
        },
        "nguoi_duoc_khai_sinh": {
            "ho_ten": "NGUYỄN MINH KHÔI",
            "ngay_sinh": "15/08/2025",
            "ngay_sinh_bang_chu": "Ngày mười lăm tháng tám năm hai nghìn không trăm hai mươi lăm",
            "gioi_tinh": "nam",
            "dan_toc": "01",
            "quoc_tich": "Việt Nam",
            "noi_sinh": "Bệnh viện Phụ sản Hà Nội, số 929 đường La Thành, phường Giảng Võ, thành phố Hà Nội",
            "que_quan": "Xã Hoằng Hóa, tỉnh Thanh Hóa",
        },
        "me": {
            "ho_ten": "TRẦN THỊ BÌNH",
            "ngay_sinh": "20/03/1992",
            "dan_toc": "01",
            "quoc_tich": "Việt Nam",
            "so_dinh_danh": "038192004567",
            "noi_cu_tru": "Số 12 ngõ 34 phố Kim Mã, phường Giảng Võ, thành phố Hà Nội",
        },
        "cha": {
            "xac_dinh_cha": "co",
            "ho_ten": "NGUYỄN VĂN AN",
            "ngay_sinh": "05/11/1990",
            "dan_toc": "01",
            "quoc_tich": "Việt Nam",
            "so_dinh_danh": "001090012345",
            "noi_cu_tru": "Số 12 ngõ 34 phố Kim Mã, phường Giảng Võ, thành phố Hà Nội",
        },
        "ban_sao": {"de_nghi_cap": "co", "so_luong": 2},
        "cam_doan": {"cam_doan": True},
    },
    THUONG_TRU.code: {
        "nguoi_de_nghi": {
            "ho_ten": "LÊ THỊ HOA",
            "ngay_sinh": "12/06/1995",
            "gioi_tinh": "nu",
            "so_dinh_danh": "040195001234",
            "so_dien_thoai": "0987654321",
            "email": "lethihoa@example.vn",
        },
        "chu_ho": {"ho_ten": "PHẠM VĂN ĐỨC", "quan_he_chu_ho": "Vợ", "so_dinh_danh": "040093005678"},
        "noi_dung": {
            "dia_chi_dang_ky": "Số 8 đường Lê Lợi, phường Thành Vinh, tỉnh Nghệ An",
            "cho_o": "nguoi_than",
            "y_kien_chu_ho": "Tôi, Phạm Văn Đức, chủ hộ, đồng ý cho vợ và con đăng ký thường trú tại địa chỉ trên.",
            "noi_dung_de_nghi": "Đăng ký thường trú về ở với chồng tại địa chỉ trên.",
        },
        "thanh_vien_ho": {
            "thanh_vien": [
                {
                    "ho_ten": "PHẠM GIA BẢO",
                    "ngay_sinh": "02/03/2019",
                    "gioi_tinh": "nam",
                    "so_dinh_danh": "040219003456",
                    "quan_he_chu_ho": "Con",
                }
            ]
        },
    },
    BHYT_TRE_EM.code: {
        "tre_em": {
            "ho_ten": "NGUYỄN MINH KHÔI",
            "ngay_sinh": "15/08/2025",
            "gioi_tinh": "nam",
            "quoc_tich": "Việt Nam",
            "dan_toc": "01",
            "noi_dang_ky_khai_sinh": "Ủy ban nhân dân phường Giảng Võ, thành phố Hà Nội",
        },
        "cha_me": {
            "ho_ten": "NGUYỄN VĂN AN",
            "so_dinh_danh": "001090012345",
            "quan_he": "Cha",
            "so_dien_thoai": "0912345678",
        },
        "dang_ky": {
            "noi_kham_chua_benh": "Bệnh viện Nhi Trung ương",
            "dia_chi_nhan_the": "Số 12 ngõ 34 phố Kim Mã, phường Giảng Võ, thành phố Hà Nội",
        },
    },
    KHAI_TU.code: {
        "nguoi_yeu_cau": {
            "ho_ten": "HOÀNG VĂN MINH",
            "so_dinh_danh": "036085002345",
            "noi_cu_tru": "Xóm 3, xã Hải Hậu, tỉnh Ninh Bình",
            "quan_he": "Con",
        },
        "nguoi_chet": {
            "ho_ten": "HOÀNG VĂN THẮNG",
            "ngay_sinh": "10/01/1948",
            "gioi_tinh": "nam",
            "dan_toc": "01",
            "quoc_tich": "Việt Nam",
            "so_dinh_danh": "036048001122",
            "noi_cu_tru_cuoi_cung": "Xóm 3, xã Hải Hậu, tỉnh Ninh Bình",
            "thoi_diem_chet": "02/09/2025 14:30",
            "noi_chet": "Tại nhà, xóm 3, xã Hải Hậu, tỉnh Ninh Bình",
            "nguyen_nhan_chet": "Bệnh già",
        },
        "giay_bao_tu": {"so": "125/GBT", "ngay_cap": "03/09/2025", "co_quan_cap": "Trạm Y tế xã Hải Hậu"},
        "ban_sao": {"de_nghi_cap": "khong"},
        "cam_doan": {"cam_doan": True},
    },
    XOA_THUONG_TRU.code: {
        "nguoi_ke_khai": {
            "ho_ten": "HOÀNG VĂN MINH",
            "so_dinh_danh": "036085002345",
            "so_dien_thoai": "0356789012",
            "quan_he": "Con",
        },
        "nguoi_bi_xoa": {
            "ho_ten": "HOÀNG VĂN THẮNG",
            "ngay_sinh": "10/01/1948",
            "gioi_tinh": "nam",
            "so_dinh_danh": "036048001122",
            "noi_thuong_tru": "Xóm 3, xã Hải Hậu, tỉnh Ninh Bình",
        },
        "can_cu": {"truong_hop": "chet", "so_trich_luc_khai_tu": "87/TLKT-BS", "ngay_chet": "02/09/2025"},
    },
    MAI_TANG.code: {
        "nguoi_khai": {
            "ho_ten": "HOÀNG VĂN MINH",
            "ngay_sinh": "21/04/1985",
            "so_dinh_danh": "036085002345",
            "quan_he": "Con",
            "dia_chi": "Xóm 3, xã Hải Hậu, tỉnh Ninh Bình",
            "so_dien_thoai": "0356789012",
        },
        "nguoi_chet": {
            "ho_ten": "HOÀNG VĂN THẮNG",
            "so_dinh_danh": "036048001122",
            "ma_so_bhxh": "3608001234",
            "ngay_chet": "02/09/2025",
            "so_trich_luc_khai_tu": "87/TLKT-BS",
        },
        "de_nghi": {
            "che_do": ["mai_tang", "tuat_mot_lan"],
            "than_nhan": [
                {
                    "ho_ten": "ĐỖ THỊ LAN",
                    "ngay_sinh": "15/07/1952",
                    "so_dinh_danh": "036152003344",
                    "quan_he": "Vợ",
                    "suy_giam_kha_nang_lao_dong": False,
                }
            ],
        },
        "nhan_tien": {
            "hinh_thuc": "tai_khoan",
            "so_tai_khoan": "0451000123456",
            "ngan_hang": "Vietcombank - CN Nam Định",
        },
    },
    NHAN_HIEU.code: {
        "chu_don": {
            "loai_chu_don": "to_chuc",
            "ten": "CÔNG TY CỔ PHẦN CÀ PHÊ TÂY NGUYÊN XANH",
            "ma_so_thue": "6001234562",
            "dia_chi": "Số 25 đường Phan Bội Châu, phường Buôn Ma Thuột, tỉnh Đắk Lắk",
            "so_dien_thoai": "02623851234",
            "email": "phaply@taynguyenxanh.vn",
        },
        "nhan_hieu": {
            "loai": "thong_thuong",
            "mo_ta": "Nhãn hiệu gồm chữ “TÂY NGUYÊN XANH” viết hoa, phía trên là hình hạt cà phê cách điệu.",
            "mau_sac": "Xanh lá, nâu",
        },
        "hang_hoa_dich_vu": {
            "nhom": [
                {"so_nhom": 30, "danh_muc": "Cà phê; cà phê rang xay; cà phê hòa tan.", "so_san_pham": 3},
                {"so_nhom": 43, "danh_muc": "Dịch vụ quán cà phê; dịch vụ nhà hàng.", "so_san_pham": 2},
            ]
        },
        "uu_tien": {"yeu_cau": False},
        "phi_le_phi": {
            "khoan_phi": [
                {"loai": "le_phi_nop_don", "so_doi_tuong": 1, "so_tien": 150000},
                {"loai": "phi_tra_cuu", "so_doi_tuong": 2, "so_tien": 360000},
                {"loai": "phi_tham_dinh", "so_doi_tuong": 2, "so_tien": 1100000},
            ],
            "tong_so": 1610000,
        },
        "cam_doan": {"cam_doan": True},
    },
}
