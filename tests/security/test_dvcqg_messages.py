"""Escalations around DVCQG's later messages (SPEC §7.1), each a complete write attempt whose
records are read back: a message about one dossier naming another changes neither; an unsigned
or badly signed message records nothing; an officer of another unit — or of the right unit but
not the desk — cannot decide a citizen's withdrawal request, which stays pending until the
unit's own desk decides it."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.dossier import Dossier
from chalicelib.store import dossiers
from local.simulators.accounts import HCMC_UNIT
from tests.security.conftest import SIBLING_UNIT, World, online_dossier


def _stored(code: str) -> Dossier:
    found = dossiers.get(code)
    assert found is not None
    return found


def _withdrawal(**over: Any) -> dict[str, Any]:
    now = dt.datetime.now(VN_TZ).strftime("%Y%m%d%H%M%S")
    return {"MaYeuCau": f"RUT-SEC-{secrets.token_hex(4)}", "NgayYeuCau": now, "LyDo": "Xin rút hồ sơ", **over}


def _path(code: str) -> str:
    return f"/v1/dvcqg/dossiers/{_stored(code).dvcqg_ref}/withdrawal"


def test_a_message_about_one_dossier_naming_another_changes_neither(world: World) -> None:
    own, other = world.targets["own"].dossier, world.targets["other_province"].dossier
    before = (_stored(own).version, _stored(other).version)
    answer = world.callers["dvcqg"].post(_path(own), _withdrawal(MaHoSo=other))
    assert answer.status_code == 409 and answer.json()["error_code"] == "DOSSIER_MISMATCH", answer.text
    assert (_stored(own).version, _stored(other).version) == before
    assert not _stored(own).withdrawal_requests and not _stored(other).withdrawal_requests


def test_an_unsigned_or_badly_signed_message_records_nothing(world: World) -> None:
    code = world.targets["own"].dossier
    before = _stored(code).version
    forged = world.callers["dvcqg"].request("POST", _path(code), body=_withdrawal(),
                                            headers={"X-Hoso-Signature": "0" * 64})
    assert forged.status_code == 401 and forged.json()["error_code"] == "BAD_SIGNATURE", forged.text
    for caller in ("anonymous", "client", "desk"):
        assert world.callers[caller].post(_path(code), _withdrawal()).status_code == 401, caller
    assert _stored(code).version == before and not _stored(code).withdrawal_requests


def test_only_the_units_own_desk_decides_a_withdrawal_request(world: World) -> None:
    code, _ = online_dossier(world.callers["dvcqg"], HCMC_UNIT)
    requested = world.callers["dvcqg"].post(_path(code), _withdrawal())
    assert requested.status_code == 201, requested.text
    before = _stored(code)
    decide = f"/v1/dossiers/{code}/withdrawal-request"
    other_desk = world.desks[SIBLING_UNIT].post(decide, {"decision": "confirm"})
    assert other_desk.status_code == 404 and other_desk.json() == world.not_found_body, other_desk.text
    for role in ("appraiser", "head", "leader"):
        refused = world.callers[role].post(decide, {"decision": "refuse", "reason": "thử quyền"})
        assert refused.status_code == 403, (role, refused.text)
    after = _stored(code)
    assert after.version == before.version and after.withdrawal_requests[-1].state == "pending"
    listed = world.desks[SIBLING_UNIT].get(f"/v1/units/{HCMC_UNIT}/dvcqg-requests")
    assert listed.status_code == 403, "another unit's desk cannot list this unit's requests"
    confirmed = world.callers["desk"].post(decide, {"decision": "confirm"})
    assert confirmed.status_code == 200, confirmed.text
    assert _stored(code).status == 7 and _stored(code).withdrawal_requests[-1].state == "confirmed"
