"""Fault injection against the whole local stack (the one shared per process, see
``tests/security/stack.py``): the officers of TP.HCM's department and DVCQG signing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local.simulators.accounts import DEMO_ACCOUNTS, HCMC_UNIT
from local.stack import LocalStack
from tests.security.stack import Caller, DvcqgCaller, officer, shared_stack

ROLES = ("desk", "head", "appraiser", "leader", "clerk")


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    with shared_stack() as running:
        yield running


@pytest.fixture(scope="session")
def staff(stack: LocalStack) -> dict[str, Caller]:
    out: dict[str, Caller] = {}
    for role in ROLES:
        sub = next(a["sub"] for a in DEMO_ACCOUNTS if a["role"] == role and a["unit_code"] == HCMC_UNIT)
        out[role] = officer(stack, role, sub, HCMC_UNIT)
    out["dvcqg"] = DvcqgCaller(stack.api_url, "dvcqg")
    return out
