"""Golden folders: page.md + nl.po -> expected.pot and expected.nl.md, checked byte for byte.

Each folder under tests/golden/ is one scenario. Set PIPELINE_REGOLD=1 to rewrite the expected
files after an intended change, then review the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import msgcat_stable, msgfmt_check

from pipeline.formats import po
from pipeline.segment.walker import segment_page
from pipeline.stages.build import build_page, translations
from pipeline.stages.extract import make_template
from pipeline.stages.merge import update
from pipeline.workspace.files import page_bytes, read_page

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "page.md").is_file())
STAMP = "2026-01-01 00:00+0000"


def expect(path: Path, data: bytes) -> None:
    if os.environ.get("PIPELINE_REGOLD"):
        path.write_bytes(data)
    assert path.is_file(), f"{path} missing; run with PIPELINE_REGOLD=1 and review"
    assert data == path.read_bytes(), f"{path} differs from what the pipeline produces"


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: str) -> None:
    folder = GOLDEN / case
    page = read_page(folder, folder / "page.md", "page")
    doc = segment_page(page)
    template = make_template(doc, None, STAMP)
    expect(folder / "expected.pot", po.format_po(template).encode())
    catalog = po.read_po(folder / "nl.po")
    # the translator's file is canonical and already up to date with the page
    assert po.format_po(update(template, catalog, "nl")).encode() == (folder / "nl.po").read_bytes()
    built = build_page(doc, translations(catalog))
    assert built.fallbacks == ()
    expect(folder / "expected.nl.md", page_bytes(built.text, page.bom))
    msgfmt_check(folder / "expected.pot")
    msgfmt_check(folder / "nl.po")
    msgcat_stable(folder / "nl.po")


def test_every_golden_case_has_its_files() -> None:
    assert len(CASES) >= 5
    for case in CASES:
        assert {"page.md", "nl.po", "expected.pot", "expected.nl.md"} <= {p.name for p in (GOLDEN / case).iterdir()}
