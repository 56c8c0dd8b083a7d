"""A failing run changes nothing: docs/ and site/ stay byte for byte, nothing outside the project is touched.

A project is built once (``claims.py build``: generate + MkDocs strict); each test
copies it, makes one thing wrong (an invalid claim, a broken hand-written page that
fails MkDocs' strict mode, a generated folder or the build's scratch folder committed
as a symbolic link, a folder where a page goes, a manifest naming files outside) and
runs ``generate`` and/or ``build``. The run must refuse with located problems (never
exit 3, the unhandled-crash status), and the trees of docs/, site/ and every folder
outside the project must be exactly as before: same entries, same bytes, same
modification times, same link targets.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli, valid_claim_text
from test_hostile_input import assert_no_crash, problems_by_file, site_project

pytestmark = pytest.mark.slow

Tree = dict[str, tuple[object, ...]]


def tree(path: Path) -> Tree:
    """Every entry under ``path`` (links not followed): kind, bytes and mtime for files, target for links."""
    if path.is_symlink():
        return {".": ("link", os.readlink(path))}
    if not path.exists():
        return {}
    found: Tree = {".": ("dir",)}
    for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
        for name in dirnames + filenames:
            entry = Path(dirpath) / name
            rel = entry.relative_to(path).as_posix()
            if entry.is_symlink():
                found[rel] = ("link", os.readlink(entry))
            elif entry.is_dir():
                found[rel] = ("dir",)
            else:
                found[rel] = ("file", entry.read_bytes(), entry.stat().st_mtime_ns)
    return found


def assert_same(before: Tree, after: Tree, what: str) -> None:
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"{what} changed: {changed[:10]}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with two claims, generated and built successfully (docs/ and site/ exist)."""
    root = site_project(
        tmp_path_factory.mktemp("built") / "project",
        {"example-claim.yaml": valid_claim_text(), "other-claim.yaml": valid_claim_text("other-claim")},
    )
    result = run_cli(root, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (root / "site" / "index.html").is_file()
    return root


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built project inside ``tmp_path/work`` (``tmp_path/outside`` is outside it)."""
    root = tmp_path / "work" / "project"
    shutil.copytree(built, root, symlinks=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "victim.md").write_text("# Someone else's file\n", encoding="utf-8")
    (tmp_path / "outside" / "claims").mkdir()
    (tmp_path / "outside" / "claims" / "kept.md").write_text("kept\n", encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, Tree]:
    outside = root.parent.parent / "outside"
    return {"docs/": tree(root / "docs"), "site/": tree(root / "site"), "outside": tree(outside), "claims/": tree(root / "claims")}


def run_and_compare(root: Path, command: str) -> subprocess.CompletedProcess[str]:
    before = snapshot(root)
    result = run_cli(root, command)
    assert_no_crash(result)
    assert result.returncode == 1, f"{command}: expected a refusal, got {result.returncode}:\n{result.stdout}{result.stderr}"
    after = snapshot(root)
    for what in before:
        assert_same(before[what], after[what], f"{what} after a failing `{command}`")
    stage = root / ".cache" / "build"
    assert stage.is_symlink() or not stage.exists(), "the staging folder was left behind"
    return result


@pytest.mark.parametrize("command", ["generate", "build"])
def test_an_invalid_claim_changes_nothing(project: Path, command: str) -> None:
    (project / "claims" / "new-claim.yaml").write_text(valid_claim_text("new-claim").replace('date: "2024-06-10"', 'date: "2024-06-10\\n"'))
    (project / "claims" / "example-claim.yaml").write_text(valid_claim_text().replace("Two independent", "Three independent"))
    result = run_and_compare(project, command)
    assert "claims/new-claim.yaml" in problems_by_file(result)


@pytest.mark.parametrize("command", ["generate", "build"])
def test_a_value_that_would_crash_a_later_stage_changes_nothing(project: Path, command: str) -> None:
    """Values that once passed validation and crashed the renderer (digits of another script) stop before any write."""
    (project / "claims" / "example-claim.yaml").write_text(
        valid_claim_text().replace('reviewed: "2026-11-20"', 'reviewed: "２０２６-11-20"')
    )
    result = run_and_compare(project, command)
    assert any(m["field"] == "reviewed" for m in problems_by_file(result)["claims/example-claim.yaml"])


def test_a_strict_mkdocs_failure_is_located_in_the_page_and_changes_nothing(project: Path) -> None:
    """The new claim is valid, but a hand-written page has a broken link: MkDocs --strict fails, docs/ and site/ stay."""
    (project / "claims" / "new-claim.yaml").write_text(valid_claim_text("new-claim"), encoding="utf-8")
    (project / "docs" / "notes.md").write_text("# Notes\n\nFirst line.\n\nSee [the missing page](missing-page.md).\n", encoding="utf-8")
    result = run_and_compare(project, "build")
    lines = [line for line in result.stderr.splitlines() if line.startswith("docs/notes.md:")]
    assert any(line.startswith("docs/notes.md:5:") and "missing-page.md" in line for line in lines), result.stderr
    assert not (project / "docs" / "claims" / "new-claim.md").exists(), "the new claim's page was written although the build failed"


@pytest.mark.parametrize(
    "command, linked",
    [
        ("generate", "docs/claims"),
        ("generate", "docs/browse"),
        ("generate", "docs"),
        ("generate", "docs/claims/example-claim.md"),
        ("build", "docs/claims"),
        ("build", "site"),
        ("build", ".cache"),
        ("build", ".cache/build"),
    ],
)
def test_a_generated_folder_committed_as_a_link_is_refused_and_its_target_untouched(project: Path, command: str, linked: str) -> None:
    target = project.parent.parent / "outside" / ("victim.md" if linked.endswith(".md") else "claims")
    link = project / linked
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)
    elif link.exists() or link.is_symlink():
        link.unlink()
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    result = run_and_compare(project, command)
    assert "symbolic link" in result.stderr, result.stderr


@pytest.mark.parametrize("obstacle", ["folder-where-a-page-goes", "file-where-a-folder-goes"])
@pytest.mark.parametrize("command", ["generate", "build"])
def test_something_in_the_way_of_an_output_is_reported_before_anything_is_written(project: Path, obstacle: str, command: str) -> None:
    """A folder named like a generated page (or a file named like a generated folder) once crashed the writer halfway."""
    docs = project / "docs"
    (project / "claims" / "new-claim.yaml").write_text(valid_claim_text("new-claim"), encoding="utf-8")
    if obstacle == "folder-where-a-page-goes":
        (docs / "methodology.md").unlink()
        (docs / "methodology.md").mkdir()
    else:
        shutil.rmtree(docs / "browse")
        (docs / "browse").write_text("not a folder\n", encoding="utf-8")
    run_and_compare(project, command)
    assert not (docs / "claims" / "new-claim.md").exists()


def test_a_symlinked_claim_is_never_read_printed_or_built(project: Path) -> None:
    secret = project.parent.parent / "outside" / "secret.yaml"
    secret.write_text(valid_claim_text("secret").replace("Jane Example", "SECRET-TOKEN-5521"), encoding="utf-8")
    (project / "claims" / "secret.yaml").symlink_to(secret)
    result = run_and_compare(project, "build")
    assert "SECRET-TOKEN-5521" not in result.stdout + result.stderr
    assert "claims/secret.yaml" in problems_by_file(result)


def test_a_manifest_naming_files_outside_docs_cannot_delete_them(project: Path) -> None:
    """docs/.generated lists what the last run wrote; a hostile one cannot make the next run delete elsewhere."""
    outside = project.parent.parent / "outside"
    manifest = project / "docs" / ".generated"
    hostile = [
        "../../outside/victim.md",
        str(outside / "victim.md"),
        "claims/../../../outside/claims/kept.md",
        "../claims/example-claim.yaml",
    ]
    manifest.write_text(manifest.read_text(encoding="utf-8") + "".join(f"{line}\n" for line in hostile), encoding="utf-8")
    before = tree(outside), tree(project / "claims")
    for command in ("generate", "build"):
        result = run_cli(project, command)
        assert_no_crash(result)
        assert result.returncode == 0, result.stdout + result.stderr
    assert_same(before[0], tree(outside), "the folder outside the project")
    assert_same(before[1], tree(project / "claims"), "claims/")


def test_a_successful_build_writes_nothing_outside_the_project(project: Path) -> None:
    outside = project.parent.parent
    before = {k: v for k, v in tree(outside).items() if not k.startswith("work/project")}
    (project / "claims" / "new-claim.yaml").write_text(valid_claim_text("new-claim"), encoding="utf-8")
    result = run_cli(project, "build")
    assert_no_crash(result)
    assert result.returncode == 0, result.stdout + result.stderr
    after = {k: v for k, v in tree(outside).items() if not k.startswith("work/project")}
    assert_same(before, after, "the folders around the project")
    assert (project / "site" / "claims" / "new-claim" / "index.html").is_file()
    assert not (project / ".cache" / "build").exists()


def test_a_site_over_the_pages_limit_stops_a_github_build_and_changes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GitHub Pages refuses sites over 1 GB: in GitHub Actions the build stops before publishing, saying how big the
    site is and of what; elsewhere it builds and warns. (The limit is lowered to this small site's size.)"""
    import argparse

    from factcheck import build

    (project / "claims" / "new-claim.yaml").write_text(valid_claim_text("new-claim"), encoding="utf-8")
    monkeypatch.setattr(build, "PAGES_LIMIT", 50_000)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    before = snapshot(project)
    status, problems, _ = build.build_site(project)
    assert status == 1
    assert [(p.file, p.line) for p in problems] == [("site", 1)]
    assert "GitHub Pages refuses to publish a site over" in problems[0].message
    assert "HTML" in problems[0].message and "share images" in problems[0].message
    after = snapshot(project)
    for what in before:
        assert_same(before[what], after[what], f"{what} after a site too big to publish")
    assert not (project / ".cache" / "build").exists()

    monkeypatch.delenv("GITHUB_ACTIONS")
    assert build.cmd_build(argparse.Namespace(root=str(project))) == 0
    assert "warning: site/ is" in capsys.readouterr().err
    assert (project / "site" / "claims" / "new-claim" / "index.html").is_file()


def test_the_built_site_carries_no_theme_file_that_no_page_loads(built: Path) -> None:
    """Material's lunr search and worker (Pagefind searches here) and its source maps are left out of site/,
    and every script and stylesheet a page names is still there."""
    site = built / "site"
    assert not (site / "assets" / "javascripts" / "lunr").exists()
    assert not (site / "assets" / "javascripts" / "workers").exists()
    assert not list(site.rglob("*.map"))
    bundles = list((site / "assets").rglob("*.js"))
    assert bundles, "Material's bundle is gone too"
    for bundle in bundles:
        assert b"sourceMappingURL" not in bundle.read_bytes(), f"{bundle.name} names a source map that is not published"
    for page in (site / "index.html", site / "claims" / "example-claim" / "index.html", site / "search" / "index.html"):
        html = page.read_text(encoding="utf-8")
        named = re.findall(r'(?:src|href)="?([^"\s>]+\.(?:js|css))(?=["\s>])', html)
        assert named, page
        for name in named:
            assert (page.parent / name).resolve().is_file(), f"{page.relative_to(site)} loads {name}, which is missing"
