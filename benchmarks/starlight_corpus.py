"""The MDX dialect on the real Starlight corpus (and the mdsvex props case of PauseAI's action.md).

Run:  .venv/bin/python benchmarks/starlight_corpus.py [--corpus DIR]

Prints the figures the MDX dialect is measured by, with the real MDX compiler (``@mdx-js/mdx``
with remark-gfm, remark-directive, remark-frontmatter; ``scripts/mdx_compile.mjs``) as judge:

* identity: every English page built with no translation is byte-identical;
* pseudo: every page built with every segment UPPERCASED (outside markup) compiles, with the
  English MDX tree (node types, JSX names and untranslated props, directives, code, ESM,
  expressions, link URLs);
* import de / fr: ``pipeline import --source-dir en-for-<locale>`` of the human translations,
  then ``sync``: the built pages compile; the share of pages the import rebuilds equal to the
  real translation modulo whitespace (as ``pipeline import`` reports it), with the dialect's
  default settings and with the settings a Starlight site whose translators localize code
  examples, links and sidebar labels would use (``CONFIG``); each page still not equal is listed
  with its first difference;
* PauseAI ``action.md`` (mdsvex): an uppercase pseudo-translation keeps the ``<script>`` and
  the JavaScript of the ``<Tabs tabs={[…]}>`` props (outside its string literals) byte-identical.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import pseudo  # noqa: E402
from mdx_oracle import available, compile_pages, strip_text  # noqa: E402

from pipeline.cli.main import main  # noqa: E402
from pipeline.model import Page  # noqa: E402
from pipeline.segment.jsx import jsx_tag, strings  # noqa: E402
from pipeline.segment.walker import Options, segment_page  # noqa: E402
from pipeline.stages.build import build_page  # noqa: E402
from pipeline.workspace.dialect import MDX_PROPS  # noqa: E402

FRONT_MATTER = [
    "title",
    "description",
    "hero.title",
    "hero.tagline",
    "hero.actions[].text",
    "banner.content",
    "head[].content",
    "sidebar.label",
]
DEFAULT_CONFIG = f"""locales = ["de", "fr"]

[front_matter]
translate = {json.dumps(FRONT_MATTER)}

[site]
dialect = "mdx"
"""
"""The MDX dialect's defaults: code blocks are structure, links and front matter stay as in English."""
CONFIG = f"""locales = ["de", "fr"]

[front_matter]
translate = {json.dumps(FRONT_MATTER)}
defaults = {{ "sidebar.label" = "title" }}

[segment]
code_blocks = true

[site]
dialect = "mdx"
localize_links = ["href", "link"]

[site.localized_links]
"https://docs.astro.build/en/*" = "https://docs.astro.build/{{locale}}/*"
"""
"""What a Starlight site whose translators localize code examples, links and sidebar labels sets."""


def _pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".md", ".mdx") and p.is_file())


def _cli(root: Path, *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--root", str(root), *args], out=out, err=err)
    return code, out.getvalue() + err.getvalue()


def starlight(corpus: Path) -> None:
    plain = Options(front_matter=tuple(FRONT_MATTER), html_attributes=MDX_PROPS, dialect="mdx")
    options = replace(plain, code_blocks=("*",))  # CONFIG: [segment] code_blocks = true
    english = _pages(corpus / "en")
    n = len(english)
    sources = [Page(p.stem, p.name, p.read_text(encoding="utf-8")) for p in english]
    t0 = time.perf_counter()
    results = compile_pages([(p.name, page.text) for p, page in zip(english, sources, strict=True)])
    for label, opts in (("code as structure (default)", plain), ("code blocks translated", options)):
        docs = [segment_page(page, opts) for page in sources]
        identity = sum(build_page(d, {}, opts).text == d.page.text for d in docs)
        built = [build_page(d, {(s.msgctxt, s.msgid): pseudo(s.msgid) for s in d.segments}, opts) for d in docs]
        refused = sum(len(b.fallbacks) for b in built)
        again = compile_pages([(p.name, b.text) for p, b in zip(english, built, strict=True)])
        props = frozenset(opts.html_attributes)
        code = bool(opts.code_blocks)
        compiled = sum(r.error is None for r in again)
        same = sum(
            r.error is None and strip_text(e.skeleton, props, code) == strip_text(r.skeleton, props, code)
            for e, r in zip(results, again, strict=True)
        )
        print(f"starlight, {label}: {n} English pages, {sum(len(d.segments) for d in docs)} segments")
        print(f"  identity build byte-exact:            {identity}/{n}")
        print(f"  pseudo-translated pages compiling:    {compiled}/{n}  ({refused} translations refused)")
        what = "(code text aside)" if code else "                 "
        print(f"  ... with the English MDX structure {what}: {same}/{n}")
    print(f"  (the MDX compiler took {time.perf_counter() - t0:.1f} s for {3 * n} pages)")
    for label, config in (("default settings", DEFAULT_CONFIG), ("Starlight settings", CONFIG)):
        _imports(corpus, label, config, detail=config is CONFIG)


def _imports(corpus: Path, label: str, config: str, detail: bool) -> None:
    """``pipeline import`` of both locales into a fresh project with ``config``, then ``sync``."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(corpus / "en", root / "source")
        (root / "pipeline.toml").write_text(config, encoding="utf-8")
        reports = {}
        for locale in ("de", "fr"):
            _code, out = _cli(
                root,
                "import",
                "--locale",
                locale,
                "--format",
                "json",
                "--source-dir",
                str(corpus / f"en-for-{locale}"),
                str(corpus / locale),
            )
            reports[locale] = json.loads(out[: out.rindex("}") + 1]) if "{" in out else {}
        _cli(root, "sync", "-q")
        for locale, report in reports.items():
            totals = report.get("totals", {})
            pages = _pages(root / "build" / locale)
            res = compile_pages([(p.name, p.read_text(encoding="utf-8")) for p in pages])
            ok = sum(r.error is None for r in res)
            count = len(report.get("pages", []))
            equal = totals.get("rebuilt_equal", 0)
            print(
                f"import {locale}, {label}: {totals.get('imported', 0)}/{count} imported, "
                f"{totals.get('confident', 0)}/{totals.get('segments', 0)} segments confident; "
                f"built pages compiling {ok}/{len(pages)}; rebuilt equal modulo whitespace "
                f"{equal}/{count} ({100 * equal / max(1, count):.0f}%)"
            )
            if detail:
                for page in report.get("pages", []):
                    if not page.get("rebuilt_equal"):
                        first = (page.get("difference") or ["refused: " + page["refused"][0]["reason"]])[0]
                        print(f"    {page['page']}: {first[:110]}")


def pauseai(corpus: Path) -> None:
    file = corpus / "en" / "action.md"
    if not file.is_file():
        print(f"pauseai: {file} not found, skipped")
        return
    text = file.read_text(encoding="utf-8")
    doc = segment_page(Page("action", "action.md", text))
    built = build_page(doc, {(s.msgctxt, s.msgid): pseudo(s.msgid) for s in doc.segments}).text
    print(
        f"pauseai action.md: script kept: {_script(text) == _script(built)}; "
        f"JavaScript of the props kept: {_props_code(text) == _props_code(built)}; "
        f"strings in the props translated: {_props_strings(text) != _props_strings(built)}"
    )


def _script(text: str) -> str:
    m = re.search(r"<script.*?</script>", text, re.DOTALL)
    return m.group(0) if m else ""


def _props(text: str) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for m in re.finditer(r"<[A-Z]", text):
        tag = jsx_tag(text, m.start())
        if tag is not None:
            out.extend((a.name, a.start, a.end) for a in tag.attrs if a.quote == "{")
    return out


def _props_code(text: str) -> list[str]:
    """Each ``{…}`` prop with its string literals' contents blanked: the code around the text."""
    found = []
    for _name, a, b in _props(text):
        code = text[a:b]
        for s in reversed(strings(text, a, b)):
            code = code[: s.start - a] + "…" + code[s.end - a :]
        found.append(code)
    return found


def _props_strings(text: str) -> list[str]:
    return [text[s.start : s.end] for _n, a, b in _props(text) for s in strings(text, a, b)]


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    args = parser.parse_args()
    missing = available()
    if missing:
        print(f"MDX compiler not available: {missing}")
        return
    starlight(args.corpus / "starlight")
    pauseai(args.corpus / "pauseai")


if __name__ == "__main__":
    run()
