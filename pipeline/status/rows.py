"""One row of ``pipeline status``: a page (or message file) in one locale, its progress and freshness."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.git.upstream import Change
from pipeline.model import Counts


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
    state: str = ""
    """``up to date`` (all translated), ``outdated`` (fuzzy or untranslated entries) or ``missing``."""
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
