"""Browser steps for officers added by personal number (issue 12, item 12), reusable by other tests."""

from __future__ import annotations

import uuid

import requests
from playwright.sync_api import Browser, expect

from chalicelib.domain.roles import ROLE_LABELS, Role
from local.stack import LocalStack
from tests.e2e.web.conftest import OfficerSession, new_context


def first_login(browser: Browser, webapp: str, stack: LocalStack, number: str, name: str, role: str,
                unit: str) -> OfficerSession:  # fmt: skip
    """The officer holding ``number`` logs in through VNeID for the first time (a VNeID account of
    their own, with its own subject, is registered in the simulator first): their worklist."""
    vneid = next(s.url for s in stack.simulators if s.name == "vneid")
    requests.post(f"{vneid}/_sim/accounts", timeout=10, json={
        "sub": str(uuid.uuid4()), "SoDinhDanh": number, "HoVaTen": name, "role": role, "unit_code": unit,
    }).raise_for_status()
    context, page, errors = new_context(browser, webapp)
    page.goto(webapp)
    page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
    page.get_by_role("button", name=f"{name} — {ROLE_LABELS[Role(role)]}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc cần làm")
    return OfficerSession(context, page, webapp, name, errors)
