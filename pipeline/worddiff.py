"""Word-level diff of two texts, for showing a reviewer what changed in the English.

Pure and shared: the dashboard shows a fuzzy entry's previous English against the current
one with it, and ``pipeline diff`` can use the same function. Texts are split into words,
runs of whitespace and single punctuation marks, compared with difflib's
``SequenceMatcher``, and runs of the same operation are joined, so the result reads as
"kept text, deleted words, inserted words, kept text".
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from enum import StrEnum

_TOKEN = re.compile(r"\w+(?:['’-]\w+)*|\s+|[^\w\s]", re.UNICODE)


class Op(StrEnum):
    """What happened to a piece of text between the old and the new version."""

    EQUAL = "equal"
    DELETE = "delete"
    INSERT = "insert"


def tokens(text: str) -> list[str]:
    """Words (with inner apostrophes and hyphens), whitespace runs and punctuation marks."""
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[tuple[Op, str]]:
    """The changes that turn ``old`` into ``new``, word by word.

    Joining the EQUAL and DELETE pieces gives ``old``; joining EQUAL and INSERT gives ``new``.
    In a replacement the deletion comes first. Whitespace between two changed words belongs
    to the change, so "a b c" -> "a x y c" reads as one deletion and one insertion.
    """
    a, b = tokens(old), tokens(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    raw: list[tuple[Op, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            raw.append((Op.EQUAL, "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            raw.append((Op.DELETE, "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            raw.append((Op.INSERT, "".join(b[j1:j2])))
    return _tidy(raw)


def _tidy(pieces: list[tuple[Op, str]]) -> list[tuple[Op, str]]:
    """Absorb lone whitespace between two changes into them, then join neighbours of one kind."""
    absorbed: list[tuple[Op, str]] = []
    for i, (op, text) in enumerate(pieces):
        between = 0 < i < len(pieces) - 1 and pieces[i - 1][0] is not Op.EQUAL and pieces[i + 1][0] is not Op.EQUAL
        if op is Op.EQUAL and between and text.isspace():
            absorbed.append((Op.DELETE, text))
            absorbed.append((Op.INSERT, text))
        elif text:
            absorbed.append((op, text))
    # Order each run of changes as all deletions, then all insertions, and join equal kinds.
    out: list[tuple[Op, str]] = []
    run: list[tuple[Op, str]] = []

    def flush() -> None:
        deleted = "".join(t for o, t in run if o is Op.DELETE)
        inserted = "".join(t for o, t in run if o is Op.INSERT)
        if deleted:
            out.append((Op.DELETE, deleted))
        if inserted:
            out.append((Op.INSERT, inserted))
        run.clear()

    for op, text in absorbed:
        if op is Op.EQUAL:
            flush()
            if out and out[-1][0] is Op.EQUAL:
                out[-1] = (Op.EQUAL, out[-1][1] + text)
            else:
                out.append((op, text))
        else:
            run.append((op, text))
    flush()
    return out


def changed_words(pieces: list[tuple[Op, str]], op: Op) -> list[str]:
    """The words of all pieces of one kind (for summaries and tests)."""
    return [w for o, t in pieces if o is op for w in tokens(t) if not w.isspace()]
