"""Keep every word the translator wrote: where unpaired translated text goes, and how it is counted.

The aligner pairs most translated segments with an English one; what it cannot pair must
still reach a translator. Each translated block without a confident place becomes a note
(a ``#`` translator comment, which translators see) on the entry of its English neighbour,
saying why (added text, another structure, the same English translated twice), or a fuzzy
msgstr on the most likely entry (decided in ``run.py``). Text outside the segments (code,
raw HTML, heading levels) that differs from the English is noted the same way: build keeps
the English structure there.

Words: a page's words are what a reader reads, so they are counted after the markup is
stripped (see ``words``). ``lost_words`` says which words of a translated page are neither
in the page built from the PO file nor in the PO file's entries that the build does not use
(fuzzy and refused msgstrs, translator comments, obsolete entries): the import's promise is
that this is empty.
"""

from __future__ import annotations

import bisect
import difflib
import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.importer.align import Link
from pipeline.model import Catalog, Kind, Segment
from pipeline.segment.tags import ANY_TAG
from pipeline.segment.walker import Document

NOTE_PREFIX = "import: "
"""Start of every translator comment the importer writes."""

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING_ID = re.compile(r"\{#[^\s{}]*\}")
_LINK_TARGET = re.compile(r"\]\(\s*(?:<[^<>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+[\"'(][^)]*)?\s*\)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_MARKUP = re.compile(r"[*`#>|\[\]\\~]+")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


def words(text: str) -> Counter[str]:
    """The words of a page or a PO string, as a multiset.

    How: HTML comments, tags (``<p lang="nl">``), heading ids (``{#id}``) and link targets
    (``](url)``) are removed; backslash escapes are read as the character; HTML entities are
    decoded; the markdown characters ``* ` # > | [ ] \\ ~`` become spaces; the rest is split
    on whitespace and each piece loses the punctuation at its two ends (``(gratis,`` is
    ``gratis``, ``23.`` is ``23``). Pieces with no letter or digit are not words. Case counts.
    """
    text = _COMMENT.sub(" ", text)
    text = _LINK_TARGET.sub("] ", text)
    text = ANY_TAG.sub(" ", text)
    text = _HEADING_ID.sub(" ", text)
    text = _ESCAPE.sub(r"\1", text)
    text = html.unescape(text)
    text = _MARKUP.sub(" ", text)
    out: Counter[str] = Counter()
    for piece in text.split():
        word = _EDGE.sub("", piece)
        if word:
            out[word] += 1
    return out


def lost_words(translated: str, built: str, kept: Iterable[str]) -> Counter[str]:
    """Words of ``translated`` neither in ``built`` nor in the ``kept`` strings (as multisets)."""
    have = words(built)
    for text in kept:
        have.update(words(text))
    return words(translated) - have


def unused_strings(catalog: Catalog, used: Iterable[tuple[str | None, str]]) -> list[str]:
    """What a PO file holds beyond the page built from it: unused msgstrs and all translator comments."""
    used_keys = set(used)
    out: list[str] = list(catalog.header_comments)
    for m in catalog.messages:
        out.extend(m.comments)
        if m.msgstr and (m.obsolete or m.key not in used_keys):
            out.append(m.msgstr)
        out.extend(s for s in m.msgstr_plural if s)
    return out


# --------------------------------------------------------------------------- placing notes


@dataclass(frozen=True, slots=True)
class Note:
    """A translator comment for the entry of English segment ``english``."""

    english: int
    """Index of the English segment whose entry carries the note; ``HEADER`` for the PO header."""
    line: int
    """Line of the translated page the note is about."""
    why: str
    text: str = ""
    """The translated text the note keeps (empty when the reason says it all)."""

    def comments(self, where: str) -> tuple[str, ...]:
        """The note as PO comment lines (a comment line cannot hold a line break)."""
        head = f"{NOTE_PREFIX}{where}:{self.line}: {self.why}"
        if not self.text:
            return (head,)
        # a comment line may not end with a backslash (gettext would join it with the next line):
        # a trailing backslash is a hard break or a shell continuation, never a word
        lines = [
            ln.rstrip().rstrip("\\").rstrip().replace("\0", "")
            for ln in self.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        ]
        return (head + ":", *(f"  {ln}" if ln else "  " for ln in lines))


HEADER = -1
"""Where a note goes when the English page has no segment at all: the PO file's header comments."""


def neighbour(links: Sequence[Link], k: int) -> int:
    """The English segment whose entry carries a note about link ``k``: the one before it, else after."""
    for q in range(k - 1, -1, -1):
        if links[q].source:
            return links[q].source[-1]
    for q in range(k + 1, len(links)):
        if links[q].source:
            return links[q].source[0]
    return HEADER


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _outside(doc: Document) -> list[tuple[int, str]]:
    """Lines of a page outside its segments, as (line number, text), whitespace folded, blank lines left out.

    Each segment's text is cut out of the page; what stays is the page's structure: markers,
    code, raw HTML, components, heading levels.
    """
    text = doc.page.text
    chars = list(text)
    for seg in doc.segments:
        for piece in seg.pieces:
            for i in range(piece.start, piece.end):
                if chars[i] not in "\r\n":
                    chars[i] = "\0"
    out: list[tuple[int, str]] = []
    for number, line in enumerate(_lines("".join(chars)), start=1):
        folded = " ".join(_HEADING_ID.sub("", line).replace("\0", " ").split())
        if folded:
            out.append((number, folded))
    return out


_LEVEL = re.compile(r"^#{1,6}$")
_MARKERS_ONLY = re.compile(r"^(?:(?:>|[-+*]|\d{1,9}[.)])\s*)+$")


def structure_notes(
    doc_e: Document, doc_t: Document, links: Sequence[Link], offset: int, skip_lines: frozenset[int] = frozenset()
) -> list[Note]:
    """Notes for the translated page's structure (text outside its segments) that differs from the English.

    Lines are compared in order (a line diff of the two pages with their segments cut out);
    a translated line the English does not have is noted on the entry of the English segment
    nearest before it, with the English line it replaces. List markers alone (a renumbered
    or re-bulleted list) are not noted, nor lines in ``skip_lines`` (translated line numbers
    as on disk, already read as text).
    """
    english = _outside(doc_e)
    translated = _outside(doc_t)
    a = [t for _, t in english]
    b = [t for _, t in translated]
    # where each translated segment starts, and its English partner
    partner: dict[int, int] = {}
    for k, link in enumerate(links):
        for j in link.target:
            partner[j] = link.source[-1] if link.source else neighbour(links, k)
    starts = sorted((seg.line, j) for j, seg in enumerate(doc_t.segments))
    start_lines = [seg_line for seg_line, _ in starts]
    notes: list[Note] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op in ("equal", "delete"):
            continue
        for q in range(b1, b2):
            line, new = translated[q]
            if line + offset in skip_lines or _MARKERS_ONLY.match(new) or not _COMMENT.sub("", new).strip():
                continue  # list markers alone, HTML comments alone: nothing a reader sees
            old = a[a1 + (q - b1)] if op == "replace" and a1 + (q - b1) < a2 else None
            if old is not None and _MARKERS_ONLY.match(old) and _MARKERS_ONLY.match(new):
                continue
            at = bisect.bisect_right(start_lines, line)  # the segment starting on or before this line
            near = starts[at - 1][1] if at else (starts[0][1] if starts else None)
            e = partner.get(near, HEADER) if near is not None else (0 if doc_e.segments else HEADER)
            if old is not None and _LEVEL.match(old) and _LEVEL.match(new):
                why = (
                    f"another structure: the heading is level {len(new)} in the translation, "
                    f"{len(old)} in the English; the build keeps the English level"
                )
                notes.append(Note(e, line + offset, why))
                continue
            why = (
                f"another structure: the build keeps the English `{_clip(old)}` where the translation has"
                if old is not None
                else "another structure: the translation adds this outside any text entry; the build leaves it out"
            )
            notes.append(Note(e, line + offset, why, new))
    return notes


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def source_text(text: str, seg: Segment) -> str:
    """A segment as written in its page: from the start of its first line to its end."""
    start = seg.pieces[0].start
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    return text[line_start : seg.pieces[-1].end]


def place_unpaired(
    links: Sequence[Link], english: Sequence[Segment], translated: Sequence[Segment], taken: Iterable[int]
) -> tuple[dict[int, tuple[int, str]], list[tuple[int, int, str]]]:
    """Where translated segments without English go.

    Returns ``(fuzzy, notes)``: ``fuzzy`` maps an English segment left without translation to
    the translated segment most likely to be its translation (the same construct, in the same
    run of unpaired segments, in order) and why; ``notes`` lists ``(english, translated, why)``
    for the rest, to be kept as a comment on the entry of the English neighbour.
    """
    taken_set = set(taken)
    fuzzy: dict[int, tuple[int, str]] = {}
    notes: list[tuple[int, int, str]] = []
    k = 0
    while k < len(links):
        if links[k].source and links[k].target:
            k += 1
            continue
        end = k
        while end < len(links) and not (links[end].source and links[end].target):
            end += 1
        lone_e = [i for lk in links[k:end] for i in lk.source if i not in taken_set]
        lone_t = [j for lk in links[k:end] for j in lk.target]
        for j in lone_t:
            kind = translated[j].kind
            # front-matter keys pair by key (sync points), never by place
            match = next((i for i in lone_e if english[i].kind is kind is not Kind.FRONT_MATTER), None)
            if match is not None:
                lone_e = lone_e[lone_e.index(match) + 1 :]
                fuzzy[match] = (j, "not paired confidently: the English beside it has no other translation")
                continue
            where = neighbour(links, k)
            kinds = {english[i].kind for i in lone_e}
            if kind is Kind.FRONT_MATTER:
                notes.append(
                    (
                        where,
                        j,
                        f"added text: the front-matter key {translated[j].key!r} has no English "
                        "counterpart; not in the built page",
                    )
                )
                continue
            why = (
                f"another structure: a {translated[j].kind.value} where the English has a "
                f"{'/'.join(sorted(x.value for x in kinds))}; not in the built page"
                if kinds
                else f"added text: a {translated[j].kind.value} with no English counterpart; not in the built page"
            )
            notes.append((where, j, why))
        k = end
    return fuzzy, notes
