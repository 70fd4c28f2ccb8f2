"""Progress bars (terminal only, after a second, never with --quiet) and -v stage summaries."""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run, write
from rich.console import Console

from pipeline.cli.main import Io, progress_for
from pipeline.workspace import project
from pipeline.workspace.progress import SILENT, Bars
from pipeline.workspace.settings import load


class Recorder:
    """A Progress that remembers what the stages said."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, int]] = []
        self.done: dict[str, int] = {}

    def start(self, stage: str, total: int) -> None:
        self.stages.append((stage, total))
        self.done[stage] = 0

    def advance(self) -> None:
        self.done[self.stages[-1][0]] += 1


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def small_site(root: Path) -> Path:
    write(root / "source" / "a.md", "# A\n\nText a.\n")
    write(root / "source" / "b.md", "# B\n\nText b.\n")
    write(root / "source" / "c" / "d.md", "# D\n\nText d.\n")
    write(root / "pipeline.toml", 'locales = ["nl", "de"]\n')
    return root


def test_sync_reports_every_stage_with_its_size(tmp_path: Path) -> None:
    recorder = Recorder()
    project.sync(load(small_site(tmp_path)), recorder)
    # sync carries each page through extract, update and build at once (pages in parallel)
    assert recorder.stages == [("sync", 3)]
    assert recorder.done == {"sync": 3}
    separate = Recorder()
    project.build_command(load(tmp_path), separate)
    assert separate.stages == [("read", 3), ("build", 6)]
    assert separate.done == {"read": 3, "build": 6}


def test_bars_appear_once_work_takes_longer_than_the_delay() -> None:
    now = [0.0]
    out = io.StringIO()
    with Bars(Console(file=out, force_terminal=True, width=80), delay=1.0, clock=lambda: now[0]) as bars:
        bars.start("update", 4)
        bars.advance()
        assert not bars.shown
        now[0] = 1.5
        bars.advance()
        assert bars.shown
    assert "update" in out.getvalue()


def test_quick_work_shows_no_bars() -> None:
    out = io.StringIO()
    with Bars(Console(file=out, force_terminal=True), delay=60.0) as bars:
        bars.start("build", 2)
        bars.advance()
        bars.advance()
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    ("quiet", "terminal", "bars"),
    [(False, True, True), (True, True, False), (False, False, False), (True, False, False)],
)
def test_bars_only_on_a_terminal_and_not_quiet(quiet: bool, terminal: bool, bars: bool) -> None:
    err = Tty() if terminal else io.StringIO()
    with progress_for(argparse.Namespace(quiet=quiet), Io(io.StringIO(), err)) as progress:
        assert isinstance(progress, Bars) is bars
        assert (progress is SILENT) is not bars


def test_piped_sync_writes_no_progress(tmp_path: Path, run: Callable[..., Run]) -> None:
    result = run(small_site(tmp_path), "sync")
    assert result.code == 0
    assert result.err == ""


def test_verbose_says_what_each_stage_did(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = small_site(tmp_path)
    first = run(root, "-v", "sync")
    lines = [line.strip() for line in first.out.splitlines() if not line.strip().startswith(("wrote", "removed"))]
    assert lines[1:] == [
        "extract: 3 pages, 6 entries, 3 files changed",
        "update: 6 catalogs (nl, de), 0 fuzzy entries, 6 files changed",
        "build: 6 pages, 0 translated segments, 6 files changed",
    ]
    write(root / "source" / "a.md", "# A\n\nText a, changed.\n")
    second = run(root, "-v", "sync")
    # the two pages nothing changed for are skipped (incremental sync)
    assert "  extract: 1 page (2 unchanged, skipped), 2 entries, 1 file changed" in second.out
    assert "  update: 2 catalogs (nl, de), 0 fuzzy entries, 2 files changed" in second.out


def test_quiet_prints_nothing_on_success(tmp_path: Path, run: Callable[..., Run]) -> None:
    result = run(small_site(tmp_path), "-q", "sync")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_import_reports_its_pages(tmp_path: Path) -> None:
    from pipeline.importer import run as importer

    root = small_site(tmp_path / "site")
    project.sync(load(root))
    pages = tmp_path / "nl"
    write(pages / "a.md", "# A\n\nTekst a.\n")
    write(pages / "b.md", "# B\n\nTekst b.\n")
    recorder = Recorder()
    importer.run_import(load(root), importer.Request("nl", pages, source_dir=root / "source"), recorder)
    assert recorder.stages == [("import", 2)]
    assert recorder.done == {"import": 2}
