"""How stale each translation is, from content (never from dates).

A page's state (``status.rows.State``) comes from its catalog as ``sync`` would write it for
the current English: *done* when every entry is translated and not fuzzy; *needs review* or
*in progress* (outdated) when some are fuzzy or untranslated; *not started* when nothing is
translated yet; *no catalog* without a PO file. The English commits behind an
outdated translation come from the upstream cache: the commits since the one the
translation was last complete for (``X-Pipeline-Translated-Commit``) whose change altered
the page's text; a commit that only re-wraps or reformats the page is not counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from pipeline.git import upstream
from pipeline.git.history import History
from pipeline.model import Catalog, FuzzyEntry
from pipeline.stages.extract import COMMIT_FIELD
from pipeline.stages.merge import TRANSLATED_FIELD
from pipeline.status.rows import PageStatus, state_of
from pipeline.status.stats import count
from pipeline.workspace.files import display_path
from pipeline.workspace.project import catalog_changes, options, plan_sync, po_path, read_catalog
from pipeline.workspace.sources import kind_of

if TYPE_CHECKING:
    from pipeline.workspace.settings import Config


def page_status(cfg: Config) -> list[PageStatus]:
    """Per locale and page: counts, state, words to review and English commits behind."""
    planned = plan_sync(cfg, by_entries=True)
    stale = set(catalog_changes(cfg, planned))
    rows: list[PageStatus] = []
    memo: dict[tuple[str, str | None, str | None], tuple[upstream.Change, ...]] = {}
    with History.open(cfg, options(cfg)) as history:
        for locale in planned.locales:
            for name in sorted(planned.templates):
                catalog: Catalog = planned.catalogs[(locale, name)]
                path = po_path(cfg, locale, name)
                counts = count(catalog)
                exists = path.is_file()
                commit = catalog.header_value(COMMIT_FIELD) or None
                done = catalog.header_value(TRANSLATED_FIELD) or None
                changes: tuple[upstream.Change, ...] = ()
                kind = kind_of(cfg, name)
                if state_of(counts, exists).outdated and history is not None and kind.upstream_history:
                    key = (name, done, commit)
                    if key not in memo:
                        memo[key] = history.changes(name, done, commit)
                    changes = memo[key]
                rows.append(
                    PageStatus(
                        locale=locale,
                        page=name,
                        counts=counts,
                        exists=exists,
                        kind=kind.label,
                        review_words=counts.fuzzy_words + counts.untranslated_words,
                        stale_catalog=path in stale,
                        source_commit=commit,
                        translated_commit=done,
                        changes=changes,
                    )
                )
    return rows


def fuzzy_entries(cfg: Config, rows: Iterable[PageStatus]) -> list[FuzzyEntry]:
    """The fuzzy entries of the PO files behind ``rows``, with the English they were made for."""
    found: list[FuzzyEntry] = []
    for row in rows:
        path = po_path(cfg, row.locale, row.page)
        catalog = read_catalog(cfg, path) if row.exists and row.counts.fuzzy else None
        if catalog is None:
            continue
        rel = display_path(cfg.root, path)
        for m in catalog.messages:
            if m.fuzzy and not m.obsolete and m.msgid_plural is None:
                found.append(
                    FuzzyEntry(
                        row.locale, row.page, rel, m.lineno, m.msgctxt, m.previous_msgid or "", m.msgid, m.msgstr
                    )
                )
    return found
