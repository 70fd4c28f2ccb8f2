"""The shipped CI files: the GitHub workflow, the pre-commit hooks and ``make check``.

The workflow is checked against the GitHub workflow JSON Schema that check-jsonschema vendors
(no network), the hooks with pre-commit's own manifest validator, and the commands both run
are parsed by our own CLI, so a renamed option fails here and not in a user's CI.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, Run

WORKFLOW = REPO / ".github" / "workflows" / "translations.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"


def load_yaml(path: Path) -> Any:
    # YAML 1.1 reads the key `on` as True; GitHub reads it as the string "on".
    return yaml.load(path.read_text(), Loader=yaml.BaseLoader)


def test_workflow_matches_the_github_workflow_schema() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflow_runs_the_gate_on_pull_requests_after_installing_the_project() -> None:
    flow = load_yaml(WORKFLOW)
    assert "pull_request" in flow["on"]
    steps = flow["jobs"]["gate"]["steps"]
    runs = [s.get("run", "") for s in steps]
    install = next(i for i, r in enumerate(runs) if "pip install ." in r)
    gate = next(i for i, r in enumerate(runs) if r.startswith("pipeline check"))
    assert install < gate
    assert runs[gate] == "pipeline check --format github"
    assert any(s.get("uses", "").startswith("actions/checkout@") for s in steps[:install])


def test_workflow_gate_command_runs_on_the_sample_site(run: Callable[..., Run]) -> None:
    flow = load_yaml(WORKFLOW)
    command = next(s["run"] for s in flow["jobs"]["gate"]["steps"] if s.get("run", "").startswith("pipeline check"))
    result = run(REPO, *shlex.split(command)[1:])
    assert result.code == 0, result.out + result.err
    assert all(line.startswith(("::error ", "::warning ")) for line in result.out.splitlines())


def test_shipped_workflow_is_the_one_init_writes() -> None:
    """The sample site's gate is what `pipeline init --install .` writes: one template, no drift."""
    from pipeline.workspace.init import workflow_text

    assert WORKFLOW.read_text() == workflow_text(".")


def test_workflow_runs_on_pull_requests_only_with_read_access_and_pinned_actions() -> None:
    flow = load_yaml(WORKFLOW)
    assert list(flow["on"]) == ["pull_request"]
    assert flow["permissions"] == {"contents": "read"}
    for step in flow["jobs"]["gate"]["steps"]:
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
        assert "cache" not in step.get("with", {})


def test_pre_commit_manifest_is_valid() -> None:
    pytest.importorskip("pre_commit", reason="pre-commit is a dev dependency")
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(HOOKS)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("hook", load_yaml(HOOKS), ids=lambda h: h["id"])
def test_pre_commit_hook_entries_are_pipeline_commands(hook: dict[str, Any]) -> None:
    from pipeline.cli.main import _parser

    argv = shlex.split(hook["entry"])
    assert argv[0] == "pipeline"
    _parser().parse_args(argv[1:])  # exits (fails the test) on an unknown option
    re.compile(hook["files"])
    assert hook["pass_filenames"] == "false"


def test_make_check_runs_the_gate() -> None:
    text = (REPO / "Makefile").read_text()
    assert re.search(r"^check: .*\n\t\$\(BIN\)/pipeline check$", text, re.MULTILINE)
