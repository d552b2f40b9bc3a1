"""What a flow does to its parent dossier — always through ``services.dossiers`` (one
transaction with its audit event and outbox record, so DVCQG gets every step).

Where the parent's process offers the flow's action at its current step (the liên thông
process, ``lien_thong_process.json``), the flow takes it (``system_act``: the status changes,
e.g. 2 → 4 "đang xử lý liên thông", 4 → 5 supplement, 4 → 9 results at the desk); otherwise it
records the event (``record``: audited and synced, no step change).

Results of every step arrive here, in :func:`collect_results` — the one place every result
document of a liên thông step passes (external agencies' callbacks and hoso's child dossiers
alike): the applicant's e-data store plugs in there.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.dossier import Actor, DocumentRef, Dossier
from chalicelib.domain.engine import ActionRequest
from chalicelib.errors import FieldError, HosoError, invalid
from chalicelib.flows import chains
from chalicelib.services import dossiers as service
from chalicelib.settings import get_settings
from chalicelib.store import dossiers, files

MAX_ATTEMPTS = 5
SYSTEM_SUB = "lien-thong"
SYSTEM_NAME = "Hệ thống điều phối liên thông (hoso)"


def system_actor(unit_code: str) -> Actor:
    return Actor(sub=SYSTEM_SUB, name=SYSTEM_NAME, role="system", unit_code=unit_code)


def _retrying(call: Callable[[], Dossier]) -> Dossier:
    """Concurrent changes of one parent (parallel steps, officers) lose with VERSION_CONFLICT:
    read again and retry."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            return call()
        except HosoError as err:
            if err.code != "VERSION_CONFLICT" or attempt == MAX_ATTEMPTS - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")


def get(code: str) -> Dossier:
    dossier = dossiers.get(code)
    if dossier is None:
        raise HosoError("FLOW_DOSSIER_MISSING", "Không tìm thấy hồ sơ gốc của luồng liên thông.", 404)
    return dossier


def offers(dossier: Dossier, action_id: str) -> bool:
    """Whether the dossier's process offers ``action_id`` at its current step."""
    step = service.process_of(dossier).step(dossier.step_id)
    return any(a.id == action_id for a in step.actions)


def note(code: str, *, actor: Actor, action: str, label: str, text: str,
         change: Callable[[Dossier], dict[str, Any]] | None = None) -> Dossier:  # fmt: skip
    return _retrying(lambda: service.record(code, actor=actor, action=action, label=label, note=text, change=change))


def act_or_note(code: str, action_id: str, *, actor: Actor, action: str, label: str, text: str) -> bool:
    """Take the process action ``action_id`` when the parent's step offers it (True), otherwise
    record the event (False)."""

    def attempt() -> Dossier | None:
        if not offers(get(code), action_id):
            return None
        return service.system_act(code, ActionRequest(action_id=action_id, reason=text), actor)

    for i in range(MAX_ATTEMPTS):
        try:
            if attempt() is not None:
                return True
            break
        except HosoError as err:
            if err.code != "VERSION_CONFLICT" or i == MAX_ATTEMPTS - 1:
                raise
            time.sleep(0.02 * (i + 1))
    note(code, actor=actor, action=action, label=label, text=text)
    return False


def start(code: str, flow: chains.Flow, steps: list[chains.ChainStep]) -> None:
    """The parent enters the flow: status 4 "đang xử lý liên thông", the chain in the note."""
    parent = get(code)
    act_or_note(code, chains.START_ACTION, actor=system_actor(parent.unit_code), action="flow_started",
                label="Chuyển xử lý liên thông",
                text=f"{flow.name}: " + " → ".join(s.name for s in steps))  # fmt: skip


def request_supplement(code: str, *, actor: Actor, step: chains.ChainStep, reason: str) -> bool:
    """A downstream agency asks the applicant for more: status 5 on the parent with the agency's
    content (synced to DVCQG, where the applicant sees it). False when the parent's process does
    not allow it (again) — the request is then only recorded and the flow escalates."""
    text = f"{step.name}: {reason}"
    parent = get(code)
    if not offers(parent, chains.SUPPLEMENT_ACTION):
        note(code, actor=actor, action="flow_supplement_requested", label="Cơ quan phối hợp yêu cầu bổ sung",
             text=text)
        return False
    try:
        _retrying(lambda: service.system_act(code, ActionRequest(action_id=chains.SUPPLEMENT_ACTION, reason=text),
                                             actor))  # fmt: skip
    except HosoError as err:
        if err.code != "ACTION_LIMIT_REACHED":
            raise
        note(code, actor=actor, action="flow_supplement_requested", label="Cơ quan phối hợp yêu cầu bổ sung",
             text=f"{text} (không chuyển trạng thái: hồ sơ đã được yêu cầu bổ sung một lần)")
        return False
    return True


def supplement_back(parent: Dossier) -> bool:
    """The applicant's supplement was received: no supplement round is open any more."""
    return parent.status != 5 and not (parent.supplements and parent.supplements[-1].received_at is None)


def complete(code: str, flow: chains.Flow) -> None:
    parent = get(code)
    act_or_note(code, chains.COMPLETE_ACTION, actor=system_actor(parent.unit_code), action="flow_completed",
                label="Hoàn thành liên thông",
                text=f"{flow.name}: kết quả các bước đã tập trung tại bộ phận một cửa.")  # fmt: skip


def stop(code: str, *, actor: Actor, reason: str) -> None:
    act_or_note(code, chains.STOP_ACTION, actor=actor, action="flow_stopped", label="Dừng xử lý liên thông",
                text=reason)


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingDocument:
    """A result document as an agency's system or a specialised software sends it (base64 content)."""

    name: str
    content_base64: str
    component_code: str = ""  # MaThanhPhanHoSo, when the sender gives one
    number: str = ""  # số, ký hiệu given by its issuer


def store_results(documents: list[IncomingDocument], *, prefix: str, issuer: str,
                  id_for: Callable[[str, int], str]) -> list[DocumentRef]:  # fmt: skip
    """Decode, check and store result files sent by another system in the results bucket (every
    file must be acceptable, or none is stored). ``id_for(sha256, index)`` names each document;
    ``issuer``: the system that issued them (numbered and signed there, see ``domain.result_rule``)."""
    decoded: list[bytes] = []
    problems: list[FieldError] = []
    for i, doc in enumerate(documents):
        try:
            content = base64.b64decode(doc.content_base64, validate=True)
            if len(content) > files.MAX_FILE_BYTES:
                raise ValueError("too large")
            files.sniff(content)
            decoded.append(content)
        except (binascii.Error, ValueError):
            problems.append(FieldError(f"result_documents[{i}].content_base64", "Nội dung tệp không hợp lệ."))
        except files.UnsupportedFile:
            problems.append(FieldError(f"result_documents[{i}]", files.UNSUPPORTED_MESSAGE))
    if problems:
        raise invalid(problems)
    refs = []
    for i, (doc, content) in enumerate(zip(documents, decoded, strict=True)):
        stored = files.put_document(get_settings().results_bucket, content, prefix=prefix)
        refs.append(DocumentRef(
            id=id_for(stored.sha256, i), name=doc.name, component_code=doc.component_code, s3_key=stored.key,
            sha256=stored.sha256, content_type=stored.content_type, size=stored.size, kind="result",
            number=doc.number, issuer=issuer,
        ))
    return refs


def store_incoming(step: str, documents: list[IncomingDocument], issuer: str) -> list[DocumentRef]:
    """An agency's result files for ``step`` of a flow."""
    return store_results(documents, prefix="lien-thong", issuer=issuer,
                         id_for=lambda sha, i: f"lt-{step}-{sha[:12]}-{i}")


def child_results(child: Dossier, step: str) -> list[DocumentRef]:
    """A finished child dossier's results, as documents of the parent (same stored files), issued by
    the child's unit."""
    return [d.model_copy(update={"id": f"lt-{step}-{d.id}", "issuer": d.issuer or child.unit_code})
            for d in child.documents if d.kind == "result" and not d.deleted]  # fmt: skip


def collect_results(code: str, *, actor: Actor, step: chains.ChainStep, refs: list[DocumentRef]) -> None:
    """Every step's results end here: attached to the parent as result documents (DocumentRef
    kind ``result``), audited and synced — the agency that returns them to the applicant is the
    parent's one-stop desk. Documents already attached (a redelivery) are not added twice, and
    an answer that died after recording them (its claim taken over by the retry) is not recorded
    again: the parent's latest event is already this one."""
    names = ", ".join(r.name for r in refs) or "không có tệp kết quả"
    text = f"{step.name}: {names}"
    if refs:
        parent = get(code)
        latest = list(dossiers.events_after(code, parent.seq - 1))
        if latest and (latest[-1].action, latest[-1].actor.sub, latest[-1].note) == ("flow_result", actor.sub, text) \
                and {r.id for r in refs} <= {d.id for d in parent.documents}:  # fmt: skip
            return

    def add(d: Dossier) -> dict[str, Any]:
        known = {doc.id for doc in d.documents}
        return {"documents": [*d.documents, *(r for r in refs if r.id not in known)]}

    note(code, actor=actor, action="flow_result", label="Nhận kết quả bước liên thông", text=text, change=add)
