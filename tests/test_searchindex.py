"""The search index (Pagefind bundle built from the claims) and the search page's static parts.

Fast: builds the bundle for the bundled claims (well under a second with Pagefind's
binary) and reads it back; no browser. The browser tests of search are in
tests/e2e/test_search.py.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import html
import html.parser
import itertools
import json
import re
from pathlib import Path

import cbor2
import pytest
import yaml
from conftest import REPO, hostile_claim_text, load_valid
from factcheck import searchindex
from factcheck.load import load_file
from factcheck.model import Claim
from factcheck.siteconfig import read_config


def bundled_claims() -> list[Claim]:
    """The bundled claims as loaded today (conversion only: the validation rules are tested elsewhere)."""
    loaded = [load_file(path, dt.date.today(), REPO)[0].claim for path in sorted((REPO / "claims").glob("*.yaml"))]
    claims = [claim for claim in loaded if claim is not None]
    assert len(claims) == len(loaded) > 0
    return claims


@pytest.fixture(scope="module")
def claims() -> list[Claim]:
    return bundled_claims()


@pytest.fixture(scope="module")
def bundle(claims: list[Claim]) -> dict[str, bytes]:
    return searchindex.index_files(claims, read_config(REPO / "mkdocs.yml"))


def fragments(files: dict[str, bytes]) -> list[dict]:
    out = []
    for path, data in files.items():
        if path.startswith("pagefind/fragment/"):
            raw = gzip.decompress(data)
            assert raw.startswith(b"pagefind_dcd")
            out.append(json.loads(raw[len(b"pagefind_dcd") :]))
    return out


def test_the_bundle_is_byte_for_byte_the_same_on_every_run(claims: list[Claim], bundle: dict[str, bytes]) -> None:
    """Also when the records come made already (the pipeline makes them once, for its cache key and the index)."""
    texts = {c.id: searchindex.record_html(c) for c in claims}
    again = searchindex.index_files(list(reversed(claims)), read_config(REPO / "mkdocs.yml"), texts)
    assert sorted(again) == sorted(bundle)
    assert [p for p in bundle if bundle[p] != again[p]] == []


def test_every_path_is_under_pagefind_and_only_what_the_browser_loads(bundle: dict[str, bytes]) -> None:
    allowed = re.compile(
        r"pagefind/(pagefind\.js|pagefind-worker\.js|pagefind-entry\.json|wasm\.en\.pagefind|pagefind\.en_[0-9a-f]{10}\.pf_meta"
        r"|(index|fragment|filter)/en_([0-9a-f]{7}|[0-9a-f]{14})\.pf_(index|fragment|filter))"
    )
    assert [p for p in bundle if not allowed.fullmatch(p)] == []
    # Pagefind's own UI renders with innerHTML and is not shipped; nor is its playground.
    assert not any("ui" in p or "playground" in p for p in bundle)


def test_the_entry_file_names_files_that_exist(bundle: dict[str, bytes]) -> None:
    entry = json.loads(bundle["pagefind/pagefind-entry.json"])
    language = entry["languages"]["en"]
    meta = searchindex._unpack(bundle[f"pagefind/pagefind.{language['hash']}.pf_meta"])
    assert language["page_count"] == len(meta[1])
    assert f"pagefind/wasm.{language['wasm']}.pagefind" in bundle
    assert all(f"pagefind/index/{chunk[2]}.pf_index" in bundle for chunk in meta[2])
    assert sorted(name for name, _ in meta[3]) == ["claimant", "publisher", "rating", "tag", "year"]
    assert all(f"pagefind/filter/{chunk}.pf_filter" in bundle for _, chunk in meta[3])
    assert sorted(name for name, _ in meta[4]) == ["date", "reviewed"]


def test_one_record_per_claim_and_nothing_else(claims: list[Claim], bundle: dict[str, bytes]) -> None:
    urls = sorted(f["url"] for f in fragments(bundle))
    assert urls == sorted(f"/claims/{c.id}/" for c in claims)


def test_each_record_carries_what_a_result_shows(claims: list[Claim], bundle: dict[str, bytes]) -> None:
    by_url = {f["url"]: f for f in fragments(bundle)}
    for claim in claims:
        record = by_url[f"/claims/{claim.id}/"]
        meta = record["meta"]
        assert meta["title"] == " ".join(claim.title.split())
        assert (meta["status"], meta["label"]) == (claim.status, claim.rating.label)
        assert meta["claimant"] == claim.claimant.name
        assert meta["iso_date"] == claim.date
        assert meta["date"] == searchindex.human_date(claim.date)
        assert meta.get("verdict") == (" ".join(claim.verdict.split()) if claim.verdict else None)
        filters = record["filters"]
        assert filters["rating"] == [claim.rating.label]
        assert filters["claimant"] == [claim.claimant.name]
        assert filters["year"] == [claim.date[:4]]
        assert sorted(filters["tag"]) == sorted(claim.tags)
        assert filters["publisher"] == [claim.source.publisher]
        # The indexed text (not shipped: results show the verdict, not excerpts) has what a reader searches.
        assert record["content"] == ""
        text = html.unescape(searchindex.record_html(claim))
        for needle in [claim.claim, claim.claimant.name, claim.source.publisher, *(e.publisher for e in claim.corroboration), *claim.tags]:
            assert " ".join(needle.replace("-", " ").split()) in text.replace("-", " ")


def test_filter_chunks_list_each_value_once_in_order(bundle: dict[str, bytes]) -> None:
    for path, data in bundle.items():
        if path.startswith("pagefind/filter/"):
            name, values = searchindex._unpack(data)
            names = [value for value, _ in values]
            assert names == sorted(set(names)), name
            assert all(pages == sorted(pages) for _, pages in values)


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]


def test_hostile_text_stays_text_in_the_record(tmp_path: Path) -> None:
    claim = load_valid(tmp_path, hostile_claim_text())
    parser = _Tags()
    parser.feed(searchindex.record_html(claim))
    assert set(parser.tags) <= {"html", "head", "meta", "title", "body", "main", "h1", "p", "span", "div"}
    assert not any(name.startswith("on") or name in ("src", "href") for name in parser.attrs)
    files = searchindex.index_files([claim], read_config(REPO / "mkdocs.yml"))
    (record,) = fragments(files)
    assert "<script>alert(1)</script>" in record["meta"]["title"]  # kept as text; the page script uses textContent


def test_partial_dates_sort_before_full_dates_of_the_same_period() -> None:
    assert searchindex._sortable("2024") == "2024-00-00"
    assert searchindex._sortable("2024-03") == "2024-03-00"
    assert searchindex._sortable("2024-03-14") == "2024-03-14"
    assert sorted(["2024-03-14", "2024-03-00", "2024-00-00"]) == ["2024-00-00", "2024-03-00", "2024-03-14"]


def test_pagefind_data_files_read_and_write_back_unchanged(bundle: dict[str, bytes]) -> None:
    """The bundle's CBOR files (rewritten with cbor2) decode and encode again to the same bytes: the shortest
    heads, as Pagefind writes them, so the bundle does not depend on which encoder wrote it last."""
    checked = 0
    for path, data in bundle.items():
        if path.endswith((".pf_meta", ".pf_index", ".pf_filter")):
            raw = gzip.decompress(data)[len(b"pagefind_dcd") :]
            assert cbor2.dumps(cbor2.loads(raw)) == raw, path
            checked += 1
    assert checked >= 7


def test_synthetic_claims_are_distinct_and_spread_over_the_filters(claims: list[Claim]) -> None:
    made = searchindex.synthetic_claims(claims, 200)
    assert len({c.id for c in made}) == 200
    assert len({c.claimant.name for c in made}) >= 20
    assert len({c.date[:4] for c in made}) == 12
    assert min(len(c.summary) for c in made) >= min(len(c.summary) for c in claims)


# -- the search page, the header box and the configuration ------------------

SEARCH_PAGE = REPO / "docs" / "search" / "index.md"
HEADER = REPO / "overrides" / "partials" / "header.html"
SCRIPT = REPO / "docs" / "javascripts" / "search.js"


def test_search_page_runs_no_inline_code() -> None:
    text = SEARCH_PAGE.read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", text, flags=re.S)
    assert scripts == [""], "only <script src=...> with no inline code"
    assert not re.search(r"\son[a-z]+\s*=", text), "no inline event handlers"
    assert 'src="../javascripts/search.js"' in text


def test_search_page_front_matter_is_a_page_with_a_title() -> None:
    front = yaml.safe_load(SEARCH_PAGE.read_text(encoding="utf-8").split("---\n")[1])
    assert front["title"] and front["description"]
    assert front["canonical_kind"] == "page"


def test_header_box_is_a_plain_form_to_the_search_page() -> None:
    text = HEADER.read_text(encoding="utf-8")
    assert re.search(r"<form[^>]*role=\"search\"[^>]*action=\"\{\{ 'search/' \| url \}\}\"[^>]*method=\"get\"", text)
    assert '<label class="fc-visually-hidden" for="fc-header-search-q">' in text
    assert 'name="q"' in text
    assert "<script" not in text and "md-search" not in text


def test_page_script_never_writes_html() -> None:
    code = SCRIPT.read_text(encoding="utf-8")
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert forbidden not in code, forbidden


def test_material_search_is_gone_from_the_configuration() -> None:
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    # Listed only to be switched off: MkDocs adds its search when no plugin is listed, Zensical unless disabled.
    assert config["plugins"] == [{"search": {"enabled": "false"}}]
    assert not [f for f in config["theme"]["features"] if f.startswith("search")]
    assert "stylesheets/search.css" in config["extra_css"]


def test_pages_are_numbered_in_claim_date_order_everywhere(bundle: dict[str, bytes]) -> None:
    entry = json.loads(bundle["pagefind/pagefind-entry.json"])
    meta = searchindex._unpack(bundle[f"pagefind/pagefind.{entry['languages']['en']['hash']}.pf_meta"])
    pages = [fragments({"pagefind/fragment/x": bundle[f"pagefind/fragment/{h}.pf_fragment"]})[0] for h, _ in meta[1]]
    sorts = dict(meta[4])
    assert sorts["date"] == list(range(len(pages)))
    dates = [searchindex._sortable(page["meta"]["iso_date"]) for page in pages]
    assert dates == sorted(dates)
    # Every filter chunk and every word of the index names pages by the same numbers as the page list.
    for _, chunk_hash in meta[3]:
        name, values = searchindex._unpack(bundle[f"pagefind/filter/{chunk_hash}.pf_filter"])
        for value, numbers in values:
            assert numbers == [n for n, page in enumerate(pages) if value in page["filters"].get(name, [])], (name, value)
    words = {word: entries for _, _, h in meta[2] for word, entries, _ in searchindex._unpack(bundle[f"pagefind/index/{h}.pf_index"])[0]}
    claimant = next(c for c in bundled_claims() if len(c.claimant.name.split()) == 2 and c.claimant.name.replace(" ", "").isalpha())
    surname = claimant.claimant.name.split()[-1].casefold()
    named = {f"/claims/{c.id}/" for c in bundled_claims() if surname in searchindex.record_html(c).casefold()}
    numbers = list(itertools.accumulate(entry[0] for entry in words[surname]))  # stored as differences, in page order
    assert {pages[n]["url"] for n in numbers} == named


def test_the_shipped_script_finds_pagefind_ready_within_4_ms(bundle: dict[str, bytes]) -> None:
    """Pagefind polls every 50 ms for its WebAssembly and metadata; a first search started while they load
    (the search page's) would wait up to 50 ms after they are ready. The bundle ships the 4 ms poll, in the
    page's script and in the worker that runs the searches."""
    for name in ("pagefind/pagefind.js", "pagefind/pagefind-worker.js"):
        script = bundle[name]
        assert script.count(searchindex._READY_POLL.replace(b"asyncSleep(50)", b"asyncSleep(4)")) == 1, name
        assert searchindex._READY_POLL not in script, name
    assert searchindex.quicker_ready(b"no such loop") == b"no such loop"  # another Pagefind's script is shipped as it is


def test_files_whose_short_hashes_collide_get_longer_names() -> None:
    """Two fragments whose content hashes share their first 7 digits (at 10,000 records, about one
    build in six) must not be written to the same file, or a result would show another claim."""
    seen: dict[str, bytes] = {}
    for n in itertools.count():  # a birthday collision of 28 bits: about 20,000 tries
        blob = b"fragment %d" % n
        prefix = hashlib.sha256(blob).hexdigest()[:7]
        if prefix in seen:
            first = seen[prefix]
            break
        seen[prefix] = blob
    other = b"an unrelated fragment"
    names = searchindex.content_names("en", [first, other, blob, first])
    assert names[0] != names[2] and names[0] == names[3]
    assert [len(name) for name in names] == [3 + 14, 3 + 7, 3 + 14, 3 + 14]
    assert names[1] == "en_" + hashlib.sha256(other).hexdigest()[:7]


def test_the_scratch_folder_is_memory_only_when_it_has_room(tmp_path: Path) -> None:
    """Records go to the memory-backed folder when it can hold them, else to the system's temporary folder."""
    assert searchindex.scratch_folder(10, memory=str(tmp_path)) == str(tmp_path)
    assert searchindex.scratch_folder(10**12, memory=str(tmp_path)) is None  # a petabyte of records does not fit
    assert searchindex.scratch_folder(10, memory=str(tmp_path / "missing")) is None
