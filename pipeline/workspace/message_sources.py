"""``[[messages]]`` tables: which inlang message files are translated, and where their translations go.

Parsed once with the rest of ``pipeline.toml``; the message stages receive :class:`MessageSource`
values and never read the configuration.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.formats.inlang import DEFAULT_SUFFIX
from pipeline.tables import ConfigText

DEFAULT_NAME = "messages"
"""Template name of a ``[[messages]]`` table without ``name``: ``locales/templates/messages.pot``."""
FALLBACKS = ("english", "omit")
"""``fallback``: write the English for untranslated keys, or leave them out of the file."""


@dataclass(frozen=True, slots=True)
class MessageSource:
    """One ``[[messages]]`` table: an English message file and where its translations go."""

    name: str
    """Catalog name: ``locales/templates/<name>.pot`` and ``locales/<locale>/<name>.po``."""
    source: str
    """The English message file, relative to the project root."""
    output: str
    """Translated files, relative to the root, with ``{locale}`` in the path."""
    fallback: str = "english"
    """One of :data:`FALLBACKS`."""
    instructions_suffix: str = DEFAULT_SUFFIX
    """Keys ending in it are notes for translators (empty: none are)."""

    def output_for(self, locale: str) -> str:
        return self.output.replace("{locale}", locale)


_SOURCE_KEYS = ("name", "source", "output", "fallback", "instructions_suffix")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def parse_sources(raw: Any, src: ConfigText, root: Path) -> tuple[MessageSource, ...]:
    """The validated ``[[messages]]`` tables (none when absent)."""
    if raw is None:
        return ()
    where = src.path
    if isinstance(raw, dict):
        raise ConfigError(
            "messages must be an array of tables",
            where,
            _table_line(src.text, 0, None),
            "write [[messages]] (double brackets), one table per message file",
        )
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise ConfigError(
            "messages must be an array of tables", where, _table_line(src.text, 0, None), "write [[messages]]"
        )
    found: list[MessageSource] = []
    names: dict[str, int] = {}
    for index, table in enumerate(raw):
        spec = _source(src, root, index, table, len(raw))
        if spec.name in names:
            raise ConfigError(
                f"two [[messages]] tables are named {spec.name!r}",
                where,
                _table_line(src.text, index, "name"),
                'give each [[messages]] table its own name = "..." (it names the .pot and .po files)',
            )
        names[spec.name] = index
        found.append(spec)
    for spec in found:
        for other in found:
            if other is not spec and other.output == spec.output:
                raise ConfigError(
                    f"[[messages]] {spec.name!r} and {other.name!r} write the same files ({spec.output})",
                    where,
                    _table_line(src.text, names[other.name], "output"),
                    "give each its own output path",
                )
    return tuple(found)


def _source(src: ConfigText, root: Path, index: int, table: dict[str, Any], count: int) -> MessageSource:
    where = src.path

    def fail(key: str | None, message: str, hint: str = "") -> ConfigError:
        return ConfigError(message, where, _table_line(src.text, index, key), hint)

    for key in sorted(table):
        if key not in _SOURCE_KEYS:
            raise fail(key, f"unknown [[messages]] setting {key!r}", f"use {', '.join(_SOURCE_KEYS)}")
    for key in _SOURCE_KEYS:
        if key in table and not isinstance(table[key], str):
            raise fail(key, f"[[messages]] {key} must be a string")
    if "source" not in table:
        raise fail(None, '[[messages]] needs source = "..."', 'e.g. source = "messages/en.json"')
    source = _relative(root, table["source"], "source", fail)
    if "{locale}" in source:
        raise fail("source", "[[messages]] source is the English file: it cannot contain {locale}")
    if "output" in table:
        output = _relative(root, table["output"], "output", fail)
    else:
        parent, _, file = source.rpartition("/")
        suffix = file[file.index(".") :] if "." in file else ""
        output = (parent + "/" if parent else "") + "{locale}" + suffix
    if "{locale}" not in output:
        raise fail(
            "output", f"[[messages]] output = {output!r} has no {{locale}}", 'e.g. output = "messages/{locale}.json"'
        )
    name = table.get("name")
    if name is None:
        if count > 1:
            raise fail(None, "each of several [[messages]] tables needs a name", 'add name = "..." (it names the .pot)')
        name = DEFAULT_NAME
    elif not _NAME.fullmatch(name):
        raise fail("name", f"[[messages]] name {name!r} is not a plain file name", "use letters, digits, _ . -")
    fallback = table.get("fallback", "english")
    if fallback not in FALLBACKS:
        raise fail("fallback", f"[[messages]] fallback = {fallback!r} is not one of {', '.join(FALLBACKS)}")
    suffix_key = table.get("instructions_suffix", DEFAULT_SUFFIX)
    return MessageSource(name, source, output, fallback, suffix_key)


def _relative(root: Path, value: str, key: str, fail: Callable[..., ConfigError]) -> str:
    """A path inside the project root (``{locale}`` allowed); refuses ``..``, absolute paths and links out."""
    if not value:
        raise fail(key, f"[[messages]] {key} must not be empty")
    probe = value.replace("{locale}", "xx")
    path = Path(probe)
    if path.is_absolute() or ".." in path.parts:
        raise fail(key, f"[[messages]] {key} = {value!r} points outside the project", "use a path relative to the root")
    if not (root / probe).resolve().is_relative_to(root.resolve()):
        raise fail(key, f"[[messages]] {key} = {value!r} leads outside the project (through a link)")
    return Path(value).as_posix()


_TABLE = re.compile(r"^[ \t]*\[\[[ \t]*(?:tool\.pipeline\.)?messages[ \t]*\]\]", re.MULTILINE)
_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)


def _table_line(text: str, index: int, key: str | None) -> int | None:
    """Line of ``key =`` inside the ``index``-th ``[[messages]]`` table (or of the table header)."""
    tables = list(_TABLE.finditer(text))
    if index >= len(tables):
        m = re.search(r"^[ \t]*messages[ \t]*=|^[ \t]*\[[ \t]*messages[ \t]*\]", text, re.MULTILINE)
        return text.count("\n", 0, m.start()) + 1 if m else None
    start = tables[index].end()
    nxt = _HEADER.search(text, start)
    end = nxt.start() if nxt else len(text)
    if key is not None:
        m = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*=", re.MULTILINE).search(text, start, end)
        if m:
            return text.count("\n", 0, m.start()) + 1
    return text.count("\n", 0, tables[index].start()) + 1
