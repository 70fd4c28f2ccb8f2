"""``build-refused``: translations that build refuses, so the page stays English, as check findings.

``sync`` prints each refusal as a warning, but a warning scrolls by: without this finding
``pipeline check`` said 0 errors and the CI gate passed while the page was served in
English. Each PO file is built in memory as ``build`` would build it, and every refusal no
other code reports (``unsafe`` and ``placeholder`` have their own) becomes an error at the
msgstr: a translation that would change the page structure, that cannot be written in its
construct, or that has no text. ``[check.codes] build-refused = "warning"`` re-grades it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from pipeline.stages.build import build_page, translations

if TYPE_CHECKING:
    from pipeline.check.checker import Collector, LocaleCatalog
    from pipeline.model import Catalog, Message
    from pipeline.segment.walker import Document, Options

CODE = "build-refused"
REPORTED_ELSEWHERE = ("unsafe:", "its {placeholders}")
"""Refusal reasons that other codes (``unsafe``, ``placeholder``) already report."""
HINT = "translate the words and keep the English markdown: its line starts, list markers, table cells and blank lines"


def refusals(doc: Document, catalog: Catalog, options: Options) -> list[tuple[Message, str]]:
    """(entry, reason) for each translation of ``catalog`` that build refuses on ``doc``."""
    built = build_page(doc, translations(catalog), options)
    if not built.fallbacks:
        return []
    entries = {m.key: m for m in catalog.messages if not m.obsolete}
    found: list[tuple[Message, str]] = []
    for seg, reason in built.fallbacks:
        entry = entries.get((seg.msgctxt, seg.msgid))
        if entry is not None and not reason.startswith(REPORTED_ELSEWHERE):
            found.append((entry, reason))
    return found


def check_refusals(
    docs: Mapping[str, Document], catalogs: Iterable[LocaleCatalog], options: Options, out: Collector
) -> None:
    """A ``build-refused`` finding at the msgstr of every translation build refuses."""
    from pipeline.check.checker import ignored_codes  # late: the checker imports this module

    for lc in catalogs:
        doc = docs.get(lc.page)
        if doc is None:
            continue
        for entry, reason in refusals(doc, lc.catalog, options):
            out.add(
                lc.path,
                entry.msgstr_lineno or entry.lineno,
                0,
                CODE,
                f"build refuses this msgstr: {reason}; the page keeps the English",
                HINT,
                ignored_codes(entry),
            )
