"""The generator, top to bottom: load → validate → render → add the extras → check → write.

``run`` does everything in memory and writes nothing but its cache, so a
problem found at any stage (an invalid claim, two pages wanting one path, an
unsafe output folder) leaves ``docs/`` exactly as it was. ``generate`` writes
the result. The command line (``cli.py``) and the site build (``build.py``)
call these.

Work is done once and remembered (``cache.py``): a claim file whose bytes did
not change is neither read nor checked again (the rules across claims still
run on every claim), a page whose inputs did not change is not rendered
again, and share images and the search index are rebuilt only when what they
show changed. Listing pages (every page but the claims' own) are given what
they show of a claim (its card, ``render.Card``), not the claim: while no
claim's ``listing_signature`` changed, they are served whole from the last
run (``_Listings``), so an edit to a summary or to evidence renders one page.
With many claims to load or render, the work is shared between the machine's
cores (``os.fork`` workers; results are merged in a fixed order, so the output
does not depend on the number of cores); the JSON export is made by a worker
while this process checks the claims and renders the pages (``DataJob``).
Python's cycle collector runs less often for the length of a run
(``fewer_collections``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cache
from .load import Loaded, scan_claims
from .model import Claim
from .problems import GenerationError, Problem, visible
from .render import Card
from .rules import check_all, check_file, comparable_text
from .siteconfig import SiteConfig, read_config
from .yamlread import LineTable

if TYPE_CHECKING:
    from .write import WriteReport

PARALLEL_MIN = 200  # below this many claims to load or render, one process is faster than starting workers


class Result:
    """What one run produced: the problems, or the claims and every output file (path under docs/ → content).

    A run served whole from the cache (nothing changed since the last
    successful run) knows its output paths and their keys at once, and reads
    the claims and the outputs' content from the cache only when asked.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.timings: dict[str, float] = {}  # stage name -> seconds
        self.cpu_timings: dict[str, float] = {}  # stage name -> CPU seconds (this process and its workers)
        self.cache: dict[str, dict[str, int]] = {}  # "hits"/"misses" -> cache part -> count
        self.keys: dict[str, str] = {}  # output path -> hash of everything that made it (when cached)
        self.claim_count = 0
        self.search_stale = False  # the search index is the last one, not yet rebuilt for a changed record (serve)
        self._items: list[Loaded] = []
        self._claims: list[Claim] = []
        self.outputs: Mapping[str, str | bytes] = {}
        self._restore: Callable[[], list[Loaded]] | None = None
        self.report: WriteReport | None = None  # what ``generate`` wrote
        self._store: cache.Store | None = None
        self._saver = 0  # the forked process saving the cache (``run(background_save=True)``), until ``saved()``

    def saved(self) -> None:
        """Wait until the cache of this run is saved (at once unless a forked process saves it); its time is the
        ``cache`` stage's. A saver that failed leaves no run record, so the next run trusts none of its work."""
        if not self._saver:
            return
        clock = _Clock(self.timings, self.cpu_timings)
        _, status = os.waitpid(self._saver, 0)
        self._saver = 0
        if os.waitstatus_to_exitcode(status) != 0 and self._store is not None:
            self._store.forget_record()
        self._store = None
        clock.lap("cache")

    def _restored(self) -> None:
        if self._restore is not None:
            restore, self._restore = self._restore, None
            self._items = restore()
            self._claims = [i.claim for i in self._items if i.claim is not None]

    @property
    def items(self) -> list[Loaded]:
        self._restored()
        return self._items

    @items.setter
    def items(self, value: list[Loaded]) -> None:
        self._items = value

    @property
    def claims(self) -> list[Claim]:
        self._restored()
        return self._claims

    @claims.setter
    def claims(self, value: list[Claim]) -> None:
        self._claims = value
        self.claim_count = len(value)

    @property
    def ok(self) -> bool:
        return not self.problems

    def source_of(self, output: str) -> Problem | None:
        """A located pointer to the claim file behind a generated page (for MkDocs' warnings)."""
        stem = output.removesuffix(".md")
        for item in self.items:
            if item.claim is not None and stem == f"claims/{item.claim.id}":
                return item.problem(("id",), "")
        return None


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of the workers it has waited for."""
    import resource

    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


class _Clock:
    def __init__(self, timings: dict[str, float], cpu: dict[str, float]) -> None:
        self.timings, self.cpu = timings, cpu
        self.start, self.start_cpu = time.perf_counter(), cpu_seconds()

    def lap(self, name: str) -> None:
        now, now_cpu = time.perf_counter(), cpu_seconds()
        self.timings[name] = self.timings.get(name, 0.0) + now - self.start
        self.cpu[name] = self.cpu.get(name, 0.0) + now_cpu - self.start_cpu
        self.start, self.start_cpu = now, now_cpu


# The cycle collector's thresholds during a run (Python's default: 700, 10, 10). See ``fewer_collections``.
RUN_GC_THRESHOLD = (100_000, 50, 1000)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's cycle collector, run rarely for the length of a run; what the run leaves is then frozen.

    A run makes millions of small objects that live until it ends (claims, pages, cache rows, search
    records); with the default thresholds the collector walks all of them again and again while they
    pile up, and finds almost nothing: reference counting frees them. So during a run it collects
    rarely (RUN_GC_THRESHOLD; forked workers inherit it). At the end, what is still alive is frozen
    (``gc.freeze``): otherwise the first collection after the run (while writing) walks the whole heap
    once, ~0.4 s at 10,000 claims. Frozen objects are still freed when nothing refers to them; the next
    run unfreezes them first, so a long-lived process (``serve``) does not keep cyclic garbage for good.
    Measured at 10,000 claims (2 cores): one claim changed 4.2 s → 3.6 s, cold 17.6 s → 15.0 s,
    search index 13.6 s → 11 s, peak memory within 2%.
    """
    before = gc.get_threshold()
    gc.unfreeze()  # what an earlier run left (see below) is looked at again from here on
    gc.set_threshold(*RUN_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.freeze()
        gc.set_threshold(*before)


def run(root: Path, extras: bool = True, use_cache: bool = True, stale_search: bool = False, background_save: bool = False) -> Result:
    """Load, validate and render every claim in memory; nothing is written but the cache.

    ``stale_search`` (for ``serve``): when a record changed, keep the last search index instead of rebuilding it
    (``Result.search_stale`` tells; the caller runs again for the fresh one), so new pages are seen at once.
    ``background_save``: a successful run's cache is saved by a forked process while the caller writes the outputs;
    the caller then calls ``Result.saved()`` (a cold run at 10,000 claims stores ~570 MB of entries).
    """
    with fewer_collections():
        return _run(root, extras, use_cache, stale_search, background_save)


def _run(root: Path, extras: bool, use_cache: bool, stale_search: bool, background_save: bool = False) -> Result:
    result = Result()
    clock = _Clock(result.timings, result.cpu_timings)
    found, stray = scan_claims(root / "claims", root)
    config_file = root / "mkdocs.yml"
    config = read_config(config_file)
    tracked = cache.committed(root) if use_cache else []
    if tracked:
        stray.append(
            Problem(
                visible(tracked[0]),
                1,
                "",
                f"the build cache is committed to the repository ({len(tracked)} file(s) under .cache/); a cache is never trusted from git",
                "Remove it from the pull request: git rm -r --cached .cache",
            )
        )
    store = (
        cache.Store.open(root, cache.fingerprint(config_file.read_text(encoding="utf-8"), repr(config)))
        if use_cache and not tracked
        else cache.Store.off()
    )
    stats = {path: cache.stat_key(path) for path in found} if store.folder is not None else {}  # each file looked at once
    run_key = _run_key(store, found, stats, extras) if store.folder is not None and not stray else None
    record = store.record() if run_key is not None else {}
    if run_key is not None and _from_record(result, store, record, run_key, found, root, extras):
        clock.lap("cache")
        return _checked(result, root, clock)
    clock.lap("cache")
    result.items, problems, hashes = load_claims(found, root, store, stats)
    listings = _Listings(record.get("listings") or {})
    with contextlib.ExitStack() as worker:
        # The data files need nothing but the loaded claims: with many, a worker starts on them now and works while
        # this process checks the claims against each other and renders the pages (CachedRenderer.data_files).
        data_job = None if problems or stray else _start_data_files(worker, result.items, config, store, hashes)
        result.problems = sorted(set(problems + check_all(result.items) + stray))
        clock.lap("load and validate")
        if result.problems:
            _finish(result, store, clock)
            return result
        result.claims = [i.claim for i in result.items if i.claim is not None]
        try:
            outputs = render(result.claims, config, store, hashes, result.items, listings, data_job)
            result.outputs = outputs
            clock.lap("render pages")
            if extras:
                for name, make in _extras(store, result if stale_search else None):
                    _merge(outputs, make(result.claims, config), name)
                    clock.lap(name)
        except GenerationError as exc:
            result.problems = sorted(set(exc.problems))
            _finish(result, store, clock)
            return result
    made = _made_by(store, outputs)
    result.keys = cache.output_keys(store.fingerprint, made)
    last = None
    if run_key is not None and not result.search_stale:
        last = {
            "key": run_key,
            "displays": [i.display for i in result.items],
            "paths": {path: part for path, (part, _) in made.items()} if len(made) == len(outputs) else {},
            "keys": result.keys,
            "listings": listings.saved(),
        }
    _finish(result, store, clock, last, background_save)
    return _checked(result, root, clock)


def _save(store: cache.Store, record: dict[str, Any] | None) -> None:
    """Store this run's cache entries, then (``record``: a successful run) what identifies the run."""
    store.save()
    if record is not None:
        store.save_record({**record, "state": store.state()})  # the database as this save leaves it


def _may_fork() -> bool:
    """Whether this process can fork safely: on a system that forks, with no other thread (one could hold a lock)."""
    import threading

    return hasattr(os, "fork") and threading.active_count() == 1


def _forked(func: Callable[..., None], *args: Any) -> int:
    """``func(*args)`` in a forked child (it inherits the arguments); its process id, to wait for."""
    pid = os.fork()
    if pid == 0:  # the child: exits without running this process's clean-up (its files and pools are the parent's)
        code = 1
        try:
            func(*args)
            code = 0
        except BaseException as exc:  # a bug, or a full disk: say so; the parent then forgets the last run's record
            print(f"warning: the build cache was not saved ({type(exc).__name__}: {exc}); the next run starts afresh", file=sys.stderr)
        finally:
            os._exit(code)
    return pid


def _checked(result: Result, root: Path, clock: _Clock) -> Result:
    """Refuse outputs that could not be written safely into docs/ as it is now."""
    from .write import check_targets

    unsafe = check_targets(result.outputs, root / "docs")
    result.problems = [Problem("docs", 1, "", message, "Remove the link or the offending file, then run again.") for message in unsafe]
    clock.lap("check outputs")
    return result


def _run_key(store: cache.Store, found: list[Path], stats: dict[Path, str | None], extras: bool) -> str:
    """Everything a whole run depends on: the generator and config (the store's fingerprint), each claim file's name and stat."""
    return cache.digest(store.fingerprint, str(extras), *(f"{p.name}\0{stats[p]}" for p in found))


def _from_record(
    result: Result, store: cache.Store, record: dict[str, Any], run_key: str, found: list[Path], root: Path, extras: bool
) -> bool:
    """Serve the whole run from the last successful one (``record``) when nothing it depends on changed (its parts untouched since)."""
    if (
        record.get("key") != run_key
        or record.get("state") != store.state()
        or not record.get("paths")
        or len(record.get("displays", ())) != len(found)
    ):
        return False

    def restore() -> list[Loaded]:
        try:
            return _restore(store, record, found)
        except (KeyError, TypeError, ValueError, AttributeError):  # a cache damaged since: load it all again
            return run(root, extras, use_cache=False).items

    result._restore = restore
    result.outputs = cache.Outputs({path: store.stored(part, path) for path, part in record["paths"].items()})
    result.keys = dict(record["keys"])
    result.claim_count = len(found)
    result.cache = {"hits": {"run": 1}, "misses": {}}
    return True


def _restore(store: cache.Store, record: dict[str, Any], found: list[Path]) -> list[Loaded]:
    """The claims of the run the record describes (each as checked then, found at its path now)."""
    items = []
    for path, display in zip(found, record["displays"], strict=True):
        item = store.peek("claims", "claim:" + display)
        if not isinstance(item, Loaded):
            raise KeyError(display)
        items.append(dataclasses.replace(item, path=path))
    return items


def _finish(result: Result, store: cache.Store, clock: _Clock, record: dict[str, Any] | None = None, background: bool = False) -> None:
    """Save the run's cache (and ``record``, for a successful run): here, or by a forked process (``Result.saved``)."""
    result.cache = {"hits": dict(store.hits), "misses": dict(store.misses)}
    if background and _may_fork():
        result._store, result._saver = store, _forked(_save, store, record)
    else:
        _save(store, record)
    clock.lap("cache")


# -- loading ---------------------------------------------------------------------


def _known_hash(display: str, store: cache.Store, seen: str | None) -> str | None:
    """The hash of a claim file's bytes as the cache knows it, while the file's size, times and inode (``seen``)
    are those it had when hashed; None when the file must be read (then ``_check_files`` hashes what it reads)."""
    return store.tail("claims", "stat:" + display, seen + " ") if seen else None  # the key is the stat, then the hash


def _hash_now(path: Path, display: str, store: cache.Store, seen: str) -> str | None:
    """The hash of a file whose stat changed while a claim of its name is cached (touched, perhaps unchanged).
    Read as ``load_file`` reads it: never through a link, and no more than a claim file may hold (a bigger file is
    no cached claim: ``load_file`` then reports its size)."""
    from .load import MAX_FILE_BYTES
    from .nofollow import read_bytes

    try:
        data = read_bytes(path, MAX_FILE_BYTES + 1) if path.is_file() and not path.is_symlink() else None
    except OSError:
        data = None
    if data is None:
        return None
    sha = cache.digest(data)
    store.put("claims", "stat:" + display, f"{seen} {sha}", None)
    return sha


def load_claims(
    paths: list[Path], root: Path, store: cache.Store, stats: dict[Path, str | None] | None = None
) -> tuple[list[Loaded], list[Problem], dict[str, str]]:
    """Every claim file loaded and checked (from the cache when its bytes are unchanged); also each claim's hash, by id.
    ``stats``: each file's ``cache.stat_key`` when the caller already looked."""
    from .load import display_path

    today = dt.date.today()
    items: list[Loaded | None] = [None] * len(paths)
    problems: list[Problem] = []
    shas: list[str | None] = []
    todo: list[int] = []
    seen: list[str | None] = []  # each file's stat (cache.stat_key), when caching
    for n, path in enumerate(paths):
        display = display_path(path, root)
        stat = None if store.folder is None else (stats or {}).get(path) or cache.stat_key(path)
        seen.append(stat)
        sha = _known_hash(display, store, stat)
        if sha is None and stat and store.known_key("claims", "claim:" + display) is not None:
            sha = _hash_now(path, display, store, stat)  # touched, but its bytes may be the claim cached
        shas.append(sha)
        cached = store.get("claims", "claim:" + display, sha) if sha else None
        if cached is not None:
            items[n] = dataclasses.replace(cached, path=path)
        else:
            todo.append(n)
    loaded = _map(_check_files, [paths[n] for n in todo], today, root)
    for n, (item, found, read) in zip(todo, loaded, strict=True):
        items[n] = item
        problems += found
        stat = seen[n]
        if read is not None and stat is not None and read != shas[n]:  # read in full: its hash for the next run
            store.put("claims", "stat:" + item.display, f"{stat} {read}", None)
        sha = shas[n] = read
        if sha and not found and item.claim is not None:
            # Only clean claims (a problem is always reported afresh), keeping of their document only where values stood.
            store.put("claims", "claim:" + item.display, sha, item)
    done = [i for i in items if i is not None]
    hashes = {i.claim.id: sha for i, sha in zip(done, shas, strict=True) if i.claim is not None and sha}
    return done, problems, hashes


def _check_files(paths: Sequence[Path], today: dt.date, root: Path) -> list[tuple[Loaded, list[Problem], str | None]]:
    """Load and check claim files (in a worker), each with the hash of the bytes read (None if none could be read).
    A clean claim comes back with only where its values stood, and with what the cross-claim checks compare of it
    (both kept in the cache)."""
    from .crosscheck import address_records

    checked = []
    for path in paths:
        read: list[str] = []
        item, problems = check_file(path, today, root, lambda data, read=read: read.append(cache.digest(data)))
        if not problems and item.claim is not None and not isinstance(item.doc, LineTable):
            item = dataclasses.replace(
                item, doc=LineTable.of(item.doc), addresses=address_records(item.claim), comparable=comparable_text(item.claim.claim)
            )
        checked.append((item, problems, read[0] if read else None))
    return checked


# -- parallel map ------------------------------------------------------------------


def workers() -> int:
    """How many processes to use: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _map(func: Callable[..., list[Any]], items: Sequence[Any], *args: Any, meanwhile: Callable[[], None] | None = None) -> list[Any]:
    """``func(chunk, *args)`` over chunks of ``items``, results concatenated in order; forked workers when it pays.

    ``meanwhile()`` runs in this process while the workers work (after them when there are none); an error it
    raises comes after any the workers raise, as if it had run after them."""
    count = workers()
    if len(items) < PARALLEL_MIN or count < 2 or not hasattr(os, "fork"):
        done = func(items, *args)
        if meanwhile is not None:
            meanwhile()
        return done
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(items) // (count * 4))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    failed: BaseException | None = None
    with ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("fork")) as pool:
        parts = pool.map(func, chunks, *[[a] * len(chunks) for a in args])  # the workers are forked here
        if meanwhile is not None:
            try:
                meanwhile()
            except BaseException as exc:  # raised below, once the workers have had their say
                failed = exc
        done = [value for part in parts for value in part]
    if failed is not None:
        raise failed
    return done


# -- rendering ---------------------------------------------------------------------


class _Uncacheable(Exception):
    """A template context holding something the cache cannot key."""


_FIELDS: dict[type, tuple[str, ...]] = {}  # dataclass -> its field names
_PLAIN = (str, int, float, bool, type(None))  # values described by their repr


def _feed(parts: list[str], value: Any, hashes: dict[str, str]) -> None:
    """Append a stable description of ``value`` to ``parts`` (a claim is described by its file's hash)."""
    kind = type(value)
    if kind is Claim:
        parts.append("claim:" + hashes[value.id])
    elif kind is str:
        parts.append("str:" + value)
    elif kind is Card:
        parts.append("card:" + value.key)
    elif (kind is list or kind is tuple) and value and all(type(v) is Card for v in value):  # a listing's cards: one part
        parts.append("cards:" + ",".join(v.key for v in value))
    elif (kind is list or kind is tuple) and all(type(v) is str for v in value):  # e.g. a pager's page paths: one part
        parts.append(f"strs:{value!r}")
    elif kind in _FIELDS:
        parts.append(kind.__qualname__)
        for name in _FIELDS[kind]:
            _feed(parts, getattr(value, name), hashes)
    elif isinstance(value, Claim):
        parts.append("claim:" + hashes[value.id])
    elif value is None or isinstance(value, str | int | float | bool):
        parts.append(f"{type(value).__name__}:{value}")
    elif isinstance(value, dict) and all(type(k) is str and type(v) in _PLAIN for k, v in value.items()):  # e.g. counts
        parts.append(f"{type(value).__name__}:{list(value.items())!r}")
    elif isinstance(value, dict):
        parts.append(f"dict:{len(value)}")
        for key, item in value.items():
            _feed(parts, key, hashes)
            _feed(parts, item, hashes)
    elif isinstance(value, list | tuple):
        parts.append(f"list:{len(value)}")
        for item in value:
            _feed(parts, item, hashes)
    elif isinstance(value, set | frozenset):
        members: list[str] = []
        for item in value:
            one: list[str] = []
            _feed(one, item, hashes)
            members.append("\x1f".join(one))
        parts.append(f"set:{len(value)}")
        parts += sorted(members)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
        _feed(parts, value, hashes)
    else:
        raise _Uncacheable(type(value).__qualname__)


@dataclasses.dataclass
class _Listings:
    """The listing pages (every page but the claims' own, ``Renderer.render_listings``) of the last successful run and
    of this one: the claims' listing signatures they were made from, and each page's key. When no signature changed,
    every listing page is the last run's, served from the cache without working out a key for each."""

    last: dict[str, Any]  # from the run record: {"state", "pages": path -> key, "signatures": id -> (file hash, signature)}
    signatures: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)
    pages: dict[str, str] = dataclasses.field(default_factory=dict)  # path -> key, made or served by this run
    complete: bool = True  # False when a page could not be keyed (then nothing is remembered)
    state: str = ""

    def work_out_state(self, claims: list[Claim], hashes: dict[str, str]) -> str:
        """The hash of every claim's listing signature (worked out again only for a claim whose file changed)."""
        from .render import listing_signature

        known = self.last.get("signatures") or {}
        for claim in claims:
            sha = hashes[claim.id]
            old = known.get(claim.id)
            self.signatures[claim.id] = (sha, old[1] if old is not None and old[0] == sha else listing_signature(claim))
        self.state = cache.digest(*(f"{cid}={signature}" for cid, (_, signature) in self.signatures.items()))
        return self.state

    def saved(self) -> dict[str, Any]:
        return {"state": self.state, "pages": self.pages, "signatures": self.signatures} if self.complete and self.state else {}


def _renderer_class() -> type:
    from .render import Renderer, claim_origin, claim_path

    class CachedRenderer(Renderer):
        """The site's renderer, serving pages from the cache when everything they show is unchanged."""

        def __init__(
            self, claims: list[Claim], config: SiteConfig, store: cache.Store, hashes: dict[str, str], listings: _Listings
        ) -> None:
            super().__init__(claims, config)
            self.store, self.hashes, self.listings = store, hashes, listings
            self.ready: dict[str, tuple[Any, str]] = {}  # claim id -> (origin, page) rendered by the workers
            self.claim_keys: dict[str, str] = {}  # claim id -> key of its page (asked twice a run)
            self.data_job: DataJob | None = None  # the data files, being made by a worker (``_start_data_files``)
            self.aside: tuple[dict[str, Any], dict[str, Any]] | None = None  # listing pages made while the workers worked

        # A claim page shows its claim, the address of its claimant's page and its related claims' cards.
        def claim_key(self, claim: Claim) -> str:
            key = self.claim_keys.get(claim.id)
            if key is None:
                # A related claim's card is part of its listing signature (worked out once a run when caching).
                known = self.listings.signatures
                related = [known[r][1] if r in known else self.cards[r].key for r in claim.related if r in self.by_id]
                key = self.claim_keys[claim.id] = cache.digest(self.hashes[claim.id], self.claimant_of[claim.id].path, *related)
            return key

        def render(self) -> dict[str, str | bytes]:
            global _WORKER_RENDERER
            if self.store.folder is not None:
                self.listings.work_out_state(self.claims, self.hashes)
            has = self.store.has
            missing = [c.id for c in self.claims if not has("pages", claim_path(c), self.claim_key(c))]
            if len(missing) >= PARALLEL_MIN and workers() > 1:
                self.env.get_template("claim.html.j2")  # compiled once, before the workers are forked
                _WORKER_RENDERER = self
                try:
                    # Listing pages are made here while the workers make the claim pages: sending them back from
                    # a worker costs more than making them here (measured at 1,000 and 10,000 claims).
                    self.ready = dict(_map(_render_claims, missing, meanwhile=self._render_listings_aside))
                finally:
                    _WORKER_RENDERER = None
            # The data files may be on their way from a worker (``_start_data_files``).
            return super().render()

        def _render_listings_aside(self) -> None:
            """The listing pages, made now but set aside: ``render_listings`` registers them after the claim pages,
            in the order (and with the collisions) of a run made in one process."""
            kept = self.outputs, self._made_by, self.origins
            self.outputs, self._made_by, self.origins = {}, {}, {}
            try:
                self.render_listings()
                self.aside = (self.outputs, self._made_by)
            finally:
                self.outputs, self._made_by, self.origins = kept

        def render_claim(self, claim: Claim) -> None:
            path, key = claim_path(claim), self.claim_key(claim)
            stored = self.store.output("pages", path, key)  # its origin is known: only the page is kept
            if stored is not None:
                self.claim(path, claim_origin(claim), stored)
                return
            made = self.ready.pop(claim.id, None)
            if made is None:
                super().render_claim(claim)
                made = (self._made_by[path], self.outputs[path])
            else:
                self.claim(path, made[0], made[1])
            self.store.put("pages", path, key, None, made[1])

        def page(self, path: str, template: str, meta: dict[str, Any], origin: Any = None, **context: Any) -> None:
            if path in self.outputs or (template == "claim.html.j2"):
                return super().page(path, template, meta, origin, **context)
            parts = [path, template]
            try:
                _feed(parts, meta, self.hashes)
                _feed(parts, origin, self.hashes)
                _feed(parts, context, self.hashes)
            except _Uncacheable:
                self.listings.complete = False
                return super().page(path, template, meta, origin, **context)
            key = self.listings.pages[path] = cache.digest(*parts)
            hit = self.store.get_output("pages", path, key)
            if hit is None:
                super().page(path, template, meta, origin, **context)
                hit = (self._made_by[path], self.outputs[path])
            else:
                self.claim(path, hit[0], hit[1])
            self.store.put("pages", path, key, hit[0], hit[1])

        def render_listings(self) -> None:
            if self.aside is not None:
                (outputs, made_by), self.aside = self.aside, None
                for path, content in outputs.items():
                    self.claim(path, made_by[path], content)
                return
            if self.store.folder is not None:
                last = self.listings.last
                if self.listings.state == last.get("state") and self._serve(last.get("pages")):
                    self.listings.pages = dict(last["pages"])
                    return
            super().render_listings()

        def _serve(self, pages: dict[str, str] | None) -> bool:
            """Register the last run's listing pages from the cache; False (and none registered) if one is missing."""
            served: list[str] = []
            for path, key in (pages or {}).items():
                hit = None if path in self.outputs else self.store.get_output("pages", path, key)
                if hit is None:
                    for done in served:
                        del self.outputs[done], self._made_by[done], self.origins[done]
                    return False
                self.claim(path, hit[0], hit[1])
                served.append(path)
            return bool(served)

        def data_files(self) -> list[tuple[str, Any]]:
            job = self.data_job or DataJob(_export_keys(self.claims, self.hashes))
            return job.files(self.claims, self.config, self.store, self.hashes)

    return CachedRenderer


_WORKER_RENDERER: Any = None  # the renderer a forked worker inherits


def _render_claims(ids: Sequence[str]) -> list[tuple[str, tuple[Any, str]]]:
    from .render import claim_path

    renderer = _WORKER_RENDERER
    done = []
    for claim_id in ids:
        claim = renderer.by_id[claim_id]
        path = claim_path(claim)
        super(type(renderer), renderer).render_claim(claim)
        done.append((claim_id, (renderer._made_by.pop(path), renderer.outputs.pop(path))))
    return done


# -- the data files: claims.json.gz, claims.csv, feed.xml --------------------------------

DATA_FILES = ("claims.json.gz", "claims.csv", "feed.xml")


def _export_keys(claims: Sequence[Claim], hashes: dict[str, str]) -> dict[str, str]:
    """What the exports are made from: every claim (``claims`` in id order)."""
    every = cache.digest("data", *(hashes[c.id] for c in claims))
    return {"claims.json.gz": every, "claims.csv": every}


def _feed_key(claims: Sequence[Claim], config: SiteConfig, hashes: dict[str, str]) -> str:
    """What the feed is made from: the claims of the entries it shows."""
    from .structured import feed_events

    return cache.digest("feed", *(f"{entry}\0{hashes[c.id]}" for _, entry, c, _ in feed_events(list(claims), config)))


@dataclasses.dataclass
class DataJob:
    """The data files of a run: their keys, and the JSON export being made by a forked worker (``_start_data_files``)."""

    keys: dict[str, str]
    future: Future[Any] | None = None

    def files(self, claims: list[Claim], config: SiteConfig, store: cache.Store, hashes: dict[str, str]) -> list[tuple[str, Any]]:
        """Each data file, as cached or made (here, or by the worker: its rows and counts are then kept here)."""
        if "feed.xml" not in self.keys:  # worked out now, while the worker (started without it) makes the JSON
            self.keys["feed.xml"] = _feed_key(claims, config, hashes)
        # What the worker does not make is made here first, while it works.
        mine = [name for name in DATA_FILES if not (self.future and name == "claims.json.gz")]
        rest = [name for name in mine if not store.has("pages", name, self.keys[name])]
        made = _make_data_files((claims, config, store, hashes, rest))[0] if rest else {}
        if self.future is not None:
            theirs, rows, hits, misses = self.future.result()
            made.update(theirs)
            for counter, counts in ((store.hits, hits), (store.misses, misses)):
                for part, count in counts.items():
                    counter[part] = counter.get(part, 0) + count
            for claim in claims:  # a row the worker found cached stays under its key (its text is not needed here)
                name = f"(json) {claim.id}"
                store.put("json rows", name, hashes[claim.id], None, rows.get(name))
        files: list[tuple[str, Any]] = []
        for name in DATA_FILES:
            if name in made:
                store.put("pages", name, self.keys[name], None, made[name])
                files.append((name, made[name]))
            else:
                files.append((name, store.output("pages", name, self.keys[name])))
        return files


class _Rows:
    """Each claim's line of the JSON and CSV exports, made again only when the claim changed. The rows are kept in a
    part of their own (~7 KB each; the JSON rows as UTF-8, joined as they are), read all at once: one query, not one
    per claim."""

    def __init__(self, config: SiteConfig, store: cache.Store, hashes: dict[str, str]) -> None:
        self.config, self.store, self.hashes = config, store, hashes
        self.made: dict[str, str | bytes] = {}  # rows made (not read from the cache)
        self.texts: dict[str, dict[str, str | bytes]] = {}  # part -> its rows as cached

    def json(self, claim: Claim) -> bytes:
        from .structured import claim_row

        row = self._row("json", claim, lambda c: claim_row(c, self.config).encode("utf-8"))
        assert isinstance(row, bytes)
        return row

    def csv(self, claim: Claim) -> str:
        from .structured import claim_csv_row

        row = self._row("csv", claim, lambda c: claim_csv_row(c, self.config))
        assert isinstance(row, str)
        return row

    def _row(self, kind: str, claim: Claim, make: Callable[[Claim], str | bytes]) -> str | bytes:
        part, name, key = f"{kind} rows", f"({kind}) {claim.id}", self.hashes[claim.id]
        if self.store.output(part, name, key) is not None:
            if part not in self.texts:
                self.texts[part] = self.store.contents(part)
            row = self.texts[part].get(name)
            if row is not None:
                return row
        row = self.made[name] = make(claim)
        self.store.put(part, name, key, None, row)
        return row


def _start_data_files(
    stack: contextlib.ExitStack, items: Sequence[Loaded], config: SiteConfig, store: cache.Store, hashes: dict[str, str]
) -> DataJob | None:
    """With many claims and a data file to make again, a forked worker making them (it inherits the loaded claims)."""
    claims = [i.claim for i in items if i.claim is not None]
    if len(claims) < PARALLEL_MIN or workers() < 2 or not hasattr(os, "fork"):
        return None
    claims.sort(key=lambda c: c.id)
    job = DataJob(_export_keys(claims, hashes))
    if not store.has("pages", "claims.json.gz", job.keys["claims.json.gz"]):  # the biggest: the CSV and feed are made here
        args = (claims, config, store, hashes, ["claims.json.gz"])
        job.future = _background(stack, _make_data_files, args)
    return job


def _make_data_files(
    args: tuple[list[Claim], SiteConfig, cache.Store, dict[str, str], list[str]],
) -> tuple[dict[str, str | bytes], dict[str, str], dict[str, int], dict[str, int]]:
    """The data files named (in a forked worker, or here), with the rows made and the cache counts."""
    from . import structured

    claims, config, store, hashes, names = args
    before_hits, before_misses = dict(store.hits), dict(store.misses)
    rows = _Rows(config, store, hashes)
    made: dict[str, str | bytes] = {}
    if "claims.json.gz" in names:
        made["claims.json.gz"] = structured.gzipped(structured.claims_json(claims, config, rows.json))
    if "claims.csv" in names:
        made["claims.csv"] = structured.claims_csv(claims, config, rows.csv)
    if "feed.xml" in names:
        made["feed.xml"] = structured.atom_feed(claims, config)
    hits = {p: n - before_hits.get(p, 0) for p, n in store.hits.items()}
    misses = {p: n - before_misses.get(p, 0) for p, n in store.misses.items()}
    return made, rows.made, hits, misses


def _background(stack: contextlib.ExitStack, func: Callable[[Any], Any], value: Any) -> Future[Any]:
    """``func(value)`` in one forked worker (it inherits ``value``: nothing is sent to it), run while this process goes on."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _WORKER_VALUE
    pool = stack.enter_context(ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")))
    _WORKER_VALUE = (func, value)
    try:
        return pool.submit(_run_inherited)  # the worker is forked here, inheriting _WORKER_VALUE
    finally:
        _WORKER_VALUE = None


_WORKER_VALUE: Any = None


def _run_inherited() -> Any:
    func, value = _WORKER_VALUE
    return func(value)


def render(
    claims: list[Claim],
    config: SiteConfig,
    store: cache.Store | None = None,
    hashes: dict[str, str] | None = None,
    items: Sequence[Loaded] = (),
    listings: _Listings | None = None,
    data_job: DataJob | None = None,
) -> dict[str, str | bytes]:
    """Every page and data file; ``RenderError`` becomes a located problem of the claim files that caused it."""
    from .render import RenderError

    store = store or cache.Store.off()
    hashes = hashes if hashes is not None else {c.id: cache.digest(repr(c)) for c in claims}
    try:
        renderer = _renderer_class()(claims, config, store, hashes, listings or _Listings({}))
        renderer.data_job = data_job
        outputs = renderer.render()
    except RenderError as exc:
        where = {item.claim.id: item for item in items if item.claim is not None}
        located = [where[cid].problem(exc.field, exc.message, exc.hint) for cid in exc.claim_ids if cid in where]
        raise GenerationError(located or [Problem("claims", 1, "", exc.message, exc.hint)]) from exc
    return cache.Outputs(outputs)


def _group(store: cache.Store, part: str, name: str, key: str) -> dict[str, Any] | None:
    """Outputs cached together under one key (the search index's files), their bytes read when needed."""
    members = store.get(part, name, key)
    if not isinstance(members, dict) or not all(store.has(part, path, member) for path, member in members.items()):
        return None
    return {path: store.stored(part, path) for path in members}


def _put_group(store: cache.Store, part: str, name: str, key: str, files: Mapping[str, Any]) -> None:
    """Remember outputs made together under ``key``, each member under the hash of its own bytes: when the group is
    made again, a member whose bytes did not change (most of the search index's files after one edit) is neither
    stored again nor, having the same key as before, read back by the writer."""
    members: dict[str, str] = {}
    for path, content in files.items():
        if isinstance(content, cache.Stored):  # read back from the cache: kept under the key it has
            members[path] = store.known_key(part, path) or ""
        else:
            members[path] = cache.digest(content.encode("utf-8") if isinstance(content, str) else content)
    store.put(part, name, key, members)
    for path, content in files.items():
        store.put(part, path, members[path], None, content)


def _made_by(store: cache.Store, outputs: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """For each output served or made through the cache, its part and the key of what made it: the writer skips
    an output whose key and file are unchanged without reading it, and a run served whole finds it again."""
    if store.folder is None:
        return {}
    made: dict[str, tuple[str, str]] = {}
    for path in outputs:
        for part in ("pages", "extras"):
            key = store.used_key(part, path)
            if key is not None:
                made[path] = (part, key)
                break
    return made


# -- the extras: search index, share images ------------------------------------------


def _extras(store: cache.Store, stale_ok: Result | None = None) -> list[tuple[str, Callable[[list[Claim], SiteConfig], dict[str, bytes]]]]:
    """Post-render outputs that live beside the pages: the search index and the share images (each cached)."""
    from . import searchindex, shareimage

    return [
        ("search index", lambda claims, config: _search_index(searchindex, claims, config, store, stale_ok)),
        ("share images", lambda claims, config: _share_images(shareimage, claims, config, store)),
    ]


def _search_index(
    module: Any, claims: list[Claim], config: SiteConfig, store: cache.Store, stale_ok: Result | None = None
) -> dict[str, bytes]:
    """The whole index, rebuilt only when one of its records changed (or, with ``stale_ok``, the last one, flagged)."""
    ordered = sorted(claims, key=lambda c: c.id)
    record = getattr(module, "record_html", None)
    texts = {c.id: record(c) for c in ordered} if record else None  # made once: the key, then the index (~1.5 s at 10,000)
    key = cache.digest("search", *((c.id + "\n" + texts[c.id]) if texts else repr(c) for c in ordered))
    files = _group(store, "extras", "search index", key)
    last_key = store.known_key("extras", "search index") if files is None and stale_ok is not None else None
    if last_key is not None:
        last = _group(store, "extras", "search index", last_key)
        if last is not None:  # kept under its own key, so the next full run rebuilds it
            _put_group(store, "extras", "search index", last_key, last)
            stale_ok.search_stale = True
            return dict(last)
    if files is None:
        files = module.index_files(claims, config, texts)
    _put_group(store, "extras", "search index", key, files)
    return dict(files)


def _share_key(claim: Claim) -> str:
    """What a share card draws: headline, claimant, rating."""
    who = claim.claimant
    return cache.digest("share", claim.id, claim.title, who.name, who.role or "", str(claim.status), claim.rating.label)


def _share_images(module: Any, claims: list[Claim], config: SiteConfig, store: cache.Store) -> dict[str, bytes]:
    """One image per claim, drawn again only when what it shows changed (in parallel when many are missing)."""
    images: dict[str, bytes] = {}
    missing: list[Claim] = []
    for claim in claims:
        hit = store.get_output("extras", f"share/{claim.id}.png", _share_key(claim))
        if hit is None:
            missing.append(claim)
        else:
            images[f"share/{claim.id}.png"] = hit[1]
    cached_site = store.get_output("extras", "share/site.png", "site")
    site = cached_site[1] if cached_site is not None else None
    if missing or site is None:
        drawn: dict[str, bytes] = dict(_map(_draw_share, missing, module.__name__, config)) if missing else {}
        if site is None:
            site = module.share_images([], config)["share/site.png"]
        for claim in missing:
            images[f"share/{claim.id}.png"] = drawn[f"share/{claim.id}.png"]
    for claim in claims:
        store.put("extras", f"share/{claim.id}.png", _share_key(claim), None, images[f"share/{claim.id}.png"])
    store.put("extras", "share/site.png", "site", None, site)
    images["share/site.png"] = site
    return dict(sorted(images.items()))


def _draw_share(claims: Iterable[Claim], module_name: str, config: SiteConfig) -> list[tuple[str, bytes]]:
    import importlib

    drawn = importlib.import_module(module_name).share_images(list(claims), config)
    return [(path, data) for path, data in drawn.items() if path != "share/site.png"]


def _merge(outputs: dict[str, str | bytes], extra: dict[str, bytes], name: str) -> None:
    clash = sorted(set(outputs) & set(extra))
    if clash:
        raise GenerationError([Problem("docs", 1, "", f"the {name} would overwrite generated page {clash[0]}", "Report this as a bug.")])
    outputs.update(extra)


def generate(root: Path, stale_search: bool = False) -> tuple[Result, str]:
    """Run the generator and, only when nothing is wrong, write ``docs/`` (see ``run`` for ``stale_search``)."""
    from .write import UnsafeOutput, write_outputs

    result = run(root, stale_search=stale_search, background_save=True)  # the cache is saved while docs/ is written
    if not result.ok:
        result.saved()
        return result, "Nothing was written: fix the problems above and run again."
    start, start_cpu = time.perf_counter(), cpu_seconds()
    try:
        report = write_outputs(result.outputs, root / "docs", keys=result.keys, sums=root / cache.FOLDER / "written.json")
    except UnsafeOutput as exc:
        result.problems = [Problem("docs", 1, "", message, "Remove the link, then run again.") for message in exc.problems]
        return result, "Nothing was written: fix the problems above and run again."
    finally:
        result.timings["write"], result.cpu_timings["write"] = time.perf_counter() - start, cpu_seconds() - start_cpu
        result.saved()
    result.report = report
    later = " The search index is being rebuilt for the changed claims." if result.search_stale else ""
    return result, f"{result.claim_count} claims → docs/: {report.summary()}.{later}"
