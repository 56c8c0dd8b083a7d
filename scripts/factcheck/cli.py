"""The command line: wires load → validate → render → write; nothing more."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from .load import scan_claims
from .problems import Problem, report
from .rules import validate

ROOT = Path(__file__).resolve().parents[2]


def _paths(args: argparse.Namespace) -> tuple[Path, Path, Path]:
    root = Path(args.root).resolve()
    return root, root / "claims", root / "docs"


def _in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def print_problems(problems: list[Problem]) -> None:
    print(report(problems), file=sys.stderr)
    if _in_github_actions():  # workflow commands are read from stdout
        print("\n".join(p.github() for p in sorted(problems)), flush=True)


def cmd_validate(args: argparse.Namespace) -> int:
    root, claims_dir, _ = _paths(args)
    wanted = [Path(f).absolute() for f in args.files]  # never resolve(): a symlink is reported, not followed
    missing = [str(f) for f in wanted if not f.is_file() and not f.is_symlink()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    # Check the named files in the context of every claim (related ids, duplicates),
    # but report only on the named files.
    found, stray = scan_claims(claims_dir, root)
    everything = sorted({*(p.absolute() for p in found), *wanted})
    items, problems = validate(everything, root=root)
    problems = sorted(set(problems + stray))
    if wanted:
        shown = {i.display for i in items if i.path.absolute() in wanted}
        problems = [p for p in problems if p.file in shown]
    checked = len(wanted) if wanted else len(items)
    if problems:
        print_problems(problems)
        return 1
    print(f"{checked} claim file{'s' if checked != 1 else ''} valid.")
    return 0


def generate(root: Path, stale_search: bool = False) -> tuple[int, str, bool]:
    """Validate every claim and, only if all are valid, write the pages. Returns (status, message, search index stale)."""
    from .pipeline import generate as run_generator

    result, message = run_generator(root, stale_search)
    if result.problems:
        print_problems(result.problems)
        return 1, message, False
    return 0, message, result.search_stale


def cmd_generate(args: argparse.Namespace) -> int:
    root, _, _ = _paths(args)
    status, message, _ = generate(root)
    print(message, file=sys.stderr if status else sys.stdout)
    return status


def _signature(folder: Path) -> tuple[tuple[str, int, int, int], ...]:
    """Every entry of the claims folder with its times and size: any save, addition, removal or rename changes it."""
    try:
        with os.scandir(folder) as entries:
            found = []
            for entry in entries:
                try:
                    stat = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                found.append((entry.name, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size))
    except OSError:
        return ()
    return tuple(sorted(found))


def cmd_serve(args: argparse.Namespace) -> int:
    """Generate, start `mkdocs serve`, and regenerate whenever a claim file changes."""
    root, claims_dir, _ = _paths(args)
    status, message, _ = generate(root)
    print(message, file=sys.stderr if status else sys.stdout, flush=True)
    mkdocs = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", args.dev_addr]
    server = subprocess.Popen(mkdocs, cwd=root)
    seen = _signature(claims_dir)
    print(f"Watching {claims_dir.relative_to(root)}/ for changes; Ctrl+C stops.", flush=True)
    try:
        while server.poll() is None:
            time.sleep(args.interval)
            now = _signature(claims_dir)
            if now != seen:
                seen = now
                # Pages first (with the last search index), then the search index: the edit shows at once.
                status, message, stale = generate(root, stale_search=True)
                print(message, file=sys.stderr if status else sys.stdout, flush=True)
                if stale and _signature(claims_dir) == seen:
                    status, message, _ = generate(root)
                    print(message, file=sys.stderr if status else sys.stdout, flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
        server.wait()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="claims.py", description="Validate claim files and generate the fact-check site's pages.")
    parser.add_argument("--root", default=str(ROOT), help="project folder (default: this repository)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check claim files; all of claims/ when no file is named")
    p.add_argument("files", nargs="*", help="claim files to check (checked against all claims)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("generate", help="validate, then write the Markdown pages into docs/")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("serve", help="live preview that regenerates pages when a claim changes")
    p.add_argument("--dev-addr", default="127.0.0.1:8000")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between checks for changed claims")
    p.set_defaults(func=cmd_serve)

    from . import build, newclaim, schema, sourcereport, statusdiff  # each imports its heavy dependencies lazily

    build.add_parser(sub)
    newclaim.add_parser(sub)
    schema.add_parser(sub)
    statusdiff.add_parser(sub)
    sourcereport.add_parser(sub)

    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug of ours: say so plainly, without a traceback for the contributor
        from .problems import visible

        print(f"internal error ({type(exc).__name__}): {visible(str(exc))[:500]}", file=sys.stderr)
        print("This is a bug in the generator, not in your claim file; nothing more was written. Please report it.", file=sys.stderr)
        if os.environ.get("FACTCHECK_DEBUG"):
            raise
        return 3
