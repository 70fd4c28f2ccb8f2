"""Find the project a command is run in: the nearest folder with ``pipeline.toml``, upwards from the cwd.

Like git finding ``.git``, a command run in ``locales/nl/`` or ``source/blog/`` works on the whole
project, and never makes a ``.pipeline/`` state folder in the subfolder it was started from.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.workspace.settings import CONFIG_FILE

_TOOL_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*pipeline\s*[.\]]", re.MULTILINE)


def has_settings(folder: Path) -> bool:
    """True when ``folder`` holds ``pipeline.toml`` or a ``pyproject.toml`` with ``[tool.pipeline]``."""
    if (folder / CONFIG_FILE).is_file():
        return True
    pyproject = folder / "pyproject.toml"
    try:
        return pyproject.is_file() and _TOOL_TABLE.search(pyproject.read_text(encoding="utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        return False


def find_root(start: Path) -> Path | None:
    """The nearest of ``start`` and its parents that has the pipeline's settings; None when none has."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if has_settings(folder):
            return folder
    return None
