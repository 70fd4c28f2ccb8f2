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
from pipeline.stages.build import build_page, translations
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
