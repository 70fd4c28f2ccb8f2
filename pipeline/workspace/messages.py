"""UI strings in inlang's message format (``messages/en.json``) <-> one PO catalog per locale.

A message file is a flat JSON object of ``key: "English text"``. Keys starting with ``$``
(``$schema``) are metadata, copied as they are; keys ending in ``__instructions`` are
notes for translators: they become ``#.`` comments of the template and never a msgid,
and they are left out of the built files (the runtime does not need them and a
translated copy would only drift, as the notes in the real Dutch file did). Every other
key is one template entry with ``msgctxt`` = the key, so equal English strings under
different keys stay separate.

The core (parse, format, template, build, import, checks) is pure; the functions at the
end (``sources``, ``read_message_file``, ``import_messages``, ``message_findings``) are
the thin edge that reads the configuration and the disk.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError, InputError
from pipeline.formats import po
from pipeline.model import Catalog, Finding, Message, Severity
from pipeline.stages.extract import template_catalog
from pipeline.stages.merge import UpdateOptions, update
from pipeline.stages.safety import unsafe_reason
from pipeline.translate.mark import unreviewed
from pipeline.workspace.files import decode, display_path, page_bytes, write_atomic
from pipeline.workspace.settings import CONFIG_FILE, Config, validate_locale

__all__ = [
    "DEFAULT_NAME",
    "FALLBACKS",
    "BuiltMessages",
    "Entry",
    "ImportOutcome",
    "ImportResult",
    "JsonStyle",
    "MessageFile",
    "MessageSource",
    "Problem",
    "build_messages",
    "catalog_findings",
    "format_json",
    "import_catalog",
    "import_messages",
    "make_template",
    "message_findings",
    "orphan_warnings",
    "parse_json",
    "problems",
    "read_message_file",
    "sources",
    "update_catalog",
]

DEFAULT_NAME = "messages"
"""Template name of a ``[[messages]]`` table without ``name``: ``locales/templates/messages.pot``."""
DEFAULT_SUFFIX = "__instructions"
FALLBACKS = ("english", "omit")
"""``fallback``: write the English for untranslated keys, or leave them out of the file."""


# --------------------------------------------------------------------------- configuration


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


def sources(cfg: Config) -> tuple[MessageSource, ...]:
    """The validated ``[[messages]]`` tables of the configuration (none when absent)."""
    raw = cfg.raw.get("messages")
    if raw is None:
        return ()
    where = cfg.config_path or CONFIG_FILE
    if isinstance(raw, dict):
        raise ConfigError(
            "messages must be an array of tables",
            where,
            _table_line(cfg.text, 0, None),
            "write [[messages]] (double brackets), one table per message file",
        )
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise ConfigError(
            "messages must be an array of tables", where, _table_line(cfg.text, 0, None), "write [[messages]]"
        )
    found: list[MessageSource] = []
    names: dict[str, int] = {}
    for index, table in enumerate(raw):
        spec = _source(cfg, index, table, len(raw))
        if spec.name in names:
            raise ConfigError(
                f"two [[messages]] tables are named {spec.name!r}",
                where,
                _table_line(cfg.text, index, "name"),
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
                    _table_line(cfg.text, names[other.name], "output"),
                    "give each its own output path",
                )
    return tuple(found)


def _source(cfg: Config, index: int, table: dict[str, Any], count: int) -> MessageSource:
    where = cfg.config_path or CONFIG_FILE

    def fail(key: str | None, message: str, hint: str = "") -> ConfigError:
        return ConfigError(message, where, _table_line(cfg.text, index, key), hint)

    for key in sorted(table):
        if key not in _SOURCE_KEYS:
            raise fail(key, f"unknown [[messages]] setting {key!r}", f"use {', '.join(_SOURCE_KEYS)}")
    for key in _SOURCE_KEYS:
        if key in table and not isinstance(table[key], str):
            raise fail(key, f"[[messages]] {key} must be a string")
    if "source" not in table:
        raise fail(None, '[[messages]] needs source = "..."', 'e.g. source = "messages/en.json"')
    source = _relative(cfg, table["source"], "source", fail)
    if "{locale}" in source:
        raise fail("source", "[[messages]] source is the English file: it cannot contain {locale}")
    if "output" in table:
        output = _relative(cfg, table["output"], "output", fail)
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


def _relative(cfg: Config, value: str, key: str, fail: Callable[..., ConfigError]) -> str:
    """A path inside the project root (``{locale}`` allowed); refuses ``..``, absolute paths and links out."""
    if not value:
        raise fail(key, f"[[messages]] {key} must not be empty")
    probe = value.replace("{locale}", "xx")
    path = Path(probe)
    if path.is_absolute() or ".." in path.parts:
        raise fail(key, f"[[messages]] {key} = {value!r} points outside the project", "use a path relative to the root")
    if not (cfg.root / probe).resolve().is_relative_to(cfg.root.resolve()):
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


# --------------------------------------------------------------------------- JSON files


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


# --------------------------------------------------------------------------- template


def _note_lines(text: str) -> list[str]:
    """A note as ``#.`` comment lines: one per line, none ending in a backslash (gettext would join them)."""
    out: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lined = raw.rstrip()
        out.append(lined + " ." if lined.endswith("\\") else lined)
    return out


def _notes(file: MessageFile, suffix: str) -> tuple[dict[str, list[str]], list[Entry]]:
    """Comments per message key, and the notes that match no key.

    A note ``k__instructions`` belongs to key ``k``; when there is no key ``k`` it is a note
    for the group of keys starting with ``k_`` (``header__instructions`` for ``header_*``)
    and is shown, labelled, on each of them before their own notes.
    """
    keys = [e.key for e in file.entries if role(e.key, suffix) is Role.MESSAGE]
    keyset = set(keys)
    notes: dict[str, list[str]] = {k: [] for k in keys}
    orphans: list[Entry] = []
    found = [e for e in file.entries if role(e.key, suffix) is Role.INSTRUCTIONS]
    ordered = sorted(found, key=lambda e: (e.key[: -len(suffix)] in keyset, len(e.key)))
    for e in ordered:
        base = e.key[: -len(suffix)]
        if base in keyset:
            notes[base].extend(_note_lines(e.value))
            continue
        group = [k for k in keys if k.startswith(base) and len(k) > len(base) and not k[len(base)].isalnum()]
        if not group:
            orphans.append(e)
            continue
        lines = _note_lines(e.value)
        lines[0] = f"For every key starting with {base!r}: {lines[0]}"
        for k in group:
            notes[k].extend(lines)
    return notes, orphans


def template_messages(spec: MessageSource, file: MessageFile) -> tuple[Message, ...]:
    """One entry per message key with a non-empty English text, in file order."""
    notes, _ = _notes(file, spec.instructions_suffix)
    return tuple(
        Message(msgid=e.value, msgctxt=e.key, auto_comments=tuple(notes[e.key]), references=(file.path,))
        for e in file.entries
        if role(e.key, spec.instructions_suffix) is Role.MESSAGE and e.value
    )


def make_template(spec: MessageSource, file: MessageFile, old: Catalog | None, stamp: str | None = None) -> Catalog:
    """The template of a message file; keeps ``old``'s date when nothing a translator sees changed."""
    return template_catalog(spec.name, file.path, template_messages(spec, file), old, stamp)


def orphan_warnings(spec: MessageSource, file: MessageFile) -> list[str]:
    """A warning per note that belongs to no key (it would reach no translator)."""
    _, orphans = _notes(file, spec.instructions_suffix)
    return [
        f"{file.path}:{e.line}: warning: {e.key!r} matches no key (nor keys starting with "
        f"{e.key[: -len(spec.instructions_suffix)]!r}); translators will not see it"
        for e in orphans
    ]


# --------------------------------------------------------------------------- checks


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a msgstr may not replace its msgid in a message file; ``code`` is the finding's code."""

    code: str
    message: str
    hint: str


_ATTR = re.compile(r"""\b(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*?)?)(/?)>")
_VOID = frozenset({"br", "hr", "img", "wbr", "input", "source", "area", "col", "embed", "meta", "link", "track"})


def placeholders(text: str) -> Counter[str]:
    """The ``{name}`` placeholders of an inlang message (``\\{`` is a literal brace), normalised."""
    found: Counter[str] = Counter()
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            end = text.find("}", i + 1)
            if end < 0:
                break
            found["{" + " ".join(text[i + 1 : end].split()) + "}"] += 1
            i = end + 1
            continue
        i += 1
    return found


def _tags(text: str) -> list[tuple[str, str]]:
    """(signature, name) of each inline HTML tag; the signature keeps link targets (href, src)."""
    out: list[tuple[str, str]] = []
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        attrs = " ".join(
            f'{a.group(1).lower()}="{next(g for g in a.groups()[1:] if g is not None)}"'
            for a in _ATTR.finditer(m.group(3))
        )
        signature = f"<{m.group(1)}{name}{' ' + attrs if attrs else ''}{m.group(4)}>"
        out.append((signature, name))
    return out


def _nested(tags: list[tuple[str, str]]) -> bool:
    """True when every opened tag is closed in order (void and self-closing tags aside)."""
    stack: list[str] = []
    for signature, name in tags:
        if name in _VOID or signature.endswith("/>"):
            continue
        if signature.startswith("</"):
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


def _diff(english: Counter[str], translated: Counter[str]) -> str:
    missing = sorted((english - translated).elements())
    extra = sorted((translated - english).elements())
    parts = []
    if missing:
        parts.append(f"lacks {' '.join(missing)}")
    if extra:
        parts.append(f"adds {' '.join(extra)}")
    return " and ".join(parts)


def problems(msgid: str, msgstr: str) -> list[Problem]:
    """What is wrong with ``msgstr`` as the translation of ``msgid`` (empty when it may be used)."""
    if not msgstr:
        return []
    found: list[Problem] = []
    reason = unsafe_reason(msgid, msgstr, markdown=False)
    if reason:
        found.append(Problem("unsafe", f"the translation {reason}", "remove it; the English is used until then"))
    english, translated = placeholders(msgid), placeholders(msgstr)
    if english != translated:
        found.append(
            Problem(
                "placeholder",
                f"the translation {_diff(english, translated)} (placeholders must match the English)",
                "keep every {name} exactly as in the English; translate only the words around it",
            )
        )
    tags_en, tags_tr = _tags(msgid), _tags(msgstr)
    counts_en = Counter(s for s, _ in tags_en)
    counts_tr = Counter(s for s, _ in tags_tr)
    if counts_en != counts_tr:
        found.append(
            Problem(
                "markup",
                f"the translation {_diff(counts_en, counts_tr)} (HTML tags must match the English)",
                "keep the same tags around the corresponding words",
            )
        )
    elif _nested(tags_en) and not _nested(tags_tr):
        found.append(
            Problem(
                "markup",
                "the translation's HTML tags are not closed in order",
                "close each tag after the one opened inside it",
            )
        )
    return found


def catalog_findings(catalog: Catalog, po_path: str) -> list[Finding]:
    """Findings for every translated entry of a message catalog, located at the entry in the PO file."""
    out: list[Finding] = []
    for m in catalog.messages:
        if not m.translated or m.msgid_plural is not None:
            continue
        for p in problems(m.msgid, m.msgstr):
            out.append(Finding(po_path, m.lineno, 0, p.code, Severity.ERROR, f"{m.msgctxt}: {p.message}", p.hint))
    return out


# --------------------------------------------------------------------------- build


@dataclass(frozen=True, slots=True)
class BuiltMessages:
    """A translated message file, with the translations that were refused and why."""

    text: str
    data: bytes
    used: int
    fallbacks: tuple[tuple[Message, str], ...] = ()


def build_messages(
    spec: MessageSource, english: MessageFile, catalog: Catalog | None, machine: bool = False
) -> BuiltMessages:
    """The translated file: English key order, ``$`` keys kept, notes left out, gaps per ``spec.fallback``.

    A translation that :func:`problems` objects to is not used (the key falls back like an
    untranslated one) and is returned in ``fallbacks``. ``machine`` (``[translate] publish``):
    unreviewed machine translations of the current English are used too.
    """
    table: dict[tuple[str | None, str], Message] = {}
    if catalog is not None:
        table = {
            m.key: m
            for m in catalog.messages
            if (m.translated or (machine and unreviewed(m))) and m.msgid_plural is None
        }
    pairs: list[tuple[str, str]] = []
    fallbacks: list[tuple[Message, str]] = []
    used = 0
    for e in english.entries:
        kind = role(e.key, spec.instructions_suffix)
        if kind is Role.INSTRUCTIONS:
            continue
        if kind is Role.META or not e.value:
            pairs.append((e.key, e.value))
            continue
        m = table.get((e.key, e.value))
        if m is not None:
            found = problems(m.msgid, m.msgstr)
            if found:
                fallbacks.append((m, f"[{found[0].code}] {found[0].message}"))
            else:
                pairs.append((e.key, m.msgstr))
                used += 1
                continue
        if spec.fallback == "english":
            pairs.append((e.key, e.value))
    text = format_json(pairs, english.style)
    return BuiltMessages(text, page_bytes(text, english.style.bom), used, tuple(fallbacks))


# --------------------------------------------------------------------------- update


def update_catalog(template: Catalog, old: Catalog | None, locale: str) -> Catalog:
    """``merge.update`` for a message catalog, where the key is the identity of a string.

    When the English of a key changes so much that msgmerge's similarity finds no match
    (short UI strings often change whole: "Groups" -> "Events"), the key's old translation
    still becomes the fuzzy translation of the new English, with the old English as
    ``#| msgid``, instead of going obsolete.
    """
    merged = update(template, old, locale, UpdateOptions(cross_context=False))
    if old is None:
        return merged
    orphans = {m.msgctxt: m for m in merged.messages if m.obsolete and m.msgstr and m.msgid_plural is None}
    if not orphans:
        return merged
    taken: set[tuple[str | None, str]] = set()
    out: list[Message] = []
    for m in merged.messages:
        prior = orphans.get(m.msgctxt)
        if not m.obsolete and not m.msgstr and prior is not None and m.msgid_plural is None:
            taken.add(prior.key)
            m = replace(
                m,
                msgstr=prior.msgstr,
                flags=("fuzzy", *[f for f in m.flags if f != "fuzzy"]),
                comments=prior.comments,
                previous_msgctxt=None,
                previous_msgid=prior.msgid,
            )
        out.append(m)
    return replace(merged, messages=tuple(m for m in out if not (m.obsolete and m.key in taken)))


# --------------------------------------------------------------------------- import


@dataclass(frozen=True, slots=True)
class ImportResult:
    """A catalog made from an existing translated message file, and how its keys paired."""

    catalog: Catalog
    translated: int = 0
    """Keys whose translation was taken."""
    same: int = 0
    """Keys whose value equals the English: left untranslated."""
    missing: int = 0
    """English keys the file does not have (or has empty)."""
    kept: int = 0
    """Entries that already had a translation (``merge``) and kept it."""
    instructions: int = 0
    """Translated notes ignored (notes come from the English file only)."""
    extra: tuple[Entry, ...] = ()
    """Keys of the file that the English file does not have."""


def import_catalog(
    template: Catalog, spec: MessageSource, translated: MessageFile, locale: str, existing: Catalog | None = None
) -> ImportResult:
    """Pair a translated file with the template by key; existing translations are kept (fill the gaps only)."""
    base = update_catalog(template, existing, locale)
    values = {e.key: e for e in translated.entries if role(e.key, spec.instructions_suffix) is Role.MESSAGE}
    counts = Counter[str]()
    out: list[Message] = []
    for m in base.messages:
        if m.obsolete:
            out.append(m)
            continue
        if m.msgstr:
            counts["kept"] += 1
            out.append(m)
            continue
        e = values.get(m.msgctxt or "")
        if e is None or not e.value:
            counts["missing"] += 1
        elif e.value == m.msgid:
            counts["same"] += 1
        else:
            counts["translated"] += 1
            m = replace(
                m,
                msgstr=e.value,
                flags=tuple(f for f in m.flags if f != "fuzzy"),
                previous_msgctxt=None,
                previous_msgid=None,
                previous_msgid_plural=None,
            )
        out.append(m)
    english_keys = {m.msgctxt for m in template.messages}
    extra = tuple(e for e in values.values() if e.key not in english_keys and e.value)
    notes = sum(1 for e in translated.entries if role(e.key, spec.instructions_suffix) is Role.INSTRUCTIONS)
    return ImportResult(
        replace(base, messages=tuple(out)),
        translated=counts["translated"],
        same=counts["same"],
        missing=counts["missing"],
        kept=counts["kept"],
        instructions=notes,
        extra=extra,
    )


# --------------------------------------------------------------------------- disk edge


def read_message_file(root: Path, file: Path) -> MessageFile:
    """Read and parse a message file; errors name it relative to ``root``."""
    display = display_path(root, file)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError(
            "message file does not exist", display, hint="check the path (and [[messages]] source)"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", display) from None
    text, bom = decode(data, display)
    return parse_json(text, display, bom)


def _po_file(cfg: Config, locale: str, name: str) -> Path:
    return cfg.locale_dir(locale) / f"{name}.po"


def _catalog(cfg: Config, path: Path) -> Catalog | None:
    return po.read_po(path, display_path(cfg.root, path)) if path.is_file() else None


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What ``pipeline import --messages`` did."""

    name: str
    po_path: str
    written: bool
    result: ImportResult
    warnings: tuple[str, ...]


def _pick_source(
    cfg: Config, specs: Iterable[MessageSource], locale: str, file: Path, name: str | None
) -> MessageSource:
    specs = tuple(specs)
    if not specs:
        raise ConfigError(
            "no [[messages]] table in the configuration",
            cfg.config_path or CONFIG_FILE,
            hint='add [[messages]] with source = "messages/en.json" and output = "messages/{locale}.json"',
        )
    if name is not None:
        for spec in specs:
            if spec.name == name:
                return spec
        raise ConfigError(f"no [[messages]] table is named {name!r}", cfg.config_path or CONFIG_FILE)
    if len(specs) == 1:
        return specs[0]
    target = file.resolve()
    for spec in specs:
        if (cfg.root / spec.output_for(locale)).resolve() == target:
            return spec
    raise ConfigError(
        f"{file} is not the output of any [[messages]] table for {locale}",
        cfg.config_path or CONFIG_FILE,
        hint="with several [[messages]] tables, import each file from its output path",
    )


def import_messages(
    cfg: Config, locale: str, file: Path, merge: bool = False, name: str | None = None
) -> ImportOutcome:
    """``locales/<locale>/<name>.po`` from an existing translated message file (paired by key).

    Refuses to replace a PO file that already has translations unless ``merge`` (then only
    its gaps are filled). Computes everything first; writes one file atomically.
    """
    validate_locale(locale, "--locale")
    if cfg.locales and locale not in cfg.locales:
        raise ConfigError(
            f"locale {locale!r} is not among locales = {list(cfg.locales)}",
            cfg.config_path or CONFIG_FILE,
            hint="add it to locales first, so update and build carry it",
        )
    spec = _pick_source(cfg, sources(cfg), locale, file, name)
    english = read_message_file(cfg.root, cfg.root / spec.source)
    translated = read_message_file(cfg.root, file)
    template = make_template(spec, english, _catalog(cfg, cfg.templates_dir / f"{spec.name}.pot"))
    path = _po_file(cfg, locale, spec.name)
    rel = display_path(cfg.root, path)
    existing = _catalog(cfg, path)
    if existing is not None and not merge and any(m.msgstr for m in existing.messages if not m.obsolete):
        raise InputError(
            "already has translations; importing would replace them",
            rel,
            hint="pass --merge to keep them and fill only the untranslated entries, or delete the file on purpose",
        )
    result = import_catalog(template, spec, translated, locale, existing)
    written = write_atomic(path, po.format_po(result.catalog).encode("utf-8"))
    warnings = tuple(
        f"{translated.path}:{e.line}: warning: key {e.key!r} is not in {english.path}; not imported "
        "(build leaves it out)"
        for e in result.extra
    )
    return ImportOutcome(spec.name, rel, written, result, warnings)


def message_findings(cfg: Config) -> list[Finding]:
    """``check`` for message catalogs: placeholders, inline HTML and unsafe additions, per locale."""
    findings: list[Finding] = []
    specs = sources(cfg)
    if not specs:
        return findings
    for locale in cfg.target_locales():
        for spec in specs:
            path = _po_file(cfg, locale, spec.name)
            catalog = _catalog(cfg, path)
            if catalog is not None:
                findings.extend(catalog_findings(catalog, display_path(cfg.root, path)))
    return sorted(findings)
