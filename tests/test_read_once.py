"""Read once: ``pipeline report`` and ``pipeline check`` read every English page and PO file at most once.

Every read of a file's bytes goes through ``Path.read_bytes`` (the PO reader, the page reader,
the sync cache's hashing, the stale-catalog comparison), so counting its calls per file counts
the reads, whichever module makes them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import Run, write

_READ = Path.read_bytes


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[Path]]:
    """Counts of ``Path.read_bytes`` calls per resolved path, while the test runs."""
    counts: Counter[Path] = Counter()

    def counting(self: Path) -> bytes:
        counts[self.resolve()] += 1
        return _READ(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    yield counts


def _project_files(root: Path, counts: Counter[Path]) -> dict[str, int]:
    """Reads of the project's pages, templates and PO files, by project-relative path."""
    top = root.resolve()
    return {
        p.relative_to(top).as_posix(): n
        for p, n in counts.items()
        if p.is_relative_to(top) and p.suffix in (".md", ".po", ".pot") and "build" not in p.relative_to(top).parts
    }


def _prepare(site: Path, run: Callable[..., Run]) -> None:
    """The sample site synced, one page changed since (so status finds fuzzy work and a stale catalog)."""
    assert run(site, "sync", "-q").code == 0
    about = site / "source" / "about.md"
    write(about, about.read_text(encoding="utf-8").replace("\n\n", "\n\nA new sentence for readers.\n\n", 1))


def test_report_reads_each_page_and_po_file_once(
    site: Path, run: Callable[..., Run], reads: Counter[Path], tmp_path: Path
) -> None:
    _prepare(site, run)
    reads.clear()
    result = run(site, "report", "--html", str(tmp_path / "report.html"))
    assert result.code == 0, result.err
    seen = _project_files(site, reads)
    assert any(p.startswith("source/") for p in seen) and any(p.endswith(".po") for p in seen)
    assert {p: n for p, n in seen.items() if n > 1} == {}


def test_check_reads_each_page_and_po_file_once(site: Path, run: Callable[..., Run], reads: Counter[Path]) -> None:
    _prepare(site, run)
    reads.clear()
    result = run(site, "check")
    assert result.code in (0, 1), result.err
    seen = _project_files(site, reads)
    assert any(p.startswith("source/") for p in seen) and any(p.endswith(".po") for p in seen)
    assert {p: n for p, n in seen.items() if n > 1} == {}


def test_a_file_rewritten_during_a_command_is_read_again(site: Path) -> None:
    """The workspace keys what it keeps by the file's identity: a file replaced on disk is read anew."""
    from pipeline.workspace.files import write_atomic
    from pipeline.workspace.settings import load
    from pipeline.workspace.workspace import attach

    ws = attach(load(site))
    po = site / "locales" / "nl" / "about.po"
    first = ws.catalog(po)
    assert ws.catalog(po) is first and ws.reads == 1
    write_atomic(po, po.read_bytes().replace(b"msgstr", b"msgstr", 1) + b"\n")
    assert ws.catalog(po) is not first and ws.reads == 2


def test_worker_processes_get_the_settings_without_the_workspace(site: Path) -> None:
    """A parallel sync pickles the settings for its workers: the workspace stays behind."""
    import pickle

    from pipeline.workspace.settings import load
    from pipeline.workspace.workspace import Workspace, attach

    settings = load(site)
    ws = attach(settings)
    ws.catalog(site / "locales" / "nl" / "about.po")
    copy = pickle.loads(pickle.dumps(settings))
    assert copy == settings
    assert copy.workspace_slot.get() is None and Workspace.of(copy) is not ws
