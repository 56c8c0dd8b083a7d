"""Machine-readable forms of a check: ClaimReview JSON-LD, claims.json.gz, CSV, Atom.

All of them are built from the same validated claims as the pages, so what a
machine reads and what a reader sees cannot disagree.
"""

from __future__ import annotations

import csv
import datetime as dt
import heapq
import html
import io
import json
from collections.abc import Callable
from typing import Any

import deflate

from .model import STATUS, Claim
from .siteconfig import SiteConfig

# gzipped(): libdeflate at level 9. For claims.json.gz at 10,000 claims it takes 0.12 s (zlib's: 0.25 s) and is 2%
# smaller; the header carries no time, so the bytes depend on the data alone.
GZIP_LEVEL = 9

BEST, WORST = max(c.number for c in STATUS.choices if c.number), min(c.number for c in STATUS.choices if c.number)


def claim_url(claim: Claim, config: SiteConfig) -> str:
    return config.absolute(f"claims/{claim.id}/")


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def claim_review(claim: Claim, config: SiteConfig) -> dict[str, Any]:
    """schema.org ClaimReview, as Google's fact-check guidelines describe it."""
    rating = claim.rating
    source = claim.source
    appearance = {
        "@type": "CreativeWork",
        "url": source.url,
        "headline": source.title,
        "datePublished": source.date,
        "publisher": {"@type": "Organization", "name": source.publisher},
    }
    claimant = claim.claimant
    return _drop_none(
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": claim_url(claim, config),
            "claimReviewed": claim.title,
            "datePublished": claim.first_published,
            "dateModified": claim.last_updated,
            "author": {"@type": "Organization", "name": config.publisher, "url": config.publisher_url or config.site_url},
            "reviewRating": {
                "@type": "Rating",
                "alternateName": rating.label,
                "ratingValue": rating.number,
                "bestRating": BEST if rating.number else None,
                "worstRating": WORST if rating.number else None,
                "ratingExplanation": claim.verdict or rating.definition,
            },
            "itemReviewed": {
                "@type": "Claim",
                "author": {
                    "@type": "Organization" if claimant.type == "organisation" else "Person",
                    "name": claimant.name,
                    "jobTitle": claimant.role if claimant.type == "person" else None,
                    "sameAs": claimant.url,
                },
                "datePublished": claim.date,
                "appearance": appearance,
                "firstAppearance": appearance,
            },
        }
    )


def script_json(data: Any) -> str:
    """JSON safe to place inside <script>: no '<', '>' or '&' can end the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def claim_record(claim: Claim, config: SiteConfig) -> dict[str, Any]:
    """One claim in the JSON export (claims.json.gz): the claim file's data plus what the site derives from it.

    Kept small (at 10,000 claims the file is tens of megabytes of a site capped at 1 GB): what the
    document says once is not repeated per claim (the rating's definition is in ``rating_scale``), and
    the ClaimReview, made from these same fields, is on the claim's page (its ``url``) as JSON-LD.
    """
    data = _plain(claim)
    data["url"] = claim_url(claim, config)
    data["rating"] = {"label": claim.rating.label, "value": claim.rating.number}
    data["independent_origins"] = {
        "all": len(claim.origins()),
        **{stance: len(claim.origins(stance)) for stance in ("supports", "contradicts", "context")},
    }
    return _drop_none(data)


def claim_row(claim: Claim, config: SiteConfig) -> str:
    """One claim's line of the JSON export."""
    return json.dumps(claim_record(claim, config), ensure_ascii=False, separators=(",", ":"))


def claims_json(claims: list[Claim], config: SiteConfig, row: Callable[[Claim], bytes] | None = None) -> bytes:
    """Every claim as JSON, UTF-8; ``row`` gives a claim's line, UTF-8 (default: ``claim_row``; the pipeline passes its cache)."""
    document = {
        "site": config.site_name,
        "site_url": config.site_url,
        "publisher": config.publisher,
        "license": "CC BY 4.0",
        "rating_scale": [{"status": c.value, "label": c.label, "value": c.number, "definition": c.definition} for c in STATUS.choices],
        "count": len(claims),
    }
    # Compact, one claim per line: a third smaller than indented JSON, still greppable and diffable, and written
    # by json's C encoder (``indent`` would force the pure-Python one).
    head = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    make = row or (lambda c: claim_row(c, config).encode("utf-8"))
    # One join into the finished bytes: at 10,000 claims it is 60 MB, and each further copy of it (a join, then
    # an f-string around it, then encoding it) cost ~0.05-0.2 s.
    parts = [head[:-1] + b',"claims":[\n']
    for number, claim in enumerate(claims):
        if number:
            parts.append(b",\n")
        parts.append(make(claim))
    parts.append(b"\n]}\n")
    return b"".join(parts)


def gzipped(data: bytes) -> bytes:
    """``data`` as a gzip file, the same bytes for the same data (libdeflate; no time in the header).

    The JSON export is published compressed only: uncompressed it was 61 MiB of a
    595 MB site at 10,000 claims (GitHub Pages refuses sites over 1 GB), gzipped
    a tenth of that or less; every language's standard library reads it. Pagefind's
    data files are packed with it too (``searchindex``).
    """
    return bytes(deflate.gzip_compress(data, GZIP_LEVEL))


def _plain(value: Any) -> Any:
    """A model object as JSON data, field by field (what ``dataclasses.asdict`` gives, without its deep copies)."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


CSV_COLUMNS = (
    "id",
    "url",
    "headline",
    "claim",
    "claimant",
    "claim_date",
    "status",
    "rating_value",
    "verdict",
    "source_publisher",
    "source_url",
    "evidence_items",
    "independent_origins",
    "supporting_origins",
    "contradicting_origins",
    "tags",
    "first_published",
    "last_reviewed",
)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a leading apostrophe (OWASP)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def claim_csv_row(c: Claim, config: SiteConfig) -> str:
    """One claim's line of claims.csv."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(
        safe_cell(value)
        for value in [
            c.id,
            claim_url(c, config),
            c.title,
            " ".join(c.claim.split()),
            c.claimant.name,
            c.date,
            c.status,
            c.rating.number if c.rating.number is not None else "",
            c.verdict or "",
            c.source.publisher,
            c.source.url,
            len(c.corroboration),
            len(c.origins()),
            len(c.origins("supports")),
            len(c.origins("contradicts")),
            ";".join(c.tags),
            c.first_published,
            c.reviewed,
        ]
    )
    return out.getvalue()


def claims_csv(claims: list[Claim], config: SiteConfig, row: Callable[[Claim], str] | None = None) -> str:
    """Every claim as CSV; ``row`` gives a claim's line (default: ``claim_csv_row``; the pipeline passes its cache)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(CSV_COLUMNS)
    make = row or (lambda c: claim_csv_row(c, config))
    return out.getvalue() + "".join(make(c) for c in claims)


def _when(date: str) -> dt.datetime:
    return dt.datetime.fromisoformat(date).replace(tzinfo=dt.UTC)


FeedEvent = tuple[str, str, Claim, int]  # date, entry id, claim, number of its history entry (0: the check itself)


def feed_events(claims: list[Claim], config: SiteConfig, limit: int = 50) -> list[FeedEvent]:
    """The entries of the Atom feed: new checks and recorded changes, the ``limit`` newest (by date, then entry id)."""
    events: list[FeedEvent] = []
    for c in claims:
        url = claim_url(c, config)
        events.append((c.first_published, f"{url}#published", c, 0))
        events += ((h.date, f"{url}#history-{i + 1}", c, i + 1) for i, h in enumerate(c.history))
    return heapq.nlargest(limit, events, key=lambda e: (e[0], e[1]))


def atom_feed(claims: list[Claim], config: SiteConfig, limit: int = 50) -> bytes:
    """New checks and every recorded change, newest first (feedgen writes the XML)."""
    from feedgen.feed import FeedGenerator

    from .sanitize import markdown_html

    def title(c: Claim, number: int) -> str:
        if not number:
            return f"New check — {c.rating.label}: {c.title}"
        h = c.history[number - 1]
        label = STATUS.get(h.status).label if h.status else ""  # type: ignore[union-attr]
        what = f"Rating changed to {label}" if h.kind == "status" else h.kind.capitalize()
        return f"{what}: {c.title}"

    def body(c: Claim, number: int) -> str:
        if number:
            return f"<p>{_escape(c.history[number - 1].note)}</p>"
        verdict = f"<p><strong>{_escape(c.rating.label)}:</strong> {_escape(c.verdict)}</p>\n" if c.verdict else ""
        return verdict + markdown_html(c.summary)

    events = feed_events(claims, config, limit)
    fg = FeedGenerator()
    fg.id(config.site_url)
    fg.title(config.site_name)
    fg.subtitle(config.description or "New and updated fact-checks")
    fg.author({"name": config.publisher})
    fg.link(href=config.site_url, rel="alternate")
    fg.link(href=config.absolute("feed.xml"), rel="self")
    fg.language("en")
    fg.updated(_when(events[0][0]) if events else _when("2000-01-01"))
    for date, entry_id, c, number in reversed(events):  # feedgen prepends entries
        entry = fg.add_entry()
        entry.id(entry_id)
        entry.title(title(c, number))
        entry.link(href=claim_url(c, config))
        entry.published(_when(date))
        entry.updated(_when(date))
        entry.content(body(c, number), type="html")
        for tag in c.tags:
            entry.category(term=tag)
    fg.generator("claim-check")
    return fg.atom_str(pretty=True)


def _escape(text: str) -> str:
    return html.escape(" ".join(text.split()), quote=False)
