"""The built site, from the bundled claims: structured data agrees with the page,
browse pages and data exports list every claim, and history reaches the log and feed."""

from __future__ import annotations

import csv
import gzip
import html
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from factcheck.model import STATUS

REPO = Path(__file__).resolve().parents[1]
SITE_URL = "https://checks.example.org/"

pytestmark = pytest.mark.slow

HISTORY = """history:
  - date: "2026-11-20"
    kind: status
    status: unverified
    note: First published while the missile count was unconfirmed.
  - date: "2026-11-24"
    kind: status
    status: {status}
    note: Rated after the prosecutors' own figures were found.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the real claims (one with a recorded rating change) into a temporary project."""
    root = tmp_path_factory.mktemp("project")
    for name in ("mkdocs.yml", "overrides", "docs/stylesheets", "claims", "scripts"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / name)
    changed = root / "claims" / "putin-signed-mutual-defence-pact-in-north-korea-june-2024.yaml"
    text = changed.read_text(encoding="utf-8")
    status = re.search(r"^status: (\S+)$", text, re.M)[1]  # type: ignore[index]
    text = text.replace("\nreviewed: ", '\npublished: "2026-11-20"\nreviewed: ', 1)
    changed.write_text(text + HISTORY.format(status=status), encoding="utf-8")
    env = {**os.environ, "SITE_URL": SITE_URL, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "scripts/claims.py", "--root", str(root), "generate"], cwd=root, env=env, check=True)
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=root, env=env, check=True)
    return root / "site"


def claim_ids() -> list[str]:
    return sorted(p.stem for p in (REPO / "claims").glob("*.yaml"))


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment (without the heading's permalink sign)."""
    fragment = re.sub(r'<a class="headerlink".*?</a>', "", fragment, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


@pytest.mark.parametrize("claim_id", claim_ids())
def test_claim_page_has_one_claimreview_that_matches_the_visible_page(site: Path, claim_id: str) -> None:
    page = (site / "claims" / claim_id / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    review = json.loads(blocks[0])
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"{SITE_URL}claims/{claim_id}/"
    assert f'<link rel="canonical" href="{review["url"]}">' in page

    card = re.search(r'<section class="fc-verdict-card[^"]*"[^>]*>(.*?)</section>', page, re.S)[1]  # type: ignore[index]
    h1 = text_of(re.search(r"<h1[^>]*>(.*?)</h1>", card, re.S)[1])  # type: ignore[index]
    assert review["claimReviewed"] == h1
    assert re.search(r'class="fc-badge[^"]*"[^>]*>([^<]+)<', card)[1] == review["reviewRating"]["alternateName"]  # type: ignore[index]
    assert review["reviewRating"]["alternateName"] not in review["claimReviewed"].split(":")[0]
    verdict = text_of(re.search(r'<p class="fc-verdict-card__verdict">(.*?)</p>', card, re.S)[1])  # type: ignore[index]
    assert review["reviewRating"]["ratingExplanation"] in (verdict, STATUS.get(review["reviewRating"]["alternateName"].lower()).definition)

    author = review["itemReviewed"]["author"]["name"]
    assert html.escape(author) in card
    made = review["itemReviewed"]["datePublished"]
    assert f'<time datetime="{made}">' in card
    assert review["itemReviewed"]["appearance"]["url"] in page
    assert review["author"]["name"]  # the publishing organisation, from mkdocs.yml


def test_rating_values_follow_the_published_scale(site: Path) -> None:
    data = json.loads(gzip.decompress((site / "claims.json.gz").read_bytes()))
    scale = {r["status"]: r["value"] for r in data["rating_scale"]}
    for claim in data["claims"]:
        assert claim["rating"].get("value") == scale[claim["status"]]
        page = (site / "claims" / claim["id"] / "index.html").read_text(encoding="utf-8")
        [review] = [json.loads(m) for m in re.findall(r'<script type="?application/ld\+json"?>(.*?)</script>', page, re.S)]
        rating = review["reviewRating"]
        assert rating.get("ratingValue") == scale[claim["status"]]
        if "ratingValue" in rating:
            assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]


def test_data_exports_parse_and_list_every_claim(site: Path) -> None:
    ids = set(claim_ids())
    assert not (site / "claims.json").exists(), "the JSON export is published gzipped only"
    data = json.loads(gzip.decompress((site / "claims.json.gz").read_bytes()))
    assert {c["id"] for c in data["claims"]} == ids
    with (site / "claims.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["id"] for r in rows} == ids
    assert all(r["url"].startswith(SITE_URL) for r in rows)
    feed = ET.parse(site / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    linked = {e.find(f"{atom}link").get("href") for e in feed.iter(f"{atom}entry")}  # type: ignore[union-attr]
    assert {f"{SITE_URL}claims/{i}/" for i in ids} <= linked


def test_recorded_rating_change_reaches_page_log_and_feed(site: Path) -> None:
    claim_id = "putin-signed-mutual-defence-pact-in-north-korea-june-2024"
    note = "Rated after the prosecutors' own figures were found."
    page = (site / "claims" / claim_id / "index.html").read_text(encoding="utf-8")
    assert 'id="history-2"' in page and note in html.unescape(page)
    log = (site / "browse" / "corrections" / "index.html").read_text(encoding="utf-8")
    assert f"../../claims/{claim_id}/#history-2" in log and note in html.unescape(log)
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert f"{SITE_URL}claims/{claim_id}/#history-2" in feed
    assert "Rating changed to" in feed


def test_browse_pages_exist_and_link_claims(site: Path) -> None:
    for page in (
        "browse",
        "browse/timeline",
        "browse/sources",
        "browse/tags",
        "browse/claimants",
        "browse/corrections",
        "methodology",
        "about",
        "corrections",
    ):
        assert (site / page / "index.html").is_file(), page
    timeline = (site / "browse" / "timeline" / "index.html").read_text(encoding="utf-8")
    for claim_id in claim_ids():
        assert f"../../claims/{claim_id}/" in timeline
    methodology = (site / "methodology" / "index.html").read_text(encoding="utf-8")
    for status in ("confirmed", "supported", "disputed", "misleading", "false", "unverified"):
        assert f"<code>{status}</code>" in methodology
        assert (site / "browse" / "status" / status / "index.html").is_file()
