"""Translated page = English page with each translated segment's spans replaced (splice).

Bytes outside the segments' spans are copied from the English page unchanged; a segment
whose translation is missing, fuzzy or equal to the English keeps its English bytes.
A translation is written back line by line into the English line layout (prefixes such
as ``> `` or list indentation are the glue between spans and are reused), then the
result is read back with the same segmenter: a translation that would change the page's
structure (a paragraph turned into a list, a broken table, invalid YAML, a lost heading
id) is refused and the English falls back, with the reason recorded.
"""

from __future__ import annotations

import bisect
import html
import json
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import yaml

from pipeline.model import LINK, Built, Catalog, Kind, Page, Render, Segment, Span
from pipeline.segment.slug import Slugger
from pipeline.segment.walker import DEFAULT_OPTIONS, MD, Document, Options, has_text, segment_page
from pipeline.stages.mdx_rules import structure_reason
from pipeline.stages.safety import placeholders, unsafe_reason
from pipeline.translate.mark import unreviewed

Key = tuple[str | None, str]

_SENTENCE_END = re.compile(r"[.!?…:][\"'’”»)\]*_]*$")
_CUT_AFTER = _SENTENCE_END
_CUT_BEFORE = re.compile(r"[^\W\d_]|[\"'“‘«(\[*_`<]|\d")
# A line starting like this would open a block construct inside a paragraph.
_BLOCK_START = re.compile(
    r"(?:#{1,6}(?:[ \t]|$)|>|[-+*](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|=+[ \t]*$|-+[ \t]*$"
    r"|[-:|][-:|\s]*$|\||```|~~~|<|\{[#:/@]|[*_](?:[ \t]*[*_]){2,}[ \t]*$)"
)
_MDX_LINE_START = re.compile(r"(?:\{|:{2,}|(?:import|export)[ \t{*])")
"""In MDX a line starting like this would open an expression, a directive or ESM."""
# A space a line may break at, protection aside: more text follows the run of spaces it is in,
# and that text does not start block syntax (nor, in MDX, a JSX tag or directive). Each pattern
# is only tried after a character it can start with (most words start with a letter).
_BREAK = re.compile(rf" (?= *+[^ ])(?! *+(?=[-#>+*\d=:|`~<{{_]){_BLOCK_START.pattern})")
_MDX_BREAK = re.compile(
    rf" (?= *+[^ ])(?! *+(?=[-#>+*\d=:|`~<{{_]){_BLOCK_START.pattern})(?! *+(?=[{{:ie]){_MDX_LINE_START.pattern})"
)
_FIRST_ESCAPE = re.compile(r"(#{1,6}(?:[ \t]|$)|>|[-+*](?:[ \t]|$)|=+[ \t]*$|```|~~~)")
_ORDERED = re.compile(r"(\d{1,9})([.)])(?=[ \t]|$)")
_TRAILING_ID = re.compile(r"[ \t]*\{#[^\s{}]*\}[ \t]*$")
_PROTECTED = re.compile(r"(`+)(?:.*?[^`])?\1(?!`)|\]\([^)]*\)|<[^<>]*>|\{[^{}]*\}")
_PROTECTED_START = re.compile(r"[`\]<{]")
"""A text without these characters has nothing ``_PROTECTED`` (most translations)."""
_PROTECTED_SCAN = re.compile(rf"(?={_PROTECTED_START.pattern})(?:{_PROTECTED.pattern})")
"""``_PROTECTED``, tried only where it can start: the same matches, found faster."""
_LIST_MARKER = re.compile(r"(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)")


def translations(catalog: Catalog | None, machine: bool = False) -> dict[Key, str]:
    """Usable translations of a catalog: translated, not fuzzy, not obsolete.

    ``machine`` (``[translate] publish = true``): machine translations of the current English
    that nobody has reviewed yet are used too.
    """
    if catalog is None:
        return {}
    return {
        m.key: m.msgstr
        for m in catalog.messages
        if (m.translated or (machine and unreviewed(m))) and m.msgid_plural is None
    }


@dataclass(frozen=True, slots=True)
class _Edit:
    segment: Segment
    start: int
    end: int
    text: str
    raw: str  # the translation as it will read back (before normalising)

    @property
    def expected(self) -> str:
        """What the segment should read back as (normalised; only a read-back asks)."""
        return _normal(self.raw)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a locale's built page is served and stored: what build adapts outside the segments.

    ``Document.targets`` lists them: internal link targets of the structure get the locale's
    prefix (``[site] localize_links``), and relative MDX import paths are rebased from the English
    page's folder to the built page's, so they still reach the same file.
    """

    locale: str
    link_prefix: str = ""
    """The locale's URL prefix (``/de``) for internal links of the structure; empty: links are kept."""
    locales: tuple[str, ...] = ()
    """Every locale the site serves under a prefix: a link already under one is left alone."""
    link_patterns: tuple[tuple[str, str], ...] = ()
    """``[site.localized_links]``: (English link pattern, the locale's pattern) with ``*``,
    ``{locale}`` and ``{lang}``; the first that matches a structure link rewrites it."""
    english_file: str = ""
    """The English page, relative to the project root (``source/guides/a.mdx``)."""
    built_file: str = ""
    """The built page, relative to the project root (``build/de/guides/a.mdx``)."""
    source_root: str = ""
    """The English pages' folder: an import of another page there stays as it is (its build lies beside)."""
    extensions: tuple[str, ...] = ()
    """Page file extensions."""


def build_page(
    doc: Document, table: Mapping[Key, str], options: Options = DEFAULT_OPTIONS, place: Placement | None = None
) -> Built:
    """Splice the translations in ``table`` into the English page of ``doc``; with ``place``, also
    adapt the structure's link targets and import paths to that locale's page."""
    built, active = _splice(doc, table, options)
    placed = _placed(doc, place) if place is not None else []
    if not placed:
        return built
    return Built(text=_assemble(doc, active, options, placed), used=built.used, fallbacks=built.fallbacks)


def _splice(doc: Document, table: Mapping[Key, str], options: Options) -> tuple[Built, Mapping[int, _Edit]]:
    """The translated page and the edits it was assembled from."""
    text = doc.page.text
    fallbacks: list[tuple[Segment, str]] = []
    edits: dict[int, _Edit] = {}
    mdx = options.mdx
    for index, seg in enumerate(doc.segments):
        t = table.get((seg.msgctxt, seg.msgid))
        if t is None or t == seg.msgid:
            continue
        if seg.render is Render.CODE:  # code is literal: no markup, HTML or placeholders to keep
            edit = _render_code(doc, seg, t)
            if edit is None:
                fallbacks.append(
                    (seg, f"keep the code block's fences: {seg.style}… first, {seg.style} last, none between")
                )
            else:
                edits[index] = edit
            continue
        if not has_text(t):
            fallbacks.append((seg, "the translation has no text"))
            continue
        reason = unsafe_reason(seg.msgid, t, seg.kind)
        if reason is not None:
            fallbacks.append((seg, f"unsafe: {reason}"))
            continue
        if seg.kind is not Kind.FRONT_MATTER and placeholders(t) != _english_placeholders(seg.msgid):
            fallbacks.append((seg, "its {placeholders} differ from the English ones"))
            continue
        if seg.render is Render.HTML_TEXT and seg.style and _JS_UNSAFE[seg.style].search(t):
            fallbacks.append((seg, f"it would end the JavaScript string around it (a {seg.style} or \\)"))
            continue
        if mdx and seg.render not in (Render.YAML, Render.YAML_KEY, Render.ATTR, Render.JS_STRING):
            reason = structure_reason(seg.msgid, t)
            if reason is not None:
                fallbacks.append((seg, reason))
                continue
        edit = _render(doc, seg, t)
        if edit is None:
            fallbacks.append((seg, "cannot be written in this construct"))
            continue
        edits[index] = edit
    if not edits:
        return Built(text=text, used=0, fallbacks=tuple(fallbacks)), {}
    active = dict(edits)
    out = _assemble(doc, active, options)
    if all(_plain_swap(text, edit) for edit in active.values()):
        return Built(text=out, used=len(active), fallbacks=tuple(fallbacks)), active
    if _reads_back(doc, active, out, options):  # the common case: one read-back of the page
        return Built(text=out, used=len(active), fallbacks=tuple(fallbacks)), active
    _check_blocks(doc, active, options, fallbacks)
    # Read back the whole page again (it normally passes now); drop the smallest failing
    # prefix's last edit until the page reads back right.
    for _ in range(len(active) + 1):
        out = _assemble(doc, active, options)
        if _reads_back(doc, active, out, options):
            return Built(text=out, used=len(active), fallbacks=tuple(fallbacks)), active
        culprit = _first_culprit(doc, active, options)
        fallbacks.append((active[culprit].segment, _structure_change(doc, active[culprit], options)))
        del active[culprit]
    return Built(text=text, used=0, fallbacks=tuple(fallbacks)), {}  # pragma: no cover - loop always returns


_english_placeholders = lru_cache(maxsize=4096)(placeholders)
"""``placeholders`` of a msgid, cached: every locale's build asks for the same English."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\x85]")
_SKELETON = re.compile(r"[*_\[\]()<>{}|#!`~&\\\n]")
"""Characters that can make or unmake markdown structure inside a segment's text."""
_NO_READ_BACK = frozenset(
    {
        Render.INLINE,
        Render.ATX,
        Render.SETEXT,
        Render.CELL,
        Render.HTML_TEXT,
        Render.IMAGE_ALT,
        Render.ATTR,
        Render.LABEL,
        Render.JS_STRING,
    }
)


def _plain_swap(text: str, edit: _Edit) -> bool:
    """True when an edit only swaps words: the same structural characters in the same order.

    Such a translation cannot change the page's structure: line starts are escaped or never
    broken at, so reading the page back would only confirm it. Anything else (a bracket or
    tag more or less, YAML block scalars, attributes) is read back.
    """
    seg = edit.segment
    if _CONTROL.search(edit.text):
        return False
    if seg.render is Render.YAML:  # flow scalars are written valid (checked plain, or quoted)
        return seg.style in ("", "'", '"')
    if seg.render not in _NO_READ_BACK:
        return False
    if seg.render is Render.SETEXT and "|" in edit.text.rsplit("\n", 1)[-1]:
        last = seg.pieces[-1]  # a pipe moved above the underline may make a table: read it back
        if "|" not in text[last.start : last.end]:
            return False
    return _NOT_SKELETON.sub("", edit.raw) == _skeleton(seg.msgid)


_NOT_SKELETON = re.compile(r"[^*_\[\]()<>{}|#!`~&\\\n]+")
"""Everything but ``_SKELETON``'s characters: removing it leaves a text's skeleton characters in order."""


@lru_cache(maxsize=4096)
def _skeleton(msgid: str) -> str:
    """The skeleton characters of an English text in order (cached: every locale compares with it)."""
    return _NOT_SKELETON.sub("", msgid)


def _check_blocks(
    doc: Document, active: dict[int, _Edit], options: Options, fallbacks: list[tuple[Segment, str]]
) -> None:
    """Drop edits that break their own top-level block, checking each block on its own.

    Reading back one block costs its size, not the page's, so a page with many refused
    translations is built in time linear in its size (the whole-page read-back that follows
    remains the judge). A block that does not read back alone even without edits (say, an
    image whose reference is defined elsewhere) is left to the whole-page check.
    """
    starts = [b.start for b in doc.blocks]
    segments_of: dict[int, list[int]] = {}
    for i, seg in enumerate(doc.segments):
        segments_of.setdefault(bisect.bisect_right(starts, seg.pieces[0].start) - 1, []).append(i)
    groups: dict[int, list[int]] = {}
    for index in sorted(active):
        edit = active[index]
        b = bisect.bisect_right(starts, edit.start) - 1
        if b >= 0 and edit.end <= doc.blocks[b].end:
            groups.setdefault(b, []).append(index)
    for b, indices in groups.items():
        span = doc.blocks[b]
        expected = [i for i in segments_of.get(b, []) if doc.segments[i].pieces[0].start < span.end]
        if not _block_reads_back(doc, span, expected, {}, options):
            continue
        group = {i: active[i] for i in indices}
        while group and not _block_reads_back(doc, span, expected, group, options):
            keys = sorted(group)
            lo, hi = 1, len(keys)
            while lo < hi:  # smallest failing prefix
                mid = (lo + hi) // 2
                if _block_reads_back(doc, span, expected, {k: group[k] for k in keys[:mid]}, options):
                    lo = mid + 1
                else:
                    hi = mid
            culprit = keys[lo - 1]
            fallbacks.append((group[culprit].segment, _structure_change(doc, group[culprit], options)))
            del group[culprit], active[culprit]


def _block_reads_back(
    doc: Document, span: Span, expected: list[int], edits: Mapping[int, _Edit], options: Options
) -> bool:
    """True when one block, with ``edits`` spliced in and read on its own, segments as expected."""
    text = doc.page.text
    out: list[str] = []
    pos = span.start
    for index in sorted(edits, key=lambda i: edits[i].start):
        out.append(text[pos : edits[index].start])
        out.append(edits[index].text)
        pos = edits[index].end
    out.append(text[pos : span.end])
    body = "".join(out)
    if span.start > 0:
        body = doc.newline + body  # a body block never reads as front matter
    try:
        again = segment_page(Page(doc.page.name, doc.page.path, body, doc.page.bom), options, inline=False).segments
    except Exception:
        return False
    if len(again) != len(expected):
        return False
    for index, new in zip(expected, again, strict=True):
        old = doc.segments[index]
        edit = edits.get(index)
        if old.kind is not new.kind or not _reads_as(old, new, edit):
            return False
    return True


def _reads_as(old: Segment, new: Segment, edit: _Edit | None) -> bool:
    """True when a segment of the built page reads as its English one with its edit applied.

    A key the English page lacks (``Render.YAML_KEY``) and no translation added reads as the
    value it defaults to, translated or not."""
    if edit is None and old.render is Render.YAML_KEY:
        return new.render is Render.YAML_KEY
    return _normal(new.msgid) == (edit.expected if edit else _normal(old.msgid))


def _structure_change(doc: Document, edit: _Edit, options: Options) -> str:
    """Why an edit is refused: in MDX, the first structure line it changes, when it changes one."""
    if not options.mdx:
        return "would change the page structure"
    text = doc.page.text
    out = text[: edit.start] + edit.text + text[edit.end :]
    try:
        again = segment_page(Page(doc.page.name, doc.page.path, out, doc.page.bom), options, inline=False)
    except Exception:  # any reading error: the generic reason
        return "would change the page structure"
    for old, new in zip(doc.structure, again.structure, strict=False):
        if old != new:
            return f"would change the MDX structure ({old.split(' ', 1)[-1][:40]!r} would read as {new[:40]!r})"
    if len(again.structure) != len(doc.structure):
        lines = f"{len(doc.structure)} JSX/ESM/directive lines would be {len(again.structure)}"
        return f"would change the MDX structure ({lines})"
    return "would change the page structure"


def _first_culprit(doc: Document, active: dict[int, _Edit], options: Options) -> int:
    keys = sorted(active)
    lo, hi = 1, len(keys)
    while lo < hi:  # smallest prefix that fails
        mid = (lo + hi) // 2
        subset = {k: active[k] for k in keys[:mid]}
        if _reads_back(doc, subset, _assemble(doc, subset, options), options):
            lo = mid + 1
        else:
            hi = mid
    return keys[lo - 1]


# --------------------------------------------------------------------------- per-page memo


class _Page:
    """What build derives from a page's English alone, worked out once for all its locales.

    Everything here is a function of the ``Document`` it holds (which is immutable), so it
    is valid for every locale's build of that page; entries are filled on first use.
    """

    __slots__ = ("doc", "heading_segments", "layouts")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.layouts: dict[int, tuple[Segment, _Layout]] = {}
        """id of a segment of ``doc`` -> (that segment, its layout); the segment is held so the id stays its."""
        self.heading_segments = {seg.line: i for i, seg in enumerate(doc.segments) if seg.anchor is not None}
        """Line -> index of the heading segment there."""

    def layout(self, seg: Segment) -> _Layout:
        hit = self.layouts.get(id(seg))
        if hit is not None and hit[0] is seg:
            return hit[1]
        lay = _layout(self.doc, seg)
        self.layouts[id(seg)] = (seg, lay)
        return lay


_PAGES_KEPT = 4
_pages: dict[int, _Page] = {}
"""id of a Document -> its memo, for the last few pages built (sync builds a page's locales in a
row). A memo holds its Document, so an id here cannot be reused by another one while it is kept."""


def _page(doc: Document) -> _Page:
    memo = _pages.get(id(doc))
    if memo is None or memo.doc is not doc:
        while len(_pages) >= _PAGES_KEPT:
            del _pages[next(iter(_pages))]  # the oldest
        memo = _pages[id(doc)] = _Page(doc)
    return memo


# --------------------------------------------------------------------------- assembly


def _assemble(
    doc: Document, active: Mapping[int, _Edit], options: Options, extra: Sequence[tuple[int, int, str]] = ()
) -> str:
    text = doc.page.text
    spans: list[tuple[int, int, str]] = [(e.start, e.end, e.text) for e in active.values()]
    spans.extend(_anchor_edits(doc, active, options))
    spans.extend(extra)
    spans.sort(key=lambda s: (s[0], s[1]))
    out: list[str] = []
    pos = 0
    for start, end, new in spans:
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _anchor_edits(doc: Document, active: Mapping[int, _Edit], options: Options) -> list[tuple[int, int, str]]:
    """Append ``{#english-id}`` where a heading would otherwise be served under another id.

    Replays the site's slugger over the translated headings in page order: headings with an
    explicit id are skipped by it, so adding an id to one heading can shift the numbering of
    later duplicates, which is why this runs over the whole page at once. Where the site's
    typography (smartypants) would turn the ``--`` of an id into a dash, even inside
    ``{#…}``, the heading gets an anchor ``<a id="…"></a>`` instead, which it leaves alone.
    """
    if options.mdx:
        return []  # MDX serves each locale's headings under ids of their own text: no {#id}
    by_line = _page(doc).heading_segments
    slugger = Slugger()
    inserts: list[tuple[int, int, str]] = []
    for heading in doc.headings:
        if heading.explicit:
            continue
        index = by_line.get(heading.line)
        edit = active.get(index) if index is not None else None
        plain = _plain(edit.raw) if edit else heading.plain
        if heading.inline_anchor or index is None or slugger.peek(plain) == heading.anchor:
            slugger.slug(plain)
            continue
        end = edit.end if edit else doc.segments[index].pieces[-1].end
        if options.smartypants and "--" in heading.anchor:
            slugger.slug(plain)  # the heading keeps a slug of its own beside the anchor
            inserts.append((end, end, f' <a id="{heading.anchor}"></a>'))
        else:
            inserts.append((end, end, f" {{#{heading.anchor}}}"))
    return inserts


_NO_INLINE_MARKUP = re.compile(r"[^\n\r!&*<\[\\\]_`~\x00]*")
"""Text in which no inline rule of ``MD`` can start (nor normalising change a character).

``MD`` (no linkify, no typographer) starts an inline rule only at a line break, a backslash, a
backtick or one of ``~ * _ [ ! < &``; ``]`` is left out to be safe. Other punctuation is text."""


def _plain(markdown: str) -> str:
    if _NO_INLINE_MARKUP.fullmatch(markdown):
        return markdown  # what parseInline would give back: one text token (most headings)
    tokens = MD.parseInline(markdown)
    out: list[str] = []
    for tok in tokens:
        for c in tok.children or []:
            if c.type in ("text", "code_inline"):
                out.append(c.content)
            elif c.type in ("softbreak", "hardbreak"):
                out.append("\n")
    return "".join(out)


_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _normal(text: str) -> str:
    text = " ".join(text.split())
    if "\\" in text:
        text = _BACKSLASH_ESCAPE.sub(r"\1", text)
    return html.unescape(text) if "&" in text else text


def _reads_back(doc: Document, active: Mapping[int, _Edit], out: str, options: Options) -> bool:
    """True when the built page segments like the English one, with the translations in place."""
    try:
        again = segment_page(Page(doc.page.name, doc.page.path, out, doc.page.bom), options, inline=False)
    except Exception:
        return False
    if len(again.segments) != len(doc.segments):
        return False
    for index, (old, new) in enumerate(zip(doc.segments, again.segments, strict=True)):
        if old.kind is not new.kind or not _reads_as(old, new, active.get(index)):
            return False
    if options.mdx:
        return again.structure == doc.structure and len(again.headings) == len(doc.headings)
    return [h.anchor for h in again.headings] == [h.anchor for h in doc.headings]


# --------------------------------------------------------------------------- placement

_URL_SAFE = re.compile(r"[^\s\"'`\\{}<>]+")
"""What a rewritten target may hold: it replaces a quoted value or a plain YAML scalar in place."""


def _placed(doc: Document, place: Placement) -> list[tuple[int, int, str]]:
    """Replacements of ``doc.targets`` for ``place``: localized links, rebased import paths."""
    text = doc.page.text
    out: list[tuple[int, int, str]] = []
    for target in doc.targets:
        value = text[target.span.start : target.span.end]
        new = localized_link(value, place) if target.kind == LINK else rebased_import(value, place)
        if new is not None and new != value and _URL_SAFE.fullmatch(new):
            out.append((target.span.start, target.span.end, new))
    return out


def localized_link(href: str, place: Placement) -> str | None:
    """``/guides/a/#x`` -> ``/de/guides/a/#x``: an internal link of the structure under the
    locale's prefix, or an external one by the first matching ``link_patterns``; None for other
    external, relative, already localized or asset links."""
    for english, localized in place.link_patterns:
        m = re.fullmatch("(.*?)".join(re.escape(part) for part in english.split("*")), href)
        if m is not None:
            lang = re.split(r"[_-]", place.locale, maxsplit=1)[0]
            parts = localized.replace("{locale}", place.locale).replace("{lang}", lang).split("*")
            return "".join(p + (m.group(i + 1) if i < len(parts) - 1 else "") for i, p in enumerate(parts))
    if not place.link_prefix or not href.startswith("/") or href.startswith("//"):
        return None
    path = re.split(r"[?#]", href, maxsplit=1)[0]
    parts = path.strip("/").split("/")
    if parts[0] in place.locales or parts[0] == place.locale:
        return None
    last = parts[-1]
    if "." in last and not last.endswith((".md", ".mdx", ".html", ".htm")):
        return None  # a static file (/favicon.svg) is served once, not per locale
    return place.link_prefix.rstrip("/") + href


def rebased_import(spec: str, place: Placement) -> str | None:
    """A relative import path of the English page, as the built page reaches the same file;
    None when it needs no change (not relative, or another page, built beside this one)."""
    if not place.english_file or not place.built_file or not spec.startswith(("./", "../")):
        return None
    cut = min((i for i in (spec.find("?"), spec.find("#")) if i >= 0), default=len(spec))
    path, rest = spec[:cut], spec[cut:]
    target = posixpath.normpath(posixpath.join(posixpath.dirname(place.english_file), path))
    root = place.source_root.rstrip("/") + "/"
    if target.startswith(root) and target.endswith(place.extensions or (".md", ".mdx")):
        return None
    new = posixpath.relpath(target, posixpath.dirname(place.built_file) or ".")
    return (new if new.startswith("../") else "./" + new) + rest


# --------------------------------------------------------------------------- rendering


def _render(doc: Document, seg: Segment, translation: str) -> _Edit | None:
    t = _clean(translation)
    if not t:
        return None
    render = _RENDERERS[seg.render]
    return render(doc, seg, t)


def _clean(text: str) -> str:
    """Trim, unify line endings, collapse blank lines (a blank line would end the block)."""
    if "\n" not in text and "\r" not in text:
        return text.strip()  # one line (most translations): the same as the general case
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln.strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def _edit(seg: Segment, new: str, expected: str) -> _Edit:
    return _Edit(seg, seg.pieces[0].start, seg.pieces[-1].end, new, expected)


def _render_inline(doc: Document, seg: Segment, t: str) -> _Edit | None:
    lay = _page(doc).layout(seg)
    mdx = doc.dialect == "mdx"
    parts = t.split("\n")
    out: list[str] = []
    soft_i = 0
    for gi, part in enumerate(parts):
        lines = _distribute(part, lay.groups[min(gi, len(lay.groups) - 1)], mdx)
        if seg.render is Render.SETEXT and gi == len(parts) - 1 and not lay.pipe_last:
            lines = _no_pipe_above_underline(lines)
        if seg.render in (Render.INLINE, Render.SETEXT):
            lines[0] = _escape_block_start(lines[0])
        if gi > 0:
            out.append(lay.hard_glues[gi - 1] if gi - 1 < len(lay.hard_glues) else lay.hard_default)
        for li, line in enumerate(lines):
            if li > 0:
                out.append(lay.soft_glues[soft_i] if soft_i < len(lay.soft_glues) else lay.soft_default)
                soft_i += 1
            out.append(line)
    return _edit(seg, "".join(out), t)


@dataclass(frozen=True, slots=True)
class _Layout:
    """The English line layout of an inline segment: what its translations are written into."""

    groups: tuple[tuple[str, ...], ...]
    """The English lines, grouped between hard breaks."""
    soft_glues: tuple[str, ...]
    hard_glues: tuple[str, ...]
    soft_default: str
    """Glue for a soft break the English lacks (a continuation line)."""
    hard_default: str
    pipe_last: bool
    """The English's last line has a ``|``."""


def _layout(doc: Document, seg: Segment) -> _Layout:
    text = doc.page.text
    glue = [text[a.end : b.start] for a, b in pairwise(seg.pieces)]
    english = [text[p.start : p.end] for p in seg.pieces]
    groups: list[list[str]] = [[english[0]]]
    for line, brk in zip(english[1:], seg.hard_breaks, strict=False):
        if brk:
            groups.append([line])
        else:
            groups[-1].append(line)
    soft_glues = tuple(g for g, brk in zip(glue, seg.hard_breaks, strict=False) if not brk)
    hard_glues = tuple(g for g, brk in zip(glue, seg.hard_breaks, strict=False) if brk)
    cont = _continuation(doc, seg)
    return _Layout(
        groups=tuple(tuple(g) for g in groups),
        soft_glues=soft_glues,
        hard_glues=hard_glues,
        soft_default=soft_glues[-1] if soft_glues else doc.newline + cont,
        hard_default=hard_glues[-1] if hard_glues else "\\" + doc.newline + cont,
        pipe_last="|" in english[-1],
    )


def _no_pipe_above_underline(lines: list[str]) -> list[str]:
    """Lay out a setext heading so that the line above its underline has no ``|``.

    A ``|`` (even escaped) on that line makes GFM read the line and the underline as a table
    header and delimiter row. The last line is cut after the last ``|`` where a break is allowed;
    where none is, the whole-page read-back refuses the translation.
    """
    if "|" not in lines[-1]:
        return lines
    text = " ".join(lines)
    after = [i for i in _break_points(text) if i > text.rindex("|")]
    if not after:
        return [text]
    return [text[: after[-1]].rstrip(" "), text[after[-1] + 1 :].strip(" ")]


def _render_html_text(doc: Document, seg: Segment, t: str) -> _Edit | None:
    t = t.replace("\n", " ")
    return _render_inline(doc, seg, t)


_CLOSING_HASHES = re.compile(r"[ \t]#+$")


def _render_atx(doc: Document, seg: Segment, t: str) -> _Edit | None:
    t = _TRAILING_ID.sub("", t.replace("\n", " ")).strip()
    if not t:
        return None
    if _CLOSING_HASHES.search(t) or t == "#" * len(t):
        t = t[: len(t.rstrip("#"))] + "\\" + t[len(t.rstrip("#")) :]
    return _edit(seg, t, t)


def _render_setext(doc: Document, seg: Segment, t: str) -> _Edit | None:
    t = _TRAILING_ID.sub("", t.replace("\n", " ")).strip()
    if not t:
        return None
    return _render_inline(doc, seg, t)


def _render_cell(doc: Document, seg: Segment, t: str) -> _Edit | None:
    t = t.replace("\n", " ")
    t = re.sub(r"(?<!\\)\|", r"\\|", t)
    return _edit(seg, t, t)


def _render_attr(doc: Document, seg: Segment, t: str) -> _Edit | None:
    t = t.replace("\n", " ")
    if seg.style.startswith("{{"):  # a Hugo shortcode parameter: a Go string, not HTML
        if "{{" in t or "}}" in t or seg.style[2] in t or "\\" in t:
            return None  # written as it is, or not at all: typographic quotes („…“) are fine
        return _edit(seg, t, t)
    quote = seg.style or '"'
    escaped = t.replace(quote, "&quot;" if quote == '"' else "&#39;")
    for ch, entity in (("{", "&#123;"), ("}", "&#125;"), ("<", "&lt;"), (">", "&gt;")):
        escaped = escaped.replace(ch, entity)
    return _edit(seg, escaped, t)


def _render_alt(doc: Document, seg: Segment, t: str) -> _Edit | None:
    t = t.replace("\n", " ")
    escaped = re.sub(r"(?<!\\)([\[\]])", r"\\\1", t)
    return _edit(seg, escaped, t)


def _render_yaml(doc: Document, seg: Segment, t: str) -> _Edit | None:
    style = seg.style
    text = doc.page.text
    if style in ("|", ">"):
        piece = seg.pieces[0]
        line_start = text.rfind("\n", 0, piece.start) + 1
        indent = text[line_start : piece.start]
        if indent.strip():
            return None
        glue = doc.newline + indent
        if style == "|":
            body = glue.join(t.split("\n"))
        else:
            english = _english_lines(text, piece)
            paragraphs = [glue.join(_distribute(p, english)) for p in t.split("\n")]
            body = (doc.newline + glue).join(paragraphs)
        return _edit(seg, body, t)
    one = t.replace("\n", " ") if style != '"' else t
    if style == "'" and "\n" not in one and not _YAML_UNPRINTABLE.search(one):
        new = "'" + one.replace("'", "''") + "'"
    elif style == "" and _plain_ok(one):
        new = one
        english = _english_lines(text, seg.pieces[0])
        if len(english) > 1:
            raw = text[seg.pieces[0].start : seg.pieces[0].end]
            second = raw.splitlines()[1]
            indent = second[: len(second) - len(second.lstrip(" "))]
            new = (doc.newline + indent).join(_distribute(one, english))
    else:
        new = _yaml_double_quoted(t)
        one = t
    return _edit(seg, new, one)


# YAML's reader refuses these anywhere in a document, even inside quotes (YAML 1.1 "printable")
_YAML_UNPRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _yaml_double_quoted(value: str) -> str:
    """A double-quoted YAML scalar for any string: JSON escaping, plus ``\\uXXXX`` for what YAML
    may not carry raw."""
    quoted = json.dumps(value, ensure_ascii=False)
    return _YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted)


def _english_lines(text: str, piece: Span) -> list[str]:
    return [ln.strip() for ln in text[piece.start : piece.end].splitlines() if ln.strip()]


_SURELY_PLAIN = re.compile(
    r"[^\W\d_](?:[^\W_]|[ ,.!?'()/&%+\-]|[\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd])*"
)
"""A plain YAML scalar that reads back as this very string: a letter first (YAML types a plain
scalar by its first character: a letter can only start a boolean or null word), then letters,
digits, spaces, punctuation YAML gives no meaning inside a scalar and printable non-ASCII
characters other than line separators and the byte order mark."""
_YAML_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null"})
"""Plain scalars YAML 1.1 reads as booleans or null, lowercased (a case mix like ``yEs`` goes to the parser)."""


def _plain_ok(value: str) -> bool:
    """True when ``value`` can be written as a plain YAML scalar and read back unchanged."""
    if not value or value != value.strip() or "\n" in value:
        return False
    if ": " in value or " #" in value:  # a mapping inside, or a comment: never one plain scalar
        return False
    if _SURELY_PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return True  # what reading it back would say, without a YAML parser (most titles)
    try:
        return bool(yaml.safe_load(f"k: {value}\n") == {"k": value})
    except (yaml.YAMLError, ValueError, OverflowError):  # PyYAML's constructors raise these too ("0x_")
        return False


_JS_UNSAFE = {"`": re.compile(r"[`\\]|\$\{"), "'": re.compile(r"['\\\n]"), '"': re.compile(r'["\\\n]')}
"""What text inside a JavaScript string literal may not hold, by quote (build refuses it there)."""


def _render_js_string(doc: Document, seg: Segment, t: str) -> _Edit | None:
    """A string literal's content: backslashes and the quote escaped (and ``${`` in a template).

    In MDX a quoted literal takes the quote that needs fewer escapes, as code formatters write
    it (``"l'arbre"``, not ``'l\\'arbre'``); where both need as many and the English chose its
    quote only to avoid escapes, the quote most of the page's literals use. The edit then
    covers the quotes too. (mdsvex pages keep the English quote and escape.)
    """
    quote = seg.style or "'"
    one = t.replace("\n", " ") if quote != "`" else t
    if quote in "'\"" and doc.dialect == "mdx":
        other = "'" if quote == '"' else '"'
        mine, theirs = one.count(quote), one.count(other)
        if theirs < mine or (
            theirs == mine and seg.msgid.count(other) > seg.msgid.count(quote) and _page_quote(doc) == other
        ):
            quote = other
    escaped = one.replace("\\", "\\\\").replace(quote, "\\" + quote)
    if quote == "`":
        escaped = escaped.replace("${", "\\${")
    if quote == seg.style or not seg.style:
        return _edit(seg, escaped, one)
    start, end = seg.pieces[0].start - 1, seg.pieces[-1].end + 1
    return _Edit(seg, start, end, quote + escaped + quote, one)


def _page_quote(doc: Document) -> str:
    """The quote most quoted JavaScript strings of the page's props use (``'`` on a tie)."""
    styles = [s.style for s in doc.segments if s.render is Render.JS_STRING]
    return '"' if styles.count('"') > styles.count("'") else "'"


def _render_yaml_key(doc: Document, seg: Segment, t: str) -> _Edit | None:
    """A front-matter key the English page lacks, with the translation as its value (``style``:
    the key's lines up to its value, ``\n`` for line ends), added before the next line."""
    one = t.replace("\n", " ")
    value = one if _plain_ok(one) else _yaml_double_quoted(one)
    head = seg.style.replace("\n", doc.newline)
    return _edit(seg, head + value + doc.newline, one)


def _render_code(doc: Document, seg: Segment, t: str) -> _Edit | None:
    """A fenced code block, verbatim: each line after the English lines' container prefix.

    Only line endings are unified and a final newline dropped: indentation and blank lines
    are the code's. The first line must open a fence of the English's kind, the last close it,
    and no line between may close it (the read-back judges the rest, the info string included).
    """
    lines = t.replace("\r\n", "\n").replace("\r", "\n").removesuffix("\n").split("\n")
    char = (seg.style or "`")[0]
    first, last = lines[0], lines[-1]
    run = len(first) - len(first.lstrip(char))
    if len(lines) < 2 or run < 3 or (char == "`" and "`" in first[run:]):
        return None
    closing = re.compile(rf"[ \t]*{re.escape(char)}{{{run},}}[ \t]*$")  # at least as long as the opening
    if not closing.match(last) or last[:1] in " \t" or any(closing.match(line) for line in lines[1:-1]):
        return None
    text = doc.page.text
    pieces = seg.pieces
    glue = [text[a.end : b.start] for a, b in pairwise(pieces)]
    # a code line's glue: the English's at the same line when that line has code, else the
    # prefix most code lines have (a blank English line may lack the container's indentation)
    full = [glue[i] for i in range(len(pieces) - 2) if pieces[i + 1].end > pieces[i + 1].start]
    prefix = max(set(full), key=full.count) if full else glue[-1]
    out = [first]
    for i, line in enumerate(lines[1:-1]):
        same = i < len(pieces) - 2 and (pieces[i + 1].end > pieces[i + 1].start) == bool(line)
        g = glue[i] if same else prefix
        out.append((g.rstrip(" \t") if not line else g) + line)
    out.append(glue[-1] + last)  # the closing fence where the English has it
    return _edit(seg, "".join(out), "\n".join(lines))


def _render_toml(doc: Document, seg: Segment, t: str) -> _Edit | None:
    """A TOML string with its quotes: literal ('…') when the English was one and it fits, else basic."""
    one = t.replace("\n", " ")
    if seg.style == "'" and "'" not in one and not _CONTROL.search(one):
        return _edit(seg, f"'{one}'", one)
    return _edit(seg, json.dumps(one, ensure_ascii=False), one)


def _render_label(doc: Document, seg: Segment, t: str) -> _Edit | None:
    t = t.replace("\n", " ")
    if seg.style == "[":
        return _render_alt(doc, seg, t)
    return _edit(seg, t, t)


_RENDERERS: dict[Render, Callable[[Document, Segment, str], _Edit | None]] = {
    Render.LABEL: _render_label,
    Render.JS_STRING: _render_js_string,
    Render.TOML: _render_toml,
    Render.INLINE: _render_inline,
    Render.ATX: _render_atx,
    Render.SETEXT: _render_setext,
    Render.CELL: _render_cell,
    Render.HTML_TEXT: _render_html_text,
    Render.ATTR: _render_attr,
    Render.IMAGE_ALT: _render_alt,
    Render.YAML: _render_yaml,
    Render.YAML_KEY: _render_yaml_key,
}


# --------------------------------------------------------------------------- line layout


def _continuation(doc: Document, seg: Segment) -> str:
    """Prefix for a new continuation line: the first line's prefix with list markers blanked."""
    text = doc.page.text
    start = seg.pieces[0].start
    newline = text.rfind("\n", 0, start)
    line_start = max(newline, text.rfind("\r", newline + 1, start)) + 1  # search "\r" on this line only
    prefix = text[line_start:start]
    if seg.render is Render.HTML_TEXT:
        return re.sub(r"[^ \t>]", " ", prefix) if prefix.strip(" \t>") else prefix
    return _LIST_MARKER.sub(lambda m: " " * len(m.group(0)), prefix)


def _escape_block_start(line: str) -> str:
    m = _ORDERED.match(line)
    if m:
        return m.group(1) + "\\" + line[len(m.group(1)) :]
    if _FIRST_ESCAPE.match(line):
        return "\\" + line
    return line


def _break_points(text: str, mdx: bool = False) -> list[int]:
    """Positions of spaces where a line may break (not inside code, URLs, tags, expressions)."""
    points = [m.start() for m in (_MDX_BREAK if mdx else _BREAK).finditer(text)]
    if not points or _PROTECTED_START.search(text) is None:
        return points
    protected = [(m.start(), m.end()) for m in _PROTECTED_SCAN.finditer(text)]
    kept: list[int] = []
    j = 0
    for i in points:
        while j < len(protected) and protected[j][1] <= i:
            j += 1
        if not (j < len(protected) and protected[j][0] <= i):
            kept.append(i)
    return kept


_CLOSERS = frozenset("\"'’”»)]*_")
_ENDERS = frozenset(".!?…:")
_SENTENCE_TAIL = _CLOSERS | _ENDERS | {"\n"}
"""The character before the end of a sentence is one of these (a cheap first test)."""


def _ends_sentence(text: str, end: int) -> bool:
    """``_SENTENCE_END`` matches ``text[:end]``, without copying the prefix."""
    if end > 0 and text[end - 1] == "\n":
        return _CUT_AFTER.search(text, 0, end) is not None  # ``$`` before a final newline: the regex decides
    k = end
    while k > 0 and text[k - 1] in _CLOSERS:
        k -= 1
    return k > 0 and text[k - 1] in _ENDERS


def _distribute(text: str, english: Sequence[str], mdx: bool = False) -> list[str]:
    """Lay out a translation over lines the way its English was laid out.

    A hard-wrapped English paragraph (lines of similar width, breaking mid-sentence) is
    wrapped at the same width. Otherwise each English line break is mapped to the allowed
    break in the translation nearest to the same relative position, at a sentence end where
    the English broke at one: one sentence per line stays one sentence per line, and the
    translation keeps about as many lines as the English.
    """
    if len(english) <= 1:
        return [text]
    points = _break_points(text, mdx)
    if not points:
        return [text]
    shape = _shape(tuple(english))
    cuts = _wrap(text, points, shape.width) if shape.wrapped else _proportional(text, points, shape)
    lines: list[str] = []
    prev = 0
    for c in cuts:
        lines.append(text[prev:c].rstrip(" "))
        prev = c + 1
    lines.append(text[prev:].strip(" "))
    return [ln for ln in lines if ln] or [text]


@dataclass(frozen=True, slots=True)
class _Shape:
    """How English lines are laid out, as ``_distribute`` reads them."""

    ends: tuple[bool, ...]
    """For each line but the last: it ends a sentence."""
    width: int
    wrapped: bool
    """Hard-wrapped: lines of similar width (at least 40), not all ending a sentence."""
    fractions: tuple[float, ...]
    """For each line but the last: how far through the text (line breaks counted) it ends."""


@lru_cache(maxsize=4096)
def _shape(english: tuple[str, ...]) -> _Shape:
    """The ``_Shape`` of English lines (cached: every locale's translation is laid out over them)."""
    ends = tuple(bool(_SENTENCE_END.search(line)) for line in english[:-1])
    width = max(len(line) for line in english)
    wrapped = not all(ends) and width >= 40 and all(len(line) >= 0.6 * width for line in english[:-1])
    total = sum(len(line) for line in english) + len(english) - 1
    fractions: list[float] = []
    done = 0
    for line in english[:-1]:
        done += len(line) + 1
        fractions.append(done / total)
    return _Shape(ends, width, wrapped, tuple(fractions))


def _wrap(text: str, points: list[int], width: int) -> list[int]:
    cuts: list[int] = []
    line_start = 0
    last_ok = -1
    for p in points:
        if p - line_start > width and last_ok > line_start:
            cuts.append(last_ok)
            line_start = last_ok + 1
        last_ok = p
    if len(text) - line_start > width and last_ok > line_start:
        cuts.append(last_ok)
    return cuts


def _proportional(text: str, points: list[int], shape: _Shape) -> list[int]:
    sentence = [
        p
        for p in points
        if text[p - 1] in _SENTENCE_TAIL  # a cheap first test (for p = 0 too: no sentence ends there)
        and _ends_sentence(text, p)
        and (m := _CUT_BEFORE.match(text, p + 1)) is not None
        and not m.group(0).islower()
    ]
    cuts: list[int] = []
    prev = -1
    for fraction, at_end in zip(shape.fractions, shape.ends, strict=True):
        target = fraction * len(text)
        best = _nearest(sentence, prev, target) if at_end else None
        if best is None:
            best = _nearest(points, prev, target)
        if best is None:
            break
        cuts.append(best)
        prev = best
    return cuts


def _nearest(positions: list[int], after: int, target: float) -> int | None:
    """The position after ``after`` nearest to ``target`` (the lower one on a tie); ``positions`` is sorted."""
    lo = bisect.bisect_right(positions, after)
    if lo == len(positions):
        return None
    i = bisect.bisect_left(positions, target, lo)
    if i == lo:
        return positions[i]
    if i == len(positions):
        return positions[i - 1]
    below, above = positions[i - 1], positions[i]
    return below if target - below <= above - target else above
