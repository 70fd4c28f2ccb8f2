"""Checks on a restored machine translation before it goes into a PO file.

Each returns the reason the translation is refused (it is then left untranslated), or
None. The build's own refusal check runs afterwards, on the whole page (``run``).
"""

from __future__ import annotations

import re

from pipeline.translate.protect import Protected

_PREAMBLE = re.compile(
    r"^\W*(?:here(?:'s| is| are) (?:the|your|a)\b|sure[,!.]|certainly[,!.]|of course[,!.]|"
    r"aqu[ií] (?:est[aá]|tienes)\b|voici\b|hier ist\b|ecco\b)",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"^\W*(?:translation|translated text|traducci[oó]n|traduction|traduzione|tradu[cç][aã]o|[üu]bersetzung|"
    r"vertaling|note|nota)\b[^:\n]{0,30}:",
    re.IGNORECASE,
)
_NOTE = re.compile(r"\((?:note|nota|translator'?s? note|n\. ?del? t\.)[^)]*\)\s*$", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]]+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
SAME_MIN_WORDS = 5
"""As ``pipeline check``'s ``untranslated-same``: a text this long returned unchanged was not translated."""
MAX_RATIO = 3.0
MIN_RATIO = 0.33


def reason(msgid: str, protected: Protected, reply: str, result: str) -> str | None:
    """Why ``result`` (the reply with its markup back) must not be used, or None."""
    if _PREAMBLE.match(result) and not _PREAMBLE.match(msgid):
        return "the reply adds text around the translation (commentary)"
    if _LABEL.match(result) and ":" not in msgid[:60]:
        return "the reply adds text around the translation (commentary)"
    if _NOTE.search(result) and not _NOTE.search(msgid):
        return "the reply adds a note to the translation (commentary)"
    for quote in ('"', "'", "“", "«", "„"):
        if result.startswith(quote) and not msgid.startswith(quote) and len(result) > 2:
            closing = {"“": "”", "«": "»", "„": "“"}.get(quote, quote)
            if result.endswith(closing) and not msgid.endswith(closing):
                return "the reply puts the translation in quotes"
    new_urls = set(_URL.findall(result)) - set(_URL.findall(msgid))
    if new_urls:
        return f"the reply adds a URL ({sorted(new_urls)[0]})"
    source = protected.prose_length
    got = len(re.sub(r"<[^<>]*>", "", reply).strip())
    if source >= 20:
        ratio = got / source
        if not MIN_RATIO <= ratio <= MAX_RATIO:
            return f"the translation is {ratio:.1f} times as long as the English (absurd length)"
    elif got > max(3 * source, source + 40):
        return f"the translation is {got} characters long for {source} of English (absurd length)"
    prose = re.sub(r"<[^<>]*>", " ", protected.text)
    if result == msgid and len(_WORD.findall(prose)) >= SAME_MIN_WORDS:
        return "the engine returned the English unchanged"
    return None
