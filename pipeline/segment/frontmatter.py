"""Front matter: locate the YAML block, parse it, and segment the configured keys' values."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import yaml
from frontmatter.default_handlers import YAMLHandler

from pipeline.errors import InputError
from pipeline.model import Kind, Page, Render, Segment, Span
from pipeline.segment.core import Lines, Options, context_notes, has_text
from pipeline.segment.toml_front import BOUNDARY as TOML_BOUNDARY
from pipeline.segment.toml_front import toml_front_matter

_FM_BOUNDARY = YAMLHandler.FM_BOUNDARY  # python-frontmatter's own `---` rule
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)  # PyYAML built with libyaml (the wheels are)


def compose(text: str) -> yaml.Node | None:
    """``yaml.compose`` with the safe loader: libyaml's when PyYAML has it (about ten times faster).

    Its nodes have the same character offsets, lines, columns, tags and values; plain scalars
    have style ``""`` instead of ``None``. Text it rejects is read again by the pure-Python
    loader, so an error's message and place are always that loader's.
    """
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def front_matter(page: Page, lines: Lines, options: Options) -> tuple[Span | None, int, str | None, list[Segment]]:
    """Locate and parse YAML front matter; return its span, the first body line, title, segments."""
    # mdsvex (like most site generators) accepts blank lines before the opening `---`
    first = next((i for i in range(len(lines)) if lines.line(i).strip()), 0)
    if options.dialect != "mdsvex" and len(lines) > first + 1 and TOML_BOUNDARY.fullmatch(lines.line(first)):
        return toml_front_matter(page, lines, options, first)
    if len(lines) < first + 2 or not _FM_BOUNDARY.fullmatch(lines.line(first)):
        return None, 0, None, []
    close = next((i for i in range(first + 1, len(lines)) if _FM_BOUNDARY.fullmatch(lines.line(i))), None)
    if close is None:
        if not re.match(r"\s*[\w\"'][^:]*:(\s|$)", lines.line(first + 1)):
            return None, 0, None, []  # a thematic break, not front matter
        raise InputError(
            f"front matter opened by '---' on line {first + 1} is never closed",
            page.path,
            first + 1,
            "add a closing '---' line after the YAML",
        )
    start = lines.starts[first + 1]
    end = lines.starts[close]
    fm_text = page.text[start:end]
    try:
        root = compose(fm_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = lines.line_of(start + min(mark.index, len(fm_text))) + 1 if mark is not None else 2
        raise InputError(
            f"front matter is not valid YAML: {' '.join(str(exc.problem or exc.context).split())}",
            page.path,
            line,
            "fix the YAML between the '---' lines",
        ) from None
    except yaml.reader.ReaderError as exc:
        raise InputError(
            f"front matter is not valid YAML: character U+{exc.character:04X} is not allowed",
            page.path,
            lines.line_of(start + min(exc.position, len(fm_text))) + 1,
            "remove the character or write it as an escape inside a double-quoted string",
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(
            f"front matter is not valid YAML: {' '.join(str(exc).split())}", page.path, 2, "fix the YAML"
        ) from None
    if root is None:
        return Span(start, end), close + 1, None, []
    if not isinstance(root, yaml.MappingNode):
        raise InputError(
            "front matter must be a mapping of keys to values",
            page.path,
            lines.line_of(start + min(root.start_mark.index, len(fm_text))) + 1,
            "write 'key: value' lines between the '---' lines",
        )
    segments: list[Segment] = []
    title: str | None = None
    seen: set[int] = set()
    for k, v in root.value:
        if isinstance(k, yaml.ScalarNode) and k.value == "title" and isinstance(v, yaml.ScalarNode):
            title = " ".join(str(v.value).split()) or None
    defaults = dict(options.front_matter_defaults)
    for key, node in _fm_values(root, (*options.front_matter, *defaults)):
        for scalar in _scalars(node, seen):
            seg = _yaml_segment(page, lines, start, key, scalar, title)
            if seg is not None:
                segments.append(seg)
    for key, source in defaults.items():
        seg = _default_segment(page.text, lines, Span(start, end), root, key, source, segments, title)
        if seg is not None:
            segments.append(seg)
    return Span(start, end), close + 1, title, segments


def _default_segment(
    text: str,
    lines: Lines,
    fm: Span,
    root: yaml.MappingNode,
    key: str,
    source: str,
    segments: Sequence[Segment],
    title: str | None,
) -> Segment | None:
    """A key the page does not set, which the site fills from another one (Starlight's
    ``sidebar.label`` from ``title``): an entry whose msgid is that other key's English value.
    An empty msgstr adds nothing (the site shows the translated ``title``); a translation is
    written as the key, added to the front matter (``[front_matter] defaults``).
    """
    of = next((s for s in segments if s.key == source and s.msgctxt is None), None)
    if of is None:
        return None
    node: yaml.MappingNode = root
    parts = key.split(".")
    depth = 0
    for part in parts[:-1]:
        child = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part), None)
        if child is None:
            break
        if not isinstance(child, yaml.MappingNode) or child.flow_style or not child.value:
            return None  # a flow mapping or another value there: nowhere to add a line
        node, depth = child, depth + 1
    if any(isinstance(k, yaml.ScalarNode) and k.value == parts[depth] for k, _v in node.value):
        return None  # set already (with a value the segmenter reads, or one it cannot)
    if node is root:
        at, indent = fm.end, 0
    else:
        last = node.value[-1][1]
        at = lines.starts[min(lines.line_of(fm.start + max(last.end_mark.index - 1, 0)) + 1, len(lines) - 1)]
        indent = node.value[0][0].start_mark.column
    head = "".join(" " * (indent + 2 * j) + f"{part}:\n" for j, part in enumerate(parts[depth:-1]))
    head += " " * (indent + 2 * (len(parts) - 1 - depth)) + f"{parts[-1]}: "
    where = " › ".join(p for p in (title, "front matter", key) if p)
    return Segment(
        msgid=of.msgid,
        kind=Kind.FRONT_MATTER,
        render=Render.YAML_KEY,
        pieces=(Span(at, at),),
        line=lines.line_of(at) + 1,
        msgctxt=key,
        comments=(
            *context_notes(where, Kind.FRONT_MATTER, key),
            f"{key}: leave it empty to show the translated {source}; a translation here is added as {key}",
        ),
        key=key,
        style=head,
    )


def _fm_values(root: yaml.MappingNode, keys: Sequence[str]) -> Iterator[tuple[str, yaml.Node]]:
    """Configured keys in document order; dotted keys reach into nested mappings, and ``[]``
    into each mapping of a list (``hero.actions[].text``)."""
    wanted = set(keys)

    def walk(node: yaml.MappingNode, prefix: str) -> Iterator[tuple[str, yaml.Node]]:
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode):
                continue
            name = f"{prefix}{k.value}"
            if name in wanted:
                yield name, v
            elif isinstance(v, yaml.MappingNode) and any(w.startswith(name + ".") for w in wanted):
                yield from walk(v, name + ".")
            elif isinstance(v, yaml.SequenceNode) and any(w.startswith(name + "[].") for w in wanted):
                for item in v.value:
                    if isinstance(item, yaml.MappingNode):
                        yield from walk(item, name + "[].")

    yield from walk(root, "")


def _scalars(node: yaml.Node, seen: set[int]) -> Iterator[yaml.ScalarNode]:
    """String scalars of a value, each node once: an alias (``*a``) is the anchored node itself,
    whose text lives at the anchor, so it is neither repeated nor followed into a cycle (a
    self-referencing ``&a [*a]`` or an exponential "billion laughs" tree)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:str":
            yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item, seen)


def _yaml_segment(
    page: Page, lines: Lines, base: int, key: str, node: yaml.ScalarNode, title: str | None
) -> Segment | None:
    value = str(node.value)
    start = base + node.start_mark.index
    end = base + node.end_mark.index
    style = node.style or ""
    if style in ("|", ">"):
        # Replace only the content lines: keep the header (`>-`) and the trailing newlines.
        header_end = page.text.find("\n", start)
        if header_end < 0:
            return None
        first = lines.line_of(header_end + 1)
        last_line = lines.line_of(end - 1) if end > start else first
        content_lines = [i for i in range(first, last_line + 1) if lines.line(i).strip()]
        if not content_lines:
            return None
        c0, c1 = content_lines[0], content_lines[-1]
        first_line = lines.line(c0)
        indent = len(first_line) - len(first_line.lstrip(" "))
        start = lines.starts[c0] + indent
        end = lines.ends[c1]
        value = value.rstrip("\n")
    msgid = value.strip()
    if not msgid or not has_text(msgid):
        return None
    if msgid != value and style not in ("|", ">"):
        return None  # leading/trailing spaces in a quoted value are layout we cannot keep
    return Segment(
        msgid=msgid,
        kind=Kind.FRONT_MATTER,
        render=Render.YAML,
        pieces=(Span(start, end),),
        line=lines.line_of(start) + 1,
        comments=context_notes(" › ".join(p for p in (title, "front matter", key) if p), Kind.FRONT_MATTER, key),
        key=key,
        style=style,
    )
