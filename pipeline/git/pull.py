"""``pipeline pull``: the English pages at an upstream commit -> ``source/`` and ``pipeline.lock``.

All or nothing: everything is fetched, read and checked (each page must segment) before a
byte is written, so a failure (network, unknown ref, bad path, a page that cannot be read)
leaves ``source/``, the PO files and the lock as they were. Pages renamed upstream (git's
rename detection between the locked and the new commit) take their PO files with them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import git
from filelock import FileLock

from pipeline.errors import GitError, InputError, PipelineError
from pipeline.git import upstream
from pipeline.git.lock import Lock, format_lock, lock_path, read_lock
from pipeline.model import Page
from pipeline.segment.walker import Options, segment_page
from pipeline.workspace.dialect import dialect
from pipeline.workspace.files import decode, display_path, write_atomic
from pipeline.workspace.paths import inside
from pipeline.workspace.plan import Plan, apply
from pipeline.workspace.project import options, page_names, po_path
from pipeline.workspace.runlock import state_dir

if TYPE_CHECKING:
    from pipeline.workspace.settings import Config


@dataclass(frozen=True, slots=True)
class Pulled:
    """What a pull did, for the CLI to report."""

    url: str
    ref: str
    commit: str
    date: str
    previous: str | None
    """Commit of the lock before the pull (None on the first pull)."""
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()
    """Pages renamed upstream, as (old, new) paths under ``source/``."""
    moved: tuple[tuple[str, str], ...] = ()
    """PO files moved with their renamed page, as display paths."""
    warnings: tuple[str, ...] = ()
    lock_written: bool = False


@dataclass(slots=True)
class _Plan:
    """Files to write, move and remove, computed before anything touches the disk."""

    writes: dict[Path, bytes] = field(default_factory=dict)
    removals: set[Path] = field(default_factory=set)
    moves: list[tuple[Path, Path]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)


def pull(cfg: Config, commit: str | None = None, *, follow_pin: bool = False) -> Pulled:
    """Copy the pages of ``[upstream]`` at ``commit`` (default: its ``ref``) into ``source/``.

    ``commit`` pins that commit in the lock. With ``follow_pin`` (what ``sync`` does), a lock
    pinned by an earlier ``pull --commit`` keeps its commit instead of following ``ref``.
    """
    try:
        return _pull(cfg, commit, follow_pin)
    except git.GitCommandError as exc:  # a git step that failed after the fetch
        raise GitError(
            f"git {exc.command[1] if len(exc.command) > 1 else ''} failed: {upstream.reason(exc)}",
            hint=f"delete {upstream.CACHE_DIR}/upstream and pull again; report it if it persists",
        ) from None


def _pull(cfg: Config, commit: str | None, follow_pin: bool) -> Pulled:
    up = upstream.settings(cfg)
    old = read_lock(cfg)  # a nonsense lock stops us before anything else
    with FileLock(str(state_dir(cfg.root) / "pull.lock")):
        pinned = commit is not None
        if commit is None and follow_pin and old is not None and old.pinned:
            commit, pinned = old.commit, True
        with _open(cfg, up, commit) as repo:
            target = _target(cfg, repo, up, commit)
            pages = upstream.list_pages(cfg, repo, target, up)
            date = upstream.commit_date(repo, target)
            plan = _plan(cfg, repo, up, old, target, pages)
            lock = Lock(
                url=up.url,
                ref=up.ref,
                path=up.path,
                commit=target,
                date=date,
                pinned=pinned,
                pages={p.relative: p.blob for p in pages},
            )
            upstream.keep(repo, target)  # the last git step: a failure leaves the project as it was
            _apply(cfg, plan)
            written = write_atomic(lock_path(cfg), format_lock(lock).encode("utf-8"))
    return Pulled(
        url=up.url,
        ref=up.ref,
        commit=target,
        date=date,
        previous=old.commit if old else None,
        added=tuple(plan.added),
        changed=tuple(plan.changed),
        removed=tuple(plan.removed),
        renamed=tuple(plan.renamed),
        moved=tuple(plan.moved),
        warnings=tuple(plan.warnings),
        lock_written=written,
    )


@contextlib.contextmanager
def _open(cfg: Config, up: upstream.Settings, commit: str | None) -> Iterator[git.Repo]:
    """The cache; no fetch when a pinned commit is already there (a pinned sync stays offline)."""
    repo = upstream.open_upstream(cfg, fetch=False)
    try:
        if commit is None or not upstream.has_commit(repo, commit.lower()):
            repo.close()
            repo = upstream.open_upstream(cfg, fetch=True)
        yield repo
    finally:
        repo.close()


def _target(cfg: Config, repo: git.Repo, up: upstream.Settings, commit: str | None) -> str:
    if commit is None:
        found = upstream.resolve(repo, up.ref)
        if found is None:
            raise upstream.git_error(
                cfg, "ref", f"unknown ref {up.ref!r} in upstream {up.url!r}", "use a branch, tag or commit that exists"
            )
        return found
    found = upstream.resolve(repo, commit.lower()) if _looks_like_commit(commit) else None
    if found is None:
        found = upstream.resolve_revision(repo, commit)
    if found is None:
        raise GitError(
            f"unknown {'commit' if _looks_like_commit(commit) else 'revision'} {commit!r} in upstream {up.url!r}",
            hint="pass a commit id, tag, branch or a revision such as main~40 that exists upstream to --commit",
        )
    return found


def _looks_like_commit(value: str) -> bool:
    return 4 <= len(value) <= 40 and all(c in "0123456789abcdefABCDEF" for c in value)


def _plan(
    cfg: Config,
    repo: git.Repo,
    up: upstream.Settings,
    old: Lock | None,
    target: str,
    pages: tuple[upstream.UpstreamPage, ...],
) -> _Plan:
    """Everything the pull will write, checked; nothing is written here."""
    plan = _Plan()
    src = cfg.source_dir
    on_disk = {file.relative_to(src).as_posix(): file for _name, file in page_names(cfg)} if src.is_dir() else {}
    ext = dialect(cfg)
    opts = options(cfg)
    for page in pages:
        file = src / page.relative
        data = upstream.read_blob(repo, page.blob)
        rel = display_path(cfg.root, file)
        current = _read(file)
        if current == data:
            continue
        _check_page(data, page.relative, rel, up, target, opts)
        plan.writes[file] = data
        (plan.changed if current is not None else plan.added).append(rel)
    wanted = {p.relative for p in pages}
    for name, file in sorted(on_disk.items()):
        if name not in wanted:
            plan.removals.add(file)
            plan.removed.append(display_path(cfg.root, file))
    for before, after in _renames(cfg, repo, up, old, target, pages):
        plan.renamed.append((f"{cfg.source}/{before}", f"{cfg.source}/{after}"))
        for locale in cfg.target_locales():
            a = po_path(cfg, locale, before.removesuffix(ext.suffix(before) or ".md"))
            b = po_path(cfg, locale, after.removesuffix(ext.suffix(after) or ".md"))
            if not a.is_file():
                continue
            if b.exists():
                plan.warnings.append(
                    f"{display_path(cfg.root, a)}: warning: page renamed upstream to {after}, but "
                    f"{display_path(cfg.root, b)} exists already; both kept (merge them by hand)"
                )
                continue
            plan.moves.append((a, b))
            plan.moved.append((display_path(cfg.root, a), display_path(cfg.root, b)))
    return plan


def _renames(
    cfg: Config,
    repo: git.Repo,
    up: upstream.Settings,
    old: Lock | None,
    target: str,
    pages: tuple[upstream.UpstreamPage, ...],
) -> list[tuple[str, str]]:
    """Pages renamed since the locked commit: git's rename detection, or equal blob ids without it."""
    if old is None or old.commit == target:
        return []
    now = {p.relative for p in pages}
    if old.path == up.path and upstream.has_commit(repo, old.commit):
        pairs = upstream.renames(repo, old.commit, target, up, dialect(cfg).extensions)
    else:  # the old commit is gone (history rewritten): an unchanged page under a new name
        by_blob: dict[str, list[str]] = {}
        for name, blob in old.pages.items():
            by_blob.setdefault(blob, []).append(name)
        pairs = [
            (by_blob[p.blob][0], p.relative)
            for p in pages
            if p.relative not in old.pages and len(by_blob.get(p.blob, [])) == 1
        ]
    return sorted((a, b) for a, b in pairs if a not in now and b in now and a != b)


def _check_page(data: bytes, relative: str, rel: str, up: upstream.Settings, commit: str, opts: Options) -> None:
    """A pulled page must read and segment, or the pull stops before writing anything."""
    try:
        text, bom = decode(data, rel)
        segment_page(Page(name=relative.rsplit(".", 1)[0], path=rel, text=text, bom=bom), opts)
    except InputError as exc:
        raise InputError(
            f"{exc.message} (upstream {up.repo_path(relative)} at {commit[:12]})",
            exc.path,
            exc.line,
            "fix the page upstream, or pin a commit that has a good version: 'pipeline pull --commit SHA'",
        ) from None


def _read(file: Path) -> bytes | None:
    try:
        return file.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PipelineError(f"cannot read: {exc.strerror}", str(file)) from None


def _apply(cfg: Config, plan: _Plan) -> None:
    """New and changed pages and moved PO files, then removals, written by ``apply`` (the lock is
    written last by the caller); folders left empty are pruned.

    Every path is checked to stay inside the project (links resolved) before the first write.
    """
    for path in sorted({*plan.writes, *plan.removals, *(p for move in plan.moves for p in move)}):
        inside(cfg, path)
    files = Plan(command="pull", writes=dict(plan.writes), removals=set(plan.removals))
    for a, b in plan.moves:  # a PO file follows its page: written at its new place, then removed
        files.writes[b] = a.read_bytes()
        files.removals.add(a)
    apply(cfg, files)
    for a, _ in plan.moves:
        _prune_empty(a.parent, cfg.root / cfg.locales_dir)
    for path in sorted(plan.removals):
        _prune_empty(path.parent, cfg.source_dir)


def _prune_empty(folder: Path, stop: Path) -> None:
    """Remove folders left empty below ``stop`` (a page moved or removed from a sub-folder)."""
    with contextlib.suppress(OSError):
        while folder != stop and folder.is_relative_to(stop) and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
