"""The few site settings the generator needs, read from mkdocs.yml (one place)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class _MkDocsLoader(yaml.SafeLoader):
    """Safe loader that understands MkDocs' ``!ENV`` tag and ignores other tags."""


def _env(loader: _MkDocsLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        values = loader.construct_sequence(node)  # type: ignore[arg-type]
        names, default = values[:-1], values[-1] if len(values) > 1 else None
    for name in names:
        if os.environ.get(str(name)):
            return os.environ[str(name)]
    return default


def _ignore(loader: _MkDocsLoader, suffix: str, node: yaml.Node) -> None:
    return None


_MkDocsLoader.add_constructor("!ENV", _env)
_MkDocsLoader.add_multi_constructor("", _ignore)


@dataclass(frozen=True)
class SiteConfig:
    site_name: str
    site_url: str  # always ends with "/"
    description: str = ""
    publisher: str = ""
    publisher_url: str | None = None
    contact: str | None = None
    repo_url: str | None = None
    page_size: int = 50

    def absolute(self, page_url: str) -> str:
        return self.site_url + page_url.lstrip("/")


def read_config(path: Path) -> SiteConfig:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_MkDocsLoader) or {}
    extra = (data.get("extra") or {}).get("factcheck") or {}
    site_url = str(data.get("site_url") or "http://127.0.0.1:8000/")
    return SiteConfig(
        site_name=str(data.get("site_name", "Fact-check")),
        site_url=site_url if site_url.endswith("/") else site_url + "/",
        description=str(data.get("site_description") or ""),
        publisher=str(extra.get("publisher") or data.get("site_author") or data.get("site_name", "")),
        publisher_url=extra.get("publisher_url") or None,
        contact=extra.get("contact") or None,
        repo_url=data.get("repo_url") or None,
        page_size=int(extra.get("page_size") or 50),
    )
