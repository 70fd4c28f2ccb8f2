"""``pipeline [--root DIR] COMMAND``: the only place that prints and exits.

Exit codes: 0 ok, 1 findings or a failure a user must act on, 2 usage or config error.
Each command is a pair of functions below (``_add_<name>`` declares its arguments,
``_run_<name>`` runs it) registered in ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import __version__, project
from .config import Config, load
from .errors import PipelineError
from .worddiff import plain, word_diff

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


@dataclass(frozen=True, slots=True)
class Io:
    """Where a command writes: ``out`` for results, ``err`` for warnings and errors."""

    out: TextIO
    err: TextIO


class _Parser(argparse.ArgumentParser):
    """argparse that exits with our usage code (2) and a one-line hint."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"pipeline: error: {message}; see 'pipeline --help'\n")
        raise SystemExit(EXIT_USAGE)


# --------------------------------------------------------------------------- extract/update/build/sync


def _report(outcome: project.Outcome, stage: str, args: argparse.Namespace, io: Io) -> int:
    for warning in outcome.warnings:
        io.err.write(warning + "\n")
    for f in outcome.fallbacks:
        io.err.write(f"{f.po_path}:{f.line}: warning: [fallback] English kept: {f.reason}\n")
    if not args.quiet:
        locales = f", {len(outcome.locales)} locales ({', '.join(outcome.locales)})" if outcome.locales else ""
        io.out.write(
            f"{stage}: {outcome.pages} pages{locales}: {len(outcome.written)} written, "
            f"{len(outcome.removed)} removed, {outcome.unchanged} unchanged"
            + (f", {len(outcome.fallbacks)} translations refused" if outcome.fallbacks else "")
            + "\n"
        )
        if args.verbose:
            for path in outcome.written:
                io.out.write(f"  wrote {path}\n")
            for path in outcome.removed:
                io.out.write(f"  removed {path}\n")
    return EXIT_OK


def _add_nothing(parser: argparse.ArgumentParser) -> None:
    return None


def _run_extract(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    return _report(project.extract(cfg), "extract", args, io)


def _run_update(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    return _report(project.update_command(cfg), "update", args, io)


def _run_build(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    return _report(project.build_command(cfg), "build", args, io)


def _run_sync(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    return _report(project.sync(cfg), "sync", args, io)


# --------------------------------------------------------------------------- status


def _add_status(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--locale", action="append", help="only this locale (repeatable)")


def _run_status(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    rows = project.status(cfg)
    if args.locale:
        rows = [r for r in rows if r.locale in args.locale]
    if args.format == "json":
        data = [
            {
                "locale": r.locale,
                "page": r.page,
                "exists": r.exists,
                "translated": r.counts.translated,
                "fuzzy": r.counts.fuzzy,
                "untranslated": r.counts.untranslated,
                "words": {
                    "translated": r.counts.translated_words,
                    "fuzzy": r.counts.fuzzy_words,
                    "untranslated": r.counts.untranslated_words,
                },
                "share": round(r.counts.share, 4),
            }
            for r in rows
        ]
        io.out.write(json.dumps({"pages": data}, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    width = max([len(r.page) for r in rows] + [4])
    io.out.write(f"{'locale':6}  {'page':{width}}  {'done':>5}  {'transl':>6}  {'fuzzy':>5}  {'untr':>5}\n")
    for r in rows:
        c = r.counts
        io.out.write(
            f"{r.locale:6}  {r.page:{width}}  {c.share:>5.0%}  {c.translated:>6}  {c.fuzzy:>5}  {c.untranslated:>5}\n"
        )
    return EXIT_OK


# --------------------------------------------------------------------------- diff


def _add_diff(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("page", nargs="?", help="only this page (name as in 'status', or its .md/.po path)")
    parser.add_argument("--locale", action="append", help="only this locale (repeatable)")
    parser.add_argument("--carried", action="store_true", help="also list entries update carried automatically")
    parser.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="colours (default: on a terminal)"
    )


_DIFF_STYLE = {"equal": "", "delete": "bold red strike", "insert": "bold green underline"}


def _run_diff(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    rows = project.reviews(cfg, args.locale, args.page, args.carried)
    console = Console(
        file=io.out,
        force_terminal=True if args.color == "always" else None,
        no_color=args.color == "never" or None,
        highlight=False,
        soft_wrap=False,
    )
    colour = args.color == "always" or (args.color == "auto" and console.is_terminal and not console.no_color)
    for po_path in dict.fromkeys(r.po_path for r in rows):
        entries = [r for r in rows if r.po_path == po_path]
        if colour:
            console.print(_diff_table(po_path, entries))
        else:
            io.out.write(_diff_plain(entries))
    fuzzy = sum(1 for r in rows if not r.carried or r.previous is not None)
    carried = len(rows) - fuzzy
    files = len({r.po_path for r in rows})
    summary = (
        _count(fuzzy, "fuzzy entry", "fuzzy entries")
        + (f", {carried} carried" if args.carried else "")
        + f" in {_count(files, 'file', 'files')}\n"
    )
    if not args.quiet:
        io.out.write(summary)
    return EXIT_OK


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _english(row: project.Review) -> Text:
    """The change as a translator reads it: previous English with removals and additions marked."""
    if row.previous is None:
        return Text(row.msgid)
    text = Text()
    for op, piece in word_diff(row.previous, row.msgid):
        text.append(piece, style=_DIFF_STYLE[op])
    return text


def _diff_table(po_path: str, rows: list[project.Review]) -> Table:
    table = Table(title=po_path, title_justify="left", show_lines=True, expand=True)
    table.add_column("line", justify="right", style="dim", no_wrap=True)
    table.add_column("English: previous -> current", ratio=1)
    table.add_column(f"{rows[0].locale}: current translation", ratio=1)
    for r in rows:
        english = _english(r)
        if r.where:
            english = Text.assemble((r.where + "\n", "dim italic"), english)
        if r.carried:
            english.append("\n" + "\n".join("carried " + note for note in r.carried), style="cyan")
        table.add_row(str(r.line), english, Text(r.msgstr))
    return table


def _diff_plain(rows: list[project.Review]) -> str:
    out: list[str] = []
    for r in rows:
        state = "fuzzy" if not r.carried or r.previous is not None else "carried"
        where = f" ({r.where})" if r.where else ""
        english = plain(word_diff(r.previous, r.msgid)) if r.previous is not None else r.msgid
        out.append(f"{r.po_path}:{r.line}: {state}{where}\n")
        for note in r.carried:
            out.append(f"  carried {note}\n")
        out.append(f"  en: {english}\n  {r.locale}: {r.msgstr}\n\n")
    return "".join(out)


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    help: str
    add: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Config, argparse.Namespace, Io], int]


COMMANDS: tuple[Command, ...] = (
    Command("extract", "English pages -> locales/templates/*.pot", _add_nothing, _run_extract),
    Command("update", "templates + PO files -> updated PO files", _add_nothing, _run_update),
    Command("build", "PO files -> translated pages", _add_nothing, _run_build),
    Command("sync", "extract, update and build", _add_nothing, _run_sync),
    Command("status", "translation progress per locale and page", _add_status, _run_status),
    Command("diff", "fuzzy entries: word diff of the English beside the translation", _add_diff, _run_diff),
)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pipeline", description="Segment-level gettext translation for markdown sites.")
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder (default: current folder)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors and warnings")
    parser.add_argument("-v", "--verbose", action="store_true", help="say what each stage did")
    parser.add_argument("--version", action="version", version=f"pipeline {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        command.add(sub.add_parser(command.name, help=command.help, description=command.help))
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one command; return its exit code (tests call this directly)."""
    io = Io(out or sys.stdout, err or sys.stderr)
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(io.out)
        return EXIT_USAGE
    command = next(c for c in COMMANDS if c.name == args.command)
    try:
        return command.run(load(args.root), args, io)
    except PipelineError as exc:
        io.err.write(f"{exc}\n")
        return exc.exit_code


def entry() -> None:
    """Console-script entry point."""
    raise SystemExit(main())
