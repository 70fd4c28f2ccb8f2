"""What is text in MDX structure: configured string props of JSX tags, directive labels.

The walker calls these for the block tokens of ``pipeline.segment.mdx``; everything else in
those tokens (tag names, other props, expressions, ESM) is structure and never a segment.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from markdown_it.token import Token

from pipeline.model import Kind, Render, Segment, Span
from pipeline.segment.core import has_text
from pipeline.segment.html import attribute_segment
from pipeline.segment.jsx import JsxTag, jsx_tag
from pipeline.segment.mdx import DirectiveLine
from pipeline.segment.props import expression_prop_segments

if TYPE_CHECKING:
    from pipeline.segment.body import Walker


def jsx_props(walker: Walker, tok: Token) -> list[Segment]:
    """Segments of a JSX flow tag line: its string props named in ``Options.html_attributes``."""
    meta = tok.meta if isinstance(tok.meta, dict) else {}
    tags: list[JsxTag] = meta.get("tags", [])
    wanted = set(walker.options.html_attributes)
    found: list[Segment] = []
    text = walker.page.text
    for tag in tags:
        in_page = jsx_tag(text, walker.page_offset(tag.start))
        if in_page is not None:
            found.extend(expression_prop_segments(walker, in_page, 0))
        for attr in tag.attrs:
            if attr.quote not in ("'", '"') or attr.name not in wanted:
                continue
            a, b = walker.page_offset(attr.start), walker.page_offset(attr.end)
            value = text[a:b]
            if "\n" in value or "\r" in value or not value.strip() or value != value.strip() or not has_text(value):
                continue
            found.append(attribute_segment(walker.ctx, walker.lines, a, value, attr.name, f"<{tag.name}>", attr.quote))
    found.sort(key=lambda s: s.pieces[0].start)
    return found


def directive_label(walker: Walker, tok: Token) -> Segment | None:
    """The label of a directive (``:::tip[Did you know?]``, ``:::tip Title``) as a segment."""
    meta = tok.meta if isinstance(tok.meta, dict) else {}
    d = meta.get("directive")
    if not isinstance(d, DirectiveLine) or d.label is None:
        return None
    base = walker.page_offset(int(meta["offset"]))
    a, b = base + d.label[0], base + d.label[1]
    value = walker.page.text[a:b]
    if not has_text(value):
        return None
    return Segment(
        msgid=value,
        kind=Kind.LABEL,
        render=Render.LABEL,
        pieces=(Span(a, b),),
        line=walker.lines.line_of(a) + 1,
        comments=walker.ctx.notes(f"label of :::{d.name}", Kind.LABEL),
        key=d.name,
        style=" " if d.docusaurus else "[",
    )


_CLOSE = re.compile(r"</\s*([A-Za-z_$][\w$.:-]*)?\s*>")


def peel_unbalanced(spans: list[Span], texts: list[str]) -> tuple[list[Span], list[str]]:
    """Leave out JSX tags opened at a paragraph's start and closed after it (``<Aside>Text``),
    or closed at its end and opened before it (``text</Aside>``): they belong to the element
    around the paragraph, not to its text."""
    first = texts[0]
    cut = 0
    while first.startswith("<", cut):
        tag = jsx_tag(first, cut)
        if tag is None or tag.closing or tag.self_closing or _closes(first[tag.end :], texts[1:], tag.name):
            break
        cut = tag.end
        while cut < len(first) and first[cut] in " \t":
            cut += 1
    last = texts[-1] if len(texts) > 1 or not cut else texts[-1][cut:]
    tail = len(last)
    while True:
        m = None
        for found in _CLOSE.finditer(last[:tail]):
            m = found
        if m is None or m.end() != len(last[:tail].rstrip(" \t")):
            break
        name = m.group(1) or ""
        before = " ".join([*texts[:-1], last[: m.start()]]) if len(texts) > 1 else last[: m.start()]
        if re.search(rf"<\s*{re.escape(name)}(?=[\s/>])", before):
            break
        tail = len(last[: m.start()].rstrip(" \t"))
    if not cut and tail == len(last):
        return spans, texts
    new_spans, new_texts = list(spans), list(texts)
    if cut:
        new_spans[0] = Span(spans[0].start + cut, spans[0].end)
        new_texts[0] = first[cut:]
    trimmed = len(new_texts[-1]) - tail
    if trimmed:
        new_spans[-1] = Span(new_spans[-1].start, new_spans[-1].end - trimmed)
        new_texts[-1] = new_texts[-1][:tail]
    if any(not t.strip() for t in (new_texts[0], new_texts[-1])):
        return spans, texts
    return new_spans, new_texts


def _closes(rest: str, more: list[str], name: str) -> bool:
    """True when the paragraph itself closes a tag named ``name`` (then it is inline markup)."""
    return bool(re.search(rf"</\s*{re.escape(name)}\s*>", " ".join([rest, *more])))
