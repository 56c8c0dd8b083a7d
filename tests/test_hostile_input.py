"""Hostile claim files through the command line, one test per class of attack (issue 8).

Every case runs ``scripts/claims.py`` as CI would, and ends in one of two ways:

- refused: exit status 1, and for each hostile file a ``claims/<file>:<line>: <field>: message``
  line (located), no traceback and no "internal error" (exit 3 is an unhandled crash);
- accepted: a clean run whose every output (page front matter and body as MkDocs reads
  them, claims.csv, feed.xml, claims.json, the search index) carries nothing executable
  or third-party (the checks of ``test_hostile_properties.py``).

Several hostile files of one class go into one project and one run, so each class costs
one or two processes. Variants are chosen to cover each mechanism listed in issue 8, not to
match one example.
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import REPO, check_text, hostile_claim_text, make_project, run_cli, valid_claim_text
from test_hostile_properties import csv_problems, html_problems, output_problems, page_problems, xml_problems

PROBLEM_LINE = re.compile(r"^(?P<file>claims/[^:]+):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+)$")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
SUMMARY = "summary: Two independent reports support the figure."


# ---------------------------------------------------------------------------
# How a run must end.


def assert_no_crash(result: subprocess.CompletedProcess[str]) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    assert "internal error" not in output, output[-3000:]
    assert result.returncode != 3, f"exit 3 is an unhandled crash:\n{output[-3000:]}"
    assert not CONTROL.search(output), f"raw control or invisible character printed: {CONTROL.search(output)!r}"


def problems_by_file(result: subprocess.CompletedProcess[str]) -> dict[str, list[re.Match[str]]]:
    found: dict[str, list[re.Match[str]]] = {}
    for line in result.stderr.splitlines():
        if (m := PROBLEM_LINE.match(line)) is not None:
            found.setdefault(m["file"], []).append(m)
    return found


def assert_refused(result: subprocess.CompletedProcess[str], expected: dict[str, str | None]) -> None:
    """Exit 1 and, for each file, a located problem (with ``field`` when one is given; a regex on the field)."""
    assert_no_crash(result)
    assert result.returncode == 1, f"expected a refusal (exit 1), got {result.returncode}:\n{result.stdout}{result.stderr}"
    found = problems_by_file(result)
    for name, field in expected.items():
        shown = f"claims/{name}"
        assert shown in found, f"{shown} is not reported:\n{result.stderr}"
        if field is not None:
            fields = [m["field"] for m in found[shown]]
            assert any(re.fullmatch(field, f) for f in fields), f"{shown}: no problem on field {field!r}, only {fields}:\n{result.stderr}"


def claim_with(claim_id: str, old: str, new: str, **kwargs: str) -> str:
    text = valid_claim_text(claim_id, **kwargs)
    assert old in text, old
    return text.replace(old, new)


def own_sources(text: str, key: str) -> str:
    """The claim with addresses of its own, so its source and evidence records may differ from other files' (one URL, one record)."""
    for url in ("https://news.example.org/story", "https://first.example.org/report", "https://second.example.com/article"):
        text = text.replace(url, f"{url}-{key}")
    return text


def yaml_str(value: str) -> str:
    """``value`` as a double-quoted YAML scalar: printable ASCII as is, every other character as a YAML escape."""

    def escape(ch: str) -> str:
        if ch in '\\"':
            return "\\" + ch
        if " " <= ch <= "~":
            return ch
        return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"

    return '"' + "".join(escape(ch) for ch in value) + '"'


def read_outputs(docs: Path) -> dict[str, str | bytes]:
    outputs: dict[str, str | bytes] = {}
    for path in sorted(docs.rglob("*")):
        if path.is_file():
            rel = path.relative_to(docs).as_posix()
            data = path.read_bytes()
            outputs[rel] = data if rel.startswith(("pagefind/", "share/")) or rel.endswith(".gz") else data.decode("utf-8")
    return outputs


def split_refused(root: Path, files: dict[str, str]) -> tuple[dict[str, str], set[str]]:
    """Validate ``files`` together; return the accepted ones and the names of the refused ones (each located)."""
    make_project(root, files)
    result = run_cli(root, "validate")
    assert_no_crash(result)
    found = problems_by_file(result)
    refused = {name for name in files if f"claims/{name}" in found}
    stray = [line for line in result.stderr.splitlines() if line.startswith("claims/") and not PROBLEM_LINE.match(line)]
    assert not stray, f"problem lines without file:line: field: {stray}"
    return {n: t for n, t in files.items() if n not in refused}, refused


def generate_clean(root: Path, files: dict[str, str]) -> dict[str, str | bytes]:
    make_project(root, files)
    result = run_cli(root, "generate")
    assert_no_crash(result)
    assert result.returncode == 0, result.stdout + result.stderr
    return read_outputs(root / "docs")


# ---------------------------------------------------------------------------
# 1. Contributor Markdown interpreted twice (summary).

SUMMARIES = [
    "<div>", "</p></div><script>alert(1)</script>", "Closing tags </li></ol></blockquote> then text",
    "text\n\n{: onclick=\"alert(1)\" }", "*a*{: .zqxclass onclick=alert(1) }", "Paragraph\n{: #zqxid style=\"background:url(https://zqx.evil.example/)\" }",
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x]( javascript:alert(1))", "[x](<javascript:alert(1)>)",
    "[x](java&#x09;script:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)", "[x](//zqx.evil.example/)", "[x](/relative)",
    "![i](https://zqx.evil.example/i.png)", "<https://zqx.evil.example/>", "<javascript:alert(1)>", "[x][r]\n\n[r]: javascript:alert(1)",
    "`<script>alert(1)</script>`", "```\n<script>alert(1)</script>\n```", "    <script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;", "\\<script>alert(1)\\</script>", '[a](https://x.example/ "t\\" onmouseover=alert(1) x")',
    '[a](https://x.example/"onmouseover="alert(1))', "<!-- comment -->", "<?php echo 1 ?>", "<![CDATA[x]]>", "<a href=https://x.example/>x</a>",
    "| a |\n|---|\n| <script>alert(1)</script> |", "***", "# heading", "Title\n=====", "- a\n" + "".join("  " * i + "- n\n" for i in range(1, 40)),
    "> " * 100 + "x", "*" * 3000, "[" * 3000 + "x" + "](https://x.example/)" * 10, "a <b>bold</b> claim", "<svg/onload=alert(1)>",
    "[x](https://x.example/)" + "{: onclick=alert(1)}", "<details open ontoggle=alert(1)>", "Text\n\n<p>raw</p>",
]  # fmt: skip


def test_summary_markdown_is_refused_located_or_rendered_once_without_anything_executable(tmp_path: Path) -> None:
    files = {f"summary-{i}.yaml": claim_with(f"summary-{i}", SUMMARY, f"summary: {yaml_str(s)}") for i, s in enumerate(SUMMARIES)}
    accepted, refused = split_refused(tmp_path / "all", files)
    assert refused, "every hostile summary was accepted: raw HTML at least must be refused"
    assert len(accepted) >= 5, "too few summaries accepted to check what is rendered"
    outputs = generate_clean(tmp_path / "accepted", accepted)
    assert output_problems(outputs) == []
    for name in accepted:
        page = outputs[f"claims/{name.removesuffix('.yaml')}.md"]
        assert isinstance(page, str)
        assert page_problems(name, page) == []


# ---------------------------------------------------------------------------
# 2. Front matter: written by a serialiser, read back as written.

LEGAL_BUT_AWKWARD = [
    '"quoted" and \\back\\slashed', "key: value # not a comment", "--- a document marker", "... end marker", "'single' {brace} [bracket]",
    "%percent @at `tick` |pipe >gt", "emoji 🙂 and 𝕏 astral", "مرحبا بالعالم", "עברית", "김정은 위원장", "Сергей Шойгу", "e\u0301 combining (NFD)",
    "no\u00a0break space", "&amp; entity-looking &lt;b&gt;", "</title><script>alert(1)</script>", "{{ page.meta }} {% raw %}", "yes",
]  # fmt: skip
REFUSED_IN_FRONT_MATTER = ["\x7f", "\x85", "\x9b", "\ufdd0", "\U0001fffe", "\u2028", "\u2029", "\ufeff", "\r", "\x1b", "\x00", "\x08"]


def test_front_matter_round_trips_awkward_text_and_refuses_characters_a_yaml_reader_would_reject(tmp_path: Path) -> None:
    refused_files = {
        f"fm-bad-{i}.yaml": claim_with(f"fm-bad-{i}", SUMMARY, f"{SUMMARY}\nheadline: {yaml_str('Head' + ch + 'line')}")
        for i, ch in enumerate(REFUSED_IN_FRONT_MATTER)
    }
    good_files = {
        f"fm-ok-{i}.yaml": claim_with(f"fm-ok-{i}", SUMMARY, f"{SUMMARY}\nheadline: {yaml_str(text)}")
        for i, text in enumerate(LEGAL_BUT_AWKWARD)
    }
    make_project(tmp_path / "bad", refused_files)
    assert_refused(run_cli(tmp_path / "bad", "validate"), dict.fromkeys(refused_files, "headline"))

    from mkdocs.utils.meta import get_data

    outputs = generate_clean(tmp_path / "good", good_files)
    assert output_problems(outputs) == []
    for i, text in enumerate(LEGAL_BUT_AWKWARD):
        page = outputs[f"claims/fm-ok-{i}.md"]
        assert isinstance(page, str)
        meta = get_data(page)[1]
        assert meta, f"front matter of fm-ok-{i} does not parse: {page[:300]!r}"
        import unicodedata

        assert html.unescape(str(meta["title"])) == unicodedata.normalize("NFC", text), f"title did not round-trip for {text!r}"


# ---------------------------------------------------------------------------
# 3. Text policy at the model layer.

INVISIBLE = {
    "U+0007": "\x07", "U+001B": "\x1b", "U+007F": "\x7f", "U+0085": "\x85", "U+009B": "\x9b", "U+00AD": "\u00ad",
    "U+200B": "\u200b", "U+200C": "\u200c", "U+200D": "\u200d", "U+200E": "\u200e", "U+202A": "\u202a", "U+202E": "\u202e",
    "U+2060": "\u2060", "U+2066": "\u2066", "U+2069": "\u2069", "U+FEFF": "\ufeff", "U+E000": "\ue000", "U+FDD0": "\ufdd0",
    "U+FFFF": "\uffff", "U+10FFFE": "\U0010fffe", "U+2028": "\u2028", "U+061C": "\u061c", "U+180E": "\u180e",
}  # fmt: skip
# (line in the valid claim, field as reported, how to put a character into it)
FIELDS = [
    ("  name: Jane Example", "claimant.name", lambda ch: f"  name: {yaml_str('Jane' + ch + 'Example')}"),
    (
        "  quote: Forty Hwasong-11 missiles were delivered, the ministry said.",
        "source.quote",
        lambda ch: f"  quote: {yaml_str('Forty' + ch)}",
    ),
    (SUMMARY, "summary", lambda ch: f"summary: {yaml_str('Two reports' + ch)}"),
    ("  url: https://news.example.org/story", "source.url", lambda ch: f"  url: {yaml_str('https://news.example.org/st' + ch + 'ory')}"),
    ('date: "2024-06-10"', "date", lambda ch: f"date: {yaml_str('2024-06-10' + ch)}"),
    ("  - publisher: First Wire", r"corroboration\[0\]\.publisher", lambda ch: f"  - publisher: {yaml_str('First' + ch + 'Wire')}"),
]


def test_control_bidi_zero_width_private_and_noncharacters_are_refused_in_every_kind_of_field(tmp_path: Path) -> None:
    files: dict[str, str] = {}
    expected: dict[str, str | None] = {}
    for n, ch in enumerate(INVISIBLE.values()):
        old, field, put = FIELDS[n % len(FIELDS)]
        name = f"char-{n}.yaml"
        files[name] = claim_with(f"char-{n}", old, put(ch))
        expected[name] = field
    make_project(tmp_path, files)
    result = run_cli(tmp_path, "validate")
    assert_refused(result, expected)
    for n, code in enumerate(INVISIBLE):
        if code not in ("U+2028",):  # a line separator is a line break: "must be a single line" in one-line fields
            lines = [m["message"] for m in problems_by_file(result)[f"claims/char-{n}.yaml"]]
            assert any(code in m or "single line" in m for m in lines), (code, lines)


def test_look_alike_names_and_invisible_variants_cannot_pose_as_another_origin(tmp_path: Path) -> None:
    """ "Reuters" + ZWSP, a Cyrillic letter in a Latin word, NFD spelling: none may count as a second independent origin."""
    second = "  - publisher: Second Paper"
    files = {
        "zwsp-origin.yaml": claim_with("zwsp-origin", second, f"  - publisher: {yaml_str('First Wire' + chr(0x200B))}"),
        "cyrillic-origin.yaml": claim_with("cyrillic-origin", second, f"  - publisher: {yaml_str('First W' + chr(0x456) + 're')}"),
        "greek-origin.yaml": claim_with("greek-origin", second, f"  - publisher: {yaml_str('First W' + chr(0x399) + 're')}"),
        "nfd-origin.yaml": claim_with("nfd-origin", "  - publisher: First Wire", "  - publisher: Café Wire").replace(
            second, f"  - publisher: {yaml_str('Cafe' + chr(0x301) + ' Wire')}"
        ),
        "case-origin.yaml": claim_with("case-origin", second, "  - publisher: the  FIRST wire"),
    }
    make_project(tmp_path, files)
    assert_refused(run_cli(tmp_path, "validate"), dict.fromkeys(files))


# ---------------------------------------------------------------------------
# 4. Symbolic links and what is in claims/.


def test_every_entry_of_claims_is_accounted_for_and_links_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "secret.yaml"
    secret.parent.mkdir()
    secret.write_text(valid_claim_text("linked-claim").replace("Jane Example", "SECRET-TOKEN-4471"), encoding="utf-8")
    root = make_project(tmp_path / "project", {"good-claim.yaml": valid_claim_text("good-claim")})
    claims = root / "claims"
    (claims / "linked-claim.yaml").symlink_to(secret)
    (claims / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (claims / "folder-link").symlink_to(secret.parent)
    (claims / "sub").mkdir()
    (claims / "sub" / "nested-claim.yaml").write_text(valid_claim_text("nested-claim"), encoding="utf-8")
    for name in (
        "upper.YAML",
        "short.yml",
        "backup.yaml~",
        "backup.yaml.bak",
        "claim.yaml.orig",
        ".claim.yaml.swp",
        "#claim.yaml#",
        "notes.txt",
    ):
        (claims / name).write_text(valid_claim_text("other-claim"), encoding="utf-8")
    os.mkfifo(claims / "pipe.yaml")  # reading it would block for ever
    expected = [
        "linked-claim.yaml", "dangling.yaml", "folder-link", "sub", "upper.YAML", "short.yml", "backup.yaml~", "backup.yaml.bak",
        "claim.yaml.orig", ".claim.yaml.swp", "#claim.yaml#", "notes.txt", "pipe.yaml",
    ]  # fmt: skip
    for command in (["validate"], ["generate"], ["validate", str(claims / "linked-claim.yaml")]):
        result = run_cli(root, *command)
        assert_no_crash(result)
        assert result.returncode == 1, (command, result.stdout + result.stderr)
        assert "SECRET-TOKEN-4471" not in result.stdout + result.stderr, "a linked file's content was printed"
        if command[-1] == "validate" or command == ["generate"]:
            reported = {m["file"].removeprefix("claims/") for ms in problems_by_file(result).values() for m in ms}
            missing = [name for name in expected if name not in reported]
            assert not missing, f"{command}: not reported: {missing}\n{result.stderr}"
    assert not (root / "docs" / "claims").exists(), "generate wrote pages although claims/ holds unreadable entries"


def test_a_claims_folder_that_is_a_symbolic_link_is_refused_without_reading_it(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "example-claim.yaml").write_text(valid_claim_text().replace("Jane Example", "SECRET-TOKEN-9313"), encoding="utf-8")
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "claims").symlink_to(elsewhere)
    for command in ("validate", "generate"):
        result = run_cli(root, command)
        assert_no_crash(result)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "symbolic link" in result.stderr
        assert "SECRET-TOKEN-9313" not in result.stdout + result.stderr


def pickle_call(module: str, name: str, *args: str) -> bytes:
    """A pickle (protocol 4) that, when loaded, calls ``module``:``name`` (a dotted name walks attributes) with ``args``."""

    def text(value: str) -> bytes:
        data = value.encode()
        return b"\x8c" + bytes([len(data)]) + data

    return b"\x80\x04" + text(module) + text(name) + b"\x93(" + b"".join(text(a) for a in args) + b"tR."


def test_a_build_cache_committed_with_a_pull_request_cannot_run_code_or_delete_files(tmp_path: Path) -> None:
    """.cache/ is ignored by git, but a pull request can still add it: the generator's cache files are pickles,
    and loading one once called any function reachable from the generator's modules (\"factcheck.cli\" + \"os.system\")."""
    victim = tmp_path / "outside" / "victim"
    victim.mkdir(parents=True)
    (victim / "file.txt").write_text("keep\n", encoding="utf-8")
    marker = tmp_path / "outside" / "ran"
    root = make_project(tmp_path / "project", {"example-claim.yaml": valid_claim_text()})
    cache = root / ".cache" / "factcheck"
    cache.mkdir(parents=True)
    payloads = {
        "claims.pickle": pickle_call("factcheck.cli", "os.system", f"touch {marker}-system"),
        "pages.pickle": pickle_call("factcheck.build", "shutil.rmtree", str(victim)),
        "extras.pickle": pickle_call("factcheck.pipeline", "subprocess.getoutput", f"touch {marker}-getoutput"),
    }
    for name, data in payloads.items():
        (cache / name).write_bytes(data)
    result = run_cli(root, "generate")
    assert_no_crash(result)
    assert result.returncode == 0, result.stderr
    assert not list(marker.parent.glob("ran*")), "a cache file ran a command"
    assert (victim / "file.txt").is_file(), "a cache file deleted a folder outside the project"


# ---------------------------------------------------------------------------
# 5. Output paths that collide.


def claimant_pages(docs: Path) -> dict[str, str]:
    folder = docs / "browse" / "claimants"
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*.md")}


def front_matter(page: Path) -> dict[str, object]:
    from mkdocs.utils.meta import get_data

    return get_data(page.read_text(encoding="utf-8"))[1]


COLLISIONS = {
    # case: (claim files as (id, extra YAML, claimant name), the file that must be named, page size)
    "claim-id-index": ([("index", "", "Jane Example"), ("other", "", "Jane Example")], "index.yaml", 50),
    "claim-id-later-page": ([("index-2", "", "Jane Example"), ("aaa", "", "Jane Example"), ("bbb", "", "Jane Example")], "index-2.yaml", 1),
    "tag-index": ([("tagged", "tags: [index]\n", "Jane Example")], "tagged.yaml", 50),
    "tag-later-page": ([("tagged", "tags: [index-2]\n", "Jane Example")], "tagged.yaml", 1),
    "claimant-index": ([("named", "", "Index"), ("other", "", "Jane Example")], "named.yaml", 50),
}


@pytest.mark.parametrize("case", list(COLLISIONS))
def test_ids_tags_and_claimants_named_like_listing_pages_are_refused_or_get_their_own_page(tmp_path: Path, case: str) -> None:
    """A page path taken twice: refused naming the file, or every claim keeps its page and every listing stays a listing."""
    claims, culprit, page_size = COLLISIONS[case]
    files = {f"{cid}.yaml": own_sources(valid_claim_text(cid).replace("Jane Example", name), cid) + extra for cid, extra, name in claims}
    root = make_project(tmp_path, files)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"page_size: \d+", config)
    (root / "mkdocs.yml").write_text(re.sub(r"page_size: \d+", f"page_size: {page_size}", config), encoding="utf-8")
    result = run_cli(root, "generate")
    assert_no_crash(result)
    if result.returncode == 1:
        assert f"claims/{culprit}" in problems_by_file(result), f"refused without naming {culprit}:\n{result.stderr}"
        return
    assert result.returncode == 0, result.stderr
    docs = root / "docs"
    kinds: dict[str, list[Path]] = {}
    for page in docs.rglob("*.md"):
        kinds.setdefault(str(front_matter(page).get("canonical_kind")), []).append(page)
    claim_pages = {re.search(r'data-claim-id="([^"]+)"', p.read_text(encoding="utf-8"))[1] for p in kinds.get("claim", [])}
    ids = {cid for cid, _, _ in claims}
    assert claim_pages == ids, f"claim pages lost or replaced: {claim_pages}"
    for index in ("claims/index.md", "browse/tags/index.md", "browse/claimants/index.md"):
        assert front_matter(docs / index).get("canonical_kind") == "listing", f"{index} was replaced by a claim, tag or claimant page"


def test_claimants_with_non_latin_names_each_get_their_own_page(tmp_path: Path) -> None:
    """A lossy slug once put every Cyrillic, Hangul or Arabic name on one page."""
    names = {"cyrillic": "Сергей Шойгу", "hangul": "김정은", "hanja": "金正恩", "arabic": "محمد بن سلمان", "greek": "Αλέξης Τσίπρας"}
    files = {f"{key}.yaml": valid_claim_text(key).replace("Jane Example", name) for key, name in names.items()}
    root = make_project(tmp_path, files)
    result = run_cli(root, "generate")
    assert_no_crash(result)
    assert result.returncode == 0, f"distinct non-Latin names refused as colliding:\n{result.stderr}"
    pages = {p: text for p, text in claimant_pages(root / "docs").items() if p != "index.md"}
    for key, name in names.items():
        holding = [p for p, text in pages.items() if re.search(rf"claims/{key}\b", text)]
        assert len(holding) == 1, f"{name}: claim listed on claimant pages {holding}"
        others = [k for k in names if k != key and re.search(rf"claims/{k}\b", pages[holding[0]])]
        assert not others, f"{name} shares the page {holding[0]} with {others}"
        assert html.escape(name) in pages[holding[0]] or name in pages[holding[0]], f"{holding[0]} does not show the name {name}"


@pytest.mark.parametrize("other", ["Jane-Example", "JANE EXAMPLE", "Jane  Example", "Jane Example Jr"])
def test_a_near_identical_claimant_name_cannot_take_over_another_claimants_page(tmp_path: Path, other: str) -> None:
    """A second claim by a near-identical name: refused naming its file, or its own page, or (the same person) a shared
    page that shows each claim with the role its claimant had then; never the other claim's role on the first one's."""
    files = {
        "first.yaml": valid_claim_text("first").replace("spokeswoman, Example Ministry", "Spokeswoman then"),
        "second.yaml": valid_claim_text("second").replace("Jane Example", other).replace("spokeswoman, Example Ministry", "Impostor role"),
    }
    root = make_project(tmp_path, files)
    result = run_cli(root, "generate")
    assert_no_crash(result)
    if result.returncode == 1:
        assert "claims/second.yaml" in problems_by_file(result), result.stderr
        return
    pages = {p: text for p, text in claimant_pages(root / "docs").items() if p != "index.md"}
    first = [p for p, text in pages.items() if re.search(r"claims/first\b", text)]
    assert len(first) == 1, first
    page = pages[first[0]]
    if not re.search(r"claims/second\b", page):
        assert "Impostor role" not in page, f"{first[0]} shows the near-identical claimant's role"
    else:
        assert "Spokeswoman then" in page and "Impostor role" in page, "a shared page must show each claim's role at the time"


STRESSING_TEXT = {
    "stacked-marks": "H" + "\u0301" * 290, "one-long-word": "W" * 300, "arabic": "مرحبا " * 40, "cjk": "中" * 300,
    "astral": "\U0001f600" * 150, "mixed-direction": "abc مرحبا def עברית 123", "math-letters": "𝔘𝔫𝔦𝔠𝔬𝔡𝔢" * 30,
    "tibetan": "ཀྵྨླྺྼྻྂ" * 30, "thai-marks": "ก้้้้้้้้้้้้" * 20,
}  # fmt: skip


def test_text_that_stresses_layout_reaches_pages_share_images_and_search_index_without_a_crash(tmp_path: Path) -> None:
    """Headlines the share-image renderer and the search indexer must lay out: stacked combining marks, one 300-letter
    word, right-to-left and mixed direction, CJK, astral characters. Accepted text must render; refused text must be located."""
    files = {
        f"{key}.yaml": own_sources(valid_claim_text(key), key).replace(SUMMARY, f"{SUMMARY}\nheadline: {yaml_str(text[:300])}")
        for key, text in STRESSING_TEXT.items()
    }
    accepted, _ = split_refused(tmp_path / "all", files)
    assert len(accepted) >= len(files) - 2, f"legitimate scripts refused: {sorted(set(files) - set(accepted))}"
    outputs = generate_clean(tmp_path / "accepted", accepted)
    assert output_problems(outputs) == []


# ---------------------------------------------------------------------------
# 6. Errors that are not located: YAML tags, constructors, nesting, unbounded work.

YAML_VARIANTS = {
    "tag-int": ('reviewed: "2026-11-20"', 'reviewed: !!int "abc"'),
    "tag-bool": ("status: confirmed", "status: !!bool maybe"),
    "tag-float": ("status: confirmed", "status: !!float x"),
    "tag-binary": ("status: confirmed", "status: !!binary '@@@'"),
    "tag-timestamp": ('date: "2024-06-10"', "date: !!timestamp 2024-99-99"),
    "tag-python": ("status: confirmed", "status: !!python/object/apply:os.system ['true']"),
    "tag-custom": ("status: confirmed", "status: !custom confirmed"),
    "tag-verbatim": ("status: confirmed", "status: !<tag:yaml.org,2002:int> x"),
    "tag-set": ("status: confirmed", "status: !!set {a, b}"),
    "tag-directive": ("id: tag-directive", "%TAG !e! tag:example.com,2000:\n---\nid: !e!x tag-directive"),
    "deep-flow": ("status: confirmed", "status: confirmed\ntags: " + "[" * 500 + "]" * 500),
    "deep-block": (SUMMARY, SUMMARY + "\nrelated:\n" + "".join("  " * i + "- \n" for i in range(1, 30))),
    "deep-map": (SUMMARY, SUMMARY + "\nextra:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 30))),
    "alias-bomb": (SUMMARY, SUMMARY + "\nx: &a [1, 2]\ny: [*a, *a, *a]"),
    "merge-key": (SUMMARY, SUMMARY + "\n<<: {headline: x}"),
    "int-overflow": ("status: confirmed", "status: confirmed\nx: 1e999999"),
    "bad-escape": ("  name: Jane Example", '  name: "Jane \\ud800 \\x"'),
    "nul-byte": ("  name: Jane Example", "  name: Jane\x00Example"),
    "dup-key": ("status: confirmed", "status: confirmed\nstatus: false"),
    "complex-key": ("status: confirmed", "status: confirmed\n? [a, b]\n: c"),
    "second-doc": (SUMMARY, SUMMARY + "\n---\nid: x"),
    "tabs": ("  name: Jane Example", "\tname: Jane Example"),
}


def test_yaml_tags_constructors_nesting_and_traps_are_located_never_a_traceback(tmp_path: Path) -> None:
    files = {f"{key}.yaml": claim_with(key, old, new) for key, (old, new) in YAML_VARIANTS.items()}
    files["not-utf8.yaml"] = ""  # replaced by bytes below
    files["empty.yaml"] = ""
    files["list-doc.yaml"] = "- a\n- b\n"
    root = make_project(tmp_path, files)
    (root / "claims" / "not-utf8.yaml").write_bytes(valid_claim_text("not-utf8").encode().replace(b"Jane", b"J\xff\xfene"))
    (root / "claims" / "huge.yaml").write_text(valid_claim_text("huge") + "#" + "x" * 300_000 + "\n", encoding="utf-8")
    for command in ("validate", "generate"):
        result = run_cli(root, command)
        assert_refused(result, dict.fromkeys([*files, "huge.yaml"]))


PATHOLOGICAL = {
    "emphasis": "*a " * 2000,
    "brackets": "[" * 5000 + "a",
    "links": "[a](https://x.example/ " * 1500,
    "backticks": "`a " * 3000 + "``" * 1000,
    "lists": "".join("  " * i + "- a\n" for i in range(300)),
    "quotes": "> " * 3000 + "a",
    "entities": "&#x61;" * 900,
    "underscores": "_a" * 3000,
}


@pytest.mark.parametrize("kind", list(PATHOLOGICAL), ids=list(PATHOLOGICAL))
def test_pathological_summary_markdown_is_bounded_work(tmp_path: Path, kind: str) -> None:
    """Inputs that make naive Markdown parsers quadratic: refused or rendered, quickly, never a crash."""
    from factcheck.sanitize import markdown_html, markdown_problems, markdown_text

    text = PATHOLOGICAL[kind][:6000]
    start = time.perf_counter()
    markdown_problems(text)
    markdown_html(text)
    markdown_text(text)
    assert time.perf_counter() - start < 5.0, f"{kind}: {time.perf_counter() - start:.1f} s for {len(text)} characters"


def test_pathological_summaries_through_the_command_line_finish_quickly(tmp_path: Path) -> None:
    files = {
        f"slow-{kind}.yaml": claim_with(f"slow-{kind}", SUMMARY, f"summary: {yaml_str(text[:6000])}") for kind, text in PATHOLOGICAL.items()
    }
    root = make_project(tmp_path, files)
    start = time.perf_counter()
    result = run_cli(root, "generate")
    elapsed = time.perf_counter() - start
    assert_no_crash(result)
    assert elapsed < 20, f"generate took {elapsed:.1f} s for {len(files)} pathological summaries"
    if result.returncode == 0:
        assert output_problems(read_outputs(root / "docs")) == []
    else:
        assert problems_by_file(result), result.stderr


def test_values_at_every_length_limit_generate_files_any_file_system_can_hold(tmp_path: Path) -> None:
    """Values that pass validation must not crash later: the longest id, tags, names, quotes and summary allowed."""
    long_id = "-".join(["abcdefghi"] * 8)[:80].strip("-")
    tag = ("t" * 79) + "x"
    text = valid_claim_text(long_id)
    text = text.replace("  name: Jane Example", "  name: " + "Longname " * 33)
    text = text.replace("  quote: Forty Hwasong-11 missiles were delivered, the ministry said.", "  quote: " + "word " * 599)
    text = text.replace(SUMMARY, "summary: " + "sentence " * 660)
    text += f"tags: [{tag}, {tag[:-1]}y]\nheadline: {'H' * 300}\n"
    root = make_project(tmp_path, {f"{long_id}.yaml": text})
    result = run_cli(root, "generate")
    assert_no_crash(result)
    assert result.returncode == 0, result.stderr
    for path in (root / "docs").rglob("*"):
        assert len(path.name.encode()) <= 255, path.name
    assert output_problems(read_outputs(root / "docs")) == []


# ---------------------------------------------------------------------------
# 7. Smaller leaks: spreadsheets, terminals and CI logs, PR summaries, dates.

NAMES = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
FORMULAS = ['=HYPERLINK("https://zqx.evil.example","x")', "+1+1", "-1+1", "@SUM(A1:A2)", "=cmd|' /C calc'!A0"]


def test_spreadsheet_formulas_in_any_field_are_neutralised_in_claims_csv(tmp_path: Path) -> None:
    files = {}
    for i, formula in enumerate(FORMULAS):
        text = valid_claim_text(f"formula-{i}", claim=yaml_str(f"{formula} said claimant number {i}"))
        text = text.replace("  name: Jane Example", f"  name: {yaml_str(f'{formula} {NAMES[i]}')}")
        text = text.replace("  publisher: Example News", f"  publisher: {yaml_str(formula)}")
        files[f"formula-{i}.yaml"] = own_sources(text, str(i)) + f"headline: {yaml_str(formula)}\n"
    files["tab-claim.yaml"] = valid_claim_text("tab-claim", claim=yaml_str("\t=1+1 in a claim that allows tabs"))
    outputs = generate_clean(tmp_path, files)
    text = outputs["claims.csv"]
    assert isinstance(text, str)
    assert csv_problems(text, "claims.csv") == []
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["headline"] for r in rows if r["id"].startswith("formula-")} == {"'" + f for f in FORMULAS}, "formulas not kept as text"
    assert xml_problems(str(outputs["feed.xml"]), "feed.xml") == []
    json.loads(gzip.decompress(outputs["claims.json.gz"]))  # type: ignore[arg-type]


def test_values_and_file_names_cannot_forge_terminal_output_or_github_workflow_commands(tmp_path: Path) -> None:
    injections = [
        "\r::error::forged",
        "\n::add-mask::x",
        "\x1b[2K\rall good",
        "%0A::warning::forged",
        "\u202eevil",
        "\x1b]8;;https://zqx.evil.example\x07",
    ]
    files = {
        f"ci-{i}.yaml": claim_with(f"ci-{i}", "  name: Jane Example", f"  name: {yaml_str('Jane' + inj)}")
        for i, inj in enumerate(injections)
    }
    root = make_project(tmp_path, files)
    (root / "claims" / "evil\n::error::forged name.yaml").write_text(valid_claim_text("x"), encoding="utf-8")
    (root / "claims" / "evil\r%0A::warning::x.yaml").write_text(valid_claim_text("y"), encoding="utf-8")
    result = run_cli(root, "validate", env={"GITHUB_ACTIONS": "true"})
    assert_no_crash(result)
    assert result.returncode == 1
    for line in result.stdout.splitlines():
        assert not line.startswith("::") or re.match(r"::error file=claims/[^,\r\n]+,line=\d+,title=[^:]*::", line), (
            f"forged command: {line!r}"
        )
    commands = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert len(commands) >= len(files) + 1, result.stdout  # "%0A::warning::" without a line break is legal text
    for line in (result.stdout + result.stderr).splitlines():
        assert not re.match(r"\s*::(?!error file=claims/)", line), f"a value started a workflow command: {line!r}"


def test_pull_request_summary_cells_stay_inert_whatever_the_raw_yaml_holds(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false", *args],
            cwd=root,
            check=True,
            capture_output=True,
            timeout=30,
        )

    root = make_project(tmp_path / "repo", {"a-claim.yaml": valid_claim_text("a-claim"), "b-claim.yaml": valid_claim_text("b-claim")})
    git("init", "-q")
    git("add", "claims")
    git("commit", "-q", "-m", "base")
    hostile = valid_claim_text("a-claim").replace(
        "status: confirmed",
        'status: "x | y `z` <script>alert(1)</script> [go](https://zqx.evil.example/) ![i](https://zqx.evil.example/i.png)\\e[2J\\r::error::x"',
    )
    hostile = hostile.replace("https://first.example.org/report", "https://first.example.org/a|b`c<img src=x onerror=alert(1)>")
    (root / "claims" / "a-claim.yaml").write_text(hostile, encoding="utf-8")
    (root / "claims" / "b-claim.yaml").write_bytes(b"status: \xff\xfe | broken\n")
    (root / "claims" / "c claim with spaces.yaml").write_text(valid_claim_text("c"), encoding="utf-8")
    git("add", "claims")
    git("commit", "-q", "-m", "hostile")
    git("tag", "hostile")
    (root / "claims" / "a-claim.yaml").write_text(hostile.replace("x | y", "y | x"), encoding="utf-8")
    result = run_cli(root, "diff", "--base", "HEAD~1")
    assert_no_crash(result)
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows, result.stdout + result.stderr
    for row in rows:
        cells = re.split(r"(?<!\\)\|", row)
        assert len(cells) == 6, f"a value split the table row into {len(cells) - 2} cells: {row!r}"
        outside_code = re.sub(r"`[^`]*`", "", row)  # a code span shows its text literally
        assert not re.search(r"<(script|img)\b", outside_code), f"raw HTML in the PR summary: {row!r}"
        assert not re.search(r"(?<!\\)\]\(", outside_code), f"a Markdown link or image in the PR summary: {row!r}"
        assert not CONTROL.search(row), f"control character in the PR summary: {row!r}"


def test_dates_out_of_order_are_refused_at_their_field(tmp_path: Path) -> None:
    files = {
        "published-early.yaml": valid_claim_text("published-early") + 'published: "2020-01-01"\n',
        "reviewed-early.yaml": claim_with("reviewed-early", 'reviewed: "2026-11-20"', 'reviewed: "2024-06-01"'),
        "history-early.yaml": valid_claim_text("history-early") + 'history:\n  - date: "2023-01-01"\n    kind: update\n    note: x\n',
        "future.yaml": claim_with("future", 'reviewed: "2026-11-20"', 'reviewed: "2999-01-01"'),
    }
    make_project(tmp_path, files)
    assert_refused(
        run_cli(tmp_path, "validate"),
        {
            "published-early.yaml": "published",
            "reviewed-early.yaml": "reviewed",
            "history-early.yaml": r"history\[0\]\.date|history.*",
            "future.yaml": "reviewed",
        },
    )


# ---------------------------------------------------------------------------
# The whole site, built by MkDocs from a hostile claim.


def site_project(root: Path, claims: dict[str, str]) -> Path:
    """A project MkDocs can build: config, overrides, the hand-written part of docs/ (not generated pages) and claims."""
    make_project(root, claims)
    shutil.copytree(REPO / "overrides", root / "overrides")
    manifest = REPO / "docs" / ".generated"
    generated = set(manifest.read_text(encoding="utf-8").splitlines()) if manifest.is_file() else set()
    for path in (REPO / "docs").rglob("*"):
        rel = path.relative_to(REPO / "docs").as_posix()
        if (
            path.is_file()
            and rel not in generated
            and rel != ".generated"
            and rel.split("/")[0] not in ("claims", "browse", "pagefind", "share")
        ):
            (root / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, root / "docs" / rel)
    return root


RICH_PAYLOAD = (  # at most ~280 characters: every plain-text field gets "<Field> " + this, and one-line fields hold 300
    '</title></script><script>alert("t")</script> x"><img src=x onerror=alert(1)> <iframe src=https://zqx.evil.example/> '
    "{: onclick=alert(1) .zqxclass } [zqx](javascript:alert(1)) ![zqx](https://zqx.evil.example/i.png) *zqx* `</pre>` "
    "<!-- {{ config }} =1+1 مرحبا 김정은 🙂"
)


def rich_hostile_claim() -> str:
    text = own_sources(hostile_claim_text("hostile-rich", payload=RICH_PAYLOAD), "rich")
    summary = "Two reports [support](https://first.example.org/report) it. <div> *unclosed"
    text = text.replace(SUMMARY, f"summary: {yaml_str(summary)}")
    return text + "tags: [evidence, the-claim, verdict]\n"


@pytest.mark.slow
def test_a_hostile_claim_builds_into_a_site_with_nothing_executable_or_third_party(tmp_path: Path) -> None:
    # A headline and tags named like the page's own sections: their anchors must not collide with the page's.
    anchors = valid_claim_text("anchor-names").replace(SUMMARY, f"{SUMMARY}\nheadline: Evidence\ntags: [evidence, verdict, sources]")
    claims = {
        "hostile-rich.yaml": rich_hostile_claim(),
        "example-claim.yaml": valid_claim_text(),
        "anchor-names.yaml": own_sources(anchors, "anchors"),
    }
    root = site_project(tmp_path / "project", claims)
    first = run_cli(root, "validate")
    if first.returncode == 1:  # the summary's raw HTML is refused (located); build the rest of the claim
        assert_refused(first, {"hostile-rich.yaml": "summary"})
        (root / "claims" / "hostile-rich.yaml").write_text(
            rich_hostile_claim().replace("<div> *unclosed", "*unclosed [x](https://second.example.com/a)"), encoding="utf-8"
        )
    result = run_cli(root, "build", env={"SITE_URL": "https://example.org/site/"})
    assert_no_crash(result)
    assert result.returncode == 0, result.stdout + result.stderr
    site = root / "site"
    found: list[str] = []
    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        source = page.read_text(encoding="utf-8")
        rel = page.relative_to(site).as_posix()
        found += html_problems(source, rel, body=False)
        ids = [a or b for a, b in re.findall(r'\sid=(?:"([^"]+)"|([^\s">]+))', source)]  # minified pages drop quotes
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            found.append(f"{rel}: duplicate element ids {duplicated[:5]} (a headline colliding with a generated anchor?)")
    claim_page = (site / "claims" / "hostile-rich" / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="?application/ld\+json"?>(.*?)</script>', claim_page, re.S)
    assert len(blocks) == 1, f"{len(blocks)} JSON-LD blocks on the hostile claim page"
    review = json.loads(blocks[0])
    assert review["@type"] == "ClaimReview"
    assert "alert" in json.dumps(review), "the JSON-LD lost the contributor's text instead of escaping it"
    found += csv_problems((site / "claims.csv").read_text(encoding="utf-8"), "claims.csv")
    found += xml_problems((site / "feed.xml").read_text(encoding="utf-8"), "feed.xml")
    json.loads(gzip.decompress((site / "claims.json.gz").read_bytes()))
    for fragment in (site / "pagefind" / "fragment").glob("*") if (site / "pagefind").is_dir() else []:
        from test_hostile_properties import fragment_problems

        found += fragment_problems(fragment.read_bytes(), fragment.relative_to(site).as_posix())
    # The search index holds contributor text as data (raw "<"): only a script that renders it as text keeps it inert.
    for script in sorted((root / "docs" / "javascripts").glob("*.js")) if (root / "docs" / "javascripts").is_dir() else []:
        sinks = re.findall(
            r"\.(innerHTML|outerHTML|insertAdjacentHTML)\b|document\.write|\beval\(|new Function\(", script.read_text(encoding="utf-8")
        )
        if sinks:
            found.append(f"docs/javascripts/{script.name}: HTML or code sinks {sorted(set(sinks))} in a script that renders index text")
    assert not found, "\n".join(found[:30])


@pytest.mark.parametrize("url", ["https://reuters.com@evil.example/story", "https://user:pass@news.example.org/a"])
def test_address_with_user_info_is_refused_because_it_hides_the_host(tmp_path: Path, url: str) -> None:
    text = valid_claim_text().replace("https://news.example.org/story", url)
    problems = check_text(tmp_path, text)
    assert [(p.line, p.field) for p in problems] == [(9, "source.url")]
    assert "hides the real host" in problems[0].message


def test_a_committed_build_cache_is_refused_and_never_read(tmp_path: Path) -> None:
    """A pull request could commit a forged cache (a page with script, keyed to a harmless claim)."""
    root = make_project(tmp_path / "project", {"example-claim.yaml": valid_claim_text()})
    assert run_cli(root, "generate").returncode == 0  # a real cache now exists
    forged = root / ".cache" / "factcheck" / "cache.sqlite3"
    assert forged.is_file()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-f", ".cache"], check=True)
    result = run_cli(root, "generate")
    assert_no_crash(result)
    assert result.returncode == 1
    assert ".cache/factcheck/" in result.stderr and "never trusted from git" in result.stderr
