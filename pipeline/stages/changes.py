"""What changed between two English msgids, and carrying that change into a translation.

A msgid is raw inline markdown (soft breaks already spaces), so the two versions are cut
into tokens with a *role* (word, url, code span, emphasis marker, HTML tag …) by one small
lexer, aligned with difflib, and every difference is put in a class:

* ``layout``: the rendered page is the same (a run of spaces, ``*x*`` vs ``_x_``, an
  escape or entity for the same character, an HTML comment);
* ``url``: only link targets (``](…)``, ``<…>`` autolinks, bare URLs, ``href``/``src``);
* ``code``: only inline code spans or Svelte ``{expressions}``;
* ``number``: only numbers in the text;
* ``markup``: emphasis, links, HTML tags or line breaks added, removed or changed;
* ``text``: words or punctuation.

A change made only of token *replacements* can be carried into a translation: each old
token must occur in the translation, in the same role, as often as in the old English
(``once`` in the usual case), and every one of them changed the same way. Layout changes
never make a translation wrong, so one that cannot be mirrored leaves it as it is. Adding
or removing markup around the whole text (``**…**``, ``<u>…</u>``) carries as a wrap.
Anything else returns ``None``: the caller makes the entry fuzzy.

Pure functions of strings; no I/O.
"""

from __future__ import annotations

import difflib
import html
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from pipeline.segment.core import MD
from pipeline.segment.html import brace_end
from pipeline.stages.update_options import CARRYABLE as CARRYABLE  # re-exported
from pipeline.stages.update_options import DEFAULT_AUTO_CARRY as DEFAULT_AUTO_CARRY
from pipeline.stages.update_options import ChangeClass as ChangeClass

_ORDER = tuple(ChangeClass)


class Role(StrEnum):
    """What a token is in inline markdown; carrying only replaces a token in the same role."""

    WORD = "word"
    NUMBER = "number"
    PUNCT = "punct"
    SPACE = "space"
    BREAK = "break"  # a hard line break (``\\n`` in the msgid)
    ESCAPE = "escape"  # ``\\*``
    ENTITY = "entity"  # ``&amp;``
    CODE = "code"  # a whole code span, backticks included
    EXPR = "expr"  # a Svelte ``{expression}``
    URL = "url"  # link destination, autolink, bare URL
    LINK = "link"  # ``[``, ``](``, ``)``, ``![``, ``][``
    TITLE = "title"  # a link title ``"…"``
    MARKER = "marker"  # an emphasis delimiter run: ``*``, ``__``
    TAG = "tag"  # a whole HTML tag
    COMMENT = "comment"  # ``<!-- … -->``


@dataclass(frozen=True, slots=True)
class Token:
    """A piece of a msgid: its role and text, and where it is (``[start, end)``)."""

    role: Role
    text: str
    start: int
    end: int

    @property
    def key(self) -> tuple[Role, str]:
        return (self.role, self.text)


# --------------------------------------------------------------------------- lexer

_ESCAPABLE = re.compile(r"\\[!-/:-@\[-`{-~]")
_BACKTICKS = re.compile(r"`+")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>")
_TAG = re.compile(
    r"</?[A-Za-z][A-Za-z0-9:._-]*"
    r"(?:\s+[^<>\s=/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|\{[^{}]*\}|[^\s\"'=<>`]+))?)*\s*/?>"
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BARE_URL = re.compile(r"(?:https?://|mailto:|www\.)[^\s<>\[\]()]*[^\s<>\[\]().,;:!?'\"*_]")
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_WORD = re.compile(r"[^\W\d_]+")
_SPACE = re.compile(r"[ \t]+")
_MARKERS = re.compile(r"\*+|_+|~+")
_TITLE = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)")


def _destination(text: str, pos: int) -> list[Token] | None:
    """Tokens of a link's ``(destination "title")`` tail after ``](``; None if it is not one."""
    out: list[Token] = []
    i = pos
    n = len(text)
    if i < n and text[i] == "<":
        e = text.find(">", i)
        if e < 0 or "\n" in text[i:e]:
            return None
        out.append(Token(Role.URL, text[i : e + 1], i, e + 1))
        i = e + 1
    else:
        depth = 0
        j = i
        while j < n:
            ch = text[j]
            if ch == "\\" and j + 1 < n:
                j += 2
                continue
            if ch in " \t\n":
                break
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            j += 1
        if depth:
            return None
        if j > i:
            out.append(Token(Role.URL, text[i:j], i, j))
        i = j
    m = _SPACE.match(text, i)
    if m and m.end() < n and text[m.end()] != ")":
        t = _TITLE.match(text, m.end())
        if not t:
            return None
        out.append(Token(Role.SPACE, m.group(0), i, m.end()))
        out.append(Token(Role.TITLE, t.group(0), t.start(), t.end()))
        i = t.end()
        m = _SPACE.match(text, i)
    if m:
        out.append(Token(Role.SPACE, m.group(0), i, m.end()))
        i = m.end()
    if i >= n or text[i] != ")":
        return None
    out.append(Token(Role.LINK, ")", i, i + 1))
    return out


def tokens(text: str) -> tuple[Token, ...]:
    """Cut inline markdown into role-tagged tokens that cover ``text`` exactly."""
    out: list[Token] = []
    i = 0
    n = len(text)

    def add(role: Role, end: int) -> None:
        nonlocal i
        out.append(Token(role, text[i:end], i, end))
        i = end

    while i < n:
        ch = text[i]
        if ch == "\\" and (m := _ESCAPABLE.match(text, i)):
            add(Role.ESCAPE, m.end())
        elif ch == "`":
            run = _BACKTICKS.match(text, i)
            assert run is not None
            close = re.compile(rf"(?<!`){re.escape(run.group(0))}(?!`)").search(text, run.end())
            if close:
                add(Role.CODE, close.end())
            else:
                add(Role.PUNCT, run.end())
        elif ch == "<" and (m := _COMMENT.match(text, i) or _AUTOLINK.match(text, i) or _TAG.match(text, i)):
            role = Role.COMMENT if m.re is _COMMENT else Role.URL if m.re is _AUTOLINK else Role.TAG
            add(role, m.end())
        elif ch == "{" and (e := brace_end(text, i)) > 0:
            add(Role.EXPR, e)
        elif ch == "&" and (m := _ENTITY.match(text, i)):
            add(Role.ENTITY, m.end())
        elif ch == "!" and text.startswith("![", i):
            add(Role.LINK, i + 2)
        elif ch == "[":
            add(Role.LINK, i + 1)
        elif ch == "]" and text.startswith("](", i) and (tail := _destination(text, i + 2)) is not None:
            add(Role.LINK, i + 2)
            out.extend(tail)
            i = tail[-1].end
        elif ch == "]" and (m := re.compile(r"\]\[([^\[\]]*)\]").match(text, i)):
            out.append(Token(Role.LINK, "][", i, i + 2))
            if m.group(1):
                out.append(Token(Role.URL, m.group(1), i + 2, m.end() - 1))
            out.append(Token(Role.LINK, "]", m.end() - 1, m.end()))
            i = m.end()
        elif ch == "]":
            add(Role.LINK, i + 1)
        elif ch == "\n":
            add(Role.BREAK, i + 1)
        elif m := _SPACE.match(text, i):
            add(Role.SPACE, m.end())
        elif m := _BARE_URL.match(text, i):
            add(Role.URL, m.end())
        elif m := _MARKERS.match(text, i):
            add(Role.MARKER, m.end())
        elif m := _NUMBER.match(text, i):
            add(Role.NUMBER, m.end())
        elif m := _WORD.match(text, i):
            add(Role.WORD, m.end())
        else:
            add(Role.PUNCT, i + 1)
    return tuple(out)


# --------------------------------------------------------------------------- classify

_CONTENT = frozenset({Role.WORD, Role.NUMBER, Role.PUNCT, Role.SPACE, Role.ESCAPE, Role.ENTITY, Role.TITLE})
"""Roles whose insertion or removal changes what the text says."""
_WRAP = frozenset({Role.MARKER, Role.TAG, Role.SPACE, Role.BREAK})
"""Roles allowed in markup wrapped around the whole text."""
_URL_ATTRS = frozenset({"href", "src", "srcset", "action", "poster", "cite", "data"})
_ATTR = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|\{[^{}]*\}|[^\s\"'=<>`]+))?")


def _literal(tok: Token) -> str | None:
    """The one character an escape, entity or punctuation token stands for."""
    if tok.role is Role.ESCAPE:
        return tok.text[1:]
    if tok.role is Role.ENTITY:
        value = html.unescape(tok.text)
        return value if value != tok.text else None
    if tok.role in (Role.PUNCT, Role.MARKER) and len(tok.text) == 1:
        return tok.text
    return None


def _tag_parts(tag: str) -> tuple[str, dict[str, str]]:
    m = re.match(r"</?([A-Za-z][A-Za-z0-9:._-]*)", tag)
    name = m.group(1).lower() if m else ""
    rest = tag[m.end() if m else 0 :].rstrip(">").rstrip("/")
    attrs = {a.group(1).lower(): a.group(2) or "" for a in _ATTR.finditer(rest)}
    return ("/" if tag.startswith("</") else "") + name, attrs


def _pair_class(old: Token, new: Token) -> ChangeClass:
    """Class of one token replaced by another."""
    a, b = old.role, new.role
    if a is b:
        if a is Role.SPACE or a is Role.COMMENT:
            return ChangeClass.LAYOUT
        if a is Role.URL:
            return ChangeClass.URL
        if a in (Role.CODE, Role.EXPR):
            return ChangeClass.CODE
        if a is Role.NUMBER:
            return ChangeClass.NUMBER
        if a is Role.MARKER:
            same_shape = len(old.text) == len(new.text) and old.text[0] in "*_" and new.text[0] in "*_"
            return ChangeClass.LAYOUT if same_shape else ChangeClass.MARKUP
        if a is Role.TAG:
            (name_a, attrs_a), (name_b, attrs_b) = _tag_parts(old.text), _tag_parts(new.text)
            if name_a != name_b or attrs_a.keys() != attrs_b.keys():
                return ChangeClass.MARKUP
            changed = {k for k in attrs_a if attrs_a[k] != attrs_b[k]}
            if not changed:
                return ChangeClass.LAYOUT
            return ChangeClass.URL if changed <= _URL_ATTRS else ChangeClass.MARKUP
        if a in (Role.LINK, Role.BREAK):
            return ChangeClass.MARKUP
    if {a, b} == {Role.SPACE, Role.BREAK}:
        return ChangeClass.MARKUP
    if {a, b} <= {Role.ESCAPE, Role.ENTITY, Role.PUNCT, Role.MARKER}:
        la, lb = _literal(old), _literal(new)
        if la is not None and la == lb:
            return ChangeClass.LAYOUT
        return ChangeClass.TEXT
    if a in _CONTENT or b in _CONTENT or a in (Role.CODE, Role.EXPR) or b in (Role.CODE, Role.EXPR):
        return ChangeClass.TEXT
    return ChangeClass.MARKUP


def _lone_class(tok: Token) -> ChangeClass:
    """Class of a token added or removed without a counterpart."""
    if tok.role in _CONTENT or tok.role in (Role.CODE, Role.EXPR):
        return ChangeClass.TEXT
    if tok.role is Role.COMMENT:
        return ChangeClass.LAYOUT
    return ChangeClass.MARKUP


@dataclass(frozen=True, slots=True)
class Edit:
    """Every ``old`` token in ``role`` became ``new``; ``count`` is how often in the old English."""

    cls: ChangeClass
    role: Role
    old: str
    new: str
    count: int

    def describe(self) -> str:
        return f"{json.dumps(self.old, ensure_ascii=False)} -> {json.dumps(self.new, ensure_ascii=False)}"


@dataclass(frozen=True, slots=True)
class Wrap:
    """Markup added (``add``) or removed around the whole text."""

    prefix: str
    suffix: str
    add: bool

    def describe(self) -> str:
        verb = "added" if self.add else "removed"
        return f"{verb} around the text: {json.dumps(self.prefix, ensure_ascii=False)} … " + json.dumps(
            self.suffix, ensure_ascii=False
        )


@dataclass(frozen=True, slots=True)
class Change:
    """The difference between an old and a new English msgid."""

    classes: frozenset[ChangeClass]
    """Every class that occurs (empty when the two are equal)."""
    edits: tuple[Edit, ...] = ()
    """Token replacements, grouped; meaningful only when ``replayable``."""
    wrap: Wrap | None = None
    replayable: bool = False
    """True when the change is only replacements (and a wrap), so it can be applied elsewhere."""

    @property
    def kind(self) -> ChangeClass | None:
        """The headline class: ``text`` if any words changed, else the first class in order."""
        return next((c for c in _ORDER if c in self.classes), None)

    @property
    def label(self) -> str:
        """Classes joined with ``+`` in a fixed order (``url+code``), ``text`` when text changed."""
        if ChangeClass.TEXT in self.classes:
            return ChangeClass.TEXT.value
        return "+".join(c.value for c in _ORDER if c in self.classes) or "none"


def classify(old: str, new: str) -> Change:
    """Classify how ``new`` differs from ``old`` and describe it as carryable edits when possible."""
    if old == new:
        return Change(frozenset())
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, [t.key for t in a], [t.key for t in b], autojunk=False)
    opcodes = matcher.get_opcodes()
    pairs: list[tuple[Token, Token, ChangeClass]] = []
    lone: list[Token] = []  # tokens added or removed without a counterpart
    wrap = _wrap(a, b, opcodes)
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal" or wrap is not None:  # a wrap is every difference there is
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            pairs += [(x, y, _pair_class(x, y)) for x, y in zip(a[i1:i2], b[j1:j2], strict=True)]
        else:
            lone += [*a[i1:i2], *b[j1:j2]]
    layout = [(x, y) for x, y, cls in pairs if cls is ChangeClass.LAYOUT]
    if layout and not same_rendering(old, _apply(old, layout)):
        # e.g. an escape dropped that makes emphasis appear: not layout after all
        pairs = [(x, y, ChangeClass.MARKUP if cls is ChangeClass.LAYOUT else cls) for x, y, cls in pairs]
    lone_classes = [_lone_class(t) for t in lone]
    roles = {t.role for t in lone}
    if Role.COMMENT in roles and roles <= {Role.COMMENT, Role.SPACE}:
        # an HTML comment added or removed with the spaces around it: layout if nothing else shows
        only_lone = _apply(new, [(y, x) for x, y, _ in pairs])
        if same_rendering(old, only_lone):
            lone_classes = [ChangeClass.LAYOUT] * len(lone)
    classes = {cls for _, _, cls in pairs} | set(lone_classes) | ({ChangeClass.MARKUP} if wrap else set())
    # an HTML comment added or removed is layout: nothing to carry, nothing wrong
    replayable = all(c is ChangeClass.LAYOUT for c in lone_classes) and ChangeClass.TEXT not in classes
    edits = _group(pairs, a) if replayable else None
    if edits is None:
        return Change(frozenset(classes))
    return Change(frozenset(classes), edits, wrap, True)


def _apply(text: str, pairs: Sequence[tuple[Token, Token]]) -> str:
    """``text`` with some of its tokens replaced."""
    for x, y in sorted(pairs, key=lambda p: p[0].start, reverse=True):
        text = text[: x.start] + y.text + text[x.end :]
    return text


def same_rendering(old: str, new: str) -> bool:
    """True when two msgids render to the same inline HTML (runs of white space count as one)."""
    return _render(old) == _render(new)


def _render(text: str) -> str:
    return " ".join(_COMMENT.sub("", MD.renderInline(text)).split())


def _wrap(a: Sequence[Token], b: Sequence[Token], opcodes: Sequence[tuple[str, int, int, int, int]]) -> Wrap | None:
    """Markup inserted (or deleted) only at both ends, the rest equal: a wrap around the text."""
    changed = [op for op in opcodes if op[0] != "equal"]
    if not changed or any(op[0] not in ("insert", "delete") for op in changed):
        return None
    kinds = {op[0] for op in changed}
    if len(kinds) != 1:
        return None
    add = kinds == {"insert"}
    side = b if add else a
    prefix: list[Token] = []
    suffix: list[Token] = []
    for _, i1, i2, j1, j2 in changed:
        lo, hi = (j1, j2) if add else (i1, i2)
        toks = list(side[lo:hi])
        if any(t.role not in _WRAP for t in toks) or not any(t.role in (Role.MARKER, Role.TAG) for t in toks):
            return None
        if lo == 0:
            prefix = toks
        elif hi == len(side):
            suffix = toks
        else:
            return None
    if not prefix and not suffix:
        return None
    return Wrap("".join(t.text for t in prefix), "".join(t.text for t in suffix), add)


def _group(pairs: list[tuple[Token, Token, ChangeClass]], old: Sequence[Token]) -> tuple[Edit, ...] | None:
    """Group replacements by old token; None when one token changed in two ways."""
    found: dict[tuple[Role, str], tuple[str, ChangeClass, int]] = {}
    for x, y, cls in pairs:
        prior = found.get(x.key)
        if prior is not None and prior[0] != y.text:
            return None
        found[x.key] = (y.text, cls, (prior[2] if prior else 0) + 1)
    counts = Counter(t.key for t in old)
    edits: list[Edit] = []
    for (role, text), (new, cls, changed) in found.items():
        if counts[(role, text)] != changed:
            if cls is ChangeClass.LAYOUT:
                continue  # some occurrences changed, some not: nothing to mirror, nothing wrong
            return None
        edits.append(Edit(cls, role, text, new, changed))
    return tuple(edits)


# --------------------------------------------------------------------------- carry


@dataclass(frozen=True, slots=True)
class Carried:
    """A translation with an English change applied, and what was done, for a comment."""

    msgstr: str
    classes: frozenset[ChangeClass]
    notes: tuple[str, ...]


def carry(change: Change, msgstr: str, allowed: Iterable[ChangeClass] = DEFAULT_AUTO_CARRY) -> Carried | None:
    """Apply ``change`` to a translation, or None when it is not allowed or not unambiguous."""
    allow = frozenset(allowed)
    if not change.replayable or not change.classes or not change.classes <= allow:
        return None
    toks = tokens(msgstr)
    where: dict[tuple[Role, str], list[Token]] = {}
    for t in toks:
        where.setdefault(t.key, []).append(t)
    replacements: list[tuple[int, int, str]] = []
    notes: list[str] = []
    for edit in change.edits:
        found = where.get((edit.role, edit.old), [])
        if len(found) != edit.count:
            if edit.cls is ChangeClass.LAYOUT:
                notes.append(f"{edit.cls.value}: {edit.describe()} (translation left as it is)")
                continue
            return None
        replacements += [(t.start, t.end, edit.new) for t in found]
        notes.append(f"{edit.cls.value}: {edit.describe()}")
    out = msgstr
    for start, end, new in sorted(replacements, reverse=True):
        out = out[:start] + new + out[end:]
    if change.wrap is not None:
        w = change.wrap
        if w.add:
            out = w.prefix + out + w.suffix
        elif out.startswith(w.prefix) and out.endswith(w.suffix) and len(out) >= len(w.prefix) + len(w.suffix):
            out = out[len(w.prefix) : len(out) - len(w.suffix)]
        else:
            return None
        notes.append(f"{ChangeClass.MARKUP.value}: {w.describe()}")
    if not out.strip():
        return None
    if not notes:
        notes.append(f"{ChangeClass.LAYOUT.value}: translation left as it is")
    return Carried(out, change.classes, tuple(notes))
