"""Intake's checks and entry points (SPEC §7.1): a dossier posted by DVCQG, or entered at the desk,
checked field by field — every error at once — and turned into one typed
:class:`~chalicelib.domain.intake_result.IntakeDossier`.

* :func:`parse_dvcqg_dossier` / :func:`parse_desk_dossier` return an ``IntakeDossier`` or raise
  :class:`~chalicelib.errors.HosoError` naming every bad field (``TaiLieuNop[1].NoiDungBase64``,
  ``DuLieuBieuMau.me.ngay_sinh``) in Vietnamese. Beyond each field's own checks
  (``chalicelib.domain.body_fields``) they check what spans fields: the applicant's identifier
  against its kind, the procedure and the receiving unit (through the lookups the caller gives),
  the eForm data against the procedure's eForm, the submission time, the files.
* :func:`canonical_body_hash` is the idempotency fingerprint of a body.

Error codes (all with ``errors: [{field, message}]``):

* ``INVALID_DATA`` 422 — anything wrong with the data;
* ``UNKNOWN_PROCEDURE`` 422 / ``UNKNOWN_UNIT`` 422 — when the *only* problems are that the
  procedure (``MaTTHC``) or the receiving unit (``MaDonViTiepNhan``) is well formed but not
  known here (the procedure wins when both are unknown; any other error makes it
  ``INVALID_DATA`` with these two listed among the others);
* ``PAYLOAD_TOO_LARGE`` 413 — a ``NoiDungBase64`` file decodes to more than
  :data:`~chalicelib.domain.body_fields.MAX_FILE_BYTES` (the other errors are listed too).

A procedure without an eForm accepts any JSON object of at most :data:`MAX_FREEFORM_FORM_BYTES`
(strings normalised and checked for control characters).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel

from chalicelib.domain.body_errors import Problem, pydantic_problems
from chalicelib.domain.body_fields import MAX_FILE_BYTES, MAX_JSON_DEPTH, body_error, check_body, nested_deeper_than
from chalicelib.domain.eform import validate_eform
from chalicelib.domain.identifiers import (
    VN_TZ,
    check_personal_number,
    check_tax_code,
    clean_text,
    control_characters,
    is_unit_code,
    nfc,
    parse_dvcqg_datetime,
    sentence,
)
from chalicelib.domain.intake import (
    APPLICANT_KINDS,
    DVCQG_CHANNELS,
    TITLES,
    DeskDossierIn,
    DossierCore,
    DvcqgDossierIn,
)
from chalicelib.domain.intake_result import (
    Attachment,
    FeeLine,
    IntakeDossier,
    ProcedureIntake,
    ProcedureLookup,
    ReceivedComponentIn,
    UnitLookup,
)
from chalicelib.errors import FieldError, HosoError

MAX_FREEFORM_FORM_BYTES = 256 * 1024
SUBMISSION_CLOCK_SKEW = dt.timedelta(minutes=5)  # NgayNopHoSo may be this far ahead of our clock

_BUDGET_CODE = re.compile(r"[0-9]{7}")  # mã đơn vị có quan hệ với ngân sách
_ORGANISATION_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z./-]{2,49}")
_TAX_SHAPED = re.compile(r"[0-9]{10}(?:-[0-9]{3})?|[0-9]{12}")


# -- cross-field checks -----------------------------------------------------------------------------


def _holder_id_problem(kind: str, value: str, today: dt.date) -> str | None:
    """Why ``value`` cannot identify an applicant of LoaiDoiTuong ``kind`` (a fragment), or None."""
    if kind == "1":
        check = check_personal_number(value, today=today)
        return "; ".join(check.problems) + " (công dân dùng số định danh cá nhân)" if check.problems else None
    if kind == "2" or _TAX_SHAPED.fullmatch(value):
        tax = check_tax_code(value, today=today)
        return "; ".join(tax.errors) if tax.errors else None
    if is_unit_code(value) or (kind == "3" and _BUDGET_CODE.fullmatch(value)):
        return None
    if kind == "4" and _ORGANISATION_ID.fullmatch(value):
        return None
    if kind == "3":
        return "phải là mã số thuế, mã định danh đơn vị (QCVN 102) hoặc mã đơn vị quan hệ ngân sách 7 chữ số"
    return "phải là mã số thuế hoặc mã số của tổ chức (3–50 chữ cái không dấu, chữ số, “.”, “/”, “-”)"


def _nfc_deep(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, Mapping):
        return {nfc(str(k)): _nfc_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nfc_deep(v) for v in value]
    return value


class _Intake:
    def __init__(
        self,
        raw: Mapping[str, Any],
        model: type[BaseModel],
        procedure_lookup: ProcedureLookup,
        unit_lookup: UnitLookup,
        now: dt.datetime,
    ) -> None:
        self.raw = raw
        self.now = now
        self.today = now.astimezone(VN_TZ).date()
        self.body, self.problems = pydantic_problems(model, raw, TITLES)
        self.failed = {p.loc[0] for p in self.problems if p.loc}
        self.procedure: ProcedureIntake | None = None
        self.form_data: dict[str, Any] = {}
        self.procedure_lookup = procedure_lookup
        self.unit_lookup = unit_lookup

    def ok(self, name: str) -> bool:
        return name not in self.failed

    def text(self, name: str) -> str:
        return clean_text(str(self.raw[name]))

    def add(self, field: str, message: str, **kw: Any) -> None:
        self.problems.append(Problem(FieldError(field, message), **kw))

    def check_core(self) -> None:
        if self.ok("LoaiDoiTuong") and self.ok("SoGiayToChuHoSo"):
            kind = self.text("LoaiDoiTuong")
            problem = _holder_id_problem(kind, self.text("SoGiayToChuHoSo"), self.today)
            if problem:
                self.add("SoGiayToChuHoSo", sentence(TITLES["SoGiayToChuHoSo"], problem))
        if self.ok("MaTTHC"):
            self.check_procedure(self.text("MaTTHC"))
        if self.ok("MaDonViTiepNhan"):
            code = self.text("MaDonViTiepNhan")
            if not self.unit_lookup(code):
                self.add(
                    "MaDonViTiepNhan",
                    f"Đơn vị tiếp nhận {code} không có trong danh mục đơn vị của hệ thống.",
                    unknown="unit",
                )

    def check_procedure(self, code: str) -> None:
        self.procedure = self.procedure_lookup(code)
        if self.procedure is None:
            self.add(
                "MaTTHC",
                f"Thủ tục hành chính {code} không có trong danh mục thủ tục của hệ thống.",
                unknown="procedure",
            )
            return
        if self.ok("LoaiDoiTuong"):
            kind = self.text("LoaiDoiTuong")
            if kind not in self.procedure.applicant_types:
                self.add(
                    "LoaiDoiTuong", f"Thủ tục {code} không áp dụng cho loại đối tượng {kind} ({APPLICANT_KINDS[kind]})."
                )
        if not self.ok("DuLieuBieuMau"):
            return
        data = self.raw["DuLieuBieuMau"]
        if self.procedure.eform is not None:
            result = validate_eform(self.procedure.eform, data, prefix="DuLieuBieuMau", today=self.today)
            self.problems.extend(Problem(e) for e in result.errors)
            self.form_data = result.data
        else:
            self.form_data = self.freeform(data)

    def freeform(self, data: dict[str, Any]) -> dict[str, Any]:
        size = len(json.dumps(data, ensure_ascii=False).encode())
        if size > MAX_FREEFORM_FORM_BYTES:
            self.add(
                "DuLieuBieuMau",
                sentence(TITLES["DuLieuBieuMau"], f"không được vượt quá {MAX_FREEFORM_FORM_BYTES // 1024} KiB"),
            )
            return {}
        normalised: dict[str, Any] = _nfc_deep(data)
        for path, text in _strings(normalised, "DuLieuBieuMau"):
            if control_characters(text, multiline=True):
                self.add(path, "Giá trị chứa ký tự điều khiển không hợp lệ.")
        return normalised

    def check_dvcqg(self) -> None:
        if self.ok("NgayNopHoSo"):
            submitted = parse_dvcqg_datetime(self.text("NgayNopHoSo"))
            if submitted > self.now + SUBMISSION_CLOCK_SKEW:
                self.add("NgayNopHoSo", sentence(TITLES["NgayNopHoSo"], "không được ở thời điểm tương lai"))
        files = self.raw.get("TaiLieuNop")
        if not isinstance(files, list):
            return
        seen: dict[str, int] = {}
        for index, item in enumerate(files):
            if not isinstance(item, Mapping):
                continue
            given = [k for k in ("DuongDanTaiTepTin", "NoiDungBase64") if not _blank(item.get(k))]
            if len(given) != 1:
                self.add(
                    f"TaiLieuNop[{index}]",
                    f"Tài liệu nộp thứ {index + 1} phải có đúng một trong hai trường "
                    "DuongDanTaiTepTin (đường dẫn tải tệp) hoặc NoiDungBase64 (nội dung tệp).",
                )
            file_id = item.get("TepDinhKemId")
            if isinstance(file_id, str) and file_id.strip():
                key = clean_text(file_id)
                if key in seen:
                    self.add(
                        f"TaiLieuNop[{index}].TepDinhKemId",
                        f"Mã tệp đính kèm {key} trùng với tài liệu nộp thứ {seen[key] + 1}.",
                    )
                seen.setdefault(key, index)

    def raise_if_invalid(self) -> None:
        if not self.problems:
            return
        errors = [p.error for p in self.problems]
        if any(p.too_large for p in self.problems):
            raise HosoError(
                "PAYLOAD_TOO_LARGE",
                f"Tệp đính kèm vượt quá dung lượng cho phép ({MAX_FILE_BYTES // (1024 * 1024)} MiB mỗi tệp).",
                413,
                errors=errors,
            )
        unknown = {p.unknown for p in self.problems}
        if None not in unknown and "procedure" in unknown:
            raise HosoError(
                "UNKNOWN_PROCEDURE", "Thủ tục hành chính không có trong danh mục của hệ thống.", 422, errors=errors
            )
        if None not in unknown:
            raise HosoError(
                "UNKNOWN_UNIT", "Đơn vị tiếp nhận không có trong danh mục của hệ thống.", 422, errors=errors
            )
        raise HosoError("INVALID_DATA", "Dữ liệu hồ sơ không hợp lệ.", 422, errors=errors)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _strings(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in _strings(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [item for i, v in enumerate(value) for item in _strings(v, f"{path}[{i}]")]
    return []


def _now(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(VN_TZ)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now


def _dossier(
    body: DossierCore,
    intake: _Intake,
    *,
    dvcqg_ref: str | None,
    channel: Literal["online", "desk", "post", "authorised", "mobile"],
    dvcqg_channel: Literal["1", "2", "3"],
    submitted_at: dt.datetime,
    attachments: tuple[Attachment, ...] = (),
    fees: tuple[FeeLine, ...] = (),
) -> IntakeDossier:
    eform = intake.procedure.eform if intake.procedure else None
    return IntakeDossier(
        dvcqg_ref=dvcqg_ref,
        procedure_code=body.MaTTHC,
        unit_code=body.MaDonViTiepNhan,
        applicant_name=body.ChuHoSo,
        applicant_kind=body.LoaiDoiTuong,
        applicant_id=body.SoGiayToChuHoSo,
        dvcqg_tech_id=body.MaDoiTuong,
        email=body.Email,
        phone=body.SoDienThoai,
        address=body.DiaChi,
        summary=body.TrichYeuHoSo,
        channel=channel,
        dvcqg_channel=dvcqg_channel,
        result_delivery=body.HinhThucNhanKetQua or "0",
        submitted_at=submitted_at,
        eform_code=eform.code if eform else None,
        eform_version=eform.version if eform else None,
        form_data=intake.form_data,
        attachments=attachments,
        fees=fees,
    )


# -- entry points ----------------------------------------------------------------------------------


def parse_dvcqg_dossier(
    raw: Any,
    *,
    procedure_lookup: ProcedureLookup,
    unit_lookup: UnitLookup,
    now: dt.datetime | None = None,
) -> IntakeDossier:
    """Check a DVCQG body (SPEC §7.1) and return it as an :class:`IntakeDossier`.

    ``procedure_lookup(MaTTHC)`` gives the procedure's intake facts or None when hoso does not
    handle it; ``unit_lookup(MaDonViTiepNhan)`` tells whether the unit exists. Raises
    :class:`HosoError` (see the module docstring for codes) naming every bad field.
    """
    raw = check_body(raw)
    intake = _Intake(raw, DvcqgDossierIn, procedure_lookup, unit_lookup, _now(now))
    intake.check_core()
    intake.check_dvcqg()
    intake.raise_if_invalid()
    body = intake.body
    assert isinstance(body, DvcqgDossierIn)
    code = body.KenhThucHien or "2"
    return _dossier(
        body,
        intake,
        dvcqg_ref=body.MaHoSoDVCQG,
        channel=DVCQG_CHANNELS[code],  # type: ignore[arg-type]
        dvcqg_channel=code,
        submitted_at=parse_dvcqg_datetime(body.NgayNopHoSo),
        attachments=tuple(
            Attachment(
                id=f.TepDinhKemId,
                name=f.TenTepDinhKem,
                component_code=f.MaThanhPhanHoSo,
                url=f.DuongDanTaiTepTin,
                content=base64.b64decode(f.NoiDungBase64) if f.NoiDungBase64 else None,
            )
            for f in body.TaiLieuNop
        ),
        fees=tuple(
            FeeLine(code=f.MaPhiLePhi, name=f.TenPhiLePhi, amount=f.Gia, kind=f.LoaiPhiLePhi, collection=f.HinhThucThu)
            for f in body.DanhSachLePhi
        ),
    )


def parse_desk_dossier(
    raw: Any,
    *,
    procedure_lookup: ProcedureLookup,
    unit_lookup: UnitLookup,
    now: dt.datetime | None = None,
) -> IntakeDossier:
    """Check what a one-stop officer entered (:class:`DeskDossierIn`) with the same rules as
    DVCQG's body; the dossier is submitted ``now``. Files are uploaded separately."""
    raw = check_body(raw)
    moment = _now(now)
    intake = _Intake(raw, DeskDossierIn, procedure_lookup, unit_lookup, moment)
    intake.check_core()
    intake.raise_if_invalid()
    body = intake.body
    assert isinstance(body, DeskDossierIn)
    return _dossier(
        body,
        intake,
        dvcqg_ref=None,
        channel=body.KenhThucHien,
        dvcqg_channel="3" if body.KenhThucHien == "post" else "1",
        submitted_at=moment.astimezone(VN_TZ),
    ).model_copy(update={"components": tuple(
        ReceivedComponentIn(code=c.MaThanhPhanHoSo, copy_kind=c.LoaiBan, upload_ids=tuple(c.MaTepTaiLen),
                            edata_ids=tuple(c.MaGiayToKho))
        for c in body.ThanhPhanHoSo)})


def canonical_body_hash(body: bytes | str | Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of a body: keys sorted, strings (and keys) in NFC,
    no insignificant whitespace. Same ``MaHoSoDVCQG`` + same hash → the same answer again;
    same ``MaHoSoDVCQG`` + another hash → 409. Raises ``ValueError`` on bytes that are not JSON
    and the 422 :class:`HosoError` of intake on a body nested deeper than :data:`MAX_JSON_DEPTH`.
    """
    value = json.loads(body) if isinstance(body, bytes | str) else body
    if nested_deeper_than(value, MAX_JSON_DEPTH):
        raise body_error(f"Nội dung yêu cầu lồng nhau quá {MAX_JSON_DEPTH} cấp.")
    canonical = json.dumps(_nfc_deep(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
