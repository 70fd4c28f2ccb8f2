"""Replay real English history through ``update``: msgmerge-equivalent mode against smart mode.

    .venv/bin/python benchmarks/update_replay.py [--bundle PATH] [--start N] [--commits N] [--gnu]

The English history (a git bundle, cloned to a temporary folder with gitpython) is walked
commit by commit along the first-parent line, keeping only commits that change a page. At
the first commit every page is translated into a pseudo-locale (``tests/conftest.py::pseudo``:
the English uppercased outside markup). At every later commit each changed page gets a new
template and each mode updates its own catalog from it; then a simulated translator brings
every entry back to translated (``msgstr = pseudo(msgid)``), so each commit starts from a
fully translated catalog, as on a maintained site.

Because the pseudo-locale is a function of the English, a carried translation is right
exactly when it equals ``pseudo(new msgid)``. A translation is lost when an msgstr of the
catalog before the commit is neither in the catalog after it (active or obsolete) nor the
source of a carried entry (whose comment records the change).

As a yardstick for *which* old entry a changed entry should take its translation from, the
replay also pairs segments the way git's line diff does (where that is unambiguous) and reports
how often each mode took the translation of that entry.

``--gnu`` also runs GNU ``msgmerge --previous`` on the same catalogs (written to files with
our PO writer) and reports how often it agrees with our msgmerge-equivalent mode, and the
time both took.
"""

from __future__ import annotations

import argparse
import difflib
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path

import git

from pipeline.errors import PipelineError
from pipeline.formats import po
from pipeline.model import Catalog, Message, Page
from pipeline.segment.walker import segment_page
from pipeline.stages.changes import CARRYABLE, DEFAULT_AUTO_CARRY, ChangeClass
from pipeline.stages.extract import make_template
from pipeline.stages.merge import Merged, Mode, Outcome, UpdateOptions, merge

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from conftest import pseudo  # noqa: E402  (the test suite's pseudo-locale, one definition)

DEFAULT_BUNDLE = (
    Path(os.environ.get("PIPELINE_CORPUS", REPO.parent / "shared" / "corpus" / "pauseai")) / "en-history.bundle"
)
PAGES = "src/posts/"
LOCALE = "xx"
STAMP = "2020-01-01 00:00+0000"


@dataclass
class Tally:
    """What one update mode did over the replay."""

    fuzzy: int = 0
    carried: int = 0
    wrong: int = 0
    new: int = 0
    lost: int = 0
    copy_fuzzy: int = 0
    """Fuzzy entries whose source is still on the page (a sibling's translation, not an edit)."""
    seconds: float = 0.0
    judged: int = 0
    """Fuzzy or carried entries whose source the line diff pins down."""
    agree: int = 0
    """Of those, how many took their translation from the entry the line diff pairs them with."""
    fuzzy_by_class: Counter[str] = field(default_factory=Counter)
    carried_by_class: Counter[str] = field(default_factory=Counter)
    wrong_examples: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Gnu:
    """Agreement of our msgmerge mode with GNU msgmerge on the same inputs."""

    catalogs: int = 0
    entries: int = 0
    same_entries: int = 0
    fuzzy_either: int = 0
    same_fuzzy: int = 0
    same_catalogs: int = 0
    ours_seconds: float = 0.0
    gnu_seconds: float = 0.0
    differences: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)


@dataclass
class Replay:
    commits: int = 0
    first: str = ""
    last: str = ""
    page_updates: int = 0
    skipped: int = 0
    modes: dict[str, Tally] = field(default_factory=dict)
    gnu: Gnu | None = None


def page_commits(repo: git.Repo) -> list[git.Commit]:
    """First-parent commits, oldest first, that add, change, move or delete a page."""
    out: list[git.Commit] = []
    tip = "HEAD" if repo.head.is_valid() else repo.refs[0].name  # a bundle of one branch has no HEAD
    for c in repo.iter_commits(tip, first_parent=True, reverse=True):
        if not c.parents:
            if any(b.path.startswith(PAGES) for b in c.tree.traverse() if isinstance(b, git.Blob)):
                out.append(c)
            continue
        if any((d.a_path or "").startswith(PAGES) or (d.b_path or "").startswith(PAGES) for d in c.parents[0].diff(c)):
            out.append(c)
    return out


def _is_page(path: str | None) -> bool:
    return bool(path) and path.startswith(PAGES) and path.endswith(".md")  # type: ignore[union-attr]


def pages_at(commit: git.Commit) -> dict[str, str]:
    return {
        b.path: b.data_stream.read().decode("utf-8", "replace")
        for b in commit.tree.traverse()
        if isinstance(b, git.Blob) and _is_page(b.path)
    }


def template_of(path: str, text: str) -> Catalog | None:
    """The page's template, or None when the page cannot be read at this commit."""
    try:
        doc = segment_page(Page(path[len(PAGES) : -3], path, text))
    except PipelineError:
        return None
    return make_template(doc, None, STAMP)


def translate(catalog: Catalog, fuzzy_too: bool = True) -> Catalog:
    """The simulated translator: every active entry that is not translated gets the pseudo translation.

    With ``fuzzy_too`` False it fills only empty entries and leaves fuzzy ones as they are (a
    translator who is behind), so later updates meet fuzzy candidates with previous msgids.
    """
    out: list[Message] = []
    for m in catalog.messages:
        if not m.obsolete and not m.translated and (fuzzy_too or not m.fuzzy):
            m = replace(
                m,
                msgstr=pseudo(m.msgid),
                flags=tuple(f for f in m.flags if f != "fuzzy"),
                previous_msgid=None,
                previous_msgctxt=None,
            )
        out.append(m)
    return replace(catalog, messages=tuple(out))


def line_truth(old_text: str, new_text: str) -> dict[str, str | None]:
    """The old msgid each changed segment replaces, as git's line diff sees it (None: inserted).

    Lines are aligned with difflib (as ``git diff`` does); a changed segment whose first line is
    in a replaced block of the same size as the old block is paired with the old segment at the
    same offset, and one in an inserted block is new. Other segments are left out (unknown).
    This is a yardstick independent of both update modes.
    """
    try:
        old_doc = segment_page(Page("old", "old.md", old_text))
        new_doc = segment_page(Page("new", "new.md", new_text))
    except PipelineError:
        return {}
    old_at = {seg.line - 1: seg.msgid for seg in reversed(old_doc.segments)}
    old_ids = {seg.msgid for seg in old_doc.segments}
    new_ids = {seg.msgid for seg in new_doc.segments}
    blocks = difflib.SequenceMatcher(None, old_text.splitlines(), new_text.splitlines(), autojunk=False).get_opcodes()
    truth: dict[str, str | None] = {}
    for seg in new_doc.segments:
        if seg.msgid in old_ids or seg.msgid in truth:
            continue
        line = seg.line - 1
        for tag, i1, i2, j1, j2 in blocks:
            if not j1 <= line < j2:
                continue
            if tag == "insert":
                truth[seg.msgid] = None
            elif tag == "replace" and i2 - i1 == j2 - j1:
                source = old_at.get(i1 + line - j1)
                if source is not None and source not in new_ids:
                    truth[seg.msgid] = source
            break
    return truth


def _changed_pages(prev: git.Commit, commit: git.Commit) -> Iterator[tuple[str | None, str | None, str, str]]:
    """(old path, new path, old text, new text) of pages changed by a commit; new path None when deleted."""
    for d in prev.diff(commit, find_renames=True):
        a = d.a_path if _is_page(d.a_path) and not d.new_file else None
        b = d.b_path if _is_page(d.b_path) and not d.deleted_file else None
        if b is None:
            if a is not None:
                yield a, None, "", ""
            continue
        old = d.a_blob.data_stream.read().decode("utf-8", "replace") if a is not None else ""
        yield a, b, old, d.b_blob.data_stream.read().decode("utf-8", "replace")


def _account(tally: Tally, before: Catalog | None, merged: Merged, truth: dict[str, str | None]) -> None:
    new = merged.catalog
    for d in merged.decisions:
        if d.outcome in (Outcome.FUZZY, Outcome.CARRIED) and d.msgid in truth and d.source is not None:
            tally.judged += 1
            tally.agree += d.source[1] == truth[d.msgid]
    entries = {m.key: m for m in new.messages if not m.obsolete}
    carried_from: set[tuple[str | None, str]] = set()
    for d in merged.decisions:
        if d.outcome is Outcome.FUZZY:
            tally.fuzzy += 1
            tally.fuzzy_by_class[d.change or "?"] += 1
            if d.source in entries:
                tally.copy_fuzzy += 1
        elif d.outcome is Outcome.CARRIED:
            tally.carried += 1
            tally.carried_by_class[d.change or "?"] += 1
            assert d.source is not None
            carried_from.add(d.source)
            got = entries[(d.msgctxt, d.msgid)].msgstr
            if got != pseudo(d.msgid):
                tally.wrong += 1
                tally.wrong_examples.append((d.source[1], d.msgid, got))
        elif d.outcome is Outcome.NEW:
            tally.new += 1
    if before is not None:
        kept = {m.msgstr for m in new.messages if m.msgstr}
        for m in before.messages:
            if m.msgstr and m.msgstr not in kept and m.key not in carried_from:
                tally.lost += 1


def _gnu_compare(gnu: Gnu, before: Catalog, template: Catalog, ours: Merged, tmp: Path) -> None:
    """Run GNU msgmerge --previous on the same old catalog and template; compare entry by entry."""
    old_file, pot_file, out_file = tmp / "old.po", tmp / "new.pot", tmp / "out.po"
    old_file.write_text(po.format_po(before), encoding="utf-8")
    pot_file.write_text(po.format_po(template), encoding="utf-8")
    started = time.perf_counter()
    subprocess.run(["msgmerge", "--previous", "--quiet", "-o", str(out_file), str(old_file), str(pot_file)], check=True)
    gnu.gnu_seconds += time.perf_counter() - started
    theirs = po.parse_po(out_file.read_text(encoding="utf-8"), str(out_file))
    mine = ours.catalog

    def view(c: Catalog) -> dict[tuple[bool, str | None, str], tuple[str, bool, str | None]]:
        return {(m.obsolete, m.msgctxt, m.msgid): (m.msgstr, m.fuzzy, m.previous_msgid) for m in c.messages}

    a, b = view(mine), view(theirs)
    gnu.catalogs += 1
    gnu.same_catalogs += a == b
    for key in sorted({k for k in a if not k[0]} | {k for k in b if not k[0]}, key=repr):
        gnu.entries += 1
        x, y = a.get(key), b.get(key)
        gnu.same_entries += x == y
        if (x and x[1]) or (y and y[1]):
            gnu.fuzzy_either += 1
            if x == y:
                gnu.same_fuzzy += 1
            elif len(gnu.differences) < 20:
                gnu.differences.append((key[2], "ours/gnu", x[2] if x else None, y[2] if y else None))


def replay(
    repo_dir: Path,
    start: int = 0,
    count: int | None = None,
    modes: dict[str, UpdateOptions] | None = None,
    with_gnu: bool = False,
    progress: Callable[[str], None] | None = None,
    fix_fuzzy: bool = True,
) -> Replay:
    """Replay ``count`` page-changing commits from the ``start``-th one; see the module docstring."""
    repo = git.Repo(repo_dir)
    commits = page_commits(repo)
    window = commits[start : None if count is None else start + count + 1]
    if len(window) < 2:
        raise SystemExit(f"only {len(window)} page-changing commits from index {start}; nothing to replay")
    modes = modes or {
        "msgmerge": UpdateOptions(Mode.MSGMERGE),
        "smart": UpdateOptions(Mode.SMART, DEFAULT_AUTO_CARRY),
    }
    result = Replay(commits=len(window) - 1, first=window[0].hexsha[:10], last=window[-1].hexsha[:10])
    result.modes = {name: Tally() for name in modes}
    result.gnu = Gnu() if with_gnu else None
    state: dict[str, dict[str, Catalog]] = {name: {} for name in modes}
    for path, text in pages_at(window[0]).items():
        tpl = template_of(path, text)
        if tpl is None:
            continue
        for name, opts in modes.items():
            state[name][path] = translate(merge(tpl, None, LOCALE, opts).catalog)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for step, (prev, commit) in enumerate(pairwise(window), 1):
            if progress and step % 50 == 0:
                progress(f"  {step}/{result.commits} commits")
            for old_path, new_path, old_text, text in _changed_pages(prev, commit):
                if new_path is None:
                    continue  # a deleted page keeps its catalog (an orphan, as in a real project)
                tpl = template_of(new_path, text)
                if tpl is None:
                    result.skipped += 1
                    continue
                result.page_updates += 1
                truth = line_truth(old_text, text) if old_text else {}
                for name, opts in modes.items():
                    catalogs = state[name]
                    before = catalogs.pop(old_path, None) if old_path and old_path != new_path else None
                    before = before if before is not None else catalogs.get(new_path)
                    started = time.perf_counter()
                    merged = merge(tpl, before, LOCALE, opts)
                    elapsed = time.perf_counter() - started
                    result.modes[name].seconds += elapsed
                    _account(result.modes[name], before, merged, truth)
                    if result.gnu is not None and opts.mode is Mode.MSGMERGE and before is not None:
                        result.gnu.ours_seconds += elapsed
                        _gnu_compare(result.gnu, before, tpl, merged, tmp)
                    catalogs[new_path] = translate(merged.catalog, fix_fuzzy)
    return result


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def table(result: Replay) -> str:
    names = list(result.modes)
    rows: list[tuple[str, list[object]]] = [
        ("fuzzy entries created", [t.fuzzy for t in result.modes.values()]),
        ("  of which a sibling's translation", [t.copy_fuzzy for t in result.modes.values()]),
        ("carried (stay translated)", [t.carried for t in result.modes.values()]),
        ("wrong carries", [t.wrong for t in result.modes.values()]),
        ("new, untranslated", [t.new for t in result.modes.values()]),
        ("source = line diff's pair", [f"{_pct(t.agree, t.judged)}" for t in result.modes.values()]),
        ("lost translations", [t.lost for t in result.modes.values()]),
        ("  (entries judged)", [t.judged for t in result.modes.values()]),
        ("update time (s)", [round(t.seconds, 2) for t in result.modes.values()]),
    ]
    width = max(len(r[0]) for r in rows)
    lines = [
        f"commits replayed: {result.commits} page-changing commits ({result.first}..{result.last}), "
        f"{result.page_updates} page updates, {result.skipped} unreadable page versions skipped",
        "",
        f"{'':{width}}  " + "  ".join(f"{n:>10}" for n in names),
    ]
    for label, values in rows:
        lines.append(f"{label:{width}}  " + "  ".join(f"{v:>10}" for v in values))
    base = result.modes[names[0]].fuzzy
    for name in names[1:]:
        t = result.modes[name]
        lines.append(f"fuzzies {name} vs {names[0]}: {t.fuzzy} vs {base}, {_pct(base - t.fuzzy, base)} fewer")
    lines.append("")
    lines.append(f"change classes of the {names[0]} fuzzies (what a smart update could carry):")
    for cls, n in result.modes[names[0]].fuzzy_by_class.most_common():
        lines.append(f"  {cls:<24} {n:>6}  {_pct(n, base)}")
    for name in names[1:]:
        t = result.modes[name]
        if t.carried:
            lines.append(f"carried by {name}: " + ", ".join(f"{c} {n}" for c, n in t.carried_by_class.most_common()))
        for old, new, got in t.wrong_examples[:5]:
            lines.append(f"  WRONG {name}: {old!r} -> {new!r} gave {got!r}")
    if result.gnu is not None:
        g = result.gnu
        lines += [
            "",
            f"GNU msgmerge --previous on the same {g.catalogs} catalog updates:",
            f"  identical catalogs (entries, flags, previous msgids, obsolete): {g.same_catalogs} "
            f"({_pct(g.same_catalogs, g.catalogs)})",
            f"  identical entries: {g.same_entries} of {g.entries} ({_pct(g.same_entries, g.entries)})",
            f"  same fuzzy candidate: {g.same_fuzzy} of {g.fuzzy_either} entries fuzzy on either side "
            f"({_pct(g.same_fuzzy, g.fuzzy_either)})",
            f"  time: ours {g.ours_seconds:.2f} s in process, GNU {g.gnu_seconds:.2f} s in subprocesses "
            f"(ratio {g.gnu_seconds / g.ours_seconds if g.ours_seconds else 0:.1f}x, process start-up included)",
        ]
        for msgid, _, ours, theirs in g.differences[:10]:
            lines.append(f"  differs: {msgid[:60]!r}: ours previous {ours!r:.60}, GNU previous {theirs!r:.60}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE, help="git bundle (or repository) of the English")
    parser.add_argument("--start", type=int, default=0, help="index of the first page-changing commit (default 0)")
    parser.add_argument("--commits", type=int, default=None, help="how many commits to replay (default: all)")
    parser.add_argument("--gnu", action="store_true", help="also compare with GNU msgmerge --previous")
    parser.add_argument(
        "--leave-fuzzy", action="store_true", help="the simulated translator fills empty entries only, never fuzzy ones"
    )
    parser.add_argument(
        "--also-all-classes", action="store_true", help="add a column carrying every class (number, markup too)"
    )
    args = parser.parse_args(argv)
    if not args.bundle.exists():
        print(f"{args.bundle}: not found; pass --bundle", file=sys.stderr)
        return 2
    modes = {
        "msgmerge": UpdateOptions(Mode.MSGMERGE),
        "smart": UpdateOptions(Mode.SMART, DEFAULT_AUTO_CARRY),
    }
    if args.also_all_classes:
        modes["smart-all"] = UpdateOptions(Mode.SMART, frozenset(CARRYABLE))
    with tempfile.TemporaryDirectory() as tmp:
        if args.bundle.is_dir():
            repo_dir = args.bundle
        else:
            repo_dir = Path(tmp) / "upstream"
            git.Repo.clone_from(str(args.bundle), str(repo_dir))
        started = time.perf_counter()
        result = replay(
            repo_dir,
            args.start,
            args.commits,
            modes,
            args.gnu,
            lambda s: print(s, file=sys.stderr),
            not args.leave_fuzzy,
        )
    print(table(result))
    default = sorted(c.value for c in DEFAULT_AUTO_CARRY)
    every = sorted(c.value for c in ChangeClass if c in CARRYABLE)
    print(f"\n(total {time.perf_counter() - started:.0f} s; auto_carry default = {default}, all = {every})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
