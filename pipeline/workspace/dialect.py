"""``[site] dialect``, ``[site] extensions`` and ``[site] heading_ids``: how pages are read,
which files are pages, and how an MDX site slugs headings.

``mdsvex`` (the default) reads ``.md`` pages as CommonMark with raw HTML and Svelte, and keeps
the English heading ids in translations (``{#id}``); ``markdown`` reads them the same way (and
TOML ``+++`` front matter); ``mdx`` (Astro/Starlight, Docusaurus) reads ``.md`` and ``.mdx``
pages as MDX: ESM, JSX and ``:::`` directives are structure, and each locale's headings get ids
of their own text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.tables import NO_FILE, ConfigText

if TYPE_CHECKING:
    from pipeline.workspace.settings import Config

DIALECTS = ("mdsvex", "markdown", "mdx")
SITE_KEYS = frozenset({"dialect", "extensions", "heading_ids"})
"""The ``[site]`` keys this module reads (``SiteOptions`` reads the others)."""

_EXTENSIONS = {"mdsvex": (".md",), "markdown": (".md",), "mdx": (".md", ".mdx")}
MDX_PROPS = ("alt", "title", "label", "labels", "description", "caption", "text")
"""JSX string props translated by default in MDX (``[segment] html_attributes`` overrides)."""


@dataclass(frozen=True, slots=True)
class Dialect:
    """The site's page dialect and the file extensions of its pages."""

    name: str = "mdsvex"
    extensions: tuple[str, ...] = (".md",)
    heading_ids: str = "github"
    """MDX: ``github`` (github-slugger) or ``astro`` (Astro's rehypeHeadingIds)."""

    @property
    def mdx(self) -> bool:
        return self.name == "mdx"

    def suffix(self, file: str) -> str | None:
        """The page extension ``file`` ends with (longest first), or None when it is no page."""
        for ext in sorted(self.extensions, key=len, reverse=True):
            if file.endswith(ext) and len(file) > len(ext):
                return ext
        return None

    @classmethod
    def from_table(cls, site: dict[str, Any], src: ConfigText = NO_FILE) -> Dialect:
        """Read and validate the dialect keys of ``[site]``."""
        name = site.get("dialect", "mdsvex")
        if name not in DIALECTS:
            raise src.error("dialect", f"[site] dialect = {name!r}", 'use "mdsvex", "mdx" or "markdown"')
        extensions = _EXTENSIONS[name]
        if "extensions" in site:
            value = site["extensions"]
            if (
                not isinstance(value, list)
                or not value
                or not all(isinstance(v, str) and v.startswith(".") and len(v) > 1 and "/" not in v for v in value)
            ):
                raise src.error(
                    "extensions", "[site] extensions must be a list of file extensions", 'e.g. [".md", ".mdx"]'
                )
            extensions = tuple(dict.fromkeys(value))
        heading_ids = site.get("heading_ids", "github")
        if heading_ids not in ("github", "astro"):
            raise src.error("heading_ids", f"[site] heading_ids = {heading_ids!r}", 'use "github" or "astro"')
        return cls(name, extensions, heading_ids)


def dialect(cfg: Config) -> Dialect:
    """The project's dialect (read with the settings)."""
    return cfg.dialect


def page_file(cfg: Config, folder: Path, name: str) -> Path:
    """The file of page ``name`` under ``folder`` (a source or output folder): the extension of the
    English page when there is one, else one that exists in ``folder``, else the first."""
    d = cfg.dialect
    if len(d.extensions) == 1:
        return folder / f"{name}{d.extensions[0]}"
    for ext in d.extensions:
        if (cfg.source_dir / f"{name}{ext}").is_file():
            return folder / f"{name}{ext}"
    for ext in d.extensions:
        if (folder / f"{name}{ext}").is_file():
            return folder / f"{name}{ext}"
    return folder / f"{name}{d.extensions[0]}"
