"""`diff --base REF`: what a change does to ratings and evidence, as Markdown.

Written for a pull request's job summary: for each claim file added, removed
or changed since REF, the id, old → new status, and the evidence items added
and removed (by address). Reads raw YAML, so it works even on a claim that
does not validate yet.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .load import claim_files
from .problems import visible
from .sanitize import md_inline
from .yamlread import read


@dataclass(frozen=True)
class Snapshot:
    status: str
    evidence: tuple[str, ...]  # addresses
    status_changes: int = 0  # history entries of kind "status"


def _snapshot(raw: bytes) -> Snapshot:
    """What the summary shows of one claim file, read from raw bytes (a pull request may hold any bytes)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Snapshot("(unreadable)", ())
    data = read(text).data
    if not isinstance(data, dict):
        return Snapshot("(unreadable)", ())
    items = data.get("corroboration") or []
    urls = tuple(str(i.get("url")) for i in items if isinstance(i, dict) and i.get("url"))
    history = data.get("history") or []
    changes = sum(1 for h in history if isinstance(h, dict) and h.get("kind") == "status")
    return Snapshot(str(data.get("status", "(none)")), urls, changes)


def _git(root: Path, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True).stdout


def snapshots_at(root: Path, ref: str) -> dict[str, Snapshot]:
    # -z: names as stored, NUL-separated (a name may hold spaces or newlines)
    names = [n.decode("utf-8", "replace") for n in _git(root, "ls-tree", "-z", "--name-only", ref, "claims/").split(b"\0") if n]
    return {Path(n).stem: _snapshot(_git(root, "show", f"{ref}:{n}")) for n in names if n.endswith(".yaml")}


def snapshots_now(root: Path) -> dict[str, Snapshot]:
    return {p.stem: _snapshot(p.read_bytes()) for p in claim_files(root / "claims")}


def unrecorded_changes(before: dict[str, Snapshot], after: dict[str, Snapshot]) -> list[str]:
    """Ids of claims whose rating changed without a new `kind: status` history entry."""
    return sorted(
        cid
        for cid, new in after.items()
        if (old := before.get(cid)) and old.status != new.status and new.status_changes <= old.status_changes
    )


def diff_markdown(before: dict[str, Snapshot], after: dict[str, Snapshot], base: str) -> str:
    rows = []
    for cid in sorted(before.keys() | after.keys()):
        old, new = before.get(cid), after.get(cid)
        if old == new:
            continue
        old_status = old.status if old else "(new claim)"
        new_status = new.status if new else "(removed)"
        added = sorted(set(new.evidence if new else ()) - set(old.evidence if old else ()))
        removed = sorted(set(old.evidence if old else ()) - set(new.evidence if new else ()))
        status = f"**{_cell(old_status)} → {_cell(new_status)}**" if old_status != new_status else f"{_cell(new_status)} (unchanged)"
        rows.append((cid, status, added, removed))
    lines = [f"### Claim changes since `{md_inline(base)}`", ""]
    if not rows:
        return "\n".join([*lines, "No claim file changed.", ""])
    changed = sum("→" in r[1] for r in rows)
    lines += [
        f"{len(rows)} claim file(s) changed; {changed} rating change(s).",
        "",
        "| Claim | Status | Evidence added | Evidence removed |",
        "| --- | --- | --- | --- |",
    ]
    for cid, status, added, removed in rows:
        lines.append(f"| {_code(cid)} | {status} | {_urls(added)} | {_urls(removed)} |")
    missing = unrecorded_changes(before, after)
    if missing:
        lines += [
            "",
            "**Rating changed without a history entry:** "
            + ", ".join(_code(cid) for cid in missing)
            + ". Add a `history` item with `kind: status`, the new `status`, the date and the reason.",
        ]
    return "\n".join([*lines, ""])


def _cell(text: str) -> str:
    """Raw (unvalidated) YAML text as inert Markdown inside a table cell: escaped, one line, no `|`."""
    return md_inline(visible(text))


def _code(text: str) -> str:
    """Raw text as a code span inside a table cell: no backticks to end it, `|` escaped (GFM splits cells first)."""
    return "`" + visible(text).replace("`", "'").replace("|", "\\|") + "`"


def _urls(urls: list[str]) -> str:
    return "<br>".join(_code(u) for u in urls) if urls else "—"


def cmd_diff(args: argparse.Namespace) -> int:
    root = Path(args.root)
    try:
        before = snapshots_at(root, args.base)
    except subprocess.CalledProcessError as exc:
        reason = visible(exc.stderr.decode("utf-8", "replace").strip())
        print(f"error: cannot read claims at `{visible(args.base)}`: {reason}", file=sys.stderr)
        return 2
    after = snapshots_now(root)
    print(diff_markdown(before, after, args.base))
    missing = unrecorded_changes(before, after)
    for cid in missing:
        print(f"claims/{cid}.yaml: status: rating changed without a `kind: status` history entry", file=sys.stderr)
    return 1 if missing else 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("diff", help="Markdown summary of rating and evidence changes since a git ref")
    p.add_argument("--base", required=True, help="git ref to compare with, e.g. origin/main")
    p.set_defaults(func=cmd_diff)
