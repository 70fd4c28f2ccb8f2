"""Findings in English pages that come from ``[upstream]``: fixed there, so they do not block here.

A translation repository cannot fix a broken link in the English it pulls; blocking every
merge on it only teaches people to ignore the gate. Such findings stay visible, as warnings in
the group ``upstream-english`` with a hint that names the file in the upstream repository for
the site's maintainers. ``[check] fail_on = ["upstream-english"]`` keeps their severity (a site
that owns its upstream may want that); a site whose English is local is not affected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from pipeline.check.options import UPSTREAM_ENGLISH
from pipeline.model import Finding, Severity


def mark_upstream(
    found: Iterable[Finding], source: str, url: str, path: str = "", blocks: bool = False
) -> list[Finding]:
    """``found`` with findings in ``source/`` pages grouped as upstream English (warnings unless ``blocks``)."""
    prefix = source.strip("/") + "/"
    out: list[Finding] = []
    for f in found:
        if not f.path.startswith(prefix):
            out.append(f)
            continue
        rel = f.path[len(prefix) :]
        where = f"{path.strip('/')}/{rel}" if path.strip("/") else rel
        note = f"for the site's maintainers: fix {where} in {url}; a translation cannot"
        if not blocks:
            note += ' (not blocking here; [check] fail_on = ["upstream-english"] makes it block)'
        severity = Severity.WARNING if f.severity is Severity.ERROR and not blocks else f.severity
        hint = f"{f.hint}; {note}" if f.hint else note
        out.append(replace(f, severity=severity, group=UPSTREAM_ENGLISH, hint=hint))
    return out
