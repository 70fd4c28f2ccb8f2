"""Machine pre-translation on the real site: the 111 English pages -> Spanish with Apertium, and a replay.

Part 1 (the pages as they stand): ``pipeline translate`` with the real Apertium engine
(``apertium-eng-spa``), ``[translate] publish = true``, then ``sync`` builds the pages:

* share of the untranslated entries filled (goal >= 95%), and the rejections by reason;
* built pages that keep every heading id and every link target of the English, as the
  site serves them (the checker's own page model; goal 111/111);
* ``pipeline check`` errors located in machine entries (every msgstr is one; goal 0);
* segments sent by a second run (goal 0);
* time of the translate run (wall and CPU, Apertium's processes included), against the
  same segments piped through one bare ``apertium`` call (the engine's own cost).

Part 2 (the history): replays ``--commits`` real English commits from the history bundle
(pull, sync, ``translate --include-fuzzy``) and compares the characters sent per commit with
what re-translating each changed page whole costs (the page's characters, what the first
user's whole-page script sends). Goal: <= 10%.

    python benchmarks/translate_corpus.py [--corpus DIR] [--commits 40] [--skip-replay] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from check_corpus import SITE  # noqa: E402  (how the first user's site serves pages)

from pipeline.check import checker  # noqa: E402
from pipeline.cli.main import main  # noqa: E402
from pipeline.formats import po  # noqa: E402
from pipeline.model import Page, Severity  # noqa: E402
from pipeline.segment.walker import segment_page  # noqa: E402
from pipeline.translate.engines.apertium import to_apertium  # noqa: E402
from pipeline.translate.protect import protect  # noqa: E402
from pipeline.workspace import project  # noqa: E402
from pipeline.workspace.settings import load  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "pauseai"
POSTS = "src/posts"


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--root", str(root), *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def translate(root: Path, *args: str) -> dict[str, Any]:
    code, out, err = cli(root, "translate", "--format", "json", *args)
    if code == 2:
        raise SystemExit(f"translate failed: {err}")
    data: dict[str, Any] = json.loads(out)
    return data


def untranslated(root: Path) -> int:
    n = 0
    for path in (root / "locales" / "es").rglob("*.po"):
        n += sum(1 for m in po.read_po(path).messages if not m.obsolete and not m.msgstr and m.msgid)
    return n


def facts(root: Path, path: Path, name: str) -> checker.PageFacts:
    cfg = load(root)
    text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    doc = segment_page(Page(name, str(path), text), project.options(cfg))
    return checker.page_facts(doc, project.options(cfg).smartypants)


def structure_kept(root: Path) -> tuple[int, int, list[str]]:
    """Pages whose built Spanish page has the English's heading ids and link targets."""
    kept, pages, differ = 0, 0, []
    for name, file in project.page_names(load(root)):
        pages += 1
        en = facts(root, file, name)
        es = facts(root, root / "build" / "es" / f"{name}.md", name)
        same_ids = [h.served for h in en.headings] == [h.served for h in es.headings]
        same_links = Counter(link.href for link in en.links) == Counter(link.href for link in es.links)
        if same_ids and same_links:
            kept += 1
        else:
            differ.append(name)
    return kept, pages, differ


def bare_apertium(root: Path) -> float:
    """Wall seconds of one bare apertium call over every segment (protected), the engine's own cost."""
    texts: list[str] = []
    for path in sorted((root / "locales" / "templates").rglob("*.pot")):
        texts += [to_apertium(protect(m.msgid).text) for m in po.read_po(path).messages if m.msgid]
    data = "".join(f"<p>{t}</p>\n" for t in dict.fromkeys(texts))
    start = time.perf_counter()
    subprocess.run(["apertium", "-u", "-f", "html", "eng-spa"], input=data, capture_output=True, text=True, check=True)
    return time.perf_counter() - start


def pages_part(corpus: Path, work: Path) -> dict[str, Any]:
    root = work / "site"
    shutil.copytree(corpus / "en", root / "source")
    config = SITE.replace('locales = ["nl", "de"]', 'locales = ["es"]') + "\n[translate]\npublish = true\n"
    (root / "pipeline.toml").write_text(config, encoding="utf-8")
    (root / "locales" / "es").mkdir(parents=True)
    assert cli(root, "-q", "sync")[0] == 0
    to_fill = untranslated(root)
    start, used = time.perf_counter(), cpu()
    first = translate(root)
    wall, cpu_s = time.perf_counter() - start, cpu() - used
    assert cli(root, "-q", "sync")[0] == 0
    kept, pages, differ = structure_kept(root)
    found = checker.findings(load(root))
    machine_errors = [f for f in found if f.severity is Severity.ERROR and f.path.startswith("locales/es/")]
    second = translate(root)
    (work / "rejections.json").write_text(json.dumps(first["rejections"], indent=1, ensure_ascii=False))
    reasons = Counter(_reason(r["reason"]) for r in first["rejections"])
    return {
        "pages": pages,
        "entries_to_fill": to_fill,
        "filled": first["filled"],
        "filled_share": round(first["filled"] / to_fill, 4) if to_fill else 1.0,
        "rejected": first["rejected"],
        "rejected_by_reason": dict(reasons.most_common()),
        "sent": first["sent"],
        "characters": first["characters"],
        "pages_keeping_ids_and_links": kept,
        "pages_differing": differ,
        "check_errors_in_machine_entries": len(machine_errors),
        "check_error_codes": dict(Counter(f.code for f in machine_errors)),
        "second_run_sent": second["sent"],
        "translate_wall_s": round(wall, 2),
        "translate_cpu_s": round(cpu_s, 2),
        "bare_apertium_wall_s": round(bare_apertium(root), 2),
    }


def _reason(text: str) -> str:
    for key in ("placeholders", "build would refuse", "unchanged", "commentary", "absurd", "URL", "quotes", "lines"):
        if key in text:
            return key
    return text[:40]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def replay_part(bundle: Path, work: Path, commits: int) -> dict[str, Any]:
    upstream = work / "upstream"
    subprocess.run(["git", "clone", "-q", str(bundle), str(upstream)], check=True)
    chain = git(upstream, "rev-list", "--first-parent", "--reverse", "main", "--", POSTS).split()
    chain = chain[-(commits + 1) :]
    site = work / "replay"
    (site / "locales" / "es").mkdir(parents=True)
    (site / "pipeline.toml").write_text(
        f'locales = ["es"]\n\n[upstream]\nurl = "{upstream}"\nref = "main"\npath = "{POSTS}"\n', encoding="utf-8"
    )
    assert cli(site, "-q", "pull", "--commit", chain[0])[0] == 0
    assert cli(site, "-q", "sync", "--offline")[0] == 0
    initial = translate(site)
    steps: list[dict[str, Any]] = []
    for prev, commit in itertools.pairwise(chain):
        code, _out, err = cli(site, "-q", "pull", "--commit", commit)
        if code != 0:
            steps.append({"commit": commit[:12], "refused": err.strip()[:200]})
            continue
        assert cli(site, "-q", "sync", "--offline")[0] == 0
        done = translate(site, "--include-fuzzy")
        changed = git(upstream, "diff", "--name-only", "--no-renames", prev, commit, "--", f"{POSTS}/*.md").split()
        whole = 0
        for path in changed:
            with contextlib.suppress(subprocess.CalledProcessError):  # deleted: nothing to translate
                whole += len(git(upstream, "show", f"{commit}:{path}"))
        steps.append(
            {
                "commit": commit[:12],
                "pages_changed": len(changed),
                "sent": done["sent"],
                "characters": done["characters"],
                "whole_pages_characters": whole,
            }
        )
    ours = sum(s.get("characters", 0) for s in steps)
    whole = sum(s.get("whole_pages_characters", 0) for s in steps)
    return {
        "commits": len(steps),
        "refused": sum(1 for s in steps if "refused" in s),
        "initial_characters": initial["characters"],
        "characters_sent": ours,
        "whole_page_characters": whole,
        "ratio": round(ours / whole, 4) if whole else 0.0,
        "per_commit_mean_sent": round(ours / max(1, len(steps)), 1),
        "per_commit_mean_whole": round(whole / max(1, len(steps)), 1),
        "steps": steps,
    }


def main_(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--commits", type=int, default=40)
    parser.add_argument("--skip-replay", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (printed) to look at the results")
    args = parser.parse_args(argv)
    if not (args.corpus / "en").is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    if shutil.which("apertium") is None:
        print("apertium is not installed (apt-get install apertium apertium-eng-spa)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="translate-bench-"))
    try:
        figures: dict[str, Any] = {"pages": pages_part(args.corpus, work)}
        if not args.skip_replay:
            figures["replay"] = replay_part(args.corpus / "en-history.bundle", work, args.commits)
    finally:
        if args.keep:
            print(f"work folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    p = figures["pages"]
    print(
        f"pages: {p['pages']}; entries filled {p['filled']}/{p['entries_to_fill']} ({p['filled_share']:.1%}; "
        f"goal >= 95%), rejected {p['rejected']} {p['rejected_by_reason']}"
    )
    print(f"built pages keeping every heading id and link target: {p['pages_keeping_ids_and_links']}/{p['pages']}")
    if p["pages_differing"]:
        print(f"  differing: {', '.join(p['pages_differing'])}")
    print(f"pipeline check errors in machine entries: {p['check_errors_in_machine_entries']} {p['check_error_codes']}")
    print(f"second run: {p['second_run_sent']} segments sent")
    print(
        f"time: translate {p['translate_wall_s']} s wall, {p['translate_cpu_s']} s CPU "
        f"({p['sent']} segments, {p['characters']:,} characters); one bare apertium call over the same "
        f"segments: {p['bare_apertium_wall_s']} s"
    )
    if "replay" in figures:
        r = figures["replay"]
        print(
            f"replay: {r['commits']} commits ({r['refused']} refused); characters sent {r['characters_sent']:,} "
            f"vs re-translating each changed page whole {r['whole_page_characters']:,}: {r['ratio']:.1%} "
            f"(goal <= 10%); per commit {r['per_commit_mean_sent']:,} vs {r['per_commit_mean_whole']:,}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main_())
