"""Update: msgmerge --previous semantics, never losing a translation, idempotent."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.merge import update
from pipeline.model import Catalog, Message


def template(*msgids: str) -> Catalog:
    return Catalog(
        header=(("Project-Id-Version", "p"),), messages=tuple(Message(m, references=("p.md",)) for m in msgids)
    )


def po(*entries: Message) -> Catalog:
    return Catalog(header=(("Language", "nl"), ("Last-Translator", "Anna")), messages=entries)


def by_id(catalog: Catalog) -> dict[str, Message]:
    return {m.msgid: m for m in catalog.messages if not m.obsolete}


def obsolete(catalog: Catalog) -> dict[str, Message]:
    return {m.msgid: m for m in catalog.messages if m.obsolete}


def test_new_catalog_has_every_template_entry_untranslated() -> None:
    new = update(template("One", "Two"), None, "nl")
    assert [(m.msgid, m.msgstr) for m in new.messages] == [("One", ""), ("Two", "")]
    assert new.header_value("Language") == "nl"
    assert new.header_value("Plural-Forms") == "nplurals=2; plural=(n != 1);"


def test_unchanged_msgid_keeps_translation_and_translator_comment() -> None:
    old = po(Message("Hello", "Hallo", comments=("checked by Piet",)))
    new = update(template("Hello"), old, "nl")
    assert by_id(new)["Hello"].msgstr == "Hallo"
    assert by_id(new)["Hello"].comments == ("checked by Piet",)
    assert not by_id(new)["Hello"].fuzzy


def test_changed_msgid_becomes_fuzzy_with_previous() -> None:
    old = po(Message("We protest on Saturday.", "Wij protesteren op zaterdag."))
    new = update(template("We protest on Sunday."), old, "nl")
    entry = by_id(new)["We protest on Sunday."]
    assert entry.fuzzy
    assert entry.msgstr == "Wij protesteren op zaterdag."
    assert entry.previous_msgid == "We protest on Saturday."


def test_dissimilar_new_msgid_is_untranslated() -> None:
    old = po(Message("Completely different text here.", "Iets anders."))
    new = update(template("Join us"), old, "nl")
    assert by_id(new)["Join us"].msgstr == ""
    assert "Completely different text here." in obsolete(new)


def test_removed_entry_is_kept_obsolete_with_translation() -> None:
    old = po(Message("Keep", "Houden"), Message("Gone", "Weg"))
    new = update(template("Keep"), old, "nl")
    assert obsolete(new)["Gone"].msgstr == "Weg"


def test_obsolete_entry_comes_back_when_its_msgid_returns() -> None:
    old = po(Message("Back", "Terug", obsolete=True))
    new = update(template("Back"), old, "nl")
    assert by_id(new)["Back"].msgstr == "Terug"
    assert obsolete(new) == {}


def test_fuzzy_entry_stays_fuzzy_with_its_previous_msgid() -> None:
    old = po(Message("New text", "Oude tekst", flags=("fuzzy",), previous_msgid="Old text"))
    new = update(template("New text"), old, "nl")
    entry = by_id(new)["New text"]
    assert entry.fuzzy and entry.previous_msgid == "Old text"


def test_untranslated_removed_entry_is_dropped() -> None:
    old = po(Message("Nothing yet", ""))
    assert update(template("Other"), old, "nl").messages == (Message("Other", references=("p.md",)),)


def test_header_of_translators_is_kept_ours_updated() -> None:
    old = po(Message("A", "B"))
    tpl = replace(
        template("A"), header=(("Project-Id-Version", "page"), ("POT-Creation-Date", "2026-01-01 10:00+0000"))
    )
    new = update(tpl, old, "nl")
    assert new.header_value("Last-Translator") == "Anna"
    assert new.header_value("POT-Creation-Date") == "2026-01-01 10:00+0000"


def test_template_is_not_mutated() -> None:
    tpl = template("A")
    before = repr(tpl)
    update(tpl, po(Message("A", "B")), "nl")
    assert repr(tpl) == before


TEXT = st.sampled_from(
    [
        "We march on Sunday.",
        "We march on Saturday.",
        "Join us",
        "Join us today",
        "Donate",
        "Contact",
        "The street is closed to cars.",
        "The street is open to cars.",
        "FAQ",
        "About us",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(TEXT, unique=True, max_size=6),
    st.lists(st.tuples(TEXT, st.sampled_from(["", "X", "Y"]), st.booleans(), st.booleans()), max_size=6),
)
def test_update_is_idempotent_and_never_loses_a_translation(
    new_ids: list[str], old_entries: list[tuple[str, str, bool, bool]]
) -> None:
    seen: set[str] = set()
    entries = []
    for msgid, msgstr, fuzzy, obs in old_entries:
        if msgid in seen:
            continue
        seen.add(msgid)
        entries.append(
            Message(msgid, msgstr, flags=("fuzzy",) if fuzzy and msgstr else (), obsolete=obs and bool(msgstr))
        )
    old = po(*entries)
    once = update(template(*new_ids), old, "nl")
    twice = update(template(*new_ids), once, "nl")
    assert twice == once
    kept = {m.msgstr for m in once.messages if m.msgstr}
    assert {m.msgstr for m in old.messages if m.msgstr} <= kept
    assert [m.msgid for m in once.messages if not m.obsolete] == new_ids
