"""Contributor text cannot put markup or script into the site.

Plain-text fields are escaped for where they are written (``md_inline`` for
Markdown, HTML escaping for HTML); the Markdown ``summary`` is rebuilt through
an allow-list. These tests render whole generated pages with Python-Markdown
and the site's Markdown extensions, then parse the HTML (rather than searching
for substrings, which escaped text would also contain) and look for anything
that could run script.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from conftest import PAYLOAD, REPO, TODAY, check_text, formatted, hostile_claim_text, valid_claim_text
from factcheck.model import Claim
from factcheck.render import render_site
from factcheck.rules import validate
from factcheck.sanitize import markdown_html, markdown_problems, md_inline
from factcheck.siteconfig import SiteConfig

CONFIG = SiteConfig(site_name="Test site", site_url="https://example.org/factcheck/", publisher="Test publisher")


def site_markdown() -> markdown.Markdown:
    """Python-Markdown configured with the extensions listed in the site's mkdocs.yml."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.add_multi_constructor("", lambda loader, suffix, node: None)
    config = yaml.load(text, Loader=loader)
    names, configs = [], {}
    for ext in config["markdown_extensions"]:
        if isinstance(ext, dict):
            [(name, options)] = ext.items()
            names.append(name)
            configs[name] = options or {}
        else:
            names.append(ext)
    assert {"attr_list", "tables", "toc"} <= set(names)
    return markdown.Markdown(extensions=names, extension_configs=configs)


def to_html(page: str) -> str:
    """A generated page as MkDocs would convert it: front matter removed, then Markdown."""
    if page.startswith("---\n"):
        page = page.split("\n---\n", 1)[1]
    md = site_markdown()
    return md.convert(page)


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML fragment."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def script_risks(source: str) -> list[str]:
    """What in this HTML could run script: script-like tags, on* handlers, non-http(s) links."""
    risks = []
    for tag, attrs in Elements(source).tags:
        if tag in {"script", "iframe", "object", "embed", "svg", "math", "style", "img"}:
            risks.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                risks.append(f"{name}= on <{tag}>")
            if name in {"href", "src", "action", "formaction"} and value is not None:
                target = "".join(value.split()).lower()
                if ":" in target.split("/")[0] and not target.startswith(("http:", "https:", "mailto:")):
                    risks.append(f"{name}={value!r} on <{tag}>")
    # The same, on the raw text, in case the parser and a browser disagree. Escaped text
    # (``&lt;img onerror=...&gt;``) is harmless and is not matched: it has no real ``<``.
    lowered = source.lower()
    risks += [f"raw {needle!r}" for needle in ("<script", 'href="javascript:', "href='javascript:") if needle in lowered]
    risks += [f"raw handler in {m[0]!r}" for m in re.finditer(r"<[a-z][^>]*\son\w+\s*=[^>]*>", lowered)]
    return risks


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | bytes]:
    root = tmp_path_factory.mktemp("hostile")
    (root / "claims").mkdir()
    path = root / "claims" / "hostile-claim.yaml"
    path.write_text(hostile_claim_text(), encoding="utf-8")
    items, problems = validate([path], today=TODAY, root=root)
    assert formatted(problems) == []
    claim = items[0].claim
    assert isinstance(claim, Claim)
    assert claim.claimant.name == f"Jane {PAYLOAD}"
    assert claim.corroboration[0].quote == f"Evidence quote {PAYLOAD}"
    return render_site([claim], CONFIG)


def test_hostile_claim_page_renders_without_script_handlers_or_script_links(hostile_site: dict[str, str | bytes]) -> None:
    page = hostile_site["claims/hostile-claim.md"]
    assert isinstance(page, str)
    assert script_risks(to_html(page)) == []


def test_hostile_text_is_shown_to_the_reader_as_written(hostile_site: dict[str, str | bytes]) -> None:
    page = hostile_site["claims/hostile-claim.md"]
    assert isinstance(page, str)
    text = " ".join("".join(Elements(to_html(page)).text).split())
    for label in ("Claim", "Jane", "Quote", "Evidence quote", "Note"):
        assert f"{label} {PAYLOAD}" in text, label


def test_every_generated_page_with_hostile_text_is_free_of_script(hostile_site: dict[str, str | bytes]) -> None:
    pages = {path: content for path, content in hostile_site.items() if path.endswith(".md") and isinstance(content, str)}
    assert "claims/index.md" in pages
    assert {path: script_risks(to_html(content)) for path, content in pages.items()} == {path: [] for path in pages}


def test_hostile_front_matter_stays_inside_its_yaml_strings(hostile_site: dict[str, str | bytes]) -> None:
    page = hostile_site["claims/hostile-claim.md"]
    assert isinstance(page, str)
    front = yaml.safe_load(page.split("---\n", 2)[1])
    # The theme prints title and description into <title> and <meta> unescaped, so the
    # generator HTML-escapes them: they read back as the headline, and carry no raw markup.
    assert html.unescape(front["title"]) == f"Headline {PAYLOAD}"
    for key, value in front.items():
        if isinstance(value, str):
            assert "<" not in value, f"front matter {key} carries a raw '<' into the theme's templates"


@pytest.mark.parametrize(
    "summary",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](javascript&#58;alert(1))",
        "[x]( javascript:alert(1) )",
        "[x][r]\n\n[r]: javascript:alert(1)",
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href="https://example.org" onclick="alert(1)">x</a>',
        "![x](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)></svg>",
        '<iframe src="https://example.org"></iframe>',
        "<scr<script>ipt>alert(1)</script>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](vbscript:msgbox(1))",
        '*text*{: onclick="alert(1)" }',
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<!-- <script>alert(1)</script> -->",
    ],
)
def test_summary_sanitiser_output_cannot_run_script(summary: str) -> None:
    out = markdown_html(summary)
    assert script_risks(out) == []
    assert script_risks(to_html(out)) == []


@pytest.mark.parametrize(
    "summary",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "[x](javascript&#58;alert(1))",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)></svg>",
        "[x](vbscript:msgbox(1))",
    ],
)
def test_summary_that_the_sanitiser_would_change_is_refused_by_the_validator(summary: str) -> None:
    assert markdown_problems(summary) != []


def test_summary_keeps_allowed_markdown() -> None:
    out = markdown_html("**Bold**, *em*, `code` and [a link](https://example.org/a?b=1&c=2).\n\n- one\n- two")
    tags = [tag for tag, _ in Elements(out).tags]
    assert tags == ["p", "strong", "em", "code", "a", "ul", "li", "li"]
    [link] = [attrs for tag, attrs in Elements(out).tags if tag == "a"]
    assert link["href"] == "https://example.org/a?b=1&c=2"
    assert "nofollow" in (link["rel"] or "")


def test_hostile_claim_text_passes_validation_but_a_hostile_summary_does_not(tmp_path: Path) -> None:
    text = valid_claim_text().replace("summary: Two independent reports support the figure.", "summary: |\n  " + PAYLOAD)
    messages = [p.message for p in check_text(tmp_path, text)]
    assert "HTML (<script>) is not allowed" in messages
    assert "link to `javascript:alert(1)` is not allowed" in messages


# -- md_inline round trip ---------------------------------------------------------

TRICKY = [
    "1. x",
    "10) x",
    "# x",
    "## h ##",
    "- item",
    "+ x",
    "> q",
    "Hwasong-11",
    "KN-23/KN-24",
    "a_b_c",
    "snake_case_word",
    "*x*",
    "**bold**",
    "5 * 3 * 2",
    "***",
    "___",
    "a | b",
    "<b>",
    "x<y>z",
    "&amp;",
    "&#x27;",
    "&nbsp;",
    "Q&A",
    "`code`",
    "a\\b",
    "C:\\path\\file",
    "trailing \\",
    "[KN-23/KN-24]",
    "[x](javascript:alert(1))",
    "![img](x.png)",
    "<http://x.org>",
    "https://example.org/a_b_c",
    '{: onclick="alert(1)" }',
    "<!-- comment -->",
    "<script>alert(1)</script>",
    "x = y",
    "a ~ b",
    "~~strike~~",
    "2^3",
    "'single' \"double\"",
    "Ukraine's 1,000 km",
    "Шойгу — 北朝鮮",
    "1984. A year",
]

CONTEXTS = {
    "paragraph": ("{}", "p"),
    "blockquote": ("> {}", "blockquote"),
    "heading": ("# {}", "h1"),
    "link text": ("[{}](https://example.org/)", "a"),
    "table cell": ("| A | B |\n| --- | --- |\n| {} | z |", "td"),
}


class TextOf(HTMLParser):
    """The text inside the first element named ``tag`` (without permalink anchors)."""

    def __init__(self, tag: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tag, self.depth, self.done, self.skip = tag, 0, False, 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and ("class", "headerlink") in attrs:
            self.skip += 1
        if tag == self.tag and not self.done:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.skip:
            self.skip -= 1
        if tag == self.tag and self.depth:
            self.depth -= 1
            self.done = True

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.parts.append(data)


def shown_text(markdown_source: str, tag: str) -> str:
    parser = TextOf(tag)
    parser.feed(site_markdown().convert(markdown_source))
    return "".join(parser.parts).strip()


@pytest.mark.parametrize("context", list(CONTEXTS), ids=list(CONTEXTS))
def test_md_inline_renders_back_to_the_same_text(context: str) -> None:
    """For every tricky string, what the reader sees is exactly the string (shown: what they see instead)."""
    template, tag = CONTEXTS[context]
    shown = {text: shown_text(template.format(md_inline(text)), tag) for text in TRICKY}
    assert {text: seen for text, seen in shown.items() if seen != text} == {}


def test_md_inline_makes_one_line_of_collapsed_whitespace() -> None:
    assert md_inline("first line\n  second\tline ") == "first line second line"
    assert shown_text(md_inline("a\n\n# b"), "p") == "a # b"


def test_html_escape_of_the_sanitiser_text_round_trips() -> None:
    text = "5 < 6 & \"quoted\" 'text'"
    assert html.unescape(shown_text(md_inline(text), "p")) == html.unescape(text)
