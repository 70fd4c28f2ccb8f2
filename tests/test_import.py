"""``pipeline import``: translated pages -> PO files, through the CLI, on small sites of our own words."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CORPUS, Run, corpus_dir, git, msgcat_stable, msgfmt_check, write
from hypothesis import given
from test_properties import SETTINGS, documents

from pipeline.formats import po
from pipeline.importer.run import EnglishVersion, import_page, page_difference, split_translation
from pipeline.model import Page
from pipeline.segment.walker import DEFAULT_OPTIONS

OLD_EN = """---
title: Planting trees in the city
description: Why we plant trees on 12 streets.
---

Every spring our group plants trees in streets that have none.

## Why trees {#why-trees}

Trees cool a street by up to 5 degrees in summer.

## How to help {#how-to-help}

- Water a young tree once a week in dry months.
- Report a damaged tree on our [map](https://example.org/map).
"""

# Today's English: one sentence changed, one list item added.
NEW_EN = OLD_EN.replace("by up to 5 degrees in summer.", "by up to 6 degrees on a hot day.").replace(
    "- Report a damaged", "- Bring a bucket to the next planting day.\n- Report a damaged"
)

NL = """

---
title: Bomen planten in de stad
description: Waarom we bomen planten in 12 straten.
---

Elk voorjaar plant onze groep bomen in straten waar er geen staan.

## Waarom bomen {#why-trees}

Bomen koelen een straat in de zomer tot wel 5 graden af.

## Hoe je kunt helpen {#how-to-help}

- Geef een jonge boom in droge maanden eens per week water.
- Meld een beschadigde boom op onze [kaart](https://example.org/map).
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A site: today's English in source/, the English as translated in old/, Dutch pages in nl/."""
    root = tmp_path / "site"
    write(root / "pipeline.toml", 'source = "source"\nlocales = ["nl"]\n')
    write(root / "source" / "trees.md", NEW_EN)
    write(root / "old" / "trees.md", OLD_EN)
    write(root / "nl" / "trees.md", NL)
    return root


def _import(run: Callable[..., Run], root: Path, *extra: str) -> Run:
    return run(root, "import", "--locale", "nl", str(root / "nl"), "--source-dir", str(root / "old"), *extra)


def _entries(path: Path) -> dict[str, po.Message]:
    return {m.msgid: m for m in po.read_po(path).messages if not m.obsolete}


def test_import_writes_a_po_file_carried_to_todays_english(run: Callable[..., Run], project: Path) -> None:
    result = _import(run, project)
    assert result.code == 0, result.err
    path = project / "locales" / "nl" / "trees.po"
    msgfmt_check(path)
    msgcat_stable(path)
    entries = _entries(path)
    assert entries["Planting trees in the city"].msgstr == "Bomen planten in de stad"
    assert entries["Planting trees in the city"].translated
    changed = entries["Trees cool a street by up to 6 degrees on a hot day."]
    assert changed.fuzzy
    assert changed.previous_msgid == "Trees cool a street by up to 5 degrees in summer."
    assert changed.msgstr == "Bomen koelen een straat in de zomer tot wel 5 graden af."
    assert entries["Bring a bucket to the next planting day."].msgstr == ""


def test_import_reports_each_page_and_the_totals(run: Callable[..., Run], project: Path) -> None:
    result = _import(run, project)
    assert "trees" in result.out
    assert "1 of 1 pages imported (0 failed), 1 PO files written" in result.out
    assert "1 pages rebuild equal to the translated page" in result.out


def test_json_report_lists_counts_source_and_rebuild_result(run: Callable[..., Run], project: Path) -> None:
    result = _import(run, project, "--format", "json")
    data = json.loads(result.out)
    page = data["pages"][0]
    assert page["page"] == "trees"
    assert page["english"]["why"] == "given by --source-dir"
    assert (page["segments"], page["confident"], page["fuzzy"], page["unmatched_english"]) == (8, 8, 0, 0)
    assert page["rebuilt_equal"] is True
    assert data["totals"]["written"] == 1
    assert data["findings"] == []


def test_an_uncertain_pair_is_fuzzy_with_a_translator_comment_saying_why(
    run: Callable[..., Run], project: Path
) -> None:
    # the Dutch drops the second sentence of a paragraph, and the list after it
    en = OLD_EN.replace("none.\n", "none.\nWe started in 2019 with three friends.\n\n- Bring gloves and a spade.\n")
    write(project / "old" / "trees.md", en)
    write(project / "source" / "trees.md", en)
    result = _import(run, project)
    assert result.code == 0, result.err
    entry = _entries(project / "locales" / "nl" / "trees.po")[
        "Every spring our group plants trees in streets that have none. We started in 2019 with three friends."
    ]
    assert entry.fuzzy
    assert entry.msgstr == "Elk voorjaar plant onze groep bomen in straten waar er geen staan."
    assert len(entry.comments) == 1
    where, why = entry.comments[0].rsplit(".md:8: ", 1)
    assert where.startswith("import: ") and where.endswith("nl/trees")
    assert why and "review" not in why


def test_an_uncertain_pair_whose_neighbours_pair_surely_is_kept_translated_for_review(
    run: Callable[..., Run], project: Path
) -> None:
    # the Dutch drops the second sentence of a paragraph; the texts before and after it pair surely,
    # so the Dutch paragraph can only be the translation of this English one
    en = OLD_EN.replace("none.\n", "none.\nWe started in 2019 with three friends.\n")
    write(project / "old" / "trees.md", en)
    write(project / "source" / "trees.md", en)
    result = _import(run, project, "--format", "json")
    assert result.code == 0, result.err
    entry = _entries(project / "locales" / "nl" / "trees.po")[
        "Every spring our group plants trees in streets that have none. We started in 2019 with three friends."
    ]
    assert not entry.fuzzy
    assert entry.msgstr == "Elk voorjaar plant onze groep bomen in straten waar er geen staan."
    (comment,) = entry.comments
    assert comment.startswith("import: ") and ".md:8: kept translated for review" in comment
    assert comment.split("kept translated for review, the text around it pairs with certainty: ")[1]  # the doubt
    data = json.loads(result.out)
    page = data["pages"][0]
    assert page["rebuilt_equal"] is True
    assert (page["confident"], len(page["review"]), page["fuzzy"], page["unmatched_english"]) == (7, 1, 0, 0)
    assert page["review"][0]["line"] == 8
    assert page["review"][0]["msgid"].startswith("Every spring")
    assert data["totals"]["review"] == 1
    (finding,) = [f for f in data["findings"] if f["code"] == "import-review"]
    assert finding["line"] == 8 and finding["severity"] == "warning"
    text = _import(run, project, "--merge")
    assert "1 kept for review" in text.out
    assert "warning [import-review] kept translated for review" in text.err


def test_translated_text_without_english_is_reported_with_its_line(run: Callable[..., Run], project: Path) -> None:
    write(
        project / "nl" / "trees.md", NL.replace("## Hoe je", "_Noot: de kaart is alleen in het Engels._\n\n## Hoe je")
    )
    result = _import(run, project)
    assert result.code == 0
    assert "nl/trees.md:14: warning [import-unmatched] translated text with no English counterpart" in result.err
    assert "warning [import-differs]" in result.err
    assert "_Noot: de kaart is alleen" in result.err.split("[import-differs]")[1]


def test_bad_pages_get_one_message_each_and_nothing_is_written(run: Callable[..., Run], project: Path) -> None:
    (project / "nl" / "latin1.md").write_bytes("caf\xe9\n".encode("latin-1"))
    write(project / "old" / "latin1.md", "Coffee.\n")
    write(project / "nl" / "broken.md", "---\ntitle: [niet gesloten\n---\n\nTekst.\n")
    write(project / "old" / "broken.md", "---\ntitle: Closed\n---\n\nText.\n")
    write(project / "nl" / "orphan.md", "Een pagina zonder Engels.\n")
    result = _import(run, project)
    assert result.code == 1
    errors = [line for line in result.err.splitlines() if "error" in line]
    assert len(errors) == 3
    assert any("nl/latin1.md:1: error [import-failed] not valid UTF-8" in e for e in errors)
    assert any("nl/broken.md:3: error [import-failed] front matter is not valid YAML" in e for e in errors)
    assert any("nl/orphan.md: error [import-failed] no English page orphan.md in old" in e for e in errors)
    assert not (project / "locales").exists()  # all or nothing: trees.md was fine, yet nothing is written
    assert "import: nothing written: 3 of 4 pages cannot be imported" in result.err


def test_all_or_nothing_also_after_a_sync(run: Callable[..., Run], project: Path) -> None:
    write(project / "source" / "orphan.md", "# Orphan\n\nNo old English.\n")
    write(project / "nl" / "orphan.md", "# Wees\n\nGeen oud Engels.\n")
    assert run(project, "sync").code == 0
    before = {p: p.read_bytes() for p in sorted((project / "locales").rglob("*")) if p.is_file()}
    result = _import(run, project)
    assert result.code == 1
    assert {p: p.read_bytes() for p in sorted((project / "locales").rglob("*")) if p.is_file()} == before


def test_import_fills_the_empty_po_files_a_sync_left(run: Callable[..., Run], project: Path) -> None:
    assert run(project, "sync").code == 0
    path = project / "locales" / "nl" / "trees.po"
    assert not any(m.msgstr for m in po.read_po(path).messages)
    result = _import(run, project)
    assert result.code == 0, result.err
    assert _entries(path)["Planting trees in the city"].msgstr == "Bomen planten in de stad"
    assert run(project, "sync").code == 0
    again = run(project, "sync")
    assert "0 written" in again.out


def test_an_existing_po_file_is_never_overwritten_without_merge(run: Callable[..., Run], project: Path) -> None:
    path = write(
        project / "locales" / "nl" / "trees.po",
        'msgid ""\nmsgstr ""\n"Language: nl\\n"\n\n#~ msgid "Old"\n#~ msgstr "Oud"\n',
    )
    before = path.read_bytes()
    result = _import(run, project)
    assert result.code == 1
    assert "locales/nl/trees.po: error [import-failed] exists already; not overwritten" in result.err
    assert "pass --merge" in result.err
    assert path.read_bytes() == before


def test_merge_keeps_existing_translations_and_fills_only_the_gaps(run: Callable[..., Run], project: Path) -> None:
    assert run(project, "sync").code == 0
    path = project / "locales" / "nl" / "trees.po"
    catalog = po.read_po(path)
    mine = "Mijn eigen titel"
    edited = [m if m.msgid != "Planting trees in the city" else _with(m, mine) for m in catalog.messages]
    po.write_po(path, type(catalog)(catalog.header, catalog.header_comments, catalog.header_flags, tuple(edited)))
    result = _import(run, project, "--merge")
    assert result.code == 0, result.err
    entries = _entries(path)
    assert entries["Planting trees in the city"].msgstr == mine
    assert entries["Why we plant trees on 12 streets."].msgstr == "Waarom we bomen planten in 12 straten."
    msgfmt_check(path)
    again = _import(run, project, "--merge")
    assert "0 PO files written" in again.out


def _with(message: po.Message, msgstr: str) -> po.Message:
    from dataclasses import replace

    return replace(message, msgstr=msgstr)


def test_import_then_sync_changes_nothing_more(run: Callable[..., Run], project: Path) -> None:
    assert _import(run, project).code == 0
    path = project / "locales" / "nl" / "trees.po"
    imported = path.read_bytes()
    assert run(project, "sync").code == 0
    assert path.read_bytes() == imported


def test_without_source_dir_or_upstream_the_command_says_what_to_pass(run: Callable[..., Run], project: Path) -> None:
    result = run(project, "import", "--locale", "nl", str(project / "nl"))
    assert result.code == 2
    assert "needs --source-dir DIR or an [upstream] url" in result.err


def test_git_route_picks_the_english_version_the_page_was_translated_from(
    run: Callable[..., Run], project: Path, tmp_path: Path
) -> None:
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    git(upstream, "init", "-q", "-b", "main")
    versions = [
        OLD_EN.replace("## How to help {#how-to-help}\n", "## Help {#help}\n"),
        OLD_EN,
        NEW_EN.replace("\n## Why trees", "\nWe also plant hedges now, 30 metres so far.\n\n## Why trees"),
    ]
    shas = []
    for n, text in enumerate(versions):
        write(upstream / "posts" / "trees.md", text)
        write(upstream / "posts" / "other.md", f"Other page, change {n}.\n")
        git(upstream, "add", "-A")
        git(upstream, "commit", "-q", "-m", f"version {n}")
        shas.append(git(upstream, "rev-parse", "HEAD").strip())
    write(
        project / "pipeline.toml", f'source = "source"\n[upstream]\nurl = "{upstream}"\nref = "main"\npath = "posts"\n'
    )
    result = run(project, "import", "--locale", "nl", str(project / "nl"), "--format", "json")
    assert result.code == 0, result.err
    page = json.loads(result.out)["pages"][0]
    assert page["english"]["commit"] == shas[1]
    assert page["english"]["where"] == f"posts/trees.md@{shas[1][:10]}"
    assert "best alignment of 3 versions" in page["english"]["why"]
    assert page["rebuilt_equal"] is True


@SETTINGS
@given(documents())
def test_importing_the_identity_translation_gives_every_entry_translated_and_not_fuzzy(text: str) -> None:
    page = Page("p", "p.md", text)
    result = import_page(page, page, "nl", EnglishVersion(text, "p.md"), DEFAULT_OPTIONS, "2025-01-01 00:00+0000")
    assert all(m.translated and m.msgstr == m.msgid for m in result.catalog.messages)
    assert result.unmatched == ()
    assert result.difference == ()


@pytest.mark.parametrize(
    ("text", "a", "b", "expected"),
    [
        ("Een. Twee drie. Vier.", "One.", "Two three. Four.", (True, ("Een.", "Twee drie. Vier."))),
        ("Een twee. Drie.", "One and two. And three", "more words here", (False, ("Een twee.", "Drie."))),
        ("Alleen een zin", "One.", "Two.", None),
    ],
    ids=["sentence-counts-match", "split-by-length", "single-sentence"],
)
def test_a_translation_of_two_english_texts_splits_at_a_sentence_end(
    text: str, a: str, b: str, expected: tuple[bool, tuple[str, str]] | None
) -> None:
    assert split_translation(text, a, b) == expected


@pytest.mark.parametrize(
    ("rebuilt", "translated", "equal"),
    [
        ("Tekst hier.\n", "Tekst\nhier.\n", True),
        ("## Kop {#kop}\n\nA.\n", "## Kop {#other-id}\n\nA.\n", True),
        ("<!-- note -->\nA.\n", "<!-- notitie -->\nA.\n", True),
        ("> Een twee\n> drie.\n", "> Een\n> twee drie.\n", True),
        ("Tekst hier.\n", "Tekst daar.\n", False),
    ],
    ids=["whitespace", "heading-ids", "html-comments", "quote-markers", "different-words"],
)
def test_page_difference_ignores_layout_but_not_words(rebuilt: str, translated: str, equal: bool) -> None:
    assert (page_difference(rebuilt, translated) == ()) is equal


@pytest.mark.corpus
@pytest.mark.slow
def test_real_dutch_pages_import_with_confident_pairs_and_rebuild_mostly_equal(
    run: Callable[..., Run], tmp_path: Path
) -> None:
    nl = corpus_dir("nl")
    write(tmp_path / "pipeline.toml", 'source = "source"\nlocales = ["nl"]\n')
    result = run(
        tmp_path, "import", "--locale", "nl", str(nl), "--source-dir", str(CORPUS / "en-for-nl"), "--format", "json"
    )
    assert result.code == 0, result.err
    totals = json.loads(result.out)["totals"]
    assert totals["imported"] == 78
    assert totals["confident"] >= 0.98 * totals["segments"]
    assert totals["rebuilt_equal"] >= 66
    assert totals["lost_words"] == 0
    for path in sorted((tmp_path / "locales" / "nl").glob("*.po"))[:10]:
        msgfmt_check(path)


def test_imported_pages_record_the_english_commit_so_status_names_the_commits_behind(
    run: Callable[..., Run], tmp_path: Path
) -> None:
    from gitsite import Upstream
    from gitsite import project as git_project

    up = Upstream(tmp_path / "upstream")
    translated_from = up.head()
    up.write("walk.md", up.root.joinpath("src/posts/walk.md").read_text().replace("Parents", "All parents"), "more")
    root = git_project(tmp_path / "site", str(up.root))
    assert run(root, "sync").code == 0
    write(
        root / "nl" / "walk.md",
        "---\ntitle: Lopen naar school\n---\n\n# Lopen naar school\n\nKinderen lopen samen.\nOuders wisselen af.\n\n"
        "## Routes {#routes}\n\nElke route heeft een leider.\n",
    )
    result = run(root, "import", "--locale", "nl", str(root / "nl"))
    assert result.code == 0, result.err
    rows = {(r["locale"], r["page"]): r for r in json.loads(run(root, "status", "--format", "json").out)["pages"]}
    walk = rows[("nl", "walk")]
    assert walk["translated_commit"] == translated_from
    assert walk["source_commit"] == up.head()
    assert [c["summary"] for c in walk["changes"]] == ["more"]
