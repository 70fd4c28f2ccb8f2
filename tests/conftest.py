"""Shared fixtures: the sample site, the real corpus (when present), a CLI runner, pseudo-locales."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.cli.main import main

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("PIPELINE_CORPUS", REPO.parent / "shared" / "corpus" / "pauseai"))

_MARKUP = re.compile(r"`[^`]*`|\]\([^)]*\)|\]\[[^\]]*\]|<[^<>]*>|\{[^{}]*\}|&[#A-Za-z0-9]+;|https?://\S+|\\.")


def pseudo(text: str) -> str:
    """The test locale: English UPPERCASED outside markup, so output shows what was translated."""
    out: list[str] = []
    pos = 0
    for m in _MARKUP.finditer(text):
        out.append(text[pos : m.start()].upper())
        out.append(m.group(0))
        pos = m.end()
    out.append(text[pos:].upper())
    return "".join(out)


def corpus_dir(name: str) -> Path:
    """A folder of the real corpus, or skip the test saying why."""
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus not found at {path} (set PIPELINE_CORPUS or put ../shared beside the repo)")
    return path


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def run() -> Callable[..., Run]:
    """Call the CLI in-process: run(root, 'sync') -> Run(code, out, err)."""

    def _run(root: Path, *args: str) -> Run:
        out, err = io.StringIO(), io.StringIO()
        code = main(["--root", str(root), *args], out=out, err=err)
        return Run(code, out.getvalue(), err.getvalue())

    return _run


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the sample site (source/, locales/, pipeline.toml) in a temporary folder."""
    root = tmp_path / "site"
    root.mkdir()
    shutil.copytree(REPO / "source", root / "source")
    for folder in ("locales", "messages"):
        if (REPO / folder).exists():
            shutil.copytree(REPO / folder, root / folder)
    if (REPO / "pipeline.toml").exists():
        shutil.copy(REPO / "pipeline.toml", root / "pipeline.toml")
    return root


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` with a fixed identity; return stdout."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def msgfmt_check(path: Path) -> None:
    """GNU msgfmt -c must accept the file."""
    done = subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, f"msgfmt -c rejected {path}:\n{done.stderr}"


def msgcat_stable(path: Path) -> None:
    """GNU msgcat must leave the file byte for byte as we wrote it."""
    done = subprocess.run(["msgcat", str(path)], capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == path.read_bytes(), f"msgcat rewrites {path}"


def big_page(size: int, newline: str = "\n") -> str:
    """A page of about ``size`` characters: numbered sections with every construct, unique msgids.

    Our own words (headings, paragraphs with links and code, lists, tables, quotes, HTML with
    alt text, emoji, right-to-left text), for the large-input tests and benchmarks.
    """
    head = "---\ntitle: A very long page\ndescription: Every construct, many times over.\n---\n\n"
    parts = [head]
    total = len(head)
    i = 0
    while total < size:
        i += 1
        section = (
            f"## Section {i}: quiet streets\n\n"
            f"On morning {i} the street outside school {i} was closed for twenty minutes, and the children\n"
            f"walked in. Read [the plan for street {i}](/plan#s{i}) or run `count --day {i}` yourself.\n\n"
            f"- Count cars on day {i}.\n- Ask neighbour {i} to join **early**.\n- Share the numbers 🚸.\n\n"
            f"| Day | Cars |\n|---|---|\n| Monday {i} | {i} |\n\n"
            f"> We heard birds on morning {i}, said a teacher.\n\n"
            f'<div class="note">\n<p>Volunteer {i} brings the cones.</p>\n'
            f'<img src="/img/{i}.png" alt="Cones at school {i}">\n</div>\n\n'
            f"שלום עולם {i} — مرحبا بالعالم {i}\n\n"
        )
        parts.append(section)
        total += len(section)
    text = "".join(parts)
    return text.replace("\n", newline) if newline != "\n" else text
