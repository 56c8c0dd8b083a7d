"""Golden files: the Markdown of a claim page, compared byte for byte.

The fixture claims live in ``tests/golden/*.yaml``; the expected page for each
is ``tests/golden/<id>.md``. ``full-claim.yaml`` uses every field of the model
(history, archive addresses, grades, ``derives_from``, ``related``) and text
that needs escaping; ``minimal-unverified.yaml`` has only the required fields.

When a template changes on purpose, run ``pytest tests/test_golden.py
--update-golden``: the expected files are rewritten from the current renderer
and each rewritten test is reported as *skipped* (never as passed), so a run
with the flag cannot be mistaken for a green one. Read the diff of the .md
files before committing them, then run the suite again without the flag.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TODAY
from factcheck.convert import model_fields
from factcheck.model import Claim
from factcheck.render import render_site
from factcheck.rules import validate
from factcheck.siteconfig import SiteConfig

GOLDEN = Path(__file__).parent / "golden"
FIXTURES = sorted(GOLDEN.glob("*.yaml"))
CONFIG = SiteConfig(
    site_name="Claim Check test site",
    site_url="https://example.org/factcheck/",
    description="Fixture site for the golden tests.",
    publisher="Test publisher",
)


@pytest.fixture(scope="module")
def fixture_claims() -> list[Claim]:
    items, problems = validate(FIXTURES, today=TODAY, root=GOLDEN)
    assert [p.format() for p in problems] == []
    return [i.claim for i in items if i.claim is not None]


@pytest.fixture(scope="module")
def rendered(fixture_claims: list[Claim]) -> dict[str, str | bytes]:
    return render_site(fixture_claims, CONFIG)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_claim_page_matches_golden_file(rendered: dict[str, str | bytes], fixture: Path, update_golden: bool) -> None:
    page = rendered[f"claims/{fixture.stem}.md"]
    actual = page.encode("utf-8") if isinstance(page, str) else page
    expected_path = GOLDEN / f"{fixture.stem}.md"
    if update_golden:
        expected_path.write_bytes(actual)
        pytest.skip(f"rewrote {expected_path.relative_to(GOLDEN.parent)}; check it by eye, then run without --update-golden")
    assert expected_path.is_file(), f"{expected_path.name} is missing: run pytest tests/test_golden.py --update-golden"
    expected = expected_path.read_bytes()
    if actual != expected:
        # Show the first differing line rather than two long blobs.
        for n, (a, e) in enumerate(zip(actual.decode().splitlines(), expected.decode().splitlines(), strict=False), start=1):
            assert a == e, f"{expected_path.name} line {n} differs (run with --update-golden if the change is intended)"
        assert actual == expected, f"{expected_path.name}: the pages differ in length (run with --update-golden if intended)"


def test_golden_pages_have_no_unexpected_extra_files() -> None:
    """Every expected .md has its fixture, so a renamed fixture cannot leave a stale golden file behind."""
    assert sorted(p.stem for p in GOLDEN.glob("*.md")) == sorted(p.stem for p in FIXTURES)


def _missing_fields(cls: type, data: Any, prefix: str = "") -> list[str]:
    """Model fields (walked through nested dataclasses and lists) that ``data`` never sets."""
    missing: list[str] = []
    for f, ftype in model_fields(cls):
        name = prefix + f.name
        values = [d[f.name] for d in data if f.name in d]
        if not values:
            missing.append(name)
            continue
        inner = ftype.item.base if ftype.item else ftype.base
        if dataclasses.is_dataclass(inner):
            nested = [v for value in values for v in (value if ftype.item else [value])]
            missing += _missing_fields(inner, nested, name + ("[]." if ftype.item else "."))
    return missing


def test_full_fixture_uses_every_field_of_the_model() -> None:
    data = yaml.safe_load((GOLDEN / "full-claim.yaml").read_text(encoding="utf-8"))
    assert _missing_fields(Claim, [data]) == []


def test_full_fixture_has_context_items_corrections_and_a_derived_origin(fixture_claims: list[Claim]) -> None:
    full = next(c for c in fixture_claims if c.id == "full-claim")
    assert {e.stance for e in full.corroboration} >= {"supports", "context"}
    assert {h.kind for h in full.history} == {"status", "correction"}
    assert len(full.origins()) < len(full.corroboration), "one item should derive from another's origin"


def test_rendering_the_same_claims_twice_gives_identical_pages(fixture_claims: list[Claim]) -> None:
    assert render_site(fixture_claims, CONFIG) == render_site(list(reversed(fixture_claims)), CONFIG)


@pytest.mark.parametrize("claim_id", ["full-claim", "minimal-unverified"])
def test_about_this_check_is_one_list_item_per_line(rendered: dict[str, str | bytes], claim_id: str) -> None:
    page = rendered[f"claims/{claim_id}.md"]
    assert isinstance(page, str)
    section = page.split("## About this check\n", 1)[1].strip().splitlines()
    labels = ["**Rating:**", "**First published:**", "Spotted an error?"]
    if claim_id == "full-claim":
        labels += ["**Tags:**", "**Related:**"]
    assert all(line.startswith("- ") for line in section), section
    for label in labels:
        [line] = [line for line in section if label in line]
        assert line.startswith(f"- {label}"), f"{label} is not at the start of its own list item: {line[:120]}"
