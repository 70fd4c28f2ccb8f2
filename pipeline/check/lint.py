"""Lint mode: whole translated pages against the English they were translated from."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.check.align import SHIFT_MARGIN, _similarity, pair_translated, renames_between
from pipeline.check.headings import _SUFFIX, served_headings, smarten
from pipeline.check.linkdiff import compare_links
from pipeline.check.links import Link, PageFacts, page_facts
from pipeline.check.sitemodel import Site, check_links

if TYPE_CHECKING:
    from pipeline.check.codes import Collector
    from pipeline.segment.walker import Document


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
    file: Path | None = None
    """The page's file on disk (its date tells which English it was translated from)."""


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
            _check_removed(site, tp, out)
            continue
        f = facts[name]
        english = site.english[name]
        source = old_english.get(name, english)
        _check_headings(site, tp, f, source, english, links_to, out)
        check_links(site, f, locale, out)
        _compare_page_links(site, f, source, locale, out)


def _check_removed(site: Site, tp: TranslatedPage, out: Collector) -> None:
    """A translated page whose English page is gone: each id it carries is stale (nothing serves it)."""
    for h in served_headings(tp.doc, site.opts.smartypants):
        if not h.explicit or h.line <= tp.front_matter_end:
            continue
        out.add(
            tp.path,
            h.line,
            1,
            "anchor-stale",
            f"heading carries #{h.written}, but the English has no page {tp.doc.page.name} any more: "
            "the translation is not served, so nothing reaches this id",
            "delete the translated page, or move what is still needed into a page the English has",
        )


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
    paired = {i for i, _j in pairs}
    for i, k in sorted(by_content.items()):
        # Left out of the id pairing (its id would cross another heading's, as when two ids are
        # swapped) but in place by position and content: it carries another section's id.
        t = f.headings[i]
        other = index.get(t.written) if t.explicit else None
        if i in paired or other is None or other == k or source.headings[k].served not in current:
            continue
        e_c = source.headings[k]
        out.add(
            tp.path,
            t.line,
            1,
            "id-shifted",
            f"heading carries #{t.written} of the English heading '{source.headings[other].plain}', "
            f"but by position and content it translates '{e_c.plain}' (#{e_c.served})",
            _id_hint(site, e_c.served),
        )
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
            if t.served != t.written and expected is not None:
                out.add(
                    tp.path,
                    t.line,
                    1,
                    "anchor-differs",
                    f"heading is served as #{t.served} (smartypants rewrites {{#{t.written}}}), "
                    f"its English heading as #{expected}",
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


def _compare_page_links(site: Site, f: PageFacts, source: PageFacts, locale: str, out: Collector) -> None:
    """Link targets (internal and external) of a whole translated page against the English it was translated from."""
    src = [link for link in source.links if _comparable(link.href)]
    dst = [link for link in f.links if _comparable(link.href)]
    changes = compare_links(
        [link.href for link in src],
        [link.href for link in dst],
        lambda href: site.link_key(href, f.name),
        lambda english, translated: site.check.localized(english, translated, locale),
    )
    dropped: list[Link] = []
    for c in changes:
        if c.translated is None:
            if c.english is not None:
                dropped.append(src[c.english])
            continue
        link = dst[c.translated]
        shown = site.link_key(link.href, f.name) if _internal(site, link.href, f.name) else link.href
        if c.english is None:
            out.add(
                f.path,
                link.line,
                link.col,
                "link-target",
                f"links to {shown}, which the English it was translated from does not",
                "copy the link target from the English page",
            )
            continue
        english = src[c.english]
        if c.localized:
            out.add(
                f.path,
                link.line,
                link.col,
                "link-localized",
                f"links to {link.href} where the English links to {english.href} "
                "(a localization by [check] link_equivalents)",
                "check that the localized page exists and says the same",
            )
            continue
        out.add(
            f.path,
            link.line,
            link.col,
            "link-target",
            f"links to {shown} where the English links to {english.href} ({source.path}:{english.line})",
            "copy the link target from the English page, or add the pair to [check] link_equivalents if it is "
            "a localization",
        )
    if not dropped:
        return
    # Point at the translated section that corresponds to the English section holding the link.
    pairs = {j: i for i, j in pair_translated(f.headings, source.headings)}
    sections: dict[int, list[str]] = {}
    for link in dropped:
        section = max((k for k, h in enumerate(source.headings) if h.line <= link.line), default=-1)
        while section >= 0 and section not in pairs:
            section -= 1
        line = f.headings[pairs[section]].line if section >= 0 else 1
        shown = site.link_key(link.href, source.name) if _internal(site, link.href, source.name) else link.href
        sections.setdefault(line, []).append(shown)
    total = f" (the page has {len(dst)} links, the English {len(src)})" if len(dst) < len(src) else ""
    for line, targets in sorted(sections.items()):
        out.add(
            f.path,
            line,
            0,
            "link-count",
            f"{len(targets)} link(s) of the English section are missing here: {', '.join(sorted(targets))}{total}",
            "keep every link of the English page",
        )


def _comparable(href: str) -> bool:
    """Links whose target a translation must keep: not empty, not a Svelte expression."""
    href = href.strip()
    return bool(href) and "{" not in href


def _internal(site: Site, href: str, page: str) -> bool:
    return site.urls.resolve(href, page, None) is not None
