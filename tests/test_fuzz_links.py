"""Link destinations: sync's reading (safety) and check's reading agree with markdown-it's.

Hypothesis writes links in every destination form CommonMark has (bare, ``<…>`` with spaces,
balanced parentheses, backslash escapes, entities, titles in three quotings, reference
definitions) and checks three things:

* check's links of a page (``page_facts``) and of a msgstr (``features``) are markdown-it's
  hrefs, in order, each located on the line of its paragraph or of its reference definition;
* a translation that changes only the host of an http(s) destination (``en.`` -> ``nl.``) is
  never refused by build as unsafe (the ``<…>`` false positive);
* a destination that markdown-it's ``parseLinkDestination`` reads with a script or data
  scheme is always refused.
"""

from __future__ import annotations

from urllib.parse import unquote

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.helpers import parseLinkDestination

from pipeline.check.features import features
from pipeline.check.links import page_facts
from pipeline.model import Page
from pipeline.segment.walker import MD, segment_page
from pipeline.stages.safety import unsafe_reason

PATH_PART = st.text(alphabet="abcXYZ019_-.~%", min_size=1, max_size=8)


@st.composite
def url_path(draw: st.DrawFn) -> str:
    parts = draw(st.lists(PATH_PART, min_size=1, max_size=3))
    path = "/".join(parts)
    if draw(st.booleans()):
        path += f"_({draw(PATH_PART)})"  # balanced parentheses, as in encyclopedia titles
    if draw(st.booleans()):
        path += "?a=1&amp;b=2"  # an entity inside the destination
    if draw(st.booleans()):
        path += "#" + draw(PATH_PART)
    return path


TITLES = st.sampled_from(["", ' "A title"', " 'A title'", " (A title)"])


@st.composite
def link(draw: st.DrawFn, host: str) -> tuple[str, str]:
    """(inline markdown with one link, reference definition or '') for ``https://{host}/…``."""
    path = draw(url_path())
    url = f"https://{host}/{path}"
    form = draw(st.sampled_from(["bare", "angle", "angle-space", "escaped", "reference"]))
    title = draw(TITLES)
    text = draw(st.sampled_from(["Mirai", "the *botnet*", "`code` here"]))
    if form == "bare":
        return f"[{text}]({url}{title})", ""
    if form == "angle":
        return f"[{text}](<{url}>{title})", ""
    if form == "angle-space":
        return f"[{text}](<{url} x>{title})", ""
    if form == "escaped":
        return f"[{text}]({url.replace('(', chr(92) + '(').replace(')', chr(92) + ')')}{title})", ""
    label = draw(st.sampled_from(["m", "Mirai ref"]))
    dest = f"<{url}>" if draw(st.booleans()) else url
    return f"[{text}][{label}]", f"[{label}]: {dest}{title}"


@st.composite
def paragraph_pair(draw: st.DrawFn) -> tuple[str, str]:
    """The same paragraph (with its reference definitions) linking to en.… and to nl.…"""
    en_parts: list[tuple[str, str]] = []
    nl_parts: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        one = draw(link("en.wikipedia.org"))
        en_parts.append(one)
        nl_parts.append((one[0].replace("en.wikipedia.org", "nl.wikipedia.org"), one[1].replace("en.", "nl.")))

    def page(parts: list[tuple[str, str]], words: str) -> str:
        inline = f" {words} ".join(p[0] for p in parts)
        defs = "\n".join(p[1] for p in parts if p[1])
        return f"{words.capitalize()} {inline} end.\n" + (f"\n{defs}\n" if defs else "")

    return page(en_parts, "see"), page(nl_parts, "zie")


def markdown_it_links(text: str) -> tuple[list[str], dict[str, object]]:
    env: dict[str, object] = {}
    hrefs = [str(c.attrGet("href")) for tok in MD.parse(text, env) for c in tok.children or [] if c.type == "link_open"]
    return hrefs, env


@settings(max_examples=300, deadline=None)
@given(paragraph_pair())
def test_check_reads_the_links_markdown_it_reads(pair: tuple[str, str]) -> None:
    for text in pair:
        hrefs, env = markdown_it_links(text)
        facts = page_facts(segment_page(Page("p", "p.md", text)), smartypants=True)
        assert [link.href for link in facts.links] == hrefs
        first_paragraph = text.split("\n\n")[0]
        references = env.get("references", {})
        assert isinstance(references, dict)
        assert list(features(first_paragraph.replace("\n", " "), references).links) == hrefs
        definition_lines = {i + 1 for i, line in enumerate(text.splitlines()) if line.startswith("[")}
        for located in facts.links:
            assert located.line == 1 or located.line in definition_lines


@settings(max_examples=300, deadline=None)
@given(paragraph_pair())
def test_a_localized_host_is_never_unsafe(pair: tuple[str, str]) -> None:
    english, dutch = pair
    assert unsafe_reason(english, dutch) is None


DANGEROUS = st.sampled_from(["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x"])


@settings(max_examples=200, deadline=None)
@given(DANGEROUS, st.sampled_from(["{}", "<{}>", "<{} x>", "{} 'title'"]), st.booleans())
def test_a_script_destination_in_any_form_is_refused(url: str, form: str, reference: bool) -> None:
    dest = form.format(url)
    body = f"[a][r]\n\n[r]: {dest}\n" if reference else f"[a]({dest})"
    start = body.index(dest)
    parsed = parseLinkDestination(body, start, len(body))
    assert parsed.ok and unquote(parsed.str).lower().startswith(url.split(":")[0].lower())
    assert unsafe_reason("[a](https://en.wikipedia.org/wiki/A)", body) is not None
