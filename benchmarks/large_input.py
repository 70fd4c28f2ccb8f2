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
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import polib
from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import big_page, pseudo  # noqa: E402

from pipeline import po  # noqa: E402
from pipeline.build import build_page  # noqa: E402
from pipeline.cli import main  # noqa: E402
from pipeline.extract import make_template  # noqa: E402
from pipeline.merge import update  # noqa: E402
from pipeline.model import Catalog, Message, Page  # noqa: E402
from pipeline.segment import segment_page  # noqa: E402

STAMP = "2025-01-01 00:00+0000"


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


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
        t_ref, _ = timed(lambda text=text: md.render(text))
        t_seg, doc = timed(lambda text=text: segment_page(Page("long", "source/long.md", text)))
        assert not isinstance(doc, Exception)
        t_ext, pot = timed(lambda doc=doc: po.format_po(make_template(doc, None, STAMP)))
        identity = {(s.msgctxt, s.msgid): s.msgid for s in doc.segments}  # type: ignore[attr-defined]
        t_id, built = timed(lambda doc=doc, identity=identity: build_page(doc, identity))  # type: ignore[arg-type]
        assert built.text == text  # type: ignore[attr-defined]
        table_pseudo = {(s.msgctxt, s.msgid): pseudo(s.msgid) for s in doc.segments}  # type: ignore[attr-defined]
        t_tr, built = timed(lambda doc=doc, t=table_pseudo: build_page(doc, t))  # type: ignore[arg-type]
        assert not built.fallbacks  # type: ignore[attr-defined]
        t_sync = sync_once(text, str(pot))
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
        t, code = timed(lambda: main(["--root", str(root), "-q", "sync"]))
        assert code == 0
        return t


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
            t_write, _ = timed(lambda catalog=catalog, path=path: po.write_po(path, catalog))
            t_read, back = timed(lambda path=path: po.read_po(path))
            assert back.messages == catalog.messages  # type: ignore[attr-defined]
            t_pread, pofile = timed(lambda path=path: polib.pofile(str(path)))
            t_pwrite, _ = timed(lambda pofile=pofile, folder=folder: pofile.save(str(folder / "polib.po")))  # type: ignore[attr-defined]
            t_cat, _ = timed(lambda path=path: subprocess.run(["msgcat", str(path)], capture_output=True, check=True))
            same = replace(catalog, messages=tuple(replace(m, msgstr="") for m in catalog.messages))
            changed = catalog_of(n, changed_every=100)
            t_same, merged = timed(lambda same=same, back=back: update(same, back, "nl"))  # type: ignore[arg-type]
            t_chg, merged = timed(lambda changed=changed, back=back: update(changed, back, "nl"))  # type: ignore[arg-type]
            fuzzy = sum("fuzzy" in m.flags for m in merged.messages)  # type: ignore[attr-defined]
            assert fuzzy == len(range(0, n, 100))
            t_mm_same = t_mm_chg = float("nan")
            if msgmerge:
                for name, tpl in (("same.pot", same), ("changed.pot", changed)):
                    po.write_po(folder / name, tpl)
                t_mm_same, _ = timed(lambda: run_msgmerge(folder, "same.pot"))
                t_mm_chg, _ = timed(lambda: run_msgmerge(folder, "changed.pot"))
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
