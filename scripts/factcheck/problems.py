"""Errors as values: every problem has a file, a line, a field and a hint."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    field: str
    message: str
    hint: str = ""

    def format(self) -> str:
        """``file:line: field: message`` and, indented below, what to do (safe to print)."""
        where = visible(f"{self.file}:{self.line}: {self.field or '(file)'}: {self.message}")
        return f"{where}\n    hint: {visible(self.hint)}" if self.hint else where

    def github(self) -> str:
        """A GitHub Actions workflow command that annotates the line in the pull request diff."""
        title = f"{self.field or 'claim file'}"
        body = f"{self.message}" + (f" Hint: {self.hint}" if self.hint else "")
        return f"::error file={_prop(visible(self.file))},line={self.line},title={_prop(visible(title))}::{_data(visible(body))}"


def visible(text: str) -> str:
    """Text safe for a terminal or a CI log: one line, every control or invisible character shown as \\uXXXX.

    Contributor values are echoed in messages; unescaped, a carriage return could
    erase the line, an escape sequence recolour the terminal, and a newline start
    a fake workflow command (``::add-mask::``...) on the GitHub runner.
    """
    out = []
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") or ch == "\\":
            out.append("\\\\" if ch == "\\" else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def report(problems: list[Problem]) -> str:
    """All problems, sorted by file and line, with a closing count."""
    ordered = sorted(problems)
    lines = [p.format() for p in ordered]
    files = len({p.file for p in ordered})
    noun = "problem" if len(ordered) == 1 else "problems"
    lines.append(f"{len(ordered)} {noun} in {files} file{'s' if files != 1 else ''}.")
    return "\n".join(lines)


class GenerationError(Exception):
    """Generation stopped before writing anything; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(report(problems))
        self.problems = problems
