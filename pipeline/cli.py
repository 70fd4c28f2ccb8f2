"""``pipeline [--root DIR] COMMAND``: the only place that prints and exits.

Exit codes: 0 ok, 1 findings or a failure a user must act on, 2 usage or config error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from . import __version__, project
from .config import Config, load
from .errors import PipelineError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse that exits with our usage code (2) and a one-line hint."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"pipeline: error: {message}; see 'pipeline --help'\n")
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pipeline", description="Segment-level gettext translation for markdown sites.")
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder (default: current folder)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors and warnings")
    parser.add_argument("-v", "--verbose", action="store_true", help="say what each stage did")
    parser.add_argument("--version", action="version", version=f"pipeline {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.add_parser("extract", help="English pages -> locales/templates/*.pot")
    sub.add_parser("update", help="templates + PO files -> updated PO files")
    sub.add_parser("build", help="PO files -> translated pages")
    sub.add_parser("sync", help="extract, update and build")
    st = sub.add_parser("status", help="translation progress per locale and page")
    st.add_argument("--format", choices=("text", "json"), default="text")
    st.add_argument("--locale", action="append", help="only this locale (repeatable)")
    return parser


def _report(outcome: project.Outcome, stage: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    for warning in outcome.warnings:
        err.write(warning + "\n")
    for f in outcome.fallbacks:
        err.write(f"{f.po_path}:{f.line}: warning: [fallback] English kept: {f.reason}\n")
    if not args.quiet:
        locales = f", {len(outcome.locales)} locales ({', '.join(outcome.locales)})" if outcome.locales else ""
        out.write(
            f"{stage}: {outcome.pages} pages{locales}: {len(outcome.written)} written, "
            f"{len(outcome.removed)} removed, {outcome.unchanged} unchanged"
            + (f", {len(outcome.fallbacks)} translations refused" if outcome.fallbacks else "")
            + "\n"
        )
        if args.verbose:
            for path in outcome.written:
                out.write(f"  wrote {path}\n")
            for path in outcome.removed:
                out.write(f"  removed {path}\n")
    return EXIT_OK


def _status(cfg: Config, args: argparse.Namespace, out: TextIO) -> int:
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
        out.write(json.dumps({"pages": data}, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    width = max([len(r.page) for r in rows] + [4])
    out.write(f"{'locale':6}  {'page':{width}}  {'done':>5}  {'transl':>6}  {'fuzzy':>5}  {'untr':>5}\n")
    for r in rows:
        c = r.counts
        out.write(
            f"{r.locale:6}  {r.page:{width}}  {c.share:>5.0%}  {c.translated:>6}  {c.fuzzy:>5}  {c.untranslated:>5}\n"
        )
    return EXIT_OK


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one command; return its exit code (tests call this directly)."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(out)
        return EXIT_USAGE
    try:
        cfg = load(args.root)
        commands: dict[str, Callable[[Config], project.Outcome]] = {
            "extract": project.extract,
            "update": project.update_command,
            "build": project.build_command,
            "sync": project.sync,
        }
        if args.command in commands:
            return _report(commands[args.command](cfg), args.command, args, out, err)
        if args.command == "status":
            return _status(cfg, args, out)
    except PipelineError as exc:
        err.write(f"{exc}\n")
        return exc.exit_code
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE  # pragma: no cover


def entry() -> None:
    """Console-script entry point."""
    raise SystemExit(main())
