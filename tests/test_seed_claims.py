"""Data honesty of the bundled claims in claims/.

The first case file is one Kyiv Post article, kept as text in seeds/. Every
claim sourced from it must quote it word for word; every rated claim must rest
on at least two independent origins.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import REPO
from factcheck.load import claim_files
from factcheck.model import NOT_ESTABLISHED, Claim
from factcheck.rules import validate
from factcheck.sanitize import is_http_url

SEED_URL = "https://kyivpost.com/post/38929"
SEED_TEXT = REPO / "seeds" / "000_6881012dfa7ffe4d.txt"
FILES = claim_files(REPO / "claims")


def words(text: str) -> str:
    """Whitespace runs made single spaces: YAML folding turns line breaks into spaces."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def loaded() -> tuple[list[Claim], list[str]]:
    items, problems = validate(FILES, today=dt.date.today(), root=REPO)
    return [i.claim for i in items if i.claim is not None], [p.format() for p in problems]


@pytest.fixture(scope="module")
def claims(loaded: tuple[list[Claim], list[str]]) -> list[Claim]:
    return loaded[0]


def test_every_bundled_claim_validates(loaded: tuple[list[Claim], list[str]]) -> None:
    claims, problems = loaded
    assert problems == []
    assert len(claims) == len(FILES)


def test_there_are_at_least_20_claims(claims: list[Claim]) -> None:
    assert len(claims) >= 20


def test_claims_sourced_from_the_seed_article_quote_it_verbatim(claims: list[Claim]) -> None:
    article = words(SEED_TEXT.read_text(encoding="utf-8"))
    seeded = [c for c in claims if c.source.url == SEED_URL]
    assert len(seeded) >= 20
    assert [c.id for c in seeded if words(c.source.quote) not in article] == []


def test_no_two_claims_share_an_id(claims: list[Claim]) -> None:
    ids = [c.id for c in claims]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert ids == [p.stem for p in FILES]


def test_no_two_claims_share_their_text(claims: list[Claim]) -> None:
    texts = [re.sub(r"\W+", " ", c.claim.casefold()).strip() for c in claims]
    assert sorted({t for t in texts if texts.count(t) > 1}) == []


def test_every_rated_claim_rests_on_two_independent_origins(claims: list[Claim]) -> None:
    thin = {c.id: c.origins() for c in claims if c.status != NOT_ESTABLISHED and len(c.origins()) < 2}
    assert thin == {}


def test_every_confirmed_claim_has_two_independent_supporting_origins(claims: list[Claim]) -> None:
    thin = {c.id: c.origins("supports") for c in claims if c.status == "confirmed" and len(c.origins("supports")) < 2}
    assert thin == {}


def test_every_evidence_and_source_url_is_http_or_https(claims: list[Claim]) -> None:
    urls = [(c.id, u) for c in claims for u in [c.source.url, c.source.archive_url, *(e.url for e in c.corroboration)] if u]
    urls += [(c.id, e.archive_url) for c in claims for e in c.corroboration if e.archive_url]
    assert [(cid, u) for cid, u in urls if not is_http_url(u)] == []


def test_every_related_id_points_at_a_bundled_claim(claims: list[Claim]) -> None:
    ids = {c.id for c in claims}
    assert [(c.id, r) for c in claims for r in c.related if r not in ids] == []
