"""The segmenter: what becomes a msgid, of which kind, and what stays structure."""

from __future__ import annotations

import pytest

from pipeline.errors import InputError
from pipeline.model import Kind, Page
from pipeline.segment.walker import Options, segment_page


def segs(text: str, **opts: tuple[str, ...]) -> list[tuple[str, str]]:
    doc = segment_page(Page("p", "source/p.md", text), Options(**opts))  # type: ignore[arg-type]
    return [(s.kind.value, s.msgid) for s in doc.segments]


def msgids(text: str) -> list[str]:
    return [m for _, m in segs(text)]


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Hello world.\n", [("paragraph", "Hello world.")]),
        ("One line\nsecond line\n", [("paragraph", "One line second line")]),
        ("Hard  \nbreak\n", [("paragraph", "Hard\nbreak")]),
        ("Back\\\nslash\n", [("paragraph", "Back\nslash")]),
        ("# Title\n", [("heading", "Title")]),
        ("## Title ##\n", [("heading", "Title")]),
        ("## Why we act {#why}\n", [("heading", "Why we act")]),
        ("Setext\nover two\n===\n", [("heading", "Setext over two")]),
        ("- one\n- two\n  continued\n", [("list item", "one"), ("list item", "two continued")]),
        ("1. a\n   - nested b\n", [("list item", "a"), ("list item", "nested b")]),
        ("> quoted\n> text\n", [("block quote", "quoted text")]),
        ("> quoted\nlazy line\n", [("block quote", "quoted lazy line")]),
        (
            "| A | B |\n|---|---|\n| x \\| y | `z` |\n",
            [("table cell", "A"), ("table cell", "B"), ("table cell", "x \\| y")],
        ),
        ("![A cat on a mat](/cat.png)\n", [("image alt", "A cat on a mat")]),
        ("See ![icon](/i.png) here.\n", [("paragraph", "See ![icon](/i.png) here.")]),
        ("Read [the guide](/guide#start) now.\n", [("paragraph", "Read [the guide](/guide#start) now.")]),
        ('Use <abbr title="x">AI</abbr> well.\n', [("paragraph", 'Use <abbr title="x">AI</abbr> well.')]),
    ],
)
def test_markdown_constructs_become_segments(markdown: str, expected: list[tuple[str, str]]) -> None:
    assert segs(markdown) == expected


@pytest.mark.parametrize(
    "markdown",
    [
        "```\nsome code\n```\n",
        "~~~python\nprint('hi')\n~~~\n",
        "    indented code\n",
        "<script>\nconst greeting = 'hello'\n</script>\n",
        "<style>\np { color: red }\n</style>\n",
        "<!-- a comment with words -->\n",
        '<SignupForm list="news" />\n',
        "{#if open}\n\n{/if}\n",
        "---\n",
        "`only code`\n",
        "<https://example.org>\n",
        "12345\n",
    ],
)
def test_structure_is_not_translatable(markdown: str) -> None:
    assert msgids(markdown) == []


def test_svelte_block_lines_split_a_paragraph() -> None:
    text = "{#if member}\nWelcome back.\n{:else}\nPlease join.\n{/if}\n"
    assert msgids(text) == ["Welcome back.", "Please join."]


def test_svelte_expression_stays_inside_text() -> None:
    assert msgids("We have {count} members.\n") == ["We have {count} members."]


def test_front_matter_values_in_document_order() -> None:
    text = "---\ndescription: Second\ntitle: 'It''s first'\ndate: 2024-01-01\n---\n\nBody.\n"
    assert segs(text) == [("front matter", "Second"), ("front matter", "It's first"), ("paragraph", "Body.")]


def test_front_matter_folded_and_block_scalars() -> None:
    text = "---\ntitle: A long\n  folded title\ndescription: >\n  Folded block\n  text.\n---\n"
    assert msgids(text) == ["A long folded title", "Folded block text."]


def test_front_matter_keys_are_configurable_and_dotted() -> None:
    text = "---\ntitle: T\nseo:\n  summary: Nested text\ntags: [one, two]\n---\n"
    assert msgids_with(text, ("seo.summary", "tags")) == ["Nested text", "one", "two"]


def msgids_with(text: str, keys: tuple[str, ...]) -> list[str]:
    return [m for _, m in segs(text, front_matter=keys)]


def test_front_matter_rule_is_not_a_setext_heading() -> None:
    # Without cutting the front matter off, `---` would make "title: x" a setext heading.
    assert segs("---\ntitle: x\n---\nText\n") == [("front matter", "x"), ("paragraph", "Text")]


def test_html_block_text_runs_and_attributes() -> None:
    text = (
        '<div class="callout">\n<p>Join <a href="/join">our team</a> today.</p>\n'
        '<img src="/x.png" alt="A street" title="Quiet">\n</div>\n'
    )
    assert segs(text) == [
        ("html text", 'Join <a href="/join">our team</a> today.'),
        ("html attribute", "A street"),
        ("html attribute", "Quiet"),
    ]


def test_html_wrapper_tags_are_peeled() -> None:
    assert msgids("<p><em>Only emphasis here</em></p>\n") == ["Only emphasis here"]


def test_script_inside_html_block_is_skipped() -> None:
    text = '<div>\n<p>Tweet text</p> <script async src="https://x/w.js"></script>\n</div>\n'
    assert msgids(text) == ["Tweet text"]


def test_component_with_text_content() -> None:
    assert msgids('<Button href="/join">\nJoin the campaign\n</Button>\n') == ["Join the campaign"]


def test_heading_ids_follow_github_slugger() -> None:
    text = "# Intro\n\n## FAQ\n\n## FAQ\n\n## Own id {#mine}\n\n## FAQ\n\n## Café & *más*!\n"
    doc = segment_page(Page("p", "p.md", text))
    assert [h.anchor for h in doc.headings] == ["intro", "faq", "faq-1", "mine", "faq-2", "café--más"]
    assert [h.explicit for h in doc.headings] == [False, False, False, True, False, False]


def test_duplicate_text_yields_two_segments_one_msgid() -> None:
    assert msgids("- Yes\n- Yes\n") == ["Yes", "Yes"]


def test_context_comment_has_title_heading_path_and_position() -> None:
    text = "---\ntitle: Guide\n---\n\n## Start\n\n### Steps\n\n- a\n- b\n"
    doc = segment_page(Page("p", "p.md", text))
    assert doc.segments[-1].comments == ("Guide › Start › Steps › list item 2", "kind: list item")


def test_crlf_page_segments_like_lf_page() -> None:
    lf = "---\ntitle: T\n---\n\n# Head\n\nOne\ntwo\n\n- item\n"
    crlf = lf.replace("\n", "\r\n")
    assert msgids(crlf) == msgids(lf)
    doc = segment_page(Page("p", "p.md", crlf))
    for seg in doc.segments:
        for piece in seg.pieces:
            assert "\r" not in crlf[piece.start : piece.end]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("---\ntitle: [unclosed\n---\n", 3, "not valid YAML"),
        ("---\ntitle: x\n", 1, "never closed"),
        ("---\n- a\n- b\n---\n", 2, "must be a mapping"),
    ],
)
def test_bad_front_matter_is_a_clear_error(text: str, line: int, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        segment_page(Page("p", "source/p.md", text))
    assert info.value.path == "source/p.md"
    assert info.value.line == line
    assert fragment in info.value.message
    assert info.value.hint


def test_pieces_cover_exactly_the_msgid_text() -> None:
    text = "> Quote line one\n> and two\n\n- item\n  more\n\n| a | b |\n|---|---|\n| c | d |\n"
    doc = segment_page(Page("p", "p.md", text))
    for seg in doc.segments:
        joined = " ".join(text[p.start : p.end] for p in seg.pieces)
        assert joined == seg.msgid
    assert {s.kind for s in doc.segments} == {Kind.QUOTE, Kind.LIST_ITEM, Kind.TABLE_CELL}


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ('<Button href="/join">Join the campaign</Button>\n', "Join the campaign"),
        ("<span>Whole line</span>\n", "Whole line"),
        ("<strong>Bold</strong> start only\n", "<strong>Bold</strong> start only"),
        ("<b>one</b> and <b>two</b>\n", "<b>one</b> and <b>two</b>"),
        ("<em> padded </em>\n", "<em> padded </em>"),
    ],
)
def test_tag_wrapping_a_whole_paragraph_is_left_out(markdown: str, expected: str) -> None:
    assert msgids(markdown) == [expected]


def test_duplicate_msgids_share_one_template_entry() -> None:
    from pipeline.stages.extract import make_template

    doc = segment_page(Page("p", "source/p.md", "- Yes\n- No\n- Yes\n"))
    template = make_template(doc, None, "2026-01-01 00:00+0000")
    assert [m.msgid for m in template.messages] == ["Yes", "No"]
    assert template.messages[0].references == ("source/p.md",)


def test_front_matter_after_blank_lines_is_front_matter() -> None:
    # mdsvex reads it as front matter; so must we, or the YAML would become a setext heading
    assert segs("\n\n---\ntitle: Hallo\n---\n\nTekst.\n") == [("front matter", "Hallo"), ("paragraph", "Tekst.")]


def test_bad_yaml_after_blank_lines_points_at_its_own_line() -> None:
    with pytest.raises(InputError) as info:
        segment_page(Page("p", "source/p.md", "\n\n---\ntitle: [oops\n---\n"))
    assert info.value.line == 5
