"""The plan and its one writer: files to write and remove, computed first, then ``apply``.

Every command plans all its outputs in memory (``project.plan_project``, ``check --fix``,
``import``) and only ``apply`` touches the disk: each file atomically and only if its bytes
changed, a file the run read only while it still holds the bytes read (compare and rename).
So a failure leaves every file as it was, an interruption leaves each file old or new, and a
second run writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import PipelineError
from pipeline.model import Finding, Severity
from pipeline.wording import counted as _count
from pipeline.workspace.files import (
    ChangedOnDiskError,
    WriteJob,
    current_digest,
    display_path,
    fsync_dirs,
    refuse_read_only,
    remove,
    remove_stale_temps,
    write_groups,
)
from pipeline.workspace.paths import first_outside, inside

if TYPE_CHECKING:
    from pipeline.workspace.settings import Settings as Config

FALLBACK = "fallback"
"""Code of the warning for a translation build refused (the English stays)."""


@dataclass(frozen=True, slots=True)
class Fallback:
    """A translation that build refused, so the English stayed on the page."""

    locale: str
    page: str
    po_path: str
    line: int
    msgid: str
    reason: str
    msgctxt: str | None = None

    def finding(self) -> Finding:
        """The fallback as a warning at its entry in the PO file."""
        return Finding(self.po_path, self.line, 0, FALLBACK, Severity.WARNING, f"English kept: {self.reason}")


@dataclass(slots=True)
class Plan:
    """Files to write and remove, computed before anything touches the disk."""

    writes: dict[Path, bytes] = field(default_factory=dict)
    removals: set[Path] = field(default_factory=set)
    warnings: list[Finding] = field(default_factory=list)
    """Notes for the user (an orphaned catalog, a note matching no key): warnings with a stable code."""
    fallbacks: list[Fallback] = field(default_factory=list)
    stage_of: dict[Path, str] = field(default_factory=dict)
    """Which stage planned each write or removal (for the per-stage summary of ``-v``)."""
    notes: dict[str, str] = field(default_factory=dict)
    """Per stage: what it looked at (``111 pages``), completed with what changed after writing."""
    unchanged: set[Path] = field(default_factory=set)
    """Files sync planned whose bytes are already on disk (left out of ``writes``)."""
    digests: dict[Path, str] = field(default_factory=dict)
    """sha256 of each file sync's workers planned (written or unchanged), for the incremental cache."""
    read: dict[Path, str] = field(default_factory=dict)
    """PO files the run read and will rewrite: the ``files.digest`` of the bytes it read.

    ``apply`` replaces such a file only while it still holds those bytes (compare and rename),
    so a translator's save during the run is never reverted.
    """
    page_of: dict[Path, str] = field(default_factory=dict)
    """Which page (or message file) each planned write belongs to."""
    command: str = "sync"
    """The command that planned it, for the error when a file it read changed on disk meanwhile."""


@dataclass(frozen=True, slots=True)
class StageNote:
    """What one stage did, for ``-v``: ``extract: 111 pages, 3 changed``."""

    stage: str
    text: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command did, for the CLI to report."""

    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    warnings: tuple[Finding, ...]
    fallbacks: tuple[Fallback, ...]
    pages: int
    locales: tuple[str, ...]
    stages: tuple[StageNote, ...] = ()
    message_files: int = 0
    """``[[messages]]`` files handled besides the pages."""


def apply(cfg: Config, plan: Plan, changed: dict[str, int] | None = None) -> tuple[list[str], list[str], int]:
    """Write and remove what the plan says; return (written, removed, unchanged).

    Every path is checked to stay inside the project before anything is touched, and
    temporary files left by a killed run in the folders written to are cleared first.
    A PO file the run read is replaced only while it still holds the bytes read (checked
    before the first write and again right before its rename); when one changed, nothing
    more of its page is written and an error names it once the other pages are done.
    ``changed`` (if given) counts the files each stage actually wrote or removed.
    """
    outside = first_outside(cfg, sorted(plan.writes.keys() | plan.removals))
    if outside is not None:
        inside(cfg, outside)  # raises, naming it
    for path in sorted(plan.writes):
        try:
            refuse_read_only(path, plan.writes[path])
        except OSError as exc:
            raise _write_error(cfg, path, exc) from None
    for folder in sorted({p.parent for p in plan.writes.keys() | plan.removals}):
        remove_stale_temps(folder)
    changed_on_disk: list[Path] = []
    held: set[str] = set()
    written: list[str] = []
    removed: list[str] = []
    unchanged = 0
    tally = changed if changed is not None else {}
    path = cfg.root
    try:
        for path in sorted(plan.read):  # saved since the run read them: their pages are held back
            if path in plan.writes and current_digest(path) != plan.read[path]:
                changed_on_disk.append(path)
                held.add(plan.page_of.get(path, ""))
        # the PO files a run read go first, so a save caught at its rename holds back the rest of its
        # page; the pages are written side by side in threads (their flushes overlap), each in this order
        order = sorted(plan.writes, key=lambda p: (p not in plan.read, p))
        groups: dict[object, list[WriteJob]] = {}
        for path in order:
            if plan.page_of.get(path, "") in held and path in plan.page_of:
                continue
            # a file a worker already compared (it has a digest) differs from the disk: no read-back
            job = WriteJob(path, plan.writes[path], plan.read.get(path), compare=path not in plan.digests)
            groups.setdefault(plan.page_of.get(path, path), []).append(job)
        results = write_groups(list(groups.values()))
        for path in order:
            done = results.get(path)
            if isinstance(done, ChangedOnDiskError):
                changed_on_disk.append(path)
            elif isinstance(done, OSError):
                raise done
            elif done:
                written.append(display_path(cfg.root, path))
                stage = plan.stage_of.get(path, "")
                tally[stage] = tally.get(stage, 0) + 1
            elif done is not None:
                unchanged += 1
        fsync_dirs(sorted({p.parent for p in plan.writes}))  # each folder flushed once, after its renames
        for path in sorted(plan.removals):
            if remove(path):
                removed.append(display_path(cfg.root, path))
                stage = plan.stage_of.get(path, "")
                tally[stage] = tally.get(stage, 0) + 1
    except OSError as exc:
        raise _write_error(cfg, path, exc) from None
    if changed_on_disk:
        raise _changed_error(cfg, changed_on_disk, plan)
    return written, removed, unchanged + len(plan.unchanged)


def _changed_error(cfg: Config, paths: list[Path], plan: Plan) -> PipelineError:
    """PO files saved by someone while the run worked: kept as saved, their pages not written."""
    first = paths[0]
    page = plan.page_of.get(first, "?")
    others = f" (and {_count(len(paths) - 1, 'other file')})" if len(paths) > 1 else ""
    return PipelineError(
        f"changed on disk while {plan.command} ran (saved by an editor?); nothing of page '{page}' was written{others}",
        display_path(cfg.root, first),
        hint="the saved file is kept as it is: run the command again to take it in",
    )


def _write_error(cfg: Config, path: Path, exc: OSError) -> PipelineError:
    return PipelineError(
        f"cannot write: {exc.strerror or exc}",
        display_path(cfg.root, path),
        hint="fix the cause and run again: every file is complete, old or new, and the next run finishes",
    )
