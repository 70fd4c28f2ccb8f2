"""The dashboard as a pure function of data, and the data the report command collects."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import Run, git, write

from pipeline.model import Counts, Finding, FuzzyEntry, Severity
from pipeline.status import staleness
from pipeline.status.dashboard import Dashboard, diff_html, render
from pipeline.status.rows import PageStatus
from pipeline.workspace import project
from pipeline.workspace.settings import load

ROWS = (
    PageStatus("nl", "about", Counts(translated=2, translated_words=10), True),
    PageStatus("nl", "faq", Counts(translated=1, fuzzy=1, translated_words=3, fuzzy_words=4), True),
)
EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def test_render_is_deterministic() -> None:
    data = Dashboard("Site", ROWS, last_change={"faq": "2025-01-02"})
    assert render(data) == render(Dashboard("Site", ROWS, last_change={"faq": "2025-01-02"}))


def test_page_forbids_loading_anything_and_links_nowhere() -> None:
    page = render(Dashboard("Site", ROWS))
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"\b(?:src|href)\s*=", page)
    assert not re.search(r"<link\b|@import|url\(", page)


def test_all_text_is_escaped() -> None:
    entry = FuzzyEntry("nl", "faq", "locales/nl/faq.po", 7, EVIL, EVIL, EVIL + " now", EVIL)
    finding = Finding("locales/nl/faq.po", 7, 0, "unsafe-html", Severity.ERROR, EVIL, EVIL)
    page = render(Dashboard(EVIL, (PageStatus("nl", EVIL, Counts(), True),), (finding,), (entry,)))
    assert page.count("<script>") == 1  # ours
    assert "<img" not in page
    assert "&lt;script&gt;" in page


def test_findings_are_listed_sorted_with_location_and_hint() -> None:
    findings = (
        Finding("locales/nl/b.po", 9, 0, "anchor-missing", Severity.WARNING, "second", "fix b"),
        Finding("locales/nl/a.po", 3, 2, "unsafe-html", Severity.ERROR, "first", "fix a"),
    )
    page = render(Dashboard("Site", ROWS, findings))
    assert "Findings (2)" in page
    assert page.index("locales/nl/a.po:3:2") < page.index("locales/nl/b.po:9")
    assert "fix a" in page and "anchor-missing" in page


def test_no_findings_and_no_fuzzy_say_so() -> None:
    page = render(Dashboard("Site", ROWS))
    assert "No findings." in page and "No fuzzy entries." in page


def test_diff_html_marks_words() -> None:
    assert diff_html("two weeks", "three weeks") == "<del>two</del><ins>three</ins> weeks"
    assert diff_html("a <b>", "a <i>") == "a <del>&lt;b&gt;</del><ins>&lt;i&gt;</ins>"  # a tag is one token


def test_fuzzy_entries_come_with_previous_english(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = tmp_path
    write(root / "source/a.md", "We walk to school every single day of the week.\n")
    write(root / "pipeline.toml", 'locales = ["nl"]\n')
    run(root, "sync")
    po_file = root / "locales/nl/a.po"
    text = po_file.read_text()
    po_file.write_text(text.replace('day of the week."\nmsgstr ""', 'day of the week."\nmsgstr "Wij lopen elke dag."'))
    write(root / "source/a.md", "We walk to school every single day of the month.\n")
    run(root, "sync")
    cfg = load(root)
    [entry] = staleness.fuzzy_entries(cfg, staleness.page_status(cfg))
    assert (entry.locale, entry.page, entry.po_path) == ("nl", "a", "locales/nl/a.po")
    assert entry.previous == "We walk to school every single day of the week."
    assert entry.current == "We walk to school every single day of the month."
    assert entry.translation == "Wij lopen elke dag."
    assert po_file.read_text().splitlines()[entry.line - 1].startswith("msgid")


def commit(root: Path, message: str, date: str) -> None:
    os.environ["GIT_COMMITTER_DATE"] = date
    try:
        git(root, "add", "-A")
        git(root, "commit", "-qm", message)
    finally:
        del os.environ["GIT_COMMITTER_DATE"]


def test_last_changes_per_page_from_git(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(root / "site/source/a.md", "A\n")
    write(root / "site/source/sub/b.md", "B\n")
    write(root / "site/source/c.md", "C\n")
    git(root, "init", "-q")
    commit(root, "first", "2024-05-01T10:00:00+00:00")
    write(root / "site/source/sub/b.md", "B changed\n")
    commit(root, "second", "2024-06-15T10:00:00+00:00")
    write(root / "site/source/c.md", "C not committed\n")
    dates = project.last_changes(load(root / "site"))
    assert dates == {"a": "2024-05-01", "sub/b": "2024-06-15", "c": "uncommitted"}


def test_last_changes_outside_git_is_empty(tmp_path: Path) -> None:
    write(tmp_path / "source/a.md", "A\n")
    assert project.last_changes(load(tmp_path)) == {}


@pytest.mark.parametrize("name", ["report.txt", "report"])
def test_report_file_must_be_html(site: Path, run: Callable[..., Run], tmp_path: Path, name: str) -> None:
    result = run(site, "report", "--html", str(tmp_path / name))
    assert result.code == 2 and "must end in .html" in result.err
    assert not (tmp_path / name).exists()


def test_report_narrows_to_locale_and_pages(site: Path, run: Callable[..., Run], tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = run(site, "report", "--html", str(out), "--locale", "de", "faq")
    assert result.code == 0, result.err
    page = out.read_text()
    assert "data-locale='nl'" not in page
    assert re.findall(r"<tr data-locale='de' data-page='([^']*)'", page) == ["faq"]


class _Balance(HTMLParser):
    """Checks that every opened element is closed in order (void elements excepted)."""

    VOID = frozenset({"meta", "input", "br", "img", "wbr", "hr", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def test_page_is_well_formed_even_with_markup_in_the_data() -> None:
    entry = FuzzyEntry("nl", "faq", "locales/nl/faq.po", 7, None, "a <b>bold</b> claim", EVIL, "</details>")
    finding = Finding("x.po", 1, 0, "code", Severity.WARNING, "</table>", "</section>")
    checker = _Balance()
    checker.feed(render(Dashboard("</h1>", (*ROWS, PageStatus("de", "</td>", Counts(), False)), (finding,), (entry,))))
    checker.close()
    assert checker.errors == [] and checker.stack == []
