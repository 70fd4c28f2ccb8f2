"""External links and link counts in lint and PO mode; ``[check] link_equivalents``; link-destination forms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run, write
from test_check import make_site, translate

from pipeline.check import checker as check
from pipeline.check.linkdiff import compare_links, external_key
from pipeline.check.options import Equivalent, LinkOptions
from pipeline.errors import ConfigError
from pipeline.model import Finding, Severity
from pipeline.workspace.settings import load

WIKI = '[check.link_equivalents]\n"https://en.wikipedia.org/wiki/*" = "https://{locale}.wikipedia.org/wiki/*"\n'

EN = """# Bikes

## Why {#why}

Bikes are [quiet](https://en.wikipedia.org/wiki/Noise_pollution) and the
[school run](https://example.net/school-run) is short. Join the [chat](https://chat.example/invite/AAA).
More at [reasons](https://example.org/reasons) and [more](https://example.org/more) and [map](/map).
"""

NL = """# Fietsen {#bikes}

## Waarom {#why}

Fietsen zijn [stil](https://en.wikipedia.org/wiki/Noise_pollution) en de
[schoolrit](https://example.net/school-run) is kort. Doe mee in de [chat](https://chat.example/invite/AAA).
Meer bij [redenen](https://example.org/reasons) en [meer](https://example.org/more) en [kaart](/map).
"""


def lint(tmp_path: Path, nl: str, toml: str = "") -> list[Finding]:
    root = make_site(tmp_path / "site", {"bikes": EN, "map": "# Map\n"}, toml)
    write(tmp_path / "nl" / "bikes.md", nl)
    write(tmp_path / "old" / "bikes.md", EN)
    return check.findings(load(root), check.Lint(tmp_path / "nl", "nl", tmp_path / "old", "nl", "old"))


def test_lint_same_external_links_have_no_findings(tmp_path: Path) -> None:
    assert lint(tmp_path, NL) == []


def test_lint_changed_external_link_is_reported_with_the_english_one(tmp_path: Path) -> None:
    found = lint(tmp_path, NL.replace("invite/AAA", "invite/BBB"))
    assert [(f.code, f.line) for f in found] == [("link-target", 6)]
    assert "https://chat.example/invite/BBB" in found[0].message
    assert "where the English links to https://chat.example/invite/AAA (old/bikes.md:6)" in found[0].message


def test_lint_localized_encyclopedia_link_is_an_error_without_equivalents(tmp_path: Path) -> None:
    nl = NL.replace("https://en.wikipedia.org/wiki/Noise_pollution", "https://nl.wikipedia.org/wiki/Geluidshinder")
    found = lint(tmp_path, nl)
    assert [(f.code, f.severity) for f in found] == [("link-target", Severity.ERROR)]


def test_lint_localized_encyclopedia_link_is_a_notice_with_equivalents(tmp_path: Path) -> None:
    nl = NL.replace("https://en.wikipedia.org/wiki/Noise_pollution", "https://nl.wikipedia.org/wiki/Geluidshinder")
    found = lint(tmp_path, nl, WIKI)
    assert [(f.code, f.severity, f.line) for f in found] == [("link-localized", Severity.NOTICE, 5)]
    assert "https://en.wikipedia.org/wiki/Noise_pollution" in found[0].message


def test_lint_equivalents_do_not_excuse_another_host(tmp_path: Path) -> None:
    nl = NL.replace("https://en.wikipedia.org/wiki/Noise_pollution", "https://de.wikipedia.org/wiki/Laerm")
    assert [f.code for f in lint(tmp_path, nl, WIKI)] == ["link-target"]


def test_lint_dropped_external_links_are_counted(tmp_path: Path) -> None:
    nl = NL.replace("[redenen](https://example.org/reasons)", "redenen").replace(
        "[meer](https://example.org/more)", "meer"
    )
    found = lint(tmp_path, nl)
    assert [(f.code, f.line) for f in found] == [("link-count", 3)]
    assert "https://example.org/more, https://example.org/reasons" in found[0].message
    assert "the page has 4 links, the English 6" in found[0].message


def test_lint_trivial_url_spellings_are_the_same_link(tmp_path: Path) -> None:
    nl = NL.replace("https://example.net/school-run", "http://www.Example.net/school-run/")
    assert lint(tmp_path, nl) == []


def test_lint_reordered_links_are_no_change(tmp_path: Path) -> None:
    nl = NL.replace(
        "[redenen](https://example.org/reasons) en [meer](https://example.org/more)",
        "[meer](https://example.org/more) en [redenen](https://example.org/reasons)",
    )
    assert lint(tmp_path, nl) == []


# --------------------------------------------------------------------------- PO mode


def po_findings(tmp_path: Path, run: Callable[..., Run], msgstr: str, toml: str = "") -> list[Finding]:
    root = make_site(tmp_path / "site", {"bikes": EN, "map": "# Map\n"}, toml)
    assert run(root, "sync").code == 0
    para = EN.split("\n\n")[2].strip().replace("\n", " ")
    translate(root, "bikes", {para: msgstr})
    return [f for f in check.findings(load(root)) if f.path.endswith(".po")]


def test_po_changed_external_link_names_both(tmp_path: Path, run: Callable[..., Run]) -> None:
    para = EN.split("\n\n")[2].strip().replace("\n", " ")
    found = po_findings(tmp_path, run, para.replace("invite/AAA", "invite/BBB").replace("Bikes are", "Fietsen"))
    assert [f.code for f in found] == ["link-target"]
    assert (
        "https://chat.example/invite/BBB where the msgid links to https://chat.example/invite/AAA" in found[0].message
    )


def test_po_localized_link_is_a_notice(tmp_path: Path, run: Callable[..., Run]) -> None:
    para = EN.split("\n\n")[2].strip().replace("\n", " ")
    msgstr = para.replace("https://en.wikipedia.org/wiki/Noise_pollution", "https://nl.wikipedia.org/wiki/Geluid")
    found = po_findings(tmp_path, run, msgstr.replace("Bikes are", "Fietsen"), WIKI)
    assert [(f.code, f.severity) for f in found] == [("link-localized", Severity.NOTICE)]


def test_po_angle_bracket_localized_link_is_not_unsafe(tmp_path: Path, run: Callable[..., Run]) -> None:
    en = EN.replace("(https://en.wikipedia.org/wiki/Noise_pollution)", "(<https://en.wikipedia.org/wiki/Noise_(x)>)")
    root = make_site(tmp_path / "site", {"bikes": en, "map": "# Map\n"}, WIKI)
    assert run(root, "sync").code == 0
    para = en.split("\n\n")[2].strip().replace("\n", " ")
    msgstr = para.replace("<https://en.wikipedia.org/wiki/Noise_(x)>", "<https://nl.wikipedia.org/wiki/Geluid_(x)>")
    translate(root, "bikes", {para: msgstr.replace("Bikes are", "Fietsen")})
    found = [f for f in check.findings(load(root)) if f.path.endswith(".po")]
    assert [f.code for f in found] == ["link-localized"]


# --------------------------------------------------------------------------- units


def test_compare_links_pairs_a_changed_link_with_the_english_one() -> None:
    en = ["/a", "https://x.org/1", "https://y.org/2", "/b"]
    tr = ["/a", "https://y.org/2", "https://x.org/9"]
    changes = compare_links(en, tr, external_key, lambda e, t: False)
    assert [(c.translated, c.english) for c in changes] == [(2, 1), (None, 3)]


def test_compare_links_never_pairs_internal_with_external() -> None:
    changes = compare_links(["/a"], ["https://x.org/"], external_key, lambda e, t: False)
    assert [(c.translated, c.english) for c in changes] == [(0, None), (None, 0)]


@pytest.mark.parametrize(
    ("english", "translated", "locale", "ok"),
    [
        ("https://en.wikipedia.org/wiki/A", "https://nl.wikipedia.org/wiki/B", "nl", True),
        ("https://en.wikipedia.org/wiki/A", "https://pt.wikipedia.org/wiki/B", "pt_BR", True),
        ("https://en.wikipedia.org/wiki/A", "https://de.wikipedia.org/wiki/B", "nl", False),
        ("https://en.wiktionary.org/wiki/A", "https://nl.wikipedia.org/wiki/B", "nl", False),
    ],
)
def test_equivalent_patterns(english: str, translated: str, locale: str, ok: bool) -> None:
    rule = Equivalent("https://en.wikipedia.org/wiki/*", "https://{lang}.wikipedia.org/wiki/*")
    assert rule.matches(english, translated, locale) is ok


def test_link_equivalents_must_be_a_table_of_patterns(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"bikes": EN}, '[check]\nlink_equivalents = ["x"]\n')
    with pytest.raises(ConfigError) as err:
        check.findings(load(root))
    assert err.value.line == 3


def test_check_options_from_table() -> None:
    opts = LinkOptions.from_table({"link_equivalents": {"https://a/*": ["https://b/*", "https://c/*"]}})
    assert opts.localized("https://a/x", "https://c/y", "nl") and not opts.upstream_blocks


# --------------------------------------------------------------------------- heading ids in lint mode


def test_lint_smartypants_rewritten_suffixed_id_is_reported_under_its_served_id(tmp_path: Path) -> None:
    from test_check import NL_GOOD
    from test_check import lint as lint_plan

    found = lint_plan(tmp_path, NL_GOOD.replace("{#tasks--roles}", "{#tasks--roles-1}"))
    at = sorted((f.code, f.line) for f in found)
    assert at == [("anchor-differs", 15), ("id-shifted", 15)]
    differs = next(f for f in found if f.code == "anchor-differs")
    assert "#tasks—roles-1" in differs.message and "#tasks--roles" in differs.message


def test_lint_ids_on_a_page_the_english_removed_are_stale(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"map": "# Map\n"})
    write(tmp_path / "nl" / "gone.md", "# Weg {#gone}\n\nTekst.\n\n## Deel {#part}\n\n## Zonder id\n")
    found = check.findings(load(root), check.Lint(tmp_path / "nl", "nl", None, "nl"))
    assert [(f.code, f.line) for f in found] == [("anchor-stale", 1), ("anchor-stale", 5)]
    assert "#part" in found[1].message and "no page gone" in found[1].message


STRATEGY_EN = (
    "# Strategy\n\n## How we talk\n\nA.\n\n## No-gos\n\nB.\n\n## Stories we tell\n\nC.\n\n## Audiences\n\nD.\n"
)


def lint_page(tmp_path: Path, english: str, dutch: str) -> list[tuple[str, int]]:
    root = make_site(tmp_path / "site", {"page": english})
    write(tmp_path / "nl" / "page.md", dutch)
    found = check.findings(load(root), check.Lint(tmp_path / "nl", "nl", None, "nl"))
    return [(f.code, f.line) for f in found]


def test_lint_swapped_ids_with_unlike_texts_are_id_shifted(tmp_path: Path) -> None:
    # two ids swapped; the Dutch texts look nothing like the English, so only position tells
    nl = "# Strategie {#strategy}\n\n## Hoe wij praten {#how-we-talk}\n\nA.\n\n## Niet doen {#no-gos}\n\nB.\n\n"
    nl += "## Verhalen die we vertellen {#audiences}\n\nC.\n\n## Doelgroepen {#stories-we-tell}\n\nD.\n"
    assert lint_page(tmp_path, STRATEGY_EN, nl) == [("id-shifted", 11)]


def test_lint_last_heading_without_id_pairs_by_position(tmp_path: Path) -> None:
    en = "# Guide\n\n## Steps\n\n### Step 4: follow up\n\nA.\n\n### Bonus tips for the meeting\n\nB.\n\n## FAQs\n\nC.\n"
    nl = "# Gids {#guide}\n\n## Stappen {#steps}\n\n### Stap 4: volg op {#step-4-follow-up}\n\nA.\n\n"
    nl += "### Extra tips voor de ontmoeting {#bonus-tips-for-the-meeting}\n\nB.\n\n## Veelgestelde vragen\n\nC.\n"
    assert lint_page(tmp_path, en, nl) == [("anchor-differs", 13)]


# --------------------------------------------------------------------------- the real Dutch pages


@pytest.mark.corpus
@pytest.mark.slow
def test_lint_finds_the_real_dutch_link_and_id_defects(tmp_path: Path) -> None:
    from conftest import corpus_dir

    en, nl, then = corpus_dir("en"), corpus_dir("nl"), corpus_dir("en-for-nl")
    root = tmp_path / "site"
    (root / "source").mkdir(parents=True)
    for page in en.glob("*.md"):
        (root / "source" / page.name).write_bytes(page.read_bytes())
    toml = '[site]\nbase_url = "https://pauseai.info"\n' + WIKI
    write(root / "pipeline.toml", 'locales = ["nl"]\n' + toml)
    found = check.findings(load(root), check.Lint(nl, "nl", then, "nl", "en-for-nl"))
    at = {(f.path, f.line, f.code): f for f in found}
    # smartypants rewrites a suffixed id: reported under its served form
    assert "#tasks—responsibilities-1" in at[("nl/2024-vacancy-organizing-director.md", 26, "anchor-differs")].message
    # ids on a page the English removed
    assert ("nl/growth-strategy.md", 26, "anchor-stale") in at
    # another chat-server invite than the English, with the English one beside it
    invite = at[("nl/lobby-tips.md", 73, "link-target")]
    assert "https://discord.gg/YfZujPdHSZ" in invite.message
    # a localized encyclopedia article (the <…> destination form) is a notice
    assert at[("nl/cybersecurity-risks.md", 10, "link-localized")].severity is Severity.NOTICE
    # dropped text: 4 links where the English has 21
    assert any("the page has 4 links, the English 21" in f.message for f in found if f.path == "nl/environmental.md")
