"""``pipeline import``: existing translated pages -> PO files, with how sure each pairing is.

For each translated page: find the English text it was translated from (a folder of English
pages as they were, or the upstream git history: the version that aligns best), segment both
with the one segmenter, align them (``align.py``), fill the template of that English version
with the translations (uncertain pairs fuzzy, with a translator comment saying why; an uncertain
pair whose place is certain, ``Link.enclosed``, kept translated with a comment asking for review), then carry
the catalog to today's English with ``merge.update`` (changed text becomes fuzzy with ``#|``
previous). The page is rebuilt from the catalog against the same English version and compared
with the translated page, so a user sees what the import could not carry over. Translated
text the alignment cannot place is kept as a fuzzy msgstr or a translator comment
(``keep.py``: no word is lost), and text that starts like a block marker is read with the
structure the English has there (``structure.py``).

Pure functions (``import_page``, ``choose_version``, ``page_difference``) take values; only
``run_import`` reads and writes files, all pages computed first, then written atomically.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError, InputError, PipelineError
from pipeline.formats import po
from pipeline.git import upstream
from pipeline.git.lock import source_commit
from pipeline.importer import keep
from pipeline.importer.align import Alignment, Vocabulary, align, sentences
from pipeline.importer.structure import reread
from pipeline.model import Catalog, Finding, Message, Page, Render, Severity
from pipeline.segment.walker import Document, Options, segment_page
from pipeline.stages.build import Placement, build_page, translations
from pipeline.stages.extract import COMMIT_FIELD, HASH_FIELD, content_hash, make_template, now_stamp, template_messages
from pipeline.stages.merge import TRANSLATED_FIELD, new_header, update
from pipeline.workspace.dialect import dialect, page_file
from pipeline.workspace.files import display_path, read_page
from pipeline.workspace.progress import SILENT, Progress
from pipeline.workspace.project import Plan, apply, options, placement, po_path, template_path
from pipeline.workspace.settings import Config

DEFAULT_VERSIONS = 50
"""How many versions of a page the git route tries, newest first."""

_LEADING_BLANKS = re.compile(r"\A(?:[ \t]*(?:\r\n|\n|\r))+(?=---[ \t]*(?:\r\n|\n|\r|$))")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING_ID = re.compile(r"""[ \t]*(?:\{#[^\s{}]+\}|<a id="[^"<>]*"></a>)[ \t]*$""", re.MULTILINE)
"""A heading's id marker as build writes it: ``{#id}``, or ``<a id>`` where smartypants would change it."""
_QUOTE_MARKERS = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
"""A markdown backslash escape: it renders as the character (build escapes line starts such as ``23\\.``)."""
_COMMENT_PREFIX = "import: "
REVIEW_NOTE = "kept translated for review, the text around it pairs with certainty"
"""What the comment on a translation kept for review says before the aligner's doubt."""


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class EnglishVersion:
    """The English text a translation is imported against, and how it was found."""

    text: str
    where: str
    """``DIR/page.md`` for ``--source-dir``, ``path@commit`` for the git route."""
    commit: str | None = None
    date: str | None = None
    why: str = ""


@dataclass(frozen=True, slots=True)
class Unmatched:
    """Translated text the alignment found no English for."""

    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Refused:
    """A translation the build refuses: the English segment's line and text, and why."""

    line: int
    msgid: str
    reason: str


@dataclass(frozen=True, slots=True)
class Review:
    """A translation kept (not fuzzy) for a reviewer: its place is certain, its content in doubt.

    ``line`` is the translated page's line, ``msgid`` the English text, ``reason`` what the
    aligner doubts (a length far off: text may be missing or added; a competing reading).
    """

    line: int
    msgid: str
    reason: str


@dataclass(frozen=True, slots=True)
class PageImport:
    """One imported page: the catalog against its English version, and what the alignment found."""

    name: str
    translated_path: str
    source: EnglishVersion
    catalog: Catalog
    """PO catalog against the template of ``source`` (before it is carried to today's English)."""
    alignment: Alignment
    english_segments: int
    translated_segments: int
    confident: int
    fuzzy: int
    unmatched_english: int
    unmatched: tuple[Unmatched, ...]
    difference: tuple[str, ...]
    """Short word diff between the rebuilt page and the translated page; empty when equal."""
    refused: tuple[Refused, ...] = ()
    """Translations the build refuses (the English is served there), with the reason."""
    lost: tuple[str, ...] = ()
    """Words of the translated page neither in the rebuilt page nor in the PO file (``keep.lost_words``)."""
    notes: int = 0
    """Translator comments kept for text or structure without an entry of its own."""
    review: tuple[Review, ...] = ()
    """Unsure pairs whose place is certain (``Link.enclosed``): translated, with a comment asking to check."""

    @property
    def equal(self) -> bool:
        """The page rebuilt from the PO file is the translated page: same words, nothing refused."""
        return not self.difference and not self.refused

    @property
    def aligned(self) -> int:
        return self.confident + len(self.review) + self.fuzzy


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """What ``run_import`` did for one translated page."""

    name: str
    translated_path: str
    po_path: str
    result: PageImport | None
    error: PipelineError | None = None
    written: bool = False
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """All pages of one ``pipeline import`` run, and the findings to show."""

    locale: str
    pages: tuple[PageOutcome, ...]
    findings: tuple[Finding, ...]
    written: tuple[str, ...] = ()

    @property
    def failed(self) -> int:
        return sum(1 for p in self.pages if p.error is not None)


# --------------------------------------------------------------------------- pure core


def prepare_translated(page: Page) -> tuple[Page, int]:
    """The translated page as the segmenter reads it, and how many lines were dropped at its top.

    Real translated pages sometimes carry blank lines before the front matter's opening
    ``---``, which would make the front matter read as a rule and a heading; they are dropped.
    """
    m = _LEADING_BLANKS.match(page.text)
    if not m:
        return page, 0
    dropped = page.text.count("\n", 0, m.end()) or page.text.count("\r", 0, m.end())
    return replace(page, text=page.text[m.end() :]), dropped


def segment_translated(page: Page, opts: Options) -> tuple[Document, int]:
    """Segment a translated page; errors point at the line of the file as it is on disk.

    A front-matter key the page lacks (``[front_matter] defaults``) is no text of the page:
    its English entry stays empty unless the translation sets the key.
    """
    prepared, offset = prepare_translated(page)
    try:
        doc = segment_page(prepared, opts)
    except InputError as exc:
        raise InputError(exc.message, exc.path, (exc.line or 0) + offset or None, exc.hint) from None
    if any(s.render is Render.YAML_KEY for s in doc.segments):
        doc = replace(doc, segments=tuple(s for s in doc.segments if s.render is not Render.YAML_KEY))
    return doc, offset


@dataclass(frozen=True, slots=True)
class _Choice:
    msgstr: str
    fuzzy: bool
    comment: str = ""
    review: str = ""
    """Why a translation kept for review (not fuzzy) is unsure; empty for the others."""


def _choices(doc_e: Document, doc_t: Document, alignment: Alignment, where: str, offset: int) -> dict[int, _Choice]:
    """For each English segment index with a translation: the msgstr, fuzzy or not, and why."""
    es, ts = doc_e.segments, doc_t.segments
    out: dict[int, _Choice] = {}

    def line(j: int) -> int:
        return ts[j].line + offset

    for link in alignment.links:
        if not link.source or not link.target:
            continue
        lines = "+".join(str(line(j)) for j in link.target)
        origin = f"{where}:{lines}"
        if len(link.source) == 1:
            text = " ".join(ts[j].msgid for j in link.target)
            why = link.reason
            if len(link.target) > 1 and not why:
                out[link.source[0]] = _Choice(text, False)
                continue
            if len(link.target) > 1:
                why = f"joined from {len(link.target)} translated segments; {why}"
            if link.enclosed:
                # the text around it pairs with certainty: this is the translation of this English,
                # only its content is in doubt; the page keeps it, a reviewer checks it
                comment = f"{_COMMENT_PREFIX}{origin}: {REVIEW_NOTE}: {why}"
                out[link.source[0]] = _Choice(text, False, comment, why)
                continue
            out[link.source[0]] = _Choice(text, bool(why), f"{_COMMENT_PREFIX}{origin}: {why}" if why else "")
            continue
        # two English segments translated as one: split it at a sentence boundary if one fits
        first, second = link.source
        text = ts[link.target[0]].msgid
        parts = split_translation(text, es[first].msgid, es[second].msgid)
        if parts is None:
            out[first] = _Choice(
                text,
                True,
                f"{_COMMENT_PREFIX}{origin}: this translation also covers the next English text "
                f"(line {es[second].line}); move that part there",
            )
            continue
        exact, (a, b) = parts
        why = link.reason or ("" if exact else "split by length at a sentence boundary")
        for index, part in ((first, a), (second, b)):
            comment = f"{_COMMENT_PREFIX}{origin}: one translated segment split in two; {why}" if why else ""
            out[index] = _Choice(part, bool(why), comment)
    return out


def split_translation(text: str, english_a: str, english_b: str) -> tuple[bool, tuple[str, str]] | None:
    """Split a translation of two English texts at a sentence boundary.

    Returns ``(exact, (a, b))`` where ``exact`` says the sentence counts matched those of the
    two English texts, or None when the translation has a single sentence.
    """
    parts = sentences(text)
    if len(parts) < 2:
        return None
    na = len(sentences(english_a))
    nb = len(sentences(english_b))
    if na + nb == len(parts):
        return True, (" ".join(parts[:na]), " ".join(parts[na:]))
    share = len(english_a) / max(1, len(english_a) + len(english_b))
    total = sum(len(p) for p in parts)
    best = min(
        range(1, len(parts)),
        key=lambda k: (abs(sum(len(p) for p in parts[:k]) / total - share), k),
    )
    return False, (" ".join(parts[:best]), " ".join(parts[best:]))


def import_page(
    english: Page,
    translated: Page,
    locale: str,
    source: EnglishVersion,
    opts: Options,
    stamp: str | None = None,
    place: Placement | None = None,
) -> PageImport:
    """Align a translated page with its English version and make the PO catalog of that version.

    ``place`` is where the locale's page is built (its link targets and import paths, as
    ``sync`` writes them), for comparing the rebuilt page with the translated one.
    """
    doc_e = segment_page(english, opts)
    doc_t, offset = segment_translated(translated, opts)
    alignment = align(doc_e.segments, doc_t.segments)
    doc_t, alignment, lines = _reread(doc_e, doc_t, alignment)
    return _import_aligned(doc_e, doc_t, offset, alignment, locale, source, opts, stamp, lines, place)


def _reread(doc_e: Document, doc_t: Document, alignment: Alignment) -> tuple[Document, Alignment, frozenset[int]]:
    """Read translated text with the English structure at that place (``structure.reread``), then align again.

    Also returns the lines (of the prepared translated page) whose markers were read as text.
    """
    segments, changed = reread(doc_e.page.text, doc_e.segments, doc_t.page.text, doc_t.segments, alignment)
    if not changed:
        return doc_t, alignment, frozenset()
    doc_t = replace(doc_t, segments=tuple(segments))
    return doc_t, align(doc_e.segments, doc_t.segments), frozenset(r.line for r in changed)


def _import_aligned(
    doc_e: Document,
    doc_t: Document,
    offset: int,
    alignment: Alignment,
    locale: str,
    source: EnglishVersion,
    opts: Options,
    stamp: str | None,
    reread_lines: frozenset[int] = frozenset(),
    place: Placement | None = None,
) -> PageImport:
    translated = doc_t.page
    choices = _choices(doc_e, doc_t, alignment, translated.path, offset)
    notes, placed = _keep_unpaired(doc_e, doc_t, alignment, offset, choices, reread_lines)
    kept_notes = sum(1 for values in notes.values() for c in values if c.startswith(keep.NOTE_PREFIX))
    template = make_template(doc_e, None, stamp or source.date or now_stamp())
    by_key: dict[tuple[str | None, str], _Choice] = {}
    notes_by_key: dict[tuple[str | None, str], list[str]] = {}
    for index, seg in enumerate(doc_e.segments):
        choice = choices.get(index)
        key = (seg.msgctxt, seg.msgid)
        notes_by_key.setdefault(key, []).extend(notes.get(index, ()))
        if choice is None:
            continue
        held = by_key.get(key)
        if held is None or (held.fuzzy and not choice.fuzzy):
            by_key[key] = choice  # first confident translation of a repeated text wins
            if held is not None:
                choice, held = held, choice
            else:
                continue
        if held.msgstr != choice.msgstr:  # the other translation of a repeated text is kept as a note
            note = keep.Note(index, seg.line, "the same English text is translated differently here", choice.msgstr)
            notes_by_key[key].extend(note.comments(doc_e.page.path))
            kept_notes += 1
    messages = tuple(_fill(m, by_key.get(m.key), notes_by_key.get(m.key, ())) for m in template.messages)
    header_comments: tuple[str, ...] = (
        f"Imported by 'pipeline import' from {translated.path}.",
        f"English version: {source.where}" + (f" ({source.why})" if source.why else "") + ".",
    )
    header_comments += tuple(notes.get(keep.HEADER, ()))  # notes on a page without any English segment
    catalog = Catalog(header=new_header(template, locale), header_comments=header_comments, messages=messages)
    table = translations(catalog)
    built = build_page(doc_e, table, opts, place)
    difference = page_difference(built.text, translated.text)
    refused = tuple(Refused(seg.line, seg.msgid, why) for seg, why in built.fallbacks)
    used = set(table) - {(seg.msgctxt, seg.msgid) for seg, _ in built.fallbacks}
    lost = keep.lost_words(translated.text, built.text, keep.unused_strings(catalog, used))
    confident = sum(1 for c in choices.values() if not c.fuzzy and not c.review)
    fuzzy = sum(1 for c in choices.values() if c.fuzzy)
    review = tuple(
        Review(doc_t.segments[link.target[0]].line + offset, doc_e.segments[i].msgid, choices[i].review)
        for link in alignment.links
        for i in link.source
        if i in choices and choices[i].review
    )
    unmatched = tuple(
        Unmatched(doc_t.segments[j].line + offset, doc_t.segments[j].msgid)
        for link in alignment.links
        if not link.source
        for j in link.target
        if j not in placed
    )
    return PageImport(
        name=doc_e.page.name,
        translated_path=translated.path,
        source=source,
        catalog=catalog,
        alignment=alignment,
        english_segments=len(doc_e.segments),
        translated_segments=len(doc_t.segments),
        confident=confident,
        fuzzy=fuzzy,
        unmatched_english=len(doc_e.segments) - confident - len(review) - fuzzy,
        unmatched=unmatched,
        difference=difference,
        refused=refused,
        lost=tuple(sorted(lost.elements())),
        notes=kept_notes,
        review=review,
    )


def _fill(message: Message, choice: _Choice | None, notes: Sequence[str] = ()) -> Message:
    if choice is None:
        return replace(message, comments=tuple(notes)) if notes else message
    return replace(
        message,
        msgstr=choice.msgstr,
        flags=("fuzzy",) if choice.fuzzy else (),
        comments=((choice.comment,) if choice.comment else ()) + tuple(notes),
    )


def _keep_unpaired(
    doc_e: Document,
    doc_t: Document,
    alignment: Alignment,
    offset: int,
    choices: dict[int, _Choice],
    reread_lines: frozenset[int],
) -> tuple[dict[int, list[str]], set[int]]:
    """Keep translated text the alignment left without a place (``keep``): fuzzy or as notes.

    Fills ``choices`` with fuzzy translations for English segments left alone beside a
    translated segment of the same construct; returns the translator comments per English
    segment index for the rest (added text, another structure), and the translated segment
    indexes placed as fuzzy translations.
    """
    where = doc_t.page.path
    ts = doc_t.segments
    fuzzy, unpaired = keep.place_unpaired(alignment.links, doc_e.segments, ts, choices.keys())
    for i, (j, why) in fuzzy.items():
        choices[i] = _Choice(ts[j].msgid, True, f"{_COMMENT_PREFIX}{where}:{ts[j].line + offset}: {why}")
    notes: dict[int, list[str]] = {}
    for i, j, why in unpaired:
        raw = keep.source_text(doc_t.page.text, ts[j])  # as written, line-start markers included
        notes.setdefault(i, []).extend(keep.Note(i, ts[j].line + offset, why, raw).comments(where))
    skip = frozenset(line + offset for line in reread_lines)
    for note in keep.structure_notes(doc_e, doc_t, alignment.links, offset, skip):
        notes.setdefault(note.english, []).extend(note.comments(where))
    return notes, {j for j, _ in fuzzy.values()}


def _normal_words(text: str) -> list[str]:
    """Words of a page for comparison: comments, heading ids and quote markers set aside."""
    text = _COMMENT.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _HEADING_ID.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    text = _QUOTE_MARKERS.sub("", text)
    return text.split()


def page_difference(rebuilt: str, translated: str, hunks: int = 3, context: int = 3) -> tuple[str, ...]:
    """A short word diff of two pages, empty when they are equal modulo whitespace.

    HTML comments, heading ``{#id}`` markers (build sets them from the English),
    block-quote markers (line layout) and backslash escapes (``23\\. Mai`` renders as
    ``23. Mai``) are set aside; the translated page's leading blank lines too.
    """
    a = _normal_words(rebuilt)
    b = _normal_words(prepare_translated(Page("", "", translated))[0].text)
    if a == b:
        return ()
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if len(out) >= hunks:
            out.append("…")
            break
        before = " ".join(a[max(0, a1 - context) : a1])
        old = _clip(" ".join(a[a1:a2]))
        new = _clip(" ".join(b[b1:b2]))
        out.append(f"…{before} [-{old}-] {{+{new}+}}")
    return tuple(out)


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- version choice


@dataclass(frozen=True, slots=True)
class Candidate:
    """One English version of a page from the upstream history."""

    commit: str
    date: str
    text: str


def choose_version(
    candidates: Sequence[Candidate], translated: Page, opts: Options, repo_path: str
) -> tuple[EnglishVersion, Alignment] | None:
    """The candidate whose segments align best with the translated page (ties: the newest).

    Candidates come newest first. All versions are scored on one scale: the parameters
    (length ratio, spreads, step costs) are measured once, on the newest version, so a
    version cannot win by making its own gaps cheap. Versions with the same segments are
    aligned once; versions the segmenter cannot read (broken old history) are skipped.
    """
    doc_t, _ = segment_translated(translated, opts)
    docs: list[tuple[int, Candidate, Document]] = []
    for position, cand in enumerate(candidates):
        try:
            docs.append((position, cand, segment_page(Page(translated.name, repo_path, cand.text), opts)))
        except PipelineError:
            continue
    if not docs:
        return None
    vocabulary = Vocabulary([doc.segments for _, _, doc in docs], doc_t.segments)
    params = align(docs[0][2].segments, doc_t.segments, vocabulary=vocabulary).params
    seen: dict[tuple[Any, ...], float] = {}
    scored: list[tuple[float, int, Candidate, Document]] = []
    for position, cand, doc_e in docs:
        key = tuple((s.kind, s.key, s.anchor, s.msgctxt, s.msgid) for s in doc_e.segments)
        if key not in seen:
            seen[key] = round(align(doc_e.segments, doc_t.segments, params, vocabulary).score, 6)
        scored.append((seen[key], position, cand, doc_e))
    score = max(s[0] for s in scored)
    tied = [s for s in scored if s[0] == score]
    if len(tied) > 1:
        # Text alone cannot tell these apart: the layout kept around the text (code, HTML,
        # components) and the spelling of shared words (case included) can.
        skeleton_t = _skeleton(doc_t)
        words_t = _case_words(doc_t)
        tied.sort(
            key=lambda s: (
                -round(difflib.SequenceMatcher(None, _skeleton(s[3]), skeleton_t, autojunk=False).ratio(), 6),
                -len(_case_words(s[3]) & words_t),
                s[1],
            )
        )
    score, _position, cand, doc_e = tied[0]
    others = [s for s in scored if s[0] < score]
    why = f"best alignment of {len(scored)} versions ({len(seen)} distinct texts): score {score:.1f}"
    if others:
        runner = max(others, key=lambda s: (s[0], -s[1]))
        why += f", next {runner[0]:.1f} at {runner[2].commit[:10]}"
    if len(tied) > 1:
        why += f"; {len(tied)} versions align the same, the one whose layout and spelling match best is kept"
    version = EnglishVersion(cand.text, f"{repo_path}@{cand.commit[:10]}", cand.commit, cand.date, why)
    return version, align(doc_e.segments, doc_t.segments)


def _skeleton(doc: Document) -> list[str]:
    """Lines of a page outside its segments (code, HTML, components, markup), whitespace-normalised."""
    text = doc.page.text
    parts: list[str] = []
    pos = 0
    for seg in doc.segments:
        for piece in seg.pieces:
            parts.append(text[pos : piece.start])
            pos = piece.end
    parts.append(text[pos:])
    lines = (" ".join(line.split()) for line in "".join(parts).splitlines())
    return [_HEADING_ID.sub("", line) for line in lines if line]


def _case_words(doc: Document) -> set[str]:
    return {w for seg in doc.segments for w in re.findall(r"[^\W\d_]{2,}", seg.msgid)}


# --------------------------------------------------------------------------- the command


@dataclass(frozen=True, slots=True)
class Request:
    """What ``pipeline import`` was asked to do."""

    locale: str
    pages_dir: Path
    source_dir: Path | None = None
    merge: bool = False
    versions: int = DEFAULT_VERSIONS


def translated_pages(pages_dir: Path, extensions: tuple[str, ...] = (".md",)) -> list[tuple[str, Path]]:
    """Translated pages as (page name, file), sorted; hidden files and folders skipped."""
    if not pages_dir.is_dir():
        raise InputError("folder of translated pages does not exist", str(pages_dir), hint="pass an existing folder")
    found: list[tuple[str, Path]] = []
    for file in sorted(f for ext in extensions for f in pages_dir.rglob(f"*{ext}")):
        rel = file.relative_to(pages_dir)
        if any(part.startswith(".") for part in rel.parts) or not file.is_file() or rel.suffix not in extensions:
            continue
        found.append((rel.with_suffix("").as_posix(), file))
    found.sort()
    return found


def run_import(cfg: Config, request: Request, progress: Progress = SILENT) -> ImportOutcome:
    """Import every page of ``request.pages_dir``, then write the PO files (all computed first)."""
    opts = options(cfg)
    pages = translated_pages(request.pages_dir, dialect(cfg).extensions)
    finder = _version_finder(cfg, request, opts)
    plan = Plan()
    outcomes: list[PageOutcome] = []
    findings: list[Finding] = []
    progress.start("import", len(pages))
    for name, file in pages:
        outcome = _import_one(cfg, request, opts, finder, name, file, plan)
        outcomes.append(outcome)
        findings.extend(_findings(cfg, outcome))
        progress.advance()
    # all or nothing: one page that cannot be imported and no PO file is written
    written = [] if any(o.error is not None for o in outcomes) else apply(cfg, plan)[0]
    done = set(written)
    outcomes = [replace(o, written=o.po_path in done) for o in outcomes]
    return ImportOutcome(request.locale, tuple(outcomes), tuple(sorted(findings)), tuple(written))


_Finder = Callable[[str, Page], tuple[EnglishVersion, Alignment | None]]


def _version_finder(cfg: Config, request: Request, opts: Options) -> _Finder:
    """How to find the English a page was translated from: ``--source-dir`` or the upstream history."""
    if request.source_dir is not None:
        source_dir = request.source_dir
        if not source_dir.is_dir():
            raise InputError("folder of English pages does not exist", str(source_dir), hint="pass --source-dir DIR")

        def from_folder(name: str, translated: Page) -> tuple[EnglishVersion, Alignment | None]:
            file = page_file(cfg, source_dir, name)
            if not file.is_file():
                raise InputError(
                    f"no English page {file.name} in {display_path(cfg.root, source_dir)}",
                    translated.path,
                    hint="name the translated page like its English page, or leave it out",
                )
            page = read_page(cfg.root, file, name)
            return EnglishVersion(page.text, page.path, why="given by --source-dir"), None

        return from_folder

    if not upstream.configured(cfg):
        raise ConfigError(
            "pipeline import needs --source-dir DIR or an [upstream] url",
            cfg.config_path,
            hint="pass the folder of English pages as they were translated, or configure [upstream]",
        )
    up = upstream.settings(cfg)
    repo = upstream.open_upstream(cfg)
    found = upstream.resolve(repo, up.ref)
    if found is None:
        raise ConfigError(
            f"upstream ref {up.ref!r} not found in {up.url}", cfg.config_path, hint="check [upstream] ref"
        )
    commit = found

    def from_history(name: str, translated: Page) -> tuple[EnglishVersion, Alignment | None]:
        path = up.repo_path(name + page_file(cfg, cfg.source_dir, name).suffix)
        history = upstream.page_history(repo, path, commit, request.versions)
        candidates = [Candidate(sha, date, text) for sha, date, text in history]
        chosen = choose_version(candidates, translated, opts, path) if candidates else None
        if chosen is None:
            raise InputError(
                f"no English version of {path} in the upstream history at {commit[:10]}",
                translated.path,
                hint="name the translated page like its English page, or pass --source-dir",
            )
        return chosen

    return from_history


def _import_one(
    cfg: Config, request: Request, opts: Options, finder: _Finder, name: str, file: Path, plan: Plan
) -> PageOutcome:
    target = po_path(cfg, request.locale, name)
    rel_target = display_path(cfg.root, target)
    translated_path = display_path(cfg.root, file)
    try:
        translated = read_page(cfg.root, file, name)
        existing = _read(cfg, target)
        if existing is not None and not any(m.msgstr for m in existing.messages):
            existing = None  # an empty catalog (as sync leaves one) holds nothing to keep: import into it
        if existing is not None and not request.merge:
            raise InputError(
                f"exists already; not overwritten with the import of {translated_path}",
                rel_target,
                hint="pass --merge to keep its translations and fill only its gaps, or delete it",
            )
        version, _ = finder(name, translated)
        english = Page(name, version.where, version.text)
        place = placement(cfg, request.locale, name)
        result = import_page(english, translated, request.locale, version, opts, _stamp(version), place)
        imported = result.catalog.with_header(**{COMMIT_FIELD: version.commit, TRANSLATED_FIELD: version.commit})
        final, notes = _carry(cfg, request, opts, name, imported, existing)
    except PipelineError as exc:
        return PageOutcome(name, translated_path, rel_target, None, exc)
    plan.writes[target] = po.format_po(final).encode("utf-8")
    return PageOutcome(name, translated_path, rel_target, result, None, notes=notes)


def _stamp(version: EnglishVersion) -> str | None:
    if not version.date:
        return None
    try:
        when = datetime.fromisoformat(version.date)
    except ValueError:
        return None
    return when.strftime("%Y-%m-%d %H:%M%z")


def _read(cfg: Config, path: Path) -> Catalog | None:
    return po.read_po(path, display_path(cfg.root, path)) if path.is_file() else None


def _carry(
    cfg: Config, request: Request, opts: Options, name: str, imported: Catalog, existing: Catalog | None
) -> tuple[Catalog, tuple[str, ...]]:
    """Carry an imported catalog to today's English (``source/``), and fill the gaps of an existing one."""
    today_file = page_file(cfg, cfg.source_dir, name)
    notes: list[str] = []
    if today_file.is_file():
        doc = segment_page(read_page(cfg.root, today_file, name), opts)
        old_template = _read(cfg, template_path(cfg, name))
        template = make_template(doc, old_template, _today_stamp(doc, existing), source_commit(cfg))
        carried = update(template, imported, request.locale)
        base = update(template, existing, request.locale) if existing is not None else None
    else:
        notes.append(
            f"no English page {display_path(cfg.root, today_file)} today: "
            "PO written against the English it was translated from"
        )
        carried = imported
        base = existing
    if base is None:
        return carried, tuple(notes)
    return fill_gaps(base, carried), tuple(notes)


def _today_stamp(doc: Document, existing: Catalog | None) -> str | None:
    """Keep the date of an existing catalog made from the same English text (a re-run changes nothing)."""
    if existing is None:
        return None
    digest = content_hash(template_messages(doc))
    if existing.header_value(HASH_FIELD) == digest:
        return existing.header_value("POT-Creation-Date")
    return None


def fill_gaps(existing: Catalog, imported: Catalog) -> Catalog:
    """``existing`` with its untranslated entries filled from ``imported``; its translations kept.

    Imported translations with no place in ``existing`` are kept as obsolete entries, so
    nothing imported is lost.
    """
    found = {m.key: m for m in imported.messages if m.msgstr and not m.obsolete}
    lost = {m.key: m for m in imported.messages if m.msgstr and m.obsolete}
    notes = {m.key: m.comments for m in imported.messages if m.comments and not m.obsolete}
    messages: list[Message] = []
    present: set[tuple[str | None, str]] = set()
    for m in existing.messages:
        present.add(m.key)
        source = found.get(m.key)
        if m.obsolete or m.msgstr or source is None or m.msgid_plural is not None:
            # the import's notes (unpaired text kept as comments) reach the entry all the same
            kept = _with_notes(m.comments, notes.get(m.key, ())) if not m.obsolete else m.comments
            messages.append(replace(m, comments=kept) if kept != m.comments else m)
            continue
        messages.append(
            replace(
                m,
                msgstr=source.msgstr,
                flags=tuple(dict.fromkeys((*source.flags, *(f for f in m.flags if f != "fuzzy")))),
                comments=_with_notes(m.comments, source.comments),
                previous_msgctxt=source.previous_msgctxt,
                previous_msgid=source.previous_msgid,
                previous_msgid_plural=source.previous_msgid_plural,
            )
        )
    for key, m in [*found.items(), *lost.items()]:
        if key not in present:
            present.add(key)
            messages.append(replace(m, obsolete=True, auto_comments=(), references=()))
    comments = tuple(dict.fromkeys((*existing.header_comments, *imported.header_comments)))
    return replace(existing, header_comments=comments, messages=tuple(messages))


def _with_notes(mine: tuple[str, ...], theirs: tuple[str, ...]) -> tuple[str, ...]:
    """``mine`` followed by ``theirs`` unless it holds them already (a note spans several lines: never split)."""
    if not theirs or "\n".join(theirs) in "\n".join(mine):
        return mine
    return mine + theirs


# --------------------------------------------------------------------------- findings


def _findings(cfg: Config, outcome: PageOutcome) -> list[Finding]:
    if outcome.error is not None:
        err = outcome.error
        return [
            Finding(
                err.path or outcome.translated_path,
                err.line or 0,
                0,
                "import-failed",
                Severity.ERROR,
                err.message,
                err.hint,
            )
        ]
    result = outcome.result
    assert result is not None
    found: list[Finding] = []
    for item in result.unmatched:
        found.append(
            Finding(
                result.translated_path,
                item.line,
                0,
                "import-unmatched",
                Severity.WARNING,
                f"translated text with no English counterpart: {_clip(item.text, 70)!r}",
                "kept as a translator comment in the PO file (not in the built page); "
                "add it to the English page or drop it",
            )
        )
    if result.difference:
        found.append(
            Finding(
                result.translated_path,
                0,
                0,
                "import-differs",
                Severity.WARNING,
                "the page rebuilt from the PO file differs from the translated page: " + " ".join(result.difference),
                "see the fuzzy and untranslated entries of " + outcome.po_path,
            )
        )
    for kept in result.review:
        found.append(
            Finding(
                result.translated_path,
                kept.line,
                0,
                "import-review",
                Severity.WARNING,
                f"kept translated for review: {_clip(kept.msgid, 50)!r}: {kept.reason}",
                "the text around it pairs with certainty, so the page keeps this translation; "
                "check it and delete the '# import:' comment on its entry",
            )
        )
    for refused in result.refused:
        found.append(
            Finding(
                outcome.po_path,
                0,
                0,
                "import-refused",
                Severity.WARNING,
                f"the build refuses the translation of {_clip(refused.msgid, 50)!r} "
                f"(line {refused.line} of the English): "
                f"{refused.reason}; the English is served there",
                "fix the msgstr, or the English page, so the build accepts it",
            )
        )
    if result.lost:
        found.append(
            Finding(
                result.translated_path,
                0,
                0,
                "import-lost-words",
                Severity.ERROR,
                f"{len(result.lost)} words of the translated page are neither in the rebuilt page nor in the PO file: "
                + _clip(" ".join(result.lost), 120),
                "please report this: the import should keep every word",
            )
        )
    for note in outcome.notes:
        found.append(Finding(outcome.po_path, 0, 0, "import-no-english", Severity.WARNING, note))
    return found


def outcome_data(outcome: ImportOutcome) -> dict[str, Any]:
    """The outcome as JSON-ready data (``--format json``)."""
    pages: list[dict[str, Any]] = []
    for p in outcome.pages:
        row: dict[str, Any] = {"page": p.name, "translated": p.translated_path, "po": p.po_path, "written": p.written}
        if p.error is not None:
            row["error"] = str(p.error)
        if p.result is not None:
            r = p.result
            row.update(
                english={
                    "where": r.source.where,
                    "commit": r.source.commit,
                    "date": r.source.date,
                    "why": r.source.why,
                },
                segments=r.english_segments,
                translated_segments=r.translated_segments,
                aligned=r.aligned,
                confident=r.confident,
                review=[{"line": x.line, "msgid": x.msgid, "reason": x.reason} for x in r.review],
                fuzzy=r.fuzzy,
                unmatched_english=r.unmatched_english,
                unmatched_translated=[{"line": u.line, "text": u.text} for u in r.unmatched],
                rebuilt_equal=r.equal,
                difference=list(r.difference),
                refused=[{"line": x.line, "msgid": x.msgid, "reason": x.reason} for x in r.refused],
                notes=r.notes,
                lost_words=list(r.lost),
            )
        pages.append(row)
    return {"locale": outcome.locale, "pages": pages, "totals": totals(outcome)}


def totals(outcome: ImportOutcome) -> dict[str, int]:
    results = [p.result for p in outcome.pages if p.result is not None]
    return {
        "pages": len(outcome.pages),
        "imported": len(results),
        "failed": outcome.failed,
        "segments": sum(r.english_segments for r in results),
        "aligned": sum(r.aligned for r in results),
        "confident": sum(r.confident for r in results),
        "review": sum(len(r.review) for r in results),
        "fuzzy": sum(r.fuzzy for r in results),
        "unmatched_english": sum(r.unmatched_english for r in results),
        "unmatched_translated": sum(len(r.unmatched) for r in results),
        "rebuilt_equal": sum(1 for r in results if r.equal),
        "refused": sum(len(r.refused) for r in results),
        "notes": sum(r.notes for r in results),
        "lost_words": sum(len(r.lost) for r in results),
        "written": len(outcome.written),
    }


__all__ = [
    "Candidate",
    "EnglishVersion",
    "ImportOutcome",
    "PageImport",
    "Request",
    "choose_version",
    "fill_gaps",
    "import_page",
    "page_difference",
    "run_import",
    "split_translation",
]
