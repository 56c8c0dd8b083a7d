"""The post-build HTML minifier (factcheck.minify) on real built pages: smaller, and nothing a reader,
a search engine or the Content-Security-Policy depends on changes."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from factcheck import minify

# Elements that start a new line of text in the browser: whitespace next to them is not a word gap
# the minifier has to keep, so text is compared with a break there.
BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "br", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "li", "main", "meta", "link", "nav",
    "ol", "p", "section", "table", "tbody", "td", "th", "thead", "title", "tr", "ul", "label", "input", "button", "svg", "path",
    "script", "template", "option", "select",
}  # fmt: skip
# Attributes whose values must survive exactly (languages, machine-readable dates, accessibility, links, ids).
KEPT = ("lang", "datetime", "href", "id", "for", "title", "role", "hidden", "tabindex", "content", "rel")


class Scan(HTMLParser):
    """What matters on one page: script bodies, words, and the kept attributes of every element in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[str, str]] = []  # (type, body)
        self.text: list[str] = []
        self.attrs: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        self.pre: list[str] = []
        self._script_type: str | None = None
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        kept = tuple(sorted((n, v) for n, v in values.items() if n in KEPT or n.startswith("aria-") or n.startswith("data-")))
        self.attrs.append((tag, kept))
        if tag == "script":
            self._script_type = values.get("type", "")
            self.scripts.append((self._script_type, ""))
        if tag in ("pre", "textarea"):
            self._pre_depth += 1
            self.pre.append("")
        if tag in BLOCKS:
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_type = None
        if tag in ("pre", "textarea"):
            self._pre_depth -= 1
        if tag in BLOCKS:
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        if self._script_type is not None:
            kind, body = self.scripts[-1]
            self.scripts[-1] = (kind, body + data)
            return
        if self._pre_depth:
            self.pre[-1] += data
        self.text.append(data)

    @property
    def words(self) -> list[str]:
        return "".join(self.text).split()


def scan(text: str) -> Scan:
    parsed = Scan()
    parsed.feed(text)
    parsed.close()
    return parsed


def sha256(body: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")


@pytest.fixture(scope="module")
def minified(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path, dict[str, object]]:
    """Every page of the built test site as MkDocs wrote it, and a copy of the site after minify_site."""
    copy = tmp_path_factory.mktemp("minified") / "site"
    shutil.copytree(built_site, copy)
    before = {page.relative_to(copy).as_posix(): page.read_text(encoding="utf-8") for page in minify.html_files(copy)}
    result = minify.minify_site(copy)
    return before, copy, result


def test_every_page_gets_smaller_and_none_is_left_out(minified: tuple[dict[str, str], Path, dict[str, object]]) -> None:
    before, site, result = minified
    assert result["files"] == len(before) > 10
    assert result["kept"] == []
    assert result["bytes_before"] == sum(len(text.encode()) for text in before.values())
    assert result["bytes_after"] == sum(len((site / name).read_bytes()) for name in before)
    for name, text in before.items():
        assert len((site / name).read_bytes()) < len(text.encode()), name
    assert result["bytes_after"] < 0.9 * result["bytes_before"]


def test_inline_scripts_keep_their_bytes_and_csp_hashes(minified: tuple[dict[str, str], Path, dict[str, object]]) -> None:
    before, site, _ = minified
    seen_theme_script = False
    for name, text in before.items():
        old, new = scan(text).scripts, scan((site / name).read_text(encoding="utf-8")).scripts
        assert [body for _, body in new] == [body for _, body in old], name
        assert [sha256(body) for _, body in new if body] == [sha256(body) for _, body in old if body], name
        seen_theme_script |= any(kind == "" and "__md_scope" in body for kind, body in old)
    assert seen_theme_script, "no page carried the theme's inline script: the test would prove nothing"


def test_claimreview_json_ld_stays_valid_and_equal(minified: tuple[dict[str, str], Path, dict[str, object]]) -> None:
    before, site, _ = minified
    claims = 0
    for name, text in before.items():
        old = [json.loads(body) for kind, body in scan(text).scripts if kind == "application/ld+json"]
        new = [json.loads(body) for kind, body in scan((site / name).read_text(encoding="utf-8")).scripts if kind == "application/ld+json"]
        assert new == old, name
        claims += bool(old)
    assert claims >= 2


def test_words_and_meaningful_attributes_are_unchanged(minified: tuple[dict[str, str], Path, dict[str, object]]) -> None:
    before, site, _ = minified
    for name, text in before.items():
        old, new = scan(text), scan((site / name).read_text(encoding="utf-8"))
        assert new.words == old.words, name
        assert new.attrs == old.attrs, name


def test_the_hostile_claim_page_stays_inert(minified: tuple[dict[str, str], Path, dict[str, object]]) -> None:
    _, site, _ = minified
    page = (site / "claims" / "hostile-claim" / "index.html").read_text(encoding="utf-8")
    assert "<img src=x onerror" not in page and "<script>alert(2)" not in page
    assert "alert(2)" in "".join(scan(page).words)  # shown as text, not run


def test_minifying_twice_changes_nothing_and_is_deterministic(
    minified: tuple[dict[str, str], Path, dict[str, object]], tmp_path: Path
) -> None:
    _, site, first = minified
    pages = {name: (site / name).read_bytes() for name in (p.relative_to(site).as_posix() for p in minify.html_files(site))}
    again = minify.minify_site(site)
    assert again["bytes_before"] == again["bytes_after"] == first["bytes_after"]
    assert {name: (site / name).read_bytes() for name in pages} == pages
    one, two = tmp_path / "one.html", tmp_path / "two.html"
    page = '<!doctype html><html lang="uk"><head><title> x </title></head><body>\n  <p lang="ko"> 신원식  </p>\n</body></html>'
    one.write_text(page, encoding="utf-8")
    two.write_text(page, encoding="utf-8")
    minify.minify_site(tmp_path)
    assert one.read_bytes() == two.read_bytes()


def test_preformatted_text_keeps_its_whitespace() -> None:
    page = "<!doctype html><html><head></head><body>\n  <pre>a\n    b  c\n</pre>\n  <textarea>  x\n\n y </textarea>\n</body></html>"
    old, new = scan(page), scan(minify.minify_page(page) or "")
    assert new.pre == old.pre == ["a\n    b  c\n", "  x\n\n y "]


def test_a_page_whose_script_would_change_is_left_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "claims" / "x" / "index.html"
    page.parent.mkdir(parents=True)
    original = "<!doctype html><html><head>\n  <script>var a = 1;  var b = 2;</script>\n</head><body>\n <p>x</p>\n</body></html>"
    page.write_text(original, encoding="utf-8")
    monkeypatch.setattr(minify.minify_html, "minify", lambda text, **_: text.replace("  var", " var").replace("\n", ""))
    result = minify.minify_site(tmp_path)
    assert result["kept"] == ["claims/x/index.html"]
    assert page.read_text(encoding="utf-8") == original
    assert result["bytes_before"] == result["bytes_after"] == len(original)


def test_files_that_are_not_pages_and_links_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "data.json").write_text('{"a":  1}\n', encoding="utf-8")
    outside = tmp_path / "outside.htm"
    outside.write_text("<p>  x  </p>", encoding="utf-8")
    (tmp_path / "link.html").symlink_to(outside)
    result = minify.minify_site(tmp_path)
    assert result["files"] == 0
    assert (tmp_path / "data.json").read_text(encoding="utf-8") == '{"a":  1}\n'
    assert outside.read_text(encoding="utf-8") == "<p>  x  </p>"


def test_a_page_holding_a_stand_in_character_is_left_as_it_was() -> None:
    assert minify.minify_page("<!doctype html><html><head></head><body>\n <p>a\ufdd0b</p>\n</body></html>") is None
    assert minify.minify_page("<!doctype html><html><head></head><body>\n <p>a &lt;b&gt;</p>\n</body></html>") is not None


# Page furniture (overrides/): what every page repeats is kept small without a reader losing anything.
REPO = Path(__file__).resolve().parents[1]


def test_every_icon_a_page_names_is_drawn_by_the_stylesheet(built_site: Path) -> None:
    css = (REPO / "docs" / "stylesheets" / "theme.css").read_text(encoding="utf-8")
    named: set[str] = set()
    for page in minify.html_files(built_site):
        named |= set(re.findall(r'class="fc-icon (fc-icon--[a-z-]+)"', page.read_text(encoding="utf-8")))
    assert named == {f"fc-icon--{n}" for n in ("library", "weather-night", "weather-sunny", "arrow-up", "menu", "magnify")}
    for name in named:
        assert re.search(rf"\.{name} \{{\s*--fc-icon: url\(\"data:image/svg\+xml,%3Csvg ", css), f"{name} has no mask in theme.css"


def test_pages_carry_the_share_meta_once_and_no_hidden_empty_sidebar(built_site: Path) -> None:
    claim = (built_site / "claims" / "full-claim" / "index.html").read_text(encoding="utf-8")
    for needed in ('property="og:title"', 'property="og:description"', 'property="og:image"', 'name="twitter:card"'):
        assert claim.count(needed) == 1, needed
    for fallback in ("twitter:title", "twitter:description", "twitter:image"):  # X reads og:* instead
        assert fallback not in claim
    assert "md-sidebar--secondary" not in claim  # the TOC sidebar these pages hide
    assert 'data-md-type="navigation"' in claim  # the phone's navigation drawer stays
    assert "<svg" not in claim.split("</header>")[0], "an icon in the header drawn as inline SVG on every page"
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', claim, re.S).group(1))
    assert config["translations"] == {} and "navigation.top" in config["features"]
