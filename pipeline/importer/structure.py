"""Read a translated text with the structure its English has at that place.

A translated list item ``- 23. Mai 2023, 11:45`` is, to markdown, a list item holding an
ordered list that starts at 23 with the item ``Mai 2023, 11:45``: the day would be lost
from the msgstr. Where the English at that place is plain text (a list item, a paragraph, a
quote line) and the translated line carries more block markers (``23.``, ``-``, ``+``,
``*``, ``>``, ``#``) than the English line, the extra markers are text the translator
wrote: they are put back in front of the segment's text (``23. Mai 2023, 11:45``), and
build escapes such a start (``23\\. Mai``) so the page renders as the translator wrote it.

Pure: segments in, segments out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipeline.importer.align import Alignment
from pipeline.model import Kind, Render, Segment

_MARKER = re.compile(r"[ \t]*(>|[-+*]|\d{1,9}[.)]|#{1,6})(?=[ \t]|$)[ \t]?")
_TEXT_KINDS = frozenset({Kind.PARAGRAPH, Kind.LIST_ITEM, Kind.QUOTE})


@dataclass(frozen=True, slots=True)
class Reread:
    """One translated segment read as text: its index and the text put back in front."""

    index: int
    prefix: str
    line: int


def _markers(prefix: str) -> list[tuple[str, int]] | None:
    """Block markers of a line prefix with the offset each starts at; None when it is not only markers."""
    out: list[tuple[str, int]] = []
    pos = 0
    while pos < len(prefix):
        m = _MARKER.match(prefix, pos)
        if m is None or m.end() == pos:
            return None if prefix[pos:].strip() else out
        out.append((m.group(1), m.start(1)))
        pos = m.end()
    return out


def _same(a: str, b: str) -> bool:
    """Two markers of the same construct (any bullet is a bullet, any number a number)."""
    if a[0].isdigit() and b[0].isdigit():
        return True
    if a in "-+*" and b in "-+*":
        return True
    return a == b


def line_prefix(text: str, seg: Segment) -> str:
    """The text between the start of a segment's first line and its first character."""
    start = seg.pieces[0].start
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    return text[line_start:start]


def extra_markers(english_prefix: str, translated_prefix: str) -> str | None:
    """The text of the markers the translated line has beyond the English line's, or None."""
    me, mt = _markers(english_prefix), _markers(translated_prefix)
    if me is None or mt is None or len(mt) <= len(me):
        return None
    if not all(_same(a, b) for (a, _), (b, _) in zip(me, mt[: len(me)], strict=True)):
        return None
    return translated_prefix[mt[len(me)][1] :].rstrip(" \t") + " "


def reread(
    english_text: str,
    english: Sequence[Segment],
    translated_text: str,
    translated: Sequence[Segment],
    alignment: Alignment,
) -> tuple[list[Segment], list[Reread]]:
    """The translated segments with extra line-start markers read back as text, and which ones.

    Only translated segments paired with English plain text (paragraph, list item, quote)
    written inline are read again (in an n:m pair, the n-th translated segment is compared
    with the n-th English one, or the last); the translated segment takes the English kind,
    so the next alignment sees the same construct on both sides.
    """
    out = list(translated)
    changed: list[Reread] = []
    for link in alignment.links:
        for n, j in enumerate(link.target):
            if not link.source:
                break
            e = english[link.source[min(n, len(link.source) - 1)]]
            t = translated[j]
            if e.kind not in _TEXT_KINDS or e.render is not Render.INLINE or not t.pieces:
                continue
            extra = extra_markers(line_prefix(english_text, e), line_prefix(translated_text, t))
            if extra is None:
                continue
            out[j] = replace(
                t, msgid=extra + t.msgid, kind=e.kind, render=Render.INLINE, anchor=None, explicit_anchor=False
            )
            changed.append(Reread(j, extra, t.line))
    return out, changed
