"""Liên thông steps at other ministries' systems, through the coordination system (SPEC §7.7).

Out: a step whose agency's entry in the ``integration-clients`` secret says ``"via":
"coordinator"`` is handed to the coordinator with service ``ChuyenHoSoLienThong`` in the §7.2
envelope (the same session, endpoint and envelope as the coordinator's sync target,
``chalicelib.integrations.dvcqg``)::

    {"service": "ChuyenHoSoLienThong", "data": [{
        "LoaiChuyen": "BuocLienThong",
        "MaBuocLienThong": "<sha256 of the task token: the step's reference>",
        "HoSo": <the DongBoHoSoMC record of the dossier>,
        "BuocLienThong": {"MaBuoc", "TenBuoc", "MaCoQuan", "TenCoQuan", "MaTTHC", "TenTTHC",
                          "DuLieuBieuMau"},
        "TaiLieu": [{"TenTep", "DuongDan", "MaHash", "LoaiTep", "LoaiGiayTo"}],
        "DiaChiTraKetQua": "<hoso>/v1/coordinator/lien-thong/results"}]}

The Step Functions task keeps waiting on its token; the coordinator never sees the token, only
its hash (``MaBuocLienThong``), which it sends back with the result. An answer that never
comes is the step's deadline (``States.Timeout``), as for every step.

Failures: no answer, a 5xx or a timeout → :class:`agencies.AgencyUnavailable` (the message is
delivered again, the hand-over repeated — the coordinator keeps one hand-over per reference);
a refusal (non-zero ``error_code``) → :class:`agencies.HandoverRejected` (the step escalates).

In: :func:`receive` — ``POST /v1/coordinator/lien-thong/results`` by the coordinator's
integration client (kind ``coordinator``), bound to the agency when the step was handed over.
Idempotent: the same result again is answered as the first time (``replayed``); another
result for a step already answered is 409.

Back: a step another ministry's chain handed to hoso (``chalicelib.services.lien_thong_inbound``)
returns its result with the same service, ``LoaiChuyen`` ``KetQuaBuoc`` (:func:`return_result`).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.auth.clients import ClientPrincipal, require_procedure
from chalicelib.domain.dossier import Actor, Dossier
from chalicelib.errors import FieldError, HosoError, conflict, invalid
from chalicelib.flows import agencies, answers, chains, sfn, store
from chalicelib.flows import parent as parents
from chalicelib.flows.model import FlowTask, TaskKind
from chalicelib.integrations.dvcqg import SyncFailed, client_for
from chalicelib.observability import logger
from chalicelib.services import dossiers as service
from chalicelib.settings import get_settings
from chalicelib.store import catalogue
from chalicelib.store import dossiers as dossiers_store
from chalicelib.sync import payloads
from chalicelib.sync.links import document_link

SERVICE: Final = "ChuyenHoSoLienThong"
RESULTS_PATH: Final = "/v1/coordinator/lien-thong/results"

Outcome = Literal["success", "failure", "supplement", "progress"]
# What ``tasks.settle`` records as the answer of each outcome (``store.TaskRecord.outcome``).
SETTLED_AS: Final = {"success": "success", "failure": "refused", "supplement": "supplement"}


def handover_call(task: FlowTask, dossier: Dossier, step: chains.ChainStep, agency: chains.Agency) -> dict[str, Any]:
    """The ``ChuyenHoSoLienThong`` call handing ``step`` of ``dossier`` over (module doc)."""
    unit = catalogue.get_unit(dossier.unit_code)
    record = payloads.dossier_record(dossier, unit_name=unit.name if unit else "", link=document_link)
    documents = [
        {"TenTep": d.name, "DuongDan": document_link(d), "MaHash": d.sha256, "LoaiTep": d.content_type,
         "LoaiGiayTo": d.kind}
        for d in dossier.documents if not d.deleted
    ]  # fmt: skip
    return {
        "service": SERVICE,
        "data": [{
            "LoaiChuyen": "BuocLienThong",
            "MaBuocLienThong": task.token_hash,
            "HoSo": record,
            "BuocLienThong": {"MaBuoc": step.id, "TenBuoc": step.name, "MaCoQuan": agency.id,
                              "TenCoQuan": agency.name, "MaTTHC": step.procedure_code,
                              "TenTTHC": step.procedure_name, "DuLieuBieuMau": dossier.form_data},
            "TaiLieu": documents,
            "DiaChiTraKetQua": get_settings().public_base_url.rstrip("/") + RESULTS_PATH,
        }],
    }  # fmt: skip


def send(call: dict[str, Any]) -> None:
    """Send a ``ChuyenHoSoLienThong`` call: unreachable → ``AgencyUnavailable``, refused → ``HandoverRejected``."""
    try:
        client_for("coordinator").send(call)
    except SyncFailed as err:
        if err.unreachable:
            raise agencies.AgencyUnavailable(str(err)) from None
        raise agencies.HandoverRejected(f"Hệ thống điều phối từ chối: {err.reason}") from None


def hand_over(task: FlowTask, dossier: Dossier, step: chains.ChainStep, agency: chains.Agency) -> None:
    send(handover_call(task, dossier, step, agency))
    logger.info("liên thông step handed to the coordinator",
                extra={"dossier": dossier.code, "step": step.id, "agency": agency.id})  # fmt: skip


# --- the result coming back ------------------------------------------------------------------------

RESULT_EXAMPLE: dict[str, Any] = {
    "MaBuocLienThong": "9f2c1e0b7a4d4c3e8b1a6f5d2e7c9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f",
    "KetQua": "success",
    "LyDo": None,
    "DanhSachGiayToKetQua": [{"TenGiayTo": "the-bhyt-tre-em.pdf", "NoiDungBase64": "JVBERi0xLjQKJcfsj6IK…"}],
}


class CoordinatorResultDocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    TenGiayTo: str = Field(min_length=1, max_length=255, description="Tên giấy tờ kết quả")
    NoiDungBase64: str = Field(min_length=1, max_length=14_000_000, description="Nội dung tệp (base64)")


class CoordinatorResultIn(BaseModel):
    """Kết quả một bước liên thông do Hệ thống điều phối chuyển về (SPEC §7.7)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [RESULT_EXAMPLE]})

    MaBuocLienThong: str = Field(pattern=r"^[0-9a-f]{64}$", description="Mã bước do hoso cấp khi chuyển hồ sơ")
    KetQua: Outcome = Field(description="success: xong, có kết quả; failure: từ chối giải quyết; supplement: yêu "
                            "cầu công dân bổ sung; progress: vẫn đang xử lý")
    LyDo: str | None = Field(None, max_length=2000, description="Lý do / nội dung; bắt buộc trừ khi success")
    DanhSachGiayToKetQua: list[CoordinatorResultDocumentIn] = Field(default_factory=list, max_length=20)


class CoordinatorResultOut(BaseModel):
    error_code: int = Field(0, description="0 = đã nhận")
    message: str
    MaHoSo: str = Field(description="Mã hồ sơ gốc tại hoso")
    MaBuoc: str
    KetQua: Outcome
    replayed: bool = Field(False, description="true: kết quả này đã được nhận trước đó (gửi lại)")


def _unknown() -> HosoError:
    return HosoError("LIEN_THONG_STEP_UNKNOWN", "Mã bước liên thông không do hoso chuyển qua Hệ thống điều phối.", 404)


def _step_of(client: ClientPrincipal, ref: str) -> tuple[store.TaskRecord, chains.ChainStep]:
    record = store.get_task(ref)
    if record is None or record.task.kind is not TaskKind.HANDOVER or record.task.agency is None:
        raise _unknown()
    flow = chains.flow(record.task.flow)
    if flow is None or not agencies.connection(record.task.agency).through_coordinator:
        raise _unknown()
    if record.task.client is None or record.task.client != client.client_id:
        logger.warning("coordinator result from a client not bound to the step",
                       extra={"agency": record.task.agency, "client_id": client.client_id})  # fmt: skip
        raise HosoError("FLOW_TASK_NOT_YOURS", "Bước liên thông này không được chuyển qua hệ thống của bạn.", 403)
    step = flow.step(record.task.step)
    require_procedure(client, step.procedure_code)
    return record, step


def _answer(task: FlowTask, body: CoordinatorResultIn, *, replayed: bool) -> CoordinatorResultOut:
    return CoordinatorResultOut(message="Đã nhận kết quả bước liên thông.", MaHoSo=task.parent, MaBuoc=task.step,
                     KetQua=body.KetQua, replayed=replayed)  # fmt: skip


def receive(client: ClientPrincipal, body: CoordinatorResultIn) -> CoordinatorResultOut:
    record, step = _step_of(client, body.MaBuocLienThong)
    task = record.task
    reason = (body.LyDo or "").strip()
    if body.KetQua != "success" and not reason:
        raise invalid([FieldError("LyDo", "Vui lòng nêu lý do hoặc nội dung.")])
    if record.status == "answered":
        if record.outcome == SETTLED_AS.get(body.KetQua):
            return _answer(task, body, replayed=True)
        raise conflict("Bước liên thông này đã có kết quả khác.", "FLOW_TASK_ALREADY_ANSWERED")
    if record.status == "closed":
        raise conflict("Bước liên thông đã quá hạn hoặc luồng đã kết thúc; kết quả không còn được chờ.",
                       "FLOW_TASK_CLOSED")  # fmt: skip
    if record.being_answered(time.time()):
        raise conflict("Kết quả bước liên thông này đang được ghi nhận; vui lòng gửi lại sau.",
                       "FLOW_TASK_ALREADY_ANSWERED")  # fmt: skip
    actor = Actor(sub=client.actor_sub, name=client.name, role="agency", unit_code="")
    if body.KetQua == "success":
        refs = parents.store_incoming(step.id, [
            parents.IncomingDocument(name=d.TenGiayTo, content_base64=d.NoiDungBase64)
            for d in body.DanhSachGiayToKetQua], issuer=client.name)  # fmt: skip
        settled = answers.success(task, actor, refs)
    elif body.KetQua == "failure":
        settled = answers.refused(task, actor, reason)
    elif body.KetQua == "supplement":
        settled = answers.supplement(task, actor, reason)
    else:
        try:
            answers.progress(task, actor, reason or None)
        except sfn.TaskOver:
            settled = "closed"
        else:
            return _answer(task, body, replayed=False)
    if settled == "busy":  # a twin request won the claim meanwhile: same answer if it was this result
        again = store.get_task(task.token_hash)
        if again is not None and again.status == "answered" and again.outcome == SETTLED_AS.get(body.KetQua):
            return _answer(task, body, replayed=True)
        raise conflict("Bước liên thông này đã được trả lời.", "FLOW_TASK_ALREADY_ANSWERED")
    if settled == "closed":
        raise conflict("Bước liên thông đã quá hạn hoặc luồng đã kết thúc; kết quả không còn được chờ.",
                       "FLOW_TASK_CLOSED")  # fmt: skip
    logger.info("coordinator result received", extra={"dossier": task.parent, "step": task.step,
                                                      "outcome": body.KetQua})  # fmt: skip
    return _answer(task, body, replayed=False)


# --- an inbound step's result going back (another ministry heads the chain) ----------------------

# Where an inbound liên thông dossier ends, and what the ministry heading the chain is told.
RETURNED_AS: Final = {9: "success", 10: "success", 3: "failure", 7: "failure", 8: "failure"}


def result_call(dossier: Dossier, outcome: str, reason: str) -> dict[str, Any]:
    """The ``ChuyenHoSoLienThong`` call returning the result of an inbound step (``LoaiChuyen``
    ``KetQuaBuoc``): the coordinator's step reference, the outcome, the dossier record and links to
    the result documents."""
    origin = dossier.lien_thong_origin
    assert origin is not None
    unit = catalogue.get_unit(dossier.unit_code)
    results = [d for d in dossier.documents if d.kind == "result" and not d.deleted]
    return {
        "service": SERVICE,
        "data": [{
            "LoaiChuyen": "KetQuaBuoc",
            "MaBuocLienThong": origin.ref,
            "MaHoSoGoc": origin.head_code,
            "KetQua": outcome,
            "LyDo": reason,
            "HoSo": payloads.dossier_record(dossier, unit_name=unit.name if unit else "", link=document_link),
            "DanhSachGiayToKetQua": [{"TenGiayTo": d.name, "DuongDan": document_link(d), "MaHash": d.sha256}
                                     for d in results],
        }],
    }  # fmt: skip


def return_result(dossier: Dossier) -> bool:
    """Send an inbound step's result back through the coordinator once the dossier is processed
    (statuses of :data:`RETURNED_AS`), then record it on the dossier (audited, synced; a later
    signal finds it returned and sends nothing). True when sent now. The coordinator keeps one
    result per reference, so a resend after a crash between the two is harmless. Raises
    ``AgencyUnavailable`` / ``HandoverRejected``: the signal is delivered again (then the DLQ)."""
    origin = dossier.lien_thong_origin
    outcome = RETURNED_AS.get(dossier.status)
    if origin is None or origin.returned_at is not None or outcome is None:
        return False
    events = list(dossiers_store.events(dossier.code))
    reason = next((e.note for e in reversed(events) if e.to_status == dossier.status and e.note), "")
    send(result_call(dossier, outcome, reason))
    returned = origin.model_copy(update={"returned_at": dt.datetime.now(dt.UTC), "returned_outcome": outcome})
    label = "Đã giải quyết" if outcome == "success" else "Không giải quyết được"
    service.record(dossier.code, actor=parents.system_actor(dossier.unit_code), action="lien_thong_returned",
                   label="Chuyển kết quả bước liên thông về Hệ thống điều phối",
                   note=f"{label}; hồ sơ {origin.head_code} của {origin.head_agency}",
                   change=lambda d: {"lien_thong_origin": returned})  # fmt: skip
    logger.info("inbound liên thông result returned", extra={"dossier": dossier.code, "outcome": outcome})
    return True


# --- what officers see on the dossier page -----------------------------------------------------------

STEP_LABELS: Final = {"handed_over": "Đã chuyển, chờ kết quả", "waiting_supplement": "Chờ công dân bổ sung",
                      "escalated": "Cảnh báo, chờ người vận hành quyết định", "done": "Đã có kết quả",
                      "skipped": "Bỏ qua", "stopped": "Đã dừng"}  # fmt: skip


class LienThongStepView(BaseModel):
    step: str
    name: str = Field(description="Cơ quan và việc làm")
    agency: str
    route: Literal["hoso", "direct", "coordinator"] = Field(
        description="hoso: đơn vị của hoso (hồ sơ con); direct: hệ thống của cơ quan; coordinator: hệ thống của "
                    "bộ, ngành khác, qua Hệ thống điều phối")  # fmt: skip
    status: str | None = Field(description="null: chưa đến bước này")
    status_label: str
    attempts: int = 0
    child: str | None = None
    updated_at: dt.datetime | None = None


class LienThongOriginView(BaseModel):
    head_code: str = Field(description="Mã hồ sơ tại bộ, ngành chủ trì")
    head_agency: str
    step_name: str
    returned_at: dt.datetime | None = Field(description="Lúc kết quả được chuyển về Hệ thống điều phối")
    returned_outcome: str


class LienThongView(BaseModel):
    """Hồ sơ trong chuỗi liên thông: các bước hoso chuyển đi, hoặc bước hoso được giao."""

    flow: str | None = Field(description="Tên luồng liên thông do hoso điều phối (hồ sơ gốc)")
    steps: list[LienThongStepView]
    origin: LienThongOriginView | None = Field(description="Hồ sơ liên thông do bộ, ngành khác chủ trì, chuyển đến qua "
                                      "Hệ thống điều phối")  # fmt: skip


def _route(agency: chains.Agency) -> Literal["hoso", "direct", "coordinator"]:
    if agency.kind == "hoso":
        return "hoso"
    return "coordinator" if agencies.connection(agency.id).through_coordinator else "direct"


def officer_view(code: str, officer: Any) -> LienThongView:
    """The liên thông side of a dossier an officer of its unit sees (404 otherwise)."""
    dossier = service.visible_dossier(code, officer)
    state = store.get_state(code)
    flow = chains.flow(state.flow) if state else None
    steps = []
    if state is not None and flow is not None:
        for step in flow.steps:
            at = state.steps.get(step.id)
            steps.append(LienThongStepView(
                step=step.id, name=step.name, agency=chains.agency(step.agency).name,
                route=_route(chains.agency(step.agency)), status=at.status if at else None,
                status_label=STEP_LABELS.get(at.status, at.status) if at else "Chưa đến bước này",
                attempts=at.attempts if at else 0, child=at.child if at else None,
                updated_at=at.updated_at if at else None))  # fmt: skip
    origin = dossier.lien_thong_origin
    return LienThongView(
        flow=flow.name if flow else None, steps=steps,
        origin=LienThongOriginView(head_code=origin.head_code, head_agency=origin.head_agency,
                                   step_name=origin.step_name, returned_at=origin.returned_at,
                                   returned_outcome=origin.returned_outcome) if origin else None)  # fmt: skip
