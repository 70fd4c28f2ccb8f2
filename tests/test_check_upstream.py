"""Findings in English pulled from [upstream] do not block the translation repository by default."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import Run
from gitsite import POSTS, Upstream, project, translate_all
from test_check import make_site


def upstream_with_broken_links(tmp_path: Path) -> Upstream:
    up = Upstream(tmp_path / "upstream")
    up.write("debug.md", "# Debug\n\nSee [the map](/communities) and [walks](/walk#no-such-section).\n")
    return up


def synced(tmp_path: Path, run: Callable[..., Run], extra: str = "") -> Path:
    up = upstream_with_broken_links(tmp_path)
    root = project(tmp_path / "site", str(up.root), extra=extra)
    assert run(root, "sync").code == 0
    translate_all(root)
    assert run(root, "sync").code == 0
    return root


def test_upstream_english_findings_are_warnings_grouped_for_the_maintainers(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    root = synced(tmp_path, run)
    result = run(root, "check")
    assert result.code == 0, result.out
    lines = result.out.splitlines()
    assert [line.split(": ")[1].split(" [")[0] for line in lines] == ["warning", "warning"]
    assert "source/debug.md:3:" in lines[0] and "[page-missing]" in lines[0] and "[anchor-missing]" in lines[1]
    assert "fix src/posts/debug.md in " in lines[0] and "a translation cannot" in lines[0]
    assert "2 in upstream English: tell the site's maintainers" in result.err
    data = json.loads(run(root, "check", "--format", "json").out)
    assert {f["group"] for f in data["findings"]} == {"upstream-english"}


def test_fail_on_upstream_english_makes_them_block(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = synced(tmp_path, run, '\n[check]\nfail_on = ["stale-catalog", "upstream-english"]\n')
    result = run(root, "check")
    assert result.code == 1
    assert result.out.count(": error [") == 2


def test_local_english_keeps_blocking(tmp_path: Path, run: Callable[..., Run]) -> None:
    up = upstream_with_broken_links(tmp_path)
    root = make_site(tmp_path / "site", {"debug": (up.root / POSTS / "debug.md").read_text(), "walk": "# Walk\n"})
    assert run(root, "sync").code == 0
    result = run(root, "check")
    assert result.code == 1
    assert result.out.count(": error [") == 2 and "upstream" not in result.out
