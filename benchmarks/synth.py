"""A synthetic site for scale benchmarks, generated from real pages (deterministic, seeded).

``make_site(root, corpus_en, pages=2000, locales=10, seed=1)`` writes:

* ``source/s{k:04d}/<page>.md``: page ``k`` is corpus page ``k % n`` with every fifth word
  of its prose swapped for a word drawn (seeded) from the same page, so msgids differ from
  page to page like on a real site while the markdown structure stays real;
* ``locales/<locale>/s{k:04d}/<page>.po``: a complete pseudo translation of that page for each
  locale (the English uppercased outside markup, prefixed with the locale code), written by
  our own PO writer from the page's template, as a translator's finished file would be;
* ``pipeline.toml`` listing the locales.

Nothing here depends on time or machine: the same arguments give the same bytes.
"""

from __future__ import annotations

import random
import re
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import pseudo  # noqa: E402

from pipeline.formats import po  # noqa: E402
from pipeline.model import Page  # noqa: E402
from pipeline.segment.walker import segment_page  # noqa: E402
from pipeline.stages.extract import make_template  # noqa: E402
from pipeline.stages.merge import update  # noqa: E402

LOCALES = ("nl", "de", "fr", "es", "it", "pt", "pl", "sv", "da", "fi", "cs", "ro")
STAMP = "2026-01-01 00:00+0000"
_WORD = re.compile(r"(?<![\w/#.\-\[(`{<])([A-Za-z]{4,})(?![\w/\]).`}>])")


def _vary(text: str, rng: random.Random) -> str:
    """Swap every fifth prose word for another word of the page (front matter and markup kept)."""
    head = ""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end > 0:
            head, text = text[: end + 4], text[end + 4 :]
    words = _WORD.findall(text) or ["word"]
    count = 0

    def swap(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return rng.choice(words) if count % 5 == 0 else m.group(1)

    out = []
    fence = False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        out.append(line if fence or line.lstrip().startswith(("<", "{", "|")) else _WORD.sub(swap, line))
    return head + "\n".join(out)


def make_site(root: Path, corpus_en: Path, pages: int, locales: int = 10, seed: int = 1) -> tuple[int, int]:
    """Write the synthetic site into ``root``; return (pages, PO files) written."""
    if locales > len(LOCALES):
        raise ValueError(f"at most {len(LOCALES)} locales")
    chosen = LOCALES[:locales]
    originals = sorted(corpus_en.glob("*.md"))
    rng = random.Random(seed)
    (root / "source").mkdir(parents=True, exist_ok=True)
    quoted = ", ".join(f'"{loc}"' for loc in chosen)
    (root / "pipeline.toml").write_text(f"locales = [{quoted}]\n", encoding="utf-8")
    po_files = 0
    for k in range(pages):
        original = originals[k % len(originals)]
        text = _vary(original.read_bytes().decode("utf-8-sig"), rng)
        name = f"s{k:04d}/{original.stem}"
        path = root / "source" / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        doc = segment_page(Page(name, f"source/{name}.md", text))
        template = make_template(doc, None, STAMP)
        for locale in chosen:
            fresh = update(template, None, locale)
            done = replace(
                fresh,
                messages=tuple(replace(m, msgstr=f"{locale}: {pseudo(m.msgid)}") for m in fresh.messages),
            )
            out = root / "locales" / locale / f"{name}.po"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(po.format_po(done), encoding="utf-8")
            po_files += 1
    return pages, po_files


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--locales", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "pauseai" / "en")
    a = parser.parse_args()
    print(make_site(a.root, a.corpus, a.pages, a.locales, a.seed))
