"""Read and write PO/POT files: the one module that knows their syntax.

The writer reproduces GNU ``msgcat`` (default page width 79) byte for byte, so that a
``msgcat``, ``msgmerge``, Poedit or Weblate re-save of a file we wrote changes nothing.
It is a port of ``wrap()`` and ``message_print*()`` from gettext's ``write-po.c``;
break opportunities come from libunistring (the library gettext itself calls) through
ctypes, with a pure-Python approximation when the library is missing
(:data:`LINEBREAK_BACKEND` says which is active).

The reader is a small parser following gettext's ``po-lex.c``/``po-gram.y``. polib is
not used because it is unfit for this on specific points: it silently skips ``#~|``
lines (losing the previous msgid of obsolete entries), splits lines with
``str.splitlines()`` (so U+2028, U+0085 … that msgcat writes raw inside strings break
entries apart), accepts unterminated strings (``msgid "abc`` reads as ``ab``), does not
decode ``\\a``, octal or hex escapes, reads ``msgstr[10]`` as index 1, does not report the
line of the ``msgid`` keyword, and only gives header fields with values stripped.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.errors import ConflictError, InputError
from pipeline.model import Catalog, Message
from pipeline.workspace.files import decode, write_atomic

__all__ = [
    "FORMAT_LANGUAGES",
    "LINEBREAK_BACKEND",
    "PAGE_WIDTH",
    "canonical_flags",
    "format_po",
    "parse_po",
    "read_po",
    "write_po",
]

PAGE_WIDTH = 79
"""msgcat's default ``--width``."""

_INT_MAX = 2**31 - 1

# libunistring's enum: UC_BREAK_UNDEFINED, _PROHIBITED, _POSSIBLE, _MANDATORY.
_UNDEFINED, _PROHIBITED, _POSSIBLE, _MANDATORY = 0, 1, 2, 3

# ----------------------------------------------------------------------------------------
# Line breaking
# ----------------------------------------------------------------------------------------

_Linebreaker = Callable[[bytes, int, int, bytes | None, bytes], list[int]]


def _load_unistring() -> Callable[..., int] | None:
    """Return libunistring's ``ulc_width_linebreaks`` (the ``_v2`` msgcat 0.21 links), or None."""
    if os.environ.get("PIPELINE_LINEBREAK", "").lower() == "python":
        return None
    names: list[str] = []
    found = ctypes.util.find_library("unistring")
    if found:
        names.append(found)
    names += ["libunistring.so.5", "libunistring.so.2", "libunistring.dylib", "libunistring.5.dylib"]
    for name in names:
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        for symbol in ("ulc_width_linebreaks_v2", "ulc_width_linebreaks"):
            function = getattr(lib, symbol, None)
            if function is None:
                continue
            function.argtypes = [
                ctypes.c_char_p,  # s
                ctypes.c_size_t,  # n
                ctypes.c_int,  # width
                ctypes.c_int,  # start_column
                ctypes.c_int,  # at_end_columns
                ctypes.c_char_p,  # overrides (may be NULL)
                ctypes.c_char_p,  # encoding
                ctypes.c_void_p,  # result
            ]
            function.restype = ctypes.c_int
            return function  # type: ignore[no-any-return]
    return None


_ULC_WIDTH_LINEBREAKS = _load_unistring()

LINEBREAK_BACKEND: str = "libunistring" if _ULC_WIDTH_LINEBREAKS is not None else "python"
"""``"libunistring"`` (exact msgcat agreement) or ``"python"`` (approximate fallback)."""


_RESULT = ctypes.create_string_buffer(4096)
"""Reused output buffer of ``ulc_width_linebreaks`` (grown when a string is longer)."""


def _linebreaks_unistring(
    portion: bytes, width: int, startcol: int, overrides: bytes | None, encoding: bytes
) -> list[int]:
    """Byte offsets where msgcat breaks ``portion``, computed by libunistring itself."""
    assert _ULC_WIDTH_LINEBREAKS is not None
    global _RESULT
    n = len(portion)
    if len(_RESULT) < n:
        _RESULT = ctypes.create_string_buffer(max(n, 2 * len(_RESULT)))
    _ULC_WIDTH_LINEBREAKS(portion, n, width, startcol, 0, overrides, encoding, _RESULT)
    raw = ctypes.string_at(_RESULT, n)
    breaks: list[int] = []
    i = raw.find(b"\x02")
    while i >= 0:
        breaks.append(i)
        i = raw.find(b"\x02", i + 1)
    return breaks


# Character classes for the fallback, a rough cut of UAX #14 as libunistring 1.0 applies it.
_MANDATORY_CHARS = frozenset("\u2028\u2029\x85\n\r\x0b\x0c")
_NO_BREAK_BEFORE = frozenset(")]}!?,.:;/\u00a0\u202f\u2007\u2060\ufeff\u200d»”’")
_NO_BREAK_AFTER = frozenset("([{\u00a0\u202f\u2007\u2060\ufeff\u200d'\"«“‘$\\")
_BREAK_AFTER_PUNCTUATION = frozenset("/.:;,?!-\u2010\u2013")
_BREAK_AROUND = frozenset("\u2014")  # em dash (B2)


def _is_wide(char: str) -> bool:
    """True for East Asian wide characters (ideographs, kana, hangul, emoji …)."""
    return char >= "\u1100" and unicodedata.east_asian_width(char) in ("W", "F")


def _char_width(char: str) -> int:
    """Column width as uc_width() counts it: 2 for wide, 0 for marks and controls."""
    if char < " " or "\x7f" <= char < "\xa0":
        return 0
    if char < "\u0300":
        return 1
    category = unicodedata.category(char)
    if category in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _possible_breaks_python(text: str) -> list[int]:
    """Per character: may a line break before it (approximation of u8_possible_linebreaks)?

    Breaks after spaces (not before closing punctuation, not after an opening bracket),
    after ``/ . : ; , ? ! -`` unless a digit follows, between ``](``, around em dashes,
    after zero-width spaces and between East Asian wide characters; mandatory at U+2028.
    """
    codes = [_PROHIBITED] * len(text)
    last_non_space = ""
    after_mandatory = True
    prev = ""
    for i, char in enumerate(text):
        if char in _MANDATORY_CHARS:
            codes[i] = _MANDATORY
            after_mandatory = True
            last_non_space = prev = ""
            continue
        if after_mandatory or char == " ":
            pass
        elif char.isalnum() and prev.isalnum() and char < "\u0300" and prev < "\u1100":
            pass  # inside a word: the common case, decided early
        else:
            codes[i] = _break_before(prev, char, last_non_space)
        after_mandatory = False
        if char != " ":
            last_non_space = char
        prev = char
    return codes


def _break_before(prev: str, char: str, last_non_space: str) -> int:
    """The fallback's rule for one pair of characters (``last_non_space`` ends the previous word)."""
    category = unicodedata.category(char) if char >= "\u0300" else ""
    if category in ("Mn", "Me") or "\U0001f3fb" <= char <= "\U0001f3ff" or char in _NO_BREAK_BEFORE:
        return _PROHIBITED
    if prev == " ":
        if last_non_space in "([{" or (last_non_space in "'\"" and char in "([{"):
            return _PROHIBITED
        return _POSSIBLE
    if prev in _NO_BREAK_AFTER:
        return _PROHIBITED
    if prev in ")]}" and char in "([{":
        return _POSSIBLE  # markdown's [text](url): a closing then an opening bracket
    if prev == "\u200b" or prev in _BREAK_AROUND or char in _BREAK_AROUND:
        return _POSSIBLE
    if prev in _BREAK_AFTER_PUNCTUATION:
        return _PROHIBITED if char.isdigit() or char in "'\"-" else _POSSIBLE
    if _is_wide(char) or _is_wide(prev):
        if category in ("Pe", "Pf", "Po") or unicodedata.category(prev) in ("Ps", "Pi"):
            return _PROHIBITED
        return _POSSIBLE
    return _PROHIBITED


_ASCII_WIDTHS = bytes(0 if c < 0x20 or c == 0x7F else 1 for c in range(128))


def _linebreaks_python(
    portion: bytes, width: int, startcol: int, overrides: bytes | None, encoding: bytes
) -> list[int]:
    """Byte offsets of line breaks: u8_width_linebreaks' algorithm over approximate rules."""
    text = portion.decode("utf-8")
    ascii_only = text.isascii()
    if encoding != b"UTF-8" and not ascii_only:
        return []  # what ulc_width_linebreaks does for text it cannot convert
    codes = _possible_breaks_python(text)
    if ascii_only:
        offsets: Sequence[int] = range(len(text))
        widths: Sequence[int] = [_ASCII_WIDTHS[c] for c in portion]
    else:
        offsets = []
        offset = 0
        for char in text:
            offsets.append(offset)
            offset += len(char.encode("utf-8"))
        widths = [_char_width(char) for char in text]
    if overrides is not None:
        for i, at in enumerate(offsets):
            if overrides[at] != _UNDEFINED:
                codes[i] = overrides[at]
    breaks: list[int] = []
    last_p = -1
    last_column = startcol
    piece_width = 0
    for i, code in enumerate(codes):
        if code == _PROHIBITED:
            piece_width += widths[i]
            continue
        if last_p >= 0 and last_column + piece_width > width:
            breaks.append(offsets[last_p])
            last_column = 0
        if code == _MANDATORY:
            last_p = -1
            last_column = 0
            piece_width = 0
            continue
        last_p = i
        last_column += piece_width
        piece_width = widths[i]
    if last_p >= 0 and last_column + piece_width > width:
        breaks.append(offsets[last_p])
    return breaks


_LINEBREAKS: _Linebreaker = _linebreaks_unistring if _ULC_WIDTH_LINEBREAKS is not None else _linebreaks_python

# ----------------------------------------------------------------------------------------
# Writer
# ----------------------------------------------------------------------------------------

_ESCAPES = str.maketrans(
    {
        "\a": "\\a",
        "\b": "\\b",
        "\f": "\\f",
        "\n": "\\n",
        "\r": "\\r",
        "\t": "\\t",
        "\v": "\\v",
        "\\": "\\\\",
        '"': '\\"',
    }
)

_NEEDS_ESCAPE = re.compile('[\a\b\f\n\r\t\v\\\\"]')
"""A character ``_ESCAPES`` changes (most strings have none: ``translate`` is then skipped)."""

FORMAT_LANGUAGES = (
    "c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript",
    "scheme", "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal",
    "smalltalk", "qt", "qt-plural", "kde", "kde-kuit", "boost", "tcl", "perl", "perl-brace",
    "php", "gcc-internal", "gfc-internal", "ycp",
)  # fmt: skip
"""gettext 0.21's format languages, in the order msgcat writes their ``-format`` flags."""

_FORMAT_INDEX = {name: i for i, name in enumerate(FORMAT_LANGUAGES)}
_FLAG_SPLIT = re.compile(r"[\n \t\r\f\v,]+")
_RANGE = re.compile(r"(\d+)\.\.(\d+)")


@dataclass(frozen=True, slots=True)
class _Flags:
    """What msgcat keeps of a ``#,`` line (po_parse_comment_special)."""

    fuzzy: bool
    formats: tuple[str, ...]
    """Printed format flags in msgcat's order (``c-format``, ``no-python-format`` …)."""
    range: str | None
    no_wrap: bool


def _flag_tokens(flags: Iterable[str]) -> list[str]:
    """Split flag strings the way gettext does: at whitespace and commas."""
    return [token for token in _FLAG_SPLIT.split(",".join(flags)) if token]


def _parse_flags(flags: Iterable[str]) -> _Flags:
    """Interpret flags like msgcat: later values win, unknown flags are dropped."""
    fuzzy = False
    formats: dict[int, str] = {}
    span: tuple[int, int] | None = None
    wrap: bool | None = None
    tokens = _flag_tokens(flags)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token == "fuzzy":
            fuzzy = True
        elif token.endswith("-format") and len(token) >= 7:
            name, value = token[:-7], "yes"
            for prefix, meaning in (("no-", "no"), ("possible-", "yes"), ("impossible-", "impossible")):
                if name.startswith(prefix):
                    name, value = name[len(prefix) :], meaning
                    break
            index = _FORMAT_INDEX.get(name)
            if index is not None:
                formats[index] = value
        elif token == "range:":
            if i < len(tokens):
                match = _RANGE.match(tokens[i])
                i += 1
                if match:
                    low = min(int(match.group(1)), _INT_MAX)
                    high = min(int(match.group(2)), _INT_MAX)
                    if low <= high:
                        span = (low, high)
        elif token == "wrap":
            wrap = True
        elif token == "no-wrap":
            wrap = False
    printed = tuple(
        f"no-{FORMAT_LANGUAGES[i]}-format" if formats[i] == "no" else f"{FORMAT_LANGUAGES[i]}-format"
        for i in sorted(formats)
        if formats[i] != "impossible"
    )
    return _Flags(
        fuzzy=fuzzy,
        formats=printed,
        range=None if span is None else f"range: {span[0]}..{span[1]}",
        no_wrap=wrap is False,
    )


def canonical_flags(flags: Iterable[str], msgstr: str = "x", obsolete: bool = False) -> tuple[str, ...]:
    """The ``#,`` flags msgcat writes for ``flags``, in its order.

    ``fuzzy`` first (dropped when the first msgstr is empty, unless obsolete), then format
    flags in gettext's language order, ``range:`` (not for obsolete entries), ``no-wrap``;
    ``wrap``, ``impossible-*``, ``*-check`` and unknown flags are dropped.
    """
    return _canonical_flags(tuple(flags), bool(msgstr), obsolete)


@lru_cache(maxsize=1024)
def _canonical_flags(flags: tuple[str, ...], msgstr: bool, obsolete: bool) -> tuple[str, ...]:
    """``canonical_flags``, cached: a catalog holds a handful of distinct flag sets."""
    parsed = _parse_flags(flags)
    out: list[str] = []
    if parsed.fuzzy and (obsolete or msgstr):
        out.append("fuzzy")
    out.extend(parsed.formats)
    if parsed.range is not None and not obsolete:
        out.append(parsed.range)
    if parsed.no_wrap:
        out.append("no-wrap")
    return tuple(out)


def _portions(value: str) -> list[str]:
    """Cut a string after each newline (the newline stays with its portion)."""
    if "\n" not in value:
        return [value]
    pieces = value.split("\n")
    portions = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        portions.append(pieces[-1])
    return portions


@lru_cache(maxsize=16384)
def _wrapped(
    prefix: bytes, name: bytes, value: str, do_wrap: bool, page_width: int, encoding: bytes
) -> tuple[bytes, ...]:
    """The lines of one wrapped keyword (cached: a msgid is written once per locale)."""
    out: list[bytes] = []
    after_break = len(prefix) + 1
    width = (page_width if do_wrap else _INT_MAX) - 1 - after_break
    first_line = True
    portions = _portions(value)
    last = len(portions) - 1
    for index, portion in enumerate(portions):
        escaped = (portion.translate(_ESCAPES) if _NEEDS_ESCAPE.search(portion) else portion).encode("utf-8")
        n = len(escaped)
        overrides: bytes | None = None
        if b"\\" in escaped:
            marks = bytearray(n)
            i = escaped.find(b"\\")
            while i >= 0:
                marks[i + 1] = _PROHIBITED  # never break inside an escape sequence
                i = escaped.find(b"\\", i + 2)
            if portion.endswith("\n"):
                marks[n - 2] = _PROHIBITED  # nor before the final \n
            overrides = bytes(marks)
        while True:
            startcol = len(prefix) + (len(name) + 1 if first_line else 0) + 1 - after_break
            if startcol + n <= width:
                breaks: list[int] = []  # fits: no break can be needed
            else:
                breaks = _LINEBREAKS(escaped, width, startcol, overrides, encoding)
            if first_line and n > 0 and (index != last or startcol > width or breaks):
                out.append(prefix + name + b' ""\n')
                first_line = False
                continue
            break
        head = prefix + name + b' "' if first_line else prefix + b'"'
        first_line = False
        if breaks:
            pieces = []
            start = 0
            for stop in breaks:
                pieces.append(escaped[start:stop])
                start = stop
            pieces.append(escaped[start:])
            escaped = (b'"\n' + prefix + b'"').join(pieces)
        out.append(head + escaped + b'"\n')
    return tuple(out)


class _Writer:
    """Accumulates the bytes of one PO file; a port of write-po.c's printing functions."""

    def __init__(self, page_width: int, encoding: bytes) -> None:
        self.page_width = page_width
        self.encoding = encoding
        self.out: list[bytes] = []

    def wrap(self, prefix: bytes, name: bytes, value: str, do_wrap: bool) -> None:
        """Write ``name "value"`` split into quoted lines exactly as write-po.c's wrap()."""
        self.out.extend(_wrapped(prefix, name, value, do_wrap, self.page_width, self.encoding))

    def comments(self, comments: Sequence[str], auto_comments: Sequence[str]) -> None:
        """``#`` translator comments then ``#.`` extracted comments."""
        for text in comments:
            self.out.append(b"# " + text.encode("utf-8") + b"\n" if text else b"#\n")
        for text in auto_comments:
            self.out.append(b"#. " + text.encode("utf-8") + b"\n" if text else b"#.\n")

    def references(self, references: Sequence[str]) -> None:
        """``#:`` lines filled up to the page width (widths in bytes, as msgcat counts)."""
        if not references:
            return
        line = b"#:"
        column = 2
        for reference in _normal_references(tuple(references)):
            data = reference.encode("utf-8")
            width = len(data) + 1
            if column > 2 and column + width > self.page_width:
                self.out.append(line + b"\n")
                line = b"#:"
                column = 2
            line += b" " + data
            column += width
        self.out.append(line + b"\n")

    def flags(self, flags: Sequence[str]) -> None:
        if flags:
            self.out.append(b"#, " + ", ".join(flags).encode("ascii") + b"\n")

    def message(self, message: Message, first: str) -> None:
        """Write one entry (message_print / message_print_obsolete); ``first``: its first msgstr."""
        obsolete = message.obsolete
        if self.out:
            self.out.append(b"\n")
        self.comments(message.comments, message.auto_comments)
        self.references(message.references)
        flags = canonical_flags(message.flags, first, obsolete)
        self.flags(flags)
        do_wrap = "no-wrap" not in flags
        previous = b"#~| " if obsolete else b"#| "
        if message.previous_msgctxt is not None:
            self.wrap(previous, b"msgctxt", message.previous_msgctxt, do_wrap)
        if message.previous_msgid is not None:
            self.wrap(previous, b"msgid", message.previous_msgid, do_wrap)
        if message.previous_msgid_plural is not None:
            self.wrap(previous, b"msgid_plural", message.previous_msgid_plural, do_wrap)
        prefix = b"#~ " if obsolete else b""
        if message.msgctxt is not None:
            self.wrap(prefix, b"msgctxt", message.msgctxt, do_wrap)
        self.wrap(prefix, b"msgid", message.msgid, do_wrap)
        if message.msgid_plural is not None:
            self.wrap(prefix, b"msgid_plural", message.msgid_plural, do_wrap)
            for i, text in enumerate(message.msgstr_plural):
                self.wrap(prefix, b"msgstr[%d]" % i, text, do_wrap)
        else:
            self.wrap(prefix, b"msgstr", message.msgstr, do_wrap)


def _written(messages: Sequence[Message]) -> Iterator[tuple[Message, str]]:
    """The entries ``format_po`` writes, in its order, each with its first msgstr.

    Live entries first, then obsolete ones; an obsolete entry without a translation is left
    out, as msgcat does (``format_po`` and ``written_form`` share this rule).
    """
    for obsolete in (False, True):
        for m in messages:
            if m.obsolete is obsolete:
                first = m.msgstr_plural[0] if m.msgid_plural is not None and m.msgstr_plural else m.msgstr
                if not (obsolete and not first):
                    yield m, first


@lru_cache(maxsize=4096)
def _normal_references(references: tuple[str, ...]) -> tuple[str, ...]:
    """References as msgcat prints them: ``./`` dropped, line numbers canonical, no repeats."""
    seen: set[str] = set()
    out: list[str] = []
    for reference in references:
        match = re.fullmatch(r"(.+):(\d+)", reference, re.S)
        text = f"{match.group(1)}:{int(match.group(2))}" if match else reference
        while text.startswith("./"):
            text = text[2:]
        if text not in seen:
            seen.add(text)
            out.append(text)
    return tuple(out)


def _header_text(header: Sequence[tuple[str, str]]) -> str:
    return "".join(f"{name}: {value}\n" for name, value in header)


def _declared_charset(header_text: str) -> str | None:
    """The charset a header declares, found as gettext finds it: the first ``charset=`` anywhere."""
    at = header_text.find("charset=")
    if at < 0:
        return None
    return re.split(r"[ \t\n]", header_text[at + len("charset=") :], maxsplit=1)[0]


def _line_encoding(header_text: str) -> bytes:
    """The charset msgcat hands to libunistring: UTF-8, or ASCII when none is declared."""
    charset = _declared_charset(header_text)
    if charset is None:
        return b"ASCII"
    upper = charset.upper()
    if upper in ("UTF-8", "UTF8"):
        return b"UTF-8"
    if upper in ("CHARSET", "ASCII", "US-ASCII", "ANSI_X3.4-1968"):
        return b"ASCII"
    raise ValueError(f"cannot write a PO file declaring charset {charset!r}: only UTF-8 is written")


_BAD_CHARS = re.compile("[\x00\x04]")


_SEP = "\x1f"
_BAD_LINE_PARTS = ("\n", "\r", "\x00", "\\" + _SEP)
"""What no comment line may hold: a line break, a NUL, or a backslash at its end."""
_BAD_REFERENCE_PARTS = (*_BAD_LINE_PARTS, " ", "\t", _SEP + _SEP)
"""Nor a reference: besides, a blank inside it, or an empty one."""


def _check(catalog: Catalog) -> None:
    """``_check_all``, with one scan over all strings, comments and references of the catalog
    where the entry-by-entry loop would make a dozen tests a line; anything the scan cannot
    clear (or any entry of a rarer shape) goes through ``_check_all``, which names the culprit."""
    strings: list[str] = []
    lines: list[str] = list(catalog.header_comments)
    references: list[str] = []
    for m in catalog.messages:
        if (
            m.msgid == ""
            or m.msgctxt is not None
            or m.msgid_plural is not None
            or m.msgstr_plural
            or m.previous_msgctxt is not None
            or m.previous_msgid_plural is not None
        ):
            return _check_all(catalog)
        strings.append(m.msgid)
        strings.append(m.msgstr)
        if m.previous_msgid is not None:
            strings.append(m.previous_msgid)
        lines.extend(m.comments)
        lines.extend(m.auto_comments)
        references.extend(m.references)
    joined = _SEP.join(strings)
    text = _SEP.join(lines) + _SEP
    refs = _SEP + _SEP.join(references) + _SEP if references else ""
    # substring tests (memchr) rather than one regex: the same questions, several times faster
    if (
        "\x00" in joined
        or "\x04" in joined
        or any(bad in text for bad in _BAD_LINE_PARTS)
        or (refs and any(bad in refs for bad in _BAD_REFERENCE_PARTS))
    ):
        return _check_all(catalog)
    for name, value in catalog.header:
        if not name or ":" in name or "\n" in name or "\n" in value or _BAD_CHARS.search(name + value):
            raise ValueError(f"header field {name!r}: {value!r} cannot be written")


def _check_all(catalog: Catalog) -> None:
    """Refuse what no PO file can hold or what msgcat would read back differently."""
    for name, value in catalog.header:
        if not name or ":" in name or "\n" in name or "\n" in value or _BAD_CHARS.search(name + value):
            raise ValueError(f"header field {name!r}: {value!r} cannot be written")
    for text in catalog.header_comments:
        _check_line(text, "header comment")
    for message in catalog.messages:
        if message.msgctxt is None and message.msgid == "":
            raise ValueError("an empty msgid without msgctxt is the header: put it in Catalog.header")
        if message.msgid_plural is None and message.msgstr_plural:
            raise ValueError(f"msgstr_plural without msgid_plural for msgid {message.msgid!r}")
        if message.previous_msgid is None and (
            message.previous_msgctxt is not None or message.previous_msgid_plural is not None
        ):
            raise ValueError(f"previous msgctxt/msgid_plural without previous msgid for {message.msgid!r}")
        if message.msgid_plural is not None and not message.msgstr_plural:
            raise ValueError(f"plural msgid {message.msgid!r} needs at least one msgstr_plural form")
        strings = [message.msgid, message.msgstr, *message.msgstr_plural]
        strings += [
            s
            for s in (
                message.msgctxt,
                message.msgid_plural,
                message.previous_msgctxt,
                message.previous_msgid,
                message.previous_msgid_plural,
            )
            if s is not None
        ]
        for text in strings:
            if "\x00" in text or "\x04" in text:
                raise ValueError(f"NUL or EOT (U+0004) in a string of msgid {message.msgid!r}")
        for text in (*message.comments, *message.auto_comments):
            _check_line(text, "comment")
        for text in message.references:
            _check_line(text, "reference")
            if not text or re.search(r"[ \t]", text):
                raise ValueError(f"reference {text!r} is empty or has blanks")


def _check_line(text: str, what: str) -> None:
    """A comment-like line must stay one line: gettext joins a line ending in a backslash."""
    if "\n" in text or "\r" in text or "\x00" in text or text.endswith("\\"):
        raise ValueError(f"{what} {text!r} has a line break or NUL, or ends with a backslash")


def format_po(catalog: Catalog, width: int = PAGE_WIDTH) -> str:
    """The text of ``catalog`` as a PO file, exactly as ``msgcat --width=WIDTH`` writes it.

    Like msgcat, a width below 20 counts as 20 and 0 means no wrapping at all.

    Header first, then the live messages in order, then the obsolete ones (those without
    a translation are left out, as msgcat does). Flags are written in msgcat's canonical
    form (see :func:`canonical_flags`). Raises ValueError for catalogs no PO file can hold
    (a NUL, a comment with a newline, a blank inside a reference, a non-UTF-8 charset …).
    """
    if width < 0:
        raise ValueError(f"page width {width} is negative")
    width = _INT_MAX if width == 0 else max(width, 20)  # as msgcat's --width does
    _check(catalog)
    header_text = _header_text(catalog.header)
    writer = _Writer(width, _line_encoding(header_text))
    if catalog.header or catalog.header_comments or catalog.header_flags:
        writer.comments(catalog.header_comments, ())
        flags = canonical_flags(catalog.header_flags, header_text)
        writer.flags(flags)
        do_wrap = "no-wrap" not in flags
        writer.wrap(b"", b"msgid", "", do_wrap)
        writer.wrap(b"", b"msgstr", header_text, do_wrap)
    for message, first in _written(catalog.messages):
        writer.message(message, first)
    return b"".join(writer.out).decode("utf-8")


def written_form(catalog: Catalog) -> tuple[object, ...]:
    """Everything of ``catalog`` that ``format_po`` writes, but the line layout.

    Two catalogs with equal forms are written as the same bytes (``format_po`` reads nothing
    else: flags and references in their written form, live entries before obsolete ones, an
    obsolete entry without a translation left out). A file on disk whose parsed form equals
    a planned catalog's holds the same entries, whatever wrapping its editor used.
    """
    header_text = _header_text(catalog.header)
    entries = tuple(
        (
            m.comments,
            m.auto_comments,
            _normal_references(tuple(m.references)) if m.references else (),
            canonical_flags(m.flags, first, m.obsolete),
            m.previous_msgctxt,
            m.previous_msgid,
            m.previous_msgid_plural,
            m.msgctxt,
            m.msgid,
            m.msgid_plural,
            m.msgstr_plural if m.msgid_plural is not None else m.msgstr,
            m.obsolete,
        )
        for m, first in _written(catalog.messages)
    )
    head = (header_text, catalog.header_comments, canonical_flags(catalog.header_flags, header_text))
    return (bool(catalog.header or catalog.header_comments or catalog.header_flags), head, entries)


def write_po(path: Path, catalog: Catalog) -> bool:
    """Write ``catalog`` to ``path`` atomically unless it already holds these bytes; True if written."""
    return write_atomic(path, format_po(catalog).encode("utf-8"))


# ----------------------------------------------------------------------------------------
# Reader
# ----------------------------------------------------------------------------------------

_WS = " \t\r\f\v"
_BAD_COMMENT = re.compile(r"[\r\x00]|\\$")
"""What no comment line can hold once written again (``_check_line``)."""
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_CONFLICT = re.compile(r"(?:<{7}|>{7}|={7}|\|{7})(?:[ \t]|$)")
"""Lines git writes around a merge conflict."""
_INDEX = re.compile(r"[ \t\r\f\v]*\[[ \t\r\f\v]*(\d+)[ \t\r\f\v]*\]")
_ESCAPE = re.compile(r'\\(?:([ntbrfva\\"])|([0-7]{1,3})|x([0-9A-Fa-f]+)|(.?))', re.S)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_SIMPLE_ESCAPES.update({"\\": "\\", '"': '"'})
_PREVIOUS_KEYWORDS = ("msgctxt", "msgid", "msgid_plural")
_KEYWORDS = ("msgctxt", "msgid", "msgid_plural", "msgstr")
_OK_CHARSETS = ("UTF-8", "UTF8", "CHARSET", "ASCII", "US-ASCII", "ANSI_X3.4-1968")
"""Charsets the writer accepts (see ``_line_encoding``); the reader refuses the others."""

# Stages of an entry being read.
_COMMENTS, _CONTEXT, _MSGID, _PLURAL, _MSGSTR, _MSGSTRS = range(6)


@dataclass(slots=True)
class _Draft:
    """An entry while its lines are read."""

    start: int = 0
    comments: list[str] = field(default_factory=list)
    auto_comments: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous: dict[str, str] = field(default_factory=dict)
    previous_target: str | None = None
    previous_obsolete: bool = False
    stage: int = _COMMENTS
    target: str | int = ""
    obsolete: bool | None = None
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str = ""
    plural: list[str] = field(default_factory=list)
    lineno: int = 0
    msgstr_lineno: int = 0
    msgstr_lines: list[tuple[int, str]] = field(default_factory=list)


class _Parser:
    """Line-driven PO parser; every complaint is an InputError carrying the line."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.draft = _Draft()
        self.messages: list[Message] = []
        self.seen: dict[tuple[str | None, str], int] = {}
        self.header: _Draft | None = None
        self.line = 0

    def error(self, message: str, line: int | None = None, hint: str = "") -> InputError:
        return InputError(message, self.path, line if line is not None else self.line, hint)

    # -- events -------------------------------------------------------------------------

    def comment(self, text: str) -> None:
        """A ``#…`` line other than ``#|``/``#~``: dispatch as gettext does."""
        bad = _BAD_COMMENT.search(text)
        if bad is not None and bad.group() == "\\":
            raise self.error(
                "comment line ends with a backslash at the end of the file",
                hint="remove the backslash (gettext would join the next line to the comment)",
            )
        if bad is not None:
            what = "a carriage return" if bad.group() == "\r" else "a NUL character"
            raise self.error(f"comment line contains {what}", hint="a comment is one line of plain text")
        draft = self.begin_entry("a comment")
        if draft.previous:
            raise self.error("comment between #| lines and their msgid")
        if text.startswith("."):
            text = text[1:]
            draft.auto_comments.append(text[1:] if text.startswith(" ") else text)
        elif text.startswith(":"):
            draft.references.extend(r for r in re.split(r"[ \t]+", text[1:]) if r)
        elif text.startswith((",", "!")):
            draft.flags.extend(_read_flags(text[1:]))
        else:
            draft.comments.append(text[1:] if text.startswith(" ") else text)

    def begin_entry(self, what: str) -> _Draft:
        """Close a finished entry before a comment or keyword that starts the next one."""
        draft = self.draft
        if draft.stage >= _MSGSTR:
            self.finish()
            draft = self.draft = _Draft(start=self.line)
        elif draft.stage != _COMMENTS:
            entry = draft.lineno or draft.start
            raise self.error(f"{what} where a msgstr was expected (entry at line {entry})")
        return draft

    def keyword(self, word: str, index: int | None, obsolete: bool, previous: bool) -> None:
        if previous:
            if word not in _PREVIOUS_KEYWORDS or index is not None:
                raise self.error(f'keyword "{word}" unknown after #|')
            draft = self.begin_entry(f"#| {word}")
            if word in draft.previous:
                raise self.error(f"second #| {word} in one entry")
            if word == "msgctxt" and draft.previous:
                raise self.error("#| msgctxt must come before #| msgid")
            if word == "msgid_plural" and "msgid" not in draft.previous:
                raise self.error("#| msgid_plural without #| msgid before it")
            if draft.previous and draft.previous_obsolete != obsolete:
                raise self.error("inconsistent use of #~ within one entry")
            draft.previous_obsolete = obsolete
            draft.previous[word] = ""
            draft.previous_target = word
            return
        if word not in _KEYWORDS:
            hint = "expected msgctxt, msgid, msgid_plural or msgstr"
            raise self.error(f'keyword "{word}" unknown', hint=hint)
        draft = self.draft
        if word in ("msgctxt", "msgid") and draft.stage >= _MSGSTR:
            draft = self.begin_entry(word)
        if draft.obsolete is not None and draft.obsolete != obsolete and draft.stage != _COMMENTS:
            raise self.error("inconsistent use of #~ within one entry")
        stage = draft.stage
        if stage == _COMMENTS and draft.previous:
            if "msgid" not in draft.previous:
                raise self.error("#| msgctxt without #| msgid before the entry")
            if draft.previous_obsolete != obsolete:
                raise self.error("inconsistent use of #~ within one entry (#| and #~| lines)")
        if word == "msgctxt":
            if stage != _COMMENTS:
                raise self.error("msgctxt must come before msgid")
            draft.msgctxt, draft.stage, draft.target, draft.obsolete = "", _CONTEXT, "msgctxt", obsolete
        elif word == "msgid":
            if stage in (_MSGID, _PLURAL):
                raise self.error(f"msgid at line {draft.lineno} has no msgstr")
            draft.stage, draft.target, draft.lineno, draft.obsolete = _MSGID, "msgid", self.line, obsolete
        elif word == "msgid_plural":
            if stage != _MSGID:
                what = "msgid_plural without a msgid" if stage < _MSGID else "misplaced msgid_plural"
                raise self.error(what)
            draft.msgid_plural, draft.stage, draft.target = "", _PLURAL, "msgid_plural"
        elif index is None:
            if stage == _PLURAL:
                raise self.error("msgstr after msgid_plural", hint="write msgstr[0], msgstr[1] …")
            if stage != _MSGID:
                what = "msgstr without a msgid before it" if stage < _MSGID else "second msgstr in one entry"
                raise self.error(what)
            draft.stage, draft.target, draft.msgstr_lineno = _MSGSTR, "msgstr", self.line
        else:
            if stage == _MSGID:
                hint = "a singular entry has a plain msgstr"
                raise self.error(f"msgstr[{index}] without msgid_plural", hint=hint)
            expected = 0 if stage == _PLURAL else len(draft.plural) if stage == _MSGSTRS else -1
            if expected < 0:
                raise self.error(f"msgstr[{index}] without a msgid before it")
            if index != expected:
                raise self.error(f"plural form has wrong index: msgstr[{index}], expected msgstr[{expected}]")
            draft.plural.append("")
            if index == 0:
                draft.msgstr_lineno = self.line
            draft.stage, draft.target = _MSGSTRS, index

    def string(self, value: str, obsolete: bool, previous: bool) -> None:
        draft = self.draft
        if previous:
            if draft.stage != _COMMENTS or draft.previous_target is None:
                raise self.error("#| string without a #| keyword before it")
            draft.previous[draft.previous_target] += value
            return
        if draft.stage == _COMMENTS:
            raise self.error("string without a keyword before it")
        if draft.obsolete != obsolete:
            raise self.error("inconsistent use of #~ within one entry")
        target = draft.target
        if isinstance(target, int):
            draft.plural[target] += value
        elif target == "msgstr":
            draft.msgstr += value
            draft.msgstr_lines.append((self.line, value))
        elif target == "msgid":
            draft.msgid += value
        elif target == "msgctxt":
            draft.msgctxt = (draft.msgctxt or "") + value
        else:
            draft.msgid_plural = (draft.msgid_plural or "") + value

    def end(self) -> None:
        draft = self.draft
        if draft.stage >= _MSGSTR:
            self.finish()
        elif draft.stage != _COMMENTS:
            raise self.error("entry ends without a msgstr", draft.lineno or self.line)

    def finish(self) -> None:
        """Turn the draft into a Message (or the header), rejecting duplicates."""
        draft = self.draft
        key = (draft.msgctxt, draft.msgid)
        first = self.seen.get(key)
        if first is not None:
            raise self.error(
                f"duplicate message definition (first defined at line {first})",
                draft.lineno,
                "msgfmt rejects duplicates: merge the two entries",
            )
        self.seen[key] = draft.lineno
        if draft.msgctxt is None and draft.msgid == "":
            if not draft.obsolete:
                self.header = draft
            return
        self.check_line_breaks(draft)
        self.messages.append(
            Message(
                msgid=draft.msgid,
                msgstr=draft.msgstr,
                msgctxt=draft.msgctxt,
                msgid_plural=draft.msgid_plural,
                msgstr_plural=tuple(draft.plural),
                flags=tuple(draft.flags),
                auto_comments=tuple(draft.auto_comments),
                comments=tuple(draft.comments),
                references=tuple(draft.references),
                previous_msgctxt=draft.previous.get("msgctxt"),
                previous_msgid=draft.previous.get("msgid"),
                previous_msgid_plural=draft.previous.get("msgid_plural"),
                obsolete=bool(draft.obsolete),
                lineno=draft.lineno,
                msgstr_lineno=draft.msgstr_lineno,
            )
        )

    def check_line_breaks(self, draft: _Draft) -> None:
        """Refuse a translation whose leading or trailing line break differs from its msgid's.

        ``msgfmt -c`` rejects such a file; fuzzy and obsolete entries are not compiled, so not checked.
        """
        if draft.obsolete or "fuzzy" in _flag_tokens(draft.flags):
            return
        if draft.msgid_plural is None:
            pairs = [("msgstr", draft.msgstr)]
        else:  # as msgfmt -c: every form, and msgid_plural, against msgid
            pairs = [(f"msgstr[{i}]", form) for i, form in enumerate(draft.plural)]
            pairs += [("msgid_plural", draft.msgid_plural)] if any(draft.plural) else []
        for name, target in pairs:
            if not target:
                continue
            for side, test in (("begin", str.startswith), ("end", str.endswith)):
                english = test(draft.msgid, "\n")
                if english != test(target, "\n"):
                    raise self.error(
                        f"msgid and {name} do not both {side} with '\\n'",
                        draft.msgstr_lineno or draft.lineno,
                        f"{'add' if english else 'remove'} the line break at the {side} of the {name} "
                        "(msgfmt -c rejects the file)",
                    )

    # -- lexing -------------------------------------------------------------------------

    def feed(self, line: str) -> None:
        """Lex one logical line into events."""
        text = line.lstrip(_WS)
        if not text:
            return
        obsolete = previous = False
        if text.startswith("#"):
            if text.startswith("#~|"):
                obsolete = previous = True
                text = text[3:]
            elif text.startswith("#~"):
                obsolete = True
                text = text[2:]
                if text.lstrip(_WS).startswith("#"):
                    self.comment(text.lstrip(_WS)[1:])
                    return
            elif text.startswith("#|"):
                previous = True
                text = text[2:]
            else:
                self.comment(text[1:])
                return
        self.tokens(text, obsolete, previous)

    def tokens(self, text: str, obsolete: bool, previous: bool) -> None:
        pos = 0
        end = len(text)
        while pos < end:
            char = text[pos]
            if char in _WS:
                pos += 1
            elif char == '"':
                match = _STRING.match(text, pos)
                if match is None:
                    raise self.error("end-of-line within string", hint="close the string with a double quote")
                self.string(self.unescape(match.group(1)), obsolete, previous)
                pos = match.end()
            else:
                match = _WORD.match(text, pos)
                if match is None:
                    if pos == 0 and _CONFLICT.match(text):
                        raise ConflictError(
                            "merge conflict markers (<<<<<<<, =======, >>>>>>>) left in the file",
                            self.path,
                            self.line,
                            "resolve the conflict: keep the right msgstr of each block and delete the marker lines",
                        )
                    hint = "expected a keyword or a quoted string"
                    raise self.error(f"syntax error at {char!r}", hint=hint)
                word = match.group()
                pos = match.end()
                index = None
                if word == "msgstr" and not previous:
                    bracket = _INDEX.match(text, pos)
                    if bracket is not None:
                        index = int(bracket.group(1))
                        pos = bracket.end()
                self.keyword(word, index, obsolete, previous)

    def unescape(self, raw: str) -> str:
        """Decode a string's escapes as po-lex.c does (octal and hex give bytes)."""
        if "\\" not in raw:
            value = raw
        else:
            parts: list[bytes] = []
            pos = 0
            for match in _ESCAPE.finditer(raw):
                parts.append(raw[pos : match.start()].encode("utf-8"))
                simple, octal, hexa = match.group(1), match.group(2), match.group(3)
                if simple is not None:
                    parts.append(_SIMPLE_ESCAPES[simple].encode("ascii"))
                elif octal is not None:
                    parts.append(bytes([int(octal, 8) & 0xFF]))
                elif hexa is not None:
                    parts.append(bytes([int(hexa, 16) & 0xFF]))
                else:
                    raise self.error(
                        f"invalid escape sequence {match.group()!r} in string",
                        hint='use \\n, \\t, \\\\ or \\" (others are not allowed)',
                    )
                pos = match.end()
            parts.append(raw[pos:].encode("utf-8"))
            try:
                value = b"".join(parts).decode("utf-8")
            except UnicodeDecodeError:
                raise self.error("escape sequences in string do not form valid UTF-8") from None
        if "\x00" in value or "\x04" in value:
            raise self.error("NUL or EOT (U+0004) character in string", hint="msgfmt cannot compile it")
        return value


def _read_flags(text: str) -> list[str]:
    """Flags of one ``#,`` line in order; ``range: a..b`` stays one flag."""
    tokens = _flag_tokens([text])
    flags: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "range:" and i + 1 < len(tokens):
            flags.append(f"range: {tokens[i + 1]}")
            i += 2
        else:
            flags.append(tokens[i])
            i += 1
    return flags


def _logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """Lines with their numbers; a line ending in a backslash continues (po-lex.c's lex_getc)."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        number = i + 1
        line = lines[i]
        while line.endswith("\\") and i + 1 < len(lines):
            i += 1
            line = line[:-1] + lines[i]
        i += 1
        if line.endswith("\r"):
            line = line[:-1]
        yield number, line


def parse_po(text: str, path: str) -> Catalog:
    """Parse PO/POT text into a Catalog; malformed input raises InputError with its line.

    The header entry becomes ``Catalog.header`` (ordered fields), ``header_comments`` and
    ``header_flags``; every other entry a Message whose ``lineno`` is its msgid line.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        raise InputError("text contains an unpaired surrogate", path, line) from None
    if not _REMEMBER:
        return _parse_fast(text, path) or _parse_slow(text, path)
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
    known = _PARSED.get(key)
    if known is not None:
        return known
    catalog = _parse_fast(text, path) or _parse_slow(text, path)
    if len(_PARSED) >= _REMEMBER[0]:
        del _PARSED[next(iter(_PARSED))]  # the oldest first
    _PARSED[key] = catalog
    return catalog


_PARSED: dict[bytes, Catalog] = {}
"""Catalogs parsed in this process, by sha256 of their text (see ``remember_parsed``)."""
_REMEMBER: list[int] = []


def remember_parsed(limit: int = 4096) -> None:
    """From now on, parse each distinct text once (up to ``limit`` catalogs kept).

    For commands that read the same PO files more than once (``check``: its site model, the
    gate, the text sync would write); a Catalog is immutable, so one parse serves them all.
    Off by default: a sync reads each file once, and thousands of kept catalogs only make
    Python's garbage collector slower.
    """
    _REMEMBER[:] = [limit] if limit > 0 else []
    if not _REMEMBER:
        _PARSED.clear()


def _parse_slow(text: str, path: str) -> Catalog:
    """``parse_po`` by the full parser: any shape gettext reads, and every error with its line."""
    parser = _Parser(path)
    for number, logical in _logical_lines(text):
        parser.line = number
        parser.feed(logical)
    parser.line = text.count("\n") + 1
    parser.end()
    header: tuple[tuple[str, str], ...] = ()
    header_comments: tuple[str, ...] = ()
    header_flags: tuple[str, ...] = ()
    if parser.header is not None:
        draft = parser.header
        header = _header_fields(draft, path)
        header_comments = tuple(draft.comments)
        header_flags = tuple(draft.flags)
    return Catalog(header, header_comments, header_flags, tuple(parser.messages))


# The fast path. Nearly every PO file is as msgcat (or our writer) left it: one keyword or
# string per line, no leading blanks, no CR, no continued lines. ``_parse_fast`` reads that
# shape with one regex per line and no per-token method calls; the moment a line is anything
# else, or anything would be an error, it gives up and ``_Parser`` reads the file from the
# start (so errors, their lines and every oddity keep exactly one implementation).

# the string pattern unrolled ("normal* (escape normal*)*"): one step per run of plain characters
# instead of one alternation per character, the same language as ``_STRING``
_FAST_KEYWORD = re.compile(
    r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(0|[1-9][0-9]{0,8})\])? "([^"\\]*(?:\\.[^"\\]*)*)"'
)
_FAST_STRING = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"')
_FAST_REFS = re.compile(r"[ \t]+")


def _breaks_differ(msgid: str, plural: str | None, msgstr: str, forms: tuple[str, ...]) -> bool:
    """True when a translation's leading or trailing line break differs from its msgid's."""
    targets = [t for t in (forms if plural is not None else (msgstr,)) if t]
    if plural and targets:  # an empty msgid_plural is not checked, as ``_Parser.check_line_breaks`` skips it
        targets.append(plural)
    begins, ends = msgid.startswith("\n"), msgid.endswith("\n")
    return any(t.startswith("\n") != begins or t.endswith("\n") != ends for t in targets)


class _GiveUp(Exception):
    """The fast path met something it leaves to ``_Parser``."""


@dataclass(slots=True)
class _FastEntry:
    """An entry while the fast path reads it: raw (still escaped) string pieces per field."""

    comments: list[str] = field(default_factory=list)
    auto_comments: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous: dict[str, list[str]] = field(default_factory=dict)
    previous_obsolete: bool = False
    stage: int = _COMMENTS
    obsolete: bool = False
    fields: dict[str | int, list[str]] = field(default_factory=dict)
    lineno: int = 0
    msgstr_lineno: int = 0
    msgstr_lines: list[tuple[int, str]] = field(default_factory=list)


def _parse_fast(text: str, path: str) -> Catalog | None:
    """``parse_po`` for files in msgcat's own shape; None when ``_Parser`` must read the file."""
    if "\r" in text or "\x00" in text or "\x04" in text or "\\\n" in text or text.endswith("\\"):
        return None
    unescape = _Parser(path).unescape
    messages: list[Message] = []
    seen: set[tuple[str | None, str]] = set()
    header: list[_Draft] = []

    def value(pieces: list[str]) -> str:
        return "".join(p if "\\" not in p else unescape(p) for p in pieces)

    def finish(e: _FastEntry) -> None:
        f = e.fields
        msgctxt = value(f["msgctxt"]) if "msgctxt" in f else None
        msgid = value(f["msgid"])
        key = (msgctxt, msgid)
        if key in seen:
            raise _GiveUp
        seen.add(key)
        plural = "msgid_plural" in f
        msgstr = "" if plural else value(f["msgstr"])
        if msgctxt is None and msgid == "":
            if not e.obsolete:
                draft = _Draft(lineno=e.lineno, msgstr=msgstr, comments=e.comments, flags=e.flags)
                draft.msgstr_lines = [(n, value([raw])) for n, raw in e.msgstr_lines]
                header.append(draft)
            return
        prev = e.previous
        forms: tuple[str, ...] = ()
        if plural:
            forms = tuple(value(f[i]) for i in range(len(f) - (3 if msgctxt is not None else 2)))
        plural_id = value(f["msgid_plural"]) if plural else None
        if not e.obsolete and _breaks_differ(msgid, plural_id, msgstr, forms) and "fuzzy" not in _flag_tokens(e.flags):
            raise _GiveUp  # an error (msgfmt -c rejects it): ``_Parser`` says where and why
        messages.append(
            Message(
                msgid=msgid,
                msgstr=msgstr,
                msgctxt=msgctxt,
                msgid_plural=plural_id,
                msgstr_plural=forms,
                flags=tuple(e.flags),
                auto_comments=tuple(e.auto_comments),
                comments=tuple(e.comments),
                references=tuple(e.references),
                previous_msgctxt=value(prev["msgctxt"]) if "msgctxt" in prev else None,
                previous_msgid=value(prev["msgid"]) if "msgid" in prev else None,
                previous_msgid_plural=value(prev["msgid_plural"]) if "msgid_plural" in prev else None,
                obsolete=e.obsolete,
                lineno=e.lineno,
                msgstr_lineno=e.msgstr_lineno,
            )
        )

    entry = _FastEntry()
    target: list[str] | None = None  # where a continuation string goes
    previous_target: list[str] | None = None
    try:
        for number, line in enumerate(text.split("\n"), 1):
            if not line:
                continue
            first = line[0]
            if first == '"':
                m = _FAST_STRING.fullmatch(line)
                if m is None or target is None or entry.obsolete:
                    raise _GiveUp
                target.append(m.group(1))
                if entry.stage == _MSGSTR:
                    entry.msgstr_lines.append((number, m.group(1)))
                continue
            obsolete = previous = False
            rest = line
            if first == "#":
                second = line[1:2]
                if second == "~":
                    if line.startswith("#~| "):
                        obsolete = previous = True
                        rest = line[4:]
                    elif line.startswith("#~ "):
                        obsolete = True
                        rest = line[3:]
                    else:
                        raise _GiveUp
                elif second == "|":
                    if not line.startswith("#| "):
                        raise _GiveUp
                    previous = True
                    rest = line[3:]
                else:  # a comment: it starts the next entry when this one is complete
                    if line.endswith("\\"):
                        raise _GiveUp
                    if entry.stage >= _MSGSTR:
                        finish(entry)
                        entry, target, previous_target = _FastEntry(), None, None
                    elif entry.stage != _COMMENTS or entry.previous:
                        raise _GiveUp
                    if second == ".":
                        entry.auto_comments.append(line[3:] if line.startswith("#. ") else line[2:])
                    elif second == ":":
                        entry.references.extend(r for r in _FAST_REFS.split(line[2:]) if r)
                    elif second in (",", "!"):
                        entry.flags.extend(_read_flags(line[2:]))
                    else:
                        entry.comments.append(line[2:] if second == " " else line[1:])
                    continue
                if rest.startswith('"'):
                    m = _FAST_STRING.fullmatch(rest)
                    if m is None:
                        raise _GiveUp
                    if previous:
                        if previous_target is None or entry.stage != _COMMENTS:
                            raise _GiveUp
                        previous_target.append(m.group(1))
                    else:
                        if target is None or not entry.obsolete:
                            raise _GiveUp
                        target.append(m.group(1))
                        if entry.stage == _MSGSTR:
                            entry.msgstr_lines.append((number, m.group(1)))
                    continue
            m = _FAST_KEYWORD.fullmatch(rest)
            if m is None:
                raise _GiveUp
            word, index, raw = m.groups()
            if index is not None and (previous or word != "msgstr"):
                raise _GiveUp
            slot: str | int = word
            if previous:
                if word == "msgstr":
                    raise _GiveUp
                if entry.stage >= _MSGSTR:
                    finish(entry)
                    entry, target = _FastEntry(), None
                elif entry.stage != _COMMENTS:
                    raise _GiveUp
                prev = entry.previous
                if (
                    word in prev
                    or (word == "msgctxt" and prev)
                    or (word == "msgid_plural" and "msgid" not in prev)
                    or (prev and entry.previous_obsolete != obsolete)
                ):
                    raise _GiveUp
                entry.previous_obsolete = obsolete
                previous_target = prev[word] = [raw]
                continue
            stage = entry.stage
            if word == "msgctxt" or word == "msgid":
                if stage >= _MSGSTR:
                    finish(entry)
                    entry, target, previous_target = _FastEntry(), None, None
                    stage = _COMMENTS
                if stage == _COMMENTS:
                    if entry.previous and ("msgid" not in entry.previous or entry.previous_obsolete != obsolete):
                        raise _GiveUp
                    entry.obsolete = obsolete
                elif entry.obsolete != obsolete:
                    raise _GiveUp
                if word == "msgctxt":
                    if stage != _COMMENTS:
                        raise _GiveUp
                    entry.stage = _CONTEXT
                else:
                    if stage not in (_COMMENTS, _CONTEXT):
                        raise _GiveUp
                    entry.stage, entry.lineno = _MSGID, number
            elif stage == _COMMENTS or entry.obsolete != obsolete:
                raise _GiveUp
            elif word == "msgid_plural":
                if stage != _MSGID:
                    raise _GiveUp
                entry.stage = _PLURAL
            elif index is None:
                if stage != _MSGID:
                    raise _GiveUp
                entry.stage, entry.msgstr_lineno = _MSGSTR, number
                entry.msgstr_lines.append((number, raw))
            else:
                n = int(index)
                forms = len(entry.fields) - (3 if "msgctxt" in entry.fields else 2)
                if not ((stage == _PLURAL and n == 0) or (stage == _MSGSTRS and n == forms)):
                    raise _GiveUp
                if n == 0:
                    entry.msgstr_lineno = number
                entry.stage = _MSGSTRS
                slot = n
            target = entry.fields[slot] = [raw]
        if entry.stage >= _MSGSTR:
            finish(entry)
        elif entry.stage != _COMMENTS:
            raise _GiveUp
        header_fields: tuple[tuple[str, str], ...] = ()
        header_comments: tuple[str, ...] = ()
        header_flags: tuple[str, ...] = ()
        if header:
            header_fields = _header_fields(header[0], path)
            header_comments = tuple(header[0].comments)
            header_flags = tuple(header[0].flags)
    except (_GiveUp, InputError):
        return None
    return Catalog(header_fields, header_comments, header_flags, tuple(messages))


def _header_fields(draft: _Draft, path: str) -> tuple[tuple[str, str], ...]:
    """``Name: value`` lines of the header msgstr, in order; only UTF-8 charsets pass."""
    fields: list[tuple[str, str]] = []
    for line in draft.msgstr.split("\n"):
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon or not name:
            raise InputError(
                f"header line {line!r} is not 'Name: value'",
                path,
                _header_line(draft, line),
                "fix or remove that line of the header msgstr",
            )
        fields.append((name, value[1:] if value.startswith(" ") else value))
    charset = _declared_charset(_header_text(fields))  # as the writer will see it
    if charset is not None and charset.upper() not in _OK_CHARSETS:
        raise InputError(
            f"charset {charset} is not supported: PO files must be UTF-8",
            path,
            _header_line(draft, "charset="),
            "convert it with `msgconv --to-code=UTF-8 FILE` and set charset=UTF-8",
        )
    return tuple(fields)


def _header_line(draft: _Draft, needle: str) -> int:
    """Line of the header msgstr string that contains ``needle`` (else the msgid line)."""
    for number, piece in draft.msgstr_lines:
        if needle in piece:
            return number
    return draft.lineno


def read_po(path: Path, display: str | None = None) -> Catalog:
    """Read and parse a PO/POT file; ``display`` names it in errors (default: the path)."""
    name = display if display is not None else str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", name) from None
    return loads_po(data, name)


def loads_po(data: bytes, name: str) -> Catalog:
    """Parse the bytes of a PO/POT file (UTF-8, a BOM allowed); ``name`` names it in errors."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        declared = re.search(rb"charset=([A-Za-z0-9_.:-]+)", data)
        if declared and declared.group(1).upper() not in (b"UTF-8", b"UTF8"):
            charset = declared.group(1).decode("ascii")
            raise InputError(
                f"charset {charset} is not supported: PO files must be UTF-8",
                name,
                data[: declared.start()].count(b"\n") + 1,
                "convert it with `msgconv --to-code=UTF-8 FILE` and set charset=UTF-8",
            ) from None
    text, _bom = decode(data, name)
    return parse_po(text, name)
