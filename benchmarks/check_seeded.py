"""Recall of lint mode on real Dutch pages with seeded defects (we have no answer key of real ones).

Each trial takes one real translated page of the corpus (``nl/``, checked against the English it
was translated from, ``en-for-nl/``, and today's English, ``en/``), injects ONE known defect at a
place where the unmodified page has no finding, and runs lint mode on it. The defect counts as
found when a finding that the unmodified page does not have appears with an expected code at
the expected place (the link's line; for a dropped link, a ``link-count`` naming its target; for
a heading, the heading's line). Kinds:

* ``internal-target``: an internal link's path changed (``/x`` -> ``/x-nl``, a "translated" slug)
* ``anchor-typo``: an internal link's ``#fragment`` misspelled
* ``external-target``: an external URL's last path segment changed (a translated slug)
* ``chat-invite``: an external URL's host kept, its path replaced (another invite code)
* ``wikipedia-localized``: ``en.wikipedia.org`` -> ``nl.wikipedia.org`` (with ``link_equivalents``
  set, expected as a ``link-localized`` notice; without, as ``link-target``)
* ``dropped-link``: ``[text](url)`` -> ``text``
* ``dropped-paragraph``: a paragraph holding links deleted (its lines left blank)
* ``id-suffix``: ``{#id}`` -> ``{#id-1}``
* ``id-removed``: ``{#id}`` dropped from a translated heading (the Dutch text slugs differently)
* ``id-swapped``: two headings' ``{#id}`` swapped
* ``id-smartypants``: ``{#id}`` -> the English heading's text slugged with ``--`` (``{#a--b}``)

    python benchmarks/check_seeded.py [--corpus DIR] [--trials 40] [--seed 17] [--misses 3]

Prints recall per kind and overall, and the first few misses of each kind.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.check import checker as check
from pipeline.check.codes import CODES, Collector
from pipeline.check.links import PageFacts, page_facts
from pipeline.check.lint import TranslatedPage, check_translated, late_front_matter
from pipeline.check.options import Equivalent, LinkOptions
from pipeline.check.sitemodel import Site
from pipeline.check.urls import Urls
from pipeline.model import Finding, Page
from pipeline.segment.walker import Options, segment_page
from pipeline.workspace.files import read_page

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from check_corpus import SITE  # noqa: E402  (the first user's routes and locales)

CORPUS = ROOT.parent / "shared" / "corpus" / "pauseai"
WIKI = (Equivalent("https://en.wikipedia.org/wiki/*", "https://{locale}.wikipedia.org/wiki/*"),)


@dataclass(frozen=True, slots=True)
class Seeded:
    kind: str
    text: str
    line: int
    codes: frozenset[str]
    needle: str = ""
    """For dropped links: the target a link-count finding must name."""
    also: int = 0
    """Another line where a finding counts (the other heading of a swap: one defect, two places)."""


@dataclass
class Corpus:
    site_opts: check.SiteOptions
    english: dict[str, PageFacts]
    docs: dict[str, object]
    urls: Urls
    old: dict[str, PageFacts]
    nl: dict[str, str]
    """Translated page texts by name."""
    options: Options
    locale: str = "nl"


def load(corpus: Path, translated: Path, source: Path, locale: str) -> Corpus:
    import tomllib

    opts_table = tomllib.loads(SITE)["site"]
    site_opts = check.SiteOptions(
        base_url=opts_table["base_url"],
        locales=tuple(opts_table["locales"]),
        routes=tuple(opts_table["routes"]),
        anchors=tuple(opts_table["anchors"]),
    )
    options = Options()
    docs = {}
    for file in sorted((corpus / "en").glob("*.md")):
        page = read_page(corpus / "en", file, file.stem)
        docs[file.stem] = segment_page(Page(file.stem, f"en/{file.name}", page.text, page.bom), options)
    english = {name: page_facts(doc, True) for name, doc in docs.items()}
    urls = Urls(site_opts, docs, (locale,))
    old: dict[str, PageFacts] = {}
    nl: dict[str, str] = {}
    for file in sorted(translated.glob("*.md")):
        name = file.stem
        src = source / file.name
        if name not in docs or not src.is_file():
            continue
        page = read_page(source, src, name)
        old[name] = page_facts(segment_page(Page(name, f"{source.name}/{file.name}", page.text), options), True)
        nl[name] = read_page(translated, file, name).text
    return Corpus(site_opts, english, docs, urls, old, nl, options, locale)


def lint(c: Corpus, name: str, text: str, equivalents: bool) -> set[Finding]:
    site = Site(c.urls, c.site_opts, c.english, c.docs)  # type: ignore[arg-type]
    if equivalents:
        site.check = LinkOptions(WIKI)
    first, last = late_front_matter(text)
    doc = segment_page(Page(name, f"{c.locale}/{name}.md", text), c.options)
    out = Collector(dict(CODES))
    page = TranslatedPage(doc, f"{c.locale}/{name}.md", first, last)
    check_translated(site, c.locale, [page], {name: c.old[name]}, out)
    return out.items


# --------------------------------------------------------------------------- seeding


def _replace_at(text: str, line: int, col: int, old: str, new: str) -> str | None:
    lines = text.split("\n")
    src = lines[line - 1]
    if src[col - 1 : col - 1 + len(old)] != old:
        return None
    lines[line - 1] = src[: col - 1] + new + src[col - 1 + len(old) :]
    return "\n".join(lines)


def _internal(c: Corpus, name: str, href: str) -> bool:
    return c.urls.resolve(href, name, c.locale) is not None and not href.startswith(("http:", "https:"))


def seed(c: Corpus, kind: str, name: str, rng: random.Random, clean: Callable[[int], bool]) -> Seeded | None:
    text = c.nl[name]
    facts = page_facts(segment_page(Page(name, name, text), c.options), True)
    links = [link for link in facts.links if clean(link.line) and "{" not in link.href]
    rng.shuffle(links)
    heads = [h for h in facts.headings if h.explicit and clean(h.line)]
    rng.shuffle(heads)
    for link in links:
        href = link.href
        internal = _internal(c, name, href)
        external = href.startswith(("http://", "https://")) and "pauseai.info" not in href
        new = None
        codes: set[str] = set()
        if kind == "internal-target" and internal and href.startswith("/") and "#" not in href:
            new, codes = href.rstrip("/") + "-nl", {"link-target", "page-missing"}
        elif kind == "anchor-typo" and internal and "#" in href and len(href.split("#", 1)[1]) > 2:
            new, codes = href + "x", {"anchor-missing", "link-target"}
        elif kind == "external-target" and external and href.rstrip("/").rsplit("/", 1)[-1].count("-") >= 2:
            base, last = href.rstrip("/").rsplit("/", 1)
            new, codes = f"{base}/{last.replace('-', '-de-', 1)}", {"link-target"}
        elif kind == "chat-invite" and external and "wikipedia" not in href:
            parts = href.split("/")
            if len(parts) > 3:
                new, codes = "/".join(parts[:3]) + "/Zx9" + str(rng.randrange(10**6)), {"link-target"}
        elif kind == "wikipedia-localized" and "en.wikipedia.org/wiki/" in href:
            new, codes = href.replace("en.wikipedia.org", f"{c.locale}.wikipedia.org"), {"link-localized"}
        elif kind == "dropped-link" and (internal or external):
            lines = text.split("\n")
            pattern = re.compile(r"\[([^\[\]]*)\]\(" + re.escape(href) + r"(?:\s+\"[^\"]*\")?\)")
            m = pattern.search(lines[link.line - 1])
            if m and m.group(1).strip():
                lines[link.line - 1] = lines[link.line - 1][: m.start()] + m.group(1) + lines[link.line - 1][m.end() :]
                key = c.urls.normalize(href) if internal else href
                return Seeded(kind, "\n".join(lines), link.line, frozenset({"link-count"}), key)
            continue
        elif kind == "dropped-paragraph" and external:
            lines = text.split("\n")
            start = link.line - 1
            while start > 0 and lines[start - 1].strip():
                start -= 1
            end = link.line - 1
            while end + 1 < len(lines) and lines[end + 1].strip():
                end += 1
            if any(ln.lstrip().startswith("#") for ln in lines[start : end + 1]):
                continue
            for i in range(start, end + 1):
                lines[i] = ""
            return Seeded(kind, "\n".join(lines), link.line, frozenset({"link-count"}), href)
        if new is not None:
            out = _replace_at(text, link.line, link.col, href, new)
            if out is not None:
                return Seeded(kind, out, link.line, frozenset(codes))
    english_ids = {h.served for h in c.english[name].headings}
    for h in heads:
        if h.written not in english_ids or "--" in h.written:
            continue
        mark = "{#" + h.written + "}"
        lines = text.split("\n")
        src = lines[h.line - 1]
        if mark not in src:
            continue
        if kind == "id-suffix":
            lines[h.line - 1] = src.replace(mark, "{#" + h.written + "-1}")
            return Seeded(kind, "\n".join(lines), h.line, frozenset({"id-shifted", "anchor-differs"}))
        if kind == "id-removed":
            rest = src.replace(mark, "").rstrip()
            from pipeline.segment.slug import slug

            if slug(re.sub(r"^#+\s*", "", rest)) == h.written:
                continue
            lines[h.line - 1] = rest
            return Seeded(kind, "\n".join(lines), h.line, frozenset({"anchor-differs"}))
        if kind == "id-swapped":
            others = [
                o
                for o in heads
                if o.written != h.written and o.written in english_ids and "{#" + o.written + "}" in text
            ]
            if not others:
                continue
            o = others[0]
            omark = "{#" + o.written + "}"
            lines[h.line - 1] = src.replace(mark, omark)
            lines[o.line - 1] = lines[o.line - 1].replace(omark, mark)
            return Seeded(kind, "\n".join(lines), h.line, frozenset({"id-shifted", "anchor-differs"}), "", o.line)
        if kind == "id-smartypants" and "-" in h.written:
            lines[h.line - 1] = src.replace(mark, "{#" + h.written.replace("-", "--", 1) + "}")
            return Seeded(kind, "\n".join(lines), h.line, frozenset({"anchor-differs", "id-shifted"}))
    return None


KINDS = (
    "internal-target",
    "anchor-typo",
    "external-target",
    "chat-invite",
    "wikipedia-localized",
    "dropped-link",
    "dropped-paragraph",
    "id-suffix",
    "id-removed",
    "id-swapped",
    "id-smartypants",
)


def found(s: Seeded, new: set[Finding]) -> bool:
    for f in new:
        if f.code not in s.codes:
            continue
        if s.needle:
            if s.needle in f.message:
                return True
        elif f.line in (s.line, s.also):
            return True
    return False


_PROTECT = re.compile(
    r"\]\((?:[^()]|\([^()]*\))*\)|!?\[|\]|`+[^`]*`+|<[^<>]+>|\{[^{}]*\}|https?://\S+|&#?\w+;|[*_~]+|\n|\|"
)


def _apertium(texts: list[str], pair: str) -> list[str]:
    """Machine translations of ``texts`` (markup kept aside as placeholders; English kept where it got lost)."""
    protected: list[tuple[str, list[str]]] = []
    for text in texts:
        pieces: list[str] = []

        def keep(m: re.Match[str], pieces: list[str] = pieces) -> str:
            pieces.append(m.group(0))
            return f" ZQ{len(pieces) - 1}Q "

        protected.append((_PROTECT.sub(keep, text), pieces))
    joined = "\n".join(p[0].replace("\n", " ") for p in protected) + "\n"
    done = subprocess.run(["apertium", "-u", pair], input=joined, capture_output=True, text=True, check=True)
    lines = done.stdout.split("\n")
    out: list[str] = []
    for text, (_, pieces), line in zip(texts, protected, lines, strict=False):
        restored = line
        ok = True
        for n, piece in enumerate(pieces):
            token = f"ZQ{n}Q"
            if restored.count(token) != 1:
                ok = False
                break
            restored = restored.replace(token, piece)
        restored = re.sub(r"[ \t]+", " ", restored).strip()
        out.append(restored if ok and restored else text)
    return out


def apertium_pages(corpus: Path, work: Path, locale: str) -> Path:
    """The English pages translated to ``locale`` with apertium through extract, PO files and build."""
    import io
    import tomllib
    from dataclasses import replace

    from pipeline.cli.main import main
    from pipeline.formats import po

    root = work / "site"
    shutil.copytree(corpus / "en", root / "source")
    table = tomllib.loads(SITE)
    (root / "pipeline.toml").write_text(
        f'source = "source"\nlocales = ["{locale}"]\n\n[site]\nbase_url = "{table["site"]["base_url"]}"\n',
        encoding="utf-8",
    )
    (root / "locales" / locale).mkdir(parents=True)
    quiet = io.StringIO()
    assert main(["--root", str(root), "-q", "sync"], out=quiet, err=quiet) == 0, quiet.getvalue()
    files = sorted((root / "locales" / locale).glob("*.po"))
    catalogs = [po.read_po(f) for f in files]
    msgids = [m.msgid for c in catalogs for m in c.messages if not m.obsolete and m.msgid]
    done = dict(zip(msgids, _apertium(msgids, "eng-spa"), strict=True))
    for f, catalog in zip(files, catalogs, strict=True):
        messages = tuple(
            replace(m, msgstr=done.get(m.msgid, ""), flags=()) if not m.obsolete and m.msgid else m
            for m in catalog.messages
        )
        po.write_po(f, replace(catalog, messages=messages))
    assert main(["--root", str(root), "-q", "sync"], out=quiet, err=quiet) == 0, quiet.getvalue()
    return root / "build" / locale


def main_() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--trials", type=int, default=40, help="trials per kind")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--misses", type=int, default=3, help="misses to print per kind")
    parser.add_argument(
        "--language",
        choices=("es",),
        help="instead of the real Dutch pages: the English translated by apertium (eng-spa) through the pipeline",
    )
    args = parser.parse_args()
    if not (args.corpus / "nl").is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    if args.language:
        work = Path(tempfile.mkdtemp(prefix="check-seeded-"))
        translated = apertium_pages(args.corpus, work, args.language)
        c = load(args.corpus, translated, args.corpus / "en", args.language)
        print(f"{len(c.nl)} English pages machine-translated to {args.language} (apertium) and built by the pipeline")
    else:
        c = load(args.corpus, args.corpus / "nl", args.corpus / "en-for-nl", "nl")
    rng = random.Random(args.seed)
    names = sorted(c.nl)
    baseline = {name: lint(c, name, c.nl[name], True) for name in names}
    busy = {name: {f.line for f in found_} for name, found_ in baseline.items()}
    hits: dict[str, int] = defaultdict(int)
    tries: dict[str, int] = defaultdict(int)
    misses: dict[str, list[str]] = defaultdict(list)
    for kind in KINDS:
        attempts = 0
        while tries[kind] < args.trials and attempts < args.trials * 20:
            attempts += 1
            name = rng.choice(names)
            s = seed(c, kind, name, rng, lambda line, n=name: line not in busy[n])
            if s is None:
                continue
            tries[kind] += 1
            new = lint(c, name, s.text, True) - baseline[name]
            if found(s, new):
                hits[kind] += 1
            elif len(misses[kind]) < args.misses:
                got = ", ".join(sorted(f"{f.code}@{f.line}" for f in new)) or "nothing new"
                misses[kind].append(f"{c.locale}/{name}.md:{s.line} (expected {'/'.join(sorted(s.codes))}; got {got})")
    width = max(len(k) for k in KINDS)
    print(f"{'kind':{width}}  {'found':>5} / {'seeded':<6}  recall")
    for kind in KINDS:
        t = tries[kind]
        print(f"{kind:{width}}  {hits[kind]:>5} / {t:<6}  {hits[kind] / t:.0%}" if t else f"{kind:{width}}  (no place)")
        for m in misses[kind]:
            print(f"{'':{width}}    missed {m}")
    total_hits, total = sum(hits.values()), sum(tries.values())
    print(
        f"\noverall recall of seeded link/anchor defects, lint mode, {c.locale}: "
        f"{total_hits}/{total} = {total_hits / total:.1%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main_())
