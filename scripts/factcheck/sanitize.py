"""Keep contributor text from ever putting markup or script into the site.

Plain-text fields are escaped for the context they are written into:
``md_inline`` for Markdown, ``html.escape`` for HTML. The one Markdown field
(``summary``) is rendered here with Python-Markdown and then rebuilt through
an allow-list of tags and attributes; links must be http(s).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import markdown

ALLOWED_TAGS = {"p", "em", "strong", "code", "pre", "a", "ul", "ol", "li", "blockquote", "br"}
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "svg", "math"}

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|]|#(?=#*$))")  # special anywhere, and closing #s
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([#+-])")  # special only where a block starts


def md_inline(text: str) -> str:
    """Plain text as one line of Markdown that renders to exactly that text."""
    text = " ".join(str(text).split())
    text = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def safe_url(url: str) -> str:
    """An http(s) URL, percent-encoding characters that would end a Markdown link."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"refusing a non-http(s) URL: {url!r}")
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def is_http_url(url: str) -> bool:
    return urlsplit(url.strip()).scheme in ("http", "https")


def _render(text: str) -> str:
    return markdown.markdown(text, output_format="html")


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.dropping = 0
        self.rejected: list[str] = []  # what was removed, for the validator

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_WITH_CONTENT:
            self.dropping += 1
            self.rejected.append(f"<{tag}>")
            return
        if self.dropping:
            return
        if tag not in ALLOWED_TAGS:
            self.rejected.append(f"<{tag}>")
            return
        kept = ""
        if tag == "a":
            if any(name not in ("href", "title") for name, _ in attrs):
                self.rejected.append("attributes on <a>")
            href = dict(attrs).get("href") or ""
            if not is_http_url(href):
                self.rejected.append(f"link to `{href}`")
                href = ""
            kept = f' href="{html.escape(safe_url(href))}" rel="nofollow noopener"' if href else ""
        elif any(name for name, _ in attrs if not (tag == "code" and name == "class")):
            self.rejected.append(f"attributes on <{tag}>")
        self.out.append(f"<{tag}{kept}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_WITH_CONTENT:
            self.dropping = max(0, self.dropping - 1)
        elif not self.dropping and tag in ALLOWED_TAGS and tag != "br":
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))

    def handle_comment(self, data: str) -> None:
        self.rejected.append("an HTML comment")


def _sanitise(text: str) -> _Sanitiser:
    parser = _Sanitiser()
    parser.feed(_render(text))
    parser.close()
    return parser


def markdown_html(text: str) -> str:
    """Contributor Markdown as HTML holding only allow-listed tags and http(s) links."""
    return "".join(_sanitise(text).out).strip()


def markdown_problems(text: str) -> list[tuple[str, str]]:
    """What the sanitiser would have to remove, as (message, hint) pairs."""
    problems = []
    for what in dict.fromkeys(_sanitise(text).rejected):
        if what.startswith("link to"):
            problems.append((f"{what} is not allowed", "Links must start with http:// or https://."))
        else:
            problems.append((f"HTML ({what}) is not allowed", "Use Markdown: *emphasis*, **strong**, [text](https://…), lists."))
    return problems
