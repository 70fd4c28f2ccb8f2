"""Text inside a component's JavaScript props (Svelte and JSX alike).

``<Tabs tabs={[{title: '5 Minutes', content: `<h3>I have 5 minutes</h3><p>…</p>`}]} />``
holds text in JavaScript: the string literals under a translated key (``title``) and the text
runs of HTML written inside a literal are segments; the JavaScript around them (keys, brackets,
quotes, other literals) never is, and build escapes a translation for the literal it goes into,
so it cannot change the code.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.model import Kind, Render, Segment, Span
from pipeline.segment.core import has_text
from pipeline.segment.html import html_segments
from pipeline.segment.jsx import JsxTag, strings

if TYPE_CHECKING:
    from pipeline.segment.body import Walker

_HTML = re.compile(r"<[A-Za-z][^<>]*>")


def expression_prop_segments(walker: Walker, tag: JsxTag, offset: int) -> list[Segment]:
    """Segments in the ``{…}`` props of ``tag`` (offsets relative to ``offset`` in the page).

    A string is text when its key (``title: '…'``) or the prop itself (``labels={{…}}``) is
    listed in ``[segment] html_attributes``, or when it holds HTML.
    """
    text = walker.page.text
    wanted = set(walker.options.html_attributes)
    found: list[Segment] = []
    for attr in tag.attrs:
        if attr.quote != "{":
            continue
        a, b = offset + attr.start, offset + attr.end
        for s in strings(text, a, b):
            content = s.value
            if not s.simple or not has_text(content):
                continue
            listed = s.key in wanted or attr.name in wanted  # `labels={{ copied: 'Copied!' }}`
            padded = content != content.strip()  # MDX: `'Text '` is text, its padding is not kept
            if listed and "\n" not in content and "\r" not in content and (walker.options.mdx or not padded):
                found.append(
                    Segment(
                        msgid=content.strip(),
                        kind=Kind.HTML_ATTR,
                        render=Render.JS_STRING,
                        pieces=(Span(s.start, s.end),),
                        line=walker.lines.line_of(s.start) + 1,
                        comments=walker.ctx.notes(
                            f"{s.key or 'string'} in {attr.name} of <{tag.name}>", Kind.HTML_ATTR, s.key or attr.name
                        ),
                        key=s.key or attr.name,
                        style=s.quote,
                    )
                )
            elif _HTML.search(content):
                found.extend(_html_in_string(walker, s.start, s.end, s.quote))
    return found


def _html_in_string(walker: Walker, start: int, end: int, quote: str) -> list[Segment]:
    """The text runs of HTML written inside a string literal, marked with the literal's quote."""
    lines = walker.lines
    first, last = lines.line_of(start), lines.line_of(max(start, end - 1))
    parts: list[str] = []
    offsets: list[int] = []
    for ln in range(first, last + 1):
        a = max(lines.starts[ln], start)
        b = min(lines.ends[ln], end)
        parts.append(walker.page.text[a:b] if b > a else "")
        offsets.append(a)
    segments = html_segments("\n".join(parts), offsets, walker.options, walker.ctx, lines)
    return [
        Segment(
            msgid=seg.msgid,
            kind=seg.kind,
            render=seg.render,
            pieces=seg.pieces,
            line=seg.line,
            comments=seg.comments,
            hard_breaks=seg.hard_breaks,
            style=quote,
        )
        for seg in segments
        if seg.kind is Kind.HTML_TEXT
    ]
