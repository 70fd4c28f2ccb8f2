"""Typed values that move between the stages: pages, segments, catalog messages.

Everything here is a frozen dataclass: stages take values and return new ones, so a
stage can never mutate what another stage still holds (babel's rule: the template is
never mutated by an update).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What construct a segment comes from; shown to translators and used by checks."""

    FRONT_MATTER = "front matter"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list item"
    TABLE_CELL = "table cell"
    QUOTE = "block quote"
    HTML_TEXT = "html text"
    HTML_ATTR = "html attribute"
    IMAGE_ALT = "image alt"
    LABEL = "directive label"
    CODE = "code block"


class Render(StrEnum):
    """How a translation is written back into a span; chosen by the segmenter."""

    INLINE = "inline"  # markdown inline text spread over lines (paragraph, list item, quote)
    ATX = "atx"  # one-line ATX heading text
    SETEXT = "setext"  # setext heading text (may span lines, underline kept)
    CELL = "cell"  # GFM table cell: one line, pipes escaped
    HTML_TEXT = "html-text"  # text run inside a raw HTML block
    ATTR = "attr"  # an HTML attribute value inside quotes
    IMAGE_ALT = "image-alt"  # the text between ![ and ]
    YAML = "yaml"  # a front-matter scalar value
    YAML_KEY = "yaml-key"  # a front-matter key the English lacks, added with its translation (style: "key: ")
    TOML = "toml"  # a TOML front-matter string, quotes included (style: the English quote)
    JS_STRING = "js-string"  # the content of a JavaScript string literal in a component's props (style: quote)
    LABEL = "label"  # a directive's label: ``[text]`` (style "[") or a Docusaurus title to the line end
    CODE = "code"  # a fenced code block's lines, verbatim (``[segment] code_blocks``)


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` in a page's text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Segment:
    """One translatable unit of a page, and where its text lives.

    The segmenter computes it once; extraction uses ``msgid`` and build replaces
    ``pieces`` (one span per source line, so line prefixes such as ``> `` or list
    indentation stay outside what is replaced).
    """

    msgid: str
    """The English text as translators see it: soft line breaks are spaces, hard breaks ``\\n``."""
    kind: Kind
    """Construct the text comes from."""
    render: Render
    """How a translation is written back."""
    pieces: tuple[Span, ...]
    """Content span of each source line, in order; bytes between them are line glue."""
    line: int
    """1-based line of the first piece in the page."""
    msgctxt: str | None = None
    """Disambiguating context (from an ``i18n:context`` directive)."""
    comments: tuple[str, ...] = ()
    """Extracted comments for translators (``#.`` lines)."""
    anchor: str | None = None
    """For headings: the id the English page serves (explicit ``{#id}`` or slug)."""
    explicit_anchor: bool = False
    """For headings: True when the English heading carries ``{#id}`` itself."""
    key: str | None = None
    """For front matter: the YAML key; for HTML attributes: the attribute name."""
    style: str = ""
    """Render detail: YAML scalar style, or the attribute's quote character."""
    hard_breaks: tuple[str, ...] = ()
    """For each break between pieces: ``""`` for a soft break, else the hard-break marker."""


LINK = "link"
IMPORT = "import"


@dataclass(frozen=True, slots=True)
class Target:
    """A URL or import path in a page's structure (outside every segment) that build may adapt
    to a locale's page (``pipeline.segment.targets``)."""

    span: Span
    """The value itself, without quotes."""
    kind: str
    """``link`` (``[site] localize_links``) or ``import`` (a relative MDX import path)."""
    name: str
    """The prop or front-matter key (``href``, ``hero.actions[].link``), ``definition`` or ``import``."""


@dataclass(frozen=True, slots=True)
class Page:
    """An English (or translated) page as read from disk."""

    name: str
    """Path relative to the source folder without ``.md``, with ``/`` separators (``foo/bar``)."""
    path: str
    """Path for messages, relative to the project root."""
    text: str
    """Decoded text without a byte-order mark; line endings as in the file."""
    bom: bool = False
    """True when the file started with a UTF-8 byte-order mark (kept on output)."""


@dataclass(frozen=True, slots=True)
class Message:
    """One PO/POT entry (or the header, whose msgid is empty)."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    """``#,`` flags in file order, e.g. ``("fuzzy",)``."""
    auto_comments: tuple[str, ...] = ()
    """``#.`` extracted comments (ours, regenerated from the template)."""
    comments: tuple[str, ...] = ()
    """``#`` translator comments (theirs, always kept)."""
    references: tuple[str, ...] = ()
    """``#:`` references (page paths, no line numbers)."""
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    lineno: int = field(default=0, compare=False)
    """Line of the ``msgid`` keyword in the file it was read from (0 when made in memory)."""
    msgstr_lineno: int = field(default=0, compare=False)
    """Line of the ``msgstr`` (or ``msgstr[0]``) keyword, where a translator edits (0 when made in memory)."""

    @property
    def key(self) -> tuple[str | None, str]:
        """Identity of a message in a catalog: context and msgid."""
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """True when the entry has a usable translation (non-empty, not fuzzy, not obsolete)."""
        if self.obsolete or self.fuzzy:
            return False
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural)
        return bool(self.msgstr)


@dataclass(frozen=True, slots=True)
class Catalog:
    """A PO or POT file: header fields in order, then messages in file order."""

    header: tuple[tuple[str, str], ...] = ()
    """Header fields (``Project-Id-Version`` …) in file order."""
    header_comments: tuple[str, ...] = ()
    """Translator comments above the header entry."""
    header_flags: tuple[str, ...] = ()
    """Flags of the header entry (``fuzzy`` in a fresh template)."""
    messages: tuple[Message, ...] = ()
    """Non-header entries; obsolete ones are written last whatever their position."""

    def header_value(self, name: str) -> str | None:
        for key, value in self.header:
            if key.lower() == name.lower():
                return value
        return None

    def with_header(self, **updates: str | None) -> Catalog:
        """Return a copy with header fields set (``None`` removes); names use ``_`` for ``-``."""
        wanted = {k.replace("_", "-"): v for k, v in updates.items()}
        lowered = {k.lower(): k for k in wanted}
        fields: list[tuple[str, str]] = []
        seen: set[str] = set()
        for key, value in self.header:
            name = lowered.get(key.lower())
            if name is None:
                fields.append((key, value))
                continue
            seen.add(name)
            new = wanted[name]
            if new is not None:
                fields.append((key, new))
        for name, new in wanted.items():
            if name not in seen and new is not None:
                fields.append((name, new))
        return Catalog(tuple(fields), self.header_comments, self.header_flags, self.messages)


@dataclass(frozen=True, slots=True)
class Counts:
    """Translation progress of one catalog, in entries and in English words."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0
    obsolete: int = 0
    machine: int = 0
    """Of the fuzzy entries: machine translations nobody has reviewed yet (``pipeline translate``)."""
    machine_words: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def total_words(self) -> int:
        return self.translated_words + self.fuzzy_words + self.untranslated_words

    @property
    def share(self) -> float:
        """Share of English words translated (1.0 for an empty page)."""
        total = self.total_words
        return 1.0 if total == 0 else self.translated_words / total

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f) + getattr(other, f) for f in _COUNT_FIELDS))


_COUNT_FIELDS = (
    "translated",
    "fuzzy",
    "untranslated",
    "translated_words",
    "fuzzy_words",
    "untranslated_words",
    "obsolete",
    "machine",
    "machine_words",
)


@dataclass(frozen=True, slots=True)
class Built:
    """A translated page produced by build, with what fell back to English and why."""

    text: str
    used: int = 0
    """Segments written from a translation."""
    fallbacks: tuple[tuple[Segment, str], ...] = field(default=())
    """Segments whose translation was refused, with the reason."""


class Severity(StrEnum):
    """How bad a finding is; only errors make ``pipeline check`` exit 1."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"
    """Worth a look, never a failure (a known localization of a link)."""


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem ``check`` (or the CI gate) found, located where a person fixes it.

    Ordered by place, so sorted findings read like a compiler's output.
    """

    path: str
    """File to edit: the PO file for a translation problem, the page for an English one."""
    line: int
    """1-based line (0 when the file as a whole is meant)."""
    col: int
    """1-based column (0 when unknown)."""
    code: str
    """Stable identifier such as ``anchor-missing``; users silence or re-grade findings by it."""
    severity: Severity
    message: str
    hint: str = ""
    """What to do about it."""
    group: str = ""
    """``upstream-english`` for a problem in English pages pulled from ``[upstream]``: fixed there, not here."""


@dataclass(frozen=True, slots=True)
class FuzzyEntry:
    """A fuzzy PO entry: its translation was made for ``previous``; the English is now ``current``."""

    locale: str
    page: str
    po_path: str
    """PO file, relative to the project root."""
    line: int
    """Line of the entry's ``msgid`` in the PO file."""
    msgctxt: str | None
    previous: str
    """The English the translation was made for (``#| msgid``; empty when unknown)."""
    current: str
    """The English as it is now (``msgid``)."""
    translation: str
    """The translation, still of the previous English."""


@dataclass(frozen=True, slots=True)
class Change:
    """An upstream commit that changed one English page (newest first in lists)."""

    commit: str
    date: str
    """Committer date, ISO 8601 with offset."""
    summary: str
    """First line of the commit message."""
    path: str
    """Repository path of the page after the commit."""
    old_blob: str | None
    """Blob before the commit (None when the page was added)."""
    new_blob: str | None
    """Blob after the commit (None when the page was deleted)."""
