"""`pipeline check`: one table test per finding code (positive and negative), site model, CLI, lint mode."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REPO, Run, git, msgcat_stable, msgfmt_check, write

from pipeline.check import checker as check
from pipeline.formats import po
from pipeline.model import Finding, Page, Severity
from pipeline.segment.walker import segment_page
from pipeline.workspace.settings import load

GUIDE = """---
title: Guide
---

# The guide

Read this first.

## Setup

Install the kit with `make sync` and read the [checklist](#checklist).

## Checklist

- Count the cars.
- Tell the school.
"""

HOME = """---
title: Home
---

# Welcome

Start with the [setup steps](/guide#setup) of our guide.
We have {count} schools and a **strong** team of volunteers in town.

Run `make sync` before you publish anything.

## About
"""


def make_site(root: Path, pages: dict[str, str], toml: str = "") -> Path:
    for name, text in pages.items():
        write(root / "source" / f"{name}.md", text)
    (root / "locales" / "nl").mkdir(parents=True, exist_ok=True)
    write(root / "pipeline.toml", 'locales = ["nl"]\n' + toml)
    return root


def translate(root: Path, page: str, mapping: dict[str, str], locale: str = "nl", comment: str = "") -> None:
    path = root / "locales" / locale / f"{page}.po"
    catalog = po.read_po(path)
    messages = tuple(
        replace(m, msgstr=mapping[m.msgid], flags=(), comments=(comment,) if comment else m.comments)
        if m.msgid in mapping
        else m
        for m in catalog.messages
    )
    po.write_po(path, replace(catalog, messages=messages))


def po_site(tmp_path: Path, run: Callable[..., Run], translations: dict[str, dict[str, str]], **kw: str) -> Path:
    root = make_site(tmp_path / "site", {"guide": GUIDE, "index": HOME}, kw.get("toml", ""))
    assert run(root, "sync").code == 0
    for page, mapping in translations.items():
        translate(root, page, mapping, comment=kw.get("comment", ""))
    return root


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


START = (
    "Start with the [setup steps](/guide#setup) of our guide. "
    "We have {count} schools and a **strong** team of volunteers in town."
)
RUN = "Run `make sync` before you publish anything."

# (name, msgid, msgstr, code expected or None)
MSGSTR_CASES = [
    ("link target changed", START, START.replace("#setup", "#checklist"), "link-target"),
    ("locale prefix is the same target", START, START.replace("/guide", "/nl/guide"), None),
    ("link dropped", START, START.replace("[setup steps](/guide#setup)", "setup steps"), "link-count"),
    ("link kept", START, START.replace("Start with", "Begin met"), None),
    ("inline code changed", RUN, "Voer `make synch` uit voordat je iets publiceert.", "code-span"),
    ("inline code kept", RUN, "Voer `make sync` uit voordat je iets publiceert.", None),
    ("strong dropped", START, START.replace("**strong**", "strong"), "markup"),
    ("emphasis added", START, START.replace("**strong**", "**strong** *x*"), "markup"),
    ("placeholder renamed", START, START.replace("{count}", "{aantal}"), "placeholder"),
    ("placeholder kept", START, START.replace("schools", "scholen"), None),
    ("heading id typed", "Setup", "Installatie {#installatie}", "id-in-translation"),
    ("heading without id", "Setup", "Installatie", None),
    ("script added", RUN, "Voer `make sync` uit <script>alert(1)</script>.", "unsafe"),
    ("javascript url added", START, START.replace("/guide#setup", "javascript:alert(1)"), "unsafe"),
    ("copied English", RUN, RUN, "untranslated-same"),
    ("short English kept", "Setup", "Setup", None),
]


@pytest.mark.parametrize(("name", "msgid", "msgstr", "code"), MSGSTR_CASES, ids=[c[0] for c in MSGSTR_CASES])
def test_msgstr_checks(
    tmp_path: Path, run: Callable[..., Run], name: str, msgid: str, msgstr: str, code: str | None
) -> None:
    page = "guide" if msgid == "Setup" else "index"
    root = po_site(tmp_path, run, {page: {msgid: msgstr}})
    found = check.findings(load(root))
    if code is None:
        assert found == []
        return
    assert code in codes(found)
    hit = next(f for f in found if f.code == code)
    assert hit.path == f"locales/nl/{page}.po"
    catalog = po.read_po(root / hit.path)
    entry = next(m for m in catalog.messages if m.msgid == msgid)
    assert hit.line == entry.msgstr_lineno > entry.lineno


def test_msgstr_line_is_the_msgstr_keyword(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = po_site(tmp_path, run, {"index": {START: START.replace("#setup", "#nope")}})
    found = check.findings(load(root))
    lines = (root / "locales/nl/index.po").read_text().splitlines()
    for f in found:
        assert lines[f.line - 1].startswith("msgstr"), f


def test_broken_link_in_msgstr_is_anchor_missing_at_the_po_file(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = po_site(tmp_path, run, {"index": {START: START.replace("#setup", "#nope")}})
    found = [f for f in check.findings(load(root)) if f.code == "anchor-missing"]
    assert [(f.path, f.severity) for f in found] == [("locales/nl/index.po", Severity.ERROR)]
    assert "in locale nl" in found[0].message


def test_translator_comment_silences_one_entry(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = po_site(
        tmp_path,
        run,
        {"index": {START: START.replace("**strong**", "strong")}},
        comment="pipeline: ignore[markup]",
    )
    assert check.findings(load(root)) == []


def test_ignore_comment_silences_only_its_code(tmp_path: Path, run: Callable[..., Run]) -> None:
    bad = START.replace("**strong**", "strong").replace("{count}", "{n}")
    root = po_site(tmp_path, run, {"index": {START: bad}}, comment="pipeline: ignore[markup]")
    assert codes(check.findings(load(root))) == ["placeholder"]


@pytest.mark.parametrize(
    ("setting", "expected"),
    [('"warning"', [Severity.WARNING]), ('"off"', []), ('"error"', [Severity.ERROR])],
)
def test_check_codes_regrade_a_code(
    tmp_path: Path, run: Callable[..., Run], setting: str, expected: list[Severity]
) -> None:
    root = po_site(
        tmp_path,
        run,
        {"index": {START: START.replace("{count}", "{n}")}},
        toml=f"[check.codes]\nplaceholder = {setting}\n",
    )
    assert [f.severity for f in check.findings(load(root))] == expected


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[check.codes]\nno-such-code = "error"\n', "unknown check code"),
        ('[check.codes]\nunsafe = "fatal"\n', "unsafe = 'fatal'"),
        ('[site]\nroute = "/blog/"\n', "route"),
        ('[site]\nsmartypants = "yes"\n', "smartypants"),
        ('[site]\nbase_urll = "https://x.org"\n', "unknown setting 'base_urll'"),
    ],
)
def test_bad_check_config_is_one_clear_error(tmp_path: Path, run: Callable[..., Run], toml: str, message: str) -> None:
    root = make_site(tmp_path, {"guide": GUIDE}, toml)
    result = run(root, "check")
    assert result.code == 2
    assert message in result.err
    assert result.err.startswith("pipeline.toml:")


# --------------------------------------------------------------------------- English links and anchors

LINK_CASES = [
    ("fragment on the same page", "[x](#about)", None),
    ("fragment missing on the same page", "[x](#nope)", "anchor-missing"),
    ("page and fragment", "[x](/guide#setup)", None),
    ("page and missing fragment", "[x](/guide#nope)", "anchor-missing"),
    ("locale prefixed", "[x](/nl/guide#nope)", "anchor-missing"),
    ("source locale prefixed", "[x](/en/guide#setup)", None),
    ("absolute to the site", "[x](https://example.org/guide#nope)", "anchor-missing"),
    ("absolute elsewhere", "[x](https://elsewhere.org/guide#nope)", None),
    ("reference link", "[x][ref]\n\n[ref]: /guide#nope", "anchor-missing"),
    ("html href", '<a href="/guide#nope">x</a>', "anchor-missing"),
    ("html href in a block", '<div>\n<a href="/guide#nope">x</a>\n</div>', "anchor-missing"),
    ("html id is an anchor", '<a id="custom"></a>\n\n[x](#custom)', None),
    ("html name is an anchor", '<a name="old"></a> [x](#old)', None),
    ("top always exists", "[x](#top)", None),
    ("no such page", "[x](/nope)", "page-missing"),
    ("relative page", "[x](guide#setup)", None),
    ("relative missing page", "[x](./nope)", "page-missing"),
    ("link to the markdown file", "[x](/guide.md)", "page-missing"),
    ("allow-listed route", "[x](/communities#events)", None),
    ("static asset", "[x](/files/report.pdf)", None),
    ("mail", "[x](mailto:a@example.org)", None),
    ("site root", "[x](/)", None),
    ("svelte expression", '<a href="/guide#{id}">x</a>', None),
]


@pytest.mark.parametrize(("name", "link", "code"), LINK_CASES, ids=[c[0] for c in LINK_CASES])
def test_english_links(tmp_path: Path, name: str, link: str, code: str | None) -> None:
    root = make_site(
        tmp_path,
        {"guide": GUIDE, "about": f"# About\n\nSome text first.\n\nMore: {link}\n"},
        '[site]\nbase_url = "https://example.org"\nroutes = ["/communities"]\n',
    )
    found = check.findings(load(root))
    if code is None:
        assert found == []
        return
    assert codes(found) == [code]
    assert found[0].path == "source/about.md"
    assert found[0].line >= 5


def test_link_position_is_line_and_column_of_the_target(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"guide": GUIDE, "about": "# About\n\nOne [a](/guide#setup) and [b](/guide#nope).\n"})
    (f,) = check.findings(load(root))
    assert (f.path, f.line, f.col) == ("source/about.md", 3, 31)
    assert "One [a](/guide#setup) and [b](/guide#nope).".find("/guide#nope") == f.col - 1


def test_anchor_missing_suggests_the_close_id(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"guide": GUIDE, "about": "# About\n\n[x](/guide#setpu)\n"})
    (f,) = check.findings(load(root))
    assert f.hint == "did you mean #setup?"


def test_duplicate_heading_ids_are_numbered_like_github_slugger(tmp_path: Path) -> None:
    page = "# Q\n\n## Cost\n\nA.\n\n## Cost\n\nB.\n\n[first](#cost) [second](#cost-1) [third](#cost-2)\n"
    root = make_site(tmp_path, {"faq": page})
    assert [f.message for f in check.findings(load(root))] == ["link to /faq#cost-2: no such anchor on that page"]


@pytest.mark.parametrize(
    ("smartypants", "expected"),
    [("true", ["anchor-missing"]), ("false", [])],
)
def test_smartypants_turns_double_hyphen_in_explicit_id_into_em_dash(
    tmp_path: Path, smartypants: str, expected: list[str]
) -> None:
    page = "# Plan\n\n## Narrative & core messages {#narrative--core}\n\nSee [above](#narrative--core).\n"
    root = make_site(tmp_path, {"plan": page}, f"[site]\nsmartypants = {smartypants}\n")
    found = check.findings(load(root))
    assert codes(found) == expected
    if expected:
        assert "#narrative—core" in found[0].hint


def test_smartypants_changes_slugs_of_headings_with_double_hyphen(tmp_path: Path) -> None:
    # "A -- B" is served as "A — B", whose slug is a--b (not a----b).
    page = "# T\n\n## A -- B\n\n[ok](#a--b) [bad](#a----b)\n"
    root = make_site(tmp_path, {"t": page})
    assert [f.message for f in check.findings(load(root))] == ["link to /t#a----b: no such anchor on that page"]


@pytest.mark.parametrize(
    ("smartypants", "anchor"), [("true", ' <a id="tasks--roles"></a>'), ("false", " {#tasks--roles}")]
)
def test_translated_heading_keeps_its_english_id_under_smartypants(
    tmp_path: Path, run: Callable[..., Run], smartypants: str, anchor: str
) -> None:
    # smartypants would serve {#tasks--roles} as #tasks—roles: build anchors such ids with <a id>
    page = "# Plan\n\n## Tasks & roles\n\nSee [roles](#tasks--roles).\n"
    root = make_site(tmp_path, {"plan": page}, f"[site]\nsmartypants = {smartypants}\n")
    assert run(root, "sync").code == 0
    translate(root, "plan", {"Tasks & roles": "Taken en rollen"})
    assert run(root, "sync").code == 0
    assert f"## Taken en rollen{anchor}\n" in (root / "build/nl/plan.md").read_text()
    assert codes(check.findings(load(root))) == []


def test_route_template_and_index_pages(tmp_path: Path) -> None:
    pages = {"index": "# Home\n\n[docs](/docs/guide/#setup) [home](/docs/)\n", "guide": GUIDE}
    root = make_site(tmp_path, pages, '[site]\nroute = "/docs/{path}"\n')
    assert check.findings(load(root)) == []
    write(root / "source" / "index.md", "# Home\n\n[bad](/guide#setup)\n")
    assert codes(check.findings(load(root))) == ["page-missing"]


# --------------------------------------------------------------------------- stale anchors in PO mode and --fix


def renamed_site(tmp_path: Path, run: Callable[..., Run]) -> Path:
    root = make_site(tmp_path / "site", {"guide": GUIDE, "index": HOME})
    git(root, "init", "-q")
    assert run(root, "sync").code == 0
    translate(root, "guide", {"Setup": "Installatie"})
    translate(root, "index", {START: START.replace("Start with", "Begin met")})
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first")
    write(root / "source" / "guide.md", GUIDE.replace("## Setup", "## Setting up"))
    assert run(root, "sync").code == 0
    return root


def test_renamed_heading_makes_links_anchor_missing_with_the_new_id(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = renamed_site(tmp_path, run)
    found = check.findings(load(root))
    (missing,) = [f for f in found if f.code == "anchor-missing"]
    assert missing.path == "source/index.md"  # the msgstr has the msgid's link: reported once, on the English
    assert "#setting-up" in missing.hint


def test_fuzzy_heading_entry_is_anchor_stale_listing_the_links(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = renamed_site(tmp_path, run)
    (stale,) = [f for f in check.findings(load(root)) if f.code == "anchor-stale"]
    assert stale.path == "locales/nl/guide.po"
    assert "#setup is now #setting-up" in stale.message
    assert "source/index.md:" in stale.message and "locales/nl/index.po:" in stale.message


def test_check_fix_rewrites_msgstr_links_and_only_lists_english(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = renamed_site(tmp_path, run)
    english = (root / "source/index.md").read_bytes()
    result = run(root, "check", "--fix")
    assert "locales/nl/index.po" in result.err and "-> /guide#setting-up" in result.err
    assert "source/index.md:7:" in result.err and "fix it in the English" in result.err
    assert (root / "source/index.md").read_bytes() == english
    catalog = po.read_po(root / "locales/nl/index.po")
    fixed = next(m for m in catalog.messages if m.msgid == START)
    assert "(/guide#setting-up)" in fixed.msgstr
    msgfmt_check(root / "locales/nl/index.po")
    msgcat_stable(root / "locales/nl/index.po")
    after = check.findings(load(root))
    assert [f.path for f in after if f.code == "anchor-missing"] == ["source/index.md"]
    again = run(root, "check", "--fix")
    assert "0 links rewritten in 0 PO files" in again.err


def test_check_fix_checks_the_site_once_and_reports_the_fixed_files_findings(
    tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = renamed_site(tmp_path, run)
    fixed = run(root, "check", "--fix")
    assert "1 links rewritten in 1 PO files" in fixed.err
    assert fixed.out == run(root, "check").out  # the findings of the files as written, line numbers included
    from pipeline.check import whole

    calls: list[int] = []
    real = whole.check_po_site

    def counted(*args: object, **kwargs: object) -> None:
        calls.append(1)
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(check, "check_po_site", counted)
    again = run(root, "check", "--fix")
    assert "0 links rewritten in 0 PO files" in again.err
    assert again.out == fixed.out
    assert calls == [1]  # nothing to fix: the check that planned the fix gave the findings


def test_check_fix_keeps_a_po_file_saved_while_it_ran(
    tmp_path: Path, run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = renamed_site(tmp_path, run)
    po_file = root / "locales/nl/index.po"
    saved = po_file.read_bytes() + b"\n"
    real_fix = check.fix

    def fix_then_editor_saves(cfg: object) -> object:
        planned = real_fix(cfg)  # type: ignore[arg-type]
        po_file.write_bytes(saved)
        return planned

    monkeypatch.setattr(check, "fix", fix_then_editor_saves)
    result = run(root, "check", "--fix")
    assert result.code == 1
    assert "locales/nl/index.po: error: changed on disk while check --fix ran" in result.err
    assert po_file.read_bytes() == saved


def test_fix_uses_git_history_for_fuzzy_msgstrs_after_english_fixed_its_link(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    root = make_site(tmp_path / "site", {"guide": GUIDE, "index": HOME})
    git(root, "init", "-q")
    assert run(root, "sync").code == 0
    translate(root, "index", {START: START.replace("Start with", "Begin met")})
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first")
    write(root / "source" / "guide.md", GUIDE.replace("## Setup", "## Setting up"))
    # the link target and a word change: the entry goes fuzzy (a link-only change would be carried)
    write(root / "source" / "index.md", HOME.replace("/guide#setup", "/guide#setting-up").replace("Start", "Begin"))
    assert run(root, "sync").code == 0
    assert check.findings(load(root)) == []  # the English is fixed; the stale msgstr is fuzzy, not served
    result = run(root, "check", "--fix")
    assert "locales/nl/index.po" in result.err and "-> /guide#setting-up" in result.err
    fuzzy = next(m for m in po.read_po(root / "locales/nl/index.po").messages if m.fuzzy)
    assert "(/guide#setting-up)" in fuzzy.msgstr


def test_git_history_names_the_replacement_without_any_po(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = make_site(tmp_path, {"guide": GUIDE, "about": "# About\n\n[x](/guide#checklist)\n"})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first")
    write(root / "source" / "guide.md", GUIDE.replace("## Checklist", "## Check list"))
    (f,) = [f for f in check.findings(load(root)) if f.path == "source/about.md"]
    assert f.code == "anchor-missing"
    assert "#check-list (git history)" in f.hint


# --------------------------------------------------------------------------- lint mode

EN_NOW = """---
title: Plan
---

# Our plan

## Why we act

Text.

## What we ask {#demands}

Text.

## Tasks & roles

Text.

## How to help

Text with a [link](/plan#demands) and [another](/other).

## Contact

Mail us.
"""

EN_OLD = EN_NOW.replace("## How to help", "## Ways to help")

NL_GOOD = """---
title: Plan
---

# Ons plan {#our-plan}

## Waarom we handelen {#why-we-act}

Tekst.

## Wat we vragen {#demands}

Tekst.

## Taken en rollen {#tasks--roles}

Tekst.

## Hoe te helpen {#how-to-help}

Tekst met een [link](/plan#demands) en [nog een](/other).

## Contact {#contact}

Mail ons.
"""


def lint(tmp_path: Path, nl: str, en_old: str | None = EN_OLD, toml: str = "") -> list[Finding]:
    root = make_site(tmp_path / "site", {"plan": EN_NOW, "other": "# Other\n"}, toml)
    write(tmp_path / "nl" / "plan.md", nl)
    source_dir = None
    if en_old is not None:
        write(tmp_path / "old" / "plan.md", en_old)
        source_dir = tmp_path / "old"
    return check.findings(load(root), check.Lint(tmp_path / "nl", "nl", source_dir, "nl", "old"))


def lint_codes(found: list[Finding]) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in found]


def test_lint_clean_translation_has_no_findings(tmp_path: Path) -> None:
    # the smartypants problem of {#tasks--roles} is off here; it is tested below
    assert lint(tmp_path, NL_GOOD, EN_NOW, "[site]\nsmartypants = false\n") == []


LINT_CASES = [
    ("spurious duplicate suffix", NL_GOOD.replace("{#contact}", "{#contact-3}"), "id-shifted"),
    ("id of another heading", NL_GOOD.replace("{#why-we-act}", "{#contact}"), "id-shifted"),
    ("id of the old English", NL_GOOD.replace("{#how-to-help}", "{#ways-to-help}"), "anchor-stale"),
    ("wrong id", NL_GOOD.replace("{#contact}", "{#kontakt}"), "anchor-differs"),
    ("missing id, Dutch slug", NL_GOOD.replace("## Contact {#contact}", "## Neem contact op"), "anchor-differs"),
    ("smartypants em dash in id", NL_GOOD, "anchor-differs"),
    ("link the English does not have", NL_GOOD.replace("(/other)", "(/andere)"), "link-target"),
    ("broken link", NL_GOOD.replace("(/other)", "(/andere)"), "page-missing"),
    ("link to a missing anchor", NL_GOOD.replace("/plan#demands", "/plan#eisen"), "anchor-missing"),
    ("dropped link", NL_GOOD.replace("[nog een](/other)", "nog een"), "link-count"),
]


@pytest.mark.parametrize(("name", "nl", "code"), LINT_CASES, ids=[c[0] for c in LINT_CASES])
def test_lint_mode_codes(tmp_path: Path, name: str, nl: str, code: str) -> None:
    found = lint(tmp_path, nl)
    assert code in codes(found)
    assert all(f.path == "nl/plan.md" for f in found)


def test_lint_smartypants_finding_points_at_the_heading(tmp_path: Path) -> None:
    found = lint(tmp_path, NL_GOOD)
    assert lint_codes(found) == [("anchor-differs", 15)]
    assert "#tasks—roles" in found[0].message and "#tasks--roles" in found[0].message
    assert '<span id="tasks--roles">' in found[0].hint


def test_lint_stale_id_names_the_renamed_english_id_and_the_links(tmp_path: Path) -> None:
    nl = NL_GOOD.replace("{#how-to-help}", "{#ways-to-help}").replace("{#tasks--roles}", "{#tasks-roles}")
    nl = nl.replace("Mail ons.", "Mail ons, of zie [helpen](#ways-to-help).")
    found = [f for f in lint(tmp_path, nl) if f.code == "anchor-stale"]
    assert len(found) == 1
    assert "English renamed it to #how-to-help" in found[0].message
    assert "nl/plan.md:25" in found[0].message


STEPS_EN = "# Steps\n\n## Step 1: ask the school\n\n## Step 2: count the cars\n\n## Step 3: apply for a trial\n"


def test_lint_shifted_ids_after_a_dropped_section(tmp_path: Path) -> None:
    # The translation dropped step 1, and every later heading took its predecessor's id.
    nl = "# Stappen {#steps}\n\n## Stap 2: tel de auto's {#step-1-ask-the-school}\n\n"
    nl += "## Stap 3: vraag een proef aan {#step-2-count-the-cars}\n"
    root = make_site(tmp_path / "site", {"steps": STEPS_EN})
    write(tmp_path / "nl" / "steps.md", nl)
    found = check.findings(load(root), check.Lint(tmp_path / "nl", "nl", None, "nl"))
    assert lint_codes(found) == [("id-shifted", 3), ("id-shifted", 5)]
    assert "translates 'Step 2: count the cars' (#step-2-count-the-cars)" in found[0].message


def test_lint_ids_in_place_are_not_shifted(tmp_path: Path) -> None:
    nl = "# Stappen {#steps}\n\n## Stap 1: vraag de school {#step-1-ask-the-school}\n\n"
    nl += "## Stap 2: tel de auto's {#step-2-count-the-cars}\n\n"
    nl += "## Stap 3: vraag een proef aan {#step-3-apply-for-a-trial}\n"
    root = make_site(tmp_path / "site", {"steps": STEPS_EN})
    write(tmp_path / "nl" / "steps.md", nl)
    assert check.findings(load(root), check.Lint(tmp_path / "nl", "nl", None, "nl")) == []


def test_lint_without_source_dir_finds_the_english_it_was_translated_from_in_git(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"plan": EN_OLD, "other": "# Other\n"})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "old", "--date=2024-01-10T12:00:00+00:00")
    write(root / "source" / "plan.md", EN_NOW)
    git(root, "commit", "-qam", "renamed", "--date=2024-06-10T12:00:00+00:00")
    nl = write(tmp_path / "nl" / "plan.md", NL_GOOD.replace("{#how-to-help}", "{#ways-to-help}"))
    os.utime(nl, (datetime(2024, 3, 1, tzinfo=UTC).timestamp(),) * 2)
    found = check.findings(load(root), check.Lint(tmp_path / "nl", "nl", None, "nl"))
    (stale,) = [f for f in found if f.code == "anchor-stale"]
    assert "English renamed it to #how-to-help" in stale.message


def test_lint_without_source_dir_compares_with_todays_english(tmp_path: Path) -> None:
    found = lint(tmp_path, NL_GOOD.replace("{#contact}", "{#contact-1}"), None, "[site]\nsmartypants = false\n")
    assert lint_codes(found) == [("id-shifted", 23)]


def test_lint_front_matter_after_blank_lines_is_front_matter_as_mdsvex_reads_it(tmp_path: Path) -> None:
    # mdsvex accepts blank lines before the opening '---'; its YAML is no heading of the page.
    nl = "\n\n" + NL_GOOD.replace("{#tasks--roles}", "{#tasks-roles}")
    found = lint(tmp_path, nl, EN_NOW, "[site]\nsmartypants = false\n")
    assert lint_codes(found) == [("anchor-differs", 17)]


# --------------------------------------------------------------------------- CLI


def test_cli_check_sample_site_is_clean(run: Callable[..., Run]) -> None:
    result = run(REPO, "check")
    assert result.code == 0, result.out + result.err
    assert result.out == ""
    assert "check: 0 errors, 0 warnings" in result.err


def test_cli_seeded_broken_anchor_exits_1_with_path_and_line(site: Path, run: Callable[..., Run]) -> None:
    text = (site / "source/about.md").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    number = next(i for i, line in enumerate(lines, 1) if "(/press#annual-report)" in line)
    (site / "source/about.md").write_text(text.replace("/press#annual-report", "/press#yearly-report"))
    assert run(site, "sync").code == 0  # else the gate also reports the catalogs as stale
    result = run(site, "check")
    assert result.code == 1
    assert result.out.startswith(f"source/about.md:{number}:")
    assert "error [anchor-missing] link to /press#yearly-report" in result.out


def test_cli_seeded_broken_msgstr_anchor_points_at_the_msgstr(site: Path, run: Callable[..., Run]) -> None:
    path = site / "locales/nl/about.po"
    catalog = po.read_po(path)
    entry = next(m for m in catalog.messages if "(#principles)" in m.msgstr)
    translate(site, "about", {entry.msgid: entry.msgstr.replace("(#principles)", "(#principes)")})
    result = run(site, "check")
    assert result.code == 1
    line = po.read_po(path).messages[catalog.messages.index(entry)].msgstr_lineno
    assert result.out.startswith(f"locales/nl/about.po:{line}: error [anchor-missing]")


@pytest.mark.parametrize("fmt", ["json", "github"])
def test_cli_formats(site: Path, run: Callable[..., Run], fmt: str) -> None:
    (site / "source/about.md").write_text(
        (site / "source/about.md").read_text(encoding="utf-8-sig").replace("#annual-report", "#nope")
    )
    assert run(site, "sync").code == 0
    result = run(site, "check", "--format", fmt)
    assert result.code == 1
    if fmt == "json":
        data = json.loads(result.out)
        assert [d["code"] for d in data["findings"]] == ["anchor-missing"]
    else:
        assert result.out.startswith("::error file=source/about.md,line=")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--translated", "x"], "--translated needs --locale"),
        (["--locale", "nl"], "go with --translated"),
        (["--translated", "x", "--locale", "nl", "--fix"], "--fix works on PO files"),
        (["--translated", "nowhere", "--locale", "nl"], "folder does not exist"),
    ],
)
def test_cli_bad_options(site: Path, run: Callable[..., Run], args: list[str], message: str) -> None:
    result = run(site, "check", *args)
    assert result.code == 2
    assert message in result.err


def test_cli_warnings_alone_exit_0(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = po_site(tmp_path, run, {"index": {RUN: RUN}})
    result = run(root, "check")
    assert result.code == 0
    assert "warning [untranslated-same]" in result.out


def test_check_is_deterministic(site: Path, run: Callable[..., Run]) -> None:
    (site / "source/about.md").write_text(
        (site / "source/about.md").read_text(encoding="utf-8-sig").replace("#annual-report", "#nope")
    )
    first, second = run(site, "check", "--format", "json"), run(site, "check", "--format", "json")
    assert first.out == second.out


def test_check_writes_nothing(site: Path, run: Callable[..., Run]) -> None:
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    run(site, "check")
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


# --------------------------------------------------------------------------- golden


GOLDEN = Path(__file__).parent / "golden" / "check"


def seed_defects(site: Path) -> None:
    """One defect per code the sample site can show, each in our own words."""
    about = site / "source/about.md"
    about.write_text(about.read_text(encoding="utf-8-sig").replace("/press#annual-report", "/press#report"))
    events = site / "source/events.md"
    events.write_text(events.read_text().replace("(/press#press-kit)", "(/media)"))
    nl = po.read_po(site / "locales/nl/about.po")
    wanted = {m.msgid: m.msgstr for m in nl.messages}
    principles = next(k for k, v in wanted.items() if "(#principles)" in v)
    translate(site, "about", {principles: wanted[principles].replace("(#principles)", "(#how-we-are-funded)")})
    join = po.read_po(site / "locales/de/join.po")
    target = next(m for m in join.messages if m.msgid == "Sign up")
    translate(site, "join", {target.msgid: "Anmelden {#anmelden}"}, locale="de")


def test_golden_check_output_of_the_sample_site_with_seeded_defects(site: Path, run: Callable[..., Run]) -> None:
    seed_defects(site)
    assert run(site, "sync").code == 0
    result = run(site, "check")
    assert result.code == 1
    if os.environ.get("PIPELINE_REGOLD"):
        (GOLDEN / "sample-seeded.txt").write_text(result.out)
    expected = (GOLDEN / "sample-seeded.txt").read_text()
    assert result.out == expected


def test_golden_json_of_the_clean_sample_site(run: Callable[..., Run]) -> None:
    result = run(REPO, "check", "--format", "json")
    if os.environ.get("PIPELINE_REGOLD"):
        (GOLDEN / "sample.json").write_text(result.out)
    assert result.out == (GOLDEN / "sample.json").read_text()


# --------------------------------------------------------------------------- pure units


def test_urls_resolve_table() -> None:
    urls = check.Urls(check.SiteOptions(base_url="https://www.example.org"), ["index", "a/b", "faq"], ["nl", "de"])
    table = {
        "#x": ("/faq", "nl", "faq", "x"),
        "/a/b/#y": ("/a/b", "nl", "a/b", "y"),
        "/de/faq": ("/faq", "de", "faq", ""),
        "/en/faq#z": ("/faq", None, "faq", "z"),
        "https://example.org/nl/a/b": ("/a/b", "nl", "a/b", ""),
        "../faq": ("/faq", "nl", "faq", ""),
        "/": ("/", "nl", "index", ""),
    }
    for href, (path, locale, page, fragment) in table.items():
        t = urls.resolve(href, "faq", "nl")
        assert t is not None, href
        assert (t.path, t.locale, t.page, t.fragment) == (path, locale, page, fragment), href
    for external in ("https://other.org/x", "mailto:a@b.c", "tel:123", "//cdn.org/x.js", "/img/x.png", ""):
        assert urls.resolve(external, "faq", "nl") is None, external


def test_normalize_treats_locale_prefixes_as_the_same_target() -> None:
    urls = check.Urls(check.SiteOptions(base_url="https://example.org"), ["x"], ["nl"])
    assert urls.normalize("/nl/x#a") == urls.normalize("/x#a") == urls.normalize("https://example.org/x#a") == "/x#a"
    assert urls.normalize("/de/x") == "/de/x"  # de is not a locale of this site


def test_served_ids_skip_explicit_ids_when_numbering() -> None:
    doc = segment_page(Page("p", "p.md", "# A\n\n## A {#a}\n\n## A\n\n## B -- C\n"))
    assert [h.served for h in check.served_headings(doc, True)] == ["a", "a", "a-1", "b--c"]
    assert [h.served for h in check.served_headings(doc, False)] == ["a", "a", "a-1", "b----c"]


def test_align_headings_pairs_a_rename_in_place() -> None:
    old = segment_page(Page("p", "p.md", "# T\n\n## One\n\n## Two\n\n## Three\n"))
    new = segment_page(Page("p", "p.md", "# T\n\n## One\n\n## Second\n\n## Three\n"))
    renames = check.renames_between("p", check.served_headings(old, True), check.served_headings(new, True), "test")
    assert {k: v.new for k, v in renames.items()} == {"two": "second"}


def test_html_tags_find_links_inside_js_strings_given_to_components() -> None:
    page = "<Tabs tabs={[\n{\ncontent: `\n\n<h3>Title</h3>\n"
    page += '<p>Read the <a href="/faq#x">FAQ</a>, it isn\'t long.</p>\n`\n}\n]} />\n'
    doc = segment_page(Page("p", "p.md", page))
    facts = check.page_facts(doc, True)
    assert [link.href for link in facts.links] == ["/faq#x"]
