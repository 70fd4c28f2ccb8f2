"""What translators localize beyond prose, kept through import and build: fenced code blocks
(``[segment] code_blocks``), and the rest of this file's topics. Invented pages only; the real
MDX compiler (``tests/mdx_oracle.py``) judges the built pages where it is installed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import Run, pseudo
from mdx_oracle import available, compile_pages, strip_text

from pipeline.errors import ConfigError
from pipeline.importer.run import EnglishVersion, import_page
from pipeline.model import Kind, Message, Page
from pipeline.segment.walker import Options, segment_page
from pipeline.stages.build import Placement, build_page, localized_link, rebased_import, translations
from pipeline.stages.extract import is_code, template_messages
from pipeline.workspace.settings import from_dict

MDX = Options(dialect="mdx", html_attributes=("alt", "title", "label"))
CODE = replace(MDX, code_blocks=("*",))

PAGE = """---
title: Lanterns
---

import { Steps } from '@kit/components';

Lanterns light the path.

<Steps>

1. Write the config:

   ```js title="lantern.config.js" {3}
   // Where the lanterns hang
   export default {
   \tcolour: 'amber',

   \tlabel: 'Front door',
   };
   ```

2. Light them.

</Steps>

````md
```sh
npm run light
```
````

> ```txt
> quoted lantern
> ```
"""


def _code(doc_text: str = PAGE, options: Options = CODE) -> list[str]:
    return [s.msgid for s in segment_page(Page("p", "p.mdx", doc_text), options).segments if s.kind is Kind.CODE]


def test_code_blocks_are_structure_unless_the_site_asks() -> None:
    assert _code(options=MDX) == []
    blocks = _code()
    assert blocks[0] == (
        '```js title="lantern.config.js" {3}\n// Where the lanterns hang\nexport default {\n'
        "\tcolour: 'amber',\n\n\tlabel: 'Front door',\n};\n```"
    )
    assert blocks[1] == "````md\n```sh\nnpm run light\n```\n````"
    assert blocks[2] == "```txt\nquoted lantern\n```"
    assert _code(options=replace(MDX, code_blocks=("md", "txt"))) == blocks[1:]


def test_an_unclosed_or_letterless_block_stays_code() -> None:
    assert _code("Text.\n\n```js\nconst a = 1;\n") == []
    assert _code("Text.\n\n```\n1 + 2\n```\n") == []
    assert _code('Text.\n\n```sh title="Run it"\n$ 1 + 2\n```\n') == ['```sh title="Run it"\n$ 1 + 2\n```']


def test_i18n_skip_leaves_a_code_block_out_and_mdsvex_pages_with_crlf_work_too() -> None:
    text = "Text.\n\n{/* i18n:skip */}\n```js\nskipped();\n```\n\n```js\nkept();\n```\n"
    assert _code(text) == ["```js\nkept();\n```"]
    text = "Text.\r\n\r\n```js\r\nkept();\r\nmore();\r\n```\r\n"
    options = Options(code_blocks=("js",))
    doc = segment_page(Page("p", "p.md", text), options)
    built = build_page(
        doc, {(None, "```js\nkept();\nmore();\n```"): "```js\nbehalten();\nneu();\nmehr();\n```"}, options
    )
    assert built.text == "Text.\r\n\r\n```js\r\nbehalten();\r\nneu();\r\nmehr();\r\n```\r\n"


def test_a_code_entry_is_no_wrap_and_known_as_code() -> None:
    doc = segment_page(Page("p", "p.mdx", PAGE), CODE)
    messages = template_messages(doc)
    code = [m for m in messages if is_code(m)]
    assert len(code) == 3 and all(m.flags == ("no-wrap",) for m in code)
    assert "kind: code block, key: js" in code[0].auto_comments
    assert not any(is_code(m) for m in messages if m not in code)
    assert not is_code(Message("x", auto_comments=("kind: code blocks",)))


def _translate_first_block(text: str) -> str:
    return (
        text.replace("lantern.config.js", "laterne.config.js")
        .replace("{3}", "{4}")
        .replace("// Where the lanterns hang", "// Wo die Laternen hängen\n// (am Eingang)")
        .replace("Front door", "Haustür")
        .replace("\n\n\tlabel", "\n\tlabel")
    )


def test_a_translated_block_keeps_the_list_indentation_and_its_blank_lines() -> None:
    doc = segment_page(Page("p", "p.mdx", PAGE), CODE)
    block = next(s for s in doc.segments if s.kind is Kind.CODE)
    built = build_page(doc, {(None, block.msgid): _translate_first_block(block.msgid)}, CODE)
    assert built.fallbacks == ()
    assert (
        '   ```js title="laterne.config.js" {4}\n   // Wo die Laternen hängen\n   // (am Eingang)\n'
        "   export default {\n   \tcolour: 'amber',\n   \tlabel: 'Haustür',\n   };\n   ```\n"
    ) in built.text
    again = segment_page(Page("p", "p.mdx", built.text), CODE)
    assert again.structure == doc.structure


def test_a_code_line_after_a_blank_english_line_keeps_the_container_indentation() -> None:
    text = "- Item:\n\n  ```js\n  a();\n\n  b();\n  ```\n"
    doc = segment_page(Page("p", "p.mdx", text), CODE)
    block = doc.segments[-1]
    built = build_page(doc, {(None, block.msgid): "```js\na();\nc();\nb();\n```"}, CODE)
    assert built.text == "- Item:\n\n  ```js\n  a();\n  c();\n  b();\n  ```\n"


@pytest.mark.parametrize(
    "translation",
    [
        "// Kommentar\nexport default {};\n```",  # no opening fence
        '```js title="x"\n// Kommentar',  # no closing fence
        "```js\n// Kommentar\n```\nText after the block.\n```",  # closes it early
        "~~~js\n// Kommentar\n~~~",  # another fence character
    ],
)
def test_a_translation_that_moves_the_fences_is_refused(translation: str) -> None:
    doc = segment_page(Page("p", "p.mdx", PAGE), CODE)
    block = next(s for s in doc.segments if s.kind is Kind.CODE)
    built = build_page(doc, {(None, block.msgid): translation}, CODE)
    assert built.text == PAGE
    assert [why for _seg, why in built.fallbacks] == [
        "keep the code block's fences: ```… first, ``` last, none between"
    ]


def test_a_shorter_fence_inside_a_longer_one_is_code() -> None:
    doc = segment_page(Page("p", "p.mdx", PAGE), CODE)
    outer = [s for s in doc.segments if s.kind is Kind.CODE][1]
    built = build_page(doc, {(None, outer.msgid): "````md\n```sh\nnpm run anzünden\n```\n````"}, CODE)
    assert built.fallbacks == () and "npm run anzünden" in built.text


def test_identity_and_uppercased_builds_with_code_blocks() -> None:
    doc = segment_page(Page("p", "p.mdx", PAGE), CODE)
    assert build_page(doc, {}, CODE).text == PAGE

    def upper(block: str) -> str:
        first, *middle, last = block.split("\n")
        return "\n".join([first, *(line.upper() for line in middle), last])

    table = {(s.msgctxt, s.msgid): upper(s.msgid) if s.kind is Kind.CODE else pseudo(s.msgid) for s in doc.segments}
    built = build_page(doc, table, CODE)
    assert built.fallbacks == ()
    assert "   // WHERE THE LANTERNS HANG\n" in built.text and "> QUOTED LANTERN\n" in built.text
    assert "````md\n```SH\nNPM RUN LIGHT\n```\n````\n" in built.text


def test_import_carries_translated_code_and_rebuilds_the_page() -> None:
    translated = PAGE.replace("Lanterns light the path.", "Laternen leuchten den Weg.")
    translated = translated.replace("Write the config:", "Schreib die Konfiguration:").replace(
        "Light them.", "Zünde sie an."
    )
    translated = translated.replace("lantern.config.js", "laterne.config.js").replace("{3}", "{4}")
    translated = translated.replace("// Where the lanterns hang", "// Wo die Laternen hängen\n   // (am Eingang)")
    translated = translated.replace("Front door", "Haustür").replace("\n\n   \tlabel", "\n   \tlabel")
    translated = translated.replace("quoted lantern", "zitierte Laterne")
    translated = translated.replace("title: Lanterns", "title: Laternen")
    english = Page("p", "en/p.mdx", PAGE)
    result = import_page(english, Page("p", "de/p.mdx", translated), "de", EnglishVersion(PAGE, "en/p.mdx"), CODE)
    assert result.equal, result.difference
    code = {m.msgid: m.msgstr for m in result.catalog.messages if is_code(m)}
    assert code["```txt\nquoted lantern\n```"] == "```txt\nzitierte Laterne\n```"
    assert code["````md\n```sh\nnpm run light\n```\n````"] == "````md\n```sh\nnpm run light\n```\n````"
    built = build_page(segment_page(english, CODE), translations(result.catalog), CODE)
    assert built.text == translated


def _oracle() -> None:
    missing = available()
    if missing:
        pytest.skip(f"MDX compiler not available: {missing}")


def test_built_code_blocks_compile_with_the_english_tree_around_them() -> None:
    _oracle()
    doc = segment_page(Page("p", "p.mdx", PAGE), CODE)
    block = next(s for s in doc.segments if s.kind is Kind.CODE)
    built = build_page(doc, {(None, block.msgid): _translate_first_block(block.msgid)}, CODE)
    english, translated = compile_pages([("p.mdx", PAGE), ("p.mdx", built.text)])
    assert english.error is None and translated.error is None
    assert strip_text(translated.skeleton, code=True) == strip_text(english.skeleton, code=True)
    assert strip_text(translated.skeleton) != strip_text(english.skeleton)  # the code itself is translated


@pytest.mark.parametrize(
    ("value", "expected"),
    [(False, ()), (True, ("*",)), (["JS", "mdx", ""], ("js", "mdx", ""))],
)
def test_code_blocks_setting(tmp_path: Path, value: object, expected: tuple[str, ...]) -> None:
    cfg = from_dict(tmp_path, {"segment": {"code_blocks": value}, "site": {"dialect": "mdx"}})
    assert cfg.segment.code_blocks == expected


def test_a_bad_code_blocks_setting_is_an_error(tmp_path: Path) -> None:
    text = '[segment]\ncode_blocks = "yes"\n'
    with pytest.raises(ConfigError, match="code_blocks must be true, false or a list") as info:
        from_dict(tmp_path, {"segment": {"code_blocks": "yes"}}, "pipeline.toml", text)
    assert info.value.line == 2


def test_sync_check_and_translate_leave_code_entries_to_people(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tmp_path / "site"
    (root / "source").mkdir(parents=True)
    (root / "source" / "p.mdx").write_text(PAGE, encoding="utf-8")
    (root / "pipeline.toml").write_text(
        'locales = ["de"]\n\n[segment]\ncode_blocks = true\n\n[site]\ndialect = "mdx"\n', encoding="utf-8"
    )
    assert run(root, "sync", "-q").code == 0
    po_file = root / "locales" / "de" / "p.po"
    text = po_file.read_text(encoding="utf-8")
    assert '#, no-wrap\nmsgid ""\n"```txt\\n"\n"quoted lantern\\n"\n"```"\nmsgstr ""' in text
    # a translated code block with a link and markup of its own: code, so check says nothing
    entry = 'msgid ""\n"```txt\\n"\n"quoted lantern\\n"\n"```"\nmsgstr '
    text = text.replace(entry + '""', entry + '"```txt\\n[zitiert](/nirgends) <b>Laterne</b>\\n```"')
    po_file.write_text(text, encoding="utf-8")
    assert run(root, "sync", "-q").code == 0
    assert "> [zitiert](/nirgends) <b>Laterne</b>\n" in (root / "build" / "de" / "p.mdx").read_text(encoding="utf-8")
    checked = run(root, "check")
    assert checked.code == 0 and "p.po" not in checked.out, checked.out


# --------------------------------------------------------------------------- links and imports

LINKED = """---
title: Harbour
hero:
  actions:
    - text: Set sail
      link: /voyages/first/
    - text: Elsewhere
      link: "https://example.org/"
prev:
  link: '/docks/'
---

import Map from '../../components/map.astro';
import Tide, { moon } from "./tide.mdx";
import data from '../data/ports.json?raw';
import { Card } from '@kit/components';

<LinkCard title="Charts" href="/charts/#north" />

<Button href="/voyages/" variant="big">Board the ship</Button>

Read [the log](/log/) or `<a href="/code/">` and <a href="/inline/">this</a>.

<img src="/favicon.svg" href="/anchor.png" />

See [the tides][tides].

[tides]: /tides/
"""

LINK_OPTIONS = replace(MDX, link_names=("href", "link"))


def _place(locale: str = "de", prefix: str = "/de") -> Placement:
    return Placement(
        locale,
        link_prefix=prefix,
        locales=("de", "fr", "en"),
        link_patterns=(("https://maps.example.org/en/*", "https://maps.example.org/{lang}/*"),),
        english_file="src/content/docs/guides/harbour.mdx",
        built_file="src/content/docs/de/guides/harbour.mdx",
        source_root="src/content/docs",
        extensions=(".md", ".mdx"),
    )


def test_structure_lists_link_props_keys_definitions_and_relative_imports() -> None:
    doc = segment_page(Page("p", "p.mdx", LINKED), LINK_OPTIONS)
    found = [(t.kind, t.name, LINKED[t.span.start : t.span.end]) for t in doc.targets]
    assert found == [
        ("link", "hero.actions[].link", "/voyages/first/"),
        ("link", "hero.actions[].link", "https://example.org/"),
        ("link", "prev.link", "/docks/"),
        ("import", "import", "../../components/map.astro"),
        ("import", "import", "./tide.mdx"),
        ("import", "import", "../data/ports.json?raw"),
        ("link", "href", "/charts/#north"),
        ("link", "href", "/voyages/"),
        ("link", "href", "/anchor.png"),
        ("link", "definition", "/tides/"),
    ]  # the link in the text and the one in code are the translator's and the code's
    assert [t.kind for t in segment_page(Page("p", "p.mdx", LINKED), MDX).targets] == ["import"] * 3


def test_build_localizes_structure_links_and_rebases_imports_for_the_locale() -> None:
    doc = segment_page(Page("p", "p.mdx", LINKED), LINK_OPTIONS)
    table = {
        (None, "Board the ship"): "An Bord gehen",
        (
            None,
            'Read [the log](/log/) or `<a href="/code/">` and <a href="/inline/">this</a>.',
        ): 'Lies [das Logbuch](/de/log/) oder `<a href="/code/">` und <a href="/inline/">dies</a>.',
    }
    built = build_page(doc, table, LINK_OPTIONS, _place()).text
    assert "      link: /de/voyages/first/\n" in built and '      link: "https://example.org/"\n' in built
    assert "  link: '/de/docks/'\n" in built
    assert "import Map from '../../../components/map.astro';\n" in built
    assert 'import Tide, { moon } from "./tide.mdx";\n' in built  # a page: its translation lies beside
    assert "import data from '../../data/ports.json?raw';\n" in built
    assert '<LinkCard title="Charts" href="/de/charts/#north" />' in built
    assert '<Button href="/de/voyages/" variant="big">An Bord gehen</Button>' in built
    assert 'Lies [das Logbuch](/de/log/) oder `<a href="/code/">` und <a href="/inline/">dies</a>.' in built
    assert '<img src="/favicon.svg" href="/anchor.png" />' in built  # a file is served once
    assert "[tides]: /de/tides/\n" in built
    assert build_page(doc, {}, LINK_OPTIONS).text == LINKED  # without a placement: the English bytes
    kept = build_page(doc, {}, MDX, _place(prefix=""))  # no localize_links: imports only
    assert "/de/" not in kept.text and "'../../../components/map.astro'" in kept.text


def test_a_link_already_under_a_locale_or_external_is_left_alone() -> None:
    place = _place()
    assert localized_link("/fr/voyages/", place) is None
    assert localized_link("/de/", place) is None
    assert localized_link("//cdn.example.org/x", place) is None
    assert localized_link("voyages/", place) is None
    assert localized_link("/", place) == "/de/"
    assert localized_link("/a.html?x=1", place) == "/de/a.html?x=1"
    assert localized_link("https://maps.example.org/en/north/#x", place) == "https://maps.example.org/de/north/#x"
    assert localized_link("https://maps.example.org/fr/north/", place) is None
    assert rebased_import("@kit/components", place) is None
    assert rebased_import("./notes.md", place) is None
    assert rebased_import("./picture.png", place) == "../../guides/picture.png"


def test_built_page_with_localized_links_compiles() -> None:
    _oracle()
    doc = segment_page(Page("p", "p.mdx", LINKED), LINK_OPTIONS)
    built = build_page(doc, {}, LINK_OPTIONS, _place())
    english, translated = compile_pages([("p.mdx", LINKED), ("p.mdx", built.text)])
    assert english.error is None and translated.error is None


def test_sync_writes_localized_links_and_import_paths_one_folder_deeper(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    root = tmp_path / "site"
    (root / "docs" / "guides").mkdir(parents=True)
    (root / "docs" / "guides" / "harbour.mdx").write_text(LINKED, encoding="utf-8")
    (root / "pipeline.toml").write_text(
        'locales = ["de"]\nsource = "docs"\noutput = "i18n/{locale}/docs"\n\n'
        '[site]\ndialect = "mdx"\nlocalize_links = ["href", "link"]\n\n'
        '[site.localized_links]\n"https://example.org/" = "https://example.org/{locale}/"\n',
        encoding="utf-8",
    )
    assert run(root, "sync", "-q").code == 0
    built = (root / "i18n" / "de" / "docs" / "guides" / "harbour.mdx").read_text(encoding="utf-8")
    assert "import Map from '../../../../components/map.astro';\n" in built
    assert '<LinkCard title="Charts" href="/de/charts/#north" />' in built
    assert '      link: "https://example.org/de/"\n' in built


@pytest.mark.parametrize(
    ("site", "message"),
    [
        ('localize_links = "yes"', "localize_links must be true, false or a list"),
        ('localize_links = true\nlocale_prefix = ""', "localize_links needs a locale_prefix"),
        ('[localized_links]\n"https://a.org/*" = "https://a.org/{locale}/*"', "needs \\[site\\] localize_links"),
        ('localize_links = true\n[localized_links]\n"https://a.org/" = "https://a.org/*/"', "no more '\\*'"),
    ],
)
def test_bad_localize_links_settings(tmp_path: Path, site: str, message: str) -> None:
    import tomllib

    with pytest.raises(ConfigError, match=message):
        from_dict(tmp_path, {"site": tomllib.loads(site)})


def test_localize_links_true_means_the_usual_link_props(tmp_path: Path) -> None:
    cfg = from_dict(tmp_path, {"site": {"dialect": "mdx", "localize_links": True}})
    assert cfg.segment.link_names == ("href", "link", "to")


# --------------------------------------------------------------------------- front-matter keys the English lacks

LABELLED = replace(MDX, front_matter=("title", "description"), front_matter_defaults=(("sidebar.label", "title"),))


@pytest.mark.parametrize(
    ("front", "built"),
    [
        ("title: Tide Tables\n", "title: Gezeitentafeln\nsidebar:\n  label: Gezeiten\n"),
        (
            "title: Tide Tables\nsidebar:\n  order: 3\n  badge: New\ndescription: When the sea comes.\n",
            "title: Gezeitentafeln\nsidebar:\n  order: 3\n  badge: New\n  label: Gezeiten\n"
            "description: Wann das Meer kommt.\n",
        ),
    ],
)
def test_a_default_key_is_an_entry_and_its_translation_is_added(front: str, built: str) -> None:
    text = f"---\n{front}---\n\nThe tide turns.\n"
    doc = segment_page(Page("p", "p.mdx", text), LABELLED)
    label = next(s for s in doc.segments if s.msgctxt == "sidebar.label")
    assert (label.msgid, label.key) == ("Tide Tables", "sidebar.label")
    assert "sidebar.label: leave it empty to show the translated title" in label.comments[-1]
    table = {
        (None, "Tide Tables"): "Gezeitentafeln",
        (None, "When the sea comes."): "Wann das Meer kommt.",
        (None, "The tide turns."): "Die Flut kehrt.",
    }
    untouched = build_page(doc, table, LABELLED)
    assert untouched.fallbacks == () and "sidebar:\n  label" not in untouched.text
    labelled = build_page(doc, {**table, ("sidebar.label", "Tide Tables"): "Gezeiten"}, LABELLED)
    assert labelled.fallbacks == ()
    assert labelled.text == f"---\n{built}---\n\nDie Flut kehrt.\n"
    odd = build_page(doc, {("sidebar.label", "Tide Tables"): "Ebbe: und Flut"}, LABELLED)
    assert '  label: "Ebbe: und Flut"\n' in odd.text


@pytest.mark.parametrize(
    "front",
    ["title: Tides\nsidebar:\n  label: Own label\n", "title: Tides\nsidebar: { order: 2 }\n", "description: x y\n"],
)
def test_no_default_entry_where_the_key_is_set_cannot_be_added_or_has_no_source(front: str) -> None:
    doc = segment_page(Page("p", "p.mdx", f"---\n{front}---\n\nText.\n"), LABELLED)
    assert not any(s.msgctxt == "sidebar.label" for s in doc.segments)


def test_import_fills_a_default_key_only_from_a_translation_that_sets_it() -> None:
    english = "---\ntitle: Tide Tables\n---\n\nThe tide turns at noon.\n\nBoats wait in the harbour.\n"
    with_label = "---\ntitle: Gezeitentafeln\nsidebar:\n  label: Gezeiten\n---\n\nDie Flut kehrt mittags.\n\n"
    with_label += "Boote warten im Hafen.\n"
    without = "---\ntitle: Gezeitentafeln\n---\n\nDie Flut kehrt mittags.\n\nBoote warten im Hafen.\n"
    en = Page("p", "en/p.mdx", english)
    for translated, label in ((with_label, "Gezeiten"), (without, "")):
        result = import_page(en, Page("p", "de/p.mdx", translated), "de", EnglishVersion(english, "en"), LABELLED)
        assert result.equal, result.difference
        entries = {m.key: m for m in result.catalog.messages}
        assert entries[("sidebar.label", "Tide Tables")].msgstr == label
        assert not any(m.fuzzy for m in result.catalog.messages)


def test_front_matter_defaults_settings(tmp_path: Path) -> None:
    fm = {"translate": ["title"], "defaults": {"sidebar.label": "title"}}
    cfg = from_dict(tmp_path, {"front_matter": fm})
    assert cfg.segment.front_matter_defaults == (("sidebar.label", "title"),)
    for bad, message in (
        ({"defaults": {"sidebar.label": "heading"}}, "falls back to 'heading', which is not translated"),
        ({"defaults": {"hero[].label": "title"}}, "must be a key or a dotted path"),
        ({"defaults": ["sidebar.label"]}, "must be a table of key = key"),
    ):
        with pytest.raises(ConfigError, match=message):
            from_dict(tmp_path, {"front_matter": bad})


# --------------------------------------------------------------------------- quotes of JavaScript strings

GRID = """<Grid items={[
  { title: 'Oak', note: "Acorns aren't food" },
  { title: 'Ash ', note: 'Tall' },
  { title: 'Elm', note: 'Wide' },
]} />
"""
GRID_OPTIONS = replace(MDX, html_attributes=("title", "note"))


def test_a_translated_js_string_takes_the_quote_that_needs_fewer_escapes() -> None:
    doc = segment_page(Page("p", "p.mdx", GRID), GRID_OPTIONS)
    assert [s.msgid for s in doc.segments] == ["Oak", "Acorns aren't food", "Ash", "Tall", "Elm", "Wide"]
    table = {
        (None, "Oak"): "L'chêne",
        (None, "Acorns aren't food"): "Eicheln sind kein Essen",
        (None, "Ash"): "Frêne",
        (None, "Tall"): 'Dit "grand" et l\'autre',
        (None, "Elm"): "Orme",
    }
    built = build_page(doc, table, GRID_OPTIONS)
    assert built.fallbacks == ()
    assert built.text == (
        "<Grid items={[\n"
        "  { title: \"L'chêne\", note: 'Eicheln sind kein Essen' },\n"  # the page's quote once no escape is needed
        "  { title: 'Frêne', note: 'Dit \"grand\" et l\\'autre' },\n"  # a tie keeps the English quote; padding dropped
        "  { title: 'Orme', note: 'Wide' },\n"
        "]} />\n"
    )
    _oracle_compiles(built.text)


def test_mdsvex_keeps_the_english_quote_and_padded_strings_are_code() -> None:
    text = "<Grid items={[{ title: 'Oak' }, { title: 'Ash ' }]} />\n"
    options = Options(html_attributes=("title",))
    doc = segment_page(Page("p", "p.md", text), options)
    assert [s.msgid for s in doc.segments] == ["Oak"]
    assert "title: 'L\\'chêne'" in build_page(doc, {(None, "Oak"): "L'chêne"}, options).text


def _oracle_compiles(text: str) -> None:
    if available() is None:
        (result,) = compile_pages([("p.mdx", text)])
        assert result.error is None, result.error


def test_check_takes_a_site_link_localization_in_a_msgstr_as_known(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tmp_path / "site"
    (root / "source").mkdir(parents=True)
    (root / "source" / "p.mdx").write_text("See [the map](https://maps.example.org/en/north/).\n", encoding="utf-8")
    (root / "pipeline.toml").write_text(
        'locales = ["de"]\n\n[site]\ndialect = "mdx"\nlocalize_links = true\n\n'
        '[site.localized_links]\n"https://maps.example.org/en/*" = "https://maps.example.org/{lang}/*"\n',
        encoding="utf-8",
    )
    assert run(root, "sync", "-q").code == 0
    po_file = root / "locales" / "de" / "p.po"
    entry = 'msgid "See [the map](https://maps.example.org/en/north/)."\nmsgstr '
    text = po_file.read_text(encoding="utf-8")
    po_file.write_text(text.replace(entry + '""', entry + '"Siehe [die Karte](https://maps.example.org/de/north/)."'))
    checked = run(root, "check")
    assert checked.code == 0 and "link-localized" in checked.out and "link-target" not in checked.out, checked.out


def test_a_stale_catalog_of_an_mdx_page_names_its_own_file(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tmp_path / "site"
    (root / "source").mkdir(parents=True)
    (root / "source" / "p.mdx").write_text("Old text.\n", encoding="utf-8")
    (root / "pipeline.toml").write_text('locales = ["de"]\n\n[site]\ndialect = "mdx"\n', encoding="utf-8")
    assert run(root, "sync", "-q").code == 0
    (root / "source" / "p.mdx").write_text("New text.\n", encoding="utf-8")
    checked = run(root, "check")
    assert "not updated for the current English of source/p.mdx" in checked.out, checked.out


def test_init_offers_the_settings_commented_out_on_an_mdx_site(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tmp_path / "docs-site"
    (root / "src/content/docs/en").mkdir(parents=True)
    (root / "package.json").write_text('{"dependencies": {"astro": "^4", "@astrojs/starlight": "^0.2"}}\n')
    (root / "src/content/docs/en/index.mdx").write_text("# Lanterns\n", encoding="utf-8")
    assert run(root, "init", "--locales", "de").code == 0
    text = (root / "pipeline.toml").read_text(encoding="utf-8")
    assert "# code_blocks = true" in text and '# localize_links = ["href", "link"]' in text
    for line in ("# [segment]", "# code_blocks = true", '# localize_links = ["href", "link"]'):
        text = text.replace(line, line[2:])
    (root / "pipeline.toml").write_text(text, encoding="utf-8")
    from pipeline.workspace.settings import load

    cfg = load(root)
    assert cfg.segment.code_blocks == ("*",) and cfg.segment.link_names == ("href", "link")
