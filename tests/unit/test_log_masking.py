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
