"""Read one YAML document safely, keeping the line of every value.

PyYAML alone would hide a contributor's mistakes: duplicate keys silently
overwrite each other, ``no``/``yes``/``off`` become booleans, ``2024-01-02``
becomes a date object. So we compose the node tree with the safe (C, when
available) loader and convert it ourselves:

- duplicate keys and anchors/aliases are reported as problems;
- timestamps stay the exact text written (the model checks dates itself);
- every scalar remembers its raw text, so a YAML 1.1 boolean can be named
  in the error ("`no` was read as false");
- every value remembers its line, so problems point at ``file:line``.
"""

from __future__ import annotations

import marshal
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PathKey = tuple[str | int, ...]

_STR_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"}
MAX_DEPTH = 10  # a claim nests 4 levels deep (claim > corroboration > item > field); more is a mistake or an attack


@dataclass
class Document:
    """A parsed YAML document plus where each value stood."""

    data: Any = None
    lines: dict[PathKey, int] = field(default_factory=dict)  # value lines
    key_lines: dict[PathKey, int] = field(default_factory=dict)  # lines of mapping keys
    raw: dict[PathKey, str] = field(default_factory=dict)  # text of plain (unquoted) scalars
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, field, message, hint

    def line(self, path: PathKey) -> int:
        """Line of the value at ``path``, or of its nearest enclosing value."""
        while path:
            if path in self.key_lines:
                return self.key_lines[path]
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


class LineTable:
    """Where each value of a document stood, packed as compressed JSON: what a cached claim keeps of its document.

    A claim read back from the cache needs its lines only to locate a problem found
    across claims (rare), so they are unpacked on first use, not on every run.
    """

    __slots__ = ("_doc", "packed")

    def __init__(self, packed: bytes) -> None:
        self.packed = packed  # compressed: ~1 KB a claim instead of ~7 KB, read back on every run that loads the cache
        self._doc: Document | None = None

    @classmethod
    def of(cls, doc: Document) -> LineTable:
        # marshal: the two tables (tuples of names and numbers -> line numbers) as they are, 2.5 times faster than JSON.
        return cls(zlib.compress(marshal.dumps((doc.lines, doc.key_lines)), 1))

    def line(self, path: PathKey) -> int:
        if self._doc is None:
            lines, key_lines = marshal.loads(zlib.decompress(self.packed))
            self._doc = Document(lines=lines, key_lines=key_lines)
        return self._doc.line(path)

    def __getstate__(self) -> bytes:
        return self.packed

    def __setstate__(self, packed: bytes) -> None:
        self.packed, self._doc = packed, None


def dotted(path: PathKey) -> str:
    """('corroboration', 2, 'url') -> 'corroboration[2].url'"""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _prescan(text: str) -> list[tuple[int, str, str, str]]:
    """Walk the event stream (iteratively, cheap) before building anything: refuse explicit
    tags (``!!int``, ``!!binary``, ``!custom``) and nesting deeper than ``MAX_DEPTH``, which
    would otherwise reach constructors or recursion limits."""
    errors: list[tuple[int, str, str, str]] = []
    depth = 0
    for event in yaml.parse(text, Loader=Loader):
        line = event.start_mark.line + 1
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                errors.append(
                    (line, "", f"nested more than {MAX_DEPTH} levels deep", "A claim file nests at most 4 levels; check the indentation.")
                )
                return errors
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        tag = getattr(event, "tag", None)
        if tag is not None and not isinstance(event, (yaml.DocumentStartEvent, yaml.DocumentEndEvent)):
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            errors.append(
                (line, "", f"YAML tags such as `{shown}` are not allowed in claim files", "Remove the tag; quote the value if it is text.")
            )
    return errors


_BLOCK_PREFIX = re.compile(r"^[ ?:-]*", re.M)  # where block collections can open on a line
_SAFE_BOUND = 64  # nesting the composer handles without strain; deeper text gets the event prescan first


def _plainly_shallow(text: str) -> bool:
    """Whether ``text`` can hold neither a tag nor deep nesting, so the event prescan can be skipped.

    A tag needs ``!``. Flow collections need ``[`` or ``{``. A block collection opens only in a
    line's leading run of spaces and ``-``/``?``/``:`` indicators, each one at a column to the right
    of its parent's (or at the same column once, for a list under a key), so the block nesting is at
    most twice the longest such run plus one. When those bounds are small, the tree is composed
    directly and its depth checked after (``Document`` then reports exactly what the prescan would).
    """
    if "!" in text or text.count("[") + text.count("{") > _SAFE_BOUND:
        return False
    return max((len(run) for run in _BLOCK_PREFIX.findall(text)), default=0) <= _SAFE_BOUND


def read(text: str) -> Document:
    doc = Document()
    shallow = _plainly_shallow(text)
    if not shallow:
        try:
            doc.errors += _prescan(text)
        except yaml.MarkedYAMLError:
            pass  # reported with its line by the full read below
        except yaml.YAMLError as exc:
            doc.errors.append((1, "", f"not valid YAML: {exc}", "Check the indentation and quotes."))
            return doc
        if doc.errors:
            return doc
    loader = Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = exc.problem or str(exc)
        lines = text.splitlines()
        offending = lines[line - 1] if 0 < line <= len(lines) else ""
        doc.errors.append((line, "", f"not valid YAML: {message}", _syntax_hint(message, offending)))
        return doc
    except yaml.YAMLError as exc:
        doc.errors.append((1, "", f"not valid YAML: {exc}", "Check the indentation and quotes."))
        return doc
    finally:
        loader.dispose()
    if node is None:
        doc.errors.append((1, "", "the file is empty", "Start from `make new` or copy an existing claim."))
        return doc
    doc.lines[()] = node.start_mark.line + 1
    converter = _Converter(loader, doc)
    doc.data = converter.convert(node, ())
    if shallow and converter.depth > MAX_DEPTH:  # composed without the prescan: report what the prescan reports
        return Document(errors=_prescan(text))
    return doc


def _syntax_hint(message: str, line: str) -> str:
    if "\t" in line or "tab" in message:
        return "Indent with spaces, not tabs."
    if "mapping values are not allowed" in message:
        return "A text containing ': ' must be quoted, or written as a block with `>-`."
    return "Check indentation (spaces, two per level) and that quotes are closed."


class _Converter:
    def __init__(self, loader: Any, doc: Document) -> None:
        self.loader = loader
        self.doc = doc
        self.seen: set[int] = set()
        self.depth = 0  # the deepest nesting of collections seen

    def convert(self, node: yaml.Node, path: PathKey) -> Any:
        line = node.start_mark.line + 1
        self.doc.lines.setdefault(path, line)
        if id(node) in self.seen:  # an alias: report it where it is used, not at its anchor
            self.doc.errors.append(
                (
                    self.doc.key_lines.get(path, line),
                    dotted(path),
                    "anchors and aliases (&name, *name) are not allowed in claim files",
                    "Write the value out in full.",
                )
            )
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.CollectionNode) and len(path) >= self.depth:
            self.depth = len(path) + 1
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.doc.errors.append(
                    (key_line, dotted(path), "a key must be a plain name", "Remove the brackets or braces around the key.")
                )
                continue
            key = key_node.value
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.doc.errors.append(
                    (key_line, dotted(path), "merge keys (<<) are not allowed in claim files", "Write the fields out in full.")
                )
                continue
            if key in first_line:
                self.doc.errors.append(
                    (
                        key_line,
                        dotted((*path, key)),
                        f"duplicate key; `{key}` is already set on line {first_line[key]}",
                        "Keep one of the two; YAML would silently keep only the last.",
                    )
                )
                continue
            first_line[key] = key_line
            self.doc.key_lines[(*path, key)] = key_line
            result[key] = self.convert(value_node, (*path, key))
        return result

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        if not node.style:  # plain, unquoted (None or "" by loader): remember what was written
            self.doc.raw[path] = node.value
        if node.tag in _STR_TAGS:
            return node.value
        try:
            return self.loader.construct_object(node)
        except Exception as exc:  # any constructor failure is the contributor's value, not our crash
            problem = getattr(exc, "problem", None) or type(exc).__name__
            self.doc.errors.append(
                (node.start_mark.line + 1, dotted(path), f"cannot read this value: {problem}", "Put the value in quotes.")
            )
            return None
