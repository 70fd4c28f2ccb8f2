"""Large input: time against size for pages up to 5 MB and PO files up to 100,000 entries.

    .venv/bin/python benchmarks/large_input.py [--quick]

Pages come from ``big_page`` (tests/conftest.py: numbered sections with every construct,
our own words). For each size the script times our stages and, in the same run, the
reference a user would otherwise reach for: markdown-it-py rendering the page (for pages),
polib and GNU msgcat / msgmerge (for PO files). It prints seconds, seconds per MB (or per
10,000 entries) and, per column, the *linearity*: time per unit at the largest size divided
by time per unit at the smallest (1.0 = perfectly linear, 2.0 = twice as slow per unit).
Correctness is checked on the way (identity build equals the page, every pseudo
translation read back, PO round trip equal) so a fast wrong answer cannot pass unnoticed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import polib
from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import big_page, pseudo  # noqa: E402

from pipeline.cli.main import main  # noqa: E402
from pipeline.formats import po  # noqa: E402
from pipeline.model import Catalog, Message, Page  # noqa: E402
from pipeline.segment.walker import segment_page  # noqa: E402
from pipeline.stages.build import build_page  # noqa: E402
from pipeline.stages.extract import make_template  # noqa: E402
from pipeline.stages.merge import update  # noqa: E402

STAMP = "2025-01-01 00:00+0000"


class Clock:
    """Seconds since the last call (a stopwatch read between stages)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def lap(self) -> float:
        now = time.perf_counter()
        seconds, self.last = now - self.last, now
        return seconds


def linearity(times: list[float], sizes: list[float]) -> float:
    return (times[-1] / sizes[-1]) / (times[0] / sizes[0])


def pages(sizes_mb: list[float]) -> None:
    print("Pages (seconds; last row: seconds per MB at the largest size / at the smallest)")
    cols = ["MB", "markdown-it render", "segment", "extract+write PO", "build identity", "build translated", "sync"]
    print("  " + " | ".join(f"{c:>16}" for c in cols))
    table: list[list[float]] = []
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    for mb in sizes_mb:
        text = big_page(int(mb * 1_000_000))
        size = len(text.encode("utf-8")) / 1e6
        clock = Clock()
        md.render(text)
        t_ref = clock.lap()
        doc = segment_page(Page("long", "source/long.md", text))
        t_seg = clock.lap()
        pot = po.format_po(make_template(doc, None, STAMP))
        t_ext = clock.lap()
        built = build_page(doc, {(s.msgctxt, s.msgid): s.msgid for s in doc.segments})
        t_id = clock.lap()
        assert built.text == text
        translated = {(s.msgctxt, s.msgid): pseudo(s.msgid) for s in doc.segments}
        clock.lap()
        built = build_page(doc, translated)
        t_tr = clock.lap()
        assert not built.fallbacks
        t_sync = sync_once(text, pot)
        row = [size, t_ref, t_seg, t_ext, t_id, t_tr, t_sync]
        table.append(row)
        print("  " + " | ".join(f"{v:>16.2f}" for v in row))
    sizes = [r[0] for r in table]
    lin = [linearity([r[i] for r in table], sizes) for i in range(1, len(cols))]
    print("  " + f"{'linearity':>16} | " + " | ".join(f"{v:>16.2f}" for v in lin))
    ratio = [r[6] / r[1] for r in table]
    print(f"  sync / markdown-it render: {', '.join(f'{r:.1f}x' for r in ratio)}")


def sync_once(text: str, pot_text: str) -> float:
    """One `pipeline sync` of a project holding the page and a fully translated PO file."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "source").mkdir()
        (root / "source" / "long.md").write_text(text, encoding="utf-8")
        template = po.parse_po(pot_text, "long.pot")
        catalog = update(template, None, "nl")
        catalog = replace(catalog, messages=tuple(replace(m, msgstr=pseudo(m.msgid)) for m in catalog.messages))
        po.write_po(root / "locales" / "nl" / "long.po", catalog)
        clock = Clock()
        assert main(["--root", str(root), "-q", "sync"]) == 0
        return clock.lap()


def catalog_of(n: int, changed_every: int = 0) -> Catalog:
    def msgid(i: int) -> str:
        word = "calm" if changed_every and i % changed_every == 0 else "quiet"
        return f"Sentence {i} about {word} streets and safe schools."

    messages = tuple(
        Message(
            msgid=msgid(i),
            msgstr="" if changed_every else f"Zin {i} over rustige straten en veilige scholen.",
            references=(f"source/page-{i % 97}.md",),
        )
        for i in range(n)
    )
    return Catalog(header=(("Content-Type", "text/plain; charset=UTF-8"), ("Language", "nl")), messages=messages)


def po_files(counts: list[int]) -> None:
    print("\nPO files (seconds; last row: seconds per entry at the largest size / at the smallest)")
    cols = [
        "entries",
        "write",
        "polib write",
        "read",
        "polib read",
        "msgcat",
        "update same",
        "msgmerge same",
        "update 1% chg",
        "msgmerge 1% chg",
    ]
    print("  " + " | ".join(f"{c:>15}" for c in cols))
    rows: list[list[float]] = []
    msgmerge = shutil.which("msgmerge")
    for n in counts:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            catalog = catalog_of(n)
            path = folder / "nl.po"
            same = replace(catalog, messages=tuple(replace(m, msgstr="") for m in catalog.messages))
            changed = catalog_of(n, changed_every=100)
            clock = Clock()
            po.write_po(path, catalog)
            t_write = clock.lap()
            back = po.read_po(path)
            t_read = clock.lap()
            pofile = polib.pofile(str(path))
            t_pread = clock.lap()
            pofile.save(str(folder / "polib.po"))
            t_pwrite = clock.lap()
            subprocess.run(["msgcat", str(path)], capture_output=True, check=True)
            t_cat = clock.lap()
            update(same, back, "nl")
            t_same = clock.lap()
            merged = update(changed, back, "nl")
            t_chg = clock.lap()
            assert back.messages == catalog.messages
            assert sum("fuzzy" in m.flags for m in merged.messages) == len(range(0, n, 100))
            t_mm_same = t_mm_chg = float("nan")
            if msgmerge:
                po.write_po(folder / "same.pot", same)
                po.write_po(folder / "changed.pot", changed)
                clock.lap()
                run_msgmerge(folder, "same.pot")
                t_mm_same = clock.lap()
                run_msgmerge(folder, "changed.pot")
                t_mm_chg = clock.lap()
            row = [float(n), t_write, t_pwrite, t_read, t_pread, t_cat, t_same, t_mm_same, t_chg, t_mm_chg]
            rows.append(row)
            print("  " + " | ".join(f"{v:>15.2f}" if i else f"{int(v):>15}" for i, v in enumerate(row)))
    sizes = [r[0] for r in rows]
    lin = [linearity([r[i] for r in rows], sizes) for i in range(1, len(cols))]
    print("  " + f"{'linearity':>15} | " + " | ".join(f"{v:>15.2f}" for v in lin))
    last = rows[-1]
    print(
        f"  at {int(last[0])} entries: read {last[3] / last[4]:.1f}x polib, write {last[1] / last[2]:.1f}x polib, "
        f"{last[1] / last[5]:.1f}x msgcat; update {last[6] / last[7]:.2f}x msgmerge (same), "
        f"{last[8] / last[9]:.2f}x msgmerge (1% changed)"
    )


def run_msgmerge(folder: Path, template: str) -> None:
    subprocess.run(
        ["msgmerge", "--previous", "-q", "-o", str(folder / "out.po"), str(folder / "nl.po"), str(folder / template)],
        check=True,
        capture_output=True,
    )


def main_cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    args = parser.parse_args()
    if args.quick:
        pages([0.125, 0.25, 0.5])
        po_files([5_000, 10_000, 20_000])
    else:
        pages([0.625, 1.25, 2.5, 5.0])
        po_files([12_500, 25_000, 50_000, 100_000])


if __name__ == "__main__":
    main_cli()
