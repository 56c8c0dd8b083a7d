"""Benchmark (not a test): how generation and the MkDocs build scale with the number of claims.

    python tests/benchmark.py          # 1,000 synthetic claims
    python tests/benchmark.py 5000     # another count
    python tests/benchmark.py 200 --keep   # keep the temporary project to inspect it

Writes N synthetic, valid claims into a temporary project (a copy of mkdocs.yml,
overrides/ and docs/stylesheets/), then times, as a contributor runs them:
``claims.py generate`` (first run, then a second run with nothing changed) and
``mkdocs build --strict``. Prints the figures as a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLI = REPO / "scripts" / "claims.py"
STATUSES = ["confirmed", "supported", "disputed", "misleading", "false", "unverified"]
CLAIMANTS = ["John Kirby", "Shin Won-sik", "Andriy Kostin", "Oleksandr Filchakov", "Kim Song", "Security Council of the Russian Federation"]
TAGS = ["north-korea", "russia", "ukraine", "missiles", "artillery", "sanctions", "kharkiv", "diplomacy"]


def synthetic_claim(n: int) -> tuple[str, str]:
    """A valid claim whose evidence meets its rating; varied status, claimant, tags and dates."""
    claim_id = f"synthetic-claim-{n:05d}"
    status = STATUSES[n % len(STATUSES)]
    first, second = {
        "confirmed": ("supports", "supports"),
        "supported": ("supports", "context"),
        "disputed": ("supports", "contradicts"),
        "misleading": ("contradicts", "context"),
        "false": ("contradicts", "contradicts"),
        "unverified": ("context", "context"),
    }[status]
    year, month, day = 2022 + n % 3, 1 + n % 12, 1 + n % 28
    tags = ", ".join(TAGS[(n + k) % len(TAGS)] for k in range(3))
    related = f"\nrelated: [synthetic-claim-{n - 1:05d}]" if n else ""
    text = f"""\
id: {claim_id}
claim: >-
  Synthetic statement number {n}: Russia received {n * 7 % 1000} Hwasong-11 missiles
  and {n * 13 % 5000} containers of munitions from North Korea in {year}.
claimant:
  name: {CLAIMANTS[n % len(CLAIMANTS)]}
  role: spokesperson
date: "{year}-{month:02d}-{day:02d}"
source:
  publisher: Example News {n % 40}
  url: https://news{n % 40}.example.org/story/{n}
  quote: Russia received {n * 7 % 1000} Hwasong-11 missiles, the spokesperson said.
status: "{status}"
summary: |
  Synthetic verdict {n}. **Two** independent reports were checked, see
  [the first](https://first.example.org/{n}) and [the second](https://second.example.com/{n}).
corroboration:
  - publisher: First Wire {n % 17}
    url: https://first.example.org/{n}
    accessed: "2026-01-15"
    stance: {first}
    quote: A passage quoted word for word from report {n}.
    reliability: B
    credibility: 2
  - publisher: Second Paper {n % 23}
    url: https://second.example.com/{n}
    accessed: "2026-01-15"
    stance: {second}
tags: [{tags}]
reviewed: "2026-01-15"{related}
"""
    return claim_id, text


def run(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"command failed ({result.returncode}): {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    return elapsed, result.stdout + result.stderr


def counts(output: str) -> str:
    found = re.search(r"(\d+) written, (\d+) unchanged, (\d+) removed", output)
    return f"{found[1]} written, {found[2]} unchanged" if found else "?"


def kib(n: int) -> str:
    return f"{n / 1024:,.1f} KiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("claims", nargs="?", type=int, default=1000, help="number of synthetic claims (default 1000)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project and print its path")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="factcheck-bench-"))
    root = tmp / "project"
    try:
        (root / "claims").mkdir(parents=True)
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
        shutil.copytree(REPO / "overrides", root / "overrides")
        shutil.copytree(REPO / "docs" / "stylesheets", root / "docs" / "stylesheets")
        for n in range(args.claims):
            claim_id, text = synthetic_claim(n)
            (root / "claims" / f"{claim_id}.yaml").write_text(text, encoding="utf-8")

        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": "https://example.org/factcheck/"}
        env.pop("GITHUB_ACTIONS", None)
        generate = [sys.executable, str(CLI), "--root", str(root), "generate"]
        first_time, first_out = run(generate, env)
        second_time, second_out = run(generate, env)
        build = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(root / "site")]
        build_time, _ = run(build, env)

        site = root / "site"
        claim_pages = sorted((site / "claims").glob("synthetic-claim-*/index.html"))
        sizes = [p.stat().st_size for p in claim_pages]
        index = site / "search" / "search_index.json"
        html_files = list(site.rglob("*.html"))

        rows = [
            ("claims", f"{args.claims:,}", ""),
            ("generate, first run", f"{first_time:.2f} s", counts(first_out)),
            ("generate, no change", f"{second_time:.2f} s", counts(second_out)),
            ("mkdocs build --strict", f"{build_time:.2f} s", f"{len(html_files):,} HTML pages"),
            (
                "claim page HTML (median)",
                kib(sorted(sizes)[len(sizes) // 2]) if sizes else "-",
                f"largest {kib(max(sizes))}" if sizes else "",
            ),
            ("search_index.json", kib(index.stat().st_size) if index.is_file() else "-", ""),
            ("whole site", kib(sum(p.stat().st_size for p in site.rglob("*") if p.is_file())), ""),
        ]
        width = max(len(r[0]) for r in rows)
        value_width = max(len(r[1]) for r in rows)
        print(f"\n{'measure':<{width}}  {'value':>{value_width}}  detail")
        print(f"{'-' * width}  {'-' * value_width}  {'-' * 24}")
        for name, value, detail in rows:
            print(f"{name:<{width}}  {value:>{value_width}}  {detail}")
        if args.keep:
            print(f"\nproject kept in {root}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
