"""DVCQG's later messages (SPEC §7.1) and the desk's answer to a withdrawal request.

Each message is signed like the first post and idempotent by DVCQG's ``MaYeuCau``: its record
(``DVCQGMSG#<MaYeuCau>``: the body's hash, the dossier, the answer) is written in the dossier's
own transaction, with the change, its audit event and its outbox record — a message is either
wholly recorded or not at all; the same message again gets the same answer (200), another body
under the same ``MaYeuCau`` a 409. The dossier is found by DVCQG's own reference; a message naming
hoso's code (``MaHoSo``) must name that dossier.

A pending withdrawal request is listed for its unit's desk through ``WITHDRAWALS#<unit>`` items
(one per dossier, written with the request and deleted with the desk's decision).
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.transactions import TransactWrite

from chalicelib import outbound
from chalicelib.domain import engine
from chalicelib.domain import later_messages as rules
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalogue import OfficerProfile
from chalicelib.domain.dossier import Actor, AuditEvent, DocumentRef, Dossier
from chalicelib.domain.eform import validate_eform
from chalicelib.domain.identifiers import parse_dvcqg_datetime
from chalicelib.domain.intake_parse import canonical_body_hash
from chalicelib.domain.intake_result import Attachment
from chalicelib.domain.process import ActionKind
from chalicelib.domain.roles import Role
from chalicelib.errors import FieldError, HosoError, conflict, invalid, not_found
from chalicelib.observability import logger
from chalicelib.payments import service as payments
from chalicelib.services import dossiers as dossier_service
from chalicelib.services import intake, variants
from chalicelib.settings import get_settings
from chalicelib.store import catalogue
from chalicelib.store import dossiers as repo
from chalicelib.store.models import DossiersTable, DvcqgRefItem

WRITE_ATTEMPTS = 3
ACCEPTED = "Đã nhận thông điệp."


class WithdrawalIndexItem(DossiersTable):
    """``WITHDRAWALS#<unit>`` / ``<code>``: a dossier of the unit with a pending withdrawal request."""

    requested_at = UnicodeAttribute()


def _index_item(dossier: Dossier, requested_at: dt.datetime | None = None) -> WithdrawalIndexItem:
    return WithdrawalIndexItem(pk=f"WITHDRAWALS#{dossier.unit_code}", sk=dossier.code,
                               requested_at=(requested_at or dossier.updated_at).isoformat())


def _message_key(message_id: str) -> str:
    return f"DVCQGMSG#{message_id}"


def _find_message(message_id: str) -> DvcqgRefItem | None:
    try:
        return DvcqgRefItem.get(_message_key(message_id), "REF", consistent_read=True)
    except DvcqgRefItem.DoesNotExist:
        return None


def _replay(item: DvcqgRefItem, body_hash: str) -> tuple[int, dict[str, Any]]:
    if item.body_hash != body_hash:
        raise conflict("Mã yêu cầu (MaYeuCau) đã được dùng cho một thông điệp khác.", "DUPLICATE_MESSAGE",
                       MaHoSo=item.code)
    return 200, dict(item.response)


def _actor(dossier: Dossier) -> Actor:
    return intake.DVCQG_ACTOR.model_copy(update={"unit_code": dossier.unit_code})


def _dossier_of(dvcqg_ref: str) -> Dossier:
    ref = repo.find_reference(dvcqg_ref)
    dossier = repo.get(ref.code) if ref is not None else None
    if dossier is None:
        raise not_found("Không tìm thấy hồ sơ có mã DVCQG này.")
    return dossier


Writes = Callable[[TransactWrite], None]
Change = tuple[Dossier, AuditEvent, Writes | None]


def _receive(kind: str, dvcqg_ref: str, raw: bytes, model: type[Any],
             change: Callable[[Dossier, Any], Change]) -> tuple[int, dict[str, Any]]:
    """Verify, replay or parse, apply ``change`` to the dossier and record the message — one
    transaction; a concurrent change of the dossier is read again and retried. The route wrapper has
    already checked the size and DVCQG's signature."""
    payload = intake.parse_json(raw)
    body_hash = canonical_body_hash({"kind": kind, "MaHoSoDVCQG": dvcqg_ref, "body": payload})
    message_id = payload.get("MaYeuCau") if isinstance(payload, dict) else None
    if isinstance(message_id, str) and (seen := _find_message(message_id)):
        return _replay(seen, body_hash)
    message = rules.parse(model, payload)
    for _ in range(WRITE_ATTEMPTS):
        dossier = _dossier_of(dvcqg_ref)
        rules.check_names(dossier, message)
        after, event, more = change(dossier, message)
        answer = {"error_code": 0, "message": ACCEPTED, "MaHoSo": dossier.code, "MaHoSoDVCQG": dvcqg_ref,
                  "MaYeuCau": message.MaYeuCau, "TrangThaiHoSo": str(after.status)}
        record = DvcqgRefItem(pk=_message_key(message.MaYeuCau), sk="REF", body_hash=body_hash, code=dossier.code,
                              response=answer)

        def writes(tx: TransactWrite, record: DvcqgRefItem = record,
                   more: Writes | None = more) -> None:
            tx.save(record, condition=DvcqgRefItem.pk.does_not_exist())
            if more is not None:
                more(tx)

        try:
            repo.transition(dossier, after, event, writes)
        except repo.VersionConflict:
            if seen := _find_message(message.MaYeuCau):  # a twin of this message won the race
                return _replay(seen, body_hash)
            continue
        logger.info("dvcqg message received", extra={"kind": kind, "code": dossier.code,
                                                     "message_id": message.MaYeuCau})
        return 201, answer
    raise conflict("Hồ sơ vừa được cập nhật, vui lòng gửi lại.", "VERSION_CONFLICT")


# -- supplement ---------------------------------------------------------------------------------------


def _attachments(message: rules.SupplementIn, dossier: Dossier) -> list[Attachment]:
    taken = {d.id for d in dossier.documents}
    ids = [f.TepDinhKemId for f in message.TaiLieuNop]
    problems = [FieldError(f"TaiLieuNop[{i}].TepDinhKemId", "Mã tệp đã có trong hồ sơ hoặc lặp lại trong thông điệp.")
                for i, file_id in enumerate(ids) if file_id in taken or file_id in ids[:i]]
    if problems:
        raise invalid(problems, "Dữ liệu thông điệp không hợp lệ.")
    return [Attachment(id=f.TepDinhKemId, name=f.TenTepDinhKem, component_code=f.MaThanhPhanHoSo,
                       url=f.DuongDanTaiTepTin,
                       content=base64.b64decode(f.NoiDungBase64) if f.NoiDungBase64 else None)
            for f in message.TaiLieuNop]


def _form_data(message: rules.SupplementIn, dossier: Dossier) -> dict[str, Any] | None:
    if message.DuLieuBieuMau is None:
        return None
    procedure = catalogue.get_procedure(dossier.procedure_code)
    schema = catalogue.get_eform(procedure.eform_code) if procedure and procedure.eform_code else None
    schema = variants.eform_of_dossier(dossier.procedure_code, dossier.process_code, dossier.process_version, schema)
    if schema is None:
        return message.DuLieuBieuMau
    result = validate_eform(schema, message.DuLieuBieuMau, prefix="DuLieuBieuMau")
    if result.errors:
        raise invalid(list(result.errors), "Dữ liệu thông điệp không hợp lệ.")
    return result.data


def receive_supplement(dvcqg_ref: str, raw: bytes) -> tuple[int, dict[str, Any]]:
    stored: list[DocumentRef] = []

    def change(dossier: Dossier, message: rules.SupplementIn) -> Change:
        rules.open_round(dossier)  # refused before any file is stored
        form = _form_data(message, dossier)
        attachments = _attachments(message, dossier)
        intake.discard(stored)  # an earlier attempt's files (the dossier changed meanwhile)
        stored[:] = intake.store_files(attachments)
        update = rules.supplement_update(dossier, docs=stored, fees=rules.fee_lines(message.DanhSachLePhi),
                                         note=message.GhiChu or "", form_data=form,
                                         at=dossier_service.now())
        after, event = dossier_service.recorded(
            dossier, actor=_actor(dossier), action="dvcqg_supplement",
            label="Công dân nộp hồ sơ bổ sung trên Cổng DVCQG", note=message.GhiChu or "", update=update)
        event = event.model_copy(update={"attachments": [d.id for d in stored]})
        return after, event, None

    try:
        status, body = _receive("supplement", dvcqg_ref, raw, rules.SupplementIn, change)
    except Exception:
        intake.discard(stored)  # nothing was recorded: leave no file behind
        raise
    if status != 201:
        intake.discard(stored)
    return status, body


# -- withdrawal ---------------------------------------------------------------------------------------


def receive_withdrawal(dvcqg_ref: str, raw: bytes) -> tuple[int, dict[str, Any]]:
    def change(dossier: Dossier, message: rules.WithdrawalIn) -> Change:
        now = dossier_service.now()
        requests = rules.request_withdrawal(dossier, message, parse_dvcqg_datetime(message.NgayYeuCau), now)
        after, event = dossier_service.recorded(
            dossier, actor=_actor(dossier), action="dvcqg_withdrawal_request",
            label="Công dân yêu cầu rút hồ sơ trên Cổng DVCQG (chờ xác nhận)", note=message.LyDo,
            update={"withdrawal_requests": requests})
        index = _index_item(dossier, now)
        return after, event, lambda tx: tx.save(index)

    return _receive("withdrawal", dvcqg_ref, raw, rules.WithdrawalIn, change)


def decide_withdrawal(code: str, officer: OfficerProfile, *, confirm: bool, reason: str) -> Dossier:
    """The desk confirms (the process's withdrawal action: status 7) or refuses, with a reason, the
    citizen's pending request — the decision, its audit event (synced to DVCQG) and the list's
    entry removed in one transaction."""
    dossier = dossier_service.visible_dossier(code, officer)
    roles = officer.roles_in(dossier.unit_code)
    if Role.DESK not in roles:
        raise HosoError("FORBIDDEN_ROLE", "Chỉ cán bộ một cửa xác nhận yêu cầu rút hồ sơ.", 403)
    now = dossier_service.now()
    requests = rules.decide_withdrawal(dossier, confirm=confirm, officer_name=officer.name, reason=reason, at=now)
    pending = rules.pending_withdrawal(dossier)
    assert pending is not None  # decide_withdrawal refused otherwise
    actor = dossier_service.actor_for(officer, dossier.unit_code, Role.DESK.value)
    if confirm:
        process = dossier_service.process_of(dossier)
        action = next((a for a in process.step(dossier.step_id).actions if a.kind is ActionKind.WITHDRAW), None)
        if action is None:
            raise HosoError("ACTION_NOT_ALLOWED", "Bước hiện tại của hồ sơ không có thao tác rút hồ sơ.", 409)
        after, event = engine.apply(
            dossier, process, engine.ActionRequest(action_id=action.id, reason=f"Theo yêu cầu trên Cổng DVCQG: "
                                                                               f"{pending.reason}"),
            actor=actor, roles=roles, timing=dossier_service.timing_for(dossier.procedure_code, dossier.unit_code, now),
            chart=dossier_service.chart_of(process))
        after = after.model_copy(update={"withdrawal_requests": requests})
    else:
        after, event = dossier_service.recorded(
            dossier, actor=actor, action="withdrawal_refused", label="Từ chối yêu cầu rút hồ sơ",
            note=reason.strip(), update={"withdrawal_requests": requests})
    index = _index_item(dossier)
    try:
        return repo.transition(dossier, after, event, lambda tx: tx.delete(index))
    except repo.VersionConflict:
        raise conflict("Hồ sơ vừa được cập nhật, vui lòng tải lại và thử lại.", "VERSION_CONFLICT") from None


def pending_withdrawals(unit_code: str, officer: OfficerProfile, limit: int = 50) -> list[Dossier]:
    """The unit's open dossiers with a withdrawal request waiting for the desk, oldest request first
    (a dossier finished meanwhile — stopped, or withdrawn at the desk — needs no answer)."""
    dossier_service.require_unit(officer, unit_code)
    items = sorted(WithdrawalIndexItem.query(f"WITHDRAWALS#{unit_code}", limit=limit), key=lambda i: i.requested_at)
    found = (repo.get(i.sk, consistent=False) for i in items)
    return [d for d in found if d is not None and d.finished_at is None and rules.pending_withdrawal(d) is not None]


def supplemented_online(unit_code: str, officer: OfficerProfile, limit: int = 100) -> list[Dossier]:
    """The unit's dossiers supplemented on DVCQG, waiting for the desk to receive the supplement."""
    dossier_service.require_unit(officer, unit_code)
    return [d for d in repo.worklist(unit_code, 5, limit=limit).items if rules.awaiting_desk(d)]


# -- fee paid on DVCQG ----------------------------------------------------------------------------------


def _platform_confirms(message: rules.DvcqgPaymentIn) -> None:
    """The payment platform knows the transaction as paid, with this id and amount; else 409/502."""
    url = f"{get_settings().payment_base_url.rstrip('/')}/v1/payments/{message.MaThamChieu}"
    try:
        answer = outbound.call("GET", url)
        remote = answer.json() if answer.status in (200, 404) else None
    except outbound.GatewayError:
        remote = None
    if not isinstance(remote, dict):
        raise HosoError("PAYMENT_PLATFORM_UNAVAILABLE",
                        "Chưa đối chiếu được giao dịch với Cổng thanh toán; vui lòng gửi lại sau.", 502)
    if remote.get("TrangThai") != "paid" or remote.get("MaGiaoDich") != message.MaGiaoDich \
            or str(remote.get("SoTien")) != str(message.SoTien):
        raise HosoError("PAYMENT_NOT_CONFIRMED",
                        "Cổng thanh toán không xác nhận giao dịch này đã thanh toán với số tiền và mã giao dịch đã "
                        "gửi.", 409)


def receive_payment(dvcqg_ref: str, raw: bytes) -> tuple[int, dict[str, Any]]:
    confirmed: list[str] = []

    def change(dossier: Dossier, message: rules.DvcqgPaymentIn) -> Change:
        fees = rules.paid_fees(payments.dossier_fees(dossier), message)
        if not confirmed:  # checked with the platform once, before anything counts
            _platform_confirms(message)
            confirmed.append(message.MaThamChieu)
        paid_at = parse_dvcqg_datetime(message.ThoiGianThanhToan)
        codes = set(message.MaPhiLePhi)
        payment = payments.Payment(
            ref=message.MaThamChieu, code=dossier.code, amount=message.SoTien,
            fees=[f for f in fees if f.code in codes], status="paid", requested_at=paid_at, requested_by="dvcqg",
            applied=True, transaction_id=message.MaGiaoDich, result_code="00", paid_at=paid_at)
        after, event = payments.applied_to(dossier, fees,
                                           actor=Actor(sub="dvcqg", name="Cổng Dịch vụ công quốc gia", role="system",
                                                       unit_code=dossier.unit_code),
                                           note=f"Nộp trên Cổng DVCQG: mã giao dịch {message.MaGiaoDich}, mã tham "
                                                f"chiếu {message.MaThamChieu}, số tiền {message.SoTien} đồng, "
                                                f"thời gian {paid_at.astimezone(VN_TZ):%d/%m/%Y %H:%M}")
        return after, event, payments.recorder(payment)

    return _receive("payment", dvcqg_ref, raw, rules.DvcqgPaymentIn, change)
