"""The search index: a Pagefind bundle built from the Claim objects themselves.

``index_files(claims, config)`` returns every file of the bundle keyed by its
path under ``docs/`` (``pagefind/pagefind.js``, ``pagefind/fragment/...``), so
the pipeline writes it beside the pages and any engine that copies ``docs/``
(MkDocs, Zensical, ``make serve``) publishes it without a plugin.

Each claim becomes one record, built here as a small HTML document that holds
only what a reader searches (headline, claim, claimant, verdict, summary as
plain text, tags, publishers) with Pagefind's ``data-pagefind-*`` attributes
for weights, result metadata, filters and sort keys. Nothing else of the site
(page furniture, listing pages) is indexed. Every contributor string is
HTML-escaped before Pagefind reads it, and the browser script renders what
comes back with ``textContent`` only.

The bundle is deterministic: the same claims give the same bytes (the records
are added in id order; ``tests/test_searchindex.py`` checks it).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import cbor2

from .model import Claim
from .problems import GenerationError, Problem
from .render import human_date
from .siteconfig import SiteConfig
from .structured import gzipped

OUTPUT = "pagefind"
# Weights (Pagefind's data-pagefind-weight: 1 is body text, up to 10).
_WEIGHTS = {"headline": 10.0, "claimant": 9.0, "publisher": 6.0, "tag": 6.0, "claim": 4.0, "verdict": 3.0, "summary": 1.0}


def plain_summary(markdown: str) -> str:
    from .sanitize import markdown_text

    return markdown_text(markdown)


def tag_words(tag: str) -> str:
    """A tag slug as a reader types it: 'north-korea' -> 'north korea'."""
    return tag.replace("-", " ")


def publishers(claim: Claim) -> list[str]:
    """The source's publisher, then every evidence publisher, each once, in order."""
    seen: dict[str, None] = {claim.source.publisher: None}
    for item in claim.corroboration:
        seen.setdefault(item.publisher, None)
    return list(seen)


def record_url(claim: Claim) -> str:
    """Relative to the site root; the browser script resolves it against the site's base."""
    return f"claims/{claim.id}/"


def record_html(claim: Claim) -> str:
    """One claim as the small document Pagefind indexes (every value escaped)."""

    def esc(text: str) -> str:
        return html.escape(" ".join(text.split()), quote=True)

    def block(kind: str, text: str, attrs: str = "") -> str:
        return f'<p data-pagefind-weight="{_WEIGHTS[kind]}"{attrs}>{esc(text)}</p>'

    rating = claim.rating
    parts = [
        f'<h1 data-pagefind-weight="{_WEIGHTS["headline"]}" data-pagefind-meta="title">{esc(claim.title)}</h1>',
        block("claimant", claim.claimant.name, ' data-pagefind-meta="claimant" data-pagefind-filter="claimant"'),
        block("claim", claim.claim),
    ]
    if claim.verdict:
        parts.append(block("verdict", claim.verdict, ' data-pagefind-meta="verdict"'))
    parts.append(block("summary", plain_summary(claim.summary)))
    for tag in claim.tags:
        parts.append(block("tag", tag_words(tag)))
        parts.append(f'<span data-pagefind-ignore data-pagefind-filter="tag">{esc(tag)}</span>')
    # Every publisher is searchable; the publisher filter is the source's (where the claim appeared).
    for name in publishers(claim):
        parts.append(block("publisher", name, ' data-pagefind-filter="publisher"' if name == claim.source.publisher else ""))
    hidden = [
        ("status", rating.value),
        ("label", rating.label),
        ("date", human_date(claim.date)),
        ("iso_date", claim.date),
    ]
    meta = "".join(f'<span data-pagefind-meta="{key}">{esc(str(value))}</span>' for key, value in hidden)
    filters = (
        f'<span data-pagefind-filter="rating">{esc(rating.label)}</span><span data-pagefind-filter="year">{esc(claim.date[:4])}</span>'
    )
    sorts = (
        f'<span data-pagefind-sort="date">{esc(_sortable(claim.date))}</span>'
        f'<span data-pagefind-sort="reviewed">{esc(claim.last_updated)}</span>'
    )
    body = "".join(parts)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title></title></head><body>'
        f"<main data-pagefind-body>{body}<div data-pagefind-ignore>{meta}{filters}{sorts}</div></main></body></html>"
    )


def _sortable(date: str) -> str:
    """A partial date as a full one that sorts where it belongs ('2024-03' -> '2024-03-00')."""
    return (date + "-00-00")[:10] if len(date) < 10 else date


def index_files(claims: list[Claim], config: SiteConfig | None = None, texts: Mapping[str, str] | None = None) -> dict[str, bytes]:
    """The Pagefind bundle for ``claims``: path under docs/ -> bytes (``texts``: each claim's ``record_html`` by id,
    when the caller has made them already).

    Each record is written as ``claims/<id>/index.html`` in a scratch folder and
    Pagefind's binary (the one the ``pagefind`` package finds, from the
    ``pagefind-bin`` wheel) indexes that folder in one run. The Python API's
    service was tried first: it answers one request every 0.1 s (10,000
    records took minutes) and shares the binary's log stream with its
    protocol, which once broke a build under load.
    """
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise GenerationError(
            [Problem("requirements.txt", 1, "", "the Pagefind binary is missing", "Run: make site (installs pagefind-bin).")]
        )
    with tempfile.TemporaryDirectory(prefix="pagefind-", dir=scratch_folder(len(claims))) as tmp:
        records, out = Path(tmp) / "records", Path(tmp) / OUTPUT
        for claim in sorted(claims, key=lambda c: c.id):
            target = records / record_url(claim) / "index.html"
            target.parent.mkdir(parents=True)
            target.write_text(texts[claim.id] if texts is not None else record_html(claim), encoding="utf-8")
        command = [str(binary), "--site", str(records), "--output-path", str(out), "--force-language", "en", "--silent"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False, cwd=tmp)
        if done.returncode != 0 or not (out / "pagefind-entry.json").is_file():
            message = " ".join((done.stderr or done.stdout or f"exit status {done.returncode}").split())[:500]
            raise GenerationError(
                [Problem("claims", 1, "", f"Pagefind could not build the search index: {message}", "Report this as a bug.")]
            )
        files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    return {f"{OUTPUT}/{name}": data for name, data in sorted(canonical_bundle(files).items())}


# Room the scratch folder needs per record: its HTML (~3 KB), Pagefind's fragment and its share of the index.
_SCRATCH_PER_RECORD = 64 * 1024
_SCRATCH_SPARE = 64 * 1024 * 1024


def scratch_folder(records: int, memory: str = "/dev/shm") -> str | None:
    """Where the records and Pagefind's output are written for one run: the machine's memory-backed folder when
    it has room (at 10,000 records creating the 20,000 folders and files took 7 s on a disk, 0.3 s there), else
    the system's temporary folder (None). The folder is removed after the run either way."""
    try:
        stats = os.statvfs(memory)
    except OSError:
        return None
    room = stats.f_bavail * stats.f_frsize
    usable = os.path.isdir(memory) and os.access(memory, os.W_OK | os.X_OK)
    return memory if usable and room >= records * _SCRATCH_PER_RECORD + _SCRATCH_SPARE else None


def canonical_bundle(files: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind's bundle made byte-for-byte reproducible, trimmed to what the browser loads.

    Pagefind writes each filter's values in hash-map order, which changes from
    run to run, and names every file after its content's hash. Here each
    filter chunk is decoded, its values sorted, re-encoded and renamed after
    its new content; the metadata file that lists the chunks, and the entry
    file that names the metadata file, follow. Fragments lose the full text
    (``_lean_fragment``) and are renamed the same way.
    """
    entry = json.loads(files["pagefind-entry.json"])
    out: dict[str, bytes] = {"pagefind.js": quicker_ready(files["pagefind.js"])}
    if "pagefind-worker.js" in files:  # the search runs in Pagefind's web worker (search.js), off the page's thread
        out["pagefind-worker.js"] = quicker_ready(files["pagefind-worker.js"])
    for language, info in sorted(entry["languages"].items()):
        meta = _unpack(files[f"pagefind.{info['hash']}.pf_meta"])
        # meta = [version, pages [[fragment hash, word count]], index chunks [[first word, last word, hash]],
        #         filter chunks [[name, hash]], sorts [[name, page numbers in order]], meta fields]
        index_chunks = {chunk_hash: _unpack(files[f"index/{chunk_hash}.pf_index"]) for _, _, chunk_hash in meta[2]}
        new_number = _date_order(meta, index_chunks)
        meta[1] = [page for _, page in sorted(zip(new_number, meta[1], strict=True))]
        meta[4] = sorted([name, [new_number[p] for p in order]] for name, order in meta[4])
        filters = []
        for name, chunk_hash in sorted(meta[3]):
            name_and_values = _unpack(files[f"filter/{chunk_hash}.pf_filter"])
            values = sorted([value, sorted(new_number[p] for p in pages)] for value, pages in name_and_values[1])
            filters.append((name, _pack([name_and_values[0], values])))
        meta[3] = []
        for (name, data), new_hash in zip(filters, content_names(language, [data for _, data in filters]), strict=True):
            out[f"filter/{new_hash}.pf_filter"] = data
            meta[3].append([name, new_hash])
        renumbered = new_number != list(range(len(new_number)))
        packed = {old_hash: files[f"index/{old_hash}.pf_index"] for old_hash in index_chunks}  # Pagefind's, if kept in its order
        renamed = {old_hash: old_hash for old_hash in index_chunks}
        if renumbered:
            for chunk in index_chunks.values():
                for entries in _entry_lists(chunk):
                    _renumber(entries, new_number)
            packed = {old_hash: _pack(chunk) for old_hash, chunk in index_chunks.items()}
            renamed = dict(zip(packed, content_names(language, list(packed.values())), strict=True))
        for old_hash, data in packed.items():
            out[f"index/{renamed[old_hash]}.pf_index"] = data
        meta[2] = [[first, last, renamed[chunk_hash]] for first, last, chunk_hash in meta[2]]
        lean = [_lean_fragment(files[f"fragment/{page_hash}.pf_fragment"]) for page_hash, _ in meta[1]]
        names = content_names(language, lean)
        for data, new_hash in zip(lean, names, strict=True):
            out[f"fragment/{new_hash}.pf_fragment"] = data
        meta[1] = [[new_hash, word_count] for new_hash, (_, word_count) in zip(names, meta[1], strict=True)]
        data = _pack(meta)
        info["hash"] = f"{language}_{hashlib.sha256(data).hexdigest()[:10]}"
        out[f"pagefind.{info['hash']}.pf_meta"] = data
        out[f"wasm.{info['wasm']}.pagefind"] = files[f"wasm.{info['wasm']}.pagefind"]
    out["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return out


def content_names(language: str, blobs: list[bytes]) -> list[str]:
    """A file name for each blob from its content's hash: 7 hex digits, as Pagefind names them, or 14
    where another blob's content shares the 7 (at 10,000 records two pages' fragments would do so in
    about one build in six, and one would overwrite the other: a result showing another claim)."""
    digests = [hashlib.sha256(blob).hexdigest() for blob in blobs]
    sharing: dict[str, set[str]] = {}
    for digest in digests:
        sharing.setdefault(digest[:7], set()).add(digest)
    return [f"{language}_{digest[:7] if len(sharing[digest[:7]]) == 1 else digest[:14]}" for digest in digests]


_SIGNATURE = b"pagefind_dcd"

# Pagefind's getPtr(), which every search calls first, waits for the WebAssembly and the metadata
# by polling every 50 ms: a first search started while they load (the search page's) found them
# ready up to 50 ms after they were. Polled every 4 ms (a browser's shortest timer) it does not.
_READY_POLL = b"while(this.raw_ptr===null){if(this.initError){throw this.initError;}await asyncSleep(50);}"


def quicker_ready(script: bytes) -> bytes:
    """pagefind.js (or its worker) with its readiness poll at 4 ms instead of 50 ms (unchanged if it has no such poll)."""
    return script.replace(_READY_POLL, _READY_POLL.replace(b"asyncSleep(50)", b"asyncSleep(4)"), 1)


def _entry_lists(chunk: Any) -> list[list[list[Any]]]:
    """The page lists of an index chunk: [[word, entries, [[variant, entries], ...]], ...]; each entry [page, positions, ...]."""
    found = []
    for _word, entries, variants in chunk[0]:
        found.append(entries)
        found += [more for _variant, more in variants]
    return found


def _renumber(entries: list[list[Any]], new_number: list[int]) -> None:
    """Renumber one word's page list in place. Pagefind stores it in page order, each number as the
    difference from the one before; the list is put back in the new order, as differences again."""
    page = 0
    for entry in entries:
        page += entry[0]
        entry[0] = new_number[page]
    entries.sort(key=lambda entry: entry[0])
    previous = 0
    for entry in entries:
        entry[0], previous = entry[0] - previous, entry[0]


def _date_order(meta: list[Any], index_chunks: dict[str, Any]) -> list[int]:
    """New page numbers: the pages in claim-date order (old number -> new number).

    Pagefind numbers pages in its own order. Each word's page list is stored
    as differences between page numbers, so numbering the pages in date order
    (claims on one subject cluster in time) makes the differences small: at
    10,000 synthetic claims the filter data shrank from 227 to 190 KB and a
    first search loads ~10 KB less. Pages keep Pagefind's order when a data
    file has a shape this code does not know.
    """
    count = len(meta[1])
    try:
        known = all(
            sum(entry[0] for entry in entries) < count and all(isinstance(entry[0], int) and entry[0] >= 0 for entry in entries)
            for chunk in index_chunks.values()
            for entries in _entry_lists(chunk)
        )
    except (TypeError, ValueError, IndexError):
        known = False
    by_date = dict(meta[4]).get("date")
    if not known or by_date is None or sorted(by_date) != list(range(count)):
        return list(range(count))
    new_number = [0] * count
    for position, page in enumerate(by_date):
        new_number[page] = position
    return new_number


def _lean_fragment(data: bytes) -> bytes:
    """A result's fragment without the record's full text.

    Pagefind keeps each page's whole text in its fragment to cut excerpts
    from; results here show the claim's own verdict instead (excerptLength 0),
    so the text is dropped: a first page of results then loads about a fifth
    of the bytes. Everything a result shows (meta, filters, url) stays.
    """
    raw = gzip.decompress(data)
    if not raw.startswith(_SIGNATURE):
        raise ValueError("not a Pagefind fragment")
    fragment = json.loads(raw[len(_SIGNATURE) :])
    fragment["content"] = ""
    body = json.dumps(fragment, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return gzipped(_SIGNATURE + body)


def _unpack(data: bytes) -> Any:
    raw = gzip.decompress(data)
    if not raw.startswith(_SIGNATURE):
        raise ValueError("not a Pagefind data file")
    return cbor2.loads(raw[len(_SIGNATURE) :])


def _pack(value: Any) -> bytes:
    """A Pagefind data file: CBOR with the shortest heads (as Pagefind writes it), gzipped reproducibly."""
    return gzipped(_SIGNATURE + cbor2.dumps(value))


# --------------------------------------------------------------------------
# Measuring (for `make bench`, tests/benchmark.py): synthetic corpora and the
# cost of a first search in a real browser.


def synthetic_claims(claims: list[Claim], count: int) -> list[Claim]:
    """``count`` claims of realistic size: copies of ``claims`` with fresh ids and varied values.

    Each copy keeps its model's full text (claim, summary, evidence) but gets its
    own numbers, one of ~count/8 claimants, a year from 2014 to 2025, extra tags
    and publishers from pools that grow with ``count``, and a few words of its
    own, so the vocabulary and the filters grow as a real archive's would.
    Benchmark data only: never written where the site's claims live.
    """
    import dataclasses
    import re

    if not claims:
        return []
    models = sorted(claims, key=lambda c: c.id)
    syllables = ["ka", "lo", "mi", "ren", "to", "vas", "dor", "si", "pel", "an", "ru", "zek", "bo", "lin", "ta", "ve"]

    def word(n: int, parts: int = 3) -> str:
        out = []
        for _ in range(parts):
            out.append(syllables[n % len(syllables)])
            n //= len(syllables)
        return "".join(out)

    def renumber(text: str, n: int) -> str:
        return re.sub(r"\d+", lambda m: str((int(m.group()) * 7 + n) % 10_000), text)

    people = max(8, count // 8)
    topics = max(10, count // 40)
    outlets = max(20, count // 20)
    made = []
    for n in range(count):
        model = models[n % len(models)]
        year = 2014 + n % 12
        date = f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        person = n % people
        claimant = dataclasses.replace(model.claimant, name=f"{word(person).title()} {word(person * 31 + 7, 4).title()}")
        place = word(n * 17 + 3, 4).title()
        outlet = f"{word(n % outlets * 13 + 5).title()} {['Times', 'Post', 'News', 'Herald', 'Daily'][n % 5]}"
        evidence = tuple(
            dataclasses.replace(item, publisher=outlet if k == 0 else item.publisher, url=f"{item.url}#s{n}")
            for k, item in enumerate(model.corroboration)
        )
        made.append(
            dataclasses.replace(
                model,
                id=f"{model.id[:60]}-s{n:05d}",
                claim=f"{renumber(model.claim, n)} ({place})",
                headline=f"{renumber(model.title, n)[:60]} ({place})",
                claimant=claimant,
                date=date,
                source=dataclasses.replace(model.source, publisher=f"{word(n % outlets).title()} Gazette", date=date),
                summary=f"{renumber(model.summary, n)}\n\nReported from {place} by {word(n * 7 + 1, 4).title()}.",
                corroboration=evidence,
                tags=(*model.tags, f"topic-{word(n % topics)}"),
                related=(),
                reviewed=f"{max(year, 2024) + 1}-0{1 + n % 9}-1{n % 10}",
                published=None,
                history=(),
            )
        )
    return made
