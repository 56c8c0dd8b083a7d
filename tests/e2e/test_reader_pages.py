"""The built site as a reader sees it (``make e2e``: site/ served on loopback, Chromium).

- Claimant pages are scorecards, never a Markdown table printed as raw ``| --- |`` text.
- On a 390x844 phone every claim's verdict card (headline, claim, claimant, date, rating,
  verdict) ends inside the first screen.
- No page type scrolls sideways at 320, 390 or 1280 px.

Screenshots of each page type at 320 px go to e2e-screenshots/ (not committed).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from e2e.conftest import SCREENSHOTS, TIMEOUT_MS

pytestmark = [pytest.mark.browser]

# Page type -> folder in site/ ("*": the first sorted sub-folder that has a page).
PAGE_TYPES = {
    "home": "",
    "claim": "claims/*/",
    "all-claims": "claims/",
    "browse": "browse/",
    "ratings": "browse/status/",
    "rating": "browse/status/*/",
    "tags": "browse/tags/",
    "tag": "browse/tags/*/",
    "claimants": "browse/claimants/",
    "claimant": "browse/claimants/*/",
    "timeline": "browse/timeline/",
    "sources": "browse/sources/",
    "corrections-log": "browse/corrections/",
    "methodology": "methodology/",
    "corrections-policy": "corrections/",
    "about": "about/",
}
WIDTHS = (320, 390, 1280)
PHONE = (390, 844)

# Elements whose box reaches past the viewport, or that scroll sideways inside the page.
SIDEWAYS = """() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    const whole = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
    if (whole > width + 1) out.push(`page is ${whole}px wide in ${width}px`);
    for (const e of document.querySelectorAll(".md-content *")) {
        const r = e.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const name = e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : "");
        if (r.right > width + 1) out.push(`${name} reaches ${Math.round(r.right)}px`);
        else if (e.scrollWidth > e.clientWidth + 1 && ["auto", "scroll"].includes(getComputedStyle(e).overflowX))
            out.push(`${name} scrolls sideways`);
        if (out.length > 4) break;
    }
    return out;
}"""

CARD = """() => {
    const card = document.querySelector(".fc-verdict-card");
    if (!card) return null;
    const text = (sel) => (card.querySelector(sel)?.innerText || "").trim();
    return {
        bottom: card.getBoundingClientRect().bottom,
        headline: text("h1"),
        claimant: text(".fc-verdict-card__who a"),
        date: card.querySelector(".fc-verdict-card__who time")?.getAttribute("datetime") || "",
        rating: text(".fc-badge"),
        verdict: text(".fc-verdict-card__verdict"),
    };
}"""


def folder(site: Path, pattern: str) -> str:
    if "*" not in pattern:
        assert (site / pattern / "index.html").is_file(), f"site/{pattern} has no index page"
        return pattern
    found = sorted(p.parent.name for p in (site / pattern.split("*")[0]).glob("*/index.html"))
    assert found, f"no page matches site/{pattern}"
    return pattern.replace("*", found[0])


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


def test_every_claims_verdict_card_is_inside_a_phones_first_screen(browser: Any, base_url: str, site_dir: Path) -> None:
    claims = sorted(p.parent.name for p in (site_dir / "claims").glob("*/index.html"))
    assert claims, "no claim pages in site/claims/"
    problems = []
    with tab(browser, *PHONE) as page:
        for claim_id in claims:
            page.goto(f"{base_url}claims/{claim_id}/")
            card = page.evaluate(CARD)
            if card is None:
                problems.append(f"{claim_id}: no verdict card")
                continue
            missing = [k for k in ("headline", "claimant", "date", "rating", "verdict") if not card[k]]
            if missing:
                problems.append(f"{claim_id}: the card lacks {missing}")
            if card["bottom"] > PHONE[1]:
                problems.append(f"{claim_id}: the card ends at {card['bottom']:.0f}px, below the first {PHONE[1]}px")
    assert problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_type_scrolls_sideways(browser: Any, base_url: str, site_dir: Path, width: int) -> None:
    problems = []
    with tab(browser, width, 800) as page:
        for kind, pattern in PAGE_TYPES.items():
            page.goto(base_url + folder(site_dir, pattern))
            if width == min(WIDTHS):
                SCREENSHOTS.mkdir(exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"reader-{kind}-{width}.png"), full_page=True)
            problems += [f"{kind} at {width}px: {p}" for p in page.evaluate(SIDEWAYS)]
    assert problems == []
