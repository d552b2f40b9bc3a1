"""The genesis rule for events written before chaining (docs/integrity.md, "Sự kiện trước khi có chuỗi"),
pure: a legacy prefix that a seal — or the first chained event's ``prev_hash`` — commits to verifies and is
reported as sealed; without either it is still EVENT_UNCHAINED; any change to a sealed legacy event is
LEGACY_ALTERED; the events after it are checked as any chain's."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.integrity.canonical import legacy_hash, link
from chalicelib.integrity.chain import Head, Seal, verify_chain

CHAIN = "DOSSIER#000.00.01.H79-201207-0001"
AT = "2026-12-07T09:00:00+07:00"


def legacy(n: int) -> list[tuple[int, dict[str, Any]]]:
    """Events as stored before chaining: no ``prev_hash``, no ``hash``."""
    return [(s, {"seq": s, "action": f"buoc_{s}", "note": "Trần Thị Bích đã xử lý", "at": AT}) for s in range(1, n + 1)]


def chained_after(prefix: list[tuple[int, dict[str, Any]]], m: int, prev: str) -> list[tuple[int, dict[str, Any]]]:
    out, n = [], len(prefix)
    for s in range(n + 1, n + m + 1):
        event = link(CHAIN, {"seq": s, "action": f"buoc_{s}", "at": AT}, prev)
        out.append((s, event))
        prev = event["hash"]
    return out


def rule(prefix: list[tuple[int, dict[str, Any]]]) -> str:
    return legacy_hash(CHAIN, [e for _, e in prefix])


def codes(stored: list[tuple[int, dict[str, Any]]], seal: Seal | None = None,
          heads: tuple[Head, ...] = ()) -> list[tuple[str, int]]:
    return [(f.code, f.seq) for f in verify_chain(CHAIN, stored, heads, seal).findings]


def test_the_rule_is_the_hash_of_the_canonical_legacy_prefix() -> None:
    import hashlib
    import json
    prefix = legacy(2)
    expected = hashlib.sha256(json.dumps({"chain": CHAIN, "legacy": [e for _, e in prefix]}, sort_keys=True,
                                         separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
    assert rule(prefix) == expected


def test_an_unsealed_prefix_is_still_unchained() -> None:
    assert codes(legacy(3)) == [("EVENT_UNCHAINED", 1), ("EVENT_UNCHAINED", 2), ("EVENT_UNCHAINED", 3)]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 6), m=st.integers(0, 4))
def test_a_sealed_prefix_and_the_chain_after_it_verify(n: int, m: int) -> None:
    prefix = legacy(n)
    sealed = rule(prefix)
    stored = prefix + chained_after(prefix, m, sealed)
    head_seq, head_hash = (n + m, stored[-1][1]["hash"]) if m else (n, sealed)
    report = verify_chain(CHAIN, stored, [Head(head_seq, head_hash, "hồ sơ (bản ghi chính)", last=True)],
                          Seal(n, sealed, AT))
    assert report.holds, report.findings
    assert f"{n} sự kiện trước khi có chuỗi băm đã được niêm phong ngày 2026-12-07" in " ".join(report.checked)
    assert report.head == head_hash


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 6), m=st.integers(1, 4))
def test_the_first_chained_event_alone_commits_to_the_prefix(n: int, m: int) -> None:
    prefix = legacy(n)
    assert codes(prefix + chained_after(prefix, m, rule(prefix))) == []
    # linked to anything else (the empty head of a dossier without one): the prefix is not committed to
    assert codes(prefix + chained_after(prefix, m, "")) == [("LEGACY_ALTERED", n)]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 6), m=st.integers(0, 3), data=st.data())
def test_any_change_to_a_sealed_legacy_event_is_named(n: int, m: int, data: st.DataObject) -> None:
    prefix = legacy(n)
    sealed = rule(prefix)
    stored = prefix + chained_after(prefix, m, sealed)
    victim = data.draw(st.integers(0, n - 1))
    seq, event = stored[victim]
    stored[victim] = (seq, {**event, "note": event["note"] + "."})
    found = codes(stored, Seal(n, sealed, AT))
    assert found == [("LEGACY_ALTERED", n)]
    assert codes(stored) == ([("LEGACY_ALTERED", n)] if m else [("EVENT_UNCHAINED", s) for s in range(1, n + 1)])


def test_a_deleted_or_swapped_legacy_event_is_named() -> None:
    prefix = legacy(3)
    seal = Seal(3, rule(prefix), AT)
    after = chained_after(prefix, 1, seal.hash)
    assert codes([prefix[0], prefix[2], *after], seal) == [
        ("LEGACY_ALTERED", 1), ("EVENT_MISSING", 2), ("EVENT_UNCHAINED", 3), ("CHAIN_BROKEN", 4)]
    swapped = [(1, prefix[1][1]), (2, prefix[0][1]), prefix[2], *after]
    assert codes(swapped, seal) == [("LEGACY_ALTERED", 3)]


def test_the_message_is_plain_vietnamese() -> None:
    prefix = legacy(2)
    stored = [(1, {**prefix[0][1], "note": "sửa"}), prefix[1]]
    report = verify_chain(CHAIN, stored, (), Seal(2, rule(prefix), AT))
    assert report.findings[0].message.startswith("Các sự kiện số 1–2 (ghi trước khi có chuỗi băm, niêm phong "
                                                 "ngày 2026-12-07) đã bị sửa")


def test_a_seal_accepts_a_first_chained_event_linked_before_the_rule() -> None:
    prefix = legacy(2)
    seal = Seal(2, rule(prefix), AT)
    assert codes(prefix + chained_after(prefix, 2, ""), seal) == []
    assert codes(prefix + chained_after(prefix, 2, "f" * 64), seal) == [("CHAIN_BROKEN", 3)]
