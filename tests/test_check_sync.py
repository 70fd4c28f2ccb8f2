"""sync names new problems in changed translations, at the msgstr line that check and the dashboard use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import Run, git
from test_check import make_site, translate

from pipeline.formats import po

GUIDE = "# Guide\n\nRead [the steps](/guide#steps) first.\n\n## Steps {#steps}\n\nWalk **slowly** to school.\n"


def git_site(tmp_path: Path, run: Callable[..., Run]) -> Path:
    root = make_site(tmp_path / "site", {"guide": GUIDE})
    assert run(root, "sync").code == 0
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start")
    return root


def msgstr_line(root: Path, msgid: str) -> int:
    return next(m.msgstr_lineno for m in po.read_po(root / "locales/nl/guide.po").messages if m.msgid == msgid)


def test_sync_summarizes_new_problems_per_locale_at_msgstr_lines(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = git_site(tmp_path, run)
    translate(
        root,
        "guide",
        {
            "Read [the steps](/guide#steps) first.": "Lees eerst [de stappen](/guide#stappen).",
            "Walk **slowly** to school.": "Loop **langzaam naar school.",
            "Steps": "Stappen",
        },
    )
    result = run(root, "sync")
    assert result.code == 0
    link, bold = (
        msgstr_line(root, "Read [the steps](/guide#steps) first."),
        msgstr_line(root, "Walk **slowly** to school."),
    )
    lines = [ln for ln in result.err.splitlines() if ln.startswith("nl: ")]
    assert lines == [
        f"nl: 3 new problems in 3 changed entries (anchor-missing 1, link-target 1, markup 1): "
        f"locales/nl/guide.po:{link}, locales/nl/guide.po:{link}, locales/nl/guide.po:{bold}; "
        "'pipeline check' tells more"
    ]
    checked = run(root, "check")
    assert f"locales/nl/guide.po:{link}: error [anchor-missing]" in checked.out
    assert f"locales/nl/guide.po:{bold}: warning [markup]" in checked.out


def test_sync_says_nothing_about_committed_translations(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = git_site(tmp_path, run)
    translate(root, "guide", {"Walk **slowly** to school.": "Loop **langzaam naar school."})
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "translated")
    result = run(root, "sync")
    assert "new problem" not in result.err and "changed entries" not in result.err


def test_clean_change_gets_a_quiet_line_and_nothing_with_q(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = git_site(tmp_path, run)
    translate(root, "guide", {"Steps": "Stappen"})
    assert "nl: 1 changed entries, no new problems" in run(root, "sync").err
    assert "nl:" not in run(root, "-q", "sync").err


def test_sync_fallback_and_check_name_the_same_msgstr_line(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = make_site(tmp_path / "site", {"guide": GUIDE})
    assert run(root, "sync").code == 0
    translate(root, "guide", {"Walk **slowly** to school.": 'Loop <img src=x onerror="alert(1)"> naar school.'})
    synced = run(root, "sync")
    line = msgstr_line(root, "Walk **slowly** to school.")
    assert f"locales/nl/guide.po:{line}: warning: [fallback]" in synced.err
    assert f"locales/nl/guide.po:{line}: error [unsafe]" in run(root, "check").out


def test_bad_check_settings_stop_sync_before_it_writes(tmp_path: Path, run: Callable[..., Run]) -> None:
    """Settings are validated once, at load: a bad [check] stops every command with its line, nothing written."""
    root = git_site(tmp_path, run)
    translate(root, "guide", {"Steps": "Stappen"})
    toml = root / "pipeline.toml"
    toml.write_text(toml.read_text() + "\n[check]\nlink_equivalents = 3\n")
    before = (root / "locales" / "nl" / "guide.po").read_bytes()
    result = run(root, "sync")
    assert result.code == 2
    assert "pipeline.toml:" in result.err and "link_equivalents must be a table" in result.err
    assert (root / "locales" / "nl" / "guide.po").read_bytes() == before
    assert run(root, "check").code == 2
