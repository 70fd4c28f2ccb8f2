"""Finding codes, their severities (``[check.codes]``), and the collector that grades findings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from pipeline.check.options import CODES as OPTION_CODES
from pipeline.model import Finding, Message, Severity

if TYPE_CHECKING:
    from pipeline.workspace.settings import Config

CODES = OPTION_CODES
"""Every finding code ``check`` emits and its default severity (``[check.codes]`` re-grades)."""

SAME_MIN_WORDS = 5
"""``untranslated-same`` fires only for msgids with at least this many words."""

_IGNORE = re.compile(r"pipeline:\s*ignore(?:\[([^\]]*)\])?")


def code_levels(cfg: Config) -> dict[str, Severity | None]:
    """Severity per code from ``[check.codes]`` over the defaults (validated with the settings); ``None`` is off."""
    return dict(cfg.check.levels)


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
