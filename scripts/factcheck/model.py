"""The claim model, defined once.

Everything else follows from the dataclasses in this module: the loader
converts YAML into them field by field (``convert.py``), the JSON Schema for
editors is generated from them (``schema.py``), and the pages, the
methodology's rating table and the docs' field tables are rendered from them.

Each field carries its documentation in ``metadata["doc"]``; each string
field says what kind of text it holds with an ``Annotated`` marker (a date, a
URL, a slug, Markdown...). Add a field here and it appears everywhere.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Annotated, Any

# --------------------------------------------------------------------------
# Kinds of text. A field's annotation says which one it holds.


@dataclass(frozen=True)
class Kind:
    """What a string field holds; drives validation and the JSON Schema.

    ``pattern`` must match the *whole* value (``re.fullmatch``); ``max_length``
    counts characters after Unicode NFC normalisation; ``multiline`` says
    whether line breaks and tabs are allowed (see ``textpolicy.py`` for the
    characters no field accepts).
    """

    name: str
    pattern: str | None = None
    description: str = ""
    max_length: int = 300
    multiline: bool = False


LINE = Kind("line", description="one line of plain text", max_length=300)
SHORT = Kind("short", description="one or two sentences of plain text (at most 300 characters)", max_length=300)
TEXT = Kind("text", description="plain text; line breaks allowed", max_length=3000, multiline=True)
MARKDOWN = Kind("markdown", description="Markdown (no raw HTML; links must be http or https)", max_length=6000, multiline=True)
URL = Kind("url", pattern=r"https?://[^\s<>\"`{}|\\^]+", description="an http:// or https:// address", max_length=2000)
DATE = Kind("date", pattern=r"\d{4}-\d{2}-\d{2}", description="a date: YYYY-MM-DD", max_length=10)
PARTIAL_DATE = Kind(
    "partial-date",
    pattern=r"\d{4}(-\d{2}(-\d{2})?)?",
    description="a date as precise as known: YYYY-MM-DD, YYYY-MM or YYYY",
    max_length=10,
)
SLUG = Kind(
    "slug",
    pattern=r"[a-z0-9]+(-[a-z0-9]+)*",
    description="lowercase letters, digits and single hyphens, e.g. north-korea",
    max_length=80,
)
LANG = Kind(
    "lang",
    pattern=r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*",
    description="a BCP 47 language tag, e.g. en, ko, uk, ru, de, fr",
    max_length=35,
)

Line = Annotated[str, LINE]
Short = Annotated[str, SHORT]
Lang = Annotated[str, LANG]
Text = Annotated[str, TEXT]
Markdown = Annotated[str, MARKDOWN]
Url = Annotated[str, URL]
Date = Annotated[str, DATE]
PartialDate = Annotated[str, PARTIAL_DATE]
Slug = Annotated[str, SLUG]


# --------------------------------------------------------------------------
# Closed lists of values (rating scale, stances, Admiralty grades).


@dataclass(frozen=True)
class Choice:
    """One allowed value of a closed list, with what it means."""

    value: str | int
    label: str
    definition: str
    number: int | None = None  # for machine readers (ClaimReview ratingValue)
    # For ratings: the independent origins of each stance the validator requires
    # (on top of MIN_ORIGINS in all); None where a value asks for no evidence.
    needs: tuple[tuple[str, int], ...] | None = None

    @property
    def rule(self) -> str:
        """The evidence requirement in words, for the methodology page and hints."""
        if self.needs is None:
            return "none; the honest default while evidence is missing"
        each = " and ".join(f"at least {n} {_STANCE_WORDS[stance]}" for stance, n in self.needs)
        return f"evidence from at least {MIN_ORIGINS} independent origins; of these, {each}"


MIN_ORIGINS = 2  # every rating but the "not yet established" one rests on at least this many
_STANCE_WORDS = {"supports": "supporting", "contradicts": "contradicting"}


@dataclass(frozen=True)
class OneOf:
    """Annotation: the field takes one of these values."""

    name: str
    choices: tuple[Choice, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_value", {c.value: c for c in self.choices})  # asked for every claim, several times a run

    def get(self, value: object) -> Choice | None:
        try:
            return self._by_value.get(value)  # type: ignore[attr-defined]
        except TypeError:  # an unhashable value (a list where a word was expected) is no choice
            return None

    @property
    def values(self) -> tuple[str | int, ...]:
        return tuple(c.value for c in self.choices)


STATUS = OneOf(
    "status",
    (
        Choice(
            "confirmed",
            "Confirmed",
            "Established by evidence from at least two independent origins, ideally including a "
            "primary record; no credible evidence contradicts it.",
            5,
            needs=(("supports", 2),),
        ),
        Choice(
            "supported",
            "Supported",
            "The available evidence points to it being accurate, but part of it rests on one "
            "party's assertion or could not be checked independently.",
            4,
            needs=(("supports", 1),),
        ),
        Choice(
            "disputed",
            "Disputed",
            "Credible evidence or authoritative parties contradict each other; it cannot currently be rated accurate or false.",
            3,
            needs=(("supports", 1), ("contradicts", 1)),
        ),
        Choice(
            "misleading",
            "Misleading",
            "Contains accurate elements but misstates a number, date, attribution or context in a "
            "way that changes what a reader takes from it.",
            2,
            needs=(("contradicts", 1),),
        ),
        Choice(
            "false",
            "False",
            "Contradicted by the evidence.",
            1,
            needs=(("contradicts", 1),),
        ),
        Choice(
            "unverified",
            "Unverified",
            "Not yet established: we have not found sufficient evidence either way. Ratings change as evidence arrives.",
            None,
        ),
    ),
)

STANCE = OneOf(
    "stance",
    (
        Choice("supports", "Supports", "The item supports the claim."),
        Choice("contradicts", "Contradicts", "The item contradicts the claim."),
        Choice("context", "Context", "The item gives context without settling the claim."),
    ),
)

# Admiralty (NATO) system: the source and its information are graded apart.
RELIABILITY = OneOf(
    "reliability",
    (
        Choice("A", "Completely reliable", "No doubt of authenticity, trustworthiness or competency; a history of complete reliability."),
        Choice("B", "Usually reliable", "Minor doubt; a history of valid information most of the time."),
        Choice("C", "Fairly reliable", "Doubt; has provided valid information in the past."),
        Choice("D", "Not usually reliable", "Significant doubt; has provided valid information in the past."),
        Choice("E", "Unreliable", "Lacking in authenticity, trustworthiness and competency; a history of invalid information."),
        Choice("F", "Reliability cannot be judged", "No basis exists for evaluating the reliability of the source."),
    ),
)

CREDIBILITY = OneOf(
    "credibility",
    (
        Choice(
            1, "Confirmed by other sources", "Confirmed by other independent sources; logical in itself; consistent with other information."
        ),
        Choice(2, "Probably true", "Not confirmed; logical in itself; consistent with other information."),
        Choice(3, "Possibly true", "Not confirmed; reasonably logical in itself; agrees with some other information."),
        Choice(4, "Doubtful", "Not confirmed; possible but not logical; no other information on the subject."),
        Choice(5, "Improbable", "Not confirmed; not logical in itself; contradicted by other information."),
        Choice(6, "Truth cannot be judged", "No basis exists for evaluating the validity of the information."),
    ),
)

CLAIMANT_TYPE = OneOf(
    "type",
    (
        Choice("person", "Person", "A named individual."),
        Choice("organisation", "Organisation", "A government body, company, news outlet or other organisation."),
    ),
)

HISTORY_KIND = OneOf(
    "kind",
    (
        Choice("status", "Rating changed", "The rating changed; `status` gives the new rating."),
        Choice("correction", "Correction", "A factual error in the check was corrected."),
        Choice("update", "Update", "New evidence or wording was added without changing the rating."),
    ),
)

ESTABLISHES = OneOf(
    "establishes",
    (
        Choice("statement", "The statement was made", "The item shows that the claimant (or the source) said it, as reported."),
        Choice("event", "What it describes happened", "The item shows that what the statement describes actually happened."),
    ),
)

Status = Annotated[str, STATUS]
Stance = Annotated[str, STANCE]
Reliability = Annotated[str, RELIABILITY]
Credibility = Annotated[int, CREDIBILITY]
HistoryKind = Annotated[str, HISTORY_KIND]
Establishes = Annotated[str, ESTABLISHES]
ClaimantType = Annotated[str, CLAIMANT_TYPE]

NOT_ESTABLISHED = "unverified"


def doc(text: str, **extra: Any) -> dict[str, Any]:
    return {"doc": text, **extra}


# --------------------------------------------------------------------------
# The claim.


@dataclass(frozen=True)
class Claimant:
    """Who made the claim."""

    name: Line = field(metadata=doc("Who made the claim: a person or an organisation, as commonly named."))
    role: Line | None = field(
        default=None, metadata=doc("Their role and organisation where known, e.g. 'spokesman, US National Security Council'.")
    )
    type: ClaimantType = field(default="person", metadata=doc("person or organisation (schema.org Person / Organization)."))
    url: Url | None = field(
        default=None,
        metadata=doc("An address that identifies the claimant (official page or encyclopaedia entry); published as schema.org sameAs."),
    )


@dataclass(frozen=True)
class Source:
    """Where the claim appeared."""

    publisher: Line = field(metadata=doc("Who published the page or statement where the claim appeared."))
    url: Url = field(metadata=doc("Address of the page where the claim appeared."))
    quote: Text = field(metadata=doc("The claim as it appears there, word for word."))
    title: Line | None = field(default=None, metadata=doc("Title of the page, as published."))
    date: PartialDate | None = field(default=None, metadata=doc("When the page was published."))
    archive_url: Url | None = field(default=None, metadata=doc("Address of an archived copy of the page."))
    lang: Lang | None = field(default=None, metadata=doc("Language of the quote as a BCP 47 tag (e.g. ko, uk, de); leave out for English."))
    translation: Text | None = field(
        default=None,
        metadata=doc("The site's own English translation of a quote that is not in English; shown labelled as ours."),
    )


@dataclass(frozen=True)
class Evidence:
    """One item of corroborating, contradicting or contextual evidence."""

    publisher: Line = field(metadata=doc("Who published the item (outlet, institution, person)."))
    url: Url = field(metadata=doc("Address of the item."))
    stance: Stance = field(metadata=doc("What the item does to the claim: supports, contradicts or gives context."))
    accessed: Date = field(metadata=doc("When a fact-checker last checked the item (YYYY-MM-DD)."))
    title: Line | None = field(default=None, metadata=doc("Title of the item, as published."))
    date: PartialDate | None = field(default=None, metadata=doc("When the item was published."))
    derives_from: Line | None = field(
        default=None,
        metadata=doc(
            "The origin this item repeats, named as that origin's `publisher` would be (e.g. 'Reuters' for a site carrying Reuters copy). Items sharing an origin count once. Leave out for first-hand reporting or a primary record."
        ),
    )
    quote: Text | None = field(default=None, metadata=doc("The relevant passage of the item, word for word."))
    archive_url: Url | None = field(default=None, metadata=doc("Address of an archived copy of the item."))
    reliability: Reliability | None = field(
        default=None,
        metadata=doc("Admiralty grade of the source's reliability: A (completely reliable) to E (unreliable), F (cannot be judged)."),
    )
    credibility: Credibility | None = field(
        default=None,
        metadata=doc(
            "Admiralty grade of the information's credibility: 1 (confirmed by other sources) to 5 (improbable), 6 (cannot be judged)."
        ),
    )
    note: Text | None = field(default=None, metadata=doc("An editor's note on what the item shows."))
    lang: Lang | None = field(default=None, metadata=doc("Language of the quote as a BCP 47 tag (e.g. ko, uk, de); leave out for English."))
    translation: Text | None = field(
        default=None,
        metadata=doc("The site's own English translation of a quote that is not in English; shown labelled as ours."),
    )
    establishes: Establishes | None = field(
        default=None,
        metadata=doc(
            "What the item establishes: `statement` (that the claim was said, as reported) or `event` (that what it describes happened)."
        ),
    )

    @property
    def origin(self) -> str:
        """The origin this item counts towards: what it derives from, else its publisher."""
        return normalise_origin(self.derives_from or self.publisher)


@dataclass(frozen=True)
class HistoryEntry:
    """A dated change to a published check."""

    date: Date = field(metadata=doc("When the change was published (YYYY-MM-DD)."))
    kind: HistoryKind = field(metadata=doc("status (the rating changed), correction or update."))
    note: Text = field(metadata=doc("What changed and why."))
    status: Status | None = field(default=None, metadata=doc("For kind: status, the new rating."))


@dataclass(frozen=True)
class Claim:
    """One claim and its check."""

    id: Slug = field(metadata=doc("Identifier; equals the file name without .yaml, e.g. kirby-missiles-launched-january-6."))
    claim: Text = field(metadata=doc("The statement, as made."))
    claimant: Claimant = field(metadata=doc("Who made the claim."))
    date: PartialDate = field(metadata=doc("When the claimant made it: YYYY-MM-DD, or YYYY-MM / YYYY when only that is known."))
    source: Source = field(metadata=doc("Where the claim appeared, with the exact quote."))
    status: Status = field(metadata=doc("The rating, one value of the published scale."))
    summary: Markdown = field(metadata=doc("The reasoning in a few sentences: what is established, by whom, what remains unproven."))
    reviewed: Date = field(metadata=doc("When the check was last reviewed (YYYY-MM-DD)."))
    headline: Line | None = field(
        default=None,
        metadata=doc(
            "The claim in under 75 characters, without the rating; page title and ClaimReview claimReviewed. Defaults to `claim`."
        ),
    )
    verdict: Short | None = field(
        default=None,
        metadata=doc(
            "This claim's verdict in one or two plain sentences (at most 300 characters), shown first on its page, in listings, "
            "search results, the feed and ClaimReview. Required for every rating but `unverified`; no new facts beyond the summary."
        ),
    )
    corroboration: tuple[Evidence, ...] = field(
        default=(), metadata=doc("Evidence items that support, contradict or give context to the claim.")
    )
    tags: tuple[Slug, ...] = field(default=(), metadata=doc("Topics, as slugs, e.g. north-korea."))
    related: tuple[Slug, ...] = field(default=(), metadata=doc("Ids of related claims."))
    published: Date | None = field(default=None, metadata=doc("When the check was first published (YYYY-MM-DD). Defaults to `reviewed`."))
    history: tuple[HistoryEntry, ...] = field(default=(), metadata=doc("Dated status changes, corrections and updates, oldest first."))

    @property
    def title(self) -> str:
        return self.headline or " ".join(self.claim.split())

    @property
    def rating(self) -> Choice:
        choice = STATUS.get(self.status)
        assert choice is not None, "validated claims have a known status"
        return choice

    @property
    def first_published(self) -> str:
        return self.published or self.reviewed

    @property
    def last_updated(self) -> str:
        return max([self.reviewed, *(h.date for h in self.history)])

    def origins(self, stance: str | None = None) -> list[str]:
        """Independent origins among the evidence (optionally of one stance), in first-seen order."""
        seen: dict[str, None] = {}
        for item in self.corroboration:
            if stance is None or item.stance == stance:
                seen.setdefault(item.origin, None)
        return list(seen)

    def evidence(self, stance: str) -> list[Evidence]:
        return [item for item in self.corroboration if item.stance == stance]


@functools.lru_cache(maxsize=1 << 16)  # a few hundred publishers, compared hundreds of thousands of times
def normalise_origin(name: str) -> str:
    """Compare origin names ignoring case, spacing and a leading "The"."""
    words = name.casefold().split()
    return " ".join(words[1:] if len(words) > 1 and words[0] == "the" else words)
