"""``kind = "command"``: any program that reads JSON lines on stdin and writes JSON lines on stdout.

One process per batch, started in the project folder. Each input line is one segment::

    {"id": 0, "source": "en", "target": "es", "text": "Read <g1>the plan</g1>.", "instructions": ""}

and the program answers each id with one line, in any order::

    {"id": 0, "text": "Lea <g1>el plan</g1>."}      or      {"id": 0, "error": "why not"}

Placeholders (``<xN/>``, ``<gN>``…``</gN>``) must come back exactly. A non-zero exit is an
engine error; an id without an answer is rejected.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.translate.engines.base import Answer, EngineError, Job

_INTERPRETER = re.compile(r"^(?:python[\d.]*|node|sh|bash|ruby|perl|deno|bun|uv|uvx|npx)$")


@dataclass(slots=True)
class Command:
    name: str
    argv: tuple[str, ...]
    cwd: Path
    model: str = ""
    price: float = 0.0
    batch_size: int = 500
    timeout: float = 600.0
    kind: str = "command"

    def identity(self) -> str:
        return f"command:{json.dumps(self.argv)}:{self.model}"

    def model_for(self, target: str) -> str:
        if self.model:
            return self.model
        program = Path(self.argv[0]).name
        if _INTERPRETER.match(program) and len(self.argv) > 1:
            return Path(self.argv[-1]).name  # the script, not "python3"
        return program

    def translate(self, jobs: Sequence[Job]) -> list[list[Answer]]:
        out: list[list[Answer]] = []
        for job in jobs:
            answers: list[Answer] = []
            for start in range(0, len(job.texts), max(1, self.batch_size)):
                answers += self._run(
                    Job(job.texts[start : start + self.batch_size], job.source, job.target, job.instructions)
                )
            out.append(answers)
        return out

    def _run(self, job: Job) -> list[Answer]:
        lines = "".join(
            json.dumps(
                {"id": i, "source": job.source, "target": job.target, "text": t, "instructions": job.instructions},
                ensure_ascii=False,
            )
            + "\n"
            for i, t in enumerate(job.texts)
        )
        try:
            run = subprocess.run(
                list(self.argv),
                input=lines,
                capture_output=True,
                text=True,
                timeout=self.timeout,
                cwd=self.cwd,
                check=False,
            )
        except FileNotFoundError:
            raise EngineError(
                f"engine {self.name!r}: cannot run {self.argv[0]!r} (not found)",
                hint=f"fix command in [translate.engines.{self.name}]",
            ) from None
        except subprocess.TimeoutExpired:
            raise EngineError(
                f"engine {self.name!r}: {self.argv[0]} took more than {self.timeout:g} s",
                hint=f"raise timeout in [translate.engines.{self.name}]",
            ) from None
        if run.returncode != 0:
            raise EngineError(
                f"engine {self.name!r}: {shlex.join(self.argv)} exited with {run.returncode}: "
                f"{run.stderr.strip()[:300]}",
                hint="run the command by hand with one JSON line on stdin to see the problem",
            )
        got: dict[int, Answer] = {}
        for number, line in enumerate(run.stdout.splitlines(), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                key = data["id"]
            except (ValueError, KeyError, TypeError):
                raise EngineError(
                    f"engine {self.name!r}: output line {number} is not a JSON object with an id: {line[:120]!r}",
                    hint='the command must write one JSON object per line: {"id": 0, "text": "..."}',
                ) from None
            if not isinstance(key, int) or not 0 <= key < len(job.texts):
                continue
            if isinstance(data.get("text"), str):
                got[key] = Answer(data["text"])
            else:
                got[key] = Answer(None, f"the command said: {data.get('error') or 'no text'}", False)
        return [
            got.get(i, Answer(None, "the command gave no answer for this segment", False))
            for i in range(len(job.texts))
        ]


def from_settings(name: str, table: Mapping[str, Any], where: str, root: Path) -> Command:
    from pipeline.errors import ConfigError
    from pipeline.translate.settings import number

    value = table.get("command")
    if isinstance(value, str):
        argv = tuple(shlex.split(value))
    elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        argv = tuple(value)
    else:
        raise ConfigError(
            f'[translate.engines.{name}] needs command = ["program", "arg", …]',
            where,
            hint="the program reads JSON lines on stdin and writes JSON lines (see docs/translate.md)",
        )
    if not argv:
        raise ConfigError(f"[translate.engines.{name}] command is empty", where)
    return Command(
        name,
        argv,
        root,
        model=str(table.get("model", "")),
        price=number(table, "price", 0.0, where),
        batch_size=int(number(table, "batch_size", 500, where)),
        timeout=number(table, "timeout", 600.0, where),
    )
