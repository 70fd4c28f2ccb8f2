"""mdsvex: a component tag whose ``{…}`` props hold text is one block, whatever its blank lines.

``<Tabs tabs={[{title: '…', content: `<h3>…</h3>…`}]} />`` may run over many lines with blank
lines inside its JavaScript; CommonMark would cut it into paragraphs and HTML blocks and hand
the JavaScript to translators. This block rule reads the whole tag (``svelte_tag``) so only the
text inside its props becomes segments (``pipeline.segment.props``). Tags without text in
``{…}`` props are left to CommonMark as before.
"""

from __future__ import annotations

import unicodedata

from markdown_it.rules_block.state_block import StateBlock

from pipeline.segment.jsx import jsx_tag, strings


def _letters(text: str) -> bool:
    return any(unicodedata.category(ch)[0] == "L" for ch in text)


def svelte_tag(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    a = state.bMarks[start] + state.tShift[start]
    src = state.src
    if not src.startswith("<", a) or a + 1 >= len(src) or not src[a + 1].isupper():
        return False
    tag = jsx_tag(src, a)
    if tag is None or tag.closing:
        return False
    if not any(
        attr.quote == "{" and any(_letters(src[s.start : s.end]) for s in strings(src, attr.start, attr.end))
        for attr in tag.attrs
    ):
        return False
    line = start
    while line < end and state.eMarks[line] < tag.end:
        line += 1
    if line >= end or src[tag.end : state.eMarks[line]].strip(" \t"):
        return False
    if silent:
        return True
    token = state.push("svelte_tag", "", 0)
    token.map = [start, line + 1]
    token.content = src[a : tag.end]
    token.meta = {"offset": a, "tags": [tag]}
    state.line = line + 1
    return True
