"""The built site in a real browser: Material's search finds claims; pages fit a phone.

Drives Debian's /usr/bin/chromium through Playwright against the site built by the
session fixture ``built_site`` (conftest.py), served on 127.0.0.1. Skipped, with
the reason, when Chromium or Playwright is missing. Every wait is bounded.
"""

from __future__ import annotations

from typing import Any

import pytest

from e2e.conftest import TIMEOUT_MS, sync_api

FULL = "full-claim"

pytestmark = [pytest.mark.browser]


def search(page: Any, base_url: str, query: str, expect: str) -> list[str]:
    """Type ``query`` into Material's search box on the home page; return the result links
    once a link containing ``expect`` shows (or the bounded wait ends)."""
    page.goto(base_url)
    page.keyboard.press("/")  # Material's shortcut that opens and focuses the search box
    box = page.locator("input.md-search__input")
    if not box.evaluate("el => el === document.activeElement"):
        page.locator("label.md-search__icon, label[for='__search']").first.click()
    box.fill("")
    box.type(query, delay=20)
    # Results update as each letter is typed: wait for the full query's answer, not the first.
    try:
        page.locator(f'.md-search-result__item a[href*="{expect}"]').first.wait_for(state="attached", timeout=TIMEOUT_MS)
    except sync_api.TimeoutError:
        pass  # the assertion below reports what was found instead
    return [a.get_attribute("href") or "" for a in page.locator(".md-search-result__item a").all()]


@pytest.mark.parametrize("query", ["prosecutor", "Filchakov", "Hwasong-11"], ids=["claim-word", "claimant", "hwasong-11"])
def test_search_finds_the_claim_page(page: Any, hostile_base_url: str, query: str) -> None:
    links = search(page, hostile_base_url, query, expect=f"claims/{FULL}/")
    assert any(f"claims/{FULL}/" in link for link in links), links


def test_claim_page_fits_a_phone_screen(browser: Any, hostile_base_url: str) -> None:
    base_url = hostile_base_url
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        tab.goto(f"{base_url}claims/{FULL}/", timeout=TIMEOUT_MS)
        tab.wait_for_load_state("load", timeout=TIMEOUT_MS)
        widths = tab.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1] + 1, f"page is {widths[0]}px wide in a {widths[1]}px viewport"
    finally:
        context.close()


def test_hostile_claim_page_opens_no_dialog(page: Any, hostile_base_url: str) -> None:
    base_url = hostile_base_url
    dialogs: list[str] = []

    def record(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    page.goto(f"{base_url}claims/hostile-claim/")
    page.wait_for_load_state("load", timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)  # let any injected handler (img onerror) fire
    assert dialogs == []
