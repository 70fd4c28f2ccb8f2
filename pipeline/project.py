"""The stages wired to disk: discover pages, run extract/update/build, write what changed.

Every command computes all its outputs in memory first and writes only when nothing
failed, each file atomically and only if its bytes changed. So a failure leaves every file
as it was, an interruption leaves each file old or new, and a second run writes nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import po
from .build import build_page, translations
from .config import Config
from .errors import InputError, PipelineError
from .extract import make_template
from .files import display_path, page_bytes, read_page, remove, remove_stale_temps, write_atomic
from .merge import update
from .model import Catalog, Counts, Page, Segment
from .paths import check_references, inside
from .segment import Document, Options, segment_page
from .stats import count


@dataclass(frozen=True, slots=True)
class Fallback:
    """A translation that build refused, so the English stayed on the page."""

    locale: str
    page: str
    po_path: str
    line: int
    msgid: str
    reason: str


@dataclass(slots=True)
class Plan:
    """Files to write and remove, computed before anything touches the disk."""

    writes: dict[Path, bytes] = field(default_factory=dict)
    removals: set[Path] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    fallbacks: list[Fallback] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command did, for the CLI to report."""

    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    warnings: tuple[str, ...]
    fallbacks: tuple[Fallback, ...]
    pages: int
    locales: tuple[str, ...]


def options(cfg: Config) -> Options:
    return Options(front_matter=cfg.front_matter, html_attributes=cfg.html_attributes)


def page_names(cfg: Config) -> list[tuple[str, Path]]:
    """English pages as (name, file), sorted by name; hidden files and folders are skipped."""
    src = cfg.source_dir
    if not src.is_dir():
        raise InputError(
            "source folder does not exist",
            cfg.source,
            hint=f"create it or set 'source' in {cfg.config_path or 'pipeline.toml'}",
        )
    root = cfg.root.resolve()
    found: list[tuple[str, Path]] = []
    for file in src.rglob("*.md"):
        rel = file.relative_to(src)
        if any(part.startswith(".") for part in rel.parts) or not file.is_file():
            continue
        if not file.resolve().is_relative_to(root):
            raise InputError(
                "page is a link that leads outside the project",
                display_path(cfg.root, file),
                hint="replace the link with the file itself",
            )
        name = rel.with_suffix("").as_posix()
        _check_page_name(name, cfg.source)
        found.append((name, file))
    found.sort()
    return found


def _check_page_name(name: str, source: str) -> None:
    """Refuse a file name that cannot become a PO reference and a URL: blanks, controls, non-UTF-8."""
    shown = f"{source}/{name}.md".encode("utf-8", "backslashreplace").decode("utf-8")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            "page file name is not valid UTF-8", shown, hint="rename the file with a UTF-8 name"
        ) from None
    bad = next((ch for ch in name if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")), None)
    if bad is not None:
        raise InputError(
            f"page file name contains {unicodedata.name(bad, repr(bad)).lower()} (U+{ord(bad):04X})",
            shown.encode("unicode_escape").decode("ascii") if not shown.isprintable() else shown,
            hint="rename the file without blanks or control characters (its name becomes a URL and a PO reference)",
        )


def load_documents(cfg: Config) -> list[Document]:
    opts = options(cfg)
    return [segment_page(read_page(cfg.root, file, name), opts) for name, file in page_names(cfg)]


def template_path(cfg: Config, name: str) -> Path:
    return cfg.templates_dir / f"{name}.pot"


def po_path(cfg: Config, locale: str, name: str) -> Path:
    return cfg.locale_dir(locale) / f"{name}.po"


def output_path(cfg: Config, locale: str, name: str) -> Path:
    return cfg.output_dir(locale) / f"{name}.md"


def _read_catalog(cfg: Config, path: Path) -> Catalog | None:
    if not path.is_file():
        return None
    inside(cfg, path)
    rel = display_path(cfg.root, path)
    catalog = po.read_po(path, rel)
    check_references(catalog, rel)
    return catalog


def _names_under(folder: Path, suffix: str) -> set[str]:
    if not folder.is_dir():
        return set()
    return {p.relative_to(folder).with_suffix("").as_posix() for p in folder.rglob(f"*{suffix}") if p.is_file()}


# --------------------------------------------------------------------------- stages


def plan_extract(cfg: Config, docs: list[Document], plan: Plan) -> dict[str, Catalog]:
    """Templates for all pages; stale templates (page gone) are removed."""
    templates: dict[str, Catalog] = {}
    for doc in docs:
        path = template_path(cfg, doc.page.name)
        old = _read_catalog(cfg, path)
        tpl = make_template(doc, old)
        templates[doc.page.name] = tpl
        plan.writes[path] = po.format_po(tpl).encode("utf-8")
    for name in sorted(_names_under(cfg.templates_dir, ".pot") - templates.keys()):
        plan.removals.add(template_path(cfg, name))
    return templates


def plan_update(
    cfg: Config, templates: dict[str, Catalog], locales: Iterable[str], plan: Plan
) -> dict[tuple[str, str], Catalog]:
    """Updated PO files for every template and locale; orphaned PO files are kept and reported."""
    catalogs: dict[tuple[str, str], Catalog] = {}
    for locale in locales:
        for name, tpl in templates.items():
            path = po_path(cfg, locale, name)
            new = update(tpl, _read_catalog(cfg, path), locale)
            catalogs[(locale, name)] = new
            plan.writes[path] = po.format_po(new).encode("utf-8")
        for name in sorted(_names_under(cfg.locale_dir(locale), ".po") - templates.keys()):
            rel = display_path(cfg.root, po_path(cfg, locale, name))
            plan.warnings.append(
                f"{rel}: warning: no English page '{name}' any more; kept with its translations "
                "(delete it on purpose once they are no longer needed)"
            )
    return catalogs


def plan_build(
    cfg: Config, docs: list[Document], catalogs: dict[tuple[str, str], Catalog], locales: Iterable[str], plan: Plan
) -> None:
    """Translated pages for every page and locale; outputs of vanished pages are removed."""
    opts = options(cfg)
    names = {doc.page.name for doc in docs}
    for locale in locales:
        for doc in docs:
            catalog = catalogs.get((locale, doc.page.name))
            built = build_page(doc, translations(catalog), opts)
            plan.writes[output_path(cfg, locale, doc.page.name)] = page_bytes(built.text, doc.page.bom)
            if catalog is not None:
                lines = {m.key: m.lineno for m in catalog.messages if not m.obsolete}
                rel = display_path(cfg.root, po_path(cfg, locale, doc.page.name))
                for seg, reason in built.fallbacks:
                    plan.fallbacks.append(
                        Fallback(locale, doc.page.name, rel, lines.get((seg.msgctxt, seg.msgid), 0), seg.msgid, reason)
                    )
        stale = _names_under(cfg.output_dir(locale), ".md") - names
        known = _names_under(cfg.templates_dir, ".pot") | _names_under(cfg.locale_dir(locale), ".po")
        for name in sorted(stale & known):
            plan.removals.add(output_path(cfg, locale, name))


def apply(cfg: Config, plan: Plan) -> tuple[list[str], list[str], int]:
    """Write and remove what the plan says; return (written, removed, unchanged).

    Every path is checked to stay inside the project before anything is touched, and
    temporary files left by a killed run in the folders written to are cleared first.
    """
    for path in sorted(plan.writes.keys() | plan.removals):
        inside(cfg, path)
    for folder in sorted({p.parent for p in plan.writes.keys() | plan.removals}):
        remove_stale_temps(folder)
    written: list[str] = []
    removed: list[str] = []
    unchanged = 0
    path = cfg.root
    try:
        for path in sorted(plan.writes):
            if write_atomic(path, plan.writes[path]):
                written.append(display_path(cfg.root, path))
            else:
                unchanged += 1
        for path in sorted(plan.removals):
            if remove(path):
                removed.append(display_path(cfg.root, path))
    except OSError as exc:
        raise PipelineError(
            f"cannot write: {exc.strerror or exc}",
            display_path(cfg.root, path),
            hint="fix the cause and run again: every file is complete, old or new, and the next run finishes",
        ) from None
    return written, removed, unchanged


def _outcome(cfg: Config, plan: Plan, pages: int, locales: tuple[str, ...]) -> Outcome:
    written, removed, unchanged = apply(cfg, plan)
    return Outcome(
        tuple(written), tuple(removed), unchanged, tuple(plan.warnings), tuple(plan.fallbacks), pages, locales
    )


def _locate_fallbacks(cfg: Config, plan: Plan) -> None:
    """Fill in msgstr line numbers of fallbacks from the PO text about to be written."""
    if not any(f.line == 0 for f in plan.fallbacks):
        return
    lines: dict[str, dict[str, int]] = {}
    fixed: list[Fallback] = []
    for f in plan.fallbacks:
        if f.line == 0:
            if f.po_path not in lines:
                data = plan.writes.get(cfg.root / f.po_path)
                catalog = po.parse_po(data.decode("utf-8"), f.po_path) if data else None
                lines[f.po_path] = {m.msgid: m.lineno for m in catalog.messages} if catalog else {}
            f = Fallback(f.locale, f.page, f.po_path, lines[f.po_path].get(f.msgid, 0), f.msgid, f.reason)
        fixed.append(f)
    plan.fallbacks[:] = fixed


# --------------------------------------------------------------------------- commands


def extract(cfg: Config) -> Outcome:
    docs = load_documents(cfg)
    plan = Plan()
    plan_extract(cfg, docs, plan)
    return _outcome(cfg, plan, len(docs), ())


def _templates_on_disk(cfg: Config) -> dict[str, Catalog]:
    templates: dict[str, Catalog] = {}
    for name in sorted(_names_under(cfg.templates_dir, ".pot")):
        catalog = _read_catalog(cfg, template_path(cfg, name))
        if catalog is not None:
            templates[name] = catalog
    if not templates:
        raise InputError(
            "no templates found",
            display_path(cfg.root, cfg.templates_dir),
            hint="run 'pipeline extract' first (or 'pipeline sync')",
        )
    return templates


def update_command(cfg: Config) -> Outcome:
    locales = cfg.target_locales()
    plan = Plan()
    templates = _templates_on_disk(cfg)
    plan_update(cfg, templates, locales, plan)
    return _outcome(cfg, plan, len(templates), locales)


def build_command(cfg: Config) -> Outcome:
    locales = cfg.target_locales()
    docs = load_documents(cfg)
    catalogs: dict[tuple[str, str], Catalog] = {}
    for locale in locales:
        for doc in docs:
            catalog = _read_catalog(cfg, po_path(cfg, locale, doc.page.name))
            if catalog is not None:
                catalogs[(locale, doc.page.name)] = catalog
    plan = Plan()
    plan_build(cfg, docs, catalogs, locales, plan)
    return _outcome(cfg, plan, len(docs), locales)


def sync(cfg: Config) -> Outcome:
    """extract -> update -> build in memory, then write everything that changed."""
    locales = cfg.target_locales()
    docs = load_documents(cfg)
    plan = Plan()
    templates = plan_extract(cfg, docs, plan)
    catalogs = plan_update(cfg, templates, locales, plan)
    plan_build(cfg, docs, catalogs, locales, plan)
    _locate_fallbacks(cfg, plan)
    return _outcome(cfg, plan, len(docs), locales)


@dataclass(frozen=True, slots=True)
class PageStatus:
    locale: str
    page: str
    counts: Counts
    exists: bool


def status(cfg: Config) -> list[PageStatus]:
    """Per locale and page: progress counts of the PO file (missing files count as untranslated)."""
    locales = cfg.target_locales()
    templates = {name: template_path(cfg, name) for name in sorted(_names_under(cfg.templates_dir, ".pot"))}
    rows: list[PageStatus] = []
    for locale in locales:
        for name, tpl_path in templates.items():
            path = po_path(cfg, locale, name)
            catalog = _read_catalog(cfg, path)
            exists = catalog is not None
            if catalog is None:
                catalog = _read_catalog(cfg, tpl_path) or Catalog()
            rows.append(PageStatus(locale, name, count(catalog), exists))
    return rows


def segments_of(cfg: Config, page: Page) -> tuple[Segment, ...]:
    return segment_page(page, options(cfg)).segments
