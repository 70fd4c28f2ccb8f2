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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import ConfigError, InputError
from pipeline.lazy import lazy, load
from pipeline.model import Catalog, Finding, Message, Page, Segment, Severity
from pipeline.wording import counted as _count
from pipeline.workspace.dialect import dialect, page_file
from pipeline.workspace.files import (
    ABSENT,
    digest,
    display_path,
    page_bytes,
)
from pipeline.workspace.incremental import Cache
from pipeline.workspace.paths import check_references, inside
from pipeline.workspace.plan import FALLBACK as FALLBACK  # the plan and its writer, re-exported
from pipeline.workspace.plan import Fallback as Fallback
from pipeline.workspace.plan import Outcome as Outcome
from pipeline.workspace.plan import Plan as Plan
from pipeline.workspace.plan import StageNote as StageNote
from pipeline.workspace.plan import apply as apply
from pipeline.workspace.progress import SILENT, Progress
from pipeline.workspace.settings import CONFIG_FILE, Config
from pipeline.workspace.shard import Shard, owns_path
from pipeline.workspace.sources import PAGE, SourceKind, kind_of
from pipeline.workspace.workers import die_with_parent
from pipeline.workspace.workspace import Workspace

# the stages load on first use: a no-op sync (the cache says every page is clean) runs none of them
if TYPE_CHECKING:
    from pipeline.formats import po
    from pipeline.git import committed
    from pipeline.git import lock as git_lock
    from pipeline.segment import walker
    from pipeline.segment.walker import Document, Options
    from pipeline.stages import build, merge, stamp
    from pipeline.stages import extract as extracting
    from pipeline.stages.build import Placement
    from pipeline.stages.update_options import UpdateOptions
    from pipeline.translate import mark
    from pipeline.workspace import messages
else:
    po = lazy("pipeline.formats.po")
    committed = lazy("pipeline.git.committed")
    git_lock = lazy("pipeline.git.lock")
    walker = lazy("pipeline.segment.walker")
    build = lazy("pipeline.stages.build")
    extracting = lazy("pipeline.stages.extract")
    merge = lazy("pipeline.stages.merge")
    stamp = lazy("pipeline.stages.stamp")
    mark = lazy("pipeline.translate.mark")
    messages = lazy("pipeline.workspace.messages")

ORPHANED_CATALOG = "orphaned-catalog"
"""Code of the warning for a PO file whose page is gone (kept with its translations)."""


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
    entries = extracting.template_messages(doc)
    old = _old_template(cfg, path, entries)
    tpl = extracting.template_catalog(doc.page.name, doc.page.path, entries, old, commit=commit)
    # a template is ours alone (translators edit PO files): any other byte of it is stale
    plan.writes[path] = po.format_po(tpl).encode("utf-8")
    plan.stage_of[path] = "extract"
    plan.page_of[path] = doc.page.name
    return tpl


def _plan_catalog(plan: Plan, path: Path, new: Catalog, old: Catalog | None) -> None:
    """Plan writing ``new`` at ``path``, unless ``old`` (given) has the same entries (``Request.by_entries``)."""
    if old is not None and po.written_form(new) == po.written_form(old):
        plan.unchanged.add(path)
    else:
        plan.writes[path] = po.format_po(new).encode("utf-8")


def _old_template(cfg: Config, path: Path, entries: tuple[Message, ...]) -> Catalog | None:
    """The template on disk, as far as ``template_catalog`` needs it.

    Its header records a hash of its messages: when that equals the hash of the messages the
    page has now, only the header is parsed (the date and commit it keeps); else the whole file.
    A template whose bytes differ from what the header implies is rewritten all the same.
    """
    if path.is_file():
        inside(cfg, path)
        data = Workspace.of(cfg).read_bytes(path)
        end = data.find(b"\n\n")
        if end > 0:
            try:
                head = po.parse_po(data[: end + 1].decode("utf-8"), display_path(cfg.root, path))
            except (InputError, UnicodeDecodeError):
                head = None  # the full read says what is wrong, and where
            recorded = head.header_value(extracting.HASH_FIELD) if head is not None and not head.messages else None
            if head is not None and recorded == extracting.content_hash(entries):
                return Catalog(header=head.header, messages=entries)
    return _read_catalog(cfg, path)


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


def _note_extract(plan: Plan, pages: int, skipped: int, entries: int) -> None:
    kept = f" ({skipped} unchanged, skipped)" if skipped else ""
    plan.notes["extract"] = f"{_count(pages, 'page')}{kept}, {_count(entries, 'entry', 'entries')}"


def _update_one(
    cfg: Config,
    locale: str,
    name: str,
    tpl: Catalog,
    plan: Plan,
    opts: UpdateOptions,
    kind: SourceKind,
    by_entries: bool = False,
) -> Catalog:
    """One catalog updated to its template, planned for writing (``by_entries``: see ``Request``)."""
    path = po_path(cfg, locale, name)
    old, read = _read_catalog_bytes(cfg, path)
    if old is not None and kind is PAGE:
        plan.warnings.extend(_plural_warnings(cfg, path, tpl, old))
    new = kind.update(tpl, old, locale, opts)
    _plan_catalog(plan, path, new, old if by_entries else None)
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
        if not m.obsolete and m.key in english and merge.plural_mismatch(english[m.key], m)
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


def _update_rest(
    cfg: Config, templates: dict[str, Catalog], locales: tuple[str, ...], plan: Plan, by_entries: bool = False
) -> dict[tuple[str, str], Catalog]:
    """The message files' PO files updated to their templates (``templates``), locale by locale."""
    catalogs: dict[tuple[str, str], Catalog] = {}
    for locale in locales:
        for name, tpl in templates.items():
            kind = kind_of(cfg, name)
            catalogs[(locale, name)] = _update_one(cfg, locale, name, tpl, plan, cfg.update, kind, by_entries)
    return catalogs


def _note_update(plan: Plan, catalogs: int, locales: tuple[str, ...], fuzzy: int) -> None:
    plan.notes["update"] = f"{catalogs} catalogs ({', '.join(locales)}), {fuzzy} fuzzy entries"


def placement(cfg: Config, locale: str, name: str) -> Placement:
    """Where ``name``'s page for ``locale`` is served and stored (what build adapts in its structure)."""
    site = cfg.site
    return build.Placement(
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
    given = build.translations(catalog, mark.publishing(cfg.raw))
    built = build.build_page(doc, given, opts, placement(cfg, locale, doc.page.name))
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
            built = messages.build_messages(spec, english, catalog, mark.publishing(cfg.raw))
            plan.writes[out] = built.data
            plan.stage_of[out] = "build"
            plan.page_of[out] = spec.name
            rel = display_path(cfg.root, po_path(cfg, locale, spec.name))
            for m, reason in built.fallbacks:
                plan.fallbacks.append(
                    Fallback(locale, spec.name, rel, m.msgstr_lineno or m.lineno, m.msgid, reason, m.msgctxt)
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
                path = cfg.root / f.po_path
                data = plan.writes.get(path)
                if data is None and path in plan.unchanged:  # sync found it already as it would write it
                    data = path.read_bytes()
                catalog = po.parse_po(data.decode("utf-8"), f.po_path) if data else None
                lines[f.po_path] = (
                    {m.key: m.msgstr_lineno or m.lineno for m in catalog.messages if not m.obsolete} if catalog else {}
                )
            line = lines[f.po_path].get((f.msgctxt, f.msgid), 0)
            f = Fallback(f.locale, f.page, f.po_path, line, f.msgid, f.reason, f.msgctxt)
        fixed.append(f)
    plan.fallbacks[:] = fixed


# --------------------------------------------------------------------------- the planner


@dataclass(frozen=True, slots=True)
class Request:
    """What a command plans: which stages run, over which pages, and how."""

    extract: bool = True
    """Templates from the English pages (else the templates on disk are read)."""
    update: bool = True
    """PO files updated to the templates (else the PO files on disk are read)."""
    build: bool = True
    """Translated pages and message files."""
    incremental: bool = False
    """Leave out the pages the incremental cache knows to be clean (their files are what sync would write)."""
    shard: Shard | None = None
    """Only this shard's pages, and only the files it owns (``pipeline.workspace.shard``)."""
    by_entries: bool = False
    """A planned PO file whose entries equal the file on disk is left out of the writes
    (``po.written_form``), unformatted: an editor may have wrapped it its own way, but nothing
    in it is stale. The CI gate's and ``status``'s rule; a sync still rewrites the layout.
    Templates are ours alone (translators never edit them): any byte of theirs counts."""
    parallel: bool = False
    """Page by page (each page's stages at once), in worker processes when it pays.

    The workers keep the templates and catalogs (only planned bytes come back), digest every
    planned file and leave out those whose bytes are already on disk (``_settle``). Else stage
    by stage in this process, locale by locale, keeping the values for the caller.
    """


SYNC = Request(incremental=True, parallel=True)
"""``sync``: extract, update and build the pages the cache does not know to be clean."""
EXTRACT = Request(update=False, build=False)
UPDATE = Request(extract=False, build=False)
BUILD = Request(extract=False, update=False)
CATALOGS = Request(build=False, incremental=True)
"""The templates and catalogs as sync would write them (report, translate)."""
STALENESS = replace(CATALOGS, by_entries=True)
"""The templates and catalogs whose entries sync would change (the CI gate, status)."""


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """What a command would do, computed in memory (nothing written): ``plan_project``'s result.

    ``plan`` holds the bytes of every file, the removals, and the notes as ``Finding``s; only
    ``apply`` writes. ``sync``, ``extract``, ``update``, ``build``, ``status``, the CI gate,
    ``report`` and ``translate`` read the project through it.
    """

    docs: list[Document]
    templates: dict[str, Catalog]
    catalogs: dict[tuple[str, str], Catalog]
    locales: tuple[str, ...]
    plan: Plan
    pages: tuple[str, ...] = ()
    """The pages (or, for ``update``, the templates) planned for: a shard's, clean ones included."""
    clean: frozenset[str] = frozenset()
    """Pages left out because the incremental cache knows their files to be what sync would write."""
    files: dict[str, list[str]] = field(default_factory=dict)
    """Per page (with ``incremental``): the project-relative files its sync reads or writes."""
    cache: Cache | None = None
    """The incremental cache the plan was made with (``incremental``), for sync to record into."""
    names: frozenset[str] = frozenset()
    """Every page's name (every template's, for ``update`` alone), whichever the shard."""


@dataclass(slots=True)
class _Part:
    """Some pages planned: the plan, counts for the notes, and (stage by stage) the values."""

    plan: Plan = field(default_factory=Plan)
    entries: int = 0
    fuzzy: int = 0
    used: int = 0
    docs: list[Document] = field(default_factory=list)
    templates: dict[str, Catalog] = field(default_factory=dict)
    catalogs: dict[tuple[str, str], Catalog] = field(default_factory=dict)


def _plan_pages(
    cfg: Config,
    names: Sequence[str],
    locales: tuple[str, ...],
    request: Request,
    commit: str | None,
    given: dict[str, Catalog] | None = None,
    progress: Progress = SILENT,
) -> _Part:
    """Plan some pages through the requested stages (``given``: the templates, for update alone).

    Everything a page needs is its English, its template and its PO files: one worker's share
    of a parallel sync (it receives page names only), or a whole command in one process.
    """
    part = _Part()
    ws = Workspace.of(cfg)
    opts, update_opts, stamping = options(cfg), cfg.update, cfg.build.stamp
    docs: dict[str, Document] = {}
    templates: dict[str, Catalog | None] = {}

    def read(name: str) -> None:
        if request.extract or request.build:
            docs[name] = ws.document(page_file(cfg, cfg.source_dir, name), name)

    def template(name: str) -> None:
        if request.extract:
            templates[name] = tpl = _extract_page(cfg, docs[name], part.plan, commit)
            part.entries += len(tpl.messages)
        elif request.update:
            templates[name] = given[name] if given is not None else _read_catalog(cfg, template_path(cfg, name))

    def update(locale: str, name: str) -> None:
        tpl = templates[name]
        if tpl is not None:
            catalog = _update_one(
                cfg, locale, name, tpl, part.plan, update_opts, kind_of(cfg, name), request.by_entries
            )
            part.catalogs[(locale, name)] = catalog
            part.fuzzy += sum(1 for m in catalog.messages if m.fuzzy and not m.obsolete)

    def build(locale: str, name: str) -> None:
        if request.update:
            catalog = part.catalogs.get((locale, name))
        else:
            catalog = _read_catalog(cfg, po_path(cfg, locale, name))
        part.used += _build_one(cfg, locale, docs[name], catalog, part.plan, opts, stamping)

    if request.parallel:  # page by page: a page's values are dropped once planned
        progress.start("sync", len(names))
        for name in names:
            read(name)
            template(name)
            for locale in locales:
                if request.update:
                    update(locale, name)
                if request.build:
                    build(locale, name)
            docs.clear()
            templates.clear()
            part.catalogs.clear()
            progress.advance()
        _settle(part.plan)
        return part
    bars = ((request.extract or request.build, "read", read), (request.extract, "extract", template))
    for shown, stage, each in bars:
        if shown:  # stage by stage, as the progress bars say
            progress.start(stage, len(names))
        for name in names:
            each(name)
            if shown:
                progress.advance()
    for stage, step in (("update", update if request.update else None), ("build", build if request.build else None)):
        if step is not None:
            progress.start(stage, len(locales) * len(names))
            for locale in locales:
                for name in names:
                    step(locale, name)
                    progress.advance()
    part.docs = list(docs.values())
    part.templates = {name: tpl for name, tpl in templates.items() if tpl is not None}
    return part


def plan_project(cfg: Config, request: Request = SYNC, progress: Progress = SILENT) -> SyncPlan:
    """The one planner: a command's templates, catalogs and outputs, with its notes as ``Finding``s.

    Pure: it reads the project and writes nothing (``apply`` does). Pages first (in worker
    processes for a big parallel plan), then what belongs to no page: the message files, the
    removals of vanished pages' files, the orphaned PO files. ``update`` alone follows the
    templates on disk, pages or not.
    """
    locales = cfg.target_locales()
    given: dict[str, Catalog] | None = None
    if request.extract or request.build:
        everything = [name for name, _ in page_names(cfg)]
    else:
        given = _templates_on_disk(cfg)
        everything = list(given)
    names = frozenset(everything)
    pages = [n for n in everything if request.shard.owns(n)] if request.shard else everything
    cache = Cache.load(cfg) if request.incremental else None
    files: dict[str, list[str]] = {}
    clean: frozenset[str] = frozenset()
    if cache is not None:
        files = {name: _page_files(cfg, name, page_file(cfg, cfg.source_dir, name), locales) for name in pages}
        clean = frozenset(name for name, paths in files.items() if cache.clean(cfg.root, name, paths))
    dirty = [name for name in pages if name not in clean]
    commit = git_lock.source_commit(cfg) if request.extract else None
    plan = Plan()
    part = _plan_parallel(cfg, dirty, locales, request, commit, plan, progress, given)
    rest: dict[str, Catalog] = {}
    if request.extract:
        rest = _extract_rest(cfg, plan, set(names))
        _note_extract(plan, len(dirty), len(clean), part.entries + sum(len(t.messages) for t in rest.values()))
    catalogs: dict[tuple[str, str], Catalog] = {}
    if request.update:
        catalogs = _update_rest(cfg, rest, locales, plan, request.by_entries)
        _orphans(cfg, locales, set(names) | rest.keys(), plan)
        fuzzy = part.fuzzy + sum(1 for c in catalogs.values() for m in c.messages if m.fuzzy and not m.obsolete)
        _note_update(plan, len(dirty) * len(locales) + len(catalogs), locales, fuzzy)
    if request.build:
        if not request.update:  # the message files' catalogs as they are on disk
            for locale in locales:
                for spec in cfg.messages:
                    found = _read_catalog(cfg, po_path(cfg, locale, spec.name))
                    if found is not None:
                        catalogs[(locale, spec.name)] = found
        _build_rest(cfg, set(names), catalogs, locales, plan)
        _note_build(plan, len(dirty) * len(locales), part.used)
        _locate_fallbacks(cfg, plan)
        if cache is not None:
            for name in sorted(clean):  # what a skipped page's last real sync had to say
                plan.fallbacks.extend(Fallback(*f) for f in cache.warnings.get(name, []))
    if request.shard is not None:
        _keep_own(cfg, plan, request.shard, frozenset(spec.name for spec in cfg.messages))
    templates = given if given is not None else {**part.templates, **rest}
    catalogs = {**part.catalogs, **catalogs}
    return SyncPlan(part.docs, templates, catalogs, locales, plan, tuple(pages), clean, files, cache, names)


PARALLEL_MIN = 40
"""Page x locale builds below which a sync stays in one process (starting workers costs more)."""


def jobs() -> int:
    """Worker processes for a big sync: the CPU cores, or ``PIPELINE_JOBS`` (1 = no workers)."""
    value = os.environ.get("PIPELINE_JOBS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return max(1, min(os.cpu_count() or 1, 8))


def _plan_parallel(
    cfg: Config,
    pages: list[str],
    locales: tuple[str, ...],
    request: Request,
    commit: str | None,
    plan: Plan,
    progress: Progress,
    given: dict[str, Catalog] | None,
) -> _Part:
    """``_plan_pages`` over ``pages``, in worker processes when it pays; merged into ``plan``."""
    workers = jobs()
    if not request.parallel or workers == 1 or len(pages) * max(len(locales), 1) < PARALLEL_MIN or len(pages) < 2:
        parts = [_plan_pages(cfg, pages, locales, request, commit, given, progress)]
    else:
        size = max(1, len(pages) // (workers * 4))
        chunks = [pages[i : i + size] for i in range(0, len(pages), size)]
        progress.start("sync", len(pages))
        parts = []
        from concurrent.futures import ProcessPoolExecutor  # a no-op sync does not pay for importing it

        load(po, walker, extracting, merge, build, stamp, mark, messages)  # the forked workers inherit them

        pool = ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),))
        with pool:
            futures = [pool.submit(_plan_pages, cfg, chunk, locales, request, commit) for chunk in chunks]
            for future, chunk in zip(futures, chunks, strict=True):
                parts.append(future.result())  # in page order; a worker's error is raised here
                for _ in chunk:
                    progress.advance()
    whole = _Part(plan)
    for part in parts:
        p = part.plan
        if p is not plan:
            plan.writes.update(p.writes)
            plan.unchanged.update(p.unchanged)
            plan.digests.update(p.digests)
            plan.stage_of.update(p.stage_of)
            plan.read.update(p.read)
            plan.page_of.update(p.page_of)
            plan.fallbacks.extend(p.fallbacks)
            plan.warnings.extend(p.warnings)
        whole.entries += part.entries
        whole.fuzzy += part.fuzzy
        whole.used += part.used
        whole.docs += part.docs
        whole.templates.update(part.templates)
        whole.catalogs.update(part.catalogs)
    return whole


def _settle(plan: Plan) -> None:
    """Digest every planned file and drop those whose bytes are already on disk.

    Done in the worker, beside the work: the main process then neither receives nor
    re-reads unchanged files, and the incremental cache records digests without reading
    back what was written.
    """
    for path in list(plan.writes):
        data = plan.writes[path]
        plan.digests[path] = digest(data)
        if plan.read.get(path):  # a PO file this run read: its digest says, without reading it again
            same = plan.digests[path] == plan.read[path]
        else:
            try:
                same = path.stat().st_size == len(data) and path.read_bytes() == data
            except OSError:
                same = False
        if same:
            del plan.writes[path]
            plan.unchanged.add(path)


def _keep_own(cfg: Config, plan: Plan, shard: Shard, message_names: frozenset[str]) -> None:
    """Leave in the plan only what this shard owns: the shards' outputs are disjoint."""
    for path in [p for p in plan.writes if not owns_path(cfg, shard, p, message_names)]:
        del plan.writes[path]
    plan.removals = {p for p in plan.removals if owns_path(cfg, shard, p, message_names)}
    if not shard.owns_global:
        plan.fallbacks[:] = [f for f in plan.fallbacks if f.page not in message_names]
        plan.warnings.clear()  # global notes (orphans, message files) are shard 1's to print


def _page_files(cfg: Config, name: str, file: Path, locales: Sequence[str]) -> list[str]:
    """Project-relative paths of everything one page's sync reads or writes."""
    paths = [file.relative_to(cfg.root).as_posix(), f"{cfg.locales_dir}/templates/{name}.pot"]
    for locale in locales:
        output = output_path(cfg, locale, name).relative_to(cfg.root).as_posix()
        paths += [f"{cfg.locales_dir}/{locale}/{name}.po", output]
    return [os.path.normpath(p).replace(os.sep, "/") for p in paths]


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


# --------------------------------------------------------------------------- commands


def extract(cfg: Config, progress: Progress = SILENT) -> Outcome:
    planned = plan_project(cfg, EXTRACT, progress)
    return _outcome(cfg, planned.plan, len(planned.pages), ())


def update_command(cfg: Config, progress: Progress = SILENT) -> Outcome:
    locales = cfg.target_locales()
    committed.refuse_cut_catalogs(cfg.root, cfg.locales_dir)
    planned = plan_project(cfg, UPDATE, progress)
    return _outcome(cfg, planned.plan, len(planned.pages), locales)


def build_command(cfg: Config, progress: Progress = SILENT) -> Outcome:
    planned = plan_project(cfg, BUILD, progress)
    return _outcome(cfg, planned.plan, len(planned.pages), planned.locales)


Planned = SyncPlan
"""The old name of :class:`SyncPlan`."""


def plan_sync(cfg: Config, by_entries: bool = False) -> SyncPlan:
    """The templates and catalogs ``sync`` would write, for ``status``, the CI gate and ``translate``.

    Pages that sync's cache knows to be clean are read from disk (their files are exactly what
    sync would write); the others are extracted and updated in memory. Nothing is written.
    ``by_entries``: the gate's and status's rule (``Request.by_entries``).
    """
    planned = plan_project(cfg, STALENESS if by_entries else CATALOGS)
    for name in sorted(planned.clean):
        template = _read_catalog(cfg, template_path(cfg, name))
        if template is not None:
            planned.templates[name] = template
        for locale in planned.locales:
            path = po_path(cfg, locale, name)
            catalog, read = _read_catalog_bytes(cfg, path)
            if catalog is not None:
                planned.catalogs[(locale, name)] = catalog
                planned.plan.read[path] = read  # what a later write (translate) expects to find
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


def sync(cfg: Config, progress: Progress = SILENT, shard: Shard | None = None) -> Outcome:
    """``plan_project`` (extract -> update -> build in memory), then ``apply``; the cache records it.

    Pages whose English, template, PO files and outputs are exactly as the last sync left them
    (``incremental.Cache``) are skipped: their result would be the same bytes. The others are
    independent of each other, so a big sync spreads them over the CPU cores. With ``shard``,
    only that shard's pages, and only the files it owns (``pipeline.workspace.shard``).
    """
    locales = cfg.target_locales()
    committed.refuse_cut_catalogs(cfg.root, cfg.locales_dir)
    planned = plan_project(cfg, replace(SYNC, shard=shard), progress)
    plan, cache, files, clean = planned.plan, planned.cache, planned.files, planned.clean
    assert cache is not None
    outcome = _outcome(cfg, plan, len(planned.pages), locales)
    outcome = replace(outcome, unchanged=outcome.unchanged + sum(len(files[name]) - 1 for name in clean))
    by_page: dict[str, list[list[object]]] = {}
    for f in plan.fallbacks:
        by_page.setdefault(f.page, []).append([f.locale, f.page, f.po_path, f.line, f.msgid, f.reason, f.msgctxt])
    digests = {p.relative_to(cfg.root).as_posix(): sha for p, sha in plan.digests.items()}
    dirty = [name for name in planned.pages if name not in clean]
    for name in dirty:
        cache.record(cfg.root, name, files[name], by_page.get(name, []), digests)  # type: ignore[arg-type]
    known = len(cache.pages)
    cache.forget_except(set(planned.names))
    # a no-op leaves it as it was, unless it had to hash files too fresh for their stamps (once)
    if dirty or known != len(cache.pages) or outcome.written or outcome.removed or cache.settled:
        cache.save()
    return outcome


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
    from pipeline.git import history  # GitPython: only the dashboard needs it, not every command's start-up

    return history.last_changes(cfg.root, cfg.source_dir, files)


def segments_of(cfg: Config, page: Page) -> tuple[Segment, ...]:
    return walker.segment_page(page, options(cfg)).segments
