"""Share cards (Open Graph / Twitter images): one small, deterministic 1200x630 PNG per claim and one for the site."""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from conftest import REPO, load_valid, valid_claim_text
from factcheck import shareimage
from factcheck.model import STATUS, Claim
from factcheck.siteconfig import SiteConfig
from PIL import Image, ImageDraw

CONFIG = SiteConfig(site_name="Claim Check: test site", site_url="https://example.org/", description="Open fact-checks.", publisher="Tests")
LONG = " ".join(["An extraordinarily long headline about forty Hwasong-11 missiles"] * 6)


def claim(tmp_path: Path, status: str = "confirmed", headline: str | None = None, name: str = "Jane Example") -> Claim:
    text = valid_claim_text(status=f'"{status}"').replace("  name: Jane Example", f'  name: "{name}"')
    if headline:
        text += f'headline: "{headline}"\n'
    return load_valid(tmp_path, text)


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_every_claim_and_the_site_get_a_1200x630_png(tmp_path: Path) -> None:
    images = shareimage.share_images([claim(tmp_path)], CONFIG)
    assert sorted(images) == ["share/example-claim.png", "share/site.png"]
    for data in images.values():
        image = opened(data)
        assert (image.format, image.size) == ("PNG", (1200, 630))


def test_the_same_claim_gives_the_same_bytes(tmp_path: Path) -> None:
    one = claim(tmp_path)
    assert shareimage.claim_image(one, CONFIG) == shareimage.claim_image(one, CONFIG)
    assert shareimage.site_image(CONFIG) == shareimage.site_image(CONFIG)


def test_a_card_stays_under_25_kb_even_with_a_long_headline_and_foreign_names(tmp_path: Path) -> None:
    data = shareimage.claim_image(claim(tmp_path, headline=LONG[:290], name="신원식 Олександр Філчаков"), CONFIG)
    assert len(data) <= 25 * 1024, f"{len(data) / 1024:.1f} KB"


def test_the_badge_carries_the_rating_colour_and_each_rating_looks_different(tmp_path: Path) -> None:
    cards = {}
    for status in STATUS.values:
        image = opened(shareimage.claim_image(claim(tmp_path / str(status), status=str(status)), CONFIG)).convert("RGB")
        colours = {rgb for _, rgb in image.getcolors(maxcolors=256) or []}
        assert shareimage.BADGE_COLOURS[str(status)] in colours, status
        cards[status] = image.tobytes()
    assert len(set(cards.values())) == len(cards)


def test_badge_colours_match_the_site_stylesheet() -> None:
    css = (REPO / "docs" / "stylesheets" / "factcheck.css").read_text(encoding="utf-8")
    for status, rgb in shareimage.BADGE_COLOURS.items():
        found = re.search(rf"\.fc-badge--{status}\s*\{{[^}}]*background(?:-color)?:\s*#([0-9a-fA-F]{{6}})", css)
        assert found, f".fc-badge--{status} has no background colour in factcheck.css"
        assert tuple(bytes.fromhex(found.group(1))) == rgb, status


def test_a_long_headline_is_wrapped_to_the_width_and_ellipsised() -> None:
    face = shareimage.font(54, 700)
    lines = shareimage.wrap(LONG, face, shareimage.TEXT_WIDTH, max_lines=4)
    assert len(lines) == 4
    assert lines[-1].endswith("…")
    assert all(face.getlength(line) <= shareimage.TEXT_WIDTH for line in lines)
    unbroken = shareimage.wrap("x" * 400, face, shareimage.TEXT_WIDTH, max_lines=2)
    assert len(unbroken) == 2 and all(face.getlength(line) <= shareimage.TEXT_WIDTH for line in unbroken)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Олександр Філчаков", "Олександр Філчаков"), ("Zürich – “quoted”", "Zürich – “quoted”"), ("신원식", "sinweonsig")],
    ids=["cyrillic-drawn", "latin-punctuation-drawn", "hangul-transliterated"],
)
def test_names_are_drawn_with_real_glyphs_never_empty_boxes(text: str, expected: str) -> None:
    shown = shareimage.drawable(text)
    assert shown == expected
    assert all(char == " " or shareimage.has_glyph(char) for char in shown)


def test_the_glyph_check_tells_missing_glyphs_apart() -> None:
    assert shareimage.has_glyph("Ж") and shareimage.has_glyph("é")
    assert not shareimage.has_glyph("신")


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, each checked against its CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length : at + 12 + length])[0] == zlib.crc32(kind + body), kind
        chunks.append((kind, body))
        at += 12 + length
    return chunks


def test_a_card_is_the_same_picture_pillow_would_encode_only_smaller(tmp_path: Path) -> None:
    image = Image.new("RGB", (shareimage.WIDTH, shareimage.HEIGHT), shareimage.PAPER)
    draw = ImageDraw.Draw(image)
    draw.text((72, 200), "Олександр Філчаков: 50 Hwasong-11", font=shareimage.font(54, 700), fill=shareimage.INK)
    band = shareimage.BADGE_COLOURS["false"]
    ours = shareimage._png(image, band)
    reference = io.BytesIO()
    image.quantize(palette=shareimage.palette(band), dither=Image.Dither.NONE).save(reference, format="PNG", compress_level=6)
    assert opened(ours).convert("RGB").tobytes() == opened(reference.getvalue()).convert("RGB").tobytes()
    assert len(ours) < 0.95 * len(reference.getvalue())


def test_a_card_holds_only_the_picture_no_time_or_text_chunks(tmp_path: Path) -> None:
    data = shareimage.claim_image(claim(tmp_path), CONFIG)
    chunks = png_chunks(data)
    assert [kind for kind, _ in chunks] == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]
    width, height, depth, colour_type = struct.unpack(">IIBB", chunks[0][1][:10])
    assert (width, height, depth, colour_type) == (1200, 630, 8, 3)
    palette = chunks[1][1]
    colours = {palette[i : i + 3] for i in range(0, len(palette), 3)}
    assert bytes(shareimage.BADGE_COLOURS["confirmed"]) in colours and bytes(shareimage.PAPER) in colours
