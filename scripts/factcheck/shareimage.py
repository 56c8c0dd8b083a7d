"""Share cards: one 1200x630 PNG per claim (headline, claimant, rating badge, site name) and one for the site.

Rendered at build time with Pillow and Noto Sans (shipped by the ``fontpkg-noto-sans``
package, so no font has to be installed on the machine and no reader's browser
calls anyone). Characters the font has no glyph for (Hangul, CJK...) are
transliterated with text-unidecode instead of drawn as empty boxes.

The bytes are deterministic: the basic layout engine (no system fribidi/raqm),
no timestamps in the PNG, and a fixed palette quantisation. Images are small
(a fixed palette of 21 colours, compressed by libdeflate) because a site of
10,000 claims carries 10,000 of them.
"""

from __future__ import annotations

import functools
import struct
import unicodedata
import zlib
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path

import deflate
from PIL import Image, ImageDraw, ImageFont
from text_unidecode import unidecode

from .model import Claim
from .siteconfig import SiteConfig

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
TEXT_WIDTH = WIDTH - 2 * MARGIN
# libdeflate level 9 on the palette indices (PNG filter "none", the best filter for flat colours
# and text). Measured on the 21 bundled cards: 13.0 KiB in 5.8 ms per card, where zlib gives
# 14.4 KiB at level 6 (3.0 ms), 13.0 KiB at level 8 (10.3 ms), 12.9 KiB at level 9 (26 ms).
COMPRESS_LEVEL = 9

INK = (17, 24, 39)
MUTED = (55, 65, 81)
RULE = (209, 213, 219)
PAPER = (255, 255, 255)
WHITE = (255, 255, 255)
# The rating colours of docs/stylesheets/factcheck.css (.fc-badge--*); tests keep them in step.
BADGE_COLOURS: dict[str, tuple[int, int, int]] = {
    "confirmed": (0x1B, 0x5E, 0x20),
    "supported": (0x33, 0x69, 0x1E),
    "disputed": (0x8A, 0x4B, 0x00),
    "misleading": (0xA3, 0x3B, 0x00),
    "false": (0xB7, 0x1C, 0x1C),
    "unverified": (0x45, 0x5A, 0x64),
}
SITE_COLOUR = (0x28, 0x35, 0x93)  # Material's indigo 800: the site card's band
ELLIPSIS = "…"


def font_file() -> Path:
    """Noto Sans (variable: weight 100-900), as shipped by the fontpkg-noto-sans package."""
    return Path(str(files("fontpkg_noto_sans") / "files" / "NotoSans[wdth,wght].ttf"))


@functools.lru_cache(maxsize=16)
def font(size: int, weight: int = 400) -> ImageFont.FreeTypeFont:
    face = ImageFont.truetype(str(font_file()), size, layout_engine=ImageFont.Layout.BASIC)
    face.set_variation_by_axes([weight, 100])  # axes: weight, width
    return face


@functools.lru_cache(maxsize=4096)
def has_glyph(char: str) -> bool:
    """Whether Noto Sans draws ``char`` (compared with what it draws for a character no font has)."""
    return _ink(char) != _ink("\U0010fffd")


@functools.lru_cache(maxsize=4096)
def _ink(char: str) -> bytes:
    probe = font(24)
    canvas = Image.new("L", (48, 48))
    ImageDraw.Draw(canvas).text((8, 4), char, font=probe, fill=255)
    return canvas.tobytes()


def drawable(text: str) -> str:
    """``text`` on one line, with every character the font lacks transliterated (Hangul → Latin)."""
    out: list[str] = []
    for char in " ".join(text.split()):
        if char == " " or has_glyph(char):
            out.append(char)
        elif unicodedata.category(char)[0] in "LN":
            latin = unidecode(char)
            out.append(latin if latin and all(has_glyph(c) for c in latin) else "?")
        # other glyph-less characters (symbols, emoji, marks) are dropped
    return "".join(out).strip()


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Lines of at most ``width`` pixels; the last one ends in '…' when the text does not fit."""
    lines: list[str] = []
    words = text.split(" ")
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if face.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while face.getlength(current) > width:  # a word longer than a line: break it
            cut = _fit(current, face, width)
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], ellipsise(" ".join(lines[max_lines - 1 :]), face, width)]
    return lines


def ellipsise(text: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    """``text`` cut at a word (or, for one long word, a character) so that it and '…' fit ``width``."""
    if face.getlength(text) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1 and face.getlength(" ".join(words) + ELLIPSIS) > width:
        words.pop()
    text = " ".join(words)
    while text and face.getlength(text + ELLIPSIS) > width:
        text = text[:-1]
    return text.rstrip(" ,;:-–—") + ELLIPSIS


def _fit(text: str, face: ImageFont.FreeTypeFont, width: int) -> int:
    cut = len(text)
    while cut > 1 and face.getlength(text[:cut]) > width:
        cut -= 1
    return cut


def _canvas(band: tuple[int, int, int], site_name: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 14), fill=band)
    footer = font(30, 600)
    draw.line((MARGIN, HEIGHT - 96, WIDTH - MARGIN, HEIGHT - 96), fill=RULE, width=2)
    draw.text((MARGIN, HEIGHT - 70), ellipsise(drawable(site_name), footer, TEXT_WIDTH), font=footer, fill=MUTED)
    return image, draw


def palette(band: tuple[int, int, int]) -> Image.Image:
    """The card's exact colours plus four anti-aliasing steps between each text colour and its background.

    A fixed palette keeps the rating colour exact (an adaptive quantiser shifts it) and is
    several times faster than median cut or octree.
    """
    colours = [PAPER, INK, MUTED, RULE, band]
    for ink, ground in ((INK, PAPER), (MUTED, PAPER), (WHITE, band), (band, PAPER)):
        for step in (0.2, 0.4, 0.6, 0.8):
            colours.append(tuple(round(i * step + g * (1 - step)) for i, g in zip(ink, ground, strict=True)))
    image = Image.new("P", (1, 1))
    image.putpalette([value for colour in colours for value in colour])
    return image


def _png(image: Image.Image, band: tuple[int, int, int]) -> bytes:
    """``image`` reduced to the card's palette, as an 8-bit indexed PNG (no other chunks: no time, no text)."""
    colours = palette(band)
    small = image.quantize(palette=colours, dither=Image.Dither.NONE)
    return encode_png(small.tobytes(), small.size, bytes(colours.getpalette() or []))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(indices: bytes, size: tuple[int, int], rgb_palette: bytes) -> bytes:
    """A PNG of one byte per pixel (palette indices, row by row) compressed by libdeflate.

    Pillow's encoder uses zlib, which at its smallest (level 9) takes four times as long for the
    same size; the format is simple enough to write here.
    """
    width, height = size
    rows = b"".join(b"\0" + indices[y * width : (y + 1) * width] for y in range(height))  # filter type 0 on every row
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)  # 8-bit, indexed colour, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"PLTE", rgb_palette)
        + _chunk(b"IDAT", deflate.zlib_compress(rows, COMPRESS_LEVEL))
        + _chunk(b"IEND", b"")
    )


def _badge(draw: ImageDraw.ImageDraw, label: str, colour: tuple[int, int, int], top: int) -> int:
    """Draw the rating badge (its text label on its colour); return its bottom edge."""
    face = font(40, 700)
    text = label.upper()
    left, pad_x, height = MARGIN, 26, 68
    width = int(face.getlength(text)) + 2 * pad_x
    draw.rounded_rectangle((left, top, left + width, top + height), radius=10, fill=colour)
    draw.text((left + pad_x, top + height // 2), text, font=face, fill=WHITE, anchor="lm")
    return top + height


def _lines(
    draw: ImageDraw.ImageDraw, lines: Iterable[str], face: ImageFont.FreeTypeFont, top: int, leading: int, fill: tuple[int, int, int]
) -> int:
    for line in lines:
        draw.text((MARGIN, top), line, font=face, fill=fill)
        top += leading
    return top


def claim_image(claim: Claim, config: SiteConfig) -> bytes:
    """The share card of one claim: rating badge, headline, claimant, site name."""
    colour = BADGE_COLOURS.get(claim.status, BADGE_COLOURS["unverified"])
    image, draw = _canvas(colour, config.site_name)
    top = _badge(draw, claim.rating.label, colour, 58) + 30
    headline = font(54, 700)
    lines = wrap(drawable(claim.title), headline, TEXT_WIDTH, max_lines=4)
    top = _lines(draw, lines, headline, top, 70, INK) + 18
    who = claim.claimant.name + (f", {claim.claimant.role}" if claim.claimant.role else "")
    byline = font(32)
    _lines(draw, wrap(drawable(who), byline, TEXT_WIDTH, max_lines=1), byline, top, 44, MUTED)
    return _png(image, colour)


def site_image(config: SiteConfig) -> bytes:
    """The share card of every page that is not a claim: the site's name and description."""
    image, draw = _canvas(SITE_COLOUR, config.publisher or config.site_name)
    title = font(60, 700)
    top = _lines(draw, wrap(drawable(config.site_name), title, TEXT_WIDTH, max_lines=3), title, 70, 78, INK) + 24
    body = font(34)
    _lines(draw, wrap(drawable(config.description), body, TEXT_WIDTH, max_lines=4), body, top, 48, MUTED)
    return _png(image, SITE_COLOUR)


def share_images(claims: list[Claim], config: SiteConfig) -> dict[str, bytes]:
    """``share/<claim-id>.png`` for every claim and ``share/site.png`` (paths relative to docs/)."""
    images = {f"share/{claim.id}.png": claim_image(claim, config) for claim in claims}
    images["share/site.png"] = site_image(config)
    return images
