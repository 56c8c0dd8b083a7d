"""A rated claim states its verdict; a quote not in English says its language and carries our translation.

Each test starts from ``valid_claim_text()`` (valid, with a verdict), changes one thing and checks
the problem it causes: its line, its field and what the contributor is told to do.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from conftest import check_text, line_of, valid_claim_text
from factcheck import rules
from factcheck.problems import Problem
from hypothesis import given
from hypothesis import strategies as st

VALID = valid_claim_text()
VERDICT_LINE = "verdict: Two independent reports support the figure of 40 missiles.\n"
FIRST_ITEM_STANCE = '    url: https://first.example.org/report\n    accessed: "2026-11-20"\n    stance: supports\n'
SOURCE_QUOTE = "  quote: Forty Hwasong-11 missiles were delivered, the ministry said.\n"
KOREAN = "러시아군이 화성-11형 미사일을 약 40발 발사했다."
RUSSIAN = "Россия выпустила около 40 ракет Hwasong-11."
ENGLISH_OF_IT = "Russian forces fired about 40 Hwasong-11 missiles."


def edit(old: str, new: str, text: str = VALID) -> str:
    assert text.count(old) == 1, f"{old!r} is not exactly once in the claim text"
    return text.replace(old, new)


def first_item_with(*fields: str) -> str:
    """The base claim with extra fields (``key: value``) on its first evidence item."""
    return edit(FIRST_ITEM_STANCE, FIRST_ITEM_STANCE + "".join(f"    {f}\n" for f in fields))


def where(problems: list[Problem]) -> list[tuple[int, str]]:
    return [(p.line, p.field) for p in problems]


def test_the_base_claim_has_a_verdict_and_is_valid(tmp_path: Path) -> None:
    assert VERDICT_LINE in VALID
    assert check_text(tmp_path, VALID) == []


def test_a_rated_claim_without_verdict_is_reported_at_its_status(tmp_path: Path) -> None:
    text = edit(VERDICT_LINE, "")
    [problem] = check_text(tmp_path, text)
    assert where([problem]) == [(line_of(text, "status: confirmed"), "status")]
    assert problem.message == "a `confirmed` rating needs a `verdict`"
    assert "`verdict:`" in problem.hint and "300 characters" in problem.hint


def test_an_unverified_claim_needs_no_verdict_but_a_supported_one_does(tmp_path: Path) -> None:
    unverified = valid_claim_text(status="unverified").replace(VERDICT_LINE, "")
    assert check_text(tmp_path, unverified) == []
    supported = valid_claim_text(status="supported").replace(VERDICT_LINE, "")
    assert [p.message for p in check_text(tmp_path, supported)] == ["a `supported` rating needs a `verdict`"]


def test_a_hangul_quote_without_lang_is_told_to_set_lang(tmp_path: Path) -> None:
    text = first_item_with(f"quote: {KOREAN}")
    [problem] = check_text(tmp_path, text)
    assert where([problem]) == [(line_of(text, KOREAN), "corroboration[0].quote")]
    assert "set `lang`" in problem.message
    assert "`lang:`" in problem.hint
    assert check_text(tmp_path, first_item_with(f"quote: {KOREAN}", "lang: ko", f"translation: {ENGLISH_OF_IT}")) == []


def test_a_cyrillic_source_quote_without_lang_is_told_to_set_lang(tmp_path: Path) -> None:
    text = edit(SOURCE_QUOTE, f"  quote: {RUSSIAN}\n")
    [problem] = check_text(tmp_path, text)
    assert where([problem]) == [(line_of(text, RUSSIAN), "source.quote")]
    assert "set `lang`" in problem.message
    fixed = edit(SOURCE_QUOTE, f"  quote: {RUSSIAN}\n  lang: ru\n  translation: {ENGLISH_OF_IT}\n")
    assert check_text(tmp_path, fixed) == []


def test_a_mostly_latin_quote_with_a_few_foreign_letters_needs_no_lang(tmp_path: Path) -> None:
    mostly_english = "Forty Hwasong-11 (화성-11) missiles were delivered to Russia, the ministry said."
    assert check_text(tmp_path, first_item_with(f"quote: {mostly_english}")) == []
    mostly_korean = "화성-11형 미사일 약 40발 (Hwasong-11)"
    assert where(check_text(tmp_path, first_item_with(f"quote: {mostly_korean}"))) == [
        (line_of(first_item_with(f"quote: {mostly_korean}"), "화성"), "corroboration[0].quote")
    ]


def test_a_non_english_lang_without_translation_is_reported_at_lang(tmp_path: Path) -> None:
    text = first_item_with("quote: Die Ukraine hat Russland den Einsatz nordkoreanischer Raketen vorgeworfen.", "lang: de")
    [problem] = check_text(tmp_path, text)
    assert where([problem]) == [(line_of(text, "lang: de"), "corroboration[0].lang")]
    assert problem.message == "the quote is in `de` but has no English `translation`"
    assert "`translation:`" in problem.hint


def test_an_english_lang_needs_no_translation(tmp_path: Path) -> None:
    assert check_text(tmp_path, first_item_with("quote: North Korea sent missiles.", "lang: en-GB")) == []
    text = first_item_with("quote: North Korea sent missiles.", "lang: fr")
    assert where(check_text(tmp_path, text)) == [(line_of(text, "lang: fr"), "corroboration[0].lang")]


def test_a_translation_without_lang_is_reported_at_the_translation(tmp_path: Path) -> None:
    text = edit(SOURCE_QUOTE, SOURCE_QUOTE + f"  translation: {ENGLISH_OF_IT}\n")
    [problem] = check_text(tmp_path, text)
    assert where([problem]) == [(line_of(text, "translation:"), "source.translation")]
    assert problem.message == "a `translation` needs the `lang` of the quote it translates"
    assert "`lang:`" in problem.hint


def test_context_item_that_claims_to_establish_something_is_refused(tmp_path: Path) -> None:
    text = valid_claim_text().replace(
        "    stance: supports\n  - publisher: Second", "    stance: context\n    establishes: event\n  - publisher: Second", 1
    )
    text = text.replace("status: confirmed", "status: supported")
    problems = check_text(tmp_path, text)
    assert [(p.field, p.message) for p in problems] == [
        ("corroboration[0].establishes", "a `context` item establishes nothing about the claim")
    ]


def _mostly_non_latin_letter_by_letter(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(1 for ch in letters if not unicodedata.name(ch, "").startswith("LATIN")) * 2 > len(letters)


@given(st.text(alphabet=st.sampled_from("aé Жж황ßΩ１ªʰ½…'’\n") | st.characters(), max_size=40))
def test_a_quote_is_mostly_non_latin_exactly_when_most_of_its_letters_are(text: str) -> None:
    assert rules._mostly_non_latin(text) == _mostly_non_latin_letter_by_letter(text)
