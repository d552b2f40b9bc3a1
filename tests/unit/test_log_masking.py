"""Logs never carry personal data in clear (SPEC §6; issue: observability)."""

import io
import json
import logging

from aws_lambda_powertools import Logger

from chalicelib.observability import MaskingFormatter, mask_personal_data


def test_masks_every_kind_of_personal_identifier():
    text = "cccd 001203012345 tel 0912345678 / +84912345678 mail an.nguyen@gmail.com mst 0101243150-001"
    masked = mask_personal_data(text)
    for secret in ("001203012345", "0912345678", "+84912345678", "an.nguyen@", "0101243150"):
        assert secret not in masked
    assert "*********345" in masked
    assert "***@gmail.com" in masked


def test_leaves_dates_and_dossier_codes_alone():
    text = "NgayNopHoSo 20260215083000 MaHoSo 000.00.13.H29-260215-0001"
    assert mask_personal_data(text) == text


def test_logger_output_is_masked_in_message_and_extra_keys():
    stream = io.StringIO()
    log = Logger(service="t", logger_formatter=MaskingFormatter(), logger_handler=logging.StreamHandler(stream))
    log.info("applicant 079203001234 called", extra={"phone": "0987654321", "email": "b@x.vn"})
    record = json.loads(stream.getvalue())
    raw = stream.getvalue()
    assert "079203001234" not in raw and "0987654321" not in raw and "b@x.vn" not in raw
    assert record["message"] == "applicant *********234 called"


def test_names_addresses_and_birth_dates_are_masked_by_their_field_at_any_depth():
    stream = io.StringIO()
    log = Logger(service="t-fields", logger_formatter=MaskingFormatter(),
                 logger_handler=logging.StreamHandler(stream))
    log.info("dossier received", extra={
        "HoVaTen": "Nguyễn Thị Ánh", "code": "000.00.13.H29-260215-0001",
        "payload": {"ChuHoSo": "Trần Văn Bình", "DiaChi": "12 Lê Lợi, Phường Bến Thành", "NgaySinh": "1990-02-15",
                      "dia_chi": "Số 5 ngõ 3"},
        "people": [{"ho_ten": "Lê Thị Cúc", "noi_thuong_tru": "Xã Tân Phú", "birth_date": "15/02/1990"}],
    })
    raw = stream.getvalue()
    for secret in ("Nguyễn Thị Ánh", "Trần Văn Bình", "Lê Lợi", "1990-02-15", "Số 5 ngõ 3", "Lê Thị Cúc", "Tân Phú",
                   "15/02/1990"):
        assert secret not in raw and secret not in raw.encode("ascii", "backslashreplace").decode(), secret
    record = json.loads(raw)
    assert record["HoVaTen"] == "***" and record["payload"]["DiaChi"] == "***"
    assert record["code"] == "000.00.13.H29-260215-0001"  # identifiers that are not personal stay


def test_birth_dates_in_text_and_quoted_inputs_are_masked():
    text = ("sinh ngày 15/02/1990 hoặc 5-2-1990; input_value='Nguyễn Văn Án' input_type=str; "
            'input_value="12 Lê Lợi"')
    masked = mask_personal_data(text)
    for secret in ("15/02/1990", "5-2-1990", "Nguyễn Văn Án", "12 Lê Lợi"):
        assert secret not in masked
    assert "input_value=***" in masked


def test_log_timestamps_and_iso_dates_are_left_alone():
    text = '"timestamp": "2026-02-15 08:30:00,123+0700" han 2026-02-20 ma 000.00.13.H29-260215-0001 v1/2/3'
    assert mask_personal_data(text) == text
