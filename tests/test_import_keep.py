"""``pipeline import`` keeps every word the translator wrote: in the built page or in the PO file.

Pages here are our own words. Words are counted as ``pipeline.importer.keep.words`` defines
them (markup stripped, split on whitespace, punctuation at the ends dropped); a page's words
are kept when each is in the page built from the PO file (read back from disk) or in what
the PO file holds beyond it (unused msgstrs, translator comments).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import Run, corpus_dir, msgfmt_check, write
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.formats import po
from pipeline.importer import keep
from pipeline.importer.run import EnglishVersion, PageImport, import_page
from pipeline.importer.structure import extra_markers
from pipeline.model import Page
from pipeline.segment.walker import DEFAULT_OPTIONS, MD, segment_page
from pipeline.stages.build import build_page, translations


def _import(english: str, translated: str) -> PageImport:
    en = Page("page", "en/page.md", english)
    return import_page(
        en,
        Page("page", "nl/page.md", translated),
        "nl",
        EnglishVersion(english, en.path),
        DEFAULT_OPTIONS,
        "2025-01-01",
    )


def _kept(english: str, translated: str, result: PageImport, tmp: Path | None = None) -> tuple[str, Counter[str]]:
    """The page built from the PO file (written and read back), and the words lost."""
    text = po.format_po(result.catalog)
    if tmp is not None:
        path = write(tmp / "page.po", text)
        msgfmt_check(path)
    catalog = po.parse_po(text, "page.po")
    table = translations(catalog)
    built = build_page(segment_page(Page("page", "en/page.md", english)), table)
    used = set(table) - {(s.msgctxt, s.msgid) for s, _ in built.fallbacks}
    return built.text, keep.lost_words(translated, built.text, keep.unused_strings(catalog, used))


def _comments(result: PageImport) -> list[str]:
    return [c for m in result.catalog.messages for c in m.comments]


# --------------------------------------------------------------------------- what a word is


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Hallo **wereld**!", ["Hallo", "wereld"]),
        ("Zie [de kaart](https://example.org/kaart_(nl)).", ["Zie", "de", "kaart"]),
        ('<p lang="nl">Tekst</p> <!-- niet dit -->', ["Tekst"]),
        ("## Kop {#heading-id}", ["Kop"]),
        ("- 23\\. Mai 2023, 11:45", ["23", "Mai", "2023", "11:45"]),
        ("(gratis / laagdrempelig) &amp; x-risico", ["gratis", "laagdrempelig", "x-risico"]),
        ("`code` | cel |", ["code", "cel"]),
    ],
)
def test_words_are_read_after_markup_is_stripped(text: str, want: list[str]) -> None:
    assert keep.words(text) == Counter(want)


def test_lost_words_count_each_occurrence() -> None:
    assert keep.lost_words("de kat en de hond", "de kat", ["en de"]) == Counter({"hond": 1})
    assert keep.lost_words("de de de", "de", ["de"]) == Counter({"de": 1})


# --------------------------------------------------------------------------- unpaired text is kept

EN = """---
title: Planting trees
---

Every spring our group plants trees in streets that have none.

## Why trees {#why-trees}

Trees cool a street by up to 5 degrees in summer.

## How to help {#how-to-help}

- Water a young tree once a week in dry months.
- Report a damaged tree on our [map](https://example.org/map).
"""

NL = """---
title: Bomen planten
---

Elk voorjaar plant onze groep bomen in straten waar er geen staan.

## Waarom bomen {#why-trees}

Bomen koelen een straat in de zomer tot wel 5 graden af.

## Hoe je kunt helpen {#how-to-help}

- Geef een jonge boom in droge maanden eens per week water.
- Meld een beschadigde boom op onze [kaart](https://example.org/map).
"""


def test_an_added_paragraph_is_kept_as_a_translator_comment_on_its_neighbour(tmp_path: Path) -> None:
    added = "Onze vrijwilligers in Utrecht zorgen sinds vorig jaar ook voor de geveltuinen in de wijk."
    nl = NL.replace("\n## Hoe je", f"\n{added}\n\n## Hoe je")
    result = _import(EN, nl)
    _built, lost = _kept(EN, nl, result, tmp_path)
    assert not lost
    entry = next(m for m in result.catalog.messages if m.msgid.startswith("Trees cool"))
    assert entry.comments[0].startswith("import: nl/page.md:11: added text: a paragraph with no English counterpart")
    assert entry.comments[1] == "  " + added
    assert entry.translated  # the neighbour's own translation is untouched
    assert result.notes == 1 and [u.line for u in result.unmatched] == [11]  # still reported


def test_an_added_list_is_kept_whole() -> None:
    items = [f"- Ontmoetingsplek {n}: het café aan de Markt {n}, elke dinsdag om 20:00" for n in range(1, 5)]
    nl = NL.rstrip("\n") + "\n\n## Waar we elkaar zien\n\n" + "\n".join(items) + "\n"
    result = _import(EN, nl)
    _built, lost = _kept(EN, nl, result)
    assert not lost
    text = "\n".join(_comments(result))
    for n in range(1, 5):
        assert f"het café aan de Markt {n}" in text


def test_lost_words_were_counted_before_the_notes(tmp_path: Path) -> None:
    """Without its translator comments, the catalog of a page with added text loses words."""
    nl = NL.replace("\n## Hoe je", "\nEen extra zin van de vertaler.\n\n## Hoe je")
    result = _import(EN, nl)
    stripped = replace(result.catalog, messages=tuple(replace(m, comments=()) for m in result.catalog.messages))
    built = build_page(segment_page(Page("page", "en/page.md", EN)), translations(stripped)).text
    assert keep.lost_words(nl, built, keep.unused_strings(stripped, translations(stripped))) == Counter(
        {"Een": 1, "extra": 1, "zin": 1, "van": 1, "de": 1, "vertaler": 1}
    )


def test_an_english_text_left_alone_beside_an_unpaired_translation_gets_it_as_fuzzy() -> None:
    # the translation rewrites the first paragraph beyond recognition: four times as long, with a
    # year, a town and a link the English does not have; more likely other text than a translation
    en = EN.replace("Every spring our group plants trees in streets that have none.", "Why we do this matters a lot.")
    nl = NL.replace(
        "Elk voorjaar plant onze groep bomen in straten waar er geen staan.",
        "Het is voor ons van groot belang om steeds uit te leggen waarom we dit werk doen, elk seizoen opnieuw, "
        "met iedereen die wil luisteren, zoals in 1998 in Zwolle bij de [vereniging](https://example.org/zwolle).",
    )
    result = _import(en, nl)
    entry = next(m for m in result.catalog.messages if m.msgid == "Why we do this matters a lot.")
    assert entry.fuzzy and entry.msgstr.startswith("Het is voor ons")
    assert not _kept(en, nl, result)[1]


def test_a_front_matter_key_the_english_lacks_is_a_note_not_the_value_of_another_key() -> None:
    en = EN.replace("title: Planting trees\n", "description: Trees for every street\n")
    nl = NL  # a title where the English has a description
    result = _import(en, nl)
    entry = next(m for m in result.catalog.messages if m.msgid == "Trees for every street")
    assert not entry.msgstr
    assert "  title: Bomen planten" in _comments(result)
    assert any("the front-matter key 'title' has no English counterpart" in c for c in _comments(result))
    assert not _kept(en, nl, result)[1]


def test_a_repeated_english_text_translated_two_ways_keeps_both() -> None:
    en = EN + "\nReport a damaged tree on our [map](https://example.org/map).\n"
    nl = NL + "\nGeef een beschadigde boom door via onze [kaart](https://example.org/map).\n"
    result = _import(en, nl)
    assert not _kept(en, nl, result)[1]
    text = "\n".join(_comments(result))
    assert "the same English text is translated differently here" in text
    assert "Geef een beschadigde boom door" in text


def test_a_heading_level_the_translation_changed_reaches_the_translator() -> None:
    nl = NL.replace("## Waarom bomen", "### Waarom bomen")
    result = _import(EN, nl)
    text = "\n".join(_comments(result))
    assert (
        "import: nl/page.md:7: another structure: the heading is level 3 in the translation, 2 in the English" in text
    )


def test_a_changed_html_attribute_reaches_the_translator() -> None:
    tweet = '<blockquote class="tweet"><p lang="{}">{}</p></blockquote>\n'
    en = EN + "\n" + tweet.format("en", "Plant a tree today")
    nl = NL + "\n" + tweet.format("nl", "Plant vandaag een boom")
    result = _import(en, nl)
    text = "\n".join(_comments(result))
    assert 'another structure: the build keeps the English `<blockquote class="tweet"><p lang="en">' in text
    assert '<p lang="nl">' in text


def test_translated_code_is_kept_as_a_note() -> None:
    en = EN + "\n    plant(tree)  # one tree a week\n"
    nl = NL + "\n    plant(tree)  # een boom per week\n"
    result = _import(en, nl)
    assert not _kept(en, nl, result)[1]


def test_a_translated_code_line_ending_in_a_backslash_is_kept_in_a_valid_po_file(tmp_path: Path) -> None:
    en = EN + "\n```sh\nplant --tree oak \\\n  --street main\n```\n"
    nl = NL + "\n```sh\nplant --boom eik \\\n  --straat hoofdstraat\n```\n"
    result = _import(en, nl)
    _built, lost = _kept(en, nl, result, tmp_path)
    assert not lost
    assert "  plant --boom eik" in _comments(result)


def test_a_page_without_english_text_keeps_translated_code_in_the_po_header() -> None:
    en = "```\nplant(tree)  # one tree a week\n```\n"
    nl = "```\nplant(tree)  # een boom per week\n```\n"
    result = _import(en, nl)
    assert "  plant(tree) # een boom per week" in result.catalog.header_comments
    assert not _kept(en, nl, result)[1]


# --------------------------------------------------------------------------- structure of the English


@pytest.mark.parametrize("start", ["23. ", "1) ", "# ", "> ", "+ ", "- ", "* "])
def test_a_list_item_starting_like_a_block_marker_is_read_and_built_as_text(start: str) -> None:
    en = "# Dates\n\n- May 24, 2023, 10:00 at the square\n- Bring a sign and water\n"
    nl = f"# Data\n\n- {start}Mei 2023, 10:00 op het plein\n- Neem een bord en water mee\n"
    result = _import(en, nl)
    entry = next(m for m in result.catalog.messages if m.msgid.startswith("May 24"))
    assert entry.msgstr == f"{start}Mei 2023, 10:00 op het plein" and not entry.fuzzy
    built, lost = _kept(en, nl, result)
    assert not lost and result.equal
    marker = start.rstrip()
    escaped = f"{marker[:-1]}\\{marker[-1]}" if marker[0].isdigit() else f"\\{marker}"
    assert built.splitlines()[2] == f"- {escaped} Mei 2023, 10:00 op het plein"
    html = MD.render(built)
    text = start.rstrip().replace(">", "&gt;")
    assert f"<li>{text} Mei 2023, 10:00 op het plein</li>" in html
    assert html.count("<li>") == 2


def test_a_paragraph_starting_with_a_number_and_dot_is_read_as_text() -> None:
    en = "# Dates\n\nOn May 23, 2023 we met at the square.\n"
    nl = "# Data\n\n23. Mei 2023 kwamen we samen op het plein.\n"
    result = _import(en, nl)
    entry = next(m for m in result.catalog.messages if m.msgid.startswith("On May"))
    assert entry.msgstr == "23. Mei 2023 kwamen we samen op het plein."
    built, lost = _kept(en, nl, result)
    assert built.splitlines()[2] == "23\\. Mei 2023 kwamen we samen op het plein."
    assert "<p>23. Mei 2023 kwamen" in MD.render(built) and not lost


@pytest.mark.parametrize("start", ["23. ", "1) ", "# ", "> ", "+ ", "- ", "* "])
def test_build_keeps_a_marker_inside_a_paragraph_as_text(start: str) -> None:
    """After a hard break the marker is escaped; in a wrapped paragraph no line starts with it."""
    marker = start.rstrip().replace(">", "&gt;")
    en = "Line one\\\nline two and more text here\n"
    doc = segment_page(Page("p", "p.md", en))
    built = build_page(doc, {(None, doc.segments[0].msgid): f"Regel een\n{start}Mei regel twee"})
    assert not built.fallbacks
    assert MD.render(built.text) == f"<p>Regel een<br />\n{marker} Mei regel twee</p>\n"
    en = "Line one is a long line of text that wraps\nline two and more text here as well\n"
    doc = segment_page(Page("p", "p.md", en))
    built = build_page(doc, {(None, doc.segments[0].msgid): f"Een lange regel tekst die {start}Mei en nog meer"})
    assert not built.fallbacks
    assert MD.render(built.text).replace("\n", " ") == f"<p>Een lange regel tekst die {marker} Mei en nog meer</p> "


@pytest.mark.parametrize(
    ("english", "translated", "extra"),
    [
        ("- ", "- 23. ", "23. "),
        ("  - ", "  * ", None),
        ("> - ", "> - # ", "# "),
        ("1. ", "2. ", None),
        ("", "> ", "> "),
        ("<p>", "<p>1. ", None),
    ],
)
def test_extra_markers_are_those_beyond_the_english_line(english: str, translated: str, extra: str | None) -> None:
    assert extra_markers(english, translated) == extra


# --------------------------------------------------------------------------- the summary


def test_a_translation_the_build_refuses_counts_as_not_equal_and_is_listed_with_its_reason(
    run: Callable[..., Run], tmp_path: Path
) -> None:
    root = tmp_path / "site"
    write(root / "pipeline.toml", 'source = "source"\nlocales = ["nl"]\n')
    en = EN + "\nYou have {count} trees to water this week.\n"
    nl = NL + "\nJe hebt {aantal} bomen om water te geven deze week.\n"
    write(root / "source" / "page.md", en)
    write(root / "nl" / "page.md", nl)
    done = run(
        root, "import", "--locale", "nl", str(root / "nl"), "--source-dir", str(root / "source"), "--format", "json"
    )
    data = json.loads(done.out)
    page = data["pages"][0]
    assert page["rebuilt_equal"] is False
    assert data["totals"]["rebuilt_equal"] == 0 and data["totals"]["refused"] == 1
    assert page["refused"] == [
        {
            "line": 16,
            "msgid": "You have {count} trees to water this week.",
            "reason": "its {placeholders} differ from the English ones",
        }
    ]
    assert any(f["code"] == "import-refused" for f in data["findings"])
    text = run(root, "import", "--locale", "nl", str(root / "nl"), "--source-dir", str(root / "source"), "--merge")
    assert "0 pages rebuild equal" in text.out


# --------------------------------------------------------------------------- generated pages

_WORDS = [f"w{n}" for n in range(200)]


_MARKERS = ["# ", "> ", "+ ", "- ", "* ", "7. ", "1) "]


@st.composite
def _page(
    draw: st.DrawFn, changes: tuple[str, ...] = ("add", "drop", "merge", "level", "marker", "code")
) -> tuple[str, str]:
    """(English page, translated page): blocks translated word for word, then changed as translators do.

    Constructs: paragraphs, headings, lists, German-style dated list items (``- 23. Mai``),
    quotes, code; changes: a block added (paragraph, list item, heading), a block dropped, two
    paragraphs merged, a heading's level changed, code translated, a line-start marker
    written as text.
    """
    count = draw(st.integers(2, 9))
    kinds = draw(st.lists(st.sampled_from(["p", "h", "l", "d", "q", "c"]), min_size=count, max_size=count))
    pairs: list[tuple[str | None, str | None]] = []
    for n, kind in enumerate(kinds):
        size = draw(st.integers(2, 12))
        words = [f"e{n}x{k}" for k in range(size)]
        number = str(10 + n)
        body_e = " ".join(words) + f" {number}."
        body_t = " ".join(w.replace("e", "t", 1) for w in words) + f" {number}."
        if kind == "h":
            pairs.append((f"## {body_e.rstrip('.')}", f"## {body_t.rstrip('.')}"))
        elif kind == "l":
            pairs.append((f"- {body_e}\n- second e{n} item {number}.", f"- {body_t}\n- tweede t{n} punt {number}."))
        elif kind == "d":  # a German-style date: the day number starts the item
            pairs.append((f"- May {number}, 2023, {body_e}", f"- {number}. Mai 2023, {body_t}"))
        elif kind == "q":
            pairs.append((f"> {body_e}", f"> {body_t}"))
        elif kind == "c":
            code = f"```\nrun {number} # {body_e}\n```"
            pairs.append((code, code))
        else:
            pairs.append((body_e, body_t))
    ops = draw(st.lists(st.tuples(st.sampled_from(changes), st.integers(0, 20)), max_size=4))
    for op, at in ops:
        at %= len(pairs)
        e, t = pairs[at]
        if op == "add":  # the translator adds a paragraph, a list item or a heading
            extra = " ".join(draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=15)))
            pairs.insert(at, (None, draw(st.sampled_from([extra + ".", f"- {extra}", f"### {extra}"]))))
        elif op == "drop":  # the translator leaves a block out
            pairs[at] = (e, None)
        elif op == "code" and e and t and t.startswith("```"):  # the translator translates a code comment
            pairs[at] = (e, re.sub(r"\be(\d+x)", r"t\1", t))
        elif op == "level" and t and t.startswith("## "):
            pairs[at] = (e, "#" + t)
        elif op == "marker" and e and t and e[0].isalnum() and t[0].isalnum():
            pairs[at] = (e, draw(st.sampled_from(_MARKERS)) + t)
        elif op == "merge" and at + 1 < len(pairs):  # the translator merges two paragraphs into one
            e2, t2 = pairs[at + 1]
            if t and t2 and t[0].isalnum() and t2[0].isalnum():
                pairs[at : at + 2] = [(e, t + " " + t2), (e2, None)]
    english = [e for e, _ in pairs if e is not None]
    translated = [t for _, t in pairs if t is not None]
    return "\n\n".join(english) + "\n", "\n\n".join(translated) + "\n"


@settings(max_examples=int(os.environ.get("IMPORT_EXAMPLES", "60")), deadline=None)
@given(_page(changes=("marker",)))
@example(("e0x0 e0x1 10.\n\ne1x0 e1x1 11.\n", "> t0x0 t0x1 10.\n\nt1x0 t1x1 11.\n"))  # a quote marker as text
def test_generated_translations_whose_lines_start_like_markers_rebuild_equal(pages: tuple[str, str]) -> None:
    english, translated = pages
    result = _import(english, translated)
    assert result.equal, (result.difference, result.refused)
    assert not result.lost


@settings(max_examples=int(os.environ.get("IMPORT_EXAMPLES", "60")), deadline=None)
@given(_page())
@example(("e0x0 e0x1 10.\n\ne1x0 e1x1 11.\n\ne2x0 e2x1 12.\n", "7. t0x0 t0x1 10. t1x0 t1x1 11.\n\nt2x0 t2x1 12.\n"))
@example(("```\nrun 10 # e0x0 e0x1 10.\n```\n", "```\nrun 10 # t0x0 t0x1 10.\n```\n"))  # no English text at all
def test_generated_translations_lose_no_word(pages: tuple[str, str]) -> None:
    english, translated = pages
    result = _import(english, translated)
    _built, lost = _kept(english, translated, result)
    assert not lost, (lost, result.catalog.messages)
    assert not result.lost


# --------------------------------------------------------------------------- the real pages


@pytest.mark.corpus
@pytest.mark.slow
def test_every_word_of_the_real_dutch_pages_is_in_the_built_page_or_the_po_file() -> None:
    nl_dir, en_dir = corpus_dir("nl"), corpus_dir("en-for-nl")
    lost_by_page: dict[str, Counter[str]] = {}
    for file in sorted(nl_dir.glob("*.md")):
        english = (en_dir / file.name).read_text("utf-8")
        translated = file.read_text("utf-8")
        result = import_page(
            Page(file.stem, f"en/{file.name}", english),
            Page(file.stem, f"nl/{file.name}", translated),
            "nl",
            EnglishVersion(english, "en"),
            DEFAULT_OPTIONS,
            "2025-01-01",
        )
        _built, lost = _kept(english, re.sub(r"\r\n?", "\n", translated), result)
        if lost:
            lost_by_page[file.name] = lost
    assert not lost_by_page


def test_merge_and_sync_keep_the_notes(run: Callable[..., Run], tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root / "pipeline.toml", 'source = "source"\nlocales = ["nl"]\n')
    write(root / "source" / "page.md", EN)
    write(root / "nl" / "page.md", NL)
    args = ("import", "--locale", "nl", str(root / "nl"), "--source-dir", str(root / "source"))
    assert run(root, *args).code == 0
    added = "Sinds vorig jaar zorgen onze vrijwilligers ook voor de geveltuinen in de wijk."
    write(root / "nl" / "page.md", NL.replace("\n## Hoe je", f"\n{added}\n\n## Hoe je"))
    assert run(root, *args, "--merge").code == 0
    path = root / "locales" / "nl" / "page.po"
    assert f"#   {added}\n" in path.read_text("utf-8")
    assert run(root, "sync", "-q").code == 0
    after = path.read_text("utf-8")
    assert f"#   {added}\n" in after
    assert run(root, "sync", "-q").code == 0
    assert path.read_text("utf-8") == after
    msgfmt_check(path)
