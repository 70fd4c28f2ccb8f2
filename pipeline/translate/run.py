"""``pipeline translate``: fill untranslated entries with an engine, page by page, with guard rails.

1. The catalogs as ``sync`` would write them (``project.planned_catalogs``); the entries to
   fill: untranslated ones, and with ``include_fuzzy`` fuzzy ones a machine made.
2. Each msgid protected (``protect``); the memory answers what it can; the rest is the
   plan (per locale: segments, characters, tokens, cost) and passes the spend gate.
3. Pages are sent in chunks (one engine call covers several small pages); every reply is
   remembered at once, then each page of the chunk is finished and its PO file written
   atomically. A kill loses no finished page, and the next run sends only what is missing.
4. A reply is used only if its placeholders come back exactly, it passes ``guard`` and the
   build would splice it (the build's own check, on the page with every candidate in it).
   Used, it is ``fuzzy`` with a machine mark; refused, the entry stays untranslated and
   the reason is reported.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.errors import ConfigError, InputError
from pipeline.formats import po
from pipeline.model import Catalog, Message
from pipeline.segment.walker import Document, Options, segment_page
from pipeline.stages.build import build_page, translations
from pipeline.stages.extract import is_code
from pipeline.translate import guard, mark
from pipeline.translate import settings as tsettings
from pipeline.translate.engines.base import Answer, Engine, EngineError, Job
from pipeline.translate.memory import Memory, Remembered, key
from pipeline.translate.plan import LocalePlan, cost, gate, tokens
from pipeline.translate.protect import Protected, protect, restore
from pipeline.workspace import messages, project
from pipeline.workspace.files import display_path, read_page
from pipeline.workspace.plan import Plan, apply
from pipeline.workspace.progress import SILENT, Progress
from pipeline.workspace.settings import Config, section
from pipeline.workspace.shard import Shard


@dataclass(frozen=True, slots=True)
class Request:
    """What the command line asked for."""

    locales: tuple[str, ...] = ()
    engine: str | None = None
    pages: tuple[str, ...] = ()
    include_fuzzy: bool = False
    dry_run: bool = False
    spend: float | None = None
    shard: Shard | None = None
    """``--shard I/N``: only the pages of that shard (and the ``[[messages]]`` files on shard 1)."""


@dataclass(frozen=True, slots=True)
class Rejection:
    """A machine translation that was not used, and why; the entry stays untranslated."""

    locale: str
    page: str
    po_path: str
    line: int
    msgid: str
    reason: str


@dataclass(slots=True)
class Outcome:
    """What a run did (or, with ``dry_run``, would do)."""

    engine: str
    kind: str
    plans: list[LocalePlan]
    dry_run: bool = False
    filled: int = 0
    sent: int = 0
    cached: int = 0
    characters: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    written: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Item:
    message: Message
    protected: Protected
    key: str


@dataclass(slots=True)
class _Page:
    locale: str
    name: str
    file: Path
    catalog: Catalog
    items: list[_Item]
    messages: bool = False
    """A ``[[messages]]`` catalog (UI strings), checked as its build checks them."""
    read: str | None = None
    """``files.digest`` of the PO file as planning read it: written only while it still holds that."""


def run(cfg: Config, request: Request, progress: Progress = SILENT) -> Outcome:
    """Plan, gate, translate and write; see the module's docstring."""
    settings = tsettings.load(cfg)
    engine = tsettings.engine(cfg, settings, request.engine)
    locales = _locales(cfg, request.locales)
    names = _pages(cfg, request.pages)
    message_names = {spec.name: cfg.root / spec.source for spec in messages.sources(cfg)}
    names += [(name, file) for name, file in message_names.items() if _chosen(name, request.pages)]
    if request.shard is not None:
        shard = request.shard
        names = [(n, f) for n, f in names if (shard.owns_global if n in message_names else shard.owns(n))]
    source = str(section(cfg, "site").get("source_locale", "en"))
    memory = Memory.load(cfg.root)
    planned = project.planned_catalogs(cfg)
    work: dict[str, list[_Page]] = {}
    plans: list[LocalePlan] = []
    for locale in locales:
        model = engine.model_for(locale)
        glossary = settings.glossary(locale)
        context = (engine.identity(), model, settings.instructions_for(locale), settings.glossary_digest(locale))
        pages: list[_Page] = []
        for name, file in names:
            catalog = planned.catalogs.get((locale, name))
            if catalog is None:
                continue
            items = [
                _Item(m, p, key(*context, locale, p.text))
                for m in catalog.messages
                if _wanted(m, request.include_fuzzy)
                for p in (protect(m.msgid, glossary),)
            ]
            if items:
                read = planned.plan.read.get(project.po_path(cfg, locale, name))
                pages.append(_Page(locale, name, file, catalog, items, name in message_names, read))
        work[locale] = pages
        plans.append(_plan(locale, pages, memory, engine))
    outcome = Outcome(engine.name, engine.kind, plans, request.dry_run)
    if request.dry_run:
        return outcome
    gate(plans, settings.max_spend, request.spend, engine.name)
    opts = project.options(cfg)
    for locale in locales:
        pages = work[locale]
        progress.start(f"translate {locale}", len(pages))
        instructions = settings.instructions_for(locale)
        for chunk in _chunks(pages, memory, engine):
            fresh = _send(engine, chunk, memory, source, locale, instructions, outcome)
            for page in chunk:
                _finish(cfg, page, memory, fresh, engine, opts, outcome)
                progress.advance()
    return outcome


FRAGMENT = "part of a Svelte expression that spans several segments (code, not prose): translate it by hand"


def _sendable(item: _Item) -> bool:
    return item.protected.has_prose and not item.protected.fragment


def _wanted(m: Message, include_fuzzy: bool) -> bool:
    if m.obsolete or m.msgid_plural is not None or not m.msgid or is_code(m):
        return False  # a code block (``[segment] code_blocks``) is for people, not engines
    if not m.msgstr:
        return True
    return include_fuzzy and mark.machine_made(m)


def _locales(cfg: Config, wanted: Sequence[str]) -> tuple[str, ...]:
    known = cfg.target_locales()
    for locale in wanted:
        if locale not in known:
            raise ConfigError(
                f"locale {locale!r} is not one of this project's locales ({', '.join(known) or 'none'})",
                hint="check the spelling, or add it to 'locales' in pipeline.toml",
            )
    return tuple(loc for loc in known if not wanted or loc in wanted)


def _pages(cfg: Config, globs: Sequence[str]) -> list[tuple[str, Path]]:
    """Pages whose names match any glob (all without globs); a glob that matches nothing is an error."""
    pages = project.page_names(cfg)
    if not globs:
        return pages
    known = [name for name, _ in pages] + [spec.name for spec in messages.sources(cfg)]
    prefix = cfg.source.rstrip("/") + "/"
    for pattern in globs:
        pattern = pattern.replace("\\", "/").removeprefix("./").removeprefix(prefix).removesuffix(".md")
        if not any(fnmatch.fnmatchcase(name, pattern) for name in known):
            raise InputError(f"no page matches {pattern!r}", hint="give a page name or glob such as 'faq' or 'news/*'")
    return [(name, file) for name, file in pages if _chosen(name, globs)]


def _chosen(name: str, globs: Sequence[str]) -> bool:
    return not globs or any(
        fnmatch.fnmatchcase(name, g.replace("\\", "/").removeprefix("./").removesuffix(".md")) for g in globs
    )


def _plan(locale: str, pages: list[_Page], memory: Memory, engine: Engine) -> LocalePlan:
    send: dict[str, int] = {}
    segments = 0
    for page in pages:
        for item in page.items:
            segments += 1
            if _sendable(item) and memory.get(item.key) is None:
                send.setdefault(item.key, len(item.protected.text))
    characters = sum(send.values())
    n_tokens = tokens(characters, len(send), engine.batch_size)
    return LocalePlan(
        locale,
        len(pages),
        segments,
        len(send),
        segments - len(send),
        characters,
        n_tokens,
        cost(n_tokens, engine.price),
    )


def _chunks(pages: list[_Page], memory: Memory, engine: Engine) -> list[list[_Page]]:
    """Pages grouped so one engine call carries about a batch per worker; small pages share."""
    size = max(1, engine.batch_size) * max(1, getattr(engine, "concurrency", 1))
    chunks: list[list[_Page]] = []
    current: list[_Page] = []
    count = 0
    for page in pages:
        current.append(page)
        count += sum(1 for i in page.items if _sendable(i) and memory.get(i.key) is None)
        if count >= size:
            chunks.append(current)
            current, count = [], 0
    if current:
        chunks.append(current)
    return chunks


def _send(
    engine: Engine,
    chunk: list[_Page],
    memory: Memory,
    source: str,
    locale: str,
    instructions: str,
    outcome: Outcome,
) -> dict[str, Answer]:
    """Ask the engine for what the memory does not know; remember every complete reply at once."""
    texts: dict[str, str] = {}
    for page in chunk:
        for item in page.items:
            if _sendable(item) and memory.get(item.key) is None:
                texts.setdefault(item.key, item.protected.text)
    if not texts:
        return {}
    keys = list(texts)
    try:
        answers = engine.translate([Job([texts[k] for k in keys], source, locale, instructions)])[0]
    except EngineError as exc:
        where = "" if f"locale {locale}" in exc.message else f", locale {locale}"
        raise EngineError(
            f"{exc.message}{where}; {len(outcome.written)} PO files written before it stopped",
            exc.path,
            exc.line,
            exc.hint + "; a new run sends only what is missing",
        ) from None
    outcome.sent += len(keys)
    outcome.characters += sum(len(t) for t in texts.values())
    today = mark.today()
    memory.add(
        [(k, Remembered(a.text, today)) for k, a in zip(keys, answers, strict=True) if a.text is not None and a.keep]
    )
    return dict(zip(keys, answers, strict=True))


def _finish(
    cfg: Config,
    page: _Page,
    memory: Memory,
    fresh: dict[str, Answer],
    engine: Engine,
    opts: Options,
    outcome: Outcome,
) -> None:
    """Check every reply of one page, splice-test them together, write the PO file."""
    model = engine.model_for(page.locale)
    candidates: dict[tuple[str | None, str], tuple[str, str]] = {}  # key -> (msgstr, date)
    refused: dict[tuple[str | None, str], str] = {}
    for item in page.items:
        m = item.message
        if item.protected.fragment:
            refused[m.key] = FRAGMENT
            continue
        if not item.protected.has_prose:  # nothing to translate: the English as it is
            remembered: Remembered | None = Remembered(item.protected.text, mark.today())
        else:
            remembered = memory.get(item.key)
        if remembered is None:
            answer = fresh.get(item.key)
            refused[m.key] = answer.reason if answer is not None else "the engine gave no answer"
            continue
        if item.key not in fresh and item.protected.has_prose:
            outcome.cached += 1
        restored = restore(remembered.reply, item.protected)
        if restored.text is None:
            refused[m.key] = restored.reason
            continue
        why = guard.reason(m.msgid, item.protected, remembered.reply, restored.text)
        if why is not None:
            refused[m.key] = why
            continue
        candidates[m.key] = (restored.text, remembered.date)
    if page.messages:  # UI strings: the message build's own check, entry by entry
        for k, (text, _date) in list(candidates.items()):
            found = messages.problems(k[1], text)
            if found:
                del candidates[k]
                refused[k] = f"the build would refuse it ([{found[0].code}] {found[0].message})"
    elif candidates:
        doc = _document(cfg, page, opts)
        table = translations(page.catalog)
        table.update({k: v[0] for k, v in candidates.items()})
        for seg, reason in build_page(doc, table, opts).fallbacks:
            k = (seg.msgctxt, seg.msgid)
            if k in candidates:
                del candidates[k]
                refused[k] = f"the build would refuse it ({reason})"
    entries: list[Message] = []
    for m in page.catalog.messages:
        chosen = candidates.get(m.key) if not m.obsolete else None
        entries.append(m if chosen is None else _machine(m, chosen[0], chosen[1], engine.name, model))
    catalog = replace(page.catalog, messages=tuple(entries))
    text = po.format_po(catalog)
    path = project.po_path(cfg, page.locale, page.name)
    rel = display_path(cfg.root, path)
    changed = [m for m, old in zip(entries, page.catalog.messages, strict=True) if m is not old]
    outcome.filled += len(changed)
    if changed:  # a translator's save since planning read the file is kept: apply refuses to replace it
        plan = Plan(command="translate", page_of={path: page.name}, stage_of={path: "translate"})
        plan.writes[path] = text.encode("utf-8")
        if page.read is not None:
            plan.read[path] = page.read
        if apply(cfg, plan)[0]:
            outcome.written.append(rel)
    if refused:
        lines = {m.key: m.msgstr_lineno or m.lineno for m in po.parse_po(text, rel).messages if not m.obsolete}
        for m in page.catalog.messages:
            if m.key in refused and not m.obsolete:
                outcome.rejected.append(
                    Rejection(page.locale, page.name, rel, lines.get(m.key, 0), m.msgid, refused[m.key])
                )


def _document(cfg: Config, page: _Page, opts: Options) -> Document:
    return segment_page(read_page(cfg.root, page.file, page.name), opts)


def _machine(m: Message, msgstr: str, date: str, engine: str, model: str) -> Message:
    """The entry filled by a machine: fuzzy, marked; an unchanged mark (and its date) is kept."""
    old = mark.parse(m)
    if (
        m.msgstr == msgstr
        and m.fuzzy
        and old is not None
        and (old.msgstr, old.msgid)
        == (
            mark.digest(msgstr),
            mark.digest(m.msgid),
        )
    ):
        return m
    comments = (*mark.without_mark(m.comments), mark.comment(engine, model, date, m.msgid, msgstr))
    flags = m.flags if "fuzzy" in m.flags else ("fuzzy", *m.flags)
    return replace(m, msgstr=msgstr, flags=flags, comments=comments, previous_msgid=None, previous_msgctxt=None)


# --------------------------------------------------------------------------- reporting (data for the CLI)


def outcome_data(outcome: Outcome) -> dict[str, object]:
    """The ``--format json`` object."""
    return {
        "engine": outcome.engine,
        "kind": outcome.kind,
        "dry_run": outcome.dry_run,
        "filled": outcome.filled,
        "rejected": len(outcome.rejected),
        "sent": outcome.sent,
        "cached": outcome.cached,
        "characters": outcome.characters,
        "written": outcome.written,
        "plan": [
            {
                "locale": p.locale,
                "pages": p.pages,
                "segments": p.segments,
                "send": p.send,
                "cached": p.cached,
                "characters": p.characters,
                "tokens": p.tokens,
                "cost": round(p.cost, 4),
            }
            for p in outcome.plans
        ],
        "rejections": [
            {
                "locale": r.locale,
                "page": r.page,
                "path": r.po_path,
                "line": r.line,
                "msgid": r.msgid,
                "reason": r.reason,
            }
            for r in outcome.rejected
        ],
    }


def plan_table(outcome: Outcome) -> str:
    """The plan, one line per locale (what ``--dry-run`` prints)."""
    head = (
        f"{'locale':8} {'pages':>6} {'segments':>9} {'to send':>8} {'cached':>7} {'characters':>11} "
        f"{'tokens':>9} {'cost':>8}\n"
    )
    rows = [
        f"{p.locale:8} {p.pages:>6} {p.segments:>9} {p.send:>8} {p.cached:>7} {p.characters:>11,} {p.tokens:>9,} "
        f"{p.cost:>8.2f}\n"
        for p in outcome.plans
    ]
    return head + "".join(rows)


def summary(outcome: Outcome) -> str:
    if outcome.dry_run:
        total = sum(p.cost for p in outcome.plans)
        return (
            f"translate (dry run, engine {outcome.engine}): would send {sum(p.send for p in outcome.plans)} segments, "
            f"{sum(p.characters for p in outcome.plans):,} characters, estimated cost {total:.2f}; nothing sent"
        )
    return (
        f"translate (engine {outcome.engine}): {outcome.filled} filled, {len(outcome.rejected)} rejected; "
        f"{outcome.sent} segments sent ({outcome.characters:,} characters), {outcome.cached} from memory; "
        f"{len(outcome.written)} PO files written"
    )
