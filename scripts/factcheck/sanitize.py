"""Contributor text reaches a page through exactly one parser, once.

The one Markdown field (``summary``) is parsed by markdown-it-py in strict
CommonMark mode with raw HTML switched off, so ``<script>`` is text, not a
tag; links are kept only when they are absolute http(s) addresses; images,
headings and rules are switched off (an image would make every reader's
browser call a third party). The HTML it produces is then passed through nh3
(the Ammonia allow-list cleaner) as a second, independent guard, which also
guarantees balanced tags. The result is placed in the page inside one raw
HTML block that MkDocs copies without reading it again.

Every other contributor string is plain text, escaped where it is written:
``html.escape`` for HTML, ``md_inline`` for the few Markdown places left
(the pull-request summary).

``markdown_problems`` tells the validator what the renderer would drop, so a
contributor is told instead of silently losing text.
"""

from __future__ import annotations

import functools
import html
import re
from urllib.parse import quote, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {"p", "em", "strong", "code", "pre", "a", "ul", "ol", "li", "blockquote", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
MAX_NESTING = 20  # lists and quotes nested deeper than this stay text (bounded work)
# Block and inline rules a summary may not use (their output would need tags we do not allow).
_DISABLED_RULES = ["heading", "lheading", "hr", "image", "html_block", "html_inline", "reference"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|]|#(?=#*$))")  # special anywhere, and closing #s
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([#+-])")  # special only where a block starts


def is_http_url(url: str) -> bool:
    return urlsplit(url.strip()).scheme in ("http", "https")


def safe_url(url: str) -> str:
    """An http(s) URL, percent-encoding characters that would end a Markdown link."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"refusing a non-http(s) URL: {url!r}")
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def _http_only(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _parser(strict: bool) -> MarkdownIt:
    """CommonMark, raw HTML off, nesting bounded; ``strict`` also switches off what a summary may not use."""
    md = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING})
    md.validateLink = _http_only  # type: ignore[method-assign]
    if strict:
        md.disable(_DISABLED_RULES)
    return md


_RENDER = _parser(strict=True)
_DETECT = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})  # everything on, to name what is refused


@functools.lru_cache(maxsize=1024)
def _parsed(text: str) -> list[Token]:
    """The summary's tokens, parsed once for both its HTML and its plain text (read only)."""
    return _RENDER.parse(text, {})


@functools.lru_cache(maxsize=65536)
def markdown_html(text: str) -> str:
    """Contributor Markdown as balanced HTML holding only allow-listed tags and http(s) links."""
    rendered = _RENDER.renderer.render(_parsed(text), _RENDER.options, {})
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
    return cleaned.strip()


@functools.lru_cache(maxsize=65536)
def markdown_text(text: str) -> str:
    """The words of contributor Markdown as one line of plain text (descriptions, search)."""
    words: list[str] = []

    def walk(tokens: list[Token]) -> None:
        for token in tokens:
            if token.children:
                walk(token.children)
            elif token.type in ("text", "code_inline", "code_block", "fence"):
                words.append(token.content)
            elif token.type in ("softbreak", "hardbreak", "paragraph_close", "list_item_close"):
                words.append(" ")

    walk(_parsed(text))
    return " ".join("".join(words).split())


def markdown_problems(text: str) -> list[tuple[str, str]]:
    """What the renderer would not show as written, as (message, hint) pairs."""
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(key: str, message: str, hint: str) -> None:
        if key not in seen:
            seen.add(key)
            problems.append((message, hint))

    html_hint = "Use Markdown: *emphasis*, **strong**, [text](https://…), lists."

    def walk(tokens: list[Token], depth: int) -> None:
        for token in tokens:
            if token.type in ("html_block", "html_inline"):
                tag = re.match(r"\s*<\s*/?\s*([a-zA-Z][\w-]*|!--)", token.content)
                what = f"<{tag[1]}>" if tag and tag[1] != "!--" else "an HTML comment" if tag else "HTML"
                add(what, f"HTML ({what}) is not allowed", html_hint)
            elif token.type == "image":
                add("image", "images are not allowed in a summary", "Link to the picture instead: [description](https://…).")
            elif token.type == "heading_open":
                add("heading", "headings are not allowed in a summary", "Write the summary as paragraphs; the page supplies the headings.")
            elif token.type == "hr":
                add("hr", "horizontal rules are not allowed in a summary", "Separate paragraphs with an empty line.")
            elif token.type == "link_open" and not _http_only(str(token.attrGet("href") or "")):
                href = str(token.attrGet("href") or "")
                add(f"link {href}", f"link to `{href}` is not allowed", "Links must start with http:// or https://.")
            if token.children:
                walk(token.children, depth)

    walk(_DETECT.parse(text), 0)
    for target in _refused_link_targets(text):
        add(f"link {target}", f"link to `{target}` is not allowed", "Links must start with http:// or https://.")
    if re.search(r"\[[^\]]*\]:\s", text):
        add("reference", "reference-style link definitions are not allowed", "Write links inline: [text](https://…).")
    return problems


_INLINE_LINK = re.compile(r"\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)")  # a target may hold one level of (parentheses)


def _refused_link_targets(text: str) -> list[str]:
    """Inline link targets that link validation will refuse (markdown-it leaves such links as text)."""
    return [html.unescape(t) for t in _INLINE_LINK.findall(text) if t and not _http_only(html.unescape(t))]


def md_inline(text: str) -> str:
    """Plain text as one line of Markdown that renders to exactly that text."""
    text = " ".join(str(text).split())
    text = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)
