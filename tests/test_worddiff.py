"""Word-level diff: what a reviewer sees changed between the previous and the current English."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.worddiff import Op, changed_words, word_diff

D, INS, E = Op.DELETE, Op.INSERT, Op.EQUAL


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("same text", "same text", [(E, "same text")]),
        ("", "", []),
        ("", "new words", [(INS, "new words")]),
        ("old words", "", [(D, "old words")]),
        ("two weeks ahead", "three weeks ahead", [(D, "two"), (INS, "three"), (E, " weeks ahead")]),
        ("a b c", "a x y c", [(E, "a "), (D, "b"), (INS, "x y"), (E, " c")]),
        ("Join us.", "Join us today.", [(E, "Join us"), (INS, " today"), (E, ".")]),
        ("Join us today.", "Join us.", [(E, "Join us"), (D, " today"), (E, ".")]),
        ("car-free street", "car-light street", [(D, "car-free"), (INS, "car-light"), (E, " street")]),
        ("don't stop", "do not stop", [(D, "don't"), (INS, "do not"), (E, " stop")]),
        ("[the page](/a)", "[the page](/b)", [(E, "[the page](/"), (D, "a"), (INS, "b"), (E, ")")]),
    ],
)
def test_diff_marks_changed_words(old: str, new: str, expected: list[tuple[Op, str]]) -> None:
    assert word_diff(old, new) == expected


def test_changed_words_lists_words_not_spaces() -> None:
    pieces = word_diff("at least two weeks ahead", "at least three busy weeks ahead")
    assert changed_words(pieces, Op.DELETE) == ["two"]
    assert changed_words(pieces, Op.INSERT) == ["three", "busy"]


TEXT = st.lists(
    st.sampled_from(["street", "school", "Café", "naïve", " ", "  ", "\n", ",", ".", "it's", "a-b", "🚸", "日本", "x"]),
    max_size=20,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT)
def test_diff_rebuilds_both_texts(old: str, new: str) -> None:
    pieces = word_diff(old, new)
    assert "".join(t for op, t in pieces if op is not Op.INSERT) == old
    assert "".join(t for op, t in pieces if op is not Op.DELETE) == new


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT)
def test_diff_pieces_are_non_empty_joined_and_deletions_come_first(old: str, new: str) -> None:
    pieces = word_diff(old, new)
    assert all(text for _, text in pieces)
    for (a, _), (b, _) in pairwise(pieces):
        assert a is not b
        assert (a, b) != (Op.INSERT, Op.DELETE)
