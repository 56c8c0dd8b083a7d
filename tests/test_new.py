"""`claims.py new`: scaffolds a claim file that validates once its placeholders are filled in."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from conftest import run_cli
from factcheck.rules import validate

ARGS = {
    "--claim": 'Russia fired 50 North Korean Hwasong-11 missiles: "no" doubt, says #1 official',
    "--claimant": "Oleksandr Filchakov",
    "--date": "2024-06",
    "--url": "https://news.example.org/story?id=1&lang=en",
}
SLUG = "russia-fired-50-north-korean-hwasong-11-missiles"  # the first eight words
FILLED = {
    "source.publisher": "Example News",
    "source.quote": "Russia fired 50 North Korean Hwasong-11 missiles.",
    "summary": "Not yet checked against independent evidence.",
}


def new(root: Path, **overrides: str | None) -> tuple[int, str, str]:
    args = {**ARGS, **overrides}
    flat = [part for key, value in args.items() if value is not None for part in (key, value)]
    result = run_cli(root, "new", *flat)
    return result.returncode, result.stdout, result.stderr


def problems_of(root: Path, path: Path) -> list[tuple[str, str]]:
    _, problems = validate([path], today=dt.date.today(), root=root)
    return [(p.field, p.message) for p in problems]


def fill_placeholders(text: str) -> str:
    text = re.sub(r'publisher: "FILL IN[^"\n]*"', f'publisher: "{FILLED["source.publisher"]}"', text)
    text = re.sub(r'quote: "FILL IN[^"\n]*"', f'quote: "{FILLED["source.quote"]}"', text)
    text = re.sub(r"FILL IN: what is established[^\n]*", FILLED["summary"], text)
    assert not [line for line in text.splitlines() if "FILL IN" in line and not line.lstrip().startswith("#")]
    return text


def test_new_writes_a_claim_file_named_from_the_claim(project: Path) -> None:
    code, out, err = new(project)
    assert code == 0, err
    path = project / "claims" / f"{SLUG}.yaml"
    assert path.is_file()
    assert f"wrote claims/{SLUG}.yaml" in out


def test_new_file_fails_validation_only_because_of_its_placeholders(project: Path) -> None:
    new(project)
    found = problems_of(project, project / "claims" / f"{SLUG}.yaml")
    assert sorted(field for field, _ in found) == sorted(FILLED)
    assert all("FILL IN" in message for _, message in found), found


def test_new_file_validates_once_the_placeholders_are_replaced(project: Path) -> None:
    new(project)
    path = project / "claims" / f"{SLUG}.yaml"
    path.write_text(fill_placeholders(path.read_text(encoding="utf-8")), encoding="utf-8")
    items, problems = validate([path], today=dt.date.today(), root=project)
    assert [p.format() for p in problems] == []
    claim = items[0].claim
    assert claim is not None
    assert (claim.id, claim.claim, claim.claimant.name, claim.date, claim.source.url, claim.status) == (
        SLUG,
        ARGS["--claim"],
        ARGS["--claimant"],
        ARGS["--date"],
        ARGS["--url"],
        "unverified",
    )
    result = run_cli(project, "validate", str(path))
    assert (result.returncode, result.stdout.strip()) == (0, "1 claim file valid.")


def test_new_keeps_yaml_special_answers_as_text(project: Path) -> None:
    code, _, err = new(project, **{"--claimant": "no", "--claim": "yes: 2024-01-02 & *x* # not a comment", "--id": "special-text"})
    assert code == 0, err
    path = project / "claims" / "special-text.yaml"
    path.write_text(fill_placeholders(path.read_text(encoding="utf-8")), encoding="utf-8")
    items, problems = validate([path], today=dt.date.today(), root=project)
    assert [p.format() for p in problems] == []
    assert items[0].claim is not None
    assert (items[0].claim.claim, items[0].claim.claimant.name) == ("yes: 2024-01-02 & *x* # not a comment", "no")


def test_new_refuses_to_overwrite_an_existing_file(project: Path) -> None:
    new(project)
    path = project / "claims" / f"{SLUG}.yaml"
    path.write_text("# edited by hand\n", encoding="utf-8")
    code, _, err = new(project, **{"--claimant": "Someone Else"})
    assert code == 1
    assert "already exists" in err
    assert path.read_text(encoding="utf-8") == "# edited by hand\n"


def test_new_with_a_missing_answer_and_no_terminal_exits_2_naming_it(project: Path) -> None:
    code, _, err = new(project, **{"--claimant": None})
    assert code == 2
    assert "--claimant is needed" in err
    assert "Traceback" not in err
    assert list((project / "claims").glob("*.yaml")) == []


def test_new_with_a_bad_date_and_no_terminal_exits_2_explaining_the_format(project: Path) -> None:
    code, _, err = new(project, **{"--date": "June 2024"})
    assert code == 2
    assert "--date" in err
    assert "YYYY-MM-DD" in err
    assert list((project / "claims").glob("*.yaml")) == []


def test_new_with_a_non_http_url_exits_2(project: Path) -> None:
    code, _, err = new(project, **{"--url": "javascript:alert(1)"})
    assert code == 2
    assert "http" in err
    assert list((project / "claims").glob("*.yaml")) == []


def test_new_with_a_bad_id_exits_2(project: Path) -> None:
    code, _, err = new(project, **{"--id": "Bad_Id"})
    assert code == 2
    assert "Bad_Id" in err
