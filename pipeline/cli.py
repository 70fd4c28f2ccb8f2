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

from . import __version__, project, runlock
from .config import Config, load
from .errors import PipelineError

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
)


WRITING_COMMANDS = frozenset({"extract", "update", "build", "sync", "pull", "import"})
"""Commands that write into the project: they run one at a time under ``runlock``.

A new command that writes gets the lock by being listed here, not by code of its own.
"""


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
        cfg = load(args.root)
        if command.name not in WRITING_COMMANDS:
            return command.run(cfg, args, io)
        with runlock.hold(cfg.root, command.name) as held:
            if held.took_over is not None:
                io.err.write(
                    f"{runlock.STATE_DIR}/{runlock.PID_FILE}: warning: the previous run (pid {held.took_over.pid}, "
                    f"'{held.took_over.command}') was interrupted; this run takes over and finishes its work\n"
                )
            return command.run(cfg, args, io)
    except PipelineError as exc:
        io.err.write(f"{exc}\n")
        return exc.exit_code


def entry() -> None:
    """Console-script entry point."""
    raise SystemExit(main())
