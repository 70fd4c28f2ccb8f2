"""Worker processes of a parallel sync die with the run that started them.

A worker blocked on its task queue would otherwise outlive a ``sync`` killed by SIGTERM or
SIGKILL (SIGINT is handled by the pool itself) and wait forever. On Linux each worker asks
the kernel for a parent-death signal (``prctl(PR_SET_PDEATHSIG, SIGKILL)``); elsewhere a
small thread in the worker watches for its parent to go. Either way a worker whose parent
is already gone when it starts exits at once.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
_POLL = 0.5


def _parent_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; True when that worked."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_POLL)
    os._exit(1)


def die_with_parent(parent: int) -> None:
    """Pool initializer: end this worker when process ``parent`` (the run) ends."""
    if not _parent_death_signal():
        threading.Thread(target=_watch, args=(parent,), daemon=True, name="die-with-parent").start()
    if os.getppid() != parent:  # the run died before the signal was asked for
        os._exit(1)
