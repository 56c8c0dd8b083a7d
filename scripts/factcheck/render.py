"""Stage 3: render validated claims into Markdown pages (and data files).

Every page comes from a template file in ``templates/``; this module only
prepares what the templates need. Output is deterministic: the same claims
and config give the same bytes.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from . import model, structured
from .model import STATUS, Claim, normalise_origin
from .sanitize import markdown_html, md_inline, safe_url
from .siteconfig import SiteConfig

TEMPLATES = Path(__file__).parent / "templates"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def human_date(value: str) -> str:
    """'2024-09-13' -> '13 September 2024'; '2024-09' -> 'September 2024'; '2024' -> '2024'."""
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    return f"{int(parts[2])} {month} {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "unnamed"


@dataclass(frozen=True)
class Pager:
    number: int
    count: int
    paths: Sequence[str]
    first_item: int
    last_item: int
    total: int

    @property
    def prev(self) -> str | None:
        return self.paths[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.paths[self.number] if self.number < self.count else None


def page_paths(base: str, count: int) -> list[str]:
    """'browse/timeline.md' -> ['browse/timeline.md', 'browse/timeline-2.md', ...]"""
    stem = base[: -len(".md")]
    return [base] + [f"{stem}-{n}.md" for n in range(2, count + 1)]


def claim_path(claim: Claim) -> str:
    return f"claims/{claim.id}.md"


class Renderer:
    def __init__(self, claims: list[Claim], config: SiteConfig) -> None:
        self.claims = sorted(claims, key=lambda c: c.id)
        self.by_id = {c.id: c for c in self.claims}
        self.config = config
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # we write Markdown; each value is escaped for its context by a filter
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            md=md_inline,
            e=lambda s: html.escape(str(s), quote=True),
            url=lambda u: html.escape(safe_url(u), quote=True),
            markdown=markdown_html,
            human_date=human_date,
            slug=slugify,
            tojson=structured.script_json,
            # Front-matter text: the theme prints page.meta.title/description into HTML unescaped.
            meta=lambda v: json.dumps(html.escape(str(v), quote=True), ensure_ascii=False),
        )
        self.env.globals.update(
            statuses=STATUS.choices,
            model=model,
            config=config,
            claim_path=claim_path,
        )
        self.outputs: dict[str, str | bytes] = {}

    # -- helpers used by the page builders ---------------------------------

    def page(self, path: str, template: str, **context: Any) -> None:
        here = posixpath.dirname(path)

        def link(target: str) -> str:
            return posixpath.relpath(target, here or ".")

        self.outputs[path] = self.env.get_template(template).render(link=link, here=path, **context)

    def paginated(self, base: str, template: str, items: Sequence[Any], **context: Any) -> None:
        size = self.config.page_size
        count = max(1, -(-len(items) // size))
        paths = page_paths(base, count)
        for number, path in enumerate(paths, start=1):
            chunk = items[(number - 1) * size : number * size]
            pager = Pager(number, count, paths, (number - 1) * size + 1, (number - 1) * size + len(chunk), len(items))
            self.page(path, template, items=chunk, pager=pager, **context)

    # -- the site ----------------------------------------------------------

    def render(self) -> dict[str, str | bytes]:
        claims, config = self.claims, self.config
        for claim in claims:
            self.page(
                claim_path(claim),
                "claim.md.j2",
                claim=claim,
                claimreview=structured.script_json(structured.claim_review(claim, config)),
                claimant_path=claimant_path(claim.claimant.name),
                related=[self.by_id[r] for r in claim.related if r in self.by_id],
            )
        newest = sorted(claims, key=lambda c: (c.last_updated, c.id), reverse=True)
        counts = {choice.value: sum(c.status == choice.value for c in claims) for choice in STATUS.choices}
        self.page("index.md", "home.md.j2", newest=newest[:10], counts=counts, total=len(claims))
        by_date = sorted(claims, key=lambda c: (c.date, c.id), reverse=True)
        self.paginated(
            "claims/index.md",
            "list.md.j2",
            by_date,
            title="All claims",
            intro="Every claim checked on this site, most recently made first.",
        )
        self.page("methodology.md", "methodology.md.j2", fields=_field_table())
        self.page("about.md", "about.md.j2")
        self.page("corrections.md", "corrections-policy.md.j2")
        self.render_browse(by_date, counts)
        self.outputs["claims.json"] = structured.claims_json(claims, config)
        self.outputs["claims.csv"] = structured.claims_csv(claims, config)
        self.outputs["feed.xml"] = structured.atom_feed(claims, config)
        return self.outputs

    def render_browse(self, by_date: list[Claim], counts: dict[str | int, int]) -> None:
        tags: dict[str, list[Claim]] = {}
        claimants: dict[str, list[Claim]] = {}
        for claim in by_date:
            for tag in claim.tags:
                tags.setdefault(tag, []).append(claim)
            claimants.setdefault(claimant_path(claim.claimant.name), []).append(claim)
        self.page("browse/index.md", "browse-index.md.j2", counts=counts, tag_count=len(tags), claimant_count=len(claimants))
        for choice in STATUS.choices:
            chosen = [c for c in by_date if c.status == choice.value]
            self.paginated(
                f"browse/status/{choice.value}.md",
                "list.md.j2",
                chosen,
                title=f"Rated {choice.label}",
                intro=f"{choice.definition} {len(chosen)} claim(s).",
                status=choice,
            )
        self.page("browse/tags/index.md", "tags-index.md.j2", tags=sorted(tags.items()))
        for tag, tagged in sorted(tags.items()):
            self.paginated(
                f"browse/tags/{tag}.md", "list.md.j2", tagged, title=f"Tag: {tag}", intro=f"{len(tagged)} claim(s) tagged `{tag}`."
            )
        tallies = sorted(
            ((path, group[0].claimant, _tally(group)) for path, group in claimants.items()),
            key=lambda row: (-len(claimants[row[0]]), row[1].name.casefold()),
        )
        self.page("browse/claimants/index.md", "claimants-index.md.j2", tallies=tallies)
        for path, claimant, tally in tallies:
            self.paginated(
                path, "list.md.j2", claimants[path], title=f"Claims by {claimant.name}", intro="", claimant=claimant, tally=tally
            )
        timeline = sorted(self.claims, key=lambda c: (c.date, c.id))
        self.paginated("browse/timeline.md", "timeline.md.j2", timeline)
        self.paginated("browse/sources.md", "sources.md.j2", _sources(self.claims))
        log = [(h, c, i + 1) for c in self.claims for i, h in enumerate(c.history)]
        log.sort(key=lambda row: (row[0].date, row[1].id, row[2]), reverse=True)
        self.paginated("browse/corrections.md", "corrections-log.md.j2", log)


def claimant_path(name: str) -> str:
    return f"browse/claimants/{slugify(name)}.md"


def _tally(claims: list[Claim]) -> dict[str | int, int]:
    return {choice.value: sum(c.status == choice.value for c in claims) for choice in STATUS.choices}


@dataclass
class Publisher:
    name: str
    as_source: int = 0  # claims that appeared in this publisher's pages
    items: int = 0  # evidence items it published
    cited_by: dict[str, Claim] = field(default_factory=dict)

    @property
    def claims(self) -> list[Claim]:
        return [self.cited_by[k] for k in sorted(self.cited_by)]


def _sources(claims: list[Claim]) -> list[Publisher]:
    """Every publisher cited (as a claim's source or as evidence), with the claims citing it."""
    found: dict[str, Publisher] = {}

    def cite(name: str, claim: Claim) -> Publisher:
        publisher = found.setdefault(normalise_origin(name), Publisher(name))
        publisher.cited_by.setdefault(claim.id, claim)
        return publisher

    for claim in claims:
        cite(claim.source.publisher, claim).as_source += 1
        for ev in claim.corroboration:
            cite(ev.publisher, claim).items += 1
    return sorted(found.values(), key=lambda p: p.name.casefold())


def _field_table() -> list[tuple[str, str, bool]]:
    """(dotted name, doc, required) for every field of the model, for the methodology page."""
    from .convert import is_required, model_fields

    rows: list[tuple[str, str, bool]] = []

    def walk(cls: type, prefix: str) -> None:
        for f, ftype in model_fields(cls):
            name = prefix + f.name
            rows.append((name, f.metadata["doc"], is_required(f)))
            inner = ftype.item.base if ftype.item else ftype.base
            if isinstance(inner, type) and hasattr(inner, "__dataclass_fields__"):
                walk(inner, name + ("[]." if ftype.item else "."))

    walk(Claim, "")
    return rows


def render_site(claims: list[Claim], config: SiteConfig) -> dict[str, str | bytes]:
    return Renderer(claims, config).render()
