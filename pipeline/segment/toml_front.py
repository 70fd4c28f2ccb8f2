"""TOML front matter (``+++`` … ``+++``, as Hugo writes it): read, segmented, rebuilt byte-exact.

Only one-line string values of the configured keys are segments (``title = "…"``, keys in
``[tables]`` reached as ``table.key``); their span includes the quotes, so build can write a
translation as a literal string when the English was one and it fits, else as a basic string
with escapes. Everything else stays as the English bytes.
"""

from __future__ import annotations

import re
import tomllib

from pipeline.errors import InputError
from pipeline.model import Kind, Page, Render, Segment, Span
from pipeline.segment.core import Lines, Options, context_notes, has_text

BOUNDARY = re.compile(r"\+\+\+[ \t]*")
_TABLE = re.compile(r"[ \t]*\[[ \t]*([A-Za-z0-9_.-]+)[ \t]*\][ \t]*(?:#.*)?$")
_PAIR = re.compile(r"""[ \t]*([A-Za-z0-9_-]+)[ \t]*=[ \t]*("(?:[^"\\]|\\.)*"|'[^']*')[ \t]*(?:#.*)?$""")


def toml_front_matter(
    page: Page, lines: Lines, options: Options, first: int
) -> tuple[Span | None, int, str | None, list[Segment]]:
    """The TOML block opened by ``+++`` on line ``first`` (0-based): span, first body line, title, segments."""
    close = next((i for i in range(first + 1, len(lines)) if BOUNDARY.fullmatch(lines.line(i))), None)
    if close is None:
        raise InputError(
            f"front matter opened by '+++' on line {first + 1} is never closed",
            page.path,
            first + 1,
            "add a closing '+++' line after the TOML",
        )
    start, end = lines.starts[first + 1], lines.starts[close]
    try:
        data = tomllib.loads(page.text[start:end])
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = first + 1 + (int(m.group(1)) if m else 1)
        raise InputError(f"front matter is not valid TOML: {exc}", page.path, line, "fix the TOML") from None
    title = data.get("title") if isinstance(data.get("title"), str) else None
    title = " ".join(title.split()) or None if title else None
    wanted = set(options.front_matter)
    table = ""
    segments: list[Segment] = []
    for ln in range(first + 1, close):
        text = lines.line(ln)
        t = _TABLE.match(text)
        if t:
            table = t.group(1) + "."
            continue
        p = _PAIR.match(text)
        if p is None or f"{table}{p.group(1)}" not in wanted:
            continue
        raw = p.group(2)
        value = tomllib.loads(f"v = {raw}")["v"]
        if not isinstance(value, str) or not has_text(value) or value != value.strip():
            continue
        a = lines.starts[ln] + p.start(2)
        key = f"{table}{p.group(1)}"
        segments.append(
            Segment(
                msgid=value,
                kind=Kind.FRONT_MATTER,
                render=Render.TOML,
                pieces=(Span(a, a + len(raw)),),
                line=ln + 1,
                comments=context_notes(
                    " › ".join(x for x in (title, "front matter", key) if x), Kind.FRONT_MATTER, key
                ),
                key=key,
                style=raw[0],
            )
        )
    return Span(start, end), close + 1, title, segments
