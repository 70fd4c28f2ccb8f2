"""The README and docs/ say what the tool does: short README, commands that parse, links that lead somewhere."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import REPO

from pipeline.cli.main import _parser
from pipeline.workspace.init import install_spec

README = REPO / "README.md"
DOCS = sorted((REPO / "docs").glob("*.md"))
PENDING = {"docs/translate.md", "docs/check.md", "docs/dialects.md"}
"""Pages other work adds (translation workflow, check, dialects): linked already, checked once they exist."""


def test_readme_is_short_and_starts_with_the_two_commands_then_adoption() -> None:
    text = README.read_text()
    assert len(text.splitlines()) < 100
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings[:2] == ["Two commands", "Use it on your site"]
    adoption = text.split("## Use it on your site")[1].split("\n## ")[0]
    steps = [
        adoption.find(word) for word in ("**Install**", "**Start**", "**Import**", "**Sync**", "**Check**", "**CI**")
    ]
    assert -1 not in steps and steps == sorted(steps)


def test_readme_installs_what_the_workflow_installs() -> None:
    assert f'pip install "{install_spec()}"' in README.read_text()


def _shell_lines(path: Path) -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", path.read_text(), re.DOTALL)
    lines: list[str] = []
    for block in blocks:
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            lines += [part.strip() for part in line.split("&&")]
    return [line for line in lines if line.startswith("pipeline ")]


@pytest.mark.parametrize("path", [README, REPO / "docs" / "adoption.md"], ids=lambda p: p.name)
def test_documented_commands_parse(path: Path) -> None:
    commands = _shell_lines(path)
    assert commands
    for command in commands:
        _parser().parse_args(shlex.split(command)[1:])  # exits (fails the test) on an unknown command or option


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda p: p.name)
def test_relative_links_lead_to_files(path: Path) -> None:
    prose = re.sub(r"`[^`\n]*`", "", re.sub(r"```.*?```", "", path.read_text(), flags=re.DOTALL))
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", prose):
        if "://" in target or target.startswith(("/", "mailto:")):
            continue
        resolved = (path.parent / target).resolve()
        rel = resolved.relative_to(REPO).as_posix() if resolved.is_relative_to(REPO) else str(resolved)
        if rel in PENDING and not resolved.exists():
            continue
        assert resolved.exists(), f"{path.name}: link to {target} leads nowhere"
