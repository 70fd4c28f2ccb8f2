"""What a translation may not do to an MDX page: change its JSX tags or its ``{expressions}``.

In MDX a ``<`` before a letter opens a JSX tag and every ``{`` opens JavaScript, so a
translation that adds, drops, renames or mis-nests a tag, or touches an expression, would
change the page's structure or break its compilation. ``build`` refuses such a translation
with the reason (the English stays); markup inside code spans is text and is left alone.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.segment.jsx import JsxTag, expression_end, jsx_tag

_CODE_SPAN = re.compile(r"(`+)(?:.*?[^`])?\1(?!`)", re.DOTALL)
_TEXT_DIRECTIVE = re.compile(r"(?<![:\\]):{1,3}([A-Za-z][\w-]*)(?=[\[{])")
"""A text directive with a label or attributes (``:abbr[HTML]{title="…"}``): remark-directive
structure, whose name a translation must keep."""


def _markup(text: str) -> tuple[list[JsxTag], list[str], str | None]:
    """JSX tags and expressions of a text outside code spans, and a reason when one is broken."""
    text = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)
    tags: list[JsxTag] = []
    expressions: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "<" and i + 1 < len(text) and (text[i + 1].isalpha() or text[i + 1] in "/>_$"):
            tag = jsx_tag(text, i)
            if tag is None:
                return tags, expressions, f"'{text[i : i + 12]}…' is not a whole JSX tag (write &lt; for a '<')"
            tags.append(tag)
            i = tag.end
            continue
        if ch == "{":
            end = expression_end(text, i)
            if end < 0:
                return tags, expressions, "a '{' without its '}' (write \\{ for a brace in text)"
            expressions.append(" ".join(text[i:end].split()))
            i = end
            continue
        i += 1
    return tags, expressions, None


def _key(tag: JsxTag) -> str:
    return f"</{tag.name}>" if tag.closing else f"<{tag.name}/>" if tag.self_closing else f"<{tag.name}>"


def _nesting(tags: list[JsxTag]) -> bool:
    stack: list[str] = []
    for tag in tags:
        if tag.self_closing:
            continue
        if not tag.closing:
            stack.append(tag.name)
        elif stack and stack[-1] == tag.name:
            stack.pop()
        elif stack:
            return False
    return True


def structure_reason(msgid: str, translation: str) -> str | None:
    """Why ``translation`` would change the MDX structure of ``msgid``'s text, or None."""
    old_tags, old_expr, old_broken = _markup(msgid)
    new_tags, new_expr, broken = _markup(translation)
    if broken is not None and old_broken is None:
        return broken
    if Counter(map(_key, old_tags)) != Counter(map(_key, new_tags)):
        gone = Counter(map(_key, old_tags)) - Counter(map(_key, new_tags))
        added = Counter(map(_key, new_tags)) - Counter(map(_key, old_tags))
        parts = [
            f"drops {', '.join(sorted(gone))}" if gone else "",
            f"adds {', '.join(sorted(added))}" if added else "",
        ]
        return "its JSX tags differ from the English ones: " + "; ".join(p for p in parts if p)
    if _nesting(old_tags) and not _nesting(new_tags):
        return "its JSX tags are not nested as in the English"
    if Counter(old_expr) != Counter(new_expr):
        return "its {expressions} differ from the English ones"
    old_dir = Counter(_TEXT_DIRECTIVE.findall(_CODE_SPAN.sub(" ", msgid)))
    new_dir = Counter(_TEXT_DIRECTIVE.findall(_CODE_SPAN.sub(" ", translation)))
    if old_dir != new_dir:
        names = sorted(f":{n}" for n in (old_dir - new_dir) + (new_dir - old_dir))
        return f"its text directives differ from the English ones ({', '.join(names)})"
    return None
