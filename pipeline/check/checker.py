"""Site checks: broken links and anchors, stale and shifted heading ids, unsafe translations.

The site is modelled as the website serves it: every English page at its route, every locale
at its prefix, each page with the ids the renderer gives its headings (explicit ``{#id}`` or
github-slugger slug, with mdsvex's smartypants quirk) plus ``id``/``name`` in raw HTML. Links
come from the one segmenter's markdown-it tokens (``segment.MD``), never from a second parser.

Two inputs: PO mode (``locales/<locale>/<page>.po``; a translation problem is located at its
msgstr line) and lint mode (a folder of whole translated pages, checked against the English
pages without PO files). ``findings()`` reads the disk; everything below ``# pure`` only
computes. ``plan_fix()`` computes the msgstr link rewrites that ``check --fix`` writes.
"""

from __future__ import annotations

import bisect
import difflib
import fnmatch
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

from rapidfuzz import fuzz

from pipeline.check.options import CODES as CODES
from pipeline.check.options import SiteOptions
from pipeline.errors import InputError
from pipeline.formats import po
from pipeline.git import history as project_git
from pipeline.model import Catalog, Finding, Kind, Message, Page, Severity
from pipeline.segment.slug import Slugger, slug
from pipeline.segment.walker import MD, Document, Heading, Options, html_tags, segment_page
from pipeline.stages.build import build_page, translations
from pipeline.stages.safety import unsafe_reason
from pipeline.workspace import project
from pipeline.workspace.files import display_path, read_page
from pipeline.workspace.workspace import Workspace

if TYPE_CHECKING:
    from pipeline.workspace.settings import Config

# --------------------------------------------------------------------------- codes

SAME_MIN_WORDS = 5
"""``untranslated-same`` fires only for msgids with at least this many words."""

_IGNORE = re.compile(r"pipeline:\s*ignore(?:\[([^\]]*)\])?")


# --------------------------------------------------------------------------- pure: ids


_DASHES = re.compile(r"(?<!-)--(?!-)")
_DOTS = re.compile(r"\.{3,}")


def smarten(text: str) -> str:
    """What retext-smartypants (mdsvex's default) does to text that changes ids: ``--`` -> —, ``...`` -> …."""
    return _DOTS.sub("…", _DASHES.sub("—", text))


@dataclass(frozen=True, slots=True)
class HeadingId:
    """A heading and the id the website serves for it."""

    level: int
    plain: str
    served: str
    """The id in the served HTML."""
    written: str
    """The id as the page writes it (``{#id}``) or as the slugger computes it without quirks."""
    explicit: bool
    line: int


def served_headings(doc: Document, smartypants: bool) -> tuple[HeadingId, ...]:
    """Heading ids as the site serves them: rehype-slug numbering over the non-explicit headings."""
    out: list[HeadingId] = []
    slugger = Slugger()
    for h in doc.headings:
        if h.explicit:
            served = smarten(h.anchor) if smartypants else h.anchor
        else:
            plain = _smart_plain(h) if smartypants and "--" in h.plain else h.plain
            served = slugger.slug(plain)
            if h.inline_anchor:  # `## Text <a id="x"></a>`: links reach the heading by x
                served = h.anchor
        out.append(HeadingId(h.level, h.plain, served, h.anchor, h.explicit, h.line))
    return tuple(out)


def _smart_plain(h: Heading) -> str:
    """Plain heading text with smartypants applied to text (not to inline code)."""
    parts: list[str] = []
    for tok in MD.parseInline(h.text):
        for c in tok.children or []:
            if c.type == "text":
                parts.append(smarten(c.content))
            elif c.type == "code_inline":
                parts.append(c.content)
            elif c.type in ("softbreak", "hardbreak"):
                parts.append("\n")
    return "".join(parts)


_SUFFIX = re.compile(r"^(.*)-(\d+)$")


# --------------------------------------------------------------------------- pure: links in a page


@dataclass(frozen=True, slots=True)
class Link:
    """A link as written on a page, and where."""

    href: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What checks need to know about one served page."""

    name: str
    path: str
    """File to point findings at."""
    headings: tuple[HeadingId, ...]
    anchors: frozenset[str]
    links: tuple[Link, ...]


def page_facts(doc: Document, smartypants: bool, path: str | None = None) -> PageFacts:
    """Headings with served ids, all anchors (headings + HTML id/name) and located links of a page."""
    headings = served_headings(doc, smartypants)
    anchors: set[str] = {h.served for h in headings}
    links: list[Link] = []
    text = doc.page.text
    starts = _line_starts(text)
    for tok in doc.tokens:
        if tok.type == "html_block" and tok.map is not None:
            base_line = tok.map[0]
            content = tok.content
            for tag in html_tags(content):
                for name, value, offset in tag.attrs:
                    if name in ("id", "name"):
                        anchors.add(value)
                    elif name == "href":
                        line, col = _block_position(text, starts, base_line, content, offset)
                        links.append(Link(value, line, col))
        elif tok.type == "inline" and tok.map is not None:
            cursor = starts[min(tok.map[0], len(starts) - 1)]
            end = starts[tok.map[1]] if tok.map[1] < len(starts) else len(text)
            for child in tok.children or []:
                if child.type == "link_open":
                    href = str(child.attrGet("href") or "")
                    pos = _find_href(text, href, cursor, end, doc.references)
                    if pos is not None and cursor <= pos < end:
                        cursor = pos + 1
                    links.append(Link(href, *_line_col(starts, pos if pos is not None else cursor)))
                elif child.type == "html_inline":
                    for tag in html_tags(child.content):
                        for name, value, _offset in tag.attrs:
                            if name in ("id", "name"):
                                anchors.add(value)
                            elif name == "href":
                                pos = text.find(value, cursor, end)
                                if pos >= 0:
                                    cursor = pos + 1
                                links.append(Link(value, *_line_col(starts, pos if pos >= 0 else cursor)))
    return PageFacts(doc.page.name, path or doc.page.path, headings, frozenset(anchors), tuple(links))


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for m in re.finditer(r"\r\n|\r|\n", text):
        starts.append(m.end())
    return starts


def _line_col(starts: list[int], offset: int) -> tuple[int, int]:
    lo = max(bisect.bisect_right(starts, offset) - 1, 0)
    return lo + 1, offset - starts[lo] + 1


def _block_position(text: str, starts: list[int], first_line: int, content: str, offset: int) -> tuple[int, int]:
    """Page line and column of ``offset`` inside an HTML block's content (prefixes such as ``> `` skipped)."""
    line = first_line + content.count("\n", 0, offset)
    line_start_in_content = content.rfind("\n", 0, offset) + 1
    content_line_end = content.find("\n", offset)
    content_line = content[line_start_in_content : content_line_end if content_line_end >= 0 else len(content)]
    if line >= len(starts):
        return line + 1, 1
    src_end = starts[line + 1] if line + 1 < len(starts) else len(text)
    src = text[starts[line] : src_end].rstrip("\r\n")
    prefix = len(src) - len(content_line) if src.endswith(content_line) else 0
    return line + 1, prefix + offset - line_start_in_content + 1


def _find_href(text: str, href: str, start: int, end: int, references: Mapping[str, Any]) -> int | None:
    """Offset of a link's destination in the page source (the definition line for reference links)."""
    for needle in (href, unquote(href)):
        if needle:
            pos = text.find(needle, start, end)
            if pos >= 0:
                return pos
    for needle in (href, unquote(href)):
        if needle:
            m = re.search(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]*<?" + re.escape(needle), text, re.MULTILINE)
            if m:
                return m.end() - len(needle)
    return None


# --------------------------------------------------------------------------- pure: inline features


@dataclass(frozen=True, slots=True)
class Features:
    """What a msgid and its msgstr must agree on: link targets, code, markup, placeholders."""

    links: tuple[str, ...]
    code: tuple[str, ...]
    markup: tuple[str, ...]
    placeholders: tuple[str, ...]
    ids: tuple[str, ...]


_EXPR = re.compile(r"\{[^{}]*\}")
_ID = re.compile(r"\{#[^\s{}]+\}")
_COMPONENT = re.compile(r"^<\s*/?\s*([A-Z][\w.:-]*)")
_TAGNAME = re.compile(r"^<\s*(/?)\s*([a-zA-Z][\w:-]*)")
_MARKUP_TYPES = {"em_open": "*emphasis*", "strong_open": "**strong**", "s_open": "~~strikethrough~~"}
_MARKUP_CHARS = re.compile(r"[\[\]`*_~<>{}&\\!]|https?:")


def features(text: str, references: Mapping[str, Any] | None = None) -> Features:
    """Links, inline code, markup and Svelte placeholders of one msgid or msgstr (markdown inline)."""
    if not _MARKUP_CHARS.search(text):
        return Features((), (), (), (), ())
    links: list[str] = []
    code: list[str] = []
    markup: list[str] = []
    placeholders: list[str] = []
    ids: list[str] = []
    env: dict[str, Any] = {"references": dict(references or {})}
    for tok in MD.parseInline(text, env):
        for c in tok.children or []:
            if c.type == "link_open":
                links.append(str(c.attrGet("href") or ""))
            elif c.type == "code_inline":
                code.append(c.content)
            elif c.type in _MARKUP_TYPES:
                markup.append(_MARKUP_TYPES[c.type])
            elif c.type == "html_inline":
                comp = _COMPONENT.match(c.content)
                if comp:
                    placeholders.append(f"<{comp.group(1)}>")
                    continue
                m = _TAGNAME.match(c.content)
                if m and not m.group(1):
                    markup.append(f"<{m.group(2).lower()}>")
                for tag in html_tags(c.content):
                    href = tag.get("href")
                    if href is not None:
                        links.append(href)
            elif c.type == "text":
                for m in _ID.finditer(c.content):
                    ids.append(m.group(0))
                placeholders.extend(e for e in _EXPR.findall(c.content) if not _ID.fullmatch(e))
    return Features(tuple(links), tuple(code), tuple(markup), tuple(placeholders), tuple(ids))


_SKELETON = re.compile(r"\\.|`+[^`]*`+|\]\([^)]*\)|<[^<>]*>|\{[^{}]*\}|&#?\w+;|https?://[^\s)>]+|[*_~]+|!\[|[\[\]()]")


def markup_skeleton(text: str) -> str:
    """Every piece of ``text`` that markdown reads as markup, with the flanking of ``*``/``_``/``~`` runs.

    Two strings with the same skeleton parse to the same links, code, emphasis and placeholders
    (only their words differ), so a msgstr whose skeleton equals its msgid's needs no parse.
    """
    parts: list[str] = []
    for m in _SKELETON.finditer(text):
        piece = m.group(0)
        if piece[0] in "*_~":
            before = text[m.start() - 1] if m.start() else " "
            after = text[m.end()] if m.end() < len(text) else " "
            piece += _flank(before) + _flank(after)
        parts.append(piece)
    return "\x00".join(parts)


def _flank(ch: str) -> str:
    if ch.isspace():
        return "s"
    return "p" if unicodedata.category(ch)[0] in "PS" else "w"


def _diff(a: Sequence[str], b: Sequence[str]) -> tuple[list[str], list[str]]:
    """(missing from b, added in b) as sorted lists with repeats."""
    ca, cb = Counter(a), Counter(b)
    return sorted((ca - cb).elements()), sorted((cb - ca).elements())


def _words(text: str) -> int:
    stripped = _MARKUP_STRIP.sub(" ", text)
    return len(re.findall(r"[^\W\d_]{2,}", stripped))


_MARKUP_STRIP = re.compile(r"`[^`]*`|\]\([^)]*\)|<[^<>]*>|\{[^{}]*\}|https?://\S+")


# --------------------------------------------------------------------------- pure: URLs


@dataclass(frozen=True, slots=True)
class Target:
    """Where an internal link leads on the site."""

    path: str
    """Site path without the locale prefix (``/foo/bar``)."""
    locale: str | None
    """Locale of the target (None: the source locale)."""
    page: str | None
    """Page name when one of our pages is served there."""
    fragment: str
    served_elsewhere: bool = False
    """True when the site serves the path itself (allow-listed route, locale home)."""


class Urls:
    """The URL scheme of the site: page names <-> paths, locale prefixes, base URL."""

    def __init__(self, opts: SiteOptions, pages: Iterable[str], locales: Iterable[str]) -> None:
        self.opts = opts
        self.pages = frozenset(pages)
        self.locales = frozenset(locales) | {opts.source_locale} | set(opts.locales)
        self.source_locale = opts.source_locale
        base = urlsplit(opts.base_url) if opts.base_url else None
        self.host = _host(base.netloc) if base else ""
        self.base_path = base.path.rstrip("/") if base else ""
        route = re.escape(opts.route.rstrip("/") or "/").replace(re.escape("{path}"), "(?P<path>.*)")
        self._route = re.compile(f"^{route}$")
        prefix = opts.locale_prefix
        self._prefix = (
            re.compile("^" + re.escape(prefix).replace(re.escape("{locale}"), "(?P<locale>[^/]+)") + "(?P<rest>/.*)?$")
            if prefix
            else None
        )
        self._by_path = {self._path_of(name): name for name in sorted(self.pages)}

    def _path_of(self, name: str) -> str:
        stem = name[: -len("index")] if name == "index" or name.endswith("/index") else name
        path = self.opts.route.replace("{path}", stem.rstrip("/"))
        path = re.sub(r"/+", "/", path)
        return path.rstrip("/") or "/"

    def url(self, name: str, locale: str | None) -> str:
        """Path at which a page is served in a locale (None: source locale, unprefixed)."""
        path = self._path_of(name)
        if locale is None or not self.opts.locale_prefix:
            return self.base_path + path
        prefix = self.opts.locale_prefix.replace("{locale}", locale)
        return self.base_path + (prefix if path == "/" else prefix + path)

    def resolve(self, href: str, page: str, locale: str | None) -> Target | None:
        """The target of ``href`` written on ``page`` served in ``locale``; None for external or unchecked."""
        href = href.strip()
        if not href or "{" in href:
            return None
        parts = urlsplit(href)
        if parts.scheme and parts.scheme not in ("http", "https"):
            return None
        if parts.netloc and (not self.host or _host(parts.netloc) != self.host):
            return None
        here = self.url(page, locale)
        if not parts.scheme and not parts.netloc and not parts.path:
            path = here  # "#x" or "?q#x": the same page
        elif parts.scheme or parts.netloc or parts.path.startswith("/"):
            path = parts.path or "/"
        else:
            path = urlsplit(urljoin("http://site" + here, parts.path)).path
        path = unquote(path)
        fragment = unquote(parts.fragment)
        if self.base_path:
            if path == self.base_path or path.startswith(self.base_path + "/"):
                path = path[len(self.base_path) :] or "/"
            elif parts.scheme or parts.netloc:
                return None
        target_locale = locale
        if self._prefix is not None:
            m = self._prefix.match(path)
            if m and m.group("locale") in self.locales:
                code = m.group("locale")
                target_locale = None if code == self.source_locale else code
                path = m.group("rest") or "/"
                if path.rstrip("/") == "":
                    return Target("/", target_locale, None, fragment, served_elsewhere=True)
        path = re.sub(r"/+", "/", path)
        path = path.rstrip("/") or "/"
        name = self._by_path.get(path)
        if name is not None:
            return Target(path, target_locale, name, fragment)
        if path == "/" or any(fnmatch.fnmatchcase(path, pattern.rstrip("/") or "/") for pattern in self.opts.routes):
            return Target(path, target_locale, None, fragment, served_elsewhere=True)
        last = path.rsplit("/", 1)[-1]
        if "." in last and not last.endswith((".md", ".html", ".htm")):
            return None  # a static asset
        return Target(path, target_locale, None, fragment)

    def normalize(self, href: str) -> str:
        """A link target for comparing a msgstr with its msgid: ``/nl/x`` and ``https://base/x`` read as ``/x``."""
        href = href.strip()
        parts = urlsplit(href)
        path = parts.path
        if parts.netloc and self.host and _host(parts.netloc) == self.host and parts.scheme in ("http", "https", ""):
            path = path or "/"
            if self.base_path and path.startswith(self.base_path):
                path = path[len(self.base_path) :] or "/"
        elif parts.scheme or parts.netloc:
            return href
        if path.startswith("/") and self._prefix is not None:
            m = self._prefix.match(path)
            if m and m.group("locale") in self.locales:
                path = m.group("rest") or "/"
        if path != "/":
            path = path.rstrip("/") if path.startswith("/") else path
        out = path
        if parts.query:
            out += "?" + parts.query
        if parts.fragment or href.endswith("#"):
            out += "#" + parts.fragment
        return out


def _host(netloc: str) -> str:
    host = netloc.lower().rsplit("@", 1)[-1].split(":", 1)[0]
    return host[4:] if host.startswith("www.") else host


# --------------------------------------------------------------------------- pure: heading alignment


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
    return pairs


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


# --------------------------------------------------------------------------- pure: the site


@dataclass(slots=True)
class Site:
    """The served site: English pages, and per locale the anchors of each page as served there."""

    urls: Urls
    opts: SiteOptions
    english: dict[str, PageFacts]
    docs: dict[str, Document]
    localized: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    """Anchors of (locale, page) where they differ from English, or where the page is translated."""
    renames: dict[tuple[str, str], Rename] = field(default_factory=dict)
    learned: set[str] = field(default_factory=set)
    """Pages whose git history was already read for renames."""
    msgids: dict[tuple[str, str], Features] = field(default_factory=dict)
    """Features of each (page, msgid), shared by all locales."""
    skeletons: dict[str, str] = field(default_factory=dict)
    """Markup skeleton of each msgid."""

    def anchors(self, page: str, locale: str | None) -> frozenset[str]:
        if locale is not None:
            got = self.localized.get((locale, page))
            if got is not None:
                return got
        return self.english[page].anchors

    def problem(self, target: Target) -> tuple[str, str, str] | None:
        """(code, message, hint) when an internal target is broken, else None."""
        where = f" in locale {target.locale}" if target.locale else ""
        if target.page is None:
            if target.served_elsewhere:
                return None
            hint = "fix the link, or add the route to [site] routes if the site serves it itself"
            if target.path.endswith(".md"):
                hint = f"link to the page's route ({target.path[:-3]}), not to its file"
            return ("page-missing", f"link to {target.path}: no such page", hint)
        frag = target.fragment
        if not frag or frag.lower() == "top" or frag in self.opts.anchors or frag.startswith(":~:"):
            return None
        anchors = self.anchors(target.page, target.locale)
        if frag in anchors:
            return None
        hint = self._anchor_hint(target.page, frag, anchors)
        return ("anchor-missing", f"link to {target.path}#{frag}: no such anchor on that page{where}", hint)

    def _anchor_hint(self, page: str, frag: str, anchors: frozenset[str]) -> str:
        rename = self.renames.get((page, frag))
        if rename is not None:
            if rename.new is not None and rename.new in anchors:
                fix = "'pipeline check --fix' rewrites links in PO files"
                return f"the section is now #{rename.new} ({rename.why}); {fix}"
            if rename.new is None:
                return f"that section was removed ({rename.why}); link to another section"
        if self.opts.smartypants and smarten(frag) != frag and smarten(frag) in anchors:
            return f"the site serves this id as #{smarten(frag)} (smartypants turns -- into —); write it without '--'"
        close = difflib.get_close_matches(frag, sorted(anchors), n=1, cutoff=0.75)
        if close:
            return f"did you mean #{close[0]}?"
        return "link to an existing heading id or HTML id"


def build_site(
    opts: SiteOptions,
    docs: Sequence[Document],
    locales: Iterable[str],
) -> Site:
    urls = Urls(opts, (d.page.name for d in docs), locales)
    english = {d.page.name: page_facts(d, opts.smartypants) for d in docs}
    return Site(urls, opts, english, {d.page.name: d for d in docs})


class Collector:
    """Gathers findings with the configured severities; drops codes that are off or ignored."""

    def __init__(self, levels: Mapping[str, Severity | None]) -> None:
        self.levels = levels
        self.items: set[Finding] = set()

    def add(
        self,
        path: str,
        line: int,
        col: int,
        code: str,
        message: str,
        hint: str = "",
        ignore: frozenset[str] = frozenset(),
    ) -> None:
        severity = self.levels.get(code)
        if severity is None or code in ignore or "*" in ignore:
            return
        self.items.add(Finding(path, line, col, code, severity, message, hint))

    def sorted(self) -> list[Finding]:
        return sorted(self.items)


def ignored_codes(message: Message) -> frozenset[str]:
    """Codes silenced by ``# pipeline: ignore[code, …]`` translator comments (``*`` without a list)."""
    codes: set[str] = set()
    for comment in message.comments:
        for m in _IGNORE.finditer(comment):
            if m.group(1) is None:
                codes.add("*")
            else:
                codes.update(c.strip() for c in m.group(1).split(",") if c.strip())
    return frozenset(codes)


def check_links(site: Site, facts: PageFacts, locale: str | None, out: Collector) -> None:
    """page-missing / anchor-missing for every link of a served page."""
    for link in facts.links:
        target = site.urls.resolve(link.href, facts.name, locale)
        if target is None:
            continue
        problem = site.problem(target)
        if problem is not None:
            code, message, hint = problem
            out.add(facts.path, link.line, link.col, code, message, hint)


# --------------------------------------------------------------------------- pure: PO mode


@dataclass(frozen=True, slots=True)
class LocaleCatalog:
    """One page's PO file in one locale, with the path findings point at."""

    locale: str
    page: str
    path: str
    catalog: Catalog


def localize_anchors(site: Site, catalogs: Sequence[LocaleCatalog], options: Options, out: Collector) -> None:
    """Anchors of translated pages as served: the English ones unless smartypants changes an id.

    Build keeps every heading's English id, appending ``{#id}`` where the translation would
    slug differently. Under smartypants an appended id with ``--`` is served with an em dash,
    so pages with such a heading are built in memory and read back; a heading served under
    another id than the English one is an ``anchor-differs`` at its msgstr.
    """
    if not site.opts.smartypants:
        return
    for lc in catalogs:
        doc = site.docs.get(lc.page)
        facts = site.english.get(lc.page)
        if doc is None or facts is None:
            continue
        table = translations(lc.catalog)
        english_ids = {h.line: h.served for h in facts.headings}
        risky = False
        for part in doc.segments:
            text = table.get((part.msgctxt, part.msgid))
            if part.kind is not Kind.HEADING or part.anchor is None or part.explicit_anchor or text is None:
                continue
            anchor = part.anchor
            quirk = smarten(anchor) != anchor or english_ids.get(part.line) != anchor or "--" in text
            if quirk and (slug(_plain_inline(text)) != anchor or "--" in text):
                risky = True  # build appends {#anchor} (or the text slugs anew), and smartypants changes it
                break
        if not risky:
            continue
        built = build_page(doc, table, options)
        again = page_facts(segment_page(Page(doc.page.name, doc.page.path, built.text, doc.page.bom), options), True)
        site.localized[(lc.locale, lc.page)] = again.anchors
        if len(again.headings) != len(facts.headings):
            continue
        lines = {m.msgid: m for m in lc.catalog.messages if not m.obsolete}
        by_line = {seg.line: seg for seg in doc.segments if seg.kind is Kind.HEADING}
        for english, served in zip(facts.headings, again.headings, strict=True):
            seg = by_line.get(english.line)
            msg = lines.get(seg.msgid) if seg is not None else None
            if served.served == english.served or msg is None:
                continue
            out.add(
                lc.path,
                msg.msgstr_lineno or msg.lineno,
                0,
                "anchor-differs",
                f"translated heading is served as #{served.served} in {lc.locale}, "
                f"the English one as #{english.served}",
                f"build appends {{#{english.written}}}, which smartypants turns into #{served.served}; "
                "give the heading an HTML id or turn [site] smartypants off if the site does not use it",
                ignored_codes(msg),
            )


def po_renames(
    site: Site, catalogs: Sequence[LocaleCatalog]
) -> dict[tuple[str, str], tuple[Rename, list[tuple[LocaleCatalog, Message]]]]:
    """Heading ids English renamed, seen in fuzzy heading entries (``#| msgid`` = the old heading)."""
    found: dict[tuple[str, str], tuple[Rename, list[tuple[LocaleCatalog, Message]]]] = {}
    for lc in catalogs:
        doc = site.docs.get(lc.page)
        facts = site.english.get(lc.page)
        if doc is None or facts is None:
            continue
        served = {h.line: h for h in facts.headings}
        by_msgid = {
            seg.msgid: served.get(seg.line)
            for seg in doc.segments
            if seg.kind is Kind.HEADING and seg.anchor is not None
        }
        for msg in lc.catalog.messages:
            if msg.obsolete or not msg.fuzzy or msg.previous_msgid is None:
                continue
            heading = by_msgid.get(msg.msgid)
            if heading is None or heading.explicit:
                continue
            old_plain = _plain_inline(msg.previous_msgid)
            old = slug(smarten(old_plain) if site.opts.smartypants else old_plain)
            if not old or old in facts.anchors:
                continue
            key = (lc.page, old)
            rename = Rename(lc.page, old, heading.served, f"renamed from '{msg.previous_msgid}'")
            entry = found.setdefault(key, (rename, []))
            entry[1].append((lc, msg))
    return found


def _plain_inline(text: str) -> str:
    parts: list[str] = []
    for tok in MD.parseInline(text):
        for c in tok.children or []:
            if c.type in ("text", "code_inline"):
                parts.append(c.content)
    return "".join(parts)


def check_catalog(
    site: Site,
    lc: LocaleCatalog,
    out: Collector,
    english_broken: set[tuple[str, str]],
    learn: Callable[[str], None] | None = None,
) -> None:
    """Every translated entry of one PO file against its msgid and the site as served in the locale."""
    doc = site.docs[lc.page]
    refs = doc.references
    localized = any(locale == lc.locale for locale, _page in site.localized)
    for msg in lc.catalog.messages:
        if msg.obsolete or msg.msgid_plural is not None or not msg.msgstr or msg.fuzzy:
            continue
        ignore = ignored_codes(msg)
        line = msg.msgstr_lineno or msg.lineno
        where = (lc.path, line, 0)
        reason = unsafe_reason(msg.msgid, msg.msgstr)
        if reason is not None:
            out.add(
                *where, "unsafe", f"msgstr {reason}; build keeps the English", "remove it from the translation", ignore
            )
            continue
        if msg.msgstr == msg.msgid:
            if _words(msg.msgid) >= SAME_MIN_WORDS:
                out.add(
                    *where,
                    "untranslated-same",
                    "msgstr is the English text unchanged",
                    "translate it, or add '# pipeline: ignore[untranslated-same]'",
                    ignore,
                )
            continue
        skeleton = site.skeletons.get(msg.msgid)
        if skeleton is None:
            skeleton = site.skeletons[msg.msgid] = markup_skeleton(msg.msgid)
        same_markup = (not refs or "[" not in msg.msgstr) and skeleton == markup_skeleton(msg.msgstr)
        if same_markup and not localized:
            continue  # same links as the English, served against the same anchors: nothing new to find
        src = site.msgids.get((lc.page, msg.msgid))
        if src is None:
            src = site.msgids[(lc.page, msg.msgid)] = features(msg.msgid, refs)
        dst = src if same_markup else features(msg.msgstr, refs)
        if dst is not src:
            _compare(site, src, dst, where, ignore, out)
        for href in dst.links:
            target = site.urls.resolve(href, lc.page, lc.locale)
            if target is None:
                continue
            problem = site.problem(target)
            if problem is None:
                continue
            if learn is not None and target.page is not None:
                learn(target.page)  # renames from the English page's history sharpen the hint
                problem = site.problem(target) or problem
            norm = site.urls.normalize(href)
            if (lc.page, norm) in english_broken and norm in {site.urls.normalize(h) for h in src.links}:
                continue  # the English has the same broken link; reported on the English page
            code, message, hint = problem
            out.add(*where, code, message, hint, ignore)


def _compare(
    site: Site, src: Features, dst: Features, where: tuple[str, int, int], ignore: frozenset[str], out: Collector
) -> None:
    a = [site.urls.normalize(h) for h in src.links]
    b = [site.urls.normalize(h) for h in dst.links]
    missing, added = _diff(a, b)
    if len(a) != len(b):
        out.add(
            *where,
            "link-count",
            f"msgstr has {len(b)} links, msgid {len(a)}" + (f" (missing {', '.join(missing)})" if missing else ""),
            "keep every link of the English",
            ignore,
        )
    if added:
        out.add(
            *where,
            "link-target",
            f"msgstr links to {', '.join(added)}, which the msgid does not"
            + (f" (msgid: {', '.join(missing)})" if missing else ""),
            "copy the link targets from the msgid",
            ignore,
        )
    missing, added = _diff(src.code, dst.code)
    if missing or added:
        out.add(
            *where,
            "code-span",
            "inline code differs: " + _list(missing, added, "`"),
            "keep inline code exactly as in the msgid",
            ignore,
        )
    missing, added = _diff(src.markup, dst.markup)
    if missing or added:
        out.add(
            *where,
            "markup",
            "markup differs: " + _list(missing, added),
            "keep the emphasis and HTML tags of the msgid",
            ignore,
        )
    missing, added = _diff(src.placeholders, dst.placeholders)
    if missing or added:
        out.add(
            *where,
            "placeholder",
            "Svelte placeholders differ: " + _list(missing, added),
            "keep {expressions} and component tags exactly as in the msgid",
            ignore,
        )
    extra_ids = [i for i in dst.ids if i not in src.ids]
    if extra_ids:
        out.add(
            *where,
            "id-in-translation",
            f"msgstr carries {', '.join(extra_ids)}",
            "remove it: build gives the heading its English id",
            ignore,
        )


def _list(missing: Sequence[str], added: Sequence[str], quote: str = "") -> str:
    parts = []
    if missing:
        parts.append("missing " + ", ".join(f"{quote}{x}{quote}" for x in missing))
    if added:
        parts.append("added " + ", ".join(f"{quote}{x}{quote}" for x in added))
    return "; ".join(parts)


# --------------------------------------------------------------------------- pure: lint mode


@dataclass(frozen=True, slots=True)
class TranslatedPage:
    """A whole translated page (lint mode) with its path for findings."""

    doc: Document
    path: str
    front_matter_line: int
    """Line of a ``---`` that opens front matter after blank lines, else 0.

    mdsvex reads it as front matter all the same (the segmenter sees a rule and a heading),
    so headings up to ``front_matter_end`` are not the page's.
    """
    front_matter_end: int


_FM_LATE = re.compile(r"\A(?:[ \t]*\r?\n)+---[ \t]*\r?\n(?:[^\n]*\n)*?---[ \t]*(?:\r?\n|\Z)")


def late_front_matter(text: str) -> tuple[int, int]:
    """(first, last line) of front matter that does not start on line 1, or (0, 0)."""
    m = _FM_LATE.match(text)
    if not m:
        return 0, 0
    head = text[: m.end()]
    first = head.count("\n", 0, head.index("---")) + 1
    return first, head.rstrip("\r\n").count("\n") + 1


def check_translated(
    site: Site,
    locale: str,
    pages: Sequence[TranslatedPage],
    old_english: Mapping[str, PageFacts],
    out: Collector,
) -> None:
    """Lint mode: headings paired with the English ones, links checked as the locale serves them."""
    facts = {
        tp.doc.page.name: page_facts(tp.doc, site.opts.smartypants, tp.path)
        for tp in pages
        if tp.doc.page.name in site.english
    }
    for name, f in facts.items():
        site.localized[(locale, name)] = f.anchors
    # renames: the English each page was translated from -> today's English
    for name, old in old_english.items():
        new = site.english.get(name)
        if new is not None:
            for old_id, rename in renames_between(
                name, old.headings, new.headings, "English since the translation"
            ).items():
                site.renames.setdefault((name, old_id), rename)
    links_to: dict[tuple[str, str], list[str]] = {}
    sources = [(pf, locale) for pf in facts.values()] + [(pf, None) for pf in site.english.values()]
    for pf, loc in sources:
        for link in pf.links:
            target = site.urls.resolve(link.href, pf.name, loc)
            if target is not None and target.page is not None and target.fragment:
                links_to.setdefault((target.page, target.fragment), []).append(f"{pf.path}:{link.line}")
    for tp in pages:
        name = tp.doc.page.name
        if name not in facts:
            continue
        f = facts[name]
        english = site.english[name]
        source = old_english.get(name, english)
        _check_headings(site, tp, f, source, english, links_to, out)
        check_links(site, f, locale, out)
        _compare_page_links(site, f, source, out)


def _check_headings(
    site: Site,
    tp: TranslatedPage,
    f: PageFacts,
    source: PageFacts,
    english: PageFacts,
    links_to: Mapping[tuple[str, str], list[str]],
    out: Collector,
) -> None:
    """Each translated heading against the English heading it is paired with."""
    pairs = pair_translated(f.headings, source.headings, tp.front_matter_end)
    by_content = dict(pair_translated(f.headings, source.headings, tp.front_matter_end, by_id=False))
    index: dict[str, int] = {}
    for k, h in enumerate(source.headings):
        index.setdefault(h.written, k)
        index.setdefault(h.served, k)
    current = {h.served for h in english.headings}
    for i, j in pairs:
        t, e = f.headings[i], source.headings[j]
        c = by_content.get(i)
        if c is not None and c != j and t.explicit:
            e_c = source.headings[c]
            sim_c, sim_j = _similarity(t, e_c), _similarity(t, e)
            if sim_c >= 0.5 and sim_c >= sim_j + SHIFT_MARGIN:
                wanted = e_c.served if e_c.served in current else None
                out.add(
                    tp.path,
                    t.line,
                    1,
                    "id-shifted",
                    f"heading carries #{t.written} of the English heading '{e.plain}', "
                    f"but by position and content it translates '{e_c.plain}'" + (f" (#{wanted})" if wanted else ""),
                    _id_hint(site, wanted),
                )
                continue
        if e.served in current:
            expected: str | None = e.served
        else:
            rename = site.renames.get((english.name, e.served))
            expected = rename.new if rename is not None else None
        if t.served == expected:
            continue
        hint = _id_hint(site, expected)
        carries_old = t.explicit and (t.written in (e.written, e.served) or t.served == e.served)
        if carries_old and e.served not in current:
            linked = links_to.get((english.name, t.served), [])
            msg = f"heading carries #{t.written}, which the English page no longer has"
            msg += (
                f"; English renamed it to #{expected}" if expected else "; the English removed or rewrote that section"
            )
            if linked:
                msg += f"; {len(linked)} link(s) still point at it: {', '.join(linked[:5])}" + (
                    " …" if len(linked) > 5 else ""
                )
            out.add(
                tp.path, t.line, 1, "anchor-stale", msg, hint if expected else "update the section from the English"
            )
            continue
        other = index.get(t.written) if t.explicit else None
        if other is not None and other != j:
            out.add(
                tp.path,
                t.line,
                1,
                "id-shifted",
                f"heading carries #{t.written} of the English heading '{source.headings[other].plain}', "
                f"but by position and content it translates '{e.plain}'" + (f" (#{expected})" if expected else ""),
                hint,
            )
            continue
        m = _SUFFIX.match(t.written) if t.explicit else None
        if m and m.group(1) in (e.written, e.served) and t.written not in current:
            out.add(
                tp.path,
                t.line,
                1,
                "id-shifted",
                f"heading carries #{t.written}: a spurious duplicate suffix"
                + (f"; the English id is #{expected}" if expected else ""),
                hint,
            )
            continue
        if expected is None:
            continue  # the English section is gone and the translation never carried its id: nothing links here
        out.add(
            tp.path,
            t.line,
            1,
            "anchor-differs",
            f"heading is served as #{t.served}, its English heading as #{expected}",
            hint,
        )


def _id_hint(site: Site, expected: str | None) -> str:
    if expected is None:
        return ""
    if site.opts.smartypants and smarten(expected) != expected:
        return (
            f"smartypants turns '--' into '—' even inside {{#id}}, so #{expected} cannot be written that way: "
            f'put <span id="{expected}"></span> into the heading'
        )
    return f"give it {{#{expected}}}"


def _compare_page_links(site: Site, f: PageFacts, source: PageFacts, out: Collector) -> None:
    """Internal link targets of a whole translated page against the English it was translated from."""
    norm_src = Counter(
        site.urls.normalize(link.href) for link in source.links if _internal(site, link.href, source.name)
    )
    seen: Counter[str] = Counter()
    for link in f.links:
        if not _internal(site, link.href, f.name):
            continue
        norm = site.urls.normalize(link.href)
        seen[norm] += 1
        if seen[norm] > norm_src.get(norm, 0):
            out.add(
                f.path,
                link.line,
                link.col,
                "link-target",
                f"links to {norm}, which the English it was translated from does not",
                "copy the link target from the English page",
            )
    missing = norm_src - Counter(
        site.urls.normalize(link.href) for link in f.links if _internal(site, link.href, f.name)
    )
    if not missing:
        return
    # Point at the translated section that corresponds to the English section holding the link.
    pairs = {j: i for i, j in pair_translated(f.headings, source.headings)}
    sections: dict[int, list[str]] = {}
    for link in source.links:
        norm = site.urls.normalize(link.href)
        if missing.get(norm, 0) <= 0 or not _internal(site, link.href, source.name):
            continue
        missing[norm] -= 1
        section = max((k for k, h in enumerate(source.headings) if h.line <= link.line), default=-1)
        while section >= 0 and section not in pairs:
            section -= 1
        line = f.headings[pairs[section]].line if section >= 0 else 1
        sections.setdefault(line, []).append(norm)
    for line, targets in sorted(sections.items()):
        out.add(
            f.path,
            line,
            0,
            "link-count",
            f"{len(targets)} link(s) of the English section are missing here: {', '.join(sorted(targets))}",
            "keep every link of the English page",
        )


def _internal(site: Site, href: str, page: str) -> bool:
    return site.urls.resolve(href, page, None) is not None


# --------------------------------------------------------------------------- pure: whole-site check


def check_po_site(
    site: Site,
    catalogs: Sequence[LocaleCatalog],
    options: Options,
    out: Collector,
    history: Callable[[str], Sequence[str]] | None = None,
) -> None:
    """English pages, then every PO file: links, anchors, staleness, and per-entry translation checks."""
    localize_anchors(site, catalogs, options, out)
    fuzzy = po_renames(site, catalogs)
    for key, (rename, _entries) in fuzzy.items():
        site.renames.setdefault(key, rename)
    english_broken: set[tuple[str, str]] = set()
    for name, facts in sorted(site.english.items()):
        for link in facts.links:
            target = site.urls.resolve(link.href, name, None)
            if target is None:
                continue
            if site.problem(target) is not None:
                english_broken.add((name, site.urls.normalize(link.href)))
                if target.page is not None and history is not None:
                    _learn_history(site, target.page, history)
        check_links(site, facts, None, out)
    learn = (lambda page: _learn_history(site, page, history)) if history is not None else None
    for lc in catalogs:
        if lc.page in site.docs:
            check_catalog(site, lc, out, english_broken, learn)
    for (page, old), (rename, entries) in sorted(fuzzy.items(), key=lambda kv: kv[0]):
        linked = _links_at(site, catalogs, page, old)
        if not linked:
            continue
        for lc, msg in entries:
            out.add(
                lc.path,
                msg.msgstr_lineno or msg.lineno,
                0,
                "anchor-stale",
                f"English renamed this heading: #{old} is now #{rename.new}; "
                f"{len(linked)} link(s) still point at #{old}: "
                + ", ".join(linked[:5])
                + (" …" if len(linked) > 5 else ""),
                "'pipeline check --fix' rewrites the links in PO files; fix English pages upstream",
                ignored_codes(msg),
            )


def _learn_history(site: Site, page: str, history: Callable[[str], Sequence[str]]) -> None:
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


def _links_at(site: Site, catalogs: Sequence[LocaleCatalog], page: str, anchor: str) -> list[str]:
    """Places on the site (English pages, msgstrs) that link to ``page#anchor``."""
    found: list[str] = []
    for name, facts in sorted(site.english.items()):
        for link in facts.links:
            t = site.urls.resolve(link.href, name, None)
            if t is not None and t.page == page and t.fragment == anchor:
                found.append(f"{facts.path}:{link.line}")
    for lc in catalogs:
        refs = site.docs[lc.page].references if lc.page in site.docs else {}
        for msg in lc.catalog.messages:
            if msg.obsolete or not msg.msgstr:
                continue
            for href in features(msg.msgstr, refs).links:
                t = site.urls.resolve(href, lc.page, lc.locale)
                if t is not None and t.page == page and t.fragment == anchor:
                    found.append(f"{lc.path}:{msg.msgstr_lineno or msg.lineno}")
    return found


# --------------------------------------------------------------------------- pure: --fix


@dataclass(frozen=True, slots=True)
class FixPlan:
    """PO files whose msgstr links ``check --fix`` rewrites, and English links it can only list."""

    catalogs: tuple[tuple[Path, Catalog], ...]
    rewrites: tuple[str, ...]
    """One line per rewritten link: ``path:line: #old -> #new``."""
    listed: tuple[str, ...]
    """Links in English pages that point at a renamed id (fixed upstream, not here)."""


def rewrite_links(
    site: Site,
    msgstr: str,
    page: str,
    locale: str,
    references: Mapping[str, Any],
    learn: Callable[[str], None] | None = None,
) -> tuple[str, list[tuple[str, str]]]:
    """``msgstr`` with links to renamed ids pointing at the new ids; (old, new) per rewrite."""
    done: list[tuple[str, str]] = []
    out = msgstr
    for href in dict.fromkeys(features(msgstr, references).links):
        t = site.urls.resolve(href, page, locale)
        if t is None or t.page is None or not t.fragment:
            continue
        if learn is not None and t.fragment not in site.anchors(t.page, t.locale):
            learn(t.page)
        rename = site.renames.get((t.page, t.fragment))
        if rename is None or rename.new is None or t.fragment in site.anchors(t.page, t.locale):
            continue
        hash_at = href.rfind("#")
        new_href = href[: hash_at + 1] + rename.new
        replaced = re.sub(r"(?<=\]\()" + re.escape(href) + r"(?=[)\s])", new_href, out)
        replaced = re.sub(r"(?<=href=[\"'])" + re.escape(href) + r"(?=[\"'])", new_href, replaced)
        if replaced != out:
            out = replaced
            done.append((href, new_href))
    return out, done


def plan_fix(
    site: Site,
    catalogs: Sequence[LocaleCatalog],
    files: Mapping[str, Path],
    history: Callable[[str], Sequence[str]] | None = None,
) -> FixPlan:
    """Rewrites of msgstr links that point at renamed heading ids (fuzzy entries included)."""
    changed: list[tuple[Path, Catalog]] = []
    rewrites: list[str] = []
    learn = (lambda page: _learn_history(site, page, history)) if history is not None else None
    for lc in catalogs:
        refs = site.docs[lc.page].references if lc.page in site.docs else {}
        messages: list[Message] = []
        touched = False
        for msg in lc.catalog.messages:
            if msg.obsolete or not msg.msgstr or msg.msgid_plural is not None:
                messages.append(msg)
                continue
            new, done = rewrite_links(site, msg.msgstr, lc.page, lc.locale, refs, learn)
            if done:
                touched = True
                messages.append(replace(msg, msgstr=new))
                for old, target in done:
                    rewrites.append(f"{lc.path}:{msg.msgstr_lineno or msg.lineno}: {old} -> {target}")
            else:
                messages.append(msg)
        if touched:
            changed.append((files[lc.path], replace(lc.catalog, messages=tuple(messages))))
    listed: list[str] = []
    for name, facts in sorted(site.english.items()):
        for link in facts.links:
            t = site.urls.resolve(link.href, name, None)
            if t is None or t.page is None or not t.fragment:
                continue
            rename = site.renames.get((t.page, t.fragment))
            if rename is not None and rename.new is not None and t.fragment not in site.anchors(t.page, None):
                listed.append(
                    f"{facts.path}:{link.line}:{link.col}: {link.href} -> #{rename.new} (fix it in the English)"
                )
    return FixPlan(tuple(changed), tuple(rewrites), tuple(listed))


# --------------------------------------------------------------------------- I/O edge


@dataclass(frozen=True, slots=True)
class Lint:
    """Lint-mode inputs from the command line."""

    translated: Path
    locale: str
    source_dir: Path | None = None
    shown: str = ""
    """``translated`` as the user wrote it, to build finding paths."""
    shown_source: str = ""


def _catalogs(cfg: Config, names: Iterable[str], locales: Iterable[str]) -> tuple[list[LocaleCatalog], dict[str, Path]]:
    found: list[LocaleCatalog] = []
    files: dict[str, Path] = {}
    for locale in locales:
        for name in sorted(names):
            path = cfg.locale_dir(locale) / f"{name}.po"
            if not path.is_file():
                continue
            shown = display_path(cfg.root, path)
            found.append(LocaleCatalog(locale, name, shown, Workspace.of(cfg).catalog(path, shown)))
            files[shown] = path
    return found, files


def git_history(cfg: Config, limit: int = 10) -> Callable[[str], Sequence[str]]:
    """Older committed versions of an English page (newest first), or nothing outside a git work tree."""

    def versions(name: str) -> Sequence[str]:
        return project_git.versions(cfg.root, f"{cfg.source}/{name}.md", limit)

    return versions


def translated_date(file: Path) -> str:
    """When a translated page was last written: its last commit date if it is in git, else its mtime."""
    return project_git.last_commit_date(file) or datetime.fromtimestamp(file.stat().st_mtime, UTC).isoformat()


def english_at(cfg: Config, name: str, date: str) -> tuple[str, str] | None:
    """(commit, text) of the English page as committed on or before ``date``, from the project's git history."""
    found = project_git.version_at(cfg.root, f"{cfg.source}/{name}.md", date)
    return (found.commit, found.text) if found is not None else None


def load_po_site(cfg: Config) -> tuple[Site, list[LocaleCatalog], dict[str, Path]]:
    """Read the English pages and every PO file; the site model they make."""
    opts = cfg.site
    docs = project.load_documents(cfg)
    locales = cfg.target_locales()
    site = build_site(opts, docs, locales)
    catalogs, files = _catalogs(cfg, site.english, locales)
    return site, catalogs, files


def findings(
    cfg: Config, lint: Lint | None = None, history: Callable[[str], Sequence[str]] | None = None
) -> list[Finding]:
    """All findings of ``pipeline check``: PO mode, or lint mode when ``lint`` is given. Sorted."""
    levels = cfg.check.levels
    out = Collector(levels)
    if lint is None:
        site, catalogs, _files = load_po_site(cfg)
        check_po_site(site, catalogs, project.options(cfg), out, history if history is not None else git_history(cfg))
        return out.sorted()
    opts = cfg.site
    docs = project.load_documents(cfg)
    site = build_site(opts, docs, (*cfg.target_locales(), lint.locale))
    pages = _read_translated(cfg, lint.translated, lint.shown or str(lint.translated), project.options(cfg))
    old: dict[str, PageFacts] = {}
    if lint.source_dir is not None:
        for tp in _read_translated(
            cfg, lint.source_dir, lint.shown_source or str(lint.source_dir), project.options(cfg)
        ):
            if tp.doc.page.name in site.english:
                old[tp.doc.page.name] = page_facts(tp.doc, opts.smartypants, tp.path)
    else:
        # The English each page was translated from: the source page's last commit before the translation.
        for tp in pages:
            name = tp.doc.page.name
            if name not in site.english:
                continue
            found = english_at(cfg, name, translated_date(lint.translated / f"{name}.md"))
            if found is not None:
                commit, text = found
                path = f"{cfg.source}/{name}.md@{commit[:10]}"
                try:
                    old[name] = page_facts(segment_page(Page(name, path, text), project.options(cfg)), opts.smartypants)
                except InputError:
                    continue
    check_translated(site, lint.locale, pages, old, out)
    return out.sorted()


def _read_translated(cfg: Config, folder: Path, shown: str, options: Options) -> list[TranslatedPage]:
    if not folder.is_dir():
        raise InputError("folder does not exist", shown, hint="pass the folder of translated pages")
    pages: list[TranslatedPage] = []
    for file in sorted(folder.rglob("*.md")):
        rel = file.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        name = rel.with_suffix("").as_posix()
        path = f"{shown.rstrip('/')}/{rel.as_posix()}"
        page = read_page(folder, file, name)
        page = Page(name, path, page.text, page.bom)
        first, last = late_front_matter(page.text)
        pages.append(TranslatedPage(segment_page(page, options), path, first, last))
    return pages


def fix(cfg: Config) -> FixPlan:
    """Compute ``check --fix``: msgstr link rewrites (not written here)."""
    site, catalogs, files = load_po_site(cfg)
    history = git_history(cfg)
    check_po_site(site, catalogs, project.options(cfg), Collector({}), history)
    return plan_fix(site, catalogs, files, history)


def apply_fix(plan: FixPlan) -> list[Path]:
    """Write the rewritten PO files (each atomically, through the one PO writer)."""
    written: list[Path] = []
    for path, catalog in plan.catalogs:
        if po.write_po(path, catalog):
            written.append(path)
    return written
