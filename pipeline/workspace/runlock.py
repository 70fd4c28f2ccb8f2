"""One run at a time: commands that write hold ``.pipeline/run.lock`` while they run.

The lock is an OS file lock (``filelock``: ``flock`` on POSIX, ``msvcrt.locking`` on
Windows), so the operating system releases it the moment its holder dies, even by
SIGKILL: a run that was killed can never block the next one, and a second live run is
refused at once. The holder also writes its pid to ``.pipeline/run.pid`` so the refusal
can name it; that file is only a label, never the lock itself. A pid file still there
when a run takes the lock was left by a run that was killed, which the new run reports
and simply takes over (its files are old or new, and this run finishes the job).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline.errors import InputError, PipelineError
from pipeline.workspace.files import make_dirs, write_atomic

STATE_DIR = ".pipeline"
"""The project's private folder (ignored by git through its own ``.gitignore``)."""
LOCK_FILE = "run.lock"
PID_FILE = "run.pid"
_IGNORE_ALL = b"# created by pipeline: nothing in this folder belongs in git\n*\n"


class LockedError(PipelineError):
    """Another run holds the project's lock."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds (or held) the lock, as its pid file says."""

    pid: int
    command: str


@dataclass(frozen=True, slots=True)
class Held:
    """The lock this process holds, and the killed run it took over (if any)."""

    lock_path: Path
    took_over: Holder | None


def private_dir(root: Path) -> Path:
    """``root/.pipeline`` when it is a real folder (or absent); a symbolic link there is refused.

    ``/.pipeline/`` in ``.gitignore`` does not match a link, so a pull request can commit one
    that leads anywhere; nothing is read, written or deleted through it.
    """
    folder = root / STATE_DIR
    if folder.is_symlink():
        raise InputError(
            "is a symbolic link; the tool keeps its own files there and reads or writes nothing through a link",
            STATE_DIR,
            hint=f"delete the link ('rm {STATE_DIR}'; what it points at is left alone): the next run makes its own",
        )
    if folder.exists() and not folder.is_dir():
        raise InputError(
            "is not a folder; the tool keeps its own files there",
            STATE_DIR,
            hint=f"move the file '{STATE_DIR}' away: the next run makes its own folder",
        )
    return folder


def state_dir(root: Path) -> Path:
    """``root/.pipeline``, created with a ``.gitignore`` that keeps it out of git."""
    folder = private_dir(root)
    try:
        make_dirs(folder)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            write_atomic(ignore, _IGNORE_ALL)
    except OSError as exc:
        raise PipelineError(
            f"cannot create the lock folder: {exc.strerror}",
            f"{STATE_DIR}/",
            hint="make the project folder writable",
        ) from None
    return folder


def read_holder(pid_file: Path) -> Holder | None:
    """The pid and command written by a lock holder, or None when absent or unreadable."""
    try:
        text = pid_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    pid, _, command = text.strip().partition(" ")
    if not pid.isdigit():
        return None
    return Holder(int(pid), command.strip() or "?")


def alive(pid: int) -> bool:
    """True when a process with this pid exists (POSIX); assumed True where that cannot be asked."""
    if os.name != "posix":
        return True  # os.kill(pid, 0) would terminate the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _current_holder(pid_file: Path, wait: float = 0.5) -> Holder | None:
    """The live holder's label; waits briefly for a holder that has locked but not yet written it."""
    deadline = time.monotonic() + wait
    while True:
        holder = read_holder(pid_file)
        if holder is not None and alive(holder.pid):
            return holder
        if time.monotonic() >= deadline:
            return holder
        time.sleep(0.02)


@contextlib.contextmanager
def hold(root: Path, command: str) -> Iterator[Held]:
    """Hold the project's run lock for the ``with`` block, or raise ``LockedError`` at once."""
    folder = state_dir(root)
    lock_path = folder / LOCK_FILE
    pid_file = folder / PID_FILE
    lock = FileLock(str(lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        holder = _current_holder(pid_file)
        who = f"pid {holder.pid}, '{holder.command}'" if holder else "pid unknown"
        raise LockedError(
            f"another pipeline run ({who}) is working on this project",
            f"{STATE_DIR}/{LOCK_FILE}",
            hint="wait for it to finish, then run this command again",
        ) from None
    except OSError as exc:
        raise PipelineError(
            f"cannot take the lock: {exc.strerror or exc}",
            f"{STATE_DIR}/{LOCK_FILE}",
            hint="make the project folder writable (a folder of that name must not be in the way)",
        ) from None
    try:
        previous = read_holder(pid_file)
        took_over = previous if previous is not None and previous.pid != os.getpid() else None
        with contextlib.suppress(OSError):  # the pid is a label for others' messages, not the lock
            write_atomic(pid_file, f"{os.getpid()} {command}\n".encode())
        try:
            yield Held(lock_path, took_over)
        finally:
            with contextlib.suppress(OSError):
                pid_file.unlink()
    finally:
        lock.release()
