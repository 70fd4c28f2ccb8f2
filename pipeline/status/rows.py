"""One row of ``pipeline status`` (a page or message file in one locale) and the one page-state vocabulary.

The terminal table, the JSON (``status.schema.json``), the summary lines and the dashboard all
name a page's state with :class:`State` and add rows up with :func:`totals`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from pipeline.model import Change, Counts


class State(StrEnum):
    """Where a page stands in one locale, worst first (the order a sort by state uses)."""

    MISSING = "no catalog"
    """No PO file for the page yet."""
    NOT_STARTED = "not started"
    """A PO file with nothing translated or fuzzy."""
    FUZZY = "needs review"
    """Some entries are fuzzy: their translation was made for older English."""
    IN_PROGRESS = "in progress"
    """Some entries are translated, some are not, none is fuzzy."""
    DONE = "done"
    """Every entry is translated and none is fuzzy (also a page without text)."""

    @property
    def outdated(self) -> bool:
        """Translated in part: the English has text the translation does not cover yet."""
        return self in (State.FUZZY, State.IN_PROGRESS)


STATE_ORDER = {s: i for i, s in enumerate(State)}


def state_of(counts: Counts, exists: bool) -> State:
    """The state of one page and locale from its catalog's counts (as sync would write it)."""
    if not exists:
        return State.MISSING
    if counts.untranslated == 0 and counts.fuzzy == 0:
        return State.DONE
    if counts.fuzzy:
        return State.FUZZY
    if counts.translated == 0:
        return State.NOT_STARTED
    return State.IN_PROGRESS


@dataclass(frozen=True, slots=True)
class PageStatus:
    """Progress and freshness of one page in one locale (as ``sync`` would leave its catalog)."""

    locale: str
    page: str
    counts: Counts
    exists: bool
    """The PO file exists on disk."""
    kind: str = "page"
    """``page`` for a markdown page, ``messages`` for a ``[[messages]]`` file."""
    review_words: int = 0
    """English words in fuzzy and untranslated entries."""
    stale_catalog: bool = False
    """``sync`` would change this PO file (it was not updated for the current English)."""
    source_commit: str | None = None
    """Upstream commit of the English the template was made from."""
    translated_commit: str | None = None
    """Upstream commit of the English this translation was last complete for."""
    changes: tuple[Change, ...] = ()
    """Upstream commits since ``translated_commit`` that changed the page's text, newest first."""

    @property
    def state(self) -> State:
        return state_of(self.counts, self.exists)


@dataclass(frozen=True, slots=True)
class LocaleTotal:
    """All pages of one locale added up."""

    locale: str
    counts: Counts
    pages: int
    states: dict[State, int] = field(default_factory=dict)
    """Pages per state (every state present, zero included)."""
    review_words: int = 0
    """English words in fuzzy and untranslated entries."""

    @property
    def done(self) -> int:
        """Pages whose state is ``done``."""
        return self.states.get(State.DONE, 0)


def totals(rows: Iterable[PageStatus]) -> list[LocaleTotal]:
    """One total per locale, in the order locales first appear in ``rows``."""
    by: dict[str, list[PageStatus]] = {}
    for r in rows:
        by.setdefault(r.locale, []).append(r)
    out: list[LocaleTotal] = []
    for locale, group in by.items():
        counts = sum((r.counts for r in group), Counts())
        states = {s: sum(1 for r in group if r.state is s) for s in State}
        out.append(LocaleTotal(locale, counts, len(group), states, sum(r.review_words for r in group)))
    return out
