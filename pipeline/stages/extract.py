"""Segmented pages -> templates (POT catalogs), one per page. Pure: no disk access."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pipeline.model import Catalog, Kind, Message

if TYPE_CHECKING:
    from pipeline.segment.walker import Document

HASH_FIELD = "X-Pipeline-Source-Hash"
SOURCE_FIELD = "X-Pipeline-Source"
COMMIT_FIELD = "X-Pipeline-Source-Commit"
"""Upstream commit of the English text (from ``pipeline.lock``); moves only when the text changes."""


def template_messages(doc: Document) -> tuple[Message, ...]:
    """One message per distinct (msgctxt, msgid), in order of first appearance.

    A text that occurs more than once gets the comments of every occurrence (as xgettext
    does), so a translator sees each place it is used.
    """
    seen: dict[tuple[str | None, str], int] = {}
    out: list[Message] = []
    for seg in doc.segments:
        key = (seg.msgctxt, seg.msgid)
        if key in seen:
            first = out[seen[key]]
            extra = tuple(c for c in seg.comments if c not in first.auto_comments)
            if extra:
                out[seen[key]] = replace(first, auto_comments=first.auto_comments + extra)
            continue
        seen[key] = len(out)
        out.append(
            Message(
                msgid=seg.msgid,
                msgctxt=seg.msgctxt,
                flags=("no-wrap",) if seg.kind is Kind.CODE else (),
                auto_comments=seg.comments,
                references=(reference(doc.page.path),),
            )
        )
    return tuple(out)


_CODE_NOTE = f"kind: {Kind.CODE.value}"


def is_code(message: Message) -> bool:
    """True for the entry of a fenced code block (``[segment] code_blocks``): its ``#.`` kind note,
    regenerated from the template on every update, says so. Such an entry is code, not prose:
    machine translation and the msgstr checks leave it alone."""
    return any(c == _CODE_NOTE or c.startswith(_CODE_NOTE + ",") for c in message.auto_comments)


def reference(path: str) -> str:
    """A ``#:`` reference for a page path; whitespace is %-encoded (gettext 0.21 cannot write it)."""
    return re.sub(r"\s", lambda m: f"%{ord(m.group(0)):02X}", path)


def content_hash(messages: tuple[Message, ...]) -> str:
    """Hash of what translators translate (contexts and msgids), not of the page bytes.

    Re-wrapping or reformatting the English leaves it unchanged, so it says exactly whether
    a translation was made from the current English text.
    """
    h = hashlib.sha256()
    for m in messages:
        h.update((m.msgctxt or "").encode("utf-8") + b"\x04" + m.msgid.encode("utf-8") + b"\x00")
    return h.hexdigest()[:16]


def now_stamp() -> str:
    """Current UTC time in PO header format (used only when a template's content changed).

    ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention), when set, is used instead
    of the clock, so two runs on the same input write the same bytes.
    """
    when = datetime.now(UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        with contextlib.suppress(OverflowError, OSError, ValueError):
            when = datetime.fromtimestamp(int(epoch), UTC)
    return when.strftime("%Y-%m-%d %H:%M+0000")


_STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d[+-]\d{4}$")


def make_template(doc: Document, old: Catalog | None, stamp: str | None = None, commit: str | None = None) -> Catalog:
    """The template of a page; keeps ``old``'s creation date and source commit when the content is unchanged.

    ``commit`` is the upstream commit ``source/`` was pulled from (None without ``[upstream]``):
    recorded only when the text changed, so a pull that leaves a page's text alone changes no file.
    """
    return template_catalog(doc.page.name, doc.page.path, template_messages(doc), old, stamp, commit)


def template_catalog(
    name: str,
    source: str,
    messages: tuple[Message, ...],
    old: Catalog | None,
    stamp: str | None = None,
    commit: str | None = None,
) -> Catalog:
    """A template named ``name`` made from ``source``; keeps ``old``'s date when its content is unchanged.

    Shared by pages and message files, so every template has the same header and date rule.
    """
    digest = content_hash(messages)
    old_date = old.header_value("POT-Creation-Date") if old else None
    same = old is not None and old.messages == messages and old.header_value(HASH_FIELD) == digest
    date = old_date if same and old_date else stamp or now_stamp()
    old_commit = old.header_value(COMMIT_FIELD) if old else None
    source_commit = (old_commit if same and old_commit else commit) if commit else None
    header: tuple[tuple[str, str], ...] = (
        ("Project-Id-Version", name),
        ("POT-Creation-Date", date),
        ("PO-Revision-Date", date),
        ("Last-Translator", ""),
        ("Language-Team", ""),
        ("Language", "en"),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        (SOURCE_FIELD, source),
        (HASH_FIELD, digest),
    )
    if source_commit:
        header += ((COMMIT_FIELD, source_commit),)
    return Catalog(header=header, messages=messages)


def valid_stamp(value: str | None) -> bool:
    return bool(value and _STAMP.match(value))
