"""inlang's message format (``messages/en.json``): a flat JSON object of ``key: "text"``, parsed and written.

The only codec of message files: :func:`parse_json` keeps each member's line (for errors and
findings) and the file's layout (:class:`JsonStyle`), which :func:`format_json` reuses so a
translated file looks like its English file. Keys starting with ``$`` are metadata; keys
ending in the instructions suffix are notes for translators (:func:`role`).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from pipeline.errors import InputError

DEFAULT_SUFFIX = "__instructions"
"""Keys ending in it are notes for translators (``[[messages]] instructions_suffix``)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One ``"key": "value"`` member of a message file."""

    key: str
    value: str
    line: int
    """1-based line of the key."""


@dataclass(frozen=True, slots=True)
class JsonStyle:
    """How a message file is laid out, detected from the English file and reused for its translations."""

    indent: str | None = "\t"
    """Indentation of a member (``None``: everything on one line)."""
    item_separator: str = ","
    key_separator: str = ": "
    newline: str = "\n"
    final_newline: bool = True
    ensure_ascii: bool = False
    """True when the English writes non-ASCII characters as ``\\uXXXX`` escapes."""
    bom: bool = False


@dataclass(frozen=True, slots=True)
class MessageFile:
    """A parsed message file: its members in file order and its layout."""

    path: str
    entries: tuple[Entry, ...]
    style: JsonStyle = JsonStyle()


class Role(StrEnum):
    """What a key of a message file is."""

    MESSAGE = "message"
    INSTRUCTIONS = "instructions"
    META = "meta"


def role(key: str, suffix: str = DEFAULT_SUFFIX) -> Role:
    """``$schema`` and other ``$`` keys are metadata; ``x__instructions`` a note; the rest messages."""
    if key.startswith("$"):
        return Role.META
    if suffix and key.endswith(suffix) and len(key) > len(suffix):
        return Role.INSTRUCTIONS
    return Role.MESSAGE


_JSON_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_BAD = re.compile("[\x00\x04\ud800-\udfff]")


def parse_json(text: str, path: str, bom: bool = False) -> MessageFile:
    """Parse a message file; invalid JSON, a non-string value or a duplicate key is an InputError at its line."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg} (column {exc.colno})", path, exc.lineno, "fix the syntax of the file"
        ) from None
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(pos: int) -> int:
        return bisect.bisect_right(starts, pos)

    pos = _JSON_WS.match(text, 0).end()  # type: ignore[union-attr]
    if text[pos] != "{":
        raise InputError(
            "a message file must be one JSON object", path, line(pos), 'write {"key": "text", ...} at the top level'
        )
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    gaps: list[str] = []  # layout: before the first key, first key..value, (marker), first value..second key
    start = pos + 1
    pos = _JSON_WS.match(text, start).end()  # type: ignore[union-attr]
    gaps.append(text[start:pos])
    while text[pos] != "}":
        if len(gaps) == 3:
            gaps.append(text[start:pos])
        key_line = line(pos)
        key, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
        start = pos
        pos = _JSON_WS.match(text, pos).end() + 1  # type: ignore[union-attr]  # past ':'
        pos = _JSON_WS.match(text, pos).end()  # type: ignore[union-attr]
        if len(gaps) == 1:
            gaps.append(text[start:pos])
        value_line = line(pos)
        value, pos = _DECODER.raw_decode(text, pos)
        if key in seen:
            raise InputError(
                f"duplicate key {key!r} (first at line {seen[key]})",
                path,
                key_line,
                "keep one of them: JSON readers silently use only the last",
            )
        if not isinstance(value, str):
            raise InputError(
                f"the value of {key!r} is {_json_type(value)}, not a string",
                path,
                value_line,
                "write plain strings: nested objects, plurals and variants are not supported",
            )
        for text_part, what in ((key, "key"), (value, "value")):
            bad = _BAD.search(text_part)
            if bad:
                raise InputError(
                    f"the {what} {key!r} holds U+{ord(bad.group()):04X}, which no translation file can carry",
                    path,
                    key_line,
                    "remove the control character or lone surrogate",
                )
        seen[key] = key_line
        entries.append(Entry(key, value, key_line))
        start = pos
        pos = _JSON_WS.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos] == ",":
            pos = _JSON_WS.match(text, pos + 1).end()  # type: ignore[union-attr]
        if len(gaps) == 2:
            gaps.append("")  # marks that the gap after the first value is taken at the next key
    return MessageFile(path, tuple(entries), _style(text, gaps, bom))


def _json_type(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


_ESCAPED_U = re.compile(r"(?<!\\)(?:\\\\)*\\u([0-9a-fA-F]{4})")
_INDENT = re.compile(r"\r?\n([ \t]*)")
_ITEM_GAP = re.compile(r",[ \t]*")


def _style(text: str, gaps: list[str], bom: bool) -> JsonStyle:
    """The layout of a JSON text from the gaps around its first members (defaults where it has none)."""
    opening = gaps[0] if gaps else ""
    m = _INDENT.fullmatch(opening)
    indent = m.group(1) if m else None
    key_sep = ": "
    if len(gaps) > 1 and "\n" not in gaps[1]:
        key_sep = gaps[1]
    item_sep = "," if indent is not None else ", "
    if indent is None and len(gaps) > 3 and _ITEM_GAP.fullmatch(gaps[3]):
        item_sep = gaps[3]
    ensure_ascii = text.isascii() and any(int(h, 16) >= 0x7F for h in _ESCAPED_U.findall(text))
    newline = "\r\n" if "\r\n" in text else "\n"
    return JsonStyle(indent, item_sep, key_sep, newline, text.endswith("\n"), ensure_ascii, bom)


def format_json(pairs: Sequence[tuple[str, str]], style: JsonStyle) -> str:
    """A flat JSON object of ``pairs`` in the given order, laid out as ``style`` says."""
    obj = dict(pairs)
    text = json.dumps(
        obj,
        ensure_ascii=style.ensure_ascii,
        indent=style.indent,
        separators=(style.item_separator, style.key_separator),
    )
    if style.newline != "\n":
        text = text.replace("\n", style.newline)  # json.dumps never puts a raw newline inside a string
    return text + (style.newline if style.final_newline else "")
