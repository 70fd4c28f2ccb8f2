"""The stages for message files (``[[messages]]``): template, checks, build, update and import. Pure.

A message file is a flat JSON object of ``key: "English text"`` (``pipeline.formats.inlang``).
Every message key is one template entry with ``msgctxt`` = the key, so equal English strings
under different keys stay separate; ``x__instructions`` notes become ``#.`` comments of the
template and never a msgid, and are left out of the built files.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from pipeline.formats.inlang import Entry, MessageFile, Role, format_json, role
from pipeline.model import Catalog, Finding, Message, Severity
from pipeline.segment.tags import closed_in_order, inline_tags
from pipeline.stages.extract import template_catalog
from pipeline.stages.merge import UpdateOptions, update
from pipeline.stages.safety import unsafe_reason
from pipeline.translate.mark import unreviewed
from pipeline.workspace.files import page_bytes
from pipeline.workspace.message_sources import MessageSource

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


ORPHAN_NOTE = "orphan-note"
"""Code of the finding for a note that belongs to no key."""


def orphan_findings(spec: MessageSource, file: MessageFile) -> list[Finding]:
    """A warning per note that belongs to no key (it would reach no translator)."""
    _, orphans = _notes(file, spec.instructions_suffix)
    return [
        Finding(
            file.path,
            e.line,
            0,
            ORPHAN_NOTE,
            Severity.WARNING,
            f"{e.key!r} matches no key (nor keys starting with "
            f"{e.key[: -len(spec.instructions_suffix)]!r}); translators will not see it",
        )
        for e in orphans
    ]


def orphan_warnings(spec: MessageSource, file: MessageFile) -> list[str]:
    """:func:`orphan_findings` as the lines the CLI prints."""
    return [f"{f.path}:{f.line}: warning: {f.message}" for f in orphan_findings(spec, file)]


# --------------------------------------------------------------------------- checks


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a msgstr may not replace its msgid in a message file; ``code`` is the finding's code."""

    code: str
    message: str
    hint: str


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
    tags_en, tags_tr = inline_tags(msgid), inline_tags(msgstr)
    counts_en = Counter(t.signature for t in tags_en)
    counts_tr = Counter(t.signature for t in tags_tr)
    if counts_en != counts_tr:
        found.append(
            Problem(
                "markup",
                f"the translation {_diff(counts_en, counts_tr)} (HTML tags must match the English)",
                "keep the same tags around the corresponding words",
            )
        )
    elif closed_in_order(tags_en) and not closed_in_order(tags_tr):
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
            line = m.msgstr_lineno or m.lineno  # the msgstr line, as sync's fallback warnings say
            out.append(Finding(po_path, line, 0, p.code, Severity.ERROR, f"{m.msgctxt}: {p.message}", p.hint))
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
