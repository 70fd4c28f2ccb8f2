"""Comment directives (i18n:skip, skip-start/-end, comment, context) and the context comments of entries.

Golden folders under ``golden/directives/<case>/``: ``page.md`` (English), ``expected.pot`` (its
template), ``xx.po`` (a translation) and ``expected.xx.md`` (the page built from it). Run with
``UPDATE_GOLDEN=1`` to rewrite the expected files after a deliberate change, then review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import msgcat_stable, msgfmt_check
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import blocks

from pipeline.errors import InputError
from pipeline.formats import po
from pipeline.model import Kind, Page
from pipeline.segment.walker import MD, segment_page
from pipeline.stages.build import build_page, translations
from pipeline.stages.extract import make_template

GOLDEN = Path(__file__).parent / "golden" / "directives"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
STAMP = "2025-01-01 00:00+0000"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def golden_page(case: str) -> Page:
    return Page(case, f"source/{case}.md", (GOLDEN / case / "page.md").read_text(encoding="utf-8"))


def check_golden(path: Path, actual: str) -> None:
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{path} differs (UPDATE_GOLDEN=1 rewrites it)"


def doc_of(text: str) -> list[tuple[int, str, str | None, tuple[str, ...]]]:
    doc = segment_page(Page("p", "source/p.md", text))
    return [(s.line, s.msgid, s.msgctxt, s.comments) for s in doc.segments]


def msgids(text: str) -> list[str]:
    return [m for _, m, _, _ in doc_of(text)]


# --------------------------------------------------------------------------- golden


@pytest.mark.parametrize("case", CASES)
def test_template_of_directive_page_matches_golden(case: str) -> None:
    template = make_template(segment_page(golden_page(case)), None, stamp=STAMP)
    check_golden(GOLDEN / case / "expected.pot", po.format_po(template))


@pytest.mark.parametrize("case", CASES)
def test_build_of_directive_page_matches_golden(case: str) -> None:
    catalog = po.read_po(GOLDEN / case / "xx.po")
    built = build_page(segment_page(golden_page(case)), translations(catalog))
    assert [(s.msgid, r) for s, r in built.fallbacks] == []
    check_golden(GOLDEN / case / "expected.xx.md", built.text)


@pytest.mark.parametrize("case", CASES)
def test_golden_catalogs_pass_msgfmt_and_msgcat(case: str) -> None:
    for name in ("expected.pot", "xx.po"):
        msgfmt_check(GOLDEN / case / name)
        msgcat_stable(GOLDEN / case / name)


@pytest.mark.parametrize("case", CASES)
def test_skipped_english_stays_in_the_built_page(case: str) -> None:
    """Everything between skip markers is byte for byte the English in the translated page."""
    english = (GOLDEN / case / "page.md").read_text(encoding="utf-8")
    built = (GOLDEN / case / "expected.xx.md").read_text(encoding="utf-8")
    for m in re.finditer(r"<!-- i18n:skip-start -->.*?<!-- i18n:skip-end -->", english, re.DOTALL):
        assert m.group(0) in built
    for m in re.finditer(r"<!-- i18n:skip -->\n(?:[ \t]*\S.*\n)+", english):
        assert m.group(0) in built


def test_context_makes_one_phrase_two_entries_translated_two_ways() -> None:
    catalog = po.read_po(GOLDEN / "context" / "xx.po")
    report = {m.msgctxt: m.msgstr for m in catalog.messages if m.msgid == "Report"}
    assert len(report) == 3
    assert len(set(report.values())) == 3
    built = (GOLDEN / "context" / "expected.xx.md").read_text(encoding="utf-8")
    assert built.count(report["verb: to send in a report"]) == 2  # paragraph and heading share a context
    assert report["noun: a written report"] in built
    assert report[None] in built


# --------------------------------------------------------------------------- behaviour


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("<!-- i18n:skip -->\nSkipped.\n\nKept.\n", ["Kept."]),
        ("<!-- i18n:skip -->\n\nSkipped after a blank line.\n\nKept.\n", ["Kept."]),
        ("<!-- i18n:skip -->\n# Skipped heading\n\nKept.\n", ["Kept."]),
        ("<!-- i18n:skip -->\n- one\n- two\n\nKept.\n", ["Kept."]),
        ("- one\n  <!-- i18n:skip -->\n  two\n- three\n", ["one", "three"]),
        ("> quote\n>\n> <!-- i18n:skip -->\n> skipped\n", ["quote"]),
        ("<!-- i18n:skip -->\n<div>\n<p>Skipped html</p>\n</div>\n\nKept.\n", ["Kept."]),
        ("<!-- i18n:skip-start -->\nA\n\n## B\n\n- C\n<!-- i18n:skip-end -->\n\nKept.\n", ["Kept."]),
        ("<div>\n<!-- i18n:skip-start -->\n<p>Gone</p>\n<!-- i18n:skip-end -->\n<p>Here</p>\n</div>\n", ["Here"]),
        ("<!-- i18n:comment: note -->\n<!-- i18n:skip -->\nSkipped.\n\nKept.\n", ["Kept."]),
        ("<!-- a plain comment -->\nKept.\n", ["Kept."]),
        ("Write `<!-- i18n:skip -->` before a block.\n", ["Write `<!-- i18n:skip -->` before a block."]),
        ("```\n<!-- i18n:skip -->\n```\n\nKept.\n", ["Kept."]),
    ],
)
def test_skip_directives_remove_exactly_their_blocks(markdown: str, expected: list[str]) -> None:
    assert msgids(markdown) == expected


def test_comment_directive_comes_before_the_generated_context() -> None:
    [(_, _, _, comments)] = doc_of("<!-- i18n:comment: Keep the brand name. -->\nQuiet Kit rocks.\n")
    assert comments == ("Keep the brand name.", "paragraph", "kind: paragraph")


def test_multiline_comment_directive_becomes_one_line() -> None:
    [(_, _, _, comments)] = doc_of("<!-- i18n:comment: Keep\n     it short. -->\nText.\n")
    assert comments[0] == "Keep it short."


def test_stacked_directives_apply_to_the_same_block() -> None:
    [(_, msgid, ctx, comments)] = doc_of("<!-- i18n:context: menu -->\n<!-- i18n:comment: a label -->\nOpen\n")
    assert (msgid, ctx, comments[0]) == ("Open", "menu", "a label")


def test_context_applies_to_every_segment_of_a_list() -> None:
    found = doc_of("<!-- i18n:context: colours -->\n- Orange\n- Green\n\nOrange\n")
    assert [(m, c) for _, m, c, _ in found] == [("Orange", "colours"), ("Green", "colours"), ("Orange", None)]


@pytest.mark.parametrize(
    ("markdown", "line", "fragment"),
    [
        ("<!-- i18n:skip-start -->\nText\n", 1, "never closed"),
        ("Text\n\n<!-- i18n:skip-end -->\n", 3, "without an 'i18n:skip-start'"),
        ("<!-- i18n:skip-start -->\n\n<!-- i18n:skip-start -->\n\n<!-- i18n:skip-end -->\n", 3, "inside the skipped"),
        ("<!-- i18n:skipp -->\nText\n", 1, "unknown directive 'i18n:skipp'"),
        ("<!-- i18n:comment: -->\nText\n", 1, "needs a text"),
        ("<!-- i18n:context -->\nText\n", 1, "needs a text"),
        ("<!-- i18n:skip: why -->\nText\n", 1, "takes no text"),
        ("Text\n\n<!-- i18n:skip -->\n", 3, "not followed by a block"),
        ("- a\n  <!-- i18n:comment: x -->\n- b\n", 2, "not followed by a block"),
        ("<div>\n<!-- i18n:skip -->\n<p>x</p>\n</div>\n", 2, "must be a comment of its own"),
        ("Some text <!-- i18n:skip --> more\n", 1, "inside a paragraph"),
        ("<!-- i18n:comment: open\n\nText\n", 1, "not closed"),
    ],
)
def test_misused_directive_is_a_clear_error(markdown: str, line: int, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        segment_page(Page("p", "source/p.md", markdown))
    assert (info.value.path, info.value.line) == ("source/p.md", line)
    assert fragment in info.value.message
    assert info.value.hint


# --------------------------------------------------------------------------- context comments


@pytest.mark.parametrize(
    ("markdown", "msgid", "comments"),
    [
        ("---\ntitle: Home\n---\n", "Home", ("Home › front matter › title", "kind: front matter, key: title")),
        (
            "---\ndescription: Short\ntitle: Home\n---\n",
            "Short",
            ("Home › front matter › description", "kind: front matter, key: description"),
        ),
        ("# Top\n\n## Sub\n\n- x\n- y\n", "y", ("Top › Sub › list item 2", "kind: list item")),
        ("# Top\n\n1. a\n   1. deep\n", "deep", ("Top › list item 1.1", "kind: list item")),
        ("# Top\n\n## Sub\n", "Sub", ("Top › heading 2", "kind: heading")),
        ("| A | B |\n|---|---|\n| c | d |\n", "d", ("table cell 2", "kind: table cell")),
        ("> Said\n", "Said", ("block quote", "kind: block quote")),
        ("![A cat](/c.png)\n", "A cat", ("image alt text", "kind: image alt")),
        ('<img src="/c.png" alt="A dog">\n', "A dog", ("alt of <img>", "kind: html attribute, key: alt")),
        ("<div>\n<p>Words</p>\n</div>\n", "Words", ("html text", "kind: html text")),
    ],
)
def test_every_entry_says_where_it_is_and_what_it_is(markdown: str, msgid: str, comments: tuple[str, ...]) -> None:
    found = {m: c for _, m, _, c in doc_of(markdown)}
    assert found[msgid] == comments


def test_duplicate_text_gets_the_comments_of_every_place() -> None:
    doc = segment_page(Page("p", "source/p.md", "# A\n\nYes\n\n## B\n\nYes\n"))
    [message] = [m for m in make_template(doc, None, stamp=STAMP).messages if m.msgid == "Yes"]
    assert message.auto_comments == ("A › paragraph", "kind: paragraph", "A › B › paragraph")


def test_every_kind_has_a_kind_line() -> None:
    kinds = {k.value for k in Kind}
    for case in CASES:
        for seg in segment_page(golden_page(case)).segments:
            what = [c for c in seg.comments if c.startswith("kind: ")]
            assert len(what) == 1 and what[0][6:].split(",")[0] in kinds


# --------------------------------------------------------------------------- properties

SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)


def one_block(text: str) -> bool:
    """True when markdown reads ``text`` as a single top-level block (a list counts as one)."""
    return sum(1 for t in MD.parse(text) if t.level == 0 and t.nesting >= 0) == 1


BLOCKS = st.lists(blocks().filter(one_block), min_size=1, max_size=5)


@SETTINGS
@given(BLOCKS)
def test_comment_before_every_block_changes_no_msgid(parts: list[str]) -> None:
    plain = "\n\n".join(parts) + "\n"
    noted = "".join(f"<!-- i18n:comment: note -->\n{p}\n\n" for p in parts)
    before = segment_page(Page("p", "p.md", plain)).segments
    after = segment_page(Page("p", "p.md", noted)).segments
    assert [s.msgid for s in after] == [s.msgid for s in before]
    assert all(s.comments[0] == "note" for s in after)


@SETTINGS
@given(BLOCKS)
def test_skip_before_every_block_leaves_nothing_and_builds_the_english(parts: list[str]) -> None:
    text = "---\ntitle: Kept\n---\n\n" + "".join(f"<!-- i18n:skip -->\n{p}\n\n" for p in parts)
    doc = segment_page(Page("p", "p.md", text))
    assert [s.msgid for s in doc.segments] == ["Kept"]
    assert build_page(doc, {(None, "Kept"): "Bewaard"}).text == text.replace("title: Kept", "title: Bewaard")


@pytest.mark.parametrize(
    "translation",
    ["Hallo <!-- i18n:skip --> wereld.", "<!-- i18n:skip-end -->", "Hallo\n<!-- i18n:skip-start -->"],
)
def test_directive_typed_into_a_translation_falls_back_to_english(translation: str) -> None:
    doc = segment_page(Page("p", "source/p.md", "Hello world.\n\nSecond.\n"))
    built = build_page(doc, {(None, "Hello world."): translation})
    assert built.text == doc.page.text
    assert [s.msgid for s, _ in built.fallbacks] == ["Hello world."]
