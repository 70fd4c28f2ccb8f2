"""One run at a time: a second writing command is refused at once, naming the holder's pid."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import REPO, Run, git, write

from pipeline.cli.main import COMMANDS, WRITING_COMMANDS
from pipeline.workspace.runlock import LOCK_FILE, PID_FILE, STATE_DIR, hold

HOLDER = """
import sys
from pathlib import Path
from pipeline.workspace.runlock import hold
with hold(Path(sys.argv[1]), sys.argv[2]):
    print("held", flush=True)
    sys.stdin.read()
"""


def tiny_site(root: Path) -> Path:
    write(root / "source" / "index.md", "# Home\n\nWe walk to school.\n")
    (root / "locales" / "nl").mkdir(parents=True)
    return root


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and STATE_DIR not in p.relative_to(root).parts
    }


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[Callable[[Path, str], subprocess.Popen[str]]]:
    """Start another process that takes the project's lock the way a run does, and keeps it."""
    started: list[subprocess.Popen[str]] = []

    def _start(root: Path, command: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(root), command],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        started.append(proc)
        return proc

    yield _start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def test_every_registered_command_that_writes_is_locked() -> None:
    names = {c.name for c in COMMANDS}
    assert {"extract", "update", "build", "sync"} <= WRITING_COMMANDS
    assert "status" in names and "status" not in WRITING_COMMANDS


@pytest.mark.parametrize("command", ["sync", "extract", "update", "build"])
def test_second_run_is_refused_at_once_naming_the_holder_pid(
    tmp_path: Path, run: Callable[..., Run], holder: Callable[[Path, str], subprocess.Popen[str]], command: str
) -> None:
    root = tiny_site(tmp_path)
    assert run(root, "sync").code == 0
    write(root / "source" / "index.md", "# Home\n\nWe cycle to school.\n")
    before = files_of(root)
    other = holder(root, "sync")
    started = time.monotonic()
    result = run(root, command)
    assert time.monotonic() - started < 5, "refusal must not wait for the other run"
    assert result.code == 1
    assert result.err == (
        f"{STATE_DIR}/{LOCK_FILE}: error: another pipeline run (pid {other.pid}, 'sync') is working on this "
        "project; wait for it to finish, then run this command again\n"
    )
    assert files_of(root) == before


def test_reading_commands_run_while_another_run_holds_the_lock(
    tmp_path: Path, run: Callable[..., Run], holder: Callable[[Path, str], subprocess.Popen[str]]
) -> None:
    root = tiny_site(tmp_path)
    assert run(root, "sync").code == 0
    holder(root, "sync")
    assert run(root, "status").code == 0


def test_lock_left_by_a_killed_run_is_taken_over(
    tmp_path: Path, run: Callable[..., Run], holder: Callable[[Path, str], subprocess.Popen[str]]
) -> None:
    root = tiny_site(tmp_path)
    killed = holder(root, "sync")
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert (root / STATE_DIR / PID_FILE).read_text() == f"{killed.pid} sync\n"  # what the killed run left
    result = run(root, "sync")
    assert result.code == 0, result.err
    assert f"the previous run (pid {killed.pid}, 'sync') was interrupted" in result.err
    assert (root / "build" / "nl" / "index.md").is_file()
    assert not (root / STATE_DIR / PID_FILE).exists()
    assert "interrupted" not in run(root, "sync").err  # taken over once, then clean


def test_lock_is_released_after_a_failed_run(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tiny_site(tmp_path)
    write(root / "source" / "bad.md", "---\ntitle: [unclosed\n---\n\nText.\n")
    assert run(root, "sync").code == 2
    (root / "source" / "bad.md").unlink()
    result = run(root, "sync")
    assert result.code == 0, result.err
    assert "interrupted" not in result.err


def test_lock_is_held_only_while_the_block_runs(tmp_path: Path) -> None:
    with hold(tmp_path, "sync") as held:
        assert held.took_over is None
        assert (tmp_path / STATE_DIR / PID_FILE).read_text() == f"{os.getpid()} sync\n"
    with hold(tmp_path, "build"):  # free again
        pass


def test_lock_folder_keeps_itself_out_of_git(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tiny_site(tmp_path)
    git(root, "init", "-q")
    assert run(root, "sync").code == 0
    assert (root / STATE_DIR).is_dir()
    assert STATE_DIR not in git(root, "status", "--porcelain", "--untracked-files=all")


def test_lock_that_cannot_be_taken_is_a_clear_error(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tiny_site(tmp_path)
    (root / STATE_DIR / LOCK_FILE).mkdir(parents=True)  # something in the way
    result = run(root, "sync")
    assert result.code == 1
    assert result.err.startswith(f"{STATE_DIR}/{LOCK_FILE}: error: cannot take the lock: Is a directory;")
    assert not (root / "build").exists()
