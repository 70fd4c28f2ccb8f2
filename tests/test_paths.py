"""Paths stay inside the project: config values, page names, PO references, links that lead out."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run, write

from pipeline.errors import ConfigError
from pipeline.workspace.paths import escapes
from pipeline.workspace.settings import from_dict


def tiny_site(root: Path) -> Path:
    write(root / "source" / "index.md", "# Home\n\nWe walk to school.\n")
    (root / "locales" / "nl").mkdir(parents=True)
    return root


def tree(root: Path) -> dict[str, bytes]:
    """Every file under a folder (links not followed), for 'nothing changed' checks."""
    out: dict[str, bytes] = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            if not path.is_symlink() and ".pipeline" not in path.parts:
                out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('source = "../elsewhere"', "source = '../elsewhere' points outside the project"),
        ('source = "/etc"', "source = '/etc' points outside the project"),
        ('locales_dir = "a/../../b"', "locales_dir = 'a/../../b' points outside the project"),
        ('output = "../out/{locale}"', "output = '../out/{locale}' points outside the project"),
        ('output = "/tmp/{locale}"', "output = '/tmp/{locale}' points outside the project"),
        ('source = "..\\\\up"', "source = '..\\\\up' points outside the project"),
        ('output = "source"', "output = 'source' overlaps source = 'source'"),
        ('source = "."', "output = 'build/{locale}' overlaps source = '.'"),
        ('[upstream]\npath = "../../etc"', "upstream.path = '../../etc' points outside the upstream repository"),
        ('[upstream]\npath = "/abs"', "upstream.path = '/abs' points outside the upstream repository"),
    ],
)
def test_config_path_leaving_the_root_is_refused(
    tmp_path: Path, run: Callable[..., Run], toml: str, message: str
) -> None:
    root = tiny_site(tmp_path)
    write(root / "pipeline.toml", toml + "\n")
    before = tree(root)
    result = run(root, "sync")
    assert result.code == 2
    assert result.err.startswith(f"pipeline.toml:{toml.count(chr(10)) + 1}: error: {message}"), result.err
    assert tree(root) == before


def test_config_folder_that_is_a_link_out_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "site"
    root.mkdir()
    (root / "pages").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ConfigError, match="leads outside the project"):
        from_dict(root, {"source": "pages"})


def test_locale_folder_linked_out_is_neither_read_nor_written(tmp_path: Path, run: Callable[..., Run]) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    write(outside / "index.po", 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n')
    root = tiny_site(tmp_path / "site")
    (root / "locales" / "nl").rmdir()
    (root / "locales" / "nl").symlink_to(outside, target_is_directory=True)
    before, outside_before = tree(root), tree(outside)
    result = run(root, "sync")
    assert result.code == 2
    assert result.err == (
        "locales/nl/index.po: error: leads outside the project (through a symbolic link); "
        "replace the link with a real file or folder inside the project\n"
    )
    assert tree(root) == before and tree(outside) == outside_before


def test_po_file_linked_out_is_not_read(tmp_path: Path, run: Callable[..., Run]) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password=hunter2\n")
    root = tiny_site(tmp_path / "site")
    (root / "locales" / "nl" / "index.po").symlink_to(secret)
    result = run(root, "sync")
    assert result.code == 2
    assert "hunter2" not in result.err and "leads outside the project" in result.err
    assert secret.read_text() == "password=hunter2\n"


def test_output_folder_linked_out_is_not_written(tmp_path: Path, run: Callable[..., Run]) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tiny_site(tmp_path / "site")
    (root / "build").mkdir()
    (root / "build" / "nl").symlink_to(outside, target_is_directory=True)
    before = tree(root)
    result = run(root, "sync")
    assert result.code == 2
    assert result.err.startswith("build/nl/index.md: error: leads outside the project")
    assert list(outside.iterdir()) == [] and tree(root) == before


def test_page_linked_out_is_refused(tmp_path: Path, run: Callable[..., Run]) -> None:
    outside = write(tmp_path / "outside.md", "# Not ours\n")
    root = tiny_site(tmp_path / "site")
    (root / "source" / "leak.md").symlink_to(outside)
    result = run(root, "sync")
    assert result.code == 2
    assert result.err.startswith("source/leak.md: error: page is a link that leads outside the project")


def test_folder_of_pages_linked_out_is_not_followed(tmp_path: Path, run: Callable[..., Run]) -> None:
    outside = tmp_path / "outside"
    write(outside / "other.md", "# Other\n")
    root = tiny_site(tmp_path / "site")
    (root / "source" / "more").symlink_to(outside, target_is_directory=True)
    assert run(root, "sync").code == 0
    assert not (root / "locales" / "templates" / "more").exists()


@pytest.mark.parametrize("reference", ["../../etc/passwd", "/etc/passwd", "..\\..\\secret.md", "C:/x.md"])
def test_po_reference_outside_the_project_is_refused(tmp_path: Path, run: Callable[..., Run], reference: str) -> None:
    root = tiny_site(tmp_path)
    assert run(root, "sync").code == 0
    po_file = root / "locales" / "nl" / "index.po"
    text = po_file.read_text(encoding="utf-8").replace("#: source/index.md", f"#: {reference}", 1)
    po_file.write_text(text, encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("msgid ") and i > 3)
    before = tree(root)
    result = run(root, "sync")
    assert result.code == 2
    assert result.err.startswith(
        f"locales/nl/index.po:{line}: error: reference {reference!r} of this entry points outside the project"
    )
    assert tree(root) == before


@pytest.mark.parametrize(
    ("value", "out"),
    [
        ("source", False),
        ("a/b/../c", True),  # stays inside, but '..' is refused everywhere: simpler to read and to trust
        ("a/..b", False),
        ("..", True),
        ("../x", True),
        ("a/../../x", True),
        ("/abs", True),
        ("\\\\server\\share", True),
        ("C:\\x", True),
        ("a\\..\\..\\x", True),
        ("", False),
    ],
)
def test_escapes_table(value: str, out: bool) -> None:
    assert escapes(value) is out


@pytest.mark.parametrize(
    ("file_name", "error"),
    [
        (
            "my\u00a0page.md".encode(),
            "source/my\\xa0page.md: error: page file name contains no-break space (U+00A0)",
        ),
        (b"a\tb.md", "source/a\\tb.md: error: page file name contains '\\t' (U+0009)"),
        (b"a\nb.md", "source/a\\nb.md: error: page file name contains '\\n' (U+000A)"),
        (b"caf\xe9.md", "source/caf\\udce9.md: error: page file name is not valid UTF-8"),
    ],
)
def test_page_name_that_cannot_be_a_reference_is_refused(
    tmp_path: Path, run: Callable[..., Run], file_name: bytes, error: str
) -> None:
    # Each of these crashed the PO writer (ValueError or UnicodeEncodeError) before.
    root = tiny_site(tmp_path)
    (root / "source").joinpath(os.fsdecode(file_name)).write_text("# Other\n\nMore text.\n")
    before = tree(root)
    result = run(root, "sync")
    assert result.code == 2
    assert result.err.startswith(error), result.err
    assert tree(root) == before


# --- the private folder (issue 20, case 1)


def test_pipeline_folder_linked_out_is_refused_and_nothing_is_written_there(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    # `/.pipeline/` in .gitignore does not match a symbolic link, so a pull request can commit one.
    outside = tmp_path / "elsewhere"
    write(outside / "work.txt", "someone's uncommitted work\n")
    root = tiny_site(tmp_path / "site")
    (root / ".pipeline").symlink_to(outside, target_is_directory=True)
    for command in ("sync", "build", "status"):
        result = run(root, command)
        assert result.code == 2, (command, result.err)
        assert result.err.startswith(".pipeline: error: is a symbolic link; the tool keeps its own files there"), (
            result.err
        )
        assert "delete the link" in result.err
    assert sorted(p.name for p in outside.iterdir()) == ["work.txt"]
    assert (outside / "work.txt").read_text() == "someone's uncommitted work\n"


def test_pull_refuses_a_pipeline_link_and_leaves_the_folder_it_points_at(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    from conftest import git
    from gitsite import Upstream, project

    upstream = Upstream(tmp_path / "upstream")
    sibling = tmp_path / "sibling"
    git(tmp_path, "clone", "-q", str(upstream.root), str(sibling / "upstream"))
    write(sibling / "upstream" / "draft.md", "uncommitted work\n")
    root = project(tmp_path / "site", str(upstream.root))
    (root / ".pipeline").symlink_to(sibling, target_is_directory=True)
    for command in ("pull", "sync"):
        result = run(root, command)
        assert result.code == 2, result.err
        assert result.err.startswith(".pipeline: error: is a symbolic link"), result.err
    assert (sibling / "upstream" / "draft.md").read_text() == "uncommitted work\n"
    assert (sibling / "upstream" / ".git").is_dir()


def test_pull_never_replaces_an_upstream_folder_it_did_not_create(tmp_path: Path, run: Callable[..., Run]) -> None:
    from conftest import git
    from gitsite import Upstream, project

    upstream = Upstream(tmp_path / "upstream")
    root = project(tmp_path / "site", str(upstream.root))
    stranger = root / ".pipeline" / "upstream"
    git(tmp_path, "clone", "-q", str(upstream.root), str(stranger))  # a working clone, not our bare cache
    write(stranger / "draft.md", "uncommitted work\n")
    result = run(root, "pull")
    assert result.code == 2, result.err
    assert result.err.startswith(
        ".pipeline/upstream: error: is not the pipeline's upstream cache (no marker file); left as it is"
    ), result.err
    assert (stranger / "draft.md").read_text() == "uncommitted work\n"


def test_broken_upstream_cache_of_ours_is_replaced(tmp_path: Path, run: Callable[..., Run]) -> None:
    from gitsite import Upstream, project

    upstream = Upstream(tmp_path / "upstream")
    root = project(tmp_path / "site", str(upstream.root))
    assert run(root, "pull").code == 0
    cache = root / ".pipeline" / "upstream"
    assert (cache / "pipeline-upstream-cache").is_file()
    (cache / "HEAD").unlink()  # a cache of ours, broken
    assert run(root, "pull").code == 0
    assert (cache / "HEAD").is_file()


def test_upstream_cache_linked_out_is_refused(tmp_path: Path, run: Callable[..., Run]) -> None:
    from gitsite import Upstream, project

    upstream = Upstream(tmp_path / "upstream")
    root = project(tmp_path / "site", str(upstream.root))
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere / "keep.txt", "mine\n")
    (root / ".pipeline").mkdir()
    (root / ".pipeline" / "upstream").symlink_to(elsewhere, target_is_directory=True)
    result = run(root, "pull")
    assert result.code == 2, result.err
    assert result.err.startswith(".pipeline/upstream: error: is a symbolic link"), result.err
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]


# --- the sync cache (issue 20, case 7)


def test_sync_cache_never_reads_a_po_file_through_a_link_leading_out(tmp_path: Path, run: Callable[..., Run]) -> None:
    import threading

    root = tiny_site(tmp_path / "site")
    assert run(root, "sync").code == 0  # the cache now records locales/nl/index.po
    fifo = tmp_path / "outside.fifo"
    os.mkfifo(fifo)
    opened = threading.Event()

    def writer() -> None:  # open() for writing returns only once someone opens the FIFO to read it
        with open(fifo, "wb"):
            opened.set()

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    po_file = root / "locales" / "nl" / "index.po"
    po_file.unlink()
    po_file.symlink_to(fifo)
    result = run(root, "sync")
    read_through = opened.wait(0.3)
    if not read_through:  # unblock the writer ourselves
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
    thread.join(5)
    assert not read_through, "the sync cache read a file outside the project"
    assert result.code == 2
    assert result.err.startswith("locales/nl/index.po: error: leads outside the project"), result.err


# --- file modes (issue 20, case 8)


def _change_english(root: Path) -> None:
    write(root / "source" / "index.md", "# Home\n\nWe walk to school.\n\nA new paragraph.\n")


def test_rewritten_files_keep_their_mode(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tiny_site(tmp_path)
    assert run(root, "sync").code == 0
    po_file = root / "locales" / "nl" / "index.po"
    built = root / "build" / "nl" / "index.md"
    po_file.chmod(0o600)
    built.chmod(0o640)
    _change_english(root)
    result = run(root, "sync")
    assert result.code == 0, result.err
    assert "A new paragraph." in po_file.read_text()
    assert po_file.stat().st_mode & 0o777 == 0o600
    assert built.stat().st_mode & 0o777 == 0o640


def test_read_only_file_is_refused_not_replaced(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tiny_site(tmp_path)
    assert run(root, "sync").code == 0
    po_file = root / "locales" / "nl" / "index.po"
    po_file.chmod(0o444)
    _change_english(root)
    before = tree(root)
    result = run(root, "sync")
    assert result.code == 1, result.err
    assert result.err.startswith("locales/nl/index.po: error: cannot write: the file is read-only"), result.err
    assert "chmod u+w" in result.err
    assert po_file.stat().st_mode & 0o777 == 0o444
    assert tree(root) == before  # refused before anything was written


def test_pull_never_writes_through_a_linked_source_folder(tmp_path: Path, run: Callable[..., Run]) -> None:
    from gitsite import Upstream, project

    upstream = Upstream(tmp_path / "upstream")  # has src/posts/news/spring.md
    root = project(tmp_path / "site", str(upstream.root))
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "source").mkdir()
    (root / "source" / "news").symlink_to(outside, target_is_directory=True)
    result = run(root, "pull")
    assert result.code == 2, result.err
    assert result.err.startswith("source/news/spring.md: error: leads outside the project"), result.err
    assert list(outside.iterdir()) == []
    assert not (root / "pipeline.git.lock").exists()


def test_first_outside_resolves_folders_once_and_still_follows_a_linked_file(tmp_path: Path) -> None:
    from pipeline.workspace.paths import first_outside
    from pipeline.workspace.settings import load

    root = tmp_path / "site"
    (root / "source").mkdir(parents=True)
    (root / "build" / "nl").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.md").write_text("x")
    cfg = load(root)
    plain = [root / "build" / "nl" / f"p{k}.md" for k in range(5)]
    assert first_outside(cfg, plain) is None
    (root / "build" / "nl" / "p3.md").symlink_to(outside / "x.md")  # one file linked out, its folder inside
    assert first_outside(cfg, plain) == root / "build" / "nl" / "p3.md"
    (root / "build" / "de").symlink_to(outside, target_is_directory=True)  # a whole folder linked out
    assert first_outside(cfg, [root / "build" / "de" / "p0.md", *plain]) == root / "build" / "de" / "p0.md"
