"""How a machine-made translation is marked in a PO file, and how a human review is recognised.

A machine entry is ``fuzzy`` (Poedit and Weblate show "needs review") and carries one
translator comment naming the engine, its model, the date, and short hashes of the msgstr
the machine wrote and of the English it translated::

    # pipeline: machine apertium (eng-spa) 2026-12-03 #1f0c9a2e.7b4d0e11

A human who edits the msgstr changes the first hash; a human who clears ``fuzzy`` makes
the entry translated. Either way the entry is *reviewed* and no machine touches it again.
When the English changes (the second hash), the old machine text is only a fuzzy
suggestion, never published, and ``translate --include-fuzzy`` may redo it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from pipeline.model import Catalog, Message

PREFIX = "pipeline: machine "
_COMMENT = re.compile(
    r"^pipeline: machine (?P<engine>\S+) \((?P<model>.*)\) (?P<date>\d{4}-\d\d-\d\d)"
    r" #(?P<msgstr>[0-9a-f]{8})\.(?P<msgid>[0-9a-f]{8})$"
)


@dataclass(frozen=True, slots=True)
class Mark:
    """What a machine comment says."""

    engine: str
    model: str
    date: str
    msgstr: str
    """Hash of the msgstr the machine wrote."""
    msgid: str
    """Hash of the English it translated."""


def digest(text: str) -> str:
    """Short hash of a msgid or msgstr."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def comment(engine: str, model: str, date: str, msgid: str, msgstr: str) -> str:
    """The translator comment of a machine entry (without the leading ``# ``)."""
    return f"{PREFIX}{engine} ({model}) {date} #{digest(msgstr)}.{digest(msgid)}"


def parse(message: Message) -> Mark | None:
    """The machine mark of an entry, if it has one."""
    for text in message.comments:
        m = _COMMENT.match(text)
        if m:
            return Mark(m["engine"], m["model"], m["date"], m["msgstr"], m["msgid"])
    return None


def machine_made(message: Message) -> bool:
    """Fuzzy, marked, and its msgstr is still the one the machine wrote (no human edited it)."""
    if not message.fuzzy or not message.msgstr or message.obsolete:
        return False
    mark = parse(message)
    if mark is None:
        return False
    return message.msgid_plural is None and digest(message.msgstr) == mark.msgstr


def unreviewed(message: Message) -> bool:
    """A machine translation of the current English that no human has looked at: publishable."""
    mark = parse(message) if message.fuzzy and message.msgstr and not message.obsolete else None
    return (
        mark is not None
        and message.msgid_plural is None
        and digest(message.msgstr) == mark.msgstr
        and digest(message.msgid) == mark.msgid
    )


def without_mark(comments: tuple[str, ...]) -> tuple[str, ...]:
    """Translator comments minus the machine mark (when the machine writes a new one)."""
    return tuple(c for c in comments if not c.startswith(PREFIX))


def today() -> str:
    """The date for a new machine mark: ``SOURCE_DATE_EPOCH`` when set (reproducible), else today (UTC)."""
    when = datetime.now(UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        with contextlib.suppress(OverflowError, OSError, ValueError):
            when = datetime.fromtimestamp(int(epoch), UTC)
    return when.strftime("%Y-%m-%d")


def publishing(raw: Mapping[str, Any]) -> bool:
    """``[translate] publish = true`` in a parsed configuration: build serves unreviewed machine entries."""
    table = raw.get("translate")
    return isinstance(table, dict) and table.get("publish") is True


def as_published(catalog: Catalog) -> Catalog:
    """The catalog as a publishing build serves it: unreviewed machine entries count as translated."""
    if not any(unreviewed(m) for m in catalog.messages):
        return catalog
    messages = tuple(
        replace(m, flags=tuple(f for f in m.flags if f != "fuzzy")) if unreviewed(m) else m for m in catalog.messages
    )
    return replace(catalog, messages=messages)
