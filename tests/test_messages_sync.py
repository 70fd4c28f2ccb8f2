"""Message files end to end through the CLI: sync, import, check, status, bad input, and the real corpus."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import Run, corpus_dir, git, msgcat_stable, msgfmt_check, write

from pipeline.formats import po

CONFIG = """locales = ["nl", "de"]

[[messages]]
source = "messages/en.json"
output = "messages/{locale}.json"
"""

ENGLISH = """{
\t"$schema": "https://inlang.com/schema/inlang-message-format",
\t"nav__instructions": "Keep menu words short.",
\t"nav_home": "Home",
\t"nav_join": "Join",
\t"footer_join": "Join",
\t"thanks": "Thanks, {name}!",
\t"title": "Calm <b>streets</b>"
}
"""


def message_site(root: Path, config: str = CONFIG, english: str = ENGLISH) -> Path:
    write(root / "source" / "index.md", "# Welcome\n\nWe walk to school.\n")
    write(root / "messages" / "en.json", english)
    write(root / "pipeline.toml", config)
    return root


def translate(path: Path, table: dict[str, str]) -> None:
    """Set msgstrs by key (msgctxt) in a PO file, through the one PO writer."""
    catalog = po.read_po(path)
    messages = tuple(
        replace(m, msgstr=table[m.msgctxt], flags=()) if m.msgctxt in table else m for m in catalog.messages
    )
    po.write_po(path, replace(catalog, messages=messages))


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the project but the run's own state in ``.pipeline/`` (lock, caches)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".pipeline" not in p.relative_to(root).parts
    }


def test_sync_writes_template_catalogs_and_message_files(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path)
    result = run(root, "sync")
    assert result.code == 0, result.err
    assert "1 message file" in result.out
    for path in ("locales/templates/messages.pot", "locales/nl/messages.po", "locales/de/messages.po"):
        msgfmt_check(root / path)
        msgcat_stable(root / path)
    english_without_notes = ENGLISH.replace('\t"nav__instructions": "Keep menu words short.",\n', "")
    assert (root / "messages/nl.json").read_text() == english_without_notes


def test_translator_edits_po_and_sync_writes_translated_json(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path)
    run(root, "sync")
    translate(root / "locales/nl/messages.po", {"nav_join": "Doe mee", "thanks": "Bedankt, {name}!"})
    assert run(root, "sync").code == 0
    built = json.loads((root / "messages/nl.json").read_text())
    assert built["nav_join"] == "Doe mee" and built["footer_join"] == "Join"
    assert built["thanks"] == "Bedankt, {name}!"
    assert json.loads((root / "messages/de.json").read_text())["nav_join"] == "Join"


def test_sync_twice_leaves_git_status_clean(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path)
    git(root, "init", "-q")
    assert run(root, "sync").code == 0
    translate(root / "locales/nl/messages.po", {"nav_join": "Doe mee"})
    assert run(root, "sync").code == 0
    git(root, "add", "-A")
    git(root, "commit", "-qm", "sync")
    again = run(root, "sync")
    assert "0 written" in again.out
    assert git(root, "status", "--porcelain") == ""


def test_english_change_makes_fuzzy_and_removed_key_stays_obsolete(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path)
    run(root, "sync")
    translate(root / "locales/nl/messages.po", {"nav_join": "Doe mee", "title": "Rustige <b>straten</b>"})
    write(
        root / "messages/en.json",
        ENGLISH.replace('"Join",\n\t"footer', '"Take part",\n\t"footer')
        .replace('\t"title": "Calm <b>streets</b>"\n', '\t"other": "Other"\n')
        .replace('"Thanks, {name}!",', '"Thanks, {name}!",'),
    )
    assert run(root, "sync").code == 0
    catalog = po.read_po(root / "locales/nl/messages.po")
    join = next(m for m in catalog.messages if m.msgctxt == "nav_join")
    assert join.fuzzy and join.msgstr == "Doe mee" and join.previous_msgid == "Join"
    title = next(m for m in catalog.messages if m.msgctxt == "title")
    assert title.obsolete and title.msgstr == "Rustige <b>straten</b>"
    assert json.loads((root / "messages/nl.json").read_text())["nav_join"] == "Take part"


def test_fallback_omit_writes_only_translated_keys(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path, CONFIG + 'fallback = "omit"\n')
    run(root, "sync")
    translate(root / "locales/nl/messages.po", {"nav_home": "Start"})
    run(root, "sync")
    assert json.loads((root / "messages/nl.json").read_text()) == {
        "$schema": "https://inlang.com/schema/inlang-message-format",
        "nav_home": "Start",
    }


def test_build_command_reads_message_catalogs_from_disk(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path)
    run(root, "sync")
    translate(root / "locales/nl/messages.po", {"nav_home": "Start"})
    assert run(root, "build").code == 0
    assert json.loads((root / "messages/nl.json").read_text())["nav_home"] == "Start"


def test_refused_translation_warns_with_po_line_and_keeps_english(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path)
    run(root, "sync")
    translate(root / "locales/nl/messages.po", {"thanks": "Bedankt!"})
    result = run(root, "sync")
    assert json.loads((root / "messages/nl.json").read_text())["thanks"] == "Thanks, {name}!"
    line = next(m.msgstr_lineno for m in po.read_po(root / "locales/nl/messages.po").messages if m.msgctxt == "thanks")
    assert f"locales/nl/messages.po:{line}: warning: [fallback] English kept: [placeholder]" in result.err


# --------------------------------------------------------------------------- import


NL = """{
\t"$schema": "https://inlang.com/schema/inlang-message-format",
\t"nav__instructions": "Menuwoorden kort houden.",
\t"nav_home": "Home",
\t"nav_join": "Doe mee",
\t"thanks": "Bedankt, {name}!",
\t"retired": "Oud"
}
"""


def test_import_then_build_gives_back_the_translations(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path)
    source = write(tmp_path / "old-nl.json", NL)
    result = run(root, "import", "--locale", "nl", "--messages", str(source))
    assert result.code == 0, result.err
    assert "2 translated, 1 equal to the English" in result.out
    assert "old-nl.json:7: warning: key 'retired' is not in messages/en.json" in result.err
    assert run(root, "sync").code == 0
    built = json.loads((root / "messages/nl.json").read_text())
    assert built["nav_join"] == "Doe mee" and built["thanks"] == "Bedankt, {name}!" and built["nav_home"] == "Home"
    assert "retired" not in built and "nav__instructions" not in built
    text = (root / "locales/nl/messages.po").read_text()
    assert "Menuwoorden" not in text and "#. For every key starting with 'nav': Keep menu words short." in text
    msgfmt_check(root / "locales/nl/messages.po")
    msgcat_stable(root / "locales/nl/messages.po")


def test_import_refuses_to_replace_translations_without_merge(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path)
    run(root, "sync")
    translate(root / "locales/nl/messages.po", {"nav_join": "Meedoen"})
    source = write(tmp_path / "old-nl.json", NL)
    before = snapshot(root)
    result = run(root, "import", "--locale", "nl", "--messages", str(source))
    assert result.code == 2
    assert result.err.startswith("locales/nl/messages.po: error: already has translations") and "--merge" in result.err
    assert snapshot(root) == before


def test_import_merge_fills_gaps_and_keeps_translations(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path)
    run(root, "sync")
    translate(root / "locales/nl/messages.po", {"nav_join": "Meedoen"})
    source = write(tmp_path / "old-nl.json", NL)
    assert run(root, "import", "--locale", "nl", "--messages", str(source), "--merge").code == 0
    got = {m.msgctxt: m.msgstr for m in po.read_po(root / "locales/nl/messages.po").messages}
    assert got["nav_join"] == "Meedoen" and got["thanks"] == "Bedankt, {name}!"


def test_import_keeps_a_po_file_saved_while_it_ran(
    tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.workspace import messages

    root = message_site(tmp_path)
    run(root, "sync")
    path = root / "locales/nl/messages.po"
    saved = path.read_bytes() + b"\n"
    real = messages.import_catalog

    def import_then_editor_saves(*args: object, **kwargs: object) -> object:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        path.write_bytes(saved)  # the translator saves between import's read and its write
        return result

    monkeypatch.setattr(messages, "import_catalog", import_then_editor_saves)
    result = run(root, "import", "--locale", "nl", "--messages", str(write(tmp_path / "n.json", NL)))
    assert result.code == 1
    assert result.err.startswith("locales/nl/messages.po: error: changed on disk while import ran"), result.err
    assert path.read_bytes() == saved


def test_import_into_untranslated_po_keeps_its_header(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path)
    run(root, "sync")
    path = root / "locales/nl/messages.po"
    po.write_po(path, po.read_po(path).with_header(Language_Team="Dutch <nl@example.org>"))
    assert run(root, "import", "--locale", "nl", "--messages", str(write(tmp_path / "n.json", NL))).code == 0
    assert po.read_po(path).header_value("Language-Team") == "Dutch <nl@example.org>"


def test_import_of_a_locale_not_configured_is_refused(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path)
    result = run(root, "import", "--locale", "fr", "--messages", str(write(tmp_path / "fr.json", NL)))
    assert result.code == 2 and "locale 'fr' is not among locales" in result.err


# --------------------------------------------------------------------------- check and status


def test_check_reports_a_broken_placeholder_at_the_po_entry(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path)
    run(root, "sync")
    translate(root / "locales/de/messages.po", {"thanks": "Danke, {nom}!", "title": "Ruhige Straßen"})
    lines = {m.msgctxt: m.msgstr_lineno for m in po.read_po(root / "locales/de/messages.po").messages}
    result = run(root, "check")
    assert result.code == 1
    assert result.out.splitlines() == [
        f"locales/de/messages.po:{lines['thanks']}: error [placeholder] thanks: the translation lacks {{name}} "
        "and adds {nom} (placeholders must match the English) (keep every {name} exactly as in the English; "
        "translate only the words around it)",
        f"locales/de/messages.po:{lines['title']}: error [markup] title: the translation lacks </b> <b> "
        "(HTML tags must match the English) (keep the same tags around the corresponding words)",
    ]


def test_check_passes_on_good_translations(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path)
    run(root, "sync")
    translate(root / "locales/nl/messages.po", {"thanks": "Bedankt, {name}!", "title": "Rustige <b>straten</b>"})
    result = run(root, "check", "--format", "json")
    assert result.code == 0 and json.loads(result.out) == {"findings": []}


def test_status_lists_the_message_file_as_one_more_page(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path)
    run(root, "sync")
    translate(root / "locales/nl/messages.po", {"nav_join": "Doe mee"})
    rows = json.loads(run(root, "status", "--format", "json", "--locale", "nl").out)["pages"]
    assert [(r["page"], r["kind"]) for r in rows] == [("index", "page"), ("messages", "messages")]
    messages = rows[1]
    assert (messages["translated"], messages["untranslated"]) == (1, 4)
    assert "messages" in run(root, "status").out


# --------------------------------------------------------------------------- bad input and configuration


@pytest.mark.parametrize(
    ("english", "where", "fragment"),
    [
        ('{\n\t"a": "x"\n\t"b": "y"\n}\n', "messages/en.json:3: error:", "invalid JSON"),
        ('{\n\t"a": "x",\n\t"b": {"c": "d"}\n}\n', "messages/en.json:3: error:", "not a string"),
        ('{\n\t"a": "x",\n\t"a": "y"\n}\n', "messages/en.json:3: error:", "duplicate key 'a'"),
    ],
    ids=["invalid-json", "non-string-value", "duplicate-key"],
)
def test_bad_message_file_is_one_line_exit_2_nothing_written(
    tmp_path: Path, run: Callable[..., Run], english: str, where: str, fragment: str
) -> None:
    root = message_site(tmp_path)
    assert run(root, "sync").code == 0
    write(root / "messages/en.json", english)
    write(root / "source/index.md", "# Welcome back\n")  # a change that would be written
    before = snapshot(root)
    for command in ("sync", "extract", "build"):
        result = run(root, command)
        assert result.code == 2
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(where) and fragment in lines[0] and "; " in lines[0]
        assert snapshot(root) == before


def test_bad_translated_file_on_import_is_exit_2_nothing_written(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path)
    bad = write(tmp_path / "nl.json", '{\n\t"a": "x",\n\t"a": "y"\n}\n')
    before = snapshot(root)
    result = run(root, "import", "--locale", "nl", "--messages", str(bad))
    assert result.code == 2 and ":3: error: duplicate key 'a'" in result.err
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("config", "line", "fragment"),
    [
        ('[messages]\nsource = "messages/en.json"\n', 1, "array of tables"),
        ('[[messages]]\nsource = "messages/en.json"\nouput = "x/{locale}.json"\n', 3, "unknown [[messages]] setting"),
        ('[[messages]]\noutput = "messages/{locale}.json"\n', 1, "needs source"),
        ('[[messages]]\nsource = "messages/en.json"\noutput = "messages/nl.json"\n', 3, "has no {locale}"),
        ('[[messages]]\nsource = "messages/en.json"\nfallback = "blank"\n', 3, "fallback = 'blank'"),
        ('[[messages]]\nsource = "../en.json"\n', 2, "outside the project"),
        ('[[messages]]\nsource = "messages/en.json"\nname = "index"\n', None, "is also a page"),
        (
            '[[messages]]\nsource = "messages/en.json"\n\n[[messages]]\nsource = "admin/en.json"\n',
            1,
            "needs a name",
        ),
        (
            '[[messages]]\nsource = "messages/en.json"\nname = "ui"\n\n'
            '[[messages]]\nsource = "admin/en.json"\nname = "ui"\n',
            7,
            "two [[messages]] tables are named 'ui'",
        ),
    ],
    ids=[
        "single-table",
        "unknown-key",
        "no-source",
        "no-locale-in-output",
        "bad-fallback",
        "outside",
        "name-of-a-page",
        "several-without-name",
        "duplicate-names",
    ],
)
def test_bad_messages_configuration_is_exit_2_with_line(
    tmp_path: Path, run: Callable[..., Run], config: str, line: int | None, fragment: str
) -> None:
    root = message_site(tmp_path, 'locales = ["nl"]\n\n' + config)
    before = snapshot(root)
    result = run(root, "sync")
    assert result.code == 2
    where = f"pipeline.toml:{line + 2}: error:" if line else "pipeline.toml: error:"
    assert result.err.startswith(where) and fragment in result.err, result.err
    assert snapshot(root) == before


def test_output_default_is_the_source_folder_with_the_locale(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = message_site(tmp_path, 'locales = ["nl"]\n\n[[messages]]\nsource = "messages/en.json"\n')
    assert run(root, "sync").code == 0
    assert (root / "messages/nl.json").is_file()


def test_several_message_files_get_their_own_templates(tmp_path: Path, run: Callable[..., Run]) -> None:
    config = (
        'locales = ["nl"]\n\n[[messages]]\nname = "ui"\nsource = "messages/en.json"\n\n'
        '[[messages]]\nname = "admin"\nsource = "admin/en.json"\noutput = "admin/{locale}.json"\n'
    )
    root = message_site(tmp_path, config)
    write(root / "admin/en.json", '{"save": "Save"}\n')
    assert run(root, "sync").code == 0
    assert (root / "locales/templates/ui.pot").is_file() and (root / "locales/nl/admin.po").is_file()
    assert (root / "admin/nl.json").read_text() == '{"save": "Save"}\n'
    translate(root / "locales/nl/admin.po", {"save": "Opslaan"})
    result = run(root, "import", "--locale", "nl", "--messages", str(write(root / "messages/nl.json", NL)))
    assert result.code == 0, result.err
    assert "locales/nl/ui.po" in result.out


# --------------------------------------------------------------------------- the real corpus


@pytest.mark.corpus
def test_corpus_import_and_build_reproduce_the_real_dutch_file(tmp_path: Path, run: Callable[..., Run]) -> None:
    messages = corpus_dir("messages")
    english = (messages / "en.json").read_text(encoding="utf-8")
    root = message_site(tmp_path, 'locales = ["nl"]\n\n[[messages]]\nsource = "messages/en.json"\n', english)
    assert run(root, "import", "--locale", "nl", "--messages", str(messages / "nl.json")).code == 0
    assert run(root, "sync").code == 0
    real = json.loads((messages / "nl.json").read_text(encoding="utf-8"))
    built = json.loads((root / "messages/nl.json").read_text(encoding="utf-8"))
    both = [key for key in built if key in real]
    assert len(both) > 80
    assert [key for key in both if built[key] != real[key]] == []
    # notes come out in English, only as comments; the Dutch notes are not carried anywhere
    catalog = po.read_po(root / "locales/nl/messages.po")
    notes = [c for m in catalog.messages for c in m.auto_comments]
    assert any("German: Handeln" in c for c in notes)
    assert not any("Duits" in c for c in notes)
    assert all(not m.msgctxt.endswith("__instructions") for m in catalog.messages if m.msgctxt)
    assert "Duits" not in (root / "messages/nl.json").read_text(encoding="utf-8")
    assert run(root, "check").code == 0


@pytest.mark.corpus
def test_corpus_identity_build_is_english_file_minus_instructions(tmp_path: Path, run: Callable[..., Run]) -> None:
    english = (corpus_dir("messages") / "en.json").read_text(encoding="utf-8")
    root = message_site(tmp_path, 'locales = ["nl"]\n\n[[messages]]\nsource = "messages/en.json"\n', english)
    run(root, "sync")
    path = root / "locales/nl/messages.po"
    catalog = po.read_po(path)
    po.write_po(path, replace(catalog, messages=tuple(replace(m, msgstr=m.msgid) for m in catalog.messages)))
    assert run(root, "build").code == 0
    expected = "".join(line for line in english.splitlines(keepends=True) if '__instructions":' not in line)
    assert (root / "messages/nl.json").read_bytes() == expected.encode("utf-8")
