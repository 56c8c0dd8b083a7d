"""The built site as a reader sees it (``make e2e``: site/ served on loopback, Chromium).

- Claimant pages are scorecards, never a Markdown table printed as raw ``| --- |`` text.
- No page type scrolls sideways on the narrowest phone (320 px). test_pages.py checks
  360, 390 and 1280 px and every claim's verdict card in a phone's first screen.

Screenshots of each page type at 320 px go to e2e-screenshots/ (not committed).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from e2e.browsing import OVERFLOW, PAGE_TYPES, page_path
from e2e.conftest import SCREENSHOTS, TIMEOUT_MS

pytestmark = [pytest.mark.browser]

NARROWEST = 320  # test_pages.py covers 360, 390 and 1280 px; the narrowest phones are checked here
PHONE = (390, 844)


@contextmanager
def tab(browser: Any, width: int, height: int) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 700, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.route("**/*", lambda route: route.continue_() if "://127.0.0.1" in route.request.url else route.abort())
    try:
        yield page
    finally:
        context.close()


def test_claimant_pages_are_scorecards_not_raw_markdown_tables(browser: Any, base_url: str, site_dir: Path) -> None:
    pages = sorted(p.parent.name for p in (site_dir / "browse" / "claimants").glob("*/index.html"))
    assert pages, "no claimant pages in site/browse/claimants/"
    problems = []
    with tab(browser, *PHONE) as page:
        for slug in pages:
            page.goto(f"{base_url}browse/claimants/{slug}/")
            text = page.locator(".md-content").inner_text()
            if "| ---" in text or "---: |" in text:
                problems.append(f"{slug}: prints a Markdown table as text")
            if page.locator(".fc-scorecard .fc-badge").count() == 0 or page.locator(".fc-cards .fc-card").count() == 0:
                problems.append(f"{slug}: no scorecard or no claim cards")
    assert problems == []


def test_no_page_type_scrolls_sideways_on_the_narrowest_phone(browser: Any, base_url: str, site_dir: Path) -> None:
    problems = []
    with tab(browser, NARROWEST, 800) as page:
        for kind, pattern in PAGE_TYPES.items():
            page.goto(base_url + page_path(site_dir, pattern))
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"reader-{kind}-{NARROWEST}.png"), full_page=True)
            problems += [f"{kind} at {NARROWEST}px: {p}" for p in page.evaluate(OVERFLOW)]
    assert problems == []
