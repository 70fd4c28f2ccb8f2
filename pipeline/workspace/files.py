"""Disk access in one place: decoding pages and atomic, change-only writes."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.model import Page

BOM = "\ufeff"


def decode(data: bytes, path: str) -> tuple[str, bool]:
    """Decode UTF-8 page bytes; return the text without BOM and whether a BOM was there."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            path,
            line,
            "save the file as UTF-8",
        ) from None
    if text.startswith(BOM):
        return text[1:], True
    return text, False


def read_page(root: Path, file: Path, name: str) -> Page:
    """Read one markdown page; ``name`` is its page name (``foo/bar``)."""
    rel = display_path(root, file)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", rel) from None
    text, bom = decode(data, rel)
    return Page(name=name, path=rel, text=text, bom=bom)


def page_bytes(text: str, bom: bool) -> bytes:
    """Encode a page as written: UTF-8, with the BOM again if the English page had one."""
    return ((BOM if bom else "") + text).encode("utf-8")


def display_path(root: Path, file: Path) -> str:
    """A path for messages: relative to the project root when inside it (as named, else links resolved)."""
    try:
        return file.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        pass
    try:  # links resolved only when the names as given do not nest (realpath costs a syscall a part)
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(file)


TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
"""Names ``write_atomic`` gives its temporary files (``.<name>.<8 random>.tmp``)."""


class ReadOnlyError(PermissionError):
    """A file the pipeline would rewrite has no write permission for its owner: left as it is."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            errno.EACCES,
            "the file is read-only (make it writable with 'chmod u+w' if pipeline may update it)",
            str(path),
        )


def _mode_of(path: Path) -> int | None:
    """Permission bits of an existing file (links followed), or None when there is none."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode) & 0o777
    except (FileNotFoundError, NotADirectoryError):
        return None


def refuse_read_only(path: Path, data: bytes) -> None:
    """Raise ``ReadOnlyError`` when ``path`` is read-only and ``data`` would change it.

    Checked for every file of a run before the first write, so a refusal leaves all as it was.
    """
    mode = _mode_of(path)
    if mode is None or mode & stat.S_IWUSR:
        return
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    raise ReadOnlyError(path)


ABSENT = ""
"""``digest`` of a file that does not exist."""


def digest(data: bytes | None) -> str:
    """What ``write_atomic``'s ``expect`` compares: a hash of a file's bytes (``ABSENT``: no file)."""
    return ABSENT if data is None else hashlib.sha256(data).hexdigest()


def current_digest(path: Path) -> str:
    """``digest`` of what ``path`` holds now."""
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return ABSENT


class ChangedOnDiskError(Exception):
    """The file no longer holds the bytes the run read: someone saved it meanwhile; it was not replaced."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


def write_atomic(
    path: Path,
    data: bytes,
    expect: str | None = None,
    *,
    compare: bool = True,
    sync_folder: bool = True,
    staged: str | None = None,
) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; return True if written.

    The bytes go to a temporary file in the same folder, are flushed to disk, then renamed
    over the target, and the folder is flushed too: a reader, a crash or a power cut sees
    either the old or the new file, never a mix. A kill leaves at most a temporary file
    (``TEMP_NAME``), which ``remove_stale_temps`` clears on the next run. The new file keeps
    the old one's permission bits (a 0600 PO file stays private); a read-only file is refused
    (``ReadOnlyError``) rather than replaced; a new file gets 0644.

    ``expect`` (a ``digest``) is compare-and-rename: right before the rename the file is read
    again, and if it no longer holds the bytes the run read (an editor saved it meanwhile),
    nothing is replaced and ``ChangedOnDiskError`` is raised. ``compare=False`` skips reading
    the file first (the caller knows it differs); ``sync_folder=False`` leaves flushing the
    folder to the caller (one ``fsync_dir`` per folder after many writes). ``staged``: the
    temporary file ``stage_file`` already wrote with ``data`` (``Stager``), taken over here.
    """
    if compare:
        try:
            if path.read_bytes() == data:
                _discard(staged)
                return False
        except FileNotFoundError:
            pass
    tmp = staged if staged is not None else stage_file(path, data)
    try:
        if expect is not None and current_digest(path) != expect:
            raise ChangedOnDiskError(path)
        os.replace(tmp, path)
    except BaseException:
        _discard(tmp)
        raise
    if sync_folder:
        fsync_dir(path.parent)
    return True


def stage_file(path: Path, data: bytes) -> str:
    """The first half of ``write_atomic``: ``data`` flushed to a temporary file beside ``path``.

    Returns the temporary file's name; ``write_atomic(..., staged=name)`` renames it into place.
    The permission bits are the current file's (0644 for a new one); a read-only file is refused.
    """
    mode = _mode_of(path)
    if mode is not None and not mode & stat.S_IWUSR:
        raise ReadOnlyError(path)
    make_dirs(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o644 if mode is None else mode)
    except BaseException:
        _discard(tmp)
        raise
    return tmp


def _discard(tmp: str | None) -> None:
    if tmp is not None:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


WRITE_THREADS = 8
"""Threads that write files at once: each write waits on ``fsync``, which lets the others run,
and the file system commits concurrent flushes together (about ten times less waiting)."""


@dataclass(frozen=True, slots=True)
class WriteJob:
    """One ``write_atomic`` call of a batch (``sync_folder`` is left to the caller)."""

    path: Path
    data: bytes
    expect: str | None = None
    compare: bool = True
    staged: str | None = None
    """A temporary file ``Stager`` wrote ahead with ``data``: only renamed into place."""


WriteResult = bool | OSError | ChangedOnDiskError | None
"""Per path: True written, False already held the bytes, the error raised, None not attempted."""


def write_groups(groups: Sequence[Sequence[WriteJob]], threads: int = WRITE_THREADS) -> dict[Path, WriteResult]:
    """``write_atomic`` every job, the groups side by side in threads, each group in its order.

    A group (one page's files) stops at its first ``ChangedOnDiskError``: the rest of that page
    stays as it was. Any other ``OSError`` stops every group from starting another file.
    """
    results: dict[Path, WriteResult] = {}
    stop = threading.Event()

    def run(group: Sequence[WriteJob]) -> None:
        for job in group:
            if stop.is_set():
                return
            try:
                results[job.path] = write_atomic(
                    job.path, job.data, job.expect, compare=job.compare, sync_folder=False, staged=job.staged
                )
            except ChangedOnDiskError as exc:
                results[job.path] = exc
                return
            except OSError as exc:
                results[job.path] = exc
                stop.set()
                return

    if threads <= 1 or len(groups) <= 1:
        for group in groups:
            run(group)
        return results
    from concurrent.futures import ThreadPoolExecutor  # not on a no-op's start-up path (it imports logging)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(run, groups))
    return results


def fsync_dirs(folders: Iterable[Path], threads: int = WRITE_THREADS) -> None:
    """``fsync_dir`` of several folders, side by side in threads."""
    todo = list(folders)
    if threads <= 1 or len(todo) <= 1:
        for folder in todo:
            fsync_dir(folder)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(fsync_dir, todo))


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename or unlink in it) to disk; a no-op where unsupported."""
    if os.name != "posix":
        return  # Windows cannot open a folder; NTFS journals the rename itself
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def make_dirs(folder: Path) -> None:
    """``mkdir -p`` that flushes each new folder's entry in its parent, so it survives a power cut."""
    if folder.is_dir():
        return  # the common case: one stat, not a failing mkdir per file written
    missing: list[Path] = []
    probe = folder
    while not probe.is_dir():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    folder.mkdir(parents=True, exist_ok=True)
    for made in reversed(missing):
        fsync_dir(made.parent)


def remove_stale_temps(folder: Path, keep: frozenset[str] = frozenset()) -> list[Path]:
    """Delete temporary files a killed ``write_atomic`` left in ``folder`` (but ``keep``: this run's); return them."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if TEMP_NAME.match(entry.name) and entry.path not in keep and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    if removed:
        fsync_dir(folder)
    return removed


def remove(path: Path) -> bool:
    """Delete a file if it exists; return True if something was removed."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    fsync_dir(path.parent)
    return True


class Stager:
    """Temporary files written ahead, in threads, while a run still computes the rest.

    A big sync plans pages in worker processes; each batch of pages that comes back is staged
    here (``stage_file``: written and flushed beside its target, under a temporary name) while
    the workers go on, so the disk's waiting overlaps the computing. Nothing is renamed into
    place before ``apply`` (which takes each staged file with ``take``): a run that fails
    leaves every file as it was, and ``close`` deletes whatever was not taken, with the folders
    staging had to create if they stayed empty.
    """

    def __init__(self, threads: int = WRITE_THREADS) -> None:
        self._threads = threads
        self._pool: Any = None
        self._jobs: dict[Path, tuple[bytes, Any]] = {}
        self._made: set[Path] = set()

    def stage(self, path: Path, data: bytes) -> None:
        """Start writing ``data`` to a temporary file beside ``path``."""
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=self._threads)
        old = self._jobs.pop(path, None)
        if old is not None:
            _discard(_staged_name(old[1]))
        if not path.parent.is_dir():
            self._made.update(p for p in (path.parent, *path.parent.parents) if not p.is_dir())
        self._jobs[path] = (data, self._pool.submit(stage_file, path, data))

    def take(self, path: Path, data: bytes) -> str | None:
        """The staged temporary file of ``path`` if it holds ``data`` (the caller's now); else None."""
        job = self._jobs.pop(path, None)
        if job is None:
            return None
        tmp = _staged_name(job[1])
        if tmp is not None and job[0] is not data and job[0] != data:
            _discard(tmp)
            return None
        return tmp

    def pending(self) -> frozenset[str]:
        """Names of the temporary files staged and not yet taken (``remove_stale_temps`` keeps them)."""
        return frozenset(name for _, job in self._jobs.values() if (name := _staged_name(job)) is not None)

    def close(self) -> None:
        """Wait for the writes; delete what was not taken, and the folders made for it if empty."""
        for _, job in self._jobs.values():
            _discard(_staged_name(job))
        self._jobs.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        for folder in sorted(self._made, key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only an empty one goes
        self._made.clear()

    def __enter__(self) -> Stager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _staged_name(job: Any) -> str | None:
    """A staging job's temporary file, once written; None when it failed (``write_atomic`` tries again)."""
    try:
        return str(job.result())
    except OSError:
        return None
