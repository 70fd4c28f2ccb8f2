"""Findings -> text (compiler style), JSON, or GitHub annotations. Pure: returns strings."""

from __future__ import annotations

import json
from collections.abc import Iterable

from pipeline.model import Finding, Severity

FORMATS = ("text", "json", "github")


def format_findings(findings: Iterable[Finding], fmt: str = "text") -> str:
    """All findings, sorted, in one of ``FORMATS``; empty string when there are none (text)."""
    items = sorted(findings, key=lambda f: (f.group, f))  # grouped findings (upstream English) come last
    if fmt == "json":
        data = [
            {
                "path": f.path,
                "line": f.line,
                "col": f.col,
                "severity": f.severity.value,
                "code": f.code,
                "message": f.message,
                "hint": f.hint,
                **({"group": f.group} if f.group else {}),
            }
            for f in items
        ]
        return json.dumps({"findings": data}, indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        return "".join(_github(f) + "\n" for f in items)
    return "".join(_text(f) + "\n" for f in items)


def _text(f: Finding) -> str:
    where = f.path
    if f.line:
        where += f":{f.line}"
        if f.col:
            where += f":{f.col}"
    hint = f" ({f.hint})" if f.hint else ""
    return f"{where}: {f.severity.value} [{f.code}] {f.message}{hint}"


def _escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def _github(f: Finding) -> str:
    kind = f.severity.value  # error, warning, notice: the three GitHub annotation levels
    props = [f"file={_escape(f.path, True)}"]
    if f.line:
        props.append(f"line={f.line}")
    if f.col:
        props.append(f"col={f.col}")
    props.append(f"title={_escape(f.code + (' (upstream English)' if f.group else ''), True)}")
    text = f.message + (f" ({f.hint})" if f.hint else "")
    return f"::{kind} {','.join(props)}::{_escape(text)}"


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
