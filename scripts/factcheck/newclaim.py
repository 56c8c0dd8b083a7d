"""`new`: scaffold a claim file from four answers, never overwriting one."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

from .convert import PLACEHOLDER
from .model import PARTIAL_DATE, URL
from .sanitize import is_http_url

QUESTIONS = (
    ("claim", "The claim, word for word as it was made"),
    ("claimant", "Who made it (name)"),
    ("date", "When it was made (YYYY-MM-DD, or YYYY-MM / YYYY)"),
    ("url", "Address of the page where it appeared (http/https)"),
)


def slug_for(text: str, words: int = 8) -> str:
    """A file-name-safe id from the first words of the claim."""
    parts = re.findall(r"[a-z0-9]+", text.casefold())
    return "-".join(parts[:words]) or "claim"


def _check(name: str, value: str) -> str | None:
    if not value.strip():
        return "must not be empty"
    if name == "date" and not re.match(PARTIAL_DATE.pattern or "", value):
        return "write YYYY-MM-DD, YYYY-MM or YYYY"
    if name == "url" and not (re.match(URL.pattern or "", value) and is_http_url(value)):
        return "must be an http:// or https:// address"
    return None


def cmd_new(args: argparse.Namespace) -> int:
    answers: dict[str, str] = {}
    for name, question in QUESTIONS:
        value = (getattr(args, name) or "").strip()
        while not value or _check(name, value):
            if value:
                print(f"  {name}: {_check(name, value)}", file=sys.stderr)
            if not sys.stdin.isatty():
                print(f"error: --{name} is needed ({question}); {_check(name, value) or 'missing'}", file=sys.stderr)
                return 2
            value = input(f"{question}: ").strip()
        answers[name] = value
    claim_id = args.id or slug_for(answers["claim"])
    if not re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", claim_id):
        print(f"error: id `{claim_id}` must be lowercase letters, digits and hyphens", file=sys.stderr)
        return 2
    target = Path(args.root) / "claims" / f"{claim_id}.yaml"
    if target.exists():
        print(
            f"error: {target.relative_to(args.root)} already exists; it was left untouched. Edit it, or choose another id with --id.",
            file=sys.stderr,
        )
        return 1
    import jinja2

    from .render import TEMPLATES

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    text = env.get_template("new-claim.yaml.j2").render(
        id=claim_id,
        today=dt.date.today().isoformat(),
        placeholder=PLACEHOLDER,
        q=lambda s: json.dumps(s, ensure_ascii=False),
        **answers,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(text)
    print(
        f"wrote {target.relative_to(args.root)}: replace every “{PLACEHOLDER}”, then run "
        f"`make validate FILES={target.relative_to(args.root)}`."
    )
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("new", help="scaffold a new claim file (asks for what is not given)")
    for name, question in QUESTIONS:
        p.add_argument(f"--{name}", help=question)
    p.add_argument("--id", help="claim id / file name (default: derived from the claim's first words)")
    p.set_defaults(func=cmd_new)
