"""Hugo pages (``[site] dialect = "markdown"``, TOML front matter): shortcodes are structure.

A line that is one shortcode (``{{% notice tip %}}``, ``{{< /tabs >}}``) is never in a msgid,
the text between an opening and a closing one is a segment of its own, listed named
parameters (``title="…"``) are segments like HTML attributes, and an inline shortcode stays
in its sentence, where a translation must keep it unchanged.
"""

from __future__ import annotations

from pipeline.model import Kind, Page
from pipeline.segment.walker import Options, segment_page
from pipeline.stages.build import build_page

PAGE = """+++
title = "Garden notes"
+++

# Planting

{{< figure src="/img/beans.png" title="Beans on a pole" alt=`A row of beans` >}}

Sow after the frost, see {{< ref "calendar.md" >}} and {{% hint %}}the moon{{% /hint %}}.

{{% notice tip %}}
Water in the morning.
Never at noon.
{{% /notice %}}

{{< tabs >}}
{{< tab name="Clay" >}}
Clay keeps water.
{{< /tab >}}
{{< /tabs >}}
"""

OPTIONS = Options(dialect="markdown", html_attributes=("alt", "title"))


def _doc():  # type: ignore[no-untyped-def]
    return segment_page(Page("garden", "source/garden.md", PAGE), OPTIONS)


def test_shortcode_lines_are_structure_and_their_listed_parameters_are_segments() -> None:
    doc = _doc()
    msgids = [s.msgid for s in doc.segments]
    assert msgids == [
        "Garden notes",
        "Planting",
        "Beans on a pole",
        "A row of beans",
        'Sow after the frost, see {{< ref "calendar.md" >}} and {{% hint %}}the moon{{% /hint %}}.',
        "Water in the morning. Never at noon.",
        "Clay keeps water.",
    ]
    assert not any(m.startswith("{{") for m in msgids)
    params = [s for s in doc.segments if s.kind is Kind.HTML_ATTR]
    assert [(s.key, s.line) for s in params] == [("title", 7), ("alt", 7)]
    assert "title of the shortcode figure" in " ".join(params[0].comments)


def test_identity_build_is_byte_exact_and_translations_keep_the_shortcodes() -> None:
    doc = _doc()
    assert build_page(doc, {}, OPTIONS).text == PAGE
    table = {(s.msgctxt, s.msgid): s.msgid.upper().replace("{{< REF", "{{< ref") for s in doc.segments}
    table = {k: v for k, v in table.items() if "{{" not in k[1]}
    inline = 'Sow after the frost, see {{< ref "calendar.md" >}} and {{% hint %}}the moon{{% /hint %}}.'
    table[(None, inline)] = 'Zaai na de vorst, zie {{< ref "calendar.md" >}} en {{% hint %}}de maan{{% /hint %}}.'
    built = build_page(doc, table, OPTIONS)
    assert list(built.fallbacks) == []
    assert '{{< figure src="/img/beans.png" title="BEANS ON A POLE" alt=`A ROW OF BEANS` >}}' in built.text
    assert "{{% notice tip %}}\nWATER IN THE MORNING.\nNEVER AT NOON.\n{{% /notice %}}" in built.text
    assert '{{< tab name="Clay" >}}\nCLAY KEEPS WATER.\n{{< /tab >}}' in built.text
    assert 'zie {{< ref "calendar.md" >}} en {{% hint %}}de maan{{% /hint %}}.' in built.text


def test_a_parameter_translation_that_would_end_its_go_string_is_refused() -> None:
    doc = _doc()
    title, alt = (s for s in doc.segments if s.kind is Kind.HTML_ATTR)
    for seg, bad in ((title, 'Bonen aan een "stok"'), (alt, "Een rij `bonen`"), (title, "Bonen }} {{< x >}}")):
        built = build_page(doc, {(seg.msgctxt, seg.msgid): bad}, OPTIONS)
        assert len(built.fallbacks) == 1, bad  # cannot be written there (or, with a shortcode, unsafe)
        assert built.text == PAGE
    built = build_page(doc, {(title.msgctxt, title.msgid): "Bonen aan een „stok“"}, OPTIONS)
    assert 'title="Bonen aan een „stok“"' in built.text


def test_a_translation_may_not_change_or_add_a_shortcode() -> None:
    doc = _doc()
    inline = next(s for s in doc.segments if "{{< ref" in s.msgid)
    for bad in (
        'Zaai, zie {{< ref "other.md" >}} en {{% hint %}}de maan{{% /hint %}}.',
        'Zaai, zie {{< ref "calendar.md" >}} en {{% hint %}}de maan{{% /hint %}} {{< script >}}.',
    ):
        built = build_page(doc, {(inline.msgctxt, inline.msgid): bad}, OPTIONS)
        assert len(built.fallbacks) == 1, bad
        assert built.text == PAGE
