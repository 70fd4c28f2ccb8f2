"""Incremental sync: a clean page is skipped, and no change anywhere is ever skipped."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import Run, write

from pipeline.formats import po
from pipeline.workspace import incremental


def site(root: Path) -> Path:
    write(root / "source" / "a.md", "---\ntitle: Page A\n---\n\n# Alpha\n\nFirst text.\n")
    write(root / "source" / "b.md", "# Beta\n\nSecond text.\n\n- one\n- two\n")
    write(root / "pipeline.toml", 'locales = ["nl", "de"]\n')
    return root


def tree(root: Path) -> dict[str, bytes]:
    """Every project file but the run's own state."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".pipeline" not in p.relative_to(root).parts
    }


def mtimes(root: Path) -> dict[str, int]:
    return {
        p.relative_to(root).as_posix(): p.stat().st_mtime_ns
        for p in root.rglob("*")
        if p.is_file() and ".pipeline" not in p.relative_to(root).parts
    }


def translate(path: Path, mapping: dict[str, str]) -> None:
    catalog = po.read_po(path)
    messages = tuple(replace(m, msgstr=mapping.get(m.msgid, m.msgstr)) for m in catalog.messages)
    po.write_po(path, replace(catalog, messages=messages))


def full_result(root: Path, run: Callable[..., Run], tmp: Path) -> dict[str, bytes]:
    """What a sync without any cache makes of a copy of the project."""
    copy = tmp / "full"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".pipeline"))
    assert run(copy, "sync").code == 0
    return tree(copy)


@pytest.fixture
def synced(tmp_path: Path, run: Callable[..., Run]) -> Path:
    root = site(tmp_path / "site")
    assert run(root, "sync").code == 0
    assert (root / ".pipeline" / incremental.CACHE_FILE).is_file()
    return root


def test_nothing_changed_writes_nothing(synced: Path, run: Callable[..., Run]) -> None:
    before = mtimes(synced)
    result = run(synced, "sync")
    assert result.code == 0
    assert "0 written, 0 removed, 10 unchanged" in result.out
    assert mtimes(synced) == before


@pytest.mark.parametrize(
    "change",
    [
        "source page edited",
        "PO file edited by a translator",
        "built page edited by hand",
        "built page deleted",
        "template deleted",
        "new page",
        "page deleted",
    ],
)
def test_each_change_is_synced_like_a_full_run(
    synced: Path, run: Callable[..., Run], tmp_path: Path, change: str
) -> None:
    if change == "source page edited":
        write(synced / "source/a.md", "---\ntitle: Page A\n---\n\n# Alpha\n\nFirst text, edited.\n")
    elif change == "PO file edited by a translator":
        translate(synced / "locales/nl/b.po", {"Second text.": "Tweede tekst."})
    elif change == "built page edited by hand":
        write(synced / "build/de/a.md", "someone edited the output\n")
    elif change == "built page deleted":
        (synced / "build/nl/b.md").unlink()
    elif change == "template deleted":
        (synced / "locales/templates/a.pot").unlink()
    elif change == "new page":
        write(synced / "source/c.md", "# Gamma\n\nThird.\n")
    else:
        (synced / "source/b.md").unlink()
    expected = full_result(synced, run, tmp_path)
    assert run(synced, "sync").code == 0
    assert tree(synced) == expected
    if change == "PO file edited by a translator":
        assert "Tweede tekst." in (synced / "build/nl/b.md").read_text()


def test_same_size_edit_within_the_same_second_is_seen(synced: Path, run: Callable[..., Run]) -> None:
    path = synced / "locales/nl/b.po"
    translate(path, {"Second text.": "Tweede tekst."})
    run(synced, "sync")
    stat = path.stat()
    text = path.read_text().replace("Tweede tekst.", "Tweede tekst!")
    path.write_text(text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime: the racy case
    run(synced, "sync")
    assert "Tweede tekst!" in (synced / "build/nl/b.md").read_text()


def test_configuration_change_resyncs_every_page(synced: Path, run: Callable[..., Run], tmp_path: Path) -> None:
    write(synced / "pipeline.toml", 'locales = ["nl", "de"]\n[front_matter]\ntranslate = ["title", "date"]\n')
    write(synced / "source/a.md", (synced / "source/a.md").read_text().replace("title:", "date: Soon\ntitle:"))
    expected = full_result(synced, run, tmp_path)
    assert run(synced, "sync").code == 0
    assert tree(synced) == expected
    assert 'msgid "Soon"' in (synced / "locales/templates/a.pot").read_text()


def test_no_op_after_a_sync_hashes_its_fresh_files_once_not_on_every_run(
    synced: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files written just before the record are racy (re-hashed: a same-size edit in the same
    clock tick would hide); the first no-op that finds them unchanged saves the record again,
    so later no-ops trust their stamps instead of hashing every fresh file each time."""
    import time

    from pipeline.workspace.project import page_names
    from pipeline.workspace.settings import load

    monkeypatch.setattr(incremental, "_RACY_NS", 200_000_000)  # 0.2 s instead of 2 s: a short test

    def hashed() -> int:
        cfg = load(synced)
        cache = incremental.Cache.load(cfg)
        reads: list[Path] = []
        cache.read = lambda path: reads.append(path) or path.read_bytes()  # type: ignore[func-returns-value]
        for name, _ in page_names(cfg):
            assert cache.clean(synced, name, cache.pages[name])
        return len(reads)

    assert hashed() > 0  # just synced: every file is racy
    time.sleep(0.3)
    before = mtimes(synced)
    assert run(synced, "sync").code == 0  # a no-op that hashes them, finds them unchanged, and says so
    assert mtimes(synced) == before
    assert hashed() == 0


def test_new_code_version_invalidates_the_cache(synced: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.workspace.settings import load

    cfg = load(synced)
    cache = incremental.Cache.load(cfg)
    assert cache.pages  # the record of the last sync is valid for this code
    monkeypatch.setattr(incremental, "code_version", lambda: "another version")
    assert incremental.Cache.load(cfg).pages == {}


def test_lock_change_invalidates_the_cache(synced: Path) -> None:
    from pipeline.workspace.settings import load

    cfg = load(synced)
    assert incremental.Cache.load(cfg).pages
    write(synced / "pipeline.lock", 'url = "x"\n')
    assert incremental.Cache.load(cfg).pages == {}


def test_corrupt_cache_means_a_full_sync_not_an_error(synced: Path, run: Callable[..., Run], tmp_path: Path) -> None:
    (synced / ".pipeline" / incremental.CACHE_FILE).write_text("{not json")
    write(synced / "source/b.md", "# Beta\n\nChanged.\n")
    expected = full_result(synced, run, tmp_path)
    assert run(synced, "sync").code == 0
    assert tree(synced) == expected


def test_refused_translation_is_still_reported_when_its_page_is_skipped(synced: Path, run: Callable[..., Run]) -> None:
    translate(synced / "locales/nl/b.po", {"Second text.": "Tweede <script>alert(1)</script>"})
    first = run(synced, "sync")
    assert "[fallback]" in first.err
    again = run(synced, "sync")
    assert "0 written" in again.out
    assert again.err == first.err


def test_cache_records_only_existing_pages(synced: Path, run: Callable[..., Run]) -> None:
    (synced / "source/b.md").unlink()
    run(synced, "sync")
    data = json.loads((synced / ".pipeline" / incremental.CACHE_FILE).read_text())
    assert set(data["pages"]) == {"a"}
    assert all(not path.endswith(("/b.po", "/b.md", "/b.pot")) for path in data["files"])


def many_pages(root: Path, count: int = 30) -> Path:
    for k in range(count):
        write(root / "source" / f"p{k:02d}.md", f"---\ntitle: Page {k}\n---\n\n# Heading {k}\n\nText of page {k}.\n")
    write(root / "pipeline.toml", 'locales = ["nl", "de"]\n')
    return root


def test_parallel_sync_writes_the_same_bytes_as_one_process(
    tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    serial, parallel = many_pages(tmp_path / "serial"), many_pages(tmp_path / "parallel")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setenv("PIPELINE_JOBS", "1")
    assert run(serial, "sync").code == 0
    monkeypatch.setenv("PIPELINE_JOBS", "2")
    assert run(parallel, "sync").code == 0
    assert tree(serial) == tree(parallel)
    assert len(tree(parallel)) == 30 * 6 + 1  # source, template, 2 PO files, 2 pages; pipeline.toml


def test_error_in_a_worker_is_one_clear_line_and_nothing_written(
    tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = many_pages(tmp_path / "site")
    write(root / "source/p17.md", "---\ntitle: [broken\n---\n")
    monkeypatch.setenv("PIPELINE_JOBS", "2")
    before = tree(root)
    result = run(root, "sync")
    assert result.code == 2
    assert result.err.startswith("source/p17.md:3: error: front matter is not valid YAML")
    assert tree(root) == before


def test_a_page_failing_in_the_last_batch_leaves_no_file_and_no_folder(
    tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers plan batch after batch; when the last fails, nothing of the batches before is written:
    no temporary file, no new folder, nothing renamed."""
    root = many_pages(tmp_path / "site")
    run(root, "sync")
    for k in range(29):  # every page changes, so every batch has files to write
        write(root / "source" / f"p{k:02d}.md", f"---\ntitle: Page {k}\n---\n\n# Heading {k}\n\nNew text {k}.\n")
    write(root / "source/sub/deeper/p30.md", "# New page in a new folder\n")
    write(root / "source/zz.md", "---\ntitle: [broken\n---\n")  # the last batch fails
    monkeypatch.setenv("PIPELINE_JOBS", "2")
    entries = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".pipeline" not in p.parts)
    before = tree(root)
    result = run(root, "sync")
    assert result.code == 2
    assert result.err.startswith("source/zz.md:3: error: front matter is not valid YAML")
    assert tree(root) == before
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".pipeline" not in p.parts) == entries
    (root / "source/zz.md").unlink()
    assert run(root, "sync").code == 0  # and the next run writes them all
    assert "New text 3." in (root / "locales/nl/p03.po").read_text()
    assert (root / "build/de/sub/deeper/p30.md").is_file()
