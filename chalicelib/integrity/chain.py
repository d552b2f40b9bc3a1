"""Verification of one hash chain, as a pure function: what was checked, and every fault found,
each with a stable code and a plain Vietnamese message (docs/integrity.md lists the codes).

The chain is given as it is stored: ``(seq of the key, the stored event)`` in key order. The
expected head (what the dossier's META — or an anchored day — says the last event is) is checked
too, so a truncated chain is caught even though what is left still links up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from chalicelib.integrity.canonical import GENESIS, HASH_FIELD, event_hash, legacy_hash

CODES: Final[dict[str, str]] = {
    "EVENT_ALTERED": "Sự kiện số {seq} đã bị sửa sau khi ghi: mã băm tính lại không khớp mã băm đã lưu.",
    "EVENT_MISSING": "Thiếu sự kiện số {seq}: chuỗi nhảy từ sự kiện trước sang sự kiện sau.",
    "EVENT_REORDERED": "Sự kiện ở vị trí {seq} mang số thứ tự {found}: các sự kiện đã bị đổi chỗ.",
    "CHAIN_BROKEN": "Sự kiện số {seq} không nối với sự kiện trước: mã băm trước đó không khớp.",
    "EVENT_UNCHAINED": "Sự kiện số {seq} không có mã băm: được ghi ngoài chuỗi.",
    "LEGACY_ALTERED": "Các sự kiện số 1–{seq} (ghi trước khi có chuỗi băm, niêm phong ngày {day}) đã bị sửa, xoá "
                      "hoặc đổi chỗ sau khi niêm phong: mã băm của phần đầu không khớp mã băm đã niêm phong.",
    "HEAD_MISMATCH": "Đầu chuỗi không khớp: {where} ghi sự kiện cuối là số {seq}, còn chuỗi đang lưu {found}.",
    "CHAIN_EMPTY": "Không tìm thấy sự kiện nào của chuỗi.",
}


@dataclass(frozen=True)
class Finding:
    code: str
    seq: int
    message: str


@dataclass(frozen=True)
class Head:
    """What another record says the chain held: ``hash`` of event ``seq`` (``where`` names the record);
    ``last``: the record says no event comes after it (the dossier's META), not just that the chain
    went through it (an anchored day)."""

    seq: int
    hash: str
    where: str
    last: bool = False


@dataclass(frozen=True)
class Seal:
    """A seal of the chain's legacy prefix (events 1..``through`` written before chaining): the hash it
    recorded (:func:`~chalicelib.integrity.canonical.legacy_hash`) and when (ISO time)."""

    through: int
    hash: str
    at: str


@dataclass
class ChainReport:
    chain: str
    events: int = 0
    last_seq: int = 0
    head: str = ""
    checked: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return not self.findings

    def fault(self, code: str, seq: int, **values: Any) -> None:
        self.findings.append(Finding(code, seq, CODES[code].format(seq=seq, **values)))


def _legacy(chain: str, stored: Sequence[tuple[int, dict[str, Any]]], seal: Seal | None, report: ChainReport) \
        -> tuple[Sequence[tuple[int, dict[str, Any]]], dict[int, str]]:
    """The legacy prefix (events 1..n without a hash, written before chaining) checked against what commits
    to it — the seal, or else the first chained event's ``prev_hash`` — and left out of the link checks:
    (the events still to check, {n: the prefix's hash}). When nothing commits to it (no seal, no chained
    event after it), every event is checked as any chain's: the prefix is EVENT_UNCHAINED."""
    n = 0
    while n < len(stored) and stored[n][0] == n + 1 and not stored[n][1].get(HASH_FIELD):
        n += 1
    after = stored[n][1] if n < len(stored) else None
    if n == 0 or (seal is None and after is None):
        return stored, {}
    computed = legacy_hash(chain, [event for _, event in stored[:n]])
    sealed_at = seal.at if seal is not None else str(after.get("at") if after is not None else "")
    committed = seal.hash if seal is not None else str(after.get("prev_hash") if after is not None else "")
    day = sealed_at[:10] or "không rõ"
    if (seal is not None and seal.through != n) or committed != computed:
        report.fault("LEGACY_ALTERED", n, day=day)
        return stored[n:], {n: committed}
    report.checked.append(f"{n} sự kiện trước khi có chuỗi băm đã được niêm phong ngày {day}: mã băm của cả "
                          "phần đầu tính lại khớp (chúng chỉ được bảo vệ từ ngày niêm phong).")
    return stored[n:], {n: computed}


def _linked_after(legacy: dict[int, str], stored: Sequence[tuple[int, dict[str, Any]]], seal: Seal | None) \
        -> dict[int, str]:
    """What the first chained event after a legacy prefix links to: the prefix's hash — or ``""`` when a seal
    commits to the prefix and that event was written before the rule (linked after an empty head)."""
    if seal is not None and stored and stored[0][1].get("prev_hash") == "":
        return {n: "" for n in legacy}
    return legacy


def verify_chain(chain: str, stored: Sequence[tuple[int, dict[str, Any]]], heads: Sequence[Head] = (),
                 seal: Seal | None = None) -> ChainReport:
    """Recompute ``chain`` from its first event and compare with every ``heads`` entry; a legacy prefix
    (events written before chaining) is accepted when ``seal`` or the first chained event commits to it."""
    report = ChainReport(chain=chain, events=len(stored))
    if not stored:
        report.fault("CHAIN_EMPTY", 0)
    stored, legacy = _legacy(chain, stored, seal, report)
    # each event links to the event whose own seq is one less, wherever that is stored: two swapped
    # events are named once each (EVENT_REORDERED), not again as broken links after them
    own = {e.get("seq"): str(e.get(HASH_FIELD) or "") for _, e in stored if isinstance(e.get("seq"), int)}
    by_own_seq: dict[Any, str] = {**_linked_after(legacy, stored, seal), **own}
    expected, by_seq = 1 + max(legacy, default=0), dict(legacy)
    for key_seq, event in stored:
        for missing in range(expected, key_seq):
            report.fault("EVENT_MISSING", missing)
        found = event.get("seq")
        if found != key_seq:
            report.fault("EVENT_REORDERED", key_seq, found=found)
        stored_hash = str(event.get(HASH_FIELD) or "")
        if not stored_hash:
            report.fault("EVENT_UNCHAINED", key_seq)
        elif event_hash(chain, event) != stored_hash:
            report.fault("EVENT_ALTERED", key_seq)
        elif isinstance(found, int):
            previous = GENESIS if found == 1 else by_own_seq.get(found - 1)
            if previous is not None and event.get("prev_hash") != previous:
                report.fault("CHAIN_BROKEN", key_seq)  # linked to something else than the event before it
        by_seq[key_seq] = stored_hash
        expected = key_seq + 1
    report.last_seq = expected - 1
    report.head = by_seq.get(report.last_seq, "")
    report.checked.append(f"Tính lại mã băm SHA-256 của {len(stored)} sự kiện và liên kết giữa các sự kiện liên tiếp.")
    for head in heads:
        report.checked.append(f"Đối chiếu với {head.where}: sự kiện số {head.seq}.")
        if by_seq.get(head.seq) != head.hash:
            found_text = (f"có sự kiện số {head.seq} với mã băm khác" if head.seq in by_seq
                          else f"dừng ở sự kiện số {report.last_seq}")
            report.fault("HEAD_MISMATCH", head.seq, where=head.where, found=found_text)
        elif head.last and head.seq < report.last_seq:
            report.fault("HEAD_MISMATCH", head.seq, where=head.where, found=f"tới sự kiện số {report.last_seq}")
    return report
