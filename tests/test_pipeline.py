"""The generator as a whole: same bytes however it gets there (cold, cached, one process or several), nothing written on failure."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import make_project, valid_claim_text
from factcheck import pipeline


def encoded(outputs: dict[str, str | bytes]) -> dict[str, bytes]:
    return {path: content.encode("utf-8") if isinstance(content, str) else content for path, content in outputs.items()}


def claim_text(claim_id: str, n: int, related: tuple[str, ...] = (), claimant: str = "Jane Example") -> str:
    text = valid_claim_text(claim_id, claim=f"The ministry said {n} Hwasong-11 missiles arrived in shipment {n}.")
    text = text.replace("name: Jane Example", f"name: {claimant}")
    tags = f"tags: [missiles, topic-{n % 3}]\n"
    return text + tags + (f"related: [{', '.join(related)}]\n" if related else "")


def project_with(tmp_path: Path, count: int) -> Path:
    root = make_project(tmp_path / "project")
    for n in range(count):
        related = (f"claim-{n - 1:03d}",) if n else ()
        (root / "claims" / f"claim-{n:03d}.yaml").write_text(claim_text(f"claim-{n:03d}", n, related, f"Person {n % 4}"), encoding="utf-8")
    return root


def test_a_cached_run_gives_the_same_bytes_as_a_run_without_cache(tmp_path: Path) -> None:
    root = project_with(tmp_path, 12)
    uncached = pipeline.run(root, extras=False, use_cache=False)
    cold = pipeline.run(root, extras=False)
    warm = pipeline.run(root, extras=False)
    assert uncached.ok and cold.ok and warm.ok
    assert encoded(cold.outputs) == encoded(uncached.outputs)
    assert encoded(warm.outputs) == encoded(uncached.outputs)
    assert [i.claim for i in warm.items] == [i.claim for i in uncached.items]


def test_after_editing_one_claim_the_cached_run_equals_a_cold_run(tmp_path: Path) -> None:
    root = project_with(tmp_path, 12)
    pipeline.run(root, extras=False)
    path = root / "claims" / "claim-005.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("arrived in shipment 5", "arrived by rail in shipment 5"), encoding="utf-8")
    warm = pipeline.run(root, extras=False)
    cold = pipeline.run(root, extras=False, use_cache=False)
    assert warm.ok
    assert encoded(warm.outputs) == encoded(cold.outputs)
    assert warm.cache["misses"]["claims"] == 2  # the file's hash (its stat changed) and the claim itself: only this file


def test_a_page_showing_a_related_claim_follows_that_claims_change(tmp_path: Path) -> None:
    root = project_with(tmp_path, 4)
    before = pipeline.run(root, extras=False)
    path = root / "claims" / "claim-001.yaml"  # claim-002 lists it as related
    path.write_text(path.read_text(encoding="utf-8").replace("arrived in shipment 1.", "arrived in shipment one."), encoding="utf-8")
    after = pipeline.run(root, extras=False)
    assert after.outputs["claims/claim-002.md"] != before.outputs["claims/claim-002.md"]
    assert encoded(after.outputs) == encoded(pipeline.run(root, extras=False, use_cache=False).outputs)


def test_an_edit_a_card_does_not_show_renders_the_claims_own_page_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from factcheck import render

    root = project_with(tmp_path, 12)
    pipeline.run(root, extras=False)
    rendered: list[str] = []
    page = render.Renderer.page
    monkeypatch.setattr(render.Renderer, "page", lambda self, path, *a, **k: rendered.append(path) or page(self, path, *a, **k))
    path = root / "claims" / "claim-005.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("reports support the figure.", "reports agree."), encoding="utf-8")
    summary_edited = pipeline.run(root, extras=False)
    assert rendered == ["claims/claim-005.md"]
    rendered.clear()
    path.write_text(path.read_text(encoding="utf-8").replace("figure of 40 missiles.", "figure of forty missiles."), encoding="utf-8")
    verdict_edited = pipeline.run(root, extras=False)
    # The verdict is on its card: the listings showing it, and claim-006's page (claim-005 is related to it).
    assert {"claims/claim-005.md", "claims/claim-006.md", "claims/index.md", "browse/tags/missiles.md"} <= set(rendered)
    assert "claims/claim-007.md" not in rendered and "browse/tags/topic-0.md" not in rendered
    assert summary_edited.ok and verdict_edited.ok
    assert encoded(verdict_edited.outputs) == encoded(pipeline.run(root, extras=False, use_cache=False).outputs)


def test_while_no_listing_signature_changes_the_listings_are_served_without_working_out_their_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    root = project_with(tmp_path, 12)
    pipeline.run(root, extras=False)
    fed: list[Any] = []
    feed = pipeline._feed
    monkeypatch.setattr(pipeline, "_feed", lambda parts, value, hashes: fed.append(value) or feed(parts, value, hashes))
    path = root / "claims" / "claim-003.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("reports support the figure.", "reports agree."), encoding="utf-8")
    served = pipeline.run(root, extras=False)
    assert served.ok and fed == [], "no listing page was keyed again"
    assert encoded(served.outputs) == encoded(pipeline.run(root, extras=False, use_cache=False).outputs)
    # A listing page missing from the cache (deleted, or another run changed it): every listing is made the long way.
    with sqlite3.connect(root / pipeline.cache.FOLDER / pipeline.cache.DATABASE) as db:
        db.execute("DELETE FROM entries WHERE name = 'browse/timeline.md'")
    path.write_text(path.read_text(encoding="utf-8").replace("reports agree.", "reports concur."), encoding="utf-8")
    fallback = pipeline.run(root, extras=False)
    assert fallback.ok and fed
    assert encoded(fallback.outputs) == encoded(pipeline.run(root, extras=False, use_cache=False).outputs)


def _changes(value: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every one-field change of a model object (each leaf changed in turn, one list item added or dropped), named."""
    import dataclasses
    import re
    import typing

    hints = typing.get_type_hints(type(value), include_extras=True)
    for f in dataclasses.fields(value):
        name, old = f"{where}{f.name}", getattr(value, f.name)
        kinds = [hints[f.name], *typing.get_args(hints[f.name])]  # X, or the X of X | None
        choices = [c.value for k in kinds for m in getattr(k, "__metadata__", ()) if hasattr(m, "choices") for c in m.choices]
        if dataclasses.is_dataclass(old):
            yield from (
                (f"{name}.{k}", dataclasses.replace(value, **{f.name: dataclasses.replace(old, **{k: v})})) for k, v in _leaf_changes(old)
            )
            continue
        if isinstance(old, tuple):
            if old and dataclasses.is_dataclass(old[0]):
                for label, item in _changes(old[0], f"{name}[0]."):
                    yield label, dataclasses.replace(value, **{f.name: (item, *old[1:])})
                yield f"{name}: one item dropped", dataclasses.replace(value, **{f.name: old[1:]})
                yield f"{name}: one item added", dataclasses.replace(value, **{f.name: (*old, old[-1])}) if old else None
            else:
                yield f"{name}: one added", dataclasses.replace(value, **{f.name: (*old, "another-one")})
            continue
        if f.name == "id":
            continue  # the file name: a new id is a new claim
        other = [c for c in choices if c != old]
        if other:
            new: Any = other[0]
        elif isinstance(old, int) or (old is None and choices):
            new = choices[0] if choices else 1
        elif "url" in f.name:
            new = "https://changed.example.org/page"
        elif f.name in ("date", "reviewed", "published", "accessed") or (isinstance(old, str) and re.fullmatch(r"\d{4}(-\d\d){0,2}", old)):
            new = "2019-01-02" if old != "2019-01-02" else "2019-01-03"
        elif f.name == "lang":
            new = "de" if old != "de" else "fr"
        else:
            new = f"{old or ''} changed".strip()
        yield name, dataclasses.replace(value, **{f.name: new})


def _leaf_changes(value: Any) -> Iterator[tuple[str, Any]]:
    for label, changed in _changes(value):
        if "." not in label and "[" not in label and ":" not in label:
            yield label, getattr(changed, label)


def test_every_change_that_reaches_a_listing_page_changes_the_claims_listing_signature() -> None:
    """The listing pages are served unchanged while no claim's listing signature changed: so every field a listing
    shows must be in the signature. Each field of a rich claim is changed in turn; the listings are rendered again."""
    from factcheck import render
    from factcheck.siteconfig import read_config

    repo = Path(__file__).resolve().parent.parent
    claims = pipeline.run(repo, extras=False, use_cache=False).claims
    config = read_config(repo / "mkdocs.yml")
    richest = max(claims, key=lambda c: (len(c.history) > 0, sum(e.derives_from is not None for e in c.corroboration), len(c.tags)))
    assert richest.history and any(e.derives_from for e in richest.corroboration)

    def listings(changed: Any) -> dict[str, Any]:
        renderer = render.Renderer([changed if c.id == changed.id else c for c in claims], config)
        renderer.render_listings()
        return renderer.outputs

    before = listings(richest)
    reached, silent = [], []
    for label, changed in _changes(richest):
        if changed is None:
            continue
        if listings(changed) != before:
            reached.append(label)
            assert render.listing_signature(changed) != render.listing_signature(richest), f"{label} reaches a listing"
        else:
            silent.append(label)
    assert {"status", "claimant.name", "tags: one added", "history: one item dropped"} <= set(reached)
    assert {"summary", "source.quote"} <= set(silent), "edits no listing shows leave every listing as it was"


def test_renaming_a_claimant_changes_every_page_that_shows_it(tmp_path: Path) -> None:
    root = project_with(tmp_path, 8)
    pipeline.run(root, extras=False)
    path = root / "claims" / "claim-004.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Person 0", "name: Person Zero"), encoding="utf-8")
    warm = pipeline.run(root, extras=False)
    assert "browse/claimants/person-zero.md" in warm.outputs
    assert encoded(warm.outputs) == encoded(pipeline.run(root, extras=False, use_cache=False).outputs)


def test_several_processes_give_the_same_bytes_as_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project_with(tmp_path, 9)
    serial = pipeline.run(root, extras=False, use_cache=False)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN", 2)
    monkeypatch.setattr(pipeline, "workers", lambda: 3)
    parallel = pipeline.run(root, extras=False, use_cache=False)
    assert parallel.ok
    assert encoded(parallel.outputs) == encoded(serial.outputs)
    assert list(parallel.outputs) == list(serial.outputs), "listing pages made beside the workers are registered in one process's order"
    assert [i.display for i in parallel.items] == [i.display for i in serial.items]


def _doubled(chunk: list[int]) -> list[int]:
    return [2 * n for n in chunk]


def _refused(chunk: list[int]) -> list[int]:
    raise ValueError("from a worker")


def _raise(exc: Exception) -> Callable[[], None]:
    def fail() -> None:
        raise exc

    return fail


def test_work_done_beside_the_workers_runs_once_and_its_error_comes_after_theirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "PARALLEL_MIN", 2)
    monkeypatch.setattr(pipeline, "workers", lambda: 2)
    beside: list[int] = []
    assert pipeline._map(_doubled, [1, 2, 3, 4, 5], meanwhile=lambda: beside.append(1)) == [2, 4, 6, 8, 10]
    assert beside == [1]
    with pytest.raises(ValueError, match="from a worker"):
        pipeline._map(_refused, [1, 2, 3], meanwhile=_raise(KeyError("beside")))
    with pytest.raises(KeyError, match="beside"):
        pipeline._map(_doubled, [1, 2, 3], meanwhile=_raise(KeyError("beside")))
    monkeypatch.setattr(pipeline, "workers", lambda: 1)
    assert pipeline._map(_doubled, [1, 2], meanwhile=lambda: beside.append(2)) == [2, 4] and beside == [1, 2]


def test_data_files_made_by_a_worker_equal_one_process_and_their_rows_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project_with(tmp_path, 9)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN", 2)
    monkeypatch.setattr(pipeline, "workers", lambda: 2)
    jobs: list[Any] = []
    background = pipeline._background
    monkeypatch.setattr(pipeline, "_background", lambda *args: jobs.append(background(*args)) or jobs[-1])
    cold = pipeline.run(root, extras=False)
    path = root / "claims" / "claim-004.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("arrived in shipment 4", "arrived by sea in shipment 4"), encoding="utf-8")
    warm = pipeline.run(root, extras=False)
    assert cold.ok and warm.ok and len(jobs) == 2, "the data files are made by a worker on both runs"
    made_cold, made_warm = (sorted(job.result()[1]) for job in jobs)
    assert encoded(warm.outputs) == encoded(pipeline.run(root, extras=False, use_cache=False).outputs)
    assert made_cold == [f"(json) claim-{n:03d}" for n in range(9)], "the worker makes the JSON export"
    assert made_warm == ["(json) claim-004"], "the rows made the first time were kept"
    assert warm.cache["misses"]["csv rows"] == 1, "and so were the CSV rows made here: only the edited claim's is new"
    path.write_text(path.read_text(encoding="utf-8").replace("by sea", "by air"), encoding="utf-8")
    third = pipeline.run(root, extras=False)
    assert sorted(jobs[-1].result()[1]) == ["(json) claim-004"] and third.cache["misses"]["csv rows"] == 1


def test_the_feed_is_made_again_only_when_a_claim_it_shows_changes(tmp_path: Path) -> None:
    root = project_with(tmp_path, 55)  # more entries than the feed's 50: claim-000 (the oldest entry id) is not shown
    result = pipeline.run(root, extras=False, use_cache=False)
    config = pipeline.read_config(root / "mkdocs.yml")
    hashes = {c.id: c.id for c in result.claims}

    def keys(hashes: dict[str, str]) -> dict[str, str]:
        return {**pipeline._export_keys(result.claims, hashes), "feed.xml": pipeline._feed_key(result.claims, config, hashes)}

    before = keys(hashes)
    unseen = keys({**hashes, "claim-000": "edited"})
    shown = keys({**hashes, "claim-054": "edited"})
    assert unseen["feed.xml"] == before["feed.xml"] and unseen["claims.json.gz"] != before["claims.json.gz"]
    assert shown["feed.xml"] != before["feed.xml"]


def test_problems_found_by_workers_are_reported_like_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project_with(tmp_path, 6)
    (root / "claims" / "claim-003.yaml").write_text(claim_text("claim-003", 3).replace('date: "2024-06-10"', 'date: "2024-13-10"'))
    serial = pipeline.run(root, extras=False, use_cache=False)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN", 2)
    monkeypatch.setattr(pipeline, "workers", lambda: 2)
    parallel = pipeline.run(root, extras=False, use_cache=False)
    assert serial.problems and parallel.problems == serial.problems
    assert parallel.outputs == {}


def test_a_rendering_conflict_is_a_problem_located_in_the_claim_files(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    for n, name in enumerate(["Jane Example", "Jane-Example"]):
        (root / "claims" / f"claim-{n}.yaml").write_text(claim_text(f"claim-{n}", n, claimant=name), encoding="utf-8")
    result = pipeline.run(root, extras=False)
    assert not result.ok
    assert {p.file for p in result.problems} <= {"claims/claim-0.yaml", "claims/claim-1.yaml"}
    assert any("share the page" in p.message for p in result.problems)


def test_generate_writes_nothing_when_a_claim_is_invalid(tmp_path: Path) -> None:
    root = project_with(tmp_path, 3)
    result, _ = pipeline.generate(root)
    assert result.ok
    before = {p: p.read_bytes() for p in (root / "docs").rglob("*") if p.is_file()}
    (root / "claims" / "claim-001.yaml").write_text("id: claim-001\n", encoding="utf-8")
    result, message = pipeline.generate(root)
    assert not result.ok and "Nothing was written" in message
    assert {p: p.read_bytes() for p in (root / "docs").rglob("*") if p.is_file()} == before


def test_a_second_generate_with_nothing_changed_writes_nothing_and_reads_no_page_back(tmp_path: Path) -> None:
    root = project_with(tmp_path, 3)
    pipeline.generate(root)
    result, message = pipeline.generate(root)
    assert " 0 written," in message
    assert result._restore is not None  # the pages' content was never needed


def test_a_generated_file_changed_by_hand_is_written_again_although_its_inputs_did_not_change(tmp_path: Path) -> None:
    root = project_with(tmp_path, 3)
    pipeline.generate(root)
    page = root / "docs" / "claims" / "claim-001.md"
    good = page.read_bytes()
    page.write_bytes(good.replace(b"Hwasong", b"Hwaxong"))
    _, message = pipeline.generate(root)
    assert page.read_bytes() == good
    assert " 1 written," in message


def test_the_json_export_is_published_gzipped_only_and_holds_every_claim(tmp_path: Path) -> None:
    import gzip
    import json

    root = project_with(tmp_path, 2)
    outputs = pipeline.run(root, extras=False).outputs
    assert "claims.json" not in outputs
    data = json.loads(gzip.decompress(encoded(outputs)["claims.json.gz"]))
    assert data["count"] == len(data["claims"]) == len(list((root / "claims").glob("*.yaml")))
    again = pipeline.run(root, extras=False, use_cache=False).outputs
    assert again["claims.json.gz"] == outputs["claims.json.gz"], "the gzip bytes depend on the claims alone"


def test_serve_sees_every_save_addition_and_removal_in_the_claims_folder(tmp_path: Path) -> None:
    from factcheck.cli import _signature

    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "a.yaml").write_text("one", encoding="utf-8")
    first = _signature(folder)
    assert _signature(folder) == first  # nothing changed: no regeneration
    stat = (folder / "a.yaml").stat()
    (folder / "a.yaml").write_text("two", encoding="utf-8")  # same size
    os.utime(folder / "a.yaml", ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with its old time restored
    edited = _signature(folder)
    assert edited != first
    (folder / "b.yaml").write_text("new", encoding="utf-8")
    added = _signature(folder)
    assert added != edited
    (folder / "b.yaml").unlink()
    assert _signature(folder) != added


def test_a_run_collects_cycles_rarely_and_leaves_the_collector_as_it_found_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    root = project_with(tmp_path, 2)
    seen: list[tuple[tuple[int, int, int], int]] = []
    original = pipeline._run

    def spy(*args: Any) -> pipeline.Result:
        seen.append((gc.get_threshold(), gc.get_freeze_count()))
        return original(*args)

    def broken(*args: Any) -> pipeline.Result:
        raise ZeroDivisionError

    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        monkeypatch.setattr(pipeline, "_run", spy)
        assert pipeline.run(root, extras=False).ok
        assert gc.get_threshold() == (700, 10, 10)
        assert gc.get_freeze_count() > 0, "what the run left is walked again by the next collection"
        assert pipeline.run(root, extras=False).ok
        # Each run starts with nothing frozen (a long-lived process does not keep an earlier run's cycles for good).
        assert seen == [(pipeline.RUN_GC_THRESHOLD, 0), (pipeline.RUN_GC_THRESHOLD, 0)]
        monkeypatch.setattr(pipeline, "_run", broken)
        with pytest.raises(ZeroDivisionError):  # a run that fails half-way restores it too
            pipeline.run(root, extras=False)
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
