"""Shared helpers: write claim YAML into a temporary claims/ folder and validate it.

Validation always runs with a fixed ``TODAY`` so "in the future" checks do not
depend on the day the suite runs. ``valid_claim_text()`` returns one complete,
valid claim as YAML text; tests change one thing in it (``str.replace``) and
assert on the problems that change causes.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from factcheck.load import load_file
from factcheck.model import Claim
from factcheck.problems import Problem
from factcheck.rules import validate

REPO = Path(__file__).resolve().parents[1]
CLI = REPO / "scripts" / "claims.py"
TODAY = dt.date(2026, 11, 24)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/*.md from what the renderer produces now",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def valid_claim_text(claim_id: str = "example-claim", claim: str | None = None, status: str = "confirmed") -> str:
    """A complete, valid claim: two supporting items from two different publishers.

    Line numbers (used by tests): 1 id, 2 claim, 3 claimant, 4 name, 5 role, 6 date,
    7 source, 8 publisher, 9 url, 10 quote, 11 source date, 12 status, 13 summary,
    14 corroboration, 15-18 first item, 19-22 second item, 23 reviewed, 24 verdict.
    """
    claim = claim or f"The ministry said {claim_id.replace('-', ' ')} involved 40 Hwasong-11 missiles."
    return f"""\
id: {claim_id}
claim: {claim}
claimant:
  name: Jane Example
  role: spokeswoman, Example Ministry
date: "2024-06-10"
source:
  publisher: Example News
  url: https://news.example.org/story
  quote: Forty Hwasong-11 missiles were delivered, the ministry said.
  date: "2024-06-11"
status: {status}
summary: Two independent reports support the figure.
corroboration:
  - publisher: First Wire
    url: https://first.example.org/report
    accessed: "2026-11-20"
    stance: supports
  - publisher: Second Paper
    url: https://second.example.com/article
    accessed: "2026-11-20"
    stance: supports
reviewed: "2026-11-20"
verdict: Two independent reports support the figure of 40 missiles.
"""


# Strings a contributor might use to inject markup or script (all four in one).
PAYLOADS = [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    '{: onclick="alert(1)" }',
    "<img src=x onerror=alert(1)>",
]
PAYLOAD = " ".join(PAYLOADS)


def hostile_claim_text(claim_id: str = "hostile-claim", payload: str = PAYLOAD) -> str:
    """A valid claim whose plain-text fields (claim, headline, names, titles, quotes, notes) all carry ``payload``."""
    q = payload.replace("\\", "\\\\").replace('"', '\\"')
    text = valid_claim_text(claim_id, claim=f'"Claim {q}"')
    text = text.replace("  name: Jane Example", f'  name: "Jane {q}"')
    text = text.replace("  role: spokeswoman, Example Ministry", f'  role: "Role {q}"')
    text = text.replace("  publisher: Example News", f'  publisher: "News {q}"\n  title: "Title {q}"')
    text = text.replace("  quote: Forty Hwasong-11 missiles were delivered, the ministry said.", f'  quote: "Quote {q}"')
    text = text.replace(
        "    stance: supports\n  - publisher: Second",
        f'    stance: supports\n    title: "Evidence {q}"\n    quote: "Evidence quote {q}"\n    note: "Note {q}"\n'
        f'    derives_from: "Origin {q}"\n  - publisher: Second',
    )
    return text.replace("  - publisher: Second Paper", f'  - publisher: "Paper {q}"') + f'headline: "Headline {q}"\n'


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line of ``text`` containing ``needle`` (exactly one must)."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on lines {hits}, expected exactly one"
    return hits[0]


def write_claim(claims_dir: Path, text: str | bytes, name: str = "example-claim.yaml") -> Path:
    claims_dir.mkdir(parents=True, exist_ok=True)
    path = claims_dir / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def check_files(root: Path, files: dict[str, str | bytes]) -> list[Problem]:
    """Write ``files`` (name -> YAML) into root/claims and validate them all together."""
    paths = [write_claim(root / "claims", text, name) for name, text in files.items()]
    _, problems = validate(paths, today=TODAY, root=root)
    return problems


def check_text(root: Path, text: str | bytes, name: str = "example-claim.yaml") -> list[Problem]:
    """Validate one claim file; problems come back sorted by line."""
    return check_files(root, {name: text})


def load_valid(root: Path, text: str) -> Claim:
    """Load ``text`` as claims/example-claim.yaml; it must be valid (failing shows its problems)."""
    item, problems = load_file(write_claim(root / "claims", text), today=TODAY, root=root)
    assert formatted(problems) == []
    assert item.claim is not None
    return item.claim


def formatted(problems: list[Problem]) -> list[str]:
    """Each problem's first line, ``file:line: field: message``."""
    return [p.format().splitlines()[0] for p in problems]


def make_project(root: Path, claims: dict[str, str] | None = None) -> Path:
    """A project folder the CLI can work on: claims/ and a copy of mkdocs.yml."""
    (root / "claims").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for name, text in (claims or {}).items():
        write_claim(root / "claims", text, name)
    return root


def run_cli(root: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``scripts/claims.py --root ROOT ARGS`` as a contributor would."""
    full_env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, str(CLI), "--root", str(root), *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=stdin if stdin is not None else "",
        timeout=60,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project root (claims/ + mkdocs.yml) in a temporary folder."""
    return make_project(tmp_path / "project")


# -- a whole site, built once per session for the slow and browser tests ---------

SITE_URL = "https://example.org/factcheck/"
GOLDEN = Path(__file__).parent / "golden"
# Tag-breaking text for the built site: closes <title> and attribute quotes, as a contributor could.
BREAKOUT = '</title><script>alert(2)</script> x"><img src=x onerror=alert(3)> ' + PAYLOAD


def mkdocs_build(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": SITE_URL}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(root / "site")]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)


# What docs/ holds that is written by hand (committed), not generated.
STATIC_DOCS = ("stylesheets", "javascripts", "search")


def make_site_project(root: Path, claims: dict[str, str]) -> Path:
    """A project folder that MkDocs can build: config, theme overrides, the hand-written docs/ files and claims."""
    make_project(root, claims)
    shutil.copytree(REPO / "overrides", root / "overrides")
    for static in STATIC_DOCS:
        shutil.copytree(REPO / "docs" / static, root / "docs" / static)
    return root


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden fixture claims plus one hostile claim, generated and built with MkDocs (--strict)."""
    claims = {p.name: p.read_text(encoding="utf-8") for p in sorted(GOLDEN.glob("*.yaml"))}
    claims["hostile-claim.yaml"] = hostile_claim_text(payload=BREAKOUT)
    root = make_site_project(tmp_path_factory.mktemp("built") / "project", claims)
    generated = run_cli(root, "generate", env={"SITE_URL": SITE_URL})
    assert generated.returncode == 0, generated.stdout + generated.stderr
    built = mkdocs_build(root)
    assert built.returncode == 0, built.stderr
    return root / "site"
