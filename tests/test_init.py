"""``pipeline init``: the files it writes, what it finds in a site, and that it never overwrites."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import Run, git, write

from pipeline.check.checker import site_options
from pipeline.workspace.settings import load
from pipeline.workspace.sitedetect import FolderTree, astro_routes, detect, redirect_sources, sveltekit_routes


@pytest.mark.parametrize(
    ("files", "routes"),
    [
        (["src/routes/+page.svelte"], ["/"]),
        (["src/routes/about/+page.svelte", "src/routes/about/+page.ts"], ["/about"]),
        (["src/routes/(marketing)/pricing/+page.svelte"], ["/pricing"]),
        (["src/routes/api/[id]/+server.ts"], ["/api/*"]),
        (["src/routes/blog/[slug=word]/+page.server.ts"], ["/blog/*"]),
        (["src/routes/files/[...rest]/+page.svelte"], ["/files/*"]),
        (["src/routes/[[lang]]/faq/+page.svelte"], ["/*/faq", "/faq"]),
        (["src/routes/shop/item-[id]/+page@.svelte"], ["/shop/item-*"]),
        (["src/routes/rss.xml/+server.js"], ["/rss.xml"]),
        (["src/routes/about/+layout.svelte", "src/routes/lib/util.ts"], []),
    ],
)
def test_sveltekit_routes(files: list[str], routes: list[str]) -> None:
    assert sveltekit_routes(files) == routes


@pytest.mark.parametrize(
    ("files", "routes"),
    [
        (["src/pages/index.astro"], ["/"]),
        (["src/pages/about.md", "src/pages/team/index.mdx"], ["/about", "/team"]),
        (["src/pages/blog/[slug].astro"], ["/blog/*"]),
        (["src/pages/rss.xml.ts", "src/pages/_draft.astro", "src/pages/_parts/x.astro"], ["/rss.xml"]),
        (["src/pages/docs/[...path].astro"], ["/docs/*"]),
    ],
)
def test_astro_routes(files: list[str], routes: list[str]) -> None:
    assert astro_routes(files) == routes


@pytest.mark.parametrize(
    ("name", "text", "sources"),
    [
        (
            "_redirects",
            "# comment\n/old /new 301\n/blog/:slug /news/:slug\n/docs/* /d/:splat\n",
            ["/blog/*", "/docs/*", "/old"],
        ),
        ("vercel.json", '{"redirects": [{"source": "/a/", "destination": "/b"}]}', ["/a"]),
        ("netlify.toml", '[[redirects]]\nfrom = "/x"\nto = "/y"\n', ["/x"]),
        ("redirects.json", '{"/join": "/act", "https://other.org/x": "/y"}', ["/join"]),
    ],
)
def test_redirect_sources(name: str, text: str, sources: list[str]) -> None:
    assert redirect_sources(name, text) == sources


def sveltekit_site(root: Path) -> Path:
    """A small SvelteKit + mdsvex site: pages in src/posts served by src/routes/[slug], more routes beside."""
    write(root / "package.json", '{"devDependencies": {"@sveltejs/kit": "^2", "mdsvex": "^0.12"}}\n')
    write(root / "svelte.config.js", "import { mdsvex } from 'mdsvex';\nexport default { preprocess: [mdsvex()] };\n")
    for route in ("+page.svelte", "[slug]/+page.svelte", "(app)/people/+page.svelte", "api/teams/[id]/+server.ts"):
        write(root / "src/routes" / route, "<p>route</p>\n")
    write(root / "static/_redirects", "/join /act 301\n")
    write(root / "src/posts/act.md", "---\ntitle: Act\n---\n\n# Act now\n\nSee [people](/people), [join](/join).\n")
    write(root / "src/posts/faq.md", "# FAQ\n\n## Why {#why}\n\nRead [act](/act#act-now) and [teams](/api/teams/4).\n")
    return root


def test_detects_a_sveltekit_mdsvex_site(tmp_path: Path) -> None:
    site = detect(FolderTree(sveltekit_site(tmp_path)))
    assert (site.framework, site.dialect, site.pages) == ("sveltekit", "mdsvex", "src/posts")
    assert site.routes == ("/", "/api/teams/*", "/join", "/people")
    assert site.left_out == ("/*",)
    assert site.redirects_file == "static/_redirects"


def test_detects_an_astro_mdx_site(tmp_path: Path) -> None:
    write(tmp_path / "package.json", '{"dependencies": {"astro": "^4", "@astrojs/starlight": "^0.2"}}\n')
    write(tmp_path / "astro.config.mjs", "export default {};\n")
    write(tmp_path / "src/content/docs/en/index.mdx", "# Hi\n")
    write(tmp_path / "src/pages/404.astro", "x\n")
    write(tmp_path / "node_modules/astro/src/pages/ignored.astro", "x\n")
    site = detect(FolderTree(tmp_path))
    assert (site.framework, site.dialect, site.pages, site.routes) == ("astro", "mdx", "src/content/docs/en", ("/404",))


def test_init_in_a_site_writes_settings_the_checks_use(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = sveltekit_site(tmp_path / "site")
    write(root / "src/posts/act.md", "# Act now\n\nSee [people](/people), [join](/join) and [gone](/nowhere).\n")
    result = run(root, "init", "--locales", "nl,de")
    assert result.code == 0, result.err
    assert "wrote pipeline.toml" in result.out
    cfg = load(root)
    assert cfg.source == "src/posts" and cfg.locales == ("nl", "de") and cfg.output == "translations/{locale}"
    assert site_options(cfg).routes == ("/", "/api/teams/*", "/join", "/people")
    assert run(root, "sync").code == 0
    check = run(root, "check")
    missing = [line for line in check.out.splitlines() if "[page-missing]" in line]
    assert len(missing) == 1 and "/nowhere" in missing[0], check.out
    assert "anchor-missing" not in check.out
    assert (root / "translations/nl/faq.md").is_file()


def test_init_writes_a_pull_request_workflow_and_hooks_that_install_the_tool(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    root = sveltekit_site(tmp_path / "site")
    assert run(root, "init", "--locales", "nl", "--install", "markdown-po-pipeline==0.1.0").code == 0
    flow = yaml.load((root / ".github/workflows/translations.yml").read_text(), Loader=yaml.BaseLoader)
    assert list(flow["on"]) == ["pull_request"]
    assert flow["permissions"] == {"contents": "read"}
    steps = flow["jobs"]["gate"]["steps"]
    uses = [s["uses"] for s in steps if "uses" in s]
    assert all("@" in u and len(u.split("@")[1]) == 40 for u in uses), uses
    assert not any("cache" in s.get("with", {}) for s in steps)
    runs = [s.get("run", "") for s in steps]
    assert "python -m pip install markdown-po-pipeline==0.1.0" in runs
    assert "pipeline check --format github" in runs
    hooks = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())
    repo = hooks["repos"][0]
    assert repo["rev"].startswith("v") and [h["id"] for h in repo["hooks"]] == ["pipeline-sync", "pipeline-check"]
    import re

    pattern = re.compile(repo["hooks"][0]["files"])
    assert pattern.match("src/posts/act.md") and pattern.match("locales/nl/act.po") and pattern.match("pipeline.toml")
    assert not pattern.match("src/routes/+page.svelte")
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_init_shards_writes_the_sharded_sync_workflow_for_n_runners(tmp_path: Path, run: Callable[..., Run]) -> None:
    from test_adoption import _lint_workflow

    root = sveltekit_site(tmp_path / "site")
    result = run(root, "init", "--locales", "nl", "--shards", "3", "--install", "markdown-po-pipeline==0.1.0")
    assert result.code == 0, result.err
    assert "wrote .github/workflows/translations-sync.yml" in result.out
    path = root / ".github/workflows/translations-sync.yml"
    flow = yaml.load(path.read_text(), Loader=yaml.BaseLoader)
    assert flow["env"]["SHARDS"] == "3"
    assert flow["jobs"]["shard"]["strategy"]["matrix"]["shard"] == ["1", "2", "3"]
    for job in ("shard", "merge"):
        steps = flow["jobs"][job]["steps"]
        runs = " ".join(s.get("run", "") for s in steps)
        assert "python -m pip install markdown-po-pipeline==0.1.0" in runs and "pip install .\n" not in runs
        pinned = [
            s["uses"] for s in steps if s.get("uses", "").startswith(("actions/checkout", "actions/setup-python"))
        ]
        assert pinned and all(len(u.split("@")[1]) == 40 for u in pinned), pinned
        assert not any("cache" in s.get("with", {}) for s in steps)
    shard_runs = " ".join(s.get("run", "") for s in flow["jobs"]["shard"]["steps"])
    assert 'pipeline sync --offline --shard "${{ matrix.shard }}/$SHARDS"' in shard_runs
    assert (root / ".github/workflows/translations.yml").is_file()  # the pull-request gate as well
    _lint_workflow(path)


@pytest.mark.parametrize("shards", ["1", "-2"])
def test_init_refuses_a_shard_count_below_two_and_writes_nothing(
    tmp_path: Path, run: Callable[..., Run], shards: str
) -> None:
    root = sveltekit_site(tmp_path / "site")
    before = _files(root)
    result = run(root, "init", "--locales", "nl", "--shards", shards)
    assert result.code != 0
    assert _files(root) == before


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("existing", ["pipeline.toml", ".github/workflows/translations.yml", ".pre-commit-config.yaml"])
def test_init_never_overwrites_and_writes_nothing(tmp_path: Path, run: Callable[..., Run], existing: str) -> None:
    root = sveltekit_site(tmp_path / "site")
    write(root / existing, "mine\n")
    before = _files(root)
    result = run(root, "init", "--locales", "nl")
    assert result.code == 2
    assert result.err.startswith(f"{existing}: error: ") and "already" in result.err
    assert _files(root) == before


def test_init_can_leave_out_a_file_the_site_has(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = sveltekit_site(tmp_path / "site")
    write(root / ".pre-commit-config.yaml", "repos: []\n")
    write(root / ".gitignore", "node_modules\n.pipeline/")
    assert run(root, "init", "--locales", "nl", "--no-pre-commit").code == 0
    assert (root / ".pre-commit-config.yaml").read_text() == "repos: []\n"
    assert (root / ".gitignore").read_text() == "node_modules\n.pipeline/"  # has the line already: untouched


def test_init_adds_gitignore_lines_once(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    write(root / ".gitignore", "node_modules")
    assert run(root, "init", "--locales", "nl").code == 0
    assert (root / ".gitignore").read_text().splitlines() == [
        "node_modules",
        "# translation pipeline: caches (never committed)",
        "/.pipeline/",
    ]
    assert load(root).source == "source"


def test_init_refuses_bad_options(tmp_path: Path, run: Callable[..., Run]) -> None:
    for args, message in (
        (["--locales", "nl", "--path", "src/posts"], "--path and --ref go with --upstream"),
        (["--locales", "xx-nonsense"], "unknown locale code"),
        (["--locales", ","], "names no locale"),
        (["--locales", "nl", "--redirects", "nope.txt"], "nope.txt: error: no such file"),
    ):
        result = run(tmp_path, "init", *args)
        assert result.code == 2 and message in result.err, (args, result.err)
    assert list(tmp_path.iterdir()) == []


def test_init_with_upstream_reads_the_site_from_its_repository(tmp_path: Path, run: Callable[..., Run]) -> None:
    site = sveltekit_site(tmp_path / "website")
    git(site, "init", "-q", "-b", "main")
    git(site, "add", "-A")
    git(site, "commit", "-qm", "site")
    root = tmp_path / "translations"
    root.mkdir()
    git(root, "init", "-q")
    result = run(root, "init", "--upstream", str(site), "--ref", "main", "--locales", "nl")
    assert result.code == 0, result.err
    cfg = load(root)
    assert cfg.source == "source" and cfg.output == "build/{locale}"
    assert cfg.raw["upstream"] == {"url": str(site), "ref": "main", "path": "src/posts"}
    assert site_options(cfg).routes == ("/", "/api/teams/*", "/join", "/people")
    assert run(root, "sync").code == 0
    assert (root / "build/nl/act.md").is_file()
    check = run(root, "check")
    assert check.code == 0, check.out + check.err
    git(root, "add", "-A")
    assert run(root, "sync").code == 0
    assert git(root, "diff", "--stat") == ""  # a second sync changes nothing
    assert ".pipeline" not in git(root, "status", "--porcelain", "--untracked-files=all")


def test_init_in_a_starlight_site_puts_translations_beside_the_english(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tmp_path / "docs-site"
    write(root / "package.json", '{"dependencies": {"astro": "^4", "@astrojs/starlight": "^0.2"}}\n')
    write(root / "astro.config.mjs", "export default {};\n")
    write(root / "src/content/docs/en/index.md", "# Welcome\n\nRead the [guide](/guide/).\n")
    write(root / "src/content/docs/en/guide.md", "# Guide\n\nSee [home](/).\n")
    write(root / "src/pages/404.astro", "---\n---\n")
    result = run(root, "init", "--locales", "de")
    assert result.code == 0, result.err
    cfg = load(root)
    assert (cfg.source, cfg.output) == ("src/content/docs/en", "src/content/docs/{locale}")
    assert "dialect" in cfg.text and "mdx" in cfg.text
    assert run(root, "sync").code == 0
    assert (root / "src/content/docs/de/guide.md").is_file()
    assert run(root, "sync").out.count("0 written") == 1


def test_init_inside_an_existing_project_refuses(site: Path) -> None:
    inside = site / "source"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "init", "--locales", "nl"], cwd=inside, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert f"is inside the project at {site.resolve()}" in done.stderr
    assert not (inside / "pipeline.toml").exists()
    here = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "--root",
            ".",
            "init",
            "--locales",
            "nl",
            "--no-workflow",
            "--no-pre-commit",
        ],
        cwd=inside,
        capture_output=True,
        text=True,
    )
    assert here.returncode == 0, here.stderr
    assert (inside / "pipeline.toml").is_file()


def test_init_writes_the_dialect_as_a_setting_when_site_knows_it(tmp_path: Path, run: Callable[..., Run]) -> None:
    from pipeline.errors import ConfigError
    from pipeline.workspace.settings import from_dict

    root = sveltekit_site(tmp_path / "site")
    assert run(root, "init", "--locales", "nl").code == 0
    text = (root / "pipeline.toml").read_text()
    try:
        site_options(from_dict(root, {"site": {"dialect": "mdsvex"}}))
        known = True
    except ConfigError:
        known = False
    assert ('\ndialect = "mdsvex"' in text) == known
    assert ('\n# dialect = "mdsvex"' in text) == (not known)
    assert site_options(load(root)).routes  # whatever it wrote, [site] reads


def test_init_dialect_option_overrides_what_was_found(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = sveltekit_site(tmp_path / "site")
    assert run(root, "init", "--locales", "nl", "--dialect", "markdown").code == 0
    text = (root / "pipeline.toml").read_text()
    assert 'dialect = "markdown"' in text and "found: sveltekit" in text
    assert "\nsmartypants = false" in text  # mdsvex's typography only where mdsvex renders
    assert site_options(load(root)).smartypants is False
