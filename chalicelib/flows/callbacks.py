"""``POST /v1/flows/callback``: another agency's system answers a step it was handed.

Checks, in order (each refusal has its own stable code):

1. the token is one of ours, handed to an external agency — else 403 ``FLOW_TOKEN_UNKNOWN``
   (a forged token, or one of a hoso-internal step, which its child dossier answers);
2. the caller is the client bound to that agency when the step was handed over (the
   ``integration-clients`` secret, ``agencies.connection``), and is scoped to the step's
   procedure — else 403 ``FLOW_TASK_NOT_YOURS`` / ``FORBIDDEN_PROCEDURE``. A step handed to an
   agency no client is bound to is answered by nobody (fail closed): an operator binds the
   agency's client and retries the step (``docs/runbooks/lien-thong.md``);
3. the task is still open — else 409 ``FLOW_TASK_ALREADY_ANSWERED`` (a replay, or an answer
   being applied right now) or ``FLOW_TASK_CLOSED`` (the step timed out or the flow ended
   meanwhile). A claim older than ``store.CLAIM_EXPIRY_S`` was left by a crashed answer: the
   agency's retry takes it over (a conditional write on the claim's age) and completes it;
4. the body is complete: a reason for every outcome but success, acceptable result files.

Then the answer is recorded on the parent dossier by the client (same audit as an officer's
action) and Step Functions gets it: success → next step; failure → escalation; supplement →
the applicant is asked on DVCQG and the flow waits; progress → a heartbeat.
"""

from __future__ import annotations

import time
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.auth.clients import ClientPrincipal, require_procedure
from chalicelib.domain.dossier import Actor
from chalicelib.errors import FieldError, HosoError, conflict, invalid
from chalicelib.flows import agencies, answers, chains, sfn, store
from chalicelib.flows import parent as parents
from chalicelib.flows.model import TaskKind, token_hash
from chalicelib.flows.tasks import Settled
from chalicelib.observability import logger

Outcome = Literal["success", "failure", "supplement", "progress"]

CALLBACK_EXAMPLE: dict[str, Any] = {
    "task_token": "AQCEAAAAKgAAAAMAAAAAAAAAAf…",
    "outcome": "success",
    "result_documents": [{"name": "xac-nhan-thuong-tru.pdf", "content_type": "application/pdf",
                          "content_base64": "JVBERi0xLjQKJcfsj6IK…"}],  # fmt: skip
    "reason": None,
}


class ResultDocumentIn(BaseModel):
    name: str = Field(min_length=1, max_length=255, description="Tên giấy tờ kết quả")
    content_type: str | None = Field(None, max_length=128, description="Khai báo; hoso tự nhận dạng từ nội dung")
    content_base64: str = Field(min_length=1, max_length=14_000_000, description="Nội dung tệp (base64)")


class CallbackIn(BaseModel):
    """Kết quả một bước liên thông do hệ thống của cơ quan phối hợp gửi về."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CALLBACK_EXAMPLE]})

    task_token: str = Field(min_length=1, max_length=4096, description="Task token nhận khi được chuyển hồ sơ")
    outcome: Outcome = Field(description="success: xong, có kết quả; failure: từ chối giải quyết; supplement: "
                             "yêu cầu công dân bổ sung; progress: vẫn đang xử lý (heartbeat)")
    result_documents: list[ResultDocumentIn] = Field(default_factory=list, max_length=20)
    reason: str | None = Field(None, max_length=2000, description="Lý do / nội dung; bắt buộc trừ khi success")


class CallbackOut(BaseModel):
    status: Literal["accepted"]
    dossier: str
    step: str
    outcome: Outcome


def _unknown() -> HosoError:
    return HosoError("FLOW_TOKEN_UNKNOWN", "Task token không do hoso cấp cho cơ quan phối hợp.", 403)


def _refuse_settled(settled: Settled) -> None:
    if settled == "busy":
        raise conflict("Bước liên thông này đã được trả lời.", "FLOW_TASK_ALREADY_ANSWERED")
    if settled == "closed":
        raise conflict("Bước liên thông đã quá hạn hoặc luồng đã kết thúc; kết quả không còn được chờ.",
                       "FLOW_TASK_CLOSED")  # fmt: skip


def _handed_to(client: ClientPrincipal, task_token: str) -> tuple[store.TaskRecord, chains.ChainStep]:
    """The task behind ``task_token`` and its step, if it was handed to an external agency this
    client is bound to and the step is of a procedure the client is scoped to (checks 1 and 2)."""
    record = store.get_task(token_hash(task_token))
    if record is None or record.task.kind is not TaskKind.HANDOVER or record.task.token != task_token:
        raise _unknown()
    task = record.task
    flow = chains.flow(task.flow)
    if flow is None or task.agency is None or chains.agency(task.agency).kind != "external":
        raise _unknown()
    if task.client is None or task.client != client.client_id:
        logger.warning("flow callback from a client not bound to the agency",
                       extra={"agency": task.agency, "bound": task.client is not None, "client_id": client.client_id})
        raise HosoError("FLOW_TASK_NOT_YOURS", "Bước liên thông này không được chuyển cho hệ thống của bạn.", 403)
    step = flow.step(task.step)
    require_procedure(client, step.procedure_code)
    return record, step


def receive(client: ClientPrincipal, body: CallbackIn) -> CallbackOut:
    record, step = _handed_to(client, body.task_token)
    task = record.task
    if record.status == "answered" or record.being_answered(time.time()):
        _refuse_settled("busy")
    if record.status == "closed":
        _refuse_settled("closed")
    reason = (body.reason or "").strip()
    if body.outcome != "success" and not reason:
        raise invalid([FieldError("reason", "Vui lòng nêu lý do hoặc nội dung.")])
    actor = Actor(sub=client.actor_sub, name=client.name, role="agency", unit_code="")
    if body.outcome == "success":
        refs = parents.store_incoming(step.id, [
            parents.IncomingDocument(name=d.name, content_base64=d.content_base64) for d in body.result_documents],
            issuer=client.name)
        _refuse_settled(answers.success(task, actor, refs))
    elif body.outcome == "failure":
        _refuse_settled(answers.refused(task, actor, reason))
    elif body.outcome == "supplement":
        _refuse_settled(answers.supplement(task, actor, reason))
    else:
        try:
            answers.progress(task, actor, reason or None)
        except sfn.TaskOver:
            _refuse_settled("closed")
    return CallbackOut(status="accepted", dossier=task.parent, step=task.step, outcome=body.outcome)


# --- the documents of a step handed over ---------------------------------------------------------


class DocumentsIn(BaseModel):
    """Yêu cầu đường dẫn mới tải giấy tờ của hồ sơ được chuyển liên thông."""

    model_config = ConfigDict(extra="forbid")

    task_token: str = Field(min_length=1, max_length=4096, description="Task token nhận khi được chuyển hồ sơ")


class DocumentLinkOut(BaseModel):
    name: str
    url: str = Field(description="Đường dẫn tải (hết hạn sau expires_in giây)")
    sha256: str
    content_type: str
    kind: str


class DocumentsOut(BaseModel):
    dossier: str
    step: str
    expires_in: int = Field(description="Số giây các đường dẫn còn hiệu lực")
    documents: list[DocumentLinkOut]


def documents(client: ClientPrincipal, body: DocumentsIn) -> DocumentsOut:
    """Fresh short-lived links to the documents of a step handed to the caller's agency, while
    the step waits for its answer (403 not the bound client, 409 ``FLOW_TASK_CLOSED`` after)."""
    record, step = _handed_to(client, body.task_token)
    if record.status not in ("pending", "claimed"):
        raise conflict("Bước liên thông đã kết thúc; không còn cung cấp giấy tờ của hồ sơ.", "FLOW_TASK_CLOSED")
    parent = parents.get(record.task.parent)
    links = [DocumentLinkOut(**link) for link in agencies.document_links(parent)]
    logger.info("handover documents fetched",
                extra={"dossier": parent.code, "step": step.id, "client_id": client.client_id, "documents": len(links)})
    return DocumentsOut(dossier=parent.code, step=step.id, expires_in=agencies.LINK_TTL_S, documents=links)
