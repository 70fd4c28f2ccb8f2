"""Sharded sync: a stable partition of pages, disjoint outputs, and merged shards = one full sync."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run, git, write

from pipeline.errors import ConfigError
from pipeline.formats import po
from pipeline.stages import build, safety
from pipeline.workspace.shard import Shard, parse_shard, shard_of


def test_shard_of_is_a_fixed_function_of_the_name() -> None:
    """sha256-based, so every runner and every Python process agrees (``hash()`` would not)."""
    assert [shard_of(name, 4) for name in ("index", "faq", "campaigns/school-streets", "é/ü")] == [
        shard_of(name, 4) for name in ("index", "faq", "campaigns/school-streets", "é/ü")
    ]
    code = "from pipeline.workspace.shard import shard_of; print([shard_of(f'p{k}', 7) for k in range(50)])"
    other = subprocess.run(["python3", "-c", code], capture_output=True, text=True, env={"PYTHONHASHSEED": "123"})
    mine = str([shard_of(f"p{k}", 7) for k in range(50)])
    if other.returncode == 0:  # a system python without the package installed cannot tell
        assert other.stdout.strip() == mine


def test_every_page_has_exactly_one_shard_and_shards_are_about_even() -> None:
    names = [f"section{k % 13}/page-{k}" for k in range(3000)]
    for n in (1, 2, 3, 8):
        counts = [sum(1 for name in names if Shard(i, n).owns(name)) for i in range(1, n + 1)]
        assert sum(counts) == len(names)
        assert min(counts) > 0.8 * len(names) / n


@pytest.mark.parametrize("text", ["0/3", "4/3", "1", "a/b", "1/0", "-1/2", "1/3/4", ""])
def test_a_bad_shard_spec_says_what_to_write(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_shard(text)
    assert "I/N" in str(caught.value)


def test_shard_spec_reads_like_a_ci_matrix() -> None:
    assert parse_shard("2/4") == Shard(2, 4)
    assert str(parse_shard(" 3/3 ")) == "3/3"


# --------------------------------------------------------------------------- shards in clones


def tree(root: Path) -> dict[str, bytes]:
    """Every file but git's and the pipeline's own cache."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts and ".pipeline" not in p.relative_to(root).parts
    }


def changes(root: Path) -> tuple[set[str], set[str]]:
    """(written, deleted) files of a clone against its HEAD."""
    written: set[str] = set()
    deleted: set[str] = set()
    for line in git(root, "status", "--porcelain", "-uall", "--no-renames").splitlines():
        code, path = line[:2], line[3:].strip('"')
        (deleted if "D" in code else written).add(path)
    return written, deleted


@pytest.fixture
def origin(site: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample site plus 14 pages, synced and committed, then English edits to sync:
    every page changed, one page added, one deleted, the message file changed."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setenv("PIPELINE_JOBS", "1")
    for k in range(14):
        write(site / "source" / "more" / f"p{k:02d}.md", f"---\ntitle: Page {k}\n---\n\n# Heading {k}\n\nText {k}.\n")
    assert run(site, "sync").code == 0
    git(site, "init", "-q", "-b", "main")
    git(site, "add", "-A")
    git(site, "commit", "-qm", "synced site")
    for page in sorted((site / "source").rglob("*.md")):
        page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence for every page.\n", encoding="utf-8")
    write(site / "source" / "more" / "new.md", "# A new page\n\nFresh text.\n")
    (site / "source" / "more" / "p03.md").unlink()
    messages = site / "messages" / "en.json"
    if messages.exists():
        messages.write_text(messages.read_text(encoding="utf-8").replace("{\n", '{\n  "shard_added": "Added",\n', 1))
    git(site, "add", "-A")
    git(site, "commit", "-qm", "English edits")
    return site


def test_merged_shards_are_one_full_sync_and_a_final_sync_is_a_no_op(
    origin: Path, tmp_path: Path, run: Callable[..., Run]
) -> None:
    full = tmp_path / "full"
    git(tmp_path, "clone", "-q", str(origin), str(full))
    assert run(full, "sync").code == 0
    expected = tree(full)

    merged = tmp_path / "merged"
    git(tmp_path, "clone", "-q", str(origin), str(merged))
    owner: dict[str, int] = {}
    for i in (1, 2, 3):
        clone = tmp_path / f"shard{i}"
        git(tmp_path, "clone", "-q", str(origin), str(clone))
        result = run(clone, "sync", "--shard", f"{i}/3")
        assert result.code == 0, result.err
        written, deleted = changes(clone)
        assert written | deleted, f"shard {i}/3 had nothing to do: the test would prove little"
        for path in written | deleted:
            assert path not in owner, f"{path} written by shards {owner[path]} and {i}"
            owner[path] = i
        for path in written:  # merge: copy what the shard wrote, delete what it removed
            (merged / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(clone / path, merged / path)
        for path in deleted:
            (merged / path).unlink()
    assert any(p.startswith("messages/") for p in owner) and all(
        owner[p] == 1 for p in owner if p.startswith("messages/")
    ), "global outputs are shard 1's"
    assert any(p.endswith("p03.md") for p in owner), "the removed page's outputs were removed by its shard"
    assert tree(merged) == expected

    again = run(merged, "sync")
    assert again.code == 0 and "0 written" in again.out, again.out
    assert tree(merged) == expected
    status = run(merged, "check")
    assert "stale-catalog" not in status.out


def test_sync_of_a_shard_leaves_other_shards_pages_alone(site: Path, run: Callable[..., Run]) -> None:
    """Pages of other shards are neither read into outputs nor removed (their files stay as they are)."""
    for k in range(6):
        write(site / "source" / f"q{k}.md", f"# Q {k}\n\nText {k}.\n")
    assert run(site, "sync", "--shard", "1/2").code == 0
    built = {p.stem for p in (site / "build" / "nl").glob("q*.md")}
    assert built == {f"q{k}" for k in range(6) if shard_of(f"q{k}", 2) == 1}
    assert run(site, "sync", "--shard", "2/2").code == 0
    assert {p.stem for p in (site / "build" / "nl").glob("q*.md")} == {f"q{k}" for k in range(6)}


# --------------------------------------------------------------------------- caches change nothing


def test_cached_and_uncached_syncs_write_the_same_bytes(
    site: Path, tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync helped by the incremental cache and warm in-process caches (wrapped lines, the
    English side of safety checks, parsed catalogs by content hash) writes
    what a sync with every cache empty writes; ``check`` reports the same either way."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setenv("PIPELINE_JOBS", "1")
    assert run(site, "sync").code == 0
    cold = tmp_path / "cold"
    shutil.copytree(site, cold)
    shutil.rmtree(cold / ".pipeline", ignore_errors=True)
    for root in (site, cold):
        page = root / "source" / "faq.md"
        page.write_text(page.read_text(encoding="utf-8").replace("the", "THE", 3), encoding="utf-8")
    assert run(site, "sync").code == 0  # warm: one dirty page, caches full
    for cached in (po._wrapped, po._canonical_flags, po._normal_references, safety._english_views):
        cached.cache_clear()
    safety._english_features.cache_clear()
    safety._invisible_pattern.cache_clear()
    for english in (build._english_placeholders, build._shape, build._skeleton):
        english.cache_clear()
    build._pages.clear()
    po._PARSED.clear()
    assert run(cold, "sync").code == 0  # cold: every page, every cache empty
    assert tree(site) == tree(cold)
    warm = run(site, "check", "--format", "json")
    po.remember_parsed(0)
    assert run(cold, "check", "--format", "json").out == warm.out


def test_check_shards_report_disjoint_findings_that_add_up_to_the_whole(site: Path, run: Callable[..., Run]) -> None:
    for k in range(8):
        write(site / "source" / f"q{k}.md", f"# Q {k}\n\nSee [the missing part](#nowhere-{k}).\n")
    assert run(site, "sync").code == 0
    whole = run(site, "check", "--format", "json")
    parts = [run(site, "check", "--format", "json", "--shard", f"{i}/3") for i in (1, 2, 3)]

    found = [json.dumps(f, sort_keys=True) for f in json.loads(whole.out)["findings"]]
    split = [json.dumps(f, sort_keys=True) for p in parts for f in json.loads(p.out)["findings"]]
    assert sum("nowhere" in f for f in found) >= 8
    assert sorted(split) == sorted(found)
    assert [p.code for p in parts].count(1) == sum(1 for p in parts if '"error"' in p.out)


TEMPLATE = Path(__file__).resolve().parent.parent / "pipeline" / "templates" / "sharded.yml"


def test_the_sharded_workflow_template_is_a_valid_github_workflow_whose_matrix_matches_its_count() -> None:
    import sys

    import yaml

    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(TEMPLATE)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    flow = yaml.load(TEMPLATE.read_text(), Loader=yaml.BaseLoader)
    shards = flow["jobs"]["shard"]["strategy"]["matrix"]["shard"]
    assert shards == [str(i) for i in range(1, int(flow["env"]["SHARDS"]) + 1)]
    runs = " ".join(s.get("run", "") for s in flow["jobs"]["shard"]["steps"])
    assert 'pipeline sync --offline --shard "${{ matrix.shard }}/$SHARDS"' in runs
    parse_shard(f"{shards[-1]}/{flow['env']['SHARDS']}")
