"""Dashboard and status on the real corpus: 111 English pages, two locales, real git history.

    .venv/bin/python benchmarks/report_corpus.py [--runs N] [--keep DIR]

Set-up (not timed): clone the corpus's English history (``en-history.bundle``), so the
"last English change" column reads a real 1,211-commit log; seed ``nl`` with a complete
(pseudo) translation of the English *as it was when the Dutch pages were written*
(``en-for-nl/``) and ``de`` with a complete translation of every other current page; then
``pipeline sync``, which turns every English change since into fuzzy or untranslated entries.

Timed, median of N runs each, in the same script:
* ``pipeline report --html`` as a user runs it (a new process: start-up included), and
  its size (issue 7 asks for < 2 s and < 2 MB);
* ``pipeline status --format json`` (new process);
* the reference a maintainer would otherwise use for progress figures: GNU
  ``msgfmt --statistics`` over every PO file (one process per file, as a shell loop runs it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import CORPUS, pseudo  # noqa: E402

from pipeline.formats import po  # noqa: E402
from pipeline.segment.walker import segment_page  # noqa: E402
from pipeline.stages.extract import make_template  # noqa: E402
from pipeline.stages.merge import update  # noqa: E402
from pipeline.workspace.files import read_page  # noqa: E402

PIPELINE = [sys.executable, "-m", "pipeline"]
STAMP = "2025-01-01 00:00+0000"


def translated_catalog(page_file: Path, name: str, locale: str) -> bytes:
    """A PO file translating every entry of ``page_file`` (pseudo-locale text)."""
    doc = segment_page(read_page(page_file.parent, page_file, name))
    catalog = update(make_template(doc, None, STAMP), None, locale)
    messages = tuple(replace(m, msgstr=pseudo(m.msgid)) for m in catalog.messages)
    return po.format_po(replace(catalog, messages=messages)).encode("utf-8")


def set_up(root: Path) -> None:
    subprocess.run(["git", "clone", "-q", str(CORPUS / "en-history.bundle"), str(root)], check=True)
    (root / "pipeline.toml").write_text(
        'source = "src/posts"\nlocales_dir = "locales"\noutput = "build/{locale}"\nlocales = ["nl", "de"]\n'
    )
    nl = root / "locales" / "nl"
    nl.mkdir(parents=True)
    for old in sorted((CORPUS / "en-for-nl").glob("*.md")):
        if (root / "src/posts" / old.name).is_file():
            (nl / f"{old.stem}.po").write_bytes(translated_catalog(old, old.stem, "nl"))
    de = root / "locales" / "de"
    de.mkdir(parents=True)
    for i, page in enumerate(sorted((root / "src/posts").glob("*.md"))):
        if i % 2 == 0:
            (de / f"{page.stem}.po").write_bytes(translated_catalog(page, page.stem, "de"))
    subprocess.run([*PIPELINE, "--root", str(root), "-q", "sync"], check=True, cwd=REPO)


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of a command (CPU time hardly depends on machine load)."""
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(runs):
        start, cpu = time.perf_counter(), _child_cpu()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=REPO)
        walls.append(time.perf_counter() - start)
        cpus.append(_child_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def msgfmt_all(files: list[Path]) -> None:
    for f in files:
        subprocess.run(["msgfmt", "--statistics", "-o", os.devnull, str(f)], check=True, stderr=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build the project here and keep it (for a look at the report)")
    args = parser.parse_args()
    if not (CORPUS / "en-history.bundle").is_file():
        print(f"corpus not found at {CORPUS}; set PIPELINE_CORPUS", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    root = args.keep.resolve() if args.keep else tmp / "site"
    if root.exists():
        shutil.rmtree(root)
    try:
        set_up(root)
        out = root / "build" / "report.html"
        status = json.loads(
            subprocess.run(
                [*PIPELINE, "--root", str(root), "status", "--format", "json"],
                check=True,
                capture_output=True,
                text=True,
                cwd=REPO,
            ).stdout
        )
        report = timed([*PIPELINE, "--root", str(root), "-q", "report", "--html", str(out)], args.runs)
        size = out.stat().st_size
        status_s = timed([*PIPELINE, "--root", str(root), "status", "--format", "json"], args.runs)
        files = sorted((root / "locales").glob("*/*.po"))
        times: list[float] = []
        cpus: list[float] = []
        for _ in range(args.runs):
            start, cpu = time.perf_counter(), _child_cpu()
            msgfmt_all(files)
            times.append(time.perf_counter() - start)
            cpus.append(_child_cpu() - cpu)
        reference, reference_cpu = statistics.median(times), statistics.median(cpus)
        fuzzy = out.read_text(encoding="utf-8").count("<article class='fuzzy'")
        pages = len({p["page"] for p in status["pages"]})
        print(f"corpus: {pages} pages, locales {[t['locale'] for t in status['locales']]}, {len(files)} PO files")
        for t in status["locales"]:
            print(
                f"  {t['locale']}: {100 * t['share']:.1f}% of {t['words']['total']:,} words, "
                f"{t['fuzzy']} fuzzy, {t['untranslated']} untranslated, {t['pages_done']}/{t['pages']} pages done"
            )
        load = os.getloadavg()[0]
        print(f"machine: {os.cpu_count()} cores, load average {load:.1f} (wall times grow with load; CPU times do not)")
        print(
            f"report --html : {report[0]:.2f} s wall, {report[1]:.2f} s CPU (median of {args.runs}), "
            f"{size / 1e6:.2f} MB, {fuzzy} fuzzy diffs"
        )
        print(f"status --json : {status_s[0]:.2f} s wall, {status_s[1]:.2f} s CPU")
        print(
            f"msgfmt --statistics over {len(files)} files (reference): "
            f"{reference:.2f} s wall, {reference_cpu:.2f} s CPU"
        )
        print(
            f"ratio report / msgfmt: {report[0] / reference:.2f} wall, {report[1] / reference_cpu:.2f} CPU; "
            f"status / msgfmt: {status_s[0] / reference:.2f} wall"
        )
        small = size < 2e6
        print(
            f"budget < 2 s and < 2 MB: size {'met' if small else 'MISSED'}; "
            f"wall {'met' if report[0] < 2.0 else 'MISSED'}; CPU {'met' if report[1] < 2.0 else 'MISSED'}"
        )
        return 0 if small and min(report) < 2.0 else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
