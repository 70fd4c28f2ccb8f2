"""Hypothesis properties of the segmenter and build on generated markdown."""

from __future__ import annotations

from conftest import pseudo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.model import Page
from pipeline.segment.walker import segment_page
from pipeline.stages.build import build_page

WORDS = st.sampled_from(
    [
        "street",
        "school",
        "Café",
        "naïve",
        "über",
        "**bold**",
        "*em*",
        "`code`",
        "[link](/x#y)",
        "{count}",
        '<abbr title="t">AI</abbr>',
        "1.",
        "-",
        "#",
        "|",
        ">",
        "<",
        "&amp;",
        "🚸",
        "שלום",
        "日本語",
        "x\\|y",
        "![i](/i.png)",
    ]
)
LINE = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)
PARA = st.lists(LINE, min_size=1, max_size=4).map("\n".join)


@st.composite
def blocks(draw: st.DrawFn) -> str:
    kind = draw(
        st.sampled_from(["para", "head", "setext", "list", "olist", "quote", "table", "code", "html", "svelte"])
    )
    if kind == "para":
        return draw(PARA)
    if kind == "head":
        hid = draw(st.sampled_from(["", " {#custom-id}"]))
        return "#" * draw(st.integers(1, 6)) + " " + draw(LINE) + hid
    if kind == "setext":
        return draw(PARA) + "\n" + draw(st.sampled_from(["===", "---"]))
    if kind == "list":
        items = draw(st.lists(PARA, min_size=1, max_size=3))
        return "\n".join("- " + p.replace("\n", "\n  ") for p in items)
    if kind == "olist":
        items = draw(st.lists(LINE, min_size=1, max_size=3))
        nested = draw(st.booleans())
        return "\n".join(f"{i + 1}. {p}" + ("\n   - sub " + p if nested else "") for i, p in enumerate(items))
    if kind == "quote":
        return "\n".join("> " + ln for ln in draw(PARA).split("\n"))
    if kind == "table":
        rows = draw(st.lists(st.lists(LINE, min_size=2, max_size=2), min_size=1, max_size=3))
        head = "| " + " | ".join(w.replace("|", "\\|") for w in rows[0]) + " |"
        body = ["| " + " | ".join(w.replace("|", "\\|") for w in r) + " |" for r in rows[1:]]
        return "\n".join([head, "|---|---|", *body])
    if kind == "code":
        return "```\n" + draw(PARA) + "\n```"
    if kind == "html":
        return (
            '<div class="x">\n<p>'
            + draw(LINE)
            + '</p>\n<img alt="'
            + draw(st.sampled_from(["a cat", "x"]))
            + '">\n</div>'
        )
    return "{#if open}\n" + draw(PARA) + "\n{:else}\n" + draw(LINE) + "\n{/if}"


@st.composite
def documents(draw: st.DrawFn) -> str:
    parts = draw(st.lists(blocks(), min_size=1, max_size=6))
    fm = draw(st.sampled_from(["", "---\ntitle: " + "A title" + "\ndescription: 'It''s here'\n---\n\n"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return (fm + "\n\n".join(parts) + "\n").replace("\n", newline)


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(documents())
def test_identity_translation_rebuilds_generated_pages_exactly(text: str) -> None:
    doc = segment_page(Page("p", "p.md", text))
    built = build_page(doc, {(s.msgctxt, s.msgid): s.msgid for s in doc.segments})
    assert built.text == text


@SETTINGS
@given(documents())
def test_pseudo_translation_is_written_without_fallbacks(text: str) -> None:
    doc = segment_page(Page("p", "p.md", text))
    built = build_page(doc, {(s.msgctxt, s.msgid): pseudo(s.msgid) for s in doc.segments})
    reasons = [(s.line, s.msgid, r) for s, r in built.fallbacks]
    assert reasons == []
    again = segment_page(Page("p", "p.md", built.text))
    assert len(again.segments) == len(doc.segments)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300))
def test_segmenter_never_crashes_on_arbitrary_text(text: str) -> None:
    try:
        doc = segment_page(Page("p", "p.md", text))
    except InputError as exc:
        assert exc.path == "p.md" and exc.line
        return
    built = build_page(doc, {(s.msgctxt, s.msgid): s.msgid for s in doc.segments})
    assert built.text == text


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "---",
                "title: x",
                "- a",
                "> q",
                "| a |",
                "|---|",
                "```",
                "<div>",
                "</div>",
                "{#if a}",
                "  indented",
                "\t tab",
                "text",
                "",
                "#",
                "===",
                "<!--",
                "-->",
                "[r]: /u",
                "1) x",
                "<p>t</p>",
            ]
        ),
        max_size=15,
    ).map("\n".join)
)
def test_segmenter_never_crashes_on_markdown_fragments(text: str) -> None:
    try:
        doc = segment_page(Page("p", "p.md", text))
    except InputError:
        return
    built = build_page(doc, {(s.msgctxt, s.msgid): pseudo(s.msgid) for s in doc.segments})
    segment_page(Page("p", "p.md", built.text))
