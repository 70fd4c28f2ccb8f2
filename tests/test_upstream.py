"""The upstream cache and history queries (pipeline.git.upstream), on real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import git, write
from gitsite import POSTS, Upstream, project

from pipeline.errors import ConfigError
from pipeline.git import upstream
from pipeline.workspace.settings import load


@pytest.fixture
def up(tmp_path: Path) -> Upstream:
    return Upstream(tmp_path / "upstream")


def test_open_upstream_makes_a_bare_cache_in_dot_pipeline(tmp_path: Path, up: Upstream) -> None:
    cfg = load(project(tmp_path / "site", str(up.root)))
    with upstream.open_upstream(cfg) as repo:
        assert repo.bare
        assert Path(repo.git_dir) == tmp_path / "site" / ".pipeline" / "upstream"
        assert upstream.resolve(repo, "main") == up.head()
        assert upstream.resolve(repo, up.head()[:8]) == up.head()
        assert upstream.resolve(repo, "no-such-ref") is None


def test_list_pages_gives_relative_paths_and_blob_ids(tmp_path: Path, up: Upstream) -> None:
    write(up.root / POSTS / ".hidden/draft.md", "# Draft\n")
    write(up.root / POSTS / "image.png", "not a page")
    up.commit("extras")
    cfg = load(project(tmp_path / "site", str(up.root)))
    with upstream.open_upstream(cfg) as repo:
        pages = upstream.list_pages(cfg, repo, up.head(), upstream.settings(cfg))
    assert [p.relative for p in pages] == ["bike.md", "news/spring.md", "walk.md"]
    assert pages[0].blob == git(up.root, "rev-parse", f"HEAD:{POSTS}/bike.md").strip()


def test_renames_uses_git_rename_detection(tmp_path: Path, up: Upstream) -> None:
    first = up.head()
    up.move("bike.md", "travel/bike.md")
    text = (up.root / POSTS / "walk.md").read_text()
    up.move("walk.md", "walking.md")
    up.write("walking.md", text.replace("Parents take turns.", "Parents take turns on Mondays."))
    cfg = load(project(tmp_path / "site", str(up.root)))
    with upstream.open_upstream(cfg) as repo:
        found = upstream.renames(repo, first, up.head(), upstream.settings(cfg))
    assert found == [("bike.md", "travel/bike.md"), ("walk.md", "walking.md")]


def test_page_history_follows_renames_newest_first_and_is_bounded(tmp_path: Path, up: Upstream) -> None:
    c1 = up.head()
    c2 = up.write("bike.md", "# Cycling\n\nVersion two.\n")
    c3 = up.move("bike.md", "cycling.md")
    c4 = up.write("cycling.md", "# Cycling\n\nVersion three.\n")
    cfg = load(project(tmp_path / "site", str(up.root)))
    with upstream.open_upstream(cfg) as repo:
        history = upstream.page_history(repo, f"{POSTS}/cycling.md", up.head(), 10)
        short = upstream.page_history(repo, f"{POSTS}/cycling.md", up.head(), 2)
    assert [sha for sha, _, _ in history] == [c4, c3, c2, c1]
    assert "Version three." in history[0][2] and "Version two." in history[1][2]
    assert history[2][2] == history[1][2]  # the rename commit: same text
    assert history[3][2].startswith("---\ntitle: Cycling")
    assert [sha for sha, _, _ in short] == [c4, c3]
    assert all(date[:4].isdigit() and "T" in date for _, date, _ in history)


def test_page_changes_since_a_commit(tmp_path: Path, up: Upstream) -> None:
    start = up.head()
    c2 = up.write("walk.md", "# Walking\n")
    up.write("bike.md", "# Bikes\n")
    c4 = up.write("walk.md", "# Walking again\n")
    cfg = load(project(tmp_path / "site", str(up.root)))
    with upstream.open_upstream(cfg) as repo:
        changes = upstream.page_changes(repo, f"{POSTS}/walk.md", start, up.head())
    assert [c.commit for c in changes] == [c4, c2]
    assert changes[0].summary == "edit" and changes[0].old_blob and changes[0].new_blob


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/site.git", "https://example.org/site.git"),
        ("git@example.org:site.git", "git@example.org:site.git"),
        ("file:///srv/site.git", "file:///srv/site.git"),
        ("../upstream", "{root}/upstream"),
    ],
)
def test_url_kinds(tmp_path: Path, url: str, expected: str) -> None:
    cfg = load(project(tmp_path / "site", url))
    assert upstream.settings(cfg).location == expected.format(root=tmp_path)


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        ('[upstream]\nref = "main"\n', "url must be a non-empty string"),
        ('[upstream]\nurl = "x"\nbranch = "main"\n', "unknown setting [upstream] 'branch'"),
        ('[upstream]\nurl = "x"\npath = "/etc"\n', "outside the upstream repository"),
        ('[upstream]\nurl = "x"\nref = "-x"\n', "is not a branch, tag or commit"),
    ],
)
def test_bad_upstream_settings(tmp_path: Path, table: str, fragment: str) -> None:
    write(tmp_path / "pipeline.toml", table)
    with pytest.raises(ConfigError) as caught:
        upstream.settings(load(tmp_path))
    assert fragment in str(caught.value)
    assert str(caught.value).startswith("pipeline.toml:")


def test_error_points_at_the_key_inside_upstream_not_another_section(tmp_path: Path) -> None:
    write(tmp_path / "pipeline.toml", '[site]\nurl = "https://example.org"\n\n[upstream]\nurl = ""\n')
    with pytest.raises(ConfigError) as caught:
        upstream.settings(load(tmp_path))
    assert str(caught.value).startswith("pipeline.toml:5: error: [upstream] url must be a non-empty string")


def test_default_ref_is_the_upstream_default_branch(tmp_path: Path, up: Upstream) -> None:
    git(up.root, "checkout", "-q", "-b", "draft")
    up.write("walk.md", "# A draft on another branch\n")
    git(up.root, "checkout", "-q", "main")
    root = tmp_path / "site"
    write(root / "pipeline.toml", f'[upstream]\nurl = "{up.root}"\npath = "{POSTS}"\n')
    cfg = load(root)
    assert upstream.settings(cfg).ref == "HEAD"
    with upstream.open_upstream(cfg) as repo:
        assert upstream.resolve(repo, "HEAD") == git(up.root, "rev-parse", "main").strip()
        assert upstream.resolve(repo, "draft") == git(up.root, "rev-parse", "draft").strip()
