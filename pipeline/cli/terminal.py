"""What the CLI prints is text, never terminal commands.

A msgstr, a file name or a reason quoting either can carry control characters: ESC
sequences that clear the screen, set the window title or hide text, 8-bit C1 controls, a
carriage return that overwrites a line. Everything the CLI writes (human and CI output:
``diff``, sync warnings, ``check`` in every format) goes through ``printable``, which shows
each such character as ``\\uXXXX`` instead (valid in JSON strings too). Only tab and newline
pass. Colours the CLI itself asks rich for are written to the raw stream, around text
that was made printable first.
"""

from __future__ import annotations

import re
from typing import TextIO, cast

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 controls but tab and newline, DEL, and the C1 controls (ESC is \\x1b, CSI \\x9b)."""


def printable(text: str) -> str:
    """``text`` with every control character but tab and newline shown as ``\\uXXXX``."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class _Printable:
    """A text stream that writes ``printable`` text to the stream it wraps."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        return self.raw.write(printable(text))

    def __getattr__(self, name: str) -> object:  # flush, isatty, fileno, encoding …
        return getattr(self.raw, name)


def printable_stream(stream: TextIO) -> TextIO:
    """``stream`` wrapped so that everything written to it is ``printable``."""
    return stream if isinstance(stream, _Printable) else cast(TextIO, _Printable(stream))


def raw_stream(stream: TextIO) -> TextIO:
    """The stream under ``printable_stream`` (for rich, which writes its own colour codes)."""
    return stream.raw if isinstance(stream, _Printable) else stream
