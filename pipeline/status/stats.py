"""Progress figures of catalogs: entries and English words, translated/fuzzy/untranslated."""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.model import Catalog, Counts, Message
from pipeline.segment.inline import strip_markup
from pipeline.translate.mark import machine_made

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


@lru_cache(maxsize=16384)
def words(text: str) -> int:
    """English words of a msgid, markup, link targets and code left out."""
    return len(_WORD.findall(strip_markup(text)))


def count(catalog: Catalog) -> Counts:
    """Translated / fuzzy / untranslated entries and words of one catalog."""
    t = f = u = tw = fw = uw = ob = mc = mw = 0
    for m in catalog.messages:
        if m.obsolete:
            ob += 1
            continue
        n = words(m.msgid)
        if m.translated:
            t, tw = t + 1, tw + n
        elif m.fuzzy and _has_text(m):
            f, fw = f + 1, fw + n
            if machine_made(m):
                mc, mw = mc + 1, mw + n
        else:
            u, uw = u + 1, uw + n
    return Counts(t, f, u, tw, fw, uw, ob, mc, mw)


def _has_text(m: Message) -> bool:
    return bool(m.msgstr) or any(m.msgstr_plural)
