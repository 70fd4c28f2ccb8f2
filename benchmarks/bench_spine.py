"""Spine figures on the real corpus: identity round trip, sync time, update vs GNU msgmerge.

Run: ``.venv/bin/python benchmarks/bench_spine.py [CORPUS]`` (default ../shared/corpus/pauseai).
Prints a table; asserts nothing about time. Ratios are measured side by side in one run.

* round trip: every page of ``en/`` rebuilt from identity translations, byte for byte;
* sync: ``pipeline sync`` on the 111 pages with two locales, from scratch and a no-op re-run;
* update: for the 78 Dutch pages, a catalog of the English they were translated from
  (``en-for-nl/``) with a pseudo translation, updated to today's English (``en/``) by our
  ``merge.update`` and by ``msgmerge --previous``; time ratio and agreement on every entry
  (same msgstr, same fuzzy flag, same previous msgid).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from conftest import pseudo  # noqa: E402

from pipeline.cli.main import main  # noqa: E402
from pipeline.formats import po  # noqa: E402
from pipeline.segment.walker import segment_page  # noqa: E402
from pipeline.stages.build import build_page  # noqa: E402
from pipeline.workspace.files import read_page  # noqa: E402

STAMP = "2026-01-01 00:00+0000"


def round_trip(en: Path) -> tuple[int, int]:
    same = total = 0
    for file in sorted(en.glob("*.md")):
        page = read_page(en, file, file.stem)
        doc = segment_page(page)
        total += 1
        same += build_page(doc, {(s.msgctxt, s.msgid): s.msgid for s in doc.segments}).text == page.text
    return same, total


def timed_sync(en: Path) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(en, root / "source")
        for loc in ("nl", "de"):
            (root / "locales" / loc).mkdir(parents=True)
        null = open("/dev/null", "w")  # noqa: SIM115
        t0 = time.perf_counter()
        main(["--root", str(root), "sync"], out=null, err=null)
        t1 = time.perf_counter()
        main(["--root", str(root), "sync"], out=null, err=null)
        t2 = time.perf_counter()
        # translate everything (pseudo), then a sync that rewrites every page
        for path in (root / "locales").rglob("*.po"):
            cat = po.read_po(path)
            po.write_po(path, replace(cat, messages=tuple(replace(m, msgstr=pseudo(m.msgid)) for m in cat.messages)))
        t3 = time.perf_counter()
        main(["--root", str(root), "sync"], out=null, err=null)
        t4 = time.perf_counter()
        return t1 - t0, t2 - t1, t4 - t3


def compare_update(corpus: Path) -> None:
    """The update comparison of ``make bench`` (``run.against_msgmerge``), printed on its own."""
    from run import against_msgmerge

    with tempfile.TemporaryDirectory() as tmp:
        t_ours, t_smart, t_gnu, agree, differ, examples, fuzzy_gnu, fuzzy_smart = against_msgmerge(corpus, Path(tmp))
    print(
        f"update 78 catalogs: msgmerge mode {t_ours:.2f}s, smart {t_smart:.2f}s, msgmerge {t_gnu:.2f}s "
        f"(ratio {t_ours / t_gnu:.2f}x)"
    )
    print(
        f"  entries agreeing with msgmerge: {agree}/{agree + differ}; fuzzy: msgmerge mode {fuzzy_gnu}, "
        f"smart {fuzzy_smart}"
    )
    print("\n".join(examples))


def run(corpus: Path) -> None:
    en = corpus / "en"
    same, total = round_trip(en)
    print(f"identity round trip: {same}/{total} pages byte-exact")
    scratch, noop, full = timed_sync(en)
    print(f"sync {total} pages x 2 locales: from scratch {scratch:.2f}s, no-op {noop:.2f}s, all translated {full:.2f}s")
    compare_update(corpus)


if __name__ == "__main__":
    run(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus" / "pauseai")
