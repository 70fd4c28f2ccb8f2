"""Heading ids per dialect, for ``check``: in MDX each locale serves ids of its own heading text.

Starlight (github-slugger over each page's own headings) serves ``/de/page#warum`` where the
English page has ``#why``. So for an MDX site ``check`` builds each translated page in memory,
reads its real ids, and expects a translated link to the anchor of the same heading in the
target locale: the msgid's ``page#why`` becomes ``page#warum`` for German before the msgstr is
compared with it and before anchors are looked up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from pipeline.model import Page
from pipeline.segment.walker import Options, segment_page
from pipeline.stages.build import build_page, translations

if TYPE_CHECKING:
    from pipeline.check.features import Features
    from pipeline.check.po_mode import LocaleCatalog
    from pipeline.check.sitemodel import Site


def localize_mdx(site: Site, catalogs: Sequence[LocaleCatalog], options: Options) -> None:
    """Each translated page's served anchors, and its English -> local heading ids."""
    from pipeline.check.links import page_facts

    for lc in catalogs:
        doc = site.docs.get(lc.page)
        facts = site.english.get(lc.page)
        if doc is None or facts is None:
            continue
        built = build_page(doc, translations(lc.catalog), options)
        again = segment_page(Page(doc.page.name, doc.page.path, built.text, doc.page.bom), options)
        local = page_facts(again, False)
        site.localized[(lc.locale, lc.page)] = local.anchors
        if len(again.headings) == len(doc.headings):
            site.heading_ids[(lc.locale, lc.page)] = {
                e.anchor: t.anchor for e, t in zip(doc.headings, again.headings, strict=True) if e.anchor != t.anchor
            }


def localize_links(site: Site, locale: str, page: str, features: Features) -> Features:
    """The msgid's links with each heading fragment replaced by the target locale's id."""
    if not site.heading_ids:
        return features
    links: list[str] = []
    changed = False
    for href in features.links:
        target = site.urls.resolve(href, page, locale)
        ids = site.heading_ids.get((locale, target.page)) if target is not None and target.page else None
        frag = target.fragment if target is not None else None
        if ids and frag and frag in ids and "#" in href:
            href = href.rsplit("#", 1)[0] + "#" + ids[frag]
            changed = True
        links.append(href)
    return replace(features, links=tuple(links)) if changed else features
