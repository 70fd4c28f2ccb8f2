"""The CI gate: findings for catalogs ``sync`` would change, and for each locale's policy.

``findings(cfg)`` computes templates and catalogs for the current English in memory (the
project's own plan functions, so exactly what ``sync`` would write) and writes nothing, like
babel's ``--check``. Policy, in ``pipeline.toml``::

    [check]
    fail_on = ["stale-catalog", "fuzzy", "untranslated"]   # default: ["stale-catalog"]
    min_translated = 0.9                                    # share of words, per page; default 0

    [check.locales.de]                                      # per-locale override
    fail_on = ["stale-catalog"]

A finding whose code is in the locale's ``fail_on`` is an error (``pipeline check`` exits 1);
a stale catalog not in it is a warning, and fuzzy or untranslated entries not in it are not
reported (``status`` shows progress). A page below ``min_translated`` is always an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.check.options import FUZZY, STALE, UNTRANSLATED, Policy
from pipeline.formats import po
from pipeline.model import Catalog, Counts, Finding, Message, Severity
from pipeline.status.stats import count, words
from pipeline.workspace.dialect import page_file
from pipeline.workspace.files import display_path
from pipeline.workspace.project import SyncPlan, catalog_changes, plan_sync, po_path, read_catalog, template_path
from pipeline.workspace.workspace import Workspace

if TYPE_CHECKING:
    from pipeline.workspace.settings import Config

MIN_TRANSLATED = "min-translated"
ORPHANED = "orphaned-catalog"

_SYNC_HINT = "run 'pipeline sync' and commit the result"


# --------------------------------------------------------------------------- findings


def findings(cfg: Config) -> list[Finding]:
    """Everything the gate reports for the project, sorted by place; writes nothing."""
    planned = plan_sync(cfg, by_entries=True)
    rules = cfg.check.policies(planned.locales)
    out = _stale(cfg, planned, rules)
    for (locale, name), catalog in sorted(planned.catalogs.items()):
        out.extend(_policy_findings(cfg, planned, locale, name, catalog, rules[locale]))
    out.extend(_orphans(cfg, planned))
    return sorted(out)


def _severity(code: str, rule: Policy) -> Severity:
    return Severity.ERROR if code in rule.fail_on else Severity.WARNING


def _locale_of(cfg: Config, path: Path, locales: tuple[str, ...]) -> str | None:
    for locale in locales:
        if path.is_relative_to(cfg.locale_dir(locale)):
            return locale
    return None


def _stale(cfg: Config, planned: SyncPlan, rules: dict[str, Policy]) -> list[Finding]:
    out: list[Finding] = []
    templates = {template_path(cfg, name): name for name in planned.templates}
    pos = {po_path(cfg, locale, name): name for (locale, name) in planned.catalogs}
    strictest = Policy(frozenset(c for r in rules.values() for c in r.fail_on)) if rules else Policy()
    for path in catalog_changes(cfg, planned):
        rel = display_path(cfg.root, path)
        new = planned.plan.writes.get(path)
        old = Workspace.of(cfg).read_bytes(path) if path.exists() else None
        locale = _locale_of(cfg, path, planned.locales)
        rule = rules.get(locale, strictest) if locale else strictest
        name = templates.get(path) or pos.get(path)
        page = display_path(cfg.root, page_file(cfg, cfg.source_dir, name)) if name else "its page"
        kind = "template" if path.suffix == ".pot" else "catalog"
        if new is None:
            message = f"{kind} of a page that is gone from {cfg.source}/; sync removes it"
        elif old is None:
            message = f"no {kind} for {page} yet"
        else:
            message = f"{kind} not updated for the current English of {page}"
        line = _first_difference(old, new) if old is not None and new is not None else 0
        out.append(Finding(rel, line, 0, STALE, _severity(STALE, rule), message, _SYNC_HINT))
    return out


def _first_difference(old: bytes, new: bytes) -> int:
    """Line (in the file on disk) where ``new`` first differs, preferring the entries to the header."""
    a, b = old.splitlines(), new.splitlines()
    header = a.index(b"") if b"" in a else 0
    differing = [n for n, (x, y) in enumerate(zip(a, b, strict=False), 1) if x != y]
    after = [n for n in differing if n > header]
    if after:
        return after[0]
    if len(a) != len(b):
        return min(len(a), len(b)) + 1
    return differing[0] if differing else 1


def _policy_findings(
    cfg: Config, planned: SyncPlan, locale: str, name: str, catalog: Catalog, rule: Policy
) -> list[Finding]:
    path = po_path(cfg, locale, name)
    rel = display_path(cfg.root, path)
    counts = count(catalog)
    out: list[Finding] = []
    if FUZZY in rule.fail_on or UNTRANSLATED in rule.fail_on:
        out += _progress_findings(cfg, planned, path, rel, catalog, counts, rule)
    if rule.min_translated > 0 and counts.share < rule.min_translated:
        out.append(
            Finding(
                rel,
                0,
                0,
                MIN_TRANSLATED,
                Severity.ERROR,
                f"{counts.share:.0%} of the English words translated, below min_translated = {rule.min_translated:.0%}",
                "translate more of the page (fuzzy entries do not count until reviewed)",
            )
        )
    return out


def _progress_findings(
    cfg: Config, planned: SyncPlan, path: Path, rel: str, catalog: Catalog, counts: Counts, rule: Policy
) -> list[Finding]:
    """Fuzzy and untranslated entries, for a locale whose policy fails on them; lines as sync writes them."""
    # the lines as the file will be: as sync writes it, or (its entries unchanged) as it is on disk
    data = planned.plan.writes.get(path)  # parsed only here: most policies never need its lines
    on_disk = read_catalog(cfg, path) if data is None else None  # already read, once, by the plan
    written = po.parse_po(data.decode("utf-8"), rel) if data is not None else on_disk or catalog
    active = [m for m in written.messages if not m.obsolete]
    fuzzy = [m for m in active if m.fuzzy and (m.msgstr or any(m.msgstr_plural))]
    untranslated = [m for m in active if not m.translated and not (m.fuzzy and (m.msgstr or any(m.msgstr_plural)))]
    out: list[Finding] = []
    # fuzzy and untranslated entries are progress, shown by `status`; they are findings only
    # where a locale's policy makes them fail the gate (reporting them everywhere would turn
    # every pull request of a partly translated site into a wall of warnings)
    if fuzzy and FUZZY in rule.fail_on:
        out.append(
            Finding(
                rel,
                _line(fuzzy),
                0,
                FUZZY,
                _severity(FUZZY, rule),
                f"{_n(len(fuzzy), 'fuzzy entry', 'fuzzy entries')} ({_n(_words(fuzzy), 'word')}): "
                "the English changed since they were translated",
                "check each one, fix it and remove its fuzzy flag, then run 'pipeline sync'",
            )
        )
    if untranslated and UNTRANSLATED in rule.fail_on:
        size = f"{_n(len(untranslated), 'entry', 'entries')} ({_n(_words(untranslated), 'word')})"
        if counts.translated + counts.fuzzy == 0:
            message = f"page not translated yet: {size}"
        else:
            message = f"{_n(len(untranslated), 'untranslated entry', 'untranslated entries')} "
            message += f"({_n(_words(untranslated), 'word')})"
        out.append(
            Finding(
                rel,
                _line(untranslated),
                0,
                UNTRANSLATED,
                _severity(UNTRANSLATED, rule),
                message,
                "translate the empty msgstr entries, then run 'pipeline sync'",
            )
        )
    return out


def _line(messages: list[Message]) -> int:
    return min((m.lineno for m in messages if m.lineno), default=0)


def _words(messages: list[Message]) -> int:
    return sum(words(m.msgid) for m in messages)


def _n(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def _orphans(cfg: Config, planned: SyncPlan) -> list[Finding]:
    out: list[Finding] = []
    for locale in planned.locales:
        folder = cfg.locale_dir(locale)
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.po")):
            name = path.relative_to(folder).with_suffix("").as_posix()
            if name not in planned.templates:
                out.append(
                    Finding(
                        display_path(cfg.root, path),
                        0,
                        0,
                        ORPHANED,
                        Severity.WARNING,
                        f"no English page {cfg.source}/{name}{_any_of(cfg.dialect.extensions)} any more; "
                        "its translations are kept here",
                        "delete the file on purpose once they are no longer needed",
                    )
                )
    return out


def _any_of(extensions: tuple[str, ...]) -> str:
    """``.md``, or ``{.md,.mdx}`` where pages have several extensions (which one a gone page had is unknown)."""
    return extensions[0] if len(extensions) == 1 else "{" + ",".join(extensions) + "}"
