"""Hypothesis: `check` never crashes on generated markdown pages and PO entries, and is deterministic."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipeline.check import checker as check
from pipeline.errors import InputError
from pipeline.model import Catalog, Finding, Message, Page
from pipeline.segment.walker import DEFAULT_OPTIONS, Document, segment_page

PIECES = st.sampled_from(
    [
        "word",
        "Straße",
        "**bold**",
        "*em*",
        "`code`",
        "[a](/p0#h)",
        "[b](/p1#x-1)",
        "[c](#top)",
        "[d](/nl/p0)",
        "[e](../p1/)",
        "[f][ref]",
        "[g](https://example.org/p0#a--b)",
        "[h](mailto:x@y.z)",
        "[i](javascript:alert(1))",
        '<a href="/p1#h">x</a>',
        '<a id="anchor"></a>',
        '<span name="n">y</span>',
        "<script>x</script>",
        "{count}",
        "{#h}",
        "<Comp />",
        "--",
        "...",
        "&amp;",
        "#",
        "|",
        "<",
        "]",
        "(",
        "日本語",
    ]
)
LINE = st.lists(PIECES, min_size=1, max_size=6).map(" ".join)


@st.composite
def pages(draw: st.DrawFn) -> str:
    blocks: list[str] = []
    if draw(st.booleans()):
        blocks.append("---\ntitle: " + draw(st.sampled_from(["T", "'a: b'", "x"])) + "\n---")
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["para", "head", "list", "html", "ref"]))
        if kind == "para":
            blocks.append(draw(LINE))
        elif kind == "head":
            hid = draw(st.sampled_from(["", " {#h}", " {#a--b}", " {#h-1}"]))
            blocks.append("#" * draw(st.integers(1, 4)) + " " + draw(LINE) + hid)
        elif kind == "list":
            blocks.append("\n".join("- " + draw(LINE) for _ in range(draw(st.integers(1, 3)))))
        elif kind == "html":
            blocks.append("<div>\n" + draw(LINE) + "\n</div>")
        else:
            blocks.append("[ref]: " + draw(st.sampled_from(["/p0#h", "/p1", "#nope"])))
    return "\n\n".join(blocks) + "\n"


def docs_of(texts: list[str]) -> list[Document]:
    docs: list[Document] = []
    for i, text in enumerate(texts):
        try:
            docs.append(segment_page(Page(f"p{i}", f"source/p{i}.md", text)))
        except InputError:
            continue
    return docs


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(pages(), min_size=1, max_size=3), data=st.data())
def test_check_never_crashes_on_generated_pages_and_po(texts: list[str], data: st.DataObject) -> None:
    docs = docs_of(texts)
    opts = check.SiteOptions(base_url="https://example.org", smartypants=data.draw(st.booleans()))
    catalogs: list[check.LocaleCatalog] = []
    for doc in docs:
        messages = []
        for seg in doc.segments:
            if (seg.msgctxt, seg.msgid) in {(m.msgctxt, m.msgid) for m in messages}:
                continue
            msgstr = data.draw(st.one_of(st.just(seg.msgid), LINE, st.just("")))
            flags = data.draw(st.sampled_from([(), ("fuzzy",)]))
            previous = data.draw(st.one_of(st.none(), LINE)) if flags else None
            comments = data.draw(st.sampled_from([(), ("pipeline: ignore[markup]",), ("pipeline: ignore",)]))
            messages.append(
                Message(
                    msgid=seg.msgid,
                    msgstr=msgstr,
                    msgctxt=seg.msgctxt,
                    flags=flags,
                    previous_msgid=previous,
                    comments=comments,
                    lineno=1,
                    msgstr_lineno=2,
                )
            )
        catalogs.append(
            check.LocaleCatalog(
                "nl", doc.page.name, f"locales/nl/{doc.page.name}.po", Catalog(messages=tuple(messages))
            )
        )

    def run() -> tuple[list[Finding], check.FixPlan]:
        site = check.build_site(opts, docs, ["nl"])
        out = check.Collector(check.CODES)
        check.check_po_site(site, catalogs, DEFAULT_OPTIONS, out)
        plan = check.plan_fix(site, catalogs, {c.path: Path(c.path) for c in catalogs})
        return out.sorted(), plan

    first, plan = run()
    second, _ = run()
    assert first == second
    for f in first:
        event(f.code)
        assert f.code in check.CODES
        assert f.line >= 0 and f.col >= 0
    assert all(
        isinstance(text, str) for _path, catalog in plan.catalogs for text in (m.msgstr for m in catalog.messages)
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(english=st.lists(pages(), min_size=1, max_size=2), translated=st.lists(pages(), min_size=1, max_size=2))
def test_lint_mode_never_crashes_on_generated_pages(english: list[str], translated: list[str]) -> None:
    docs = docs_of(english)
    site = check.build_site(check.SiteOptions(), docs, ["nl"])
    pages_nl = []
    for doc in docs_of(translated):
        first, last = check.late_front_matter(doc.page.text)
        pages_nl.append(check.TranslatedPage(doc, f"nl/{doc.page.name}.md", first, last))
    old = {d.page.name: check.page_facts(d, True) for d in docs_of(translated)}
    out = check.Collector(check.CODES)
    check.check_translated(site, "nl", pages_nl, old, out)
    for f in out.sorted():
        assert f.path.startswith("nl/")
