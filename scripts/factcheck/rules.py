"""Stage 2: the consistency rules a fact-checker would want.

Shape and types are checked while loading (``convert.py``); the rules here
look at a whole claim, and at all claims together.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from . import crosscheck
from .load import Loaded, load_file
from .model import MIN_ORIGINS, NOT_ESTABLISHED, Claim
from .problems import Problem

Rule = Callable[[Loaded, Claim], Iterator[Problem]]
RULES: list[Rule] = []


def rule(func: Rule) -> Rule:
    RULES.append(func)
    return func


@rule
def id_matches_file_name(item: Loaded, claim: Claim) -> Iterator[Problem]:
    if claim.id != item.path.stem:
        yield item.problem(
            ("id",),
            f"id `{claim.id}` differs from the file name `{item.path.name}`",
            f"Rename the file to {claim.id}.yaml, or set `id: {item.path.stem}`.",
        )


@rule
def evidence_backs_the_rating(item: Loaded, claim: Claim) -> Iterator[Problem]:
    status, needs = claim.status, claim.rating.needs
    if needs is None:
        return
    hint = f"A `{status}` rating needs {claim.rating.rule}. Add evidence, or rate it `{NOT_ESTABLISHED}`."
    origins = claim.origins()
    if len(origins) < MIN_ORIGINS:
        yield item.problem(("status",), f"`{status}` rests on {_count(len(origins), 'independent origin')}", hint)
    for stance, minimum in needs:
        have = len(claim.origins(stance))
        if have < minimum:
            yield item.problem(("status",), f"`{status}` needs {minimum} independent origin(s) that {stance[:-1]}, found {have}", hint)


@rule
def dates_are_in_order(item: Loaded, claim: Claim) -> Iterator[Problem]:
    if claim.source.date and _before(claim.source.date, claim.date):
        yield item.problem(
            ("date",),
            f"the claim is dated {claim.date}, after its source was published ({claim.source.date})",
            "`date` is when the claimant made the claim; it cannot be later than the source.",
        )
    if _before(claim.reviewed, claim.date):
        yield item.problem(("reviewed",), f"reviewed {claim.reviewed}, before the claim was made ({claim.date})", "Check both dates.")
    if claim.published and _before(claim.published, claim.date):
        yield item.problem(
            ("published",),
            f"published {claim.published}, before the claim was made ({claim.date})",
            "`published` is when this check first appeared; a claim cannot be checked before it was made.",
        )
    for i, entry in enumerate(claim.history):
        if _before(entry.date, claim.first_published):
            yield item.problem(
                ("history", i, "date"),
                f"dated {entry.date}, before the check was first published ({claim.first_published})",
                "History records changes to a published check; check the date, or `published`.",
            )
    if claim.published and claim.published > claim.reviewed:
        yield item.problem(
            ("published",),
            f"published {claim.published}, after the last review ({claim.reviewed})",
            "`reviewed` is the latest review; it cannot precede first publication.",
        )
    for i, ev in enumerate(claim.corroboration):
        if ev.date and _before(ev.accessed, ev.date):
            yield item.problem(
                ("corroboration", i, "accessed"), f"accessed {ev.accessed}, before the item was published ({ev.date})", "Check both dates."
            )


@rule
def evidence_is_not_listed_twice(item: Loaded, claim: Claim) -> Iterator[Problem]:
    first: dict[str, int] = {}
    for i, ev in enumerate(claim.corroboration):
        key = ev.url.rstrip("/")
        if key in first:
            yield item.problem(
                ("corroboration", i, "url"), f"the same address is already item {first[key]}", "List each piece of evidence once."
            )
        first.setdefault(key, i)


@rule
def tags_and_related_are_unique(item: Loaded, claim: Claim) -> Iterator[Problem]:
    for name in ("tags", "related"):
        values: tuple[str, ...] = getattr(claim, name)
        for value, count in Counter(values).items():
            if count > 1:
                yield item.problem((name, values.index(value)), f"`{value}` is listed {count} times", "List it once.")
    if claim.id in claim.related:
        yield item.problem(("related", claim.related.index(claim.id)), "a claim cannot be related to itself", "Remove its own id.")


@rule
def history_tells_the_rating_story(item: Loaded, claim: Claim) -> Iterator[Problem]:
    dates = [h.date for h in claim.history]
    for i in range(1, len(dates)):
        if dates[i] < dates[i - 1]:
            yield item.problem(("history", i, "date"), "history entries must be oldest first", "Order the entries by date.")
    for i, entry in enumerate(claim.history):
        if (entry.kind == "status") != (entry.status is not None):
            yield item.problem(
                ("history", i, "status"),
                "a `status` entry needs the new `status`; other kinds must not have one",
                "Use kind: status with status: <new rating> for a rating change.",
            )
        if entry.date > claim.reviewed:
            yield item.problem(
                ("history", i, "date"),
                f"dated {entry.date}, after the last review ({claim.reviewed})",
                "Set `reviewed` to the date of the latest change.",
            )
    changes = [(i, h) for i, h in enumerate(claim.history) if h.kind == "status" and h.status is not None]
    if changes and changes[-1][1].status != claim.status:
        i, last = changes[-1]
        yield item.problem(
            ("status",),
            f"the latest rating change in `history` is to `{last.status}`, but `status` is `{claim.status}`",
            "Record every rating change in `history` with its reason.",
        )


@rule
def rated_claims_have_a_verdict(item: Loaded, claim: Claim) -> Iterator[Problem]:
    if claim.status != NOT_ESTABLISHED and not claim.verdict:
        yield item.problem(
            ("status",),
            f"a `{claim.status}` rating needs a `verdict`",
            "Add `verdict:` after `status:`: one or two plain sentences (at most 300 characters) saying what the check found, "
            "using only what the summary establishes.",
        )


@rule
def quotes_carry_their_language(item: Loaded, claim: Claim) -> Iterator[Problem]:
    quoted = [(("source",), claim.source)] + [(("corroboration", i), ev) for i, ev in enumerate(claim.corroboration)]
    for where, part in quoted:
        if part.translation and not part.lang:
            yield item.problem(
                (*where, "translation"),
                "a `translation` needs the `lang` of the quote it translates",
                "Set `lang:` to the quote's language (BCP 47: ko, ru, uk, de, fr...), or remove `translation` if the quote is in English.",
            )
        elif part.lang and not _is_english(part.lang) and not part.translation:
            yield item.problem(
                (*where, "lang"),
                f"the quote is in `{part.lang}` but has no English `translation`",
                "Add `translation:` with the site's own faithful English translation of exactly that quote (shown labelled as ours).",
            )
        elif not part.lang and part.quote and _mostly_non_latin(part.quote):
            yield item.problem(
                (*where, "quote"),
                "the quote is mostly in a non-Latin script but has no `lang`; set `lang`",
                "Set `lang:` to the quote's language (BCP 47: ko, ru, uk, ja, zh...) and add an English `translation`.",
            )


@rule
def only_support_or_contradiction_establishes_something(item: Loaded, claim: Claim) -> Iterator[Problem]:
    for i, ev in enumerate(claim.corroboration):
        if ev.establishes and ev.stance == "context":
            yield item.problem(
                ("corroboration", i, "establishes"),
                "a `context` item establishes nothing about the claim",
                "Remove `establishes`, or change `stance` if the item does support or contradict the claim.",
            )


# The sourcing rules of crosscheck.py that look at one claim only run here too, with the claim's own file:
# a claim read back from the cache (checked clean before) skips them, as it skips the rules above.
RULES.extend(crosscheck.PER_CLAIM)


def _is_english(lang: str) -> bool:
    return lang.split("-")[0].lower() == "en"


def _mostly_non_latin(text: str) -> bool:
    """Whether most letters of ``text`` are outside the Latin script (Hangul, Cyrillic, CJK...)."""
    if text.isascii():
        return False  # ASCII letters are all Latin
    letters = other = 0
    for ch, n in Counter(text).items():  # each character looked at once, however often it occurs
        if ch.isalpha():
            letters += n
            if not _is_latin(ch):
                other += n
    return other * 2 > letters


@functools.cache
def _is_latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


_NOT_WORD = re.compile(r"\W+")


def comparable_text(statement: str) -> str:
    """A claim's statement as two claims are compared for being the same: case, spacing and punctuation ignored."""
    return _NOT_WORD.sub(" ", statement.casefold()).strip()


def check_all(items: list[Loaded]) -> list[Problem]:
    """Rules that need every claim: unique ids, related ids exist, no duplicated claims."""
    problems: list[Problem] = []
    claims = [i for i in items if i.claim]
    by_id: dict[str, Loaded] = {}
    by_text: dict[str, Loaded] = {}
    for item in claims:
        claim = item.claim
        assert claim is not None
        if claim.id in by_id:
            problems.append(
                item.problem(("id",), f"id `{claim.id}` is already used by {by_id[claim.id].display}", "Give each claim its own id.")
            )
        by_id.setdefault(claim.id, item)
        text = item.comparable if item.comparable is not None else comparable_text(claim.claim)
        if text in by_text:
            problems.append(
                item.problem(
                    ("claim",),
                    f"the same claim is already checked in {by_text[text].display}",
                    "Update that claim instead of adding a copy.",
                )
            )
        by_text.setdefault(text, item)
    known = {i.path.stem for i in items} | set(by_id)
    for item in claims:
        assert item.claim is not None
        for j, other in enumerate(item.claim.related):
            if other not in known:
                problems.append(item.problem(("related", j), f"no claim has the id `{other}`", "Use the id of an existing claim file."))
    problems += crosscheck.check(items)  # one page, one record; one claimant, one identity
    return problems


def validate(paths: list[Path], today: dt.date | None = None, root: Path | None = None) -> tuple[list[Loaded], list[Problem]]:
    """Load and check the claim files; return the loaded files and every problem found."""
    today = today or dt.date.today()
    items: list[Loaded] = []
    problems: list[Problem] = []
    for path in paths:
        item, found = check_file(path, today, root)
        items.append(item)
        problems += found
    problems += check_all(items)
    return items, sorted(set(problems))


def check_file(
    path: Path, today: dt.date, root: Path | None = None, on_bytes: Callable[[bytes], None] | None = None
) -> tuple[Loaded, list[Problem]]:
    """Load one claim file and apply every single-claim rule (the cross-claim ones are ``check_all``); ``on_bytes``: see ``load_file``."""
    item, problems = load_file(path, today, root, on_bytes)
    if item.claim is not None:
        for check in RULES:
            problems += check(item, item.claim)
    return item, problems


def _before(a: str, b: str) -> bool:
    """Whether partial date ``a`` is certainly before ``b`` (compared at their common precision)."""
    n = min(len(a), len(b))
    return a[:n] < b[:n]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
