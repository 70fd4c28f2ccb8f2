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
    folder to the caller (one ``fsync_dir`` per folder after many writes).
    """
    if compare:
        try:
            if path.read_bytes() == data:
                return False
        except FileNotFoundError:
            pass
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
        if expect is not None and current_digest(path) != expect:
            raise ChangedOnDiskError(path)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if sync_folder:
        fsync_dir(path.parent)
    return True


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
                results[job.path] = write_atomic(job.path, job.data, job.expect, compare=job.compare, sync_folder=False)
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


def remove_stale_temps(folder: Path) -> list[Path]:
    """Delete temporary files a killed ``write_atomic`` left in ``folder``; return them."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if TEMP_NAME.match(entry.name) and entry.is_file(follow_symlinks=False):
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
