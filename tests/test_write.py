"""Writing the generated pages: only what changed, never hand-written files, never on error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import TODAY, make_project, run_cli, valid_claim_text
from factcheck.render import render_site
from factcheck.rules import validate
from factcheck.siteconfig import SiteConfig
from factcheck.write import MANIFEST, check_targets, write_outputs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CONFIG = SiteConfig(site_name="Test site", site_url="https://example.org/factcheck/", publisher="Test publisher")
OLD = 1_000_000_000  # an mtime (2001) no write by the code under test can produce


def age(path: Path) -> None:
    os.utime(path, ns=(OLD * 10**9, OLD * 10**9))


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder``: its bytes and mtime."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def rendered(root: Path, *ids: str) -> dict[str, str | bytes]:
    paths = []
    for claim_id in ids:
        path = root / "claims" / f"{claim_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(valid_claim_text(claim_id), encoding="utf-8")
        paths.append(path)
    items, problems = validate(paths, today=TODAY, root=root)
    assert problems == []
    return render_site([i.claim for i in items if i.claim], CONFIG)


def test_unchanged_file_is_not_rewritten(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_outputs({"claims/a.md": "page a\n", "index.md": "home v1\n"}, docs)
    age(docs / "claims" / "a.md")
    age(docs / "index.md")
    report = write_outputs({"claims/a.md": "page a\n", "index.md": "home v2\n"}, docs)
    assert (report.written, report.unchanged, report.removed) == (["index.md"], 1, [])
    assert (docs / "claims" / "a.md").stat().st_mtime_ns == OLD * 10**9
    assert (docs / "index.md").stat().st_mtime_ns != OLD * 10**9
    assert (docs / "index.md").read_text(encoding="utf-8") == "home v2\n"


def test_second_run_with_no_change_writes_nothing(tmp_path: Path) -> None:
    outputs = rendered(tmp_path, "first-claim", "second-claim")
    docs = tmp_path / "docs"
    first = write_outputs(outputs, docs)
    assert sorted(first.written) == sorted(outputs)
    for path in docs.rglob("*"):
        if path.is_file():
            age(path)
    before = snapshot(docs)
    second = write_outputs(outputs, docs)
    assert (second.written, second.unchanged, second.removed) == ([], len(outputs), [])
    assert snapshot(docs) == before


def test_page_of_a_deleted_claim_is_removed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_outputs(rendered(tmp_path, "first-claim", "second-claim"), docs)
    assert (docs / "claims" / "second-claim.md").is_file()
    (tmp_path / "claims" / "second-claim.yaml").unlink()
    report = write_outputs(rendered(tmp_path, "first-claim"), docs)
    assert "claims/second-claim.md" in report.removed
    assert not (docs / "claims" / "second-claim.md").exists()
    assert (docs / "claims" / "first-claim.md").is_file()
    assert "claims/second-claim.md" not in (docs / MANIFEST).read_text(encoding="utf-8").split()


def test_generated_top_level_page_that_is_no_longer_produced_is_removed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_outputs({"index.md": "home\n", "old-page.md": "old\n"}, docs)
    report = write_outputs({"index.md": "home\n"}, docs)
    assert report.removed == ["old-page.md"]
    assert not (docs / "old-page.md").exists()


def test_hand_written_files_outside_the_generated_folders_are_left_alone(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    hand = {"notes.md": b"my notes\n", "stylesheets/site.css": b"body {}\n", "images/logo.png": b"\x89PNG\r\n"}
    for rel, data in hand.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_bytes(data)
        age(docs / rel)
    write_outputs(rendered(tmp_path, "first-claim", "second-claim"), docs)
    write_outputs(rendered(tmp_path, "first-claim"), docs)
    for rel, data in hand.items():
        assert (docs / rel).read_bytes() == data
        assert (docs / rel).stat().st_mtime_ns == OLD * 10**9


def test_stray_file_inside_the_generated_claims_folder_is_removed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "claims").mkdir(parents=True)
    (docs / "claims" / "stale-page.md").write_text("left over\n", encoding="utf-8")
    report = write_outputs(rendered(tmp_path, "first-claim"), docs)
    assert report.removed == ["claims/stale-page.md"]


def test_manifest_cannot_make_it_delete_files_outside_docs(tmp_path: Path) -> None:
    docs = tmp_path / "project" / "docs"
    docs.mkdir(parents=True)
    relative_victim = tmp_path / "project" / "keep-relative.txt"
    absolute_victim = tmp_path / "keep-absolute.txt"
    for victim in (relative_victim, absolute_victim):
        victim.write_text("precious\n", encoding="utf-8")
    (docs / MANIFEST).write_text(f"../keep-relative.txt\n{absolute_victim}\n", encoding="utf-8")
    write_outputs({"index.md": "home\n"}, docs)
    assert relative_victim.read_text(encoding="utf-8") == "precious\n"
    assert absolute_victim.read_text(encoding="utf-8") == "precious\n"


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    first = rendered(tmp_path / "a", "first-claim", "second-claim", "third-claim")
    second = rendered(tmp_path / "b", "third-claim", "first-claim", "second-claim")
    assert first == second
    as_bytes = {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in first.items()}
    assert as_bytes == {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in second.items()}


def test_cli_generate_twice_reports_everything_unchanged(tmp_path: Path) -> None:
    root = make_project(tmp_path, {f"{i}.yaml": valid_claim_text(i) for i in ("first-claim", "second-claim")})
    first = run_cli(root, "generate")
    assert first.returncode == 0, first.stderr
    before = snapshot(root / "docs")
    second = run_cli(root, "generate")
    assert second.returncode == 0, second.stderr
    assert " 0 written," in second.stdout
    assert " 0 removed" in second.stdout
    assert snapshot(root / "docs") == before


def test_cli_generate_with_an_invalid_claim_creates_nothing(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {"good-claim.yaml": valid_claim_text("good-claim"), "bad-claim.yaml": valid_claim_text("bad-claim", status="confimred")},
    )
    result = run_cli(root, "generate")
    assert result.returncode == 1
    assert "claims/bad-claim.yaml:12: status: `confimred` is not a valid status" in result.stderr
    assert "Nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "docs" / "claims").exists()
    assert not (root / "docs" / "index.md").exists()


def test_cli_generate_with_an_invalid_claim_leaves_existing_pages_untouched(tmp_path: Path) -> None:
    root = make_project(tmp_path, {f"{i}.yaml": valid_claim_text(i) for i in ("first-claim", "second-claim")})
    assert run_cli(root, "generate").returncode == 0
    for path in (root / "docs").rglob("*"):
        if path.is_file():
            age(path)
    before = snapshot(root / "docs")
    (root / "claims" / "second-claim.yaml").write_text(valid_claim_text("second-claim", status="confimred"), encoding="utf-8")
    (root / "claims" / "first-claim.yaml").unlink()
    result = run_cli(root, "generate")
    assert result.returncode == 1
    assert snapshot(root / "docs") == before


def _one_by_one(outputs: list[str], docs: Path) -> list[str]:
    """What check_targets reports, worked out for each path on its own, every folder above it looked at again."""
    problems = set()
    for rel in outputs:
        parts = rel.split("/")
        for number in range(1, len(parts) + 1):
            here, last = docs.joinpath(*parts[:number]), number == len(parts)
            shown = "/".join(parts[:number])
            if here.is_symlink():
                problems.add(f"{shown}: is a symbolic link; generated files are never written through links")
                break
            if here.exists() and here.is_dir() == last:
                what = "a folder where a generated file goes" if last else "not a folder, but generated files go inside it"
                problems.add(f"{shown}: is {what}; move it away")
                break
            if not here.exists():
                break
    return sorted(problems)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    tree=st.dictionaries(st.sampled_from(["a", "a/b", "a/c", "d", "d/e", "a/b/f"]), st.sampled_from(["dir", "file", "link"]), max_size=4),
    outputs=st.lists(
        st.sampled_from(["a/b/x.md", "a/b/y.md", "a/c/x.md", "a/x.md", "d/e/x.md", "d/x.md", "x.md", "a/b/f/x.md"]), max_size=8
    ),
)
def test_each_unsafe_target_is_found_however_many_files_share_its_folder(
    tmp_path_factory: pytest.TempPathFactory, tree: dict[str, str], outputs: list[str]
) -> None:
    docs = tmp_path_factory.mktemp("docs")
    for rel, kind in sorted(tree.items()):
        path = docs / rel
        if path.parent.exists() and path.parent.is_dir() and not path.parent.is_symlink() and not path.exists():
            if kind == "dir":
                path.mkdir()
            elif kind == "file":
                path.write_text("x", encoding="utf-8")
            else:
                path.symlink_to(docs / "elsewhere")
    found = [p for p in check_targets(dict.fromkeys(outputs, ""), docs) if "inside a generated folder" not in p]
    assert found == _one_by_one(sorted(set(outputs)), docs)
