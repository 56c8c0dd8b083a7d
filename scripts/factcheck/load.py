"""Stage 1: read claim files into model instances, gathering every problem."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .convert import Converter
from .model import Claim
from .nofollow import entry_kinds, read_bytes
from .problems import Problem
from .yamlread import Document, LineTable, PathKey, dotted, read

CLAIM_SUFFIX = ".yaml"
MAX_FILE_BYTES = 256 * 1024  # the largest bundled claim is ~10 KB
# Files that may sit in claims/ beside the claims; anything else is reported.
EXPECTED_FILES = {"claim.schema.json", "README.md", ".gitkeep"}
_BACKUP_MARKS = ("~", ".bak", ".orig", ".swp", ".swo", ".tmp", ".rej")


@dataclass
class Loaded:
    """One claim file: where it is, its parsed document, and the claim if it converted."""

    path: Path
    display: str  # the path as shown in messages (relative to the project)
    doc: Document | LineTable  # a claim read back from the cache keeps only where its values stood
    claim: Claim | None
    # What the cross-claim checks compare of each address the claim cites (crosscheck.address_records), worked
    # out once when the file is checked and kept with it in the cache; None until then.
    addresses: tuple[tuple[str, PathKey, str, tuple[tuple[str, str | None], ...]], ...] | None = None
    # The claim's statement as the duplicate check compares it (rules.comparable_text), kept like ``addresses``.
    comparable: str | None = None

    def problem(self, path: PathKey, message: str, hint: str = "") -> Problem:
        return Problem(self.display, self.doc.line(path), dotted(path), message, hint)


def claim_files(folder: Path) -> list[Path]:
    """The claim files in a folder (regular ``*.yaml`` files, never symlinks), in a stable order."""
    return scan_claims(folder)[0]


def scan_claims(folder: Path, root: Path | None = None) -> tuple[list[Path], list[Problem]]:
    """Every entry of claims/ accounted for: the claim files, and a problem for anything else.

    Nothing is skipped silently: a `.yml` or `.YAML` file, an editor backup, a
    sub-folder or a symbolic link is reported, because a contributor who saved
    a claim under such a name believes it is published. Symbolic links are
    never followed (a link could make the build read, and echo into CI logs,
    any file on the machine).
    """
    if folder.is_symlink():
        where = display_path(folder, root)
        return [], [Problem(where, 1, "", "the claims folder is a symbolic link", "Make claims/ a real folder holding the claim files.")]
    if not folder.is_dir():
        return [], []
    claims: list[Path] = []
    problems: list[Problem] = []
    kinds = entry_kinds(folder)  # one listing; the kind of each entry without following links
    for name in sorted(kinds):
        entry = folder / name
        kind = kinds[name]
        if kind == "file" and entry.suffix == CLAIM_SUFFIX and not _looks_like_backup(name):
            claims.append(entry)  # the common case, decided without a message
            continue
        shown = display_path(entry, root)
        if kind == "link":
            problems.append(Problem(shown, 1, "", "is a symbolic link; it is not read", "Replace it with the claim file itself."))
        elif kind == "dir":
            problems.append(
                Problem(shown, 1, "", "sub-folders of claims/ are not read", f"Move its claim files up into claims/, then remove {name}/.")
            )
        elif kind != "file":  # a pipe, socket or device: reading it could block or never end
            problems.append(Problem(shown, 1, "", "is not a regular file (a pipe, socket or device); it is not read", "Remove it."))
        elif _looks_like_backup(name):
            problems.append(Problem(shown, 1, "", "looks like an editor backup or temporary file", "Delete it (it is not a claim)."))
        elif entry.suffix == CLAIM_SUFFIX:
            claims.append(entry)
        elif entry.suffix.lower() in (".yaml", ".yml"):
            problems.append(
                Problem(
                    shown,
                    1,
                    "",
                    f"claim files end in {CLAIM_SUFFIX} (lowercase); this file is not read",
                    f"Rename it to {entry.stem}{CLAIM_SUFFIX}.",
                )
            )
        elif name not in EXPECTED_FILES:
            problems.append(
                Problem(
                    shown, 1, "", "is not a claim file; claims/ holds only <id>.yaml files", "Move or delete it; claim files end in .yaml."
                )
            )
    return claims, problems


def _looks_like_backup(name: str) -> bool:
    return name.endswith(_BACKUP_MARKS) or (name.startswith("#") and name.endswith("#")) or name.startswith(".#")


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as shown in messages: relative to the project when inside it (symlinks not followed)."""
    base = str((root or Path.cwd()).absolute())
    text = str(path if path.is_absolute() else path.absolute())
    prefix = base if base.endswith(os.sep) else base + os.sep
    if text.startswith(prefix):  # the common case, without building paths
        return text[len(prefix) :].replace(os.sep, "/")
    try:
        return Path(text).relative_to(base).as_posix()
    except ValueError:
        return Path(text).as_posix()


def load_file(
    path: Path, today: dt.date, root: Path | None = None, on_bytes: Callable[[bytes], None] | None = None
) -> tuple[Loaded, list[Problem]]:
    """Read and convert one claim file; ``on_bytes`` is shown the bytes read (the pipeline hashes them for its cache)."""
    shown = display_path(path, root)
    if path.is_symlink() or not path.is_file():
        what = "is a symbolic link; it is not read" if path.is_symlink() else "is not a regular file"
        return Loaded(path, shown, Document(), None), [Problem(shown, 1, "", what, "Give the claim file itself, not a link to it.")]
    try:
        data = read_bytes(path, MAX_FILE_BYTES + 1)
    except OSError as exc:
        return Loaded(path, shown, Document(), None), [Problem(shown, 1, "", f"cannot read the file: {exc.strerror}", "Check the path.")]
    if on_bytes is not None:
        on_bytes(data)
    if len(data) > MAX_FILE_BYTES:
        return Loaded(path, shown, Document(), None), [
            Problem(
                shown,
                1,
                "",
                f"the file is {len(data):,} bytes; a claim file holds at most {MAX_FILE_BYTES:,}",
                "Quote less: keep quotes to the passage that matters.",
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Loaded(path, shown, Document(), None), [Problem(shown, line, "", "the file is not UTF-8 text", "Save the file as UTF-8.")]
    doc = read(text)
    problems = [Problem(shown, line, field, message, hint) for line, field, message, hint in doc.errors]
    loaded = Loaded(path, shown, doc, None)
    if path.suffix != CLAIM_SUFFIX:
        problems.append(Problem(shown, 1, "", f"claim files end in {CLAIM_SUFFIX}", f"Rename it to {path.stem}{CLAIM_SUFFIX}."))
    if doc.data is None and doc.errors:
        return loaded, problems
    converter = Converter(doc, today)
    loaded.claim = converter.convert(Claim, doc.data)
    problems += [loaded.problem(p, message, hint) for p, message, hint in converter.problems]
    return loaded, problems
