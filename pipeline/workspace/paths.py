"""Paths stay inside the project: nothing is read or written outside its root.

Configured folders are checked when the configuration is loaded (``config``); the paths
a run actually reads and writes are checked here, after symbolic links are resolved, so
a link planted inside the project cannot lead a run out of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from pipeline.errors import InputError
from pipeline.model import Catalog
from pipeline.workspace.files import display_path

if TYPE_CHECKING:
    from pipeline.workspace.settings import Config

_DRIVE = re.compile(r"^[A-Za-z]:")
_LINE_SUFFIX = re.compile(r":\d+$")


def inside(cfg: Config, path: Path) -> Path:
    """``path`` itself when it (links resolved) lies inside the project root; else an InputError."""
    root = _resolved(cfg.root)
    if not path.resolve().is_relative_to(root):
        raise InputError(
            "leads outside the project (through a symbolic link)",
            display_path(cfg.root, path),
            hint="replace the link with a real file or folder inside the project",
        )
    return path


def first_outside(cfg: Config, paths: Iterable[Path]) -> Path | None:
    """The first of ``paths`` that ``inside`` refuses, else None: each folder resolved once.

    A file resolves to its folder's resolved path plus its name unless the file itself is a
    link, so a run writing thousands of files resolves each folder once, and links fully.
    """
    root = _resolved(cfg.root)
    folders: dict[Path, bool] = {}
    for path in paths:
        ok = folders.get(path.parent)
        if ok is None:
            ok = folders[path.parent] = path.parent.resolve().is_relative_to(root)
        if not ok or (path.is_symlink() and not path.resolve().is_relative_to(root)):
            return path
    return None


@lru_cache(maxsize=64)
def _resolved(root: Path) -> Path:
    """The project root with links resolved (asked once per file written or read: cached)."""
    return root.resolve()


@lru_cache(maxsize=4096)
def escapes(value: str) -> bool:
    """True when a relative path string is absolute or climbs out with ``..`` (POSIX or Windows form)."""
    if not value:
        return False
    if value.startswith(("/", "\\")) or _DRIVE.match(value):
        return True
    parts = set(PurePosixPath(value).parts) | set(PureWindowsPath(value).parts)
    return ".." in parts


def check_references(catalog: Catalog, path: str) -> None:
    """Refuse ``#:`` references that point outside the project (absolute or through ``..``)."""
    for message in catalog.messages:
        for reference in message.references:
            if escapes(_LINE_SUFFIX.sub("", reference)):
                raise InputError(
                    f"reference {reference!r} of this entry points outside the project",
                    path,
                    message.lineno or None,
                    "references are paths relative to the project root; run 'pipeline extract' to restore them",
                )
