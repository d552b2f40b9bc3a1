"""Attachments given with a dossier's act (FR-13, FR-14, FR-15): the files an officer uploaded
(presigned, checked by the upload check) become the dossier's documents in the same transaction
as the act — a refused act leaves no document, and a document is never recorded without its act.

Which acts take files, and what the files are:

- the citizen's papers — at intake and at supplement receipt: ``submitted`` (they go to DVCQG and
  to the applicant's e-data store like any submitted component);
- the officers' working papers — with an appraisal opinion (submit, propose refusal), a
  consultation's opinion and a decision (approve, refuse): ``internal`` (kept with the dossier,
  never sent to the citizen's store).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chalicelib.domain.dossier import DocumentRef, Dossier
from chalicelib.domain.process import ActionKind
from chalicelib.errors import FieldError, HosoError
from chalicelib.store import uploads

SUBMITTED, INTERNAL = "submitted", "internal"
DOCUMENT_KINDS: dict[ActionKind, str] = {
    ActionKind.RECEIVE: SUBMITTED,
    ActionKind.RECEIVE_SUPPLEMENT: SUBMITTED,
    ActionKind.SUBMIT: INTERNAL,
    ActionKind.APPRAISE: INTERNAL,
    ActionKind.PROPOSE_REFUSAL: INTERNAL,
    ActionKind.RECORD_OPINION: INTERNAL,
    ActionKind.APPROVE: INTERNAL,
    ActionKind.REFUSE: INTERNAL,
}
MAX_ATTACHMENTS = 20


@dataclass(frozen=True)
class Attaching:
    """One upload to attach: which component of the dossier it is and whether it is the original."""

    upload_id: str
    component_code: str = ""
    copy_kind: str = ""  # "original" (bản chính) | "copy" (bản sao) | "" (not said)
    name: str = ""


def _refused(field: str, code: str, message: str, status: int = 422) -> HosoError:
    return HosoError(code, message, status, errors=[FieldError(field, message)])


def documents(wanted: Sequence[Attaching], *, owner: str, dossier: Dossier | None, kind: str,
              field: str = "attachments") -> list[DocumentRef]:
    """The documents for ``wanted`` — each an upload of ``owner`` that passed the check and is not
    on ``dossier`` yet — or a refusal naming the first one that cannot be attached."""
    if len(wanted) > MAX_ATTACHMENTS:
        raise _refused(field, "TOO_MANY_ATTACHMENTS", f"Mỗi lần chỉ đính kèm tối đa {MAX_ATTACHMENTS} tệp.")
    attached = {d.id for d in dossier.documents} if dossier else set()
    seen: set[str] = set()
    out = []
    for i, item in enumerate(wanted):
        where = f"{field}[{i}]"
        upload = uploads.get(item.upload_id) if len(item.upload_id) == 32 and item.upload_id.isalnum() else None
        if upload is None or upload.owner != owner:
            raise _refused(where, "UPLOAD_NOT_FOUND", "Không tìm thấy tệp tải lên của bạn.")
        if upload.status == "rejected":
            raise _refused(where, "UPLOAD_REJECTED", f"Tệp “{upload.file_name}” bị từ chối: {upload.reason}")
        if upload.status != "ready" or not upload.checked_key:
            raise _refused(where, "UPLOAD_NOT_READY", f"Tệp “{upload.file_name}” chưa được kiểm tra xong.", 409)
        if upload.id in attached or upload.id in seen:
            raise _refused(where, "ALREADY_ATTACHED", f"Tệp “{upload.file_name}” đã được đính kèm vào hồ sơ.", 409)
        seen.add(upload.id)
        out.append(DocumentRef(
            id=upload.id, name=item.name or upload.file_name, component_code=item.component_code,
            s3_key=upload.checked_key, sha256=upload.sha256 or "", content_type=upload.content_type or "",
            size=upload.size or 0, kind=kind, copy_kind=item.copy_kind,
        ))
    return out


def for_action(upload_ids: Sequence[str], kind: ActionKind, *, owner: str, dossier: Dossier) -> list[DocumentRef]:
    """The documents given with a process action; files with an act that takes none are refused."""
    if not upload_ids:
        return []
    document_kind = DOCUMENT_KINDS.get(kind)
    if document_kind is None:
        raise _refused("attachments", "ATTACHMENTS_NOT_ALLOWED", "Thao tác này không kèm tệp đính kèm.")
    return documents([Attaching(u) for u in upload_ids], owner=owner, dossier=dossier, kind=document_kind)
