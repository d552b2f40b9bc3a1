"""The e-data store's items in the dossiers table (layout in the package docstring). Every read
is a key read or a Query of one owner's partition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.edata.model import RETENTION, RefusedDossier, StoredDocument, expires_at, retain_until
from chalicelib.store.models import DossiersTable


class EDataItem(DossiersTable):
    data = JSONAttribute()
    reuse_count = NumberAttribute(default=0)  # atomic counter, outside ``data``
    last_reused_at = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)  # the table's TTL attribute


def owner_pk(owner: str) -> str:
    return f"EDATA#{owner}"


def doc_sk(doc_type: str, item_id: str) -> str:
    return f"DOC#{doc_type}#{item_id}"


def _document(item: EDataItem) -> StoredDocument:
    document = StoredDocument.model_validate({
        **item.data, "reuse_count": int(item.reuse_count or 0), "last_reused_at": item.last_reused_at,
    })
    if document.last_reused_at is not None and RETENTION[document.source].expires:
        kept = max(document.retain_until, retain_until(document.source, document.last_reused_at))
        document = document.model_copy(update={"retain_until": kept})
    return document


def get_document(owner: str, doc_type: str, item_id: str) -> StoredDocument | None:
    try:
        return _document(EDataItem.get(owner_pk(owner), doc_sk(doc_type, item_id), consistent_read=True))
    except DoesNotExist:
        return None


def documents(owner: str, doc_type: str | None = None) -> Iterator[StoredDocument]:
    prefix = f"DOC#{doc_type}#" if doc_type else "DOC#"
    for item in EDataItem.query(owner_pk(owner), EDataItem.sk.startswith(prefix), consistent_read=True):
        yield _document(item)


def put_document(document: StoredDocument) -> None:
    """Create or update a stored document; its reuse counter is left as it is."""
    data = document.model_dump(mode="json", exclude={"reuse_count", "last_reused_at"})
    ttl = expires_at(document.source, document.last_reused_at or document.stored_at)
    item = EDataItem(pk=owner_pk(document.owner), sk=doc_sk(document.doc_type, document.id))
    item.update(actions=[EDataItem.data.set(data),
                         EDataItem.expires_at.set(ttl) if ttl is not None else EDataItem.expires_at.remove()])


def count_reuse(document: StoredDocument, at: dt.datetime) -> StoredDocument:
    """One more reuse; a reusable component's retention starts again from now."""
    item = EDataItem(pk=owner_pk(document.owner), sk=doc_sk(document.doc_type, document.id))
    ttl = expires_at(document.source, at)
    item.update(
        actions=[EDataItem.reuse_count.add(1), EDataItem.last_reused_at.set(at.isoformat()),
                 *([EDataItem.expires_at.set(ttl)] if ttl is not None else [])],
        condition=EDataItem.pk.exists(),
    )
    return _document(item)


def put_refused(refused: RefusedDossier) -> None:
    EDataItem(pk=owner_pk(refused.owner), sk=f"REFUSED#{refused.dossier_code}",
              data=refused.model_dump(mode="json"), expires_at=expires_at("refused", refused.refused_at)).save()


def refused_dossiers(owner: str) -> list[RefusedDossier]:
    return [RefusedDossier.model_validate(i.data)
            for i in EDataItem.query(owner_pk(owner), EDataItem.sk.startswith("REFUSED#"), consistent_read=True)]
