"""`pipeline check` on the real upstream English at commits across its history: blocking findings.

At each of N commits evenly spaced over the history of the first user's English pages
(``en-history.bundle``, commits that touch ``src/posts``), a fresh translation project pulls that
commit from ``[upstream]``, syncs, translates every entry (the test suite's pseudo-locale: the
English UPPERCASED outside markup, so links and ids stay as the English has them), syncs again
and runs ``pipeline check``. A translation repository can fix nothing in the English it pulls,
so the goal is **0 blocking findings** (errors) at every commit; warnings (upstream English,
grouped for the site's maintainers) are counted too. No ``[site] routes`` are configured: a
fresh project knows none.

    python benchmarks/check_history.py [--bundle PATH] [--commits 30] [--show 5]

Commits whose pull is refused (a page that does not parse at that commit) are counted apart.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from gitsite import translate_all  # noqa: E402  (the test suite's pseudo-locale translation)

from pipeline.check import checker as check  # noqa: E402
from pipeline.check import gate  # noqa: E402
from pipeline.cli.main import main  # noqa: E402
from pipeline.model import Finding, Severity  # noqa: E402
from pipeline.workspace.settings import load  # noqa: E402

BUNDLE = ROOT.parent / "shared" / "corpus" / "pauseai" / "en-history.bundle"
POSTS = "src/posts"
SITE = """locales = ["nl"]

[upstream]
url = "{url}"
path = "src/posts"

[site]
base_url = "https://pauseai.info"
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def cli(root: Path, *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--root", str(root), "-q", *args], out=out, err=err)
    return code, out.getvalue() + err.getvalue()


def sample(commits: list[str], n: int) -> list[str]:
    """``n`` commits evenly spaced from the first to the last (both included)."""
    if n >= len(commits):
        return commits
    if n == 1:
        return [commits[-1]]
    return [commits[round(i * (len(commits) - 1) / (n - 1))] for i in range(n)]


def at_commit(upstream: Path, commit: str, work: Path) -> list[Finding] | str:
    """Findings of `pipeline check` on a fully translated project at ``commit``, or why it was skipped."""
    root = work / commit[:12]
    root.mkdir()
    (root / "pipeline.toml").write_text(SITE.format(url=upstream), encoding="utf-8")
    code, text = cli(root, "pull", "--commit", commit)
    if code != 0:
        return f"pull refused: {text.strip().splitlines()[-1] if text.strip() else code}"
    code, text = cli(root, "sync", "--offline")
    if code != 0:
        return f"sync failed: {text.strip()}"
    translate_all(root)
    cli(root, "sync", "--offline")
    cfg = load(root)
    return check.findings(cfg) + gate.findings(cfg)


def main_() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=BUNDLE)
    parser.add_argument("--commits", type=int, default=30)
    parser.add_argument("--show", type=int, default=5, help="blocking findings to print per commit")
    args = parser.parse_args()
    if not args.bundle.is_file():
        print(f"bundle not found at {args.bundle}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        upstream = work / "upstream"
        subprocess.run(["git", "clone", "-q", str(args.bundle), str(upstream)], check=True)
        history = git(upstream, "log", "--reverse", "--format=%H", "HEAD", "--", POSTS).split()
        picked = sample(history, args.commits)
        print(f"{len(picked)} of {len(history)} commits that touch {POSTS}, evenly spaced")
        blocking_total = 0
        warnings: Counter[str] = Counter()
        blocking_codes: Counter[str] = Counter()
        skipped = 0
        commits_blocked = 0
        for n, commit in enumerate(picked, 1):
            date = git(upstream, "log", "-1", "--format=%as", commit).strip()
            found = at_commit(upstream, commit, work / "projects" if (work / "projects").exists() else _mk(work))
            if isinstance(found, str):
                skipped += 1
                print(f"{n:>3} {commit[:10]} {date}: skipped, {found}")
                continue
            errors = [f for f in found if f.severity is Severity.ERROR]
            grouped = [f for f in found if f.group]
            warnings.update(f.code for f in found if f.severity is not Severity.ERROR)
            blocking_codes.update(f.code for f in errors)
            blocking_total += len(errors)
            commits_blocked += bool(errors)
            print(
                f"{n:>3} {commit[:10]} {date}: {len(errors)} blocking, "
                f"{len(found) - len(errors)} warnings/notices ({len(grouped)} upstream English)"
            )
            for f in errors[: args.show]:
                print(f"      {f.path}:{f.line}: [{f.code}] {f.message}")
        checked = len(picked) - skipped
        print()
        print(f"commits checked: {checked} ({skipped} skipped)")
        print(
            f"blocking findings: {blocking_total} in {commits_blocked} commits"
            + (f" ({', '.join(f'{c} {k}' for c, k in sorted(blocking_codes.items()))})" if blocking_codes else "")
        )
        print(f"non-blocking: {sum(warnings.values())} ({', '.join(f'{c} {k}' for c, k in sorted(warnings.items()))})")
        verdict = "met" if blocking_total == 0 else "NOT met"
        print(f"goal, 0 blocking findings on the upstream English at every sampled commit: {verdict}")
    return 0


def _mk(work: Path) -> Path:
    (work / "projects").mkdir()
    return work / "projects"


if __name__ == "__main__":
    raise SystemExit(main_())
