"""The MDX dialect: what is text and what is structure, how build keeps structure, and the
real MDX compiler (``tests/mdx_oracle.py``) as the judge of built pages and heading ids."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import CORPUS, pseudo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mdx_oracle import available, compile_pages, strip_text

from pipeline.model import Kind, Page
from pipeline.segment.slug import Slugger
from pipeline.segment.walker import Options, segment_page
from pipeline.stages.build import build_page

MDX = Options(dialect="mdx", html_attributes=("alt", "title", "label", "description", "caption"))

PAGE = """---
title: Components
description: How to use components.
---

import { Card, CardGrid } from '@astrojs/starlight/components';
import Tabs from '~/components/tabs.astro';
export const meta = { answer: 42 };

{/* A comment for authors: it's not text */}

Intro paragraph with a {frontmatter.title} expression and `<Card>` code.

<CardGrid stagger>
	<Card title="Stars" icon="star">
		Tab-indented text inside a card,
		over two lines.
	</Card>
	<Card
		title="Moons"
		icon={'moon'}
		data={[1, 2]}
	>
		Second card.
	</Card>
</CardGrid>

:::tip[Did you know?]{icon="heart"}
An aside with a label.
:::

:::note
- A list item inside an aside.
- Another one.
:::

:::caution Mind the gap
Docusaurus titles follow the name.
:::

<Aside type="tip">Inline aside text.</Aside>

## Heading with `code` and <b>bold</b>

<Tabs>
<TabItem label="npm">

```sh
npm install
```

</TabItem>
</Tabs>
"""


def _segments(text: str, options: Options = MDX) -> list[tuple[Kind, str]]:
    return [(s.kind, s.msgid) for s in segment_page(Page("p", "p.mdx", text), options).segments]


def test_code_and_structure_never_reach_a_translator() -> None:
    msgids = [m for _, m in _segments(PAGE)]
    assert msgids == [
        "Components",
        "How to use components.",
        "Intro paragraph with a {frontmatter.title} expression and `<Card>` code.",
        "Stars",
        "Tab-indented text inside a card, over two lines.",
        "Moons",
        "Second card.",
        "Did you know?",
        "An aside with a label.",
        "A list item inside an aside.",
        "Another one.",
        "Mind the gap",
        "Docusaurus titles follow the name.",
        "Inline aside text.",
        "Heading with `code` and <b>bold</b>",
        "npm",
    ]


def test_kinds_of_props_and_labels() -> None:
    kinds = dict((m, k) for k, m in _segments(PAGE))
    assert kinds["Stars"] is Kind.HTML_ATTR
    assert kinds["Did you know?"] is Kind.LABEL
    assert kinds["Mind the gap"] is Kind.LABEL


def test_mdsvex_reads_the_same_page_as_before() -> None:
    """The default dialect is unchanged: ESM lines are text there (mdsvex has no ESM outside <script>)."""
    msgids = [m for _, m in _segments(PAGE, Options())]
    assert any(m.startswith("import {") for m in msgids)


def test_identity_build_is_byte_exact() -> None:
    doc = segment_page(Page("p", "p.mdx", PAGE), MDX)
    assert build_page(doc, {}, MDX).text == PAGE
    same = {(s.msgctxt, s.msgid): s.msgid for s in doc.segments}
    assert build_page(doc, same, MDX).text == PAGE


def test_pseudo_translation_keeps_every_structure_line() -> None:
    doc = segment_page(Page("p", "p.mdx", PAGE), MDX)
    built = build_page(doc, {(s.msgctxt, s.msgid): pseudo(s.msgid) for s in doc.segments}, MDX)
    assert built.fallbacks == ()
    english = PAGE.splitlines()
    out = built.text.splitlines()
    assert len(out) == len(english)
    for a, b in zip(english, out, strict=True):
        if a.lstrip().startswith(("import", "export", "{", "```", "npm", "</", "<CardGrid", ":::note")):
            assert a == b  # code and structure: as in the English
        elif a.lstrip().startswith(("<", ":::")):
            assert a.upper() == b.upper()  # structure with a translated prop or label
    assert ':::tip[DID YOU KNOW?]{icon="heart"}' in out
    assert ":::caution MIND THE GAP" in out
    assert '<Aside type="tip">INLINE ASIDE TEXT.</Aside>' in out


def test_no_heading_id_is_written_in_mdx() -> None:
    text = "## Why\n\nSee [why](#why).\n"
    doc = segment_page(Page("p", "p.mdx", text), MDX)
    built = build_page(doc, {(None, "Why"): "Warum"}, MDX)
    assert built.text.startswith("## Warum\n")
    assert "{#" not in built.text


@pytest.mark.parametrize(
    ("english", "translation", "reason"),
    [
        ('Use <Badge text="x" /> here.', "Nutze hier.", "JSX tags differ"),
        ("Some <b>bold</b> text.", "Etwas <b>fett text.", "JSX tags differ"),
        ("Some <b>bold <i>it</i></b> text.", "Etwas <b>fett <i>es</b></i> Text.", "not nested"),
        ("Value {a} here.", "Wert {b} hier.", "placeholders"),
        ("Plain text.", "Text mit { Klammer.", "unsafe: adds the code {klammer."),
        ('See :abbr[HTML]{title="x"} here.', 'Siehe :ABBR[HTML]{title="x"} hier.', "text directives differ"),
        ("Plain text.", "Text <mit Spitze.", "unsafe: adds HTML <mit>"),
    ],
)
def test_a_translation_that_changes_jsx_or_expressions_is_refused(english: str, translation: str, reason: str) -> None:
    text = f"# T\n\n{english}\n"
    doc = segment_page(Page("p", "p.mdx", text), MDX)
    built = build_page(doc, {(None, english): translation}, MDX)
    assert built.text == text
    assert len(built.fallbacks) == 1
    assert reason in built.fallbacks[0][1]


def test_a_long_translation_never_puts_a_brace_or_marker_at_a_line_start() -> None:
    english = "First line of text here\nsecond line of text here.\n"
    text = f"# T\n\n{english}"
    doc = segment_page(Page("p", "p.mdx", text), MDX)
    t = "Erste Zeile :::note und {x} und import Text export hier."
    built = build_page(doc, {(None, "First line of text here second line of text here."): t}, MDX)
    # the {x} placeholder is not in the English: refused; use one without braces
    t = "Erste Zeile hier ::: und noch import mehr Text und export hier zu Ende."
    built = build_page(doc, {(None, "First line of text here second line of text here."): t}, MDX)
    assert built.fallbacks == ()
    for line in built.text.splitlines()[2:]:
        assert not line.startswith((":::", "import", "export", "{"))


def test_jsx_close_tag_indented_by_a_tab_ends_the_paragraph() -> None:
    text = "<Card>\n\tText in the card.\n\t</Card>\n"
    assert _segments(text) == [(Kind.PARAGRAPH, "Text in the card.")]


def test_unbalanced_tags_at_paragraph_edges_are_left_out() -> None:
    text = '<Aside type="tip">Some content\nmore text.\n</Aside>\n'
    assert _segments(text) == [(Kind.PARAGRAPH, "Some content more text.")]


def test_nested_jsx_and_comments() -> None:
    text = (
        '<Outer>\n  <Inner title="Inner title">\n    {/* note: don\'t translate { this } */}\n'
        "    Deep text.\n  </Inner>\n</Outer>\n"
    )
    assert _segments(text) == [(Kind.HTML_ATTR, "Inner title"), (Kind.PARAGRAPH, "Deep text.")]


# --------------------------------------------------------------------------- the real compiler


def _oracle() -> None:
    missing = available()
    if missing:
        pytest.skip(f"MDX compiler not available: {missing}")


TRICKY = [
    PAGE,
    "# Café & Straße 2024\n\n## Why? Because!\n\n## A -- B\n\n## Same\n\n## Same\n\n## `code` and *em*\n",
    "## 1. Introduction\n\n## Q&A: 5 -- 10 people\n\n## Don't stop... now\n\n## Ünïcödé ✨ emoji\n",
]


def test_our_slugs_are_github_slugger_ids() -> None:
    _oracle()
    compiled = compile_pages([("p.mdx", t) for t in TRICKY])
    for text, result in zip(TRICKY, compiled, strict=True):
        assert result.error is None
        doc = segment_page(Page("p", "p.mdx", text), MDX)
        assert [h.anchor for h in doc.headings] == result.ids
    slugger = Slugger()
    assert [slugger.slug(t) for t in ("Same", "Same", "Same-1")] == ["same", "same-1", "same-1-1"]


def test_built_pages_compile_with_the_english_structure() -> None:
    _oracle()
    docs = [segment_page(Page("p", "p.mdx", t), MDX) for t in TRICKY]
    built = [build_page(d, {(s.msgctxt, s.msgid): pseudo(s.msgid) for s in d.segments}, MDX).text for d in docs]
    results = compile_pages([("p.mdx", t) for t in TRICKY + built])
    props = frozenset(MDX.html_attributes)
    n = len(TRICKY)
    for english, translated in zip(results[:n], results[n:], strict=True):
        assert english.error is None and translated.error is None, translated.error
        assert strip_text(english.skeleton, props) == strip_text(translated.skeleton, props)
    # each locale's ids are slugs of its own heading text
    doc = segment_page(Page("p", "p.mdx", built[1]), MDX)
    assert [h.anchor for h in doc.headings] == results[n + 1].ids


# --------------------------------------------------------------------------- a site


def _site(tmp_path: Path, config: str) -> Path:
    root = tmp_path / "site"
    (root / "source" / "guide").mkdir(parents=True)
    (root / "pipeline.toml").write_text(config, encoding="utf-8")
    (root / "source" / "index.mdx").write_text(PAGE, encoding="utf-8")
    (root / "source" / "guide" / "plain.md").write_text("# Plain\n\nA plain page.\n", encoding="utf-8")
    return root


def test_mdx_site_finds_md_and_mdx_pages_and_builds_each_with_its_extension(
    tmp_path: Path, run: Callable[..., object]
) -> None:
    root = _site(tmp_path, 'locales = ["de"]\n\n[site]\ndialect = "mdx"\n')
    result = run(root, "sync")
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    assert (root / "locales" / "templates" / "index.pot").is_file()
    assert (root / "build" / "de" / "index.mdx").read_text(encoding="utf-8") == PAGE
    assert (root / "build" / "de" / "guide" / "plain.md").is_file()
    pot = (root / "locales" / "templates" / "index.pot").read_text(encoding="utf-8")
    assert "import" not in pot and "Did you know?" in pot
    again = run(root, "sync")
    assert again.code == 0  # type: ignore[attr-defined]


def test_default_dialect_reads_no_mdx_page(tmp_path: Path, run: Callable[..., object]) -> None:
    root = _site(tmp_path, 'locales = ["de"]\n')
    assert run(root, "sync").code == 0  # type: ignore[attr-defined]
    assert not (root / "locales" / "templates" / "index.pot").exists()


def test_extensions_are_configurable(tmp_path: Path, run: Callable[..., object]) -> None:
    root = _site(tmp_path, 'locales = ["de"]\n\n[site]\ndialect = "mdx"\nextensions = [".mdx"]\n')
    assert run(root, "sync").code == 0  # type: ignore[attr-defined]
    assert (root / "locales" / "templates" / "index.pot").is_file()
    assert not (root / "locales" / "templates" / "guide" / "plain.pot").exists()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('[site]\ndialect = "rst"\n', "dialect = 'rst'"),
        ('[site]\ndialect = "mdx"\nextensions = ["mdx"]\n', "extensions must be a list of file extensions"),
    ],
)
def test_bad_dialect_settings_are_errors(tmp_path: Path, run: Callable[..., object], config: str, message: str) -> None:
    root = _site(tmp_path, config)
    result = run(root, "sync")
    assert result.code != 0  # type: ignore[attr-defined]
    assert message in result.err  # type: ignore[attr-defined]
    assert "pipeline.toml:" in result.err  # type: ignore[attr-defined]


def test_two_pages_with_one_name_are_refused(tmp_path: Path, run: Callable[..., object]) -> None:
    root = _site(tmp_path, 'locales = ["de"]\n\n[site]\ndialect = "mdx"\n')
    (root / "source" / "index.md").write_text("# Other\n", encoding="utf-8")
    result = run(root, "sync")
    assert result.code != 0  # type: ignore[attr-defined]
    assert "two pages named 'index'" in result.err  # type: ignore[attr-defined]
    assert not (root / "locales").exists()


# --------------------------------------------------------------------------- the Starlight corpus


@pytest.mark.corpus
def test_starlight_identity_pseudo_and_imports_compile(tmp_path: Path, run: Callable[..., object]) -> None:
    corpus = CORPUS.parent / "starlight"
    if not (corpus / "en").is_dir():
        pytest.skip(f"corpus not found at {corpus} (set PIPELINE_CORPUS or put ../shared beside the repo)")
    _oracle()
    root = tmp_path / "site"
    root.mkdir()
    shutil.copytree(corpus / "en", root / "source")
    (root / "pipeline.toml").write_text('locales = ["de"]\n\n[site]\ndialect = "mdx"\n', encoding="utf-8")
    result = run(root, "import", "--locale", "de", "--source-dir", str(corpus / "en-for-de"), str(corpus / "de"))
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    assert run(root, "sync", "-q").code == 0  # type: ignore[attr-defined]
    built = sorted(p for p in (root / "build" / "de").rglob("*") if p.is_file())
    assert len(built) == 37
    results = compile_pages([(p.name, p.read_text(encoding="utf-8")) for p in built])
    assert [(p.name, r.error) for p, r in zip(built, results, strict=True) if r.error] == []


def test_front_matter_lists_of_mappings_are_reachable() -> None:
    text = (
        "---\ntitle: Home\nhero:\n  tagline: Shine.\n  actions:\n    - text: Get started\n      link: /start/\n"
        "    - text: View on GitHub\n      icon: external\n"
        "head:\n  - tag: title\n    content: Custom title\n---\n\nBody.\n"
    )
    options = Options(front_matter=("title", "hero.tagline", "hero.actions[].text", "head[].content"))
    doc = segment_page(Page("p", "p.md", text), options)
    assert [(s.key, s.msgid) for s in doc.segments] == [
        ("title", "Home"),
        ("hero.tagline", "Shine."),
        ("hero.actions[].text", "Get started"),
        ("hero.actions[].text", "View on GitHub"),
        ("head[].content", "Custom title"),
        (None, "Body."),
    ]
    built = build_page(doc, {(s.msgctxt, s.msgid): pseudo(s.msgid) for s in doc.segments}, options)
    assert "    - text: GET STARTED\n      link: /start/\n" in built.text
    assert build_page(doc, {}, options).text == text


TOML_PAGE = """+++
title = "Getting started"
description = 'Install it, then "run" it.'
draft = false
weight = 3

[params]
subtitle = "A short tour"   # shown under the title
+++

Body text.
"""


def test_toml_front_matter_is_read_and_rebuilt_byte_exact() -> None:
    options = Options(dialect="markdown", front_matter=("title", "description", "params.subtitle"))
    doc = segment_page(Page("p", "p.md", TOML_PAGE), options)
    assert doc.title == "Getting started"
    assert [(s.key, s.msgid) for s in doc.segments] == [
        ("title", "Getting started"),
        ("description", 'Install it, then "run" it.'),
        ("params.subtitle", "A short tour"),
        (None, "Body text."),
    ]
    assert build_page(doc, {}, options).text == TOML_PAGE
    table = {
        (None, "Getting started"): 'Erste "Schritte"',
        (None, 'Install it, then "run" it.'): "Installier's, dann starte es.",
        (None, "A short tour"): "Eine kurze Tour",
    }
    built = build_page(doc, table, options)
    assert built.fallbacks == ()
    assert 'title = "Erste \\"Schritte\\""\n' in built.text
    assert 'description = "Installier\'s, dann starte es."\n' in built.text
    assert 'subtitle = "Eine kurze Tour"   # shown under the title\n' in built.text
    import tomllib

    data = tomllib.loads(built.text.split("+++")[1])
    assert data["title"] == 'Erste "Schritte"' and data["weight"] == 3


def test_toml_front_matter_errors_and_mdsvex() -> None:
    from pipeline.errors import InputError

    with pytest.raises(InputError, match="not valid TOML"):
        segment_page(Page("p", "p.md", "+++\ntitle = \n+++\n"), Options(dialect="markdown"))
    with pytest.raises(InputError, match="never closed"):
        segment_page(Page("p", "p.md", "+++\ntitle = 'x'\n"), Options(dialect="markdown"))
    # mdsvex has no TOML front matter: the page reads as before
    assert segment_page(Page("p", "p.md", TOML_PAGE)).front_matter is None


def test_i18n_directives_are_jsx_comments_in_mdx() -> None:
    text = (
        "{/* i18n:skip */}\nSkipped paragraph.\n\n{/* i18n:comment: Keep the brand. */}\nStarlight shines.\n\n"
        '{/* i18n:skip-start */}\n<Card title="Hidden">\nHidden text.\n</Card>\n{/* i18n:skip-end */}\n\nShown.\n'
    )
    doc = segment_page(Page("p", "p.mdx", text), MDX)
    assert [s.msgid for s in doc.segments] == ["Starlight shines.", "Shown."]
    assert "Keep the brand." in doc.segments[0].comments


def test_pull_brings_mdx_pages_and_renames_keep_their_translations(tmp_path: Path, run: Callable[..., object]) -> None:
    from gitsite import POSTS, Upstream, project

    upstream = Upstream(tmp_path / "upstream")
    upstream.write("guide.mdx", "import X from 'x';\n\n# Guide\n\nRead this.\n")
    site = project(tmp_path / "site", str(upstream.root), extra='\n[site]\ndialect = "mdx"\n')
    result = run(site, "pull")
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    assert (site / "source" / "guide.mdx").is_file() and (site / "source" / "walk.md").is_file()
    assert run(site, "sync", "-q").code == 0  # type: ignore[attr-defined]
    assert (site / "locales" / "nl" / "guide.po").is_file()
    git_mv = upstream.root / POSTS
    (git_mv / "guide.mdx").rename(git_mv / "tour.mdx")
    upstream.commit("rename")
    result = run(site, "pull")
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    assert (site / "locales" / "nl" / "tour.po").is_file() and not (site / "locales" / "nl" / "guide.po").exists()


def test_astro_heading_ids_drop_repeated_and_edge_hyphens() -> None:
    text = "## A -- B\n\n## Arrows ->\n\n## A -- B\n\n## Tab\u00a0stop\n"
    github = segment_page(Page("p", "p.mdx", text), MDX)
    astro = segment_page(Page("p", "p.mdx", text), replace(MDX, heading_ids="astro"))
    assert [h.anchor for h in github.headings] == ["a----b", "arrows--", "a----b-1", "tabstop"]
    assert [h.anchor for h in astro.headings] == ["a-b", "arrows", "a-b-1", "tab-stop"]


MDX_TOKENS = [
    "import X from 'x';",
    "export const a = 1;",
    '<Card title="Stars">',
    "</Card>",
    "<Aside>",
    "</Aside>",
    "<Icon name='x' />",
    "<>",
    "</>",
    ":::note",
    ":::tip[Label *x*]",
    ":::caution Title",
    ":::",
    "::leaf[x]",
    "{/* c */}",
    "{x}",
    "{",
    "}",
    "`",
    "```",
    "## ",
    "- ",
    "> ",
    "text",
    "more words",
    "Ünï",
    "\n",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    "  ",
    "<",
    "[a](/b#c)",
    "---",
    "+++",
    "title = 'x'",
    "title: x",
    "labels={{ a: 'b c' }}",
    "\\",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(MDX_TOKENS), max_size=60).map("".join))
def test_fuzz_mdx_identity_and_pseudo_never_crash(text: str) -> None:
    from pipeline.errors import InputError

    try:
        doc = segment_page(Page("p", "p.mdx", text), MDX)
    except InputError:
        return
    assert build_page(doc, {}, MDX).text == text
    build_page(doc, {(s.msgctxt, s.msgid): pseudo(s.msgid) for s in doc.segments}, MDX)


def test_docusaurus_explicit_heading_ids_stay_out_of_the_text() -> None:
    text = "## Hello {#custom-id}\n\n## Other\n"
    doc = segment_page(Page("p", "p.mdx", text), MDX)
    assert [s.msgid for s in doc.segments] == ["Hello", "Other"]
    assert [h.anchor for h in doc.headings] == ["custom-id", "other"]
    built = build_page(doc, {(None, "Hello"): "Hallo", (None, "Other"): "Andere"}, MDX)
    assert built.text == "## Hallo {#custom-id}\n\n## Andere\n"
