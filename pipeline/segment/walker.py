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

import re
from typing import Any

from pipeline.errors import InputError
from pipeline.model import Page, Segment, Span
from pipeline.segment.body import Walker
from pipeline.segment.core import (
    BLOCKS,
    DEFAULT_OPTIONS,
    ENV,
    MD,
    Context,
    Document,
    Heading,
    Lines,
    Options,
    context_notes,
    dominant_newline,
    has_text,
)
from pipeline.segment.directives import DIRECTIVES, apply_directives, directive_rules
from pipeline.segment.frontmatter import front_matter
from pipeline.segment.html import HtmlTag, brace_end, html_tags
from pipeline.segment.mdx import MDX, MDX_BLOCKS, mdx_directive_comments, structure
from pipeline.segment.targets import structure_targets, yaml_links

__all__ = [
    "DEFAULT_OPTIONS",
    "DIRECTIVES",
    "MD",
    "Document",
    "Heading",
    "HtmlTag",
    "Options",
    "brace_end",
    "context_notes",
    "dominant_newline",
    "has_text",
    "html_tags",
    "segment_page",
]


def segment_page(page: Page, options: Options = DEFAULT_OPTIONS, *, inline: bool = True) -> Document:
    """Split a page into segments (document order) and list its headings with their ids.

    ``inline=False`` leaves ``Document.tokens`` without inline children (segments and
    headings are the same): for reading back a built page, where nothing needs them.
    """
    _refuse_uncarriable(page)
    lines = Lines.of(page.text)
    segments: list[Segment] = []
    fm_span, body_line, title, fm_segments = front_matter(page, lines, options)
    segments.extend(fm_segments)
    # markdown-it sees the body with front-matter lines blanked, so its line numbers are ours.
    body = "\n" * body_line + "\n".join(lines.line(i) for i in range(body_line, len(lines)))
    env: dict[str, Any] = {}
    if options.mdx:
        tokens = (MDX if inline else MDX_BLOCKS).parse(body, env)
    else:
        tokens = (MD if inline else BLOCKS).parse(body, env)
    ENV.env = env
    rules = directive_rules(page, mdx_directive_comments(tokens) if options.mdx else tokens)
    walker = Walker(page, lines, options, Context(title))
    walker.body = body
    walker.walk(tokens)
    segments.extend(apply_directives(walker.segments, rules) if rules else walker.segments)
    segments.sort(key=lambda s: s.pieces[0].start)
    targets = []
    if inline:  # a built page read back needs no targets
        names = frozenset(options.link_names)
        targets = structure_targets(page.text, lines, tokens, segments, names, options.mdx, body_line)
        if options.link_names and fm_span is not None and lines.line(body_line - 1).strip() == "---":
            targets[:0] = yaml_links(page.text, fm_span, options.link_names)
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
        dialect=options.dialect,
        structure=structure(tokens) if options.mdx else (),
        blocks=tuple(blocks),
        targets=tuple(targets),
    )


_UNCARRIABLE = re.compile("[\x00\x04]")


def _refuse_uncarriable(page: Page) -> None:
    """Refuse NUL and U+0004: gettext cannot carry them (msgfmt rejects them in any string)."""
    m = _UNCARRIABLE.search(page.text)
    if m is None:
        return
    name = "a NUL (U+0000)" if m.group() == "\x00" else "an EOT (U+0004)"
    line = len(Lines.of(page.text[: m.start()]))
    raise InputError(
        f"page contains {name} character",
        page.path,
        line,
        "remove it: a markdown page cannot carry it and gettext cannot translate it",
    )
