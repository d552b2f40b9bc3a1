"""The hash chain, pure: the canonical form is one byte string per value, and every kind of tampering
with a stored chain is detected and named (changed field, deleted event, two events reordered,
truncated chain), while an untouched history — any history — verifies."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.integrity.canonical import GENESIS, canonical, event_hash, link
from chalicelib.integrity.chain import Head, verify_chain

CHAIN = "DOSSIER#000.00.01.H79-261207-0001"


def history(contents: list[dict[str, Any]], chain: str = CHAIN) -> list[tuple[int, dict[str, Any]]]:
    out, prev = [], GENESIS
    for seq, content in enumerate(contents, 1):
        event = link(chain, {**content, "seq": seq}, prev)
        out.append((seq, event))
        prev = event["hash"]
    return out


def sample(n: int) -> list[tuple[int, dict[str, Any]]]:
    return history([{"action": f"buoc_{i}", "note": "Nguyễn Văn Ân đã xử lý", "to_status": i, "attachments": []}
                    for i in range(n)])


def codes(stored: list[tuple[int, dict[str, Any]]], heads: tuple[Head, ...] = ()) -> list[tuple[str, int]]:
    return [(f.code, f.seq) for f in verify_chain(CHAIN, stored, heads).findings]


def meta(stored: list[tuple[int, dict[str, Any]]]) -> Head:
    seq, last = stored[-1]
    return Head(seq, last["hash"], "hồ sơ (bản ghi chính)", last=True)


def test_the_canonical_form_sorts_keys_has_no_whitespace_and_keeps_utf8() -> None:
    assert canonical({"b": [1, True, None], "a": "Đạt"}) == '{"a":"Đạt","b":[1,true,null]}'.encode()
    assert canonical({"a": 1, "b": 2}) == canonical({"b": 2, "a": 1})
    with pytest.raises(ValueError, match="floating-point"):
        canonical({"amount": 1.5})


def test_the_hash_leaves_out_its_own_field_and_binds_the_chain() -> None:
    event = link(CHAIN, {"seq": 1, "note": "x"}, GENESIS)
    assert event["prev_hash"] == GENESIS and event_hash(CHAIN, event) == event["hash"]
    assert event_hash("DOSSIER#khac", event) != event["hash"], "an event copied to another dossier does not verify"


def test_an_untouched_history_holds() -> None:
    stored = sample(5)
    report = verify_chain(CHAIN, stored, (meta(stored),))
    assert report.holds and report.events == 5 and report.head == stored[-1][1]["hash"]
    assert report.checked and "5 sự kiện" in report.checked[0]


def test_a_changed_field_is_named() -> None:
    stored = sample(5)
    stored[2][1]["note"] = "đã sửa"
    assert codes(stored, (meta(stored),)) == [("EVENT_ALTERED", 3)]


def test_a_changed_field_with_its_hash_recomputed_breaks_the_next_link() -> None:
    stored = sample(5)
    stored[2] = (3, link(CHAIN, {**stored[2][1], "note": "đã sửa"}, stored[2][1]["prev_hash"]))
    assert codes(stored, (meta(sample(5)),)) == [("CHAIN_BROKEN", 4)]


def test_a_deleted_event_is_named() -> None:
    stored = sample(5)
    del stored[1]
    assert codes(stored, (meta(stored),)) == [("EVENT_MISSING", 2)]


def test_a_deleted_last_event_is_caught_by_the_head() -> None:
    full = sample(5)
    assert codes(full[:-1], (Head(5, full[-1][1]["hash"], "hồ sơ", last=True),)) == [("HEAD_MISMATCH", 5)]


def test_two_reordered_events_are_named() -> None:
    stored = sample(5)
    (s2, e2), (s3, e3) = stored[1], stored[2]
    stored[1], stored[2] = (s2, e3), (s3, e2)
    assert codes(stored, (meta(stored),)) == [("EVENT_REORDERED", 2), ("EVENT_REORDERED", 3)]


def test_an_event_written_outside_the_chain_is_named() -> None:
    stored = sample(3)
    stored.append((4, {"seq": 4, "note": "ghi thẳng vào bảng"}))
    assert ("EVENT_UNCHAINED", 4) in codes(stored)


def test_an_anchored_head_that_the_chain_no_longer_holds_is_named() -> None:
    stored = sample(4)
    anchored = Head(2, stored[1][1]["hash"], "ngày neo 2026-12-06")
    assert codes(stored, (anchored,)) == []
    rewritten = history([{"action": "khac"}] * 4)
    assert codes(rewritten, (anchored,)) == [("HEAD_MISMATCH", 2)]


def test_events_after_the_dossiers_head_are_named() -> None:
    stored = sample(4)
    assert codes(stored, (Head(3, stored[2][1]["hash"], "hồ sơ", last=True),)) == [("HEAD_MISMATCH", 3)]


def test_no_events_is_named() -> None:
    assert codes([]) == [("CHAIN_EMPTY", 0)]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8)
contents = st.lists(st.dictionaries(st.sampled_from(["action", "note", "actor", "to_status", "attachments"]),
                                    json_values, min_size=1), min_size=2, max_size=12)


@settings(max_examples=60, deadline=None)
@given(contents=contents)
def test_any_untouched_history_holds(contents: list[dict[str, Any]]) -> None:
    stored = history(contents)
    assert verify_chain(CHAIN, stored, (meta(stored),)).holds


@settings(max_examples=60, deadline=None)
@given(contents=contents, data=st.data())
def test_any_tampering_is_detected_at_the_right_event(contents: list[dict[str, Any]], data: st.DataObject) -> None:
    stored = history(contents)
    head = meta(stored)
    n = len(stored)
    kind = data.draw(st.sampled_from(["change", "delete", "swap"]))
    at = data.draw(st.integers(1, n - 1 if kind == "swap" else n))
    if kind == "change":
        stored[at - 1][1]["note"] = f"{stored[at - 1][1].get('note')}!"
        expected = {("EVENT_ALTERED", at)}
    elif kind == "delete":
        del stored[at - 1]
        expected = {("EVENT_MISSING", at)} if at < n else {("HEAD_MISMATCH", n)}
    else:
        (sa, ea), (sb, eb) = stored[at - 1], stored[at]
        stored[at - 1], stored[at] = (sa, eb), (sb, ea)
        expected = {("EVENT_REORDERED", at), ("EVENT_REORDERED", at + 1)}
    found = set(codes(stored, (head,)))
    assert found and expected <= found
