"""'pipeline diff' and carrying through 'pipeline sync' on the sample site."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import Run, msgcat_stable, msgfmt_check

from pipeline.formats import po

LINK = "[privacy contact](/privacy#contact-us)"


def fuzzy_line(path: Path, msgid_start: str) -> int:
    return next(m.lineno for m in po.read_po(path).messages if m.fuzzy and m.msgid.startswith(msgid_start))


def test_diff_shows_word_diff_beside_translation(site: Path, run: Callable[..., Run]) -> None:
    result = run(site, "diff", "--locale", "nl")
    assert result.code == 0, result.err
    line = fuzzy_line(site / "locales/nl/events.po", "Tell us about your event")
    assert f"locales/nl/events.po:{line}: fuzzy (Events › Host your own › paragraph)\n" in result.out
    assert "  en: Tell us about your event at least [-two-]{+three+} weeks" in result.out
    assert "  nl: Laat ons minstens twee weken" in result.out
    assert "locales/de/" not in result.out
    assert "  en: Join [-our-]{+the+} campaign" in result.out  # the message file's fuzzy entry
    assert result.out.endswith("2 fuzzy entries in 2 files\n")


def test_diff_of_one_page(site: Path, run: Callable[..., Run]) -> None:
    result = run(site, "diff", "source/campaigns/school-streets.md")
    assert result.code == 0, result.err
    assert "locales/de/campaigns/school-streets.po:" in result.out
    assert "events.po" not in result.out


def test_diff_in_colour_marks_changes_without_brackets(site: Path, run: Callable[..., Run]) -> None:
    result = run(site, "diff", "--color", "always", "events")
    assert "\x1b[" in result.out
    assert "[-two-]" not in result.out


def test_diff_of_an_unknown_page_is_a_usage_error(site: Path, run: Callable[..., Run]) -> None:
    result = run(site, "diff", "no-such-page")
    assert result.code == 2
    assert result.err.startswith("error: no page named 'no-such-page';")
    assert result.out == ""


def test_diff_of_an_unknown_locale_is_a_usage_error(site: Path, run: Callable[..., Run]) -> None:
    result = run(site, "diff", "--locale", "fr")
    assert result.code == 2
    assert "no locale 'fr'" in result.err


def test_link_target_change_is_carried_by_sync_and_listed_by_diff(site: Path, run: Callable[..., Run]) -> None:
    page = site / "source/about.md"
    page.write_text(page.read_text(encoding="utf-8").replace(LINK, "[privacy contact](/privacy#contact)"))
    assert run(site, "sync").code == 0
    catalog = po.read_po(site / "locales/nl/about.po")
    entry = next(m for m in catalog.messages if "(/privacy#contact)" in m.msgid and not m.obsolete)
    assert entry.translated
    assert entry.msgstr.endswith("[privacycontactpersoon](/privacy#contact).")
    assert entry.comments == ('pipeline: carried url: "/privacy#contact-us" -> "/privacy#contact"',)
    assert "[privacycontactpersoon](/privacy#contact)." in (site / "build/nl/about.md").read_text(encoding="utf-8")
    msgfmt_check(site / "locales/nl/about.po")
    msgcat_stable(site / "locales/nl/about.po")
    listed = run(site, "diff", "--carried", "--locale", "nl", "about")
    assert f"locales/nl/about.po:{entry.lineno}: carried" in listed.out
    assert '  carried url: "/privacy#contact-us" -> "/privacy#contact"' in listed.out
    assert run(site, "sync").out.split(": ")[-1].startswith("0 written")


def test_msgmerge_mode_makes_the_same_change_fuzzy(site: Path, run: Callable[..., Run]) -> None:
    (site / "pipeline.toml").write_text(
        (site / "pipeline.toml").read_text(encoding="utf-8") + '\n[update]\nmode = "msgmerge"\n', encoding="utf-8"
    )
    page = site / "source/about.md"
    page.write_text(page.read_text(encoding="utf-8").replace(LINK, "[privacy contact](/privacy#contact)"))
    assert run(site, "sync").code == 0
    catalog = po.read_po(site / "locales/nl/about.po")
    entry = next(m for m in catalog.messages if "(/privacy#contact)" in m.msgid and not m.obsolete)
    assert entry.fuzzy and entry.previous_msgid is not None and LINK in entry.previous_msgid
