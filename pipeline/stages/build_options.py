"""``[build]``: the build stage's settings, read when ``pipeline.toml`` is (apart from the stamping
code in ``stamp``, so reading the settings does not import the segmenter)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.tables import NO_FILE, ConfigText


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """The ``[build]`` settings."""

    stamp: bool = False
    """Add the stamp keys to the front matter of built pages."""

    @classmethod
    def from_table(cls, table: dict[str, Any], src: ConfigText = NO_FILE) -> BuildOptions:
        """Read and check ``[build]`` (``stamp``, default false)."""
        value = table.get("stamp", False)
        if not isinstance(value, bool):
            raise src.error("stamp", "[build] stamp must be true or false", "write stamp = true or stamp = false")
        return cls(stamp=value)
