"""Fixtures for the browser tests (``make e2e``): the built site served on loopback, and Chromium.

``make e2e`` runs ``make site`` first, so ``site/`` holds the bundled claims as
a reader gets them. Tests that need hostile input use ``built_site`` from
``tests/conftest.py`` (fixture claims plus a hostile one, built in a temporary
folder) through ``hostile_base_url``.

Chromium is Debian's /usr/bin/chromium driven by Playwright; ``make e2e``
installs it when missing. Every server listens on 127.0.0.1 only; every wait
is bounded.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
TIMEOUT_MS = 15_000
SITE = REPO / "site"
SCREENSHOTS = REPO / "e2e-screenshots"  # not committed (.gitignore): look at them before calling a page done

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make e2e installs it)")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port); yields the base URL ending in '/'."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def site_dir() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.fail("site/ is not built: run `make e2e` (it runs `make site` first)")
    return SITE


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    """The bundled claims' site, as `make site` built it."""
    with serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def hostile_base_url(built_site: Path) -> Iterator[str]:
    """Fixture claims plus a hostile claim (tests/conftest.py ``built_site``)."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: `make e2e` installs it (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A desktop tab (1280x900), light colour scheme."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    tab.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        yield tab
    finally:
        context.close()
