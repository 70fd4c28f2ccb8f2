"""Hostile translations never reach a built page: build refuses them and the English stays.

Each attack string is the msgstr of a paragraph whose English carries a link, an HTML link
and a Svelte expression (so the attack cannot hide behind markup the English has). Build
must emit the English page byte for byte and record an ``unsafe:`` fallback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import Run, write

from pipeline.formats import po
from pipeline.model import Kind, Page
from pipeline.segment.walker import segment_page
from pipeline.stages.build import build_page
from pipeline.stages.safety import unsafe_reason

PAGE = """---
title: Join us
---

# Join us today

Read [our plan](/plan) and <a href="/join">join us</a> today; {count} people did.

- Bring a friend.

| Day | Place |
|---|---|
| Monday | School gate |

<div class="box">
<p>Walk with us.</p>
<img src="/a.png" alt="Children walking">
</div>

![A calm street](/street.png)
"""
PARAGRAPH = 'Read [our plan](/plan) and <a href="/join">join us</a> today; {count} people did.'
KEEP = 'Lees [ons plan](/plan) en <a href="/join">doe mee</a>; {count} mensen deden het.'

ATTACKS: list[tuple[str, str]] = [
    # (name, msgstr)
    ("script tag", KEEP + " <script>alert(1)</script>"),
    ("script tag in mixed case", KEEP + " <ScRiPt>alert(1)</sCrIpT>"),
    ("script tag hidden by entities", KEEP + " &lt;script&gt;alert(1)&lt;/script&gt;"),
    ("script tag hidden by double entities", KEEP + " &amp;lt;script&amp;gt;alert(1)"),
    ("script tag split by a zero-width space", KEEP + " <scr\u200bipt>alert(1)</script>"),
    ("script tag in full-width brackets", KEEP + " ＜script＞alert(1)＜/script＞"),
    ("img with onerror", KEEP + " <img src=x onerror=alert(1)>"),
    ("handler added to the English link", KEEP.replace('href="/join"', 'href="/join" onclick="steal()"')),
    ("handler in upper case with blanks", KEEP.replace('href="/join"', 'href="/join" ONMOUSEOVER = "x()"')),
    ("handler after a slash", KEEP.replace('<a href="/join">', '<a/href="/join"/onfocus=x()>')),
    ("handler in an unclosed tag", KEEP + " <img src=x onerror=alert(1)"),
    ("svelte on: directive", KEEP + " <svelte:window on:load={() => alert(1)} />"),
    ("javascript: link", KEEP.replace("](/plan)", "](javascript:alert(1))")),
    ("javascript: link in mixed case", KEEP.replace("](/plan)", "](JaVaScRiPt:alert(1))")),
    ("javascript: link split by a tab", KEEP.replace("](/plan)", "](java\tscript:alert(1))")),
    ("javascript: link by decimal entity", KEEP.replace("](/plan)", "](&#106;avascript:alert(1))")),
    ("javascript: link by hex entities", KEEP.replace("](/plan)", "](&#x6A;&#x61;vascript&#58;alert(1))")),
    ("javascript: link with an entity tab", KEEP.replace("](/plan)", "](java&#x09;script:alert(1))")),
    ("javascript: in the English HTML link", KEEP.replace('href="/join"', 'href="javascript:alert(1)"')),
    ("javascript: after a blank in href", KEEP.replace('href="/join"', 'href=" javascript:alert(1)"')),
    ("markdown autolink to javascript:", KEEP + " <javascript:alert(1)>"),
    ("reference definition to javascript:", KEEP + "\n[x]: javascript:alert(1)"),
    ("vbscript: link", KEEP.replace("](/plan)", "](vbscript:msgbox(1))")),
    ("data: link", KEEP.replace("](/plan)", "](data:text/html;base64,PHNjcmlwdD4=)")),
    ("data: image", KEEP + " ![x](data:image/svg+xml,<svg onload=alert(1)>)"),
    ("iframe", KEEP + " <iframe src=//evil.example></iframe>"),
    ("iframe in upper case, unclosed", KEEP + " <IFRAME SRC=x>"),
    ("object", KEEP + " <object data=x></object>"),
    ("embed", KEEP + " <embed src=x>"),
    ("svg with animate handler", KEEP + " <svg><animate onbegin=alert(1)>"),
    ("style tag", KEEP + " <style>body{display:none}</style>"),
    ("meta refresh", KEEP + " <meta http-equiv=refresh content=0;url=//evil.example>"),
    ("form", KEEP + " <form action=//evil.example><button>ok</button></form>"),
    ("harmless-looking HTML the English lacks", KEEP + " <b>vet</b>"),
    ("style attribute on the English link", KEEP.replace('href="/join"', 'href="/join" style="position:fixed"')),
    ("HTML comment", KEEP + " <!-- hidden -->"),
    ("svelte {@html}", KEEP + " {@html '<img src=x onerror=alert(1)>'}"),
    ("svelte expression", KEEP + " {alert(document.cookie)}"),
    ("svelte expression changed", KEEP.replace("{count}", "{count + fetch('//evil')}")),
    ("svelte expression hidden by entities", KEEP + " &#123;alert(1)&#125;"),
    ("svelte block", KEEP + " {#if true}x{/if}"),
    # issue 20, case 3: link destinations as CommonMark reads them (backslash escapes, entities, <...>)
    ("javascript: link with an escaped colon", KEEP.replace("](/plan)", "](javascript\\:alert(1))")),
    ("javascript: image with an escaped colon", KEEP + " ![x](javascript\\:alert(1))"),
    ("javascript: link in angle brackets, escaped", KEEP.replace("](/plan)", "](<javascript\\:alert(1)>)")),
    ("javascript: link with escaped parentheses", KEEP.replace("](/plan)", "](javascript\\:alert\\(1\\))")),
    ("javascript: link by &colon;", KEEP.replace("](/plan)", "](javascript&colon;alert(1))")),
    ("javascript: link by entity and escape", KEEP.replace("](/plan)", "](&#x6A;avascript\\:alert(1))")),
    ("reference definition, escaped colon", KEEP + "\n[x]: javascript\\:alert(1)"),
    ("reference definition in angle brackets", KEEP + "\n[x]: <javascript\\:alert(1)>"),
]


def test_attack_table_is_large_enough() -> None:
    assert len(ATTACKS) >= 20


@pytest.mark.parametrize(("name", "msgstr"), ATTACKS, ids=[name for name, _ in ATTACKS])
def test_attack_is_not_emitted_and_english_falls_back(name: str, msgstr: str) -> None:
    doc = segment_page(Page("join", "join.md", PAGE))
    built = build_page(doc, {(None, PARAGRAPH): msgstr})
    assert built.text == PAGE
    assert [(seg.msgid, reason.split(":")[0]) for seg, reason in built.fallbacks] == [(PARAGRAPH, "unsafe")]


def test_safe_translation_of_the_same_paragraph_is_emitted() -> None:
    doc = segment_page(Page("join", "join.md", PAGE))
    built = build_page(doc, {(None, PARAGRAPH): KEEP})
    assert KEEP in built.text and not built.fallbacks


def test_script_moved_out_of_english_code_is_refused() -> None:
    assert unsafe_reason("Use the `<script>` tag.", "Gebruik de `<script>` tag.") is None
    assert unsafe_reason("Use the `<script>` tag.", "Gebruik de <script> tag.") == (
        "adds HTML <script> that the English does not have"
    )


def test_javascript_moved_from_english_code_into_a_link_is_refused() -> None:
    reason = unsafe_reason("Avoid `javascript:void(0)` links.", "Vermijd [links](javascript:void(0)).")
    assert reason == "adds a javascript: URL that the English does not have"


def test_escaped_english_html_cannot_become_real_html() -> None:
    assert unsafe_reason("The &lt;script&gt; tag.", "De &lt;script&gt; tag.") is None
    assert unsafe_reason("The &lt;script&gt; tag.", "De <script> tag.") is not None


@pytest.mark.parametrize(
    ("construct", "msgid", "msgstr"),
    [
        ("heading", "Join us today", "Doe mee <script>alert(1)</script>"),
        ("list item", "Bring a friend.", "Neem een vriend mee <img src=x onerror=alert(1)>."),
        ("table cell", "School gate", "[Schoolpoort](javascript:alert(1))"),
        ("html text", "Walk with us.", "Loop mee <iframe src=x></iframe>."),
        ("html attribute", "Children walking", "Kinderen <script>alert(1)</script>"),
        ("image alt", "A calm street", "Een straat {alert(1)}"),
        ("front matter", "Join us", "<script>alert(1)</script>"),
    ],
)
def test_attack_is_refused_in_every_construct(construct: str, msgid: str, msgstr: str) -> None:
    doc = segment_page(Page("join", "join.md", PAGE))
    built = build_page(doc, {(None, msgid): msgstr})
    assert built.text == PAGE, construct
    assert [r.split(":")[0] for _, r in built.fallbacks] == ["unsafe"]


def test_quote_in_an_attribute_translation_cannot_break_out_of_it() -> None:
    doc = segment_page(Page("join", "join.md", PAGE))
    built = build_page(doc, {(None, "Children walking"): 'x" onload="alert(1)'})
    assert 'alt="x&quot; onload=&quot;alert(1)"' in built.text and not built.fallbacks


@pytest.mark.parametrize(
    "msgstr",
    [
        KEEP,
        '{count} mensen deden het: <a href="/join">doe mee</a> en lees [ons plan](/plan).',
        'Lees [ons plan](/plan) & <a href="/join">doe mee</a>; {count} mensen, minder dan 10 < 20.',
        'De data: [ons plan](/plan), <a href="/join">lid</a>, {count}.',
        'Ons doel = veiligheid: [plan](/plan), <a href="/join">mee</a>, {count}.',
        'Lees [ons plan](/plan) en <a href="/join">doe mee</a>; {count} mensen 🚸 שלום.',
    ],
)
def test_ordinary_translations_are_not_flagged(msgstr: str) -> None:
    assert unsafe_reason(PARAGRAPH, msgstr) is None


def test_braces_in_front_matter_are_text_not_code() -> None:
    assert unsafe_reason("Join us", "{Doe()} mee", Kind.FRONT_MATTER) is None
    assert unsafe_reason("Join us", "{Doe()} mee") is not None


def test_trailing_heading_id_is_allowed_only_on_headings() -> None:
    assert unsafe_reason("Why", "Waarom {#waarom}", Kind.HEADING) is None
    assert unsafe_reason("Why", "Waarom {#waarom}", Kind.PARAGRAPH) is not None


def test_sync_keeps_every_attack_off_the_built_page(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tmp_path
    write(root / "source" / "join.md", PAGE)
    (root / "locales" / "nl").mkdir(parents=True)
    assert run(root, "sync").code == 0
    po_file = root / "locales" / "nl" / "join.po"
    catalog = po.read_po(po_file)
    attacks = iter(msgstr for _, msgstr in ATTACKS if "\n" not in msgstr)
    msgs = tuple(replace(m, msgstr=next(attacks).replace(KEEP, m.msgid)) for m in catalog.messages)
    po.write_po(po_file, replace(catalog, messages=msgs))
    result = run(root, "sync")
    assert result.code == 0, result.err
    assert (root / "build" / "nl" / "join.md").read_text(encoding="utf-8") == PAGE
    lines = {m.msgid: m.msgstr_lineno for m in po.read_po(po_file).messages}
    warnings = [ln for ln in result.err.splitlines() if "[fallback]" in ln]
    assert len(warnings) == len(msgs)
    for m in msgs:
        assert any(w.startswith(f"locales/nl/join.po:{lines[m.msgid]}: warning: [fallback]") for w in warnings)
    assert all("English kept: unsafe: adds" in w for w in warnings)


def test_front_matter_yaml_tags_never_run_code(tmp_path: Path, run: Callable[..., Run]) -> None:
    marker = tmp_path / "pwned"
    page = f'---\ntitle: !!python/object/apply:os.system ["touch {marker}"]\ndescription: Hi\n---\n\nText.\n'
    write(tmp_path / "site" / "source" / "index.md", page)
    (tmp_path / "site" / "locales" / "nl").mkdir(parents=True)
    result = run(tmp_path / "site", "sync")
    assert result.code == 0, result.err  # the tag is data to a safe loader: never constructed
    assert not marker.exists()
    assert (tmp_path / "site" / "build" / "nl" / "index.md").read_text() == page


@pytest.mark.parametrize(
    "msgstr",
    [
        "[plan]: javascript\\:alert(1)",
        "[plan]:\n  <javascript\\:alert(1)>",
        "[PLAN]: javascript&colon;alert\\(1\\)",
    ],
)
def test_whole_paragraph_reference_definition_to_javascript_is_refused(msgstr: str) -> None:
    # The translation turns the paragraph into a definition that redefines the English [plan].
    english = "Read [our plan][plan] today."
    page = f"# Join\n\n{english}\n\n[plan]: /plan\n"
    doc = segment_page(Page("join", "join.md", page))
    built = build_page(doc, {(None, english): msgstr})
    assert built.text == page
    assert [r for _, r in built.fallbacks] == ["unsafe: adds a javascript: URL that the English does not have"]


def test_ui_string_with_an_escaped_javascript_link_is_refused() -> None:
    assert unsafe_reason("Read the plan", "[Lees](javascript\\:alert(1))", markdown=False) is not None
    assert unsafe_reason("Read the plan", "[Lees](<javascript\\:alert(1)>)", markdown=False) is not None
    from pipeline.workspace.messages import problems

    assert [p.code for p in problems("Read the plan", "[Lees](javascript\\:alert(1))")] == ["unsafe"]


def test_ui_strings_are_not_markdown_but_get_the_same_rules() -> None:
    # markdown=False (UI messages): a leading tag the English has is no HTML block, additions still count.
    assert unsafe_reason("<b>Join</b> now", "<b>Doe</b> mee", markdown=False) is None
    assert unsafe_reason("Join now", "<b>Doe</b> mee", markdown=False) == "adds HTML <b> that the English does not have"
    assert unsafe_reason("Hi {name}", "Hoi {naam}", markdown=False) is None  # placeholders: not code here
    assert unsafe_reason("Hi", '<a href="javascript:x()">Hoi</a>', markdown=False) is not None


@pytest.mark.parametrize(
    "msgstr",
    [
        KEEP.replace("{count}", "{aantal}"),  # renamed
        KEEP.replace("{count}", "{count} {count}"),  # doubled
        KEEP.replace("{count}", "veel"),  # dropped
        KEEP.replace("{count}", "{Count}"),  # case changed
        KEEP + " &#123;secret&#125;",  # added behind entities
    ],
)
def test_changed_placeholder_is_not_built_but_is_no_attack(msgstr: str) -> None:
    doc = segment_page(Page("join", "join.md", PAGE))
    built = build_page(doc, {(None, PARAGRAPH): msgstr})
    assert built.text == PAGE
    assert [reason for _, reason in built.fallbacks] == ["its {placeholders} differ from the English ones"]
    assert unsafe_reason(PARAGRAPH, msgstr) is None  # check reports it under its own code


ANGLE_EN = "Botnets such as [Mirai](<https://en.wikipedia.org/wiki/Mirai_(malware)>) took down sites."


@pytest.mark.parametrize(
    "msgstr",
    [
        "Botnets zoals [Mirai](<https://nl.wikipedia.org/wiki/Mirai_(malware)>) legden sites plat.",
        'Botnets zoals [Mirai]( <https://nl.wikipedia.org/wiki/Mirai_(malware)> "titel") legden sites plat.',
        "Botnets zoals [Mirai][m] legden sites plat.\n\n[m]: <https://nl.wikipedia.org/wiki/Mirai>",
        "Botnets zoals [Mirai](</nl/mirai-(malware)>) legden sites plat.",
    ],
)
def test_changed_angle_bracket_link_destination_is_a_link_not_html(msgstr: str) -> None:
    assert unsafe_reason(ANGLE_EN, msgstr) is None


@pytest.mark.parametrize(
    ("msgstr", "reason"),
    [
        ("Zoals [Mirai](<img src=x onerror=alert(1)>) deden.", "event handler (onerror=)"),
        ("Zoals [Mirai](<javascript:alert(1)>) deden.", "javascript: URL"),
        ("Zoals [Mirai](<b>) deden.", "HTML <b>"),
    ],
)
def test_angle_bracket_destination_that_reads_as_html_or_script_is_still_refused(msgstr: str, reason: str) -> None:
    got = unsafe_reason(ANGLE_EN, msgstr)
    assert got is not None and reason in got


# --- terminal control sequences (issue 20, case 6)

HOSTILE = "\x1b[2J\x1b]0;pwned\x07\x1b[8mhidden\x1b[0m\x9b31m\x85\r\x08"
"""Clear screen, window title, hidden text, an 8-bit CSI, NEL, carriage return, backspace."""


def _bare_controls(text: str) -> list[str]:
    """Control characters (C0 but tab and newline, DEL, C1) left after our own colour codes."""
    import re as _re

    plain = _re.sub(r"\x1b\[[0-9;]*m", "", text)  # SGR colours that rich writes with --color always
    return sorted({c for c in plain if (ord(c) < 0x20 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F})


def test_control_characters_are_escaped_in_every_output(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tmp_path
    write(root / "source" / "join.md", PAGE)
    (root / "locales" / "nl").mkdir(parents=True)
    assert run(root, "sync").code == 0
    po_file = root / "locales" / "nl" / "join.po"
    catalog = po.read_po(po_file)
    msgs = []
    for m in catalog.messages:
        if m.msgid == "Bring a friend.":  # fuzzy: shown by diff
            m = replace(m, msgstr="Neem " + HOSTILE, flags=("fuzzy",), previous_msgid="Bring friends.")
        elif m.msgid == "School gate":  # unsafe: reported by sync and check, its reason quoting the code
            m = replace(m, msgstr="{" + HOSTILE + "}")
        msgs.append(m)
    po.write_po(po_file, replace(catalog, messages=tuple(msgs)))
    outputs = {
        "sync": run(root, "sync"),
        "diff": run(root, "diff"),
        "diff --color always": run(root, "diff", "--color", "always"),
        "check": run(root, "check"),
        "check --format github": run(root, "check", "--format", "github"),
        "check --format json": run(root, "check", "--format", "json"),
    }
    assert "pwned" in outputs["diff"].out and "pwned" in outputs["check"].out  # shown, not dropped
    for name, result in outputs.items():
        assert _bare_controls(result.out) == [], (name, result.out)
        assert _bare_controls(result.err) == [], (name, result.err)
    assert "\\u001b]0;pwned\\u0007" in outputs["diff"].out
    import json

    findings = json.loads(outputs["check --format json"].out)["findings"]
    assert any("\x1b" in f["message"] or "\\u001b" in f["message"] for f in findings)


def test_printable_escapes_controls_but_tab_and_newline() -> None:
    from pipeline.cli.terminal import printable

    assert printable("a\tb\nc") == "a\tb\nc"
    assert printable("\x1b[2J\x07\x7f\x9b\x85é€") == "\\u001b[2J\\u0007\\u007f\\u009b\\u0085é€"


# --- a refusal at build fails check (issue 20, case 9)


def test_structure_refusal_at_build_is_a_blocking_check_finding(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tmp_path
    write(root / "pipeline.toml", '[check.codes]\npage-missing = "off"\n')  # the page's links lead nowhere here
    write(root / "source" / "join.md", PAGE)
    (root / "locales" / "nl").mkdir(parents=True)
    assert run(root, "sync").code == 0
    po_file = root / "locales" / "nl" / "join.po"
    catalog = po.read_po(po_file)
    msgs = tuple(
        replace(m, msgstr="Neem een vriend mee\n---") if m.msgid == "Bring a friend." else m for m in catalog.messages
    )
    po.write_po(po_file, replace(catalog, messages=msgs))
    synced = run(root, "sync")
    assert "would change the page structure" in synced.err
    line = next(m.msgstr_lineno for m in po.read_po(po_file).messages if m.msgid == "Bring a friend.")
    result = run(root, "check")
    assert result.code == 1, result.out + result.err
    assert f"locales/nl/join.po:{line}: error [build-refused] " in result.out, result.out
    github = run(root, "check", "--format", "github")
    assert f"::error file=locales/nl/join.po,line={line},title=build-refused::" in github.out
    write(root / "pipeline.toml", '[check.codes]\npage-missing = "off"\nbuild-refused = "warning"\n')  # on purpose
    assert run(root, "check").code == 0


def test_braces_inside_javascript_strings_do_not_join_expressions() -> None:
    """``{`Map<{ a: `}[Link](/x){`; b }>`}``: two expressions around a link, each holding an
    unbalanced brace inside a template literal (as a type signature in docs is written). A
    translation that localizes the link between them adds no code; one that changes the code
    inside an expression, or adds an expression, is refused."""
    english = "**type:** <code>{`Map<{ name: string; icon: `}[Icon](/reference/icons/){`; url: string }>`}</code>"
    localized = english.replace("type:", "Typ:").replace("](/reference/", "](/de/reference/")
    assert unsafe_reason(english, localized) is None
    changed = localized.replace("icon: `}", "icon: ` + alert(1)}")
    assert unsafe_reason(english, changed) is not None
    added = localized + " {alert(1)}"
    assert unsafe_reason(english, added) is not None
    # quotes outside an expression are prose: an apostrophe does not open a string
    assert unsafe_reason("It's {count} of {total}'s items", "Het is {count} van {total}'s items") is None
    assert unsafe_reason("It's {count} items", "Het is {count} items {'x'+alert(1)}") is not None
