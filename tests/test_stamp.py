"""``[build] stamp = true``: freshness keys in the front matter of built pages (off by default)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import Run, write
from gitsite import POSTS, Upstream, project, translate_all


def front_matter(text: str) -> dict[str, object]:
    assert text.startswith("---\n")
    loaded = yaml.safe_load(text.split("---\n")[1])
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture
def upstream(tmp_path: Path) -> Upstream:
    return Upstream(tmp_path / "upstream")


def test_stamp_is_off_by_default_and_builds_stay_byte_exact(
    tmp_path: Path, upstream: Upstream, run: Callable[..., Run]
) -> None:
    site = project(tmp_path / "site", str(upstream.root))
    run(site, "sync")
    for name in ("walk", "bike", "news/spring"):
        assert (site / f"build/nl/{name}.md").read_bytes() == (site / f"source/{name}.md").read_bytes()


def test_stamp_adds_commit_share_and_outdated(tmp_path: Path, upstream: Upstream, run: Callable[..., Run]) -> None:
    site = project(tmp_path / "site", str(upstream.root), extra="\n[build]\nstamp = true\n")
    run(site, "sync")
    translate_all(site)
    assert run(site, "sync").code == 0
    walk = (site / "build/nl/walk.md").read_text()
    assert walk.startswith('---\ntitle: WALKING TO SCHOOL\ntranslation_commit: "')
    keys = front_matter(walk)
    assert keys["translation_commit"] == upstream.head()
    assert keys["translation_share"] == 1.0 and keys["translation_outdated"] is False
    assert "\n# WALKING TO SCHOOL\n" in walk

    text = (upstream.root / POSTS / "walk.md").read_text()
    upstream.write("walk.md", text.replace("Each route has a leader.", "Each route has two leaders."))
    assert run(site, "sync").code == 0
    keys = front_matter((site / "build/nl/walk.md").read_text())
    assert keys["translation_outdated"] is True
    assert 0 < float(str(keys["translation_share"])) < 1


def test_page_without_front_matter_gets_one(tmp_path: Path, upstream: Upstream, run: Callable[..., Run]) -> None:
    site = project(tmp_path / "site", str(upstream.root), extra="\n[build]\nstamp = true\n")
    run(site, "sync")
    spring = (site / "build/nl/news/spring.md").read_text()
    keys = front_matter(spring)
    assert keys["translation_outdated"] is True and keys["translation_share"] == 0.0
    assert spring.endswith("---\n" + (site / "source/news/spring.md").read_text())


def test_stamp_without_upstream_has_no_commit_key(tmp_path: Path, run: Callable[..., Run]) -> None:
    write(tmp_path / "source/a.md", "---\ntitle: A\n---\n\nText.\n")
    write(tmp_path / "pipeline.toml", 'locales = ["nl"]\n[build]\nstamp = true\n')
    assert run(tmp_path, "sync").code == 0
    keys = front_matter((tmp_path / "build/nl/a.md").read_text())
    assert "translation_commit" not in keys and keys["translation_outdated"] is True


def test_stamp_must_be_a_boolean(tmp_path: Path, run: Callable[..., Run]) -> None:
    write(tmp_path / "source/a.md", "Text.\n")
    write(tmp_path / "pipeline.toml", 'locales = ["nl"]\n[build]\nstamp = "yes"\n')
    result = run(tmp_path, "sync")
    assert result.code == 2 and result.err.startswith("pipeline.toml:3: error: [build] stamp must be true or false")
