"""PO files cut short by accident: compared with their last committed version.

An editor that truncates a file and then writes it, a full disk or a crashed tool can leave
a PO file empty or holding only its first part. Read as it is, such a file is a catalog with
fewer translations, and ``update`` would faithfully write that loss back. So before a run
reads PO files, each one that git reports as modified is compared with its version at
``HEAD``: when it is empty, or is the beginning of the committed bytes, and has fewer
translations than they had, the run is refused with a hint to restore it. Outside a git
work tree (or without git) there is nothing to compare with, and nothing is refused.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import InputError, PipelineError
from pipeline.lazy import lazy

if TYPE_CHECKING:
    from pipeline.formats import po
else:
    po = lazy("pipeline.formats.po")

_TIMEOUT = 30


def _git(root: Path, *args: str) -> bytes | None:
    """stdout of a git command run in ``root``, or None when git fails or is missing."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def changed_files(root: Path, folder: str) -> list[str] | None:
    """Paths under ``folder`` (relative to ``root``) that differ from HEAD or are untracked; None outside git.

    One ``git status`` in a subprocess: sync's summary asks it every run, so it does not pay
    for importing GitPython.
    """
    out = _git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--", folder)
    if out is None:
        return None
    entries = out.decode("utf-8", "replace").split("\0")
    return [entry[3:] for entry in entries if len(entry) > 3]


def _translated(data: bytes, name: str) -> int | None:
    """Active entries with a msgstr (fuzzy ones too), or None when the bytes do not parse."""
    try:
        catalog = po.loads_po(data, name)
    except PipelineError:
        return None
    return sum(1 for m in catalog.messages if m.msgid and not m.obsolete and (m.msgstr or any(m.msgstr_plural)))


def refuse_cut_catalogs(root: Path, folder: str) -> None:
    """Refuse a modified PO file under ``folder`` (project-relative) that lost the end of its committed version."""
    listed = _git(root, "diff", "--no-ext-diff", "--name-only", "-z", "--relative", "HEAD", "--", folder)
    if not listed:
        return
    for rel in sorted(p for p in listed.decode("utf-8", "surrogateescape").split("\0") if p.endswith(".po")):
        file = root / rel
        try:
            data = file.read_bytes()
        except OSError:
            continue  # deleted or unreadable: the run says so when it reads it
        committed = _git(root, "show", f"HEAD:./{rel}")
        if not committed or data == committed or not committed.startswith(data):
            continue
        had = _translated(committed, rel) or 0
        has = _translated(data, rel) if data else 0
        if had == 0 or (has is not None and has >= had):
            continue
        what = (
            "is empty"
            if not data
            else f"is cut short (the first {len(data):,} of its {len(committed):,} committed bytes)"
        )
        raise InputError(
            f"{what}, but its last commit has {had} translation{'s' if had != 1 else ''}; nothing was written",
            rel,
            hint=f"restore it with 'git checkout -- {rel}' (commit the change first if you made it on purpose)",
        )
