"""The ``[update]`` settings and the change classes they name, in a module of their own: reading
``pipeline.toml`` needs them, and a no-op sync should not pay for importing the merge."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pipeline.tables import NO_FILE, ConfigText


class ChangeClass(StrEnum):
    """What kind of difference between the old and the new English."""

    LAYOUT = "layout"
    URL = "url"
    CODE = "code"
    NUMBER = "number"
    MARKUP = "markup"
    TEXT = "text"


CARRYABLE = frozenset(c for c in ChangeClass if c is not ChangeClass.TEXT)
"""Classes that ``[update] auto_carry`` may name (text always needs a translator)."""

DEFAULT_AUTO_CARRY = frozenset({ChangeClass.LAYOUT, ChangeClass.URL, ChangeClass.CODE})


class Mode(StrEnum):
    """How ``update`` finds translations for changed entries (``[update] mode``)."""

    SMART = "smart"
    MSGMERGE = "msgmerge"


@dataclass(frozen=True, slots=True)
class UpdateOptions:
    """The ``[update]`` settings."""

    mode: Mode = Mode.SMART
    auto_carry: frozenset[ChangeClass] = DEFAULT_AUTO_CARRY
    """Change classes carried into translations without a translator (smart mode only)."""
    cross_context: bool = True
    """Whether a fuzzy candidate may come from another msgctxt (msgmerge does; a catalog whose
    contexts are identities, like UI-string keys, must not)."""

    @classmethod
    def from_table(cls, table: dict[str, Any], src: ConfigText = NO_FILE) -> UpdateOptions:
        """Read and check ``[update]``: ``mode`` and ``auto_carry``."""
        for key in sorted(table):
            if key not in ("mode", "auto_carry"):
                raise src.error(
                    f"update.{key}", f"unknown setting 'update.{key}'", "the [update] keys are mode and auto_carry"
                )
        mode = table.get("mode", Mode.SMART.value)
        if mode not in tuple(Mode):
            raise src.error(
                "update.mode", f"update.mode = {mode!r} is not a mode", 'use "smart" (default) or "msgmerge"'
            )
        classes = table.get("auto_carry", sorted(DEFAULT_AUTO_CARRY))
        names = ", ".join(sorted(CARRYABLE))
        if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
            raise src.error("update.auto_carry", "update.auto_carry must be a list of strings", f"choose from {names}")
        for name in classes:
            if name not in CARRYABLE:
                why = "text changes always need a translator" if name == ChangeClass.TEXT else "unknown change class"
                raise src.error("update.auto_carry", f"update.auto_carry: {name!r}: {why}", f"choose from {names}")
        return cls(Mode(mode), frozenset(ChangeClass(c) for c in classes))
