"""Disk access in one place: decoding pages and atomic, change-only writes."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import InputError
from .model import Page

BOM = "\ufeff"


def decode(data: bytes, path: str) -> tuple[str, bool]:
    """Decode UTF-8 page bytes; return the text without BOM and whether a BOM was there."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            path,
            line,
            "save the file as UTF-8",
        ) from None
    if text.startswith(BOM):
        return text[1:], True
    return text, False


def read_page(root: Path, file: Path, name: str) -> Page:
    """Read one markdown page; ``name`` is its page name (``foo/bar``)."""
    rel = display_path(root, file)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", rel) from None
    text, bom = decode(data, rel)
    return Page(name=name, path=rel, text=text, bom=bom)


def page_bytes(text: str, bom: bool) -> bytes:
    """Encode a page as written: UTF-8, with the BOM again if the English page had one."""
    return ((BOM if bom else "") + text).encode("utf-8")


def display_path(root: Path, file: Path) -> str:
    """A path for messages: relative to the project root when inside it."""
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(file)


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; return True if written.

    The bytes go to a temporary file in the same folder, are flushed to disk, then renamed
    over the target, so a reader (or a crash) sees either the old or the new file.
    """
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def remove(path: Path) -> bool:
    """Delete a file if it exists; return True if something was removed."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
