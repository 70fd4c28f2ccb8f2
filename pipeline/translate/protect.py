"""Markup out of the engine's reach: a msgid becomes prose with placeholders, and back.

Everything an engine must not touch becomes a placeholder before it sees the text: link
targets, inline code, HTML/JSX tags and their attributes, Svelte ``{expressions}``, entities,
backslash escapes, hard line breaks, URLs and glossary terms. Markup that wraps words
(emphasis, link text, an HTML element) becomes a *pair* around them, so the words inside
are translated and may move. The engine sees one small XML-like form::

    Read **the [plan](/plan#now)** at <https://x.org>.
    Read <g1><g2>the plan</g2></g1> at <x3/>.

``restore`` puts the markup back and refuses a reply whose placeholders did not all come
back exactly once, properly nested, with nothing added: the English stays instead.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline.segment.tags import ANY_TAG, VOID_ELEMENTS

_ATOMS: tuple[tuple[str, str], ...] = (
    ("code", r"(?P<ticks>`+)(?:.*?[^`])??(?P=ticks)(?!`)"),
    ("comment", r"<!--.*?-->"),
    ("autolink", r"<[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*>|<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>"),
    ("close_tag", r"</[A-Za-z][\w:.\-]*\s*>"),
    ("tag", r"<[A-Za-z][\w:.\-]*(?:\s+(?:[^<>{}\"']|\"[^\"]*\"|'[^']*'|\{[^{}]*\})*)?/?>"),
    ("expr", r"\{(?:[^{}]|\{[^{}]*\})*\}"),
    ("entity", r"&(?:\#\d{1,7}|\#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"),
    ("escape", r"\\[!-/:-@\[-`{-~]"),
    ("break", r"\n"),
    ("footnote", r"\[\^[^\]\s]+\]"),
    ("link_close", r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)|\]\[[^\]]*\]"),
    ("link_open", r"!?\["),
    ("url", r"(?:https?://|www\.)[^\s<>\[\]()]*[^\s<>\[\]().,;:!?'\"*_~]"),
    ("emphasis", r"\*+|_+|~~"),
    ("tag_start", r"</?[A-Za-z][\w:.\-]*"),  # a tag this lexer cannot read whole: its name at least
    ("brace", r"[{}]"),  # a brace of an expression that spans segments
)
_SCAN = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _ATOMS), re.DOTALL)
_TAG_NAME = re.compile(r"</?([A-Za-z][\w:.\-]*)")
_WORDLIKE = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Protected:
    """A msgid as the engine sees it, and what its placeholders stand for."""

    text: str
    """The engine's input: escaped prose with ``<xN/>`` atoms and ``<gN>…</gN>`` pairs."""
    atoms: Mapping[int, str]
    """Atom number -> the markup (or fixed glossary translation) it stands for."""
    pairs: Mapping[int, tuple[str, str]]
    """Pair number -> (opening markup, closing markup)."""
    glue: Mapping[str, tuple[bool, bool]]
    """Placeholder tag -> (no space before it, no space after it) in the English."""
    fragment: bool = False
    """The msgid holds a brace of a Svelte expression that spans segments: code, not prose to send."""

    @property
    def has_prose(self) -> bool:
        """True when there is something to translate besides placeholders."""
        return bool(_WORDLIKE.search(_PLACEHOLDER.sub(" ", self.text)))

    @property
    def prose_length(self) -> int:
        return len(html.unescape(_PLACEHOLDER.sub("", self.text)).strip())


@dataclass(frozen=True, slots=True)
class Glossary:
    """Terms an engine never sees: kept as they are, or translated one fixed way (per locale)."""

    keep: tuple[str, ...] = ()
    fixed: Mapping[str, str] | None = None

    def terms(self) -> dict[str, str]:
        out = {term: term for term in self.keep}
        out.update(self.fixed or {})
        return out


EMPTY_GLOSSARY = Glossary()

_PLACEHOLDER = re.compile(r"<(/?)([gx])(\d+)(/?)>")
_LOOSE_PLACEHOLDER = re.compile(r"<[ \t]*(/?)[ \t]*([gx])[ \t]*(\d+)[ \t]*(/?)[ \t]*>")


@dataclass(slots=True)
class _Tok:
    kind: str  # text | atom | open | close
    value: str
    group: str = ""  # what a pair is: '*', 'link', 'tag:b' …
    partner: int = -1


def _lex(msgid: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    for m in _SCAN.finditer(msgid):
        if m.start() > pos:
            out.append(_Tok("text", msgid[pos : m.start()]))
        kind = m.lastgroup or ""
        value = m.group(0)
        if kind == "code" and value.strip("`") == "":  # a lone run of backticks is literal text
            out.append(_Tok("atom", value))
        elif kind == "entity" and _plain_entity(value):
            out.append(_Tok("text", html.unescape(value)))  # the engine reads "we're", not "we&#39;re"
        elif kind == "brace":
            out.append(_Tok("atom", value, "brace"))
        elif kind == "link_open":
            out.append(_Tok("open", value, "link"))
        elif kind == "link_close":
            out.append(_Tok("close", value, "link"))
        elif kind == "tag":
            name = _TAG_NAME.match(value)
            tag = name.group(1).lower() if name else ""
            if value.endswith("/>") or tag in VOID_ELEMENTS:
                out.append(_Tok("atom", value))
            else:
                out.append(_Tok("open", value, "tag:" + tag))
        elif kind == "close_tag":
            name = _TAG_NAME.match(value)
            out.append(_Tok("close", value, "tag:" + (name.group(1).lower() if name else "")))
        elif kind == "emphasis":
            out.append(_emphasis(msgid, m.start(), m.end(), value))
        else:
            out.append(_Tok("atom", value))
        pos = m.end()
    if pos < len(msgid):
        out.append(_Tok("text", msgid[pos:]))
    return out


_MARKDOWN_SPECIAL = frozenset("<>&*_[]()`{}#|~\\!")


def _plain_entity(value: str) -> bool:
    """An entity for an ordinary character (``&#39;``, ``&nbsp;``, ``&rsquo;``): the engine gets the
    character, and the translation carries it as such (it renders the same). Entities that keep
    markup from being markup (``&lt;``, ``&amp;``, ``&#42;``) stay placeholders."""
    char = html.unescape(value)
    return char != value and len(char) == 1 and char not in _MARKDOWN_SPECIAL and (char.isprintable() or char == "\xa0")


def _emphasis(text: str, start: int, end: int, run: str) -> _Tok:
    """A delimiter run: may it open, close, or neither (then it is plain text or an atom)?"""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    opens = not after.isspace()
    closes = not before.isspace()
    if run[0] == "_":  # intraword underscores are plain text (snake_case)
        opens = opens and not before.isalnum()
        closes = closes and not after.isalnum()
        if not opens and not closes:
            return _Tok("text", run)
    if opens and closes:
        return _Tok("either", run, run)
    if opens:
        return _Tok("open", run, run)
    if closes:
        return _Tok("close", run, run)
    return _Tok("atom", run)


def _pair(tokens: list[_Tok]) -> None:
    """Match openers with closers (one stack for all kinds); the unmatched become atoms or text."""
    stack: list[int] = []
    for i, tok in enumerate(tokens):
        if tok.kind == "either":
            if any(tokens[j].group == tok.group for j in stack):
                tok.kind = "close"
            else:
                tok.kind = "open"
        if tok.kind == "open":
            stack.append(i)
        elif tok.kind == "close":
            at = next((k for k in range(len(stack) - 1, -1, -1) if tokens[stack[k]].group == tok.group), None)
            if at is None:
                tok.kind = "atom"
                continue
            for j in stack[at + 1 :]:
                tokens[j].kind = "atom"
            opener = stack[at]
            del stack[at:]
            tokens[opener].partner = i
            tok.partner = opener
    for j in stack:
        tokens[j].kind = "atom"
    for tok in tokens:
        if tok.kind == "atom" and tok.group == "link" and tok.value in ("[", "!["):
            tok.kind = "text"  # a bracket that opens nothing is text


def protect(msgid: str, glossary: Glossary = EMPTY_GLOSSARY) -> Protected:
    """The engine's input for ``msgid``, with every piece of markup behind a placeholder."""
    tokens = _lex(msgid)
    _pair(tokens)
    terms = glossary.terms()
    term_re = _term_pattern(tuple(sorted(terms, key=len, reverse=True))) if terms else None
    parts: list[str] = []
    atoms: dict[int, str] = {}
    pairs: dict[int, tuple[str, str]] = {}
    glue: dict[str, tuple[bool, bool]] = {}
    number_of: dict[int, int] = {}
    n = 0
    # raw neighbours of each placeholder, for its glue: (text before, text after)
    spans: list[tuple[str, str, int]] = []  # (tag, kind, token index)
    for i, tok in enumerate(tokens):
        if tok.kind == "text":
            if term_re is None:
                parts.append(_escape(tok.value))
                continue
            pos = 0
            for m in term_re.finditer(tok.value):
                parts.append(_escape(tok.value[pos : m.start()]))
                n += 1
                atoms[n] = terms[m.group(0)]
                parts.append(f"<x{n}/>")
                glue[f"<x{n}/>"] = (_glued(tok.value[: m.start()], True), _glued(tok.value[m.end() :], False))
                pos = m.end()
            parts.append(_escape(tok.value[pos:]))
            continue
        if tok.kind == "atom":
            n += 1
            atoms[n] = tok.value
            tag = f"<x{n}/>"
        elif tok.kind == "open":
            n += 1
            number_of[i] = n
            pairs[n] = (tok.value, tokens[tok.partner].value)
            tag = f"<g{n}>"
        else:
            tag = f"</g{number_of[tok.partner]}>"
        spans.append((tag, tok.kind, i))
        parts.append(tag)
    for tag, _kind, i in spans:
        before = "".join(t.value for t in tokens[:i])
        after = "".join(t.value for t in tokens[i + 1 :])
        glue[tag] = (_glued(before, True), _glued(after, False))
    fragment = any(t.kind == "atom" and t.group == "brace" for t in tokens)
    return Protected("".join(parts), atoms, pairs, glue, fragment)


def _term_pattern(terms: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)")


def _glued(text: str, before: bool) -> bool:
    """No space between a placeholder and its neighbour on that side (and there is one)."""
    if not text:
        return False
    ch = text[-1] if before else text[0]
    return not ch.isspace()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True, slots=True)
class Restored:
    """An engine's reply with the markup put back, or why it cannot be."""

    text: str | None
    reason: str = ""


_PUNCT = re.compile(r"[.,;:!?)\]»”’%]")
_OPEN_PUNCT = re.compile(r"[(\[«“‘¿¡]")


def restore(reply: str, protected: Protected) -> Restored:
    """Put the markup back into an engine's reply; refuse anything that does not add up."""
    reply = _LOOSE_PLACEHOLDER.sub(r"<\1\2\3\4>", reply.strip())  # "<x1 />", as LLMs sometimes write it
    if "\n" in reply:
        return Restored(None, "the reply has more lines than the English (commentary?)")
    tags = [m.group(0) for m in _PLACEHOLDER.finditer(reply)]
    stray = ANY_TAG.findall(_PLACEHOLDER.sub("", reply))
    if stray:
        return Restored(None, f"the reply adds markup {stray[0]!r}")
    expected = [t for t in _PLACEHOLDER.findall(protected.text)]
    wanted = sorted(f"<{a}{b}{c}{d}>" for a, b, c, d in expected)
    if sorted(tags) != wanted:
        missing = sorted(set(wanted) - set(tags))
        extra = sorted(set(tags) - set(wanted))
        what = (
            f"lost {', '.join(missing)}"
            if missing
            else f"added {', '.join(extra)}"
            if extra
            else "repeated a placeholder"
        )
        return Restored(None, f"placeholders did not come back exactly ({what}): markup, a URL or code was changed")
    parents = _parents(tags)
    if parents is None:
        return Restored(None, "placeholders came back crossed or out of order (markup would break)")
    if parents != _parents([m.group(0) for m in _PLACEHOLDER.finditer(protected.text)]):
        return Restored(None, "placeholders came back nested differently (a link or code moved into or out of another)")
    text = _tidy(reply, protected)
    pieces: list[str] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(text):
        pieces.append(html.unescape(text[pos : m.start()]))
        number = int(m.group(3))
        if m.group(2) == "x":
            pieces.append(protected.atoms[number])
        else:
            pieces.append(protected.pairs[number][1 if m.group(1) else 0])
        pos = m.end()
    pieces.append(html.unescape(text[pos:]))
    out = re.sub(r"[ \t]*\n[ \t]*", "\n", "".join(pieces)).strip()
    return Restored(out)


def _parents(tags: list[str]) -> dict[str, str] | None:
    """Each placeholder's enclosing pair (``""`` at the top); None when pairs cross."""
    stack: list[str] = []
    parents: dict[str, str] = {}
    for tag in tags:
        m = _PLACEHOLDER.match(tag)
        assert m is not None
        name = m.group(2) + m.group(3)
        if m.group(2) == "x":
            parents[name] = stack[-1] if stack else ""
        elif m.group(1) == "":
            parents[name] = stack[-1] if stack else ""
            stack.append(name)
        elif not stack or stack.pop() != name:
            return None
    return parents


def _tidy(reply: str, protected: Protected) -> str:
    """Spaces as the English had them next to markup: none just inside a pair, none where the
    English glued a placeholder to punctuation (engines like to write ``<x1/> .``)."""
    text = re.sub(r"[ \t\r\n]+", " ", reply)  # a no-break space stays
    text = re.sub(r"(<g(\d+)>) (</g\2>)", "\\1\0\\3", text)  # a pair around a space keeps it
    text = re.sub(r"(<g\d+>) +", r" \1", text)
    text = re.sub(r" +(</g\d+>)", r"\1 ", text)
    parts = _PLACEHOLDER.split(text)
    # split keeps 4 groups per placeholder: rebuild as [text, tag, text, tag, …, text]
    seq: list[str] = []
    for i in range(0, len(parts), 5):
        seq.append(parts[i])
        if i + 4 < len(parts):
            seq.append(f"<{parts[i + 1]}{parts[i + 2]}{parts[i + 3]}{parts[i + 4]}>")
    for k in range(1, len(seq), 2):
        glue_before, glue_after = protected.glue.get(seq[k], (False, False))
        after = seq[k + 1]
        if glue_after and after.startswith(" ") and _PUNCT.match(after[1:2]):
            seq[k + 1] = after[1:]
        before = seq[k - 1]
        if glue_before and before.endswith(" ") and _OPEN_PUNCT.match(before[-2:-1]):
            seq[k - 1] = before[:-1]
    return re.sub(r" {2,}", " ", "".join(seq)).strip().replace("\0", " ")
