"""The stages wired to disk: discover pages, run extract/update/build, write what changed.

Every command computes all its outputs in memory first and writes only when nothing
failed, each file atomically and only if its bytes changed. So a failure leaves every file
as it was, an interruption leaves each file old or new, and a second run writes nothing.
"""

from __future__ import annotations

import itertools
import os
import posixpath
import unicodedata
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.errors import ConfigError, InputError, PipelineError
from pipeline.formats import po
from pipeline.git.committed import refuse_cut_catalogs
from pipeline.git.lock import source_commit
from pipeline.model import Catalog, Finding, Page, Segment, Severity
from pipeline.segment.walker import Document, Options, segment_page
from pipeline.stages import stamp
from pipeline.stages.build import Placement, build_page, translations
from pipeline.stages.extract import make_template
from pipeline.stages.merge import UpdateOptions, plural_mismatch
from pipeline.translate.mark import publishing
from pipeline.wording import counted as _count
from pipeline.workspace import messages
from pipeline.workspace.dialect import dialect, page_file
from pipeline.workspace.files import (
    ABSENT,
    ChangedOnDiskError,
    current_digest,
    digest,
    display_path,
    page_bytes,
    refuse_read_only,
    remove,
    remove_stale_temps,
    write_atomic,
)
from pipeline.workspace.incremental import Cache
from pipeline.workspace.paths import check_references, inside
from pipeline.workspace.progress import SILENT, Progress
from pipeline.workspace.settings import CONFIG_FILE, Config
from pipeline.workspace.sources import PAGE, SourceKind, kind_of
from pipeline.workspace.workers import die_with_parent
from pipeline.workspace.workspace import Workspace

ORPHANED_CATALOG = "orphaned-catalog"
"""Code of the warning for a PO file whose page is gone (kept with its translations)."""
FALLBACK = "fallback"
"""Code of the warning for a translation build refused (the English stays)."""


@dataclass(frozen=True, slots=True)
class Fallback:
    """A translation that build refused, so the English stayed on the page."""

    locale: str
    page: str
    po_path: str
    line: int
    msgid: str
    reason: str
    msgctxt: str | None = None

    def finding(self) -> Finding:
        """The fallback as a warning at its entry in the PO file."""
        return Finding(self.po_path, self.line, 0, FALLBACK, Severity.WARNING, f"English kept: {self.reason}")


@dataclass(slots=True)
class Plan:
    """Files to write and remove, computed before anything touches the disk."""

    writes: dict[Path, bytes] = field(default_factory=dict)
    removals: set[Path] = field(default_factory=set)
    warnings: list[Finding] = field(default_factory=list)
    """Notes for the user (an orphaned catalog, a note matching no key): warnings with a stable code."""
    fallbacks: list[Fallback] = field(default_factory=list)
    stage_of: dict[Path, str] = field(default_factory=dict)
    """Which stage planned each write or removal (for the per-stage summary of ``-v``)."""
    notes: dict[str, str] = field(default_factory=dict)
    """Per stage: what it looked at (``111 pages``), completed with what changed after writing."""
    read: dict[Path, str] = field(default_factory=dict)
    """PO files the run read and will rewrite: the ``files.digest`` of the bytes it read.

    ``apply`` replaces such a file only while it still holds those bytes (compare and rename),
    so a translator's save during the run is never reverted.
    """
    page_of: dict[Path, str] = field(default_factory=dict)
    """Which page (or message file) each planned write belongs to."""


@dataclass(frozen=True, slots=True)
class StageNote:
    """What one stage did, for ``-v``: ``extract: 111 pages, 3 changed``."""

    stage: str
    text: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command did, for the CLI to report."""

    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    warnings: tuple[Finding, ...]
    fallbacks: tuple[Fallback, ...]
    pages: int
    locales: tuple[str, ...]
    stages: tuple[StageNote, ...] = ()
    message_files: int = 0
    """``[[messages]]`` files handled besides the pages."""


def options(cfg: Config) -> Options:
    """The segmenter's and builder's settings: translated keys and attributes, the renderer's quirks."""
    return cfg.segment


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
    d = dialect(cfg)
    base = str(src)
    for top, dirs, names in os.walk(src):  # linked folders are not followed
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        folder = Path(top)
        prefix = top[len(base) + 1 :].replace(os.sep, "/")
        for n in names:
            ext = d.suffix(n)
            if ext is None or n.startswith("."):
                continue
            file = folder / n
            # only a linked file can lead outside (linked folders are not walked): resolve just those
            if os.path.islink(file) and not file.resolve().is_relative_to(root):
                raise InputError(
                    "page is a link that leads outside the project",
                    display_path(cfg.root, file),
                    hint="replace the link with the file itself",
                )
            if not file.is_file():
                continue
            stem = n[: -len(ext)]
            name = f"{prefix}/{stem}" if prefix else stem
            _check_page_name(name, cfg.source)
            found.append((name, file))
    found.sort()
    for (a, _), (b, fb) in itertools.pairwise(found):
        if a == b:
            raise InputError(
                f"two pages named '{a}' (one file per extension)",
                display_path(cfg.root, fb),
                hint="rename one of them: a page's translations are kept by its name",
            )
    return found


def _check_page_name(name: str, source: str) -> None:
    """Refuse a file name that cannot become a PO reference and a URL: blanks, controls, non-UTF-8."""
    shown = f"{source}/{name}.md".encode("utf-8", "backslashreplace").decode("utf-8")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("page file name is not valid UTF-8", shown, hint="rename the file with a UTF-8 name") from None
    # a plain space is fine (the PO reference %-encodes it); other blanks and controls are not
    bad = next(
        (ch for ch in name if (ch.isspace() and ch != " ") or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")),
        None,
    )
    if bad is not None:
        raise InputError(
            f"page file name contains {unicodedata.name(bad, repr(bad)).lower()} (U+{ord(bad):04X})",
            shown.encode("unicode_escape").decode("ascii") if not shown.isprintable() else shown,
            hint="rename the file without blanks or control characters (its name becomes a URL and a PO reference)",
        )


def load_documents(cfg: Config, progress: Progress = SILENT, skip: frozenset[str] = frozenset()) -> list[Document]:
    """Read and segment every page (but those in ``skip``, which sync knows to be clean)."""
    ws = Workspace.of(cfg)
    names = [(name, file) for name, file in page_names(cfg) if name not in skip]
    progress.start("read", len(names))
    docs: list[Document] = []
    for name, file in names:
        docs.append(ws.document(file, name))
        progress.advance()
    return docs


def template_path(cfg: Config, name: str) -> Path:
    return cfg.templates_dir / f"{name}.pot"


def po_path(cfg: Config, locale: str, name: str) -> Path:
    return cfg.locale_dir(locale) / f"{name}.po"


def output_path(cfg: Config, locale: str, name: str) -> Path:
    """The translated page: same name and extension as the English page."""
    return page_file(cfg, cfg.output_dir(locale), name)


def _read_catalog(cfg: Config, path: Path) -> Catalog | None:
    return _read_catalog_bytes(cfg, path)[0]


def _read_catalog_bytes(cfg: Config, path: Path) -> tuple[Catalog | None, str]:
    """The catalog at ``path`` (None when absent) and the ``digest`` of the bytes it was read from."""
    if not path.is_file():
        if path.is_dir():
            raise InputError(
                "is a folder, not a PO file", display_path(cfg.root, path), hint="move the folder out of the way"
            )
        return None, ABSENT
    inside(cfg, path)
    rel = display_path(cfg.root, path)
    ws = Workspace.of(cfg)
    try:
        data = ws.read_bytes(path)  # first the bytes, then the catalog: a save in between is seen as a change
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", rel) from None
    catalog = ws.catalog(path, rel)
    check_references(catalog, rel)
    return catalog, digest(data)


read_catalog = _read_catalog
"""A PO file or template of the project, checked to be inside it; None when absent."""


def message_files(
    cfg: Config, page_names: Iterable[str] = ()
) -> list[tuple[messages.MessageSource, messages.MessageFile]]:
    """The ``[[messages]]`` sources with their English files, read and parsed.

    A source whose name is also a page name is refused: both would own ``<name>.pot``.
    """
    pages = set(page_names)
    found: list[tuple[messages.MessageSource, messages.MessageFile]] = []
    for spec in cfg.messages:
        if spec.name in pages:
            raise ConfigError(
                f"[[messages]] name {spec.name!r} is also a page ({cfg.source}/{spec.name}.md)",
                cfg.config_path or CONFIG_FILE,
                hint='give the [[messages]] table another name = "..."',
            )
        found.append((spec, messages.read_message_file(cfg.root, cfg.root / spec.source)))
    return found


def _names_under(folder: Path, suffix: str) -> set[str]:
    """Names (relative path without ``suffix``, ``/``-separated) of the files under ``folder``."""
    found: set[str] = set()
    cut = len(suffix)
    base = len(str(folder)) + 1
    for top, _dirs, names in os.walk(folder):
        rel = top[base:].replace(os.sep, "/")
        prefix = rel + "/" if rel else ""
        found.update(prefix + n[:-cut] for n in names if n.endswith(suffix))
    return found


names_under = _names_under
"""Names of the files under a folder with a suffix (``/``-separated, suffix cut)."""


# --------------------------------------------------------------------------- stages


def _extract_page(cfg: Config, doc: Document, plan: Plan, commit: str | None) -> Catalog:
    """One page's template, planned for writing."""
    path = template_path(cfg, doc.page.name)
    tpl = make_template(doc, _read_catalog(cfg, path), commit=commit)
    plan.writes[path] = po.format_po(tpl).encode("utf-8")
    plan.stage_of[path] = "extract"
    plan.page_of[path] = doc.page.name
    return tpl


def _extract_rest(cfg: Config, plan: Plan, pages: set[str]) -> dict[str, Catalog]:
    """Templates of the message files; templates of vanished pages removed. ``pages``: all page names."""
    templates: dict[str, Catalog] = {}
    for spec, english in message_files(cfg, pages):
        path = template_path(cfg, spec.name)
        tpl = messages.make_template(spec, english, _read_catalog(cfg, path))
        templates[spec.name] = tpl
        plan.writes[path] = po.format_po(tpl).encode("utf-8")
        plan.stage_of[path] = "extract"
        plan.warnings.extend(messages.orphan_findings(spec, english))
    for name in sorted(_names_under(cfg.templates_dir, ".pot") - pages - templates.keys()):
        plan.removals.add(template_path(cfg, name))
        plan.stage_of[template_path(cfg, name)] = "extract"
    return templates


def plan_extract(
    cfg: Config,
    docs: list[Document],
    plan: Plan,
    progress: Progress = SILENT,
    commit: str | None = None,
    keep: frozenset[str] = frozenset(),
) -> dict[str, Catalog]:
    """Templates for all pages; stale templates (page gone) are removed.

    ``commit`` is the upstream commit of ``source/`` (from ``pipeline.lock``), recorded in templates
    whose text changed. ``keep``: pages left out of ``docs`` because they are clean (not stale).
    """
    templates: dict[str, Catalog] = {}
    progress.start("extract", len(docs))
    for doc in docs:
        templates[doc.page.name] = _extract_page(cfg, doc, plan, commit)
        progress.advance()
    templates.update(_extract_rest(cfg, plan, set(templates) | keep))
    _note_extract(plan, len(docs), len(keep), sum(len(t.messages) for t in templates.values()))
    return templates


def _note_extract(plan: Plan, pages: int, skipped: int, entries: int) -> None:
    kept = f" ({skipped} unchanged, skipped)" if skipped else ""
    plan.notes["extract"] = f"{_count(pages, 'page')}{kept}, {_count(entries, 'entry', 'entries')}"


def _update_one(
    cfg: Config, locale: str, name: str, tpl: Catalog, plan: Plan, opts: UpdateOptions, kind: SourceKind
) -> Catalog:
    """One catalog updated to its template, planned for writing."""
    path = po_path(cfg, locale, name)
    old, read = _read_catalog_bytes(cfg, path)
    if old is not None and kind is PAGE:
        plan.warnings.extend(_plural_warnings(cfg, path, tpl, old))
    new = kind.update(tpl, old, locale, opts)
    plan.writes[path] = po.format_po(new).encode("utf-8")
    plan.stage_of[path] = "update"
    plan.read[path] = read
    plan.page_of[path] = name
    return new


PLURAL = "plural-forms"
"""Code of the warning for plural forms on an entry whose English has one text (kept, fuzzy)."""


def _plural_warnings(cfg: Config, path: Path, tpl: Catalog, old: Catalog) -> list[Finding]:
    """Entries with plural forms the English lacks: update keeps them fuzzy, whole; say so."""
    english = {m.key: m for m in tpl.messages}
    rel = display_path(cfg.root, path)
    return [
        Finding(
            rel,
            m.lineno,
            0,
            PLURAL,
            Severity.WARNING,
            "this entry has plural forms (msgid_plural) but the English has none; kept as fuzzy with all "
            f"{len(m.msgstr_plural)} forms: write one msgstr and delete the msgid_plural and msgstr[n] lines",
        )
        for m in old.messages
        if not m.obsolete and m.key in english and plural_mismatch(english[m.key], m)
    ]


def _orphans(cfg: Config, locales: Iterable[str], names: set[str], plan: Plan) -> None:
    """PO files without a template: kept, and said so."""
    for locale in locales:
        for name in sorted(_names_under(cfg.locale_dir(locale), ".po") - names):
            rel = display_path(cfg.root, po_path(cfg, locale, name))
            plan.warnings.append(
                Finding(
                    rel,
                    0,
                    0,
                    ORPHANED_CATALOG,
                    Severity.WARNING,
                    f"no English page '{name}' any more; kept with its translations "
                    "(delete it on purpose once they are no longer needed)",
                )
            )


def plan_update(
    cfg: Config,
    templates: dict[str, Catalog],
    locales: Iterable[str],
    plan: Plan,
    progress: Progress = SILENT,
    keep: frozenset[str] = frozenset(),
) -> dict[tuple[str, str], Catalog]:
    """Updated PO files for every template and locale; orphaned PO files are kept and reported."""
    catalogs: dict[tuple[str, str], Catalog] = {}
    opts = cfg.update
    locales = tuple(locales)
    progress.start("update", len(locales) * len(templates))
    for locale in locales:
        for name, tpl in templates.items():
            catalogs[(locale, name)] = _update_one(cfg, locale, name, tpl, plan, opts, kind_of(cfg, name))
            progress.advance()
    _orphans(cfg, locales, set(templates) | keep, plan)
    fuzzy = sum(1 for c in catalogs.values() for m in c.messages if m.fuzzy and not m.obsolete)
    _note_update(plan, len(catalogs), locales, fuzzy)
    return catalogs


def _note_update(plan: Plan, catalogs: int, locales: tuple[str, ...], fuzzy: int) -> None:
    plan.notes["update"] = f"{catalogs} catalogs ({', '.join(locales)}), {fuzzy} fuzzy entries"


def placement(cfg: Config, locale: str, name: str) -> Placement:
    """Where ``name``'s page for ``locale`` is served and stored (what build adapts in its structure)."""
    site = cfg.site
    return Placement(
        locale=locale,
        link_prefix=site.locale_prefix.replace("{locale}", locale) if site.localize_links else "",
        locales=(*cfg.target_locales(), site.source_locale, *site.locales),
        link_patterns=site.localized_links if site.localize_links else (),
        english_file=display_path(cfg.root, page_file(cfg, cfg.source_dir, name)),
        built_file=display_path(cfg.root, output_path(cfg, locale, name)),
        source_root=posixpath.normpath(cfg.source),
        extensions=cfg.dialect.extensions,
    )


def _build_one(
    cfg: Config, locale: str, doc: Document, catalog: Catalog | None, plan: Plan, opts: Options, stamping: bool
) -> int:
    """One translated page, planned for writing; returns the segments written from translations."""
    built = build_page(doc, translations(catalog, publishing(cfg.raw)), opts, placement(cfg, locale, doc.page.name))
    text = stamp.stamp_page(doc, built.text, stamp.fields(catalog), opts) if stamping else built.text
    out = output_path(cfg, locale, doc.page.name)
    plan.writes[out] = page_bytes(text, doc.page.bom)
    plan.stage_of[out] = "build"
    plan.page_of[out] = doc.page.name
    if catalog is not None:
        lines = {m.key: m.msgstr_lineno or m.lineno for m in catalog.messages if not m.obsolete}
        rel = display_path(cfg.root, po_path(cfg, locale, doc.page.name))
        for seg, reason in built.fallbacks:
            line = lines.get((seg.msgctxt, seg.msgid), 0)
            plan.fallbacks.append(Fallback(locale, doc.page.name, rel, line, seg.msgid, reason, seg.msgctxt))
    return built.used


def _build_rest(
    cfg: Config, names: set[str], catalogs: dict[tuple[str, str], Catalog], locales: tuple[str, ...], plan: Plan
) -> None:
    """Outputs of vanished pages removed; message files built. ``names``: all page names."""
    templates = _names_under(cfg.templates_dir, ".pot")
    for locale in locales:
        stale = set().union(*(_names_under(cfg.output_dir(locale), ext) for ext in dialect(cfg).extensions)) - names
        known = templates | _names_under(cfg.locale_dir(locale), ".po")
        for name in sorted(stale & known):
            plan.removals.add(output_path(cfg, locale, name))
            plan.stage_of[output_path(cfg, locale, name)] = "build"
    plan_build_messages(cfg, message_files(cfg, names), catalogs, locales, plan)


def plan_build(
    cfg: Config,
    docs: list[Document],
    catalogs: dict[tuple[str, str], Catalog],
    locales: Iterable[str],
    plan: Plan,
    progress: Progress = SILENT,
    keep: frozenset[str] = frozenset(),
) -> None:
    """Translated pages for every page and locale; outputs of vanished pages are removed."""
    opts = options(cfg)
    stamping = cfg.build.stamp
    locales = tuple(locales)
    progress.start("build", len(locales) * len(docs))
    used = 0
    for locale in locales:
        for doc in docs:
            used += _build_one(cfg, locale, doc, catalogs.get((locale, doc.page.name)), plan, opts, stamping)
            progress.advance()
    _build_rest(cfg, {doc.page.name for doc in docs} | keep, catalogs, locales, plan)
    _note_build(plan, len(locales) * len(docs), used)


def _note_build(plan: Plan, pages: int, used: int) -> None:
    refused = len(plan.fallbacks)
    plan.notes["build"] = f"{_count(pages, 'page')}, {used} translated segments" + (
        f", {refused} translations refused" if refused else ""
    )


def plan_build_messages(
    cfg: Config,
    files: list[tuple[messages.MessageSource, messages.MessageFile]],
    catalogs: dict[tuple[str, str], Catalog],
    locales: Iterable[str],
    plan: Plan,
) -> None:
    """Translated message files for every ``[[messages]]`` source and locale."""
    for locale in locales:
        for spec, english in files:
            out = cfg.root / spec.output_for(locale)
            if out.resolve() == (cfg.root / spec.source).resolve():
                raise ConfigError(
                    f"[[messages]] output for locale {locale!r} is the English file {spec.source}",
                    cfg.config_path or CONFIG_FILE,
                    hint="leave the source language out of locales",
                )
            catalog = catalogs.get((locale, spec.name))
            built = messages.build_messages(spec, english, catalog, publishing(cfg.raw))
            plan.writes[out] = built.data
            plan.stage_of[out] = "build"
            plan.page_of[out] = spec.name
            rel = display_path(cfg.root, po_path(cfg, locale, spec.name))
            for m, reason in built.fallbacks:
                plan.fallbacks.append(
                    Fallback(locale, spec.name, rel, m.msgstr_lineno or m.lineno, m.msgid, reason, m.msgctxt)
                )


def apply(cfg: Config, plan: Plan, changed: dict[str, int] | None = None) -> tuple[list[str], list[str], int]:
    """Write and remove what the plan says; return (written, removed, unchanged).

    Every path is checked to stay inside the project before anything is touched, and
    temporary files left by a killed run in the folders written to are cleared first.
    A PO file the run read is replaced only while it still holds the bytes read (checked
    before the first write and again right before its rename); when one changed, nothing
    more of its page is written and an error names it once the other pages are done.
    ``changed`` (if given) counts the files each stage actually wrote or removed.
    """
    for path in sorted(plan.writes.keys() | plan.removals):
        inside(cfg, path)
    for path in sorted(plan.writes):
        try:
            refuse_read_only(path, plan.writes[path])
        except OSError as exc:
            raise _write_error(cfg, path, exc) from None
    for folder in sorted({p.parent for p in plan.writes.keys() | plan.removals}):
        remove_stale_temps(folder)
    changed_on_disk: list[Path] = []
    held: set[str] = set()
    written: list[str] = []
    removed: list[str] = []
    unchanged = 0
    tally = changed if changed is not None else {}
    path = cfg.root
    try:
        for path in sorted(plan.read):  # saved since the run read them: their pages are held back
            if path in plan.writes and current_digest(path) != plan.read[path]:
                changed_on_disk.append(path)
                held.add(plan.page_of.get(path, ""))
        # the PO files a run read go first, so a save caught at its rename holds back the rest of its page
        for path in sorted(plan.writes, key=lambda p: (p not in plan.read, p)):
            if plan.page_of.get(path, "") in held and path in plan.page_of:
                continue
            try:
                done = write_atomic(path, plan.writes[path], plan.read.get(path))
            except ChangedOnDiskError:
                changed_on_disk.append(path)
                held.add(plan.page_of.get(path, ""))
                continue
            if done:
                written.append(display_path(cfg.root, path))
                stage = plan.stage_of.get(path, "")
                tally[stage] = tally.get(stage, 0) + 1
            else:
                unchanged += 1
        for path in sorted(plan.removals):
            if remove(path):
                removed.append(display_path(cfg.root, path))
                stage = plan.stage_of.get(path, "")
                tally[stage] = tally.get(stage, 0) + 1
    except OSError as exc:
        raise _write_error(cfg, path, exc) from None
    if changed_on_disk:
        raise _changed_error(cfg, changed_on_disk, plan)
    return written, removed, unchanged


def _changed_error(cfg: Config, paths: list[Path], plan: Plan) -> PipelineError:
    """PO files saved by someone while the run worked: kept as saved, their pages not written."""
    first = paths[0]
    page = plan.page_of.get(first, "?")
    others = f" (and {_count(len(paths) - 1, 'other file')})" if len(paths) > 1 else ""
    return PipelineError(
        f"changed on disk while sync ran (saved by an editor?); nothing of page '{page}' was written{others}",
        display_path(cfg.root, first),
        hint="the saved file is kept as it is: run the command again to take it in",
    )


def _write_error(cfg: Config, path: Path, exc: OSError) -> PipelineError:
    return PipelineError(
        f"cannot write: {exc.strerror or exc}",
        display_path(cfg.root, path),
        hint="fix the cause and run again: every file is complete, old or new, and the next run finishes",
    )


def _outcome(cfg: Config, plan: Plan, pages: int, locales: tuple[str, ...]) -> Outcome:
    changed: dict[str, int] = {}
    written, removed, unchanged = apply(cfg, plan, changed)
    stages = tuple(
        StageNote(stage, f"{note}, {_count(changed.get(stage, 0), 'file')} changed")
        for stage, note in plan.notes.items()
    )
    return Outcome(
        tuple(written),
        tuple(removed),
        unchanged,
        tuple(plan.warnings),
        tuple(plan.fallbacks),
        pages,
        locales,
        stages,
        len(cfg.messages),
    )


def _locate_fallbacks(cfg: Config, plan: Plan) -> None:
    """Fill in msgstr line numbers of fallbacks from the PO text about to be written."""
    if not any(f.line == 0 for f in plan.fallbacks):
        return
    lines: dict[str, dict[tuple[str | None, str], int]] = {}
    fixed: list[Fallback] = []
    for f in plan.fallbacks:
        if f.line == 0:
            if f.po_path not in lines:
                data = plan.writes.get(cfg.root / f.po_path)
                catalog = po.parse_po(data.decode("utf-8"), f.po_path) if data else None
                lines[f.po_path] = (
                    {m.key: m.msgstr_lineno or m.lineno for m in catalog.messages if not m.obsolete} if catalog else {}
                )
            line = lines[f.po_path].get((f.msgctxt, f.msgid), 0)
            f = Fallback(f.locale, f.page, f.po_path, line, f.msgid, f.reason, f.msgctxt)
        fixed.append(f)
    plan.fallbacks[:] = fixed


# --------------------------------------------------------------------------- commands


def extract(cfg: Config, progress: Progress = SILENT) -> Outcome:
    docs = load_documents(cfg, progress)
    plan = Plan()
    plan_extract(cfg, docs, plan, progress, source_commit(cfg))
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


def update_command(cfg: Config, progress: Progress = SILENT) -> Outcome:
    locales = cfg.target_locales()
    refuse_cut_catalogs(cfg.root, cfg.locales_dir)
    plan = Plan()
    templates = _templates_on_disk(cfg)
    plan_update(cfg, templates, locales, plan, progress)
    return _outcome(cfg, plan, len(templates), locales)


def build_command(cfg: Config, progress: Progress = SILENT) -> Outcome:
    locales = cfg.target_locales()
    docs = load_documents(cfg, progress)
    catalogs: dict[tuple[str, str], Catalog] = {}
    names = [doc.page.name for doc in docs] + [spec.name for spec in cfg.messages]
    for locale in locales:
        for name in names:
            catalog = _read_catalog(cfg, po_path(cfg, locale, name))
            if catalog is not None:
                catalogs[(locale, name)] = catalog
    plan = Plan()
    plan_build(cfg, docs, catalogs, locales, plan, progress)
    return _outcome(cfg, plan, len(docs), locales)


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """Templates and catalogs as ``sync`` would write them, computed in memory (nothing written).

    ``plan`` holds the bytes of every file, the removals, and the notes as ``Finding``s; only
    ``apply`` writes. ``status``, the CI gate and ``report`` read the project through it.
    """

    docs: list[Document]
    templates: dict[str, Catalog]
    catalogs: dict[tuple[str, str], Catalog]
    locales: tuple[str, ...]
    plan: Plan


def plan_catalogs(cfg: Config, progress: Progress = SILENT, skip: frozenset[str] = frozenset()) -> SyncPlan:
    """extract -> update in memory, with the upstream commit of ``pipeline.lock`` (if any).

    Pages in ``skip`` (clean, per sync's cache) are left out but not treated as removed.
    """
    locales = cfg.target_locales()
    docs = load_documents(cfg, progress, skip)
    plan = Plan()
    templates = plan_extract(cfg, docs, plan, progress, source_commit(cfg), skip)
    catalogs = plan_update(cfg, templates, locales, plan, progress, skip)
    return SyncPlan(docs, templates, catalogs, locales, plan)


Planned = SyncPlan
"""The old name of :class:`SyncPlan`."""


def plan_sync(cfg: Config) -> SyncPlan:
    """The templates and catalogs ``sync`` would write, for ``status`` and the CI gate.

    Pages that sync's cache knows to be clean are read from disk (their files are exactly what
    sync would write); the others are extracted and updated in memory. Nothing is written.
    """
    locales = cfg.target_locales()
    cache = Cache.load(cfg)
    clean = frozenset(
        name for name, file in page_names(cfg) if cache.clean(cfg.root, name, _page_files(cfg, name, file, locales))
    )
    planned = plan_catalogs(cfg, skip=clean)
    for name in sorted(clean):
        template = _read_catalog(cfg, template_path(cfg, name))
        if template is not None:
            planned.templates[name] = template
        for locale in locales:
            catalog = _read_catalog(cfg, po_path(cfg, locale, name))
            if catalog is not None:
                planned.catalogs[(locale, name)] = catalog
    return planned


planned_catalogs = plan_sync
"""The old name of :func:`plan_sync`."""


def catalog_changes(cfg: Config, planned: SyncPlan) -> list[Path]:
    """Templates and PO files ``sync`` would write or remove (their bytes differ from the disk)."""
    changed: list[Path] = []
    ws = Workspace.of(cfg)
    for path, data in planned.plan.writes.items():
        try:
            if ws.read_bytes(path) == data:
                continue
        except FileNotFoundError:
            pass
        changed.append(path)
    changed.extend(path for path in planned.plan.removals if path.exists())
    return sorted(changed)


def sync(cfg: Config, progress: Progress = SILENT) -> Outcome:
    """extract -> update -> build in memory, then write everything that changed.

    Pages whose English, template, PO files and outputs are exactly as the last sync left them
    (``incremental.Cache``) are skipped: their result would be the same bytes. The others are
    independent of each other, so a big sync spreads them over the CPU cores.
    """
    cache = Cache.load(cfg)
    locales = cfg.target_locales()
    refuse_cut_catalogs(cfg.root, cfg.locales_dir)
    pages = page_names(cfg)
    files = {name: _page_files(cfg, name, file, locales) for name, file in pages}
    clean = frozenset(name for name, paths in files.items() if cache.clean(cfg.root, name, paths))
    dirty = [(name, file) for name, file in pages if name not in clean]
    plan = Plan()
    entries, fuzzy, used = _sync_pages_parallel(cfg, dirty, locales, plan, progress)
    names = set(files)
    templates = _extract_rest(cfg, plan, names)
    _note_extract(plan, len(dirty), len(clean), entries + sum(len(t.messages) for t in templates.values()))
    catalogs = plan_update(cfg, templates, locales, plan, keep=frozenset(names))  # the message files' catalogs
    fuzzy += sum(1 for c in catalogs.values() for m in c.messages if m.fuzzy and not m.obsolete)
    _note_update(plan, len(dirty) * len(locales) + len(catalogs), locales, fuzzy)
    _build_rest(cfg, names, catalogs, locales, plan)
    _note_build(plan, len(dirty) * len(locales), used)
    _locate_fallbacks(cfg, plan)
    for name in sorted(clean):  # what a skipped page's last real sync had to say
        plan.fallbacks.extend(Fallback(*f) for f in cache.warnings.get(name, []))
    outcome = _outcome(cfg, plan, len(pages), locales)
    outcome = replace(outcome, unchanged=outcome.unchanged + sum(len(files[name]) - 1 for name in clean))
    by_page: dict[str, list[list[object]]] = {}
    for f in plan.fallbacks:
        by_page.setdefault(f.page, []).append([f.locale, f.page, f.po_path, f.line, f.msgid, f.reason, f.msgctxt])
    for name, _ in dirty:
        cache.record(cfg.root, name, files[name], by_page.get(name, []))  # type: ignore[arg-type]
    cache.forget_except(names)
    cache.save()
    return outcome


def _sync_pages(
    cfg: Config, pages: Sequence[tuple[str, Path]], locales: tuple[str, ...], commit: str | None
) -> tuple[Plan, int, int, int]:
    """extract, update and build some pages for every locale; returns (plan, entries, fuzzy, used).

    Everything a page's sync needs is the page, its template and its PO files: one worker's
    share of a parallel sync, or the whole of a small one.
    """
    plan = Plan()
    opts = options(cfg)
    update_opts = cfg.update
    stamping = cfg.build.stamp
    entries = fuzzy = used = 0
    for name, file in pages:
        doc = Workspace.of(cfg).document(file, name)
        template = _extract_page(cfg, doc, plan, commit)
        entries += len(template.messages)
        for locale in locales:
            catalog = _update_one(cfg, locale, name, template, plan, update_opts, PAGE)
            fuzzy += sum(1 for m in catalog.messages if m.fuzzy and not m.obsolete)
            used += _build_one(cfg, locale, doc, catalog, plan, opts, stamping)
    return plan, entries, fuzzy, used


PARALLEL_MIN = 40
"""Page x locale builds below which a sync stays in one process (starting workers costs more)."""


def jobs() -> int:
    """Worker processes for a big sync: the CPU cores, or ``PIPELINE_JOBS`` (1 = no workers)."""
    value = os.environ.get("PIPELINE_JOBS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return max(1, min(os.cpu_count() or 1, 8))


def _sync_pages_parallel(
    cfg: Config, pages: list[tuple[str, Path]], locales: tuple[str, ...], plan: Plan, progress: Progress
) -> tuple[int, int, int]:
    """``_sync_pages`` over all dirty pages, in worker processes when it pays; merged into ``plan``."""
    commit = source_commit(cfg)
    workers = jobs()
    if workers == 1 or len(pages) * max(len(locales), 1) < PARALLEL_MIN or len(pages) < 2:
        progress.start("sync", len(pages))
        parts = []
        for page in pages:
            parts.append(_sync_pages(cfg, [page], locales, commit))
            progress.advance()
    else:
        size = max(1, len(pages) // (workers * 4))
        chunks = [pages[i : i + size] for i in range(0, len(pages), size)]
        progress.start("sync", len(pages))
        parts = []
        pool = ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),))
        with pool:
            futures = [pool.submit(_sync_pages, cfg, chunk, locales, commit) for chunk in chunks]
            for future, chunk in zip(futures, chunks, strict=True):
                parts.append(future.result())  # in page order; a worker's error is raised here
                for _ in chunk:
                    progress.advance()
    entries = fuzzy = used = 0
    for part, e, f, u in parts:
        plan.writes.update(part.writes)
        plan.stage_of.update(part.stage_of)
        plan.read.update(part.read)
        plan.page_of.update(part.page_of)
        plan.fallbacks.extend(part.fallbacks)
        plan.warnings.extend(part.warnings)
        entries, fuzzy, used = entries + e, fuzzy + f, used + u
    return entries, fuzzy, used


def _page_files(cfg: Config, name: str, file: Path, locales: Sequence[str]) -> list[str]:
    """Project-relative paths of everything one page's sync reads or writes."""
    paths = [file.relative_to(cfg.root).as_posix(), f"{cfg.locales_dir}/templates/{name}.pot"]
    for locale in locales:
        output = output_path(cfg, locale, name).relative_to(cfg.root).as_posix()
        paths += [f"{cfg.locales_dir}/{locale}/{name}.po", output]
    return [os.path.normpath(p).replace(os.sep, "/") for p in paths]


def site_title(cfg: Config) -> str:
    """The English home page's title (``index.md``), else the project folder's name."""
    for name, file in page_names(cfg):
        if name == "index":
            title = Workspace.of(cfg).document(file, name).title
            if title:
                return title
    return cfg.root.name


def last_changes(cfg: Config) -> dict[str, str]:
    """Per page name: the date (``YYYY-MM-DD``) of the last commit that changed its English file.

    Pages and ``[[messages]]`` files alike; one ``git log`` over their paths; a file with
    uncommitted changes says so. Empty when the project is not in a git repository (the
    dashboard then shows no dates).
    """
    files = dict(page_names(cfg))
    files.update((spec.name, cfg.root / spec.source) for spec in cfg.messages)
    from pipeline.git import history  # GitPython is imported only by the commands that call git

    return history.last_changes(cfg.root, cfg.source_dir, files)


def segments_of(cfg: Config, page: Page) -> tuple[Segment, ...]:
    return segment_page(page, options(cfg)).segments
