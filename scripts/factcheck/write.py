"""Stage 4: write generated files, touching only what changed.

Writing an unchanged file would wake ``mkdocs serve`` for nothing (and can
loop), so a file is written only when its bytes differ, through a temporary
file and a rename so no reader ever sees half a page. Files the previous run
generated that this run does not produce (a deleted claim's page) are removed;
the list of generated files is kept in ``docs/.generated``. The folders in
``OWNED_DIRS`` are wholly generated, so anything else found in them goes too.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISLNK, S_ISREG
from typing import Any

from .nofollow import entry_kinds, read_bytes

MANIFEST = ".generated"
OWNED_DIRS = ("claims", "browse")
MAX_NAME_BYTES = 255  # a file name, on every common file system
MAX_PATH_BYTES = 1024  # a whole path under docs/ (Windows checkouts and tar need far less than PATH_MAX)


class UnsafeOutput(Exception):
    """The outputs cannot be written safely; ``problems`` says why, one line per path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def check_targets(outputs: Mapping[str, str | bytes], docs: Path) -> list[str]:
    """Everything that would make writing ``outputs`` into ``docs`` unsafe, before anything is written.

    Refused: paths that are absolute, climb out (``..``), have over-long names,
    or pass through a symbolic link (a generated folder committed as a link to
    elsewhere would make the build write and delete files wherever it points).
    """
    problems: list[str] = []
    if docs.is_symlink():
        return [f"{docs}: the output folder is a symbolic link; make it a real folder"]
    names: dict[str, list[str]] = {}  # folder (relative; "" for docs itself) -> the names written into it
    for rel in outputs:
        parts = rel.split("/")
        if "" in parts or "." in parts:
            parts = [part for part in parts if part not in ("", ".")]  # what Path(rel).parts gives, without its cost
        if rel.startswith("/") or ".." in parts or not parts:
            problems.append(f"{rel}: not a relative path inside docs/")
            continue
        # A character is at most 4 bytes: a path of up to 63 characters has no name over 255 bytes.
        if len(rel) * 4 > MAX_NAME_BYTES and (
            any(len(part.encode("utf-8")) > MAX_NAME_BYTES for part in parts) or len(rel.encode("utf-8")) > MAX_PATH_BYTES
        ):
            problems.append(f"{rel}: the file name is too long for a file system")
            continue
        names.setdefault("/".join(parts[:-1]), []).append(parts[-1])
    listings: dict[str, dict[str, str]] = {}  # folder -> name -> kind (nofollow.entry_kinds): one listing per folder
    real: dict[str, bool] = {"": True}  # folder -> whether it exists as a real folder (every folder above it too)

    def kinds(folder: str) -> dict[str, str]:
        if folder not in listings:
            listings[folder] = entry_kinds(docs / folder if folder else docs)
        return listings[folder]

    def is_real(folder: str) -> bool:
        """Whether ``folder`` and every folder above it are real folders; a link or a file on the way is reported."""
        if folder not in real:
            above, _, name = folder.rpartition("/")
            kind = kinds(above).get(name) if is_real(above) else None
            if kind == "link":
                problems.append(f"{folder}: is a symbolic link; generated files are never written through links")
            elif kind is not None and kind != "dir":
                problems.append(f"{folder}: is not a folder, but generated files go inside it; move it away")
            real[folder] = kind == "dir"  # a missing folder is no problem: nothing below it exists yet
        return real[folder]

    for folder in sorted(names):
        if not is_real(folder):
            continue
        present = kinds(folder)
        for name in names[folder]:
            kind = present.get(name)
            shown = f"{folder}/{name}" if folder else name
            if kind == "link":
                problems.append(f"{shown}: is a symbolic link; generated files are never written through links")
            elif kind == "dir":
                problems.append(f"{shown}: is a folder where a generated file goes; move it away")
    for owned in OWNED_DIRS:
        for found in _links_below(docs / owned):
            problems.append(f"{found.relative_to(docs).as_posix()}: is a symbolic link inside a generated folder; remove it")
    return sorted(set(problems))


def _links_below(folder: Path) -> list[Path]:
    """Every symbolic link at or below ``folder``, never descending into one."""
    if folder.is_symlink():
        return [folder]
    found: list[Path] = []
    pending = [folder]
    while pending:
        here = pending.pop()
        try:
            with os.scandir(here) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        found.append(Path(entry.path))
                    elif entry.is_dir(follow_symlinks=False):
                        pending.append(Path(entry.path))
        except (NotADirectoryError, FileNotFoundError, PermissionError):
            continue
    return found


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.written)} written, {self.unchanged} unchanged, {len(self.removed)} removed"


def write_outputs(
    outputs: Mapping[str, str | bytes], docs: Path, keys: dict[str, str] | None = None, sums: Path | None = None
) -> WriteReport:
    """Write what changed. With ``keys`` (output path -> hash of what made it) and a ``sums`` file recording, for
    each file written, that key and the file's size and modification time, a file whose key and stat are unchanged
    is skipped without being read back; any other file is compared byte for byte."""
    unsafe = check_targets(outputs, docs)
    if unsafe:
        raise UnsafeOutput(unsafe)
    report = WriteReport()
    docs.mkdir(parents=True, exist_ok=True)
    keys = keys or {}
    known = _read_sums(sums, docs) if sums is not None else {}
    recorded: dict[str, list[Any]] = {}
    base = str(docs)
    folders: set[str] = set()  # folders known to exist (one mkdir per folder, not per file)
    for rel in sorted(outputs):
        key = keys.get(rel)
        entry = known.get(rel)
        target = os.path.join(base, rel)
        if key is not None and entry is not None and entry[0] == key and _same_stat(target, entry):
            report.unchanged += 1
            recorded[rel] = entry
            continue
        content = outputs[rel]  # only now: a cached run's content is read from the cache when first needed
        data = content.encode("utf-8") if isinstance(content, str) else content
        try:
            found = os.lstat(target)
        except FileNotFoundError:
            found = None
        if found is not None and S_ISREG(found.st_mode) and found.st_size == len(data) and read_bytes(target) == data:
            report.unchanged += 1
        else:
            folder = os.path.dirname(target)
            if folder not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            _atomic_write(Path(target), data)
            report.written.append(rel)
        if key is not None:
            stat = os.lstat(target)
            recorded[rel] = [key, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
    for rel in sorted(_previous(docs) - set(outputs)):
        path = docs / rel
        if path.is_symlink() or not _inside_real_folders(docs, rel):
            continue  # never delete through (or at) a link: check_targets reported links inside owned folders
        if path.is_file():
            path.unlink()
            report.removed.append(rel)
    if report.removed:
        _remove_empty_dirs(docs)  # only a removal can empty a generated folder
    manifest = "".join(f"{rel}\n" for rel in sorted(outputs))
    manifest_path = docs / MANIFEST
    if not manifest_path.is_file() or manifest_path.read_text(encoding="utf-8") != manifest:
        _atomic_write(manifest_path, manifest.encode("utf-8"))
    if sums is not None and recorded != known:
        sums.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(sums, json.dumps({"docs": str(docs.absolute()), "files": recorded}, separators=(",", ":")).encode("utf-8"))
    return report


def _read_sums(sums: Path, docs: Path) -> dict[str, list[Any]]:
    """What the last write into ``docs`` recorded (empty when missing, unreadable, or about another folder)."""
    try:
        data = json.loads(sums.read_text(encoding="utf-8"))
        files = data["files"] if data.get("docs") == str(docs.absolute()) else {}
        return {str(rel): list(entry) for rel, entry in files.items() if isinstance(entry, list) and len(entry) == 5}
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return {}


def _same_stat(target: str, entry: list[Any]) -> bool:
    """Whether ``target`` is still the regular file the last write left (size, times, inode: any write changes the ctime)."""
    try:
        stat = os.lstat(target)
    except OSError:
        return False
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino] == entry[1:] and not S_ISLNK(stat.st_mode)


def _previous(docs: Path) -> set[str]:
    found: set[str] = set()
    manifest = docs / MANIFEST
    if manifest.is_file():
        found |= {line for line in manifest.read_text(encoding="utf-8").splitlines() if line}
    for owned in OWNED_DIRS:
        found |= set(_files_below(docs, owned))
    # Relative paths inside docs/ only (strings, not Path objects: ~35,000 of them at 10,000 claims).
    return {rel for rel in found if not rel.startswith("/") and ".." not in rel.split("/")}


def _files_below(docs: Path, owned: str) -> list[str]:
    """The regular files below ``docs/owned`` (paths relative to docs), never looking through a link."""
    if (docs / owned).is_symlink():
        return []
    found: list[str] = []
    pending = [owned]
    while pending:
        here = pending.pop()
        try:
            with os.scandir(docs / here) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(f"{here}/{entry.name}")
                    elif entry.is_file(follow_symlinks=False):
                        found.append(f"{here}/{entry.name}")
        except (NotADirectoryError, FileNotFoundError, PermissionError):
            continue
    return found


def _inside_real_folders(docs: Path, rel: str) -> bool:
    """Whether every folder between ``docs`` and ``rel`` is a real folder, not a link."""
    here = docs
    for part in Path(rel).parts[:-1]:
        here = here / part
        if here.is_symlink():
            return False
    return True


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _atomic_write(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target`` and rename it over: a reader sees the old file or the new one."""
    tmp = str(target.parent / f".{target.name}.tmp")
    try:
        fd = os.open(tmp, _CREATE, 0o644)  # O_EXCL: never through a link, never over another writer's file
    except FileExistsError:  # left by an interrupted run, or another writer: take a fresh name
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            os.fchmod(handle.fileno(), 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove_empty_dirs(docs: Path) -> None:
    for owned in OWNED_DIRS:
        root = docs / owned
        if not root.is_dir() or root.is_symlink():
            continue
        for dirpath, dirnames, filenames in os.walk(root, topdown=False, followlinks=False):
            if dirpath == str(root) or filenames or any(os.path.lexists(os.path.join(dirpath, d)) for d in dirnames):
                continue  # the owned folder itself, or one holding something (a file, a link, a folder that stayed)
            os.rmdir(dirpath)
