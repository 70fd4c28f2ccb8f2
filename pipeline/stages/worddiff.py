"""Word-level diff of two English msgids, for translators reviewing a fuzzy entry.

Words, punctuation and white space are separate tokens, but a link target, a code span, an
HTML tag or a Svelte expression is one token (the lexer of :mod:`pipeline.stages.changes`), so a
changed URL reads as one URL replaced, not as a shower of slashes. White space between two
changes is folded into them, so ``a b c`` -> ``x y z`` reads as one replacement.

Pure: ``equal`` + ``delete`` pieces give the old text, ``equal`` + ``insert`` the new one.
"""

from __future__ import annotations

import difflib
from enum import StrEnum

from pipeline.stages.changes import Role, tokens


class Op(StrEnum):
    """What happened to a piece of text between the old and the new version."""

    EQUAL = "equal"
    DELETE = "delete"
    INSERT = "insert"


def word_diff(old: str, new: str) -> list[tuple[Op, str]]:
    """The pieces of ``old`` and ``new`` in order: kept, removed and added runs of words."""
    a = [t.text for t in tokens(old)]
    b = [t.text for t in tokens(new)]
    space = {t.text for t in (*tokens(old), *tokens(new)) if t.role in (Role.SPACE, Role.BREAK)}
    blocks: list[tuple[str, list[str], list[str]]] = []  # (tag, old tokens, new tokens)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        blocks.append(("equal" if op == "equal" else "change", a[i1:i2], b[j1:j2]))
    # fold white space lying alone between two changes into one change
    # (difflib alternates equal and changed blocks, so a block inside the list has changes on both sides)
    merged: list[tuple[str, list[str], list[str]]] = []
    for index, (kind, x, y) in enumerate(blocks):
        lone_space = kind == "equal" and all(t in space for t in x) and 0 < index < len(blocks) - 1
        if merged and merged[-1][0] == "change" and (lone_space or kind == "change"):
            _, px, py = merged[-1]
            merged[-1] = ("change", px + x, py + y)
        else:
            merged.append((kind, x, y))
    out: list[tuple[Op, str]] = []
    for kind, x, y in merged:
        if kind == "equal":
            _add(out, Op.EQUAL, "".join(x))
        else:
            _add(out, Op.DELETE, "".join(x))
            _add(out, Op.INSERT, "".join(y))
    return out


def _add(out: list[tuple[Op, str]], op: Op, text: str) -> None:
    if not text:
        return
    if out and out[-1][0] == op:
        out[-1] = (op, out[-1][1] + text)
    else:
        out.append((op, text))


def plain(pieces: list[tuple[Op, str]]) -> str:
    """The diff in ``wdiff`` notation: ``[-removed-]{+added+}``, for output without colours."""
    marks = {Op.EQUAL: ("", ""), Op.DELETE: ("[-", "-]"), Op.INSERT: ("{+", "+}")}
    return "".join(marks[op][0] + text + marks[op][1] for op, text in pieces)


def changed_words(pieces: list[tuple[Op, str]], op: Op) -> list[str]:
    """The words of all pieces of one kind (for summaries and tests)."""
    return [t.text for o, text in pieces if o is op for t in tokens(text) if t.role not in (Role.SPACE, Role.BREAK)]
