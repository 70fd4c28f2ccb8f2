"""``pipeline check``: the CI gate (stale catalogs, fuzzy/untranslated/min_translated policy)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run, write
from gitsite import snapshot
from test_sync import small_site, translate

from pipeline.check import gate
from pipeline.model import Severity
from pipeline.workspace.settings import load


def synced(tmp_path: Path, run: Callable[..., Run], config: str = "") -> Path:
    root = small_site(tmp_path)
    write(root / "pipeline.toml", 'locales = ["nl"]\n' + config)
    assert run(root, "sync").code == 0
    return root


def translate_everything(root: Path) -> None:
    translate(
        root / "locales/nl/index.po",
        {
            "Home": "Thuis",
            "Welcome": "Welkom",
            "We walk to school. Every day.": "We lopen naar school. Elke dag.",
            "Safe": "Veilig",
            "Calm": "Rustig",
        },
    )
    translate(root / "locales/nl/sub/page.po", {"Sub page": "Subpagina", "Text of the sub page.": "Tekst."})


def codes(run: Callable[..., Run], root: Path) -> list[tuple[str, str, str]]:
    result = run(root, "check", "--format", "json")
    return [(f["path"], f["code"], f["severity"]) for f in json.loads(result.out)["findings"]]


def test_synced_and_translated_project_passes(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = synced(tmp_path, run, '[check]\nfail_on = ["stale-catalog", "fuzzy", "untranslated"]\n')
    translate_everything(root)
    assert run(root, "sync").code == 0
    result = run(root, "check")
    assert result.code == 0, result.out
    assert result.out == ""
    assert result.err == "check: 0 errors, 0 warnings\n"


def test_english_changed_without_sync_fails_and_writes_nothing(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = synced(tmp_path, run)
    write(root / "source/sub/page.md", "## Sub page\n\nNew text of the sub page.\n")
    before = snapshot(root)
    result = run(root, "check")
    assert result.code == 1
    assert snapshot(root) == before
    found = codes(run, root)
    assert ("locales/templates/sub/page.pot", "stale-catalog", "error") in found
    assert ("locales/nl/sub/page.po", "stale-catalog", "error") in found
    assert not any(path.endswith("index.po") and code == "stale-catalog" for path, code, _ in found)


def test_after_sync_the_stale_finding_is_gone(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = synced(tmp_path, run)
    write(root / "source/sub/page.md", "## Sub page\n\nNew text of the sub page.\n")
    assert run(root, "check").code == 1
    run(root, "sync")
    assert run(root, "check").code == 0


@pytest.mark.parametrize(
    ("breakage", "path"),
    [
        (lambda r: write(r / "source/extra.md", "# Extra\n"), "locales/templates/extra.pot"),
        (lambda r: (r / "source/sub/page.md").unlink(), "locales/templates/sub/page.pot"),
        (lambda r: (r / "locales/nl/index.po").unlink(), "locales/nl/index.po"),
        (
            lambda r: write(
                r / "locales/nl/index.po",
                (r / "locales/nl/index.po").read_text().replace("#. kind: ", "#. kind (edited by hand): ", 1),
            ),
            "locales/nl/index.po",
        ),
    ],
    ids=["new-page", "removed-page", "missing-catalog", "hand-edited-comment"],
)
def test_every_kind_of_stale_catalog_is_found(
    tmp_path: Path, run: Callable[..., Run], breakage: Callable[[Path], object], path: str
) -> None:
    root = synced(tmp_path, run)
    breakage(root)
    assert (path, "stale-catalog", "error") in codes(run, root)


def test_fuzzy_entry_fails_only_when_policy_says_so(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = synced(tmp_path, run)
    translate_everything(root)
    run(root, "sync")
    write(root / "source/index.md", (root / "source/index.md").read_text().replace("Every day.", "Every weekday."))
    run(root, "sync")
    assert not any(code == "fuzzy" for _, code, _ in codes(run, root))  # progress, not a finding
    assert run(root, "check").code == 0
    write(root / "pipeline.toml", 'locales = ["nl"]\n[check]\nfail_on = ["fuzzy"]\n')
    assert ("locales/nl/index.po", "fuzzy", "error") in codes(run, root)
    result = run(root, "check")
    assert result.code == 1
    line = next(ln for ln in result.out.splitlines() if "[fuzzy]" in ln)
    number = int(line.split(":")[1])
    text = (root / "locales/nl/index.po").read_text().splitlines()
    assert text[number - 1] == 'msgid "We walk to school. Every weekday."'
    assert "1 fuzzy entry (6 words)" in line  # We walk to school. Every weekday.


def test_per_locale_policy_overrides_the_default(tmp_path: Path, run: Callable[..., Run]) -> None:
    config = '[check]\nfail_on = ["untranslated"]\n\n[check.locales.de]\nfail_on = []\nmin_translated = 0.5\n'
    root = small_site(tmp_path)
    (root / "locales/de").mkdir()
    write(root / "pipeline.toml", 'locales = ["nl", "de"]\n' + config)
    run(root, "sync")
    translate_everything(root)
    run(root, "sync")
    found = codes(run, root)
    assert not any(path.startswith("locales/nl/") for path, _, _ in found)
    assert not any(code == "untranslated" for path, code, _ in found if path.startswith("locales/de/"))
    assert ("locales/de/index.po", "min-translated", "error") in found


def test_min_translated_is_per_page_share_of_words(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = synced(tmp_path, run, "[check]\nmin_translated = 0.5\n")
    translate(root / "locales/nl/index.po", {"We walk to school. Every day.": "We lopen naar school. Elke dag."})
    translate(root / "locales/nl/sub/page.po", {"Sub page": "Subpagina"})
    run(root, "sync")
    found = codes(run, root)
    # index: 6 of 10 words translated; sub/page: 2 of 7
    assert ("locales/nl/index.po", "min-translated", "error") not in found
    assert ("locales/nl/sub/page.po", "min-translated", "error") in found


@pytest.mark.parametrize(
    ("config", "where", "fragment"),
    [
        ('[check]\nfail_on = ["fuzy"]\n', "pipeline.toml:3: error:", "unknown code 'fuzy'"),
        ('[check]\nfail_on = "fuzzy"\n', "pipeline.toml:3: error:", "must be a list"),
        ("[check]\nmin_translated = 2\n", "pipeline.toml:3: error:", "from 0 to 1"),
        ("[check.locales.fr]\nmin_translated = 0.5\n", "pipeline.toml:2: error:", "not one of the project's locales"),
        (
            "[check]\nfail_on = []\n[check.locales.nl]\nmin_translated = true\n",
            "pipeline.toml:5: error:",
            "from 0 to 1",
        ),
    ],
)
def test_bad_check_config_is_a_clear_error(
    tmp_path: Path, run: Callable[..., Run], config: str, where: str, fragment: str
) -> None:
    root = synced(tmp_path, run)
    write(root / "pipeline.toml", 'locales = ["nl"]\n' + config)
    result = run(root, "check")
    assert result.code == 2
    assert result.err.startswith(where) and fragment in result.err, result.err


def test_github_format_gives_annotations(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = synced(tmp_path, run)
    write(root / "source/sub/page.md", "## Sub page\n\nNew text.\n")
    result = run(root, "check", "--format", "github")
    assert result.code == 1
    lines = result.out.splitlines()
    assert "::error file=locales/nl/sub/page.po,line=" in result.out
    assert all(ln.startswith(("::error ", "::warning ")) for ln in lines)


def test_findings_function_returns_sorted_data(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = synced(tmp_path, run)
    write(root / "source/extra.md", "# Extra\n")
    found = gate.findings(load(root))
    assert found == sorted(found)
    assert {f.code for f in found} >= {"stale-catalog"}
    assert all(f.severity in (Severity.ERROR, Severity.WARNING) for f in found)


def test_orphaned_catalog_is_a_warning(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = synced(tmp_path, run)
    (root / "source/sub/page.md").unlink()
    run(root, "sync")
    assert ("locales/nl/sub/page.po", "orphaned-catalog", "warning") in codes(run, root)
    assert run(root, "check").code == 0


def test_sample_site_passes_the_default_gate(run: Callable[..., Run]) -> None:
    from conftest import REPO

    result = run(REPO, "check", "--format", "json")
    assert result.code == 0, result.out
    assert not [f for f in json.loads(result.out)["findings"] if f["code"] == "stale-catalog"]


def test_stale_finding_points_at_the_first_changed_entry(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = synced(tmp_path, run)
    write(root / "source/index.md", (root / "source/index.md").read_text().replace("- Calm", "- Quiet"))
    result = run(root, "check")
    line = next(ln for ln in result.out.splitlines() if ln.startswith("locales/templates/index.pot:"))
    number = int(line.split(":")[1])
    pot = (root / "locales/templates/index.pot").read_text().splitlines()
    assert pot[number - 1] == 'msgid "Calm"'


def test_a_catalog_wrapped_by_another_editor_is_not_stale_and_sync_rewraps_it(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    """The gate and status compare entries, not layout: an editor's own wrapping is nothing to fix."""
    root = synced(tmp_path, run)
    po = root / "locales/nl/index.po"
    ours = po.read_bytes()
    rewrapped = (
        subprocess.run(["msgcat", "--no-wrap", "--width=200", str(po)], check=True, capture_output=True).stdout + b"\n"
    )  # a trailing blank line too, as some editors leave it
    assert rewrapped != ours
    po.write_bytes(rewrapped)

    def stale() -> list[bool]:
        pages = json.loads(run(root, "status", "--format", "json").out)["pages"]
        return [row["stale_catalog"] for row in pages if row["locale"] == "nl" and row["page"] == "index"]

    assert not any(code == "stale-catalog" for _, code, _ in codes(run, root))
    assert run(root, "check").code == 0
    assert stale() == [False]
    english = root / "source/index.md"
    write(english, english.read_text() + "\nA new paragraph.\n")  # now its entries are behind
    assert ("locales/nl/index.po", "stale-catalog", "error") in codes(run, root)
    assert stale() == [True]
    write(english, english.read_text().replace("\nA new paragraph.\n", ""))
    run(root, "sync")
    assert po.read_bytes() == ours  # sync still writes its own layout
