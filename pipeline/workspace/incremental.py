"""What ``sync`` may skip: pages whose English, template, PO files and outputs are as it left them.

The record lives in ``.pipeline/sync-cache.json`` (ours, never committed, safe to delete: without
it the next sync does all the work). For each page it keeps the content hash of every file the
page's sync read or wrote: the English page, its template, and per locale the PO file and the
built page. A page is *clean* when all of them still hash the same and nothing global changed:
the pipeline's own code, the configuration text, ``pipeline.lock`` and the locales. A change
anywhere in that list makes the page (or, for a global change, every page) dirty again.

Hashes are read from the file's bytes; the size and modification time only let an unchanged
file skip re-hashing, as git's index does, and a file modified in the same second as the cache
was written is always re-hashed (the "racy" case).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.workspace.files import write_atomic
from pipeline.workspace.runlock import private_dir
from pipeline.workspace.workspace import Workspace

if TYPE_CHECKING:
    from pipeline.workspace.settings import Config

CACHE_FILE = "sync-cache.json"
FORMAT = 1
_RACY_NS = 2_000_000_000  # a file this close to the cache's own write time is re-hashed


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the pipeline's own source files: a new version of the code invalidates the cache."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for file in sorted(package.rglob("*")):
        if file.suffix in (".py", ".json") and "__pycache__" not in file.parts:
            name = file.relative_to(package).as_posix()
            h.update(name.encode() + b"\0" + file.read_bytes() + b"\0")
    return h.hexdigest()


def run_key(cfg: Config) -> str:
    """Everything global a page's output depends on, as one hash."""
    h = hashlib.sha256()
    h.update(code_version().encode())
    h.update(b"\0" + (cfg.config_path or "").encode() + b"\0" + cfg.text.encode())
    h.update(b"\0" + ",".join(cfg.target_locales()).encode())
    lock = cfg.root / "pipeline.lock"
    h.update(b"\0" + (lock.read_bytes() if lock.is_file() else b"-"))
    h.update(b"\0" + os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    return h.hexdigest()


@dataclass(slots=True)
class _Stamp:
    size: int
    mtime_ns: int
    sha: str


@dataclass(slots=True)
class Cache:
    """The last sync's record, and the hashing of files against it."""

    path: Path
    key: str
    written_ns: int = 0
    files: dict[str, _Stamp] = field(default_factory=dict)
    """Per project-relative path: the file as the last sync left it."""
    pages: dict[str, list[str]] = field(default_factory=dict)
    """Per page: the project-relative paths its clean state is made of."""
    warnings: dict[str, list[str]] = field(default_factory=dict)
    """Per page: the warnings its last real sync printed (repeated when it is skipped)."""
    read: Callable[[Path], bytes] = Path.read_bytes
    """How a file is read (the command's ``Workspace``, so a page is read once per command)."""
    folders: dict[str, str] = field(default_factory=dict)
    settled: bool = False
    """True when a file was hashed only because it was written just before the record was
    (racy, as git calls it) and still holds those bytes: a record saved now stops that, so a
    no-op after a big sync does not hash its thousands of fresh files on every run."""
    """Folders' real paths as this command found them (``_inside`` resolves each folder once)."""

    @classmethod
    def load(cls, cfg: Config) -> Cache:
        path = private_dir(cfg.root) / CACHE_FILE
        key = run_key(cfg)
        read = Workspace.of(cfg).read_bytes
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("key") != key:
                return cls(path, key, read=read)
            files = {p: _Stamp(*v) for p, v in data["files"].items()}
            return cls(path, key, int(data["written_ns"]), files, data["pages"], data.get("warnings", {}), read)
        except (OSError, ValueError, KeyError, TypeError):
            return cls(path, key, read=read)  # no cache, or one we cannot read: do all the work

    def _digest(self, root: Path, rel: str) -> str | None:
        file = _inside(root, rel, self.folders)
        if file is None:
            return None  # a link leading out: the page is dirty, and sync's own path check refuses it
        try:
            st = file.stat()
        except OSError:
            return None
        known = self.files.get(rel)
        if (
            known is not None
            and known.size == st.st_size
            and known.mtime_ns == st.st_mtime_ns
            and st.st_mtime_ns < self.written_ns - _RACY_NS
        ):
            return known.sha
        try:
            sha = hashlib.sha256(self.read(file)).hexdigest()
        except OSError:
            return None
        if known is not None and known.size == st.st_size and known.mtime_ns == st.st_mtime_ns and known.sha == sha:
            self.settled = True  # racy only (written just before the record): saving again makes it plain
        return sha

    def clean(self, root: Path, page: str, paths: Iterable[str]) -> bool:
        """True when the page's files are exactly the ones the last sync left (same set, same bytes)."""
        wanted = sorted(paths)
        if self.pages.get(page) != wanted:
            return False
        return all(self._digest(root, rel) == self.files[rel].sha for rel in wanted if rel in self.files)

    def record(
        self, root: Path, page: str, paths: Iterable[str], warnings: list[str], digests: Mapping[str, str] = {}
    ) -> None:
        """Remember a page's files as they are now on disk (after a sync wrote them).

        ``digests``: hashes of bytes the sync itself just planned for some of the paths (what
        it wrote or found already there), so those files are not read back to hash them.
        """
        wanted = sorted(paths)
        for rel in wanted:
            file = _inside(root, rel, self.folders)
            if file is None:
                self.pages.pop(page, None)
                return
            try:
                st = file.stat()
                sha = digests.get(rel) or hashlib.sha256(self.read(file)).hexdigest()
            except OSError:
                self.pages.pop(page, None)
                return
            self.files[rel] = _Stamp(st.st_size, st.st_mtime_ns, sha)
        self.pages[page] = wanted
        self.warnings[page] = warnings

    def forget_except(self, pages: set[str]) -> None:
        """Drop the record of pages that no longer exist."""
        for page in list(self.pages):
            if page not in pages:
                del self.pages[page]
                self.warnings.pop(page, None)
        used = {rel for paths in self.pages.values() for rel in paths}
        self.files = {rel: stamp for rel, stamp in self.files.items() if rel in used}

    def save(self) -> None:
        """Write the record (atomically); a failure only costs the next sync its shortcut."""
        data = {
            "format": FORMAT,
            "key": self.key,
            "written_ns": _now_ns(self.path.parent),
            "files": {rel: [s.size, s.mtime_ns, s.sha] for rel, s in sorted(self.files.items())},
            "pages": dict(sorted(self.pages.items())),
            "warnings": {p: w for p, w in sorted(self.warnings.items()) if w},
        }
        with contextlib.suppress(OSError):
            write_atomic(self.path, json.dumps(data, separators=(",", ":")).encode("utf-8"))


def _inside(root: Path, rel: str, folders: dict[str, str] | None = None) -> Path | None:
    """``root/rel`` when it (links resolved) stays inside ``root``; None when a link leads out.

    Checked before the file is even opened, so the cache never reads through such a link.
    """
    file = root / rel
    known = {} if folders is None else folders  # folder -> its realpath, for one command (one Cache)

    def realpath(folder: str) -> str:
        """The folder's parent resolved once (recursively), then one ``lstat`` for the folder itself."""
        if folder not in known:
            parent, name = os.path.split(folder)
            if not name or parent == folder or name in (".", ".."):
                known[folder] = os.path.realpath(folder)
            else:
                joined = os.path.join(realpath(parent), name)
                known[folder] = os.path.realpath(joined) if os.path.islink(joined) else joined
        return known[folder]

    real_root = realpath(str(root))
    folder, name = os.path.split(str(file))
    real = os.path.join(realpath(folder), name)  # each folder's links resolved once, not once per file
    if os.path.islink(real):
        real = os.path.realpath(real)
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        return None
    return file


def _now_ns(folder: Path) -> int:
    """The file system's idea of now (a fresh file's mtime), so racy files are judged on its clock."""
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / ".clock"
    probe.write_bytes(b"")
    try:
        return probe.stat().st_mtime_ns
    finally:
        probe.unlink(missing_ok=True)
