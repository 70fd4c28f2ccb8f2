"""Real upstream repositories for pull/staleness tests: an English site with a history, in tmp_path."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from conftest import git, pseudo, write

from pipeline.formats import po

POSTS = "src/posts"

PAGES = {
    "walk.md": "---\ntitle: Walking to school\n---\n\n# Walking to school\n\n"
    "Children walk together.\nParents take turns.\n\n## Routes {#routes}\n\nEach route has a leader.\n",
    "bike.md": "---\ntitle: Cycling\n---\n\n# Cycling\n\nBikes are parked at the gate.\n\n- Helmets\n- Lights\n",
    "news/spring.md": "# Spring news\n\nThe spring walk starts in April.\n",
}


class Upstream:
    """An English site repository with helpers to commit page changes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True)
        git(root, "init", "-q", "-b", "main")
        write(root / "README.md", "An English site.\n")
        for name, text in PAGES.items():
            write(root / POSTS / name, text)
        self.commit("first pages")

    def write(self, name: str, text: str, message: str = "edit") -> str:
        write(self.root / POSTS / name, text)
        return self.commit(message)

    def move(self, old: str, new: str, message: str = "move") -> str:
        (self.root / POSTS / new).parent.mkdir(parents=True, exist_ok=True)
        git(self.root, "mv", f"{POSTS}/{old}", f"{POSTS}/{new}")
        return self.commit(message)

    def delete(self, name: str, message: str = "delete") -> str:
        git(self.root, "rm", "-q", f"{POSTS}/{name}")
        return self.commit(message)

    def commit(self, message: str) -> str:
        git(self.root, "add", "-A")
        git(self.root, "commit", "-qm", message, "--allow-empty")
        return self.head()

    def head(self) -> str:
        return git(self.root, "rev-parse", "HEAD").strip()


def project(root: Path, url: str, ref: str = "main", path: str = POSTS, extra: str = "") -> Path:
    """A translation project pulling from ``url``, with one locale (nl)."""
    root.mkdir(parents=True, exist_ok=True)
    write(
        root / "pipeline.toml",
        f'locales = ["nl"]\n\n[upstream]\nurl = "{url}"\nref = "{ref}"\npath = "{path}"\n{extra}',
    )
    return root


def translate_all(root: Path, locale: str = "nl") -> None:
    """Translate every active entry of every PO file of ``locale`` with the pseudo-locale."""
    for path in sorted((root / "locales" / locale).rglob("*.po")):
        catalog = po.read_po(path)
        messages = tuple(
            m if m.obsolete else replace(m, msgstr=pseudo(m.msgid), flags=(), previous_msgid=None)
            for m in catalog.messages
        )
        po.write_po(path, replace(catalog, messages=messages))


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the project except the upstream cache."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".pipeline" not in p.relative_to(root).parts
    }
