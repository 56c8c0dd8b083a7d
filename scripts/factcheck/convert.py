"""Turn parsed YAML into model instances, guided by the model's type hints.

Nothing here names a field of the claim: the walk reads the dataclasses in
``model.py``. Every problem found is collected, so a contributor sees all of
them at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import re
import types
from typing import Any, Union, get_args, get_origin, get_type_hints

from . import textpolicy
from .model import DATE, LINE, MARKDOWN, PARTIAL_DATE, SLUG, URL, Kind, OneOf
from .yamlread import Document, PathKey

PLACEHOLDER = "FILL IN"  # what `new` writes where the contributor must fill in
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}


@dataclasses.dataclass(frozen=True)
class FieldType:
    """A field's type, unpacked from its annotation."""

    base: Any  # str, int, a dataclass, or tuple for lists
    optional: bool = False
    kind: Kind | None = None
    choices: OneOf | None = None
    item: FieldType | None = None  # for lists
    model: bool = False  # base is a dataclass of the model (worked out once, not for every value read)


def field_type(annotation: Any) -> FieldType:
    optional = False
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        optional = len(args) < len(get_args(annotation))
        annotation = args[0]
    kind = choices = None
    if hasattr(annotation, "__metadata__"):
        for meta in annotation.__metadata__:
            if isinstance(meta, Kind):
                kind = meta
            elif isinstance(meta, OneOf):
                choices = meta
        annotation = annotation.__origin__
    if get_origin(annotation) is tuple:
        return FieldType(tuple, optional, item=field_type(get_args(annotation)[0]))
    return FieldType(annotation, optional, kind, choices, model=dataclasses.is_dataclass(annotation))


@functools.cache
def _names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f, _ in model_fields(cls))


@functools.cache
def _pattern(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


@functools.cache
def model_fields(cls: type) -> tuple[tuple[dataclasses.Field[Any], FieldType], ...]:
    """The fields of a model class with their unpacked types (computed once per class)."""
    hints = get_type_hints(cls, include_extras=True)
    return tuple((f, field_type(hints[f.name])) for f in dataclasses.fields(cls))


def is_required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


class Converter:
    """Converts one document; ``problems`` holds (path, message, hint) triples."""

    def __init__(self, doc: Document, today: dt.date) -> None:
        self.doc = doc
        self.today = today
        self.problems: list[tuple[PathKey, str, str]] = []

    def problem(self, path: PathKey, message: str, hint: str = "") -> None:
        self.problems.append((path, message, hint))

    def convert(self, cls: type, value: Any, path: PathKey = ()) -> Any:
        if not isinstance(value, dict):
            self.problem(
                path,
                f"expected a set of fields, got {_describe(value)}",
                "Write `name: value` pairs, one per line, indented under this key.",
            )
            return None
        fields = model_fields(cls)
        known = _names(cls)
        for key in value:
            if key not in known:
                names = [f.name for f, _ in fields]
                close = difflib.get_close_matches(str(key), names, n=1)
                hint = f"Did you mean `{close[0]}`?" if close else f"Allowed fields here: {', '.join(names)}."
                self.problem((*path, str(key)), f"unknown field `{key}`", hint)
        kwargs: dict[str, Any] = {}
        ok = True
        for f, ftype in fields:
            sub = (*path, f.name)
            if f.name not in value or value[f.name] is None:
                if is_required(f):
                    where = "is empty" if f.name in value else "is missing"
                    self.problem(sub, f"required field {where}", f"Add `{f.name}:` — {f.metadata['doc']}")
                    ok = False
                continue
            converted = self.value(ftype, value[f.name], sub)
            if converted is None:
                ok = False
            else:
                kwargs[f.name] = converted
        return cls(**kwargs) if ok else None

    def value(self, ftype: FieldType, value: Any, path: PathKey) -> Any:
        if ftype.base is tuple:
            assert ftype.item is not None
            if not isinstance(value, list):
                self.problem(path, f"expected a list, got {_describe(value)}", "Write one item per line, each starting with `- `.")
                return None
            items = [self.value(ftype.item, v, (*path, i)) for i, v in enumerate(value)]
            return None if any(i is None for i in items) else tuple(items)
        if ftype.model:
            return self.convert(ftype.base, value, path)
        if ftype.choices is not None:
            return self.choice(ftype.choices, value, path)
        if ftype.base is int:
            if isinstance(value, bool) or not isinstance(value, int):
                self.problem(path, f"expected a whole number, got {_describe(value)}")
                return None
            return value
        return self.text(ftype.kind or LINE, value, path)

    def choice(self, choices: OneOf, value: Any, path: PathKey) -> Any:
        if choices.get(value) is not None and not isinstance(value, bool):
            return value
        allowed = ", ".join(str(v) for v in choices.values)
        raw = self.doc.raw.get(path)
        if isinstance(value, bool) and raw is not None:
            got = f"`{raw}` (read by YAML as {str(value).lower()})"
        else:
            got = f"`{value}`"
        close = difflib.get_close_matches(
            str(value).lower() if isinstance(value, bool) else str(value), [str(v) for v in choices.values], n=1
        )
        hint = f"Did you mean `{close[0]}`? " if close else ""
        if isinstance(value, bool) and close:
            hint = f'YAML reads an unquoted `{raw or value}` as true/false: write `{path[-1]}: "{close[0]}"` in quotes. '

        self.problem(path, f"{got} is not a valid {choices.name}", f"{hint}Use one of: {allowed}.")
        return None

    def text(self, kind: Kind, value: Any, path: PathKey) -> str | None:
        if not isinstance(value, str):
            raw = self.doc.raw.get(path)
            if isinstance(value, bool):
                written = raw if raw is not None else str(value).lower()
                trap = " (a YAML 1.1 boolean)" if written.lower() in _YAML11_BOOLS else ""
                self.problem(path, f"`{written}` was read as {str(value).lower()}{trap}, not as text", f'Put it in quotes: "{written}".')
                return None
            if isinstance(value, (int, float)) and raw is not None:
                value = raw  # keep exactly what was written, e.g. a title "1984"
            if not isinstance(value, str):
                self.problem(path, f"expected text, got {_describe(value)}")
                return None
        value = textpolicy.normalise(value)
        if not value.strip():
            self.problem(path, "is empty", "Write a value or remove the field if it is optional.")
            return None
        if not self.check_characters(kind, value, path):
            return None
        if PLACEHOLDER in value:
            self.problem(path, f"still holds the “{PLACEHOLDER}” placeholder", "Replace it with the real value.")
            return None
        # ASCII semantics for \d (as in JSON Schema): a date in full-width or Arabic-Indic digits is no date.
        # URLs keep Unicode \s, so a no-break or ideographic space still ends an address.
        if kind.pattern and not _pattern(kind.pattern, 0 if kind is URL else re.ASCII).fullmatch(value):
            self.problem(path, f"`{value}` is not {kind.description}", _pattern_hint(kind, value))
            return None
        if len(value) > kind.max_length:
            self.problem(
                path,
                f"is {len(value):,} characters long; a {kind.name} field holds at most {kind.max_length:,}",
                "Shorten it: quote only the passage that matters, and keep the rest for the summary or a note.",
            )
            return None
        if (kind is DATE or kind is PARTIAL_DATE) and not self.check_date(value, path):  # `is`: Kind's == compares fields
            return None
        if kind is URL and not self.check_url(value, path):
            return None
        if kind is MARKDOWN:
            from .sanitize import markdown_problems  # local: keeps plain loading light

            for message, hint in markdown_problems(value):
                self.problem(path, message, hint)
        return value

    def check_characters(self, kind: Kind, value: str, path: PathKey) -> bool:
        """The text policy (textpolicy.py): invisible and control characters, look-alike words."""
        refused = textpolicy.refused_characters(value, kind.multiline)
        if refused:
            position, ch = refused[0]
            more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
            if ch == "\n":
                self.problem(
                    path, "must be a single line", "Remove the line breaks (in YAML, write `>-` rather than `>` or `|` for a folded text)."
                )
                return False
            hint = "Delete it: control, invisible and direction-changing characters are not allowed. Retype the text around it if unsure."
            self.problem(path, f"contains {textpolicy.describe(ch)} at character {position}{more}", hint)
            return False
        if not kind.multiline:
            mixed = textpolicy.mixed_script_words(value)
            if mixed:
                self.problem(
                    path,
                    f"the word `{mixed[0]}` mixes letters of different alphabets (Latin, Cyrillic, Greek)",
                    "Retype it in one alphabet: look-alike letters make a different name that reads the same.",
                )
                return False
        return True

    def check_date(self, value: str, path: PathKey) -> bool:
        parts = [int(p) for p in value.split("-")]
        try:
            date = dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError as exc:
            self.problem(path, f"`{value}` is not a real date ({exc})", "Check the month and day.")
            return False
        if date > self.today:
            self.problem(path, f"`{value}` is in the future", "Dates record what already happened; check the year.")
            return False
        return True

    def check_url(self, value: str, path: PathKey) -> bool:
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 -- raises ValueError for a port that is not a number in range
        except ValueError as exc:  # e.g. an unbalanced "[" in the host ("Invalid IPv6 URL")
            self.problem(path, f"`{value}` is not a valid address ({exc})", "Copy the full address from the browser's address bar.")
            return False
        if not parts.hostname or "." not in parts.hostname:
            self.problem(path, f"`{value}` has no valid host name", "Copy the full address from the browser's address bar.")
            return False
        if parts.username is not None or parts.password is not None:
            self.problem(
                path,
                f"`{value}` carries a user name before `@`, which hides the real host `{parts.hostname}`",
                "Cite the address without the part before `@`; a reader would see the first name and land on the second.",
            )
            return False
        return True


def _pattern_hint(kind: Kind, value: str) -> str:
    if kind is URL:
        return "Only http:// and https:// addresses are allowed; copy the full address, with no spaces."
    if kind is SLUG:
        suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
        return f"Use lowercase letters, digits and hyphens, e.g. `{suggestion}`."
    if kind in (DATE, PARTIAL_DATE):
        return 'Write dates as "YYYY-MM-DD" in quotes' + (
            ', or "YYYY-MM" / "YYYY" when only that is known.' if kind is PARTIAL_DATE else "."
        )
    return kind.description


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, dict):
        return "a set of fields"
    if isinstance(value, list):
        return "a list"
    return f"`{value}`"
