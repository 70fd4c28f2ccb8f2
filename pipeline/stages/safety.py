"""What a translation may not add to a page: scripts, frames, handlers, dangerous URLs, code.

``build`` never emits a msgstr for which ``unsafe_reason`` returns a reason (the English
falls back in); ``check`` reports the same reason as an ``unsafe`` error.

The rule is a comparison with the English: a translation may carry the markup its msgid
carries (the same tags, attributes, URL schemes and Svelte expressions, in any order) and
nothing more. Both texts are read four ways (``_VIEWS``): as written and *folded* (entities
decoded repeatedly, Unicode compatibility forms and case folded, invisible characters
dropped), each with and without markdown code spans; the translation may add nothing in
any reading. So hiding markup behind ``&#x6a;``, ``JaVaScRiPt``, a tab or a zero-width
space, or moving the English's `` `<script>` `` out of its backticks, does not get it past.
Erring this way only ever falls back to English.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import lru_cache

from markdown_it.common.html_re import HTML_TAG_RE
from markdown_it.helpers import parseLinkDestination

from pipeline.model import Kind
from pipeline.segment.html import brace_end
from pipeline.stages.links import link_destinations

_DANGEROUS_TAGS = frozenset(
    {
        "script",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "style",
        "link",
        "meta",
        "base",
        "form",
        "input",
        "button",
        "textarea",
        "select",
        "svg",
        "math",
        "template",
        "noscript",
        "portal",
        "svelte:head",
        "svelte:window",
        "svelte:body",
        "svelte:document",
        "svelte:element",
        "svelte:component",
    }
)
"""Tags named in the reason as dangerous (any other added tag is refused too, as added HTML)."""

_SCRIPT_SCHEMES = ("javascript", "vbscript", "livescript", "mocha")
_URL_SCHEMES = frozenset({*_SCRIPT_SCHEMES, "data"})

# A tag as an HTML tokenizer starts one: '<' then a letter (no space between), or '</'.
_TAG_START = re.compile(r"<(/?)([a-z][^\s/>]*)")
_ATTR = re.compile(r"""[\s/]*(?P<name>[^\s"'>/=]+)(?:\s*=\s*(?P<value>"[^"]*"?|'[^']*'?|\{[^{}]*\}?|[^\s>]*))?""")
_ANGLE_DEST = re.compile(r"\]\([ \t]*\n?[ \t]*(?=<)|^[ \t]{0,3}\[[^\]]+\]:[ \t]*\n?[ \t]*(?=<)", re.MULTILINE)
_AUTOLINK = re.compile(r"<([a-z][a-z0-9+.\-]{1,31}):")
_LINK_DEST = re.compile(r"\]\(\s*<?([^\s)>]*)")
_REF_DEF = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]*<?(\S*)", re.MULTILINE)
_DATA_URL = re.compile(r"data:(?:[a-z]+/[a-z0-9.+\-]+|,|;base64)")
_HTML_BLOCK = re.compile(r"(?:^|\n)[ \t]{0,3}<(?:[a-z]|!--|/|\?|!)", re.IGNORECASE)
_SPECIAL_MARKUP = re.compile(r"<!--|<!\[cdata\[|<![a-z]|<\?")
_SPECIAL_NAMES = {"<!--": "<!--", "<![cdata[": "<![CDATA[", "<?": "<?"}
_CODE_SPAN = re.compile(r"(`+)(?:.*?[^`])?\1(?!`)", re.DOTALL)
_TRAILING_HEADING_ID = re.compile(r"[ \t]*\{#[\w-]+\}[ \t]*$")
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]+")
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_TRIGGER = re.compile(r"[<:{]")
_PLACEHOLDER = re.compile(r"\{[A-Za-z_$][\w$]*\}")
_BLANKS = re.compile(r"\s+")
_SCHEME_IN_JUNK = re.compile(
    "|".join(r"[\x00-\x20\x7f\\]*".join(map(re.escape, scheme + ":")) for scheme in sorted(_URL_SCHEMES))
)
"""A dangerous ``scheme:`` with URL junk (blanks, controls) or backslashes anywhere in it: it
reads as the scheme once the junk is dropped and the backslash escapes are gone (rendered)."""


def unsafe_reason(msgid: str, msgstr: str, kind: Kind | None = None, *, markdown: bool = True) -> str | None:
    """Why ``msgstr`` may not replace ``msgid`` on a page, or None when it is safe.

    ``kind`` (the segment's construct, when known) relaxes two things: a trailing
    ``{#id}`` is allowed in headings (build drops it and keeps the English id) and when
    the kind is unknown; braces are plain text in front-matter values (the layout shows
    them as data), while anywhere else Svelte would run them as code. ``markdown=False``
    is for strings that are not markdown (UI messages): a leading tag cannot open a raw
    HTML block there, and braces are message placeholders (checked by their reader), so
    only added tags, attributes, handlers and URLs count.
    """
    if not msgstr or msgstr == msgid:
        return None
    if kind in (None, Kind.HEADING) and "{" in msgstr:
        msgstr = _TRAILING_HEADING_ID.sub("", msgstr)
    folded = fold(msgstr)
    if not _TRIGGER.search(folded) and not _TRIGGER.search(msgstr):
        return None  # no '<', ':' or '{' in any reading: no tag, URL or code can be there
    markup = "<" in folded or "{" in folded or "<" in msgstr or "{" in msgstr
    if not markup and not _SCHEME_IN_JUNK.search(folded):
        return None  # ':' only in prose ("Note: …"): no tag, no code, no dangerous scheme
    code = markdown and kind is not Kind.FRONT_MATTER  # UI strings: braces are placeholders, checked elsewhere
    added: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for view, english in zip(_VIEWS, _english_views(msgid), strict=True):
        pair = (english, folded if view is fold else view(msgstr))
        if pair in seen:
            continue  # without code spans, the code-free views repeat the first two
        seen.add(pair)
        src = _english_features(pair[0], code)
        dst = _features_of(pair[1], code)
        added.extend(key for key in dst if dst[key] > src[key])
    if added:
        return _describe(min(added, key=_rank))
    if markdown and _HTML_BLOCK.search(msgstr) and not _HTML_BLOCK.search(msgid):
        return "starts a raw HTML block that the English does not have"
    return None


# --------------------------------------------------------------------------- features


@lru_cache(maxsize=1024)
def fold(text: str) -> str:
    """The text a browser, markdown or Svelte may end up seeing, made comparable.

    Cached: build asks it of each translation twice (``unsafe_reason``, ``placeholders``) and of
    each msgid once per locale.

    Entities are decoded until nothing changes (three rounds cover double encoding),
    compatibility characters are folded (NFKC: full-width ``＜`` becomes ``<``), case is
    folded, and control and format characters (NUL, zero-width spaces, bidi marks) other
    than tab and newline are dropped.
    """
    out = text
    for _ in range(3):
        decoded = html.unescape(out)
        if decoded == out:
            break
        out = decoded
    if out.isascii():  # the common case, without a pass over every character in Python
        return _ASCII_CONTROL.sub("", out.lower())
    out = unicodedata.normalize("NFKC", out).casefold()
    return out.translate(_invisible()) if _invisible_pattern().search(out) else out


@lru_cache(maxsize=1)
def _invisible_pattern() -> re.Pattern[str]:
    """The characters ``_invisible`` deletes, as one character class: finding out that a text
    has none (the common case) is much quicker than translating it."""
    ranges: list[list[int]] = []
    for c in sorted(_invisible()):
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]")


@lru_cache(maxsize=1)
def _invisible() -> dict[int, None]:
    """A ``str.translate`` table deleting control and format characters but tab and newline.

    Built once from the Unicode database over the planes that have such characters (BMP,
    SMP and the tag plane), so folding a long text is one C-level pass, not a Python loop.
    """
    ranges = (range(0x0, 0x20000), range(0xE0000, 0xE1000))
    return {c: None for r in ranges for c in r if chr(c) not in "\t\n" and unicodedata.category(chr(c)) in ("Cc", "Cf")}


def _without_code(text: str) -> str:
    """The text with markdown code spans cut out (what is left is read as markup)."""
    return _CODE_SPAN.sub(" ", text)


_VIEWS: tuple[Callable[[str], str], ...] = (
    str.lower,  # as written
    fold,  # as it may be decoded
    lambda t: _without_code(t).lower(),  # markup outside code spans ...
    lambda t: fold(_without_code(t)),  # ... so moving English code out of its backticks is caught
)
"""Ways of reading a text; a translation may add nothing in any of them."""


@lru_cache(maxsize=4096)
def _english_views(msgid: str) -> tuple[str, ...]:
    """``_VIEWS`` of an English text (cached: build asks once per locale for the same msgid)."""
    return tuple(view(msgid) for view in _VIEWS)


@lru_cache(maxsize=8192)
def _english_features(text: str, code: bool) -> Counter[tuple[str, str]]:
    """``_features_of`` an English view, cached likewise (callers only read the counter)."""
    return _features_of(text, code)


def _features_of(text: str, code: bool = True) -> Counter[tuple[str, str]]:
    """What a text carries, as (kind, name) -> occurrences; Svelte ``{...}`` only when ``code``."""
    found: Counter[tuple[str, str]] = Counter()
    squeezed = _URL_JUNK.sub("", text)
    for scheme in _SCRIPT_SCHEMES:
        found[("url", scheme)] += squeezed.count(scheme + ":")
    found[("url", "data")] += len(_DATA_URL.findall(squeezed))
    for url in _urls(text):
        scheme = _scheme(url)
        if scheme in _URL_SCHEMES:
            found[("link", scheme)] += 1
    for m in _SPECIAL_MARKUP.finditer(text):
        found[("tag", _SPECIAL_NAMES.get(m.group(), "<!"))] += 1
    for closing, name, attrs in _tags(text):
        found[("tag", f"/{name}" if closing else name)] += 1
        for attr, value in attrs:
            found[("handler" if attr.startswith("on") else "attr", attr)] += 1
            scheme = _scheme(value.strip("\"'")) if value else ""
            if scheme in _URL_SCHEMES:
                found[("link", scheme)] += 1
    for expr in _braces(text) if code else ():
        if not _PLACEHOLDER.fullmatch(expr):  # {name} only reads a variable: see placeholders()
            found[("svelte", expr)] += 1
    return +found  # drop zero counts


def _tags(text: str) -> list[tuple[bool, str, list[tuple[str, str | None]]]]:
    """Every tag a tolerant HTML tokenizer would open: (closing, name, [(attribute, value)]).

    A tag left open at the end of the string still counts: in the page, text after the
    translation could close it.
    """
    out: list[tuple[bool, str, list[tuple[str, str | None]]]] = []
    destinations = _angle_destinations(text) if "<" in text else frozenset()
    for m in _TAG_START.finditer(text):
        if m.start() in destinations:
            continue
        closing, name = bool(m.group(1)), m.group(2)
        attrs: list[tuple[str, str | None]] = []
        pos = m.end()
        while pos < len(text) and text[pos] != ">":
            a = _ATTR.match(text, pos)
            if a is None or a.end() == pos:
                pos += 1
                continue
            attrs.append((a.group("name"), a.group("value")))
            pos = a.end()
        out.append((closing, name, attrs))
    return out


def _angle_destinations(text: str) -> frozenset[int]:
    """Offsets of ``<`` that open a ``<…>`` link destination (``[a](<url>)``, ``[a]: <url>``).

    Read with markdown-it's own destination parser; a destination that markdown-it would also
    read as an HTML tag (``<img src=x>``) is not one, so it still counts as a tag.
    """
    found: set[int] = set()
    for m in _ANGLE_DEST.finditer(text):
        start = m.end()
        if parseLinkDestination(text, start, len(text)).ok and not HTML_TAG_RE.match(text[start:]):
            found.add(start)
    return frozenset(found)


def _urls(text: str) -> list[str]:
    """Strings in URL positions: markdown link and image targets, autolinks, reference definitions."""
    urls = [m.group(1) + ":" for m in _AUTOLINK.finditer(text)]
    urls += [m.group(1) for m in _LINK_DEST.finditer(text)]
    urls += [m.group(1) for m in _REF_DEF.finditer(text)]
    urls += link_destinations(text)  # as CommonMark reads them: escapes, entities, <...> resolved
    return urls


def _scheme(url: str) -> str:
    """A URL's scheme as a browser reads it: blanks and control characters anywhere ignored."""
    m = re.match(r"([a-z][a-z0-9+.\-]*):", _URL_JUNK.sub("", url).lower())
    return m.group(1) if m else ""


def _braces(text: str) -> list[str]:
    """Svelte ``{...}`` groups (outermost, nesting kept) with blanks removed; an unclosed one too.

    A group ends where ``brace_end`` (the segmenter's own reading) ends it: JavaScript strings
    inside are skipped, so a brace in a string (``{`Array<{ label: `}``) neither opens nor
    closes a group; outside groups quotes are prose (apostrophes).
    """
    out: list[str] = []
    start = text.find("{")
    while start >= 0:
        end = brace_end(text, start)
        out.append(_BLANKS.sub("", text[start:] if end < 0 else text[start:end]))
        if end < 0:
            break
        start = text.find("{", end)
    return out


def placeholders(text: str) -> tuple[list[str], list[str]]:
    """The ``{name}`` placeholders of a text as written and folded (sorted, repeats kept).

    A bare ``{name}`` only shows a variable the page has, so changing one is a mistake, not
    an attack, and is left out of ``unsafe_reason``; build still refuses a translation whose
    placeholders differ from the English (the page would show the wrong value or fail), and
    ``check`` reports it under its own code.
    """
    folded_text = fold(text)
    if "{" not in text and "{" not in folded_text:
        return [], []  # no brace in either reading (most texts)
    written = sorted(e for e in _braces(text) if _PLACEHOLDER.fullmatch(e))
    folded = sorted(e for e in _braces(folded_text) if _PLACEHOLDER.fullmatch(e))
    return written, folded


# --------------------------------------------------------------------------- reasons


_ORDER = ("url", "link", "handler", "tag", "svelte", "attr")


def _rank(key: tuple[str, str]) -> tuple[int, int, bool, str]:
    """Which added thing to name first: URLs, handlers, dangerous tags, opening before closing."""
    kind, name = key
    dangerous = 0 if kind == "tag" and name.lstrip("/") in _DANGEROUS_TAGS else 1
    return (_ORDER.index(kind), dangerous, name.startswith("/"), name)


def _describe(key: tuple[str, str]) -> str:
    kind, name = key
    if kind in ("url", "link"):
        return f"adds a {name}: URL that the English does not have"
    if kind == "handler":
        return f"adds an event handler ({name}=) that the English does not have"
    if kind == "tag":
        shown = name if name.startswith("<") else f"<{name}>"
        return f"adds HTML {shown} that the English does not have"
    if kind == "svelte":
        return f"adds the code {name} that the English does not have"  # Svelte, JSX or a shortcode
    return f"adds the HTML attribute {name}= that the English does not have"
