"""The generator's cache: used when nothing changed, dropped when the generator, a template or the config changed, never trusted blindly."""

from __future__ import annotations

import os
import pickle
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import line_of, make_project, valid_claim_text
from factcheck import cache, pipeline

FOLDER = cache.FOLDER


def encoded(outputs: dict[str, str | bytes]) -> dict[str, bytes]:
    return {path: content.encode("utf-8") if isinstance(content, str) else content for path, content in outputs.items()}


def project_with(tmp_path: Path, count: int = 3) -> Path:
    root = make_project(tmp_path / "project")
    for n in range(count):
        text = valid_claim_text(f"claim-{n}", claim=f"The ministry said {n} Hwasong-11 missiles arrived in shipment {n}.")
        (root / "claims" / f"claim-{n}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def generator_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in file counted as part of the generator's source (so a test can 'edit the generator')."""
    extra = tmp_path / "extra-template.html.j2"
    extra.write_text("version 1", encoding="utf-8")
    real = cache.source_files
    monkeypatch.setattr(cache, "source_files", lambda: [*real(), extra])
    return extra


def test_nothing_changed_the_whole_run_is_the_last_one_read_back(tmp_path: Path) -> None:
    root = project_with(tmp_path)
    cold = pipeline.run(root, extras=False)
    warm = pipeline.run(root, extras=False)
    assert cold.cache["hits"] == {}
    assert warm.cache == {"hits": {"run": 1}, "misses": {}}
    assert encoded(dict(warm.outputs)) == encoded(cold.outputs)
    assert [i.claim for i in warm.items] == [i.claim for i in cold.items]
    assert [i.path for i in warm.items] == [i.path for i in cold.items]


def test_a_run_with_the_extras_is_not_served_from_a_run_without_them(tmp_path: Path) -> None:
    root = project_with(tmp_path)
    pipeline.run(root, extras=False)
    with_extras = pipeline.run(root)
    assert "share/claim-0.png" in with_extras.outputs
    assert with_extras.cache["hits"].get("run") is None


def test_a_touched_but_unchanged_file_is_hashed_again_and_nothing_is_rendered_again(tmp_path: Path) -> None:
    root = project_with(tmp_path)
    cold = pipeline.run(root, extras=False)
    path = root / "claims" / "claim-0.yaml"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    warm = pipeline.run(root, extras=False)
    assert warm.cache["misses"] == {"claims": 1}  # its stat; its content hash is the same, so the claim itself is a hit
    assert warm.cache["hits"]["claims"] == 2 + 3
    assert warm.cache["hits"]["pages"] == len([p for p in cold.outputs if p.endswith(".md")]) + 3  # + the three data files
    assert encoded(dict(warm.outputs)) == encoded(cold.outputs)


def test_a_run_that_needs_no_data_file_row_keeps_them_all_for_the_next(tmp_path: Path) -> None:
    root = project_with(tmp_path)
    pipeline.run(root, extras=False)
    path = root / "claims" / "claim-0.yaml"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    touched = pipeline.run(root, extras=False).cache["misses"]
    assert "json rows" not in touched and "csv rows" not in touched  # touched only: the data files are as cached
    path.write_text(path.read_text(encoding="utf-8").replace("in shipment 0.", "in the first shipment."), encoding="utf-8")
    edited = pipeline.run(root, extras=False)
    assert edited.cache["misses"]["json rows"] == edited.cache["misses"]["csv rows"] == 1
    assert edited.cache["hits"]["json rows"] == edited.cache["hits"]["csv rows"] == 2


def test_one_edited_claim_is_the_only_claim_loaded_again(tmp_path: Path) -> None:
    root = project_with(tmp_path)
    pipeline.run(root, extras=False)
    path = root / "claims" / "claim-1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("shipment 1.", "shipment one."), encoding="utf-8")
    warm = pipeline.run(root, extras=False)
    assert warm.cache["misses"]["claims"] == 2  # its stat and its content
    assert warm.cache["hits"]["claims"] == 2 * 2
    assert "The ministry said 1 Hwasong-11 missiles arrived in shipment one." in warm.outputs["claims/claim-1.md"]


def test_an_edit_that_keeps_size_and_time_is_still_seen_when_the_inode_changes(tmp_path: Path) -> None:
    root = project_with(tmp_path)
    pipeline.run(root, extras=False)
    path = root / "claims" / "claim-2.yaml"
    stat = path.stat()
    text = path.read_text(encoding="utf-8").replace("shipment 2.", "shipment 9.")
    path.unlink()
    path.write_text(text, encoding="utf-8")  # an editor's save: a new file, same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    warm = pipeline.run(root, extras=False)
    assert "shipment 9." in warm.outputs["claims/claim-2.md"]


def test_changing_a_template_or_the_generator_empties_the_cache(tmp_path: Path, generator_source: Path) -> None:
    root = project_with(tmp_path)
    pipeline.run(root, extras=False)
    assert pipeline.run(root, extras=False).cache["misses"] == {}
    generator_source.write_text("version 2", encoding="utf-8")
    after = pipeline.run(root, extras=False)
    assert after.cache["hits"] == {}
    assert (
        after.cache["misses"]["claims"] == 3
    )  # each file's stat; no claim is cached, so the files are read (and hashed) once, in the workers


def test_the_fingerprint_covers_modules_and_templates() -> None:
    names = {p.name for p in cache.source_files()}
    assert {"pipeline.py", "render.py", "claim.html.j2", "home.html.j2"} <= names


def test_changing_the_site_config_renders_every_page_again(tmp_path: Path) -> None:
    root = project_with(tmp_path)
    pipeline.run(root, extras=False)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("publisher: Claim Check contributors", "publisher: Someone Else"))
    after = pipeline.run(root, extras=False)
    assert after.cache["hits"] == {}
    assert encoded(after.outputs) == encoded(pipeline.run(root, extras=False, use_cache=False).outputs)


def test_the_site_address_from_the_environment_is_part_of_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project_with(tmp_path)
    monkeypatch.setenv("SITE_URL", "https://one.example.org/")
    pipeline.run(root, extras=False)
    monkeypatch.setenv("SITE_URL", "https://two.example.org/")
    after = pipeline.run(root, extras=False)
    assert "https://two.example.org/claims/claim-0/" in after.outputs["claims/claim-0.md"]
    assert "one.example.org" not in after.outputs["claims/claim-0.md"]


@pytest.mark.parametrize(
    "garbage", [b"", b"not a database at all", pickle.dumps({"some": "other program's cache"}), b"SQLite format 3\x00"]
)
def test_a_corrupt_or_foreign_cache_file_is_ignored(tmp_path: Path, garbage: bytes) -> None:
    root = project_with(tmp_path)
    expected = encoded(pipeline.run(root, extras=False, use_cache=False).outputs)
    pipeline.run(root, extras=False)
    (root / FOLDER / cache.DATABASE).write_bytes(garbage)
    result = pipeline.run(root, extras=False)
    assert result.ok
    assert result.cache["hits"] == {}
    assert encoded(result.outputs) == expected
    assert pipeline.run(root, extras=False).cache["misses"] == {}  # and it was replaced by a good one


class _Planted:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.marker),))


def _database(root: Path) -> Any:
    import sqlite3

    return sqlite3.connect(root / FOLDER / cache.DATABASE, isolation_level=None)


def test_a_cache_entry_naming_other_code_is_refused_not_run_and_replaced(tmp_path: Path) -> None:
    root = project_with(tmp_path)
    expected = encoded(pipeline.run(root, extras=False).outputs)
    marker = tmp_path / "planted-code-ran"
    with _database(root) as db:
        db.execute("UPDATE entries SET value = ? WHERE part = 'claims' AND name LIKE 'claim:%'", (pickle.dumps(_Planted(marker)),))
    result = pipeline.run(root, extras=False)
    assert result.ok
    assert not marker.exists()
    assert result.cache["misses"]["claims"] == 3  # every planted entry was a miss (a file's hash is kept in its key, no value)
    assert encoded(result.outputs) == expected
    assert "claims" not in pipeline.run(root, extras=False, use_cache=True).cache["misses"]  # and was replaced


def test_a_cache_from_another_fingerprint_is_not_used(tmp_path: Path) -> None:
    root = project_with(tmp_path)
    pipeline.run(root, extras=False)
    with _database(root) as db:
        db.execute("UPDATE meta SET value = 'another-fingerprint' WHERE name = 'fingerprint'")
    result = pipeline.run(root, extras=False)
    assert result.cache["hits"] == {}


def test_an_edited_claim_rewrites_only_its_own_entries(tmp_path: Path) -> None:
    root = project_with(tmp_path, count=5)
    pipeline.run(root, extras=False)
    with _database(root) as db:
        before = dict(db.execute("SELECT part || ' ' || name, key FROM entries").fetchall())
    path = root / "claims" / "claim-3.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("shipment 3.", "shipment three."), encoding="utf-8")
    pipeline.run(root, extras=False)
    with _database(root) as db:
        after = dict(db.execute("SELECT part || ' ' || name, key FROM entries").fetchall())
    changed = sorted(name for name in after if before.get(name) != after[name])
    assert "pages claims/claim-3.md" in changed and "claims claim:claims/claim-3.yaml" in changed
    assert not [name for name in changed if "claim-1" in name or "claim-2" in name]  # the other claims' pages and records stay
    assert set(before) == set(after)


def test_deleting_the_cache_is_safe(tmp_path: Path) -> None:
    import shutil

    root = project_with(tmp_path)
    first = encoded(pipeline.run(root, extras=False).outputs)
    shutil.rmtree(root / ".cache")
    again = pipeline.run(root, extras=False)
    assert again.cache["hits"] == {} and encoded(again.outputs) == first


def test_a_cache_folder_that_is_a_symbolic_link_is_neither_read_nor_written(tmp_path: Path) -> None:
    root = project_with(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / ".cache").mkdir()
    (root / FOLDER).symlink_to(elsewhere)
    result = pipeline.run(root, extras=False)
    assert result.ok
    assert list(elsewhere.iterdir()) == []


def test_an_invalid_claim_is_reported_again_on_every_run(tmp_path: Path) -> None:
    root = project_with(tmp_path)
    (root / "claims" / "claim-1.yaml").write_text(valid_claim_text("claim-1").replace('date: "2024-06-10"', 'date: "2024-06-31"'))
    first = pipeline.run(root, extras=False)
    second = pipeline.run(root, extras=False)
    assert first.problems and second.problems == first.problems


def test_cross_claim_rules_run_on_cached_claims(tmp_path: Path) -> None:
    root = project_with(tmp_path)
    pipeline.run(root, extras=False)
    copy = (root / "claims" / "claim-0.yaml").read_text(encoding="utf-8").replace("id: claim-0", "id: claim-9")
    (root / "claims" / "claim-9.yaml").write_text(copy, encoding="utf-8")  # the same claim text as the cached claim-0
    result = pipeline.run(root, extras=False)
    assert any("already checked in claims/claim-0.yaml" in p.message for p in result.problems)


class _CountingIndex:
    """A stand-in search module: counts how often the index is built."""

    __name__ = "counting"

    def __init__(self) -> None:
        self.builds = 0

    def record_html(self, claim: Any) -> str:
        return f"<h1>{claim.title}</h1>"

    def index_files(self, claims: list[Any], config: Any, texts: Any = None) -> dict[str, bytes]:
        self.builds += 1
        return {"pagefind/index.bin": "|".join(c.title for c in sorted(claims, key=lambda c: c.id)).encode()}


def test_the_search_index_is_rebuilt_only_when_a_record_changes(tmp_path: Path) -> None:
    root = project_with(tmp_path)
    result = pipeline.run(root, extras=False)
    module = _CountingIndex()
    store = cache.Store.open(root, "test")
    first = pipeline._search_index(module, result.claims, None, store)  # type: ignore[arg-type]
    store.save()
    store = cache.Store.open(root, "test")
    again = pipeline._search_index(module, result.claims, None, store)  # type: ignore[arg-type]
    assert module.builds == 1 and cache.Outputs(again) == first
    changed = [*result.claims[:-1], _retitled(result.claims[-1])]
    pipeline._search_index(module, changed, None, store)  # type: ignore[arg-type]
    assert module.builds == 2


def test_after_one_edit_the_search_index_files_whose_bytes_did_not_change_keep_their_keys(tmp_path: Path) -> None:
    from factcheck.write import write_outputs

    root = project_with(tmp_path)
    first = pipeline.run(root)
    write_outputs(first.outputs, root / "docs", keys=first.keys, sums=root / FOLDER / "written.json")
    path = root / "claims" / "claim-1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("in shipment 1.", "in the first shipment."), encoding="utf-8")
    second = pipeline.run(root)
    index = sorted(p for p in first.outputs if p.startswith("pagefind/"))
    same = [p for p in index if p in second.outputs and second.outputs[p] == first.outputs[p]]
    changed = [p for p in index if p not in same]
    assert same and changed, "one edit changes some of the index's files, not all"
    assert all(second.keys[p] == first.keys[p] for p in same)
    assert not any(second.keys.get(p) == first.keys[p] for p in changed)
    report = write_outputs(second.outputs, root / "docs", keys=second.keys, sums=root / FOLDER / "written.json")
    assert not set(report.written) & set(same)
    assert encoded(dict(second.outputs)) == encoded(dict(pipeline.run(root, use_cache=False).outputs))


def _retitled(claim: Any) -> Any:
    import dataclasses

    return dataclasses.replace(claim, headline="A different headline")


def test_share_images_are_drawn_again_only_for_claims_whose_card_changed(tmp_path: Path) -> None:
    from factcheck import shareimage
    from factcheck.siteconfig import read_config

    root = project_with(tmp_path)
    claims = pipeline.run(root, extras=False).claims
    config = read_config(root / "mkdocs.yml")
    store = cache.Store.open(root, "test")
    first = pipeline._share_images(shareimage, claims, config, store)
    store.save()
    store = cache.Store.open(root, "test")
    changed = [_retitled(claims[0]), *claims[1:]]
    second = cache.Outputs(pipeline._share_images(shareimage, changed, config, store))  # cached images are read when used
    assert store.misses == {"extras": 1} and store.hits["extras"] == len(claims)  # the changed card; the others and the site card
    assert second["share/claim-0.png"] != first["share/claim-0.png"]
    assert {k: v for k, v in second.items() if k != "share/claim-0.png"} == {k: v for k, v in first.items() if k != "share/claim-0.png"}
    assert dict(second) == shareimage.share_images(changed, config)


def test_a_problem_across_claims_points_at_the_same_line_of_a_cached_claim(tmp_path: Path) -> None:
    """A claim read back from the cache keeps only where its values stood; a conflict found later must still name that line."""
    root = project_with(tmp_path, count=2)
    assert pipeline.run(root, extras=False).ok  # claim-0 and claim-1 are now cached
    other = valid_claim_text("claim-9", claim="The ministry said 9 Hwasong-11 missiles arrived in shipment 9.")
    (root / "claims" / "claim-9.yaml").write_text(other.replace("publisher: First Wire", "publisher: Another Wire"), encoding="utf-8")
    warm = pipeline.run(root, extras=False)
    cold = pipeline.run(root, extras=False, use_cache=False)
    assert warm.cache["hits"]["claims"] >= 2
    assert warm.problems and warm.problems == cold.problems
    line = line_of((root / "claims" / "claim-0.yaml").read_text(encoding="utf-8"), "publisher: First Wire")
    assert [(p.file, p.line) for p in warm.problems if p.file == "claims/claim-0.yaml"] == [("claims/claim-0.yaml", line)]
    assert any(f"claims/claim-0.yaml:{line}" in p.message for p in warm.problems)


def test_serve_shows_an_edit_with_the_last_search_index_then_rebuilds_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 10,000 claims the index takes ~30 s: `serve` writes the edited pages first, then the fresh index."""
    from factcheck import searchindex

    builds: list[int] = []

    def index_files(claims: list[Any], config: Any, texts: Any = None) -> dict[str, bytes]:
        builds.append(1)
        return {"pagefind/index.bin": "|".join(c.claim for c in sorted(claims, key=lambda c: c.id)).encode()}

    monkeypatch.setattr(searchindex, "index_files", index_files)
    root = project_with(tmp_path)
    first = pipeline.run(root)
    path = root / "claims" / "claim-1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("shipment 1.", "shipment one."), encoding="utf-8")
    quick = pipeline.run(root, stale_search=True)
    assert quick.search_stale and len(builds) == 1
    assert "shipment one." in str(quick.outputs["claims/claim-1.md"])
    assert quick.outputs["pagefind/index.bin"] == first.outputs["pagefind/index.bin"]
    full = pipeline.run(root)  # what serve runs next: the stale index is not taken for a fresh one
    assert not full.search_stale and len(builds) == 2
    assert b"shipment one." in bytes(full.outputs["pagefind/index.bin"])  # type: ignore[arg-type]
    assert pipeline.run(root).cache["hits"] == {"run": 1} and len(builds) == 2


def test_a_database_another_run_holds_is_waited_for_then_left_alone_never_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make serve` and `make site` can run at once: a run that cannot get the cache works without it and leaves
    the other run's database as it is (a locked database is not a damaged one)."""
    root = project_with(tmp_path)
    expected = encoded(pipeline.run(root, extras=False).outputs)
    monkeypatch.setattr(cache, "BUSY_SECONDS", 0.1)
    other = _database(root)
    other.execute("BEGIN EXCLUSIVE")  # another run, in the middle of writing
    try:
        (root / "claims" / "claim-1.yaml").write_text(
            (root / "claims" / "claim-1.yaml").read_text(encoding="utf-8").replace("shipment 1.", "shipment one."), encoding="utf-8"
        )
        result = pipeline.run(root, extras=False)
        assert result.ok and "shipment one." in str(result.outputs["claims/claim-1.md"])
        assert result.cache["hits"] == {}  # worked without the cache
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert (root / FOLDER / cache.DATABASE).is_file()
    after = pipeline.run(root, extras=False)
    assert after.cache["hits"]["claims"] >= 2 * 2  # the other claims' entries are all still there
    assert encoded(after.outputs)["claims/claim-0.md"] == expected["claims/claim-0.md"]


def test_a_cache_saved_by_a_forked_process_while_docs_is_written_serves_the_next_run_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project_with(tmp_path)
    monkeypatch.setattr(pipeline, "_may_fork", lambda: True)  # whatever threads other tests left running
    savers: list[int] = []
    forked = pipeline._forked
    monkeypatch.setattr(pipeline, "_forked", lambda *args: savers.append(forked(*args)) or savers[-1])
    first, _ = pipeline.generate(root)
    assert first.ok and len(savers) == 1, "the cache was saved by a forked process"
    assert not os.path.exists(f"/proc/{savers[0]}"), "and generate waited for it"
    again = pipeline.run(root)
    assert again.cache == {"hits": {"run": 1}, "misses": {}}
    assert encoded(dict(again.outputs)) == encoded(first.outputs)


def _fails(store: cache.Store, record: Any) -> None:
    store.save()
    raise OSError("the disk filled up before the run record was written")


def test_a_saver_that_fails_says_so_and_leaves_no_run_record_to_trust(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    root = project_with(tmp_path)
    pipeline.generate(root)
    path = root / "claims" / "claim-1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("shipment 1.", "shipment one."), encoding="utf-8")
    monkeypatch.setattr(pipeline, "_may_fork", lambda: True)
    monkeypatch.setattr(pipeline, "_save", _fails)
    edited, _ = pipeline.generate(root)
    assert edited.ok
    assert "the build cache was not saved (OSError: the disk filled up" in capfd.readouterr().err
    assert not (root / FOLDER / "run.pickle").exists(), "the last run's record was forgotten"
    monkeypatch.undo()
    after = pipeline.run(root)
    assert after.cache["hits"].get("run") is None
    assert encoded(dict(after.outputs)) == encoded(pipeline.run(root, use_cache=False).outputs)


def test_a_process_running_other_threads_saves_its_cache_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project_with(tmp_path)
    forks: list[Any] = []
    monkeypatch.setattr(pipeline, "_forked", lambda *args: forks.append(args))
    release = threading.Event()
    server = threading.Thread(target=release.wait)  # as `make serve` runs its web server beside the generator
    server.start()
    try:
        assert not pipeline._may_fork()
        first, _ = pipeline.generate(root)
    finally:
        release.set()
        server.join()
    assert first.ok and forks == []
    assert pipeline.run(root).cache == {"hits": {"run": 1}, "misses": {}}


def test_the_hash_of_the_bytes_a_worker_read_lets_the_next_run_skip_reading_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project_with(tmp_path)
    pipeline.run(root, extras=False)
    (root / FOLDER / "run.pickle").unlink()  # not served whole: each claim is looked up on its own
    reads: list[Path] = []
    read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or read_bytes(self))
    again = pipeline.run(root, extras=False)
    assert again.cache["hits"]["claims"] == 2 * 3 and "claims" not in again.cache["misses"]
    assert not [p for p in reads if p.suffix == ".yaml"], "no claim file was read again"
