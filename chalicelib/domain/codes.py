"""Dossier codes (mã số hồ sơ, SPEC §3.1; Decree 118/2025 art. 28):
``<unit code>-<date of receipt>-<sequence>``, e.g. ``000.00.13.H29-260215-0001``.

The unit code is the receiving unit's QCVN 102:2016 identifier; the date defaults to
``YYMMDD`` and the sequence to 4 digits — both configurable because practice varies. The
sequence counts the dossiers a unit receives on a day; its counter lives in DynamoDB under
:func:`counter_key` and is incremented in the intake transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from chalicelib.domain.calendar import ensure_aware
from chalicelib.errors import HosoError

UNIT_CODE_RE = re.compile(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}")
_DATE_FORMAT_RE = re.compile(r"(?:%[yYmd])+")
DEFAULT_DATE_FORMAT = "%y%m%d"
DEFAULT_SEQUENCE_WIDTH = 4


@dataclass(frozen=True)
class DossierCode:
    unit_code: str
    received_on: dt.date
    sequence: int


def validate_unit_code(code: str) -> str:
    """``code`` if it is a QCVN 102 unit code (``000.00.13.H29``); ``HosoError`` otherwise."""
    if not isinstance(code, str) or not UNIT_CODE_RE.fullmatch(code):
        raise HosoError(
            "INVALID_UNIT_CODE",
            f"Mã đơn vị \"{code}\" không đúng định dạng QCVN 102:2016 (ví dụ 000.00.13.H29).",
            422,
        )
    return code


def _check_date_format(date_format: str) -> None:
    if not _DATE_FORMAT_RE.fullmatch(date_format):
        raise ValueError(f"date format {date_format!r} may only use %y, %Y, %m and %d")


def _as_date(day: dt.date) -> dt.date:
    if isinstance(day, dt.datetime):
        return ensure_aware(day).date()
    return day


def counter_key(unit_code: str, day: dt.date) -> str:
    """The DynamoDB key of the sequence counter of ``unit_code`` on ``day`` (a date in
    Asia/Ho_Chi_Minh): ``CODE#000.00.13.H29#260215``."""
    return f"CODE#{validate_unit_code(unit_code)}#{_as_date(day):%y%m%d}"


def format_dossier_code(
    unit_code: str,
    received_on: dt.date,
    sequence: int,
    sequence_width: int = DEFAULT_SEQUENCE_WIDTH,
    date_format: str = DEFAULT_DATE_FORMAT,
) -> str:
    """The code of the ``sequence``-th dossier received by ``unit_code`` on ``received_on``."""
    validate_unit_code(unit_code)
    _check_date_format(date_format)
    if sequence_width < 1:
        raise ValueError("sequence width must be at least 1")
    if sequence < 1:
        raise ValueError(f"dossier sequence starts at 1, got {sequence}")
    if sequence >= 10**sequence_width:
        raise HosoError(
            "DOSSIER_SEQUENCE_EXHAUSTED",
            f"Đơn vị {unit_code} đã dùng hết {10**sequence_width - 1} số hồ sơ trong ngày "
            f"{received_on:%d/%m/%Y}; cần tăng độ dài số thứ tự của mã hồ sơ.",
            409,
        )
    day = _as_date(received_on)
    date_part = day.strftime(date_format)
    if dt.datetime.strptime(date_part, date_format).date() != day:
        raise ValueError(f"{day.isoformat()} cannot be written unambiguously with {date_format!r}")
    return f"{unit_code}-{date_part}-{sequence:0{sequence_width}d}"


def parse_dossier_code(
    code: str,
    sequence_width: int | None = DEFAULT_SEQUENCE_WIDTH,
    date_format: str = DEFAULT_DATE_FORMAT,
) -> DossierCode:
    """Split a dossier code into its parts; ``HosoError`` (INVALID_DOSSIER_CODE) if it is not one.

    ``sequence_width=None`` accepts any sequence width (codes issued under older settings).
    """
    _check_date_format(date_format)

    def invalid() -> HosoError:
        return HosoError("INVALID_DOSSIER_CODE", f"Mã hồ sơ \"{code}\" không đúng định dạng.", 422)

    parts = code.split("-") if isinstance(code, str) else []
    if len(parts) != 3:
        raise invalid()
    unit_code, date_part, sequence_part = parts
    if not UNIT_CODE_RE.fullmatch(unit_code) or not date_part.isascii() or not date_part.isdigit():
        raise invalid()
    if not sequence_part.isascii() or not sequence_part.isdigit():
        raise invalid()
    if sequence_width is not None and len(sequence_part) != sequence_width:
        raise invalid()
    try:
        received_on = dt.datetime.strptime(date_part, date_format).date()
    except ValueError:
        raise invalid() from None
    if received_on.strftime(date_format) != date_part or int(sequence_part) < 1:
        raise invalid()
    return DossierCode(unit_code=unit_code, received_on=received_on, sequence=int(sequence_part))
