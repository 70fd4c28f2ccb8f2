"""Pair the segments of an English page with those of its translation, and say how sure we are.

Pure: two segment sequences in, an ``Alignment`` out. Used by ``pipeline import`` to turn
translated pages into PO files, and to pick the English version a page was translated from.

How: exact sync points first (front-matter keys, and heading ids: a translated heading's
``{#id}`` names the English heading it translates), then dynamic programming between them
over the two sequences with five steps — 1:1, an English segment left out (1:0), a
translated segment with no English (0:1), two English segments translated as one (2:1)
and one English segment translated as two (1:2). Each step is scored as log-odds from
what survives translation: the kind of construct, heading ids, link URLs, numbers, inline
code, emoji, names and other words both pages share, identical text, and the length ratio.
Forward-backward over the same lattice gives each chosen step a posterior probability,
which with a few plain checks (length, kind) decides whether a pair is confident or fuzzy;
an unsure pair between two confident ones is marked ``enclosed`` (its place is certain).
Not positional: a dropped paragraph, an added note or a split paragraph shifts nothing.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipeline.model import Kind, Render, Segment

# --------------------------------------------------------------------------- scoring weights

GAP = 2.5
"""Cost of leaving one segment (English or translated) without a partner, before it is measured."""
MERGE = 3.0
"""Cost of a 2:1 or 1:2 step on top of its pair score, before it is measured."""
GAP_RANGE = (2.0, 6.0)
MERGE_OVER_GAP = 0.5
"""A merge costs at least this much more than a gap, so an added note stays unmatched."""
SYNC = 6.0
"""Log-odds of an exact sync point (same heading id, same front-matter key)."""
SAME_KIND = 0.5
OTHER_KIND = -3.0
SAME_TEXT = 4.0
"""Bonus when the translation is the English text itself (names, links, untranslated text)."""
LENGTH_SIGMA = 0.2
"""Spread of the log length ratio of long true pairs, before it is measured on the page itself."""
SIGMA_RANGE = (0.05, 0.35)
"""Bounds of the measured spread (machine translation is tight, human translation looser)."""
SHORT_NOISE = 0.3
"""Extra variance of the log length ratio of short segments: ``SHORT_NOISE / mean length``."""
TAIL = 0.15
"""Share of true pairs whose length ratio is off (a wider component, three times the spread)."""
BACKGROUND_SIGMA = 0.7
"""Spread of the log length ratio of two unrelated segments."""
CONTENT = 3.0
"""Weight of the shared-token evidence (URLs, numbers, code, emoji, names)."""
EVIDENCE_SCALE = 6.0
RESCUE = 3.0
"""Pair score above which segments left alone on both sides are paired anyway (moved text)."""
CONFIDENT = 0.9
"""Posterior probability a pair needs to be confident (else it is fuzzy)."""
LENGTH_LIMIT = 0.9
"""|log length ratio| (relative to the page ratio) above which a pair is fuzzy: ~2.5x off."""
SENTENCE_LIMIT = 0.25
"""|log length ratio| above which a pair whose sentence counts differ is fuzzy (and 3 spreads)."""
_CATEGORY_WEIGHT = {"u": 2.0, "n": 1.0, "c": 1.5, "e": 1.0, "w": 1.0}

# --------------------------------------------------------------------------- tokens

_URL = re.compile(r"\]\(\s*<?([^)\s>]+)|(?:href|src)\s*=\s*[\"']([^\"']+)|(https?://[^\s)\]>\"']+)")
_CODE = re.compile(r"`+([^`]+?)`+")
_NUMBER = re.compile(r"\d+")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_MARKUP = re.compile(r"`[^`]*`|\]\([^)]*\)|<[^<>]*>|\{[^{}]*\}|&[#A-Za-z0-9]+;|https?://\S+|[*_~#>|\[\]]")
_SUFFIX = re.compile(r"-\d+$")
_SENTENCE = re.compile(r"(?<=[.!?…:;])[\"'’”»)\]*_]*\s+(?=[\"'“‘«(\[*_]*[^\W_a-z])")


def plain_length(text: str) -> int:
    """Length of a segment's readable text: markup, link targets and tags left out."""
    return len(" ".join(_MARKUP.sub(" ", text).split()))


def sentences(text: str) -> list[str]:
    """Split a segment's text into sentences (outside link targets and tags)."""
    protected = [(m.start(), m.end()) for m in re.finditer(r"!?\[[^\]]*\]\([^)]*\)|<[^<>]*>|`[^`]*`|\{[^{}]*\}", text)]
    out: list[str] = []
    last = 0
    for m in _SENTENCE.finditer(text):
        if any(a < m.start() < b for a, b in protected):
            continue
        out.append(text[last : m.start()].strip())
        last = m.end()
    out.append(text[last:].strip())
    return [s for s in out if s]


def _is_emoji(ch: str) -> bool:
    return unicodedata.category(ch) == "So" or 0x1F000 <= ord(ch) <= 0x1FAFF


def _words(text: str) -> set[str]:
    return set(_WORD.findall(_MARKUP.sub(" ", text)))


def _raw_tokens(text: str, shared_words: frozenset[str]) -> set[str]:
    """Category-tagged tokens that survive translation: ``u:`` URL, ``n:`` number, ``c:`` code, ``e:``, ``w:``."""
    tokens: set[str] = set()
    for m in _URL.finditer(text):
        url = next(g for g in m.groups() if g)
        tokens.add("u:" + url.rstrip("/"))
    for m in _CODE.finditer(text):
        tokens.add("c:" + m.group(1).strip())
    stripped = _MARKUP.sub(" ", text)
    for m in _NUMBER.finditer(stripped):
        tokens.add("n:" + m.group(0).lstrip("0") or "0")
    for ch in stripped:
        if _is_emoji(ch):
            tokens.add("e:" + ch)
    for w in _WORD.findall(stripped):
        if w.lower() in shared_words:
            tokens.add("w:" + w.lower())
    return tokens


def _name_like(word: str) -> bool:
    """Words worth matching across languages: names, acronyms, longer shared words."""
    if any(c.isupper() for c in word[1:]) or word.isupper():
        return len(word) >= 2
    if word[0].isupper():
        return len(word) >= 3
    return len(word) >= 5


# --------------------------------------------------------------------------- features


@dataclass(frozen=True, slots=True)
class _Feat:
    kind: Kind
    key: str | None
    anchor: str | None
    explicit: bool
    length: int
    tokens: frozenset[str]
    text: str


def _features(segments: Sequence[Segment], shared: frozenset[str], translated: bool) -> list[_Feat]:
    out: list[_Feat] = []
    for seg in segments:
        anchor = seg.anchor if seg.kind is Kind.HEADING else None
        out.append(
            _Feat(
                kind=seg.kind,
                key=seg.key if seg.kind in (Kind.FRONT_MATTER, Kind.CODE) else None,
                anchor=anchor,
                explicit=seg.explicit_anchor or not translated,
                length=plain_length(seg.msgid),
                tokens=frozenset(_raw_tokens(seg.msgid, shared)),
                text=seg.msgid,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Link:
    """One step of an alignment: English segments paired with translated segments.

    ``source`` and ``target`` are indexes into the two segment sequences; one of them is
    empty for a segment without partner. ``probability`` is the posterior probability of
    this step; ``reason`` says why a pair is not confident (empty when it is).
    """

    source: tuple[int, ...]
    target: tuple[int, ...]
    score: float
    probability: float
    reason: str = ""
    enclosed: bool = False
    """Not confident, yet its place is certain (``_enclose``): the pair is the only text between two
    confident pairs (or the page's ends), one English segment, the same construct on both sides,
    and the more likely reading. What is in doubt is the translation's content, not where it goes."""

    @property
    def confident(self) -> bool:
        return bool(self.source and self.target) and not self.reason


@dataclass(frozen=True, slots=True)
class Params:
    """What the scores are measured against: the page's length ratio and spread, the step costs."""

    ratio: float
    """Length ratio translated/English of true pairs, the centre of the length score."""
    sigma: float = LENGTH_SIGMA
    """Spread of the log length ratio of long true pairs."""
    gap: float = GAP
    merge: float = MERGE


@dataclass(frozen=True, slots=True)
class Alignment:
    """Steps in document order, the total score (ranks candidate English versions), the parameters."""

    links: tuple[Link, ...]
    score: float
    params: Params


def _feature_key(seg: Segment) -> tuple[object, ...]:
    return (seg.kind, seg.key, seg.anchor, seg.explicit_anchor, seg.msgid)


class Vocabulary:
    """What one translated page shares with its English versions: names, numbers, URLs, weights.

    Built from the translated page and every English version it is compared with, so the
    versions are scored on one scale, and pair scores of segments several versions share
    are computed once.
    """

    def __init__(self, versions: Sequence[Sequence[Segment]], translated: Sequence[Segment]) -> None:
        distinct = {_feature_key(s): s for version in versions for s in version}
        ew = set().union(*(_words(s.msgid) for s in distinct.values())) if distinct else set()
        tw = set().union(*(_words(s.msgid) for s in translated)) if translated else set()
        common = {w.lower() for w in ew} & {w.lower() for w in tw}
        self.shared = frozenset(w.lower() for w in ew | tw if w.lower() in common and _name_like(w))
        self.t = _features(translated, self.shared, translated=True)
        self._english: dict[tuple[object, ...], _Feat] = {}
        df: Counter[str] = Counter()
        for f in (*self.t, *(self.english(s) for s in distinct.values())):
            df.update(f.tokens)
        total = max(1, len(self.t) + len(distinct))
        self.weight = {tok: _CATEGORY_WEIGHT[tok[0]] * math.log(1 + total / n) for tok, n in df.items()}
        self.static: dict[tuple[tuple[tuple[object, ...], ...], tuple[int, ...]], tuple[float, int, int]] = {}

    def english(self, seg: Segment) -> _Feat:
        key = _feature_key(seg)
        feat = self._english.get(key)
        if feat is None:
            feat = self._english[key] = _features([seg], self.shared, translated=False)[0]
        return feat


class _Scorer:
    """Log-odds of pairing English segments with translated segments, from page-level statistics."""

    def __init__(
        self, english: Sequence[Segment], translated: Sequence[Segment], vocabulary: Vocabulary | None = None
    ) -> None:
        self.vocabulary = vocabulary or Vocabulary([english], translated)
        self.keys = [_feature_key(s) for s in english]
        self.e = [self.vocabulary.english(s) for s in english]
        self.t = self.vocabulary.t
        self.weight = self.vocabulary.weight
        le = sum(f.length for f in self.e)
        lt = sum(f.length for f in self.t)
        self.params = Params((lt + 1) / (le + 1))
        self.english_anchors = {f.anchor for f in self.e if f.anchor}
        self._cache: dict[tuple[tuple[int, ...], tuple[int, ...]], float] = {}

    def use(self, params: Params) -> None:
        """Score with other parameters from now on."""
        if params != self.params:
            self.params = params
            self._cache.clear()

    def log_ratio(self, src: Sequence[int], tgt: Sequence[int]) -> float:
        le = sum(self.e[i].length for i in src)
        lt = sum(self.t[j].length for j in tgt)
        return math.log((lt + 8) / (self.params.ratio * (le + 8)))

    def pair(self, src: tuple[int, ...], tgt: tuple[int, ...]) -> float:
        key = (src, tgt)
        cached = self._cache.get(key)
        if cached is None:
            shared_key = (tuple(self.keys[i] for i in src), tgt)
            static = self.vocabulary.static.get(shared_key)
            if static is None:
                static = self.vocabulary.static[shared_key] = self._pair(src, tgt)
            score, le, lt = static
            r = math.log((lt + 8) / (self.params.ratio * (le + 8)))
            cached = score + self._length(r, (le + lt) / 2)
            if len(src) == 1 and len(tgt) == 1:
                cached += self._heading(self.e[src[0]], self.t[tgt[0]])
            self._cache[key] = cached
        return cached

    def _pair(self, src: tuple[int, ...], tgt: tuple[int, ...]) -> tuple[float, int, int]:
        """The part of a pair's score that does not depend on the parameters, and the two lengths."""
        es = [self.e[i] for i in src]
        ts = [self.t[j] for j in tgt]
        score = 0.0
        # kind: every part must be the same construct
        kinds_e = {f.kind for f in es}
        kinds_t = {f.kind for f in ts}
        score += SAME_KIND if kinds_e == kinds_t and len(kinds_e) == 1 else OTHER_KIND
        if Kind.FRONT_MATTER in kinds_e or Kind.FRONT_MATTER in kinds_t:
            keys_e = {f.key for f in es}
            keys_t = {f.key for f in ts}
            score += SYNC if keys_e == keys_t and kinds_e == kinds_t else -SYNC
        if len(es) == 1 and len(ts) == 1:
            if es[0].text == ts[0].text:
                score += SAME_TEXT
            if es[0].kind is ts[0].kind is Kind.CODE:  # code blocks of one language: a sync point
                score += SYNC / 2 if es[0].key == ts[0].key else 0.0
        elif kinds_e & {Kind.HEADING, Kind.CODE} or kinds_t & {Kind.HEADING, Kind.CODE}:
            score -= SYNC  # a heading or a code block is never merged
        score += self._content(es, ts)
        return score, sum(f.length for f in es), sum(f.length for f in ts)

    def spread(self, size: float) -> float:
        """Expected spread of the log length ratio of a true pair of this mean length."""
        return math.sqrt(self.params.sigma**2 + SHORT_NOISE / max(size, 1.0))

    def _length(self, r: float, size: float) -> float:
        """Log-likelihood ratio of a log length ratio ``r``: true pair vs unrelated pair.

        True pairs spread as a normal whose variance grows for short texts (Gale and Church),
        with a heavier tail; unrelated pairs spread as a wide normal.
        """
        sigma = self.spread(size)
        match = (1 - TAIL) * _normal(r, sigma) + TAIL * _normal(r, 3 * sigma)
        return max(-6.0, math.log(match / _normal(r, BACKGROUND_SIGMA)))

    def fit(self, links: Sequence[Link]) -> Params:
        """Parameters measured on a first alignment: step frequencies, length ratio and spread of 1:1 pairs."""
        steps = Counter(
            "pair"
            if len(lk.source) == 1 and len(lk.target) == 1
            else "gap"
            if not (lk.source and lk.target)
            else "merge"
            for lk in links
        )
        total = sum(steps.values()) + 3
        p_pair, p_gap, p_merge = ((steps[k] + 1) / total for k in ("pair", "gap", "merge"))
        gap = min(GAP_RANGE[1], max(GAP_RANGE[0], math.log(p_pair / p_gap)))
        merge = max(gap + MERGE_OVER_GAP, min(GAP_RANGE[1] + MERGE_OVER_GAP, math.log(p_pair / p_merge)))
        pairs = [
            (self.e[lk.source[0]].length, self.t[lk.target[0]].length)
            for lk in links
            if len(lk.source) == 1 and len(lk.target) == 1 and self.e[lk.source[0]].kind is self.t[lk.target[0]].kind
        ]
        logs = sorted(math.log((lt + 8) / (le + 8)) for le, lt in pairs)
        if len(logs) < 5:
            return replace(self.params, gap=gap, merge=merge)
        centre = _median(logs)
        sigma = self.params.sigma
        long = sorted(abs(math.log((lt + 8) / (le + 8)) - centre) for le, lt in pairs if le + lt >= 120)
        if len(long) >= 5:
            sigma = min(SIGMA_RANGE[1], max(SIGMA_RANGE[0], 1.4826 * _median(long)))
        return Params(math.exp(centre), sigma, gap, merge)

    def _heading(self, e: _Feat, t: _Feat) -> float:
        if e.kind is not Kind.HEADING or t.kind is not Kind.HEADING or not t.anchor or not e.anchor:
            return 0.0
        if t.anchor == e.anchor:
            return SYNC if t.explicit else SYNC / 2
        if t.explicit and _SUFFIX.sub("", t.anchor) == _SUFFIX.sub("", e.anchor):
            return SYNC / 2  # the same slug numbered by another slugger
        if t.explicit and t.anchor in self.english_anchors:
            return -SYNC  # it names another English heading
        return 0.0

    def _content(self, es: Sequence[_Feat], ts: Sequence[_Feat]) -> float:
        te = frozenset().union(*(f.tokens for f in es))
        tt = frozenset().union(*(f.tokens for f in ts))
        we = sum(self.weight[k] for k in te)
        wt = sum(self.weight[k] for k in tt)
        if we + wt == 0:
            return 0.0
        shared = sum(self.weight[k] for k in te & tt)
        dice = 2 * shared / (we + wt)
        evidence = 1 - math.exp(-(we + wt) / EVIDENCE_SCALE)
        return CONTENT * evidence * (2 * dice - 1)


def _normal(x: float, sigma: float) -> float:
    return math.exp(-x * x / (2 * sigma * sigma)) / (sigma * math.sqrt(2 * math.pi))


def _median(values: Sequence[float]) -> float:
    n = len(values)
    mid = n // 2
    return values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2


_STEPS: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2))


def _logaddexp(a: float, b: float) -> float:
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    m = max(a, b)
    return m + math.log1p(math.exp(-abs(a - b)))


def _step_score(sc: _Scorer, i: int, j: int, di: int, dj: int) -> float:
    """Score of the step that ends at cell (i, j) after consuming di English and dj translated segments."""
    if di == 0 or dj == 0:
        return -sc.params.gap
    s = sc.pair(tuple(range(i - di, i)), tuple(range(j - dj, j)))
    return s - sc.params.merge if di + dj > 2 else s


BAND = 15
"""Half-width of the band around a long region's diagonal, beyond the difference in counts."""


def _band(n: int, m: int) -> list[tuple[int, int]]:
    """Columns [lo, hi] of each row the DP visits: all of them, or a band for long regions."""
    if n * m <= 4 * BAND * BAND or n == 0:
        return [(0, m)] * (n + 1)
    width = abs(n - m) + BAND
    return [(max(0, math.floor(i * m / n - width)), min(m, math.ceil(i * m / n + width))) for i in range(n + 1)]


def _region(sc: _Scorer, e0: int, e1: int, t0: int, t1: int) -> tuple[list[Link], float]:
    """Align English [e0, e1) with translated [t0, t1): Viterbi path with forward-backward posteriors."""
    n, m = e1 - e0, t1 - t0
    neg = -math.inf
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    fwd = [[neg] * (m + 1) for _ in range(n + 1)]
    best[0][0] = fwd[0][0] = 0.0
    scores: dict[tuple[int, int, int, int], float] = {}
    band = _band(n, m)
    for i in range(n + 1):
        lo, hi = band[i]
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                continue
            b, f, arg = neg, neg, (0, 0)
            for di, dj in _STEPS:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or fwd[pi][pj] == neg:
                    continue
                s = _step_score(sc, e0 + i, t0 + j, di, dj)
                scores[(i, j, di, dj)] = s
                v = best[pi][pj] + s
                if v > b:
                    b, arg = v, (di, dj)
                f = _logaddexp(f, fwd[pi][pj] + s)
            best[i][j], back[i][j], fwd[i][j] = b, arg, f
    bwd = [[neg] * (m + 1) for _ in range(n + 1)]
    bwd[n][m] = 0.0
    for i in range(n, -1, -1):
        lo, hi = band[i]
        for j in range(hi, lo - 1, -1):
            if i == n and j == m:
                continue
            acc = neg
            for di, dj in _STEPS:
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                step = scores.get((ni, nj, di, dj))
                if step is None or bwd[ni][nj] == neg:
                    continue
                acc = _logaddexp(acc, step + bwd[ni][nj])
            bwd[i][j] = acc
    total = fwd[n][m]
    links: list[Link] = []
    i, j = n, m
    while i > 0 or j > 0:
        di, dj = back[i][j]
        s = scores[(i, j, di, dj)]
        p = math.exp(min(0.0, fwd[i - di][j - dj] + s + bwd[i][j] - total))
        links.append(Link(tuple(range(e0 + i - di, e0 + i)), tuple(range(t0 + j - dj, t0 + j)), s, p))
        i, j = i - di, j - dj
    links.reverse()
    return links, best[n][m]


def _sync_points(sc: _Scorer) -> list[tuple[int, int]]:
    """Exact sync points: same front-matter key, or a translated heading id naming an English heading.

    Only ids and keys unique on both sides count; crossing points are dropped (longest chain kept).
    """

    def unique(pairs: list[tuple[str, int]]) -> dict[str, int]:
        counts = Counter(k for k, _ in pairs)
        return {k: i for k, i in pairs if counts[k] == 1}

    e_keys = unique(
        [(f"k:{f.key}", i) for i, f in enumerate(sc.e) if f.key]
        + [(f"h:{f.anchor}", i) for i, f in enumerate(sc.e) if f.anchor]
    )
    t_keys = unique(
        [(f"k:{f.key}", j) for j, f in enumerate(sc.t) if f.key]
        + [(f"h:{f.anchor}", j) for j, f in enumerate(sc.t) if f.anchor and f.explicit]
    )
    candidates = sorted((e_keys[k], t_keys[k]) for k in e_keys.keys() & t_keys.keys())
    return _longest_chain(candidates)


def _longest_chain(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence increasing in both coordinates (points sorted by the first)."""
    if not points:
        return []
    length = [1] * len(points)
    prev = [-1] * len(points)
    for k, (a, b) in enumerate(points):
        for q in range(k):
            if points[q][0] < a and points[q][1] < b and length[q] + 1 > length[k]:
                length[k], prev[k] = length[q] + 1, q
    k = max(range(len(points)), key=lambda x: (length[x], -x))
    chain: list[tuple[int, int]] = []
    while k >= 0:
        chain.append(points[k])
        k = prev[k]
    chain.reverse()
    return chain


def align(
    english: Sequence[Segment],
    translated: Sequence[Segment],
    params: Params | None = None,
    vocabulary: Vocabulary | None = None,
) -> Alignment:
    """Align two segment sequences (English page, translated page) and grade every pair.

    Without ``params`` the parameters are measured on a first alignment and it is redone
    with them; with ``params`` and a shared ``vocabulary`` (to compare several English
    versions on one scale) one pass.
    """
    keys = [i for i, seg in enumerate(english) if seg.render is Render.YAML_KEY]
    if keys:
        return _with_added_keys(english, translated, keys, params, vocabulary)
    sc = _Scorer(english, translated, vocabulary)
    sync = _sync_points(sc)
    if params is None:
        first, _ = _align_with(sc, sync)
        params = sc.fit(first)
    sc.use(params)
    links, total = _align_with(sc, sync)
    graded = _enclose(sc, [_grade(sc, link) for link in _rescue(sc, links)])
    return Alignment(tuple(graded), total, params)


def _with_added_keys(
    english: Sequence[Segment],
    translated: Sequence[Segment],
    keys: list[int],
    params: Params | None,
    vocabulary: Vocabulary | None,
) -> Alignment:
    """Align without the front-matter keys the English page lacks (``Render.YAML_KEY``), then
    pair each with the translated value of the same key, if the translation sets it: such a key
    is no text of the English page, so it must not shift or weaken any other pairing."""
    rest = [i for i in range(len(english)) if i not in set(keys)]
    inner = align([english[i] for i in rest], translated, params, vocabulary)
    links = [replace(lk, source=tuple(rest[i] for i in lk.source)) for lk in inner.links]
    for i in keys:
        at = next(
            (
                n
                for n, lk in enumerate(links)
                if not lk.source
                and len(lk.target) == 1
                and translated[lk.target[0]].kind is Kind.FRONT_MATTER
                and translated[lk.target[0]].key == english[i].key
            ),
            None,
        )
        if at is not None:
            links[at] = Link((i,), links[at].target, SYNC, 1.0)
        else:
            after = max((n for n, lk in enumerate(links) if lk.source and max(lk.source) < i), default=-1)
            links.insert(after + 1, Link((i,), (), 0.0, 1.0))
    return Alignment(tuple(links), inner.score, inner.params)


def _rescue(sc: _Scorer, links: list[Link]) -> list[Link]:
    """Pair segments left alone on both sides when they clearly belong together (moved text).

    The DP keeps both sequences in order, so an item the translator moved (a reordered list,
    swapped front-matter keys) comes out as one English and one translated segment without
    partner. Such a pair is made when its evidence is strong; it is fuzzy (a person checks
    the move) unless an exact key or heading id names it.
    """
    lone_e = [lk.source[0] for lk in links if lk.source and not lk.target]
    lone_t = [lk.target[0] for lk in links if lk.target and not lk.source]
    if not lone_e or not lone_t:
        return links
    options = sorted(
        ((sc.pair((i,), (j,)), i, j) for i in lone_e for j in lone_t),
        key=lambda x: (-x[0], x[1], x[2]),
    )
    paired: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    for score, i, j in options:
        if score < RESCUE:
            break
        if i in paired or j in used:
            continue
        paired[i] = (j, score)
        used.add(j)
    out: list[Link] = []
    for lk in links:
        if lk.source and not lk.target and lk.source[0] in paired:
            j, score = paired[lk.source[0]]
            e, t = sc.e[lk.source[0]], sc.t[j]
            exact = (e.key is not None and e.key == t.key) or (
                t.explicit and t.anchor is not None and t.anchor == e.anchor
            )
            reason = "" if exact else "the translation stands at another place in the page (it was moved)"
            out.append(Link(lk.source, (j,), score, 1.0, reason))
        elif lk.target and not lk.source and lk.target[0] in used:
            continue
        else:
            out.append(lk)
    return out


def _align_with(sc: _Scorer, sync: Sequence[tuple[int, int]]) -> tuple[list[Link], float]:
    """Dynamic programming between consecutive sync points; the sync points are pairs themselves."""
    links: list[Link] = []
    total = 0.0
    e0 = t0 = 0
    n, m = len(sc.e), len(sc.t)
    for ei, tj in [*sync, (n, m)]:
        region, score = _region(sc, e0, ei, t0, tj)
        links.extend(region)
        total += score
        if ei < n and tj < m:
            s = sc.pair((ei,), (tj,))
            links.append(Link((ei,), (tj,), s, 1.0))
            total += s
        e0, t0 = ei + 1, tj + 1
    return links, total


def _grade(sc: _Scorer, link: Link) -> Link:
    """Attach the reason a pair is not confident (empty when it is)."""
    if not link.source or not link.target:
        return link
    reasons: list[str] = [link.reason] if link.reason else []
    if link.probability < CONFIDENT:
        reasons.append(f"another pairing is possible (this one {link.probability:.0%} likely)")
    kinds_e = {sc.e[i].kind for i in link.source}
    kinds_t = {sc.t[j].kind for j in link.target}
    if kinds_e != kinds_t:
        reasons.append(
            f"the English is a {'/'.join(sorted(k.value for k in kinds_e))}, "
            f"the translation a {'/'.join(sorted(k.value for k in kinds_t))}"
        )
    r = sc.log_ratio(link.source, link.target)
    ne = sum(len(sentences(sc.e[i].text)) for i in link.source)
    nt = sum(len(sentences(sc.t[j].text)) for j in link.target)
    size = (sum(sc.e[i].length for i in link.source) + sum(sc.t[j].length for j in link.target)) / 2
    off = abs(r) > LENGTH_LIMIT or (ne != nt and abs(r) > max(SENTENCE_LIMIT, 3 * sc.spread(size)))
    if off:
        what = "shorter" if r < 0 else "longer"
        counts = f"; {nt} sentences where the English has {ne}" if ne != nt else ""
        reasons.append(
            f"the translation is {math.exp(r):.1f}x the expected length ({what}{counts}): text may be missing or added"
        )
    if not reasons:
        return link
    return Link(link.source, link.target, link.score, link.probability, "; ".join(reasons))


def _enclose(sc: _Scorer, links: list[Link]) -> list[Link]:
    """Mark the unsure pairs whose place is certain (``Link.enclosed``).

    A pair is enclosed when the English and translated segments just before it are a confident
    pair (or the page starts there) and so are those just after it: then the translated text
    between can belong to no other English text, whatever the length or a competing reading
    with gaps says. Only a pair of one English segment with one or two translated segments of
    the same construct qualifies, and only when it is the more likely reading (probability over
    one half); a moved pair, a merge of two English texts and a change of construct stay unsure.
    """
    n, m = len(sc.e), len(sc.t)
    out: list[Link] = []
    for k, lk in enumerate(links):
        if not lk.reason or len(lk.source) != 1 or not 1 <= len(lk.target) <= 2 or lk.probability <= 0.5:
            out.append(lk)
            continue
        kinds = {sc.e[lk.source[0]].kind} | {sc.t[j].kind for j in lk.target}
        before = links[k - 1] if k else None
        after = links[k + 1] if k + 1 < len(links) else None
        starts = (
            lk.source[0] == 0 and lk.target[0] == 0
            if before is None
            else before.confident and (before.source[-1] + 1, before.target[-1] + 1) == (lk.source[0], lk.target[0])
        )
        ends = (
            lk.source[-1] == n - 1 and lk.target[-1] == m - 1
            if after is None
            else after.confident and (lk.source[-1] + 1, lk.target[-1] + 1) == (after.source[0], after.target[0])
        )
        out.append(replace(lk, enclosed=True) if len(kinds) == 1 and starts and ends else lk)
    return out
