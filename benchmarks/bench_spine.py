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
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import pseudo  # noqa: E402

from pipeline import po  # noqa: E402
from pipeline.build import build_page  # noqa: E402
from pipeline.cli import main  # noqa: E402
from pipeline.extract import make_template  # noqa: E402
from pipeline.files import read_page  # noqa: E402
from pipeline.merge import update  # noqa: E402
from pipeline.model import Catalog  # noqa: E402
from pipeline.segment import segment_page  # noqa: E402

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


def catalogs(corpus: Path) -> list[tuple[str, Catalog, Catalog]]:
    """(page, translated old catalog, new template) for every Dutch page."""
    out = []
    for file in sorted((corpus / "nl").glob("*.md")):
        old_en, new_en = corpus / "en-for-nl" / file.name, corpus / "en" / file.name
        if not old_en.exists() or not new_en.exists():
            continue
        old_tpl = make_template(segment_page(read_page(corpus, old_en, file.stem)), None, STAMP)
        new_tpl = make_template(segment_page(read_page(corpus, new_en, file.stem)), None, STAMP)
        old_po = update(old_tpl, None, "nl")
        old_po = replace(old_po, messages=tuple(replace(m, msgstr=pseudo(m.msgid)) for m in old_po.messages))
        out.append((file.stem, old_po, new_tpl))
    return out


def compare_update(corpus: Path) -> None:
    items = catalogs(corpus)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        for name, old, tpl in items:
            po.write_po(d / f"{name}.po", old)
            po.write_po(d / f"{name}.pot", tpl)
        t0 = time.perf_counter()
        ours = {name: update(tpl, old, "nl") for name, old, tpl in items}
        t1 = time.perf_counter()
        for name, _, _ in items:
            subprocess.run(
                ["msgmerge", "--quiet", "--previous", "-o", str(d / f"{name}.gnu.po"), str(d / f"{name}.po"),
                 str(d / f"{name}.pot")],
                check=True,
            )
        t2 = time.perf_counter()
        agree = differ = fuzzy_ours = fuzzy_gnu = 0
        examples: list[str] = []
        for name, _, _ in items:
            gnu = {m.key: m for m in po.read_po(d / f"{name}.gnu.po").messages if not m.obsolete}
            for m in ours[name].messages:
                if m.obsolete:
                    continue
                g = gnu.get(m.key)
                fuzzy_ours += m.fuzzy
                fuzzy_gnu += bool(g and g.fuzzy)
                same = g is not None and (g.msgstr, g.fuzzy, g.previous_msgid) == (m.msgstr, m.fuzzy, m.previous_msgid)
                agree += same
                differ += not same
                if not same and len(examples) < 3 and g is not None:
                    examples.append(
                        f"  {name}: {m.msgid[:60]!r}\n    ours: {str(m.previous_msgid)[:60]!r}\n"
                        f"    gnu:  {str(g.previous_msgid)[:60]!r}"
                    )
    print(f"update 78 catalogs: ours {t1 - t0:.2f}s, msgmerge {t2 - t1:.2f}s, ratio {(t1 - t0) / (t2 - t1):.2f}x")
    print(f"  entries agreeing with msgmerge: {agree}/{agree + differ}; fuzzy ours {fuzzy_ours}, msgmerge {fuzzy_gnu}")
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
