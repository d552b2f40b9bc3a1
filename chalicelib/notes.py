"""An officer's private note on a dossier (ghi chú riêng): what a one-stop officer or an
appraiser jots down for themselves ("gọi lại cho chị Hà chiều thứ Sáu"). Only its author ever
reads it: it is not part of the dossier, the audit trail or anything synced.

  DOSSIER#<code> / NOTE#<sub>     the note of officer ``sub`` on dossier ``code``

The key is the caller's own subject, taken from the token: no request can name another
officer's note. It lives in the dossier's partition, so it goes wherever the dossier's records go.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field
from pynamodb.attributes import JSONAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.store.dossiers import dossier_pk
from chalicelib.store.models import DossiersTable

MAX_NOTE_LENGTH = 4000


class NoteItem(DossiersTable):
    data = JSONAttribute()


class Note(BaseModel):
    code: str
    text: str = Field("", description="Nội dung ghi chú; rỗng: chưa có ghi chú")
    updated_at: dt.datetime | None = None


def _sk(sub: str) -> str:
    return f"NOTE#{sub}"


def get(code: str, sub: str) -> Note:
    try:
        return Note.model_validate(NoteItem.get(dossier_pk(code), _sk(sub), consistent_read=True).data)
    except DoesNotExist:
        return Note(code=code)


def put(code: str, sub: str, text: str, now: dt.datetime) -> Note:
    """Save the officer's note; empty text removes it."""
    if not text:
        NoteItem(pk=dossier_pk(code), sk=_sk(sub)).delete()
        return Note(code=code)
    note = Note(code=code, text=text, updated_at=now)
    NoteItem(pk=dossier_pk(code), sk=_sk(sub), data=note.model_dump(mode="json")).save()
    return note
