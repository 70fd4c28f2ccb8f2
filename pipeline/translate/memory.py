"""The translation memory: every engine reply, under ``.pipeline/translate/``, safe to delete.

Keyed on the engine (kind and what makes its output), the model, the instructions, the
glossary, the locale and the protected segment: a re-run, or another page with the same
segment, sends nothing. Link targets, code and URLs are placeholders in the key, so a
segment whose English changed only there is not sent again either.

One JSON object a line, appended and flushed after each batch: a killed run keeps every
reply it got (a torn last line is skipped when reading), and the next run sends only
what is missing.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.workspace.runlock import state_dir

FOLDER = "translate"
FILE = "memory.jsonl"


@dataclass(frozen=True, slots=True)
class Remembered:
    reply: str
    """The engine's reply, placeholders and all."""
    date: str
    """When it was first made (``YYYY-MM-DD``): the date of its machine mark."""


def key(identity: str, model: str, instructions: str, glossary: str, locale: str, text: str) -> str:
    data = json.dumps([identity, model, instructions, glossary, locale, text], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


class Memory:
    """Replies by key; ``add`` appends to the file at once."""

    def __init__(self, path: Path | None, entries: dict[str, Remembered] | None = None) -> None:
        self.path = path
        self.entries: dict[str, Remembered] = entries or {}

    @classmethod
    def load(cls, root: Path) -> Memory:
        path = state_dir(root) / FOLDER / FILE
        entries: dict[str, Remembered] = {}
        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    try:
                        data = json.loads(line)
                        entries[data["k"]] = Remembered(str(data["r"]), str(data["d"]))
                    except (ValueError, KeyError, TypeError):
                        continue  # a line torn by a kill, or not ours
        except FileNotFoundError:
            pass
        return cls(path, entries)

    def get(self, k: str) -> Remembered | None:
        return self.entries.get(k)

    def add(self, items: list[tuple[str, Remembered]]) -> None:
        new = [(k, r) for k, r in items if self.entries.get(k) != r]
        for k, r in new:
            self.entries[k] = r
        if not new or self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(json.dumps({"k": k, "r": r.reply, "d": r.date}, ensure_ascii=False) + "\n" for k, r in new)
        with self.path.open("a", encoding="utf-8") as handle:
            if handle.tell() > 0 and not _ends_with_newline(self.path):
                handle.write("\n")  # after a torn line
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"
