"""What a translation may not add to a page: scripts, frames, handlers, dangerous URLs.

``build`` never emits a msgstr for which ``unsafe_reason`` returns a reason (the English
falls back in); ``check`` reports the same reason as an ``unsafe`` error.
"""

from __future__ import annotations

import html
import re
import unicodedata

_TAGS = (
    "script",
    "iframe",
    "object",
    "embed",
    "style",
    "frame",
    "frameset",
    "applet",
    "base",
    "meta",
    "link",
    "form",
    "svg",
    "math",
    "template",
    "noscript",
)
_TAG_RE = re.compile(r"<\s*/?\s*([a-z][a-z0-9-]*)")
_HANDLER_RE = re.compile(r"(?:^|[\s\"'/<;])on[a-z]+\s*=")
_SCHEME_RE = re.compile(r"(javascript|vbscript|data|livescript)\s*:")
_HTML_BLOCK_RE = re.compile(r"(?:^|\n)\s{0,3}<(?:[a-z]|!--|/)", re.IGNORECASE)
_INVISIBLE = (
    dict.fromkeys(c for c in range(0x110000) if c < 0x20 or (0x7F <= c < 0xA0)) if False else None
)  # built lazily below


def _fold(text: str) -> str:
    """Lowercase, decode entities (twice, for double encoding), drop invisible characters."""
    prev = None
    out = text
    for _ in range(3):
        prev = out
        out = html.unescape(out)
        if out == prev:
            break
    out = unicodedata.normalize("NFKC", out).lower()
    return "".join(ch for ch in out if unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\n\t ")


def _features(text: str) -> dict[str, int]:
    folded = _fold(text)
    squeezed = re.sub(r"[\s\x00-\x1f]+", "", folded)
    found: dict[str, int] = {}
    for m in _TAG_RE.finditer(folded):
        name = m.group(1)
        if name in _TAGS:
            found[f"<{name}>"] = found.get(f"<{name}>", 0) + 1
    for _ in _HANDLER_RE.finditer(folded):
        found["on…= event handler"] = found.get("on…= event handler", 0) + 1
    for m in _SCHEME_RE.finditer(squeezed):
        key = f"{m.group(1)}: URL"
        found[key] = found.get(key, 0) + 1
    tags = {m.group(1) for m in _TAG_RE.finditer(folded)}
    for name in tags:
        found.setdefault(f"tag:{name}", 0)
        found[f"tag:{name}"] += len(re.findall(rf"<\s*{re.escape(name)}\b", folded))
    return found


def unsafe_reason(msgid: str, msgstr: str, markdown: bool = True) -> str | None:
    """Why ``msgstr`` may not replace ``msgid`` on a page, or None when it is safe.

    ``markdown=False`` is for strings that are not markdown (UI messages): there a leading
    tag cannot open a raw HTML block, so only the additions themselves count.
    """
    if not msgstr:
        return None
    src = _features(msgid)
    dst = _features(msgstr)
    for key, count in sorted(dst.items()):
        if count > src.get(key, 0):
            if key.startswith("tag:"):
                return f"adds HTML <{key[4:]}> that the English does not have"
            return f"adds {key} that the English does not have"
    if markdown and _HTML_BLOCK_RE.search(msgstr) and not _HTML_BLOCK_RE.search(msgid):
        return "starts a raw HTML block that the English does not have"
    return None
