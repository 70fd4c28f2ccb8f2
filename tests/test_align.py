"""Alignment of an English page with its translation: one hand-made page pair per case.

The pages are our own words (English, and a Dutch translation written for these tests).
Each test checks who is paired with whom, and which pairs are confident.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.importer.align import Alignment, align, sentences
from pipeline.model import Page
from pipeline.segment.walker import Document, segment_page


def _docs(english: str, translated: str) -> tuple[Document, Document]:
    return segment_page(Page("p", "en/p.md", english)), segment_page(Page("p", "nl/p.md", translated))


def _pairs(english: str, translated: str) -> tuple[dict[str, tuple[str, bool]], list[str], Alignment]:
    """English msgid -> (translated text, confident); translated texts without English; the alignment."""
    de, dt = _docs(english, translated)
    result = align(de.segments, dt.segments)
    pairs: dict[str, tuple[str, bool]] = {}
    extra: list[str] = []
    for link in result.links:
        text = " + ".join(dt.segments[j].msgid for j in link.target)
        for i in link.source:
            pairs[de.segments[i].msgid] = (text, link.confident)
        if not link.source:
            extra.append(text)
    return pairs, extra, result


INTRO_EN = """---
title: Planting trees in the city
description: Why we plant trees on 12 streets, and how you can help.
---

Every spring our group plants trees in streets that have none.
We started in 2019 with [three volunteers](/team) and a borrowed van.

## Why trees {#why-trees}

Trees cool a street by up to 5 degrees in summer.
They also give birds and insects a place to live.

## How to help {#how-to-help}

- Water a young tree once a week in dry months.
- Report a damaged tree on our [map](https://example.org/map).
- Join a planting day: the next one is on 14 March.
"""

INTRO_NL = """---
title: Bomen planten in de stad
description: Waarom we bomen planten in 12 straten, en hoe je kunt helpen.
---

Elk voorjaar plant onze groep bomen in straten waar er geen staan.
We begonnen in 2019 met [drie vrijwilligers](/team) en een geleend busje.

## Waarom bomen {#why-trees}

Bomen koelen een straat in de zomer tot wel 5 graden af.
Ze geven ook vogels en insecten een plek om te leven.

## Hoe je kunt helpen {#how-to-help}

- Geef een jonge boom in droge maanden eens per week water.
- Meld een beschadigde boom op onze [kaart](https://example.org/map).
- Doe mee met een plantdag: de volgende is op 14 maart.
"""


def test_a_faithful_translation_pairs_every_segment_in_order_and_confidently() -> None:
    pairs, extra, _ = _pairs(INTRO_EN, INTRO_NL)
    assert extra == []
    assert pairs["Planting trees in the city"] == ("Bomen planten in de stad", True)
    assert pairs["Why trees"] == ("Waarom bomen", True)
    assert pairs["Join a planting day: the next one is on 14 March."] == (
        "Doe mee met een plantdag: de volgende is op 14 maart.",
        True,
    )
    assert all(confident for _, confident in pairs.values())


def test_reordered_list_items_pair_with_their_own_translation_and_are_fuzzy() -> None:
    translated = INTRO_NL.replace(
        "- Geef een jonge boom in droge maanden eens per week water.\n"
        "- Meld een beschadigde boom op onze [kaart](https://example.org/map).\n",
        "- Meld een beschadigde boom op onze [kaart](https://example.org/map).\n"
        "- Geef een jonge boom in droge maanden eens per week water.\n",
    )
    pairs, extra, _ = _pairs(INTRO_EN, translated)
    assert extra == []
    water = pairs["Water a young tree once a week in dry months."]
    report = pairs["Report a damaged tree on our [map](https://example.org/map)."]
    assert water[0] == "Geef een jonge boom in droge maanden eens per week water."
    assert report[0] == "Meld een beschadigde boom op onze [kaart](https://example.org/map)."
    assert not (water[1] and report[1]), "a moved item must be checked by a person"
    assert pairs["Join a planting day: the next one is on 14 March."][1]


def test_a_paragraph_split_in_two_is_joined_into_one_translation() -> None:
    translated = INTRO_NL.replace(
        "Bomen koelen een straat in de zomer tot wel 5 graden af.\n",
        "Bomen koelen een straat in de zomer tot wel 5 graden af.\n\n",
    )
    pairs, extra, _ = _pairs(INTRO_EN, translated)
    assert extra == []
    text, _confident = pairs[
        "Trees cool a street by up to 5 degrees in summer. They also give birds and insects a place to live."
    ]
    assert text == (
        "Bomen koelen een straat in de zomer tot wel 5 graden af. + "
        "Ze geven ook vogels en insecten een plek om te leven."
    )


def test_two_paragraphs_translated_as_one_are_paired_with_both() -> None:
    english = "Intro line here.\n\nFirst we dig a hole of one metre.\n\nThen we water the tree with 40 litres.\n"
    translated = "Intro regel hier.\n\nEerst graven we een gat van een meter. Dan geven we de boom 40 liter water.\n"
    de, dt = _docs(english, translated)
    result = align(de.segments, dt.segments)
    merged = [lk for lk in result.links if len(lk.source) == 2]
    assert [(lk.source, lk.target) for lk in merged] == [((1, 2), (1,))]


def test_a_dropped_sentence_keeps_the_pair_but_makes_it_fuzzy() -> None:
    translated = INTRO_NL.replace(
        "Elk voorjaar plant onze groep bomen in straten waar er geen staan.\n"
        "We begonnen in 2019 met [drie vrijwilligers](/team) en een geleend busje.\n",
        "Elk voorjaar plant onze groep bomen in straten waar er geen staan.\n",
    )
    pairs, extra, result = _pairs(INTRO_EN, translated)
    english = (
        "Every spring our group plants trees in streets that have none. "
        "We started in 2019 with [three volunteers](/team) and a borrowed van."
    )
    text, confident = pairs[english]
    assert text == "Elk voorjaar plant onze groep bomen in straten waar er geen staan."
    assert not confident
    reason = next(lk.reason for lk in result.links if lk.source == (2,))
    assert "sentences" in reason or "length" in reason
    assert extra == []


def _link(result: Alignment, source: tuple[int, ...]) -> tuple[tuple[int, ...], bool, bool]:
    """The translated segments paired with ``source``, whether the pair is confident, and whether enclosed."""
    link = next(lk for lk in result.links if lk.source == source)
    return link.target, link.confident, link.enclosed


def test_an_unsure_pair_between_two_confident_pairs_is_enclosed() -> None:
    # the translator adds a sentence to a list item: far too long, but its neighbours pair surely
    translated = INTRO_NL.replace(
        "op onze [kaart](https://example.org/map).",
        "op onze [kaart](https://example.org/map). Stuur er een foto bij via [de app](https://example.org/app), "
        "dan kan de gemeente hem snel vervangen.",
    )
    _, _, result = _pairs(INTRO_EN, translated)
    assert _link(result, (7,)) == ((7,), False, True)
    assert "longer" in next(lk.reason for lk in result.links if lk.source == (7,))


def test_a_paragraph_translated_as_two_between_confident_pairs_is_enclosed_even_when_less_likely() -> None:
    # the English runs two paragraphs together ("Next part."); the translation keeps them apart
    english = INTRO_EN.replace(
        "a place to live.\n", "a place to live.  Next part. Shade helps people who walk to work.\n"
    )
    translated = INTRO_NL.replace(
        "een plek om te leven.\n",
        "een plek om te leven.\n\nVolgende deel: schaduw helpt mensen die naar hun werk lopen, zeker in juli.\n",
    )
    _, _, result = _pairs(english, translated)
    assert _link(result, (4,)) == ((4, 5), False, True)
    assert next(lk for lk in result.links if lk.source == (4,)).probability < 0.9


def test_an_unsure_pair_beside_a_dropped_paragraph_is_not_enclosed() -> None:
    # the translation drops a sentence and the next paragraph: its text might belong to either
    english = INTRO_EN.replace(
        "and a borrowed van.\n",
        "and a borrowed van.\nMost of the volunteers from that first spring still come back every single year.\n\n"
        "Our van is old, but it still runs on every planting day.\n",
    )
    _, _, result = _pairs(english, INTRO_NL)
    assert _link(result, (2,)) == ((2,), False, False)
    assert _link(result, (3,)) == ((), False, False)


def test_a_pair_of_two_constructs_is_never_enclosed() -> None:
    translated = INTRO_NL.replace("Bomen koelen", "- Bomen koelen").replace("Ze geven ook", "  Ze geven ook")
    _, _, result = _pairs(INTRO_EN, translated)
    assert _link(result, (4,)) == ((4,), False, False)


def test_an_extra_translators_note_is_left_unmatched_and_its_neighbours_stay_confident() -> None:
    translated = INTRO_NL.replace(
        "## Hoe je kunt helpen {#how-to-help}\n",
        "_Noot van de vertaler: in Vlaanderen heet een busje ook een camionette._\n\n"
        "## Hoe je kunt helpen {#how-to-help}\n",
    )
    pairs, extra, _ = _pairs(INTRO_EN, translated)
    assert extra == ["_Noot van de vertaler: in Vlaanderen heet een busje ook een camionette._"]
    assert pairs["Trees cool a street by up to 5 degrees in summer. They also give birds and insects a place to live."][
        1
    ]
    assert pairs["How to help"] == ("Hoe je kunt helpen", True)


def test_a_dropped_paragraph_leaves_its_english_untranslated_not_its_neighbour() -> None:
    english = (
        "## Costs {#costs}\n\nA tree costs 80 euros, including the stake.\n\n"
        "We pay for trees with gifts from 300 neighbours.\n\n"
        "The city gives us water from the 2 hydrants on Elm Street.\n"
    )
    translated = (
        "## Kosten {#costs}\n\nEen boom kost 80 euro, inclusief de paal.\n\n"
        "De stad geeft ons water uit de 2 brandkranen aan Elm Street.\n"
    )
    pairs, extra, _ = _pairs(english, translated)
    assert pairs["We pay for trees with gifts from 300 neighbours."] == ("", False)
    assert pairs["The city gives us water from the 2 hydrants on Elm Street."][0].startswith("De stad")
    assert extra == []


def test_table_cells_pair_cell_by_cell() -> None:
    english = "| Tree | Height |\n|---|---|\n| Oak | 20 metres |\n| Birch | 15 metres |\n"
    translated = "| Boom | Hoogte |\n|---|---|\n| Eik | 20 meter |\n| Berk | 15 meter |\n"
    pairs, extra, _ = _pairs(english, translated)
    assert {k: v[0] for k, v in pairs.items()} == {
        "Tree": "Boom",
        "Height": "Hoogte",
        "Oak": "Eik",
        "20 metres": "20 meter",
        "Birch": "Berk",
        "15 metres": "15 meter",
    }
    assert extra == []


def test_text_inside_raw_html_pairs_like_markdown_text() -> None:
    english = '<div class="card">\n<p>Bring gloves and a spade.</p>\n<img src="/spade.png" alt="A spade">\n</div>\n'
    translated = (
        '<div class="card">\n<p>Neem handschoenen en een schop mee.</p>\n'
        '<img src="/spade.png" alt="Een schop">\n</div>\n'
    )
    pairs, extra, _ = _pairs(english, translated)
    assert pairs["Bring gloves and a spade."] == ("Neem handschoenen en een schop mee.", True)
    assert pairs["A spade"] == ("Een schop", True)
    assert extra == []


def test_front_matter_pairs_by_key_even_when_the_translation_swaps_the_keys() -> None:
    english = "---\ntitle: Tree care\ndescription: Water, stake and prune young trees.\n---\n\nText of the page.\n"
    translated = (
        "---\ndescription: Water geven, palen en snoeien.\ntitle: Boomverzorging\n---\n\nTekst van de pagina.\n"
    )
    pairs, extra, _ = _pairs(english, translated)
    assert pairs["Tree care"] == ("Boomverzorging", True)
    assert pairs["Water, stake and prune young trees."] == ("Water geven, palen en snoeien.", True)
    assert extra == []


def test_a_heading_id_is_an_exact_sync_point_even_where_text_says_little() -> None:
    english = "## One {#one}\n\nA.\n\n## Two {#two}\n\nB.\n\n## Three {#three}\n\nC.\n"
    translated = "## Een {#one}\n\nA.\n\n## Drie {#three}\n\nC.\n"
    pairs, extra, _ = _pairs(english, translated)
    assert pairs["Three"] == ("Drie", True)
    assert pairs["Two"] == ("", False)
    assert extra == []


def test_sentences_split_at_sentence_ends_but_not_inside_links() -> None:
    assert sentences("One thing. Two [a. B](/x). Three? Yes!") == ["One thing.", "Two [a. B](/x).", "Three?", "Yes!"]


_WORDS = st.sampled_from(["tree", "street", "Oak", "water", "12", "`spade`", "[map](/map)", "🌳", "city", "Elm"])
_TEXT = st.lists(_WORDS, min_size=1, max_size=8).map(" ".join)


@st.composite
def _pages(draw: st.DrawFn) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["para", "head", "list"]))
        if kind == "para":
            blocks.append(draw(_TEXT).capitalize() + ".")
        elif kind == "head":
            blocks.append("## " + draw(_TEXT))
        else:
            blocks.append("\n".join("- " + draw(_TEXT) for _ in range(draw(st.integers(1, 3)))))
    return "\n\n".join(blocks) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_pages())
def test_a_page_aligned_with_itself_pairs_every_segment_with_itself_confidently(text: str) -> None:
    doc = segment_page(Page("p", "p.md", text))
    result = align(doc.segments, doc.segments)
    assert [(lk.source, lk.target) for lk in result.links] == [((i,), (i,)) for i in range(len(doc.segments))]
    assert all(lk.confident for lk in result.links)
