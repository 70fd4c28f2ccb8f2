"""Git history: the upstream pages' text changes (``History``, from the upstream cache), and the
project's own history (older versions of an English page, when a file was last committed).

With ``pipeline.git.upstream`` and ``pipeline.git.pull`` this is the only place git is called.
Every function reads; none writes; outside a git work tree (or without git) each returns
nothing rather than failing. Paths are given relative to ``cwd`` and passed
to git as they are, run from ``cwd``, like ``git -C cwd``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import PipelineError
from pipeline.git import upstream
from pipeline.lazy import lazy
from pipeline.model import Page
from pipeline.segment.walker import Options, segment_page
from pipeline.stages.extract import content_hash, template_messages
from pipeline.stages.merge import squash
from pipeline.workspace.dialect import page_file
from pipeline.workspace.files import decode

if TYPE_CHECKING:
    import git

    from pipeline.workspace.settings import Config
else:
    git = lazy("git")  # GitPython loads when a command first calls git, not on every start-up


@dataclass(frozen=True, slots=True)
class Version:
    """One committed version of a file."""

    commit: str
    date: str
    """Author date, ISO 8601 with offset."""
    text: str
    """Decoded as UTF-8 (bad bytes replaced), without a byte order mark."""


def _run(cwd: Path, *args: str) -> str | None:
    try:
        return str(git.Git(str(cwd)).execute(["git", *args], strip_newline_in_stdout=False))
    except (git.GitCommandError, git.GitCommandNotFound, OSError):
        return None


def _show(cwd: Path, commit: str, rel: str) -> str | None:
    """The text of ``rel`` at ``commit``; None when it is not there."""
    try:
        data = git.Git(str(cwd)).execute(
            ["git", "show", f"{commit}:./{rel}"], stdout_as_string=False, strip_newline_in_stdout=False
        )
    except (git.GitCommandError, git.GitCommandNotFound, OSError):
        return None
    return bytes(data).decode("utf-8", "replace").removeprefix("\ufeff")


def versions(cwd: Path, rel: str, limit: int = 10) -> list[str]:
    """Texts of the last ``limit`` committed versions of ``rel``, newest first."""
    log = _run(cwd, "log", f"-n{limit}", "--format=%H", "--", rel)
    if log is None:
        return []
    texts: list[str] = []
    for commit in log.split():
        text = _show(cwd, commit, rel)
        if text is not None:
            texts.append(text)
    return texts


def last_commit_date(file: Path) -> str | None:
    """Author date of the last commit of ``file``; None when it has none (or is not in git)."""
    logged = _run(file.parent, "log", "-1", "--format=%aI", "--", file.name)
    return logged.strip() if logged and logged.strip() else None


def version_at(cwd: Path, rel: str, date: str) -> Version | None:
    """The version of ``rel`` as committed on or before ``date`` (ISO 8601)."""
    log = _run(cwd, "log", "--format=%H %aI", "--", rel)
    if not log:
        return None
    when = datetime.fromisoformat(date)
    for line in log.splitlines():
        commit, _, stamp = line.partition(" ")
        if stamp and datetime.fromisoformat(stamp) <= when:
            text = _show(cwd, commit, rel)
            return Version(commit, stamp, text) if text is not None else None
    return None


def newest_dates(log: str, names: Mapping[str, str]) -> dict[str, str]:
    """Per name, the date of its newest commit in ``git log --format=%x00<date> --name-only`` output."""
    dates: dict[str, str] = {}
    for record in log.split("\x00")[1:]:
        date, _, changed_files = record.partition("\n")
        for path in changed_files.split("\n"):
            changed = names.get(path.strip())
            if changed is not None and changed not in dates:
                dates[changed] = date.strip()
    return dates


def last_changes(root: Path, folder: Path, files: Mapping[str, Path]) -> dict[str, str]:
    """Per name: the date (``YYYY-MM-DD``) of the last commit that changed its file, or ``uncommitted``.

    ``files`` maps names to files; those under ``folder`` are found with one ``git log`` over
    the folder, the others by their own path. Empty when ``root`` is not in a git repository.
    """
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return {}
    try:
        top = Path(repo.working_tree_dir or root).resolve()
        names: dict[str, str] = {}
        for name, file in files.items():
            names[file.resolve().relative_to(top).as_posix()] = name
        paths = sorted(
            {folder.resolve().relative_to(top).as_posix() or "."} | {p for p in names if not p.endswith(".md")}
        )
        log = repo.git.log("--format=%x00%cs", "--name-only", "--no-renames", "--", *paths)
        dirty = repo.git.status("--porcelain", "--untracked-files=all", "--", *paths)
    except (git.GitCommandError, ValueError):
        return {}
    finally:
        repo.close()
    dates = newest_dates(log, names)
    for line in dirty.splitlines():
        changed = names.get(line[3:].split(" -> ")[-1].strip().strip('"'))
        if changed is not None:
            dates[changed] = "uncommitted"
    return dates


# --------------------------------------------------------------------------- upstream: text changes


@dataclass(slots=True)
class History:
    """Range queries on the upstream cache, with each blob's content hash computed once."""

    repo: git.Repo
    settings: upstream.Settings
    options: Options
    _hashes: dict[str, str] = field(default_factory=dict)
    cfg: Config | None = None
    """The project, to find a page's file extension (``[site] dialect``)."""

    @classmethod
    @contextlib.contextmanager
    def open(cls, cfg: Config, options: Options) -> Iterator[History | None]:
        """The history of ``[upstream]`` from the cache (no network); None without upstream or cache."""
        if not upstream.configured(cfg):
            yield None
            return
        repo = upstream.open_cache(cfg)
        if repo is None:
            yield None
            return
        try:
            yield cls(repo, upstream.settings(cfg), options, cfg=cfg)
        finally:
            repo.close()

    def text_hash(self, blob: str, name: str) -> str:
        """Hash of a page version's text as translators see it, whitespace runs squashed (``!…`` if unreadable)."""
        if blob not in self._hashes:
            try:
                text, bom = decode(upstream.read_blob(self.repo, blob), name)
                doc = segment_page(Page(name=name, path=name, text=text, bom=bom), self.options)
                messages = template_messages(doc)
                self._hashes[blob] = content_hash(tuple(replace(m, msgid=squash(m.msgid)) for m in messages))
            except (PipelineError, ValueError):
                self._hashes[blob] = "!" + blob
        return self._hashes[blob]

    def changes(self, page: str, since: str | None, until: str | None) -> tuple[upstream.Change, ...]:
        """Commits after ``since`` up to ``until`` that changed the text of ``page``, newest first."""
        if not since or not until or since == until:
            return ()
        if not (upstream.has_commit(self.repo, since) and upstream.has_commit(self.repo, until)):
            return ()
        suffix = page_file(self.cfg, self.cfg.source_dir, page).suffix if self.cfg is not None else ".md"
        repo_path = self.settings.repo_path(page + suffix)
        try:
            found = upstream.page_changes(self.repo, repo_path, since, until)
        except git.GitCommandError:
            return ()
        kept: list[upstream.Change] = []
        for change in found:
            if (
                change.old_blob
                and change.new_blob
                and self.text_hash(change.old_blob, page) == self.text_hash(change.new_blob, page)
            ):
                continue
            kept.append(change)
        return tuple(kept)


def changed_files(cwd: Path, folder: str) -> list[str] | None:
    """Paths under ``folder`` (relative to ``cwd``) that differ from HEAD or are untracked; None outside git."""
    try:
        out = git.Git(str(cwd)).execute(
            ["git", "status", "--porcelain", "-z", "--untracked-files=all", "--", folder],
            stdout_as_string=False,
            strip_newline_in_stdout=False,
        )
    except (git.GitCommandError, git.GitCommandNotFound, OSError):
        return None
    entries = bytes(out).decode("utf-8", "replace").split("\0")
    return [entry[3:] for entry in entries if len(entry) > 3]


def committed_text(cwd: Path, rel: str) -> str | None:
    """The text of ``rel`` as committed at HEAD; None when it is not committed (or not in git)."""
    return _show(cwd, "HEAD", rel)
