"""The dashboard in a real browser (headless Chromium): what a person sees and can do.

Skips with a message when Chromium or Playwright is missing; ``.ci/run`` installs Chromium.
Screenshots are saved under ``build/`` as artefacts.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, Run, git

from pipeline.formats import po
from pipeline.stages.worddiff import tokens

CHROMIUM = os.environ.get("PIPELINE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARTEFACTS = REPO / "build"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("chromium not installed (Debian: apt-get install chromium; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install -e '.[dev]')")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=LAUNCH_ARGS,
            headless=True,
            viewport={"width": 1200, "height": 900},
        )
        yield context
        context.close()


def changed_sentence(root: Path) -> tuple[str, str, str]:
    """Change one word of a translated Dutch FAQ entry in the English page; return (page, old word, new word)."""
    catalog = po.read_po(root / "locales/nl/faq.po")
    source = (root / "source/faq.md").read_text(encoding="utf-8")
    for m in catalog.messages:
        words = [t.text for t in tokens(m.msgid) if t.text.isalpha() and len(t.text) > 5]
        if m.translated and len(m.msgid.split()) >= 8 and words and m.msgid.split("\n")[0] in source:
            old = max(words, key=len)
            new = "zebracrossing"
            first_line = m.msgid.split("\n")[0]
            if source.count(first_line) != 1 or first_line.count(old) != 1:
                continue
            (root / "source/faq.md").write_text(source.replace(first_line, first_line.replace(old, new)), "utf-8")
            return "faq", old, new
    raise AssertionError("no suitable translated sentence in the sample FAQ")


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], tuple[str, str, str]]:
    """The sample site in a git repository, one English word changed, synced, and its dashboard written."""
    from pipeline.cli.main import main

    root = tmp_path_factory.mktemp("dash") / "site"
    root.mkdir()
    for name in ("source", "locales", "messages"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "pipeline.toml", root / "pipeline.toml")
    git(root, "init", "-q")
    git(root, "add", "-A")
    try:
        os.environ["GIT_COMMITTER_DATE"] = "2025-03-01T12:00:00+00:00"
        git(root, "commit", "-qm", "sample site")
        change = changed_sentence(root)
        os.environ["GIT_COMMITTER_DATE"] = "2025-04-02T12:00:00+00:00"
        git(root, "commit", "-qam", "change a sentence of the FAQ")
    finally:
        del os.environ["GIT_COMMITTER_DATE"]
    import io

    out, err = io.StringIO(), io.StringIO()
    assert main(["--root", str(root), "-q", "sync"], out, err) == 0, err.getvalue()
    assert main(["--root", str(root), "status", "--format", "json"], out, err) == 0
    status = json.loads(out.getvalue())
    html = root / "build" / "report.html"
    assert main(["--root", str(root), "-q", "report", "--html", str(html)], io.StringIO(), err) == 0, err.getvalue()
    return html, status, change


def number(text: str) -> int:
    return int(text.replace(",", "").strip())


def test_locale_progress_equals_status_json(browser: Any, dashboard: tuple[Path, dict[str, Any], Any]) -> None:
    html, status, _ = dashboard
    page = browser.new_page()
    page.goto(html.as_uri())
    cards = page.locator("#progress article.locale")
    assert cards.count() == len(status["locales"])
    for total in status["locales"]:
        card = page.locator(f"#progress article.locale[data-locale='{total['locale']}']")
        assert card.locator("h3").inner_text() == total["locale"]
        shown = float(card.locator(".share").inner_text().rstrip("%"))
        assert abs(shown - 100 * total["share"]) <= 0.06
        words = total["words"]
        assert abs(shown - 100 * words["translated"] / words["total"]) <= 0.05
        assert number(card.locator(".words-translated").inner_text()) == words["translated"]
        assert number(card.locator(".words-total").inner_text()) == words["total"]
        assert number(card.locator(".fuzzy").inner_text()) == total["fuzzy"]
        assert number(card.locator(".untranslated").inner_text()) == total["untranslated"]
        assert card.locator(".pages-done").inner_text() == f"{total['states']['done']}/{total['pages']}"
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "dashboard.png"), full_page=True)
    page.close()


def test_fuzzy_entry_shows_deleted_and_inserted_words(
    browser: Any, dashboard: tuple[Path, dict[str, Any], Any]
) -> None:
    html, _, (name, old, new) = dashboard
    page = browser.new_page()
    page.goto(html.as_uri())
    group = page.locator(f"#fuzzy details[data-locale='nl'][data-page='{name}']")
    assert group.is_visible()
    diff = group.locator(".diff").filter(has=page.locator(f"ins:text-is('{new}')"))
    assert diff.count() == 1
    assert diff.locator("del").all_inner_texts() == [old]
    assert diff.locator("ins").all_inner_texts() == [new]
    assert diff.locator("del").evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    page.close()


def visible_column(page: Any, key: str) -> list[str]:
    values: list[str] = page.eval_on_selector_all(
        f"#page-table tbody tr:not([hidden]) td[data-key='{key}']", "cells => cells.map(c => c.innerText)"
    )
    return values


def test_sorting_a_column_reorders_the_rows(browser: Any, dashboard: tuple[Path, dict[str, Any], Any]) -> None:
    html, status, _ = dashboard
    page = browser.new_page()
    page.goto(html.as_uri())
    before = visible_column(page, "left")
    page.locator("th[data-key='left'] button").click()
    desc = [number(v) for v in visible_column(page, "left")]
    assert desc == sorted(desc, reverse=True)
    assert [str(v) for v in desc] != [v.replace(",", "") for v in before]
    assert page.locator("th[data-key='left']").get_attribute("aria-sort") == "descending"
    page.locator("th[data-key='left'] button").click()
    asc = [number(v) for v in visible_column(page, "left")]
    assert asc == sorted(asc)
    expected = sorted(p["words_left"] for p in status["pages"])
    assert asc == expected
    page.locator("th[data-key='page'] button").click()
    names = visible_column(page, "page")
    assert names == sorted(names)
    page.close()


def test_last_english_change_comes_from_git(browser: Any, dashboard: tuple[Path, dict[str, Any], Any]) -> None:
    html, _, (name, _, _) = dashboard
    page = browser.new_page()
    page.goto(html.as_uri())
    pages, dates = visible_column(page, "page"), visible_column(page, "changed")
    assert {d for p, d in zip(pages, dates, strict=True) if p == name} == {"2025-04-02"}
    assert {d for p, d in zip(pages, dates, strict=True) if p != name} == {"2025-03-01"}
    page.locator("th[data-key='changed'] button").click()
    assert visible_column(page, "page")[-2:] == [name, name]
    page.close()


def test_locale_filter_hides_other_locales(browser: Any, dashboard: tuple[Path, dict[str, Any], Any]) -> None:
    html, status, _ = dashboard
    page = browser.new_page()
    page.goto(html.as_uri())
    page.locator(".filters button[data-filter='de']").click()
    assert set(visible_column(page, "locale")) == {"de"}
    assert len(visible_column(page, "locale")) == sum(1 for p in status["pages"] if p["locale"] == "de")
    assert not page.locator("#progress article.locale[data-locale='nl']").is_visible()
    page.fill("#search", "camp")
    assert visible_column(page, "page") == ["campaigns/school-streets"]
    page.close()


def test_dashboard_loads_nothing_from_the_network(browser: Any, dashboard: tuple[Path, dict[str, Any], Any]) -> None:
    html, _, _ = dashboard
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(html.as_uri())
    page.wait_for_load_state("networkidle")
    assert requests == [html.as_uri()]
    page.close()


def test_dashboard_fits_a_phone_screen(browser: Any, dashboard: tuple[Path, dict[str, Any], Any]) -> None:
    html, _, _ = dashboard
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(html.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("#progress article.locale").first.bounding_box()["width"] <= 390
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 14
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "dashboard-phone.png"), full_page=True)
    page.close()


def test_report_on_sample_site_via_cli(site: Path, run: Callable[..., Run], tmp_path: Path) -> None:
    """Not a browser test: the command writes one file and says so; a second run changes nothing."""
    out = tmp_path / "r.html"
    first = run(site, "report", "--html", str(out))
    assert first.code == 0, first.err
    assert re.search(r"report: .*r\.html \([\d,]+ bytes; 9 pages, 2 locales", first.out)
    assert run(site, "report", "--html", str(out)).out.rstrip().endswith("unchanged")
