"""Link destinations read the way CommonMark reads them, for the safety check.

A destination is not the text as written: backslash escapes (``javascript\\:``), entity
references (``&colon;``) and angle brackets (``<javascript:…>``) are resolved by the
markdown renderer before a browser sees the URL. This module finds every place a
destination can start (after ``](`` of an inline link or image, after ``[label]:`` of a
reference definition) and reads it with markdown-it's own ``parseLinkDestination`` (which
unescapes as CommonMark does), so the scheme that is checked is the one that is rendered.
It over-approximates on purpose: a ``](`` that is not a link in context is read too; that
can only make the check stricter.
"""

from __future__ import annotations

import re

from markdown_it.common.normalize_url import normalizeLink
from markdown_it.helpers import parseLinkDestination

_INLINE = re.compile(r"\]\(")
_REFERENCE = re.compile(r"^[ \t]{0,3}\[(?:[^\[\]\\]|\\.){1,999}\]:", re.MULTILINE)
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.\-]{1,31}:[^<>\x00-\x20]*)>")
"""A URI autolink as markdown-it reads one (``<javascript:\\:>``: no unescaping inside)."""
_GAP = re.compile(r"[ \t]*(?:\r\n|\n|\r)?[ \t]*")
"""Blanks and at most one line ending: what may stand before a destination."""


def link_destinations(text: str) -> list[str]:
    """Destinations of inline links, images, reference definitions and URI autolinks, unescaped
    as CommonMark does (an autolink's text is its URL as written)."""
    found = [m.group(1) for m in _AUTOLINK.finditer(text)] if "<" in text else []
    if "]" not in text:
        return found
    for start in (*(m.end() for m in _INLINE.finditer(text)), *(m.end() for m in _REFERENCE.finditer(text))):
        pos = _GAP.match(text, start).end()  # type: ignore[union-attr]  # the pattern matches the empty string
        result = parseLinkDestination(text, pos, len(text))
        if result.ok:
            found.append(result.str)
    return found


def rendered_href(destination: str) -> str:
    """The ``href`` a CommonMark renderer writes for a destination read by ``link_destinations``."""
    return normalizeLink(destination)
