"""A commit of a git repository as a read-only file tree (``sitedetect.Tree``), for ``pipeline init``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import git

from pipeline.workspace.sitedetect import SKIP_DIRS


@dataclass(frozen=True, slots=True)
class GitTree:
    """The files of ``commit`` in ``repo`` (the upstream cache), read without a checkout."""

    repo: git.Repo
    commit: str

    def files(self) -> Iterator[str]:
        out = str(self.repo.git.ls_tree("-r", "-z", "--name-only", "--full-tree", self.commit))
        for path in out.split("\0"):
            if path and not any(part in SKIP_DIRS for part in path.split("/")[:-1]):
                yield path

    def read(self, path: str) -> str | None:
        try:
            data = self.repo.git.cat_file("blob", f"{self.commit}:{path}", stdout_as_string=False)
        except git.GitCommandError:
            return None
        try:
            return bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            return None
