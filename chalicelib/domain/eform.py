"""eForms (biểu mẫu điện tử, SPEC §5 / guide 7753 Appendix 01) as typed data, and their
server-side validation.

A form is an :class:`EFormSchema`: sections (group boxes) of :class:`FormField` s, plus
cross-field :data:`Rule` s from a small closed set. The web app renders it; this module
checks what comes back. Form data is nested by section::

    {"nguoi_yeu_cau": {"ho_ten": "Nguyễn Văn An", ...},
     "thanh_vien_ho": {"thanh_vien": [{"ho_ten": ..., "ngay_sinh": "02/03/2019"}, ...]}}

and every error names its path (``DuLieuBieuMau.nguoi_yeu_cau.ho_ten``,
``DuLieuBieuMau.thanh_vien_ho.thanh_vien[2].ngay_sinh`` — row indexes start at 0, the
messages say "dòng 3").

Value conventions: dates ``DD/MM/YYYY``, date-times ``DD/MM/YYYY HH:mm`` (24 h, Vietnam's
time zone); money an integer number of đồng (a JSON integer or a string of digits); numbers
JSON numbers (or numeric strings); a ``checkbox`` is a boolean (a *required* checkbox must
be ticked — a declaration "Tôi cam đoan…"); ``checkboxes`` a list of option values; a
``table`` a list of row objects. Empty values (``null``, ``""``, ``[]``) count as absent and
are left out of the normalised data. Strings are NFC-normalised and stripped.

Rule references are ``"section.field"`` or, inside dynamic rows, ``"section.table[].column"``;
a ``required_if``/``date_order`` rule either refers to top-level fields only or to columns of
one table only (then it is checked on every row).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.domain.identifiers import (
    check_personal_number,
    check_tax_code,
    clean_text,
    format_vn_date,
    normalise_email,
    normalise_phone,
    parse_vn_date,
    parse_vn_datetime,
    sentence,
    text_problem,
    today_vn,
)
from chalicelib.errors import FieldError

FieldType = Literal[
    "text",
    "textarea",
    "number",
    "money",
    "date",
    "datetime",
    "email",
    "phone",
    "personal_number",
    "tax_code",
    "select",
    "radio",
    "checkbox",
    "checkboxes",
    "table",
]

TEXT_MAX_LENGTH = 255  # SPEC §5: a text field holds at most 255 characters
TEXTAREA_DEFAULT_MAX_LENGTH = 2000
TEXTAREA_MAX_LENGTH = 10000
MAX_TABLE_ROWS = 500
MONEY_MAX = 10**13  # đồng; far above any fee, below float precision trouble

_SHORT_TYPES = frozenset({"text", "email", "phone", "personal_number", "tax_code"})
_STRING_TYPES = _SHORT_TYPES | {"textarea"}
_CHOICE_TYPES = frozenset({"select", "radio", "checkboxes"})
_NUMERIC_TYPES = frozenset({"number", "money"})
_DATE_TYPES = frozenset({"date", "datetime"})

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
AUTOFILL_PATTERN = r"^[a-z][a-z_]*\.[A-Za-z][A-Za-z0-9_]*$"


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: str = Field(min_length=1, max_length=100)
    label: str = Field(min_length=1, max_length=255)


class FormField(BaseModel):
    """One input of a form. ``table`` fields hold dynamic rows ("Thêm dòng"/"Xóa dòng") of
    ``columns``, between ``min_rows`` and ``max_rows`` of them (``min_rows`` > 0 makes the
    table required)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=KEY_PATTERN)
    label: str = Field(min_length=1, max_length=255, description="Nhãn trường (tiếng Việt)")
    type: FieldType
    required: bool = False
    max_length: int | None = Field(None, ge=1, description="Độ dài tối đa; mặc định 255 (văn bản), 2000 (textarea)")
    pattern: str | None = Field(None, max_length=200, description="Biểu thức chính quy toàn khớp (chỉ trường văn bản)")
    pattern_message: str | None = Field(None, description="Thông báo khi không khớp pattern, ví dụ “gồm 6 chữ số”")
    options: list[Option] = Field(default_factory=list)
    guidance: str = Field("", description="Văn bản hướng dẫn hiển thị dưới trường")
    placeholder: str = ""
    minimum: float | None = None
    maximum: float | None = None
    date_limit: Literal["any", "past", "future"] = Field(
        "any", description="past: không sau hôm nay; future: không trước hôm nay"
    )
    autofill_source: str | None = Field(
        None, pattern=AUTOFILL_PATTERN, description="Nguồn tự động điền, ví dụ population.HoVaTen"
    )
    columns: list[FormField] = Field(default_factory=list)
    min_rows: int = Field(0, ge=0)
    max_rows: int = Field(50, ge=1)

    @property
    def effective_max_length(self) -> int:
        if self.max_length is not None:
            return self.max_length
        return TEXTAREA_DEFAULT_MAX_LENGTH if self.type == "textarea" else TEXT_MAX_LENGTH

    def option_label(self, value: str) -> str:
        return next((o.label for o in self.options if o.value == value), value)


class FormSection(BaseModel):
    """A group box of the form."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=KEY_PATTERN)
    title: str = Field(min_length=1, max_length=255)
    guidance: str = ""
    fields: list[FormField]


class RequiredIf(BaseModel):
    """``then_required`` must be filled when ``field`` equals ``equals`` (for ``checkboxes``:
    when ``equals`` is among the ticked values)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["required_if"] = "required_if"
    field: str
    equals: str | bool
    then_required: list[str] = Field(min_length=1)


class DateOrder(BaseModel):
    """``earlier`` must not come after ``later`` (strictly before unless ``allow_equal``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["date_order"] = "date_order"
    earlier: str
    later: str
    allow_equal: bool = True


class SumEquals(BaseModel):
    """A top-level ``total`` must equal the sum of a table ``column`` (e.g. fees declared)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["sum_equals"] = "sum_equals"
    total: str
    column: str


Rule = Annotated[RequiredIf | DateOrder | SumEquals, Field(discriminator="kind")]


class EFormSchema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$", description="Mã biểu mẫu")
    version: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=255)
    legal_basis: str = Field("", description="Văn bản quy định mẫu giấy (mẫu số…, ban hành kèm theo…)")
    sections: list[FormSection]
    rules: list[Rule] = Field(default_factory=list)

    def resolve(self, ref: str) -> _Ref | None:
        """The field a rule reference points at, or None."""
        match = _REF.fullmatch(ref)
        if match is None:
            return None
        section_key, field_key, column_key = match.groups()
        section = next((s for s in self.sections if s.key == section_key), None)
        found = next((f for f in section.fields if f.key == field_key), None) if section else None
        if found is None:
            return None
        assert section is not None
        if column_key is None:
            return _Ref(section_key, section.title, found, None)
        if found.type != "table":
            return None
        column = next((c for c in found.columns if c.key == column_key), None)
        return _Ref(section_key, section.title, found, column) if column else None


_REF = re.compile(r"([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)(?:\[\]\.([a-z][a-z0-9_]*))?")


@dataclass(frozen=True)
class _Ref:
    section: str
    section_title: str
    field: FormField  # the top-level field (the table, for a column reference)
    column: FormField | None = None

    @property
    def target(self) -> FormField:
        return self.column or self.field

    @property
    def qualified_label(self) -> str:
        """The label with where it sits, for messages that name two fields."""
        if self.column is not None:
            return f"{self.column.label} ({self.field.label})"
        return f"{self.field.label} ({self.section_title})"

    @property
    def table_key(self) -> tuple[str, str] | None:
        return (self.section, self.field.key) if self.column else None


# -- schema validation ------------------------------------------------------------------------


def _check_field(f: FormField, where: str, problems: list[str], *, in_table: bool) -> None:
    if f.type == "text" and f.max_length is not None and f.max_length > TEXT_MAX_LENGTH:
        problems.append(f"{where}: trường văn bản dài tối đa {TEXT_MAX_LENGTH} ký tự (dùng textarea cho văn bản dài)")
    if f.type == "textarea" and f.max_length is not None and f.max_length > TEXTAREA_MAX_LENGTH:
        problems.append(f"{where}: textarea dài tối đa {TEXTAREA_MAX_LENGTH} ký tự")
    if f.max_length is not None and f.type not in _STRING_TYPES:
        problems.append(f"{where}: max_length chỉ dùng cho trường văn bản")
    if f.pattern is not None:
        if f.type not in {"text", "textarea"}:
            problems.append(f"{where}: pattern chỉ dùng cho trường văn bản")
        try:
            re.compile(f.pattern)
        except re.error:
            problems.append(f"{where}: pattern không phải biểu thức chính quy hợp lệ")
    if f.type in _CHOICE_TYPES:
        values = [o.value for o in f.options]
        if len(set(values)) != len(values):
            problems.append(f"{where}: giá trị lựa chọn bị trùng")
        if f.type == "radio" and not 2 <= len(values) <= 4:
            problems.append(f"{where}: nút radio cần từ 2 đến 4 lựa chọn (nhiều hơn thì dùng danh sách thả xuống)")
        elif f.type == "select" and not values:
            problems.append(f"{where}: danh sách thả xuống cần ít nhất 1 lựa chọn")
        elif f.type == "checkboxes" and len(values) < 2:
            problems.append(f"{where}: nhóm hộp kiểm cần ít nhất 2 lựa chọn")
    elif f.options:
        problems.append(f"{where}: chỉ select, radio và checkboxes có danh sách lựa chọn")
    if (f.minimum is not None or f.maximum is not None) and f.type not in _NUMERIC_TYPES:
        problems.append(f"{where}: minimum/maximum chỉ dùng cho trường số")
    if f.minimum is not None and f.maximum is not None and f.minimum > f.maximum:
        problems.append(f"{where}: minimum lớn hơn maximum")
    if f.date_limit != "any" and f.type not in _DATE_TYPES:
        problems.append(f"{where}: date_limit chỉ dùng cho trường ngày")
    if f.type == "table":
        if in_table:
            problems.append(f"{where}: không lồng bảng trong bảng")
        if not f.columns:
            problems.append(f"{where}: bảng cần ít nhất một cột")
        if f.min_rows > f.max_rows:
            problems.append(f"{where}: min_rows lớn hơn max_rows")
        if f.max_rows > MAX_TABLE_ROWS:
            problems.append(f"{where}: bảng có tối đa {MAX_TABLE_ROWS} dòng")
        keys = [c.key for c in f.columns]
        for key in sorted({k for k in keys if keys.count(k) > 1}):
            problems.append(f"{where}: cột “{key}” bị trùng")
        for column in f.columns:
            _check_field(column, f"{where}[].{column.key}", problems, in_table=True)
    elif f.columns:
        problems.append(f"{where}: chỉ trường bảng (table) có cột")


def _check_rule(schema: EFormSchema, index: int, rule: RequiredIf | DateOrder | SumEquals, problems: list[str]) -> None:
    where = f"rules[{index}] ({rule.kind})"
    refs: dict[str, _Ref | None]
    if isinstance(rule, RequiredIf):
        refs = {rule.field: schema.resolve(rule.field), **{r: schema.resolve(r) for r in rule.then_required}}
    elif isinstance(rule, DateOrder):
        refs = {rule.earlier: schema.resolve(rule.earlier), rule.later: schema.resolve(rule.later)}
    else:
        refs = {rule.total: schema.resolve(rule.total), rule.column: schema.resolve(rule.column)}
    missing = [name for name, ref in refs.items() if ref is None]
    for name in missing:
        problems.append(f"{where}: “{name}” không phải trường của biểu mẫu")
    if missing:
        return
    resolved = {name: ref for name, ref in refs.items() if ref is not None}
    if isinstance(rule, SumEquals):
        total, column = resolved[rule.total], resolved[rule.column]
        if total.column is not None or total.target.type not in _NUMERIC_TYPES:
            problems.append(f"{where}: “{rule.total}” phải là trường số ngoài bảng")
        if column.column is None or column.target.type not in _NUMERIC_TYPES:
            problems.append(f"{where}: “{rule.column}” phải là cột số của một bảng")
        return
    if len({ref.table_key for ref in resolved.values()}) != 1:
        problems.append(f"{where}: các trường phải cùng ngoài bảng hoặc cùng thuộc một bảng")
    if isinstance(rule, DateOrder):
        for name, ref in resolved.items():
            if ref.target.type not in _DATE_TYPES:
                problems.append(f"{where}: “{name}” không phải trường ngày")
        return
    condition = resolved[rule.field].target
    if condition.type in _CHOICE_TYPES:
        if not isinstance(rule.equals, str) or rule.equals not in {o.value for o in condition.options}:
            problems.append(f"{where}: “{rule.equals}” không có trong lựa chọn của “{rule.field}”")
    elif condition.type == "checkbox":
        if not isinstance(rule.equals, bool):
            problems.append(f"{where}: điều kiện trên hộp kiểm phải là true hoặc false")
    elif condition.type not in {"text", "number"}:
        problems.append(f"{where}: không dùng “{rule.field}” ({condition.type}) làm điều kiện")


def validate_schema(schema: EFormSchema) -> list[str]:
    """Everything wrong with a form definition (empty when it can be published)."""
    problems: list[str] = []
    if not schema.sections:
        problems.append("biểu mẫu cần ít nhất một nhóm trường")
    section_keys = [s.key for s in schema.sections]
    for key in sorted({k for k in section_keys if section_keys.count(k) > 1}):
        problems.append(f"nhóm “{key}” bị trùng")
    for section in schema.sections:
        if not section.fields:
            problems.append(f"{section.key}: nhóm không có trường nào")
        keys = [f.key for f in section.fields]
        for key in sorted({k for k in keys if keys.count(k) > 1}):
            problems.append(f"{section.key}.{key}: trường bị trùng")
        for f in section.fields:
            _check_field(f, f"{section.key}.{f.key}", problems, in_table=False)
    for index, rule in enumerate(schema.rules):
        _check_rule(schema, index, rule, problems)
    return problems


# -- data validation ------------------------------------------------------------------------


@dataclass
class EFormResult:
    """Normalised form data and every error found (empty when the data is acceptable)."""

    data: dict[str, Any]
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Missing:
    pass


_MISSING = _Missing()


def _is_empty(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _format_number(value: float | int) -> str:
    """Vietnamese notation: ``1.234.567`` and ``1.234,5`` (the web app's formatNumber too)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    whole, _, fraction = str(value).partition(".")
    grouped = f"{int(whole):,}".replace(",", ".") if whole != "-0" else whole
    return f"{grouped},{fraction}" if fraction else grouped


def _as_number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?", value.strip()):
        number = Decimal(value.strip())
        return int(number) if number == number.to_integral_value() else float(number)
    return None


def _as_money(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float) and value.is_integer():
        amount = int(value)
    elif isinstance(value, str) and re.fullmatch(r"[0-9]{1,14}", value.strip()):
        amount = int(value.strip())
    else:
        return None
    return amount if 0 <= amount <= MONEY_MAX else None


class _Validator:
    def __init__(self, schema: EFormSchema, prefix: str, today: dt.date) -> None:
        self.schema = schema
        self.prefix = prefix
        self.today = today
        self.errors: list[FieldError] = []
        self.invalid: set[str] = set()
        self.row_indexes: dict[str, list[int]] = {}  # table path → the index in the data of each kept row

    def error(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))
        self.invalid.add(path)

    def path(self, *parts: str) -> str:
        return ".".join((self.prefix, *parts)) if self.prefix else ".".join(parts)

    # one value -----------------------------------------------------------------------------

    def value(self, f: FormField, raw: Any, path: str) -> Any:
        """The normalised value of ``raw`` for ``f`` or ``_MISSING`` (errors recorded)."""
        if f.type == "checkbox":
            if raw is None:
                raw = False
            if not isinstance(raw, bool):
                self.error(path, sentence(f.label, "phải là giá trị đúng/sai (true/false)"))
                return _MISSING
            if f.required and not raw:
                self.error(path, f"Vui lòng đánh dấu “{f.label}”.")
            return raw
        if _is_empty(raw):
            if f.type == "table" and (f.required or f.min_rows):
                rows = max(f.min_rows, 1)
                self.error(path, f"Vui lòng nhập ít nhất {rows} dòng {f.label}.")
            elif f.required:
                verb = "chọn" if f.type in _CHOICE_TYPES else "nhập"
                self.error(path, f"Vui lòng {verb} {f.label}.")
            return _MISSING
        if f.type in _STRING_TYPES:
            return self.string(f, raw, path)
        if f.type == "number":
            return self.number(f, raw, path)
        if f.type == "money":
            return self.money(f, raw, path)
        if f.type in _DATE_TYPES:
            return self.date(f, raw, path)
        if f.type in {"select", "radio"}:
            return self.choice(f, raw, path)
        if f.type == "checkboxes":
            return self.choices(f, raw, path)
        return self.table(f, raw, path)

    def string(self, f: FormField, raw: Any, path: str) -> Any:
        if not isinstance(raw, str):
            self.error(path, sentence(f.label, "phải là chuỗi ký tự"))
            return _MISSING
        multiline = f.type == "textarea"
        text = clean_text(raw, multiline=multiline)
        problem = text_problem(text, max_length=f.effective_max_length, multiline=multiline)
        if problem:
            self.error(path, sentence(f.label, problem))
            return _MISSING
        if f.pattern is not None and not re.fullmatch(f.pattern, text):
            self.error(path, sentence(f.label, f.pattern_message or "không đúng định dạng"))
            return _MISSING
        if f.type == "email":
            email = normalise_email(text)
            if email is None:
                self.error(path, sentence(f.label, "không phải địa chỉ thư điện tử hợp lệ"))
                return _MISSING
            return email
        if f.type == "phone":
            phone = normalise_phone(text)
            if phone is None:
                self.error(path, sentence(f.label, "không phải số điện thoại hợp lệ (ví dụ 0912345678)"))
                return _MISSING
            return phone
        if f.type == "personal_number":
            problems = check_personal_number(text, today=self.today).problems
        elif f.type == "tax_code":
            problems = check_tax_code(text, today=self.today).errors
        else:
            problems = ()
        if problems:
            self.error(path, sentence(f.label, "; ".join(problems)))
            return _MISSING
        return text

    def bounds(self, f: FormField, number: float | int, path: str) -> bool:
        if f.minimum is not None and number < f.minimum:
            self.error(path, sentence(f.label, f"không được nhỏ hơn {_format_number(f.minimum)}"))
            return False
        if f.maximum is not None and number > f.maximum:
            self.error(path, sentence(f.label, f"không được lớn hơn {_format_number(f.maximum)}"))
            return False
        return True

    def number(self, f: FormField, raw: Any, path: str) -> Any:
        number = _as_number(raw)
        if number is None:
            self.error(path, sentence(f.label, "phải là số"))
            return _MISSING
        return number if self.bounds(f, number, path) else _MISSING

    def money(self, f: FormField, raw: Any, path: str) -> Any:
        amount = _as_money(raw)
        if amount is None:
            self.error(path, sentence(f.label, "phải là số tiền nguyên không âm, tính bằng đồng"))
            return _MISSING
        return amount if self.bounds(f, amount, path) else _MISSING

    def date(self, f: FormField, raw: Any, path: str) -> Any:
        text = raw.strip() if isinstance(raw, str) else raw
        try:
            if f.type == "date":
                day = parse_vn_date(text)
            else:
                day = parse_vn_datetime(text).date()
        except (ValueError, TypeError):
            shape = "DD/MM/YYYY" if f.type == "date" else "DD/MM/YYYY HH:mm"
            self.error(path, sentence(f.label, f"phải là ngày hợp lệ theo định dạng {shape}"))
            return _MISSING
        if f.date_limit == "past" and day > self.today:
            self.error(path, sentence(f.label, f"không được sau ngày hiện tại ({format_vn_date(self.today)})"))
            return _MISSING
        if f.date_limit == "future" and day < self.today:
            self.error(path, sentence(f.label, f"không được trước ngày hiện tại ({format_vn_date(self.today)})"))
            return _MISSING
        return text

    def choice(self, f: FormField, raw: Any, path: str) -> Any:
        value = clean_text(raw) if isinstance(raw, str) else raw
        if value not in {o.value for o in f.options}:
            self.error(path, sentence(f.label, "có giá trị không thuộc danh sách lựa chọn"))
            return _MISSING
        return value

    def choices(self, f: FormField, raw: Any, path: str) -> Any:
        allowed = {o.value for o in f.options}
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            self.error(path, sentence(f.label, "phải là danh sách các giá trị lựa chọn"))
            return _MISSING
        values = [clean_text(v) for v in raw]
        if any(v not in allowed for v in values):
            self.error(path, sentence(f.label, "có giá trị không thuộc danh sách lựa chọn"))
            return _MISSING
        if len(set(values)) != len(values):
            self.error(path, sentence(f.label, "có lựa chọn bị lặp"))
            return _MISSING
        return values

    def table(self, f: FormField, raw: Any, path: str) -> Any:
        if not isinstance(raw, list):
            self.error(path, sentence(f.label, "phải là danh sách các dòng"))
            return _MISSING
        if len(raw) < f.min_rows:
            self.error(path, sentence(f.label, f"cần ít nhất {f.min_rows} dòng"))
        if len(raw) > f.max_rows:
            self.error(path, sentence(f.label, f"không được quá {f.max_rows} dòng"))
            return _MISSING
        rows: list[dict[str, Any]] = []
        indexes = self.row_indexes.setdefault(path, [])
        for index, row in enumerate(raw):
            row_path = f"{path}[{index}]"
            if not isinstance(row, dict):
                self.error(row_path, f"Dòng {index + 1} của {f.label} phải là một đối tượng.")
                continue
            indexes.append(index)
            rows.append(self.group(f.columns, row, row_path, what=f"dòng {index + 1} của {f.label}"))
        return rows

    # groups of values -------------------------------------------------------------------------

    def group(self, fields: list[FormField], raw: dict[str, Any], path: str, *, what: str) -> dict[str, Any]:
        known = {f.key for f in fields}
        for key in raw:
            if key not in known:
                self.error(f"{path}.{key}", f"Trường “{key}” không có trong {what}.")
        out: dict[str, Any] = {}
        for f in fields:
            value = self.value(f, raw.get(f.key), f"{path}.{f.key}")
            if value is not _MISSING:
                out[f.key] = value
        return out

    def form(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.error(self.prefix, f"Dữ liệu biểu mẫu “{self.schema.title}” phải là một đối tượng JSON.")
            return {}
        known = {s.key for s in self.schema.sections}
        for key in data:
            if key not in known:
                self.error(self.path(str(key)), f"Nhóm “{key}” không có trong biểu mẫu {self.schema.title}.")
        out: dict[str, Any] = {}
        for section in self.schema.sections:
            raw = data.get(section.key)
            if raw is None:
                raw = {}
            if not isinstance(raw, dict):
                self.error(self.path(section.key), sentence(section.title, "phải là một đối tượng JSON"))
                continue
            out[section.key] = self.group(section.fields, raw, self.path(section.key), what=f"nhóm {section.title}")
        return out

    # cross-field rules ------------------------------------------------------------------------

    def scopes(self, data: dict[str, Any], refs: list[_Ref]) -> list[tuple[dict[str, Any], str]]:
        """(values, path prefix) pairs a rule is checked in: the whole form, or every row."""
        table = refs[0].table_key
        if table is None:
            return [(data, self.prefix)]
        section, key = table
        rows = data.get(section, {}).get(key, [])
        indexes = self.row_indexes.get(self.path(section, key), [])  # rows that were not objects are left out
        return [(row, self.path(section, f"{key}[{i}]")) for i, row in zip(indexes, rows, strict=True)]

    @staticmethod
    def lookup(values: dict[str, Any], ref: _Ref) -> Any:
        if ref.column is not None:
            return values.get(ref.column.key, _MISSING)
        return values.get(ref.section, {}).get(ref.field.key, _MISSING)

    def ref_path(self, scope_path: str, ref: _Ref) -> str:
        if ref.column is not None:
            return f"{scope_path}.{ref.column.key}"
        return self.path(ref.section, ref.field.key)

    def rules(self, data: dict[str, Any]) -> None:
        for rule in self.schema.rules:
            if isinstance(rule, RequiredIf):
                self.required_if(data, rule)
            elif isinstance(rule, DateOrder):
                self.date_order(data, rule)
            else:
                self.sum_equals(data, rule)

    def required_if(self, data: dict[str, Any], rule: RequiredIf) -> None:
        condition = self.schema.resolve(rule.field)
        targets = [self.schema.resolve(r) for r in rule.then_required]
        if condition is None or any(t is None for t in targets):
            raise ValueError(f"rule on {rule.field} refers to unknown fields: run validate_schema first")
        for values, scope_path in self.scopes(data, [condition]):
            actual = self.lookup(values, condition)
            met = rule.equals in actual if isinstance(actual, list) else actual == rule.equals
            if not met:
                continue
            shown = (
                condition.target.option_label(rule.equals)
                if isinstance(rule.equals, str)
                else ("có" if rule.equals else "không")
            )
            for target in targets:
                assert target is not None
                path = self.ref_path(scope_path, target)
                if self.lookup(values, target) is _MISSING and path not in self.invalid:
                    verb = "chọn" if target.target.type in _CHOICE_TYPES else "nhập"
                    self.error(
                        path,
                        f"Vui lòng {verb} {target.target.label} "
                        f"(bắt buộc khi {condition.qualified_label} là “{shown}”).",
                    )

    def date_order(self, data: dict[str, Any], rule: DateOrder) -> None:
        earlier, later = self.schema.resolve(rule.earlier), self.schema.resolve(rule.later)
        if earlier is None or later is None:
            raise ValueError(f"date rule {rule.earlier} < {rule.later} refers to unknown fields")
        for values, scope_path in self.scopes(data, [earlier]):
            a, b = self.lookup(values, earlier), self.lookup(values, later)
            later_path = self.ref_path(scope_path, later)
            if a is _MISSING or b is _MISSING or {self.ref_path(scope_path, earlier), later_path} & self.invalid:
                continue  # one error per value: an earlier rule already reported it
            first, second = _moment(earlier.target, a), _moment(later.target, b)
            if isinstance(first, dt.datetime) != isinstance(second, dt.datetime):
                first, second = _day(first), _day(second)
            if second < first or (second == first and not rule.allow_equal):
                relation = "không được trước" if rule.allow_equal else "phải sau"
                self.error(
                    later_path,
                    sentence(later.qualified_label, f"{relation} {earlier.qualified_label}"),
                )

    def sum_equals(self, data: dict[str, Any], rule: SumEquals) -> None:
        total, column = self.schema.resolve(rule.total), self.schema.resolve(rule.column)
        if total is None or column is None or column.column is None:
            raise ValueError(f"sum rule {rule.total} = Σ {rule.column} refers to unknown fields")
        declared = self.lookup(data, total)
        section, key = column.section, column.field.key
        table_path = self.path(section, key)
        if declared is _MISSING or any(p == table_path or p.startswith(table_path + "[") for p in self.invalid):
            return  # no sum over a table with a broken row or too many rows
        rows = data.get(section, {}).get(key, [])
        computed = sum(row.get(column.column.key, 0) for row in rows)
        if computed != declared:
            self.error(
                self.path(total.section, total.field.key),
                sentence(
                    f"{total.target.label} ({_format_number(declared)})",
                    f"phải bằng tổng {column.qualified_label}: {_format_number(computed)}",
                ),
            )


def _moment(f: FormField, value: str) -> dt.date | dt.datetime:
    return parse_vn_date(value) if f.type == "date" else parse_vn_datetime(value)


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def validate_eform(
    schema: EFormSchema,
    data: Any,
    *,
    prefix: str = "DuLieuBieuMau",
    today: dt.date | None = None,
) -> EFormResult:
    """Check ``data`` against ``schema``: every error at once, with the normalised data.

    ``today`` (Asia/Ho_Chi_Minh by default) bounds ``date_limit`` fields and the birth year of
    personal numbers. Cross-field rules are checked on the values that passed their own checks.
    """
    validator = _Validator(schema, prefix, today or today_vn())
    normalised = validator.form(data)
    validator.rules(normalised)
    return EFormResult(data=normalised, errors=validator.errors)
