"""Logger, metrics and tracer shared by every handler.

Logs are JSON (Powertools) and never carry personal data in clear: personal
identification numbers, tax codes, phone numbers and e-mail addresses are masked in the
serialised record, whatever field they sit in (message, extra keys, exceptions).
"""

from __future__ import annotations

import re

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

SERVICE = "hoso"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# 12-digit personal numbers, 10-digit tax codes (with optional -NNN branch), phones
# (0xxxxxxxxx or +84xxxxxxxxx). Digits inside longer digit runs (timestamps) are left alone.
_PHONE = re.compile(r"(?<![\d])(?:\+84|0)[35789]\d{8}(?![\d])")
_DIGITS = re.compile(r"(?<![\d.])\d{10}(?:-\d{3})?(?![\d])|(?<![\d.])\d{12}(?![\d])")


def mask_personal_data(text: str) -> str:
    """Replace personal identifiers in ``text`` keeping only their last 3 characters."""
    text = _EMAIL.sub(lambda m: "***@" + m.group(0).split("@", 1)[1], text)
    text = _PHONE.sub(lambda m: "*" * (len(m.group(0)) - 3) + m.group(0)[-3:], text)
    return _DIGITS.sub(lambda m: "*" * (len(m.group(0)) - 3) + m.group(0)[-3:], text)


class MaskingFormatter(LambdaPowertoolsFormatter):
    def serialize(self, log: dict) -> str:  # type: ignore[override]
        return mask_personal_data(super().serialize(log))


logger = Logger(service=SERVICE, logger_formatter=MaskingFormatter())
metrics = Metrics(service=SERVICE, namespace="hoso")
tracer = Tracer(service=SERVICE)
