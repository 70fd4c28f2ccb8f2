"""The few errors the pipeline raises; each carries where (path, line) and what to do.

Only the CLI turns them into ``path:line: error: what; what to do`` and an exit code.
"""

from __future__ import annotations


class PipelineError(Exception):
    """An error a user must act on: bad input, bad config, a failed external step."""

    exit_code = 1
    code = "error"
    """A stable name for CI annotations (``::error title=…``)."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint

    def __reduce__(self) -> tuple[type[PipelineError], tuple[str, str | None, int | None, str]]:
        """Pickle with path, line and hint (errors cross process boundaries in parallel syncs)."""
        return (self.__class__, (self.message, self.path, self.line, self.hint))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}error: {self.message}"
        if self.hint:
            text += f"; {self.hint}"
        return " ".join(text.splitlines())  # one line, whatever a message quoted


class InputError(PipelineError):
    """A page, PO file or other input that cannot be read as it is."""

    exit_code = 2


class ConflictError(InputError):
    """A file with git merge conflict markers left in it."""

    code = "merge-conflict"


class ConfigError(PipelineError):
    """``pipeline.toml`` or a command line that makes no sense."""

    exit_code = 2


class GitError(PipelineError):
    """An upstream repository that cannot be reached or read."""

    exit_code = 2
