"""Kill at any point: SIGKILL a real `pipeline sync` at 50 seeded moments; nothing is ever lost.

The run under test is a real `pipeline sync` process (forked from a warm server, see
tests/sync_server.py, so that it starts at once) on a copy of the sample site
whose English changed (sentences edited, a paragraph dropped, a page added, a page removed),
so it writes templates, PO files and pages and removes others. After each kill: every file
is byte-equal to its version before the run or after a complete run (a temporary file of
the atomic writer may be left), every msgstr that existed before is still in its PO file,
and running sync again finishes the job: the tree is then exactly the complete run's.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, write

from pipeline.cli.main import main
from pipeline.formats import po
from pipeline.workspace.files import TEMP_NAME
from pipeline.workspace.runlock import STATE_DIR

KILLS = 50
NEW_PAGES = 12
SEED = 20240509
EPOCH = "1735689600"  # SOURCE_DATE_EPOCH: template dates come from it, so runs compare byte for byte

Tree = dict[str, bytes]


def snapshot(root: Path) -> tuple[Tree, list[str]]:
    """Files under root (the lock folder aside) and the temporary files among them."""
    files: Tree = {}
    temps: list[str] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel.split("/")[0] == STATE_DIR or not path.is_file():
            continue
        if TEMP_NAME.match(path.name):
            temps.append(rel)
        else:
            files[rel] = path.read_bytes()
    return files, temps


def msgstrs(tree: Tree) -> set[tuple[str, str]]:
    """(PO file, msgstr) of every non-empty translation, active or obsolete."""
    found: set[tuple[str, str]] = set()
    for rel, data in tree.items():
        if rel.endswith(".po"):
            for m in po.parse_po(data.decode("utf-8"), rel).messages:
                if m.msgstr:
                    found.add((rel, m.msgstr))
    return found


@contextmanager
def epoch() -> Iterator[None]:
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def sync_in_process(root: Path) -> tuple[int, str]:
    err = io.StringIO()
    with epoch():
        code = main(["--root", str(root), "-q", "sync"], out=io.StringIO(), err=err)
    return code, err.getvalue()


def change_english(root: Path) -> None:
    """Edit a sentence on every page, drop a paragraph, add pages, remove a page."""
    for page in sorted((root / "source").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[-1] if text.startswith("---\n") else text
        first = next(ln for ln in body.splitlines() if re.match(r"[A-Z]", ln))
        page.write_text(text.replace(first, first.rstrip(".") + ", as we now say.", 1), encoding="utf-8")
    faq = root / "source" / "faq.md"
    paragraphs = faq.read_text(encoding="utf-8").split("\n\n")
    faq.write_text("\n\n".join(p for i, p in enumerate(paragraphs) if i != len(paragraphs) // 2), encoding="utf-8")
    write(root / "source" / "volunteers.md", "# Volunteers\n\nWe meet every Tuesday.\nBring a friend.\n")
    for n in range(1, NEW_PAGES + 1):  # a new section: many small files, so the run writes for a while
        write(root / "source" / "news" / f"item-{n}.md", f"# News item {n}\n\nStreet {n} was closed today.\n")
    (root / "source" / "press.md").unlink()


@dataclass(frozen=True)
class Scenario:
    old_dir: Path
    old: Tree
    new: Tree
    before: set[tuple[str, str]]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    base = tmp_path_factory.mktemp("kill")
    old_dir = base / "old"
    old_dir.mkdir()
    for name in ("source", "locales", "messages"):
        shutil.copytree(REPO / name, old_dir / name)
    shutil.copy(REPO / "pipeline.toml", old_dir / "pipeline.toml")
    assert sync_in_process(old_dir)[0] == 0  # the site as it was: built and in sync
    change_english(old_dir)
    new_dir = base / "new"
    shutil.copytree(old_dir, new_dir)
    assert sync_in_process(new_dir)[0] == 0
    old, _ = snapshot(old_dir)
    new, _ = snapshot(new_dir)
    before = msgstrs(old)
    assert before, "the sample site must have translations to lose"
    assert len([r for r in new if old.get(r) != new[r]]) >= 30, "the run must write many files"
    return Scenario(old_dir, old, new, before)


class SyncServer:
    """`pipeline sync` runs forked from a warm process (tests/sync_server.py), so they start at once."""

    def __init__(self, **extra_env: str) -> None:
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(REPO), **extra_env}
        self.proc = subprocess.Popen(
            [sys.executable, str(REPO / "tests" / "sync_server.py")],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def start(self, root: Path) -> int:
        """Fork a `pipeline --root ROOT -q sync` process; return its pid."""
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(f"{root}\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def finished(self, timeout: float = 0.0) -> int | None:
        """The run's wait status once it has ended, else None."""
        assert self.proc.stdout
        if not select.select([self.proc.stdout], [], [], timeout)[0]:
            return None
        line = self.proc.stdout.readline()
        assert line.startswith("exit "), line
        return int(line.split()[1])

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server() -> Iterator[SyncServer]:
    srv = SyncServer()
    yield srv
    srv.close()


def write_window(server: SyncServer, scenario: Scenario, work: Path, runs: int = 3) -> tuple[float, float]:
    """Seconds after start when a complete run writes its first and its last file.

    Read afterwards from the files' modification times (polling during the run would slow
    it down and skew the window); the median of a few runs.
    """
    firsts: list[float] = []
    lasts: list[float] = []
    for i in range(runs):
        folder = work / str(i)
        shutil.copytree(scenario.old_dir, folder)
        server.start(folder)
        t0 = time.time_ns()
        assert server.finished(timeout=60) == 0, "the complete run failed"
        tree, _ = snapshot(folder)
        assert tree == scenario.new
        stamps = [(folder / rel).stat().st_mtime_ns - t0 for rel in tree if scenario.old.get(rel) != scenario.new[rel]]
        firsts.append(max(min(stamps), 0) / 1e9)
        lasts.append(max(max(stamps), 0) / 1e9)
        shutil.rmtree(folder)
    return statistics.median(firsts), statistics.median(lasts)


def classify(scenario: Scenario, tree: Tree) -> str:
    """'old', 'new' or 'mixed'; fails if a file is neither its old nor its new version."""
    is_old = is_new = True
    for rel in sorted(scenario.old.keys() | scenario.new.keys() | tree.keys()):
        have, was, will = tree.get(rel), scenario.old.get(rel), scenario.new.get(rel)
        assert have in (was, will), f"{rel} is neither its old nor its new version"
        is_old &= have == was
        is_new &= have == will
    return "old" if is_old else "new" if is_new else "mixed"


def kill_once(server: SyncServer, scenario: Scenario, work: Path, delay: float) -> tuple[str, int]:
    """SIGKILL a sync ``delay`` seconds after its start; check nothing was lost and a re-run
    finishes the job. Returns how the tree was left ('old', 'mixed', 'new') and the
    temporary files the kill left behind."""
    shutil.copytree(scenario.old_dir, work)
    pid = server.start(work)
    time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    assert server.finished(timeout=60) is not None
    tree, temps = snapshot(work)
    outcome = classify(scenario, tree)
    assert scenario.before <= msgstrs(tree), f"the kill after {delay:.3f}s lost a translation"

    code, err = sync_in_process(work)
    assert code == 0, err
    again, left = snapshot(work)
    assert left == [], f"the kill after {delay:.3f}s: temporary files left after the re-run: {left}"
    assert again == scenario.new, f"the kill after {delay:.3f}s: the re-run did not finish the job"
    assert scenario.before <= msgstrs(again)
    shutil.rmtree(work)
    return outcome, len(temps)


@pytest.mark.slow
def test_sigkill_at_50_moments_loses_nothing_and_rerun_finishes(
    scenario: Scenario, server: SyncServer, tmp_path: Path
) -> None:
    start_writing, end = write_window(server, scenario, tmp_path / "calibrate")
    rng = random.Random(SEED)
    outcomes: dict[str, int] = {"old": 0, "mixed": 0, "new": 0}
    temps_left = 0
    for i in range(KILLS):
        # One kill in five anywhere in the run; the others where it writes, which is where it matters.
        margin = (end - start_writing) * 0.25 + 0.005
        lo, hi = (0.0, end + margin) if i % 5 == 0 else (max(start_writing - margin, 0.0), end + margin)
        outcome, temps = kill_once(server, scenario, tmp_path / f"kill-{i}", rng.uniform(lo, hi))
        outcomes[outcome] += 1
        temps_left += temps
    # On a loaded machine the calibrated window can drift: aim again, from fresh timings, until
    # enough kills land mid-write (each extra kill is checked just the same).
    extra = 0
    while outcomes["mixed"] < 5 and extra < 3 * KILLS:
        if extra % 10 == 0:
            start_writing, end = write_window(server, scenario, tmp_path / f"calibrate-{extra}", runs=1)
        outcome, temps = kill_once(server, scenario, tmp_path / f"extra-{extra}", rng.uniform(start_writing, end))
        outcomes[outcome] += 1
        temps_left += temps
        extra += 1
    print(
        f"\n{KILLS + extra} kills survived (writes from {start_writing:.3f}s to {end:.3f}s): "
        f"{outcomes['old']} before any write, {outcomes['mixed']} mid-write, {outcomes['new']} after; "
        f"{temps_left} temporary files left by kills, all cleared by the re-run"
    )
    assert outcomes["mixed"] >= 5, f"too few kills landed while files were written: {outcomes}"


def test_write_that_fails_midway_is_a_clear_error_and_the_next_run_finishes(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root / "source" / "a.md", "# A\n\nFirst page.\n")
    write(root / "source" / "b.md", "# B\n\nSecond page.\n")
    (root / "locales" / "nl").mkdir(parents=True)
    (root / "build" / "nl" / "b.md").mkdir(parents=True)  # a folder where a page must go
    code, err = sync_in_process(root)
    assert code == 1
    assert err.startswith("build/nl/b.md: error: cannot write: Is a directory; fix the cause and run again")
    assert (root / "build" / "nl" / "a.md").read_text() == "# A\n\nFirst page.\n"  # written before: complete
    (root / "build" / "nl" / "b.md").rmdir()
    assert sync_in_process(root) == (0, "")
    assert (root / "build" / "nl" / "b.md").read_text() == "# B\n\nSecond page.\n"


# --- workers die with their parent (issue 20, case 5)

ORPHAN_KILLS = 8
"""Kills per signal (SIGTERM, SIGKILL) while a parallel sync's worker processes are alive."""


def marked(mark: str) -> set[int]:
    """Pids of live processes whose environment carries ``mark`` (zombies and unreadable ones aside)."""
    found: set[int] = set()
    needle = mark.encode() + b"\0"
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0]
            with open(f"/proc/{entry}/environ", "rb") as f:
                environ = f.read()
        except OSError:
            continue
        if state != b"Z" and needle in environ + b"\0":
            found.add(int(entry))
    return found


def children(pid: int) -> set[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return {int(p) for p in f.read().split()}
    except OSError:
        return set()


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="counts processes through /proc (Linux)")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_workers_die_with_a_killed_sync(scenario: Scenario, tmp_path: Path, sig: signal.Signals) -> None:
    mark = f"PIPELINE_TEST_ORPHAN_MARK={os.getpid()}-{sig.name}-{time.time_ns()}"
    name, _, value = mark.partition("=")
    server = SyncServer(PIPELINE_JOBS="2", **{name: value})
    rng = random.Random(SEED)
    landed = orphans = 0
    try:
        for i in range(ORPHAN_KILLS):
            work = tmp_path / f"kill-{i}"
            shutil.copytree(scenario.old_dir, work)
            pid = server.start(work)
            deadline = time.monotonic() + 10
            while not children(pid) and time.monotonic() < deadline and server.finished() is None:
                time.sleep(0.002)
            workers = children(pid)
            if workers:
                time.sleep(rng.uniform(0.0, 0.05))
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
                landed += 1
                assert server.finished(timeout=60) is not None
            left = marked(mark) - {server.proc.pid}
            deadline = time.monotonic() + 3
            while left and time.monotonic() < deadline:
                time.sleep(0.02)
                left = marked(mark) - {server.proc.pid}
            orphans += len(left)
            for stray in left:  # ours to clean up: started by this test
                with contextlib.suppress(ProcessLookupError):
                    os.kill(stray, signal.SIGKILL)
            tree, _ = snapshot(work)
            assert scenario.before <= msgstrs(tree), f"{sig.name} {i} lost a translation"
            shutil.rmtree(work)
    finally:
        server.close()
    print(f"\n{sig.name}: {landed} of {ORPHAN_KILLS} kills landed while 2 workers were alive; {orphans} orphans left")
    assert landed >= ORPHAN_KILLS // 2, "too few kills landed while the workers were alive"
    assert orphans == 0, f"{orphans} worker processes outlived a sync killed with {sig.name}"
