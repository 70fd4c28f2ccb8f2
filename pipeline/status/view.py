"""Status rows -> what people and scripts read: a rich table, or JSON (``status.schema.json``).

Pure functions of the rows (``status.rows.PageStatus``): selecting, totalling, naming a page's
state, rendering. The CLI owns the console; the dashboard uses the same states and totals,
so the terminal, the JSON and the HTML page can never disagree.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Sequence
from importlib import resources
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.errors import ConfigError, InputError
from pipeline.model import Counts
from pipeline.status.rows import STATE_ORDER as STATE_ORDER
from pipeline.status.rows import LocaleTotal as LocaleTotal
from pipeline.status.rows import PageStatus, State, totals
from pipeline.wording import counted

SCHEMA_FILE = "status.schema.json"
SCHEMA_ID = "urn:pipeline:status-schema:2"
"""``$id`` of the schema, repeated in every document's ``schema`` field (bumped on breaking changes)."""


def state(row: PageStatus) -> State:
    """``done`` when every entry is translated; fuzzy entries make it ``needs review``."""
    return row.state


def words_left(c: Counts) -> int:
    """English words still to translate or review."""
    return c.fuzzy_words + c.untranslated_words


def percent(c: Counts) -> str:
    """Translated share of words as people read it: ``87.3%`` (never 100% before it is done)."""
    total = c.total_words
    if total == 0:
        return "100%"
    value = 100 * c.translated_words / total
    if c.translated_words < total:
        value = min(value, 99.9)
    text = f"{value:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


# --------------------------------------------------------------------------- selection


def select(rows: Sequence[PageStatus], locales: Sequence[str] = (), pages: Sequence[str] = ()) -> list[PageStatus]:
    """Rows of the given locales and of pages matching any glob (``campaigns/*``, ``faq``, ``*.md`` paths).

    A locale that is not configured, or a glob that matches no page, is a usage error: a
    typo must not look like "nothing to do".
    """
    known = list(dict.fromkeys(r.locale for r in rows))
    for locale in locales:
        if locale not in known:
            raise ConfigError(
                f"locale {locale!r} is not one of this project's locales ({', '.join(known) or 'none'})",
                hint="check the spelling, or add it to 'locales' in pipeline.toml",
            )
    names = sorted({r.page for r in rows})
    chosen: set[str] = set(names)
    if pages:
        chosen = set()
        for pattern in pages:
            hits = {n for n in names if _matches(n, pattern)}
            if not hits:
                raise InputError(
                    f"no page matches {pattern!r}",
                    hint="give a page name or glob such as 'faq' or 'campaigns/*' (see 'pipeline status')",
                )
            chosen |= hits
    return [r for r in rows if (not locales or r.locale in locales) and r.page in chosen]


def _matches(name: str, pattern: str) -> bool:
    """A page name against a glob; ``./`` and a ``.md`` suffix are ignored."""
    pattern = pattern.replace("\\", "/").removeprefix("./").removesuffix(".md")
    return fnmatch.fnmatchcase(name, pattern)


# --------------------------------------------------------------------------- JSON


def _counts_json(c: Counts) -> dict[str, Any]:
    return {
        "translated": c.translated,
        "fuzzy": c.fuzzy,
        "machine": c.machine,
        "untranslated": c.untranslated,
        "obsolete": c.obsolete,
        "words": {
            "translated": c.translated_words,
            "fuzzy": c.fuzzy_words,
            "machine": c.machine_words,
            "untranslated": c.untranslated_words,
            "total": c.total_words,
        },
        "words_left": words_left(c),
        "share": round(c.share, 4),
    }


def status_data(rows: Sequence[PageStatus]) -> dict[str, Any]:
    """The JSON document of ``status --format json``; ``status.schema.json`` describes it."""
    return {
        "schema": SCHEMA_ID,
        "locales": [
            {
                "locale": t.locale,
                "pages": t.pages,
                "states": {s.value: t.states[s] for s in reversed(State)},
                "review_words": t.review_words,
                **_counts_json(t.counts),
            }
            for t in totals(rows)
        ],
        "pages": [
            {
                "locale": r.locale,
                "page": r.page,
                "kind": r.kind,
                "exists": r.exists,
                "state": r.state.value,
                **_counts_json(r.counts),
                "review_words": r.review_words,
                "stale_catalog": r.stale_catalog,
                "source_commit": r.source_commit,
                "translated_commit": r.translated_commit,
                "changes": [{"commit": c.commit, "date": c.date, "summary": c.summary} for c in r.changes],
                "newest_change": r.changes[0].date if r.changes else None,
            }
            for r in rows
        ],
    }


def status_json(rows: Sequence[PageStatus]) -> str:
    return json.dumps(status_data(rows), indent=2, ensure_ascii=False) + "\n"


def schema() -> dict[str, Any]:
    """The JSON Schema of ``status --format json`` (shipped with the package)."""
    text = resources.files("pipeline.status").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


# --------------------------------------------------------------------------- table

_STYLE = {
    State.DONE: "green",
    State.IN_PROGRESS: "cyan",
    State.FUZZY: "yellow",
    State.NOT_STARTED: "red",
    State.MISSING: "red dim",
}


def _cell(c: Counts, st: State | None) -> Text:
    text = Text()
    text.append(percent(c), style=_STYLE[st] if st is not None else "bold")
    if st is State.MISSING:
        text.append("  no PO file", style="dim")
        return text
    if c.fuzzy:
        machine = f" ({c.machine} machine)" if c.machine else ""
        text.append(f"  {c.fuzzy} fuzzy{machine}", style="yellow")
    if c.untranslated:
        text.append(f"  {c.untranslated} untranslated", style="red" if c.translated == 0 else "")
    return text


def _page_cell(r: PageStatus) -> Text:
    text = _cell(r.counts, state(r))
    if r.changes:  # the English changed since this translation was last complete
        text.append(f"  English changed ({len(r.changes)})", style="magenta")
    if r.stale_catalog:
        text.append("  not synced", style="magenta")
    return text


def table(rows: Sequence[PageStatus], fancy: bool) -> Table:
    """One row per page, one column per locale (share of words, fuzzy and untranslated entries), totals last."""
    locales = list(dict.fromkeys(r.locale for r in rows))
    grid: dict[str, dict[str, PageStatus]] = {}
    for r in rows:
        grid.setdefault(r.page, {})[r.locale] = r
    t = Table(
        box=box.SIMPLE_HEAD if fancy else None,
        show_footer=bool(rows),
        pad_edge=False,
        header_style="bold" if fancy else "",
        footer_style="bold" if fancy else "",
    )
    sums = {x.locale: x for x in totals(rows)}
    t.add_column("page", footer="total", no_wrap=True)
    for locale in locales:
        total = sums[locale]
        footer = _cell(total.counts, None)
        footer.append(f"  {total.done}/{total.pages} pages done", style="")
        t.add_column(locale, footer=footer, no_wrap=not fancy)
    for page in sorted(grid):
        cells = [grid[page].get(locale) for locale in locales]
        t.add_row(page, *[_page_cell(r) if r else Text("") for r in cells])
    return t


def details(r: PageStatus) -> str:
    """What an outdated row adds: words to review and the English commits behind."""
    text = f"{r.locale}  {r.page}  {r.state}: {r.review_words} words to review"
    if r.changes:
        oldest, newest = r.changes[-1], r.changes[0]
        span = newest.commit[:7] if oldest is newest else f"{oldest.commit[:7]}..{newest.commit[:7]}"
        commits = counted(len(r.changes), "commit")
        text += f", English changed in {span} ({commits}), newest {newest.date[:10]}"
    if r.stale_catalog:
        text += " (catalog not synced)"
    return text


def summary(rows: Sequence[PageStatus]) -> list[str]:
    """Lines under the table: English changes behind outdated pages, then pages per state in each locale."""
    lines = [details(r) for r in rows if r.state.outdated and (r.changes or r.stale_catalog)]
    for t in totals(rows):
        states = ", ".join(f"{t.states[s]} {s.value}" for s in reversed(State) if t.states[s])
        lines.append(f"{t.locale}: {states}; {percent(t.counts)} of words translated, {t.review_words} words to review")
    return lines


def render(rows: Sequence[PageStatus], console: Console) -> None:
    """Print the status table: colours and box lines on a terminal, plain columns when piped."""
    if not rows:
        console.print("no pages (run 'pipeline sync' to create the catalogs)")
        return
    if console.is_terminal:
        console.print(table(rows, fancy=True))
        for line in summary(rows):
            console.print(line, highlight=False)
        return
    with console.capture() as captured:
        console.print(table(rows, fancy=False))
    console.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
    console.file.write("".join(line + "\n" for line in summary(rows)))


def console_for(file: Any, *, terminal: bool | None = None) -> Console:
    """A console on ``file``: a terminal gets colours; a pipe gets plain text, never wrapped."""
    tty = bool(getattr(file, "isatty", lambda: False)()) if terminal is None else terminal
    if tty:
        return Console(file=file, force_terminal=True, highlight=False)
    return Console(file=file, force_terminal=False, no_color=True, highlight=False, width=10_000, soft_wrap=True)
