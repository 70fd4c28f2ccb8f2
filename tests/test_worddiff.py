"""Word diff of two English texts, as translators see it in 'pipeline diff'."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.stages.worddiff import Op, changed_words, plain, word_diff


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
        ("car-free street", "car-light street", [(E, "car-"), (D, "free"), (INS, "light"), (E, " street")]),
        ("don't stop", "do not stop", [(D, "don't"), (INS, "do not"), (E, " stop")]),
    ],
)
def test_diff_pieces_per_word_change(old: str, new: str, expected: list[tuple[Op, str]]) -> None:
    assert word_diff(old, new) == expected


def test_changed_words_lists_words_not_spaces() -> None:
    pieces = word_diff("at least two weeks ahead", "at least three busy weeks ahead")
    assert changed_words(pieces, Op.DELETE) == ["two"]
    assert changed_words(pieces, Op.INSERT) == ["three", "busy"]


TEXT_7 = st.lists(
    st.sampled_from(["street", "school", "Café", "naïve", " ", "  ", "\n", ",", ".", "it's", "a-b", "🚸", "日本", "x"]),
    max_size=20,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT_7, TEXT_7)
def test_diff_rebuilds_both_texts(old: str, new: str) -> None:
    pieces = word_diff(old, new)
    assert "".join(t for op, t in pieces if op is not Op.INSERT) == old
    assert "".join(t for op, t in pieces if op is not Op.DELETE) == new


@settings(max_examples=300, deadline=None)
@given(TEXT_7, TEXT_7)
def test_diff_pieces_are_non_empty_joined_and_deletions_come_first(old: str, new: str) -> None:
    pieces = word_diff(old, new)
    assert all(text for _, text in pieces)
    for (a, _), (b, _) in pairwise(pieces):
        assert a is not b
        assert (a, b) != (Op.INSERT, Op.DELETE)
