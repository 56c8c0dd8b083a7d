"""Measuring a first search on a built site, in headless Chromium (``make bench`` and a browser test).

Not part of the build: the generator's search index is ``searchindex.py``. A site is served
from 127.0.0.1 in a process of its own, with text gzipped as GitHub Pages serves it, and a
fresh browser context opens ``search/?q=QUERY`` as the header's search box does.
"""

from __future__ import annotations

import functools
import gzip
import subprocess
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

_TEXT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
}


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves a built site with text gzipped, as GitHub Pages does (Pagefind's data files are compressed already).

    Like a CDN it keeps connections open (HTTP/1.1) and compresses each file once.
    """

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: on a kept-open connection Nagle would hold the body ~40 ms
    compressed: ClassVar[dict[Path, bytes]] = {}  # each file gzipped once (the server runs in its own process)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file() or path.suffix not in _TEXT_TYPES or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().do_GET()
        if path not in self.compressed:
            self.compressed[path] = gzip.compress(path.read_bytes(), mtime=0)
        body = self.compressed[path]
        self.send_response(200)
        self.send_header("Content-Type", _TEXT_TYPES[path.suffix])
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _serve_site(site_dir: str) -> None:
    """The measuring server (``python -c``, in a process of its own, prints its port). In the measuring
    process it would wait for the interpreter lock while Playwright handles the browser's events."""
    import sys

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SiteHandler, directory=site_dir))
    print(server.server_address[1], flush=True)
    sys.stdout.close()
    server.serve_forever()


def measure_search(site_dir: Path, queries: list[str], browser: Any = None) -> dict[str, Any]:
    """A first search on a cold page, in headless Chromium, for each query.

    Serves ``site_dir`` (a built site with ``search/`` and ``pagefind/``) on
    127.0.0.1 from a separate process, opens ``search/?q=QUERY`` in a fresh
    browser context (empty cache) as the header's search box does, waits for
    the first result (its rating badge and headline painted on screen) and
    returns, per query and as the worst case: bytes fetched (every request of
    the page and of Pagefind's worker, as transferred; text gzipped as GitHub
    Pages serves it), bytes of search data (``pagefind/`` requests), requests, ms from navigation to the first
    result painted (and to its entering the page) and ms from the search
    starting. Launches Debian's Chromium unless given a Playwright ``browser``.
    """
    import sys

    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parents[1])!r}); from factcheck.searchmeasure import _serve_site; _serve_site(sys.argv[1])"
    server = subprocess.Popen([sys.executable, "-c", code, str(site_dir)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        base = f"http://127.0.0.1:{int(server.stdout.readline())}/"
        if browser is not None:
            runs = [_first_search(browser, base, query) for query in queries]
        else:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as p:
                launched = p.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
                )
                try:
                    runs = [_first_search(launched, base, query) for query in queries]
                finally:
                    launched.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout is not None:
            server.stdout.close()
    worst = {key: max(run[key] for run in runs) for key in ("bytes", "search_bytes", "ms_to_first_result", "ms_search_to_first_result")}
    return {"runs": runs, **worst}


def _transferred(request: Any) -> int:
    """Bytes a request took off the wire: its response headers and its (compressed) body, as the server sent it."""
    response = request.response()
    sizes = request.sizes()
    body = int(response.headers.get("content-length", 0)) if response is not None else 0
    return sizes["responseHeadersSize"] + max(body, sizes["responseBodySize"])


def _first_search(browser: Any, base: str, query: str) -> dict[str, Any]:
    import urllib.parse

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        finished: list[Any] = []  # the page's requests and its search worker's (the context sees both)
        context.on("requestfinished", lambda request: finished.append(request))
        page.goto(f"{base}search/?q={urllib.parse.quote_plus(query)}")
        page.wait_for_function("() => performance.getEntriesByName('fc-search-results').length > 0", timeout=30_000)
        try:  # the frame that shows it (a search page that does not mark it counts from its entering the page)
            page.wait_for_function("() => performance.getEntriesByName('fc-search-painted').length > 0", timeout=2_000)
        except PlaywrightTimeout:
            pass
        first = page.locator("#fc-search-results a").first.get_attribute("href")
        badge = page.locator("#fc-search-results > li").first.locator(".fc-badge").text_content() if first else None
        timing = page.evaluate(
            "() => { const at = name => (performance.getEntriesByName(name)[0] || {startTime: null}).startTime;"
            " return {dom: at('fc-search-results'), painted: at('fc-search-painted'), start: at('fc-search-start')}; }"
        )
        shown = timing["painted"] if timing["painted"] is not None else timing["dom"]
        page.wait_for_timeout(200)  # let the last responses finish
        sizes = [(request.url, _transferred(request)) for request in finished if request.url.startswith(base)]
        search_bytes = sum(size for url, size in sizes if "/pagefind/" in url)
        return {
            "query": query,
            "bytes": int(sum(size for _, size in sizes)),
            "search_bytes": int(search_bytes),
            "requests": len(sizes),
            "ms_to_first_result": round(shown, 1),
            "ms_to_first_result_in_page": round(timing["dom"], 1),
            "ms_search_to_first_result": round(shown - timing["start"], 1),
            "first_badge": badge,
            "first_result": (first or "").removeprefix(base),
        }
    finally:
        context.close()
