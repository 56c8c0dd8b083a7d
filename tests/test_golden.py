"""Golden files: the Markdown of a claim page, compared byte for byte.

The fixture claims live in ``tests/golden/*.yaml``; the expected page for each
is ``tests/golden/<id>.md``. ``full-claim.yaml`` uses every field of the model
(history, archive addresses, grades, ``derives_from``, ``related``) and text
that needs escaping; ``minimal-unverified.yaml`` has only the required fields.

When a template changes on purpose, run ``pytest tests/test_golden.py
--update-golden``: the expected files are rewritten from the current renderer
and each rewritten test is reported as *skipped* (never as passed), so a run
with the flag cannot be mistaken for a green one. Read the diff of the .md
files before committing them, then run the suite again without the flag.
"""

from __future__ import annotations

import dataclasses
import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from conftest import REPO, TODAY
from factcheck.convert import model_fields
from factcheck.model import Claim, Claimant
from factcheck.render import (
    ClaimantCollision,
    FrontMatterError,
    OutputCollision,
    Renderer,
    claimant_slug,
    front_matter,
    render_site,
)
from factcheck.rules import validate
from factcheck.siteconfig import SiteConfig
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

GOLDEN = Path(__file__).parent / "golden"
FIXTURES = sorted(GOLDEN.glob("*.yaml"))
CONFIG = SiteConfig(
    site_name="Claim Check test site",
    site_url="https://example.org/factcheck/",
    description="Fixture site for the golden tests.",
    publisher="Test publisher",
)


@pytest.fixture(scope="module")
def fixture_claims() -> list[Claim]:
    items, problems = validate(FIXTURES, today=TODAY, root=GOLDEN)
    assert [p.format() for p in problems] == []
    return [i.claim for i in items if i.claim is not None]


@pytest.fixture(scope="module")
def rendered(fixture_claims: list[Claim]) -> dict[str, str | bytes]:
    return render_site(fixture_claims, CONFIG)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_claim_page_matches_golden_file(rendered: dict[str, str | bytes], fixture: Path, update_golden: bool) -> None:
    page = rendered[f"claims/{fixture.stem}.md"]
    actual = page.encode("utf-8") if isinstance(page, str) else page
    expected_path = GOLDEN / f"{fixture.stem}.md"
    if update_golden:
        expected_path.write_bytes(actual)
        pytest.skip(f"rewrote {expected_path.relative_to(GOLDEN.parent)}; check it by eye, then run without --update-golden")
    assert expected_path.is_file(), f"{expected_path.name} is missing: run pytest tests/test_golden.py --update-golden"
    expected = expected_path.read_bytes()
    if actual != expected:
        # Show the first differing line rather than two long blobs.
        for n, (a, e) in enumerate(zip(actual.decode().splitlines(), expected.decode().splitlines(), strict=False), start=1):
            assert a == e, f"{expected_path.name} line {n} differs (run with --update-golden if the change is intended)"
        assert actual == expected, f"{expected_path.name}: the pages differ in length (run with --update-golden if intended)"


def test_golden_pages_have_no_unexpected_extra_files() -> None:
    """Every expected .md has its fixture, so a renamed fixture cannot leave a stale golden file behind."""
    assert sorted(p.stem for p in GOLDEN.glob("*.md")) == sorted(p.stem for p in FIXTURES)


def _missing_fields(cls: type, data: Any, prefix: str = "") -> list[str]:
    """Model fields (walked through nested dataclasses and lists) that ``data`` never sets."""
    missing: list[str] = []
    for f, ftype in model_fields(cls):
        name = prefix + f.name
        values = [d[f.name] for d in data if f.name in d]
        if not values:
            missing.append(name)
            continue
        inner = ftype.item.base if ftype.item else ftype.base
        if dataclasses.is_dataclass(inner):
            nested = [v for value in values for v in (value if ftype.item else [value])]
            missing += _missing_fields(inner, nested, name + ("[]." if ftype.item else "."))
    return missing


def test_full_fixture_uses_every_field_of_the_model() -> None:
    data = yaml.safe_load((GOLDEN / "full-claim.yaml").read_text(encoding="utf-8"))
    assert _missing_fields(Claim, [data]) == []


def test_full_fixture_has_context_items_corrections_and_a_derived_origin(fixture_claims: list[Claim]) -> None:
    full = next(c for c in fixture_claims if c.id == "full-claim")
    assert {e.stance for e in full.corroboration} >= {"supports", "context"}
    assert {h.kind for h in full.history} == {"status", "correction"}
    assert len(full.origins()) < len(full.corroboration), "one item should derive from another's origin"


def test_rendering_the_same_claims_twice_gives_identical_pages(fixture_claims: list[Claim]) -> None:
    assert render_site(fixture_claims, CONFIG) == render_site(list(reversed(fixture_claims)), CONFIG)


# -- every page: front matter by a serialiser, contributor text in one raw HTML block ---------


def site_markdown() -> markdown.Markdown:
    """Python-Markdown with the extensions of the site's mkdocs.yml (what MkDocs runs on each page)."""
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.add_multi_constructor("", lambda loader, suffix, node: None)
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=loader)
    names, options = [], {}
    for ext in config["markdown_extensions"]:
        name = next(iter(ext)) if isinstance(ext, dict) else ext
        names.append(name)
        options[name] = (ext[name] or {}) if isinstance(ext, dict) else {}
    return markdown.Markdown(extensions=names, extension_configs=options)


def html_pages(rendered: dict[str, str | bytes]) -> dict[str, str]:
    """Generated pages whose body is one HTML block (claims and listings, not the Markdown prose pages)."""
    prose = {"methodology.md", "about.md", "corrections.md"}
    return {p: c for p, c in rendered.items() if p.endswith(".md") and isinstance(c, str) and p not in prose and "sources" not in p}


def test_every_page_has_front_matter_that_mkdocs_reads_as_the_renderer_wrote_it(rendered: dict[str, str | bytes]) -> None:
    pages = {p: c for p, c in rendered.items() if p.endswith(".md") and isinstance(c, str)}
    assert len(pages) > 20
    for path, page in pages.items():
        body, meta = get_data(page)
        assert page.startswith("---\n") and meta, path
        assert not body.startswith("---"), f"{path}: a second front matter block"
        assert {"title", "description", "image", "canonical_kind"} <= set(meta), path
        assert meta["canonical_kind"] in {"claim", "listing", "page"}, path
    _, claim_meta = get_data(str(rendered["claims/full-claim.md"]))
    assert claim_meta["title"] == html.escape("Prosecutor says Russia fired 50 Hwasong-11 missiles <by February>")
    assert claim_meta["image"] == "share/full-claim.png"
    assert claim_meta["canonical_kind"] == "claim"
    assert claim_meta["hide"] == ["navigation", "toc"]
    assert '"@type":"ClaimReview"' in claim_meta["claimreview"]


@pytest.mark.parametrize(
    "value",
    ["plain", "a: b", "- x", "'quoted'", '"dq"', "#hash", "---", "...", "&anchor", "*alias", "!tag", "x\ny", "tab\there", "\u2028", "é"],
)
def test_front_matter_round_trips_yaml_special_text(value: str) -> None:
    meta = {"title": value, "description": value, "hide": ["toc"]}
    assert get_data(front_matter(meta) + "body\n")[1] == meta


@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=60), st.lists(st.text(max_size=8), max_size=3))
def test_front_matter_text_of_any_characters_reads_back_exactly_through_mkdocs_reader(value: str, items: list[str]) -> None:
    """Line breaks YAML folds, quotes, backslashes, controls: each written so that it reads back as written
    (a lone surrogate, which no YAML reader reads back and no claim file holds, is refused)."""
    meta = {"title": value, "description": value[::-1], "hide": items, "canonical_kind": "claim", "n": len(value), "flag": bool(items)}
    try:
        text = front_matter(meta)
    except FrontMatterError:
        assert any("\ud800" <= ch <= "\udfff" for ch in value), "only text holding a surrogate is refused"
        return
    assert text.count("\n") == len(meta) + 2, "one line per value, nothing a reader could take for a new key"
    assert get_data(text + "body\n")[1] == meta


@given(st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2))
def test_front_matter_values_it_cannot_write_on_one_line_go_through_yaml_and_still_read_back(nested: dict[str, str]) -> None:
    meta = {"title": "t", "nested": nested, "odd key": "x"}
    try:
        text = front_matter(meta)
    except FrontMatterError:
        return
    assert get_data(text + "body\n")[1] == meta


@pytest.mark.parametrize("path", ["claims/full-claim.md", "claims/minimal-unverified.md", "index.md", "browse/claimants/index.md"])
def test_body_is_one_raw_html_block_that_markdown_copies_unchanged(rendered: dict[str, str | bytes], path: str) -> None:
    body, _ = get_data(str(rendered[path]))
    assert body.startswith('<div class="fc-page') and body.rstrip().endswith("</div>"), path
    assert "\n\n" not in body.strip(), f"{path}: a blank line inside the HTML block"
    assert " ".join(site_markdown().convert(body).split()) == " ".join(body.split())


def test_every_html_page_is_a_single_top_level_element(rendered: dict[str, str | bytes]) -> None:
    for path, page in html_pages(rendered).items():
        body, _ = get_data(page)
        assert body.startswith('<div class="fc-page'), path
        assert "\n\n" not in body.strip(), path
        assert _top_level(body) == 1, path


def _top_level(fragment: str) -> int:
    class Depth(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.depth = self.roots = 0

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag not in {"br", "img", "hr", "meta", "link", "input"}:
                self.roots += self.depth == 0
                self.depth += 1

        def handle_endtag(self, tag: str) -> None:
            self.depth -= 1

    parser = Depth()
    parser.feed(fragment)
    assert parser.depth == 0, "unbalanced HTML"
    return parser.roots


# -- the claim page reads like a fact-check ---------------------------------------------------


def test_verdict_card_comes_first_with_headline_claim_claimant_rating_and_verdict(rendered: dict[str, str | bytes]) -> None:
    body = str(rendered["claims/full-claim.md"])
    article = body[body.index('<article class="fc-claim" data-claim-id="full-claim">') :]
    card = article[: article.index("</section>")]
    assert article.index('<section class="fc-verdict-card fc-verdict-card--confirmed"') < article.index('<section class="fc-section"')
    assert "<h1" in card and "&lt;by February&gt;</h1>" in card
    assert "Russia fired 50 North Korean Hwasong-11 missiles" in card
    assert 'href="../../browse/claimants/oleksandr-filchakov/">Oleksandr Filchakov</a>' in card
    assert "Kharkiv regional prosecutor" in card and '<time datetime="2024-02-20">' in card
    assert '<span class="fc-badge fc-badge--confirmed fc-badge--large">Confirmed</span>' in card
    assert '<p class="fc-verdict-card__verdict">Reuters &amp; Ukrinform both report' in card


def test_unverified_claim_without_a_verdict_says_it_is_not_yet_rated(rendered: dict[str, str | bytes]) -> None:
    card = str(rendered["claims/minimal-unverified.md"]).split("</section>", 1)[0]
    assert '<p class="fc-verdict-card__verdict">Not yet rated' in card


def test_non_english_quotes_carry_lang_and_a_labelled_translation(rendered: dict[str, str | bytes]) -> None:
    body = str(rendered["claims/full-claim.md"])
    assert body.count('lang="uk"') == 2
    assert body.count("Our translation from Ukrainian:") == 2
    source = body[body.index('id="where-it-appeared"') : body.index('id="evidence"')]
    assert re.search(r'<blockquote class="fc-quote" lang="uk"><p>Росія.*?</p></blockquote>\n<p class="fc-translation">', source)


def test_evidence_figures_count_supporting_origins_by_what_they_establish(rendered: dict[str, str | bytes]) -> None:
    body = str(rendered["claims/full-claim.md"])
    figures = body[body.index('<ul class="fc-figures">') : body.index('<h3 id="evidence-supports">')]
    # Reuters (statement) and Example Daily (repeats Reuters) are one origin; Ukrinform (event) another; ISW is context.
    assert '<strong class="fc-figure__n">2</strong> independent origins support the claim' in figures
    assert "1 reports the statement was made; 1 confirms the event" in figures
    assert '<strong class="fc-figure__n">0</strong> independent origins contradict it' in figures
    assert "1 further item gives context and is not counted" in figures


def test_unclassified_supporting_origins_are_counted_as_such(fixture_claims: list[Claim]) -> None:
    full = next(c for c in fixture_claims if c.id == "full-claim")
    plain = dataclasses.replace(full, corroboration=tuple(dataclasses.replace(e, establishes=None) for e in full.corroboration))
    body = str(render_site([plain], CONFIG)["claims/full-claim.md"])
    assert "Of these: 2 not classified" in body


# -- listings -------------------------------------------------------------------------------------


def test_listings_are_cards_and_a_rating_with_no_claims_is_not_a_link(rendered: dict[str, str | bytes]) -> None:
    home = str(rendered["index.md"])
    assert home.index('<ul class="fc-chips">') < home.index('<ul class="fc-cards">')
    assert 'href="browse/status/confirmed/"' in home and 'href="browse/status/unverified/"' in home
    assert 'href="browse/status/false/"' not in home  # no false claims among the fixtures
    assert '<span class="fc-chip fc-chip--empty"><span class="fc-badge fc-badge--false">False</span>' in home
    for path in ("claims/index.md", "browse/status/confirmed.md", "browse/tags/missiles.md", "browse/claimants/shin-won-sik.md"):
        page = str(rendered[path])
        assert '<ul class="fc-cards">' in page and "<table" not in page and "| --- |" not in page, path


def test_claimant_page_is_a_scorecard_with_the_role_held_in_each_claim(fixture_claims: list[Claim]) -> None:
    full = next(c for c in fixture_claims if c.id == "full-claim")
    later = dataclasses.replace(
        full, id="later-claim", status="unverified", claimant=dataclasses.replace(full.claimant, role="Prosecutor General"), related=()
    )
    page = str(render_site([full, later], CONFIG)["browse/claimants/oleksandr-filchakov.md"])
    assert '<ul class="fc-scorecard">' in page
    assert re.search(r"fc-badge--confirmed\">Confirmed</span><span class=\"fc-scorecard__n\">1<", page)
    assert re.search(r"fc-badge--unverified\">Unverified</span><span class=\"fc-scorecard__n\">1<", page)
    cards = page.split('<li class="fc-card ')[1:]
    roles = {re.search(r'href="../../../claims/([^/]+)/"', c)[1]: re.search(r"</b>, ([^<]+) · said", c)[1] for c in cards}  # type: ignore[index]
    assert roles == {"full-claim": "Kharkiv regional prosecutor | Office_of_the_Prosecutor", "later-claim": "Prosecutor General"}


def test_every_folder_url_has_an_index_page(rendered: dict[str, str | bytes]) -> None:
    pages = {p for p in rendered if p.endswith(".md")}
    folders = {"/".join(p.split("/")[:n]) for p in pages for n in range(1, p.count("/") + 1)}
    assert {f for f in folders if f"{f}/index.md" not in pages} == set()


def test_internal_links_of_html_pages_point_at_generated_pages(rendered: dict[str, str | bytes]) -> None:
    import posixpath

    urls = {"": "index.md"}
    for path in rendered:
        if path.endswith("/index.md"):
            urls[path[: -len("index.md")]] = path
        elif path.endswith(".md"):
            urls[path[: -len(".md")] + "/"] = path
        else:
            urls[path] = path
    broken = []
    for path, page in html_pages(rendered).items():
        here = urls_key = next(u for u, p in urls.items() if p == path)
        for href in re.findall(r'href="([^"#]*)(?:#[^"]*)?"', page):
            if href.startswith(("http://", "https://", "mailto:")) or not href:
                continue
            target = posixpath.normpath(posixpath.join(here or ".", href))
            target = "" if target == "." else target + ("/" if href.endswith("/") else "")
            if target not in urls:
                broken.append(f"{path} -> {href}")
        del urls_key
    assert broken == []


# -- identity and output paths ----------------------------------------------------------------------


def test_claimant_slugs_transliterate_cyrillic_and_hangul_to_distinct_readable_slugs() -> None:
    assert claimant_slug("Олександр Фільчаков") == "oleksandr-filchakov"
    assert claimant_slug("황준국") == "hwangjungug"
    assert claimant_slug("Шойгу") != claimant_slug("Путин") != claimant_slug("황준국")
    assert claimant_slug("***")  # never empty
    assert len(claimant_slug("Name " * 100)) <= 80


def _with_claimant(claim: Claim, claim_id: str, name: str) -> Claim:
    return dataclasses.replace(claim, id=claim_id, related=(), claimant=Claimant(name=name))


def test_names_that_differ_only_in_case_share_one_claimant_page(fixture_claims: list[Claim]) -> None:
    minimal = next(c for c in fixture_claims if c.id == "minimal-unverified")
    renderer = Renderer([_with_claimant(minimal, "a", "Shin Won-sik"), _with_claimant(minimal, "b", "SHIN WON-SIK")], CONFIG)
    assert [len(g.claims) for g in renderer.claimants] == [2]


def test_two_names_with_one_slug_are_refused_naming_both(fixture_claims: list[Claim]) -> None:
    minimal = next(c for c in fixture_claims if c.id == "minimal-unverified")
    with pytest.raises(ClaimantCollision) as caught:
        Renderer([_with_claimant(minimal, "a", "Shin Won-sik"), _with_claimant(minimal, "b", "Shin Won sik")], CONFIG)
    assert set(caught.value.claim_ids) == {"a", "b"} and caught.value.field == ("claimant", "name")


@pytest.mark.parametrize(
    ("change", "path", "field"),
    [
        ({"id": "index"}, "claims/index.md", ("id",)),
        ({"tags": ("index",)}, "browse/tags/index.md", ("tags",)),
        ({"claimant": Claimant(name="Index")}, "browse/claimants/index.md", ("claimant", "name")),
    ],
)
def test_a_claim_that_wants_a_listing_page_path_is_refused(
    fixture_claims: list[Claim], change: dict[str, Any], path: str, field: tuple[str, ...]
) -> None:
    minimal = next(c for c in fixture_claims if c.id == "minimal-unverified")
    with pytest.raises(OutputCollision) as caught:
        render_site([dataclasses.replace(minimal, **change)], CONFIG)
    assert caught.value.path == path and caught.value.field == field
    assert caught.value.claim_ids == (change.get("id", "minimal-unverified"),)


def test_a_tag_that_wants_a_later_pagination_page_is_refused(fixture_claims: list[Claim]) -> None:
    minimal = next(c for c in fixture_claims if c.id == "minimal-unverified")
    claims = [dataclasses.replace(minimal, id=f"c{n}", tags=("missiles",)) for n in range(3)]
    claims.append(dataclasses.replace(minimal, id="other", tags=("missiles-2",)))
    with pytest.raises(OutputCollision) as caught:
        render_site(claims, dataclasses.replace(CONFIG, page_size=2))
    assert caught.value.path == "browse/tags/missiles-2.md"


def test_origins_record_which_claim_made_each_page(fixture_claims: list[Claim]) -> None:
    renderer = Renderer(fixture_claims, CONFIG)
    renderer.render()
    assert set(renderer.origins) == set(renderer.outputs)
    assert renderer.origins["claims/full-claim.md"] == "full-claim"
    assert renderer.origins["browse/tags/kharkiv.md"] == "full-claim"
    assert renderer.origins["browse/claimants/shin-won-sik.md"] == "minimal-unverified"
    assert renderer.origins["index.md"] is None


# -- about and corrections lead somewhere real ------------------------------------------------


def test_about_and_corrections_link_the_issue_forms_when_a_repository_is_set(fixture_claims: list[Claim]) -> None:
    out = render_site(fixture_claims, dataclasses.replace(CONFIG, repo_url="https://github.com/example/checks"))
    for path in ("about.md", "corrections.md"):
        assert 'href="https://github.com/example/checks/issues/new?template=dispute-rating.yml"' in str(out[path]), path
    assert 'href="https://github.com/example/checks/issues/new?template=submit-claim.yml"' in str(out["about.md"])


def test_about_and_corrections_give_the_configured_contact_without_a_repository(fixture_claims: list[Claim]) -> None:
    out = render_site(fixture_claims, dataclasses.replace(CONFIG, contact="corrections@example.org"))
    for path in ("about.md", "corrections.md"):
        assert '<a href="mailto:corrections@example.org">corrections@example.org</a>' in str(out[path]), path


def test_about_invents_no_address_when_neither_is_set(rendered: dict[str, str | bytes]) -> None:
    about, policy = str(rendered["about.md"]), str(rendered["corrections.md"])
    assert "no contact address configured" in about and "public repository" in policy
    assert "mailto:" not in about + policy and "github.com" not in about + policy


def test_the_claimants_index_is_paginated_apart_from_claimant_names(fixture_claims: list[Claim]) -> None:
    """At scale there are thousands of claimants: the index shows a page of them at a time, most-checked first, and
    its later pages live under page/ where no claimant slug can go (a claimant called "Index 2" keeps its own page)."""
    minimal = next(c for c in fixture_claims if c.id == "minimal-unverified")
    names = ["Index 2", "Page", "Alpha", "Beta", "Gamma"]
    claims = [_with_claimant(minimal, f"c{n}", name) for n, name in enumerate(names)]
    claims.append(_with_claimant(minimal, "c9", "Beta"))  # Beta: two claims, so first
    pages = render_site(claims, dataclasses.replace(CONFIG, page_size=2))
    assert [p for p in pages if p == "browse/claimants/index.md" or "/page/" in p] == [
        "browse/claimants/index.md",
        "browse/claimants/page/2.md",
        "browse/claimants/page/3.md",
    ]
    assert "browse/claimants/index-2.md" in pages and "browse/claimants/page.md" in pages  # the claimants' own pages
    first = str(pages["browse/claimants/index.md"])
    assert first.index(">Beta</a>") < first.index(">Alpha</a>")
    assert "5 claimants, those with the most checked claims first" in first
    assert 'href="page/2/" rel="next"' in first


_PAGES = st.sampled_from(["index.md", "claims/index.md", "claims/a.md", "claims/page/2/index.md", "browse/tags/x.md",
                          "browse/claimants/index.md", "browse/timeline.md", "methodology.md", "claims.csv", "feed.xml"])  # fmt: skip


@given(_PAGES, _PAGES.filter(lambda path: path.endswith(".md")))
def test_a_relative_link_leads_from_its_page_to_its_target(target: str, here: str) -> None:
    from urllib.parse import urljoin

    from factcheck.render import page_url, relative_url

    site = "https://example.org/factcheck/"
    assert urljoin(site + page_url(here), relative_url(target, here)) == site + page_url(target)


def test_a_card_whose_text_holds_the_link_mark_is_refused_not_linked_twice(fixture_claims: list[Claim]) -> None:
    """A card is rendered once with a mark where its link goes; text holding that mark (a NUL, which validation
    refuses) must stop the build rather than have the link put into the text."""
    from factcheck.render import _LINK_MARK, RenderError

    full = next(c for c in fixture_claims if c.id == "full-claim")
    hostile = dataclasses.replace(full, headline=f"Before{_LINK_MARK}after", related=())
    with pytest.raises(RenderError, match="must hold its claim's link once"):
        render_site([hostile], CONFIG)
