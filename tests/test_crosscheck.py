"""One fact, one record: the cross-claim rules of ``factcheck.crosscheck``.

Each rule is shown to report the file, the line and the field, and to stay
quiet when the claims agree. Fixtures are small valid claims (conftest's
``valid_claim_text``) with one thing changed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_files, formatted, line_of, valid_claim_text
from factcheck.crosscheck import url_key
from factcheck.problems import Problem

FIRST_ITEM = "    stance: supports\n  - publisher: Second Paper"


def with_first_item(text: str, extra: str) -> str:
    """Add YAML lines (indented as item fields) to the first evidence item."""
    return text.replace(FIRST_ITEM, f"    stance: supports\n{extra}  - publisher: Second Paper")


def claim(claim_id: str, extra: str = "", **changes: str) -> str:
    text = with_first_item(valid_claim_text(claim_id), extra) if extra else valid_claim_text(claim_id)
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def about(problems: list[Problem], word: str) -> list[Problem]:
    return [p for p in problems if word in p.message]


def test_same_address_with_different_derives_from_is_one_located_problem_per_file(tmp_path: Path) -> None:
    a = claim("claim-a", "    derives_from: Reuters\n")
    b = claim("claim-b", "    derives_from: RIA Novosti\n")
    problems = about(check_files(tmp_path, {"claim-a.yaml": a, "claim-b.yaml": b}), "described differently")
    line_a, line_b = line_of(a, "derives_from: Reuters"), line_of(b, "derives_from: RIA")
    assert [(p.file, p.line, p.field) for p in problems] == [
        ("claims/claim-a.yaml", line_a, "corroboration[0].derives_from"),
        ("claims/claim-b.yaml", line_b, "corroboration[0].derives_from"),
    ]
    assert f"`RIA Novosti` in claims/claim-b.yaml:{line_b}" in problems[0].message
    assert f"`Reuters` in claims/claim-a.yaml:{line_a}" in problems[1].message
    assert "claims.py cite https://first.example.org/report" in problems[0].hint


def test_every_file_sharing_a_conflicting_address_names_all_the_others(tmp_path: Path) -> None:
    files = {
        "claim-a.yaml": claim("claim-a", "    derives_from: Reuters\n"),
        "claim-b.yaml": claim("claim-b", "    derives_from: Reuters\n"),
        "claim-c.yaml": claim("claim-c", "    derives_from: AFP\n"),
    }
    problems = about(check_files(tmp_path, files), "described differently")
    assert sorted(p.file for p in problems) == ["claims/claim-a.yaml", "claims/claim-b.yaml", "claims/claim-c.yaml"]
    for p in problems:
        others = {f"claims/{name}" for name in files} - {p.file}
        assert all(other in p.message for other in others), p.message


def test_several_differing_fields_are_still_one_problem_per_file(tmp_path: Path) -> None:
    a = claim("claim-a", '    title: "Old title"\n    date: "2024-01-02"\n')
    b = claim("claim-b", '    title: "New title"\n    date: "2024-01-03"\n')
    problems = about(check_files(tmp_path, {"claim-a.yaml": a, "claim-b.yaml": b}), "described differently")
    assert len(problems) == 2
    assert problems[0].line == line_of(a, "Old title") and problems[0].field == "corroboration[0].title"
    assert "`title` is `Old title` here" in problems[0].message and "`date` is `2024-01-02` here" in problems[0].message


def test_a_missing_value_differs_from_a_given_one(tmp_path: Path) -> None:
    a = claim("claim-a", "    derives_from: Reuters\n")
    b = claim("claim-b")
    problems = about(check_files(tmp_path, {"claim-a.yaml": a, "claim-b.yaml": b}), "described differently")
    assert [p.file for p in problems] == ["claims/claim-a.yaml", "claims/claim-b.yaml"]
    assert "`derives_from` is absent here" in problems[1].message


def test_the_same_page_is_recognised_across_scheme_host_case_and_trailing_slash(tmp_path: Path) -> None:
    a = claim("claim-a", "    derives_from: Reuters\n")
    b = claim(
        "claim-b", "    derives_from: AFP\n", **{"url: https://first.example.org/report": "url: http://FIRST.Example.org/report/#top"}
    )
    problems = about(check_files(tmp_path, {"claim-a.yaml": a, "claim-b.yaml": b}), "described differently")
    assert len(problems) == 2


def test_a_claims_source_page_cited_as_evidence_elsewhere_must_match_it(tmp_path: Path) -> None:
    a = claim("claim-a")  # source: Example News, https://news.example.org/story
    b = claim(
        "claim-b",
        **{
            "  url: https://news.example.org/story": "  url: https://other.example.org/story",
            "url: https://first.example.org/report": "url: https://news.example.org/story",
        },
    )
    problems = about(check_files(tmp_path, {"claim-a.yaml": a, "claim-b.yaml": b}), "described differently")
    assert [(p.file, p.line, p.field) for p in problems] == [
        ("claims/claim-a.yaml", line_of(a, "publisher: Example News"), "source.publisher"),
        ("claims/claim-b.yaml", line_of(b, "publisher: First Wire"), "corroboration[0].publisher"),
    ]


def test_consistent_records_and_different_pages_raise_nothing(tmp_path: Path) -> None:
    same = '    title: "Same title"\n    derives_from: Reuters\n'
    a = claim("claim-a", same)
    b = claim("claim-b", same, **{"url: https://first.example.org/report": "url: http://first.example.org/report/"})
    c = claim("claim-c", "    derives_from: AFP\n", **{"url: https://first.example.org/report": "url: https://first.example.org/other"})
    assert formatted(check_files(tmp_path, {"claim-a.yaml": a, "claim-b.yaml": b, "claim-c.yaml": c})) == []


def test_a_source_page_cited_as_evidence_with_the_same_record_raises_nothing(tmp_path: Path) -> None:
    """A source has no derives_from and an evidence item may leave it out: they agree when every field
    both give is the same (the quick pass sees two different records and hands the address to the full one)."""
    a = claim("claim-a")  # source: Example News, https://news.example.org/story, dated 2024-06-11
    b = claim(
        "claim-b",
        '    date: "2024-06-11"\n',
        **{
            "  publisher: Example News\n  url: https://news.example.org/story": "  publisher: Other Daily\n  url: https://other.example.org/story",
            "- publisher: First Wire\n    url: https://first.example.org/report": "- publisher: Example News\n    url: https://news.example.org/story",
        },
    )
    assert formatted(check_files(tmp_path, {"claim-a.yaml": a, "claim-b.yaml": b})) == []


def test_the_same_claimant_must_keep_one_type_and_url(tmp_path: Path) -> None:
    a = claim("claim-a", **{"  role: spokeswoman, Example Ministry": "  role: spokeswoman\n  url: https://ministry.example.org/jane"})
    b = claim("claim-b", **{"  role: spokeswoman, Example Ministry": "  role: spokeswoman\n  type: organisation"})
    problems = about(check_files(tmp_path, {"claim-a.yaml": a, "claim-b.yaml": b}), "claimant `Jane Example`")
    assert [(p.file, p.line, p.field) for p in problems] == [
        ("claims/claim-b.yaml", line_of(b, "claimant:"), "claimant.url"),  # b has no url: the claimant's line
        ("claims/claim-b.yaml", line_of(b, "type: organisation"), "claimant.type"),
    ]
    assert f"claims/claim-a.yaml:{line_of(a, 'url: https://ministry')}" in problems[0].message
    assert "`organisation` here but `person` in claims/claim-a.yaml" in problems[1].message


def test_the_same_claimant_with_the_same_identity_is_fine(tmp_path: Path) -> None:
    assert formatted(check_files(tmp_path, {"claim-a.yaml": claim("claim-a"), "claim-b.yaml": claim("claim-b")})) == []


def test_derives_from_cannot_name_the_items_own_publisher(tmp_path: Path) -> None:
    text = claim("claim-a", "    derives_from: the first wire\n")
    problems = check_files(tmp_path, {"claim-a.yaml": text})
    assert formatted(problems) == [
        f"claims/claim-a.yaml:{line_of(text, 'derives_from')}: corroboration[0].derives_from: "
        "`derives_from` names the item's own publisher (First Wire)"
    ]


@pytest.mark.parametrize("where", ["quote", "title"])
def test_wire_copy_must_name_the_agency_it_repeats(tmp_path: Path, where: str) -> None:
    text = claim("claim-a", f'    {where}: "SEOUL, Jan 4 (Reuters) - The ministry said forty missiles were delivered."\n')
    problems = check_files(tmp_path, {"claim-a.yaml": text})
    assert [(p.line, p.field) for p in problems] == [(line_of(text, "(Reuters)"), f"corroboration[0].{where}")]
    assert "derives_from: Reuters" in problems[0].hint


def test_wire_copy_with_derives_from_or_from_the_agency_itself_is_fine(tmp_path: Path) -> None:
    quote = '    quote: "SEOUL, Jan 4 (Reuters) - The ministry said forty missiles were delivered."\n'
    labelled = claim("claim-a", quote + "    derives_from: Reuters\n")
    own = claim(
        "claim-b",
        quote,
        **{
            "  - publisher: First Wire\n    url: https://first.example.org/report": "  - publisher: Reuters\n    url: https://reuters.example.org/x"
        },
    )
    assert formatted(check_files(tmp_path, {"claim-a.yaml": labelled, "claim-b.yaml": own})) == []


def test_the_claims_own_source_cannot_support_it(tmp_path: Path) -> None:
    same_page = claim("claim-a", **{"url: https://first.example.org/report": "url: https://news.example.org/story/"})
    same_publisher = claim("claim-b", "    derives_from: Example News\n")
    problems = check_files(tmp_path, {"claim-a.yaml": same_page, "claim-b.yaml": same_publisher})
    own = about(problems, "cannot corroborate itself")
    stance_line = 18  # the first item's `stance` (conftest: lines 15-18)
    assert [(p.file, p.line, p.field) for p in own] == [
        ("claims/claim-a.yaml", stance_line, "corroboration[0].stance"),
        ("claims/claim-b.yaml", stance_line, "corroboration[0].stance"),
    ]


def test_the_claims_own_source_as_context_is_fine(tmp_path: Path) -> None:
    text = claim("claim-a", "    derives_from: Example News\n").replace(
        "    stance: supports\n    derives_from", "    stance: context\n    derives_from"
    )
    text = text.replace("status: confirmed", "status: unverified")
    assert about(check_files(tmp_path, {"claim-a.yaml": text}), "corroborate itself") == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.org/a", "http://example.org/a/"),
        ("https://EXAMPLE.org/a?x=1&y=2", "https://example.org/a?y=2&x=1"),
        ("https://example.org/a?utm_source=rss", "https://example.org/a#comments"),
        ("https://example.org:443/a", "https://example.org/a"),
    ],
)
def test_url_key_ignores_what_does_not_change_the_page(a: str, b: str) -> None:
    assert url_key(a) == url_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.org/a", "https://example.org/b"),
        ("https://www.example.org/a", "https://m.example.org/a"),
        ("https://example.org/view?id=1", "https://example.org/view?id=2"),
        ("https://example.org/A", "https://example.org/a"),
    ],
)
def test_url_key_keeps_what_identifies_the_page(a: str, b: str) -> None:
    assert url_key(a) != url_key(b)
