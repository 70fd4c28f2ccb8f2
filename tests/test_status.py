"""``pipeline status``: the table people read and the JSON (with its schema) scripts read."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO, Run

from pipeline.model import Counts
from pipeline.status.rows import PageStatus, State
from pipeline.status.staleness import page_status as status
from pipeline.status.view import console_for, percent, render, schema, select, state, status_data
from pipeline.workspace.settings import load

ANSI = re.compile(r"\x1b\[")


def status_json(run: Callable[..., Run], root: Path, *args: str) -> dict[str, object]:
    result = run(root, "status", "--format", "json", *args)
    assert result.code == 0, result.err
    data: dict[str, object] = json.loads(result.out)
    return data


def test_schema_file_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    assert json.loads((REPO / "pipeline" / "status" / "status.schema.json").read_text()) == schema()


def test_status_json_of_sample_site_follows_the_schema(site: Path, run: Callable[..., Run]) -> None:
    data = status_json(run, site)
    jsonschema.Draft202012Validator(schema()).validate(data)
    assert data["pages"] and data["locales"]


def test_schema_rejects_a_document_with_a_wrong_field(site: Path, run: Callable[..., Run]) -> None:
    data = status_json(run, site)
    data["pages"][0]["share"] = "all"  # type: ignore[index]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema()).validate(data)


def test_locale_totals_add_up_the_pages(site: Path, run: Callable[..., Run]) -> None:
    data = status_json(run, site)
    for total in data["locales"]:  # type: ignore[attr-defined]
        pages = [p for p in data["pages"] if p["locale"] == total["locale"]]  # type: ignore[attr-defined]
        assert total["pages"] == len(pages)
        for key in ("translated", "fuzzy", "untranslated", "words_left"):
            assert total[key] == sum(p[key] for p in pages)
        assert total["words"]["total"] == sum(p["words"]["total"] for p in pages)
        assert set(total["states"]) == {s.value for s in State}
        for value, n in total["states"].items():
            assert n == sum(1 for p in pages if p["state"] == value)


def test_locale_option_narrows_to_one_locale(site: Path, run: Callable[..., Run]) -> None:
    data = status_json(run, site, "--locale", "de")
    assert {p["locale"] for p in data["pages"]} == {"de"}  # type: ignore[attr-defined]
    assert [t["locale"] for t in data["locales"]] == ["de"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("globs", "pages"),
    [
        (["faq"], {"faq"}),
        (["campaigns/*"], {"campaigns/school-streets"}),
        (["source/faq.md"], {"faq"}),
        (["faq", "p*"], {"faq", "press", "privacy"}),
    ],
)
def test_page_globs_narrow_the_pages(site: Path, run: Callable[..., Run], globs: list[str], pages: set[str]) -> None:
    data = status_json(run, site, *globs)
    assert {p["page"] for p in data["pages"]} == pages  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [(["--locale", "fr"], "locale 'fr' is not one of"), (["nothing-here*"], "no page matches 'nothing-here*'")],
)
def test_unknown_locale_or_glob_is_a_usage_error(
    site: Path, run: Callable[..., Run], args: list[str], fragment: str
) -> None:
    result = run(site, "status", *args)
    assert result.code == 2
    assert fragment in result.err and result.out == ""


def test_piped_table_is_plain_text_one_line_per_page(site: Path, run: Callable[..., Run]) -> None:
    result = run(site, "status")
    lines = result.out.splitlines()
    assert not ANSI.search(result.out)
    assert all(line == line.rstrip() for line in lines)
    assert lines[0].split() == ["page", "nl", "de"]
    end = next(i for i, line in enumerate(lines) if line.startswith("total"))
    assert lines[end + 1 :] and all(line.startswith(("nl", "de")) for line in lines[end + 1 :])  # freshness lines
    names = [line.split()[0] for line in lines[1:end] if line.strip()]
    pages = [p.relative_to(site / "source").with_suffix("").as_posix() for p in (site / "source").rglob("*.md")]
    assert names == sorted([*pages, "messages"])  # the [[messages]] file is one more row


def test_terminal_table_has_colours(site: Path) -> None:
    out = io.StringIO()
    render(status(load(site)), console_for(out, terminal=True))
    assert ANSI.search(out.getvalue())
    assert "total" in out.getvalue()


def test_fuzzy_and_untranslated_counts_are_in_the_table(site: Path, run: Callable[..., Run]) -> None:
    data = status_json(run, site, "--locale", "nl", "events")
    [row] = data["pages"]  # type: ignore[misc]
    line = next(x for x in run(site, "status", "--locale", "nl", "events").out.splitlines() if x.startswith("events"))
    assert f"{row['fuzzy']} fuzzy" in line
    assert f"{row['untranslated']} untranslated" in line


@pytest.mark.parametrize(
    ("counts", "exists", "expected"),
    [
        (Counts(translated=3, translated_words=9), True, State.DONE),
        (Counts(), True, State.DONE),
        (Counts(translated=1, fuzzy=1, translated_words=2, fuzzy_words=2), True, State.FUZZY),
        (Counts(untranslated=2, untranslated_words=5), True, State.NOT_STARTED),
        (Counts(translated=1, untranslated=2, translated_words=1, untranslated_words=5), True, State.IN_PROGRESS),
        (Counts(untranslated=2, untranslated_words=5), False, State.MISSING),
    ],
)
def test_state_of_a_page(counts: Counts, exists: bool, expected: State) -> None:
    assert state(PageStatus("nl", "p", counts, exists)) is expected


@pytest.mark.parametrize(
    ("translated", "left", "shown"),
    [(1, 0, "100%"), (0, 0, "100%"), (999, 1, "99.9%"), (1, 1, "50%"), (1, 2, "33.3%"), (0, 5, "0%")],
)
def test_percent_is_never_100_before_done(translated: int, left: int, shown: str) -> None:
    assert percent(Counts(translated_words=translated, untranslated_words=left)) == shown


def test_status_data_is_deterministic(site: Path) -> None:
    rows = status(load(site))
    assert status_data(rows) == status_data(list(rows))
    assert json.dumps(status_data(rows)) == json.dumps(status_data(status(load(site))))


def test_select_keeps_row_order() -> None:
    rows = [PageStatus(loc, name, Counts(), True) for loc in ("nl", "de") for name in ("b", "a")]
    assert [(r.locale, r.page) for r in select(rows, ["de"], ["*"])] == [("de", "b"), ("de", "a")]


def test_status_in_a_real_terminal_is_coloured(site: Path) -> None:
    """Run the command with its output on a pseudo-terminal, as a person at a shell sees it."""
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")} | {"TERM": "xterm-256color"}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "--root", str(site), "status"],
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
        timeout=60,
    )
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    shown = b"".join(chunks).decode("utf-8")
    assert done.returncode == 0, done.stderr
    assert ANSI.search(shown)
    assert "campaigns/school-streets" in shown and "total" in shown
