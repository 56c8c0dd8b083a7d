"""What a browser test watches while a page loads: console errors, CSP violations, dialogs,
requests leaving loopback (recorded and aborted, never sent), and axe-core's verdict.

Used by test_pages.py, test_reader_pages.py and test_csp.py. axe-core is the npm package pinned in
tests/e2e/package.json (``make e2e`` installs it with ``npm ci --prefix tests/e2e``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from e2e.conftest import TIMEOUT_MS

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# Any address that is not this machine's loopback (data:, blob: and about: never reach the network).
OFF_LOOPBACK = re.compile(r"^(?!(?:https?|wss?)://(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?(?:/|$)|data:|blob:|about:)")
# Listens before any of the page's own scripts run, so violations during parsing count too.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile || ""}:${e.lineNumber} ${e.sample || ""}`.trim());
});
"""
SERIOUS = ("serious", "critical")


@dataclass
class Visit:
    """One open tab and everything it did that a test may object to."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("() => window.__cspViolations || []"))

    def goto(self, url: str) -> None:
        self.page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
        # Material's bundle wires components after load; give late requests a moment to show.
        self.page.wait_for_timeout(250)


def new_context(browser: Any, width: int = 1280, height: int = 800, scheme: str = "light") -> Any:
    """A browser context: no stored colour choice, no cache; a phone (touch, mobile viewport) below 700 px."""
    phone = width < 700
    return browser.new_context(
        viewport={"width": width, "height": height},
        color_scheme=scheme,
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=1,
    )


@contextmanager
def visit(browser: Any, width: int = 1280, height: int = 800, scheme: str = "light", context: Any = None) -> Iterator[Visit]:
    """A new tab that records what it does; in its own context unless ``context`` is given."""
    own = context is None
    if own:
        context = new_context(browser, width, height, scheme)
    page = context.new_page()
    seen = Visit(page=page)

    def gate(route: Any) -> None:
        seen.outgoing.append(route.request.url)
        route.abort()

    try:
        page.set_default_timeout(TIMEOUT_MS)
        page.add_init_script(WATCH_CSP)
        # Matched by the driver: only requests leaving loopback are intercepted (and never sent).
        page.route(OFF_LOOPBACK, gate)
        page.on("console", lambda message: message.type == "error" and seen.console_errors.append(message.text))
        page.on("pageerror", lambda error: seen.console_errors.append(f"uncaught: {error}"))

        def dialog(d: Any) -> None:
            seen.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        page.on("dialog", dialog)
        yield seen
    finally:
        page.close()
        if own:
            context.close()


@functools.cache
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed at {AXE}: run `npm ci --prefix tests/e2e` (make e2e does)")
    return AXE.read_text(encoding="utf-8")


def axe_problems(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line per rule.

    The script is evaluated through the DevTools protocol rather than added as a <script>
    element: the page's Content-Security-Policy (rightly) refuses inline script, and
    turning the policy off for the audit would test a different page.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${(n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 240)}`),
            }));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}; e.g. " + " | ".join(v["nodes"][:3])
        for v in found
        if v["impact"] in SERIOUS
    ]


# Page type -> path in site/. "*" takes the first (sorted) folder there with a page.
PAGE_TYPES = {
    "home": "",
    "claim": "claims/*/",
    "claims": "claims/",
    "browse": "browse/",
    "status-index": "browse/status/",
    "status": "browse/status/*/",
    "tags-index": "browse/tags/",
    "tag": "browse/tags/*/",
    "claimants-index": "browse/claimants/",
    "claimant": "browse/claimants/*/",
    "timeline": "browse/timeline/",
    "sources": "browse/sources/",
    "thin": "browse/thin/",
    "corrections-log": "browse/corrections/",
    "methodology": "methodology/",
    "corrections": "corrections/",
    "about": "about/",
    "search": "search/",
}

OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const page = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
    const describe = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
        (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\\s+/).join(".") : "");
    const out = [];
    if (page > width + 1) out.push(`page is ${page}px wide in a ${width}px viewport`);
    const reported = [];
    for (const e of [...document.querySelectorAll(".md-content *")].reverse()) {
        if (reported.some((r) => e.contains(r))) continue;  // only the innermost offender
        const r = e.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const style = getComputedStyle(e);
        if (r.right > width + 1 && style.position !== "fixed") {
            out.push(`${describe(e)} reaches ${Math.round(r.right)}px`);
            reported.push(e);
        } else if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && !["hidden", "clip"].includes(style.overflowX)) {
            const how = ["auto", "scroll"].includes(style.overflowX) ? "scrolls sideways" : "has content sticking out";
            out.push(`${describe(e)} ${how} (${e.scrollWidth}px in ${e.clientWidth}px)`);
            reported.push(e);
        }
        if (out.length > 5) break;
    }
    return out;
}"""


def page_path(site: Path, pattern: str) -> str:
    if "*" not in pattern:
        assert (site / pattern / "index.html").is_file(), f"site/{pattern} has no index page"
        return pattern
    parent = site / pattern.split("*")[0]
    found = sorted(p.parent.name for p in parent.glob("*/index.html"))
    assert found, f"no page matches site/{pattern}"
    return pattern.replace("*", found[0])
