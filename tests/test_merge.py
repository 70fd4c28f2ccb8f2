"""Update: msgmerge --previous semantics, smart carrying and pairing, never losing a translation, idempotent."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import pseudo
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import ConfigError
from pipeline.formats.po import parse_po
from pipeline.model import Catalog, Message
from pipeline.stages.changes import CARRYABLE, ChangeClass
from pipeline.stages.merge import Mode, Outcome, UpdateOptions, merge, similarity, update
from pipeline.workspace.settings import load


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


# --------------------------------------------------------------------------- smart mode: carrying


def test_url_change_is_carried_and_stays_translated() -> None:
    old = po(Message("Read [the plan](/plan).", "Lees [het plan](/plan)."))
    new = update(template("Read [the plan](/proposal)."), old, "nl")
    entry = by_id(new)["Read [the plan](/proposal)."]
    assert entry.msgstr == "Lees [het plan](/proposal)."
    assert not entry.fuzzy and entry.previous_msgid is None
    assert entry.comments == ('pipeline: carried url: "/plan" -> "/proposal"',)
    assert obsolete(new) == {}


def test_carry_keeps_translator_comments_and_replaces_an_older_carry_note() -> None:
    old = po(
        Message(
            "Read [it](/b).",
            "Lees [het](/b).",
            comments=("checked by Piet", 'pipeline: carried url: "/a" -> "/b"'),
        )
    )
    entry = by_id(update(template("Read [it](/c)."), old, "nl"))["Read [it](/c)."]
    assert entry.comments == ("checked by Piet", 'pipeline: carried url: "/b" -> "/c"')


def test_url_change_without_the_old_url_in_the_translation_is_fuzzy() -> None:
    old = po(Message("Read [it](/a).", "Lees het."))
    entry = by_id(update(template("Read [it](/b)."), old, "nl"))["Read [it](/b)."]
    assert entry.fuzzy and entry.msgstr == "Lees het." and entry.previous_msgid == "Read [it](/a)."


def test_number_change_is_fuzzy_by_default_and_carried_when_configured() -> None:
    old = po(Message("We met in 2023.", "Wij kwamen in 2023 bijeen."))
    assert by_id(update(template("We met in 2024."), old, "nl"))["We met in 2024."].fuzzy
    opts = UpdateOptions(auto_carry=frozenset({ChangeClass.NUMBER}))
    entry = by_id(update(template("We met in 2024."), old, "nl", opts))["We met in 2024."]
    assert not entry.fuzzy and entry.msgstr == "Wij kwamen in 2024 bijeen."


def test_msgmerge_mode_never_carries() -> None:
    old = po(Message("Read [it](/a).", "Lees [het](/a)."))
    entry = by_id(update(template("Read [it](/b)."), old, "nl", UpdateOptions(Mode.MSGMERGE)))["Read [it](/b)."]
    assert entry.fuzzy and entry.msgstr == "Lees [het](/a)."


def test_fuzzy_source_is_not_carried() -> None:
    old = po(Message("Read [it](/a).", "Lees [het](/a).", flags=("fuzzy",), previous_msgid="See [it](/a)."))
    entry = by_id(update(template("Read [it](/b)."), old, "nl"))["Read [it](/b)."]
    assert entry.fuzzy and entry.previous_msgid == "See [it](/a)."


def test_carried_update_is_idempotent() -> None:
    old = po(Message("Run `a` now.", "Draai `a` nu."))
    once = update(template("Run `b` now."), old, "nl")
    assert update(template("Run `b` now."), once, "nl") == once


def test_decisions_say_what_happened_to_each_entry() -> None:
    old = po(
        Message("Same.", "Zelfde."),
        Message("Read [it](/a).", "Lees [het](/a)."),
        Message("We march on Sunday.", "Wij lopen op zondag."),
    )
    merged = merge(template("Same.", "Read [it](/b).", "We march on Saturday.", "Brand new entry here"), old, "nl")
    assert [(d.outcome, d.change) for d in merged.decisions] == [
        (Outcome.KEPT, None),
        (Outcome.CARRIED, "url"),
        (Outcome.FUZZY, "text"),
        (Outcome.NEW, None),
    ]
    assert merged.decisions[1].source == (None, "Read [it](/a).")


# --------------------------------------------------------------------------- msgmerge semantics


def test_fuzzy_candidate_passes_on_its_own_previous_msgid() -> None:
    old = po(Message("Alpha beta gamma delta", "B", flags=("fuzzy",), previous_msgid="Alpha beta gamma old"))
    entry = by_id(update(template("Alpha beta gamma delta epsilon"), old, "nl"))["Alpha beta gamma delta epsilon"]
    assert entry.fuzzy and entry.previous_msgid == "Alpha beta gamma old"


def test_obsolete_entry_is_a_fuzzy_candidate() -> None:
    old = po(Message("Join our protest on Monday.", "Kom maandag.", obsolete=True))
    entry = by_id(update(template("Join our protest on Tuesday."), old, "nl"))["Join our protest on Tuesday."]
    assert entry.fuzzy and entry.msgstr == "Kom maandag."
    assert obsolete(update(template("Join our protest on Tuesday."), old, "nl")) == {}


def test_candidate_from_another_context_is_used() -> None:
    old = po(Message("Join our protest on Monday.", "Kom maandag.", msgctxt="menu"))
    entry = by_id(update(template("Join our protest on Tuesday."), old, "nl", UpdateOptions(Mode.MSGMERGE)))
    assert entry["Join our protest on Tuesday."].previous_msgctxt == "menu"


def test_similarity_is_gnu_fstrcmp_on_utf8_bytes() -> None:
    assert similarity("abcd", "abcd") == 1.0
    assert similarity("abcd", "abxy") == 0.5
    assert similarity("é", "e") == 0.0  # two bytes against one, nothing in common


MSGMERGE_OLD = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "We protest on Saturday in the city."
msgstr "A"

#, fuzzy
#| msgid "We protest on Sunday in the old town."
msgid "We protest on Sunday in the city center."
msgstr "B"

msgid "abcd efgh"
msgstr "first of a tie"

msgid "abcd efgx"
msgstr "second of a tie"

msgctxt "menu"
msgid "Contact the team"
msgstr "Neem contact op"

msgid "Untranslated but similar text here"
msgstr ""

#~ msgid "Join our protest on Monday in the city."
#~ msgstr "C"
"""

MSGMERGE_NEW = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "We protest on Sunday in the city centre."
msgstr ""

msgid "Join our protest on Monday in the town."
msgstr ""

msgid "abcd efgy"
msgstr ""

msgid "Contact the teams"
msgstr ""

msgid "Untranslated but similar text there"
msgstr ""

msgid "We protest on Saturday in the city."
msgstr ""
"""


def test_msgmerge_mode_matches_gnu_msgmerge(tmp_path: Path) -> None:
    (tmp_path / "old.po").write_text(MSGMERGE_OLD, encoding="utf-8")
    (tmp_path / "new.pot").write_text(MSGMERGE_NEW, encoding="utf-8")
    done = subprocess.run(
        ["msgmerge", "--previous", "--quiet", "-o", "-", str(tmp_path / "old.po"), str(tmp_path / "new.pot")],
        capture_output=True,
        text=True,
        check=True,
    )
    gnu = parse_po(done.stdout, "gnu.po")
    ours = update(
        parse_po(MSGMERGE_NEW, "new.pot"), parse_po(MSGMERGE_OLD, "old.po"), "nl", UpdateOptions(Mode.MSGMERGE)
    )

    def view(c: Catalog) -> list[tuple[object, ...]]:
        return [
            (m.obsolete, m.msgctxt, m.msgid, m.msgstr, m.fuzzy, m.previous_msgctxt, m.previous_msgid)
            for m in c.messages
        ]

    assert view(ours) == view(gnu)


# --------------------------------------------------------------------------- smart mode: structure first


def placed(msgid: str, where: str, msgstr: str = "") -> Message:
    return Message(msgid, msgstr, auto_comments=(where,), references=("p.md",))


def test_edited_item_pairs_with_its_vanished_source_not_a_more_similar_sibling() -> None:
    sibling, source = "Talk to your friends about AI risk.", "Talk to your family about the risk."
    edited = "Talk to your friends and family about AI risk."
    assert similarity(edited, sibling) > similarity(edited, source) >= 0.6  # the trap msgmerge falls into
    old = po(placed(sibling, "T › Act › list item 1", "VRIENDEN"), placed(source, "T › Act › list item 2", "FAMILIE"))
    tpl = Catalog(messages=(placed(sibling, "T › Act › list item 1"), placed(edited, "T › Act › list item 2")))
    assert by_id(update(tpl, old, "nl", UpdateOptions(Mode.MSGMERGE)))[edited].previous_msgid == sibling
    smart = by_id(update(tpl, old, "nl"))[edited]
    assert smart.fuzzy and smart.previous_msgid == source and smart.msgstr == "FAMILIE"


def test_edited_item_keeps_its_source_when_an_item_is_inserted_before_it() -> None:
    """A positional differ would pair the inserted item (now second) with the old second item."""
    a, b = "Bring a sign to the march.", "Bring water and food for the day."
    b2, inserted = "Bring water and snacks for the day.", "Bring water and a hat for the sun."
    old = po(placed(a, "T › Pack › list item 1", "BORD"), placed(b, "T › Pack › list item 2", "WATER"))
    tpl = Catalog(
        messages=(
            placed(a, "T › Pack › list item 1"),
            placed(inserted, "T › Pack › list item 2"),
            placed(b2, "T › Pack › list item 3"),
        )
    )
    merged = merge(tpl, old, "nl")
    assert by_id(merged.catalog)[b2].previous_msgid == b
    assert [d.outcome for d in merged.decisions] == [Outcome.KEPT, Outcome.FUZZY, Outcome.FUZZY]


def test_edited_item_pairs_with_its_own_section_when_texts_are_comparable() -> None:
    own = "We ask for a pause on the training."
    elsewhere = "We ask for a pause on the training of AI now."
    edited = "We ask for a pause on the training of AI."
    assert 0 < similarity(edited, elsewhere) - similarity(edited, own) < 0.04
    old = po(
        placed("Keep me", "T › Why › paragraph", "HOUDEN"),
        placed(own, "T › Why › list item 1", "EIGEN"),
        placed(elsewhere, "T › How › paragraph", "ELDERS"),
    )
    tpl = Catalog(messages=(placed(edited, "T › Why › list item 1"), placed("Keep me", "T › Why › paragraph")))
    assert by_id(update(tpl, old, "nl"))[edited].previous_msgid == own


def test_a_much_closer_text_elsewhere_wins_over_the_same_place() -> None:
    """Items renumbered: '2) Poster designer' became '1) Poster designer', the old first item went."""
    first, second = "1) Volunteer flyer writer (2 hrs/week)", "2) Volunteer poster designer (2 hrs/week)"
    renumbered = "1) Volunteer poster designer (2 hrs/week)"
    assert similarity(renumbered, first) >= 0.6
    old = po(
        placed(first, "T › Jobs › list item 1", "SCHRIJVER"), placed(second, "T › Jobs › list item 2", "ONTWERPER")
    )
    tpl = Catalog(messages=(placed(renumbered, "T › Jobs › list item 1"),))
    assert by_id(update(tpl, old, "nl"))[renumbered].previous_msgid == second


def test_a_near_copy_still_on_the_page_wins_over_a_distant_vanished_entry() -> None:
    present, vanished = "Why superintelligence is dangerous", "Even an aligned superintelligence is dangerous"
    new_heading = "Why a superintelligence is dangerous"
    old = po(placed(present, "T › heading 1", "WAAROM"), placed(vanished, "T › Risks › heading 2", "ZELFS"))
    tpl = Catalog(messages=(placed(present, "T › heading 1"), placed(new_heading, "T › Risks › heading 2")))
    assert by_id(update(tpl, old, "nl"))[new_heading].previous_msgid == present


def test_a_carryable_pair_wins_over_a_similar_text_pair() -> None:
    a, b = "Read [the plan](/plan) today.", "Read [the plans](/plan) today."
    old = po(placed(a, "T › list item 1", "LEES [HET PLAN](/plan) VANDAAG."), placed(b, "T › list item 2", "PLANNEN"))
    new_a = "Read [the plan](/proposal) today."
    tpl = Catalog(messages=(placed(new_a, "T › list item 1"),))
    entry = by_id(update(tpl, old, "nl"))[new_a]
    assert not entry.fuzzy and entry.msgstr == "LEES [HET PLAN](/proposal) VANDAAG."


# --------------------------------------------------------------------------- [update] settings


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("", UpdateOptions()),
        ('[update]\nmode = "msgmerge"\n', UpdateOptions(Mode.MSGMERGE)),
        (
            '[update]\nauto_carry = ["url", "number"]\n',
            UpdateOptions(auto_carry=frozenset({ChangeClass.URL, ChangeClass.NUMBER})),
        ),
        ("[update]\nauto_carry = []\n", UpdateOptions(auto_carry=frozenset())),
    ],
)
def test_update_settings(tmp_path: Path, toml: str, expected: UpdateOptions) -> None:
    (tmp_path / "pipeline.toml").write_text(toml, encoding="utf-8")
    assert load(tmp_path).update == expected


@pytest.mark.parametrize(
    ("toml", "line", "message"),
    [
        ('[update]\nauto_carry = ["text"]\n', 2, "text changes always need a translator"),
        ('[update]\nauto_carry = ["urls"]\n', 2, "unknown change class"),
        ('[update]\nauto_carry = "url"\n', 2, "must be a list of strings"),
        ('[update]\nmode = "fast"\n', 2, "is not a mode"),
        ('[update]\nauto_cary = ["url"]\n', 2, "unknown setting 'update.auto_cary'"),
    ],
)
def test_bad_update_settings_name_the_line(tmp_path: Path, toml: str, line: int, message: str) -> None:
    (tmp_path / "pipeline.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    assert info.value.line == line and message in str(info.value)


# --------------------------------------------------------------------------- properties with carries

MARKDOWN = st.sampled_from(
    [
        "Read [the plan](/plan).",
        "Read [the plan](/proposal).",
        "Read [the plan](/plan) today.",
        "Run `make sync` daily.",
        "Run `make test` daily.",
        "We met *twice* in 2023.",
        "We met _twice_ in 2023.",
        "We met _twice_ in 2024.",
        "<u>We met twice.</u>",
        "We met twice.",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(MARKDOWN, unique=True, max_size=5),
    st.lists(st.tuples(MARKDOWN, st.booleans(), st.booleans(), st.booleans()), max_size=5),
    st.sampled_from([UpdateOptions(), UpdateOptions(auto_carry=CARRYABLE), UpdateOptions(Mode.MSGMERGE)]),
)
def test_smart_update_is_idempotent_and_every_translation_is_kept_or_carried(
    new_ids: list[str], old_entries: list[tuple[str, bool, bool, bool]], opts: UpdateOptions
) -> None:
    seen: set[str] = set()
    entries = []
    for msgid, translated, fuzzy, obs in old_entries:
        if msgid in seen:
            continue
        seen.add(msgid)
        msgstr = pseudo(msgid) if translated else ""
        entries.append(
            Message(msgid, msgstr, flags=("fuzzy",) if fuzzy and msgstr else (), obsolete=obs and bool(msgstr))
        )
    old = po(*entries)
    merged = merge(template(*new_ids), old, "nl", opts)
    once = merged.catalog
    assert update(template(*new_ids), once, "nl", opts) == once
    kept = {m.msgstr for m in once.messages if m.msgstr}
    carried = {d.source for d in merged.decisions if d.outcome is Outcome.CARRIED}
    assert all(m.msgstr in kept or m.key in carried for m in old.messages if m.msgstr)
    for d in merged.decisions:
        if d.outcome is Outcome.CARRIED:
            assert by_id(once)[d.msgid].msgstr == pseudo(d.msgid)


def test_fuzzy_entry_drops_the_notes_of_an_earlier_carry() -> None:
    old = po(Message("Read [it](/b).", "Lees [het](/b).", comments=("mine", 'pipeline: carried url: "/a" -> "/b"')))
    entry = by_id(update(template("Read [this](/b)."), old, "nl"))["Read [this](/b)."]
    assert entry.fuzzy and entry.comments == ("mine",)
