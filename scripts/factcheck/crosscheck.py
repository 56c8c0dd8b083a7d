"""Cross-claim consistency: one fact, one record.

The same page cited in several claim files must be described the same way in
each (publisher, title, date, and the origin it repeats); the same claimant
must be the same kind of party with the same identifying address. Three
sourcing rules apply within each claim: an item cannot "derive from" its own
publisher; a quote or title with a wire dateline credit ("(Reuters)") needs a
`derives_from`; the claim's own source page, or anything from its publisher,
cannot be `supports`. These rules catch what a database of claims typed by
hand gets wrong: one page labelled three ways, wire copy counted as
independent in one file and not in another. ``check`` (the rules across
files) is called from ``rules.check_all``, the three sourcing rules
(``PER_CLAIM``) from ``rules.check_file``; the methodology page states the
same rules.

Record values are compared exactly, after NFC and whitespace normalisation; a
value given in one file and left out in another is a difference.

Addresses are compared after ``url_key``: scheme-insensitive (``http`` and
``https`` name the same page), host lower-cased, default port, fragment,
trailing slash and ``utm_*`` tracking parameters dropped, query parameters
sorted. ``www.`` and other sub-domains are kept: ``m.example.org`` may serve
another page than ``www.example.org``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from .load import Loaded
from .model import Claim, normalise_origin
from .problems import Problem
from .yamlread import PathKey

# The fields that describe a page; the same address must carry the same values everywhere.
RECORD_FIELDS = ("publisher", "title", "date", "derives_from")
_DEFAULT_PORTS = {"http": 80, "https": 443}


@functools.lru_cache(maxsize=1 << 17)  # a page is cited by many claims: each address is parsed once
def url_key(url: str) -> str:
    """The address as compared across claims (see the module docstring for what is ignored)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith("utm_"))
    return f"{host}{path}" + (f"?{urlencode(query)}" if query else "")


@dataclass(frozen=True)
class Citation:
    """One use of an address in one claim file: where it stands and how it is described."""

    item: Loaded
    where: PathKey  # ("source",) or ("corroboration", i)
    url: str
    values: tuple[tuple[str, str | None], ...]  # (field, value) for RECORD_FIELDS that apply

    @property
    def line(self) -> int:
        return self.item.doc.line((*self.where, "url"))

    def value(self, name: str) -> str | None:
        return dict(self.values).get(name)

    def fields(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.values)


Values = tuple[tuple[str, str | None], ...]  # (field, value) for the RECORD_FIELDS that apply
AddressRecord = tuple[str, PathKey, str, Values]  # (url_key, where, url, values)


def address_records(claim: Claim) -> tuple[AddressRecord, ...]:
    """Every source and evidence address of one claim, in file order, as the cross-claim check compares it."""
    source = claim.source
    records: list[AddressRecord] = [
        (
            url_key(source.url),
            ("source",),
            source.url,
            (("publisher", _clean(source.publisher)), ("title", _clean(source.title)), ("date", source.date)),
        )
    ]
    for i, ev in enumerate(claim.corroboration):
        records.append((url_key(ev.url), ("corroboration", i), ev.url, tuple((name, _clean(getattr(ev, name))) for name in RECORD_FIELDS)))
    return tuple(records)


def _addresses(item: Loaded) -> tuple[AddressRecord, ...]:
    """The claim's address records: kept with it when it was checked (and cached), else worked out now."""
    assert item.claim is not None
    return item.addresses if item.addresses is not None else address_records(item.claim)


def citations(items: list[Loaded], keys: set[str] | None = None) -> Iterator[tuple[str, Citation]]:
    """Every source and evidence address of every loaded claim (only those in ``keys`` if given), in file order."""
    for item in items:
        if item.claim is None:
            continue
        for key, where, url, values in _addresses(item):
            if keys is None or key in keys:
                yield key, Citation(item, where, url, values)


def by_address(items: list[Loaded], keys: set[str] | None = None) -> dict[str, list[Citation]]:
    """Citations grouped by ``url_key``, first use of each address in each file only."""
    groups: dict[str, list[Citation]] = {}
    files: dict[str, set[int]] = {}  # address -> ids of the files already in its group (linear in citations)
    for key, cite in citations(items, keys):
        seen = files.setdefault(key, set())
        if id(cite.item) not in seen:  # a second use in one file is the duplicate-evidence rule's job
            seen.add(id(cite.item))
            groups.setdefault(key, []).append(cite)
    return groups


def _differing_addresses(items: list[Loaded]) -> set[str]:
    """The addresses some citation describes with other values than the first one does: the only groups
    worth a closer look (one pass over the records, nothing built for the addresses that agree)."""
    first: dict[str, Values] = {}
    differing: set[str] = set()
    for item in items:
        if item.claim is None:
            continue
        for key, _where, _url, values in _addresses(item):
            seen = first.setdefault(key, values)
            if seen is not values and seen != values:
                differing.add(key)
    return differing


def same_address_same_record(items: list[Loaded]) -> Iterator[Problem]:
    """One problem per file whose description of a shared address differs from another file's."""
    for group in by_address(items, _differing_addresses(items)).values():
        if len(group) < 2 or _all_agree(group):  # e.g. a source and an item that say the same, one without derives_from
            continue
        for cite in group:
            others = [c for c in group if c is not cite]
            differing = [name for name in cite.fields() if any(name in o.fields() and o.value(name) != cite.value(name) for o in others)]
            if not differing:
                continue
            details = []
            for name in differing:
                elsewhere = ", ".join(
                    f"{_shown(o.value(name))} in {o.item.display}:{o.item.doc.line((*o.where, name))}" for o in others if name in o.fields()
                )
                details.append(f"`{name}` is {_shown(cite.value(name))} here; elsewhere {elsewhere}")
            yield cite.item.problem(
                (*cite.where, differing[0]),
                f"this address is described differently in other claim files: {'; '.join(details)}",
                "One page, one record: check the page, then give it the same publisher, title, date and derives_from in every "
                f"file listed (with a `history` entry where a published check changes). Once they agree, `claims.py cite {cite.url}` "
                "prints the record to paste into new claims.",
            )


def _all_agree(group: list[Citation]) -> bool:
    """Whether every citation that has a field gives it the same value (then no file differs from another)."""
    values: dict[str, set[str | None]] = {}
    for cite in group:
        for name, value in cite.values:
            values.setdefault(name, set()).add(value)
    return all(len(found) == 1 for found in values.values())


def same_claimant_same_identity(items: list[Loaded]) -> Iterator[Problem]:
    """A claimant named in several files must have the same type and url in each (reported against the first file seen)."""
    first: dict[str, Loaded] = {}
    for item in items:
        claim = item.claim
        if claim is None:
            continue
        key = normalise_origin(claim.claimant.name)
        if key not in first:
            first[key] = item
            continue
        seen = first[key]
        assert seen.claim is not None
        for name in ("type", "url"):
            mine, theirs = getattr(claim.claimant, name), getattr(seen.claim.claimant, name)
            if mine != theirs:
                yield item.problem(
                    ("claimant", name),
                    f"claimant `{claim.claimant.name}` has {name} {_shown(mine)} here but {_shown(theirs)} in "
                    f"{seen.display}:{seen.doc.line(('claimant', name))}",
                    "The same claimant is the same party in every claim: use one type and one identifying url.",
                )


def derives_from_is_another_origin(item: Loaded, claim: Claim) -> Iterator[Problem]:
    """``derives_from`` names what an item repeats; naming its own publisher is a contradiction."""
    for i, ev in enumerate(claim.corroboration):
        if ev.derives_from and normalise_origin(ev.derives_from) == normalise_origin(ev.publisher):
            yield item.problem(
                ("corroboration", i, "derives_from"),
                f"`derives_from` names the item's own publisher ({ev.publisher})",
                "Leave `derives_from` out for first-hand reporting; set it only to the other outlet or agency whose copy the item repeats.",
            )


# A wire credit in a dateline, e.g. "KYIV, Feb 22, 2024 (AFP) -" or "SEOUL (Reuters) -": the text is that agency's copy.
WIRE_CREDITS = {
    "Reuters": "Reuters",
    "AFP": "AFP",
    "AP": "Associated Press",
    "Yonhap": "Yonhap News Agency",
    "dpa": "dpa",
    "APP": "APP",
    "Xinhua": "Xinhua",
    "Kyodo": "Kyodo News",
    "AA": "Anadolu Agency",
    "TASS": "TASS",
    "PTI": "PTI",
    "KUNA": "Kuwait News Agency (KUNA)",
}
_WIRE_CREDIT = re.compile(r"\((" + "|".join(map(re.escape, WIRE_CREDITS)) + r")\)")


def wire_copy_names_its_origin(item: Loaded, claim: Claim) -> Iterator[Problem]:
    """A quote or title carrying a wire dateline credit, such as "(Reuters)", is that agency's copy: it needs `derives_from`."""
    for i, ev in enumerate(claim.corroboration):
        if ev.derives_from:
            continue
        for name in ("quote", "title"):
            found = _WIRE_CREDIT.search(getattr(ev, name) or "")
            if found and normalise_origin(ev.publisher) != normalise_origin(WIRE_CREDITS[found[1]]):
                agency = WIRE_CREDITS[found[1]]
                yield item.problem(
                    ("corroboration", i, name),
                    f"the {name} carries the wire credit `{found[0]}`, so the item is {agency} copy, but it has no `derives_from`",
                    f"Add `derives_from: {agency}` so the item counts with {agency}, not as an independent origin.",
                )
                break


def own_source_is_not_support(item: Loaded, claim: Claim) -> Iterator[Problem]:
    """The page where the claim appeared (or anything repeating its publisher) cannot corroborate the claim."""
    source_key, source_origin = url_key(claim.source.url), normalise_origin(claim.source.publisher)
    for i, ev in enumerate(claim.corroboration):
        if ev.stance != "supports":
            continue
        if url_key(ev.url) == source_key:
            why = "is the claim's own source page"
        elif ev.origin == source_origin:
            why = f"comes from the claim's own source ({claim.source.publisher})"
        else:
            continue
        yield item.problem(
            ("corroboration", i, "stance"),
            f"this item {why}; a source cannot corroborate itself",
            "Mark it `stance: context`. Do the same for a dispatch the source rewrote (which the validator cannot detect).",
        )


PER_CLAIM = (derives_from_is_another_origin, wire_copy_names_its_origin, own_source_is_not_support)


def check(items: list[Loaded]) -> list[Problem]:
    """Every cross-claim consistency problem among ``items``. The per-claim sourcing rules of this module
    (``PER_CLAIM``) run with the other single-claim rules (``rules.check_file``), so a cached claim skips them."""
    problems = list(same_address_same_record(items))
    problems += same_claimant_same_identity(items)
    return problems


def _clean(value: str | None) -> str | None:
    """The value as compared: NFC, whitespace collapsed. The same object when nothing changes, so a cached
    claim's address records share its strings instead of storing copies."""
    if not value:
        return None
    cleaned = " ".join(unicodedata.normalize("NFC", value).split())
    return value if cleaned == value else cleaned


def _shown(value: str | None) -> str:
    return f"`{value}`" if value else "absent"
