"""Fuzzing: malformed input gives success or a PipelineError with path and line, never a crash.

Hypothesis generates inputs for every reader of user files: the PO reader (random text and
mutations of real PO files), the markdown segmenter and its front-matter reader, the
configuration (TOML text and parsed tables), and whole `pipeline sync` runs on a project with
a fuzzed page or PO file (where a failure must also leave every file as it was). A reader
that succeeds must hand on something the rest of the pipeline can use: a parsed PO file can
be written again, a segmented page gives a template that can be written.

``FUZZ_EXAMPLES`` below adds up to the number of generated inputs per run (at least 1,000).
Crashes found while writing these tests are kept as named regression tests at the end.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli.main import COMMANDS, main
from pipeline.errors import InputError, PipelineError
from pipeline.formats import po
from pipeline.model import Catalog, Page
from pipeline.segment.walker import segment_page
from pipeline.stages.build import build_page
from pipeline.stages.extract import make_template
from pipeline.workspace.files import read_page
from pipeline.workspace.settings import from_dict, load

FUZZ_EXAMPLES = {
    "po_random": 400,
    "po_mutated": 250,
    "markdown": 400,
    "front_matter": 300,
    "toml": 150,
    "config_table": 100,
    "bytes": 100,
    "translation": 150,
    "sync_page": 40,
    "sync_po": 40,
    "lock_file": 150,  # runs once pipeline.lock (issue 4) is merged in
    "import": 30,  # runs once import (issue 6) is merged in
    "link_destination": 300,
    "po_kept": 30,
}


def fuzz(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return settings(
        max_examples=FUZZ_EXAMPLES[name],
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


def test_fuzz_budget_is_at_least_1000_inputs_per_run() -> None:
    on_this_branch = {k: v for k, v in FUZZ_EXAMPLES.items() if k not in ("lock_file", "import")}
    assert sum(on_this_branch.values()) >= 1000


def line_count(text: str) -> int:
    return len(re.split(r"\r\n|\r|\n", text))


def assert_located(exc: PipelineError, path: str, text: str) -> None:
    """The error names the file and a line that exists in it (or the line after the last)."""
    assert exc.path == path, str(exc)
    assert exc.line is not None, f"no line in: {exc}"
    assert 1 <= exc.line <= line_count(text) + 1, f"line {exc.line} outside the text: {exc}"
    assert "\n" not in str(exc), f"error is not one line: {exc!r}"


# --------------------------------------------------------------------------- PO reader

PO_TOKENS = st.sampled_from(
    [
        "msgid",
        "msgstr",
        "msgctxt",
        "msgid_plural",
        "msgstr[0]",
        "msgstr[1]",
        "msgstr[9]",
        "msgstr[",
        '"',
        '""',
        '"text"',
        '"a\\nb"',
        '"\\',
        "\\",
        "\\x41",
        "\\777",
        "\\u00e9",
        "#",
        "# ",
        "#.",
        "#:",
        "#,",
        "#, fuzzy",
        "#|",
        "#| msgid",
        "#~",
        "#~|",
        "#~ msgid",
        "\n",
        "\n",
        "\n",
        "\r\n",
        "\r",
        " ",
        "\t",
        "\x00",
        "\x04",
        "\ufeff",
        "é",
        "🚸",
        "\u2028",
        "שלום",
        "Content-Type: text/plain; charset=UTF-8\\n",
        "charset=latin-1",
        "[",
        "]",
        "x",
    ]
)
PO_TEXT = st.one_of(
    st.lists(PO_TOKENS, max_size=40).map("".join),
    st.text(alphabet=st.sampled_from('msgidtrx "\\#~|:,.\n\r\t[]0\x00é'), max_size=200),
)


def _sample_po_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((REPO / "locales").rglob("*.po"))][:6]


@st.composite
def mutated_po(draw: st.DrawFn) -> str:
    """A real PO file with a few random edits: bytes cut, tokens inserted, lines swapped or doubled."""
    text = draw(st.sampled_from(_sample_po_texts()))
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        pos = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["cut", "insert", "swap", "double"]))
        if op == "cut":
            text = text[:pos] + text[pos + draw(st.integers(1, 40)) :]
        elif op == "insert":
            text = text[:pos] + draw(PO_TOKENS) + text[pos:]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if op == "swap":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines.insert(j, lines[i])
            text = "\n".join(lines)
    return text


def check_po(text: str) -> None:
    try:
        catalog = po.parse_po(text, "fuzz.po")
    except InputError as exc:
        assert_located(exc, "fuzz.po", text)
        return
    written = po.format_po(catalog)  # what was read can be written again ...
    assert po.parse_po(written, "again.po") == po.parse_po(written, "again.po")  # ... and read back


@fuzz("po_random")
@given(PO_TEXT)
def test_fuzz_po_reader_random_text(text: str) -> None:
    check_po(text)


@fuzz("po_mutated")
@given(mutated_po())
def test_fuzz_po_reader_mutated_real_files(text: str) -> None:
    check_po(text)


# --------------------------------------------------------------------------- markdown and front matter

MD_TOKENS = st.sampled_from(
    [
        "# ",
        "## ",
        "Heading",
        " {#id}",
        "{#",
        "text",
        "more words",
        "\n",
        "\n",
        "\n\n",
        "\r\n",
        "\r",
        "- ",
        "* ",
        "1. ",
        "> ",
        "  ",
        "\t",
        "|",
        "| a | b |\n|---|---|\n",
        "```",
        "~~~",
        "`",
        "[",
        "](",
        ")",
        "](/x#y)",
        "![",
        "<",
        ">",
        "<div>",
        "</div>",
        '<img alt="x">',
        '<a href="/x">',
        "</a>",
        "<!--",
        "-->",
        "<script>",
        "{",
        "}",
        "{count}",
        "{#if x}",
        "{/if}",
        "{@html x}",
        "&amp;",
        "&#",
        "\\",
        "*",
        "_",
        "---",
        "===",
        "\ufeff",
        "\u2028",
        "\x0b",
        "\x0c",
        "\x85",
        "🚸",
        "שלום",
        "日本語",
        "\u200f",
    ]
)
MARKDOWN = st.lists(MD_TOKENS, max_size=80).map("".join)

YAML_TOKENS = st.sampled_from(
    [
        "title",
        "description",
        ":",
        ": ",
        "-",
        "- ",
        " ",
        "  ",
        "\t",
        "\n",
        "\n",
        "\r\n",
        "'",
        '"',
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "&a [*a]",
        "&b\n  - *b",
        "[*a, *a]",
        "!!str ",
        "!!python/object:os.system ",
        "!!binary ",
        "|",
        ">",
        "|-",
        "? ",
        "%YAML 1.2",
        "---",
        "...",
        "#",
        "value",
        "Hello world",
        "é",
        "🚸",
        "\\",
        "\\x",
        "<<: ",
        "~",
        "null",
        "123",
        "2024-01-01",
        "\x00",
    ]
)


@st.composite
def front_matter_page(draw: st.DrawFn) -> str:
    yaml_text = "".join(draw(st.lists(YAML_TOKENS, max_size=30)))
    if draw(st.booleans()):
        yaml_text = "title: " + yaml_text
    close = draw(st.sampled_from(["---\n", "---\r\n", "---", "", "...\n", "--- \n"]))
    return "---\n" + yaml_text + "\n" + close + draw(MARKDOWN)


def check_page(text: str) -> None:
    try:
        doc = segment_page(Page("fuzz", "fuzz.md", text))
    except InputError as exc:
        assert_located(exc, "fuzz.md", text)
        return
    po.format_po(make_template(doc, None, "2024-01-01 00:00+0000"))  # every msgid can be written to a PO file


@fuzz("markdown")
@given(MARKDOWN)
def test_fuzz_markdown_segmenter(text: str) -> None:
    check_page(text)


@fuzz("front_matter")
@given(front_matter_page())
def test_fuzz_front_matter_reader(text: str) -> None:
    check_page(text)


@fuzz("bytes")
@given(st.binary(max_size=300), st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe"]))
def test_fuzz_undecodable_files(tmp_path_factory: pytest.TempPathFactory, data: bytes, bom: bytes) -> None:
    folder = tmp_path_factory.mktemp("bytes")
    for name, read in (("x.po", lambda f: po.read_po(f, "x.po")), ("x.md", lambda f: read_page(folder, f, "x"))):
        file = folder / name
        file.write_bytes(bom + data)
        try:
            result = read(file)
            if name == "x.md":
                check_page(result.text)
        except InputError as exc:
            assert exc.path == name and exc.line is not None, str(exc)


SAMPLE_DOC = segment_page(Page("join", "join.md", (REPO / "source" / "join.md").read_text(encoding="utf-8")))


@fuzz("translation")
@given(st.data())
def test_fuzz_build_with_random_translations(data: st.DataObject) -> None:
    """Any msgstr for any segment: build returns a page (maybe with fallbacks), never raises."""
    table = {}
    for seg in SAMPLE_DOC.segments:
        if data.draw(st.booleans()):
            table[(seg.msgctxt, seg.msgid)] = data.draw(st.one_of(MARKDOWN, st.text(max_size=60)))
    built = build_page(SAMPLE_DOC, table)
    again = segment_page(Page("join", "join.md", built.text))  # what build emits reads back as a page
    assert len(again.segments) == len(SAMPLE_DOC.segments)


# --------------------------------------------------------------------------- configuration

TOML_TOKENS = st.sampled_from(
    [
        "source",
        "locales_dir",
        "output",
        "locales",
        "front_matter",
        "translate",
        "segment",
        "html_attributes",
        "upstream",
        "path",
        "unknown",
        " = ",
        "=",
        '"source"',
        '"build/{locale}"',
        '"../x"',
        '"/abs"',
        '""',
        '"nl"',
        '"xx-invalid"',
        '"templates"',
        "[",
        "]",
        "[[",
        "]]",
        "{",
        "}",
        ",",
        ".",
        "1",
        "true",
        "1979-05-27",
        "'lit'",
        '"""',
        "\n",
        "\n",
        "\r\n",
        " ",
        "#",
        "\\",
        "é",
        "\x00",
        "\ufeff",
    ]
)


@fuzz("toml")
@given(st.lists(TOML_TOKENS, max_size=30).map("".join))
def test_fuzz_pipeline_toml(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    root = tmp_path_factory.mktemp("toml")
    (root / "pipeline.toml").write_text(text, encoding="utf-8", newline="")
    try:
        load(root)
    except PipelineError as exc:
        assert_located(exc, "pipeline.toml", text)


TOML_VALUES = st.recursive(
    st.one_of(
        st.text(max_size=12),
        st.sampled_from(["source", "build/{locale}", "../x", "/abs", "nl", "de", "templates", "x/y"]),
        st.integers(),
        st.booleans(),
        st.floats(allow_nan=False),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["translate", "path", "x"]), inner, max_size=3)
    ),
    max_leaves=8,
)
KEYS = st.sampled_from(
    ["source", "locales_dir", "output", "locales", "front_matter", "segment", "upstream", "check", "bogus"]
)


@fuzz("config_table")
@given(st.dictionaries(KEYS, TOML_VALUES, max_size=5))
def test_fuzz_config_tables(tmp_path_factory: pytest.TempPathFactory, data: dict[str, object]) -> None:
    root = tmp_path_factory.mktemp("cfg")
    try:
        from_dict(root, data)
    except PipelineError as exc:
        assert exc.path == "pipeline.toml", str(exc)


# --------------------------------------------------------------------------- whole runs


def project_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".pipeline" not in p.parts
    }


ERROR_LINE = re.compile(r"^[^\n:]+(:\d+)?: error: [^\n]+\n$")


def sync_fuzzed(root: Path) -> None:
    """Run sync: success, or exit 2 with one `path:line: error:` line and every file as it was."""
    before = project_files(root)
    out, err = io.StringIO(), io.StringIO()
    code = main(["--root", str(root), "-q", "sync"], out=out, err=err)
    if code == 0:
        return
    assert code == 2, err.getvalue()
    assert ERROR_LINE.match(err.getvalue()), err.getvalue()
    assert project_files(root) == before, "a failed run changed files"


@pytest.fixture(scope="module")
def synced_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    write(root / "source" / "index.md", "---\ntitle: Home\n---\n\n# Welcome\n\nWe walk to school.\n\n- Safe\n")
    write(root / "source" / "other.md", "## Other\n\nText of the other page.\n")
    (root / "locales" / "nl").mkdir(parents=True)
    assert main(["--root", str(root), "-q", "sync"], out=io.StringIO(), err=io.StringIO()) == 0
    return root


@fuzz("sync_page")
@given(st.one_of(MARKDOWN, front_matter_page()))
def test_fuzz_sync_with_a_broken_page(synced_site: Path, tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    root = tmp_path_factory.mktemp("run") / "site"
    shutil.copytree(synced_site, root)
    (root / "source" / "index.md").write_text(text, encoding="utf-8", newline="")
    sync_fuzzed(root)


@fuzz("sync_po")
@given(st.one_of(PO_TEXT, mutated_po()))
def test_fuzz_sync_with_a_broken_po_file(
    synced_site: Path, tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    root = tmp_path_factory.mktemp("run") / "site"
    shutil.copytree(synced_site, root)
    (root / "locales" / "nl" / "index.po").write_text(text, encoding="utf-8", newline="")
    sync_fuzzed(root)


# --------------------------------------------------------------------------- readers of other issues

# `pipeline.lock` (issue 4, `pull`) and `import` (issue 6) live on other branches; these tests
# run once they are merged in (and are skipped until then).
COMMAND_NAMES = {c.name for c in COMMANDS}
HAS_LOCK = importlib.util.find_spec("pipeline.git.lock") is not None
SHA = "0123456789abcdef0123456789abcdef01234567"
LOCK_TEXT = (
    "# Written by 'pipeline pull'.\n"
    'url = "https://example.org/site.git"\nref = "main"\npath = "src/posts"\n'
    f'commit = "{SHA}"\ndate = "2024-05-01T10:00:00+00:00"\npinned = false\n\n'
    f'[pages]\n"index.md" = "{SHA}"\n"sub/page.md" = "{SHA}"\n'
)
LOCK_TOKENS = st.sampled_from(
    [
        "url",
        "ref",
        "path",
        "commit",
        "date",
        "pinned",
        "pages",
        "[pages]",
        '"index.md"',
        '"../x.md"',
        '"/abs.md"',
        " = ",
        "=",
        f'"{SHA}"',
        '"abc"',
        '""',
        "true",
        "1",
        "[",
        "]",
        "{",
        "}",
        ",",
        "\n",
        "\n",
        "\r\n",
        " ",
        "#",
        "\\",
        '"',
        "é",
        "\x00",
        "\x0b",
        "\u2028",
    ]
)


@st.composite
def mutated_lock(draw: st.DrawFn) -> str:
    text = LOCK_TEXT
    for _ in range(draw(st.integers(1, 3))):
        pos = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:pos] + text[pos + draw(st.integers(1, 30)) :]
        else:
            text = text[:pos] + draw(LOCK_TOKENS) + text[pos:]
    return text


@pytest.mark.skipif(not HAS_LOCK, reason="pipeline.lock (issue 4) is not on this branch yet")
@fuzz("lock_file")
@given(st.one_of(st.lists(LOCK_TOKENS, max_size=30).map("".join), mutated_lock()))
def test_fuzz_lock_file(text: str) -> None:
    lock = importlib.import_module("pipeline.git.lock")
    try:
        lock.parse_lock(text, "pipeline.lock")
    except InputError as exc:
        if exc.line is None and str(exc.message).endswith("missing"):
            return  # a key that is not there has no line of its own
        assert_located(exc, "pipeline.lock", text)


@pytest.mark.skipif("import" not in COMMAND_NAMES, reason="import (issue 6) is not on this branch yet")
@fuzz("import")
@given(st.one_of(MARKDOWN, front_matter_page()))
def test_fuzz_import_of_a_broken_translated_page(
    synced_site: Path, tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    """A broken translated page: a clear message for it and nothing written (all or nothing), no traceback."""
    root = tmp_path_factory.mktemp("import") / "site"
    shutil.copytree(synced_site, root)
    for old in (root / "locales" / "nl").glob("*.po"):
        old.unlink()
    pages = root / "translated"
    write(pages / "other.md", (root / "source" / "other.md").read_text(encoding="utf-8").replace("Text", "Tekst"))
    (pages / "index.md").write_text(text, encoding="utf-8", newline="")
    out, err = io.StringIO(), io.StringIO()
    args = ["--root", str(root), "-q", "import", "--locale", "nl", str(pages), "--source-dir", str(root / "source")]
    code = main(args, out=out, err=err)
    assert code in (0, 1), err.getvalue()
    # all or nothing: the good page is imported only when the broken one could be imported too
    assert (root / "locales" / "nl" / "other.po").is_file() == (code == 0), err.getvalue()
    for written in (root / "locales").rglob("*.po"):
        po.read_po(written)  # nothing half-written: every PO file reads


# --------------------------------------------------------------------------- regressions found by fuzzing


def located_error(call: Callable[[], object]) -> PipelineError:
    with pytest.raises(PipelineError) as info:
        call()
    return info.value


def test_regression_toml_error_at_end_of_document_has_a_line(tmp_path: Path) -> None:
    (tmp_path / "pipeline.toml").write_text("# settings\nsource")
    exc = located_error(lambda: load(tmp_path))
    assert (exc.path, exc.line) == ("pipeline.toml", 2)


def test_regression_unknown_quoted_key_is_located(tmp_path: Path) -> None:
    (tmp_path / "pipeline.toml").write_text('source = "source"\n"build/{locale}" = "x"\n')
    exc = located_error(lambda: load(tmp_path))
    assert str(exc).startswith("pipeline.toml:2: error: unknown setting 'build/{locale}'")


def test_regression_charset_declared_outside_content_type_is_refused_when_read() -> None:
    # The writer (like msgcat) takes the first "charset=" anywhere in the header; the reader
    # looked only in Content-Type, so sync crashed with a ValueError when writing the file.
    text = 'msgid ""\nmsgstr ""\n"charset=latin-1X: y\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    exc = located_error(lambda: po.parse_po(text, "f.po"))
    assert str(exc).startswith("f.po:3: error: charset latin-1X: is not supported")


def test_regression_charset_with_a_semicolon_is_refused_when_read() -> None:
    text = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8;\\n"\n'
    assert str(located_error(lambda: po.parse_po(text, "f.po"))).startswith(
        "f.po:2: error: charset UTF-8; is not supported"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('#\r. where\nmsgid "a"\nmsgstr ""\n', "f.po:1: error: comment line contains a carriage return"),
        ('#: a\x00b\nmsgid "a"\nmsgstr ""\n', "f.po:1: error: comment line contains a NUL character"),
        ('msgid "a"\nmsgstr ""\n# end\\', "f.po:3: error: comment line ends with a backslash"),
        ('msgid ""\nmsgstr ": v\\n"\n', "f.po:2: error: header line ': v' is not 'Name: value'"),
    ],
)
def test_regression_po_line_the_writer_cannot_write_is_refused_when_read(text: str, message: str) -> None:
    # Each read fine, then crashed the PO writer (ValueError) during sync.
    assert str(located_error(lambda: po.parse_po(text, "f.po"))).startswith(message)


def test_regression_yaml_reader_error_is_one_located_line() -> None:
    # PyYAML's reader error spans two lines and has no mark; it came out as two lines at line 2.
    exc = located_error(lambda: segment_page(Page("p", "p.md", "---\ntitle: x\nbad: \x0b\n---\n")))
    assert str(exc) == (
        "p.md:3: error: front matter is not valid YAML: character U+000B is not allowed; "
        "remove the character or write it as an escape inside a double-quoted string"
    )


def test_regression_nul_in_a_page_is_refused_with_its_line() -> None:
    # A NUL reached a msgid and crashed the PO writer (ValueError) during sync.
    exc = located_error(lambda: segment_page(Page("p", "p.md", "# Hi\n\nText\x00here.\n")))
    assert str(exc).startswith("p.md:3: error: page contains a NUL (U+0000) character")


@pytest.mark.parametrize(
    "yaml_text",
    ["title: &a [*a]\n", "title: &a\n  - x\n  - *a\n", "description: &d [x, [*d]]\n"],
)
def test_regression_self_referencing_yaml_alias_does_not_recurse(yaml_text: str) -> None:
    # The front-matter walker followed the alias back into its own anchor: RecursionError.
    doc = segment_page(Page("p", "p.md", f"---\n{yaml_text}---\n\nText.\n"))
    assert doc.segments[-1].msgid == "Text."


def test_regression_billion_laughs_front_matter_is_read_in_linear_time() -> None:
    # Nine levels of nine aliases each: 9**9 scalars when walked naively (hours); each node once now.
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    lines.append("title: *i")
    doc = segment_page(Page("p", "p.md", "---\n" + "\n".join(lines) + "\n---\n\nText.\n"))
    assert [s.msgid for s in doc.segments] == ["lol"] * 9 + ["Text."]


def test_regression_aliased_value_is_one_segment_not_two() -> None:
    # title: &t Hello / description: *t gave two segments over the same span (a double edit).
    doc = segment_page(Page("p", "p.md", "---\ntitle: &t Hello\ndescription: *t\n---\n"))
    assert [(s.msgid, s.key) for s in doc.segments] == [("Hello", "title")]


# --- link destinations (issue 20, case 3)

DEST_PIECES = st.sampled_from(
    [
        "javascript",
        "java",
        "script",
        "vbscript",
        "data",
        ":",
        "\\:",
        "&colon;",
        "&#58;",
        "&#x3A;",
        "&#106;",
        "&#x6A;",
        "\\",
        "\\\\",
        "&amp;",
        "&",
        ";",
        "<",
        ">",
        "(",
        ")",
        "\\(",
        "\\)",
        " ",
        "\t",
        "\n",
        "&#9;",
        "&#x09;",
        "%3A",
        "/",
        "#",
        "x",
        "alert(1)",
        "é",
        "\u200b",
        '"',
        "'",
    ]
)


def rendered_links(text: str) -> list[str]:
    """``href`` and ``src`` values markdown-it renders for a text (every scheme allowed)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # see every href, as commonmark.js would
    found: list[str] = []
    tokens = md.parse(text)
    for token in tokens:
        for child in token.children or ():
            for attr in ("href", "src"):
                value = child.attrGet(attr)
                if child.type in ("link_open", "image") and isinstance(value, str):
                    found.append(value)
    return found


@fuzz("link_destination")
@given(
    st.tuples(
        st.sampled_from(["", "javascript", "JavaScript", "java\\script", "&#x6A;avascript", "vbscript", "data", "x"]),
        st.sampled_from(["", ":", "\\:", "&colon;", "&#58;", "\\\\:", "%3A", "&amp;colon;"]),
        st.lists(DEST_PIECES, max_size=8).map("".join),
    ).map("".join),
    st.sampled_from(["[a]({})", "![a]({})", "[a](<{}>)", "[a]( {} )", "[a]\n\n[a]: {}", "[a]\n\n[a]:\n  <{}>"]),
)
def test_fuzz_link_destinations_read_as_markdown_it_renders_them(dest: str, form: str) -> None:
    from pipeline.stages.links import link_destinations, rendered_href
    from pipeline.stages.safety import unsafe_reason

    text = form.format(dest)
    ours = {rendered_href(d) for d in link_destinations(text)}
    for href in rendered_links(text):
        if not href:
            continue  # `[a]()`: an empty destination, no URL to check
        assert href in ours, f"{text!r}: markdown-it renders {href!r}, we read {sorted(ours)!r}"
        # as a browser reads an href: blanks at the ends and tabs/newlines anywhere ignored (%XX stays)
        scheme = re.match(r"([a-z][a-z0-9+.\-]*):", re.sub(r"[\t\n\r]", "", href).strip("\x00- ").lower())
        if scheme and scheme.group(1) in ("javascript", "vbscript", "data"):
            assert unsafe_reason("Read [a](/plan).", text) is not None, f"{text!r} renders href={href!r}"


# --- no msgstr disappears (issue 20, case 4)

PO_HEAD = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Language: nl\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
)
KNOWN_MSGIDS = ("Home", "Welcome", "We walk to school.", "Safe", "A text the English lost")


@st.composite
def valid_po_entry(draw: st.DrawFn, msgid: str, n: int) -> str:
    """One PO entry for ``msgid`` in some shape msgfmt -c accepts (or nothing)."""
    shape = draw(st.sampled_from(["none", "plain", "fuzzy", "plural", "fuzzy plural", "context", "untranslated"]))
    tr = f"VERTALING {n}"
    obsolete = draw(st.booleans()) and shape != "none"
    if shape == "none":
        return ""
    lines: list[str] = []
    if "fuzzy" in shape:
        lines.append("#, fuzzy")
    if shape == "context":
        lines.append('msgctxt "ctx"')
    lines.append(f'msgid "{msgid}"')
    if "plural" in shape:
        lines += [f'msgid_plural "{msgid}s"', f'msgstr[0] "{tr} een"', f'msgstr[1] "{tr} veel"']
    else:
        lines.append(f'msgstr "{tr if shape != "untranslated" else ""}"')
    if obsolete:
        lines = [ln if ln.startswith("#,") else "#~ " + ln for ln in lines]
    return "\n".join(lines) + "\n"


def msgfmt_accepts(text: str, folder: Path) -> bool:
    import subprocess

    path = folder / "candidate.po"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True)
    return done.returncode == 0


def all_msgstrs(catalog: Catalog) -> set[str]:
    return {s for m in catalog.messages if m.msgid for s in (m.msgstr, *m.msgstr_plural) if s}


@fuzz("po_kept")
@given(st.data())
def test_fuzz_no_msgstr_disappears_from_a_po_file_msgfmt_accepts(
    synced_site: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    from hypothesis import assume

    entries = [data.draw(valid_po_entry(msgid, n), label=msgid) for n, msgid in enumerate(KNOWN_MSGIDS)]
    text = PO_HEAD + "\n".join(e for e in entries if e)
    root = tmp_path_factory.mktemp("run") / "site"
    shutil.copytree(synced_site, root)
    assume(msgfmt_accepts(text, root))
    po_file = root / "locales" / "nl" / "index.po"
    po_file.write_text(text, encoding="utf-8")
    before = all_msgstrs(po.parse_po(text, "index.po"))
    err = io.StringIO()
    assert main(["--root", str(root), "-q", "sync"], out=io.StringIO(), err=err) == 0, err.getvalue()
    after = all_msgstrs(po.read_po(po_file))
    assert before <= after, f"lost {sorted(before - after)}; stderr: {err.getvalue()}"
    assert msgfmt_accepts(po_file.read_text(encoding="utf-8"), root)


def test_regression_plural_forms_on_a_singular_entry_are_kept_fuzzy_with_a_warning(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root / "source" / "index.md", "# Welcome\n\nWe walk to school.\n")
    (root / "locales" / "nl").mkdir(parents=True)
    po_file = root / "locales" / "nl" / "index.po"
    po_file.write_text(
        PO_HEAD + 'msgid "We walk to school."\nmsgid_plural "We walk to schools."\n'
        'msgstr[0] "Wij lopen naar school."\nmsgstr[1] "Wij lopen naar scholen."\n',
        encoding="utf-8",
    )
    err = io.StringIO()
    assert main(["--root", str(root), "-q", "sync"], out=io.StringIO(), err=err) == 0, err.getvalue()
    kept = [m for m in po.read_po(po_file).messages if m.msgid == "We walk to school."]
    assert [(m.fuzzy, m.obsolete, m.msgstr_plural) for m in kept] == [
        (True, False, ("Wij lopen naar school.", "Wij lopen naar scholen."))
    ]
    assert err.getvalue().startswith(
        "locales/nl/index.po:7: warning: this entry has plural forms (msgid_plural) but the English has none"
    ), err.getvalue()
    assert (root / "build" / "nl" / "index.md").read_text() == "# Welcome\n\nWe walk to school.\n"
    assert msgfmt_accepts(po_file.read_text(encoding="utf-8"), tmp_path)


# --- smaller cases (issue 20, case 10)


def _translated_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write(root / "source" / "index.md", "# Welcome\n\nWe walk to school.\n")
    (root / "locales" / "nl").mkdir(parents=True)
    assert main(["--root", str(root), "-q", "sync"], out=io.StringIO(), err=io.StringIO()) == 0
    return root


def _run(root: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--root", str(root), *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_regression_conflict_markers_get_their_own_message_and_annotation(tmp_path: Path) -> None:
    root = _translated_site(tmp_path)
    po_file = root / "locales" / "nl" / "index.po"
    text = po_file.read_text(encoding="utf-8").replace(
        'msgid "We walk to school."\nmsgstr ""',
        'msgid "We walk to school."\n<<<<<<< HEAD\nmsgstr "Wij lopen."\n=======\nmsgstr "We lopen."\n>>>>>>> nl',
    )
    po_file.write_text(text, encoding="utf-8")
    line = text.splitlines().index("<<<<<<< HEAD") + 1
    before = project_files(root)
    code, _out, err = _run(root, "-q", "sync")
    assert code == 2
    assert err.startswith(f"locales/nl/index.po:{line}: error: merge conflict markers (<<<<<<<, =======, >>>>>>>)"), err
    assert "resolve the conflict" in err
    assert project_files(root) == before
    code, out, _err = _run(root, "check", "--format", "github")
    assert code == 2
    assert out.startswith(f"::error file=locales/nl/index.po,line={line},title=merge-conflict::merge conflict markers")


def test_regression_msgstr_with_an_extra_trailing_newline_is_reported(tmp_path: Path) -> None:
    root = _translated_site(tmp_path)
    po_file = root / "locales" / "nl" / "index.po"
    text = po_file.read_text(encoding="utf-8").replace(
        'msgid "We walk to school."\nmsgstr ""', 'msgid "We walk to school."\nmsgstr "Wij lopen naar school.\\n"'
    )
    po_file.write_text(text, encoding="utf-8")
    assert not msgfmt_accepts(text, tmp_path)  # the oracle rejects it too
    line = text.splitlines().index('msgstr "Wij lopen naar school.\\n"') + 1
    code, _out, err = _run(root, "-q", "sync")
    assert code == 2
    assert err.startswith(f"locales/nl/index.po:{line}: error: msgid and msgstr do not both end with '\\n'"), err
    # the same line break on a fuzzy entry is fine (msgfmt -c does not check fuzzy entries)
    po_file.write_text(text.replace('msgid "We walk', '#, fuzzy\nmsgid "We walk'), encoding="utf-8")
    assert _run(root, "-q", "sync")[0] == 0


def test_regression_po_path_that_is_a_folder_stops_before_anything_is_written(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root / "source" / "index.md", "# Welcome\n\nWe walk to school.\n")
    (root / "locales" / "nl" / "index.po").mkdir(parents=True)
    code, _out, err = _run(root, "-q", "sync")
    assert code == 2, err
    assert err.startswith("locales/nl/index.po: error: is a folder, not a PO file"), err
    assert not (root / "build").exists()
    assert not (root / "locales" / "templates").exists()


def test_regression_new_header_of_an_empty_po_file_has_a_content_type(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root / "source" / "index.md", "# Welcome\n\nWe walk to school.\n")
    (root / "locales" / "nl").mkdir(parents=True)
    po_file = root / "locales" / "nl" / "index.po"
    po_file.write_bytes(b"")
    code, _out, err = _run(root, "-q", "sync")
    assert code == 0, err
    header = dict(po.read_po(po_file).header)
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert header["Language"] == "nl" and "Plural-Forms" in header
    assert msgfmt_accepts(po_file.read_text(encoding="utf-8"), tmp_path)


def test_regression_an_angle_destination_that_is_not_a_link_is_read_as_the_autolink_markdown_it_renders() -> None:
    """``[a](<javascript:\\:>>)``: the ``>`` after the destination breaks the link, and markdown-it
    renders the autolink ``<javascript:\\:>`` instead, backslash kept (found by Hypothesis)."""
    from pipeline.stages.links import link_destinations, rendered_href

    text = "[a](<javascript:\\:>>)"
    assert set(rendered_links(text)) <= {rendered_href(d) for d in link_destinations(text)}
    assert "javascript:%5C:" in {rendered_href(d) for d in link_destinations(text)}
