"""Logger, metrics and tracer shared by every handler.

Logs are JSON (Powertools) and never carry personal data in clear: personal
identification numbers, tax codes, phone numbers and e-mail addresses are masked in the
serialised record, whatever field they sit in (message, extra keys, exceptions); dates written
DD/MM/YYYY (birth dates, as VNeID and the population database give them) are masked wherever
they appear; names, addresses and birth dates are masked by the field that carries them (an
extra key such as ``HoVaTen``, ``ChuHoSo``, ``DiaChi``, ``NoiThuongTru``, ``NgaySinh`` or
``name``/``address``/``birth_date``, at any depth) and where a validation error quotes the
rejected input (``input_value=…``).
"""

from __future__ import annotations

import os
import re
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.shared import constants
from aws_lambda_powertools.shared.functions import resolve_truthy_env_var_choice

SERVICE = "hoso"
NAMESPACE = "hoso"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# 12-digit personal numbers, 10-digit tax codes (with optional -NNN branch), phones
# (0xxxxxxxxx or +84xxxxxxxxx). Digits inside longer digit runs (timestamps) are left alone.
_PHONE = re.compile(r"(?<![\d])(?:\+84|0)[35789]\d{8}(?![\d])")
_DIGITS = re.compile(r"(?<![\d.])\d{10}(?:-\d{3})?(?![\d])|(?<![\d.])\d{12}(?![\d])")


# DD/MM/YYYY or DD-MM-YYYY (not ISO timestamps, which the log's own fields use)
_DMY = re.compile(r"(?<![\d/-])(?:0?[1-9]|[12]\d|3[01])[/-](?:0?[1-9]|1[0-2])[/-](?:19|20)\d{2}(?![\d/-])")
# pydantic's "input_value='…'" in a validation error quotes what the person typed
_INPUT_VALUE = re.compile(r"""input_value=(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")
MASK = "***"
# Fields (compared without case, "_" or "-") whose value is a person's name, address or birth date.
PERSONAL_FIELDS = frozenset({
    "hovaten", "hoten", "tenchuhoso", "chuhoso", "tennguoinop", "nguoinop", "name", "fullname", "applicant",
    "applicantname", "officername", "diachi", "diachichuhoso", "noithuongtru", "noiohientai", "noicutru", "quequan",
    "address", "ngaysinh", "ngaythangnamsinh", "birthdate", "dateofbirth", "dob",
})


def mask_personal_data(text: str) -> str:
    """Replace personal identifiers in ``text`` keeping only their last 3 characters; dates
    written DD/MM/YYYY and quoted validation inputs entirely."""
    text = _INPUT_VALUE.sub("input_value=" + MASK, text)
    text = _EMAIL.sub(lambda m: "***@" + m.group(0).split("@", 1)[1], text)
    text = _PHONE.sub(lambda m: "*" * (len(m.group(0)) - 3) + m.group(0)[-3:], text)
    text = _DMY.sub("**/**/****", text)
    return _DIGITS.sub(lambda m: "*" * (len(m.group(0)) - 3) + m.group(0)[-3:], text)


def _personal(key: object) -> bool:
    return isinstance(key, str) and key.replace("_", "").replace("-", "").casefold() in PERSONAL_FIELDS


def mask_personal_fields(value: Any) -> Any:
    """A copy of a log record with the values of name, address and birth-date fields masked."""
    if isinstance(value, dict):
        return {k: MASK if _personal(k) and v not in (None, "") else mask_personal_fields(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_personal_fields(v) for v in value]
    return value


class MaskingFormatter(LambdaPowertoolsFormatter):
    def serialize(self, log: dict) -> str:  # type: ignore[override]
        return mask_personal_data(super().serialize(mask_personal_fields(log)))


logger = Logger(service=SERVICE, logger_formatter=MaskingFormatter())
metrics = Metrics(service=SERVICE, namespace=NAMESPACE)


def tracing_on() -> bool:
    """Whether this process traces: in a Lambda sandbox (``LAMBDA_TASK_ROOT``), not under SAM's or
    Chalice's local emulation, ``POWERTOOLS_TRACE_DISABLED`` not true — Powertools' own rule."""
    disabled = resolve_truthy_env_var_choice(env=os.getenv(constants.TRACER_DISABLED_ENV, "false"))
    local = os.getenv(constants.SAM_LOCAL_ENV) or os.getenv(constants.CHALICE_LOCAL_ENV)
    return bool(os.getenv(constants.LAMBDA_TASK_ROOT_ENV)) and not disabled and not local


# Powertools' tracer patches botocore, requests … so X-Ray shows each outbound call as a subsegment.
# Built only where tracing is on: Powertools imports the X-Ray SDK even to disable it, and that
# import costs about as much as boto3's (bench/coldstart.py) — the tests, the local stack and bench
# run without it.
tracer = Tracer(service=SERVICE) if tracing_on() else None


def count(name: str, value: float = 1) -> None:
    """Write one count at once (one EMF log line, dimension ``service``): for the API's use
    cases, whose invocations nothing flushes ``metrics`` at the end of (the dashboard's intake
    rate and transitions, infra/monitoring.py)."""
    with single_metric(name=name, unit=MetricUnit.Count, value=value, namespace=NAMESPACE,
                       default_dimensions={"service": SERVICE}):  # fmt: skip
        pass
