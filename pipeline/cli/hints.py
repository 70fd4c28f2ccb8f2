"""Friendlier failures for the CLI: "did you mean" for typed commands, one line when git is missing."""

from __future__ import annotations

import difflib
import re
import sys

GIT_MISSING = (
    "error: git was not found (it is not installed, or not on PATH); install it (Debian: apt-get install git) "
    "or set GIT_PYTHON_GIT_EXECUTABLE to its path"
)

_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)")


def did_you_mean(message: str) -> str:
    """An argparse "invalid choice" message with the closest choices appended (``did you mean 'sync'?``)."""
    m = _INVALID_CHOICE.search(message)
    if m is None:
        return message
    choices = re.findall(r"'([^']*)'", m.group(2))
    close = difflib.get_close_matches(m.group(1), choices, n=2, cutoff=0.6)
    if not close:
        return message
    return f"{message}; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


def git_missing(exc: BaseException) -> bool:
    """True for GitPython's "git not found" (a failed call, or an import with refresh set to error)."""
    module = sys.modules.get("git.exc")
    if module is not None and isinstance(exc, module.GitCommandNotFound):
        return True
    return isinstance(exc, ImportError) and "git executable" in str(exc).lower()
