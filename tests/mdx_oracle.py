"""The real MDX compiler as an oracle: ``@mdx-js/mdx`` with remark-gfm, remark-directive and
remark-frontmatter, and github-slugger for heading ids (``scripts/mdx_compile.mjs``).

Install once with ``npm install --prefix .mdx @mdx-js/mdx remark-gfm remark-directive
remark-frontmatter github-slugger`` (``.ci/run`` does), or point ``PIPELINE_MDX`` at a folder
holding those node_modules. ``available()`` says why when it cannot run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.segment.jsx import strings

REPO = Path(__file__).resolve().parent.parent
MODULES = Path(os.environ.get("PIPELINE_MDX", REPO / ".mdx"))
SCRIPT = REPO / "scripts" / "mdx_compile.mjs"
PACKAGES = ("@mdx-js/mdx", "remark-gfm", "remark-directive", "remark-frontmatter", "github-slugger")


@dataclass(frozen=True)
class Compiled:
    """One page as MDX compiles it: the error (None when it compiles), heading ids, its tree without prose."""

    error: str | None
    ids: list[str]
    skeleton: Any


def available() -> str | None:
    """None when node and the packages are there, else what is missing and how to install it."""
    if shutil.which("node") is None:
        return "node not found"
    missing = [p for p in PACKAGES if not (MODULES / "node_modules" / p).is_dir()]
    if missing:
        return f"{', '.join(missing)} not found (npm install --prefix {MODULES} {' '.join(PACKAGES)})"
    return None


def compile_pages(pages: list[tuple[str, str]]) -> list[Compiled]:
    """Compile (path, text) pages in one node process."""
    node = shutil.which("node")
    assert node is not None
    request = json.dumps([{"path": path, "text": text} for path, text in pages])
    done = subprocess.run(
        [node, str(SCRIPT), str(MODULES)], input=request, capture_output=True, text=True, check=True, timeout=600
    )
    return [Compiled(a["error"], a["ids"], a["skeleton"]) for a in json.loads(done.stdout)]


def _code(value: Any) -> Any:
    """An expression prop with its string literals' contents blanked (they may hold translated text)."""
    if not isinstance(value, dict) or not isinstance(value.get("expression"), str):
        return value
    code = value["expression"]
    for s in reversed(strings(code, 0, len(code))):
        code = code[: s.start] + "…" + code[s.end :]
    return {"expression": code}


def strip_text(skeleton: Any, props: frozenset[str] = frozenset(), code: bool = False) -> Any:
    """A skeleton without what a translation may change: translated props' values and label text,
    and with ``code`` (``[segment] code_blocks``) the text, language and meta of fenced code."""
    if isinstance(skeleton, list):
        return [strip_text(s, props, code) for s in skeleton]
    if not isinstance(skeleton, dict):
        return skeleton
    dropped = ("attributes", "value", "lang", "meta") if code and skeleton.get("type") == "code" else ("attributes",)
    out = {k: strip_text(v, props, code) for k, v in skeleton.items() if k not in dropped}
    if out.get("type") in ("yaml", "toml"):
        out.pop("value", None)  # front matter: checked as YAML/TOML data elsewhere
    attrs = skeleton.get("attributes")
    if isinstance(attrs, list):
        out["attributes"] = [[a[0], None if a[0] in props else _code(a[1])] for a in attrs]
    elif attrs is not None:
        out["attributes"] = attrs
    if isinstance(out.get("url"), str) and "#" in out["url"]:
        out["url"] = out["url"].split("#", 1)[0] + "#"
    return out
