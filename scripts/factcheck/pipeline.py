"""The generator, top to bottom: load → validate → render → add the extras → check → write.

``run`` does everything in memory and writes nothing, so a problem found at
any stage (an invalid claim, two pages wanting one path, an unsafe output
folder) leaves ``docs/`` exactly as it was. ``generate`` writes the result.
The command line (``cli.py``) and the site build (``build.py``) call these.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .load import Loaded, scan_claims
from .model import Claim
from .problems import GenerationError, Problem
from .rules import validate
from .siteconfig import SiteConfig, read_config


@dataclass
class Result:
    """What one run produced: the problems, or the claims and every output file (path under docs/ → content)."""

    problems: list[Problem] = field(default_factory=list)
    items: list[Loaded] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    outputs: dict[str, str | bytes] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # stage name -> seconds

    @property
    def ok(self) -> bool:
        return not self.problems

    def source_of(self, output: str) -> Problem | None:
        """A located pointer to the claim file behind a generated page (for MkDocs' warnings)."""
        stem = output.removesuffix(".md")
        for item in self.items:
            if item.claim is not None and stem == f"claims/{item.claim.id}":
                return item.problem(("id",), "")
        return None


class _Clock:
    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self.start = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self.start
        self.start = now


def run(root: Path, extras: bool = True) -> Result:
    """Load, validate and render every claim in memory; nothing is written."""
    result = Result()
    clock = _Clock(result.timings)
    found, stray = scan_claims(root / "claims", root)
    result.items, problems = validate(found, root=root)
    result.problems = sorted(set(problems + stray))
    clock.lap("load and validate")
    if result.problems:
        return result
    result.claims = [i.claim for i in result.items if i.claim is not None]
    config = read_config(root / "mkdocs.yml")
    try:
        result.outputs = render(result.claims, config)
        clock.lap("render pages")
        if extras:
            for name, make in _extras():
                _merge(result.outputs, make(result.claims, config), name)
                clock.lap(name)
    except GenerationError as exc:
        result.problems = sorted(set(exc.problems))
        return result
    from .write import check_targets

    unsafe = check_targets(result.outputs, root / "docs")
    result.problems = [Problem("docs", 1, "", message, "Remove the link or the offending file, then run again.") for message in unsafe]
    return result


def render(claims: list[Claim], config: SiteConfig) -> dict[str, str | bytes]:
    from .render import render_site

    return render_site(claims, config)


def _extras() -> list[tuple[str, object]]:
    """Post-render outputs that live beside the pages: the search index and the share images."""
    import importlib
    import importlib.util

    found = []
    for name, module, function in (("search index", "searchindex", "index_files"), ("share images", "shareimage", "share_images")):
        if importlib.util.find_spec(f"factcheck.{module}") is not None:  # TEMPORARY while both modules are being written
            found.append((name, getattr(importlib.import_module(f"factcheck.{module}"), function)))
    return found


def _merge(outputs: dict[str, str | bytes], extra: dict[str, bytes], name: str) -> None:
    clash = sorted(set(outputs) & set(extra))
    if clash:
        raise GenerationError([Problem("docs", 1, "", f"the {name} would overwrite generated page {clash[0]}", "Report this as a bug.")])
    outputs.update(extra)


def generate(root: Path) -> tuple[Result, str]:
    """Run the generator and, only when nothing is wrong, write ``docs/``."""
    from .write import UnsafeOutput, write_outputs

    result = run(root)
    if not result.ok:
        return result, "Nothing was written: fix the problems above and run again."
    start = time.perf_counter()
    try:
        report = write_outputs(result.outputs, root / "docs")
    except UnsafeOutput as exc:
        result.problems = [Problem("docs", 1, "", message, "Remove the link, then run again.") for message in exc.problems]
        return result, "Nothing was written: fix the problems above and run again."
    result.timings["write"] = time.perf_counter() - start
    return result, f"{len(result.claims)} claims → docs/: {report.summary()}."
