"""``pipeline pull`` and ``sync`` with [upstream], against real git repositories made in tmp_path."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run, git, msgcat_stable, msgfmt_check, write
from gitsite import POSTS, Upstream, project, snapshot, translate_all

from pipeline.formats import po
from pipeline.git.lock import parse_lock


@pytest.fixture
def upstream(tmp_path: Path) -> Upstream:
    return Upstream(tmp_path / "upstream")


@pytest.fixture
def site(tmp_path: Path, upstream: Upstream) -> Path:
    return project(tmp_path / "site", str(upstream.root))


def test_pull_copies_pages_and_writes_lock(site: Path, upstream: Upstream, run: Callable[..., Run]) -> None:
    result = run(site, "pull")
    assert result.code == 0, result.err
    for name in ("walk.md", "bike.md", "news/spring.md"):
        assert (site / "source" / name).read_bytes() == (upstream.root / POSTS / name).read_bytes()
    assert not (site / "source" / "README.md").exists()
    lock = parse_lock((site / "pipeline.lock").read_text())
    assert lock.commit == upstream.head()
    assert lock.ref == "main" and lock.path == POSTS and not lock.pinned
    blob = git(upstream.root, "rev-parse", f"HEAD:{POSTS}/news/spring.md").strip()
    assert lock.pages["news/spring.md"] == blob
    assert "3 added" in result.out


def test_pull_brings_added_changed_and_deleted_pages(site: Path, upstream: Upstream, run: Callable[..., Run]) -> None:
    run(site, "pull")
    upstream.write("walk.md", "# Walking to school\n\nChildren walk together every day.\n")
    upstream.write("new.md", "# New page\n\nSomething new.\n")
    upstream.delete("bike.md")
    result = run(site, "pull")
    assert result.code == 0, result.err
    assert "1 added, 1 changed, 1 removed" in result.out
    assert (site / "source/new.md").is_file()
    assert not (site / "source/bike.md").exists()
    assert "every day" in (site / "source/walk.md").read_text()


def test_pull_and_sync_twice_change_nothing_and_lock_is_byte_stable(
    site: Path, upstream: Upstream, run: Callable[..., Run]
) -> None:
    assert run(site, "sync").code == 0
    translate_all(site)
    assert run(site, "sync").code == 0
    first = snapshot(site)
    again = run(site, "sync")
    assert again.code == 0
    assert "0 added, 0 changed, 0 removed" in again.out and "0 written" in again.out
    assert snapshot(site) == first


def test_sync_keeps_git_status_clean_on_second_run(site: Path, run: Callable[..., Run]) -> None:
    write(site / ".gitignore", "/build/\n")  # .pipeline/ ignores itself
    git(site, "init", "-q")
    assert run(site, "sync").code == 0
    git(site, "add", "-A")
    git(site, "commit", "-qm", "pulled")
    assert run(site, "sync").code == 0
    assert git(site, "status", "--porcelain") == ""


def test_cache_is_reused_and_fetches_only_new_commits(site: Path, upstream: Upstream, run: Callable[..., Run]) -> None:
    run(site, "pull")
    cache = site / ".pipeline" / "upstream"
    marker = cache / "pipeline-test-marker"
    marker.write_text("still the same cache")
    before = set(git(cache, "rev-list", "--all").split())
    upstream.write("walk.md", "# Walking\n\nA shorter page.\n")
    assert run(site, "pull").code == 0
    after = set(git(cache, "rev-list", "--all").split())
    assert marker.exists()
    assert after - before == {upstream.head()}


def test_renamed_page_keeps_its_translations(site: Path, upstream: Upstream, run: Callable[..., Run]) -> None:
    run(site, "sync")
    translate_all(site)
    run(site, "sync")
    translated = po.read_po(site / "locales/nl/bike.po").messages
    upstream.move("bike.md", "cycling.md")
    result = run(site, "sync")
    assert result.code == 0, result.err
    assert "1 renamed (1 PO files moved)" in result.out
    assert not (site / "locales/nl/bike.po").exists()
    moved = po.read_po(site / "locales/nl/cycling.po")
    assert [m.msgstr for m in moved.messages] == [m.msgstr for m in translated]
    assert all(m.translated for m in moved.messages)
    assert moved.header_value("X-Pipeline-Source") == "source/cycling.md"
    assert "no English page" not in result.err


def test_page_moved_into_a_subfolder_and_edited_keeps_its_translations(
    site: Path, upstream: Upstream, run: Callable[..., Run]
) -> None:
    run(site, "sync")
    translate_all(site)
    run(site, "sync")
    text = (upstream.root / POSTS / "walk.md").read_text()
    upstream.move("walk.md", "school/walk.md")
    upstream.write("school/walk.md", text.replace("Parents take turns.", "Parents take turns each week."))
    assert run(site, "sync").code == 0
    catalog = po.read_po(site / "locales/nl/school/walk.po")
    assert not (site / "locales/nl/walk.po").exists()
    changed = next(m for m in catalog.messages if m.msgid.startswith("Children walk"))
    assert changed.fuzzy and changed.previous_msgid == "Children walk together. Parents take turns."
    assert sum(m.translated for m in catalog.messages) == len(catalog.messages) - 1
    for path in (site / "locales").rglob("*.po*"):
        msgfmt_check(path)
        msgcat_stable(path)


def test_deleted_page_keeps_its_po_file(site: Path, upstream: Upstream, run: Callable[..., Run]) -> None:
    run(site, "sync")
    translate_all(site)
    run(site, "sync")
    upstream.delete("news/spring.md")
    result = run(site, "sync")
    assert result.code == 0
    assert not (site / "source/news").exists()
    assert po.read_po(site / "locales/nl/news/spring.po").messages[0].msgstr == "SPRING NEWS"
    assert "no English page 'news/spring'" in result.err


def test_pull_commit_pins_and_sync_keeps_the_pin(site: Path, upstream: Upstream, run: Callable[..., Run]) -> None:
    old = upstream.head()
    upstream.write("walk.md", "# Walking\n\nNewer text.\n")
    result = run(site, "pull", "--commit", old[:10])
    assert result.code == 0, result.err
    lock = parse_lock((site / "pipeline.lock").read_text())
    assert lock.commit == old and lock.pinned
    assert run(site, "sync").code == 0
    assert parse_lock((site / "pipeline.lock").read_text()).commit == old
    assert "Newer text" not in (site / "source/walk.md").read_text()
    assert run(site, "pull").code == 0  # a plain pull follows the ref again
    lock = parse_lock((site / "pipeline.lock").read_text())
    assert lock.commit == upstream.head() and not lock.pinned


def test_sync_offline_does_not_pull(site: Path, upstream: Upstream, run: Callable[..., Run]) -> None:
    run(site, "sync")
    upstream.write("walk.md", "# Walking\n\nNewer text.\n")
    result = run(site, "sync", "--offline")
    assert result.code == 0
    assert "pull:" not in result.out
    assert "Newer text" not in (site / "source/walk.md").read_text()


def test_tag_ref_and_relative_url(tmp_path: Path, upstream: Upstream, run: Callable[..., Run]) -> None:
    git(upstream.root, "tag", "v1")
    upstream.write("walk.md", "# After the tag\n")
    site = project(tmp_path / "site", "../upstream", ref="v1")
    assert run(site, "pull").code == 0
    assert "After the tag" not in (site / "source/walk.md").read_text()


def test_upstream_as_file_url_and_bundle(tmp_path: Path, upstream: Upstream, run: Callable[..., Run]) -> None:
    git(upstream.root, "bundle", "create", str(tmp_path / "en.bundle"), "--all")
    for url in (f"file://{upstream.root}", str(tmp_path / "en.bundle")):
        site = project(tmp_path / f"site-{len(url)}", url)
        result = run(site, "pull")
        assert result.code == 0, result.err
        assert (site / "source/news/spring.md").is_file()


# --------------------------------------------------------------------------- bad input


def _bad_url(site: Path, upstream: Upstream) -> None:
    project(site, str(upstream.root.parent / "nowhere"))


def _refused_port(site: Path, upstream: Upstream) -> None:
    project(site, "http://127.0.0.1:9/site.git")


def _unknown_ref(site: Path, upstream: Upstream) -> None:
    project(site, str(upstream.root), ref="no-such-branch")


def _path_outside(site: Path, upstream: Upstream) -> None:
    project(site, str(upstream.root), path="../elsewhere")


def _missing_path(site: Path, upstream: Upstream) -> None:
    project(site, str(upstream.root), path="src/pages")


def _nonsense_lock(site: Path, upstream: Upstream) -> None:
    lock = site / "pipeline.lock"
    lock.write_text(lock.read_text().replace('commit = "', 'commit = "zz', 1))


def _broken_toml_lock(site: Path, upstream: Upstream) -> None:
    lock = site / "pipeline.lock"
    lock.write_text(lock.read_text() + "\n[pages\n")


def _lock_unknown_key(site: Path, upstream: Upstream) -> None:
    lock = site / "pipeline.lock"
    lock.write_text(lock.read_text().replace("pinned = false", "pinned = false\nbranch = 3"))


@pytest.mark.parametrize(
    ("breakage", "where", "fragment"),
    [
        (_bad_url, "pipeline.toml:4: error:", "cannot fetch from upstream"),
        (_refused_port, "pipeline.toml:4: error:", "cannot fetch from upstream"),
        (_unknown_ref, "pipeline.toml:5: error:", "unknown ref 'no-such-branch'"),
        (_path_outside, "pipeline.toml:6: error:", "outside the upstream repository"),
        (_missing_path, "pipeline.toml:6: error:", "no folder 'src/pages'"),
        (_nonsense_lock, "pipeline.lock:5: error:", "not a 40-digit commit id"),
        (_broken_toml_lock, "pipeline.lock:", "invalid TOML"),
        (_lock_unknown_key, "pipeline.lock:8: error:", "unknown key 'branch'"),
    ],
)
def test_bad_input_is_one_clear_line_exit_2_nothing_changed(
    site: Path,
    upstream: Upstream,
    run: Callable[..., Run],
    breakage: Callable[[Path, Upstream], None],
    where: str,
    fragment: str,
) -> None:
    assert run(site, "sync").code == 0
    translate_all(site)
    upstream.write("walk.md", "# Changed upstream\n")
    breakage(site, upstream)
    before = snapshot(site)
    for command in (("pull",), ("sync",)):
        result = run(site, *command)
        assert result.code == 2, result.out + result.err
        lines = result.err.strip().splitlines()
        assert len(lines) == 1, result.err
        assert lines[0].startswith(where) and fragment in lines[0], lines[0]
        assert "; " in lines[0]  # a hint follows
        assert snapshot(site) == before


def test_unknown_commit_on_the_command_line(site: Path, run: Callable[..., Run]) -> None:
    result = run(site, "pull", "--commit", "0123456789abcdef0123456789abcdef01234567")
    assert result.code == 2
    assert result.err.startswith("error: unknown commit '0123456789abcdef")
    assert not (site / "source").exists() and not (site / "pipeline.lock").exists()


def test_upstream_page_that_cannot_be_read_stops_the_pull(
    site: Path, upstream: Upstream, run: Callable[..., Run]
) -> None:
    assert run(site, "sync").code == 0
    upstream.write("walk.md", "# Fine now\n")
    upstream.write("bike.md", "---\ntitle: [unclosed\n---\n\n# Cycling\n")
    before = snapshot(site)
    result = run(site, "pull")
    assert result.code == 2
    assert result.err.startswith("source/bike.md:3: error: front matter is not valid YAML")
    assert f"upstream {POSTS}/bike.md at" in result.err
    assert snapshot(site) == before


def test_no_upstream_section_makes_pull_an_error(tmp_path: Path, run: Callable[..., Run]) -> None:
    write(tmp_path / "pipeline.toml", 'locales = ["nl"]\n')
    result = run(tmp_path, "pull")
    assert result.code == 2
    assert "no [upstream] section" in result.err


def test_translator_loop_turns_the_gate_green(tmp_path: Path, upstream: Upstream, run: Callable[..., Run]) -> None:
    site = project(tmp_path / "site", str(upstream.root), extra='\n[check]\nfail_on = ["stale-catalog", "fuzzy"]\n')
    run(site, "sync")
    translate_all(site)
    run(site, "sync")
    assert run(site, "check").code == 0
    text = (upstream.root / POSTS / "bike.md").read_text()
    upstream.write("bike.md", text.replace("at the gate", "behind the school"))
    assert run(site, "sync").code == 0  # pulls the new English
    failed = run(site, "check")
    assert failed.code == 1 and "locales/nl/bike.po:" in failed.out and "[fuzzy]" in failed.out
    translate_all(site)  # the translator fixes the entry in the PO file
    assert run(site, "sync").code == 0
    assert run(site, "check").code == 0


def test_broken_cache_is_a_clear_error(site: Path, run: Callable[..., Run]) -> None:
    assert run(site, "pull").code == 0
    cache = site / ".pipeline/upstream"
    for item in ("objects", "refs"):
        shutil.rmtree(cache / item)
    result = run(site, "pull")
    assert result.code == 2
    assert "upstream cache is not a git repository" in result.err and "delete .pipeline/upstream" in result.err


# --- transports and time (issue 20, case 10)


def _pipeline(root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Run:
    """The CLI in a child process, so a run that hangs fails the test instead of blocking it."""
    import os
    import subprocess
    import sys

    from conftest import REPO

    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        stdin=subprocess.DEVNULL,
    )
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.mark.parametrize("url", ["fd::17", "ext::sh -c touch% pwned", "FD::0", "ext::git-upload-pack %S"])
def test_remote_helper_transports_are_refused(tmp_path: Path, url: str) -> None:
    site = project(tmp_path / "site", url)
    result = _pipeline(site, "pull", timeout=30)
    assert result.code == 2, result.err
    transport = url.split("::")[0].lower()
    assert result.err.startswith(
        f"pipeline.toml:4: error: [upstream] url uses git's '{transport}::' remote-helper transport, "
        "not a repository address"
    ), result.err
    assert not (site / "pwned").exists() and not (site / "source").exists()


def test_pull_from_a_server_that_never_answers_times_out(tmp_path: Path) -> None:
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)  # connections are accepted by the kernel; nothing is ever sent back
        port = server.getsockname()[1]
        site = project(tmp_path / "site", f"git://127.0.0.1:{port}/site.git")
        result = _pipeline(site, "pull", env={"PIPELINE_GIT_TIMEOUT": "2"}, timeout=60)
    assert result.code == 2, result.err
    assert result.err.startswith("pipeline.toml:4: error: cannot fetch from upstream"), result.err
    assert "no answer within 2 s" in result.err
    assert not (site / "source").exists()
