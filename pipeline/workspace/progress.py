"""Progress of long stages: a protocol the stages call, and rich bars for a terminal.

Stages (``project``) only report "stage started, N items" and "one item done"; whether that
becomes a bar is the CLI's choice: bars on a terminal, after the work has taken a second,
and never with ``--quiet`` or when the output is not a terminal.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # rich is imported when bars are made: plain runs start faster without it
    from rich.console import Console
    from rich.progress import TaskID


class Progress(Protocol):
    """What a stage tells about its work."""

    def start(self, stage: str, total: int) -> None:
        """A stage begins with ``total`` items."""

    def advance(self) -> None:
        """One item of the current stage is done."""


class Silent:
    """Progress that shows nothing (tests, pipes, ``--quiet``)."""

    def start(self, stage: str, total: int) -> None:
        return None

    def advance(self) -> None:
        return None


SILENT = Silent()


class Bars:
    """rich progress bars, shown only once the work has taken ``delay`` seconds; transient.

    Use as a context manager so the bars are removed (and the terminal restored) however
    the command ends.
    """

    def __init__(self, console: Console, delay: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        self._bars = RichProgress(
            TextColumn("{task.description:>8}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._clock = clock
        self._t0 = clock()
        self._delay = delay
        self._shown = False
        self._task: TaskID | None = None

    def start(self, stage: str, total: int) -> None:
        if self._task is not None:
            self._bars.update(self._task, completed=self._bars.tasks[-1].total or 0)
        self._task = self._bars.add_task(stage, total=total)
        self._show_when_slow()

    def advance(self) -> None:
        if self._task is not None:
            self._bars.advance(self._task)
        self._show_when_slow()

    @property
    def shown(self) -> bool:
        return self._shown

    def _show_when_slow(self) -> None:
        if not self._shown and self._clock() - self._t0 >= self._delay:
            self._shown = True
            self._bars.start()

    def __enter__(self) -> Bars:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._shown:
            self._bars.stop()
