"""Browser tests of the officers' web app: the local stack of the e2e tier (the ``stack``
fixture of ``tests/e2e/conftest.py`` — one stack per process, the app and every AWS client
share its environment), the built web app served with the API under one origin
(``local.webapp``), and Debian's Chromium driven by Playwright — never a downloaded browser.

Every screen a test visits is checked with axe-core (``webapp/node_modules/axe-core``) for
WCAG 2.0/2.1/2.2 A and AA. With ``HOSO_SCREENSHOTS=<folder>`` the main screens are also saved
as PNG files there (``docs/screenshots`` for the README).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from chalicelib.domain.roles import ROLE_LABELS, Role
from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from local.webapp import WEBAPP_DIR
from tests.e2e.conftest import account

CHROMIUM = os.environ.get("HOSO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_FILE = WEBAPP_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000
# Assertions wait as long as actions: Playwright's 5 s default for `expect` failed 11 of 46 browser
# tests on API answers that took longer while `make test` ran its suites side by side at load 30.
# A passing assertion returns as soon as it holds, so a passing run takes no longer.
expect.set_options(timeout=TIMEOUT_MS)

_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


@pytest.fixture(scope="session")
def webapp(stack: LocalStack) -> str:
    """The web app the stack serves (built on demand), with the API on the same origin."""
    return stack.web_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).is_file():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium (Debian's package)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


def assert_accessible(page: Page, screen: str) -> None:
    """axe-core finds no WCAG 2.2 A/AA violation on what the page shows now."""
    violations = page.evaluate(_AXE_RUN, WCAG_TAGS)
    details = "\n".join(f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
                        for v in violations)  # fmt: skip
    assert not violations, f"axe-core: accessibility violations on “{screen}”:\n{details}"


@dataclass
class OfficerSession:
    """One officer logged in to the web app in a browser context of their own."""

    context: BrowserContext
    page: Page
    webapp: str
    name: str
    console_errors: list[str] = field(default_factory=list)

    def open(self, route: str = "") -> None:
        """Go to a route; when the page is already there, load it again (fresh data)."""
        target = f"{self.webapp}/#/{route}"
        if self.page.url == target:
            self.page.reload()
        else:
            self.page.goto(target)

    def heading(self) -> Any:
        return self.page.get_by_role("heading", level=1)

    def check(self, screen: str) -> None:
        assert_accessible(self.page, screen)

    def close(self) -> None:
        self.context.close()
        assert not self.console_errors, f"browser console errors for {self.name}: {self.console_errors}"


def new_context(browser: Browser, webapp: str) -> tuple[BrowserContext, Page, list[str]]:
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(script=AXE_FILE.read_text(encoding="utf-8"))
    page = context.new_page()
    errors: list[str] = []
    # HTTP error answers the app handles (422 with field errors…) also reach the console as
    # "Failed to load resource"; anything else (script errors, CSP refusals) is a fault.
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and not m.text.startswith(
        "Failed to load resource") and (m.location or {}).get("url", "").startswith(webapp) else None)  # fmt: skip
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


def select_starting_with(select: Locator, prefix: str) -> None:
    """Choose the option of a native select whose text starts with ``prefix`` (once it is there)."""
    option = select.locator("option").filter(has_text=re.compile("^" + re.escape(prefix)))
    expect(option).to_have_count(1)
    select.select_option(option.get_attribute("value"))


def vneid_button_name(role: str, unit: str) -> str:
    person = account(role, unit)
    return f"{person['HoVaTen']} — {ROLE_LABELS[Role(role)]}"


def login(browser: Browser, webapp: str, role: str, unit: str = HCMC_UNIT, *,
          check: Callable[[Page, str], None] | None = None) -> OfficerSession:  # fmt: skip
    """Log in through the app's button and the VNeID login page, as a person would."""
    context, page, errors = new_context(browser, webapp)
    page.goto(webapp)
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập dành cho cán bộ")
    if check:
        check(page, "Đăng nhập")
    page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("VNeID")
    if check:
        check(page, "VNeID (mô phỏng): chọn tài khoản")
    page.get_by_role("button", name=vneid_button_name(role, unit)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc cần làm")
    return OfficerSession(context, page, webapp, account(role, unit)["HoVaTen"], errors)


@pytest.fixture
def officers(browser: Browser, webapp: str) -> Iterator[Callable[..., OfficerSession]]:
    """``officers("desk")`` logs an officer of TP.HCM in; every session is closed (and its
    console checked for errors) after the test."""
    opened: list[OfficerSession] = []

    def open_session(role: str, unit: str = HCMC_UNIT, **kw: Any) -> OfficerSession:
        session = login(browser, webapp, role, unit, **kw)
        opened.append(session)
        return session

    yield open_session
    for session in opened:
        session.close()


@pytest.fixture(scope="session")
def screenshot() -> Callable[[Page, str], None]:
    """Save the page as ``<HOSO_SCREENSHOTS>/<name>.png`` when that variable is set."""
    folder = os.environ.get("HOSO_SCREENSHOTS")

    def take(page: Page, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.png"))

    return take
