"""Replay the real English history: pull + sync at each of N consecutive commits that touch pages.

A pseudo-locale (``eo``, English UPPERCASED) is translated completely at the first commit; then
each later commit is pulled and synced, and we count:

* translations lost: a msgstr present in a PO file before the step that is in none of that
  file's entries (active or obsolete) after it (following PO files moved with renamed pages);
  must be 0;
* entries turned fuzzy by the step, and entries new and untranslated;
* commits whose pull was refused (a page that does not parse at that commit: the pull stops,
  changes nothing, and the replay goes on with the next commit);
* time per commit of ``pipeline pull`` and ``pipeline sync`` (in-process), and, as the
  reference a user would otherwise run, GNU ``msgmerge --previous`` over the same old PO file
  and new template of every page (update only, one process per page as a Makefile would).

    python benchmarks/replay_history.py [--bundle PATH] [--start REV] [--commits N] [--json]

Needs ``../shared/corpus/pauseai/en-history.bundle`` (or ``--bundle``) and GNU gettext.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import pseudo  # noqa: E402  (the test suite's pseudo-locale)

from pipeline.cli.main import main  # noqa: E402
from pipeline.formats import po  # noqa: E402

BUNDLE = ROOT.parent / "shared" / "corpus" / "pauseai" / "en-history.bundle"
POSTS = "src/posts"
LOCALE = "eo"


class Refused(Exception):
    """A command stopped with an error (exit 2), having changed nothing."""


def cli(root: Path, *args: str) -> tuple[float, float, str]:
    """Run a command in-process: (wall seconds, CPU seconds of this process and its children, output)."""
    out, err = io.StringIO(), io.StringIO()
    start, cpu = time.perf_counter(), _cpu()
    code = main(["--root", str(root), *args], out=out, err=err)
    elapsed, used = time.perf_counter() - start, _cpu() - cpu
    if code == 2:
        raise Refused(err.getvalue().strip())
    if code != 0:
        raise SystemExit(f"pipeline {' '.join(args)} failed ({code}):\n{err.getvalue()}")
    return elapsed, used, out.getvalue()


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (less noisy than wall time)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def catalogs(root: Path) -> dict[str, bytes]:
    folder = root / "locales" / LOCALE
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.po"))}


def msgstrs(data: bytes, where: str) -> set[str]:
    found: set[str] = set()
    for m in po.parse_po(data.decode("utf-8"), where).messages:
        found.update(s for s in (m.msgstr, *m.msgstr_plural) if s)
    return found


def fuzzy_keys(data: bytes, where: str) -> set[tuple[str | None, str]]:
    return {m.key for m in po.parse_po(data.decode("utf-8"), where).messages if m.fuzzy and not m.obsolete}


def translate_all(root: Path) -> None:
    for path in sorted((root / "locales" / LOCALE).rglob("*.po")):
        catalog = po.read_po(path)
        messages = tuple(
            m if m.obsolete else replace(m, msgstr=pseudo(m.msgid), flags=(), previous_msgid=None)
            for m in catalog.messages
        )
        po.write_po(path, replace(catalog, messages=messages))


def msgmerge_all(root: Path, old: dict[str, bytes], scratch: Path) -> tuple[float, float, int]:
    """Time msgmerge --previous of each old PO file with the page's new template: (wall, CPU, runs)."""
    templates = root / "locales" / "templates"
    total, runs = 0.0, 0
    cpu = _cpu()
    for name, data in old.items():
        pot = templates / name.replace(".po", ".pot")
        if not pot.is_file():
            continue
        src = scratch / "old.po"
        src.write_bytes(data)
        start = time.perf_counter()
        subprocess.run(
            ["msgmerge", "--previous", "--quiet", "-o", str(scratch / "new.po"), str(src), str(pot)], check=True
        )
        total += time.perf_counter() - start
        runs += 1
    return total, _cpu() - cpu, runs


def main_(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, default=BUNDLE)
    parser.add_argument("--start", default="main~700", help="first commit (default main~700)")
    parser.add_argument("--commits", type=int, default=140, help="commits to replay after the first (default 140)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not args.bundle.is_file():
        print(f"bundle not found: {args.bundle}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="replay-"))
    try:
        return replay(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def replay(args: argparse.Namespace, work: Path) -> int:
    upstream = work / "upstream"
    subprocess.run(["git", "clone", "-q", str(args.bundle), str(upstream)], check=True)
    start = git(upstream, "rev-parse", args.start).strip()
    # consecutive first-parent commits that touch the pages, oldest first
    chain = git(upstream, "rev-list", "--first-parent", "--reverse", f"{start}^..main", "--", POSTS).split()
    if chain[0] != start:
        chain.insert(0, start)
    commits = chain[: args.commits + 1]
    site = work / "site"
    (site / "locales" / LOCALE).mkdir(parents=True)
    (site / "pipeline.toml").write_text(
        f'locales = ["{LOCALE}"]\n\n[upstream]\nurl = "{upstream}"\nref = "main"\npath = "{POSTS}"\n'
    )
    scratch = work / "scratch"
    scratch.mkdir()

    cli(site, "pull", "--commit", commits[0])  # pinned: 'sync' below keeps each pinned commit
    cli(site, "sync", "--offline")
    translate_all(site)
    cli(site, "sync", "--offline")
    first_pages = len(list((site / "source").rglob("*.md")))
    translated_at_start = sum(len(msgstrs(d, n)) for n, d in catalogs(site).items())

    steps: list[dict[str, object]] = []
    refused: list[dict[str, object]] = []
    lost_total = 0
    for commit in commits[1:]:
        before = catalogs(site)
        fuzzy_before = {(n, k) for n, d in before.items() for k in fuzzy_keys(d, n)}
        try:
            pull_s, pull_cpu, pull_out = cli(site, "pull", "--commit", commit)
        except Refused as exc:  # e.g. a page whose front matter is not YAML at this commit
            unchanged = catalogs(site) == before
            refused.append({"commit": commit[:12], "error": str(exc), "nothing_changed": unchanged})
            print(f"     {commit[:10]} refused: {exc}", file=sys.stderr)
            continue
        moves = _moves(site, before)
        sync_s, sync_cpu, _ = cli(site, "sync", "--offline")
        after = catalogs(site)
        lost = 0
        for name, data in before.items():
            target = moves.get(name, name)
            kept = msgstrs(after[target], target) if target in after else set()
            lost += len(msgstrs(data, name) - kept)
        lost_total += lost
        fuzzy_after = {(n, k) for n, d in after.items() for k in fuzzy_keys(d, n)}
        reverse = {v: k for k, v in moves.items()}
        newly = {(n, k) for n, k in fuzzy_after if (reverse.get(n, n), k) not in fuzzy_before}
        ref_s, ref_cpu, runs = msgmerge_all(site, {moves.get(n, n): d for n, d in before.items()}, scratch)
        renamed = re.search(r"(\d+) renamed", pull_out)
        steps.append(
            {
                "commit": commit[:12],
                "pull_s": round(pull_s, 4),
                "pull_cpu_s": round(pull_cpu, 4),
                "sync_s": round(sync_s, 4),
                "sync_cpu_s": round(sync_cpu, 4),
                "msgmerge_s": round(ref_s, 4),
                "msgmerge_cpu_s": round(ref_cpu, 4),
                "msgmerge_runs": runs,
                "lost": lost,
                "new_fuzzy": len(newly),
                "renamed": int(renamed.group(1)) if renamed else 0,
            }
        )
        print(
            f"{len(steps):4d} {commit[:10]} pull {pull_s:6.3f}s sync {sync_s:6.3f}s "
            f"msgmerge {ref_s:6.3f}s lost {lost} fuzzy+{len(newly)}",
            file=sys.stderr,
        )

    # idempotence at the last commit: pull + sync again change nothing, the lock is byte-stable
    lock = (site / "pipeline.lock").read_bytes()
    snapshot = catalogs(site)
    _, _, again = cli(site, "sync")
    idempotent = (site / "pipeline.lock").read_bytes() == lock and catalogs(site) == snapshot and " 0 written" in again
    msgfmt_ok = all(
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(p)], capture_output=True).returncode == 0
        for p in (site / "locales").rglob("*.po")
    )
    figures = _figures(upstream, commits, steps, lost_total, first_pages, translated_at_start, idempotent, msgfmt_ok)
    figures["pulls refused (bad upstream page)"] = len(refused)
    figures["refusals changed nothing"] = all(r["nothing_changed"] for r in refused)
    if args.json:
        print(json.dumps({"figures": figures, "steps": steps, "refused": refused}, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:34} {value}")
        for r in refused:
            print(f"refused at {r['commit']}: {r['error']}")
    return 0 if lost_total == 0 and idempotent and msgfmt_ok and figures["refusals changed nothing"] else 1


def _moves(site: Path, before: dict[str, bytes]) -> dict[str, str]:
    """PO files moved by the last pull: (old name -> new name), from the pages' X-Pipeline-Source."""
    folder = site / "locales" / LOCALE
    moved: dict[str, str] = {}
    gone = [n for n in before if not (folder / n).is_file()]
    if not gone:
        return moved
    for path in folder.rglob("*.po"):
        name = path.relative_to(folder).as_posix()
        if name in before:
            continue
        data = path.read_bytes()
        for old in gone:
            if data == before[old]:
                moved[old] = name
    return moved


def _figures(
    upstream: Path,
    commits: list[str],
    steps: list[dict[str, object]],
    lost: int,
    pages: int,
    translated: int,
    idempotent: bool,
    msgfmt_ok: bool,
) -> dict[str, object]:
    def series(key: str) -> list[float]:
        return [float(str(s[key])) for s in steps]

    sync, pull, ref = series("sync_s"), series("pull_s"), series("msgmerge_s")
    sync_cpu, ref_cpu = series("sync_cpu_s"), series("msgmerge_cpu_s")
    fuzzy = [int(str(s["new_fuzzy"])) for s in steps]
    first = git(upstream, "show", "-s", "--format=%h %cs", commits[0]).strip()
    last = git(upstream, "show", "-s", "--format=%h %cs", commits[-1]).strip()
    return {
        "commits replayed": len(commits) - 1,
        "commits pulled and synced": len(steps),
        "window": f"{first} .. {last}",
        "pages at start": pages,
        "translations at start": translated,
        "renames followed": sum(int(str(s["renamed"])) for s in steps),
        "translations lost": lost,
        "entries turned fuzzy (total)": sum(fuzzy),
        "commits with fuzzy entries": sum(1 for f in fuzzy if f),
        "fuzzy per commit (max)": max(fuzzy, default=0),
        "sync s/commit (mean)": round(statistics.mean(sync), 3),
        "sync s/commit (median)": round(statistics.median(sync), 3),
        "sync s/commit (max)": round(max(sync), 3),
        "pull s/commit (mean)": round(statistics.mean(pull), 3),
        "msgmerge-all s/commit (mean)": round(statistics.mean(ref), 3),
        "sync / msgmerge-all (wall)": round(statistics.mean(sync) / statistics.mean(ref), 2),
        "sync CPU s/commit (mean)": round(statistics.mean(sync_cpu), 3),
        "msgmerge-all CPU s/commit (mean)": round(statistics.mean(ref_cpu), 3),
        "sync / msgmerge-all (CPU)": round(statistics.mean(sync_cpu) / statistics.mean(ref_cpu), 2),
        "second pull+sync changes nothing": idempotent,
        "msgfmt -c accepts every PO file": msgfmt_ok,
    }


if __name__ == "__main__":
    raise SystemExit(main_())
