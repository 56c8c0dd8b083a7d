"""The file system without following symbolic links: what a folder holds, and a file's bytes.

A claim file or a generated page that is a link could make the build read (and echo
into CI logs) or overwrite a file anywhere on the machine, so loading (``load.py``)
and writing (``write.py``) look at entries and read files through these two only.
"""

from __future__ import annotations

import os
from pathlib import Path


def entry_kinds(folder: Path) -> dict[str, str]:
    """What a folder holds, links not followed: name -> "link", "dir", "file" (regular) or "other" (pipe, socket,
    device); empty when ``folder`` is missing or no folder (an unreadable one raises: never skipped silently).
    One listing, and on most file systems no stat per entry."""
    try:
        with os.scandir(folder) as entries:
            return {e.name: _kind(e) for e in entries}
    except (NotADirectoryError, FileNotFoundError):
        return {}


def _kind(entry: os.DirEntry[str]) -> str:
    if entry.is_symlink():
        return "link"
    if entry.is_dir(follow_symlinks=False):
        return "dir"
    return "file" if entry.is_file(follow_symlinks=False) else "other"


def read_bytes(path: Path | str, limit: int = -1) -> bytes:
    """A file's bytes (at most ``limit``), refusing a link swapped in after it was checked (O_NOFOLLOW)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        return handle.read(limit)
