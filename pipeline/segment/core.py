"""What the segmenter's modules share: the parser, the page's line table, options and results."""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline.model import Kind, Page, Segment, Span, Target
from pipeline.segment.options import Options as Options  # re-exported: its home is light to import
from pipeline.segment.svelte import svelte_tag

MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
BLOCKS = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).disable("inline")
for _md in (MD, BLOCKS):
    _md.block.ruler.before("html_block", "svelte_tag", svelte_tag)
"""The same parser without its inline pass: segmenting needs inline tokens only for headings,
image-only paragraphs and directives, parsed on demand (``inline_children``); build's read-back of
every translated page is then about twice as fast."""
"""The parser: CommonMark with raw HTML, GFM tables and strikethrough (as mdsvex sites use)."""

NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of the page and the id the website gives it."""

    level: int
    text: str
    """Heading source text without ``{#id}``."""
    plain: str
    """Plain text, markup dropped (what the slug is computed from)."""
    anchor: str
    """The id links use: explicit ``{#id}``, a trailing ``<a id>`` anchor, or the slug."""
    explicit: bool
    line: int
    inline_anchor: bool = False
    """True when ``anchor`` comes from a trailing ``<a id="…"></a>``: the heading itself is still
    served under its slug (which the page's slugger counts), the anchor sits inside it."""


@dataclass(frozen=True, slots=True)
class Document:
    """A segmented page: its segments in document order and the facts build needs."""

    page: Page
    segments: tuple[Segment, ...]
    headings: tuple[Heading, ...]
    newline: str
    """The page's dominant line ending."""
    front_matter: Span | None = None
    """Span of the YAML text between the ``---`` lines, if any."""
    title: str | None = None
    tokens: tuple[Token, ...] = field(default=(), compare=False, repr=False)
    """markdown-it's block tokens of the body (line numbers are the page's), for checks."""
    references: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Link reference definitions as markdown-it keeps them (``LABEL -> {href, title}``)."""
    dialect: str = "mdsvex"
    """The dialect the page was read in (``Options.dialect``)."""
    structure: tuple[str, ...] = ()
    """MDX only: the page's structure lines (ESM, expressions, JSX tags, directive markers)
    with their translatable text left out; a translated page must have the same."""
    blocks: tuple[Span, ...] = ()
    """Top-level blocks in page order (front matter with its ``---`` lines first): the parts
    of a page that markdown reads independently, so build can check a translation against
    its own block instead of the whole page."""
    targets: tuple[Target, ...] = ()
    """Link targets (``Options.link_names``) and relative MDX import paths outside every segment,
    in page order: what build adapts to a locale (``stages.build.Placement``)."""


@dataclass(slots=True)
class Lines:
    """Line table of a page: start offsets and the normalised text markdown-it sees."""

    text: str
    starts: list[int]
    ends: list[int]  # end of content, before the line terminator

    @classmethod
    def of(cls, text: str) -> Lines:
        starts = [0]
        ends: list[int] = []
        for m in NEWLINE.finditer(text):
            ends.append(m.start())
            starts.append(m.end())
        ends.append(len(text))
        return cls(text, starts, ends)

    def line(self, i: int) -> str:
        return self.text[self.starts[i] : self.ends[i]]

    def __len__(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        """0-based line index holding ``offset``."""
        return max(bisect.bisect_right(self.starts, offset) - 1, 0)


@dataclass(slots=True)
class Context:
    """Where the walker is: containers and the heading path, for comments and kinds."""

    title: str | None
    headings: list[str] = field(default_factory=list)
    containers: list[str] = field(default_factory=list)  # "quote" | "list" | "item"
    item_numbers: list[int] = field(default_factory=list)

    def where(self, detail: str) -> str:
        parts = [p for p in [self.title, *self.headings] if p]
        parts.append(detail)
        return " › ".join(parts)

    def notes(self, detail: str, kind: Kind, key: str | None = None) -> tuple[str, str]:
        """The ``#.`` lines of a segment: where it is, then what it is (see ``context_notes``)."""
        return context_notes(self.where(detail), kind, key)


def context_notes(where: str, kind: Kind, key: str | None = None) -> tuple[str, str]:
    """Two ``#.`` lines for translators: ``Title › Heading › list item 3`` and ``kind: list item``.

    Poedit ("Notes for translators") and Weblate ("Source string description") show each
    ``#.`` line on its own line, so the first reads as a breadcrumb of the page and the
    second as a stable ``label: value`` that people and scripts can search for.
    """
    what = f"kind: {kind.value}" + (f", key: {key}" if key else "")
    return where, what


_HAS_TEXT_CUTS = (
    (re.compile(r"`[^`]*`"), ""),
    (re.compile(r"\]\([^)]*\)"), "]"),
    (re.compile(r"<[^<>]*>"), ""),
    (re.compile(r"\{[^{}]*\}"), ""),
    (re.compile(r"&[#A-Za-z0-9]+;"), ""),
)


_HAS_TEXT_MARKUP = re.compile(r"[`\]<{&]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=16384)
def has_text(msgid: str) -> bool:
    """True when a string has letters outside code, link targets, tags and Svelte expressions.

    Cached: a sync asks it of the same msgids once per locale."""
    t = msgid
    if _HAS_TEXT_MARKUP.search(t):  # each cut needs one of these characters to match at all
        for pattern, repl in _HAS_TEXT_CUTS:
            t = pattern.sub(repl, t)
    if t.isascii():  # the ASCII letters are exactly the ASCII characters of category L
        return _ASCII_LETTER.search(t) is not None
    return any(unicodedata.category(ch)[0] == "L" for ch in t)


def dominant_newline(text: str) -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    return "\r\n" if crlf > lf else "\n"


DEFAULT_OPTIONS = Options()


class _Env(threading.local):
    env: dict[str, Any] | None = None


ENV = _Env()
"""The link reference definitions of the page being segmented, for inline parsing on demand."""


def inline_children(tok: Token) -> list[Token]:
    """An inline token's children, parsed now when the block-only parser left them out."""
    if tok.children is None or (not tok.children and tok.content):
        parsed = MD.parseInline(tok.content, dict(ENV.env or {}))
        tok.children = parsed[0].children or [] if parsed else []
    return tok.children


def plain_text(children: list[Token]) -> str:
    """Text of inline tokens as rehype's toString sees it (markup dropped, code kept)."""
    out: list[str] = []
    for c in children:
        if c.type in ("text", "code_inline"):
            out.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)
