"""Split a site's pages across N CI runners: ``sync --shard I/N``, ``check --shard I/N``.

A page belongs to exactly one shard, chosen from a hash of its name (sha256, not Python's
``hash()``, which changes from run to run), so every runner computes the same partition
without talking to the others, and a page keeps its shard as other pages come and go.

Every file sync writes or removes has one owner: a page's template, PO files and built
pages belong to the page's shard; global outputs (``[[messages]]`` templates, catalogs and
built message files) belong to shard 1. So the outputs of the N shards are disjoint, and a
tree that merges them is what one full sync writes.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import ConfigError

if TYPE_CHECKING:
    from pipeline.workspace.settings import Config

GLOBAL_OWNER = 1
"""The shard that writes what belongs to no page (the ``[[messages]]`` files)."""

_SPEC = re.compile(r"([1-9][0-9]{0,5})/([1-9][0-9]{0,5})")


def shard_of(page_name: str, n: int) -> int:
    """The shard (1 to ``n``) of a page name: stable across runs, machines and Python versions."""
    if n < 1:
        raise ValueError(f"shard count {n} must be at least 1")
    digest = hashlib.sha256(page_name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % n + 1


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard ``index`` of ``count`` (1-based, as in a CI matrix)."""

    index: int
    count: int

    def owns(self, page_name: str) -> bool:
        """True when this shard handles the page."""
        return shard_of(page_name, self.count) == self.index

    @property
    def owns_global(self) -> bool:
        """True for the shard that writes the outputs of no single page."""
        return self.index == GLOBAL_OWNER

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """``"2/4"`` -> ``Shard(2, 4)``; anything else is a ConfigError saying what to write."""
    m = _SPEC.fullmatch(text.strip())
    if m is None or int(m.group(1)) > int(m.group(2)):
        raise ConfigError(
            f"--shard {text!r} is not I/N with 1 <= I <= N",
            hint="e.g. --shard 2/4 (in a GitHub Actions matrix: --shard ${{ matrix.shard }}/4)",
        )
    return Shard(int(m.group(1)), int(m.group(2)))


def owner_page(cfg: Config, path: Path, message_names: frozenset[str]) -> str | None:
    """The page a file belongs to, or None for a global one (owned by shard 1).

    English pages, templates, PO files and built pages are named after their page; the files
    of a ``[[messages]]`` source (``message_names``) and anything else are global.
    """
    try:
        rel = os.path.relpath(path, cfg.root).replace(os.sep, "/")
    except ValueError:
        return None
    folders = [cfg.source, f"{cfg.locales_dir}/templates"]
    for locale in cfg.target_locales():
        folders.append(f"{cfg.locales_dir}/{locale}")
        folders.append(cfg.output.replace("{locale}", locale))
    for folder in folders:
        folder = os.path.normpath(folder).replace(os.sep, "/")
        if rel.startswith(folder + "/"):
            name = rel[len(folder) + 1 :]
            for suffix in (".pot", ".po", ".md"):
                if name.endswith(suffix):
                    name = name[: -len(suffix)]
                    return None if name in message_names else name
    return None


def owns_path(cfg: Config, shard: Shard, path: Path, message_names: frozenset[str]) -> bool:
    """True when ``path`` is this shard's to write or remove."""
    page = owner_page(cfg, path, message_names)
    return shard.owns_global if page is None else shard.owns(page)


def owns_finding(cfg: Config, shard: Shard, where: str, message_names: frozenset[str]) -> bool:
    """True when a finding at project-relative ``where`` is this shard's to report."""
    return owns_path(cfg, shard, cfg.root / where, message_names) if where else shard.owns_global
