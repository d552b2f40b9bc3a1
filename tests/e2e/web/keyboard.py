"""Driving the web app with the keyboard alone: Tab to an element (which proves it is in the
tab order), then type, press Space/Enter or the arrow keys, as a keyboard user does."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

MAX_TABS = 300


def focused(page: Page, target: Locator) -> bool:
    return bool(target.evaluate("(el) => document.activeElement === el"))


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until ``target`` has the focus (fails if it is not reachable that way)."""
    for _ in range(MAX_TABS):
        if focused(page, target):
            return
        page.keyboard.press("Tab")
    described = target.evaluate("(el) => el.outerHTML.slice(0, 200)")
    raise AssertionError(f"Tab never reached {described}")


def type_into(page: Page, target: Locator, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


def choose_radio(page: Page, group: str, option_label: str) -> None:
    """Tab into a radio group (its inputs are named ``group``) and arrow to ``option_label``."""
    radios = page.locator(f'input[type="radio"][name="{group}"]')
    for _ in range(MAX_TABS):
        if page.evaluate("(name) => document.activeElement?.name === name", group):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"Tab never reached the radio group {group}")
    wanted = page.get_by_label(option_label, exact=True).and_(radios)
    for _ in range(radios.count() + 1):
        if wanted.is_checked():
            return
        page.keyboard.press("Space" if focused(page, wanted) else "ArrowDown")
    raise AssertionError(f"the arrow keys never selected {option_label} in {group}")


def choose_option(page: Page, select: Locator, option_text: str) -> None:
    """A closed native select: typing the option's first letters picks it."""
    tab_to(page, select)
    page.keyboard.type(option_text)
    chosen = select.evaluate("(el) => el.options[el.selectedIndex].text")
    assert chosen == option_text, f"typing {option_text!r} selected {chosen!r}"


def tick(page: Page, checkbox: Locator) -> None:
    tab_to(page, checkbox)
    page.keyboard.press("Space")
    assert checkbox.is_checked()


def press(page: Page, target: Locator, key: str = "Enter") -> None:
    tab_to(page, target)
    page.keyboard.press(key)
