"""Large and odd input: handled correctly or refused clearly (times are in benchmarks/large_input.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import Run, big_page, msgcat_stable, msgfmt_check, pseudo

from pipeline.formats import po
from pipeline.model import Catalog, Message, Page
from pipeline.segment.walker import segment_page
from pipeline.stages.extract import make_template
from pipeline.stages.merge import update


def site_with(root: Path, name: str, data: bytes) -> Path:
    (root / "source").mkdir(parents=True, exist_ok=True)
    (root / "source" / f"{name}.md").write_bytes(data)
    (root / "locales" / "nl").mkdir(parents=True, exist_ok=True)
    return root


def translate_all(po_file: Path) -> Catalog:
    """Give every entry its pseudo translation (the English upper-cased outside markup)."""
    catalog = po.read_po(po_file)
    translated = replace(catalog, messages=tuple(replace(m, msgstr=pseudo(m.msgid)) for m in catalog.messages))
    po.write_po(po_file, translated)
    return translated


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".pipeline" not in p.parts
    }


@pytest.mark.slow
def test_five_megabyte_page_is_translated_and_built(tmp_path: Path, run: Callable[..., Run]) -> None:
    text = big_page(5_000_000)
    data = text.encode("utf-8")
    assert len(data) >= 5_000_000
    root = site_with(tmp_path, "long", data)
    template = make_template(segment_page(Page("long", "source/long.md", text)), None)
    assert len(template.messages) > 50_000
    translated = update(template, None, "nl")
    po.write_po(
        root / "locales" / "nl" / "long.po",
        replace(translated, messages=tuple(replace(m, msgstr=pseudo(m.msgid)) for m in translated.messages)),
    )
    result = run(root, "sync")
    assert result.code == 0, result.err
    assert "refused" not in result.out, result.err[:2000]
    built = (root / "build" / "nl" / "long.md").read_text(encoding="utf-8")
    assert built.count("\n") == text.count("\n")  # the English layout, line for line
    assert "ON MORNING 4321 THE STREET OUTSIDE SCHOOL 4321" in built
    assert "[THE PLAN FOR STREET 4321](/plan#s4321)" in built  # link targets kept
    assert '<img src="/img/4321.png" alt="CONES AT SCHOOL 4321">' in built
    assert "| MONDAY 4321 | 4321 |" in built


def test_po_file_with_100000_entries_round_trips_and_gnu_accepts_it(tmp_path: Path) -> None:
    messages = tuple(
        Message(
            msgid=f"Sentence {i} about quiet streets.",
            msgstr=f"Zin {i} over rustige straten.",
            references=(f"source/page-{i % 97}.md",),
            flags=("fuzzy",) if i % 7 == 0 else (),
            previous_msgid=f"Sentence {i} about streets." if i % 7 == 0 else None,
        )
        for i in range(100_000)
    )
    catalog = Catalog(header=(("Content-Type", "text/plain; charset=UTF-8"), ("Language", "nl")), messages=messages)
    path = tmp_path / "big.po"
    assert po.write_po(path, catalog)
    assert po.read_po(path).messages == messages
    msgfmt_check(path)
    msgcat_stable(path)


ODD_PAGES: list[tuple[str, bytes]] = [
    ("crlf", b"---\r\ntitle: Home\r\n---\r\n\r\n# Welcome\r\n\r\nWe walk.\r\nEvery day.\r\n\r\n- Safe\r\n"),
    ("bom", "\ufeff---\ntitle: Home\n---\n\n# Welcome\n\nWe walk to school.\n".encode()),
    ("bom and crlf", "\ufeff# Welcome\r\n\r\nWe walk to school.\r\n".encode()),
    ("mixed line endings", b"# Welcome\r\n\nWe walk.\nEvery day.\r\n\r\n- Safe\n- Calm\r\n"),
    ("old mac line endings", b"# Welcome\r\rWe walk to school.\rEvery day.\r"),
    (
        "tabs",
        b"# Welcome\n\n-\tSafe\n-\tCalm\n\n\tindented code\n\nA\ttab inside.\n\n| a\t| b |\n|---|---|\n| c\t| d |\n",
    ),
    ("emoji", "# Welkom 🚸👩‍👧‍👦\n\nWe walk 🚶🏽‍♀️ to school 🏫 — every day ❤️.\n".encode()),
    (
        "right to left",
        (
            "# שלום עולם\n\nمرحبا بالعالم، نمشي إلى المدرسة.\n\nMixed \u202bאבג\u202c and \u200fRTL marks\u200e.\n"
        ).encode(),
    ),
    ("combining and nbsp", "# Cafe\u0301\n\nNa\u00efve\u00a0text with e\u0301 and \u00a0 spaces.\n".encode()),
    ("no final newline", b"# Welcome\n\nWe walk to school."),
    ("only front matter", b"---\ntitle: Home\n---\n"),
    ("empty", b""),
]


@pytest.mark.parametrize(("name", "data"), ODD_PAGES, ids=[n for n, _ in ODD_PAGES])
def test_odd_page_is_rebuilt_exactly_and_translated(
    tmp_path: Path, run: Callable[..., Run], name: str, data: bytes
) -> None:
    root = site_with(tmp_path, "page", data)
    assert run(root, "sync").code == 0
    assert (root / "build" / "nl" / "page.md").read_bytes() == data
    po_file = root / "locales" / "nl" / "page.po"
    translate_all(po_file)
    result = run(root, "sync")
    assert result.code == 0, result.err
    assert "refused" not in result.out, result.err
    built = (root / "build" / "nl" / "page.md").read_bytes()
    assert built.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    assert built.count(b"\r\n") == data.count(b"\r\n")
    page = built.decode("utf-8")
    for message in po.read_po(po_file).messages:
        assert all(word in page for word in message.msgstr.split()), message.msgstr
    for path in (root / "locales").rglob("*.po*"):
        msgfmt_check(path)
        if po.read_po(path).messages:  # msgcat prints nothing at all for a header-only catalog
            msgcat_stable(path)


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("nul", b"# Welcome\n\nWe walk\x00 to school.\n", "source/page.md:3: error: page contains a NUL (U+0000)"),
        ("eot", b"# Welcome\x04\n", "source/page.md:1: error: page contains an EOT (U+0004) character"),
        ("latin-1", b"# Caf\xe9\n", "source/page.md:1: error: not valid UTF-8 (byte 0xe9 at offset 5)"),
        ("utf-16", "# Hi\n".encode("utf-16"), "source/page.md:1: error: not valid UTF-8 (byte 0xff at offset 0)"),
    ],
)
def test_page_that_cannot_be_carried_is_refused_clearly_and_nothing_written(
    tmp_path: Path, run: Callable[..., Run], name: str, data: bytes, error: str
) -> None:
    root = site_with(tmp_path, "page", b"# Welcome\n\nWe walk to school.\n")
    assert run(root, "sync").code == 0
    (root / "source" / "page.md").write_bytes(data)
    before = files(root)
    result = run(root, "sync")
    assert result.code == 2
    assert result.err.startswith(error), result.err
    assert result.err.count("\n") == 1
    assert files(root) == before


@pytest.mark.parametrize(
    ("name", "transform"),
    [
        ("crlf", lambda b: b.replace(b"\n", b"\r\n")),
        ("bom", lambda b: b"\xef\xbb\xbf" + b),
    ],
)
def test_po_file_saved_with_crlf_or_bom_keeps_its_translations(
    tmp_path: Path, run: Callable[..., Run], name: str, transform: Callable[[bytes], bytes]
) -> None:
    root = site_with(tmp_path, "page", "# Welcome 🚸\n\nWe walk to school.\n".encode())
    assert run(root, "sync").code == 0
    po_file = root / "locales" / "nl" / "page.po"
    translate_all(po_file)
    po_file.write_bytes(transform(po_file.read_bytes()))
    result = run(root, "sync")
    assert result.code == 0, result.err
    assert (root / "build" / "nl" / "page.md").read_text(encoding="utf-8") == "# WELCOME 🚸\n\nWE WALK TO SCHOOL.\n"
    assert b"\r" not in po_file.read_bytes() and not po_file.read_bytes().startswith(b"\xef")  # written canonically
    msgfmt_check(po_file)
