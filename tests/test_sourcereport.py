"""The source report (`claims.py sources`, the Sources page) and `claims.py cite URL`."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from conftest import PAYLOAD, TODAY, check_files, formatted, load_valid, make_project, run_cli, valid_claim_text
from factcheck.render import render_site
from factcheck.siteconfig import SiteConfig
from factcheck.sourcereport import publishers, report_text, single_origin_claims

CONFIG = SiteConfig(site_name="Claim Check", site_url="https://example.org/", page_size=50)
FIRST_ITEM = "    stance: supports\n  - publisher: Second Paper"


def add_to_first_item(text: str, extra: str) -> str:
    return text.replace(FIRST_ITEM, f"    stance: supports\n{extra}  - publisher: Second Paper")


def thin_claim(claim_id: str = "thin-claim") -> str:
    """Both supporting items repeat one wire: a single supporting origin (rated `supported`, plus a context item)."""
    text = valid_claim_text(claim_id, status="supported")
    text = add_to_first_item(text, "    derives_from: Reuters\n")
    text = text.replace(
        "    url: https://second.example.com/article", "    url: https://second.example.com/article\n    derives_from: Reuters"
    )
    return text.replace(
        'reviewed: "2026-11-20"',
        '  - publisher: Archive Desk\n    url: https://archive.example.net/x\n    accessed: "2026-11-20"\n    stance: context\nreviewed: "2026-11-20"',
    )


def test_publishers_list_the_origins_they_repeat_and_the_claims_citing_them(tmp_path: Path) -> None:
    thin = load_valid(tmp_path / "a", thin_claim())
    plain = load_valid(tmp_path / "b", valid_claim_text("plain-claim"))
    found = {p.name: p for p in publishers([thin, plain])}
    first = found["First Wire"]
    assert (first.items, first.first_hand, first.repeated) == (2, 1, [("Reuters", 1)])
    assert [c.id for c in first.claims] == ["plain-claim", "thin-claim"]
    assert found["Example News"].as_source == 2 and found["Example News"].items == 0


def test_claims_resting_on_one_supporting_origin_are_counted_against_the_publishers_providing_it(tmp_path: Path) -> None:
    thin = load_valid(tmp_path / "a", thin_claim())
    plain = load_valid(tmp_path / "b", valid_claim_text("plain-claim"))
    assert [c.id for c in single_origin_claims([thin, plain])] == ["thin-claim"]
    found = {p.name: p for p in publishers([thin, plain])}
    assert (found["First Wire"].thin, found["Second Paper"].thin, found["Archive Desk"].thin) == (1, 1, 0)


def test_unverified_claims_are_not_reported_as_thin(tmp_path: Path) -> None:
    unrated = load_valid(tmp_path, thin_claim().replace("status: supported", "status: unverified").replace("verdict: ", "# verdict: "))
    assert single_origin_claims([unrated]) == []


def test_the_text_report_names_publishers_repeats_and_thin_claims(tmp_path: Path) -> None:
    text = report_text([load_valid(tmp_path, thin_claim())])
    assert "Rated claims resting on a single supporting origin: 1\n  thin-claim (supported): Reuters" in text
    assert "\nFirst Wire\n  cited as: 1 evidence item (0 first-hand)\n  repeats: Reuters ×1\n  claims: thin-claim\n" in text
    assert "sole supporting origin of 1 claim: thin-claim" in text


def test_sources_command_prints_the_report(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"thin-claim.yaml": thin_claim()})
    result = run_cli(root, "sources")
    assert result.returncode == 0, result.stderr
    assert "repeats: Reuters ×1" in result.stdout and "thin-claim (supported): Reuters" in result.stdout


def test_cite_prints_a_record_that_pastes_into_a_new_claim_without_conflict(tmp_path: Path) -> None:
    source = add_to_first_item(
        valid_claim_text("cited-claim"), '    title: "A title: with a colon"\n    date: "2024-06-12"\n    derives_from: Reuters\n'
    )
    root = make_project(tmp_path / "p", {"cited-claim.yaml": source})
    result = run_cli(root, "cite", "HTTP://First.Example.org/report/")
    assert result.returncode == 0, result.stderr
    record = yaml.safe_load(result.stdout)[0]
    assert record == {
        "publisher": "First Wire",
        "title": "A title: with a colon",
        "url": "https://first.example.org/report",
        "date": "2024-06-12",
        "derives_from": "Reuters",
        "accessed": record["accessed"],
        "stance": "context",
    }
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", record["accessed"])
    own_items = valid_claim_text("new-claim").replace("https://first.example.org/report", "https://third.example.org/x")
    pasted = own_items.replace("corroboration:\n", "corroboration:\n" + result.stdout.split("\n", 1)[1])
    pasted = pasted.replace(f'accessed: "{record["accessed"]}"', f'accessed: "{TODAY.isoformat()}"')
    assert formatted(check_files(tmp_path / "check", {"cited-claim.yaml": source, "new-claim.yaml": pasted})) == []


def test_cite_refuses_an_address_not_in_the_case_file(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"cited-claim.yaml": valid_claim_text("cited-claim")})
    result = run_cli(root, "cite", "https://nowhere.example.org/page")
    assert result.returncode == 1
    assert "not cited in any claim file" in result.stderr and result.stdout == ""


def test_cite_refuses_an_address_described_two_ways(tmp_path: Path) -> None:
    a = add_to_first_item(valid_claim_text("claim-a"), "    derives_from: Reuters\n")
    b = add_to_first_item(valid_claim_text("claim-b"), "    derives_from: AFP\n")
    root = make_project(tmp_path / "p", {"claim-a.yaml": a, "claim-b.yaml": b})
    result = run_cli(root, "cite", "https://first.example.org/report")
    assert result.returncode == 1
    assert "described in more than one way" in result.stderr and "claims/claim-a.yaml" in result.stderr


def test_sources_page_is_one_escaped_raw_html_block_of_cards(tmp_path: Path) -> None:
    q = PAYLOAD.replace("\\", "\\\\").replace('"', '\\"')
    hostile = valid_claim_text("hostile-source").replace("  - publisher: First Wire", f'  - publisher: "Wire {q}"')
    hostile = add_to_first_item(hostile, f'    derives_from: "Origin {q}"\n')
    claims = [load_valid(tmp_path / "a", hostile), load_valid(tmp_path / "b", thin_claim())]
    page = str(render_site(claims, CONFIG)["browse/sources.md"])
    body = page.split("\n---\n", 1)[1]
    assert body.lstrip().startswith('<div class="fc-page fc-page--sources">') and body.rstrip().endswith("</div>")
    assert "\n\n" not in body.strip()  # one raw block: no blank line for Markdown to start parsing again
    assert "<table" not in body and "<script>" not in body and "<img" not in body
    assert "Wire &lt;script&gt;alert(1)&lt;/script&gt;" in body and "Origin &lt;script&gt;" in body
    assert '<li class="fc-person fc-source">' in body
    assert "1 rated claim rests on a single supporting origin" in body and "Supporting origin: Reuters." in body


def test_sources_page_stays_small_when_many_claims_cite_one_publisher(tmp_path: Path) -> None:
    """At scale a big publisher is cited by thousands of claims: the page names the 10 newest and counts the rest,
    and the claims resting on one origin get their own paginated list."""
    claims = [load_valid(tmp_path / f"p{n}", thin_claim(f"thin-claim-{n:02d}")) for n in range(14)]
    pages = render_site(claims, CONFIG)
    body = str(pages["browse/sources.md"]).split("\n---\n", 1)[1]
    first_wire = body[body.index('<h3 class="fc-person__name">First Wire</h3>') :].split("</li>", 1)[0]
    assert "Cited in 14 claims, the 10 most recent" in first_wire and "; and 4 more" in first_wire
    assert first_wire.count('href="../../claims/') == 10
    assert "14 rated claims rest on a single supporting origin; the 10 most recent:" in body
    assert body.count('<li class="fc-log__item">') == 10
    assert 'href="../thin/">All 14 claims resting on a single supporting origin</a>' in body
    thin_page = str(pages["browse/thin.md"])
    assert thin_page.count('<li class="fc-card') == 14
    assert "<h1>Resting on a single supporting origin</h1>" in thin_page
