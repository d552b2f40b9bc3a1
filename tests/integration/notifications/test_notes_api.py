"""An officer's private note on a dossier: only its author reads or changes it; an officer of
another unit cannot even learn the dossier exists. Through the routes, with VNeID tokens."""

from __future__ import annotations

from chalicelib import notes
from local.simulators.accounts import HANOI_UNIT
from tests.integration.notifications.conftest import World, account, answer


def test_an_officer_keeps_a_private_note_that_no_other_officer_reads_or_overwrites(world: World) -> None:
    code = world.desk_dossier().code
    path = f"/v1/dossiers/{code}/note"
    assert answer(world.call("GET", path, role="desk")) == {"code": code, "text": "", "updated_at": None}

    saved = world.call("PUT", path, role="desk", body={"text": "  Gọi lại cho chị Hà chiều thứ Sáu.\n"})
    assert saved.status_code == 200
    assert answer(saved)["text"] == "Gọi lại cho chị Hà chiều thứ Sáu." and answer(saved)["updated_at"]
    assert answer(world.call("GET", path, role="desk"))["text"] == "Gọi lại cho chị Hà chiều thứ Sáu."

    # another officer of the same unit: sees only their own (empty) note, and writes only their own
    assert answer(world.call("GET", path, role="head"))["text"] == ""
    theirs = world.call("PUT", path, role="head", body={"text": "Ghi chú của trưởng phòng."})
    assert theirs.status_code == 200
    assert notes.get(code, account("desk")["sub"]).text == "Gọi lại cho chị Hà chiều thứ Sáu."
    assert notes.get(code, account("head")["sub"]).text == "Ghi chú của trưởng phòng."
    assert answer(world.call("GET", path, role="desk"))["text"] == "Gọi lại cho chị Hà chiều thứ Sáu."

    # an officer of another unit: 404, as for a dossier that does not exist; nothing written
    for method, body in (("GET", None), ("PUT", {"text": "Ghi đè"})):
        stranger = world.call(method, path, role="desk", unit=HANOI_UNIT, body=body)
        missing = world.call(method, "/v1/dossiers/000.00.13.H29-260101-9999/note", role="desk", body=body)
        assert stranger.status_code == missing.status_code == 404 and answer(stranger) == answer(missing)
    assert notes.get(code, account("desk", HANOI_UNIT)["sub"]).text == ""
    assert world.call("GET", path).status_code == 401

    cleared = world.call("PUT", path, role="desk", body={"text": "   "})
    assert answer(cleared) == {"code": code, "text": "", "updated_at": None}
    assert notes.get(code, account("desk")["sub"]).updated_at is None


def test_a_note_is_bounded_plain_text(world: World) -> None:
    path = f"/v1/dossiers/{world.desk_dossier().code}/note"
    too_long = world.call("PUT", path, role="desk", body={"text": "a" * (notes.MAX_NOTE_LENGTH + 1)})
    assert too_long.status_code == 422 and answer(too_long)["errors"][0]["field"] == "text"
    hidden = world.call("PUT", path, role="desk", body={"text": "hoa-don\u202efdp.exe"})
    assert hidden.status_code == 422
    assert world.call("PUT", path, role="desk", body={"text": "x", "author": "khác"}).status_code == 422
    assert answer(world.call("GET", path, role="desk"))["text"] == ""
