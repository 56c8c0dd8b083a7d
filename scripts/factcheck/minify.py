"""Post-build step: minify every HTML page of a built site in place (whitespace, quotes, optional tags).

MkDocs and Material write pages with the indentation of their Jinja templates: at 10,000 claims
that whitespace alone is tens of megabytes of a site that GitHub Pages caps at 1 GB. minify-html
(Rust, one pass, no JavaScript engine) removes it.

What must not change, and is checked on every page before it is written back:

- every ``<script>`` body, byte for byte: the Content-Security-Policy allows the theme's inline
  scripts by their sha256 (``extra.csp_script_hashes`` in mkdocs.yml), and a ClaimReview
  ``application/ld+json`` body is data for search engines. JavaScript and CSS are therefore not
  minified at all (``minify_js``/``minify_css`` off);
- ``<pre>``/``<textarea>`` whitespace, ``lang``, ``datetime`` and ``aria-*`` attributes (minify-html
  keeps them; tests/test_minify.py checks real built pages);
- escaped angle brackets. minify-html writes ``&lt;``/``&gt;`` as bare ``<``/``>`` wherever the HTML
  parser allows (inside a quoted attribute, ``>`` in text): valid, but a hostile claimant name would
  then stand in the page as ``content='</title><script>...'``. Defence in depth keeps them escaped:
  they pass through the minifier as two Unicode noncharacters (which the text policy refuses in every
  claim, and a page holding one is left unminified) and are turned back into entities afterwards.

A page whose scripts would change is left as it was and named in the result (``kept``), never
half-written. The output depends only on the input, and minifying a minified page changes
nothing, so running the step twice is harmless.
"""

from __future__ import annotations

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import minify_html

# Closing tags and <html>/<head> stay: readers' tools (and the tests) parse pages with ordinary
# HTML parsers, and the bytes they save are few.
OPTIONS: dict[str, bool] = {
    "minify_js": False,
    "minify_css": False,
    "keep_closing_tags": True,
    "keep_html_and_head_opening_tags": True,
    "keep_comments": False,
}
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.S | re.I)
_ESCAPED = {"&lt;": "\ufdd0", "&gt;": "\ufdd1"}  # entity -> noncharacter standing in for it


def minify_page(text: str) -> str | None:
    """``text`` minified, or None when minifying would change the body of any ``<script>``."""
    if any(stand_in in text for stand_in in _ESCAPED.values()):
        return None
    masked = text
    for entity, stand_in in _ESCAPED.items():
        masked = masked.replace(entity, stand_in)
    small = minify_html.minify(masked, **OPTIONS)
    for entity, stand_in in _ESCAPED.items():
        small = small.replace(stand_in, entity)
    if _SCRIPT.findall(small) != _SCRIPT.findall(text):
        return None
    return small


def _minify_file(path: Path) -> tuple[int, int, bool]:
    """(bytes before, bytes after, kept as it was) for one page; rewrites it only when it shrinks."""
    data = path.read_bytes()
    small = minify_page(data.decode("utf-8"))
    if small is None:
        return len(data), len(data), True
    out = small.encode("utf-8")
    if out != data:
        temporary = path.with_name(path.name + ".min-tmp")
        temporary.write_bytes(out)
        os.replace(temporary, path)  # a reader of site/ never sees half a page
    return len(data), len(out), False


def html_files(site_dir: Path) -> list[Path]:
    """Every regular ``.html`` file under ``site_dir``, in path order (symbolic links are not followed)."""
    found: list[Path] = []
    for folder, dirs, names in os.walk(site_dir):
        dirs.sort()
        found += [Path(folder) / name for name in sorted(names) if name.endswith(".html") and not (Path(folder) / name).is_symlink()]
    return found


def minify_site(site_dir: Path, workers: int | None = None) -> dict[str, Any]:
    """Minify every HTML page under ``site_dir`` in place.

    Returns ``files``, ``bytes_before``, ``bytes_after``, ``seconds`` and ``kept`` (pages left as they
    were because minifying would have changed a script; relative paths, normally empty).
    """
    start = time.perf_counter()
    pages = html_files(site_dir)
    workers = workers or min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:  # minify-html releases the GIL while it works
        results = list(pool.map(_minify_file, pages, chunksize=64))
    return {
        "files": len(pages),
        "bytes_before": sum(before for before, _, _ in results),
        "bytes_after": sum(after for _, after, _ in results),
        "seconds": round(time.perf_counter() - start, 3),
        "kept": [page.relative_to(site_dir).as_posix() for page, (_, _, kept) in zip(pages, results, strict=True) if kept],
    }


__all__ = ["OPTIONS", "html_files", "minify_page", "minify_site"]
