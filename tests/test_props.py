"""Text inside components' JavaScript props (``<Tabs tabs={[{title: '…', content: `<h3>…</h3>`}]} />``):
the strings under translated keys and the HTML text runs inside literals are segments; the
JavaScript around them never reaches a translator and no translation can change it."""

from __future__ import annotations

import re

from conftest import pseudo

from pipeline.model import Kind, Page, Render
from pipeline.segment.jsx import strings
from pipeline.segment.walker import Options, segment_page
from pipeline.stages.build import build_page

PAGE = """---
title: Help
---

<script>
import Tabs from '$lib/Tabs.svelte'
</script>

Pick what suits you.

<Tabs tabs={[
{
\ttitle: 'Short',
\tcontent: `

<h3 class="x">A few minutes</h3>
<p>Read <a href="/faq">the answers</a> first.</p>
\t`
},
{
\ttitle: 'Long',
\ticon: 'clock',
\tcontent: `
<p>Write to your representative.</p>
\t`
}
]} />

The end.
"""


def _code(text: str) -> list[str]:
    """The JavaScript of the Tabs props with every string literal's content blanked."""
    start = text.index("{[")
    end = text.index("]}", start) + 2
    code = text[start:end]
    for s in reversed(strings(text, start, end)):
        code = code[: s.start - start] + "…" + code[s.end - start :]
    return [code]


def test_text_in_props_is_segmented_and_the_javascript_is_not() -> None:
    doc = segment_page(Page("help", "help.md", PAGE))
    got = [(s.kind, s.msgid) for s in doc.segments]
    assert got == [
        (Kind.FRONT_MATTER, "Help"),
        (Kind.PARAGRAPH, "Pick what suits you."),
        (Kind.HTML_ATTR, "Short"),
        (Kind.HTML_TEXT, "A few minutes"),
        (Kind.HTML_TEXT, 'Read <a href="/faq">the answers</a> first.'),
        (Kind.HTML_ATTR, "Long"),
        (Kind.HTML_TEXT, "Write to your representative."),
        (Kind.PARAGRAPH, "The end."),
    ]
    assert all("content:" not in s.msgid and "title:" not in s.msgid for s in doc.segments)


def test_uppercase_pseudo_translation_keeps_script_and_props_code_byte_identical() -> None:
    doc = segment_page(Page("help", "help.md", PAGE))
    built = build_page(doc, {(s.msgctxt, s.msgid): pseudo(s.msgid) for s in doc.segments})
    assert built.fallbacks == ()
    assert _code(built.text) == _code(PAGE)
    assert re.search(r"<script>.*?</script>", built.text, re.S).group(0) == re.search(  # type: ignore[union-attr]
        r"<script>.*?</script>", PAGE, re.S
    ).group(0)  # type: ignore[union-attr]
    assert "title: 'SHORT'" in built.text and '<h3 class="x">A FEW MINUTES</h3>' in built.text


def test_a_quote_in_a_translated_string_is_escaped_and_reads_back() -> None:
    doc = segment_page(Page("help", "help.md", PAGE))
    built = build_page(doc, {(None, "Short"): "L'essentiel"})
    assert built.fallbacks == ()
    assert "title: 'L\\'essentiel'" in built.text
    again = segment_page(Page("help", "help.md", built.text))
    assert any(s.msgid == "L'essentiel" and s.render is Render.JS_STRING for s in again.segments)


def test_a_translation_that_would_end_a_template_literal_is_refused() -> None:
    doc = segment_page(Page("help", "help.md", PAGE))
    built = build_page(doc, {(None, "Write to your representative."): "Schreib `hier` hin."})
    assert built.text == PAGE
    assert "would end the JavaScript string" in built.fallbacks[0][1]


def test_mdx_expression_props_too() -> None:
    text = "<LinkCard\n  title=\"Read more\"\n  links={[{ label: 'First steps', href: '/start/' }]}\n/>\n"
    options = Options(dialect="mdx", html_attributes=("title", "label"))
    doc = segment_page(Page("p", "p.mdx", text), options)
    assert [s.msgid for s in doc.segments] == ["Read more", "First steps"]
    built = build_page(doc, {(s.msgctxt, s.msgid): pseudo(s.msgid) for s in doc.segments}, options)
    assert built.text == text.replace("Read more", "READ MORE").replace("First steps", "FIRST STEPS")


def test_tags_without_text_in_props_are_read_as_before() -> None:
    text = "<Chart data={[1, 2,\n\n3]} />\n\nText.\n"
    assert [s.msgid for s in segment_page(Page("p", "p.md", text)).segments][-1] == "Text."


def test_every_string_of_a_listed_expression_prop_is_text() -> None:
    text = "<Grid\n  labels={{ copied: 'Copied!', icon: 'copy' }}\n  data={{ name: 'Not text' }}\n/>\n"
    options = Options(dialect="mdx", html_attributes=("labels",))
    assert [s.msgid for s in segment_page(Page("p", "p.mdx", text), options).segments] == ["Copied!", "copy"]
