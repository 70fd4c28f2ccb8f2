"""How a machine-made translation is marked in a PO file, and how a human review is recognised.

A machine entry is ``fuzzy`` (Poedit and Weblate show "needs review") and carries one
translator comment naming the engine, its model, the date and a short hash of the msgid and
msgstr the machine wrote::

    # pipeline: machine apertium (eng-spa) 2026-12-03 #1f0c9a2e7b4d

A human who edits the msgstr changes the hash; a human who clears ``fuzzy`` makes the entry
translated. Either way the entry is *reviewed* and no machine touches it again. An English
change also changes the hash (the msgid is in it): the old machine text is then only a
fuzzy suggestion, never published.
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
    r"^pipeline: machine (?P<engine>\S+) \((?P<model>.*)\) (?P<date>\d{4}-\d\d-\d\d) #(?P<hash>[0-9a-f]{12})$"
)


@dataclass(frozen=True, slots=True)
class Mark:
    """What a machine comment says."""

    engine: str
    model: str
    date: str
    digest: str


def digest(msgid: str, msgstr: str) -> str:
    """Short hash of an entry's English and its machine translation."""
    return hashlib.sha256(msgid.encode("utf-8") + b"\0" + msgstr.encode("utf-8")).hexdigest()[:12]


def comment(engine: str, model: str, date: str, msgid: str, msgstr: str) -> str:
    """The translator comment of a machine entry (without the leading ``# ``)."""
    return f"{PREFIX}{engine} ({model}) {date} #{digest(msgid, msgstr)}"


def parse(message: Message) -> Mark | None:
    """The machine mark of an entry, if it has one."""
    for text in message.comments:
        m = _COMMENT.match(text)
        if m:
            return Mark(m["engine"], m["model"], m["date"], m["hash"])
    return None


def machine_made(message: Message) -> bool:
    """Fuzzy, marked, and its msgstr is still the one the machine wrote (no human edited it)."""
    if not message.fuzzy or not message.msgstr or message.obsolete:
        return False
    mark = parse(message)
    if mark is None:
        return False
    return message.msgid_plural is None and _written_by_machine(message, mark)


def _written_by_machine(message: Message, mark: Mark) -> bool:
    if digest(message.msgid, message.msgstr) == mark.digest:
        return True
    # the English changed since (update kept the old msgstr, fuzzy, with ``#| msgid``)
    return message.previous_msgid is not None and digest(message.previous_msgid, message.msgstr) == mark.digest


def unreviewed(message: Message) -> bool:
    """A machine translation of the current English that no human has looked at: publishable."""
    mark = parse(message) if message.fuzzy and message.msgstr and not message.obsolete else None
    return mark is not None and message.msgid_plural is None and digest(message.msgid, message.msgstr) == mark.digest


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
