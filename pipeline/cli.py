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

from . import __version__, gate, project, report, staleness, upstream
from .config import Config, load
from .errors import PipelineError
from .pull import Pulled, pull

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


def _add_sync(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--offline", action="store_true", help="do not pull from [upstream] first")


def _run_sync(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    if upstream.configured(cfg) and not args.offline:
        _report_pull(pull(cfg, follow_pin=True), args, io)
    return _report(project.sync(cfg), "sync", args, io)


# --------------------------------------------------------------------------- pull


def _add_pull(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--commit", metavar="SHA", help="pull this upstream commit and pin it in pipeline.lock")


def _run_pull(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    _report_pull(pull(cfg, args.commit), args, io)
    return EXIT_OK


def _report_pull(done: Pulled, args: argparse.Namespace, io: Io) -> None:
    for warning in done.warnings:
        io.err.write(warning + "\n")
    if args.quiet:
        return
    since = "" if done.previous in (None, done.commit) else f" (was {done.previous[:12]})"
    pinned = ", pinned" if args.command == "pull" and args.commit else ""
    io.out.write(
        f"pull: {done.url} {done.ref} -> {done.commit[:12]} {done.date}{since}{pinned}: "
        f"{len(done.added)} added, {len(done.changed)} changed, {len(done.removed)} removed, "
        f"{len(done.renamed)} renamed"
        + (f" ({len(done.moved)} PO files moved)" if done.moved else "")
        + "\n"
    )
    if args.verbose:
        for label, paths in (("added", done.added), ("changed", done.changed), ("removed", done.removed)):
            for path in paths:
                io.out.write(f"  {label} {path}\n")
        for a, b in (*done.renamed, *done.moved):
            io.out.write(f"  moved {a} -> {b}\n")


# --------------------------------------------------------------------------- check


def _add_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=report.FORMATS, default="text")


def _run_check(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    found = gate.findings(cfg)
    io.out.write(report.format_findings(found, args.format))
    errors = sum(f.severity.value == "error" for f in found)
    if args.format == "text" and not args.quiet:
        io.out.write(f"check: {errors} errors, {len(found) - errors} warnings\n")
    return EXIT_FINDINGS if report.has_errors(found) else EXIT_OK


# --------------------------------------------------------------------------- status


def _add_status(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--locale", action="append", help="only this locale (repeatable)")


def _change(c: upstream.Change) -> dict[str, str]:
    return {"commit": c.commit, "date": c.date, "summary": c.summary}


def _run_status(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    rows = project.status(cfg)
    if args.locale:
        rows = [r for r in rows if r.locale in args.locale]
    totals = staleness.totals(rows)
    if args.format == "json":
        data = [
            {
                "locale": r.locale,
                "page": r.page,
                "exists": r.exists,
                "state": r.state,
                "translated": r.counts.translated,
                "fuzzy": r.counts.fuzzy,
                "untranslated": r.counts.untranslated,
                "words": {
                    "translated": r.counts.translated_words,
                    "fuzzy": r.counts.fuzzy_words,
                    "untranslated": r.counts.untranslated_words,
                },
                "share": round(r.counts.share, 4),
                "review_words": r.review_words,
                "stale_catalog": r.stale_catalog,
                "source_commit": r.source_commit,
                "translated_commit": r.translated_commit,
                "changes": [_change(c) for c in r.changes],
                "newest_change": r.changes[0].date if r.changes else None,
            }
            for r in rows
        ]
        locales = [
            {
                "locale": t.locale,
                "pages": t.pages,
                "up_to_date": t.up_to_date,
                "outdated": t.outdated,
                "missing": t.missing,
                "review_words": t.review_words,
                "share": round(t.counts.share, 4),
            }
            for t in totals
        ]
        io.out.write(json.dumps({"pages": data, "locales": locales}, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    width = max([len(r.page) for r in rows] + [4])
    io.out.write(
        f"{'locale':6}  {'page':{width}}  {'done':>5}  {'transl':>6}  {'fuzzy':>5}  {'untr':>5}  state\n"
    )
    for r in rows:
        c = r.counts
        io.out.write(
            f"{r.locale:6}  {r.page:{width}}  {c.share:>5.0%}  {c.translated:>6}  {c.fuzzy:>5}  {c.untranslated:>5}"
            f"  {r.state}{_details(r)}\n"
        )
    for t in totals:
        io.out.write(
            f"{t.locale}: {t.up_to_date} up to date, {t.outdated} outdated, {t.missing} missing; "
            f"{t.counts.share:.0%} of words translated, {t.review_words} words to review\n"
        )
    return EXIT_OK


def _details(r: project.PageStatus) -> str:
    """What an outdated row adds: words to review and the English commits behind."""
    if r.state != staleness.OUTDATED:
        return ""
    text = f": {r.review_words} words to review"
    if r.changes:
        oldest, newest = r.changes[-1], r.changes[0]
        span = newest.commit[:7] if oldest is newest else f"{oldest.commit[:7]}..{newest.commit[:7]}"
        commits = f"{len(r.changes)} commit" + ("s" if len(r.changes) != 1 else "")
        text += f", English changed in {span} ({commits}), newest {newest.date[:10]}"
    if r.stale_catalog:
        text += " (catalog not synced)"
    return text


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
    Command("sync", "pull (with [upstream]), extract, update and build", _add_sync, _run_sync),
    Command("status", "translation progress and freshness per locale and page", _add_status, _run_status),
    Command("pull", "English pages at the upstream ref -> source/ and pipeline.lock", _add_pull, _run_pull),
    Command("check", "CI gate: stale catalogs and each locale's policy", _add_check, _run_check),
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
