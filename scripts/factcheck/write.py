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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = ".generated"
OWNED_DIRS = ("claims", "browse")
MAX_NAME_BYTES = 255  # a file name, on every common file system
MAX_PATH_BYTES = 1024  # a whole path under docs/ (Windows checkouts and tar need far less than PATH_MAX)


class UnsafeOutput(Exception):
    """The outputs cannot be written safely; ``problems`` says why, one line per path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def check_targets(outputs: dict[str, str | bytes], docs: Path) -> list[str]:
    """Everything that would make writing ``outputs`` into ``docs`` unsafe, before anything is written.

    Refused: paths that are absolute, climb out (``..``), have over-long names,
    or pass through a symbolic link (a generated folder committed as a link to
    elsewhere would make the build write and delete files wherever it points).
    """
    problems: list[str] = []
    if docs.is_symlink():
        return [f"{docs}: the output folder is a symbolic link; make it a real folder"]
    checked: set[Path] = set()
    for rel in sorted(outputs):
        parts = Path(rel).parts
        if Path(rel).is_absolute() or ".." in parts or not parts:
            problems.append(f"{rel}: not a relative path inside docs/")
            continue
        if any(len(part.encode("utf-8")) > MAX_NAME_BYTES for part in parts) or len(rel.encode("utf-8")) > MAX_PATH_BYTES:
            problems.append(f"{rel}: the file name is too long for a file system")
            continue
        here = docs
        for number, part in enumerate(parts, start=1):
            here = here / part
            if here in checked:
                continue
            checked.add(here)
            shown = here.relative_to(docs).as_posix()
            if here.is_symlink():
                problems.append(f"{shown}: is a symbolic link; generated files are never written through links")
                break
            last = number == len(parts)
            if here.exists() and (here.is_dir() if last else not here.is_dir()):  # found before writing, not halfway
                what = "a folder where a generated file goes" if last else "not a folder, but generated files go inside it"
                problems.append(f"{shown}: is {what}; move it away")
                break
    for owned in OWNED_DIRS:
        for found in _walk(docs / owned):
            if found.is_symlink():
                problems.append(f"{found.relative_to(docs).as_posix()}: is a symbolic link inside a generated folder; remove it")
    return sorted(set(problems))


def _walk(folder: Path) -> list[Path]:
    """Every entry below ``folder``, never descending into symbolic links."""
    if not folder.is_dir() or folder.is_symlink():
        return [folder] if folder.is_symlink() else []
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(dirpath)
        found += [base / name for name in dirnames + filenames]
    return found


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.written)} written, {self.unchanged} unchanged, {len(self.removed)} removed"


def write_outputs(outputs: dict[str, str | bytes], docs: Path, keys: dict[str, str] | None = None, sums: Path | None = None) -> WriteReport:
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
    for rel, content in sorted(outputs.items()):
        target = docs / rel
        key = keys.get(rel)
        entry = known.get(rel)
        if key is not None and entry is not None and entry[0] == key and _same_stat(target, entry):
            report.unchanged += 1
            recorded[rel] = entry
            continue
        data = content.encode("utf-8") if isinstance(content, str) else content
        if target.is_file() and not target.is_symlink() and target.stat().st_size == len(data) and target.read_bytes() == data:
            report.unchanged += 1
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(target, data)
            report.written.append(rel)
        if key is not None:
            stat = target.lstat()
            recorded[rel] = [key, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
    for rel in sorted(_previous(docs) - set(outputs)):
        path = docs / rel
        if path.is_symlink() or not _inside_real_folders(docs, rel):
            continue  # never delete through (or at) a link: check_targets reported links inside owned folders
        if path.is_file():
            path.unlink()
            report.removed.append(rel)
    _remove_empty_dirs(docs)
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


def _same_stat(target: Path, entry: list[Any]) -> bool:
    """Whether ``target`` is still the regular file the last write left (size, times, inode: any write changes the ctime)."""
    try:
        stat = target.lstat()
    except OSError:
        return False
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino] == entry[1:] and not target.is_symlink()


def _previous(docs: Path) -> set[str]:
    found: set[str] = set()
    manifest = docs / MANIFEST
    if manifest.is_file():
        found |= {line for line in manifest.read_text(encoding="utf-8").splitlines() if line}
    for owned in OWNED_DIRS:
        found |= {p.relative_to(docs).as_posix() for p in _walk(docs / owned) if p.is_file() and not p.is_symlink()}
    return {rel for rel in found if not Path(rel).is_absolute() and ".." not in Path(rel).parts}


def _inside_real_folders(docs: Path, rel: str) -> bool:
    """Whether every folder between ``docs`` and ``rel`` is a real folder, not a link."""
    here = docs
    for part in Path(rel).parts[:-1]:
        here = here / part
        if here.is_symlink():
            return False
    return True


def _atomic_write(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove_empty_dirs(docs: Path) -> None:
    for owned in OWNED_DIRS:
        root = docs / owned
        if not root.is_dir() or root.is_symlink():
            continue
        for folder in sorted((p for p in _walk(root) if p.is_dir() and not p.is_symlink()), key=lambda p: len(p.parts), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
