"""``pipeline init``: start a translation project in an existing site or an empty repository.

Everything is computed first (``plan``), then written by ``apply``: ``pipeline.toml`` with comments,
a GitHub Actions workflow and a pre-commit configuration that install the tool themselves, and
``.gitignore`` lines. A file that exists already is never overwritten: ``plan`` refuses, naming it,
and nothing is written. Detection of the site (``sitedetect``) happens before; this module only
turns what was found into text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline import DISTRIBUTION, REPOSITORY, __version__
from pipeline.errors import ConfigError
from pipeline.git.lock import LOCK_FILE
from pipeline.workspace.files import write_atomic
from pipeline.workspace.locate import has_settings
from pipeline.workspace.settings import CONFIG_FILE
from pipeline.workspace.sitedetect import Site

WORKFLOW = ".github/workflows/translations.yml"
SHARDED_WORKFLOW = ".github/workflows/translations-sync.yml"
"""``init --shards N``: the sharded sync (``pipeline/templates/sharded.yml`` with N shards)."""
PRE_COMMIT = ".pre-commit-config.yaml"
GITIGNORE = ".gitignore"
IGNORED = ("/.pipeline/",)
"""Lines ``init`` makes sure ``.gitignore`` has: the pipeline's caches (upstream clone, sync cache, run lock)."""

DIALECTS = ("mdsvex", "mdx", "markdown")

CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2"
SETUP_PYTHON = "actions/setup-python@0b93645e9fea7318ecaed2b359559ac225c90a2b  # v5.3.0"
"""Actions pinned by commit (a tag can be moved; a commit cannot), the version beside it for people."""


def install_spec() -> str:
    """What the workflow gives ``pip install``: this version of the tool, from its repository, by tag."""
    return f"{DISTRIBUTION} @ git+{REPOSITORY}@v{__version__}"


@dataclass(frozen=True, slots=True)
class Request:
    """What the user asked for on the command line."""

    locales: tuple[str, ...]
    upstream: str = ""
    """``[upstream] url``: the site's repository, for a separate translation repository."""
    path: str = ""
    """``[upstream] path``: the English pages' folder in that repository."""
    ref: str = ""
    source: str = ""
    """The English pages' folder in this repository (without ``upstream``); default: found, else ``source``."""
    dialect: str = ""
    install: str = ""
    """``pip install`` argument the workflow uses; default ``install_spec()``."""
    workflow: bool = True
    pre_commit: bool = True
    shards: int = 0
    """``--shards N``: also write the sharded sync workflow with N shards (0: none)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """Files to create, and ``.gitignore`` as it will be (None when it already has every line)."""

    files: tuple[tuple[str, str], ...]
    gitignore: str | None
    source: str
    output: str


def check_free(root: Path, request: Request) -> None:
    """A ``ConfigError`` naming the first file ``init`` would write that exists already."""
    if has_settings(root):
        existing = CONFIG_FILE if (root / CONFIG_FILE).is_file() else "pyproject.toml"
        raise ConfigError(
            "this folder is a pipeline project already", existing, hint="edit its settings instead of running init"
        )
    names = [CONFIG_FILE] + ([WORKFLOW] if request.workflow else []) + ([PRE_COMMIT] if request.pre_commit else [])
    names += [SHARDED_WORKFLOW] if request.shards else []
    for name in names:
        if (root / name).exists():
            flag = {
                WORKFLOW: " or leave it out with --no-workflow",
                PRE_COMMIT: " or leave it out with --no-pre-commit",
            }
            raise ConfigError(
                "exists already; init never overwrites a file, so nothing was written",
                name,
                hint=f"move it away{flag.get(name, '')} and run init again",
            )


def plan(root: Path, request: Request, site: Site, *, dialect_key: bool = True) -> Plan:
    """The files ``init`` writes, or a ``ConfigError`` naming a file that is in the way.

    ``dialect_key`` says whether this version knows ``[site] dialect``; without it the line is a comment.
    """
    check_free(root, request)
    if request.dialect and request.dialect not in DIALECTS:
        raise ConfigError(f"--dialect {request.dialect!r} is not one of {', '.join(DIALECTS)}")
    if request.upstream and not (request.path or site.pages):
        raise ConfigError(
            "cannot tell where the English pages are in the upstream repository",
            hint="pass --path with their folder there, such as --path src/posts",
        )
    if request.upstream:
        source, output = "source", "build/{locale}"
    else:
        source, output = request.source or site.pages or "source", _output_beside(request.source or site.pages)
    files = [(CONFIG_FILE, settings_text(request, site, source, output, dialect_key))]
    watched = _watched(source, output)
    install = request.install or install_spec()
    if request.workflow:
        files.append((WORKFLOW, workflow_text(install)))
    if request.pre_commit:
        files.append((PRE_COMMIT, pre_commit_text(watched)))
    if request.shards:
        files.append((SHARDED_WORKFLOW, sharded_workflow_text(install, request.shards)))
    return Plan(tuple(files), _gitignore(root), source, output)


def apply(root: Path, planned: Plan) -> list[str]:
    """Write the planned files (each atomically); return what was written."""
    written: list[str] = []
    for name, text in planned.files:
        write_atomic(root / name, text.encode("utf-8"))
        written.append(name)
    if planned.gitignore is not None:
        write_atomic(root / GITIGNORE, planned.gitignore.encode("utf-8"))
        written.append(GITIGNORE)
    return written


def _output_beside(pages: str) -> str:
    """Where built pages go when the tool lives in the site: beside the English, never inside it.

    ``src/content/docs/en`` -> ``src/content/docs/{locale}`` (how Astro/Starlight lay out locales);
    anything else -> ``translations/{locale}`` (``build/`` is SvelteKit's and Astro's own output).
    """
    if pages.endswith("/en"):
        return pages[: -len("en")] + "{locale}"
    return "translations/{locale}"


def _watched(source: str, output: str) -> str:
    """A regular expression of the paths whose change matters to the translations (pre-commit ``files``)."""
    folders = {source.rstrip("/"), "locales", output.split("{locale}")[0].rstrip("/")}
    parts = sorted(_regex(f) + "/" for f in folders if f)
    return "^(" + "|".join([*parts, _regex(CONFIG_FILE) + "$", _regex(LOCK_FILE) + "$"]) + ")"


def _regex(path: str) -> str:
    return "".join("\\" + c if c in ".^$*+?()[]{}|\\" else c for c in path)


def _gitignore(root: Path) -> str | None:
    path = root / GITIGNORE
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    have = {line.strip() for line in text.splitlines()}
    missing = [line for line in IGNORED if line not in have and line.lstrip("/") not in have]
    if not missing:
        return None
    if text and not text.endswith("\n"):
        text += "\n"
    return text + "# translation pipeline: caches (never committed)\n" + "".join(f"{m}\n" for m in missing)


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def settings_text(request: Request, site: Site, source: str, output: str, dialect_key: bool = True) -> str:
    """``pipeline.toml`` with every setting a maintainer will want to see, explained where it stands."""
    locales = ", ".join(_toml(code) for code in request.locales)
    lines = [
        f"# Settings of the translation pipeline, written by `pipeline init` ({DISTRIBUTION} {__version__}).",
        "# Every key is optional; the reference is docs/settings.md in the tool's repository.",
        "",
        f"source = {_toml(source):<24} # the English pages (**/*.md)"
        + (", copied here by `pipeline pull`" if request.upstream else ""),
        f"locales_dir = {_toml('locales'):<19} # PO files: templates/<page>.pot and <locale>/<page>.po",
        f"output = {_toml(output):<24} # translated pages, same paths as the English; commit them",
        f"locales = [{locales}]",
        "",
        "[front_matter]",
        'translate = ["title", "description"]   # front-matter keys translators see; the others are copied',
        "",
    ]
    if (request.dialect or site.dialect) == "mdx":
        lines += [
            "# [segment]                     # see docs/dialects.md: what translators localize beyond prose",
            "# code_blocks = true            # code blocks are entries: comments, strings, example text",
            "",
        ]
    if request.upstream:
        path = request.path or site.pages
        lines += [
            "[upstream]                      # the English comes from the site's repository",
            f"url = {_toml(request.upstream)}",
            (f"ref = {_toml(request.ref)}" if request.ref else '# ref = "main"                  # default: its HEAD'),
            f"path = {_toml(path):<26} # folder of the English pages in that repository",
            "",
        ]
    if site.messages and not request.upstream:
        lines += [
            "[[messages]]                    # the site's UI strings (inlang message format)",
            f"source = {_toml(site.messages)}",
            f"output = {_toml(site.messages.rsplit('/', 1)[0] + '/{locale}.json')}",
            "",
        ]
    lines += [
        "[check]                         # the CI gate, `pipeline check`",
        'fail_on = ["stale-catalog"]     # also "fuzzy", "untranslated": fail while a locale has such entries',
        "min_translated = 0              # share of each page's English words that must be translated (0 to 1)",
        "",
        f"# [check.locales.{request.locales[-1]}]  # per locale, e.g. one still starting out",
        '# fail_on = ["stale-catalog"]',
        "",
        '# [check.codes]                 # re-grade a finding everywhere: "error", "warning" or "off"',
        '# link-count = "error"',
        "",
        "[site]                          # how the site serves pages, for the link and anchor checks",
    ]
    dialect = request.dialect or site.dialect
    found = f"; found: {site.framework}" if site.framework else ""
    lines.append(
        ("" if dialect_key else "# ")
        + f"dialect = {_toml(dialect):<20} # how pages are rendered: mdsvex | mdx | markdown{found}"
    )
    lines += [
        '# base_url = "https://example.org"  # absolute links to it count as internal',
        f'route = "/{{path}}"               # {source}/foo/bar.md is served at /foo/bar',
        'locale_prefix = "/{locale}"     # translated pages at /nl/foo/bar',
    ]
    if dialect == "mdx":
        lines.append('# localize_links = ["href", "link"]  # translated pages link to their locale\'s pages')
    if dialect == "mdsvex":
        lines.append("smartypants = true              # mdsvex turns -- into a dash, even in {#id}")
    elif dialect == "markdown":
        lines.append("smartypants = false             # true when the renderer turns -- into a dash in heading ids")
    where = " and ".join(
        w
        for w in (
            {"sveltekit": "src/routes", "astro": "src/pages"}.get(site.framework, ""),
            site.redirects_file,
        )
        if w
    )
    lines.append(
        "routes = [                      # paths the site serves besides the pages"
        + (f" (found in {where})" if where else "")
    )
    lines += [f"  {_toml(route)}," for route in site.routes]
    lines.append("]")
    lines += [
        f"# left out: {_toml(route)} would accept any link (it serves the pages themselves)" for route in site.left_out
    ]
    lines += [
        "anchors = []                    # fragments every page accepts (ids in the layout)",
        "",
    ]
    return "\n".join(_align(line) for line in lines)


_COMMENT = re.compile(r"^(.+?)\s+# (.*)$")


def _align(line: str, column: int = 32) -> str:
    """Line up a setting's trailing comment at ``column``, so the file reads as a table."""
    m = _COMMENT.match(line)
    return line if m is None else f"{m.group(1):<{column - 1}} # {m.group(2)}"


def workflow_text(install: str) -> str:
    """The GitHub Actions gate for the project's own repository: installs the tool, then checks."""
    return f"""# The translation gate, written by `pipeline init`: on every pull request, fail when the PO files or
# the translated pages are not up to date with the English (run `pipeline sync` and commit) or a
# locale breaks its [check] policy in pipeline.toml.
name: translations

on:
  pull_request:

permissions:
  contents: read

concurrency:
  group: translations-${{{{ github.ref }}}}
  cancel-in-progress: true

jobs:
  gate:
    name: pipeline check
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
      - name: Check out
        uses: {CHECKOUT}
        with:
          persist-credentials: false

      - name: Set up Python
        uses: {SETUP_PYTHON}
        with:
          python-version: "3.12"

      - name: Install GNU gettext (the PO line breaking msgcat uses)
        run: sudo apt-get update -qq && sudo apt-get install -y -qq gettext

      - name: Install the pipeline
        run: python -m pip install {_shell(install)}

      - name: Translated pages are up to date
        run: |
          pipeline --quiet sync --offline
          git status --porcelain --untracked-files=all
          test -z "$(git status --porcelain --untracked-files=all)" || {{
            echo "::error::pipeline sync changes files: run it and commit the result"
            exit 1
          }}

      - name: Translation gate
        run: pipeline check --format github

      - name: Progress per locale
        if: always()
        run: |
          {{
            echo '```'
            pipeline status
            echo '```'
          }} >> "$GITHUB_STEP_SUMMARY"
"""


SHARDED_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "sharded.yml"


def sharded_workflow_text(install: str, shards: int) -> str:
    """The sharded sync workflow (``pipeline/templates/sharded.yml``) for ``shards`` runners.

    The shipped template with its count and matrix set to ``shards``, this tool installed as
    the gate workflow installs it (not ``pip install .``: the site is not the tool), the
    checkout and Python set-up pinned as the gate's are, and no pip cache (a site has no
    requirements file for it to key on).
    """
    if shards < 2:
        raise ConfigError(f"--shards {shards}: a sharded sync needs at least 2 shards", "--shards")
    text = SHARDED_TEMPLATE.read_text(encoding="utf-8")
    matrix = ", ".join(str(i) for i in range(1, shards + 1))
    edits = (
        ('SHARDS: "4"', f'SHARDS: "{shards}"'),
        ("shard: [1, 2, 3, 4]", f"shard: [{matrix}]"),
        ("python -m pip install .\n", f"python -m pip install {_shell(install)}\n"),
        ("uses: actions/checkout@v4", f"uses: {CHECKOUT}"),
        ("uses: actions/setup-python@v5", f"uses: {SETUP_PYTHON}"),
        ("          cache: pip\n", ""),
    )
    for old, new in edits:
        if old not in text:  # the template changed shape: fail loudly rather than write half of it
            raise AssertionError(f"sharded.yml has no {old!r}")
        text = text.replace(old, new)
    return text


def _shell(value: str) -> str:
    """Quote a pip argument for the shell (``name @ git+url`` has spaces)."""
    if all(c.isalnum() or c in "._-/:=@+" for c in value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`") + '"'


def pre_commit_text(watched: str) -> str:
    """``.pre-commit-config.yaml``: the tool's own hooks, installed by pre-commit from its repository."""
    return f"""# pre-commit hooks, written by `pipeline init`: run `pre-commit install` once; then a commit that
# touches the English, the PO files or the settings updates the catalogs and runs the gate.
repos:
  - repo: {REPOSITORY}
    rev: v{__version__}
    hooks:
      - id: pipeline-sync
        files: '{watched}'
      - id: pipeline-check
        files: '{watched}'
"""
