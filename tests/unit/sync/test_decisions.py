"""The sync's pure decisions: which steps are missing, how long to back off, what counts as
drift, how a message and a download name are read."""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.presign import content_disposition
from chalicelib.sync.deliver import BrokenTrail, missing_steps
from chalicelib.sync.handler import DEFAULT_BACKOFF, Backoff, Signal
from chalicelib.sync.reconcile import classify
from chalicelib.sync.store import Cursor
from tests.unit.sync import samples


def trail(n: int) -> tuple[Any, list[Any]]:
    return samples.walk(samples.new_dossier(samples.dossier_code(1), samples.START), samples.FULL[:n], samples.START)


def test_missing_steps_are_those_after_the_cursor_up_to_the_dossier_as_read() -> None:
    dossier, events = trail(8)
    assert [e.seq for e in missing_steps(dossier, Cursor("dvcqg", acked=3), events)] == [4, 5, 6, 7, 8]
    assert missing_steps(dossier, Cursor("dvcqg", acked=8), events) == []
    # Steps committed after the dossier was read wait for their own message.
    earlier = dossier.model_copy(update={"seq": 6})
    assert [e.seq for e in missing_steps(earlier, Cursor("dvcqg", acked=3), events)] == [4, 5, 6]


def test_a_gap_in_the_trail_is_refused() -> None:
    dossier, events = trail(6)
    with pytest.raises(BrokenTrail):
        missing_steps(dossier, Cursor("dvcqg", acked=1), [e for e in events if e.seq != 4])
    with pytest.raises(BrokenTrail):
        missing_steps(dossier, Cursor("dvcqg", acked=1), events[:-1])


def test_backoff_doubles_from_the_base_up_to_the_cap() -> None:
    assert [DEFAULT_BACKOFF.delay(n) for n in range(1, 8)] == [30, 60, 120, 240, 480, 900, 900]
    assert Backoff(base_s=1, cap_s=5).delay(0) == 1
    assert [Backoff(base_s=0, cap_s=5).delay(n) for n in (1, 5)] == [0, 0]
    # Under infra's maxReceiveCount 5, a message reaches the DLQ after ~15 minutes of failures.
    assert sum(DEFAULT_BACKOFF.delay(n) for n in range(1, 6)) == 930


def test_signal_is_the_outbox_relays_message() -> None:
    assert Signal.model_validate_json('{"code": "000.00.13.H26-260115-0001", "seq": 3}').seq == 3
    for bad in ('{"code": "x"}', '{"code": "", "seq": 1}', '{"code": "x", "seq": 0}', "not json", "[]"):
        with pytest.raises(ValidationError):
            Signal.model_validate_json(bad)


def found(records: int, status: str) -> dict[str, Any]:
    return {"HoSo": {"TrangThaiHoSo": status}, "TienDo": [{}] * records}


@pytest.mark.parametrize(("acked", "seen", "seq", "status", "answer", "kind"), [
    (5, True, 5, "4", found(5, "4"), None),  # in agreement
    (3, True, 5, "4", found(3, "2"), None),  # lagging: DVCQG agrees with the cursor
    (0, False, 1, "1", None, None),  # never reached DVCQG yet
    (5, True, 5, "4", found(3, "4"), "missing"),  # DVCQG lost records
    (5, True, 5, "4", None, "unknown"),  # DVCQG lost the dossier
    (3, True, 5, "4", found(5, "4"), "ahead"),  # an acknowledgement was lost
    (5, True, 5, "4", found(5, "2"), "status"),  # every step there, another status shown
])  # fmt: skip
def test_classify_drift(acked: int, seen: bool, seq: int, status: str, answer: Any, kind: str | None) -> None:
    drift = classify("c", acked, seen, seq, status, answer)
    assert (drift.kind if drift else None) == kind


def test_download_name_keeps_vietnamese_and_has_an_ascii_fallback() -> None:
    header = content_disposition('Giấy chứng sinh "bản sao".pdf')
    assert header.startswith('attachment; filename="Gi_y ch_ng sinh _b_n sao_.pdf"; ')
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert urllib.parse.unquote(encoded) == 'Giấy chứng sinh "bản sao".pdf'
    assert header.isascii()
