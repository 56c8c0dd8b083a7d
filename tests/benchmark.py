"""Benchmark (not a test): what the generator costs next to MkDocs, from 1,000 to 10,000 claims.

    python tests/benchmark.py                  # 1,000 and 10,000 claims (what `make bench` runs)
    python tests/benchmark.py --claims 2000    # one size (repeat --claims for several)
    python tests/benchmark.py --claims 200 --keep   # keep the temporary projects to inspect them

For each size, writes that many claims into a temporary project (a copy of
mkdocs.yml, overrides/ and the hand-written files of docs/). The claims are the
bundled ones, varied: fresh ids, claimants, tags, numbers and dates shifted by
whole years, every field as long as in the original (nothing is shortened),
every file valid. Then, each step in a fresh Python process so that nothing is
warm that would not be warm for a contributor:

1. the generator, cold (no cache, empty docs/), then with nothing changed,
   then with one claim's summary edited (three claims in turn, the median
   run reported), then with one claim's verdict reworded (a change its card
   shows on every listing); the post-build steps (search index,
   share images) are timed on their own, beside the page generator;
2. bare ``mkdocs build --strict`` on the pages just generated;
3. each stage of a cold run alone, in one process with no cache (load and
   check, cross-claim checks, claim pages, listing pages, data files), in
   CPU milliseconds per claim, beside what 10% of bare MkDocs leaves per
   claim: the floor that more cores or caching cannot lower;
4. the size of the built site, of a claim page, of each kind of output.

Times are wall-clock seconds and CPU seconds (user + system of the process
and the workers it starts): on a busy machine the wall clock measures the
neighbours too, the CPU time does not. Prints a table per size and writes
every figure to ``bench-results.json``. Asserts nothing.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench-results.json"
GENERATED = ("claims", "browse", "share", "pagefind")  # docs/ folders the generator owns (not copied into the project)

# -- the synthetic claims ------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Multi-line text as YAML block scalars, as a contributor writes it."""


_Dumper.add_representer(
    str, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)
)

_NUMBER = re.compile(r"(?<![\w-])(\d{1,3}(?:,\d{3})+|\d+)(?![\w-])")
_CLAIMANT_KINDS = ("Office", "Press Service", "Spokesperson", "Ministry")


def _earlier(value: str, years: int) -> str:
    """A (partial) date moved back by whole years."""
    rest = value[4:]
    if rest.startswith("-02-29"):
        rest = "-02-28" + rest[6:]
    return f"{int(value[:4]) - years:04d}{rest}"


def _cited_by_group(url: str, group: int) -> str:
    """The same page address for each group of ten copies (``?ref=``), so each address is shared, as in real files."""
    return url if group == 0 else f"{url}{'&' if '?' in url else '?'}ref={group}"


def variant(data: dict[str, Any], k: int, ids: dict[str, str]) -> tuple[str, str]:
    """Copy ``k`` of a bundled claim: new id, numbers changed (so no two claims are the same text), claimant, a tag, date.

    Only the date the claim was made moves (back, so it stays before its source and its review): sources and
    evidence are shared between claims, and one web page must be described the same way in every claim file.
    """
    d = copy.deepcopy(data)
    d["date"] = _earlier(data["date"], k % 12)
    d["id"] = ids[data["id"]]

    def bump(text: str) -> str:
        return _NUMBER.sub(lambda m: str(int(m[1].replace(",", "")) + k), text)

    d["claim"] = bump(d["claim"]) + f" (statement {k})"
    for name in ("headline", "summary", "verdict"):
        if d.get(name):
            d[name] = bump(d[name])
    for record in [d["source"], *d.get("corroboration", [])]:  # a page is cited by a few dozen claims, not by all of them
        record["url"] = _cited_by_group(record["url"], k // 10)
    if k % 4:
        d["claimant"] = {**d["claimant"], "name": f"{d['claimant']['name']} {_CLAIMANT_KINDS[k % 4]} {k % 97}"}
    if d.get("tags"):
        d["tags"] = list(dict.fromkeys([*d["tags"][:-1], f"topic-{k % 211}"]))
    d["related"] = [ids[r] for r in d.get("related") or [] if r in ids]
    if not d["related"]:
        del d["related"]
    return d["id"], yaml.dump(d, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)


def write_claims(folder: Path, count: int) -> None:
    """``count`` valid claims made from the bundled ones (``related`` links stay within each copy)."""
    bundled = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((REPO / "claims").glob("*.yaml"))]
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(-(-count // len(bundled))):
        batch = bundled[: count - k * len(bundled)]
        ids = {d["id"]: f"{d['id'][:60]}-{k:04d}" for d in batch}
        for d in batch:
            claim_id, text = variant(d, k, ids)
            (folder / f"{claim_id}.yaml").write_text(text, encoding="utf-8")


def make_project(root: Path, count: int) -> None:
    """mkdocs.yml, overrides/, the hand-written part of docs/ and a snapshot of the generator, plus ``count`` claims.

    The generator runs from its snapshot, so an edit to scripts/ while the benchmark runs neither mixes two
    versions in one set of figures nor empties the cache between the cold and the warm runs.
    """
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "scripts", root / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "overrides", root / "overrides")
    generated = (
        set((REPO / "docs" / ".generated").read_text(encoding="utf-8").split()) if (REPO / "docs" / ".generated").is_file() else set()
    )
    for path in sorted((REPO / "docs").rglob("*")):
        rel = path.relative_to(REPO / "docs")
        if path.is_file() and rel.parts[0] not in GENERATED and rel.as_posix() not in generated and not rel.name.startswith("."):
            (root / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, root / "docs" / rel)
    write_claims(root / "claims", count)


# -- measuring one step in a fresh process ------------------------------------------------

_CHILD = """
import json, sys, time
sys.path.insert(0, {scripts!r})
from pathlib import Path
from factcheck import pipeline
root = Path({root!r})
result, message = pipeline.generate(root)  # what `make generate` runs: the cache is saved while docs/ is written
if not result.ok or result.report is None:
    sys.exit("\\n".join(str(p) for p in result.problems[:20]) or message)
report = result.report
print(json.dumps({{"timings": result.timings, "cpu": result.cpu_timings, "cache": result.cache, "written": len(report.written),
                   "unchanged": report.unchanged, "removed": len(report.removed), "outputs": len(result.outputs)}}))
"""

EXTRAS = ("search index", "share images")

# Where a cold run's CPU goes, per claim, each stage alone in one process (no workers, no cache): the floor that
# using more cores, or caching, cannot lower. Composing with libyaml alone is the required YAML library's own share.
_PER_CLAIM = """
import datetime as dt, json, sys, time
sys.path.insert(0, {scripts!r})
from pathlib import Path
import yaml
from factcheck import pipeline
from factcheck.render import Renderer
from factcheck.rules import check_all
from factcheck.siteconfig import read_config
root = Path({root!r})
files = sorted((root / "claims").glob("*.yaml"))
texts = [path.read_text(encoding="utf-8") for path in files]
config = read_config(root / "mkdocs.yml")
today = dt.date.today()
figures = {{}}

def stage(name, work, repeats={repeats}):
    best = None
    for _ in range(repeats):
        with pipeline.fewer_collections():  # as in a run: the cycle collector does not walk the claims again and again
            start = time.process_time()
            done = work()
            spent = time.process_time() - start
        best = spent if best is None else min(best, spent)
    figures[name] = best * 1000 / len(files)
    return done

def compose():
    for text in texts:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
        loader.get_single_node()
        loader.dispose()

stage("libyaml_compose", compose)
items = [item for item, _, _ in stage("load_and_check", lambda: pipeline._check_files(files, today, root))]
stage("cross_claim_checks", lambda: check_all(items))
claims = [item.claim for item in items]

def claim_pages():
    renderer = Renderer(claims, config)
    for claim in renderer.claims:
        renderer.render_claim(claim)

stage("claim_page", claim_pages)
renderer = Renderer(claims, config)
stage("listing_pages", renderer.render_listings, 1)
stage("data_files", renderer.data_files, 1)
print(json.dumps(figures))
"""

_MINIFY = """
import sys
sys.path.insert(0, {scripts!r})
from pathlib import Path
from factcheck.build import drop_unused_theme_files
from factcheck.minify import minify_site
minify_site(Path({site!r}))
drop_unused_theme_files(Path({site!r}))
"""


def timed(command: list[str], env: dict[str, str]) -> tuple[dict[str, float], str]:
    """Run ``command``: wall seconds, CPU seconds and peak memory of that process (its workers' CPU included).

    What earlier steps wrote (the project just made, the last step's files) is flushed to disk first, so that a
    step is not charged for another's writing: on this machine, 1,590 files of 20 KB took 0.1-0.15 s to create on a
    settled disk and 0.75-1.1 s while an earlier run's files were still being flushed."""
    os.sync()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own rusage (and its waited-for workers')
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if process.returncode:
        sys.exit(f"failed ({process.returncode}): {' '.join(command)}\n{stdout[-3000:]}\n{stderr[-3000:]}")
    # ru_maxrss: the largest resident set of the process (KiB on Linux).
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}, stdout


def cores() -> int:
    """The cores this benchmark may run on (what the generator's workers use)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def per_claim(root: Path, env: dict[str, str], count: int) -> dict[str, float]:
    """Milliseconds of CPU per claim of each stage of a cold run, alone in one process (best of 3 below 2,000 claims)."""
    child = _PER_CLAIM.format(scripts=str(root / "scripts"), root=str(root), repeats=3 if count < 2000 else 1)
    _, out = timed([sys.executable, "-c", child], env)
    return json.loads(out.strip().splitlines()[-1])


def generator(root: Path, env: dict[str, str]) -> dict[str, Any]:
    figures, out = timed([sys.executable, "-c", _CHILD.format(scripts=str(root / "scripts"), root=str(root))], env)
    detail = json.loads(out.strip().splitlines()[-1])
    timings, cpu = detail["timings"], detail["cpu"]
    # The page generator: everything but the post-build steps (and the interpreter start-up, counted in "wall").
    figures["pages"] = sum(seconds for name, seconds in timings.items() if name not in EXTRAS)
    figures["pages_cpu"] = sum(seconds for name, seconds in cpu.items() if name not in EXTRAS)
    for name in EXTRAS:
        figures[name.replace(" ", "_")] = timings.get(name, 0.0)
        figures[name.replace(" ", "_") + "_cpu"] = cpu.get(name, 0.0)
    figures["stages"] = timings
    figures["stages_cpu"] = cpu
    figures["cache"] = detail["cache"]
    figures["files"] = {k: detail[k] for k in ("written", "unchanged", "removed", "outputs")}
    return figures


ONE_CHANGED_RUNS = 3  # one claim edited, then another, then a third: the median run is reported (one run varies by ~1 s)


def edit_one_claim(root: Path, turn: int = 0) -> str:
    """Change one claim as a fact-checker would: a sentence added to its summary (a different claim each turn)."""
    files = sorted((root / "claims").glob("*.yaml"))
    path = files[(len(files) // 2 + turn * len(files) // 7) % len(files)]
    text = path.read_text(encoding="utf-8")
    marker = "summary: |\n"
    assert marker in text, path
    path.write_text(
        text.replace(marker, marker + "  Updated after a reader's correction request; the rating stands.\n", 1), encoding="utf-8"
    )
    return path.name


def edit_one_card(root: Path) -> str:
    """Change what a claim's card shows on every listing: its verdict reworded, as after a review of the rating
    (unlike a summary edit, this makes the listing pages showing the card again)."""
    files = sorted((root / "claims").glob("*.yaml"))
    for k in range(len(files)):
        path = files[(len(files) // 3 + k) % len(files)]
        text = path.read_text(encoding="utf-8")
        marker = "\nverdict: '"  # a quoted verdict, as the variants are written (a plain one could not take the colon)
        if marker in text and len(yaml.safe_load(text).get("verdict") or "") <= 280:  # the verdict's limit is 300 characters
            path.write_text(text.replace(marker, marker + "Reviewed: ", 1), encoding="utf-8")
            return path.name
    raise SystemExit("no claim has a verdict to reword")


def sizes(site: Path) -> dict[str, Any]:
    files = [p for p in site.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)

    def under(*parts: str) -> int:
        folder = site.joinpath(*parts)
        return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0

    claim_pages = [p.stat().st_size for p in (site / "claims").glob("*/index.html")]
    pages = [(p.stat().st_size, p.relative_to(site).as_posix()) for p in files if p.suffix == ".html"]
    html = sum(size for size, _ in pages)
    largest = max(pages, default=(0, ""))
    return {
        "site_bytes": total,
        "files": len(files),
        "html_bytes": html,
        "claim_page_median_bytes": statistics.median(claim_pages) if claim_pages else 0,
        "claim_pages": len(claim_pages),
        "pages": len(pages),
        "largest_page_bytes": largest[0],
        "largest_page": largest[1],
        "share_images_bytes": under("share"),
        "pagefind_bytes": under("pagefind"),
        "theme_assets_bytes": under("assets"),
        "claims_json_gz_bytes": (site / "claims.json.gz").stat().st_size if (site / "claims.json.gz").is_file() else 0,
        "claims_csv_bytes": (site / "claims.csv").stat().st_size if (site / "claims.csv").is_file() else 0,
        "sitemap_bytes": under("sitemap.xml") + sum(p.stat().st_size for p in site.glob("sitemap.xml*")),
    }


# Two queries that name a few claims (a missile, a person), and one that matches every claim: the bundled
# claims all appeared in the Kyiv Post, so a publisher's name makes Pagefind score every record.
SEARCH_QUERIES = ["Hwasong-11", "Shoigu"]
SEARCH_QUERY_MATCHING_ALL = "Kyiv Post"


def search_figures(site: Path) -> dict[str, Any] | None:
    """Bytes fetched and time to the first result of a cold first query (``factcheck.searchmeasure``),
    for queries naming a few claims and, under ``matching_all``, one matching every claim."""
    sys.path.insert(0, str(REPO / "scripts"))
    from factcheck.searchmeasure import measure_search

    try:
        figures = measure_search(site, SEARCH_QUERIES)
        figures["matching_all"] = measure_search(site, [SEARCH_QUERY_MATCHING_ALL])
        return figures
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


def bench(count: int, keep: bool) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix=f"factcheck-bench-{count}-"))
    root = tmp / "project"
    (root / "docs").mkdir(parents=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": "https://example.org/factcheck/"}
    env.pop("GITHUB_ACTIONS", None)
    try:
        print(f"\n{count:,} claims: writing the project in {root} ...", flush=True)
        make_project(root, count)
        claim_bytes = sum(p.stat().st_size for p in (root / "claims").glob("*.yaml"))
        figures: dict[str, Any] = {"claims": count, "claim_files_bytes": claim_bytes}
        print("  generator, cold ...", flush=True)
        figures["cold"] = generator(root, env)
        print("  generator, nothing changed ...", flush=True)
        figures["no_change"] = generator(root, env)
        runs = []
        for turn in range(ONE_CHANGED_RUNS):
            print(f"  generator, one claim changed ({edit_one_claim(root, turn)}) ...", flush=True)
            runs.append(generator(root, env))
        figures["one_changed_runs"] = [run["pages"] for run in runs]
        figures["one_changed"] = sorted(runs, key=lambda run: run["pages"])[len(runs) // 2]
        print(f"  generator, one claim's card changed ({edit_one_card(root)}) ...", flush=True)
        figures["card_changed"] = generator(root, env)
        print("  bare mkdocs build ...", flush=True)
        mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(root / "mkdocs.yml"), "-d", str(root / "site")]
        figures["mkdocs"], _ = timed(mkdocs, env)
        figures["ratio_wall"] = figures["cold"]["pages"] / figures["mkdocs"]["wall"]
        figures["ratio_cpu"] = figures["cold"]["pages_cpu"] / figures["mkdocs"]["cpu"]
        print("  each stage alone, per claim, in one process ...", flush=True)
        figures["per_claim_ms"] = per_claim(root, env, count)
        figures["cores"] = cores()
        figures["sizes_before_minify"] = sizes(root / "site")
        if (root / "scripts" / "factcheck" / "minify.py").is_file():  # the post-build step `make site` runs after MkDocs
            print("  post-build: minify the HTML, drop the theme files no page loads ...", flush=True)
            figures["minify"], _ = timed(
                [sys.executable, "-c", _MINIFY.format(scripts=str(root / "scripts"), site=str(root / "site"))], env
            )
        figures["sizes"] = sizes(root / "site")
        figures["search"] = search_figures(root / "site")
        if keep:
            print(f"  project kept in {root}")
        return figures
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


# -- printing ---------------------------------------------------------------------------------


def mib(n: float) -> str:
    return f"{n / 2**20:,.1f} MiB"


def kib(n: float) -> str:
    return f"{n / 1024:,.1f} KiB"


def table(f: dict[str, Any]) -> str:
    rows: list[tuple[str, str, str]] = []

    def step(name: str, s: dict[str, Any]) -> None:
        files = s["files"]
        rows.append(
            (
                name,
                f"{s['pages']:.2f} s",
                f"CPU {s['pages_cpu']:.2f} s (process with extras: wall {s['wall']:.2f} s, peak {s['peak_mib']:.0f} MiB); "
                f"{files['written']} written, {files['unchanged']} unchanged",
            )
        )
        when = name.split(",")[-1].split(" (")[0].strip()
        rows.append((f"  post-build: search index ({when})", f"{s['search_index']:.2f} s", f"CPU {s['search_index_cpu']:.2f} s"))
        rows.append((f"  post-build: share images ({when})", f"{s['share_images']:.2f} s", f"CPU {s['share_images_cpu']:.2f} s"))

    step("generator (pages), cold", f["cold"])
    step("generator (pages), nothing changed", f["no_change"])
    step(f"generator (pages), one claim changed (median of {len(f.get('one_changed_runs', [0]))})", f["one_changed"])
    if len(f.get("one_changed_runs", [])) > 1:
        rows.append(
            ("  one claim changed, each run", " / ".join(f"{t:.2f}" for t in f["one_changed_runs"]) + " s", "a different claim each time")
        )
    if f.get("card_changed"):
        step("generator (pages), one card changed (a verdict reworded)", f["card_changed"])
    m = f["mkdocs"]
    rows.append(("bare mkdocs build --strict", f"{m['wall']:.2f} s", f"CPU {m['cpu']:.2f} s, peak {m['peak_mib']:.0f} MiB"))
    rows.append(("generator cold ÷ bare MkDocs", f"{f['ratio_wall']:.1%}", f"wall clock; CPU time: {f['ratio_cpu']:.1%}"))
    per = f.get("per_claim_ms")
    if per:
        cores, claims = f["cores"], f["claims"]
        stages = ("load_and_check", "cross_claim_checks", "claim_page", "listing_pages", "data_files")
        total = sum(per[name] for name in stages)
        rows.append(
            ("each stage alone, CPU per claim", f"{total:.2f} ms", "one process, no cache: what more cores or caching cannot lower")
        )
        rows.append(
            ("  load and check", f"{per['load_and_check']:.2f} ms", f"of which libyaml composing the file: {per['libyaml_compose']:.2f} ms")
        )
        for name in stages[1:]:
            rows.append((f"  {name.replace('_', ' ')}", f"{per[name]:.2f} ms", ""))
        cold = f["cold"]
        write = cold["stages"].get("write", 0.0)
        rows.append(
            (
                "  cold run, CPU per claim",
                f"{cold['pages_cpu'] * 1000 / claims:.2f} ms",
                f"all processes; its writing: {write * 1000 / claims:.2f} ms of wall clock per claim",
            )
        )
        budget = 0.10 * m["wall"] * cores * 1000 / claims
        rows.append(("  10% of bare MkDocs, per claim", f"{budget:.2f} ms", f"of CPU on {cores} cores, if writing took no time"))
    if f.get("minify"):
        n = f["minify"]
        before = f["sizes_before_minify"]["html_bytes"]
        rows.append(("post-build: minify HTML", f"{n['wall']:.2f} s", f"CPU {n['cpu']:.2f} s; HTML {mib(before)} before"))
    s = f["sizes"]
    rows.append(
        (
            "site/ size",
            mib(s["site_bytes"]),
            f"= {s['site_bytes'] / 1e6:,.1f} MB; {s['files']:,} files; {kib(s['site_bytes'] / f['claims'])} per claim",
        )
    )
    rows.append(("  HTML", mib(s["html_bytes"]), ""))
    rows.append(("  share images", mib(s["share_images_bytes"]), ""))
    rows.append(("  search (pagefind)", mib(s["pagefind_bytes"]), ""))
    rows.append(("  theme (assets/)", mib(s["theme_assets_bytes"]), ""))
    rows.append(("  claims.json.gz / claims.csv", mib(s["claims_json_gz_bytes"]), mib(s["claims_csv_bytes"])))
    rows.append(("claim page (median)", kib(s["claim_page_median_bytes"]), f"{s['claim_pages']:,} claim pages"))
    rows.append(("largest page", kib(s["largest_page_bytes"]), f"{s['largest_page']} ({s['pages']:,} HTML pages)"))
    search = f.get("search") or {}
    if "error" in search:
        rows.append(("search, cold first query", "failed", search["error"][:200]))
    elif search:
        for label, figures in (("search, cold first query", search), ("  matching every claim", search.get("matching_all"))):
            if figures:
                queries = ", ".join(run["query"] for run in figures["runs"])
                rows.append(
                    (
                        label,
                        f"{figures['ms_to_first_result']:.0f} ms",
                        f"worst of {queries}: from the search starting {figures['ms_search_to_first_result']:.0f} ms; "
                        f"{figures['bytes'] / 1000:,.0f} KB fetched, {figures['search_bytes'] / 1000:,.0f} KB of it search data",
                    )
                )
    width = max(len(r[0]) for r in rows)
    value = max(len(r[1]) for r in rows)
    lines = [f"\n{f['claims']:,} claims", f"{'measure':<{width}}  {'value':>{value}}  detail", f"{'-' * width}  {'-' * value}  {'-' * 30}"]
    lines += [f"{a:<{width}}  {b:>{value}}  {c}" for a, b, c in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, action="append", help="number of claims (repeatable; default 1,000 and 10,000)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects and print their paths")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": {
            "cores": cores(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_at_start": os.getloadavg(),
        },
        "runs": [],
    }
    for count in args.claims or [1000, 10000]:
        figures = bench(count, args.keep)
        results["runs"].append(figures)
        print(table(figures), flush=True)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if len(results["runs"]) > 1:
        first, last = results["runs"][0], results["runs"][-1]
        growth = last["cold"]["pages"] / first["cold"]["pages"]
        print(f"\ngenerator cold, {last['claims']:,} vs {first['claims']:,} claims: {growth:.1f}x")
        results["growth_cold"] = growth
    results["machine"]["load_average_at_end"] = os.getloadavg()
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nFigures written to {RESULTS.relative_to(REPO)}.")


if __name__ == "__main__":
    main()
