"""One Settings: every section of pipeline.toml is validated when the file is read, by its stage's from_table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run

from pipeline.check.options import CheckOptions, SiteOptions
from pipeline.errors import ConfigError
from pipeline.stages.merge import Mode, UpdateOptions
from pipeline.stages.stamp import BuildOptions
from pipeline.workspace.settings import Config, Settings, load


@pytest.mark.parametrize(
    ("table", "line", "message"),
    [
        ('[site]\nsmartypants = "yes"\n', 2, "[site] smartypants must be true or false"),
        ("[build]\nstamp = 1\n", 2, "[build] stamp must be true or false"),
        ('[check.codes]\nnot-a-code = "error"\n', 2, "unknown check code 'not-a-code' in [check.codes]"),
        ('[update]\nmode = "fast"\n', 2, "update.mode = 'fast' is not a mode"),
        ('[check]\nfail_on = ["late"]\n', 2, "[check] fail_on: unknown code 'late'"),
        ('[[messages]]\nsource = "../en.json"\n', 2, "[[messages]] source = '../en.json' points outside the project"),
    ],
)
def test_a_bad_section_stops_every_command_at_its_line(
    site: Path, run: Callable[..., Run], table: str, line: int, message: str
) -> None:
    (site / "pipeline.toml").write_text(table, encoding="utf-8")
    for command in ("status", "extract"):
        result = run(site, command)
        assert result.code == 2, result.err
        assert result.err.startswith(f"pipeline.toml:{line}: error: {message}")


def test_each_stage_gets_its_options_parsed_once(tmp_path: Path) -> None:
    (tmp_path / "pipeline.toml").write_text(
        '[update]\nmode = "msgmerge"\n\n[build]\nstamp = true\n\n[site]\nsmartypants = false\n'
        '\n[check]\nmin_translated = 0.5\n\n[check.codes]\nmarkup = "off"\n',
        encoding="utf-8",
    )
    settings = load(tmp_path)
    assert Config is Settings
    assert settings.update == UpdateOptions(Mode.MSGMERGE)
    assert settings.build == BuildOptions(stamp=True)
    assert settings.site == SiteOptions(smartypants=False) and settings.segment.smartypants is False
    assert isinstance(settings.check, CheckOptions) and settings.check.levels["markup"] is None
    assert settings.check.policies(("nl",))["nl"].min_translated == 0.5
    assert settings.upstream is None and settings.messages == ()


def test_a_locale_policy_for_an_unknown_locale_points_at_its_table(tmp_path: Path) -> None:
    (tmp_path / "pipeline.toml").write_text('locales = ["nl"]\n\n[check.locales.de]\nfail_on = []\n', encoding="utf-8")
    settings = load(tmp_path)
    with pytest.raises(ConfigError) as caught:
        settings.check.policies(settings.target_locales())
    assert str(caught.value).startswith("pipeline.toml:3: error: [check.locales.de] is not one of the project's")
