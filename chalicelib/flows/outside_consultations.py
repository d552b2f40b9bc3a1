"""Consultation of an outside agency through the coordination system (xin ý kiến, FR-6, FR-15;
SPEC §7.7 in the style of the liên thông hand-over, :mod:`chalicelib.flows.coordinator`).

Out: the appraiser's ``consult`` action names an agency of :func:`agencies.consultable`; the
request is recorded on the dossier (``Consultation.via == "coordinator"``) in the action's own
transaction, whose outbox signal reaches the ``dossier_changes`` function (``hooks``), which hands
it over with service ``ChuyenHoSoLienThong`` in the §7.2 envelope (the coordinator's session,
endpoint and envelope) — only the question, the deadline and the documents the appraiser shared,
never the dossier record or the applicant::

    {"service": "ChuyenHoSoLienThong", "data": [{
        "LoaiChuyen": "XinYKien", "MaYeuCau": "<consultation id>", "MaHoSo": "<dossier code>",
        "DonViXinYKien": {"MaDonVi", "TenDonVi"}, "MaCoQuan": "bhxh", "TenCoQuan": "…",
        "NoiDung": "<question>", "HanTraLoi": "<ISO 8601>",
        "TaiLieu": [{"TenTep", "DuongDan", "MaHash", "LoaiTep"}],
        "DiaChiTraYKien": "<hoso>/v1/coordinator/consultations/opinions"}]}

then records "Chuyển yêu cầu xin ý kiến … qua Hệ thống điều phối" (``handed_over_at``; audited,
synced). Coordinator unreachable → ``AgencyUnavailable``: the signal comes back and the hand-over
is repeated (the coordinator keeps one request per ``MaYeuCau``); refused → ``HandoverRejected``.

In: :func:`receive` — ``POST /v1/coordinator/consultations/opinions`` by the coordinator's
integration client bound to the request when it was made (capability
``coordinator_opinions``): the opinion lands in the consultation exactly as a hoso unit's
(audit event ``consultation_opinion``, hash chain, synced), its files as documents of kind
``opinion``. Idempotent: the same opinion again → ``replayed``; another opinion → 409.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.auth.clients import ClientPrincipal
from chalicelib.domain import consultation as rules
from chalicelib.domain.dossier import Actor, Consultation, Dossier
from chalicelib.errors import FieldError, HosoError, conflict, invalid
from chalicelib.flows import coordinator
from chalicelib.flows import parent as parents
from chalicelib.observability import logger
from chalicelib.services import dossiers as service
from chalicelib.settings import get_settings
from chalicelib.store import catalogue
from chalicelib.store import dossiers as dossiers_store
from chalicelib.sync.links import document_link

OPINIONS_PATH: Final = "/v1/coordinator/consultations/opinions"
MAX_ATTEMPTS: Final = 3


def request_call(dossier: Dossier, c: Consultation) -> dict[str, Any]:
    """The ``ChuyenHoSoLienThong`` call of ``LoaiChuyen`` ``XinYKien`` (module doc)."""
    unit = catalogue.get_unit(dossier.unit_code)
    return {
        "service": coordinator.SERVICE,
        "data": [{
            "LoaiChuyen": "XinYKien",
            "MaYeuCau": c.id,
            "MaHoSo": dossier.code,
            "DonViXinYKien": {"MaDonVi": dossier.unit_code, "TenDonVi": unit.name if unit else dossier.unit_code},
            "MaCoQuan": c.unit_code,
            "TenCoQuan": c.unit_name,
            "NoiDung": c.content,
            "HanTraLoi": c.due_at.isoformat() if c.due_at else None,
            "TaiLieu": [{"TenTep": d.name, "DuongDan": document_link(d), "MaHash": d.sha256, "LoaiTep": d.content_type}
                        for d in rules.readable_by(dossier, c)],
            "DiaChiTraYKien": get_settings().public_base_url.rstrip("/") + OPINIONS_PATH,
        }],
    }  # fmt: skip


def hand_over(dossier: Dossier) -> int:
    """Hand every request to an outside agency not handed yet to the coordinator, each recorded on the
    dossier once sent. Called for every committed change (``hooks``); the number handed over."""
    sent = 0
    for c in rules.to_hand_over(dossier):
        coordinator.send(request_call(dossier, c))

        def mark(d: Dossier, cid: str = c.id) -> dict[str, Any]:
            return {"consultations": [x.model_copy(update={"handed_over_at": service.now()}) if x.id == cid else x
                                      for x in d.consultations]}  # fmt: skip

        service.record(dossier.code, actor=parents.system_actor(dossier.unit_code), action="consultation_handed_over",
                       label=f"Chuyển yêu cầu xin ý kiến {c.unit_name or c.unit_code} qua Hệ thống điều phối",
                       change=mark)  # fmt: skip
        logger.info("consultation handed to the coordinator", extra={"dossier": dossier.code, "agency": c.unit_code})
        sent += 1
        fresh = dossiers_store.get(dossier.code)
        dossier = fresh if fresh is not None else dossier
    return sent


# --- the opinion coming back ------------------------------------------------------------------------

OPINION_EXAMPLE: dict[str, Any] = {
    "MaHoSo": "000.00.13.H29-261207-0003", "MaYeuCau": "a1b2c3d4e5f6",
    "YKien": "Cơ quan Bảo hiểm xã hội thống nhất với đề xuất, không có ý kiến khác.",
    "NguoiKy": "Nguyễn Văn B, Phó Giám đốc",
    "DanhSachTepDinhKem": [{"TenTep": "cong-van-y-kien.pdf", "NoiDungBase64": "JVBERi0xLjQKJcfsj6IK…"}],
}


class OpinionFileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    TenTep: str = Field(min_length=1, max_length=255, description="Tên tệp")
    NoiDungBase64: str = Field(min_length=1, max_length=14_000_000, description="Nội dung tệp (base64)")


class CoordinatorOpinionIn(BaseModel):
    """Ý kiến của cơ quan ngoài hoso, do Hệ thống điều phối chuyển về (SPEC §7.7)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [OPINION_EXAMPLE]})

    MaHoSo: str = Field(min_length=1, max_length=60, description="Mã hồ sơ (MaHoSo của yêu cầu)")
    MaYeuCau: str = Field(min_length=1, max_length=32, description="Mã yêu cầu xin ý kiến (MaYeuCau của yêu cầu)")
    YKien: str = Field(min_length=1, max_length=4000, description="Nội dung ý kiến")
    NguoiKy: str = Field("", max_length=200, description="Người ký văn bản ý kiến tại cơ quan")
    DanhSachTepDinhKem: list[OpinionFileIn] = Field(default_factory=list, max_length=20,
                                                    description="Văn bản ý kiến đã ký, tệp kèm theo")


class CoordinatorOpinionOut(BaseModel):
    error_code: int = Field(0, description="0 = đã nhận")
    message: str
    MaHoSo: str
    MaYeuCau: str
    replayed: bool = Field(False, description="true: ý kiến này đã được nhận trước đó (gửi lại)")


def _unknown() -> HosoError:
    return HosoError("CONSULTATION_UNKNOWN", "Không có yêu cầu xin ý kiến này chuyển qua Hệ thống điều phối.", 404)


def _hashes(body: CoordinatorOpinionIn) -> list[str]:
    out = []
    for i, f in enumerate(body.DanhSachTepDinhKem):
        try:
            out.append(hashlib.sha256(base64.b64decode(f.NoiDungBase64, validate=True)).hexdigest())
        except (binascii.Error, ValueError):
            problem = FieldError(f"DanhSachTepDinhKem[{i}].NoiDungBase64", "Nội dung tệp không hợp lệ.")
            raise invalid([problem]) from None
    return out


def _answer(body: CoordinatorOpinionIn, *, replayed: bool) -> CoordinatorOpinionOut:
    return CoordinatorOpinionOut(message="Đã nhận ý kiến.", MaHoSo=body.MaHoSo, MaYeuCau=body.MaYeuCau,
                                 replayed=replayed)


def receive(client: ClientPrincipal, body: CoordinatorOpinionIn) -> CoordinatorOpinionOut:
    """Record the agency's opinion (module doc). A concurrent change of the dossier is read again
    (a twin request that won is then answered as a replay, or 409 if it carried another opinion)."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            return _receive(client, body)
        except HosoError as err:
            if err.code != "VERSION_CONFLICT" or attempt == MAX_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _receive(client: ClientPrincipal, body: CoordinatorOpinionIn) -> CoordinatorOpinionOut:
    dossier = dossiers_store.get(body.MaHoSo)
    found = rules.find(dossier, body.MaYeuCau) if dossier is not None else None
    if dossier is None or found is None or found.via != "coordinator":
        raise _unknown()
    if not found.coordinator_client or found.coordinator_client != client.client_id:
        logger.warning("consultation opinion from a client not bound to it",
                       extra={"dossier": dossier.code, "client_id": client.client_id})  # fmt: skip
        raise HosoError("CONSULTATION_NOT_YOURS", "Yêu cầu xin ý kiến này không được chuyển qua hệ thống của bạn.", 403)
    hashes = _hashes(body)
    text = body.YKien.strip()
    if found.answered_at is not None:
        had = sorted(d.sha256 for d in dossier.documents if d.id in found.opinion_documents)
        if found.opinion == text and had == sorted(hashes):
            return _answer(body, replayed=True)
        raise conflict("Cơ quan đã trả lời yêu cầu xin ý kiến này bằng ý kiến khác.", "CONSULTATION_ANSWERED")
    actor = Actor(sub=client.actor_sub, name=body.NguoiKy.strip() or found.unit_name or client.name, role="agency",
                  unit_code=found.unit_code)  # fmt: skip
    rules.answer_outside(found, text, actor=actor, now=service.now(), documents=[])  # refused before storing
    refs = [r.model_copy(update={"kind": "opinion"}) for r in parents.store_results(
        [parents.IncomingDocument(name=f.TenTep, content_base64=f.NoiDungBase64) for f in body.DanhSachTepDinhKem],
        prefix="consultations", issuer=found.unit_name or found.unit_code,
        id_for=lambda sha, i: f"op-{found.id}-{sha[:12]}-{i}")]  # fmt: skip
    answered = rules.answer_outside(found, text, actor=actor, now=service.now(), documents=[r.id for r in refs])

    def change(d: Dossier) -> dict[str, Any]:
        return {"documents": [*d.documents, *refs],
                "consultations": [answered if c.id == answered.id else c for c in d.consultations]}

    service.record(dossier.code, actor=actor, action="consultation_opinion",
                   label=f"Ý kiến tham gia của {found.unit_name or found.unit_code}", note=text,
                   change=change, expected_version=dossier.version)  # fmt: skip
    logger.info("consultation opinion received through the coordinator",
                extra={"dossier": dossier.code, "agency": found.unit_code})  # fmt: skip
    return _answer(body, replayed=False)
