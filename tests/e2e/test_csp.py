"""Defence in depth in the browser: the Content-Security-Policy of every built page, and what
Chromium does with it.

Static checks read every HTML file of site/ (as `make site` built it): one policy, first in
<head>, strict directives, and every inline script the theme writes allowed by its sha256
(the hashes live in mkdocs.yml, extra.csp_script_hashes). A theme update that changes an inline
script fails here with the hash to put in mkdocs.yml; review the script before adding it.

Browser checks: the hostile claim's page (tests/conftest.py ``built_site``) opens no dialog,
needs no CSP exception and sends nothing off the machine; a site built with REPO_URL set (as
the deploy workflow sets it) makes no request to the repository host's API.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import BREAKOUT, GOLDEN, SITE_URL, hostile_claim_text, make_site_project, run_cli

from e2e.browsing import visit
from e2e.conftest import serve

JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript", "application/ecmascript"}
REPO_URL = "https://github.com/example/claim-check"
REQUIRED = {
    "default-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "connect-src": {"'self'"},
    "frame-src": {"'none'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "style-src": {"'self'"},
}


class PageScan(HTMLParser):
    """The CSP meta tags, where they stand in <head>, inline scripts and inline handlers of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.policies: list[str] = []
        self.before_policy: list[str] = []  # elements in <head> that come before the policy
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self._script: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        self.handlers += [f"<{tag} {name}=...>" for name in values if name.startswith("on")]
        self.handlers += [f"<{tag} {name}={v[:40]!r}>" for name, v in values.items() if v.strip().lower().startswith("javascript:")]
        if tag == "head":
            self._in_head = True
        elif tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.policies.append(values.get("content", ""))
        elif self._in_head and not self.policies and not (tag == "meta" and "charset" in values):
            self.before_policy.append(tag)
        if tag == "script" and "src" not in values and values.get("type", "").lower() in JS_TYPES:
            self._script = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
        if tag == "script" and self._script is not None:
            self.inline_scripts.append("".join(self._script))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_entityref(self, name: str) -> None:  # script text is raw: keep it as written
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed.setdefault(words[0].lower(), words[1:])
    return parsed


def sha256(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def html_pages(site: Path) -> list[Path]:
    pages = sorted(site.rglob("*.html"))
    assert pages, f"no HTML in {site}"
    return pages


def scanned(page: Path) -> PageScan:
    scan = PageScan()
    scan.feed(page.read_text(encoding="utf-8"))
    scan.close()
    return scan


def test_every_page_has_one_strict_policy_before_anything_it_governs(site_dir: Path) -> None:
    problems = []
    for page in html_pages(site_dir):
        name = page.relative_to(site_dir)
        scan = scanned(page)
        if len(scan.policies) != 1:
            problems.append(f"{name}: {len(scan.policies)} Content-Security-Policy meta tags, expected 1")
            continue
        if set(scan.before_policy) - {"meta", "title"}:
            problems.append(f"{name}: <{'>, <'.join(scan.before_policy)}> come before the policy in <head>")
        policy = directives(scan.policies[0])
        for directive, sources in REQUIRED.items():
            if set(policy.get(directive, [])) != sources:
                problems.append(f"{name}: {directive} is {policy.get(directive)}, expected {sorted(sources)}")
        script = policy.get("script-src", [])
        loose = [
            s for s in script if s in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "blob:") or ":" in s.strip("'")
        ]
        if "'self'" not in script or loose:
            problems.append(f"{name}: script-src {script} must be 'self' plus hashes ('wasm-unsafe-eval' allowed), not {loose}")
    assert problems == [], "\n".join(problems[:20])


def test_every_inline_script_is_allowed_by_its_hash(site_dir: Path) -> None:
    """Fails when the theme (or anything else) writes an inline script the policy does not name."""
    missing: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    for page in html_pages(site_dir):
        scan = scanned(page)
        allowed = set(directives(scan.policies[0] if scan.policies else "").get("script-src", []))
        for script in scan.inline_scripts:
            digest = sha256(script)
            used.add(digest)
            if f"'{digest}'" not in allowed:
                missing.setdefault(digest, (str(page.relative_to(site_dir)), script[:120]))
    assert not missing, (
        "inline scripts the Content-Security-Policy does not allow (review each, then add its hash to mkdocs.yml extra.csp_script_hashes):\n"
        + "\n".join(f"  {digest}  first in {where}: {text!r}" for digest, (where, text) in missing.items())
    )
    assert used, "no inline script found at all: is site/ built by this theme?"


def test_the_configured_hashes_are_all_still_needed(site_dir: Path) -> None:
    """A hash nobody uses would let a stale script run: keep the list exactly as long as needed."""
    used = {sha256(script) for page in html_pages(site_dir) for script in scanned(page).inline_scripts}
    index = (site_dir / "index.html").read_text(encoding="utf-8")
    scan = PageScan()
    scan.feed(index)
    configured = {s.strip("'") for s in directives(scan.policies[0]).get("script-src", []) if s.startswith("'sha256-")}
    assert configured - used == set(), f"hashes in mkdocs.yml that no page needs: {sorted(configured - used)}"


def test_no_page_carries_inline_event_handlers_or_javascript_urls(site_dir: Path) -> None:
    found = [f"{page.relative_to(site_dir)}: {h}" for page in html_pages(site_dir) for h in scanned(page).handlers]
    assert found == [], "\n".join(found[:20])


# -- in the browser --------------------------------------------------------------------------


@pytest.mark.browser
def test_hostile_claim_page_runs_nothing_and_calls_nobody(browser: Any, hostile_base_url: str) -> None:
    with visit(browser, 390, 844) as tab:
        tab.goto(f"{hostile_base_url}claims/hostile-claim/")
        tab.page.wait_for_timeout(500)  # let any injected handler (img onerror) fire
        # Hover and focus everything: mouse- and focus-triggered handlers get their chance too.
        tab.page.evaluate(
            "() => document.querySelectorAll('.md-content *').forEach((e) => e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})))"
        )
        assert tab.dialogs == []
        assert tab.outgoing == []
        assert tab.csp_violations() == [], "the theme must need no CSP exception, and nothing injected may try to run"
        # The hostile text arrives as text: not run, not escaped twice.
        og_title = tab.page.evaluate("() => document.querySelector('meta[property=\"og:title\"]')?.content || ''")
        assert og_title.startswith(f"Headline {BREAKOUT[:60]}"), og_title
        assert tab.page.evaluate("() => document.title").startswith(f"Headline {BREAKOUT[:60]}")


@pytest.fixture(scope="session")
def repo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture claims built with REPO_URL set, as the deploy workflow builds them; served on loopback."""
    claims = {p.name: p.read_text(encoding="utf-8") for p in sorted(GOLDEN.glob("*.yaml"))}
    claims["hostile-claim.yaml"] = hostile_claim_text()
    root = make_site_project(tmp_path_factory.mktemp("repo") / "project", claims)
    env = {"SITE_URL": SITE_URL, "REPO_URL": REPO_URL}
    generated = run_cli(root, "generate", env=env)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(root / "site")]
    built = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env}, timeout=300, check=False
    )
    assert built.returncode == 0, built.stderr
    with serve(root / "site") as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "claims/full-claim/"], ids=["home", "claim"])
def test_repository_link_calls_no_third_party(browser: Any, repo_site: str, path: str) -> None:
    with visit(browser, 1280, 800) as tab:
        tab.goto(repo_site + path)
        tab.page.wait_for_timeout(750)  # Material fetches repository facts shortly after load
        links = tab.page.locator(f'a.md-source[href="{REPO_URL}"]')
        assert links.count() >= 1, "the repository link is missing"
        assert tab.page.locator('[data-md-component="source"]').count() == 0, "Material's fetching widget is back"
        assert tab.outgoing == []
        assert tab.csp_violations() == []
