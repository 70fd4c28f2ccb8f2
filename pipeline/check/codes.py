"""Finding codes, their severities (``[check.codes]``), and the collector that grades findings."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pipeline.model import Finding, Message, Severity
from pipeline.workspace.settings import Config, config_error, section

CODES: dict[str, Severity] = {
    "anchor-missing": Severity.ERROR,
    "page-missing": Severity.ERROR,
    "anchor-stale": Severity.ERROR,
    "anchor-differs": Severity.ERROR,
    "id-shifted": Severity.ERROR,
    "link-target": Severity.ERROR,
    "link-count": Severity.WARNING,
    "link-localized": Severity.NOTICE,
    "code-span": Severity.WARNING,
    "markup": Severity.WARNING,
    "placeholder": Severity.ERROR,
    "id-in-translation": Severity.WARNING,
    "unsafe": Severity.ERROR,
    "untranslated-same": Severity.WARNING,
}
"""Every finding code ``check`` emits and its default severity (``[check.codes]`` re-grades)."""

SAME_MIN_WORDS = 5
"""``untranslated-same`` fires only for msgids with at least this many words."""

_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "notice": Severity.NOTICE, "off": None}
_IGNORE = re.compile(r"pipeline:\s*ignore(?:\[([^\]]*)\])?")


def code_levels(cfg: Config, known: Mapping[str, Severity] = CODES) -> dict[str, Severity | None]:
    """Severity per code from ``[check.codes]`` over the defaults; ``None`` means off."""
    levels: dict[str, Severity | None] = dict(known)
    table = section(cfg, "check").get("codes", {})
    if not isinstance(table, dict):
        raise config_error(cfg, "codes", '[check.codes] must be a table of code = "error|warning|off"')
    for code, value in sorted(table.items()):
        if code not in known:
            raise config_error(
                cfg, code, f"unknown check code {code!r} in [check.codes]", f"known codes: {', '.join(sorted(known))}"
            )
        if value not in _LEVELS:
            raise config_error(
                cfg, code, f"[check.codes] {code} = {value!r}", 'use "error", "warning", "notice" or "off"'
            )
        levels[code] = _LEVELS[value]
    return levels


class Collector:
    """Gathers findings with the configured severities; drops codes that are off or ignored."""

    def __init__(self, levels: Mapping[str, Severity | None]) -> None:
        self.levels = levels
        self.items: set[Finding] = set()

    def add(
        self,
        path: str,
        line: int,
        col: int,
        code: str,
        message: str,
        hint: str = "",
        ignore: frozenset[str] = frozenset(),
    ) -> None:
        severity = self.levels.get(code)
        if severity is None or code in ignore or "*" in ignore:
            return
        self.items.add(Finding(path, line, col, code, severity, message, hint))

    def sorted(self) -> list[Finding]:
        return sorted(self.items)


def ignored_codes(message: Message) -> frozenset[str]:
    """Codes silenced by ``# pipeline: ignore[code, …]`` translator comments (``*`` without a list)."""
    codes: set[str] = set()
    for comment in message.comments:
        for m in _IGNORE.finditer(comment):
            if m.group(1) is None:
                codes.add("*")
            else:
                codes.update(c.strip() for c in m.group(1).split(",") if c.strip())
    return frozenset(codes)
