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
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pipeline import __version__
from pipeline.check.output import FORMATS, format_findings, has_errors
from pipeline.cli.hints import GIT_MISSING, did_you_mean, git_missing
from pipeline.cli.terminal import printable, printable_stream, raw_stream
from pipeline.errors import ConfigError, InputError, PipelineError
from pipeline.model import Finding
from pipeline.wording import counted as _count
from pipeline.workspace import project, runlock
from pipeline.workspace.locate import find_root
from pipeline.workspace.progress import SILENT, Progress
from pipeline.workspace.settings import Config, load, validate_locale
from pipeline.workspace.shard import Shard, parse_shard
from pipeline.workspace.workspace import attach

if TYPE_CHECKING:  # imported where used: a command loads only the modules it needs
    from rich.table import Table
    from rich.text import Text

    from pipeline.git.pull import Pulled
    from pipeline.importer import run as importer
    from pipeline.workspace import review

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
        text = did_you_mean(message)
        sys.stderr.write(f"pipeline: error: {text}{' ' if text.endswith('?') else '; '}see 'pipeline --help'\n")
        raise SystemExit(EXIT_USAGE)


# --------------------------------------------------------------------------- extract/update/build/sync


def _warning_line(f: Finding) -> str:
    """A plan's warning as printed: ``path:line: warning: message`` (a fallback names its code)."""
    if f.code == project.FALLBACK:
        return f"{f.path}:{f.line}: warning: [{f.code}] {f.message}"
    where = f"{f.path}:{f.line}" if f.line else f.path
    return f"{where}: warning: {f.message}"


def _report(outcome: project.Outcome, stage: str, args: argparse.Namespace, io: Io) -> int:
    for f in (*outcome.warnings, *(fallback.finding() for fallback in outcome.fallbacks)):
        io.err.write(_warning_line(f) + "\n")
    if not args.quiet:
        locales = f", {len(outcome.locales)} locales ({', '.join(outcome.locales)})" if outcome.locales else ""
        files = outcome.message_files
        if files:
            locales = f", {_count(files, 'message file')}{locales}"
        io.out.write(
            f"{stage}: {outcome.pages} pages{locales}: {len(outcome.written)} written, "
            f"{len(outcome.removed)} removed, {outcome.unchanged} unchanged"
            + (f", {len(outcome.fallbacks)} translations refused" if outcome.fallbacks else "")
            + "\n"
        )
        if args.verbose:
            for note in outcome.stages:
                io.out.write(f"  {note.stage}: {note.text}\n")
            for path in outcome.written:
                io.out.write(f"  wrote {path}\n")
            for path in outcome.removed:
                io.out.write(f"  removed {path}\n")
    return EXIT_OK


def _add_nothing(parser: argparse.ArgumentParser) -> None:
    return None


def progress_for(args: argparse.Namespace, io: Io) -> AbstractContextManager[Progress]:
    """Progress bars on the error stream when it is a terminal and not ``--quiet``; else silence."""
    if args.quiet or not getattr(io.err, "isatty", lambda: False)():
        return nullcontext(SILENT)
    from rich.console import Console

    from pipeline.workspace.progress import Bars

    return Bars(Console(file=raw_stream(io.err), force_terminal=True))


def _run_extract(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    with progress_for(args, io) as progress:
        outcome = project.extract(cfg, progress)
    return _report(outcome, "extract", args, io)


def _run_update(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    with progress_for(args, io) as progress:
        outcome = project.update_command(cfg, progress)
    return _report(outcome, "update", args, io)


def _run_build(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    with progress_for(args, io) as progress:
        outcome = project.build_command(cfg, progress)
    return _report(outcome, "build", args, io)


def _add_sync(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--offline", action="store_true", help="do not pull from [upstream] first")
    _add_shard(parser)


def _add_shard(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--shard", metavar="I/N", help="only the pages of shard I of N (CI matrix; see docs/sharding.md)"
    )


def _run_sync(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    shard = parse_shard(args.shard) if args.shard else None
    # cfg.upstream is upstream.configured(cfg), asked without importing git (start-up time)
    if cfg.upstream is not None and not args.offline and shard is None:  # shards sync what one pull fetched
        from pipeline.git.pull import pull

        _report_pull(pull(cfg, follow_pin=True), args, io)
    with progress_for(args, io) as progress:
        outcome = project.sync(cfg, progress, shard)
    code = _report(outcome, "sync", args, io)
    if "translate" in cfg.raw:
        code = max(code, _translate_on_sync(cfg, args, io, shard))
    _report_news(cfg, args, io)
    return code


def _report_news(cfg: Config, args: argparse.Namespace, io: Io) -> None:
    """One line per locale: new problems in changed translations (what 'check' would say about them)."""
    from pipeline.check.news import new_problems

    try:
        found = new_problems(cfg)
    except PipelineError as exc:  # sync itself succeeded; say why there is no summary, and go on
        io.err.write(f"sync: no summary of new problems: {exc}\n")
        return
    for news in found:
        if news.findings or not args.quiet:
            io.err.write(news.line() + "\n")


def _translate_on_sync(cfg: Config, args: argparse.Namespace, io: Io, shard: Shard | None) -> int:
    """``[translate] on_sync = true``: sync fills new entries with the default engine, then builds them."""
    from pipeline.translate import run as translate
    from pipeline.translate import settings as tsettings

    if not tsettings.load(cfg).on_sync:
        return EXIT_OK
    with progress_for(args, io) as progress:
        outcome = translate.run(cfg, translate.Request(include_fuzzy=True, shard=shard), progress)
        for r in outcome.rejected:
            io.err.write(f"{r.po_path}:{r.line}: warning: [machine-rejected] {r.reason}; left untranslated\n")
        if not args.quiet:
            io.out.write(translate.summary(outcome) + "\n")
        if outcome.written:
            project.sync(cfg, progress, shard)
    return EXIT_OK


# --------------------------------------------------------------------------- pull


def _add_pull(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--commit",
        metavar="REV",
        help="pull this upstream revision (commit id, tag, branch, main~40 …) and pin its commit in pipeline.lock",
    )


def _run_pull(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    from pipeline.git.pull import pull

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
        f"{len(done.renamed)} renamed" + (f" ({len(done.moved)} PO files moved)" if done.moved else "") + "\n"
    )
    if args.verbose:
        for label, paths in (("added", done.added), ("changed", done.changed), ("removed", done.removed)):
            for path in paths:
                io.out.write(f"  {label} {path}\n")
        for a, b in (*done.renamed, *done.moved):
            io.out.write(f"  moved {a} -> {b}\n")


# --------------------------------------------------------------------------- status


def _add_status(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pages", nargs="*", metavar="PAGE", help="only pages matching these globs (faq, 'campaigns/*')")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--locale", action="append", default=[], help="only this locale (repeatable)")


def _page_globs(cfg: Config, patterns: Sequence[str]) -> list[str]:
    """Page globs as typed: a path under the source folder (tab completion) works too."""
    prefix = cfg.source.rstrip("/") + "/"
    return [p.replace("\\", "/").removeprefix("./").removeprefix(prefix) for p in patterns]


def _run_status(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    from pipeline.status import staleness
    from pipeline.status import view as statusview

    rows = statusview.select(staleness.page_status(cfg), args.locale, _page_globs(cfg, args.pages))
    if args.format == "json":
        io.out.write(statusview.status_json(rows))
        return EXIT_OK
    statusview.render(rows, statusview.console_for(raw_stream(io.out)))
    return EXIT_OK


# --------------------------------------------------------------------------- report


def _add_report(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pages", nargs="*", metavar="PAGE", help="only pages matching these globs")
    parser.add_argument(
        "--html", type=Path, required=True, metavar="OUT.html", help="write the dashboard (one self-contained file)"
    )
    parser.add_argument("--locale", action="append", default=[], help="only this locale (repeatable)")


def _run_report(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    from pipeline.check import checker as check
    from pipeline.status import dashboard, staleness
    from pipeline.status import view as statusview
    from pipeline.workspace import messages
    from pipeline.workspace.files import write_atomic

    rows = statusview.select(staleness.page_status(cfg), args.locale, _page_globs(cfg, args.pages))
    findings: list[Finding] = check.findings(cfg) + messages.message_findings(cfg)
    data = dashboard.Dashboard(
        title=f"Translations · {project.site_title(cfg)}",
        rows=tuple(rows),
        findings=tuple(findings),
        fuzzy=tuple(staleness.fuzzy_entries(cfg, rows)),
        last_change=_last_changes(cfg),
    )
    page = dashboard.render(data).encode("utf-8")
    out: Path = args.html
    if out.suffix.lower() not in (".html", ".htm"):
        raise ConfigError(f"--html {out}: the dashboard file must end in .html", hint="e.g. --html build/report.html")
    try:
        written = write_atomic(out, page)
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror}", str(out), hint="choose a writable path") from None
    if not args.quiet:
        io.out.write(
            f"report: {out} ({len(page):,} bytes; {len({r.page for r in rows})} pages, "
            f"{len({r.locale for r in rows})} locales, {len(data.fuzzy)} fuzzy entries, {len(findings)} findings)"
            + ("" if written else ", unchanged")
            + "\n"
        )
    return EXIT_OK


def _last_changes(cfg: Config) -> dict[str, str]:
    """Date of each page's last English change: this repository's history, the upstream's for pulled pages."""
    from pipeline.git.dates import upstream_changes

    dates = project.last_changes(cfg)
    pages = {file.relative_to(cfg.source_dir).as_posix(): name for name, file in project.page_names(cfg)}
    dates.update(upstream_changes(cfg, pages))
    return dates


# --------------------------------------------------------------------------- import


def _add_import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", required=True, help="locale of the translated pages or file (nl, de, pt_BR …)")
    parser.add_argument("pages", nargs="?", type=Path, metavar="PAGES_DIR", help="folder of translated pages")
    parser.add_argument(
        "--messages",
        type=Path,
        metavar="FILE",
        help="instead of pages: an existing translated message file (inlang JSON) -> locales/<locale>/<name>.po",
    )
    parser.add_argument(
        "--source-dir",
        type=Path,
        metavar="DIR",
        help="English pages as they were translated (default: [upstream] history)",
    )
    parser.add_argument(
        "--merge", action="store_true", help="keep the translations PO files already have; fill only their gaps"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--versions",
        type=int,
        default=50,
        metavar="N",
        help="upstream versions of each page to try, newest first (default 50)",
    )


def _run_import(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    from pipeline.importer import run as importer

    if args.messages is not None:
        if args.pages is not None or args.source_dir is not None:
            raise ConfigError("--messages imports one message file", hint="leave out PAGES_DIR and --source-dir")
        return _import_messages(cfg, args, io)
    locale = validate_locale(args.locale, "--locale")
    if args.pages is None:
        raise ConfigError("no PAGES_DIR given", hint="pass the folder of translated pages")
    if args.versions < 1:
        raise ConfigError("--versions must be at least 1")
    request = importer.Request(locale, args.pages, args.source_dir, args.merge, args.versions)
    with progress_for(args, io) as progress:
        outcome = importer.run_import(cfg, request, progress)
    if args.format == "json":
        data = importer.outcome_data(outcome)
        data["findings"] = json.loads(format_findings(outcome.findings, "json"))["findings"]
        io.out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        io.err.write(format_findings(outcome.findings, "text"))
        if not args.quiet:
            _import_table(outcome, args.verbose, io)
    if outcome.failed:
        io.err.write(
            f"import: nothing written: {outcome.failed} of {len(outcome.pages)} pages cannot be imported (all or "
            "nothing); fix them, or move them out of the folder, and run the import again\n"
        )
    return EXIT_FINDINGS if outcome.failed else EXIT_OK


def _import_messages(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    from pipeline.workspace import messages

    outcome = messages.import_messages(cfg, args.locale, args.messages, merge=args.merge)
    for warning in outcome.warnings:
        io.err.write(warning + "\n")
    r = outcome.result
    if not args.quiet:
        io.out.write(
            f"import: {outcome.po_path}: {r.translated} translated, {r.same} equal to the English (left "
            f"untranslated), {r.missing} missing, {r.kept} kept, {len(r.extra)} not in the English, "
            f"{r.instructions} translated notes ignored; {'written' if outcome.written else 'unchanged'}\n"
        )
    return EXIT_OK


def _import_table(outcome: importer.ImportOutcome, verbose: bool, io: Io) -> None:
    from pipeline.importer import run as importer

    rows = [p for p in outcome.pages if p.result is not None]
    width = max([len(p.name) for p in rows] + [4])
    io.out.write(
        f"{'page':{width}}  {'segs':>5}  {'confid':>6}  {'review':>6}  {'fuzzy':>5}  {'no tr':>5}  {'extra':>5}  "
        "rebuilt  english\n"
    )
    for p in rows:
        r = p.result
        assert r is not None
        same = "equal" if r.equal else "differs"
        io.out.write(
            f"{p.name:{width}}  {r.english_segments:>5}  {r.confident:>6}  {len(r.review):>6}  {r.fuzzy:>5}  "
            f"{r.unmatched_english:>5}  {len(r.unmatched):>5}  {same:7}  {r.source.where}\n"
        )
        if verbose and r.source.why:
            io.out.write(f"{'':{width}}  {r.source.why}\n")
    t = importer.totals(outcome)
    share = t["confident"] / t["segments"] if t["segments"] else 1.0
    io.out.write(
        f"import {outcome.locale}: {t['imported']} of {t['pages']} pages imported ({t['failed']} failed), "
        f"{t['written']} PO files written; {t['segments']} segments: {t['confident']} confident ({share:.1%}), "
        f"{t['review']} kept for review, {t['fuzzy']} fuzzy, {t['unmatched_english']} untranslated; "
        f"{t['unmatched_translated']} translated segments without English ({t['notes']} kept as translator "
        f"comments); {t['rebuilt_equal']} pages rebuild equal to the translated page ({t['refused']} translations "
        f"the build refuses count as not equal); {t['lost_words']} words lost\n"
    )


# --------------------------------------------------------------------------- check


def _add_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument(
        "--translated", type=Path, metavar="DIR", help="lint mode: check a folder of whole translated pages"
    )
    parser.add_argument("--locale", help="locale of the --translated pages (e.g. nl)")
    parser.add_argument(
        "--source-dir", type=Path, metavar="OLD_EN", help="lint mode: the English pages as they were when translated"
    )
    parser.add_argument(
        "--fix", action="store_true", help="rewrite links to renamed headings inside msgstrs; list those in English"
    )
    _add_shard(parser)


def _shard_findings(cfg: Config, shard: Shard, found: list[Finding]) -> list[Finding]:
    from pipeline.workspace import messages
    from pipeline.workspace.shard import owns_finding

    names = frozenset(spec.name for spec in messages.sources(cfg))
    return [f for f in found if owns_finding(cfg, shard, f.path, names)]


def _run_check(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    from pipeline.check import checker as check
    from pipeline.check import gate
    from pipeline.formats import po
    from pipeline.workspace import messages

    po.remember_parsed()  # the site model and the gate read the same PO files: parse each once

    lint: check.Lint | None = None
    if args.translated is not None:
        if not args.locale:
            raise ConfigError("--translated needs --locale", hint="say which locale the pages are in: --locale nl")
        if args.fix:
            raise ConfigError("--fix works on PO files", hint="run it without --translated")
        lint = check.Lint(
            args.translated.resolve(),
            args.locale,
            args.source_dir.resolve() if args.source_dir else None,
            str(args.translated),
            str(args.source_dir) if args.source_dir else "",
        )
    elif args.source_dir is not None or args.locale:
        raise ConfigError("--locale and --source-dir go with --translated DIR", hint="add --translated DIR")
    if args.fix:  # one pass: the check that plans the rewrites gives the findings of the fixed files
        fixed = check.fix(cfg)
        written, _, _ = project.apply(cfg, fixed.plan)
        for line in fixed.fix.rewrites:
            io.err.write(f"{line}\n")
        for line in fixed.fix.listed:
            io.err.write(f"{line}\n")
        if not args.quiet:
            io.err.write(
                f"fix: {len(fixed.fix.rewrites)} links rewritten in {len(written)} PO files; "
                f"{len(fixed.fix.listed)} links in English pages listed\n"
            )
    found = fixed.findings if args.fix else check.findings(cfg, lint)
    if lint is None:  # the CI gate (stale catalogs, policy) and the UI strings need the PO files
        found += gate.findings(cfg) + messages.message_findings(cfg)
    if args.shard:  # each runner reports its own pages' findings (and shard 1 the global ones)
        found = _shard_findings(cfg, parse_shard(args.shard), found)
    io.out.write(format_findings(found, args.format))
    if not args.quiet and args.format == "text":
        errors = sum(1 for f in found if f.severity.value == "error")
        notices = sum(1 for f in found if f.severity.value == "notice")
        upstream = sum(1 for f in found if f.group)
        io.err.write(
            f"check: {errors} errors, {len(found) - errors - notices} warnings"
            + (f", {notices} notices" if notices else "")
            + (f" ({upstream} in upstream English: tell the site's maintainers)" if upstream else "")
            + "\n"
        )
    return EXIT_FINDINGS if has_errors(found) else EXIT_OK


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
    from rich.console import Console

    from pipeline.workspace import review

    rows = review.reviews(cfg, args.locale, args.page, args.carried)
    console = Console(
        file=raw_stream(io.out),
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


def _english(row: review.Review) -> Text:
    """The change as a translator reads it: previous English with removals and additions marked."""
    from rich.text import Text

    from pipeline.stages.worddiff import word_diff

    if row.previous is None:
        return Text(printable(row.msgid))
    text = Text()
    for op, piece in word_diff(printable(row.previous), printable(row.msgid)):
        text.append(piece, style=_DIFF_STYLE[op])
    return text


def _diff_table(po_path: str, rows: list[review.Review]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=printable(po_path), title_justify="left", show_lines=True, expand=True)
    table.add_column("line", justify="right", style="dim", no_wrap=True)
    table.add_column("English: previous -> current", ratio=1)
    table.add_column(f"{rows[0].locale}: current translation", ratio=1)
    for r in rows:
        english = _english(r)
        if r.where:
            english = Text.assemble((printable(r.where) + "\n", "dim italic"), english)
        if r.carried:
            english.append("\n" + "\n".join("carried " + printable(note) for note in r.carried), style="cyan")
        table.add_row(str(r.line), english, Text(printable(r.msgstr)))
    return table


def _diff_plain(rows: list[review.Review]) -> str:
    from pipeline.stages.worddiff import plain, word_diff

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


# --------------------------------------------------------------------------- init


def _add_init(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locales", required=True, metavar="L1,L2", help="the languages to translate into: nl,de")
    parser.add_argument("--upstream", metavar="URL", help="a separate translation repository: the site's git URL")
    parser.add_argument("--path", metavar="DIR", help="with --upstream: the English pages' folder in it (src/posts)")
    parser.add_argument("--ref", metavar="REF", help="with --upstream: branch or tag to follow (default: its HEAD)")
    parser.add_argument("--source", metavar="DIR", help="without --upstream: the English pages' folder here")
    parser.add_argument("--dialect", choices=("mdsvex", "mdx", "markdown"), help="how the site renders its pages")
    parser.add_argument("--redirects", metavar="FILE", help="a redirects file whose sources the site serves")
    parser.add_argument("--install", metavar="SPEC", help="what the workflow pip-installs (default: this version)")
    parser.add_argument("--no-workflow", action="store_true", help="do not write .github/workflows/translations.yml")
    parser.add_argument("--no-pre-commit", action="store_true", help="do not write .pre-commit-config.yaml")


def _run_init(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    from pipeline.cli.init import run_init

    return run_init(cfg.root, args, io.out, io.err)


# --------------------------------------------------------------------------- translate


def _add_translate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", action="append", default=[], help="only this locale (repeatable)")
    parser.add_argument(
        "--engine", metavar="NAME", help="a [translate.engines.NAME] table (default: [translate] engine)"
    )
    parser.add_argument("--pages", action="append", default=[], metavar="GLOB", help="only pages matching (repeatable)")
    parser.add_argument(
        "--include-fuzzy", action="store_true", help="also redo fuzzy entries a machine made (never a human's)"
    )
    parser.add_argument("--dry-run", action="store_true", help="send nothing; print the plan and its estimated cost")
    parser.add_argument("--spend", type=float, metavar="N", help="allow an estimated cost up to N this run")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    _add_shard(parser)


def _run_translate(cfg: Config, args: argparse.Namespace, io: Io) -> int:
    from pipeline.translate import run as translate

    request = translate.Request(
        tuple(args.locale),
        args.engine,
        tuple(args.pages),
        args.include_fuzzy,
        args.dry_run,
        args.spend,
        parse_shard(args.shard) if args.shard else None,
    )
    with progress_for(args, io) as progress:
        outcome = translate.run(cfg, request, progress)
    return _report_translate(outcome, args, io)


def _report_translate(outcome: object, args: argparse.Namespace, io: Io) -> int:
    from pipeline.translate import run as translate

    assert isinstance(outcome, translate.Outcome)
    if args.format == "json":
        io.out.write(json.dumps(translate.outcome_data(outcome), indent=2, ensure_ascii=False) + "\n")
    else:
        for r in outcome.rejected:
            io.err.write(f"{r.po_path}:{r.line}: warning: [machine-rejected] {r.reason}; left untranslated\n")
        if outcome.dry_run or args.verbose:
            io.out.write(translate.plan_table(outcome))
        if not args.quiet:
            io.out.write(translate.summary(outcome) + "\n")
    return EXIT_FINDINGS if outcome.rejected else EXIT_OK


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    help: str
    add: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Config, argparse.Namespace, Io], int]


COMMANDS: tuple[Command, ...] = (
    Command("init", "start a project: pipeline.toml, CI workflow, pre-commit hooks", _add_init, _run_init),
    Command("extract", "English pages -> locales/templates/*.pot", _add_nothing, _run_extract),
    Command("update", "templates + PO files -> updated PO files", _add_nothing, _run_update),
    Command("build", "PO files -> translated pages", _add_nothing, _run_build),
    Command("sync", "pull (with [upstream]), extract, update and build", _add_sync, _run_sync),
    Command("status", "translation progress and freshness per locale and page", _add_status, _run_status),
    Command("pull", "English pages at the upstream ref -> source/ and pipeline.lock", _add_pull, _run_pull),
    Command("import", "existing translated pages (or a message file) -> PO files", _add_import, _run_import),
    Command("check", "CI gate and site checks: stale catalogs, policy, links, anchors, unsafe", _add_check, _run_check),
    Command("report", "HTML dashboard: progress, pages, findings, fuzzy entries", _add_report, _run_report),
    Command("diff", "fuzzy entries: word diff of the English beside the translation", _add_diff, _run_diff),
    Command(
        "translate", "machine pre-translation of untranslated entries (fuzzy, marked)", _add_translate, _run_translate
    ),
)


NO_PROJECT = frozenset({"init"})
"""Commands that make a project rather than work in one: no search upwards for ``pipeline.toml``."""

WRITING_COMMANDS = frozenset({"extract", "update", "build", "sync", "pull", "import", "translate"})
"""Commands that write into the project: they run one at a time under ``runlock``.

A new command that writes gets the lock by being listed here, not by code of its own.
"""


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pipeline", description="Segment-level gettext translation for markdown sites.")
    parser.add_argument(
        "--root", type=Path, help="project folder (default: the nearest folder up from here with pipeline.toml)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors and warnings")
    parser.add_argument("-v", "--verbose", action="store_true", help="say what each stage did")
    parser.add_argument("--version", action="version", version=f"pipeline {__version__}")
    # the global flags are accepted after the command too (`pipeline sync -q`)
    common = _Parser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        command.add(sub.add_parser(command.name, help=command.help, description=command.help, parents=[common]))
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one command; return its exit code (tests call this directly).

    Everything a command writes is made ``printable`` (no terminal control sequences).
    """
    io = Io(printable_stream(out or sys.stdout), printable_stream(err or sys.stderr))
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(io.out)
        return EXIT_USAGE
    command = next(c for c in COMMANDS if c.name == args.command)
    try:
        root = _project_root(args.root, command.name)
        cfg = Config(root=root.resolve()) if command.name in NO_PROJECT else load(root)
        if command.name not in WRITING_COMMANDS:
            # status, check, report …: one read-once workspace for the whole command (a writing command
            # reads each file once anyway, and keeping every parsed file would only raise its peak memory)
            attach(cfg)
        if command.name not in WRITING_COMMANDS and not getattr(args, "fix", False):  # check --fix writes
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
        if getattr(args, "format", None) == "github":  # the CI log shows it on the file, like a finding
            io.out.write(_annotation(exc))
        return exc.exit_code
    except Exception as exc:  # GitPython without git (ImportError or GitCommandNotFound); others re-raised
        if not git_missing(exc):
            raise
        io.err.write(GIT_MISSING + "\n")
        return EXIT_USAGE


def _project_root(root: Path | None, command: str) -> Path:
    """``--root``, or the nearest folder up from the current one with the settings.

    Without either, the current folder with the default settings, as long as it has the
    English pages (``source/``): a command typed in the wrong folder says so instead of
    leaving a ``.pipeline/`` state folder behind.
    """
    if root is not None:
        return root
    found = find_root(Path.cwd())
    if command in NO_PROJECT:
        if found is not None and found != Path.cwd().resolve():
            raise ConfigError(
                f"{Path.cwd()} is inside the project at {found}",
                hint="work in that project, or pass --root . to start another project here",
            )
        return Path.cwd()
    if found is not None:
        return found
    if not (Path.cwd() / "source").is_dir():
        raise ConfigError(
            f"no pipeline.toml in {Path.cwd()} or any folder above it",
            hint="run the command inside the project, pass --root DIR, or start a project with 'pipeline init'",
        )
    return Path.cwd()


def _annotation(exc: PipelineError) -> str:
    """An error as a GitHub ``::error`` annotation (``check --format github``)."""
    from pipeline.model import Severity

    finding = Finding(exc.path or "", exc.line or 0, 0, exc.code, Severity.ERROR, exc.message, exc.hint)
    return format_findings([finding], "github")


def entry() -> None:
    """Console-script entry point."""
    raise SystemExit(main())
