"""End to end through the CLI on real folders and real git repositories."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run, git, msgcat_stable, msgfmt_check, write

from pipeline.formats import po


def small_site(root: Path) -> Path:
    write(
        root / "source" / "index.md",
        "---\ntitle: Home\n---\n\n# Welcome\n\nWe walk to school.\nEvery day.\n\n- Safe\n- Calm\n",
    )
    write(root / "source" / "sub" / "page.md", "## Sub page\n\nText of the sub page.\n")
    (root / "locales" / "nl").mkdir(parents=True)
    return root


def translate(path: Path, mapping: dict[str, str]) -> None:
    catalog = po.read_po(path)
    from dataclasses import replace

    messages = tuple(
        replace(m, msgstr=mapping[m.msgid], flags=()) if m.msgid in mapping else m for m in catalog.messages
    )
    po.write_po(path, replace(catalog, messages=messages))


def test_sync_creates_templates_catalogs_and_pages(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = small_site(tmp_path)
    result = run(root, "sync")
    assert result.code == 0, result.err
    assert (root / "locales/templates/index.pot").is_file()
    assert (root / "locales/templates/sub/page.pot").is_file()
    assert (root / "locales/nl/sub/page.po").is_file()
    assert (root / "build/nl/sub/page.md").read_text() == (root / "source/sub/page.md").read_text()
    for path in (root / "locales").rglob("*.po*"):
        msgfmt_check(path)
        msgcat_stable(path)


def test_sync_twice_leaves_git_status_clean(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = small_site(tmp_path)
    git(root, "init", "-q")
    assert run(root, "sync").code == 0
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first sync")
    again = run(root, "sync")
    assert again.code == 0
    assert "0 written" in again.out
    assert git(root, "status", "--porcelain") == ""


def test_translator_loop_edit_po_then_sync_builds_translation(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = small_site(tmp_path)
    run(root, "sync")
    translate(
        root / "locales/nl/index.po",
        {"Welcome": "Welkom", "We walk to school. Every day.": "We lopen naar school. Elke dag."},
    )
    assert run(root, "sync").code == 0
    built = (root / "build/nl/index.md").read_text()
    assert "# Welkom {#welcome}\n" in built
    assert "We lopen naar school.\nElke dag.\n" in built
    msgcat_stable(root / "locales/nl/index.po")


def test_english_change_makes_fuzzy_removed_becomes_obsolete(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = small_site(tmp_path)
    run(root, "sync")
    translate(
        root / "locales/nl/index.po",
        {"We walk to school. Every day.": "We lopen naar school. Elke dag.", "Calm": "Rustig"},
    )
    write(
        root / "source" / "index.md",
        "---\ntitle: Home\n---\n\n# Welcome\n\nWe walk to school.\nEvery weekday.\n\n- Safe\n",
    )
    assert run(root, "sync").code == 0
    catalog = po.read_po(root / "locales/nl/index.po")
    entry = next(m for m in catalog.messages if m.msgid == "We walk to school. Every weekday.")
    assert entry.fuzzy and entry.previous_msgid == "We walk to school. Every day."
    assert entry.msgstr == "We lopen naar school. Elke dag."
    gone = next(m for m in catalog.messages if m.msgid == "Calm")
    assert gone.obsolete and gone.msgstr == "Rustig"
    # fuzzy falls back to English on the page
    assert "Every weekday." in (root / "build/nl/index.md").read_text()
    text = (root / "locales/nl/index.po").read_text()
    assert '#| msgid "We walk to school. Every day."' in text
    assert '#~ msgid "Calm"' in text


def test_rewrapping_english_keeps_translations_exact(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = small_site(tmp_path)
    run(root, "sync")
    translate(root / "locales/nl/index.po", {"We walk to school. Every day.": "We lopen. Elke dag."})
    before = (root / "locales/nl/index.po").read_bytes()
    write(
        root / "source" / "index.md",
        "---\ntitle: Home\n---\n\n# Welcome\n\nWe walk to school. Every day.\n\n- Safe\n- Calm\n",
    )
    run(root, "sync")
    assert (root / "locales/nl/index.po").read_bytes() == before


def test_template_date_does_not_move_when_content_is_unchanged(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = small_site(tmp_path)
    run(root, "extract")
    pot = root / "locales/templates/index.pot"
    text = pot.read_text().replace("Date: 20", "Date: 19")
    pot.write_text(text)
    run(root, "extract")
    assert pot.read_text() == text


def test_deleted_page_removes_template_and_output_but_keeps_translations(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    root = small_site(tmp_path)
    run(root, "sync")
    translate(root / "locales/nl/sub/page.po", {"Sub page": "Subpagina"})
    (root / "source/sub/page.md").unlink()
    result = run(root, "sync")
    assert result.code == 0
    assert not (root / "locales/templates/sub/page.pot").exists()
    assert not (root / "build/nl/sub/page.md").exists()
    assert po.read_po(root / "locales/nl/sub/page.po").messages[0].msgstr == "Subpagina"
    assert "no English page 'sub/page'" in result.err


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("breakage", "where", "fragment"),
    [
        (lambda r: write(r / "source/bad.md", "---\ntitle: [oops\n---\n"), "source/bad.md:3: error:", "not valid YAML"),
        (lambda r: (r / "source/latin.md").write_bytes(b"caf\xe9\n"), "source/latin.md:1: error:", "not valid UTF-8"),
        (lambda r: write(r / "locales/nl/index.po", 'msgid "x"\nmsgstr "y\n'), "locales/nl/index.po:", "error"),
        (lambda r: write(r / "pipeline.toml", 'locales = ["xx_YY_zz"]\n'), "pipeline.toml:1: error:", "unknown locale"),
        (lambda r: write(r / "pipeline.toml", 'source = "missing"\n'), "missing: error:", "does not exist"),
        (
            lambda r: write(r / "pipeline.toml", 'source = "../outside"\n'),
            "pipeline.toml:1: error:",
            "outside the project",
        ),
    ],
)
def test_bad_input_is_one_clear_line_exit_2_nothing_written(
    tmp_path: Path, run: Callable[..., Run], breakage: Callable[[Path], object], where: str, fragment: str
) -> None:
    root = small_site(tmp_path)
    assert run(root, "sync").code == 0
    breakage(root)
    before = snapshot(root)
    result = run(root, "sync")
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(where) and fragment in lines[0], lines[0]
    assert "; " in lines[0]  # a hint follows
    assert snapshot(root) == before


def test_status_counts_words_and_entries(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = small_site(tmp_path)
    run(root, "sync")
    translate(root / "locales/nl/index.po", {"Welcome": "Welkom"})
    import json

    result = run(root, "status", "--format", "json")
    data = json.loads(result.out)
    row = next(r for r in data["pages"] if r["page"] == "index" and r["locale"] == "nl")
    assert row["translated"] == 1
    assert row["untranslated"] == 4
    assert row["words"]["translated"] == 1


def test_python_dash_m_pipeline_runs(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = small_site(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "--root", str(root), "sync"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "sync: 2 pages" in done.stdout


def test_page_with_spaces_in_its_name_gets_a_reference_gettext_can_read(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    root = small_site(tmp_path)
    write(root / "source" / "my page.md", "Some text.\n")
    assert run(root, "sync").code == 0
    pot = root / "locales/templates/my page.pot"
    assert "#: source/my%20page.md" in pot.read_text()
    msgfmt_check(pot)
    msgcat_stable(pot)


@pytest.mark.parametrize("request_name", ["SYNC", "EXTRACT", "UPDATE", "BUILD", "CATALOGS"])
def test_every_command_plans_through_one_pure_planner(
    tmp_path: Path, run: Callable[..., Run], request_name: str
) -> None:
    from pipeline.workspace import project
    from pipeline.workspace.settings import load

    root = small_site(tmp_path)
    assert run(root, "sync").code == 0
    write(root / "source" / "index.md", "# Home\n\nA new line.\n")
    (root / "source" / "sub" / "page.md").unlink()
    before = snapshot(root)
    planned = project.plan_project(load(root), getattr(project, request_name))
    assert snapshot(root) == before  # planning writes nothing; apply does
    assert planned.plan.writes or planned.plan.removals or planned.plan.unchanged


def test_a_hand_edited_template_is_stale_and_sync_restores_it(tmp_path: Path, run: Callable[..., Run]) -> None:
    """A template whose entries were edited by hand, its header (and recorded hash) left alone:
    ``check`` reports it stale and ``sync`` writes the page's own entries back, date kept."""
    root = small_site(tmp_path)
    assert run(root, "sync", "-q").code == 0
    pot = root / "locales" / "templates" / "index.pot"
    synced = pot.read_bytes()
    entries = [m for m in po.read_po(pot).messages]
    edited = synced.replace(f'msgid "{entries[0].msgid}"'.encode(), b'msgid "Typed by hand"')
    assert edited != synced
    pot.write_bytes(edited)
    found = run(root, "check")
    assert "locales/templates/index.pot" in found.out + found.err and "stale-catalog" in found.out + found.err
    assert run(root, "sync", "-q").code == 0
    assert pot.read_bytes() == synced
