"""Site checks: broken links and anchors, stale and shifted heading ids, unsafe translations.

The site is modelled as the website serves it: every English page at its route, every locale
at its prefix, each page with the ids the renderer gives its headings (explicit ``{#id}`` or
github-slugger slug, with mdsvex's smartypants quirk) plus ``id``/``name`` in raw HTML. Links
come from the one segmenter's markdown-it tokens (``segment.MD``), never from a second parser.

Two inputs: PO mode (``locales/<locale>/<page>.po``; a translation problem is located at its
msgstr line) and lint mode (a folder of whole translated pages, checked against the English
pages without PO files). ``findings()`` reads the disk; everything below ``# pure`` only
computes. ``plan_fix()`` computes the msgstr link rewrites that ``check --fix`` writes.

This module is the I/O edge; the pure parts live beside it: ``codes`` (finding codes, levels,
collector), ``site`` (``[site]``), ``headings`` (served ids), ``links`` (links of a page),
``features`` (what a msgid and msgstr must agree on), ``urls`` (the URL scheme), ``align``
(heading alignment), ``sitemodel`` (the served site), ``po_mode``, ``lint``, ``whole`` (the
whole-site PO check) and ``fix``. Their public names are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.check.align import SHIFT_MARGIN, Rename, align_headings, pair_translated, renames_between
from pipeline.check.codes import CODES, SAME_MIN_WORDS, Collector, code_levels, ignored_codes
from pipeline.check.features import Features, features, markup_skeleton
from pipeline.check.fix import FixPlan, plan_fix, rewrite_links
from pipeline.check.headings import HeadingId, served_headings, smarten
from pipeline.check.links import Link, PageFacts, page_facts
from pipeline.check.lint import TranslatedPage, check_translated, late_front_matter
from pipeline.check.options import LinkOptions
from pipeline.check.po_mode import LocaleCatalog, check_catalog, localize_anchors, po_renames
from pipeline.check.refusals import check_refusals
from pipeline.check.site import SiteOptions, site_options
from pipeline.check.sitemodel import Site, build_site, check_links
from pipeline.check.upstream import mark_upstream
from pipeline.check.urls import Target, Urls
from pipeline.check.whole import check_po_site
from pipeline.errors import InputError
from pipeline.formats import po
from pipeline.git import history as project_git
from pipeline.model import Finding, Page
from pipeline.segment.walker import Document, Options, segment_page
from pipeline.translate.mark import as_published, publishing
from pipeline.workspace import project
from pipeline.workspace.dialect import page_file
from pipeline.workspace.files import digest, display_path, read_page
from pipeline.workspace.plan import Plan
from pipeline.workspace.workspace import Workspace

if TYPE_CHECKING:
    from pipeline.workspace.settings import Config

__all__ = [
    "CODES",
    "SAME_MIN_WORDS",
    "SHIFT_MARGIN",
    "Collector",
    "Features",
    "FixPlan",
    "Fixed",
    "HeadingId",
    "Link",
    "Lint",
    "LocaleCatalog",
    "PageFacts",
    "Rename",
    "Site",
    "SiteOptions",
    "Target",
    "TranslatedPage",
    "Urls",
    "align_headings",
    "build_site",
    "check_catalog",
    "check_links",
    "check_options",
    "check_po_site",
    "check_translated",
    "code_levels",
    "english_at",
    "features",
    "findings",
    "fix",
    "git_history",
    "ignored_codes",
    "late_front_matter",
    "load_po_site",
    "localize_anchors",
    "markup_skeleton",
    "page_facts",
    "pair_translated",
    "plan_fix",
    "po_renames",
    "renames_between",
    "rewrite_links",
    "served_headings",
    "site_options",
    "smarten",
    "translated_date",
]


@dataclass(frozen=True, slots=True)
class Lint:
    """Lint-mode inputs from the command line."""

    translated: Path
    locale: str
    source_dir: Path | None = None
    shown: str = ""
    """``translated`` as the user wrote it, to build finding paths."""
    shown_source: str = ""


def _catalogs(cfg: Config, names: Iterable[str], locales: Iterable[str]) -> tuple[list[LocaleCatalog], dict[str, Path]]:
    found: list[LocaleCatalog] = []
    files: dict[str, Path] = {}
    ws = Workspace.of(cfg)
    for locale in locales:
        for name in sorted(names):
            path = cfg.locale_dir(locale) / f"{name}.po"
            if not path.is_file():
                continue
            shown = display_path(cfg.root, path)
            found.append(LocaleCatalog(locale, name, shown, ws.catalog(path, shown)))
            files[shown] = path
    return found, files


def git_history(cfg: Config, limit: int = 10) -> Callable[[str], Sequence[str]]:
    """Older committed versions of an English page (newest first), or nothing outside a git work tree."""

    def versions(name: str) -> Sequence[str]:
        return project_git.versions(cfg.root, _english_file(cfg, name), limit)

    return versions


def translated_date(file: Path) -> str:
    """When a translated page was last written: its last commit date if it is in git, else its mtime."""
    return project_git.last_commit_date(file) or datetime.fromtimestamp(file.stat().st_mtime, UTC).isoformat()


def english_at(cfg: Config, name: str, date: str) -> tuple[str, str] | None:
    """(commit, text) of the English page as committed on or before ``date``, from the project's git history."""
    found = project_git.version_at(cfg.root, _english_file(cfg, name), date)
    return (found.commit, found.text) if found is not None else None


def _english_file(cfg: Config, name: str) -> str:
    """The English page's file as git names it from the project root, with the page's own
    extension (``.md`` or ``.mdx``: ``[site] extensions``)."""
    return f"{cfg.source}/{page_file(cfg, cfg.source_dir, name).relative_to(cfg.source_dir).as_posix()}"


def check_options(cfg: Config) -> LinkOptions:
    """``[check]`` as the link checks read it."""
    return cfg.check.links


def load_po_site(cfg: Config) -> tuple[Site, list[LocaleCatalog], dict[str, Path]]:
    """Read the English pages and every PO file; the site model they make."""
    docs = project.load_documents(cfg)
    locales = cfg.target_locales()
    site = _site(cfg, docs, locales)
    catalogs, files = _catalogs(cfg, site.english, locales)
    return site, catalogs, files


def _site(cfg: Config, docs: Sequence[Document], locales: Sequence[str]) -> Site:
    site = build_site(cfg.site, docs, locales)
    site.check = check_options(cfg)
    return site


def _as_served(cfg: Config, catalogs: Sequence[LocaleCatalog]) -> Sequence[LocaleCatalog]:
    """The catalogs as the site serves them: with ``[translate] publish``, unreviewed machine entries
    are on it (a new list); else ``catalogs`` itself."""
    if not publishing(cfg.raw):
        return catalogs
    return [replace(lc, catalog=as_published(lc.catalog)) for lc in catalogs]


def _po_findings(
    cfg: Config,
    site: Site,
    catalogs: Sequence[LocaleCatalog],
    history: Callable[[str], Sequence[str]],
    out: Collector | None = None,
) -> list[Finding]:
    """PO mode's findings, sorted. ``out``: what ``check_po_site`` already found over these very
    catalogs (``check --fix``'s pass), so the site is not checked again."""
    if out is None:
        out = Collector(cfg.check.levels)
        catalogs = _as_served(cfg, catalogs)
        check_po_site(site, catalogs, project.options(cfg), out, history)
    check_refusals(site.docs, catalogs, project.options(cfg), out)
    if cfg.upstream is not None:
        return sorted(
            mark_upstream(out.sorted(), cfg.source, cfg.upstream.url, cfg.upstream.path, site.check.upstream_blocks)
        )
    return out.sorted()


def findings(
    cfg: Config, lint: Lint | None = None, history: Callable[[str], Sequence[str]] | None = None
) -> list[Finding]:
    """All findings of ``pipeline check``: PO mode, or lint mode when ``lint`` is given. Sorted."""
    levels = cfg.check.levels
    out = Collector(levels)
    if lint is None:
        site, catalogs, _files = load_po_site(cfg)
        return _po_findings(cfg, site, catalogs, history if history is not None else git_history(cfg))
    opts = cfg.site
    docs = project.load_documents(cfg)
    site = build_site(opts, docs, (*cfg.target_locales(), lint.locale))
    site.check = check_options(cfg)
    pages = _read_translated(cfg, lint.translated, lint.shown or str(lint.translated), project.options(cfg))
    old: dict[str, PageFacts] = {}
    if lint.source_dir is not None:
        for tp in _read_translated(
            cfg, lint.source_dir, lint.shown_source or str(lint.source_dir), project.options(cfg)
        ):
            if tp.doc.page.name in site.english:
                old[tp.doc.page.name] = page_facts(tp.doc, opts.smartypants, tp.path)
    else:
        # The English each page was translated from: the source page's last commit before the translation.
        for tp in pages:
            name = tp.doc.page.name
            if name not in site.english:
                continue
            found = english_at(cfg, name, translated_date(tp.file)) if tp.file is not None else None
            if found is not None:
                commit, text = found
                path = f"{_english_file(cfg, name)}@{commit[:10]}"
                try:
                    old[name] = page_facts(segment_page(Page(name, path, text), project.options(cfg)), opts.smartypants)
                except InputError:
                    continue
    check_translated(site, lint.locale, pages, old, out)
    return out.sorted()


def _read_translated(cfg: Config, folder: Path, shown: str, options: Options) -> list[TranslatedPage]:
    if not folder.is_dir():
        raise InputError("folder does not exist", shown, hint="pass the folder of translated pages")
    pages: list[TranslatedPage] = []
    dialect = cfg.dialect
    for file in sorted(folder.rglob("*")):
        rel = file.relative_to(folder)
        ext = dialect.suffix(rel.name)
        if ext is None or any(part.startswith(".") for part in rel.parts) or not file.is_file():
            continue
        name = rel.as_posix()[: -len(ext)]
        path = f"{shown.rstrip('/')}/{rel.as_posix()}"
        page = read_page(folder, file, name)
        page = Page(name, path, page.text, page.bom)
        first, last = late_front_matter(page.text)
        pages.append(TranslatedPage(segment_page(page, options), path, first, last, file))
    return pages


@dataclass(frozen=True, slots=True)
class Fixed:
    """``check --fix``: the link rewrites, the files they change (for ``apply``), and the findings
    of the project as it is once they are written."""

    fix: FixPlan
    plan: Plan
    findings: list[Finding]


def fix(cfg: Config) -> Fixed:
    """``check --fix`` in one pass: one read of the project, one check of it, the rewrites planned.

    The check that learns the renamed heading ids also gives the findings. When the fix changes
    PO files (or entries are published as served), the fixed state is checked from the plan (the
    planned bytes, parsed: their line numbers are the written files'), without reading it back.
    Nothing is written here: ``apply`` writes ``plan``, each file only while it holds the bytes read.
    """
    docs = project.load_documents(cfg)
    locales = cfg.target_locales()
    site = _site(cfg, docs, locales)
    ws = Workspace.of(cfg)
    catalogs, files = _catalogs(cfg, site.english, locales)
    read = {path: digest(ws.read_bytes(path)) for path in files.values()}  # the bytes parsed above (cached)
    history = git_history(cfg)
    out = Collector(cfg.check.levels)
    check_po_site(site, catalogs, project.options(cfg), out, history)
    planned = plan_fix(site, catalogs, files, history)
    page_of = {files[lc.path]: lc.page for lc in catalogs}
    plan = Plan(command="check --fix")
    for path, catalog in planned.catalogs:
        plan.writes[path] = po.format_po(catalog).encode("utf-8")
        plan.read[path] = read[path]
        plan.page_of[path] = page_of[path]
        plan.stage_of[path] = "fix"
    if not plan.writes and _as_served(cfg, catalogs) is catalogs:  # the check above was of these very files
        return Fixed(planned, plan, _po_findings(cfg, site, catalogs, history, out))
    fixed = [
        replace(lc, catalog=po.loads_po(plan.writes[files[lc.path]], lc.path)) if files[lc.path] in plan.writes else lc
        for lc in catalogs
    ]
    return Fixed(planned, plan, _po_findings(cfg, _site(cfg, docs, locales), fixed, history))
