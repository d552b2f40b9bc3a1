"""Intake polish (issue 12 item 12): the name typed at the desk is compared with the population
database's record of the personal number; the answer says only whether it matches (the record's
name is not sent back beyond what the form's auto-fill already fills)."""

from __future__ import annotations

from local.simulators.citizens import DEMO_CITIZENS
from tests.integration.notifications.conftest import World, answer

CITIZEN = DEMO_CITIZENS[1]  # Trần Thị Bích Ngọc


def _check(world: World, typed: str) -> object:
    response = world.call("POST", "/v1/autofill/citizens", role="desk",
                          body={"so_dinh_danh": CITIZEN["SoDinhDanh"], "thu_tuc": "1.000105", "ho_ten": typed})
    assert response.status_code == 200, response.body
    return answer(response)["name_matches"]


def test_the_typed_name_is_checked_against_the_personal_numbers_record(world: World) -> None:
    assert _check(world, CITIZEN["HoVaTen"]) is True
    assert _check(world, f"  {CITIZEN['HoVaTen'].upper()} ") is True  # case and spacing aside
    assert _check(world, "Trần Thị Bích Ngọt") is False
    assert _check(world, "Tran Thi Bich Ngoc") is False  # diacritics are part of the name
    assert _check(world, "") is None
