"""The one segmenter: a page -> translatable segments with their source spans.

Extraction takes ``Segment.msgid`` and build replaces ``Segment.pieces``; both call
``segment_page`` so a msgid is computed in exactly one place (house rule 1).

How spans are found: markdown-it-py gives each block its source lines (``token.map``)
and its content with container prefixes (``> ``, list indentation) removed. Every
content line, once trimmed, is a verbatim suffix of its source line, so each line's
content span is located by that suffix. A segment is therefore a list of per-line
spans; the bytes between them (newline + prefix) are never touched by build.
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler
from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline.errors import InputError
from pipeline.model import Kind, Page, Render, Segment, Span
from pipeline.segment.slug import Slugger

MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_BLOCKS = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).disable("inline")
"""The same parser without its inline pass: segmenting needs inline tokens only for headings,
image-only paragraphs and directives, parsed on demand (``_children``); build's read-back of
every translated page is then about twice as fast."""
"""The parser: CommonMark with raw HTML, GFM tables and strikethrough (as mdsvex sites use)."""

_NEWLINE = re.compile(r"\r\n|\r|\n")
_FM_BOUNDARY = YAMLHandler.FM_BOUNDARY  # python-frontmatter's own `---` rule
_HEADING_ID = re.compile(r"[ \t]*\{#([^\s{}]+)\}[ \t]*$")
_HEADING_ANCHOR = re.compile(r"""[ \t]*<(a|span)[ \t]+id=(["'])([^"'<>\s]+)\2[ \t]*>[ \t]*</\1>[ \t]*$""")
"""An empty ``<a id="x"></a>`` ending a heading: an anchor that typography plugins leave alone."""
_SVELTE_LINE = re.compile(r"^\{[#:/@][^{}]*\}$")
_MD_TRIM = " \t\n\r\f\v"  # CommonMark whitespace for table cells

_INLINE_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "br",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "i",
        "img",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
        "font",
    ]
)
_RAW_TEXT_TAGS = frozenset({"script", "style", "textarea", "pre", "template"})


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
    blocks: tuple[Span, ...] = ()
    """Top-level blocks in page order (front matter with its ``---`` lines first): the parts
    of a page that markdown reads independently, so build can check a translation against
    its own block instead of the whole page."""


@dataclass(slots=True)
class _Lines:
    """Line table of a page: start offsets and the normalised text markdown-it sees."""

    text: str
    starts: list[int]
    ends: list[int]  # end of content, before the line terminator

    @classmethod
    def of(cls, text: str) -> _Lines:
        starts = [0]
        ends: list[int] = []
        for m in _NEWLINE.finditer(text):
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
class _Context:
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


@dataclass(frozen=True, slots=True)
class Options:
    """What the segmenter translates beyond markdown text (from ``Config``)."""

    front_matter: tuple[str, ...] = ("title", "description")
    html_attributes: tuple[str, ...] = ("alt", "title")
    smartypants: bool = False
    """The site's renderer turns ``--`` into a dash even inside ``{#id}`` (mdsvex's default);
    build then anchors headings whose English id has ``--`` with ``<a id>`` instead."""


_HAS_TEXT_CUTS = (
    (re.compile(r"`[^`]*`"), ""),
    (re.compile(r"\]\([^)]*\)"), "]"),
    (re.compile(r"<[^<>]*>"), ""),
    (re.compile(r"\{[^{}]*\}"), ""),
    (re.compile(r"&[#A-Za-z0-9]+;"), ""),
)


def has_text(msgid: str) -> bool:
    """True when a string has letters outside code, link targets, tags and Svelte expressions."""
    t = msgid
    for pattern, repl in _HAS_TEXT_CUTS:
        t = pattern.sub(repl, t)
    return any(unicodedata.category(ch)[0] == "L" for ch in t)


def dominant_newline(text: str) -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    return "\r\n" if crlf > lf else "\n"


DEFAULT_OPTIONS = Options()


def segment_page(page: Page, options: Options = DEFAULT_OPTIONS, *, inline: bool = True) -> Document:
    """Split a page into segments (document order) and list its headings with their ids.

    ``inline=False`` leaves ``Document.tokens`` without inline children (segments and
    headings are the same): for reading back a built page, where nothing needs them.
    """
    _refuse_uncarriable(page)
    lines = _Lines.of(page.text)
    segments: list[Segment] = []
    fm_span, body_line, title, fm_segments = _front_matter(page, lines, options)
    segments.extend(fm_segments)
    # markdown-it sees the body with front-matter lines blanked, so its line numbers are ours.
    body = "\n" * body_line + "\n".join(lines.line(i) for i in range(body_line, len(lines)))
    env: dict[str, Any] = {}
    tokens = (MD if inline else _BLOCKS).parse(body, env)
    _ENV.env = env
    rules = _directives(page, tokens)
    walker = _Walker(page, lines, options, _Context(title))
    walker.walk(tokens)
    segments.extend(_apply_directives(walker.segments, rules) if rules else walker.segments)
    segments.sort(key=lambda s: s.pieces[0].start)
    blocks = [Span(0, lines.ends[body_line - 1])] if fm_span is not None else []
    for tok in tokens:
        if tok.level == 0 and tok.map is not None and tok.nesting >= 0 and tok.map[1] > tok.map[0]:
            blocks.append(Span(lines.starts[tok.map[0]], lines.ends[tok.map[1] - 1]))
    return Document(
        page=page,
        segments=tuple(segments),
        headings=tuple(walker.headings),
        newline=dominant_newline(page.text),
        front_matter=fm_span,
        title=title,
        tokens=tuple(tokens),
        references=dict(env.get("references", {})),
        blocks=tuple(blocks),
    )


_UNCARRIABLE = re.compile("[\x00\x04]")


def _refuse_uncarriable(page: Page) -> None:
    """Refuse NUL and U+0004: gettext cannot carry them (msgfmt rejects them in any string)."""
    m = _UNCARRIABLE.search(page.text)
    if m is None:
        return
    name = "a NUL (U+0000)" if m.group() == "\x00" else "an EOT (U+0004)"
    line = len(_Lines.of(page.text[: m.start()]))
    raise InputError(
        f"page contains {name} character",
        page.path,
        line,
        "remove it: a markdown page cannot carry it and gettext cannot translate it",
    )


# --------------------------------------------------------------------------- directives

DIRECTIVES = ("skip", "skip-start", "skip-end", "comment", "context")
"""Comment directives an English page may carry, as in mdbook-i18n-helpers."""

_DIRECTIVE = re.compile(r"<!--\s*i18n:([A-Za-z][\w-]*)[ \t]*(?::(.*?))?\s*-->", re.DOTALL)
_ANY_DIRECTIVE = re.compile(r"<!--\s*i18n:")


@dataclass(frozen=True, slots=True)
class _Rule:
    """What directives do to the segments starting on lines ``first..last`` (1-based, inclusive)."""

    first: int
    last: int
    skip: bool = False
    comments: tuple[str, ...] = ()
    msgctxt: str | None = None


def _directives(page: Page, tokens: list[Token]) -> list[_Rule]:
    """Line ranges the page's ``<!-- i18n:… -->`` comments apply to.

    ``skip-start``/``skip-end`` may stand anywhere (also inside raw HTML); ``skip``,
    ``comment`` and ``context`` must be a comment block of their own and apply to the next
    block at the same level (paragraph, heading, list, table, quote, HTML block); several
    of them in a row add up.
    """
    rules: list[_Rule] = []
    open_skip: int | None = None
    pending: list[tuple[str, str, int]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "inline" and tok.map is not None and _inline_directive(tok):
            raise InputError(
                "i18n directive inside a paragraph has no effect",
                page.path,
                tok.map[0] + 1,
                "put the <!-- i18n:… --> comment on a line of its own before the block it is for",
            )
        if tok.type != "html_block" or tok.map is None or not _ANY_DIRECTIVE.search(tok.content):
            continue
        found = list(_DIRECTIVE.finditer(tok.content))
        if len(found) != len(_ANY_DIRECTIVE.findall(tok.content)):
            raise InputError(
                "i18n directive comment is not closed",
                page.path,
                tok.map[0] + 1,
                "write it as <!-- i18n:name --> or <!-- i18n:name: text -->",
            )
        standalone = len(found) == 1 and found[0].group(0) == tok.content.strip()
        for m in found:
            name, value = m.group(1), " ".join((m.group(2) or "").split())
            line = tok.map[0] + 1 + tok.content.count("\n", 0, m.start())
            if name not in DIRECTIVES:
                raise InputError(
                    f"unknown directive 'i18n:{name}'",
                    page.path,
                    line,
                    "use one of " + ", ".join(f"i18n:{d}" for d in DIRECTIVES),
                )
            if name in ("comment", "context") and not value:
                raise InputError(f"'i18n:{name}' needs a text", page.path, line, f"write <!-- i18n:{name}: … -->")
            if value.endswith("\\"):
                raise InputError(f"'i18n:{name}' text ends with a backslash", page.path, line, "remove the backslash")
            if name not in ("comment", "context") and value:
                raise InputError(f"'i18n:{name}' takes no text", page.path, line, f"write <!-- i18n:{name} -->")
            if name == "skip-start":
                if open_skip is not None:
                    raise InputError(
                        f"'i18n:skip-start' inside the skipped part opened on line {open_skip}",
                        page.path,
                        line,
                        "close the first part with <!-- i18n:skip-end --> before opening another",
                    )
                open_skip = line
            elif name == "skip-end":
                if open_skip is None:
                    raise InputError(
                        "'i18n:skip-end' without an 'i18n:skip-start' before it",
                        page.path,
                        line,
                        "add <!-- i18n:skip-start --> where the untranslated part begins, or remove this line",
                    )
                rules.append(_Rule(open_skip, line, skip=True))
                open_skip = None
            elif not standalone:
                raise InputError(
                    f"'i18n:{name}' must be a comment of its own, not inside an HTML block",
                    page.path,
                    line,
                    "put it on its own line (blank line after the HTML above), or use i18n:skip-start/-end",
                )
            else:
                pending.append((name, value, line))
        if pending and standalone and found[0].group(1) in ("skip", "comment", "context"):
            target = _next_block(tokens, i)
            if target is None:
                name, _, line = pending[0]
                raise InputError(
                    f"'i18n:{name}' is not followed by a block it could apply to",
                    page.path,
                    line,
                    "put the comment right before the paragraph, heading, list or table it is for",
                )
            if target.type == "html_block" and _is_directive_block(target):
                continue  # directives in a row add up and apply to the first real block
            assert target.map is not None
            rules.append(
                _Rule(
                    target.map[0] + 1,
                    target.map[1],
                    skip=any(n == "skip" for n, _, _ in pending),
                    comments=tuple(v for n, v, _ in pending if n == "comment"),
                    msgctxt=next((v for n, v, _ in reversed(pending) if n == "context"), None),
                )
            )
            pending = []
    if open_skip is not None:
        raise InputError(
            "'i18n:skip-start' is never closed",
            page.path,
            open_skip,
            "add <!-- i18n:skip-end --> where the untranslated part ends",
        )
    return rules


class _Env(threading.local):
    env: dict[str, Any] | None = None


_ENV = _Env()
"""The link reference definitions of the page being segmented, for inline parsing on demand."""


def _children(tok: Token) -> list[Token]:
    """An inline token's children, parsed now when the block-only parser left them out."""
    if tok.children is None or (not tok.children and tok.content):
        parsed = MD.parseInline(tok.content, dict(_ENV.env or {}))
        tok.children = parsed[0].children or [] if parsed else []
    return tok.children


def _inline_directive(tok: Token) -> bool:
    """True when a paragraph holds a directive as HTML (not as code that shows one)."""
    if not _ANY_DIRECTIVE.search(tok.content):
        return False
    return any(c.type == "html_inline" and _ANY_DIRECTIVE.search(c.content) for c in _children(tok))


def _is_directive_block(tok: Token) -> bool:
    m = _DIRECTIVE.fullmatch(tok.content.strip())
    return m is not None and m.group(1) in ("skip", "comment", "context")


def _next_block(tokens: list[Token], index: int) -> Token | None:
    """The next block at the same nesting level as ``tokens[index]``, or None at a container's end."""
    level = tokens[index].level
    for tok in tokens[index + 1 :]:
        if tok.level < level or tok.nesting < 0:
            return None
        if tok.level == level:
            return tok if tok.map is not None else None
    return None


def _apply_directives(segments: list[Segment], rules: list[_Rule]) -> list[Segment]:
    """Drop skipped segments; give the others their directive comments and context."""
    out: list[Segment] = []
    for seg in segments:
        hits = [r for r in rules if r.first <= seg.line <= r.last]
        if any(r.skip for r in hits):
            continue
        notes = tuple(c for r in hits for c in r.comments)
        ctx = next((r.msgctxt for r in reversed(hits) if r.msgctxt is not None), seg.msgctxt)
        if notes or ctx != seg.msgctxt:
            seg = replace(seg, comments=notes + seg.comments, msgctxt=ctx)
        out.append(seg)
    return out


# --------------------------------------------------------------------------- front matter


def _front_matter(page: Page, lines: _Lines, options: Options) -> tuple[Span | None, int, str | None, list[Segment]]:
    """Locate and parse YAML front matter; return its span, the first body line, title, segments."""
    # mdsvex (like most site generators) accepts blank lines before the opening `---`
    first = next((i for i in range(len(lines)) if lines.line(i).strip()), 0)
    if len(lines) < first + 2 or not _FM_BOUNDARY.fullmatch(lines.line(first)):
        return None, 0, None, []
    close = next((i for i in range(first + 1, len(lines)) if _FM_BOUNDARY.fullmatch(lines.line(i))), None)
    if close is None:
        if not re.match(r"\s*[\w\"'][^:]*:(\s|$)", lines.line(first + 1)):
            return None, 0, None, []  # a thematic break, not front matter
        raise InputError(
            f"front matter opened by '---' on line {first + 1} is never closed",
            page.path,
            first + 1,
            "add a closing '---' line after the YAML",
        )
    start = lines.starts[first + 1]
    end = lines.starts[close]
    fm_text = page.text[start:end]
    try:
        root = yaml.compose(fm_text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = lines.line_of(start + min(mark.index, len(fm_text))) + 1 if mark is not None else 2
        raise InputError(
            f"front matter is not valid YAML: {' '.join(str(exc.problem or exc.context).split())}",
            page.path,
            line,
            "fix the YAML between the '---' lines",
        ) from None
    except yaml.reader.ReaderError as exc:
        raise InputError(
            f"front matter is not valid YAML: character U+{exc.character:04X} is not allowed",
            page.path,
            lines.line_of(start + min(exc.position, len(fm_text))) + 1,
            "remove the character or write it as an escape inside a double-quoted string",
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(
            f"front matter is not valid YAML: {' '.join(str(exc).split())}", page.path, 2, "fix the YAML"
        ) from None
    if root is None:
        return Span(start, end), close + 1, None, []
    if not isinstance(root, yaml.MappingNode):
        raise InputError(
            "front matter must be a mapping of keys to values",
            page.path,
            lines.line_of(start + min(root.start_mark.index, len(fm_text))) + 1,
            "write 'key: value' lines between the '---' lines",
        )
    segments: list[Segment] = []
    title: str | None = None
    seen: set[int] = set()
    for k, v in root.value:
        if isinstance(k, yaml.ScalarNode) and k.value == "title" and isinstance(v, yaml.ScalarNode):
            title = " ".join(str(v.value).split()) or None
    for key, node in _fm_values(root, options.front_matter):
        for scalar in _scalars(node, seen):
            seg = _yaml_segment(page, lines, start, key, scalar, title)
            if seg is not None:
                segments.append(seg)
    return Span(start, end), close + 1, title, segments


def _fm_values(root: yaml.MappingNode, keys: Sequence[str]) -> Iterator[tuple[str, yaml.Node]]:
    """Configured keys in document order; dotted keys reach into nested mappings."""
    wanted = set(keys)

    def walk(node: yaml.MappingNode, prefix: str) -> Iterator[tuple[str, yaml.Node]]:
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode):
                continue
            name = f"{prefix}{k.value}"
            if name in wanted:
                yield name, v
            elif isinstance(v, yaml.MappingNode) and any(w.startswith(name + ".") for w in wanted):
                yield from walk(v, name + ".")

    yield from walk(root, "")


def _scalars(node: yaml.Node, seen: set[int]) -> Iterator[yaml.ScalarNode]:
    """String scalars of a value, each node once: an alias (``*a``) is the anchored node itself,
    whose text lives at the anchor, so it is neither repeated nor followed into a cycle (a
    self-referencing ``&a [*a]`` or an exponential "billion laughs" tree)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:str":
            yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item, seen)


def _yaml_segment(
    page: Page, lines: _Lines, base: int, key: str, node: yaml.ScalarNode, title: str | None
) -> Segment | None:
    value = str(node.value)
    start = base + node.start_mark.index
    end = base + node.end_mark.index
    style = node.style or ""
    if style in ("|", ">"):
        # Replace only the content lines: keep the header (`>-`) and the trailing newlines.
        header_end = page.text.find("\n", start)
        if header_end < 0:
            return None
        first = lines.line_of(header_end + 1)
        last_line = lines.line_of(end - 1) if end > start else first
        content_lines = [i for i in range(first, last_line + 1) if lines.line(i).strip()]
        if not content_lines:
            return None
        c0, c1 = content_lines[0], content_lines[-1]
        first_line = lines.line(c0)
        indent = len(first_line) - len(first_line.lstrip(" "))
        start = lines.starts[c0] + indent
        end = lines.ends[c1]
        value = value.rstrip("\n")
    msgid = value.strip()
    if not msgid or not has_text(msgid):
        return None
    if msgid != value and style not in ("|", ">"):
        return None  # leading/trailing spaces in a quoted value are layout we cannot keep
    return Segment(
        msgid=msgid,
        kind=Kind.FRONT_MATTER,
        render=Render.YAML,
        pieces=(Span(start, end),),
        line=lines.line_of(start) + 1,
        comments=context_notes(" › ".join(p for p in (title, "front matter", key) if p), Kind.FRONT_MATTER, key),
        key=key,
        style=style,
    )


# --------------------------------------------------------------------------- markdown body


class _Walker:
    """Walks markdown-it tokens once, collecting segments and headings."""

    def __init__(self, page: Page, lines: _Lines, options: Options, ctx: _Context) -> None:
        self.page = page
        self.lines = lines
        self.options = options
        self.ctx = ctx
        self.segments: list[Segment] = []
        self.headings: list[Heading] = []
        self.slugger = Slugger()

    # -- helpers -------------------------------------------------------------------------

    def _kind(self) -> Kind:
        for c in reversed(self.ctx.containers):
            if c == "item":
                return Kind.LIST_ITEM
            if c == "quote":
                return Kind.QUOTE
        return Kind.PARAGRAPH

    def _detail(self, kind: Kind) -> str:
        if kind is Kind.LIST_ITEM and self.ctx.item_numbers:
            return f"list item {'.'.join(str(n) for n in self.ctx.item_numbers)}"
        return kind.value

    def _add(self, seg: Segment | None) -> None:
        if seg is not None:
            self.segments.append(seg)

    # -- walk ----------------------------------------------------------------------------

    def walk(self, tokens: list[Token]) -> None:
        i = 0
        row_line = -1
        cell = 0
        item_first_line: list[int] = []
        while i < len(tokens):
            tok = tokens[i]
            t = tok.type
            if t == "blockquote_open":
                self.ctx.containers.append("quote")
            elif t in ("bullet_list_open", "ordered_list_open"):
                self.ctx.containers.append("list")
                start = tok.attrGet("start")
                self.ctx.item_numbers.append((int(start) if isinstance(start, int | str) else 1) - 1)
            elif t == "list_item_open":
                self.ctx.containers.append("item")
                self.ctx.item_numbers[-1] += 1
                item_first_line.append(tok.map[0] if tok.map else -1)
            elif t in ("blockquote_close", "bullet_list_close", "ordered_list_close", "list_item_close"):
                self.ctx.containers.pop()
                if t in ("bullet_list_close", "ordered_list_close"):
                    self.ctx.item_numbers.pop()
                if t == "list_item_close":
                    item_first_line.pop()
            elif t == "heading_open":
                self._heading(tok, tokens[i + 1])
                i += 2
            elif t == "paragraph_open":
                self._paragraph(tokens[i + 1])
                i += 2
            elif t == "tr_open":
                row_line = tok.map[0] if tok.map else -1
                cell = 0
            elif t in ("th_open", "td_open"):
                cell += 1
                self._cell(tokens[i + 1], row_line, cell, item_first_line)
                i += 2
            elif t == "html_block":
                self._html_block(tok)
            i += 1

    # -- headings ------------------------------------------------------------------------

    def _heading(self, open_tok: Token, inline: Token) -> None:
        level = int(open_tok.tag[1])
        assert open_tok.map is not None
        l0, l1 = open_tok.map
        setext = open_tok.markup in ("=", "-")
        content_lines = inline.content.split("\n")
        text_lines = list(range(l0, l1 - 1)) if setext else [l0]
        if len(content_lines) != len(text_lines):
            return
        # ATX content is found after the opening hashes; setext lines are suffixes.
        pieces: list[tuple[int, int]] = []
        for idx, (ln, content) in enumerate(zip(text_lines, content_lines, strict=True)):
            src = self.lines.line(ln)
            c = content.strip(" \t")
            if setext:
                pos = len(src.rstrip(" \t")) - len(c)
                if not src.rstrip(" \t").endswith(c):
                    return
            else:
                hashes = src.find("#")
                pos = src.find(c, hashes + level) if c else -1
                if c and pos < 0:
                    return
            if idx == len(text_lines) - 1 or not c:
                pass
            pieces.append((ln, pos) if c else (ln, -1))
        explicit: str | None = None
        inline_anchor: str | None = None
        texts = [c.strip(" \t") for c in content_lines]
        m = _HEADING_ID.search(texts[-1])
        if m:
            explicit = m.group(1)
            texts[-1] = texts[-1][: m.start()].rstrip(" \t")
        else:
            a = _HEADING_ANCHOR.search(texts[-1])
            if a and texts[-1][: a.start()].strip():
                inline_anchor = a.group(3)
                texts[-1] = texts[-1][: a.start()].rstrip(" \t")
        plain = _plain_text(_children(inline))
        if explicit:
            plain = _HEADING_ID.sub("", plain)
        own = None if explicit else self.slugger.slug(plain)  # rehype-slug skips headings with an id
        anchor = explicit or inline_anchor or own or ""
        title_text = " ".join(t for t in texts if t)
        self.headings.append(
            Heading(level, title_text, plain, anchor, explicit is not None, l0 + 1, inline_anchor is not None)
        )
        spans: list[Span] = []
        for (ln, pos), text in zip(pieces, texts, strict=True):
            if pos < 0 or not text:
                continue
            base = self.lines.starts[ln]
            spans.append(Span(base + pos, base + pos + len(text)))
        msgid = " ".join(t for t in texts if t)
        # headings path for context is updated after the heading itself
        del self.ctx.headings[level - 1 :]
        while len(self.ctx.headings) < level - 1:
            self.ctx.headings.append("")
        comment = self.ctx.notes(f"heading {level}", Kind.HEADING)
        self.ctx.headings.append(title_text)
        if not spans or not has_text(msgid):
            return
        self._add(
            Segment(
                msgid=msgid,
                kind=Kind.HEADING,
                render=Render.SETEXT if setext else Render.ATX,
                pieces=tuple(spans),
                line=l0 + 1,
                comments=comment,
                anchor=anchor,
                explicit_anchor=explicit is not None,
                hard_breaks=("",) * (len(spans) - 1),
            )
        )

    # -- paragraphs ----------------------------------------------------------------------

    def _paragraph(self, inline: Token) -> None:
        assert inline.map is not None
        l0, l1 = inline.map
        content_lines = inline.content.split("\n")
        if len(content_lines) != l1 - l0:
            return
        kind = self._kind()
        children = _children(inline) if inline.content.lstrip().startswith("![") else []
        if children and all(
            c.type == "image" or (c.type == "text" and not c.content.strip()) or c.type == "softbreak" for c in children
        ):
            self._image_alts(l0, l1, children, kind)
            return
        # Split at lines that are only a Svelte block tag ({#if}, {:else}, {/if}, {@html}).
        run: list[tuple[int, str]] = []
        for ln, content in zip(range(l0, l1), content_lines, strict=True):
            if _SVELTE_LINE.match(content.strip()):
                self._add(self._inline_segment(run, kind))
                run = []
            else:
                run.append((ln, content))
        self._add(self._inline_segment(run, kind))

    def _inline_segment(self, run: list[tuple[int, str]], kind: Kind) -> Segment | None:
        if not run:
            return None
        spans: list[Span] = []
        texts: list[str] = []
        breaks: list[str] = []
        for idx, (ln, content) in enumerate(run):
            src = self.lines.line(ln)
            stripped = src.rstrip(" \t")
            c = content.strip(" \t")
            if not stripped.endswith(c):
                return None
            start = len(stripped) - len(c)
            end = len(stripped)
            last = idx == len(run) - 1
            if not last:
                trailing = src[len(stripped) :]
                n_bs = len(c) - len(c.rstrip("\\"))
                if trailing.endswith("  "):
                    breaks.append(trailing)
                elif n_bs % 2 == 1:
                    breaks.append("\\")
                    end -= 1
                    c = c[:-1]
                else:
                    breaks.append("")
            base = self.lines.starts[ln]
            spans.append(Span(base + start, base + end))
            texts.append(c)
        spans, texts = _peel_wrapper(spans, texts)
        msgid = texts[0]
        for brk, text in zip(breaks, texts[1:], strict=True):
            msgid += ("\n" if brk else " ") + text
        if not has_text(msgid):
            return None
        return Segment(
            msgid=msgid,
            kind=kind,
            render=Render.INLINE,
            pieces=tuple(spans),
            line=run[0][0] + 1,
            comments=self.ctx.notes(self._detail(kind), kind),
            hard_breaks=tuple(breaks),
        )

    def _image_alts(self, l0: int, l1: int, children: list[Token], kind: Kind) -> None:
        start = self.lines.starts[l0]
        end = self.lines.ends[l1 - 1]
        region = self.page.text[start:end]
        pos = 0
        for child in children:
            if child.type != "image":
                continue
            alt = child.content
            m = re.compile(r"!\[" + re.escape(alt) + r"\]").search(region, pos)
            if m is None:
                return
            pos = m.end()
            if not alt.strip() or not has_text(alt) or "\n" in alt or "\r" in alt:
                continue
            a = start + m.start() + 2
            self._add(
                Segment(
                    msgid=alt,
                    kind=Kind.IMAGE_ALT,
                    render=Render.IMAGE_ALT,
                    pieces=(Span(a, a + len(alt)),),
                    line=self.lines.line_of(a) + 1,
                    comments=self.ctx.notes("image alt text", Kind.IMAGE_ALT),
                )
            )

    # -- tables --------------------------------------------------------------------------

    def _cell(self, inline: Token, row_line: int, cell: int, item_first_line: list[int]) -> None:
        if row_line < 0 or not inline.content.strip():
            return
        src = self.lines.line(row_line)
        p0 = _row_start(
            src, self.ctx.containers.count("quote"), bool(item_first_line) and item_first_line[-1] == row_line
        )
        cells = _split_cells(src, p0)
        if cell - 1 >= len(cells):
            return
        a, b = cells[cell - 1]
        raw = src[a:b]
        text = raw.strip(_MD_TRIM)
        if _unescape_pipes(text) != inline.content:
            return
        lead = len(raw) - len(raw.lstrip(_MD_TRIM))
        base = self.lines.starts[row_line] + a + lead
        if not has_text(text):
            return
        self._add(
            Segment(
                msgid=text,
                kind=Kind.TABLE_CELL,
                render=Render.CELL,
                pieces=(Span(base, base + len(text)),),
                line=row_line + 1,
                comments=self.ctx.notes(f"table cell {cell}", Kind.TABLE_CELL),
            )
        )

    # -- raw HTML ------------------------------------------------------------------------

    def _html_block(self, tok: Token) -> None:
        if tok.map is None:
            return
        l0, l1 = tok.map
        content_lines = tok.content.rstrip("\n").split("\n")
        if len(content_lines) > l1 - l0:
            return
        first = content_lines[0].lstrip(" \t").lower()
        if first.startswith(("<script", "<style", "<pre", "<textarea", "<!--", "<?", "<![cdata[", "<!")):
            return
        # Map the block's content back to page offsets line by line.
        offsets: list[int] = []
        for ln, content in zip(range(l0, l1), content_lines, strict=False):
            src = self.lines.line(ln)
            if not src.endswith(content):
                return
            offsets.append(self.lines.starts[ln] + len(src) - len(content))
        text = "\n".join(content_lines[: len(offsets)])
        for seg in _html_segments(text, offsets, self.options, self.ctx, self.lines):
            self._add(seg)


_WRAP_OPEN = re.compile(r"<([A-Za-z][A-Za-z0-9:._-]*)(?:\s(?:[^<>{}]|\{[^{}]*\})*)?>")


def _peel_wrapper(spans: list[Span], texts: list[str]) -> tuple[list[Span], list[str]]:
    """Leave out an inline tag that wraps a whole paragraph (``<Button href=…>Join</Button>``).

    The tag and its attributes are structure; translators see only the text inside.
    """
    first, last = texts[0], texts[-1]
    m = _WRAP_OPEN.match(first)
    if not m:
        return spans, texts
    name = m.group(1)
    close = f"</{name}>"
    if not last.endswith(close) or (len(texts) == 1 and len(first) < m.end() + len(close)):
        return spans, texts
    inner = " ".join(texts)[m.end() : -len(close)]
    if re.search(rf"</?{re.escape(name)}[\s>/]", inner) or not inner.strip():
        return spans, texts
    new_texts = list(texts)
    new_spans = list(spans)
    if len(texts) == 1:
        new_texts[0] = first[m.end() : -len(close)]
        new_spans[0] = Span(spans[0].start + m.end(), spans[0].end - len(close))
    else:
        new_texts[0] = first[m.end() :]
        new_spans[0] = Span(spans[0].start + m.end(), spans[0].end)
        new_texts[-1] = last[: -len(close)]
        new_spans[-1] = Span(spans[-1].start, spans[-1].end - len(close))
    edges = (new_texts[0], new_texts[-1])
    if any(not t or t != t.strip() for t in edges):
        return spans, texts  # empty or space-padded inside the tag: keep it as it is
    return new_spans, new_texts


def _plain_text(children: list[Token]) -> str:
    """Text of inline tokens as rehype's toString sees it (markup dropped, code kept)."""
    out: list[str] = []
    for c in children:
        if c.type in ("text", "code_inline"):
            out.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)


def _row_start(src: str, quotes: int, item_first: bool) -> int:
    """Where a table row's text starts after block-quote markers and a list marker."""
    pos = 0
    for _ in range(quotes):
        m = re.compile(r"[ \t]{0,3}>[ \t]?").match(src, pos)
        if not m:
            break
        pos = m.end()
    if item_first:
        m = re.compile(r"[ \t]*(?:[-+*]|\d{1,9}[.)])[ \t]+").match(src, pos)
        if m:
            pos = m.end()
    while pos < len(src) and src[pos] in " \t":
        pos += 1
    return pos


def _split_cells(src: str, p0: int) -> list[tuple[int, int]]:
    """Cell ranges of a table row, split like markdown-it's ``escapedSplit``."""
    end = len(src.rstrip(_MD_TRIM))
    ranges: list[tuple[int, int]] = []
    last = p0
    escaped = False
    for pos in range(p0, end):
        ch = src[pos]
        if ch == "|" and not escaped:
            ranges.append((last, pos))
            last = pos + 1
        escaped = ch == "\\"
    ranges.append((last, end))
    if ranges and not src[ranges[0][0] : ranges[0][1]].strip(_MD_TRIM) and src[p0 : p0 + 1] == "|":
        ranges.pop(0)
    if (ranges and ranges[-1][0] == ranges[-1][1]) or (ranges and not src[ranges[-1][0] : ranges[-1][1]]):
        ranges.pop()
    return ranges


def _unescape_pipes(text: str) -> str:
    """Cell text as markdown-it stores it: ``\\|`` becomes ``|``."""
    out: list[str] = []
    escaped = False
    for ch in text:
        if ch == "|" and escaped:
            out[-1] = "|"
        else:
            out.append(ch)
        escaped = ch == "\\"
    return "".join(out)


# --------------------------------------------------------------------------- HTML text


@dataclass(frozen=True, slots=True)
class _HtmlTok:
    kind: str  # text | open | close | comment | expr | block | other
    start: int
    end: int
    name: str = ""
    attrs: tuple[tuple[str, int, int, str], ...] = ()  # (name, value start, value end, quote)
    void: bool = False


_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9:._-]*")
_ATTR_NAME = re.compile(r"[^\s\"'>/=]+")
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)


def brace_end(text: str, pos: int) -> int:
    """End of a Svelte ``{...}`` starting at ``pos`` (nested braces and strings skipped), or -1."""
    depth = 0
    i = pos
    quote = ""
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _tag(text: str, pos: int) -> _HtmlTok | None:
    """Parse an opening tag at ``pos`` (text[pos] == '<'), Svelte-aware; None if it is not one."""
    m = _TAG_NAME.match(text, pos + 1)
    if not m:
        return None
    name = m.group(0)
    i = m.end()
    attrs: list[tuple[str, int, int, str]] = []
    n = len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return None
        ch = text[i]
        if ch == ">":
            return _HtmlTok("open", pos, i + 1, name.lower() if name[0].islower() else name, tuple(attrs))
        if text.startswith("/>", i):
            return _HtmlTok("open", pos, i + 2, name.lower() if name[0].islower() else name, tuple(attrs), True)
        if ch == "{":
            e = brace_end(text, i)
            if e < 0:
                return None
            i = e
            continue
        am = _ATTR_NAME.match(text, i)
        if not am:
            return None
        aname = am.group(0)
        i = am.end()
        j = i
        while j < n and text[j].isspace():
            j += 1
        if j < n and text[j] == "=":
            j += 1
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                return None
            q = text[j]
            if q in "\"'":
                e = text.find(q, j + 1)
                if e < 0:
                    return None
                attrs.append((aname.lower(), j + 1, e, q))
                i = e + 1
            elif q == "{":
                e = brace_end(text, j)
                if e < 0:
                    return None
                i = e
            else:
                vm = re.compile(r"[^\s\"'=<>`]+").match(text, j)
                if not vm:
                    return None
                i = vm.end()
        else:
            i = am.end()
    return None


def _html_tokens(text: str, expressions: bool = True) -> list[_HtmlTok]:
    """Tokens of raw HTML; with ``expressions=False`` a ``{`` in text is plain text (tags in JS strings count)."""
    toks: list[_HtmlTok] = []
    i = 0
    n = len(text)
    text_start = 0

    def flush(upto: int) -> None:
        if upto > text_start:
            toks.append(_HtmlTok("text", text_start, upto))

    while i < n:
        ch = text[i]
        if ch == "<":
            tok: _HtmlTok | None = None
            if text.startswith("<!--", i):
                e = text.find("-->", i + 4)
                tok = _HtmlTok("comment", i, n if e < 0 else e + 3)
            elif text.startswith("</", i):
                m = re.compile(r"</([A-Za-z][A-Za-z0-9:._-]*)\s*>").match(text, i)
                if m:
                    name = m.group(1)
                    tok = _HtmlTok("close", i, m.end(), name.lower() if name[0].islower() else name)
            elif text.startswith(("<!", "<?"), i):
                e = text.find(">", i)
                tok = _HtmlTok("other", i, n if e < 0 else e + 1)
            else:
                tok = _tag(text, i)
            if tok is None:
                i += 1
                continue
            flush(i)
            toks.append(tok)
            i = tok.end
            if tok.kind == "open" and not tok.void and tok.name.lower() in _RAW_TEXT_TAGS:
                m = re.compile(rf"</{re.escape(tok.name)}\s*>", re.IGNORECASE).search(text, i)
                e = n if m is None else m.start()
                toks.append(_HtmlTok("other", i, e))
                i = e
            text_start = i
        elif ch == "{" and expressions:
            e = brace_end(text, i)
            if e < 0:
                i += 1
                continue
            flush(i)
            inner = text[i + 1 : i + 2]
            toks.append(_HtmlTok("block" if inner in ("#", ":", "/", "@") else "expr", i, e))
            i = e
            text_start = i
        else:
            i += 1
    flush(n)
    return toks


@dataclass(frozen=True, slots=True)
class HtmlTag:
    """An opening tag found in raw HTML, with its literal attribute values (for checks)."""

    name: str
    """Tag name, lowercased for HTML, as written for components (``Button``)."""
    start: int
    """Offset of ``<`` in the text given to ``html_tags``."""
    attrs: tuple[tuple[str, str, int], ...]
    """(name lowercased, value, offset of the value) for quoted and unquoted values; ``{…}`` values are left out."""

    def get(self, name: str) -> str | None:
        return next((value for key, value, _ in self.attrs if key == name), None)


_ATTR_VALUE = re.compile(
    r"""(?<=[\s"'}])([^\s"'>/={}]+)[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`{}]+))"""
)


def html_tags(text: str) -> list[HtmlTag]:
    """Opening tags of raw HTML with their attributes; script/style contents skipped.

    Svelte ``{…}`` inside a tag is skipped, but text in braces is scanned too: markup in a
    JS string handed to a component (``content: `<a href=…>` ``) is served all the same.
    """
    found: list[HtmlTag] = []
    for tok in _html_tokens(text, expressions=False):
        if tok.kind != "open":
            continue
        body = text[tok.start : tok.end]
        attrs: list[tuple[str, str, int]] = []
        name_end = 1 + len(tok.name)
        pos = name_end
        while pos < len(body):
            if body[pos] == "{":
                end = brace_end(body, pos)
                if end < 0:
                    break
                pos = end
                continue
            m = _ATTR_VALUE.match(body, pos) if body[pos - 1] in " \t\r\n\"'}" else None
            if m is None:
                pos += 1
                continue
            group = 2 if m.group(2) is not None else 3 if m.group(3) is not None else 4
            attrs.append((m.group(1).lower(), m.group(group), tok.start + m.start(group)))
            pos = m.end()
        found.append(HtmlTag(tok.name, tok.start, tuple(attrs)))
    return found


def _is_inline(tok: _HtmlTok) -> bool:
    if tok.kind in ("text", "expr"):
        return True
    if tok.kind in ("open", "close"):
        return tok.name in _INLINE_TAGS
    return False


def _html_segments(text: str, offsets: list[int], options: Options, ctx: _Context, lines: _Lines) -> Iterator[Segment]:
    """Text runs (text with inline tags) and translatable attributes of one HTML block."""
    toks = _html_tokens(text)
    line_starts = [0]
    for idx, ch in enumerate(text):
        if ch == "\n":
            line_starts.append(idx + 1)

    def to_page(pos: int) -> int:
        ln = bisect.bisect_right(line_starts, pos) - 1
        return offsets[ln] + pos - line_starts[ln]

    in_run: set[int] = set()
    runs: list[list[int]] = []
    current: list[int] = []
    for idx, tok in enumerate(toks):
        if _is_inline(tok):
            current.append(idx)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    found: list[Segment] = []
    for run in runs:
        seg = _run_segment(text, toks, run, to_page, ctx, lines)
        if seg is not None:
            found.append(seg)
            in_run.update(range(run[0], run[-1] + 1))
    attrs = set(options.html_attributes)
    for idx, tok in enumerate(toks):
        if tok.kind != "open" or idx in in_run:
            continue
        for aname, a, b, quote in tok.attrs:
            value = text[a:b]
            if aname not in attrs or "\n" in value or "{" in value or not has_text(value):
                continue
            if value != value.strip():
                continue
            pa = to_page(a)
            found.append(
                Segment(
                    msgid=value,
                    kind=Kind.HTML_ATTR,
                    render=Render.ATTR,
                    pieces=(Span(pa, pa + len(value)),),
                    line=lines.line_of(pa) + 1,
                    comments=ctx.notes(f"{aname} of <{tok.name}>", Kind.HTML_ATTR, aname),
                    key=aname,
                    style=quote,
                )
            )
    found.sort(key=lambda s: s.pieces[0].start)
    yield from found


def _run_segment(
    text: str, toks: list[_HtmlTok], run: list[int], to_page: object, ctx: _Context, lines: _Lines
) -> Segment | None:
    """One text run -> a segment with per-line pieces, outer wrapper tags peeled off."""
    assert callable(to_page)
    lo, hi = 0, len(run) - 1

    def blank(i: int) -> bool:
        t = toks[run[i]]
        return t.kind == "text" and not text[t.start : t.end].strip()

    def is_br(i: int) -> bool:
        t = toks[run[i]]
        return t.kind == "open" and t.name == "br"

    changed = True
    while changed and lo <= hi:
        changed = False
        while lo <= hi and (blank(lo) or is_br(lo)):
            lo += 1
            changed = True
        while hi >= lo and (blank(hi) or is_br(hi)):
            hi -= 1
            changed = True
        if lo < hi:
            first, last = toks[run[lo]], toks[run[hi]]
            if first.kind == "open" and last.kind == "close" and first.name == last.name and not first.void:
                # peel only if the opening tag's match is the last token
                depth = 0
                matched = -1
                for k in range(lo, hi + 1):
                    t = toks[run[k]]
                    if t.name == first.name and t.kind == "open" and not t.void:
                        depth += 1
                    elif t.name == first.name and t.kind == "close":
                        depth -= 1
                        if depth == 0:
                            matched = k
                            break
                if matched == hi:
                    lo += 1
                    hi -= 1
                    changed = True
    if lo > hi:
        return None
    start = toks[run[lo]].start
    end = toks[run[hi]].end
    # trim whitespace at both ends
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    region = text[start:end]
    if not has_text(region):
        return None
    spans: list[Span] = []
    parts: list[str] = []
    pos = start
    for raw_line in region.split("\n"):
        line_start = pos
        pos += len(raw_line) + 1
        stripped = raw_line.strip()
        if not stripped:
            continue
        lead = len(raw_line) - len(raw_line.lstrip())
        a = to_page(line_start + lead)
        spans.append(Span(a, a + len(stripped)))
        parts.append(stripped)
    if not spans:
        return None
    return Segment(
        msgid=" ".join(parts),
        kind=Kind.HTML_TEXT,
        render=Render.HTML_TEXT,
        pieces=tuple(spans),
        line=lines.line_of(spans[0].start) + 1,
        comments=ctx.notes("html text", Kind.HTML_TEXT),
        hard_breaks=("",) * (len(spans) - 1),
    )
