"""Staleness from content: what ``status`` says per page and locale, and the commits behind it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Run
from gitsite import POSTS, Upstream, project, translate_all

from pipeline.formats import po
from pipeline.model import Catalog, Message
from pipeline.stages.extract import COMMIT_FIELD
from pipeline.stages.merge import TRANSLATED_FIELD, update


@pytest.fixture
def upstream(tmp_path: Path) -> Upstream:
    return Upstream(tmp_path / "upstream")


@pytest.fixture
def site(tmp_path: Path, upstream: Upstream, run: Callable[..., Run]) -> Path:
    """A project pulled from upstream and fully translated (pseudo-locale)."""
    root = project(tmp_path / "site", str(upstream.root))
    assert run(root, "sync").code == 0
    translate_all(root)
    assert run(root, "sync").code == 0
    return root


def rows(run: Callable[..., Run], site: Path) -> dict[str, dict[str, Any]]:
    result = run(site, "status", "--format", "json")
    assert result.code == 0, result.err
    return {r["page"]: r for r in json.loads(result.out)["pages"]}


def test_translated_pages_are_up_to_date(site: Path, run: Callable[..., Run]) -> None:
    status = rows(run, site)
    assert {r["state"] for r in status.values()} == {"done"}
    walk = status["walk"]
    assert walk["source_commit"] == walk["translated_commit"] is not None
    assert walk["changes"] == [] and walk["review_words"] == 0


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(
            lambda t: t.replace("Children walk together.\nParents", "Children walk together. Parents"), id="re-wrapped"
        ),
        pytest.param(lambda t: t.replace("\n\n## Routes", "\n\n\n\n## Routes"), id="blank-lines"),
        pytest.param(
            lambda t: t.replace("Each route has a leader.", "Each  route   has a\nleader."), id="inner-whitespace"
        ),
    ],
)
def test_whitespace_only_english_change_keeps_page_up_to_date(
    site: Path, upstream: Upstream, run: Callable[..., Run], edit: Callable[[str], str]
) -> None:
    before = (upstream.root / POSTS / "walk.md").read_text()
    after = edit(before)
    assert after != before
    upstream.write("walk.md", after, "reformat")
    assert run(site, "sync").code == 0
    assert (site / "source/walk.md").read_text() == after
    status = rows(run, site)["walk"]
    assert status["state"] == "done"
    assert status["stale_catalog"] is False


def test_changed_sentence_makes_page_outdated_with_commit_range(
    site: Path, upstream: Upstream, run: Callable[..., Run]
) -> None:
    text = (upstream.root / POSTS / "walk.md").read_text()
    reformat = upstream.write("walk.md", text.replace("Children walk together.\n", "Children walk together. "))
    first = upstream.write("walk.md", text.replace("Each route has a leader.", "Each route has two leaders."))
    second = upstream.write("walk.md", text.replace("Each route has a leader.", "Each route has three leaders."))
    upstream.write("bike.md", (upstream.root / POSTS / "bike.md").read_text() + "\n- Bells\n", "other page")
    assert run(site, "sync").code == 0
    status = rows(run, site)["walk"]
    assert status["state"] == "needs review"
    assert status["fuzzy"] == 1 and status["untranslated"] == 0
    assert status["review_words"] == 5
    # the reformat between does not count; the two sentence edits do, newest first
    assert [c["commit"] for c in status["changes"]] == [second, first]
    assert reformat not in {c["commit"] for c in status["changes"]}
    assert status["newest_change"] == status["changes"][0]["date"]
    assert status["translated_commit"] != status["source_commit"]


def test_status_text_names_the_range_and_totals(site: Path, upstream: Upstream, run: Callable[..., Run]) -> None:
    text = (upstream.root / POSTS / "walk.md").read_text()
    first = upstream.write("walk.md", text.replace("a leader", "two leaders"))
    second = upstream.write("walk.md", text.replace("a leader", "three leaders"))
    upstream.write("new.md", "# A new page\n\nNot translated yet.\n")
    run(site, "sync")
    out = run(site, "status").out
    line = next(ln for ln in out.splitlines() if " walk " in ln)
    assert "needs review: 5 words to review" in line
    assert f"English changed in {first[:7]}..{second[:7]} (2 commits)" in line
    assert out.splitlines()[-1].startswith("nl: 2 done, 1 needs review, 1 not started;")


def test_status_sees_english_change_before_sync(site: Path, upstream: Upstream, run: Callable[..., Run]) -> None:
    upstream.write("bike.md", "---\ntitle: Cycling\n---\n\n# Cycling\n\nBikes are parked inside.\n")
    assert run(site, "pull").code == 0  # pulled, catalogs not synced yet
    status = rows(run, site)["bike"]
    assert status["state"] == "needs review" and status["stale_catalog"] is True
    assert status["fuzzy"] == 1 and status["untranslated"] == 0


def test_fixing_the_fuzzy_entry_makes_page_up_to_date_again(
    site: Path, upstream: Upstream, run: Callable[..., Run]
) -> None:
    text = (upstream.root / POSTS / "walk.md").read_text()
    upstream.write("walk.md", text.replace("a leader", "two leaders"))
    run(site, "sync")
    translate_all(site)  # the translator reviews the fuzzy entry
    run(site, "sync")
    status = rows(run, site)["walk"]
    assert status["state"] == "done"
    assert status["translated_commit"] == status["source_commit"] == upstream.head()


# --------------------------------------------------------------------------- merge keeps the commits


def _template(commit: str | None, *msgids: str) -> Catalog:
    header = (("Project-Id-Version", "p"), ("X-Pipeline-Source-Hash", "h"))
    if commit:
        header += ((COMMIT_FIELD, commit),)
    return Catalog(header=header, messages=tuple(Message(msgid=m) for m in msgids))


def _translated(catalog: Catalog) -> Catalog:
    from dataclasses import replace

    return replace(catalog, messages=tuple(replace(m, msgstr=m.msgid.upper()) for m in catalog.messages))


A, B = "a" * 40, "b" * 40


def test_complete_catalog_records_its_source_commit_as_translated() -> None:
    old = _translated(update(_template(A, "One.", "Two."), None, "nl"))
    new = update(_template(A, "One.", "Two."), old, "nl")
    assert new.header_value(TRANSLATED_FIELD) == A


def test_english_change_keeps_the_last_complete_commit() -> None:
    old = _translated(update(_template(A, "One.", "Two."), None, "nl"))
    new = update(_template(B, "One.", "Two changed."), old, "nl")
    assert new.header_value(COMMIT_FIELD) == B
    assert new.header_value(TRANSLATED_FIELD) == A
    again = update(_template(B, "One.", "Two changed."), new, "nl")
    assert again.header_value(TRANSLATED_FIELD) == A


def test_never_complete_catalog_has_no_translated_commit() -> None:
    new = update(_template(A, "One.", "Two."), None, "nl")
    assert new.header_value(COMMIT_FIELD) == A
    assert new.header_value(TRANSLATED_FIELD) is None


def test_no_upstream_means_no_commit_fields() -> None:
    old = update(_template(A, "One."), None, "nl")
    new = update(_template(None, "One."), old, "nl")
    assert new.header_value(COMMIT_FIELD) is None and new.header_value(TRANSLATED_FIELD) is None
    assert COMMIT_FIELD not in po.format_po(new)


def test_template_commit_moves_only_when_the_text_changes(
    site: Path, upstream: Upstream, run: Callable[..., Run]
) -> None:
    pot = site / "locales/templates/bike.pot"
    first = po.read_po(pot).header_value(COMMIT_FIELD)
    upstream.write("walk.md", "# Another page changed\n")
    run(site, "sync")
    assert po.read_po(pot).header_value(COMMIT_FIELD) == first
    changed = upstream.write("bike.md", "# Cycling\n\nNew text.\n")
    run(site, "sync")
    assert po.read_po(pot).header_value(COMMIT_FIELD) == changed


def test_whitespace_only_msgid_change_carries_translation_without_fuzzy() -> None:
    old = _translated(update(_template(A, "Each route has a leader."), None, "nl"))
    new = update(_template(B, "Each  route has\ta leader."), old, "nl")
    (entry,) = new.messages
    assert entry.msgstr == "EACH ROUTE HAS A LEADER." and not entry.fuzzy
    assert new.header_value(TRANSLATED_FIELD) == B


def test_hard_break_is_not_whitespace_only() -> None:
    old = _translated(update(_template(A, "Line one. Line two."), None, "nl"))
    new = update(_template(B, "Line one.\nLine two."), old, "nl")
    (entry, *_) = new.messages
    assert entry.fuzzy


def test_status_without_the_cache_still_gives_state_and_counts(
    site: Path, upstream: Upstream, run: Callable[..., Run]
) -> None:
    import shutil

    text = (upstream.root / POSTS / "walk.md").read_text()
    upstream.write("walk.md", text.replace("a leader", "two leaders"))
    run(site, "sync")
    shutil.rmtree(site / ".pipeline")  # a fresh clone of the project, never pulled here
    status = rows(run, site)["walk"]
    assert status["state"] == "needs review" and status["fuzzy"] == 1
    assert status["changes"] == [] and status["translated_commit"] is not None
    assert not (site / ".pipeline").exists()  # status never fetches
