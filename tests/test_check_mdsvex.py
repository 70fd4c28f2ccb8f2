"""Oracle: the heading ids `check` models are the ids mdsvex (smartypants, remark-heading-id, rehype-slug) serves.

Needs node and the three packages; install them once with
`npm install --prefix .mdsvex mdsvex remark-heading-id@1 rehype-slug@5` (or point
PIPELINE_MDSVEX at a folder holding node_modules). Skipped with a message otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO

from pipeline.check import checker as check
from pipeline.model import Page
from pipeline.segment.walker import segment_page

MDSVEX = Path(os.environ.get("PIPELINE_MDSVEX", REPO / ".mdsvex"))

SCRIPT = """
import { compile } from 'mdsvex'
import remarkHeadingId from 'remark-heading-id'
import rehypeSlug from 'rehype-slug'
const pages = JSON.parse(process.argv[2])
const out = []
for (const page of pages) {
  const res = await compile(page, { remarkPlugins: [remarkHeadingId], rehypePlugins: [rehypeSlug] })
  out.push([...res.code.matchAll(/<h[1-6] id="([^"]*)"/g)].map((m) => m[1]))
}
console.log(JSON.stringify(out))
"""

PAGES = [
    "# Plan\n\n## Narrative & core messages {#narrative--core}\n\n## Tasks & roles\n",
    "## A -- B\n\n## A --- B\n\n## X {#a---b}\n\n## Y {#v1...2}\n",
    "# Same\n\n## Same {#same}\n\n## Same\n\n## Same\n",
    "## Don't stop... `a--b` now\n\n## Café & Straße 2024\n\n## **Bold** and *em* -- `code`\n",
    "## Why? Because!\n\n## 1. Introduction\n\n## Q&A: 5 -- 10 people\n",
]


def mdsvex_ids(pages: list[str]) -> list[list[str]]:
    node = shutil.which("node")
    if node is None or not (MDSVEX / "node_modules" / "mdsvex").is_dir():
        pytest.skip(
            f"node and mdsvex not found (npm install --prefix {MDSVEX} mdsvex remark-heading-id@1 rehype-slug@5)"
        )
    script = MDSVEX / "ids.mjs"
    script.write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run([node, str(script), json.dumps(pages)], capture_output=True, text=True, check=True)
    return [list(ids) for ids in json.loads(done.stdout)]


def test_served_heading_ids_match_mdsvex() -> None:
    expected = mdsvex_ids(PAGES)
    ours = [[h.served for h in check.served_headings(segment_page(Page("p", "p.md", text)), True)] for text in PAGES]
    assert ours == expected


def test_front_matter_after_blank_lines_is_front_matter_for_mdsvex() -> None:
    text = "\n\n---\ntitle: Hello\n---\n\n## Real {#real}\n"
    assert mdsvex_ids([text]) == [["real"]]
    first, last = check.late_front_matter(text)
    assert (first, last) == (3, 5)


ALL_IDS = SCRIPT.replace('[...res.code.matchAll(/<h[1-6] id="([^"]*)"/g)]', '[...res.code.matchAll(/ id="([^"]*)"/g)]')


def test_built_translations_serve_every_english_heading_id() -> None:
    """Build translations of tricky headings; mdsvex must serve each English id on the translated page."""
    from conftest import pseudo

    from pipeline.segment.walker import Options
    from pipeline.stages.build import build_page

    node = shutil.which("node")
    if node is None or not (MDSVEX / "node_modules" / "mdsvex").is_dir():
        pytest.skip(
            f"node and mdsvex not found (npm install --prefix {MDSVEX} mdsvex remark-heading-id@1 rehype-slug@5)"
        )
    english = [
        "# Plan\n\n## Tasks & roles\n\n## Skills & attributes\n\n## FAQ\n\n## FAQ\n\n## Own {#own-id}\n",
        "## Narrative & core messages\n\n## A heading\n\n### A heading\n",
    ]
    built = []
    for text in english:
        doc = segment_page(Page("p", "p.md", text), Options(smartypants=True))
        table = {(s.msgctxt, s.msgid): "Vertaald " + pseudo(s.msgid) for s in doc.segments}
        built.append(build_page(doc, table, Options(smartypants=True)).text)
    script = MDSVEX / "all-ids.mjs"
    script.write_text(ALL_IDS, encoding="utf-8")
    done = subprocess.run([node, str(script), json.dumps(english + built)], capture_output=True, text=True, check=True)
    ids = json.loads(done.stdout)
    for k in range(len(english)):
        assert set(ids[k]) <= set(ids[len(english) + k]), (english[k], built[k])
