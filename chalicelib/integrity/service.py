"""Verify a dossier's chain as stored: its events read by key (one Query), META's head, and —
once anchored — the daily anchors (chalicelib.integrity.anchor). Used by the admin API, the
dossier page and the operator command."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.integrity import anchor
from chalicelib.integrity.chain import ChainReport, Finding, Head, Seal, verify_chain
from chalicelib.integrity.index import day_of
from chalicelib.integrity.model import IntegrityFinding, IntegrityReport
from chalicelib.integrity.seal import stored_seal
from chalicelib.privacy import store as access_log
from chalicelib.store.dossiers import dossier_pk
from chalicelib.store.models import DossierItem, EventItem


def stored_chain(code: str) -> tuple[DossierItem | None, list[tuple[int, dict[str, Any]]]]:
    """META (None if absent) and the events exactly as stored, in key order."""
    pk = dossier_pk(code)
    try:
        meta: DossierItem | None = DossierItem.get(pk, "META", consistent_read=True)
    except DoesNotExist:
        meta = None
    events = [(int(i.sk.removeprefix("EVENT#")), dict(i.data))
              for i in EventItem.query(pk, EventItem.sk.startswith("EVENT#"), consistent_read=True)]
    return meta, events


def meta_head(meta: DossierItem) -> Head:
    """What META says: the dossier's last event and its hash."""
    return Head(seq=int(meta.data.get("seq", 0)), hash=meta.chain_head or "", where="hồ sơ (bản ghi chính)", last=True)


def to_report(subject: str, chain: ChainReport, at: dt.datetime, last_anchored_day: str | None = None) \
        -> IntegrityReport:
    if chain.holds:
        summary = f"{subject}: nhật ký toàn vẹn — {chain.events} sự kiện, không phát hiện thay đổi nào."
    else:
        summary = f"{subject}: nhật ký KHÔNG toàn vẹn — phát hiện {len(chain.findings)} điểm bất thường."
    return IntegrityReport(
        subject=subject, chain=chain.chain, holds=chain.holds, summary=summary, events=chain.events, head=chain.head,
        checked=chain.checked, findings=[IntegrityFinding(code=f.code, seq=f.seq, message=f.message)
                                         for f in chain.findings],
        last_anchored_day=last_anchored_day, checked_at=at)


def _days(events: list[tuple[int, dict[str, Any]]]) -> list[str]:
    """The days (Asia/Ho_Chi_Minh) on which the stored events were written."""
    days = set()
    for _, event in events:
        try:
            days.add(day_of(dt.datetime.fromisoformat(str(event.get("at")))))
        except ValueError:
            continue  # an unreadable time is the chain's fault (EVENT_ALTERED), not a day
    return sorted(days)


def verify_dossier(code: str) -> IntegrityReport | None:
    """The verification of dossier ``code``'s history — its chain, META's head and every anchored day it
    changed on; None when there is neither a dossier nor an event."""
    meta, events = stored_chain(code)
    if meta is None and not events:
        return None
    heads = [meta_head(meta)] if meta is not None else []
    return _anchored(f"Hồ sơ {code}", dossier_pk(code), "dossiers", events, heads, meta_missing=meta is None,
                     seal=stored_seal(code))


def verify_subject(subject_key: str) -> IntegrityReport:
    """The verification of one person's personal-data access log (chain ``SUBJECT#<key>``, the key an HMAC
    of their personal number): the chain, and every anchored day an access was made on (no access at all:
    CHAIN_EMPTY)."""
    events = access_log.chain(subject_key)
    return _anchored("Nhật ký truy cập dữ liệu cá nhân của chủ thể", f"SUBJECT#{subject_key}", "accesslog", events, [])


def _anchored(subject: str, chain: str, kind: str, events: list[tuple[int, dict[str, Any]]], heads: list[Head], *,
              meta_missing: bool = False, seal: Seal | None = None) -> IntegrityReport:
    """``chain`` recomputed and compared with ``heads`` and with each anchored day it changed on."""
    # a day with only events written before chaining had no day index entry for the chain: no leaf to find
    chained = set(_days([(s, e) for s, e in events if e.get("hash")]))
    checks = [c for c in (anchor.check(chain, day, kind) for day in _days(events)) if c is not None
              and not (c.code == "ANCHOR_LEAF_MISSING" and c.day not in chained)]
    heads = heads + [Head(c.seq, c.hash, f"ngày neo {c.day}") for c in checks if c.seq]
    if seal is not None:  # the seal's own leaf (chain SEAL#DOSSIER#<code>) in the anchor of its day
        sealed = anchor.check(f"SEAL#{chain}", day_of(dt.datetime.fromisoformat(seal.at)), kind)
        if sealed is not None:
            checks.append(sealed)
            heads.append(Head(sealed.seq, sealed.hash, f"niêm phong đã neo ngày {sealed.day}"))
    report = verify_chain(chain, events, heads, seal)
    if meta_missing:
        report.fault("HEAD_MISMATCH", report.last_seq, where="hồ sơ (bản ghi chính)", found="không còn bản ghi chính")
    for c in checks:
        if c.code is not None and c.problem is not None:
            report.findings.append(Finding(c.code, c.seq, c.problem))
        else:
            report.checked.append(f"Ngày {c.day}: đầu chuỗi (sự kiện số {c.seq}) nằm trong cây Merkle của ngày, gốc "
                                  f"cây có dấu thời gian RFC 3161 hợp lệ lúc {c.timestamped_at}.")
    anchored = [c.day for c in checks if c.problem is None]
    return to_report(subject, report, dt.datetime.now(dt.UTC), anchored[-1] if anchored else None)
