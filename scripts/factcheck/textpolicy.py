"""The text policy: which characters a claim file may hold, applied to every string.

Reviewers read words, not code points. A character a reviewer cannot see can
still change what a reader, a search index or the origin counter sees:
"Reuters" and "Reuters" followed by a zero-width space are two origins; a
right-to-left override reverses a name on screen; a control character ends
a YAML or JSON document early or rewrites a terminal line. So every string a
contributor writes is normalised to Unicode NFC and refused, with the exact
character and its position, when it holds:

- a control character (C0, DEL, C1), except line feed and tab in fields that
  allow several lines;
- a format character (Unicode category Cf: bidirectional controls, zero-width
  spaces and joiners, the byte-order mark, soft hyphens...);
- a surrogate, a private-use character or a noncharacter;
- a line or paragraph separator (U+2028, U+2029).

Words that mix Latin, Cyrillic and Greek letters ("Kirby" spelt with a Cyrillic
letter I, U+0456) are refused in one-line fields: they look like a name and are another.
"""

from __future__ import annotations

import re
import unicodedata

_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}
_ALLOWED_IN_MULTILINE = {"\n", "\t"}
_WORD = re.compile(r"\w+")
_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def is_noncharacter(ch: str) -> bool:
    cp = ord(ch)
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def describe(ch: str) -> str:
    """'U+200B ZERO WIDTH SPACE' — how a refused character is named in messages."""
    name = unicodedata.name(ch, "")
    if not name:
        name = {"\x7f": "DELETE", "\t": "TAB", "\n": "LINE FEED", "\r": "CARRIAGE RETURN"}.get(ch, "")
    if not name and unicodedata.category(ch) == "Cc":
        name = "CONTROL CHARACTER"
    if not name and is_noncharacter(ch):
        name = "NONCHARACTER"
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def refused_characters(text: str, multiline: bool) -> list[tuple[int, str]]:
    """(1-based position, character) of every character the policy refuses."""
    # Fast path: every refused category (Cc, Cf, Cs, Co, Zl, Zp) and every noncharacter is non-printable.
    if (text.replace("\n", "").replace("\t", "") if multiline else text).isprintable():
        return []
    found = []
    for i, ch in enumerate(text, start=1):
        if multiline and ch in _ALLOWED_IN_MULTILINE:
            continue
        if ch in ("\n", "\t") or unicodedata.category(ch) in _REFUSED_CATEGORIES or is_noncharacter(ch):
            found.append((i, ch))
    return found


def _script(ch: str) -> str | None:
    name = unicodedata.name(ch, "")
    return next((s for s in _SCRIPTS if name.startswith(s)), None)


def mixed_script_words(text: str) -> list[str]:
    """Words that mix Latin, Cyrillic or Greek letters (look-alike spellings)."""
    if text.isascii():
        return []
    mixed = []
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        scripts = {s for ch in word if ch.isalpha() and (s := _script(ch))}
        if len(scripts) > 1:
            mixed.append(word)
    return mixed


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text)
