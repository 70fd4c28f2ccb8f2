"""The settings of ``check`` and the CI gate: ``[site]``, ``[check.codes]``, ``[check]`` policies.

Parsed once with the rest of ``pipeline.toml`` (each ``from_table`` gets its table and the
file's text for error lines); the checks receive these values and never read the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
    "link-localized": Severity.NOTICE,
    "code-span": Severity.WARNING,
    "markup": Severity.WARNING,
    "placeholder": Severity.ERROR,
    "id-in-translation": Severity.WARNING,
    "unsafe": Severity.ERROR,
    "untranslated-same": Severity.WARNING,
    "build-refused": Severity.ERROR,
}
"""Every finding code ``check`` emits and its default severity (``[check.codes]`` re-grades)."""

_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "notice": Severity.NOTICE, "off": None}


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
            raise src.error(code, f"[check.codes] {code} = {value!r}", 'use "error", "warning", "notice" or "off"')
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
    localize_links: tuple[str, ...] = ()
    """JSX/HTML props and front-matter keys whose internal links build puts under the locale's
    prefix in translated pages (link reference definitions too); empty: links stay as in English."""
    localized_links: tuple[tuple[str, str], ...] = ()
    """``[site.localized_links]``: English link pattern -> its locale's (``{locale}``, ``{lang}``, ``*``),
    applied by build to the links ``localize_links`` reaches, and accepted by ``check`` in msgstrs."""

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
        if "localize_links" in table:
            values["localize_links"] = _link_names(table["localize_links"], src)
        if "localized_links" in table:
            values["localized_links"] = _link_patterns(table["localized_links"], src)
        opts = cls(**values)
        if opts.localized_links and not opts.localize_links:
            raise src.error(
                "localized_links",
                "[site.localized_links] needs [site] localize_links (the props and keys whose links it rewrites)",
                'e.g. localize_links = ["href", "link"]',
            )
        if opts.localize_links and not opts.locale_prefix:
            raise src.error("localize_links", "[site] localize_links needs a locale_prefix", 'e.g. "/{locale}"')
        if "{path}" not in opts.route or not opts.route.startswith("/"):
            raise src.error("route", f"[site] route = {opts.route!r}", 'start with "/" and contain {path}')
        if opts.locale_prefix and ("{locale}" not in opts.locale_prefix or not opts.locale_prefix.startswith("/")):
            raise src.error(
                "locale_prefix", f"[site] locale_prefix = {opts.locale_prefix!r}", 'start with "/" and contain {locale}'
            )
        if opts.base_url and urlsplit(opts.base_url).scheme not in ("http", "https"):
            raise src.error("base_url", f"[site] base_url = {opts.base_url!r}", "use an http(s) URL")
        return opts


LINK_NAMES = ("href", "link", "to")
"""``[site] localize_links = true``: the props and keys that hold links on most sites (HTML and
Starlight's ``href``, Starlight's front-matter ``link``, Docusaurus's ``<Link to>``)."""


def _link_names(value: Any, src: ConfigText) -> tuple[str, ...]:
    if value is True:
        return LINK_NAMES
    if value is False:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return tuple(value)
    raise src.error(
        "localize_links",
        "[site] localize_links must be true, false or a list of prop and key names",
        '["href", "link"]',
    )


def _link_patterns(value: Any, src: ConfigText) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and k.strip() for k in value):
        raise src.error("localized_links", "[site.localized_links] must be a table of English pattern = pattern")
    for english, localized in value.items():
        if not isinstance(localized, str) or localized.count("*") > english.count("*"):
            raise src.error(
                english,
                f"[site.localized_links] {english!r} must map to one pattern with no more '*' than it has",
                '"https://docs.example.org/en/*" = "https://docs.example.org/{locale}/*"',
            )
    return tuple((k.strip(), v.strip()) for k, v in value.items())


_SITE_KEYS = set(SiteOptions.__dataclass_fields__) | {"dialect", "extensions", "heading_ids"}
"""With the keys of ``pipeline.workspace.dialect`` (read there)."""


# --------------------------------------------------------------------------- [check] gate policies

STALE = "stale-catalog"
FUZZY = "fuzzy"
UNTRANSLATED = "untranslated"

UPSTREAM_ENGLISH = "upstream-english"
"""A ``[check] fail_on`` entry: findings in English pages pulled from ``[upstream]`` block too."""

GATE_CODES = (STALE, FUZZY, UNTRANSLATED)
"""The gate's own codes (``fail_on`` makes them errors)."""
ACCEPTED = (*GATE_CODES, UPSTREAM_ENGLISH)
"""What ``fail_on`` accepts: ``upstream-english`` makes site findings in ``[upstream]`` English pages block too."""
DEFAULT_FAIL_ON = (STALE,)


@dataclass(frozen=True, slots=True)
class Policy:
    """What makes one locale fail the gate."""

    fail_on: frozenset[str] = frozenset(DEFAULT_FAIL_ON)
    min_translated: float = 0.0


# --------------------------------------------------------------------------- [check] link_equivalents


@dataclass(frozen=True, slots=True)
class Equivalent:
    """An English link pattern and a pattern of its localized equivalents.

    ``*`` matches any run of characters (each side on its own: a localized article has its own
    title); ``{locale}`` is the translation's locale (``pt_BR``) and ``{lang}`` its language
    (``pt``). Everything else matches literally (``?`` and ``[`` too, as URLs have them).
    """

    english: str
    localized: str

    def matches(self, english: str, translated: str, locale: str) -> bool:
        """Whether ``translated`` is a localization of ``english`` by this rule, in ``locale``."""
        if not _pattern(self.english).fullmatch(english.strip()):
            return False
        lang = re.split(r"[_-]", locale, maxsplit=1)[0]
        wanted = self.localized.replace("{locale}", locale).replace("{lang}", lang)
        return bool(_pattern(wanted).fullmatch(translated.strip()))


def _pattern(glob: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in glob.split("*")), re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LinkOptions:
    """What the link checks read from ``[check]``: known localizations, and whether upstream English blocks.

    ``[check.link_equivalents]`` maps an English link pattern to one pattern (or a list) of links
    a translation may use instead; such a change is a ``link-localized`` notice, not a
    ``link-target`` error.
    """

    link_equivalents: tuple[Equivalent, ...] = ()
    """Known localizations of links: reported as ``link-localized`` notices."""
    upstream_blocks: bool = False
    """``fail_on`` names ``upstream-english``: findings in ``[upstream]`` English pages are errors as graded."""

    @classmethod
    def from_table(cls, table: Mapping[str, Any], src: ConfigText = NO_FILE) -> LinkOptions:
        """Validate ``link_equivalents`` of ``[check]`` (``fail_on`` is validated with the gate's policy)."""
        equivalents: list[Equivalent] = []
        raw = table.get("link_equivalents", {})
        if not isinstance(raw, Mapping):
            raise src.error(
                "link_equivalents",
                "[check] link_equivalents must be a table of English pattern = localized pattern(s)",
                '[check.link_equivalents] "https://en.wikipedia.org/wiki/*" = "https://{locale}.wikipedia.org/wiki/*"',
            )
        for english, value in raw.items():
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
                message = f"[check.link_equivalents] {english!r} must be a pattern or a list of patterns"
                raise src.error(english, message)
            if not english.strip():
                raise src.error("link_equivalents", "[check.link_equivalents] has an empty pattern")
            equivalents.extend(Equivalent(english.strip(), v.strip()) for v in values)
        fail_on = table.get("fail_on", [])
        blocks = isinstance(fail_on, list) and UPSTREAM_ENGLISH in fail_on
        return cls(tuple(equivalents), blocks)

    def localized(self, english: str, translated: str, locale: str) -> bool:
        """Whether a translation's link is a known localization of the English one."""
        return any(e.matches(english, translated, locale) for e in self.link_equivalents)


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """The ``[check]`` table: severities of ``check``'s codes and the gate's policy per locale."""

    levels: dict[str, Severity | None] = field(default_factory=lambda: dict(CODES))
    """Severity per ``check`` code; ``None`` means off."""
    policy: Policy = Policy()
    """The gate's policy of every locale without its own ``[check.locales.<locale>]``."""
    overrides: tuple[tuple[str, Policy, int | None], ...] = ()
    """Per-locale policies: (locale, policy, line of its table)."""
    links: LinkOptions = LinkOptions()
    """``link_equivalents`` and whether findings in upstream English block."""
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
        return cls(levels, base, tuple(found), LinkOptions.from_table(table, src), src)

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
            raise error("fail_on", f"[{where}] fail_on must be a list of strings", f"use codes from {list(ACCEPTED)}")
        unknown = sorted(set(value) - set(ACCEPTED))
        if unknown:
            raise error(
                "fail_on", f"[{where}] fail_on: unknown code {unknown[0]!r}", f"use codes from {list(ACCEPTED)}"
            )
        fail_on = frozenset(value)
    minimum = base.min_translated
    if "min_translated" in table:
        value = table["min_translated"]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise error("min_translated", f"[{where}] min_translated must be a number from 0 to 1", "e.g. 0.9")
        minimum = float(value)
    return Policy(fail_on, minimum)
