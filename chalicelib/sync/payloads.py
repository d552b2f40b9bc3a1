"""The records of DVCQG's synchronisation protocol (SPEC §7.2), built from hoso's dossier and
audit trail. Pure: no AWS, no clock — the caller passes what needs the outside world (the unit's
name, the procedure from the catalogue, the download link of a document).

Conventions
-----------
* Every field of the protocol is present and every value is a string; a value hoso does not
  have is ``""`` (the protocol's "not given"); lists are ``[]`` when empty.
* Dates are ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh, whatever zone the datetime carries.
* ``TrangThaiHoSo`` / ``TrangThai``: the DVCQG status "1".."10" (SPEC §3.2).
* ``SoBienNhan``: the receipt's number once the dossier is received (deployed one-stop systems
  send it; DVCQG shows it to the citizen).
* ``HinhThuc`` (how the result is returned): "1" by post, "0" otherwise (at the desk, or
  electronically — the protocol has no code for it; ``ThongTinTra`` says which).
* ``DanhSachHoSoBoSung[].TrangThaiBoSung``: "0" waiting for the applicant, "1" the supplement
  was received; ``DanhSachGiayToBoSung`` / ``DanhSachLePhiBoSung``: the files and fees of the
  citizen's supplement as it arrived from DVCQG (``SupplementRound.submitted_*``).
* A progress record is a pure function of its audit event, so a record sent again is
  byte-for-byte the same and the destination recognises it as a redelivery.
* ``NgayKetThucTheoQuyDinh`` is the step's deadline, else the dossier's appointment date
  current at that step; a deadline already past when the step started (an overdue dossier)
  is not a step deadline and is left empty — the protocol forbids a deadline before the start.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalogue import Procedure
from chalicelib.domain.dossier import AuditEvent, DocumentRef, Dossier, Fee
from chalicelib.domain.roles import ROLE_LABELS, Role

DATE_FORMAT: Final = "%Y%m%d%H%M%S"
MAX_SUMMARY: Final = 1000
SYSTEM_ACTOR: Final = "Hệ thống hoso"

SYNC_DOSSIER: Final = "DongBoHoSoMC"
UPDATE_PROGRESS: Final = "CapNhatTienDoHoSoMC"
LOOK_UP: Final = "TraCuuHoSo"

_DELIVERY_PHRASES: Final = {
    "0": "tại Bộ phận Một cửa",
    "1": "qua dịch vụ bưu chính công ích",
    "2": "bằng hình thức điện tử",
}

Link = Callable[[DocumentRef], str]


def vn_time(moment: datetime | None) -> str:
    """``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh; ``""`` for no date. Naive datetimes are refused."""
    if moment is None:
        return ""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: every datetime must carry its time zone")
    return moment.astimezone(VN_TZ).strftime(DATE_FORMAT)


def role_title(role: str) -> str:
    """``ChucDanh``: the label of hoso's role; ``""`` for an actor outside the role catalogue."""
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return ""


def _result_info(dossier: Dossier) -> str:
    phrase = _DELIVERY_PHRASES.get(dossier.result_delivery, _DELIVERY_PHRASES["0"])
    if dossier.status == 10:
        return f"Đã trả kết quả {phrase}"
    if dossier.status == 9:
        return f"Kết quả đã có, trả {phrase}"
    return ""


def _file(d: DocumentRef, link: Link) -> dict[str, str]:
    return {
        "TepDinhKemId": d.id,
        "TenTepDinhKem": d.name,
        "IsDeleted": "True" if d.deleted else "False",
        "MaThanhPhanHoSo": d.component_code,
        "DuongDanTaiTepTin": "" if d.deleted else link(d),
    }


def _submitted(dossier: Dossier, link: Link) -> list[dict[str, str]]:
    # officers' internal working papers stay with hoso
    return [_file(d, link) for d in dossier.documents if d.kind == "submitted"]


def _results(dossier: Dossier, link: Link) -> list[dict[str, str]]:
    return [
        {
            "TenGiayTo": d.name,
            "MaThanhPhanHoSo": d.component_code,
            "GiayToId": d.id,
            "DuongDanTepTinKetQua": link(d),
        }
        for d in dossier.documents
        if d.kind == "result" and not d.deleted
    ]


def _receipt(fee: Fee) -> dict[str, str]:
    """The fee's e-receipt (SPEC §7.8), when one is issued: number, template + series, date, lookup code."""
    r = fee.receipt
    if r is None:
        return {}
    return {"SoBienLai": r.number, "KyHieuBienLai": f"{r.template}{r.series}", "NgayBienLai": vn_time(r.issued_at),
            "MaTraCuuBienLai": r.lookup_code}


def _fees(fees: list[Fee]) -> list[dict[str, str]]:
    return [
        {
            "TenPhiLePhi": f.name,
            "MaPhiLePhi": f.code,
            "HinhThucThu": f.collection,
            "Gia": str(f.amount),
            "LoaiPhiLePhi": f.kind,
            **_receipt(f),
        }
        for f in fees
    ]


def _supplements(dossier: Dossier, link: Link) -> list[dict[str, Any]]:
    files = {d.id: d for d in dossier.documents}
    return [
        {
            "HoSoBoSungId": s.id,
            "NguoiYeuCauBoSung": s.requested_by,
            "NoiDungBoSung": s.content,
            "NgayBoSung": vn_time(s.requested_at),
            "NguoiTiepNhanBoSung": s.received_by or "",
            "ThongTinTiepNhan": "Đã tiếp nhận hồ sơ bổ sung" if s.received_at else "",
            "NgayTiepNhanBoSung": vn_time(s.received_at),
            "TrangThaiBoSung": "1" if s.received_at else "0",
            "DanhSachGiayToBoSung": [_file(files[i], link) for i in s.submitted_documents if i in files],
            "DanhSachLePhiBoSung": _fees(s.submitted_fees),
            "NgayHenTraTruoc": vn_time(s.due_before),
            "NgayHenTraMoi": vn_time(s.due_after),
        }
        for s in dossier.supplements
    ]


def receipt_number(dossier: Dossier) -> str:
    """``SoBienNhan``: the number of the receipt (Giấy tiếp nhận hồ sơ và hẹn trả kết quả), which
    is the dossier's code (chalicelib/documents/forms.py); ``""`` before the dossier is received."""
    return dossier.code if dossier.received_at else ""


def dossier_record(
    dossier: Dossier,
    *,
    unit_name: str,
    link: Link,
    procedure: Procedure | None = None,
    last_event: AuditEvent | None = None,
) -> dict[str, Any]:
    """The ``DongBoHoSoMC`` record of ``dossier`` as it stands. ``procedure`` fills the procedure
    and field names the dossier lacks; ``last_event`` (the event that put the dossier in its
    current status) gives ``GhiChu`` — the reason or content that status carries."""
    applicant = dossier.applicant
    note = last_event.note if last_event is not None and last_event.seq == dossier.seq else ""
    return {
        "MaHoSo": dossier.code,
        "SoBienNhan": receipt_number(dossier),
        "MaTTHC": dossier.procedure_code,
        "TenTTHC": dossier.procedure_name or (procedure.name if procedure else ""),
        "MaLinhVuc": dossier.field_code or (procedure.field_code if procedure else ""),
        "TenLinhVuc": dossier.field_name or (procedure.field_name if procedure else ""),
        "KenhThucHien": dossier.channel.dvcqg_code,
        "ChuHoSo": applicant.name,
        "LoaiDoiTuong": applicant.kind,
        "MaDoiTuong": applicant.dvcqg_tech_id or "",
        "SoGiayToChuHoSo": applicant.id_number,
        "Email": applicant.email or "",
        "SoDienThoai": applicant.phone or "",
        "TrichYeuHoSo": dossier.summary[:MAX_SUMMARY],
        "NgayNopHoSo": vn_time(dossier.submitted_at),
        "NgayTiepNhan": vn_time(dossier.received_at),
        "NgayHenTra": vn_time(dossier.due_at),
        "TrangThaiHoSo": str(dossier.status),
        "NgayTra": vn_time(dossier.delivered_at),
        "ThongTinTra": _result_info(dossier),
        "HinhThuc": "1" if dossier.result_delivery == "1" else "0",
        "NgayKetThucXuLy": vn_time(dossier.finished_at),
        "DonViXuLy": unit_name or dossier.unit_code,
        "GhiChu": note,
        "TaiLieuNop": _submitted(dossier, link),
        "DanhSachLePhi": _fees(dossier.fees),
        "DanhSachHoSoBoSung": _supplements(dossier, link),
        "DanhSachGiayToKetQua": _results(dossier, link),
    }


def _step_deadline(event: AuditEvent) -> str:
    deadline = event.step_due_at or event.due_at
    if deadline is None or deadline < event.at:
        return ""
    return vn_time(deadline)


def progress_record(code: str, event: AuditEvent) -> dict[str, str]:
    """The ``CapNhatTienDoHoSoMC`` record of one processing step (one audit event)."""
    content = f"{event.label}: {event.note}" if event.note.strip() else event.label
    return {
        "MaHoSo": code,
        "NguoiXuLy": event.actor.name.strip() or SYSTEM_ACTOR,
        "ChucDanh": role_title(event.actor.role),
        "ThoiDiemXuLy": vn_time(event.at),
        "PhongBanXuLy": event.department,
        "NoiDungXuLy": content,
        "TrangThai": str(event.to_status),
        "NgayBatDau": vn_time(event.at),
        "NgayKetThucTheoQuyDinh": _step_deadline(event),
    }


def dossier_call(record: dict[str, Any], *, is_updating: bool) -> dict[str, Any]:
    """The ``DongBoHoSoMC`` call (without ``session`` and ``madonvi``, which the client adds)."""
    return dossier_call_many([record], is_updating=is_updating)


def dossier_call_many(records: list[dict[str, Any]], *, is_updating: bool) -> dict[str, Any]:
    """One ``DongBoHoSoMC`` call for several dossiers (the protocol's ``data`` array)."""
    return {"service": SYNC_DOSSIER, "isUpdating": "True" if is_updating else "False", "data": records}


def progress_call(records: list[dict[str, str]]) -> dict[str, Any]:
    """The ``CapNhatTienDoHoSoMC`` call (without ``session`` and ``madonvi``)."""
    return {"service": UPDATE_PROGRESS, "data": records}
