"""The incident rules of a specialised software's outage (chalicelib/specialised/model.py)."""

from __future__ import annotations

import datetime as dt

from chalicelib.specialised import model


def test_a_dossier_is_queued_after_its_retries_or_at_once_while_its_software_is_down() -> None:
    assert [model.should_queue(n, False) for n in range(1, model.HANDOVER_ATTEMPTS + 1)] == \
        [False] * (model.HANDOVER_ATTEMPTS - 1) + [True]
    assert model.should_queue(1, True)


def test_a_push_resolves_only_a_failed_hand_over_a_report_resolves_any() -> None:
    assert model.resolves("handover_failed", "push") and not model.resolves("silent", "push")
    assert model.resolves("silent", "report") and model.resolves("handover_failed", "report")


def test_only_a_held_dossier_of_an_open_incident_may_be_continued() -> None:
    for state in ("queued", "silent"):
        assert model.held(state) and model.may_continue(state, True) and not model.may_continue(state, False)
    for state in (None, "waiting", "answered", "continued", "reconciled"):
        assert not model.held(state) and not model.may_continue(state, True)
    assert model.continue_refusal("continued", True)[0] == "SPECIALISED_ALREADY_CONTINUED"
    assert model.continue_refusal(None, False)[0] == "SPECIALISED_NOT_HANDED_OVER"
    assert model.continue_refusal("waiting", True)[0] == "SPECIALISED_NO_INCIDENT"
    assert model.continue_refusal("queued", False)[0] == "SPECIALISED_NO_INCIDENT"


def test_silence_is_counted_from_the_configured_time() -> None:
    now = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
    assert model.silent_cutoff(now, 240) == dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC)
    assert model.silent_cutoff(now, 0) == now - dt.timedelta(minutes=1)  # never "everything is late"


def test_affected_dossiers_keep_their_unit() -> None:
    keys = {model.affected_key("000.00.13.H29", "000.00.13.H29-261207-0001"),
            model.affected_key("000.00.13.H26", "000.00.13.H26-261207-0002")}
    assert [(d.unit_code, d.code) for d in model.parse_affected(keys)] == [
        ("000.00.13.H26", "000.00.13.H26-261207-0002"), ("000.00.13.H29", "000.00.13.H29-261207-0001")]


def test_officers_read_plain_vietnamese_with_local_time() -> None:
    since = dt.datetime(2026, 12, 7, 9, 15, tzinfo=dt.UTC)
    text = model.message("Phần mềm cấp phép", "handover_failed", since)
    assert text.startswith("Phần mềm chuyên ngành Phần mềm cấp phép đang gặp sự cố (không nhận được hồ sơ")
    assert "16:15 07/12/2026" in text and "tiếp tục xử lý trên hoso" in text
