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

from . import __version__, importer, project
from .config import Config, load, validate_locale
from .errors import ConfigError, PipelineError
from .report import format_findings

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


# --------------------------------------------------------------------------- import


def _add_import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", required=True, help="locale of the translated pages (nl, de, pt_BR …)")
    parser.add_argument("pages", nargs="?", type=Path, metavar="PAGES_DIR", help="folder of translated pages")
    parser.add_argument(
        "--source-dir",
        type=Path,
        metavar="DIR",
        help="English pages as they were translated (default: [upstream] history)",
    )
    parser.add_argument("--merge", action="store_true", help="fill only the gaps of existing PO files")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--versions",
        type=int,
        default=importer.DEFAULT_VERSIONS,
        metavar="N",
        help=f"upstream versions of each page to try, newest first (default {importer.DEFAULT_VERSIONS})",
    )


def _run_import(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    locale = validate_locale(args.locale, "--locale")
    if args.pages is None:
        raise ConfigError("no PAGES_DIR given", hint="pass the folder of translated pages")
    if args.versions < 1:
        raise ConfigError("--versions must be at least 1")
    request = importer.Request(locale, args.pages, args.source_dir, args.merge, args.versions)
    outcome = importer.run_import(cfg, request)
    if args.format == "json":
        data = importer.outcome_data(outcome)
        data["findings"] = json.loads(format_findings(outcome.findings, "json"))["findings"]
        io.out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        io.err.write(format_findings(outcome.findings, "text"))
        if not args.quiet:
            _import_table(outcome, args.verbose, io)
    return EXIT_FINDINGS if outcome.failed else EXIT_OK


def _import_table(outcome: importer.ImportOutcome, verbose: bool, io: Io) -> None:
    rows = [p for p in outcome.pages if p.result is not None]
    width = max([len(p.name) for p in rows] + [4])
    io.out.write(
        f"{'page':{width}}  {'segs':>5}  {'confid':>6}  {'fuzzy':>5}  {'no tr':>5}  {'extra':>5}  rebuilt  english\n"
    )
    for p in rows:
        r = p.result
        assert r is not None
        same = "equal" if not r.difference else "differs"
        io.out.write(
            f"{p.name:{width}}  {r.english_segments:>5}  {r.confident:>6}  {r.fuzzy:>5}  {r.unmatched_english:>5}  "
            f"{len(r.unmatched):>5}  {same:7}  {r.source.where}\n"
        )
        if verbose and r.source.why:
            io.out.write(f"{'':{width}}  {r.source.why}\n")
    t = importer.totals(outcome)
    share = t["confident"] / t["segments"] if t["segments"] else 1.0
    io.out.write(
        f"import {outcome.locale}: {t['imported']} of {t['pages']} pages imported ({t['failed']} failed), "
        f"{t['written']} PO files written; {t['segments']} segments: {t['confident']} confident ({share:.1%}), "
        f"{t['fuzzy']} fuzzy, {t['unmatched_english']} untranslated; {t['unmatched_translated']} translated "
        f"segments without English; {t['rebuilt_equal']} pages rebuild equal to the translated page\n"
    )


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
    Command("import", "existing translated pages -> PO files (aligned, with confidence)", _add_import, _run_import),
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
