"""Validation: every field check and every consistency rule, one test each.

Each test starts from ``valid_claim_text()`` (which validates cleanly), makes
one change, and checks the problems that change causes: their line, field,
message and, where the hint is the point, the hint. The command-line tests at
the end run ``scripts/claims.py`` in a subprocess on a temporary project.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from conftest import TODAY, check_files, check_text, formatted, line_of, make_project, run_cli, valid_claim_text
from factcheck.model import Claimant
from factcheck.problems import Problem

FILE = "claims/example-claim.yaml"
VALID = valid_claim_text()

SECOND_ITEM = """\
  - publisher: Second Paper
    url: https://second.example.com/article
    accessed: "2026-11-20"
    stance: supports
"""


def where(problems: list[Problem]) -> list[tuple[int, str, str]]:
    return [(p.line, p.field, p.message) for p in problems]


def edit(old: str, new: str, text: str = VALID) -> str:
    assert old in text, f"{old!r} is not in the claim text"
    return text.replace(old, new, 1)


def with_item(text: str, item: str) -> str:
    """Append one evidence item (indented YAML) to the end of corroboration."""
    return edit(SECOND_ITEM, SECOND_ITEM + item, text)


def test_the_base_claim_is_valid(tmp_path: Path) -> None:
    assert check_text(tmp_path, VALID) == []


# -- field checks ------------------------------------------------------------


def test_unknown_top_level_field_suggests_the_close_name_at_its_line(tmp_path: Path) -> None:
    text = VALID + "tgas: [north-korea]\n"
    [problem] = check_text(tmp_path, text)
    assert formatted([problem]) == [f"{FILE}:25: tgas: unknown field `tgas`"]
    assert problem.hint == "Did you mean `tags`?"


def test_unknown_nested_field_suggests_the_close_name_at_its_line(tmp_path: Path) -> None:
    [problem] = check_text(tmp_path, edit("  role:", "  rloe:"))
    assert formatted([problem]) == [f"{FILE}:5: claimant.rloe: unknown field `rloe`"]
    assert problem.hint == "Did you mean `role`?"


def test_unknown_field_with_no_close_name_lists_the_allowed_fields(tmp_path: Path) -> None:
    [problem] = check_text(tmp_path, edit("  role:", "  xyzzy:"))
    assert problem.message == "unknown field `xyzzy`"
    allowed = [f.name for f in dataclasses.fields(Claimant)]
    assert problem.hint == f"Allowed fields here: {', '.join(allowed)}."
    assert {"name", "role", "url"} <= set(allowed)


def test_misspelt_required_field_is_unknown_and_the_real_one_missing(tmp_path: Path) -> None:
    problems = check_text(tmp_path, edit("claimant:", "claimnt:"))
    assert where(problems) == [
        (1, "claimant", "required field is missing"),
        (3, "claimnt", "unknown field `claimnt`"),
    ]
    assert problems[1].hint == "Did you mean `claimant`?"


@pytest.mark.parametrize("field", ["claim", "summary", "reviewed"])
def test_missing_required_field(tmp_path: Path, field: str) -> None:
    text = "".join(line for line in VALID.splitlines(keepends=True) if not line.startswith(f"{field}:"))
    [problem] = check_text(tmp_path, text)
    assert (problem.field, problem.message) == (field, "required field is missing")
    assert problem.hint.startswith(f"Add `{field}:`")


def test_required_field_left_empty_is_reported_at_its_line(tmp_path: Path) -> None:
    [problem] = check_text(tmp_path, edit("summary: Two independent reports support the figure.", "summary:"))
    assert where([problem]) == [(13, "summary", "required field is empty")]


def test_missing_required_nested_field(tmp_path: Path) -> None:
    text = edit('    accessed: "2026-11-20"\n', "", VALID)
    [problem] = check_text(tmp_path, text)
    assert where([problem]) == [(15, "corroboration[0].accessed", "required field is missing")]


@pytest.mark.parametrize("bad", ["Example_Claim", "example--claim", "-example", "example claim", "exämple"])
def test_bad_slug_id_is_rejected_with_a_suggestion(tmp_path: Path, bad: str) -> None:
    [problem] = check_text(tmp_path, edit("id: example-claim", f'id: "{bad}"'))
    assert (problem.line, problem.field) == (1, "id")
    assert problem.message == f"`{bad}` is not lowercase letters, digits and single hyphens, e.g. north-korea"
    suggestion = re.search(r"e\.g\. `([^`]*)`", problem.hint)
    assert suggestion is not None
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", suggestion[1])


def test_bad_tag_slug_is_reported_at_the_tag(tmp_path: Path) -> None:
    text = VALID + "tags:\n  - north-korea\n  - North Korea\n"
    [problem] = check_text(tmp_path, text)
    assert (problem.line, problem.field) == (27, "tags[1]")
    assert "`north-korea`" in problem.hint


def test_id_must_equal_the_file_name(tmp_path: Path) -> None:
    [problem] = check_text(tmp_path, VALID, name="another-name.yaml")
    assert formatted([problem]) == ["claims/another-name.yaml:1: id: id `example-claim` differs from the file name `another-name.yaml`"]


def test_yml_suffix_is_flagged(tmp_path: Path) -> None:
    [problem] = check_text(tmp_path, VALID, name="example-claim.yml")
    assert problem.message == "claim files end in .yaml"
    assert problem.hint == "Rename it to example-claim.yaml."


@pytest.mark.parametrize(
    ("field_line", "value", "message"),
    [
        ('date: "2024-06-10"', "2024/06/10", "`2024/06/10` is not a date as precise as known: YYYY-MM-DD, YYYY-MM or YYYY"),
        ('date: "2024-06-10"', "10 June 2024", "`10 June 2024` is not a date as precise as known: YYYY-MM-DD, YYYY-MM or YYYY"),
        ('reviewed: "2026-11-20"', "2026-11", "`2026-11` is not a date: YYYY-MM-DD"),
        ('reviewed: "2026-11-20"', "2026-11-1", "`2026-11-1` is not a date: YYYY-MM-DD"),
    ],
)
def test_badly_written_date_is_rejected(tmp_path: Path, field_line: str, value: str, message: str) -> None:
    key = field_line.split(":")[0]
    [problem] = check_text(tmp_path, edit(field_line, f'{key}: "{value}"'))
    assert (problem.line, problem.field, problem.message) == (line_of(VALID, field_line), key, message)
    assert "YYYY-MM-DD" in problem.hint


@pytest.mark.parametrize("value", ["2024-02-30", "2023-02-29", "2024-13", "2024-00-10", "2024-06-31"])
def test_impossible_date_is_rejected(tmp_path: Path, value: str) -> None:
    [problem] = check_text(tmp_path, edit('date: "2024-06-10"', f'date: "{value}"'))
    assert (problem.line, problem.field) == (6, "date")
    assert problem.message.startswith(f"`{value}` is not a real date")


def test_leap_day_is_a_real_date(tmp_path: Path) -> None:
    assert check_text(tmp_path, edit('date: "2024-06-10"', 'date: "2024-02-29"')) == []


@pytest.mark.parametrize(
    ("field_line", "value", "line", "field"),
    [
        ('reviewed: "2026-11-20"', "2026-11-25", 23, "reviewed"),
        ('    accessed: "2026-11-20"', "2027-01-01", 17, "corroboration[0].accessed"),
        ('date: "2024-06-10"', "2027", 6, "date"),
        ('date: "2024-06-10"', "2026-12", 6, "date"),
    ],
)
def test_future_date_is_rejected(tmp_path: Path, field_line: str, value: str, line: int, field: str) -> None:
    problems = check_text(tmp_path, edit(field_line, field_line.replace(field_line.split('"')[1], value)))
    future = [p for p in problems if "in the future" in p.message]
    assert where(future) == [(line, field, f"`{value}` is in the future")]


def test_today_is_not_in_the_future(tmp_path: Path) -> None:
    assert check_text(tmp_path, edit('reviewed: "2026-11-20"', f'reviewed: "{TODAY.isoformat()}"')) == []


@pytest.mark.parametrize("value", ["2024-06", "2024"])
def test_partial_dates_are_accepted_where_allowed(tmp_path: Path, value: str) -> None:
    text = edit('date: "2024-06-10"', f'date: "{value}"')
    text = edit('  date: "2024-06-11"', f'  date: "{value}"', text)
    assert check_text(tmp_path, text) == []


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://files.example.org/report.pdf", "https://", "example.org/story", "https://news.example.org/a story"],
)
def test_source_url_must_be_http_or_https_with_a_host(tmp_path: Path, url: str) -> None:
    [problem] = check_text(tmp_path, edit("  url: https://news.example.org/story", f'  url: "{url}"'))
    assert (problem.line, problem.field) == (9, "source.url")
    assert f"`{url}`" in problem.message


@pytest.mark.parametrize("url", ["https://localhost/x", "http:///path-only", "https://:443/x"])
def test_url_without_a_real_host_name_is_rejected(tmp_path: Path, url: str) -> None:
    [problem] = check_text(tmp_path, edit("    url: https://first.example.org/report", f'    url: "{url}"'))
    assert (problem.line, problem.field) == (16, "corroboration[0].url")
    assert problem.message in (f"`{url}` has no valid host name", f"`{url}` is not an http:// or https:// address")


def test_archive_and_claimant_urls_are_checked_too(tmp_path: Path) -> None:
    text = edit("  role: spokeswoman, Example Ministry", '  role: spokeswoman, Example Ministry\n  url: "javascript:alert(1)"')
    text = edit(
        "    stance: supports\n  - publisher: Second",
        '    stance: supports\n    archive_url: "ftp://a.example.org/x"\n  - publisher: Second',
        text,
    )
    problems = check_text(tmp_path, text)
    assert [(p.line, p.field) for p in problems] == [(6, "claimant.url"), (20, "corroboration[0].archive_url")]


def test_status_given_as_a_list_or_a_mapping_is_a_located_problem(tmp_path: Path) -> None:
    for value in ("[confirmed]", "{rating: confirmed}"):
        problems = check_text(tmp_path, edit("status: confirmed", f"status: {value}"))
        assert [(p.line, p.field) for p in problems] == [(12, "status")], value


def test_status_outside_the_scale_suggests_the_close_value(tmp_path: Path) -> None:
    [problem] = check_text(tmp_path, edit("status: confirmed", "status: confimred"))
    assert formatted([problem]) == [f"{FILE}:12: status: `confimred` is not a valid status"]
    assert problem.hint.startswith("Did you mean `confirmed`? Use one of: confirmed, supported, disputed, misleading, false, unverified")


def test_stance_outside_its_list_is_rejected(tmp_path: Path) -> None:
    [problem] = check_text(tmp_path, edit("    stance: supports\n  - publisher: Second", "    stance: support\n  - publisher: Second"))
    assert (problem.line, problem.field, problem.message) == (18, "corroboration[0].stance", "`support` is not a valid stance")
    assert "Did you mean `supports`?" in problem.hint


def test_grades_must_be_on_the_admiralty_scales(tmp_path: Path) -> None:
    text = with_item(VALID, '    reliability: G\n    credibility: "2"\n')
    problems = check_text(tmp_path, text)
    assert where(problems) == [
        (23, "corroboration[1].reliability", "`G` is not a valid reliability"),
        (24, "corroboration[1].credibility", "`2` is not a valid credibility"),
    ]


def test_valid_grades_are_accepted(tmp_path: Path) -> None:
    assert check_text(tmp_path, with_item(VALID, "    reliability: B\n    credibility: 2\n")) == []


def test_one_line_field_with_a_line_break_is_rejected(tmp_path: Path) -> None:
    [problem] = check_text(tmp_path, edit("  name: Jane Example", "  name: |\n    Jane\n    Example"))
    assert where([problem]) == [(4, "claimant.name", "must be a single line")]


def test_list_field_given_a_single_value_is_rejected(tmp_path: Path) -> None:
    [problem] = check_text(tmp_path, VALID + "tags: north-korea\n")
    assert where([problem]) == [(25, "tags", "expected a list, got `north-korea`")]


def test_fill_in_placeholder_is_rejected(tmp_path: Path) -> None:
    [problem] = check_text(tmp_path, edit("  publisher: Example News", '  publisher: "FILL IN: who published the page"'))
    assert (problem.line, problem.field) == (8, "source.publisher")
    assert "FILL IN" in problem.message
    assert problem.hint == "Replace it with the real value."


@pytest.mark.parametrize(
    ("summary", "message"),
    [
        ("<script>alert(1)</script> Two reports.", "HTML (<script>) is not allowed"),
        ("See [this](javascript:alert(1)).", "link to `javascript:alert(1)` is not allowed"),
        ("See [this](JavaScript:alert(1)).", "link to `JavaScript:alert(1)` is not allowed"),
        ('<img src=x onerror="alert(1)"> Two reports.', "HTML (<img>) is not allowed"),
        ("<a href='https://example.org' onclick='alert(1)'>x</a>", "HTML (<a>) is not allowed"),
        ("Two reports. <!-- hidden -->", "HTML (an HTML comment) is not allowed"),
    ],
)
def test_summary_with_html_or_a_script_link_is_rejected(tmp_path: Path, summary: str, message: str) -> None:
    text = edit("summary: Two independent reports support the figure.", "summary: |\n  " + summary)
    problems = check_text(tmp_path, text)
    assert (13, "summary", message) in where(problems), formatted(problems)


def test_summary_markdown_with_http_links_is_accepted(tmp_path: Path) -> None:
    summary = "summary: |\n  **Two** reports support it: [Reuters](https://www.reuters.com/x) and `code`.\n\n  - one\n  - two"
    assert check_text(tmp_path, edit("summary: Two independent reports support the figure.", summary)) == []


def test_all_problems_of_a_file_are_reported_at_once(tmp_path: Path) -> None:
    text = edit("status: confirmed", "status: confimred")
    text = edit('date: "2024-06-10"', 'date: "2024-02-30"', text)
    text = edit("  role:", "  rloe:", text)
    problems = check_text(tmp_path, text)
    assert [(p.line, p.field) for p in problems] == [(5, "claimant.rloe"), (6, "date"), (12, "status")]


# -- rules on a whole claim -----------------------------------------------------


def test_confirmed_with_one_origin_is_rejected(tmp_path: Path) -> None:
    problems = check_text(tmp_path, edit(SECOND_ITEM, ""))
    assert where(problems) == [
        (12, "status", "`confirmed` needs 2 independent origin(s) that support, found 1"),
        (12, "status", "`confirmed` rests on 1 independent origin"),
    ]
    assert "unverified" in problems[0].hint


def test_confirmed_with_no_evidence_is_rejected(tmp_path: Path) -> None:
    text = edit("corroboration:\n", "", edit(SECOND_ITEM, ""))
    text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("    ") and not line.startswith("  - "))
    problems = check_text(tmp_path, text)
    assert (12, "status", "`confirmed` rests on 0 independent origins") in where(problems)


@pytest.mark.parametrize("derives_from", ["First Wire", "first  wire", "FIRST WIRE"])
def test_items_deriving_from_one_origin_count_once(tmp_path: Path, derives_from: str) -> None:
    text = edit(SECOND_ITEM, SECOND_ITEM + f"    derives_from: {derives_from}\n")
    problems = check_text(tmp_path, text)
    assert "`confirmed` rests on 1 independent origin" in [p.message for p in problems]


def test_two_items_deriving_from_the_same_third_origin_count_once(tmp_path: Path) -> None:
    text = edit("    stance: supports\n  - publisher: Second", "    stance: supports\n    derives_from: Reuters\n  - publisher: Second")
    text = edit(SECOND_ITEM, SECOND_ITEM + "    derives_from: reuters\n", text)
    problems = check_text(tmp_path, text)
    assert "`confirmed` rests on 1 independent origin" in [p.message for p in problems]


@pytest.mark.parametrize("publisher", ["First Wire", "first wire", "FIRST   Wire"])
def test_same_publisher_counts_once_whatever_its_case(tmp_path: Path, publisher: str) -> None:
    text = edit("  - publisher: Second Paper", f"  - publisher: {publisher}")
    problems = check_text(tmp_path, text)
    assert "`confirmed` rests on 1 independent origin" in [p.message for p in problems]


@pytest.mark.parametrize("status", ["false", "misleading"])
def test_false_and_misleading_need_a_contradicting_item(tmp_path: Path, status: str) -> None:
    problems = check_text(tmp_path, edit("status: confirmed", f'status: "{status}"'))
    assert where(problems) == [(12, "status", f"`{status}` needs 1 independent origin(s) that contradict, found 0")]


@pytest.mark.parametrize("status", ["false", "misleading"])
def test_false_and_misleading_with_contradicting_evidence_are_accepted(tmp_path: Path, status: str) -> None:
    text = edit("status: confirmed", f'status: "{status}"')
    text = edit(SECOND_ITEM, SECOND_ITEM.replace("stance: supports", "stance: contradicts"), text)
    assert check_text(tmp_path, text) == []


def test_disputed_needs_a_supporting_and_a_contradicting_origin(tmp_path: Path) -> None:
    text = edit("status: confirmed", "status: disputed")
    assert where(check_text(tmp_path, text)) == [(12, "status", "`disputed` needs 1 independent origin(s) that contradict, found 0")]
    both = edit(SECOND_ITEM, SECOND_ITEM.replace("stance: supports", "stance: contradicts"), text)
    assert check_text(tmp_path, both) == []
    only_against = edit("    stance: supports\n  - publisher: Second", "    stance: contradicts\n  - publisher: Second", both)
    assert where(check_text(tmp_path, only_against)) == [(12, "status", "`disputed` needs 1 independent origin(s) that support, found 0")]


def test_supported_accepts_one_supporting_and_one_context_origin(tmp_path: Path) -> None:
    text = edit("status: confirmed", "status: supported")
    text = edit(SECOND_ITEM, SECOND_ITEM.replace("stance: supports", "stance: context"), text)
    assert check_text(tmp_path, text) == []


def test_unverified_with_no_evidence_is_fine(tmp_path: Path) -> None:
    no_field = VALID.split("corroboration:")[0].replace("status: confirmed", "status: unverified") + 'reviewed: "2026-11-20"\n'
    assert check_text(tmp_path, no_field) == []
    empty_list = no_field.replace("reviewed:", "corroboration: []\nreviewed:")
    assert check_text(tmp_path, empty_list) == []


def test_duplicate_evidence_url_is_reported_at_the_second_item(tmp_path: Path) -> None:
    text = with_item(
        VALID,
        '  - publisher: Third Site\n    url: https://first.example.org/report/\n    accessed: "2026-11-20"\n    stance: context\n',
    )
    [problem] = check_text(tmp_path, text)
    assert (problem.line, problem.field) == (24, "corroboration[2].url")
    assert "already" in problem.message


def test_claim_made_after_its_source_was_published_is_rejected(tmp_path: Path) -> None:
    [problem] = check_text(tmp_path, edit('  date: "2024-06-11"', '  date: "2024-06-01"'))
    assert (problem.line, problem.field) == (6, "date")
    assert problem.message == "the claim is dated 2024-06-10, after its source was published (2024-06-01)"


def test_partial_dates_compare_at_their_common_precision(tmp_path: Path) -> None:
    text = edit('  date: "2024-06-11"', '  date: "2024-06"')
    assert check_text(tmp_path, text) == []


def test_review_before_the_claim_was_made_is_rejected(tmp_path: Path) -> None:
    text = edit('reviewed: "2026-11-20"', 'reviewed: "2024-06-01"')
    text = text.replace('accessed: "2026-11-20"', 'accessed: "2024-06-01"')
    [problem] = check_text(tmp_path, text)
    assert (problem.line, problem.field) == (23, "reviewed")
    assert problem.message == "reviewed 2024-06-01, before the claim was made (2024-06-10)"


def test_first_publication_after_the_last_review_is_rejected(tmp_path: Path) -> None:
    [problem] = check_text(tmp_path, VALID + 'published: "2026-11-21"\n')
    assert where([problem]) == [(25, "published", "published 2026-11-21, after the last review (2026-11-20)")]


def test_evidence_accessed_before_it_was_published_is_rejected(tmp_path: Path) -> None:
    [problem] = check_text(tmp_path, with_item(VALID, "").replace(SECOND_ITEM, SECOND_ITEM + '    date: "2026-11-21"\n'))
    assert where([problem]) == [(21, "corroboration[1].accessed", "accessed 2026-11-20, before the item was published (2026-11-21)")]


def test_tag_listed_twice_is_rejected(tmp_path: Path) -> None:
    [problem] = check_text(tmp_path, VALID + "tags: [north-korea, missiles, north-korea]\n")
    assert (problem.field, problem.message) == ("tags[0]", "`north-korea` is listed 2 times")


# -- history ------------------------------------------------------------------

HISTORY_BASE = edit('reviewed: "2026-11-20"', 'reviewed: "2026-11-20"\npublished: "2024-07-01"')


def history(*entries: str) -> str:
    return HISTORY_BASE + "history:\n" + "".join(entries)


def entry(date: str, kind: str, status: str | None = None, note: str = "Changed.") -> str:
    text = f'  - date: "{date}"\n    kind: {kind}\n    note: {note}\n'
    return text + (f"    status: {status}\n" if status else "")


def test_history_telling_the_rating_story_is_accepted(tmp_path: Path) -> None:
    text = history(entry("2024-07-01", "status", "unverified"), entry("2024-09-01", "update"), entry("2026-11-20", "status", "confirmed"))
    assert check_text(tmp_path, text) == []


def test_status_entry_needs_the_new_status(tmp_path: Path) -> None:
    text = history(entry("2024-07-01", "status"))
    problems = check_text(tmp_path, text)
    needs = [p for p in problems if p.field == "history[0].status"]
    assert [(p.line, p.message) for p in needs] == [
        (line_of(text, '  - date: "2024-07-01"'), "a `status` entry needs the new `status`; other kinds must not have one")
    ]
    assert not any("None" in p.message for p in problems), formatted(problems)


def test_non_status_entry_must_not_carry_a_status(tmp_path: Path) -> None:
    text = history(entry("2024-07-01", "correction", "confirmed"))
    problems = check_text(tmp_path, text)
    assert [(p.line, p.field) for p in problems] == [(line_of(text, "    status: confirmed"), "history[0].status")]


def test_last_status_entry_must_equal_the_status(tmp_path: Path) -> None:
    text = history(entry("2024-07-01", "status", "confirmed"), entry("2026-11-20", "status", "disputed"))
    problems = check_text(tmp_path, text)
    assert where(problems) == [(12, "status", "the latest rating change in `history` is to `disputed`, but `status` is `confirmed`")]


def test_history_must_be_oldest_first(tmp_path: Path) -> None:
    text = history(entry("2025-01-01", "update"), entry("2024-08-01", "correction"))
    problems = check_text(tmp_path, text)
    assert where(problems) == [(line_of(text, '"2024-08-01"'), "history[1].date", "history entries must be oldest first")]


def test_history_entry_after_the_last_review_is_rejected(tmp_path: Path) -> None:
    text = history(entry("2026-11-21", "update"))
    problems = check_text(tmp_path, text)
    assert where(problems) == [(line_of(text, '"2026-11-21"'), "history[0].date", "dated 2026-11-21, after the last review (2026-11-20)")]


def test_history_kind_outside_its_list_is_rejected(tmp_path: Path) -> None:
    text = history(entry("2024-07-01", "rating"))
    [problem] = check_text(tmp_path, text)
    assert (problem.field, problem.message) == ("history[0].kind", "`rating` is not a valid kind")


# -- rules across claims --------------------------------------------------------


def test_related_id_must_exist(tmp_path: Path) -> None:
    text = VALID + "related: [no-such-claim]\n"
    problems = check_text(tmp_path, text)
    assert formatted(problems) == [f"{FILE}:25: related[0]: no claim has the id `no-such-claim`"]


def test_related_id_of_another_file_is_accepted(tmp_path: Path) -> None:
    problems = check_files(
        tmp_path,
        {"example-claim.yaml": VALID + "related: [other-claim]\n", "other-claim.yaml": valid_claim_text("other-claim")},
    )
    assert problems == []


def test_claim_related_to_itself_is_rejected(tmp_path: Path) -> None:
    problems = check_text(tmp_path, VALID + "related: [example-claim]\n")
    assert where(problems) == [(25, "related[0]", "a claim cannot be related to itself")]


def test_duplicate_ids_across_files_are_reported_naming_both_files(tmp_path: Path) -> None:
    problems = check_files(
        tmp_path,
        {"example-claim.yaml": VALID, "example-claim-copy.yaml": valid_claim_text(claim="A different statement entirely.")},
    )
    duplicates = [p for p in problems if "is already used by" in p.message]
    assert len(duplicates) == 1, formatted(problems)
    [dup] = duplicates
    assert (dup.line, dup.field) == (1, "id")
    other = dup.message.rsplit(" ", 1)[1]
    assert {dup.file, other} == {"claims/example-claim.yaml", "claims/example-claim-copy.yaml"}
    assert ("claims/example-claim-copy.yaml", "id `example-claim` differs from the file name `example-claim-copy.yaml`") in [
        (p.file, p.message) for p in problems
    ]


def test_same_id_in_yaml_and_yml_files_is_a_duplicate(tmp_path: Path) -> None:
    problems = check_files(tmp_path, {"example-claim.yaml": VALID, "example-claim.yml": valid_claim_text(claim="Something else.")})
    messages = [(p.file, p.message) for p in problems]
    assert ("claims/example-claim.yml", "id `example-claim` is already used by claims/example-claim.yaml") in messages
    assert ("claims/example-claim.yml", "claim files end in .yaml") in messages


def test_two_files_with_the_same_claim_text_are_rejected(tmp_path: Path) -> None:
    statement = "Russia fired 40 Hwasong-11 missiles."
    problems = check_files(
        tmp_path,
        {
            "first-claim.yaml": valid_claim_text("first-claim", claim=statement),
            "second-claim.yaml": valid_claim_text("second-claim", claim="russia  fired 40 HWASONG 11 missiles!"),
        },
    )
    assert formatted(problems) == ["claims/second-claim.yaml:2: claim: the same claim is already checked in claims/first-claim.yaml"]


# -- the command line -------------------------------------------------------------


def three_problem_claim() -> str:
    text = edit("status: confirmed", "status: confimred")
    text = edit('date: "2024-06-10"', 'date: "2024-02-30"', text)
    return edit("  role:", "  rloe:", text)


def test_cli_validate_prints_file_line_field_message_and_exits_1(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"example-claim.yaml": three_problem_claim()})
    result = run_cli(root, "validate")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("claims/")]
    assert lines == [
        f"{FILE}:5: claimant.rloe: unknown field `rloe`",
        f"{FILE}:6: date: `2024-02-30` is not a real date (day is out of range for month)",
        f"{FILE}:12: status: `confimred` is not a valid status",
    ]
    assert "    hint: Did you mean `role`?" in result.stderr
    assert "3 problems in 1 file." in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_validate_in_github_actions_prints_error_annotations_with_lines(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"example-claim.yaml": three_problem_claim()})
    result = run_cli(root, "validate", env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    annotations = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("::error ")]
    assert [re.match(r"::error file=([^,]+),line=(\d+),title=([^:]+)::", a).groups() for a in annotations] == [  # type: ignore[union-attr]
        (FILE, "5", "claimant.rloe"),
        (FILE, "6", "date"),
        (FILE, "12", "status"),
    ]
    assert annotations[0].endswith("::unknown field `rloe` Hint: Did you mean `role`?")


def test_cli_validate_without_github_actions_prints_no_annotations(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"example-claim.yaml": three_problem_claim()})
    assert "::error" not in run_cli(root, "validate").stderr


def test_cli_validate_one_file_reports_only_that_file_but_resolves_related(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {
            "first-claim.yaml": valid_claim_text("first-claim") + "related: [second-claim]\n",
            "second-claim.yaml": valid_claim_text("second-claim"),
            "broken-claim.yaml": valid_claim_text("broken-claim", status="confimred"),
        },
    )
    result = run_cli(root, "validate", str(root / "claims" / "first-claim.yaml"))
    assert (result.returncode, result.stdout.strip()) == (0, "1 claim file valid.")
    assert "broken-claim" not in result.stdout + result.stderr


def test_cli_validate_one_file_reports_its_unknown_related_id(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {
            "first-claim.yaml": valid_claim_text("first-claim") + "related: [no-such-claim]\n",
            "broken-claim.yaml": valid_claim_text("broken-claim", status="confimred"),
        },
    )
    result = run_cli(root, "validate", str(root / "claims" / "first-claim.yaml"))
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("claims/")] == [
        "claims/first-claim.yaml:25: related[0]: no claim has the id `no-such-claim`"
    ]


def test_cli_validate_success_exits_0_with_a_count(tmp_path: Path) -> None:
    root = make_project(tmp_path, {f"claim-{n}.yaml": valid_claim_text(f"claim-{n}") for n in range(3)})
    result = run_cli(root, "validate")
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "3 claim files valid.", "")


def test_cli_validate_missing_file_exits_2(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    result = run_cli(root, "validate", str(root / "claims" / "nope.yaml"))
    assert result.returncode == 2
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr
