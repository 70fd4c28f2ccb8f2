"""``[check]`` settings the site checks read (the CI gate's ``fail_on`` policy lives in ``gate``).

``link_equivalents`` says which changed links are known localizations: a translation that links
to ``https://nl.wikipedia.org/wiki/Gevangenendilemma`` where the English links to
``https://en.wikipedia.org/wiki/Prisoner%27s_dilemma`` is a ``link-localized`` notice, not a
``link-target`` error, given::

    [check.link_equivalents]
    "https://en.wikipedia.org/wiki/*" = "https://{locale}.wikipedia.org/wiki/*"

Each key is a pattern of the English link, each value one pattern (or a list) of links a
translation may use instead. ``*`` matches any run of characters (each side on its own: a
localized article has its own title); ``{locale}`` is the translation's locale (``pt_BR``) and
``{lang}`` its language (``pt``). Everything else matches literally (``?`` and ``[`` too, as URLs
have them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.workspace.settings import Config, config_error

UPSTREAM_ENGLISH = "upstream-english"
"""A ``[check] fail_on`` entry: findings in English pages pulled from ``[upstream]`` block too."""


@dataclass(frozen=True, slots=True)
class Equivalent:
    """An English link pattern and a pattern of its localized equivalents."""

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
class CheckOptions:
    """What the site checks read from ``[check]``."""

    link_equivalents: tuple[Equivalent, ...] = ()
    """Known localizations of links: reported as ``link-localized`` notices."""
    upstream_blocks: bool = False
    """``fail_on`` names ``upstream-english``: findings in ``[upstream]`` English pages are errors as graded."""

    @classmethod
    def from_table(cls, table: Mapping[str, Any], cfg: Config | None = None) -> CheckOptions:
        """Validate ``[check]`` (only the keys read here; ``gate`` validates the policy keys)."""

        def error(key: str, message: str, hint: str = "") -> Exception:
            if cfg is None:
                return ValueError(f"{message} ({hint})" if hint else message)
            return config_error(cfg, key, message, hint)

        equivalents: list[Equivalent] = []
        raw = table.get("link_equivalents", {})
        if not isinstance(raw, Mapping):
            raise error(
                "link_equivalents",
                "[check] link_equivalents must be a table of English pattern = localized pattern(s)",
                '[check.link_equivalents] "https://en.wikipedia.org/wiki/*" = "https://{locale}.wikipedia.org/wiki/*"',
            )
        for english, value in raw.items():
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
                raise error(english, f"[check.link_equivalents] {english!r} must be a pattern or a list of patterns")
            if not english.strip():
                raise error("link_equivalents", "[check.link_equivalents] has an empty pattern")
            equivalents.extend(Equivalent(english.strip(), v.strip()) for v in values)
        fail_on = table.get("fail_on", [])
        blocks = isinstance(fail_on, list) and UPSTREAM_ENGLISH in fail_on
        return cls(tuple(equivalents), blocks)

    def localized(self, english: str, translated: str, locale: str) -> bool:
        """Whether a translation's link is a known localization of the English one."""
        return any(e.matches(english, translated, locale) for e in self.link_equivalents)
