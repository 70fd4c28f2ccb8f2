"""Template + existing catalog -> updated catalog, with ``msgmerge --previous`` semantics.

* an unchanged msgid keeps its translation (and its fuzzy flag, if it had one);
* a new msgid gets the most similar old translation as a fuzzy entry, with the old msgid
  as ``#| msgid`` (similarity as GNU's ``fstrcmp``: 2·matches/total length, threshold 0.6,
  computed by rapidfuzz's Indel ratio, which is the same measure);
* an old entry no longer in the template becomes obsolete ``#~`` (never dropped while it
  has a translation); an obsolete entry whose msgid returns comes back to life.

Pure: it reads nothing and writes nothing, and never mutates its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from babel.messages.plurals import get_plural
from rapidfuzz import fuzz, process

from .extract import HASH_FIELD, SOURCE_FIELD
from .model import Catalog, Message

FUZZY_THRESHOLD = 60.0
"""Minimum similarity (percent) for a fuzzy match, as msgmerge's 0.6."""

_OURS = ("Project-Id-Version", "POT-Creation-Date", SOURCE_FIELD, HASH_FIELD)


def plural_forms(locale: str) -> str:
    """The ``Plural-Forms`` header value for a locale, from babel's CLDR data."""
    try:
        return str(get_plural(locale.replace("-", "_")).plural_forms)
    except Exception:
        return "nplurals=2; plural=(n != 1);"


def new_header(template: Catalog, locale: str) -> tuple[tuple[str, str], ...]:
    """Header of a freshly created PO file."""
    date = template.header_value("POT-Creation-Date") or ""
    return (
        ("Project-Id-Version", template.header_value("Project-Id-Version") or ""),
        ("POT-Creation-Date", date),
        ("PO-Revision-Date", date),
        ("Last-Translator", ""),
        ("Language-Team", ""),
        ("Language", locale),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Plural-Forms", plural_forms(locale)),
        (SOURCE_FIELD, template.header_value(SOURCE_FIELD) or ""),
        (HASH_FIELD, template.header_value(HASH_FIELD) or ""),
    )


def _merged_header(template: Catalog, old: Catalog, locale: str) -> Catalog:
    updates = {name.replace("-", "_"): template.header_value(name) or "" for name in _OURS}
    merged = old.with_header(**updates)
    if merged.header_value("Language") in (None, ""):
        merged = merged.with_header(Language=locale)
    if merged.header_value("Plural-Forms") is None:
        merged = merged.with_header(Plural_Forms=plural_forms(locale))
    return merged


def update(template: Catalog, old: Catalog | None, locale: str) -> Catalog:
    """Carry ``old``'s translations onto ``template``'s messages for ``locale``."""
    if old is None:
        return Catalog(
            header=new_header(template, locale),
            messages=tuple(
                replace(m, msgstr="", flags=tuple(f for f in m.flags if f != "fuzzy")) for m in template.messages
            ),
        )
    exact: dict[tuple[str | None, str], Message] = {}
    for m in old.messages:
        # an active entry wins over an obsolete one with the same key
        if m.key not in exact or (exact[m.key].obsolete and not m.obsolete):
            exact[m.key] = m
    used: set[tuple[str | None, str]] = set()
    pools: dict[str | None, _Pool] = {}
    for m in old.messages:
        if m.msgstr and m.msgid_plural is None:
            pool = pools.setdefault(m.msgctxt, _Pool([], []))
            pool.messages.append(m)
            pool.msgids.append(m.msgid)
    out: list[Message] = []
    for tm in template.messages:
        prior = exact.get(tm.key)
        if prior is not None:
            used.add(prior.key)
            out.append(_carry(tm, prior))
            continue
        match = _best_fuzzy(tm, pools.get(tm.msgctxt))
        if match is not None:
            used.add(match.key)
            out.append(
                replace(
                    tm,
                    msgstr=match.msgstr,
                    flags=("fuzzy", *[f for f in tm.flags if f != "fuzzy"]),
                    comments=match.comments,
                    previous_msgctxt=match.msgctxt,
                    previous_msgid=match.msgid,
                    obsolete=False,
                    lineno=0,
                )
            )
        else:
            out.append(replace(tm, msgstr="", lineno=0))
    obsolete = [
        _obsolete(m)
        for m in old.messages
        if m.key not in used and (m.msgstr or any(m.msgstr_plural)) and exact.get(m.key) is m
    ]
    merged = _merged_header(template, old, locale)
    return replace(merged, messages=tuple(out + obsolete))


def _carry(tm: Message, prior: Message) -> Message:
    """Template entry with the prior translation, flags and translator comments."""
    keep_flags = tuple(f for f in prior.flags if f == "fuzzy")
    other = tuple(f for f in tm.flags if f != "fuzzy")
    fuzzy = bool(keep_flags)
    return replace(
        tm,
        msgstr=prior.msgstr,
        msgstr_plural=prior.msgstr_plural if tm.msgid_plural is not None else (),
        flags=keep_flags + other,
        comments=prior.comments,
        previous_msgctxt=prior.previous_msgctxt if fuzzy else None,
        previous_msgid=prior.previous_msgid if fuzzy else None,
        previous_msgid_plural=prior.previous_msgid_plural if fuzzy else None,
        obsolete=False,
        lineno=0,
    )


def _obsolete(m: Message) -> Message:
    return replace(m, obsolete=True, auto_comments=(), references=(), lineno=0)


@dataclass(frozen=True, slots=True)
class _Pool:
    """Translated old messages of one context, with their msgids ready for rapidfuzz."""

    messages: list[Message]
    msgids: list[str]


def _best_fuzzy(tm: Message, pool: _Pool | None) -> Message | None:
    """Most similar translated old message with the same context (first wins a tie).

    The pools are built once per update, so a catalog of N entries with K changed ones
    costs K scans of the pool (as msgmerge), not K copies of it.
    """
    if pool is None:
        return None
    found = process.extractOne(tm.msgid, pool.msgids, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
    if found is None:
        return None
    return pool.messages[found[2]]
