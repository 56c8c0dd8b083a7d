"""Every page type of the built site, as a reader's browser shows it, at 360, 390 and 1280 px, light and dark.

For each: nothing sideways (no horizontal overflow, no sideways-scrolling box), no console
error, no Content-Security-Policy violation, no request leaving loopback, axe-core clean
(no serious or critical violation), and share meta present with its image in site/.
On a phone (390x844) a claim's verdict card fits the first screen.

Screenshots of every page type (390 and 1280 px, light and dark) go to e2e-screenshots/
(not committed): look at them before calling a page done.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from e2e.browsing import OVERFLOW, PAGE_TYPES, Visit, axe_problems, new_context, page_path, visit
from e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser]

WIDTHS = {360: 740, 390: 844, 1280: 800}  # width -> height of the first screen
SCREENSHOT_WIDTHS = (390, 1280)
SHARE_META = ("og:title", "og:description", "og:image", "twitter:card")


def summarised(what: str, items: list[str]) -> list[str]:
    """One line per kind of item (text before ' at '), with its count and first occurrence."""
    groups: dict[str, list[str]] = {}
    for item in items:
        groups.setdefault(item.split(" at ")[0], []).append(item)
    return [f"{what} ({len(group)}x): {group[0]}" for group in groups.values()]


def share_meta(page: Any) -> dict[str, str]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("meta[property], meta[name]")]
            .map((m) => [m.getAttribute("property") || m.getAttribute("name"), m.getAttribute("content") || ""]))"""
    )


def site_url_of(page: Any, path: str) -> str:
    """The site's base address, read back from the page's canonical link (site_url + path)."""
    canonical = page.evaluate("() => document.querySelector('link[rel=canonical]')?.href || ''")
    assert canonical.endswith(path), f"canonical link {canonical!r} does not end with {path!r}"
    return canonical[: len(canonical) - len(path)]


def check_share_meta(tab: Visit, site: Path, path: str, kind: str) -> list[str]:
    meta = share_meta(tab.page)
    problems = [f"no {name} meta" for name in SHARE_META if not meta.get(name, "").strip()]
    if problems:
        return problems
    for name in ("og:title", "og:description"):
        if re.search(r"&(amp|lt|gt|quot|#\d+);", meta[name]):
            problems.append(f"{name} is escaped twice: {meta[name]!r}")
    if meta["twitter:card"] != "summary_large_image":
        problems.append(f"twitter:card is {meta['twitter:card']!r}")
    base = site_url_of(tab.page, path)
    image = meta["og:image"]
    if not image.startswith(base):
        problems.append(f"og:image {image!r} is not an absolute address under {base!r}")
    elif not (site / urlsplit(image[len(base) :]).path).is_file():
        problems.append(f"og:image {image!r} has no file in site/")
    if kind == "claim":
        claim_id = path.strip("/").split("/")[-1]
        if not image.endswith(f"share/{claim_id}.png"):
            problems.append(f"a claim page's og:image should be its own card, got {image!r}")
        if meta.get("og:type") != "article":
            problems.append(f"og:type is {meta.get('og:type')!r}, not 'article'")
    return problems


@pytest.fixture(scope="module")
def contexts(browser: Any) -> Iterator[dict[tuple[int, str], Any]]:
    """One browser context per (width, scheme), shared by this module's tests (each opens its own tab)."""
    made: dict[tuple[int, str], Any] = {}
    yield made
    for context in made.values():
        context.close()


def context_for(contexts: dict[tuple[int, str], Any], browser: Any, width: int, scheme: str) -> Any:
    if (width, scheme) not in contexts:
        contexts[width, scheme] = new_context(browser, width, WIDTHS[width], scheme)
    return contexts[width, scheme]


# Dark at 390 and 1280 px; at 360 px light only: the dark scheme changes colours, not layout,
# and 360 px shares 390 px's phone layout (this keeps make e2e within its time budget).
VIEWS = [(360, "light"), (390, "light"), (390, "dark"), (1280, "light"), (1280, "dark")]


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=[f"{w}-{s}" for w, s in VIEWS])
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_page_type_reads_well_at_every_width(
    browser: Any, contexts: dict[tuple[int, str], Any], base_url: str, site_dir: Path, kind: str, width: int, scheme: str
) -> None:
    path = page_path(site_dir, PAGE_TYPES[kind])
    with visit(browser, context=context_for(contexts, browser, width, scheme)) as tab:
        tab.goto(base_url + path)
        if width in SCREENSHOT_WIDTHS:  # before axe, which scrolls the page (Material then hides the tabs)
            SCREENSHOTS.mkdir(exist_ok=True)
            tab.page.screenshot(path=str(SCREENSHOTS / f"{kind}-{width}-{scheme}.png"), full_page=True)
        problems = [f"overflow: {o}" for o in tab.page.evaluate(OVERFLOW)]
        problems += [f"console error ({n}x): {e[:300]}" for e, n in Counter(tab.console_errors).items()]
        problems += summarised("CSP violation", tab.csp_violations())
        problems += [f"request left loopback: {u}" for u in tab.outgoing]
        problems += [f"axe: {p}" for p in axe_problems(tab.page)]
        problems += check_share_meta(tab, site_dir, path, kind)
    assert problems == [], f"/{path} at {width}px, {scheme}:\n  " + "\n  ".join(problems)


# What a phone reader must see without scrolling: claim, claimant, date, rating and verdict.
CARD_PARTS = {
    "headline": "h1",
    "claimant": ".fc-verdict-card__who a",
    "date": ".fc-verdict-card__who time",
    "rating": ".fc-badge",
    "verdict": ".fc-verdict-card__verdict",
}


def claim_paths(site: Path) -> list[str]:
    return sorted(f"claims/{p.parent.name}/" for p in (site / "claims").glob("*/index.html"))


def test_every_claims_verdict_card_fits_a_phones_first_screen(
    browser: Any, contexts: dict[tuple[int, str], Any], base_url: str, site_dir: Path
) -> None:
    paths = claim_paths(site_dir)
    assert paths, "no claim pages in site/claims/"
    problems = []
    with visit(browser, context=context_for(contexts, browser, 390, "light")) as tab:
        for path in paths:
            tab.page.goto(base_url + path, wait_until="load")
            card = tab.page.locator(".fc-verdict-card")
            if card.count() != 1:
                problems.append(f"/{path}: {card.count()} .fc-verdict-card elements, expected 1")
                continue
            missing = [part for part, selector in CARD_PARTS.items() if not card.locator(selector).first.inner_text().strip()]
            if missing:
                problems.append(f"/{path}: the verdict card lacks {missing}")
            box = card.bounding_box()
            if box is None or box["y"] < 0 or box["y"] + box["height"] > 844:
                problems.append(f"/{path}: verdict card spans {box} — not inside the first 390x844 screen")
            overflow = tab.page.evaluate(OVERFLOW)
            if overflow:
                problems.append(f"/{path}: overflow: {overflow}")
    assert problems == [], "\n".join(problems)


FOCUS_RING = """() => {
    const focused = document.activeElement;
    if (!focused || focused === document.body) return null;
    // A visually hidden control (Material's colour-scheme radios) shows its focus on the visible label beside it.
    const hidden = focused.getBoundingClientRect().width === 0 && focused.parentElement;
    const label = hidden && [...focused.parentElement.querySelectorAll("label")].find((l) => l.getBoundingClientRect().width > 0);
    const e = label || focused;
    const s = getComputedStyle(e);
    const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1) || s.boxShadow !== "none";
    const r = e.getBoundingClientRect();
    const name = (focused.getAttribute("aria-label") || focused.textContent || "").trim().slice(0, 40);
    return {what: `${focused.tagName.toLowerCase()} ${name}`, ring, seen: r.width > 0 && r.height > 0};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_is_always_visible(browser: Any, base_url: str, site_dir: Path, scheme: str) -> None:
    """Tab through the first controls of a claim page: a skip link first, and every stop shows a focus ring."""
    path = page_path(site_dir, PAGE_TYPES["claim"])
    problems, focused = [], []
    with visit(browser, 1280, 800, scheme) as tab:
        tab.goto(base_url + path)
        for _ in range(15):
            tab.page.keyboard.press("Tab")
            state = tab.page.evaluate(FOCUS_RING)
            if state is None:
                continue
            focused.append(state["what"])
            if not (state["ring"] and state["seen"]):
                problems.append(f"{state['what']!r}: ring={state['ring']}, on screen={state['seen']}")
        tab.goto(base_url + path)
        tab.page.keyboard.press("Tab")
        tab.page.keyboard.press("Enter")
        skipped_to = tab.page.evaluate("() => document.activeElement && document.activeElement.id")
    assert len(focused) >= 10, f"only {len(focused)} focus stops: {focused}"
    assert focused[0] == "a Skip to content", f"the first focus stop should be the skip link, not {focused[0]!r}"
    assert skipped_to == "fc-content", f"the skip link moved focus to {skipped_to!r}"
    assert problems == [], "focus not visible on:\n" + "\n".join(problems)
