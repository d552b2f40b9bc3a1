"""Identifiers and formats of Vietnamese administrative data (SPEC §3.6, §8): personal
numbers, tax/enterprise codes, unit codes, phone numbers, e-mail addresses, text hygiene
and the date formats DVCQG and the eForms use.

Every check here is pure and total: it never raises on bad input, it reports. Messages
are Vietnamese *fragments* without a subject (``"phải gồm đúng 12 chữ số"``) so that the
caller can put the field's own label in front (``"Số giấy tờ chủ hồ sơ phải gồm đúng 12
chữ số."``) — see :func:`sentence`.

Decisions
---------
* Personal number (số định danh cá nhân, ``PPP G YY NNNNNN``): anything but exactly 12 ASCII
  digits is an *error*. An unknown birth-place code ``PPP`` and a birth year in the future
  are *flags*: the number is well formed but cannot have been issued. Intake rejects
  flagged numbers too (:attr:`PersonalNumberCheck.acceptable`); ``flags`` stay separate so
  that a lookup screen can still show "số không hợp lệ" vs "số có thể nhập sai".
* Tax/enterprise code: ``N1..N10`` with ``N10 = 10 − (Σ wᵢ·Nᵢ mod 11)`` over the weights
  31, 29, 23, 19, 17, 13, 7, 5, 3. When Σ mod 11 is 0 the formula gives 10, which is not a
  digit: no code is ever issued with such a 9-digit prefix, so every code with that prefix
  is invalid (the formula never gives 11). A branch code is the parent's valid 10 digits,
  ``-`` and a 3-digit branch number 001–999. Individuals (and household businesses) use their
  12-digit personal number as tax code since 1 July 2025; it is checked as a personal number.
* Digits are ASCII ``0-9`` only (``\\d`` would accept Arabic-Indic and other Unicode digits).
* Text: NFC, stripped; C0/C1 control characters (category Cc) are rejected except ``\\n`` and
  ``\\t`` in multi-line fields (``\\r\\n`` is first normalised to ``\\n``); the Unicode
  bidirectional embedding/override/isolate controls are rejected everywhere too, because they
  make a name or an address display differently from what it contains.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Birth-place codes of the personal number: the 63 provinces before the 1 July 2025 merger
# (Circular 07/2016/TT-BCA, kept by Circular 59/2021/TT-BCA). Numbers already issued keep them.
PROVINCE_BIRTH_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Thành phố Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

Gender = Literal["Nam", "Nữ"]

_DIGITS_12 = re.compile(r"[0-9]{12}")


def today_vn() -> dt.date:
    """Today's date in Asia/Ho_Chi_Minh."""
    return dt.datetime.now(VN_TZ).date()


def sentence(subject: str, fragment: str) -> str:
    """``"Số điện thoại" + "không hợp lệ"`` → ``"Số điện thoại không hợp lệ."``"""
    return f"{subject} {fragment}."


# -- personal number -------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalNumberCheck:
    """What a personal number says about itself, and what is wrong with it."""

    value: str
    errors: tuple[str, ...] = ()  # not a personal number at all
    flags: tuple[str, ...] = ()  # well formed, but could not have been issued
    province_code: str | None = None
    province_name: str | None = None
    gender: Gender | None = None
    birth_year: int | None = None

    @property
    def well_formed(self) -> bool:
        return not self.errors

    @property
    def acceptable(self) -> bool:
        """Good enough to identify an applicant at intake: well formed and not flagged."""
        return not self.errors and not self.flags

    @property
    def problems(self) -> tuple[str, ...]:
        return self.errors + self.flags


def check_personal_number(value: str, *, today: dt.date | None = None) -> PersonalNumberCheck:
    """Check a 12-digit personal number ``PPP G YY NNNNNN`` (SPEC §8).

    ``G`` encodes century and gender: 0/1 → 1900s, 2/3 → 2000s, 4/5 → 2100s, 6/7 → 2200s,
    8/9 → 2300s; even is male, odd female. There is no check digit.
    """
    if not isinstance(value, str) or not _DIGITS_12.fullmatch(value):
        return PersonalNumberCheck(value=str(value), errors=("phải gồm đúng 12 chữ số",))
    province = value[:3]
    g = int(value[3])
    birth_year = 1900 + (g // 2) * 100 + int(value[4:6])
    gender: Gender = "Nam" if g % 2 == 0 else "Nữ"
    flags: list[str] = []
    name = PROVINCE_BIRTH_CODES.get(province)
    if name is None:
        flags.append(f"có mã nơi đăng ký khai sinh {province} không tồn tại")
    current_year = (today or today_vn()).year
    if birth_year > current_year:
        flags.append(f"có năm sinh {birth_year} ở tương lai")
    return PersonalNumberCheck(
        value=value,
        flags=tuple(flags),
        province_code=province,
        province_name=name,
        gender=gender,
        birth_year=birth_year,
    )


# -- tax / enterprise code ---------------------------------------------------------------

TAX_WEIGHTS: tuple[int, ...] = (31, 29, 23, 19, 17, 13, 7, 5, 3)

_TAX_FORMAT = re.compile(r"([0-9]{10})(?:-([0-9]{3}))?")

TaxCodeKind = Literal["enterprise", "branch", "personal"]


def tax_check_digit(first9: str) -> int | None:
    """The check digit N10 for a 9-digit prefix, or None when the formula gives 10 (such a
    prefix is never issued)."""
    if len(first9) != 9 or not first9.isascii() or not first9.isdigit():
        raise ValueError("a tax code prefix is exactly 9 ASCII digits")
    n10 = 10 - sum(w * int(d) for w, d in zip(TAX_WEIGHTS, first9, strict=True)) % 11
    return None if n10 == 10 else n10


@dataclass(frozen=True)
class TaxCodeCheck:
    value: str
    kind: TaxCodeKind | None = None
    errors: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.errors


def check_tax_code(value: str, *, today: dt.date | None = None) -> TaxCodeCheck:
    """Check an enterprise/tax code: 10 digits with check digit, ``10 digits-3 digits`` for a
    dependent unit (branch), or a 12-digit personal number for individuals."""
    if isinstance(value, str) and _DIGITS_12.fullmatch(value):
        personal = check_personal_number(value, today=today)
        return TaxCodeCheck(value=value, kind="personal", errors=personal.problems)
    match = _TAX_FORMAT.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return TaxCodeCheck(
            value=str(value),
            errors=(
                "phải gồm 10 chữ số, hoặc 10 chữ số, dấu “-” và 3 chữ số (đơn vị phụ thuộc), "
                "hoặc số định danh cá nhân 12 chữ số",
            ),
        )
    base, branch = match.group(1), match.group(2)
    errors: list[str] = []
    if tax_check_digit(base[:9]) != int(base[9]):
        errors.append("không đúng (sai chữ số kiểm tra)")
    if branch == "000":
        errors.append("có số thứ tự đơn vị phụ thuộc phải từ 001 đến 999")
    return TaxCodeCheck(value=value, kind="branch" if branch else "enterprise", errors=tuple(errors))


# -- unit codes (QCVN 102:2016/BTTTT) ------------------------------------------------------

_UNIT_CODE = re.compile(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}")


def is_unit_code(value: str) -> bool:
    """``000.00.00.G12`` style identifier code of an agency (QCVN 102:2016/BTTTT)."""
    return isinstance(value, str) and _UNIT_CODE.fullmatch(value) is not None


# -- phone numbers and e-mail -------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"0[35789][0-9]{8}")
_FIXED_LINE = re.compile(r"02[0-9]{9}")  # area codes 02x since 2017: 11 digits


def _phone_digits(value: str) -> str:
    compact = _PHONE_SEPARATORS.sub("", value)
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    return compact


def normalise_mobile(value: str) -> str | None:
    """A Vietnamese mobile number as ``0xxxxxxxxx`` (10 digits), or None.

    Accepts ``0[35789]xxxxxxxx`` and ``+84[35789]xxxxxxxx``, with spaces, dots, dashes or
    parentheses between the digits.
    """
    if not isinstance(value, str):
        return None
    digits = _phone_digits(value)
    return digits if _MOBILE.fullmatch(digits) else None


def normalise_phone(value: str) -> str | None:
    """A mobile number (see :func:`normalise_mobile`) or an 11-digit fixed line ``02…``, or None."""
    mobile = normalise_mobile(value)
    if mobile is not None:
        return mobile
    if not isinstance(value, str):
        return None
    digits = _phone_digits(value)
    return digits if _FIXED_LINE.fullmatch(digits) else None


_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_EMAIL_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_EMAIL_TLD = re.compile(r"[A-Za-z]{2,63}")


def normalise_email(value: str) -> str | None:
    """An e-mail address with its domain lower-cased, or None when it is not one.

    ASCII addresses only (local part per RFC 5322 dot-atom, domain of LDH labels with an
    alphabetic TLD); ≤ 254 characters, local part ≤ 64.
    """
    if not isinstance(value, str) or len(value) > 254 or value.count("@") != 1:
        return None
    local, domain = value.split("@")
    labels = domain.split(".")
    if (
        len(local) > 64
        or not _EMAIL_LOCAL.fullmatch(local)
        or len(labels) < 2
        or not all(_EMAIL_LABEL.fullmatch(label) for label in labels)
        or not _EMAIL_TLD.fullmatch(labels[-1])
    ):
        return None
    return f"{local}@{domain.lower()}"


# -- text hygiene ---------------------------------------------------------------------------

_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def nfc(text: str) -> str:
    """Unicode NFC: the one form names and addresses are stored and compared in (SPEC §3.6)."""
    return unicodedata.normalize("NFC", text)


def control_characters(text: str, *, multiline: bool = False) -> list[str]:
    """The forbidden control characters in ``text`` as ``U+XXXX``, in order of appearance."""
    allowed = {"\n", "\t"} if multiline else set()
    return [
        f"U+{ord(c):04X}" for c in text if (unicodedata.category(c) == "Cc" and c not in allowed) or c in _BIDI_CONTROLS
    ]


def clean_text(value: str, *, multiline: bool = False) -> str:
    """NFC, stripped; in multi-line text ``\\r\\n`` becomes ``\\n``."""
    text = nfc(value)
    if multiline:
        text = text.replace("\r\n", "\n")
    return text.strip()


def text_problem(text: str, *, max_length: int, multiline: bool = False) -> str | None:
    """Why cleaned ``text`` is not acceptable (a fragment), or None."""
    if control_characters(text, multiline=multiline):
        return "chứa ký tự điều khiển không hợp lệ"
    if len(text) > max_length:
        return f"không được dài quá {max_length} ký tự"
    return None


# -- dates ----------------------------------------------------------------------------------

_DVCQG_DATETIME = re.compile(r"[0-9]{14}")
_VN_DATE = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})")
_VN_DATETIME = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4}) ([0-9]{2}):([0-9]{2})")


def parse_dvcqg_datetime(value: str) -> dt.datetime:
    """``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh → an aware datetime; ``ValueError`` otherwise."""
    if not isinstance(value, str) or not _DVCQG_DATETIME.fullmatch(value):
        raise ValueError(f"not a yyyyMMddHHmmss timestamp: {value!r}")
    return dt.datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)


def format_dvcqg_datetime(moment: dt.datetime) -> str:
    """An aware datetime as ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh (naive → ``ValueError``)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: every datetime must carry its time zone")
    return moment.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def parse_vn_date(value: str) -> dt.date:
    """``DD/MM/YYYY`` (eForm dates, SPEC §5) → a date; ``ValueError`` otherwise."""
    match = _VN_DATE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"not a DD/MM/YYYY date: {value!r}")
    day, month, year = (int(g) for g in match.groups())
    return dt.date(year, month, day)


def format_vn_date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def parse_vn_datetime(value: str) -> dt.datetime:
    """``DD/MM/YYYY HH:mm`` (24 h, Asia/Ho_Chi_Minh) → an aware datetime; ``ValueError`` otherwise."""
    match = _VN_DATETIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"not a DD/MM/YYYY HH:mm moment: {value!r}")
    day, month, year, hour, minute = (int(g) for g in match.groups())
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN_TZ)
