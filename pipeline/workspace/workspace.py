"""The read-once workspace: every English page and PO file a command needs, each read from disk once.

A command (``sync``, ``status``, ``check``, ``report`` …) runs many stages over the same files:
``report`` computes the status (extract and update in memory), then the checks, the fuzzy
entries and the site title. Each used to read the pages and the PO files again. They now ask
the command's :class:`Workspace`, which reads each file on first use and keeps its bytes and
what was parsed from them (a page's segmented ``Document``, a ``Catalog``).

A file that changes on disk while the command runs (``apply`` and ``check --fix`` write through
``write_atomic``: a new file, renamed into place) is read again: every cached value is keyed
by the file's identity (inode, size, modification time), taken with one ``stat``.

The CLI opens one workspace per reading command (``status``, ``check``, ``report``, ``diff``:
:func:`attach`); a writing command (``sync`` …) reads each file once anyway and would only
hold every parsed file in memory, and library calls get a fresh workspace per call (nothing
kept between calls). Worker processes
of a parallel sync receive the settings and page names only: the workspace does not pickle.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import InputError
from pipeline.lazy import lazy
from pipeline.model import Catalog, Page
from pipeline.workspace.files import decode, display_path

if TYPE_CHECKING:
    from pipeline.formats import po
    from pipeline.segment import walker
    from pipeline.segment.walker import Document
    from pipeline.workspace.settings import Settings

else:
    po = lazy("pipeline.formats.po")
    walker = lazy("pipeline.segment.walker")

_Key = tuple[int, int, int, int]


def read_file(path: Path) -> bytes:
    """The one place pages and PO files are read from disk (tests count its calls)."""
    return path.read_bytes()


def _key(path: Path) -> _Key | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


@dataclass(slots=True)
class Workspace:
    """One command's view of the project's files, read lazily and once."""

    settings: Settings
    _bytes: dict[Path, tuple[_Key, bytes]] = field(default_factory=dict)
    _parsed: dict[tuple[str, Path], tuple[_Key, Any]] = field(default_factory=dict)
    reads: int = 0
    """Files read from disk so far (for ``-v`` and tests)."""

    @classmethod
    def of(cls, settings: Settings) -> Workspace:
        """The command's workspace attached to ``settings``, or a fresh one (kept only by the caller)."""
        found = settings.workspace_slot.get()
        return found if isinstance(found, Workspace) else cls(settings)

    def read_bytes(self, path: Path) -> bytes:
        """The bytes of a file (``OSError`` when it cannot be read), from disk at most once while unchanged."""
        key = _key(path)
        cached = self._bytes.get(path)
        if cached is not None and key is not None and cached[0] == key:
            return cached[1]
        data = read_file(path)
        self.reads += 1
        if key is not None and key == _key(path):
            self._bytes[path] = (key, data)
        return data

    def _memo(self, kind: str, path: Path, make: Callable[[bytes], Any]) -> Any:
        key = _key(path)
        cached = self._parsed.get((kind, path))
        if cached is not None and key is not None and cached[0] == key:
            return cached[1]
        value = make(self.read_bytes(path))
        if key is not None:
            self._parsed[(kind, path)] = (key, value)
        return value

    def page(self, file: Path, name: str) -> Page:
        """One English (or translated) markdown page; ``name`` is its page name."""
        root = self.settings.root
        rel = display_path(root, file)

        def make(data: bytes) -> Page:
            text, bom = decode(data, rel)
            return Page(name=name, path=rel, text=text, bom=bom)

        try:
            page: Page = self._memo(f"page:{name}", file, make)
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", rel) from None
        return page

    def document(self, file: Path, name: str) -> Document:
        """A page read and segmented with the project's options."""
        options = self.settings.segment
        try:
            doc: Document = self._memo(
                f"doc:{name}", file, lambda _data: walker.segment_page(self.page(file, name), options)
            )
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", display_path(self.settings.root, file)) from None
        return doc

    def catalog(self, path: Path, display: str | None = None) -> Catalog:
        """A PO file or template, parsed (``InputError`` when it cannot be read or parsed)."""
        name = display if display is not None else display_path(self.settings.root, path)
        try:
            catalog: Catalog = self._memo(f"po:{name}", path, lambda data: po.loads_po(data, name))
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", name) from None
        return catalog


def attach(settings: Settings) -> Workspace:
    """Open the command's workspace: from now on every reader given ``settings`` shares it."""
    ws = Workspace(settings)
    settings.workspace_slot.value = ws
    return ws
