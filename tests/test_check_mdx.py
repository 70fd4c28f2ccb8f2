"""``check`` on an MDX site: each locale serves heading ids of its own text (github-slugger), so a
translated link must name the target locale's id of the same heading, and ``--fix`` rewrites it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from conftest import Run, msgfmt_check

from pipeline.check import checker as check
from pipeline.formats import po
from pipeline.workspace.settings import load

LINK = "See [the reasons](/b#why-we-do-it)."


def _site(tmp_path: Path, run: Callable[..., Run], link_translation: str) -> Path:
    root = tmp_path / "site"
    (root / "source").mkdir(parents=True)
    (root / "pipeline.toml").write_text('locales = ["de"]\n\n[site]\ndialect = "mdx"\n', encoding="utf-8")
    (root / "source" / "a.mdx").write_text(f"# A\n\n{LINK}\n", encoding="utf-8")
    (root / "source" / "b.mdx").write_text("# B\n\n## Why we do it\n\nBecause.\n", encoding="utf-8")
    assert run(root, "sync", "-q").code == 0
    for name, table in (("a", {LINK: link_translation}), ("b", {"Why we do it": "Warum wir es tun"})):
        path = root / "locales" / "de" / f"{name}.po"
        catalog = po.read_po(path)
        messages = tuple(replace(m, msgstr=table.get(m.msgid, m.msgstr)) for m in catalog.messages)
        path.write_text(po.format_po(replace(catalog, messages=messages)), encoding="utf-8")
    assert run(root, "sync", "-q").code == 0
    return root


def test_a_link_to_the_locales_own_heading_id_is_right(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = _site(tmp_path, run, "Siehe [die Gründe](/b#warum-wir-es-tun).")
    assert "## Warum wir es tun\n" in (root / "build" / "de" / "b.mdx").read_text(encoding="utf-8")
    assert [f for f in check.findings(load(root)) if f.path.startswith("locales/")] == []


def test_the_english_id_in_a_translation_is_missing_and_fixed(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = _site(tmp_path, run, "Siehe [die Gründe](/b#why-we-do-it).")
    found = [f for f in check.findings(load(root)) if f.path.startswith("locales/")]
    assert [(f.path, f.code) for f in found] == [("locales/de/a.po", "anchor-missing")]
    result = run(root, "check", "--fix")
    assert "-> /b#warum-wir-es-tun" in result.err
    catalog = po.read_po(root / "locales" / "de" / "a.po")
    assert next(m for m in catalog.messages if m.msgid == LINK).msgstr == "Siehe [die Gründe](/b#warum-wir-es-tun)."
    msgfmt_check(root / "locales" / "de" / "a.po")
    assert [f for f in check.findings(load(root)) if f.path.startswith("locales/")] == []


def test_lint_mode_reads_the_dialects_pages(tmp_path: Path, run: Callable[..., Run]) -> None:
    """``check --translated`` on an MDX site reads ``.mdx`` pages too: a German page linking to
    the English id of a heading that German serves under its own id is reported at its line."""
    root = tmp_path / "site"
    (root / "source").mkdir(parents=True)
    (root / "pipeline.toml").write_text('locales = ["de"]\n\n[site]\ndialect = "mdx"\n', encoding="utf-8")
    (root / "source" / "a.mdx").write_text(f"# A\n\n{LINK}\n", encoding="utf-8")
    (root / "source" / "b.mdx").write_text("# B\n\n## Why we do it\n\nBecause.\n", encoding="utf-8")
    translated = tmp_path / "de"
    translated.mkdir()
    (translated / "a.mdx").write_text("# A\n\nSiehe [die Gründe](/b#why-we-do-it).\n", encoding="utf-8")
    (translated / "b.mdx").write_text("# B\n\n## Warum wir es tun\n\nWeil.\n", encoding="utf-8")
    result = run(root, "check", "--translated", str(translated), "--locale", "de", "--source-dir", str(root / "source"))
    assert result.code == 1, result.out + result.err
    lines = [line for line in (result.out + result.err).splitlines() if "a.mdx:3:" in line]
    assert lines and "why-we-do-it" in lines[0], result.out + result.err
