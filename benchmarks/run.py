"""``make bench``: our sync against the tools a user would otherwise pick, side by side in one run.

Prints one table of ratios (this machine is shared and noisy: absolute seconds mean little,
ratios measured in the same run mean more), then the scale figures:

1. full sync of the corpus pages x 2 locales from scratch, against po4a (Debian ``po4a``) with a
   generated ``po4a.cfg`` doing the same extract / update / translate work on the same pages;
2. update of the Dutch catalogs from the English they were translated from (``en-for-nl/``) to
   today's (``en/``), against GNU ``msgmerge --previous`` on the same files: time, and agreement of
   our msgmerge mode with msgmerge entry by entry (three disagreements shown);
3. a no-op sync: wall time of the command, and that no file was written (mtimes unchanged);
4. scale: synthetic sites (``benchmarks/synth.py``, seeded) of 500, 1,000 and 2,000 pages in 10
   pseudo-translated locales: full sync, no-op sync, peak memory, and the growth per page.

Usage: ``.venv/bin/python benchmarks/run.py [--corpus DIR] [--scale 500,1000,2000] [--locales 10]``.
Nothing here is a test: it asserts nothing, it measures.
"""

from __future__ import annotations

import argparse
import os
import resource
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
sys.path.insert(0, str(ROOT / "benchmarks"))

from conftest import pseudo  # noqa: E402
from synth import make_site  # noqa: E402

from pipeline.formats import po  # noqa: E402
from pipeline.segment.walker import segment_page  # noqa: E402
from pipeline.stages.extract import make_template  # noqa: E402
from pipeline.stages.merge import Mode, UpdateOptions, update  # noqa: E402
from pipeline.workspace.files import read_page  # noqa: E402

PIPELINE = str(Path(sys.executable).parent / "pipeline")
STAMP = "2026-01-01 00:00+0000"
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}


CPU: dict[str, float] = {}
"""CPU seconds (user + sys, the command and all its worker processes) of the last ``run``."""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and exit code of a command (output discarded); its CPU seconds in ``CPU["last"]``.

    On a shared machine wall time mostly measures the other tenants; CPU time (user + sys of
    the process and its workers, which the OS charges to us when they are reaped) does not.
    """
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env or ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    CPU["last"] = _children_cpu() - cpu0
    return time.perf_counter() - t0, done.returncode


def peak_rss_mb(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, MB): the largest resident set of the command or any of its worker processes.

    ``ru_maxrss`` of the children is the largest of any reaped process so far, so this is
    exact only while every earlier child was smaller (true here: the site sizes grow).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    seconds, _ = run(cmd, cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(after, before) / 1024


# --------------------------------------------------------------------------- 1. po4a


def po4a_config(pages: list[str], locales: tuple[str, ...]) -> str:
    lines = [f"[po4a_langs] {' '.join(locales)}", "[po4a_paths] pot/$master.pot $lang:po/$master.$lang.po"]
    for name in pages:
        lines.append(
            f"[type: text] en/{name}.md $lang:out/$lang/{name}.md pot={name} "
            'opt:"-o markdown -o yfm_keys=title,description -o yfm_lenient -k 0"'
        )
    return "\n".join(lines) + "\n"


def against_po4a(en: Path, work: Path) -> tuple[float, float, int, int] | None:
    """(our CPU seconds, po4a CPU seconds, pages, po4a exit code); None when po4a is not installed."""
    if shutil.which("po4a") is None:
        return None
    names = sorted(p.stem for p in en.glob("*.md"))
    ours = work / "ours"
    shutil.copytree(en, ours / "source")
    for loc in ("nl", "de"):
        (ours / "locales" / loc).mkdir(parents=True)
    theirs = work / "po4a"
    shutil.copytree(en, theirs / "en")
    (theirs / "po4a.cfg").write_text(po4a_config(names, ("nl", "de")), encoding="utf-8")
    _, code = run([PIPELINE, "sync", "-q"], ours)
    assert code == 0, "our sync failed"
    t_ours = CPU["last"]
    _, code_po4a = run(["po4a", "--no-backups", "--force", "po4a.cfg"], theirs)
    t_po4a = CPU["last"]
    _, _ = run(["po4a", "--no-backups", "--force", "po4a.cfg"], theirs)  # its second run: nothing new
    CPU["po4a again"] = CPU["last"]
    return t_ours, t_po4a, len(names), code_po4a


# --------------------------------------------------------------------------- 2. msgmerge


def against_msgmerge(corpus: Path, work: Path) -> tuple[float, float, float, int, int, list[str], int, int]:
    """Update the Dutch pages' catalogs from their old English to today's, ours and GNU's."""
    items = []
    for file in sorted((corpus / "nl").glob("*.md")):
        old_en, new_en = corpus / "en-for-nl" / file.name, corpus / "en" / file.name
        if not (old_en.exists() and new_en.exists()):
            continue
        old_tpl = make_template(segment_page(read_page(corpus, old_en, file.stem)), None, STAMP)
        new_tpl = make_template(segment_page(read_page(corpus, new_en, file.stem)), None, STAMP)
        old = update(old_tpl, None, "nl")
        old = replace(old, messages=tuple(replace(m, msgstr=pseudo(m.msgid)) for m in old.messages))
        items.append((file.stem, old, new_tpl))
    for name, old, tpl in items:
        po.write_po(work / f"{name}.po", old)
        po.write_po(work / f"{name}.pot", tpl)
    gnu_mode = UpdateOptions(mode=Mode.MSGMERGE)
    t0 = time.process_time()
    ours = {name: update(tpl, old, "nl", gnu_mode) for name, old, tpl in items}
    t1 = time.process_time()
    smart = {name: update(tpl, old, "nl") for name, old, tpl in items}
    t2 = time.process_time()
    gnu0 = _children_cpu()
    for name, _, _ in items:
        subprocess.run(
            [
                "msgmerge",
                "--quiet",
                "--previous",
                "-o",
                str(work / f"{name}.gnu.po"),
                str(work / f"{name}.po"),
                str(work / f"{name}.pot"),
            ],
            check=True,
        )
    t3 = t2 + _children_cpu() - gnu0  # msgmerge's own CPU seconds, as ours are our process's
    agree = differ = 0
    examples: list[str] = []
    for name, _, _ in items:
        gnu = {m.key: m for m in po.read_po(work / f"{name}.gnu.po").messages if not m.obsolete}
        for m in ours[name].messages:
            if m.obsolete:
                continue
            g = gnu.get(m.key)
            same = g is not None and (g.msgstr, g.fuzzy, g.previous_msgid) == (m.msgstr, m.fuzzy, m.previous_msgid)
            agree += same
            differ += not same
            if not same and g is not None and len(examples) < 3:
                examples.append(
                    f"    {name}: {m.msgid[:58]!r}\n      ours: previous {str(m.previous_msgid)[:50]!r}\n"
                    f"      GNU:  previous {str(g.previous_msgid)[:50]!r}"
                )
    fuzzy_gnu = sum(1 for c in ours.values() for m in c.messages if m.fuzzy and not m.obsolete)
    fuzzy_smart = sum(1 for c in smart.values() for m in c.messages if m.fuzzy and not m.obsolete)
    return t1 - t0, t2 - t1, t3 - t2, agree, differ, examples, fuzzy_gnu, fuzzy_smart


# --------------------------------------------------------------------------- 3. no-op


def mtimes(root: Path) -> dict[str, int]:
    return {
        p.relative_to(root).as_posix(): p.stat().st_mtime_ns
        for p in root.rglob("*")
        if p.is_file() and ".pipeline" not in p.parts
    }


def no_op(en: Path, work: Path) -> tuple[float, float, bool]:
    """(best wall seconds, best CPU seconds, no file written) of three no-op syncs."""
    site = work / "noop"
    shutil.copytree(en, site / "source")
    for loc in ("nl", "de"):
        (site / "locales" / loc).mkdir(parents=True)
    run([PIPELINE, "sync", "-q"], site)
    run([PIPELINE, "sync", "-q"], site)  # the cache now records every file
    before = mtimes(site)
    walls, cpus = [], []
    for _ in range(3):
        walls.append(run([PIPELINE, "sync", "-q"], site)[0])
        cpus.append(CPU["last"])
    return min(walls), min(cpus), mtimes(site) == before


# --------------------------------------------------------------------------- 4. scale


def scale(en: Path, work: Path, sizes: list[int], locales: int) -> list[tuple[int, float, float, float, float, float]]:
    """(pages, seconds to generate, full sync wall, full sync CPU, no-op wall, peak MB) per size."""
    rows = []
    for pages in sizes:
        site = work / f"scale{pages}"
        t0 = time.perf_counter()
        make_site(site, en, pages, locales, seed=1)
        made = time.perf_counter() - t0
        full, mb = peak_rss_mb([PIPELINE, "sync", "-q"], site)
        cpu = CPU["last"]
        noop = min(run([PIPELINE, "sync", "-q"], site)[0] for _ in range(2))
        rows.append((pages, made, full, cpu, noop, mb))
        shutil.rmtree(site)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "pauseai")
    parser.add_argument("--scale", default="500,1000,2000", help="page counts of the synthetic sites ('' to skip)")
    parser.add_argument("--locales", type=int, default=10)
    args = parser.parse_args()
    en = args.corpus / "en"
    if not en.is_dir():
        sys.exit(f"corpus not found at {args.corpus}: pass --corpus")
    # compiled once, as an installed package is: without it (PYTHONDONTWRITEBYTECODE) every
    # command would compile the package again and the no-op would measure the compiler
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "pipeline")], check=False)
    print(
        f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; worker processes: "
        f"{os.environ.get('PIPELINE_JOBS') or 'all cores'}\n"
        "times are CPU seconds (user + sys of the command and its workers); ratios against the\n"
        "reference measured in this run\n"
    )
    print(f"{'measure':58} {'ours':>9} {'reference':>10} {'ratio':>7}")
    po4a_per_page = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        po4a = against_po4a(en, work)
        if po4a is None:
            print("1. full sync vs po4a: po4a not installed (apt-get install po4a)")
        else:
            ours, theirs, pages, code = po4a
            po4a_per_page = theirs / (pages * 2)
            note = "" if code == 0 else f" (po4a exit {code})"
            print(
                f"{'1. full sync, ' + str(pages) + ' pages x 2 locales, vs po4a' + note:58} "
                f"{ours:8.2f}s {theirs:9.2f}s {ours / theirs:6.2f}x"
            )
        mm = work / "msgmerge"
        mm.mkdir()
        t_ours, t_smart, t_gnu, agree, differ, examples, fuzzy_gnu, fuzzy_smart = against_msgmerge(args.corpus, mm)
        print(
            f"{'2. update 78 catalogs (msgmerge mode) vs msgmerge --previous':58} "
            f"{t_ours:8.2f}s {t_gnu:9.2f}s {t_ours / t_gnu:6.2f}x"
        )
        print(f"{'   same, smart mode (default)':58} {t_smart:8.2f}s {t_gnu:9.2f}s {t_smart / t_gnu:6.2f}x")
        print(
            f"   entries agreeing with msgmerge: {agree} of {agree + differ}; "
            f"fuzzy: msgmerge mode {fuzzy_gnu}, smart mode {fuzzy_smart}"
        )
        for example in examples:
            print(example)
        seconds, cpu, untouched = no_op(en, work)
        again = CPU.get("po4a again", 0.0)
        ratio = f"{cpu / again:6.2f}x" if again else f"{'':>7}"
        print(
            f"{'3. no-op sync (111 pages x 2 locales) vs po4a run again':58} {cpu:8.2f}s "
            f"{again:9.2f}s {ratio}  wall {seconds:.2f}s; files untouched: {'yes' if untouched else 'NO'}"
        )
        sizes = [int(s) for s in args.scale.split(",") if s]
        if sizes:
            print(f"\n4. scale: synthetic sites, {args.locales} locales, every entry translated")
            print(
                f"   {'pages':>6} {'full CPU':>9} {'full wall':>10} {'no-op':>7} {'peak MB':>8} "
                f"{'CPU s/1000 p':>13} {'vs po4a/page':>13}"
            )
            rows = scale(en, work, sizes, args.locales)
            for pages, _made, full, cpu, noop, mb in rows:
                vs = f"{cpu / (pages * args.locales) / po4a_per_page:12.2f}x" if po4a_per_page else f"{'':>13}"
                print(f"   {pages:>6} {cpu:8.1f}s {full:9.1f}s {noop:6.2f}s {mb:8.0f} {1000 * cpu / pages:12.1f}s {vs}")
            if len(rows) > 1:
                (p0, _, _, f0, _, _), (p1, _, _, f1, _, _) = rows[0], rows[-1]
                slope = (f1 - f0) / (p1 - p0) * 1000
                print(
                    f"   growth: {slope:.1f} CPU s per 1000 more pages; CPU per page at {p1} / at {p0}: "
                    f"{(f1 / p1) / (f0 / p0):.2f} (1.00 = linear); on 2 idle cores the full sync of "
                    f"{p1} pages takes about {f1 / 2:.0f}s"
                )
        print(f"\nload at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
