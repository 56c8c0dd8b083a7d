"""`build`: the whole site, all or nothing (what `make site` runs).

1. Run the generator in memory (``pipeline.run``): an invalid claim stops
   here and nothing is touched.
2. Stage: copy ``docs/`` (hard links where possible) into ``.cache/build/``
   and write the new outputs there.
3. ``mkdocs build --strict`` from the staged pages into a staged site. Every
   warning MkDocs logs is reported against the claim file behind the page.
   Then the staged site's HTML is minified (``minify.py``; scripts and
   JSON-LD kept byte for byte), and the theme files no page uses are removed
   (Material's own search, which Pagefind replaces, and source maps).
4. In GitHub Actions (the deploy and every pull request's check), a site over
   GitHub Pages' 1 GB stops the build here, with its size by kind of file.
5. Only when all of that succeeded: write the outputs into ``docs/`` and
   swap the staged site into ``site/``.

A failure at any step leaves ``docs/`` and ``site/`` as they were, and the
staging folder (inside the repository, ignored by git) is removed.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from . import pipeline
from .problems import Problem, report

STAGE = Path(".cache") / "build"
# GitHub Pages refuses to publish a site over 1 GB. A build in GitHub Actions (the deploy, and every pull
# request's check) stops before that; a build elsewhere says how close the site is.
PAGES_LIMIT = 1_000_000_000
PAGES_WARNING = 0.9  # of the limit: `make site` warns from here
# Files Material copies into every site that no page of this one loads: its lunr search and the search
# worker (the search is Pagefind's; no page has Material's search dialog) and the source maps of its
# bundles (only a browser's developer tools ask for them). 2.2 MB of every site.
UNUSED_THEME_FILES = ("assets/javascripts/lunr", "assets/javascripts/workers")
_SOURCE_MAP_COMMENT = re.compile(rb"\n(//# sourceMappingURL=\S+|/\*# sourceMappingURL=\S+ \*/)\s*$")
_DOC_PATH = re.compile(r"[\w./-]+\.md")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _copy_tree(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` without following links, hard-linking files where the file system allows."""

    def link_or_copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst, follow_symlinks=False)
        except OSError:
            shutil.copy2(src, dst, follow_symlinks=False)

    if source.is_dir():
        shutil.copytree(source, target, symlinks=True, copy_function=link_or_copy)
    else:
        target.mkdir(parents=True)


def mkdocs_build(config_file: Path, docs_dir: Path, site_dir: Path) -> list[str]:
    """Build with MkDocs (strict) as a library; returns the warnings and errors it logged (empty = success)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    try:
        config = load_config(str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir), strict=True)
        build(config)
    except MkDocsException as exc:
        if not collect.messages:
            collect.messages.append(str(exc))
    finally:
        logger.removeHandler(collect)
    return collect.messages


def locate(message: str, result: pipeline.Result, stage_docs: Path) -> Problem:
    """A MkDocs message as a problem of the claim file that produced the page it names."""
    text = message.replace(str(stage_docs) + os.sep, "")  # shown through Problem.format/github, which make it visible()
    for candidate in _DOC_PATH.findall(message):
        rel = candidate.replace(str(stage_docs) + os.sep, "").lstrip("./")
        where = result.source_of(rel)
        if where is not None:
            return Problem(
                where.file,
                where.line,
                "(page)",
                f"MkDocs: {text}",
                "This page is generated from this claim file; check its text and links.",
            )
        page = stage_docs / rel
        if rel not in result.outputs and page.is_file() and not page.is_symlink():  # a hand-written page of docs/
            return Problem(f"docs/{rel}", _line_of_quoted(message, page), "(page)", f"MkDocs: {text}", "Fix this hand-written page.")
    return Problem(
        "mkdocs.yml", 1, "", f"MkDocs: {text}", "A problem of the site itself, not of a claim: check mkdocs.yml, docs/ and overrides/."
    )


def _line_of_quoted(message: str, page: Path) -> int:
    """The first line of ``page`` holding a 'quoted' part of the message (e.g. the broken link), else 1."""
    lines = page.read_text(encoding="utf-8", errors="replace").splitlines()
    for quoted in re.findall(r"'([^'\n]+)'", message):
        if quoted == page.name:
            continue
        for number, line in enumerate(lines, start=1):
            if quoted in line:
                return number
    return 1


def build_site(root: Path) -> tuple[int, list[Problem], dict[str, float]]:
    result = pipeline.run(root, background_save=True)  # the cache is saved by a forked process while the site is built
    try:
        return _build(root, result)
    finally:
        result.saved()


def _build(root: Path, result: pipeline.Result) -> tuple[int, list[Problem], dict[str, float]]:
    from .write import check_targets, write_outputs

    timings = dict(result.timings)
    if not result.ok:
        return 1, result.problems, timings
    site = root / "site"
    if site.is_symlink():
        return 1, [Problem("site", 1, "", "site/ is a symbolic link; the build never writes through links", "Remove the link.")], timings
    stage = root / STAGE
    for folder in (stage.parent, stage):  # a committed link here would make the build delete and write elsewhere
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            shown = folder.relative_to(root).as_posix()
            message = f"{shown} is a symbolic link or a file; the build stages the site there and never writes or deletes through links"
            return 1, [Problem(shown, 1, "", message, "Remove it (it holds only scratch files), then run again.")], timings
    shutil.rmtree(stage, ignore_errors=True)
    try:
        start = time.perf_counter()
        _copy_tree(root / "docs", stage / "docs")
        write_outputs(result.outputs, stage / "docs")
        timings["stage"] = time.perf_counter() - start
        start = time.perf_counter()
        messages = mkdocs_build(root / "mkdocs.yml", stage / "docs", stage / "site")
        timings["mkdocs build"] = time.perf_counter() - start
        if messages:
            return 1, sorted({locate(m, result, stage / "docs") for m in messages}), timings
        from .minify import minify_site  # post-build, on the staged site: whitespace out, every script kept byte for byte

        timings["minify html"] = minify_site(stage / "site")["seconds"]
        drop_unused_theme_files(stage / "site")
        total, parts = site_size(stage / "site")
        if total > PAGES_LIMIT and os.environ.get("GITHUB_ACTIONS") == "true":
            return 1, [too_big(total, parts)], timings
        unsafe = check_targets(result.outputs, root / "docs")
        if unsafe:
            return 1, [Problem("docs", 1, "", m, "Remove the link, then run again.") for m in unsafe], timings
        start = time.perf_counter()
        write_outputs(result.outputs, root / "docs")
        old = stage / "site-old"
        if site.exists():
            site.rename(old)
        (stage / "site").rename(site)
        timings["publish"] = time.perf_counter() - start
        return 0, [], timings
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if stage.parent.is_dir() and not any(stage.parent.iterdir()):
            stage.parent.rmdir()


def drop_unused_theme_files(site: Path) -> None:
    """Remove UNUSED_THEME_FILES and the source maps (with the comments naming them) from a built site."""
    for name in UNUSED_THEME_FILES:
        folder = site / name
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
    for source_map in (site / "assets").rglob("*.map"):
        source_map.unlink()
        bundle = source_map.with_suffix("")  # main.css.map → main.css
        if bundle.is_file():
            data = bundle.read_bytes()
            bundle.write_bytes(_SOURCE_MAP_COMMENT.sub(b"\n", data))


def site_size(folder: Path) -> tuple[int, dict[str, int]]:
    """Bytes of a built site, and of its largest kinds of file (what decides whether GitHub Pages takes it)."""
    parts = {"HTML": 0, "share images": 0, "search index": 0, "data files": 0, "other": 0}
    for path, _, names in os.walk(folder):
        for name in names:
            size = os.lstat(os.path.join(path, name)).st_size
            relative = os.path.relpath(os.path.join(path, name), folder)
            if name.endswith(".html"):
                kind = "HTML"
            elif relative.startswith("share" + os.sep):
                kind = "share images"
            elif relative.startswith("pagefind" + os.sep):
                kind = "search index"
            elif relative in ("claims.json.gz", "claims.csv"):
                kind = "data files"
            else:
                kind = "other"
            parts[kind] += size
    return sum(parts.values()), parts


def _sizes(total: int, parts: dict[str, int]) -> str:
    shown = ", ".join(f"{kind} {size / 1e6:,.0f} MB" for kind, size in parts.items() if size)
    return f"{total / 1e9:.2f} GB ({shown})"


def too_big(total: int, parts: dict[str, int]) -> Problem:
    return Problem(
        "site",
        1,
        "",
        f"the built site is {_sizes(total, parts)}; GitHub Pages refuses to publish a site over {PAGES_LIMIT / 1e9:.0f} GB",
        "Nothing was published. README, Performance, lists what takes the room per claim and what could be cut.",
    )


def cmd_build(args: argparse.Namespace) -> int:
    from .cli import print_problems

    root = Path(args.root).absolute()
    status, problems, timings = build_site(root)
    if problems:
        print_problems(problems)
        print("Nothing was changed: docs/ and site/ are as they were. Fix the problems above and run again.", file=sys.stderr)
        return status
    figures = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
    total, parts = site_size(root / "site")
    print(f"Site built in site/ ({figures}; {total / 1e6:,.1f} MB). Open site/index.html, or run: make serve")
    if total > PAGES_WARNING * PAGES_LIMIT:
        print(
            f"warning: site/ is {_sizes(total, parts)}; GitHub Pages publishes sites up to {PAGES_LIMIT / 1e9:.0f} GB "
            "(a build in GitHub Actions stops above that). README, Performance, lists what could be cut.",
            file=sys.stderr,
        )
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("build", help="validate, generate and build the whole site into site/ (all or nothing)")
    p.set_defaults(func=cmd_build)


__all__ = ["add_parser", "build_site", "mkdocs_build", "report"]
