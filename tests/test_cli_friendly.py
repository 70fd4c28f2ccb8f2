"""The CLI as a new user meets it: from a subfolder, without git, with a typo, with any git revision."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, Run, git
from gitsite import POSTS, Upstream, project

from pipeline.cli.main import main
from pipeline.git.lock import parse_lock

PIPELINE = [sys.executable, "-m", "pipeline"]


def cli(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PIPELINE, *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_a_command_in_a_subfolder_works_on_the_project_above(site: Path) -> None:
    first = cli(site, "sync")
    assert first.returncode == 0, first.stderr
    inside = site / "locales" / "nl"
    done = cli(inside, "sync")
    assert done.returncode == 0, done.stderr
    assert "0 written" in done.stdout
    assert not (inside / ".pipeline").exists()
    status = cli(site / "source", "status", "--format", "json")
    assert status.returncode == 0 and '"locale": "nl"' in status.stdout


def test_outside_any_project_says_so_and_writes_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "nowhere"
    empty.mkdir()
    done = cli(empty, "sync")
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: no pipeline.toml in {empty.resolve()} or any folder above it;")
    assert "pipeline init" in done.stderr
    assert list(empty.iterdir()) == []


def test_pyproject_tool_table_marks_the_project_root(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    (root / "source" / "deep").mkdir(parents=True)
    (root / "source" / "deep" / "a.md").write_text("# A\n\nText.\n")
    (root / "pyproject.toml").write_text('[tool.pipeline]\nlocales = ["nl"]\n')
    done = cli(root / "source" / "deep", "sync")
    assert done.returncode == 0, done.stderr
    assert (root / "locales" / "nl" / "deep" / "a.po").is_file()
    assert not (root / "source" / "deep" / ".pipeline").exists()


@pytest.mark.parametrize(
    ("typed", "meant"), [("synk", "sync"), ("stauts", "status"), ("improt", "import"), ("chek", "check")]
)
def test_a_mistyped_command_gets_a_suggestion(typed: str, meant: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main([typed])
    assert stop.value.code == 2
    assert f"did you mean '{meant}'?" in capsys.readouterr().err


def test_a_word_far_from_every_command_gets_no_guess(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["frobnicate-everything"])
    assert "did you mean" not in capsys.readouterr().err


def _without_git(tmp_path: Path) -> dict[str, str]:
    """PATH with python and gettext but no git; GitPython pointed at a git that does not exist."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("msgcat", "msgfmt"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_PYTHON")}
    env["PATH"] = str(bin_dir)
    env["GIT_PYTHON_GIT_EXECUTABLE"] = str(tmp_path / "no" / "git")
    return env


def test_without_git_help_and_offline_commands_work(site: Path, tmp_path: Path) -> None:
    env = _without_git(tmp_path)
    helped = cli(site, "--help", env=env)
    assert helped.returncode == 0 and "COMMAND" in helped.stdout, helped.stderr
    assert cli(site, "sync", env=env).returncode == 0
    status = cli(site, "status", env=env)
    assert status.returncode == 0, status.stderr


def test_without_git_a_command_that_needs_it_fails_in_one_line(tmp_path: Path) -> None:
    up = Upstream(tmp_path / "upstream")
    root = project(tmp_path / "site", str(up.root))
    done = cli(root, "pull", env=_without_git(tmp_path))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("error: git was not found")
    assert "Traceback" not in done.stderr


def test_pull_commit_takes_any_revision(tmp_path: Path, run: Callable[..., Run]) -> None:
    up = Upstream(tmp_path / "upstream")
    first = up.head()
    git(up.root, "tag", "v1")
    second = up.write("walk.md", "# Walking\n\nSecond.\n")
    third = up.write("walk.md", "# Walking\n\nThird.\n")
    root = project(tmp_path / "site", str(up.root))
    for rev, expected in (("main~2", first), ("main~1", second), ("v1", first), ("v1^0", first), (third[:7], third)):
        result = run(root, "pull", "--commit", rev)
        assert result.code == 0, (rev, result.err)
        lock = parse_lock((root / "pipeline.lock").read_text())
        assert (lock.commit, lock.pinned) == (expected, True), rev
    bad = run(root, "pull", "--commit", "main~99")
    assert bad.code == 2 and "unknown revision 'main~99'" in bad.err


def test_dashboard_dates_come_from_the_upstream_history(tmp_path: Path, run: Callable[..., Run]) -> None:
    up = Upstream(tmp_path / "upstream")
    (up.root / POSTS / "bike.md").write_text("# Cycling\n\nOld news.\n")
    git(up.root, "add", "-A")
    env = {**os.environ, "GIT_AUTHOR_DATE": "2021-03-04T10:00:00Z", "GIT_COMMITTER_DATE": "2021-03-04T10:00:00Z"}
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-qm", "old"], cwd=up.root, env=env, check=True
    )
    root = project(tmp_path / "site", str(up.root))
    git(root, "init", "-q")
    assert run(root, "sync").code == 0
    git(root, "add", "-A")
    git(root, "commit", "-qm", "pulled today")
    from pipeline.cli.main import _last_changes
    from pipeline.workspace.settings import load

    dates = _last_changes(load(root))
    assert dates["bike"] == "2021-03-04"
    assert dates["walk"] != "2021-03-04"
    out = tmp_path / "r.html"
    assert run(root, "report", "--html", str(out)).code == 0
    assert "2021-03-04" in out.read_text()


def test_the_sample_site_is_found_from_its_source_folder() -> None:
    done = cli(REPO / "source", "status", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert not (REPO / "source" / ".pipeline").exists()
