"""Pull, translate and pull again on the real English history of the first user's site (the bundle).

Expectations are computed from the history itself (the text of each page at both commits,
through the one segmenter), not written down: a page whose translatable text changed must be
outdated, every other translated page up to date, and the gate must say so.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run, corpus_dir, git
from gitsite import project, translate_all

from pipeline.formats import po
from pipeline.model import Page
from pipeline.segment.walker import segment_page
from pipeline.stages.extract import template_messages
from pipeline.stages.merge import squash

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

POSTS = "src/posts"
OLD, NEW = "main~600", "main~585"
"""Fifteen commits of 2025 that edit a dozen pages and rename members.md to organization.md (R092)."""


def msgids(repo: Path, commit: str, path: str) -> list[str] | None:
    done = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=repo, capture_output=True)
    if done.returncode:
        return None
    page = Page(name="p", path=path, text=done.stdout.decode("utf-8").removeprefix("\ufeff"))
    return [squash(m.msgid) for m in template_messages(segment_page(page))]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    bundle = corpus_dir("en-history.bundle")
    repo = tmp_path_factory.mktemp("history") / "upstream"
    subprocess.run(["git", "clone", "-q", str(bundle), str(repo)], check=True)
    return repo


def test_real_history_old_translation_then_later_commit(tmp_path: Path, history: Path, run: Callable[..., Run]) -> None:
    old = git(history, "rev-parse", OLD).strip()
    new = git(history, "rev-parse", NEW).strip()
    site = project(
        tmp_path / "site", str(history), extra='\n[check]\nfail_on = ["stale-catalog", "fuzzy", "untranslated"]\n'
    )
    (site / "pipeline.toml").write_text((site / "pipeline.toml").read_text().replace('["nl"]', '["eo"]'))
    assert run(site, "pull", "--commit", old).code == 0
    assert run(site, "sync", "--offline").code == 0
    translate_all(site, "eo")
    assert run(site, "sync", "--offline").code == 0
    gate_codes = {"stale-catalog", "fuzzy", "untranslated", "min-translated"}
    first = json.loads(run(site, "check", "--format", "json").out)["findings"]
    assert not [f for f in first if f["code"] in gate_codes]  # the gate passes (site checks may not)
    translated = po.read_po(site / "locales/eo/members.po").messages

    pulled = run(site, "pull", "--commit", new)
    assert pulled.code == 0, pulled.err
    assert "1 renamed (1 PO files moved)" in pulled.out
    # pulled but not synced: the gate sees stale catalogs
    stale = run(site, "check", "--format", "json")
    assert stale.code == 1
    assert any(f["code"] == "stale-catalog" for f in json.loads(stale.out)["findings"])

    assert run(site, "sync", "--offline").code == 0
    status = {r["page"]: r for r in json.loads(run(site, "status", "--format", "json").out)["pages"]}
    between = set(git(history, "rev-list", f"{old}..{new}").split())
    renamed = {"organization": "members"}
    for page, row in status.items():
        path = f"{POSTS}/{page}.md"
        before = msgids(history, old, f"{POSTS}/{renamed.get(page, page)}.md")
        after = msgids(history, new, path)
        assert after is not None
        if before is None:
            assert row["state"] in ("not started", "no catalog"), page
        elif set(after) <= set(before):  # no English text the translation has not seen
            assert row["state"] == "done", page
        else:
            assert row["state"] in ("needs review", "in progress"), page
            assert row["changes"], page
            assert {c["commit"] for c in row["changes"]} <= between
            assert row["translated_commit"] == old and row["source_commit"] == new
    outdated = {p for p, r in status.items() if r["state"] in ("needs review", "in progress")}
    assert "organization" in outdated  # renamed and edited: its translations came along, some fuzzy

    moved = po.read_po(site / "locales/eo/organization.po")
    kept = {m.msgstr for m in moved.messages if m.msgstr}
    assert {m.msgstr for m in translated if m.msgstr} <= kept

    gate = run(site, "check", "--format", "json")
    assert gate.code == 1
    findings = [f for f in json.loads(gate.out)["findings"] if f["code"] in gate_codes]
    assert not any(f["code"] == "stale-catalog" for f in findings)
    flagged = {Path(f["path"]).stem for f in findings if f["code"] in ("fuzzy", "untranslated") and f["line"]}
    assert {p.rsplit("/", 1)[-1] for p in outdated} <= flagged


def _msgstrs(folder: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in folder.rglob("*.po"):
        catalog = po.read_po(path)
        texts = {s for m in catalog.messages for s in (m.msgstr, *m.msgstr_plural) if s}
        out[path.relative_to(folder).as_posix()] = texts
    return out


def test_step_by_step_replay_loses_no_translation(tmp_path: Path, history: Path, run: Callable[..., Run]) -> None:
    """Pull + sync at each of four consecutive commits, the second renaming members.md to organization.md."""
    commits = git(history, "rev-list", "--first-parent", "--reverse", "main~594..main~590").split()
    assert len(commits) == 4
    site = project(tmp_path / "site", str(history))
    (site / "pipeline.toml").write_text((site / "pipeline.toml").read_text().replace('["nl"]', '["eo"]'))
    assert run(site, "pull", "--commit", commits[0]).code == 0
    assert run(site, "sync").code == 0
    translate_all(site, "eo")
    assert run(site, "sync").code == 0
    folder = site / "locales" / "eo"
    renames = {"members.po": "organization.po"}
    for commit in commits[1:]:
        before = _msgstrs(folder)
        assert run(site, "pull", "--commit", commit).code == 0
        assert run(site, "sync").code == 0
        after = _msgstrs(folder)
        for name, kept in before.items():
            target = name if name in after else renames[name]
            assert kept <= after[target], (commit, name)
    assert "members.po" not in after and "organization.po" in after
