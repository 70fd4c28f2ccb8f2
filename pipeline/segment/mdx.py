"""The MDX dialect (Astro/Starlight, Docusaurus): markdown-it taught MDX's block structure.

MDX differs from the CommonMark that mdsvex sites use in what is code and what is text:

* ``import``/``export`` lines at the top level are JavaScript (ESM), up to a blank line;
* a line holding only ``{…}`` is a JavaScript expression (``{/* comments */}`` included);
* a line holding only JSX tags (``<Steps>``, ``</Card>``, ``<LinkCard title="…" />``, tags over
  several lines) is a JSX flow tag: structure, whose configured string props are text;
* ``:::name[label]{attrs}`` … ``:::`` are directives (remark-directive; Starlight's asides and
  Docusaurus admonitions, whose ``:::tip Title`` form is read too): structure, label is text;
* there are no HTML blocks, no HTML comments and no indented code: indentation is layout.

Each of these lines becomes one block token (``mdx_esm``, ``mdx_expression``, ``mdx_jsx``,
``mdx_directive_open``/``_close``/``_leaf``) beside the markdown blocks between them, as
micromark reads MDX too (flat tags, nested later), so the walker and build see them as
structure that never shares a line with text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim
from markdown_it.ruler import RuleOptionsType
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.token import Token

from pipeline.segment.jsx import JsxTag, expression_end, jsx_tag

_ESM = re.compile(r"(?:import|export)(?=[\s{*])")
_CLOSE = re.compile(r":{3,}[ \t]*$")
_OPEN = re.compile(r"(:{2,})([A-Za-z][\w-]*)")
_ALT: RuleOptionsType = {"alt": ["paragraph", "reference", "blockquote", "list"]}


@dataclass(frozen=True, slots=True)
class DirectiveLine:
    """A directive's marker line: its label's span (relative to the line) when it has text."""

    colons: int
    name: str
    label: tuple[int, int] | None
    docusaurus: bool = False
    """True for ``:::tip Title``: the title follows the name after a space (no brackets)."""


def _line(state: StateBlock, line: int) -> tuple[int, int]:
    return state.bMarks[line] + state.tShift[line], state.eMarks[line]


def _esm(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.blkIndent != 0 or state.sCount[start] != 0 or state.parentType not in ("root", "paragraph") or state.level:
        return False
    a, _ = _line(state, start)
    if not _ESM.match(state.src, a):
        return False
    if silent:
        return True
    nxt = start + 1
    while nxt < end and not state.isEmpty(nxt):
        nxt += 1
    token = state.push("mdx_esm", "", 0)
    token.map = [start, nxt]
    token.content = state.getLines(start, nxt, 0, False)
    state.line = nxt
    return True


def _end_line(state: StateBlock, start: int, end: int, pos: int) -> int:
    """The line after the one holding offset ``pos`` (an offset inside the block's lines), or -1."""
    line = start
    while line < end and state.eMarks[line] < pos:
        line += 1
    if line >= end:
        return -1
    rest = state.src[pos : state.eMarks[line]]
    return line + 1 if not rest.strip(" \t") else -1


def _flow_items(src: str, pos: int, line_end: int) -> tuple[int, list[JsxTag]] | None:
    """Tags and expressions from ``pos`` to the end of their (last) line; None if text follows."""
    tags: list[JsxTag] = []
    i = pos
    while True:
        if src.startswith("<", i):
            tag = jsx_tag(src, i)
            if tag is None:
                return None
            tags.append(tag)
            i = tag.end
        elif src.startswith("{", i):
            e = expression_end(src, i)
            if e < 0:
                return None
            i = e
        else:
            return None
        while i < len(src) and src[i] in " \t":
            i += 1
        if i >= len(src) or src[i] in "\r\n":
            return i, tags


def _jsx(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    a, b = _line(state, start)
    src = state.src
    if not src.startswith("<", a) or a + 1 >= len(src) or not (src[a + 1].isalpha() or src[a + 1] in "/>_$"):
        return False
    found = _flow_items(src, a, b)
    if found is None or not found[1]:
        return False
    stop, tags = found
    nxt = _end_line(state, start, end, stop)
    if nxt < 0:
        return False
    if silent:
        return True
    token = state.push("mdx_jsx", "", 0)
    token.map = [start, nxt]
    token.content = src[a:stop]
    token.meta = {"offset": a, "tags": tags}
    state.line = nxt
    return True


def _expression(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    a, b = _line(state, start)
    src = state.src
    if not src.startswith("{", a):
        return False
    found = _flow_items(src, a, b)
    if found is None:
        return False
    stop, tags = found
    nxt = _end_line(state, start, end, stop)
    if nxt < 0:
        return False
    if silent:
        return True
    token = state.push("mdx_jsx" if tags else "mdx_expression", "", 0)
    token.map = [start, nxt]
    token.content = src[a:stop]
    token.meta = {"offset": a, "tags": tags}
    state.line = nxt
    return True


def directive_line(text: str) -> DirectiveLine | None:
    """Read a directive marker line (``:::note``, ``:::tip[Label]{icon="x"}``, ``::leaf[x]``,
    ``:::tip Title``); None when the line is not one. Closing lines are ``_CLOSE``."""
    m = _OPEN.match(text)
    if m is None:
        return None
    colons = len(m.group(1))
    i = m.end()
    label: tuple[int, int] | None = None
    if text.startswith("[", i):
        depth = 0
        j = i
        while j < len(text):
            if text[j] == "\\":
                j += 2
                continue
            if text[j] == "[":
                depth += 1
            elif text[j] == "]":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j >= len(text):
            return None
        label = (i + 1, j)
        i = j + 1
    if text.startswith("{", i):
        e = text.find("}", i)
        if e < 0:
            return None
        i = e + 1
    rest = text[i:]
    if not rest.strip(" \t"):
        return DirectiveLine(colons, m.group(2), _trim(text, label))
    if colons >= 3 and label is None and rest[:1] in " \t":  # Docusaurus: ":::tip Title"
        lead = len(rest) - len(rest.lstrip(" \t"))
        return DirectiveLine(colons, m.group(2), _trim(text, (i + lead, len(text))), True)
    return None


def _trim(text: str, span: tuple[int, int] | None) -> tuple[int, int] | None:
    if span is None:
        return None
    a, b = span
    while a < b and text[a] in " \t":
        a += 1
    while b > a and text[b - 1] in " \t":
        b -= 1
    return (a, b) if b > a else None


def _directive(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    a, b = _line(state, start)
    text = state.src[a:b]
    if not text.startswith("::"):
        return False
    if _CLOSE.match(text):
        kind = "mdx_directive_close"
        meta: DirectiveLine | None = None
    else:
        meta = directive_line(text)
        if meta is None:
            return False
        kind = "mdx_directive_open" if meta.colons >= 3 else "mdx_directive_leaf"
    if silent:
        return True
    token = state.push(kind, "", 0)
    token.map = [start, start + 1]
    token.content = text
    token.meta = {"offset": a, "directive": meta}
    state.line = start + 1
    return True


def _paragraph(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's paragraph, but an indented line may end it: MDX has no indented code, so
    a tab-indented ``</Card>`` is a JSX tag, not a lazy continuation line."""
    nxt = start + 1
    terminators = state.md.block.ruler.getRules("paragraph")
    end = state.lineMax
    old = state.parentType
    state.parentType = "paragraph"
    while nxt < end:
        if state.isEmpty(nxt):
            break
        if state.sCount[nxt] < 0:  # blockquote quirk, as markdown-it
            nxt += 1
            continue
        if any(rule(state, nxt, end, True) for rule in terminators):
            break
        nxt += 1
    content = mdTrim(state.getLines(start, nxt, state.blkIndent, False))
    state.line = nxt
    token = state.push("paragraph_open", "p", 1)
    token.map = [start, nxt]
    token = state.push("inline", "", 0)
    token.content = content
    token.map = [start, nxt]
    token.children = []
    state.push("paragraph_close", "p", -1)
    state.parentType = old
    return True


def parser(inline: bool = True) -> MarkdownIt:
    """CommonMark + GFM tables and strikethrough, as MDX reads them (remark-gfm, remark-directive)."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.disable(["code", "html_block"])
    md.block.ruler.at("paragraph", _paragraph)
    md.block.ruler.before("table", "mdx_esm", _esm)
    md.block.ruler.before("table", "mdx_jsx", _jsx, _ALT)
    md.block.ruler.before("table", "mdx_expression", _expression, _ALT)
    md.block.ruler.before("table", "mdx_directive", _directive, _ALT)
    if not inline:
        md.disable("inline")
    return md


MDX = parser()
MDX_BLOCKS = parser(inline=False)
STRUCTURE = frozenset(
    {"mdx_esm", "mdx_expression", "mdx_jsx", "mdx_directive_open", "mdx_directive_close", "mdx_directive_leaf"}
)
"""Token types that are MDX structure: never text, compared as they are when a page is read back."""


def structure(tokens: list[Token]) -> tuple[str, ...]:
    """The MDX structure of a page, in order, without the text a translation may change:
    ESM and expressions as written, JSX tags by name (props left out), directives by name."""
    out: list[str] = []
    for tok in tokens:
        if tok.type in ("mdx_esm", "mdx_expression"):
            out.append(f"{tok.type} {tok.content}")
        elif tok.type == "mdx_jsx":
            tags = tok.meta.get("tags", []) if isinstance(tok.meta, dict) else []
            out.append("mdx_jsx " + " ".join(_tag_key(t) for t in tags))
        elif tok.type.startswith("mdx_directive"):
            d = tok.meta.get("directive") if isinstance(tok.meta, dict) else None
            out.append(f"{tok.type} {d.colons}:{d.name}" if isinstance(d, DirectiveLine) else tok.type)
    return tuple(out)


def _tag_key(tag: JsxTag) -> str:
    slash = "/" if tag.closing else ""
    end = "/" if tag.self_closing else ""
    return f"<{slash}{tag.name}{end}>"


_COMMENT_DIRECTIVE = re.compile(r"\{\s*/\*\s*(i18n:.*?)\s*\*/\s*\}", re.DOTALL)


def mdx_directive_comments(tokens: list[Token]) -> list[Token]:
    """``{/* i18n:skip */}`` lines as the ``<!-- i18n:skip -->`` blocks the directive reader knows
    (MDX has no HTML comments); the walker keeps the original tokens."""
    out: list[Token] = []
    for tok in tokens:
        if tok.type == "mdx_expression" and "i18n:" in tok.content:
            text = _COMMENT_DIRECTIVE.sub(lambda m: f"<!-- {m.group(1)} -->", tok.content)
            if text != tok.content:
                tok = tok.copy()
                tok.type = "html_block"
                tok.content = text + "\n"
        out.append(tok)
    return out
