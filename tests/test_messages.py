"""UI strings in inlang message files: JSON reader/writer, template, build, import and checks (pure core)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.formats import po
from pipeline.model import Catalog, Message
from pipeline.stages.merge import update
from pipeline.workspace.messages import (
    MessageSource,
    build_messages,
    catalog_findings,
    format_json,
    import_catalog,
    make_template,
    orphan_warnings,
    parse_json,
    placeholders,
    problems,
    update_catalog,
)

SPEC = MessageSource("messages", "messages/en.json", "messages/{locale}.json")
OMIT = replace(SPEC, fallback="omit")

ENGLISH = """{
\t"$schema": "https://inlang.com/schema/inlang-message-format",
\t"menu__instructions": "Menu words: keep them short.",
\t"menu_home": "Home",
\t"menu_join__instructions": "An invitation, not an order.",
\t"menu_join": "Join",
\t"footer_join": "Join",
\t"greeting": "Hello {name}, welcome back!",
\t"banner": "We walk <b>every</b> day",
\t"blank": ""
}
"""


def english(text: str = ENGLISH) -> tuple[Catalog, object]:
    file = parse_json(text, "messages/en.json")
    return make_template(SPEC, file, None, "2025-01-01 00:00+0000"), file


def translated(template: Catalog, table: dict[str, str], fuzzy: tuple[str, ...] = ()) -> Catalog:
    """A PO catalog for the template with the given msgstr per key (msgctxt)."""
    return replace(
        template,
        messages=tuple(
            replace(m, msgstr=table.get(m.msgctxt or "", ""), flags=("fuzzy",) if m.msgctxt in fuzzy else ())
            for m in template.messages
        ),
    )


# --------------------------------------------------------------------------- JSON reader


def test_reader_keeps_file_order_and_the_line_of_each_key() -> None:
    file = parse_json(ENGLISH, "messages/en.json")
    assert [e.key for e in file.entries][:3] == ["$schema", "menu__instructions", "menu_home"]
    assert [e.line for e in file.entries][:3] == [2, 3, 4]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ('{\n\t"a": "x",\n\t"b": "y"\n\t"c": "z"\n}\n', 4, "invalid JSON"),
        ('{\n\t"a": "x",\n}\n', 3, "invalid JSON"),
        ('{\n\t"a": "x",\n\t"b":\n\t\t{"one": "1"}\n}\n', 4, "is an object, not a string"),
        ('{\n\t"a": "x",\n\t"b": 3\n}\n', 3, "is a number, not a string"),
        ('{\n\t"a": "x",\n\t"b": null\n}\n', 3, "is null, not a string"),
        ('{\n\t"a": "x",\n\t"b": ["x"]\n}\n', 3, "is an array, not a string"),
        ('{\n\t"a": "x",\n\t"b": "y",\n\t"a": "z"\n}\n', 4, "duplicate key 'a' (first at line 2)"),
        ('[\n\t"a"\n]\n', 1, "must be one JSON object"),
        ('{\n\t"a": "\\ud800"\n}\n', 2, "lone surrogate"),
        ("", 1, "invalid JSON"),
    ],
    ids=[
        "missing-comma",
        "trailing-comma",
        "nested-object",
        "number",
        "null",
        "array",
        "duplicate-key",
        "top-level-array",
        "lone-surrogate",
        "empty-file",
    ],
)
def test_bad_message_file_is_an_input_error_at_its_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_json(text, "messages/en.json")
    err = caught.value
    assert (err.path, err.line) == ("messages/en.json", line)
    assert fragment in str(err) and err.hint


@pytest.mark.parametrize(
    "text",
    [
        '{\n\t"a": "x",\n\t"b": "y"\n}\n',
        '{\n  "a": "x",\n  "b": "y"\n}\n',
        '{\n    "a": "x",\n    "b": "y"\n}',
        '{\r\n\t"a": "x",\r\n\t"b": "y"\r\n}\r\n',
        '{"a": "x", "b": "y"}\n',
        '{"a":"x","b":"y"}',
        '{\n\t"a": "caf\\u00e9 \\"quoted\\" \\\\ back"\n}\n',
        '{\n\t"a": "café — naïve 🚸"\n}\n',
        "{}\n",
    ],
    ids=[
        "tabs",
        "two-spaces",
        "four-no-final-newline",
        "crlf",
        "one-line",
        "compact",
        "ascii-escapes",
        "utf8",
        "empty",
    ],
)
def test_writer_reproduces_the_layout_it_read(text: str) -> None:
    file = parse_json(text, "m.json")
    assert format_json([(e.key, e.value) for e in file.entries], file.style) == text


# --------------------------------------------------------------------------- template


def test_template_has_one_entry_per_key_with_the_key_as_context() -> None:
    template, _ = english()
    assert [(m.msgctxt, m.msgid) for m in template.messages] == [
        ("menu_home", "Home"),
        ("menu_join", "Join"),
        ("footer_join", "Join"),
        ("greeting", "Hello {name}, welcome back!"),
        ("banner", "We walk <b>every</b> day"),
    ]


def test_instructions_become_comments_never_msgids() -> None:
    template, _ = english()
    comments = {m.msgctxt: m.auto_comments for m in template.messages}
    assert comments["menu_join"] == (
        "For every key starting with 'menu': Menu words: keep them short.",
        "An invitation, not an order.",
    )
    assert comments["footer_join"] == ()
    assert all("instructions" not in (m.msgctxt or "") for m in template.messages)
    assert all(m.msgid != "An invitation, not an order." for m in template.messages)


def test_multi_line_instructions_become_one_comment_line_each() -> None:
    text = '{\n\t"a__instructions": "first\\nsecond ends in \\\\",\n\t"a": "x"\n}\n'
    template, _ = english(text)
    assert template.messages[0].auto_comments == ("first", "second ends in \\ .")
    assert po.parse_po(po.format_po(template), "t.pot").messages[0].auto_comments == template.messages[0].auto_comments


def test_instructions_for_no_key_are_reported() -> None:
    file = parse_json('{\n\t"gone__instructions": "old note",\n\t"a": "x"\n}\n', "messages/en.json")
    assert orphan_warnings(SPEC, file) == [
        "messages/en.json:2: warning: 'gone__instructions' matches no key (nor keys starting with 'gone'); "
        "translators will not see it"
    ]


def test_template_written_and_read_back_is_the_same_catalog() -> None:
    template, _ = english()
    again = po.parse_po(po.format_po(template), "messages.pot")
    assert [(m.msgctxt, m.msgid, m.auto_comments, m.references) for m in again.messages] == [
        (m.msgctxt, m.msgid, m.auto_comments, m.references) for m in template.messages
    ]


# --------------------------------------------------------------------------- build


def test_build_keeps_english_order_and_schema_and_falls_back_to_english() -> None:
    template, file = english()
    catalog = translated(template, {"menu_join": "Doe mee", "greeting": "Hallo {name}, welkom terug!"})
    built = build_messages(SPEC, file, catalog)  # type: ignore[arg-type]
    assert json.loads(built.text) == {
        "$schema": "https://inlang.com/schema/inlang-message-format",
        "menu_home": "Home",
        "menu_join": "Doe mee",
        "footer_join": "Join",
        "greeting": "Hallo {name}, welkom terug!",
        "banner": "We walk <b>every</b> day",
        "blank": "",
    }
    assert list(json.loads(built.text)) == [e.key for e in file.entries if "__" not in e.key]  # type: ignore[attr-defined]
    assert built.used == 2 and built.fallbacks == ()


def test_build_with_fallback_omit_leaves_untranslated_keys_out() -> None:
    template, file = english()
    built = build_messages(OMIT, file, translated(template, {"menu_join": "Doe mee"}))  # type: ignore[arg-type]
    assert json.loads(built.text) == {
        "$schema": "https://inlang.com/schema/inlang-message-format",
        "menu_join": "Doe mee",
        "blank": "",
    }


def test_build_uses_no_fuzzy_translation() -> None:
    template, file = english()
    catalog = translated(template, {"menu_home": "Start"}, fuzzy=("menu_home",))
    assert json.loads(build_messages(SPEC, file, catalog).text)["menu_home"] == "Home"  # type: ignore[arg-type]


def test_build_refuses_a_translation_that_breaks_a_placeholder() -> None:
    template, file = english()
    catalog = translated(template, {"greeting": "Hallo {naam}!"})
    built = build_messages(SPEC, file, catalog)  # type: ignore[arg-type]
    assert json.loads(built.text)["greeting"] == "Hello {name}, welcome back!"
    assert [(m.msgctxt, reason.split("]")[0]) for m, reason in built.fallbacks] == [("greeting", "[placeholder")]


def test_build_with_identity_translations_is_the_english_file_without_instructions() -> None:
    template, file = english()
    identity = translated(template, {m.msgctxt or "": m.msgid for m in template.messages})
    expected = "".join(line for line in ENGLISH.splitlines(keepends=True) if "__instructions" not in line)
    assert build_messages(SPEC, file, identity).data == expected.encode()  # type: ignore[arg-type]


def test_build_is_deterministic_and_keeps_a_byte_order_mark() -> None:
    template, _ = english()
    file = parse_json(ENGLISH, "messages/en.json", bom=True)
    first = build_messages(SPEC, file, template)
    assert first.data.startswith("\ufeff{".encode())
    assert build_messages(SPEC, file, template).data == first.data


# --------------------------------------------------------------------------- import


NL = """{
\t"$schema": "https://inlang.com/schema/inlang-message-format",
\t"menu__instructions": "Menuwoorden: kort houden.",
\t"menu_home": "Home",
\t"menu_join": "Doe mee",
\t"greeting": "Hallo {name}, welkom terug!",
\t"old_key": "Weg",
\t"banner": ""
}
"""


def test_import_pairs_by_key_and_leaves_english_copies_untranslated() -> None:
    template, _ = english()
    result = import_catalog(template, SPEC, parse_json(NL, "messages/nl.json"), "nl")
    got = {m.msgctxt: (m.msgstr, m.fuzzy) for m in result.catalog.messages}
    assert got == {
        "menu_home": ("", False),
        "menu_join": ("Doe mee", False),
        "footer_join": ("", False),
        "greeting": ("Hallo {name}, welkom terug!", False),
        "banner": ("", False),
    }
    assert (result.translated, result.same, result.missing, result.instructions) == (2, 1, 2, 1)
    assert [(e.key, e.line) for e in result.extra] == [("old_key", 7)]
    assert result.catalog.header_value("Language") == "nl"


def test_import_never_takes_translated_instructions() -> None:
    template, _ = english()
    result = import_catalog(template, SPEC, parse_json(NL, "messages/nl.json"), "nl")
    text = po.format_po(result.catalog)
    assert "Menuwoorden" not in text
    assert "#. For every key starting with 'menu': Menu words: keep them short." in text


def test_import_keeps_existing_translations_and_fills_only_gaps() -> None:
    template, _ = english()
    existing = translated(template, {"menu_join": "Meedoen"})
    result = import_catalog(template, SPEC, parse_json(NL, "messages/nl.json"), "nl", existing)
    got = {m.msgctxt: m.msgstr for m in result.catalog.messages}
    assert got["menu_join"] == "Meedoen" and got["greeting"] == "Hallo {name}, welkom terug!"
    assert result.kept == 1


# --------------------------------------------------------------------------- checks


@pytest.mark.parametrize(
    ("msgid", "msgstr", "codes"),
    [
        ("Hello {name}!", "Hallo {name}!", []),
        ("Hello {name}!", "Hallo { name }!", []),
        ("Hello {name}!", "Hallo!", ["placeholder"]),
        ("Hello {name}!", "Hallo {naam}!", ["placeholder"]),
        ("Hello {name}!", "Hallo {name} {name}!", ["placeholder"]),
        ("Use \\{braces\\}", "Gebruik \\{accolades\\}", []),
        ("{count} walks in {city}", "In {city}: {count} wandelingen", []),
        ("We need a <u>pause</u>", "<u>Pauze</u> nodig", []),
        ("We need a <u>pause</u>", "Een pauze nodig", ["markup"]),
        ("We need a <u>pause</u>", "Een <b>pauze</b> nodig", ["unsafe", "markup"]),
        ("We need a <u>pause</u>", "Een </u>pauze<u> nodig", ["markup"]),
        ('See <a href="/faq">FAQ</a>', 'Zie <a href="/nl/faq">FAQ</a>', ["markup"]),
        ('See <a href="/faq" title="Questions">FAQ</a>', 'Zie <a title="Vragen" href="/faq">FAQ</a>', []),
        ("Line<br>break", "Regel<br>breuk", []),
        ("Hello", "Hallo <script>alert(1)</script>", ["unsafe", "markup"]),
        ("Hello", '<span onclick="x()">Hallo</span>', ["unsafe", "markup"]),
        ("Plain text", "", []),
    ],
    ids=[
        "same-placeholder",
        "placeholder-spacing",
        "placeholder-missing",
        "placeholder-renamed",
        "placeholder-doubled",
        "escaped-braces-are-text",
        "placeholders-reordered",
        "tag-moved-and-leading",
        "tag-dropped",
        "tag-swapped",
        "tags-out-of-order",
        "link-target-changed",
        "attribute-text-may-change",
        "void-tag",
        "script-added",
        "handler-added",
        "empty-msgstr",
    ],
)
def test_problems_of_a_translation(msgid: str, msgstr: str, codes: list[str]) -> None:
    assert [p.code for p in problems(msgid, msgstr)] == codes


def test_placeholders_are_counted_not_just_collected() -> None:
    assert placeholders("{a} and {a} and \\{b\\}") == {"{a}": 2}


def test_findings_point_at_the_msgstr_line_of_the_entry_in_the_po_file() -> None:
    template, _ = english()
    catalog = po.parse_po(po.format_po(translated(template, {"greeting": "Hallo!"})), "locales/nl/messages.po")
    findings = catalog_findings(catalog, "locales/nl/messages.po")
    assert [(f.path, f.line, f.code, f.severity.value) for f in findings] == [
        ("locales/nl/messages.po", catalog.messages[3].msgstr_lineno, "placeholder", "error")
    ]
    assert findings[0].message.startswith("greeting: the translation lacks {name}")


def test_findings_ignore_fuzzy_and_untranslated_entries() -> None:
    template, _ = english()
    catalog = translated(template, {"greeting": "Hallo!"}, fuzzy=("greeting",))
    assert catalog_findings(catalog, "x.po") == []


# --------------------------------------------------------------------------- properties

KEYS = st.text(st.characters(codec="utf-8", exclude_characters="\x00\x04"), min_size=1, max_size=12)
VALUES = st.text(st.characters(codec="utf-8", exclude_characters="\x00\x04"), max_size=40)
STYLES = st.sampled_from([("\t", True), ("  ", True), ("    ", False), (None, True), (None, False)])


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=8), STYLES, st.booleans())
def test_identity_build_of_any_message_file_is_the_file_without_instructions(
    pairs: dict[str, str], style: tuple[str | None, bool], ascii_only: bool
) -> None:
    indent, final = style
    text = json.dumps(pairs, indent=indent, ensure_ascii=ascii_only, separators=(",", ": "))
    text += "\n" if final else ""
    file = parse_json(text, "messages/en.json")
    template = make_template(SPEC, file, None, "2025-01-01 00:00+0000")
    identity = replace(template, messages=tuple(replace(m, msgstr=m.msgid) for m in template.messages))
    kept = {k: v for k, v in pairs.items() if not (k.endswith("__instructions") and k != "__instructions")}
    built = build_messages(SPEC, file, identity)
    assert json.loads(built.text) == kept
    if kept == pairs:
        assert built.text == text
    again = po.parse_po(po.format_po(template), "messages.pot")
    assert [(m.msgctxt, m.msgid) for m in again.messages] == [(m.msgctxt, m.msgid) for m in template.messages]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60), st.text(max_size=60))
def test_problems_never_crash(msgid: str, msgstr: str) -> None:
    problems(msgid, msgstr)


def test_message_equality_ignores_line_numbers() -> None:
    assert Message("a", lineno=3) == Message("a")


# --------------------------------------------------------------------------- update


def test_update_keeps_a_keys_translation_as_fuzzy_however_much_its_english_changed() -> None:
    old_template, _ = english()
    old = translated(old_template, {"menu_home": "Start", "footer_join": "Meedoen"})
    new_template, _ = english(ENGLISH.replace('"Home"', '"Front page"'))
    merged = update_catalog(new_template, old, "nl")
    home = next(m for m in merged.messages if m.msgctxt == "menu_home")
    assert (home.msgstr, home.fuzzy, home.previous_msgid) == ("Start", True, "Home")
    assert not any(m.obsolete for m in merged.messages)
    assert update(new_template, old, "nl").messages[-1].obsolete  # plain msgmerge semantics would drop it to #~


def test_update_never_moves_a_translation_to_another_key() -> None:
    old_template, _ = english()
    old = translated(old_template, {"footer_join": "Meedoen"})
    new_template, _ = english(ENGLISH.replace('\t"footer_join": "Join",\n', '\t"footer_signup": "Join",\n'))
    merged = update_catalog(new_template, old, "nl")
    assert next(m for m in merged.messages if m.msgctxt == "footer_signup").msgstr == ""
    gone = next(m for m in merged.messages if m.msgctxt == "footer_join")
    assert gone.obsolete and gone.msgstr == "Meedoen"
