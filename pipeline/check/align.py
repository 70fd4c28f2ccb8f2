"""Heading alignment: renames between English versions, pairing a translation with its English."""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from pipeline.check.headings import _SUFFIX, HeadingId, served_headings
from pipeline.errors import InputError
from pipeline.model import Page
from pipeline.segment.walker import segment_page

if TYPE_CHECKING:
    from pipeline.check.sitemodel import Site


@dataclass(frozen=True, slots=True)
class Rename:
    """An English heading id that is gone, and what replaced it (None: removed)."""

    page: str
    old: str
    new: str | None
    why: str


def align_headings(old: Sequence[HeadingId], new: Sequence[HeadingId]) -> list[tuple[int, int]]:
    """Pairs (old index, new index) of the same section in two versions of one English page.

    Equal ids pair first (difflib on the id sequence); inside a changed stretch a heading pairs
    with the most similar text of the same level, or by position when both stretches have the
    same length and levels (a rename in place).
    """
    pairs: list[tuple[int, int]] = []
    matcher = difflib.SequenceMatcher(a=[h.served for h in old], b=[h.served for h in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
        elif op == "replace":
            same_shape = i2 - i1 == j2 - j1 and all(
                old[i].level == new[j].level for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            if same_shape:
                pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
                continue
            used: set[int] = set()
            for i in range(i1, i2):
                best, best_score = -1, 0.0
                for j in range(j1, j2):
                    if j in used or new[j].level != old[i].level:
                        continue
                    score = fuzz.ratio(old[i].plain.lower(), new[j].plain.lower())
                    if score > best_score:
                        best, best_score = j, score
                if best >= 0 and best_score >= 60:
                    used.add(best)
                    pairs.append((i, best))
    pairs.sort()
    return pairs


def renames_between(page: str, old: Sequence[HeadingId], new: Sequence[HeadingId], why: str) -> dict[str, Rename]:
    """Ids of ``old`` that ``new`` no longer has, with the id that replaced each (if a rename is likely)."""
    current = {h.served for h in new}
    paired = dict(align_headings(old, new))
    out: dict[str, Rename] = {}
    for i, h in enumerate(old):
        if h.served in current:
            continue
        j = paired.get(i)
        out[h.served] = Rename(page, h.served, new[j].served if j is not None else None, why)
    return out


def pair_translated(
    translated: Sequence[HeadingId], english: Sequence[HeadingId], skip_lines: int = 0, by_id: bool = True
) -> list[tuple[int, int]]:
    """Pair a whole-page translation's headings with its English ones, order kept.

    A dynamic-programming alignment (sections may be dropped or added) scoring the same
    level and text similarity (names and numbers survive translation) and, with ``by_id``,
    the id the translation carries (exact, or with a ``-N`` suffix).
    """
    n, m = len(translated), len(english)
    pair = [
        [_pair_score(translated[i], english[j], by_id) if translated[i].line > skip_lines else 0.0 for j in range(m)]
        for i in range(n)
    ]
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            if pair[i][j] > 0:
                best = max(best, pair[i][j] + score[i + 1][j + 1])
            score[i][j] = best
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if pair[i][j] > 0 and score[i][j] == pair[i][j] + score[i + 1][j + 1]:
            pairs.append((i, j))
            i += 1
            j += 1
        elif score[i][j] == score[i + 1][j]:
            i += 1
        else:
            j += 1
    return _fill_gaps(pairs, translated, english, skip_lines)


def _fill_gaps(
    pairs: list[tuple[int, int]], translated: Sequence[HeadingId], english: Sequence[HeadingId], skip_lines: int
) -> list[tuple[int, int]]:
    """Pair headings left out between two pairs by position when both sides have the same shape there.

    Text similarity is weak across languages ("Veelgestelde vragen" / "FAQs"); a stretch of
    unpaired headings with the same count and levels on both sides is the same sections.
    """
    out: list[tuple[int, int]] = []
    bounds = [(-1, -1), *pairs, (len(translated), len(english))]
    for (i0, j0), (i1, j1) in itertools.pairwise(bounds):
        ts = [i for i in range(i0 + 1, i1) if translated[i].line > skip_lines]
        es = list(range(j0 + 1, j1))
        if (
            ts
            and len(ts) == len(es)
            and all(translated[i].level == english[j].level for i, j in zip(ts, es, strict=True))
        ):
            out.extend(zip(ts, es, strict=True))
        if i1 < len(translated):
            out.append((i1, j1))
    return out


_NUMBER = re.compile(r"\d+")


def _similarity(a: HeadingId, b: HeadingId) -> float:
    """Text likeness of two headings across languages: characters, and numbers (which survive translation)."""
    score = float(fuzz.ratio(a.plain.lower(), b.plain.lower())) / 100.0
    na, nb = set(_NUMBER.findall(a.plain)), set(_NUMBER.findall(b.plain))
    if na and nb:
        score += 0.4 if na == nb else -0.4
    return score


def _pair_score(t: HeadingId, e: HeadingId, by_id: bool) -> float:
    s = (1.0 if t.level == e.level else 0.0) + 3.0 * _similarity(t, e)
    if not by_id:
        return s - 1.5
    if t.written == e.written or t.served == e.served:
        s += 3.0
    else:
        m = _SUFFIX.match(t.written)
        if m and m.group(1) == e.written:
            s += 2.0
    return s - 1.5


SHIFT_MARGIN = 0.2
"""How much more a heading's text must resemble another English heading to call its id shifted."""


def learn_history(site: Site, page: str, history: Callable[[str], Sequence[str]]) -> None:
    """Renames of ``page``'s heading ids from older versions of the English page (git)."""
    if page in site.learned:
        return
    site.learned.add(page)
    current = site.english[page].headings
    for text in history(page):
        try:
            old = segment_page(Page(page, page, text))
        except InputError:
            continue
        for old_id, rename in renames_between(
            page, served_headings(old, site.opts.smartypants), current, "git history"
        ).items():
            site.renames.setdefault((page, old_id), rename)
