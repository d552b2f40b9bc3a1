"""The migration's writes and reads (docs/migration.md, "Ghi vào hoso").

- ``MIGREF#<old unit>#<old code>`` / ``REF`` in the dossiers table: the reference of an imported old
  dossier (hoso's code, the record's hash, the run). Put only if absent, in THE SAME transaction as the
  dossier: a record imported before is never written twice, whatever the interruption.
- One transaction per record: the reference, the dossier (put only if its code is free), its history as
  events written before the chain (no ``hash``: docs/integrity.md "Sự kiện trước khi có chuỗi"), the
  migration's own event — the first link of the chain, after ``legacy_hash`` of that history, so the
  history is committed to at once — with its day index entry, the unit's FR-20 counters and the report
  aggregates (imported dossiers count in reports like any other), the code's counter when a code is
  allocated, and the outbox record only when the run is asked to sync.
- Files: read from the export's bucket, checked against their SHA-256, written to hoso's buckets under
  a key fixed by the record (``rules.document_key``) before the transaction (a resumed import writes the
  same object again; a file whose record was never written is not referenced).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.aws import client
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.codes import counter_key, format_dossier_code
from chalicelib.domain.dossier import AuditEvent, Dossier
from chalicelib.integrity.canonical import GENESIS, legacy_hash, link
from chalicelib.integrity.index import day_item
from chalicelib.notifications import counters as unit_counters
from chalicelib.reports import counters as report_counters
from chalicelib.store.dossiers import OUTBOX_TTL_S, dossier_pk
from chalicelib.store.dossiers import _to_item as dossier_item  # the dossier's item, indexes and all
from chalicelib.store.models import (
    CounterItem,
    DossierItem,
    DossiersTable,
    EventItem,
    OutboxItem,
    transaction_connection,
)
from chalicelib.sync.destinations import outbox_data

MAX_ATTEMPTS = 50


class MigrationRefItem(DossiersTable):
    code = UnicodeAttribute()  # the dossier's code in hoso
    record_hash = UnicodeAttribute()  # SHA-256 of the old record as imported
    run_id = UnicodeAttribute()
    imported_at = UnicodeAttribute()


def ref_pk(old_unit: str, old_code: str) -> str:
    return f"MIGREF#{old_unit}#{old_code}"


@dataclass(frozen=True)
class Reference:
    code: str
    record_hash: str
    run_id: str


def find_reference(old_unit: str, old_code: str) -> Reference | None:
    try:
        item = MigrationRefItem.get(ref_pk(old_unit, old_code), "REF", consistent_read=True)
    except DoesNotExist:
        return None
    return Reference(code=item.code, record_hash=item.record_hash, run_id=item.run_id)


def code_taken(code: str) -> bool:
    try:
        DossierItem.get(dossier_pk(code), "META", attributes_to_get=["pk"])
    except DoesNotExist:
        return False
    return True


def get_dossier(code: str) -> Dossier | None:
    try:
        return Dossier.model_validate(DossierItem.get(dossier_pk(code), "META", consistent_read=True).data)
    except DoesNotExist:
        return None


class FileProblem(Exception):
    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind}: {key}")
        self.kind = kind  # "missing" | "checksum"
        self.key = key


def read_file(bucket: str, key: str, sha256: str) -> bytes:
    """An exported file's bytes, checked against its SHA-256; :class:`FileProblem` if absent or different."""
    try:
        body = client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    except client("s3").exceptions.NoSuchKey:
        raise FileProblem("missing", key) from None
    if hashlib.sha256(body).hexdigest() != sha256:
        raise FileProblem("checksum", key)
    return bytes(body)


def put_file(bucket: str, key: str, content: bytes, content_type: str) -> None:
    """Write a checked file into hoso's bucket (its checksum named: the results bucket's Object Lock needs it)."""
    digest = hashlib.sha256(content)
    client("s3").put_object(Bucket=bucket, Key=key, Body=content, ContentType=content_type,
                            ChecksumAlgorithm="SHA256", ChecksumSHA256=base64.b64encode(digest.digest()).decode(),
                            Metadata={"sha256": digest.hexdigest()})


def stored_sha256(bucket: str, key: str) -> str | None:
    """The SHA-256 a file in hoso's bucket was written with (its metadata); None if there is no such file."""
    try:
        head = client("s3").head_object(Bucket=bucket, Key=key)
    except client("s3").exceptions.ClientError:
        return None
    return str(head.get("Metadata", {}).get("sha256", ""))


class AlreadyImported(Exception):
    def __init__(self, reference: Reference) -> None:
        super().__init__(reference.code)
        self.reference = reference


def _counter(key: str) -> int:
    try:
        return int(CounterItem.get(key, "SEQ", consistent_read=True).n)
    except DoesNotExist:
        return 0


def write(build: Callable[[str], Dossier], *, unit_code: str, keep_code: str | None, received_on: dt.date,
          history: list[AuditEvent], migration_event: AuditEvent, old_unit: str, old_code: str, record_hash: str,
          run_id: str, sync: bool) -> Dossier:
    """Write one imported dossier (see the module docstring) and return it. ``keep_code``: the old code, kept
    when hoso holds no dossier with it; otherwise a code is allocated from ``unit_code``'s counter of
    ``received_on`` (a code found taken — an old code kept earlier — is skipped). :class:`AlreadyImported`
    when the reference exists (this run or another wrote it)."""
    kept = keep_code if keep_code and not code_taken(keep_code) else None
    key = counter_key(unit_code, received_on)
    skip = 0
    for attempt in range(MAX_ATTEMPTS):
        current = 0 if kept else _counter(key)
        code = kept or format_dossier_code(unit_code, received_on, current + 1 + skip)
        chain = dossier_pk(code)
        stored = [e.model_dump(mode="json") for e in history]
        last = link(chain, migration_event.model_dump(mode="json"), legacy_hash(chain, stored) if stored else GENESIS)
        dossier: Dossier = build(code).model_copy(update={"chain_head": last["hash"]})
        try:
            with TransactWrite(connection=transaction_connection()) as tx:
                tx.save(MigrationRefItem(pk=ref_pk(old_unit, old_code), sk="REF", code=code, record_hash=record_hash,
                                         run_id=run_id, imported_at=dt.datetime.now(VN_TZ).isoformat()),
                        condition=MigrationRefItem.pk.does_not_exist())
                tx.save(dossier_item(dossier), condition=DossierItem.pk.does_not_exist())
                for event in stored:
                    tx.save(EventItem(pk=chain, sk=f"EVENT#{event['seq']:06d}", data=event))
                tx.save(EventItem(pk=chain, sk=f"EVENT#{migration_event.seq:06d}", data=last))
                tx.save(day_item(chain, migration_event.at, migration_event.seq, last["hash"]))
                if sync:
                    tx.save(OutboxItem(pk=chain, sk=f"OUTBOX#{migration_event.seq:06d}", kind="transition",
                                       data=outbox_data(code, migration_event.seq, dossier.province_code),
                                       expires_at=int(migration_event.at.timestamp()) + OUTBOX_TTL_S))
                if not kept:
                    if current == 0:
                        tx.save(CounterItem(pk=key, sk="SEQ", n=1 + skip), condition=CounterItem.pk.does_not_exist())
                    else:
                        tx.update(CounterItem(pk=key, sk="SEQ"), actions=[CounterItem.n.set(current + 1 + skip)],
                                  condition=CounterItem.n == current)
                pk = unit_counters.partition(dossier.unit_code, code)
                for sk, n in unit_counters.deltas(None, dossier):
                    tx.update(CounterItem(pk=pk, sk=sk), actions=[CounterItem.n.add(n)])
                report_counters.count(tx, None, dossier)  # imported dossiers count in reports (FR-23…25)
            return dossier
        except TransactWriteError:
            found = find_reference(old_unit, old_code)
            if found is not None:
                raise AlreadyImported(found) from None
            if kept and code_taken(kept):
                kept = None  # another dossier took the old code meanwhile: allocate one
            elif not kept:
                # the counter moved (another writer): read it again; or it did not and the code it gives is
                # taken by an old code kept earlier: skip that one
                skip = skip + 1 if _counter(key) == current and code_taken(code) else 0
            time.sleep(random.uniform(0, min(0.2, 0.005 * 2 ** min(attempt, 6))))  # noqa: S311 — jitter
    raise RuntimeError(f"could not write the imported dossier {old_unit}/{old_code}")
