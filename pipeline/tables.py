"""Where a table of ``pipeline.toml`` came from, so a stage's ``from_table`` can point an error at its line.

Stages own their options (a frozen dataclass with a ``from_table`` classmethod) and never read
the configuration file: ``pipeline.workspace.settings`` parses it once and hands each stage its
table together with a :class:`ConfigText`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from pipeline.errors import ConfigError

CONFIG_FILE = "pipeline.toml"


@dataclass(frozen=True, slots=True)
class ConfigText:
    """The configuration file's name and text (empty when the settings are defaults)."""

    path: str = CONFIG_FILE
    text: str = ""

    def line(self, *keys: str) -> int | None:
        """Line of the first of ``keys`` set in the text (see :func:`line_of`)."""
        return line_of(self.text, *keys)

    def key_line(self, table: str, key: str | None = None) -> int | None:
        """Line of ``[table]`` or of ``key =`` inside it (see :func:`key_line`)."""
        return key_line(self.text, table, key)

    def error(self, key: str, message: str, hint: str = "") -> ConfigError:
        """A ``ConfigError`` pointing at the line where ``key`` is set (its last dotted part)."""
        return ConfigError(message, self.path, line_of(self.text, key.split(".")[-1]), hint)

    def table(self, data: dict[str, Any], name: str) -> dict[str, Any]:
        """The table ``name`` of ``data`` (``[upstream]``, ``[site]`` …), empty when absent."""
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise self.error(name, f"[{name}] must be a table")
        return value


def key_line(text: str, table: str, key: str | None = None) -> int | None:
    """Line of ``[table]`` (dotted names allowed), or of ``key =`` inside it; None when absent."""
    parts = [re.escape(p) for p in table.split(".")]
    m = re.search(r"^[ \t]*\[[ \t]*" + r"\s*\.\s*".join(parts) + r"\s*\]", text, re.MULTILINE)
    if m is None:
        return None
    start = text.count("\n", 0, m.start()) + 1
    if key is None:
        return start
    for number, line in enumerate(text.splitlines()[start:], start + 1):
        if re.match(r"^\s*\[", line):
            break
        if re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return start


def line_of(text: str, *keys: str) -> int | None:
    """Line of the first of ``keys`` set in a TOML text, for error messages; None only for no text.

    Finds ``key =``, ``key.sub =``, quoted keys and ``[key]`` tables; failing that, the
    first line that mentions a key; failing that, line 1 (an error always has a line).
    """
    for key in keys:
        k = re.escape(key)
        m = re.search(rf"""^[ \t]*\[*[ \t]*(?:{k}|"{k}"|'{k}')[ \t]*[.=\]]""", text, re.MULTILINE)
        if m:
            return text.count("\n", 0, m.start()) + 1
    for key in keys:
        at = text.find(key) if key else -1
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return 1 if text else None


NO_FILE = ConfigText()
"""Defaults with no configuration file behind them."""


def toml_error_line(exc: tomllib.TOMLDecodeError, text: str) -> int:
    """Line of a TOML syntax error; the last line for one "at end of document" (tomllib gives none)."""
    m = re.search(r"line (\d+)", str(exc))
    return int(m.group(1)) if m else text.rstrip("\r\n").count("\n") + 1
