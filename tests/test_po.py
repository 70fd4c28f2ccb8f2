"""pipeline.formats.po: files written byte-identical to GNU msgcat, read back faithfully, errors with lines.

The oracle tests run the real ``msgcat --force-po`` (``--force-po`` because msgcat writes
nothing at all for a header-only catalog) and ``msgfmt -c`` on what ``format_po`` wrote,
many catalogs per shell call to stay fast.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.formats import po
from pipeline.model import Catalog, Message

GETTEXT = shutil.which("msgcat") is not None and shutil.which("msgfmt") is not None
needs_gettext = pytest.mark.skipif(not GETTEXT, reason="GNU gettext (msgcat, msgfmt) is not installed")
needs_libunistring = pytest.mark.skipif(
    po.LINEBREAK_BACKEND != "libunistring",
    reason="exact msgcat agreement needs libunistring; the pure-Python line breaker only approximates it",
)
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "pauseai"

HEADER = (
    ("Project-Id-Version", "pipeline tests"),
    ("Report-Msgid-Bugs-To", ""),
    ("POT-Creation-Date", "2024-01-01 00:00+0000"),
    ("PO-Revision-Date", "2024-01-02 00:00+0000"),
    ("Last-Translator", "Test <test@example.org>"),
    ("Language-Team", "Dutch"),
    ("Language", "nl"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "8bit"),
    ("Plural-Forms", "nplurals=2; plural=(n != 1);"),
)


# ----------------------------------------------------------------------------------------
# The oracle: msgcat and msgfmt, batched
# ----------------------------------------------------------------------------------------


@dataclasses.dataclass
class Oracle:
    """What gettext made of one file: msgcat's output (None if it failed) and errors."""

    msgcat: str | None
    problems: str


def run_gettext(texts: list[str], width: int = po.PAGE_WIDTH) -> list[Oracle]:
    """Run ``msgcat --force-po --width=WIDTH`` and ``msgfmt -c`` on every text, in one shell call."""
    with tempfile.TemporaryDirectory(prefix="po-oracle-") as name:
        folder = Path(name)
        for sub in ("in", "out", "err"):
            (folder / sub).mkdir()
        for i, text in enumerate(texts):
            (folder / "in" / f"{i:05d}.po").write_bytes(text.encode("utf-8"))
        script = (
            "for f in in/*.po; do b=${f#in/}; "
            f'msgcat --force-po --width={width} -o "out/$b" "$f" 2>>"err/$b" '
            '|| echo "msgcat failed" >>"err/$b"; '
            'msgfmt -c -o /dev/null "$f" 2>>"err/$b" || echo "msgfmt -c failed" >>"err/$b"; '
            "done"
        )
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
        subprocess.run(["bash", "-c", script], cwd=folder, env=env, check=True, capture_output=True)
        results = []
        for i in range(len(texts)):
            out = folder / "out" / f"{i:05d}.po"
            errors = (folder / "err" / f"{i:05d}.po").read_text("utf-8", "replace")
            failed = errors if ("failed" in errors or "error" in errors) else ""
            results.append(Oracle(out.read_bytes().decode("utf-8") if out.exists() else None, failed))
        return results


def assert_msgcat_agrees(catalogs: list[Catalog], width: int = po.PAGE_WIDTH) -> None:
    """Every catalog, written by format_po, is a fixed point of msgcat and passes msgfmt -c."""
    texts = [po.format_po(catalog, width) for catalog in catalogs]
    for text, oracle in zip(texts, run_gettext(texts, width), strict=True):
        assert oracle.problems == "", f"{oracle.problems}\n--- file ---\n{text}"
        assert oracle.msgcat == text


def without_lineno(catalog: Catalog) -> Catalog:
    return dataclasses.replace(catalog, messages=tuple(dataclasses.replace(m, lineno=0) for m in catalog.messages))


# ----------------------------------------------------------------------------------------
# Strategies
# ----------------------------------------------------------------------------------------

SAFE_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00\x04")
WORDS = st.sampled_from(
    [
        "the", "a", "translation", "pipeline", "Markdown", "é", "naïve", "Straße", "l'été",
        "😀", "👍🏽", "👨‍👩‍👧", "🇳🇱", "日本語", "のテキスト", "中文字符。", "「引用」", "한국어",
        "שלום", "עולם", "مرحبا", "بالعالم", "x" * 85, "https://example.org/a/long/path?q=1&r=two#frag",
        "[link](https://example.com/docs/page)", "e\u0301", "\u2028", "\u00a0", "\u200b", "\t",
        '"quoted"', "back\\slash", "trail\\", "%s", "{name}", "%(n)d", "-", "—", "–", "(", ")",
        "C:\\dir\\file", "\r", "\a", "\x1b", "\x7f", "\x85", "<br>", "&amp;", "**bold**", "`code`",
    ]
)  # fmt: skip
SEPARATORS = st.sampled_from([" ", " ", " ", " ", "\n", "", "-", "/", ", ", ". ", "  "])


@st.composite
def prose(draw: st.DrawFn) -> str:
    """Text made of words, scripts and punctuation that exercise line breaking."""
    words = draw(st.lists(WORDS, max_size=40))
    out = []
    for word in words:
        out.append(word)
        out.append(draw(SEPARATORS))
    return "".join(out)


TEXT = st.one_of(st.text(SAFE_CHARS, max_size=120), prose())
COMMENT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00\n\r"), max_size=40).filter(
    lambda s: not s.endswith("\\") and not s.lower().startswith("file:")
)
REFERENCE = st.from_regex(r"[a-zé0-9_][a-zé0-9_/.-]{0,40}(:[1-9][0-9]{0,3})?", fullmatch=True).filter(
    lambda s: not s.endswith("\\")
)
FORMAT_FLAGS = ("c-format", "python-format", "no-python-format", "python-brace-format", "no-c-format")


def aligned(text: str, model: str) -> str:
    """``text`` starting and ending with ``\\n`` exactly when ``model`` does (msgfmt -c's rule)."""
    if not text:
        return text
    core = text.strip("\n") or "x"
    return ("\n" if model.startswith("\n") else "") + core + ("\n" if model.endswith("\n") else "")


@st.composite
def messages(draw: st.DrawFn, oracle: bool, obsolete: bool) -> Message:
    """A message; for the oracle also one msgfmt -c accepts (no format flags, aligned newlines)."""
    msgid = draw(TEXT)
    msgctxt = draw(st.none() | TEXT)
    if msgctxt is None and not msgid:
        msgid = "x"
    msgid_plural = None
    forms: tuple[str, ...] = ()
    msgstr = draw(TEXT)
    if draw(st.integers(0, 4)) == 0:
        msgid_plural = draw(TEXT)
        forms = tuple(draw(st.lists(TEXT, min_size=2, max_size=2 if oracle else 3)))
        msgstr = ""
    if not oracle and not obsolete:  # the reader refuses live translations whose line breaks differ
        msgstr = aligned(msgstr, msgid)
        forms = tuple(aligned(form, msgid) for form in forms)
        if msgid_plural is not None and any(forms):
            msgid_plural = aligned(msgid_plural, msgid)
    if oracle:
        msgstr = aligned(msgstr, msgid)
        forms = tuple(aligned(form, msgid) for form in forms)
        if forms and forms[0]:  # msgfmt -c checks every form once the first one is set
            forms = tuple(form or aligned("x", msgid) for form in forms)
        if msgid_plural is not None:
            msgid_plural = aligned(msgid_plural or "x", msgid)
    if obsolete:  # msgcat does not write obsolete entries without a translation
        if forms and not forms[0]:
            forms = (aligned("x", msgid), *forms[1:])
        elif not forms and not msgstr:
            msgstr = aligned("x", msgid)
    first = forms[0] if forms else msgstr
    flags: list[str] = []
    if first and draw(st.booleans()):
        flags.append("fuzzy")
    if not oracle:
        chosen = draw(st.sets(st.sampled_from(FORMAT_FLAGS), max_size=2))
        languages = {flag.removeprefix("no-").removesuffix("-format"): flag for flag in chosen}
        flags += [languages[name] for name in po.FORMAT_LANGUAGES if name in languages]
        if not obsolete and draw(st.booleans()):
            flags.append("range: 0..10")
    if draw(st.integers(0, 5)) == 0:
        flags.append("no-wrap")
    # gettext's grammar: #| msgctxt and #| msgid_plural only around a #| msgid
    previous_msgid = draw(st.none() | TEXT)
    previous_msgctxt = previous_msgid_plural = None
    if previous_msgid is not None:
        previous_msgctxt = draw(st.none() | TEXT) if draw(st.integers(0, 3)) == 0 else None
        previous_msgid_plural = draw(st.none() | TEXT) if msgid_plural is not None else None
    return Message(
        msgid=msgid,
        msgstr=msgstr,
        msgctxt=msgctxt,
        msgid_plural=msgid_plural,
        msgstr_plural=forms,
        flags=tuple(flags),
        auto_comments=tuple(draw(st.lists(COMMENT, max_size=2))),
        comments=tuple(draw(st.lists(COMMENT, max_size=2))),
        references=tuple(draw(st.lists(REFERENCE, max_size=8, unique=True))),
        previous_msgctxt=previous_msgctxt,
        previous_msgid=previous_msgid,
        previous_msgid_plural=previous_msgid_plural,
        obsolete=obsolete,
    )


HEADER_VALUE = st.text(SAFE_CHARS, max_size=30).filter(lambda s: "\n" not in s and "charset=" not in s)


@st.composite
def catalogs(draw: st.DrawFn, oracle: bool) -> Catalog:
    """A catalog with unique keys, live messages first and translated obsolete ones last."""
    header: tuple[tuple[str, str], ...] = HEADER
    if not oracle:
        extra = draw(st.lists(st.tuples(st.from_regex(r"X-[A-Za-z-]{1,12}", fullmatch=True), HEADER_VALUE)))
        header = HEADER + tuple(extra)
    found = draw(st.lists(messages(oracle, obsolete=False), max_size=6))
    found += draw(st.lists(messages(oracle, obsolete=True), max_size=3))
    unique: dict[tuple[str | None, str], Message] = {}
    for message in found:
        unique.setdefault(message.key, message)
    return Catalog(
        header=header,
        header_comments=tuple(draw(st.lists(COMMENT, max_size=3))),
        header_flags=("fuzzy",) if draw(st.booleans()) else (),
        messages=tuple(unique.values()),
    )


# ----------------------------------------------------------------------------------------
# Writer: golden examples, each also checked against msgcat
# ----------------------------------------------------------------------------------------

REFERENCES = (*(f"content/section-{n}/page-{n}.md" for n in range(6)), "./b.md")
HEADER_PO = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n'
GOLDEN: list[tuple[str, Message, str]] = [
    (
        "short msgid stays on the keyword line",
        Message("Hello", "Hallo"),
        'msgid "Hello"\nmsgstr "Hallo"\n',
    ),
    (
        "a line of exactly the page width is not wrapped",
        Message("m" * 71, "n" * 70 + "é"),
        f'msgid "{"m" * 71}"\nmsgstr "{"n" * 70}é"\n',
    ),
    (
        "one column past the width wraps, starting with an empty string",
        Message("m" * 35 + " " + "m" * 36, ""),
        f'msgid ""\n"{"m" * 35} {"m" * 36}"\nmsgstr ""\n',
    ),
    (
        "a URL longer than the width breaks only where UAX #14 allows",
        Message("See https://example.org/" + "a" * 80 + " for details.", ""),
        f'msgid ""\n"See https://example.org/"\n"{"a" * 80} "\n"for details."\nmsgstr ""\n',
    ),
    (
        "a word longer than the width overflows its line",
        Message("x" + "y" * 90 + " z", ""),
        f'msgid ""\n"x{"y" * 90} "\n"z"\nmsgstr ""\n',
    ),
    (
        "embedded newlines end lines and force the empty first string",
        Message("First line\nSecond line\n\nFourth", "Eerste\nTweede\n\nVierde"),
        'msgid ""\n"First line\\n"\n"Second line\\n"\n"\\n"\n"Fourth"\n'
        'msgstr ""\n"Eerste\\n"\n"Tweede\\n"\n"\\n"\n"Vierde"\n',
    ),
    (
        "no break before a final \\n",
        Message("w" * 68 + " abcdef\n", "v" * 68 + " abcdef\n"),
        f'msgid ""\n"{"w" * 68} abcdef\\n"\nmsgstr ""\n"{"v" * 68} abcdef\\n"\n',
    ),
    (
        "escape sequences are never split",
        Message("a" * 60 + ' "quoted" and a \\ backslash and a\ttab, then more words here', ""),
        'msgid ""\n"' + "a" * 60 + ' \\"quoted\\" and "\n'
        '"a \\\\ backslash and a\\ttab, then more words here"\nmsgstr ""\n',
    ),
    (
        "previous msgid wraps with the #| prefix",
        Message(
            "New text of the paragraph that is long enough to wrap over the page width limit.",
            "Oud",
            flags=("fuzzy",),
            previous_msgid="Old text of the paragraph that is long enough to wrap over the page width limit too.",
        ),
        "#, fuzzy\n"
        '#| msgid ""\n'
        '#| "Old text of the paragraph that is long enough to wrap over the page width "\n'
        '#| "limit too."\n'
        'msgid ""\n'
        '"New text of the paragraph that is long enough to wrap over the page width "\n'
        '"limit."\n'
        'msgstr "Oud"\n',
    ),
    (
        "obsolete entry with previous msgid uses #~| and #~",
        Message(
            "Gone paragraph, with a translation that is kept at the end of the file for reuse",
            "Weg",
            obsolete=True,
            flags=("fuzzy",),
            previous_msgid="Older gone paragraph",
        ),
        "#, fuzzy\n"
        '#~| msgid "Older gone paragraph"\n'
        '#~ msgid ""\n'
        '#~ "Gone paragraph, with a translation that is kept at the end of the file "\n'
        '#~ "for reuse"\n'
        '#~ msgstr "Weg"\n',
    ),
    ("obsolete entry without translation is left out", Message("Gone", "", obsolete=True), ""),
    (
        "fuzzy is dropped when msgstr is empty",
        Message("Not yet translated", "", flags=("fuzzy",)),
        'msgid "Not yet translated"\nmsgstr ""\n',
    ),
    (
        "flags come out in msgcat's order; unknown and wrap flags are dropped",
        Message("Flags", "Vlaggen", flags=("wrap", "python-format", "mine", "fuzzy", "no-wrap", "c-format")),
        '#, fuzzy, c-format, python-format, no-wrap\nmsgid "Flags"\nmsgstr "Vlaggen"\n',
    ),
    (
        "without no-wrap the same string wraps",
        Message("Long text that would normally wrap because it goes past the seventy-nine column width.", ""),
        'msgid ""\n"Long text that would normally wrap because it goes past the seventy-nine "\n'
        '"column width."\nmsgstr ""\n',
    ),
    (
        "no-wrap keeps a long string on one line (flag set)",
        Message(
            "Long text that would normally wrap because it goes past the seventy-nine column width.",
            "",
            flags=("no-wrap",),
        ),
        "#, no-wrap\n"
        'msgid "Long text that would normally wrap because it goes past the seventy-nine column width."\n'
        'msgstr ""\n',
    ),
    (
        "references fill lines up to the width; ./ is dropped",
        Message("Referenced", "", references=REFERENCES),
        "#: content/section-0/page-0.md content/section-1/page-1.md\n"
        "#: content/section-2/page-2.md content/section-3/page-3.md\n"
        "#: content/section-4/page-4.md content/section-5/page-5.md b.md\n"
        'msgid "Referenced"\nmsgstr ""\n',
    ),
    (
        "comments: translator (empty one as #), then extracted",
        Message("Commented", "", comments=("translator note", ""), auto_comments=("extracted note",)),
        '# translator note\n#\n#. extracted note\nmsgid "Commented"\nmsgstr ""\n',
    ),
    (
        "context and plural forms",
        Message("one page", msgctxt="menu", msgid_plural="%d pages", msgstr_plural=("één", "%d")),
        'msgctxt "menu"\nmsgid "one page"\nmsgid_plural "%d pages"\nmsgstr[0] "één"\nmsgstr[1] "%d"\n',
    ),
    (
        "wide CJK characters count two columns and break between ideographs",
        Message("これは日本語の文章です。" * 6, ""),
        'msgid ""\n'
        '"これは日本語の文章です。これは日本語の文章です。これは日本語の文章です。これ"\n'
        '"は日本語の文章です。これは日本語の文章です。これは日本語の文章です。"\n'
        'msgstr ""\n',
    ),
]


@pytest.fixture(params=["libunistring", "python"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with each line breaker (the libunistring one only where it loads)."""
    name = str(request.param)
    if name == "libunistring":
        if po.LINEBREAK_BACKEND != "libunistring":
            pytest.skip("libunistring is not available")
        monkeypatch.setattr(po, "_LINEBREAKS", po._linebreaks_unistring)
    else:
        monkeypatch.setattr(po, "_LINEBREAKS", po._linebreaks_python)
    return name


@pytest.mark.parametrize(("name", "message", "expected"), GOLDEN, ids=[case[0] for case in GOLDEN])
def test_golden_layout(name: str, message: Message, expected: str, backend: str) -> None:
    catalog = Catalog((("Content-Type", "text/plain; charset=UTF-8"),), (), (), (message,))
    assert po.format_po(catalog) == HEADER_PO + ("\n" + expected if expected else "")


@needs_gettext
def test_golden_layouts_are_what_msgcat_writes() -> None:
    texts = [HEADER_PO + ("\n" + expected if expected else "") for _, _, expected in GOLDEN]
    for (name, _, _), text, oracle in zip(GOLDEN, texts, run_gettext(texts), strict=True):
        assert oracle.msgcat == text, name


@needs_gettext
@needs_libunistring
@pytest.mark.parametrize("width", [0, 12, 20, 40, 100])
def test_other_page_widths_are_what_msgcat_writes(width: int) -> None:
    # msgcat treats a width under 20 as 20, and 0 as "never wrap".
    unique = {message.key: message for _, message, _ in GOLDEN}
    ordered = sorted(unique.values(), key=lambda message: message.obsolete)
    assert_msgcat_agrees([Catalog(HEADER, ("a header comment",), ("fuzzy",), tuple(ordered))], width)


def test_header_comes_first_with_its_comments_flags_and_fields_in_order() -> None:
    catalog = Catalog(
        header=(("Project-Id-Version", "site 1.0"), ("Content-Type", "text/plain; charset=UTF-8")),
        header_comments=("Dutch translation of the site.", ""),
        header_flags=("fuzzy",),
        messages=(Message("b", "B", obsolete=True), Message("a", "A")),
    )
    assert po.format_po(catalog) == (
        "# Dutch translation of the site.\n#\n#, fuzzy\n"
        'msgid ""\nmsgstr ""\n"Project-Id-Version: site 1.0\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '\nmsgid "a"\nmsgstr "A"\n'
        '\n#~ msgid "b"\n#~ msgstr "B"\n'
    )


def test_non_ascii_is_not_wrapped_without_a_utf8_charset() -> None:
    # msgcat hands the header's charset (ASCII when none) to libunistring, which then
    # cannot convert non-ASCII text and allows no break in it.
    message = Message("これは日本語の文章です。" * 6, "")
    assert po.format_po(Catalog((), (), (), (message,))) == f'msgid "{message.msgid}"\nmsgstr ""\n'


def test_empty_catalog_is_empty_text() -> None:
    assert po.format_po(Catalog()) == ""


@pytest.mark.parametrize(
    ("what", "catalog"),
    [
        ("empty msgid without context", Catalog(messages=(Message(""),))),
        ("NUL in a string", Catalog(messages=(Message("a\x00b"),))),
        ("EOT in a string", Catalog(messages=(Message("a", "b\x04"),))),
        ("newline in a comment", Catalog(messages=(Message("a", comments=("x\ny",)),))),
        ("NUL in a comment", Catalog(messages=(Message("a", comments=("x\x00y",)),))),
        ("previous context without previous msgid", Catalog(messages=(Message("a", previous_msgctxt="c"),))),
        ("comment ending in a backslash", Catalog(messages=(Message("a", auto_comments=("x\\",)),))),
        ("blank inside a reference", Catalog(messages=(Message("a", references=("my file.md",)),))),
        ("plural without forms", Catalog(messages=(Message("a", msgid_plural="as"),))),
        ("forms without plural", Catalog(messages=(Message("a", msgstr_plural=("x",)),))),
        ("colon in a header name", Catalog(header=(("A:B", "c"),))),
        ("newline in a header value", Catalog(header=(("A", "b\nc"),))),
        ("non-UTF-8 charset", Catalog(header=(("Content-Type", "text/plain; charset=ISO-8859-1"),))),
    ],
)
def test_unwritable_catalogs_are_refused(what: str, catalog: Catalog) -> None:
    with pytest.raises(ValueError):
        po.format_po(catalog)


@pytest.mark.parametrize(
    ("flags", "msgstr", "obsolete", "expected"),
    [
        (("fuzzy",), "x", False, ("fuzzy",)),
        (("fuzzy",), "", False, ()),
        (("fuzzy",), "", True, ("fuzzy",)),
        (("no-wrap", "fuzzy"), "x", False, ("fuzzy", "no-wrap")),
        (("wrap", "sh-format", "c-format"), "x", False, ("c-format", "sh-format")),
        (("possible-python-format", "impossible-c-format"), "x", False, ("python-format",)),
        (("c-format", "no-c-format"), "x", False, ("no-c-format",)),
        (("range: 1..3",), "x", False, ("range: 1..3",)),
        (("range: 1..3",), "x", True, ()),
        (("range: 3..1", "ellipsis-unicode-check", "mine"), "x", False, ()),
        (("fuzzy, c-format",), "x", False, ("fuzzy", "c-format")),
    ],
)
def test_canonical_flags_follow_msgcat(
    flags: tuple[str, ...], msgstr: str, obsolete: bool, expected: tuple[str, ...]
) -> None:
    assert po.canonical_flags(flags, msgstr, obsolete) == expected


# ----------------------------------------------------------------------------------------
# Writer: generated catalogs and real text against msgcat
# ----------------------------------------------------------------------------------------


@needs_gettext
@needs_libunistring
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(catalogs(oracle=True), min_size=1, max_size=8))
def test_generated_catalogs_are_what_msgcat_writes(batch: list[Catalog]) -> None:
    assert_msgcat_agrees(batch)


def corpus_units(text: str) -> list[str]:
    """Paragraphs then lines of a page (CRLF stripped), without repeats."""
    text = text.replace("\r\n", "\n")
    candidates = [p.strip() for p in text.split("\n\n")] + [line.strip() for line in text.split("\n")]
    return list(dict.fromkeys(unit for unit in candidates if unit))


def corpus_catalogs() -> Iterator[tuple[str, Catalog]]:
    """One catalog per English page: msgids its paragraphs/lines, msgstrs the Dutch page's."""
    for english in sorted((CORPUS / "en").glob("*.md")):
        msgids = corpus_units(english.read_text("utf-8"))
        dutch = CORPUS / "nl" / english.name
        msgstrs = corpus_units(dutch.read_text("utf-8")) if dutch.exists() else []
        found = []
        for i, msgid in enumerate(msgids):
            msgstr = msgstrs[i] if i < len(msgstrs) else ""
            found.append(
                Message(
                    msgid,
                    msgstr,
                    references=(f"src/posts/{english.name}",),
                    flags=("fuzzy",) if i % 5 == 1 and msgstr else (),
                    previous_msgid=msgids[i - 1] if i % 7 == 3 else None,
                    obsolete=i >= len(msgids) - 2 and bool(msgstr),
                )
            )
        ordered = [m for m in found if not m.obsolete] + [m for m in found if m.obsolete]
        yield english.stem, Catalog(HEADER, ("PauseAI pages (CC-BY 4.0), test catalog.",), (), tuple(ordered))


needs_corpus = pytest.mark.skipif(
    not ((CORPUS / "en").is_dir() and (CORPUS / "nl").is_dir()),
    reason=f"corpus not found at {CORPUS} (../shared/corpus/pauseai): real-text checks skipped",
)


@pytest.mark.corpus
@needs_corpus
@needs_gettext
@needs_libunistring
def test_real_pages_are_what_msgcat_writes() -> None:
    catalogs = [catalog for _, catalog in corpus_catalogs()]
    assert len(catalogs) >= 100
    assert_msgcat_agrees(catalogs)


@pytest.mark.corpus
@needs_corpus
def test_real_pages_round_trip() -> None:
    for name, catalog in corpus_catalogs():
        assert without_lineno(po.parse_po(po.format_po(catalog), name)) == catalog, name


@pytest.mark.corpus
@needs_corpus
@needs_libunistring
def test_python_fallback_stays_close_to_libunistring_on_real_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fallback is an approximation tuned on this corpus; it must stay close.
    catalogs = [catalog for _, catalog in corpus_catalogs()][::2]
    exact = [po.format_po(catalog) for catalog in catalogs]
    monkeypatch.setattr(po, "_LINEBREAKS", po._linebreaks_python)
    approx = [po.format_po(catalog) for catalog in catalogs]
    same = sum(a == b for a, b in zip(exact, approx, strict=True))
    assert same >= 0.9 * len(catalogs)


def test_backend_can_be_forced_to_python() -> None:
    env = {**os.environ, "PIPELINE_LINEBREAK": "python"}
    code = "from pipeline.formats import po; print(po.LINEBREAK_BACKEND)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "python"
    assert po.LINEBREAK_BACKEND in ("libunistring", "python")


def test_write_po_writes_only_on_change(tmp_path: Path) -> None:
    catalog = Catalog(HEADER, (), (), (Message("a", "b"),))
    target = tmp_path / "nl" / "page.po"
    assert po.write_po(target, catalog) is True
    assert po.write_po(target, catalog) is False
    assert target.read_bytes() == po.format_po(catalog).encode("utf-8")
    assert po.read_po(target) == dataclasses.replace(
        catalog, messages=(dataclasses.replace(catalog.messages[0], lineno=15),)
    )


# ----------------------------------------------------------------------------------------
# Reader
# ----------------------------------------------------------------------------------------


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(oracle=False))
def test_round_trip_parse_of_format_is_identity(catalog: Catalog) -> None:
    text = po.format_po(catalog)
    parsed = po.parse_po(text, "generated.po")
    assert without_lineno(parsed) == catalog
    lines = text.split("\n")
    for message in parsed.messages:
        assert re.match(r"(#~ )?msgid ", lines[message.lineno - 1]), message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(oracle=False), st.integers(0, 4), st.text(st.sampled_from('ab é\\"\t'), max_size=3))
def test_equal_written_forms_are_exactly_equal_bytes(a: Catalog, pick: int, text: str) -> None:
    """``written_form`` (the gate's staleness by entries) says "same bytes" exactly when format_po does."""
    messages = list(a.messages)
    if pick == 0:  # the same entries laid out by another editor: line numbers and wrapping differ
        b = po.parse_po(po.format_po(a, width=200), "other.po")
    elif pick == 1 and messages:  # one translation edited (maybe to the same text)
        messages[0] = dataclasses.replace(messages[0], msgstr=messages[0].msgstr + text)
        b = dataclasses.replace(a, messages=tuple(messages))
    elif pick == 2:  # entries in another order
        b = dataclasses.replace(a, messages=a.messages[::-1])
    elif pick == 3:  # an obsolete entry without a translation (msgcat leaves it out)
        gone = Message(msgid="gone" + text, obsolete=True)
        b = dataclasses.replace(a, messages=(*a.messages, gone))
    else:  # a header field changed (maybe to the same value)
        b = a.with_header(Language=(a.header_value("Language") or "") + text)
    same_bytes = po.format_po(a) == po.format_po(b)
    assert (po.written_form(a) == po.written_form(b)) == same_bytes


SAMPLE = r"""# Dutch translation.
#, fuzzy
msgid ""
msgstr ""
"Project-Id-Version: site\n"
"Language: nl\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#  indented note
#
#. from the heading
#: docs/a.md docs/b.md:12
#, no-wrap, fuzzy
#| msgctxt "old"
#| msgid "Old "
#| "title"
msgctxt "nav"
msgid "Title"
msgstr "Titel"

msgid "one file"
msgid_plural "%d files"
msgstr[0] "één bestand"
msgstr[1] "%d bestanden"

msgid "Escapes \a\b\f\v\r\t\\\"\303\251\x41"
msgstr ""

#, fuzzy
#~| msgid "Older"
#~ msgid "Retired"
#~ msgstr "Gepensioneerd"
"""


def test_reader_maps_every_part_of_an_entry() -> None:
    catalog = po.parse_po(SAMPLE, "nl.po")
    assert catalog.header == (
        ("Project-Id-Version", "site"),
        ("Language", "nl"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Plural-Forms", "nplurals=2; plural=(n != 1);"),
    )
    assert catalog.header_comments == ("Dutch translation.",)
    assert catalog.header_flags == ("fuzzy",)
    title, plural, escapes, retired = catalog.messages
    assert title == Message(
        msgid="Title",
        msgstr="Titel",
        msgctxt="nav",
        flags=("no-wrap", "fuzzy"),
        auto_comments=("from the heading",),
        comments=(" indented note", ""),
        references=("docs/a.md", "docs/b.md:12"),
        previous_msgctxt="old",
        previous_msgid="Old title",
        lineno=19,
    )
    assert plural.msgid_plural == "%d files"
    assert plural.msgstr_plural == ("één bestand", "%d bestanden")
    assert plural.lineno == 22
    assert escapes.msgid == 'Escapes \a\b\f\v\r\t\\"éA'
    assert retired.obsolete and retired.fuzzy and retired.previous_msgid == "Older"
    assert retired.lineno == SAMPLE.split("\n").index('#~ msgid "Retired"') + 1


def test_reader_accepts_crlf_bom_and_same_msgid_in_two_contexts() -> None:
    text = '\ufeffmsgctxt "a"\r\nmsgid "x"\r\nmsgstr "1"\r\n\r\nmsgctxt "b"\r\nmsgid "x"\r\nmsgstr "2"\r\n'
    catalog = po.parse_po(text, "x.po")
    assert [(m.msgctxt, m.msgstr) for m in catalog.messages] == [("a", "1"), ("b", "2")]


def test_reader_agrees_with_polib_on_ordinary_files() -> None:
    # Without what polib gets wrong: #~| lines (dropped) and \a, octal, hex escapes.
    ordinary = SAMPLE.replace('#~| msgid "Older"\n', "").replace("\\303\\251\\x41", "éA").replace("\\a", "")
    ours = po.parse_po(ordinary, "nl.po").messages
    theirs = [entry for entry in polib.pofile(ordinary) if entry.msgid]
    assert len(ours) == len(theirs)
    for mine, entry in zip(ours, theirs, strict=True):
        assert (mine.msgctxt, mine.msgid, mine.obsolete) == (entry.msgctxt, entry.msgid, bool(entry.obsolete))
        assert mine.msgstr == entry.msgstr or mine.msgstr_plural == tuple(entry.msgstr_plural.values())
        assert list(mine.flags) == entry.flags
        assert (mine.previous_msgid, mine.previous_msgctxt) == (entry.previous_msgid, entry.previous_msgctxt)


ERRORS: list[tuple[str, str, int, str]] = [
    ("unterminated string", 'msgid "abc\nmsgstr ""\n', 1, "end-of-line within string"),
    ("unknown keyword", 'msgid "a"\nmsgstring "b"\n', 2, 'keyword "msgstring" unknown'),
    ("msgstr without msgid", '# note\nmsgstr "b"\n', 2, "msgstr without a msgid"),
    ("string without keyword", '"floating"\n', 1, "string without a keyword"),
    ("msgid without msgstr at end", 'msgid "a"\nmsgstr "b"\n\nmsgid "c"\n', 4, "without a msgstr"),
    ("msgid without msgstr before next", 'msgid "a"\nmsgid "b"\nmsgstr ""\n', 2, "line 1 has no msgstr"),
    ("duplicate msgid", 'msgid "a"\nmsgstr "1"\n\nmsgid "a"\nmsgstr "2"\n', 4, "first defined at line 1"),
    ("duplicate of obsolete", 'msgid "a"\nmsgstr "1"\n\n#~ msgid "a"\n#~ msgstr "b"\n', 4, "duplicate"),
    ("second header", 'msgid ""\nmsgstr ""\n\nmsgid ""\nmsgstr ""\n', 4, "duplicate"),
    ("invalid escape", 'msgid "a\\qb"\nmsgstr ""\n', 1, "invalid escape"),
    ("escapes that are not UTF-8", 'msgid "\\377"\nmsgstr ""\n', 1, "UTF-8"),
    ("NUL through an escape", 'msgid "a\\0"\nmsgstr ""\n', 1, "NUL"),
    ("EOT character", 'msgid "a\x04b"\nmsgstr ""\n', 1, "EOT"),
    ("msgstr[0] without msgid_plural", 'msgid "a"\nmsgstr[0] ""\n', 2, "without msgid_plural"),
    ("msgstr after msgid_plural", 'msgid "a"\nmsgid_plural "b"\nmsgstr ""\n', 3, "msgstr after msgid_plural"),
    ("plural index out of order", 'msgid "a"\nmsgid_plural "b"\nmsgstr[1] ""\n', 3, "wrong index"),
    ("comment inside an entry", 'msgid "a"\n# note\nmsgstr ""\n', 2, "where a msgstr was expected"),
    ("mixed obsolete marks", '#~ msgid "a"\nmsgstr ""\n', 2, "inconsistent use of #~"),
    ("junk after a string", 'msgid "a" ;\nmsgstr ""\n', 1, "syntax error"),
    ("domain directive", 'domain "x"\n', 1, 'keyword "domain" unknown'),
    ("previous without keyword", '#| "x"\nmsgid "a"\nmsgstr ""\n', 1, "#| string"),
    ("previous context alone", '#| msgctxt "x"\nmsgid "a"\nmsgstr ""\n', 2, "without #| msgid"),
    ("comment after previous", '#| msgid "x"\n# note\nmsgid "a"\nmsgstr ""\n', 2, "comment between #|"),
    ("previous of obsolete on live entry", '#~| msgid "x"\nmsgid "a"\nmsgstr ""\n', 2, "inconsistent"),
    (
        "header line without colon",
        'msgid ""\nmsgstr ""\n"Language: nl\\n"\n"garbage\\n"\n',
        4,
        "not 'Name: value'",
    ),
    (
        "charset other than UTF-8",
        'msgid ""\nmsgstr ""\n"Language: nl\\n"\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n',
        4,
        "charset ISO-8859-1 is not supported",
    ),
]


@pytest.mark.parametrize(("what", "text", "line", "fragment"), ERRORS, ids=[case[0] for case in ERRORS])
def test_malformed_input_is_reported_at_its_line(what: str, text: str, line: int, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        po.parse_po(text, "nl/page.po")
    assert caught.value.path == "nl/page.po"
    assert caught.value.line == line
    assert fragment in caught.value.message


def test_charset_error_says_how_to_convert() -> None:
    with pytest.raises(InputError) as caught:
        po.parse_po('msgid ""\nmsgstr "Content-Type: text/plain; charset=latin1\\n"\n', "x.po")
    assert "msgconv" in caught.value.hint


@pytest.mark.parametrize(
    ("what", "data", "line", "fragment"),
    [
        ("bytes that are not UTF-8", b'msgid "a"\nmsgstr "caf\xe9"\n', 2, "not valid UTF-8"),
        (
            "a declared Latin-1 file",
            b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n\nmsgid "a"\nmsgstr "\xe9"\n',
            3,
            "charset ISO-8859-1",
        ),
    ],
)
def test_read_po_rejects_files_that_are_not_utf8(
    tmp_path: Path, what: str, data: bytes, line: int, fragment: str
) -> None:
    path = tmp_path / "x.po"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        po.read_po(path, "nl/x.po")
    assert (caught.value.path, caught.value.line) == ("nl/x.po", line)
    assert fragment in caught.value.message


def test_read_po_of_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        po.read_po(tmp_path / "missing.po")


VALID_TEXTS = [
    SAMPLE,
    po.format_po(
        Catalog(
            HEADER,
            ("note",),
            ("fuzzy",),
            (
                Message("Long " * 30, "Lang " * 9, msgctxt="c", previous_msgid="Old\nline", flags=("fuzzy",)),
                Message("one", msgid_plural="many", msgstr_plural=("een", "veel")),
                Message("gone", "weg", obsolete=True, previous_msgid="went"),
            ),
        )
    ),
]
SNIPPETS = [
    '"', "\\", "\\x", "\\400", "\\q", "msgid ", "msgstr ", "msgstr[1] ", "msgstr[0] ", "msgid_plural ",
    "msgctxt ", "#~ ", "#~| ", "#| ", "#, ", "#: ", "#. ", "# ", "\n", '""', '"x"', 'domain "d"\n', "\x04",
    "\x00", "\ufeff", "\r\n", "charset=latin1", "[", "]", "\\\n", "msgstr[99999999999999999999] ", "\u2028",
]  # fmt: skip


@st.composite
def mutated_po(draw: st.DrawFn) -> str:
    """A valid PO text with a few random edits: inserted tokens, cuts, repeated or swapped lines."""
    text = draw(st.sampled_from(VALID_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.integers(0, 3))
        at = draw(st.integers(0, len(text)))
        if operation == 0:
            text = text[:at] + draw(st.sampled_from(SNIPPETS) | st.text(max_size=5)) + text[at:]
        elif operation == 1:
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if operation == 2:
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), mutated_po()))
def test_malformed_input_raises_only_input_error_with_a_line(text: str) -> None:
    try:
        po.parse_po(text, "fuzz.po")
    except InputError as error:
        assert error.path == "fuzz.po"
        assert error.line is not None and 1 <= error.line <= text.count("\n") + 1


@settings(max_examples=150, deadline=None)
@given(mutated_po())
def test_rewriting_what_was_read_is_stable(text: str) -> None:
    # Whatever parses is either written (and writing it again changes nothing) or refused
    # with ValueError (e.g. a comment ending in a backslash); nothing else escapes.
    try:
        catalog = po.parse_po(text, "fuzz.po")
    except InputError:
        return
    try:
        written = po.format_po(catalog)
    except ValueError:
        return
    assert po.format_po(po.parse_po(written, "again.po")) == written


# --------------------------------------------------------------------------- the fast reader


def _every_field(catalog: Catalog) -> tuple[object, ...]:
    """A catalog as comparable values, line numbers included (``Message`` equality skips them)."""
    rows = [tuple(getattr(m, f.name) for f in dataclasses.fields(m)) for m in catalog.messages]
    return (catalog.header, catalog.header_comments, catalog.header_flags, rows)


def test_fast_reader_takes_an_empty_msgid_plural_beside_a_msgid_with_line_breaks() -> None:
    """An empty ``msgid_plural`` is not compared with the msgid's line breaks (msgfmt -c skips
    empty strings; the full parser does too), so the fast path reads such an entry itself."""
    entry = Message(msgid="\n", msgid_plural="", msgstr_plural=("", "\n0\n"), flags=("no-wrap",))
    text = po.format_po(Catalog(header=(), messages=(entry,)))
    fast = po._parse_fast(text, "x.po")
    assert fast is not None
    assert _every_field(fast) == _every_field(po._parse_slow(text, "x.po"))


_MUTATIONS = ['"', "\\", "#", "#~ ", "#| ", "#~| ", " ", "\t", "\n", "msgid ", "msgstr ", "msgstr[1] ", "\\0", "\\x4"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(oracle=False), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 4), st.integers(0, 13))))
def test_fast_reader_reads_exactly_what_the_full_parser_reads_or_leaves_it_to_it(
    catalog: Catalog, edits: list[tuple[int, int, int]]
) -> None:
    """Well-formed or damaged (characters, keywords, lines inserted, removed, swapped): whenever
    the fast path accepts a text, the full parser reads it without error and to the same values,
    line numbers included; a catalog as we write it takes the fast path (unless a comment holds
    a control character the fast path leaves alone)."""
    text = po.format_po(catalog)
    fast = po._parse_fast(text, "x.po")
    assert fast is not None or any(c in text for c in "\x00\x04\r")
    assert _every_field(fast or po.parse_po(text, "x.po")) == _every_field(po._parse_slow(text, "x.po"))
    lines = text.split("\n")
    for at, op, what in edits:
        i = at % len(lines)
        if op == 0:
            j = at % (len(lines[i]) + 1)
            lines[i] = lines[i][:j] + _MUTATIONS[what] + lines[i][j:]
        elif op == 1 and lines[i]:
            j = at % len(lines[i])
            lines[i] = lines[i][:j] + lines[i][j + 1 :]
        elif op == 2:
            lines.insert(i, lines[what % len(lines)])
        elif op == 3 and len(lines) > 1:
            del lines[i]
        else:
            k = what % len(lines)
            lines[i], lines[k] = lines[k], lines[i]
    damaged = "\n".join(lines)
    fast = po._parse_fast(damaged, "x.po")
    if fast is not None:
        assert _every_field(fast) == _every_field(po._parse_slow(damaged, "x.po"))


def test_fast_reader_leaves_odd_shapes_to_the_full_parser() -> None:
    """CR line ends, continued lines, two strings on a line, blanks before a keyword: read by
    the full parser (same result), never half-read by the fast one."""
    good = 'msgid "a"\nmsgstr "b"\n'
    for odd in (
        good.replace("\n", "\r\n"),
        'msgid "a" "x"\nmsgstr "b"\n',
        '  msgid "a"\nmsgstr "b"\n',
        'msgid "a\\\n"\nmsgstr "b"\n',
        'msgstr "b"\n',
        'msgid "a"\nmsgstr "b\\n"\n',  # line breaks differ: an error only the full parser reports
        'msgid "\\na"\nmsgstr "b"\n',
        'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] "bs\\n"\n',
    ):
        assert po._parse_fast(odd, "x.po") is None
    assert po._parse_fast(good, "x.po") == po._parse_slow(good, "x.po")
