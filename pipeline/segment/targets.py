"""Link targets and import paths in a page's structure: what build adapts to where a locale's page
is served and stored, outside every segment.

Translators of Astro/Starlight and Docusaurus sites point a prop such as ``href="/guides/x/"`` or
a front-matter ``link: /guides/x/`` at their locale's page (``/de/guides/x/``), and a translated
page stored one folder deeper imports ``../../components/x.astro`` as ``../../../components/…``.
Those are structure (never in a msgid), so the segmenter lists where they are and build
(``stages.build``, with a ``Placement``) rewrites them for the locale:

* ``link``: a quoted JSX/HTML prop, a front-matter key (at any depth, lists of mappings too) or
  a top-level link reference definition, named in ``[site] localize_links``;
* ``import``: a relative specifier in an MDX ``import``/``export … from`` line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import yaml
from markdown_it.token import Token

from pipeline.model import IMPORT, LINK, Segment, Span, Target
from pipeline.segment.core import Lines
from pipeline.segment.frontmatter import compose
from pipeline.segment.jsx import jsx_tag

_TAG_START = re.compile(r"<[A-Za-z]")
_CODE_SPAN = re.compile(r"(`+)[^`]*?\1")
_SPECIFIER = re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*(['"])(\.{1,2}/[^'"\n]*)\1""")
_DEFINITION = re.compile(r"""[ \t]{0,3}\[(?:[^\]\\]|\\.)+\]:[ \t]*<?([^\s<>]+)""")
_TAG_TOKENS = frozenset({"inline", "mdx_jsx", "svelte_tag", "html_block"})


def structure_targets(
    text: str,
    lines: Lines,
    tokens: Iterable[Token],
    segments: Iterable[Segment],
    names: frozenset[str],
    mdx: bool,
    body_line: int = 0,
) -> list[Target]:
    """The link props (named in ``names``) and, in MDX, relative import paths of a page's body
    (from line ``body_line``, 0-based: front matter lines come before it)."""
    covered = sorted((p.start, p.end) for seg in segments for p in seg.pieces) if names else []
    found: list[Target] = []
    top_lines: set[int] = set()
    for tok in tokens:
        if tok.map is None:
            continue
        if tok.level == 0:
            top_lines.update(range(tok.map[0], tok.map[1]))
        if mdx and tok.type == "mdx_esm":
            start, end = lines.starts[tok.map[0]], lines.ends[tok.map[1] - 1]
            found.extend(
                Target(Span(m.start(2), m.end(2)), IMPORT, IMPORT) for m in _SPECIFIER.finditer(text, start, end)
            )
        elif names and tok.type in _TAG_TOKENS:
            start, end = lines.starts[tok.map[0]], lines.ends[tok.map[1] - 1]
            found.extend(_tag_links(text, start, end, names, covered))
    if names:  # a link reference definition is a link whatever it is named
        for i in range(body_line, len(lines)):
            if i in top_lines:
                continue
            d = _DEFINITION.match(lines.line(i))
            if d is not None:
                at = lines.starts[i] + d.start(1)
                found.append(Target(Span(at, at + len(d.group(1))), LINK, "definition"))
    found.sort(key=lambda t: t.span.start)
    return found


def _tag_links(
    text: str, start: int, end: int, names: frozenset[str], covered: list[tuple[int, int]]
) -> Iterator[Target]:
    """Quoted props named in ``names`` of the tags in ``text[start:end]``, outside segments and code spans."""
    region = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text[start:end])
    pos = 0
    while True:
        m = _TAG_START.search(region, pos)
        if m is None:
            return
        tag = jsx_tag(text, start + m.start())
        if tag is None or tag.end > end:
            pos = m.end()
            continue
        for attr in tag.attrs:
            if attr.name in names and attr.quote in ('"', "'") and not _inside(covered, attr.start, attr.end):
                yield Target(Span(attr.start, attr.end), LINK, attr.name)
        pos = tag.end - start


def _inside(covered: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in covered)


def yaml_links(text: str, span: Span, names: Iterable[str]) -> list[Target]:
    """``front_matter_links`` of the YAML front matter at ``span`` (already read once without error)."""
    try:
        root = compose(text[span.start : span.end])
    except yaml.YAMLError:  # pragma: no cover - the segmenter has read it already
        return []
    return front_matter_links(text, span.start, root, frozenset(names)) if isinstance(root, yaml.MappingNode) else []


def front_matter_links(text: str, base: int, root: yaml.MappingNode, names: frozenset[str]) -> list[Target]:
    """String values of front-matter keys whose last name is in ``names`` (``hero.actions[].link``),
    when their text is the value as written (plain, or quoted without escapes)."""
    found: list[Target] = []

    def walk(node: yaml.Node, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if not isinstance(k, yaml.ScalarNode):
                    continue
                name = f"{path}.{k.value}" if path else str(k.value)
                if k.value in names and isinstance(v, yaml.ScalarNode) and v.tag == "tag:yaml.org,2002:str":
                    a, b = base + v.start_mark.index, base + v.end_mark.index
                    if v.style in ("'", '"'):
                        a, b = a + 1, b - 1
                    if v.style in (None, "", "'", '"') and text[a:b] == v.value and v.value:
                        found.append(Target(Span(a, b), LINK, name))
                else:
                    walk(v, name)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item, path + "[]")

    walk(root, "")
    return found
