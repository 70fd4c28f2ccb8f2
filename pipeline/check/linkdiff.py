"""Which links of a translation differ from its English, each paired with the English one beside it.

Used by PO mode (a msgstr against its msgid) and lint mode (a whole page against the English
it was translated from). Links compare by a key (internal links normalized by the site's URL
scheme, external ones up to trivial spelling: ``http``/``https``, ``www.``, host case, a trailing
slash), as multisets: reordering links is no change. Each translated link beyond the English
count is paired with a missing English link (a known localization first, then the same host,
then the closest relative position; internal and external links never pair); English links
left over were dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True, slots=True)
class LinkChange:
    """One difference: a changed link (both), an added one (no English) or a dropped one (no translated)."""

    translated: int | None
    """Index into the translated links."""
    english: int | None
    """Index into the English links."""
    localized: bool = False
    """The translated link is a known localization of the English one (``link_equivalents``)."""


def external_key(href: str) -> str:
    """An external URL up to spellings that lead to the same place."""
    href = href.strip()
    parts = urlsplit(href)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return href
    host = parts.netloc.lower()
    host = host[4:] if host.startswith("www.") else host
    path = unquote(parts.path).rstrip("/")
    out = f"//{host}{path}"
    if parts.query:
        out += "?" + parts.query
    if parts.fragment:
        out += "#" + parts.fragment
    return out


def _host(href: str) -> str:
    host = urlsplit(href.strip()).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def compare_links(
    english: Sequence[str],
    translated: Sequence[str],
    key: Callable[[str], str],
    localized: Callable[[str, str], bool],
) -> list[LinkChange]:
    """Changed, added and dropped links of ``translated`` against ``english`` (hrefs, in page order)."""
    e_keys = [key(h) for h in english]
    t_keys = [key(h) for h in translated]
    missing = Counter(e_keys) - Counter(t_keys)
    added = Counter(t_keys) - Counter(e_keys)
    if not missing and not added:
        return []
    # which occurrences: the last ones of a key in page order are the surplus
    free_e = _surplus(e_keys, missing)
    extra_t = _surplus(t_keys, added)
    out: list[LinkChange] = []
    unused = list(free_e)
    n_e, n_t = max(len(english), 1), max(len(translated), 1)
    for t in extra_t:
        best: int | None = None
        best_score: tuple[bool, bool, float] | None = None
        for e in unused:
            if bool(_host(english[e])) != bool(_host(translated[t])):
                continue  # an external link does not replace an internal one, nor the other way round
            score = (
                localized(english[e], translated[t]),
                _host(english[e]) == _host(translated[t]),
                -abs(e / n_e - t / n_t),
            )
            if best_score is None or score > best_score:
                best, best_score = e, score
        if best is None:
            out.append(LinkChange(t, None))
            continue
        unused.remove(best)
        out.append(LinkChange(t, best, localized(english[best], translated[t])))
    out.extend(LinkChange(None, e) for e in unused)
    return out


def _surplus(keys: list[str], counts: Counter[str]) -> list[int]:
    """Indexes of the last ``counts[k]`` occurrences of each key ``k`` in ``keys``, in page order."""
    left = dict(counts)
    found: list[int] = []
    for i in range(len(keys) - 1, -1, -1):
        if left.get(keys[i], 0) > 0:
            left[keys[i]] -= 1
            found.append(i)
    found.reverse()
    return found
