"""The real site: generate, then `mkdocs build --strict`, then read the built HTML.

The session fixture ``built_site`` (conftest.py) builds the golden fixture claims
and one hostile claim, whose every plain-text field tries to break out of HTML.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import GOLDEN, SITE_URL, make_site_project, run_cli, valid_claim_text

pytestmark = pytest.mark.slow

FULL = "full-claim"
MINIMAL = "minimal-unverified"
HOSTILE = "hostile-claim"
CLAIM_IDS = sorted([p.stem for p in GOLDEN.glob("*.yaml")] + [HOSTILE])
MAX_CLAIM_PAGE_BYTES = 60_000


class Page(HTMLParser):
    """Tags, attributes, text, nav links and script bodies of one built page."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.nav_links: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._nav = 0
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []
        self._skip = 0
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "nav":
            self._nav += 1
        if tag == "a" and self._nav and attributes.get("href"):
            self.nav_links.append(attributes["href"] or "")
        if tag == "script":
            self._script, self._script_text = attributes, []
        if tag in {"style", "script"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._nav:
            self._nav -= 1
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None
        if tag in {"style", "script"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)
        elif not self._skip:
            self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def page(site: Path, claim_id: str) -> Page:
    return Page((site / "claims" / claim_id / "index.html").read_text(encoding="utf-8"))


def test_every_claim_has_one_html_page(built_site: Path) -> None:
    pages = sorted(p.parent.name for p in (built_site / "claims").glob("*/index.html"))
    assert pages == CLAIM_IDS


def test_claim_page_shows_the_claim_claimant_and_rating(built_site: Path) -> None:
    words = page(built_site, FULL).words
    assert "Russia fired 50 North Korean Hwasong-11 missiles at Ukraine between 30 December 2023" in words
    assert "Oleksandr Filchakov" in words
    assert "Our rating Confirmed" in words
    assert "Prosecutor: 50 missiles *so far* | Example Wire" in words
    assert "Our translation from Ukrainian: Russia has used about 50 Hwasong-11 missiles [KN-23/KN-24]" in words


def test_unverified_claim_page_shows_its_rating(built_site: Path) -> None:
    words = page(built_site, MINIMAL).words
    assert "Our rating Unverified Not yet rated" in words
    assert "Shin Won-sik" in words


def generated_article(site: Path, claim_id: str) -> str:
    """The <article> block the generator wrote into docs/claims/<id>.md."""
    source = (site.parent / "docs" / "claims" / f"{claim_id}.md").read_text(encoding="utf-8")
    return re.search(r'<article class="fc-claim".*?</article>', source, re.S)[0]  # type: ignore[index]


def built_article(site: Path, claim_id: str) -> str:
    built = (site / "claims" / claim_id / "index.html").read_text(encoding="utf-8")
    [article] = re.findall(r'<article class="fc-claim".*?</article>', built, re.S)
    return article


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_mkdocs_passes_the_claim_body_through_unchanged(built_site: Path, claim_id: str) -> None:
    """Contributor text meets one parser: the HTML the generator wrote is the HTML the reader gets."""
    assert " ".join(built_article(built_site, claim_id).split()) == " ".join(generated_article(built_site, claim_id).split())


def test_hostile_claim_article_has_no_script_handler_script_link_or_third_party_image(built_site: Path) -> None:
    article = built_article(built_site, HOSTILE)
    assert "alert(1)" in html.unescape(article), "the hostile text should be shown, as text"
    parsed = Page(article)
    assert [tag for tag, _ in parsed.tags if tag in {"script", "img", "iframe", "object", "embed", "style", "svg"}] == []
    assert [(tag, name) for tag, attrs in parsed.tags for name in attrs if name.startswith("on")] == []
    links = [attrs.get(name) or "" for _, attrs in parsed.tags for name in ("href", "src", "action") if name in attrs]
    assert [u for u in links if "".join(u.split()).lower().startswith(("javascript:", "vbscript:", "data:"))] == []
    assert "<script" not in article.lower() and "<img" not in article.lower()


def test_no_listing_page_prints_a_raw_markdown_table(built_site: Path) -> None:
    for path in (built_site / "browse").rglob("index.html"):
        assert "| --- |" not in Page(path.read_text(encoding="utf-8")).words, path


def test_claim_page_nav_does_not_list_other_claims(built_site: Path) -> None:
    for claim_id in CLAIM_IDS:
        links = page(built_site, claim_id).nav_links
        assert links, "the page should have a navigation"
        others = [link for link in links for other in CLAIM_IDS if other != claim_id and other in link]
        assert others == [], claim_id


def test_claim_pages_stay_small(built_site: Path) -> None:
    sizes = {p.parent.name: p.stat().st_size for p in (built_site / "claims").glob("*/index.html")}
    assert {k: v for k, v in sizes.items() if v > MAX_CLAIM_PAGE_BYTES} == {}


def test_sitemap_lists_absolute_urls_under_site_url(built_site: Path) -> None:
    tree = ET.parse(built_site / "sitemap.xml")
    locs = [el.text or "" for el in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs
    assert [loc for loc in locs if not loc.startswith(SITE_URL)] == []
    for claim_id in CLAIM_IDS:
        assert f"{SITE_URL}claims/{claim_id}/" in locs


def test_claim_page_carries_claimreview_json_ld(built_site: Path) -> None:
    scripts = [body for attrs, body in page(built_site, FULL).scripts if attrs.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    data = json.loads(scripts[0])
    assert data["@type"] == "ClaimReview"
    assert data["url"] == f"{SITE_URL}claims/{FULL}/"
    assert data["reviewRating"]["alternateName"] == "Confirmed"
    assert data["itemReviewed"]["author"]["name"] == "Oleksandr Filchakov"
    assert data["claimReviewed"] == "Prosecutor says Russia fired 50 Hwasong-11 missiles <by February>"


def script_risks(built: Page, reference: Page) -> list[str]:
    """Script a contributor could have added: handlers, script links, extra or altered script elements."""
    risks = [f"{name} on <{tag}>" for tag, attrs in built.tags for name in attrs if name.startswith("on")]
    for tag, attrs in built.tags:
        for name in ("href", "src", "action"):
            value = "".join((attrs.get(name) or "").split()).lower()
            if value.startswith(("javascript:", "vbscript:", "data:")):
                risks.append(f"{name}={value!r} on <{tag}>")
    if len(built.scripts) != len(reference.scripts):
        risks.append(f"{len(built.scripts)} script elements, a benign claim page has {len(reference.scripts)}")
    for attrs, body in built.scripts:
        if attrs.get("type") in {"application/ld+json", "application/json"}:
            json.loads(body)  # data only, and it must still parse: nothing broke out of it
        elif "alert(" in body:
            risks.append(f"script element running {body[:60]!r}")
    return risks


def test_hostile_claim_page_runs_no_contributor_script(built_site: Path) -> None:
    assert script_risks(page(built_site, HOSTILE), page(built_site, FULL)) == []


def test_no_built_page_runs_contributor_script(built_site: Path) -> None:
    """Listing, browse and feed pages also carry the hostile claim's title and claimant."""
    risky: dict[str, list[str]] = {}
    for path in sorted(built_site.rglob("*.html")):
        built = Page(path.read_text(encoding="utf-8"))
        risks = [f"{name} on <{tag}>" for tag, attrs in built.tags for name in attrs if name.startswith("on")]
        for attrs, body in built.scripts:
            if attrs.get("type") in {"application/ld+json", "application/json"}:
                json.loads(body)
            elif "alert(" in body:
                risks.append(f"script running {body[:40]!r}")
        if risks:
            risky[path.relative_to(built_site).as_posix()] = risks
    assert risky == {}


def test_verdict_reaches_claimreview_csv_json_and_feed(built_site: Path) -> None:
    import csv

    verdict = 'Reuters & Ukrinform both report the prosecutor\'s "about 50" figure <first-hand>; the count itself is his estimate.'
    [ld] = [json.loads(body) for attrs, body in page(built_site, FULL).scripts if attrs.get("type") == "application/ld+json"]
    assert ld["reviewRating"]["ratingExplanation"] == verdict
    with (built_site / "claims.csv").open(encoding="utf-8", newline="") as handle:
        rows = {r["id"]: r for r in csv.DictReader(handle)}
    assert rows[FULL]["verdict"] == verdict and rows[MINIMAL]["verdict"] == ""
    records = {c["id"]: c for c in json.loads(gzip.decompress((built_site / "claims.json.gz").read_bytes()))["claims"]}
    assert records[FULL]["verdict"] == verdict
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ET.parse(built_site / "feed.xml").getroot().iter(f"{atom}entry")
    contents = [e.findtext(f"{atom}content") or "" for e in entries if (e.findtext(f"{atom}id") or "").endswith(f"/{FULL}/#published")]
    assert len(contents) == 1 and html.escape(verdict, quote=False) in contents[0]


def test_make_site_ships_minified_pages_whose_scripts_are_the_ones_the_policy_allows(tmp_path: Path) -> None:
    """`claims.py build` minifies the staged site after MkDocs (GitHub Pages caps a site at 1 GB); the theme's
    inline scripts keep the bytes whose hashes the Content-Security-Policy lists."""
    import base64
    import hashlib

    import yaml

    root = make_site_project(tmp_path / "project", {"example-claim.yaml": valid_claim_text()})
    result = run_cli(root, "build", env={"SITE_URL": SITE_URL})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "minify html" in result.stdout
    page = (root / "site" / "claims" / "example-claim" / "index.html").read_text(encoding="utf-8")
    assert page.count("\n") < 10 and "\n    <" not in page  # the templates' indentation is gone
    allowed = set(yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["extra"]["csp_script_hashes"])
    inline = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert inline
    for body in inline:
        assert "sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() in allowed
