"""Raw HTML (and Svelte) in a page: THE tag lexer, text runs and translatable attributes."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.model import Kind, Render, Segment, Span
from pipeline.segment.core import Context, Lines, Options, has_text

INLINE_TAGS = frozenset(
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
RAW_TEXT_TAGS = frozenset({"script", "style", "textarea", "pre", "template"})


@dataclass(frozen=True, slots=True)
class HtmlTok:
    kind: str  # text | open | close | comment | expr | block | other
    start: int
    end: int
    name: str = ""
    attrs: tuple[tuple[str, int, int, str], ...] = ()  # (name, value start, value end, quote)
    void: bool = False


_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9:._-]*")
_ATTR_NAME = re.compile(r"[^\s\"'>/=]+")


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


def parse_tag(text: str, pos: int) -> HtmlTok | None:
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
            return HtmlTok("open", pos, i + 1, name.lower() if name[0].islower() else name, tuple(attrs))
        if text.startswith("/>", i):
            return HtmlTok("open", pos, i + 2, name.lower() if name[0].islower() else name, tuple(attrs), True)
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


def html_tokens(text: str, expressions: bool = True) -> list[HtmlTok]:
    """Tokens of raw HTML; with ``expressions=False`` a ``{`` in text is plain text (tags in JS strings count)."""
    toks: list[HtmlTok] = []
    i = 0
    n = len(text)
    text_start = 0

    def flush(upto: int) -> None:
        if upto > text_start:
            toks.append(HtmlTok("text", text_start, upto))

    while i < n:
        ch = text[i]
        if ch == "<":
            tok: HtmlTok | None = None
            if text.startswith("<!--", i):
                e = text.find("-->", i + 4)
                tok = HtmlTok("comment", i, n if e < 0 else e + 3)
            elif text.startswith("</", i):
                m = re.compile(r"</([A-Za-z][A-Za-z0-9:._-]*)\s*>").match(text, i)
                if m:
                    name = m.group(1)
                    tok = HtmlTok("close", i, m.end(), name.lower() if name[0].islower() else name)
            elif text.startswith(("<!", "<?"), i):
                e = text.find(">", i)
                tok = HtmlTok("other", i, n if e < 0 else e + 1)
            else:
                tok = parse_tag(text, i)
            if tok is None:
                i += 1
                continue
            flush(i)
            toks.append(tok)
            i = tok.end
            if tok.kind == "open" and not tok.void and tok.name.lower() in RAW_TEXT_TAGS:
                m = re.compile(rf"</{re.escape(tok.name)}\s*>", re.IGNORECASE).search(text, i)
                e = n if m is None else m.start()
                toks.append(HtmlTok("other", i, e))
                i = e
            text_start = i
        elif ch == "{" and expressions:
            e = brace_end(text, i)
            if e < 0:
                i += 1
                continue
            flush(i)
            inner = text[i + 1 : i + 2]
            toks.append(HtmlTok("block" if inner in ("#", ":", "/", "@") else "expr", i, e))
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
    for tok in html_tokens(text, expressions=False):
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


def _is_inline(tok: HtmlTok) -> bool:
    if tok.kind in ("text", "expr"):
        return True
    if tok.kind in ("open", "close"):
        return tok.name in INLINE_TAGS
    return False


def attribute_segment(ctx: Context, lines: Lines, start: int, value: str, name: str, owner: str, quote: str) -> Segment:
    """A translatable attribute value at page offset ``start``: ``name`` of ``owner`` (``<img>``,
    ``<Card>``, ``the shortcode figure``), written back between ``quote`` (see build's ATTR)."""
    return Segment(
        msgid=value,
        kind=Kind.HTML_ATTR,
        render=Render.ATTR,
        pieces=(Span(start, start + len(value)),),
        line=lines.line_of(start) + 1,
        comments=ctx.notes(f"{name} of {owner}", Kind.HTML_ATTR, name),
        key=name,
        style=quote,
    )


def html_segments(text: str, offsets: list[int], options: Options, ctx: Context, lines: Lines) -> Iterator[Segment]:
    """Text runs (text with inline tags) and translatable attributes of one HTML block."""
    toks = html_tokens(text)
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
            found.append(attribute_segment(ctx, lines, to_page(a), value, aname, f"<{tok.name}>", quote))
    found.sort(key=lambda s: s.pieces[0].start)
    yield from found


def _run_segment(
    text: str, toks: list[HtmlTok], run: list[int], to_page: object, ctx: Context, lines: Lines
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
