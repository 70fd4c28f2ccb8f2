"""Inline features a msgid and its msgstr must agree on: links, code, markup, placeholders."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.segment.walker import MD, html_tags


@dataclass(frozen=True, slots=True)
class Features:
    """What a msgid and its msgstr must agree on: link targets, code, markup, placeholders."""

    links: tuple[str, ...]
    code: tuple[str, ...]
    markup: tuple[str, ...]
    placeholders: tuple[str, ...]
    ids: tuple[str, ...]


_EXPR = re.compile(r"\{[^{}]*\}")
_ID = re.compile(r"\{#[^\s{}]+\}")
_COMPONENT = re.compile(r"^<\s*/?\s*([A-Z][\w.:-]*)")
_TAGNAME = re.compile(r"^<\s*(/?)\s*([a-zA-Z][\w:-]*)")
_MARKUP_TYPES = {"em_open": "*emphasis*", "strong_open": "**strong**", "s_open": "~~strikethrough~~"}
_MARKUP_CHARS = re.compile(r"[\[\]`*_~<>{}&\\!]|https?:")


def features(text: str, references: Mapping[str, Any] | None = None) -> Features:
    """Links, inline code, markup and Svelte placeholders of one msgid or msgstr (markdown inline)."""
    if not _MARKUP_CHARS.search(text):
        return Features((), (), (), (), ())
    links: list[str] = []
    code: list[str] = []
    markup: list[str] = []
    placeholders: list[str] = []
    ids: list[str] = []
    env: dict[str, Any] = {"references": dict(references or {})}
    for tok in MD.parseInline(text, env):
        for c in tok.children or []:
            if c.type == "link_open":
                links.append(str(c.attrGet("href") or ""))
            elif c.type == "code_inline":
                code.append(c.content)
            elif c.type in _MARKUP_TYPES:
                markup.append(_MARKUP_TYPES[c.type])
            elif c.type == "html_inline":
                comp = _COMPONENT.match(c.content)
                if comp:
                    placeholders.append(f"<{comp.group(1)}>")
                    continue
                m = _TAGNAME.match(c.content)
                if m and not m.group(1):
                    markup.append(f"<{m.group(2).lower()}>")
                for tag in html_tags(c.content):
                    href = tag.get("href")
                    if href is not None:
                        links.append(href)
            elif c.type == "text":
                for m in _ID.finditer(c.content):
                    ids.append(m.group(0))
                placeholders.extend(e for e in _EXPR.findall(c.content) if not _ID.fullmatch(e))
    return Features(tuple(links), tuple(code), tuple(markup), tuple(placeholders), tuple(ids))


_SKELETON = re.compile(r"\\.|`+[^`]*`+|\]\([^)]*\)|<[^<>]*>|\{[^{}]*\}|&#?\w+;|https?://[^\s)>]+|[*_~]+|!\[|[\[\]()]")


def markup_skeleton(text: str) -> str:
    """Every piece of ``text`` that markdown reads as markup, with the flanking of ``*``/``_``/``~`` runs.

    Two strings with the same skeleton parse to the same links, code, emphasis and placeholders
    (only their words differ), so a msgstr whose skeleton equals its msgid's needs no parse.
    """
    parts: list[str] = []
    for m in _SKELETON.finditer(text):
        piece = m.group(0)
        if piece[0] in "*_~":
            before = text[m.start() - 1] if m.start() else " "
            after = text[m.end()] if m.end() < len(text) else " "
            piece += _flank(before) + _flank(after)
        parts.append(piece)
    return "\x00".join(parts)


def _flank(ch: str) -> str:
    if ch.isspace():
        return "s"
    return "p" if unicodedata.category(ch)[0] in "PS" else "w"


def _diff(a: Sequence[str], b: Sequence[str]) -> tuple[list[str], list[str]]:
    """(missing from b, added in b) as sorted lists with repeats."""
    ca, cb = Counter(a), Counter(b)
    return sorted((ca - cb).elements()), sorted((cb - ca).elements())


def _words(text: str) -> int:
    stripped = _MARKUP_STRIP.sub(" ", text)
    return len(re.findall(r"[^\W\d_]{2,}", stripped))


_MARKUP_STRIP = re.compile(r"`[^`]*`|\]\([^)]*\)|<[^<>]*>|\{[^{}]*\}|https?://\S+")
