"""Inline HTML tags in a string: the void-element list and a small lexer for tags inside translations.

``VOID_ELEMENTS`` is the one list of elements that never have a closing tag (the HTML
standard's, ``param`` aside); the segmenter's HTML tokenizer and the message checks use it.
:func:`inline_tags` reads the tags of a short string (a msgid or msgstr) with the link targets
they carry, so two strings can be compared tag for tag; :func:`closed_in_order` says whether
they nest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VOID_ELEMENTS = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)
"""Elements without a closing tag."""

ANY_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
"""Any opening or closing tag, loosely (to remove or count tags, not to read their parts)."""

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*?)?)(/?)>")
_LINK_ATTR = re.compile(r"""\b(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class InlineTag:
    """One tag of a string."""

    name: str
    """Lower-case tag name."""
    signature: str
    """The tag normalised for comparison: name, ``href``/``src`` values, ``/`` marks (``<a href="/x">``)."""

    @property
    def closing(self) -> bool:
        return self.signature.startswith("</")

    @property
    def self_closing(self) -> bool:
        return self.signature.endswith("/>")


def inline_tags(text: str) -> list[InlineTag]:
    """The tags of ``text`` in order; a signature keeps the link targets (``href``, ``src``)."""
    out: list[InlineTag] = []
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        attrs = " ".join(
            f'{a.group(1).lower()}="{next(g for g in a.groups()[1:] if g is not None)}"'
            for a in _LINK_ATTR.finditer(m.group(3))
        )
        out.append(InlineTag(name, f"<{m.group(1)}{name}{' ' + attrs if attrs else ''}{m.group(4)}>"))
    return out


def closed_in_order(tags: list[InlineTag]) -> bool:
    """True when every opened tag is closed in order (void and self-closing tags aside)."""
    stack: list[str] = []
    for tag in tags:
        if tag.name in VOID_ELEMENTS or tag.self_closing:
            continue
        if tag.closing:
            if not stack or stack.pop() != tag.name:
                return False
        else:
            stack.append(tag.name)
    return not stack
