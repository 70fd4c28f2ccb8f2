"""Classifying English changes and carrying them into translations: one table row per behaviour."""

from __future__ import annotations

import pytest
from conftest import pseudo
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.stages.changes import CARRYABLE, ChangeClass, Role, carry, classify, tokens

CLASSES = [
    # (behaviour, old English, new English, label)
    ("link target changed", "Read [the plan](/plan) first.", "Read [the plan](/proposal) first.", "url"),
    ("autolink changed", "Mail <https://a.example/x> now.", "Mail <https://a.example/y> now.", "url"),
    ("bare URL changed", "See https://a.example/old for more.", "See https://a.example/new for more.", "url"),
    (
        "href of an HTML link changed",
        'Our <a href="/events">calendar</a>.',
        'Our <a href="/c#events">calendar</a>.',
        "url",
    ),
    ("angle brackets around a destination", "A [b](/x_(y)) c.", "A [b](</x_(y)>) c.", "url"),
    ("reference label changed", "See [the list][old] here.", "See [the list][new] here.", "url"),
    ("inline code changed", "Run `make sync` daily.", "Run `make test` daily.", "code"),
    ("svelte expression changed", "We are {count} people.", "We are {total} people.", "code"),
    ("number changed", "We met 12 times in 2023.", "We met 14 times in 2023.", "number"),
    ("double space collapsed", "One  two three.", "One two three.", "layout"),
    ("emphasis marker style", "A *big* day.", "A _big_ day.", "layout"),
    ("strong marker style", "A **big** day.", "A __big__ day.", "layout"),
    ("escape dropped where it changes nothing", "Five \\* three.", "Five * three.", "layout"),
    ("entity replaced by its character", "Cats &amp; dogs.", "Cats & dogs.", "layout"),
    ("html comment edited", "Text <!-- todo --> here.", "Text <!-- done --> here.", "layout"),
    ("escape dropped so emphasis appears", "\\*Big\\* news.", "*Big* news.", "markup"),
    ("emphasis added around the text", "Join us today.", "**Join us today.**", "markup"),
    ("tag added around the text", "To get attention:", "<u>To get attention:</u>", "markup"),
    ("emphasis added to one word", "Join us today.", "Join **us** today.", "markup"),
    ("link added around words", "Read the plan.", "Read [the plan](/plan).", "markup"),
    ("em became strong", "A *big* day.", "A **big** day.", "markup"),
    ("soft break became hard break", "One two\nthree.", "One two three.", "markup"),
    ("class attribute changed", 'A <span class="x">b</span>.', 'A <span class="y">b</span>.', "markup"),
    ("word changed", "We march on Sunday.", "We march on Saturday.", "text"),
    ("punctuation changed", "We march on Sunday.", "We march on Sunday!", "text"),
    ("word added", "Join us.", "Join us today.", "text"),
    ("link text changed with its target", "Read [this](/a).", "Read [that](/b).", "text"),
    ("word became code", "Run make daily.", "Run `make` daily.", "text"),
    ("url and code together", "Run `a` per [doc](/a).", "Run `b` per [doc](/b).", "url+code"),
]


@pytest.mark.parametrize(("old", "new", "label"), [c[1:] for c in CLASSES], ids=[c[0] for c in CLASSES])
def test_change_class(old: str, new: str, label: str) -> None:
    assert classify(old, new).label == label


def test_identical_msgids_have_no_change() -> None:
    change = classify("Same text.", "Same text.")
    assert change.classes == frozenset() and change.label == "none"


CARRIES = [
    # (behaviour, old English, new English, old translation, carried translation)
    (
        "url carried into the translation",
        "Read [the plan](/plan).",
        "Read [the plan](/proposal).",
        "Lees [het plan](/plan).",
        "Lees [het plan](/proposal).",
    ),
    (
        "url carried whatever the word order",
        "[A](/a) and [B](/b).",
        "[A](/a) and [B](/c).",
        "[B](/b) en [A](/a).",
        "[B](/c) en [A](/a).",
    ),
    ("two urls swapped", "[A](/a) or [B](/b).", "[A](/b) or [B](/a).", "[A](/a) of [B](/b).", "[A](/b) of [B](/a)."),
    (
        "same url changed everywhere it occurs",
        "[A](/x), [B](/x).",
        "[A](/y), [B](/y).",
        "[B](/x), [A](/x).",
        "[B](/y), [A](/y).",
    ),
    (
        "href carried",
        'Our <a href="/events">calendar</a>.',
        'Our <a href="/c#events">calendar</a>.',
        'Onze <a href="/events">agenda</a>.',
        'Onze <a href="/c#events">agenda</a>.',
    ),
    (
        "code carried",
        "Run `make sync` daily.",
        "Run `make test` daily.",
        "Draai `make sync` dagelijks.",
        "Draai `make test` dagelijks.",
    ),
    (
        "number carried",
        "We met in 2023.",
        "We met in 2024.",
        "Wij kwamen in 2023 bijeen.",
        "Wij kwamen in 2024 bijeen.",
    ),
    ("emphasis style mirrored", "A *big* day.", "A _big_ day.", "Een *grote* dag.", "Een _grote_ dag."),
    ("layout kept when the translation has no such token", "One  two.", "One two.", "Een twee.", "Een twee."),
    ("wrap added", "To get attention:", "<u>To get attention:</u>", "Om op te vallen:", "<u>Om op te vallen:</u>"),
    ("wrap removed", "**Join us today.**", "Join us today.", "**Doe vandaag mee.**", "Doe vandaag mee."),
]


@pytest.mark.parametrize(("old", "new", "msgstr", "expected"), [c[1:] for c in CARRIES], ids=[c[0] for c in CARRIES])
def test_carry(old: str, new: str, msgstr: str, expected: str) -> None:
    carried = carry(classify(old, new), msgstr, CARRYABLE)
    assert carried is not None
    assert carried.msgstr == expected


AMBIGUOUS = [
    # (behaviour, old English, new English, old translation): these must stay fuzzy
    ("old url missing from the translation", "Read [it](/a).", "Read [it](/b).", "Lees [het](/elders)."),
    (
        "old url twice in the translation but once in English",
        "Read [it](/a).",
        "Read [it](/b).",
        "Lees [het](/a) en [dit](/a).",
    ),
    ("only one of two equal urls changed", "[A](/x) and [B](/x).", "[A](/x) and [B](/y).", "[A](/x) en [B](/x)."),
    ("url only as text in the translation", "Read [it](/a).", "Read [it](/b).", "Lees het op /a."),
    ("code missing", "Run `a`.", "Run `b`.", "Draai a."),
    ("number written out in the translation", "We met 3 times.", "We met 4 times.", "Wij kwamen drie keer."),
    ("emphasis added to one word", "Join us today.", "Join **us** today.", "Doe vandaag mee."),
    ("link added around words", "Read the plan.", "Read [the plan](/plan).", "Lees het plan."),
    ("text changed", "We march on Sunday.", "We march on Saturday.", "Wij lopen op zondag."),
    ("wrap removed but the translation is not wrapped", "**Join us.**", "Join us.", "Doe mee."),
    ("markup escape whose count differs", "\\*Big\\* news.", "*Big* news.", "Groot nieuws."),
]


@pytest.mark.parametrize(("old", "new", "msgstr"), [c[1:] for c in AMBIGUOUS], ids=[c[0] for c in AMBIGUOUS])
def test_ambiguous_change_is_not_carried(old: str, new: str, msgstr: str) -> None:
    assert carry(classify(old, new), msgstr, CARRYABLE) is None


@pytest.mark.parametrize(
    ("label", "old", "new", "msgstr"),
    [
        ("number", "We met in 2023.", "We met in 2024.", "In 2023."),
        ("markup", "To get attention:", "<u>To get attention:</u>", "Om op te vallen:"),
        ("url", "Read [it](/a).", "Read [it](/b).", "Lees [het](/a)."),
    ],
)
def test_class_not_allowed_is_not_carried(label: str, old: str, new: str, msgstr: str) -> None:
    allowed = CARRYABLE - {ChangeClass(label)}
    assert carry(classify(old, new), msgstr, allowed) is None


def test_mixed_change_needs_every_class_allowed() -> None:
    change = classify("Run `a` per [doc](/a).", "Run `b` per [doc](/b).")
    assert carry(change, "Draai `a` volgens [doc](/a).", {ChangeClass.URL}) is None
    carried = carry(change, "Draai `a` volgens [doc](/a).", {ChangeClass.URL, ChangeClass.CODE})
    assert carried is not None and carried.msgstr == "Draai `b` volgens [doc](/b)."


def test_carry_notes_say_what_changed() -> None:
    carried = carry(classify("Read [it](/a).", "Read [it](/b)."), "Lees [het](/a).", CARRYABLE)
    assert carried is not None
    assert carried.notes == ('url: "/a" -> "/b"',)


def test_tokens_cover_the_text_exactly() -> None:
    text = 'A [b](/c "t") `d` <a href="/e">f</a> {g} &amp; \\* **h** https://i.example/j 12,5\nk'
    toks = tokens(text)
    assert "".join(t.text for t in toks) == text
    assert [t.text for t in toks if t.role is Role.URL] == ["/c", "https://i.example/j"]
    assert [t.role for t in toks if t.text in ("`d`", "{g}", "&amp;", "\\*", "**", "12,5", "\n")] == [
        Role.CODE,
        Role.EXPR,
        Role.ENTITY,
        Role.ESCAPE,
        Role.MARKER,
        Role.MARKER,
        Role.NUMBER,
        Role.BREAK,
    ]


PIECE = st.sampled_from(
    [
        "We",
        "march",
        "on",
        "Sunday",
        "2023",
        "12",
        "*",
        "_",
        "**",
        "`x`",
        "`y`",
        "[a](/p)",
        "[b](/q)",
        '<a href="/r">c</a>',
        " ",
        "  ",
        ".",
        ",",
        "\\*",
        "&amp;",
        "{n}",
        "<!-- c -->",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECE, min_size=1, max_size=12), st.lists(PIECE, min_size=1, max_size=12))
def test_carry_into_the_pseudo_translation_gives_the_pseudo_translation_of_the_new_english(
    a: list[str], b: list[str]
) -> None:
    """The replay's oracle as a property: whatever is carried is exactly what a translator would write."""
    old, new = " ".join(a).strip(), " ".join(b).strip()
    if not old or not new:
        return
    carried = carry(classify(old, new), pseudo(old), CARRYABLE)
    if carried is not None and ChangeClass.LAYOUT not in carried.classes:
        assert carried.msgstr == pseudo(new)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_tokens_never_crash_and_cover_any_text(text: str) -> None:
    assert "".join(t.text for t in tokens(text)) == text


def test_layout_next_to_a_url_change_is_checked_on_its_own() -> None:
    change = classify("\\*Big\\* news on [x](/a).", "*Big* news on [x](/b).")
    assert change.classes == {ChangeClass.MARKUP, ChangeClass.URL}


def test_an_html_comment_added_with_its_space_is_layout_and_does_not_block_a_carry() -> None:
    change = classify("Read [it](/a).", "Read [it](/b). <!-- check -->")
    assert change.classes == {ChangeClass.URL, ChangeClass.LAYOUT}
    carried = carry(change, "Lees [het](/a).", CARRYABLE)
    assert carried is not None and carried.msgstr == "Lees [het](/b)."


def test_spaces_added_with_a_comment_that_show_on_the_page_are_text() -> None:
    assert classify("Call (now).", "Call ( <!-- c --> now).").label == "text"
