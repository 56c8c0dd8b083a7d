"""Stage 4: write generated files, touching only what changed.

Writing an unchanged file would wake ``mkdocs serve`` for nothing (and can
loop), so a file is written only when its bytes differ, through a temporary
file and a rename so no reader ever sees half a page. Files the previous run
generated that this run does not produce (a deleted claim's page) are removed;
the list of generated files is kept in ``docs/.generated``. The folders in
``OWNED_DIRS`` are wholly generated, so anything else found in them goes too.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".generated"
OWNED_DIRS = ("claims", "browse")


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.written)} written, {self.unchanged} unchanged, {len(self.removed)} removed"


def write_outputs(outputs: dict[str, str | bytes], docs: Path) -> WriteReport:
    report = WriteReport()
    docs.mkdir(parents=True, exist_ok=True)
    for rel, content in sorted(outputs.items()):
        data = content.encode("utf-8") if isinstance(content, str) else content
        target = docs / rel
        if target.is_file() and target.read_bytes() == data:
            report.unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(target, data)
        report.written.append(rel)
    for rel in sorted(_previous(docs) - set(outputs)):
        path = docs / rel
        if path.is_file():
            path.unlink()
            report.removed.append(rel)
    _remove_empty_dirs(docs)
    manifest = "".join(f"{rel}\n" for rel in sorted(outputs))
    manifest_path = docs / MANIFEST
    if not manifest_path.is_file() or manifest_path.read_text(encoding="utf-8") != manifest:
        _atomic_write(manifest_path, manifest.encode("utf-8"))
    return report


def _previous(docs: Path) -> set[str]:
    found: set[str] = set()
    manifest = docs / MANIFEST
    if manifest.is_file():
        found |= {line for line in manifest.read_text(encoding="utf-8").splitlines() if line}
    for owned in OWNED_DIRS:
        found |= {p.relative_to(docs).as_posix() for p in (docs / owned).rglob("*") if p.is_file()}
    return {rel for rel in found if not Path(rel).is_absolute() and ".." not in Path(rel).parts}


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
        if not root.is_dir():
            continue
        for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
