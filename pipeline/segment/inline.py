"""What in an inline msgid is markup rather than words: code spans, link targets, tags, Svelte
expressions, entities (and, for some uses, bare URLs). One set of patterns, composed per use.

Counting words, telling whether a string has text, pseudo-translating and aligning all need to
step over the same pieces; they compose :func:`markup` instead of writing their own regex.
"""

from __future__ import annotations

import re
from functools import lru_cache

CODE_SPAN = r"`[^`]*`"
LINK_TARGET = r"\]\([^)]*\)"
TAG = r"<[^<>]*>"
EXPRESSION = r"\{[^{}]*\}"
ENTITY = r"&[#A-Za-z0-9]+;"
URL = r"https?://\S+"


@lru_cache(maxsize=8)
def markup(*, entities: bool = True, urls: bool = False) -> re.Pattern[str]:
    """One regex matching every piece of inline markup (code, link targets, tags, expressions …)."""
    parts = [CODE_SPAN, LINK_TARGET, TAG, EXPRESSION]
    if entities:
        parts.append(ENTITY)
    if urls:
        parts.append(URL)
    return re.compile("|".join(parts))


def strip_markup(text: str, replacement: str = " ") -> str:
    """``text`` with every piece of inline markup replaced (by a space: words on either side stay apart)."""
    return markup().sub(replacement, text)
