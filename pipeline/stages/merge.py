"""Template + existing catalog -> updated catalog, in one of two modes.

``msgmerge`` mode does what GNU ``msgmerge --previous`` does:

* an unchanged msgid keeps its translation (and its fuzzy flag, if it had one);
* a new msgid gets the most similar translated old entry (active or obsolete, any context,
  the same context winning by a hair) as a fuzzy entry with ``#| msgid``: the old msgid, or
  the old entry's own previous msgid when it was fuzzy already. Similarity is GNU's
  ``fstrcmp`` on UTF-8 bytes (2·matches/total length, above 0.6), computed with rapidfuzz's
  Indel distance, which is the same measure; the first of equal candidates wins;
* an old entry no longer in the template becomes obsolete ``#~`` (never dropped while it
  has a translation); an obsolete entry whose msgid returns comes back to life.

``smart`` mode (the default) knows the entries are markdown in document order:

* each changed entry is paired with an old one by structure first (an old entry that
  vanished from the same place between unchanged neighbours, then the same heading path and
  kind), similarity second, one old entry for one new entry; what is left falls back to the
  msgmerge rule, so smart mode never leaves an entry empty that msgmerge would fill;
* the change from the old English to the new is classified (:mod:`pipeline.stages.changes`); when
  its classes are all in ``auto_carry`` and the translation holds the old tokens
  unambiguously, the change is carried into the translation, the entry stays translated and
  gets a translator comment ``pipeline: carried …``; otherwise it is fuzzy as above.

Pure: it reads nothing and writes nothing, and never mutates its inputs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache

from pipeline.model import Catalog, Message
from pipeline.stages.changes import carry, classify
from pipeline.stages.extract import COMMIT_FIELD, HASH_FIELD, SOURCE_FIELD
from pipeline.stages.update_options import Mode as Mode  # re-exported: the settings' home
from pipeline.stages.update_options import UpdateOptions as UpdateOptions

FUZZY_THRESHOLD = 0.6
"""msgmerge's ``FUZZY_THRESHOLD``: a candidate must score above it."""
_SAME_CONTEXT_BONUS = 0.00001
"""msgmerge's advantage for a candidate with the same msgctxt."""

TRANSLATED_FIELD = "X-Pipeline-Translated-Commit"
"""Upstream commit of the English this translation was last complete for (see ``_commits``)."""

CARRY_PREFIX = "pipeline: carried "
"""Start of the translator comments update writes when it carries a change."""

_OURS = ("Project-Id-Version", "POT-Creation-Date", SOURCE_FIELD, HASH_FIELD)

Key = tuple[str | None, str]


class Outcome(StrEnum):
    """What update did with one template entry."""

    KEPT = "kept"  # same msgid: translation (or emptiness, or fuzziness) kept
    CARRIED = "carried"  # changed msgid, change carried: translated
    FUZZY = "fuzzy"  # changed msgid, a similar old translation marked fuzzy
    NEW = "new"  # nothing similar: untranslated


@dataclass(frozen=True, slots=True)
class Decision:
    """Why a template entry got what it got (for benchmarks, reports and tests)."""

    msgctxt: str | None
    msgid: str
    outcome: Outcome
    source: Key | None = None
    """Key of the old entry whose translation was used (for carried and fuzzy)."""
    change: str | None = None
    """Class label of the change from the source's English (``url``, ``text`` …)."""


@dataclass(frozen=True, slots=True)
class Merged:
    """An updated catalog and the decision for each template entry, in template order."""

    catalog: Catalog
    decisions: tuple[Decision, ...]


def plural_forms(locale: str) -> str:
    """The ``Plural-Forms`` header value for a locale, from babel's CLDR data."""
    from babel.messages.plurals import get_plural  # babel and rapidfuzz load on first use: not on a no-op's start-up

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
    if not old.header:  # an empty file (or one without a header entry): start from a complete header
        old = replace(old, header=new_header(template, locale))
    updates = {name.replace("-", "_"): template.header_value(name) or "" for name in _OURS}
    merged = old.with_header(**updates)
    if merged.header_value("Language") in (None, ""):
        merged = merged.with_header(Language=locale)
    if merged.header_value("Plural-Forms") is None:
        merged = merged.with_header(Plural_Forms=plural_forms(locale))
    return merged


def update(template: Catalog, old: Catalog | None, locale: str, options: UpdateOptions | None = None) -> Catalog:
    """Carry ``old``'s translations onto ``template``'s messages for ``locale``."""
    return merge(template, old, locale, options).catalog


def merge(template: Catalog, old: Catalog | None, locale: str, options: UpdateOptions | None = None) -> Merged:
    """``update`` with the decision taken for every template entry."""
    opts = options or UpdateOptions()
    if old is None:
        fresh = tuple(
            replace(m, msgstr="", flags=tuple(f for f in m.flags if f != "fuzzy"), lineno=0) for m in template.messages
        )
        return Merged(
            _commits(template, None, Catalog(header=new_header(template, locale), messages=fresh)),
            tuple(Decision(m.msgctxt, m.msgid, Outcome.NEW) for m in template.messages),
        )
    exact: dict[Key, Message] = {}
    for m in old.messages:
        # an active entry wins over an obsolete one with the same key
        if m.key not in exact or (exact[m.key].obsolete and not m.obsolete):
            exact[m.key] = m
    loose: dict[Key, Message] = {}
    if opts.mode is Mode.SMART:  # whitespace markdown does not render is no change at all
        for m in exact.values():
            if m.msgstr or any(m.msgstr_plural):
                loose.setdefault((m.msgctxt, squash(m.msgid)), m)
    pool = _Pool.of([m for m in old.messages if m.msgstr and m.msgid_plural is None])
    chosen: dict[int, Message] = {}
    if opts.mode is Mode.SMART:
        chosen = _structural_pairs(template, old, exact, pool, opts)
    used: set[Key] = set()
    out: list[Message] = []
    decisions: list[Decision] = []
    for index, tm in enumerate(template.messages):
        prior = exact.get(tm.key) or loose.get((tm.msgctxt, squash(tm.msgid)))
        if prior is not None and prior.key in used and prior.key != tm.key:
            prior = None  # a loose match lends its translation once
        if prior is not None and plural_mismatch(tm, prior):
            used.add(prior.key)
            out.append(_keep_plural_fuzzy(tm, prior))
            decisions.append(Decision(tm.msgctxt, tm.msgid, Outcome.FUZZY, prior.key, "plural"))
            continue
        if prior is not None:
            used.add(prior.key)
            out.append(_keep(tm, prior))
            decisions.append(Decision(tm.msgctxt, tm.msgid, Outcome.KEPT, prior.key))
            continue
        match = chosen.get(index) or _msgmerge_best(tm, pool, opts.cross_context)
        if match is None:
            out.append(replace(tm, msgstr="", lineno=0))
            decisions.append(Decision(tm.msgctxt, tm.msgid, Outcome.NEW))
            continue
        used.add(match.key)
        entry, decision = _from_other(tm, match, opts)
        out.append(entry)
        decisions.append(decision)
    obsolete = [
        _obsolete(m)
        for m in old.messages
        if m.key not in used and (m.msgstr or any(m.msgstr_plural)) and exact.get(m.key) is m
    ]
    merged = _merged_header(template, old, locale)
    return Merged(_commits(template, old, replace(merged, messages=tuple(out + obsolete))), tuple(decisions))


def _keep(tm: Message, prior: Message) -> Message:
    """Template entry with the prior translation, flags and translator comments."""
    keep_flags = tuple(f for f in prior.flags if f == "fuzzy")
    other = tuple(f for f in tm.flags if f != "fuzzy")
    fuzzy = bool(keep_flags)
    return Message(  # ``replace(tm, ...)`` spelled out: once per entry and locale, and several times faster
        msgid=tm.msgid,
        msgstr=prior.msgstr,
        msgctxt=tm.msgctxt,
        msgid_plural=tm.msgid_plural,
        msgstr_plural=prior.msgstr_plural if tm.msgid_plural is not None else (),
        flags=keep_flags + other,
        auto_comments=tm.auto_comments,
        comments=prior.comments,
        references=tm.references,
        previous_msgctxt=prior.previous_msgctxt if fuzzy else None,
        previous_msgid=prior.previous_msgid if fuzzy else None,
        previous_msgid_plural=prior.previous_msgid_plural if fuzzy else None,
        obsolete=False,
        lineno=0,
        msgstr_lineno=tm.msgstr_lineno,
    )


def plural_mismatch(tm: Message, prior: Message) -> bool:
    """True when an old entry has plural forms (``msgid_plural``) that its singular English lacks.

    ``msgfmt -c`` accepts such an entry, but taking only its ``msgstr`` would lose every form.
    """
    return prior.msgid_plural is not None and tm.msgid_plural is None and any(prior.msgstr_plural)


def _keep_plural_fuzzy(tm: Message, prior: Message) -> Message:
    """The template entry with the old entry's plural forms, all of them, marked fuzzy.

    Nothing is lost, build does not use it (fuzzy), and ``sync`` warns until a translator
    makes it one ``msgstr`` again.
    """
    return replace(
        _keep(tm, prior),
        msgid_plural=prior.msgid_plural,
        msgstr="",
        msgstr_plural=prior.msgstr_plural,
        flags=("fuzzy", *(f for f in tm.flags if f != "fuzzy")),
        previous_msgctxt=None,
        previous_msgid=None,
        previous_msgid_plural=None,
    )


def _from_other(tm: Message, match: Message, opts: UpdateOptions) -> tuple[Message, Decision]:
    """Template entry translated from another old entry: carried when allowed and safe, else fuzzy."""
    change = classify(match.msgid, tm.msgid)
    if opts.mode is Mode.SMART and match.translated and match.msgctxt == tm.msgctxt:
        carried = carry(change, match.msgstr, opts.auto_carry)
        if carried is not None:
            comments = tuple(c for c in match.comments if not c.startswith(CARRY_PREFIX))
            notes = tuple(CARRY_PREFIX + note for note in carried.notes)
            entry = replace(
                tm,
                msgstr=carried.msgstr,
                flags=tuple(f for f in tm.flags if f != "fuzzy"),
                comments=comments + notes,
                obsolete=False,
                lineno=0,
            )
            return entry, Decision(tm.msgctxt, tm.msgid, Outcome.CARRIED, match.key, change.label)
    # msgmerge: the translation belongs to the candidate's previous msgid when it was fuzzy
    previous_ctxt, previous = (
        (match.previous_msgctxt, match.previous_msgid) if match.fuzzy else (match.msgctxt, match.msgid)
    )
    comments = match.comments
    if opts.mode is Mode.SMART:  # notes of an earlier carry no longer apply to a fuzzy entry
        comments = tuple(c for c in comments if not c.startswith(CARRY_PREFIX))
    entry = replace(
        tm,
        msgstr=match.msgstr,
        flags=("fuzzy", *[f for f in tm.flags if f != "fuzzy"]),
        comments=comments,
        previous_msgctxt=previous_ctxt if previous is not None else None,
        previous_msgid=previous,
        obsolete=False,
        lineno=0,
    )
    return entry, Decision(tm.msgctxt, tm.msgid, Outcome.FUZZY, match.key, change.label)


def _obsolete(m: Message) -> Message:
    return replace(m, obsolete=True, auto_comments=(), references=(), lineno=0)


# --------------------------------------------------------------------------- similarity


def similarity(a: str, b: str) -> float:
    """GNU ``fstrcmp`` of two strings: 2·(common subsequence)/(total length), on UTF-8 bytes."""
    from rapidfuzz.distance import Indel

    x, y = a.encode("utf-8"), b.encode("utf-8")
    total = len(x) + len(y)
    if total == 0:
        return 1.0
    return (total - Indel.distance(x, y)) / total


@dataclass(frozen=True, slots=True)
class _Pool:
    """Translated old entries in file order, their msgids as UTF-8 (what ``fstrcmp`` compares),
    grouped by context, so rapidfuzz's C++ loops do the comparing, not Python."""

    messages: tuple[Message, ...]
    by_context: dict[str | None, tuple[list[int], list[bytes]]]

    @classmethod
    def of(cls, messages: Sequence[Message]) -> _Pool:
        groups: dict[str | None, tuple[list[int], list[bytes]]] = {}
        for i, m in enumerate(messages):
            indexes, encoded = groups.setdefault(m.msgctxt, ([], []))
            indexes.append(i)
            encoded.append(m.msgid.encode("utf-8"))
        return cls(tuple(messages), groups)

    def similar(self, query: str, context: str | None, cutoff: float) -> list[tuple[int, float]]:
        """(pool index, similarity) of every entry of ``context`` at least ``cutoff`` similar, in file order."""
        group = self.by_context.get(context)
        if group is None:
            return []
        indexes, encoded = group
        from rapidfuzz import process
        from rapidfuzz.distance import Indel

        found = process.extract(
            query.encode("utf-8"), encoded, scorer=Indel.normalized_similarity, score_cutoff=cutoff, limit=None
        )
        return sorted((indexes[k], score) for _, score, k in found)

    def best(self, query: str, context: str | None, cutoff: float) -> tuple[int, float] | None:
        """The first most similar entry of ``context`` at least ``cutoff`` similar."""
        group = self.by_context.get(context)
        if group is None:
            return None
        indexes, encoded = group
        from rapidfuzz import process
        from rapidfuzz.distance import Indel

        found = process.extractOne(
            query.encode("utf-8"), encoded, scorer=Indel.normalized_similarity, score_cutoff=cutoff
        )
        return None if found is None else (indexes[found[2]], found[1])


def _msgmerge_best(tm: Message, pool: _Pool, cross_context: bool = True) -> Message | None:
    """msgmerge's fuzzy candidate: the best score above 0.6, same context by a hair, first on ties.

    GNU walks every old entry keeping the first whose score (plus a tiny bonus for the same
    context) beats the best so far; the same choice is the first best of the same context
    against the first best of the others, compared with the bonus.
    """
    best: tuple[float, int] | None = None  # (weight, pool index)
    same = pool.best(tm.msgid, tm.msgctxt, FUZZY_THRESHOLD - _SAME_CONTEXT_BONUS)
    if same is not None and same[1] + _SAME_CONTEXT_BONUS > FUZZY_THRESHOLD:
        best = (same[1] + _SAME_CONTEXT_BONUS, same[0])
    if cross_context:
        for context in pool.by_context:
            if context == tm.msgctxt:
                continue
            other = pool.best(tm.msgid, context, FUZZY_THRESHOLD)
            if other is None or other[1] <= FUZZY_THRESHOLD:
                continue
            if best is None or other[1] > best[0] or (other[1] == best[0] and other[0] < best[1]):
                best = (other[1], other[0])
    return None if best is None else pool.messages[best[1]]


# --------------------------------------------------------------------------- structure


def _place(m: Message) -> tuple[str, str]:
    """(heading path, kind) of an entry from its ``#.`` comment: ``Page › Section › list item 3``."""
    where = m.auto_comments[0] if m.auto_comments else ""
    path, _, detail = where.rpartition(" › ")
    kind = detail.rstrip("0123456789. ")
    return path, kind


STRUCTURE_BONUS = {"slot": 0.10, "place": 0.06, "section": 0.04, "vanished": 0.02, "present": 0.0}
"""Added to the similarity of a candidate by where it stands: an old entry that vanished from the
same gap between unchanged neighbours (``slot``), from the same heading path and kind (``place``),
from the same heading path (``section``), from elsewhere (``vanished``); or an old entry still on
the page (``present``: a sibling's translation, a copy rather than an edit)."""


def _structural_pairs(
    template: Catalog, old: Catalog, exact: dict[Key, Message], pool: _Pool, opts: UpdateOptions
) -> dict[int, Message]:
    """Pair changed template entries with old entries: carryable first, then structure and similarity.

    The old active entries and the template are aligned on their unchanged entries (difflib
    over keys); an old entry in the same gap as a new one is in the same place. A pair whose
    change can be carried comes first (same words: that is the same segment). Others rank by
    similarity plus :data:`STRUCTURE_BONUS`, so place decides between comparable candidates and
    a much closer text still wins; then closeness in the page. Greedy, and an old entry that
    vanished gives its translation to one new entry only (an entry still on the page can be
    copied by several).
    """
    template_keys = {m.key for m in template.messages}
    changed = [i for i, m in enumerate(template.messages) if m.key not in exact]
    usable = [i for i, m in enumerate(pool.messages) if exact.get(m.key) is m]
    candidates = [pool.messages[i] for i in usable]
    index_of = {p: k for k, p in enumerate(usable)}
    if not changed or not candidates:
        return {}
    active = [m for m in old.messages if not m.obsolete]
    slot_of_old: dict[Key, int] = {}
    slot_of_new: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, [m.key for m in active], [m.key for m in template.messages], autojunk=False)
    for block, (tag, i1, i2, j1, j2) in enumerate(matcher.get_opcodes()):
        if tag == "equal":
            continue
        for m in active[i1:i2]:
            slot_of_old[m.key] = block
        for j in range(j1, j2):
            slot_of_new[j] = block
    position = {m.key: i / max(len(active), 1) for i, m in enumerate(active)}
    ranked: list[tuple[tuple[float, float, int], int, int]] = []
    for j in changed:
        tm = template.messages[j]
        place = _place(tm)
        here = j / max(len(template.messages), 1)
        for p, score in pool.similar(tm.msgid, tm.msgctxt, FUZZY_THRESHOLD):
            k = index_of.get(p)
            if k is None:
                continue
            om = candidates[k]
            present = om.key in template_keys
            if present:
                where = "present"
            elif om.key in slot_of_old and slot_of_old[om.key] == slot_of_new.get(j):
                where = "slot"
            elif om.auto_comments and _place(om) == place:
                where = "place"
            elif om.auto_comments and _place(om)[0] == place[0]:
                where = "section"
            else:
                where = "vanished"
            score += STRUCTURE_BONUS[where]
            if om.translated and carry(classify(om.msgid, tm.msgid), om.msgstr, opts.auto_carry) is not None:
                score += 1.0
            distance = abs(position.get(om.key, 2.0) - here)
            ranked.append(((-score, distance, k), j, k))
    ranked.sort()
    chosen: dict[int, Message] = {}
    taken: set[int] = set()
    for _, j, k in ranked:
        if j in chosen or k in taken:
            continue
        chosen[j] = candidates[k]
        if candidates[k].key not in template_keys:
            taken.add(k)
    return chosen


def complete(catalog: Catalog) -> bool:
    """True when every active entry has a usable translation (nothing fuzzy or untranslated)."""
    return all(m.translated for m in catalog.messages if not m.obsolete)


def _commits(template: Catalog, old: Catalog | None, new: Catalog) -> Catalog:
    """Copy the template's source commit; keep the commit this translation was last complete for.

    When the updated catalog is complete, that is the template's commit; else the old catalog's
    source commit if the old catalog was complete, else what the old catalog said; so
    ``status`` can name the English commits since which the translation is behind.
    """
    commit = template.header_value(COMMIT_FIELD) or None
    if commit is None:
        return new.with_header(**{COMMIT_FIELD: None, TRANSLATED_FIELD: None})
    done: str | None
    if complete(new):
        done = commit
    elif old is not None and complete(old) and old.header_value(COMMIT_FIELD):
        done = old.header_value(COMMIT_FIELD)
    elif old is not None:
        done = old.header_value(TRANSLATED_FIELD) or None
    else:
        done = None
    return new.with_header(**{COMMIT_FIELD: commit, TRANSLATED_FIELD: done})


_BLANKS = re.compile(r"[ \t]+")


@lru_cache(maxsize=16384)
def squash(text: str) -> str:
    """A msgid with runs of spaces and tabs made one space: what a reader of the page sees.

    Two msgids equal after this differ only in whitespace that markdown does not render, so
    the translation carries over as it is (hard breaks, ``\\n``, still count).
    """
    return _BLANKS.sub(" ", text).strip(" ")
