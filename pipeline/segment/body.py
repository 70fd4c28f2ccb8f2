"""The markdown body: walk markdown-it's block tokens once, collecting segments and headings."""

from __future__ import annotations

import bisect
import re

from markdown_it.token import Token

from pipeline.model import Kind, Page, Render, Segment, Span
from pipeline.segment import mdx_segments
from pipeline.segment.core import Context, Heading, Lines, Options, has_text, inline_children, plain_text
from pipeline.segment.html import attribute_segment, html_segments
from pipeline.segment.slug import Slugger, astro_id

_HEADING_ID = re.compile(r"[ \t]*\{#([^\s{}]+)\}[ \t]*$")
_HEADING_ANCHOR = re.compile(r"""[ \t]*<(a|span)[ \t]+id=(["'])([^"'<>\s]+)\2[ \t]*>[ \t]*</\1>[ \t]*$""")
"""An empty ``<a id="x"></a>`` ending a heading: an anchor that typography plugins leave alone."""
_SVELTE_LINE = re.compile(r"^\{[#:/@][^{}]*\}$")
_SHORTCODE_LINE = re.compile(
    r"^\{\{(?:<-?\s*/?[A-Za-z_][\w./-]*(?:\s[^{}]*)?>|%-?\s*/?[A-Za-z_][\w./-]*(?:\s[^{}]*)?%)\}\}$"
)
"""A line that is one Hugo shortcode, ``{{< name args >}}`` or ``{{% /name %}}``: structure, like a
Svelte block tag (the text between an opening and a closing one is a segment of its own)."""
_SHORTCODE_PARAM = re.compile(r"""\s([A-Za-z_][\w-]*)=(?:"((?:[^"\\\n]|\\.)*)"|`([^`\n]*)`)""")
"""A named shortcode parameter with a quoted value: ``title="…"`` or ``title=`…```."""
_MD_TRIM = " \t\n\r\f\v"  # CommonMark whitespace for table cells


class Walker:
    """Walks markdown-it tokens once, collecting segments and headings."""

    def __init__(self, page: Page, lines: Lines, options: Options, ctx: Context) -> None:
        self.page = page
        self.lines = lines
        self.options = options
        self.ctx = ctx
        self.segments: list[Segment] = []
        self.headings: list[Heading] = []
        self.slugger = Slugger()
        self.body = ""
        """The text markdown-it parsed (front matter blanked)."""
        self.body_starts: list[int] = []
        """Line starts of ``body`` (computed when first needed), to map token offsets to the page."""

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
            elif t == "fence" and self.options.translates_code(tok.info):
                self._add(self._code_block(tok))
            elif t in ("mdx_jsx", "svelte_tag"):
                self._add_all(mdx_segments.jsx_props(self, tok))
            elif t in ("mdx_directive_open", "mdx_directive_leaf"):
                self._add(mdx_segments.directive_label(self, tok))
            i += 1

    def _add_all(self, segments: list[Segment]) -> None:
        self.segments.extend(segments)

    def page_offset(self, offset: int) -> int:
        """A token's offset in the parsed body -> the same character's offset in the page."""
        if not self.body_starts:
            self.body_starts = Lines.of(self.body).starts
        line = bisect.bisect_right(self.body_starts, offset) - 1
        return self.lines.starts[line] + offset - self.body_starts[line]

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
        m = _HEADING_ID.search(texts[-1])  # MDX: Docusaurus's `## Text {#id}` (build never adds one)
        if m:
            explicit = m.group(1)
            texts[-1] = texts[-1][: m.start()].rstrip(" \t")
        else:
            a = _HEADING_ANCHOR.search(texts[-1])
            if a and texts[-1][: a.start()].strip():
                inline_anchor = a.group(3)
                texts[-1] = texts[-1][: a.start()].rstrip(" \t")
        plain = plain_text(inline_children(inline))
        if explicit:
            plain = _HEADING_ID.sub("", plain)
        if explicit:
            own = None  # rehype-slug skips headings with an id
        elif self.options.heading_ids == "astro":
            own = astro_id(self.slugger, plain)
        else:
            own = self.slugger.slug(plain)
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
        children = inline_children(inline) if inline.content.lstrip().startswith("![") else []
        if children and all(
            c.type == "image" or (c.type == "text" and not c.content.strip()) or c.type == "softbreak" for c in children
        ):
            self._image_alts(l0, l1, children, kind)
            return
        # Split at lines that are only a Svelte block tag ({#if}, {:else}, {/if}, {@html}) or
        # only a Hugo shortcode ({{% notice %}} … {{% /notice %}}).
        run: list[tuple[int, str]] = []
        for ln, content in zip(range(l0, l1), content_lines, strict=True):
            line = content.strip()
            if _SVELTE_LINE.match(line) or _SHORTCODE_LINE.match(line):
                self._add(self._inline_segment(run, kind))
                run = []
                if line.startswith("{{"):
                    self._shortcode_params(ln, line)
            else:
                run.append((ln, content))
        self._add(self._inline_segment(run, kind))

    def _shortcode_params(self, ln: int, line: str) -> None:
        """The named parameters of a shortcode line listed in ``[segment] html_attributes``
        (``{{< figure src="…" title="…" >}}``): segments, like an HTML tag's attributes."""
        wanted = set(self.options.html_attributes)
        src = self.lines.line(ln)
        base = self.lines.starts[ln] + src.index(line)
        name = re.match(r"\{\{[<%]-?\s*([\w./-]+)", line)
        for m in _SHORTCODE_PARAM.finditer(line):
            group = 2 if m.group(2) is not None else 3
            value = m.group(group)
            if m.group(1) not in wanted or "\\" in value or value != value.strip() or not has_text(value):
                continue
            owner = f"the shortcode {name.group(1) if name else ''}"
            style = '{{"' if group == 2 else "{{`"  # a Go string of a shortcode: see build
            self._add(attribute_segment(self.ctx, self.lines, base + m.start(group), value, m.group(1), owner, style))

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
        if self.options.mdx:
            spans, texts = mdx_segments.peel_unbalanced(spans, texts)
            if not spans:
                return None
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

    # -- code blocks -------------------------------------------------------------------

    def _code_block(self, tok: Token) -> Segment | None:
        """A fenced code block as one segment, fences included (``[segment] code_blocks``).

        The msgid is the block as written (opening fence with its info string, code, closing
        fence): translators localize comments, strings and titles in the info string
        (``title="…"``, ``{3-5}`` line marks that move with added lines). One piece per line
        after its container prefix and the fence's indentation, which build keeps as glue.
        An unclosed block, or one whose lines the container's tabs split, stays code.
        """
        if tok.map is None:
            return None
        l0, l1 = tok.map
        content = tok.content[:-1] if tok.content.endswith("\n") else tok.content
        content_lines = content.split("\n") if tok.content else []
        if l1 - l0 != len(content_lines) + 2:
            return None  # no closing fence (the block runs to the end of its container)
        info = tok.info.split()
        lang = info[0] if info else ""
        if not any(ch.isalpha() for ch in content + tok.info[len(lang) :]):
            return None
        spans: list[Span] = []
        for ln, c in zip(range(l0 + 1, l0 + 1 + len(content_lines)), content_lines, strict=True):
            src = self.lines.line(ln)
            if not src.endswith(c):
                return None
            base = self.lines.starts[ln]
            spans.append(Span(base + len(src) - len(c), base + len(src)))
        fences: list[Span] = []
        for ln in (l0, l1 - 1):
            src = self.lines.line(ln).rstrip(" \t")
            at = src.find(tok.markup[0] * 3)
            if at < 0:
                return None
            fences.append(Span(self.lines.starts[ln] + at, self.lines.starts[ln] + len(src)))
        pieces = (fences[0], *spans, fences[1])
        text = self.page.text
        detail = f"code block ({lang})" if lang else "code block"
        return Segment(
            msgid="\n".join(text[p.start : p.end] for p in pieces),
            kind=Kind.CODE,
            render=Render.CODE,
            pieces=pieces,
            line=l0 + 1,
            comments=self.ctx.notes(detail, Kind.CODE, lang or None),
            key=lang or None,
            style=tok.markup,
            hard_breaks=("",) * (len(pieces) - 1),
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
        for seg in html_segments(text, offsets, self.options, self.ctx, self.lines):
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
