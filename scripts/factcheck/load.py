"""Stage 1: read claim files into model instances, gathering every problem."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .convert import Converter
from .model import Claim
from .problems import Problem
from .yamlread import Document, PathKey, dotted, read

CLAIM_SUFFIX = ".yaml"


@dataclass
class Loaded:
    """One claim file: where it is, its parsed document, and the claim if it converted."""

    path: Path
    display: str  # the path as shown in messages (relative to the project)
    doc: Document
    claim: Claim | None

    def problem(self, path: PathKey, message: str, hint: str = "") -> Problem:
        return Problem(self.display, self.doc.line(path), dotted(path), message, hint)


def claim_files(folder: Path) -> list[Path]:
    """The claim files in a folder, in a stable order (.yml included, so it can be flagged)."""
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def display_path(path: Path, root: Path | None = None) -> str:
    root = root or Path.cwd()
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_file(path: Path, today: dt.date, root: Path | None = None) -> tuple[Loaded, list[Problem]]:
    shown = display_path(path, root)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        doc = Document()
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return Loaded(path, shown, doc, None), [Problem(shown, line, "", "the file is not UTF-8 text", "Save the file as UTF-8.")]
    except OSError as exc:
        return Loaded(path, shown, Document(), None), [Problem(shown, 1, "", f"cannot read the file: {exc.strerror}", "Check the path.")]
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
