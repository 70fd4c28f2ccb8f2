"""A small JavaScript/JSX lexer: where an expression or a tag ends, and the string literals inside.

MDX pages (and Svelte components' props) carry JavaScript: ``{expressions}``, JSX tags with
``{…}`` props, ``import`` lines. The segmenter never hands that code to a translator; it only
needs to know where it ends (strings, template literals and comments may hold braces and
``>``) and, for props holding text, where the human-readable string literals are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ESCAPE = re.compile(r"\\([\\'\"`$])")
_BAD_ESCAPE = re.compile(r"\\(?![\\'\"`$])|(?<!\\)(?:\\\\)*\\$")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_NAME = re.compile(r"[A-Za-z_$][\w$.:-]*")
_ATTR_NAME = re.compile(r"[A-Za-z_$][\w$:.-]*")


@dataclass(frozen=True, slots=True)
class JsString:
    """A string or template literal inside JavaScript: its content span and its quote."""

    start: int
    """Offset of the first character after the opening quote."""
    end: int
    """Offset of the closing quote."""
    quote: str
    """``'``, ``"`` or a backtick."""
    key: str | None
    """The object key or prop the literal is the value of (``title: '…'``), if any."""
    simple: bool
    """True when the content is plain text: no ``${…}``, and no escapes but ``\\``, ``\\'``,
    ``\\"``, ``\\` `` and ``\\$``."""
    value: str = ""
    """The content with those escapes decoded (what a reader sees)."""


def _skip_string(text: str, i: int, quote: str) -> int:
    """End (after the closing quote) of a string literal whose opening quote is at ``i``; -1 if open."""
    n = len(text)
    i += 1
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == quote:
            return i + 1
        if quote != "`" and ch == "\n":
            return -1
        if quote == "`" and ch == "$" and text.startswith("${", i):
            e = expression_end(text, i + 1)
            if e < 0:
                return -1
            i = e
            continue
        i += 1
    return -1


def _skip_comment(text: str, i: int) -> int:
    """End of a ``//`` or ``/* */`` comment starting at ``i``, or ``i`` when there is none."""
    if text.startswith("//", i):
        e = text.find("\n", i)
        return len(text) if e < 0 else e
    if text.startswith("/*", i):
        e = text.find("*/", i + 2)
        return -1 if e < 0 else e + 2
    return i


def expression_end(text: str, pos: int) -> int:
    """End (after ``}``) of the JavaScript ``{…}`` starting at ``pos``, or -1 when it is not closed.

    Strings, template literals (with nested ``${…}``) and comments are skipped, so braces
    and quotes inside them do not count.
    """
    depth = 0
    i = pos
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'`":
            e = _skip_string(text, i, ch)
            if e < 0:
                return -1
            i = e
            continue
        if ch == "/":
            e = _skip_comment(text, i)
            if e < 0:
                return -1
            if e > i:
                i = e
                continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def strings(text: str, start: int, end: int) -> list[JsString]:
    """The string and template literals of the JavaScript in ``text[start:end]``, in order.

    Each knows the object key (``title: '…'``) it is the value of. Literals nested in a
    template literal's ``${…}`` are not listed (that is code inside text).
    """
    found: list[JsString] = []
    i = start
    key: str | None = None
    while i < end:
        ch = text[i]
        if ch in "\"'`":
            e = _skip_string(text, i, ch)
            if e < 0 or e > end:
                return found
            content = text[i + 1 : e - 1]
            after = text[e:end].lstrip()
            if after.startswith(":") and ch != "`":  # a quoted object key
                key = content
            else:
                value = _ESCAPE.sub(r"\1", content)
                simple = not (ch == "`" and "${" in content) and not _BAD_ESCAPE.search(content)
                found.append(JsString(i + 1, e - 1, ch, key, simple, value))
                key = None
            i = e
            continue
        if ch == "/":
            e = _skip_comment(text, i)
            if e < 0:
                return found
            if e > i:
                i = e
                continue
        m = _IDENT.match(text, i) if (ch.isalpha() or ch in "_$") else None
        if m is not None:
            after = text[m.end() : end].lstrip()
            key = m.group(0) if after.startswith(":") and not after.startswith("::") else None
            i = m.end()
            continue
        if ch in ",;{}[]()":
            key = None
        i += 1
    return found


@dataclass(frozen=True, slots=True)
class JsxAttr:
    """A prop of a JSX tag: its name and, for a string value, the content span and quote."""

    name: str
    start: int = -1
    """Start of a string value's content, or of an expression value's ``{``; -1 without a value."""
    end: int = -1
    """End of a string value's content, or after an expression value's ``}``."""
    quote: str = ""
    """``"`` or ``'`` for a string value, ``{`` for an expression, empty without a value."""


@dataclass(frozen=True, slots=True)
class JsxTag:
    """A JSX tag: ``<Name …>``, ``</Name>``, ``<Name … />``, or a fragment ``<>``/``</>``."""

    start: int
    end: int
    name: str
    closing: bool = False
    self_closing: bool = False
    attrs: tuple[JsxAttr, ...] = ()


def _space(text: str, i: int) -> int:
    """Skip whitespace and JavaScript comments (allowed between props)."""
    n = len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        e = _skip_comment(text, i)
        if e <= i:
            return i
        i = e
    return i


def jsx_tag(text: str, pos: int) -> JsxTag | None:
    """Parse the JSX tag at ``pos`` (``text[pos] == '<'``); None when it is not a whole tag."""
    n = len(text)
    if pos >= n or text[pos] != "<":
        return None
    i = _space(text, pos + 1)
    closing = False
    if i < n and text[i] == "/":
        closing = True
        i = _space(text, i + 1)
    name = ""
    m = _NAME.match(text, i)
    if m is not None:
        name = m.group(0)
        i = m.end()
    elif i < n and text[i] == ">":
        return JsxTag(pos, i + 1, "", closing)
    else:
        return None
    attrs: list[JsxAttr] = []
    while True:
        i = _space(text, i)
        if i >= n:
            return None
        ch = text[i]
        if ch == ">":
            return JsxTag(pos, i + 1, name, closing, False, tuple(attrs))
        if text.startswith("/>", i) and not closing:
            return JsxTag(pos, i + 2, name, False, True, tuple(attrs))
        if closing:
            return None
        if ch == "{":  # {...spread}
            e = expression_end(text, i)
            if e < 0:
                return None
            attrs.append(JsxAttr("...", i, e, "{"))
            i = e
            continue
        am = _ATTR_NAME.match(text, i)
        if am is None:
            return None
        aname = am.group(0)
        i = _space(text, am.end())
        if i < n and text[i] == "=":
            i = _space(text, i + 1)
            if i >= n:
                return None
            q = text[i]
            if q in "\"'":
                e = text.find(q, i + 1)
                if e < 0:
                    return None
                attrs.append(JsxAttr(aname, i + 1, e, q))
                i = e + 1
            elif q == "{":
                e = expression_end(text, i)
                if e < 0:
                    return None
                attrs.append(JsxAttr(aname, i, e, "{"))
                i = e
            elif q == "<":
                inner = jsx_tag(text, i)
                if inner is None:
                    return None
                i = inner.end
            else:
                return None
        else:
            attrs.append(JsxAttr(aname))
