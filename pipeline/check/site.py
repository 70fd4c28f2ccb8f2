"""How the website serves pages: ``[site]`` settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pipeline.workspace.settings import Config, config_error, section


@dataclass(frozen=True, slots=True)
class SiteOptions:
    """How the website serves pages: ``[site]`` in ``pipeline.toml``."""

    base_url: str = ""
    """Absolute links to this origin are internal (``https://example.org``)."""
    route: str = "/{path}"
    """URL of a page; ``{path}`` is its name (``foo/bar``; ``index`` pages are served at the folder)."""
    locale_prefix: str = "/{locale}"
    """URL prefix of a locale; links may omit it (the site localizes them) or include it."""
    smartypants: bool = True
    """mdsvex's default: ``--`` becomes an em dash in text, even inside ``{#id}``."""
    routes: tuple[str, ...] = ()
    """Paths the site serves itself (Svelte routes, feeds); ``*`` wildcards allowed."""
    anchors: tuple[str, ...] = ()
    """Fragments every page accepts (layout ids, markers the site's router handles)."""
    source_locale: str = "en"
    """Locale of the English pages, also a valid link prefix (``/en/page``)."""
    locales: tuple[str, ...] = ()
    """More locale prefixes the site serves beyond the configured locales."""

    @classmethod
    def from_table(cls, table: Mapping[str, Any], cfg: Config) -> SiteOptions:
        """Validate a ``[site]`` table (``cfg`` locates errors in ``pipeline.toml``)."""
        return _from_table(table, cfg)


_SITE_KEYS = {f for f in SiteOptions.__dataclass_fields__}


def site_options(cfg: Config) -> SiteOptions:
    """Read and validate ``[site]``."""
    return SiteOptions.from_table(section(cfg, "site"), cfg)


def _from_table(table: Mapping[str, Any], cfg: Config) -> SiteOptions:
    for key in sorted(table):
        if key not in _SITE_KEYS:
            raise config_error(
                cfg, key, f"unknown setting {key!r} in [site]", f"known: {', '.join(sorted(_SITE_KEYS))}"
            )
    values: dict[str, Any] = {}
    for key in ("base_url", "route", "locale_prefix", "source_locale"):
        if key in table:
            if not isinstance(table[key], str):
                raise config_error(cfg, key, f"[site] {key} must be a string")
            values[key] = table[key]
    if "smartypants" in table:
        if not isinstance(table["smartypants"], bool):
            raise config_error(cfg, "smartypants", "[site] smartypants must be true or false")
        values["smartypants"] = table["smartypants"]
    for key in ("routes", "anchors", "locales"):
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise config_error(cfg, key, f"[site] {key} must be a list of strings")
            values[key] = tuple(value)
    opts = SiteOptions(**values)
    if "{path}" not in opts.route or not opts.route.startswith("/"):
        raise config_error(cfg, "route", f"[site] route = {opts.route!r}", 'start with "/" and contain {path}')
    if opts.locale_prefix and ("{locale}" not in opts.locale_prefix or not opts.locale_prefix.startswith("/")):
        raise config_error(
            cfg,
            "locale_prefix",
            f"[site] locale_prefix = {opts.locale_prefix!r}",
            'start with "/" and contain {locale}',
        )
    if opts.base_url and urlsplit(opts.base_url).scheme not in ("http", "https"):
        raise config_error(cfg, "base_url", f"[site] base_url = {opts.base_url!r}", "use an http(s) URL")
    return opts
