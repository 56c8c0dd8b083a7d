"""`claims.py diff --base REF`: rating and evidence changes as a Markdown table, from a real git repository."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import make_project, run_cli, valid_claim_text

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

NEW_URL = "https://third.example.net/new-report"
UNVERIFIED = valid_claim_text(status="unverified")
HISTORY = 'history:\n  - date: "2026-11-20"\n    kind: status\n    status: confirmed\n    note: Two reports found.\n'
CONFIRMED_WITH_NEW_ITEM = (
    valid_claim_text().replace(
        'reviewed: "2026-11-20"',
        f'  - publisher: Third Site\n    url: {NEW_URL}\n    accessed: "2026-11-20"\n    stance: supports\nreviewed: "2026-11-20"',
    )
    + HISTORY
)


def git(root: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", *args]
    return subprocess.run(command, cwd=root, check=True, capture_output=True, text=True, timeout=30).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose HEAD holds one unverified claim (with the two items of the valid claim)."""
    root = make_project(tmp_path / "repo", {"example-claim.yaml": UNVERIFIED})
    git(root, "init", "-q")
    git(root, "add", "claims")
    git(root, "commit", "-q", "-m", "first claim")
    return root


def table_rows(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("| `")]


def test_status_change_and_added_evidence_appear_as_one_table_row(repo: Path) -> None:
    (repo / "claims" / "example-claim.yaml").write_text(CONFIRMED_WITH_NEW_ITEM, encoding="utf-8")
    result = run_cli(repo, "diff", "--base", "HEAD")
    assert result.returncode == 0, result.stderr
    [row] = table_rows(result.stdout)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[0] == "`example-claim`"
    assert cells[1] == "**unverified → confirmed**"
    assert cells[2] == f"`{NEW_URL}`"
    assert cells[3] == "—"
    assert "| Claim | Status | Evidence added | Evidence removed |" in result.stdout
    assert "1 claim file(s) changed; 1 rating change(s)." in result.stdout


def test_evidence_removed_without_a_rating_change_is_listed(repo: Path) -> None:
    (repo / "claims" / "example-claim.yaml").write_text(CONFIRMED_WITH_NEW_ITEM, encoding="utf-8")
    git(repo, "add", "claims")
    git(repo, "commit", "-q", "-m", "confirmed")
    (repo / "claims" / "example-claim.yaml").write_text(valid_claim_text() + HISTORY, encoding="utf-8")
    result = run_cli(repo, "diff", "--base", "HEAD")
    [row] = table_rows(result.stdout)
    assert row == f"| `example-claim` | confirmed (unchanged) | — | `{NEW_URL}` |"


def test_no_change_says_so(repo: Path) -> None:
    result = run_cli(repo, "diff", "--base", "HEAD")
    assert result.returncode == 0
    assert "No claim file changed." in result.stdout
    assert table_rows(result.stdout) == []


def test_added_and_removed_claims_are_rows(repo: Path) -> None:
    (repo / "claims" / "example-claim.yaml").unlink()
    (repo / "claims" / "other-claim.yaml").write_text(valid_claim_text("other-claim"), encoding="utf-8")
    rows = table_rows(run_cli(repo, "diff", "--base", "HEAD").stdout)
    assert [row.split("|")[1:3] for row in rows] == [
        [" `example-claim` ", " **unverified → (removed)** "],
        [" `other-claim` ", " **(new claim) → confirmed** "],
    ]


def test_rating_change_without_a_history_entry_is_flagged(repo: Path) -> None:
    (repo / "claims" / "example-claim.yaml").write_text(valid_claim_text(), encoding="utf-8")
    output = run_cli(repo, "diff", "--base", "HEAD").stdout
    assert "without a history entry" in output
    assert "`example-claim`" in output.split("without a history entry")[1]


def test_rating_change_with_a_history_entry_is_not_flagged(repo: Path) -> None:
    (repo / "claims" / "example-claim.yaml").write_text(valid_claim_text() + HISTORY, encoding="utf-8")
    result = run_cli(repo, "diff", "--base", "HEAD")
    assert result.returncode == 0, result.stderr
    assert "**unverified → confirmed**" in result.stdout
    assert "without a history entry" not in result.stdout + result.stderr


def test_unknown_base_ref_exits_2_with_a_message(repo: Path) -> None:
    result = run_cli(repo, "diff", "--base", "no-such-branch")
    assert result.returncode == 2
    assert "cannot read claims at `no-such-branch`" in result.stderr
    assert "Traceback" not in result.stderr
