"""How stale each translation is, from content (never from dates).

A page's translation is *up to date* when every entry of its catalog, as ``sync`` would write
it for the current English, is translated and not fuzzy; *outdated* when some are fuzzy or
untranslated; *missing* when nothing is translated yet. The English commits behind an
outdated translation come from the upstream cache: the commits since the one the
translation was last complete for (``X-Pipeline-Translated-Commit``) whose change altered
the page's text; a commit that only re-wraps or reformats the page is not counted.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

import git

from pipeline.errors import PipelineError
from pipeline.git import upstream
from pipeline.model import Catalog, Counts, Page
from pipeline.segment.walker import Options, segment_page
from pipeline.stages.extract import COMMIT_FIELD, content_hash, template_messages
from pipeline.stages.merge import TRANSLATED_FIELD, squash
from pipeline.status.stats import count
from pipeline.workspace import messages
from pipeline.workspace.dialect import page_file
from pipeline.workspace.files import decode
from pipeline.workspace.project import PageStatus, catalog_changes, options, planned_catalogs, po_path
from pipeline.workspace.settings import Config

UP_TO_DATE = "up to date"
OUTDATED = "outdated"
MISSING = "missing"
STATES = (UP_TO_DATE, OUTDATED, MISSING)


def state_of(counts: Counts, exists: bool) -> str:
    """The state of one page and locale from its catalog's counts (as sync would write it)."""
    if not exists or (counts.translated + counts.fuzzy == 0 and counts.total > 0):
        return MISSING
    if counts.fuzzy or counts.untranslated:
        return OUTDATED
    return UP_TO_DATE


@dataclass(slots=True)
class History:
    """Range queries on the upstream cache, with each blob's content hash computed once."""

    repo: git.Repo
    settings: upstream.Settings
    options: Options
    _hashes: dict[str, str] = field(default_factory=dict)
    cfg: Config | None = None
    """The project, to find a page's file extension (``[site] dialect``)."""

    @classmethod
    @contextlib.contextmanager
    def open(cls, cfg: Config, options: Options) -> Iterator[History | None]:
        """The history of ``[upstream]`` from the cache (no network); None without upstream or cache."""
        if not upstream.configured(cfg):
            yield None
            return
        repo = upstream.open_cache(cfg)
        if repo is None:
            yield None
            return
        try:
            yield cls(repo, upstream.settings(cfg), options, cfg=cfg)
        finally:
            repo.close()

    def text_hash(self, blob: str, name: str) -> str:
        """Hash of a page version's text as translators see it, whitespace runs squashed (``!…`` if unreadable)."""
        if blob not in self._hashes:
            try:
                text, bom = decode(upstream.read_blob(self.repo, blob), name)
                doc = segment_page(Page(name=name, path=name, text=text, bom=bom), self.options)
                messages = template_messages(doc)
                self._hashes[blob] = content_hash(tuple(replace(m, msgid=squash(m.msgid)) for m in messages))
            except (PipelineError, ValueError):
                self._hashes[blob] = "!" + blob
        return self._hashes[blob]

    def changes(self, page: str, since: str | None, until: str | None) -> tuple[upstream.Change, ...]:
        """Commits after ``since`` up to ``until`` that changed the text of ``page``, newest first."""
        if not since or not until or since == until:
            return ()
        if not (upstream.has_commit(self.repo, since) and upstream.has_commit(self.repo, until)):
            return ()
        suffix = page_file(self.cfg, self.cfg.source_dir, page).suffix if self.cfg is not None else ".md"
        repo_path = self.settings.repo_path(page + suffix)
        try:
            found = upstream.page_changes(self.repo, repo_path, since, until)
        except git.GitCommandError:
            return ()
        kept: list[upstream.Change] = []
        for change in found:
            if (
                change.old_blob
                and change.new_blob
                and self.text_hash(change.old_blob, page) == self.text_hash(change.new_blob, page)
            ):
                continue
            kept.append(change)
        return tuple(kept)


def page_status(cfg: Config) -> list[PageStatus]:
    """Per locale and page: counts, state, words to review and English commits behind."""
    planned = planned_catalogs(cfg)
    stale = set(catalog_changes(cfg, planned))
    rows: list[PageStatus] = []
    memo: dict[tuple[str, str | None, str | None], tuple[upstream.Change, ...]] = {}
    message_names = {spec.name for spec in messages.sources(cfg)}
    with History.open(cfg, options(cfg)) as history:
        for locale in planned.locales:
            for name in sorted(planned.templates):
                catalog: Catalog = planned.catalogs[(locale, name)]
                path = po_path(cfg, locale, name)
                counts = count(catalog)
                exists = path.is_file()
                state = state_of(counts, exists)
                commit = catalog.header_value(COMMIT_FIELD) or None
                done = catalog.header_value(TRANSLATED_FIELD) or None
                changes: tuple[upstream.Change, ...] = ()
                if state == OUTDATED and history is not None and name not in message_names:
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
                        kind="messages" if name in message_names else "page",
                        state=state,
                        review_words=counts.fuzzy_words + counts.untranslated_words,
                        stale_catalog=path in stale,
                        source_commit=commit,
                        translated_commit=done,
                        changes=changes,
                    )
                )
    return rows


@dataclass(frozen=True, slots=True)
class LocaleTotals:
    """Sums over the pages of one locale."""

    locale: str
    pages: int
    up_to_date: int
    outdated: int
    missing: int
    counts: Counts
    review_words: int


def totals(rows: Iterable[PageStatus]) -> list[LocaleTotals]:
    """Totals per locale, in the order the locales first appear."""
    by_locale: dict[str, list[PageStatus]] = {}
    for row in rows:
        by_locale.setdefault(row.locale, []).append(row)
    out: list[LocaleTotals] = []
    for locale, items in by_locale.items():
        total = Counts()
        for row in items:
            total = total + row.counts
        out.append(
            LocaleTotals(
                locale=locale,
                pages=len(items),
                up_to_date=sum(r.state == UP_TO_DATE for r in items),
                outdated=sum(r.state == OUTDATED for r in items),
                missing=sum(r.state == MISSING for r in items),
                counts=total,
                review_words=sum(r.review_words for r in items),
            )
        )
    return out
