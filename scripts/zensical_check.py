#!/usr/bin/env python3
"""Does the same tree build with Zensical, with the same structured data and working search?

    .venv/bin/python scripts/zensical_check.py            # after `make site`
    .venv/bin/python scripts/zensical_check.py --keep     # keep the Zensical build to look at

Zensical (Material for MkDocs' successor) reads the same mkdocs.yml. This copies
the generated ``docs/``, ``overrides/`` and ``mkdocs.yml`` into a temporary
project, builds it with the Zensical pinned in requirements-zensical.txt
(``.venv-zensical/bin/zensical``; CI installs it), and compares every claim
page's schema.org ClaimReview JSON-LD with the MkDocs build in ``site/``.
It also checks that the search index and the search page came through and
that pages carry the header search box. Prints what it found; exit status 1
when anything differs or the build fails. CI runs it as a non-blocking step.
"""

from __future__ import annotations

import argparse
import html.parser
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ZENSICAL = REPO / ".venv-zensical" / "bin" / "zensical"


class _JsonLd(html.parser.HTMLParser):
    """Collects the text of every <script type="application/ld+json"> and notes the header search form."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self.header_search = False
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("type") == "application/ld+json":
            self._inside = True
            self.blocks.append("")
        if tag == "form" and "fc-header-search" in (found.get("class") or ""):
            self.header_search = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


def read_page(path: Path) -> tuple[list[object], bool]:
    parser = _JsonLd()
    parser.feed(path.read_text(encoding="utf-8"))
    return [json.loads(block) for block in parser.blocks], parser.header_search


def claim_pages(site: Path) -> dict[str, Path]:
    return {page.parent.name: page for page in sorted((site / "claims").glob("*/index.html"))}


def build(zensical: Path, work: Path) -> subprocess.CompletedProcess[str]:
    for name in ("docs", "overrides"):
        shutil.copytree(REPO / name, work / name, symlinks=False)
    shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")
    return subprocess.run(
        [str(zensical), "build", "--clean", "-f", str(work / "mkdocs.yml")],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )


def compare(mkdocs_site: Path, zensical_site: Path) -> list[str]:
    """Every difference between the two builds that matters here, as one line each."""
    problems: list[str] = []
    ours, theirs = claim_pages(mkdocs_site), claim_pages(zensical_site)
    for missing in sorted(set(ours) - set(theirs)):
        problems.append(f"claims/{missing}/: missing from the Zensical build")
    for extra in sorted(set(theirs) - set(ours)):
        problems.append(f"claims/{extra}/: only in the Zensical build")
    for claim_id in sorted(set(ours) & set(theirs)):
        mine, _ = read_page(ours[claim_id])
        other, header_other = read_page(theirs[claim_id])
        if len(mine) != 1:
            problems.append(f"claims/{claim_id}/: {len(mine)} JSON-LD blocks in the MkDocs build (expected 1)")
        if mine != other:
            problems.append(f"claims/{claim_id}/: the JSON-LD differs between MkDocs and Zensical")
        if not header_other:
            problems.append(f"claims/{claim_id}/: no header search box in the Zensical build")
    for needed in ("pagefind/pagefind-entry.json", "pagefind/pagefind.js", "search/index.html", "javascripts/search.js"):
        if not (zensical_site / needed).is_file():
            problems.append(f"{needed}: missing from the Zensical build (search would not work)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mkdocs-site", type=Path, default=REPO / "site", help="the MkDocs build to compare with (default: site/)")
    parser.add_argument("--zensical", type=Path, default=ZENSICAL, help="the zensical program (default: .venv-zensical/bin/zensical)")
    parser.add_argument("--keep", action="store_true", help="keep the Zensical build in site-zensical/")
    parser.add_argument("--zensical-site", type=Path, help="compare this existing Zensical build instead of building one")
    args = parser.parse_args(argv)
    if not (args.mkdocs_site / "index.html").is_file():
        print(f"error: {args.mkdocs_site} is not built: run `make site` first", file=sys.stderr)
        return 2
    if args.zensical_site:
        problems = compare(args.mkdocs_site, args.zensical_site)
        return report(problems, len(claim_pages(args.mkdocs_site)))
    if not args.zensical.is_file():
        print(
            f"error: {args.zensical} is missing: python3 -m venv .venv-zensical && .venv-zensical/bin/pip install -r requirements-zensical.txt",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="zensical-") as tmp:
        work = Path(tmp)
        done = build(args.zensical, work)
        output = (done.stdout + done.stderr).strip()
        if done.returncode != 0 or not (work / "site" / "index.html").is_file():
            print(f"Zensical build failed (exit status {done.returncode}):\n{output[-3000:]}")
            return 1
        problems = compare(args.mkdocs_site, work / "site")
        if args.keep:
            shutil.rmtree(REPO / "site-zensical", ignore_errors=True)
            shutil.copytree(work / "site", REPO / "site-zensical")
        count = len(claim_pages(args.mkdocs_site))
    return report(problems, count)


def report(problems: list[str], count: int) -> int:
    for line in problems:
        print(f"  {line}")
    if problems:
        print(f"Zensical: {len(problems)} difference(s) across {count} claim pages.")
        return 1
    print(
        f"Zensical built the site; the ClaimReview JSON-LD of all {count} claim pages matches the MkDocs build; search index and page present."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
