"""What an officer saves on the settings screen (through the route) is where the sweep's e-mail
and SMS go, as the messaging simulator receives them: e-mail only when only an address is
given, SMS only to a phone that was given, nothing once both are cleared."""

from __future__ import annotations

import datetime as dt

from chalicelib.notifications import sweep
from tests.integration.notifications.conftest import World, answer


def test_the_gateway_receives_what_the_settings_say(world: World) -> None:
    saved = world.call("PUT", "/v1/me/notification-settings", role="desk", body={"email": "Mot.Cua@HCM.gov.vn"})
    assert answer(saved) == {"email": "Mot.Cua@hcm.gov.vn", "phone": None}
    both = world.call("PUT", "/v1/me/notification-settings", role="head",
                      body={"email": "truong.phong@hcm.gov.vn", "phone": "0912 004 102"})
    assert answer(both) == {"email": "truong.phong@hcm.gov.vn", "phone": "0912004102"}
    dossier = world.desk_dossier()
    assert dossier.due_at is not None

    sweep.run(dossier.due_at + dt.timedelta(minutes=5))  # overdue: desk and head are reminded

    assert sorted(m["to"] for m in world.messages(channel="email")) == ["Mot.Cua@hcm.gov.vn", "truong.phong@hcm.gov.vn"]
    assert [m["to"] for m in world.messages(channel="sms")] == ["0912004102"], "no phone, no SMS for the desk"

    cleared = world.call("PUT", "/v1/me/notification-settings", role="desk", body={"email": "", "phone": None})
    assert answer(cleared) == {"email": None, "phone": None}
    sweep.run(dossier.due_at + dt.timedelta(days=1))  # reminded again the next day, in-app only for the desk
    assert len(world.messages(to="Mot.Cua@hcm.gov.vn")) == 1
    assert len(world.messages(to="truong.phong@hcm.gov.vn")) == 2
