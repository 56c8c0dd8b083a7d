"""Property-based hostile input: mutate a valid claim at random, anywhere, with anything.

Hypothesis takes the valid claim of ``conftest.valid_claim_text`` and changes one
field (or several) in one of three ways: the YAML is rebuilt with a new value
(always well-formed YAML), raw text is spliced into a value as written in the
file (often broken YAML), or a value gets a trailing newline. The inserted text
mixes random Unicode (controls, bidi, zero-width, noncharacters), YAML-special
strings, HTML/Markdown/attr_list payloads and long runs.

For every example, in-process (so any exception fails the test with its traceback):

- the generator never crashes;
- either it refuses with problems that each name the claim file, a line inside it
  and (where one is meant) the field; or it renders, and then every output is safe
  for its reader: each page's front matter parses (as MkDocs reads it) with titles
  HTML-escaped and ClaimReview as JSON that cannot end its <script>; each page body,
  passed through Python-Markdown with the site's own extensions (what MkDocs does),
  holds no script, event handler, javascript:/data: URL, off-site image or frame,
  and no attribute, class or link that came from a plain-text field; claims.csv has
  no formula cell; feed.xml parses as XML; claims.json parses as JSON.

The helpers ``page_problems``/``html_problems``/``output_problems`` are shared with
``test_hostile_input.py`` (CLI level) and ``test_no_half_writes.py``.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import itertools
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import markdown
import pytest
import yaml
from conftest import REPO, make_project, valid_claim_text
from factcheck import pipeline
from factcheck.problems import Problem
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

CLAIM_FILE = "claims/example-claim.yaml"

# ---------------------------------------------------------------------------
# What no output may carry.

# Markers inside the payloads: if one of them shows up as markup, text was re-read as markup.
CANARY = "zqx"
# Elements that run script, load something, or change how the page is read.
FORBIDDEN_IN_BODY = {
    "script", "style", "link", "meta", "base", "iframe", "frame", "frameset", "object", "embed", "applet",
    "form", "input", "button", "textarea", "select", "svg", "math", "template", "noscript", "xmp", "plaintext",
}  # fmt: skip
LOADS = {"img", "iframe", "frame", "embed", "object", "source", "video", "audio", "track", "input", "script", "image", "use"}
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "background", "poster", "ping", "lowsrc", "dynsrc",
    "codebase", "data", "cite", "longdesc", "manifest", "icon", "srcset", "imagesrcset",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "data:", "vbscript:", "file:", "blob:", "filesystem:")
LINK_RELS_THAT_LOAD = {"stylesheet", "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch", "icon", "manifest", "import"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _url_problem(url: str) -> str | None:
    """Why a URL in an attribute is unsafe (browsers drop ASCII whitespace and controls before the scheme)."""
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", url).lower()
    if squeezed.startswith(BAD_SCHEMES):
        return f"a {squeezed.split(':', 1)[0]}: URL"
    return None


def _off_site(url: str) -> bool:
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", url).lower()
    return squeezed.startswith("//") or bool(urlsplit(squeezed).scheme)


class _Scan(HTMLParser):
    """Everything in an HTML document a reader's browser would run or fetch."""

    def __init__(self, body: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.body = body  # a page body (contributor-facing part) rather than a whole built page
        self.found: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], list[str]]] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self.body and tag in FORBIDDEN_IN_BODY:
            self.found.append(f"<{tag}> element")
        if tag == "script":
            self.scripts.append((attributes, []))
            self._in_script = True
            if attributes.get("src") and _off_site(attributes["src"] or ""):
                self.found.append(f"<script src={attributes['src']!r}> loads a third-party script")
        if tag == "link":
            rels = set((attributes.get("rel") or "").lower().split())
            if rels & LINK_RELS_THAT_LOAD and _off_site(attributes.get("href") or ""):
                self.found.append(f"<link rel={attributes.get('rel')!r} href={attributes.get('href')!r}> loads from another site")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…> event handler")
            if CANARY in name:
                self.found.append(f"<{tag} {name}=…>: an attribute named by contributor text")
            if name == "class" and CANARY in value:
                self.found.append(f"<{tag} class={value!r}>: a class set by contributor text")
            if name == "style" and re.search(r"url\s*\(|expression\s*\(|@import", value, re.IGNORECASE):
                self.found.append(f"<{tag} style={value!r}> loads or runs something")
            if name in URL_ATTRIBUTES:
                urls = [part.strip().split(" ")[0] for part in value.split(",")] if name.endswith("srcset") else [value]
                for url in urls:
                    why = _url_problem(url)
                    if why:
                        self.found.append(f"<{tag} {name}={value!r}>: {why}")
                    elif tag in LOADS and _off_site(url):
                        self.found.append(f"<{tag} {name}={value!r}> loads from another site")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_script = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and self.scripts:
            self.scripts[-1][1].append(data)


def html_problems(source: str, where: str, body: bool) -> list[str]:
    """What in an HTML document could run script or call a third party.

    ``body``: the document is a page body produced from a generated page (no script,
    style, frame or form element at all). Otherwise it is a whole built page: the
    theme's own scripts are allowed, but an inline script may not hold contributor
    payload, and a JSON script must parse.
    """
    scan = _Scan(body)
    scan.feed(source)
    scan.close()
    found = list(scan.found)
    for attributes, parts in scan.scripts:
        text = "".join(parts)
        kind = (attributes.get("type") or "").lower()
        if kind in ("application/ld+json", "application/json"):
            try:
                json.loads(text)
            except ValueError as exc:
                found.append(f"<script type={kind}> does not parse as JSON ({exc})")
        elif re.search(rf"alert\s*\(|{CANARY}|evil\.example|confirm\s*\(|prompt\s*\(", text):
            found.append(f"inline <script> holds contributor text: {text[:120]!r}")
    return [f"{where}: {f}" for f in found]


@functools.cache
def site_markdown() -> markdown.Markdown:
    """Python-Markdown configured with the site's markdown_extensions, as MkDocs uses it."""
    from mkdocs.config import load_config

    config = load_config(str(REPO / "mkdocs.yml"))
    return markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)


def page_problems(path: str, text: str, plain_links_allowed: bool = True) -> list[str]:
    """A generated Markdown page, read as MkDocs reads it: front matter, then the body as HTML."""
    from mkdocs.utils.meta import get_data

    found: list[str] = []
    meta = get_data(text)[1]
    if text.startswith("---") and not meta:
        found.append(f"{path}: the front matter does not parse as YAML; MkDocs would show it as page text")
    for key in ("title", "description"):
        value = meta.get(key)
        if value is not None and (not isinstance(value, str) or re.search(r"[<>\"]", value)):
            found.append(f"{path}: front matter {key} is not HTML-escaped text: {value!r}")
    if "claimreview" in meta:
        raw = meta["claimreview"]
        try:
            data = json.loads(raw) if isinstance(raw, str) else raw
            json.dumps(data)
        except ValueError as exc:
            found.append(f"{path}: claimreview is not JSON ({exc})")
        if isinstance(raw, str) and re.search(r"<|-->", raw):
            found.append(f"{path}: claimreview JSON holds '<' or '-->' and could end its <script>")
    for key, value in meta.items():
        if isinstance(value, str) and re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", value):
            found.append(f"{path}: front matter {key} holds a control character")
    found += html_problems(page_html(text), path, body=True)
    return found


@functools.lru_cache(maxsize=1024)  # pages a mutation does not touch (methodology, about...) are converted once
def page_html(text: str) -> str:
    """The HTML body MkDocs makes of a generated page (front matter removed)."""
    from mkdocs.utils.meta import get_data

    md = site_markdown()
    md.reset()
    return md.convert(get_data(text)[0])


def output_problems(outputs: dict[str, str | bytes]) -> list[str]:
    """Every generated output checked for its own reader."""
    found: list[str] = []
    for path, content in sorted(outputs.items()):
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        if path.endswith(".md"):
            found += page_problems(path, text)
        elif path.endswith(".html"):
            found += html_problems(text, path, body=False)
        elif path.endswith(".csv"):
            found += csv_problems(text, path)
        elif path.endswith(".xml"):
            found += xml_problems(text, path)
        elif path.endswith((".json", ".json.gz")) and not path.startswith("pagefind/"):
            try:
                json.loads(gzip.decompress(content) if isinstance(content, bytes) and path.endswith(".gz") else text)
            except (ValueError, OSError) as exc:
                found.append(f"{path}: not JSON ({exc})")
        elif path.startswith("pagefind/") and "/fragment/" in path:
            found += fragment_problems(content if isinstance(content, bytes) else content.encode(), path)
    return found


def csv_problems(text: str, path: str) -> list[str]:
    found = []
    for row_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        for cell in row:
            if cell.startswith(FORMULA_START):
                found.append(f"{path}: row {row_number}: cell {cell[:40]!r} would run as a spreadsheet formula")
            if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", cell):
                found.append(f"{path}: row {row_number}: cell holds a control character")
    return found


def xml_problems(text: str, path: str) -> list[str]:
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        return [f"{path}: not well-formed XML ({exc})"]
    found = []
    for element in root.iter():
        for name, value in element.attrib.items():
            if name in ("href", "src") and _url_problem(value):
                found.append(f"{path}: <{element.tag} {name}={value!r}>")
        # Atom content of type html/xhtml is HTML a feed reader renders: hold it to the page-body standard.
        if element.get("type") in ("html", "xhtml") and element.text:
            found += html_problems(element.text, f"{path} <{element.tag}>", body=True)
    return found


def fragment_problems(data: bytes, path: str) -> list[str]:
    """A Pagefind fragment (gzip, 'pagefind_dcd' + JSON): its URL and metadata carry nothing a browser would run."""
    try:
        raw = gzip.decompress(data)
    except OSError:
        raw = data
    raw = raw.removeprefix(b"pagefind_dcd")
    try:
        record = json.loads(raw)
    except ValueError:
        return [f"{path}: fragment is not JSON"]
    found = []
    url = str(record.get("url", ""))
    if _url_problem(url) or _off_site(url):
        found.append(f"{path}: fragment url {url!r}")
    # Text in the index (content, meta title...) is data: it is inert as long as the site's search script
    # renders it as text; test_hostile_input checks that the shipped scripts have no HTML sink.
    for key, value in (record.get("meta") or {}).items():
        if isinstance(value, str) and key in ("image", "url") and (_url_problem(value) or _off_site(value)):
            found.append(f"{path}: meta {key} {value!r} is off-site or a script URL")
    return found


# ---------------------------------------------------------------------------
# What hypothesis inserts.

FRAGMENTS = [
    # HTML that opens, closes or leaves open an allowed or forbidden element
    "<script>alert(1)</script>", "</script>", "<script", "</div>", "<div>", "</p>", "<p>", "<ul><li>", "</ol>",
    "<blockquote>", "</article>", "</section>", "<pre>", "</code>", "<!--", "-->", "<![CDATA[", "]]>", "<?php", "</title>",
    "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<iframe src=https://zqx.evil.example/>",
    '<a href="javascript:alert(1)">x</a>', "<style>body{background:url(https://zqx.evil.example/)}</style>",
    '"><script>alert(1)</script>', "'><img src=x onerror=alert(1)>", "<math><mi xlink:href=javascript:alert(1)>x",
    # Markdown and attr_list that would come back to life if re-read
    "[zqxlink](https://zqx.evil.example/)", "[x](javascript:alert(1))", "![zqximg](https://zqx.evil.example/i.png)",
    "<https://zqx.evil.example/>", "<javascript:alert(1)>", "[zqx]: https://zqx.evil.example/", "[x][zqx]",
    '{: .zqxclass zqxattr="1" onclick="alert(1)" }', "{#zqxid .zqxclass}", "{: style=\"background:url(https://zqx.evil.example/)\" }",
    "*zqx*", "**", "_", "`", "```", "~~~", "\n\n", "\n    code", "# ", "\n# zqx\n", "- ", "1. ", "> ", "| a | b |\n|---|---|",
    "---", "\n---\n", "***", "\\", "&", "&amp;", "&lt;script&gt;", "&#106;avascript:alert(1)", "&#0;", "&#x202e;",
    # Templates, YAML and front matter
    "{{ config }}", "{% raw %}", "${x}", "\"", "'", ": ", " #", "!!int", "!!python/object:os.system", "&a", "*a",
    "? ", "%YAML 1.1", "@", "`x`", "|", ">", "yes", "no", "null", "~", "true", "0x1F", "1e3", ".inf", "2024-01-01",
    # Spreadsheet, terminal and CI
    "=HYPERLINK(\"https://zqx.evil.example\")", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "::error::zqx", "::add-mask::x",
    "%0A", "\x1b[2J", "\x1b]8;;https://zqx.evil.example\x07",
    # Characters the text policy refuses or must normalise
    "\x00", "\x07", "\x7f", "\x85", "\x9b", "\u200b", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066", "\u061c",
    "\u2028", "\u2029", "\ufdd0", "\uffff", "\U0010fffe", "\ue000", "\u00ad", "e\u0301", "\u212b", "\uff1cscript\uff1e",
    "К", "і", "Ο", "김정은", "Шойгу", "٢٠٢٤",
    # Long runs
    "x" * 400, "[" * 60, "*" * 80, "> " * 40, "- " * 40, "<a>" * 30,
]  # fmt: skip

# Text fields of the claim (paths into the parsed YAML), with optional ones the base claim lacks.
TEXT_FIELDS: list[tuple[str | int, ...]] = [
    ("claim",), ("headline",), ("verdict",), ("summary",),
    ("claimant", "name"), ("claimant", "role"), ("claimant", "url"),
    ("source", "publisher"), ("source", "title"), ("source", "quote"), ("source", "url"), ("source", "archive_url"),
    ("source", "translation"), ("source", "lang"), ("source", "date"),
    ("corroboration", 0, "publisher"), ("corroboration", 0, "title"), ("corroboration", 0, "quote"),
    ("corroboration", 0, "note"), ("corroboration", 0, "derives_from"), ("corroboration", 0, "url"),
    ("corroboration", 0, "translation"), ("corroboration", 1, "publisher"), ("corroboration", 1, "date"),
    ("tags", 0), ("related", 0), ("date",), ("reviewed",), ("published",), ("id",), ("status",),
    ("history", 0, "note"), ("history", 0, "date"), ("claimant", "type"), ("corroboration", 0, "stance"),
]  # fmt: skip

# Values the optional fields get before mutation (so a mutation can also land inside a valid value).
DEFAULTS: dict[tuple[str | int, ...], Any] = {
    ("headline",): "Forty missiles, the ministry said",
    ("verdict",): "Two independent reports support the figure.",
    ("source", "title"): "Missiles delivered",
    ("source", "archive_url"): "https://web.archive.org/web/2024/https://news.example.org/story",
    ("source", "translation"): "Forty missiles were delivered.",
    ("source", "lang"): "ko",
    ("corroboration", 0, "title"): "A report",
    ("corroboration", 0, "quote"): "Forty were delivered.",
    ("corroboration", 0, "note"): "Confirms the figure.",
    ("corroboration", 0, "derives_from"): "Third Wire",
    ("corroboration", 0, "translation"): "A translation.",
    ("corroboration", 1, "date"): "2024-07",
    ("tags", 0): "north-korea",
    ("related", 0): "other-claim",
    ("published",): "2026-11-20",
    ("history", 0, "note"): "Rating set after review.",
    ("history", 0, "date"): "2026-11-20",
}

unicode_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
payload = st.lists(st.one_of(st.sampled_from(FRAGMENTS), unicode_text), min_size=1, max_size=6).map("".join)
# Text the policy accepts (letters, marks, digits, punctuation, symbols, spaces in any script) mixed with markup:
# these reach the pages, so they test the escaping rather than the refusal.
printable_text = st.text(st.characters(whitelist_categories=("L", "M", "N", "P", "S", "Zs")), max_size=12)
MARKUP = [
    f for f in FRAGMENTS if re.search(r"[<>\[\]{}*_`#&|!]", f) and not re.search(r"[\x00-\x1f\x7f-\x9f\u200b-\u206f\ufeff\ufdd0\uffff]", f)
]
printable_payload = st.lists(st.one_of(st.sampled_from(MARKUP), printable_text), min_size=1, max_size=6).map(" ".join)


def base_claim() -> dict[str, Any]:
    return yaml.safe_load(valid_claim_text())


OTHER_CLAIM = valid_claim_text("other-claim", claim="The ministry said other claim figures were different.").replace(
    ".example.", ".other.example."
)


def set_path(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    """Set ``value`` at ``path``, creating the optional mappings/lists on the way."""
    here = data
    for key, following in itertools.pairwise(path):
        if isinstance(key, int):
            while len(here) <= key:
                here.append({} if isinstance(following, str) else None)
            if here[key] is None:
                here[key] = {} if isinstance(following, str) else []
        elif key not in here or here[key] is None:
            here[key] = [] if isinstance(following, int) else {}
        here = here[key]
    last = path[-1]
    if isinstance(last, int):
        while len(here) <= last:
            here.append(None)
    here[last] = value


def get_path(data: Any, path: tuple[str | int, ...]) -> Any:
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return DEFAULTS.get(path)
    return data


def with_defaults(data: dict[str, Any], path: tuple[str | int, ...]) -> None:
    """Fill the optional field at ``path`` (and history's required fields) with a valid value first."""
    if path[0] == "history":
        data["history"] = [{"date": "2026-11-20", "kind": "update", "note": "Rating set after review."}]
    if path in DEFAULTS and get_path(data, path) == DEFAULTS[path]:
        set_path(data, path, DEFAULTS[path])


@st.composite
def mutated_claim(draw: st.DrawFn) -> str:
    """A claim file: the valid claim with one to three values changed (always well-formed YAML)."""
    data = base_claim()
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(TEXT_FIELDS))
        with_defaults(data, path)
        old = get_path(data, path)
        old = old if isinstance(old, str) else ""
        how = draw(st.sampled_from(["insert", "replace", "append-newline", "surround"]))
        inserted = draw(st.one_of(printable_payload, payload))
        if how == "insert":
            at = draw(st.integers(0, len(old)))
            new = old[:at] + inserted + old[at:]
        elif how == "replace":
            new = inserted
        elif how == "append-newline":
            new = old + draw(st.sampled_from(["\n", "\r\n", "\n\n", "\u2028", " \n"]))
        else:
            new = inserted + old + inserted
        set_path(data, path, new)
    return yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False, width=draw(st.sampled_from([80, 10_000])))


@st.composite
def spliced_claim(draw: st.DrawFn) -> str:
    """A claim file with raw text spliced into the YAML as written (often not well-formed YAML)."""
    text = valid_claim_text()
    lines = text.splitlines(keepends=True)
    number = draw(st.integers(0, len(lines) - 1))
    line = lines[number]
    at = draw(st.integers(line.find(":") + 1 if ":" in line else 0, len(line.rstrip("\n"))))
    lines[number] = line[:at] + draw(st.one_of(printable_payload, payload)) + line[at:]
    return "".join(lines)


# ---------------------------------------------------------------------------
# The properties.


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("hostile-properties") / "project", {"other-claim.yaml": OTHER_CLAIM})


def run_once(root: Path, text: str, extras: bool = False) -> pipeline.Result:
    """Write ``text`` as the claim file and run the whole generator in memory (nothing is written)."""
    (root / CLAIM_FILE).write_text(text, encoding="utf-8")
    return pipeline.run(root, extras=extras, use_cache=False)  # every example from scratch: no cache can hide a crash


def located_problems(problems: list[Problem], text: str) -> list[str]:
    """Problems that do not say where: each must name the claim file (or the other claim), a line in it, and print on one line."""
    bad = []
    line_count = len(text.splitlines()) + 1
    for p in problems:
        first = p.format().splitlines()[0]
        if p.file not in (CLAIM_FILE, "claims/other-claim.yaml"):
            bad.append(f"not located in a claim file: {first}")
        elif not 1 <= p.line <= max(line_count, 30):
            bad.append(f"line outside the file: {first}")
        elif not p.message.strip():
            bad.append(f"no message: {first}")
        if re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]", p.format().replace("\n    hint: ", " ")):
            bad.append(f"prints a control or invisible character: {first!r}")
    return bad


def check(root: Path, text: str, extras: bool = False) -> None:
    result = run_once(root, text, extras)
    event("refused" if result.problems else "rendered")
    if result.problems:
        assert result.outputs == {} or not result.ok
        bad = located_problems(result.problems, text)
        assert not bad, "\n".join(bad)
        return
    found = output_problems(result.outputs)
    assert not found, "\n".join(found[:20])


SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(text=mutated_claim())
def test_mutated_values_are_refused_with_a_location_or_render_inert(root: Path, text: str) -> None:
    check(root, text)


@SETTINGS
@given(text=spliced_claim())
def test_raw_text_spliced_into_the_yaml_never_crashes_and_is_located(root: Path, text: str) -> None:
    check(root, text)


PLAIN_TEXT_FIELDS = [p for p in TEXT_FIELDS if p[-1] in ("claim", "headline", "verdict", "name", "role", "publisher", "title", "quote", "note", "derives_from", "translation")]  # fmt: skip
MULTILINE = ("quote", "note", "translation", "claim")


@st.composite
def markup_claim(draw: st.DrawFn) -> str:
    """The valid claim with markup (and printable text in any script) added to one or two plain-text fields."""
    data = base_claim()
    for _ in range(draw(st.integers(1, 2))):
        path = draw(st.sampled_from(PLAIN_TEXT_FIELDS))
        with_defaults(data, path)
        old = get_path(data, path) or ""
        inserted = draw(printable_payload)
        set_path(data, path, f"{old}\n{inserted}" if path[-1] in MULTILINE else f"{old} {inserted}".strip())
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=markup_claim())
def test_markup_in_a_plain_text_field_is_shown_as_text_never_parsed(root: Path, text: str) -> None:
    """Markup in a one-line or plain-text field is legitimate text: it reaches the pages as text, never as markup."""
    result = run_once(root, text)
    assume(result.ok)  # refusals (a lone "---", mixed alphabets in a word) are covered by the tests above
    found = output_problems(result.outputs)
    assert not found, "\n".join(found[:20])
    rendered = "\n".join(page_html(v) for k, v in result.outputs.items() if k.endswith(".md") and isinstance(v, str))
    assert not re.search(r"<a [^>]*href=\"https://zqx", rendered), "a plain-text field became a link"
    # "*zqx*" and "\n# zqx\n" in the payloads: as markup they would give exactly these elements.
    assert not re.search(r"<(em|strong|h[1-6])\b[^>]*>zqx</\1>", rendered), "a plain-text field became emphasis or a heading"


SUMMARY_PIECES = [f for f in MARKUP if "\n" not in f] + ["\n\n", "\n", "para", "[ok](https://example.org/a)", "*em*", "1. item\n2. item"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(summary=st.lists(st.sampled_from(SUMMARY_PIECES), min_size=1, max_size=8).map(" ".join))
def test_summary_markdown_is_refused_or_rendered_without_anything_executable(root: Path, summary: str) -> None:
    data = base_claim()
    data["summary"] = summary
    check(root, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=markup_claim())
def test_search_index_and_share_images_of_a_hostile_claim_are_inert(root: Path, text: str) -> None:
    """The extras (Pagefind index, share images) are built from the same claims: same guarantee."""
    check(root, text, extras=True)


@settings(max_examples=40, deadline=None)
@given(
    path=st.sampled_from(
        [("date",), ("reviewed",), ("tags", 0), ("related", 0), ("id",), ("source", "date"), ("source", "lang"), ("claimant", "url")]
    ),
    ending=st.sampled_from(["\n", "\r", "\r\n", " ", "\t", "\u2028", "\u0085", "\x00", "\ufeff", "\u200b"]),
)
def test_trailing_newline_or_invisible_character_in_a_pattern_field_is_refused_at_its_line(
    root: Path, path: tuple[str | int, ...], ending: str
) -> None:
    """Patterns match the whole value: "2024-06-10\\n" is not a date, "north-korea\\n" not a tag."""
    data = base_claim()
    with_defaults(data, path)
    value = get_path(data, path) or ""
    if path == ("claimant", "url"):
        value = "https://example.org/jane"
    set_path(data, path, value + ending)
    text = yaml.safe_dump(data, allow_unicode=False, sort_keys=False)
    result = run_once(root, text)
    assert result.problems, f"{path} ending in {ending!r} was accepted"
    dotted = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path))
    mine = [p for p in result.problems if p.file == CLAIM_FILE]
    assert any(p.field == dotted for p in mine), [p.format() for p in result.problems]
    assert not located_problems(result.problems, text)


def test_the_unmutated_claim_renders_and_passes_every_output_check(root: Path) -> None:
    """The checks above can pass only because outputs are safe, not because nothing rendered."""
    result = run_once(root, valid_claim_text())
    assert result.ok, [p.format() for p in result.problems]
    assert any(k.endswith(".md") for k in result.outputs)
    assert output_problems(result.outputs) == []


@pytest.mark.parametrize(
    "html, expected",
    [
        ("<p>x</p><script>alert(1)</script>", "<script> element"),
        ('<a href=" jav&#x09;ascript:alert(1)">x</a>', "javascript: URL"),
        ('<img src="https://evil.example/i.png">', "<img> element" if False else "loads from another site"),
        ('<p onclick="x">y</p>', "event handler"),
        ('<p class="zqxclass">y</p>', "class set by contributor text"),
        ('<iframe src="//evil.example/"></iframe>', "<iframe> element"),
        ('<a href="data:text/html,x">x</a>', "data: URL"),
    ],
)
def test_the_html_checker_itself_catches_each_kind_of_payload(html: str, expected: str) -> None:
    """A guard for the guard: the checker used by every hostile test flags what it must."""
    found = html_problems(html, "page", body=True)
    assert any(expected in f for f in found), found


def test_the_output_checker_catches_broken_front_matter_formulas_and_bad_xml() -> None:
    assert output_problems({"a.md": '---\ntitle: "x\n---\nbody\n'})
    assert output_problems({"a.md": '---\ntitle: "<b>x</b>"\n---\nbody\n'})
    assert output_problems({"a.md": '---\nclaimreview: "{\\"a\\": \\"</script>\\"}"\n---\nbody\n'})
    assert output_problems({"claims.csv": "id,headline\nx,=1+1\n"})
    assert output_problems({"feed.xml": "<feed><title>x</feed>"})
    assert output_problems({"claims.json": "{"})
    assert output_problems({"claims.json.gz": gzip.compress(b"{")})
    assert output_problems({"claims.json.gz": b"{}"})  # not gzip at all


# Zeros of other decimal digit systems (Arabic-Indic, Extended Arabic-Indic, Devanagari, Bengali, Thai, full-width, maths bold).
OTHER_ZEROS = ["\u0660", "\u06f0", "\u0966", "\u09e6", "\u0e50", "\uff10", "\U0001d7ce"]
DATE_FIELDS = [("date",), ("reviewed",), ("published",), ("source", "date"), ("corroboration", 0, "accessed"), ("history", 0, "date")]


@settings(max_examples=40, deadline=None)
@given(path=st.sampled_from(DATE_FIELDS), zero=st.sampled_from(OTHER_ZEROS), which=st.lists(st.booleans(), min_size=10, max_size=10))
def test_a_date_written_with_digits_of_another_script_is_refused_at_its_field(
    root: Path, path: tuple[str | int, ...], zero: str, which: list[bool]
) -> None:
    """`\\d` also matches Arabic-Indic and full-width digits: such a date once passed validation and crashed the renderer."""
    data = base_claim()
    with_defaults(data, path)
    value = get_path(data, path)
    assume(any(which[i] for i, ch in enumerate(value) if ch.isdigit()))
    foreign = "".join(chr(ord(zero) + int(ch)) if ch.isdigit() and which[i] else ch for i, ch in enumerate(value))
    set_path(data, path, foreign)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    result = run_once(root, text)
    dotted = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path))
    assert any(p.field == dotted and p.file == CLAIM_FILE for p in result.problems), [p.format() for p in result.problems]
    assert not located_problems(result.problems, text)


URL_FIELDS = [
    ("source", "url"),
    ("source", "archive_url"),
    ("claimant", "url"),
    ("corroboration", 0, "url"),
    ("corroboration", 1, "archive_url"),
]
URL_PIECES = [
    "[",
    "]",
    "[::1]",
    ":",
    ":99999",
    ":x",
    "@",
    "user:pass@",
    "%",
    "%zz",
    "#",
    "?",
    "\\",
    "//",
    "..",
    "xn--",
    "例え",
    "ａ",
    "İ",
    " ",
    "\u00a0",
    "'",
    '"',
    "<",
    ")",
    "javascript:",
    "data:",
    "\n",
]


@settings(max_examples=50, deadline=None)
@given(
    path=st.sampled_from(URL_FIELDS), pieces=st.lists(st.tuples(st.integers(0, 40), st.sampled_from(URL_PIECES)), min_size=1, max_size=3)
)
def test_a_broken_address_is_refused_at_its_field_or_rendered_inert(
    root: Path, path: tuple[str | int, ...], pieces: list[tuple[int, str]]
) -> None:
    """Any splice into an address (host, port, user info, scheme) ends in a located refusal or a safe page, never a crash."""
    data = base_claim()
    url = "https://news.example.org/story"
    for at, piece in pieces:
        at = min(at, len(url))
        url = url[:at] + piece + url[at:]
    set_path(data, path, url)
    check(root, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
