"""Heading ids as the website computes them: github-slugger (rehype-slug) semantics."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# github-slugger strips every code point of these general categories except the plain
# space and hyphen-minus (and alphabetic ones): punctuation but connectors, symbols,
# controls, format, private use, unassigned, separators, "other" numbers.
_KEEP_PREFIX = ("L", "M")
_KEEP = frozenset({"Nd", "Nl", "Pc"})


@lru_cache(maxsize=4096)
def slug(text: str) -> str:
    """Slug of a heading's plain text, like ``github-slugger``'s ``slug()`` (no dedupe)."""
    out = []
    for ch in text.lower():
        if ch == " " or ch == "-":
            out.append("-" if ch == " " else ch)
            continue
        cat = unicodedata.category(ch)
        if cat[0] in _KEEP_PREFIX or cat in _KEEP:
            out.append(ch)
    return "".join(out)


class Slugger:
    """Per-page slug generator that numbers duplicates ``x``, ``x-1``, ``x-2`` like github-slugger."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def peek(self, text: str) -> str:
        """The id ``slug(text)`` would return, without recording it."""
        base = slug(text)
        if base not in self._seen:
            return base
        n = self._seen[base]
        result = base
        while result in self._seen:
            n += 1
            result = f"{base}-{n}"
        return result

    def slug(self, text: str) -> str:
        base = slug(text)
        result = base
        while result in self._seen:
            self._seen[base] += 1
            result = f"{base}-{self._seen[base]}"
        self._seen[result] = 0
        return result


_NBSP = re.compile("[\u00a0\u2007\u202f]")
_EXTRA_HYPHENS = re.compile(r"^-+|(?<=-)-+|-+$")


def astro_id(slugger: Slugger, text: str) -> str:
    """The id Astro's ``rehypeHeadingIds`` serves: github-slugger over the text with no-break
    spaces as spaces, then repeated, leading and trailing hyphens removed."""
    return _EXTRA_HYPHENS.sub("", slugger.slug(_NBSP.sub(" ", text)))
