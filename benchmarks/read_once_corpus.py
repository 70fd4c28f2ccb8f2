"""Read once, on the real corpus: how often ``pipeline report`` and ``pipeline check`` read each file.

    .venv/bin/python benchmarks/read_once_corpus.py [--keep DIR]

Set-up (as ``report_corpus.py``: the English history, ``nl`` and ``de`` catalogs, one sync).
Then each command runs in this process with ``Path.read_bytes`` counted per file (every read
of a page or PO file goes through it), and the script prints, per command, how many pages and
PO files were read and the most reads of any one file (1 means read once).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests"))

from report_corpus import set_up  # noqa: E402

from pipeline.cli.main import main as cli  # noqa: E402

_READ = Path.read_bytes


def counted(root: Path, *args: str) -> tuple[int, Counter[str]]:
    """Run one command in-process; its exit code and the reads of pages, templates and PO files."""
    counts: Counter[str] = Counter()
    top = root.resolve()

    def counting(self: Path) -> bytes:
        path = self.resolve()
        if path.is_relative_to(top) and path.suffix in (".md", ".po", ".pot") and "build" not in path.parts:
            counts[path.relative_to(top).as_posix()] += 1
        return _READ(self)

    Path.read_bytes = counting  # type: ignore[method-assign]
    try:
        code = cli(["--root", str(root), *args], out=io.StringIO(), err=io.StringIO())
    finally:
        Path.read_bytes = _READ  # type: ignore[method-assign]
    return code, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the project here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep.resolve() if args.keep else Path(tmp) / "site"
        set_up(root)
        for command in (["report", "--html", str(Path(tmp) / "report.html")], ["check"]):
            code, counts = counted(root, *command)
            pages = sum(1 for p in counts if p.endswith(".md"))
            catalogs = sum(1 for p in counts if not p.endswith(".md"))
            twice = sorted(p for p, n in counts.items() if n > 1)
            print(
                f"pipeline {command[0]} (exit {code}): {pages} pages and {catalogs} templates/PO files read, "
                f"at most {max(counts.values(), default=0)} time(s) each; read more than once: {len(twice)}"
                + (f" ({', '.join(twice[:5])}{' …' if len(twice) > 5 else ''})" if twice else "")
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
