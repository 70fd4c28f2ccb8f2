"""Word diff of two English texts, as translators see it in 'pipeline diff'."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.worddiff import plain, word_diff


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("We march on Sunday.", "We march on Sunday.", "We march on Sunday."),
        ("We march on Sunday.", "We march on Saturday.", "We march on [-Sunday-]{+Saturday+}."),
        ("Join us.", "Join us today.", "Join us{+ today+}."),
        ("Join us today.", "Join us.", "Join us[- today-]."),
        ("a b c", "x y z", "[-a b c-]{+x y z+}"),
        ("Read [it](/events) now.", "Read [it](/c#events) now.", "Read [it]([-/events-]{+/c#events+}) now."),
        ("Run `make sync`.", "Run `make test`.", "Run [-`make sync`-]{+`make test`+}."),
        ("", "New text", "{+New text+}"),
    ],
    ids=[
        "no change",
        "word replaced",
        "words added",
        "words removed",
        "white space between changes folded in",
        "a link target is one token",
        "a code span is one token",
        "all new",
    ],
)
def test_word_diff(old: str, new: str, shown: str) -> None:
    assert plain(word_diff(old, new)) == shown


WORDS = st.lists(
    st.sampled_from(["we", "march", "Sunday", " ", "  ", ".", "[a](/b)", "`c`", "\n", "2023"]), max_size=15
)


@settings(max_examples=300, deadline=None)
@given(WORDS, WORDS)
def test_pieces_rebuild_both_texts_and_never_repeat_an_op(a: list[str], b: list[str]) -> None:
    old, new = "".join(a), "".join(b)
    pieces = word_diff(old, new)
    assert "".join(t for op, t in pieces if op != "insert") == old
    assert "".join(t for op, t in pieces if op != "delete") == new
    assert all(text for _, text in pieces)
    assert all(x[0] != y[0] for x, y in pairwise(pieces))
