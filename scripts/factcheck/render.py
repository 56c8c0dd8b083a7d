"""Stage 3: render validated claims into pages (and data files).

Every page is front matter built here as a dict (serialised by PyYAML and
read back to prove it round-trips) plus a body rendered from a template in
``templates/``. Contributor text reaches a page only inside **one raw HTML
block** (``<article class="fc-claim">`` or ``<div class="fc-page">``), written
with no blank line inside, so Python-Markdown copies it without reading it:
plain text is HTML-escaped by Jinja's autoescaping, URLs are checked http(s)
and attribute-escaped, and the summary is the sanitiser's balanced HTML.
Static prose pages (methodology, about, corrections policy) stay Markdown:
their text is ours.

Output is deterministic: the same claims and config give the same bytes.
``Renderer.origins`` records which claim made each output path; two things
wanting one path raise ``OutputCollision`` instead of overwriting.
"""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup, escape
from slugify import slugify

from . import model, sourcereport, structured
from .cache import digest
from .model import STATUS, Claim
from .sanitize import markdown_html, md_inline, safe_url
from .siteconfig import SiteConfig

TEMPLATES = Path(__file__).parent / "templates"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
SLUG_MAX = 80  # claimant slugs: short enough for any file system, with room for "-2.md"
SITE_IMAGE = "share/site.png"
SHOWN_PER_SOURCE = 10  # claims listed per publisher (and thin claims) on the Sources page; the rest are counted
THIN_PAGE = "browse/thin.md"  # every claim resting on a single supporting origin
NOT_YET_RATED = (
    "Not yet rated: we have not found enough evidence to rate this claim either way. The rating will change as evidence arrives."
)


# -- errors the pipeline turns into located problems -------------------------


class RenderError(ValueError):
    """Rendering refused: ``claim_ids`` and ``field`` say which claims and which field caused it."""

    def __init__(self, message: str, claim_ids: Sequence[str], field: tuple[str, ...], hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.claim_ids = tuple(claim_ids)
        self.field = field
        self.hint = hint


class OutputCollision(RenderError):
    """Two pages want one output path (an id, tag or claimant equal to a listing page or its page 2...)."""

    def __init__(self, path: str, first: Origin, second: Origin) -> None:
        ids = [o.claim_id for o in (first, second) if o.claim_id]
        super().__init__(
            f"{second.what} would be written to {path}, which is already {first.what}",
            ids,
            second.field or first.field,
            "Choose a different id, tag or name: this path is taken.",
        )
        self.path, self.first, self.second = path, first, second


class ClaimantCollision(RenderError):
    """Two different claimant names give the same page address."""

    def __init__(self, slug: str, names: tuple[str, str], claim_ids: Sequence[str]) -> None:
        super().__init__(
            f"claimants {names[0]!r} and {names[1]!r} would share the page browse/claimants/{slug}/",
            claim_ids,
            ("claimant", "name"),
            "Spell one claimant's name exactly as in the other claim if they are the same, or tell them apart (e.g. a middle name).",
        )
        self.slug, self.names = slug, names


class FrontMatterError(RenderError):
    """Serialised front matter did not read back as the same data."""


@dataclass(frozen=True)
class Origin:
    """What made an output path: a claim (its id, and the field that named the path) or the site itself."""

    what: str
    claim_id: str | None = None
    field: tuple[str, ...] = ()


# -- small pure helpers -------------------------------------------------------


def human_date(value: str) -> str:
    """'2024-09-13' -> '13 September 2024'; '2024-09' -> 'September 2024'; '2024' -> '2024'."""
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    return f"{int(parts[2])} {month} {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


def claimant_key(name: str) -> str:
    """Names that are the same claimant: NFC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def claimant_slug(name: str) -> str:
    """A stable, readable page slug for any script: 'Олександр Фільчаков' -> 'oleksandr-filchakov', '황준국' -> 'hwangjungug'."""
    slug = slugify(name, max_length=SLUG_MAX, word_boundary=True, save_order=True)
    if slug:
        return slug
    # Nothing transliterable (only symbols): a stable code from the name itself.
    return "claimant-" + "-".join(f"{ord(ch):x}" for ch in claimant_key(name) if not ch.isspace())[: SLUG_MAX - 9].rstrip("-")


@functools.lru_cache(maxsize=4096)  # called for every translated quote of every page, with few values
def language_name(tag: str) -> str:
    """English name of a BCP 47 tag ('ko' -> 'Korean'); the tag itself if unknown."""
    try:
        from babel import Locale

        name = Locale.parse(tag, sep="-").get_display_name("en")
    except (ValueError, TypeError, LookupError, ImportError):
        return tag
    return name or tag


def is_english(tag: str | None) -> bool:
    return tag is None or tag.split("-")[0].lower() == "en"


def page_url(path: str) -> str:
    """Output path -> site-relative URL: 'index.md' -> '', 'claims/x.md' -> 'claims/x/', 'feed.xml' -> 'feed.xml'."""
    if not path.endswith(".md"):
        return path
    stem = path[: -len(".md")]
    if stem == "index":
        return ""
    return stem[: -len("index")] if stem.endswith("/index") else stem + "/"


@functools.cache  # one entry per output path (a few per claim), however many links point at it
def _folders_and_leaf(path: str) -> tuple[tuple[str, ...], str]:
    *folders, leaf = page_url(path).split("/")
    return tuple(folders), leaf


@functools.cache
def _where(path: str) -> tuple[str, ...]:
    folders, leaf = _folders_and_leaf(path)
    return tuple(p for p in (*folders, leaf) if p)


def relative_url(target: str, here: str) -> str:
    """The link from page ``here`` to output ``target`` (both output paths), as the built site needs it."""
    base = _where(here)
    folders, leaf = _folders_and_leaf(target)
    common, most = 0, min(len(base), len(folders))
    while common < most and base[common] == folders[common]:
        common += 1
    return "../" * (len(base) - common) + "".join(f"{p}/" for p in folders[common:]) + leaf or "./"


_PRE = re.compile(r"<pre>(.*?)</pre>", re.S)


def raw_block(html_text: str) -> str:
    """HTML with no blank line inside, so Python-Markdown keeps it as one raw block ('\\n' in <pre> becomes '&#10;')."""
    html_text = _PRE.sub(lambda m: "<pre>" + m[1].replace("\n", "&#10;") + "</pre>", html_text)
    return "\n".join(filter(None, map(str.rstrip, html_text.splitlines()))) + "\n"  # a line is blank when nothing is left of it


_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)  # MkDocs' own pattern


# libyaml when present (as fast as the rest of the page); the tests check the result with MkDocs' own reader.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Characters a YAML double-quoted scalar may hold as they are: printable, neither a line break YAML would fold
# (U+0085, U+2028, U+2029) nor a byte-order mark, nor the quote and backslash (escaped before this is used).
_YAML_ESCAPED = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_PLAIN_KEY = re.compile(r"[a-z_]+")


def _yaml_escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def yaml_quoted(value: str) -> str:
    """``value`` as a YAML double-quoted scalar on one line that any YAML reader reads back as exactly ``value``:
    the backslash and the quote escaped, and every character that is not printable or that YAML would fold."""
    return '"' + _YAML_ESCAPED.sub(lambda m: _yaml_escape(m[0]), value.replace("\\", "\\\\").replace('"', '\\"')) + '"'


_SURROGATE = re.compile("[\ud800-\udfff]")  # no YAML reader reads one back (libyaml refuses its escape)


def _yaml_value(value: Any) -> str | None:
    """A front-matter value on one line (text, a list of texts, a number, a truth value); None for anything else."""
    if isinstance(value, str):
        return None if _SURROGATE.search(value) else yaml_quoted(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple) and all(isinstance(item, str) and not _SURROGATE.search(item) for item in value):
        return "[" + ", ".join(map(yaml_quoted, value)) + "]"
    return None


def front_matter(meta: dict[str, Any]) -> str:
    """``meta`` as a YAML front-matter block. Every page's values are texts, lists of texts and numbers, each written
    on one line by ``yaml_quoted`` (its round trip through MkDocs' reader is a property test); anything else goes
    through PyYAML and raises FrontMatterError unless it reads back as the same data."""
    lines = ["---\n"]
    for key, value in meta.items():
        written = _yaml_value(value) if isinstance(key, str) and _PLAIN_KEY.fullmatch(key) else None
        if written is None:
            return _dumped_front_matter(meta)
        lines.append(f"{key}: {written}\n")
    lines.append("---\n")
    return "".join(lines)


def _dumped_front_matter(meta: dict[str, Any]) -> str:
    try:
        dumped = yaml.dump(meta, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=2**31 - 1, default_flow_style=False)
        text = "---\n" + dumped + "---\n"
        found = _FRONT_MATTER.match(text)
        back = yaml.load(found[1], Loader=_LOADER) if found else None  # a safe loader (libyaml when present)
    except (yaml.YAMLError, UnicodeError):  # e.g. a lone surrogate, which no YAML stream can hold
        back = None
    if back != meta:
        raise FrontMatterError("the page's front matter does not read back as written", (), (), "Report this as a bug.")
    return text


@functools.lru_cache(maxsize=4096)  # called for every rating badge of every page, with few values
def badge(status: str, large: bool = False) -> Markup:
    """The rating as a word on its colour: never colour alone."""
    choice = STATUS.get(status)
    assert choice is not None, "validated claims have a known status"
    size = " fc-badge--large" if large else ""
    return Markup(f'<span class="fc-badge fc-badge--{escape(status)}{size}">{escape(choice.label)}</span>')


@functools.lru_cache(maxsize=4096)  # called for every date of every page, with few values
def time_tag(value: str) -> Markup:
    """A (partial) date for people and machines: <time datetime="2024-09">September 2024</time>."""
    return Markup(f'<time datetime="{escape(value)}">{escape(human_date(value))}</time>')


def summary_html(claim: Claim) -> Markup:
    """The summary through the one sanitiser (contract 3), as HTML safe to place in the page's raw block."""
    return Markup(markdown_html(claim.summary))


def verdict_text(claim: Claim) -> str:
    """The claim-specific verdict; for an unverified claim without one, plainly 'not yet rated'."""
    if claim.verdict:
        return claim.verdict
    return NOT_YET_RATED if claim.status == model.NOT_ESTABLISHED else claim.rating.definition


@dataclass(frozen=True)
class EvidenceFigures:
    """What the evidence establishes, counted in independent origins (items repeating a report count once)."""

    supporting: int
    contradicting: int
    context_items: int
    statement: int  # supporting origins with an item showing the statement was made
    event: int  # supporting origins with an item showing the event happened
    unclassified: int  # supporting origins none of whose items says what it shows

    @classmethod
    def of(cls, claim: Claim) -> EvidenceFigures:
        kinds: dict[str, set[str | None]] = {}
        for item in claim.evidence("supports"):
            kinds.setdefault(item.origin, set()).add(item.establishes)
        return cls(
            supporting=len(kinds),
            contradicting=len(claim.origins("contradicts")),
            context_items=len(claim.evidence("context")),
            statement=sum("statement" in k for k in kinds.values()),
            event=sum("event" in k for k in kinds.values()),
            unclassified=sum(not (k - {None}) for k in kinds.values()),
        )


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


def folder_page_paths(base: str, count: int) -> list[str]:
    """'browse/claimants/index.md' -> [that, 'browse/claimants/page/2.md', ...]: apart from the names slugs can take."""
    folder = base.rsplit("/", 1)[0]
    return [base] + [f"{folder}/page/{n}.md" for n in range(2, count + 1)]


def claim_path(claim: Claim) -> str:
    return f"claims/{claim.id}.md"


def claim_origin(claim: Claim) -> Origin:
    """What makes a claim's page: the claim, through its id."""
    return Origin(f"the page of claim {claim.id!r}", claim.id, ("id",))


def status_path(status: str) -> str:
    return f"browse/status/{status}.md"


def tag_path(tag: str) -> str:
    return f"browse/tags/{tag}.md"


@dataclass
class ClaimantGroup:
    """One claimant's page: every claim by names that are the same claimant (NFC, case-folded)."""

    name: str
    slug: str
    claims: list[Claim] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"browse/claimants/{self.slug}.md"

    @property
    def url(self) -> str | None:
        return next((c.claimant.url for c in self.claims if c.claimant.url), None)

    @property
    def tally(self) -> dict[str | int, int]:
        return _tally(self.claims)


@dataclass(frozen=True)
class CardClaimant:
    name: str
    role: str | None


@dataclass(frozen=True)
class Card:
    """What a listing shows of a claim: its card (rating, headline, claimant, date, verdict) and, on the timeline,
    when it was checked. Listing pages are given cards, not claims, so that a page's cache key covers what it shows
    and nothing more: an edit to a claim's summary or evidence renders its own page again, not the listings showing
    its card. ``key`` is the hash of all the rest."""

    id: str
    status: str
    title: str
    claimant: CardClaimant
    date: str
    verdict: str
    first_published: str
    reviewed: str
    key: str

    @classmethod
    def of(cls, claim: Claim) -> Card:
        who = CardClaimant(claim.claimant.name, claim.claimant.role)
        shown = (claim.id, str(claim.status), claim.title, who, claim.date, verdict_text(claim), claim.first_published, claim.reviewed)
        return cls(*shown, key=digest(*map(repr, shown)))


class _Cards(dict[str, Card]):
    """Claim id -> its card, made on first use."""

    def __init__(self, by_id: dict[str, Claim]) -> None:
        super().__init__()
        self.by_id = by_id

    def __missing__(self, claim_id: str) -> Card:
        card = self[claim_id] = Card.of(self.by_id[claim_id])
        return card


def listing_signature(claim: Claim) -> str:
    """The hash of everything a page other than the claim's own reads of it (``Renderer.render_listings``): its
    card, claimant, dates, tags, history, and who published it and its evidence. An edit that leaves it unchanged
    (the summary, a quote, an evidence link) changes no listing. tests/test_pipeline.py changes every field of a
    claim in turn and checks that each change reaching a listing changes this."""
    who = claim.claimant
    seen = (
        claim.id,
        str(claim.status),
        claim.title,
        (who.name, who.role, str(who.type), who.url),
        claim.date,
        verdict_text(claim),
        claim.first_published,
        claim.reviewed,
        claim.last_updated,
        tuple(claim.tags),
        tuple((h.date, str(h.kind), h.note, str(h.status) if h.status else None) for h in claim.history),
        claim.source.publisher,
        tuple((ev.publisher, ev.derives_from, str(ev.stance), ev.origin) for ev in claim.corroboration),
    )
    return digest(repr(seen))


@dataclass(frozen=True)
class ClaimantSummary:
    """What the listings show of a claimant (its page's heading, its line in the index of claimants)."""

    name: str
    path: str
    url: str | None
    kind: str  # the claimant type of its first claim: person, organisation...
    count: int
    tally: dict[str | int, int]

    @classmethod
    def of(cls, group: ClaimantGroup) -> ClaimantSummary:
        return cls(group.name, group.path, group.url, str(group.claims[0].claimant.type), len(group.claims), group.tally)


@dataclass(frozen=True)
class PublisherSummary:
    """What the Sources page shows of a publisher (its counts, what it repeats, its newest citing claims' cards)."""

    name: str
    as_source: int
    items: int
    first_hand: int
    repeated: list[tuple[str, int]]
    thin: int
    cited: int  # claims citing it
    newest: list[Card]  # the SHOWN_PER_SOURCE most recent of them

    @classmethod
    def of(cls, publisher: sourcereport.Publisher, cards: dict[str, Card]) -> PublisherSummary:
        newest = [cards[c.id] for c in publisher.newest[:SHOWN_PER_SOURCE]]
        return cls(
            publisher.name,
            publisher.as_source,
            publisher.items,
            publisher.first_hand,
            publisher.repeated,
            publisher.thin,
            len(publisher.cited_by),
            newest,
        )


def group_claimants(claims: Sequence[Claim]) -> list[ClaimantGroup]:
    """Claimants by name (NFC, case-folded), each with a slug; raises ClaimantCollision if two names share one."""
    groups: dict[str, ClaimantGroup] = {}
    for claim in sorted(claims, key=lambda c: c.id):
        key = claimant_key(claim.claimant.name)
        if key not in groups:
            groups[key] = ClaimantGroup(claim.claimant.name, claimant_slug(claim.claimant.name))
        groups[key].claims.append(claim)
    by_slug: dict[str, ClaimantGroup] = {}
    for group in groups.values():
        other = by_slug.setdefault(group.slug, group)
        if other is not group:
            raise ClaimantCollision(group.slug, (other.name, group.name), [other.claims[0].id, group.claims[0].id])
    return list(groups.values())


# -- the renderer ---------------------------------------------------------------

_LINK_MARK = "\x00link\x00"  # a card's link while it is rendered: NUL is refused in every text field of a claim


class Renderer:
    def __init__(self, claims: list[Claim], config: SiteConfig) -> None:
        self.claims = sorted(claims, key=lambda c: c.id)
        self.by_id = {c.id: c for c in self.claims}
        self.config = config
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            undefined=jinja2.StrictUndefined,
            autoescape=True,  # every value is HTML-escaped unless it is Markup built safely here
            auto_reload=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            md=lambda s: Markup(md_inline(s)),  # plain text as Markdown text (kept for Markdown templates)
            url=lambda u: escape(safe_url(str(u))),
            human_date=human_date,
            lang_name=language_name,
            ticks=_ticks,
        )
        self.env.globals.update(
            statuses=STATUS.choices,
            model=model,
            config=config,
            claim_path=claim_path,
            status_path=status_path,
            tag_path=tag_path,
            is_english=is_english,
            badge=badge,
            badge_html=badge,
            time_tag=time_tag,
            verdict_text=verdict_text,
        )
        self._templates: dict[str, jinja2.Template] = {}
        self._cards: dict[tuple[str, int, bool], list[str]] = {}  # (claim id, heading level, role) -> the card around its link
        self.outputs: dict[str, str | bytes] = {}
        self.origins: dict[str, str | None] = {}  # output path -> id of the claim that made it (None: the site)
        self._made_by: dict[str, Origin] = {}
        self.claimants = group_claimants(self.claims)
        self.claimant_of = {c.id: g for g in self.claimants for c in g.claims}
        self.cards = _Cards(self.by_id)  # what listings show of each claim (made when first asked for)

    def cards_of(self, claims: Sequence[Claim]) -> list[Card]:
        return [self.cards[c.id] for c in claims]

    # -- helpers used by the page builders ---------------------------------

    def template(self, name: str) -> jinja2.Template:
        if name not in self._templates:
            self._templates[name] = self.env.get_template(name)
        return self._templates[name]

    def claim(self, path: str, origin: Origin, content: str | bytes) -> None:
        """Record that ``origin`` makes ``path``; a second claimant on one path is an error, never an overwrite."""
        if path in self._made_by:
            raise OutputCollision(path, self._made_by[path], origin)
        self._made_by[path] = origin
        self.origins[path] = origin.claim_id
        self.outputs[path] = content

    def page(self, path: str, template: str, meta: dict[str, Any], origin: Origin | None = None, **context: Any) -> None:
        def link(target: str) -> str:
            """Relative link to an output file, for Markdown templates (MkDocs resolves and checks it)."""
            return posixpath.relpath(target, posixpath.dirname(path) or ".")

        def href(target: str) -> str:
            """Relative URL of an output file, for HTML (MkDocs does not read raw HTML)."""
            return relative_url(target, path)

        def card(claim: Claim, level: int = 2, role: bool = False) -> Markup:
            """A claim's card: the same on every page but for its link, so rendered once and its link put in."""
            key = (claim.id, level, role)
            if key not in self._cards:
                self._cards[key] = self._card_around_link(claim, level, role)
            return Markup(str(escape(href(claim_path(claim)))).join(self._cards[key]))  # the parts are HTML already

        def cards(claims: Sequence[Claim], level: int = 2, role: bool = False) -> Markup:
            """A listing's cards (up to a page's 50: joined here, not looped over by the template engine)."""
            if not claims:
                return Markup('<p class="fc-empty">No claims here yet.</p>\n')
            return Markup('<ul class="fc-cards">\n' + "".join([f"{card(c, level, role)}\n" for c in claims]) + "</ul>\n")

        body = self.template(template).render(link=link, href=href, card=card, cards=cards, here=path, **context)
        if template.endswith(".html.j2"):
            body = raw_block(body)
        else:
            body, meta = _lift_front_matter(body, meta)
        meta = {"title": str(escape(meta["title"])), **{k: v for k, v in meta.items() if k != "title"}}
        meta["description"] = str(escape(" ".join(str(meta.get("description") or self.config.description).split())))
        meta.setdefault("image", SITE_IMAGE)
        meta.setdefault("canonical_kind", "page")
        self.claim(path, origin or Origin(f"the page {template}"), front_matter(meta) + "\n" + body)

    def _card_around_link(self, claim: Claim, level: int, role: bool) -> list[str]:
        """The card as the text before and after its one link (a mark no claim text holds stands for it)."""
        target = claim_path(claim)

        def href(path: str) -> str:
            if path != target:
                raise RenderError(f"the card template links to {path}, not to its claim", (claim.id,), (), "Report this as a bug.")
            return _LINK_MARK

        parts = self.template("_card.html.j2").render(c=claim, level=level, role=role, href=href).split(_LINK_MARK)
        if len(parts) != 2:
            raise RenderError("a card must hold its claim's link once", (claim.id,), (), "Report this as a bug.")
        return parts

    def paginated(
        self,
        base: str,
        template: str,
        items: Sequence[Any],
        meta: dict[str, Any],
        origin: Origin,
        pages: Callable[[str, int], list[str]] | None = None,
        **context: Any,
    ) -> None:
        size = self.config.page_size
        count = max(1, -(-len(items) // size))
        paths = (pages or page_paths)(base, count)
        for number, path in enumerate(paths, start=1):
            chunk = items[(number - 1) * size : number * size]
            pager = Pager(number, count, paths, (number - 1) * size + 1, (number - 1) * size + len(chunk), len(items))
            title = meta["title"] if number == 1 else f"{meta['title']} (page {number})"
            where = Origin(f"{origin.what}, page {number}" if number > 1 else origin.what, origin.claim_id, origin.field)
            self.page(path, template, {**meta, "title": title}, where, items=chunk, pager=pager, **context)

    # -- the site ----------------------------------------------------------

    def render(self) -> dict[str, str | bytes]:
        for claim in self.claims:
            self.render_claim(claim)
        self.render_listings()
        for name, content in self.data_files():
            self.claim(name, Origin(f"the data file {name}"), content)
        return self.outputs

    def render_listings(self) -> None:
        """Every page but the claims' own: home, lists, browse pages, the site's own pages. What these read
        of a claim is its ``listing_signature`` (the pipeline serves them all unchanged when no signature changed)."""
        claims, config = self.claims, self.config
        newest = sorted(claims, key=lambda c: (c.last_updated, c.id), reverse=True)
        counts = _tally(claims)
        listing = {"hide": ["navigation", "toc"], "canonical_kind": "listing"}
        self.page(
            "index.md",
            "home.html.j2",
            {"title": "Home", "description": config.description, **listing},
            newest=self.cards_of(newest[:10]),
            counts=counts,
            total=len(claims),
        )
        by_date = sorted(claims, key=lambda c: (c.date, c.id), reverse=True)
        self.paginated(
            "claims/index.md",
            "list.html.j2",
            self.cards_of(by_date),
            {"title": "All claims", "description": "Every claim checked on this site, most recently made first.", **listing},
            Origin("the list of all claims"),
            intro="Every claim checked on this site, most recently made first.",
            crumbs=[],
        )
        self.page(
            "methodology.md", "methodology.md.j2", {"title": "Methodology and ratings", "hide": ["navigation"]}, fields=_field_table()
        )
        self.page("about.md", "about.md.j2", {"title": "About", "hide": ["navigation"]})
        self.page("corrections.md", "corrections-policy.md.j2", {"title": "Corrections policy", "hide": ["navigation"]})
        self.render_browse(by_date, counts)

    def data_files(self) -> list[tuple[str, str | bytes]]:
        """claims.json.gz, claims.csv and the Atom feed (a method of its own so the pipeline can serve them from its cache)."""
        claims, config = self.claims, self.config
        return [
            ("claims.json.gz", structured.gzipped(structured.claims_json(claims, config))),
            ("claims.csv", structured.claims_csv(claims, config)),
            ("feed.xml", structured.atom_feed(claims, config)),
        ]

    def render_claim(self, claim: Claim) -> None:
        group = self.claimant_of[claim.id]
        description = f"{claim.rating.label}: {verdict_text(claim) if claim.verdict else claim.title}"
        self.page(
            claim_path(claim),
            "claim.html.j2",
            {
                "title": claim.title,
                "description": description,
                "image": f"share/{claim.id}.png",
                "hide": ["navigation", "toc"],
                "canonical_kind": "claim",
                "claimreview": structured.script_json(structured.claim_review(claim, self.config)),
            },
            claim_origin(claim),
            claim=claim,
            claimant_page=group.path,
            figures=EvidenceFigures.of(claim),
            summary=summary_html(claim),
            related=[self.cards[r] for r in claim.related if r in self.by_id],
        )

    def render_browse(self, by_date: list[Claim], counts: dict[str | int, int]) -> None:
        listing = {"hide": ["navigation", "toc"], "canonical_kind": "listing"}
        tags: dict[str, list[Claim]] = {}
        for claim in by_date:
            for tag in claim.tags:
                tags.setdefault(tag, []).append(claim)
        browse = [("browse/index.md", "Browse")]
        self.page(
            "browse/index.md",
            "browse-index.html.j2",
            {"title": "Browse", "description": "Browse the checks by rating, tag, claimant, date or source.", **listing},
            counts=counts,
            tag_count=len(tags),
            claimant_count=len(self.claimants),
        )
        self.page(
            "browse/status/index.md",
            "status-index.html.j2",
            {"title": "Ratings", "description": "The checks by rating.", **listing},
            counts=counts,
            crumbs=browse,
        )
        for choice in STATUS.choices:
            chosen = [c for c in by_date if c.status == choice.value]
            self.paginated(
                status_path(str(choice.value)),
                "list.html.j2",
                self.cards_of(chosen),
                {"title": f"Rated {choice.label}", "description": f"Claims rated {choice.label}. {choice.definition}", **listing},
                Origin(f"the list of claims rated {choice.label}"),
                intro=choice.definition,
                status=choice,
                crumbs=[*browse, ("browse/status/index.md", "Ratings")],
            )
        self.page(
            "browse/tags/index.md",
            "tags-index.html.j2",
            {"title": "Tags", "description": "Every topic, with its number of checks.", **listing},
            tags=[(tag, len(tagged)) for tag, tagged in sorted(tags.items())],
            crumbs=browse,
        )
        for tag, tagged in sorted(tags.items()):
            first = min(tagged, key=lambda c: c.id)
            self.paginated(
                tag_path(tag),
                "list.html.j2",
                self.cards_of(tagged),
                {"title": f"Tag: {tag}", "description": f"Claims tagged {tag}.", **listing},
                Origin(f"the page of tag {tag!r}", first.id, ("tags",)),
                intro=f"{len(tagged)} claim{'' if len(tagged) == 1 else 's'} tagged “{tag}”.",
                tag=tag,
                crumbs=[*browse, ("browse/tags/index.md", "Tags")],
            )
        scorecards = sorted(self.claimants, key=lambda g: (-len(g.claims), claimant_key(g.name), g.slug))
        self.paginated(
            "browse/claimants/index.md",
            "claimants-index.html.j2",
            [ClaimantSummary.of(g) for g in scorecards],
            {"title": "Claimants", "description": "Who made the claims we checked, and how their claims were rated.", **listing},
            Origin("the index of claimants"),
            pages=folder_page_paths,
            crumbs=browse,
        )
        for group in scorecards:
            self.paginated(
                group.path,
                "list.html.j2",
                self.cards_of(sorted(group.claims, key=lambda c: (c.date, c.id), reverse=True)),
                {"title": group.name, "description": f"Claims by {group.name} that we checked, and how they were rated.", **listing},
                Origin(f"the page of claimant {group.name!r}", group.claims[0].id, ("claimant", "name")),
                intro="",
                group=ClaimantSummary.of(group),
                crumbs=[*browse, ("browse/claimants/index.md", "Claimants")],
            )
        timeline = sorted(self.claims, key=lambda c: (c.date, c.id))
        self.paginated(
            "browse/timeline.md",
            "timeline.html.j2",
            self.cards_of(timeline),
            {"title": "Timeline", "description": "Claims in the order they were made.", **listing},
            Origin("the timeline"),
            crumbs=browse,
        )
        thin = sorted(sourcereport.single_origin_claims(self.claims), key=lambda c: (c.date, c.id), reverse=True)
        self.paginated(
            "browse/sources.md",
            "sources.html.j2",
            [PublisherSummary.of(p, self.cards) for p in _sources(self.claims)],
            {"title": "Sources", "description": "Every publisher cited, what it repeats, and where evidence is thin.", **listing},
            Origin("the list of sources"),
            crumbs=browse,
            thin=[(self.cards[c.id], sourcereport.supporting_origin(c)) for c in thin[:SHOWN_PER_SOURCE]],
            thin_count=len(thin),
            shown=SHOWN_PER_SOURCE,
            thin_page=THIN_PAGE,
        )
        self.paginated(
            THIN_PAGE,
            "list.html.j2",
            self.cards_of(thin),
            {
                "title": "Claims resting on a single supporting origin",
                "description": "Rated claims whose supporting evidence comes from one independent origin or none, newest first.",
                **listing,
            },
            Origin("the list of claims resting on a single supporting origin"),
            heading="Resting on a single supporting origin",
            intro="Rated claims whose supporting evidence comes from one independent origin or none, newest first.",
            crumbs=[*browse, ("browse/sources.md", "Sources")],
        )
        log = [(h, c, i + 1) for c in self.claims for i, h in enumerate(c.history)]
        log.sort(key=lambda row: (row[0].date, row[1].id, row[2]), reverse=True)
        self.paginated(
            "browse/corrections.md",
            "corrections-log.html.j2",
            log,
            {"title": "Corrections log", "description": "Every rating change and correction, newest first.", **listing},
            Origin("the corrections log"),
            crumbs=browse,
        )


def _ticks(text: str) -> Markup:
    """Our own docs' `code` spans as <code>, the rest escaped (for model docs shown in HTML)."""
    parts = str(text).split("`")
    return Markup("".join(str(escape(p)) if i % 2 == 0 else f"<code>{escape(p)}</code>" for i, p in enumerate(parts)))


def _lift_front_matter(body: str, meta: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A Markdown template that still writes its own front matter: take its values, keep one block."""
    found = _FRONT_MATTER.match(body.lstrip("\n"))
    if not found:
        return body, meta
    own = yaml.safe_load(found[1]) or {}
    return body.lstrip("\n")[found.end() :], {**meta, **{k: v for k, v in own.items() if isinstance(v, str | list)}}


def claimant_path(name: str) -> str:
    return f"browse/claimants/{claimant_slug(name)}.md"


def _tally(claims: Sequence[Claim]) -> dict[str | int, int]:
    found = Counter(c.status for c in claims)
    return {choice.value: found[choice.value] for choice in STATUS.choices}


Publisher = sourcereport.Publisher


def _sources(claims: list[Claim]) -> list[Publisher]:
    """Every publisher cited (as a claim's source or as evidence), with what it repeats and the claims citing it."""
    return sourcereport.publishers(claims)


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
