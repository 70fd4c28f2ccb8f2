"""What every engine offers: translate a batch of protected segments into one locale."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from pipeline.errors import PipelineError


class EngineError(PipelineError):
    """An engine that cannot work: not installed, no key, unreachable, failing. Exit 2."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Answer:
    """One segment's reply: the engine's text (placeholders and all), or why there is none."""

    text: str | None
    reason: str = ""
    keep: bool = True
    """Worth remembering: False for a reply that a retry might change (truncated, commentary)."""


@dataclass(frozen=True, slots=True)
class Job:
    """A batch for one locale."""

    texts: Sequence[str]
    """Protected segments (``protect.Protected.text``)."""
    source: str
    target: str
    instructions: str = ""


class Engine(Protocol):
    """A configured engine (``[translate.engines.NAME]``)."""

    name: str
    """The table's name, for messages."""
    kind: str
    price: float
    """Estimated cost per million tokens (input and output), for the plan and the spend gate."""
    batch_size: int
    """Segments per request."""

    def model_for(self, target: str) -> str:
        """What produces the text for a locale (an LLM's model, Apertium's pair, a command's label)."""

    def identity(self) -> str:
        """Everything that makes this engine's output what it is (the memory's key)."""

    def translate(self, jobs: Sequence[Job]) -> list[list[Answer]]:
        """One list of answers per job, one answer per text; ``EngineError`` when it cannot work."""
