"""Search in a real browser: Pagefind over the bundled claims (``make e2e`` builds site/ first).

Expectations come from the claim files themselves: for every claimant, tag and
publisher named in claims/, the first result must be a claim page of that
claimant, tag or publisher. Filters must narrow to exactly the matching claims.
Pages other than the search page must fetch no search data.
"""

from __future__ import annotations

import re
import shutil
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from factcheck.model import normalise_origin
from test_searchindex import bundled_claims

from e2e.browsing import axe_problems
from e2e.conftest import SCREENSHOTS, TIMEOUT_MS, serve

pytestmark = [pytest.mark.browser]


CLAIMS = bundled_claims()
BY_ID = {c.id: c for c in CLAIMS}


def claim_id(href: str) -> str:
    match = re.search(r"/claims/([a-z0-9-]+)/$", href)
    assert match, f"not a claim page: {href}"
    return match.group(1)


def open_search(page: Any, base_url: str, query: str = "", **params: str) -> list[str]:
    """Open search/ with ``q=query`` (as the header box does) and return the result links once shown."""
    page.goto(f"{base_url}search/?{urllib.parse.urlencode({'q': query, **params})}")
    return wait_results(page)


def wait_results(page: Any) -> list[str]:
    page.wait_for_function("() => document.getElementById('fc-search').getAttribute('aria-busy') === 'false'", timeout=TIMEOUT_MS)
    return [a.get_attribute("href") or "" for a in page.locator("#fc-search-results > li a").all()]


def search_again(page: Any, query: str) -> list[str]:
    """Type a new query into the search page's box and submit it (no page load)."""
    page.fill("#fc-search-q", query)
    page.press("#fc-search-q", "Enter")
    page.wait_for_function(
        "q => document.getElementById('fc-search-status').textContent.includes('\u201c' + q + '\u201d')", arg=query, timeout=TIMEOUT_MS
    )
    return wait_results(page)


def first_result_misses(page: Any, base_url: str, expected: dict[str, set[str]]) -> list[str]:
    """For each query, whether the first result is one of the expected claim ids; the misses, explained."""
    open_search(page, base_url)
    misses = []
    for query, ids in sorted(expected.items()):
        links = search_again(page, query)
        got = [claim_id(link) for link in links[:3]]
        if not got or got[0] not in ids:
            misses.append(f"{query!r}: first results {got}, expected one of {sorted(ids)}")
    return misses


def test_every_claimant_name_finds_a_claim_of_theirs_first(page: Any, base_url: str) -> None:
    expected: dict[str, set[str]] = {}
    for claim in CLAIMS:
        expected.setdefault(claim.claimant.name, set()).add(claim.id)
    misses = first_result_misses(page, base_url, expected)
    assert not misses, "\n".join(misses)


def test_every_tag_finds_a_claim_with_that_tag_first(page: Any, base_url: str) -> None:
    expected: dict[str, set[str]] = {}
    for claim in CLAIMS:
        for tag in claim.tags:
            expected.setdefault(tag.replace("-", " "), set()).add(claim.id)
    misses = first_result_misses(page, base_url, expected)
    assert not misses, "\n".join(misses)


def same_outlet(query: str, publisher: str) -> bool:
    """The publisher the reader typed, compared as the site compares origins (case, spacing, a leading "The"),
    or a longer name of the same outlet that starts with it ("KBS World" / "KBS World Radio")."""
    wanted, name = normalise_origin(query), normalise_origin(publisher)
    return name == wanted or name.startswith(wanted + " ")


def test_every_publisher_finds_a_claim_citing_it_first(page: Any, base_url: str) -> None:
    names = {name for claim in CLAIMS for name in [claim.source.publisher, *(item.publisher for item in claim.corroboration)]}
    expected = {
        name: {c.id for c in CLAIMS if any(same_outlet(name, p) for p in [c.source.publisher, *(e.publisher for e in c.corroboration)])}
        for name in names
    }
    misses = first_result_misses(page, base_url, expected)
    assert not misses, "\n".join(misses)


def _mentioning(word: str) -> set[str]:
    return {c.id for c in CLAIMS if word.casefold() in f"{c.title} {c.claim} {c.summary}".casefold()}


def _distinctive_word() -> tuple[str, str]:
    """A word of eight letters or more whose stem (first seven letters) only one claim's text has
    (the first such, alphabetically), so that no inflection of it is elsewhere either."""
    texts = {c.id: f"{c.title} {c.claim} {c.summary} {c.claimant.name} {c.source.publisher} {c.source.quote}".casefold() for c in CLAIMS}
    texts.update(
        {f"{c.id} evidence": " ".join(f"{e.publisher} {e.title or ''} {e.quote or ''}" for e in c.corroboration).casefold() for c in CLAIMS}
    )
    for word in sorted({w for c in CLAIMS for w in re.findall(r"[a-z]{8,}", f"{c.claim} {c.summary}".casefold())}):
        owners = [key for key, text in texts.items() if word[:7] in text]
        if len(owners) == 1:
            return word, owners[0]
    raise AssertionError("no distinctive word in the bundled claims")


@pytest.mark.parametrize("query", ["Hwasong-11", "Filchakov", "Kyiv Post"])
def test_named_queries_find_a_claim_that_names_them_first(page: Any, base_url: str, query: str) -> None:
    ids = _mentioning(query) | {c.id for c in CLAIMS if query in (c.claimant.name, c.source.publisher)}
    assert ids, f"no bundled claim mentions {query!r}"
    links = open_search(page, base_url, query)
    assert links and claim_id(links[0]) in ids, links[:3]


def test_a_distinctive_word_finds_its_only_claim_first(page: Any, base_url: str) -> None:
    word, owner = _distinctive_word()
    links = open_search(page, base_url, word)
    assert links and claim_id(links[0]) == owner, (word, links[:3])


def test_results_show_badge_headline_claimant_date_and_verdict(page: Any, base_url: str) -> None:
    claim = next(c for c in CLAIMS if c.verdict)
    open_search(page, base_url, claim.claimant.name)
    item = page.locator(f'#fc-search-results > li:has(a[href$="/claims/{claim.id}/"])')
    badge = item.locator(".fc-badge")
    assert badge.text_content() == claim.rating.label
    assert f"fc-badge--{claim.status}" in (badge.get_attribute("class") or "")
    assert item.locator("h2 a").text_content() == " ".join(claim.title.split())
    assert claim.claimant.name in (item.locator(".fc-result__meta").text_content() or "")
    assert item.locator("time").get_attribute("datetime") == claim.date
    assert item.locator(".fc-result__verdict").text_content() == " ".join((claim.verdict or "").split())


def test_browsing_with_no_query_lists_every_claim_newest_first(page: Any, base_url: str) -> None:
    links = open_search(page, base_url)
    assert f"All {len(CLAIMS)} claims" in (page.locator("#fc-search-status").text_content() or "")
    newest = max(CLAIMS, key=lambda c: (c.date + "-00-00")[:10]).date
    assert BY_ID[claim_id(links[0])].date == newest
    while page.locator("#fc-search-more").is_visible():
        page.click("#fc-search-more")
        page.wait_for_timeout(100)
        wait_results(page)
    links = [a.get_attribute("href") or "" for a in page.locator("#fc-search-results > li a").all()]
    assert sorted(claim_id(link) for link in links) == sorted(BY_ID)


def test_sorting_by_claim_date_oldest_first(page: Any, base_url: str) -> None:
    links = open_search(page, base_url, "", sort="date:asc")
    oldest = min((c.date + "-00-00")[:10] for c in CLAIMS)
    assert (BY_ID[claim_id(links[0])].date + "-00-00")[:10] == oldest


def test_a_rating_filter_narrows_to_exactly_the_claims_of_that_rating(page: Any, base_url: str) -> None:
    label, count = min(Counter(c.rating.label for c in CLAIMS).items(), key=lambda kv: (kv[1], kv[0]))
    open_search(page, base_url)
    page.click('details[data-facet="rating"] > summary')
    box = page.get_by_role("checkbox", name=re.compile(rf"^{re.escape(label)}\b"))
    box.wait_for(timeout=TIMEOUT_MS)
    box.check()
    page.wait_for_function(
        "n => document.getElementById('fc-search-status').textContent.startsWith(n + ' claim')", arg=str(count), timeout=TIMEOUT_MS
    )
    links = wait_results(page)
    assert sorted(claim_id(link) for link in links) == sorted(c.id for c in CLAIMS if c.rating.label == label)
    assert {b.text_content() for b in page.locator("#fc-search-results .fc-badge").all()} == {label}
    assert f"rating={urllib.parse.quote_plus(label)}" in page.url  # the filtered view can be shared


def test_a_tag_filter_from_the_address_narrows_the_results(page: Any, base_url: str) -> None:
    tag, count = min(Counter(t for c in CLAIMS for t in c.tags).items(), key=lambda kv: (kv[1], kv[0]))
    links = open_search(page, base_url, "", tag=tag)
    assert sorted(claim_id(link) for link in links) == sorted(c.id for c in CLAIMS if tag in c.tags)
    assert len(links) == count
    assert page.locator(f'details[data-facet="tag"] input[value="{tag}"]').is_checked()


def test_pages_other_than_search_fetch_no_search_data(page: Any, base_url: str) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    some_claim = sorted(BY_ID)[0]
    for path in ["", "claims/", f"claims/{some_claim}/", "browse/", "methodology/"]:
        page.goto(base_url + path)
        page.wait_for_load_state("load")
        assert page.locator("form.fc-header-search input[name=q]").count() == 1, path
    page.wait_for_timeout(300)
    assert [url for url in fetched if "/pagefind/" in url or url.endswith("search.js")] == []


def test_no_page_fetches_the_sitemap_and_the_feed_stays_discoverable(page: Any, base_url: str) -> None:
    """Material fetches sitemap.xml for each link[rel=alternate] (megabytes at scale, on every page); the feed link's
    rel tokens must still include "alternate" with the Atom type, which is how readers and browsers discover a feed."""
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    for path in ["", f"claims/{sorted(BY_ID)[0]}/", "search/?q=Shoigu"]:
        page.goto(base_url + path)
        page.wait_for_load_state("load")
        feeds = page.eval_on_selector_all(
            'link[type="application/atom+xml"]', "links => links.map(l => [l.relList.contains('alternate'), l.href])"
        )
        assert feeds == [[True, base_url + "feed.xml"]], path
    page.wait_for_timeout(500)
    assert [url for url in fetched if "sitemap" in url] == []


def test_the_search_runs_in_pagefinds_worker_and_fetches_each_file_once(page: Any, base_url: str) -> None:
    """Pagefind searches in its web worker, so a query matching every claim (about a second of work at
    10,000 claims) leaves the page free to scroll and type. The worker starts (Pagefind does not fall
    back to the page's thread), the preloaded script is used, and each search file is fetched once,
    whether by the page or by the worker."""
    workers: list[str] = []
    warnings: list[str] = []
    requested: Counter[str] = Counter()
    statuses: dict[str, int] = {}
    page.on("worker", lambda worker: workers.append(worker.url))
    page.on("console", lambda message: warnings.append(message.text) if message.type in ("warning", "error") else None)
    page.context.on("request", lambda request: requested.update([request.url]))
    page.context.on("response", lambda response: statuses.setdefault(response.url, response.status))
    links = open_search(page, base_url, "Filchakov")
    assert links and BY_ID[claim_id(links[0])].claimant.name == "Oleksandr Filchakov"
    assert workers == [f"{base_url}pagefind/pagefind-worker.js"]
    assert warnings == []
    preloads = page.eval_on_selector_all("link[rel=preload], link[rel=modulepreload]", "links => links.map(l => l.href)")
    assert preloads and all("/pagefind/" in href for href in preloads), preloads
    assert {href: statuses.get(href) for href in preloads} == dict.fromkeys(preloads, 200)
    searched = {url: n for url, n in requested.items() if "/pagefind/" in url}
    assert f"{base_url}pagefind/wasm.en.pagefind" in searched, searched
    assert {url: n for url, n in searched.items() if n != 1} == {}


def test_the_header_box_takes_the_reader_to_the_results(page: Any, base_url: str) -> None:
    page.goto(base_url)
    page.fill("#fc-header-search-q", "Filchakov")
    page.press("#fc-header-search-q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q=Filchakov$"), timeout=TIMEOUT_MS)
    links = wait_results(page)
    assert links and BY_ID[claim_id(links[0])].claimant.name == "Oleksandr Filchakov"
    assert page.locator("#fc-search-q").input_value() == "Filchakov"


def test_search_page_reports_no_script_errors(page: Any, base_url: str) -> None:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    open_search(page, base_url, "missiles")
    page.click('details[data-facet="claimant"] > summary')
    page.locator('details[data-facet="claimant"] input').first.wait_for(timeout=TIMEOUT_MS)
    assert problems == []


@pytest.mark.parametrize(("width", "scheme"), [(390, "light"), (390, "dark"), (1280, "light"), (1280, "dark")])
def test_search_page_fits_the_screen(browser: Any, base_url: str, width: int, scheme: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, is_mobile=width < 600)
    try:
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        open_search(tab, base_url, "North Korea")
        tab.click('details[data-facet="tag"] > summary')
        tab.locator('details[data-facet="tag"] input').first.wait_for()
        widths = tab.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1] + 1, f"page is {widths[0]}px wide in a {widths[1]}px viewport"
        SCREENSHOTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / f"search-{width}-{scheme}.png"), full_page=True)
        tab.check('details[data-facet="tag"] input >> nth=0')  # a chosen filter, "Clear all filters", counts
        tab.wait_for_selector(".fc-facets__clear")
        assert axe_problems(tab) == []
    finally:
        context.close()


@pytest.fixture(scope="module")
def hostile_search_url(built_site: Path, site_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The hostile fixture site with this repository's search page and script added (its build copies only the theme)."""
    root = tmp_path_factory.mktemp("hostile-search") / "site"
    shutil.copytree(built_site, root)
    for folder in ("search", "javascripts"):
        shutil.rmtree(root / folder, ignore_errors=True)
        shutil.copytree(site_dir / folder, root / folder)
    assert (root / "pagefind" / "pagefind-entry.json").is_file(), "the hostile site has no search index"
    with serve(root) as url:
        yield url


def test_hostile_text_in_results_stays_text(page: Any, hostile_search_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    links = open_search(page, hostile_search_url, "Headline")
    assert any(link.endswith("/claims/hostile-claim/") for link in links), links
    title = page.locator('#fc-search-results a[href$="/claims/hostile-claim/"]').text_content() or ""
    assert "<script>alert(2)</script>" in title  # shown as the characters typed, not run
    assert page.locator("#fc-search-results script, #fc-search-results img").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []


def test_measure_search_reports_a_cold_first_query(browser: Any, site_dir: Path) -> None:
    """The figures `make bench` prints (searchmeasure.measure_search) come from a real first search."""
    from factcheck.searchmeasure import measure_search

    figures = measure_search(site_dir, ["Filchakov"], browser=browser)
    (run,) = figures["runs"]
    first = BY_ID[claim_id("/" + run["first_result"])]
    assert first.claimant.name == "Oleksandr Filchakov"
    assert run["first_badge"] == first.rating.label  # timed to a result shown with its rating, not to an empty list
    on_disk = sum(p.stat().st_size for p in (site_dir / "pagefind").glob("*.pagefind"))
    assert on_disk <= run["search_bytes"] < run["bytes"]  # the WebAssembly at least, and the page around it
    assert 0 < run["ms_search_to_first_result"] < run["ms_to_first_result"]
    assert 0 < run["ms_to_first_result_in_page"] <= run["ms_to_first_result"]  # painted after it entered the page
