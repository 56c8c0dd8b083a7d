"""Reading claim YAML: the traps of YAML are reported at the line a contributor must fix.

Each test feeds a whole claim file through validation and checks the exact
``file:line: field: message`` line a contributor would see.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_text, formatted, load_valid, make_project, run_cli, valid_claim_text
from factcheck.yamlread import read

FILE = "claims/example-claim.yaml"


def only(problems):
    assert len(problems) == 1, formatted(problems)
    return problems[0]


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    text = valid_claim_text() + "id: example-claim\n"  # line 25 repeats line 1
    problem = only(check_text(tmp_path, text))
    assert problem.format().splitlines()[0] == f"{FILE}:25: id: duplicate key; `id` is already set on line 1"
    assert "only the last" in problem.hint


def test_duplicate_key_inside_a_nested_mapping_names_both_lines(tmp_path: Path) -> None:
    text = valid_claim_text().replace("  role: spokeswoman, Example Ministry\n", "  name: John Example\n")
    problem = only(check_text(tmp_path, text))
    assert formatted([problem]) == [f"{FILE}:5: claimant.name: duplicate key; `name` is already set on line 4"]


def test_duplicate_key_keeps_the_first_value_not_the_last() -> None:
    doc = read("id: first\nid: second\n")
    assert doc.data == {"id": "first"}


@pytest.mark.parametrize(
    ("original", "word", "line", "field"),
    [
        ("  name: Jane Example", "no", 4, "claimant.name"),
        ("  publisher: Example News", "yes", 8, "source.publisher"),
        ("summary: Two independent reports support the figure.", "off", 13, "summary"),
        ("  role: spokeswoman, Example Ministry", "On", 5, "claimant.role"),
    ],
)
def test_yaml11_boolean_where_text_is_expected_names_the_written_word(
    tmp_path: Path, original: str, word: str, line: int, field: str
) -> None:
    key = original.split(":")[0]
    text = valid_claim_text().replace(original, f"{key}: {word}")
    problem = only(check_text(tmp_path, text))
    first_line = formatted([problem])[0]
    assert first_line.startswith(f"{FILE}:{line}: {field}: `{word}` was read as ")
    assert "not as text" in first_line
    assert problem.hint == f'Put it in quotes: "{word}".'


def test_quoted_yaml11_word_is_plain_text(tmp_path: Path) -> None:
    text = valid_claim_text().replace("  name: Jane Example", '  name: "no"')
    assert load_valid(tmp_path, text).claimant.name == "no"


def test_yaml11_boolean_as_status_names_the_written_word(tmp_path: Path) -> None:
    text = valid_claim_text().replace("status: confirmed", "status: off")
    problem = only(check_text(tmp_path, text))
    assert formatted([problem])[0].startswith(f"{FILE}:12: status: `off`")
    assert "not a valid status" in problem.message


def test_unquoted_false_rating_gets_a_hint_to_quote_it(tmp_path: Path) -> None:
    text = valid_claim_text().replace("status: confirmed", "status: false")
    problems = [p for p in check_text(tmp_path, text) if p.field == "status" and "not a valid status" in p.message]
    assert len(problems) == 1, formatted(problems)
    assert 'status: "false"' in problems[0].hint


def test_unquoted_number_where_text_is_expected_keeps_what_was_written(tmp_path: Path) -> None:
    text = valid_claim_text().replace('  date: "2024-06-11"\n', '  date: "2024-06-11"\n  title: 1984\n')
    assert load_valid(tmp_path, text).source.title == "1984"


def test_unquoted_iso_dates_stay_the_text_written(tmp_path: Path) -> None:
    text = valid_claim_text().replace('date: "2024-06-10"', "date: 2024-06-10").replace('reviewed: "2026-11-20"', "reviewed: 2026-11-20")
    claim = load_valid(tmp_path, text)
    assert claim.date == "2024-06-10"
    assert claim.reviewed == "2026-11-20"
    assert read("date: 2024-01-02\n").data == {"date": "2024-01-02"}


def test_alias_is_rejected_at_the_line_of_the_alias(tmp_path: Path) -> None:
    text = (
        valid_claim_text()
        .replace("  name: Jane Example", "  name: &who Jane Example")
        .replace("  publisher: Example News", "  publisher: *who")
    )
    problems = check_text(tmp_path, text)
    assert [p for p in formatted(problems) if "alias" in p] == [
        f"{FILE}:8: source.publisher: anchors and aliases (&name, *name) are not allowed in claim files"
    ]


def test_alias_of_a_whole_mapping_is_rejected(tmp_path: Path) -> None:
    doc = read("a: &x\n  k: 1\nb: *x\n")
    assert [(field, "aliases" in message) for _, field, message, _ in doc.errors] == [("b", True)]
    assert doc.data["b"] is None


def test_merge_key_is_rejected_with_its_line() -> None:
    doc = read("a: &x\n  k: 1\nb:\n  <<: *x\n")
    assert [(line, field) for line, field, message, _ in doc.errors if "merge" in message] == [(4, "b")]


def test_syntax_error_gives_its_line_and_a_quoting_hint(tmp_path: Path) -> None:
    text = valid_claim_text().replace("summary: Two independent reports support the figure.", "summary: Verdict: two reports support it.")
    problem = only(check_text(tmp_path, text))
    assert formatted([problem])[0].startswith(f"{FILE}:13: (file): not valid YAML: mapping values are not allowed")
    assert "quoted" in problem.hint


def test_syntax_error_on_the_command_line_prints_no_traceback(tmp_path: Path) -> None:
    text = valid_claim_text().replace("summary: Two independent reports support the figure.", "summary: Verdict: two reports support it.")
    root = make_project(tmp_path, {"example-claim.yaml": text})
    result = run_cli(root, "validate")
    assert result.returncode == 1
    assert f"{FILE}:13: (file): not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_tab_indentation_is_reported_at_its_line_with_a_hint_to_use_spaces(tmp_path: Path) -> None:
    text = valid_claim_text().replace("  name: Jane Example", "\tname: Jane Example")
    problem = only(check_text(tmp_path, text))
    assert problem.line == 4, problem.format()
    assert problem.message.startswith("not valid YAML")
    assert "tab" in problem.hint.lower()


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n"], ids=["no-bytes", "blank-lines", "comment-only"])
def test_empty_file_is_one_problem_on_line_1(tmp_path: Path, content: str) -> None:
    assert formatted(check_text(tmp_path, content)) == [f"{FILE}:1: (file): the file is empty"]


def test_non_utf8_file_names_the_line_of_the_first_bad_byte(tmp_path: Path) -> None:
    data = valid_claim_text().replace("Jane Example", "Jos\u00e9 Example").encode("latin-1")
    problem = only(check_text(tmp_path, data))
    assert formatted([problem]) == [f"{FILE}:4: (file): the file is not UTF-8 text"]
    assert "UTF-8" in problem.hint


def test_utf8_text_is_read_as_written(tmp_path: Path) -> None:
    text = valid_claim_text().replace("Jane Example", "Jos\u00e9 \u00c9xample \u2014 \u5b9f")
    assert load_valid(tmp_path, text).claimant.name == "Jos\u00e9 \u00c9xample \u2014 \u5b9f"


def test_a_list_instead_of_fields_is_reported(tmp_path: Path) -> None:
    problem = only(check_text(tmp_path, "- id: example-claim\n- claim: x\n"))
    assert formatted([problem]) == [f"{FILE}:1: (file): expected a set of fields, got a list"]


def test_non_string_key_is_reported() -> None:
    doc = read("? [a, b]\n: 1\nid: x\n")
    assert [(line, message) for line, _, message, _ in doc.errors] == [(1, "a key must be a plain name")]
    assert doc.data == {"id": "x"}


@pytest.mark.parametrize(
    "text",
    [
        "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 12)) + "  " * 12 + "x: 1\n",  # 12 mappings, shallow indentation
        "a:\n" + "".join("  " * i + "-\n" for i in range(1, 12)) + "  " * 12 + "- x\n",  # 12 lists
        "a: " + "[" * 11 + "]" * 11 + "\n",  # flow, few brackets
        "a: " + "[" * 100 + "]" * 100 + "\n",  # flow, many brackets: the event prescan runs first
        "- " * 11 + "x\n",  # compact lists on one line
    ],
)
def test_nesting_deeper_than_ten_levels_is_refused_at_its_line_whichever_way_it_is_read(text: str) -> None:
    """Shallow-looking text is composed directly and its depth checked after; it must say what the event prescan says."""
    from factcheck import yamlread

    doc = read(text)
    assert doc.data is None
    assert [e[2] for e in doc.errors] == ["nested more than 10 levels deep"]
    assert doc.errors == yamlread._prescan(text)


def test_nesting_of_ten_levels_is_read() -> None:
    doc = read("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 9)) + "  " * 9 + "x: 1\n")  # the document, a, k1..k8
    assert doc.errors == []
    assert doc.data is not None
