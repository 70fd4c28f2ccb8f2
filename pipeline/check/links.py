"""Links and anchors of one served page, located at their line and column."""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from pipeline.check.headings import HeadingId, served_headings
from pipeline.segment.html import html_tags

if TYPE_CHECKING:
    from pipeline.segment.walker import Document


@dataclass(frozen=True, slots=True)
class Link:
    """A link as written on a page, and where."""

    href: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What checks need to know about one served page."""

    name: str
    path: str
    """File to point findings at."""
    headings: tuple[HeadingId, ...]
    anchors: frozenset[str]
    links: tuple[Link, ...]


def page_facts(doc: Document, smartypants: bool, path: str | None = None) -> PageFacts:
    """Headings with served ids, all anchors (headings + HTML id/name) and located links of a page."""
    headings = served_headings(doc, smartypants)
    anchors: set[str] = {h.served for h in headings}
    links: list[Link] = []
    text = doc.page.text
    starts = _line_starts(text)
    for tok in doc.tokens:
        if tok.type in ("html_block", "svelte_tag", "mdx_jsx") and tok.map is not None:
            base_line = tok.map[0]
            content = tok.content
            tags = html_tags(content)
            if tok.type != "html_block":  # a component tag: also the HTML inside its props' strings
                seen = {t.start for t in tags}
                tags += [t for t in html_tags(" " + content[1:]) if t.start not in seen]
            for tag in tags:
                for name, value, offset in tag.attrs:
                    if name in ("id", "name"):
                        anchors.add(value)
                    elif name == "href":
                        line, col = _block_position(text, starts, base_line, content, offset)
                        links.append(Link(value, line, col))
        elif tok.type == "inline" and tok.map is not None:
            cursor = starts[min(tok.map[0], len(starts) - 1)]
            end = starts[tok.map[1]] if tok.map[1] < len(starts) else len(text)
            for child in tok.children or []:
                if child.type == "link_open":
                    href = str(child.attrGet("href") or "")
                    pos = _find_href(text, href, cursor, end, doc.references)
                    if pos is not None and cursor <= pos < end:
                        cursor = pos + 1
                    links.append(Link(href, *_line_col(starts, pos if pos is not None else cursor)))
                elif child.type == "html_inline":
                    for tag in html_tags(child.content):
                        for name, value, _offset in tag.attrs:
                            if name in ("id", "name"):
                                anchors.add(value)
                            elif name == "href":
                                pos = text.find(value, cursor, end)
                                if pos >= 0:
                                    cursor = pos + 1
                                links.append(Link(value, *_line_col(starts, pos if pos >= 0 else cursor)))
    return PageFacts(doc.page.name, path or doc.page.path, headings, frozenset(anchors), tuple(links))


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for m in re.finditer(r"\r\n|\r|\n", text):
        starts.append(m.end())
    return starts


def _line_col(starts: list[int], offset: int) -> tuple[int, int]:
    lo = max(bisect.bisect_right(starts, offset) - 1, 0)
    return lo + 1, offset - starts[lo] + 1


def _block_position(text: str, starts: list[int], first_line: int, content: str, offset: int) -> tuple[int, int]:
    """Page line and column of ``offset`` inside an HTML block's content (prefixes such as ``> `` skipped)."""
    line = first_line + content.count("\n", 0, offset)
    line_start_in_content = content.rfind("\n", 0, offset) + 1
    content_line_end = content.find("\n", offset)
    content_line = content[line_start_in_content : content_line_end if content_line_end >= 0 else len(content)]
    if line >= len(starts):
        return line + 1, 1
    src_end = starts[line + 1] if line + 1 < len(starts) else len(text)
    src = text[starts[line] : src_end].rstrip("\r\n")
    prefix = len(src) - len(content_line) if src.endswith(content_line) else 0
    return line + 1, prefix + offset - line_start_in_content + 1


def _find_href(text: str, href: str, start: int, end: int, references: Mapping[str, Any]) -> int | None:
    """Offset of a link's destination in the page source (the definition line for reference links)."""
    for needle in (href, unquote(href)):
        if needle:
            pos = text.find(needle, start, end)
            if pos >= 0:
                return pos
    for needle in (href, unquote(href)):
        if needle:
            m = re.search(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]*<?" + re.escape(needle), text, re.MULTILINE)
            if m:
                return m.end() - len(needle)
    return None
