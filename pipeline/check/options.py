"""The settings of ``check`` and the CI gate: ``[site]``, ``[check.codes]``, ``[check]`` policies.

Parsed once with the rest of ``pipeline.toml`` (each ``from_table`` gets its table and the
file's text for error lines); the checks receive these values and never read the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pipeline.errors import ConfigError
from pipeline.model import Severity
from pipeline.tables import NO_FILE, ConfigText

# --------------------------------------------------------------------------- [check.codes]

CODES: dict[str, Severity] = {
    "anchor-missing": Severity.ERROR,
    "page-missing": Severity.ERROR,
    "anchor-stale": Severity.ERROR,
    "anchor-differs": Severity.ERROR,
    "id-shifted": Severity.ERROR,
    "link-target": Severity.ERROR,
    "link-count": Severity.WARNING,
    "code-span": Severity.WARNING,
    "markup": Severity.WARNING,
    "placeholder": Severity.ERROR,
    "id-in-translation": Severity.WARNING,
    "unsafe": Severity.ERROR,
    "untranslated-same": Severity.WARNING,
}
"""Every finding code ``check`` emits and its default severity (``[check.codes]`` re-grades)."""

_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "off": None}


def code_levels(table: dict[str, Any], src: ConfigText = NO_FILE) -> dict[str, Severity | None]:
    """Severity per code from ``[check.codes]`` (the ``[check]`` table) over the defaults; ``None`` is off."""
    levels: dict[str, Severity | None] = dict(CODES)
    codes = table.get("codes", {})
    if not isinstance(codes, dict):
        raise src.error("codes", '[check.codes] must be a table of code = "error|warning|off"')
    for code, value in sorted(codes.items()):
        if code not in CODES:
            raise src.error(
                code, f"unknown check code {code!r} in [check.codes]", f"known codes: {', '.join(sorted(CODES))}"
            )
        if value not in _LEVELS:
            raise src.error(code, f"[check.codes] {code} = {value!r}", 'use "error", "warning" or "off"')
        levels[code] = _LEVELS[value]
    return levels


# --------------------------------------------------------------------------- [site]


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
    def from_table(cls, table: dict[str, Any], src: ConfigText = NO_FILE) -> SiteOptions:
        """Read and validate ``[site]``."""
        for key in sorted(table):
            if key not in _SITE_KEYS:
                raise src.error(key, f"unknown setting {key!r} in [site]", f"known: {', '.join(sorted(_SITE_KEYS))}")
        values: dict[str, Any] = {}
        for key in ("base_url", "route", "locale_prefix", "source_locale"):
            if key in table:
                if not isinstance(table[key], str):
                    raise src.error(key, f"[site] {key} must be a string")
                values[key] = table[key]
        if table.get("dialect") == "mdx":
            values["smartypants"] = False  # MDX (Astro/Starlight, Docusaurus): ids are slugs of the text as written
        if "smartypants" in table:
            if not isinstance(table["smartypants"], bool):
                raise src.error("smartypants", "[site] smartypants must be true or false")
            values["smartypants"] = table["smartypants"]
        for key in ("routes", "anchors", "locales"):
            if key in table:
                value = table[key]
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise src.error(key, f"[site] {key} must be a list of strings")
                values[key] = tuple(value)
        opts = cls(**values)
        if "{path}" not in opts.route or not opts.route.startswith("/"):
            raise src.error("route", f"[site] route = {opts.route!r}", 'start with "/" and contain {path}')
        if opts.locale_prefix and ("{locale}" not in opts.locale_prefix or not opts.locale_prefix.startswith("/")):
            raise src.error(
                "locale_prefix", f"[site] locale_prefix = {opts.locale_prefix!r}", 'start with "/" and contain {locale}'
            )
        if opts.base_url and urlsplit(opts.base_url).scheme not in ("http", "https"):
            raise src.error("base_url", f"[site] base_url = {opts.base_url!r}", "use an http(s) URL")
        return opts


_SITE_KEYS = set(SiteOptions.__dataclass_fields__) | {"dialect", "extensions", "heading_ids"}
"""With the keys of ``pipeline.workspace.dialect`` (read there)."""


# --------------------------------------------------------------------------- [check] gate policies

STALE = "stale-catalog"
FUZZY = "fuzzy"
UNTRANSLATED = "untranslated"

GATE_CODES = (STALE, FUZZY, UNTRANSLATED)
"""Codes ``fail_on`` accepts."""
DEFAULT_FAIL_ON = (STALE,)


@dataclass(frozen=True, slots=True)
class Policy:
    """What makes one locale fail the gate."""

    fail_on: frozenset[str] = frozenset(DEFAULT_FAIL_ON)
    min_translated: float = 0.0


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """The ``[check]`` table: severities of ``check``'s codes and the gate's policy per locale."""

    levels: dict[str, Severity | None] = field(default_factory=lambda: dict(CODES))
    """Severity per ``check`` code; ``None`` means off."""
    policy: Policy = Policy()
    """The gate's policy of every locale without its own ``[check.locales.<locale>]``."""
    overrides: tuple[tuple[str, Policy, int | None], ...] = ()
    """Per-locale policies: (locale, policy, line of its table)."""
    src: ConfigText = NO_FILE

    @classmethod
    def from_table(cls, table: dict[str, Any], src: ConfigText = NO_FILE) -> CheckOptions:
        """Read and check ``[check]``, ``[check.codes]`` and ``[check.locales.<locale>]``."""
        levels = code_levels(table, src)
        base = _policy(src, table, Policy(), None)
        overrides = table.get("locales", {})
        if not isinstance(overrides, dict):
            raise src.error("locales", "[check] locales must be a table of locale tables", "see the README")
        found: list[tuple[str, Policy, int | None]] = []
        for locale, sub in overrides.items():
            if not isinstance(sub, dict):
                raise src.error(locale, f"[check.locales.{locale}] must be a table")
            found.append((locale, _policy(src, sub, base, locale), src.key_line(f"check.locales.{locale}")))
        return cls(levels, base, tuple(found), src)

    def policies(self, locales: tuple[str, ...]) -> dict[str, Policy]:
        """The policy of each locale: ``[check]`` with ``[check.locales.<locale>]`` on top."""
        mine: dict[str, Policy] = {}
        for locale, policy, line in self.overrides:
            if locale not in locales:
                raise ConfigError(
                    f"[check.locales.{locale}] is not one of the project's locales ({', '.join(locales) or 'none'})",
                    self.src.path,
                    line,
                    "check the spelling or add the locale to 'locales'",
                )
            mine[locale] = policy
        return {locale: mine.get(locale, self.policy) for locale in locales}


def _policy(src: ConfigText, table: dict[str, Any], base: Policy, locale: str | None) -> Policy:
    where = f"check.locales.{locale}" if locale else "check"

    def error(key: str, message: str, hint: str) -> ConfigError:
        return ConfigError(message, src.path, src.key_line(where, key), hint)

    fail_on = base.fail_on
    if "fail_on" in table:
        value = table["fail_on"]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise error("fail_on", f"[{where}] fail_on must be a list of strings", f"use codes from {list(GATE_CODES)}")
        unknown = sorted(set(value) - set(GATE_CODES))
        if unknown:
            raise error(
                "fail_on", f"[{where}] fail_on: unknown code {unknown[0]!r}", f"use codes from {list(GATE_CODES)}"
            )
        fail_on = frozenset(value)
    minimum = base.min_translated
    if "min_translated" in table:
        value = table["min_translated"]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise error("min_translated", f"[{where}] min_translated must be a number from 0 to 1", "e.g. 0.9")
        minimum = float(value)
    return Policy(fail_on, minimum)
