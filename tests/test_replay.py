"""The replay benchmark on a small hand-made history (and a short window of the real one)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import REPO, corpus_dir, git, write


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_replay", REPO / "benchmarks" / "update_replay.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["update_replay"] = module
    spec.loader.exec_module(module)
    return module


replay_module = _load()

PAGE = """---
title: Street days
---

# Street days {#street-days}

Read [the plan](/plan) before you come.

Run `make flyers` to print flyers.

## What to bring

- A sign with a short message.
- Water for the day.
- Chalk for the children.

We met 12 times in 2023.
"""

EDITS = [
    ("the link target", "(/plan)", "(/proposal)"),
    ("the code span", "`make flyers`", "`make posters`"),
    ("a word in a list item", "Water for the day.", "Water and food for the day."),
    ("a number", "12 times", "14 times"),
    ("emphasis style only", "A sign with a short message.", "A sign with a *short* message."),
]


def history(root: Path) -> Path:
    """A repository whose commits each make one kind of change to a page."""
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    page = write(root / "src/posts/street-days.md", PAGE)
    write(root / "README.md", "not a page\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first")
    for what, old, new in EDITS:
        text = page.read_text(encoding="utf-8")
        assert old in text
        page.write_text(text.replace(old, new), encoding="utf-8")
        git(root, "commit", "-qam", f"change {what}")
    write(root / "README.md", "still not a page\n")
    git(root, "commit", "-qam", "no page changed")
    git(root, "mv", "src/posts/street-days.md", "src/posts/street-day.md")
    git(root, "commit", "-qm", "rename the page")
    return root


def test_replay_counts_fuzzies_carries_and_losses_per_mode(tmp_path: Path) -> None:
    result = replay_module.replay(history(tmp_path / "upstream"))
    assert result.commits == len(EDITS) + 1  # the commit that changes no page is not replayed
    msgmerge, smart = result.modes["msgmerge"], result.modes["smart"]
    # msgmerge: link, code, word, number -> fuzzy; the emphasis was added to one word (markup) -> fuzzy
    assert (msgmerge.fuzzy, msgmerge.carried) == (5, 0)
    # smart with the default classes carries the link and the code span
    assert (smart.fuzzy, smart.carried) == (3, 2)
    assert dict(smart.carried_by_class) == {"url": 1, "code": 1}
    assert smart.wrong == msgmerge.wrong == 0
    assert smart.lost == msgmerge.lost == 0
    assert msgmerge.fuzzy_by_class["text"] == 1


def test_replay_table_from_a_bundle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = history(tmp_path / "upstream")
    bundle = tmp_path / "history.bundle"
    git(repo, "bundle", "create", str(bundle), "main")
    assert replay_module.main(["--bundle", str(bundle), "--also-all-classes"]) == 0
    out = capsys.readouterr().out
    assert "commits replayed: 6 page-changing commits" in out
    assert "fuzzies smart vs msgmerge: 3 vs 5, 40.0% fewer" in out
    # carrying numbers too; emphasis added to one word stays fuzzy: where would it go in a translation?
    assert "fuzzies smart-all vs msgmerge: 2 vs 5, 60.0% fewer" in out


@pytest.mark.corpus
def test_replay_of_real_history_loses_nothing_and_carries_nothing_wrong(tmp_path: Path) -> None:
    bundle = corpus_dir("en-history.bundle")
    git(tmp_path, "clone", "-q", str(bundle), "upstream")
    result = replay_module.replay(tmp_path / "upstream", start=200, count=25)
    assert result.commits == 25
    for tally in result.modes.values():
        assert tally.wrong == 0 and tally.lost == 0
    assert result.modes["smart"].fuzzy + result.modes["smart"].carried == result.modes["msgmerge"].fuzzy
