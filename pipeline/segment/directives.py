"""``<!-- i18n:… -->`` comment directives: which segments are skipped, noted or given a context."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from markdown_it.token import Token

from pipeline.errors import InputError
from pipeline.model import Page, Segment
from pipeline.segment.core import inline_children

DIRECTIVES = ("skip", "skip-start", "skip-end", "comment", "context")
"""Comment directives an English page may carry, as in mdbook-i18n-helpers."""

_DIRECTIVE = re.compile(r"<!--\s*i18n:([A-Za-z][\w-]*)[ \t]*(?::(.*?))?\s*-->", re.DOTALL)
ANY_DIRECTIVE = re.compile(r"<!--\s*i18n:")


@dataclass(frozen=True, slots=True)
class Rule:
    """What directives do to the segments starting on lines ``first..last`` (1-based, inclusive)."""

    first: int
    last: int
    skip: bool = False
    comments: tuple[str, ...] = ()
    msgctxt: str | None = None


def directive_rules(page: Page, tokens: list[Token]) -> list[Rule]:
    """Line ranges the page's ``<!-- i18n:… -->`` comments apply to.

    ``skip-start``/``skip-end`` may stand anywhere (also inside raw HTML); ``skip``,
    ``comment`` and ``context`` must be a comment block of their own and apply to the next
    block at the same level (paragraph, heading, list, table, quote, HTML block); several
    of them in a row add up.
    """
    rules: list[Rule] = []
    open_skip: int | None = None
    pending: list[tuple[str, str, int]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "inline" and tok.map is not None and _inline_directive(tok):
            raise InputError(
                "i18n directive inside a paragraph has no effect",
                page.path,
                tok.map[0] + 1,
                "put the <!-- i18n:… --> comment on a line of its own before the block it is for",
            )
        if tok.type != "html_block" or tok.map is None or not ANY_DIRECTIVE.search(tok.content):
            continue
        found = list(_DIRECTIVE.finditer(tok.content))
        if len(found) != len(ANY_DIRECTIVE.findall(tok.content)):
            raise InputError(
                "i18n directive comment is not closed",
                page.path,
                tok.map[0] + 1,
                "write it as <!-- i18n:name --> or <!-- i18n:name: text -->",
            )
        standalone = len(found) == 1 and found[0].group(0) == tok.content.strip()
        for m in found:
            name, value = m.group(1), " ".join((m.group(2) or "").split())
            line = tok.map[0] + 1 + tok.content.count("\n", 0, m.start())
            if name not in DIRECTIVES:
                raise InputError(
                    f"unknown directive 'i18n:{name}'",
                    page.path,
                    line,
                    "use one of " + ", ".join(f"i18n:{d}" for d in DIRECTIVES),
                )
            if name in ("comment", "context") and not value:
                raise InputError(f"'i18n:{name}' needs a text", page.path, line, f"write <!-- i18n:{name}: … -->")
            if value.endswith("\\"):
                raise InputError(f"'i18n:{name}' text ends with a backslash", page.path, line, "remove the backslash")
            if name not in ("comment", "context") and value:
                raise InputError(f"'i18n:{name}' takes no text", page.path, line, f"write <!-- i18n:{name} -->")
            if name == "skip-start":
                if open_skip is not None:
                    raise InputError(
                        f"'i18n:skip-start' inside the skipped part opened on line {open_skip}",
                        page.path,
                        line,
                        "close the first part with <!-- i18n:skip-end --> before opening another",
                    )
                open_skip = line
            elif name == "skip-end":
                if open_skip is None:
                    raise InputError(
                        "'i18n:skip-end' without an 'i18n:skip-start' before it",
                        page.path,
                        line,
                        "add <!-- i18n:skip-start --> where the untranslated part begins, or remove this line",
                    )
                rules.append(Rule(open_skip, line, skip=True))
                open_skip = None
            elif not standalone:
                raise InputError(
                    f"'i18n:{name}' must be a comment of its own, not inside an HTML block",
                    page.path,
                    line,
                    "put it on its own line (blank line after the HTML above), or use i18n:skip-start/-end",
                )
            else:
                pending.append((name, value, line))
        if pending and standalone and found[0].group(1) in ("skip", "comment", "context"):
            target = _next_block(tokens, i)
            if target is None:
                name, _, line = pending[0]
                raise InputError(
                    f"'i18n:{name}' is not followed by a block it could apply to",
                    page.path,
                    line,
                    "put the comment right before the paragraph, heading, list or table it is for",
                )
            if target.type == "html_block" and _is_directive_block(target):
                continue  # directives in a row add up and apply to the first real block
            assert target.map is not None
            rules.append(
                Rule(
                    target.map[0] + 1,
                    target.map[1],
                    skip=any(n == "skip" for n, _, _ in pending),
                    comments=tuple(v for n, v, _ in pending if n == "comment"),
                    msgctxt=next((v for n, v, _ in reversed(pending) if n == "context"), None),
                )
            )
            pending = []
    if open_skip is not None:
        raise InputError(
            "'i18n:skip-start' is never closed",
            page.path,
            open_skip,
            "add <!-- i18n:skip-end --> where the untranslated part ends",
        )
    return rules


def _inline_directive(tok: Token) -> bool:
    """True when a paragraph holds a directive as HTML (not as code that shows one)."""
    if not ANY_DIRECTIVE.search(tok.content):
        return False
    return any(c.type == "html_inline" and ANY_DIRECTIVE.search(c.content) for c in inline_children(tok))


def _is_directive_block(tok: Token) -> bool:
    m = _DIRECTIVE.fullmatch(tok.content.strip())
    return m is not None and m.group(1) in ("skip", "comment", "context")


def _next_block(tokens: list[Token], index: int) -> Token | None:
    """The next block at the same nesting level as ``tokens[index]``, or None at a container's end."""
    level = tokens[index].level
    for tok in tokens[index + 1 :]:
        if tok.level < level or tok.nesting < 0:
            return None
        if tok.level == level:
            return tok if tok.map is not None else None
    return None


def apply_directives(segments: list[Segment], rules: list[Rule]) -> list[Segment]:
    """Drop skipped segments; give the others their directive comments and context."""
    out: list[Segment] = []
    for seg in segments:
        hits = [r for r in rules if r.first <= seg.line <= r.last]
        if any(r.skip for r in hits):
            continue
        notes = tuple(c for r in hits for c in r.comments)
        ctx = next((r.msgctxt for r in reversed(hits) if r.msgctxt is not None), seg.msgctxt)
        if notes or ctx != seg.msgctxt:
            seg = replace(seg, comments=notes + seg.comments, msgctxt=ctx)
        out.append(seg)
    return out
