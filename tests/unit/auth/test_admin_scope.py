"""Whose officers an administrator lists (chalicelib.services.admin_access.officers_scope),
without HTTP: the ministry's administrator any province or all of them, a province's
administrator their own province only, by default too."""

from __future__ import annotations

import pytest

from chalicelib.errors import HosoError
from chalicelib.services.admin_access import Administrator, officers_scope

MINISTRY = Administrator(sub="bo", ministry=True)
HCMC = Administrator(sub="tinh-79", ministry=False, province_code="79")
NO_PROVINCE = Administrator(sub="khong", ministry=False)


@pytest.mark.parametrize("asked", [None, "", "79", "01"])
def test_the_ministry_lists_what_it_asks_for(asked: str | None) -> None:
    assert officers_scope(MINISTRY, asked) == asked


def test_a_province_administrator_lists_their_own_province_by_default_and_when_named() -> None:
    assert officers_scope(HCMC, None) == "79"
    assert officers_scope(HCMC, "79") == "79"


@pytest.mark.parametrize(("actor", "asked"), [(HCMC, "01"), (HCMC, ""), (NO_PROVINCE, None), (NO_PROVINCE, "79")])
def test_no_other_province_the_ministry_or_everything_for_anyone_else(actor: Administrator, asked: str | None) -> None:
    with pytest.raises(HosoError) as caught:
        officers_scope(actor, asked)
    assert (caught.value.status, caught.value.code) == (403, "FORBIDDEN_PROVINCE")
