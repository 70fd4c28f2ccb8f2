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


# --- a translator's save during sync (issue 20, case 2)


def translated_site(root: Path, run: Callable[..., Run]) -> Path:
    """A page with three translated entries, synced."""
    from dataclasses import replace

    from pipeline.formats import po

    write(root / "source" / "index.md", "# Home\n\nWe walk to school.\n\nWe cycle home.\n")
    (root / "locales" / "nl").mkdir(parents=True)
    assert run(root, "sync").code == 0
    path = root / "locales" / "nl" / "index.po"
    catalog = po.read_po(path)
    po.write_po(path, replace(catalog, messages=tuple(replace(m, msgstr=m.msgid.upper()) for m in catalog.messages)))
    assert run(root, "sync").code == 0
    return root


def save_by_rename(path: Path, data: bytes) -> None:
    """What an editor does on save: write a new file beside it, rename it over."""
    tmp = path.with_name(path.name + ".editor~")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def test_editor_save_between_read_and_write_is_kept_and_sync_stops(
    tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.workspace import project

    root = translated_site(tmp_path, run)
    write(root / "source" / "index.md", "# Home\n\nWe walk to school.\n\nWe cycle home.\n\nA new line.\n")
    po_file = root / "locales" / "nl" / "index.po"
    saved = po_file.read_bytes().replace(b'msgstr "WE CYCLE HOME."', b'msgstr "Wij fietsen naar huis."')
    built_before = (root / "build" / "nl" / "index.md").read_bytes()
    real_apply = project.apply

    def editor_saves_then_apply(cfg: object, plan: project.Plan, changed: object = None) -> object:
        save_by_rename(po_file, saved)  # the translator saves while sync is between read and write
        return real_apply(cfg, plan, changed)  # type: ignore[arg-type]

    monkeypatch.setattr(project, "apply", editor_saves_then_apply)
    result = run(root, "sync")
    assert result.code == 1
    assert result.err.startswith(
        "locales/nl/index.po: error: changed on disk while sync ran (saved by an editor?); "
        "nothing of page 'index' was written"
    ), result.err
    assert po_file.read_bytes() == saved
    assert (root / "build" / "nl" / "index.md").read_bytes() == built_before
    monkeypatch.undo()
    assert run(root, "sync").code == 0
    assert "Wij fietsen naar huis." in po_file.read_text()
    assert "A new line." in po_file.read_text()


def test_save_at_the_moment_of_the_rename_is_kept(
    tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.workspace import files

    root = translated_site(tmp_path, run)
    write(root / "source" / "index.md", "# Home\n\nWe walk to school.\n\nWe cycle home.\n\nA new line.\n")
    po_file = root / "locales" / "nl" / "index.po"
    saved = po_file.read_bytes().replace(b'msgstr "WE CYCLE HOME."', b'msgstr "Wij fietsen naar huis."')
    real_fsync = files.os.fsync
    done: list[bool] = []

    def fsync_then_editor_saves(fd: int) -> None:  # the last step before write_atomic's check and rename
        real_fsync(fd)
        if not done and os.readlink(f"/proc/self/fd/{fd}").startswith(str(po_file.parent / ".index.po.")):
            done.append(True)
            save_by_rename(po_file, saved)

    monkeypatch.setattr(files.os, "fsync", fsync_then_editor_saves)
    result = run(root, "sync")
    monkeypatch.undo()
    assert done, "the save was not injected"
    assert result.code == 1
    assert result.err.startswith("locales/nl/index.po: error: changed on disk while sync ran"), result.err
    assert po_file.read_bytes() == saved
    assert not [p for p in po_file.parent.iterdir() if p.name.endswith(".tmp")]


def test_editor_that_truncates_then_writes_loses_nothing(
    tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.workspace import project

    root = translated_site(tmp_path, run)
    po_file = root / "locales" / "nl" / "index.po"
    full = po_file.read_bytes()
    po_file.write_bytes(b"")  # sync reads the file while the editor has truncated it ...
    real_apply = project.apply

    def editor_finishes_then_apply(cfg: object, plan: project.Plan, changed: object = None) -> object:
        po_file.write_bytes(full)  # ... and the editor writes its content before sync writes
        return real_apply(cfg, plan, changed)  # type: ignore[arg-type]

    monkeypatch.setattr(project, "apply", editor_finishes_then_apply)
    result = run(root, "sync")
    assert result.code == 1
    assert "changed on disk while sync ran" in result.err
    assert po_file.read_bytes() == full


@pytest.mark.parametrize("cut", ["empty", "truncated"])
def test_empty_or_cut_po_file_with_translations_in_git_is_refused(
    tmp_path: Path, run: Callable[..., Run], cut: str
) -> None:
    root = translated_site(tmp_path, run)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "translated")
    po_file = root / "locales" / "nl" / "index.po"
    full = po_file.read_bytes()
    po_file.write_bytes(b"" if cut == "empty" else full[: full.index(b'msgid "We cycle home."')])
    before = files_of(root)
    result = run(root, "sync")
    assert result.code == 2, result.err
    assert result.err.startswith("locales/nl/index.po: error: "), result.err
    assert ("is empty" if cut == "empty" else "is cut short") in result.err
    assert "git checkout -- locales/nl/index.po" in result.err
    assert files_of(root) == before


def test_empty_po_file_without_translations_in_git_is_fine(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tiny_site(tmp_path)
    assert run(root, "sync").code == 0
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "untranslated")
    (root / "locales" / "nl" / "index.po").write_bytes(b"")
    assert run(root, "sync").code == 0
