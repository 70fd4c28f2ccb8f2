"""Where a full sync's CPU goes: seconds per stage of one in-process sync of a synthetic site.

    .venv/bin/python benchmarks/stage_profile.py [--pages 300] [--locales 10] [--corpus DIR]

Builds the synthetic site of ``synth.py`` (real page structure, every entry translated), then runs
``pipeline sync`` once in this process with ``PIPELINE_JOBS=1`` (no workers, so every stage's time
is this process's) and the stage functions wrapped in CPU timers: segmenting, PO parsing, merging,
PO formatting, building, and ``apply`` (the writes). A stage called from inside another counts
once, in the outer one. Unlike cProfile, the timers add almost nothing, so the shares are real.
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from synth import make_site  # noqa: E402

from pipeline.cli.main import main as cli  # noqa: E402
from pipeline.formats import po  # noqa: E402
from pipeline.segment import walker  # noqa: E402
from pipeline.stages import build, merge  # noqa: E402
from pipeline.workspace import project  # noqa: E402

STAGES: tuple[tuple[ModuleType, str, str], ...] = (
    (walker, "segment_page", "segment pages"),
    (po, "parse_po", "parse PO files"),
    (merge, "update", "merge (update)"),
    (po, "format_po", "format PO files"),
    (build, "build_page", "build pages"),
    (project, "apply", "write (apply)"),
)


def timed(function: Callable[..., Any], label: str, spent: dict[str, float], busy: list[bool]) -> Callable[..., Any]:
    """``function`` counting its CPU seconds under ``label`` (unless another timed stage is running)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if busy[0]:
            return function(*args, **kwargs)
        busy[0] = True
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.process_time() - start
            busy[0] = False

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--locales", type=int, default=10)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "pauseai" / "en")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"corpus not found at {args.corpus}: pass --corpus")
    os.environ["PIPELINE_JOBS"] = "1"
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    spent: dict[str, float] = {}
    busy = [False]
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        make_site(site, args.corpus, args.pages, args.locales, seed=1)
        for module, name, label in STAGES:  # timed from here: making the site uses some of them too
            setattr(module, name, timed(getattr(module, name), label, spent, busy))
        start, wall = time.process_time(), time.perf_counter()
        code = cli(["--root", str(site), "sync", "-q"], out=io.StringIO(), err=sys.stderr)
        total, wall = time.process_time() - start, time.perf_counter() - wall
    if code != 0:
        sys.exit(f"sync exited {code}")
    units = args.pages * args.locales
    size = f"{args.pages} pages x {args.locales} locales"
    print(f"full sync of {size} in one process: {total:.1f} s CPU ({wall:.1f} s wall)")
    print(f"{'stage':20} {'CPU s':>7} {'share':>6} {'ms per page x locale':>21}")
    for _, _, label in STAGES:
        seconds = spent.get(label, 0.0)
        print(f"{label:20} {seconds:7.2f} {seconds / total:6.0%} {1000 * seconds / units:21.2f}")
    rest = total - sum(spent.values())
    print(f"{'the rest':20} {rest:7.2f} {rest / total:6.0%} {1000 * rest / units:21.2f}")


if __name__ == "__main__":
    main()
