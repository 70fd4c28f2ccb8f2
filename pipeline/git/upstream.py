"""The English pages' own git repository: ``[upstream]`` settings, a cache clone, history queries.

The cache is a bare repository under ``.pipeline/upstream`` in the project (ignored by git).
It is created once and re-used: each fetch brings only objects it does not have yet. Every
function here reads git; only ``open_upstream`` (fetching into the cache) writes, and only
inside ``.pipeline/``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import ConfigError, GitError
from pipeline.git.options import Settings as Settings
from pipeline.git.options import upstream_line
from pipeline.lazy import lazy
from pipeline.model import Change as Change
from pipeline.workspace.runlock import private_dir, state_dir

if TYPE_CHECKING:
    import git

    from pipeline.workspace.settings import Config
else:
    git = lazy("git")  # GitPython loads when a command first calls git, not on every start-up

CACHE_DIR = ".pipeline"
"""Folder in the project root for the pipeline's own caches (ignored by git)."""

REMOTE = "origin"
LOCKED_REF = "refs/pipeline/locked"
"""Keeps the commit of ``pipeline.lock`` reachable in the cache, whatever upstream does."""

_KEYS = frozenset({"url", "ref", "path"})
_HEX = re.compile(r"^[0-9a-f]{4,40}$")
_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_LITERAL_PATHSPECS": "1", "GIT_ALLOW_PROTOCOL": "file:git:http:https:ssh"}
"""Never wait for a password prompt; take paths literally (no pathspec magic); fetch only over
real repository transports, never a remote helper such as ``ext::`` (runs a command) or ``fd::``."""
TIMEOUT_ENV = "PIPELINE_GIT_TIMEOUT"
DEFAULT_TIMEOUT = 300.0
"""Seconds a fetch may take before it is stopped (``PIPELINE_GIT_TIMEOUT`` overrides it)."""


def fetch_timeout() -> float:
    """Seconds a fetch may run: ``PIPELINE_GIT_TIMEOUT`` when it is a positive number, else the default."""
    try:
        value = float(os.environ.get(TIMEOUT_ENV, ""))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


@dataclass(frozen=True, slots=True)
class UpstreamPage:
    """One English page at a commit."""

    relative: str
    """Path relative to the upstream ``path`` (``sub/page.md``); also its path under ``source/``."""
    blob: str
    """Git blob id (40 hex digits) of its content."""


# --------------------------------------------------------------------------- settings


def configured(cfg: Config) -> bool:
    """True when ``pipeline.toml`` has an ``[upstream]`` section."""
    return cfg.upstream is not None


def settings(cfg: Config) -> Settings:
    """The validated ``[upstream]`` section; a ``ConfigError`` when there is none."""
    if cfg.upstream is None:
        raise ConfigError(
            "no [upstream] section", cfg.config_path, None, "add [upstream] with url, ref and path to pipeline.toml"
        )
    return cfg.upstream


# --------------------------------------------------------------------------- the cache


MARKER = "pipeline-upstream-cache"
"""A file the pipeline puts in every cache it creates: only a folder with it is ever replaced."""

_MARKER_TEXT = b"This bare repository is the upstream cache of pipeline; it is safe to delete.\n"


def cache_path(cfg: Config) -> Path:
    """``.pipeline/upstream``; a symbolic link there (or at ``.pipeline``) is refused."""
    path = private_dir(cfg.root) / "upstream"
    if path.is_symlink():
        raise GitError(
            "is a symbolic link; the upstream cache is never read, written or replaced through a link",
            f"{CACHE_DIR}/upstream",
            hint=f"delete the link ('rm {CACHE_DIR}/upstream'; what it points at is left alone) and pull again",
        )
    return path


def open_cache(cfg: Config) -> git.Repo | None:
    """The cache repository if it exists (no network); None before the first pull."""
    path = cache_path(cfg)
    if not (path / "HEAD").is_file():
        return None
    return _repo(path)


def open_upstream(cfg: Config, fetch: bool = True) -> git.Repo:
    """The cache clone of ``[upstream]``, created on first use; ``fetch`` brings new objects only.

    Callers close it (``with open_upstream(cfg) as repo:``) to stop git's helper processes.
    """
    up = settings(cfg)
    path = cache_path(cfg)
    if not (path / "HEAD").is_file():
        state_dir(cfg.root)
        _create(path)
    repo = _repo(path)
    try:
        _set_remote(repo, up.location)
        if fetch:
            _fetch(cfg, repo, up)
    except BaseException:
        repo.close()
        raise
    return repo


def _repo(path: Path) -> git.Repo:
    try:
        repo = git.Repo(path)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitError(
            "the upstream cache is not a git repository", str(path), None, f"delete {CACHE_DIR}/upstream and pull again"
        ) from None
    repo.git.update_environment(**_ENV)
    return repo


def _create(path: Path) -> None:
    """Make the bare cache repository in a temporary folder, then move it into place.

    A folder already at ``path`` is replaced only when it carries our ``MARKER`` (a cache of
    ours without HEAD is a broken leftover); anything else there is someone's, and refused.
    """
    if (path.exists() or path.is_symlink()) and not (path / MARKER).is_file():
        raise GitError(
            "is not the pipeline's upstream cache (no marker file); left as it is",
            f"{CACHE_DIR}/upstream",
            hint=f"move it out of {CACHE_DIR}/ (or delete it yourself): the next pull makes a new cache there",
        )
    tmp = Path(tempfile.mkdtemp(prefix=".upstream-", dir=path.parent))
    try:
        git.Repo.init(tmp, bare=True)
        (tmp / MARKER).write_bytes(_MARKER_TEXT)
        if path.exists():
            shutil.rmtree(path)  # ours (marked) but without HEAD: a broken leftover
        tmp.rename(path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _set_remote(repo: git.Repo, location: str) -> None:
    with repo.config_reader() as reader:
        current = reader.get_value(f'remote "{REMOTE}"', "url", default="")
    if current != location:
        with repo.config_writer() as writer:
            writer.set_value(f'remote "{REMOTE}"', "url", location)


def _fetch(cfg: Config, repo: git.Repo, up: Settings) -> None:
    specs = [f"+refs/heads/*:refs/remotes/{REMOTE}/*", "+refs/tags/*:refs/tags/*"]
    if up.ref == "HEAD":
        specs.append(f"+HEAD:refs/remotes/{REMOTE}/HEAD")
    timeout = fetch_timeout()
    try:
        repo.git.fetch("--quiet", "--prune", "--no-write-fetch-head", REMOTE, *specs, kill_after_timeout=timeout)
    except git.GitCommandError as exc:
        why = reason(exc)
        if "did not complete in" in str(exc.stderr or ""):
            why = f"no answer within {timeout:g} s (set {TIMEOUT_ENV} to wait longer)"
        what = "upstream" if up.location in why or up.url in why else f"upstream {up.url!r}"
        raise git_error(
            cfg,
            "url",
            f"cannot fetch from {what}: {why}",
            "check [upstream] url and the network, or run 'pipeline sync --offline'",
        ) from None


def reason(exc: git.GitCommandError) -> str:
    """The most telling line of git's error output."""
    lines = [ln.strip() for ln in str(exc.stderr or "").splitlines() if ln.strip()]
    lines = [re.sub(r"^stderr:\s*'?", "", ln).rstrip("'") for ln in lines]
    for prefix in ("fatal:", "error:"):
        for line in lines:
            if line.startswith(prefix):
                return line[len(prefix) :].strip()
    return lines[-1] if lines else f"git exited with {exc.status}"


# --------------------------------------------------------------------------- commits


def _verify(repo: git.Repo, rev: str) -> str | None:
    try:
        out = repo.git.rev_parse("--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    except git.GitCommandError:
        return None
    return str(out).strip() or None


def has_commit(repo: git.Repo, sha: str) -> bool:
    return bool(_HEX.match(sha)) and _verify(repo, sha) is not None


def resolve(repo: git.Repo, ref: str, *, fetch_missing: bool = True) -> str | None:
    """The full commit id of a branch, tag or commit (abbreviated ids too), or None if unknown.

    A full commit id that no branch or tag reaches is fetched on its own when the upstream allows it.
    """
    candidates = [f"refs/remotes/{REMOTE}/HEAD"] if ref == "HEAD" else []
    candidates += [f"refs/remotes/{REMOTE}/{ref}", f"refs/tags/{ref}"]
    if _HEX.match(ref.lower()):
        candidates.append(ref.lower())
    for candidate in candidates:
        found = _verify(repo, candidate)
        if found:
            return found
    if fetch_missing and re.fullmatch(r"[0-9a-f]{40}", ref.lower()):
        with contextlib.suppress(git.GitCommandError):
            repo.git.fetch("--quiet", "--no-write-fetch-head", REMOTE, ref.lower(), kill_after_timeout=fetch_timeout())
            return _verify(repo, ref.lower())
    return None


_REVISION = re.compile(r"([^~^:\s]+?)((?:[~^][0-9]*)*)")


def resolve_revision(repo: git.Repo, rev: str) -> str | None:
    """The commit of any revision git understands, in the upstream's terms: ``main~40``, ``v2^``, a tag, a short id.

    Branch names mean the upstream's branches (the cache keeps them under ``refs/remotes/``), so
    ``main~40`` is forty commits before the upstream's ``main``, as it would be in a clone of it.
    """
    if not rev or rev.startswith("-"):
        return None
    m = _REVISION.fullmatch(rev)
    if m is not None:
        base = resolve(repo, m.group(1), fetch_missing=False)
        if base is not None:
            return _verify(repo, base + m.group(2)) if m.group(2) else base
    return _verify(repo, rev)


def git_error(cfg: Config, key: str, message: str, hint: str) -> GitError:
    """A ``GitError`` pointing at the line of ``[upstream] key`` in the configuration."""
    return GitError(message, cfg.config_path, _line(cfg, key), hint)


def _line(cfg: Config, key: str) -> int | None:
    return upstream_line(cfg.text, key)


def commit_date(repo: git.Repo, commit: str) -> str:
    """Committer date of a commit, ISO 8601 with its offset."""
    return str(repo.git.show("-s", "--format=%cI", commit, "--")).strip()


def keep(repo: git.Repo, commit: str) -> None:
    """Point ``refs/pipeline/locked`` at ``commit`` so the cache never prunes it."""
    repo.git.update_ref(LOCKED_REF, commit)


# --------------------------------------------------------------------------- trees and blobs


def list_pages(cfg: Config, repo: git.Repo, commit: str, up: Settings) -> tuple[UpstreamPage, ...]:
    """Markdown pages under ``up.path`` at ``commit`` (regular files; hidden files and folders skipped)."""
    if up.path:
        try:
            kind = str(repo.git.cat_file("-t", f"{commit}:{up.path}")).strip()
        except git.GitCommandError:
            kind = ""
        if kind != "tree":
            raise git_error(
                cfg,
                "path",
                f"no folder {up.path!r} at upstream commit {commit[:12]}",
                "set [upstream] path to the folder that holds the English pages",
            )
    args = ["-r", "-z", "--full-tree", commit]
    if up.path:
        args += ["--", up.path]
    out = str(repo.git.ls_tree(*args))
    pages: list[UpstreamPage] = []
    for entry in out.split("\0"):
        if not entry:
            continue
        meta, _, repo_path = entry.partition("\t")
        mode, kind, blob = meta.split()
        relative = up.relative(repo_path)
        if relative is None or kind != "blob" or mode not in ("100644", "100755"):
            continue
        if cfg.dialect.suffix(relative) is None or any(part.startswith(".") for part in relative.split("/")):
            continue
        pages.append(UpstreamPage(relative, blob))
    if not pages:
        raise git_error(
            cfg,
            "path",
            f"no markdown pages under {up.path or 'the repository root'!r} at upstream commit {commit[:12]}",
            "set [upstream] path to the folder that holds the English pages",
        )
    pages.sort(key=lambda p: p.relative)
    return tuple(pages)


def read_blob(repo: git.Repo, blob: str) -> bytes:
    """The bytes of a blob (through git's persistent ``cat-file`` process)."""
    data: bytes = repo.odb.stream(bytes.fromhex(blob)).read()
    return data


# --------------------------------------------------------------------------- history


def renames(
    repo: git.Repo, old: str, new: str, up: Settings, extensions: tuple[str, ...] = (".md",)
) -> list[tuple[str, str]]:
    """Pages renamed (or moved) between two commits, as (old, new) paths relative to ``up.path``.

    git's own rename detection (similarity ≥ 50 %) decides, so an edited-and-moved page counts.
    """
    diffs = repo.commit(old).diff(repo.commit(new), paths=[up.path] if up.path else None, M=True)
    found: list[tuple[str, str]] = []
    for d in diffs:
        if not d.renamed_file or d.rename_from is None or d.rename_to is None:
            continue
        a, b = up.relative(d.rename_from), up.relative(d.rename_to)
        if a is not None and b is not None and a.endswith(extensions) and b.endswith(extensions):
            found.append((a, b))
    return sorted(found)


def _log(repo: git.Repo, *args: str) -> Iterator[Change]:
    """Parse ``git log --raw -z`` output for one followed path, newest first."""
    out = str(repo.git.log("--follow", "--no-abbrev", "--raw", "-z", "--format=%x1e%H%x1f%cI%x1f%s", *args))
    for record in out.split("\x1e")[1:]:
        head, _, rest = record.partition("\0")
        sha, date, summary = ([*head.split("\x1f"), "", ""])[:3]
        tokens = rest.lstrip("\n").split("\0")
        i = 0
        while i < len(tokens):
            meta = tokens[i]
            if not meta.startswith(":"):
                i += 1
                continue
            fields = meta[1:].split()
            status = fields[4] if len(fields) > 4 else "M"
            count = 2 if status[:1] in ("R", "C") else 1
            paths = tokens[i + 1 : i + 1 + count]
            i += 1 + count
            old_blob = None if set(fields[2]) == {"0"} else fields[2]
            new_blob = None if set(fields[3]) == {"0"} else fields[3]
            yield Change(sha, date, summary, paths[-1] if paths else "", old_blob, new_blob)


def page_changes(repo: git.Repo, repo_path: str, since: str | None, until: str) -> list[Change]:
    """Commits that changed the page at ``repo_path`` (its name at ``until``) after ``since``, newest first.

    Renames are followed, so changes made under an older name are included.
    """
    rev = f"{since}..{until}" if since else until
    return list(_log(repo, rev, "--", repo_path))


def page_history(repo: git.Repo, path: str, commit: str, limit: int) -> list[tuple[str, str, str]]:
    """Versions of one page up to ``commit``, newest first, at most ``limit``: (commit, date, text).

    ``path`` is the repository path of the page at ``commit``; renames are followed, commits
    that deleted the page are left out.
    """
    versions: list[tuple[str, str, str]] = []
    if limit <= 0:
        return versions
    for change in _log(repo, commit, "--", path):
        if change.new_blob is None:
            continue
        text = read_blob(repo, change.new_blob).decode("utf-8", errors="replace").removeprefix("\ufeff")
        versions.append((change.commit, change.date, text))
        if len(versions) >= limit:
            break
    return versions
