"""UI strings in inlang's message format (``messages/en.json``) <-> one PO catalog per locale.

A message file is a flat JSON object of ``key: "English text"``. Keys starting with ``$``
(``$schema``) are metadata, copied as they are; keys ending in ``__instructions`` are
notes for translators: they become ``#.`` comments of the template and never a msgid,
and they are left out of the built files (the runtime does not need them and a
translated copy would only drift, as the notes in the real Dutch file did). Every other
key is one template entry with ``msgctxt`` = the key, so equal English strings under
different keys stay separate.

The core is pure and lives in ``pipeline.formats.inlang`` (parse, format) and
``pipeline.stages.messages`` (template, checks, build, update, import); this module is the
thin edge that reads the disk (``read_message_file``, ``import_messages``,
``message_findings``), and re-exports the core's names for its callers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ConfigError, InputError
from pipeline.formats import po
from pipeline.formats.inlang import DEFAULT_SUFFIX, Entry, JsonStyle, MessageFile, Role, format_json, parse_json, role
from pipeline.model import Catalog, Finding
from pipeline.stages.messages import (
    BuiltMessages,
    ImportResult,
    Problem,
    build_messages,
    catalog_findings,
    import_catalog,
    make_template,
    orphan_findings,
    orphan_warnings,
    placeholders,
    problems,
    template_messages,
    update_catalog,
)
from pipeline.workspace.files import current_digest, decode, display_path
from pipeline.workspace.message_sources import DEFAULT_NAME, FALLBACKS, MessageSource
from pipeline.workspace.plan import Plan, apply
from pipeline.workspace.settings import CONFIG_FILE, Config, validate_locale
from pipeline.workspace.workspace import Workspace

__all__ = [
    "DEFAULT_NAME",
    "DEFAULT_SUFFIX",
    "FALLBACKS",
    "BuiltMessages",
    "Entry",
    "ImportOutcome",
    "ImportResult",
    "JsonStyle",
    "MessageFile",
    "MessageSource",
    "Problem",
    "Role",
    "build_messages",
    "catalog_findings",
    "format_json",
    "import_catalog",
    "import_messages",
    "make_template",
    "message_findings",
    "orphan_findings",
    "orphan_warnings",
    "parse_json",
    "placeholders",
    "problems",
    "read_message_file",
    "role",
    "sources",
    "template_messages",
    "update_catalog",
]


def sources(cfg: Config) -> tuple[MessageSource, ...]:
    """The validated ``[[messages]]`` tables of the configuration (none when absent)."""
    return cfg.messages


# --------------------------------------------------------------------------- disk edge


def read_message_file(root: Path, file: Path) -> MessageFile:
    """Read and parse a message file; errors name it relative to ``root``."""
    display = display_path(root, file)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError(
            "message file does not exist", display, hint="check the path (and [[messages]] source)"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", display) from None
    text, bom = decode(data, display)
    return parse_json(text, display, bom)


def _po_file(cfg: Config, locale: str, name: str) -> Path:
    return cfg.locale_dir(locale) / f"{name}.po"


def _catalog(cfg: Config, path: Path) -> Catalog | None:
    return Workspace.of(cfg).catalog(path, display_path(cfg.root, path)) if path.is_file() else None


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What ``pipeline import --messages`` did."""

    name: str
    po_path: str
    written: bool
    result: ImportResult
    warnings: tuple[str, ...]


def _pick_source(
    cfg: Config, specs: Iterable[MessageSource], locale: str, file: Path, name: str | None
) -> MessageSource:
    specs = tuple(specs)
    if not specs:
        raise ConfigError(
            "no [[messages]] table in the configuration",
            cfg.config_path or CONFIG_FILE,
            hint='add [[messages]] with source = "messages/en.json" and output = "messages/{locale}.json"',
        )
    if name is not None:
        for spec in specs:
            if spec.name == name:
                return spec
        raise ConfigError(f"no [[messages]] table is named {name!r}", cfg.config_path or CONFIG_FILE)
    if len(specs) == 1:
        return specs[0]
    target = file.resolve()
    for spec in specs:
        if (cfg.root / spec.output_for(locale)).resolve() == target:
            return spec
    raise ConfigError(
        f"{file} is not the output of any [[messages]] table for {locale}",
        cfg.config_path or CONFIG_FILE,
        hint="with several [[messages]] tables, import each file from its output path",
    )


def import_messages(
    cfg: Config, locale: str, file: Path, merge: bool = False, name: str | None = None
) -> ImportOutcome:
    """``locales/<locale>/<name>.po`` from an existing translated message file (paired by key).

    Refuses to replace a PO file that already has translations unless ``merge`` (then only
    its gaps are filled). Computes everything first; ``apply`` writes the one file, atomically,
    and only while it still holds the bytes the decision was made on (compare and rename).
    """
    validate_locale(locale, "--locale")
    if cfg.locales and locale not in cfg.locales:
        raise ConfigError(
            f"locale {locale!r} is not among locales = {list(cfg.locales)}",
            cfg.config_path or CONFIG_FILE,
            hint="add it to locales first, so update and build carry it",
        )
    spec = _pick_source(cfg, cfg.messages, locale, file, name)
    english = read_message_file(cfg.root, cfg.root / spec.source)
    translated = read_message_file(cfg.root, file)
    template = make_template(spec, english, _catalog(cfg, cfg.templates_dir / f"{spec.name}.pot"))
    path = _po_file(cfg, locale, spec.name)
    rel = display_path(cfg.root, path)
    read = current_digest(path)  # first the bytes, then the catalog: a save in between is seen as a change
    existing = _catalog(cfg, path)
    if existing is not None and not merge and any(m.msgstr for m in existing.messages if not m.obsolete):
        raise InputError(
            "already has translations; importing would replace them",
            rel,
            hint="pass --merge to keep them and fill only the untranslated entries, or delete the file on purpose",
        )
    result = import_catalog(template, spec, translated, locale, existing)
    plan = Plan(command="import", page_of={path: spec.name}, stage_of={path: "import"})
    plan.writes[path] = po.format_po(result.catalog).encode("utf-8")
    plan.read[path] = read
    written = bool(apply(cfg, plan)[0])
    warnings = tuple(
        f"{translated.path}:{e.line}: warning: key {e.key!r} is not in {english.path}; not imported "
        "(build leaves it out)"
        for e in result.extra
    )
    return ImportOutcome(spec.name, rel, written, result, warnings)


def message_findings(cfg: Config) -> list[Finding]:
    """``check`` for message catalogs: placeholders, inline HTML and unsafe additions, per locale."""
    findings: list[Finding] = []
    specs = cfg.messages
    if not specs:
        return findings
    for locale in cfg.target_locales():
        for spec in specs:
            path = _po_file(cfg, locale, spec.name)
            catalog = _catalog(cfg, path)
            if catalog is not None:
                findings.extend(catalog_findings(catalog, display_path(cfg.root, path)))
    return sorted(findings)
