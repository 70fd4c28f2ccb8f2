"""What kind of site a project translates: framework, markdown dialect, English folder, served routes.

``pipeline init`` reads the site (a folder, or the upstream repository at a commit) through the small
``Tree`` interface and writes what it finds into ``pipeline.toml``, so the link checks know every
path the site serves besides the markdown pages: SvelteKit's ``src/routes`` (``(groups)`` dropped,
``[params]`` as ``*``), Astro's ``src/pages``, and the sources of a redirects file.
Pure apart from the tree: no network, no writes.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

SKIP_DIRS = frozenset({"node_modules", ".git", ".svelte-kit", ".astro", ".pipeline", ".venv", "dist", "build"})
"""Folders never read: dependencies, caches and build output."""

REDIRECT_FILES = ("static/_redirects", "public/_redirects", "_redirects", "vercel.json", "netlify.toml")
"""Where sites keep redirects (Netlify/Cloudflare ``_redirects``, Vercel, Netlify's TOML); the first found is read."""


class Tree(Protocol):
    """A site's files: a folder on disk or a commit of a git repository."""

    def files(self) -> Iterable[str]:
        """Every file's path, ``/``-separated, relative to the site root."""
        ...

    def read(self, path: str) -> str | None:
        """A file's text, or None when it does not exist or is not text."""
        ...


@dataclass(frozen=True, slots=True)
class FolderTree:
    """A site checked out on disk."""

    root: Path

    def files(self) -> Iterator[str]:
        for top, dirs, names in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
            rel = Path(top).relative_to(self.root).as_posix()
            for name in sorted(names):
                yield name if rel == "." else f"{rel}/{name}"

    def read(self, path: str) -> str | None:
        try:
            return (self.root / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None


@dataclass(frozen=True, slots=True)
class Site:
    """What ``init`` found; every field has a safe default for a site it does not recognise."""

    framework: str = ""
    """``sveltekit``, ``astro`` or empty."""
    dialect: str = "markdown"
    """``mdsvex``, ``mdx`` or ``markdown``: how the site renders its pages (``[site] dialect``)."""
    pages: str = ""
    """Folder of the English pages, relative to the site root (``src/posts``); empty when not found."""
    routes: tuple[str, ...] = ()
    """Paths the site serves besides the pages (``/api/*``), sorted."""
    left_out: tuple[str, ...] = ()
    """Routes not listed because they would accept any link (``/[slug]``: the pages themselves)."""
    redirects_file: str = ""
    """The redirects file whose sources are in ``routes``."""
    messages: str = ""
    """The English inlang message file (``messages/en.json``), when there is one."""


def detect(tree: Tree, redirects: str | None = None) -> Site:
    """Read the site's configuration files and route folders."""
    files = list(tree.files())
    names = set(files)
    package = _package_deps(tree.read("package.json") if "package.json" in names else None)
    config = {n: tree.read(n) or "" for n in files if re.fullmatch(r"(svelte|astro)\.config\.(js|mjs|cjs|ts)", n)}
    svelte = any(n.startswith("svelte.") for n in config) or "@sveltejs/kit" in package
    astro = any(n.startswith("astro.") for n in config) or "astro" in package
    text = "\n".join(config.values())
    routes: set[str] = set()
    left_out: set[str] = set()
    if svelte:
        framework = "sveltekit"
        dialect = "mdsvex" if "mdsvex" in package or "mdsvex" in text else "markdown"
        for route in sveltekit_routes(files):
            (left_out if _catch_all(route) else routes).add(route)
        pages = _pages_folder(files, ("src/posts", "src/content", "src/lib/posts", "content", "posts"))
    elif astro:
        framework = "astro"
        dialect = "mdx" if {"@astrojs/mdx", "@astrojs/starlight"} & package or "mdx(" in text else "markdown"
        for route in astro_routes(files):
            (left_out if _catch_all(route) else routes).add(route)
        pages = _pages_folder(files, ("src/content/docs/en", "src/content/docs", "src/content/blog", "src/content"))
    else:
        framework, dialect, pages = "", "markdown", _pages_folder(files, ("src/posts", "content", "docs", "posts"))
    found = redirects or next((f for f in REDIRECT_FILES if f in names), "")
    if found:
        routes.update(redirect_sources(found, tree.read(found) or ""))
    messages = next((m for m in ("messages/en.json", "src/messages/en.json") if m in names), "")
    return Site(framework, dialect, pages, tuple(sorted(routes)), tuple(sorted(left_out)), found, messages)


def _package_deps(text: str | None) -> set[str]:
    if not text:
        return set()
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return set()
    deps: set[str] = set()
    if isinstance(data, dict):
        for key in ("dependencies", "devDependencies", "peerDependencies"):
            value = data.get(key)
            if isinstance(value, dict):
                deps.update(str(k) for k in value)
    return deps


def _catch_all(route: str) -> bool:
    """A route made only of parameters (``/*``, ``/*/*``) matches every link: listing it would hide broken ones."""
    return all(part == "*" for part in route.strip("/").split("/")) and route != "/"


def _pages_folder(files: list[str], candidates: Iterable[str]) -> str:
    """The first candidate folder that holds markdown pages."""
    for folder in candidates:
        prefix = folder + "/"
        if any(f.startswith(prefix) and f.endswith((".md", ".svx", ".mdx")) for f in files):
            return folder
    return ""


# --------------------------------------------------------------------------- routes


_SVELTE_ROUTE_FILES = re.compile(r"\+(page|server)(@[^.]*)?(\.server)?\.(svelte|ts|js)$")


def sveltekit_routes(files: Iterable[str]) -> list[str]:
    """Paths of ``src/routes``: one per folder with a ``+page``/``+server`` file, as link patterns.

    ``(group)`` folders do not appear in the URL; ``[param]``, ``[param=matcher]`` and ``[...rest]``
    match any segment (``*``); an ``[[optional]]`` segment gives the path with and without it.
    """
    found: set[str] = set()
    for path in files:
        if not path.startswith("src/routes/"):
            continue
        parts = path.split("/")[2:]
        if not _SVELTE_ROUTE_FILES.fullmatch(parts[-1]):
            continue
        found.update(_expand([p for p in parts[:-1] if not (p.startswith("(") and p.endswith(")"))]))
    return sorted(found)


def _expand(segments: list[str]) -> list[str]:
    """Link patterns of a route's segments; optional segments double the set."""
    paths: list[list[str]] = [[]]
    for seg in segments:
        if seg.startswith("[[") and seg.endswith("]]"):
            paths = [p for base in paths for p in (base, [*base, "*"])]
            continue
        pattern = re.sub(r"\[[^\]]*\]", "*", seg)
        paths = [[*base, pattern] for base in paths]
    return ["/" + "/".join(p) for p in paths]


_ASTRO_PAGE = re.compile(r".*\.(astro|md|mdx|html|ts|js)$")


def astro_routes(files: Iterable[str]) -> list[str]:
    """Paths of Astro's ``src/pages``: file names (``index`` is the folder), ``[param]`` and ``[...rest]`` as ``*``."""
    found: set[str] = set()
    for path in files:
        if not path.startswith("src/pages/") or not _ASTRO_PAGE.fullmatch(path):
            continue
        parts = path.split("/")[2:]
        if any(p.startswith("_") for p in parts):
            continue  # underscore files and folders are not routes
        stem = parts[-1].rsplit(".", 1)[0]  # an endpoint keeps its own extension: rss.xml.ts -> /rss.xml
        segments = parts[:-1] if stem == "index" else [*parts[:-1], stem]
        found.update(_expand(segments))
    return sorted(found)


def redirect_sources(name: str, text: str) -> list[str]:
    """The source paths of a redirects file: ``_redirects`` lines, ``vercel.json``, ``netlify.toml``, or a plain list.

    Placeholders (``:slug``, ``:splat``) and ``*`` become ``*``; absolute URLs (another domain) are skipped.
    """
    sources: list[str] = []
    if name.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return []
        items = data["redirects"] if isinstance(data, dict) and "redirects" in data else data
        if isinstance(items, dict):
            sources = [str(k) for k in items]
        elif isinstance(items, list):
            sources = [str(i.get("source", "")) if isinstance(i, dict) else str(i) for i in items]
    elif name.endswith(".toml"):
        sources = re.findall(r"^\s*from\s*=\s*[\"']([^\"']+)", text, re.MULTILINE)
    else:
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                sources.append(line.split()[0])
    out: set[str] = set()
    for source in sources:
        if not source.startswith("/"):
            continue
        pattern = re.sub(r":[A-Za-z_]\w*|\*+", "*", source.split("?")[0].split("#")[0])
        out.add(pattern.rstrip("/") or "/")
    return sorted(out)
