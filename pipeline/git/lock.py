"""``pipeline.lock``: which upstream commit ``source/`` holds, and each page's blob id.

Written by ``pipeline pull`` (deterministically: sorted keys, one TOML writer), committed with
the project, read by ``sync``, ``status`` and ``check``. A lock edited into something else is
refused with the line of the first problem.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import tomli_w

from pipeline.errors import InputError
from pipeline.tables import toml_error_line

if TYPE_CHECKING:
    from pipeline.workspace.settings import Config

LOCK_FILE = "pipeline.lock"
_HEADER = "# Written by 'pipeline pull': the upstream commit in source/ and each page's blob id. Do not edit.\n"
_SHA = re.compile(r"^[0-9a-f]{40}$")
_KEYS = ("url", "ref", "path", "commit", "date", "pinned", "pages")
_HINT = "restore it with 'git checkout pipeline.lock', or delete it and run 'pipeline pull'"


@dataclass(frozen=True, slots=True)
class Lock:
    """What the last pull copied into ``source/``."""

    url: str
    ref: str
    path: str
    commit: str
    """Full commit id the pages were copied from."""
    date: str
    """Committer date of ``commit`` (ISO 8601)."""
    pinned: bool = False
    """True after ``pull --commit``: ``sync`` keeps this commit instead of following ``ref``."""
    pages: dict[str, str] = field(default_factory=dict)
    """Page path relative to the upstream folder (``sub/page.md``) -> blob id."""


def format_lock(lock: Lock) -> str:
    """The lock as TOML: fixed key order, pages sorted, so equal locks are equal bytes."""
    data: dict[str, Any] = {
        "url": lock.url,
        "ref": lock.ref,
        "path": lock.path,
        "commit": lock.commit,
        "date": lock.date,
        "pinned": lock.pinned,
        "pages": {name: lock.pages[name] for name in sorted(lock.pages)},
    }
    return _HEADER + tomli_w.dumps(data)


def parse_lock(text: str, where: str = LOCK_FILE) -> Lock:
    """Read a lock; an ``InputError`` at the line of the first thing that is not as ``pull`` writes it."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", where, toml_error_line(exc, text), _HINT) from None

    def fail(message: str, key: str | None, table: str | None = None) -> InputError:
        return InputError(message, where, _line(text, key, table) if key else None, _HINT)

    for key in data:
        if key not in _KEYS:
            raise fail(f"unknown key {key!r}", key)
    strings: dict[str, str] = {}
    for key in ("url", "ref", "path", "commit", "date"):
        value = data.get(key)
        if not isinstance(value, str):
            what = "missing" if value is None else f"must be a string, not {type(value).__name__}"
            raise fail(f"{key} {what}", key if value is not None else None)
        strings[key] = value
    if not _SHA.match(strings["commit"]):
        raise fail(f"commit {strings['commit']!r} is not a 40-digit commit id", "commit")
    pinned = data.get("pinned", False)
    if not isinstance(pinned, bool):
        raise fail("pinned must be true or false", "pinned")
    pages = data.get("pages", {})
    if not isinstance(pages, dict):
        raise fail("pages must be a table of page path = blob id", "pages")
    for name, blob in pages.items():
        if not _page_path(name):
            raise fail(f"page {name!r} is not a relative path to a page file", name, "pages")
        if not isinstance(blob, str) or not _SHA.match(blob):
            raise fail(f"blob id of {name!r} is not 40 hex digits", name, "pages")
    return Lock(pinned=pinned, pages=dict(pages), **strings)


def _page_path(name: str) -> bool:
    pure = PurePosixPath(name)
    return bool(name) and not name.startswith("/") and ".." not in pure.parts and bool(pure.suffix)


def _line(text: str, key: str, table: str | None) -> int | None:
    """Line of ``key =`` (bare or quoted) at top level, or inside ``[table]``.

    TOML lines end at ``\n`` only (not at U+2028 and the like, as ``str.splitlines`` would
    have it); a key written with escapes is not found as typed, so its table's header line
    stands in for it.
    """
    current: str | None = None
    header_line: int | None = None
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=")
    for number, line in enumerate(text.split("\n"), 1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = header.group(1)
            if current == key and table is None:
                return number
            if current == table:
                header_line = number
            continue
        if current == table and pattern.match(line):
            return number
    return header_line


def lock_path(cfg: Config) -> Path:
    return cfg.root / LOCK_FILE


def read_lock(cfg: Config) -> Lock | None:
    """The project's lock, or None when there is none yet."""
    path = lock_path(cfg)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", LOCK_FILE) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("not valid UTF-8", LOCK_FILE, None, _HINT) from None
    return parse_lock(text)


def source_commit(cfg: Config) -> str | None:
    """The upstream commit ``source/`` holds, when ``[upstream]`` is configured and pulled."""
    if cfg.upstream is None:
        return None
    lock = read_lock(cfg)
    return lock.commit if lock else None
