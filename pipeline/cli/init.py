"""``pipeline init`` on the command line: read the site, plan the files, write them, say what next."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from pipeline.errors import ConfigError, PipelineError
from pipeline.workspace import init
from pipeline.workspace.settings import from_dict, validate_locale
from pipeline.workspace.sitedetect import FolderTree, Site, detect


def run_init(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write a new project's files into ``root``; 0, or a ``ConfigError`` with nothing written."""
    locales = tuple(code.strip() for code in args.locales.split(",") if code.strip())
    if not locales:
        raise ConfigError("--locales names no locale", hint="list the languages to translate into: --locales nl,de")
    for code in locales:
        validate_locale(code, "--locales")
    if not args.upstream and (args.path or args.ref):
        raise ConfigError("--path and --ref go with --upstream URL", hint="add --upstream, or use --source DIR")
    if args.upstream and args.source:
        raise ConfigError("--source is for a site in this folder", hint="with --upstream, say --path DIR instead")
    if not root.is_dir():
        raise ConfigError(f"folder {root} does not exist", hint="create it (git init) or pass an existing --root")
    request = init.Request(
        locales=locales,
        upstream=args.upstream or "",
        path=(args.path or "").strip("/"),
        ref=args.ref or "",
        source=(args.source or "").strip("/"),
        dialect=args.dialect or "",
        install=args.install or "",
        workflow=not args.no_workflow,
        pre_commit=not args.no_pre_commit,
        shards=args.shards,
    )
    if request.shards:
        init.sharded_workflow_text(request.install or init.install_spec(), request.shards)  # refuses N < 2 first
    init.check_free(root, request)  # before reading the upstream: a refusal leaves everything as it was
    site = _upstream_site(root, request, args.redirects, err) if request.upstream else _local_site(root, args.redirects)
    planned = init.plan(root, request, site, dialect_key=_knows_dialect(root))
    written = init.apply(root, planned)
    if not args.quiet:
        what = f"{site.framework} site, {site.dialect}" if site.framework else f"{site.dialect} pages"
        out.write(f"init: {what}; English pages in {planned.source}; {len(site.routes)} routes found\n")
        for name in written:
            out.write(f"  wrote {name}\n")
        out.write(_next_steps(request, planned))
    return 0


def _local_site(root: Path, redirects: str | None) -> Site:
    if redirects and not (root / redirects).is_file():
        raise ConfigError("no such file", redirects, hint="give --redirects a path relative to the site's root")
    return detect(FolderTree(root), redirects)


def _upstream_site(root: Path, request: init.Request, redirects: str | None, err: TextIO) -> Site:
    """Read the site from its repository (fetched into the project's cache, as ``pull`` will do anyway)."""
    from pipeline.git import upstream
    from pipeline.git.tree import GitTree

    table = {"url": request.upstream, **({"ref": request.ref} if request.ref else {})}
    cfg = from_dict(root, {"upstream": table}, "--upstream")
    try:
        with upstream.open_upstream(cfg) as repo:
            commit = upstream.resolve(repo, request.ref or "HEAD")
            if commit is None:
                raise ConfigError(f"unknown ref {request.ref!r} in {request.upstream}", "--ref")
            return detect(GitTree(repo, commit), redirects)
    except ConfigError:
        raise
    except PipelineError as exc:
        err.write(f"warning: cannot read the upstream to find its routes ({exc.message}); [site] routes left empty\n")
        return Site()


def _knows_dialect(root: Path) -> bool:
    """True when this version's ``[site]`` accepts ``dialect`` (asked of the validator itself, not guessed)."""
    from pipeline.check.checker import site_options

    try:
        site_options(from_dict(root, {"site": {"dialect": "markdown"}}))
    except ConfigError:
        return False
    return True


def _next_steps(request: init.Request, planned: init.Plan) -> str:
    first = "pipeline pull                  # the English pages -> source/\n  " if request.upstream else ""
    return (
        "next:\n"
        f"  {first}pipeline sync                  # PO files in locales/, translated pages in "
        f"{planned.output.replace('{locale}', '<locale>')}\n"
        "  pipeline import --locale nl DIR  # only if you have translated pages already\n"
        "  git add -A && git commit -m 'Translations: pipeline init'\n"
    )
