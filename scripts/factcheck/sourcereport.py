"""The editor's view of the sources: who is cited, what they repeat, and where the case file is thin.

`claims.py sources` prints, for every publisher cited (as a claim's source or
as evidence), the origins its items repeat (their `derives_from`), the claims
citing it, and how many of those claims rest on a single supporting origin
that this publisher's items provide. The Sources page shows the same report.

`claims.py cite URL` prints the record of a page already cited somewhere in
the case file (publisher, title, url, date, derives_from) as YAML ready to
paste into a new evidence item, so that a page is never described twice in
two different ways (the validator's one-page-one-record rule, ``crosscheck``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .crosscheck import Citation, by_address, url_key
from .load import Loaded, load_file, scan_claims
from .model import NOT_ESTABLISHED, Claim, normalise_origin
from .problems import visible


@dataclass
class Publisher:
    """One publisher as the case file cites it."""

    name: str
    as_source: int = 0  # claims that appeared in this publisher's pages
    items: int = 0  # evidence items it published
    first_hand: int = 0  # of those, items without `derives_from`
    repeats: Counter[str] = field(default_factory=Counter)  # origin name -> items of this publisher repeating it
    cited_by: dict[str, Claim] = field(default_factory=dict)
    sole_support: set[str] = field(default_factory=set)  # ids of claims whose only supporting origin comes from this publisher

    @property
    def claims(self) -> list[Claim]:
        return [self.cited_by[k] for k in sorted(self.cited_by)]

    @property
    def newest(self) -> list[Claim]:
        """The claims citing this publisher, newest claim first."""
        return sorted(self.cited_by.values(), key=lambda c: (c.date, c.id), reverse=True)

    @property
    def repeated(self) -> list[tuple[str, int]]:
        """The origins this publisher's items repeat, most repeated first."""
        return sorted(self.repeats.items(), key=lambda kv: (-kv[1], kv[0].casefold()))

    @property
    def thin(self) -> int:
        """How many claims rest on a single supporting origin that this publisher provides."""
        return len(self.sole_support)


def single_origin_claims(claims: list[Claim]) -> list[Claim]:
    """Rated claims whose supporting evidence comes from one independent origin or none."""
    return sorted((c for c in claims if c.status != NOT_ESTABLISHED and len(c.origins("supports")) <= 1), key=lambda c: c.id)


def supporting_origin(claim: Claim) -> str | None:
    """The origin a thin claim's support comes from, as named in its first supporting item (None: it has none)."""
    support = claim.evidence("supports")
    return (support[0].derives_from or support[0].publisher) if support else None


def publishers(claims: list[Claim]) -> list[Publisher]:
    """Every publisher cited, as a claim's source or as evidence (names compared as origins are), sorted by name."""
    found: dict[str, Publisher] = {}

    def cite(name: str, claim: Claim) -> Publisher:
        publisher = found.setdefault(normalise_origin(name), Publisher(name))
        publisher.cited_by.setdefault(claim.id, claim)
        return publisher

    for claim in claims:
        cite(claim.source.publisher, claim).as_source += 1
        sole = claim.origins("supports")
        for ev in claim.corroboration:
            publisher = cite(ev.publisher, claim)
            publisher.items += 1
            if ev.derives_from:
                publisher.repeats[ev.derives_from] += 1
            else:
                publisher.first_hand += 1
            if claim.status != NOT_ESTABLISHED and ev.stance == "supports" and sole == [ev.origin]:
                publisher.sole_support.add(claim.id)
    return sorted(found.values(), key=lambda p: p.name.casefold())


# -- text report ---------------------------------------------------------------


def report_text(claims: list[Claim]) -> str:
    """The source report as plain text (every contributor string made safe for a terminal)."""
    found = publishers(claims)
    items = sum(p.items for p in found)
    thin = single_origin_claims(claims)
    lines = [
        f"Sources: {len(found)} publishers, {items} evidence items, {len(claims)} claims.",
        f"Rated claims resting on a single supporting origin: {len(thin)}",
    ]
    for c in thin:
        origin = supporting_origin(c) or "no supporting origin"
        lines.append(f"  {visible(c.id)} ({c.status}): {visible(origin)}")
    for p in found:
        lines += ["", visible(p.name)]
        cited = []
        if p.as_source:
            cited.append(f"source of {p.as_source} claim{'s' if p.as_source != 1 else ''}")
        if p.items:
            cited.append(f"{p.items} evidence item{'s' if p.items != 1 else ''} ({p.first_hand} first-hand)")
        lines.append(f"  cited as: {'; '.join(cited)}")
        if p.repeats:
            lines.append("  repeats: " + ", ".join(f"{visible(name)} ×{n}" for name, n in p.repeated))
        lines.append(f"  claims: {', '.join(visible(c.id) for c in p.claims)}")
        if p.thin:
            lines.append(f"  sole supporting origin of {p.thin} claim{'s' if p.thin != 1 else ''}: {', '.join(sorted(p.sole_support))}")
    return "\n".join(lines) + "\n"


# -- cite ----------------------------------------------------------------------


def record_yaml(cite: Citation, today: str) -> str:
    """A citation's record as an evidence item, YAML ready to paste under `corroboration:`."""

    def q(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar

    lines = [f"  - publisher: {q(cite.value('publisher') or '')}"]
    if cite.value("title"):
        lines.append(f"    title: {q(cite.value('title') or '')}")
    lines.append(f"    url: {q(cite.url)}")
    if cite.value("date"):
        lines.append(f"    date: {q(cite.value('date') or '')}")
    if cite.value("derives_from"):
        lines.append(f"    derives_from: {q(cite.value('derives_from') or '')}")
    lines += [
        f'    accessed: "{today}"  # the day you opened it yourself',
        "    stance: context  # supports | contradicts | context: yours to judge for this claim",
        '    # quote: "the passage that matters for this claim, word for word"',
    ]
    return "\n".join(lines) + "\n"


def find_citations(items: list[Loaded], url: str) -> list[Citation]:
    key = url_key(url)
    return by_address(items, {key}).get(key, [])


def load_all(root: Path, today: dt.date) -> list[Loaded]:
    """Every claim file that loads (a file with other problems still contributes its records)."""
    paths, _ = scan_claims(root / "claims", root)
    return [load_file(p, today, root)[0] for p in paths]


def cmd_sources(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    from .rules import validate

    items, problems = validate(scan_claims(root / "claims", root)[0], root=root)
    claims = [i.claim for i in items if i.claim is not None]
    sys.stdout.write(report_text(claims))
    if problems:
        print(f"note: {len(problems)} validation problem(s); run `claims.py validate` for details.", file=sys.stderr)
    return 0


def cmd_cite(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    today = dt.date.today()
    found = find_citations(load_all(root, today), args.url)
    if not found:
        print(f"error: {visible(args.url)} is not cited in any claim file yet; fill in its record from the page itself.", file=sys.stderr)
        return 1
    records = {tuple(c.values) for c in found if c.where != ("source",)} or {tuple(c.values) for c in found}
    where = ", ".join(f"{c.item.display}:{c.line}" for c in found)
    if len(records) > 1:
        print(f"error: {visible(args.url)} is described in more than one way ({where}).", file=sys.stderr)
        print("Make the records agree first: `claims.py validate` lists the differences.", file=sys.stderr)
        return 1
    chosen = next(c for c in found if tuple(c.values) in records)
    print(f"# {visible(args.url)}: the record used in {visible(where)}")
    sys.stdout.write(record_yaml(chosen, today.isoformat()))
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("sources", help="report every publisher: what it repeats, the claims citing it, where evidence is thin")
    p.set_defaults(func=cmd_sources)
    p = sub.add_parser("cite", help="print the record of a page already cited in the case file, as YAML to paste")
    p.add_argument("url", help="address of the page (http/https, trailing slash and host case ignored)")
    p.set_defaults(func=cmd_cite)
