"""The request bodies' fields (SPEC §7.1): the cleaning and checks every string, code, date, address,
file and amount goes through, as pydantic validators, and the string types built from them. Used by
the first post (``chalicelib.domain.intake``) and DVCQG's later messages
(``chalicelib.domain.later_messages``), so both read and refuse alike.

Strings are NFC-normalised and stripped, control characters rejected; empty optional strings count
as absent. A file URL must be public HTTPS: no credentials, no ``localhost`` and no
loopback/private/link-local IP literal — the downloader still has to check where a host name
resolves to. A body may nest at most :data:`MAX_JSON_DEPTH` levels (checked without recursion, so
no crafted body can exhaust the stack).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, StringConstraints
from pydantic_core import PydanticCustomError

from chalicelib.domain.identifiers import (
    clean_text,
    control_characters,
    is_unit_code,
    normalise_email,
    normalise_phone,
    parse_dvcqg_datetime,
)
from chalicelib.errors import FieldError, HosoError

MAX_FILE_BYTES = 10 * 1024 * 1024  # decoded size of one NoiDungBase64 file
MAX_FEE_AMOUNT = 10**13  # đồng
MAX_JSON_DEPTH = 32  # nesting of objects/arrays in a body; eForm data needs about 6

DOSSIER_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")
PROCEDURE_CODE = re.compile(r"[0-9]\.[0-9]{6}(?:\.[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2})?")
_BASE64_WHITESPACE = re.compile(r"[ \t\r\n]")


# -- field-level cleaning and checks (pydantic validators) ------------------------------------


def invalid(fragment: str) -> PydanticCustomError:
    return PydanticCustomError("hoso_invalid", fragment)


def _clean(value: Any, *, multiline: bool, optional: bool) -> Any:
    if not isinstance(value, str):
        return value
    text = clean_text(value, multiline=multiline)
    if control_characters(text, multiline=multiline):
        raise invalid("chứa ký tự điều khiển không hợp lệ")
    return None if optional and not text else text


def line(value: Any) -> Any:
    return _clean(value, multiline=False, optional=False)


def optional_line(value: Any) -> Any:
    return _clean(value, multiline=False, optional=True)


def optional_text(value: Any) -> Any:
    return _clean(value, multiline=True, optional=True)


def matches(regex: re.Pattern[str], fragment: str) -> AfterValidator:
    def check(value: str | None) -> str | None:
        if value is not None and not regex.fullmatch(value):
            raise invalid(fragment)
        return value

    return AfterValidator(check)


def check_unit_code(value: str) -> str:
    if not is_unit_code(value):
        raise invalid("phải là mã định danh đơn vị theo QCVN 102:2016/BTTTT, ví dụ 000.00.00.G12")
    return value


def check_dvcqg_datetime(value: str) -> str:
    try:
        parse_dvcqg_datetime(value)
    except ValueError:
        raise invalid("phải là thời điểm theo định dạng yyyyMMddHHmmss (giờ Việt Nam), ví dụ 20250915093000") from None
    return value


def check_email(value: str | None) -> str | None:
    if value is None:
        return None
    email = normalise_email(value)
    if email is None:
        raise invalid("không phải địa chỉ thư điện tử hợp lệ")
    return email


def check_phone(value: str | None) -> str | None:
    if value is None:
        return None
    phone = normalise_phone(value)
    if phone is None:
        raise invalid("không phải số điện thoại hợp lệ (di động 0xxxxxxxxx hoặc +84xxxxxxxxx, cố định 02xxxxxxxxx)")
    return phone


def check_file_name(value: str) -> str:
    if "/" in value or "\\" in value:
        raise invalid("không được chứa ký tự “/” hoặc “\\”")
    return value


def check_https_url(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        raise invalid("không phải địa chỉ URL hợp lệ") from None
    if parts.scheme.lower() != "https" or not host:
        raise invalid("phải là địa chỉ HTTPS (https://…)")
    if parts.username is not None or parts.password is not None:
        raise invalid("không được chứa tên đăng nhập hoặc mật khẩu")
    if host == "localhost" or host.endswith(".localhost") or _is_internal_ip(host):
        raise invalid("phải trỏ tới máy chủ công khai")
    return value


def _is_internal_ip(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def _decoded_size(text: str) -> int:
    return len(text) * 3 // 4 - text[-2:].count("=")


def check_base64(value: str | None) -> str | None:
    if value is None:
        return None
    compact = _BASE64_WHITESPACE.sub("", value)
    if len(compact) % 4 or not compact:
        raise invalid("không phải dữ liệu base64 hợp lệ")
    if _decoded_size(compact) > MAX_FILE_BYTES:
        raise PydanticCustomError(
            "hoso_file_too_large", f"vượt quá dung lượng cho phép ({MAX_FILE_BYTES // (1024 * 1024)} MiB mỗi tệp)"
        )
    try:
        content = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise invalid("không phải dữ liệu base64 hợp lệ") from None
    if not content:
        raise invalid("là tệp rỗng")
    return compact


def vnd(value: Any) -> Any:
    if isinstance(value, bool):
        raise invalid("phải là số tiền nguyên không âm, tính bằng đồng")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,14}", value.strip()):
        value = int(value.strip())
    if not isinstance(value, int) or not 0 <= value <= MAX_FEE_AMOUNT:
        raise invalid("phải là số tiền nguyên không âm, tính bằng đồng")
    return value


Line = Annotated[str, BeforeValidator(line)]


# The request bodies' strings: ``RequiredN`` a non-blank string of at most N characters,
# ``OptionalN`` an optional one (blank counts as absent); ``OptionalText1000`` keeps line breaks.
Required50 = Annotated[str, StringConstraints(min_length=1, max_length=50), BeforeValidator(line)]
Required100 = Annotated[str, StringConstraints(min_length=1, max_length=100), BeforeValidator(line)]
Required255 = Annotated[str, StringConstraints(min_length=1, max_length=255), BeforeValidator(line)]
Optional10 = Annotated[Annotated[str, StringConstraints(max_length=10)] | None, BeforeValidator(optional_line)]
Optional20 = Annotated[Annotated[str, StringConstraints(max_length=20)] | None, BeforeValidator(optional_line)]
Optional50 = Annotated[Annotated[str, StringConstraints(max_length=50)] | None, BeforeValidator(optional_line)]
Optional100 = Annotated[Annotated[str, StringConstraints(max_length=100)] | None, BeforeValidator(optional_line)]
Optional254 = Annotated[Annotated[str, StringConstraints(max_length=254)] | None, BeforeValidator(optional_line)]
Optional500 = Annotated[Annotated[str, StringConstraints(max_length=500)] | None, BeforeValidator(optional_line)]
Optional2048 = Annotated[Annotated[str, StringConstraints(max_length=2048)] | None, BeforeValidator(optional_line)]
OptionalText1000 = Annotated[Annotated[str, StringConstraints(max_length=1000)] | None, BeforeValidator(optional_text)]


# -- the body as a whole ----------------------------------------------------------------------------


def body_error(message: str) -> HosoError:
    return HosoError("INVALID_DATA", "Dữ liệu hồ sơ không hợp lệ.", 422, errors=[FieldError("body", message)])


def nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` nests objects/arrays more than ``limit`` levels (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping | list | tuple):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, Mapping) else item))
    return False


def check_body(raw: Any) -> Mapping[str, Any]:
    """``raw`` if it is a JSON object nested at most :data:`MAX_JSON_DEPTH` levels; 422 otherwise."""
    if not isinstance(raw, Mapping):
        raise body_error("Nội dung yêu cầu phải là một đối tượng JSON.")
    if nested_deeper_than(raw, MAX_JSON_DEPTH):
        raise body_error(f"Nội dung yêu cầu lồng nhau quá {MAX_JSON_DEPTH} cấp.")
    return raw
