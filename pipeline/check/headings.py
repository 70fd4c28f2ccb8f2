"""Heading ids as the site serves them (github-slugger, explicit ``{#id}``, smartypants)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.segment.core import MD
from pipeline.segment.slug import Slugger

if TYPE_CHECKING:
    from pipeline.segment.walker import Document, Heading

_DASHES = re.compile(r"(?<!-)--(?!-)")
_DOTS = re.compile(r"\.{3,}")


def smarten(text: str) -> str:
    """What retext-smartypants (mdsvex's default) does to text that changes ids: ``--`` -> —, ``...`` -> …."""
    return _DOTS.sub("…", _DASHES.sub("—", text))


@dataclass(frozen=True, slots=True)
class HeadingId:
    """A heading and the id the website serves for it."""

    level: int
    plain: str
    served: str
    """The id in the served HTML."""
    written: str
    """The id as the page writes it (``{#id}``) or as the slugger computes it without quirks."""
    explicit: bool
    line: int


def served_headings(doc: Document, smartypants: bool) -> tuple[HeadingId, ...]:
    """Heading ids as the site serves them: rehype-slug numbering over the non-explicit headings."""
    out: list[HeadingId] = []
    slugger = Slugger()
    for h in doc.headings:
        if doc.dialect == "mdx":  # the segmenter computed the ids the site serves
            out.append(HeadingId(h.level, h.plain, h.anchor, h.anchor, False, h.line))
            continue
        if h.explicit:
            served = smarten(h.anchor) if smartypants else h.anchor
        else:
            plain = _smart_plain(h) if smartypants and "--" in h.plain else h.plain
            served = slugger.slug(plain)
            if h.inline_anchor:  # `## Text <a id="x"></a>`: links reach the heading by x
                served = h.anchor
        out.append(HeadingId(h.level, h.plain, served, h.anchor, h.explicit, h.line))
    return tuple(out)


def _smart_plain(h: Heading) -> str:
    """Plain heading text with smartypants applied to text (not to inline code)."""
    parts: list[str] = []
    for tok in MD.parseInline(h.text):
        for c in tok.children or []:
            if c.type == "text":
                parts.append(smarten(c.content))
            elif c.type == "code_inline":
                parts.append(c.content)
            elif c.type in ("softbreak", "hardbreak"):
                parts.append("\n")
    return "".join(parts)


_SUFFIX = re.compile(r"^(.*)-(\d+)$")
